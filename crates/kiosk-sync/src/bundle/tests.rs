use std::io::{self, Read};
use std::path::Path;

use kiosk_catalog::import::NoProgress;

use super::*;
use crate::error::{Error, Rejection};
use crate::keys::TrustedKeys;
use crate::testkit;

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
    keys: testkit::Keys,
    bundle: std::path::PathBuf,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().to_path_buf();
    testkit::write_catalog(&dir.join("cat"), 20, "store-a", "a");
    let keys = testkit::keys(&dir, "office.key");
    let bundle = testkit::bundle(&dir.join("cat"), &keys.secret, &dir.join("b.kbundle"), 5);
    Fixture {
        _tmp: tmp,
        dir,
        keys,
        bundle,
    }
}

/// The files a bundle's manifest lists, read from the bundle.
fn listed(bundle: &Path) -> Vec<crate::manifest::FileEntry> {
    let mut archive = tar::Archive::new(std::fs::File::open(bundle).expect("open"));
    let mut entry = archive
        .entries()
        .expect("entries")
        .next()
        .expect("a first entry")
        .expect("entry");
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("read");
    crate::manifest::Manifest::parse(&text)
        .expect("manifest")
        .files
}

fn policy(trusted: &TrustedKeys) -> Policy<'_> {
    Policy {
        trusted,
        expected_store: Some("store-a"),
        installed_version: Some(4),
        now: jiff::Timestamp::now(),
        max_age: None,
    }
}

fn open_bytes(bytes: &[u8], policy: &Policy<'_>, dest: &Path) -> crate::Result<Opened> {
    open(
        bytes,
        "test",
        false,
        policy,
        dest,
        "copying",
        &mut NoProgress,
    )
}

fn rejection(result: crate::Result<Opened>) -> Rejection {
    match result {
        Err(Error::Rejected(r)) => r,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn a_bundle_round_trips_into_a_copy_of_the_export() {
    let f = fixture();
    let dest = f.dir.join("in");
    let opened = open_bytes(
        &std::fs::read(&f.bundle).expect("read"),
        &policy(&f.keys.trusted),
        &dest,
    )
    .expect("opens");
    let Opened::Extracted(verified) = opened else {
        panic!("expected the payload");
    };
    assert_eq!(verified.manifest.head.version, 5);
    assert_eq!(verified.manifest.head.store_id, "store-a");
    for name in ["store.toml", "products.csv", "variants.csv", "stock.csv"] {
        assert_eq!(
            std::fs::read(dest.join("catalog").join(name)).expect("copied"),
            std::fs::read(f.dir.join("cat").join(name)).expect("original"),
            "{name}"
        );
    }
    let listed = verify_file(&f.bundle, &f.keys.trusted, &mut NoProgress).expect("verifies");
    assert_eq!(listed.manifest_sha256, verified.manifest_sha256);
}

#[test]
fn a_tampered_payload_byte_is_caught_by_its_hash() {
    let f = fixture();
    let mut bytes = std::fs::read(&f.bundle).expect("read");
    let at = bytes
        .windows(13)
        .position(|w| w == b"Trail Runner ")
        .expect("payload text");
    bytes[at] ^= 0x20;
    let r = rejection(open_bytes(
        &bytes,
        &policy(&f.keys.trusted),
        &f.dir.join("in"),
    ));
    assert!(
        matches!(&r, Rejection::Tampered { file, .. } if file == "catalog/products.csv"),
        "{r}"
    );
}

#[test]
fn a_tampered_manifest_fails_the_signature() {
    let f = fixture();
    let mut bytes = std::fs::read(&f.bundle).expect("read");
    let at = bytes
        .windows(11)
        .position(|w| w == b"version = 5")
        .expect("manifest text");
    bytes[at + 10] = b'9';
    let r = rejection(open_bytes(
        &bytes,
        &policy(&f.keys.trusted),
        &f.dir.join("in"),
    ));
    assert!(matches!(r, Rejection::BadSignature { .. }), "{r}");
    assert!(r.to_string().contains("altered"), "{r}");
}

#[test]
fn a_bundle_signed_with_another_key_names_both_keys() {
    let f = fixture();
    let other = testkit::keys(&f.dir, "other.key");
    let r = rejection(open_bytes(
        &std::fs::read(&f.bundle).expect("read"),
        &policy(&other.trusted),
        &f.dir.join("in"),
    ));
    let Rejection::UntrustedKey { key_id, trusted } = &r else {
        panic!("expected an untrusted key, got {r}");
    };
    assert_eq!(trusted, &other.trusted.ids());
    assert_ne!(Some(key_id), trusted.first());
    let no_keys = TrustedKeys::default();
    let r = rejection(open_bytes(
        &std::fs::read(&f.bundle).expect("read"),
        &policy(&no_keys),
        &f.dir.join("in"),
    ));
    assert_eq!(r, Rejection::NoTrustedKeys);
}

#[test]
fn policy_refuses_other_stores_older_versions_and_expired_bundles() {
    let f = fixture();
    let bytes = std::fs::read(&f.bundle).expect("read");
    let dest = f.dir.join("in");
    let trusted = &f.keys.trusted;

    let other_store = Policy {
        expected_store: Some("store-b"),
        ..policy(trusted)
    };
    let r = rejection(open_bytes(&bytes, &other_store, &dest));
    assert!(r.to_string().contains("\"store-a\""), "{r}");
    assert!(r.to_string().contains("\"store-b\""), "{r}");

    let newer_installed = Policy {
        installed_version: Some(6),
        ..policy(trusted)
    };
    let r = rejection(open_bytes(&bytes, &newer_installed, &dest));
    assert_eq!(
        r,
        Rejection::Older {
            version: 5,
            installed: 6
        }
    );

    let later = Policy {
        now: jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48),
        ..policy(trusted)
    };
    let r = rejection(open_bytes(&bytes, &later, &dest));
    assert!(matches!(r, Rejection::Expired { .. }), "{r}");

    // Issue 15: freshness is the bundle's own creation time. A bundle made
    // 20 h before the kiosk's clock, under a 12 h limit, is refused though
    // it has not expired (24 h); under a 23 h limit it is applied.
    let day_later = Policy {
        now: jiff::Timestamp::now() + jiff::SignedDuration::from_hours(20),
        max_age: Some(jiff::SignedDuration::from_hours(12)),
        ..policy(trusted)
    };
    let r = rejection(open_bytes(&bytes, &day_later, &dest));
    assert!(
        matches!(
            r,
            Rejection::TooOld {
                max_age_hours: 12,
                ..
            }
        ),
        "{r}"
    );
    let looser = Policy {
        max_age: Some(jiff::SignedDuration::from_hours(23)),
        ..day_later
    };
    assert!(matches!(
        open_bytes(&bytes, &looser, &dest),
        Ok(Opened::Extracted(_))
    ));
    std::fs::remove_dir_all(&dest).expect("clear");

    let same = Policy {
        installed_version: Some(5),
        ..policy(trusted)
    };
    let opened = open_bytes(&bytes, &same, &dest).expect("up to date");
    assert!(matches!(opened, Opened::UpToDate(_)));
    assert!(!dest.exists(), "an installed version is not copied again");
}

#[test]
fn every_truncation_is_refused_and_none_panics() {
    let f = fixture();
    let bytes = std::fs::read(&f.bundle).expect("read");
    // The payload ends before the last file's padding and the tar trailer
    // (two zero blocks); a cut after it loses nothing the manifest lists.
    let stock = std::fs::read(f.dir.join("cat/stock.csv")).expect("stock");
    let payload_end = bytes
        .windows(stock.len())
        .rposition(|w| w == stock.as_slice())
        .expect("stock.csv in the bundle")
        + stock.len();
    let step = (bytes.len() / 97).max(1);
    let mut refused = 0;
    for cut in (0..bytes.len()).step_by(step) {
        let dest = f.dir.join(format!("in-{cut}"));
        match open_bytes(&bytes[..cut], &policy(&f.keys.trusted), &dest) {
            Err(Error::Rejected(
                Rejection::Truncated(_) | Rejection::NotABundle(_) | Rejection::Unsigned,
            )) if cut < payload_end => refused += 1,
            Ok(Opened::Extracted(_)) if cut >= payload_end => {}
            other => panic!("cut at {cut} (payload ends at {payload_end}): {other:?}"),
        }
    }
    assert!(refused > 80, "{refused}");
}

#[test]
fn garbage_and_empty_files_are_not_bundles() {
    let f = fixture();
    let garbage: Vec<u8> = (0..10_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    for bytes in [&garbage[..], &[][..], b"hello, this is not a tar file"] {
        let r = rejection(open_bytes(
            bytes,
            &policy(&f.keys.trusted),
            &f.dir.join("in"),
        ));
        assert!(
            matches!(r, Rejection::NotABundle(_) | Rejection::Truncated(_)),
            "{r}"
        );
    }
}

/// Rewrites the bundle's entries through `edit`, keeping signed headers.
fn rebuild(bundle: &Path, edit: impl Fn(&str, Vec<u8>) -> Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let mut archive = tar::Archive::new(std::fs::File::open(bundle).expect("open"));
    let mut out = tar::Builder::new(Vec::new());
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let name = entry.path().expect("path").display().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read");
        for (name, data) in edit(&name, data) {
            // Raw name bytes: the tar crate's own setters refuse `..`.
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            let raw = &mut header.as_old_mut().name;
            raw.fill(0);
            raw[..name.len()].copy_from_slice(name.as_bytes());
            header.set_cksum();
            out.append(&header, data.as_slice()).expect("append");
        }
    }
    out.into_inner().expect("finish")
}

#[test]
fn an_unsigned_bundle_is_refused() {
    let f = fixture();
    let bytes = rebuild(&f.bundle, |name, data| {
        if name == SIGNATURE {
            vec![]
        } else {
            vec![(name.to_string(), data)]
        }
    });
    let r = rejection(open_bytes(
        &bytes,
        &policy(&f.keys.trusted),
        &f.dir.join("in"),
    ));
    assert_eq!(r, Rejection::Unsigned);
}

#[test]
fn files_the_manifest_does_not_list_are_refused_and_never_written() {
    let f = fixture();
    for sneaky in [
        "catalog/extra.csv",
        "../escape.csv",
        "catalog/../../escape.csv",
    ] {
        let bytes = rebuild(&f.bundle, |name, data| {
            let mut out = vec![(name.to_string(), data)];
            if name == SIGNATURE {
                out.push((sneaky.to_string(), b"x,y\n".to_vec()));
            }
            out
        });
        let dest = f.dir.join("in").join("deep");
        let r = rejection(open_bytes(&bytes, &policy(&f.keys.trusted), &dest));
        assert!(matches!(r, Rejection::UnexpectedFile(_)), "{sneaky}: {r}");
        assert!(!f.dir.join("escape.csv").exists());
        assert!(!f.dir.join("in").join("escape.csv").exists());
    }
}

#[test]
fn a_payload_file_of_the_wrong_size_is_refused_before_it_is_read() {
    let f = fixture();
    let bytes = rebuild(&f.bundle, |name, mut data| {
        if name == "catalog/stock.csv" {
            data.extend_from_slice(b"extra-sku,9\n");
        }
        vec![(name.to_string(), data)]
    });
    let r = rejection(open_bytes(
        &bytes,
        &policy(&f.keys.trusted),
        &f.dir.join("in"),
    ));
    assert!(
        matches!(&r, Rejection::SizeMismatch { file, .. } if file == "catalog/stock.csv"),
        "{r}"
    );
}

/// A source that fails after `ok` bytes, like a stick pulled mid-copy.
struct Pulled<'a> {
    data: &'a [u8],
    ok: usize,
}

impl Read for Pulled<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ok == 0 {
            return Err(io::Error::from_raw_os_error(5)); // EIO
        }
        let n = buf.len().min(self.ok).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.ok -= n;
        Ok(n)
    }
}

#[test]
fn a_source_error_mid_copy_is_a_source_failure_not_a_rejection() {
    let f = fixture();
    let bytes = std::fs::read(&f.bundle).expect("read");
    for ok in [0, 700, 5_000, bytes.len() / 2] {
        let result = open(
            Pulled { data: &bytes, ok },
            "/media/usb/b.kbundle",
            false,
            &policy(&f.keys.trusted),
            &f.dir.join(format!("in-{ok}")),
            "copying",
            &mut NoProgress,
        );
        match result {
            Err(Error::Source {
                location, message, ..
            }) => {
                assert_eq!(location, "/media/usb/b.kbundle");
                assert!(message.contains("os error 5"), "{message}");
            }
            other => panic!("after {ok} bytes: {other:?}"),
        }
    }
}

#[test]
fn create_refuses_orders_beside_a_shopify_export_and_a_missing_store_id() {
    let tmp = tempfile::tempdir().expect("tmp");
    let keys = testkit::keys(tmp.path(), "k");
    let shop = tmp.path().join("shop");
    std::fs::create_dir_all(&shop).expect("mkdir");
    std::fs::write(
        shop.join("products_export.csv"),
        "Handle,Title,Option1 Name,Option1 Value,Variant Price\nx,X,Size,M,10\n",
    )
    .expect("write");
    let out = tmp.path().join("s.kbundle");
    let err = create(
        &testkit::options(&shop, &keys.secret, &out, 1),
        &mut NoProgress,
    )
    .expect_err("no store id");
    assert!(err.to_string().contains("--store-id"), "{err}");

    let mut options = testkit::options(&shop, &keys.secret, &out, 1);
    options.store_id = Some("shop-7".into());
    let created = create(&options, &mut NoProgress).expect("shopify bundle");
    assert_eq!(created.manifest.head.catalog_format, "shopify");
    assert_eq!(created.manifest.n_files, 1);

    std::fs::write(shop.join("orders.csv"), "order_id,status\n1,shipped\n").expect("write");
    let err = create(&options, &mut NoProgress).expect_err("orders refused");
    assert!(err.to_string().contains("orders"), "{err}");
}

/// A tar header of `kind` declaring `size` bytes, named as GNU tar names
/// its long-name records.
fn extension_header(kind: u8, size: u64) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    let raw = &mut header.as_old_mut().name;
    raw.fill(0);
    raw[..13].copy_from_slice(b"././@LongLink");
    header.set_size(size);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::new(kind));
    header.set_cksum();
    header.as_bytes().to_vec()
}

/// A ustar pax header (`x`) holding `records`, padded to whole blocks.
fn pax_entry(records: &[(&str, &str)]) -> Vec<u8> {
    let mut data = Vec::new();
    for (key, value) in records {
        let body = format!(" {key}={value}\n");
        let mut len = body.len() + 1;
        while format!("{len}").len() + body.len() != len {
            len += 1;
        }
        data.extend_from_slice(format!("{len}{body}").as_bytes());
    }
    let mut header = tar::Header::new_ustar();
    header.set_path("PaxHeaders/manifest.toml").expect("path");
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::XHeader);
    header.set_cksum();
    let mut out = header.as_bytes().to_vec();
    out.extend_from_slice(&data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

/// Counts the bytes the bundle reader takes from its source.
struct Counting<R> {
    inner: R,
    n: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n.set(self.n.get() + n as u64);
        Ok(n)
    }
}

#[test]
fn a_long_name_record_claiming_4_gb_is_refused_before_it_is_read() {
    // Issue 15: an unsigned bundle could exhaust memory before its
    // signature was checked (the tar crate reads long names whole).
    let f = fixture();
    let claimed = 4u64 << 30;
    let header = extension_header(b'L', claimed);
    // 64 MiB of name follows; the reader must stop at the header.
    let n = std::rc::Rc::new(std::cell::Cell::new(0));
    let source = Counting {
        inner: io::Cursor::new(header.clone()).chain(io::repeat(b'a').take(64 << 20)),
        n: n.clone(),
    };
    let result = open(
        source,
        "test",
        false,
        &policy(&f.keys.trusted),
        &f.dir.join("in"),
        "copying",
        &mut NoProgress,
    );
    let r = rejection(result);
    assert!(
        matches!(&r, Rejection::NotABundle(m) if m.contains("GNU long-name") && m.contains(&claimed.to_string())),
        "{r}"
    );
    assert!(n.get() < 1 << 20, "read {} bytes of the source", n.get());
    assert!(!f.dir.join("in").exists(), "nothing written");

    // The same file on a stick: `peek` (choosing among a stick's bundles)
    // and `verify_file` (`kiosk bundle verify`) go through the same bound.
    let path = f.dir.join("long.kbundle");
    std::fs::write(&path, &header).expect("write");
    for result in [
        peek(&path, &f.keys.trusted),
        verify_file(&path, &f.keys.trusted, &mut NoProgress),
    ] {
        match result {
            Err(Error::Rejected(Rejection::NotABundle(m))) => {
                assert!(m.contains("GNU long-name"), "{m}")
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
    }
}

#[test]
fn extension_records_are_bounded_and_none_can_move_a_header() {
    // Issue 15: long-name, long-link and pax records are bounded before
    // the tar crate reads them; a pax size or a sparse entry, which would
    // move where the next header starts, is refused.
    let f = fixture();
    let bundle = std::fs::read(&f.bundle).expect("read");
    let check = |prefix: Vec<u8>, expected: &str| {
        let mut bytes = prefix;
        bytes.extend_from_slice(&bundle);
        bytes.extend(std::iter::repeat_n(b'a', 1 << 20));
        let r = rejection(open_bytes(
            &bytes,
            &policy(&f.keys.trusted),
            &f.dir.join("in"),
        ));
        assert!(
            matches!(&r, Rejection::NotABundle(m) if m.contains(expected)),
            "{expected}: {r}"
        );
    };
    let over = MAX_EXTENSION_BYTES + 1;
    check(extension_header(b'K', 1 << 30), "GNU long-link");
    check(extension_header(b'x', over), "a tar pax record");
    check(extension_header(b'g', over), "pax global");
    check(extension_header(b'L', u64::MAX), "GNU long-name");
    check(pax_entry(&[("size", "10")]), "sets an entry's size");
    check(
        pax_entry(&[("mtime", "1"), ("size", "99999999999")]),
        "sets an entry's size",
    );
    check(extension_header(b'S', 0), "GNU sparse");
}

#[test]
fn small_pax_records_pass_and_the_bundle_still_opens() {
    // Issue 15: the bound refuses only oversized records, not pax itself.
    let f = fixture();
    let mut bytes = pax_entry(&[("mtime", "1700000000.5"), ("comment", "made by hand")]);
    bytes.extend_from_slice(&std::fs::read(&f.bundle).expect("read"));
    let opened = open_bytes(&bytes, &policy(&f.keys.trusted), &f.dir.join("in")).expect("opens");
    assert!(matches!(opened, Opened::Extracted(_)));
}

/// A bundle made with a folder of photos: one photo by product id, one by
/// SKU, one that is not an image.
fn fixture_with_photos() -> (Fixture, Created) {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().to_path_buf();
    testkit::write_catalog(&dir.join("cat"), 5, "store-a", "a");
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).expect("mkdir");
    let image = image::RgbImage::from_fn(640, 400, |x, y| image::Rgb([x as u8, y as u8, 7]));
    image.save(photos.join("a0.jpg")).expect("jpeg");
    image.save(photos.join("a1-9-Blue.png")).expect("png");
    std::fs::write(photos.join("a2.jpg"), b"not a jpeg").expect("write");
    let keys = testkit::keys(&dir, "office.key");
    let mut options = testkit::options(&dir.join("cat"), &keys.secret, &dir.join("b.kbundle"), 5);
    options.images.folder = Some(photos);
    let created = create(&options, &mut NoProgress).expect("bundle create");
    let bundle = created.path.clone();
    (
        Fixture {
            _tmp: tmp,
            dir,
            keys,
            bundle,
        },
        created,
    )
}

#[test]
fn photos_travel_as_thumbnails_each_listed_with_its_hash() {
    // Issue 16: every image is in the signed manifest with its sha256.
    let (f, created) = fixture_with_photos();
    assert_eq!(created.n_images, 2);
    assert!(
        created
            .image_issues
            .iter()
            .any(|i| i.rule == kiosk_catalog::Rule::BadImage && i.file.ends_with("a2.jpg")),
        "{:?}",
        created.image_issues
    );
    let files = listed(&created.path);
    let listed: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| crate::manifest::is_image_path(p))
        .collect();
    assert_eq!(
        listed,
        [
            "catalog/images/a0.card.jpg",
            "catalog/images/a0.detail.jpg",
            "catalog/images/a1.card.jpg",
            "catalog/images/a1.detail.jpg"
        ]
    );
    let dest = f.dir.join("in");
    let opened = open_bytes(
        &std::fs::read(&f.bundle).expect("read"),
        &policy(&f.keys.trusted),
        &dest,
    )
    .expect("opens");
    assert!(matches!(opened, Opened::Extracted(_)));
    for entry in files
        .iter()
        .filter(|f| crate::manifest::is_image_path(&f.path))
    {
        let bytes = std::fs::read(dest.join(&entry.path)).expect("copied");
        assert_eq!(sha256_hex(&bytes), entry.sha256);
    }
    // The kiosk's import takes them as they are.
    let data = kiosk_catalog::DataDir::new(f.dir.join("data"));
    let mut import = kiosk_catalog::ImportOptions::new(dest.join("catalog"));
    import.images.folder = Some(dest.join("catalog/images"));
    let summary = kiosk_catalog::import::import(&data, &import, &mut NoProgress).expect("import");
    assert_eq!(summary.n_images, 2, "{:?}", summary.issues);
}

#[test]
fn a_tampered_photo_is_refused() {
    // Issue 16: a photo changed after signing never reaches the kiosk.
    let (f, created) = fixture_with_photos();
    let files = listed(&created.path);
    let entry = files
        .iter()
        .find(|e| e.path == "catalog/images/a1.detail.jpg")
        .expect("listed");
    let mut bytes = std::fs::read(&f.bundle).expect("read");
    // The tar entry's header is a 512-byte block starting with its name;
    // its data is the next block.
    let name = entry.path.as_bytes();
    let header = (0..bytes.len())
        .step_by(512)
        .find(|&at| bytes[at..].starts_with(name))
        .expect("entry header");
    let data = header + 512;
    bytes[data + entry.size as usize / 2] ^= 0x55;
    let r = rejection(open_bytes(
        &bytes,
        &policy(&f.keys.trusted),
        &f.dir.join("in"),
    ));
    assert!(
        matches!(&r, Rejection::Tampered { file, .. } if file == "catalog/images/a1.detail.jpg"),
        "{r}"
    );
}

#[test]
fn a_second_create_with_the_same_photos_takes_every_thumbnail_from_the_cache() {
    // Issue 16: re-creating a bundle decodes only photos that changed.
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    testkit::write_catalog(&dir.join("cat"), 5, "store-a", "a");
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).expect("mkdir");
    let photo = |seed: u8| {
        image::RgbImage::from_fn(640, 400, move |x, y| {
            image::Rgb([x as u8 ^ seed, y as u8, seed])
        })
    };
    photo(1).save(photos.join("a0.jpg")).expect("jpeg");
    photo(2).save(photos.join("a1-9-Blue.png")).expect("png");
    photo(3).save(photos.join("a3.jpg")).expect("jpeg");
    let keys = testkit::keys(dir, "office.key");
    let mut options = testkit::options(&dir.join("cat"), &keys.secret, &dir.join("1.kbundle"), 5);
    options.images.folder = Some(photos.clone());
    options.images.cache = Some(kiosk_catalog::ThumbnailCache::new(dir.join("cache")));
    let first = create(&options, &mut NoProgress).expect("first create");
    assert_eq!(
        (
            first.n_images,
            first.n_thumbnails_made,
            first.n_thumbnails_cached
        ),
        (3, 3, 0)
    );
    assert_eq!(first.n_thumbnail_cache_failed, 0);

    options.out = dir.join("2.kbundle");
    let second = create(&options, &mut NoProgress).expect("second create");
    assert_eq!(
        (
            second.n_images,
            second.n_thumbnails_made,
            second.n_thumbnails_cached
        ),
        (3, 0, 3)
    );
    // The same thumbnails, byte for byte: the manifests (every file's size
    // and sha256) are equal.
    assert_eq!(second.manifest, first.manifest);

    // One photo changed: only it is made again.
    photo(4).save(photos.join("a3.jpg")).expect("jpeg");
    options.out = dir.join("3.kbundle");
    let third = create(&options, &mut NoProgress).expect("third create");
    assert_eq!(
        (
            third.n_images,
            third.n_thumbnails_made,
            third.n_thumbnails_cached
        ),
        (3, 1, 2)
    );
    let (first_files, third_files) = (listed(&first.path), listed(&third.path));
    let changed: Vec<&str> = third_files
        .iter()
        .filter(|f| !first_files.contains(f))
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        changed,
        ["catalog/images/a3.card.jpg", "catalog/images/a3.detail.jpg"]
    );

    // Without the cache, the same photos give the same bundle contents.
    options.images.cache = None;
    options.out = dir.join("4.kbundle");
    let uncached = create(&options, &mut NoProgress).expect("uncached create");
    assert_eq!(
        (uncached.n_thumbnails_made, uncached.n_thumbnails_cached),
        (3, 0)
    );
    assert_eq!(uncached.manifest, third.manifest);
    assert_eq!(listed(&uncached.path), third_files);
}
