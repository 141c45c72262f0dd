//! Portable kernels: the reference for the SIMD ones, and the path on CPUs
//! without AVX2.

use std::ops::Range;

use super::{Format, OutPtr, QActs, QK, QMatrix};

fn f16(b: &[u8]) -> f32 {
    half::f16::from_bits(u16::from_le_bytes([b[0], b[1]])).to_f32()
}

/// Dequantizes one row (whole blocks) into `out`.
pub fn dequantize_row(format: Format, row: &[u8], out: &mut [f32]) {
    let bb = format.block_bytes();
    for (block, y) in row.chunks_exact(bb).zip(out.chunks_exact_mut(QK)) {
        let d = f16(block);
        match format {
            Format::Q4_0 => {
                let qs = &block[2..18];
                for j in 0..16 {
                    y[j] = d * ((qs[j] & 0xF) as f32 - 8.0);
                    y[j + 16] = d * ((qs[j] >> 4) as f32 - 8.0);
                }
            }
            Format::Q4_1 => {
                let m = f16(&block[2..]);
                let qs = &block[4..20];
                for j in 0..16 {
                    y[j] = d * (qs[j] & 0xF) as f32 + m;
                    y[j + 16] = d * (qs[j] >> 4) as f32 + m;
                }
            }
            Format::Q5_0 => {
                let qh = u32::from_le_bytes([block[2], block[3], block[4], block[5]]);
                let qs = &block[6..22];
                for j in 0..16 {
                    let lo = (qs[j] & 0xF) | ((((qh >> j) & 1) as u8) << 4);
                    let hi = (qs[j] >> 4) | ((((qh >> (j + 16)) & 1) as u8) << 4);
                    y[j] = d * (lo as f32 - 16.0);
                    y[j + 16] = d * (hi as f32 - 16.0);
                }
            }
            Format::Q8_0 => {
                for j in 0..QK {
                    y[j] = d * (block[2 + j] as i8) as f32;
                }
            }
        }
    }
}

/// The integer form of a weight block: quants as i32 plus (scale, offset),
/// where value = scale·q + offset.
fn block_ints(format: Format, block: &[u8], q: &mut [i32; QK]) -> (f32, f32) {
    let d = f16(block);
    match format {
        Format::Q4_0 => {
            for j in 0..16 {
                q[j] = (block[2 + j] & 0xF) as i32;
                q[j + 16] = (block[2 + j] >> 4) as i32;
            }
            (d, -8.0 * d)
        }
        Format::Q4_1 => {
            for j in 0..16 {
                q[j] = (block[4 + j] & 0xF) as i32;
                q[j + 16] = (block[4 + j] >> 4) as i32;
            }
            (d, f16(&block[2..]))
        }
        Format::Q5_0 => {
            let qh = u32::from_le_bytes([block[2], block[3], block[4], block[5]]);
            for j in 0..16 {
                q[j] = ((block[6 + j] & 0xF) as u32 | (((qh >> j) & 1) << 4)) as i32;
                q[j + 16] = ((block[6 + j] >> 4) as u32 | (((qh >> (j + 16)) & 1) << 4)) as i32;
            }
            (d, -16.0 * d)
        }
        Format::Q8_0 => {
            for j in 0..QK {
                q[j] = (block[2 + j] as i8) as i32;
            }
            (d, 0.0)
        }
    }
}

/// One row · one column, the way the SIMD kernels compute it.
pub fn dot(format: Format, row: &[u8], acts: &QActs, col: usize) -> f32 {
    let nb = acts.k / QK;
    let mut q = [0i32; QK];
    let mut sum = 0f32;
    for (b, block) in row.chunks_exact(format.block_bytes()).enumerate() {
        let (d, off) = block_ints(format, block, &mut q);
        let a = &acts.qs[col * acts.k + b * QK..][..QK];
        let isum: i32 = q.iter().zip(a).map(|(&w, &x)| w * x as i32).sum();
        sum += d * acts.d[col * nb + b] * isum as f32 + off * acts.s[col * nb + b];
    }
    sum
}

/// See [`super::matmul`].
///
/// # Safety
/// As for [`super::matmul`].
pub unsafe fn matmul(
    w: &QMatrix,
    acts: &QActs,
    out: OutPtr,
    out_stride: usize,
    rows: Range<usize>,
) {
    for r in rows {
        let row = w.row(r);
        for c in 0..acts.n {
            // SAFETY: the caller guarantees the index is writable and ours.
            unsafe { *out.0.add(c * out_stride + r) = dot(w.format, row, acts, c) };
        }
    }
}
