//! The assistant worker: owns the live snapshot, the shopper's session and
//! the local store, and answers turns off the UI thread. Replies and streamed
//! tokens go back as events.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use kiosk_catalog::DataDir;
use kiosk_catalog::live::LiveSnapshot;
use kiosk_catalog::local::{LocalStore, Retention};
use kiosk_core::assistant::generator::Generator;
use kiosk_core::assistant::{Assistant, AssistantConfig, Session, TurnInput};
use kiosk_core::{Lang, StockLookup};
use kiosk_staff::{Analytics, CallEvent, CallId, CallStatus, LinkConfig, StaffLink};
use kiosk_sync::Syncer;
use kiosk_sync::agent::{AgentEvent, Schedule};

use super::events::{Event, post};
use super::model::ModelSlot;
use super::notices::Notice;
use crate::turn;

pub enum Request {
    Ask {
        turn: u64,
        text: String,
        lang: Option<Lang>,
    },
    /// A new customer: forget the session.
    Reset,
    Detail {
        id: String,
        lang: Lang,
    },
    /// The shopper tapped a product card's button: make it the subject of
    /// the next turn.
    Pick {
        product_id: String,
        sku: String,
    },
    StaffInfo,
    /// Staff asked for a sync from the panel.
    SyncNow,
    /// A sync switched snapshots: tell the UI how fresh the data is now.
    Freshness,
    /// A change to a staff call, from the link's event thread.
    Call(CallEvent),
    /// The shopper's thumbs up or down at the end of a session.
    Feedback {
        up: bool,
    },
    Shutdown,
}

/// Where a staff call stands, as the shopper sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallPhase {
    /// Saved; being sent.
    Calling,
    /// Saved, but the console cannot be reached; the link keeps trying.
    Queued,
    /// The console has it.
    Delivered,
    OnTheWay,
    Resolved,
    /// No call can be made (no console set up, or it refused the call).
    Unavailable,
}

/// The kiosk's links to the store: the staff console and the sync agent,
/// each present only when configured.
#[derive(Default)]
pub struct Links {
    pub staff: Option<LinkConfig>,
    pub sync: Option<(Syncer, Schedule, Duration)>,
    /// The language model, once loaded (it may never be).
    pub model: Arc<ModelSlot>,
    /// How long `local.sqlite` keeps contacts and analytics.
    pub retention: Retention,
    /// The embedding model's file and threads, loaded on the worker's
    /// thread; `None`: search is lexical only.
    pub embed_model: Option<(PathBuf, usize)>,
}

/// What the staff panel shows.
#[derive(Debug, Clone, Default)]
pub struct StaffInfo {
    /// The catalog answered from; `None` before any import.
    pub catalog: Option<CatalogFacts>,
    pub staff_link: String,
    pub model: super::model::ModelFacts,
    pub stats: Vec<Figure>,
}

/// A sync that ran to its end, for the staff panel, which words it in the
/// screen's language (`sync-line` in ui/views/staff.slint).
#[derive(Debug, Clone, PartialEq)]
pub struct SyncFacts {
    /// `Outcome::name` with hyphens: applied, up-to-date, rejected, …
    pub outcome: String,
    /// When it ended, `YYYY-MM-DD hh:mm`.
    pub time: String,
    /// The sync's own report.
    pub summary: String,
    /// The status line that gave the same news.
    pub status_line: String,
}

/// The name the staff panel words an outcome by (`sync-line`).
pub fn outcome_key(outcome: kiosk_sync::state::Outcome) -> String {
    outcome.name().replace(' ', "-")
}

/// The catalog's facts for the staff panel, which words them in the
/// screen's language (`catalog-line` in ui/views/staff.slint).
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogFacts {
    pub products: u64,
    pub variants: u64,
    pub source: String,
    pub as_of: String,
    pub age_hours: f64,
}

/// One of today's figures. The panel words `kind` in the screen's
/// language (`StatBar` in ui/views/staff.slint); `detail` is what it is
/// about, as recorded (a language's own name, a reason, a shopper's words).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub kind: FigureKind,
    pub detail: String,
    pub value: String,
    /// 0..1, for a bar; negative for none.
    pub fraction: f32,
}

/// Which figure a `Figure` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureKind {
    Shoppers,
    Questions,
    Answered,
    Handed,
    ResponseTime,
    Thumbs,
    Language,
    HandedReason,
    Asked,
    Lost,
    Unanswered,
}

impl FigureKind {
    /// The name the UI knows the figure by.
    pub fn key(self) -> &'static str {
        match self {
            FigureKind::Shoppers => "shoppers",
            FigureKind::Questions => "questions",
            FigureKind::Answered => "answered",
            FigureKind::Handed => "handed",
            FigureKind::ResponseTime => "response-time",
            FigureKind::Thumbs => "thumbs",
            FigureKind::Language => "language",
            FigureKind::HandedReason => "handed-reason",
            FigureKind::Asked => "asked",
            FigureKind::Lost => "lost",
            FigureKind::Unanswered => "unanswered",
        }
    }

    pub const ALL: [FigureKind; 11] = [
        FigureKind::Shoppers,
        FigureKind::Questions,
        FigureKind::Answered,
        FigureKind::Handed,
        FigureKind::ResponseTime,
        FigureKind::Thumbs,
        FigureKind::Language,
        FigureKind::HandedReason,
        FigureKind::Asked,
        FigureKind::Lost,
        FigureKind::Unanswered,
    ];
}

pub struct Worker {
    tx: Sender<Request>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn spawn(data_dir: PathBuf, config: AssistantConfig, links: Links) -> Worker {
        let (tx, rx) = channel();
        let own = tx.clone();
        let handle = std::thread::Builder::new()
            .name("assistant".into())
            .spawn(move || run(data_dir, config, links, own, rx))
            .inspect_err(|e| {
                tracing::error!("cannot start the assistant thread: {e}");
                post(Event::Status(format!("The assistant did not start: {e}")));
            })
            .ok();
        Worker { tx, handle }
    }

    pub fn send(&self, request: Request) {
        let _ = self.tx.send(request);
    }

    pub fn shutdown(mut self) {
        let _ = self.tx.send(Request::Shutdown);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn run(
    data_dir: PathBuf,
    config: AssistantConfig,
    links: Links,
    own: Sender<Request>,
    rx: Receiver<Request>,
) {
    let embedder = links.embed_model.as_ref().and_then(|(path, threads)| {
        kiosk_embed::Embedder::open_with_threads(path, *threads)
            .map(Arc::new)
            .map_err(|e| eprintln!("kiosk: search is lexical only: {e}"))
            .ok()
    });
    // The labelled example turns, embedded once: a second opinion on what
    // a turn wants where the rules answer by default (only with the model).
    let wants_examples =
        config.second_opinion != kiosk_core::assistant::intents::SecondOpinion::Off;
    let examples = embedder
        .as_ref()
        .filter(|_| wants_examples)
        .and_then(|embedder| {
            let cache = DataDir::new(&data_dir).vector_cache();
            crate::services::embed::intent_examples(embedder.clone(), Some(&cache))
                .map_err(|e| tracing::error!("intents by rules alone: {e:#}"))
                .ok()
        });
    let live = match LiveSnapshot::open_with_embedder(DataDir::new(&data_dir), embedder.clone()) {
        Ok(live) => Some(Arc::new(live)),
        Err(e) => {
            tracing::error!("no catalog: {e}");
            post(Event::Status(format!("No catalog: {e}")));
            None
        }
    };
    let local = match LocalStore::open(&data_dir) {
        Ok(local) => Some(local),
        Err(e) => {
            // Analytics and back-in-stock requests are off: staff see why,
            // and a shopper asking to be told is told it failed.
            tracing::error!("local records unavailable: {e}");
            post(Event::Status(format!(
                "Local records unavailable (no analytics, no back-in-stock requests): {e}"
            )));
            None
        }
    };
    let retention = links.retention;
    purge(local.as_ref(), live.as_deref(), &retention);
    let mut session = Session::default();
    let mut photos = super::photos::PhotoCache::default();
    let mut tag = turn::new_session_tag();
    if let Some(live) = &live {
        post_freshness(live, &config);
    }
    let agent = links.sync.and_then(|(syncer, schedule, poll)| {
        let syncer = syncer.with_embedder(embedder.clone());
        kiosk_sync::agent::spawn(syncer, schedule, live.clone(), poll, on_sync_event).ok()
    });
    let link = links
        .staff
        .and_then(|cfg| match StaffLink::start(cfg, &data_dir) {
            Ok(link) => Some(link),
            Err(e) => {
                tracing::error!("staff console link not started: {e}");
                post(Event::Status(format!("Staff console: {e}")));
                None
            }
        });
    if let Some(link) = &link {
        let events = link.events();
        let spawned = std::thread::Builder::new()
            .name("staff-events".into())
            .spawn(move || {
                for event in events {
                    if own.send(Request::Call(event)).is_err() {
                        break;
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot follow staff calls: {e}");
        }
    }
    let model = links.model;
    // The call of the shopper in front of the kiosk, while it is open.
    let mut open_call: Option<CallId> = None;
    while let Ok(request) = rx.recv() {
        match request {
            Request::Shutdown => break,
            Request::Reset => {
                // The shopper left: a call still open is withdrawn.
                if let (Some(link), Some(id)) = (&link, open_call.take())
                    && let Err(e) = link.cancel(&id)
                {
                    tracing::warn!(call = id.as_str(), "staff call not withdrawn: {e}");
                }
                session.reset();
                model.forget();
                tag = turn::new_session_tag();
                purge(local.as_ref(), live.as_deref(), &retention);
            }
            Request::Ask { turn, text, lang } => {
                let Some(live) = &live else {
                    post(Event::TurnFailed {
                        turn,
                        notice: Notice::CatalogUnavailable,
                    });
                    continue;
                };
                // Pick up a snapshot a sync published since the last turn.
                if let Ok(true) = live.refresh() {
                    tracing::info!("switched to the newly synced snapshot");
                    post(Event::Status("Switched to the newly synced catalog".into()));
                }
                let snapshot = live.get();
                let generator = model.generator().map(|g| g as &dyn Generator);
                let input = TurnInput { text, lang };
                let (result, clock) = turn::take(
                    &snapshot,
                    &config,
                    generator,
                    examples.as_ref(),
                    &mut session,
                    &input,
                    &mut |token| {
                        post(Event::Token {
                            turn,
                            text: token.to_string(),
                        });
                    },
                );
                match result {
                    Ok(reply) => {
                        let saved = turn::record(local.as_ref(), clock, &tag, &reply);
                        let mut cards = super::convert::cards(&reply, snapshot.lexicon());
                        photos.attach(&snapshot, &mut cards, kiosk_catalog::ImageSize::Card);
                        let handoff = reply.handoff.clone();
                        let language = reply.language;
                        post(Event::Reply {
                            turn,
                            reply: Box::new(reply),
                            cards,
                        });
                        if saved == turn::Recorded::WaitlistLost {
                            post(Event::Notice(Notice::WaitlistNotSaved));
                        }
                        if let Some(handoff) = handoff {
                            open_call = place_call(link.as_ref(), &handoff, language, open_call);
                        }
                        post_freshness(live, &config);
                    }
                    Err(e) => {
                        tracing::error!("a turn failed reading the catalog: {e}");
                        post(Event::TurnFailed {
                            turn,
                            notice: Notice::CatalogError,
                        })
                    }
                }
            }
            Request::Pick { product_id, sku } => {
                if let Some(live) = &live {
                    let snapshot = live.get();
                    let assistant = Assistant::new(&*snapshot, &*snapshot, &config);
                    if let Err(e) = assistant.pick(
                        &mut session,
                        &product_id,
                        Some(sku.as_str()).filter(|s| !s.is_empty()),
                    ) {
                        tracing::error!("a picked product could not be read: {e}");
                    }
                }
            }
            Request::Detail { id, lang } => {
                let card = live.as_ref().and_then(|l| {
                    let snapshot = l.get();
                    let record = snapshot.product(&id).ok().flatten()?;
                    let view = kiosk_core::view::ProductView::new(
                        &record,
                        lang,
                        snapshot.low_stock_threshold(),
                    );
                    let mut card =
                        super::convert::card(&view, lang, snapshot.lexicon(), None, None, &[]);
                    card.photo = photos.get(&snapshot, &id, kiosk_catalog::ImageSize::Detail);
                    Some(card)
                });
                post(Event::Detail(Box::new(card)));
            }
            Request::StaffInfo => {
                let mut info = staff_info(live.as_deref(), local.as_ref(), link.as_ref());
                info.model = model.facts();
                post(Event::StaffInfo(Box::new(info)));
            }
            Request::SyncNow => match &agent {
                Some(agent) => agent.sync_now(),
                None => post(Event::Sync {
                    text: "Sync is not set up on this kiosk ([sync] in kiosk.toml).".into(),
                    finished: None,
                    switched: false,
                }),
            },
            Request::Call(event) => {
                crate::services::staff::log_call_event(&event);
                if open_call.as_ref() != Some(&event.call) {
                    continue;
                }
                let phase = match &event.status {
                    CallStatus::Queued { .. } => CallPhase::Queued,
                    CallStatus::Delivered => CallPhase::Delivered,
                    CallStatus::OnTheWay { .. } => CallPhase::OnTheWay,
                    CallStatus::Resolved { .. } => CallPhase::Resolved,
                    CallStatus::Cancelled | CallStatus::Failed { .. } => CallPhase::Unavailable,
                };
                if event.status.is_final() {
                    open_call = None;
                }
                post(Event::Call {
                    phase,
                    message: event.message(),
                });
            }
            Request::Freshness => {
                if let Some(live) = &live {
                    if let Err(e) = live.refresh() {
                        tracing::error!("the synced snapshot could not be opened: {e}");
                    }
                    post_freshness(live, &config);
                }
            }
            Request::Feedback { up } => {
                if let Some(local) = &local
                    && let Err(e) = local.record_feedback(jiff::Timestamp::now(), &tag, up)
                {
                    tracing::error!("feedback not recorded: {e}");
                }
            }
        }
    }
    drop(agent);
    if let Some(link) = link {
        link.shutdown();
    }
}

fn on_sync_event(event: AgentEvent) {
    let (text, finished, switched) = match event {
        AgentEvent::Started(task) => (
            format!("Syncing from {}…", task.source.describe()),
            None,
            false,
        ),
        AgentEvent::Finished {
            outcome,
            summary,
            switched,
            ..
        } => {
            crate::services::sync::log_outcome(outcome, &summary);
            let time = jiff::Timestamp::now()
                .strftime("%Y-%m-%d %H:%M")
                .to_string();
            let text = format!("Last sync ({time}): {} — {summary}", outcome.name());
            let facts = SyncFacts {
                outcome: outcome_key(outcome),
                time,
                summary,
                status_line: text.clone(),
            };
            (text, Some(facts), switched)
        }
        AgentEvent::NothingToSync => (
            "Nothing to sync from: no sync server set up and no USB stick found.".into(),
            None,
            false,
        ),
    };
    post(Event::Sync {
        text,
        finished,
        switched,
    });
}

/// Sends the handoff to staff. Returns the call now open (a call still open
/// is kept: staff already have the shopper).
fn place_call(
    link: Option<&StaffLink>,
    handoff: &kiosk_core::assistant::Handoff,
    lang: Lang,
    open: Option<CallId>,
) -> Option<CallId> {
    if open.is_some() {
        return open;
    }
    let Some(link) = link else {
        post(Event::Call {
            phase: CallPhase::Unavailable,
            message: kiosk_staff::messages::failed(lang).to_string(),
        });
        return None;
    };
    match link.call(handoff) {
        Ok(id) => {
            post(Event::Call {
                phase: CallPhase::Calling,
                message: String::new(),
            });
            Some(id)
        }
        Err(e) => {
            tracing::error!("staff call not saved: {e}");
            post(Event::Status(format!("Staff call not saved: {e}")));
            post(Event::Call {
                phase: CallPhase::Unavailable,
                message: kiosk_staff::messages::failed(lang).to_string(),
            });
            None
        }
    }
}

/// Deletes what the retention policy no longer allows `local.sqlite` to
/// keep. A contact counts as back in stock when the live snapshot says so.
fn purge(local: Option<&LocalStore>, live: Option<&LiveSnapshot>, retention: &Retention) {
    let Some(local) = local else {
        return;
    };
    let snapshot = live.map(LiveSnapshot::get);
    let in_stock = |sku: &str| {
        snapshot.as_ref().is_some_and(|s| {
            s.product(sku)
                .ok()
                .flatten()
                .is_some_and(|record| record.variants.iter().any(|v| v.sku == sku && v.in_stock))
        })
    };
    if let Err(e) = local.purge(jiff::Timestamp::now(), retention, &in_stock) {
        tracing::error!("purging local records: {e}");
        post(Event::Status(format!("Local records: {e}")));
    }
}

fn post_freshness(live: &LiveSnapshot, config: &AssistantConfig) {
    let snapshot = live.get();
    let info = snapshot.snapshot_info();
    let age = info.age_hours(jiff::Timestamp::now());
    let as_of = match jiff::tz::TimeZone::get(&snapshot.store().timezone) {
        Ok(tz) => info
            .stock_as_of
            .to_zoned(tz)
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => info.stock_as_of.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    };
    post(Event::Freshness {
        stale: age > config.stale_after_hours,
        as_of,
        store_name: snapshot.store().name.clone(),
    });
}

fn staff_info(
    live: Option<&LiveSnapshot>,
    local: Option<&LocalStore>,
    link: Option<&StaffLink>,
) -> StaffInfo {
    let mut info = StaffInfo::default();
    match live {
        Some(live) => {
            let snapshot = live.get();
            let s = snapshot.snapshot_info();
            let age = s.age_hours(jiff::Timestamp::now());
            info.catalog = Some(CatalogFacts {
                products: s.n_products,
                variants: s.n_variants,
                source: s.source.clone(),
                as_of: s.stock_as_of.to_string(),
                age_hours: age,
            });
        }
        None => info.catalog = None,
    }
    if let Some(link) = link {
        let queued = link.queued().unwrap_or_else(|e| {
            tracing::error!("reading the staff-call outbox: {e}");
            0
        });
        info.staff_link = format!(
            "Staff console: {}{}",
            link.config().console_url,
            if queued > 0 {
                format!(" — {queued} call(s) waiting for the connection")
            } else {
                String::new()
            }
        );
    } else {
        info.staff_link = "Staff console: not set up ([staff] console_url)".into();
    }
    if let Some(local) = local {
        info.stats = today_stats(local);
    }
    info
}

/// Today's figures from the local store.
pub fn today_figures(data_dir: &std::path::Path) -> Vec<Figure> {
    match LocalStore::open(data_dir) {
        Ok(local) => today_stats(&local),
        Err(e) => {
            tracing::error!("local records unavailable: {e}");
            Vec::new()
        }
    }
}

fn today_stats(local: &LocalStore) -> Vec<Figure> {
    match Analytics::today(local) {
        Ok(f) => figures(&f),
        Err(e) => {
            tracing::error!("today's figures could not be read: {e}");
            Vec::new()
        }
    }
}

/// The staff panel's figures from a day's analytics, in the order shown.
fn figures(f: &kiosk_staff::Figures) -> Vec<Figure> {
    let pct = |rate: Option<f64>| rate.map_or("–".to_string(), |r| format!("{:.0}%", r * 100.0));
    let bar = |rate: Option<f64>| rate.map_or(0.0, |r| r as f32);
    let ms = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.0} ms"));
    let figure = |kind: FigureKind, detail: String, value: String, fraction: f32| Figure {
        kind,
        detail,
        value,
        fraction,
    };
    let mut stats = vec![
        figure(
            FigureKind::Shoppers,
            String::new(),
            f.sessions.to_string(),
            -1.0,
        ),
        figure(
            FigureKind::Questions,
            String::new(),
            f.turns.to_string(),
            -1.0,
        ),
        figure(
            FigureKind::Answered,
            String::new(),
            pct(f.containment_rate),
            bar(f.containment_rate),
        ),
        figure(
            FigureKind::Handed,
            String::new(),
            pct(f.escalation_rate),
            bar(f.escalation_rate),
        ),
        figure(
            FigureKind::ResponseTime,
            String::new(),
            format!("{} / {}", ms(f.latency.p50_ms), ms(f.latency.p95_ms)),
            -1.0,
        ),
        figure(
            FigureKind::Thumbs,
            String::new(),
            format!("{} ({} / {})", pct(f.csat.rate), f.csat.up, f.csat.down),
            bar(f.csat.rate),
        ),
    ];
    let total: u64 = f.languages.iter().map(|c| c.count).sum();
    for c in &f.languages {
        let name = c
            .item
            .parse::<Lang>()
            .map_or(c.item.clone(), |l| l.native_name().to_string());
        let share = if total > 0 {
            c.count as f32 / total as f32
        } else {
            0.0
        };
        stats.push(figure(
            FigureKind::Language,
            name,
            c.count.to_string(),
            share,
        ));
    }
    for c in &f.escalation_reasons {
        stats.push(figure(
            FigureKind::HandedReason,
            c.item.replace('_', " "),
            c.count.to_string(),
            -1.0,
        ));
    }
    for c in f.top_searches.iter().take(5) {
        stats.push(figure(
            FigureKind::Asked,
            c.item.clone(),
            c.count.to_string(),
            -1.0,
        ));
    }
    for d in f.lost_demand.iter().take(5) {
        let options: Vec<&str> = [d.size.as_deref(), d.color.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        stats.push(figure(
            FigureKind::Lost,
            format!("{} {}", d.product_id, options.join(" ")),
            d.count.to_string(),
            -1.0,
        ));
    }
    for c in f.unanswered.iter().take(5) {
        stats.push(figure(
            FigureKind::Unanswered,
            c.item.clone(),
            c.count.to_string(),
            -1.0,
        ));
    }
    stats
}

#[cfg(test)]
mod tests;
