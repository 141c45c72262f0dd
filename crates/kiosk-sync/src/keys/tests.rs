use std::os::unix::fs::PermissionsExt;

use super::*;

#[test]
fn keygen_writes_minisign_files_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("office/signing.key");
    let key = generate(&out, false).expect("generate");
    let secret = fs::read_to_string(&out).expect("secret");
    assert!(secret.starts_with("untrusted comment: "));
    let mode = fs::metadata(&out).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the secret key is private");
    let public = fs::read_to_string(tmp.path().join("office/signing.key.pub")).expect("pub");
    assert_eq!(
        public.lines().next(),
        Some(format!("untrusted comment: minisign public key: {}", key.key_id).as_str())
    );
    assert_eq!(public.lines().nth(1), Some(key.public_key.as_str()));
    assert!(key.public_key.starts_with("RW"));

    let again = generate(&out, false).expect_err("no overwrite");
    assert!(again.to_string().contains("--force"), "{again}");
    let replaced = generate(&out, true).expect("forced");
    assert_ne!(replaced.key_id, key.key_id);
}

#[test]
fn a_secret_key_loads_back_with_its_public_half() {
    let tmp = tempfile::tempdir().expect("tmp");
    let key = generate(&tmp.path().join("k"), false).expect("generate");
    let loaded = load_secret_key(&key.secret_path).expect("load");
    assert_eq!(loaded.key_id, key.key_id);
    assert_eq!(loaded.public.to_base64(), key.public_key);
}

#[test]
fn a_damaged_secret_key_is_refused_with_its_path() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("broken.key");
    fs::write(&path, "untrusted comment: x\nnot base64 at all\n").expect("write");
    let err = load_secret_key(&path).err().expect("refused");
    assert!(err.to_string().contains("broken.key"), "{err}");
}

#[test]
fn trusted_keys_are_read_as_lines_boxes_or_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let key = generate(&tmp.path().join("k"), false).expect("generate");
    let boxed = fs::read_to_string(&key.public_path).expect("pub");
    let file = key.public_path.display().to_string();
    for entry in [key.public_key.as_str(), boxed.as_str(), file.as_str()] {
        let trusted = TrustedKeys::parse([(entry, "test")]).expect("parses");
        assert_eq!(trusted.ids(), vec![key.key_id.clone()], "{entry}");
    }
    let err = TrustedKeys::parse([("RWQ-not-a-key", "kiosk.toml")]).expect_err("garbage");
    assert!(err.to_string().contains("kiosk.toml"), "{err}");
}

#[test]
fn key_ids_print_like_minisign() {
    assert_eq!(key_id(&[1, 0, 0, 0, 0, 0, 0, 0]), "0000000000000001");
    assert_eq!(
        key_id(&[0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01]),
        "0123456789ABCDEF"
    );
}

#[test]
fn a_bad_key_entry_says_which_kind_of_bad() {
    let tmp = tempfile::tempdir().expect("tmp");
    let empty = tmp.path().join("empty.pub");
    fs::write(&empty, "untrusted comment: nothing here\n\n").expect("write");
    let junk = tmp.path().join("junk.pub");
    fs::write(&junk, "untrusted comment: x\nnot a key\n").expect("write");
    let check = |entry: &str, expected: fn(&PublicKeyError) -> bool, names: &str| {
        let err = parse_public_key(entry).expect_err("refused");
        assert!(expected(&err), "{entry}: {err:?}");
        assert!(err.to_string().contains(names), "{err}");
    };
    check(
        &empty.display().to_string(),
        |e| matches!(e, PublicKeyError::Empty(_)),
        "empty.pub holds no public key",
    );
    check(
        &junk.display().to_string(),
        |e| matches!(e, PublicKeyError::BadFile { .. }),
        "junk.pub: not a minisign public key",
    );
    check(
        "untrusted comment: x\nRWQnot-base64",
        |e| matches!(e, PublicKeyError::BadBox(_)),
        "not a minisign public key",
    );
    check(
        "no-such-file.pub",
        |e| matches!(e, PublicKeyError::Unrecognized(_)),
        "neither a minisign public key",
    );
}
