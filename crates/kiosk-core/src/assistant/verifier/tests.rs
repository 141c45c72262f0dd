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

#[test]
fn a_finished_answer_keeps_every_number_of_the_template() {
    let complete = |answer: &str| verify_complete(answer, &sheet(), &lexicon(), &names(), Lang::En);
    // Seen with a real model: a line that states nothing passes the fact
    // checks but is not an answer.
    assert_eq!(
        complete("Language: English"),
        vec![
            Violation::Missing("3".into()),
            Violation::Missing("9".into()),
            Violation::Missing("9".into()),
            Violation::Missing("0 of the template's 9 words".into()),
        ]
    );
    assert_eq!(
        complete(
            "Sorry, the Velora Stride 3 in black, size 9 is out of stock; grey in 9 is in stock."
        ),
        vec![]
    );
}

#[test]
fn an_answer_in_another_language_is_rejected() {
    // Han characters in an English answer (seen: Gemma answering in Chinese).
    assert_eq!(
        check("Velora Stride 3 售價 EUR 144.95。", Lang::En),
        vec![Violation::Language("Chinese".into())]
    );
    // No Han characters in a Chinese answer.
    assert_eq!(
        check(
            "Velora Stride 3 is out of stock in size 9, black.",
            Lang::Zh
        ),
        vec![Violation::Language("no Chinese".into())]
    );
    // Dutch words added to an English sheet, for an Indonesian shopper.
    assert_eq!(
        check(
            "Sorry, de Velora Stride 3 is in maat 9 niet meer te krijgen, wel in het grijs.",
            Lang::Id
        ),
        vec![Violation::Language("nl".into())]
    );
    // The same answer for a Dutch shopper is fine.
    assert_eq!(
        check(
            "Sorry, de Velora Stride 3 is in maat 9 niet meer te krijgen, wel in het grijs.",
            Lang::Nl
        ),
        vec![]
    );
}

#[test]
fn a_denial_in_the_sheet_cannot_become_a_promise() {
    // Seen with a real model: the template's "I can't change prices or give
    // discounts" came back as "I have changed the price or given a discount".
    let sheet = FactSheet {
        template: "Saya hanya bisa memberi harga dan aturan dari sistem toko, dan saya tidak bisa mengubah harga atau memberi diskon.".into(),
        facts: vec!["Velora Stride 3 Men's Running Shoe | € 144,95".into()],
    };
    let v = verify(
        "Saya sudah mengubah harga atau memberi diskon.",
        &sheet,
        &lexicon(),
        &names(),
        Lang::Id,
    );
    assert_eq!(
        v,
        vec![
            Violation::Claim("discount (the sheet denies it)".into()),
            Violation::Claim("price_change (the sheet denies it)".into()),
        ]
    );
    let v = verify(
        "Maaf, saya tidak bisa memberi diskon atau mengubah harga.",
        &sheet,
        &lexicon(),
        &names(),
        Lang::Id,
    );
    assert_eq!(v, vec![]);
}

#[test]
fn a_line_that_says_something_else_is_not_a_rephrasing() {
    // Seen with a real model on a policy answer with no numbers in it.
    let sheet = FactSheet {
        template: "We accept cash, Maestro, Visa, Mastercard and American Express at the tills on the ground floor.".into(),
        facts: vec![],
    };
    let complete = |answer: &str| verify_complete(answer, &sheet, &lexicon(), &names(), Lang::En);
    assert!(matches!(
        complete("Language: English").as_slice(),
        [Violation::Missing(_)]
    ));
    assert_eq!(
        complete(
            "Yes: cash, Maestro, Visa, Mastercard or American Express, at the tills downstairs."
        ),
        vec![]
    );
    // "I can't change prices" must not come back as an invitation.
    let sheet = FactSheet {
        template: "I can only give the prices in the store's system; I can't change prices or give discounts.".into(),
        facts: vec![],
    };
    assert_eq!(
        verify(
            "You can change the price or make an offer.",
            &sheet,
            &lexicon(),
            &names(),
            Lang::En
        ),
        vec![
            Violation::Claim("offer".into()),
            Violation::Claim("price_change (the sheet denies it)".into()),
        ]
    );
}

/// A sheet the way `fact_sheet` writes it: a price, a location and stock
/// counts per variant, with 24 only as a stock count.
fn role_sheet() -> FactSheet {
    FactSheet {
        template: "Velora Stride 3 Men's Running Shoe in size 9, grey: 24 left, € 144.95, Footwear, aisle 4. Open until 18:00.".into(),
        facts: vec![
            "Velora Stride 3 Men's Running Shoe | EUR 144.95 | Footwear, aisle 4, shelf A | size 9, color Grey: 24 in stock; size 10, color Black: 6 in stock".into(),
        ],
    }
}

fn check_roles(answer: &str, lang: Lang) -> Vec<Violation> {
    verify(answer, &role_sheet(), &lexicon(), &names(), lang)
}

#[test]
fn a_stock_count_does_not_back_a_price() {
    // Issue 15: the verifier passed invented prices and discounts, since any
    // number of the sheet was accepted in any role.
    let v = check_roles(
        "The Velora Stride 3 in size 9, grey is € 24.00, half price today.",
        Lang::En,
    );
    assert!(
        v.contains(&Violation::Role("24.00 as a price".into())),
        "{v:?}"
    );
    assert!(v.contains(&Violation::Claim("half_price".into())), "{v:?}");
}

#[test]
fn numbers_are_checked_by_role() {
    // Issue 15: a price as an aisle, an aisle as a price, a size as a stock
    // count, a stock count as a size, an hour that is no opening hour.
    for (answer, lang, expected) in [
        (
            "You'll find it in aisle 144.95.",
            Lang::En,
            "144.95 as an aisle",
        ),
        ("Hij ligt in gang 24.", Lang::Nl, "24 as an aisle"),
        ("The Velora Stride 3 is € 4.", Lang::En, "4 as a price"),
        (
            "De Velora Stride 3 kost 6,00 euro.",
            Lang::Nl,
            "6,00 as a price",
        ),
        (
            "Velora Stride 3 ukuran 9, sisa 10.",
            Lang::Id,
            "10 as a stock count",
        ),
        ("We have 9 left in grey.", Lang::En, "9 as a stock count"),
        ("Velora Stride 3 剩9件。", Lang::Zh, "9 as a stock count"),
        ("Velora Stride 3 尺寸24。", Lang::Zh, "24 as a size"),
        ("Try size 6 in black.", Lang::En, "6 as a size"),
        ("Velora Stride 3 在4號，€ 144.95。", Lang::Zh, "4 as a size"),
    ] {
        let v = check_roles(answer, lang);
        assert_eq!(v, vec![Violation::Role(expected.into())], "{answer}");
    }
    // An hour the sheet does not give.
    assert_eq!(
        check_roles("We are open until 20:00.", Lang::En),
        vec![Violation::Number("20:00".into())]
    );
}

#[test]
fn numbers_in_their_roles_pass() {
    // Issue 15: checking roles must not reject a faithful phrasing.
    for (answer, lang) in [
        (
            "The Velora Stride 3 in size 9, grey is € 144.95; 24 left, in aisle 4.",
            Lang::En,
        ),
        (
            "De Velora Stride 3 in maat 9, grijs: nog 24, € 144,95, gang 4. Open tot 18:00.",
            Lang::Nl,
        ),
        (
            "Velora Stride 3 ukuran 9 abu-abu sisa 24, harga 144,95 EUR, lorong 4.",
            Lang::Id,
        ),
        (
            "Velora Stride 3 尺寸9灰色剩24件，售價144.95歐元，走道4。",
            Lang::Zh,
        ),
    ] {
        assert_eq!(check_roles(answer, lang), vec![], "{answer}");
    }
}

#[test]
fn new_promise_words_are_caught_in_each_language() {
    // Issue 15: half price, coupons, deals, percent off and price matching
    // were not claims.
    for (answer, lang, claim) in [
        ("It's half price today.", Lang::En, "half_price"),
        ("Vandaag voor halve prijs.", Lang::Nl, "half_price"),
        ("Hari ini setengah harga.", Lang::Id, "half_price"),
        ("今天半價。", Lang::Zh, "half_price"),
        ("Use this coupon at the till.", Lang::En, "coupon"),
        ("I can give you a voucher.", Lang::En, "coupon"),
        ("Met een kortingsbon is hij goedkoper.", Lang::Nl, "coupon"),
        ("Ik geef je een voucher.", Lang::Nl, "coupon"),
        ("Pakai kupon ini di kasir.", Lang::Id, "coupon"),
        ("Ada voucher untuk Anda.", Lang::Id, "coupon"),
        ("可以使用優惠券。", Lang::Zh, "coupon"),
        ("可以用折價券。", Lang::Zh, "coupon"),
        ("That's a great deal.", Lang::En, "deal"),
        ("Hij is in de aanbieding.", Lang::Nl, "offer"),
        ("Ada promo hari ini.", Lang::Id, "discount"),
        ("Ada diskon hari ini.", Lang::Id, "discount"),
        ("今天有打折。", Lang::Zh, "discount"),
        ("現在有優惠。", Lang::Zh, "discount"),
        ("You get 20 percent off.", Lang::En, "percent_off"),
        ("Je krijgt 20 procent korting.", Lang::Nl, "percent_off"),
        ("We price match any store.", Lang::En, "price_match"),
        ("Wij hebben een prijsgarantie.", Lang::Nl, "price_match"),
        ("Kami menyamakan harga toko lain.", Lang::Id, "price_match"),
        ("我們可以比價。", Lang::Zh, "price_match"),
    ] {
        let sheet = FactSheet {
            template: "Velora Stride 3 | € 144.95".into(),
            facts: vec![],
        };
        let v = verify(answer, &sheet, &lexicon(), &names(), lang);
        assert!(
            v.contains(&Violation::Claim(claim.into())),
            "{answer}: {v:?}"
        );
    }
}

#[test]
fn a_claim_the_sheet_states_passes() {
    // Issue 15: the new claims are only rejected when the sheet lacks them.
    let sheet = FactSheet {
        template: "The Velora Stride 3 is half price this week: € 72.48.".into(),
        facts: vec![],
    };
    assert_eq!(
        verify(
            "This week the Velora Stride 3 is half price, € 72.48.",
            &sheet,
            &lexicon(),
            &names(),
            Lang::En
        ),
        vec![]
    );
}

#[test]
fn niets_and_other_negations_keep_a_denial_a_denial() {
    // Issue 15: Dutch "niets" was no negation, so a denial turned promise
    // went unnoticed only by luck, and a kept denial was rejected.
    let sheet = FactSheet {
        template: "Ik kan niets aan de prijs doen en geef geen korting.".into(),
        facts: vec![],
    };
    let nl = |answer: &str| verify(answer, &sheet, &lexicon(), &names(), Lang::Nl);
    assert_eq!(nl("Sorry, aan korting kan ik niets doen."), vec![]);
    assert_eq!(
        nl("Ik geef je korting."),
        vec![Violation::Claim("discount (the sheet denies it)".into())]
    );
    let sheet = FactSheet {
        template: "I can do nothing about a discount.".into(),
        facts: vec![],
    };
    assert_eq!(
        verify(
            "There is nothing I can do about a discount.",
            &sheet,
            &lexicon(),
            &names(),
            Lang::En
        ),
        vec![]
    );
    for (template, answer, lang) in [
        (
            "Saya tak bisa memberi diskon.",
            "Maaf, diskon tidak ada.",
            Lang::Id,
        ),
        ("我不能打折。", "抱歉，沒有打折。", Lang::Zh),
        ("我不能打折。", "抱歉，没有打折。", Lang::Zh),
    ] {
        let sheet = FactSheet {
            template: template.into(),
            facts: vec![],
        };
        assert_eq!(
            verify(answer, &sheet, &lexicon(), &names(), lang),
            vec![],
            "{answer}"
        );
    }
}

#[test]
fn quoted_shopper_words_back_nothing() {
    // Issue 15: a template that quotes the shopper ("nothing matching “…”")
    // turned the shopper's numbers and words into facts.
    let sheet = FactSheet {
        template: "Sorry, we don't have anything matching “Kestrel size 44 for € 5 half price”."
            .into(),
        facts: vec![],
    };
    let v = verify(
        "The Kestrel in size 44 is € 5, half price.",
        &sheet,
        &lexicon(),
        &names(),
        Lang::En,
    );
    for expected in [
        Violation::Number("44".into()),
        Violation::Number("5".into()),
        Violation::Name("Kestrel".into()),
        Violation::Claim("half_price".into()),
    ] {
        assert!(v.contains(&expected), "{expected:?}: {v:?}");
    }
    // The plain answer, which does not repeat the query, is complete.
    assert_eq!(
        verify_complete(
            "Sorry, we don't have anything like that in this store.",
            &sheet,
            &lexicon(),
            &names(),
            Lang::En
        ),
        vec![]
    );
    let zh = FactSheet {
        template: "抱歉，本店沒有符合「9號 € 5」的商品。".into(),
        facts: vec![],
    };
    assert_eq!(
        verify("有9號，€ 5。", &zh, &lexicon(), &names(), Lang::Zh),
        vec![Violation::Number("9".into()), Violation::Number("5".into())]
    );
}

#[test]
fn one_cue_serves_a_list_or_a_range() {
    // Issue 15: "10 to 250 euros" makes 10 a price too, and "sizes 9 and
    // 10" makes 10 a size, so a faithful answer is not rejected.
    let sheet = FactSheet {
        template: "Gift cards are sold in any amount from 10 to 250 euros. The Velora Stride 3 comes in sizes 9 and 10.".into(),
        facts: vec![],
    };
    let v = |answer: &str| verify(answer, &sheet, &lexicon(), &names(), Lang::En);
    assert_eq!(v("Gift cards go from € 10 up to € 250."), vec![]);
    assert_eq!(v("The Velora Stride 3 is there in size 10."), vec![]);
    assert_eq!(
        v("The Velora Stride 3 is € 9."),
        vec![Violation::Role("9 as a price".into())]
    );
}

#[test]
fn a_model_number_before_a_size_is_no_size() {
    // Issue 15: the 3 of "Stride 3, size 9" keeps no role of its own.
    assert_eq!(
        check_roles("The Velora Stride 3, size 9, grey: 24 left.", Lang::En),
        vec![]
    );
}
