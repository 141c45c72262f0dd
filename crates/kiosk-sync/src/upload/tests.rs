use std::io::{Read, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::*;
use crate::http::HttpOptions;

fn client() -> Client {
    Client::new(HttpOptions {
        attempts: 1,
        read_timeout: std::time::Duration::from_secs(5),
        ..HttpOptions::default()
    })
}

fn add_waitlist(data: &Path, n: usize) {
    let store = LocalStore::open(data).expect("local store");
    for i in 0..n {
        store
            .connection()
            .execute(
                "INSERT INTO waitlist (at, product_id, sku, title, options, contact, language, consent)
                 VALUES ('2026-11-23T10:00:00Z', ?1, ?1, 'Shoe', 'M', 'x@example.com', 'en', 'yes')",
                [format!("p{i}")],
            )
            .expect("insert");
    }
}

fn unexported(data: &Path) -> i64 {
    LocalStore::open(data)
        .expect("open")
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM waitlist WHERE exported = 0",
            [],
            |r| r.get(0),
        )
        .expect("count")
}

fn options() -> UploadOptions {
    UploadOptions {
        kinds: vec![Kind::Analytics, Kind::Feedback, Kind::Waitlist],
        batch_rows: 4,
        store_id: Some("s".into()),
        kiosk_id: Some("kiosk 1".into()),
        store_key: Some(crate::auth::StoreKey::new("the-store-secret-for-tests").expect("key")),
    }
}

fn uploaded_rows(dir: &Path) -> Vec<String> {
    let mut skus = Vec::new();
    for entry in fs::read_dir(dir.join(crate::source::UPLOAD_DIR))
        .expect("uploads")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        // Contacts: readable by the kiosk's user alone.
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &entry.metadata().expect("metadata").permissions(),
        ) & 0o777;
        assert_eq!(mode, 0o600, "{name} is {mode:o}");
        let doc: serde_json::Value =
            serde_json::from_slice(&fs::read(entry.path()).expect("read")).expect("json");
        assert_eq!(doc["upload_id"].as_str(), name.strip_suffix(".json"));
        assert_eq!(doc["kiosk_id"], "kiosk-1");
        for row in doc["rows"].as_array().expect("rows") {
            assert!(row.get("exported").is_none());
            skus.push(row["sku"].as_str().expect("sku").to_string());
        }
    }
    skus.sort();
    skus
}

#[test]
fn a_failed_upload_is_resent_with_the_same_id_and_never_duplicated() {
    // Issue 7: an upload retried after a failure, not duplicated.
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    add_waitlist(&data, 10);
    assert_eq!(pending(&data).expect("pending")[2], (Kind::Waitlist, 10));

    // A read-only stick: the upload folder cannot be made.
    let stick = tmp.path().join("stick");
    fs::write(&stick, b"a file, not a folder").expect("write");
    let err = upload(
        &data,
        &Destination::Folder(stick.clone()),
        &options(),
        &client(),
    )
    .expect_err("fails");
    assert!(matches!(err, Error::Upload { .. }), "{err}");
    assert_eq!(unexported(&data), 10, "nothing is marked after a failure");

    fs::remove_file(&stick).expect("rm");
    fs::create_dir_all(&stick).expect("mkdir");
    let report = upload(
        &data,
        &Destination::Folder(stick.clone()),
        &options(),
        &client(),
    )
    .expect("uploads");
    assert_eq!(report.n_rows, 10);
    assert_eq!(report.batches.len(), 3, "10 rows in batches of 4");
    assert!(report.batches[0].resent, "the failed batch went again");
    assert_eq!(unexported(&data), 0);
    let expected: Vec<String> = {
        let mut v: Vec<String> = (0..10).map(|i| format!("p{i}")).collect();
        v.sort();
        v
    };
    assert_eq!(uploaded_rows(&stick), expected);

    let again = upload(
        &data,
        &Destination::Folder(stick.clone()),
        &options(),
        &client(),
    )
    .expect("nothing new");
    assert_eq!(again.n_rows, 0);
    add_waitlist(&data, 2);
    let more = upload(
        &data,
        &Destination::Folder(stick.clone()),
        &options(),
        &client(),
    )
    .expect("new rows");
    assert_eq!(more.n_rows, 2);
    assert_eq!(uploaded_rows(&stick).len(), 12, "each row exactly once");
}

/// A server that stores by upload id, and fails its first answer after
/// storing (the confirmation is lost).
fn flaky_server(stored: Arc<Mutex<Vec<(String, usize)>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().take(8).enumerate() {
            let Ok(mut s) = stream else { continue };
            let mut buf = vec![0u8; 1 << 16];
            let mut got = Vec::new();
            // Read headers and the body (Content-Length).
            loop {
                let n = s.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&got);
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().to_string())
                        })
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    if got.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            let text = String::from_utf8_lossy(&got).into_owned();
            let id = text
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.strip_prefix("/uploads/"))
                .unwrap_or("")
                .to_string();
            let rows = text.matches("\"sku\"").count();
            let mut stored = stored.lock().expect("lock");
            if !stored.iter().any(|(s, _)| *s == id) {
                stored.push((id, rows));
            }
            drop(stored);
            let status = if i == 0 { "500 Oops" } else { "201 Created" };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
            );
        }
    });
    format!("http://{addr}/uploads/")
}

#[test]
fn a_lost_confirmation_over_http_stores_the_batch_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    add_waitlist(&data, 3);
    let stored = Arc::new(Mutex::new(Vec::new()));
    let base = flaky_server(stored.clone());
    let dest = Destination::Http(base);
    let err = upload(&data, &dest, &options(), &client()).expect_err("500");
    assert!(err.to_string().contains("500"), "{err}");
    assert_eq!(unexported(&data), 3);
    let report = upload(&data, &dest, &options(), &client()).expect("second try");
    assert_eq!(report.n_rows, 3);
    assert!(report.batches[0].resent);
    assert_eq!(unexported(&data), 0);
    let stored = stored.lock().expect("lock");
    assert_eq!(stored.len(), 1, "one batch id, stored once: {stored:?}");
    assert_eq!(stored[0].1, 3);
}

#[test]
fn an_upload_folder_that_is_a_symlink_is_refused() {
    // Issue 15: the upload followed a kiosk-uploads symlink on the stick.
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    add_waitlist(&data, 2);
    let stick = tmp.path().join("stick");
    let target = tmp.path().join("target");
    fs::create_dir_all(&stick).expect("mkdir");
    fs::create_dir_all(&target).expect("mkdir");
    std::os::unix::fs::symlink(&target, stick.join(crate::source::UPLOAD_DIR)).expect("link");
    let err =
        upload(&data, &Destination::Folder(stick), &options(), &client()).expect_err("refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(fs::read_dir(&target).expect("dir").count(), 0);
    assert_eq!(unexported(&data), 2);
}
