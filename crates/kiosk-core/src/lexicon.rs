//! The multilingual vocabulary: concepts (a category, a colour, a size, a
//! material) with their words in each language. It lets a Dutch, Indonesian
//! or Chinese question find products whose catalog is written in English, and
//! gives search its synonyms (trainers ↔ sneakers).
//!
//! Matching is greedy longest-match over words (Latin scripts) and over
//! characters (CJK), with light plural stripping and a small typo budget for
//! long words.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::text::{self, Token, edit_distance_within, tokenize, typo_budget};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConceptKind {
    /// A category as the catalog names it ("Running Shoes").
    Category,
    /// A broader kind of product that spans categories ("shoes", "jewellery").
    ProductType,
    Color,
    Size,
    Material,
    /// Any other descriptive word worth translating ("waterproof", "kids").
    Attribute,
}

impl ConceptKind {
    pub fn parse(s: &str) -> Option<ConceptKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "category" => ConceptKind::Category,
            "product_type" | "type" => ConceptKind::ProductType,
            "color" | "colour" => ConceptKind::Color,
            "size" => ConceptKind::Size,
            "material" => ConceptKind::Material,
            "attribute" => ConceptKind::Attribute,
            _ => return None,
        })
    }
}

/// One meaning with its words per language. The first word of each
/// language is the one used when the kiosk names the concept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concept {
    /// A stable key, e.g. `running-shoes`, `black`, `L`.
    pub id: String,
    pub kind: ConceptKind,
    pub terms: Vec<(Lang, Vec<String>)>,
}

impl Concept {
    pub fn terms(&self, lang: Lang) -> &[String] {
        self.terms
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(&[], |(_, t)| t.as_slice())
    }

    /// The word for this concept in `lang`, falling back to English, then
    /// to the id.
    pub fn name(&self, lang: Lang) -> &str {
        self.terms(lang)
            .first()
            .or_else(|| self.terms(Lang::En).first())
            .map_or(self.id.as_str(), String::as_str)
    }
}

/// A set of languages, as a bitmask.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LangSet(u8);

impl LangSet {
    pub fn insert(&mut self, lang: Lang) {
        self.0 |= 1 << lang as u8;
    }

    pub fn contains(self, lang: Lang) -> bool {
        self.0 & (1 << lang as u8) != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Lang> {
        Lang::ALL.into_iter().filter(move |l| self.contains(*l))
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// A concept found in a piece of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub concept: usize,
    /// Languages in which the matched words mean this concept.
    pub langs: LangSet,
    /// Byte span in the analysed text.
    pub start: usize,
    pub end: usize,
    /// False when the words matched only within the typo budget.
    pub exact: bool,
}

/// The result of reading a text against the lexicon: the concepts it names
/// and the words left over.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub mentions: Vec<Mention>,
    /// Folded words (and unmatched CJK stretches) not part of any mention.
    pub residual: Vec<Token>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    concept: u32,
    langs: LangSet,
}

#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    concepts: Vec<Concept>,
    /// Folded phrase (Latin words joined by one space, or a CJK string) →
    /// concept. The first concept to claim a phrase keeps it.
    phrases: HashMap<String, Entry>,
    /// The same, keyed by light-stemmed words.
    stemmed: HashMap<String, Entry>,
    /// Single Latin words long enough to be matched with a typo.
    fuzzy_words: Vec<(String, Entry)>,
    max_words: usize,
    max_cjk_chars: usize,
}

impl Lexicon {
    pub fn new(concepts: Vec<Concept>) -> Lexicon {
        let mut lexicon = Lexicon {
            concepts,
            max_words: 1,
            max_cjk_chars: 1,
            ..Lexicon::default()
        };
        for idx in 0..lexicon.concepts.len() {
            let terms = lexicon.concepts[idx].terms.clone();
            for (lang, words) in terms {
                for word in words {
                    lexicon.add_term(idx as u32, lang, &word);
                }
            }
        }
        lexicon
    }

    fn add_term(&mut self, concept: u32, lang: Lang, term: &str) {
        let tokens = tokenize(term);
        if tokens.is_empty() {
            return;
        }
        let key = phrase_key(&tokens);
        let stem_key = stemmed_key(&tokens);
        if tokens.iter().all(|t| t.cjk) {
            self.max_cjk_chars = self.max_cjk_chars.max(key.chars().count());
        } else {
            self.max_words = self.max_words.max(tokens.len());
        }
        for (map, k) in [
            (&mut self.phrases, key.clone()),
            (&mut self.stemmed, stem_key),
        ] {
            let entry = map.entry(k).or_insert(Entry {
                concept,
                langs: LangSet::default(),
            });
            if entry.concept == concept {
                entry.langs.insert(lang);
            }
        }
        if tokens.len() == 1 && !tokens[0].cjk && typo_budget(&key) > 0 {
            match self.fuzzy_words.iter_mut().find(|(w, _)| *w == key) {
                Some((_, entry)) if entry.concept == concept => entry.langs.insert(lang),
                Some(_) => {}
                None => {
                    let mut langs = LangSet::default();
                    langs.insert(lang);
                    self.fuzzy_words.push((key, Entry { concept, langs }));
                }
            }
        }
    }

    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    pub fn concept(&self, idx: usize) -> &Concept {
        &self.concepts[idx]
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.concepts.iter().position(|c| c.id == id)
    }

    /// The concept a whole phrase names exactly (after folding and plural
    /// stripping), e.g. `lookup("Black")` → the `black` colour.
    pub fn lookup(&self, phrase: &str) -> Option<usize> {
        let tokens = tokenize(phrase);
        if tokens.is_empty() {
            return None;
        }
        self.lookup_window(&tokens).map(|e| e.concept as usize)
    }

    fn lookup_window(&self, window: &[Token]) -> Option<&Entry> {
        let stem = stemmed_key(window);
        self.phrases
            .get(&phrase_key(window))
            .or_else(|| self.stemmed.get(&stem))
            .or_else(|| self.phrases.get(&stem))
    }

    /// Finds the concepts named in `text`, longest match first.
    pub fn analyze(&self, text: &str) -> Analysis {
        let tokens = tokenize(text);
        let mut analysis = Analysis::default();
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i].cjk {
                self.analyze_cjk(&tokens[i], &mut analysis);
                i += 1;
                continue;
            }
            // A Latin word written onto Chinese: "T恤", "Polo衫", "M號".
            if let Some(next) = tokens.get(i + 1)
                && next.cjk
                && tokens[i].end == next.start
                && let Some((len, entry)) = self.mixed_match(&tokens[i], next)
            {
                let bytes: usize = text[next.start..next.end]
                    .chars()
                    .take(len)
                    .map(char::len_utf8)
                    .sum();
                analysis.mentions.push(Mention {
                    concept: entry.concept as usize,
                    langs: entry.langs,
                    start: tokens[i].start,
                    end: next.start + bytes,
                    exact: true,
                });
                if next.start + bytes < next.end {
                    let rest = Token {
                        text: next.text.chars().skip(len).collect(),
                        start: next.start + bytes,
                        end: next.end,
                        cjk: true,
                    };
                    self.analyze_cjk(&rest, &mut analysis);
                }
                i += 2;
                continue;
            }
            let mut matched = false;
            let max_n = self.max_words.min(tokens.len() - i);
            for n in (1..=max_n).rev() {
                let window = &tokens[i..i + n];
                if window.iter().any(|t| t.cjk) {
                    continue;
                }
                // A stop word alone ("want", "de") names nothing, even when
                // another language's plural strips down to it ("wanten").
                if n == 1 && crate::text::is_stopword(&window[0].text) {
                    continue;
                }
                let entry = self.lookup_window(window);
                if let Some(entry) = entry {
                    analysis.mentions.push(Mention {
                        concept: entry.concept as usize,
                        langs: entry.langs,
                        start: window[0].start,
                        end: window[n - 1].end,
                        exact: true,
                    });
                    i += n;
                    matched = true;
                    break;
                }
            }
            if matched {
                continue;
            }
            let fuzzy = if crate::text::is_stopword(&tokens[i].text) {
                None
            } else {
                self.fuzzy(&tokens[i].text)
            };
            if let Some(entry) = fuzzy {
                analysis.mentions.push(Mention {
                    concept: entry.concept as usize,
                    langs: entry.langs,
                    start: tokens[i].start,
                    end: tokens[i].end,
                    exact: false,
                });
            } else {
                analysis.residual.push(tokens[i].clone());
            }
            i += 1;
        }
        analysis
    }

    /// The longest term made of `word` and the first characters of the
    /// Chinese run written right after it, and how many characters it takes.
    fn mixed_match(&self, word: &Token, run: &Token) -> Option<(usize, Entry)> {
        let chars: Vec<char> = run.text.chars().collect();
        (1..=self.max_cjk_chars.min(chars.len()))
            .rev()
            .find_map(|len| {
                let key = format!("{} {}", word.text, chars[..len].iter().collect::<String>());
                self.phrases.get(&key).map(|e| (len, *e))
            })
    }

    fn analyze_cjk(&self, token: &Token, analysis: &mut Analysis) {
        // Byte offsets of each char within the folded token text, mapped to
        // the original span. Folding keeps CJK characters one-to-one, so the
        // original offsets advance in step.
        let folded: Vec<char> = token.text.chars().collect();
        let original: Vec<usize> = {
            let mut offsets = Vec::with_capacity(folded.len() + 1);
            let mut pos = token.start;
            let span_len = token.end - token.start;
            let per_char = if folded.is_empty() {
                0
            } else {
                span_len / folded.len()
            };
            for _ in 0..folded.len() {
                offsets.push(pos);
                pos += per_char;
            }
            offsets.push(token.end);
            offsets
        };
        let mut j = 0;
        let mut unmatched_from: Option<usize> = None;
        while j < folded.len() {
            let max_len = self.max_cjk_chars.min(folded.len() - j);
            let mut hit = None;
            for len in (1..=max_len).rev() {
                let candidate: String = folded[j..j + len].iter().collect();
                if let Some(entry) = self.phrases.get(&candidate) {
                    hit = Some((len, *entry));
                    break;
                }
            }
            match hit {
                Some((len, entry)) => {
                    if let Some(from) = unmatched_from.take() {
                        analysis
                            .residual
                            .push(cjk_token(&folded, &original, from, j));
                    }
                    analysis.mentions.push(Mention {
                        concept: entry.concept as usize,
                        langs: entry.langs,
                        start: original[j],
                        end: original[j + len],
                        exact: true,
                    });
                    j += len;
                }
                None => {
                    unmatched_from.get_or_insert(j);
                    j += 1;
                }
            }
        }
        if let Some(from) = unmatched_from {
            analysis
                .residual
                .push(cjk_token(&folded, &original, from, folded.len()));
        }
    }

    fn fuzzy(&self, word: &str) -> Option<Entry> {
        let budget = typo_budget(word);
        if budget == 0 || word.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let mut best: Option<(usize, Entry)> = None;
        for (term, entry) in &self.fuzzy_words {
            // Typos rarely touch the first letter; requiring it keeps
            // unrelated short words apart.
            if term.chars().next() != word.chars().next() {
                continue;
            }
            if let Some(d) = edit_distance_within(word, term, budget.min(typo_budget(term)))
                && best.is_none_or(|(bd, _)| d < bd)
            {
                best = Some((d, *entry));
            }
        }
        best.map(|(_, e)| e)
    }
}

fn cjk_token(folded: &[char], original: &[usize], from: usize, to: usize) -> Token {
    Token {
        text: folded[from..to].iter().collect(),
        start: original[from],
        end: original[to],
        cjk: true,
    }
}

fn phrase_key(tokens: &[Token]) -> String {
    if tokens.iter().all(|t| t.cjk) {
        return tokens.iter().map(|t| t.text.as_str()).collect();
    }
    tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn stemmed_key(tokens: &[Token]) -> String {
    if tokens.iter().all(|t| t.cjk) {
        return phrase_key(tokens);
    }
    tokens
        .iter()
        .map(|t| light_stem(&t.text))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Strips plural endings of English and Dutch nouns and undoes Indonesian
/// reduplication, the same way on both sides of a comparison:
/// `dresses` → `dress`, `shoes` → `shoe`, `regenjassen` → `regenjas`,
/// `sokken` → `sok`, `kaos-kaos` → `kaos`.
pub fn light_stem(word: &str) -> String {
    if let Some((a, b)) = word.split_once('-')
        && a == b
    {
        return a.to_string();
    }
    let n = word.chars().count();
    if n <= 3 || !word.is_ascii() {
        return word.to_string();
    }
    if word.ends_with("ss") {
        return word.to_string();
    }
    for ending in ["sses", "xes", "zes", "ches", "shes"] {
        if let Some(stem) = word.strip_suffix(ending) {
            return format!("{stem}{}", &ending[..ending.len() - 2]);
        }
    }
    if n > 5
        && let Some(stem) = word.strip_suffix("en")
    {
        let b = stem.as_bytes();
        if b.len() >= 2 && b[b.len() - 1] == b[b.len() - 2] && !b"aeiou".contains(&b[b.len() - 1]) {
            return stem[..stem.len() - 1].to_string();
        }
        return stem.to_string();
    }
    if let Some(stem) = word.strip_suffix('s') {
        return stem.to_string();
    }
    word.to_string()
}

/// Folds a word the way the lexicon compares it.
pub fn key(word: &str) -> String {
    text::fold(word)
}

/// A concept with its words per language, for tests.
#[cfg(test)]
pub(crate) fn concept(id: &str, kind: ConceptKind, terms: &[(Lang, &[&str])]) -> Concept {
    Concept {
        id: id.to_string(),
        kind,
        terms: terms
            .iter()
            .map(|(l, ws)| (*l, ws.iter().map(|w| w.to_string()).collect()))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
