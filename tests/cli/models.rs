//! One models dir for every model user: `$KIOSK_MODELS` (read once, in the
//! config) takes the LLM, Whisper and the e5 embedder to the same folder,
//! over the config's own `models_dir`. The folder here is a fresh hub of
//! links to the real files (`$KIOSK_MODELS` or `<repo>/models`); a missing
//! model fails, never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kiosk_models::{ModelStore, SNAPSHOT_REV};

const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

fn source_store() -> ModelStore {
    ModelStore::new(
        std::env::var_os("KIOSK_MODELS")
            .filter(|d| !d.is_empty())
            .map_or_else(
                || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models"),
                PathBuf::from,
            ),
    )
}

/// Publishes the manifest entry `name` in `dest` as a link to the real file.
fn link(dest: &ModelStore, name: &str) -> PathBuf {
    let source = source_store();
    let entry = source.entry(name, &[]).expect("manifest entry");
    let real = source
        .locate(&entry, false)
        .unwrap_or_else(|e| panic!("{name} is needed (run scripts/fetch-models): {e}"));
    let hub = dest.hub();
    let path = hub
        .snapshot_path(&entry.repo, SNAPSHOT_REV, &entry.file)
        .expect("snapshot dir");
    std::os::unix::fs::symlink(&real, &path).expect("link");
    hub.publish_ref(&entry.repo, SNAPSHOT_REV).expect("ref");
    path
}

fn kiosk(config: &Path, models: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(KIOSK);
    cmd.arg("--config")
        .arg(config)
        .args(args)
        .env_remove("KIOSK_CONFIG")
        .env_remove("KIOSK_MODELS")
        .env_remove("KIOSK_E5_PEER_SRC")
        .current_dir(config.parent().expect("config dir"));
    if let Some(dir) = models {
        cmd.env("KIOSK_MODELS", dir);
    }
    cmd.output().expect("run kiosk")
}

fn checks(out: &Output) -> serde_json::Value {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("doctor JSON: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
    // Missing speech parts are warnings (typed questions still work).
    let mut all = report["checks"].as_array().expect("checks").clone();
    all.extend(report["warnings"].as_array().cloned().unwrap_or_default());
    serde_json::Value::Array(all)
}

fn detail(checks: &serde_json::Value, name: &str) -> (bool, String) {
    let check = checks
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name:?} check in {checks}"));
    (
        check["ok"].as_bool().expect("ok"),
        check["detail"].as_str().expect("detail").to_string(),
    )
}

#[test]
fn kiosk_models_is_the_models_dir_of_the_llm_whisper_and_e5() {
    let tmp = tempfile::tempdir().expect("tmp");
    let models = tmp.path().join("store");
    std::fs::create_dir_all(models.join("hub")).expect("hub");
    let store = ModelStore::new(&models);
    let llm = link(&store, "smollm2-135m-instruct");
    let whisper = link(&store, "whisper-tiny.en-ggml");
    let e5 = link(&store, "multilingual-e5-small-q4");

    // The config's own models dir is empty: only $KIOSK_MODELS has the files.
    std::fs::create_dir_all(tmp.path().join("elsewhere")).expect("elsewhere");
    let config = tmp.path().join("kiosk.toml");
    std::fs::write(
        &config,
        "[llm]\nmodel = \"smollm2\"\nmodels_dir = \"elsewhere\"\n\
         [speech]\nmodel = \"tiny.en\"\nmodels_dir = \"elsewhere\"\n",
    )
    .expect("config");

    let with = checks(&kiosk(&config, Some(&models), &["doctor", "--json"]));
    let (ok, text) = detail(&with, "llm model");
    assert!(ok && text.contains(&llm.display().to_string()), "{text}");
    let (ok, text) = detail(&with, "speech model");
    assert!(
        ok && text.contains(&whisper.display().to_string()),
        "{text}"
    );
    let out = kiosk(
        &config,
        Some(&models),
        &["bench", "embed", "--quick", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("bench JSON");
    assert_eq!(report["model"].as_str(), Some(e5.to_str().expect("UTF-8")));

    // Without it, the config's (empty) folder is where all three look.
    let without = checks(&kiosk(&config, None, &["doctor", "--json"]));
    for name in ["llm model", "speech model"] {
        let (ok, text) = detail(&without, name);
        assert!(!ok && text.contains("elsewhere"), "{name}: {text}");
    }
    let out = kiosk(&config, None, &["bench", "embed", "--quick", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("elsewhere"),
        "{stderr}"
    );
}
