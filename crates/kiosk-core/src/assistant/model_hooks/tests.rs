use super::*;
use crate::assistant::AssistantConfig;
use crate::assistant::test_store::football_shop;

#[test]
fn only_complete_sentences_are_kept() {
    assert_eq!(
        complete_sentences("It is € 24.95. It is in aisle"),
        "It is € 24.95."
    );
    // A decimal point is not the end of a sentence.
    assert_eq!(
        complete_sentences("It costs EUR 24.95"),
        "It costs EUR 24.95"
    );
    assert_eq!(complete_sentences("有現貨。在"), "有現貨。");
    assert_eq!(complete_sentences("no end"), "no end");
}

#[test]
fn the_fact_sheet_holds_the_template_and_each_cards_facts() {
    let store = football_shop();
    let record = &store.records[2];
    let view = ProductView::new(record, Lang::En, 2);
    let sheet = fact_sheet(
        "Arsenal Third Jersey 2025-26 is out of stock in M.",
        &[view],
    );
    assert!(sheet.template.contains("out of stock"));
    assert_eq!(sheet.facts.len(), 1);
    let facts = &sheet.facts[0];
    assert!(
        facts.starts_with("Arsenal Third Jersey 2025-26 | EUR 89.95"),
        "{facts}"
    );
    assert!(facts.contains("Size M: out of stock"), "{facts}");
    assert!(facts.contains("Size L: 2 in stock"), "{facts}");
}

#[test]
fn without_a_model_the_template_is_the_answer() {
    let store = football_shop();
    let config = AssistantConfig::default();
    let assistant = Assistant::new(&store, &store, &config);
    let mut streamed = String::new();
    let (answer, phrasing) =
        assistant.phrase("Hello.", &[], Lang::En, &mut |t| streamed.push_str(t));
    assert_eq!(answer, "Hello.");
    assert!(phrasing.is_none() && streamed.is_empty());
}
