//! Signing and verification: a known answer (computed with Python's hmac),
//! and every way a request is refused.

use super::*;

const KEY: &str = "store-key-for-tests-0123";
const NOW: i64 = 1_700_000_000;

fn key() -> StoreKey {
    StoreKey::new(KEY).expect("test key is long enough")
}

fn verifier() -> Verifier {
    Verifier::new(key(), 300)
}

#[test]
fn known_answer() {
    let sig = sign(
        &key(),
        "post",
        "/api/session",
        NOW,
        "00112233445566778899aabbccddeeff",
        br#"{"staff":"Anna"}"#,
    );
    assert_eq!(
        sig,
        "70dee140fa2cdc76207b5e9c8131d0319991327544c93680625ad86fb832f8ab"
    );
}

#[test]
fn signed_request_passes() {
    let header = authorization(&key(), "POST", "/api/calls", b"{}", NOW);
    assert!(header.starts_with("Kiosk-HMAC-SHA256 ts=1700000000,nonce="));
    verifier()
        .verify(Some(&header), "POST", "/api/calls", b"{}", NOW + 10)
        .expect("valid signature");
}

#[test]
fn refusals() {
    let v = verifier();
    let header = authorization(&key(), "POST", "/api/calls", b"{}", NOW);
    let other_key = StoreKey::new("another-store-key-9999").expect("long enough");
    let foreign = authorization(&other_key, "POST", "/api/calls", b"{}", NOW);
    let check = |header: Option<&str>, method: &str, path: &str, body: &[u8], now: i64| {
        v.verify(header, method, path, body, now).err()
    };
    assert_eq!(
        check(None, "POST", "/api/calls", b"{}", NOW),
        Some(Refusal::Missing)
    );
    assert_eq!(
        check(Some("Bearer abc"), "POST", "/api/calls", b"{}", NOW),
        Some(Refusal::Malformed("unknown scheme"))
    );
    assert_eq!(
        check(Some(&foreign), "POST", "/api/calls", b"{}", NOW),
        Some(Refusal::BadSignature)
    );
    assert_eq!(
        check(Some(&header), "POST", "/api/calls", b"{ }", NOW),
        Some(Refusal::BadSignature),
        "a changed body"
    );
    assert_eq!(
        check(Some(&header), "POST", "/api/calls/x/state", b"{}", NOW),
        Some(Refusal::BadSignature),
        "another path"
    );
    assert_eq!(
        check(Some(&header), "GET", "/api/calls", b"{}", NOW),
        Some(Refusal::BadSignature),
        "another method"
    );
    assert_eq!(
        check(Some(&header), "POST", "/api/calls", b"{}", NOW + 301),
        Some(Refusal::Stale { now: NOW + 301 })
    );
    assert_eq!(check(Some(&header), "POST", "/api/calls", b"{}", NOW), None);
    assert_eq!(
        check(Some(&header), "POST", "/api/calls", b"{}", NOW),
        Some(Refusal::Replayed)
    );
}

#[test]
fn malformed_headers() {
    let v = verifier();
    for header in [
        "Kiosk-HMAC-SHA256",
        "Kiosk-HMAC-SHA256 ts=1,nonce=00112233445566778899aabbccddeeff",
        "Kiosk-HMAC-SHA256 ts=x,nonce=00112233445566778899aabbccddeeff,sig=00",
        "Kiosk-HMAC-SHA256 ts=1,nonce=short,sig=00",
        "Kiosk-HMAC-SHA256 ts=1,nonce=00112233445566778899aabbccddeeff,sig=zz",
    ] {
        assert!(
            matches!(
                v.verify(Some(header), "GET", "/", b"", NOW),
                Err(Refusal::Malformed(_))
            ),
            "{header}"
        );
    }
}

#[test]
fn short_keys_are_refused_and_never_shown() {
    assert!(StoreKey::new("short").is_err());
    assert!(StoreKey::new("   too short   ").is_err());
    assert_eq!(format!("{:?}", key()), "StoreKey(<hidden>)");
}

#[test]
fn key_file_first_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store.key");
    std::fs::write(&path, format!("{KEY}\n# comment\n")).expect("write");
    let from_file = StoreKey::from_file(&path).expect("read");
    let header = authorization(&from_file, "GET", "/api/calls", b"", NOW);
    verifier()
        .verify(Some(&header), "GET", "/api/calls", b"", NOW)
        .expect("same key");
}

#[test]
fn hex_round_trip() {
    assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
    assert_eq!(decode_hex("000f10ff"), Some(vec![0, 15, 16, 255]));
    assert_eq!(decode_hex("0"), None);
    assert_eq!(decode_hex("zz"), None);
}

#[test]
fn hostile_timestamps_are_stale_without_overflow() {
    // Issue 15: `(now - ts).abs()` overflowed (a panic in debug builds, a
    // wrapped "fresh" time in release) for timestamps such as i64::MIN.
    let v = verifier();
    for (ts, now) in [
        (i64::MIN, NOW),
        (i64::MAX, NOW),
        (i64::MIN, i64::MAX),
        (i64::MAX, i64::MIN),
        (i64::MIN + 1, -1),
        (NOW, i64::MIN),
    ] {
        let header = authorization(&key(), "GET", "/api/calls", b"", ts);
        assert_eq!(
            v.verify(Some(&header), "GET", "/api/calls", b"", now),
            Err(Refusal::Stale { now }),
            "ts {ts} at {now}"
        );
        assert_eq!(v.precheck(&header, now), Err(Refusal::Stale { now }));
    }
    // A skew limit as large as configurable still compares safely.
    let wide = Verifier::new(key(), u64::MAX);
    let header = authorization(&key(), "GET", "/api/calls", b"", i64::MIN);
    wide.verify(Some(&header), "GET", "/api/calls", b"", i64::MAX)
        .expect_err("i64::MIN is still outside a window of i64::MAX / 4");
}

#[test]
fn a_named_digest_is_verified_before_the_body() {
    // Issue 15: the console authenticates before reading a body; the
    // signature is checked against the digest the request names.
    let v = verifier();
    let body = br#"{"staff":"Anna"}"#;
    let header = authorization(&key(), "POST", "/api/session", body, NOW);
    v.verify_digest(
        Some(&header),
        "POST",
        "/api/session",
        &body_sha256(body),
        NOW,
    )
    .expect("the signed digest passes");
    let header = authorization(&key(), "POST", "/api/session", body, NOW);
    assert_eq!(
        v.verify_digest(
            Some(&header),
            "POST",
            "/api/session",
            &body_sha256(b"{}"),
            NOW
        ),
        Err(Refusal::BadSignature)
    );
    // The precheck refuses a used nonce and passes a fresh one.
    let header = authorization(&key(), "GET", "/api/calls", b"", NOW);
    v.precheck(&header, NOW).expect("fresh");
    v.verify(Some(&header), "GET", "/api/calls", b"", NOW)
        .expect("valid");
    assert_eq!(v.precheck(&header, NOW), Err(Refusal::Replayed));
}

#[test]
fn replies_are_signed_over_status_body_and_the_requests_nonce() {
    let request = signed_request(&key(), "POST", "/api/calls/watch", b"{}", NOW);
    let body = br#"{"version":3,"calls":[],"missing":[]}"#;
    let sig = sign_reply(&key(), 200, "POST", "/api/calls/watch", &request, body);
    let ok = |sig: Option<&str>, status: u16, request: &SignedHeader, body: &[u8]| {
        verify_reply(
            &key(),
            sig,
            status,
            "POST",
            "/api/calls/watch",
            request,
            body,
        )
    };
    assert!(ok(Some(&sig), 200, &request, body));
    assert!(!ok(None, 200, &request, body), "unsigned");
    assert!(!ok(Some("zz"), 200, &request, body), "not hex");
    assert!(!ok(Some(&sig), 201, &request, body), "another status");
    assert!(
        !ok(
            Some(&sig),
            200,
            &request,
            br#"{"version":4,"calls":[],"missing":[]}"#
        ),
        "another body"
    );
    // The same reply does not answer another request.
    let next = signed_request(&key(), "POST", "/api/calls/watch", b"{}", NOW);
    assert!(!ok(Some(&sig), 200, &next, body), "another request");
    // Nor does one signed with another key.
    let other = StoreKey::new("another-store-key-9999").expect("long enough");
    let forged = sign_reply(&other, 200, "POST", "/api/calls/watch", &request, body);
    assert!(!ok(Some(&forged), 200, &request, body), "another key");
    // A reply's signature is never a request's.
    assert_ne!(
        sig,
        sign(
            &key(),
            "POST",
            "/api/calls/watch",
            NOW,
            &request.nonce,
            body
        )
    );
}

#[test]
fn the_replay_window_survives_a_restart_and_is_pruned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("console.sqlite");
    let header = authorization(&key(), "GET", "/api/calls", b"", NOW);
    let v = Verifier::with_journal(key(), 300, NonceJournal::open(&db).expect("open"), NOW)
        .expect("verifier");
    v.verify(Some(&header), "GET", "/api/calls", b"", NOW)
        .expect("first time");
    drop(v);
    // A new process on the same file: the same request is a replay.
    let v = Verifier::with_journal(key(), 300, NonceJournal::open(&db).expect("open"), NOW + 5)
        .expect("verifier");
    assert_eq!(
        v.verify(Some(&header), "GET", "/api/calls", b"", NOW + 5),
        Err(Refusal::Replayed)
    );
    assert_eq!(
        v.precheck(&header, NOW + 5),
        Err(Refusal::Replayed),
        "the precheck sees it too"
    );
    drop(v);
    // Once outside the window the nonce is forgotten (the request is
    // stale anyway).
    let journal = NonceJournal::open(&db).expect("open");
    assert_eq!(journal.len().expect("len"), 1);
    let v = Verifier::with_journal(key(), 300, journal, NOW + 601).expect("verifier");
    assert_eq!(
        v.verify(Some(&header), "GET", "/api/calls", b"", NOW + 601),
        Err(Refusal::Stale { now: NOW + 601 })
    );
    assert!(
        NonceJournal::open(&db)
            .expect("open")
            .is_empty()
            .expect("len")
    );
}
