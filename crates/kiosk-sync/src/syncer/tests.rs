use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use kiosk_catalog::import::NoProgress;

use super::*;
use crate::serve::BundleServer;
use crate::source::UPLOAD_DIR;
use crate::testkit;

struct World {
    tmp: tempfile::TempDir,
    keys: testkit::Keys,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().expect("tmp");
        testkit::write_catalog(&tmp.path().join("a"), 12, "store-a", "a");
        testkit::write_catalog(&tmp.path().join("b"), 15, "store-a", "b");
        testkit::write_catalog(&tmp.path().join("other"), 5, "store-z", "z");
        let keys = testkit::keys(tmp.path(), "office.key");
        World { tmp, keys }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// A bundle of catalog `cat` (a, b or other) as `out`.
    fn bundle(&self, cat: &str, version: u64, out: &str) -> PathBuf {
        testkit::bundle(&self.path(cat), &self.keys.secret, &self.path(out), version)
    }

    fn syncer(&self) -> Syncer {
        Syncer::new(
            DataDir::new(self.path("data")),
            SyncSettings {
                trusted_keys: self.keys.trusted.clone(),
                expected_store: Some("store-a".into()),
                max_bundle_age: None,
                http: HttpOptions {
                    connect_timeout: Duration::from_secs(2),
                    read_timeout: Duration::from_secs(2),
                    attempts: 3,
                    backoff: Duration::from_millis(10),
                    max_backoff: Duration::from_millis(50),
                    transfer_deadline: Duration::from_secs(60),
                    server_cert_sha256: Some(testkit::cert().fingerprint()),
                },
                limits: Limits::default(),
                upload: None,
            },
        )
    }

    fn n_products(&self) -> Option<u64> {
        kiosk_catalog::Snapshot::open(&DataDir::new(self.path("data")))
            .ok()
            .map(|s| s.info().n_products)
    }
}

fn pull(syncer: &Syncer, source: &Source) -> Result<PullReport> {
    syncer.pull(source, &mut NoProgress)
}

#[test]
fn a_bundle_is_applied_once_and_older_ones_are_refused() {
    let w = World::new();
    let syncer = w.syncer();
    let v2 = w.bundle("a", 2, "v2.kbundle");
    let report = pull(&syncer, &Source::File(v2.clone())).expect("applied");
    assert_eq!(report.outcome, Outcome::Applied);
    assert_eq!(w.n_products(), Some(12));
    let record = report.bundle.expect("record");
    let snapshot = kiosk_catalog::Snapshot::open(syncer.data_dir()).expect("live");
    assert_eq!(
        snapshot.info().source,
        record.label,
        "the bundle is named in the snapshot"
    );

    let again = pull(&syncer, &Source::File(v2)).expect("up to date");
    assert_eq!(again.outcome, Outcome::UpToDate);

    let v1 = w.bundle("b", 1, "v1.kbundle");
    let err = pull(&syncer, &Source::File(v1)).expect_err("older");
    assert!(
        matches!(
            err,
            Error::Rejected(Rejection::Older {
                version: 1,
                installed: 2
            })
        ),
        "{err}"
    );
    assert_eq!(w.n_products(), Some(12), "the current snapshot stays live");

    let status = syncer.status().expect("status");
    assert_eq!(status.highest_version, Some(2));
    assert_eq!(
        status.last_attempt.as_ref().map(|a| a.outcome),
        Some(Outcome::Rejected)
    );
    assert!(
        !w.path("data").join(INCOMING).exists(),
        "incoming is cleared"
    );
}

#[test]
fn after_a_first_bundle_other_stores_are_refused() {
    let w = World::new();
    let syncer = w.syncer();
    pull(&syncer, &Source::File(w.bundle("a", 1, "a.kbundle"))).expect("first");
    let err =
        pull(&syncer, &Source::File(w.bundle("other", 2, "z.kbundle"))).expect_err("other store");
    assert!(err.to_string().contains("store-z"), "{err}");
    assert_eq!(w.n_products(), Some(12));
}

#[test]
fn from_a_folder_the_newest_acceptable_bundle_wins() {
    let w = World::new();
    let syncer = w.syncer();
    pull(&syncer, &Source::File(w.bundle("a", 1, "first.kbundle"))).expect("first");
    w.bundle("b", 3, "stick/good.kbundle");
    w.bundle("a", 2, "stick/older-but-new.kbundle");
    w.bundle("other", 9, "stick/kiosk/foreign.kbundle");
    let stranger = testkit::keys(&w.path(""), "stranger.key");
    testkit::bundle(
        &w.path("a"),
        &stranger.secret,
        &w.path("stick/forged.kbundle"),
        50,
    );
    let report = pull(&syncer, &Source::Folder(w.path("stick"))).expect("applied");
    assert_eq!(report.bundle.map(|b| b.version), Some(3));
    assert_eq!(w.n_products(), Some(15));

    fs::remove_file(w.path("stick/good.kbundle")).expect("rm");
    let err = pull(&syncer, &Source::Folder(w.path("stick"))).expect_err("nothing acceptable");
    let message = err.to_string();
    for name in ["older-but-new.kbundle", "foreign.kbundle", "forged.kbundle"] {
        assert!(message.contains(name), "{message}");
    }
    let err = pull(&syncer, &Source::Folder(w.path("a"))).expect_err("no bundles");
    assert!(matches!(err, Error::NoBundle(_)), "{err}");
}

#[test]
fn rollback_swaps_back_and_the_rolled_back_version_stays_refused() {
    let w = World::new();
    let syncer = w.syncer();
    pull(&syncer, &Source::File(w.bundle("a", 1, "v1.kbundle"))).expect("v1");
    let v2 = w.bundle("b", 2, "v2.kbundle");
    pull(&syncer, &Source::File(v2.clone())).expect("v2");
    assert_eq!(w.n_products(), Some(15));
    let report = syncer.rollback().expect("rollback");
    assert_eq!(report.current.map(|b| b.version), Some(1));
    assert_eq!(report.highest_version, Some(2));
    assert_eq!(w.n_products(), Some(12));
    let again = pull(&syncer, &Source::File(v2)).expect("not re-applied");
    assert_eq!(again.outcome, Outcome::UpToDate);
    assert_eq!(w.n_products(), Some(12));
    pull(&syncer, &Source::File(w.bundle("b", 3, "v3.kbundle"))).expect("v3");
    assert_eq!(w.n_products(), Some(15));
    let status = syncer.status().expect("status");
    assert_eq!(status.current.map(|b| b.version), Some(3));
    assert_eq!(status.previous.map(|b| b.version), Some(1));
}

#[test]
fn a_second_sync_waits_for_the_first() {
    let w = World::new();
    let syncer = w.syncer();
    let _held = syncer.lock().expect("lock");
    let err = pull(&syncer, &Source::File(w.bundle("a", 1, "v1.kbundle"))).expect_err("busy");
    assert!(err.is_busy(), "{err}");
}

#[test]
fn over_http_a_pull_is_conditional_and_sees_new_bundles() {
    let w = World::new();
    let syncer = w.syncer();
    fs::create_dir_all(w.path("served")).expect("mkdir");
    w.bundle("a", 1, "served/store.kbundle");
    let server = BundleServer::bind(&w.path("served"), "127.0.0.1:0", testkit::cert())
        .expect("bind")
        .spawn();
    let source = Source::Http(format!("{}store.kbundle", server.url()));
    let first = pull(&syncer, &source).expect("applied");
    assert_eq!(first.outcome, Outcome::Applied);
    let second = pull(&syncer, &source).expect("304");
    assert_eq!(second.outcome, Outcome::NotModified);
    std::thread::sleep(Duration::from_millis(20));
    w.bundle("b", 2, "served/store.kbundle");
    let third = pull(&syncer, &source).expect("applied");
    assert_eq!(third.outcome, Outcome::Applied);
    assert_eq!(w.n_products(), Some(15));
}

#[test]
fn a_dropped_download_is_retried_and_then_applied() {
    let w = World::new();
    let syncer = w.syncer();
    let bytes = fs::read(w.bundle("a", 1, "b.kbundle")).expect("read");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/b.kbundle", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().take(2).enumerate() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                bytes.len()
            );
            // The first connection drops half way.
            let n = if i == 0 { bytes.len() / 2 } else { bytes.len() };
            let _ = s.write_all(&bytes[..n]);
        }
    });
    let report = pull(&syncer, &Source::Http(url)).expect("applied on the second try");
    assert_eq!(report.attempts, 2);
    assert_eq!(w.n_products(), Some(12));
}

#[test]
fn a_crash_between_publish_and_state_write_is_reconciled() {
    let w = World::new();
    let syncer = w.syncer();
    pull(&syncer, &Source::File(w.bundle("a", 1, "v1.kbundle"))).expect("v1");
    let before = SyncState::load(&w.path("data")).expect("state");
    pull(&syncer, &Source::File(w.bundle("b", 2, "v2.kbundle"))).expect("v2");
    // Put back the state as it was with v2 pending, as if killed after the
    // publish.
    let after = SyncState::load(&w.path("data")).expect("state");
    let mut pending = after.current.clone().expect("current");
    pending.snapshot_id = None;
    let crashed = SyncState {
        pending: Some(pending),
        ..before
    };
    crashed.save(&w.path("data")).expect("save");
    let status = syncer.status().expect("status");
    assert_eq!(status.highest_version, Some(2));
    assert_eq!(status.current.map(|b| b.version), Some(2));
    let again = pull(&syncer, &Source::File(w.path("v2.kbundle"))).expect("up to date");
    assert_eq!(again.outcome, Outcome::UpToDate);
}

impl World {
    /// A syncer that uploads the waitlist.
    fn uploading_syncer(&self) -> Syncer {
        let mut syncer = self.syncer();
        syncer.settings.upload = Some(UploadSettings {
            kinds: vec![Kind::Waitlist],
            url: None,
            kiosk_id: Some("kiosk-1".into()),
            batch_rows: 100,
            store_key: None,
        });
        syncer
    }

    /// One back-in-stock request with a shopper's contact.
    fn add_waitlist_row(&self) {
        let store = kiosk_catalog::local::LocalStore::open(&self.path("data")).expect("local");
        store
            .connection()
            .execute(
                "INSERT INTO waitlist (at, product_id, sku, title, options, contact, language, consent)
                 VALUES ('2026-11-23T10:00:00Z', 'a1', 'a1-9-Black', 'Shoe', '9', 'x@example.com', 'en', 'yes')",
                [],
            )
            .expect("insert");
    }

    fn unexported(&self) -> i64 {
        kiosk_catalog::local::LocalStore::open(&self.path("data"))
            .expect("local")
            .connection()
            .query_row(
                "SELECT COUNT(*) FROM waitlist WHERE exported = 0",
                [],
                |r| r.get(0),
            )
            .expect("count")
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_stick_with_a_junk_bundle_gets_no_contacts() {
    // Issue 15: shopper contacts went to any stick holding a *.kbundle,
    // even when its bundle was rejected.
    let w = World::new();
    let syncer = w.uploading_syncer();
    w.add_waitlist_row();
    let stick = w.path("stick");
    fs::create_dir_all(&stick).expect("mkdir");
    fs::write(stick.join("x.kbundle"), b"junk").expect("write");

    let report = syncer
        .sync(&Source::Folder(stick.clone()), &mut NoProgress)
        .expect("sync runs");
    let err = report.pull.as_ref().expect_err("junk is refused");
    assert!(err.is_rejection(), "input rejected (exit 3): {err}");
    assert_eq!(report.outcome(), Outcome::Rejected);
    match &report.upload {
        Some(Err(Error::Upload { message, .. })) => {
            assert!(message.contains("not sent"), "{message}")
        }
        other => panic!("the upload must be refused, got {:?}", other.is_some()),
    }
    assert_eq!(names_in(&stick), ["x.kbundle"], "nothing is written there");
    assert_eq!(w.unexported(), 1, "the row stays queued");
    assert!(report.summary().contains("kept for the next sync"));
}

#[test]
fn a_stick_with_a_good_signed_bundle_still_gets_the_upload() {
    // Issue 15: uploads go to a stick whose bundle verified in this sync.
    let w = World::new();
    let syncer = w.uploading_syncer();
    w.add_waitlist_row();
    w.bundle("a", 1, "stick/v1.kbundle");
    let report = syncer
        .sync(&Source::Folder(w.path("stick")), &mut NoProgress)
        .expect("sync runs");
    assert_eq!(report.outcome(), Outcome::Applied);
    let upload = report
        .upload
        .expect("enabled")
        .expect("sent to the proven stick");
    assert_eq!(upload.n_rows, 1);
    assert_eq!(w.unexported(), 0);
    assert_eq!(names_in(&w.path("stick").join(UPLOAD_DIR)).len(), 1);

    // The same stick again: the version is already live, but the bundle
    // verified again in this sync, so new rows go too.
    w.add_waitlist_row();
    let again = syncer
        .sync(&Source::Folder(w.path("stick")), &mut NoProgress)
        .expect("sync runs");
    assert_eq!(again.outcome(), Outcome::UpToDate);
    assert_eq!(again.upload.expect("enabled").expect("sent").n_rows, 1);
    assert_eq!(w.unexported(), 0);
}

#[test]
fn a_kiosk_uploads_symlink_on_a_proven_stick_is_refused() {
    // Issue 15: the upload followed a kiosk-uploads symlink off the stick.
    let w = World::new();
    let syncer = w.uploading_syncer();
    w.add_waitlist_row();
    w.bundle("a", 1, "stick/v1.kbundle");
    let elsewhere = w.path("elsewhere");
    fs::create_dir_all(&elsewhere).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, w.path("stick").join(UPLOAD_DIR)).expect("symlink");
    let report = syncer
        .sync(&Source::Folder(w.path("stick")), &mut NoProgress)
        .expect("sync runs");
    assert_eq!(report.outcome(), Outcome::Applied);
    match report.upload {
        Some(Err(Error::Upload { message, .. })) => {
            assert!(message.contains("symbolic link"), "{message}")
        }
        other => panic!("the link must be refused, got {:?}", other.is_some()),
    }
    assert!(
        names_in(&elsewhere).is_empty(),
        "nothing written through the link"
    );
    assert_eq!(w.unexported(), 1);
}

/// A plain HTTP server (any static server) answering every GET with
/// `bundle`; returns the URL and the request lines it saw.
fn plain_http_server(bundle: Vec<u8>) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/store.kbundle",
        listener.local_addr().expect("addr")
    );
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let line = head.lines().next().unwrap_or("").to_string();
            log.lock().expect("log").push(line.clone());
            if line.starts_with("GET") {
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                    bundle.len()
                );
                let _ = s.write_all(&bundle);
            } else {
                let _ = s.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
            }
        }
    });
    (url, seen)
}

#[test]
fn over_plain_http_nothing_is_uploaded() {
    // Issue 15: over plain HTTP the contacts travelled in clear to an
    // unauthenticated server. Now nothing goes over plain HTTP, signed or
    // not: not the waitlist, not the anonymous analytics.
    let w = World::new();
    let mut syncer = w.uploading_syncer();
    if let Some(upload) = syncer.settings.upload.as_mut() {
        upload.kinds = vec![Kind::Waitlist, Kind::Analytics, Kind::Feedback];
        upload.store_key =
            Some(crate::auth::StoreKey::new("the-store-secret-for-tests").expect("key"));
    }
    w.add_waitlist_row();
    let bytes = fs::read(w.bundle("a", 1, "store.kbundle")).expect("read");
    let (url, seen) = plain_http_server(bytes);
    let report = syncer
        .sync(&Source::Http(url), &mut NoProgress)
        .expect("sync runs");
    assert_eq!(report.outcome(), Outcome::Applied, "the pull itself works");
    match &report.upload {
        Some(Err(Error::Upload { message, .. })) => {
            assert!(message.contains("plain HTTP"), "{message}")
        }
        other => panic!("nothing may be uploaded, got {:?}", other.is_some()),
    }
    assert!(report.summary().contains("plain HTTP"));
    assert_eq!(w.unexported(), 1);
    let seen = seen.lock().expect("log").clone();
    assert!(
        seen.iter().all(|line| line.starts_with("GET")),
        "only the pull reached the server: {seen:?}"
    );
}

/// A syncer uploading the waitlist, signed with the store key, pinned to
/// `pin` (none: no pin).
fn pinned_uploading_syncer(w: &World, pin: Option<String>) -> Syncer {
    let mut settings = w.uploading_syncer().settings.clone();
    settings.http.server_cert_sha256 = pin;
    if let Some(upload) = settings.upload.as_mut() {
        upload.store_key =
            Some(crate::auth::StoreKey::new("the-store-secret-for-tests").expect("key"));
    }
    Syncer::new(DataDir::new(w.path("data")), settings)
}

/// serve-bundles over HTTPS serving `served/`, taking uploads signed with
/// the tests' store key.
fn https_server(w: &World) -> crate::serve::RunningServer {
    BundleServer::bind(&w.path("served"), "127.0.0.1:0", testkit::cert())
        .expect("bind")
        .with_store_key(
            crate::auth::StoreKey::new("the-store-secret-for-tests").expect("key"),
            300,
        )
        .expect("journal")
        .spawn()
}

#[test]
fn over_pinned_https_the_waitlist_reaches_the_proven_server() {
    let w = World::new();
    let syncer = pinned_uploading_syncer(&w, Some(testkit::cert().fingerprint()));
    w.add_waitlist_row();
    fs::create_dir_all(w.path("served")).expect("mkdir");
    w.bundle("a", 1, "served/store.kbundle");
    let server = https_server(&w);
    let source = Source::Http(format!("{}store.kbundle", server.url()));
    assert!(server.url().starts_with("https://"));
    let report = syncer.sync(&source, &mut NoProgress).expect("sync runs");
    assert_eq!(report.outcome(), Outcome::Applied);
    let upload = match &report.upload {
        Some(Ok(upload)) => upload,
        Some(Err(e)) => panic!("the upload failed: {e}"),
        None => panic!("no upload"),
    };
    assert_eq!(upload.n_rows, 1);
    assert_eq!(w.unexported(), 0);
    let stored = names_in(&w.path("served").join("uploads"));
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(stored[0].starts_with("kiosk-1-waitlist"), "{stored:?}");
    let mode = fs::metadata(w.path("served").join("uploads").join(&stored[0]))
        .expect("stored upload")
        .permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600,
        "the contact is readable by the server's user only"
    );
}

#[test]
fn a_server_with_another_certificate_gets_nothing() {
    // The kiosk pins another certificate than the server's (a machine
    // posing as the store server): the pull fails clearly, and no contact
    // is sent.
    let w = World::new();
    let other = kiosk_staff::tls::ConsoleCert::generate(&["localhost".into()]).expect("cert");
    let syncer = pinned_uploading_syncer(&w, Some(other.fingerprint()));
    w.add_waitlist_row();
    fs::create_dir_all(w.path("served")).expect("mkdir");
    w.bundle("a", 1, "served/store.kbundle");
    let server = https_server(&w);
    let source = Source::Http(format!("{}store.kbundle", server.url()));
    let report = syncer.sync(&source, &mut NoProgress).expect("sync runs");
    let err = report.pull.as_ref().expect_err("refused");
    let message = err.to_string();
    assert!(message.contains("not the pinned one"), "{message}");
    assert!(message.contains("server_cert_sha256"), "{message}");
    assert!(matches!(report.upload, Some(Err(Error::Upload { .. }))));
    assert_eq!(w.unexported(), 1);
    assert!(!w.path("served").join("uploads").exists());
    assert_eq!(w.n_products(), None, "nothing applied");

    // Without a pin an https:// server is a configuration error.
    let unpinned = pinned_uploading_syncer(&w, None);
    let report = unpinned.sync(&source, &mut NoProgress).expect("sync runs");
    match report.pull.as_ref() {
        Err(Error::Invalid(message)) => {
            assert!(message.contains("server_cert_sha256"), "{message}")
        }
        other => panic!("expected a configuration error, got {:?}", other.is_ok()),
    }
    assert_eq!(w.unexported(), 1);
}

#[test]
fn a_bundle_whose_first_header_claims_a_4_gb_long_name_is_rejected_at_its_header() {
    // Issue 15: an unsigned bundle could exhaust memory before its
    // signature was checked.
    let w = World::new();
    let syncer = w.uploading_syncer();
    w.add_waitlist_row();
    let mut header = tar::Header::new_gnu();
    let raw = &mut header.as_old_mut().name;
    raw.fill(0);
    raw[..13].copy_from_slice(b"././@LongLink");
    header.set_size(4 << 30);
    header.set_entry_type(tar::EntryType::GNULongName);
    header.set_cksum();
    let stick = w.path("stick");
    fs::create_dir_all(&stick).expect("mkdir");
    fs::write(stick.join("x.kbundle"), header.as_bytes()).expect("write");

    // Refused at the header (its own error, not a failed signature), so
    // the record is never read: `bundle::tests` bounds what is read.
    for source in [
        Source::Folder(stick.clone()),
        Source::File(stick.join("x.kbundle")),
    ] {
        let report = syncer.sync(&source, &mut NoProgress).expect("sync runs");
        let err = report.pull.as_ref().expect_err("refused");
        assert!(err.is_rejection(), "input rejected (exit 3): {err}");
        assert!(err.to_string().contains("GNU long-name"), "{err}");
        assert!(matches!(report.upload, Some(Err(Error::Upload { .. }))));
    }
    assert_eq!(names_in(&stick), ["x.kbundle"]);
    assert_eq!(w.unexported(), 1);
}

#[test]
fn a_lost_or_damaged_state_file_does_not_reopen_older_versions() {
    // Issue 15: the highest version lived only in sync-state.toml, and an
    // error message advised deleting it; without it v1 was applied over v2.
    let w = World::new();
    let syncer = w.syncer();
    let v1 = w.bundle("a", 1, "v1.kbundle");
    pull(&syncer, &Source::File(v1.clone())).expect("v1");
    pull(&syncer, &Source::File(w.bundle("b", 2, "v2.kbundle"))).expect("v2");
    let state_file = SyncState::path(&w.path("data"));

    fs::remove_file(&state_file).expect("lose the state file");
    let err = pull(&syncer, &Source::File(v1.clone())).expect_err("older");
    assert!(
        matches!(
            err,
            Error::Rejected(Rejection::Older {
                version: 1,
                installed: 2
            })
        ),
        "{err}"
    );
    assert_eq!(w.n_products(), Some(15), "v2 stays live");

    fs::write(&state_file, "highest_version = \"garbage").expect("damage it");
    let message = SyncState::load(&w.path("data"))
        .expect_err("damaged")
        .to_string();
    assert!(!message.contains("delete"), "{message}");
    let err = pull(&syncer, &Source::File(v1)).expect_err("still older");
    assert!(
        matches!(err, Error::Rejected(Rejection::Older { .. })),
        "{err}"
    );
    assert!(w.path("data/sync-state.toml.damaged").exists());
    assert_eq!(syncer.status().expect("status").highest_version, Some(2));
}

#[test]
fn without_a_store_id_the_kiosk_refuses_to_sync() {
    // Issue 15: with no store configured, a first sync took a bundle
    // signed for any store.
    let w = World::new();
    let mut syncer = w.syncer();
    syncer.settings.expected_store = None;
    let err = pull(&syncer, &Source::File(w.bundle("other", 1, "z.kbundle"))).expect_err("refused");
    assert!(err.to_string().contains("[sync] store_id"), "{err}");
    assert_eq!(w.n_products(), None, "nothing imported");

    // Once a bundle of its store is live, the kiosk knows its store.
    let configured = w.syncer();
    pull(&configured, &Source::File(w.bundle("a", 1, "a.kbundle"))).expect("applied");
    fs::remove_file(SyncState::path(&w.path("data"))).expect("lose the state file");
    let err = pull(&syncer, &Source::File(w.bundle("other", 2, "z2.kbundle"))).expect_err("other");
    assert!(
        matches!(err, Error::Rejected(Rejection::WrongStore { .. })),
        "{err}"
    );
}

/// A bundle of catalog `cat` made `hours_ago` hours ago, valid for 72 h.
fn old_bundle(w: &World, cat: &str, version: u64, out: &str, hours_ago: i64) -> PathBuf {
    let mut options = testkit::options(&w.path(cat), &w.keys.secret, &w.path(out), version);
    options.now = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(hours_ago);
    options.valid_for = jiff::SignedDuration::from_hours(72);
    crate::bundle::create(&options, &mut NoProgress).expect("bundle create");
    w.path(out)
}

#[test]
fn not_modified_or_up_to_date_answers_never_make_old_data_fresh() {
    // Issue 15: a 304 counted as a successful sync forever, so a server
    // withholding updates (a freeze attack) kept the kiosk "up to date".
    let w = World::new();
    fs::create_dir_all(w.path("served")).expect("mkdir");
    old_bundle(&w, "a", 1, "served/store.kbundle", 30);
    let server = BundleServer::bind(&w.path("served"), "127.0.0.1:0", testkit::cert())
        .expect("bind")
        .spawn();
    let source = Source::Http(format!("{}store.kbundle", server.url()));
    // Applied while the kiosk had no age limit.
    let applied = pull(&w.syncer(), &source).expect("applied");
    assert_eq!(applied.outcome, Outcome::Applied);

    let mut syncer = w.syncer();
    syncer.settings.max_bundle_age = Some(jiff::SignedDuration::from_hours(24));
    let again = pull(&syncer, &source).expect("answered");
    assert_eq!(again.outcome, Outcome::Stale, "a 304 for 30-hour-old data");
    let file = pull(&syncer, &Source::File(w.path("served/store.kbundle"))).expect("answered");
    assert_eq!(file.outcome, Outcome::Stale, "the same version again");
    let status = syncer.status().expect("status");
    assert!(
        status.stale && status.summary().contains("STALE"),
        "{}",
        status.summary()
    );
    assert_eq!(
        status.last_success.map(|a| a.outcome),
        Some(Outcome::Applied),
        "the last success is still the apply"
    );

    // A newer version made 30 h ago is refused too; a fresh one is applied.
    let err = pull(
        &syncer,
        &Source::File(old_bundle(&w, "b", 2, "v2.kbundle", 30)),
    )
    .expect_err("too old");
    assert!(
        matches!(err, Error::Rejected(Rejection::TooOld { .. })),
        "{err}"
    );
    let fresh = pull(&syncer, &Source::File(w.bundle("b", 3, "v3.kbundle"))).expect("applied");
    assert_eq!(fresh.outcome, Outcome::Applied);
    assert!(!syncer.status().expect("status").stale);
}

/// The e5 model the back office and the kiosk embed with (the fetched one
/// under `models/hub`, or `KIOSK_E5_MODEL`); a missing file fails the test.
fn e5() -> Arc<kiosk_catalog::kiosk_embed::Embedder> {
    static E5: std::sync::OnceLock<Arc<kiosk_catalog::kiosk_embed::Embedder>> =
        std::sync::OnceLock::new();
    E5.get_or_init(|| {
        let path = std::env::var_os("KIOSK_E5_MODEL")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../models/hub/models--kiosk--multilingual-e5-small-q4/snapshots/kiosk/e5-small-q4.bin")
            });
        assert!(
            path.is_file(),
            "no e5 model at {} (set KIOSK_E5_MODEL or run scripts/fetch-models)",
            path.display()
        );
        Arc::new(
            kiosk_catalog::kiosk_embed::Embedder::open_with_threads(&path, 2)
                .expect("the e5 model opens"),
        )
    })
    .clone()
}

const VECTORS: &str = "catalog/product_vectors.kvec";

/// A bundle of catalog `cat` carrying its product vectors (`bundle create
/// --vectors`).
fn bundle_with_vectors(w: &World, cat: &str, version: u64, out: &str) -> PathBuf {
    let mut options = testkit::options(&w.path(cat), &w.keys.secret, &w.path(out), version);
    options.embedder = Some(e5());
    let created = crate::bundle::create(&options, &mut NoProgress).expect("bundle create");
    assert_eq!(
        created.n_vectors,
        created.vectors.as_ref().expect("vectors").computed
    );
    created.path
}

/// The bundle's entries in order, as (name, bytes).
fn entries(bundle: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(std::fs::File::open(bundle).expect("open"));
    archive
        .entries()
        .expect("entries")
        .map(|entry| {
            let mut entry = entry.expect("entry");
            let name = entry.path().expect("path").display().to_string();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("read");
            (name, data)
        })
        .collect()
}

/// `bundle` with `name` holding `data`, its manifest entry changed to
/// match and signed again with the office key: a bundle made by hand, as
/// the bundle format allows.
fn resigned(w: &World, bundle: &Path, name: &str, data: &[u8], out: &str) -> PathBuf {
    let mut entries = entries(bundle);
    let text = String::from_utf8(entries[0].1.clone()).expect("a UTF-8 manifest");
    let mut manifest = crate::manifest::Manifest::parse(&text).expect("manifest");
    let entry = manifest
        .files
        .iter_mut()
        .find(|f| f.path == name)
        .expect("listed");
    entry.size = data.len() as u64;
    entry.sha256 = crate::bundle::sha256_hex(data);
    let text = manifest.to_toml().expect("manifest");
    let key = crate::keys::load_secret_key(&w.keys.secret).expect("key");
    let signature = minisign::sign(
        Some(&key.public),
        &key.secret,
        text.as_bytes(),
        Some("by hand"),
        Some("test"),
    )
    .expect("sign")
    .into_string();
    for (entry_name, bytes) in &mut entries {
        if entry_name == crate::bundle::MANIFEST {
            *bytes = text.clone().into_bytes();
        } else if entry_name == crate::bundle::SIGNATURE {
            *bytes = signature.clone().into_bytes();
        } else if entry_name == name {
            *bytes = data.to_vec();
        }
    }
    let mut tar = tar::Builder::new(Vec::new());
    for (entry_name, bytes) in &entries {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, entry_name, bytes.as_slice())
            .expect("append");
    }
    let path = w.path(out);
    std::fs::write(&path, tar.into_inner().expect("tar")).expect("write");
    path
}

fn vector_summary(report: &PullReport) -> &kiosk_catalog::vectors::VectorSummary {
    report
        .import
        .as_ref()
        .expect("imported")
        .vectors
        .as_ref()
        .expect("vectors with the model")
}

#[test]
fn a_bundle_with_vectors_is_imported_without_embedding_a_product() {
    // Issue 14: the back office computes the vectors and signs them with
    // the rest; the kiosk takes them.
    let w = World::new();
    let bundle = bundle_with_vectors(&w, "a", 2, "v2.kbundle");
    let listed: Vec<String> = entries(&bundle).into_iter().map(|(name, _)| name).collect();
    assert!(listed.iter().any(|n| n == VECTORS), "{listed:?}");
    let manifest = String::from_utf8(entries(&bundle)[0].1.clone()).expect("manifest");
    assert!(manifest.contains(VECTORS), "the manifest lists the vectors");

    let syncer = w.syncer().with_embedder(Some(e5()));
    let report = pull(&syncer, &Source::File(bundle)).expect("applied");
    let vectors = vector_summary(&report);
    assert_eq!((vectors.computed, vectors.carried), (0, 12), "{vectors:?}");
    assert_eq!(vectors.carried_unused, None);
    // They are the vectors the kiosk would have computed: a kiosk embedding
    // the same catalog itself finds the same similarities.
    let carried = kiosk_catalog::Snapshot::open(syncer.data_dir()).expect("live");
    let own = w.path("own");
    let mut options = kiosk_catalog::ImportOptions::new(w.path("a"));
    options.embedder = Some(e5());
    kiosk_catalog::import::import(&DataDir::new(&own), &options, &mut NoProgress).expect("import");
    let own = kiosk_catalog::Snapshot::open(&DataDir::new(&own)).expect("own");
    let others = ["a1", "a5", "a11"];
    assert_eq!(
        carried.closeness("a0", &others).expect("closeness"),
        own.closeness("a0", &others).expect("closeness")
    );
    assert!(carried.closeness("a0", &others).expect("closeness")[0].is_some());

    // Without the model the vectors are not used, and nothing is embedded.
    let lexical = World::new();
    let bundle = bundle_with_vectors(&lexical, "a", 2, "v2.kbundle");
    let report = pull(&lexical.syncer(), &Source::File(bundle)).expect("applied");
    assert!(report.import.expect("imported").vectors.is_none());
}

#[test]
fn a_tampered_vector_file_is_refused() {
    // Issue 14: the vectors are checked against the signed manifest like
    // every other file.
    let w = World::new();
    let bundle = bundle_with_vectors(&w, "a", 2, "v2.kbundle");
    let mut bytes = std::fs::read(&bundle).expect("read");
    let header = (0..bytes.len())
        .step_by(512)
        .find(|&at| bytes[at..].starts_with(VECTORS.as_bytes()))
        .expect("the vectors' entry");
    // A value of the first vector, past the file's header.
    bytes[header + 512 + 200] ^= 0x11;
    std::fs::write(&bundle, bytes).expect("write");
    let syncer = w.syncer().with_embedder(Some(e5()));
    match pull(&syncer, &Source::File(bundle)) {
        Err(Error::Rejected(Rejection::Tampered { file, .. })) => assert_eq!(file, VECTORS),
        other => panic!("expected the vectors refused as tampered, got {other:?}"),
    }
    assert_eq!(w.n_products(), None, "nothing was imported");
}

#[test]
fn vectors_for_part_of_the_products_are_used_and_the_rest_embedded() {
    // Issue 14: the kiosk recomputes only what the bundle lacks. Catalog
    // b's first 12 products read as catalog a's 12; its other 3 have no
    // vector in a's file.
    let w = World::new();
    let a = bundle_with_vectors(&w, "a", 1, "a.kbundle");
    let a_vectors = entries(&a)
        .into_iter()
        .find(|(name, _)| name == VECTORS)
        .expect("a's vectors")
        .1;
    let b = bundle_with_vectors(&w, "b", 2, "b.kbundle");
    let partial = resigned(&w, &b, VECTORS, &a_vectors, "partial.kbundle");
    let syncer = w.syncer().with_embedder(Some(e5()));
    let report = pull(&syncer, &Source::File(partial)).expect("applied");
    let vectors = vector_summary(&report);
    assert_eq!((vectors.carried, vectors.computed), (12, 3), "{vectors:?}");
    assert_eq!(w.n_products(), Some(15));

    // A file of another model is not used at all: every product is
    // embedded (the live snapshot's vectors are reused from here on, so a
    // fresh data dir).
    let mut other_model = a_vectors.clone();
    let fingerprint = e5().fingerprint().to_string();
    let at = other_model
        .windows(fingerprint.len())
        .position(|w| w == fingerprint.as_bytes())
        .expect("the model named in the header");
    other_model[at] = if other_model[at] == b'0' { b'1' } else { b'0' };
    let w2 = World::new();
    let b = bundle_with_vectors(&w2, "b", 2, "b.kbundle");
    let foreign = resigned(&w2, &b, VECTORS, &other_model, "foreign.kbundle");
    let report = pull(
        &w2.syncer().with_embedder(Some(e5())),
        &Source::File(foreign),
    )
    .expect("applied");
    let vectors = vector_summary(&report);
    assert_eq!((vectors.carried, vectors.computed), (0, 15), "{vectors:?}");
    assert!(
        vectors
            .carried_unused
            .as_deref()
            .is_some_and(|why| why.contains("another model")),
        "{vectors:?}"
    );
}

#[test]
fn a_second_bundle_of_the_same_export_embeds_no_product() {
    // Review finding: `bundle create --vectors` embedded every product on
    // every run. With a vector cache it embeds only products whose passage
    // changed, and the bundle carries the same vectors.
    let w = World::new();
    let cache = w.path("vector-cache");
    let create = |cat: &str, version: u64, out: &str| {
        let mut options = testkit::options(&w.path(cat), &w.keys.secret, &w.path(out), version);
        options.embedder = Some(e5());
        options.vector_cache = Some(cache.clone());
        let created = crate::bundle::create(&options, &mut NoProgress).expect("bundle create");
        let vectors = created.vectors.clone().expect("vectors");
        assert_eq!(created.vector_cache_failed, None);
        assert_eq!(vectors.carried_unused, None);
        (created, vectors)
    };
    let (first, vectors) = create("a", 1, "v1.kbundle");
    assert_eq!((vectors.computed, vectors.carried), (12, 0), "{vectors:?}");
    assert_eq!(first.vector_cache, Some(cache.join("store-a.kvec")));
    assert!(cache.join("store-a.kvec").is_file());

    let (second, vectors) = create("a", 2, "v2.kbundle");
    assert_eq!((vectors.computed, vectors.carried), (0, 12), "{vectors:?}");
    assert_eq!(second.n_vectors, 12);
    let carried = |bundle: &Path| {
        entries(bundle)
            .into_iter()
            .find(|(name, _)| name == VECTORS)
            .expect("the vectors")
            .1
    };
    assert_eq!(carried(&first.path), carried(&second.path));

    // Catalog b: a's 12 products and 3 new ones.
    let (_, vectors) = create("b", 3, "v3.kbundle");
    assert_eq!((vectors.computed, vectors.carried), (3, 12), "{vectors:?}");
    // Another store keeps a cache file of its own.
    let (_, vectors) = create("other", 1, "z1.kbundle");
    assert_eq!((vectors.computed, vectors.carried), (5, 0), "{vectors:?}");
    let (_, vectors) = create("b", 4, "v4.kbundle");
    assert_eq!((vectors.computed, vectors.carried), (0, 15), "{vectors:?}");

    // The kiosk takes every vector from the bundle.
    let syncer = w.syncer().with_embedder(Some(e5()));
    let report = pull(&syncer, &Source::File(w.path("v4.kbundle"))).expect("applied");
    let vectors = vector_summary(&report);
    assert_eq!((vectors.computed, vectors.carried), (0, 15), "{vectors:?}");
}
