use super::*;

#[test]
fn prefixes() {
    assert_eq!(TextKind::Query.prefix(), "query: ");
    assert_eq!(TextKind::Passage.prefix(), "passage: ");
}

#[test]
fn normalize_gives_unit_length() {
    let mut v = vec![3.0, 4.0];
    normalize(&mut v);
    assert_eq!(v, vec![0.6, 0.8]);
    let mut zero = vec![0.0; 3];
    normalize(&mut zero);
    assert_eq!(zero, vec![0.0; 3]);
}

#[test]
fn cosine_of_known_vectors() {
    assert!((cosine(&[1.0, 0.0], &[1.0, 1.0]) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    assert_eq!(cosine(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
}
