use crate::Lang;
use crate::assistant::phrasebook::say;
use crate::assistant::test_store::football_shop;
use crate::assistant::{Action, ActionStatus, Intent, Session};

#[test]
fn notify_me_asks_for_a_contact_then_joins_the_waitlist() {
    let store = football_shop();
    let mut session = Session::default();
    let out = store.ask(&mut session, "Arsenal third shirt in M?", Lang::En);
    assert!(out.answer.contains("out of stock"), "{}", out.answer);
    let ask = store.ask(&mut session, "notify me when it's back", Lang::En);
    assert_eq!(ask.intent, Intent::Waitlist, "{}", ask.answer);
    let joined = store.ask(&mut session, "my email is fan@example.com", Lang::En);
    assert!(
        joined.actions.iter().any(|a| matches!(a,
            Action::JoinWaitlist { status: ActionStatus::Done, product_id, contact: Some(_), .. }
                if product_id == "arsenal-third")),
        "{}: {:?}",
        joined.answer,
        joined.actions
    );
    assert!(
        !joined.answer.contains("fan@example.com"),
        "{}",
        joined.answer
    );
}

#[test]
fn the_contact_comes_with_a_record_of_the_consent_shown_and_given() {
    let store = football_shop();
    for lang in [Lang::En, Lang::Nl, Lang::Id, Lang::Zh] {
        let mut session = Session::default();
        let out = store.ask(&mut session, "Arsenal third shirt in M?", lang);
        // The shopper taps the "Notify me" quick reply.
        let label = say(lang, "chip_notify", &[]);
        let chip = out
            .quick_replies
            .iter()
            .find(|c| c.label == label)
            .unwrap_or_else(|| panic!("{lang:?}: no {label:?} in {:?}", out.quick_replies));
        let ask_text = chip.text.clone();
        let contact_text = "fan@example.com";
        let ask = store.ask(&mut session, &ask_text, lang);
        assert_eq!(ask.intent, Intent::Waitlist, "{lang:?}: {}", ask.answer);
        let joined = store.ask(&mut session, contact_text, lang);
        let consent = joined
            .actions
            .iter()
            .find_map(|a| match a {
                Action::JoinWaitlist {
                    status: ActionStatus::Done,
                    consent,
                    ..
                } => consent.clone(),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{lang:?}: no consent in {:?}", joined.actions));
        // Word for word what the asking turn showed, in its language.
        assert_eq!(consent.shown, ask.answer, "{lang:?}");
        assert_eq!(consent.language, lang);
        assert_eq!(consent.requested, ask_text, "{lang:?}");
        // The answer is recorded without the contact in it.
        assert!(!consent.answer.contains("fan@example.com"), "{consent:?}");
        assert!(!consent.answer.is_empty());
        assert!(consent.answered_at >= consent.shown_at);
    }
}

#[test]
fn a_retyped_contact_keeps_the_first_question_as_the_one_agreed_to() {
    let store = football_shop();
    let mut session = Session::default();
    store.ask(&mut session, "Arsenal third shirt in M?", Lang::En);
    let ask = store.ask(&mut session, "notify me when it's back", Lang::En);
    let again = store.ask(&mut session, "yes", Lang::En);
    assert_ne!(again.answer, ask.answer);
    let joined = store.ask(&mut session, "fan@example.com", Lang::En);
    let shown = joined.actions.iter().find_map(|a| match a {
        Action::JoinWaitlist {
            consent: Some(c), ..
        } => Some(c.shown.clone()),
        _ => None,
    });
    assert_eq!(shown.as_deref(), Some(ask.answer.as_str()));
}
