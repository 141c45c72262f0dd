//! Where the Whisper models live: an hf-hub cache directory
//! (`models--<org>--<name>/refs/main` names a snapshot,
//! `snapshots/<rev>/<file>` holds the files), resolved offline with plain
//! path logic. Nothing here touches the network.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The Whisper models the kiosk ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModelKind {
    /// Whisper tiny, English only: fastest.
    #[serde(rename = "tiny.en")]
    TinyEn,
    /// Whisper base, multilingual: the kiosk's default.
    #[serde(rename = "base")]
    Base,
}

impl ModelKind {
    pub const ALL: [ModelKind; 2] = [ModelKind::TinyEn, ModelKind::Base];

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::TinyEn => "tiny.en",
            ModelKind::Base => "base",
        }
    }

    /// The hub repo of the converted (ggml) model.
    pub fn ggml_repo(self) -> &'static str {
        match self {
            ModelKind::TinyEn => "kiosk/whisper-tiny.en-ggml",
            ModelKind::Base => "kiosk/whisper-base-ggml",
        }
    }

    /// The ggml file in [`ggml_repo`](Self::ggml_repo).
    pub fn ggml_file(self) -> &'static str {
        match self {
            ModelKind::TinyEn => "ggml-tiny.en.bin",
            ModelKind::Base => "ggml-base.bin",
        }
    }

    /// The hub repo of the CTranslate2 model it is converted from.
    pub fn ct2_repo(self) -> &'static str {
        match self {
            ModelKind::TinyEn => "kiosk/whisper-tiny.en-ct2",
            ModelKind::Base => "kiosk/whisper-base-ct2",
        }
    }

    pub fn is_multilingual(self) -> bool {
        self == ModelKind::Base
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ModelKind {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tiny.en" | "tiny-en" | "tiny" => Ok(ModelKind::TinyEn),
            "base" => Ok(ModelKind::Base),
            _ => Err(format!(
                "unknown Whisper model {s:?}: expected tiny.en or base"
            )),
        }
    }
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

    /// The path of `file` in `repo`, or an error saying how to get it.
    pub fn resolve(&self, repo: &str, file: &str) -> Result<PathBuf> {
        let path = self.snapshot_dir(repo).map(|d| d.join(file));
        match path {
            Some(p) if p.is_file() => Ok(p),
            _ => Err(Error::MissingModel {
                message: format!(
                    "{file} of {repo} is not in {} (run scripts/fetch-models, then `kiosk models convert-whisper`)",
                    self.root.display()
                ),
            }),
        }
    }

    /// The converted ggml file of a model.
    pub fn ggml_model(&self, kind: ModelKind) -> Result<PathBuf> {
        self.resolve(kind.ggml_repo(), kind.ggml_file())
    }

    /// Where a file of `repo` is published under `revision` (the directory
    /// is created; the ref is written by [`publish_ref`](Self::publish_ref)).
    pub fn snapshot_path(&self, repo: &str, revision: &str, file: &str) -> Result<PathBuf> {
        let dir = self.repo_dir(repo).join("snapshots").join(revision);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(dir.join(file))
    }

    /// Points `refs/main` of `repo` at `revision`. hf-hub reads the ref
    /// without trimming, so no trailing newline.
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

#[cfg(test)]
mod tests;
