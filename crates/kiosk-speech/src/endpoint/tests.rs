//! The end-pointer on synthetic noise and tones.

use super::*;

/// Deterministic noise at about `db` dBFS.
fn noise(frames: usize, db: f32, seed: u32) -> Vec<f32> {
    let amp = 10f32.powf(db / 20.0) * 3f32.sqrt();
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..frames * FRAME)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x as f32 / u32::MAX as f32 * 2.0 - 1.0) * amp
        })
        .collect()
}

fn tone(frames: usize, db: f32) -> Vec<f32> {
    let amp = 10f32.powf(db / 20.0) * 2f32.sqrt();
    (0..frames * FRAME)
        .map(|i| amp * (i as f32 * 0.1).sin())
        .collect()
}

/// Runs audio through and returns (frame index of the end, reason).
fn run(config: EndpointConfig, audio: &[f32]) -> (Endpointer, Option<(usize, EndReason)>) {
    let mut e = Endpointer::new(config);
    for (i, frame) in audio.chunks(FRAME).enumerate() {
        if let Some(end) = e.push_frame(frame).end {
            return (e, Some((i, end)));
        }
    }
    (e, None)
}

#[test]
fn ends_after_the_trailing_silence() {
    let mut audio = noise(25, -50.0, 1);
    audio.extend(tone(100, -20.0));
    audio.extend(noise(100, -50.0, 2));
    let (e, end) = run(EndpointConfig::default(), &audio);
    // Speech ends at frame 125; 700 ms = 35 frames of silence later.
    assert_eq!(end, Some((125 + 35 - 1, EndReason::TrailingSilence)));
    let (start, stop) = e.speech_span(audio.len()).expect("speech");
    assert_eq!(start, (25 - 15) * FRAME, "300 ms of pre-roll");
    assert_eq!(stop, (125 + 15) * FRAME, "300 ms of tail");
}

#[test]
fn works_over_loud_steady_noise() {
    let mut audio = noise(50, -30.0, 3);
    audio.extend(tone(60, -12.0));
    audio.extend(noise(60, -30.0, 4));
    let (_, end) = run(EndpointConfig::default(), &audio);
    assert_eq!(end.map(|e| e.1), Some(EndReason::TrailingSilence));
}

#[test]
fn stops_at_the_length_cap() {
    let audio = [noise(10, -50.0, 5), tone(1000, -20.0)].concat();
    let (_, end) = run(EndpointConfig::default(), &audio);
    assert_eq!(end, Some((749, EndReason::MaxLength)), "15 s = 750 frames");
}

#[test]
fn gives_up_when_nobody_speaks() {
    let audio = noise(400, -45.0, 6);
    let (e, end) = run(EndpointConfig::default(), &audio);
    assert_eq!(end, Some((299, EndReason::NoSpeech)), "6 s = 300 frames");
    assert!(!e.heard_speech());
    assert_eq!(e.speech_span(audio.len()), None);
}

#[test]
fn a_click_is_not_speech() {
    let mut audio = noise(30, -50.0, 7);
    audio.extend(tone(2, -6.0));
    audio.extend(noise(300, -50.0, 8));
    let (_, end) = run(EndpointConfig::default(), &audio);
    assert_eq!(end.map(|e| e.1), Some(EndReason::NoSpeech));
}

#[test]
fn pauses_inside_an_utterance_do_not_end_it() {
    let mut audio = noise(20, -50.0, 9);
    audio.extend(tone(40, -20.0));
    audio.extend(noise(20, -50.0, 10)); // a 400 ms pause
    audio.extend(tone(40, -20.0));
    audio.extend(noise(60, -50.0, 11));
    let (_, end) = run(EndpointConfig::default(), &audio);
    assert_eq!(end, Some((120 + 35 - 1, EndReason::TrailingSilence)));
}

#[test]
fn the_meter_follows_the_level() {
    let mut e = Endpointer::new(EndpointConfig::default());
    let quiet = e.push_frame(&noise(1, -60.0, 12)).meter;
    let loud = e.push_frame(&tone(1, -6.0)).meter;
    assert!(quiet < 0.1 && loud > 0.8, "{quiet} {loud}");
}
