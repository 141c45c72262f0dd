//! The Generator on the real models: phrased answers in the four languages
//! that pass the core's grounding verifier, sensible choices, and `None`
//! (never a panic) when cancelled or out of time.

use std::sync::OnceLock;
use std::time::Duration;

use kiosk_core::assistant::generator::{Choice, FactSheet, Generator};
use kiosk_core::assistant::verifier::verify;
use kiosk_core::{Lang, Lexicon};

use super::{GeneratorSettings, LlmGenerator};
use crate::models::ModelKind;
use crate::testutil::engine;

fn generator(kind: ModelKind) -> &'static LlmGenerator {
    static GEMMA: OnceLock<LlmGenerator> = OnceLock::new();
    static SMOL: OnceLock<LlmGenerator> = OnceLock::new();
    let cell = match kind {
        ModelKind::Gemma => &GEMMA,
        ModelKind::Smollm2 => &SMOL,
    };
    // Generous budgets: tests never depend on the machine's speed.
    let settings = GeneratorSettings {
        phrase_budget: Duration::from_secs(120),
        choose_budget: Duration::from_secs(120),
        ..GeneratorSettings::default()
    };
    cell.get_or_init(|| LlmGenerator::new(engine(kind, 2), settings).expect("prefixes"))
}

fn sheet(lang: Lang) -> FactSheet {
    let (template, location) = match lang {
        Lang::En => (
            "Velora Stride 3 Running Shoe (EUR 89.95) is in stock in size 42, black. You'll find it in aisle 4.",
            "aisle 4",
        ),
        Lang::Nl => (
            "Velora Stride 3 Running Shoe (EUR 89.95) is op voorraad in maat 42, zwart. Je vindt hem in gang 4.",
            "gang 4",
        ),
        Lang::Id => (
            "Velora Stride 3 Running Shoe (EUR 89.95) tersedia di ukuran 42, hitam. Ada di lorong 4.",
            "lorong 4",
        ),
        Lang::Zh => (
            "Velora Stride 3 Running Shoe（EUR 89.95）42 號黑色有現貨，在第 4 走道。",
            "第 4 走道",
        ),
    };
    FactSheet {
        template: template.to_string(),
        facts: vec![format!(
            "Velora Stride 3 Running Shoe | EUR 89.95 | {location} | 42, black: 3 in stock; 43, black: out of stock"
        )],
    }
}

const INTENTS: [&str; 6] = super::EXAMPLE_INTENTS;

#[test]
fn phrased_answers_in_four_languages_pass_the_verifier() {
    for kind in ModelKind::ALL {
        let g = generator(kind);
        for lang in Lang::ALL {
            let s = sheet(lang);
            let mut streamed = String::new();
            let answer = g
                .phrase(&s, lang, &mut |t| streamed.push_str(t))
                .unwrap_or_else(|| panic!("{kind} {lang}: no answer"));
            assert!(
                streamed.starts_with(answer.trim_end()),
                "{kind} {lang}: streamed {streamed:?}, answer {answer:?}"
            );
            let violations = verify(
                &answer,
                &s,
                &Lexicon::new(vec![]),
                &["Velora".to_string()],
                lang,
            );
            assert!(
                violations.is_empty(),
                "{kind} {lang}: {answer:?} {violations:?}"
            );
            assert!(
                answer.contains("89.95"),
                "{kind} {lang}: {answer:?} lost the price"
            );
        }
    }
}

#[test]
fn phrasing_is_deterministic() {
    let g = generator(ModelKind::Smollm2);
    let s = sheet(Lang::En);
    assert_eq!(
        g.phrase(&s, Lang::En, &mut |_| {}),
        g.phrase(&s, Lang::En, &mut |_| {})
    );
}

#[test]
fn choices_are_probabilities_over_the_options() {
    for kind in ModelKind::ALL {
        let g = generator(kind);
        let choice = Choice {
            text: "where can I find the socks",
            lang: Lang::En,
            options: &INTENTS,
        };
        let probs = g.option_probabilities(&choice).expect("scores");
        assert_eq!(probs.len(), INTENTS.len());
        assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{probs:?}");
        let (idx, p) = g.choose(&choice).expect("chooses");
        assert_eq!(idx, 2, "{kind}: {probs:?}");
        assert!(p > 0.3, "{kind}: {probs:?}");
        assert!(
            g.choose(&Choice {
                options: &[],
                ..choice
            })
            .is_none()
        );
    }
}

#[test]
fn a_cancelled_answer_is_none() {
    let g = generator(ModelKind::Smollm2);
    let s = sheet(Lang::En);
    let mut n = 0;
    // The shopper asks something new while the answer streams.
    let answer = g.phrase(&s, Lang::En, &mut |_| {
        n += 1;
        g.cancel();
    });
    assert_eq!(answer, None);
    assert_eq!(n, 1);
    // The next call is not affected by the old cancellation.
    assert!(g.phrase(&s, Lang::En, &mut |_| {}).is_some());
}
