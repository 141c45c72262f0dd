//! The tokenizer shared by indexing and querying: words for alphabetic
//! scripts, overlapping bigrams for CJK runs (so 跑鞋 matches inside
//! 輕量跑鞋), all folded the way `kiosk_core::text::fold` folds.
//!
//! When indexing, a hyphenated word is indexed whole, by its parts and
//! joined up (`Bar-B-Q` → `bar-b-q`, `bar`, `b`, `q`, `barbq`), and a word
//! where digits meet letters whole and by its parts (`27in` → `27in`, `27`,
//! `in`), so a shopper finds it however they write it; a query keeps its
//! words as they are.

use kiosk_core::Lang;
use kiosk_core::text::tokenize;
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Tokenizer names registered on every index.
pub const PLAIN: &str = "kiosk_plain";
pub const STEMMED: &str = "kiosk_stem";

#[derive(Clone, Default)]
pub struct KioskTokenizer {
    /// Also emit the parts and the joined form of hyphenated words (the
    /// index side).
    pub parts: bool,
}

pub struct KioskTokenStream {
    tokens: Vec<Token>,
    pos: usize,
}

impl Tokenizer for KioskTokenizer {
    type TokenStream<'a> = KioskTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KioskTokenStream {
        KioskTokenStream {
            tokens: if self.parts {
                split_with_parts(text)
            } else {
                split(text)
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
    let mut out = Vec::new();
    let mut shift = 0;
    for mut t in split(text) {
        t.position += shift;
        let parts = word_parts(&t.text);
        if parts.len() < 2 {
            out.push(t);
            continue;
        }
        let (from, to, position) = (t.offset_from, t.offset_to, t.position);
        let joined: String = parts.concat();
        let whole = t.text.clone();
        out.push(t);
        if joined != whole {
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
    build_analyzers(lang, false)
}

/// The analyzers a catalog is indexed with: those of [`analyzers`], with
/// hyphenated words also split into their parts.
pub fn index_analyzers(lang: Lang) -> (TextAnalyzer, TextAnalyzer) {
    build_analyzers(lang, true)
}

fn build_analyzers(lang: Lang, parts: bool) -> (TextAnalyzer, TextAnalyzer) {
    let tokenizer = KioskTokenizer { parts };
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
