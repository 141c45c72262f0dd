//! The mel filterbank against librosa's numbers.

use super::*;

/// Values of `librosa.filters.mel(sr=16000, n_fft=400, n_mels=80)` (the
/// same as faster-whisper's `FeatureExtractor.get_mel_filters`), read off
/// with numpy: (mel, bin, weight).
#[test]
fn matches_librosa() {
    let filters = mel_filters(16_000, 400, 80);
    assert_eq!(filters.len(), 80 * 201);
    let check = |mel: usize, bin: usize, expected: f32| {
        let got = filters[mel * 201 + bin];
        assert!(
            (got - expected).abs() <= 1e-6 * expected.abs().max(1e-3),
            "filter {mel} bin {bin}: got {got}, expected {expected}"
        );
    };
    for &(mel, bin, expected) in REFERENCE {
        check(mel, bin, expected);
    }
}

#[test]
fn every_filter_has_weight_and_none_is_negative() {
    let filters = mel_filters(16_000, 400, 80);
    for mel in 0..80 {
        let row = &filters[mel * 201..(mel + 1) * 201];
        assert!(row.iter().all(|&w| w >= 0.0));
        assert!(row.iter().any(|&w| w > 0.0), "filter {mel} is empty");
    }
}

include!("reference.rs");
