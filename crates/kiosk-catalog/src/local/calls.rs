//! The staff call outbox's table (`staff_calls`): each call the kiosk
//! made, saved before any network, and where it stands. kiosk-staff's
//! `client/outbox.rs` decides what happens to a call; this is how it is
//! stored. A call is kept as the JSON of kiosk-staff's `NewCall` (this
//! crate does not look inside it), with its id, creation time and language.
//!
//! `status` is `queued` (not yet at the console), `failed` (the console
//! refused it for good), or the console's state: `open`, `on_the_way`,
//! `resolved`, `cancelled`. `cancel` flags a call at the console that the
//! kiosk wants withdrawn.

use rusqlite::{OptionalExtension, params};

use super::LocalStore;
use crate::error::{Error, Result};

/// The statuses of a call still at the console.
const AT_CONSOLE: &str = "('open', 'on_the_way')";

/// The table's accessors, borrowed from an open [`LocalStore`].
pub struct StaffCalls<'a> {
    store: &'a LocalStore,
}

/// A queued call whose next try is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedCall {
    pub id: String,
    /// The call as saved by [`StaffCalls::add`].
    pub call: String,
    pub attempts: i64,
}

/// One call's standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    pub status: String,
    /// Who at the console took it on or closed it.
    pub by: String,
    pub language: String,
    pub last_error: Option<String>,
    pub attempts: i64,
}

/// When a call was made and last changed, and its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallTimes {
    pub id: String,
    pub created_at: String,
    pub status_at: Option<String>,
    pub status: String,
}

impl LocalStore {
    pub fn staff_calls(&self) -> StaffCalls<'_> {
        StaffCalls { store: self }
    }
}

impl StaffCalls<'_> {
    fn conn(&self) -> &rusqlite::Connection {
        &self.store.conn
    }

    /// Saves a new call as `queued`.
    pub fn add(
        &self,
        id: &str,
        created_at: jiff::Timestamp,
        language: &str,
        call: &str,
    ) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO staff_calls (id, created_at, language, call, status) VALUES (?1, ?2, ?3, ?4, 'queued')",
                params![id, created_at.to_string(), language, call],
            )
            .map_err(Error::sqlite("saving a staff call"))?;
        Ok(())
    }

    /// Queued calls whose next try is due at `now_ms` (Unix ms), oldest
    /// first (by insertion: RFC 3339 text with a varying fraction does not
    /// sort).
    pub fn due(&self, now_ms: i64, limit: usize) -> Result<Vec<QueuedCall>> {
        self.store.query_all(
            "SELECT id, call, attempts FROM staff_calls
             WHERE status = 'queued' AND next_try_ms <= ?1 ORDER BY rowid LIMIT ?2",
            params![now_ms, i64::try_from(limit).unwrap_or(i64::MAX)],
            "reading queued staff calls",
            |r| Ok(from_row!(r, QueuedCall { id, call, attempts })),
        )
    }

    /// When the next queued call is due (Unix ms), if any is queued.
    pub fn next_due_ms(&self) -> Result<Option<i64>> {
        self.conn()
            .query_row(
                "SELECT MIN(next_try_ms) FROM staff_calls WHERE status = 'queued'",
                [],
                |r| r.get(0),
            )
            .map_err(Error::sqlite("reading queued staff calls"))
    }

    /// Counts a failed delivery of a queued call and when to try again.
    pub fn attempt_failed(&self, id: &str, error: &str, next_try_ms: i64) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE staff_calls SET attempts = attempts + 1, next_try_ms = ?2, last_error = ?3
                 WHERE id = ?1 AND status = 'queued'",
                params![id, next_try_ms, error],
            )
            .map_err(Error::sqlite("recording a failed delivery"))?;
        Ok(())
    }

    /// Makes every queued call that failed before due now.
    pub fn retry_all_now(&self) -> Result<usize> {
        self.conn()
            .execute(
                "UPDATE staff_calls SET next_try_ms = 0 WHERE status = 'queued' AND attempts > 0",
                [],
            )
            .map_err(Error::sqlite("rescheduling queued staff calls"))
    }

    /// Whether some queued call has failed at least once.
    pub fn has_failures(&self) -> Result<bool> {
        self.conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM staff_calls WHERE status = 'queued' AND attempts > 0)",
                [],
                |r| r.get(0),
            )
            .map_err(Error::sqlite("reading queued staff calls"))
    }

    /// Marks a queued call `failed`; returns whether it was queued.
    pub fn mark_failed(&self, id: &str, error: &str, at: jiff::Timestamp) -> Result<bool> {
        let n = self
            .conn()
            .execute(
                "UPDATE staff_calls SET status = 'failed', last_error = ?2, status_at = ?3
                 WHERE id = ?1 AND status = 'queued'",
                params![id, error, at.to_string()],
            )
            .map_err(Error::sqlite("recording a refused staff call"))?;
        Ok(n > 0)
    }

    /// Moves a call from status `from` to `to`, taken on or closed by `by`
    /// at `at`, and clears its last error; returns false when the call was
    /// no longer at `from` (another process on the data dir got there
    /// first).
    pub fn set_status(
        &self,
        id: &str,
        from: &str,
        to: &str,
        by: &str,
        at: jiff::Timestamp,
    ) -> Result<bool> {
        let n = self
            .conn()
            .execute(
                "UPDATE staff_calls SET status = ?2, by = ?3, status_at = ?4, last_error = NULL
                 WHERE id = ?1 AND status = ?5",
                params![id, to, by, at.to_string(), from],
            )
            .map_err(Error::sqlite("updating a staff call"))?;
        Ok(n > 0)
    }

    /// The call as saved, if there is one with this id.
    pub fn call(&self, id: &str) -> Result<Option<String>> {
        self.conn()
            .query_row("SELECT call FROM staff_calls WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(Error::sqlite("reading a staff call"))
    }

    /// Replaces the saved call (to drop what the shopper said from it).
    pub fn set_call(&self, id: &str, call: &str) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE staff_calls SET call = ?2 WHERE id = ?1",
                params![id, call],
            )
            .map_err(Error::sqlite("updating a staff call"))?;
        Ok(())
    }

    /// Every call's times and status.
    pub fn times(&self) -> Result<Vec<CallTimes>> {
        self.times_where("")
    }

    /// The times of the calls that ended (failed, cancelled or resolved).
    pub fn ended(&self) -> Result<Vec<CallTimes>> {
        self.times_where(" WHERE status IN ('failed', 'cancelled', 'resolved')")
    }

    fn times_where(&self, filter: &str) -> Result<Vec<CallTimes>> {
        self.store.query_all(
            &format!("SELECT id, created_at, status_at, status FROM staff_calls{filter}"),
            [],
            "reading staff calls",
            |r| {
                Ok(from_row!(
                    r,
                    CallTimes {
                        id,
                        created_at,
                        status_at,
                        status
                    }
                ))
            },
        )
    }

    /// Deletes a call, words and all; returns whether there was one.
    pub fn delete(&self, id: &str) -> Result<bool> {
        let n = self
            .conn()
            .execute("DELETE FROM staff_calls WHERE id = ?1", [id])
            .map_err(Error::sqlite("deleting an ended staff call"))?;
        Ok(n > 0)
    }

    /// The calls at the console (open or on the way), oldest first.
    pub fn at_console(&self) -> Result<Vec<String>> {
        self.ids(&format!(
            "SELECT id FROM staff_calls WHERE status IN {AT_CONSOLE} ORDER BY created_at"
        ))
    }

    /// The calls at the console flagged for withdrawal.
    pub fn cancels(&self) -> Result<Vec<String>> {
        self.ids(&format!(
            "SELECT id FROM staff_calls WHERE cancel = 1 AND status IN {AT_CONSOLE}"
        ))
    }

    /// Queues a call at the console again, due now, its attempts reset.
    pub fn requeue(&self, id: &str) -> Result<()> {
        self.conn()
            .execute(
                &format!(
                    "UPDATE staff_calls SET status = 'queued', next_try_ms = 0, attempts = 0
                     WHERE id = ?1 AND status IN {AT_CONSOLE}"
                ),
                [id],
            )
            .map_err(Error::sqlite("requeueing a staff call"))?;
        Ok(())
    }

    /// Cancels a call still queued; returns whether it was queued.
    pub fn cancel_queued(&self, id: &str, at: jiff::Timestamp) -> Result<bool> {
        let n = self
            .conn()
            .execute(
                "UPDATE staff_calls SET status = 'cancelled', status_at = ?2 WHERE id = ?1 AND status = 'queued'",
                params![id, at.to_string()],
            )
            .map_err(Error::sqlite("cancelling a staff call"))?;
        Ok(n > 0)
    }

    /// Flags a call at the console for withdrawal (`cancel = 1`), or
    /// clears the flag.
    pub fn flag_cancel(&self, id: &str, flag: bool) -> Result<()> {
        self.conn()
            .execute(
                &format!(
                    "UPDATE staff_calls SET cancel = ?2 WHERE id = ?1{}",
                    if flag {
                        format!(" AND status IN {AT_CONSOLE}")
                    } else {
                        String::new()
                    }
                ),
                params![id, flag],
            )
            .map_err(Error::sqlite("updating a staff call"))?;
        Ok(())
    }

    pub fn queued_count(&self) -> Result<usize> {
        self.conn()
            .query_row(
                "SELECT COUNT(*) FROM staff_calls WHERE status = 'queued'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(Error::sqlite("counting queued staff calls"))
    }

    pub fn row(&self, id: &str) -> Result<Option<CallRow>> {
        self.conn()
            .query_row(
                "SELECT status, by, language, last_error, attempts FROM staff_calls WHERE id = ?1",
                [id],
                |r| {
                    Ok(from_row!(
                        r,
                        CallRow {
                            status,
                            by,
                            language,
                            last_error,
                            attempts
                        }
                    ))
                },
            )
            .optional()
            .map_err(Error::sqlite("reading a staff call"))
    }

    fn ids(&self, sql: &str) -> Result<Vec<String>> {
        self.store
            .query_all(sql, [], "reading staff calls", |r| r.get(0))
    }
}
