//! Search by meaning over real imported snapshots with the real e5 model:
//! the demo store (English catalog) and a French garden shop's Shopify
//! export from `bench/stores`, asked in Dutch, Indonesian and Chinese for
//! things whose words the lexical side cannot match. Needs the e5 model
//! (`$KIOSK_E5_MODEL` or where scripts/fetch-models puts it); a missing
//! model fails, never skips.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::kiosk_embed::Embedder;
use kiosk_catalog::snapshot::SemanticState;
use kiosk_catalog::{DataDir, ImportOptions, ImportSummary, Snapshot};
use kiosk_core::{Filters, Lang, Money, SearchRequest};

use crate::embed_support;

fn model() -> PathBuf {
    embed_support::e5_model()
}

fn embedder() -> Arc<Embedder> {
    Arc::new(Embedder::open_with_threads(&model(), 2).expect("the e5 model opens"))
}

fn import_with(data: &Path, source: &Path, embedder: &Arc<Embedder>) -> import::ImportSummary {
    let mut options = ImportOptions::new(source);
    options.embedder = Some(embedder.clone());
    import::import(&DataDir::new(data), &options, &mut NoProgress).expect("import")
}

fn open(data: &Path, embedder: &Arc<Embedder>) -> Snapshot {
    let mut snapshot = Snapshot::open(&DataDir::new(data)).expect("open");
    let state = snapshot.attach_embedder(embedder.clone());
    assert!(
        matches!(state, SemanticState::Hybrid { .. }),
        "search by meaning: {state}"
    );
    snapshot
}

fn top(snapshot: &Snapshot, request: &SearchRequest, n: usize) -> Vec<(String, String)> {
    snapshot
        .search(request)
        .expect("search")
        .into_iter()
        .take(n)
        .map(|h| (h.record.product.id, h.record.product.title))
        .collect()
}

/// The query finds a product whose title has `title_word` in its top 3.
fn finds(snapshot: &Snapshot, query: &str, title_word: &str) {
    let hits = top(snapshot, &SearchRequest::new(query), 3);
    assert!(
        hits.iter()
            .any(|(_, t)| t.to_lowercase().contains(&title_word.to_lowercase())),
        "{query:?}: expected a {title_word:?} in the top 3, got {hits:?}"
    );
}

#[test]
fn demo_store_is_found_across_languages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let embedder = embedder();
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
    let summary = import_with(tmp.path(), &catalog, &embedder);
    let vectors = summary.vectors.expect("vectors with the model");
    assert_eq!(vectors.computed, summary.n_products);
    let snapshot = open(tmp.path(), &embedder);

    // Dutch, Indonesian and Chinese, in words the store's catalog does not
    // have.
    finds(&snapshot, "iets voor op het strand", "bikini");
    finds(&snapshot, "sarung tangan musim dingin", "gloves");
    finds(&snapshot, "baju renang anak", "kids' swimsuit");
    finds(&snapshot, "有沒有瑜珈墊", "yoga mat");
    // A thing the store does not sell finds nothing.
    let piano = top(&snapshot, &SearchRequest::new("do you have a piano?"), 3);
    assert!(piano.is_empty(), "a piano in a sports shop: {piano:?}");

    // A product named by its title stays first.
    let named = top(
        &snapshot,
        &SearchRequest::new("Nordkap Gale Women's Rain Jacket"),
        3,
    );
    assert_eq!(named[0].0, "nordkap-gale-womens-rain-jacket", "{named:?}");

    // Filters hold on the vector side too.
    let mut request = SearchRequest::new("iets voor op het strand");
    request.filters = Filters {
        price_max: Some(Money::from_minor(3000)),
        in_stock_only: true,
        ..Filters::default()
    };
    let hits = snapshot.search(&request).expect("search");
    assert!(!hits.is_empty(), "something for the beach under 30");
    for hit in &hits {
        assert!(
            hit.record
                .variants
                .iter()
                .any(|v| v.in_stock && v.price.minor <= 3000),
            "{} has no variant in stock at 30 or less",
            hit.record.product.title
        );
    }

    // Alternatives by meaning: a trail running shoe is closer to another
    // trail running shoe than to a football boot or a sports bra.
    let close = snapshot
        .closeness(
            "kestrel-ridgeback-2-mens-trail-running-shoe",
            &[
                "aerion-switchback-3-mens-trail-running-shoe",
                "strikon-vortex-fg-football-boot",
                "sanvi-flow-sports-bra",
                "no-such-product",
            ],
        )
        .expect("closeness");
    let [Some(trail), Some(boot), Some(bra), None] = close[..] else {
        panic!("a value for every known product: {close:?}");
    };
    assert!(trail > boot && boot > bra, "{close:?}");
}

#[test]
fn a_french_store_is_found_from_other_languages_and_reimport_reuses_vectors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let embedder = embedder();
    let export =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/stores/shopify_parispousse-garden.csv");
    let first = import_with(tmp.path(), &export, &embedder);
    assert!(first.vectors.as_ref().expect("vectors").computed > 0);
    let snapshot = open(tmp.path(), &embedder);
    // Indonesian for an olive tree and a small cactus; the catalog says
    // "Olivier" and "Cactus".
    finds(&snapshot, "pohon zaitun", "olivier");
    finds(&snapshot, "cactus kecil", "cactus");
    let lexical = snapshot
        .search_lexical(&SearchRequest::new("pohon zaitun"))
        .expect("search");
    assert!(
        lexical.is_empty(),
        "the words alone match nothing: {lexical:?}"
    );
    drop(snapshot);

    // The same export again: every passage is unchanged, nothing is
    // embedded.
    let again = import_with(tmp.path(), &export, &embedder);
    let vectors = again.vectors.expect("vectors");
    assert_eq!(vectors.computed, 0);
    assert_eq!(vectors.reused, again.n_products);
    finds(&open(tmp.path(), &embedder), "pohon zaitun", "olivier");
}

/// The garden store's export from `bench/stores`, imported into a temp
/// data dir without the model.
fn import_garden_store() -> (tempfile::TempDir, ImportSummary) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let export =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/stores/shopify_parispousse-garden.csv");
    let summary = import::import(
        &DataDir::new(tmp.path()),
        &ImportOptions::new(&export),
        &mut NoProgress,
    )
    .expect("import");
    (tmp, summary)
}

#[test]
fn without_the_model_search_is_lexical_and_works() {
    let (tmp, summary) = import_garden_store();
    assert!(summary.vectors.is_none());
    let mut snapshot = Snapshot::open(&DataDir::new(tmp.path())).expect("open");
    assert_eq!(snapshot.semantic_state(), SemanticState::NoVectors);
    assert_eq!(
        snapshot.attach_embedder(embedder()),
        SemanticState::NoVectors
    );
    let hits = snapshot
        .search(&SearchRequest::new("cactus"))
        .expect("search");
    assert_eq!(hits[0].record.product.title, "Cactus");
}

/// `kiosk bench hybrid` on a snapshot imported without the model: stand-in
/// vectors cover every product, repeating the few real ones, and search
/// goes by meaning over them.
#[test]
fn stand_in_vectors_cover_every_product_with_a_few_real_ones() {
    let (tmp, summary) = import_garden_store();
    let n = summary.n_products;
    assert!(n > 16, "{n} products");
    let mut snapshot = Snapshot::open(&DataDir::new(tmp.path())).expect("open");
    let embedder = embedder();
    let state = snapshot
        .use_stand_in_vectors(embedder.clone(), 4)
        .expect("stand-ins");
    assert_eq!(state, SemanticState::Hybrid { products: n });
    let vectors = snapshot.vectors().expect("vectors");
    assert_eq!(vectors.len() as u64, n);
    // An int8 vector and a scale each; the rowids, without a gap, are a
    // run and cost nothing.
    assert_eq!(vectors.memory_bytes() as u64, n * (384 + 4));
    // Four distinct vectors: the most similar product's vector is shared
    // by about a quarter of the catalog, all at the same similarity.
    let query = embedder.embed(kiosk_catalog::kiosk_embed::TextKind::Query, "cactus");
    let nearest = vectors.nearest(&query, None, (n / 4) as usize);
    let best = nearest.hits[0].1;
    assert!(nearest.hits.iter().all(|&(_, s)| s == best), "{nearest:?}");
    assert!(
        !snapshot
            .search(&SearchRequest::new("cactus"))
            .expect("search")
            .is_empty()
    );
}

/// An English frozen-food store: its words are the only way in for a
/// shopper's Dutch, Indonesian or Chinese word the index does not hold.
const MEAT_STORE: &str = "\
Handle,Title,Type,Tags,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status
chicken-wings,Chicken Wings,Poultry,frozen;halal,Weight,1 kg,cw-1,18.00,5,active
whole-chicken,Whole Chicken,Poultry,frozen;halal,Weight,1.5 kg,wc-1,22.00,4,active
chicken-breast,Boneless Chicken Breast,Poultry,frozen,Weight,1 kg,cb-1,24.00,3,active
beef-ribeye,Beef Ribeye Steak,Beef,frozen;grill,Weight,300 g,br-1,39.00,6,active
beef-short-rib,Beef Short Rib,Beef,frozen;grill,Weight,500 g,bs-1,42.00,2,active
minced-beef,Minced Beef,Beef,frozen,Weight,500 g,mb-1,16.00,8,active
lamb-shoulder,Lamb Shoulder,Lamb,frozen,Weight,1 kg,ls-1,44.00,3,active
lamb-rack,Lamb Rack with Rosemary,Lamb,frozen;grill,Weight,600 g,lr-1,58.00,2,active
salmon-fillet,Salmon Fillet,Seafood,frozen,Weight,400 g,sf-1,29.00,5,active
tiger-prawns,Tiger Prawns,Seafood,frozen,Weight,500 g,tp-1,33.00,4,active
fish-balls,Fish Balls,Seafood,frozen,Weight,500 g,fb-1,9.00,10,active
green-peas,Green Peas,Vegetables,frozen,Weight,1 kg,gp-1,6.00,12,active
shoestring-fries,Shoestring Fries,Vegetables,frozen,Weight,1 kg,fr-1,8.00,9,active
yam-cake,Yam Cake,Snacks,frozen,Weight,500 g,yc-1,12.00,6,active
vanilla-ice-cream,Vanilla Ice Cream,Desserts,frozen,Size,1 litre,ic-1,14.00,7,active
";

/// The first `n` titles a query finds.
fn titles(snapshot: &Snapshot, request: &SearchRequest, n: usize) -> Vec<String> {
    top(snapshot, request, n)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

#[test]
fn a_word_in_another_language_finds_the_store_word_for_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let export = tmp.path().join("products_export.csv");
    std::fs::write(&export, MEAT_STORE).expect("write the export");
    let data = tmp.path().join("data");
    let embedder = embedder();
    let summary = import_with(&data, &export, &embedder);
    let words = summary.store_words.expect("store words with the model");
    assert!(
        words.words > 20 && words.computed == words.words,
        "{words:?}"
    );
    let mut snapshot = open(&data, &embedder);

    for (query, wanted) in [
        ("ayam", "chicken"),
        ("daging sapi", "beef"),
        ("牛肉", "beef"),
        ("lamsvlees", "lamb"),
    ] {
        let found = titles(&snapshot, &SearchRequest::new(query), 3);
        assert!(
            found
                .first()
                .is_some_and(|t| t.to_lowercase().contains(wanted)),
            "{query:?}: expected {wanted} first, got {found:?}"
        );
        // Search adds: the shopper's word is still searched.
        let plan = snapshot.plan(&SearchRequest::new(query));
        assert!(
            plan.groups.iter().any(|g| g.alternatives.len() > 1),
            "{query:?}: {plan:?}"
        );
    }

    // Filters still apply to what a translation finds.
    let mut request = SearchRequest::new("lamsvlees");
    request.filters.price_max = Some(Money::from_minor(4500));
    assert_eq!(
        titles(&snapshot, &request, 3),
        vec!["Lamb Shoulder".to_string()]
    );

    // A thing the store does not sell still finds nothing.
    let piano = titles(&snapshot, &SearchRequest::new("piano"), 3);
    assert!(
        piano.is_empty(),
        "a piano in a frozen-food store: {piano:?}"
    );

    // Without translation the foreign words find nothing by words, which
    // is what the store words are for.
    snapshot.set_store_word_translation(false);
    let plan = snapshot.plan(&SearchRequest::new("牛肉"));
    assert!(
        plan.groups.iter().all(|g| g.alternatives.len() == 1),
        "{plan:?}"
    );

    // A re-import embeds no word again.
    let again = import_with(&data, &export, &embedder);
    let words = again.store_words.expect("store words");
    assert_eq!((words.computed, words.reused), (0, words.words));
}

/// An English deli whose products have English descriptions, so its
/// language is plain to see: a word of an English turn the store does not
/// hold is a thing it does not sell, not another language's word.
const DELI_STORE: &str = "\
Handle,Title,Body (HTML),Type,Tags,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Status
chicken-wings,Chicken Wings,<p>Frozen chicken wings from a farm we know. They are ready for the oven or the grill and you can keep them for months.</p>,Poultry,frozen;halal,Weight,1 kg,cw-1,18.00,5,active
whole-chicken,Whole Chicken,<p>A whole chicken that is good for a roast with the family. It comes cleaned and ready to cook.</p>,Poultry,frozen;halal,Weight,1.5 kg,wc-1,22.00,4,active
beef-ribeye,Beef Ribeye Steak,<p>A thick ribeye steak with fine marbling. Grill it hot for a few minutes on each side and let it rest.</p>,Beef,frozen;grill,Weight,300 g,br-1,39.00,6,active
minced-beef,Minced Beef,<p>Lean minced beef for burgers and sauces. It is packed flat so it thaws quickly when you need it.</p>,Beef,frozen,Weight,500 g,mb-1,16.00,8,active
lamb-shoulder,Lamb Shoulder,<p>A lamb shoulder for slow roasting. Cook it low and slow with garlic and it will fall off the bone.</p>,Lamb,frozen,Weight,1 kg,ls-1,44.00,3,active
lamb-rack,Lamb Rack with Rosemary,<p>A rack of lamb with rosemary that is ready to roast. Serve it pink with a green salad.</p>,Lamb,frozen;grill,Weight,600 g,lr-1,58.00,2,active
salmon-fillet,Salmon Fillet,<p>Salmon fillet from the cold sea. Bake it in the oven with lemon and it is done in twenty minutes.</p>,Seafood,frozen,Weight,400 g,sf-1,29.00,5,active
tiger-prawns,Tiger Prawns,<p>Large tiger prawns that are peeled and ready to fry. Add them to a curry or a pasta at the end.</p>,Seafood,frozen,Weight,500 g,tp-1,33.00,4,active
fish-balls,Fish Balls,<p>Fish balls for a hot pot or a noodle soup. They are made from white fish and keep their bite.</p>,Seafood,frozen,Weight,500 g,fb-1,9.00,10,active
salted-butter,Salted Butter,<p>Creamy salted butter for bread and baking. It spreads well when you take it out of the fridge early.</p>,Dairy,chilled,Weight,250 g,sb-1,5.00,12,active
peanut-butter,Peanut Butter,<p>Crunchy peanut butter with no added sugar. Spread it on toast or stir it into a sauce.</p>,Pantry,,Weight,350 g,pb-1,6.00,9,active
shoestring-fries,Shoestring Fries,<p>Thin fries that are crisp from the oven or the fryer. Kids love them with every meal.</p>,Vegetables,frozen,Weight,1 kg,fr-1,8.00,9,active
green-peas,Green Peas,<p>Sweet green peas that are frozen within hours of the harvest. Cook them for two minutes in boiling water.</p>,Vegetables,frozen,Weight,1 kg,gp-1,6.00,12,active
pink-lemonade,Pink Lemonade,<p>A pink lemonade made with real lemons. Serve it cold with ice on a hot day.</p>,Drinks,chilled,Size,1 litre,pl-1,4.00,7,active
vanilla-ice-cream,Vanilla Ice Cream,<p>Vanilla ice cream made with fresh cream. Keep it in the freezer and serve it with fruit.</p>,Desserts,frozen,Size,1 litre,ic-1,14.00,7,active
";

#[test]
fn store_words_bridge_a_language_gap_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let export = tmp.path().join("products_export.csv");
    std::fs::write(&export, DELI_STORE).expect("write the export");
    let data = tmp.path().join("data");
    let embedder = embedder();
    import_with(&data, &export, &embedder);
    let snapshot = open(&data, &embedder);
    assert_eq!(snapshot.catalog_language(), Some(Lang::En));
    let turn = |text: &str, lang: Option<Lang>| {
        let mut request = SearchRequest::new(text);
        request.lang = lang;
        request
    };
    assert!(!snapshot.language_gap(&turn("mutton", Some(Lang::En))));
    assert!(snapshot.language_gap(&turn("lamsvlees", Some(Lang::Nl))));
    // Without a language the turn's own words tell it.
    assert!(!snapshot.language_gap(&turn("do you have mutton?", None)));

    // English words of things the deli does not sell find nothing, though
    // a store word is spelled like them (pink, butter).
    for text in ["do you have a piano?", "do you have mutton?", "mutton"] {
        let found = titles(&snapshot, &turn(text, Some(Lang::En)), 3);
        assert!(found.is_empty(), "{text:?}: {found:?}");
    }
    // Pork, in any language, is not sold: beef is no answer.
    for (text, lang) in [
        ("do you have pork?", Lang::En),
        ("hebben jullie varkensvlees?", Lang::Nl),
        ("猪肉", Lang::Zh),
    ] {
        let found = titles(&snapshot, &turn(text, Some(lang)), 3);
        assert!(found.is_empty(), "{text:?}: {found:?}");
    }

    // Another language's word for what the deli sells finds it.
    for (text, lang, wanted) in [
        ("hebben jullie lamsvlees?", Lang::Nl, "lamb"),
        ("ada daging sapi?", Lang::Id, "beef"),
        ("ada ayam?", Lang::Id, "chicken"),
        ("牛肉", Lang::Zh, "beef"),
    ] {
        let found = titles(&snapshot, &turn(text, Some(lang)), 3);
        assert!(
            found
                .first()
                .is_some_and(|t| t.to_lowercase().contains(wanted)),
            "{text:?}: expected {wanted} first, got {found:?}"
        );
        // Found through the store's word, not the shopper's: marked so, for
        // the answer to offer them as the closest the store has.
        let hits = snapshot.search(&turn(text, Some(lang))).expect("a search");
        assert!(hits.iter().all(|h| h.translated), "{text:?}");
    }
    // The store's own word finds its products as they are.
    let hits = snapshot
        .search(&turn("do you have lamb?", Some(Lang::En)))
        .expect("a search");
    assert!(!hits.is_empty() && hits.iter().all(|h| !h.translated));
}
