//! Issue 6: every screen in every language, rendered by the software
//! renderer with no display, saved as PNG files (under the test's target
//! dir) and checked: not blank, and every button on screen (nothing pushed
//! off the bottom). `app_glyphs.rs` checks that Chinese draws as glyphs.

use std::path::PathBuf;

use i_slint_backend_testing::{AccessibleRole, ElementQuery};
use kiosk::app::screenshots::{self, SCREENS};
use kiosk::app::ui::App;
use kiosk::config::Config;
use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, ImportOptions, Snapshot};
use kiosk_core::Lang;
use slint::ComponentHandle;

const W: u32 = 1280;
const H: u32 = 800;

/// Distinct colours in an image (sampled), to tell a real screen from a
/// blank or single-colour one.
fn colours(image: &screenshots::Image) -> usize {
    let mut seen = std::collections::HashSet::new();
    for px in image.rgb.chunks(3).step_by(7) {
        seen.insert((px[0] >> 3, px[1] >> 3, px[2] >> 3));
    }
    seen.len()
}

#[test]
fn every_screen_renders_in_every_language() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let catalog = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("catalog");
    import::import(
        &DataDir::new(&data),
        &ImportOptions::new(&catalog),
        &mut NoProgress,
    )
    .expect("import demo");
    let snapshot = Snapshot::open(&DataDir::new(&data)).expect("open");
    let config = Config::default();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&out).expect("mkdir");

    let window = screenshots::headless(W, H).expect("software renderer");
    let app = App::new().expect("window");
    app.show().expect("shown");
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        for screen in SCREENS {
            screenshots::show(&app, screen, lang, &snapshot, &config, &[])
                .expect("set up the screen");
            let image = screenshots::render(&window, W, H);
            let path = out.join(format!("{screen}-{}.png", lang.code()));
            screenshots::write_png(&image, &path).expect("write png");
            if colours(&image) < 12 {
                problems.push(format!(
                    "{screen} in {lang} looks blank ({})",
                    path.display()
                ));
            }
            // Nothing falls off the bottom or the sides of the screen.
            for button in ElementQuery::from_root(&app)
                .match_accessible_role(AccessibleRole::Button)
                .find_all()
            {
                let pos = button.absolute_position();
                let size = button.size();
                let label = button.accessible_label().unwrap_or_default();
                if pos.y + size.height > H as f32 + 0.5 || size.width > W as f32 + 0.5 {
                    problems.push(format!(
                        "{screen} in {lang}: button {label:?} at {pos:?} size {size:?} is off the screen"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        std::fs::read_dir(&out).expect("read").count(),
        SCREENS.len() * Lang::ALL.len(),
        "one PNG per screen and language"
    );
}
