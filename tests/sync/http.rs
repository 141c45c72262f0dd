//! Issue 7: LAN pulls from `kiosk serve-bundles` (conditional, so an
//! unchanged bundle is not downloaded again), servers that hang, drop the
//! connection or serve garbage (each a clear failure, the snapshot stays
//! live), and uploads retried after a failure without duplicates. Issue 15:
//! serve-bundles speaks HTTPS only, kiosks pin its certificate, and
//! uploads go only over that TLS.

use crate::sync_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sync_support::{World, stderr, stdout};

/// A child process killed when dropped, so a failing test leaves no
/// server behind.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// `kiosk serve-bundles DIR` on a free loopback port; returns the child
/// and its base URL (read from its first line). The kiosk's config pins
/// the certificate it prints on its second.
fn serve(world: &World, dir: &str) -> (Killed, String) {
    std::fs::create_dir_all(world.path(dir)).expect("mkdir");
    let mut child = world
        .command(&["serve-bundles", dir, "--listen", "127.0.0.1:0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve-bundles");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("first line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("https://"))
        .expect("the address")
        .to_string();
    let mut line = String::new();
    out.read_line(&mut line).expect("second line");
    let pin = line
        .strip_prefix("certificate sha256 ")
        .expect("the certificate's SHA-256")
        .trim()
        .to_string();
    *world.server_pin.borrow_mut() = Some(pin);
    world.config("");
    (Killed(child), url)
}

/// A loopback server handing up to `n` connections to `serve`.
fn raw_server(n: usize, serve: impl Fn(usize, TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().take(n).enumerate() {
            if let Ok(stream) = stream {
                serve(i, stream);
            }
        }
    });
    format!("http://{addr}/store.kbundle")
}

fn read_head(stream: &mut TcpStream) -> String {
    let mut buf = vec![0u8; 8192];
    let n = stream.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
fn a_pull_from_serve_bundles_is_applied_then_not_downloaded_again() {
    let world = World::new(30, 40);
    let (_server, url) = serve(&world, "served");
    world.bundle("a", 1, "served/store.kbundle", &[]);
    let bundle_url = format!("{url}store.kbundle");
    let out = world.sync(&bundle_url);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(world.live().map(|l| l.1), Some(30));
    let out = world.sync(&bundle_url);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("has not changed"), "{}", stdout(&out));
    std::thread::sleep(Duration::from_millis(20));
    world.bundle("b", 2, "served/store.kbundle", &[]);
    let out = world.kiosk(&["sync", "--from", &bundle_url, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["outcome"], "applied");
    assert_eq!(world.live().map(|l| l.1), Some(40));
}

#[test]
fn servers_that_hang_drop_or_serve_garbage_leave_the_snapshot_live() {
    let world = World::with_a_live(300, "v1.kbundle", "v1.kbundle");
    let before = world.live().expect("live");
    let bundle = std::fs::read(world.bundle("b", 2, "v2.kbundle", &[])).expect("read");

    // Hangs after the request (twice: the first try and the retry).
    let hang = raw_server(2, |_, mut s| {
        read_head(&mut s);
        std::thread::sleep(Duration::from_secs(3));
    });
    // Sends half the bundle, then drops the connection.
    let half = bundle.clone();
    let drop = raw_server(2, move |_, mut s| {
        read_head(&mut s);
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
            half.len()
        );
        let _ = s.write_all(&half[..half.len() / 2]);
    });
    // Answers with bytes that are not HTTP.
    let garbage = raw_server(2, |_, mut s| {
        read_head(&mut s);
        let _ = s.write_all(b"\x16\x03\x01 this is not http at all\r\n\r\n");
    });
    // Valid HTTP, but the body is not a bundle.
    let not_bundle = raw_server(1, |_, mut s| {
        read_head(&mut s);
        let body = "<html>captive portal</html>".repeat(100);
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
    });
    for (url, code, expected) in [
        (&hang, 1, "timed out"),
        (&drop, 1, "reading http://"),
        (&garbage, 1, "reading http://"),
        (&not_bundle, 3, "not a kiosk bundle"),
    ] {
        let out = world.sync(url);
        assert_eq!(out.status.code(), Some(code), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains("the live snapshot is unchanged"));
        assert_eq!(world.live().expect("live"), before, "{url}");
    }
}

/// A store server over HTTPS with serve-bundles' certificate (the one the
/// kiosk pins, kept in the data dir): serves the bundle file at
/// `/store.kbundle` (uploads go only to the server whose bundle verified),
/// stores uploads by id (a repeat is not stored again) and loses the
/// confirmation of the first one (answers 500 after storing it). Returns
/// its base URL.
fn flaky_upload_server(
    world: &World,
    stored: Arc<Mutex<Vec<(String, String)>>>,
    bundle: PathBuf,
) -> String {
    let (cert, created) = kiosk_staff::tls::ConsoleCert::load_or_create(
        &world.path("data/serve-bundles.cert.pem"),
        &world.path("data/serve-bundles.key.pem"),
        &[],
    )
    .expect("serve-bundles' certificate");
    assert!(!created, "serve-bundles made it");
    let config = cert.server_config().expect("server config");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let mut n_uploads = 0;
        for stream in listener.incoming().take(40) {
            let Ok(stream) = stream else { continue };
            let Some(mut conn) = kiosk_staff::lan::Conn::new(stream, Some(&config)) else {
                continue;
            };
            let Ok(request) = conn.read_head() else {
                continue;
            };
            if request.method == "GET" && request.target == "/store.kbundle" {
                let body = std::fs::read(&bundle).expect("the bundle");
                let length = body.len() as u64;
                conn.respond_streaming(
                    kiosk_staff::lan::Reply::new(200, Vec::new()),
                    length,
                    Some(&mut body.as_slice()),
                );
                continue;
            }
            let id = request
                .target
                .strip_prefix("/uploads/")
                .unwrap_or("")
                .to_string();
            let length = request.body_length().unwrap_or(0);
            let Ok(body) = conn.read_body(length) else {
                continue;
            };
            {
                let mut stored = stored.lock().expect("lock");
                if !stored.iter().any(|(s, _)| *s == id) {
                    stored.push((id, String::from_utf8_lossy(&body).into_owned()));
                }
            }
            let status = if n_uploads == 0 { 500 } else { 201 };
            n_uploads += 1;
            conn.respond(kiosk_staff::lan::Reply::new(status, b"{}".to_vec()));
        }
    });
    format!("https://{addr}")
}

/// The rows of `kind` waiting for an upload, as `kiosk sync --status`
/// reports them.
fn pending_uploads(world: &World, kind: &str) -> u64 {
    let out = world.kiosk(&["sync", "--status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    status["pending_uploads"]
        .as_array()
        .expect("pending")
        .iter()
        .find(|p| p[0] == kind)
        .and_then(|p| p[1].as_u64())
        .unwrap_or(0)
}

#[test]
fn an_upload_retried_after_a_failure_is_not_duplicated() {
    let world = World::new(30, 40);
    let (_server, url) = serve(&world, "served");
    world.bundle("a", 1, "served/store.kbundle", &[]);
    let bundle_url = format!("{url}store.kbundle");
    assert!(world.sync(&bundle_url).status.success());
    // Issue 15: uploads go only to a server whose bundle verified in the
    // same sync, so the store publishes a new version before each sync
    // here (a "not modified" answer proves nothing).
    // Anonymous rows (thumbs up or down at the end of a session).
    let local = kiosk_catalog::local::LocalStore::open(&world.path("data")).expect("local store");
    for i in 0..7 {
        local
            .record_feedback(jiff::Timestamp::now(), &format!("session{i}"), i % 2 == 0)
            .expect("feedback");
    }
    drop(local);

    // The upload endpoint loses its first confirmation, and only one try
    // per sync is allowed: the first sync's upload fails.
    let stored = Arc::new(Mutex::new(Vec::new()));
    let store_server =
        flaky_upload_server(&world, stored.clone(), world.path("served/store.kbundle"));
    let upload_url = format!("{store_server}/uploads/");
    let store_bundle_url = format!("{store_server}/store.kbundle");
    world.config(&format!(
        "upload_analytics = true\nupload_url = \"{upload_url}\"\nattempts = 1"
    ));
    world.bundle("a", 2, "served/store.kbundle", &[]);
    let out = world.sync(&store_bundle_url);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("stay queued"), "{}", stderr(&out));
    assert_eq!(pending_uploads(&world, "feedback"), 7);

    // The next sync sends the same batch again; the server keeps one copy.
    world.bundle("a", 3, "served/store.kbundle", &[]);
    let out = world.sync(&store_bundle_url);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("upload: 7 rows"), "{}", stdout(&out));
    world.bundle("a", 4, "served/store.kbundle", &[]);
    let out = world.sync(&store_bundle_url);
    assert!(
        stdout(&out).contains("upload: nothing new"),
        "{}",
        stdout(&out)
    );
    {
        let stored = stored.lock().expect("lock");
        assert_eq!(stored.len(), 1, "one batch, stored once");
        let doc: serde_json::Value = serde_json::from_str(&stored[0].1).expect("json");
        assert_eq!(doc["rows"].as_array().map(Vec::len), Some(7));
        assert_eq!(doc["kind"], "feedback");
    }

    // Issue 15: a shopper's contact crosses the LAN only over TLS, to the
    // server whose certificate the kiosk pins and whose bundle verified:
    // to serve-bundles' own endpoint (the default upload URL) the contact
    // and the anonymous rows go, once each.
    world.config("upload_waitlist = true\nupload_analytics = true");
    let local = kiosk_catalog::local::LocalStore::open(&world.path("data")).expect("local store");
    local
        .add_waitlist(&kiosk_catalog::local::WaitlistEntry {
            at: jiff::Timestamp::now(),
            product_id: "a1".into(),
            sku: "a1-8-Blue".into(),
            title: "Trail Runner 1 Shoe".into(),
            options: "8 / Blue".into(),
            contact: "late@example.com".into(),
            language: kiosk_core::Lang::Nl,
            consent: kiosk_core::assistant::Consent {
                requested: "Laat het me weten".into(),
                shown: "Ik kan je laten weten wanneer Trail Runner 1 Shoe weer binnen is.".into(),
                language: kiosk_core::Lang::Nl,
                shown_at: jiff::Timestamp::now(),
                answer: "[e-mail]".into(),
                answered_at: jiff::Timestamp::now(),
            },
        })
        .expect("waitlist");
    local
        .record_feedback(jiff::Timestamp::now(), "late", true)
        .expect("feedback");
    drop(local);
    world.bundle("a", 5, "served/store.kbundle", &[]);
    let out = world.sync(&bundle_url);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    world.bundle("a", 6, "served/store.kbundle", &[]);
    assert!(world.sync(&bundle_url).status.success());
    assert_eq!(
        pending_uploads(&world, "waitlist"),
        0,
        "the contact went over pinned TLS"
    );
    let uploads: Vec<_> = std::fs::read_dir(world.path("served/uploads"))
        .expect("uploads")
        .flatten()
        .collect();
    assert_eq!(uploads.len(), 2, "the contact and the feedback row");
    let not_served = world.sync(&format!(
        "{url}uploads/{}",
        uploads[0].file_name().to_string_lossy()
    ));
    assert_eq!(
        not_served.status.code(),
        Some(1),
        "uploads are never served back"
    );

    // Issue 15: serve-bundles stored whatever anyone on the LAN posted.
    let pin = world.server_pin.borrow().clone().expect("pinned");
    // An unsigned upload, and one signed with another key, are refused
    // with 401 and nothing is stored.
    let doc = r#"{"kiosk_id": "intruder", "rows": []}"#;
    for authorization in [
        None,
        Some(format!(
            "Kiosk-HMAC-SHA256 ts={},nonce={},sig={}",
            jiff::Timestamp::now().as_second(),
            "ab".repeat(16),
            "cd".repeat(32)
        )),
    ] {
        let answer = post(
            &format!("{url}uploads/intruder-feedback-1-1-aa"),
            &pin,
            doc,
            authorization.as_deref(),
        );
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    }
    let uploads = std::fs::read_dir(world.path("served/uploads"))
        .expect("uploads")
        .count();
    assert_eq!(uploads, 2, "nothing more stored");
}

/// POSTs `body` over TLS pinned to `pin`; returns the whole answer.
fn post(url: &str, pin: &str, body: &str, authorization: Option<&str>) -> String {
    let rest = url.strip_prefix("https://").expect("https url");
    let (authority, path) = rest.split_at(rest.find('/').expect("a path"));
    let tcp = TcpStream::connect(authority).expect("connect");
    let mut s = kiosk_staff::tls::ClientStream::connect(
        tcp,
        kiosk_staff::tls::client_config(pin).expect("pinned"),
        rustls::pki_types::ServerName::try_from("localhost").expect("name"),
        std::time::Instant::now() + Duration::from_secs(10),
        Duration::from_secs(10),
    )
    .expect("handshake");
    let auth = authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn a_server_trickling_the_bundle_is_cut_off_at_the_transfer_deadline() {
    // Issue 15: a server sending one byte every second (inside the 1 s
    // per-read timeout of this config) held the sync, and its lock, for
    // as long as it liked. With a 2 s deadline and two tries the sync
    // fails within seconds, and the snapshot stays live.
    let world = World::with_a_live(40, "v1.kbundle", "v1.kbundle");
    let before = world.live().expect("live");
    let trickle = raw_server(2, |_, mut s| {
        read_head(&mut s);
        let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        for _ in 0..100_000 {
            if s.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    world.config("transfer_deadline_seconds = 2");
    let started = std::time::Instant::now();
    let out = world.sync(&trickle);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("transfer_deadline_seconds"),
        "{}",
        stderr(&out)
    );
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    assert_eq!(world.live().expect("live"), before);
}

#[test]
fn a_kiosk_pinned_to_another_certificate_sends_no_contact() {
    // Issue 15: serve-bundles speaks HTTPS only and the kiosk trusts only
    // the certificate it pins; a server with another one (a machine posing
    // as the store server) is sent nothing, the shopper's contact least of
    // all.
    let world = World::new(30, 40);
    let (_server, url) = serve(&world, "served");
    world.bundle("a", 1, "served/store.kbundle", &[]);
    let local = kiosk_catalog::local::LocalStore::open(&world.path("data")).expect("local store");
    local
        .add_waitlist(&kiosk_catalog::local::WaitlistEntry {
            at: jiff::Timestamp::now(),
            product_id: "a1".into(),
            sku: "a1-8-Blue".into(),
            title: "Trail Runner 1 Shoe".into(),
            options: "8 / Blue".into(),
            contact: "jan@example.com".into(),
            language: kiosk_core::Lang::En,
            consent: kiosk_core::assistant::Consent {
                requested: "Notify me".into(),
                shown: "I can let you know when Trail Runner 1 Shoe is back.".into(),
                language: kiosk_core::Lang::En,
                shown_at: jiff::Timestamp::now(),
                answer: "[email]".into(),
                answered_at: jiff::Timestamp::now(),
            },
        })
        .expect("waitlist");
    drop(local);
    let bundle_url = format!("{url}store.kbundle");

    // Pinned to another certificate.
    world.config(&format!(
        "upload_waitlist = true\nserver_cert_sha256 = \"{}\"",
        "ab".repeat(32)
    ));
    let out = world.sync(&bundle_url);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not the pinned one"),
        "{}",
        stderr(&out)
    );
    assert!(world.live().is_none(), "nothing applied");

    // No pin for an https:// server: a configuration error.
    let pin = world.server_pin.borrow_mut().take().expect("pin");
    world.config("upload_waitlist = true");
    let out = world.sync(&bundle_url);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("server_cert_sha256"),
        "{}",
        stderr(&out)
    );

    // Plain HTTP to serve-bundles gets no bundle.
    let plain = bundle_url.replacen("https://", "http://", 1);
    let out = world.sync(&plain);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(world.live().is_none(), "nothing applied over plain HTTP");
    assert_eq!(pending_uploads(&world, "waitlist"), 1, "the contact stays");
    assert!(!world.path("served/uploads").exists(), "nothing was sent");

    // Pinned to the right one: the bundle is applied and the contact goes.
    *world.server_pin.borrow_mut() = Some(pin);
    world.config("upload_waitlist = true");
    let out = world.sync(&bundle_url);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(world.live().map(|l| l.1), Some(30));
    assert_eq!(pending_uploads(&world, "waitlist"), 0);
}
