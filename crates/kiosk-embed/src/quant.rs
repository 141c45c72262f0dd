//! ggml's Q4_0 weights, 8-bit activations, and the matrix product over them.
//!
//! A Q4_0 block holds 32 weights as an f16 scale and 16 bytes of nibbles
//! (byte `j` carries weight `j` in its low nibble and weight `j + 16` in its
//! high one; a weight is `(nibble - 8) * scale`). The scales are widened to
//! f32 once at load.
//!
//! The product is ggml's (and the reference implementation's) scheme: the
//! activations are quantised per 32-value block to i8 with an f32 scale
//! ([`Q8Acts`], Q8_0), each weight block times activation block is an exact
//! integer dot product, scaled once by both blocks' scales. `avx2.rs` does
//! the integer part with `maddubs` on 32 bytes at a time, chosen at run time
//! when the CPU has AVX2 and FMA; [`scalar_rows`] is the portable path and
//! the oracle the tests hold the fast one to.

#[cfg(target_arch = "x86_64")]
mod avx2;

use std::marker::PhantomData;
use std::ops::Range;

use rayon::prelude::*;

/// Weights per Q4_0 block.
pub(crate) const BLOCK: usize = 32;
/// Bytes per Q4_0 block in the file: an f16 scale and 16 bytes of nibbles.
pub(crate) const BLOCK_BYTES: usize = 18;

/// Output rows a kernel walks together against each group of tokens: their
/// blocks (at most 16 × 1536 weights, 14 KiB) stay in L1 while the tokens'
/// activations go by.
pub(crate) const ROW_GROUP: usize = 16;

/// Parallel tasks per thread in one product: enough that a thread slowed by
/// another process does not hold up the rest, few enough that the tasks'
/// overhead stays out of the profile.
const TASKS_PER_THREAD: usize = 4;

/// Activations below this many values are quantised on the calling thread;
/// above, in chunks of it over the pool.
const PARALLEL_QUANTIZE: usize = 1 << 15;

/// Some tokens' activations with their quants, scales and offsets, as
/// [`Q8Acts::quantize`] hands them to a task.
type QuantizeChunk<'a> = (&'a [f32], (&'a mut [i8], (&'a mut [f32], &'a mut [f32])));

/// A `rows × cols` matrix of Q4_0 weights, row-major.
#[derive(Debug)]
pub(crate) struct Q4Matrix {
    rows: usize,
    cols: usize,
    scales: Vec<f32>,
    quants: Vec<[u8; 16]>,
}

/// Activations quantised per 32-value block to 8 bits: `n` tokens of `k`
/// values, token-major. Reused from one product to the next.
#[derive(Debug, Default)]
pub(crate) struct Q8Acts {
    n: usize,
    k: usize,
    quants: Vec<i8>,
    /// One scale per block.
    scales: Vec<f32>,
    /// Per block, its scale times the sum of its quants: what the Q4_0
    /// nibbles' offset of 8 takes off a product, once per block.
    offsets: Vec<f32>,
}

impl Q8Acts {
    /// Quantises `x` (`n` rows of `k` values) in place of the previous
    /// contents. Each block's scale maps its largest magnitude to 127;
    /// values round to the nearest integer, ties to even, as `lrintf` does
    /// in the reference.
    pub(crate) fn quantize(&mut self, x: &[f32], n: usize, k: usize) {
        debug_assert!(k.is_multiple_of(BLOCK) && x.len() == n * k);
        self.n = n;
        self.k = k;
        self.quants.resize(n * k, 0);
        self.scales.resize(n * k / BLOCK, 0.0);
        self.offsets.resize(n * k / BLOCK, 0.0);
        let quantize_blocks = quantizer();
        let quantize_rows = |(x, (quants, (scales, offsets))): QuantizeChunk| {
            quantize_blocks(x, quants, scales);
            for ((offset, scale), q) in offsets
                .iter_mut()
                .zip(&*scales)
                .zip(quants.chunks_exact(BLOCK))
            {
                let sum: i32 = q.iter().map(|&q| i32::from(q)).sum();
                *offset = scale * sum as f32;
            }
        };
        if n * k < PARALLEL_QUANTIZE {
            quantize_rows((x, (&mut self.quants, (&mut self.scales, &mut self.offsets))));
        } else {
            // Tokens in chunks of about PARALLEL_QUANTIZE values.
            let tokens = PARALLEL_QUANTIZE.div_ceil(k);
            let blocks = tokens * k / BLOCK;
            x.par_chunks(tokens * k)
                .zip(
                    self.quants.par_chunks_mut(tokens * k).zip(
                        self.scales
                            .par_chunks_mut(blocks)
                            .zip(self.offsets.par_chunks_mut(blocks)),
                    ),
                )
                .for_each(quantize_rows);
        }
    }

    /// Tokens.
    pub(crate) fn n(&self) -> usize {
        self.n
    }

    /// Token `t`'s block offsets (see [`Q8Acts::offsets`]).
    fn token_offsets(&self, t: usize) -> &[f32] {
        let nb = self.k / BLOCK;
        &self.offsets[t * nb..(t + 1) * nb]
    }

    /// Token `t`'s quants and block scales.
    fn token(&self, t: usize) -> (&[i8], &[f32]) {
        let nb = self.k / BLOCK;
        (
            &self.quants[t * self.k..(t + 1) * self.k],
            &self.scales[t * nb..(t + 1) * nb],
        )
    }
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

    /// The matrices' rows one after the other (all have as many columns).
    pub(crate) fn stack(parts: &[&Q4Matrix]) -> Q4Matrix {
        let cols = parts[0].cols;
        debug_assert!(parts.iter().all(|m| m.cols == cols));
        Q4Matrix {
            rows: parts.iter().map(|m| m.rows).sum(),
            cols,
            scales: parts
                .iter()
                .flat_map(|m| m.scales.iter().copied())
                .collect(),
            quants: parts
                .iter()
                .flat_map(|m| m.quants.iter().copied())
                .collect(),
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    pub(crate) fn cols(&self) -> usize {
        self.cols
    }

    /// Row `row`'s block scales and nibbles.
    fn row(&self, row: usize) -> (&[f32], &[[u8; 16]]) {
        let nb = self.cols / BLOCK;
        (
            &self.scales[row * nb..(row + 1) * nb],
            &self.quants[row * nb..(row + 1) * nb],
        )
    }

    /// Writes row `row` as f32 into `out` (`cols` long).
    #[cfg(test)]
    pub(crate) fn dequantize_row(&self, row: usize, out: &mut [f32]) {
        let (scales, quants) = self.row(row);
        let (out, _) = out.as_chunks_mut::<BLOCK>();
        for ((scale, nibbles), out) in scales.iter().zip(quants).zip(out) {
            for j in 0..BLOCK / 2 {
                out[j] = (f32::from(nibbles[j] & 0x0f) - 8.0) * scale;
                out[j + BLOCK / 2] = (f32::from(nibbles[j] >> 4) - 8.0) * scale;
            }
        }
    }

    /// `y[t] = W · x[t] + bias` for each token of `acts` (`n × cols`), into
    /// `y` (`n × rows`).
    ///
    /// The rows are split into a few tasks per thread of the current rayon
    /// pool; each writes its rows of `y` for every token.
    pub(crate) fn matmul(&self, bias: &[f32], acts: &Q8Acts, y: &mut [f32]) {
        let (rows, n) = (self.rows, acts.n);
        assert_eq!(acts.k, self.cols(), "activations as wide as a row");
        assert_eq!(bias.len(), rows, "one bias per row");
        let n_tasks = rayon::current_num_threads() * TASKS_PER_THREAD;
        let task_rows = rows.div_ceil(n_tasks).next_multiple_of(ROW_GROUP);
        let kernel = kernel();
        let out = OutRows::new(y, n, rows);
        (0..rows.div_ceil(task_rows))
            .into_par_iter()
            .for_each(|task| {
                let first = task * task_rows;
                let rows = first..(first + task_rows).min(rows);
                // SAFETY: each task has its own range of rows.
                unsafe { kernel(self, acts, bias, rows, &out) };
            });
    }
}

/// A table of Q4_0 rows only ever read a row at a time (the word
/// embeddings): the blocks as the file has them, scales still f16, 18 bytes
/// per 32 weights. The 250,037 × 384 table is 54 MB this way, where a
/// [`Q4Matrix`] (f32 scales) would be 60 MB and f32 weights 384 MB.
#[derive(Debug)]
pub(crate) struct Q4Table {
    rows: usize,
    cols: usize,
    blocks: Vec<u8>,
}

impl Q4Table {
    /// The table from its file bytes; as for [`Q4Matrix::from_bytes`].
    pub(crate) fn from_bytes(rows: usize, cols: usize, bytes: &[u8]) -> Q4Table {
        debug_assert_eq!(bytes.len() / BLOCK_BYTES * BLOCK, rows * cols);
        Q4Table {
            rows,
            cols,
            blocks: bytes.to_vec(),
        }
    }

    /// Writes row `row` as f32 into `out` (`cols` long).
    pub(crate) fn dequantize_row(&self, row: usize, out: &mut [f32]) {
        assert!(row < self.rows, "row {row} of {}", self.rows);
        let row_bytes = self.cols / BLOCK * BLOCK_BYTES;
        let blocks = &self.blocks[row * row_bytes..(row + 1) * row_bytes];
        let (out, _) = out.as_chunks_mut::<BLOCK>();
        for (block, out) in blocks.chunks_exact(BLOCK_BYTES).zip(out) {
            let scale = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
            let nibbles = &block[2..];
            for j in 0..BLOCK / 2 {
                out[j] = (f32::from(nibbles[j] & 0x0f) - 8.0) * scale;
                out[j + BLOCK / 2] = (f32::from(nibbles[j] >> 4) - 8.0) * scale;
            }
        }
    }
}

/// The output of one product, `n × rows` token-major, shared by its tasks;
/// each writes only its own rows.
pub(crate) struct OutRows<'a> {
    ptr: *mut f32,
    n: usize,
    rows: usize,
    _y: PhantomData<&'a mut [f32]>,
}

// SAFETY: the tasks write disjoint elements (see `set`), and the product
// joins them before `y` is used again.
unsafe impl Sync for OutRows<'_> {}

impl<'a> OutRows<'a> {
    pub(crate) fn new(y: &'a mut [f32], n: usize, rows: usize) -> OutRows<'a> {
        assert_eq!(y.len(), n * rows, "an output per token and row");
        OutRows {
            ptr: y.as_mut_ptr(),
            n,
            rows,
            _y: PhantomData,
        }
    }

    /// Writes token `t`'s output for row `r`.
    ///
    /// # Safety
    /// No other thread writes or reads row `r` during the product.
    #[inline]
    pub(crate) unsafe fn set(&self, t: usize, r: usize, value: f32) {
        assert!(
            t < self.n && r < self.rows,
            "output ({t}, {r}) out of bounds"
        );
        // SAFETY: in bounds (asserted); the caller has the row to itself.
        unsafe { self.ptr.add(t * self.rows + r).write(value) }
    }
}

/// A kernel: `y[t][r] = W[r] · x[t] + bias[r]` for the rows in `rows` and
/// every token `t` of the activations.
///
/// # Safety
/// As for [`OutRows::set`], for every row in `rows`.
type Kernel = unsafe fn(&Q4Matrix, &Q8Acts, &[f32], Range<usize>, &OutRows);

/// The fastest kernel this CPU runs.
fn kernel() -> Kernel {
    #[cfg(target_arch = "x86_64")]
    if avx2::available() {
        return avx2::rows;
    }
    scalar_rows
}

/// A block quantiser: each 32 values of `x` to 32 `quants` and a scale.
type Quantizer = fn(&[f32], &mut [i8], &mut [f32]);

/// The fastest block quantiser this CPU runs.
fn quantizer() -> Quantizer {
    #[cfg(target_arch = "x86_64")]
    if avx2::available() {
        return avx2::quantize_blocks;
    }
    scalar_quantize_blocks
}

/// The portable quantiser. Each block's scale maps its largest magnitude
/// to 127; values round to the nearest integer, ties to even.
pub(crate) fn scalar_quantize_blocks(x: &[f32], quants: &mut [i8], scales: &mut [f32]) {
    let blocks = x.chunks_exact(BLOCK).zip(quants.chunks_exact_mut(BLOCK));
    for ((x, q), scale) in blocks.zip(scales) {
        let amax = x.iter().fold(0f32, |m, v| m.max(v.abs()));
        *scale = amax / 127.0;
        let inverse = if amax > 0.0 { 127.0 / amax } else { 0.0 };
        for (q, v) in q.iter_mut().zip(x) {
            *q = (v * inverse).round_ties_even().clamp(-128.0, 127.0) as i8;
        }
    }
}

/// The portable kernel: per block, the integer dot product of the
/// nibbles less 8 with the activation quants, times both scales.
///
/// # Safety
/// See [`Kernel`].
pub(crate) unsafe fn scalar_rows(
    w: &Q4Matrix,
    acts: &Q8Acts,
    bias: &[f32],
    rows: Range<usize>,
    out: &OutRows,
) {
    for r in rows {
        let (w_scales, w_quants) = w.row(r);
        for t in 0..acts.n {
            let (a_quants, a_scales) = acts.token(t);
            let mut sum = 0f32;
            let blocks = w_scales.iter().zip(w_quants);
            for ((w_scale, nibbles), (a, a_scale)) in
                blocks.zip(a_quants.chunks_exact(BLOCK).zip(a_scales))
            {
                let mut dot = 0i32;
                for j in 0..BLOCK / 2 {
                    dot += (i32::from(nibbles[j] & 0x0f) - 8) * i32::from(a[j]);
                    dot += (i32::from(nibbles[j] >> 4) - 8) * i32::from(a[j + BLOCK / 2]);
                }
                sum += w_scale * a_scale * dot as f32;
            }
            // SAFETY: the caller has row `r` to itself.
            unsafe { out.set(t, r, sum + bias[r]) };
        }
    }
}

/// The dot product of two equally long slices, with enough independent
/// accumulators for the compiler to keep several vector registers busy.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 16;
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
