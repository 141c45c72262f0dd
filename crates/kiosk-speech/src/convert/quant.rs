//! ggml's block quantizations, ported from the reference (deterministic)
//! routines in ggml-quants.c, so a quantized model file is the same bytes on
//! every machine. Blocks are 32 values along a row.

use half::f16;

/// Values per block for both formats.
pub const BLOCK: usize = 32;
/// Bytes per Q8_0 block: f16 scale, 32 × i8.
pub const Q8_0_BYTES: usize = 2 + BLOCK;
/// Bytes per Q5_1 block: f16 scale, f16 minimum, 32 high bits, 16 nibble bytes.
pub const Q5_1_BYTES: usize = 2 + 2 + 4 + BLOCK / 2;

/// `quantize_row_q8_0_ref`. `values.len()` must be a multiple of 32.
pub fn quantize_q8_0(values: &[f32], out: &mut Vec<u8>) {
    for block in values.chunks_exact(BLOCK) {
        let amax = block.iter().fold(0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
        for &v in block {
            // roundf: half away from zero, as Rust's `round`.
            out.push((v * id).round() as i8 as u8);
        }
    }
}

/// `quantize_row_q5_1_ref`. `values.len()` must be a multiple of 32.
pub fn quantize_q5_1(values: &[f32], out: &mut Vec<u8>) {
    for block in values.chunks_exact(BLOCK) {
        let min = block.iter().fold(f32::MAX, |m, &v| m.min(v));
        let max = block.iter().fold(-f32::MAX, |m, &v| m.max(v));
        let d = (max - min) / 31.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
        out.extend_from_slice(&f16::from_f32(min).to_le_bytes());
        let mut qh: u32 = 0;
        let mut qs = [0u8; BLOCK / 2];
        for j in 0..BLOCK / 2 {
            // (uint8_t)(x + 0.5f): truncation toward zero of a non-negative value.
            let x0 = ((block[j] - min) * id + 0.5) as u8;
            let x1 = ((block[BLOCK / 2 + j] - min) * id + 0.5) as u8;
            qs[j] = (x0 & 0x0F) | ((x1 & 0x0F) << 4);
            qh |= u32::from((x0 & 0x10) >> 4) << j;
            qh |= u32::from((x1 & 0x10) >> 4) << (j + BLOCK / 2);
        }
        out.extend_from_slice(&qh.to_le_bytes());
        out.extend_from_slice(&qs);
    }
}

/// Inverse of [`quantize_q8_0`], for tests and checks.
pub fn dequantize_q8_0(bytes: &[u8]) -> Vec<f32> {
    let mut out = Vec::with_capacity(bytes.len() / Q8_0_BYTES * BLOCK);
    for block in bytes.chunks_exact(Q8_0_BYTES) {
        let d = f16::from_le_bytes([block[0], block[1]]).to_f32();
        out.extend(block[2..].iter().map(|&q| f32::from(q as i8) * d));
    }
    out
}

/// Inverse of [`quantize_q5_1`], for tests and checks.
pub fn dequantize_q5_1(bytes: &[u8]) -> Vec<f32> {
    let mut out = Vec::with_capacity(bytes.len() / Q5_1_BYTES * BLOCK);
    for block in bytes.chunks_exact(Q5_1_BYTES) {
        let d = f16::from_le_bytes([block[0], block[1]]).to_f32();
        let m = f16::from_le_bytes([block[2], block[3]]).to_f32();
        let qh = u32::from_le_bytes([block[4], block[5], block[6], block[7]]);
        let qs = &block[8..];
        let mut values = [0f32; BLOCK];
        for j in 0..BLOCK / 2 {
            let lo = (qs[j] & 0x0F) | ((((qh >> j) & 1) as u8) << 4);
            let hi = (qs[j] >> 4) | ((((qh >> (j + BLOCK / 2)) & 1) as u8) << 4);
            values[j] = f32::from(lo) * d + m;
            values[j + BLOCK / 2] = f32::from(hi) * d + m;
        }
        out.extend_from_slice(&values);
    }
    out
}

#[cfg(test)]
mod tests;
