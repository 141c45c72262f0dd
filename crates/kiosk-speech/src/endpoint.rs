//! End-pointing: deciding, 20 ms at a time, when a push-to-talk utterance
//! has ended. Energy-based, with a noise floor tracked from the quietest
//! recent frames, so it works in a noisy store as in a quiet room: speech is
//! a run of frames well above the floor; the utterance ends after enough
//! trailing silence, at the length cap, or when nobody starts speaking.
//! Pure: it sees samples, never a device or a clock.

use std::collections::VecDeque;

use serde::Serialize;

/// Samples per frame: 20 ms at 16 kHz.
pub const FRAME: usize = 320;
const FRAME_MS: u32 = 20;

/// When to stop listening.
#[derive(Debug, Clone, Copy)]
pub struct EndpointConfig {
    /// Trailing silence that ends an utterance.
    pub end_silence_ms: u32,
    /// The longest utterance.
    pub max_ms: u32,
    /// Give up when no speech has started by then.
    pub no_speech_timeout_ms: u32,
    /// Speech must last this long (leaky count) to count as speech.
    pub min_speech_ms: u32,
    /// Audio kept before the detected start of speech.
    pub preroll_ms: u32,
    /// Audio kept after the last speech frame.
    pub tail_ms: u32,
    /// A frame is speech when this far above the noise floor...
    pub speech_margin_db: f32,
    /// ...and louder than this, whatever the floor.
    pub min_speech_dbfs: f32,
}

impl Default for EndpointConfig {
    fn default() -> EndpointConfig {
        EndpointConfig {
            end_silence_ms: 700,
            max_ms: 15_000,
            no_speech_timeout_ms: 6_000,
            min_speech_ms: 100,
            preroll_ms: 300,
            tail_ms: 300,
            speech_margin_db: 10.0,
            min_speech_dbfs: -55.0,
        }
    }
}

/// Why an utterance ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Speech, then `end_silence_ms` of silence.
    TrailingSilence,
    /// The length cap was reached.
    MaxLength,
    /// Nobody spoke within `no_speech_timeout_ms`.
    NoSpeech,
    /// The shopper tapped to stop.
    Stopped,
    /// The source ran out (a WAV file's end).
    SourceEnded,
    /// The microphone went away (unplugged, or stopped sending audio).
    DeviceLost,
}

/// Where the utterance is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    WaitingForSpeech,
    Speaking,
    Done,
}

/// What one frame did.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// The frame's level in dBFS.
    pub dbfs: f32,
    /// A meter value in 0..=1 (fast attack, slow release).
    pub meter: f32,
    pub phase: Phase,
    /// Set once, on the frame that ends the utterance.
    pub end: Option<EndReason>,
}

/// The end-pointing state machine.
#[derive(Debug, Clone)]
pub struct Endpointer {
    config: EndpointConfig,
    n_frames: u32,
    recent_db: VecDeque<f32>,
    floor_db: f32,
    voiced: u32,
    first_speech: Option<u32>,
    last_speech: Option<u32>,
    silence_run: u32,
    phase: Phase,
    meter: f32,
}

/// Frames of history for the noise floor (1.5 s).
const FLOOR_FRAMES: usize = 75;

impl Endpointer {
    pub fn new(config: EndpointConfig) -> Endpointer {
        Endpointer {
            config,
            n_frames: 0,
            recent_db: VecDeque::with_capacity(FLOOR_FRAMES),
            floor_db: 0.0,
            voiced: 0,
            first_speech: None,
            last_speech: None,
            silence_run: 0,
            phase: Phase::WaitingForSpeech,
            meter: 0.0,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The noise floor in dBFS.
    pub fn floor_dbfs(&self) -> f32 {
        self.floor_db
    }

    /// Feeds one frame of 16 kHz samples (normally [`FRAME`] long).
    pub fn push_frame(&mut self, frame: &[f32]) -> Step {
        let db = crate::audio::rms_dbfs(frame);
        let index = self.n_frames;
        self.n_frames += 1;
        let level = ((db + 60.0) / 60.0).clamp(0.0, 1.0);
        self.meter = level.max(self.meter * 0.85);
        if self.phase == Phase::Done {
            return self.step(db, None);
        }
        if self.phase == Phase::WaitingForSpeech {
            if self.recent_db.len() == FLOOR_FRAMES {
                self.recent_db.pop_front();
            }
            self.recent_db.push_back(db);
            self.floor_db = self.recent_db.iter().copied().fold(f32::MAX, f32::min);
        } else {
            self.floor_db = self.floor_db.min(db);
        }
        let threshold =
            (self.floor_db + self.config.speech_margin_db).max(self.config.min_speech_dbfs);
        let is_speech = db > threshold;
        let min_voiced = (self.config.min_speech_ms / FRAME_MS).max(1);
        match self.phase {
            Phase::WaitingForSpeech => {
                if is_speech {
                    self.voiced += 1;
                    self.first_speech.get_or_insert(index);
                } else if self.voiced > 0 {
                    self.voiced -= 1;
                    if self.voiced == 0 {
                        self.first_speech = None;
                    }
                }
                if self.voiced >= min_voiced {
                    self.phase = Phase::Speaking;
                    self.last_speech = Some(index);
                    self.silence_run = 0;
                }
            }
            Phase::Speaking => {
                if is_speech {
                    self.last_speech = Some(index);
                    self.silence_run = 0;
                } else {
                    self.silence_run += 1;
                }
            }
            Phase::Done => {}
        }
        let elapsed_ms = self.n_frames * FRAME_MS;
        let end = if self.phase == Phase::Speaking
            && self.silence_run * FRAME_MS >= self.config.end_silence_ms
        {
            Some(EndReason::TrailingSilence)
        } else if elapsed_ms >= self.config.max_ms {
            Some(EndReason::MaxLength)
        } else if self.phase == Phase::WaitingForSpeech
            && elapsed_ms >= self.config.no_speech_timeout_ms
        {
            Some(EndReason::NoSpeech)
        } else {
            None
        };
        if end.is_some() {
            self.phase = Phase::Done;
        }
        self.step(db, end)
    }

    fn step(&self, dbfs: f32, end: Option<EndReason>) -> Step {
        Step {
            dbfs,
            meter: self.meter,
            phase: self.phase,
            end,
        }
    }

    /// Whether speech was ever detected.
    pub fn heard_speech(&self) -> bool {
        self.last_speech.is_some()
    }

    /// The sample range worth transcribing: from a little before speech
    /// started to a little after it last was heard. `None` without speech.
    pub fn speech_span(&self, n_samples: usize) -> Option<(usize, usize)> {
        let first = self.first_speech? as usize * FRAME;
        let last = (self.last_speech? as usize + 1) * FRAME;
        let preroll = self.config.preroll_ms as usize * FRAME / FRAME_MS as usize;
        let tail = self.config.tail_ms as usize * FRAME / FRAME_MS as usize;
        let start = first.saturating_sub(preroll);
        let end = (last + tail).min(n_samples);
        (start < end).then_some((start, end))
    }
}

#[cfg(test)]
mod tests;
