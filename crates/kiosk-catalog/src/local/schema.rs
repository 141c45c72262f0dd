//! The schema of `local.sqlite`, every table of it, as a ladder of
//! migrations numbered by `PRAGMA user_version`. This is the only place
//! that creates or alters a table in the file: the staff call outbox, the
//! sync's upload log and the analytics export log are tables here too, and
//! the crates that use them go through [`LocalStore`](super::LocalStore)'s
//! typed accessors.
//!
//! A step is applied once, in order, inside one immediate transaction (so
//! two processes opening the same old file do not both migrate it). Steps
//! are written to accept the files older kiosks left behind: version 0
//! covers both a new file and one made before consent was recorded, and
//! version 1 files may already hold the tables other crates used to create
//! on their own.

use std::path::Path;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

/// One step: what it brings, and the SQL that brings a file at the version
/// before it up to its own.
struct Step {
    to: i64,
    what: &'static str,
    apply: fn(&Transaction) -> rusqlite::Result<()>,
}

const STEPS: [Step; 2] = [
    Step {
        to: 1,
        what: "the shopper records with their consent columns",
        apply: v1_records,
    },
    Step {
        to: 2,
        what: "the staff call outbox, the upload log and the analytics export log",
        apply: v2_shared_tables,
    },
];

/// The schema version this kiosk writes; [`migrate`] brings an older file
/// up to it.
pub const SCHEMA_VERSION: i64 = STEPS[STEPS.len() - 1].to;

/// Brings the file at `path` up to [`SCHEMA_VERSION`]. A file from a newer
/// kiosk is refused rather than written in a shape it does not expect.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version = user_version(conn, path)?;
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    check_known(version, path)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(Error::sqlite(format!("migrating {}", path.display())))?;
    // Read again under the write lock: another process may have migrated
    // the file in the meantime.
    let version = user_version(&tx, path)?;
    check_known(version, path)?;
    for step in STEPS.iter().filter(|s| s.to > version) {
        (step.apply)(&tx).map_err(Error::sqlite(format!(
            "migrating {} to version {} ({})",
            path.display(),
            step.to,
            step.what
        )))?;
    }
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
        .map_err(Error::sqlite("recording the schema version"))?;
    tx.commit()
        .map_err(Error::sqlite("committing the schema migration"))
}

fn user_version(conn: &Connection, path: &Path) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(Error::sqlite(format!(
            "reading the schema version of {}",
            path.display()
        )))
}

fn check_known(version: i64, path: &Path) -> Result<()> {
    if (0..=SCHEMA_VERSION).contains(&version) {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "{} has schema version {version}, newer than this kiosk's {SCHEMA_VERSION}: \
         expected a file made by this version of the kiosk or an older one",
        path.display()
    )))
}

/// The consent record kept with each contact since version 1: the question
/// word for word, its language, the shopper's words before and after it,
/// and when it was shown and answered. Rows from before version 1 have
/// empty values here (their `consent` column says what was recorded then).
const CONSENT_COLUMNS: [&str; 6] = [
    "consent_requested",
    "consent_shown",
    "consent_language",
    "consent_shown_at",
    "consent_answer",
    "consent_at",
];

/// Version 1: anonymous per-turn analytics (`events`), back-in-stock
/// requests (`waitlist`) and end-of-session thumbs (`feedback`). A file
/// from before version 1 may already hold these tables without the consent
/// columns; they are added.
fn v1_records(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    session TEXT NOT NULL,
    intent TEXT NOT NULL,
    resolved INTEGER NOT NULL,
    escalated INTEGER NOT NULL,
    reason TEXT,
    language TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    text TEXT NOT NULL,
    lost_demand TEXT NOT NULL,
    n_products INTEGER NOT NULL,
    exported INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS waitlist (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    product_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    title TEXT NOT NULL,
    options TEXT NOT NULL,
    contact TEXT NOT NULL,
    language TEXT NOT NULL,
    consent TEXT NOT NULL,
    exported INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    session TEXT NOT NULL,
    up INTEGER NOT NULL,
    exported INTEGER NOT NULL DEFAULT 0
);
",
    )?;
    let existing: Vec<String> = tx
        .prepare("SELECT name FROM pragma_table_info('waitlist')")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for column in CONSENT_COLUMNS {
        if !existing.iter().any(|c| c == column) {
            tx.execute_batch(&format!(
                "ALTER TABLE waitlist ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
            ))?;
        }
    }
    Ok(())
}

/// Version 2: the tables kiosk-staff and kiosk-sync used to create on
/// their own in version 1 files, now made here in the same shape (so a
/// version 1 file that already has them keeps them and their rows):
/// - `staff_calls`, the staff call outbox (see `calls.rs`);
/// - `analytics_exports`, the days whose analytics CSV went out;
/// - `sync_uploads` and `sync_identity`, the upload log and the kiosk's id
///   in uploads (see `uploads.rs`).
fn v2_shared_tables(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "
CREATE TABLE IF NOT EXISTS staff_calls (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    language TEXT NOT NULL,
    call TEXT NOT NULL,
    status TEXT NOT NULL,
    by TEXT NOT NULL DEFAULT '',
    status_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_ms INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    cancel INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS staff_calls_by_status ON staff_calls (status);
CREATE TABLE IF NOT EXISTS analytics_exports (
    day TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_uploads (
    upload_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    n_rows INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    destination TEXT
);
CREATE TABLE IF NOT EXISTS sync_identity (key TEXT PRIMARY KEY, value TEXT NOT NULL);
",
    )
}
