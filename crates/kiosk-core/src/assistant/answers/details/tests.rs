use crate::assistant::test_store::{TestStore, outdoor_concepts, product};
use crate::assistant::{Intent, Session};
use crate::{Lang, ProductRecord};

/// Two products of the demo store with their descriptions as the catalog
/// has them, and the vocabulary's rows for waterproof and leather.
fn outdoor_shop() -> TestStore {
    let with = |mut r: ProductRecord, description: &str| {
        r.product.description = description.to_string();
        r
    };
    TestStore::new(vec![
        with(
            product(
                "ridgeline-summit",
                "Ridgeline Summit Mid Men's Hiking Boot",
                "Hiking Boots",
                "189.95",
                &[("42", None, 3), ("43", None, 0)],
            ),
            "Comfortable boot for day hikes, made with a waterproof nubuck leather upper and a shock-absorbing midsole. A rubber toe bumper protects against rocks.",
        ),
        with(
            product(
                "velora-stride",
                "Velora Stride 3 Men's Running Shoe",
                "Running Shoes",
                "144.95",
                &[("42", None, 2)],
            ),
            "Neutral road running shoe with an engineered mesh upper made from recycled polyester and a soft foam midsole for easy daily miles. Reflective details keep you visible on dark winter evenings.",
        ),
    ])
    .with_concepts(outdoor_concepts())
}

fn focused(id: &str) -> Session {
    Session {
        focus: Some(id.to_string()),
        ..Session::default()
    }
}

const WATERPROOF_SENTENCE: &str = "Comfortable boot for day hikes, made with a waterproof nubuck leather upper and a shock-absorbing midsole.";

#[test]
fn is_it_waterproof_quotes_the_description_in_four_languages() {
    let store = outdoor_shop();
    for (lang, question, opening) in [
        (Lang::En, "is it waterproof?", "the description says"),
        (Lang::Nl, "is het waterdicht?", "staat in de beschrijving"),
        (
            Lang::Id,
            "apakah ini tahan air?",
            "deskripsinya menyebutkan",
        ),
        (Lang::Zh, "這件防水嗎?", "商品說明寫道"),
    ] {
        let reply = store.ask(&mut focused("ridgeline-summit"), question, lang);
        assert_eq!(
            reply.intent,
            Intent::ProductInfo,
            "{question}: {}",
            reply.answer
        );
        assert_eq!(reply.language, lang, "{question}");
        // The sentence as the catalog wrote it, in the shopper's template.
        assert!(
            reply.answer.contains(WATERPROOF_SENTENCE) && reply.answer.contains(opening),
            "{question}: {}",
            reply.answer
        );
        assert!(!reply.answer.contains("toe bumper"), "{}", reply.answer);
        assert_eq!(reply.products.len(), 1);
        assert_eq!(reply.products[0].id, "ridgeline-summit");
        assert!(!reply.escalate);
    }
}

#[test]
fn what_is_it_made_of_quotes_the_sentence_naming_the_material() {
    let store = outdoor_shop();
    for (lang, question) in [
        (Lang::En, "what is it made of?"),
        (Lang::Nl, "waar is hij van gemaakt?"),
        (Lang::Id, "bahannya apa?"),
        (Lang::Zh, "這雙是什麼材質?"),
    ] {
        let reply = store.ask(&mut focused("velora-stride"), question, lang);
        assert_eq!(
            reply.intent,
            Intent::ProductInfo,
            "{question}: {}",
            reply.answer
        );
        assert!(
            reply.answer.contains("made from recycled polyester"),
            "{question}: {}",
            reply.answer
        );
        assert!(!reply.answer.contains("Reflective"), "{}", reply.answer);
    }
}

#[test]
fn a_question_the_description_does_not_answer_offers_staff() {
    let store = outdoor_shop();
    for (lang, question) in [
        (Lang::En, "is it waterproof?"),
        (Lang::Nl, "is het waterdicht?"),
        (Lang::Id, "apakah ini tahan air?"),
        (Lang::Zh, "這雙防水嗎?"),
    ] {
        let mut session = focused("velora-stride");
        let reply = store.ask(&mut session, question, lang);
        assert_eq!(
            reply.intent,
            Intent::ProductInfo,
            "{question}: {}",
            reply.answer
        );
        // Nothing is claimed: no sentence of the description is quoted.
        for sentence in ["Neutral road running shoe", "Reflective details"] {
            assert!(!reply.answer.contains(sentence), "{}", reply.answer);
        }
        assert!(!reply.resolved);
        assert!(
            reply.actions.iter().any(|a| matches!(
                a,
                crate::assistant::Action::CallStaff {
                    status: crate::assistant::ActionStatus::Offered,
                    ..
                }
            )),
            "{question}: {:?}",
            reply.actions
        );
        // "Yes" then calls staff.
        let yes = store.ask(&mut session, "yes", Lang::En);
        assert!(yes.escalate, "{}", yes.answer);
    }
}

#[test]
fn a_named_product_is_asked_about_without_a_focus() {
    let store = outdoor_shop();
    let reply = store.ask(
        &mut Session::default(),
        "is the Ridgeline Summit waterproof?",
        Lang::En,
    );
    assert_eq!(reply.intent, Intent::ProductInfo, "{}", reply.answer);
    assert!(
        reply.answer.contains(WATERPROOF_SENTENCE),
        "{}",
        reply.answer
    );
}

#[test]
fn stock_and_price_questions_about_it_are_not_description_questions() {
    let store = outdoor_shop();
    for (question, intent) in [
        ("is it in stock?", Intent::Availability),
        ("how much is it?", Intent::Price),
        ("do you have it in 42?", Intent::Availability),
    ] {
        let reply = store.ask(&mut focused("ridgeline-summit"), question, Lang::En);
        assert_eq!(reply.intent, intent, "{question}: {}", reply.answer);
    }
}
