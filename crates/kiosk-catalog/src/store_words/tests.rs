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
