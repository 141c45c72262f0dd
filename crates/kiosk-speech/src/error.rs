//! The crate's error type. Every message names the file (or device) and what
//! was expected, so whoever reads it knows what to fix.

use std::path::PathBuf;

/// What went wrong, by kind.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A model file (CTranslate2 input or ggml output) is not what it must
    /// be: truncated, corrupt, or of an unexpected layout.
    #[error("{}: {message}", path.display())]
    Model { path: PathBuf, message: String },
    /// A model the kiosk expects is not in the models dir.
    #[error("{message}")]
    MissingModel { message: String },
    /// An audio file that cannot be read as audio.
    #[error("{}: {message}", path.display())]
    Audio { path: PathBuf, message: String },
    /// Resampling failed (bad rate, resampler error).
    #[error("resampling: {0}")]
    Resample(String),
    /// A language the model cannot transcribe, or an unknown code.
    #[error("{0}")]
    Language(String),
    /// whisper.cpp failed while transcribing.
    #[error("whisper: {0}")]
    Whisper(String),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn model(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Model {
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn audio(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Audio {
            path: path.into(),
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
