//! The assistant's `Generator`, backed by the engine.
//!
//! Two prompt prefixes are computed once at start-up ([`LlmGenerator::new`])
//! and reused for every turn:
//! - **choose**: the shopper's words and a closed list of options; each
//!   option is scored by its log-likelihood as the model's answer, minus its
//!   log-likelihood when the shopper said nothing (small models prefer some
//!   options whatever the question; the baseline is computed once per set of
//!   options), and the probabilities are a softmax over the options.
//!   Nothing is parsed from free text.
//! - **phrase**: a fact sheet and the template answer in; one or two short
//!   sentences in the shopper's language out, streamed. Worked examples in
//!   the prefix show the model to keep every name and number as given. The
//!   core's grounding verifier still checks every answer.
//!
//! Any failure (a timeout, a cancellation, an error, even a panic) gives
//! `None`, and the kiosk falls back to its template answer.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use kiosk_core::Lang;
use kiosk_core::assistant::generator::{Choice, FactSheet, Generator};

use crate::Result;
use crate::engine::{CancelToken, Engine, GenerateOptions, Generation, Sampling, StopReason};
use crate::template::Example;

const CHOOSE: &str = "choose";
const PHRASE: &str = "phrase";

/// Limits for the assistant's calls.
#[derive(Debug, Clone)]
pub struct GeneratorSettings {
    pub max_new_tokens: usize,
    /// Wall time for one phrased answer.
    pub phrase_budget: Duration,
    /// Wall time for one choice.
    pub choose_budget: Duration,
}

impl Default for GeneratorSettings {
    fn default() -> GeneratorSettings {
        GeneratorSettings {
            max_new_tokens: 80,
            phrase_budget: Duration::from_secs(4),
            choose_budget: Duration::from_secs(2),
        }
    }
}

/// The kiosk's language model behind the assistant's `Generator` trait.
pub struct LlmGenerator {
    engine: Mutex<Engine>,
    settings: GeneratorSettings,
    /// The token of the call in progress, so [`LlmGenerator::cancel`] can
    /// stop it from another thread.
    current: Mutex<CancelToken>,
    /// Each option set's log-likelihoods for an empty question.
    baselines: Mutex<HashMap<Vec<String>, Vec<f32>>>,
}

impl std::fmt::Debug for LlmGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmGenerator")
            .field("settings", &self.settings)
            .finish()
    }
}

const CHOOSE_SYSTEM: &str = "You sort what shoppers say to a shop's help kiosk. The shopper may write in English, Dutch, Indonesian or Chinese. Reply with the one option that fits best, copied exactly from the list.";

const PHRASE_SYSTEM: &str = "You write the replies of a shop's help kiosk. You get facts and a draft reply. Rewrite the draft as one or two short, friendly sentences in the language asked for. Keep every name, price, size, colour, number and place exactly as written. Never add anything that is not in the facts.";

/// The name we give each language in the phrase prompt.
fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::Nl => "Dutch (Nederlands)",
        Lang::Id => "Indonesian (Bahasa Indonesia)",
        Lang::Zh => "Traditional Chinese (繁體中文)",
    }
}

/// The user turn of a choice.
pub fn choose_turn(text: &str, options: &[&str]) -> String {
    let mut s = String::from("Options:\n");
    for o in options {
        s.push_str("- ");
        s.push_str(o);
        s.push('\n');
    }
    s.push_str(&format!("Shopper: \"{}\"", text.trim()));
    s
}

/// The user turn of a phrasing request.
pub fn phrase_turn(sheet: &FactSheet, lang: Lang) -> String {
    let mut s = format!("Language: {}\nFacts:\n", language_name(lang));
    if sheet.facts.is_empty() {
        s.push_str("- (only the draft)\n");
    }
    for f in &sheet.facts {
        s.push_str("- ");
        s.push_str(f.trim());
        s.push('\n');
    }
    s.push_str(&format!("Draft: {}", sheet.template.trim()));
    s
}

fn ex(user: String, model: &str) -> Example {
    Example {
        user,
        model: model.to_string(),
    }
}

/// The meanings the choice examples choose among (the tests ask with them
/// too).
const EXAMPLE_INTENTS: [&str; 6] = [
    "looking for a product or asking if it is in stock",
    "asking the price of a product",
    "asking where something is in the store",
    "asking about opening hours, payment or the loyalty card",
    "wanting to talk to a member of staff",
    "something a shop kiosk cannot help with",
];

fn choose_examples() -> Vec<Example> {
    let options = EXAMPLE_INTENTS;
    vec![
        ex(
            choose_turn("hoeveel kost die blauwe tas?", &options),
            options[1],
        ),
        ex(
            choose_turn("bisa bayar pakai kartu kredit?", &options),
            options[3],
        ),
        ex(
            choose_turn("what's the weather tomorrow", &options),
            options[5],
        ),
    ]
}

fn phrase_examples() -> Vec<Example> {
    let sheet = |facts: &[&str], template: &str| FactSheet {
        template: template.to_string(),
        facts: facts.iter().map(|f| f.to_string()).collect(),
    };
    vec![
        ex(
            phrase_turn(
                &sheet(
                    &[
                        "Trail Jacket | EUR 79.00 | aisle 3 | M, green: 2 in stock; L, green: out of stock",
                    ],
                    "Trail Jacket (EUR 79.00) is in stock in size M, green. Aisle 3.",
                ),
                Lang::En,
            ),
            "Yes, the Trail Jacket in size M, green is in stock for EUR 79.00. You'll find it in aisle 3.",
        ),
        ex(
            phrase_turn(
                &sheet(
                    &["Canvas Tote | EUR 15.50 | aisle 7 | one size, beige: 5 in stock"],
                    "Canvas Tote kost EUR 15.50. Je vindt hem in gang 7.",
                ),
                Lang::Nl,
            ),
            "De Canvas Tote kost EUR 15.50. Je vindt hem in gang 7.",
        ),
        ex(
            phrase_turn(
                &sheet(&[], "Toko buka setiap hari pukul 09:00–21:00."),
                Lang::Id,
            ),
            "Toko kami buka setiap hari pukul 09:00–21:00.",
        ),
        ex(
            phrase_turn(
                &sheet(
                    &["Wool Scarf | EUR 24.00 | aisle 2 | one size, red: 4 in stock"],
                    "Wool Scarf 售價 EUR 24.00，有現貨，在第 2 走道。",
                ),
                Lang::Zh,
            ),
            "Wool Scarf 有現貨，售價 EUR 24.00，在第 2 走道。",
        ),
    ]
}

impl LlmGenerator {
    /// Wraps a loaded engine and computes the prompt prefixes (once).
    pub fn new(mut engine: Engine, settings: GeneratorSettings) -> Result<LlmGenerator> {
        engine.add_prefix(CHOOSE, CHOOSE_SYSTEM, &choose_examples())?;
        engine.add_prefix(PHRASE, PHRASE_SYSTEM, &phrase_examples())?;
        Ok(LlmGenerator {
            engine: Mutex::new(engine),
            settings,
            current: Mutex::new(CancelToken::new()),
            baselines: Mutex::new(HashMap::new()),
        })
    }

    /// Stops the call in progress (the shopper asked something new or
    /// walked away). A call started later is not affected.
    pub fn cancel(&self) {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .cancel();
    }

    /// Stops the call in progress and wipes what the shopper's turns left
    /// in the model's working memory (the session ended).
    pub fn forget(&self) {
        self.cancel();
        self.engine
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .forget_turn();
    }

    fn fresh_token(&self) -> CancelToken {
        let token = CancelToken::new();
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = token.clone();
        token
    }

    /// Runs `f` on the engine; any error or panic is `None`.
    fn with_engine<T>(&self, f: impl FnOnce(&mut Engine) -> Result<Option<T>>) -> Option<T> {
        let mut engine = self.engine.lock().unwrap_or_else(PoisonError::into_inner);
        match catch_unwind(AssertUnwindSafe(|| f(&mut engine))) {
            Ok(Ok(v)) => v,
            Ok(Err(_)) | Err(_) => None,
        }
    }

    /// Runs `f` on the engine for measurements (errors are passed on).
    pub fn with_engine_for_bench<T>(&self, f: impl FnOnce(&mut Engine) -> Result<T>) -> Result<T> {
        let mut engine = self.engine.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut engine)
    }

    /// The probabilities of each option (softmax of their log-likelihoods).
    pub fn option_probabilities(&self, choice: &Choice<'_>) -> Option<Vec<f32>> {
        if choice.options.is_empty() {
            return None;
        }
        let cancel = self.fresh_token();
        let key: Vec<String> = choice.options.iter().map(|o| o.to_string()).collect();
        let cached = self
            .baselines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        let baseline = match cached {
            Some(b) => b,
            None => {
                let empty = choose_turn("", choice.options);
                let b =
                    self.with_engine(|e| e.score(Some(CHOOSE), &empty, choice.options, &cancel))?;
                self.baselines
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key, b.clone());
                b
            }
        };
        let turn = choose_turn(choice.text, choice.options);
        let deadline = std::time::Instant::now() + self.settings.choose_budget;
        let raw = self.with_engine(|e| e.score(Some(CHOOSE), &turn, choice.options, &cancel))?;
        if std::time::Instant::now() > deadline {
            return None;
        }
        let scores: Vec<f32> = raw.iter().zip(&baseline).map(|(s, b)| s - b).collect();
        let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exps: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
        let sum: f32 = exps.iter().sum();
        Some(exps.iter().map(|e| e / sum).collect())
    }

    /// Like [`Generator::phrase`] but returns the whole generation record.
    pub fn phrase_generation(
        &self,
        sheet: &FactSheet,
        lang: Lang,
        on_token: &mut dyn FnMut(&str),
    ) -> Option<Generation> {
        let cancel = self.fresh_token();
        let turn = phrase_turn(sheet, lang);
        let options = GenerateOptions {
            max_new_tokens: self.settings.max_new_tokens,
            time_budget: Some(self.settings.phrase_budget),
            sampling: Sampling::Greedy,
            repeat_penalty: 1.0,
            stop_at_newline: true,
        };
        self.with_engine(|e| {
            e.generate(Some(PHRASE), &turn, &options, &cancel, on_token)
                .map(Some)
        })
    }
}

impl Generator for LlmGenerator {
    fn choose(&self, choice: &Choice<'_>) -> Option<(usize, f32)> {
        let probs = self.option_probabilities(choice)?;
        probs
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    fn phrase(
        &self,
        sheet: &FactSheet,
        lang: Lang,
        on_token: &mut dyn FnMut(&str),
    ) -> Option<String> {
        let generation = self.phrase_generation(sheet, lang, on_token)?;
        let text = generation.text.trim();
        match generation.stop {
            StopReason::EndOfTurn | StopReason::Newline if !text.is_empty() => {
                Some(text.to_string())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
