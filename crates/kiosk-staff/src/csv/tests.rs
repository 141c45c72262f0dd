//! The CSV form of known figures, and the per-day export for the sync.

use super::*;
use crate::analytics::tests::known_log;

fn figures_csv() -> String {
    let (log, feedback) = known_log();
    let events: Vec<_> = log
        .iter()
        .map(|(at, s, e)| crate::analytics::EventRecord::from_event(*at, s, e))
        .collect();
    let figures = Figures::compute(Period::all(), &events, &feedback);
    let mut out = Vec::new();
    write_figures(&figures, "kiosk-1", &mut out).expect("csv");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn rows_of_known_figures() {
    let text = figures_csv();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "kiosk,from,to,metric,item,size,colour,value");
    for expected in [
        "kiosk-1,,,sessions,,,,6",
        "kiosk-1,,,turns,,,,11",
        "kiosk-1,,,containment_rate,,,,0.5000",
        "kiosk-1,,,escalation_reason,complaint,,,1",
        "kiosk-1,,,top_search,running shoes size #,,,2",
        "kiosk-1,,,lost_demand,shoe,9,Black,2",
        "kiosk-1,,,latency_p50_ms,,,,60.0",
        "kiosk-1,,,latency_p95_ms,,,,999.0",
        "kiosk-1,,,csat_up,,,,2",
        "kiosk-1,,,csat_down,,,,2",
        "kiosk-1,,,language,en,,,2",
    ] {
        assert!(lines.contains(&expected), "{expected} in\n{text}");
    }
    assert!(
        !text.contains("0612345678"),
        "phone numbers never reach the CSV"
    );
}

#[test]
fn formulas_are_not_evaluated() {
    assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
    assert_eq!(cell("-1"), "'-1");
    assert_eq!(cell("running shoes"), "running shoes");
}

#[test]
fn export_for_the_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let local = LocalStore::open(dir.path()).expect("local store");
    let (log, _) = known_log();
    for (at, session, e) in &log {
        local.record_event(*at, session, e).expect("record");
    }
    let kiosk = KioskInfo::new(None, "Kiosk 1", "Entrance");
    let outbox = dir.path().join("outbox");
    let tz = jiff::tz::TimeZone::UTC;
    let now: jiff::Timestamp = "2026-11-23T15:00:00Z".parse().expect("ts");
    let files = export_pending(&local, &kiosk, &outbox, &tz, now).expect("export");
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["kiosk-1-2026-11-22.csv", "kiosk-1-2026-11-23.csv"]);
    let day1 = std::fs::read_to_string(&files[0]).expect("read");
    assert!(day1.contains("kiosk-1,2026-11-22T00:00:00Z,2026-11-23T00:00:00Z,sessions,,,,1"));
    // The finished day is not exported again; today is, until it is over.
    let again = export_pending(&local, &kiosk, &outbox, &tz, now).expect("export");
    assert_eq!(again.len(), 1);
    assert!(again[0].ends_with("analytics/kiosk-1-2026-11-23.csv"));
}
