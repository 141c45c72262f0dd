use std::time::Duration;

use super::*;
use crate::http::{Client, Fetched, HttpOptions};
use crate::state::Validators;

fn client() -> Client {
    Client::new(HttpOptions {
        read_timeout: Duration::from_secs(5),
        attempts: 1,
        ..HttpOptions::default()
    })
}

fn get(url: &str, validators: Option<&Validators>) -> (Vec<u8>, Option<Validators>) {
    match client().get(url, validators).expect("get") {
        Fetched::NotModified => (Vec::new(), None),
        Fetched::Body {
            mut reader,
            validators,
            ..
        } => {
            let mut body = Vec::new();
            reader.read_to_end(&mut body).expect("body");
            (body, Some(validators))
        }
    }
}

#[test]
fn files_are_served_with_validators_and_304_when_unchanged() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("b.kbundle"), b"bundle bytes").expect("write");
    let running = BundleServer::bind(tmp.path(), "127.0.0.1:0")
        .expect("bind")
        .spawn(2);
    let url = format!("{}b.kbundle", running.url());
    let (body, validators) = get(&url, None);
    assert_eq!(body, b"bundle bytes");
    let validators = validators.expect("validators");
    assert!(validators.etag.is_some() && validators.last_modified.is_some());
    assert!(matches!(
        client().get(&url, Some(&validators)),
        Ok(Fetched::NotModified)
    ));
    let by_date = Validators {
        etag: None,
        last_modified: validators.last_modified.clone(),
    };
    assert!(matches!(
        client().get(&url, Some(&by_date)),
        Ok(Fetched::NotModified)
    ));
    std::thread::sleep(Duration::from_millis(20));
    fs::write(tmp.path().join("b.kbundle"), b"a newer bundle").expect("write");
    let (body, _) = get(&url, Some(&validators));
    assert_eq!(body, b"a newer bundle", "a changed file is sent again");
    running.stop();
}

#[test]
fn only_plain_files_outside_uploads_are_served() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::create_dir_all(tmp.path().join("uploads")).expect("mkdir");
    fs::write(tmp.path().join("uploads/secret.json"), b"{}").expect("write");
    fs::write(tmp.path().join(".hidden"), b"x").expect("write");
    let running = BundleServer::bind(tmp.path(), "127.0.0.1:0")
        .expect("bind")
        .spawn(1);
    for path in [
        "uploads/secret.json",
        ".hidden",
        "../etc/passwd",
        "%2e%2e/etc/passwd",
        "missing",
    ] {
        let url = format!("{}{path}", running.url());
        match client().get(&url, None) {
            Err(crate::Error::Source { message, .. }) => {
                assert!(message.contains("404"), "{path}: {message}")
            }
            _ => panic!("{path} was served"),
        }
    }
}

#[test]
fn an_upload_is_stored_once_whatever_the_retries() {
    let tmp = tempfile::tempdir().expect("tmp");
    let running = BundleServer::bind(tmp.path(), "127.0.0.1:0")
        .expect("bind")
        .spawn(2);
    let url = format!("{}uploads/kiosk-1-waitlist-1-3-abcd", running.url());
    let (status, answer) = client()
        .post(&url, "application/json", br#"{"rows": [1, 2, 3]}"#)
        .expect("post");
    assert_eq!(status, 201, "{answer}");
    let (status, answer) = client()
        .post(&url, "application/json", br#"{"rows": [1, 2, 3]}"#)
        .expect("post again");
    assert_eq!(status, 200);
    assert!(answer.contains("duplicate"), "{answer}");
    let stored: Vec<_> = fs::read_dir(tmp.path().join("uploads"))
        .expect("uploads")
        .flatten()
        .collect();
    assert_eq!(stored.len(), 1);
    let (status, _) = client()
        .post(
            &format!("{}uploads/..%2fescape", running.url()),
            "application/json",
            b"{}",
        )
        .expect("post");
    assert_eq!(status, 400);
    let (status, _) = client()
        .post(
            &format!("{}uploads/x", running.url()),
            "application/json",
            b"not json",
        )
        .expect("post");
    assert_eq!(status, 400);
}

#[test]
fn unauthenticated_uploads_are_bounded_in_size_count_and_total_bytes() {
    // Issue 15: serve-bundles stored uploads of 64 MiB each under any
    // number of ids, so anyone on the LAN could fill the disk.
    let tmp = tempfile::tempdir().expect("tmp");
    let body = |n: usize| format!("{{\"pad\": \"{}\"}}", "x".repeat(n - 11)).into_bytes();
    let post = |running: &RunningServer, id: &str, bytes: &[u8]| {
        client()
            .post(
                &format!("{}uploads/{id}", running.url()),
                "application/json",
                bytes,
            )
            .expect("post")
    };
    let limits = UploadLimits {
        max_bytes: 100,
        max_files: 2,
        max_total_bytes: 150,
    };
    let running = BundleServer::bind(tmp.path(), "127.0.0.1:0")
        .expect("bind")
        .with_upload_limits(limits)
        .spawn(1);
    assert_eq!(post(&running, "a", &body(60)).0, 201);
    assert_eq!(post(&running, "b", &body(101)).0, 413, "one body too big");
    assert_eq!(post(&running, "b", &body(60)).0, 201);
    let (status, answer) = post(&running, "c", &body(20));
    assert_eq!(status, 507, "two uploads is the count allowed: {answer}");
    assert!(answer.contains("full"), "{answer}");
    let (status, answer) = post(&running, "a", &body(60));
    assert_eq!(status, 200, "a resent batch is still confirmed: {answer}");
    running.stop();

    let running = BundleServer::bind(tmp.path(), "127.0.0.1:0")
        .expect("bind")
        .with_upload_limits(UploadLimits {
            max_files: 100,
            ..limits
        })
        .spawn(1);
    assert_eq!(
        post(&running, "d", &body(60)).0,
        507,
        "120 stored + 60 is over the 150 bytes allowed"
    );
    assert_eq!(post(&running, "d", &body(20)).0, 201);
    let stored = fs::read_dir(tmp.path().join(UPLOADS))
        .expect("uploads")
        .count();
    assert_eq!(stored, 3);
}
