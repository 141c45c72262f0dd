// Issue 14: open-ended needs ("something warm for winter", "iets voor op
// het strand", "hadiah untuk pacar", "冷天看球穿什麼") are read as needs and
// answered with products of several kinds, in stock first.

use super::{asks_for_a_thing, varied, worded_as_need};
use crate::Lang;
use crate::assistant::Session;
use crate::assistant::test_store::{football_shop, product};

fn check(text: &str, expected: bool) {
    assert_eq!(worded_as_need(text), expected, "{text:?}");
}

#[test]
fn needs_are_told_by_words_of_purpose_occasion_and_recipient_in_every_language() {
    check("something warm for winter", true);
    check("a gift for my girlfriend", true);
    check("iets voor op het strand", true);
    check("een cadeau voor mijn vriendin", true);
    check("hadiah untuk pacar", true);
    check("sesuatu yang hangat", true);
    check("冷天看球時穿什麼", true);
    check("送女朋友的禮物", true);
    check("下雨天穿的", true);
    // A product asked for by what it is, a size, a price: no need words.
    check("do you have jackets?", false);
    check("hebben jullie rode wijn?", false);
    check("ada kaos?", false);
    check("有外套嗎?", false);
    check("the Arsenal home shirt in M", false);
    // "formal" holds "for", but not as a word.
    check("formal shoes", false);
}

#[test]
fn a_need_that_asks_for_a_thing_is_told_from_an_off_topic_question() {
    for text in [
        "something warm for windy weather",
        "iets warms voor als het regent",
        "sesuatu yang hangat untuk cuaca berangin",
        "下雨天穿的東西",
        "a gift for dinner with friends",
    ] {
        assert!(asks_for_a_thing(text), "{text:?}");
    }
    // Worded with "for", but asking about a place or the weather itself.
    for text in [
        "can you recommend a good place for lunch around here?",
        "what's the weather going to be like tomorrow?",
        "besok cuacanya bagaimana?",
        "附近有好吃的餐廳嗎？",
    ] {
        assert!(!asks_for_a_thing(text), "{text:?}");
    }
}

fn ids(records: &[crate::ProductRecord]) -> Vec<&str> {
    records.iter().map(|r| r.product.id.as_str()).collect()
}

#[test]
fn a_need_shows_one_of_each_kind_first_and_what_is_in_stock_before_the_rest() {
    let closest_first = vec![
        product("beanie-a", "Beanie A", "Hats", "10", &[("One", None, 3)]),
        product("beanie-b", "Beanie B", "Hats", "12", &[("One", None, 2)]),
        product("jacket-out", "Jacket", "Jackets", "80", &[("M", None, 0)]),
        product("scarf", "Scarf", "Scarves", "15", &[("One", None, 1)]),
        product("gloves", "Gloves", "hats", "9", &[("M", None, 4)]),
    ];
    let shown = varied(closest_first, 4);
    assert_eq!(
        ids(&shown),
        ["beanie-a", "scarf", "beanie-b", "gloves"],
        "in stock first, a category each before a second of any (\"hats\" is \"Hats\")"
    );
}

#[test]
fn a_need_without_search_by_meaning_is_answered_by_words_as_before() {
    // The test store has no product vectors: the turn is searched by its
    // words, and the answer is never the need's list head.
    let store = football_shop();
    for (text, lang) in [
        ("something to keep me warm when it is windy", Lang::En),
        ("iets warms voor als het hard waait", Lang::Nl),
        ("sesuatu yang hangat untuk cuaca berangin", Lang::Id),
        ("颳風時保暖穿的", Lang::Zh),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        assert!(!reply.answer.trim().is_empty(), "{text}");
        let head = crate::assistant::phrasebook::say(lang, "need_ideas", &[]);
        assert!(!reply.answer.contains(&head), "{text}: {}", reply.answer);
    }
}
