use super::split_pair;
use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Intent, Session};

#[test]
fn a_pair_splits_on_its_joining_word() {
    assert_eq!(
        split_pair("the Home and the Away"),
        ["the home", "the away"]
    );
    assert_eq!(split_pair("Home 和 Away"), ["home ", " away"]);
    assert!(split_pair("the home shirt").is_empty());
}

#[test]
fn the_first_and_the_second_shown_are_compared() {
    let store = football_shop();
    let mut session = Session::default();
    store.ask(&mut session, "show me Real Madrid jerseys", Lang::En);
    let reply = store.ask(&mut session, "compare the first and the second", Lang::En);
    assert_eq!(reply.intent, Intent::Compare, "{}", reply.answer);
    assert_eq!(reply.products.len(), 2, "{}", reply.answer);
    assert!(reply.answer.contains("89.95"), "{}", reply.answer);
}
