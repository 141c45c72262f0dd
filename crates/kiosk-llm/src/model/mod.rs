//! Our forward pass for the two model families the kiosk runs.
//!
//! Gemma 3 and Llama (SmolLM2) share one decoder loop ([`Model::forward`]);
//! what differs is read from the GGUF file into [`Config`] and the
//! [`Layer`] weights by `gemma3.rs` and `llama.rs`. Compared with candle
//! 0.11's `quantized_gemma3`, whose pitfalls this replaces:
//! - rotary tables cover only the kiosk's context and are shared across
//!   layers ([`rope`]);
//! - the token embedding stays quantized and rows are dequantized on lookup
//!   (it is also the tied output matrix);
//! - causal and sliding-window masking are positional, so a multi-token
//!   forward on top of a cache attends to the cache, single-token steps
//!   respect the window, and local layers keep a bounded ring ([`cache`]);
//! - nothing is rebuilt per layer or per step: scratch buffers are sized
//!   once for a chunk of `MAX_BATCH` tokens.

pub mod cache;
mod gemma3;
mod llama;
pub mod rope;

use std::path::Path;

pub use cache::{KvCache, KvSnapshot};
use rope::{RopeStyle, RopeTable};

use crate::gguf::Gguf;
use crate::kernels::{self, OutPtr, QActs, QMatrix, vec};
use crate::pool::Pool;
use crate::{Error, Result};

/// Tokens per forward chunk; longer inputs are split.
pub const MAX_BATCH: usize = 256;

/// Output rows a thread takes at a time (keeps threads on separate lines).
const ROW_ALIGN: usize = 16;

/// The model families we run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    Gemma3,
    Llama,
}

/// The MLP's gate activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// GELU, tanh approximation (Gemma). candle 0.11's `quantized_gemma3`
    /// uses SiLU here, which is wrong for Gemma 3.
    GeluTanh,
    /// SiLU (Llama).
    Silu,
}

/// The shape and constants of a model.
#[derive(Debug, Clone)]
pub struct Config {
    pub arch: Arch,
    pub n_layer: usize,
    pub n_embd: usize,
    pub n_head: usize,
    pub n_kv_head: usize,
    pub head_dim: usize,
    pub n_ff: usize,
    pub vocab: usize,
    pub rms_eps: f32,
    /// Rotary base of global layers (all layers for Llama).
    pub rope_base: f32,
    /// Rotary base of sliding-window layers.
    pub rope_base_local: f32,
    pub rope_style: RopeStyle,
    pub activation: Activation,
    /// Sliding window of local layers, and every how many layers one is
    /// global (Gemma 3: 512 and 6).
    pub sliding_window: Option<(usize, usize)>,
    /// Multiplier of the embedding (Gemma: sqrt(n_embd)).
    pub embed_scale: f32,
    pub attn_scale: f32,
    /// The kiosk's context: positions the caches and tables cover.
    pub context_length: usize,
    /// The context the model was trained for.
    pub trained_context: usize,
}

impl Config {
    /// The sliding window of layer `l`, if it is a local layer.
    pub fn window(&self, l: usize) -> Option<usize> {
        match self.sliding_window {
            Some((w, every)) if !(l + 1).is_multiple_of(every) => Some(w),
            _ => None,
        }
    }
}

/// One decoder block's weights.
#[derive(Debug)]
pub(crate) struct Layer {
    attn_norm: Vec<f32>,
    wq: Weight,
    wk: Weight,
    wv: Weight,
    wo: Weight,
    /// Per-head norms of queries and keys (Gemma 3).
    q_norm: Option<Vec<f32>>,
    k_norm: Option<Vec<f32>>,
    /// Norms after attention and after the MLP, before the residual (Gemma).
    post_attn_norm: Option<Vec<f32>>,
    ffn_norm: Vec<f32>,
    w_gate: Weight,
    w_up: Weight,
    w_down: Weight,
    post_ffn_norm: Option<Vec<f32>>,
}

/// A weight matrix as generation streams it, and, for the formats whose
/// unpacking is the bottleneck of prompt processing (Q5_0), a Q8_0 copy
/// that multi-token chunks use instead (its kernel is ~40% faster; the copy
/// costs ~70 MB for Gemma 3 270M). The copy holds exactly the same values:
/// a Q5_0 quant minus 16 is an i8 under the same scale.
#[derive(Debug)]
pub(crate) struct Weight {
    q: QMatrix,
    batch: Option<QMatrix>,
}

impl Weight {
    fn new(q: QMatrix) -> Weight {
        let batch = (q.format == crate::kernels::Format::Q5_0).then(|| QMatrix {
            format: crate::kernels::Format::Q8_0,
            rows: q.rows,
            cols: q.cols,
            data: crate::kernels::convert::q5_0_to_q8_0(&q.data),
        });
        Weight { q, batch }
    }

    /// The matrix to use for a chunk of `n` tokens.
    fn for_n(&self, n: usize) -> &QMatrix {
        match &self.batch {
            Some(b) if n > 1 => b,
            _ => &self.q,
        }
    }

    fn bytes(&self) -> usize {
        self.q.data.len() + self.batch.as_ref().map_or(0, |b| b.data.len())
    }
}

/// Which positions of a forward chunk need logits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logits {
    /// None (filling the cache with a prompt prefix).
    None,
    /// The last position only (prompt, then each generated token).
    Last,
    /// Every position (scoring a candidate continuation).
    All,
}

/// Reusable buffers for one chunk.
#[derive(Debug, Default)]
struct Scratch {
    x: Vec<f32>,
    xn: Vec<f32>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    att: Vec<f32>,
    o: Vec<f32>,
    gate: Vec<f32>,
    up: Vec<f32>,
    h: Vec<f32>,
    acts: QActs,
    /// Attention scores, one row per thread.
    scores: Vec<Vec<f32>>,
}

/// A loaded model with its thread pool and scratch space.
#[derive(Debug)]
pub struct Model {
    pub config: Config,
    embed: QMatrix,
    /// `None`: the output matrix is the embedding (tied).
    output: Option<QMatrix>,
    output_norm: Vec<f32>,
    layers: Vec<Layer>,
    rope_global: RopeTable,
    rope_local: Option<RopeTable>,
    pool: Pool,
    scratch: Scratch,
}

impl Model {
    /// Loads a GGUF model for `context_length` positions, run on `n_threads`.
    pub fn load(path: &Path, context_length: usize, n_threads: usize) -> Result<Model> {
        let mut gguf = Gguf::open(path)?;
        let arch = gguf.meta_str("general.architecture")?.to_string();
        let (config, layers, embed, output, output_norm) = match arch.as_str() {
            "gemma3" => gemma3::load(&mut gguf, context_length)?,
            "llama" => llama::load(&mut gguf, context_length)?,
            other => {
                return Err(Error::Unsupported {
                    path: path.to_path_buf(),
                    what: format!("architecture {other:?} (expected gemma3 or llama)"),
                });
            }
        };
        let rope_global = RopeTable::new(config.rope_base, config.head_dim, config.context_length);
        let rope_local = config.sliding_window.map(|_| {
            RopeTable::new(
                config.rope_base_local,
                config.head_dim,
                config.context_length,
            )
        });
        let pool = Pool::new(n_threads);
        let scratch = Scratch {
            scores: vec![Vec::new(); pool.n_threads()],
            ..Scratch::default()
        };
        Ok(Model {
            config,
            embed,
            output,
            output_norm,
            layers,
            rope_global,
            rope_local,
            pool,
            scratch,
        })
    }

    pub fn n_threads(&self) -> usize {
        self.pool.n_threads()
    }

    /// A fresh, empty cache for this model.
    pub fn new_cache(&self) -> KvCache {
        KvCache::new(&self.config, MAX_BATCH)
    }

    /// Bytes of weights and tables held (for the bench's memory report).
    pub fn weight_bytes(&self) -> usize {
        let m = |q: &QMatrix| q.data.len();
        let w = Weight::bytes;
        let layers: usize = self
            .layers
            .iter()
            .map(|l| {
                w(&l.wq) + w(&l.wk) + w(&l.wv) + w(&l.wo) + w(&l.w_gate) + w(&l.w_up) + w(&l.w_down)
            })
            .sum();
        layers
            + m(&self.embed)
            + self.output.as_ref().map_or(0, m)
            + self.rope_global.bytes()
            + self.rope_local.as_ref().map_or(0, RopeTable::bytes)
    }

    /// The weight formats in use, as "name: format" lines (for the bench).
    pub fn formats(&self) -> Vec<(String, &'static str)> {
        let mut out = vec![("token_embd".to_string(), self.embed.format.name())];
        if let Some(o) = &self.output {
            out.push(("output".to_string(), o.format.name()));
        }
        for (i, l) in self.layers.iter().enumerate() {
            for (n, m) in [
                ("attn_q", &l.wq),
                ("attn_k", &l.wk),
                ("attn_v", &l.wv),
                ("attn_output", &l.wo),
                ("ffn_gate", &l.w_gate),
                ("ffn_up", &l.w_up),
                ("ffn_down", &l.w_down),
            ] {
                out.push((format!("blk.{i}.{n}"), m.q.format.name()));
            }
        }
        out
    }

    /// Runs `tokens` at positions `cache.n_past..`, appending them to the
    /// cache, and writes logits (`vocab` per position asked for) to
    /// `logits`.
    pub fn forward(
        &mut self,
        cache: &mut KvCache,
        tokens: &[u32],
        mode: Logits,
        logits: &mut Vec<f32>,
    ) -> Result<()> {
        let end = cache.n_past + tokens.len();
        if end > self.config.context_length {
            return Err(Error::ContextFull {
                n_tokens: end,
                context_length: self.config.context_length,
            });
        }
        if let Some(bad) = tokens.iter().find(|&&t| t as usize >= self.config.vocab) {
            return Err(Error::Tokenizer(format!(
                "token id {bad} is outside the vocabulary of {}",
                self.config.vocab
            )));
        }
        logits.clear();
        let n_chunks = tokens.len().div_ceil(MAX_BATCH);
        for (i, chunk) in tokens.chunks(MAX_BATCH).enumerate() {
            let last = i + 1 == n_chunks;
            let chunk_mode = match mode {
                Logits::All => Logits::All,
                Logits::Last if last => Logits::Last,
                _ => Logits::None,
            };
            self.forward_chunk(cache, chunk, chunk_mode, logits);
        }
        Ok(())
    }

    fn forward_chunk(
        &mut self,
        cache: &mut KvCache,
        tokens: &[u32],
        mode: Logits,
        logits: &mut Vec<f32>,
    ) {
        let Model {
            config: cfg,
            embed,
            output,
            output_norm,
            layers,
            rope_global,
            rope_local,
            pool,
            scratch: s,
        } = self;
        let t_n = tokens.len();
        let d = cfg.n_embd;
        let hd = cfg.head_dim;
        let nq = cfg.n_head * hd;
        let nkv = cfg.n_kv_head * hd;
        let ff = cfg.n_ff;
        let eps = cfg.rms_eps;
        let p0 = cache.n_past;
        s.x.resize(t_n * d, 0.0);
        s.xn.resize(t_n * d, 0.0);
        s.q.resize(t_n * nq, 0.0);
        s.k.resize(t_n * nkv, 0.0);
        s.v.resize(t_n * nkv, 0.0);
        s.att.resize(t_n * nq, 0.0);
        s.o.resize(t_n * d, 0.0);
        s.gate.resize(t_n * ff, 0.0);
        s.up.resize(t_n * ff, 0.0);
        s.h.resize(t_n * ff, 0.0);
        for sc in &mut s.scores {
            sc.resize(cfg.context_length, 0.0);
        }

        for (t, &tok) in tokens.iter().enumerate() {
            let x = &mut s.x[t * d..(t + 1) * d];
            embed.dequantize_row(tok as usize, x);
            if cfg.embed_scale != 1.0 {
                x.iter_mut().for_each(|v| *v *= cfg.embed_scale);
            }
        }

        for (l, layer) in layers.iter().enumerate() {
            // Attention block.
            for t in 0..t_n {
                let r = t * d..(t + 1) * d;
                vec::rms_norm_into(&s.x[r.clone()], &layer.attn_norm, eps, &mut s.xn[r]);
            }
            s.acts.quantize(&s.xn, t_n, d);
            {
                let acts = &s.acts;
                let mats = [
                    (layer.wq.for_n(t_n), OutPtr(s.q.as_mut_ptr()), nq),
                    (layer.wk.for_n(t_n), OutPtr(s.k.as_mut_ptr()), nkv),
                    (layer.wv.for_n(t_n), OutPtr(s.v.as_mut_ptr()), nkv),
                ];
                pool.run_rows(nq + 2 * nkv, ROW_ALIGN, &|mine, _| {
                    let mut base = 0;
                    for (w, out, rows) in &mats {
                        let lo = mine.start.max(base) - base;
                        let hi = mine.end.min(base + rows).saturating_sub(base);
                        if lo < hi {
                            // SAFETY: each thread writes its own rows.
                            unsafe { kernels::matmul(w, acts, *out, *rows, lo..hi) };
                        }
                        base += rows;
                    }
                });
            }
            let (rope, window) = match (cfg.window(l), rope_local.as_ref()) {
                (Some(w), Some(local)) => (local, Some(w)),
                _ => (&*rope_global, None),
            };
            let lc = &mut cache.layers[l];
            for t in 0..t_n {
                let pos = p0 + t;
                for h in 0..cfg.n_head {
                    let qh = &mut s.q[t * nq + h * hd..t * nq + (h + 1) * hd];
                    if let Some(w) = &layer.q_norm {
                        vec::rms_norm(qh, w, eps);
                    }
                    rope.apply(qh, pos, cfg.rope_style);
                }
                for h in 0..cfg.n_kv_head {
                    let kh = &mut s.k[t * nkv + h * hd..t * nkv + (h + 1) * hd];
                    if let Some(w) = &layer.k_norm {
                        vec::rms_norm(kh, w, eps);
                    }
                    rope.apply(kh, pos, cfg.rope_style);
                }
                let slot = lc.slot(pos);
                lc.k[slot * nkv..(slot + 1) * nkv].copy_from_slice(&s.k[t * nkv..(t + 1) * nkv]);
                lc.v[slot * nkv..(slot + 1) * nkv].copy_from_slice(&s.v[t * nkv..(t + 1) * nkv]);
            }
            {
                let lc = &*lc;
                let q = &s.q;
                let att = OutPtr(s.att.as_mut_ptr());
                let scores: Vec<OutPtr> = s
                    .scores
                    .iter_mut()
                    .map(|v| OutPtr(v.as_mut_ptr()))
                    .collect();
                let group = cfg.n_head / cfg.n_kv_head;
                let scale = cfg.attn_scale;
                let n_head = cfg.n_head;
                pool.run(t_n * n_head, &|item, tid| {
                    {
                        let (t, h) = (item / n_head, item % n_head);
                        let pos = p0 + t;
                        let lo = window.map_or(0, |w| (pos + 1).saturating_sub(w));
                        let n_keys = pos + 1 - lo;
                        // SAFETY: thread `tid` alone uses scores[tid], which
                        // holds `context_length` >= n_keys floats.
                        let sc =
                            unsafe { std::slice::from_raw_parts_mut(scores[tid].get(), n_keys) };
                        let qh = &q[t * nq + h * hd..t * nq + (h + 1) * hd];
                        let kv_off = (h / group) * hd;
                        for (j, s) in sc.iter_mut().enumerate() {
                            let row = lc.slot(lo + j) * nkv + kv_off;
                            *s = vec::dot(qh, &lc.k[row..row + hd]) * scale;
                        }
                        vec::softmax(sc);
                        // SAFETY: item (t, h) alone writes this slice of `att`.
                        let out = unsafe {
                            std::slice::from_raw_parts_mut(att.get().add(t * nq + h * hd), hd)
                        };
                        out.fill(0.0);
                        for (j, &w) in sc.iter().enumerate() {
                            let row = lc.slot(lo + j) * nkv + kv_off;
                            vec::axpy(out, w, &lc.v[row..row + hd]);
                        }
                    }
                });
            }
            s.acts.quantize(&s.att, t_n, nq);
            par_matmul(pool, layer.wo.for_n(t_n), &s.acts, &mut s.o, d);
            add_residual(&mut s.x, &mut s.o, layer.post_attn_norm.as_deref(), d, eps);

            // MLP block.
            for t in 0..t_n {
                let r = t * d..(t + 1) * d;
                vec::rms_norm_into(&s.x[r.clone()], &layer.ffn_norm, eps, &mut s.xn[r]);
            }
            s.acts.quantize(&s.xn, t_n, d);
            {
                let acts = &s.acts;
                let (g, u, hp) = (
                    OutPtr(s.gate.as_mut_ptr()),
                    OutPtr(s.up.as_mut_ptr()),
                    OutPtr(s.h.as_mut_ptr()),
                );
                let gelu = cfg.activation == Activation::GeluTanh;
                pool.run_rows(ff, ROW_ALIGN, &|rows, _| {
                    // SAFETY: each thread writes its own rows of gate, up and h.
                    unsafe {
                        kernels::matmul(layer.w_gate.for_n(t_n), acts, g, ff, rows.clone());
                        kernels::matmul(layer.w_up.for_n(t_n), acts, u, ff, rows.clone());
                        for t in 0..t_n {
                            let at = t * ff + rows.start;
                            let n = rows.len();
                            let gs = std::slice::from_raw_parts(g.get().add(at), n);
                            let us = std::slice::from_raw_parts(u.get().add(at), n);
                            let hs = std::slice::from_raw_parts_mut(hp.get().add(at), n);
                            if gelu {
                                vec::gelu_mul(gs, us, hs);
                            } else {
                                vec::silu_mul(gs, us, hs);
                            }
                        }
                    }
                });
            }
            s.acts.quantize(&s.h, t_n, ff);
            par_matmul(pool, layer.w_down.for_n(t_n), &s.acts, &mut s.o, d);
            add_residual(&mut s.x, &mut s.o, layer.post_ffn_norm.as_deref(), d, eps);
        }
        cache.n_past = p0 + t_n;

        let first = match mode {
            Logits::None => return,
            Logits::Last => t_n - 1,
            Logits::All => 0,
        };
        let n_out = t_n - first;
        for t in 0..n_out {
            let src = (first + t) * d;
            vec::rms_norm_into(
                &s.x[src..src + d],
                output_norm,
                eps,
                &mut s.xn[t * d..(t + 1) * d],
            );
        }
        s.acts.quantize(&s.xn, n_out, d);
        let at = logits.len();
        logits.resize(at + n_out * cfg.vocab, 0.0);
        let w = output.as_ref().unwrap_or(embed);
        par_matmul(pool, w, &s.acts, &mut logits[at..], cfg.vocab);
    }
}

/// `out = w · acts` (token-major, `rows` per token) over all threads.
fn par_matmul(pool: &Pool, w: &QMatrix, acts: &QActs, out: &mut [f32], rows: usize) {
    assert!(
        out.len() >= acts.n * rows && w.rows == rows,
        "matmul output too small"
    );
    let out = OutPtr(out.as_mut_ptr());
    pool.run_rows(rows, ROW_ALIGN, &|mine, _| {
        // SAFETY: `out` holds acts.n × rows floats (checked); each thread
        // writes its own rows.
        unsafe { kernels::matmul(w, acts, out, rows, mine) };
    });
}

/// `x += norm(o)` per token (the norm only where the model has one).
fn add_residual(x: &mut [f32], o: &mut [f32], norm: Option<&[f32]>, d: usize, eps: f32) {
    for (xt, ot) in x.chunks_exact_mut(d).zip(o.chunks_exact_mut(d)) {
        if let Some(w) = norm {
            vec::rms_norm(ot, w, eps);
        }
        xt.iter_mut().zip(ot.iter()).for_each(|(x, o)| *x += o);
    }
}

/// Reads a norm weight, checking its length.
fn norm(gguf: &mut Gguf, name: &str, len: usize) -> Result<Vec<f32>> {
    let v = gguf.f32s(name)?;
    if v.len() != len {
        return Err(Error::Corrupt {
            path: gguf.path.clone(),
            what: format!("tensor {name} has {} values, expected {len}", v.len()),
        });
    }
    Ok(v)
}

/// Reads a layer's weight matrix (with its prompt-processing copy).
fn weight(gguf: &mut Gguf, name: &str, rows: usize, cols: usize) -> Result<Weight> {
    Ok(Weight::new(matrix(gguf, name, rows, cols)?))
}

/// Reads a weight matrix, checking its shape.
fn matrix(gguf: &mut Gguf, name: &str, rows: usize, cols: usize) -> Result<QMatrix> {
    let m = gguf.matrix(name)?;
    if (m.rows, m.cols) != (rows, cols) {
        return Err(Error::Corrupt {
            path: gguf.path.clone(),
            what: format!(
                "tensor {name} is {}×{}, expected {rows}×{cols}",
                m.rows, m.cols
            ),
        });
    }
    Ok(m)
}

/// What a family loader returns.
type Loaded = (Config, Vec<Layer>, QMatrix, Option<QMatrix>, Vec<f32>);

#[cfg(test)]
mod tests;
