//! Which sentences of a product's description answer a question about it
//! ("is it waterproof?", "這件防水嗎?", "bahannya apa?").
//!
//! The description is split into sentences as written (Latin and Chinese
//! punctuation, line breaks, bullets), so a quote is a slice of the record,
//! never a rewording. Sentences are ranked by the words they share with the
//! question, across languages through the store's vocabulary (a concept
//! named in both), and, when a model that reads meaning is loaded, by its
//! similarity too. Relevance is relative: a sentence is quoted when it
//! shares words with the question, or when the model sets it clearly apart
//! from the description's other sentences; an absolute similarity alone
//! never decides, since its scale varies with the question.

use std::collections::HashSet;

use crate::lexicon::{ConceptKind, Lexicon, light_stem};
use crate::text::{fold, is_cjk, is_stopword, strip_cjk_stopwords, tokenize};

/// The most sentences one answer quotes.
pub const MAX_QUOTED: usize = 2;

/// Without a shared word, the model's best sentence must be this much more
/// similar to the question than the next best and than the mean of the
/// others (calibrated on the demo store's descriptions asked in four
/// languages, `tests/assistant/product_questions.rs`: an answering sentence led by
/// 0.028 to 0.11, one that does not answer by up to 0.027) ...
pub const MIN_GAP: f32 = 0.02;
/// ... and this much more similar than the product's title ...
pub const MIN_OVER_TITLE: f32 = 0.005;
/// ... or this much, for the description's first sentence.
pub const MIN_OVER_TITLE_FIRST: f32 = 0.04;
/// A sentence whose similarity is within this of the best one quoted is
/// quoted beside it (it says the same thing again).
pub const BESIDE: f32 = 0.01;

/// Words that ask a yes/no or wh- question rather than name something
/// ("is", "does", "apakah", "hoe"): never a term to look for.
const QUESTION_WORDS: &[&str] = &[
    "is",
    "are",
    "does",
    "do",
    "did",
    "can",
    "could",
    "will",
    "would",
    "has",
    "have",
    "was",
    "what",
    "how",
    "which",
    "made",
    "it",
    "its",
    "this",
    "that",
    "one",
    "zijn",
    "heeft",
    "hebben",
    "kan",
    "kun",
    "kunnen",
    "wordt",
    "het",
    "hij",
    "hem",
    "deze",
    "die",
    "wat",
    "hoe",
    "welk",
    "welke",
    "van",
    "apakah",
    "apa",
    "bisakah",
    "bisa",
    "boleh",
    "ini",
    "itu",
    "yang",
    "bagaimana",
    "gimana",
    "nggak",
    "gak",
    "tidak",
    "enggak",
    "ya",
];

/// Chinese question particles and pointers left out of the terms.
const CJK_QUESTION: &[&str] = &[
    "嗎",
    "吗",
    "呢",
    "是不是",
    "會不會",
    "能不能",
    "可不可以",
    "有沒有",
    "這件",
    "這雙",
    "這個",
    "這款",
    "那件",
    "那雙",
    "那個",
    "那款",
    "它",
    "是",
    "會",
    "可以",
    "什麼",
    "怎麼",
];

/// Words that say what a thing is made of, in the kiosk's languages and
/// the export languages stores write in.
const MATERIAL_WORDS: &[&str] = &[
    "made",
    "material",
    "materials",
    "fabric",
    "gemaakt",
    "materiaal",
    "stof",
    "bahan",
    "terbuat",
    "dibuat",
    "hecho",
    "fabricado",
    "material",
    "tejido",
    "fait",
    "matiere",
    "gemacht",
    "stoff",
];
const CJK_MATERIAL: &[&str] = &["材質", "材料", "製成", "製作", "面料", "布料", "成分"];

/// The sentences of `text`, each a trimmed slice of it, in order.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let next = chars.get(i + 1).map(|&(_, n)| n);
        let end = at + c.len_utf8();
        let cut = match c {
            '\n' | '\r' | '•' => Some(at),
            '。' | '！' | '？' | '；' | '!' | '?' => Some(end),
            // A full stop ends a sentence before a space or the end, not
            // inside "9.5" or "e.g.".
            '.' | ';' => {
                let before = text[..at].chars().next_back();
                let short_word = text[..at]
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .is_some_and(|w| w.chars().count() == 1 && c == '.');
                (next.is_none_or(char::is_whitespace)
                    && before.is_some_and(|b| !b.is_whitespace())
                    && !short_word)
                    .then_some(end)
            }
            _ => None,
        };
        if let Some(cut) = cut {
            push_sentence(&text[start..cut], &mut out);
            start = if matches!(c, '\n' | '\r' | '•') {
                end
            } else {
                cut
            };
        }
    }
    push_sentence(&text[start..], &mut out);
    out
}

fn push_sentence<'a>(piece: &'a str, out: &mut Vec<&'a str>) {
    let piece = piece.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '*' | '–'));
    // A piece with no word in it ("-", "…") is not a sentence.
    if piece.chars().any(char::is_alphanumeric) {
        out.push(piece);
    }
}

/// What a question looks for: the concepts it names, its own words, its
/// Chinese character pairs, and whether it asks what something is made of.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    concepts: Vec<usize>,
    words: Vec<String>,
    cjk_pairs: Vec<Vec<String>>,
    material: bool,
}

impl Terms {
    /// The terms of `question` (the turn's words left for search, with the
    /// cues taken out); `made_of`: the turn asks for the material.
    pub fn new(question: &str, made_of: bool, lexicon: &Lexicon) -> Terms {
        let analysis = lexicon.analyze(question);
        let mut terms = Terms {
            material: made_of,
            ..Terms::default()
        };
        for m in &analysis.mentions {
            if !terms.concepts.contains(&m.concept) {
                terms.concepts.push(m.concept);
            }
        }
        for token in &analysis.residual {
            if token.cjk {
                for run in strip_cjk_stopwords(&token.text) {
                    for piece in split_on(&run, CJK_QUESTION) {
                        let pairs = char_pairs(&piece);
                        if !pairs.is_empty() {
                            terms.cjk_pairs.push(pairs);
                        }
                    }
                }
                continue;
            }
            let word = token.text.as_str();
            if is_stopword(word)
                || QUESTION_WORDS.contains(&word)
                || word.chars().all(|c| c.is_ascii_digit())
            {
                continue;
            }
            let stem = light_stem(word);
            if !terms.words.contains(&stem) {
                terms.words.push(stem);
            }
        }
        terms
    }

    /// The terms `title` does not already hold: "is this jacket
    /// waterproof?" looks for "waterproof", not for "jacket".
    pub fn without(mut self, title: &str, lexicon: &Lexicon) -> Terms {
        let one = |terms: Terms| terms.shared(title, lexicon) == 0;
        self.concepts.retain(|c| {
            one(Terms {
                concepts: vec![*c],
                ..Terms::default()
            })
        });
        self.words.retain(|w| {
            one(Terms {
                words: vec![w.clone()],
                ..Terms::default()
            })
        });
        self.cjk_pairs.retain(|p| {
            one(Terms {
                cjk_pairs: vec![p.clone()],
                ..Terms::default()
            })
        });
        self
    }

    /// How many of the terms `sentence` has.
    pub fn shared(&self, sentence: &str, lexicon: &Lexicon) -> usize {
        let analysis = lexicon.analyze(sentence);
        let concepts: HashSet<usize> = analysis.mentions.iter().map(|m| m.concept).collect();
        let tokens = tokenize(sentence);
        let stems: HashSet<String> = tokens
            .iter()
            .filter(|t| !t.cjk)
            .map(|t| light_stem(&t.text))
            .collect();
        let folded = fold(sentence);
        let mut n = self
            .concepts
            .iter()
            .filter(|c| concepts.contains(c))
            .count();
        n += self
            .words
            .iter()
            .filter(|w| {
                stems.contains(*w)
                    || (w.chars().count() >= 5 && stems.iter().any(|s| s.starts_with(w.as_str())))
            })
            .count();
        // A Chinese stretch counts when most of its character pairs are in
        // the sentence.
        n += self
            .cjk_pairs
            .iter()
            .filter(|pairs| {
                let found = pairs.iter().filter(|p| folded.contains(p.as_str())).count();
                found * 2 >= pairs.len() && found > 0
            })
            .count();
        if self.material {
            let names_material = analysis
                .mentions
                .iter()
                .any(|m| lexicon.concept(m.concept).kind == ConceptKind::Material)
                || tokens
                    .iter()
                    .any(|t| !t.cjk && MATERIAL_WORDS.contains(&t.text.as_str()))
                || CJK_MATERIAL.iter().any(|w| folded.contains(&fold(w)));
            n += usize::from(names_material);
        }
        n
    }
}

/// The character pairs of a Chinese stretch (the stretch itself when it is
/// one character).
fn char_pairs(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().filter(|c| is_cjk(*c)).collect();
    match chars.len() {
        0 => Vec::new(),
        1 => vec![chars[0].to_string()],
        _ => chars.windows(2).map(|w| w.iter().collect()).collect(),
    }
}

/// `run` with every occurrence of `stops` taken out, as the pieces left.
fn split_on(run: &str, stops: &[&str]) -> Vec<String> {
    let mut pieces = vec![run.to_string()];
    for stop in stops {
        let stop = fold(stop);
        pieces = pieces
            .iter()
            .flat_map(|p| {
                p.split(stop.as_str())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|p| !p.is_empty())
            .collect();
    }
    pieces
}

/// What the model makes of a question against a product: its similarity
/// with each description sentence, and with the product's title (what the
/// product is, which answers no question about it).
#[derive(Debug, Clone, Copy)]
pub struct Meaning<'a> {
    pub sentences: &'a [f32],
    pub title: f32,
}

/// The sentences to quote, by index in description order: the best by
/// shared words (among ties, those the model finds as close as the
/// closest, when it is loaded), or else the model's best when it stands
/// clearly apart (see [`by_meaning`]). Empty: nothing in the description
/// answers the question.
pub fn pick(shared: &[usize], meaning: Option<Meaning>) -> Vec<usize> {
    let best_shared = shared.iter().copied().max().unwrap_or(0);
    let mut picked: Vec<usize> = if best_shared > 0 {
        let mut tied: Vec<usize> = (0..shared.len())
            .filter(|&i| shared[i] == best_shared)
            .collect();
        if let Some(Meaning {
            sentences: sims, ..
        }) = meaning
        {
            tied.sort_by(|&a, &b| sims[b].total_cmp(&sims[a]).then(a.cmp(&b)));
            let best = sims[tied[0]];
            tied.retain(|&i| best - sims[i] <= BESIDE);
        }
        tied.truncate(MAX_QUOTED);
        tied
    } else if let Some(meaning) = meaning {
        by_meaning(meaning)
    } else {
        Vec::new()
    };
    picked.sort_unstable();
    picked
}

/// The model's best sentence when it leads the next by [`MIN_GAP`] and
/// the mean of the others by as much, and is closer to the question than
/// the product's title by [`MIN_OVER_TITLE`] ([`MIN_OVER_TITLE_FIRST`]
/// for the first sentence, which mostly says again what the product is and
/// so sits near any question about it), with one beside it that is as
/// close to the question. A description of one sentence gives nothing to
/// compare with, so the model alone never quotes it.
fn by_meaning(meaning: Meaning) -> Vec<usize> {
    let sims = meaning.sentences;
    if sims.len() < 2 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..sims.len()).collect();
    order.sort_by(|&a, &b| sims[b].total_cmp(&sims[a]).then(a.cmp(&b)));
    let best = sims[order[0]];
    let beside = order
        .get(1)
        .copied()
        .filter(|&i| best - sims[i] <= BESIDE && sims.len() > 2);
    let leaders: Vec<usize> = std::iter::once(order[0]).chain(beside).collect();
    let rest: Vec<f32> = order[leaders.len()..].iter().map(|&i| sims[i]).collect();
    let Some(&next) = rest.first() else {
        return Vec::new();
    };
    let mean = rest.iter().sum::<f32>() / rest.len() as f32;
    let stands_apart = leaders.iter().all(|&i| {
        let over_title = if i == 0 {
            MIN_OVER_TITLE_FIRST
        } else {
            MIN_OVER_TITLE
        };
        sims[i] - next >= MIN_GAP
            && sims[i] - mean >= MIN_GAP
            && sims[i] - meaning.title >= over_title
    });
    if stands_apart { leaders } else { Vec::new() }
}

#[cfg(test)]
mod tests;
