use std::collections::HashSet;

use super::*;

fn terms(text: &str) -> Vec<String> {
    let mut set = HashSet::new();
    terms_of(text, &mut set);
    let mut v: Vec<String> = set.into_iter().collect();
    v.sort();
    v
}

#[test]
fn words_and_adjacent_pairs_without_stop_words_or_numbers() {
    assert_eq!(
        terms("Chicken Wings 500g of the Farm"),
        vec!["chicken", "chicken wings", "farm", "wings"]
    );
}

#[test]
fn a_cjk_run_is_one_word() {
    assert_eq!(terms("澳洲牛肉 Beef"), vec!["beef", "澳洲牛肉"]);
}

#[test]
fn punctuation_breaks_a_phrase() {
    assert_eq!(terms("Beef, Lamb"), vec!["beef", "lamb"]);
}

#[test]
fn vocabulary_counts_products_and_keeps_frequent_phrases() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE products (title TEXT, category TEXT, tags TEXT);
         CREATE TABLE variants (product_rowid INTEGER, options TEXT);
         INSERT INTO products VALUES ('Chicken Wings', 'Poultry', 'frozen;halal');
         INSERT INTO products VALUES ('Chicken Wings Spicy', NULL, '');
         INSERT INTO products VALUES ('Beef Ribeye', 'Beef', 'frozen');
         INSERT INTO variants VALUES (3, '{\"Weight\":\"Half kilo\"}');",
    )
    .unwrap();
    let words = vocabulary(&conn).unwrap();
    let df = |w: &str| words.iter().find(|(x, _)| x == w).map(|(_, n)| *n);
    assert_eq!(df("chicken"), Some(2));
    assert_eq!(df("chicken wings"), Some(2));
    // A category repeating the title's word counts the product once.
    assert_eq!(df("beef"), Some(1));
    assert_eq!(df("frozen"), Some(2));
    assert_eq!(df("half kilo"), None, "a phrase one product has");
    assert_eq!(df("kilo"), Some(1));
    assert_eq!(df("beef ribeye"), None);
    // Most frequent first, single words before phrases.
    assert_eq!(words[0].1, 2);
    assert!(!words[0].0.contains(' '));
}

#[test]
fn an_inflection_is_the_same_word() {
    assert!(same_word("pot", "pots"));
    assert!(same_word("mangas", "manga"));
    assert!(same_word("beef", "beef"));
    // Too short to tell, too long an ending, or not the same start.
    assert!(!same_word("se", "sea"));
    assert!(!same_word("bell", "bellini"));
    assert!(!same_word("chips", "chicken"));
    assert!(!same_word("牛肉", "牛肉湯"));
}

fn store_words(words: &[&str]) -> StoreWords {
    StoreWords {
        words: words.iter().map(|w| w.to_string()).collect(),
        phrases: words
            .iter()
            .filter(|w| w.contains(' '))
            .map(|w| w.to_string())
            .collect(),
        vectors: VectorIndex::from_parts(1, "test".to_string(), Vec::new(), Vec::new()),
    }
}

// Issue 14: "花盆" was nearest `pots` and `pot` alike, and "rundvlees"
// `ribeye` and `beef`: read as two rival readings, no word was taken. An
// inflection, a shared word or a phrase of the store joining the two is one
// reading; words the store keeps apart stay rivals.
#[test]
fn words_the_store_joins_are_one_reading() {
    let words = store_words(&["beef", "ribeye", "beef ribeye", "chips", "chicken", "pot"]);
    assert!(words.same_evidence("pots", "pot"));
    assert!(words.same_evidence("beef", "ribeye"));
    assert!(words.same_evidence("ribeye", "beef"));
    assert!(words.same_evidence("beef short", "beef"));
    assert!(!words.same_evidence("chips", "chicken"));
    assert!(!words.same_evidence("chicken", "beef"));
}
