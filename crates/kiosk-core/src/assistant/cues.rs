//! Cue phrases: the words that tell what a shopper wants, in the four
//! languages. Matching is on folded words (Latin scripts, contiguous) or on
//! substrings (Chinese), so "Hebben jullie" and "hebben JULLIE" are one cue.

use std::sync::OnceLock;

use crate::Lang;
use crate::text::{Token, fold, tokenize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    Human,
    Greeting,
    Thanks,
    Goodbye,
    OrderStatus,
    Returns,
    Exchange,
    Hours,
    Payment,
    Loyalty,
    Price,
    Location,
    Availability,
    /// "what do you recommend": products of a kind.
    Recommend,
    /// "goes with", "to wear with": a complement to something.
    Complement,
    Compare,
    Waitlist,
    Pickup,
    Cheaper,
    Discount,
    Complaint,
    Damaged,
    Safety,
    Injection,
    /// "free", "gratis": free wifi, or a free product (a discount request).
    Free,
    /// Things no shop kiosk answers: weather, restaurants, trains.
    OffTopic,
    Affirm,
    Deny,
    /// "it", "that one": the product in focus.
    RefersBack,
    /// "them", "those": the list just shown.
    RefersToList,
    Help,
    /// "what do you have?", "wat verkopen jullie?": what the store sells.
    Overview,
    /// "what is it made of?", "bahannya apa?": a product's material.
    MadeOf,
}

const SOURCE: &str = include_str!("cues.toml");

fn cue_of(key: &str) -> Option<Cue> {
    Some(match key {
        "human" => Cue::Human,
        "greeting" => Cue::Greeting,
        "thanks" => Cue::Thanks,
        "goodbye" => Cue::Goodbye,
        "order_status" => Cue::OrderStatus,
        "returns" => Cue::Returns,
        "exchange" => Cue::Exchange,
        "hours" => Cue::Hours,
        "payment" => Cue::Payment,
        "loyalty" => Cue::Loyalty,
        "price" => Cue::Price,
        "location" => Cue::Location,
        "availability" => Cue::Availability,
        "recommend" => Cue::Recommend,
        "complement" => Cue::Complement,
        "compare" => Cue::Compare,
        "waitlist" => Cue::Waitlist,
        "pickup" => Cue::Pickup,
        "cheaper" => Cue::Cheaper,
        "discount" => Cue::Discount,
        "complaint" => Cue::Complaint,
        "damaged" => Cue::Damaged,
        "safety" => Cue::Safety,
        "injection" => Cue::Injection,
        "free" => Cue::Free,
        "off_topic" => Cue::OffTopic,
        "affirm" => Cue::Affirm,
        "deny" => Cue::Deny,
        "refers_back" => Cue::RefersBack,
        "refers_to_list" => Cue::RefersToList,
        "help" => Cue::Help,
        "overview" => Cue::Overview,
        "made_of" => Cue::MadeOf,
        _ => return None,
    })
}

/// A cue found in the text, with its byte span and the language of the
/// phrase that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub cue: Cue,
    pub lang: Lang,
    pub start: usize,
    pub end: usize,
}

struct Compiled {
    cue: Cue,
    lang: Lang,
    words: Vec<String>,
    cjk: bool,
}

fn compiled() -> &'static [Compiled] {
    static COMPILED: OnceLock<Vec<Compiled>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let table: toml::Table =
            toml::from_str(SOURCE).expect("cues.toml is valid (checked by a test)");
        let mut out = Vec::new();
        for (key, langs) in &table {
            let cue = cue_of(key).expect("every cues.toml table names a cue (checked by a test)");
            for (code, phrases) in langs.as_table().into_iter().flatten() {
                let lang: Lang = code.parse().expect("cues.toml keys are language codes");
                for phrase in phrases
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str())
                {
                    let tokens = tokenize(phrase);
                    let cjk = !tokens.is_empty() && tokens.iter().all(|t| t.cjk);
                    let words = if cjk {
                        vec![fold(phrase)]
                    } else {
                        tokens.into_iter().map(|t| t.text).collect()
                    };
                    if !words.is_empty() && !phrase.contains('%') {
                        out.push(Compiled {
                            cue,
                            lang,
                            words,
                            cjk,
                        });
                    }
                }
            }
        }
        // Longer phrases first, so "no thanks" is a denial before "thanks"
        // is thanks.
        out.sort_by_key(|c| {
            std::cmp::Reverse(c.words.iter().map(|w| w.chars().count()).sum::<usize>())
        });
        out
    })
}

/// Every cue in the text. Latin cues match whole words; overlapping
/// matches keep the longer phrase.
pub fn find(text: &str, tokens: &[Token]) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    // A match overlapping an earlier (longer) one is left out.
    let add = |found: &mut Vec<Found>, c: &Compiled, start: usize, end: usize| {
        if !found.iter().any(|f| start < f.end && f.start < end) {
            found.push(Found {
                cue: c.cue,
                lang: c.lang,
                start,
                end,
            });
        }
    };
    for c in compiled() {
        if c.cjk {
            for t in tokens.iter().filter(|t| t.cjk) {
                let mut from = 0;
                while let Some(pos) = t.text[from..].find(&c.words[0]) {
                    let char_start = t.text[..from + pos].chars().count();
                    let char_len = c.words[0].chars().count();
                    let (start, end) = byte_span(text, t, char_start, char_len);
                    add(&mut found, c, start, end);
                    from += pos + c.words[0].len();
                }
            }
            continue;
        }
        let n = c.words.len();
        if n == 0 || n > tokens.len() {
            continue;
        }
        for i in 0..=tokens.len() - n {
            if tokens[i..i + n]
                .iter()
                .zip(&c.words)
                .all(|(t, w)| !t.cjk && word_matches(&t.text, w))
            {
                let (start, end) = (tokens[i].start, tokens[i + n - 1].end);
                add(&mut found, c, start, end);
            }
        }
    }
    // "%" is not a word character: catch "90% off" and the like directly.
    let folded = fold(text);
    let percent_off = ["% off", "%off", "% korting", "% diskon", "% discount"]
        .iter()
        .any(|p| folded.contains(p));
    let chinese_off = folded.contains('折') && folded.chars().any(|c| c.is_ascii_digit());
    if percent_off || chinese_off {
        found.push(Found {
            cue: Cue::Discount,
            lang: Lang::En,
            start: 0,
            end: 0,
        });
    }
    found.sort_by_key(|f| f.start);
    found
}

/// A cue word matches its plural or verb form ("guarantees", "tops") and
/// an Indonesian word with "-nya"/"-mu" ("harganya", "aturanmu").
fn word_matches(token: &str, cue: &str) -> bool {
    if token == cue {
        return true;
    }
    if cue.chars().count() < 4 {
        return false;
    }
    for suffix in ["nya", "mu", "s", "es", "ed", "en"] {
        if token.strip_suffix(suffix) == Some(cue) {
            return true;
        }
    }
    false
}

/// Byte span in the original text of `len` chars starting at char
/// `char_start` of a CJK token (folding keeps CJK one char for one char).
fn byte_span(text: &str, token: &Token, char_start: usize, len: usize) -> (usize, usize) {
    let original = &text[token.start..token.end];
    let mut indices = original
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(original.len()));
    let start = indices.by_ref().nth(char_start).unwrap_or(original.len());
    let end = original
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(original.len()))
        .nth(char_start + len)
        .unwrap_or(original.len());
    (token.start + start, token.start + end)
}

/// How strongly the cue phrases in a text point at each language (indexed
/// by `Lang as usize`): every phrase of a language that occurs counts, by
/// its length in words.
pub fn language_evidence(tokens: &[Token]) -> [f32; 4] {
    let mut evidence = [0.0f32; 4];
    for c in compiled() {
        if c.cjk {
            continue;
        }
        let n = c.words.len();
        if n == 0 || n > tokens.len() {
            continue;
        }
        let hit = (0..=tokens.len() - n).any(|i| {
            tokens[i..i + n]
                .iter()
                .zip(&c.words)
                .all(|(t, w)| !t.cjk && t.text == *w)
        });
        if hit {
            evidence[c.lang as usize] += n as f32;
        }
    }
    evidence
}

pub fn has(found: &[Found], cue: Cue) -> bool {
    found.iter().any(|f| f.cue == cue)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_table_names_a_cue_in_known_languages() {
        let table: toml::Table = toml::from_str(super::SOURCE).expect("valid TOML");
        for (key, langs) in &table {
            assert!(super::cue_of(key).is_some(), "unknown cue [{key}]");
            for (code, phrases) in langs.as_table().expect("a table") {
                assert!(code.parse::<crate::Lang>().is_ok(), "[{key}] {code}");
                assert!(
                    phrases.as_array().is_some_and(|a| !a.is_empty()),
                    "[{key}] {code}"
                );
            }
        }
    }
}
