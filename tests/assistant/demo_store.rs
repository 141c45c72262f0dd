//! The demo store (`catalog/`) as the assistant tests use it: imported into
//! a data dir of the test's, or once per test process and shared.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, ImportOptions, Snapshot};

/// Imports the demo store into the data dir `data` and opens it.
pub fn import_demo(data: &Path) -> Snapshot {
    let data = DataDir::new(data);
    let catalog = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("catalog");
    import::import(&data, &ImportOptions::new(catalog), &mut NoProgress).expect("import demo");
    Snapshot::open(&data).expect("open demo")
}

/// The demo store, imported once per test process.
pub fn demo() -> &'static Snapshot {
    static DEMO: OnceLock<(tempfile::TempDir, Snapshot)> = OnceLock::new();
    &DEMO
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let snapshot = import_demo(&dir.path().join("data"));
            (dir, snapshot)
        })
        .1
}
