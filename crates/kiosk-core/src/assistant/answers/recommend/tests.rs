use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Intent, Session};

#[test]
fn a_recommendation_is_in_stock_in_the_size_asked() {
    let store = football_shop();
    let reply = store.ask(
        &mut Session::default(),
        "can you recommend a jacket in XL?",
        Lang::En,
    );
    assert_eq!(reply.intent, Intent::Recommend, "{}", reply.answer);
    assert!(!reply.products.is_empty(), "{}", reply.answer);
    assert!(reply.products.iter().all(|p| {
        p.variants
            .iter()
            .any(|v| v.in_stock && v.options.get("Size").map(String::as_str) == Some("XL"))
    }));
}

#[test]
fn a_recommendation_without_a_kind_asks_which_product() {
    let store = football_shop();
    let reply = store.ask(&mut Session::default(), "what do you recommend?", Lang::En);
    assert_eq!(reply.intent, Intent::Recommend);
    assert!(
        !reply.resolved && reply.products.is_empty(),
        "{}",
        reply.answer
    );
}
