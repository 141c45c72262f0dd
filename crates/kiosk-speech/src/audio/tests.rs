//! WAV reading in every format, resampling (22.05 and 44.1 kHz) and downmixing.

use super::*;

fn sine(freq: f32, rate: u32, seconds: f32, amplitude: f32) -> Vec<f32> {
    let n = (rate as f32 * seconds) as usize;
    (0..n)
        .map(|i| amplitude * (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin())
        .collect()
}

/// The best-matching phase-free amplitude of `freq` in `samples` (a
/// single-bin DFT), and the RMS error against that sine.
fn fit(samples: &[f32], freq: f32) -> (f32, f32) {
    let (mut re, mut im) = (0f64, 0f64);
    for (i, &s) in samples.iter().enumerate() {
        let w = 2.0 * std::f64::consts::PI * f64::from(freq) * i as f64 / 16_000.0;
        re += f64::from(s) * w.cos();
        im += f64::from(s) * w.sin();
    }
    let n = samples.len() as f64;
    let amp = 2.0 * (re * re + im * im).sqrt() / n;
    let phase = im.atan2(re);
    let err: f64 = samples
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let w = 2.0 * std::f64::consts::PI * f64::from(freq) * i as f64 / 16_000.0;
            let model = amp * (w - phase).cos();
            (f64::from(s) - model).powi(2)
        })
        .sum::<f64>()
        / n;
    (amp as f32, err.sqrt() as f32)
}

fn write_wav(path: &Path, spec: hound::WavSpec, interleaved: &[f32]) {
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for &s in interleaved {
        match (spec.sample_format, spec.bits_per_sample) {
            (hound::SampleFormat::Float, _) => w.write_sample(s).expect("write"),
            (_, 16) => w.write_sample((s * 32767.0) as i16).expect("write"),
            (_, 24) => w.write_sample((s * 8_388_607.0) as i32).expect("write"),
            (_, 8) => w.write_sample((s * 127.0) as i8).expect("write"),
            _ => w.write_sample((s * 2_147_483_647.0) as i32).expect("write"),
        }
    }
    w.finalize().expect("finalize");
}

#[test]
fn resamples_22050_hz_to_16_khz() {
    let input = sine(440.0, 22_050, 2.0, 0.5);
    let out = resample(&input, 22_050).expect("resamples");
    let expected = (input.len() as f64 * 16_000.0 / 22_050.0).round() as usize;
    assert!(
        out.len().abs_diff(expected) <= 1,
        "{} vs {expected}",
        out.len()
    );
    // Away from the edges the tone is the same tone, same level.
    let (amp, err) = fit(&out[1600..out.len() - 1600], 440.0);
    assert!((amp - 0.5).abs() < 0.01, "amplitude {amp}");
    assert!(err < 0.01, "rms error {err}");
    // And it starts on time: rubato's delay is trimmed.
    let (amp_head, _) = fit(&out[..800], 440.0);
    assert!(amp_head > 0.45, "the first 50 ms are there ({amp_head})");
}

#[test]
fn removes_content_above_8_khz() {
    let input = sine(10_000.0, 44_100, 1.0, 0.5);
    let out = resample(&input, 44_100).expect("resamples");
    let level = rms_dbfs(&out[800..out.len() - 800]);
    assert!(
        level < -40.0,
        "a 10 kHz tone must not alias into the output ({level} dBFS)"
    );
}

#[test]
fn streamed_and_whole_resampling_agree() {
    let input = sine(300.0, 48_000, 1.0, 0.3);
    let whole = resample(&input, 48_000).expect("whole");
    let mut streamed = Vec::new();
    let mut r = StreamResampler::new(48_000).expect("resampler");
    for chunk in input.chunks(333) {
        r.push(chunk, &mut streamed).expect("push");
    }
    r.finish(&mut streamed).expect("finish");
    assert_eq!(whole.len(), streamed.len());
    assert!(
        whole
            .iter()
            .zip(&streamed)
            .all(|(a, b)| (a - b).abs() < 1e-6)
    );
}

#[test]
fn mixes_stereo_down_by_averaging() {
    let interleaved = [0.5, -0.5, 1.0, 0.0, 0.2, 0.2];
    assert_eq!(downmix(&interleaved, 2), vec![0.0, 0.5, 0.2]);
    // Across chunk boundaries that split a frame.
    let mut mixer = Downmixer::new(2);
    let mut out = Vec::new();
    mixer.push(&interleaved[..3], &mut out);
    mixer.push(&interleaved[3..], &mut out);
    assert_eq!(out, vec![0.0, 0.5, 0.2]);
}

#[test]
fn reads_stereo_24_bit_22050_hz_wav() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stereo.wav");
    let left = sine(500.0, 22_050, 1.0, 0.4);
    let interleaved: Vec<f32> = left.iter().flat_map(|&s| [s, s]).collect();
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 22_050,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    write_wav(&path, spec, &interleaved);
    let clip = read_wav(&path).expect("reads");
    assert_eq!(clip.source.channels, 2);
    assert_eq!(clip.source.bits, 24);
    assert!((clip.seconds() - 1.0).abs() < 0.001, "{}", clip.seconds());
    let (amp, err) = fit(&clip.samples[800..15_200], 500.0);
    assert!(
        (amp - 0.4).abs() < 0.01 && err < 0.01,
        "amp {amp} err {err}"
    );
}

#[test]
fn reads_every_sample_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tone = sine(400.0, 16_000, 0.5, 0.5);
    for (bits, format) in [
        (8, hound::SampleFormat::Int),
        (16, hound::SampleFormat::Int),
        (32, hound::SampleFormat::Int),
        (32, hound::SampleFormat::Float),
    ] {
        let path = dir.path().join(format!("{bits}-{format:?}.wav"));
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16_000,
            bits_per_sample: bits,
            sample_format: format,
        };
        write_wav(&path, spec, &tone);
        let clip = read_wav(&path).expect("reads");
        assert_eq!(clip.samples.len(), tone.len());
        let (amp, _) = fit(&clip.samples, 400.0);
        assert!(
            (amp - 0.5).abs() < 0.02,
            "{bits}-bit {format:?}: amplitude {amp}"
        );
    }
}

#[test]
fn a_file_that_is_not_wav_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.wav");
    std::fs::write(&path, b"this is text").expect("write");
    let err = read_wav(&path).expect_err("not wav");
    let msg = err.to_string();
    assert!(
        msg.contains("notes.wav") && msg.contains("not a WAV file"),
        "{msg}"
    );
}
