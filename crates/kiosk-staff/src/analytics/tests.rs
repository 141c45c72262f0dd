//! The figures of a known event log, computed in memory and read back from
//! a real `local.sqlite`.

use kiosk_core::Lang;
use kiosk_core::assistant::{AnalyticsEvent, EscalationReason, Intent, LostDemand};

use super::*;

fn ts(text: &str) -> jiff::Timestamp {
    text.parse().expect("test timestamp")
}

struct Turn {
    session: &'static str,
    intent: Intent,
    resolved: bool,
    reason: Option<EscalationReason>,
    lang: Lang,
    text: &'static str,
    lost: Vec<(&'static str, Option<&'static str>, Option<&'static str>)>,
}

fn turn(session: &'static str, intent: Intent, lang: Lang, text: &'static str) -> Turn {
    Turn {
        session,
        intent,
        resolved: true,
        reason: None,
        lang,
        text,
        lost: Vec::new(),
    }
}

/// Five shoppers, ten turns (latencies 10, 20, … 100 ms), and one turn the
/// day before, outside the period.
pub(crate) fn known_log() -> (
    Vec<(jiff::Timestamp, String, AnalyticsEvent)>,
    Vec<FeedbackRecord>,
) {
    let mut a_avail = turn(
        "A",
        Intent::Availability,
        Lang::En,
        "do you have them in black",
    );
    a_avail.lost = vec![("shoe", Some("9"), Some("Black"))];
    let mut a_human = turn("A", Intent::Human, Lang::En, "I want to talk to someone");
    a_human.resolved = false;
    a_human.reason = Some(EscalationReason::Requested);
    let mut b_search = turn("B", Intent::Search, Lang::Nl, "regenjas");
    b_search.lost = vec![("coat", Some("L"), Some("Yellow"))];
    let mut b_oos = turn("B", Intent::OutOfScope, Lang::Nl, "waar is de wc?");
    b_oos.resolved = false;
    let mut c_avail = turn(
        "C",
        Intent::Availability,
        Lang::En,
        "Do you have them in black?",
    );
    c_avail.lost = vec![("shoe", Some("9"), Some("black"))];
    let mut d_greet = turn("D", Intent::Greeting, Lang::Id, "halo");
    d_greet.resolved = false;
    let mut d_complaint = turn("D", Intent::Returns, Lang::Id, "barang saya rusak");
    d_complaint.resolved = false;
    d_complaint.reason = Some(EscalationReason::Complaint);
    let mut e_unsure = turn("E", Intent::OutOfScope, Lang::Zh, "我想要那個 0612345678");
    e_unsure.resolved = false;
    e_unsure.reason = Some(EscalationReason::LowConfidence);
    let turns = vec![
        turn("A", Intent::Search, Lang::En, "running shoes size 9?"),
        a_avail,
        a_human,
        b_search,
        b_oos,
        turn("C", Intent::Search, Lang::En, "Running shoes, size 9!"),
        c_avail,
        d_greet,
        d_complaint,
        e_unsure,
    ];
    let mut log = vec![(
        ts("2026-11-22T23:59:59.5Z"),
        "Z".to_string(),
        event(&turn("Z", Intent::Search, Lang::Nl, "gisteren"), 999.0),
    )];
    for (i, t) in turns.iter().enumerate() {
        let at = ts("2026-11-23T10:00:00Z")
            .checked_add(jiff::SignedDuration::from_secs(60 * i as i64))
            .expect("in range");
        log.push((at, t.session.to_string(), event(t, 10.0 * (i as f64 + 1.0))));
    }
    let feedback = vec![
        fb("2026-11-22T23:00:00Z", "Z", false),
        fb("2026-11-23T10:05:00Z", "A", true),
        fb("2026-11-23T10:06:00Z", "B", false),
        fb("2026-11-23T10:07:00Z", "B", true),
        fb("2026-11-23T10:08:00Z", "C", false),
    ];
    (log, feedback)
}

fn event(t: &Turn, latency_ms: f64) -> AnalyticsEvent {
    AnalyticsEvent {
        intent: t.intent,
        resolved: t.resolved,
        escalated: t.reason.is_some(),
        reason: t.reason,
        language: t.lang,
        latency_ms,
        text: t.text.to_string(),
        lost_demand: t
            .lost
            .iter()
            .map(|(id, size, color)| LostDemand {
                product_id: id.to_string(),
                size: size.map(str::to_string),
                color: color.map(str::to_string),
            })
            .collect(),
        n_products: 1,
    }
}

fn fb(at: &str, session: &str, up: bool) -> FeedbackRecord {
    FeedbackRecord {
        at: ts(at),
        session: session.to_string(),
        up,
    }
}

fn period() -> Period {
    Period {
        from: Some(ts("2026-11-23T00:00:00Z")),
        to: None,
    }
}

fn count(item: &str, count: u64) -> Count {
    Count {
        item: item.to_string(),
        count,
    }
}

fn expected() -> Figures {
    Figures {
        period: period(),
        sessions: 5,
        turns: 10,
        contained_sessions: 2,
        containment_rate: Some(0.4),
        escalated_sessions: 3,
        escalation_rate: Some(0.6),
        escalation_reasons: vec![
            count("complaint", 1),
            count("low_confidence", 1),
            count("requested", 1),
        ],
        unanswered: vec![count("waar is de wc", 1), count("我想要那個 [phone]", 1)],
        top_searches: vec![
            count("do you have them in black", 2),
            count("running shoes size #", 2),
            count("regenjas", 1),
        ],
        lost_demand: vec![
            LostDemandCount {
                product_id: "shoe".into(),
                size: Some("9".into()),
                color: Some("Black".into()),
                count: 2,
            },
            LostDemandCount {
                product_id: "coat".into(),
                size: Some("L".into()),
                color: Some("Yellow".into()),
                count: 1,
            },
        ],
        latency: Latency {
            turns: 10,
            p50_ms: Some(50.0),
            p95_ms: Some(100.0),
        },
        csat: Csat {
            up: 2,
            down: 1,
            rate: Some(2.0 / 3.0),
        },
        languages: vec![
            count("en", 2),
            count("id", 1),
            count("nl", 1),
            count("zh", 1),
        ],
    }
}

#[test]
fn figures_of_a_known_log() {
    let (log, feedback) = known_log();
    let events: Vec<EventRecord> = log
        .iter()
        .map(|(at, session, e)| EventRecord::from_event(*at, session, e))
        .collect();
    assert_eq!(Figures::compute(period(), &events, &feedback), expected());
}

#[test]
fn figures_read_from_local_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let local = LocalStore::open(dir.path()).expect("local store");
    let (log, feedback) = known_log();
    for (at, session, e) in &log {
        local.record_event(*at, session, e).expect("record");
    }
    for f in &feedback {
        local
            .record_feedback(f.at, &f.session, f.up)
            .expect("feedback");
    }
    let figures = Analytics::for_period(&local, period()).expect("figures");
    assert_eq!(figures, expected());
    let all = Analytics::for_period(&local, Period::all()).expect("figures");
    assert_eq!(all.sessions, 6);
    assert_eq!(all.turns, 11);
}

#[test]
fn nothing_recorded() {
    let figures = Figures::compute(Period::all(), &[], &[]);
    assert_eq!(figures.sessions, 0);
    assert_eq!(figures.containment_rate, None);
    assert_eq!(figures.latency.p50_ms, None);
    assert_eq!(figures.csat.rate, None);
}

#[test]
fn percentiles_by_nearest_rank() {
    let check = |values: &[f64], q: f64, expected: Option<f64>| {
        let mut v = values.to_vec();
        assert_eq!(percentile(&mut v, q), expected, "{values:?} q={q}");
    };
    check(&[], 0.5, None);
    check(&[7.0], 0.5, Some(7.0));
    check(&[7.0], 0.95, Some(7.0));
    check(&[3.0, 1.0, 2.0, 4.0], 0.5, Some(2.0));
    check(&[3.0, 1.0, 2.0, 4.0], 0.95, Some(4.0));
    check(&[1.04, 1.06], 0.5, Some(1.0));
}

#[test]
fn periods() {
    let tz = jiff::tz::TimeZone::UTC;
    let now = ts("2026-11-23T15:30:00Z");
    let today = Period::today(&tz, now);
    assert_eq!(today.from, Some(ts("2026-11-23T00:00:00Z")));
    assert!(today.contains(now));
    assert!(!today.contains(ts("2026-11-22T23:59:59Z")));
    let week = Period::last_days(7, &tz, now);
    assert_eq!(week.from, Some(ts("2026-11-17T00:00:00Z")));
    let amsterdam = jiff::tz::TimeZone::get("Europe/Amsterdam").expect("tzdb");
    assert_eq!(
        Period::today(&amsterdam, now).from,
        Some(ts("2026-11-22T23:00:00Z"))
    );
}
