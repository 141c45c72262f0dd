//! What a sync uploads from `local.sqlite`, and the log that makes each
//! upload happen once (`sync_uploads`, `sync_identity`). kiosk-sync's
//! `upload.rs` sends the batches; this is how they are cut, read and
//! confirmed.
//!
//! The rows go out in an explicit format, one struct per kind
//! ([`EventUpload`], [`FeedbackUpload`], [`WaitlistUpload`]); adding a
//! column to a table does not change what is sent. The format is written
//! out in `docs/upload-format.md`; its field names and value types are the
//! ones uploads had before the format was fixed (flags as 0 or 1, the lost
//! demand as JSON text), so a back office reading older uploads reads these.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::LocalStore;
use crate::error::{Error, Result};

/// What can be uploaded: one table of `local.sqlite` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadKind {
    /// Anonymous per-turn analytics (`events`).
    Analytics,
    /// Anonymous end-of-session thumbs up or down (`feedback`).
    Feedback,
    /// Back-in-stock requests with the shopper's contact (`waitlist`).
    Waitlist,
}

impl UploadKind {
    pub const ALL: [UploadKind; 3] = [
        UploadKind::Analytics,
        UploadKind::Feedback,
        UploadKind::Waitlist,
    ];

    fn table(self) -> &'static str {
        match self {
            UploadKind::Analytics => "events",
            UploadKind::Feedback => "feedback",
            UploadKind::Waitlist => "waitlist",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            UploadKind::Analytics => "analytics",
            UploadKind::Feedback => "feedback",
            UploadKind::Waitlist => "waitlist",
        }
    }
}

/// A range of row ids of one table, recorded before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadBatch {
    pub upload_id: String,
    pub kind: UploadKind,
    pub first_id: i64,
    pub last_id: i64,
    pub n_rows: u64,
    pub created_at: String,
    /// Recorded by an earlier sync and not confirmed: sent again as it is.
    pub resent: bool,
}

/// One turn as uploaded (`kind: analytics`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventUpload {
    pub id: i64,
    pub at: String,
    pub session: String,
    pub intent: String,
    /// 1 or 0.
    pub resolved: i64,
    /// 1 or 0.
    pub escalated: i64,
    pub reason: Option<String>,
    pub language: String,
    pub latency_ms: f64,
    pub text: String,
    /// A JSON array, as text.
    pub lost_demand: String,
    pub n_products: i64,
}

/// One thumbs up or down as uploaded (`kind: feedback`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedbackUpload {
    pub id: i64,
    pub at: String,
    pub session: String,
    /// 1 for up, 0 for down.
    pub up: i64,
}

/// One back-in-stock request as uploaded (`kind: waitlist`), with its
/// consent record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitlistUpload {
    pub id: i64,
    pub at: String,
    pub product_id: String,
    pub sku: String,
    pub title: String,
    pub options: String,
    pub contact: String,
    pub language: String,
    pub consent: String,
    pub consent_requested: String,
    pub consent_shown: String,
    pub consent_language: String,
    pub consent_shown_at: String,
    pub consent_answer: String,
    pub consent_at: String,
}

/// A batch's rows, in id order; serialized as a plain array of objects.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum UploadRows {
    Analytics(Vec<EventUpload>),
    Feedback(Vec<FeedbackUpload>),
    Waitlist(Vec<WaitlistUpload>),
}

impl UploadRows {
    pub fn len(&self) -> usize {
        match self {
            UploadRows::Analytics(rows) => rows.len(),
            UploadRows::Feedback(rows) => rows.len(),
            UploadRows::Waitlist(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl LocalStore {
    /// Rows of `kind` not yet uploaded.
    pub fn pending_uploads(&self, kind: UploadKind) -> Result<u64> {
        self.conn
            .query_row(
                &format!("SELECT COUNT(*) FROM {} WHERE exported = 0", kind.table()),
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(Error::sqlite("counting rows to upload"))
    }

    /// The id naming this kiosk in uploads: made at random once and kept.
    pub fn kiosk_id(&self) -> Result<String> {
        const READ: &str = "SELECT value FROM sync_identity WHERE key = 'kiosk_id'";
        let existing: Option<String> = self
            .conn
            .query_row(READ, [], |r| r.get(0))
            .optional()
            .map_err(Error::sqlite("reading the kiosk id"))?;
        if let Some(id) = existing {
            return Ok(id);
        }
        self.conn
            .execute(
                "INSERT OR IGNORE INTO sync_identity (key, value) VALUES ('kiosk_id', ?1)",
                [format!("kiosk-{:08x}", rand::random::<u32>())],
            )
            .map_err(Error::sqlite("storing the kiosk id"))?;
        // Another process may have stored its own first: that one holds.
        self.conn
            .query_row(READ, [], |r| r.get(0))
            .map_err(Error::sqlite("reading the kiosk id"))
    }

    /// The open batch of `kind`, or a new one over its oldest unexported
    /// rows (at most `max_rows`), or `None` when there is nothing to send.
    /// A new batch's id is `KIOSK-KIND-FIRST-LAST-RANDOM`.
    pub fn next_upload_batch(
        &self,
        kind: UploadKind,
        kiosk_id: &str,
        max_rows: usize,
    ) -> Result<Option<UploadBatch>> {
        let open = self
            .conn
            .query_row(
                "SELECT upload_id, first_id, last_id, n_rows, created_at FROM sync_uploads
                 WHERE kind = ?1 AND confirmed_at IS NULL ORDER BY first_id LIMIT 1",
                [kind.name()],
                |r| {
                    Ok(UploadBatch {
                        upload_id: r.get(0)?,
                        kind,
                        first_id: r.get(1)?,
                        last_id: r.get(2)?,
                        n_rows: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                        created_at: r.get(4)?,
                        resent: true,
                    })
                },
            )
            .optional()
            .map_err(Error::sqlite("reading open uploads"))?;
        if open.is_some() {
            return Ok(open);
        }
        let table = kind.table();
        let range: (Option<i64>, Option<i64>, i64) = self
            .conn
            .query_row(
                &format!(
                    "SELECT MIN(id), MAX(id), COUNT(*) FROM
                     (SELECT id FROM {table} WHERE exported = 0 ORDER BY id LIMIT ?1)"
                ),
                [i64::try_from(max_rows.max(1)).unwrap_or(i64::MAX)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(Error::sqlite(format!("reading {table} to upload")))?;
        let (Some(first_id), Some(last_id), n_rows) = range else {
            return Ok(None);
        };
        let created_at = jiff::Timestamp::now().to_string();
        let upload_id = format!(
            "{kiosk_id}-{}-{first_id}-{last_id}-{:08x}",
            kind.name(),
            rand::random::<u32>()
        );
        self.conn
            .execute(
                "INSERT INTO sync_uploads (upload_id, kind, first_id, last_id, n_rows, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    upload_id,
                    kind.name(),
                    first_id,
                    last_id,
                    n_rows,
                    created_at
                ],
            )
            .map_err(Error::sqlite("recording an upload batch"))?;
        Ok(Some(UploadBatch {
            upload_id,
            kind,
            first_id,
            last_id,
            n_rows: u64::try_from(n_rows).unwrap_or(0),
            created_at,
            resent: false,
        }))
    }

    /// The batch's rows not yet exported, in id order.
    pub fn upload_rows(&self, batch: &UploadBatch) -> Result<UploadRows> {
        let range = [batch.first_id, batch.last_id];
        Ok(match batch.kind {
            UploadKind::Analytics => UploadRows::Analytics(self.read_rows(
                "events",
                "id, at, session, intent, resolved, escalated, reason, language, latency_ms, text, lost_demand, n_products",
                range,
                |r| {
                    Ok(from_row!(
                        r,
                        EventUpload {
                            id, at, session, intent, resolved, escalated, reason, language,
                            latency_ms, text, lost_demand, n_products,
                        }
                    ))
                },
            )?),
            UploadKind::Feedback => UploadRows::Feedback(self.read_rows(
                "feedback",
                "id, at, session, up",
                range,
                |r| Ok(from_row!(r, FeedbackUpload { id, at, session, up })),
            )?),
            UploadKind::Waitlist => UploadRows::Waitlist(self.read_rows(
                "waitlist",
                "id, at, product_id, sku, title, options, contact, language, consent, consent_requested, \
                 consent_shown, consent_language, consent_shown_at, consent_answer, consent_at",
                range,
                |r| {
                    Ok(from_row!(
                        r,
                        WaitlistUpload {
                            id, at, product_id, sku, title, options, contact, language, consent,
                            consent_requested, consent_shown, consent_language, consent_shown_at,
                            consent_answer, consent_at,
                        }
                    ))
                },
            )?),
        })
    }

    fn read_rows<T>(
        &self,
        table: &str,
        columns: &str,
        [first_id, last_id]: [i64; 2],
        row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        self.query_all(
            &format!(
                "SELECT {columns} FROM {table} WHERE id BETWEEN ?1 AND ?2 AND exported = 0 ORDER BY id"
            ),
            [first_id, last_id],
            &format!("reading {table} to upload"),
            row,
        )
    }

    /// The destination confirmed the batch: its rows are marked exported
    /// and the batch confirmed, in one transaction.
    pub fn confirm_upload(&self, batch: &UploadBatch, destination: &str) -> Result<()> {
        let table = batch.kind.table();
        let context = "confirming an upload";
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(Error::sqlite(context))?;
        tx.execute(
            &format!("UPDATE {table} SET exported = 1 WHERE id BETWEEN ?1 AND ?2 AND exported = 0"),
            [batch.first_id, batch.last_id],
        )
        .map_err(Error::sqlite(format!("marking {table} rows exported")))?;
        tx.execute(
            "UPDATE sync_uploads SET confirmed_at = ?1, destination = ?2 WHERE upload_id = ?3",
            params![
                jiff::Timestamp::now().to_string(),
                destination,
                batch.upload_id
            ],
        )
        .map_err(Error::sqlite(context))?;
        tx.commit().map_err(Error::sqlite(context))
    }
}
