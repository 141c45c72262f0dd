//! The embedding model file the tests use: the fetched one under
//! `models/hub`, or `KIOSK_E5_MODEL`. A missing file fails the test with
//! how to get it; the test command always fetches it.

use std::path::PathBuf;

pub fn e5_model() -> PathBuf {
    let path = std::env::var_os("KIOSK_E5_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("models/hub/models--kiosk--multilingual-e5-small-q4/snapshots/kiosk")
                .join("e5-small-q4.bin")
        });
    assert!(
        path.is_file(),
        "no e5 model at {} (set KIOSK_E5_MODEL or run scripts/fetch-models)",
        path.display()
    );
    path
}
