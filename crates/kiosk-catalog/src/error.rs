//! The catalog crate's error type. Every variant says where the problem is
//! (file and line, snapshot path) and what was expected.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file was rejected as a whole; nothing was published.
    #[error("{file}:{line}{}: {message}", column.map(|c| format!(":{c}")).unwrap_or_default())]
    Input {
        file: String,
        line: u64,
        column: Option<usize>,
        message: String,
    },
    #[error("{context} {}: {source}", path.display())]
    Io {
        context: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("sqlite, {context}: {source}")]
    Sqlite {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("search index, {context}: {source}")]
    Index {
        context: String,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("no snapshot in {}: run `kiosk import --from PATH --data-dir {}` first", .0.display(), .0.display())]
    NoSnapshot(PathBuf),
    #[error("snapshot {} is damaged: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("{0}")]
    Limit(String),
    #[error("another import or sync is running in {} (lock held on {})", .0.display(), .0.join("import.lock").display())]
    Busy(PathBuf),
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub fn io(
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

    pub fn sqlite(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> Error {
        let context = context.into();
        move |source| Error::Sqlite { context, source }
    }

    pub fn index(context: impl Into<String>) -> impl FnOnce(tantivy::TantivyError) -> Error {
        let context = context.into();
        move |source| Error::Index { context, source }
    }
}
