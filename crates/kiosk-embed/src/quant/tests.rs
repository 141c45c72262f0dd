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
fn the_table_dequantizes_as_the_matrix_does() {
    let mut bytes = two_block_row();
    bytes.extend(two_block_row().iter().map(|b| b.rotate_left(3)));
    let matrix = Q4Matrix::from_bytes(2, 64, &bytes);
    let table = Q4Table::from_bytes(2, 64, &bytes);
    for r in 0..2 {
        let (mut from_matrix, mut from_table) = (vec![0f32; 64], vec![0f32; 64]);
        matrix.dequantize_row(r, &mut from_matrix);
        table.dequantize_row(r, &mut from_table);
        assert_eq!(from_matrix, from_table, "row {r}");
    }
}

/// A `rows × cols` matrix with scales and nibbles that vary by row and
/// block.
fn test_matrix(rows: usize, cols: usize) -> Q4Matrix {
    let mut bytes = Vec::new();
    for r in 0..rows {
        for b in 0..cols / BLOCK {
            let scale = 0x3000u16 + ((r * 7 + b * 3) % 64) as u16; // ~0.125
            bytes.extend_from_slice(&scale.to_le_bytes());
            for j in 0..16 {
                let low = (r + b + j) % 16;
                let high = (r * 3 + j * 5 + b) % 16;
                bytes.push((low | (high << 4)) as u8);
            }
        }
    }
    Q4Matrix::from_bytes(rows, cols, &bytes)
}

fn test_acts(n: usize, k: usize) -> Vec<f32> {
    (0..n * k)
        .map(|i| (((i * 37) % 101) as f32 - 50.0) * 0.03 + if i % 13 == 0 { 4.0 } else { 0.0 })
        .collect()
}

#[test]
fn activations_quantise_to_the_block_maximum() {
    let x: Vec<f32> = (0..64).map(|i| i as f32 - 20.0).collect();
    let mut acts = Q8Acts::default();
    acts.quantize(&x, 2, 32);
    assert_eq!(acts.n(), 2);
    let (q0, d0) = acts.token(0);
    assert_eq!(d0, [20.0 / 127.0]);
    assert_eq!(q0[0], -127);
    assert_eq!(q0[20], 0);
    let (q1, d1) = acts.token(1);
    assert_eq!(d1, [43.0 / 127.0]);
    assert_eq!(q1[31], 127);
    // A block of zeros has scale 0 and zero quants.
    acts.quantize(&[0.0; 32], 1, 32);
    assert_eq!(acts.token(0), (&[0i8; 32][..], &[0.0][..]));
}

#[test]
fn matmul_matches_the_dense_product() {
    // 40 rows (more than one task), 64 columns, 3 tokens.
    let matrix = test_matrix(40, 64);
    let x = test_acts(3, 64);
    let mut acts = Q8Acts::default();
    acts.quantize(&x, 3, 64);
    let bias: Vec<f32> = (0..40).map(|i| i as f32 * 0.5).collect();
    let mut y = vec![0f32; 3 * 40];
    matrix.matmul(&bias, &acts, &mut y);
    let mut row = vec![0f32; 64];
    for r in 0..40 {
        matrix.dequantize_row(r, &mut row);
        for t in 0..3 {
            // The product is exact for the activations as quantised ...
            let (quants, scales) = acts.token(t);
            let x_hat = quants
                .iter()
                .enumerate()
                .map(|(i, q)| f32::from(*q) * scales[i / BLOCK]);
            let expected: f32 = bias[r] + row.iter().zip(x_hat).map(|(w, x)| w * x).sum::<f32>();
            assert!(
                (y[t * 40 + r] - expected).abs() < 1e-4,
                "row {r} token {t}: {} vs {expected}",
                y[t * 40 + r]
            );
            // ... and close for the activations themselves.
            let dense: f32 = bias[r]
                + row
                    .iter()
                    .zip(&x[t * 64..(t + 1) * 64])
                    .map(|(w, x)| w * x)
                    .sum::<f32>();
            assert!((y[t * 40 + r] - dense).abs() < 0.2, "row {r} token {t}");
        }
    }
}

/// Issue 14: the fast kernel computes what the portable one does, for
/// every tile width (1 to 4 tokens) and a partial row group.
#[test]
fn fast_kernel_matches_the_portable_one() {
    let fast = kernel();
    #[cfg(target_arch = "x86_64")]
    println!("AVX2 kernel: {}", avx2::available());
    for n in [1, 2, 3, 4, 5, 7, 13] {
        let matrix = test_matrix(37, 96);
        let mut acts = Q8Acts::default();
        acts.quantize(&test_acts(n, 96), n, 96);
        let bias: Vec<f32> = (0..37).map(|r| r as f32 * 0.25).collect();
        let mut fast_out = vec![0f32; 37 * n];
        let mut scalar_out = vec![0f32; 37 * n];
        // SAFETY: one thread writes every row.
        unsafe {
            fast(
                &matrix,
                &acts,
                &bias,
                0..37,
                &OutRows::new(&mut fast_out, n, 37),
            );
            scalar_rows(
                &matrix,
                &acts,
                &bias,
                0..37,
                &OutRows::new(&mut scalar_out, n, 37),
            );
        }
        for (i, (f, s)) in fast_out.iter().zip(&scalar_out).enumerate() {
            assert!(
                (f - s).abs() <= 1e-5 * (1.0 + s.abs()),
                "{n} tokens, output {i}: {f} vs {s}"
            );
        }
        // A range of rows not starting at 0 writes only its own rows.
        let mut part = vec![f32::NAN; 37 * n];
        // SAFETY: as above.
        unsafe {
            fast(
                &matrix,
                &acts,
                &bias,
                20..25,
                &OutRows::new(&mut part, n, 37),
            )
        };
        for (i, (p, f)) in part.iter().zip(&fast_out).enumerate() {
            let row = i % 37;
            if (20..25).contains(&row) {
                assert_eq!(p, f, "output {i}");
            } else {
                assert!(p.is_nan(), "output {i} written");
            }
        }
    }
}

#[test]
fn wide_activations_quantise_in_parallel_as_serially() {
    // Past PARALLEL_QUANTIZE, in chunks of tokens over the pool.
    let k = 1536;
    let n = 2 * PARALLEL_QUANTIZE / k + 3;
    let x = test_acts(n, k);
    let mut all = Q8Acts::default();
    all.quantize(&x, n, k);
    for t in [0, 1, n / 2, n - 1] {
        let mut one = Q8Acts::default();
        one.quantize(&x[t * k..(t + 1) * k], 1, k);
        assert_eq!(all.token(t), one.token(0), "token {t}");
    }
}

/// Issue 14: the fast quantiser gives the portable one's quants and scales,
/// ties and the extremes included.
#[test]
fn fast_quantiser_matches_the_portable_one() {
    let mut x = test_acts(7, 96);
    // Exact ties after scaling (0.5 and 2.5 steps), zeros, a lone extreme.
    x[..32]
        .iter_mut()
        .enumerate()
        .for_each(|(i, v)| *v = (i as f32 - 16.0) * 0.5);
    x[32..64].iter_mut().for_each(|v| *v = 0.0);
    x[64] = -1e30;
    let n_blocks = x.len() / BLOCK;
    let (mut fast_q, mut fast_d) = (vec![0i8; x.len()], vec![0f32; n_blocks]);
    let (mut scalar_q, mut scalar_d) = (vec![0i8; x.len()], vec![0f32; n_blocks]);
    quantizer()(&x, &mut fast_q, &mut fast_d);
    scalar_quantize_blocks(&x, &mut scalar_q, &mut scalar_d);
    assert_eq!(fast_q, scalar_q);
    assert_eq!(fast_d, scalar_d);
}

#[test]
fn dot_products_with_tails() {
    // 70 = four chunks of 16 and a tail of 6.
    let w: Vec<f32> = (0..70).map(|i| (i % 7) as f32 - 3.0).collect();
    let x: Vec<f32> = (0..70).map(|i| (i % 5) as f32 * 0.5).collect();
    let naive: f32 = w.iter().zip(&x).map(|(a, b)| a * b).sum();
    assert!((dot(&w, &x) - naive).abs() < 1e-4);
}
