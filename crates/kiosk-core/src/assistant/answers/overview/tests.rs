use super::overview_categories;
use crate::Lang;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Intent, Session};

#[test]
fn what_do_you_have_gives_the_stores_categories_with_chips() {
    let store = football_shop();
    for (text, lang, opening) in [
        ("what do you have?", Lang::En, "We have"),
        ("wat hebben jullie?", Lang::Nl, "We hebben"),
        ("ada apa saja?", Lang::Id, "Kami punya"),
        ("你們有什麼?", Lang::Zh, "本店有"),
    ] {
        let reply = store.ask(&mut Session::default(), text, lang);
        assert_eq!(reply.intent, Intent::Search, "{text}: {}", reply.answer);
        assert!(
            reply.answer.starts_with(opening),
            "{text}: {}",
            reply.answer
        );
        for category in ["Football Shirts", "Jackets", "Training"] {
            assert!(reply.answer.contains(category), "{text}: {}", reply.answer);
            assert!(
                reply.quick_replies.iter().any(|c| c.text == category),
                "{text}: no chip for {category}"
            );
        }
    }
    // A chip browses its category.
    let mut session = Session::default();
    let reply = store.ask(&mut session, "Jackets", Lang::En);
    assert_eq!(reply.products.len(), 2, "{}", reply.answer);
}

#[test]
fn what_do_you_have_with_more_words_is_a_search() {
    let store = football_shop();
    let reply = store.ask(
        &mut Session::default(),
        "what do you have in black?",
        Lang::En,
    );
    assert_ne!(
        reply.answer.split(' ').next(),
        Some("We"),
        "{}",
        reply.answer
    );
    let reply = store.ask(
        &mut Session::default(),
        "what do you have from Arsenal?",
        Lang::En,
    );
    assert!(
        reply.answer.contains("Arsenal") || !reply.products.is_empty(),
        "{}",
        reply.answer
    );
    assert!(!reply.answer.starts_with("We have"), "{}", reply.answer);
}

#[test]
fn an_overview_names_the_biggest_categories_by_their_own_names() {
    let categories = vec![
        ("Apparel > Tops > T-Shirts".to_string(), 3),
        ("Shoes".to_string(), 9),
        ("Kids / T-shirts".to_string(), 2),
        (String::new(), 4),
        ("Gifts".to_string(), 1),
    ];
    assert_eq!(
        overview_categories(&categories, 2),
        ["Shoes", "T-Shirts"],
        "T-shirts counted once, over both paths"
    );
    assert_eq!(overview_categories(&categories, 9).len(), 3);
    assert!(overview_categories(&[], 6).is_empty());
}

// A garden store files its pots under "Concrete Pot" and "Concrete Pots":
// "We have Concrete Pot, Concrete Tray, Concrete Pots and Pond" named one
// kind twice.
#[test]
fn categories_that_differ_by_a_plural_are_named_once() {
    let categories = vec![
        ("Concrete Pot".to_string(), 30),
        ("Concrete Tray".to_string(), 4),
        ("Concrete Pots".to_string(), 12),
        ("Pond".to_string(), 1),
    ];
    assert_eq!(
        overview_categories(&categories, 6),
        ["Concrete Pot", "Concrete Tray", "Pond"]
    );
}
