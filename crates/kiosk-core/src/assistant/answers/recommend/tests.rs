use crate::Lang;
use crate::assistant::test_store::{TestStore, football_shop, product};
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

// A Brazilian gadget store was told "e.g. “rain jackets”", the demo's
// words: the example of what to say is the store's own biggest category,
// and a catalog without categories gets the question alone.
#[test]
fn the_question_back_names_what_this_store_sells() {
    let store = football_shop();
    for (question, lang, said) in [
        ("what do you recommend?", Lang::En, "e.g. “Football Shirts”"),
        (
            "wat raad je aan?",
            Lang::Nl,
            "bijvoorbeeld „Football Shirts”",
        ),
        ("推薦什麼？", Lang::Zh, "例如「Football Shirts」"),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        assert!(reply.answer.contains(said), "{question}: {}", reply.answer);
    }
    let bare = TestStore::new(vec![product(
        "lamp",
        "Desk Lamp",
        "",
        "19.95",
        &[("One Size", None, 3)],
    )]);
    let reply = bare.ask(&mut Session::default(), "what do you recommend?", Lang::En);
    assert_eq!(
        reply.answer, "Which product do you mean? Tell me what you're looking for.",
        "{}",
        reply.answer
    );
}
