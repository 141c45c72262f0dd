//! Finding the Whisper models in the hub layout.

use super::*;

#[test]
fn resolves_a_published_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub = Hub::new(dir.path());
    let path = hub
        .snapshot_path("kiosk/whisper-base-ggml", "kiosk", "ggml-base.bin")
        .expect("snapshot dir");
    std::fs::write(&path, b"x").expect("write");
    assert!(ModelKind::Base.ggml_path(&hub).is_err(), "no ref yet");
    hub.publish_ref("kiosk/whisper-base-ggml", "kiosk")
        .expect("ref");
    let refs = std::fs::read(
        dir.path()
            .join("models--kiosk--whisper-base-ggml/refs/main"),
    )
    .expect("ref file");
    assert_eq!(refs, b"kiosk", "no trailing newline");
    assert_eq!(ModelKind::Base.ggml_path(&hub).expect("resolves"), path);
}

#[test]
fn a_missing_model_says_how_to_get_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = ModelKind::TinyEn
        .ggml_path(&Hub::new(dir.path()))
        .expect_err("missing");
    let msg = err.to_string();
    assert!(
        msg.contains("ggml-tiny.en.bin") && msg.contains("convert-whisper"),
        "{msg}"
    );
}

#[test]
fn parses_model_names() {
    assert_eq!("tiny.en".parse::<ModelKind>(), Ok(ModelKind::TinyEn));
    assert_eq!("Base".parse::<ModelKind>(), Ok(ModelKind::Base));
    assert!("large".parse::<ModelKind>().is_err());
}
