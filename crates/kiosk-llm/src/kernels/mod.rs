//! Quantized matrix kernels: the work that decides the model's speed.
//!
//! Weights are rows of 32-element blocks in one of four GGUF block formats
//! ([`Format`]); K-quant tensors are repacked into these at load time (see
//! [`convert`]). Activations are quantized per 32-element block to 8 bits
//! ([`QActs`]), and a row·column product is an integer dot product per
//! block, scaled once per block — the scheme llama.cpp uses, written here
//! for our layouts.
//!
//! [`matmul`] computes a range of output rows for every column (token) of
//! the activations. It walks a few weight rows at a time against up to four
//! columns, so each weight block is unpacked once and used four times during
//! prompt processing; generation (one column) streams the weights once.
//! The AVX2 path (`avx2.rs`) is compiled when the build's CPU baseline has
//! AVX2 (the repository sets x86-64-v3); `scalar.rs` is the portable path
//! and the reference the tests check the fast one against.

#[cfg(target_arch = "x86_64")]
#[cfg(target_feature = "avx2")]
mod avx2;
pub mod convert;
pub mod scalar;
pub mod vec;

use std::ops::Range;

/// Elements per quantization block, for every format here.
pub const QK: usize = 32;

/// A weight block format, with GGUF's byte layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// f16 scale, 32 × 4-bit, value = d·(q − 8).
    Q4_0,
    /// f16 scale, f16 min, 32 × 4-bit, value = d·q + m.
    Q4_1,
    /// f16 scale, 32 high bits, 32 × 4-bit, value = d·(q − 16).
    Q5_0,
    /// f16 scale, 32 × i8, value = d·q.
    Q8_0,
}

impl Format {
    /// Bytes per 32-element block.
    pub const fn block_bytes(self) -> usize {
        match self {
            Format::Q4_0 => 18,
            Format::Q4_1 => 20,
            Format::Q5_0 => 22,
            Format::Q8_0 => 34,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Q4_0 => "Q4_0",
            Format::Q4_1 => "Q4_1",
            Format::Q5_0 => "Q5_0",
            Format::Q8_0 => "Q8_0",
        }
    }
}

/// A quantized weight matrix: `rows` rows of `cols / 32` blocks each.
#[derive(Debug, Clone)]
pub struct QMatrix {
    pub format: Format,
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<u8>,
}

impl QMatrix {
    /// Bytes per row.
    pub fn row_bytes(&self) -> usize {
        self.cols / QK * self.format.block_bytes()
    }

    /// The raw bytes of row `r`.
    pub fn row(&self, r: usize) -> &[u8] {
        let n = self.row_bytes();
        &self.data[r * n..(r + 1) * n]
    }

    /// Dequantizes row `r` into `out` (`cols` values): the embedding lookup.
    pub fn dequantize_row(&self, r: usize, out: &mut [f32]) {
        scalar::dequantize_row(self.format, self.row(r), out);
    }
}

/// Activations quantized to 8 bits per 32-element block: `n` columns
/// (tokens) of `k` values. `d` is each block's scale and `s` its scale
/// times the sum of its quants (for the offset formats' bias term).
#[derive(Debug, Default, Clone)]
pub struct QActs {
    pub n: usize,
    pub k: usize,
    pub qs: Vec<i8>,
    pub d: Vec<f32>,
    pub s: Vec<f32>,
}

impl QActs {
    /// Quantizes `x` (`n` rows of `k` values, token-major) in place of the
    /// previous contents, reusing the buffers.
    pub fn quantize(&mut self, x: &[f32], n: usize, k: usize) {
        debug_assert!(k.is_multiple_of(QK) && x.len() >= n * k);
        let nb = k / QK;
        self.n = n;
        self.k = k;
        self.qs.resize(n * k, 0);
        self.d.resize(n * nb, 0.0);
        self.s.resize(n * nb, 0.0);
        for (b, ((xb, qb), (d, s))) in x[..n * k]
            .chunks_exact(QK)
            .zip(self.qs.chunks_exact_mut(QK))
            .zip(self.d.iter_mut().zip(self.s.iter_mut()))
            .enumerate()
        {
            let _ = b;
            let (scale, sum) = quantize_block_q8(xb, qb);
            *d = scale;
            *s = scale * sum as f32;
        }
    }
}

/// Quantizes 32 values to i8 with a shared scale; returns the scale and the
/// sum of the quants.
#[inline]
pub fn quantize_block_q8(x: &[f32], q: &mut [i8]) -> (f32, i32) {
    let mut amax = 0f32;
    for v in x {
        amax = amax.max(v.abs());
    }
    let d = amax / 127.0;
    let id = if d > 0.0 { 1.0 / d } else { 0.0 };
    let mut sum = 0i32;
    for (qi, v) in q.iter_mut().zip(x) {
        let r = (v * id).round_ties_even() as i32;
        *qi = r as i8;
        sum += r;
    }
    (d, sum)
}

/// A raw output pointer shared by the threads of one matmul; each thread
/// writes a disjoint set of rows.
#[derive(Clone, Copy)]
pub struct OutPtr(pub *mut f32);
// SAFETY: threads write disjoint elements and the pool joins them before the
// buffer is read.
unsafe impl Send for OutPtr {}
unsafe impl Sync for OutPtr {}

impl OutPtr {
    /// The pointer (a method, so closures capture the whole `OutPtr`).
    #[inline(always)]
    pub fn get(self) -> *mut f32 {
        self.0
    }
}

/// Computes `out[c * out_stride + r] = w.row(r) · acts.col(c)` for every
/// row in `rows` and every column of `acts`.
///
/// # Safety
/// `out` must be valid for writes at every such index, and no other thread
/// may touch those elements during the call.
pub unsafe fn matmul(
    w: &QMatrix,
    acts: &QActs,
    out: OutPtr,
    out_stride: usize,
    rows: Range<usize>,
) {
    debug_assert_eq!(w.cols, acts.k);
    #[cfg(target_arch = "x86_64")]
    #[cfg(target_feature = "avx2")]
    {
        // SAFETY: forwarded from the caller; AVX2 is in the build baseline.
        unsafe { avx2::matmul(w, acts, out, out_stride, rows) };
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    {
        // SAFETY: forwarded from the caller.
        unsafe { scalar::matmul(w, acts, out, out_stride, rows) };
    }
}

/// The share of `0..n` that thread `tid` of `n_threads` computes, in
/// multiples of `align` where possible.
pub fn split(n: usize, tid: usize, n_threads: usize, align: usize) -> Range<usize> {
    let units = n.div_ceil(align);
    let per = units / n_threads;
    let extra = units % n_threads;
    let start = tid * per + tid.min(extra);
    let len = per + usize::from(tid < extra);
    (start * align).min(n)..((start + len) * align).min(n)
}

#[cfg(test)]
mod tests;
