//! From a shopper's words to a ranked list of products.
//!
//! Search adds and never replaces: the shopper's own words are always
//! searched. The query is read against the lexicon, and a concept it names
//! adds the catalog's words for it (`regenjassen` → `rain jacket`,
//! `trainers` → `sneakers`), but only words this store's index holds
//! ([`StoreVocabulary`]), and below the shopper's own word when the store
//! holds that too. A word the store does not hold is also matched within a
//! typo budget and by sound; a word it holds is never "corrected". A
//! group's alternatives count once, by the best of them. Products that
//! match every group of the query come first; when too few do, products
//! matching some follow, by score scaled by the share they match. A word
//! scores in each text field and in the product's whole text (the title
//! counted thrice), so a title word leads and a long description cannot
//! bury it. A stop word beside other words only adds its score; a
//! query of stop words alone searches for them. A word where digits meet
//! letters (`27in`, `16mm`) also matches its parts as a phrase. A word the
//! shopper excludes ("headphones without mic", "不含酒精") is not required:
//! a product that has it counts as missing one of the query's words, one
//! that says it lacks it ("no mic", "mic-free") ranks higher, and when
//! nothing has the wanted words the excluded ones are searched as wanted.
//! Filters always apply; in-stock products rank first; equal scores are
//! ordered by rowid.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Arc;

use kiosk_core::text::{is_stopword, strip_cjk_stopwords, typo_budget};
use kiosk_core::{ConceptKind, Filters, Lang, Lexicon};
use serde::Serialize;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::EnableScoring;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery,
    Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocSet, Index, IndexReader, ReloadPolicy, Score, SegmentReader, Term};

use super::spell::SpellIndex;
use super::vocab::StoreVocabulary;
use super::{Fields, analyzer, color_term, option_key, size_color_term, size_term};
use crate::error::{Error, Result};

/// How a query was read: the groups a product must match, for `--explain`
/// and for tests.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueryPlan {
    pub groups: Vec<Group>,
    /// Words that were ignored as carrying no product meaning.
    pub ignored: Vec<String>,
    /// The query held nothing but stop words, so they are searched; when no
    /// product has them, the search browses by its filters alone.
    pub stopwords_only: bool,
    /// What the shopper does not want ("headphones without mic": `mic`).
    /// A product needs none of these words; one that has a word, other
    /// than as "no mic", "mic free" and the like, counts as missing one of
    /// the query's words, and one that says so ranks higher.
    pub negated: Vec<Group>,
}

/// Words that exclude the word after them from what the shopper wants,
/// in the kiosk's languages and their neighbours'. A number after one is
/// not excluded (`no 5` names a number), nor a stop word (`without me`).
const NEGATORS: &[&str] = &[
    "without", "no", "not", "non", "zonder", "geen", "niet", "tanpa", "bukan", "tidak", "sin",
    "sans", "ohne", "senza", "sem",
];

/// Words between a negator and the word it excludes: "without any sugar".
const NEGATED_DETERMINERS: &[&str] = &[
    "a", "an", "any", "the", "de", "het", "een", "el", "la", "los", "las", "un", "una", "le",
    "les", "une", "des", "du", "der", "die", "das",
];

/// Words that carry an exclusion on to the next word: "without ammonia or
/// peroxide".
const NEGATION_JOINERS: &[&str] = &[
    "or", "nor", "and", "of", "en", "atau", "dan", "y", "o", "ni", "ou", "et", "oder", "und",
];

/// Words after an excluded word that say a product lacks it: "BPA free",
/// "mic-free".
const NEGATING_SUFFIXES: &[&str] = &["free"];

/// In Chinese text, what excludes the rest of its phrase ("不含酒精", no
/// alcohol), and what says a product lacks it ("無酒精"). `無`/`无` alone
/// is not read as a negation in a query: `無線` is "wireless".
const CJK_NEGATORS: &[&str] = &["不含"];
const CJK_NEGATING_PREFIXES: &[&str] = &["不含", "無", "无"];

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The shopper's words this group came from.
    pub from: String,
    pub alternatives: Vec<Alt>,
}

/// One way a group can match.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alt {
    /// Catalog words, stemmed, anywhere in the text fields (phrase when
    /// several).
    Words { text: String, boost: f32 },
    /// An index word a few edits from the shopper's (a typo).
    Fuzzy { word: String },
    /// Index words starting with this (type-ahead).
    Prefix { word: String },
    /// An index word that sounds like the shopper's.
    SoundsLike { word: String },
    /// A size/colour option term.
    Option { term: String },
    /// The product is in this category.
    Category { key: String, boost: f32 },
}

pub struct IndexSearcher {
    reader: IndexReader,
    fields: Fields,
    stemmed: TextAnalyzer,
    spell: SpellIndex,
    lexicon: Arc<Lexicon>,
    store_lang: Lang,
    /// Category concept → the catalog's category, as the catalog spells it.
    concept_category: HashMap<usize, String>,
    /// The store's own words and option values, from its index.
    vocabulary: StoreVocabulary,
    /// Per lexicon concept, its words in the store's language and in
    /// English that the store's index holds: the only words a concept can
    /// add to a query.
    concept_words: Vec<Vec<String>>,
}

/// Weight of a concept's words beside the shopper's own word when the store
/// holds the shopper's word and the concept came from another language
/// (Dutch `jack` = jacket, in a store selling audio jacks): the store's own
/// use of the word is the better evidence.
const HELD_EXPANSION_BOOST: f32 = 0.3;

/// Weight of a same-language synonym beside the shopper's own word when the
/// store holds that word too (`kids` → `children`): the literal word ranks
/// first, the synonym still finds more.
const SYNONYM_BOOST: f32 = 0.5;

/// How strongly a partial match's score falls with the share of the query's
/// groups it leaves out: `score × (matched / groups)^COVERAGE_EXPONENT`.
/// Below 1, so a rare word matched still outranks two common ones.
const COVERAGE_EXPONENT: f32 = 0.5;

/// What a word found only in a product's description counts for beside
/// one found in its title, brand, category, tags or options, when a
/// partial match is weighed by the share of the query it covers: a long
/// description mentions many things the product is not.
const DESCRIPTION_ONLY_SHARE: f32 = 0.5;

/// Weight of a stop word the shopper wrote ("shoes for women"): a bonus
/// for products that have it, never a condition. Its BM25 weight is small
/// for a word most products have, larger where the word is rare.
const STOPWORD_BOOST: f32 = 1.0;

/// Weight of the all-text field beside the per-field scores: enough to
/// order products by how much of their whole text a word is, low enough
/// that a word only in a description (a jacket's "hood") stays below one in
/// a title (a "hoodie" typed as `hood`).
const ALL_TEXT_WEIGHT: f32 = 0.3;

/// Weight of the parts of the short fields' words (`shirt` of `T-Shirt`,
/// `20` of `20V`): a title's word, mostly, weighed as one.
const PARTS_WEIGHT: f32 = 3.0;

/// Text fields searched for catalog words, with their weights.
type FieldOf = fn(&Fields) -> Field;

const TEXT_WEIGHTS: [(FieldOf, f32); 6] = [
    (|f| f.title, 3.0),
    (|f| f.category, 2.5),
    (|f| f.brand, 2.0),
    (|f| f.tags, 1.2),
    (|f| f.colors, 1.5),
    (|f| f.description, 0.3),
];

/// A search hit: (score, rowid, groups and exclusions satisfied, score
/// before the coverage, document).
type Hit = (Score, u64, usize, Score, DocAddress);

/// A query, when there is anything to ask.
type MaybeQuery = Option<Box<dyn Query>>;

/// Score factor for products with nothing in stock.
const OUT_OF_STOCK_FACTOR: Score = 0.4;

impl IndexSearcher {
    pub fn open(
        path: &std::path::Path,
        lang: Lang,
        lexicon: Arc<Lexicon>,
        categories: &[(String, u64)],
    ) -> Result<IndexSearcher> {
        let index = Index::open_in_dir(path)
            .map_err(Error::index(format!("opening {}", path.display())))?;
        analyzer::register(&index, lang);
        let fields = Fields::from_schema(&index.schema())
            .map_err(Error::index("reading the index schema"))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(Error::index("opening the index reader"))?;
        let searcher = reader.searcher();
        let spell = SpellIndex::build(&searcher, fields.words)
            .map_err(Error::index("reading the word list"))?;
        let vocabulary = StoreVocabulary::read(&searcher, &fields)
            .map_err(Error::index("reading the store's vocabulary"))?;
        let (_, mut stemmed) = analyzer::analyzers(lang);
        let concept_words = lexicon
            .concepts()
            .iter()
            .map(|concept| {
                let mut words: Vec<String> = Vec::new();
                let langs: &[Lang] = if lang == Lang::En {
                    &[Lang::En]
                } else {
                    &[lang, Lang::En]
                };
                for l in langs {
                    for w in concept.terms(*l) {
                        if !words.contains(w) && vocabulary.holds(&mut stemmed, w) {
                            words.push(w.clone());
                        }
                    }
                }
                words
            })
            .collect();
        let mut concept_category = HashMap::new();
        let category_keys: HashMap<String, String> = categories
            .iter()
            .map(|(name, _)| (option_key(name), name.clone()))
            .collect();
        for (idx, concept) in lexicon.concepts().iter().enumerate() {
            if concept.kind != ConceptKind::Category {
                continue;
            }
            let found = concept
                .terms(lang)
                .iter()
                .chain(concept.terms(Lang::En))
                .find_map(|t| category_keys.get(&option_key(t)));
            if let Some(key) = found {
                concept_category.insert(idx, key.clone());
            }
        }
        Ok(IndexSearcher {
            reader,
            fields,
            stemmed,
            spell,
            lexicon,
            store_lang: lang,
            concept_category,
            vocabulary,
            concept_words,
        })
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The catalog category a lexicon concept names, if the store has it.
    pub fn category_of_concept(&self, concept: usize) -> Option<&str> {
        self.concept_category.get(&concept).map(String::as_str)
    }

    /// Reads a query into groups of alternatives, and the words the
    /// shopper does not want. A query whose every word is negated ("not
    /// ok") is read as plain words.
    pub fn plan(&self, text: &str, prefix: bool) -> QueryPlan {
        let plan = self.plan_with(text, prefix, true);
        if plan.groups.is_empty() && !plan.negated.is_empty() {
            return self.plan_with(text, prefix, false);
        }
        plan
    }

    fn plan_with(&self, text: &str, prefix: bool, negation: bool) -> QueryPlan {
        // While typing, the last word is unfinished: it is matched as a
        // prefix on its own, not read against the vocabulary.
        let (text, unfinished) = match kiosk_core::text::tokenize(text).last() {
            Some(last)
                if prefix
                    && !last.cjk
                    && last.end == text.trim_end().len()
                    && last.end == text.len() =>
            {
                (&text[..last.start], Some(last.text.clone()))
            }
            _ => (text, None),
        };
        let prefix = prefix && unfinished.is_none();
        let analysis = self.lexicon.analyze(text);
        let mut plan = QueryPlan::default();
        // Mentions and leftover words in text order.
        enum Piece<'a> {
            Mention(&'a kiosk_core::Mention),
            Word(&'a kiosk_core::text::Token),
        }
        let mut pieces: Vec<(usize, Piece<'_>)> = analysis
            .mentions
            .iter()
            .map(|m| (m.start, Piece::Mention(m)))
            .chain(analysis.residual.iter().map(|t| (t.start, Piece::Word(t))))
            .collect();
        pieces.sort_by_key(|(start, _)| *start);
        let last_start = pieces.last().map(|(s, _)| *s);
        // Which pieces a negator excludes, and the negators (with the words
        // between) that are read as such and searched no further.
        let mut negated = vec![false; pieces.len()];
        let mut dropped = vec![false; pieces.len()];
        if negation {
            let word_of = |i: usize| match pieces.get(i).map(|p| &p.1) {
                Some(Piece::Word(t)) if !t.cjk => Some(t.text.as_str()),
                _ => None,
            };
            // A word or concept that can be excluded: not a stop word, a
            // number or another negator.
            let excludable = |i: usize| match pieces.get(i).map(|p| &p.1) {
                Some(Piece::Mention(m)) => !text[m.start..m.end].contains(kiosk_core::text::is_cjk),
                Some(Piece::Word(t)) => {
                    !t.cjk
                        && !is_stopword(&t.text)
                        && !NEGATORS.contains(&t.text.as_str())
                        && !t.text.starts_with(|c: char| c.is_ascii_digit())
                }
                None => false,
            };
            let mut i = 0;
            while i < pieces.len() {
                if !word_of(i).is_some_and(|w| NEGATORS.contains(&w)) {
                    i += 1;
                    continue;
                }
                let mut j = i + 1;
                while word_of(j).is_some_and(|w| NEGATED_DETERMINERS.contains(&w)) {
                    j += 1;
                }
                if !excludable(j) {
                    i += 1;
                    continue;
                }
                dropped[i..j].iter_mut().for_each(|d| *d = true);
                negated[j] = true;
                // "without ammonia or peroxide"
                while word_of(j + 1).is_some_and(|w| NEGATION_JOINERS.contains(&w))
                    && excludable(j + 2)
                {
                    dropped[j + 1] = true;
                    negated[j + 2] = true;
                    j += 2;
                }
                i = j + 1;
            }
            // A word both wanted and excluded ("vitamin without vitamin k")
            // is read as wanted, with its negator.
            let literal = |i: usize| match &pieces[i].1 {
                Piece::Mention(m) => option_key(&text[m.start..m.end]),
                Piece::Word(t) => t.text.clone(),
            };
            for j in 0..pieces.len() {
                if negated[j]
                    && (0..pieces.len())
                        .any(|k| !negated[k] && !dropped[k] && literal(k) == literal(j))
                {
                    negated[j] = false;
                    for k in (0..j).rev() {
                        if !dropped[k] {
                            break;
                        }
                        dropped[k] = false;
                    }
                }
            }
        }
        // (group, piece, word) of each group read from one plain word.
        let mut word_groups: Vec<(usize, usize, String)> = Vec::new();
        for (piece_idx, (start, piece)) in pieces.iter().enumerate() {
            let is_last = Some(*start) == last_start;
            if dropped[piece_idx] {
                continue;
            }
            if negated[piece_idx] {
                let from = match piece {
                    Piece::Mention(m) => &text[m.start..m.end],
                    Piece::Word(t) => &text[t.start..t.end],
                };
                let word = match piece {
                    Piece::Mention(m) => option_key(&text[m.start..m.end]),
                    Piece::Word(t) => t.text.clone(),
                };
                plan.negated.push(Group {
                    from: from.to_string(),
                    alternatives: vec![Alt::Words {
                        text: word,
                        boost: 1.0,
                    }],
                });
                continue;
            }
            match piece {
                Piece::Mention(m) => {
                    let literal = &text[m.start..m.end];
                    plan.groups.push(Group {
                        from: literal.to_string(),
                        alternatives: self.mention_alternatives(m, literal),
                    });
                }
                Piece::Word(t) => {
                    if t.cjk {
                        for part in strip_cjk_stopwords(&t.text) {
                            // "不含酒精": the rest of the phrase is excluded.
                            let negator = CJK_NEGATORS
                                .iter()
                                .filter_map(|n| part.find(n).map(|at| (at, n.len())))
                                .min();
                            if let Some((at, len)) = negator.filter(|_| negation) {
                                let (before, after) = (&part[..at], &part[at + len..]);
                                if !after.is_empty() {
                                    for (words, list) in
                                        [(before, &mut plan.groups), (after, &mut plan.negated)]
                                    {
                                        if !words.is_empty() {
                                            list.push(Group {
                                                from: words.to_string(),
                                                alternatives: vec![Alt::Words {
                                                    text: words.to_string(),
                                                    boost: 1.0,
                                                }],
                                            });
                                        }
                                    }
                                    continue;
                                }
                            }
                            plan.groups.push(Group {
                                from: part.clone(),
                                alternatives: vec![Alt::Words {
                                    text: part,
                                    boost: 1.0,
                                }],
                            });
                        }
                        continue;
                    }
                    let word = t.text.as_str();
                    if is_stopword(word) && !(prefix && is_last) {
                        plan.ignored.push(word.to_string());
                        continue;
                    }
                    word_groups.push((plan.groups.len(), piece_idx, word.to_string()));
                    plan.groups.push(Group {
                        from: text[t.start..t.end].to_string(),
                        alternatives: self.word_alternatives(word, prefix && is_last),
                    });
                }
            }
        }
        // Two words the store writes as one (`night stand` → `nightstand`):
        // a product with the joined word matches both.
        for pair in word_groups.windows(2) {
            let ((g1, p1, a), (g2, p2, b)) = (&pair[0], &pair[1]);
            let joined = format!("{a}{b}");
            if *p2 == p1 + 1 && self.spell.contains(&joined) {
                for g in [*g1, *g2] {
                    plan.groups[g].alternatives.push(Alt::Words {
                        text: joined.clone(),
                        boost: 1.0,
                    });
                }
            }
        }
        if plan.groups.is_empty() && unfinished.is_none() && !plan.ignored.is_empty() {
            // Nothing but stop words ("the who", "it"): they are the query.
            plan.stopwords_only = true;
            for word in std::mem::take(&mut plan.ignored) {
                plan.groups.push(Group {
                    from: word.clone(),
                    alternatives: vec![Alt::Words {
                        text: word,
                        boost: 1.0,
                    }],
                });
            }
        }
        if let Some(word) = unfinished {
            let mut alternatives = vec![
                Alt::Words {
                    text: word.clone(),
                    boost: 1.0,
                },
                Alt::Prefix { word: word.clone() },
            ];
            if !self.spell.has_prefix(&word) {
                // No word starts so: a typo in what was typed so far.
                alternatives.extend(self.word_alternatives(&word, false).into_iter().skip(1));
            }
            plan.groups.push(Group {
                from: word,
                alternatives,
            });
        }
        plan
    }

    /// Whether a group's words are foreign to the store: none of its
    /// words is in the store's text (a typo or sound-alike match does not
    /// count) and it names no category or option. Such a word may be
    /// another language's, searched through the store's own word for it
    /// too (`Snapshot`'s store-word translation).
    pub fn is_foreign(&self, group: &Group) -> bool {
        let word = group.from.trim();
        let n = word.chars().count();
        let cjk = word.chars().any(kiosk_core::text::is_cjk);
        if n > 32 || n < if cjk { 2 } else { 3 } || word.chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        group.alternatives.iter().all(|alt| match alt {
            Alt::Words { text, .. } => !self.holds(text),
            Alt::Fuzzy { .. } | Alt::SoundsLike { .. } => true,
            Alt::Prefix { .. } | Alt::Option { .. } | Alt::Category { .. } => false,
        })
    }

    /// Whether the store's index holds `text` (every word of it, stemmed).
    fn holds(&self, text: &str) -> bool {
        self.vocabulary.holds(&mut self.stemmed.clone(), text)
    }

    /// Whether the store holds one word as the shopper wrote it: in its
    /// titles, brands, categories, tags or colours, or anywhere in its
    /// product text once stemming took off no more than an ending
    /// (`galvanised`, but not `earings`, which stems to `ear`). Only a word
    /// the store does not hold is read as a typo.
    fn holds_word(&self, word: &str) -> bool {
        let folded = kiosk_core::text::fold(word);
        if self.spell.contains(&folded) {
            return true;
        }
        let terms = analyzer::terms(&mut self.stemmed.clone(), &folded);
        terms.len() == 1
            && folded.chars().count() <= terms[0].chars().count() + 2
            && self.vocabulary.holds_stem(&terms[0])
    }

    /// The alternatives for words that name a lexicon concept: the
    /// shopper's words themselves, then the concept's words this store
    /// holds, its category and its option value. A match that needed the
    /// typo budget counts only for a word the store does not hold.
    fn mention_alternatives(&self, m: &kiosk_core::Mention, literal: &str) -> Vec<Alt> {
        let concept = self.lexicon.concept(m.concept);
        if !m.exact && self.holds_word(literal) {
            // `bolts` is not a typo of `belts` in a store that sells bolts.
            return vec![Alt::Words {
                text: literal.to_string(),
                boost: 1.0,
            }];
        }
        // Past this point a typo match is of a word the store does not hold.
        let held = m.exact && self.holds(literal);
        // The concept's words are the store's language (a synonym), or
        // another language's.
        let own = m.langs.contains(self.store_lang);
        let mut alternatives = vec![Alt::Words {
            text: literal.to_string(),
            boost: 1.0,
        }];
        let boost = if held && !own {
            HELD_EXPANSION_BOOST
        } else if held {
            SYNONYM_BOOST
        } else {
            1.0
        };
        let literal_key = option_key(literal);
        for w in &self.concept_words[m.concept] {
            if option_key(w) != literal_key {
                alternatives.push(Alt::Words {
                    text: w.clone(),
                    boost,
                });
            }
        }
        // A word of another language that this store uses for something of
        // its own (Dutch `pet` in a pet shop) brings no category or option.
        if held && !own {
            return alternatives;
        }
        match concept.kind {
            ConceptKind::Category => {
                if let Some(name) = self.concept_category.get(&m.concept) {
                    alternatives.push(Alt::Category {
                        key: option_key(name),
                        boost: 4.0 * boost,
                    });
                }
            }
            ConceptKind::Color => {
                let term = color_term(concept.name(self.store_lang));
                if self.vocabulary.has_option(&term) {
                    alternatives.push(Alt::Option { term });
                }
            }
            ConceptKind::Size => {
                let term = size_term(&concept.id);
                if self.vocabulary.has_option(&term) {
                    alternatives.push(Alt::Option { term });
                }
            }
            _ => {}
        }
        if !m.exact && !literal.contains(char::is_whitespace) {
            // A misspelling the lexicon recognised: the store's own words
            // near it count too.
            for alt in self
                .word_alternatives(&option_key(literal), false)
                .into_iter()
                .skip(1)
            {
                if !matches!(alt, Alt::Option { .. }) {
                    alternatives.push(alt);
                }
            }
        }
        alternatives
    }

    fn word_alternatives(&self, word: &str, prefix: bool) -> Vec<Alt> {
        let mut alts = vec![Alt::Words {
            text: word.to_string(),
            boost: 1.0,
        }];
        if word.chars().all(|c| c.is_ascii_digit() || c == '.') {
            alts.push(Alt::Option {
                term: size_term(word),
            });
        }
        let parts = analyzer::word_parts(word);
        if !word.contains('-') && parts.len() > 1 {
            // `27in` finds `27 in` and `27-in` as well.
            alts.push(Alt::Words {
                text: parts.join(" "),
                boost: 1.0,
            });
        }
        if word.contains('-') {
            // `sub-zero` finds `Subzero` and `sub zero` as well.
            let parts: Vec<&str> = word.split('-').filter(|p| !p.is_empty()).collect();
            if parts.len() > 1 {
                alts.push(Alt::Words {
                    text: parts.concat(),
                    boost: 1.0,
                });
                alts.push(Alt::Words {
                    text: parts.join(" "),
                    boost: 1.0,
                });
            }
        }
        if prefix {
            alts.push(Alt::Prefix {
                word: word.to_string(),
            });
        }
        if !word.chars().any(|c| c.is_ascii_digit()) && !self.holds_word(word) {
            if let Some((a, b)) = self.split_compound(word) {
                // One word the store writes as two (`bookcase` → `book case`).
                alts.push(Alt::Words {
                    text: format!("{a} {b}"),
                    boost: 1.0,
                });
            }
            for near in self.spell.near(word, typo_budget(word)) {
                alts.push(Alt::Fuzzy { word: near });
            }
            for similar in self.spell.sounds_like(word) {
                if !alts
                    .iter()
                    .any(|a| matches!(a, Alt::Fuzzy { word } if *word == similar))
                {
                    alts.push(Alt::SoundsLike { word: similar });
                }
            }
        }
        alts
    }

    /// Splits a word the store does not hold into two it does, each at
    /// least three letters, as evenly as possible.
    fn split_compound<'w>(&self, word: &'w str) -> Option<(&'w str, &'w str)> {
        if !word.chars().all(char::is_alphabetic) {
            return None;
        }
        word.char_indices()
            .map(|(i, _)| i)
            .filter(|&i| word[..i].chars().count() >= 3 && word[i..].chars().count() >= 3)
            .filter(|&i| self.spell.contains(&word[..i]) && self.spell.contains(&word[i..]))
            .max_by_key(|&i| word[..i].chars().count().min(word[i..].chars().count()))
            .map(|i| (&word[..i], &word[i..]))
    }

    /// Runs a search; returns product rowids with scores, best first, and
    /// whether each matched every group of the query (a full match) or was
    /// added because too few did.
    pub fn search(
        &self,
        text: &str,
        prefix: bool,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<(u64, Score, bool)>> {
        let plan = self.plan(text, prefix);
        self.search_plan(&plan, filters, limit)
    }

    pub fn search_plan(
        &self,
        plan: &QueryPlan,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<(u64, Score, bool)>> {
        let searcher = self.reader.searcher();
        let filter_clauses = self.filter_clauses(filters);
        let group_queries: Vec<Box<dyn Query>> =
            plan.groups.iter().map(|g| self.group_query(g)).collect();
        // The stop words the plan set aside ("for women", "two piece")
        // rank the products that have them a little higher; they never
        // decide which products match.
        let stop_query: Option<Box<dyn Query>> = (!plan.ignored.is_empty()).then(|| {
            let q: Vec<Box<dyn Query>> = plan
                .ignored
                .iter()
                .filter_map(|w| {
                    self.alt_query(&Alt::Words {
                        text: w.clone(),
                        boost: STOPWORD_BOOST,
                    })
                })
                .collect();
            Box::new(BooleanQuery::union(q)) as Box<dyn Query>
        });
        // Each excluded word: the products that say they lack it ("no
        // mic", "mic-free") rank higher; those that have it otherwise
        // count as missing one word of the query.
        let mut lack_queries: Vec<Box<dyn Query>> = Vec::new();
        let mut violations: HashMap<u64, usize> = HashMap::new();
        let mut negated_weights: Vec<f32> = Vec::new();
        for group in &plan.negated {
            let (has, lacks) = self.negation_queries(group);
            let Some(has) = has else {
                negated_weights.push(0.0);
                continue;
            };
            negated_weights.push(self.rarity(&searcher, &*has)?);
            let violating: Box<dyn Query> = match &lacks {
                Some(lacks) => Box::new(BooleanQuery::new(vec![
                    (Occur::Must, has),
                    (Occur::MustNot, lacks.box_clone()),
                ])),
                None => has,
            };
            for rowid in self.rowids(&*violating)? {
                *violations.entry(rowid).or_default() += 1;
            }
            lack_queries.extend(lacks);
        }
        let n_negated = plan.negated.len();
        let violations = Arc::new(violations);
        // The best `n` products for `query` under the filters, which match
        // at least `need` of the groups: (score, rowid, groups and
        // exclusions satisfied), by score, then by rowid, so equal scores
        // always come back in the same order however the import's threads
        // wrote the index. A product that matches every group and has no
        // excluded word comes first.
        let n_groups = group_queries.len();
        let n_total = n_groups + n_negated;
        let run = |query: Box<dyn Query>, n: usize, need: usize| -> Result<Vec<Hit>> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = filter_clauses
                .iter()
                .map(|(o, q)| (*o, q.box_clone()))
                .collect();
            clauses.push((Occur::Must, query));
            if let Some(q) = &stop_query {
                clauses.push((Occur::Should, q.box_clone()));
            }
            for q in &lack_queries {
                clauses.push((Occur::Should, q.box_clone()));
            }
            let query = BooleanQuery::new(clauses);
            let violations = Arc::clone(&violations);
            let collector =
                TopDocs::with_limit(n.max(1)).tweak_score(move |segment: &SegmentReader| {
                    let fast = segment.fast_fields();
                    let in_stock = fast
                        .u64("in_stock")
                        .expect("in_stock is a fast field of every kiosk index")
                        .first_or_default_col(0);
                    let rowid = fast
                        .u64("rowid")
                        .expect("rowid is a fast field of every kiosk index")
                        .first_or_default_col(0);
                    let violations = Arc::clone(&violations);
                    move |doc, score: Score| {
                        let score = if in_stock.get_val(doc) > 0 {
                            score
                        } else {
                            score * OUT_OF_STOCK_FACTOR
                        };
                        let rowid = rowid.get_val(doc);
                        let matched = need + n_negated
                            - violations.get(&rowid).copied().unwrap_or(0).min(n_negated);
                        let raw = score;
                        let score = if n_total == 0 {
                            score
                        } else {
                            coverage_score(score, matched, n_total)
                        };
                        (matched == n_total, score, Reverse(rowid), matched, raw)
                    }
                });
            Ok(searcher
                .search(&query, &collector)
                .map_err(Error::index("searching"))?
                .into_iter()
                .map(|((_, score, Reverse(rowid), matched, raw), address)| {
                    (score, rowid, matched, raw, address)
                })
                .collect())
        };
        // (score, rowid, groups and exclusions satisfied, score before the
        // coverage, document), best first.
        let mut hits: Vec<Hit> = Vec::new();
        if n_groups == 0 {
            // Browsing by filters alone: every product scores the same
            // before the in-stock preference.
            hits.extend(run(Box::new(AllQuery), limit, 0)?);
        }
        // Products that match all the groups come first. Below them, a
        // product's score is scaled by the share of groups it matches
        // (`COVERAGE_EXPONENT`), so more of the shopper's words win over a
        // few words repeated, and a rare word still counts for more than a
        // common one; an excluded word the product has counts as a group
        // missed. Each tier (products matching at least `need` groups)
        // gives its best `limit`: the final `limit` are always among them,
        // since the ranking rises with both the score and the groups
        // matched.
        for need in (1..=n_groups).rev() {
            if need == n_groups - 1 && hits.iter().filter(|h| h.2 == n_total).count() >= limit {
                break;
            }
            let query: Box<dyn Query> = if need == n_groups {
                Box::new(BooleanQuery::intersection(
                    group_queries.iter().map(|q| q.box_clone()).collect(),
                ))
            } else {
                Box::new(BooleanQuery::union_with_minimum_required_clauses(
                    group_queries.iter().map(|q| q.box_clone()).collect(),
                    need,
                ))
            };
            let mut taken = 0;
            for hit in run(query, limit + hits.len(), need)? {
                if taken >= limit {
                    break;
                }
                if !hits.iter().any(|h| h.1 == hit.1) {
                    hits.push(hit);
                    taken += 1;
                }
            }
        }
        let mut full_anywhere = None;
        if n_groups > 0 && n_total > 1 {
            full_anywhere = Some(self.weigh_partial_matches(
                &searcher,
                plan,
                &group_queries,
                &negated_weights,
                &violations,
                &mut hits,
            )?);
        }
        if n_groups > 0 {
            hits.sort_by(|a, b| {
                (b.2 == n_total)
                    .cmp(&(a.2 == n_total))
                    .then(b.0.total_cmp(&a.0))
                    .then(a.1.cmp(&b.1))
            });
        }
        hits.truncate(limit);
        if hits.is_empty() && !plan.negated.is_empty() {
            // Nothing has the wanted words: the excluded ones are searched
            // as wanted, rather than showing nothing.
            let mut plain = plan.clone();
            plain.groups.append(&mut plain.negated);
            return self.search_plan(&plain, filters, limit);
        }
        let mut n_full = hits.iter().filter(|h| h.2 == n_total).count();
        if hits.is_empty() && plan.stopwords_only {
            // No product has the stop words: browse by the filters, as a
            // query without words does.
            hits.extend(run(Box::new(AllQuery), limit, 0)?);
            n_full = hits.len();
        }
        Ok(
            monotone_scores(hits.into_iter().map(|h| (h.0, h.1, h.2)).collect())
                .into_iter()
                .enumerate()
                .map(|(i, (score, rowid))| {
                    let full = match &full_anywhere {
                        Some(set) if !set.is_empty() || n_full == 0 => set.contains(&rowid),
                        _ => i < n_full,
                    };
                    (rowid, score, full)
                })
                .collect(),
        )
    }

    /// How much matching `query` tells about a product: the inverse
    /// document frequency of what it matches in this store, as BM25 weighs
    /// a word, so a word few products have counts for more than one most
    /// have.
    fn rarity(&self, searcher: &tantivy::Searcher, query: &dyn Query) -> Result<f32> {
        let n = searcher.num_docs() as f32;
        let df = query.count(searcher).map_err(Error::index("counting"))? as f32;
        Ok((1.0 + (n - df + 0.5) / (df + 0.5)).ln())
    }

    /// Rescores the products that miss some of the query's words by the
    /// share of the query's rarity they match (each group weighed by
    /// [`Self::rarity`], each exclusion they respect by its word's), so a
    /// product with the one rare word the shopper wrote ("earrings")
    /// outranks one with two common ones ("small", "women"). Which groups a
    /// product matches is read from the index, so a product found in a
    /// lower tier than its matches counts them all.
    fn weigh_partial_matches(
        &self,
        searcher: &tantivy::Searcher,
        plan: &QueryPlan,
        group_queries: &[Box<dyn Query>],
        negated_weights: &[f32],
        violations: &HashMap<u64, usize>,
        hits: &mut [Hit],
    ) -> Result<std::collections::HashSet<u64>> {
        let n_groups = group_queries.len();
        let n_total = n_groups + negated_weights.len();
        let mut weights = Vec::with_capacity(n_groups);
        for q in group_queries {
            weights.push(self.rarity(searcher, &**q)?);
        }
        let total: f32 = weights.iter().chain(negated_weights).sum();
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by_key(|&i| (hits[i].4.segment_ord, hits[i].4.doc_id));
        // Per hit and group: 2 matched in a short field, 1 only in the
        // description, 0 not at all.
        let mut level = vec![vec![0u8; n_groups]; hits.len()];
        for (g, group) in plan.groups.iter().enumerate() {
            let strong_query = self.group_query_in(group, true);
            for (q, mark) in [(&group_queries[g], 1u8), (&strong_query, 2u8)] {
                let weight = q
                    .weight(EnableScoring::disabled_from_searcher(searcher))
                    .map_err(Error::index("searching"))?;
                let mut segment = None;
                let mut scorer: Option<Box<dyn tantivy::query::Scorer>> = None;
                for &i in &order {
                    let address = hits[i].4;
                    if segment != Some(address.segment_ord) {
                        segment = Some(address.segment_ord);
                        scorer = Some(
                            weight
                                .scorer(searcher.segment_reader(address.segment_ord), 1.0)
                                .map_err(Error::index("searching"))?,
                        );
                    }
                    let s = scorer.as_mut().expect("set above");
                    let at = if s.doc() < address.doc_id {
                        s.seek(address.doc_id)
                    } else {
                        s.doc()
                    };
                    if at == address.doc_id {
                        level[i][g] = level[i][g].max(mark);
                    }
                }
            }
        }
        let heaviest = negated_weights.iter().copied().fold(0f32, f32::max);
        let negated_total: f32 = negated_weights.iter().sum();
        let mut full_anywhere = std::collections::HashSet::new();
        for (i, hit) in hits.iter_mut().enumerate() {
            let broken = violations
                .get(&hit.1)
                .copied()
                .unwrap_or(0)
                .min(negated_weights.len());
            let any = level[i].iter().filter(|l| **l > 0).count();
            let strong = level[i].iter().filter(|l| **l == 2).count();
            if any == n_groups && broken == 0 {
                full_anywhere.insert(hit.1);
            }
            let matched: f32 = level[i]
                .iter()
                .zip(&weights)
                .map(|(l, w)| match l {
                    2 => *w,
                    1 => *w * DESCRIPTION_ONLY_SHARE,
                    _ => 0.0,
                })
                .sum();
            let respected = (negated_total - heaviest * broken as f32).max(0.0);
            let share = if total > 0.0 {
                ((matched + respected) / total).clamp(0.0, 1.0)
            } else {
                1.0
            };
            hit.2 = strong + negated_weights.len() - broken;
            hit.0 = if hit.2 == n_total {
                hit.3
            } else {
                hit.3 * share.powf(COVERAGE_EXPONENT)
            };
        }
        Ok(full_anywhere)
    }

    /// For an excluded word: the query of products that have it, and of
    /// those that say they lack it ("no mic", "without mic", "mic-free",
    /// "不含酒精", "無酒精").
    fn negation_queries(&self, group: &Group) -> (MaybeQuery, MaybeQuery) {
        let has: Vec<Box<dyn Query>> = group
            .alternatives
            .iter()
            .filter_map(|a| self.alt_query(a))
            .collect();
        let mut lacks: Vec<Box<dyn Query>> = Vec::new();
        for alt in &group.alternatives {
            let Alt::Words { text, .. } = alt else {
                continue;
            };
            let phrases: Vec<String> = if text.contains(kiosk_core::text::is_cjk) {
                CJK_NEGATING_PREFIXES
                    .iter()
                    .map(|p| format!("{p}{text}"))
                    .collect()
            } else {
                NEGATORS
                    .iter()
                    .map(|n| format!("{n} {text}"))
                    .chain(NEGATING_SUFFIXES.iter().map(|s| format!("{text} {s}")))
                    .collect()
            };
            lacks.extend(phrases.into_iter().filter_map(|p| {
                self.alt_query(&Alt::Words {
                    text: p,
                    boost: 1.0,
                })
            }));
        }
        let union = |qs: Vec<Box<dyn Query>>| -> Option<Box<dyn Query>> {
            (!qs.is_empty()).then(|| Box::new(BooleanQuery::union(qs)) as Box<dyn Query>)
        };
        (union(has), union(lacks))
    }

    /// The rowids of every product `query` matches.
    fn rowids(&self, query: &dyn Query) -> Result<Vec<u64>> {
        let searcher = self.reader.searcher();
        let docs = searcher
            .search(query, &DocSetCollector)
            .map_err(Error::index("searching"))?;
        self.rowids_of(&searcher, docs)
    }

    fn rowids_of(
        &self,
        searcher: &tantivy::Searcher,
        docs: std::collections::HashSet<tantivy::DocAddress>,
    ) -> Result<Vec<u64>> {
        let mut rowids = Vec::with_capacity(docs.len());
        let mut columns = HashMap::new();
        for addr in docs {
            let column = match columns.entry(addr.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(addr.segment_ord)
                        .fast_fields()
                        .u64("rowid")
                        .map_err(Error::index("reading rowids"))?
                        .first_or_default_col(0),
                ),
            };
            rowids.push(column.get_val(addr.doc_id));
        }
        Ok(rowids)
    }

    /// The products `filters` allow that have a price, cheapest first (or
    /// dearest first), at most `limit`, equal prices by rowid: every
    /// product the filters allow is weighed, so these are the cheapest of
    /// all, not of a sample. As [`Self::search`] gives them, each a full
    /// match.
    pub fn by_price(
        &self,
        filters: &Filters,
        dearest_first: bool,
        limit: usize,
    ) -> Result<Vec<(u64, Score, bool)>> {
        let searcher = self.reader.searcher();
        let mut clauses = self.filter_clauses(filters);
        clauses.push((Occur::Must, self.priced()));
        let limit = limit.clamp(1, (searcher.num_docs() as usize).max(1));
        let collector = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
            let fast = segment.fast_fields();
            let price = fast
                .u64("price")
                .expect("price is a fast field of every kiosk index")
                .first_or_default_col(0);
            let rowid = fast
                .u64("rowid")
                .expect("rowid is a fast field of every kiosk index")
                .first_or_default_col(0);
            move |doc, _score: Score| {
                let price = price.get_val(doc) as i64;
                let key = if dearest_first { price } else { -price };
                (key, Reverse(rowid.get_val(doc)))
            }
        });
        Ok(searcher
            .search(&BooleanQuery::new(clauses), &collector)
            .map_err(Error::index("searching by price"))?
            .into_iter()
            .map(|((_, Reverse(rowid)), _)| (rowid, 0.0, true))
            .collect())
    }

    /// How many products a search of `plan` under `filters` would give
    /// with no limit, as a list keeps them: those that match every group
    /// without an excluded word, when any do, else those that match some
    /// group. With `priced_only`, products without a price are not
    /// counted. Counted by the index alone, without reading a product.
    pub fn count_plan(
        &self,
        plan: &QueryPlan,
        filters: &Filters,
        priced_only: bool,
    ) -> Result<usize> {
        let full = self.count_matching(plan, filters, priced_only, true)?;
        if full > 0 || plan.groups.len() < 2 {
            return Ok(full);
        }
        self.count_matching(plan, filters, priced_only, false)
    }

    /// [`Self::count_plan`]'s count of the products that match every group
    /// (`all`), or any.
    fn count_matching(
        &self,
        plan: &QueryPlan,
        filters: &Filters,
        priced_only: bool,
        all: bool,
    ) -> Result<usize> {
        let searcher = self.reader.searcher();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = self
            .filter_clauses(filters)
            .into_iter()
            .filter(|(occur, _)| *occur == Occur::Must)
            .collect();
        let groups: Vec<Box<dyn Query>> = plan.groups.iter().map(|g| self.group_query(g)).collect();
        let matching: Box<dyn Query> = match (groups.is_empty(), all) {
            (true, _) => Box::new(AllQuery),
            (false, true) => Box::new(BooleanQuery::intersection(groups)),
            (false, false) => Box::new(BooleanQuery::union(groups)),
        };
        clauses.push((Occur::Must, matching));
        let negated = if all { plan.negated.as_slice() } else { &[] };
        for group in negated {
            if let (Some(has), lacks) = self.negation_queries(group) {
                let violating: Box<dyn Query> = match lacks {
                    Some(lacks) => Box::new(BooleanQuery::new(vec![
                        (Occur::Must, has),
                        (Occur::MustNot, lacks),
                    ])),
                    None => has,
                };
                clauses.push((Occur::MustNot, violating));
            }
        }
        if priced_only {
            clauses.push((Occur::Must, self.priced()));
        }
        BooleanQuery::new(clauses)
            .count(&searcher)
            .map_err(Error::index("counting"))
    }

    /// The products that have a price (above zero).
    fn priced(&self) -> Box<dyn Query> {
        Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_u64(self.fields.price, 1)),
            Bound::Unbounded,
        ))
    }

    /// The rowids of the products `filters` allow, sorted; `None` when
    /// they allow every product.
    pub fn filtered_rowids(&self, filters: &Filters) -> Result<Option<Vec<u64>>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = self
            .filter_clauses(filters)
            .into_iter()
            .filter(|(occur, _)| *occur == Occur::Must)
            .collect();
        if clauses.is_empty() {
            return Ok(None);
        }
        clauses.push((Occur::Must, Box::new(AllQuery)));
        let searcher = self.reader.searcher();
        let docs = searcher
            .search(&BooleanQuery::new(clauses), &DocSetCollector)
            .map_err(Error::index("filtering"))?;
        let mut rowids = self.rowids_of(&searcher, docs)?;
        rowids.sort_unstable();
        Ok(Some(rowids))
    }

    fn group_query(&self, group: &Group) -> Box<dyn Query> {
        self.group_query_in(group, false)
    }

    /// The group's query; with `strong`, in the short fields only (title,
    /// brand, category, tags, colours, options), not the description.
    fn group_query_in(&self, group: &Group, strong: bool) -> Box<dyn Query> {
        // The ways the group's words can match count once, by the best of
        // them, so many synonyms or near spellings cannot outweigh the
        // shopper's own word; a category or option the words name adds to
        // it.
        let mut text: Vec<Box<dyn Query>> = Vec::new();
        let mut extra: Vec<Box<dyn Query>> = Vec::new();
        for alt in &group.alternatives {
            let Some(q) = self.alt_query_in(alt, strong) else {
                continue;
            };
            match alt {
                Alt::Option { .. } | Alt::Category { .. } => extra.push(q),
                _ => text.push(q),
            }
        }
        if !text.is_empty() {
            extra.insert(0, Box::new(DisjunctionMaxQuery::new(text)));
        }
        Box::new(BooleanQuery::union(extra))
    }

    fn alt_query(&self, alt: &Alt) -> Option<Box<dyn Query>> {
        self.alt_query_in(alt, false)
    }

    fn alt_query_in(&self, alt: &Alt, strong: bool) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let words_term = |w: &str| Term::from_field_text(f.words, w);
        Some(match alt {
            Alt::Words { text, boost } => {
                let terms = analyzer::terms(&mut self.stemmed.clone(), text);
                if terms.is_empty() {
                    return None;
                }
                let mut per_field: Vec<Box<dyn Query>> = Vec::new();
                // Each field by its own length, and the whole product's
                // text by its length (titles counted thrice), so a word in
                // a short title leads and a long description cannot bury
                // it.
                let weights = TEXT_WEIGHTS
                    .iter()
                    .map(|(field, w)| (field(f), *w))
                    .chain(f.parts.map(|field| (field, PARTS_WEIGHT)))
                    .chain(f.all_text.map(|field| (field, ALL_TEXT_WEIGHT)))
                    .filter(|(field, _)| {
                        !strong || (*field != f.description && Some(*field) != f.all_text)
                    });
                let searcher = self.reader.searcher();
                let n_docs = searcher.num_docs() as f32;
                let idf = |df: u64| (1.0 + (n_docs - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
                // One rarity per word for the whole product (the all-text
                // field's), as BM25F reads it: a word common among products
                // but rare in titles is not scored as rare.
                let product_df = match (terms.len(), f.all_text) {
                    (1, Some(all)) => searcher
                        .doc_freq(&Term::from_field_text(all, &terms[0]))
                        .ok()
                        .filter(|df| *df > 0),
                    _ => None,
                };
                for (field, weight) in weights {
                    let weight = match product_df {
                        Some(pdf) => {
                            let df = searcher
                                .doc_freq(&Term::from_field_text(field, &terms[0]))
                                .unwrap_or(0);
                            if df > 0 {
                                weight * idf(pdf) / idf(df)
                            } else {
                                weight
                            }
                        }
                        None => weight,
                    };
                    let q: Box<dyn Query> = if terms.len() == 1 {
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, &terms[0]),
                            IndexRecordOption::WithFreqs,
                        ))
                    } else {
                        Box::new(PhraseQuery::new(
                            terms
                                .iter()
                                .map(|t| Term::from_field_text(field, t))
                                .collect(),
                        ))
                    };
                    per_field.push(Box::new(BoostQuery::new(q, weight * boost)));
                }
                Box::new(BooleanQuery::union(per_field))
            }
            Alt::Fuzzy { word } => Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    words_term(word),
                    IndexRecordOption::WithFreqs,
                )),
                1.5,
            )),
            Alt::Prefix { word } => Box::new(BooleanQuery::union(vec![
                Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new_prefix(
                        Term::from_field_text(f.title_words, word),
                        0,
                        true,
                    )),
                    3.0,
                )),
                Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new_prefix(words_term(word), 0, true)),
                    1.0,
                )),
            ])),
            Alt::SoundsLike { word } => Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    words_term(word),
                    IndexRecordOption::WithFreqs,
                )),
                1.5,
            )),
            Alt::Option { term } => Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(f.opt, term),
                    IndexRecordOption::Basic,
                )),
                1.0,
            )),
            Alt::Category { key, boost } => Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(f.category_key, key),
                    IndexRecordOption::Basic,
                )),
                *boost,
            )),
        })
    }

    fn filter_clauses(&self, filters: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let term = |field: Field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::Basic,
            ))
        };
        // A filter decides membership and adds nothing to the score.
        let filter =
            |q: Box<dyn Query>| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(q, 0.0)) };
        if let Some(category) = &filters.category {
            let key = self
                .lexicon
                .lookup(category)
                .and_then(|c| self.concept_category.get(&c).map(|n| option_key(n)))
                .unwrap_or_else(|| option_key(category));
            clauses.push((Occur::Must, filter(term(f.category_key, &key))));
        }
        if let Some(brand) = &filters.brand {
            clauses.push((Occur::Must, filter(term(f.brand_key, &option_key(brand)))));
        }
        let size = filters
            .size
            .as_deref()
            .map(|s| self.normalize_option(s, ConceptKind::Size));
        let color = filters
            .color
            .as_deref()
            .map(|c| self.normalize_option(c, ConceptKind::Color));
        let option_term = match (&size, &color) {
            (Some(s), Some(c)) => Some(size_color_term(s, c)),
            (Some(s), None) => Some(size_term(s)),
            (None, Some(c)) => Some(color_term(c)),
            (None, None) => None,
        };
        match (option_term, filters.in_stock_only) {
            (Some(t), true) => clauses.push((Occur::Must, filter(term(f.opt_in, &t)))),
            (Some(t), false) => {
                clauses.push((Occur::Must, filter(term(f.opt, &t))));
                // Products that have the asked-for size/colour in stock
                // rank above those that only list it.
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(term(f.opt_in, &t), 2.0)),
                ));
            }
            (None, true) => clauses.push((Occur::Must, filter(term(f.opt_in, "any")))),
            (None, false) => {}
        }
        if filters.price_min.is_some() || filters.price_max.is_some() {
            // A price of zero is how exports leave a price unset: such a
            // product is within no price limit.
            let lower = Bound::Included(Term::from_field_u64(
                f.price,
                filters.price_min.map_or(1, |m| m.minor.max(1) as u64),
            ));
            let upper = filters.price_max.map_or(Bound::Unbounded, |m| {
                Bound::Included(Term::from_field_u64(f.price, m.minor.max(0) as u64))
            });
            clauses.push((Occur::Must, filter(Box::new(RangeQuery::new(lower, upper)))));
        }
        clauses
    }

    /// A size or colour as the shopper said it, as the catalog spells it:
    /// `zwart` → `black`, `medium` → `m`, `9,5` → `9.5`.
    pub fn normalize_option(&self, value: &str, kind: ConceptKind) -> String {
        if let Some(idx) = self.lexicon.lookup(value) {
            let concept = self.lexicon.concept(idx);
            if concept.kind == kind {
                return option_key(match kind {
                    ConceptKind::Size => &concept.id,
                    _ => concept.name(self.store_lang),
                });
            }
        }
        option_key(value)
    }
}

/// A product's score scaled by the share of the query's groups it
/// matches.
fn coverage_score(score: Score, matched: usize, n_groups: usize) -> Score {
    score * (matched as f32 / n_groups.max(1) as f32).powf(COVERAGE_EXPONENT)
}

/// The scores of hits in their final order, made non-increasing, so a
/// caller that sorts by score keeps the order (full matches above partial
/// ones whatever their raw scores).
fn monotone_scores(hits: Vec<(Score, u64, usize)>) -> Vec<(Score, u64)> {
    let mut out: Vec<(Score, u64)> = Vec::with_capacity(hits.len());
    for (score, rowid, _) in hits {
        let score = out.last().map_or(score, |last| score.min(last.0));
        out.push((score, rowid));
    }
    out
}
