use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Action, Intent, Session};

#[test]
fn without_orders_the_kiosk_offers_staff_and_yes_calls_them() {
    let store = football_shop();
    let mut session = Session::default();
    let reply = store.ask(&mut session, "where is my order #1234?", Lang::En);
    assert_eq!(reply.intent, Intent::OrderStatus, "{}", reply.answer);
    assert!(
        reply
            .actions
            .iter()
            .any(|a| matches!(a, Action::CallStaff { .. }))
    );
    assert!(!reply.escalate);
    let yes = store.ask(&mut session, "yes please", Lang::En);
    assert!(yes.escalate, "{}", yes.answer);
}
