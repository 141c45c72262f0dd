//! Issue 16: the card, the detail view and the pickup list show the
//! product's photo, drawn from decoded pixels. The demo store is imported
//! with one photo (a flat magenta picture no screen otherwise has) for the
//! product the sample question asks about, every screen is rendered with
//! the software renderer, and the photo's pixels are counted; without the
//! photo none are there.

use std::path::PathBuf;

use kiosk::app::screenshots::{self, Image};
use kiosk::app::ui::App;
use kiosk::config::Config;
use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, ImportOptions, Snapshot};
use kiosk_core::Lang;
use slint::ComponentHandle;

const W: u32 = 1280;
const H: u32 = 800;
const PRODUCT: &str = "velora-stride-3-mens-running-shoe";

fn magenta_pixels(image: &Image) -> usize {
    image
        .rgb
        .chunks(3)
        .filter(|p| p[0] > 215 && p[1] < 40 && p[2] > 215)
        .count()
}

fn snapshot(with_photo: bool, dir: &std::path::Path) -> Snapshot {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut options = ImportOptions::new(repo.join("catalog"));
    if with_photo {
        let photos = dir.join("photos");
        std::fs::create_dir_all(&photos).expect("mkdir");
        image::RgbImage::from_pixel(600, 600, image::Rgb([255, 0, 255]))
            .save(photos.join(format!("{PRODUCT}.png")))
            .expect("photo");
        options.images.folder = Some(photos);
    }
    let data = dir.join("data");
    let summary = import::import(&DataDir::new(&data), &options, &mut NoProgress).expect("import");
    assert_eq!(summary.n_images, u64::from(with_photo));
    Snapshot::open(&DataDir::new(&data)).expect("open")
}

#[test]
fn card_detail_and_pickup_show_the_photo() {
    let tmp = tempfile::tempdir().expect("tmp");
    let with = snapshot(true, &tmp.path().join("with"));
    let without = snapshot(false, &tmp.path().join("without"));
    let config = Config::default();
    let window = screenshots::headless(W, H).expect("software renderer");
    let app = App::new().expect("window");
    app.show().expect("shown");
    let render = |snapshot: &Snapshot, screen: &str| {
        screenshots::show(&app, screen, Lang::En, snapshot, &config, &[]).expect("screen");
        screenshots::render(&window, W, H)
    };
    for (screen, side) in [("conversation", 88), ("detail", 200), ("pickup", 72)] {
        let shown = magenta_pixels(&render(&with, screen));
        // The photo fills its square (less rounded corners and borders).
        assert!(
            shown >= side * side * 7 / 10,
            "{screen}: {shown} photo pixels, expected about {side}×{side}"
        );
        assert_eq!(magenta_pixels(&render(&without, screen)), 0, "{screen}");
    }
}
