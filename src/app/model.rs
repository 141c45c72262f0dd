//! The language model behind the assistant. It loads on its own thread once
//! the window is up (the kiosk answers from its templates meanwhile, and for
//! good when there is no model); the assistant worker picks it up on the
//! next turn, and the UI thread can stop a generation or wipe the model's
//! working memory without waiting for the worker.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use kiosk_llm::generator::LlmGenerator;

use super::events::{Event, post};
use crate::config::Config;

/// The model once loaded, and a line saying where it stands.
#[derive(Debug, Default)]
pub struct ModelSlot {
    generator: OnceLock<LlmGenerator>,
    status: Mutex<String>,
}

impl ModelSlot {
    /// Starts loading the configured model on a background thread; the
    /// status area follows (loading, ready, or why the kiosk runs without).
    pub fn load_in_background(config: &Config) -> Arc<ModelSlot> {
        let slot = Arc::new(ModelSlot::default());
        if !config.llm.enabled {
            slot.set_status("Language model: turned off; answers use templates".into());
            return slot;
        }
        slot.set_status(format!("Language model: loading {}…", config.llm.model));
        let config = config.clone();
        let loading = slot.clone();
        let spawned = std::thread::Builder::new()
            .name("model-load".into())
            .spawn(move || {
                let started = std::time::Instant::now();
                let status = match crate::services::llm::load_generator(&config) {
                    Ok(generator) => {
                        tracing::info!(
                            model = %config.llm.model,
                            ms = started.elapsed().as_millis() as u64,
                            "language model loaded"
                        );
                        let _ = loading.generator.set(generator);
                        format!("Language model: {} ready", config.llm.model)
                    }
                    Err(e) => {
                        tracing::error!(model = %config.llm.model, "language model not loaded: {e:#}");
                        format!("Language model unavailable ({e:#}); answers use templates")
                    }
                };
                loading.set_status(status.clone());
                post(Event::Status(status));
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the model-loading thread: {e}");
            slot.set_status(format!(
                "Language model unavailable ({e}); answers use templates"
            ));
        }
        slot
    }

    /// The model, once it has loaded.
    pub fn generator(&self) -> Option<&LlmGenerator> {
        self.generator.get()
    }

    pub fn status(&self) -> String {
        self.status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_status(&self, text: String) {
        *self.status.lock().unwrap_or_else(PoisonError::into_inner) = text;
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
