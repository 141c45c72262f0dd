use kiosk_core::assistant::phrasebook::render;
use kiosk_core::assistant::{AnalyticsEvent, Intent, Reply, SnapshotAge, Timings};
use kiosk_core::view::ProductView;
use kiosk_core::{Lang, Money};

use super::questions::{self, Expect, Kind, Plan, Rng};
use super::score::{self, Outcome};
use super::truth::{self, Platform};

const SHOPIFY: &str = "\u{feff}Handle,Title,Type,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Price,Status
arsenal-third,Arsenal Third Jersey 2025-26,Jersey,Size,S,Color,Pink,shopify,3,deny,49.00,active
arsenal-third,,,,M,,Pink,shopify,0,deny,49.00,
arsenal-third,,,,L,,Pink,shopify,0,continue,49.00,
arsenal-home,Arsenal Home Jersey 2025-26,Jersey,Size,S,,,shopify,5,deny,59.00,active
old-shirt,Old Shirt,Jersey,Size,S,,,shopify,5,deny,9.00,draft
pot,Pot Terre,Pot,Taille,S - 30 cm,,,,-2,continue,39.00,active
pot,,,,L - 50 cm,,,,4,continue,69.00,
";

fn shopify() -> truth::StoreTruth {
    truth::parse("shop", SHOPIFY).expect("a Shopify export")
}

#[test]
fn shopify_stock_follows_the_tracker_and_quantity() {
    let t = shopify();
    assert_eq!(t.platform, Platform::Shopify);
    assert_eq!(t.products.len(), 3, "the draft product is not sold");
    assert_eq!(t.n_not_sold, 1);
    let third = &t.products[t.by_title("arsenal third jersey 2025-26").expect("listed")];
    assert_eq!(third.stock_of(Some("S"), Some("Pink")), Some(true));
    assert_eq!(third.stock_of(Some("M"), None), Some(false));
    // Sold online past zero, but nothing on the shelf.
    assert_eq!(third.stock_of(Some("L"), None), Some(false));
    assert_eq!(third.stock_of(Some("XL"), None), None);
    let pot = &t.products[t.by_title("Pot Terre").expect("listed")];
    // Not tracked: for sale whatever the count, but nothing on hand settles
    // nothing.
    assert_eq!(pot.stock_of(Some("S - 30 cm"), None), None);
    assert_eq!(pot.stock_of(Some("L - 50 cm"), None), Some(true));
    assert_eq!(t.n_unsettled, 1);
    assert_eq!(pot.min_price(), Money::from_minor(3900));
    assert_eq!(pot.max_price(), Money::from_minor(6900));
}

#[test]
fn an_export_without_a_quantity_column_sells_everything() {
    let t = truth::parse(
        "beauty",
        "Handle,Title,Option1 Name,Option1 Value,Variant Price\nshampoo,Spice Shampoo,Title,Default Title,420.00\n",
    )
    .expect("a Shopify export");
    assert_eq!(t.products[0].stock_of(None, None), Some(true));
    assert_eq!(t.products[0].variants[0].size, None);
}

#[test]
fn woocommerce_variations_join_their_parent() {
    let text = "ID,Type,SKU,Name,Published,In stock?,Stock,Sale price,Regular price,Categories,Parent,Attribute 1 name,Attribute 1 value(s)
10,variable,hoodie,Hoodie,1,1,,,,Clothing > Hoodies,,Maat,\"S, M\"
11,variation,,Hoodie - S,1,1,4,,45,,id:10,Maat,S
12,variation,,Hoodie - M,1,0,0,40,45,,id:10,Maat,M
13,simple,cap,Cap,1,1,0,,15,Clothing > Caps,,Kleur,Red
14,simple,draft,Draft,0,1,,,15,Clothing,,,
15,external,ext,External,1,1,,,15,Clothing,,,
";
    let t = truth::parse("woo", text).expect("a WooCommerce export");
    assert_eq!(t.platform, Platform::WooCommerce);
    assert_eq!(t.n_not_sold, 2);
    let hoodie = &t.products[t.by_title("Hoodie").expect("listed")];
    assert_eq!(hoodie.category.as_deref(), Some("Hoodies"));
    assert_eq!(hoodie.stock_of(Some("S"), None), Some(true));
    assert_eq!(hoodie.stock_of(Some("M"), None), Some(false));
    // The sale price is the price.
    assert_eq!(hoodie.min_price(), Money::from_minor(4000));
    // "In stock?" says yes, "Stock" says none: unsettled.
    let cap = &t.products[t.by_title("Cap").expect("listed")];
    assert_eq!(cap.variants[0].colour.as_deref(), Some("Red"));
    assert_eq!(cap.stock_of(None, None), None);
}

#[test]
fn option_names_are_read_in_many_languages() {
    use truth::{OptionKind, option_kind};
    for name in [
        "Size",
        "Talla",
        "Taille",
        "Maat",
        "Größe",
        "Ukuran",
        "Shoe size",
        "尺寸",
    ] {
        assert_eq!(option_kind(name), OptionKind::Size, "{name}");
    }
    for name in ["Color", "Colour", "Kleur", "Couleur", "Warna", "顏色"] {
        assert_eq!(option_kind(name), OptionKind::Colour, "{name}");
    }
    for name in ["Title", "Material", "Flavour", "Estilo"] {
        assert_eq!(option_kind(name), OptionKind::Other, "{name}");
    }
}

#[test]
fn products_are_named_by_words_no_other_title_has() {
    let t = shopify();
    let third = t.by_title("Arsenal Third Jersey 2025-26").expect("listed");
    for seed in 0..20 {
        let name = questions::shopper_name(&t, third, &mut Rng::new(seed));
        assert!(
            name.contains("third"),
            "{name:?} does not tell it from the home shirt"
        );
        assert_eq!(name, name.to_lowercase());
    }
}

#[test]
fn long_sizes_are_said_short_when_still_unique() {
    let t = shopify();
    let pot = &t.products[t.by_title("Pot Terre").expect("listed")];
    assert_eq!(questions::spoken_size(pot, "S - 30 cm"), "S");
    assert_eq!(questions::spoken_size(pot, "L - 50 cm"), "L");
    let p = truth::TruthProduct {
        title: "Pot".into(),
        category: None,
        variants: ["S - Ø 30 cm - hauteur 28 cm", "M - Ø 39 cm - hauteur 36 cm"]
            .iter()
            .map(|s| truth::TruthVariant {
                size: Some(s.to_string()),
                colour: None,
                price: Money::from_minor(100),
                in_stock: Some(true),
                source: 0,
            })
            .collect(),
    };
    assert_eq!(
        questions::spoken_size(&p, "S - Ø 30 cm - hauteur 28 cm"),
        "S"
    );
}

#[test]
fn generation_is_repeatable_and_covers_every_kind_and_language() {
    let t = shopify();
    let plan = Plan {
        per_kind: 4,
        seed: 7,
    };
    let a = questions::generate(&t, plan);
    let b = questions::generate(&t, plan);
    let texts = |cases: &[questions::Case]| -> Vec<String> {
        cases.iter().map(|c| c.turns.join(" / ")).collect()
    };
    assert_eq!(texts(&a), texts(&b));
    for lang in Lang::ALL {
        for kind in [
            Kind::Stock,
            Kind::Price,
            Kind::Browse,
            Kind::PriceLimit,
            Kind::FollowUp,
        ] {
            assert!(
                a.iter().any(|c| c.lang == lang && c.kind == kind),
                "no {kind:?} question in {lang:?}"
            );
        }
    }
    // Stock questions only ask what the export settles, half of them
    // about something out of stock where the export has such.
    let stock: Vec<&questions::Case> = a.iter().filter(|c| c.kind == Kind::Stock).collect();
    assert!(stock.iter().any(|c| matches!(
        c.expect,
        Expect::Stock {
            in_stock: false,
            ..
        }
    )));
    assert!(
        stock
            .iter()
            .any(|c| matches!(c.expect, Expect::Stock { in_stock: true, .. }))
    );
}

fn view(title: &str) -> ProductView {
    ProductView {
        id: title.to_lowercase().replace(' ', "-"),
        title: title.to_string(),
        brand: None,
        category: None,
        price: Money::from_minor(4900),
        currency: "EUR".into(),
        in_stock: true,
        location: None,
        variants: Vec::new(),
    }
}

fn reply(lang: Lang, answer: &str, products: &[&str]) -> Reply {
    Reply {
        language: lang,
        intent: Intent::Availability,
        confidence: 0.9,
        slots: Default::default(),
        products: products.iter().map(|t| view(t)).collect(),
        answer: answer.to_string(),
        quick_replies: Vec::new(),
        actions: Vec::new(),
        escalate: false,
        escalation_reason: None,
        handoff: None,
        resolved: true,
        snapshot: SnapshotAge {
            as_of: jiff::Timestamp::UNIX_EPOCH,
            age_hours: 1.0,
            stale: false,
        },
        timings_ms: Timings::default(),
        analytics: AnalyticsEvent {
            intent: Intent::Availability,
            resolved: true,
            escalated: false,
            reason: None,
            language: lang,
            latency_ms: 1.0,
            text: String::new(),
            lost_demand: Vec::new(),
            n_products: products.len(),
        },
        phrasing: None,
        model_choice: None,
        example_choice: None,
    }
}

fn stock_expect(t: &truth::StoreTruth, title: &str, size: &str, in_stock: bool) -> Expect {
    Expect::Stock {
        product: t.by_title(title).expect("listed"),
        size: Some(size.into()),
        colour: None,
        in_stock,
    }
}

#[test]
fn a_stock_answer_in_every_language_is_read_back() {
    let t = shopify();
    let title = "Arsenal Third Jersey 2025-26";
    for lang in Lang::ALL {
        let yes = render(
            lang,
            "in_stock",
            &[
                ("title", title),
                ("options", "size S, Pink"),
                ("qty", "3"),
                ("price", "€ 49.00"),
            ],
        )
        .expect("a phrase");
        let no = render(
            lang,
            "out_of_stock",
            &[("title", title), ("options", "size M")],
        )
        .expect("a phrase");
        let expect_yes = stock_expect(&t, title, "S", true);
        let expect_no = stock_expect(&t, title, "M", false);
        let check = |answer: &str, expect: &Expect| {
            score::score(&t, expect, &reply(lang, answer, &[title]), None)
        };
        assert_eq!(check(&yes, &expect_yes), Outcome::Right, "{lang:?}: {yes}");
        assert_eq!(check(&no, &expect_no), Outcome::Right, "{lang:?}: {no}");
        assert_eq!(
            check(&yes, &expect_no),
            Outcome::WrongFact,
            "{lang:?}: {yes}"
        );
        assert_eq!(
            check(&no, &expect_yes),
            Outcome::WrongFact,
            "{lang:?}: {no}"
        );
    }
}

#[test]
fn a_stock_answer_about_another_product_is_a_wrong_product() {
    let t = shopify();
    let other = "Arsenal Home Jersey 2025-26";
    let answer = render(
        Lang::En,
        "in_stock",
        &[
            ("title", other),
            ("options", "size S"),
            ("qty", "5"),
            ("price", "€ 59.00"),
        ],
    )
    .expect("a phrase");
    let expect = stock_expect(&t, "Arsenal Third Jersey 2025-26", "S", true);
    let got = score::score(&t, &expect, &reply(Lang::En, &answer, &[other]), None);
    assert_eq!(got, Outcome::WrongProduct);
    // Asking which one is meant, with the product among the choices, is
    // not wrong.
    let which = render(Lang::En, "which_product", &[("example", "Jerseys")]).expect("a phrase");
    let got = score::score(
        &t,
        &expect,
        &reply(Lang::En, &which, &["Arsenal Third Jersey 2025-26", other]),
        None,
    );
    assert_eq!(got, Outcome::AskedWhich);
    assert_eq!(
        score::score(
            &t,
            &expect,
            &reply(Lang::En, "Sorry, I didn't catch that.", &[]),
            None
        ),
        Outcome::Missed
    );
}

#[test]
fn a_no_for_a_variant_the_export_has_or_a_yes_for_another_size_is_wrong() {
    let t = shopify();
    let title = "Arsenal Third Jersey 2025-26";
    let expect = stock_expect(&t, title, "M", false);
    let not_made = render(
        Lang::En,
        "not_made_in",
        &[
            ("title", title),
            ("options", "size M"),
            ("available", "S and L"),
        ],
    )
    .expect("a phrase");
    assert_eq!(
        score::score(&t, &expect, &reply(Lang::En, &not_made, &[title]), None),
        Outcome::WrongFact,
        "it does come in M: it is sold out"
    );
    let expect = stock_expect(&t, title, "S", true);
    let other_size = render(
        Lang::En,
        "in_stock",
        &[
            ("title", title),
            ("options", "size L"),
            ("qty", "2"),
            ("price", "€ 49.00"),
        ],
    )
    .expect("a phrase");
    assert_eq!(
        score::score(&t, &expect, &reply(Lang::En, &other_size, &[title]), None),
        Outcome::WrongFact
    );
}

#[test]
fn a_yes_for_another_colour_is_wrong() {
    let text = "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant Inventory Qty,Variant Price
top,Top Flex Form,Color,negro,Talla,s,2,27.00
top,,,verde-claro,,s,1,27.00
";
    let t = truth::parse("gym", text).expect("an export");
    let title = "Top Flex Form";
    let expect = Expect::Stock {
        product: 0,
        size: Some("s".into()),
        colour: Some("verde-claro".into()),
        in_stock: true,
    };
    let said = |options: &str| {
        render(
            Lang::En,
            "in_stock",
            &[
                ("title", title),
                ("options", options),
                ("qty", "1"),
                ("price", "€ 27.00"),
            ],
        )
        .expect("a phrase")
    };
    let check =
        |answer: String| score::score(&t, &expect, &reply(Lang::En, &answer, &[title]), None);
    assert_eq!(check(said("size s, verde-claro")), Outcome::Right);
    assert_eq!(
        check(said("size s, light green")),
        Outcome::Right,
        "a translated colour passes"
    );
    assert_eq!(check(said("size s, negro")), Outcome::WrongFact);
}

#[test]
fn a_title_with_the_template_words_in_it_is_still_read() {
    // "in" inside the title: "{title} in {options}" reads two ways.
    let t = truth::parse(
        "s",
        "Handle,Title,Option1 Name,Option1 Value,Variant Inventory Qty,Variant Price\nbag,Made in Italy Bag,Size,M,0,10.00\nhat,Hat,Size,M,2,5.00\n",
    )
    .expect("an export");
    let title = "Made in Italy Bag";
    let answer = render(
        Lang::En,
        "out_of_stock",
        &[("title", title), ("options", "size M")],
    )
    .expect("a phrase");
    let expect = stock_expect(&t, title, "M", false);
    assert_eq!(
        score::score(&t, &expect, &reply(Lang::En, &answer, &[title]), None),
        Outcome::Right
    );
}

#[test]
fn prices_are_checked_against_the_export() {
    let t = shopify();
    let index = t.by_title("Pot Terre").expect("listed");
    let expect = Expect::Price { product: index };
    for lang in Lang::ALL {
        let range = render(
            lang,
            "price_range",
            &[
                ("title", "Pot Terre"),
                ("min", "€ 39.00"),
                ("max", "€ 69,00"),
            ],
        )
        .expect("a phrase");
        let one = render(
            lang,
            "price_one",
            &[("title", "Pot Terre"), ("price", "€ 39.00")],
        )
        .expect("a phrase");
        let r = |a: &str| score::score(&t, &expect, &reply(lang, a, &["Pot Terre"]), None);
        assert_eq!(r(&range), Outcome::Right, "{range}");
        assert_eq!(r(&one), Outcome::WrongFact, "{one}: one price for a range");
    }
}

#[test]
fn empty_lists_and_slots_are_flagged() {
    for (answer, lang) in [
        (
            "Ocean Shirt doesn't come in size XL. It comes in .",
            Lang::En,
        ),
        ("Choose from: .", Lang::En),
        ("We have S, , M.", Lang::En),
        ("海洋襯衫沒有XL的款式，可選擇：。", Lang::Zh),
        ("Here's what I found (0):", Lang::En),
    ] {
        assert!(score::empty_list(answer, lang), "{answer:?} not flagged");
    }
    for (answer, lang) in [
        (
            "Yes, Ocean Shirt in size M is in stock: 3 left, € 29.00.",
            Lang::En,
        ),
        ("Here's what I found (3):", Lang::En),
        (
            "有的，海洋襯衫（M號）有現貨，剩3件，售價€ 29.00。",
            Lang::Zh,
        ),
        (
            "Ja, Ocean Shirt in maat M is op voorraad: nog 3 over, € 29,00.",
            Lang::Nl,
        ),
    ] {
        assert!(!score::empty_list(answer, lang), "{answer:?} flagged");
    }
}

#[test]
fn amounts_are_read_from_any_house_style() {
    assert_eq!(score::amount("€ 29.00"), Some(Money::from_minor(2900)));
    assert_eq!(score::amount("€ 29,00"), Some(Money::from_minor(2900)));
    assert_eq!(
        score::amount("1770.00 RSD"),
        Some(Money::from_minor(177_000))
    );
    assert_eq!(
        score::amount("Rp 150000,00"),
        Some(Money::from_minor(15_000_000))
    );
    assert_eq!(
        score::amount("Rp 150.000"),
        Some(Money::from_minor(15_000_000))
    );
    assert_eq!(
        score::amount("Rp 1.500.000"),
        Some(Money::from_minor(150_000_000))
    );
    assert_eq!(score::amount("NT$ 1,200"), Some(Money::from_minor(120_000)));
    assert_eq!(
        score::amount("€ 1.299,00"),
        Some(Money::from_minor(129_900))
    );
    assert_eq!(score::amount("free"), None);
}

#[test]
fn products_sharing_a_title_are_one_and_any_of_their_prices_is_right() {
    let text = "Type,SKU,Name,Published,In stock?,Stock,Regular price,Categories,Attribute 1 name,Attribute 1 value(s)
simple,a,Jordan 6 carmine,1,0,0,120000,Zapatillas > Jordan,Talle,6Y
simple,b,Jordan 6 carmine,1,0,0,210000,Zapatillas > Jordan,Talle,10
simple,c,Jordan 6 carmine,1,0,0,,Zapatillas > Jordan,Talle,5.5
";
    let t = truth::parse("sneakers", text).expect("a WooCommerce export");
    assert_eq!(t.products.len(), 1);
    let p = &t.products[0];
    assert_eq!(p.variants.len(), 2, "the pair without a price is not sold");
    assert_eq!(p.stock_of(Some("10"), None), Some(false));
    let expect = Expect::Price { product: 0 };
    let title = "Jordan 6 carmine";
    for (price, outcome) in [
        ("€ 120000.00", Outcome::Right),
        ("€ 210000.00", Outcome::Right),
        ("€ 150000.00", Outcome::WrongFact),
    ] {
        let answer =
            render(Lang::En, "price_one", &[("title", title), ("price", price)]).expect("a phrase");
        assert_eq!(
            score::score(&t, &expect, &reply(Lang::En, &answer, &[title]), None),
            outcome,
            "{answer}"
        );
    }
}

const WINE: &str = "ID,Type,SKU,Name,Published,In stock?,Stock,Sale price,Regular price,Categories
1,simple,a,Jović Vranac Premium,1,1,,,1900,Crveno vino
2,simple,b,Deurić Merlot,1,1,,,1500,Crveno vino
3,simple,c,Budimir Tamjanika,1,1,,,1200,Belo vino
4,simple,d,Belo Brdo Sauvignon Blanc,1,1,,,1300,Belo vino
5,simple,e,Zlatna Šljivovica,1,1,,,2500,Rakija
";

fn wine() -> truth::StoreTruth {
    truth::parse("wine", WINE).expect("a WooCommerce export")
}

#[test]
fn kinds_of_product_are_read_from_titles_and_categories_in_the_catalogs_language() {
    let t = wine();
    let keys: Vec<&str> = super::needs::store_concepts(&t)
        .iter()
        .map(|c| c.key)
        .collect();
    // Two of each wine; one brandy is not enough to ask about.
    assert_eq!(keys, ["red_wine", "white_wine"]);
    let red = super::needs::concept("red_wine").expect("a concept");
    let of_red: Vec<&str> = t
        .products
        .iter()
        .filter(|p| super::needs::is_of(p, red))
        .map(|p| p.title.as_str())
        .collect();
    assert_eq!(of_red, ["Jović Vranac Premium", "Deurić Merlot"]);
    // Whole words (and plurals) only: "pot" is not in "potato".
    let pot = super::needs::concept("pot").expect("a concept");
    let shop = truth::parse(
        "garden",
        "Handle,Title,Type,Variant Price\na,Sweet Potato Fries,,4.00\nb,Pot Terre,,9.00\nc,Two Pots,,9.00\n",
    )
    .expect("a Shopify export");
    let pots: Vec<bool> = shop
        .products
        .iter()
        .map(|p| super::needs::is_of(p, pot))
        .collect();
    assert_eq!(pots, [false, true, true]);
}

#[test]
fn cross_lingual_and_need_questions_are_asked_in_every_language() {
    let t = wine();
    let plan = Plan {
        per_kind: 4,
        seed: 7,
    };
    let cases = questions::generate(&t, plan);
    for lang in Lang::ALL {
        let asked: Vec<&questions::Case> = cases
            .iter()
            .filter(|c| c.lang == lang && c.kind == Kind::CrossLingual)
            .collect();
        assert_eq!(asked.len(), 2, "{lang:?}: one per kind the store sells");
        let needs: Vec<&questions::Case> = cases
            .iter()
            .filter(|c| c.lang == lang && c.kind == Kind::Need)
            .collect();
        // Only the steak-dinner need fits a shop with red wine here.
        assert_eq!(needs.len(), 1, "{lang:?}");
        assert_eq!(
            needs[0].expect,
            Expect::Meets {
                kinds: vec!["red_wine".to_string()]
            }
        );
    }
    let nl: Vec<&str> = cases
        .iter()
        .filter(|c| c.lang == Lang::Nl && c.kind == Kind::CrossLingual)
        .map(|c| c.turns[0].as_str())
        .collect();
    assert!(
        nl.iter().any(|q| q.contains("rode wijn")),
        "the shopper's own words, not the catalog's: {nl:?}"
    );
}

#[test]
fn kind_and_need_answers_are_read_against_the_export() {
    let t = wine();
    let red = Expect::OfKind {
        kinds: vec!["red_wine".to_string()],
    };
    let need = Expect::Meets {
        kinds: vec!["red_wine".to_string()],
    };
    let at = |expect: &Expect, shown: &[&str]| {
        score::score(&t, expect, &reply(Lang::Nl, "Gevonden:", shown), None)
    };
    assert_eq!(
        at(
            &red,
            &["Deurić Merlot", "Jović Vranac Premium", "Budimir Tamjanika"]
        ),
        Outcome::Right
    );
    // The first shown is another kind: not an answer to "rode wijn".
    assert_eq!(
        at(
            &red,
            &["Budimir Tamjanika", "Deurić Merlot", "Jović Vranac Premium"]
        ),
        Outcome::WrongFact
    );
    assert_eq!(
        at(
            &red,
            &[
                "Deurić Merlot",
                "Budimir Tamjanika",
                "Belo Brdo Sauvignon Blanc"
            ]
        ),
        Outcome::WrongFact
    );
    assert_eq!(at(&red, &[]), Outcome::Missed);
    // A need is met by one fitting product among the first three, not by
    // one further down.
    assert_eq!(
        at(
            &need,
            &["Budimir Tamjanika", "Zlatna Šljivovica", "Deurić Merlot"]
        ),
        Outcome::Right
    );
    assert_eq!(
        at(
            &need,
            &[
                "Budimir Tamjanika",
                "Zlatna Šljivovica",
                "Belo Brdo Sauvignon Blanc",
                "Deurić Merlot"
            ]
        ),
        Outcome::WrongFact
    );
}

#[test]
fn a_list_said_to_be_only_the_closest_is_missed_when_it_does_not_fit() {
    let t = wine();
    let red = Expect::OfKind {
        kinds: vec!["red_wine".to_string()],
    };
    let need = Expect::Meets {
        kinds: vec!["red_wine".to_string()],
    };
    let white = ["Budimir Tamjanika", "Belo Brdo Sauvignon Blanc"];
    let reds = ["Deurić Merlot", "Jović Vranac Premium"];
    let closest = |lang: Lang, shown: &[&str]| {
        let head = render(lang, "closest_instead", &[("constraint", "“rode wijn”")])
            .expect("a phrase in every language");
        reply(lang, &head, shown)
    };
    for lang in Lang::ALL {
        // Said to be the closest, not a match: nothing false is stated.
        assert_eq!(
            score::score(&t, &red, &closest(lang, &white), None),
            Outcome::Missed,
            "{lang:?}"
        );
        assert_eq!(
            score::score(&t, &need, &closest(lang, &white), None),
            Outcome::Missed,
            "{lang:?}"
        );
        // Never right for it, and a fitting list is right however framed.
        assert_eq!(
            score::score(&t, &red, &closest(lang, &reds), None),
            Outcome::Right,
            "{lang:?}"
        );
    }
    // The same list presented as a match is a wrong fact.
    assert_eq!(
        score::score(&t, &red, &reply(Lang::Nl, "Gevonden:", &white), None),
        Outcome::WrongFact
    );
}
