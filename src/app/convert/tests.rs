use std::collections::BTreeMap;

use kiosk_core::assistant::phrasebook::say;
use kiosk_core::view::{ProductView, VariantView};
use kiosk_core::{Lang, Lexicon, Money};

use super::card;

fn variant(sku: &str, colour: &str, price: &str) -> VariantView {
    VariantView {
        sku: sku.to_string(),
        options: BTreeMap::from([("Color".to_string(), colour.to_string())]),
        price: Money::parse_decimal(price).expect("a test price"),
        quantity: Some(3),
        in_stock: true,
        low_stock: false,
    }
}

fn lure(variants: Vec<VariantView>) -> ProductView {
    ProductView {
        id: "lure".to_string(),
        title: "Night Crawler".to_string(),
        brand: None,
        category: Some("Lures".to_string()),
        // The lowest variant price, as the snapshot gives it.
        price: variants
            .iter()
            .map(|v| v.price)
            .min()
            .unwrap_or(Money::from_minor(0)),
        currency: "EUR".to_string(),
        in_stock: true,
        location: None,
        variants,
    }
}

#[test]
fn a_card_never_shows_a_zero_price() {
    let lexicon = Lexicon::new(Vec::new());
    // One variant with no price set: the card shows the lowest price set.
    let some = lure(vec![
        variant("nc-1", "Black", "9.99"),
        variant("nc-2", "Pink camo", "0.00"),
    ]);
    // No variant with a price set: the card says so, in every language.
    let none = lure(vec![variant("nc-2", "Pink camo", "0.00")]);
    for (lang, price, no_price) in [
        (Lang::En, "€ 9.99", "price not available"),
        (Lang::Nl, "€ 9,99", "prijs niet beschikbaar"),
        (Lang::Id, "€ 9,99", "belum tersedia"),
        (Lang::Zh, "€ 9.99", "未定（請洽店員）"),
    ] {
        let shown = card(&some, lang, &lexicon, None, None, &[]);
        assert_eq!(shown.price, price, "{lang:?}");
        let shown = card(&none, lang, &lexicon, None, None, &[]);
        assert_eq!(shown.price, no_price, "{lang:?}");
        assert!(!shown.price.contains("0.00") && !shown.price.contains("0,00"));
    }
}

#[test]
fn a_product_without_options_shows_no_variant_chip() {
    let lexicon = Lexicon::new(Vec::new());
    let mut only = variant("LK-Varedo-Blk", "", "539.00");
    only.options.clear();
    let lock = lure(vec![only]);
    let shown = card(&lock, Lang::En, &lexicon, None, None, &[]);
    assert!(shown.variants.is_empty(), "{:?}", shown.variants.len());
    // A product with options keeps one chip a variant, named by them.
    let two = lure(vec![
        variant("nc-1", "Black", "9.99"),
        variant("nc-2", "Pink camo", "9.99"),
    ]);
    let shown = card(&two, Lang::En, &lexicon, None, None, &[]);
    let labels: Vec<&str> = shown.variants.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, ["Black", "Pink camo"]);
}

// Regression: for stock the store does not count (no quantity), the answer
// says "available" but the card said "in stock".
#[test]
fn a_card_says_available_for_stock_the_store_does_not_count() {
    let lexicon = Lexicon::new(Vec::new());
    let untracked = |sku: &str, colour: &str| VariantView {
        quantity: None,
        ..variant(sku, colour, "9.99")
    };
    let shop = lure(vec![untracked("nc-1", "Black"), untracked("nc-2", "Pink")]);
    // One counted variant among them: the card may say "in stock".
    let mixed = lure(vec![
        untracked("nc-1", "Black"),
        variant("nc-2", "Pink", "9.99"),
    ]);
    for (lang, available) in [
        (Lang::En, "available"),
        (Lang::Nl, "verkrijgbaar"),
        (Lang::Id, "tersedia"),
        (Lang::Zh, "有販售"),
    ] {
        // The word the answer uses for the same stock.
        let answer = say(
            lang,
            "in_stock_untracked_none",
            &[("title", "Night Crawler"), ("price", "€ 9.99")],
        );
        let in_stock = say(lang, "word_in_stock_short", &[]);
        let shown = card(&shop, lang, &lexicon, None, None, &[]);
        assert_eq!(shown.stock_text, available, "{lang:?}");
        assert!(shown.in_stock, "{lang:?}");
        assert!(answer.contains(&shown.stock_text), "{lang:?}: {answer}");
        // Asked for a colour: that variant, in the same word.
        let shown = card(&shop, lang, &lexicon, None, Some("black"), &[]);
        assert_eq!(shown.stock_text, format!("Black: {available}"), "{lang:?}");
        assert!(!shown.stock_text.contains(&in_stock), "{lang:?}");
        let shown = card(&mixed, lang, &lexicon, None, None, &[]);
        assert_eq!(shown.stock_text, in_stock, "{lang:?}");
        // A counted variant asked for keeps its count.
        let shown = card(&mixed, lang, &lexicon, None, Some("pink"), &[]);
        assert_eq!(
            shown.stock_text,
            format!("Pink: {}", say(lang, "word_left", &[("qty", "3")])),
            "{lang:?}"
        );
    }
}
