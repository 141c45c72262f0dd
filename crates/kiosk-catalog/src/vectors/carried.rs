//! Product vectors carried to the kiosk in a file beside the export: the
//! back office computes them (`kiosk bundle create --vectors`) and a
//! bundle carries them as `catalog/product_vectors.kvec`, listed in its
//! signed manifest with its hash, so a kiosk embeds none of the products
//! they cover.
//!
//! ```text
//! header  "KVEC" u32 format (1) u32 dim u32 model length, the model's
//!         fingerprint (UTF-8), u64 count          all little-endian
//! record  16-byte content hash, f32 scale, dim int8 values   (× count)
//! ```
//!
//! A record is keyed by [`content_hash`](super::content_hash) of the
//! model's fingerprint and the product's passage, as the snapshot keys
//! its vectors: a product whose passage changed, or a vector of another
//! model, finds no record and is embedded at import. A file of another
//! model or dimension, or one whose length does not match its header, is
//! not used at all ([`Carried::open`] says why) and every product is
//! embedded as if it were not there.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::schema::meta;

/// The file's name beside the export.
pub const FILE_NAME: &str = "product_vectors.kvec";

const MAGIC: &[u8; 4] = b"KVEC";
const FORMAT: u32 = 1;
/// A model fingerprint is a sha256 in hex; anything much longer is not one.
const MAX_MODEL_BYTES: usize = 256;
/// No model the kiosk runs has wider vectors.
const MAX_DIM: usize = 4096;

fn record_len(dim: usize) -> usize {
    16 + 4 + dim
}

/// Writes the vectors of the snapshot behind `conn` (an import made with
/// the model) to `out`; returns how many.
pub fn write(conn: &Connection, out: &Path) -> Result<u64> {
    let get = |key: &str| -> Result<String> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .map_err(Error::sqlite(format!("reading snapshot metadata {key}")))
    };
    let model = get(meta::EMBED_MODEL)?;
    let dim: usize = get(meta::EMBED_DIM)?.parse().map_err(|e| {
        Error::Invalid(format!("metadata {} is not a number: {e}", meta::EMBED_DIM))
    })?;
    let count: i64 = conn
        .query_row("SELECT COUNT(*) FROM product_vectors", [], |r| r.get(0))
        .map_err(Error::sqlite("counting vectors"))?;
    let file = File::create(out).map_err(Error::io("creating", out))?;
    let mut w = BufWriter::new(file);
    let mut header = Vec::with_capacity(24 + model.len());
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT.to_le_bytes());
    header.extend_from_slice(&(dim as u32).to_le_bytes());
    header.extend_from_slice(&(model.len() as u32).to_le_bytes());
    header.extend_from_slice(model.as_bytes());
    header.extend_from_slice(&(count as u64).to_le_bytes());
    w.write_all(&header).map_err(Error::io("writing", out))?;
    let mut stmt = conn
        .prepare("SELECT hash, scale, vector FROM product_vectors ORDER BY product_rowid")
        .map_err(Error::sqlite("reading vectors"))?;
    let mut rows = stmt.query([]).map_err(Error::sqlite("reading vectors"))?;
    let mut written = 0u64;
    while let Some(row) = rows.next().map_err(Error::sqlite("reading vectors"))? {
        let hash: Vec<u8> = row.get(0).map_err(Error::sqlite("reading vectors"))?;
        let scale: f64 = row.get(1).map_err(Error::sqlite("reading vectors"))?;
        let vector: Vec<u8> = row.get(2).map_err(Error::sqlite("reading vectors"))?;
        if hash.len() != 16 || vector.len() != dim {
            return Err(Error::Invalid(format!(
                "a stored vector has a {}-byte key and {} values, expected 16 and {dim}",
                hash.len(),
                vector.len()
            )));
        }
        w.write_all(&hash).map_err(Error::io("writing", out))?;
        w.write_all(&(scale as f32).to_le_bytes())
            .map_err(Error::io("writing", out))?;
        w.write_all(&vector).map_err(Error::io("writing", out))?;
        written += 1;
    }
    w.into_inner()
        .map_err(|e| Error::io("writing", out)(e.into_error()))?
        .sync_all()
        .map_err(Error::io("writing", out))?;
    Ok(written)
}

/// A carried file read for one model: its records by content hash.
pub struct Carried {
    dim: usize,
    /// The records, one after another.
    records: Vec<u8>,
    by_hash: HashMap<[u8; 16], usize>,
}

impl Carried {
    /// Reads `path` for vectors of `model` with `dim` values. `Ok(Err(why))`
    /// when the file cannot be used (another model or dimension, a length
    /// its header does not account for): the import then embeds every
    /// product itself.
    pub fn open(
        path: &Path,
        model: &str,
        dim: usize,
    ) -> Result<std::result::Result<Carried, String>> {
        let mut file = File::open(path).map_err(Error::io("opening", path))?;
        let len = file.metadata().map_err(Error::io("reading", path))?.len();
        let mut fixed = [0u8; 16];
        if file.read_exact(&mut fixed).is_err() || &fixed[..4] != MAGIC {
            return Ok(Err(format!(
                "{} is not a product vector file",
                path.display()
            )));
        }
        let word =
            |i: usize| u32::from_le_bytes([fixed[i], fixed[i + 1], fixed[i + 2], fixed[i + 3]]);
        let (format, their_dim, model_len) = (word(4), word(8) as usize, word(12) as usize);
        if format != FORMAT {
            return Ok(Err(format!(
                "vector file format {format}, expected {FORMAT}"
            )));
        }
        if model_len > MAX_MODEL_BYTES || their_dim == 0 || their_dim > MAX_DIM {
            return Ok(Err(format!("{} has a malformed header", path.display())));
        }
        let mut theirs = vec![0u8; model_len];
        let mut count = [0u8; 8];
        if file.read_exact(&mut theirs).is_err() || file.read_exact(&mut count).is_err() {
            return Ok(Err(format!("{} ends inside its header", path.display())));
        }
        if theirs != model.as_bytes() {
            return Ok(Err(format!(
                "the vectors are of another model ({}), not {model}",
                String::from_utf8_lossy(&theirs)
            )));
        }
        if their_dim != dim {
            return Ok(Err(format!(
                "the vectors have {their_dim} values, the model gives {dim}"
            )));
        }
        let count = u64::from_le_bytes(count);
        let header = 16 + model_len as u64 + 8;
        let expected = count
            .checked_mul(record_len(dim) as u64)
            .and_then(|n| n.checked_add(header));
        if expected != Some(len) {
            return Ok(Err(format!(
                "{} is {len} bytes, its header says {} records",
                path.display(),
                count
            )));
        }
        let mut records = Vec::with_capacity((len - header) as usize);
        file.read_to_end(&mut records)
            .map_err(Error::io("reading", path))?;
        if records.len() as u64 != len - header {
            return Ok(Err(format!("{} changed while read", path.display())));
        }
        let mut by_hash = HashMap::with_capacity(count as usize);
        for (i, record) in records.chunks_exact(record_len(dim)).enumerate() {
            let mut key = [0u8; 16];
            key.copy_from_slice(&record[..16]);
            by_hash.entry(key).or_insert(i);
        }
        Ok(Ok(Carried {
            dim,
            records,
            by_hash,
        }))
    }

    /// The scale and int8 values carried for `hash`.
    pub fn get(&self, hash: &[u8; 16]) -> Option<(f32, &[u8])> {
        let i = *self.by_hash.get(hash)?;
        let record = &self.records[i * record_len(self.dim)..(i + 1) * record_len(self.dim)];
        let scale = f32::from_le_bytes([record[16], record[17], record[18], record[19]]);
        scale.is_finite().then_some((scale, &record[20..]))
    }

    /// How many records the file holds.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}
