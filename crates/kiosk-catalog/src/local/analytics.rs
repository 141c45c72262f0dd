//! Reading the anonymous records back (`events`, `feedback`) for the
//! store's figures, and the log of the days whose analytics CSV went out
//! (`analytics_exports`). The figures themselves are kiosk-staff's
//! (`analytics.rs`); this is only what is stored.

use kiosk_core::assistant::{AnalyticsEvent, LostDemand};
use rusqlite::params;
use serde::Serialize;

use super::LocalStore;
use crate::error::{Error, Result};

/// One stored turn: a row of `events`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub at: jiff::Timestamp,
    pub session: String,
    pub intent: String,
    pub resolved: bool,
    pub escalated: bool,
    pub reason: Option<String>,
    pub language: String,
    pub latency_ms: f64,
    pub text: String,
    pub lost_demand: Vec<LostDemand>,
    pub n_products: usize,
}

impl EventRecord {
    /// The record [`LocalStore::record_event`] stores for an event.
    pub fn from_event(at: jiff::Timestamp, session: &str, e: &AnalyticsEvent) -> EventRecord {
        EventRecord {
            at,
            session: session.to_string(),
            intent: serde_name(&e.intent),
            resolved: e.resolved,
            escalated: e.escalated,
            reason: e.reason.as_ref().map(serde_name),
            language: e.language.code().to_string(),
            latency_ms: e.latency_ms,
            text: e.text.clone(),
            lost_demand: e.lost_demand.clone(),
            n_products: e.n_products,
        }
    }
}

/// The snake_case name serde gives an enum value.
fn serde_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// One thumbs up or down: a row of `feedback`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRecord {
    pub at: jiff::Timestamp,
    pub session: String,
    pub up: bool,
}

/// The records whose stored time parses and is in `[from, to)` (`None` is
/// open-ended), each given its parsed time.
fn keep_within<T>(
    rows: Vec<(String, T)>,
    from: Option<jiff::Timestamp>,
    to: Option<jiff::Timestamp>,
    set_at: impl Fn(&mut T, jiff::Timestamp),
) -> Vec<T> {
    rows.into_iter()
        .filter_map(|(at, mut record)| {
            let at = at.parse::<jiff::Timestamp>().ok()?;
            let within = from.is_none_or(|from| at >= from) && to.is_none_or(|to| at < to);
            within.then(|| {
                set_at(&mut record, at);
                record
            })
        })
        .collect()
}

/// The SQL bounds for `[from, to)`: stored times are RFC 3339 text whose
/// fraction varies in length, so the text range is widened by a second and
/// the exact test happens on the parsed time.
fn text_bounds(from: Option<jiff::Timestamp>, to: Option<jiff::Timestamp>) -> (String, String) {
    let bound = |t: Option<jiff::Timestamp>, secs: i64, open: &str| {
        t.and_then(|t| t.checked_add(jiff::SignedDuration::from_secs(secs)).ok())
            .map(|t| t.to_string())
            .unwrap_or_else(|| open.to_string())
    };
    (bound(from, -1, ""), bound(to, 1, "\u{10FFFF}"))
}

impl LocalStore {
    /// Records one turn. The event carries no personal data by
    /// construction (its text is redacted); `session` is a random tag.
    pub fn record_event(
        &self,
        at: jiff::Timestamp,
        session: &str,
        e: &AnalyticsEvent,
    ) -> Result<()> {
        let r = EventRecord::from_event(at, session, e);
        self.conn
            .prepare_cached(
                "INSERT INTO events (at, session, intent, resolved, escalated, reason, language, latency_ms, text, lost_demand, n_products)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    r.at.to_string(),
                    r.session,
                    r.intent,
                    r.resolved,
                    r.escalated,
                    r.reason,
                    r.language,
                    r.latency_ms,
                    r.text,
                    serde_json::to_string(&r.lost_demand).expect("lost demand serializes"),
                    r.n_products as i64,
                ])
            })
            .map_err(Error::sqlite("recording an analytics event"))?;
        Ok(())
    }

    /// The turns recorded in `[from, to)` (`None` is open-ended), in the
    /// order they were recorded. A row whose time does not parse is left
    /// out.
    pub fn events_between(
        &self,
        from: Option<jiff::Timestamp>,
        to: Option<jiff::Timestamp>,
    ) -> Result<Vec<EventRecord>> {
        let (low, high) = text_bounds(from, to);
        let rows = self.query_all(
            "SELECT at, session, intent, resolved, escalated, reason, language, latency_ms, text, lost_demand, n_products
             FROM events WHERE at >= ?1 AND at <= ?2 ORDER BY id",
            params![low, high],
            "reading analytics events",
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    EventRecord {
                        at: jiff::Timestamp::UNIX_EPOCH,
                        session: r.get(1)?,
                        intent: r.get(2)?,
                        resolved: r.get(3)?,
                        escalated: r.get(4)?,
                        reason: r.get(5)?,
                        language: r.get(6)?,
                        latency_ms: r.get(7)?,
                        text: r.get(8)?,
                        lost_demand: serde_json::from_str(&r.get::<_, String>(9)?)
                            .unwrap_or_default(),
                        n_products: usize::try_from(r.get::<_, i64>(10)?).unwrap_or(0),
                    },
                ))
            },
        )?;
        Ok(keep_within(rows, from, to, |event, at| event.at = at))
    }

    /// The thumbs given in `[from, to)`, in the order they were given.
    pub fn feedback_between(
        &self,
        from: Option<jiff::Timestamp>,
        to: Option<jiff::Timestamp>,
    ) -> Result<Vec<FeedbackRecord>> {
        let (low, high) = text_bounds(from, to);
        let rows = self.query_all(
            "SELECT at, session, up FROM feedback WHERE at >= ?1 AND at <= ?2 ORDER BY id",
            params![low, high],
            "reading feedback",
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    FeedbackRecord {
                        at: jiff::Timestamp::UNIX_EPOCH,
                        session: r.get(1)?,
                        up: r.get(2)?,
                    },
                ))
            },
        )?;
        Ok(keep_within(rows, from, to, |thumb, at| thumb.at = at))
    }

    /// When the first turn still stored was recorded, as stored.
    pub fn first_event_at(&self) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT MIN(at) FROM events", [], |r| r.get(0))
            .map_err(Error::sqlite("reading the first event"))
    }

    /// The last day (`YYYY-MM-DD`) whose analytics CSV was written for good.
    pub fn last_exported_day(&self) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT MAX(day) FROM analytics_exports", [], |r| r.get(0))
            .map_err(Error::sqlite("reading the analytics export log"))
    }

    /// Logs that `day`'s analytics CSV was written to `file` at `at`.
    pub fn log_analytics_export(
        &self,
        day: jiff::civil::Date,
        file: &str,
        at: jiff::Timestamp,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO analytics_exports (day, file, at) VALUES (?1, ?2, ?3)",
                params![day.to_string(), file, at.to_string()],
            )
            .map_err(Error::sqlite("logging an analytics export"))?;
        Ok(())
    }
}
