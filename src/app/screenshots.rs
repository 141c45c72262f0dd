//! Every screen in every language, rendered with Slint's software renderer
//! into PNG files, with no display: for the docs and for the screenshot
//! tests. The conversation shows real answers from the snapshot.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::Context;
use kiosk_catalog::{DataDir, Snapshot};
use kiosk_core::assistant::{Assistant, Clock, Session, TurnInput};
use kiosk_core::{Lang, StockLookup};
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, ModelRc, PhysicalSize, VecModel};

use super::adapters::pickup::{PickupEntry, pickup_code};
use super::adapters::{self, app_state, chat, detail, keyboard, pickup, staff_call, staff_panel};
use super::convert::cards;
use super::ui;
use super::worker::CallPhase;
use crate::config::Config;

struct Headless {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
}

/// The screens, in the order they are rendered.
pub const SCREENS: [&str; 9] = [
    "attract",
    "conversation",
    "keyboard",
    "detail",
    "pickup",
    "handoff",
    "countdown",
    "staff-locked",
    "staff",
];

/// An RGB image.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// Installs the software-rendering platform (once per process).
pub fn headless(width: u32, height: u32) -> anyhow::Result<Rc<MinimalSoftwareWindow>> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(Headless {
        window: window.clone(),
    }))
    .map_err(|e| anyhow::anyhow!("setting up the software renderer: {e}"))?;
    window.set_size(PhysicalSize::new(width, height));
    Ok(window)
}

pub fn render(window: &MinimalSoftwareWindow, width: u32, height: u32) -> Image {
    slint::platform::update_timers_and_animations();
    let mut buffer = vec![slint::Rgb8Pixel::default(); (width * height) as usize];
    window.request_redraw();
    window.draw_if_needed(|renderer| {
        renderer.render(&mut buffer, width as usize);
    });
    let rgb = buffer.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    Image { width, height, rgb }
}

pub fn write_png(image: &Image, path: &Path) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().context("writing a PNG header")?;
    writer
        .write_image_data(&image.rgb)
        .context("writing PNG data")?;
    Ok(())
}

/// Reads an 8-bit RGB or RGBA PNG (as `write_png` writes them) into RGB.
pub fn read_png(path: &Path) -> anyhow::Result<Image> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .with_context(|| format!("reading the PNG header of {}", path.display()))?;
    let size = reader
        .output_buffer_size()
        .with_context(|| format!("{} is too large", path.display()))?;
    let mut buffer = vec![0; size];
    let info = reader
        .next_frame(&mut buffer)
        .with_context(|| format!("decoding {}", path.display()))?;
    let channels = match (info.color_type, info.bit_depth) {
        (png::ColorType::Rgb, png::BitDepth::Eight) => 3,
        (png::ColorType::Rgba, png::BitDepth::Eight) => 4,
        other => anyhow::bail!(
            "{}: expected an 8-bit RGB PNG, found {other:?}",
            path.display()
        ),
    };
    let rgb = buffer[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect();
    Ok(Image {
        width: info.width,
        height: info.height,
        rgb,
    })
}

/// A sample question per language, answered by the real assistant.
fn sample_question(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "do you have the Velora Stride 3 in size 9 in black?",
        Lang::Nl => "hebben jullie de Velora Stride 3 in maat 9 in het zwart?",
        Lang::Id => "ada Velora Stride 3 ukuran 9 warna hitam?",
        Lang::Zh => "Velora Stride 3 有沒有9號黑色的？",
    }
}

/// Sets up `app` to show `screen` in `lang`, with real data.
pub fn show(
    app: &ui::App,
    screen: &str,
    lang: Lang,
    snapshot: &Snapshot,
    config: &Config,
    stats: &[super::worker::Figure],
) -> anyhow::Result<()> {
    app_state::set_language(app, lang);
    app_state::set_store_name(app, &snapshot.store().name);
    app_state::set_stale(app, screen == "conversation");
    app_state::set_stock_as_of(app, lang, "2026-11-22 23:00");
    adapters::reset(app);
    staff_panel::lock(app);

    // A real answer for the conversation screens.
    let assistant_config = config.assistant();
    let assistant = Assistant::new(snapshot, snapshot, &assistant_config);
    let clock =
        Clock::utc(snapshot.snapshot_info().stock_as_of + jiff::SignedDuration::from_hours(2));
    let mut session = Session::default();
    let question = sample_question(lang);
    let reply = assistant
        .turn(
            &mut session,
            &TurnInput {
                text: question.into(),
                lang: Some(lang),
            },
            clock,
        )
        .map_err(|e| anyhow::anyhow!("answering the sample question: {e}"))?;
    let mut card_data = cards(&reply, snapshot.lexicon());
    let mut photos = super::photos::PhotoCache::default();
    photos.attach(snapshot, &mut card_data, kiosk_catalog::ImageSize::Card);
    let messages = vec![
        chat::map_question(question),
        chat::map_answer(&reply.answer, &card_data, &reply.quick_replies),
    ];
    chat::set_messages(app, ModelRc::new(VecModel::from(messages)));

    let page = match screen {
        "attract" => ui::Page::Attract,
        "pickup" => ui::Page::Pickup,
        "staff" | "staff-locked" => ui::Page::Staff,
        _ => ui::Page::Conversation,
    };
    app_state::set_page(app, page);
    match screen {
        "keyboard" => {
            chat::set_draft(
                app,
                match lang {
                    Lang::En => "black running shoes",
                    Lang::Nl => "zwarte hardloopschoenen",
                    Lang::Id => "sepatu lari hitam",
                    Lang::Zh => "黑色",
                },
            );
            app.global::<ui::KeyboardAdapter>()
                .invoke_open(lang.code().into());
            if lang == Lang::Zh {
                // Pinyin half typed: the candidate bar offers 跑鞋 first.
                keyboard::set_composition(app, "paoxie");
            }
        }
        "detail" => {
            if let Some(card) = card_data.first() {
                let mut card = card.clone();
                card.photo = photos.get(snapshot, &card.id, kiosk_catalog::ImageSize::Detail);
                detail::show(app, &card);
            }
        }
        "pickup" => {
            let entries: Vec<PickupEntry> = card_data
                .iter()
                .take(2)
                .map(|c| {
                    let variant = c.variants.first();
                    PickupEntry {
                        photo: c.photo.clone(),
                        pictogram: c.pictogram,
                        title: c.title.clone(),
                        options: variant.map(|v| v.label.clone()).unwrap_or_default(),
                        location: c.location.clone(),
                        sku: variant.map(|v| v.sku.clone()).unwrap_or_default(),
                    }
                })
                .collect();
            let code = pickup_code(card_data.iter().take(2).map(|c| c.id.as_str()));
            pickup::show(app, &entries, &code);
        }
        "handoff" => {
            let on_the_way = kiosk_core::assistant::phrasebook::say(lang, "staff_called", &[]);
            staff_call::show_phase(app, CallPhase::OnTheWay, &on_the_way);
            // The real handoff of a call after the sample question.
            let call_turn = TurnInput {
                text: kiosk_core::assistant::phrasebook::say(lang, "chip_call_staff", &[]),
                lang: Some(lang),
            };
            let handoff = assistant
                .turn(&mut session, &call_turn, clock)
                .map_err(|e| anyhow::anyhow!("calling staff: {e}"))?
                .handoff
                .ok_or_else(|| anyhow::anyhow!("the call-staff chip gave no handoff"))?;
            let summary = super::convert::handoff_summary(
                &handoff,
                &config.kiosk.name,
                &config.kiosk.location,
            );
            staff_call::show_handoff(app, &summary);
        }
        "countdown" => {
            app_state::set_countdown(app, Some(7));
        }
        "staff" => {
            staff_panel::unlock(app);
            let info = snapshot.snapshot_info();
            let catalog = super::worker::CatalogFacts {
                products: info.n_products,
                variants: info.n_variants,
                // Screens are compared with golden images: the source by
                // its name alone (not where the checkout is) and the age
                // as at the stock's own time (not the clock's).
                source: std::path::Path::new(&info.source)
                    .file_name()
                    .map_or_else(|| info.source.clone(), |n| n.to_string_lossy().into_owned()),
                as_of: info.stock_as_of.to_string(),
                age_hours: info.age_hours(info.stock_as_of),
            };
            let model = super::model::ModelFacts {
                state: super::model::ModelState::Ready,
                name: config.llm.model.to_string(),
                detail: String::new(),
            };
            // No sync since the start, no staff console; today's figures
            // from the data dir's own records (none on a fresh demo store).
            staff_panel::show_info(app, Some(&catalog), None, "", &model, stats);
        }
        _ => {}
    }
    Ok(())
}

pub fn render_all(
    config: &Config,
    data_dir: &Path,
    out: &Path,
    width: u32,
    height: u32,
) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let snapshot = Snapshot::open(&DataDir::new(data_dir))?;
    let window = headless(width, height)?;
    let app = ui::App::new()?;
    app.show()?;
    let stats = super::worker::today_figures(data_dir);
    let mut files = Vec::new();
    for lang in Lang::ALL {
        for screen in SCREENS {
            show(&app, screen, lang, &snapshot, config, &stats)?;
            let image = render(&window, width, height);
            let path = out.join(format!("{screen}-{}.png", lang.code()));
            write_png(&image, &path)?;
            files.push(path);
        }
    }
    Ok(files)
}
