//! The sync crate's errors. A [`Rejection`] is a bundle refused on its
//! merits (signature, store, version, expiry, damage): nothing is published
//! and the current snapshot stays live. Every other [`Error`] is a failure to
//! get that far (a stick pulled, a server down, a full disk), also leaving
//! the current snapshot live.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bundle was refused; nothing was published.
    #[error("bundle rejected: {0}")]
    Rejected(Rejection),
    /// Reading the bundle from its source broke off: a stick pulled, a
    /// connection dropped or timed out, a server error. `retryable` says
    /// whether trying again may help.
    #[error("reading {location}: {message}")]
    Source {
        location: String,
        message: String,
        retryable: bool,
    },
    /// A local file could not be read or written. (The cause is in the
    /// message rather than `source()`, so it is printed once.)
    #[error("{context} {}: {cause}", path.display())]
    Io {
        context: &'static str,
        path: PathBuf,
        cause: std::io::Error,
    },
    /// A key file is missing, damaged, or would be overwritten.
    #[error("{0}")]
    Key(String),
    /// Nothing to sync from: no bundle at the source.
    #[error("no bundle found: {0}")]
    NoBundle(String),
    /// The import of a verified bundle failed (or the data dir is busy), or
    /// the kiosk's own records (`local.sqlite`) could not be read or updated.
    #[error(transparent)]
    Catalog(#[from] kiosk_catalog::Error),
    /// Sending waitlist requests or analytics failed; they stay queued and
    /// go with the next sync.
    #[error("upload to {destination}: {message}")]
    Upload {
        destination: String,
        message: String,
    },
    #[error("another sync is running in {} (lock held on {})", .0.display(), .0.join(crate::SYNC_LOCK).display())]
    Busy(PathBuf),
    /// A bad argument or setting.
    #[error("{0}")]
    Invalid(String),
}

/// Why a bundle was refused. Each message names what was found and what
/// was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("not a kiosk bundle: {0}")]
    NotABundle(String),
    #[error(
        "the bundle is not signed: expected {} right after {}",
        crate::bundle::SIGNATURE,
        crate::bundle::MANIFEST
    )]
    Unsigned,
    #[error(
        "no trusted keys: add the back office's public key to [sync] trusted_keys in kiosk.toml, or pass --trust KEY"
    )]
    NoTrustedKeys,
    #[error(
        "signed with key {key_id}, which this kiosk does not trust (trusted: {}); add it to [sync] trusted_keys or pass --trust",
        trusted.join(", ")
    )]
    UntrustedKey {
        key_id: String,
        trusted: Vec<String>,
    },
    #[error(
        "the signature does not match the manifest for trusted key {key_id} ({reason}): the bundle was altered after signing"
    )]
    BadSignature { key_id: String, reason: String },
    #[error("the signed manifest is invalid: {0}")]
    BadManifest(String),
    #[error(
        "{file} does not match the signed manifest: sha256 {found}, expected {expected} (altered or damaged)"
    )]
    Tampered {
        file: String,
        expected: String,
        found: String,
    },
    #[error("{file} is {found} bytes in the bundle, the signed manifest says {expected}")]
    SizeMismatch {
        file: String,
        expected: u64,
        found: u64,
    },
    #[error("the bundle is truncated: {0}")]
    Truncated(String),
    #[error("{0} is in the bundle but not in the signed manifest")]
    UnexpectedFile(String),
    #[error("the bundle is for store {found:?}, this kiosk serves store {expected:?}")]
    WrongStore { expected: String, found: String },
    #[error(
        "the bundle is version {version}, older than version {installed} already accepted (a rollback attempt, or an old stick)"
    )]
    Older { version: u64, installed: u64 },
    #[error("the bundle expired at {expires} (the kiosk's clock says {now}): make a new bundle")]
    Expired {
        expires: jiff::Timestamp,
        now: jiff::Timestamp,
    },
    #[error(
        "the bundle was made at {created}, more than {max_age_hours} h before the kiosk's clock ({now}); [sync] max_bundle_age_hours refuses older data (a withheld update, or an old stick): make a new bundle"
    )]
    TooOld {
        created: jiff::Timestamp,
        max_age_hours: i64,
        now: jiff::Timestamp,
    },
    #[error("no acceptable bundle in {folder}: {reasons}")]
    NoneAcceptable { folder: String, reasons: String },
}

impl From<Rejection> for Error {
    fn from(rejection: Rejection) -> Error {
        Error::Rejected(rejection)
    }
}

impl Error {
    pub fn io(
        context: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |cause| Error::Io {
            context,
            path,
            cause,
        }
    }

    /// True when the bundle itself was refused (or its payload was refused
    /// by the importer): the same bundle will be refused again.
    pub fn is_rejection(&self) -> bool {
        matches!(
            self,
            Error::Rejected(_)
                | Error::Catalog(
                    kiosk_catalog::Error::Input { .. }
                        | kiosk_catalog::Error::Limit(_)
                        | kiosk_catalog::Error::Invalid(_)
                )
        )
    }

    /// True when another sync or import holds the data dir.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            Error::Busy(_) | Error::Catalog(kiosk_catalog::Error::Busy(_))
        )
    }

    /// True when trying again later may succeed (a dropped connection, a
    /// timeout, a server error).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Source {
                retryable: true,
                ..
            }
        )
    }
}
