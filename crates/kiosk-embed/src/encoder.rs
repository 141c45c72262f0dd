//! The BERT (XLM-RoBERTa) encoder of multilingual-e5-small over Q4_0
//! weights: embeddings, then post-LayerNorm transformer layers of
//! self-attention and a GELU feed-forward block, then mean pooling.
//!
//! All tokens of a batch of inputs run through each matrix together, so
//! every weight row is dequantised once per layer and reused for every
//! token; only attention looks at one input at a time.

use crate::format::Config;
use crate::quant::{Q4Matrix, dot};

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
    /// `x` is `n_tokens × cols`; the result is `n_tokens × rows`.
    fn apply(&self, x: &[f32], n_tokens: usize) -> Vec<f32> {
        debug_assert_eq!(x.len(), n_tokens * self.weight.cols());
        let mut y = vec![0f32; n_tokens * self.weight.rows()];
        self.weight.matmul(&self.bias, x, n_tokens, &mut y);
        y
    }
}

/// One transformer layer.
#[derive(Debug)]
pub(crate) struct Layer {
    pub query: Linear,
    pub key: Linear,
    pub value: Linear,
    pub attention_out: Linear,
    pub attention_norm: Norm,
    pub ff_in: Linear,
    pub ff_out: Linear,
    pub output_norm: Norm,
}

/// Every weight of the encoder, checked against the [`Config`].
#[derive(Debug)]
pub(crate) struct Weights {
    pub word: Q4Matrix,
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

        for layer in &w.layers {
            let attention = self.attention(layer, &x, inputs);
            let projected = layer.attention_out.apply(&attention, n_tokens);
            layer_norm(&mut x, Some(&projected), &layer.attention_norm, eps);
            let mut inner = layer.ff_in.apply(&x, n_tokens);
            inner.iter_mut().for_each(|v| *v = gelu(*v));
            let out = layer.ff_out.apply(&inner, n_tokens);
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
    /// token of the same input; returns the heads' outputs side by side.
    fn attention(&self, layer: &Layer, x: &[f32], inputs: &[&[u32]]) -> Vec<f32> {
        let h = self.config.hidden;
        let head_dim = h / self.config.n_heads;
        let n_tokens = x.len() / h;
        let q = layer.query.apply(x, n_tokens);
        let k = layer.key.apply(x, n_tokens);
        let v = layer.value.apply(x, n_tokens);
        let scale = 1.0 / (head_dim as f32).sqrt();
        let mut out = vec![0f32; n_tokens * h];
        let mut first = 0;
        for ids in inputs {
            let tokens = first..first + ids.len();
            first = tokens.end;
            let mut weights = vec![0f32; ids.len()];
            for head in 0..self.config.n_heads {
                let cols = head * head_dim..(head + 1) * head_dim;
                for t in tokens.clone() {
                    let q_row = &q[t * h..][cols.clone()];
                    for (s, weight) in tokens.clone().zip(weights.iter_mut()) {
                        *weight = dot(q_row, &k[s * h..][cols.clone()]) * scale;
                    }
                    softmax(&mut weights);
                    let out_row = &mut out[t * h..][cols.clone()];
                    for (s, weight) in tokens.clone().zip(&weights) {
                        let v_row = &v[s * h..][cols.clone()];
                        out_row
                            .iter_mut()
                            .zip(v_row)
                            .for_each(|(o, v)| *o = weight.mul_add(*v, *o));
                    }
                }
            }
        }
        out
    }
}

fn softmax(values: &mut [f32]) {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in values.iter_mut() {
        *v = (*v - max).exp();
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
pub(crate) fn gelu(x: f32) -> f32 {
    let x = f64::from(x);
    (0.5 * x * (1.0 + erf(x * std::f64::consts::FRAC_1_SQRT_2))) as f32
}

/// The error function, to within 1.2e-7 everywhere (Numerical Recipes'
/// Chebyshev fit of erfc), which is below f32's resolution near 1.
pub(crate) fn erf(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 { 1.0 - erfc } else { erfc - 1.0 }
}

#[cfg(test)]
mod tests;
