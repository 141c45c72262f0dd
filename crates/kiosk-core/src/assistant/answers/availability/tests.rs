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

// Options read against the product's own values: colours made of several
// colours, and options that are neither size nor colour.

use crate::assistant::test_store::tackle_shop;

fn first_options(reply: &crate::assistant::Reply) -> String {
    reply
        .actions
        .iter()
        .find_map(|a| match a {
            crate::assistant::Action::AddToPickupList { options, .. } => Some(options.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

#[test]
fn two_colours_asked_together_pick_the_value_that_has_both() {
    let store = tackle_shop();
    for (question, lang) in [
        ("is the black and white night crawler in stock?", Lang::En),
        ("night crawler black & white?", Lang::En),
        ("night crawler black/white in stock?", Lang::En),
        ("heeft u de night crawler in zwart-wit?", Lang::Nl),
        ("night crawler 黑白 有貨嗎?", Lang::Zh),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        assert_eq!(
            ids(&reply)[0],
            "night-crawler",
            "{question}: {}",
            reply.answer
        );
        let options = first_options(&reply);
        assert!(
            options.contains("Black & White"),
            "{question}: {options:?} / {}",
            reply.answer
        );
    }
}

#[test]
fn a_colour_that_is_a_value_whole_is_chosen_before_the_values_that_hold_it() {
    let store = tackle_shop();
    let reply = store.ask(
        &mut Session::default(),
        "is the night crawler in black?",
        Lang::En,
    );
    let options = first_options(&reply);
    assert!(
        options.contains("black") && !options.contains('&'),
        "{options:?} / {}",
        reply.answer
    );
}

#[test]
fn a_colour_part_of_several_values_lists_them_with_their_stock() {
    let store = tackle_shop();
    for (question, lang, in_stock, out) in [
        (
            "do you have the toad popper in pink?",
            Lang::En,
            "in stock",
            "out of stock",
        ),
        ("有沒有粉紅色的 toad popper?", Lang::Zh, "有現貨", "缺貨"),
        (
            "toad popper in het roze?",
            Lang::Nl,
            "op voorraad",
            "uitverkocht",
        ),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        assert!(
            reply.answer.contains(&format!("Pink & Black ({in_stock})"))
                && reply.answer.contains(&format!("Pink Snake ({out})")),
            "{question}: {}",
            reply.answer
        );
        assert!(
            !reply.answer.contains("Yellow"),
            "{question}: {}",
            reply.answer
        );
        // Neither is stated as the answer.
        assert!(
            first_options(&reply).is_empty(),
            "{question}: {}",
            reply.answer
        );
    }
}

#[test]
fn a_colour_only_one_value_holds_is_answered_about_that_value() {
    let store = tackle_shop();
    for (question, lang) in [
        ("toad popper in yellow?", Lang::En),
        ("toad popper kuning ada?", Lang::Id),
        ("toad popper pink and black", Lang::En),
        ("toad popper pink snake", Lang::En),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        let options = first_options(&reply);
        let expected = if question.contains("snake") {
            "out of stock"
        } else {
            ""
        };
        if expected.is_empty() {
            assert!(
                options.contains("Yellow & Green") || options.contains("Pink & Black"),
                "{question}: {options:?} / {}",
                reply.answer
            );
        } else {
            assert!(
                reply.answer.contains("Pink Snake") && reply.answer.contains(expected),
                "{question}: {}",
                reply.answer
            );
        }
    }
}

#[test]
fn a_colour_no_value_holds_is_said_not_to_exist() {
    let store = tackle_shop();
    let reply = store.ask(&mut Session::default(), "toad popper in purple?", Lang::En);
    assert!(
        reply.answer.contains("doesn't come in purple"),
        "{}",
        reply.answer
    );
    assert!(first_options(&reply).is_empty(), "{}", reply.answer);
}

#[test]
fn the_value_of_another_option_is_read_from_the_turn() {
    let store = tackle_shop();
    for (question, lang, expected) in [
        (
            "do you have the flash spinner in pink 1/2 oz?",
            Lang::En,
            "1/2 oz",
        ),
        ("flash spinner pink 1/2oz in stock?", Lang::En, "1/2 oz"),
        ("flash spinner pink ½ oz?", Lang::En, "1/2 oz"),
        ("flash spinner pink 1 1/4 oz?", Lang::En, "1 1/4 oz"),
        (
            "flash spinner roze 1 1/4 oz op voorraad?",
            Lang::Nl,
            "1 1/4 oz",
        ),
        (
            "is the purple and white flash spinner in 1/4 oz in stock?",
            Lang::En,
            "1/4 oz",
        ),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        assert_eq!(
            ids(&reply)[0],
            "flash-spinner",
            "{question}: {}",
            reply.answer
        );
        assert!(
            reply.answer.contains(expected),
            "{question}: {}",
            reply.answer
        );
        if question.contains("1/4 oz") && !question.contains("1 1/4") {
            // Purple & White in 1/4 oz is out of stock: said so.
            assert!(
                reply.answer.contains("out of stock"),
                "{question}: {}",
                reply.answer
            );
            assert!(
                reply.answer.contains("Purple & White"),
                "{question}: {}",
                reply.answer
            );
        } else {
            let options = first_options(&reply);
            assert!(
                options.contains(&format!("Weight {expected}")),
                "{question}: {options:?} / {}",
                reply.answer
            );
        }
    }
}

#[test]
fn a_value_the_product_lacks_is_said_with_the_values_it_has() {
    let store = tackle_shop();
    for (question, lang, missing) in [
        ("flash spinner pink 2 oz?", Lang::En, "2 oz"),
        (
            "do you have the olive oil extra virgin in 500 ml?",
            Lang::En,
            "500 ml",
        ),
        ("olive oil extra virgin 500ml ada?", Lang::Id, "500 ml"),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        assert!(
            reply.answer.contains(missing),
            "{question}: {}",
            reply.answer
        );
        assert!(
            first_options(&reply).is_empty(),
            "{question}: {}",
            reply.answer
        );
        assert!(
            reply.answer.contains("1/4 oz") || reply.answer.contains("750 ml"),
            "{question}: the values it has: {}",
            reply.answer
        );
    }
}

#[test]
fn a_volume_is_read_like_any_option() {
    let store = tackle_shop();
    let reply = store.ask(
        &mut Session::default(),
        "is the olive oil extra virgin 750 ml in stock?",
        Lang::En,
    );
    assert!(reply.answer.contains("750 ml"), "{}", reply.answer);
    assert!(reply.answer.contains("out of stock"), "{}", reply.answer);
    // What is in stock instead, by the same option.
    assert!(
        reply.answer.contains("In stock instead: Volume 250 ml"),
        "{}",
        reply.answer
    );
}

#[test]
fn a_product_without_options_out_of_stock_is_plainly_out_of_stock() {
    let store = tackle_shop();
    let reply = store.ask(
        &mut Session::default(),
        "is the plain float in stock?",
        Lang::En,
    );
    assert!(
        reply.answer.contains("Plain Float is out of stock."),
        "{}",
        reply.answer
    );
    assert!(!reply.answer.contains("size"), "{}", reply.answer);
}

#[test]
fn a_variant_without_a_price_is_not_given_one() {
    let store = tackle_shop();
    let reply = store.ask(
        &mut Session::default(),
        "is the black and white night crawler in stock?",
        Lang::En,
    );
    assert!(reply.answer.contains("in stock"), "{}", reply.answer);
    assert!(!reply.answer.contains("0.00"), "{}", reply.answer);
    assert!(
        reply.answer.contains("price not available"),
        "{}",
        reply.answer
    );
}

#[test]
fn options_every_variant_has_alike_are_not_listed_as_variants() {
    // A wine's winery, region and country are facts of the product, the
    // same on its only variant: "in stock in: Region Šumadija, …" would
    // read as a choice of variants.
    let store = crate::assistant::test_store::wine_shop();
    for (text, lang) in [
        ("is the magaza rose in stock?", Lang::En),
        ("is de magaza rose op voorraad?", Lang::Nl),
        ("magaza rose ada stok?", Lang::Id),
        ("magaza rose有貨嗎?", Lang::Zh),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        assert_eq!(
            reply.products.first().map(|p| p.id.as_str()),
            Some("magaza-rose"),
            "{text}: {}",
            reply.answer
        );
        for fact in ["Region", "Šumadija", "Vinarija", "Zemlja"] {
            assert!(!reply.answer.contains(fact), "{text}: {}", reply.answer);
        }
    }
    // The size is the choice; the cut, alike on both, is not.
    let reply = store.ask(
        &mut Session::default(),
        "is the camiseta crew hombre in stock?",
        Lang::En,
    );
    assert!(reply.answer.contains("size M"), "{}", reply.answer);
    assert!(reply.answer.contains("size L"), "{}", reply.answer);
    assert!(!reply.answer.contains("Corte"), "{}", reply.answer);
}

/// The tackle shop as a store that counts no stock: every variant for sale
/// has no quantity (the card says "available" for such stock).
fn uncounted_tackle_shop() -> crate::assistant::test_store::TestStore {
    let mut store = tackle_shop();
    for record in &mut store.records {
        for v in record.variants.iter_mut().filter(|v| v.in_stock) {
            v.quantity = None;
        }
    }
    store
}

/// The word for stock the store does not count, and the words for counted
/// stock, in each language.
const AVAILABLE: [(Lang, &str, &str); 4] = [
    (Lang::En, "available", "in stock"),
    (Lang::Nl, "verkrijgbaar", "op voorraad"),
    (Lang::Id, "tersedia", "ada stok"),
    (Lang::Zh, "有販售", "有現貨"),
];

// Stock the store does not count was said to be "in stock" by the overview
// of a product's variants and by the colour choices, though the card and
// the variant answer say "available".
#[test]
fn stock_the_store_does_not_count_is_available_in_overviews_and_colour_choices() {
    let store = uncounted_tackle_shop();
    for (lang, available, in_stock) in AVAILABLE {
        let (overview, choices) = match lang {
            Lang::En => ("do you have the toad popper?", "toad popper in pink?"),
            Lang::Nl => ("hebben jullie de toad popper?", "toad popper in het roze?"),
            Lang::Id => ("ada toad popper?", "toad popper merah muda ada?"),
            Lang::Zh => ("有toad popper嗎?", "有沒有粉紅色的 toad popper?"),
        };
        let reply = store.ask(&mut Session::default(), overview, lang);
        assert!(
            reply.answer.contains(available) && !reply.answer.contains(in_stock),
            "{overview}: {}",
            reply.answer
        );
        assert!(
            reply.answer.contains("Yellow & Green"),
            "{overview}: {}",
            reply.answer
        );
        let reply = store.ask(&mut Session::default(), choices, lang);
        assert!(
            reply
                .answer
                .contains(&format!("Pink & Black ({available})"))
                && !reply.answer.contains(in_stock),
            "{choices}: {}",
            reply.answer
        );
    }
}

// Issue 13: a price limit with no word for a product ("something under 300")
// said "we don't have anything matching “something”", or asked which
// product. It lists what is in stock within the limit, cheapest first.
#[test]
fn a_price_limit_alone_lists_what_is_in_stock_within_it() {
    let store = football_shop();
    for (text, lang) in [
        ("something under 80", Lang::En),
        ("anything under 80", Lang::En),
        ("iets onder de 80", Lang::Nl),
        ("sesuatu di bawah 80", Lang::Id),
        ("80元以下的東西", Lang::Zh),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        assert_eq!(
            ids(&reply),
            ["training-top", "madrid-kids", "united-training"],
            "{text:?}: {}",
            reply.answer
        );
        assert_eq!(reply.intent, Intent::Search, "{text:?}");
    }
    // Nothing within the limit says so, and names the limit.
    let reply = store.ask(&mut Session::default(), "something under 10", Lang::En);
    assert!(reply.products.is_empty(), "{}", reply.answer);
    assert!(reply.answer.contains("10"), "{}", reply.answer);
}

// A price limit with no product word after a product was shown ("30元以下的
// 東西" after a € 159.95 rain jacket) restated the jacket's sizes: the
// product in focus is not what "something under 30" asks about.
#[test]
fn a_price_limit_alone_lists_within_it_after_a_product_was_shown() {
    let store = football_shop();
    for (text, lang) in [
        ("something under 80", Lang::En),
        ("iets onder de 80", Lang::Nl),
        ("80元以下的東西", Lang::Zh),
    ] {
        let mut session = Session::default();
        let first = store.ask(
            &mut session,
            "do you have the arsenal third shirt?",
            Lang::En,
        );
        assert_eq!(ids(&first), ["arsenal-third"], "{}", first.answer);
        let reply = store.ask(&mut session, text, lang);
        assert_eq!(
            ids(&reply),
            ["training-top", "madrid-kids", "united-training"],
            "{text:?}: {}",
            reply.answer
        );
    }
}

// The overview of a product's variants in Chinese joined a variant's size
// and colour with ", " and the variants with "、" ("尺寸 XS, 黑色、尺寸 S,
// 黑色…"), so it read as neither one list nor the other. Each variant now
// reads as one item in every language.
#[test]
fn a_variant_overview_reads_as_one_list_in_every_language() {
    use crate::assistant::test_store::{TestStore, product};
    let store = TestStore::new(vec![product(
        "storm-jacket",
        "Storm Jacket",
        "Jackets",
        "59.95",
        &[
            ("XS", Some("Black"), 2),
            ("S", Some("Black"), 3),
            ("M", Some("Red"), 1),
            ("L", Some("Red"), 0),
        ],
    )]);
    let check = |text: &str, lang: Lang, expected: &str| {
        let reply = store.ask(&mut Session::default(), text, lang);
        assert!(
            reply.answer.contains(expected),
            "{text:?}: {} (expected {expected:?})",
            reply.answer
        );
    };
    check(
        "do you have the storm jacket?",
        Lang::En,
        ": size XS, black; size S, black and size M, red.",
    );
    check(
        "hebben jullie de storm jacket?",
        Lang::Nl,
        ": maat XS, zwart; maat S, zwart en maat M, rood.",
    );
    check(
        "ada storm jacket?",
        Lang::Id,
        ": ukuran XS, hitam; ukuran S, hitam dan ukuran M, merah.",
    );
    check(
        "有storm jacket嗎?",
        Lang::Zh,
        "：XS號黑色、S號黑色和M號紅色。",
    );
}

// "Here's what I found (48):" said the list's length when more products
// matched than a list shows: the head now says how many were found, and
// how many of them are shown.
#[test]
fn a_list_cut_at_its_length_says_how_many_were_found() {
    let store = football_shop();
    let config = crate::assistant::AssistantConfig {
        max_list_products: 2,
        ..crate::assistant::AssistantConfig::default()
    };
    // In stock under 80: the training top, the kids' shirt and the training
    // jacket (the 2024 Bayern shirt, at 59.95, is sold out).
    for (text, lang, head) in [
        (
            "something under 80",
            Lang::En,
            "I found 3; here are the first 2:",
        ),
        (
            "iets onder de 80",
            Lang::Nl,
            "Ik heb er 3 gevonden; dit zijn de eerste 2:",
        ),
        (
            "sesuatu di bawah 80",
            Lang::Id,
            "Saya menemukan 3; ini 2 yang pertama:",
        ),
        ("80元以下的東西", Lang::Zh, "共找到3項結果，以下列出前2項："),
    ] {
        let reply = store.ask_with(&config, &mut Session::default(), text, lang);
        assert_eq!(reply.products.len(), 2, "{text:?}: {}", reply.answer);
        assert!(reply.answer.contains(head), "{text:?}: {}", reply.answer);
    }
    // A browse of a kind: the nine jerseys, two shown.
    let reply = store.ask_with(&config, &mut Session::default(), "jerseys", Lang::En);
    assert_eq!(reply.products.len(), 2, "{}", reply.answer);
    assert!(
        reply.answer.contains("I found 9; here are the first 2:"),
        "{}",
        reply.answer
    );
    // A list that is not cut says its length.
    let reply = store.ask(&mut Session::default(), "something under 80", Lang::En);
    assert!(
        reply.answer.contains("Here's what I found (3):"),
        "{}",
        reply.answer
    );
}

#[test]
fn products_found_only_through_a_translated_word_are_offered_as_the_closest() {
    let store = football_shop().with_translations(&[("blouson", "jacket")]);
    for (text, lang, closest) in [
        (
            "do you have a blouson?",
            Lang::En,
            "here is the closest we have",
        ),
        (
            "hebben jullie een blouson?",
            Lang::Nl,
            "dit komt het dichtst in de buurt",
        ),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        assert!(!reply.products.is_empty(), "{text}: {}", reply.answer);
        assert!(
            reply.answer.contains(closest) && reply.answer.contains("blouson"),
            "{text}: {}",
            reply.answer
        );
    }
    // The store's own word is a match, said as one.
    let reply = store.ask(&mut Session::default(), "do you have a jacket?", Lang::En);
    assert!(!reply.products.is_empty(), "{}", reply.answer);
    assert!(!reply.answer.contains("closest"), "{}", reply.answer);
}

/// A garden shop's pot in two sizes, three colours and two styles: twelve
/// combinations. Granite is sold out; the large Chryso Black too.
fn pot_shop() -> crate::assistant::test_store::TestStore {
    use crate::assistant::test_store::{TestStore, product_with_options};
    let mut variants: Vec<(Vec<(&str, &str)>, i64)> = Vec::new();
    for size in ["Small | 345mm", "Large | 520mm"] {
        for colour in ["Chryso Black", "Rock", "Granite"] {
            for style in ["Pot Only", "With Tray"] {
                let sold_out =
                    colour == "Granite" || (colour == "Chryso Black" && size.starts_with("Large"));
                variants.push((
                    vec![("Size", size), ("Color", colour), ("Style", style)],
                    if sold_out { 0 } else { 2 },
                ));
            }
        }
    }
    let variants: Vec<crate::assistant::test_store::OptionsVariant<'_>> = variants
        .iter()
        .map(|(options, qty)| (options.as_slice(), "539.59", *qty))
        .collect();
    TestStore::new(vec![product_with_options(
        "egg-pot",
        "Premium Egg Plant Pot",
        "Concrete Pot",
        &variants,
    )])
}

// Issue 13: "what colours does the Egg plant pot come in?" listed size ×
// colour × style combinations ("…and 76 more"); it names each colour once,
// with its stock, in every language.
#[test]
fn which_colours_lists_each_colour_once_with_its_stock() {
    let store = pot_shop();
    for (question, lang, out_of_stock) in [
        (
            "what colours does the Egg plant pot come in?",
            Lang::En,
            "out of stock",
        ),
        (
            "welke kleuren heeft de Egg plant pot?",
            Lang::Nl,
            "uitverkocht",
        ),
        ("Egg plant pot warna apa saja?", Lang::Id, "habis"),
        ("Egg plant pot有什麼顏色？", Lang::Zh, "缺貨"),
        ("Egg plant pot有什么颜色？", Lang::Zh, "缺貨"),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        assert_eq!(ids(&reply).first(), Some(&"egg-pot"), "{}", reply.answer);
        for colour in ["Chryso Black", "Rock", "Granite"] {
            assert_eq!(
                reply.answer.matches(colour).count(),
                1,
                "{question}: {}",
                reply.answer
            );
        }
        for other in ["Small", "Large", "Tray", "Pot Only"] {
            assert!(
                !reply.answer.contains(other),
                "{question}: {}",
                reply.answer
            );
        }
        let granite = reply.answer.find("Granite").expect("granite");
        assert!(
            reply.answer[granite..].contains(out_of_stock),
            "{question}: {}",
            reply.answer
        );
    }
}

// Issue 13: "which sizes" lists each size once; with a colour asked as well,
// the sizes of that colour, each with its stock in that colour.
#[test]
fn which_sizes_lists_each_size_once_in_the_colour_asked() {
    let store = pot_shop();
    for (question, lang) in [
        ("what sizes does the Egg plant pot come in?", Lang::En),
        ("welke maten heeft de Egg plant pot?", Lang::Nl),
        ("Egg plant pot ukuran apa saja?", Lang::Id),
        ("Egg plant pot有哪些尺寸？", Lang::Zh),
    ] {
        let reply = store.ask(&mut Session::default(), question, lang);
        for size in ["Small | 345mm", "Large | 520mm"] {
            assert_eq!(
                reply.answer.matches(size).count(),
                1,
                "{question}: {}",
                reply.answer
            );
        }
        assert!(
            !reply.answer.contains("Rock"),
            "{question}: {}",
            reply.answer
        );
    }
    let reply = store.ask(
        &mut Session::default(),
        "what sizes does the Egg plant pot come in in black?",
        Lang::En,
    );
    let large = reply.answer.find("Large").expect("large");
    assert!(
        reply.answer[large..].starts_with("Large | 520mm (out of stock)"),
        "{}",
        reply.answer
    );
    assert!(
        reply.answer.contains("Small | 345mm (in stock)"),
        "{}",
        reply.answer
    );
}

// A size asked for by value is a stock question, not a list of sizes.
#[test]
fn a_size_named_by_value_is_answered_about() {
    let reply = football_shop().ask(
        &mut Session::default(),
        "is the Arsenal home jersey in size M in stock?",
        Lang::En,
    );
    assert!(reply.answer.contains("in stock"), "{}", reply.answer);
    assert!(!reply.answer.contains("these sizes"), "{}", reply.answer);
}

/// A shop of perfumes and things of other kinds that cost less.
fn perfume_shop(perfumes: &[(&str, &str, &str)]) -> crate::assistant::test_store::TestStore {
    use crate::assistant::test_store::{TestStore, product};
    let mut records: Vec<_> = perfumes
        .iter()
        .map(|(id, title, price)| product(id, title, "Perfume", price, &[("100ml", None, 4)]))
        .collect();
    records.push(product(
        "vacuum",
        "Cordless Vacuum Cleaner",
        "Home",
        "6.00",
        &[("One Size", None, 9)],
    ));
    records.push(product(
        "phone-case",
        "Phone Case",
        "Phones",
        "8.00",
        &[("One Size", None, 9)],
    ));
    TestStore::new(records)
}

// Issue 13: "show me perfume" found one perfume; "something under 50" then
// listed the cheapest of the whole store (a vacuum cleaner). A bare price
// limit right after a search narrows that search, in every language, one
// product found or several.
#[test]
fn a_price_limit_after_a_search_narrows_it() {
    let one = perfume_shop(&[("rose", "Rose Perfume", "149.90")]);
    let two = perfume_shop(&[
        ("rose", "Rose Perfume", "149.90"),
        ("lily", "Lily Perfume", "29.90"),
    ]);
    for (limit, lang) in [
        ("something under 50", Lang::En),
        ("iets onder de 50", Lang::Nl),
        ("di bawah 50", Lang::Id),
        ("50元以下", Lang::Zh),
    ] {
        let mut session = Session::default();
        let first = one.ask(&mut session, "show me perfume", Lang::En);
        assert_eq!(ids(&first), ["rose"], "{}", first.answer);
        let reply = one.ask(&mut session, limit, lang);
        assert!(
            !ids(&reply).contains(&"vacuum") && !ids(&reply).contains(&"phone-case"),
            "{limit}: {}",
            reply.answer
        );
        assert_eq!(
            ids(&reply).first(),
            Some(&"rose"),
            "{limit}: {}",
            reply.answer
        );
        let mut session = Session::default();
        let first = two.ask(&mut session, "show me perfume", Lang::En);
        assert_eq!(first.products.len(), 2, "{}", first.answer);
        let reply = two.ask(&mut session, limit, lang);
        assert_eq!(ids(&reply), ["lily"], "{limit}: {}", reply.answer);
    }
    // Not right after the search, a limit with no product word is any
    // product within it.
    let mut session = Session::default();
    one.ask(&mut session, "show me perfume", Lang::En);
    one.ask(&mut session, "where is it?", Lang::En);
    let reply = one.ask(&mut session, "something under 50", Lang::En);
    assert_eq!(ids(&reply), ["vacuum", "phone-case"], "{}", reply.answer);
}
