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

use crate::assistant::test_store::tackle_shop;

#[test]
fn the_price_of_two_colours_together_is_of_the_value_with_both() {
    let store = tackle_shop();
    let reply = store.ask(
        &mut Session::default(),
        "how much is the toad popper in pink and black?",
        Lang::En,
    );
    assert!(reply.answer.contains("Pink & Black"), "{}", reply.answer);
    assert!(reply.answer.contains("9.99"), "{}", reply.answer);
}

#[test]
fn a_price_of_zero_is_never_said() {
    let store = tackle_shop();
    for (question, lang, unavailable) in [
        (
            "how much is the black and white night crawler",
            Lang::En,
            "don't have a price",
        ),
        (
            "hoeveel kost de night crawler zwart-wit?",
            Lang::Nl,
            "geen prijs",
        ),
        ("how much is the bare hook", Lang::En, "don't have a price"),
        ("bare hook 多少錢?", Lang::Zh, "沒有標價"),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        assert!(
            reply.answer.contains(unavailable),
            "{question}: {}",
            reply.answer
        );
        assert!(
            !reply.answer.contains("0.00") && !reply.answer.contains("0,00"),
            "{question}: {}",
            reply.answer
        );
    }
    // The product's other variants have a price: the range leaves the
    // unset one out.
    let reply = store.ask(
        &mut Session::default(),
        "how much is the night crawler",
        Lang::En,
    );
    assert!(reply.answer.contains("9.99"), "{}", reply.answer);
    assert!(!reply.answer.contains("0.00"), "{}", reply.answer);
}

#[test]
fn a_price_limit_leaves_out_what_has_no_price() {
    let store = tackle_shop();
    let reply = store.ask(&mut Session::default(), "lures under 8 euro", Lang::En);
    let ids: Vec<&str> = reply.products.iter().map(|p| p.id.as_str()).collect();
    assert!(!ids.contains(&"bare-hook"), "{ids:?}: {}", reply.answer);
    assert!(ids.contains(&"plain-float"), "{ids:?}: {}", reply.answer);
}

// A Brazilian gadget store answered "what is the cheapest drone?" with
// "That's the lowest price we have for drone." and no product: with
// nothing shown, the cheapest of what matches is listed, cheapest first.
#[test]
fn the_cheapest_of_a_kind_lists_it_cheapest_first() {
    let store = football_shop();
    for (question, lang) in [
        ("what is the cheapest jacket?", Lang::En),
        ("wat is de goedkoopste jacket?", Lang::Nl),
        ("jacket termurah", Lang::Id),
        ("最便宜的jacket", Lang::Zh),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        let ids: Vec<&str> = reply.products.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            ["united-training", "united-varsity"],
            "{question}: {}",
            reply.answer
        );
    }
}

// After a shirt was shown, "the cheapest jacket" asks about jackets, not
// about shirts cheaper than the one shown.
#[test]
fn the_cheapest_of_a_named_kind_is_not_cheaper_than_the_product_shown() {
    let store = football_shop();
    let mut session = Session::default();
    store.ask(&mut session, "Arsenal Home Jersey", Lang::En);
    let reply = store.ask(&mut session, "what's the cheapest jacket?", Lang::En);
    assert_eq!(
        reply.products.first().map(|p| p.id.as_str()),
        Some("united-training"),
        "{}",
        reply.answer
    );
    // Without a product word it is still the one shown that is undercut.
    let reply = store.ask(&mut session, "anything cheaper?", Lang::En);
    assert!(
        reply
            .products
            .iter()
            .all(|p| p.price < crate::Money::from_minor(7_995)),
        "{}",
        reply.answer
    );
}

/// A shop of `n` caps in one category, one variant each in stock, priced
/// 1.00 to `n`.00 in the order given by `prices`, plus the product named
/// "Crown Cap" at 99.00 to ask about.
fn cap_shop(prices: &[u32]) -> crate::assistant::test_store::TestStore {
    use crate::assistant::test_store::{TestStore, product};
    let mut records: Vec<_> = prices
        .iter()
        .map(|p| {
            product(
                &format!("cap-{p}"),
                &format!("Cap Model {p}"),
                "Caps",
                &format!("{p}.00"),
                &[("M", None, 3)],
            )
        })
        .collect();
    records.push(product(
        "crown-cap",
        "Crown Cap",
        "Caps",
        "99.00",
        &[("M", None, 3)],
    ));
    TestStore::new(records)
}

// "Cheaper" sorted what a relevance search gave by price itself, and the
// answer to a price limit sorted its own pool: two sorts of one order. Both
// now ask the search for the order; the nearest price below comes first,
// of all the products of the kind, not of those a first search picked.
#[test]
fn cheaper_lists_the_nearest_prices_below_of_all_of_the_kind() {
    // The dearest caps come last in the store, after more than a search
    // for an answer reads.
    let prices: Vec<u32> = (1..=30).collect();
    let store = cap_shop(&prices);
    let mut session = Session::default();
    let first = store.ask(&mut session, "do you have the crown cap?", Lang::En);
    assert_eq!(first.products[0].id, "crown-cap", "{}", first.answer);
    let reply = store.ask(&mut session, "anything cheaper?", Lang::En);
    let ids: Vec<&str> = reply.products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids[..3], ["cap-30", "cap-29", "cap-28"], "{}", reply.answer);
    let prices: Vec<crate::Money> = reply.products.iter().map(|p| p.price).collect();
    assert!(
        prices.windows(2).all(|w| w[0] >= w[1]),
        "dearest first: {prices:?}"
    );
}

// The answer to a price limit read a pool of the first products the search
// gave and sorted that: the cheapest of the store were missed when they
// came after it.
#[test]
fn a_price_limit_lists_the_cheapest_of_all_within_it() {
    let config = crate::assistant::AssistantConfig {
        max_list_products: 2,
        ..crate::assistant::AssistantConfig::default()
    };
    // The cheapest caps come last.
    let prices: Vec<u32> = (1..=60).rev().collect();
    let store = cap_shop(&prices);
    for (text, lang) in [
        ("something under 50", Lang::En),
        ("iets onder de 50", Lang::Nl),
        ("50元以下的東西", Lang::Zh),
    ] {
        let reply = store.ask_with(&config, &mut Session::default(), text, lang);
        let ids: Vec<&str> = reply.products.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["cap-1", "cap-2"], "{text:?}: {}", reply.answer);
    }
}

#[test]
fn the_price_order_leaves_out_what_has_no_price_and_breaks_ties_by_title() {
    use crate::Order;
    use crate::assistant::test_store::product;
    let check = |order: Order, expected: &[&str]| {
        let mut records = vec![
            product("b", "B", "Caps", "5.00", &[]),
            product("none", "N", "Caps", "0", &[]),
            product("a", "A", "Caps", "5.00", &[]),
            product("c", "C", "Caps", "9.00", &[]),
            product("d", "D", "Caps", "1.00", &[]),
        ];
        order.arrange(&mut records, |r| r);
        let ids: Vec<&str> = records.iter().map(|r| r.product.id.as_str()).collect();
        assert_eq!(ids, expected, "{order:?}");
    };
    check(Order::PriceLowFirst, &["d", "a", "b", "c"]);
    check(Order::PriceHighFirst, &["c", "a", "b", "d"]);
    check(Order::Relevance, &["b", "none", "a", "c", "d"]);
}

// Issue 13: "the cheapest X" sorted its own pool and headed the list with
// the length shown ("(48)"): it takes the search's price order, and the
// head says how many were found in all, whether every match was read or
// the search had to count them.
#[test]
fn the_cheapest_list_says_how_many_were_found_in_all() {
    let config = crate::assistant::AssistantConfig {
        max_list_products: 2,
        ..crate::assistant::AssistantConfig::default()
    };
    // 30 caps and the crown cap: all read at once. 60 and the crown cap:
    // more than are read (2 × 20), so counted by the search.
    for (n, lang, question) in [
        (30u32, Lang::En, "what is the cheapest cap?"),
        (60, Lang::En, "what is the cheapest cap?"),
        (60, Lang::Nl, "wat is de goedkoopste cap?"),
        (30, Lang::Zh, "最便宜的cap"),
    ] {
        let prices: Vec<u32> = (1..=n).collect();
        let store = cap_shop(&prices);
        let reply = store.ask_with(&config, &mut Session::default(), question, lang);
        let ids: Vec<&str> = reply.products.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["cap-1", "cap-2"], "{question}: {}", reply.answer);
        let found = (n + 1).to_string();
        assert!(
            reply.answer.contains(&found) && reply.answer.contains('2'),
            "{question} ({n}): {}",
            reply.answer
        );
    }
}
