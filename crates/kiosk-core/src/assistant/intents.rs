//! A second opinion on what a turn wants: its nearest labelled examples.
//!
//! `intent_examples.toml` holds short shopper turns per intent in the four
//! languages, with no store's products in them. With the multilingual e5
//! model loaded, [`IntentExamples::build`] embeds them once (at start-up;
//! the binary keeps their vectors in a cache on disk and hands them to
//! [`IntentExamples::from_vectors`]) and [`IntentExamples::guess`] reads a
//! turn as the intent most of its `k` nearest examples carry, by cosine
//! similarity. The rules stay first:
//! the engine asks the examples only where the rules fell back to a default
//! (see `AssistantConfig::examples_when`), and never without the model.

use std::sync::Arc;

use crate::Lang;
use crate::assistant::Intent;
use crate::assistant::understand::Reading;
use crate::text::{is_stopword, strip_cjk_stopwords, tokenize};
use crate::traits::{BackendError, TextEncoder};

/// The compiled-in example set.
const SOURCE: &str = include_str!("intent_examples.toml");

/// The nearest examples that vote on a turn's intent (chosen by `kiosk
/// bench intents` on the held-out set: see `bench/intents/`).
pub const DEFAULT_K: usize = 5;
/// The share of the `k` nearest examples that must agree (see
/// `AssistantConfig::examples_min_share`).
pub const DEFAULT_MIN_SHARE: f32 = 0.6;

/// When the engine asks the nearest examples what a turn wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecondOpinion {
    /// Never: the rules alone.
    Off,
    /// When the rules did not understand the turn (a reading less sure
    /// than `low_confidence`), before the language model is asked.
    Unsure,
    /// Also when the rules fell back to their default: searching the
    /// catalog for words no cue, concept or slot explained, or saying
    /// they did not understand.
    #[default]
    RulesDefault,
    /// Whenever they read another intent than the rules, except where
    /// the rules escalated to staff or took the answer to a question the
    /// kiosk had asked.
    Disagree,
}

/// One labelled shopper turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub intent: Intent,
    pub lang: Lang,
    pub text: String,
}

/// The intent a set names by `key`: the kiosk's intents in snake case, a
/// search and an availability question both `availability`.
pub fn intent_of(key: &str) -> Option<Intent> {
    Some(match key {
        "availability" | "search" => Intent::Availability,
        "price" => Intent::Price,
        "location" => Intent::Location,
        "recommend" => Intent::Recommend,
        "compare" => Intent::Compare,
        "store_info" => Intent::StoreInfo,
        "returns" => Intent::Returns,
        "order_status" => Intent::OrderStatus,
        "waitlist" => Intent::Waitlist,
        "product_info" => Intent::ProductInfo,
        "human" => Intent::Human,
        "greeting" => Intent::Greeting,
        "out_of_scope" => Intent::OutOfScope,
        _ => return None,
    })
}

/// `intent` as the example sets label it: a search is an availability
/// question (both look a product up).
pub fn label(intent: Intent) -> Intent {
    match intent {
        Intent::Search => Intent::Availability,
        other => other,
    }
}

/// Reads a labelled set: a table per intent, an array of turns per
/// language code.
pub fn parse(source: &str) -> Result<Vec<Example>, String> {
    let table: toml::Table = toml::from_str(source).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (key, langs) in &table {
        let intent = intent_of(key).ok_or_else(|| format!("[{key}]: not an intent"))?;
        let langs = langs
            .as_table()
            .ok_or_else(|| format!("[{key}]: expected a table of languages"))?;
        for (code, texts) in langs {
            let lang: Lang = code
                .parse()
                .map_err(|_| format!("[{key}] {code}: not a language code"))?;
            let texts = texts
                .as_array()
                .ok_or_else(|| format!("[{key}] {code}: expected an array of turns"))?;
            for text in texts {
                let text = text
                    .as_str()
                    .filter(|t| !t.trim().is_empty())
                    .ok_or_else(|| format!("[{key}] {code}: a turn is not a non-empty string"))?;
                out.push(Example {
                    intent,
                    lang,
                    text: text.to_string(),
                });
            }
        }
    }
    Ok(out)
}

/// The compiled-in example set.
pub fn examples() -> Vec<Example> {
    parse(SOURCE).expect("intent_examples.toml is valid (checked by a test)")
}

/// What the nearest examples say a turn wants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guess {
    pub intent: Intent,
    /// The share of the `k` nearest examples that carry `intent` (1.0:
    /// all of them).
    pub share: f32,
    /// The similarity of the nearest example with `intent`.
    pub similarity: f32,
}

/// The example set embedded, ready to read turns against.
pub struct IntentExamples {
    encoder: Arc<dyn TextEncoder>,
    intents: Vec<Intent>,
    /// One unit vector per example, in `intents`' order.
    vectors: Vec<Vec<f32>>,
    k: usize,
}

impl IntentExamples {
    /// Embeds the compiled-in examples with `encoder` (the one that will
    /// embed turns).
    pub fn build(encoder: Arc<dyn TextEncoder>) -> Result<IntentExamples, BackendError> {
        IntentExamples::from_examples(encoder, &examples(), DEFAULT_K)
    }

    /// Embeds `examples`; `k` nearest vote on a turn.
    pub fn from_examples(
        encoder: Arc<dyn TextEncoder>,
        examples: &[Example],
        k: usize,
    ) -> Result<IntentExamples, BackendError> {
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        let vectors = encoder.query_vectors(&texts)?;
        IntentExamples::from_vectors(encoder, examples, vectors, k)
    }

    /// `examples` with their vectors embedded before (as queries, by the
    /// model behind `encoder`, in order): a cache saves embedding them at
    /// every start. `k` nearest vote on a turn.
    pub fn from_vectors(
        encoder: Arc<dyn TextEncoder>,
        examples: &[Example],
        vectors: Vec<Vec<f32>>,
        k: usize,
    ) -> Result<IntentExamples, BackendError> {
        if vectors.len() != examples.len() {
            return Err(BackendError::msg(format!(
                "{} vectors for {} examples",
                vectors.len(),
                examples.len()
            )));
        }
        Ok(IntentExamples {
            encoder,
            intents: examples.iter().map(|e| label(e.intent)).collect(),
            vectors,
            k: k.max(1),
        })
    }

    /// How many examples the set holds.
    pub fn len(&self) -> usize {
        self.intents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.intents.is_empty()
    }

    /// The intent `text`'s nearest examples carry; `None` for an empty
    /// set or text.
    pub fn guess(&self, text: &str) -> Result<Option<Guess>, BackendError> {
        if text.trim().is_empty() || self.is_empty() {
            return Ok(None);
        }
        let vector = self
            .encoder
            .query_vectors(&[text])?
            .pop()
            .ok_or_else(|| BackendError::msg("no vector for the turn"))?;
        Ok(self.guess_vector(&vector))
    }

    /// The intent the examples nearest `vector` vote for.
    pub fn guess_vector(&self, vector: &[f32]) -> Option<Guess> {
        self.nearest(vector, self.k)
    }

    /// The intent the `k` examples nearest `vector` vote for, each vote
    /// one; a tie goes to the intent with the nearer example.
    pub fn nearest(&self, vector: &[f32], k: usize) -> Option<Guess> {
        let mut scored: Vec<(f32, Intent)> = self
            .vectors
            .iter()
            .zip(&self.intents)
            .map(|(v, intent)| (dot(v, vector), *intent))
            .filter(|(s, _)| s.is_finite())
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.truncate(k.max(1));
        // (intent, votes, best similarity), in order of first appearance,
        // so the nearest example's intent comes first.
        let mut tally: Vec<(Intent, usize, f32)> = Vec::new();
        for (similarity, intent) in &scored {
            match tally.iter_mut().find(|(i, _, _)| i == intent) {
                Some(entry) => entry.1 += 1,
                None => tally.push((*intent, 1, *similarity)),
            }
        }
        let (intent, votes, similarity) = tally
            .into_iter()
            .reduce(|best, next| if next.1 > best.1 { next } else { best })?;
        Some(Guess {
            intent,
            share: votes as f32 / scored.len() as f32,
            similarity,
        })
    }
}

/// Whether the turn holds a word the kiosk knows (a cue, a concept of
/// the vocabulary, a stop word): only then do the examples read it. The
/// nearest examples of gibberish ("vrmm plikt zorbak", "嘟嘟啪啦砰砰")
/// still carry an intent, and such a turn must stay not understood.
pub fn knows_a_word(reading: &Reading, text: &str) -> bool {
    !reading.cues.is_empty()
        || reading.names_product()
        || reading.has_variant_slot()
        || tokenize(text).iter().any(|t| {
            if t.cjk {
                strip_cjk_stopwords(&t.text).concat().chars().count() < t.text.chars().count()
            } else {
                is_stopword(&t.text)
            }
        })
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests;
