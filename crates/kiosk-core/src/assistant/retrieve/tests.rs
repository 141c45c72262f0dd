use super::*;
use crate::StockLookup;
use crate::assistant::AssistantConfig;
use crate::assistant::test_store::football_shop;
use crate::assistant::understand;

fn found(text: &str) -> (Vec<String>, Vec<&'static str>) {
    let store = football_shop();
    let config = AssistantConfig::default();
    let assistant = Assistant::new(&store, &store, &config);
    let reading = understand::read(text, store.lexicon());
    let (records, dropped) = assistant
        .find(&reading, &Session::default(), None)
        .expect("an in-memory search");
    (records.into_iter().map(|r| r.product.id).collect(), dropped)
}

#[test]
fn a_colour_only_the_title_names_is_not_filtered_out() {
    let (ids, dropped) = found("black jacket");
    assert_eq!(ids, ["united-varsity"]);
    assert!(dropped.is_empty());
}

#[test]
fn a_colour_no_product_has_is_dropped_and_said() {
    let (ids, dropped) = found("red jacket");
    assert_eq!(dropped, ["color"]);
    assert!(ids.contains(&"united-training".to_string()), "{ids:?}");
}

#[test]
fn a_variant_colour_still_filters() {
    let (ids, dropped) = found("black training top");
    assert_eq!(ids, ["training-top"]);
    assert!(dropped.is_empty());
}

#[test]
fn similar_products_are_in_stock_and_named() {
    let store = football_shop();
    let config = AssistantConfig::default();
    let assistant = Assistant::new(&store, &store, &config);
    let sold_out = store
        .product("bayern-home-24")
        .expect("lookup")
        .expect("known");
    let mut d = Draft::new(crate::Lang::En);
    assistant
        .offer_similar(&sold_out, Some("M"), &mut d)
        .expect("an in-memory search");
    assert!(!d.products.is_empty());
    assert!(d.products.iter().all(|r| r.product.id != "bayern-home-24"));
    assert!(d.products.iter().all(|r| r.in_stock()));
    assert!(
        d.parts[0].contains(&d.products[0].product.title),
        "{:?}",
        d.parts
    );
}

#[test]
fn a_variant_colour_in_another_word_of_the_colour_is_found() {
    // The index filters colours by one name ("black"); a variant written
    // with another of the colour's words ("Zwart") is that colour too.
    let store = crate::assistant::test_store::TestStore::new(vec![
        crate::assistant::test_store::product(
            "tee",
            "Club Tee",
            "Tops",
            "18",
            &[("M", Some("Zwart"), 3)],
        ),
        crate::assistant::test_store::product(
            "cap",
            "Club Cap",
            "Caps",
            "12",
            &[("One Size", Some("Red"), 3)],
        ),
    ]);
    let config = AssistantConfig::default();
    let assistant = Assistant::new(&store, &store, &config);
    let reading = understand::read("club tee in black", store.lexicon());
    let (records, dropped) = assistant
        .find(&reading, &Session::default(), None)
        .expect("an in-memory search");
    assert!(dropped.is_empty(), "{dropped:?}");
    let ids: Vec<&str> = records.iter().map(|r| r.product.id.as_str()).collect();
    assert_eq!(ids, ["tee"]);
}

#[test]
fn words_that_say_a_category_whole_search_that_category() {
    // "Manchester United Training Jacket" is filed under Jackets: the
    // Training category holds only the top.
    let (ids, _) = found("show me training");
    assert_eq!(ids, ["training-top"]);
    // With more words, those words within the category.
    let (ids, _) = found("club training");
    assert_eq!(ids, ["training-top"]);
    // Nothing in the category for the other words: searched everywhere.
    let (ids, _) = found("manchester united training");
    assert!(ids.contains(&"united-training".to_string()), "{ids:?}");
}

/// A sold-out trail shoe and three in-stock shoes in its size: one that
/// shares its title's words, one nearer its price, one that shares neither.
fn shoe_shop() -> crate::assistant::test_store::TestStore {
    use crate::assistant::test_store::{TestStore, product};
    TestStore::new(vec![
        product(
            "trail",
            "Trail Running Shoe",
            "Shoes",
            "100",
            &[("42", None, 0)],
        ),
        product(
            "slipper",
            "Trail Running Slipper",
            "Shoes",
            "110",
            &[("42", None, 4)],
        ),
        product("court", "Court Classic", "Shoes", "100", &[("42", None, 4)]),
        product(
            "hiker",
            "Mountain Hiker",
            "Shoes",
            "125",
            &[("42", None, 4)],
        ),
    ])
}

fn alternatives(store: &crate::assistant::test_store::TestStore) -> Vec<String> {
    let config = AssistantConfig::default();
    let assistant = Assistant::new(store, store, &config);
    let sold_out = store.product("trail").expect("lookup").expect("known");
    let mut d = Draft::new(crate::Lang::En);
    assistant
        .offer_similar(&sold_out, Some("42"), &mut d)
        .expect("an in-memory search");
    d.products.into_iter().map(|r| r.product.id).collect()
}

#[test]
fn the_alternative_closest_in_meaning_comes_first() {
    // The hiking shoe shares no word of the title and is the furthest in
    // price, but its vector is the closest to the trail shoe's.
    let store = shoe_shop().with_closeness(&[
        ("trail", "hiker", 0.91),
        ("trail", "slipper", 0.84),
        ("trail", "court", 0.80),
    ]);
    assert_eq!(alternatives(&store), ["hiker", "slipper", "court"]);
}

#[test]
fn without_vectors_alternatives_go_by_shared_words_then_price() {
    assert_eq!(alternatives(&shoe_shop()), ["slipper", "court", "hiker"]);
}

#[test]
fn an_alternative_without_a_vector_follows_those_with_one() {
    let store = shoe_shop().with_closeness(&[("trail", "court", 0.80)]);
    assert_eq!(alternatives(&store), ["court", "slipper", "hiker"]);
}
