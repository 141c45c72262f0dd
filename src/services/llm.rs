//! The language model behind the assistant, per `[llm]`.

use std::time::Duration;

use anyhow::Context;
use kiosk_llm::engine::{Engine, EngineConfig};
use kiosk_llm::generator::{GeneratorSettings, LlmGenerator};
use kiosk_llm::models::locate;

use crate::config::Config;

/// The configured model behind the assistant's `Generator`, with its
/// prompt prefixes computed. `Err` says why the kiosk runs on its templates
/// (for the UI status).
pub fn load_generator(config: &Config) -> anyhow::Result<LlmGenerator> {
    if !config.llm.enabled {
        anyhow::bail!("the local model is turned off ([llm] enabled = false)");
    }
    let path = locate(&config.llm_models(), config.llm.model, false)?;
    let engine = Engine::load(&EngineConfig {
        model_path: path.clone(),
        threads: config.llm.threads,
        context_length: config.llm.context_length,
    })
    .with_context(|| format!("loading {}", path.display()))?;
    Ok(LlmGenerator::new(engine, generator_settings(config))?)
}

pub fn generator_settings(config: &Config) -> GeneratorSettings {
    GeneratorSettings {
        max_new_tokens: config.llm.max_new_tokens,
        phrase_budget: Duration::from_millis(config.llm.time_budget_ms),
        choose_budget: Duration::from_millis(config.llm.choose_budget_ms),
    }
}
