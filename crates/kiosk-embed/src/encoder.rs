//! The BERT (XLM-RoBERTa) encoder of multilingual-e5-small over Q4_0
//! weights: embeddings, then post-LayerNorm transformer layers of
//! self-attention and a GELU feed-forward block, then mean pooling.
//!
//! All tokens of a batch of inputs run through each matrix together, so
//! every weight block is unpacked once per few tokens; only attention looks
//! at one input at a time. Each matrix product's input is quantised to 8
//! bits first ([`Q8Acts`]), as in the reference implementation; everything
//! else is f32. The products, attention (token by token) and GELU spread
//! over the current rayon pool.

use std::ops::Range;

use rayon::prelude::*;

use crate::format::Config;
use crate::quant::{Q4Matrix, Q4Table, Q8Acts, dot};

/// GELU values one parallel task computes.
const GELU_CHUNK: usize = 4096;

/// A LayerNorm's scale and shift.
#[derive(Debug)]
pub(crate) struct Norm {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

/// A quantised projection with its f32 bias.
#[derive(Debug)]
pub(crate) struct Linear {
    pub weight: Q4Matrix,
    pub bias: Vec<f32>,
}

impl Linear {
    /// The projections' outputs side by side: one product in place of
    /// several over the same input.
    pub(crate) fn stack(parts: &[Linear]) -> Linear {
        let weights: Vec<&Q4Matrix> = parts.iter().map(|p| &p.weight).collect();
        Linear {
            weight: Q4Matrix::stack(&weights),
            bias: parts.iter().flat_map(|p| p.bias.iter().copied()).collect(),
        }
    }

    /// `x` is `n_tokens × cols`, quantised; the result is `n_tokens × rows`.
    fn apply(&self, x: &Q8Acts) -> Vec<f32> {
        let mut y = vec![0f32; x.n() * self.weight.rows()];
        self.weight.matmul(&self.bias, x, &mut y);
        y
    }
}

/// One transformer layer.
#[derive(Debug)]
pub(crate) struct Layer {
    /// The query, key and value projections stacked: each token's output
    /// row is its query, then its key, then its value.
    pub query_key_value: Linear,
    pub attention_out: Linear,
    pub attention_norm: Norm,
    pub ff_in: Linear,
    pub ff_out: Linear,
    pub output_norm: Norm,
}

/// Every weight of the encoder, checked against the [`Config`].
#[derive(Debug)]
pub(crate) struct Weights {
    pub word: Q4Table,
    pub position: Vec<f32>,
    pub token_type: Vec<f32>,
    pub norm: Norm,
    pub layers: Vec<Layer>,
}

#[derive(Debug)]
pub(crate) struct Encoder {
    config: Config,
    weights: Weights,
}

impl Encoder {
    pub(crate) fn new(config: Config, weights: Weights) -> Encoder {
        Encoder { config, weights }
    }

    /// For each input, the mean over its tokens of the last hidden states
    /// (BOS and EOS included), not normalised.
    ///
    /// All inputs run through each matrix together, so a batch of short
    /// texts costs little more than one; attention stays within each input.
    /// Every input must be non-empty, no longer than the position table,
    /// with every id below the vocabulary size; the tokenizer's output
    /// framed by the caller always is.
    pub(crate) fn mean_pooled(&self, inputs: &[&[u32]]) -> Vec<Vec<f32>> {
        let h = self.config.hidden;
        let eps = self.config.layer_norm_eps;
        let n_tokens: usize = inputs.iter().map(|ids| ids.len()).sum();
        let w = &self.weights;

        // Word + position + token type 0, then LayerNorm.
        let mut x = vec![0f32; n_tokens * h];
        let mut rows = x.chunks_exact_mut(h);
        for ids in inputs {
            debug_assert!(!ids.is_empty() && ids.len() <= self.config.max_positions);
            // `ids` first: zip must not pull a row it will not use.
            for (t, (&id, row)) in ids.iter().zip(&mut rows).enumerate() {
                w.word.dequantize_row(id as usize, row);
                let position = &w.position[t * h..(t + 1) * h];
                for ((value, p), ty) in row.iter_mut().zip(position).zip(&w.token_type[..h]) {
                    *value += p + ty;
                }
            }
        }
        layer_norm(&mut x, None, &w.norm, eps);

        let spans = token_spans(inputs);
        let mut acts = Q8Acts::default();
        for layer in &w.layers {
            acts.quantize(&x, n_tokens, h);
            let attention = self.attention(layer, &acts, &spans);
            acts.quantize(&attention, n_tokens, h);
            let projected = layer.attention_out.apply(&acts);
            layer_norm(&mut x, Some(&projected), &layer.attention_norm, eps);
            acts.quantize(&x, n_tokens, h);
            let mut inner = layer.ff_in.apply(&acts);
            inner
                .par_chunks_mut(GELU_CHUNK)
                .for_each(|chunk| chunk.iter_mut().for_each(|v| *v = gelu(*v)));
            acts.quantize(&inner, n_tokens, self.config.ff);
            let out = layer.ff_out.apply(&acts);
            layer_norm(&mut x, Some(&out), &layer.output_norm, eps);
        }

        let mut rows = x.chunks_exact(h);
        inputs
            .iter()
            .map(|ids| {
                let mut pooled = vec![0f32; h];
                for row in (&mut rows).take(ids.len()) {
                    pooled.iter_mut().zip(row).for_each(|(p, v)| *p += v);
                }
                let scale = 1.0 / ids.len() as f32;
                pooled.iter_mut().for_each(|p| *p *= scale);
                pooled
            })
            .collect()
    }

    /// Multi-head scaled dot-product attention of every token over every
    /// token of the same input (`spans[t]`: the tokens of `t`'s input) on
    /// the quantised hidden states `x`; returns the heads' outputs side by
    /// side. Tokens are shared out over the pool.
    fn attention(&self, layer: &Layer, x: &Q8Acts, spans: &[Range<usize>]) -> Vec<f32> {
        let h = self.config.hidden;
        let head_dim = h / self.config.n_heads;
        let n_tokens = x.n();
        let qkv = layer.query_key_value.apply(x);
        let (query, key, value) = (0, h, 2 * h);
        let scale = 1.0 / (head_dim as f32).sqrt();
        let mut out = vec![0f32; n_tokens * h];
        out.par_chunks_mut(h).enumerate().for_each_init(
            || vec![0f32; self.config.max_positions],
            |weights, (t, out_row)| {
                let span = spans[t].clone();
                let weights = &mut weights[..span.len()];
                for (head, out_head) in out_row.chunks_exact_mut(head_dim).enumerate() {
                    let cols = head * head_dim..(head + 1) * head_dim;
                    let q_row = &qkv[t * 3 * h + query..][cols.clone()];
                    for (s, weight) in span.clone().zip(weights.iter_mut()) {
                        *weight = dot(q_row, &qkv[s * 3 * h + key..][cols.clone()]) * scale;
                    }
                    softmax(weights);
                    for (s, weight) in span.clone().zip(weights.iter()) {
                        let v_row = &qkv[s * 3 * h + value..][cols.clone()];
                        out_head
                            .iter_mut()
                            .zip(v_row)
                            .for_each(|(o, v)| *o = weight.mul_add(*v, *o));
                    }
                }
            },
        );
        out
    }
}

/// For each token of the concatenated inputs, the range of its input's
/// tokens.
fn token_spans(inputs: &[&[u32]]) -> Vec<Range<usize>> {
    let mut spans = Vec::with_capacity(inputs.iter().map(|ids| ids.len()).sum());
    let mut first = 0;
    for ids in inputs {
        let span = first..first + ids.len();
        spans.extend(std::iter::repeat_n(span, ids.len()));
        first += ids.len();
    }
    spans
}

fn softmax(values: &mut [f32]) {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in values.iter_mut() {
        *v = exp(*v - max);
        sum += *v;
    }
    let inverse = 1.0 / sum;
    values.iter_mut().for_each(|v| *v *= inverse);
}

/// `x = LayerNorm(x + residual)` row by row (`x` alone without one).
fn layer_norm(x: &mut [f32], residual: Option<&[f32]>, norm: &Norm, eps: f32) {
    let h = norm.weight.len();
    for (t, row) in x.chunks_exact_mut(h).enumerate() {
        if let Some(residual) = residual {
            row.iter_mut()
                .zip(&residual[t * h..(t + 1) * h])
                .for_each(|(x, r)| *x += r);
        }
        let mean = row.iter().sum::<f32>() / h as f32;
        let variance = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / h as f32;
        let inverse = 1.0 / (variance + eps).sqrt();
        for ((v, w), b) in row.iter_mut().zip(&norm.weight).zip(&norm.bias) {
            *v = (*v - mean) * inverse * w + b;
        }
    }
}

/// GELU in its exact form, `x/2 · (1 + erf(x/√2))`, as BERT defines it.
///
/// `1 + erf(z)` is `2 − erfc(z)` for `z ≥ 0` and `erfc(−z)` below, with
/// erfc from Abramowitz and Stegun 7.1.26 (within 1.5e-7 of the true value)
/// and [`exp`]: plain f32 arithmetic the compiler vectorises, where a libm
/// `erf` per value took a good share of a short query's time.
pub(crate) fn gelu(x: f32) -> f32 {
    const P: f32 = 0.327_591_1;
    const A: [f32; 5] = [
        0.254_829_6,
        -0.284_496_74,
        1.421_413_7,
        -1.453_152,
        1.061_405_4,
    ];
    let z = x.abs() * std::f32::consts::FRAC_1_SQRT_2;
    let t = 1.0 / P.mul_add(z, 1.0);
    let poly = t * A[4]
        .mul_add(t, A[3])
        .mul_add(t, A[2])
        .mul_add(t, A[1])
        .mul_add(t, A[0]);
    let erfc = poly * exp(-z * z);
    let one_plus_erf = if x >= 0.0 { 2.0 - erfc } else { erfc };
    0.5 * x * one_plus_erf
}

/// `e^x` to within 2 ulp for `x ≤ 88` (0 below −87): `2^n · e^r` with
/// `n = round(x / ln 2)`, `|r| ≤ ln 2 / 2` and a degree-7 Taylor polynomial
/// for `e^r`. Branch-free, so loops over it vectorise.
pub(crate) fn exp(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * std::f32::consts::LOG2_E).round_ties_even();
    let r = n.mul_add(-LN2_LO, n.mul_add(-LN2_HI, x));
    let p = (1.0 / 5040.0f32)
        .mul_add(r, 1.0 / 720.0)
        .mul_add(r, 1.0 / 120.0)
        .mul_add(r, 1.0 / 24.0)
        .mul_add(r, 1.0 / 6.0)
        .mul_add(r, 0.5)
        .mul_add(r, 1.0)
        .mul_add(r, 1.0);
    let two_to_n = f32::from_bits(((n as i32 + 127) as u32) << 23);
    p * two_to_n
}

#[cfg(test)]
mod tests;
