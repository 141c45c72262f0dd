//! Product photos (issue 16): a folder of photos named by handle or SKU
//! becomes card and detail thumbnails in the snapshot; a photo that cannot
//! be decoded is a per-file issue and its product keeps its pictogram.

use std::path::Path;
use std::sync::Arc;

use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use kiosk_catalog::import::images::{CARD_PX, DETAIL_PX};
use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, ImageOptions, ImageSize, ImportOptions, Rule, Snapshot};

mod common;
use common::STORE;

const PRODUCTS: &str = "id,title,brand,category,description,tags,price,location,image,goes_with\n\
p1,Trail Runner Shoe,Velo,Running Shoes,Grippy,running;trail,99.95,,,\n\
p2,Wool Socks,Velo,Sports Socks,Warm,socks,9.95,,,\n\
p3,Rain Jacket,Velo,Rain Jackets,Dry,rain,59.95,,http://example.invalid/p3.jpg,\n\
p4,Sun Cap,Velo,Caps,Shade,cap,19.95,,,\n";

const VARIANTS: &str = "sku,product_id,size,color,price,barcode\n\
p1-9-blk,p1,9,Black,,\n\
p2-m,p2,M,Grey,,\n\
p3-m,p3,M,Blue,,\n\
p4-one,p4,One size,Red,,\n";

const STOCK: &str = "sku,quantity\np1-9-blk,3\np2-m,12\np3-m,2\np4-one,5\n";

fn catalog(dir: &Path) {
    for (name, text) in [
        ("store.toml", STORE),
        ("products.csv", PRODUCTS),
        ("variants.csv", VARIANTS),
        ("stock.csv", STOCK),
    ] {
        std::fs::write(dir.join(name), text).expect("write fixture");
    }
}

fn photo(path: &Path, w: u32, h: u32, format: ImageFormat) {
    let image = RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    DynamicImage::ImageRgb8(image)
        .save_with_format(path, format)
        .expect("write photo");
}

fn dimensions(jpeg: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).expect("a JPEG");
    (image.width(), image.height())
}

#[test]
fn a_folder_of_photos_by_handle_and_sku_becomes_thumbnails() {
    let catalog_dir = tempfile::tempdir().expect("temp dir");
    catalog(catalog_dir.path());
    let photos = tempfile::tempdir().expect("temp dir");
    // By handle, a large JPEG.
    photo(&photos.path().join("p1.jpg"), 1200, 800, ImageFormat::Jpeg);
    // By SKU, a transparent PNG.
    RgbaImage::from_pixel(300, 600, image::Rgba([200, 0, 0, 0]))
        .save_with_format(photos.path().join("p2-m.png"), ImageFormat::Png)
        .expect("write png");
    // Not an image at all, under a photo's name.
    std::fs::write(photos.path().join("p4.webp"), b"this is no webp").expect("write");
    // Names no product.
    photo(&photos.path().join("nobody.jpg"), 50, 50, ImageFormat::Jpeg);
    // Not a photo's file type: ignored.
    std::fs::write(photos.path().join("notes.txt"), b"hello").expect("write");

    let data = tempfile::tempdir().expect("temp dir");
    let mut options = ImportOptions::new(catalog_dir.path());
    options.images = ImageOptions {
        folder: Some(photos.path().to_path_buf()),
        fetch: None,
        cache: None,
    };
    let summary =
        import::import(&DataDir::new(data.path()), &options, &mut NoProgress).expect("import");
    assert_eq!(summary.n_images, 2);
    assert_eq!(summary.n_bad_images, 1);

    let bad: Vec<_> = summary
        .issues
        .iter()
        .filter(|i| i.rule == Rule::BadImage)
        .collect();
    assert_eq!(bad.len(), 1, "{:?}", summary.issues);
    assert!(bad[0].file.ends_with("p4.webp"), "{}", bad[0]);
    assert!(bad[0].message.contains("pictogram"), "{}", bad[0]);
    let unmatched: Vec<_> = summary
        .issues
        .iter()
        .filter(|i| i.rule == Rule::UnmatchedImage)
        .collect();
    assert_eq!(unmatched.len(), 1);
    assert!(unmatched[0].file.ends_with("nobody.jpg"));

    let snapshot = Snapshot::open(&DataDir::new(data.path())).expect("open");
    assert_eq!(snapshot.n_images().expect("count"), 2);
    let card = snapshot
        .image("p1", ImageSize::Card)
        .expect("read")
        .expect("p1 card");
    let detail = snapshot
        .image("p1", ImageSize::Detail)
        .expect("read")
        .expect("p1 detail");
    assert_eq!(dimensions(&card), (CARD_PX, (CARD_PX * 2 + 1) / 3));
    assert_eq!(dimensions(&detail), (DETAIL_PX, DETAIL_PX * 2 / 3));
    // The PNG named by SKU belongs to its product; transparency is white.
    let card = snapshot
        .image("p2", ImageSize::Card)
        .expect("read")
        .expect("p2 card");
    let decoded = image::load_from_memory(&card).expect("jpeg").to_rgb8();
    assert_eq!(decoded.dimensions(), (CARD_PX / 2, CARD_PX));
    let p = decoded.get_pixel(10, 10);
    assert!(p[0] > 240 && p[1] > 240 && p[2] > 240, "{p:?}");
    // The broken photo's product and the one without a photo have none.
    assert_eq!(snapshot.image("p4", ImageSize::Card).expect("read"), None);
    assert_eq!(snapshot.image("p3", ImageSize::Detail).expect("read"), None);
}

#[test]
fn a_second_photo_of_a_product_is_noted_and_the_first_by_name_is_used() {
    let catalog_dir = tempfile::tempdir().expect("temp dir");
    catalog(catalog_dir.path());
    let photos = tempfile::tempdir().expect("temp dir");
    // Three photos of p1: by SKU, and by handle twice. In name order
    // ('-' before '.') the SKU's comes first, whatever order the folder
    // lists them in.
    photo(&photos.path().join("p1.png"), 100, 300, ImageFormat::Png);
    photo(&photos.path().join("p1.jpg"), 100, 300, ImageFormat::Jpeg);
    photo(
        &photos.path().join("p1-9-blk.jpg"),
        300,
        100,
        ImageFormat::Jpeg,
    );
    let data = tempfile::tempdir().expect("temp dir");
    let mut options = ImportOptions::new(catalog_dir.path());
    options.images.folder = Some(photos.path().to_path_buf());
    let summary =
        import::import(&DataDir::new(data.path()), &options, &mut NoProgress).expect("import");
    assert_eq!(summary.n_images, 1, "{:?}", summary.issues);
    let duplicates: Vec<_> = summary
        .issues
        .iter()
        .filter(|i| i.rule == Rule::DuplicateImage)
        .collect();
    assert_eq!(duplicates.len(), 2, "{:?}", summary.issues);
    for (issue, file) in duplicates.iter().zip(["p1.jpg", "p1.png"]) {
        assert!(issue.file.ends_with(file), "{issue}");
        assert!(issue.message.contains("p1-9-blk.jpg"), "{issue}");
    }
    let snapshot = Snapshot::open(&DataDir::new(data.path())).expect("open");
    let card = snapshot
        .image("p1", ImageSize::Card)
        .expect("read")
        .expect("p1 card");
    assert_eq!(dimensions(&card), (CARD_PX, CARD_PX / 3));
    // The list of photos was kept in a scratch file beside the new
    // snapshot; none is left in it.
    let files: Vec<String> = std::fs::read_dir(&summary.snapshot_path)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !files.iter().any(|f| f.starts_with("image-jobs")),
        "{files:?}"
    );
}

#[test]
fn fetched_photos_fill_in_and_failures_are_issues() {
    let catalog_dir = tempfile::tempdir().expect("temp dir");
    catalog(catalog_dir.path());
    let data = tempfile::tempdir().expect("temp dir");
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 64, image::Rgb([0, 0, 255])))
        .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
        .expect("encode");
    let mut options = ImportOptions::new(catalog_dir.path());
    options.images = ImageOptions {
        folder: None,
        fetch: Some(Arc::new(move |url: &str| {
            if url.ends_with("p3.jpg") {
                Ok(png.clone())
            } else {
                Err("404 Not Found".into())
            }
        })),
        cache: None,
    };
    let summary =
        import::import(&DataDir::new(data.path()), &options, &mut NoProgress).expect("import");
    assert_eq!(summary.n_images, 1);
    let snapshot = Snapshot::open(&DataDir::new(data.path())).expect("open");
    let card = snapshot
        .image("p3", ImageSize::Card)
        .expect("read")
        .expect("p3");
    // Never scaled up.
    assert_eq!(dimensions(&card), (64, 64));
}

#[test]
fn thumbnails_made_before_are_taken_as_they_are() {
    let catalog_dir = tempfile::tempdir().expect("temp dir");
    catalog(catalog_dir.path());
    let photos = tempfile::tempdir().expect("temp dir");
    photo(&photos.path().join("src.jpg"), 900, 900, ImageFormat::Jpeg);
    let made = kiosk_catalog::import::images::thumbnails(
        &std::fs::read(photos.path().join("src.jpg")).expect("read"),
    )
    .expect("thumbnails");
    std::fs::remove_file(photos.path().join("src.jpg")).expect("rm");
    std::fs::write(photos.path().join("p1.card.jpg"), &made.card).expect("write");
    std::fs::write(photos.path().join("p1.detail.jpg"), &made.detail).expect("write");
    // A "card" thumbnail at detail size is refused.
    std::fs::write(photos.path().join("p2.card.jpg"), &made.detail).expect("write");
    std::fs::write(photos.path().join("p2.detail.jpg"), &made.detail).expect("write");
    let data = tempfile::tempdir().expect("temp dir");
    let mut options = ImportOptions::new(catalog_dir.path());
    options.images.folder = Some(photos.path().to_path_buf());
    let summary =
        import::import(&DataDir::new(data.path()), &options, &mut NoProgress).expect("import");
    assert_eq!(summary.n_images, 1, "{:?}", summary.issues);
    assert!(
        summary
            .issues
            .iter()
            .any(|i| i.rule == Rule::BadImage && i.message.contains("p2.card.jpg")),
        "{:?}",
        summary.issues
    );
    let snapshot = Snapshot::open(&DataDir::new(data.path())).expect("open");
    assert_eq!(
        snapshot.image("p1", ImageSize::Card).expect("read"),
        Some(made.card)
    );
}

/// A photo whose left half is red and right half blue, in a JPEG.
fn halves_jpeg(w: u32, h: u32, grey: bool) -> Vec<u8> {
    let image = RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            image::Rgb([220, 20, 30])
        } else {
            image::Rgb([20, 40, 210])
        }
    });
    let image = if grey {
        DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(image).to_luma8())
    } else {
        DynamicImage::ImageRgb8(image)
    };
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Jpeg)
        .expect("encode JPEG");
    out.into_inner()
}

fn rgb(jpeg: &[u8]) -> RgbImage {
    image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg)
        .expect("a JPEG")
        .to_rgb8()
}

/// A large JPEG is decoded at a reduced scale: the thumbnails still have
/// the exact sizes and the photo's colours where they were.
#[test]
fn a_large_jpeg_keeps_its_size_and_colours_through_the_reduced_decode() {
    for (w, h) in [(2400, 1200), (1000, 750), (481, 2000), (500, 500)] {
        let made = kiosk_catalog::import::images::thumbnails(&halves_jpeg(w, h, false))
            .expect("thumbnails");
        let detail = rgb(&made.detail);
        let card = rgb(&made.card);
        let fit = |max: u32| {
            let long = w.max(h);
            (
                (w * max).div_ceil(long).min(max).max(1),
                (h * max).div_ceil(long).min(max).max(1),
            )
        };
        let (dw, dh) = (detail.width(), detail.height());
        let (ew, eh) = fit(DETAIL_PX);
        assert!(
            dw.abs_diff(ew) <= 1 && dh.abs_diff(eh) <= 1 && dw.max(dh) == DETAIL_PX,
            "{w}×{h}: detail {dw}×{dh}"
        );
        assert_eq!(card.width().max(card.height()), CARD_PX, "{w}×{h}");
        for image in [&detail, &card] {
            let y = image.height() / 2;
            let left = image.get_pixel(image.width() / 8, y);
            let right = image.get_pixel(image.width() * 7 / 8, y);
            assert!(left[0] > 180 && left[2] < 80, "{w}×{h}: left {left:?}");
            assert!(right[2] > 170 && right[0] < 80, "{w}×{h}: right {right:?}");
        }
    }
}

/// A greyscale JPEG takes the same reduced decode and comes out grey.
#[test]
fn a_greyscale_jpeg_becomes_grey_thumbnails() {
    let made = kiosk_catalog::import::images::thumbnails(&halves_jpeg(1600, 1200, true))
        .expect("thumbnails");
    let detail = rgb(&made.detail);
    assert_eq!((detail.width(), detail.height()), (DETAIL_PX, 360));
    let p = detail.get_pixel(40, 180);
    assert!(
        p[0].abs_diff(p[1]) <= 3 && p[1].abs_diff(p[2]) <= 3,
        "{p:?}"
    );
}

/// Photos stream from the fetcher through the thumbnail workers to the
/// snapshot: at no time are more than a few fetched photos waiting, so
/// memory does not grow with the number of products.
#[test]
fn photos_stream_through_the_import_a_few_at_a_time() {
    use std::sync::atomic::{AtomicU64, Ordering};

    const N: usize = 400;
    let catalog_dir = tempfile::tempdir().expect("temp dir");
    let mut products =
        String::from("id,title,brand,category,description,tags,price,location,image,goes_with\n");
    let mut variants = String::from("sku,product_id,size,color,price,barcode\n");
    let mut stock = String::from("sku,quantity\n");
    for i in 0..N {
        products.push_str(&format!(
            "p{i},Shoe {i},Velo,Running Shoes,Grippy,running,9.95,,http://example.invalid/p{i}.jpg,\n"
        ));
        variants.push_str(&format!("s{i},p{i},9,Black,,\n"));
        stock.push_str(&format!("s{i},1\n"));
    }
    for (name, text) in [
        ("store.toml", STORE),
        ("products.csv", products.as_str()),
        ("variants.csv", variants.as_str()),
        ("stock.csv", stock.as_str()),
    ] {
        std::fs::write(catalog_dir.path().join(name), text).expect("write fixture");
    }
    let photo = halves_jpeg(64, 48, false);
    let fetched = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&fetched);
    struct Watch {
        fetched: Arc<AtomicU64>,
        in_images: bool,
        most_waiting: u64,
    }
    impl import::Progress for Watch {
        fn phase(&mut self, name: &str, _: u64) {
            self.in_images = name == "images";
        }
        fn set(&mut self, done: u64) {
            if self.in_images {
                let waiting = self.fetched.load(Ordering::SeqCst).saturating_sub(done);
                self.most_waiting = self.most_waiting.max(waiting);
                // A slow writer: a pipeline that did not wait for it
                // would fetch far ahead.
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
    }
    let mut watch = Watch {
        fetched: Arc::clone(&fetched),
        in_images: false,
        most_waiting: 0,
    };
    let data = tempfile::tempdir().expect("temp dir");
    let mut options = ImportOptions::new(catalog_dir.path());
    options.images.fetch = Some(Arc::new(move |_: &str| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(photo.clone())
    }));
    let summary = import::import(&DataDir::new(data.path()), &options, &mut watch).expect("import");
    assert_eq!(summary.n_images, N as u64);
    assert_eq!(fetched.load(Ordering::SeqCst), N as u64);
    // Workers (at most 8), each holding one photo, plus the bounded
    // channel between them and the writer.
    assert!(
        watch.most_waiting <= 8 * 3 + 1,
        "{} photos fetched and not yet stored",
        watch.most_waiting
    );
}

#[test]
fn a_photo_that_is_not_one_says_why() {
    use kiosk_catalog::import::ImageError;
    use kiosk_catalog::import::images::thumbnails;
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    match thumbnails(gif) {
        Err(ImageError::Format(ImageFormat::Gif)) => {}
        other => panic!("a GIF: {other:?}"),
    }
    match thumbnails(b"just some text") {
        Err(error @ ImageError::NotAnImage) => {
            assert_eq!(
                error.to_string(),
                "not an image: expected JPEG, PNG or WebP"
            )
        }
        other => panic!("text: {other:?}"),
    }
    // A JPEG header with nothing after it.
    match thumbnails(b"\xFF\xD8\xFF\xE0") {
        Err(error @ ImageError::Decode(_)) => {
            assert!(error.to_string().starts_with("cannot decode it"), "{error}")
        }
        other => panic!("a truncated JPEG: {other:?}"),
    }
}

/// A detail thumbnail of a photo already at detail size keeps its sharp
/// colour edges: a blue and orange checkerboard of 4-pixel squares (a
/// printed pattern, a label) comes back within a few shades a channel.
#[test]
fn a_thumbnail_keeps_sharp_colour_edges() {
    let photo = RgbImage::from_fn(DETAIL_PX, DETAIL_PX, |x, y| {
        if (x / 4 + y / 4) % 2 == 0 {
            image::Rgb([20, 60, 220])
        } else {
            image::Rgb([240, 140, 20])
        }
    });
    let mut png = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(photo.clone())
        .write_to(&mut png, ImageFormat::Png)
        .expect("encode PNG");
    let made = kiosk_catalog::import::images::thumbnails(&png.into_inner()).expect("thumbnails");
    let detail = image::load_from_memory_with_format(&made.detail, ImageFormat::Jpeg)
        .expect("a JPEG")
        .to_rgb8();
    assert_eq!(detail.dimensions(), photo.dimensions());
    let error: u64 = detail
        .as_raw()
        .iter()
        .zip(photo.as_raw())
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum();
    let mean = error as f64 / detail.as_raw().len() as f64;
    // Measured: 6.9 at full colour resolution, 32.4 with the colour halved.
    assert!(mean < 10.0, "mean error {mean:.2} shades a channel");
}
