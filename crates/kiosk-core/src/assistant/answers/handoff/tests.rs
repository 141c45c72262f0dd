use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{EscalationReason, Session};

#[test]
fn the_handoff_names_the_products_and_what_was_checked() {
    let store = football_shop();
    let mut session = Session::default();
    store.ask(&mut session, "Arsenal third shirt in M?", Lang::En);
    let reply = store.ask(&mut session, "can I talk to someone?", Lang::En);
    let handoff = reply.handoff.expect("a handoff");
    assert_eq!(handoff.reason, EscalationReason::Requested);
    assert!(handoff.products.iter().any(|p| p.id == "arsenal-third"));
    assert!(
        handoff.checked.iter().any(|c| c.contains("Arsenal Third")),
        "{:?}",
        handoff.checked
    );
    assert!(handoff.wants.contains("size M"), "{}", handoff.wants);
}
