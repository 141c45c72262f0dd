//! Round trips through ggml's q8_0 and q5_1 blocks.

use super::*;

fn ramp() -> Vec<f32> {
    (0..64).map(|i| ((i as f32) * 0.37).sin() * 0.8).collect()
}

#[test]
fn q8_0_round_trips_within_one_step() {
    let values = ramp();
    let mut bytes = Vec::new();
    quantize_q8_0(&values, &mut bytes);
    assert_eq!(bytes.len(), 2 * Q8_0_BYTES);
    let back = dequantize_q8_0(&bytes);
    for (a, b) in values.iter().zip(&back) {
        assert!((a - b).abs() <= 0.8 / 127.0, "{a} vs {b}");
    }
}

#[test]
fn q5_1_round_trips_within_one_step() {
    let values = ramp();
    let mut bytes = Vec::new();
    quantize_q5_1(&values, &mut bytes);
    assert_eq!(bytes.len(), 2 * Q5_1_BYTES);
    let back = dequantize_q5_1(&bytes);
    for (a, b) in values.iter().zip(&back) {
        assert!((a - b).abs() <= 1.6 / 31.0, "{a} vs {b}");
    }
}

#[test]
fn a_zero_block_stays_zero() {
    let zeros = vec![0f32; 32];
    let mut q8 = Vec::new();
    quantize_q8_0(&zeros, &mut q8);
    assert!(dequantize_q8_0(&q8).iter().all(|&v| v == 0.0));
    let mut q5 = Vec::new();
    quantize_q5_1(&zeros, &mut q5);
    assert!(dequantize_q5_1(&q5).iter().all(|&v| v == 0.0));
}
