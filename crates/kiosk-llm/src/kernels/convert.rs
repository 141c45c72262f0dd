//! Turning GGUF tensors into the formats the kernels run.
//!
//! Q4_0, Q4_1, Q5_0 and Q8_0 are used as stored. Q4_K is repacked into Q4_1
//! exactly: each 32-element sub-block of a Q4_K super-block is already
//! `d·sc·q − dmin·m` with 4-bit q, which is a Q4_1 block with scale `d·sc`
//! and min `−dmin·m` (the only change is rounding those two products to
//! f16). Everything else (Q6_K, Q5_K, F16, …) is dequantized by candle and
//! requantized to Q8_0, which adds less error than the source format has.

use candle_core::quantized::GgmlDType;

use super::{Format, QK, QMatrix, quantize_block_q8};

/// Bytes of one Q4_K super-block of 256 values.
const Q4K_BYTES: usize = 144;

/// Whether the kernels run `dtype` as stored.
pub fn native_format(dtype: GgmlDType) -> Option<Format> {
    match dtype {
        GgmlDType::Q4_0 => Some(Format::Q4_0),
        GgmlDType::Q4_1 => Some(Format::Q4_1),
        GgmlDType::Q5_0 => Some(Format::Q5_0),
        GgmlDType::Q8_0 => Some(Format::Q8_0),
        _ => None,
    }
}

fn f16_bytes(v: f32) -> [u8; 2] {
    half::f16::from_f32(v).to_bits().to_le_bytes()
}

fn f16_from(b: &[u8]) -> f32 {
    half::f16::from_bits(u16::from_le_bytes([b[0], b[1]])).to_f32()
}

/// The 6-bit scale and min of sub-block `j` (0..8) of a Q4_K super-block.
fn q4k_scale_min(j: usize, s: &[u8]) -> (u8, u8) {
    if j < 4 {
        (s[j] & 63, s[j + 4] & 63)
    } else {
        (
            (s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4),
            (s[j + 4] >> 4) | ((s[j] >> 6) << 4),
        )
    }
}

/// Repacks Q4_K data into Q4_1 blocks (same element order).
pub fn q4k_to_q4_1(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / Q4K_BYTES * 8 * Format::Q4_1.block_bytes());
    for sb in data.chunks_exact(Q4K_BYTES) {
        let d = f16_from(&sb[0..2]);
        let dmin = f16_from(&sb[2..4]);
        let scales = &sb[4..16];
        let qs = &sb[16..144];
        for chunk in 0..4 {
            let q = &qs[chunk * 32..chunk * 32 + 32];
            for half_idx in 0..2 {
                let (sc, m) = q4k_scale_min(chunk * 2 + half_idx, scales);
                out.extend_from_slice(&f16_bytes(d * sc as f32));
                out.extend_from_slice(&f16_bytes(-dmin * m as f32));
                let nib = |i: usize| if half_idx == 0 { q[i] & 0xF } else { q[i] >> 4 };
                for i in 0..16 {
                    out.push(nib(i) | (nib(i + 16) << 4));
                }
            }
        }
    }
    out
}

/// Rewrites Q5_0 blocks as Q8_0 blocks with the same values: the scale is
/// kept and each 5-bit quant q becomes the byte q − 16.
pub fn q5_0_to_q8_0(data: &[u8]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(data.len() / Format::Q5_0.block_bytes() * Format::Q8_0.block_bytes());
    for b in data.chunks_exact(Format::Q5_0.block_bytes()) {
        out.extend_from_slice(&b[0..2]);
        let qh = u32::from_le_bytes([b[2], b[3], b[4], b[5]]);
        let q = |nib: u8, bit: usize| (nib as i32 | ((((qh >> bit) & 1) as i32) << 4)) - 16;
        for j in 0..16 {
            out.push(q(b[6 + j] & 0xF, j) as i8 as u8);
        }
        for j in 0..16 {
            out.push(q(b[6 + j] >> 4, j + 16) as i8 as u8);
        }
    }
    out
}

/// Quantizes f32 rows to Q8_0 blocks.
pub fn f32_to_q8_0(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / QK * Format::Q8_0.block_bytes());
    let mut q = [0i8; QK];
    for block in values.chunks_exact(QK) {
        let (d, _) = quantize_block_q8(block, &mut q);
        out.extend_from_slice(&f16_bytes(d));
        out.extend(q.iter().map(|&v| v as u8));
    }
    out
}

/// Quantizes f32 rows to Q4_0 blocks (used when requantizing a model file).
pub fn f32_to_q4_0(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / QK * Format::Q4_0.block_bytes());
    for block in values.chunks_exact(QK) {
        // The value of largest magnitude maps to −8, as llama.cpp does, so
        // the full 16 levels are used.
        let mut max = 0f32;
        for &v in block {
            if v.abs() > max.abs() {
                max = v;
            }
        }
        let d = max / -8.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&f16_bytes(d));
        let q = |v: f32| ((v * id + 8.5) as i32).clamp(0, 15) as u8;
        for j in 0..16 {
            out.push(q(block[j]) | (q(block[j + 16]) << 4));
        }
    }
    out
}

/// Why a GGUF tensor does not make a kernel matrix. `E` is the error of
/// the dequantizer the caller gave.
#[derive(Debug, thiserror::Error)]
pub enum MatrixError<E> {
    #[error("{0} columns is not a multiple of {QK}")]
    Columns(usize),
    #[error(transparent)]
    Dequantize(E),
    #[error("{got} bytes of {format} data for {rows}×{cols}, expected {expected}")]
    Size {
        got: usize,
        format: &'static str,
        rows: usize,
        cols: usize,
        expected: usize,
    },
}

/// A weight matrix in a kernel format from a GGUF tensor's raw bytes
/// (`rows` × `cols`, GGUF order). `dequantize` is asked for f32 values
/// when the data must be requantized.
pub fn to_qmatrix<E>(
    dtype: GgmlDType,
    raw: Vec<u8>,
    rows: usize,
    cols: usize,
    dequantize: impl FnOnce(&[u8]) -> Result<Vec<f32>, E>,
) -> Result<QMatrix, MatrixError<E>> {
    if !cols.is_multiple_of(QK) {
        return Err(MatrixError::Columns(cols));
    }
    let (format, data) = match (native_format(dtype), dtype) {
        (Some(format), _) => (format, raw),
        (None, GgmlDType::Q4K) => (Format::Q4_1, q4k_to_q4_1(&raw)),
        (None, _) => (
            Format::Q8_0,
            f32_to_q8_0(&dequantize(&raw).map_err(MatrixError::Dequantize)?),
        ),
    };
    let m = QMatrix {
        format,
        rows,
        cols,
        data,
    };
    if m.data.len() != rows * m.row_bytes() {
        return Err(MatrixError::Size {
            got: m.data.len(),
            format: format.name(),
            rows,
            cols,
            expected: rows * m.row_bytes(),
        });
    }
    Ok(m)
}
