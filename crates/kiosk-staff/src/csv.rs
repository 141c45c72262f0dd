//! The analytics as CSV: one long table (`kiosk,from,to,metric,item,size,
//! colour,value`) so files from several kiosks and days concatenate, and
//! the per-day files a sync takes with it (`outbox/analytics/`).
//!
//! Shopper text ends up in cells (top searches, unanswered questions); a
//! cell starting with `=`, `+`, `-` or `@` is prefixed with `'` so a
//! spreadsheet shows it rather than evaluating it.

use std::io::Write;
use std::path::{Path, PathBuf};

use kiosk_catalog::local::LocalStore;

use crate::analytics::{Analytics, Figures, Period};
use crate::call::KioskInfo;
use crate::error::{Error, Result};

pub const HEADER: [&str; 8] = [
    "kiosk", "from", "to", "metric", "item", "size", "colour", "value",
];

/// Writes `figures` as CSV rows (with the header).
pub fn write_figures<W: Write>(figures: &Figures, kiosk: &str, out: W) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let fail = |e: csv::Error| Error::Invalid(format!("writing analytics CSV: {e}"));
    w.write_record(HEADER).map_err(fail)?;
    let from = figures
        .period
        .from
        .map(|t| t.to_string())
        .unwrap_or_default();
    let to = figures.period.to.map(|t| t.to_string()).unwrap_or_default();
    let mut row = |metric: &str, item: &str, size: &str, colour: &str, value: String| {
        w.write_record([
            kiosk,
            &from,
            &to,
            metric,
            &cell(item),
            &cell(size),
            &cell(colour),
            &value,
        ])
        .map_err(fail)
    };
    let rate = |r: Option<f64>| r.map(|r| format!("{r:.4}")).unwrap_or_default();
    let ms = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
    row("sessions", "", "", "", figures.sessions.to_string())?;
    row("turns", "", "", "", figures.turns.to_string())?;
    row(
        "contained_sessions",
        "",
        "",
        "",
        figures.contained_sessions.to_string(),
    )?;
    row(
        "containment_rate",
        "",
        "",
        "",
        rate(figures.containment_rate),
    )?;
    row(
        "escalated_sessions",
        "",
        "",
        "",
        figures.escalated_sessions.to_string(),
    )?;
    row("escalation_rate", "", "", "", rate(figures.escalation_rate))?;
    for c in &figures.escalation_reasons {
        row("escalation_reason", &c.item, "", "", c.count.to_string())?;
    }
    for c in &figures.unanswered {
        row("unanswered", &c.item, "", "", c.count.to_string())?;
    }
    for c in &figures.top_searches {
        row("top_search", &c.item, "", "", c.count.to_string())?;
    }
    for d in &figures.lost_demand {
        row(
            "lost_demand",
            &d.product_id,
            d.size.as_deref().unwrap_or(""),
            d.color.as_deref().unwrap_or(""),
            d.count.to_string(),
        )?;
    }
    row("latency_p50_ms", "", "", "", ms(figures.latency.p50_ms))?;
    row("latency_p95_ms", "", "", "", ms(figures.latency.p95_ms))?;
    row("csat_up", "", "", "", figures.csat.up.to_string())?;
    row("csat_down", "", "", "", figures.csat.down.to_string())?;
    row("csat_rate", "", "", "", rate(figures.csat.rate))?;
    for c in &figures.languages {
        row("language", &c.item, "", "", c.count.to_string())?;
    }
    w.flush()
        .map_err(|e| Error::Invalid(format!("writing analytics CSV: {e}")))?;
    Ok(())
}

/// A cell a spreadsheet will not evaluate.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Writes one CSV file per day, from the first day not yet exported
/// through today (in `tz`), into `outbox/analytics/<kiosk>-<day>.csv`, for
/// the next sync to take. Past days are then marked exported; today's file
/// is rewritten at every export until the day is over. Returns the files
/// written.
pub fn export_pending(
    local: &LocalStore,
    kiosk: &KioskInfo,
    outbox: &Path,
    tz: &jiff::tz::TimeZone,
    now: jiff::Timestamp,
) -> Result<Vec<PathBuf>> {
    let today = now.to_zoned(tz.clone()).date();
    let last_done = local.last_exported_day()?;
    let first_event = local.first_event_at()?;
    let start = match (last_done, first_event) {
        (Some(day), _) => day
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.tomorrow().ok()),
        (None, Some(at)) => at
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t.to_zoned(tz.clone()).date()),
        (None, None) => None,
    };
    let Some(mut day) = start else {
        return Ok(Vec::new());
    };
    // A kiosk that was off for a long time exports at most a year.
    if let Ok(floor) = today.checked_sub(jiff::Span::new().days(366))
        && day < floor
    {
        day = floor;
    }
    let dir = outbox.join("analytics");
    std::fs::create_dir_all(&dir).map_err(Error::io("creating", &dir))?;
    let mut written = Vec::new();
    while day <= today {
        let start_of = |d: jiff::civil::Date| {
            d.to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .map_err(|e| Error::Invalid(format!("day {d} in the kiosk's time zone: {e}")))
        };
        let next = day
            .tomorrow()
            .map_err(|e| Error::Invalid(format!("the day after {day}: {e}")))?;
        let period = Period {
            from: Some(start_of(day)?),
            to: Some(start_of(next)?),
        };
        let figures = Analytics::for_period(local, period)?;
        let path = dir.join(format!("{}-{day}.csv", kiosk.id));
        let tmp = dir.join(format!(".{}-{day}.csv.tmp", kiosk.id));
        let file = std::fs::File::create(&tmp).map_err(Error::io("creating", &tmp))?;
        write_figures(&figures, &kiosk.id, std::io::BufWriter::new(file))?;
        std::fs::rename(&tmp, &path).map_err(Error::io("publishing", &path))?;
        if day < today {
            local.log_analytics_export(day, &path.display().to_string(), now)?;
        }
        written.push(path);
        day = next;
    }
    Ok(written)
}

#[cfg(test)]
mod tests;
