//! The kiosk's local language model.
//!
//! A small quantized LLM (Gemma 3 270M by default, SmolLM2-135M as the
//! small English-only option) runs on the kiosk's CPU with no network. It
//! has two jobs: choose among known meanings when the rules are unsure, and
//! phrase grounded answers in the shopper's language. It is never trusted
//! with a fact: [`LlmGenerator`] implements `kiosk_core`'s `Generator`, and
//! every answer it writes is checked by the core's grounding verifier.
//!
//! The pieces, bottom up:
//! - [`gguf`] reads GGUF files (via candle's reader) and checks they are
//!   whole; [`models`] resolves, verifies and fetches the model files named
//!   in `models/manifest.toml`.
//! - [`kernels`] holds our quantized matrix kernels (block-32 formats, AVX2)
//!   and [`pool`] the spinning thread pool they run on.
//! - [`model`] is our own forward pass for Gemma 3 and Llama (SmolLM2), with
//!   a KV cache that respects Gemma's sliding window.
//! - [`tokenizer`] builds a `tokenizers::Tokenizer` from GGUF metadata, and
//!   [`template`] writes each model's chat format.
//! - [`engine`] loads a model, keeps the prompt-prefix caches, and runs
//!   streaming generation and scoring under token and time budgets, with
//!   cancellation.
//! - [`generator`] is the `Generator` implementation: the prompts for
//!   `choose` and `phrase`.
//!
//! `kiosk bench llm`'s measurements are in the kiosk-bench crate.

pub mod engine;
mod error;
pub mod generator;
pub mod gguf;
pub mod kernels;
pub mod model;
pub mod models;
pub mod pool;
pub mod template;
#[cfg(test)]
mod testutil;
pub mod tokenizer;

pub use engine::{
    CancelToken, Engine, EngineConfig, GenerateOptions, Generation, Sampling, StopReason,
};
pub use error::{Error, Result};
pub use generator::LlmGenerator;
pub use models::{ModelKind, ModelStatus};
