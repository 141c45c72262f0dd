//! The store's layout, manifest and checks, on temporary dirs.

use super::*;

fn entry(bytes: &[u8]) -> ManifestEntry {
    ManifestEntry {
        name: "m".into(),
        repo: "kiosk/m".into(),
        file: "m.bin".into(),
        size: Some(bytes.len() as u64),
        sha256: Some(hash(bytes)),
        converted_from: None,
        weights: None,
    }
}

fn hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_built_in_manifest_parses_and_names_each_file_once() {
    let manifest = Manifest::parse(BUILTIN_MANIFEST, Path::new("built in")).expect("parses");
    assert!(manifest.model.len() >= 5, "{manifest:?}");
    for m in &manifest.model {
        let same = manifest.model.iter().filter(|o| o.name == m.name).count();
        assert_eq!(same, 1, "{} twice", m.name);
        let sha = m.sha256.as_deref().unwrap_or_default();
        assert!(
            sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
            "{}: {sha}",
            m.name
        );
    }
}

#[test]
fn an_old_name_is_read_as_an_alias() {
    let text = "[[model]]\nname = \"old-name\"\nrepo = \"a/b\"\nfile = \"f\"\n";
    let manifest = Manifest::parse(text, Path::new("m.toml")).expect("parses");
    assert_eq!(
        manifest
            .entry("new-name", &["old-name"])
            .expect("alias")
            .repo,
        "a/b"
    );
    assert!(manifest.entry("new-name", &[]).is_none());
}

#[test]
fn a_bad_manifest_names_its_file() {
    let err = Manifest::parse("[[model]]\nname = 3\n", Path::new("/x/manifest.toml")).unwrap_err();
    assert!(err.to_string().contains("/x/manifest.toml"), "{err}");
}

#[test]
fn a_published_file_resolves_and_is_checked() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join("hub")).expect("hub");
    let store = ModelStore::new(tmp.path());
    let bytes = b"weights";
    let e = entry(bytes);
    assert!(matches!(store.locate(&e, true), Err(Error::Missing { .. })));
    let hub = store.hub();
    assert_eq!(hub.root(), tmp.path().join("hub"));
    let path = hub
        .snapshot_path(&e.repo, SNAPSHOT_REV, &e.file)
        .expect("dir");
    std::fs::write(&path, bytes).expect("write");
    assert!(hub.file(&e.repo, &e.file).is_none(), "no ref yet");
    hub.publish_ref(&e.repo, SNAPSHOT_REV).expect("ref");
    let refs = std::fs::read(tmp.path().join("hub/models--kiosk--m/refs/main")).expect("ref");
    assert_eq!(refs, SNAPSHOT_REV.as_bytes(), "no trailing newline");
    assert_eq!(hub.file(&e.repo, &e.file), Some(path.clone()));
    assert_eq!(store.locate(&e, true).expect("whole"), path);
    assert_eq!(sha256_file(&path).expect("hash"), hash(bytes));

    std::fs::write(&path, b"weightz").expect("replace");
    let err = store.locate(&e, true).unwrap_err();
    assert!(
        matches!(err, Error::Mismatch { .. }) && err.to_string().contains("sha256"),
        "{err}"
    );
    assert!(
        store.locate(&e, false).is_ok(),
        "same size: only the hash tells"
    );
    std::fs::write(&path, b"w").expect("truncate");
    let err = store.locate(&e, false).unwrap_err();
    assert!(
        err.to_string().contains("1 bytes, the manifest says 7"),
        "{err}"
    );
}

#[test]
fn the_manifest_comes_from_the_models_dir_when_it_has_one() {
    let tmp = tempfile::tempdir().expect("tmp");
    let store = ModelStore::new(tmp.path());
    assert!(store.entry("whisper-base-ggml", &[]).is_ok(), "built in");
    std::fs::write(
        store.manifest_path(),
        "[[model]]\nname = \"only\"\nrepo = \"a/b\"\nfile = \"f\"\n",
    )
    .expect("write");
    assert!(store.entry("only", &[]).is_ok());
    let err = store.entry("whisper-base-ggml", &[]).unwrap_err();
    assert!(
        err.to_string()
            .contains("no [[model]] named whisper-base-ggml"),
        "{err}"
    );
}
