use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Action, ActionStatus, Session};

#[test]
fn the_variant_talked_about_goes_on_the_pickup_list() {
    let store = football_shop();
    let mut session = Session::default();
    store.ask(&mut session, "Arsenal home jersey in L?", Lang::En);
    let reply = store.ask(&mut session, "add it to my pickup list", Lang::En);
    assert!(
        reply.actions.iter().any(|a| matches!(a,
            Action::AddToPickupList { status: ActionStatus::Done, product_id, .. }
                if product_id == "arsenal-home")),
        "{}: {:?}",
        reply.answer,
        reply.actions
    );
}
