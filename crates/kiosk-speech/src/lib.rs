//! Speech input for the kiosk: what a shopper says becomes text, on the box,
//! with no network.
//!
//! - [`convert`] turns the CTranslate2 (faster-whisper) Whisper models we can
//!   get from the package registries into whisper.cpp's ggml format.
//! - [`engine`] runs those models through whisper-rs and implements
//!   [`kiosk_core::Transcriber`], dropping what Whisper makes up on silence.
//! - [`audio`] reads WAV files of any format and resamples to 16 kHz mono.
//! - [`capture`] records from the microphone (or a WAV standing in for it)
//!   through one pipeline, and [`endpoint`] decides when an utterance ends.
//! - [`models`] finds model files in the hf-hub cache layout, offline.
//! - [`prompt`] builds Whisper's initial prompt from the store's words.
//! - [`names`] reads a misheard store name in a transcript as the name.
//! - [`numbers`] writes spoken sizes and prices in digits.
//!
//! Error rates and the faster-whisper peer of `kiosk bench asr` are in the
//! kiosk-bench crate.

pub mod audio;
pub mod capture;
pub mod convert;
pub mod endpoint;
pub mod engine;
mod error;
pub mod filter;
pub mod models;
pub mod names;
pub mod numbers;
pub mod prompt;

pub use capture::{CaptureError, CaptureOptions, EndReason, Recording, Utterance};
pub use engine::{EngineOptions, Transcription, WhisperEngine, Window};
pub use error::{Error, Result};
pub use models::{Hub, ModelKind};
