//! The fast kernels against the scalar reference, and the format
//! conversions against candle's dequantization.

use std::borrow::Cow;

use candle_core::quantized::{GgmlDType, QStorage, QTensor};
use candle_core::{Device, Tensor};

use super::convert::{f32_to_q4_0, f32_to_q8_0, q4k_to_q4_1};
use super::{Format, OutPtr, QActs, QMatrix, matmul, scalar, split};

/// Deterministic values with a spread like real weights.
fn values(n: usize, seed: u32) -> Vec<f32> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x as f32 / u32::MAX as f32 - 0.5) * 2.0
        })
        .collect()
}

fn candle_quantize(v: &[f32], rows: usize, cols: usize, dtype: GgmlDType) -> Vec<u8> {
    let t = Tensor::from_vec(v.to_vec(), (rows, cols), &Device::Cpu).expect("tensor");
    let q = QTensor::quantize(&t, dtype).expect("quantizes");
    q.data().expect("data").into_owned()
}

fn candle_dequantize(raw: &[u8], rows: usize, cols: usize, dtype: GgmlDType) -> Vec<f32> {
    let storage = QStorage::from_data(Cow::Borrowed(raw), &Device::Cpu, dtype).expect("storage");
    let q = QTensor::new(storage, (rows, cols)).expect("qtensor");
    q.dequantize(&Device::Cpu)
        .and_then(|t| t.flatten_all())
        .and_then(|t| t.to_vec1::<f32>())
        .expect("dequantizes")
}

fn matrix(format: Format, rows: usize, cols: usize, seed: u32) -> QMatrix {
    let v = values(rows * cols, seed);
    let data = match format {
        Format::Q4_0 => f32_to_q4_0(&v),
        Format::Q8_0 => f32_to_q8_0(&v),
        Format::Q4_1 => candle_quantize(&v, rows, cols, GgmlDType::Q4_1),
        Format::Q5_0 => candle_quantize(&v, rows, cols, GgmlDType::Q5_0),
    };
    QMatrix {
        format,
        rows,
        cols,
        data,
    }
}

#[test]
fn dequantize_matches_candle() {
    for (format, dtype) in [
        (Format::Q4_0, GgmlDType::Q4_0),
        (Format::Q4_1, GgmlDType::Q4_1),
        (Format::Q5_0, GgmlDType::Q5_0),
        (Format::Q8_0, GgmlDType::Q8_0),
    ] {
        let m = matrix(format, 3, 64, 1);
        let want = candle_dequantize(&m.data, 3, 64, dtype);
        let mut got = vec![0.0; 64];
        for r in 0..3 {
            m.dequantize_row(r, &mut got);
            assert_eq!(got, want[r * 64..(r + 1) * 64], "{format:?} row {r}");
        }
    }
}

#[test]
fn simd_matmul_matches_scalar_for_every_format_and_width() {
    let (rows, cols) = (37, 640);
    for format in [Format::Q4_0, Format::Q4_1, Format::Q5_0, Format::Q8_0] {
        let m = matrix(format, rows, cols, 2);
        for n in [1, 2, 3, 4, 5, 9] {
            let mut acts = QActs::default();
            acts.quantize(&values(n * cols, 3 + n as u32), n, cols);
            let mut out = vec![0.0f32; n * rows];
            // Two "threads" writing halves, as the model does.
            for tid in 0..2 {
                let r = split(rows, tid, 2, 16);
                // SAFETY: `out` holds n × rows floats; ranges are disjoint.
                unsafe { matmul(&m, &acts, OutPtr(out.as_mut_ptr()), rows, r) };
            }
            for c in 0..n {
                for r in 0..rows {
                    let want = scalar::dot(format, m.row(r), &acts, c);
                    let got = out[c * rows + r];
                    assert!(
                        (got - want).abs() <= 1e-3 * (1.0 + want.abs()),
                        "{format:?} n={n} row {r} col {c}: {got} vs {want}"
                    );
                }
            }
        }
    }
}

#[test]
fn quantized_dot_is_close_to_the_float_dot() {
    let cols = 640;
    let w = values(cols, 5);
    let x = values(cols, 6);
    let exact: f32 = w.iter().zip(&x).map(|(a, b)| a * b).sum();
    let mut acts = QActs::default();
    acts.quantize(&x, 1, cols);
    let m = QMatrix {
        format: Format::Q8_0,
        rows: 1,
        cols,
        data: f32_to_q8_0(&w),
    };
    let got = scalar::dot(Format::Q8_0, m.row(0), &acts, 0);
    assert!((got - exact).abs() < 0.05, "{got} vs {exact}");
}

#[test]
fn q5_0_rewrites_exactly_as_q8_0() {
    let m = matrix(Format::Q5_0, 5, 640, 4);
    let q8 = QMatrix {
        format: Format::Q8_0,
        rows: 5,
        cols: 640,
        data: super::convert::q5_0_to_q8_0(&m.data),
    };
    let (mut a, mut b) = (vec![0.0; 640], vec![0.0; 640]);
    for r in 0..5 {
        m.dequantize_row(r, &mut a);
        q8.dequantize_row(r, &mut b);
        assert_eq!(a, b, "row {r}");
    }
}

#[test]
fn q4k_repacks_exactly_into_q4_1() {
    let (rows, cols) = (4, 512);
    let v = values(rows * cols, 9);
    let raw = candle_quantize(&v, rows, cols, GgmlDType::Q4K);
    let want = candle_dequantize(&raw, rows, cols, GgmlDType::Q4K);
    let m = QMatrix {
        format: Format::Q4_1,
        rows,
        cols,
        data: q4k_to_q4_1(&raw),
    };
    let mut got = vec![0.0; cols];
    for r in 0..rows {
        m.dequantize_row(r, &mut got);
        for (i, (g, w)) in got.iter().zip(&want[r * cols..]).enumerate() {
            // Only the f16 rounding of scale×sub-scale and min×sub-min differs.
            assert!(
                (g - w).abs() <= 2e-3 * (1.0 + w.abs()),
                "row {r} [{i}]: {g} vs {w}"
            );
        }
    }
}

#[test]
fn split_covers_every_row_once() {
    for n in [0, 1, 15, 16, 17, 100, 262_144] {
        for threads in 1..5 {
            let mut next = 0;
            for tid in 0..threads {
                let r = split(n, tid, threads, 16);
                assert_eq!(r.start, next.min(n));
                next = r.end;
            }
            assert_eq!(next, n);
        }
    }
}
