use super::*;

fn key() -> StoreKey {
    StoreKey::new("a-store-secret-of-some-length").expect("key")
}

#[test]
fn a_signed_request_passes_once_and_changed_or_replayed_ones_do_not() {
    let verifier = Verifier::new(key(), 300);
    let now = 1_800_000_000;
    let header = authorization(&key(), "POST", "/uploads/k1-x", b"{}", now);
    assert_eq!(
        verifier.verify(Some(&header), "POST", "/uploads/k1-x", b"{}", now + 10),
        Ok(())
    );
    assert_eq!(
        verifier.verify(Some(&header), "POST", "/uploads/k1-x", b"{}", now + 10),
        Err(Refusal::Replayed)
    );
    let header = authorization(&key(), "POST", "/uploads/k1-x", b"{}", now);
    assert_eq!(
        verifier.verify(Some(&header), "POST", "/uploads/k1-y", b"{}", now),
        Err(Refusal::BadSignature),
        "another path"
    );
    assert_eq!(
        verifier.verify(Some(&header), "POST", "/uploads/k1-x", b"{ }", now),
        Err(Refusal::BadSignature),
        "another body"
    );
    let other = StoreKey::new("another-store-secret-entirely").expect("key");
    let forged = authorization(&other, "POST", "/uploads/k1-x", b"{}", now);
    assert_eq!(
        verifier.verify(Some(&forged), "POST", "/uploads/k1-x", b"{}", now),
        Err(Refusal::BadSignature)
    );
    let old = authorization(&key(), "POST", "/uploads/k1-x", b"{}", now - 301);
    assert_eq!(
        verifier.verify(Some(&old), "POST", "/uploads/k1-x", b"{}", now),
        Err(Refusal::Stale { now })
    );
    assert_eq!(
        verifier.verify(None, "POST", "/uploads/k1-x", b"{}", now),
        Err(Refusal::Missing)
    );
    assert!(matches!(
        verifier.verify(Some("Basic abc"), "POST", "/", b"", now),
        Err(Refusal::Malformed(_))
    ));
    assert!(StoreKey::new("short").is_err());
    assert_eq!(format!("{:?}", key()), "StoreKey(<hidden>)");
}

#[test]
fn sync_and_the_staff_link_share_one_signature() {
    // One implementation: a header made by the staff crate verifies here,
    // and the other way round.
    let now = 1_800_000_000;
    let header = kiosk_staff::auth::authorization(&key(), "POST", "/uploads/k1-x", b"{}", now);
    let verifier = Verifier::new(key(), 300);
    assert_eq!(
        verifier.verify(Some(&header), "POST", "/uploads/k1-x", b"{}", now),
        Ok(())
    );
    assert!(refusal_message(&Refusal::Missing).contains("[staff] key_file"));
    assert!(refusal_message(&Refusal::Stale { now }).contains("1800000000"));
}
