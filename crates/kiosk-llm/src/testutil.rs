//! Shared by the unit tests: the real model files. A missing model fails
//! the test with a message saying how to get it; it is never skipped.

use std::path::{Path, PathBuf};

use crate::engine::{Engine, EngineConfig};
use kiosk_models::ModelStore;

use crate::models::{ModelKind, locate};

/// `$KIOSK_MODELS` when set (as the test runner sets it), else the
/// repository's models dir.
pub fn models_dir() -> ModelStore {
    match std::env::var_os("KIOSK_MODELS") {
        Some(dir) if !dir.is_empty() => ModelStore::new(dir),
        _ => ModelStore::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models")),
    }
}

/// The model file, checked against the manifest's size.
pub fn model_path(kind: ModelKind) -> PathBuf {
    match locate(&models_dir(), kind, false) {
        Ok(p) => p,
        Err(e) => panic!(
            "the {kind} model is needed for this test and is not usable: {e}\n\
             run scripts/fetch-models (or set KIOSK_MODELS to a models dir holding hub/)"
        ),
    }
}

pub fn engine(kind: ModelKind, threads: usize) -> Engine {
    Engine::load(&EngineConfig {
        model_path: model_path(kind),
        threads,
        context_length: 2048,
    })
    .unwrap_or_else(|e| panic!("loading the {kind} model: {e}"))
}
