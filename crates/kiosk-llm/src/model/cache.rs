//! The KV cache, and snapshots of it for the prompt-prefix cache.
//!
//! Global-attention layers keep one row per position up to the kiosk's
//! context length. Sliding-window layers (Gemma 3's local layers) keep a
//! ring of `window + MAX_BATCH` rows: a chunk of up to `MAX_BATCH` new
//! tokens is written before it attends, and the oldest position any of its
//! queries may still see is then `window` rows back, so nothing needed is
//! overwritten. Memory stays bounded however long a session runs.

use super::Config;

/// One layer's keys and values, `cap` rows of `kv_dim` floats.
#[derive(Debug, Clone)]
pub(crate) struct LayerCache {
    pub k: Vec<f32>,
    pub v: Vec<f32>,
    pub cap: usize,
}

impl LayerCache {
    #[inline]
    pub fn slot(&self, pos: usize) -> usize {
        pos % self.cap
    }
}

/// The model's memory of the tokens seen so far.
#[derive(Debug, Clone)]
pub struct KvCache {
    pub(crate) layers: Vec<LayerCache>,
    pub(crate) kv_dim: usize,
    /// Positions filled: the next token goes at `n_past`.
    pub n_past: usize,
}

/// The cached keys and values of positions `0..n_past`, to restore later.
#[derive(Debug, Clone)]
pub struct KvSnapshot {
    pub n_past: usize,
    /// Per layer: keys then values, `n_past × kv_dim` each.
    rows: Vec<(Vec<f32>, Vec<f32>)>,
}

impl KvCache {
    pub fn new(config: &Config, max_batch: usize) -> KvCache {
        let kv_dim = config.n_kv_head * config.head_dim;
        let layers = (0..config.n_layer)
            .map(|l| {
                let cap = match config.window(l) {
                    Some(w) => (w + max_batch).min(config.context_length),
                    None => config.context_length,
                };
                LayerCache {
                    k: vec![0.0; cap * kv_dim],
                    v: vec![0.0; cap * kv_dim],
                    cap,
                }
            })
            .collect();
        KvCache {
            layers,
            kv_dim,
            n_past: 0,
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.layers
            .iter()
            .map(|l| (l.k.len() + l.v.len()) * 4)
            .sum()
    }

    /// Forgets everything after position `n` (the next token goes at `n`).
    /// Only valid when rows `0..n` were not overwritten since they were
    /// written; use [`KvCache::restore`] otherwise.
    pub fn truncate(&mut self, n: usize) {
        self.n_past = self.n_past.min(n);
    }

    /// Zeroes every position, so nothing of a shopper's turn stays in
    /// memory after the session is wiped.
    pub fn wipe(&mut self) {
        for l in &mut self.layers {
            l.k.fill(0.0);
            l.v.fill(0.0);
        }
        self.n_past = 0;
    }

    /// The first `n_past` positions, if every layer still holds them.
    pub fn snapshot(&self) -> Option<KvSnapshot> {
        let n = self.n_past;
        if self.layers.iter().any(|l| n > l.cap) {
            return None;
        }
        let d = self.kv_dim;
        let rows = self
            .layers
            .iter()
            .map(|l| (l.k[..n * d].to_vec(), l.v[..n * d].to_vec()))
            .collect();
        Some(KvSnapshot { n_past: n, rows })
    }

    /// Puts a snapshot back: positions `0..snapshot.n_past` as they were,
    /// and nothing after them.
    pub fn restore(&mut self, snapshot: &KvSnapshot) {
        let n = snapshot.n_past;
        let d = self.kv_dim;
        for (l, (k, v)) in self.layers.iter_mut().zip(&snapshot.rows) {
            l.k[..n * d].copy_from_slice(k);
            l.v[..n * d].copy_from_slice(v);
        }
        self.n_past = n;
    }
}

impl KvSnapshot {
    pub fn bytes(&self) -> usize {
        self.rows.iter().map(|(k, v)| (k.len() + v.len()) * 4).sum()
    }
}
