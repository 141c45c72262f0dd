use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Action, ActionStatus, Intent, Session};

#[test]
fn notify_me_asks_for_a_contact_then_joins_the_waitlist() {
    let store = football_shop();
    let mut session = Session::default();
    let out = store.ask(&mut session, "Arsenal third shirt in M?", Lang::En);
    assert!(out.answer.contains("out of stock"), "{}", out.answer);
    let ask = store.ask(&mut session, "notify me when it's back", Lang::En);
    assert_eq!(ask.intent, Intent::Waitlist, "{}", ask.answer);
    let joined = store.ask(&mut session, "my email is fan@example.com", Lang::En);
    assert!(
        joined.actions.iter().any(|a| matches!(a,
            Action::JoinWaitlist { status: ActionStatus::Done, product_id, contact: Some(_), .. }
                if product_id == "arsenal-third")),
        "{}: {:?}",
        joined.answer,
        joined.actions
    );
    assert!(
        !joined.answer.contains("fan@example.com"),
        "{}",
        joined.answer
    );
}
