use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Intent, Session};

#[test]
fn unknown_hours_and_policies_are_said_to_be_unknown() {
    let store = football_shop();
    let hours = store.ask(
        &mut Session::default(),
        "what are your opening hours?",
        Lang::En,
    );
    assert_eq!(hours.intent, Intent::StoreInfo, "{}", hours.answer);
    assert!(!hours.resolved, "{}", hours.answer);
    let returns = store.ask(
        &mut Session::default(),
        "how do I return something?",
        Lang::En,
    );
    assert_eq!(returns.intent, Intent::Returns, "{}", returns.answer);
    assert!(!returns.resolved, "{}", returns.answer);
}
