//! The tokenizer shared by indexing and querying: words for alphabetic
//! scripts, overlapping bigrams for CJK runs (so 跑鞋 matches inside
//! 輕量跑鞋), all folded the way `kiosk_core::text::fold` folds.
//!
//! When indexing, a hyphenated word is indexed whole, by its parts and
//! joined up (`Bar-B-Q` → `bar-b-q`, `bar`, `b`, `q`, `barbq`), and a word
//! where digits meet letters whole and by its parts (`27in` → `27in`, `27`,
//! `in`), so a shopper finds it however they write it; a query keeps its
//! words as they are. The short fields (title, brand, category, tags,
//! colours) hold their words whole ([`STEMMED_WHOLE`]) and the parts go to
//! a field of their own ([`STEMMED_PARTS`]), so a title's length, which
//! BM25 weighs a word against, counts the words a shopper reads, not a
//! model code's five parts.

use kiosk_core::Lang;
use kiosk_core::text::tokenize;
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Tokenizer names registered on every index.
pub const PLAIN: &str = "kiosk_plain";
pub const STEMMED: &str = "kiosk_stem";
/// Stemmed words whole, without their parts: the short text fields.
pub const STEMMED_WHOLE: &str = "kiosk_stem_whole";
/// Only the parts and joined forms of the words that have parts, at the
/// positions [`split_with_parts`] gives them: the short fields' parts.
pub const STEMMED_PARTS: &str = "kiosk_stem_parts";

/// Which tokens of a text the tokenizer emits.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub enum Split {
    /// The words as they are ([`split`]; the query side).
    #[default]
    Whole,
    /// The words and the parts and joined forms of those that have parts
    /// ([`split_with_parts`]).
    WithParts,
    /// Only the parts and joined forms ([`split_parts_only`]).
    PartsOnly,
}

#[derive(Clone, Default)]
pub struct KioskTokenizer {
    pub split: Split,
}

pub struct KioskTokenStream {
    tokens: Vec<Token>,
    pos: usize,
}

impl Tokenizer for KioskTokenizer {
    type TokenStream<'a> = KioskTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KioskTokenStream {
        KioskTokenStream {
            tokens: match self.split {
                Split::Whole => split(text),
                Split::WithParts => split_with_parts(text),
                Split::PartsOnly => split_parts_only(text),
            },
            pos: usize::MAX,
        }
    }
}

impl TokenStream for KioskTokenStream {
    fn advance(&mut self) -> bool {
        self.pos = self.pos.wrapping_add(1);
        self.pos < self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.pos]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.pos]
    }
}

/// The index tokens of a text, in order, with positions.
pub fn split(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut position = 0;
    for t in tokenize(text) {
        if t.cjk {
            let chars: Vec<(usize, char)> = text[t.start..t.end].char_indices().collect();
            let folded: Vec<char> = t.text.chars().collect();
            if folded.len() == 1 {
                out.push(token(folded.iter().collect(), t.start, t.end, position));
                position += 1;
                continue;
            }
            for i in 0..folded.len().saturating_sub(1) {
                let from = t.start + chars.get(i).map_or(0, |c| c.0);
                let to = t.start + chars.get(i + 2).map_or(t.end - t.start, |c| c.0);
                out.push(token(folded[i..i + 2].iter().collect(), from, to, position));
                position += 1;
            }
        } else {
            out.push(token(t.text, t.start, t.end, position));
            position += 1;
        }
    }
    out
}

/// The index tokens of a text: [`split`], plus the parts ([`word_parts`])
/// and the joined form of each hyphenated word or number with its unit. The whole word and its first part share a
/// position and the parts take consecutive ones, so a phrase of the parts
/// (`bar b q`) matches as well as the whole word.
pub fn split_with_parts(text: &str) -> Vec<Token> {
    with_parts(text, true)
}

/// The tokens [`split_with_parts`] adds to [`split`]: the joined form and
/// the parts of each word that has parts, at the same positions.
pub fn split_parts_only(text: &str) -> Vec<Token> {
    with_parts(text, false)
}

fn with_parts(text: &str, whole: bool) -> Vec<Token> {
    let mut out = Vec::new();
    let mut shift = 0;
    for mut t in split(text) {
        t.position += shift;
        let parts = word_parts(&t.text);
        if parts.len() < 2 {
            if whole {
                out.push(t);
            }
            continue;
        }
        let (from, to, position) = (t.offset_from, t.offset_to, t.position);
        let joined: String = parts.concat();
        let word = t.text.clone();
        if whole {
            out.push(t);
        }
        if joined != word {
            out.push(token(joined, from, to, position));
        }
        for (i, part) in parts.iter().enumerate() {
            out.push(token(part.clone(), from, to, position + i));
        }
        shift += parts.len() - 1;
    }
    out
}

/// The parts of a word: split at hyphens and where digits meet letters
/// (`27in` → `27`, `in`; `2.5mm` → `2.5`, `mm`; `bar-b-q` → `bar`, `b`,
/// `q`). One part when there is nothing to split.
pub fn word_parts(word: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for piece in word.split('-').filter(|p| !p.is_empty()) {
        let mut current = String::new();
        let mut digits: Option<bool> = None;
        for c in piece.chars() {
            let is_digit = c.is_ascii_digit() || matches!(c, '.' | ',');
            if digits.is_some_and(|d| d != is_digit) {
                parts.push(std::mem::take(&mut current));
            }
            digits = Some(is_digit);
            current.push(c);
        }
        if !current.is_empty() {
            parts.push(current);
        }
    }
    parts
}

fn token(text: String, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text,
        position_length: 1,
    }
}

/// The analyzers a query is read with, for a catalog written in `lang`:
/// stemming for English and Dutch, plain words for Indonesian (its affixes
/// carry meaning a stemmer would lose on product names), bigrams for
/// Chinese.
pub fn analyzers(lang: Lang) -> (TextAnalyzer, TextAnalyzer) {
    build_analyzers(lang, Split::Whole)
}

/// The analyzers a catalog is indexed with: those of [`analyzers`], with
/// hyphenated words also split into their parts.
pub fn index_analyzers(lang: Lang) -> (TextAnalyzer, TextAnalyzer) {
    build_analyzers(lang, Split::WithParts)
}

fn build_analyzers(lang: Lang, split: Split) -> (TextAnalyzer, TextAnalyzer) {
    let tokenizer = KioskTokenizer { split };
    let plain = TextAnalyzer::builder(tokenizer.clone()).build();
    let stemmed = match lang {
        Lang::En => TextAnalyzer::builder(tokenizer)
            .filter(Stemmer::new(Language::English))
            .build(),
        Lang::Nl => TextAnalyzer::builder(tokenizer)
            .filter(Stemmer::new(Language::Dutch))
            .build(),
        Lang::Id | Lang::Zh => TextAnalyzer::builder(tokenizer).build(),
    };
    (plain, stemmed)
}

/// Registers the indexing analyzers on `index` (Tantivy uses the registered
/// ones when it writes documents).
pub fn register(index: &tantivy::Index, lang: Lang) {
    let (plain, stemmed) = index_analyzers(lang);
    index.tokenizers().register(PLAIN, plain);
    index.tokenizers().register(STEMMED, stemmed);
    index
        .tokenizers()
        .register(STEMMED_WHOLE, build_analyzers(lang, Split::Whole).1);
    index
        .tokenizers()
        .register(STEMMED_PARTS, build_analyzers(lang, Split::PartsOnly).1);
}

/// Runs an analyzer over a text and returns the token texts.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}
