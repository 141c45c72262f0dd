//! The crate's error type. Every message names the file and what was wrong
//! with it, so whoever reads it knows which file to replace.

use std::path::{Path, PathBuf};

/// What kind of thing went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The model file could not be read at all (missing, unreadable).
    Io,
    /// The model file is not a usable `E5S1` model: truncated, corrupt, or
    /// of a shape the encoder does not run.
    Model,
    /// The embedder's own worker threads could not be started.
    Threads,
}

/// An error with its kind, the file it concerns and a lowercase message.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct Error {
    kind: ErrorKind,
    path: PathBuf,
    message: String,
    #[source]
    source: Option<std::io::Error>,
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io,
            path: path.to_path_buf(),
            message: format!("cannot read the model file: {source}"),
            source: Some(source),
        }
    }

    pub(crate) fn model(path: &Path, message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Model,
            path: path.to_path_buf(),
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn threads(path: &Path, message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Threads,
            path: path.to_path_buf(),
            message: message.into(),
            source: None,
        }
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file the error concerns.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
