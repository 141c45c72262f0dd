use super::*;
use crate::StockLookup;
use crate::assistant::AssistantConfig;
use crate::assistant::test_store::football_shop;
use crate::assistant::understand;

// Issue 13: a cut list ended in "…", so a sentence ending with it ended
// "geel, …." ("heb je regenjassen?", then "de derde").
#[test]
fn long_lists_are_cut_with_how_many_more_and_repeats_dropped() {
    let items: Vec<String> = ["S", "M", "M", "L", "XL"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(shorten(&items, Lang::En, 10), "S, M, L and XL");
    assert_eq!(shorten(&items, Lang::En, 2), "S, M and 2 more");
    assert_eq!(shorten(&items, Lang::Nl, 2), "S, M en nog 2");
    assert_eq!(shorten(&items, Lang::Id, 2), "S, M dan 2 lainnya");
    assert_eq!(shorten(&items, Lang::Zh, 2), "S、M和其他2項");
}

// Issue 13: every sentence that takes a list ends cleanly when the list is
// cut, in every language: no "…." and no ", …".
#[test]
fn every_phrase_with_a_cut_list_ends_cleanly() {
    use crate::assistant::phrasebook::keys;
    let items: Vec<String> = (1..=20).map(|i| format!("item {i}")).collect();
    for lang in [Lang::En, Lang::Nl, Lang::Id, Lang::Zh] {
        let cut = shorten(&items, lang, 3);
        for key in keys() {
            let args: Vec<(&str, &str)> = [
                "list",
                "available",
                "options",
                "sizes",
                "colours",
                "query",
                "what",
            ]
            .iter()
            .map(|p| (*p, cut.as_str()))
            .collect();
            let said = say(lang, key, &args);
            for bad in ["….", "…。", ", …", "、…", "…"] {
                assert!(!said.contains(bad), "[{key}] {lang:?}: {said}");
            }
        }
    }
}

#[test]
fn stock_time_is_said_in_the_stores_local_time() {
    let as_of: jiff::Timestamp = "2027-01-15T07:00:00Z".parse().expect("a valid time");
    assert_eq!(format_as_of(as_of, "Europe/Amsterdam"), "2027-01-15 08:00");
    assert_eq!(format_as_of(as_of, "Asia/Jakarta"), "2027-01-15 14:00");
    assert_eq!(format_as_of(as_of, "Asia/Taipei"), "2027-01-15 15:00");
    assert_eq!(format_as_of(as_of, "Not/AZone"), "2027-01-15 07:00 UTC");
}

// Issue 18: the offset used to be the one of the turn's time, so stock
// counted before a DST change was said an hour off after it.
#[test]
fn stock_time_across_a_dst_change_keeps_its_own_offset() {
    // Counted in summer time (UTC+2), said after the change to UTC+1.
    let as_of: jiff::Timestamp = "2026-10-24T22:00:00Z".parse().expect("a valid time");
    assert_eq!(format_as_of(as_of, "Europe/Amsterdam"), "2026-10-25 00:00");
    let as_of: jiff::Timestamp = "2026-10-25T22:00:00Z".parse().expect("a valid time");
    assert_eq!(format_as_of(as_of, "Europe/Amsterdam"), "2026-10-25 23:00");
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
