//! The capture loop on stand-in sources: end-pointing, an unplugged or
//! silent device, a tap to stop, and the real default microphone (or its
//! absence).

use super::*;

fn tone(rate: u32, seconds: f32, amplitude: f32) -> Vec<f32> {
    let n = (rate as f32 * seconds) as usize;
    (0..n)
        .map(|i| amplitude * (2.0 * std::f32::consts::PI * 220.0 * i as f32 / rate as f32).sin())
        .collect()
}

fn quiet(rate: u32, seconds: f32) -> Vec<f32> {
    let n = (rate as f32 * seconds) as usize;
    (0..n)
        .map(|i| 0.001 * ((i * 7919 % 100) as f32 / 50.0 - 1.0))
        .collect()
}

fn stereo(mono: &[f32]) -> Vec<f32> {
    mono.iter().flat_map(|&s| [s, s]).collect()
}

fn wav_source(rate: u32, channels: u16, samples: Vec<f32>) -> WavSource {
    WavSource::from_samples(
        "test".into(),
        samples,
        SourceFormat {
            sample_rate: rate,
            channels,
        },
        false,
    )
}

#[test]
fn a_stereo_44k_utterance_ends_on_trailing_silence() {
    let rate = 44_100;
    let mono = [quiet(rate, 1.0), tone(rate, 1.5, 0.3), quiet(rate, 2.0)].concat();
    let recording = Recording::start(
        move || Ok(wav_source(rate, 2, stereo(&mono))),
        CaptureOptions::default(),
    );
    let utterance = recording.wait().expect("captures");
    assert_eq!(utterance.end, EndReason::TrailingSilence);
    assert!(utterance.heard_speech);
    // 0.3 s pre-roll + 1.5 s of tone + 0.3 s tail, within a frame or two.
    assert!(
        (utterance.seconds() - 2.1).abs() < 0.06,
        "{}",
        utterance.seconds()
    );
    // It stopped 0.7 s after the tone, not at the end of the file.
    assert!(
        utterance.captured_seconds < 3.3,
        "{}",
        utterance.captured_seconds
    );
}

#[test]
fn silence_gives_an_empty_utterance() {
    let rate = 16_000;
    let recording = Recording::start(
        move || Ok(wav_source(rate, 1, quiet(rate, 8.0))),
        CaptureOptions::default(),
    );
    let utterance = recording.wait().expect("captures");
    assert_eq!(utterance.end, EndReason::NoSpeech);
    assert!(utterance.samples.is_empty());
}

/// Delivers some audio, then fails like an unplugged USB microphone.
struct Unplugged {
    reads: usize,
}

impl SampleSource for Unplugged {
    fn format(&self) -> SourceFormat {
        SourceFormat {
            sample_rate: 48_000,
            channels: 1,
        }
    }
    fn name(&self) -> String {
        "USB mic".into()
    }
    fn read(&mut self, out: &mut Vec<f32>, _timeout: Duration) -> Result<SourceRead, String> {
        self.reads += 1;
        if self.reads > 50 {
            return Err("USB mic went away: device not available".into());
        }
        out.extend(tone(48_000, 0.02, 0.3));
        Ok(SourceRead::Data)
    }
}

#[test]
fn an_unplugged_microphone_ends_the_recording_with_a_status() {
    let recording = Recording::start(|| Ok(Unplugged { reads: 0 }), CaptureOptions::default());
    let utterance = recording.wait().expect("ends cleanly");
    assert_eq!(utterance.end, EndReason::DeviceLost);
    let error = utterance.device_error.expect("says why");
    assert!(error.contains("went away"), "{error}");
}

/// A device that stops sending without saying so.
struct Stalled;

impl SampleSource for Stalled {
    fn format(&self) -> SourceFormat {
        SourceFormat {
            sample_rate: 16_000,
            channels: 1,
        }
    }
    fn name(&self) -> String {
        "stalled mic".into()
    }
    fn read(&mut self, _out: &mut Vec<f32>, timeout: Duration) -> Result<SourceRead, String> {
        std::thread::sleep(timeout);
        Ok(SourceRead::Idle)
    }
}

#[test]
fn a_silent_device_does_not_hang_the_recording() {
    let options = CaptureOptions {
        stall_timeout: Duration::from_millis(200),
        ..CaptureOptions::default()
    };
    let utterance = Recording::start(|| Ok(Stalled), options)
        .wait()
        .expect("ends");
    assert_eq!(utterance.end, EndReason::DeviceLost);
    assert!(
        utterance
            .device_error
            .expect("says why")
            .contains("no audio from stalled mic")
    );
}

#[test]
fn a_tap_stops_the_recording() {
    let rate = 16_000;
    let recording = Recording::start(
        move || {
            Ok(WavSource::from_samples(
                "long".into(),
                [quiet(rate, 0.5), tone(rate, 30.0, 0.3)].concat(),
                SourceFormat {
                    sample_rate: rate,
                    channels: 1,
                },
                true,
            ))
        },
        CaptureOptions::default(),
    );
    while recording.status() != RecordingStatus::Listening(Phase::Speaking) {
        assert!(!recording.is_finished(), "still recording");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(recording.meter() > 0.5);
    recording.stop();
    let utterance = recording.wait().expect("stops");
    assert_eq!(utterance.end, EndReason::Stopped);
    assert!(utterance.heard_speech);
}

#[test]
fn a_failed_open_is_reported() {
    let recording = Recording::start(
        || -> Result<WavSource, CaptureError> {
            Err(CaptureError::NoMicrophone("no audio input device".into()))
        },
        CaptureOptions::default(),
    );
    let err = recording.wait().expect_err("no mic");
    assert_eq!(err.to_string(), "no microphone: no audio input device");
}

#[test]
fn the_real_default_microphone_answers_or_says_why_not() {
    // On CI there is no sound card: this must fail fast with a status, not
    // hang or panic. On a laptop it records until stopped.
    let recording = Recording::microphone(CaptureOptions::default());
    recording.stop();
    match recording.wait() {
        Ok(utterance) => assert!(matches!(
            utterance.end,
            EndReason::Stopped | EndReason::DeviceLost | EndReason::NoSpeech
        )),
        Err(e) => assert!(e.to_string().starts_with("no microphone: "), "{e}"),
    }
}
