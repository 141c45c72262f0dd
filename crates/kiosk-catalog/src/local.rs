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
//! deleted with it. `PRAGMA user_version` numbers the schema; an older
//! file is migrated in place when opened.

use std::path::{Path, PathBuf};

use kiosk_core::Lang;
use kiosk_core::assistant::{Action, ActionStatus, AnalyticsEvent, Consent};
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::error::{Error, Result};

const SCHEMA: &str = "
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
";

/// The schema version `PRAGMA user_version` records; [`migrate`] brings an
/// older file up to it.
pub const SCHEMA_VERSION: i64 = 1;

/// The consent record kept with each contact (version 1): the question
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
        let conn = Connection::open(&path)
            .map_err(Error::sqlite(format!("opening {}", path.display())))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;",
        )
        .map_err(Error::sqlite("setting up the local store"))?;
        conn.execute_batch(SCHEMA)
            .map_err(Error::sqlite("creating the local store"))?;
        migrate(&conn, &path)?;
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

    /// Records one turn. The event carries no personal data by
    /// construction (its text is redacted); `session` is a random tag.
    pub fn record_event(
        &self,
        at: jiff::Timestamp,
        session: &str,
        e: &AnalyticsEvent,
    ) -> Result<()> {
        let name = |v: &dyn erased::Named| v.name();
        self.conn
            .prepare_cached(
                "INSERT INTO events (at, session, intent, resolved, escalated, reason, language, latency_ms, text, lost_demand, n_products)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    at.to_string(),
                    session,
                    name(&e.intent),
                    e.resolved,
                    e.escalated,
                    e.reason.as_ref().map(|r| name(r)),
                    e.language.code(),
                    e.latency_ms,
                    e.text,
                    serde_json::to_string(&e.lost_demand).expect("lost demand serializes"),
                    e.n_products as i64,
                ])
            })
            .map_err(Error::sqlite("recording an analytics event"))?;
        Ok(())
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

/// Brings a file of an older schema up to [`SCHEMA_VERSION`], in one
/// transaction: version 0 (files made before consent was recorded) gains
/// the consent columns. A file from a newer kiosk is refused rather than
/// written in a shape it does not expect.
fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(Error::sqlite(format!(
            "reading the schema version of {}",
            path.display()
        )))?;
    if version > SCHEMA_VERSION {
        return Err(Error::Invalid(format!(
            "{} has schema version {version}, newer than this kiosk's {SCHEMA_VERSION}: \
             expected a file made by this version of the kiosk or an older one",
            path.display()
        )));
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn
        .unchecked_transaction()
        .map_err(Error::sqlite(format!("migrating {}", path.display())))?;
    let existing: Vec<String> = tx
        .prepare("SELECT name FROM pragma_table_info('waitlist')")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(Error::sqlite("reading the waitlist's columns"))?;
    for column in CONSENT_COLUMNS {
        if !existing.iter().any(|c| c == column) {
            tx.execute_batch(&format!(
                "ALTER TABLE waitlist ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
            ))
            .map_err(Error::sqlite(format!("adding the column {column}")))?;
        }
    }
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
        .map_err(Error::sqlite("recording the schema version"))?;
    tx.commit()
        .map_err(Error::sqlite("committing the schema migration"))
}

/// Creates the file 0600 if it is missing, and makes an existing one
/// 0600: SQLite gives its `-wal` and `-shm` files the database's mode.
fn create_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(Error::io("creating", path))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(Error::io("restricting", path))
}

/// The snake_case name serde gives an enum value.
mod erased {
    pub trait Named {
        fn name(&self) -> String;
    }

    impl<T: serde::Serialize> Named for T {
        fn name(&self) -> String {
            match serde_json::to_value(self) {
                Ok(serde_json::Value::String(s)) => s,
                Ok(other) => other.to_string(),
                Err(_) => String::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests;
