//! The kiosk's side of a staff call: [`StaffLink`].
//!
//! [`StaffLink::call`] saves the call in the kiosk's `local.sqlite` and
//! returns at once; nothing the app does waits on the network. Two threads
//! do the rest:
//!
//! - the *deliverer* sends saved calls to the console (`POST /api/calls`),
//!   retrying with exponential backoff while the console is unreachable; a
//!   call keeps its id across retries, so it arrives once however often the
//!   reply is lost. It also withdraws cancelled calls and, if configured,
//!   sends today's analytics figures now and then.
//! - the *follower* long-polls the console (`POST /api/calls/watch`) for the
//!   kiosk's open calls; the console answers the moment one changes.
//!
//! Each change reaches the app as a [`CallEvent`] on the channels from
//! [`StaffLink::events`]; [`CallEvent::message`] is what to tell the
//! shopper, in their language.

mod http;
mod outbox;

use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use kiosk_core::Lang;
use kiosk_core::assistant::Handoff;
use serde::Serialize;

pub use http::ConsoleClient;
use outbox::Outbox;

use crate::analytics::{Analytics, Period};
use crate::auth::StoreKey;
use crate::call::{AnalyticsPush, CallId, CallState, KioskInfo, NewCall, WatchRequest};
use crate::error::{Error, Result};
use crate::messages;

/// How the kiosk reaches the console (from `[staff]` and `[kiosk]` in the
/// config).
#[derive(Debug, Clone)]
pub struct LinkConfig {
    /// `https://HOST:PORT` of `kiosk staff-console` (or `http://`).
    pub console_url: String,
    /// The SHA-256 of the console's certificate, for `https://`: the kiosk
    /// talks to no server with another.
    pub console_cert_sha256: Option<String>,
    pub key: StoreKey,
    pub kiosk: KioskInfo,
    /// The first wait after a failed delivery; it doubles up to
    /// `retry_max`.
    pub retry_initial: Duration,
    pub retry_max: Duration,
    /// Bounds every request (connect, send, reply).
    pub request_timeout: Duration,
    /// How long one watch may hang at the console.
    pub watch_wait: Duration,
    /// Send today's figures to the console this often.
    pub analytics_every: Option<Duration>,
    /// A call not delivered by then is dropped as failed: the shopper has
    /// long gone.
    pub expire_after: Duration,
    /// What the shopper said is dropped from a call this long after it
    /// failed or expired (closed calls drop it at once), and from a call
    /// still under way this long after it expired.
    pub forget_words_after: Duration,
    /// A call that ended is deleted from the kiosk this long after.
    pub keep_ended_after: Duration,
}

impl LinkConfig {
    pub fn new(console_url: &str, key: StoreKey, kiosk: KioskInfo) -> LinkConfig {
        LinkConfig {
            console_url: console_url.to_string(),
            console_cert_sha256: None,
            key,
            kiosk,
            retry_initial: Duration::from_millis(500),
            retry_max: Duration::from_secs(30),
            request_timeout: Duration::from_secs(5),
            watch_wait: Duration::from_secs(20),
            analytics_every: None,
            expire_after: Duration::from_secs(12 * 3600),
            forget_words_after: Duration::from_secs(24 * 3600),
            keep_ended_after: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// Where a call stands, as the kiosk knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CallStatus {
    /// Saved on the kiosk; the console cannot be reached yet. The link
    /// keeps trying.
    Queued {
        error: String,
    },
    /// The console has it; staff see it.
    Delivered,
    OnTheWay {
        by: String,
    },
    /// Staff closed the loop: time for the handback.
    Resolved {
        by: String,
    },
    Cancelled,
    /// The console refused it for good (a kiosk misconfiguration).
    Failed {
        error: String,
    },
}

impl CallStatus {
    /// What to tell the shopper.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CallStatus::Queued { .. } => messages::offline(lang).to_string(),
            CallStatus::Delivered => messages::delivered(lang).to_string(),
            CallStatus::OnTheWay { by } => messages::on_the_way(lang, by),
            CallStatus::Resolved { .. } => messages::handback(lang).to_string(),
            CallStatus::Cancelled => messages::cancelled(lang).to_string(),
            CallStatus::Failed { .. } => messages::failed(lang).to_string(),
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(
            self,
            CallStatus::Resolved { .. } | CallStatus::Cancelled | CallStatus::Failed { .. }
        )
    }
}

/// A change to one of the kiosk's calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallEvent {
    pub call: CallId,
    /// The shopper's language (the handoff's).
    pub language: Lang,
    #[serde(flatten)]
    pub status: CallStatus,
}

impl CallEvent {
    /// What to tell the shopper, in their language.
    pub fn message(&self) -> String {
        self.status.message(self.language)
    }
}

/// The kiosk's link to the staff console. Dropping it stops the threads
/// (a watch in flight ends on its own); saved calls wait in
/// `local.sqlite` for the next link.
pub struct StaffLink {
    shared: Arc<Shared>,
    deliverer: Option<JoinHandle<()>>,
    follower: Option<JoinHandle<()>>,
}

struct Shared {
    config: LinkConfig,
    client: ConsoleClient,
    outbox: Mutex<Outbox>,
    listeners: Mutex<Listeners>,
    wake: Mutex<Wake>,
    woken: Condvar,
}

#[derive(Default)]
struct Listeners {
    senders: Vec<Sender<CallEvent>>,
    /// Events from before anyone listened, for the first listener.
    backlog: Vec<CallEvent>,
}

#[derive(Default)]
struct Wake {
    deliver: bool,
    follow: bool,
    stop: bool,
}

/// The most events kept for a first listener.
const BACKLOG: usize = 1000;
/// Calls sent per delivery round.
const BATCH: usize = 50;
/// How often ended calls are checked for words to forget.
const FORGET_EVERY: Duration = Duration::from_secs(600);

impl StaffLink {
    /// Opens the outbox in `data_dir/local.sqlite` and starts delivering
    /// (including calls saved by an earlier run).
    pub fn start(config: LinkConfig, data_dir: &Path) -> Result<StaffLink> {
        let outbox = Outbox::open(data_dir)?;
        let client = ConsoleClient::pinned(
            &config.console_url,
            config.key.clone(),
            config.request_timeout,
            config.console_cert_sha256.as_deref(),
        )?;
        let shared = Arc::new(Shared {
            config,
            client,
            outbox: Mutex::new(outbox),
            listeners: Mutex::new(Listeners::default()),
            wake: Mutex::new(Wake {
                deliver: true,
                follow: true,
                stop: false,
            }),
            woken: Condvar::new(),
        });
        let spawn = |name: &str, f: fn(Arc<Shared>)| {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(name.to_string())
                .spawn(move || f(shared))
                .map_err(|e| Error::Invalid(format!("starting the staff link: {e}")))
        };
        let deliverer = spawn("staff-deliver", deliver_loop)?;
        let follower = spawn("staff-follow", follow_loop)?;
        Ok(StaffLink {
            shared,
            deliverer: Some(deliverer),
            follower: Some(follower),
        })
    }

    /// Calls staff with the assistant's handoff: saves the call and
    /// returns its id at once; delivery and every change follow as events.
    pub fn call(&self, handoff: &Handoff) -> Result<CallId> {
        let call = NewCall {
            id: CallId::random(),
            kiosk: self.shared.config.kiosk.clone(),
            created_at: jiff::Timestamp::now(),
            handoff: handoff.clone(),
        };
        self.shared.outbox().add(&call)?;
        self.shared.wake(|w| w.deliver = true);
        Ok(call.id)
    }

    /// Withdraws a call (the shopper left): a call still queued is never
    /// sent; one at the console is cancelled there.
    pub fn cancel(&self, id: &CallId) -> Result<()> {
        let outbox = self.shared.outbox();
        if outbox.request_cancel(id)? {
            let language = outbox.row(id)?.map_or(Lang::En, |r| r.language);
            drop(outbox);
            self.shared.emit(CallEvent {
                call: id.clone(),
                language,
                status: CallStatus::Cancelled,
            });
        } else {
            drop(outbox);
            self.shared.wake(|w| w.deliver = true);
        }
        Ok(())
    }

    /// A new channel of call events. The first one also gets the events
    /// from before it was asked for.
    pub fn events(&self) -> Receiver<CallEvent> {
        let (tx, rx) = channel();
        let mut listeners = self.shared.listeners();
        let first = listeners.senders.is_empty();
        if first {
            for event in listeners.backlog.drain(..) {
                let _ = tx.send(event);
            }
        }
        listeners.senders.push(tx);
        rx
    }

    /// Where a call stands now.
    pub fn status(&self, id: &CallId) -> Result<Option<CallStatus>> {
        Ok(self.shared.outbox().row(id)?.map(|r| r.status()))
    }

    /// Calls saved but not yet delivered.
    pub fn queued(&self) -> Result<usize> {
        self.shared.outbox().queued_count()
    }

    /// Waits until every saved call is delivered (calls left by an earlier
    /// run included), or `timeout` passes; returns how many are still
    /// queued. For short-lived processes such as `kiosk call-staff`.
    pub fn flush(&self, timeout: Duration) -> Result<usize> {
        let until = Instant::now() + timeout;
        self.shared.outbox().retry_all_now()?;
        self.shared.wake(|w| w.deliver = true);
        loop {
            let queued = self.queued()?;
            if queued == 0 || Instant::now() >= until {
                return Ok(queued);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn config(&self) -> &LinkConfig {
        &self.shared.config
    }

    /// Stops the threads; queued calls stay saved.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.wake(|w| w.stop = true);
        if let Some(deliverer) = self.deliverer.take() {
            let _ = deliverer.join();
        }
        // The follower may be inside a watch; it ends when the watch does.
        self.follower.take();
    }
}

impl Drop for StaffLink {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Shared {
    fn outbox(&self) -> MutexGuard<'_, Outbox> {
        self.outbox.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn listeners(&self) -> MutexGuard<'_, Listeners> {
        self.listeners.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wake(&self, set: impl FnOnce(&mut Wake)) {
        let mut wake = self.wake.lock().unwrap_or_else(|p| p.into_inner());
        set(&mut wake);
        self.woken.notify_all();
    }

    fn stopping(&self) -> bool {
        self.wake.lock().unwrap_or_else(|p| p.into_inner()).stop
    }

    /// Sleeps until `flag` is raised (and lowers it), the link stops, or
    /// `timeout` passes. Returns false when stopping.
    fn sleep(&self, timeout: Duration, flag: fn(&mut Wake) -> &mut bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut wake = self.wake.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if wake.stop {
                return false;
            }
            if std::mem::take(flag(&mut wake)) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            wake = self
                .woken
                .wait_timeout(wake, deadline - now)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|p| p.into_inner().0);
        }
    }

    fn emit(&self, event: CallEvent) {
        let mut listeners = self.listeners();
        if listeners.senders.is_empty() {
            if listeners.backlog.len() < BACKLOG {
                listeners.backlog.push(event);
            }
            return;
        }
        listeners
            .senders
            .retain(|tx| tx.send(event.clone()).is_ok());
    }

    /// The wait before try number `attempts + 1`: doubling from the
    /// initial wait, capped, with ±20% jitter so kiosks do not retry in
    /// step.
    fn backoff(&self, attempts: u32) -> Duration {
        let initial = self.config.retry_initial.as_secs_f64();
        let max = self.config.retry_max.as_secs_f64().max(initial);
        let base = (initial * 2f64.powi(attempts.saturating_sub(1).min(30) as i32)).min(max);
        let jitter = 0.8 + 0.4 * rand::random::<f64>();
        Duration::from_secs_f64(base * jitter)
    }

    /// Applies the console's view of a call and tells the listeners.
    fn take_record(&self, record: &crate::call::CallRecord) {
        let news = match self.outbox().apply(record) {
            Ok(news) => news,
            Err(_) => return,
        };
        for status in news {
            self.emit(CallEvent {
                call: record.id.clone(),
                language: record.handoff.language,
                status,
            });
        }
    }
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn deliver_loop(shared: Arc<Shared>) {
    let mut next_analytics = Instant::now();
    let mut next_forget = Instant::now();
    loop {
        if shared.stopping() {
            return;
        }
        deliver_due(&shared);
        send_cancels(&shared);
        if Instant::now() >= next_forget {
            forget_words(&shared);
            next_forget = Instant::now() + FORGET_EVERY;
        }
        if let Some(every) = shared.config.analytics_every
            && Instant::now() >= next_analytics
        {
            push_analytics(&shared);
            next_analytics = Instant::now() + every;
        }
        // Sleep until the next call is due, something is queued, or a
        // few seconds pass (cancels, analytics).
        let mut wait = Duration::from_secs(5);
        if let Ok(Some(due)) = shared.outbox().next_due_ms() {
            wait = wait.min(Duration::from_millis(
                u64::try_from(due - now_ms()).unwrap_or(0),
            ));
        }
        if shared.config.analytics_every.is_some() {
            wait = wait.min(
                next_analytics
                    .saturating_duration_since(Instant::now())
                    .max(Duration::from_millis(10)),
            );
        }
        if !shared.sleep(wait, |w| &mut w.deliver) {
            return;
        }
    }
}

/// Drops the shopper's words from calls that ended long enough ago, or
/// were made long enough ago, and deletes calls that ended before the keep
/// period.
fn forget_words(shared: &Shared) {
    let config = &shared.config;
    let now = jiff::Timestamp::now();
    let ago = |d: Duration| {
        let d = jiff::SignedDuration::try_from(d).unwrap_or(jiff::SignedDuration::MAX);
        now.checked_sub(d).unwrap_or(jiff::Timestamp::MIN)
    };
    let outbox = shared.outbox();
    // A failure here is retried on the next round; delivery goes on.
    let _ = outbox.forget_words(
        ago(config.forget_words_after),
        ago(config
            .expire_after
            .saturating_add(config.forget_words_after)),
    );
    let _ = outbox.delete_ended(ago(config.keep_ended_after));
}

/// One round: every due call, in order. When the console cannot be
/// reached, the rest of the round counts as failed without trying (each
/// would wait out the same timeout).
fn deliver_due(shared: &Shared) {
    loop {
        let due = match shared.outbox().due(now_ms(), BATCH) {
            Ok(due) if !due.is_empty() => due,
            _ => return,
        };
        let mut down: Option<String> = None;
        let mut delivered_any = false;
        for item in due {
            if shared.stopping() {
                return;
            }
            let language = item.call.handoff.language;
            let age = jiff::Timestamp::now().duration_since(item.call.created_at);
            if age.as_secs_f64() > shared.config.expire_after.as_secs_f64() {
                let error = format!(
                    "expired: not delivered within {} minutes",
                    shared.config.expire_after.as_secs() / 60
                );
                if let Ok(true) = shared.outbox().failed(&item.id, &error) {
                    shared.emit(CallEvent {
                        call: item.id.clone(),
                        language,
                        status: CallStatus::Failed { error },
                    });
                }
                continue;
            }
            let result = match &down {
                Some(error) => Err(error.clone()),
                None => match shared.client.deliver(&item.call) {
                    Ok(delivered) => Ok(delivered),
                    Err(e) if e.is_retryable() => {
                        let message = e.to_string();
                        down = Some(message.clone());
                        Err(message)
                    }
                    Err(e) => {
                        let message = e.to_string();
                        if let Ok(true) = shared.outbox().failed(&item.id, &message) {
                            shared.emit(CallEvent {
                                call: item.id.clone(),
                                language,
                                status: CallStatus::Failed { error: message },
                            });
                        }
                        continue;
                    }
                },
            };
            match result {
                Ok(delivered) => {
                    delivered_any = true;
                    shared.take_record(&delivered.call);
                }
                Err(message) => {
                    let next = now_ms()
                        + i64::try_from(shared.backoff(item.attempts + 1).as_millis())
                            .unwrap_or(i64::MAX / 2);
                    let attempts = shared
                        .outbox()
                        .attempt_failed(&item.id, &message, next)
                        .unwrap_or(0);
                    if attempts == 1 {
                        shared.emit(CallEvent {
                            call: item.id.clone(),
                            language,
                            status: CallStatus::Queued { error: message },
                        });
                    }
                }
            }
        }
        if delivered_any {
            // The console is there: calls waiting out a backoff go now, and
            // the follower picks up the new ones.
            let _ = shared.outbox().retry_all_now();
            shared.wake(|w| w.follow = true);
        }
        if down.is_some() {
            return;
        }
    }
}

fn send_cancels(shared: &Shared) {
    let Ok(ids) = shared.outbox().cancels() else {
        return;
    };
    for id in ids {
        match shared.client.set_state(&id, CallState::Cancelled, None) {
            Ok(record) => {
                let _ = shared.outbox().cancel_done(&id);
                shared.take_record(&record);
            }
            Err(Error::Rejected { status: 409, .. }) => {
                // Staff resolved it meanwhile; the follower reports that.
                let _ = shared.outbox().cancel_done(&id);
            }
            Err(_) => return,
        }
    }
}

fn push_analytics(shared: &Shared) {
    let period = Period::today(&jiff::tz::TimeZone::system(), jiff::Timestamp::now());
    let figures = match Analytics::for_period(shared.outbox().local(), period) {
        Ok(figures) => figures,
        Err(_) => return,
    };
    let _ = shared.client.push_analytics(&AnalyticsPush {
        kiosk: shared.config.kiosk.clone(),
        figures,
    });
}

fn follow_loop(shared: Arc<Shared>) {
    let mut since = 0;
    let mut failures = 0;
    loop {
        let ids = shared.outbox().watching().unwrap_or_default();
        if ids.is_empty() {
            if !shared.sleep(Duration::from_secs(1), |w| &mut w.follow) {
                return;
            }
            continue;
        }
        if shared.stopping() {
            return;
        }
        let request = WatchRequest {
            kiosk: shared.config.kiosk.id.clone(),
            ids,
            since,
            wait_ms: u64::try_from(shared.config.watch_wait.as_millis()).unwrap_or(20_000),
        };
        match shared.client.watch(&request) {
            Ok(reply) => {
                failures = 0;
                for record in &reply.calls {
                    shared.take_record(record);
                }
                if !reply.missing.is_empty() {
                    let _ = shared.outbox().requeue(&reply.missing);
                    shared.wake(|w| w.deliver = true);
                }
                since = reply.version;
                // Reachable again: queued calls need not wait out their
                // backoff.
                if shared.outbox().has_failures().unwrap_or(false) {
                    let _ = shared.outbox().retry_all_now();
                    shared.wake(|w| w.deliver = true);
                }
            }
            Err(_) => {
                failures += 1;
                if !shared.sleep(shared.backoff(failures), |w| &mut w.follow) {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
