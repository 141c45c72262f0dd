//! The voice path end to end: shopper questions spoken by espeak-ng, clean
//! and mixed with the shared background noise at 10 dB SNR, go through the
//! capture pipeline, Whisper (base, with the store prompt) and the
//! assistant (`kiosk bench voice`); the answer must show the same products
//! and stock as the typed question's, in at least the share measured for
//! the demo store, and noise alone must give no text. Needs espeak-ng
//! (scripts/lib.sh installs it), the converted models and the shared
//! recordings; a missing fixture fails, never skips.

use std::path::PathBuf;
use std::process::Command;

const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn kiosk(args: &[&str]) -> std::process::Output {
    let models = std::env::var_os("KIOSK_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("models"));
    let shared = std::env::var_os("KIOSK_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/data"));
    Command::new(KIOSK)
        .args(args)
        .env_remove("KIOSK_CONFIG")
        .env("KIOSK_MODELS", models)
        .env("KIOSK_SHARED_DATA", shared)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run kiosk")
}

#[test]
fn spoken_english_questions_get_the_typed_answers_and_noise_gives_no_text() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let config = tmp.path().join("kiosk.toml");
    std::fs::write(&config, "").expect("empty config");
    let data = tmp.path().join("data");
    let catalog = repo().join("catalog");
    let out = kiosk(&[
        "--config",
        config.to_str().unwrap(),
        "import",
        "--from",
        catalog.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kiosk(&[
        "--config",
        config.to_str().unwrap(),
        "bench",
        "voice",
        "--data-dir",
        data.to_str().unwrap(),
        "--langs",
        "en",
        "--per-lang",
        "12",
        "--threads",
        "2",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "bench voice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let summary = report["summary"].as_array().expect("summary");
    let share = |condition: &str| {
        summary
            .iter()
            .find(|s| s["lang"] == "en" && s["condition"] == condition)
            .and_then(|s| s["same_answer"].as_f64())
            .unwrap_or_else(|| panic!("no en {condition} line in {summary:?}"))
    };
    let rows = report["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 24, "12 questions, clean and noisy");
    // The typed questions themselves must name their product, or the
    // comparison says nothing.
    let typed = rows
        .iter()
        .filter(|r| r["typed_names_product"] == true)
        .count();
    assert!(
        typed >= 18,
        "typed questions name their product in {typed} of 24"
    );
    let (clean, noisy) = (share("clean"), share("noisy"));
    assert!(
        clean >= CLEAN_FLOOR,
        "clean: {clean:.2} of spoken questions got the typed answer (floor {CLEAN_FLOOR}): {rows:#?}"
    );
    assert!(
        noisy >= NOISY_FLOOR,
        "noisy: {noisy:.2} of spoken questions got the typed answer (floor {NOISY_FLOOR}): {rows:#?}"
    );
    for n in report["noise_only"].as_array().expect("noise_only") {
        assert_eq!(n["text"], "", "noise alone made text: {n}");
    }
}

/// The shares measured with `kiosk bench voice --langs en --per-lang 12
/// --threads 2` on the demo store with the default 8 s encoder window
/// (clean 4 of 12, noisy 5 of 12), less one question for run-to-run
/// variation. Far below the 90% and 80% aimed for:
/// espeak-ng's voices read the made-up brand names in ways Whisper base
/// often does not hear as those names; see ARCHITECTURE.md, speech.
const CLEAN_FLOOR: f64 = 3.0 / 12.0;
const NOISY_FLOOR: f64 = 4.0 / 12.0;
