use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Intent, Session};

#[test]
fn where_is_the_product_named() {
    let store = football_shop();
    let reply = store.ask(
        &mut Session::default(),
        "where is the Arsenal third shirt?",
        Lang::En,
    );
    assert_eq!(reply.intent, Intent::Location);
    assert_eq!(reply.products[0].id, "arsenal-third", "{}", reply.answer);
    assert!(reply.answer.contains("Football"), "{}", reply.answer);
}

#[test]
fn where_is_it_without_a_product_asks_which() {
    let store = football_shop();
    let reply = store.ask(&mut Session::default(), "where is it?", Lang::En);
    assert!(!reply.resolved, "{}", reply.answer);
    assert!(reply.products.is_empty());
}
