//! Issue 3: the assistant's rules that are not about understanding: stock
//! freshness, escalation with a handoff summary, session reset, and the
//! analytics record carrying no personal data.

use kiosk_catalog::local::LocalStore;
use kiosk_core::assistant::{
    Action, ActionStatus, Assistant, AssistantConfig, Clock, EscalationReason, Reply, Session,
    TurnInput,
};
use kiosk_core::{Lang, StockLookup};

use crate::demo_store::demo;

fn at_hours(hours: i64) -> Clock {
    Clock::utc(demo().info().stock_as_of + jiff::SignedDuration::from_hours(hours))
}

fn ask(session: &mut Session, text: &str, lang: Option<Lang>, clock: Clock) -> Reply {
    let config = AssistantConfig::default();
    let snap = demo();
    let assistant = Assistant::new(snap, snap, &config);
    assistant
        .turn(
            session,
            &TurnInput {
                text: text.into(),
                lang,
            },
            clock,
        )
        .expect("turn")
}

/// Asks `text` in a new session, its language detected.
fn ask_new(text: &str, clock: Clock) -> Reply {
    ask(&mut Session::default(), text, None, clock)
}

#[test]
fn fresh_stock_answers_without_a_note() {
    let r = ask_new("do you have the Velora Stride 3 in size 10?", at_hours(2));
    assert!(!r.snapshot.stale);
    assert!(!r.answer.contains("Stock as of"), "{}", r.answer);
}

#[test]
fn stale_stock_says_as_of_when() {
    let r = ask_new("do you have the Velora Stride 3 in size 10?", at_hours(40));
    assert!(r.snapshot.stale);
    // The demo's stock is as of 22:00 UTC, said in the store's own zone
    // (Europe/Amsterdam, UTC+1 in November).
    assert!(
        r.answer.contains("Stock as of 2026-11-22 23:00"),
        "{}",
        r.answer
    );
    assert!(!r.escalate);
    // Facts that are not stock (opening hours) need no note.
    let r = ask_new("when are you open?", at_hours(40));
    assert!(!r.answer.contains("Stock as of"), "{}", r.answer);
}

#[test]
fn stock_questions_on_very_old_data_go_to_staff() {
    let r = ask_new(
        "hebben jullie de Velora Stride 3 in maat 10?",
        at_hours(100),
    );
    assert!(r.escalate);
    assert_eq!(r.escalation_reason, Some(EscalationReason::StaleStock));
    assert_eq!(r.language, Lang::Nl);
    let handoff = r.handoff.expect("a handoff");
    assert!(handoff.wants.contains("stock check"), "{}", handoff.wants);
    // A list's lead-in ends with a colon and the cards follow it: the note
    // on old data opens the answer instead of trailing the lead-in.
    for question in ["running shoes in size 9", "running shoes in size 42?"] {
        let r = ask(&mut Session::default(), question, None, at_hours(100));
        assert!(r.escalate, "{question}: {}", r.answer);
        assert!(
            r.answer.starts_with("Our stock data is too old"),
            "{question}: {}",
            r.answer
        );
        assert!(!r.answer.contains(": Our stock"), "{}", r.answer);
    }
}

#[test]
fn an_escalation_hands_over_what_was_discussed() {
    let mut s = Session::default();
    let first = ask(
        &mut s,
        "hebben jullie de Velora Stride 3 in maat 9 in het zwart?",
        None,
        at_hours(2),
    );
    assert_eq!(first.products[0].id, "velora-stride-3-mens-running-shoe");
    let r = ask(
        &mut s,
        "ik wil graag een medewerker spreken",
        None,
        at_hours(2),
    );
    assert!(r.escalate);
    assert_eq!(r.escalation_reason, Some(EscalationReason::Requested));
    assert!(r.actions.iter().any(|a| matches!(
        a,
        Action::CallStaff {
            status: ActionStatus::Done,
            ..
        }
    )));
    let h = r.handoff.expect("handoff");
    assert_eq!(h.language, Lang::Nl);
    assert!(
        h.products
            .iter()
            .any(|p| p.id == "velora-stride-3-mens-running-shoe"),
        "{:?}",
        h.products
    );
    assert!(
        h.products.iter().any(|p| p.size.as_deref() == Some("9")),
        "{:?}",
        h.products
    );
    assert!(
        h.checked
            .iter()
            .any(|c| c.contains("Velora Stride 3") && c.contains("out of stock")),
        "{:?}",
        h.checked
    );
    assert_eq!(h.last_messages.len(), 2);
}

#[test]
fn reset_forgets_the_conversation() {
    let mut s = Session::default();
    ask(&mut s, "running shoes", None, at_hours(2));
    assert!(s.focus.is_some() && !s.shown.is_empty());
    s.reset();
    assert!(s.focus.is_none() && s.shown.is_empty() && s.lang.is_none() && s.turns == 0);
    // "it" now refers to nothing.
    let r = ask(&mut s, "how much is it?", None, at_hours(2));
    assert!(r.products.is_empty(), "{:?}", r.products);
}

#[test]
fn analytics_keep_no_personal_data() {
    let mut s = Session::default();
    let r = ask(&mut s, "Velora Stride 3 in size 9 black", None, at_hours(2));
    assert!(r.actions.iter().any(|a| matches!(
        a,
        Action::JoinWaitlist {
            status: ActionStatus::Offered,
            ..
        }
    )));
    assert_eq!(
        r.analytics.lost_demand.len(),
        1,
        "size 9 black was asked while out of stock"
    );
    ask(&mut s, "notify me", None, at_hours(2));
    let r = ask(
        &mut s,
        "mail me at jan.jansen@example.nl or call +31 6 1234 5678",
        None,
        at_hours(2),
    );
    let joined = r.actions.iter().find_map(|a| match a {
        Action::JoinWaitlist {
            status: ActionStatus::Done,
            contact,
            ..
        } => contact.clone(),
        _ => None,
    });
    assert_eq!(joined.as_deref(), Some("jan.jansen@example.nl"));
    assert!(
        !r.answer.contains("jan.jansen"),
        "the answer shows the contact masked: {}",
        r.answer
    );
    assert!(
        !r.analytics.text.contains('@') && !r.analytics.text.chars().any(|c| c.is_ascii_digit()),
        "{}",
        r.analytics.text
    );

    // The store keeps the event anonymous and the waitlist entry for export.
    let dir = tempfile::tempdir().expect("temp dir");
    let local = LocalStore::open(dir.path()).expect("open local");
    local
        .record_event(at_hours(2).now, "s1", &r.analytics)
        .expect("record");
    let stored: String = local
        .connection()
        .query_row("SELECT text FROM events", [], |row| row.get(0))
        .expect("read back");
    assert_eq!(stored, r.analytics.text);
}

#[test]
fn two_turns_not_understood_call_staff() {
    let mut s = Session::default();
    let r = ask(&mut s, "blorf quix zzt", None, at_hours(2));
    assert!(!r.escalate);
    let r = ask(&mut s, "wibble wobble", None, at_hours(2));
    assert!(r.escalate);
    assert_eq!(r.escalation_reason, Some(EscalationReason::LowConfidence));
}

#[test]
fn the_snapshot_reports_age_and_time() {
    let r = ask_new("hello", at_hours(5));
    assert_eq!(r.snapshot.as_of, demo().snapshot_info().stock_as_of);
    assert!((r.snapshot.age_hours - 5.0).abs() < 0.01);
}

// Issue 13: a variant overview cut short ended "…, maat M, geel, …." ("heb
// je regenjassen?", then "de derde"): a cut list says how many more, in
// every language.
#[test]
fn issue_13_a_cut_overview_ends_cleanly() {
    for (list, third, lang) in [
        ("heb je regenjassen?", "de derde", Lang::Nl),
        ("do you have rain jackets?", "the third one", Lang::En),
        ("ada jas hujan?", "yang ketiga", Lang::Id),
        ("有雨衣嗎？", "第三個", Lang::Zh),
    ] {
        let mut session = Session::default();
        ask(&mut session, list, Some(lang), at_hours(1));
        let r = ask(&mut session, third, Some(lang), at_hours(1));
        assert!(!r.products.is_empty(), "{third:?}: {}", r.answer);
        assert!(!r.answer.contains('…'), "{third:?}: {}", r.answer);
    }
}
