//! When to sync: nightly at a configured local time plus random jitter (so
//! a store's kiosks do not all hit the server at once), when a stick with
//! a bundle is mounted, and when staff ask.
//!
//! [`SyncAgent`] only decides: [`SyncAgent::tick`] takes the time and the
//! folders with bundles currently mounted, and returns the task to run, so
//! the schedule is tested without sleeping or mounting anything. [`run`]
//! is the loop around it (scan, tick, sync, refresh the live snapshot) for
//! `kiosk sync --watch` and for the app's sync thread ([`spawn`]).
//!
//! - A stick is acted on once its bundles looked the same on two scans in a
//!   row (not while files are still being copied onto it), and once per
//!   insertion: whatever the outcome, it is not retried until it is removed
//!   and inserted again, or its bundles change.
//! - A failed server pull is retried after `retry_after`, until it works or
//!   the next nightly slot comes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kiosk_catalog::live::LiveSnapshot;
use rand::{Rng, SeedableRng};

use crate::source::{Mounted, Source, scan_mounts};
use crate::state::Outcome;
use crate::syncer::Syncer;

#[derive(Debug, Clone)]
pub struct Schedule {
    /// Local time of the nightly pull; `None`: no nightly pull.
    pub nightly_at: Option<jiff::civil::Time>,
    /// The nightly pull starts at a random moment this long after
    /// `nightly_at`.
    pub jitter: SignedDuration,
    pub retry_after: SignedDuration,
    pub time_zone: jiff::tz::TimeZone,
    /// The store server's bundle URL, for nightly and on-demand pulls.
    pub server: Option<String>,
    /// Sticks are looked for under this folder.
    pub usb_root: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Nightly,
    Retry,
    OnDemand,
    StickInserted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub source: Source,
    pub reason: Reason,
}

#[derive(Debug, Clone)]
struct Seen {
    fingerprint: u64,
    scans: u32,
    handled: bool,
}

pub struct SyncAgent {
    schedule: Schedule,
    next_nightly: Option<Timestamp>,
    retry_at: Option<Timestamp>,
    on_demand: bool,
    mounts: HashMap<PathBuf, Seen>,
    rng: rand::rngs::StdRng,
}

impl SyncAgent {
    /// `seed` drives the jitter (tests pass a fixed one).
    pub fn new(schedule: Schedule, now: Timestamp, seed: u64) -> SyncAgent {
        let mut agent = SyncAgent {
            schedule,
            next_nightly: None,
            retry_at: None,
            on_demand: false,
            mounts: HashMap::new(),
            rng: rand::rngs::StdRng::seed_from_u64(seed),
        };
        agent.next_nightly = agent.nightly_after(now);
        agent
    }

    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// When the next nightly pull is due.
    pub fn next_nightly(&self) -> Option<Timestamp> {
        self.next_nightly
    }

    pub fn retry_at(&self) -> Option<Timestamp> {
        self.retry_at
    }

    /// Staff asked for a sync (the staff panel's button).
    pub fn request_now(&mut self) {
        self.on_demand = true;
    }

    /// The first nightly slot after `now`, jittered.
    fn nightly_after(&mut self, now: Timestamp) -> Option<Timestamp> {
        let time = self.schedule.nightly_at?;
        self.schedule.server.as_ref()?;
        let tz = self.schedule.time_zone.clone();
        let mut date = now.to_zoned(tz.clone()).date();
        let slot = loop {
            let at = date
                .to_datetime(time)
                .to_zoned(tz.clone())
                .ok()?
                .timestamp();
            if at > now {
                break at;
            }
            date = date.tomorrow().ok()?;
        };
        let jitter_secs = self.schedule.jitter.as_secs().max(0);
        let jitter = if jitter_secs > 0 {
            self.rng.random_range(0..jitter_secs)
        } else {
            0
        };
        slot.checked_add(SignedDuration::from_secs(jitter)).ok()
    }

    /// What to do now, given the folders with bundles mounted under the USB
    /// root. At most one task per call; call again after it finished.
    pub fn tick(&mut self, now: Timestamp, mounted: &[Mounted]) -> Option<Task> {
        self.mounts
            .retain(|folder, _| mounted.iter().any(|m| &m.folder == folder));
        for m in mounted {
            let seen = self.mounts.entry(m.folder.clone()).or_insert(Seen {
                fingerprint: m.fingerprint,
                scans: 0,
                handled: false,
            });
            if seen.fingerprint != m.fingerprint {
                *seen = Seen {
                    fingerprint: m.fingerprint,
                    scans: 0,
                    handled: false,
                };
            }
            seen.scans = seen.scans.saturating_add(1);
        }
        let mut ready: Vec<&PathBuf> = self
            .mounts
            .iter()
            .filter(|(_, s)| !s.handled && s.scans >= 2)
            .map(|(f, _)| f)
            .collect();
        ready.sort();
        if let Some(folder) = ready.first().map(|f| (*f).clone()) {
            if let Some(seen) = self.mounts.get_mut(&folder) {
                seen.handled = true;
            }
            return Some(Task {
                source: Source::Folder(folder),
                reason: Reason::StickInserted,
            });
        }
        if self.on_demand {
            self.on_demand = false;
            let source = match (&self.schedule.server, mounted.first()) {
                (Some(url), _) => Some(Source::Http(url.clone())),
                (None, Some(m)) => Some(Source::Folder(m.folder.clone())),
                (None, None) => None,
            };
            if let Some(source) = source {
                return Some(Task {
                    source,
                    reason: Reason::OnDemand,
                });
            }
        }
        let url = self.schedule.server.clone()?;
        if self.next_nightly.is_some_and(|at| at <= now) {
            self.next_nightly = self.nightly_after(now);
            self.retry_at = None;
            return Some(Task {
                source: Source::Http(url),
                reason: Reason::Nightly,
            });
        }
        if self.retry_at.is_some_and(|at| at <= now) {
            self.retry_at = None;
            return Some(Task {
                source: Source::Http(url),
                reason: Reason::Retry,
            });
        }
        None
    }

    /// How a task ended: a failed server pull is retried later.
    pub fn finished(&mut self, task: &Task, success: bool, now: Timestamp) {
        if !matches!(task.source, Source::Http(_)) {
            return;
        }
        if success {
            self.retry_at = None;
            return;
        }
        let retry = now.checked_add(self.schedule.retry_after).ok();
        self.retry_at = match (retry, self.next_nightly) {
            (Some(r), Some(n)) if r >= n => None,
            (r, _) => r,
        };
    }
}

/// Messages to a running agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    SyncNow,
    Stop,
}

/// What a running agent reports.
#[derive(Debug, Clone)]
pub enum AgentEvent {
    Started(Task),
    Finished {
        task: Task,
        outcome: Outcome,
        /// One line: what was applied, or why not.
        summary: String,
        /// The live snapshot was switched to the new one.
        switched: bool,
    },
    /// Staff asked for a sync but there is no server and no stick.
    NothingToSync,
}

/// Runs the agent until `Control::Stop` or the sender is dropped: scans the
/// USB root every `poll`, runs due tasks, and refreshes `live` after each.
pub fn run(
    syncer: &Syncer,
    agent: &mut SyncAgent,
    live: Option<&LiveSnapshot>,
    control: &Receiver<Control>,
    poll: Duration,
    on_event: &mut dyn FnMut(AgentEvent),
) {
    loop {
        let now = Timestamp::now();
        let mounted = agent
            .schedule
            .usb_root
            .as_deref()
            .map(scan_mounts)
            .unwrap_or_default();
        let asked = agent.on_demand;
        match agent.tick(now, &mounted) {
            Some(task) => {
                on_event(AgentEvent::Started(task.clone()));
                let mut quiet = kiosk_catalog::import::NoProgress;
                let (outcome, summary) = match syncer.sync(&task.source, &mut quiet) {
                    Ok(report) => (report.outcome(), report.summary()),
                    Err(e) => (Outcome::Failed, e.to_string()),
                };
                let switched = live.is_some_and(|l| matches!(l.refresh(), Ok(true)));
                agent.finished(&task, outcome.is_success(), Timestamp::now());
                on_event(AgentEvent::Finished {
                    task,
                    outcome,
                    summary,
                    switched,
                });
                continue;
            }
            None if asked => on_event(AgentEvent::NothingToSync),
            None => {}
        }
        match control.recv_timeout(poll) {
            Ok(Control::SyncNow) => agent.request_now(),
            Ok(Control::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// An agent on its own thread, for the app.
pub struct AgentHandle {
    control: Sender<Control>,
    thread: Option<JoinHandle<()>>,
}

impl AgentHandle {
    /// Staff asked for a sync now.
    pub fn sync_now(&self) {
        let _ = self.control.send(Control::SyncNow);
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.control.send(Control::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for AgentHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts the agent on a thread named `sync`. `on_event` runs on that
/// thread (post the events to the UI from there).
pub fn spawn(
    syncer: Syncer,
    schedule: Schedule,
    live: Option<Arc<LiveSnapshot>>,
    poll: Duration,
    mut on_event: impl FnMut(AgentEvent) + Send + 'static,
) -> std::io::Result<AgentHandle> {
    let (control, rx) = channel();
    let thread = std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || {
            let mut agent = SyncAgent::new(schedule, Timestamp::now(), rand::random());
            run(
                &syncer,
                &mut agent,
                live.as_deref(),
                &rx,
                poll,
                &mut on_event,
            );
        })?;
    Ok(AgentHandle {
        control,
        thread: Some(thread),
    })
}

#[cfg(test)]
mod tests;
