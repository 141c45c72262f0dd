//! The AVX2 kernel of the Q4_0 × Q8_0 product, picked at run time when the
//! CPU has AVX2 and FMA.
//!
//! A weight block's nibbles are unpacked to 32 bytes once, then multiplied
//! against up to four tokens' activation blocks: `maddubs` takes the
//! unsigned nibbles (0 to 15) × the signed activations, pairs of products
//! are summed to i32 by `madd`, converted to f32 and scaled by both blocks'
//! scales into one accumulator per token. The nibbles' offset of 8 comes
//! off at the end through the activations' block sums (as the reference
//! does), a short dot product per row and token instead of a sign
//! operation per block. The products stay far below `maddubs`' i16
//! saturation (2 × 15 × 128 = 3840).

use std::arch::x86_64::*;
use std::ops::Range;

use super::{BLOCK, OutRows, Q4Matrix, Q8Acts, ROW_GROUP};

/// Whether this CPU runs the kernel (the check is cached by std).
pub(super) fn available() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// See [`super::Kernel`]. Only returned by [`super::kernel`] when
/// [`available`] holds.
///
/// # Safety
/// See [`super::Kernel`].
pub(super) unsafe fn rows(
    w: &Q4Matrix,
    acts: &Q8Acts,
    bias: &[f32],
    rows: Range<usize>,
    out: &OutRows,
) {
    assert!(available(), "the AVX2 kernel on a CPU without AVX2 and FMA");
    // SAFETY: the CPU has AVX2 and FMA, checked just above; the caller has
    // the rows to itself.
    unsafe { rows_avx2(w, acts, bias, rows, out) }
}

/// # Safety
/// See [`super::Kernel`].
#[target_feature(enable = "avx2,fma")]
unsafe fn rows_avx2(w: &Q4Matrix, acts: &Q8Acts, bias: &[f32], rows: Range<usize>, out: &OutRows) {
    let n = acts.n;
    let mut group = rows.start;
    while group < rows.end {
        let group_end = (group + ROW_GROUP).min(rows.end);
        let mut t0 = 0;
        while t0 < n {
            let tn = (n - t0).min(4);
            for (r, bias) in (group..group_end).zip(&bias[group..group_end]) {
                let mut values = [0f32; 4];
                match tn {
                    4 => values = tile::<4>(w, r, acts, t0),
                    3 => values[..3].copy_from_slice(&tile::<3>(w, r, acts, t0)),
                    2 => values[..2].copy_from_slice(&tile::<2>(w, r, acts, t0)),
                    _ => values[..1].copy_from_slice(&tile::<1>(w, r, acts, t0)),
                }
                for (t, value) in (t0..t0 + tn).zip(values) {
                    // SAFETY: the caller has row `r` to itself.
                    unsafe { out.set(t, r, value + bias) };
                }
            }
            t0 += tn;
        }
        group = group_end;
    }
}

/// Row `r` against tokens `t0..t0 + T`.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn tile<const T: usize>(w: &Q4Matrix, r: usize, acts: &Q8Acts, t0: usize) -> [f32; T] {
    let (w_scales, w_quants) = w.row(r);
    let nb = w_scales.len();
    let tokens: [(&[i8], &[f32]); T] = std::array::from_fn(|t| acts.token(t0 + t));
    for (a_quants, a_scales) in &tokens {
        assert!(
            a_quants.len() == nb * BLOCK && a_scales.len() == nb,
            "a token per row's width"
        );
    }
    let ones = _mm256_set1_epi16(1);
    let low_nibbles = _mm256_set1_epi8(0x0f);
    let mut acc = [_mm256_setzero_ps(); T];
    for (b, (w_scale, packed)) in w_scales.iter().zip(w_quants).enumerate() {
        // SAFETY: `packed` is 16 readable bytes.
        let packed = unsafe { _mm_loadu_si128(packed.as_ptr().cast()) };
        let nibbles = _mm256_and_si256(
            _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed),
            low_nibbles,
        );
        for (acc, (a_quants, a_scales)) in acc.iter_mut().zip(&tokens) {
            // SAFETY: block `b < nb` of a token of `nb` blocks (asserted
            // above): 32 readable bytes and one scale.
            let (a, a_scale) = unsafe {
                (
                    _mm256_loadu_si256(a_quants.as_ptr().add(b * BLOCK).cast()),
                    *a_scales.get_unchecked(b),
                )
            };
            let products = _mm256_madd_epi16(_mm256_maddubs_epi16(nibbles, a), ones);
            let scale = _mm256_set1_ps(w_scale * a_scale);
            *acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(products), scale, *acc);
        }
    }
    // The nibbles went in without their offset of 8: take 8 × Σ_b w_scale ×
    // (a_scale × Σ a) off, eight blocks at a time.
    std::array::from_fn(|t| {
        let offsets = acts.token_offsets(t0 + t);
        let mut correction = _mm256_setzero_ps();
        let w_chunks = w_scales.chunks_exact(8);
        let a_chunks = offsets.chunks_exact(8);
        let tail: f32 = w_chunks
            .remainder()
            .iter()
            .zip(a_chunks.remainder())
            .map(|(w, a)| w * a)
            .sum();
        for (w, a) in w_chunks.zip(a_chunks) {
            // SAFETY: both chunks are 8 readable floats.
            let (w, a) = unsafe { (_mm256_loadu_ps(w.as_ptr()), _mm256_loadu_ps(a.as_ptr())) };
            correction = _mm256_fmadd_ps(w, a, correction);
        }
        hsum(acc[t]) - 8.0 * (hsum(correction) + tail)
    })
}

#[inline]
#[target_feature(enable = "avx2,fma")]
fn hsum(v: __m256) -> f32 {
    let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    let s = _mm_add_ss(s, _mm_movehdup_ps(s));
    _mm_cvtss_f32(s)
}

/// See [`super::Quantizer`]: [`super::scalar_quantize_blocks`] eight values
/// at a time, with the same scale, product and rounding (ties to even), so
/// the quants are the same for every finite input.
pub(super) fn quantize_blocks(x: &[f32], quants: &mut [i8], scales: &mut [f32]) {
    assert!(
        available(),
        "the AVX2 quantiser on a CPU without AVX2 and FMA"
    );
    // SAFETY: the CPU has AVX2 and FMA, checked just above.
    unsafe { quantize_blocks_avx2(x, quants, scales) }
}

#[target_feature(enable = "avx2,fma")]
fn quantize_blocks_avx2(x: &[f32], quants: &mut [i8], scales: &mut [f32]) {
    let blocks = x.chunks_exact(BLOCK).zip(quants.chunks_exact_mut(BLOCK));
    let sign = _mm256_set1_ps(-0.0);
    // packs interleaves 128-bit lanes; this puts the 4-byte groups back.
    let order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for ((x, q), scale) in blocks.zip(scales) {
        // SAFETY: `x` is a block of 32 values, `q` of 32 bytes.
        let v: [__m256; 4] =
            std::array::from_fn(|i| unsafe { _mm256_loadu_ps(x.as_ptr().add(8 * i)) });
        let magnitudes = v.map(|v| _mm256_andnot_ps(sign, v));
        let m = _mm256_max_ps(
            _mm256_max_ps(magnitudes[0], magnitudes[1]),
            _mm256_max_ps(magnitudes[2], magnitudes[3]),
        );
        let m = _mm_max_ps(_mm256_extractf128_ps(m, 1), _mm256_castps256_ps128(m));
        let m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        let amax = _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
        *scale = amax / 127.0;
        let inverse = _mm256_set1_ps(if amax > 0.0 { 127.0 / amax } else { 0.0 });
        let ints = v.map(|v| {
            _mm256_cvtps_epi32(_mm256_round_ps::<
                { _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC },
            >(_mm256_mul_ps(v, inverse)))
        });
        let low = _mm256_packs_epi32(ints[0], ints[1]);
        let high = _mm256_packs_epi32(ints[2], ints[3]);
        let bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(low, high), order);
        // SAFETY: `q` is 32 writable bytes.
        unsafe { _mm256_storeu_si256(q.as_mut_ptr().cast(), bytes) };
    }
}
