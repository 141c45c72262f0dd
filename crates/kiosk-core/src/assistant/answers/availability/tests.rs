use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Intent, Session};

fn ids(reply: &crate::assistant::Reply) -> Vec<&str> {
    reply.products.iter().map(|p| p.id.as_str()).collect()
}

#[test]
fn a_named_product_out_of_stock_in_the_size_is_said_so_with_the_waitlist() {
    let store = football_shop();
    let reply = store.ask(
        &mut Session::default(),
        "Arsenal third shirt in M?",
        Lang::En,
    );
    assert_eq!(ids(&reply)[0], "arsenal-third", "{}", reply.answer);
    assert!(reply.answer.contains("out of stock"), "{}", reply.answer);
    assert!(
        reply
            .analytics
            .lost_demand
            .iter()
            .any(|l| l.product_id == "arsenal-third")
    );
}

#[test]
fn a_browse_lists_every_match_and_an_ordinal_picks_from_it() {
    let store = football_shop();
    let mut session = Session::default();
    let list = store.ask(&mut session, "show me Real Madrid jerseys", Lang::En);
    assert_eq!(list.intent, Intent::Search);
    assert_eq!(list.products.len(), 3, "{}", list.answer);
    for (second, lang) in [("the second one", Lang::En), ("yang kedua", Lang::Id)] {
        let reply = store.ask(&mut session, second, lang);
        assert_eq!(ids(&reply)[0], list.products[1].id, "{}", reply.answer);
        store.ask(&mut session, "show me Real Madrid jerseys", Lang::En);
    }
}

#[test]
fn a_colour_follow_up_narrows_the_list_shown() {
    let store = football_shop();
    let mut session = Session::default();
    let list = store.ask(&mut session, "show me Manchester United jackets", Lang::En);
    assert_eq!(list.products.len(), 2, "{}", list.answer);
    let reply = store.ask(&mut session, "in black?", Lang::En);
    assert_eq!(ids(&reply), ["united-varsity"], "{}", reply.answer);
    assert!(reply.answer.contains("in stock"), "{}", reply.answer);
}

#[test]
fn words_that_rule_out_every_product_state_no_stock() {
    let store = football_shop();
    let reply = store.ask(
        &mut Session::default(),
        "Bayern Third shirt in M?",
        Lang::En,
    );
    assert!(!reply.resolved);
    assert!(reply.answer.starts_with("Sorry"), "{}", reply.answer);
    assert!(!reply.answer.contains("left"), "{}", reply.answer);
}

#[test]
fn an_ordinal_word_in_a_products_name_is_not_a_position() {
    let store = football_shop();
    let mut session = Session::default();
    let list = store.ask(&mut session, "show me Real Madrid jerseys", Lang::En);
    assert_eq!(list.products.len(), 3);
    let reply = store.ask(&mut session, "and the Arsenal third shirt in M?", Lang::En);
    assert_eq!(ids(&reply)[0], "arsenal-third", "{}", reply.answer);
    // A plain ordinal still picks from the list.
    let list = store.ask(&mut session, "show me Real Madrid jerseys", Lang::En);
    let reply = store.ask(&mut session, "the third one", Lang::En);
    assert_eq!(ids(&reply)[0], list.products[2].id, "{}", reply.answer);
}

#[test]
fn that_one_after_a_list_is_the_first_shown() {
    let store = football_shop();
    let mut session = Session::default();
    let list = store.ask(&mut session, "show me Real Madrid jerseys", Lang::En);
    let reply = store.ask(&mut session, "that one", Lang::En);
    assert_eq!(reply.intent, Intent::Availability, "{}", reply.answer);
    assert_eq!(ids(&reply)[0], list.products[0].id, "{}", reply.answer);
    // Without anything shown, "that one" is about nothing.
    let reply = store.ask(&mut Session::default(), "that one", Lang::En);
    assert!(reply.products.is_empty(), "{}", reply.answer);
}

#[test]
fn words_that_fit_no_product_are_quoted_as_typed() {
    let store = football_shop();
    let reply = store.ask(
        &mut Session::default(),
        "Is the Bayern Third shirt in M?",
        Lang::En,
    );
    assert!(reply.answer.contains("“Bayern Third”"), "{}", reply.answer);
}

#[test]
fn a_relaxed_list_is_introduced_once() {
    let store = football_shop();
    let reply = store.ask(
        &mut Session::default(),
        "do you have jackets in size S?",
        Lang::En,
    );
    assert!(reply.answer.contains("closest"), "{}", reply.answer);
    assert!(
        !reply.answer.contains("Here's what I found"),
        "{}",
        reply.answer
    );
}

#[test]
fn a_size_with_no_product_asks_which_or_answers_over_the_list() {
    let store = football_shop();
    for (text, lang) in [
        ("do you have size M?", Lang::En),
        ("heb je maat M?", Lang::Nl),
        ("ada ukuran M?", Lang::Id),
        ("有M號嗎?", Lang::Zh),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        assert!(reply.products.is_empty(), "{text}: {}", reply.answer);
        assert!(reply.answer.contains('M'), "{text}: {}", reply.answer);
        assert!(
            reply.answer.contains('?') || reply.answer.contains('？'),
            "{text}: {}",
            reply.answer
        );
    }
    // After a list: over what was shown.
    let mut session = Session::default();
    let list = store.ask(&mut session, "show me Real Madrid jerseys", Lang::En);
    assert_eq!(list.products.len(), 3, "{}", list.answer);
    let reply = store.ask(&mut session, "ada ukuran M?", Lang::Id);
    assert_eq!(
        ids(&reply),
        ["madrid-home", "madrid-kids"],
        "{}",
        reply.answer
    );
}
