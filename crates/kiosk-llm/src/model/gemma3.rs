//! Gemma 3 as stored in GGUF (llama.cpp's `gemma3` layout): per-head
//! query/key norms, norms after attention and after the MLP, a gated GELU
//! MLP, an embedding scaled by sqrt(n_embd) and tied to the output, and
//! five sliding-window layers (window 512, rotary base 10k) for every
//! global one (base from the file, 1M). Norm weights in GGUF already
//! include Gemma's +1.

use super::rope::RopeStyle;
use super::{Activation, Arch, Config, Layer, Loaded, matrix, norm, weight};
use crate::Result;
use crate::gguf::Gguf;

/// Every sixth layer attends globally; the others use the sliding window.
const GLOBAL_EVERY: usize = 6;
/// The rotary base of the sliding-window layers (fixed by the architecture).
const LOCAL_ROPE_BASE: f32 = 10_000.0;

pub(super) fn load(gguf: &mut Gguf, context_length: usize) -> Result<Loaded> {
    let key = |k: &str| format!("gemma3.{k}");
    let n_embd = gguf.meta_u32(&key("embedding_length"))? as usize;
    let n_head = gguf.meta_u32(&key("attention.head_count"))? as usize;
    let head_dim = gguf.meta_u32(&key("attention.key_length"))? as usize;
    let trained_context = gguf.meta_u32(&key("context_length"))? as usize;
    let (_, embed_dims) = gguf.tensor_info("token_embd.weight")?;
    let config = Config {
        arch: Arch::Gemma3,
        n_layer: gguf.meta_u32(&key("block_count"))? as usize,
        n_embd,
        n_head,
        n_kv_head: gguf.meta_u32(&key("attention.head_count_kv"))? as usize,
        head_dim,
        n_ff: gguf.meta_u32(&key("feed_forward_length"))? as usize,
        vocab: embed_dims.first().copied().unwrap_or(0),
        rms_eps: gguf.meta_f32(&key("attention.layer_norm_rms_epsilon"))?,
        rope_base: gguf.meta_f32(&key("rope.freq_base")).unwrap_or(1_000_000.0),
        rope_base_local: LOCAL_ROPE_BASE,
        rope_style: RopeStyle::Halves,
        activation: Activation::GeluTanh,
        sliding_window: Some((
            gguf.meta_u32(&key("attention.sliding_window"))
                .map_or(512, |w| w as usize),
            GLOBAL_EVERY,
        )),
        embed_scale: (n_embd as f32).sqrt(),
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
            q_norm: Some(norm(gguf, &n("attn_q_norm"), c.head_dim)?),
            k_norm: Some(norm(gguf, &n("attn_k_norm"), c.head_dim)?),
            post_attn_norm: Some(norm(gguf, &n("post_attention_norm"), c.n_embd)?),
            ffn_norm: norm(gguf, &n("ffn_norm"), c.n_embd)?,
            w_gate: weight(gguf, &n("ffn_gate"), c.n_ff, c.n_embd)?,
            w_up: weight(gguf, &n("ffn_up"), c.n_ff, c.n_embd)?,
            w_down: weight(gguf, &n("ffn_down"), c.n_embd, c.n_ff)?,
            post_ffn_norm: Some(norm(gguf, &n("post_ffw_norm"), c.n_embd)?),
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
