use super::*;
use crate::StockLookup;
use crate::assistant::AssistantConfig;
use crate::assistant::test_store::football_shop;
use crate::assistant::understand;

#[test]
fn long_lists_are_cut_with_an_ellipsis_and_repeats_dropped() {
    let items: Vec<String> = ["S", "M", "M", "L", "XL"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(shorten(&items, Lang::En, 10), "S, M, L and XL");
    assert_eq!(shorten(&items, Lang::En, 2), "S, M, …");
    assert_eq!(shorten(&items, Lang::Zh, 2), "S、M、…");
}

#[test]
fn stock_time_is_said_in_the_stores_local_time() {
    let now = jiff::Timestamp::from_second(1_800_000_000).expect("a valid time");
    let local = now
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(2)))
        .datetime();
    let clock = Clock { now, local };
    let as_of = jiff::Timestamp::from_second(1_800_000_000 - 3600).expect("a valid time");
    assert_eq!(format_as_of(as_of, clock), "2027-01-15 09:00");
}

#[test]
fn options_colours_and_asked_variants_are_said_in_the_shoppers_language() {
    let store = football_shop();
    let config = AssistantConfig::default();
    let assistant = Assistant::new(&store, &store, &config);
    let top = store
        .product("training-top")
        .expect("lookup")
        .expect("known");
    assert_eq!(
        assistant.options_text(&top.variants[0], Lang::Nl),
        "maat M, zwart"
    );
    assert_eq!(assistant.color_name("Red", Lang::Id), "merah");
    let reading = understand::read("in size L, black", store.lexicon());
    assert_eq!(assistant.asked_text(&reading, Lang::En), "size L, black");
    assert_eq!(assistant.price_text(&top, Lang::En), "€ 39.95");
    let slots = assistant.slots(&reading, &Session::default(), Lang::En);
    assert_eq!(slots.size.as_deref(), Some("L"));
    assert_eq!(slots.color.as_deref(), Some("black"));
}
