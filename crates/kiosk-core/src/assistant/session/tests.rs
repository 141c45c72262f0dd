use super::*;

#[test]
fn reset_forgets_everything() {
    let mut session = Session {
        lang: Some(Lang::Zh),
        shown: vec!["a".to_string(), "b".to_string()],
        focus: Some("a".to_string()),
        last_was_list: true,
        pending: Some(Pending::OrderNumber),
        messages: vec!["my email is x@example.com".to_string()],
        turns: 3,
        ..Session::default()
    };
    session.reset();
    assert!(session.lang.is_none() && session.shown.is_empty() && session.focus.is_none());
    assert!(!session.last_was_list && session.pending.is_none());
    assert!(session.messages.is_empty() && session.turns == 0);
}

#[test]
fn a_utc_clock_reads_its_own_instant() {
    let now = jiff::Timestamp::from_second(0).expect("the epoch");
    let clock = Clock::utc(now);
    assert_eq!(clock.local.to_string(), "1970-01-01T00:00:00");
}
