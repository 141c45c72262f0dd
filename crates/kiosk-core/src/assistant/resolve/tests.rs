use super::*;
use crate::assistant::Session;
use crate::assistant::test_store::{football_shop, product, wine_shop};
use crate::{Lang, StockLookup};

fn words(text: &str) -> Vec<String> {
    title_words(text)
}

fn query(ws: &[(&str, bool)]) -> Vec<QueryWord> {
    ws.iter()
        .map(|(w, decisive)| QueryWord {
            text: w.to_string(),
            decisive: *decisive,
        })
        .collect()
}

#[test]
fn a_season_is_one_word_in_every_spelling() {
    for spelling in ["24-25", "24/25", "2024-25", "2024/25", "2024-2025"] {
        assert_eq!(words(spelling), ["24/25"], "{spelling}");
    }
    assert_eq!(words("AC Milan 1989-90"), ["ac", "milan", "89/90"]);
    // Two numbers that are not consecutive years stay numbers.
    assert_eq!(words("10-14"), ["10", "14"]);
    assert_eq!(words("Brazil 1970"), ["brazil", "1970"]);
}

#[test]
fn title_words_fold_stem_and_drop_stop_words() {
    assert_eq!(
        words("The Retro Jerseys, Player Version"),
        ["retro", "jersey", "player", "version"]
    );
    assert_eq!(words("Arsenal Third 球衣"), ["arsenal", "third"]);
}

#[test]
fn a_decisive_word_rules_out_titles_without_it() {
    let titles: Vec<Vec<String>> = [
        "Arsenal Home Jersey 2025-26",
        "Arsenal Away Full Sleeves Jersey 2025-26",
        "Arsenal Third Jersey 2025-26",
    ]
    .iter()
    .map(|t| words(t))
    .collect();
    let q = query(&[("arsenal", true), ("third", true), ("shirt", false)]);
    assert_eq!(best_fits(&q, &titles), [2]);
    // Without "third", all three fit equally.
    let q = query(&[("arsenal", true), ("shirt", false)]);
    assert_eq!(best_fits(&q, &titles), [0, 1, 2]);
}

#[test]
fn equal_fits_are_all_returned_and_more_words_win() {
    let titles: Vec<Vec<String>> = [
        "Bayern Munich Home Jersey 2024-25",
        "Bayern Munich Home Jersey 2025-26",
        "Bayern Munich Away Jersey 2025-26",
    ]
    .iter()
    .map(|t| words(t))
    .collect();
    let q = query(&[("bayern", true), ("home", true)]);
    assert_eq!(best_fits(&q, &titles), [0, 1]);
    let q = query(&[("bayern", true), ("home", true), ("24/25", true)]);
    assert_eq!(best_fits(&q, &titles), [0]);
    // A word the vocabulary knows ("kids") ranks but does not rule out.
    let titles: Vec<Vec<String>> = ["Real Madrid Home Jersey", "Real Madrid Home Jersey Kids"]
        .iter()
        .map(|t| words(t))
        .collect();
    let q = query(&[("madrid", true), ("kid", false)]);
    assert_eq!(best_fits(&q, &titles), [1]);
    let q = query(&[("madrid", true), ("gtx", true)]);
    assert_eq!(
        best_fits(&q, &titles),
        [0, 1],
        "a word no title has is ignored"
    );
}

#[test]
fn nothing_fits_when_each_title_lacks_a_word_another_has() {
    let titles: Vec<Vec<String>> = ["Arsenal Away Jersey", "Chelsea Third Jersey"]
        .iter()
        .map(|t| words(t))
        .collect();
    let q = query(&[("arsenal", true), ("third", true)]);
    assert!(best_fits(&q, &titles).is_empty());
}

#[test]
fn a_colour_in_the_title_is_every_variants_colour() {
    let jacket = product(
        "j",
        "Manchester United Black Varsity Jacket",
        "Jackets",
        "10",
        &[("XL", None, 1)],
    );
    let want = VariantQuery {
        size: Some("xl".to_string()),
        colors: vec!["black".to_string(), "zwart".to_string()],
        groups: vec![vec!["black".to_string(), "zwart".to_string()]],
        ..VariantQuery::default()
    };
    assert!(!want.matches(&jacket.variants[0]));
    assert!(want.within(&jacket).matches(&jacket.variants[0]));
    assert!(want.in_stock_in(&jacket));
    assert!(title_has_colour(
        "Navy Blue Scarf",
        &["navy blue".to_string()]
    ));
    assert!(!title_has_colour(
        "Blackburn Rovers Shirt",
        &["black".to_string()]
    ));
}

fn named(store: &crate::assistant::test_store::TestStore, text: &str) -> Named {
    let config = crate::assistant::AssistantConfig::default();
    let assistant = Assistant::new(store, store, &config);
    let reading = understand::read(text, store.lexicon());
    assistant
        .named(text, &reading, &Session::default())
        .expect("an in-memory search")
}

fn ids(named: &Named) -> Vec<&str> {
    match named {
        Named::One(r) => vec![r.product.id.as_str()],
        Named::Several(rs) => rs.iter().map(|r| r.product.id.as_str()).collect(),
        Named::Nothing | Named::NoneFits(_) => Vec::new(),
    }
}

#[test]
fn the_words_that_tell_titles_apart_name_the_product() {
    let store = football_shop();
    let check = |text: &str, expected: &[&str]| {
        let got = named(&store, text);
        let mut got_ids = ids(&got);
        got_ids.sort_unstable();
        assert_eq!(got_ids, expected, "{text}: {got:?}");
    };
    check(
        "do you have the Arsenal Third shirt in M?",
        &["arsenal-third"],
    );
    check("the 24/25 Bayern home shirt", &["bayern-home-24"]);
    check("Bayern home 2025-26", &["bayern-home-25"]);
    check("Bayern home shirt", &["bayern-home-24", "bayern-home-25"]);
    check("Real Madrid home player version", &["madrid-player"]);
    check("Real Madrid home jersey for kids", &["madrid-kids"]);
    assert_eq!(
        named(&store, "Is the Bayern Third shirt in M?"),
        Named::NoneFits("Bayern Third".to_string())
    );
    // A word no title has is left out: the away shirts fit.
    check("Chelsea Away shirt", &["arsenal-away", "bayern-away-25"]);
    // A kind of product names none in particular.
    assert_eq!(named(&store, "black jackets"), Named::Nothing);
}

#[test]
fn a_turn_never_gets_another_products_stock() {
    let store = football_shop();
    for (text, lang, title) in [
        (
            "Do you have the Arsenal Third shirt in M?",
            Lang::En,
            "Arsenal Third Jersey 2025-26",
        ),
        (
            "Heb je het Arsenal Third shirt in maat M?",
            Lang::Nl,
            "Arsenal Third Jersey 2025-26",
        ),
        (
            "Bayern home 2024/25 in L?",
            Lang::En,
            "Bayern Munich Home Jersey 2024-25",
        ),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        // The first sentence is about the product; similar ones in stock
        // may follow, by name and price.
        let first = reply.answer.split(". ").next().unwrap_or_default();
        assert!(first.contains(title), "{text}: {}", reply.answer);
        assert!(!first.contains("Away"), "{text}: {}", reply.answer);
        assert!(!reply.answer.contains("96"), "{text}: {}", reply.answer);
    }
}

#[test]
fn the_kiosk_asks_which_when_several_fit() {
    let store = football_shop();
    let mut session = Session::default();
    let reply = store.ask(
        &mut session,
        "Is the Bayern home shirt in stock in L?",
        Lang::En,
    );
    assert!(reply.answer.starts_with("Which one"), "{}", reply.answer);
    assert!(!reply.answer.contains("96"), "{}", reply.answer);
    assert_eq!(reply.products.len(), 2);
    let second = store.ask(&mut session, "the second one", Lang::En);
    assert_eq!(
        second.products[0].id, reply.products[1].id,
        "{}",
        second.answer
    );
}

#[test]
fn a_model_number_tells_models_apart() {
    let titles: Vec<Vec<String>> = [
        "Velora Stride 3 Running Shoe",
        "Velora Drift 2 Running Shoe",
    ]
    .iter()
    .map(|t| words(t))
    .collect();
    let q = query(&[("velora", true), ("stride", true), ("2", true)]);
    assert!(best_fits(&q, &titles).is_empty());
    let q = query(&[("velora", true), ("stride", true), ("3", true)]);
    assert_eq!(best_fits(&q, &titles), [0]);
}

#[test]
fn a_word_read_as_a_price_limit_names_no_product() {
    // "under" of "under 50" is the price limit's, even in a store whose
    // titles say "Under Pressure".
    let store = football_shop();
    let config = crate::assistant::AssistantConfig::default();
    let assistant = Assistant::new(&store, &store, &config);
    for text in [
        "jackets under 50",
        "shirts below 100 euro",
        "shirts onder de 30",
    ] {
        let reading = understand::read(text, store.lexicon());
        assert!(reading.price_max.is_some(), "{text}: no price limit read");
        let decisive: Vec<String> = assistant
            .query_words(text, &reading)
            .into_iter()
            .filter(|q| q.decisive)
            .map(|q| q.text)
            .collect();
        for cue in ["under", "below", "euro", "onder", "de"] {
            assert!(
                !decisive.iter().any(|w| w == cue),
                "{text}: {cue:?} counts as naming a product ({decisive:?})"
            );
        }
    }
}

#[test]
fn a_categorys_words_ask_for_the_category() {
    // "Training" is a category: the word names no product, though two
    // titles have it (the training top, and a training jacket filed under
    // Jackets).
    let store = football_shop();
    let said = named(&store, "do you have training?");
    assert!(matches!(said, Named::Nothing), "{:?}", ids(&said));
    // A word that is no category's still names products.
    let said = named(&store, "the club top");
    assert_eq!(ids(&said), ["training-top"]);
}

#[test]
fn a_title_said_whole_wins_over_longer_ones() {
    let titles = vec![
        words("LW Lattice Chips"),
        words("LW Chips"),
        words("LW Chips Crinkle Cut"),
    ];
    let said = words("lw chips");
    let q: Vec<QueryWord> = said
        .iter()
        .map(|w| QueryWord {
            text: w.clone(),
            decisive: true,
        })
        .collect();
    assert_eq!(best_fits(&q, &titles), [1]);
    // Two titles said whole, or none: still equal.
    let titles = vec![
        words("Bayern Home Jersey 2024-25"),
        words("Bayern Home Jersey 2025-26"),
    ];
    let q: Vec<QueryWord> = words("bayern home jersey")
        .into_iter()
        .map(|w| QueryWord {
            text: w,
            decisive: true,
        })
        .collect();
    assert_eq!(best_fits(&q, &titles), [0, 1]);
}

fn sleeves_shop() -> crate::assistant::test_store::TestStore {
    let shirt = |id, title| {
        product(
            id,
            title,
            "Football Shirts",
            "1499",
            &[("M", None, 3), ("L", None, 0)],
        )
    };
    crate::assistant::test_store::TestStore::new(vec![
        shirt(
            "arsenal-sleeves",
            "Pre Order Arsenal Third Full Sleeves Jersey 2025-26 Player Version",
        ),
        shirt(
            "liverpool-sleeve",
            "Liverpool Away Full Sleeve Jersey 2025-26 Player Version",
        ),
        shirt("liverpool-away", "Liverpool Away Jersey 2025-26"),
    ])
}

#[test]
fn a_phrase_as_typed_tells_equal_fits_apart() {
    let store = sleeves_shop();
    assert_eq!(
        ids(&named(&store, "full sleeves size L in stock?")),
        ["arsenal-sleeves"]
    );
    assert_eq!(
        ids(&named(&store, "price of the sleeve jersey?")),
        ["liverpool-sleeve"]
    );
    // Said alike of both, they stay equal: the kiosk asks which.
    assert_eq!(ids(&named(&store, "player version")).len(), 2);
    let reply = store.ask(
        &mut Session::default(),
        "is the full sleeves in L?",
        Lang::En,
    );
    assert!(
        reply
            .answer
            .starts_with("Pre Order Arsenal Third Full Sleeves"),
        "{}",
        reply.answer
    );
}

#[test]
fn products_sharing_a_title_are_one_product() {
    let store = crate::assistant::test_store::TestStore::new(vec![
        product(
            "fries-1",
            "LW Crisscut Fries",
            "Frozen",
            "11.00",
            &[("1kg", None, 4)],
        ),
        product(
            "fries-2",
            "LW CrissCut  Fries",
            "Frozen",
            "33.30",
            &[("5kg", None, 0)],
        ),
        product(
            "wedges",
            "LW Spicy Wedges",
            "Frozen",
            "10.30",
            &[("1kg", None, 0)],
        ),
    ]);
    let got = named(&store, "do you have crisscut fries?");
    let Named::One(record) = got else {
        panic!("one product expected: {got:?}");
    };
    assert_eq!(record.variants.len(), 2, "the namesake's variants join");
    assert_eq!(record.product.price.to_string(), "11.00");
    let mut session = Session::default();
    let reply = store.ask(&mut session, "how much are the crisscut fries?", Lang::En);
    assert!(reply.answer.contains("11.00"), "{}", reply.answer);
    assert!(reply.answer.contains("33.30"), "{}", reply.answer);
    // A follow-up about the product in focus sees both.
    let reply = store.ask(&mut session, "and in 5kg?", Lang::En);
    assert!(reply.answer.contains("out of stock"), "{}", reply.answer);
}

#[test]
fn words_the_vocabulary_knows_name_a_product_by_a_phrase_of_its_title() {
    let store = crate::assistant::test_store::TestStore::new(vec![
        product(
            "white-shirt",
            "White Cotton Top Shirt",
            "Clothing",
            "30",
            &[("M", None, 4)],
        ),
        product(
            "blue-shirt",
            "Ocean Blue Shirt",
            "Clothing",
            "50",
            &[("M", None, 4)],
        ),
        product("plain-top", "Top", "Clothing", "18", &[("M", None, 4)]),
        product(
            "logo-top",
            "Top with Logo",
            "Clothing",
            "18",
            &[("M", None, 4)],
        ),
        product(
            "black-red",
            "Jordan 13 Black Red",
            "Shoes",
            "99",
            &[("9", None, 0)],
        ),
    ]);
    // Two words in a row of one title.
    assert_eq!(ids(&named(&store, "the top shirt")), ["white-shirt"]);
    assert_eq!(ids(&named(&store, "wat kost de black red?")), ["black-red"]);
    // A category's name with more words is not the category.
    let store_with_category = crate::assistant::test_store::TestStore::new(vec![
        product(
            "kids",
            "Anchor Jacket Kids",
            "Jackets",
            "55",
            &[("M", None, 4)],
        ),
        product("rain", "Rain Jacket", "Jackets", "42", &[("M", None, 4)]),
    ]);
    assert_eq!(ids(&named(&store_with_category, "jacket kids")), ["kids"]);
    assert_eq!(named(&store_with_category, "jackets"), Named::Nothing);
    // One word: only a title that is exactly that word.
    assert_eq!(ids(&named(&store, "the top")), ["plain-top"]);
    // A plural, or words of no single title, name a kind of product.
    assert_eq!(named(&store, "tops"), Named::Nothing);
    assert_eq!(named(&store, "shirt top"), Named::Nothing);
    let reply = store.ask(&mut Session::default(), "wat kost de black red?", Lang::Nl);
    assert!(
        reply.answer.contains("Jordan 13 Black Red"),
        "{}",
        reply.answer
    );
}

#[test]
fn an_off_topic_word_that_names_a_product_is_searched() {
    let store = crate::assistant::test_store::TestStore::new(vec![product(
        "taxi",
        "Jordan 12 Taxi",
        "Shoes",
        "175",
        &[("9", None, 2)],
    )]);
    let reply = store.ask(
        &mut Session::default(),
        "what does the jordan 12 taxi cost?",
        Lang::En,
    );
    assert!(reply.answer.contains("Jordan 12 Taxi"), "{}", reply.answer);
    // Where no title has the word, it stays off topic.
    let reply = store.ask(
        &mut Session::default(),
        "where can I get a train?",
        Lang::En,
    );
    assert_eq!(
        reply.intent,
        crate::assistant::Intent::OutOfScope,
        "{}",
        reply.answer
    );
}

#[test]
fn a_misspelling_the_store_holds_as_a_title_word_is_that_word() {
    // "block" is one letter from "black", but the store sells a Block tee.
    let store = crate::assistant::test_store::TestStore::new(vec![
        product(
            "block",
            "Build And Win Block Tee",
            "Tops",
            "30",
            &[("S", Some("Red"), 0), ("S", Some("Black"), 2)],
        ),
        product(
            "plain",
            "Plain Tee",
            "Tops",
            "20",
            &[("S", Some("Black"), 2)],
        ),
    ]);
    let reply = store.ask(
        &mut Session::default(),
        "block tee in red in size S?",
        Lang::En,
    );
    assert!(
        reply.answer.contains("Build And Win Block Tee"),
        "{}",
        reply.answer
    );
    assert!(reply.answer.contains("out of stock"), "{}", reply.answer);
    // Where no title has the word, the misspelling is still read.
    let reading = understand::read("plain tee in blakc", store.lexicon());
    assert!(reading.color.is_some());
}

#[test]
fn measures_are_read_one_way_however_written() {
    use super::measure_tokens;
    assert_eq!(measure_tokens("in 1/2 oz?"), ["in", "1/2oz"]);
    assert_eq!(measure_tokens("1/2oz"), ["1/2oz"]);
    assert_eq!(measure_tokens("½ oz"), ["1/2oz"]);
    assert_eq!(measure_tokens("1 1/4 oz"), ["1", "1/4oz"]);
    assert_eq!(measure_tokens("750 ML bottle"), ["750ml", "bottle"]);
    assert_eq!(measure_tokens("128GB"), ["128gb"]);
}

#[test]
fn a_colour_value_holds_each_colour_asked_for() {
    use super::colour_holds;
    let group = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let black_white = [group(&["black", "zwart"]), group(&["white", "wit"])];
    assert!(colour_holds("Black & White", &black_white));
    assert!(colour_holds("Black/White", &black_white));
    assert!(colour_holds("zwart-wit", &black_white));
    assert!(!colour_holds("Black", &black_white));
    assert!(colour_holds("黑白", &[group(&["黑"]), group(&["白"])]));
    assert!(colour_holds("Pink Black Green White", &black_white));
    assert!(!colour_holds("Blackberry", &[group(&["black"])]));
}

/// The ids of a reply's products, in the order shown.
fn shown(reply: &crate::assistant::Reply) -> Vec<&str> {
    reply.products.iter().map(|p| p.id.as_str()).collect()
}

const ROZE: [&str; 4] = ["aleks-roze", "budimir-rose", "magaza-rose", "orphe-rose"];

#[test]
fn a_category_named_whole_lists_it_though_a_colour_word_is_in_its_name() {
    // "roze" is pink in the vocabulary, and only one title has the word:
    // it is the category's word here, not a colour that one product's
    // title names.
    let store = wine_shop();
    for (text, lang) in [
        ("do you have roze vino?", Lang::En),
        ("hebben jullie roze vino?", Lang::Nl),
        ("ada roze vino?", Lang::Id),
        ("有roze vino嗎?", Lang::Zh),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        let mut ids = shown(&reply);
        ids.sort_unstable();
        assert_eq!(ids, ROZE, "{text}: {}", reply.answer);
        assert!(reply.slots.color.is_none(), "{text}: {:?}", reply.slots);
    }
}

#[test]
fn ordinals_and_how_much_follow_the_list_shown() {
    let store = wine_shop();
    for (ask, second, how_much, lang) in [
        (
            "do you have roze vino?",
            "the second one",
            "how much is it?",
            Lang::En,
        ),
        (
            "hebben jullie roze vino?",
            "de tweede",
            "hoeveel kost het?",
            Lang::Nl,
        ),
        ("ada roze vino?", "yang kedua", "berapa harganya?", Lang::Id),
        ("有roze vino嗎?", "第二個", "多少錢?", Lang::Zh),
    ] {
        let mut session = Session::default();
        let list = store.ask(&mut session, ask, lang);
        assert_eq!(list.products.len(), 4, "{ask}: {}", list.answer);
        let picked = store.ask(&mut session, second, lang);
        assert_eq!(
            picked.products.first().map(|p| p.id.as_str()),
            Some(list.products[1].id.as_str()),
            "{second}: {}",
            picked.answer
        );
        let price = store.ask(&mut session, how_much, lang);
        let want = store
            .product(&list.products[1].id)
            .expect("lookup")
            .expect("the second product");
        assert!(
            price.answer.contains(&want.product.title),
            "{how_much}: {}",
            price.answer
        );
        assert!(
            price
                .answer
                .contains(&want.product.price.display("EUR", lang)),
            "{how_much}: {}",
            price.answer
        );
    }
}

#[test]
fn a_category_named_in_the_catalogs_language_inside_another_language_is_browsed() {
    // "lihat" and "laat me … zien" are in no title: they are the sentence
    // around the category, not words that pick among its products; the
    // titles of "Camisetas sin manga" share "camiseta" and "manga".
    let store = wine_shop();
    for (text, lang) in [
        ("show me camisetas de manga corta", Lang::En),
        ("laat me camisetas de manga corta zien", Lang::Nl),
        ("lihat camisetas de manga corta", Lang::Id),
        ("我想看camisetas de manga corta", Lang::Zh),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        let mut ids = shown(&reply);
        ids.sort_unstable();
        assert_eq!(
            ids,
            ["tee-basic", "tee-crew", "tee-logo"],
            "{text}: {}",
            reply.answer
        );
    }
    // A word a title has still picks a product within the category.
    let reply = store.ask(
        &mut Session::default(),
        "lihat camisetas de manga corta logo",
        Lang::Id,
    );
    assert_eq!(shown(&reply).first(), Some(&"tee-logo"), "{}", reply.answer);
}

/// An outdoor-furniture shop whose titles name the kind of product ("Teak
/// Armchair"), with no category of that name: the words name products by
/// their titles, not a category.
fn furniture_shop() -> crate::assistant::test_store::TestStore {
    use crate::assistant::test_store::product_with_options;
    let item = |id: &str, title: &str, category: &str, price: &str| {
        product_with_options(id, title, category, &[(&[], price, 3)])
    };
    crate::assistant::test_store::TestStore::new(vec![
        item("teak-armchair", "Teak Armchair", "Lounge", "14200"),
        item("rope-armchair", "Rope Armchair", "Lounge", "890"),
        item("wicker-armchair", "Wicker Armchair", "Lounge", "450"),
        item("folding-armchair", "Folding Armchair", "Dining", "180"),
        item("teak-table", "Teak Dining Table", "Dining", "2400"),
        item("rope-sofa", "Rope Sofa", "Lounge", "3100"),
    ])
}

/// The ids a reply shows, sorted.
fn shown_sorted(reply: &crate::assistant::Reply) -> Vec<&str> {
    let mut ids = shown(reply);
    ids.sort_unstable();
    ids
}

// Issue 13: "armchairs under 1000" listed a €14,200 armchair when the words
// named products by their titles.
#[test]
fn a_price_limit_filters_products_named_by_their_titles() {
    let store = furniture_shop();
    let under = ["folding-armchair", "rope-armchair", "wicker-armchair"];
    for (text, lang, expected) in [
        ("armchairs under 1000", Lang::En, &under[..]),
        ("armchairs onder de 1000", Lang::Nl, &under[..]),
        ("armchairs di bawah 1000", Lang::Id, &under[..]),
        ("1000以下的armchairs", Lang::Zh, &under[..]),
        (
            "armchairs above 500",
            Lang::En,
            &["rope-armchair", "teak-armchair"][..],
        ),
        (
            "armchairs boven de 500",
            Lang::Nl,
            &["rope-armchair", "teak-armchair"][..],
        ),
        (
            "armchairs between 200 and 500",
            Lang::En,
            &["wicker-armchair"][..],
        ),
        (
            "armchairs antara 200 dan 500",
            Lang::Id,
            &["wicker-armchair"][..],
        ),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        assert_eq!(shown_sorted(&reply), expected, "{text}: {}", reply.answer);
        for other in store.records.iter().filter(|r| {
            !expected.contains(&r.product.id.as_str()) && r.product.title.contains("Armchair")
        }) {
            assert!(
                !reply.answer.contains(&other.product.title),
                "{text}: {}",
                reply.answer
            );
        }
    }
}

#[test]
fn the_one_product_named_outside_a_price_limit_is_said_to_be_outside_it() {
    let store = furniture_shop();
    let teak = store
        .product("teak-armchair")
        .expect("lookup")
        .expect("the teak armchair");
    for (text, lang, above) in [
        ("is the Teak Armchair under 1000?", Lang::En, "above"),
        ("is de Teak Armchair onder de 1000?", Lang::Nl, "boven"),
        ("apakah Teak Armchair di bawah 1000?", Lang::Id, "di atas"),
        ("Teak Armchair有1000以下的嗎?", Lang::Zh, "超過"),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        assert_eq!(shown(&reply).first(), Some(&"teak-armchair"), "{text}");
        let price = teak.product.price.display("EUR", lang);
        let limit = crate::Money::from_minor(100_000).display("EUR", lang);
        for said in [teak.product.title.as_str(), &price, &limit, above] {
            assert!(
                reply.answer.contains(said),
                "{text}: {said:?} in {}",
                reply.answer
            );
        }
    }
    // Several named and none within the limit: the answer says so first.
    let reply = store.ask(&mut Session::default(), "teak under 1000", Lang::En);
    assert_eq!(
        shown_sorted(&reply),
        ["teak-armchair", "teak-table"],
        "{}",
        reply.answer
    );
    assert!(
        reply.answer.starts_with("Nothing matched “under"),
        "{}",
        reply.answer
    );
}

// Issue 13: an ordinal past the end of a shorter list ("the fifth one" after
// four) picks no other product.
#[test]
fn an_ordinal_past_the_list_shows_the_list_again() {
    let store = furniture_shop();
    for (ask, fifth, second, lang) in [
        (
            "show me armchairs",
            "the fifth one",
            "the second one",
            Lang::En,
        ),
        ("laat me armchairs zien", "de vijfde", "de tweede", Lang::Nl),
        ("lihat armchairs", "yang kelima", "yang kedua", Lang::Id),
        ("我想看armchairs", "第五個", "第二個", Lang::Zh),
    ] {
        let mut session = Session::default();
        let list = store.ask(&mut session, ask, lang);
        assert_eq!(list.products.len(), 4, "{ask}: {}", list.answer);
        let past = store.ask(&mut session, fifth, lang);
        assert_eq!(shown(&past), shown(&list), "{fifth}: {}", past.answer);
        assert!(past.answer.contains('4'), "{fifth}: {}", past.answer);
        for record in &store.records {
            assert!(
                !past.answer.contains(&record.product.title),
                "{fifth} names a product: {}",
                past.answer
            );
        }
        // The list is still the one a place picks from.
        let picked = store.ask(&mut session, second, lang);
        assert_eq!(
            shown(&picked).first(),
            shown(&list).get(1),
            "{second}: {}",
            picked.answer
        );
    }
}

// Ordinal words stopped below "ninth": after a long list, "the ninth one"
// answered that nothing matched "ninth". A place of any size picks that
// product, said any way in the four languages; one past the list shows the
// list again.
#[test]
fn an_ordinal_of_any_size_picks_from_a_long_list() {
    use crate::assistant::test_store::{TestStore, product_with_options};
    let woods = [
        "Acacia",
        "Bamboo",
        "Cedar",
        "Driftwood",
        "Elm",
        "Fir",
        "Ginkgo",
        "Hazel",
        "Iroko",
        "Juniper",
        "Kauri",
        "Larch",
        "Maple",
        "Nutmeg",
        "Oak",
        "Pine",
        "Quince",
        "Rosewood",
        "Sapele",
        "Tamarind",
        "Wenge",
        "Yew",
    ];
    let store = TestStore::new(
        woods
            .iter()
            .map(|w| {
                product_with_options(
                    &w.to_lowercase(),
                    &format!("{w} Armchair"),
                    "Lounge",
                    &[(&[], "100", 3)],
                )
            })
            .collect(),
    );
    for (ask, lang, places) in [
        (
            "show me armchairs",
            Lang::En,
            &[
                ("the ninth one", 9),
                ("the twelfth", 12),
                ("the twenty-first one", 21),
                ("the 12th one", 12),
                ("#12", 12),
                ("number 12", 12),
                ("nr 12", 12),
            ][..],
        ),
        (
            "laat me armchairs zien",
            Lang::Nl,
            &[
                ("de negende", 9),
                ("de twintigste", 20),
                ("de eenentwintigste", 21),
                ("de 12e", 12),
                ("nummer 12", 12),
                ("nr 12", 12),
            ][..],
        ),
        (
            "lihat armchairs",
            Lang::Id,
            &[
                ("yang kesembilan", 9),
                ("yang kesebelas", 11),
                ("yang ke-12", 12),
                ("yang ke 12", 12),
                ("nomor 12", 12),
            ][..],
        ),
        (
            "我想看armchairs",
            Lang::Zh,
            &[
                ("第九個", 9),
                ("第十二個", 12),
                ("第12個", 12),
                ("第二十一款", 21),
            ][..],
        ),
    ] {
        for (said, place) in places {
            let mut session = Session::default();
            let list = store.ask(&mut session, ask, lang);
            assert_eq!(list.products.len(), woods.len(), "{ask}: {}", list.answer);
            let picked = store.ask(&mut session, said, lang);
            assert_eq!(
                shown(&picked).first(),
                shown(&list).get(place - 1),
                "{said}: {}",
                picked.answer
            );
        }
        // Past the list: how many were shown, and them again.
        let mut session = Session::default();
        let list = store.ask(&mut session, ask, lang);
        let past_word = match lang {
            Lang::En => "the twenty-fifth one",
            Lang::Nl => "de vijfentwintigste",
            Lang::Id => "yang kedua puluh lima",
            Lang::Zh => "第二十五個",
        };
        let past = store.ask(&mut session, past_word, lang);
        assert_eq!(shown(&past), shown(&list), "{past_word}: {}", past.answer);
        assert!(
            past.answer.contains(&woods.len().to_string()),
            "{past_word}: {}",
            past.answer
        );
    }
}
