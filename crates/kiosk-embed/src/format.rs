//! The `E5S1` model file: one little-endian file holding the configuration,
//! the SentencePiece vocabulary and every weight of the encoder.
//!
//! Layout, in order:
//! - header: magic `E5S1`, version `1` (u32), then i32 hidden size, layers,
//!   heads, feed-forward size, vocabulary rows, positions, token types,
//!   f32 LayerNorm epsilon, i32 quantisation block size (32);
//! - vocabulary: i32 piece count, BOS, EOS, PAD and UNK ids, u64 length of
//!   the piece bytes, `count + 1` u32 offsets into them, `count` f32 scores,
//!   the piece bytes;
//! - normalisation table: i32 entry count, u32 byte length, then per entry a
//!   u32 code point, a u8 count and that many u32 replacement code points;
//! - tensor directory: i32 count, then per tensor a u16 name length, the
//!   name, a u8 type (0 f32, 1 Q4_0), u32 element count, u64 offset and u64
//!   byte length of its data in the file.
//!
//! Every count, offset and length is checked against the file's length and
//! every tensor against the shape the configuration implies before anything
//! is used, so a truncated or corrupt file is an [`Error`] of kind
//! [`ErrorKind::Model`](crate::ErrorKind::Model), never a panic.

use std::collections::HashMap;
use std::path::Path;

use sha2::Digest;

use crate::encoder::{Layer, Linear, Norm, Weights};
use crate::error::{Error, Result};
use crate::quant::{BLOCK, BLOCK_BYTES, Q4Matrix, Q4Table};

const MAGIC: &[u8; 4] = b"E5S1";
const VERSION: u32 = 1;
const TYPE_F32: u8 = 0;
const TYPE_Q4_0: u8 = 1;

/// The encoder's shape, as the file's header gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Width of the hidden states (and of the embedding): 384 for e5-small.
    pub hidden: usize,
    pub n_layers: usize,
    pub n_heads: usize,
    /// Width of the feed-forward layer.
    pub ff: usize,
    /// Rows of the word-embedding table.
    pub vocab_rows: usize,
    /// Rows of the position-embedding table: the longest input, specials
    /// included.
    pub max_positions: usize,
    pub type_vocab: usize,
    pub layer_norm_eps: f32,
}

/// The tokenizer's part of the file.
#[derive(Debug)]
pub(crate) struct Vocab {
    pub pieces: Pieces,
    pub scores: Vec<f32>,
    pub bos: u32,
    pub eos: u32,
    pub unk: u32,
    /// Per code point, what the normaliser replaces it with (possibly
    /// nothing), sorted by code point.
    pub normalization: Vec<(char, Box<[char]>)>,
}

/// The vocabulary's pieces as the file holds them: their bytes one after
/// the other and an offset per piece (no allocation per piece).
#[derive(Debug, Default)]
pub(crate) struct Pieces {
    pub bytes: Vec<u8>,
    /// Piece `i` is `bytes[offsets[i]..offsets[i + 1]]`; one more than
    /// the pieces.
    pub offsets: Vec<u32>,
}

impl Pieces {
    pub(crate) fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub(crate) fn get(&self, i: usize) -> &[u8] {
        &self.bytes[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl<P: AsRef<[u8]>> FromIterator<P> for Pieces {
    fn from_iter<I: IntoIterator<Item = P>>(pieces: I) -> Pieces {
        let mut out = Pieces {
            bytes: Vec::new(),
            offsets: vec![0],
        };
        for piece in pieces {
            out.bytes.extend_from_slice(piece.as_ref());
            out.offsets.push(out.bytes.len() as u32);
        }
        out
    }
}

/// A checked model file.
#[derive(Debug)]
pub(crate) struct ModelFile {
    pub config: Config,
    pub vocab: Vocab,
    pub weights: Weights,
}

/// Reads and checks the model file at `path`; also returns the file's
/// sha256 in hex.
pub(crate) fn read(path: &Path) -> Result<(ModelFile, String)> {
    let bytes = std::fs::read(path).map_err(|source| Error::io(path, source))?;
    let file = parse(path, &bytes)?;
    let digest = sha2::Sha256::digest(&bytes);
    let hex = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok((file, hex))
}

/// Checks and decodes a model file's bytes; `path` only names it in errors.
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<ModelFile> {
    let mut reader = Reader {
        path,
        bytes,
        pos: 0,
    };
    let magic = reader.take(4, "the magic number")?;
    if magic != MAGIC {
        return Err(reader.error(format!(
            "not an E5S1 model file (magic {magic:02x?}, expected {MAGIC:02x?})"
        )));
    }
    let version = reader.u32("the version")?;
    if version != VERSION {
        return Err(reader.error(format!(
            "format version {version}, only version {VERSION} is supported"
        )));
    }
    let config = read_config(&mut reader)?;
    let vocab = read_vocab(&mut reader, &config)?;
    let directory = read_directory(&mut reader)?;
    let weights = directory.weights(&config)?;
    Ok(ModelFile {
        config,
        vocab,
        weights,
    })
}

fn read_config(reader: &mut Reader) -> Result<Config> {
    let hidden = reader.count("the hidden size", 1, 4096)?;
    let n_layers = reader.count("the layer count", 1, 64)?;
    let n_heads = reader.count("the head count", 1, 256)?;
    let ff = reader.count("the feed-forward size", 1, 65536)?;
    let vocab_rows = reader.count("the vocabulary size", 1, 1 << 20)?;
    let max_positions = reader.count("the position count", 3, 1 << 16)?;
    let type_vocab = reader.count("the token type count", 1, 1024)?;
    let layer_norm_eps = reader.f32("the LayerNorm epsilon")?;
    let block = reader.i32("the quantisation block size")?;
    if !(layer_norm_eps.is_finite() && layer_norm_eps > 0.0) {
        return Err(reader.error(format!(
            "LayerNorm epsilon {layer_norm_eps} is not positive"
        )));
    }
    if usize::try_from(block).ok() != Some(BLOCK) {
        return Err(reader.error(format!("quantisation block size {block}, expected {BLOCK}")));
    }
    if !hidden.is_multiple_of(n_heads) {
        return Err(reader.error(format!(
            "hidden size {hidden} is not a multiple of the head count {n_heads}"
        )));
    }
    for (what, size) in [("hidden size", hidden), ("feed-forward size", ff)] {
        if !size.is_multiple_of(BLOCK) {
            return Err(reader.error(format!("{what} {size} is not a multiple of {BLOCK}")));
        }
    }
    Ok(Config {
        hidden,
        n_layers,
        n_heads,
        ff,
        vocab_rows,
        max_positions,
        type_vocab,
        layer_norm_eps,
    })
}

fn read_vocab(reader: &mut Reader, config: &Config) -> Result<Vocab> {
    let n_pieces = reader.count("the piece count", 1, config.vocab_rows)?;
    let mut special = [0u32; 4];
    for (slot, what) in special.iter_mut().zip(["BOS", "EOS", "PAD", "UNK"]) {
        let id = reader.count(&format!("the {what} id"), 0, n_pieces - 1)?;
        *slot = u32::try_from(id).map_err(|_| reader.error(format!("{what} id {id} too large")))?;
    }
    let [bos, eos, _pad, unk] = special;
    let blob_len = reader.u64("the piece bytes' length")?;
    let blob_len = usize::try_from(blob_len)
        .ok()
        .filter(|len| *len <= reader.bytes.len())
        .ok_or_else(|| {
            reader.error(format!(
                "truncated or corrupt: the piece bytes' length {blob_len} exceeds the file \
                 ({} bytes)",
                reader.bytes.len()
            ))
        })?;
    let offsets_bytes = reader.take((n_pieces + 1) * 4, "the piece offsets")?;
    let offsets: Vec<u32> = offsets_bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let scores_bytes = reader.take(n_pieces * 4, "the piece scores")?;
    let scores: Vec<f32> = scores_bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let blob = reader.take(blob_len, "the piece bytes")?;
    if offsets[0] != 0 || offsets[n_pieces] as usize != blob_len {
        return Err(reader.error(format!(
            "piece offsets run from {} to {}, expected 0 to {blob_len}",
            offsets[0], offsets[n_pieces]
        )));
    }
    if let Some(i) = offsets.windows(2).position(|w| w[0] > w[1]) {
        return Err(reader.error(format!("piece offsets go backwards at piece {i}")));
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(reader.error(format!("piece {i} has a score that is not a number")));
    }
    let pieces = Pieces {
        bytes: blob.to_vec(),
        offsets,
    };

    let n_entries = reader.count("the normalisation entry count", 0, 1 << 21)?;
    let table_len = reader.u32("the normalisation table's length")? as usize;
    let table = reader.take(table_len, "the normalisation table")?;
    let normalization = read_normalization(reader, table, n_entries)?;
    Ok(Vocab {
        pieces,
        scores,
        bos,
        eos,
        unk,
        normalization,
    })
}

fn read_normalization(
    outer: &Reader,
    table: &[u8],
    n_entries: usize,
) -> Result<Vec<(char, Box<[char]>)>> {
    let mut reader = Reader {
        path: outer.path,
        bytes: table,
        pos: 0,
    };
    let in_table = |message: String| outer.error(format!("normalisation table: {message}"));
    let mut entries: Vec<(char, Box<[char]>)> = Vec::with_capacity(n_entries.min(1 << 16));
    for i in 0..n_entries {
        let code = reader
            .u32("an entry's code point")
            .map_err(|_| in_table(format!("entry {i} runs past the table's end")))?;
        let count = reader
            .take(1, "an entry's length")
            .map_err(|_| in_table(format!("entry {i} runs past the table's end")))?[0];
        let mut replacement = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            let code = reader
                .u32("a replacement code point")
                .map_err(|_| in_table(format!("entry {i} runs past the table's end")))?;
            let c = char::from_u32(code).ok_or_else(|| {
                in_table(format!("entry {i} maps to invalid code point {code:#x}"))
            })?;
            replacement.push(c);
        }
        let c = char::from_u32(code)
            .ok_or_else(|| in_table(format!("entry {i} has invalid code point {code:#x}")))?;
        if entries.last().is_some_and(|(last, _)| *last >= c) {
            return Err(in_table(format!("entry {i} ({code:#x}) is out of order")));
        }
        entries.push((c, replacement.into_boxed_slice()));
    }
    if reader.pos != table.len() {
        return Err(in_table(format!(
            "{n_entries} entries take {} bytes, the table has {}",
            reader.pos,
            table.len()
        )));
    }
    Ok(entries)
}

/// One entry of the tensor directory.
#[derive(Debug)]
struct TensorEntry {
    kind: u8,
    n_elements: usize,
    offset: usize,
    n_bytes: usize,
}

struct Directory<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    tensors: HashMap<String, TensorEntry>,
}

fn read_directory<'a>(reader: &mut Reader<'a>) -> Result<Directory<'a>> {
    let n_tensors = reader.count("the tensor count", 1, 1 << 16)?;
    let mut tensors = HashMap::with_capacity(n_tensors);
    for i in 0..n_tensors {
        let name_len = usize::from(reader.u16("a tensor name's length")?);
        let name = reader.take(name_len, "a tensor name")?;
        let name = String::from_utf8(name.to_vec())
            .map_err(|_| reader.error(format!("tensor {i}'s name is not UTF-8")))?;
        let kind = reader.take(1, "a tensor type")?[0];
        let n_elements = reader.u32("a tensor's element count")? as usize;
        let offset = reader.u64("a tensor's offset")?;
        let n_bytes = reader.u64("a tensor's byte length")?;
        let expected_bytes = match kind {
            TYPE_F32 => n_elements * 4,
            TYPE_Q4_0 if n_elements.is_multiple_of(BLOCK) => n_elements / BLOCK * BLOCK_BYTES,
            TYPE_Q4_0 => {
                return Err(reader.error(format!(
                    "tensor {name}: {n_elements} Q4_0 weights is not a whole number of blocks"
                )));
            }
            _ => return Err(reader.error(format!("tensor {name}: unknown type {kind}"))),
        };
        if n_bytes != expected_bytes as u64 {
            return Err(reader.error(format!(
                "tensor {name}: {n_bytes} bytes for {n_elements} elements, expected {expected_bytes}"
            )));
        }
        let file_len = reader.bytes.len() as u64;
        if offset.checked_add(n_bytes).is_none_or(|end| end > file_len) {
            return Err(reader.error(format!(
                "tensor {name}: {n_bytes} bytes at offset {offset} run past the end of the \
                 file ({file_len} bytes)"
            )));
        }
        let entry = TensorEntry {
            kind,
            n_elements,
            offset: offset as usize,
            n_bytes: expected_bytes,
        };
        if tensors.insert(name.clone(), entry).is_some() {
            return Err(reader.error(format!("tensor {name} is listed twice")));
        }
    }
    Ok(Directory {
        path: reader.path,
        bytes: reader.bytes,
        tensors,
    })
}

impl Directory<'_> {
    fn weights(&self, config: &Config) -> Result<Weights> {
        let h = config.hidden;
        let linear = |prefix: &str, rows: usize, cols: usize| -> Result<Linear> {
            Ok(Linear {
                weight: self.q4(&format!("{prefix}.w"), rows, cols)?,
                bias: self.f32(&format!("{prefix}.b"), rows)?,
            })
        };
        let norm = |prefix: &str| -> Result<Norm> {
            Ok(Norm {
                weight: self.f32(&format!("{prefix}.w"), h)?,
                bias: self.f32(&format!("{prefix}.b"), h)?,
            })
        };
        let layers = (0..config.n_layers)
            .map(|l| {
                Ok(Layer {
                    query_key_value: Linear::stack(&[
                        linear(&format!("l{l}.q"), h, h)?,
                        linear(&format!("l{l}.k"), h, h)?,
                        linear(&format!("l{l}.v"), h, h)?,
                    ]),
                    attention_out: linear(&format!("l{l}.ao"), h, h)?,
                    attention_norm: norm(&format!("l{l}.aln"))?,
                    ff_in: linear(&format!("l{l}.fi"), config.ff, h)?,
                    ff_out: linear(&format!("l{l}.fo"), h, config.ff)?,
                    output_norm: norm(&format!("l{l}.oln"))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Weights {
            word: Q4Table::from_bytes(
                config.vocab_rows,
                h,
                self.entry("emb.word", TYPE_Q4_0, config.vocab_rows * h)?,
            ),
            position: self.f32("emb.pos", config.max_positions * h)?,
            token_type: self.f32("emb.type", config.type_vocab * h)?,
            norm: norm("emb.ln")?,
            layers,
        })
    }

    fn entry(&self, name: &str, kind: u8, n_elements: usize) -> Result<&[u8]> {
        let entry = self
            .tensors
            .get(name)
            .ok_or_else(|| Error::model(self.path, format!("tensor {name} is missing")))?;
        if entry.kind != kind {
            return Err(Error::model(
                self.path,
                format!("tensor {name} has type {}, expected {kind}", entry.kind),
            ));
        }
        if entry.n_elements != n_elements {
            return Err(Error::model(
                self.path,
                format!(
                    "tensor {name} has {} elements, the configuration implies {n_elements}",
                    entry.n_elements
                ),
            ));
        }
        // The directory reader checked that the data lies inside the file.
        Ok(&self.bytes[entry.offset..entry.offset + entry.n_bytes])
    }

    fn f32(&self, name: &str, len: usize) -> Result<Vec<f32>> {
        let values: Vec<f32> = self
            .entry(name, TYPE_F32, len)?
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if values.iter().any(|v| !v.is_finite()) {
            return Err(Error::model(
                self.path,
                format!("tensor {name} holds a value that is not a finite number"),
            ));
        }
        Ok(values)
    }

    fn q4(&self, name: &str, rows: usize, cols: usize) -> Result<Q4Matrix> {
        let bytes = self.entry(name, TYPE_Q4_0, rows * cols)?;
        Ok(Q4Matrix::from_bytes(rows, cols, bytes))
    }
}

/// A bounds-checked cursor over the file.
struct Reader<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, message: String) -> Error {
        Error::model(self.path, message)
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len());
        let Some(end) = end else {
            return Err(self.error(format!(
                "truncated: {what} needs {n} bytes at offset {} but the file has {} bytes",
                self.pos,
                self.bytes.len()
            )));
        };
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    fn u16(&mut self, what: &str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn i32(&mut self, what: &str) -> Result<i32> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn f32(&mut self, what: &str) -> Result<f32> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }

    /// An i32 that must lie in `min..=max`.
    fn count(&mut self, what: &str, min: usize, max: usize) -> Result<usize> {
        let at = self.pos;
        let value = self.i32(what)?;
        match usize::try_from(value) {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(self.error(format!(
                "{what} at offset {at} is {value}, expected {min} to {max}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
