//! Shared by the integration test binaries of the workspace (each includes
//! it with `#[path]`): the shared data folder, and running a command to its
//! end.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root: the first folder above the running test's package
/// that holds the workspace's `Cargo.lock`.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .expect("a Cargo.lock above the package")
        .to_path_buf()
}

/// The shared data folder: `$KIOSK_SHARED_DATA`, or `../shared/data` beside
/// the repository.
pub fn shared_data() -> PathBuf {
    std::env::var_os("KIOSK_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/data"))
}

/// `<shared data>/<folder>/<name>`. A missing file fails the test, naming
/// it; it never skips.
pub fn shared_file(folder: &str, name: &str) -> PathBuf {
    let path = shared_data().join(folder).join(name);
    assert!(
        path.exists(),
        "the shared fixture {} is missing: set KIOSK_SHARED_DATA to the shared data folder",
        path.display()
    );
    path
}

/// Runs `command` to its end and returns what it wrote; fails the test,
/// showing `what`, the exit status and both streams, unless it succeeded.
pub fn run_ok(command: &mut Command, what: &str) -> Output {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
