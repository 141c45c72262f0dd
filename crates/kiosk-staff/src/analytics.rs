//! The store's analytics: what the kiosk did for the store, computed from
//! the anonymous per-turn events the assistant records (`events` in
//! `local.sqlite`) and the end-of-session thumbs (`feedback`).
//!
//! [`Figures::compute`] is pure (a list of events in, figures out) so a known
//! log gives known figures; [`load`] and [`Analytics`] read them from the
//! kiosk's local store. Definitions (also in `docs/staff-console.md`):
//!
//! - a *session* is one shopper (the random tag a session's turns share);
//! - *containment*: sessions with no escalated turn, over all sessions;
//!   *escalation* is the rest, and the reasons count escalated turns;
//! - *unanswered*: turns not resolved, other than greetings and turns
//!   handed to staff on purpose (a request for a person, a complaint, a
//!   discount…; a low-confidence escalation does count), grouped by their
//!   text, redacted again;
//! - *top searches*: product questions (search, availability, price,
//!   location, recommend, compare), grouped by folded text;
//! - *lost demand*: product, size and colour asked for while out of stock;
//! - response time: nearest-rank p50/p95 of the turn latency;
//! - CSAT: thumbs up over all thumbs given, one per session (its last);
//! - language mix: sessions by the language of their first turn.

use std::collections::{BTreeMap, HashMap};

use kiosk_catalog::local::LocalStore;
use kiosk_core::assistant::redact::redact;
use kiosk_core::text::{fold, option_key};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// How many entries the ranked lists keep.
pub const TOP_N: usize = 10;

/// A stored turn and a stored thumb, as `local.sqlite` holds them.
pub use kiosk_catalog::local::{EventRecord, FeedbackRecord};

/// A time range `[from, to)`; `None` is open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Period {
    pub from: Option<jiff::Timestamp>,
    pub to: Option<jiff::Timestamp>,
}

impl Period {
    pub fn all() -> Period {
        Period::default()
    }

    /// The last `days` calendar days in `tz`, today included, up to `now`.
    pub fn last_days(days: u32, tz: &jiff::tz::TimeZone, now: jiff::Timestamp) -> Period {
        let today = now.to_zoned(tz.clone()).date();
        let first = today
            .checked_sub(jiff::Span::new().days(i64::from(days.max(1)) - 1))
            .unwrap_or(today);
        let from = first
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(now);
        Period {
            from: Some(from),
            to: None,
        }
    }

    /// Today in `tz`.
    pub fn today(tz: &jiff::tz::TimeZone, now: jiff::Timestamp) -> Period {
        Period::last_days(1, tz, now)
    }

    pub fn contains(&self, at: jiff::Timestamp) -> bool {
        self.from.is_none_or(|from| at >= from) && self.to.is_none_or(|to| at < to)
    }
}

/// A thing and how often it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub item: String,
    pub count: u64,
}

/// A size/colour of a product asked for while out of stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostDemandCount {
    pub product_id: String,
    pub size: Option<String>,
    pub color: Option<String>,
    pub count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub turns: u64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Csat {
    pub up: u64,
    pub down: u64,
    /// `up / (up + down)`; `None` before any answer.
    pub rate: Option<f64>,
}

/// Everything the staff panel and the console show, for one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub period: Period,
    pub sessions: u64,
    pub turns: u64,
    pub contained_sessions: u64,
    /// `None` when there were no sessions.
    pub containment_rate: Option<f64>,
    pub escalated_sessions: u64,
    pub escalation_rate: Option<f64>,
    pub escalation_reasons: Vec<Count>,
    pub unanswered: Vec<Count>,
    pub top_searches: Vec<Count>,
    pub lost_demand: Vec<LostDemandCount>,
    pub latency: Latency,
    pub csat: Csat,
    pub languages: Vec<Count>,
}

/// Intents that count as looking for products.
const SEARCH_INTENTS: [&str; 6] = [
    "search",
    "availability",
    "price",
    "location",
    "recommend",
    "compare",
];

impl Figures {
    /// The figures of the events and feedback inside `period`.
    pub fn compute(period: Period, events: &[EventRecord], feedback: &[FeedbackRecord]) -> Figures {
        let mut events: Vec<&EventRecord> =
            events.iter().filter(|e| period.contains(e.at)).collect();
        events.sort_by_key(|e| e.at);

        // Per session: escalated at all, and the first turn's language.
        let mut sessions: HashMap<&str, (bool, &str)> = HashMap::new();
        for e in &events {
            let entry = sessions
                .entry(e.session.as_str())
                .or_insert((false, e.language.as_str()));
            entry.0 |= e.escalated;
        }
        let n_sessions = sessions.len() as u64;
        let escalated_sessions = sessions.values().filter(|(esc, _)| *esc).count() as u64;
        let contained_sessions = n_sessions - escalated_sessions;
        let rate = |n: u64| (n_sessions > 0).then(|| n as f64 / n_sessions as f64);

        let mut reasons = Tally::default();
        let mut unanswered = Tally::default();
        let mut searches = Tally::default();
        let mut lost: BTreeMap<(String, String, String), LostDemandCount> = BTreeMap::new();
        let mut latencies = Vec::with_capacity(events.len());
        for e in &events {
            latencies.push(e.latency_ms);
            if e.escalated {
                reasons.add(e.reason.as_deref().unwrap_or("unknown"), None);
            }
            let text = redact(e.text.trim());
            let handed_over = e.intent == "human"
                || (e.escalated && e.reason.as_deref() != Some("low_confidence"));
            if !e.resolved && e.intent != "greeting" && !handed_over {
                unanswered.add_text(&text);
            }
            if SEARCH_INTENTS.contains(&e.intent.as_str()) {
                searches.add_text(&text);
            }
            for d in &e.lost_demand {
                let key = (
                    d.product_id.clone(),
                    d.size.as_deref().map(option_key).unwrap_or_default(),
                    d.color.as_deref().map(option_key).unwrap_or_default(),
                );
                lost.entry(key)
                    .or_insert_with(|| LostDemandCount {
                        product_id: d.product_id.clone(),
                        size: d.size.clone(),
                        color: d.color.clone(),
                        count: 0,
                    })
                    .count += 1;
            }
        }
        let mut lost_demand: Vec<LostDemandCount> = lost.into_values().collect();
        lost_demand.sort_by_key(|d| std::cmp::Reverse(d.count));

        let mut languages = Tally::default();
        for (_, lang) in sessions.values() {
            languages.add(lang, None);
        }

        // One answer per session: its last.
        let mut answers: HashMap<&str, (jiff::Timestamp, bool)> = HashMap::new();
        for f in feedback.iter().filter(|f| period.contains(f.at)) {
            let slot = answers.entry(f.session.as_str()).or_insert((f.at, f.up));
            if f.at >= slot.0 {
                *slot = (f.at, f.up);
            }
        }
        let up = answers.values().filter(|(_, up)| *up).count() as u64;
        let down = answers.len() as u64 - up;

        Figures {
            period,
            sessions: n_sessions,
            turns: events.len() as u64,
            contained_sessions,
            containment_rate: rate(contained_sessions),
            escalated_sessions,
            escalation_rate: rate(escalated_sessions),
            escalation_reasons: reasons.ranked(usize::MAX),
            unanswered: unanswered.ranked(TOP_N),
            top_searches: searches.ranked(TOP_N),
            lost_demand,
            latency: Latency {
                turns: latencies.len() as u64,
                p50_ms: percentile(&mut latencies, 0.50),
                p95_ms: percentile(&mut latencies, 0.95),
            },
            csat: Csat {
                up,
                down,
                rate: (up + down > 0).then(|| up as f64 / (up + down) as f64),
            },
            languages: languages.ranked(usize::MAX),
        }
    }
}

/// Nearest-rank percentile (`q` in 0..=1), rounded to 0.1 ms.
pub fn percentile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = (q * values.len() as f64).ceil() as usize;
    let v = values[rank.clamp(1, values.len()) - 1];
    Some((v * 10.0).round() / 10.0)
}

/// Counts by a grouping key, remembering the first form seen for display.
#[derive(Default)]
struct Tally {
    counts: HashMap<String, (String, u64)>,
}

impl Tally {
    fn add(&mut self, item: &str, key: Option<String>) {
        let key = key.unwrap_or_else(|| item.to_string());
        self.counts
            .entry(key)
            .or_insert_with(|| (item.to_string(), 0))
            .1 += 1;
    }

    /// Texts group by their folded words, without punctuation.
    fn add_text(&mut self, text: &str) {
        let key: Vec<String> = fold(text)
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '#')
                    .to_string()
            })
            .filter(|w| !w.is_empty())
            .collect();
        if key.is_empty() {
            return;
        }
        let shown = text.trim_end_matches(['?', '!', '.', '？', '！', '。']);
        self.add(shown, Some(key.join(" ")));
    }

    fn ranked(self, limit: usize) -> Vec<Count> {
        let mut out: Vec<Count> = self
            .counts
            .into_values()
            .map(|(item, count)| Count { item, count })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.item.cmp(&b.item)));
        out.truncate(limit);
        out
    }
}

/// Reads the events and feedback of `period` from the kiosk's local store.
pub fn load(local: &LocalStore, period: Period) -> Result<(Vec<EventRecord>, Vec<FeedbackRecord>)> {
    Ok((
        local.events_between(period.from, period.to)?,
        local.feedback_between(period.from, period.to)?,
    ))
}

/// The figures of a kiosk's local store.
pub struct Analytics;

impl Analytics {
    /// Today, in the kiosk's time zone.
    pub fn today(local: &LocalStore) -> Result<Figures> {
        let period = Period::today(&jiff::tz::TimeZone::system(), jiff::Timestamp::now());
        Analytics::for_period(local, period)
    }

    pub fn for_period(local: &LocalStore, period: Period) -> Result<Figures> {
        let (events, feedback) = load(local, period)?;
        Ok(Figures::compute(period, &events, &feedback))
    }
}

#[cfg(test)]
pub(crate) mod tests;
