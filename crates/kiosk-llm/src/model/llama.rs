//! Llama as stored in GGUF (SmolLM2 uses it): pre-norm blocks, grouped-query
//! attention with rotary positions on adjacent pairs (the GGUF converter
//! permutes Q and K for that), and a SiLU-gated MLP. The output matrix is
//! the embedding when the file has no `output.weight`.

use super::rope::RopeStyle;
use super::{Activation, Arch, Config, Layer, Loaded, matrix, norm, weight};
use crate::Result;
use crate::gguf::Gguf;

pub(super) fn load(gguf: &mut Gguf, context_length: usize) -> Result<Loaded> {
    let key = |k: &str| format!("llama.{k}");
    let n_embd = gguf.meta_u32(&key("embedding_length"))? as usize;
    let n_head = gguf.meta_u32(&key("attention.head_count"))? as usize;
    let head_dim = gguf
        .meta_u32(&key("rope.dimension_count"))
        .map_or(n_embd / n_head.max(1), |d| d as usize);
    let trained_context = gguf.meta_u32(&key("context_length"))? as usize;
    let (_, embed_dims) = gguf.tensor_info("token_embd.weight")?;
    let config = Config {
        arch: Arch::Llama,
        n_layer: gguf.meta_u32(&key("block_count"))? as usize,
        n_embd,
        n_head,
        n_kv_head: gguf
            .meta_u32(&key("attention.head_count_kv"))
            .map_or(n_head, |n| n as usize),
        head_dim,
        n_ff: gguf.meta_u32(&key("feed_forward_length"))? as usize,
        vocab: embed_dims.first().copied().unwrap_or(0),
        rms_eps: gguf.meta_f32(&key("attention.layer_norm_rms_epsilon"))?,
        rope_base: gguf.meta_f32(&key("rope.freq_base")).unwrap_or(10_000.0),
        rope_base_local: 0.0,
        rope_style: RopeStyle::Adjacent,
        activation: Activation::Silu,
        sliding_window: None,
        embed_scale: 1.0,
        attn_scale: 1.0 / (head_dim as f32).sqrt(),
        context_length: context_length.min(trained_context),
        trained_context,
    };
    let c = &config;
    let (nq, nkv) = (c.n_head * c.head_dim, c.n_kv_head * c.head_dim);
    let mut layers = Vec::with_capacity(c.n_layer);
    for i in 0..c.n_layer {
        let n = |t: &str| format!("blk.{i}.{t}.weight");
        layers.push(Layer {
            attn_norm: norm(gguf, &n("attn_norm"), c.n_embd)?,
            wq: weight(gguf, &n("attn_q"), nq, c.n_embd)?,
            wk: weight(gguf, &n("attn_k"), nkv, c.n_embd)?,
            wv: weight(gguf, &n("attn_v"), nkv, c.n_embd)?,
            wo: weight(gguf, &n("attn_output"), c.n_embd, nq)?,
            q_norm: None,
            k_norm: None,
            post_attn_norm: None,
            ffn_norm: norm(gguf, &n("ffn_norm"), c.n_embd)?,
            w_gate: weight(gguf, &n("ffn_gate"), c.n_ff, c.n_embd)?,
            w_up: weight(gguf, &n("ffn_up"), c.n_ff, c.n_embd)?,
            w_down: weight(gguf, &n("ffn_down"), c.n_embd, c.n_ff)?,
            post_ffn_norm: None,
        });
    }
    let embed = matrix(gguf, "token_embd.weight", c.vocab, c.n_embd)?;
    let output = if gguf.has_tensor("output.weight") {
        Some(matrix(gguf, "output.weight", c.vocab, c.n_embd)?)
    } else {
        None
    };
    let output_norm = norm(gguf, "output_norm.weight", c.n_embd)?;
    Ok((config, layers, embed, output, output_norm))
}
