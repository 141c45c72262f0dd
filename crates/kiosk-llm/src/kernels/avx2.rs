//! AVX2 kernels for the block-32 formats. Weight quants are unpacked to 32
//! bytes once per block and multiplied against up to four activation
//! columns with `maddubs` (unsigned × signed bytes); Q8_0's signed weights
//! use the sign trick (|w| × sign(a, w)). Offsets (Q4_0's −8, Q5_0's −16,
//! Q4_1's min) are applied once per block through the activations' block
//! sums rather than per element.

use std::arch::x86_64::*;
use std::ops::Range;

use super::{Format, OutPtr, QActs, QK, QMatrix};

/// Weight rows walked together against each group of columns; their blocks
/// stay in L1 while the columns go by.
const ROW_BLOCK: usize = 16;

#[inline(always)]
unsafe fn f16_at(p: *const u8) -> f32 {
    // SAFETY: the caller points at a block, which starts with an f16.
    let bits = unsafe { u16::from_le_bytes([*p, *p.add(1)]) };
    half::f16::from_bits(bits).to_f32()
}

/// A block format as the kernel sees it.
trait Block {
    const BYTES: usize;
    /// Whether `quants` are signed bytes (Q8_0) rather than small unsigned ones.
    const SIGNED: bool;
    /// The 32 quants, in element order.
    unsafe fn quants(p: *const u8) -> __m256i;
    /// (scale, offset per unit of activation sum).
    unsafe fn scale_offset(p: *const u8) -> (f32, f32);
}

#[inline(always)]
unsafe fn nibbles(p: *const u8) -> __m256i {
    // SAFETY: `p` points at 16 readable bytes.
    unsafe {
        let q = _mm_loadu_si128(p as *const __m128i);
        let hi = _mm_srli_epi16(q, 4);
        _mm256_and_si256(_mm256_set_m128i(hi, q), _mm256_set1_epi8(0x0F))
    }
}

/// 32 bytes, byte i = 0xFF where bit i of `bits` is set.
#[inline(always)]
unsafe fn bytes_from_bits(bits: u32) -> __m256i {
    // SAFETY: register-only intrinsics, AVX2 is enabled.
    unsafe {
        let spread = _mm256_shuffle_epi8(
            _mm256_set1_epi32(bits as i32),
            _mm256_set_epi64x(
                0x0303_0303_0303_0303,
                0x0202_0202_0202_0202,
                0x0101_0101_0101_0101,
                0,
            ),
        );
        // Each byte of a group of eight keeps only "its" bit clear.
        let others = _mm256_set1_epi64x(0x7fbf_dfef_f7fb_fdfe_u64 as i64);
        _mm256_cmpeq_epi8(_mm256_or_si256(spread, others), _mm256_set1_epi64x(-1))
    }
}

struct Q40;
struct Q41;
struct Q50;
struct Q80;

impl Block for Q40 {
    const BYTES: usize = 18;
    const SIGNED: bool = false;
    #[inline(always)]
    unsafe fn quants(p: *const u8) -> __m256i {
        unsafe { nibbles(p.add(2)) }
    }
    #[inline(always)]
    unsafe fn scale_offset(p: *const u8) -> (f32, f32) {
        let d = unsafe { f16_at(p) };
        (d, -8.0 * d)
    }
}

impl Block for Q41 {
    const BYTES: usize = 20;
    const SIGNED: bool = false;
    #[inline(always)]
    unsafe fn quants(p: *const u8) -> __m256i {
        unsafe { nibbles(p.add(4)) }
    }
    #[inline(always)]
    unsafe fn scale_offset(p: *const u8) -> (f32, f32) {
        unsafe { (f16_at(p), f16_at(p.add(2))) }
    }
}

impl Block for Q50 {
    const BYTES: usize = 22;
    const SIGNED: bool = false;
    #[inline(always)]
    unsafe fn quants(p: *const u8) -> __m256i {
        unsafe {
            let qh = (p.add(2) as *const u32).read_unaligned();
            let high = _mm256_and_si256(bytes_from_bits(qh), _mm256_set1_epi8(0x10));
            _mm256_or_si256(nibbles(p.add(6)), high)
        }
    }
    #[inline(always)]
    unsafe fn scale_offset(p: *const u8) -> (f32, f32) {
        let d = unsafe { f16_at(p) };
        (d, -16.0 * d)
    }
}

impl Block for Q80 {
    const BYTES: usize = 34;
    const SIGNED: bool = true;
    #[inline(always)]
    unsafe fn quants(p: *const u8) -> __m256i {
        unsafe { _mm256_loadu_si256(p.add(2) as *const __m256i) }
    }
    #[inline(always)]
    unsafe fn scale_offset(p: *const u8) -> (f32, f32) {
        (unsafe { f16_at(p) }, 0.0)
    }
}

#[inline(always)]
unsafe fn hsum(v: __m256) -> f32 {
    unsafe {
        let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_movehdup_ps(s));
        _mm_cvtss_f32(s)
    }
}

/// One weight row against columns `c0..c0 + C`.
#[inline(always)]
unsafe fn tile<B: Block, const C: usize>(row: *const u8, acts: &QActs, c0: usize) -> [f32; C] {
    let k = acts.k;
    let nb = k / QK;
    unsafe {
        let ones = _mm256_set1_epi16(1);
        let mut acc = [_mm256_setzero_ps(); C];
        let mut bias = [0f32; C];
        let qs = acts.qs.as_ptr();
        let ad = acts.d.as_ptr();
        let asum = acts.s.as_ptr();
        for b in 0..nb {
            let p = row.add(b * B::BYTES);
            let (d, off) = B::scale_offset(p);
            let w = B::quants(p);
            if B::SIGNED {
                let w_abs = _mm256_abs_epi8(w);
                for (c, acc) in acc.iter_mut().enumerate() {
                    let col = c0 + c;
                    let a = _mm256_loadu_si256(qs.add(col * k + b * QK) as *const __m256i);
                    let prod = _mm256_madd_epi16(
                        _mm256_maddubs_epi16(w_abs, _mm256_sign_epi8(a, w)),
                        ones,
                    );
                    let scale = _mm256_set1_ps(d * *ad.add(col * nb + b));
                    *acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(prod), scale, *acc);
                }
            } else {
                for c in 0..C {
                    let col = c0 + c;
                    let a = _mm256_loadu_si256(qs.add(col * k + b * QK) as *const __m256i);
                    let prod = _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), ones);
                    let scale = _mm256_set1_ps(d * *ad.add(col * nb + b));
                    acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(prod), scale, acc[c]);
                    bias[c] += off * *asum.add(col * nb + b);
                }
            }
        }
        let mut out = [0f32; C];
        for c in 0..C {
            out[c] = hsum(acc[c]) + bias[c];
        }
        out
    }
}

#[inline(always)]
unsafe fn run<B: Block>(w: &QMatrix, acts: &QActs, out: OutPtr, stride: usize, rows: Range<usize>) {
    let row_bytes = w.row_bytes();
    let base = w.data.as_ptr();
    let mut r0 = rows.start;
    while r0 < rows.end {
        let r1 = (r0 + ROW_BLOCK).min(rows.end);
        let mut c0 = 0;
        while c0 < acts.n {
            let cn = (acts.n - c0).min(4);
            for r in r0..r1 {
                // SAFETY: `r` is a row of `w`; the caller owns these outputs.
                unsafe {
                    let row = base.add(r * row_bytes);
                    let o = out.0;
                    match cn {
                        4 => {
                            let v = tile::<B, 4>(row, acts, c0);
                            for (c, x) in v.iter().enumerate() {
                                *o.add((c0 + c) * stride + r) = *x;
                            }
                        }
                        3 => {
                            let v = tile::<B, 3>(row, acts, c0);
                            for (c, x) in v.iter().enumerate() {
                                *o.add((c0 + c) * stride + r) = *x;
                            }
                        }
                        2 => {
                            let v = tile::<B, 2>(row, acts, c0);
                            for (c, x) in v.iter().enumerate() {
                                *o.add((c0 + c) * stride + r) = *x;
                            }
                        }
                        _ => {
                            let v = tile::<B, 1>(row, acts, c0);
                            *o.add(c0 * stride + r) = v[0];
                        }
                    }
                }
            }
            c0 += cn;
        }
        r0 = r1;
    }
}

/// See [`super::matmul`].
///
/// # Safety
/// As for [`super::matmul`].
pub unsafe fn matmul(w: &QMatrix, acts: &QActs, out: OutPtr, stride: usize, rows: Range<usize>) {
    unsafe {
        match w.format {
            Format::Q4_0 => run::<Q40>(w, acts, out, stride, rows),
            Format::Q4_1 => run::<Q41>(w, acts, out, stride, rows),
            Format::Q5_0 => run::<Q50>(w, acts, out, stride, rows),
            Format::Q8_0 => run::<Q80>(w, acts, out, stride, rows),
        }
    }
}
