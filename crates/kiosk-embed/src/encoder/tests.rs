use super::*;

/// The error function in f64 (Numerical Recipes' Chebyshev fit of erfc,
/// within 1.2e-7), the yardstick for the f32 GELU.
fn erf(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 { 1.0 - erfc } else { erfc - 1.0 }
}

#[test]
fn gelu_values() {
    assert_eq!(gelu(0.0), 0.0);
    assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
    assert!((gelu(-1.0) + 0.158_655_26).abs() < 1e-6);
    assert!(gelu(-20.0).abs() < 1e-30);
    assert_eq!(gelu(20.0), 20.0);
}

#[test]
fn gelu_follows_the_exact_form_everywhere() {
    for i in -4000..=4000 {
        let x = i as f32 * 0.003;
        let expected =
            0.5 * f64::from(x) * (1.0 + erf(f64::from(x) * std::f64::consts::FRAC_1_SQRT_2));
        let got = f64::from(gelu(x));
        assert!(
            (got - expected).abs() <= 3e-7 * (1.0 + expected.abs()),
            "gelu({x}) = {got}, expected {expected}"
        );
    }
}

#[test]
fn exp_within_a_few_ulp() {
    for i in -8700..=8800 {
        let x = i as f32 * 0.01;
        let expected = f64::from(x).exp();
        let got = f64::from(exp(x));
        assert!(
            ((got - expected) / expected).abs() < 3e-7,
            "exp({x}) = {got}, expected {expected}"
        );
    }
    assert_eq!(exp(-1000.0), exp(-87.0));
    assert!(exp(-87.0) < 2e-38);
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
