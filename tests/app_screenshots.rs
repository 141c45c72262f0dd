//! Issue 12: golden images. Every screen in every language is rendered by
//! the software renderer with no display, from a fresh import of the demo
//! store, and compared with the committed reference in `tests/golden/`
//! within a small tolerance (anti-aliasing may differ by a shade; a moved,
//! missing or enlarged control may not). On a difference the rendered
//! image and a diff image (changed pixels in red over a faded copy) are
//! saved next to the test's target dir, and the message names them.
//!
//! `scripts/bless-golden` regenerates the references after an intended
//! change of the UI (it runs this test with `KIOSK_BLESS_GOLDEN=1`).
//!
//! Also checked on every screen: it is not blank, and no button falls off
//! the screen. `app_glyphs.rs` checks that Chinese draws as glyphs.

use std::path::{Path, PathBuf};

use i_slint_backend_testing::{AccessibleRole, ElementQuery};
use kiosk::app::screenshots::{self, Image, SCREENS};
use kiosk::app::ui::App;
use kiosk::config::Config;
use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, ImportOptions, Snapshot};
use kiosk_core::Lang;
use slint::ComponentHandle;

const W: u32 = 1280;
const H: u32 = 800;
/// A channel may differ by this much before the pixel counts as changed.
const CHANNEL_TOLERANCE: u8 = 8;
/// At most this share of a screen's pixels may change.
const MAX_CHANGED: f64 = 0.001;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Distinct colours in an image (sampled), to tell a real screen from a
/// blank or single-colour one.
fn colours(image: &Image) -> usize {
    let mut seen = std::collections::HashSet::new();
    for px in image.rgb.chunks(3).step_by(7) {
        seen.insert((px[0] >> 3, px[1] >> 3, px[2] >> 3));
    }
    seen.len()
}

/// The pixels that differ beyond the tolerance, and a diff image showing
/// them in red over a faded copy of the reference.
fn compare(actual: &Image, reference: &Image) -> (usize, Image) {
    let mut changed = 0;
    let mut diff = Vec::with_capacity(reference.rgb.len());
    for (a, r) in actual.rgb.chunks(3).zip(reference.rgb.chunks(3)) {
        let differs = a
            .iter()
            .zip(r)
            .any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE);
        if differs {
            changed += 1;
            diff.extend_from_slice(&[255, 0, 0]);
        } else {
            diff.extend(r.iter().map(|c| 191 + c / 4));
        }
    }
    let image = Image {
        width: reference.width,
        height: reference.height,
        rgb: diff,
    };
    (changed, image)
}

/// Checks `image` against its reference, or writes the reference when
/// blessing. Returns a problem to report, if any.
fn check_golden(name: &str, image: &Image, golden: &Path, failures: &Path) -> Option<String> {
    let reference_path = golden.join(format!("{name}.png"));
    if std::env::var_os("KIOSK_BLESS_GOLDEN").is_some() {
        screenshots::write_png(image, &reference_path).expect("write the reference");
        return None;
    }
    let reference = match screenshots::read_png(&reference_path) {
        Ok(r) => r,
        Err(e) => {
            return Some(format!(
                "{name}: no readable reference ({e:#}); run scripts/bless-golden"
            ));
        }
    };
    if (reference.width, reference.height) != (image.width, image.height) {
        return Some(format!(
            "{name}: rendered {}×{}, the reference is {}×{}",
            image.width, image.height, reference.width, reference.height
        ));
    }
    let (changed, diff) = compare(image, &reference);
    let share = changed as f64 / f64::from(image.width * image.height);
    if share <= MAX_CHANGED {
        return None;
    }
    let actual_path = failures.join(format!("{name}-actual.png"));
    let diff_path = failures.join(format!("{name}-diff.png"));
    screenshots::write_png(image, &actual_path).expect("write the rendered image");
    screenshots::write_png(&diff, &diff_path).expect("write the diff image");
    Some(format!(
        "{name}: {changed} pixels ({:.2}%) differ from {}; rendered: {}, diff: {}",
        share * 100.0,
        reference_path.display(),
        actual_path.display(),
        diff_path.display()
    ))
}

#[test]
fn every_screen_matches_its_golden_image_in_every_language() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    // The demo store as shipped: its stock time comes from its store.toml,
    // so every date on screen is the same on every run.
    import::import(
        &DataDir::new(&data),
        &ImportOptions::new(repo().join("catalog")),
        &mut NoProgress,
    )
    .expect("import demo");
    let snapshot = Snapshot::open(&DataDir::new(&data)).expect("open");
    let config = Config::default();
    let golden = repo().join("tests").join("golden");
    let failures = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("golden-failures");
    std::fs::create_dir_all(&golden).expect("mkdir golden");
    let _ = std::fs::remove_dir_all(&failures);
    std::fs::create_dir_all(&failures).expect("mkdir failures");

    let window = screenshots::headless(W, H).expect("software renderer");
    let app = App::new().expect("window");
    app.show().expect("shown");
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        for screen in SCREENS {
            screenshots::show(&app, screen, lang, &snapshot, &config, &[])
                .expect("set up the screen");
            let image = screenshots::render(&window, W, H);
            let name = format!("{screen}-{}", lang.code());
            if colours(&image) < 12 {
                problems.push(format!("{name} looks blank"));
            }
            problems.extend(check_golden(&name, &image, &golden, &failures));
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
                        "{name}: button {label:?} at {pos:?} size {size:?} is off the screen"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every reference is one this test renders: none is left over from a
    // screen that no longer exists.
    let n_references = std::fs::read_dir(&golden)
        .expect("read golden")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png"))
        })
        .count();
    assert_eq!(
        n_references,
        SCREENS.len() * Lang::ALL.len(),
        "one reference per screen and language in {}",
        golden.display()
    );
}

/// The comparison itself: a control grown by a few pixels is caught, a
/// shade of anti-aliasing is not.
#[test]
fn the_comparison_catches_a_moved_control_and_tolerates_a_shade() {
    let (w, h) = (200u32, 100u32);
    let mut reference = Image {
        width: w,
        height: h,
        rgb: vec![240; (w * h * 3) as usize],
    };
    let draw_box = |image: &mut Image, x0: u32, y0: u32| {
        for y in y0..y0 + 30 {
            for x in x0..x0 + 60 {
                let i = ((y * w + x) * 3) as usize;
                image.rgb[i..i + 3].copy_from_slice(&[11, 110, 79]);
            }
        }
    };
    draw_box(&mut reference, 20, 20);
    let mut shaded = Image {
        width: w,
        height: h,
        rgb: reference.rgb.iter().map(|c| c.saturating_add(6)).collect(),
    };
    assert_eq!(compare(&shaded, &reference).0, 0);
    draw_box(&mut shaded, 26, 20);
    let (changed, diff) = compare(&shaded, &reference);
    assert_eq!(changed, 6 * 30, "the box grew 6 px to the right");
    assert_eq!(&diff.rgb[((20 * w + 80) * 3) as usize..][..3], &[255, 0, 0]);
}
