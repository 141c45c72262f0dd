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

// The compare answer said "in stock" of stock the store does not count;
// the card and the variant answer say "available".
#[test]
fn stock_the_store_does_not_count_is_compared_as_available() {
    let mut store = crate::assistant::test_store::tackle_shop();
    for record in &mut store.records {
        for v in record.variants.iter_mut().filter(|v| v.in_stock) {
            v.quantity = None;
        }
    }
    for (lang, available, in_stock) in [
        (Lang::En, "available", "in stock"),
        (Lang::Nl, "verkrijgbaar", "op voorraad"),
        (Lang::Id, "tersedia", "ada stok"),
        (Lang::Zh, "有販售", "有現貨"),
    ] {
        let text = match lang {
            Lang::En => "compare the toad popper and the night crawler",
            Lang::Nl => "vergelijk de toad popper en de night crawler",
            Lang::Id => "bandingkan toad popper dan night crawler",
            Lang::Zh => "比較toad popper和night crawler",
        };
        let reply = store.ask(&mut Session::default(), text, lang);
        assert_eq!(reply.intent, Intent::Compare, "{text}: {}", reply.answer);
        assert_eq!(reply.products.len(), 2, "{text}: {}", reply.answer);
        assert!(
            reply.answer.matches(available).count() == 2 && !reply.answer.contains(in_stock),
            "{text}: {}",
            reply.answer
        );
    }
    // Counted stock is still "in stock".
    let store = crate::assistant::test_store::tackle_shop();
    let reply = store.ask(
        &mut Session::default(),
        "compare the toad popper and the night crawler",
        Lang::En,
    );
    assert_eq!(
        reply.answer.matches("in stock").count(),
        2,
        "{}",
        reply.answer
    );
}
