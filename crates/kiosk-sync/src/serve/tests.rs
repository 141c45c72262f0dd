use std::io::Read;
use std::time::Duration;

use super::*;
use crate::auth::StoreKey;
use crate::http::{Client, Fetched, HttpOptions};
use crate::state::Validators;

use crate::testkit::cert;

/// A client pinned to `pin` (none: no pin).
fn client_pinned(pin: Option<String>) -> Client {
    Client::new(HttpOptions {
        read_timeout: Duration::from_secs(5),
        attempts: 1,
        server_cert_sha256: pin,
        ..HttpOptions::default()
    })
}

/// A client pinned to the tests' certificate.
fn client() -> Client {
    client_pinned(Some(cert().fingerprint()))
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

/// A bundle server over `dir`, taking no uploads.
fn serve(dir: &Path) -> RunningServer {
    BundleServer::bind(dir, "127.0.0.1:0", cert())
        .expect("bind")
        .spawn()
}

#[test]
fn files_are_served_with_validators_and_304_when_unchanged() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("b.kbundle"), b"bundle bytes").expect("write");
    let running = serve(tmp.path());
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
    let running = serve(tmp.path());
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

fn store_key() -> StoreKey {
    StoreKey::new("the-store-secret-for-tests").expect("key")
}

/// A server taking uploads signed with [`store_key`].
fn upload_server(dir: &Path, limits: UploadLimits) -> RunningServer {
    BundleServer::bind(dir, "127.0.0.1:0", cert())
        .expect("bind")
        .with_upload_limits(limits)
        .with_store_key(store_key(), 300)
        .expect("nonce journal")
        .spawn()
}

/// POSTs `body` to `/uploads/ID`, signed with `key` at `ts` (none: not
/// signed).
fn post_as(
    running: &RunningServer,
    id: &str,
    body: &[u8],
    key: Option<&StoreKey>,
    ts: i64,
) -> (u16, String) {
    let url = format!("{}uploads/{id}", running.url());
    let authorization =
        key.map(|k| crate::auth::authorization(k, "POST", crate::http::url_path(&url), body, ts));
    client()
        .post(&url, "application/json", authorization.as_deref(), body)
        .expect("post")
}

fn post(running: &RunningServer, id: &str, body: &[u8]) -> (u16, String) {
    post_as(
        running,
        id,
        body,
        Some(&store_key()),
        jiff::Timestamp::now().as_second(),
    )
}

/// A JSON body of exactly `n` bytes from kiosk `kiosk`.
fn body(kiosk: &str, n: usize) -> Vec<u8> {
    let head = format!("{{\"kiosk_id\": \"{kiosk}\", \"pad\": \"");
    format!("{head}{}\"}}", "x".repeat(n - head.len() - 2)).into_bytes()
}

#[test]
fn an_upload_is_stored_once_whatever_the_retries() {
    let tmp = tempfile::tempdir().expect("tmp");
    let running = upload_server(tmp.path(), UploadLimits::default());
    let id = "kiosk-1-waitlist-1-3-abcd";
    let doc = br#"{"kiosk_id": "kiosk-1", "rows": [1, 2, 3]}"#;
    let (status, answer) = post(&running, id, doc);
    assert_eq!(status, 201, "{answer}");
    let (status, answer) = post(&running, id, doc);
    assert_eq!(status, 200);
    assert!(answer.contains("duplicate"), "{answer}");
    let stored: Vec<_> = fs::read_dir(tmp.path().join("uploads"))
        .expect("uploads")
        .flatten()
        .collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(post(&running, "..%2fescape", b"{}").0, 400);
    assert_eq!(post(&running, "k-feedback-1-2-ab", b"not json").0, 400);
    assert_eq!(
        post(
            &running,
            "k2-feedback-1-2-ab",
            br#"{"kiosk_id": "kiosk-1"}"#
        )
        .0,
        400,
        "the id names another kiosk than the body"
    );
}

#[test]
fn uploads_without_a_valid_fresh_signature_are_refused_with_401() {
    // Issue 15: serve-bundles stored whatever anyone on the LAN posted.
    let tmp = tempfile::tempdir().expect("tmp");
    let running = upload_server(tmp.path(), UploadLimits::default());
    let doc = body("k1", 64);
    let now = jiff::Timestamp::now().as_second();
    let stranger = StoreKey::new("not-the-store-secret-at-all").expect("key");
    for (what, key, ts) in [
        ("unsigned", None, now),
        ("signed with another key", Some(&stranger), now),
        ("signed 10 minutes ago", Some(&store_key()), now - 600),
        ("signed 10 minutes ahead", Some(&store_key()), now + 600),
    ] {
        let (status, answer) = post_as(&running, "k1-feedback-1-1-aa", &doc, key, ts);
        assert_eq!(status, 401, "{what}: {answer}");
    }
    assert!(
        !tmp.path()
            .join(UPLOADS)
            .join("k1-feedback-1-1-aa.json")
            .exists()
    );

    // A signed request replayed as it is: the nonce was seen.
    let url = format!("{}uploads/k1-feedback-1-1-aa", running.url());
    let authorization = crate::auth::authorization(
        &store_key(),
        "POST",
        "/uploads/k1-feedback-1-1-aa",
        &doc,
        now,
    );
    let send = || {
        client()
            .post(&url, "application/json", Some(&authorization), &doc)
            .expect("post")
    };
    assert_eq!(send().0, 201);
    let (status, answer) = send();
    assert_eq!(status, 401, "a replay: {answer}");
    assert!(answer.contains("replay"), "{answer}");

    // A signature for one body does not carry another.
    let (status, _) = client()
        .post(
            &format!("{}uploads/k1-feedback-2-2-bb", running.url()),
            "application/json",
            Some(&authorization),
            &body("k1", 70),
        )
        .expect("post");
    assert_eq!(status, 401);

    // Without a store key the server takes no uploads at all.
    let keyless = serve(tmp.path());
    assert_eq!(post(&keyless, "k1-feedback-3-3-cc", &doc).0, 401);
}

#[test]
fn uploads_are_bounded_in_size_count_total_bytes_and_kiosks() {
    // Issue 15: serve-bundles stored uploads of 64 MiB each under any
    // number of ids, so anyone on the LAN could fill the disk.
    let tmp = tempfile::tempdir().expect("tmp");
    let limits = UploadLimits {
        max_bytes: 100,
        max_files: 2,
        max_total_bytes: 150,
        max_kiosks: 64,
    };
    let running = upload_server(tmp.path(), limits);
    assert_eq!(post(&running, "k1-feedback-1-1-a", &body("k1", 60)).0, 201);
    assert_eq!(
        post(&running, "k1-feedback-2-2-b", &body("k1", 101)).0,
        413,
        "one body too big"
    );
    assert_eq!(post(&running, "k1-feedback-2-2-b", &body("k1", 60)).0, 201);
    let (status, answer) = post(&running, "k1-feedback-3-3-c", &body("k1", 40));
    assert_eq!(status, 507, "two uploads is the count allowed: {answer}");
    assert!(answer.contains("full"), "{answer}");
    let (status, answer) = post(&running, "k1-feedback-1-1-a", &body("k1", 60));
    assert_eq!(status, 200, "a resent batch is still confirmed: {answer}");
    running.stop();

    let running = upload_server(
        tmp.path(),
        UploadLimits {
            max_files: 100,
            ..limits
        },
    );
    assert_eq!(
        post(&running, "k1-feedback-4-4-d", &body("k1", 60)).0,
        507,
        "120 stored + 60 is over the 150 bytes allowed"
    );
    assert_eq!(post(&running, "k1-feedback-4-4-d", &body("k1", 30)).0, 201);
    let stored = fs::read_dir(tmp.path().join(UPLOADS))
        .expect("uploads")
        .count();
    assert_eq!(stored, 3);
    running.stop();

    // Distinct kiosks: two may upload here, a third (a made-up id, or a
    // kiosk gone wrong inventing a new one per batch) is refused.
    let tmp = tempfile::tempdir().expect("tmp");
    let running = upload_server(
        tmp.path(),
        UploadLimits {
            max_kiosks: 2,
            ..UploadLimits::default()
        },
    );
    for kiosk in ["till-1", "till-2"] {
        let id = format!("{kiosk}-analytics-1-9-ab");
        assert_eq!(post(&running, &id, &body(kiosk, 60)).0, 201, "{kiosk}");
    }
    let (status, answer) = post(&running, "till-3-analytics-1-9-ab", &body("till-3", 60));
    assert_eq!(status, 507, "a third kiosk: {answer}");
    assert!(answer.contains("2 kiosks"), "{answer}");
    assert_eq!(
        post(&running, "till-2-analytics-10-19-cd", &body("till-2", 60)).0,
        201,
        "a known kiosk still uploads"
    );
}

#[test]
fn a_replay_is_refused_after_the_server_restarts() {
    // Issue 15: the replay cache was lost on restart, so an upload captured
    // on the LAN could be sent again once serve-bundles restarted.
    let tmp = tempfile::tempdir().expect("tmp");
    let doc = body("k1", 64);
    let path = "/uploads/k1-feedback-1-1-aa";
    let authorization = crate::auth::authorization(
        &store_key(),
        "POST",
        path,
        &doc,
        jiff::Timestamp::now().as_second(),
    );
    let send = |running: &RunningServer| {
        client()
            .post(
                &format!("{}{}", running.url(), &path[1..]),
                "application/json",
                Some(&authorization),
                &doc,
            )
            .expect("post")
    };
    let running = upload_server(tmp.path(), UploadLimits::default());
    assert_eq!(send(&running).0, 201);
    running.stop();
    // The stored upload is gone (collected), so only the nonce can refuse.
    fs::remove_file(tmp.path().join(UPLOADS).join("k1-feedback-1-1-aa.json")).expect("collect");
    let running = upload_server(tmp.path(), UploadLimits::default());
    let (status, answer) = send(&running);
    assert_eq!(status, 401, "{answer}");
    assert!(answer.contains("replay"), "{answer}");
    assert!(
        !tmp.path()
            .join(UPLOADS)
            .join("k1-feedback-1-1-aa.json")
            .exists()
    );
    // The journal is never served.
    match client().get(&format!("{}{}", running.url(), NONCES), None) {
        Err(crate::Error::Source { message, .. }) => assert!(message.contains("404"), "{message}"),
        _ => panic!("the nonce journal was served"),
    }
}

#[test]
fn plain_http_gets_nothing() {
    // Issue 15: the bundle server spoke plain HTTP on the LAN.
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("b.kbundle"), b"bundle bytes").expect("write");
    let running = serve(tmp.path());
    assert!(running.url().starts_with("https://"));
    let mut tcp = std::net::TcpStream::connect(running.addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    std::io::Write::write_all(&mut tcp, b"GET /b.kbundle HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("send");
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        !answer.contains("HTTP/1.1") && !answer.contains("bundle bytes"),
        "plain HTTP was answered: {answer:?}"
    );
    // The kiosk's client, asked for http:// there, gets no bundle either.
    let plain = format!("http://{}/b.kbundle", running.addr);
    assert!(client().get(&plain, None).is_err());
    // Over pinned TLS the same file comes.
    let (body, _) = get(&format!("{}b.kbundle", running.url()), None);
    assert_eq!(body, b"bundle bytes");
}

#[test]
fn a_client_pinned_to_another_certificate_sends_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    fs::write(tmp.path().join("b.kbundle"), b"bundle bytes").expect("write");
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = Arc::clone(&seen);
    let running = BundleServer::bind(tmp.path(), "127.0.0.1:0", cert())
        .expect("bind")
        .with_store_key(store_key(), 300)
        .expect("journal")
        .with_log(move |line| log.lock().expect("log").push(line))
        .spawn();
    let other = ConsoleCert::generate(&["localhost".into()]).expect("certificate");
    let impostor_pin = client_pinned(Some(other.fingerprint()));
    let url = format!("{}b.kbundle", running.url());
    match impostor_pin.get(&url, None) {
        Err(crate::Error::Source {
            message, retryable, ..
        }) => {
            assert!(message.contains("not the pinned one"), "{message}");
            assert!(message.contains("server_cert_sha256"), "{message}");
            assert!(!retryable, "a wrong certificate does not fix itself");
        }
        Err(other) => panic!("expected a source error, got {other}"),
        Ok(_) => panic!("a server with another certificate was trusted"),
    }
    let doc = body("k1", 64);
    let upload = format!("{}uploads/k1-waitlist-1-1-aa", running.url());
    let authorization = crate::auth::authorization(
        &store_key(),
        "POST",
        "/uploads/k1-waitlist-1-1-aa",
        &doc,
        jiff::Timestamp::now().as_second(),
    );
    assert!(
        impostor_pin
            .post(&upload, "application/json", Some(&authorization), &doc)
            .is_err()
    );
    running.stop();
    assert!(
        seen.lock().expect("log").is_empty(),
        "no request reached the server: {:?}",
        seen.lock().expect("log")
    );
    assert!(!tmp.path().join(UPLOADS).exists());
}

#[test]
fn https_without_a_pin_is_a_configuration_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let running = serve(tmp.path());
    for pin in [None, Some("not-a-fingerprint".to_string())] {
        match client_pinned(pin.clone()).get(&format!("{}b.kbundle", running.url()), None) {
            Err(crate::Error::Invalid(message)) => {
                assert!(message.contains("server_cert_sha256"), "{pin:?}: {message}")
            }
            Err(other) => panic!("{pin:?}: expected a configuration error, got {other}"),
            Ok(_) => panic!("{pin:?}: fetched without a valid pin"),
        }
    }
}
