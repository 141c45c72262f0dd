//! The embedding model file the tests use: the fetched one under
//! `models/hub`, or `KIOSK_E5_MODEL`. A missing file fails the test with
//! how to get it; the test command always fetches it.

use std::path::PathBuf;

/// Where the model file is looked for.
fn e5_model_path() -> PathBuf {
    std::env::var_os("KIOSK_E5_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("models/hub/models--kiosk--multilingual-e5-small-q4/snapshots/kiosk")
                .join("e5-small-q4.bin")
        })
}

pub fn e5_model() -> PathBuf {
    let path = e5_model_path();
    assert!(
        path.is_file(),
        "no e5 model at {} (set KIOSK_E5_MODEL or run scripts/fetch-models)",
        path.display()
    );
    path
}

/// The e5 model file, when it is there: a test that needs the weights
/// calls this and, without them, says why it did not run and passes.
#[allow(dead_code, reason = "not every test binary has such a test")]
pub fn e5_model_if_present() -> Option<PathBuf> {
    let path = e5_model_path();
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "skipped: needs the e5 model weights, not at {} (set KIOSK_E5_MODEL or run scripts/fetch-models)",
            path.display()
        );
        None
    }
}
