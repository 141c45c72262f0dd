use crate::Lang;
use crate::assistant::Session;
use crate::assistant::test_store::football_shop;

#[test]
fn the_price_is_of_the_product_named() {
    let store = football_shop();
    let reply = store.ask(
        &mut Session::default(),
        "how much is the Real Madrid home shirt player version?",
        Lang::En,
    );
    assert_eq!(reply.products[0].id, "madrid-player", "{}", reply.answer);
    assert!(reply.answer.contains("139.95"), "{}", reply.answer);
}

#[test]
fn how_much_after_a_list_prices_the_list() {
    let store = football_shop();
    let mut session = Session::default();
    store.ask(&mut session, "show me Real Madrid jerseys", Lang::En);
    let reply = store.ask(&mut session, "how much?", Lang::En);
    assert!(
        reply.answer.contains("64.95") && reply.answer.contains("139.95"),
        "{}",
        reply.answer
    );
    assert_eq!(reply.products.len(), 3);
    let reply = store.ask(&mut session, "berapa harganya yang kedua?", Lang::Id);
    assert_eq!(reply.products.len(), 1, "{}", reply.answer);
}

#[test]
fn several_fitting_products_get_a_question_not_a_price() {
    let store = football_shop();
    let reply = store.ask(
        &mut Session::default(),
        "how much is the Bayern home shirt?",
        Lang::En,
    );
    assert!(reply.answer.starts_with("Which one"), "{}", reply.answer);
    assert_eq!(reply.products.len(), 2);
}

#[test]
fn cheaper_is_cheaper_and_of_the_same_kind() {
    let store = football_shop();
    let mut session = Session::default();
    store.ask(&mut session, "Real Madrid home player version", Lang::En);
    let reply = store.ask(&mut session, "anything cheaper?", Lang::En);
    assert!(!reply.products.is_empty(), "{}", reply.answer);
    assert!(
        reply
            .products
            .iter()
            .all(|p| p.price < crate::Money::from_minor(13_995)),
        "{}",
        reply.answer
    );
}
