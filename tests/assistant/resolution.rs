//! Issue 13: the kiosk answers about the product the shopper names, by the
//! words that tell its title apart (Home/Away/Third, seasons, "Player
//! Version", "Kids"); a colour in a title is an attribute of that product;
//! a browse shows every match, and follow-ups ("the second one", "in
//! black?", "how much?") work over the whole list, in en/nl/id/zh.
//!
//! The store is a small football-shirt shop written as a Shopify export and
//! imported into a real snapshot (SQLite + Tantivy) in a temp dir.

use std::fmt::Write as _;

use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, ImportOptions, Snapshot};
use kiosk_core::Lang;
use kiosk_core::assistant::{Assistant, AssistantConfig, Clock, Intent, Reply, Session, TurnInput};

/// One product: handle, title, vendor, type, tags, price, and per size the
/// quantity in stock.
struct Row {
    handle: &'static str,
    title: &'static str,
    vendor: &'static str,
    kind: &'static str,
    price: &'static str,
    sizes: &'static [(&'static str, u32)],
}

const RETRO: [(&str, &str); 17] = [
    ("retro-brazil-1970", "Brazil 1970 Retro Jersey"),
    ("retro-netherlands-1988", "Netherlands 1988 Retro Jersey"),
    ("retro-ac-milan-1989", "AC Milan 1989-90 Retro Jersey"),
    ("retro-argentina-1986", "Argentina 1986 Retro Jersey"),
    ("retro-england-1966", "England 1966 Retro Jersey"),
    ("retro-france-1998", "France 1998 Retro Jersey"),
    ("retro-germany-1990", "Germany 1990 Retro Jersey"),
    ("retro-italy-1982", "Italy 1982 Retro Jersey"),
    ("retro-ajax-1995", "Ajax 1994-95 Retro Jersey"),
    ("retro-barcelona-1992", "Barcelona 1991-92 Retro Jersey"),
    ("retro-liverpool-1984", "Liverpool 1983-84 Retro Jersey"),
    ("retro-celtic-1967", "Celtic 1966-67 Retro Jersey"),
    ("retro-napoli-1987", "Napoli 1986-87 Retro Jersey"),
    ("retro-spain-2010", "Spain 2010 Retro Jersey"),
    ("retro-mexico-1986", "Mexico 1986 Retro Jersey"),
    ("retro-japan-1998", "Japan 1998 Retro Jersey"),
    ("retro-nigeria-1994", "Nigeria 1994 Retro Jersey"),
];

const SHIRTS: &[Row] = &[
    Row {
        handle: "arsenal-home-2025-26",
        title: "Arsenal Home Jersey 2025-26",
        vendor: "Adidas",
        kind: "Football Shirts",
        price: "89.95",
        sizes: &[("S", 4), ("M", 6), ("L", 3)],
    },
    Row {
        handle: "arsenal-away-2025-26",
        title: "Arsenal Away Full Sleeves Jersey 2025-26",
        vendor: "Adidas",
        kind: "Football Shirts",
        price: "94.95",
        sizes: &[("S", 2), ("M", 5), ("L", 1)],
    },
    Row {
        handle: "arsenal-third-2025-26",
        title: "Arsenal Third Jersey 2025-26",
        vendor: "Adidas",
        kind: "Football Shirts",
        price: "89.95",
        sizes: &[("S", 3), ("M", 0), ("L", 2)],
    },
    Row {
        handle: "bayern-home-2024-25",
        title: "Bayern Munich Home Jersey 2024-25",
        vendor: "Adidas",
        kind: "Football Shirts",
        price: "59.95",
        sizes: &[("M", 0), ("L", 0), ("XL", 0)],
    },
    Row {
        handle: "bayern-home-2025-26",
        title: "Bayern Munich Home Jersey 2025-26",
        vendor: "Adidas",
        kind: "Football Shirts",
        price: "89.95",
        sizes: &[("M", 40), ("L", 96), ("XL", 12)],
    },
    Row {
        handle: "bayern-away-2025-26",
        title: "Bayern Munich Away Jersey 2025-26",
        vendor: "Adidas",
        kind: "Football Shirts",
        price: "89.95",
        sizes: &[("M", 8), ("L", 7)],
    },
    Row {
        handle: "real-madrid-home-2025-26",
        title: "Real Madrid Home Jersey 2025-26",
        vendor: "Adidas",
        kind: "Football Shirts",
        price: "89.95",
        sizes: &[("M", 5), ("L", 5)],
    },
    Row {
        handle: "real-madrid-home-2025-26-player",
        title: "Real Madrid Home Jersey 2025-26 Player Version",
        vendor: "Adidas",
        kind: "Football Shirts",
        price: "139.95",
        sizes: &[("M", 0), ("L", 2)],
    },
    Row {
        handle: "real-madrid-home-2025-26-kids",
        title: "Real Madrid Home Jersey 2025-26 Kids",
        vendor: "Adidas",
        kind: "Football Shirts",
        price: "64.95",
        sizes: &[("M", 3), ("L", 0)],
    },
    Row {
        handle: "man-utd-black-varsity-jacket",
        title: "Manchester United Black Varsity Jacket 2025-26",
        vendor: "Adidas",
        kind: "Jackets",
        price: "119.95",
        sizes: &[("M", 2), ("L", 4), ("XL", 3)],
    },
    Row {
        handle: "man-utd-training-jacket",
        title: "Manchester United Training Jacket 2025-26",
        vendor: "Adidas",
        kind: "Jackets",
        price: "79.95",
        sizes: &[("M", 2), ("L", 4), ("XL", 3)],
    },
];

fn store_csv() -> String {
    let mut csv = String::from(
        "Handle,Title,Body (HTML),Vendor,Type,Tags,Option1 Name,Option1 Value,\
         Variant SKU,Variant Inventory Qty,Variant Price\n",
    );
    let mut add = |row: &Row| {
        for (i, (size, qty)) in row.sizes.iter().enumerate() {
            let (title, vendor, kind) = if i == 0 {
                (row.title, row.vendor, row.kind)
            } else {
                ("", "", "")
            };
            writeln!(
                csv,
                "{h},{title},,{vendor},{kind},,Size,{size},{h}-{s},{qty},{p}",
                h = row.handle,
                s = size.to_lowercase(),
                p = row.price
            )
            .expect("write to a string");
        }
    };
    for row in SHIRTS {
        add(row);
    }
    for (handle, title) in RETRO {
        add(&Row {
            handle,
            title,
            vendor: "Score Draw",
            kind: "Retro Shirts",
            price: "49.95",
            sizes: &[("M", 3), ("L", 2)],
        });
    }
    csv
}

struct Store {
    _dir: tempfile::TempDir,
    snap: Snapshot,
}

fn store() -> Store {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = dir.path().join("products_export.csv");
    std::fs::write(&export, store_csv()).expect("write export");
    let data = DataDir::new(dir.path().join("data"));
    import::import(&data, &ImportOptions::new(export), &mut NoProgress).expect("import");
    let snap = Snapshot::open(&data).expect("open");
    Store { _dir: dir, snap }
}

fn ask(store: &Store, session: &mut Session, text: &str, lang: Lang) -> Reply {
    let config = AssistantConfig::default();
    let assistant = Assistant::new(&store.snap, &store.snap, &config);
    let clock = Clock::utc(store.snap.info().stock_as_of);
    assistant
        .turn(
            session,
            &TurnInput {
                text: text.to_string(),
                lang: Some(lang),
            },
            clock,
        )
        .expect("turn")
}

fn ids(reply: &Reply) -> Vec<&str> {
    reply.products.iter().map(|p| p.id.as_str()).collect()
}

/// Asks in a fresh session; the first product must be `expected`, the
/// answer must name it exactly as the catalog does, and its first sentence
/// (about that product; similar products in stock may follow by name and
/// price) must not contain any of `never`.
fn check(store: &Store, text: &str, lang: Lang, expected: &str, never: &[&str]) {
    let mut session = Session::default();
    let reply = ask(store, &mut session, text, lang);
    let title = SHIRTS
        .iter()
        .find(|r| r.handle == expected)
        .map(|r| r.title)
        .expect("a known product");
    assert_eq!(
        ids(&reply).first().copied(),
        Some(expected),
        "{text:?}: {}",
        reply.answer
    );
    assert!(
        reply.answer.contains(title),
        "{text:?} does not name {title}: {}",
        reply.answer
    );
    let first = reply.answer.split(['.', '。']).next().unwrap_or_default();
    for word in never {
        assert!(
            !first.contains(word),
            "{text:?} says {word:?}: {}",
            reply.answer
        );
    }
}

#[test]
fn the_third_shirt_is_answered_about_not_the_away_one() {
    let store = store();
    for (text, lang) in [
        ("Do you have the Arsenal Third shirt in size M?", Lang::En),
        ("Hebben jullie het Arsenal Third shirt in maat M?", Lang::Nl),
        ("Ada Arsenal Third jersey ukuran M?", Lang::Id),
        ("Arsenal Third 球衣有M號嗎？", Lang::Zh),
    ] {
        check(
            &store,
            text,
            lang,
            "arsenal-third-2025-26",
            &["Away", "Home"],
        );
    }
}

#[test]
fn third_in_a_name_is_not_the_third_product_shown() {
    let store = store();
    let mut session = Session::default();
    let list = ask(&store, &mut session, "show me retro jerseys", Lang::En);
    assert!(list.products.len() > 3, "{}", list.answer);
    let reply = ask(
        &store,
        &mut session,
        "Do you have the Arsenal Third shirt in size M?",
        Lang::En,
    );
    assert_eq!(
        ids(&reply).first().copied(),
        Some("arsenal-third-2025-26"),
        "{}",
        reply.answer
    );
}

#[test]
fn a_season_names_its_own_shirt_in_every_spelling() {
    let store = store();
    for (text, lang) in [
        (
            "Is the 24-25 Bayern home shirt in stock in size L?",
            Lang::En,
        ),
        ("Bayern home shirt 2024/25 in size L?", Lang::En),
        ("Is het Bayern thuisshirt 24/25 er nog in maat L?", Lang::Nl),
        ("Ada jersey Bayern home 2024-25 ukuran L?", Lang::Id),
        ("Bayern home 24-25 球衣有L號嗎？", Lang::Zh),
    ] {
        check(
            &store,
            text,
            lang,
            "bayern-home-2024-25",
            &["96", "2025-26"],
        );
    }
    check(
        &store,
        "Is the Bayern home shirt 2025-26 in stock in size L?",
        Lang::En,
        "bayern-home-2025-26",
        &["2024-25"],
    );
}

#[test]
fn player_version_and_kids_are_told_apart() {
    let store = store();
    check(
        &store,
        "How much is the Real Madrid home shirt player version?",
        Lang::En,
        "real-madrid-home-2025-26-player",
        &["Kids"],
    );
    check(
        &store,
        "Do you have the Real Madrid home jersey for kids in M?",
        Lang::En,
        "real-madrid-home-2025-26-kids",
        &["Player"],
    );
}

#[test]
fn products_that_fit_equally_are_shown_and_the_kiosk_asks_which() {
    let store = store();
    for (text, lang, which) in [
        (
            "Is the Bayern home shirt in stock in size L?",
            Lang::En,
            "Which",
        ),
        ("Heb je het Bayern home shirt in maat L?", Lang::Nl, "Welk"),
        ("Ada jersey Bayern home ukuran L?", Lang::Id, "mana"),
        ("Bayern home 球衣有L號嗎？", Lang::Zh, "哪"),
    ] {
        let mut session = Session::default();
        let reply = ask(&store, &mut session, text, lang);
        let mut shown = ids(&reply);
        shown.sort_unstable();
        assert_eq!(
            shown,
            ["bayern-home-2024-25", "bayern-home-2025-26"],
            "{text:?}: {}",
            reply.answer
        );
        assert!(reply.answer.contains(which), "{text:?}: {}", reply.answer);
        // No stock is stated for either until the shopper chooses.
        assert!(!reply.answer.contains("96"), "{text:?}: {}", reply.answer);
        let second = ask(&store, &mut session, "the second one", Lang::En);
        assert_eq!(
            ids(&second).first().copied(),
            Some(reply.products[1].id.as_str()),
            "{}",
            second.answer
        );
    }
}

#[test]
fn a_colour_in_the_title_is_the_products_colour() {
    let store = store();
    check(
        &store,
        "Do you have the Manchester United black varsity jacket in XL?",
        Lang::En,
        "man-utd-black-varsity-jacket",
        &["doesn't come in", "Nothing matched"],
    );
    let mut session = Session::default();
    let reply = ask(&store, &mut session, "black jackets", Lang::En);
    assert!(
        ids(&reply).contains(&"man-utd-black-varsity-jacket"),
        "{}",
        reply.answer
    );
    assert!(
        !ids(&reply).contains(&"man-utd-training-jacket"),
        "{}",
        reply.answer
    );
    // "In black?" over a list keeps the product whose title says black.
    for (follow_up, lang) in [
        ("in black?", Lang::En),
        ("in het zwart?", Lang::Nl),
        ("yang hitam?", Lang::Id),
        ("黑色的呢？", Lang::Zh),
    ] {
        let mut session = Session::default();
        let list = ask(&store, &mut session, "show me jackets", Lang::En);
        assert_eq!(list.products.len(), 2, "{}", list.answer);
        let reply = ask(&store, &mut session, follow_up, lang);
        assert_eq!(
            ids(&reply),
            ["man-utd-black-varsity-jacket"],
            "{follow_up:?}: {}",
            reply.answer
        );
    }
    let mut session = Session::default();
    let reply = ask(&store, &mut session, "zwarte jassen in maat XL", Lang::Nl);
    assert_eq!(
        ids(&reply).first().copied(),
        Some("man-utd-black-varsity-jacket"),
        "{}",
        reply.answer
    );
}

#[test]
fn a_browse_shows_every_match_and_follow_ups_work_over_the_list() {
    let store = store();
    for (browse, second, lang) in [
        ("show me retro jerseys", "the second one", Lang::En),
        ("laat retro jerseys zien", "de tweede", Lang::Nl),
        ("tunjukkan jersey retro", "yang kedua", Lang::Id),
        ("有 retro jersey 嗎？", "第二個", Lang::Zh),
    ] {
        let mut session = Session::default();
        let list = ask(&store, &mut session, browse, lang);
        assert_eq!(
            list.products.len(),
            RETRO.len(),
            "{browse:?}: {}",
            list.answer
        );
        assert!(
            matches!(list.intent, Intent::Search | Intent::Availability),
            "{browse:?}: {:?}",
            list.intent
        );
        let reply = ask(&store, &mut session, second, lang);
        let expected = list.products[1].id.as_str();
        assert_eq!(
            ids(&reply).first().copied(),
            Some(expected),
            "{second:?}: {}",
            reply.answer
        );
        assert!(
            reply.answer.contains(&list.products[1].title),
            "{second:?}: {}",
            reply.answer
        );
    }
    // "How much?" prices the whole list; "that one" is the first shown;
    // the last of seventeen is reachable.
    for (how_much, that_one, lang) in [
        ("how much are those?", "that one", Lang::En),
        ("hoeveel kosten ze?", "die ene", Lang::Nl),
        ("berapa harganya?", "yang itu", Lang::Id),
        ("這些多少錢？", "那個", Lang::Zh),
    ] {
        let mut session = Session::default();
        let list = ask(&store, &mut session, "show me retro jerseys", Lang::En);
        let reply = ask(&store, &mut session, how_much, lang);
        assert!(
            reply.answer.contains("49") && reply.answer.contains("17"),
            "{how_much:?}: {}",
            reply.answer
        );
        assert_eq!(reply.products.len(), RETRO.len(), "{how_much:?}");
        let reply = ask(&store, &mut session, that_one, lang);
        assert_eq!(
            ids(&reply).first().copied(),
            Some(list.products[0].id.as_str()),
            "{that_one:?}: {}",
            reply.answer
        );
    }
    let mut session = Session::default();
    let list = ask(&store, &mut session, "show me retro jerseys", Lang::En);
    let reply = ask(&store, &mut session, "the last one", Lang::En);
    assert_eq!(
        ids(&reply).first().copied(),
        list.products.last().map(|p| p.id.as_str()),
        "{}",
        reply.answer
    );
}
