//! Finding the FAQ entry a question is about, in any of the four languages,
//! by the content words it shares with the entry's questions and tags.

use std::collections::HashSet;

use crate::lexicon::light_stem;
use crate::text::{is_stopword, strip_cjk_stopwords, tokenize};
use crate::{FaqEntry, Lang};

/// Content words of a text: folded, light-stemmed, no stop words; CJK runs
/// as bigrams.
fn words(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for t in tokenize(text) {
        if t.cjk {
            for part in strip_cjk_stopwords(&t.text) {
                let chars: Vec<char> = part.chars().collect();
                if chars.len() == 1 {
                    out.insert(part.clone());
                }
                for pair in chars.windows(2) {
                    out.insert(pair.iter().collect());
                }
            }
        } else if !is_stopword(&t.text)
            && t.text.chars().count() >= 2
            && !t.text.chars().all(|c| c.is_ascii_digit())
        {
            out.insert(faq_stem(&t.text));
        }
    }
    out
}

/// `light_stem`, and "-ing" off longer words ("wrapping" → "wrap").
fn faq_stem(word: &str) -> String {
    let stem = light_stem(word);
    match stem.strip_suffix("ing") {
        Some(base) if base.len() >= 4 => {
            let b = base.as_bytes();
            if b[b.len() - 1] == b[b.len() - 2] {
                base[..base.len() - 1].to_string()
            } else {
                base.to_string()
            }
        }
        _ => stem,
    }
}

/// Words too common in shop questions to pick an FAQ entry on their own.
const WEAK: &[&str] = &[
    "can",
    "how",
    "what",
    "get",
    "kan",
    "hoe",
    "bisa",
    "bagaimana",
    "store",
    "shop",
    "winkel",
    "toko",
    "kiosk",
    "here",
    "hier",
    "sini",
    "there",
    "much",
    "many",
    "when",
    "wanneer",
    "kapan",
];

/// The best entry for a question, if it shares enough with one, and how
/// many content words it shares (2 or more is a square match).
pub fn best<'a>(faq: &'a [FaqEntry], question: &str, lang: Lang) -> Option<(&'a FaqEntry, usize)> {
    let asked = words(question);
    if asked.is_empty() {
        return None;
    }
    let mut best: Option<(f32, usize, &FaqEntry)> = None;
    for entry in faq {
        let mut known: HashSet<String> = HashSet::new();
        for l in [lang, Lang::En] {
            if let Some(q) = entry.question.0.get(&l) {
                known.extend(words(q));
            }
        }
        for tag in &entry.tags {
            known.extend(words(tag));
        }
        let mut score = 0.0;
        let mut strong = 0;
        for w in &asked {
            if known.contains(w) {
                if WEAK.contains(&w.as_str()) {
                    score += 0.2;
                } else {
                    score += 1.0;
                    strong += 1;
                }
            }
        }
        let score = score / (asked.len() as f32).sqrt();
        if score > best.map_or(0.0, |b| b.0) {
            best = Some((score, strong, entry));
        }
    }
    best.filter(|(score, _, _)| *score >= 0.7)
        .map(|(_, strong, e)| (e, strong))
}
