//! The data directory and the atomic publish.
//!
//! ```text
//! DATA_DIR/
//!   current   -> snapshots/<id>   symlink, swapped with rename(2)
//!   previous  -> snapshots/<id>   the snapshot before, for rollback
//!   snapshots/<id>/snapshot.sqlite, index/
//!   staging/<id>/                 a snapshot being built
//!   import.lock                   held by the one importer at a time
//!   vector_cache.sqlite           query vectors of the intent examples
//!                                 (`vectors::cache`), by model and text
//! ```
//!
//! A snapshot is built in `staging/`, fsynced, renamed into `snapshots/`, and
//! only then does `current` move to it, by renaming a new symlink over the old
//! one. A crash before that rename leaves the old `current`; a crash after it
//! leaves the new one. Leftover staging directories are removed by the next
//! import.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::schema::{INDEX_DIR, SNAPSHOT_DB};

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// A snapshot under construction, holding the import lock until it is
/// published or dropped.
#[derive(Debug)]
pub struct Staging {
    pub id: String,
    pub path: PathBuf,
    _lock: File,
}

impl Staging {
    pub fn db_path(&self) -> PathBuf {
        self.path.join(SNAPSHOT_DB)
    }

    pub fn index_path(&self) -> PathBuf {
        self.path.join(INDEX_DIR)
    }
}

/// Opens (creating it) the lock file at `path` and takes its exclusive
/// lock without waiting; `None` while another process holds it. The lock
/// lasts as long as the returned file is open.
pub fn try_lock_file(path: &Path) -> std::io::Result<Option<File>> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The cache of fixed texts' query vectors (`vectors::cache`).
    pub fn vector_cache(&self) -> PathBuf {
        self.root.join(crate::vectors::cache::CACHE_FILE)
    }

    fn snapshots(&self) -> PathBuf {
        self.root.join("snapshots")
    }

    fn staging(&self) -> PathBuf {
        self.root.join("staging")
    }

    /// The directory of the live snapshot, if one was ever published.
    pub fn current(&self) -> Result<Option<PathBuf>> {
        self.resolve("current")
    }

    /// The snapshot that was live before the current one.
    pub fn previous(&self) -> Result<Option<PathBuf>> {
        self.resolve("previous")
    }

    fn resolve(&self, link: &str) -> Result<Option<PathBuf>> {
        let path = self.root.join(link);
        match fs::read_link(&path) {
            Ok(target) => Ok(Some(self.root.join(target))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("reading the snapshot link", path)(e)),
        }
    }

    /// Takes the import lock (`import.lock`), held while the returned file
    /// is open; [`Error::Busy`] while another process holds it.
    fn lock(&self) -> Result<File> {
        let path = self.root.join("import.lock");
        try_lock_file(&path)
            .map_err(Error::io("locking", &path))?
            .ok_or_else(|| Error::Busy(self.root.clone()))
    }

    /// Takes the import lock, clears what a crashed import left behind, and
    /// makes an empty staging directory.
    pub fn begin(&self) -> Result<Staging> {
        fs::create_dir_all(&self.root).map_err(Error::io("creating the data dir", &self.root))?;
        let lock = self.lock()?;
        let staging = self.staging();
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(Error::io("clearing", &staging))?;
        }
        self.collect_garbage()?;
        let id = new_snapshot_id();
        let path = staging.join(&id);
        fs::create_dir_all(&path).map_err(Error::io("creating", &path))?;
        Ok(Staging {
            id,
            path,
            _lock: lock,
        })
    }

    /// Makes a finished staging snapshot the live one.
    pub fn publish(&self, staging: Staging) -> Result<PathBuf> {
        sync_tree(&staging.path)?;
        let snapshots = self.snapshots();
        fs::create_dir_all(&snapshots).map_err(Error::io("creating", &snapshots))?;
        let target = snapshots.join(&staging.id);
        fs::rename(&staging.path, &target)
            .map_err(Error::io("moving the snapshot into", &target))?;
        sync_dir(&snapshots)?;
        sync_dir(&self.staging())?;
        let old = fs::read_link(self.root.join("current")).ok();
        if let Some(old) = old {
            self.swap_link("previous", &old)?;
        }
        self.swap_link(
            "current",
            Path::new("snapshots").join(&staging.id).as_path(),
        )?;
        self.collect_garbage()?;
        drop(staging);
        Ok(target)
    }

    /// Makes the previous snapshot live again, and the current one previous.
    pub fn rollback(&self) -> Result<PathBuf> {
        let _lock = self.lock()?;
        let previous = fs::read_link(self.root.join("previous"))
            .map_err(|_| Error::Invalid("there is no previous snapshot to roll back to".into()))?;
        if !self.root.join(&previous).join(SNAPSHOT_DB).exists() {
            return Err(Error::Invalid(format!(
                "the previous snapshot {} is gone",
                previous.display()
            )));
        }
        let current = fs::read_link(self.root.join("current")).ok();
        self.swap_link("current", &previous)?;
        if let Some(current) = current {
            self.swap_link("previous", &current)?;
        }
        Ok(self.root.join(previous))
    }

    /// Points `name` at `target` atomically: a new symlink renamed over it.
    fn swap_link(&self, name: &str, target: &Path) -> Result<()> {
        let tmp = self.root.join(format!(".{name}.tmp"));
        let _ = fs::remove_file(&tmp);
        std::os::unix::fs::symlink(target, &tmp).map_err(Error::io("creating the link", &tmp))?;
        let link = self.root.join(name);
        fs::rename(&tmp, &link).map_err(Error::io("swapping the link", &link))?;
        sync_dir(&self.root)
    }

    /// Removes snapshots that are neither current nor previous.
    fn collect_garbage(&self) -> Result<()> {
        let keep: Vec<PathBuf> = [self.current()?, self.previous()?]
            .into_iter()
            .flatten()
            .filter_map(|p| p.file_name().map(PathBuf::from))
            .collect();
        let snapshots = self.snapshots();
        let Ok(entries) = fs::read_dir(&snapshots) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let name = PathBuf::from(entry.file_name());
            if !keep.contains(&name) {
                fs::remove_dir_all(entry.path())
                    .map_err(Error::io("removing old snapshot", entry.path()))?;
            }
        }
        Ok(())
    }
}

/// `20261123T052233Z-3f9a`: sortable, unique enough for one data dir.
fn new_snapshot_id() -> String {
    let now = jiff::Timestamp::now();
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    format!(
        "{stamp}-{:04x}-{:x}",
        now.subsec_nanosecond() as u32 & 0xffff,
        std::process::id()
    )
}

fn sync_dir(path: &Path) -> Result<()> {
    match File::open(path) {
        Ok(dir) => dir.sync_all().map_err(Error::io("syncing", path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("opening", path)(e)),
    }
}

/// fsyncs every file and directory under `root`, so the rename that follows
/// publishes data that is already on disk.
fn sync_tree(root: &Path) -> Result<()> {
    for entry in fs::read_dir(root).map_err(Error::io("reading", root))? {
        let entry = entry.map_err(Error::io("reading", root))?;
        let path = entry.path();
        if entry
            .file_type()
            .map_err(Error::io("reading", &path))?
            .is_dir()
        {
            sync_tree(&path)?;
        } else {
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(Error::io("syncing", &path))?;
        }
    }
    sync_dir(root)
}
