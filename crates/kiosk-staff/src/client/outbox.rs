//! The kiosk's staff calls, saved in `local.sqlite` (table `staff_calls`,
//! stored through `kiosk_catalog::local::StaffCalls`) before any network: a
//! call is never lost to a dead LAN, and its id — chosen here — makes
//! delivery idempotent, so a retry after a lost reply cannot create a
//! second call. Several processes on one data dir (the app and `kiosk
//! call-staff`) share it safely (WAL, busy timeout).

use std::path::Path;

use kiosk_catalog::local::{CallRow, LocalStore, StaffCalls};
use kiosk_core::Lang;

use super::CallStatus;
use crate::call::{CallId, CallRecord, CallState, NewCall};
use crate::error::{Error, Result};

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
    local: LocalStore,
}

impl Outbox {
    /// Opens the outbox in `data_dir/local.sqlite`.
    pub fn open(data_dir: &Path) -> Result<Outbox> {
        Ok(Outbox {
            local: LocalStore::open(data_dir)?,
        })
    }

    /// The local store the outbox lives in (the analytics read it too).
    pub fn local(&self) -> &LocalStore {
        &self.local
    }

    /// The file itself, for tests that set a call's state by hand.
    #[cfg(test)]
    pub fn connection(&self) -> &rusqlite::Connection {
        self.local.connection()
    }

    fn calls(&self) -> StaffCalls<'_> {
        self.local.staff_calls()
    }

    pub fn add(&self, call: &NewCall) -> Result<()> {
        let json = serde_json::to_string(call).map_err(Error::json("saving a staff call"))?;
        self.calls().add(
            call.id.as_str(),
            call.created_at,
            call.handoff.language.code(),
            &json,
        )?;
        Ok(())
    }

    /// Queued calls whose next try is due, oldest first.
    pub fn due(&self, now_ms: i64, limit: usize) -> Result<Vec<Due>> {
        let mut out = Vec::new();
        for queued in self.calls().due(now_ms, limit)? {
            let call: NewCall =
                serde_json::from_str(&queued.call).map_err(Error::json("a saved staff call"))?;
            out.push(Due {
                id: CallId::parse(&queued.id)?,
                call,
                attempts: u32::try_from(queued.attempts).unwrap_or(u32::MAX),
            });
        }
        Ok(out)
    }

    /// When the next queued call is due (Unix ms), if any is queued.
    pub fn next_due_ms(&self) -> Result<Option<i64>> {
        Ok(self.calls().next_due_ms()?)
    }

    /// Counts a failed delivery; returns the attempts so far.
    pub fn attempt_failed(&self, id: &CallId, error: &str, next_try_ms: i64) -> Result<u32> {
        self.calls()
            .attempt_failed(id.as_str(), error, next_try_ms)?;
        Ok(self
            .row(id)?
            .map_or(0, |r| u32::try_from(r.attempts).unwrap_or(u32::MAX)))
    }

    /// The console is back: every queued call is due now.
    pub fn retry_all_now(&self) -> Result<usize> {
        Ok(self.calls().retry_all_now()?)
    }

    /// Whether some queued call has failed at least once.
    pub fn has_failures(&self) -> Result<bool> {
        Ok(self.calls().has_failures()?)
    }

    /// The console refused the call for good.
    pub fn failed(&self, id: &CallId, error: &str) -> Result<bool> {
        Ok(self
            .calls()
            .mark_failed(id.as_str(), error, jiff::Timestamp::now())?)
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
        let changed =
            self.calls()
                .set_status(record.id.as_str(), current.name(), next.name(), &by, at)?;
        if !changed {
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
        let mut forgotten = 0;
        for call in self.calls().times()? {
            let old = if Local::parse(&call.status).ended() {
                before(call.status_at.as_deref(), cutoff)
            } else {
                before(Some(&call.created_at), made_cutoff)
            };
            if old && self.scrub(&CallId::parse(&call.id)?)? {
                forgotten += 1;
            }
        }
        Ok(forgotten)
    }

    /// Deletes the calls that ended before `cutoff`, words and all: the
    /// kiosk keeps no record of a call beyond the store's policy. Returns
    /// how many went.
    pub fn delete_ended(&self, cutoff: jiff::Timestamp) -> Result<usize> {
        let mut deleted = 0;
        for call in self.calls().ended()? {
            if before(call.status_at.as_deref(), cutoff) && self.calls().delete(&call.id)? {
                deleted += 1;
            }
        }
        Ok(deleted)
    }

    /// Drops what the shopper said from a call; returns whether it held
    /// any words.
    fn scrub(&self, id: &CallId) -> Result<bool> {
        if let Some(json) = self.calls().call(id.as_str())?
            && let Ok(mut call) = serde_json::from_str::<NewCall>(&json)
            && !call.handoff.last_messages.is_empty()
        {
            call.handoff.last_messages.clear();
            let json = serde_json::to_string(&call).map_err(Error::json("saving a staff call"))?;
            self.calls().set_call(id.as_str(), &json)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Calls at the console that are not closed yet: the ones to follow.
    pub fn watching(&self) -> Result<Vec<CallId>> {
        parse_ids(self.calls().at_console()?)
    }

    /// The console no longer knows these calls: deliver them again.
    pub fn requeue(&self, ids: &[CallId]) -> Result<()> {
        for id in ids {
            self.calls().requeue(id.as_str())?;
        }
        Ok(())
    }

    /// Marks a call withdrawn. A call still queued is cancelled here and
    /// never sent (returns true); one at the console is flagged for the
    /// link to cancel there.
    pub fn request_cancel(&self, id: &CallId) -> Result<bool> {
        if self
            .calls()
            .cancel_queued(id.as_str(), jiff::Timestamp::now())?
        {
            self.scrub(id)?;
            return Ok(true);
        }
        self.calls().flag_cancel(id.as_str(), true)?;
        Ok(false)
    }

    /// Calls at the console the kiosk wants withdrawn.
    pub fn cancels(&self) -> Result<Vec<CallId>> {
        parse_ids(self.calls().cancels()?)
    }

    pub fn cancel_done(&self, id: &CallId) -> Result<()> {
        Ok(self.calls().flag_cancel(id.as_str(), false)?)
    }

    pub fn queued_count(&self) -> Result<usize> {
        Ok(self.calls().queued_count()?)
    }

    pub fn row(&self, id: &CallId) -> Result<Option<Row>> {
        Ok(self.calls().row(id.as_str())?.map(Row::from_stored))
    }
}

/// Whether a stored time is before `limit`. A missing or unreadable time
/// counts as old: words are never kept for lack of a date.
fn before(t: Option<&str>, limit: jiff::Timestamp) -> bool {
    t.and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .is_none_or(|t| t < limit)
}

fn parse_ids(ids: Vec<String>) -> Result<Vec<CallId>> {
    ids.iter().map(|id| CallId::parse(id)).collect()
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
    fn from_stored(row: CallRow) -> Row {
        Row {
            status: Local::parse(&row.status),
            by: row.by,
            language: row.language.parse().unwrap_or(Lang::En),
            last_error: row.last_error,
            attempts: row.attempts,
        }
    }

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
