//! The kiosk's staff calls, saved in `local.sqlite` (table `staff_calls`)
//! before any network: a call is never lost to a dead LAN, and its id —
//! chosen here — makes delivery idempotent, so a retry after a lost reply
//! cannot create a second call. Several processes on one data dir (the app
//! and `kiosk call-staff`) share it safely (WAL, busy timeout).

use std::path::Path;

use kiosk_core::Lang;
use rusqlite::{Connection, OptionalExtension, params};

use super::CallStatus;
use crate::call::{CallId, CallRecord, CallState, NewCall};
use crate::error::{Error, Result};

const SCHEMA: &str = "
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
";

/// Where a call stands on the kiosk: `queued` until the console has it,
/// then the console's state; `failed` if the console refused it for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Local {
    Queued,
    Console(CallState),
    Failed,
}

impl Local {
    fn parse(text: &str) -> Local {
        match text {
            "queued" => Local::Queued,
            "failed" => Local::Failed,
            other => CallState::parse(other).map_or(Local::Failed, Local::Console),
        }
    }

    /// Failed here, or closed at the console.
    fn ended(self) -> bool {
        match self {
            Local::Queued => false,
            Local::Failed => true,
            Local::Console(state) => state.is_closed(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Local::Queued => "queued",
            Local::Failed => "failed",
            Local::Console(state) => state.name(),
        }
    }
}

/// A call waiting for delivery.
pub(crate) struct Due {
    pub id: CallId,
    pub call: NewCall,
    pub attempts: u32,
}

pub(crate) struct Outbox {
    conn: Connection,
}

impl Outbox {
    pub fn open(path: &Path) -> Result<Outbox> {
        let conn =
            Connection::open(path).map_err(Error::sqlite(format!("opening {}", path.display())))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
        )
        .map_err(Error::sqlite("setting up the staff call outbox"))?;
        conn.execute_batch(SCHEMA)
            .map_err(Error::sqlite("creating the staff call outbox"))?;
        Ok(Outbox { conn })
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn add(&self, call: &NewCall) -> Result<()> {
        let json = serde_json::to_string(call).map_err(Error::json("saving a staff call"))?;
        self.conn
            .execute(
                "INSERT INTO staff_calls (id, created_at, language, call, status) VALUES (?1, ?2, ?3, ?4, 'queued')",
                params![
                    call.id.as_str(),
                    call.created_at.to_string(),
                    call.handoff.language.code(),
                    json
                ],
            )
            .map_err(Error::sqlite("saving a staff call"))?;
        Ok(())
    }

    /// Queued calls whose next try is due, oldest first (by insertion:
    /// RFC 3339 text with a varying fraction does not sort).
    pub fn due(&self, now_ms: i64, limit: usize) -> Result<Vec<Due>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, call, attempts FROM staff_calls
                 WHERE status = 'queued' AND next_try_ms <= ?1 ORDER BY rowid LIMIT ?2",
            )
            .map_err(Error::sqlite("reading queued staff calls"))?;
        let rows = stmt
            .query_map(params![now_ms, limit as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(Error::sqlite("reading queued staff calls"))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json, attempts) = row.map_err(Error::sqlite("reading queued staff calls"))?;
            let call: NewCall =
                serde_json::from_str(&json).map_err(Error::json("a saved staff call"))?;
            out.push(Due {
                id: CallId::parse(&id)?,
                call,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            });
        }
        Ok(out)
    }

    /// When the next queued call is due (Unix ms), if any is queued.
    pub fn next_due_ms(&self) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT MIN(next_try_ms) FROM staff_calls WHERE status = 'queued'",
                [],
                |r| r.get(0),
            )
            .map_err(Error::sqlite("reading queued staff calls"))
    }

    /// Counts a failed delivery; returns the attempts so far.
    pub fn attempt_failed(&self, id: &CallId, error: &str, next_try_ms: i64) -> Result<u32> {
        self.conn
            .execute(
                "UPDATE staff_calls SET attempts = attempts + 1, next_try_ms = ?2, last_error = ?3
                 WHERE id = ?1 AND status = 'queued'",
                params![id.as_str(), next_try_ms, error],
            )
            .map_err(Error::sqlite("recording a failed delivery"))?;
        Ok(self
            .row(id)?
            .map_or(0, |r| u32::try_from(r.attempts).unwrap_or(u32::MAX)))
    }

    /// The console is back: every queued call is due now.
    pub fn retry_all_now(&self) -> Result<usize> {
        self.conn
            .execute(
                "UPDATE staff_calls SET next_try_ms = 0 WHERE status = 'queued' AND attempts > 0",
                [],
            )
            .map_err(Error::sqlite("rescheduling queued staff calls"))
    }

    /// Whether some queued call has failed at least once.
    pub fn has_failures(&self) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM staff_calls WHERE status = 'queued' AND attempts > 0)",
                [],
                |r| r.get(0),
            )
            .map_err(Error::sqlite("reading queued staff calls"))
    }

    /// The console refused the call for good.
    pub fn failed(&self, id: &CallId, error: &str) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE staff_calls SET status = 'failed', last_error = ?2, status_at = ?3
                 WHERE id = ?1 AND status = 'queued'",
                params![id.as_str(), error, jiff::Timestamp::now().to_string()],
            )
            .map_err(Error::sqlite("recording a refused staff call"))?;
        Ok(n > 0)
    }

    /// Takes the console's view of a call; returns what changed for the
    /// shopper, oldest news first (a queued call the console already
    /// resolved reports delivery, then resolution).
    pub fn apply(&self, record: &CallRecord) -> Result<Vec<CallStatus>> {
        let Some(row) = self.row(&record.id)? else {
            return Ok(Vec::new());
        };
        let current = row.status;
        let mut news = Vec::new();
        let rank = |l: Local| match l {
            Local::Queued => 0,
            Local::Console(s) => 1 + s.rank(),
            Local::Failed => 0,
        };
        let next = Local::Console(record.state);
        if rank(next) <= rank(current) {
            return Ok(news);
        }
        let (by, at) = match record.state {
            CallState::Open => (String::new(), record.received_at),
            CallState::OnTheWay => record
                .on_the_way
                .as_ref()
                .map_or((String::new(), record.received_at), |s| {
                    (s.by.clone(), s.at)
                }),
            CallState::Resolved | CallState::Cancelled => record
                .closed
                .as_ref()
                .map_or((String::new(), record.received_at), |s| {
                    (s.by.clone(), s.at)
                }),
        };
        let changed = self
            .conn
            .execute(
                "UPDATE staff_calls SET status = ?2, by = ?3, status_at = ?4, last_error = NULL
                 WHERE id = ?1 AND status = ?5",
                params![
                    record.id.as_str(),
                    next.name(),
                    by,
                    at.to_string(),
                    current.name()
                ],
            )
            .map_err(Error::sqlite("updating a staff call"))?;
        if changed == 0 {
            // Another process on this data dir got there first.
            return Ok(news);
        }
        if matches!(current, Local::Queued | Local::Failed) {
            news.push(CallStatus::Delivered);
        }
        match record.state {
            CallState::Open => {}
            CallState::OnTheWay => news.push(CallStatus::OnTheWay { by }),
            CallState::Resolved => news.push(CallStatus::Resolved { by }),
            CallState::Cancelled => news.push(CallStatus::Cancelled),
        }
        if record.state.is_closed() {
            self.scrub(&record.id)?;
        }
        Ok(news)
    }

    /// Drops what the shopper said from every call that ended (failed,
    /// expired, cancelled or resolved) before `cutoff`, and from every call
    /// still under way (queued, or open at a console that may never answer
    /// again) that was made before `made_cutoff`; returns how many calls
    /// still held their words. Closed calls lose them at once; failed and
    /// expired ones keep them a while for the store to follow up; no call
    /// keeps them for ever, whatever became of its console.
    pub fn forget_words(
        &self,
        cutoff: jiff::Timestamp,
        made_cutoff: jiff::Timestamp,
    ) -> Result<usize> {
        let candidates: Vec<(String, Option<String>, String, String)> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT id, status_at, created_at, status FROM staff_calls")
                .map_err(Error::sqlite("reading staff calls"))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(Error::sqlite("reading staff calls"))?;
            rows.collect::<std::result::Result<_, _>>()
                .map_err(Error::sqlite("reading staff calls"))?
        };
        let mut forgotten = 0;
        for (id, status_at, created_at, status) in candidates {
            // A missing or unreadable time counts as old: words are never
            // kept for lack of a date.
            let before = |t: Option<&str>, limit: jiff::Timestamp| {
                t.and_then(|t| t.parse::<jiff::Timestamp>().ok())
                    .is_none_or(|t| t < limit)
            };
            let old = if Local::parse(&status).ended() {
                before(status_at.as_deref(), cutoff)
            } else {
                before(Some(&created_at), made_cutoff)
            };
            if old && self.scrub(&CallId::parse(&id)?)? {
                forgotten += 1;
            }
        }
        Ok(forgotten)
    }

    /// Deletes the calls that ended before `cutoff`, words and all: the
    /// kiosk keeps no record of a call beyond the store's policy. Returns
    /// how many went.
    pub fn delete_ended(&self, cutoff: jiff::Timestamp) -> Result<usize> {
        let ended: Vec<(String, Option<String>)> = {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT id, status_at FROM staff_calls
                     WHERE status IN ('failed', 'cancelled', 'resolved')",
                )
                .map_err(Error::sqlite("reading ended staff calls"))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(Error::sqlite("reading ended staff calls"))?;
            rows.collect::<std::result::Result<_, _>>()
                .map_err(Error::sqlite("reading ended staff calls"))?
        };
        let mut deleted = 0;
        for (id, at) in ended {
            let old = at
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .is_none_or(|t| t < cutoff);
            if old {
                deleted += self
                    .conn
                    .execute("DELETE FROM staff_calls WHERE id = ?1", [id.as_str()])
                    .map_err(Error::sqlite("deleting an ended staff call"))?;
            }
        }
        Ok(deleted)
    }

    /// Drops what the shopper said from a call; returns whether it held
    /// any words.
    fn scrub(&self, id: &CallId) -> Result<bool> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT call FROM staff_calls WHERE id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::sqlite("reading a staff call"))?;
        if let Some(json) = json
            && let Ok(mut call) = serde_json::from_str::<NewCall>(&json)
            && !call.handoff.last_messages.is_empty()
        {
            call.handoff.last_messages.clear();
            let json = serde_json::to_string(&call).map_err(Error::json("saving a staff call"))?;
            self.conn
                .execute(
                    "UPDATE staff_calls SET call = ?2 WHERE id = ?1",
                    params![id.as_str(), json],
                )
                .map_err(Error::sqlite("updating a staff call"))?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Calls at the console that are not closed yet: the ones to follow.
    pub fn watching(&self) -> Result<Vec<CallId>> {
        self.ids(
            "SELECT id FROM staff_calls WHERE status IN ('open', 'on_the_way') ORDER BY created_at",
        )
    }

    /// The console no longer knows these calls: deliver them again.
    pub fn requeue(&self, ids: &[CallId]) -> Result<()> {
        for id in ids {
            self.conn
                .execute(
                    "UPDATE staff_calls SET status = 'queued', next_try_ms = 0, attempts = 0
                     WHERE id = ?1 AND status IN ('open', 'on_the_way')",
                    [id.as_str()],
                )
                .map_err(Error::sqlite("requeueing a staff call"))?;
        }
        Ok(())
    }

    /// Marks a call withdrawn. A call still queued is cancelled here and
    /// never sent (returns true); one at the console is flagged for the
    /// link to cancel there.
    pub fn request_cancel(&self, id: &CallId) -> Result<bool> {
        let now = jiff::Timestamp::now().to_string();
        let here = self
            .conn
            .execute(
                "UPDATE staff_calls SET status = 'cancelled', status_at = ?2 WHERE id = ?1 AND status = 'queued'",
                params![id.as_str(), now],
            )
            .map_err(Error::sqlite("cancelling a staff call"))?;
        if here > 0 {
            self.scrub(id)?;
            return Ok(true);
        }
        self.conn
            .execute(
                "UPDATE staff_calls SET cancel = 1 WHERE id = ?1 AND status IN ('open', 'on_the_way')",
                [id.as_str()],
            )
            .map_err(Error::sqlite("cancelling a staff call"))?;
        Ok(false)
    }

    /// Calls at the console the kiosk wants withdrawn.
    pub fn cancels(&self) -> Result<Vec<CallId>> {
        self.ids("SELECT id FROM staff_calls WHERE cancel = 1 AND status IN ('open', 'on_the_way')")
    }

    pub fn cancel_done(&self, id: &CallId) -> Result<()> {
        self.conn
            .execute(
                "UPDATE staff_calls SET cancel = 0 WHERE id = ?1",
                [id.as_str()],
            )
            .map_err(Error::sqlite("updating a staff call"))?;
        Ok(())
    }

    pub fn queued_count(&self) -> Result<usize> {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM staff_calls WHERE status = 'queued'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(Error::sqlite("counting queued staff calls"))
    }

    pub fn row(&self, id: &CallId) -> Result<Option<Row>> {
        self.conn
            .query_row(
                "SELECT status, by, language, last_error, attempts FROM staff_calls WHERE id = ?1",
                [id.as_str()],
                |r| {
                    Ok(Row {
                        status: Local::parse(&r.get::<_, String>(0)?),
                        by: r.get(1)?,
                        language: r.get::<_, String>(2)?.parse().unwrap_or(Lang::En),
                        last_error: r.get(3)?,
                        attempts: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(Error::sqlite("reading a staff call"))
    }

    fn ids(&self, sql: &str) -> Result<Vec<CallId>> {
        let mut stmt = self
            .conn
            .prepare_cached(sql)
            .map_err(Error::sqlite("reading staff calls"))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(Error::sqlite("reading staff calls"))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(CallId::parse(
                &row.map_err(Error::sqlite("reading staff calls"))?,
            )?);
        }
        Ok(out)
    }
}

/// One saved call's standing.
pub(crate) struct Row {
    pub status: Local,
    pub by: String,
    pub language: Lang,
    pub last_error: Option<String>,
    pub attempts: i64,
}

impl Row {
    /// The status as the app sees it.
    pub fn status(&self) -> CallStatus {
        match self.status {
            Local::Queued => CallStatus::Queued {
                error: self.last_error.clone().unwrap_or_default(),
            },
            Local::Failed => CallStatus::Failed {
                error: self.last_error.clone().unwrap_or_default(),
            },
            Local::Console(CallState::Open) => CallStatus::Delivered,
            Local::Console(CallState::OnTheWay) => CallStatus::OnTheWay {
                by: self.by.clone(),
            },
            Local::Console(CallState::Resolved) => CallStatus::Resolved {
                by: self.by.clone(),
            },
            Local::Console(CallState::Cancelled) => CallStatus::Cancelled,
        }
    }
}
