//! Store words: the store's own content words, embedded, so a shopper's
//! word in another language reaches the products through the word the store
//! uses for it ("kip", "ayam", "牛肉" → `chicken`, `beef`).
//!
//! At import ([`build`]) the words and two-word phrases of every product's
//! title, category, tags and option values are counted by the products
//! that have them (their document frequency), the most frequent kept up to
//! [`MAX_WORDS`], and each is embedded as a query (`query: <word>`) and
//! stored int8 in `word_vectors`, keyed like the product vectors by the
//! sha256 of the model's fingerprint and the word, so a nightly sync embeds
//! only new words.
//!
//! At search ([`StoreWords::translate`]) a word of the shopper's that the
//! index does not hold is embedded the same way and compared with every
//! store word. Similarities of short texts cluster closely (0.80–0.90
//! whatever the words), so a store word counts as the translation only by
//! how far it stands out: from the vocabulary's similarities to that word
//! ([`MIN_Z`] standard deviations above their mean) and from the next
//! candidates ([`MIN_LEAD`], and [`CLOSE`] from the second: a tie is no
//! translation), and it must stand out as well when the shopper's word is
//! read as a passage (`passage: <word>`): similarities of single words
//! follow their spelling too (`piano` → pink), a likeness one reading shows
//! and the other does not. Never a fixed cosine.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use kiosk_core::text::{is_stopword, tokenize};
use kiosk_embed::{Embedder, TextKind};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::import::Progress;
use crate::vectors::{VectorIndex, content_hash, has_table, open_previous, quantize};

/// The table's name.
const TABLE: &str = "word_vectors";
/// The table, created by [`build`].
const CREATE: &str = "
CREATE TABLE word_vectors (
    word TEXT PRIMARY KEY,
    df INTEGER NOT NULL,
    hash BLOB NOT NULL,
    scale REAL NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX word_vectors_by_hash ON word_vectors(hash);
";

/// The most store words kept, the most frequent first (single words before
/// phrases of the same frequency).
pub const MAX_WORDS: usize = 20_000;
/// A two-word phrase is kept when at least this many products have it.
const MIN_PHRASE_DF: u32 = 2;
/// The most characters a store word (or a CJK run) may have.
const MAX_CHARS: usize = 32;
/// Words sent through the encoder together.
const EMBED_BATCH: usize = 64;
/// Candidates compared for a query word.
const CANDIDATES: usize = 8;

/// A store word is a translation when its similarity to the shopper's word
/// stands this many standard deviations above the mean similarity of all
/// store words to it (less in a vocabulary too small to reach it,
/// [`crate::vectors::Nearest::gate`]). On a meat store's 225 words: `牛肉` → beef +3.4σ,
/// `lamsvlees` → lamb +3.7σ, `ayam` → chicken +3.2σ; `piano`'s nearest,
/// peanuts, +2.1σ.
pub const MIN_Z: f32 = 2.5;
/// ... and this many standard deviations above the mean of the next
/// candidates (the 2nd to [`CANDIDATES`]th): one word leads, not a crowd
/// of equally near ones.
pub const MIN_LEAD: f32 = 0.8;
/// No word is taken when the second best is within this many standard
/// deviations of the best: the two are equally likely.
pub const CLOSE: f32 = 0.2;
/// Below this many store words no word stands out.
const MIN_WORDS: usize = 8;

/// What [`build`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StoreWordSummary {
    /// Store words kept.
    pub words: u64,
    /// Words embedded now.
    pub computed: u64,
    /// Words whose vector was copied from the previous snapshot.
    pub reused: u64,
    pub elapsed_ms: u64,
}

/// How a store word is embedded: as a query, as the shopper's word is, so
/// the two are compared alike.
const WORD_KIND: TextKind = TextKind::Query;

/// The cache key of a store word's vector under a model.
fn word_hash(model: &str, word: &str) -> [u8; 16] {
    content_hash(model, &format!("{WORD_KIND:?}: {word}"))
}

/// Whether a token can be a store word: it has a letter, is no stop word,
/// and is not a lone letter or overlong.
fn content_word(token: &kiosk_core::text::Token) -> bool {
    let n = token.text.chars().count();
    token.text.chars().any(char::is_alphabetic)
        && !token.text.chars().any(|c| c.is_ascii_digit())
        && !is_stopword(&token.text)
        && (n >= 3 || (token.cjk && n >= 2))
        && n <= MAX_CHARS
}

/// The words and two-word phrases of one text, added to `terms`.
fn terms_of(text: &str, terms: &mut HashSet<String>) {
    let tokens = tokenize(text);
    for (i, token) in tokens.iter().enumerate() {
        if !content_word(token) {
            continue;
        }
        terms.insert(token.text.clone());
        if let Some(next) = tokens.get(i + 1)
            && !token.cjk
            && !next.cjk
            && content_word(next)
            && text[token.end..next.start].chars().all(char::is_whitespace)
        {
            terms.insert(format!("{} {}", token.text, next.text));
        }
    }
}

/// The store's words with their document frequency, most frequent first,
/// at most [`MAX_WORDS`].
pub fn vocabulary(conn: &Connection) -> Result<Vec<(String, u32)>> {
    let mut df: HashMap<String, u32> = HashMap::new();
    let mut products = conn
        .prepare("SELECT rowid, title, category, tags FROM products ORDER BY rowid")
        .map_err(Error::sqlite("reading products' words"))?;
    let mut variants = conn
        .prepare("SELECT options FROM variants WHERE product_rowid = ?1")
        .map_err(Error::sqlite("reading options' words"))?;
    let rows: Vec<(i64, String, Option<String>, String)> = products
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .and_then(|rows| rows.collect())
        .map_err(Error::sqlite("reading products' words"))?;
    for (rowid, title, category, tags) in rows {
        let mut terms = HashSet::new();
        terms_of(&title, &mut terms);
        if let Some(category) = &category {
            terms_of(category, &mut terms);
        }
        for tag in tags.split(';') {
            terms_of(tag, &mut terms);
        }
        let options: Vec<String> = variants
            .query_map([rowid], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(Error::sqlite("reading options' words"))?;
        for json in options {
            let map: BTreeMap<String, String> = serde_json::from_str(&json).unwrap_or_default();
            for value in map.values() {
                terms_of(value, &mut terms);
            }
        }
        for term in terms {
            *df.entry(term).or_default() += 1;
        }
    }
    let mut words: Vec<(String, u32)> = df
        .into_iter()
        .filter(|(w, n)| !w.contains(' ') || *n >= MIN_PHRASE_DF)
        .collect();
    words.sort_by(|(a, na), (b, nb)| {
        nb.cmp(na)
            .then(a.contains(' ').cmp(&b.contains(' ')))
            .then(a.cmp(b))
    });
    words.truncate(MAX_WORDS);
    Ok(words)
}

/// Embeds the store words of the snapshot being written through `conn`,
/// copying those the previous snapshot (`previous`, its SQLite file) holds
/// under the same model.
pub fn build(
    conn: &Connection,
    previous: Option<&Path>,
    embedder: &Embedder,
    progress: &mut dyn Progress,
) -> Result<StoreWordSummary> {
    let started = Instant::now();
    let model = embedder.fingerprint().to_string();
    conn.execute_batch(CREATE)
        .map_err(Error::sqlite("creating the word vector table"))?;
    let words = vocabulary(conn)?;
    progress.phase("embedding store words", words.len() as u64);
    let previous = match previous {
        // Their keys hold the model, so another model's vectors are never
        // found.
        Some(path) => open_previous(path, TABLE)?,
        None => None,
    };
    let mut reuse = match &previous {
        Some(db) => Some(
            db.prepare("SELECT scale, vector FROM word_vectors WHERE hash = ?1 LIMIT 1")
                .map_err(Error::sqlite(
                    "reading the previous snapshot's word vectors",
                ))?,
        ),
        None => None,
    };
    let mut insert = conn
        .prepare(
            "INSERT INTO word_vectors (word, df, hash, scale, vector) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(Error::sqlite("storing word vectors"))?;
    let mut summary = StoreWordSummary {
        words: words.len() as u64,
        ..StoreWordSummary::default()
    };
    let dim = embedder.dim();
    let mut todo: Vec<(&str, u32, [u8; 16])> = Vec::new();
    for (word, df) in &words {
        let hash = word_hash(&model, word);
        let found: Option<(f64, Vec<u8>)> = match reuse.as_mut() {
            Some(stmt) => stmt
                .query_row([&hash[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(Error::sqlite(
                    "reading the previous snapshot's word vectors",
                ))?,
            None => None,
        };
        match found {
            Some((scale, vector)) if vector.len() == dim => {
                insert
                    .execute(params![word, df, &hash[..], scale, vector])
                    .map_err(Error::sqlite("storing word vectors"))?;
                summary.reused += 1;
            }
            _ => todo.push((word, *df, hash)),
        }
    }
    let mut done = summary.reused;
    progress.set(done);
    for batch in todo.chunks(EMBED_BATCH) {
        let texts: Vec<&str> = batch.iter().map(|(w, _, _)| *w).collect();
        let vectors = embedder.embed_batch(WORD_KIND, &texts);
        for ((word, df, hash), vector) in batch.iter().zip(vectors) {
            let (scale, q) = quantize(&vector);
            let bytes: Vec<u8> = q.iter().map(|&x| x as u8).collect();
            insert
                .execute(params![word, df, &hash[..], f64::from(scale), bytes])
                .map_err(Error::sqlite("storing word vectors"))?;
        }
        summary.computed += batch.len() as u64;
        done += batch.len() as u64;
        progress.set(done);
    }
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(summary)
}

/// The most letters an inflection adds to a word ([`same_word`]).
const MAX_INFLECTION: usize = 2;

/// Whether two store words are one word inflected: equal, or one the other
/// with at most [`MAX_INFLECTION`] letters more at its end (`pot`, `pots`;
/// `manga`, `mangas`), the shorter of at least three letters. Any
/// language's plural or case ending, without knowing the language.
fn same_word(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let (n_short, n_long) = (short.chars().count(), long.chars().count());
    short == long
        || (n_short >= 3
            && n_long - n_short <= MAX_INFLECTION
            && !short.contains(kiosk_core::text::is_cjk)
            && long.starts_with(short))
}

/// A store word found for a shopper's word, and how far it stood out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Translation {
    pub word: String,
    pub similarity: f32,
    /// Standard deviations above the vocabulary's mean similarity.
    pub z: f32,
}

/// The store words and their vectors in memory.
pub struct StoreWords {
    words: Vec<String>,
    /// The two-word phrases among them ("beef ribeye").
    phrases: HashSet<String>,
    /// Vectors by position + 1 (a [`VectorIndex`] keyed 1..=n).
    vectors: VectorIndex,
}

impl StoreWords {
    /// Reads the snapshot's store words; `None` when it has none.
    pub fn load(conn: &Connection, dim: usize, model: &str) -> Result<Option<StoreWords>> {
        if !has_table(conn, TABLE)? {
            return Ok(None);
        }
        let mut stmt = conn
            .prepare("SELECT word, scale, vector FROM word_vectors ORDER BY df DESC, word")
            .map_err(Error::sqlite("reading word vectors"))?;
        let mut rows = stmt
            .query([])
            .map_err(Error::sqlite("reading word vectors"))?;
        let mut words = Vec::new();
        let mut scales = Vec::new();
        let mut data: Vec<i8> = Vec::new();
        while let Some(row) = rows.next().map_err(Error::sqlite("reading word vectors"))? {
            let word: String = row.get(0).map_err(Error::sqlite("reading word vectors"))?;
            let scale: f64 = row.get(1).map_err(Error::sqlite("reading word vectors"))?;
            let vector = row
                .get_ref(2)
                .and_then(|v| v.as_blob().map_err(Into::into))
                .map_err(Error::sqlite("reading word vectors"))?;
            if vector.len() != dim {
                continue;
            }
            words.push(word);
            scales.push(scale as f32);
            data.extend(vector.iter().map(|&b| b as i8));
        }
        if words.is_empty() {
            return Ok(None);
        }
        let phrases = words.iter().filter(|w| w.contains(' ')).cloned().collect();
        let vectors = VectorIndex::from_parts(dim, model.to_string(), scales, data);
        Ok(Some(StoreWords {
            words,
            phrases,
            vectors,
        }))
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> usize {
        self.vectors.memory_bytes() + self.words.iter().map(String::capacity).sum::<usize>()
    }

    /// Whether a candidate is the same evidence as a nearer one, not a
    /// rival reading of the shopper's word: they share a word, one inflected
    /// (`pots` after `pot`, `beef short` after `beef`), or the store writes
    /// them together (`beef` after `ribeye`, as in "beef ribeye"), naming
    /// one thing. Rivals the store keeps apart (`chips`, `chicken` for
    /// `kip`) are two readings.
    fn same_evidence(&self, candidate: &str, nearer: &str) -> bool {
        let shares = candidate
            .split(' ')
            .any(|w| nearer.split(' ').any(|o| same_word(o, w)));
        let joined = !candidate.contains(' ')
            && !nearer.contains(' ')
            && (self.phrases.contains(&format!("{candidate} {nearer}"))
                || self.phrases.contains(&format!("{nearer} {candidate}")));
        shares || joined
    }

    /// The store word that translates `word` (its query vector `vector`),
    /// when one stands out from the vocabulary and leads the next
    /// candidates; none when two are about as near (`kip`: chips and
    /// chicken), as a guess between them would mislead. A candidate that is
    /// the same evidence as a nearer one ([`StoreWords::same_evidence`]:
    /// `beef short` or `ribeye` after `beef`, `pots` after `pot`) is passed
    /// over; words equal to `word` are no candidates.
    ///
    /// The word must also stand out ([`MIN_Z`]) or come first when the
    /// shopper's word is read as a passage (`as_passage`, `passage:
    /// <word>`) against the same store words: the meaning survives the
    /// other reading, a likeness of spelling less so (`piano` → pink +3.0σ
    /// as a query, +2.3σ and second as a passage; `lamsvlees` → lamb +3.7σ
    /// and +2.7σ, `牛肉` → beef +3.4σ and +3.1σ). First suffices in a
    /// small vocabulary, whose z are lower (`ayam` → chicken +2.6σ, +2.4σ
    /// and first among 50 words).
    pub fn translate(&self, word: &str, vector: &[f32], as_passage: &[f32]) -> Vec<Translation> {
        if self.words.len() < MIN_WORDS {
            return Vec::new();
        }
        let near = self.vectors.nearest(vector, None, 2 * CANDIDATES);
        let mut hits: Vec<(&str, f32, u64)> = Vec::with_capacity(CANDIDATES);
        for &(i, s) in &near.hits {
            let Some(candidate) = (i as usize).checked_sub(1).and_then(|i| self.words.get(i))
            else {
                continue;
            };
            if candidate == word
                || hits
                    .iter()
                    .any(|(h, _, _)| self.same_evidence(candidate, h))
            {
                continue;
            }
            hits.push((candidate, s, i));
            if hits.len() == CANDIDATES {
                break;
            }
        }
        let (Some(&(best, s1, key)), Some(&(_, s2, _))) = (hits.first(), hits.get(1)) else {
            return Vec::new();
        };
        let std = near.std_dev.max(1e-6);
        let rest = &hits[1..];
        let rest_mean = rest.iter().map(|(_, s, _)| s).sum::<f32>() / rest.len() as f32;
        let z = near.z(s1);
        if z < near.gate(MIN_Z) || (s1 - s2) / std <= CLOSE || (s1 - rest_mean) / std < MIN_LEAD {
            return Vec::new();
        }
        let other = self.vectors.nearest(as_passage, None, 2);
        let again = self.vectors.nearest(as_passage, Some(&[key]), 1);
        let first = other.hits.iter().map(|&(i, _)| i).find(|&i| {
            (i as usize)
                .checked_sub(1)
                .and_then(|i| self.words.get(i))
                .is_some_and(|w| w != word)
        });
        let stands_out = again
            .hits
            .first()
            .is_some_and(|&(_, s)| other.z(s) >= other.gate(MIN_Z));
        if !stands_out && first != Some(key) {
            return Vec::new();
        }
        vec![Translation {
            word: best.to_string(),
            similarity: s1,
            z,
        }]
    }

    /// The nearest store words to a vector with their z, for `--explain`
    /// and for tuning.
    pub fn nearest(&self, vector: &[f32], k: usize) -> Vec<(String, f32, f32)> {
        let near = self.vectors.nearest(vector, None, k);
        near.hits
            .iter()
            .filter_map(|&(i, s)| {
                let w = self.words.get((i as usize).checked_sub(1)?)?;
                Some((w.clone(), s, near.z(s)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
