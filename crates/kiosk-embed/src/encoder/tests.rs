use super::*;

fn check_erf(x: f64, expected: f64) {
    assert!(
        (erf(x) - expected).abs() < 2e-7,
        "erf({x}) = {}, expected {expected}",
        erf(x)
    );
}

#[test]
fn erf_values() {
    check_erf(0.0, 0.0);
    check_erf(0.5, 0.520_499_877_813_046_5);
    check_erf(1.0, 0.842_700_792_949_714_9);
    check_erf(-1.0, -0.842_700_792_949_714_9);
    check_erf(2.0, 0.995_322_265_018_952_7);
    check_erf(-3.5, -0.999_999_256_901_627_7);
}

#[test]
fn gelu_values() {
    assert_eq!(gelu(0.0), 0.0);
    assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
    assert!((gelu(-1.0) + 0.158_655_26).abs() < 1e-6);
}

#[test]
fn softmax_sums_to_one() {
    let mut values = [1.0, 2.0, 3.0, 1000.0];
    softmax(&mut values);
    assert!((values.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    assert!(values[3] > 0.999);
}

#[test]
fn layer_norm_centres_and_scales() {
    let norm = Norm {
        weight: vec![1.0; 4],
        bias: vec![0.5; 4],
    };
    let mut x = vec![1.0, 2.0, 3.0, 4.0];
    layer_norm(&mut x, Some(&[1.0, 1.0, 1.0, 1.0]), &norm, 1e-12);
    let mean: f32 = x.iter().sum::<f32>() / 4.0;
    assert!((mean - 0.5).abs() < 1e-6);
    assert!((x[3] - x[0] - 2.0 * 3.0 / 5f32.sqrt()).abs() < 1e-5);
}
