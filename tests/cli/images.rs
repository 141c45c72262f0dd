//! Issue 16: product photos through the real `kiosk` binary. `kiosk import
//! --fetch-images` downloads the export's image URLs from a real HTTP server
//! on loopback (as the back office would from a shop's CDN), and `--images
//! DIR` reads a folder; a broken photo is a warning naming its file, and the
//! product falls back to its pictogram.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use kiosk_catalog::{DataDir, ImageSize, Snapshot};

fn kiosk(dir: &Path, args: &[&str]) -> std::process::Output {
    let config = dir.join("empty.toml");
    std::fs::write(&config, "").expect("config");
    // The thumbnail cache goes in the test's folder, never the user's
    // ~/.cache, so no run sees thumbnails an earlier one made.
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .arg("--config")
        .arg(&config)
        .args(args)
        .output()
        .expect("run kiosk")
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([10, 200, 30])))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// Serves `/ok.png` and answers 404 to anything else, on loopback.
fn serve(body: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() || line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let ok = request.starts_with("GET /ok.png ");
            let (status, payload): (&str, &[u8]) = if ok {
                ("200 OK", &body)
            } else {
                ("404 Not Found", b"no such image")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n",
                payload.len()
            );
            let _ = stream.write_all(payload);
        }
    });
    port
}

fn catalog(dir: &Path, port: u16) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let products = format!(
        "id,title,category,price,image\n\
         shoe,Trail Shoe,Running Shoes,99.95,http://127.0.0.1:{port}/ok.png\n\
         sock,Wool Sock,Socks,9.95,http://127.0.0.1:{port}/missing.png\n\
         cap,Sun Cap,Caps,19.95,\n"
    );
    for (name, text) in [
        (
            "store.toml",
            "id = \"photo-store\"\nname = \"Photo Store\"\nlanguage = \"en\"\ncurrency = \"EUR\"\nstock_as_of = \"2026-11-22T22:00:00Z\"\n",
        ),
        ("products.csv", &products),
        (
            "variants.csv",
            "sku,product_id,size\nshoe-9,shoe,9\nsock-m,sock,M\ncap-1,cap,One size\n",
        ),
        ("stock.csv", "sku,quantity\nshoe-9,3\nsock-m,4\ncap-1,5\n"),
    ] {
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("writing {name}: {e}"));
    }
}

/// `kiosk import` of the catalog `cat` into `data` with the photos in
/// `images`, and the `extra` flags.
fn import_with_images(
    dir: &Path,
    cat: &Path,
    data: &Path,
    images: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "import",
        "--from",
        cat.to_str().expect("utf-8"),
        "--data-dir",
        data.to_str().expect("utf-8"),
        "--images",
        images,
    ];
    args.extend_from_slice(extra);
    kiosk(dir, &args)
}

#[test]
fn import_fetches_urls_over_http_and_reads_a_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let port = serve(png(800, 600));
    let cat = tmp.path().join("cat");
    catalog(&cat, port);
    let photos = tmp.path().join("photos");
    std::fs::create_dir_all(&photos).expect("mkdir");
    // The cap's photo by SKU; a broken file for the sock, which the URL
    // cannot give either.
    std::fs::write(photos.join("cap-1.png"), png(300, 300)).expect("write");
    std::fs::write(photos.join("sock.jpg"), b"\xff\xd8\xff garbage").expect("write");
    let data = tmp.path().join("data");
    let out = import_with_images(
        tmp.path(),
        &cat,
        &data,
        photos.to_str().expect("utf-8"),
        &["--fetch-images"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("2 products with photos (1 could not be used)"),
        "{stdout}"
    );
    // The warning names the file and what the shopper sees instead.
    let warning = stdout
        .lines()
        .find(|l| l.contains("BadImage") && l.contains("sock.jpg"))
        .unwrap_or_else(|| panic!("no BadImage warning in {stdout}"));
    assert!(warning.contains("pictogram"), "{warning}");

    let snapshot = Snapshot::open(&DataDir::new(&data)).expect("open");
    let shoe = snapshot
        .image("shoe", ImageSize::Detail)
        .expect("read")
        .expect("fetched");
    let shoe = image::load_from_memory(&shoe).expect("jpeg");
    assert_eq!((shoe.width(), shoe.height()), (480, 360));
    assert!(
        snapshot
            .image("cap", ImageSize::Card)
            .expect("read")
            .is_some()
    );
    assert!(
        snapshot
            .image("sock", ImageSize::Card)
            .expect("read")
            .is_none()
    );
}

#[test]
fn a_missing_image_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cat = tmp.path().join("cat");
    catalog(&cat, 9);
    let out = import_with_images(
        tmp.path(),
        &cat,
        &tmp.path().join("data"),
        "/nonexistent/photos",
        &[],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--images /nonexistent/photos: not a folder"),
        "{stderr}"
    );
}
