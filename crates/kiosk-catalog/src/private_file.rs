//! Files that hold secrets or shoppers' data (keys, the staff PIN's hash
//! and its lockout): readable by the kiosk's user only, and replaced
//! atomically, so a crash leaves the old file or the new one, never half.
//! SQLite files holding such data are made private with [`create`] before
//! SQLite opens them.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` with mode 0600: a temp file beside it
/// (`<path>.tmp`, created anew, never followed through a link), fsynced,
/// renamed over `path`, then the folder fsynced.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = {
        let mut name = path.as_os_str().to_owned();
        name.push(".tmp");
        PathBuf::from(name)
    };
    let _ = std::fs::remove_file(&tmp);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Creates the file at `path` 0600 if it is missing, and makes an existing
/// one 0600. Call it before SQLite opens a database: SQLite gives its
/// `-wal` and `-shm` files the database file's mode.
pub fn create(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}
