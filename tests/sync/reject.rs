//! Issue 7: only genuine, newer, complete bundles for this store replace
//! the live snapshot. Each bad bundle is refused with exit 3 and a message
//! naming what was wrong, and the live snapshot stays as it was.

use crate::sync_support;

use std::io::Write;

use sync_support::{World, stderr, stdout};

/// One bad bundle: `kiosk sync --from BUNDLE` must exit 3 with `expected`
/// in its message, leaving the live snapshot alone.
fn check(world: &World, bundle: &str, expected: &str) {
    let before = world.live().expect("a live snapshot");
    let out = world.sync(bundle);
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{bundle}: {message}");
    assert!(
        message.contains(expected),
        "{bundle}: {message:?} should say {expected:?}"
    );
    assert!(
        message.contains("the live snapshot is unchanged"),
        "{message}"
    );
    assert_eq!(world.live().expect("still live"), before, "{bundle}");
}

#[test]
fn bad_bundles_are_rejected_and_the_snapshot_stays_live() {
    let world = World::new(30, 40);
    world.bundle("a", 5, "v5.kbundle", &[]);
    let out = world.sync("v5.kbundle");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(world.live().map(|l| l.1), Some(30));

    // A tampered byte in the payload.
    let good = std::fs::read(world.bundle("b", 6, "v6.kbundle", &[])).expect("read");
    let tampered = with_byte_changed(&good, b"Trail Runner 7", 13, b'8');
    std::fs::write(world.path("tampered.kbundle"), &tampered).expect("write");
    check(
        &world,
        "tampered.kbundle",
        "does not match the signed manifest",
    );

    // A tampered manifest (the version raised without re-signing).
    let raised = with_byte_changed(&good, b"version = 6", 10, b'9');
    std::fs::write(world.path("raised.kbundle"), &raised).expect("write");
    check(&world, "raised.kbundle", "signature does not match");

    // Signed with a key the kiosk does not trust.
    let out = world.kiosk(&["keygen", "--out", "stranger.key"]);
    assert!(out.status.success());
    let out = world.kiosk(&[
        "bundle",
        "create",
        "--from",
        "b",
        "--key",
        "stranger.key",
        "--out",
        "forged.kbundle",
        "--version",
        "7",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    check(&world, "forged.kbundle", "which this kiosk does not trust");

    // An older version: a rollback attempt.
    world.bundle("b", 4, "v4.kbundle", &[]);
    check(&world, "v4.kbundle", "older than version 5");

    // Version 8 of catalog b, made `hours_ago`, valid for `valid_hours`.
    let made_hours_ago = |out: &str, hours_ago: i64, valid_hours: &str| {
        let created =
            (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(hours_ago)).to_string();
        world.bundle(
            "b",
            8,
            out,
            &["--created", &created, "--valid-hours", valid_hours],
        );
    };

    // An expired bundle.
    made_hours_ago("expired.kbundle", 48, "24");
    check(&world, "expired.kbundle", "expired at");

    // Issue 15: a bundle made 100 hours ago, valid for 200: not expired,
    // but older than the 72 hours of data the kiosk takes.
    made_hours_ago("old.kbundle", 100, "200");
    check(&world, "old.kbundle", "max_bundle_age_hours");

    // A truncated bundle.
    std::fs::write(world.path("truncated.kbundle"), &good[..good.len() / 2]).expect("write");
    check(&world, "truncated.kbundle", "truncated");

    // A bundle for another store.
    world.bundle("other", 9, "other.kbundle", &[]);
    check(&world, "other.kbundle", "is for store \"store-z\"");

    // Not a bundle at all.
    std::fs::write(world.path("garbage.kbundle"), vec![0x5a; 5000]).expect("write");
    check(&world, "garbage.kbundle", "not a kiosk bundle");

    // The good one still goes through afterwards.
    let out = world.sync("v6.kbundle");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(world.live().map(|l| l.1), Some(40));

    let out = world.kiosk(&["sync", "--status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(status["current"]["version"], 6);
    assert_eq!(status["highest_version"], 6);
    assert_eq!(status["last_attempt"]["outcome"], "applied");
}

#[test]
fn a_stick_pulled_mid_copy_leaves_the_snapshot_live() {
    let world = World::with_a_live(400, "v1.kbundle", "v1.kbundle");
    let before = world.live().expect("live");
    let bytes = std::fs::read(world.bundle("b", 2, "v2.kbundle", &[])).expect("read");
    // A FIFO stands in for the stick: the writer stops half way and goes
    // away, as a pulled stick does.
    let fifo = world.path("stick.kbundle");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new()
                .write(true)
                .open(&fifo)
                .expect("open fifo");
            let _ = pipe.write_all(&bytes[..bytes.len() / 2]);
        })
    };
    let out = world.sync("stick.kbundle");
    writer.join().expect("writer");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("truncated"), "{}", stderr(&out));
    assert_eq!(world.live().expect("live"), before);
    assert!(
        !world.path("data/incoming").exists(),
        "the partial copy is gone"
    );
}

#[test]
fn rollback_is_one_step_and_the_bad_bundle_does_not_come_back() {
    let world = World::with_a_live(40, "stick/v1.kbundle", "stick");
    std::fs::remove_file(world.path("stick/v1.kbundle")).expect("rm");
    world.bundle("b", 2, "stick/v2.kbundle", &[]);
    let out = world.sync("stick");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(world.live().map(|l| l.1), Some(40));

    let out = world.kiosk(&["sync", "--rollback"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("v1 is live again"),
        "{}",
        stdout(&out)
    );
    assert_eq!(world.live().map(|l| l.1), Some(30));

    // The stick still holds v2: it is not applied again.
    let out = world.sync("stick");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("up to date"), "{}", stdout(&out));
    assert_eq!(world.live().map(|l| l.1), Some(30));

    // Rolling back again undoes the rollback.
    assert!(world.kiosk(&["sync", "--rollback"]).status.success());
    assert_eq!(world.live().map(|l| l.1), Some(40));
}

#[test]
fn a_stick_mounted_under_the_usb_root_is_picked_up_by_the_watcher() {
    let world = World::with_a_live(40, "v1.kbundle", "v1.kbundle");
    std::fs::create_dir_all(world.path("media")).expect("mkdir");
    world.config("usb_root = \"media\"\nupload_waitlist = true");
    // Killed when dropped, so a failed assertion leaves no watcher behind.
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            self.0.kill().ok();
            self.0.wait().ok();
        }
    }
    let watcher = Killed(
        world
            .command(&["sync", "--watch"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("watch"),
    );
    // "Insert" a stick: a bundle appears in a folder under the root.
    world.bundle("b", 2, "staging/v2.kbundle", &[]);
    std::fs::create_dir_all(world.path("media/staff")).expect("mkdir");
    std::fs::rename(world.path("staging"), world.path("media/staff/STICK")).expect("mount");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while world.live().map(|l| l.1) != Some(40) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    drop(watcher);
    assert_eq!(
        world.live().map(|l| l.1),
        Some(40),
        "the watcher applied the stick's bundle"
    );
}

#[test]
fn a_kiosk_that_does_not_know_its_store_refuses_to_sync() {
    // Issue 15: without [sync] store_id, a first sync accepted a bundle
    // signed for any store.
    let world = World::new(30, 40);
    world.bundle("other", 1, "other.kbundle", &[]);
    std::fs::write(
        world.path("kiosk.toml"),
        "data_dir = \"data\"\n[sync]\ntrusted_keys = [\"office.key.pub\"]\n",
    )
    .expect("write kiosk.toml");
    let out = world.sync("other.kbundle");
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("[sync] store_id"), "{}", stderr(&out));
    assert_eq!(world.live(), None, "nothing imported");
}

#[test]
fn a_stick_with_a_junk_bundle_gets_no_contact_from_kiosk_sync() {
    // Issue 15, the issue's own test through the CLI: with upload_waitlist
    // on and one waitlist row, `kiosk sync --from` a folder whose
    // x.kbundle holds `junk` exits 3, writes nothing there, and the row
    // stays unexported.
    let world = World::new(30, 40);
    world.config("upload_waitlist = true");
    let local = kiosk_catalog::local::LocalStore::open(&world.path("data")).expect("local store");
    let now = jiff::Timestamp::now();
    local
        .add_waitlist(&kiosk_catalog::local::WaitlistEntry {
            at: now,
            product_id: "a1".into(),
            sku: "a1-8-Blue".into(),
            title: "Trail Runner 1 Shoe".into(),
            options: "8 / Blue".into(),
            contact: "shopper@example.com".into(),
            language: kiosk_core::Lang::En,
            consent: kiosk_core::assistant::Consent {
                requested: "Notify me".into(),
                shown: "I can let you know when Trail Runner 1 Shoe is back.".into(),
                language: kiosk_core::Lang::En,
                shown_at: now,
                answer: "[email]".into(),
                answered_at: now,
            },
        })
        .expect("waitlist row");
    std::fs::create_dir_all(world.path("stick")).expect("mkdir");
    std::fs::write(world.path("stick/x.kbundle"), b"junk").expect("write");

    let out = world.sync("stick");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let names: Vec<_> = std::fs::read_dir(world.path("stick"))
        .expect("stick")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["x.kbundle"], "nothing is written on the stick");
    let unexported: i64 = local
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM waitlist WHERE exported = 0",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(unexported, 1, "the row stays unexported");
}

/// `bytes` with the byte `offset` into the first `text` in them changed to
/// `to`.
fn with_byte_changed(bytes: &[u8], text: &[u8], offset: usize, to: u8) -> Vec<u8> {
    let mut changed = bytes.to_vec();
    let at = changed
        .windows(text.len())
        .position(|w| w == text)
        .unwrap_or_else(|| panic!("{:?} in the bundle", String::from_utf8_lossy(text)));
    changed[at + offset] = to;
    changed
}
