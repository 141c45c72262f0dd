//! The engine's checks that need no model (the model tests are in
//! tests/whisper.rs).

use super::*;

#[test]
fn maps_whisper_codes_to_kiosk_languages() {
    assert_eq!(lang_from_code("en"), Some(Lang::En));
    assert_eq!(lang_from_code("nl"), Some(Lang::Nl));
    assert_eq!(lang_from_code("id"), Some(Lang::Id));
    assert_eq!(lang_from_code("zh"), Some(Lang::Zh));
    assert_eq!(lang_from_code("de"), None);
}

#[test]
fn a_truncated_model_file_is_a_clear_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ggml-broken.bin");
    std::fs::write(&path, b"lmgg\x00\x00").expect("write");
    let err = WhisperEngine::load(&path, EngineOptions::default())
        .err()
        .expect("refused");
    let msg = err.to_string();
    assert!(
        msg.contains("ggml-broken.bin") && msg.contains("truncated"),
        "{msg}"
    );
    let missing = dir.path().join("nope.bin");
    let err = WhisperEngine::load(&missing, EngineOptions::default())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("nope.bin"), "{err}");
}

#[test]
fn token_probability_is_a_softmax() {
    let p = token_probability(&[0.0, 0.0, 0.0, 0.0], 2);
    assert!((p - 0.25).abs() < 1e-6, "{p}");
    let p = token_probability(&[1000.0, 0.0], 0);
    assert!((p - 1.0).abs() < 1e-6, "{p}");
    assert_eq!(token_probability(&[1.0, 2.0], 5), 0.0);
    assert_eq!(token_probability(&[f32::NEG_INFINITY; 3], 1), 0.0);
}
