//! The e5 embedding model behind search by meaning, per `[embed]`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use kiosk_catalog::vectors::cache::QueryVectorCache;
use kiosk_core::assistant::intents::{self, IntentExamples, SecondOpinion};
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

/// The e5 model at `model` (a command's `--model`), else `[embed] model`,
/// else the models dir's, loaded on `[embed] threads` threads whether or
/// not `[embed] enabled` is on: for the commands that ask for it by a flag
/// (`bundle create --vectors`, the benchmarks).
pub fn open_embedder(config: &Config, model: Option<&Path>) -> anyhow::Result<Arc<Embedder>> {
    let model = match model.or(config.embed.model.as_deref()) {
        Some(path) => path.to_path_buf(),
        None => default_model(config)?,
    };
    let embedder = Embedder::open_with_threads(&model, config.embed.threads)
        .with_context(|| format!("loading the embedding model {}", model.display()))?;
    Ok(Arc::new(embedder))
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
/// with `embedder`: the second opinion on what a turn wants, where the
/// rules answered by their default. Only with the model: without it the
/// kiosk reads turns by rules alone. With `cache` (the data dir's
/// `vector_cache.sqlite`) the vectors are read from there and only the
/// examples it lacks (all of them the first time, or after the model or
/// the set changed) are embedded; a cache that cannot be opened or
/// written is logged and the examples are embedded without it.
pub fn intent_examples(
    embedder: Arc<Embedder>,
    cache: Option<&Path>,
) -> anyhow::Result<IntentExamples> {
    let encoder = Arc::new(kiosk_catalog::snapshot::hybrid::QueryEncoder::new(
        embedder.clone(),
    ));
    let cached = cache.and_then(|path| {
        let examples = intents::examples();
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        let read = QueryVectorCache::open(path)
            .and_then(|cache| cache.query_vectors(&embedder, &texts))
            .inspect_err(|e| tracing::warn!("intent example vectors not cached: {e}"))
            .ok()?;
        Some((examples, read))
    });
    let built = match cached {
        Some((examples, (vectors, counts))) => {
            tracing::info!(
                "intent examples: {} embedded, {} from the vector cache",
                counts.embedded,
                counts.cached
            );
            IntentExamples::from_vectors(encoder, &examples, vectors, intents::DEFAULT_K)
        }
        None => IntentExamples::build(encoder),
    };
    built.map_err(|e| anyhow::anyhow!("embedding the intent examples: {e}"))
}

/// [`intent_examples`] with the `[embed]` model (`loaded`, when the
/// caller has it already) and `cache`, when `[embed]` is on and `[assistant]
/// understand_with_examples` too; `Err` says why not.
pub fn configured_intent_examples(
    config: &Config,
    loaded: Option<&Arc<Embedder>>,
    cache: Option<&Path>,
) -> Result<IntentExamples, String> {
    if config.assistant.understand_with_examples == SecondOpinion::Off {
        return Err("turned off in [assistant]".into());
    }
    let embedder = match loaded {
        Some(embedder) => embedder.clone(),
        None => product_embedder(config)?,
    };
    intent_examples(embedder, cache).map_err(|e| format!("{e:#}"))
}
