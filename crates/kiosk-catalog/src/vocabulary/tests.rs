use kiosk_core::{ConceptKind, Lang, Lexicon};

use super::default_concepts;

/// `word` names the colour `id` in the built-in vocabulary, the one every
/// Shopify and WooCommerce export is read with.
fn check(lexicon: &Lexicon, word: &str, id: &str) {
    let found = lexicon
        .lookup(word)
        .map(|idx| lexicon.concept(idx))
        .map(|c| (c.id.as_str(), c.kind));
    assert_eq!(found, Some((id, ConceptKind::Color)), "{word:?}");
}

// Regression: Dutch "koper" (copper) was not read as a colour, nor were the
// other metal colours beside gold and silver.
#[test]
fn metal_colours_are_read_in_every_language() {
    let lexicon = Lexicon::new(default_concepts());
    for (word, id) in [
        ("gold", "gold"),
        ("goud", "gold"),
        ("gouden", "gold"),
        ("emas", "gold"),
        ("金色", "gold"),
        ("silver", "silver"),
        ("zilver", "silver"),
        ("warna perak", "silver"),
        ("銀色", "silver"),
        ("copper", "copper"),
        ("koper", "copper"),
        ("koperen", "copper"),
        ("koperkleurig", "copper"),
        ("tembaga", "copper"),
        ("銅色", "copper"),
        ("bronze", "bronze"),
        ("brons", "bronze"),
        ("bronzen", "bronze"),
        ("perunggu", "bronze"),
        ("古銅色", "bronze"),
    ] {
        check(&lexicon, word, id);
    }
    // In a question, and named back in the shopper's language.
    let mentions = lexicon
        .analyze("hebben jullie deze lamp ook in koper?")
        .mentions;
    let copper = lexicon.find("copper").expect("a copper colour");
    assert!(
        mentions.iter().any(|m| m.concept == copper && m.exact),
        "{mentions:?}"
    );
    for (lang, name) in [
        (Lang::En, "copper"),
        (Lang::Nl, "koper"),
        (Lang::Id, "tembaga"),
        (Lang::Zh, "銅色"),
    ] {
        assert_eq!(lexicon.concept(copper).name(lang), name, "{lang:?}");
    }
}
