//! The console's state: every call in memory and in SQLite, one change
//! counter, and the two ways news leaves — waking kiosks' long polls (a
//! `Condvar`) and pushing frames to staff pages' event streams (a channel
//! per page). One lock guards it all; nothing slow happens under it but a
//! SQLite write.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::store::Store;
use crate::call::{
    AnalyticsPush, CallId, CallRecord, CallState, Delivered, KioskFigures, NewCall, Stamp,
    WatchReply, WatchRequest,
};
use crate::error::{Error, Result};

/// The longest a kiosk's watch may hang.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(30);
/// Closed calls the staff page lists under "Recently closed".
const RECENT_CLOSED: usize = 20;
/// How often old calls and sessions are looked for.
const PRUNE_EVERY: Duration = Duration::from_secs(600);
/// Who closed a call that stayed open too long.
pub(crate) const EXPIRED_BY: &str = "console (expired)";

pub(crate) struct Hub {
    inner: Mutex<Inner>,
    changed: Condvar,
    stopping: AtomicBool,
    keep_closed: jiff::SignedDuration,
    max_open: jiff::SignedDuration,
}

struct Inner {
    store: Store,
    calls: HashMap<CallId, CallRecord>,
    /// The change counter: every change to a call takes the next value.
    version: u64,
    /// Each kiosk's latest change, so a kiosk's watch wakes for its new
    /// calls too.
    kiosk_version: HashMap<String, u64>,
    /// Staff pages' event streams.
    subscribers: Vec<Sender<String>>,
    analytics: BTreeMap<String, KioskFigures>,
    last_prune: Option<Instant>,
}

/// Why a state change was not made.
#[derive(Debug)]
pub(crate) enum StateError {
    NotFound,
    Invalid { from: CallState, to: CallState },
    Store(Error),
}

/// What a staff page receives first on connecting.
#[derive(Serialize)]
struct Snapshot<'a> {
    version: u64,
    calls: Vec<&'a CallRecord>,
    analytics: Vec<&'a KioskFigures>,
}

impl Hub {
    pub fn open(db: &Path, keep_closed_days: u64, max_open_hours: u64) -> Result<Hub> {
        let store = Store::open(db)?;
        let mut calls = HashMap::new();
        let mut version = 0;
        let mut kiosk_version: HashMap<String, u64> = HashMap::new();
        for call in store.calls()? {
            version = version.max(call.version);
            let v = kiosk_version.entry(call.kiosk.id.clone()).or_default();
            *v = (*v).max(call.version);
            calls.insert(call.id.clone(), call);
        }
        let analytics = store
            .analytics()?
            .into_iter()
            .map(|f| (f.kiosk.id.clone(), f))
            .collect();
        let hub = Hub {
            inner: Mutex::new(Inner {
                store,
                calls,
                version,
                kiosk_version,
                subscribers: Vec::new(),
                analytics,
                last_prune: None,
            }),
            changed: Condvar::new(),
            stopping: AtomicBool::new(false),
            keep_closed: jiff::SignedDuration::from_hours(
                24 * i64::try_from(keep_closed_days.min(36_500)).unwrap_or(36_500),
            ),
            max_open: jiff::SignedDuration::from_hours(
                i64::try_from(max_open_hours.min(24 * 36_500)).unwrap_or(24 * 36_500),
            ),
        };
        hub.prune(jiff::Timestamp::now())?;
        Ok(hub)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores a call delivered by a kiosk; a known id returns the call as it
    /// is (the kiosk retried after a lost reply).
    pub fn deliver(&self, new: NewCall, now: jiff::Timestamp) -> Result<Delivered> {
        self.prune_if_due(now)?;
        let mut inner = self.lock();
        if let Some(existing) = inner.calls.get(&new.id) {
            return Ok(Delivered {
                created: false,
                call: existing.clone(),
            });
        }
        let record = CallRecord {
            id: new.id,
            kiosk: new.kiosk,
            handoff: new.handoff,
            created_at: new.created_at,
            received_at: now,
            state: CallState::Open,
            on_the_way: None,
            closed: None,
            version: inner.version + 1,
        };
        inner.store.put_call(&record)?;
        inner.commit(&record);
        self.changed.notify_all();
        Ok(Delivered {
            created: true,
            call: record,
        })
    }

    /// Moves a call along; asking for the state it is already in changes
    /// nothing and succeeds (a double tap, a retried request).
    pub fn set_state(
        &self,
        id: &CallId,
        state: CallState,
        by: &str,
        now: jiff::Timestamp,
    ) -> Result<CallRecord, StateError> {
        let mut inner = self.lock();
        let current = inner.calls.get(id).ok_or(StateError::NotFound)?;
        if current.state == state {
            return Ok(current.clone());
        }
        if !current.state.can_become(state) {
            return Err(StateError::Invalid {
                from: current.state,
                to: state,
            });
        }
        let mut record = current.clone();
        let stamp = Stamp {
            by: by.to_string(),
            at: now,
        };
        record.state = state;
        if state == CallState::OnTheWay {
            record.on_the_way = Some(stamp);
        } else {
            record.closed = Some(stamp);
            // What the shopper said is only kept while staff need it.
            record.handoff.last_messages.clear();
        }
        record.version = inner.version + 1;
        inner.store.put_call(&record).map_err(StateError::Store)?;
        inner.commit(&record);
        self.changed.notify_all();
        Ok(record)
    }

    pub fn get(&self, id: &CallId) -> Option<CallRecord> {
        self.lock().calls.get(id).cloned()
    }

    /// Open calls (oldest first), or every call kept with `all`.
    pub fn list(&self, all: bool) -> Vec<CallRecord> {
        // A failed prune is tried again next time; the list still answers.
        let _ = self.prune_if_due(jiff::Timestamp::now());
        let inner = self.lock();
        let mut calls: Vec<CallRecord> = inner
            .calls
            .values()
            .filter(|c| all || !c.state.is_closed())
            .cloned()
            .collect();
        calls.sort_by_key(|c| c.version);
        calls
    }

    /// Answers a kiosk's watch: at once when something it follows changed
    /// after `since` (or is unknown here), else when something does, else
    /// after the wait.
    pub fn watch(&self, request: &WatchRequest) -> WatchReply {
        let deadline = Instant::now() + Duration::from_millis(request.wait_ms).min(MAX_WAIT);
        let mut inner = self.lock();
        loop {
            let mut calls = Vec::new();
            let mut missing = Vec::new();
            for id in &request.ids {
                match inner.calls.get(id) {
                    Some(call) => calls.push(call.clone()),
                    None => missing.push(id.clone()),
                }
            }
            let kiosk_changed = inner
                .kiosk_version
                .get(&request.kiosk)
                .is_some_and(|v| *v > request.since);
            let changed = !missing.is_empty()
                || kiosk_changed
                || calls.iter().any(|c| c.version > request.since)
                // The console's database was replaced: start over.
                || inner.version < request.since;
            let now = Instant::now();
            if changed || now >= deadline || self.stopping.load(Ordering::Relaxed) {
                return WatchReply {
                    version: inner.version,
                    calls,
                    missing,
                };
            }
            inner = self
                .changed
                .wait_timeout(inner, deadline - now)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|p| p.into_inner().0);
        }
    }

    /// A new staff page's stream: the snapshot first, then every change.
    pub fn subscribe(&self) -> Receiver<String> {
        let _ = self.prune_if_due(jiff::Timestamp::now());
        let (tx, rx) = channel();
        let mut inner = self.lock();
        let mut open: Vec<&CallRecord> = inner
            .calls
            .values()
            .filter(|c| !c.state.is_closed())
            .collect();
        let mut closed: Vec<&CallRecord> = inner
            .calls
            .values()
            .filter(|c| c.state.is_closed())
            .collect();
        closed.sort_by_key(|c| std::cmp::Reverse(c.version));
        closed.truncate(RECENT_CLOSED);
        open.extend(closed);
        open.sort_by_key(|c| c.version);
        let snapshot = Snapshot {
            version: inner.version,
            calls: open,
            analytics: inner.analytics.values().collect(),
        };
        let frame = frame("snapshot", Some(inner.version), &snapshot);
        if tx.send(frame).is_ok() {
            inner.subscribers.push(tx);
        }
        rx
    }

    pub fn put_analytics(&self, push: AnalyticsPush, now: jiff::Timestamp) -> Result<()> {
        let figures = KioskFigures {
            kiosk: push.kiosk,
            received_at: now,
            figures: push.figures,
        };
        let mut inner = self.lock();
        inner.store.put_analytics(&figures)?;
        let frame = frame("analytics", None, &figures);
        inner.broadcast(&frame);
        inner.analytics.insert(figures.kiosk.id.clone(), figures);
        Ok(())
    }

    pub fn analytics(&self) -> Vec<KioskFigures> {
        self.lock().analytics.values().cloned().collect()
    }

    pub fn add_session(
        &self,
        token_sha256: &str,
        staff: &str,
        now: jiff::Timestamp,
        expires_unix: i64,
    ) -> Result<()> {
        self.lock()
            .store
            .add_session(token_sha256, staff, now, expires_unix)
    }

    pub fn session(&self, token_sha256: &str, now_unix: i64) -> Result<Option<String>> {
        self.lock().store.session(token_sha256, now_unix)
    }

    pub fn end_session(&self, token_sha256: &str, now_unix: i64) -> Result<()> {
        self.lock().store.end_session(token_sha256, now_unix)
    }

    /// Wakes every waiter and ends every stream.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        self.lock().subscribers.clear();
        self.changed.notify_all();
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    fn prune_if_due(&self, now: jiff::Timestamp) -> Result<()> {
        if self
            .lock()
            .last_prune
            .is_none_or(|t| t.elapsed() > PRUNE_EVERY)
        {
            self.prune(now)?;
        }
        Ok(())
    }

    /// Forgets expired sessions; closes (as cancelled) calls open longer
    /// than the limit, which wakes their kiosks and drops their words; and
    /// forgets closed calls older than the keep period (but never the
    /// newest call, which holds the change counter).
    pub(crate) fn prune(&self, now: jiff::Timestamp) -> Result<()> {
        let mut inner = self.lock();
        inner.last_prune = Some(Instant::now());
        inner.store.purge_sessions(now.as_second())?;
        if let Ok(open_horizon) = now.checked_sub(self.max_open) {
            let mut stale: Vec<CallRecord> = inner
                .calls
                .values()
                .filter(|c| !c.state.is_closed() && c.received_at < open_horizon)
                .cloned()
                .collect();
            stale.sort_by_key(|c| c.version);
            let closed_any = !stale.is_empty();
            for mut record in stale {
                record.state = CallState::Cancelled;
                record.closed = Some(Stamp {
                    by: EXPIRED_BY.to_string(),
                    at: now,
                });
                record.handoff.last_messages.clear();
                record.version = inner.version + 1;
                inner.store.put_call(&record)?;
                inner.commit(&record);
            }
            if closed_any {
                self.changed.notify_all();
            }
        }
        let Ok(horizon) = now.checked_sub(self.keep_closed) else {
            return Ok(());
        };
        let newest = inner.version;
        let old: Vec<CallId> = inner
            .calls
            .values()
            .filter(|c| c.version != newest)
            .filter(|c| c.closed.as_ref().is_some_and(|s| s.at < horizon))
            .map(|c| c.id.clone())
            .collect();
        if old.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = old.iter().map(CallId::as_str).collect();
        inner.store.delete_calls(&ids)?;
        for id in &old {
            inner.calls.remove(id);
        }
        Ok(())
    }
}

impl Inner {
    /// Takes a stored change into memory and tells the staff pages.
    fn commit(&mut self, record: &CallRecord) {
        self.version = record.version;
        self.kiosk_version
            .insert(record.kiosk.id.clone(), record.version);
        self.calls.insert(record.id.clone(), record.clone());
        let frame = frame("call", Some(record.version), record);
        self.broadcast(&frame);
    }

    fn broadcast(&mut self, frame: &str) {
        self.subscribers
            .retain(|tx| tx.send(frame.to_string()).is_ok());
    }
}

/// One server-sent event. JSON has no raw newlines, so `data` is one line.
fn frame<T: Serialize>(event: &str, id: Option<u64>, data: &T) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "null".to_string());
    match id {
        Some(id) => format!("event: {event}\nid: {id}\ndata: {json}\n\n"),
        None => format!("event: {event}\ndata: {json}\n\n"),
    }
}
