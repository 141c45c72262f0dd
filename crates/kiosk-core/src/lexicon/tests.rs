use super::*;

fn lexicon() -> Lexicon {
    Lexicon::new(vec![
        concept(
            "rain-jackets",
            ConceptKind::Category,
            &[
                (Lang::En, &["rain jacket", "raincoat"]),
                (Lang::Nl, &["regenjas"]),
                (Lang::Id, &["jas hujan"]),
                (Lang::Zh, &["雨衣", "防水外套"]),
            ],
        ),
        concept(
            "sports-socks",
            ConceptKind::Category,
            &[
                (Lang::En, &["sports socks"]),
                (Lang::Id, &["kaos kaki olahraga"]),
            ],
        ),
        concept(
            "socks",
            ConceptKind::ProductType,
            &[
                (Lang::En, &["socks"]),
                (Lang::Nl, &["sokken"]),
                (Lang::Id, &["kaos kaki"]),
            ],
        ),
        concept(
            "black",
            ConceptKind::Color,
            &[
                (Lang::En, &["black"]),
                (Lang::Nl, &["zwart", "zwarte"]),
                (Lang::Zh, &["黑色", "黑"]),
            ],
        ),
        concept(
            "necklaces",
            ConceptKind::Category,
            &[(Lang::En, &["necklace"]), (Lang::Nl, &["ketting"])],
        ),
    ])
}

fn ids(lex: &Lexicon, text: &str) -> Vec<String> {
    lex.analyze(text)
        .mentions
        .iter()
        .map(|m| lex.concept(m.concept).id.clone())
        .collect()
}

#[test]
fn finds_concepts_in_each_language() {
    let lex = lexicon();
    assert_eq!(ids(&lex, "waar liggen de regenjassen?"), ["rain-jackets"]);
    assert_eq!(ids(&lex, "ada kaos kaki olahraga?"), ["sports-socks"]);
    assert_eq!(ids(&lex, "ada kaos kaki?"), ["socks"]);
    assert_eq!(ids(&lex, "有沒有黑色的?"), ["black"]);
    assert_eq!(ids(&lex, "有没有黑色的雨衣"), ["black", "rain-jackets"]);
    assert_eq!(ids(&lex, "Raincoats in black"), ["rain-jackets", "black"]);
    assert_eq!(ids(&lex, "zwarte sokken"), ["black", "socks"]);
}

#[test]
fn tolerates_a_typo_in_long_words() {
    let lex = lexicon();
    let a = lex.analyze("neclace please");
    assert_eq!(a.mentions.len(), 1);
    assert!(!a.mentions[0].exact);
    assert_eq!(
        a.residual
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>(),
        ["please"]
    );
}

#[test]
fn keeps_the_words_it_did_not_understand() {
    let lex = lexicon();
    let a = lex.analyze("有沒有黑色的");
    let residual: Vec<&str> = a.residual.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(residual, ["有沒有", "的"]);
}

#[test]
fn mention_spans_point_into_the_original_text() {
    let lex = lexicon();
    let text = "Ik zoek een zwarte regenjas";
    let a = lex.analyze(text);
    let spans: Vec<&str> = a.mentions.iter().map(|m| &text[m.start..m.end]).collect();
    assert_eq!(spans, ["zwarte", "regenjas"]);
}

#[test]
fn light_stem_strips_plurals() {
    for (word, stem) in [
        ("dresses", "dress"),
        ("shoes", "shoe"),
        ("regenjassen", "regenjas"),
        ("sokken", "sok"),
        ("kaos-kaos", "kaos"),
        ("dress", "dress"),
    ] {
        assert_eq!(light_stem(word), stem, "{word}");
    }
}

// Issue 13: "有沒有M號的T恤" found no T-shirt: a term that writes a Latin word
// onto Chinese ("T恤", "Polo衫") is found inside a Chinese sentence, and the
// rest of the run is still read.
#[test]
fn issue_13_terms_of_latin_and_chinese() {
    let lexicon = Lexicon::new(vec![
        concept(
            "t-shirts",
            ConceptKind::Category,
            &[(Lang::En, &["t-shirt"]), (Lang::Zh, &["T恤", "短袖上衣"])],
        ),
        concept(
            "black",
            ConceptKind::Color,
            &[(Lang::En, &["black"]), (Lang::Zh, &["黑色"])],
        ),
    ]);
    for text in [
        "T恤",
        "有沒有M號的T恤",
        "有T恤嗎",
        "t恤黑色的",
        "有沒有 T恤",
    ] {
        let a = lexicon.analyze(text);
        let found: Vec<&str> = a
            .mentions
            .iter()
            .map(|m| lexicon.concept(m.concept).id.as_str())
            .collect();
        assert!(found.contains(&"t-shirts"), "{text:?}: {found:?}");
        let m = a
            .mentions
            .iter()
            .find(|m| lexicon.concept(m.concept).id == "t-shirts")
            .expect("found");
        assert_eq!(crate::text::fold(&text[m.start..m.end]), "t恤", "{text:?}");
    }
    let a = lexicon.analyze("t恤黑色的");
    assert_eq!(a.mentions.len(), 2, "the colour after the T恤 is read too");
}
