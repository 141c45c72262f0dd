//! Finding model files, and the clear errors for missing, truncated and
//! corrupt ones.

use std::io::Write;

use kiosk_models::{ModelStore, sha256_file};

use super::{ModelKind, entry, locate};
use crate::Error;
use crate::engine::{Engine, EngineConfig};
use crate::testutil::{model_path, models_dir};

#[test]
fn the_real_models_resolve_and_match_the_manifest() {
    let dir = models_dir();
    for kind in ModelKind::ALL {
        let path = locate(&dir, kind, true).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(path.ends_with(entry(&dir, kind).expect("entry").file));
    }
}

#[test]
fn a_missing_model_is_a_clear_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = ModelStore::new(tmp.path());
    let err = locate(&dir, ModelKind::Gemma, false).unwrap_err();
    assert!(matches!(err, Error::Missing { .. }), "{err}");
    assert!(err.to_string().contains("kiosk models fetch"), "{err}");
}

/// A models dir whose Gemma file is `bytes`.
fn dir_with(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = ModelStore::new(tmp.path());
    let entry = entry(&dir, ModelKind::Gemma).expect("entry");
    let path = dir.expected_path(&entry);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .expect("write");
    (tmp, path)
}

fn load_err(path: &std::path::Path) -> Error {
    Engine::load(&EngineConfig {
        model_path: path.to_path_buf(),
        threads: 1,
        context_length: 256,
    })
    .unwrap_err()
}

#[test]
fn a_truncated_model_is_a_clear_error() {
    let real = std::fs::read(model_path(ModelKind::Gemma)).expect("reads");
    let (tmp, path) = dir_with(&real[..real.len() / 2]);
    let dir = ModelStore::new(tmp.path());
    let err = locate(&dir, ModelKind::Gemma, false).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    let err = load_err(&path);
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[test]
fn a_corrupt_model_is_a_clear_error() {
    // Not GGUF at all.
    let (_tmp, path) = dir_with(b"<html>502 Bad Gateway</html>");
    let err = load_err(&path);
    assert!(err.to_string().contains("GGUF magic"), "{err}");
    // A GGUF header cut inside its metadata.
    let real = std::fs::read(model_path(ModelKind::Smollm2)).expect("reads");
    let (_tmp, path) = dir_with(&real[..4096]);
    let err = load_err(&path);
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    // The right size with flipped bytes: the hash check catches it.
    let mut bad = std::fs::read(model_path(ModelKind::Gemma)).expect("reads");
    let n = bad.len();
    bad[n - 1000] ^= 0xff;
    let (tmp, path) = dir_with(&bad);
    let dir = ModelStore::new(tmp.path());
    assert!(
        locate(&dir, ModelKind::Gemma, false).is_ok(),
        "size alone looks fine"
    );
    let err = locate(&dir, ModelKind::Gemma, true).unwrap_err();
    assert!(err.to_string().contains("sha256"), "{err}");
    assert_ne!(
        Some(sha256_file(&path).expect("hash")),
        entry(&dir, ModelKind::Gemma).expect("entry").sha256
    );
}

#[test]
fn model_names_parse() {
    assert_eq!("gemma".parse::<ModelKind>(), Ok(ModelKind::Gemma));
    assert_eq!("SmolLM2".parse::<ModelKind>(), Ok(ModelKind::Smollm2));
    assert!("gpt4".parse::<ModelKind>().is_err());
}
