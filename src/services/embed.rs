//! The e5 embedding model behind search by meaning, per `[embed]`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::bail;
use kiosk_core::assistant::intents::{IntentExamples, SecondOpinion};
use kiosk_embed::Embedder;

use crate::config::Config;

/// The manifest's e5 model, under the models dir's hub.
const MODEL_REPO: &str = "kiosk/multilingual-e5-small-q4";
const MODEL_FILE: &str = "e5-small-q4.bin";

/// The model file product vectors come from, per `[embed]`; `Err` says
/// why there is none (turned off, not fetched).
pub fn product_model(config: &Config) -> Result<PathBuf, String> {
    if !config.embed.enabled {
        return Err("turned off in [embed]".into());
    }
    match &config.embed.model {
        Some(path) if path.is_file() => Ok(path.clone()),
        Some(path) => Err(format!("no model file at {}", path.display())),
        None => default_model(config).map_err(|e| format!("{e:#}")),
    }
}

/// The embedding model for product vectors, loaded on `[embed] threads`
/// threads; `Err` says why the kiosk goes without (turned off, not
/// fetched, a corrupt file).
pub fn product_embedder(config: &Config) -> Result<Arc<Embedder>, String> {
    let path = product_model(config)?;
    Embedder::open_with_threads(&path, config.embed.threads)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

/// `<models_dir>/hub/models--kiosk--multilingual-e5-small-q4/snapshots/<ref>/e5-small-q4.bin`.
pub fn default_model(config: &Config) -> anyhow::Result<PathBuf> {
    let hub = config.llm_models().hub();
    match hub.file(MODEL_REPO, MODEL_FILE) {
        Some(path) => Ok(path),
        None => bail!(
            "{MODEL_FILE} of {MODEL_REPO} is not in {} (run scripts/fetch-models, or pass --model)",
            hub.root().display()
        ),
    }
}

/// The labelled example turns (`kiosk_core::assistant::intents`) embedded
/// with `embedder`, once: the second opinion on what a turn wants, where
/// the rules answered by their default. Only with the model: without it
/// the kiosk reads turns by rules alone.
pub fn intent_examples(embedder: Arc<Embedder>) -> anyhow::Result<IntentExamples> {
    let encoder = Arc::new(kiosk_catalog::snapshot::hybrid::QueryEncoder::new(embedder));
    IntentExamples::build(encoder)
        .map_err(|e| anyhow::anyhow!("embedding the intent examples: {e}"))
}

/// [`intent_examples`] with the `[embed]` model (`loaded`, when the
/// caller has it already), when `[embed]` is on and `[assistant]
/// understand_with_examples` too; `Err` says why not.
pub fn configured_intent_examples(
    config: &Config,
    loaded: Option<&Arc<Embedder>>,
) -> Result<IntentExamples, String> {
    if config.assistant.understand_with_examples == SecondOpinion::Off {
        return Err("turned off in [assistant]".into());
    }
    let embedder = match loaded {
        Some(embedder) => embedder.clone(),
        None => product_embedder(config)?,
    };
    intent_examples(embedder).map_err(|e| format!("{e:#}"))
}
