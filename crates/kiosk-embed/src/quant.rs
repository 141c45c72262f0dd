//! ggml's Q4_0 weights and the matrix product over them.
//!
//! A Q4_0 block holds 32 weights as an f16 scale and 16 bytes of nibbles
//! (byte `j` carries weight `j` in its low nibble and weight `j + 16` in its
//! high one; a weight is `(nibble - 8) * scale`). The scales are widened to
//! f32 once at load, so the product only ever dequantises a row block by
//! block into a small buffer and takes plain f32 dot products with it, which
//! the compiler vectorises without any `unsafe`.

use rayon::prelude::*;

/// Weights per Q4_0 block.
pub(crate) const BLOCK: usize = 32;
/// Bytes per Q4_0 block in the file: an f16 scale and 16 bytes of nibbles.
pub(crate) const BLOCK_BYTES: usize = 18;

/// Output rows one parallel task computes: their dequantised weights (at
/// most 16 × 1536 f32, 96 KiB) stay in L2, there are enough tasks to share
/// a 384-row product between cores, and few enough to keep the task
/// overhead out of the profile.
const ROWS_PER_TASK: usize = 16;

/// A `rows × cols` matrix of Q4_0 weights, row-major.
#[derive(Debug)]
pub(crate) struct Q4Matrix {
    rows: usize,
    cols: usize,
    scales: Vec<f32>,
    quants: Vec<[u8; 16]>,
}

impl Q4Matrix {
    /// Builds the matrix from its file bytes. The caller has checked that
    /// `cols` is a multiple of [`BLOCK`] and that `bytes` holds exactly
    /// `rows * cols / BLOCK` blocks.
    pub(crate) fn from_bytes(rows: usize, cols: usize, bytes: &[u8]) -> Q4Matrix {
        let n_blocks = bytes.len() / BLOCK_BYTES;
        debug_assert_eq!(n_blocks * BLOCK, rows * cols);
        let mut scales = Vec::with_capacity(n_blocks);
        let mut quants = Vec::with_capacity(n_blocks);
        for block in bytes.chunks_exact(BLOCK_BYTES) {
            scales.push(f16_to_f32(u16::from_le_bytes([block[0], block[1]])));
            let mut nibbles = [0u8; 16];
            nibbles.copy_from_slice(&block[2..]);
            quants.push(nibbles);
        }
        Q4Matrix {
            rows,
            cols,
            scales,
            quants,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    pub(crate) fn cols(&self) -> usize {
        self.cols
    }

    /// Writes row `row` as f32 into `out` (`cols` long).
    pub(crate) fn dequantize_row(&self, row: usize, out: &mut [f32]) {
        let blocks_per_row = self.cols / BLOCK;
        let first = row * blocks_per_row;
        let scales = &self.scales[first..first + blocks_per_row];
        let quants = &self.quants[first..first + blocks_per_row];
        let (out, _) = out.as_chunks_mut::<BLOCK>();
        for ((scale, nibbles), out) in scales.iter().zip(quants).zip(out) {
            for j in 0..BLOCK / 2 {
                out[j] = (f32::from(nibbles[j] & 0x0f) - 8.0) * scale;
                out[j + BLOCK / 2] = (f32::from(nibbles[j] >> 4) - 8.0) * scale;
            }
        }
    }

    /// `y[t] = W · x[t] + bias` for each of the `n_tokens` rows of `x`
    /// (`n_tokens × cols`), into `y` (`n_tokens × rows`).
    pub(crate) fn matmul(&self, bias: &[f32], x: &[f32], n_tokens: usize, y: &mut [f32]) {
        let (rows, cols) = (self.rows, self.cols);
        debug_assert_eq!(x.len(), n_tokens * cols);
        debug_assert_eq!(y.len(), n_tokens * rows);
        debug_assert_eq!(bias.len(), rows);
        // Each task dequantises a run of weight rows once and fills those
        // rows of `y` transposed for every token: a pair of activation rows
        // sits in L1 while the run's weights stream from L2.
        let mut y_transposed = vec![0f32; rows * n_tokens];
        y_transposed
            .par_chunks_mut(ROWS_PER_TASK * n_tokens)
            .enumerate()
            .for_each(|(task, out)| {
                let first_row = task * ROWS_PER_TASK;
                let n_rows = out.len() / n_tokens;
                let bias = &bias[first_row..first_row + n_rows];
                let mut weights = vec![0f32; n_rows * cols];
                for (r, buffer) in weights.chunks_exact_mut(cols).enumerate() {
                    self.dequantize_row(first_row + r, buffer);
                }
                let mut x_pairs = x.chunks_exact(2 * cols);
                let mut t = 0;
                for x_pair in &mut x_pairs {
                    let (x0, x1) = x_pair.split_at(cols);
                    for (r, w) in weights.chunks_exact(cols).enumerate() {
                        let (d0, d1) = dot2(w, x0, x1);
                        out[r * n_tokens + t] = bias[r] + d0;
                        out[r * n_tokens + t + 1] = bias[r] + d1;
                    }
                    t += 2;
                }
                let x_last = x_pairs.remainder();
                if !x_last.is_empty() {
                    for (r, w) in weights.chunks_exact(cols).enumerate() {
                        out[r * n_tokens + t] = bias[r] + dot(w, x_last);
                    }
                }
            });
        for (row, column) in y_transposed.chunks_exact(n_tokens).enumerate() {
            for (t, value) in column.iter().enumerate() {
                y[t * rows + row] = *value;
            }
        }
    }
}

/// The dot product of two equally long slices, with enough independent
/// accumulators for the compiler to keep several vector registers busy.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 32;
    let mut acc = [0f32; LANES];
    let a_chunks = a.chunks_exact(LANES);
    let b_chunks = b.chunks_exact(LANES);
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(a, b)| a * b)
        .sum();
    for (a, b) in a_chunks.zip(b_chunks) {
        for i in 0..LANES {
            acc[i] = a[i].mul_add(b[i], acc[i]);
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// The dot products of `w` with `x0` and with `x1` (all equally long) in
/// one pass, so each chunk of `w` is loaded once for two tokens.
pub(crate) fn dot2(w: &[f32], x0: &[f32], x1: &[f32]) -> (f32, f32) {
    const LANES: usize = 32;
    let mut acc0 = [0f32; LANES];
    let mut acc1 = [0f32; LANES];
    let w_chunks = w.chunks_exact(LANES);
    let x0_chunks = x0.chunks_exact(LANES);
    let x1_chunks = x1.chunks_exact(LANES);
    let (mut tail0, mut tail1) = (0f32, 0f32);
    for ((w, a), b) in w_chunks
        .remainder()
        .iter()
        .zip(x0_chunks.remainder())
        .zip(x1_chunks.remainder())
    {
        tail0 += w * a;
        tail1 += w * b;
    }
    for ((w, a), b) in w_chunks.zip(x0_chunks).zip(x1_chunks) {
        for i in 0..LANES {
            acc0[i] = w[i].mul_add(a[i], acc0[i]);
            acc1[i] = w[i].mul_add(b[i], acc1[i]);
        }
    }
    (
        acc0.iter().sum::<f32>() + tail0,
        acc1.iter().sum::<f32>() + tail1,
    )
}

/// IEEE half precision to single precision, subnormals included.
pub(crate) fn f16_to_f32(half: u16) -> f32 {
    let sign = u32::from(half & 0x8000) << 16;
    let exponent = u32::from((half >> 10) & 0x1f);
    let mantissa = u32::from(half & 0x03ff);
    let bits = match (exponent, mantissa) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: shift the mantissa up until its leading one is the
            // implicit bit, lowering the exponent as we go.
            let mut exponent = 127 - 15 + 1;
            let mut mantissa = mantissa;
            while mantissa & 0x0400 == 0 {
                mantissa <<= 1;
                exponent -= 1;
            }
            sign | (exponent << 23) | ((mantissa & 0x03ff) << 13)
        }
        (0x1f, _) => sign | 0x7f80_0000 | (mantissa << 13),
        _ => sign | ((exponent + 127 - 15) << 23) | (mantissa << 13),
    };
    f32::from_bits(bits)
}

#[cfg(test)]
mod tests;
