//! Finding the FAQ entry a question is about, in any of the four languages,
//! by the content words it shares with the entry's questions and tags.

use std::collections::HashSet;
use std::sync::LazyLock;

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
    // Words that stand for any product: "something under 30" asks for
    // products, not for the entry "I lost something in the store".
    // "something", "anything", "iets", "sesuatu" and "barang" are stop
    // words (`text::is_stopword`), which `words` drops before this list.
    "thing",
    "stuff",
    "wat",
    "ding",
    "東西",
    "东西",
];

/// `WEAK` as `words` gives them (stemmed), made once rather than on each
/// comparison of each turn.
static WEAK_STEMS: LazyLock<HashSet<String>> =
    LazyLock::new(|| WEAK.iter().map(|weak| faq_stem(weak)).collect());

/// Whether a content word (as `words` gives it: stemmed) is one of `WEAK`.
fn is_weak(word: &str) -> bool {
    WEAK_STEMS.contains(word)
}

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
                if is_weak(w) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Localized;

    fn entry(id: &str, tags: &[&str], questions: &[(Lang, &str)]) -> FaqEntry {
        FaqEntry {
            id: id.into(),
            question: Localized(
                questions
                    .iter()
                    .map(|(l, q)| (*l, (*q).to_string()))
                    .collect(),
            ),
            answer: Localized::default(),
            tags: tags.iter().map(|t| (*t).to_string()).collect(),
        }
    }

    fn faq() -> Vec<FaqEntry> {
        vec![
            entry(
                "lost-and-found",
                &["lost and found", "forgot"],
                &[
                    (Lang::En, "I lost something in the store. What should I do?"),
                    (
                        Lang::Nl,
                        "Ik ben iets verloren in de winkel. Wat moet ik doen?",
                    ),
                    (
                        Lang::Id,
                        "Saya kehilangan sesuatu di toko. Apa yang harus saya lakukan?",
                    ),
                    (Lang::Zh, "我在店裡掉了東西，怎麼辦？"),
                ],
            ),
            entry(
                "back-in-stock",
                &["back in stock", "sold out"],
                &[(
                    Lang::Nl,
                    "Kan de kiosk me laten weten wanneer iets weer op voorraad is?",
                )],
            ),
        ]
    }

    #[test]
    fn weak_words_are_known_as_words_gives_them() {
        for text in ["Stores", "shops", "thing", "東西", "Wanneer"] {
            for word in words(text) {
                assert!(is_weak(&word), "{text} → {word}");
            }
        }
        for text in ["return", "gift wrapping", "parkir", "退貨"] {
            for word in words(text) {
                assert!(!is_weak(&word), "{text} → {word}");
            }
        }
    }

    #[test]
    fn a_word_for_any_product_does_not_pick_an_entry() {
        let faq = faq();
        for (q, lang) in [
            ("something under 30", Lang::En),
            ("anything for under 30 euro", Lang::En),
            ("iets onder de 30", Lang::Nl),
            ("sesuatu di bawah 30", Lang::Id),
            ("30元以下的東西", Lang::Zh),
        ] {
            let found = best(&faq, q, lang).map(|(e, _)| e.id.as_str());
            assert_eq!(found, None, "{q}");
        }
        // The entry's own words still find it.
        for (q, lang) in [
            ("I lost something here", Lang::En),
            ("ik ben iets verloren", Lang::Nl),
            ("我掉了東西", Lang::Zh),
        ] {
            let found = best(&faq, q, lang).map(|(e, _)| e.id.as_str());
            assert_eq!(found, Some("lost-and-found"), "{q}");
        }
    }
}
