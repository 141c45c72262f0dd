use super::*;
use crate::lexicon::Concept;

fn lexicon() -> Lexicon {
    let c = |id: &str, terms: &[(Lang, &[&str])]| Concept {
        id: id.into(),
        kind: ConceptKind::Color,
        terms: terms
            .iter()
            .map(|(l, ws)| (*l, ws.iter().map(|w| w.to_string()).collect()))
            .collect(),
    };
    Lexicon::new(vec![
        c(
            "black",
            &[
                (Lang::En, &["black"]),
                (Lang::Nl, &["zwart", "zwarte"]),
                (Lang::Id, &["hitam"]),
                (Lang::Zh, &["黑色"]),
            ],
        ),
        c(
            "blue",
            &[
                (Lang::En, &["blue"]),
                (Lang::Nl, &["blauw", "blauwe"]),
                (Lang::Id, &["biru"]),
                (Lang::Zh, &["藍色"]),
            ],
        ),
        c(
            "grey",
            &[
                (Lang::En, &["grey", "gray"]),
                (Lang::Nl, &["grijs", "grijze"]),
                (Lang::Zh, &["灰色"]),
            ],
        ),
    ])
}

fn sheet() -> FactSheet {
    FactSheet {
        template: "Velora Stride 3 Men's Running Shoe in size 9, black is out of stock. In stock: size 9, grey.".into(),
        facts: vec![
            "Velora Stride 3 Men's Running Shoe | € 144.95 | Footwear, aisle 1, shelf A".into(),
            "size 9, Black: 0 | size 9, Grey: 6 | size 10, Black: 24".into(),
        ],
    }
}

fn names() -> Vec<String> {
    vec!["Velora".into(), "Aerion".into(), "Kestrel".into()]
}

fn check(answer: &str, lang: Lang) -> Vec<Violation> {
    verify(answer, &sheet(), &lexicon(), &names(), lang)
}

#[test]
fn grounded_phrasings_pass_in_each_language() {
    for (answer, lang) in [
        (
            "Sorry, the Velora Stride 3 in size 9 black is out of stock, but grey in size 9 is in stock (6 left), € 144.95.",
            Lang::En,
        ),
        (
            "Helaas, de Velora Stride 3 in maat 9 zwart is uitverkocht. In het grijs in maat 9 is hij er wel, € 144,95.",
            Lang::Nl,
        ),
        (
            "Maaf, Velora Stride 3 ukuran 9 warna hitam habis. Yang abu-abu ukuran 9 masih ada.",
            Lang::Id,
        ),
        (
            "抱歉，Velora Stride 3 九號黑色缺貨，灰色9號有貨，售價 € 144.95。",
            Lang::Zh,
        ),
    ] {
        assert_eq!(check(answer, lang), vec![], "{answer}");
    }
}

#[test]
fn an_invented_price_is_caught() {
    let v = check("The Velora Stride 3 is now € 99.95.", Lang::En);
    assert_eq!(v, vec![Violation::Number("99.95".into())]);
    let v = check("De Velora Stride 3 kost nu € 129,95.", Lang::Nl);
    assert_eq!(v, vec![Violation::Number("129,95".into())]);
}

#[test]
fn an_invented_quantity_or_size_is_caught() {
    assert_eq!(
        check("We have 12 left in grey.", Lang::En),
        vec![Violation::Number("12".into())]
    );
    assert_eq!(
        check("Try size 11 in black.", Lang::En),
        vec![Violation::Number("11".into())]
    );
    assert_eq!(
        check("十一號有黑色。", Lang::Zh),
        vec![Violation::Number("十一".into())]
    );
}

#[test]
fn an_invented_colour_is_caught() {
    assert_eq!(
        check("It comes in blue too.", Lang::En),
        vec![Violation::Color("blue".into())]
    );
    assert_eq!(
        check("Hij is er ook in het blauw.", Lang::Nl),
        vec![Violation::Color("blue".into())]
    );
}

#[test]
fn an_invented_product_name_is_caught() {
    assert_eq!(
        check("You could try the Aerion Glide 5 instead.", Lang::En),
        vec![
            Violation::Number("5".into()),
            Violation::Name("Aerion".into())
        ]
    );
}

#[test]
fn invented_promises_are_caught() {
    for (answer, claim) in [
        ("I can give you a 10% discount on it.", "discount"),
        ("It's free for loyalty members!", "free"),
        ("Ik heb hem voor je gereserveerd.", "reserve"),
        ("Ini harga yang dijamin.", "guarantee"),
        ("我們可以寄送到府。", "delivery"),
        ("Consider this a binding offer.", "binding"),
    ] {
        let v = check(answer, Lang::En);
        assert!(
            v.contains(&Violation::Claim(claim.into())),
            "{answer}: {v:?}"
        );
    }
}

#[test]
fn a_stock_flip_is_caught_when_the_sheet_never_says_it() {
    let sheet = FactSheet {
        template: "Velora Stride 3 in size 10, black: 24 left, € 144.95.".into(),
        facts: vec![],
    };
    let v = verify(
        "Sorry, it is sold out.",
        &sheet,
        &lexicon(),
        &names(),
        Lang::En,
    );
    assert_eq!(v, vec![Violation::Claim("out_of_stock".into())]);
}

#[test]
fn empty_and_rambling_answers_are_rejected() {
    assert_eq!(
        check("   ", Lang::En),
        vec![Violation::Shape("empty".into())]
    );
    let long = "Velora ".repeat(200);
    assert!(matches!(
        check(&long, Lang::En).first(),
        Some(Violation::Shape(_))
    ));
}

#[test]
fn number_spellings_compare_as_amounts() {
    assert_eq!(parse_number("12,50"), Some(12.5));
    assert_eq!(parse_number("1.299,00"), Some(1299.0));
    assert_eq!(parse_number("1,299.00"), Some(1299.0));
    assert_eq!(parse_number("1,299"), Some(1299.0));
}
