use super::*;

fn check_f16(half: u16, expected: f32) {
    assert_eq!(f16_to_f32(half), expected, "f16 {half:#06x}");
}

#[test]
fn f16_values() {
    check_f16(0x0000, 0.0);
    check_f16(0x3c00, 1.0);
    check_f16(0xc000, -2.0);
    check_f16(0x3555, 0.333_251_95);
    check_f16(0x7bff, 65504.0);
    check_f16(0x0001, 5.960_464_5e-8);
    check_f16(0x03ff, 6.097_555e-5);
    check_f16(0x7c00, f32::INFINITY);
}

/// One row of two blocks: scale 1.0 then 0.5, nibbles counting up.
fn two_block_row() -> Vec<u8> {
    let mut bytes = Vec::new();
    for scale in [0x3c00u16, 0x3800] {
        bytes.extend_from_slice(&scale.to_le_bytes());
        for j in 0..16u8 {
            bytes.push(j | ((15 - j) << 4));
        }
    }
    bytes
}

#[test]
fn dequantizes_low_then_high_nibbles() {
    let matrix = Q4Matrix::from_bytes(1, 64, &two_block_row());
    let mut row = vec![0f32; 64];
    matrix.dequantize_row(0, &mut row);
    assert_eq!(row[0], -8.0);
    assert_eq!(row[15], 7.0);
    assert_eq!(row[16], 7.0);
    assert_eq!(row[31], -8.0);
    assert_eq!(row[32], -4.0);
    assert_eq!(row[47], 3.5);
}

#[test]
fn matmul_matches_dense_product() {
    // 40 rows (more than one parallel task), 64 columns, 3 tokens.
    let mut bytes = Vec::new();
    for r in 0..40u8 {
        for b in 0..2u8 {
            bytes.extend_from_slice(&0x3400u16.to_le_bytes()); // 0.25
            for j in 0..16u8 {
                bytes.push(((r + b + j) % 16) | (((r * 3 + j) % 16) << 4));
            }
        }
    }
    let matrix = Q4Matrix::from_bytes(40, 64, &bytes);
    let x: Vec<f32> = (0..3 * 64).map(|i| ((i * 7) % 11) as f32 - 5.0).collect();
    let bias: Vec<f32> = (0..40).map(|i| i as f32 * 0.5).collect();
    let mut y = vec![0f32; 3 * 40];
    matrix.matmul(&bias, &x, 3, &mut y);
    let mut row = vec![0f32; 64];
    for r in 0..40 {
        matrix.dequantize_row(r, &mut row);
        for t in 0..3 {
            let expected: f32 = bias[r]
                + row
                    .iter()
                    .zip(&x[t * 64..(t + 1) * 64])
                    .map(|(w, x)| w * x)
                    .sum::<f32>();
            assert!((y[t * 40 + r] - expected).abs() < 1e-4, "row {r} token {t}");
        }
    }
}

#[test]
fn dot_products_with_tails() {
    // 70 = two chunks of 32 and a tail of 6.
    let w: Vec<f32> = (0..70).map(|i| (i % 7) as f32 - 3.0).collect();
    let x0: Vec<f32> = (0..70).map(|i| (i % 5) as f32 * 0.5).collect();
    let x1: Vec<f32> = (0..70).map(|i| 1.0 - (i % 3) as f32).collect();
    let naive = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f32>();
    assert!((dot(&w, &x0) - naive(&w, &x0)).abs() < 1e-4);
    let (d0, d1) = dot2(&w, &x0, &x1);
    assert!((d0 - naive(&w, &x0)).abs() < 1e-4);
    assert!((d1 - naive(&w, &x1)).abs() < 1e-4);
}
