//! The staff crate's error type. Each variant says what failed and where
//! (the file, the console's address, the SQLite step), so a message read on
//! a kiosk's log is enough to act on.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{context} {}: {source}", path.display())]
    Io {
        context: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A SQLite step failed (the console's calls, the kiosk's outbox, the
    /// analytics read).
    #[error("sqlite, {context}: {source}")]
    Sqlite {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    /// The kiosk's `local.sqlite` (the call outbox, the analytics) could
    /// not be opened, read or written.
    #[error("local store: {0}")]
    Local(#[from] kiosk_catalog::Error),
    /// The store key is missing or unusable.
    #[error("store key: {0}")]
    Key(String),
    /// The console could not listen on the address it was given.
    #[error("staff console cannot listen on {addr}: {message}")]
    Listen { addr: String, message: String },
    /// The console could not be reached (connection refused, timeout, a
    /// broken reply, or a server error): worth retrying.
    #[error("staff console {url} unreachable: {message}")]
    Unreachable { url: String, message: String },
    /// The console refused this kiosk's authentication (401/403): the store
    /// key differs, or the clock is far off.
    #[error("staff console {url} refused the request ({status}): {message}")]
    Refused {
        url: String,
        status: u16,
        message: String,
    },
    /// The console rejected the request itself (another 4xx): retrying the
    /// same request will not help.
    #[error("staff console {url} rejected the request ({status}): {message}")]
    Rejected {
        url: String,
        status: u16,
        message: String,
    },
    /// The console's certificate or TLS settings are unusable.
    #[error("TLS: {0}")]
    Tls(String),
    /// Data that should have been JSON of a known shape was not.
    #[error("{context}: {source}")]
    Json {
        context: String,
        #[source]
        source: serde_json::Error,
    },
    /// A value given by the caller or the config is not usable.
    #[error("{0}")]
    Invalid(String),
    /// The link to the console was shut down.
    #[error("the staff link has been shut down")]
    Closed,
}

impl Error {
    pub(crate) fn io(
        context: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            context,
            path,
            source,
        }
    }

    pub(crate) fn sqlite(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> Error {
        let context = context.into();
        move |source| Error::Sqlite { context, source }
    }

    pub(crate) fn json(context: impl Into<String>) -> impl FnOnce(serde_json::Error) -> Error {
        let context = context.into();
        move |source| Error::Json { context, source }
    }

    /// Whether trying the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Unreachable { .. } | Error::Refused { .. })
    }
}
