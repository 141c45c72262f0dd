use std::sync::Arc;

use super::*;

#[test]
fn the_example_set_covers_every_intent_in_every_language() {
    let examples = examples();
    let intents = [
        Intent::Availability,
        Intent::Price,
        Intent::Location,
        Intent::Recommend,
        Intent::Compare,
        Intent::StoreInfo,
        Intent::Returns,
        Intent::OrderStatus,
        Intent::Waitlist,
        Intent::ProductInfo,
        Intent::Human,
        Intent::Greeting,
        Intent::OutOfScope,
    ];
    for intent in intents {
        for lang in Lang::ALL {
            let n = examples
                .iter()
                .filter(|e| e.intent == intent && e.lang == lang)
                .count();
            assert!(n >= 8, "{intent:?} in {lang:?}: {n} examples");
        }
    }
    // A search is labelled as availability: no example says Search.
    assert!(examples.iter().all(|e| e.intent != Intent::Search));
}

#[test]
fn a_malformed_set_is_an_error_naming_the_place() {
    let check = |source: &str, expected: &str| {
        let err = parse(source).expect_err(source);
        assert!(err.contains(expected), "{source:?}: {err}");
    };
    check("[haggle]\nen = [\"less?\"]", "[haggle]");
    check("[price]\nfr = [\"combien\"]", "fr");
    check("[price]\nen = [\"\"]", "non-empty");
    check("[price]\nen = \"how much\"", "array");
    check("price = 1", "table");
    check("[price\n", "");
    let ok = parse("[search]\nen = [\"a lamp\"]\n[price]\nzh = [\"多少錢\"]").expect("valid");
    assert_eq!(ok.len(), 2);
    // A search is labelled availability.
    assert!(
        ok.iter()
            .any(|e| e.intent == Intent::Availability && e.lang == Lang::En)
    );
    assert!(
        ok.iter()
            .any(|e| e.intent == Intent::Price && e.lang == Lang::Zh)
    );
}

/// Stands where the model would, for the voting arithmetic alone: the
/// vectors are given, nothing is embedded.
struct NoModel;

impl TextEncoder for NoModel {
    fn query_vectors(&self, _: &[&str]) -> Result<Vec<Vec<f32>>, BackendError> {
        Err(BackendError::msg("no model in this test"))
    }
}

fn set(examples: &[(Intent, [f32; 2])]) -> IntentExamples {
    IntentExamples {
        encoder: Arc::new(NoModel),
        intents: examples.iter().map(|(i, _)| *i).collect(),
        vectors: examples.iter().map(|(_, v)| v.to_vec()).collect(),
        k: 3,
    }
}

#[test]
fn the_nearest_examples_vote_and_a_tie_goes_to_the_nearest() {
    let examples = set(&[
        (Intent::Price, [1.0, 0.0]),
        (Intent::Location, [0.9, 0.1]),
        (Intent::Location, [0.8, 0.2]),
        (Intent::Greeting, [0.0, 1.0]),
    ]);
    // Three nearest: price, location, location.
    let guess = examples.guess_vector(&[1.0, 0.0]).expect("a guess");
    assert_eq!(guess.intent, Intent::Location);
    assert!((guess.share - 2.0 / 3.0).abs() < 1e-6);
    assert!((guess.similarity - 0.9).abs() < 1e-6);
    // The nearest alone.
    let guess = examples.nearest(&[1.0, 0.0], 1).expect("a guess");
    assert_eq!((guess.intent, guess.share), (Intent::Price, 1.0));
    // Two nearest, one vote each: the nearer example's intent.
    let guess = examples.nearest(&[0.0, 1.0], 2).expect("a guess");
    assert_eq!(guess.intent, Intent::Greeting);
    assert!((guess.share - 0.5).abs() < 1e-6);
}

#[test]
fn no_examples_or_no_text_guess_nothing_and_the_model_is_not_asked() {
    let empty = set(&[]);
    assert_eq!(empty.guess_vector(&[1.0, 0.0]), None);
    assert!(empty.guess("how much").expect("no model needed").is_none());
    let some = set(&[(Intent::Price, [1.0, 0.0])]);
    assert!(some.guess("  ").expect("no model needed").is_none());
    // A text is embedded: the model's failure is the caller's to handle.
    assert!(some.guess("how much").is_err());
}

#[test]
fn gibberish_holds_no_word_the_kiosk_knows() {
    let check = |text: &str, expected: bool| {
        assert_eq!(
            knows_a_word(&Reading::default(), text),
            expected,
            "{text:?}"
        );
    };
    check("vrmm plikt zorbak", false);
    check("grmbl vrtzik snorp", false);
    check("嘟嘟啪啦砰砰", false);
    check("I'd like help from a person", true);
    check("saya butuh bantuan manusia", true);
    check("有貨的時候跟我說一聲", true);
}
