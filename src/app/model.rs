//! The language model behind the assistant. It loads on its own thread once
//! the window is up (the kiosk answers from its templates meanwhile, and for
//! good when there is no model); the assistant worker picks it up on the
//! next turn, and the UI thread can stop a generation or wipe the model's
//! working memory without waiting for the worker.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use kiosk_llm::generator::LlmGenerator;

use super::events::{Event, post};
use crate::config::Config;

/// The model once loaded, and where it stands.
#[derive(Debug, Default)]
pub struct ModelSlot {
    generator: OnceLock<LlmGenerator>,
    facts: Mutex<ModelFacts>,
}

/// Where the language model stands, for the staff panel, which words it in
/// the screen's language (`model-line` in ui/views/staff.slint), and for
/// the status line ([`ModelFacts::status_line`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelFacts {
    pub state: ModelState,
    /// The configured model.
    pub name: String,
    /// Why it is unavailable.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ModelState {
    /// `[llm] enabled = false`.
    #[default]
    Off,
    Loading,
    Ready,
    Unavailable,
}

impl ModelState {
    pub const ALL: [ModelState; 4] = [
        ModelState::Off,
        ModelState::Loading,
        ModelState::Ready,
        ModelState::Unavailable,
    ];

    /// The name the UI words it by.
    pub fn key(self) -> &'static str {
        match self {
            ModelState::Off => "off",
            ModelState::Loading => "loading",
            ModelState::Ready => "ready",
            ModelState::Unavailable => "unavailable",
        }
    }
}

impl ModelFacts {
    fn new(state: ModelState, name: &impl std::fmt::Display, detail: String) -> ModelFacts {
        ModelFacts {
            state,
            name: name.to_string(),
            detail,
        }
    }

    /// The status line's (English) words for it.
    pub fn status_line(&self) -> String {
        match self.state {
            ModelState::Off => "Language model: turned off; answers use templates".into(),
            ModelState::Loading => format!("Language model: loading {}…", self.name),
            ModelState::Ready => format!("Language model: {} ready", self.name),
            ModelState::Unavailable => format!(
                "Language model unavailable ({}); answers use templates",
                self.detail
            ),
        }
    }
}

impl ModelSlot {
    /// Starts loading the configured model on a background thread; the
    /// status area follows (loading, ready, or why the kiosk runs without).
    pub fn load_in_background(config: &Config) -> Arc<ModelSlot> {
        let slot = Arc::new(ModelSlot::default());
        if !config.llm.enabled {
            slot.set_facts(ModelFacts::new(
                ModelState::Off,
                &config.llm.model,
                String::new(),
            ));
            return slot;
        }
        slot.set_facts(ModelFacts::new(
            ModelState::Loading,
            &config.llm.model,
            String::new(),
        ));
        let model = config.llm.model;
        let config = config.clone();
        let loading = slot.clone();
        let spawned = std::thread::Builder::new()
            .name("model-load".into())
            .spawn(move || {
                let started = std::time::Instant::now();
                let facts = match crate::services::llm::load_generator(&config) {
                    Ok(generator) => {
                        tracing::info!(
                            model = %config.llm.model,
                            ms = started.elapsed().as_millis() as u64,
                            "language model loaded"
                        );
                        let _ = loading.generator.set(generator);
                        ModelFacts::new(ModelState::Ready, &config.llm.model, String::new())
                    }
                    Err(e) => {
                        tracing::error!(model = %config.llm.model, "language model not loaded: {e:#}");
                        ModelFacts::new(ModelState::Unavailable, &config.llm.model, format!("{e:#}"))
                    }
                };
                let status = facts.status_line();
                loading.set_facts(facts);
                post(Event::Status(status));
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the model-loading thread: {e}");
            slot.set_facts(ModelFacts::new(
                ModelState::Unavailable,
                &model,
                e.to_string(),
            ));
        }
        slot
    }

    /// The model, once it has loaded.
    pub fn generator(&self) -> Option<&LlmGenerator> {
        self.generator.get()
    }

    pub fn facts(&self) -> ModelFacts {
        self.facts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The status line's words for where the model stands.
    pub fn status(&self) -> String {
        self.facts().status_line()
    }

    fn set_facts(&self, facts: ModelFacts) {
        *self.facts.lock().unwrap_or_else(PoisonError::into_inner) = facts;
    }

    /// Stops the answer being written (the shopper asked something new).
    pub fn cancel(&self) {
        if let Some(g) = self.generator() {
            g.cancel();
        }
    }

    /// Stops any generation and zeroes what the session left in the model's
    /// working memory.
    pub fn forget(&self) {
        if let Some(g) = self.generator() {
            g.forget();
        }
    }
}
