//! Search over small real indexes: a hardware store that shares words with
//! the built-in (fashion) vocabulary, built through the importer's own
//! index builder into a temporary directory.

use std::sync::Arc;

use kiosk_core::{Filters, Lang, Lexicon};
use rusqlite::Connection;

use super::search::Alt;
use super::{IndexSearcher, build};
use crate::import::NoProgress;
use crate::schema;
use crate::vocabulary::default_concepts;

/// (title, category, description, size, colour)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const HARDWARE: &[Row] = &[
    (
        "Portable Bluetooth Speaker",
        "Audio",
        "Pairs with any phone.",
        "",
        "Black",
    ),
    (
        "Audio Jack Adapter 3.5 mm",
        "Cables",
        "Gold-plated contacts.",
        "",
        "",
    ),
    (
        "Hex Bolts M8 (50 pack)",
        "Fasteners",
        "Galvanised steel.",
        "",
        "",
    ),
    ("Steel Wall Hooks", "Storage", "Holds up to 20 kg.", "", ""),
    (
        "Pet Door Flap",
        "Doors",
        "Lockable, for cats and small dogs.",
        "",
        "",
    ),
    (
        "Tile Grout Grey 5 kg",
        "Tiling",
        "Water resistant.",
        "",
        "Grey",
    ),
    ("LED Fairy Lights", "Lighting", "Warm white, 10 m.", "", ""),
    (
        "Folding Garden Chair",
        "Garden",
        "Steel frame.",
        "",
        "Green",
    ),
    (
        "Subzero-Storm Chest Freezer",
        "Appliances",
        "A+ energy label.",
        "",
        "",
    ),
    ("Bar-B-Q Grill Tongs", "Garden", "Stainless steel.", "", ""),
    ("The Who Live at Leeds Vinyl", "Music", "Reissue.", "", ""),
    ("Subzero Ice Scraper", "Car Care", "Brass blade.", "", ""),
    ("Oak Bookcase", "Shelving", "Five shelves.", "", ""),
    ("Night Stand with Drawer", "Bedroom", "Solid pine.", "", ""),
    ("Case of Book Ends", "Office", "Set of two.", "", ""),
    // What the built-in vocabulary knows: the words it used to swap in.
    (
        "Canvas Sneakers",
        "Sneakers",
        "Everyday shoes.",
        "42",
        "White",
    ),
    ("Leather Belt", "Belts", "Brass buckle.", "L", "Brown"),
    (
        "Hoop Earrings",
        "Earrings",
        "Sterling silver.",
        "",
        "Silver",
    ),
    ("Baseball Cap", "Caps", "Adjustable strap.", "L", "Navy"),
    ("Rain Jacket", "Jackets", "Waterproof shell.", "L", "Yellow"),
    ("Silver Chain Necklace", "Necklaces", "45 cm.", "", "Silver"),
    (
        "Ultralight Day Backpack",
        "Bags",
        "Weighs 300 g.",
        "",
        "Black",
    ),
];

struct Store {
    _dir: tempfile::TempDir,
    index: IndexSearcher,
    rows: Vec<Row>,
}

impl Store {
    fn new(rows: &[Row]) -> Store {
        Store::priced(rows, &vec![1000; rows.len()])
    }

    /// The store with each row's price in cents (0: none set).
    fn priced(rows: &[Row], prices: &[i64]) -> Store {
        let dir = tempfile::tempdir().expect("temp dir");
        let conn = Connection::open_in_memory().expect("in-memory sqlite");
        conn.execute_batch(schema::CREATE).expect("schema");
        for (i, (title, category, description, size, color)) in rows.iter().enumerate() {
            let rowid = i as i64 + 1;
            conn.execute(
                "INSERT INTO products (rowid, id, title, category, description, price_minor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    rowid,
                    format!("p{rowid}"),
                    title,
                    category,
                    description,
                    prices[i]
                ],
            )
            .expect("product row");
            let none_if_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
            conn.execute(
                "INSERT INTO variants (sku, product_rowid, options, size, color, in_stock)
                 VALUES (?1, ?2, '{}', ?3, ?4, 1)",
                rusqlite::params![
                    format!("sku{rowid}"),
                    rowid,
                    none_if_empty(size),
                    none_if_empty(color)
                ],
            )
            .expect("variant row");
        }
        let path = dir.path().join("index");
        build(&path, &conn, Lang::En, &[], &mut NoProgress).expect("index build");
        let mut categories: Vec<(String, u64)> = rows
            .iter()
            .map(|r| (r.1.to_string(), 1))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .collect();
        categories.dedup();
        let lexicon = Arc::new(Lexicon::new(default_concepts()));
        let index = IndexSearcher::open(&path, Lang::En, lexicon, &categories).expect("open");
        Store {
            _dir: dir,
            index,
            rows: rows.to_vec(),
        }
    }

    fn titles(&self, query: &str, limit: usize) -> Vec<&'static str> {
        self.index
            .search(query, false, &Filters::default(), limit)
            .expect("search")
            .into_iter()
            .map(|(rowid, _, _)| self.rows[rowid as usize - 1].0)
            .collect()
    }

    fn top(&self, query: &str) -> Option<&'static str> {
        self.titles(query, 5).first().copied()
    }
}

fn hardware() -> Store {
    Store::new(HARDWARE)
}

#[test]
fn the_shoppers_own_word_is_always_searched() {
    // Issue 13: the vocabulary turned a hardware store's words into fashion
    // words (speaker → sneakers, bolts → belts, …) and stopped searching
    // for the word itself.
    let store = hardware();
    let check = |query: &str, expected: &str| {
        assert_eq!(store.top(query), Some(expected), "top hit for {query:?}");
        let plan = store.index.plan(query, false);
        for group in &plan.groups {
            assert!(
                matches!(&group.alternatives[0], Alt::Words { text, .. } if *text == group.from),
                "{query:?}: the group {:?} does not search its own words first: {:?}",
                group.from,
                group.alternatives
            );
        }
    };
    check("speaker", "Portable Bluetooth Speaker");
    check("jack", "Audio Jack Adapter 3.5 mm");
    check("chair", "Folding Garden Chair");
    check("lights", "LED Fairy Lights");
    check("bolts", "Hex Bolts M8 (50 pack)");
    check("hooks", "Steel Wall Hooks");
    check("pet", "Pet Door Flap");
    check("grout", "Tile Grout Grey 5 kg");
}

#[test]
fn a_typo_match_of_a_word_the_store_holds_adds_nothing() {
    // `speaker` is within the lexicon's typo budget of `sneaker`, and
    // `bolts` of `belts`; the store sells speakers and bolts.
    let store = hardware();
    for query in ["speaker", "bolts", "hooks", "grout", "chair"] {
        let plan = store.index.plan(query, false);
        assert_eq!(plan.groups.len(), 1, "{query:?}");
        assert_eq!(
            plan.groups[0].alternatives.len(),
            1,
            "{query:?} should search only itself: {:?}",
            plan.groups[0].alternatives
        );
    }
    assert!(!store.titles("speaker", 10).contains(&"Canvas Sneakers"));
    assert!(!store.titles("bolts", 10).contains(&"Leather Belt"));
}

#[test]
fn a_concept_adds_only_words_the_store_holds() {
    let store = hardware();
    // Dutch `regenjassen`: the rain-jackets concept adds `rain jacket(s)`,
    // which this store uses, and not `rain coat(s)`, which it does not.
    let plan = store.index.plan("regenjassen", false);
    let words: Vec<String> = plan.groups[0]
        .alternatives
        .iter()
        .filter_map(|a| match a {
            Alt::Words { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(words[0], "regenjassen");
    assert!(words.iter().any(|w| w.contains("jacket")), "{words:?}");
    assert!(!words.iter().any(|w| w.contains("coat")), "{words:?}");
    assert_eq!(store.top("regenjassen"), Some("Rain Jacket"));
    // A colour concept's option applies only when a variant has it.
    let plan = store.index.plan("zwart", false);
    assert!(
        plan.groups[0]
            .alternatives
            .iter()
            .any(|a| matches!(a, Alt::Option { term } if term == "c:black"))
    );
    let plan = store.index.plan("paars", false);
    assert!(
        !plan.groups[0]
            .alternatives
            .iter()
            .any(|a| matches!(a, Alt::Option { .. })),
        "no variant is purple: {:?}",
        plan.groups[0].alternatives
    );
    // The shopper's word outranks the concept's words when the store holds
    // both: `jack` is an adapter here before it is a Dutch jacket.
    assert_eq!(store.titles("jack", 2)[0], "Audio Jack Adapter 3.5 mm");
}

#[test]
fn a_spelling_correction_is_tried_only_for_a_word_the_index_does_not_hold() {
    let store = hardware();
    let corrections = |query: &str| {
        store.index.plan(query, false).groups[0]
            .alternatives
            .iter()
            .filter(|a| matches!(a, Alt::Fuzzy { .. } | Alt::SoundsLike { .. }))
            .count()
    };
    assert!(corrections("speker") > 0);
    assert_eq!(store.top("speker"), Some("Portable Bluetooth Speaker"));
    // In the titles, and only in a description: held either way.
    assert_eq!(corrections("freezer"), 0);
    assert_eq!(corrections("galvanised"), 0);
    assert_eq!(store.top("galvanised"), Some("Hex Bolts M8 (50 pack)"));
}

#[test]
fn hyphenated_words_are_found_by_their_parts_and_whole() {
    let store = hardware();
    assert!(
        store
            .titles("subzero", 2)
            .contains(&"Subzero-Storm Chest Freezer")
    );
    for query in [
        "subzero storm",
        "subzero-storm",
        "subzerostorm",
        "subzero freezer",
    ] {
        assert_eq!(
            store.top(query),
            Some("Subzero-Storm Chest Freezer"),
            "{query:?}"
        );
    }
    // A hyphenated query finds the word written whole.
    assert_eq!(store.top("sub-zero scraper"), Some("Subzero Ice Scraper"));
    for query in ["bar b q", "bar-b-q", "barbq", "bar-b-q tongs"] {
        assert_eq!(store.top(query), Some("Bar-B-Q Grill Tongs"), "{query:?}");
    }
}

#[test]
fn compound_words_are_found_written_whole_or_apart() {
    let store = hardware();
    // Two words the store writes as one; and a product with both words
    // apart still matches.
    assert_eq!(store.top("book case"), Some("Oak Bookcase"));
    assert!(store.titles("book case", 5).contains(&"Case of Book Ends"));
    // One word the store writes as two.
    assert_eq!(store.top("nightstand"), Some("Night Stand with Drawer"));
}

#[test]
fn stop_words_are_searched_when_they_are_all_there_is() {
    let store = hardware();
    let plan = store.index.plan("the who", false);
    assert!(plan.stopwords_only);
    assert_eq!(plan.groups.len(), 2);
    assert_eq!(store.top("the who"), Some("The Who Live at Leeds Vinyl"));
    // Beside content words they are still ignored.
    let plan = store.index.plan("the speaker", false);
    assert!(!plan.stopwords_only);
    assert_eq!(plan.ignored, vec!["the".to_string()]);
    // No product has them: the search browses, as a query without words.
    assert_eq!(store.titles("it", 50).len(), HARDWARE.len());
}

#[test]
fn hits_say_whether_they_matched_every_word() {
    // "steel hooks": the hooks have both words; the bolts only "steel" (in
    // their description), added because too few products have both.
    let store = hardware();
    let hits = store
        .index
        .search("steel hooks", false, &Filters::default(), 10)
        .expect("search");
    let full: Vec<&str> = hits
        .iter()
        .filter(|h| h.2)
        .map(|h| HARDWARE[h.0 as usize - 1].0)
        .collect();
    assert_eq!(full, ["Steel Wall Hooks"]);
    assert!(
        hits.iter()
            .any(|h| !h.2 && HARDWARE[h.0 as usize - 1].0 == "Hex Bolts M8 (50 pack)"),
        "the partial match is still there, after the full ones"
    );
    assert!(hits[0].2, "full matches come first");
}

#[test]
fn partial_matches_rank_by_their_words_not_by_catalog_order() {
    // Issue 13: when no product had every word, the products that had some
    // all scored the same and came back in catalog order ("skull and lips
    // for women" listed every women's product before the lips blouse).
    let rows: &[Row] = &[
        ("Women's Cotton Tank Top", "Tops", "Soft cotton.", "", ""),
        ("Women's Hooded Robe", "Robes", "For women.", "", ""),
        ("Women's Rain Boots", "Shoes", "For women.", "", ""),
        ("Lips Print Blouse for Women", "Tops", "Loose fit.", "", ""),
        ("Lip Balm Trio", "Beauty", "Cherry.", "", ""),
    ];
    let store = Store::new(rows);
    let titles = store.titles("skull and lips for women", 5);
    // Two of the three words beat one; the rare word beats the common one.
    assert_eq!(titles[0], "Lips Print Blouse for Women", "{titles:?}");
    assert_eq!(titles[1], "Lip Balm Trio", "{titles:?}");
    let hits = store
        .index
        .search("skull and lips for women", false, &Filters::default(), 5)
        .expect("search");
    assert!(
        hits.windows(2).all(|w| w[0].1 >= w[1].1),
        "scores fall with the rank: {hits:?}"
    );
}

#[test]
fn the_shoppers_word_ranks_above_its_synonym() {
    // Issue 13: a same-language synonym weighed as much as the shopper's
    // own word ("kids" found "children" products first by catalog order).
    let rows: &[Row] = &[
        ("Children's Rain Boots", "Shoes", "Rubber.", "", ""),
        ("Kids Rain Boots", "Shoes", "Rubber.", "", ""),
    ];
    let store = Store::new(rows);
    let plan = store.index.plan("kids boots", false);
    assert!(
        plan.groups[0]
            .alternatives
            .iter()
            .any(|a| matches!(a, Alt::Words { text, boost } if text == "children" && *boost < 1.0)),
        "{:?}",
        plan.groups[0].alternatives
    );
    assert_eq!(
        store.titles("kids boots", 5),
        ["Kids Rain Boots", "Children's Rain Boots"]
    );
}

#[test]
fn more_matching_words_rank_higher_among_partial_matches() {
    let rows: &[Row] = &[
        ("Glass Vase", "Decor", "Clear glass, glass base.", "", ""),
        ("Pink Glass Beads", "Craft", "Round.", "", ""),
        ("Pink Ribbon", "Craft", "Satin.", "", ""),
    ];
    let store = Store::new(rows);
    // No product has all four words; the beads have three.
    assert_eq!(store.top("16mm pink glass beads"), Some("Pink Glass Beads"));
}

#[test]
fn equal_scores_come_back_by_catalog_order() {
    let rows: Vec<Row> = (0..30)
        .map(|_| ("Blue Mug", "Kitchen", "Stoneware.", "", ""))
        .collect();
    let rows: &'static [Row] = Box::leak(rows.into_boxed_slice());
    let store = Store::new(rows);
    let rowids: Vec<u64> = store
        .index
        .search("mug", false, &Filters::default(), 5)
        .expect("search")
        .into_iter()
        .map(|h| h.0)
        .collect();
    assert_eq!(rowids, [1, 2, 3, 4, 5]);
}

#[test]
fn numbers_and_units_are_found_written_together_or_apart() {
    let rows: &[Row] = &[
        ("Monitor Arm 27in", "Mounts", "Steel.", "", ""),
        ("Monitor Riser", "Mounts", "Bamboo.", "", ""),
        ("Drill Bit 16 mm", "Tools", "Cobalt.", "", ""),
        ("Drill Bit Set", "Tools", "Titanium.", "", ""),
    ];
    let store = Store::new(rows);
    // `27in` is indexed whole and as `27` `in`.
    assert_eq!(store.top("27 monitor"), Some("Monitor Arm 27in"));
    assert_eq!(store.top("monitor 27in"), Some("Monitor Arm 27in"));
    // A query's `16mm` finds `16 mm`.
    assert_eq!(store.top("16mm drill bit"), Some("Drill Bit 16 mm"));
    let plan = store.index.plan("16mm", false);
    assert!(
        plan.groups[0]
            .alternatives
            .iter()
            .any(|a| matches!(a, Alt::Words { text, .. } if text == "16 mm")),
        "{:?}",
        plan.groups[0].alternatives
    );
}

#[test]
fn stop_words_rank_the_products_that_have_them_without_filtering() {
    let rows: &[Row] = &[
        ("Running Shoes Men", "Shoes", "Mesh.", "", ""),
        ("Running Shoes for Women", "Shoes", "Mesh.", "", ""),
        ("Rain Boots", "Shoes", "Rubber.", "", ""),
    ];
    let store = Store::new(rows);
    let plan = store.index.plan("shoes for women", false);
    assert_eq!(plan.ignored, vec!["for".to_string()]);
    assert_eq!(
        store.top("running shoes for"),
        Some("Running Shoes for Women")
    );
    // The stop word decides no match: the other shoes are still found.
    assert!(
        store
            .titles("running shoes for", 5)
            .contains(&"Running Shoes Men")
    );
}

#[test]
fn a_word_in_the_title_outranks_it_in_a_long_description() {
    let rows: &[Row] = &[
        (
            "Garden Hose Reel",
            "Garden",
            "A reel for any hose, with a crank, wall bracket, guide and a lock; \
             the lantern hook on its side holds a light for evening watering.",
            "",
            "",
        ),
        ("Camping Lantern", "Outdoor", "Battery powered.", "", ""),
    ];
    let store = Store::new(rows);
    assert_eq!(store.top("lantern"), Some("Camping Lantern"));
}

#[test]
fn an_excluded_word_is_not_required_and_demotes_products_that_have_it() {
    let rows: &[Row] = &[
        (
            "Wireless Gaming Headphones with Mic",
            "Audio",
            "Boom mic, 40 h battery.",
            "",
            "",
        ),
        (
            "Wireless Bluetooth Headphones",
            "Audio",
            "Foldable, 30 h battery.",
            "",
            "",
        ),
        (
            "Studio Headphones, No Mic",
            "Audio",
            "Closed back, wired.",
            "",
            "",
        ),
        ("Mic Stand", "Audio", "Steel.", "", ""),
    ];
    let store = Store::new(rows);
    let plan = store.index.plan("wireless headphones without mic", false);
    let groups: Vec<&str> = plan.groups.iter().map(|g| g.from.as_str()).collect();
    assert_eq!(groups, ["wireless", "headphones"]);
    let negated: Vec<&str> = plan.negated.iter().map(|g| g.from.as_str()).collect();
    assert_eq!(negated, ["mic"]);
    let hits = store
        .index
        .search(
            "wireless headphones without mic",
            false,
            &Filters::default(),
            10,
        )
        .expect("search");
    let titles: Vec<&str> = hits.iter().map(|h| rows[h.0 as usize - 1].0).collect();
    // The headphones without a mic match in full; those with one count as
    // missing a word, so they are no full match and rank below.
    assert_eq!(titles[0], "Wireless Bluetooth Headphones", "{titles:?}");
    assert!(hits[0].2);
    let with_mic = titles
        .iter()
        .position(|t| *t == "Wireless Gaming Headphones with Mic")
        .expect("still found");
    assert!(!hits[with_mic].2, "{titles:?}");
    // The mic stand has nothing the shopper wants but the excluded word.
    assert!(!titles.contains(&"Mic Stand"), "{titles:?}");
    // A product that says it lacks the word is no violation, and ranks
    // above one that merely does not mention it.
    let titles = store.titles("headphones without mic", 10);
    assert_eq!(
        &titles[..2],
        ["Studio Headphones, No Mic", "Wireless Bluetooth Headphones"],
        "{titles:?}"
    );
    assert_eq!(titles.last(), Some(&"Wireless Gaming Headphones with Mic"));
}

#[test]
fn negations_in_other_forms_and_languages() {
    let rows: &[Row] = &[
        (
            "Hair Dye Black with Ammonia",
            "Beauty",
            "Permanent.",
            "",
            "",
        ),
        ("Ammonia-Free Hair Dye Black", "Beauty", "Gentle.", "", ""),
        (
            "Hair Dye Black, Peroxide Developer",
            "Beauty",
            "Kit.",
            "",
            "",
        ),
        ("Koptelefoon zonder microfoon", "Audio", "Bedraad.", "", ""),
        ("Koptelefoon met microfoon", "Audio", "Draadloos.", "", ""),
    ];
    let store = Store::new(rows);
    // "X-free" says a product lacks X; "or" carries the exclusion on.
    let plan = store
        .index
        .plan("hair dye without ammonia or peroxide", false);
    let negated: Vec<&str> = plan.negated.iter().map(|g| g.from.as_str()).collect();
    assert_eq!(negated, ["ammonia", "peroxide"]);
    assert_eq!(
        store.top("hair dye without ammonia or peroxide"),
        Some("Ammonia-Free Hair Dye Black")
    );
    assert_eq!(
        store.top("koptelefoon zonder microfoon"),
        Some("Koptelefoon zonder microfoon")
    );
    assert_eq!(
        store.titles("koptelefoon zonder microfoon", 5).last(),
        Some(&"Koptelefoon met microfoon")
    );
    // "without any": a determiner between the negator and its word.
    let plan = store.index.plan("dye without any ammonia", false);
    assert_eq!(plan.negated.len(), 1);
    assert_eq!(plan.groups.len(), 1);
}

#[test]
fn a_negator_before_a_number_a_stop_word_or_alone_is_a_plain_word() {
    let rows: &[Row] = &[
        ("Perfume No 5", "Beauty", "Eau de parfum.", "", ""),
        ("Perfume Classic", "Beauty", "Eau de toilette.", "", ""),
        ("Do Not Disturb Sign", "Signs", "Door hanger.", "", ""),
        (
            "Mug: I Can't Do It Without You",
            "Kitchen",
            "Ceramic.",
            "",
            "",
        ),
    ];
    let store = Store::new(rows);
    // `no 5` names a number.
    let plan = store.index.plan("perfume no 5", false);
    assert!(plan.negated.is_empty(), "{:?}", plan.negated);
    assert_eq!(store.top("perfume no 5"), Some("Perfume No 5"));
    // `without you`: nothing to exclude.
    assert!(
        store
            .index
            .plan("without you mug", false)
            .negated
            .is_empty()
    );
    // Every content word negated: read as plain words.
    let plan = store.index.plan("not disturb", false);
    assert!(plan.negated.is_empty());
    assert_eq!(store.top("not disturb"), Some("Do Not Disturb Sign"));
    // A title that holds the negation matches it in full.
    let hits = store
        .index
        .search("do not disturb sign", false, &Filters::default(), 5)
        .expect("search");
    assert_eq!(rows[hits[0].0 as usize - 1].0, "Do Not Disturb Sign");
    assert!(hits[0].2);
}

/// The hardware store with prices falling by row (the first dearest), and
/// the last row without a price.
fn priced_hardware() -> (Store, Vec<i64>) {
    let n = HARDWARE.len() as i64;
    let mut prices: Vec<i64> = (0..n).map(|i| (n - i) * 100).collect();
    *prices.last_mut().expect("rows") = 0;
    (Store::priced(HARDWARE, &prices), prices)
}

// Browsing by price sorted a pool of the first products the index gave,
// so the cheapest of the store were missed when they came after it: the
// index now weighs every product the filters allow, by its price.
#[test]
fn a_browse_by_price_weighs_every_product_the_filters_allow() {
    let (store, prices) = priced_hardware();
    let titles = |hits: Vec<(u64, f32, bool)>| -> Vec<&'static str> {
        hits.iter().map(|h| HARDWARE[h.0 as usize - 1].0).collect()
    };
    let mut by_price: Vec<(i64, usize)> = prices
        .iter()
        .enumerate()
        .filter(|(_, p)| **p > 0)
        .map(|(i, p)| (*p, i))
        .collect();
    by_price.sort();
    let cheapest: Vec<&str> = by_price
        .iter()
        .take(3)
        .map(|(_, i)| HARDWARE[*i].0)
        .collect();
    let dearest: Vec<&str> = by_price
        .iter()
        .rev()
        .take(2)
        .map(|(_, i)| HARDWARE[*i].0)
        .collect();
    let none = Filters::default();
    assert_eq!(
        titles(store.index.by_price(&none, false, 3).expect("browse")),
        cheapest
    );
    assert_eq!(
        titles(store.index.by_price(&none, true, 2).expect("browse")),
        dearest
    );
    // The unpriced product is in no price order, however long the list.
    let all = store.index.by_price(&none, false, 1000).expect("browse");
    assert_eq!(all.len(), HARDWARE.len() - 1);
    // Within a limit: the cheapest within it, the dearest at most it.
    let under = Filters {
        price_max: Some(kiosk_core::Money::from_minor(700)),
        ..Filters::default()
    };
    let within = store.index.by_price(&under, true, 2).expect("browse");
    let within: Vec<i64> = within.iter().map(|h| prices[h.0 as usize - 1]).collect();
    assert_eq!(within, [700, 600]);
}

// A list cut at its length said its length as the number found: the index
// counts the full matches, whatever the limit, without reading a product.
#[test]
fn the_count_is_of_every_full_match_whatever_the_limit() {
    let (store, _) = priced_hardware();
    let full = |query: &str, filters: &Filters| {
        store
            .index
            .search(query, false, filters, 1000)
            .expect("search")
            .iter()
            .filter(|h| h.2)
            .count()
    };
    let count = |query: &str, filters: &Filters, priced: bool| {
        let plan = store.index.plan(query, false);
        store
            .index
            .count_plan(&plan, filters, priced)
            .expect("count")
    };
    let none = Filters::default();
    // "steel": in titles and descriptions of several products; a search cut
    // at two still counts them all.
    assert!(full("steel", &none) >= 3);
    assert_eq!(
        store
            .index
            .search("steel", false, &none, 2)
            .expect("search")
            .len(),
        2
    );
    assert_eq!(count("steel", &none, false), full("steel", &none));
    // "steel hooks": one product has both words; the others only one.
    assert_eq!(count("steel hooks", &none, false), 1);
    // A browse counts every product the filters allow, the unpriced only
    // outside a price order or limit.
    assert_eq!(count("", &none, false), HARDWARE.len());
    assert_eq!(count("", &none, true), HARDWARE.len() - 1);
    let under = Filters {
        price_max: Some(kiosk_core::Money::from_minor(700)),
        ..Filters::default()
    };
    assert_eq!(count("", &under, false), 6);
    assert_eq!(count("", &under, false), full("", &under));
}

#[test]
fn a_words_parts_are_tokens_of_their_own_field() {
    let tokens = |text: &str| -> Vec<(String, usize)> {
        super::analyzer::split_parts_only(text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    };
    let expected = |list: &[(&str, usize)]| -> Vec<(String, usize)> {
        list.iter().map(|(t, p)| (t.to_string(), *p)).collect()
    };
    // Whole words are left out; the parts take the positions the field
    // with both gives them, so a phrase of the parts still matches.
    assert_eq!(
        tokens("Drill DCD771C2 20V-Max"),
        expected(&[
            ("dcd", 1),
            ("771", 2),
            ("c", 3),
            ("2", 4),
            ("20vmax", 5),
            ("20", 5),
            ("v", 6),
            ("max", 7),
        ])
    );
    assert!(tokens("Oak Bookcase").is_empty());
}

#[test]
fn a_model_codes_parts_do_not_lengthen_its_title() {
    // BM25 weighs a word against its field's length: `DCD771C2` and
    // `20V-Max` are one word each to a shopper, though they are found by
    // their parts too. Counted with their parts, the drill's title was
    // twice the T-shirt's.
    let rows: &[Row] = &[
        ("This Is Not A Drill Shirt", "Shirts", "Cotton.", "", ""),
        (
            "Cordless Drill DCD771C2 20V-Max",
            "Tools",
            "Cotton.",
            "",
            "",
        ),
    ];
    let store = Store::new(rows);
    assert_eq!(store.top("drill"), Some("Cordless Drill DCD771C2 20V-Max"));
    // The parts still find it, as words and as phrases.
    for query in ["dcd 771", "20v max", "20 v", "max", "dcd771c2"] {
        assert_eq!(
            store.top(query),
            Some("Cordless Drill DCD771C2 20V-Max"),
            "{query:?}"
        );
    }
}
