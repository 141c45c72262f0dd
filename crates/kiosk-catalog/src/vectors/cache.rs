//! Query vectors of fixed texts kept on disk between runs: the labelled
//! intent examples (`kiosk_core::assistant::intents`) are the same 500-odd
//! sentences at every start, and embedding them takes seconds.
//!
//! One SQLite file in the data dir ([`CACHE_FILE`]), a row per text: the
//! key is [`content_hash`] of the model's fingerprint (the sha256 of its
//! file) and the text as a query, the value its vector as little-endian
//! f32, exactly as the model gave it. A changed text or another model
//! misses and is embedded (and stored); a stored vector of another length
//! is embedded again. Only fixed texts of the kiosk's own go in, never a
//! shopper's turn.

use std::path::Path;
use std::time::Duration;

use kiosk_embed::{Embedder, TextKind};
use rusqlite::{Connection, OptionalExtension, params};

use super::content_hash;
use crate::error::{Error, Result};

/// The cache's file name in the data dir.
pub const CACHE_FILE: &str = "vector_cache.sqlite";

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS query_vectors (
    hash BLOB PRIMARY KEY,
    vector BLOB NOT NULL
) WITHOUT ROWID;
";

/// Texts embedded together on a miss.
const BATCH: usize = 32;

/// How many vectors came from the cache and how many were embedded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheCounts {
    pub cached: usize,
    pub embedded: usize,
}

/// The cache file, open.
pub struct QueryVectorCache {
    conn: Connection,
}

impl QueryVectorCache {
    /// Opens the cache at `path`, creating it when missing.
    pub fn open(path: &Path) -> Result<QueryVectorCache> {
        let conn =
            Connection::open(path).map_err(Error::sqlite(format!("opening {}", path.display())))?;
        // The app and `kiosk ask` may fill it at the same time.
        conn.busy_timeout(Duration::from_secs(5))
            .and_then(|()| conn.execute_batch(CREATE))
            .map_err(Error::sqlite(format!("preparing {}", path.display())))?;
        Ok(QueryVectorCache { conn })
    }

    /// The query vector of each of `texts`, in order: stored ones read,
    /// the others embedded with `embedder` and stored.
    pub fn query_vectors(
        &self,
        embedder: &Embedder,
        texts: &[&str],
    ) -> Result<(Vec<Vec<f32>>, CacheCounts)> {
        let model = embedder.fingerprint();
        let keys: Vec<[u8; 16]> = texts
            .iter()
            .map(|text| content_hash(model, &format!("query: {text}")))
            .collect();
        let mut found: Vec<Option<Vec<f32>>> = Vec::with_capacity(texts.len());
        {
            let mut get = self
                .conn
                .prepare("SELECT vector FROM query_vectors WHERE hash = ?1")
                .map_err(Error::sqlite("reading cached vectors"))?;
            for key in &keys {
                let bytes: Option<Vec<u8>> = get
                    .query_row([&key[..]], |r| r.get(0))
                    .optional()
                    .map_err(Error::sqlite("reading cached vectors"))?;
                found.push(bytes.and_then(|b| from_bytes(&b, embedder.dim())));
            }
        }
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| found[i].is_none()).collect();
        let counts = CacheCounts {
            cached: texts.len() - missing.len(),
            embedded: missing.len(),
        };
        if !missing.is_empty() {
            let tx = self
                .conn
                .unchecked_transaction()
                .map_err(Error::sqlite("storing cached vectors"))?;
            {
                let mut put = tx
                    .prepare("INSERT OR REPLACE INTO query_vectors (hash, vector) VALUES (?1, ?2)")
                    .map_err(Error::sqlite("storing cached vectors"))?;
                for batch in missing.chunks(BATCH) {
                    let batch_texts: Vec<&str> = batch.iter().map(|&i| texts[i]).collect();
                    let vectors = embedder.embed_batch(TextKind::Query, &batch_texts);
                    for (&i, vector) in batch.iter().zip(vectors) {
                        put.execute(params![&keys[i][..], to_bytes(&vector)])
                            .map_err(Error::sqlite("storing cached vectors"))?;
                        found[i] = Some(vector);
                    }
                }
            }
            tx.commit()
                .map_err(Error::sqlite("storing cached vectors"))?;
        }
        let vectors = found
            .into_iter()
            .map(|v| v.ok_or_else(|| Error::Invalid("a text was left without a vector".into())))
            .collect::<Result<Vec<_>>>()?;
        Ok((vectors, counts))
    }
}

fn to_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A stored vector of `dim` values; `None` when it has another length.
fn from_bytes(bytes: &[u8], dim: usize) -> Option<Vec<f32>> {
    if bytes.len() != dim * 4 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}
