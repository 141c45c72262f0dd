//! The crate's error type. Every message names the file (or model) and what
//! was expected, so `kiosk doctor` and the UI status can show it as is.

use std::path::PathBuf;

/// What went wrong with the local model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model file is not where the manifest and config say.
    #[error("model file {path} is missing: run `kiosk models fetch` (or scripts/fetch-models)")]
    Missing { path: PathBuf },
    /// The file's size or hash differs from `models/manifest.toml`.
    #[error("model file {path}: {what}; run `kiosk models fetch` to replace it")]
    Mismatch { path: PathBuf, what: String },
    /// The file is not a GGUF file we can read, is cut short, or lacks
    /// something the model needs.
    #[error("model file {path} is not a usable GGUF model: {what}")]
    Corrupt { path: PathBuf, what: String },
    /// The GGUF file holds an architecture or tokenizer we do not run.
    #[error("model file {path}: unsupported {what}")]
    Unsupported { path: PathBuf, what: String },
    /// The tokenizer could not be built or could not encode/decode.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// A prompt longer than the model's context.
    #[error("the prompt has {n_tokens} tokens but the context holds {context_length}")]
    ContextFull {
        n_tokens: usize,
        context_length: usize,
    },
    /// `models/manifest.toml` could not be read or has no such entry.
    #[error("models manifest {path}: {what}")]
    Manifest { path: PathBuf, what: String },
    /// Fetching a model failed.
    #[error("fetching models: {0}")]
    Fetch(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl From<kiosk_models::Error> for Error {
    fn from(e: kiosk_models::Error) -> Error {
        match e {
            kiosk_models::Error::Missing { path } => Error::Missing { path },
            kiosk_models::Error::Mismatch { path, what } => Error::Mismatch { path, what },
            kiosk_models::Error::Manifest { path, what } => Error::Manifest { path, what },
            kiosk_models::Error::Fetch { what } => Error::Fetch(what),
            kiosk_models::Error::Io { path, source } => Error::Io {
                context: path.display().to_string(),
                source,
            },
        }
    }
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
