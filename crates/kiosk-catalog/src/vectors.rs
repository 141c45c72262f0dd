//! Product vectors: every product embedded as a passage by the multilingual
//! sentence model, stored in the snapshot and searched by exact dot product.
//!
//! At import ([`build`]) each product becomes one short passage (title,
//! category, tags, option names and values, the start of its description).
//! A passage is keyed by the sha256 of the model's fingerprint and its text,
//! so a vector the live snapshot already holds for the same text under the
//! same model is copied rather than computed again: a nightly sync embeds
//! only the products that changed. Vectors are stored as int8 with one
//! scale each (`product_vectors`), 384 bytes a product.
//!
//! At search ([`VectorIndex`]) all vectors sit in one contiguous block; a
//! query is quantised the same way and compared with every allowed product
//! (integer dot products, which the compiler turns into SIMD). The
//! similarities of one query cluster closely whatever it asks, so a product
//! counts as near only by how far it stands out from the rest of the
//! catalog for that query ([`Nearest::stands_out`]), never by a fixed
//! similarity.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::path::Path;
use std::time::Instant;

use kiosk_embed::{Embedder, TextKind};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::import::Progress;

pub mod cache;
pub mod carried;
use crate::schema::meta;

/// The table of product vectors.
const TABLE: &str = "product_vectors";
/// The table and its lookup index, created by [`build`].
const CREATE: &str = "
CREATE TABLE product_vectors (
    product_rowid INTEGER PRIMARY KEY,
    hash BLOB NOT NULL,
    scale REAL NOT NULL,
    vector BLOB NOT NULL
);
";
const POST_LOAD: &str = "CREATE INDEX product_vectors_by_hash ON product_vectors(hash);";

/// The most characters of a description a passage takes.
const DESCRIPTION_CHARS: usize = 240;
/// The most values of one option a passage lists.
const OPTION_VALUES: usize = 12;
/// Products read from the database at a time.
const CHUNK: i64 = 256;
/// Passages sent through the encoder together.
const EMBED_BATCH: usize = 32;

/// What [`build`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VectorSummary {
    /// Products embedded now.
    pub computed: u64,
    /// Products whose vector was copied from the previous snapshot.
    pub reused: u64,
    /// Products whose vector came with the export (a bundle's
    /// [`carried::FILE_NAME`]).
    pub carried: u64,
    /// Why the vectors that came with the export were not used (another
    /// model, a malformed file); `None` when they were, or none came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried_unused: Option<String>,
    pub elapsed_ms: u64,
    /// The model's fingerprint (the sha256 of its file).
    pub model: String,
}

impl std::fmt::Display for VectorSummary {
    /// "product vectors: 12 embedded, 30 reused from the previous
    /// snapshot, 0 carried by the export, in 1.2 s", and why carried
    /// vectors went unused.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "product vectors: {} embedded, {} reused from the previous snapshot, {} carried by the export, in {:.1} s",
            self.computed,
            self.reused,
            self.carried,
            self.elapsed_ms as f64 / 1000.0
        )?;
        if let Some(why) = &self.carried_unused {
            write!(f, " (the carried vectors were not used: {why})")?;
        }
        Ok(())
    }
}

/// Why a snapshot has no vectors, said by import and doctor.
pub const NO_MODEL: &str = "no embedding model: search is lexical only";

/// The passage a product is embedded as.
pub fn passage(
    title: &str,
    category: Option<&str>,
    tags: &[&str],
    options: &BTreeMap<String, Vec<String>>,
    description: &str,
) -> String {
    let mut parts: Vec<String> = vec![title.trim().to_string()];
    if let Some(category) = category.map(str::trim).filter(|c| !c.is_empty()) {
        parts.push(category.to_string());
    }
    let tags: Vec<&str> = tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if !tags.is_empty() {
        parts.push(tags.join(", "));
    }
    for (name, values) in options {
        if !values.is_empty() {
            parts.push(format!("{name}: {}", values.join(", ")));
        }
    }
    let description = short_description(description);
    if !description.is_empty() {
        parts.push(description.to_string());
    }
    parts.retain(|p| !p.is_empty());
    parts.join(". ")
}

/// The start of a description: whole sentences up to [`DESCRIPTION_CHARS`],
/// or as many whole words when the first sentence is longer.
fn short_description(description: &str) -> &str {
    let text = description.trim();
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text;
    }
    let cut = text
        .char_indices()
        .nth(DESCRIPTION_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let sentence_end = head
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, '。' | '！' | '？')
                || (matches!(c, '.' | '!' | '?')
                    && head[i + c.len_utf8()..].starts_with(char::is_whitespace))
        })
        .map(|(i, c)| i + c.len_utf8())
        .next_back();
    match sentence_end {
        Some(end) => &head[..end],
        None => head
            .rfind(char::is_whitespace)
            .map_or(head, |i| head[..i].trim_end()),
    }
}

/// The cache key of a passage under a model.
pub fn content_hash(model: &str, passage: &str) -> [u8; 16] {
    let mut hasher = Sha256::new();
    hasher.update(model.as_bytes());
    hasher.update([0]);
    hasher.update(passage.as_bytes());
    let digest = hasher.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// A vector as int8 and the scale that brings it back (`x ≈ q * scale`).
pub fn quantize(v: &[f32]) -> (f32, Vec<i8>) {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    if max == 0.0 {
        return (0.0, vec![0; v.len()]);
    }
    let scale = max / 127.0;
    let q = v
        .iter()
        .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (scale, q)
}

/// Embeds every product of the snapshot being written through `conn` and
/// stores the vectors, taking those that came with the export (`carried`,
/// a [`carried`] file) or that the previous snapshot (`previous`, its
/// SQLite file) holds for the same passage under the same model instead.
pub fn build(
    conn: &Connection,
    previous: Option<&Path>,
    carried: Option<&Path>,
    embedder: &Embedder,
    progress: &mut dyn Progress,
) -> Result<VectorSummary> {
    let started = Instant::now();
    let model = embedder.fingerprint().to_string();
    conn.execute_batch(CREATE)
        .map_err(Error::sqlite("creating the vector table"))?;
    let previous = match previous {
        Some(path) => open_previous_of(path, &model)?,
        None => None,
    };
    let mut carried_unused = None;
    let carried = match carried {
        Some(path) => match carried::Carried::open(path, &model, embedder.dim())? {
            Ok(carried) => Some(carried),
            Err(why) => {
                carried_unused = Some(why);
                None
            }
        },
        None => None,
    };
    let n_products: i64 = conn
        .query_row("SELECT COUNT(*) FROM products", [], |r| r.get(0))
        .map_err(Error::sqlite("counting products"))?;
    progress.phase("embedding", n_products as u64);
    let mut summary = VectorSummary {
        model: model.clone(),
        carried_unused,
        ..VectorSummary::default()
    };
    let mut products = conn
        .prepare(
            "SELECT rowid, title, category, tags, description FROM products
             WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
        )
        .map_err(Error::sqlite("reading products to embed"))?;
    let mut variants = conn
        .prepare("SELECT options FROM variants WHERE product_rowid = ?1 ORDER BY rowid")
        .map_err(Error::sqlite("reading options to embed"))?;
    let mut insert = conn
        .prepare(
            "INSERT INTO product_vectors (product_rowid, hash, scale, vector) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(Error::sqlite("storing vectors"))?;
    let mut reuse = match &previous {
        Some(db) => Some(
            db.prepare("SELECT scale, vector FROM product_vectors WHERE hash = ?1 LIMIT 1")
                .map_err(Error::sqlite("reading the previous snapshot's vectors"))?,
        ),
        None => None,
    };
    let dim = embedder.dim();
    let mut after = 0i64;
    let mut done = 0u64;
    loop {
        let rows: Vec<(i64, String, Option<String>, String, String)> = products
            .query_map(params![after, CHUNK], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|rows| rows.collect())
            .map_err(Error::sqlite("reading products to embed"))?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        // (rowid, hash, passage) of the products whose vector is new.
        let mut todo: Vec<(i64, [u8; 16], String)> = Vec::new();
        for (rowid, title, category, tags, description) in &rows {
            let mut options: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let json: Vec<String> = variants
                .query_map([rowid], |r| r.get(0))
                .and_then(|rows| rows.collect())
                .map_err(Error::sqlite("reading options to embed"))?;
            for json in json {
                let map: BTreeMap<String, String> = serde_json::from_str(&json).unwrap_or_default();
                for (name, value) in map {
                    let values = options.entry(name).or_default();
                    if values.len() < OPTION_VALUES && !values.contains(&value) {
                        values.push(value);
                    }
                }
            }
            let tags: Vec<&str> = tags.split(';').collect();
            let text = passage(title, category.as_deref(), &tags, &options, description);
            let hash = content_hash(&model, &text);
            if let Some((scale, vector)) = carried.as_ref().and_then(|c| c.get(&hash)) {
                insert
                    .execute(params![rowid, &hash[..], f64::from(scale), vector])
                    .map_err(Error::sqlite("storing vectors"))?;
                summary.carried += 1;
                done += 1;
                continue;
            }
            let found: Option<(f64, Vec<u8>)> = match reuse.as_mut() {
                Some(stmt) => stmt
                    .query_row([&hash[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
                    .map_err(Error::sqlite("reading the previous snapshot's vectors"))?,
                None => None,
            };
            match found {
                Some((scale, vector)) if vector.len() == dim => {
                    insert
                        .execute(params![rowid, &hash[..], scale, vector])
                        .map_err(Error::sqlite("storing vectors"))?;
                    summary.reused += 1;
                    done += 1;
                }
                _ => todo.push((*rowid, hash, text)),
            }
        }
        progress.set(done);
        for batch in todo.chunks(EMBED_BATCH) {
            let texts: Vec<&str> = batch.iter().map(|(_, _, t)| t.as_str()).collect();
            let vectors = embedder.embed_batch(TextKind::Passage, &texts);
            for ((rowid, hash, _), vector) in batch.iter().zip(vectors) {
                let (scale, q) = quantize(&vector);
                let bytes: Vec<u8> = q.iter().map(|&x| x as u8).collect();
                insert
                    .execute(params![rowid, &hash[..], f64::from(scale), bytes])
                    .map_err(Error::sqlite("storing vectors"))?;
            }
            summary.computed += batch.len() as u64;
            done += batch.len() as u64;
            progress.set(done);
        }
    }
    conn.execute_batch(POST_LOAD)
        .map_err(Error::sqlite("indexing the vector table"))?;
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(summary)
}

/// The previous snapshot's database, when its vectors came from `model`.
fn open_previous_of(path: &Path, model: &str) -> Result<Option<Connection>> {
    let Some(db) = open_previous(path, TABLE)? else {
        return Ok(None);
    };
    let theirs: Option<String> = db
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [meta::EMBED_MODEL],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::sqlite("reading the previous snapshot's metadata"))?;
    Ok((theirs.as_deref() == Some(model)).then_some(db))
}

/// The previous snapshot's database (its SQLite file at `path`), opened
/// read-only, when it has `table`: what a new snapshot copies vectors
/// from, product vectors here and store words' in [`crate::store_words`].
pub(crate) fn open_previous(path: &Path, table: &str) -> Result<Option<Connection>> {
    if !path.is_file() {
        return Ok(None);
    }
    let uri = format!("file:{}?immutable=1", path.display());
    let db = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(Error::sqlite(format!("opening {}", path.display())))?;
    Ok(has_table(&db, table)?.then_some(db))
}

/// Whether the database has `table`.
pub(crate) fn has_table(db: &Connection, table: &str) -> Result<bool> {
    db.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [table],
        |r| r.get(0),
    )
    .map_err(Error::sqlite(format!("looking for the table {table}")))
}

/// The snapshot's vectors in memory, in rowid order.
pub struct VectorIndex {
    dim: usize,
    model: String,
    rowids: Rowids,
    scales: Vec<f32>,
    /// `rowids.len() × dim` int8 values.
    data: Vec<i8>,
}

/// The rowids of the vectors, in order. An import numbers products from 1
/// without a gap, so they are usually one run and cost no memory; a gap
/// lists them all.
#[derive(Debug, Clone, PartialEq)]
enum Rowids {
    Run { first: u64, len: usize },
    Listed(Vec<u64>),
}

impl Rowids {
    fn new() -> Rowids {
        Rowids::Run { first: 0, len: 0 }
    }

    /// Adds the next rowid (larger than the last).
    fn push(&mut self, rowid: u64) {
        match self {
            Rowids::Run { first, len } if *len == 0 => {
                *first = rowid;
                *len = 1;
            }
            Rowids::Run { first, len } if rowid == *first + *len as u64 => *len += 1,
            Rowids::Run { first, len } => {
                let mut listed: Vec<u64> = (*first..*first + *len as u64).collect();
                listed.push(rowid);
                *self = Rowids::Listed(listed);
            }
            Rowids::Listed(listed) => listed.push(rowid),
        }
    }

    fn len(&self) -> usize {
        match self {
            Rowids::Run { len, .. } => *len,
            Rowids::Listed(listed) => listed.len(),
        }
    }

    fn get(&self, i: usize) -> u64 {
        match self {
            Rowids::Run { first, .. } => first + i as u64,
            Rowids::Listed(listed) => listed[i],
        }
    }

    /// Where `rowid` is, if it has a vector.
    fn position(&self, rowid: u64) -> Option<usize> {
        match self {
            Rowids::Run { first, len } => rowid
                .checked_sub(*first)
                .map(|i| i as usize)
                .filter(|&i| i < *len),
            Rowids::Listed(listed) => listed.binary_search(&rowid).ok(),
        }
    }

    fn memory_bytes(&self) -> usize {
        match self {
            Rowids::Run { .. } => 0,
            Rowids::Listed(listed) => listed.capacity() * 8,
        }
    }
}

/// A similarity in the running top `k` of [`VectorIndex::nearest`]: the
/// greater is the more similar, then the earlier.
#[derive(Debug, Clone, Copy)]
struct Ranked(f32, u32);

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

/// The products nearest a query, and how the query's similarities spread
/// over every product it was compared with.
#[derive(Debug, Clone)]
pub struct Nearest {
    /// (rowid, similarity), most similar first.
    pub hits: Vec<(u64, f32)>,
    pub mean: f32,
    pub std_dev: f32,
    /// How many products the query was compared with.
    pub compared: usize,
}

/// Below this many products compared, no product stands out by meaning:
/// with two, the better one is always one standard deviation above the
/// mean, whatever the query.
pub const MIN_COMPARED: usize = 3;
/// In a small catalog a gate is at most this share of the highest z any
/// product can reach ([`Nearest::max_z`]).
pub const SMALL_CATALOG_SHARE: f32 = 0.8;

impl Nearest {
    /// How many standard deviations `similarity` lies above the mean.
    pub fn z(&self, similarity: f32) -> f32 {
        (similarity - self.mean) / self.std_dev.max(1e-6)
    }

    /// The highest z a product can reach among `n` compared: one product
    /// above `n − 1` equal others stands `(n − 1) / √n` standard deviations
    /// above the mean (2.3 for 7 products, 3.5 only from 14 on).
    pub fn max_z(n: usize) -> f32 {
        if n < 2 {
            return 0.0;
        }
        (n as f32 - 1.0) / (n as f32).sqrt()
    }

    /// The z a product must reach to stand out, `min_z` in a catalog large
    /// enough to reach it, else [`SMALL_CATALOG_SHARE`] of what the
    /// catalog's size allows: a gate no product can pass would make a
    /// small store's vectors say nothing. Below [`MIN_COMPARED`] products
    /// nothing stands out (`f32::INFINITY`).
    pub fn gate(&self, min_z: f32) -> f32 {
        if self.compared < MIN_COMPARED {
            return f32::INFINITY;
        }
        min_z.min(SMALL_CATALOG_SHARE * Nearest::max_z(self.compared))
    }

    /// The hits that stand out from the catalog: at least `min_z` standard
    /// deviations above the mean similarity ([`gate`](Self::gate): less in a
    /// catalog too small to reach it).
    pub fn stands_out(&self, min_z: f32) -> impl Iterator<Item = (u64, f32)> + '_ {
        let gate = self.gate(min_z);
        self.hits
            .iter()
            .copied()
            .filter(move |&(_, s)| self.z(s) >= gate)
    }
}

impl VectorIndex {
    /// Reads the snapshot's vectors; `None` when it has none (imported
    /// without the model).
    pub fn load(conn: &Connection, snapshot: &Path) -> Result<Option<VectorIndex>> {
        if !has_table(conn, TABLE)? {
            return Ok(None);
        }
        let corrupt = |reason: String| Error::Corrupt {
            path: snapshot.to_path_buf(),
            reason,
        };
        let get = |key: &str| -> Result<Option<String>> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(Error::sqlite("reading snapshot metadata"))
        };
        let model = get(meta::EMBED_MODEL)?
            .ok_or_else(|| corrupt(format!("metadata {} is missing", meta::EMBED_MODEL)))?;
        let dim: usize = get(meta::EMBED_DIM)?
            .ok_or_else(|| corrupt(format!("metadata {} is missing", meta::EMBED_DIM)))?
            .parse()
            .map_err(|e| corrupt(format!("metadata {} is not a number: {e}", meta::EMBED_DIM)))?;
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM product_vectors", [], |r| r.get(0))
            .map_err(Error::sqlite("counting vectors"))?;
        let mut index = VectorIndex {
            dim,
            model,
            rowids: Rowids::new(),
            scales: Vec::with_capacity(n as usize),
            data: Vec::with_capacity(n as usize * dim),
        };
        let mut stmt = conn
            .prepare(
                "SELECT product_rowid, scale, vector FROM product_vectors ORDER BY product_rowid",
            )
            .map_err(Error::sqlite("reading vectors"))?;
        let mut rows = stmt.query([]).map_err(Error::sqlite("reading vectors"))?;
        while let Some(row) = rows.next().map_err(Error::sqlite("reading vectors"))? {
            let rowid: i64 = row.get(0).map_err(Error::sqlite("reading vectors"))?;
            let scale: f64 = row.get(1).map_err(Error::sqlite("reading vectors"))?;
            let vector = row
                .get_ref(2)
                .and_then(|v| v.as_blob().map_err(Into::into))
                .map_err(Error::sqlite("reading vectors"))?;
            if vector.len() != dim {
                return Err(corrupt(format!(
                    "product {rowid}'s vector has {} values, expected {dim}",
                    vector.len()
                )));
            }
            index.rowids.push(rowid as u64);
            index.scales.push(scale as f32);
            index.data.extend(vector.iter().map(|&b| b as i8));
        }
        Ok(Some(index))
    }

    /// For benchmarks at a scale no import here can embed: an index over
    /// every product of the snapshot behind `conn` whose vectors are the
    /// real embeddings of its first `distinct` products' passages (title,
    /// category, tags, description), repeated in rowid order. It holds as
    /// much memory and costs as much per query as real vectors; which
    /// products it finds means nothing.
    pub fn stand_ins(
        conn: &Connection,
        embedder: &Embedder,
        distinct: usize,
    ) -> Result<VectorIndex> {
        let rowids: Vec<u64> = conn
            .prepare("SELECT rowid FROM products ORDER BY rowid")
            .and_then(|mut stmt| {
                stmt.query_map([], |r| r.get::<_, i64>(0).map(|id| id as u64))?
                    .collect::<rusqlite::Result<Vec<u64>>>()
            })
            .map_err(Error::sqlite("reading product rowids"))?;
        let passages: Vec<String> = conn
            .prepare(
                "SELECT title, category, tags, description FROM products ORDER BY rowid LIMIT ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_map([distinct.max(1) as i64], |r| {
                    let (title, category, tags, description): (
                        String,
                        Option<String>,
                        String,
                        String,
                    ) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                    let tags: Vec<&str> = tags.split(';').collect();
                    Ok(passage(
                        &title,
                        category.as_deref(),
                        &tags,
                        &BTreeMap::new(),
                        &description,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<String>>>()
            })
            .map_err(Error::sqlite("reading products to embed"))?;
        let texts: Vec<&str> = passages.iter().map(String::as_str).collect();
        let vectors: Vec<(f32, Vec<i8>)> = texts
            .chunks(EMBED_BATCH)
            .flat_map(|batch| embedder.embed_batch(TextKind::Passage, batch))
            .map(|v| quantize(&v))
            .collect();
        let dim = embedder.dim();
        let mut index = VectorIndex {
            dim,
            model: embedder.fingerprint().to_string(),
            scales: Vec::with_capacity(rowids.len()),
            data: Vec::with_capacity(rowids.len() * dim),
            rowids: Rowids::new(),
        };
        if !vectors.is_empty() {
            for (&rowid, (scale, q)) in rowids.iter().zip(vectors.iter().cycle()) {
                index.rowids.push(rowid);
                index.scales.push(*scale);
                index.data.extend_from_slice(q);
            }
        }
        Ok(index)
    }

    /// An index over vectors keyed 1..=n in the order given (`data` holds
    /// `scales.len() × dim` values): the store words' vectors
    /// ([`crate::store_words`]).
    pub(crate) fn from_parts(
        dim: usize,
        model: String,
        scales: Vec<f32>,
        data: Vec<i8>,
    ) -> VectorIndex {
        VectorIndex {
            dim,
            model,
            rowids: Rowids::Run {
                first: 1,
                len: scales.len(),
            },
            scales,
            data,
        }
    }

    pub fn len(&self) -> usize {
        self.rowids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rowids.len() == 0
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The fingerprint of the model the vectors came from.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> usize {
        self.data.capacity() + self.rowids.memory_bytes() + self.scales.capacity() * 4
    }

    /// The cosine similarity of two products' vectors (by rowid); `None`
    /// when either has none.
    pub fn similarity(&self, a: u64, b: u64) -> Option<f32> {
        let (i, j) = (self.rowids.position(a)?, self.rowids.position(b)?);
        let dot = dot_i8(self.vector(i), self.vector(j));
        Some(dot as f32 * self.scales[i] * self.scales[j])
    }

    fn vector(&self, i: usize) -> &[i8] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// The `k` products most similar to `query` (a unit vector), among
    /// `allowed` rowids (sorted) when given.
    pub fn nearest(&self, query: &[f32], allowed: Option<&[u64]>, k: usize) -> Nearest {
        let (q_scale, q) = quantize(query);
        // The best `k` so far (least similar on top), and the sums for the
        // mean and spread over every product compared: no list of every
        // similarity is kept.
        let mut best: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
        let (mut n, mut sum, mut sum_sq) = (0usize, 0f64, 0f64);
        let mut score = |i: usize| {
            let s = dot_i8(&q, self.vector(i)) as f32 * q_scale * self.scales[i];
            n += 1;
            sum += f64::from(s);
            sum_sq += f64::from(s) * f64::from(s);
            if k == 0 {
                return;
            }
            let ranked = Ranked(s, i as u32);
            if best.len() < k {
                best.push(Reverse(ranked));
            } else if best.peek().is_some_and(|worst| ranked > worst.0) {
                best.pop();
                best.push(Reverse(ranked));
            }
        };
        match allowed {
            None => (0..self.len()).for_each(&mut score),
            Some(allowed) => {
                for &rowid in allowed {
                    if let Some(i) = self.rowids.position(rowid) {
                        score(i);
                    }
                }
            }
        }
        let count = n.max(1) as f64;
        let mean = sum / count;
        let var = (sum_sq / count - mean * mean).max(0.0);
        let mut hits: Vec<Ranked> = best.into_iter().map(|Reverse(r)| r).collect();
        hits.sort_by(|a, b| b.cmp(a));
        Nearest {
            hits: hits
                .into_iter()
                .map(|Ranked(s, i)| (self.rowids.get(i as usize), s))
                .collect(),
            mean: mean as f32,
            std_dev: var.sqrt() as f32,
            compared: n,
        }
    }
}

/// The integer dot product of two int8 vectors of the same length.
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum()
}

#[cfg(test)]
mod tests;
