//! The kiosk's own records, beside the snapshots in the data dir
//! (`local.sqlite`): back-in-stock requests made with the shopper's consent,
//! anonymous per-turn analytics, and the end-of-session thumbs up or down
//! (`feedback`, for the CSAT figure). A sync never replaces this file; it
//! exports what is new and marks it exported.
//!
//! The file is created 0600: it holds shoppers' contacts. Nothing in it is
//! kept for ever: `purge` applies the `Retention` policy (contacts until the
//! item is back in stock and sent on, or N days; analytics text N days;
//! events and feedback N days), and the kiosk runs it when it starts and
//! whenever a shopper leaves.
//!
//! Each contact is stored with its consent record (the question exactly as
//! shown, its language, what the shopper sent before and after it, and
//! when), and the record goes wherever the contact goes: exported with it,
//! deleted with it.
//!
//! `LocalStore` is the file's one owner: `schema.rs` holds every table, as
//! migrations numbered by `PRAGMA user_version` (an older file is migrated
//! in place when opened), and the other crates that keep records here go
//! through its typed accessors: kiosk-staff's call outbox (`calls.rs`) and
//! analytics (`analytics.rs`), kiosk-sync's uploads (`uploads.rs`).

use std::path::{Path, PathBuf};

use kiosk_core::Lang;
use kiosk_core::assistant::{Action, ActionStatus, Consent};
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::error::{Error, Result};

/// A struct built from a row, its fields given in the order of the
/// query's columns: `from_row!(r, Call { id, status })` reads column 0
/// into `id` and column 1 into `status`.
macro_rules! from_row {
    ($row:expr, $ty:ident { $($field:ident),* $(,)? }) => {{
        let mut column = 0..;
        $ty {
            $($field: $row.get(column.next().expect("an endless range"))?,)*
        }
    }};
}

mod analytics;
mod calls;
mod schema;
mod uploads;

pub use analytics::{EventRecord, FeedbackRecord};
pub use calls::{CallRow, CallTimes, QueuedCall, StaffCalls};
pub use schema::SCHEMA_VERSION;
pub use uploads::{
    EventUpload, FeedbackUpload, UploadBatch, UploadKind, UploadRows, WaitlistUpload,
};

/// The kiosk's `local.sqlite`, open. Every read and write of the file goes
/// through this type's methods (here and in `calls.rs`, `uploads.rs` and
/// `analytics.rs`); `schema.rs` is the only place that shapes the file.
pub struct LocalStore {
    conn: Connection,
    path: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaitlistEntry {
    pub at: jiff::Timestamp,
    pub product_id: String,
    pub sku: String,
    pub title: String,
    pub options: String,
    pub contact: String,
    pub language: Lang,
    /// What the shopper was shown and answered, when.
    pub consent: Consent,
}

impl WaitlistEntry {
    /// The entry a turn's action asks to store: a `Done` join with a
    /// contact and its consent record. Anything else stores nothing.
    pub fn from_action(action: &Action, at: jiff::Timestamp, language: Lang) -> Option<Self> {
        match action {
            Action::JoinWaitlist {
                status: ActionStatus::Done,
                product_id,
                sku,
                title,
                options,
                contact: Some(contact),
                consent: Some(consent),
            } => Some(WaitlistEntry {
                at,
                product_id: product_id.clone(),
                sku: sku.clone(),
                title: title.clone(),
                options: options.clone(),
                contact: contact.clone(),
                language,
                consent: consent.clone(),
            }),
            _ => None,
        }
    }
}

impl LocalStore {
    pub fn open(data_dir: &Path) -> Result<LocalStore> {
        std::fs::create_dir_all(data_dir).map_err(Error::io("creating", data_dir))?;
        let path = data_dir.join("local.sqlite");
        create_private(&path)?;
        let mut conn = Connection::open(&path)
            .map_err(Error::sqlite(format!("opening {}", path.display())))?;
        // Several processes share the file (the app, `kiosk call-staff`,
        // `kiosk sync`): WAL, and a wait for the lock rather than an error.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
        )
        .map_err(Error::sqlite("setting up the local store"))?;
        schema::migrate(&mut conn, &path)?;
        Ok(LocalStore { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Deletes what the policy no longer allows to be kept, as of `now`.
    /// `in_stock` says whether a SKU is in stock in the live snapshot: a
    /// contact whose item is back and whose request was sent on to the
    /// back office has done its job.
    pub fn purge(
        &self,
        now: jiff::Timestamp,
        retention: &Retention,
        in_stock: &dyn Fn(&str) -> bool,
    ) -> Result<Purged> {
        let before = |days: u32| {
            now.checked_sub(jiff::SignedDuration::from_hours(24 * i64::from(days)))
                .unwrap_or(jiff::Timestamp::MIN)
                .to_string()
        };
        let mut purged = Purged::default();
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(Error::sqlite("starting a purge"))?;
        purged.contacts += tx
            .execute(
                "DELETE FROM waitlist WHERE at < ?1",
                [before(retention.contact_days)],
            )
            .map_err(Error::sqlite("deleting old contacts"))?;
        let sent: Vec<(i64, String)> = tx
            .prepare("SELECT id, sku FROM waitlist WHERE exported = 1")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(Error::sqlite("reading sent contacts"))?;
        for (id, sku) in sent {
            if in_stock(&sku) {
                purged.contacts += tx
                    .execute("DELETE FROM waitlist WHERE id = ?1", [id])
                    .map_err(Error::sqlite("deleting a served contact"))?;
            }
        }
        purged.events += tx
            .execute(
                "DELETE FROM events WHERE at < ?1",
                [before(retention.event_days)],
            )
            .map_err(Error::sqlite("deleting old events"))?;
        purged.events += tx
            .execute(
                "DELETE FROM feedback WHERE at < ?1",
                [before(retention.event_days)],
            )
            .map_err(Error::sqlite("deleting old feedback"))?;
        purged.texts += tx
            .execute(
                "UPDATE events SET text = '' WHERE text != '' AND at < ?1",
                [before(retention.analytics_text_days)],
            )
            .map_err(Error::sqlite("blanking old analytics text"))?;
        tx.commit().map_err(Error::sqlite("committing a purge"))?;
        Ok(purged)
    }

    /// Stores a back-in-stock request the shopper agreed to.
    pub fn add_waitlist(&self, entry: &WaitlistEntry) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO waitlist (at, product_id, sku, title, options, contact, language, consent,
                    consent_requested, consent_shown, consent_language, consent_shown_at, consent_answer, consent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'typed a contact in answer to the question shown',
                    ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .and_then(|mut s| {
                let c = &entry.consent;
                s.execute(params![
                    entry.at.to_string(),
                    entry.product_id,
                    entry.sku,
                    entry.title,
                    entry.options,
                    entry.contact,
                    entry.language.code(),
                    c.requested,
                    c.shown,
                    c.language.code(),
                    c.shown_at.to_string(),
                    c.answer,
                    c.answered_at.to_string(),
                ])
            })
            .map_err(Error::sqlite("storing a waitlist request"))?;
        Ok(())
    }

    /// Records the thumbs up or down a shopper gave at the end of a session
    /// (`session` is the same random tag as the session's events).
    pub fn record_feedback(&self, at: jiff::Timestamp, session: &str, up: bool) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO feedback (at, session, up) VALUES (?1, ?2, ?3)",
                params![at.to_string(), session, up],
            )
            .map_err(Error::sqlite("recording feedback"))?;
        Ok(())
    }

    pub fn count(&self, table: &str) -> Result<u64> {
        let sql = match table {
            "events" => "SELECT COUNT(*) FROM events",
            "waitlist" => "SELECT COUNT(*) FROM waitlist",
            "feedback" => "SELECT COUNT(*) FROM feedback",
            other => return Err(Error::Invalid(format!("no local table {other}"))),
        };
        self.conn
            .query_row(sql, [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(Error::sqlite("counting local records"))
    }

    /// Runs a query and maps each row; `context` names the step in errors.
    fn query_all<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        context: &str,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self
            .conn
            .prepare_cached(sql)
            .map_err(Error::sqlite(context))?;
        let rows = stmt
            .query_map(params, row)
            .map_err(Error::sqlite(context))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(Error::sqlite(context))
    }

    /// The open connection, for tests and checks that look at the file
    /// as it is; the kiosk's own code reads and writes through the typed
    /// methods.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// How long the local store keeps each kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// A back-in-stock contact is deleted after this many days, or sooner
    /// once its item is back in stock and the request was exported.
    pub contact_days: u32,
    /// The redacted text of an analytics event is blanked after this.
    pub analytics_text_days: u32,
    /// Analytics events and feedback are deleted after this.
    pub event_days: u32,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            contact_days: 90,
            analytics_text_days: 30,
            event_days: 400,
        }
    }
}

/// What one `purge` removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub contacts: usize,
    pub texts: usize,
    pub events: usize,
}

/// Creates the file 0600 if it is missing, and makes an existing one
/// 0600: SQLite gives its `-wal` and `-shm` files the database's mode.
fn create_private(path: &Path) -> Result<()> {
    crate::private_file::create(path).map_err(Error::io("restricting", path))
}

#[cfg(test)]
mod tests;
