//! Whisper's mel filterbank, computed rather than copied: the same numbers as
//! `librosa.filters.mel(sr=16000, n_fft=400, n_mels=80)` (Slaney mel scale,
//! Slaney area normalisation), which OpenAI ships as `mel_filters.npz` and
//! whisper.cpp reads from the model file. Computed in f64, stored as f32.

/// Hz → mel on the Slaney scale: linear below 1 kHz, logarithmic above.
fn hz_to_mel(hz: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let log_step = 6.4f64.ln() / 27.0;
    if hz >= MIN_LOG_HZ {
        min_log_mel + (hz / MIN_LOG_HZ).ln() / log_step
    } else {
        hz / F_SP
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let log_step = 6.4f64.ln() / 27.0;
    if mel >= min_log_mel {
        MIN_LOG_HZ * (log_step * (mel - min_log_mel)).exp()
    } else {
        F_SP * mel
    }
}

/// `n_mels` triangular filters over the `n_fft / 2 + 1` FFT bins, row-major
/// (`[n_mels][n_fft / 2 + 1]`).
pub fn mel_filters(sample_rate: u32, n_fft: usize, n_mels: usize) -> Vec<f32> {
    let n_bins = n_fft / 2 + 1;
    let nyquist = f64::from(sample_rate) / 2.0;
    let fft_freqs: Vec<f64> = (0..n_bins)
        .map(|i| i as f64 * nyquist / (n_bins - 1) as f64)
        .collect();
    let (mel_min, mel_max) = (hz_to_mel(0.0), hz_to_mel(nyquist));
    let mel_points: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(mel_min + (mel_max - mel_min) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut weights = vec![0f32; n_mels * n_bins];
    for m in 0..n_mels {
        let (lower_hz, centre_hz, upper_hz) = (mel_points[m], mel_points[m + 1], mel_points[m + 2]);
        // Slaney normalisation: each filter has unit area in Hz.
        let enorm = 2.0 / (upper_hz - lower_hz);
        for (bin, &f) in fft_freqs.iter().enumerate() {
            let rising = (f - lower_hz) / (centre_hz - lower_hz);
            let falling = (upper_hz - f) / (upper_hz - centre_hz);
            let w = rising.min(falling).max(0.0);
            weights[m * n_bins + bin] = (w * enorm) as f32;
        }
    }
    weights
}

#[cfg(test)]
mod tests;
