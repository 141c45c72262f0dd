//! The microphone and Whisper, off the UI thread: a tap starts listening,
//! the level is posted while the shopper speaks, and the transcript comes
//! back as the shopper's turn. The audio lives in memory only and is
//! dropped as soon as it is transcribed, or at once on a wipe.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use kiosk_core::Lang;
use kiosk_speech::capture::probe_microphone;
use kiosk_speech::{CaptureError, Recording, WhisperEngine};

use super::events::{Event, post};
use crate::config::Config;
use crate::services::speech::HeardNames;

/// What the microphone button shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicPhase {
    Idle,
    Listening,
    Processing,
    Unavailable,
}

/// The line under the microphone button (translated in the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicNote {
    None,
    Loading,
    NoModel,
    NoMicrophone,
    Disconnected,
    NothingHeard,
    NotUnderstood,
    Failed,
}

pub enum SpeechRequest {
    /// Start listening; `lang` is the shopper's chosen language (Whisper
    /// detects it when `None`).
    Start {
        lang: Option<Lang>,
    },
    /// The shopper tapped again: stop and transcribe what was said.
    Stop,
    /// A wipe: stop and throw the audio away.
    Cancel,
    Shutdown,
}

pub struct SpeechWorker {
    tx: Sender<SpeechRequest>,
    handle: Option<JoinHandle<()>>,
}

impl SpeechWorker {
    /// `data_dir` holds the snapshot whose words Whisper is primed with.
    pub fn spawn(config: &Config, data_dir: &Path) -> SpeechWorker {
        let (tx, rx) = channel();
        let config = config.clone();
        let data_dir = data_dir.to_path_buf();
        let handle = std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || run(&config, &data_dir, &rx))
            .ok();
        SpeechWorker { tx, handle }
    }

    pub fn send(&self, request: SpeechRequest) {
        let _ = self.tx.send(request);
    }

    pub fn shutdown(mut self) {
        let _ = self.tx.send(SpeechRequest::Shutdown);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn mic(phase: MicPhase, note: MicNote) {
    post(Event::Mic { phase, note });
}

/// How often a missing microphone is looked for again.
const PROBE_EVERY: Duration = Duration::from_secs(5);

fn run(config: &Config, data_dir: &Path, rx: &Receiver<SpeechRequest>) {
    mic(MicPhase::Unavailable, MicNote::Loading);
    // Misheard store names are read as the names ("Vilora" → "Velora").
    let names = crate::services::speech::heard_names(data_dir).ok();
    let engine = match crate::services::speech::load_configured(config) {
        Ok((kind, engine)) => {
            // The store's names help Whisper hear them; without a snapshot
            // it runs unprimed.
            if let Err(e) = crate::services::speech::apply_store_prompts(&engine, data_dir) {
                tracing::warn!("speech runs without the store's words: {e:#}");
                post(Event::Status(format!(
                    "Speech runs without the store's words: {e:#}"
                )));
            }
            if let Err(e) = engine.warm_up() {
                tracing::warn!("speech model warm-up failed: {e}");
            }
            tracing::info!(model = %kind, "speech model loaded");
            post(Event::Status(format!("Speech recognition ready ({kind})")));
            engine
        }
        Err(e) => {
            tracing::error!("speech model not loaded: {e:#}");
            post(Event::Status(format!("Speech input unavailable: {e:#}")));
            mic(MicPhase::Unavailable, MicNote::NoModel);
            // Nothing to do without a model; wait for the end.
            while let Ok(request) = rx.recv() {
                if matches!(request, SpeechRequest::Shutdown) {
                    break;
                }
            }
            return;
        }
    };
    let options = crate::services::speech::capture_options(config);
    let input_wav = config.speech.input_wav.clone();
    let mut have_mic = input_wav.is_some() || probe_microphone().is_ok();
    mic(
        if have_mic {
            MicPhase::Idle
        } else {
            MicPhase::Unavailable
        },
        if have_mic {
            MicNote::None
        } else {
            MicNote::NoMicrophone
        },
    );
    loop {
        let request = if have_mic {
            match rx.recv() {
                Ok(r) => r,
                Err(_) => return,
            }
        } else {
            // Look for a microphone now and then (one may be plugged in).
            match rx.recv_timeout(PROBE_EVERY) {
                Ok(r) => r,
                Err(RecvTimeoutError::Timeout) => {
                    if probe_microphone().is_ok() {
                        have_mic = true;
                        mic(MicPhase::Idle, MicNote::None);
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        match request {
            SpeechRequest::Shutdown => return,
            SpeechRequest::Stop | SpeechRequest::Cancel => {}
            SpeechRequest::Start { lang } => {
                let recording = match &input_wav {
                    Some(path) => Recording::wav(path, true, options.clone()),
                    None => Recording::microphone(options.clone()),
                };
                match listen(&engine, names.as_ref(), recording, lang, rx) {
                    Listened::Shutdown => return,
                    Listened::NoMicrophone => {
                        have_mic = false;
                        mic(MicPhase::Unavailable, MicNote::NoMicrophone);
                    }
                    // The line already says it was disconnected; it stays
                    // until one is found again.
                    Listened::Disconnected => have_mic = false,
                    Listened::Done => {}
                }
            }
        }
    }
}

enum Listened {
    Done,
    /// No microphone could be opened.
    NoMicrophone,
    /// It went away while listening (the mic line says so).
    Disconnected,
    Shutdown,
}

/// One push-to-talk turn: record until the end-pointer, a tap or the cap,
/// then transcribe and post the text.
fn listen(
    engine: &WhisperEngine,
    names: Option<&HeardNames>,
    recording: Recording,
    lang: Option<Lang>,
    rx: &Receiver<SpeechRequest>,
) -> Listened {
    mic(MicPhase::Listening, MicNote::None);
    let mut cancelled = false;
    let mut shutdown = false;
    let mut last_level = -1.0f32;
    while !recording.is_finished() {
        let level = (recording.meter() * 20.0).round() / 20.0;
        if level != last_level {
            post(Event::MicLevel(level));
            last_level = level;
        }
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(SpeechRequest::Stop) => recording.stop(),
            Ok(SpeechRequest::Cancel) => {
                cancelled = true;
                recording.stop();
            }
            Ok(SpeechRequest::Shutdown) | Err(RecvTimeoutError::Disconnected) => {
                shutdown = true;
                recording.stop();
            }
            Ok(SpeechRequest::Start { .. }) | Err(RecvTimeoutError::Timeout) => {}
        }
    }
    post(Event::MicLevel(0.0));
    let utterance = recording.wait();
    if shutdown {
        return Listened::Shutdown;
    }
    if cancelled {
        drop(utterance);
        mic(MicPhase::Idle, MicNote::None);
        return Listened::Done;
    }
    let utterance = match utterance {
        Ok(u) => u,
        Err(CaptureError::NoMicrophone(why)) => {
            tracing::warn!("microphone unavailable: {why}");
            post(Event::Status(format!("Microphone unavailable: {why}")));
            return Listened::NoMicrophone;
        }
        Err(e) => {
            tracing::error!("recording failed: {e}");
            post(Event::Status(format!("Recording failed: {e}")));
            mic(MicPhase::Idle, MicNote::Failed);
            return Listened::Done;
        }
    };
    if let Some(why) = &utterance.device_error {
        tracing::warn!(
            source = %utterance.source,
            sample_rate = utterance.format.sample_rate,
            channels = utterance.format.channels,
            "the microphone went away while listening: {why}"
        );
        post(Event::Status(format!("Microphone disconnected: {why}")));
    }
    let unplugged = utterance.device_error.is_some();
    // What was heard before a microphone went away is still the turn; the
    // line then says it was disconnected, whatever the transcript.
    let after = |phase: MicPhase, note: MicNote| {
        if unplugged {
            mic(MicPhase::Unavailable, MicNote::Disconnected);
        } else {
            mic(phase, note);
        }
    };
    let listened = if unplugged {
        Listened::Disconnected
    } else {
        Listened::Done
    };
    if !utterance.heard_speech || utterance.samples.is_empty() {
        after(MicPhase::Idle, MicNote::NothingHeard);
        return listened;
    }
    mic(MicPhase::Processing, MicNote::None);
    let result = engine.transcribe(&utterance.samples, lang.map(Lang::code));
    // The audio is gone once it is text.
    drop(utterance);
    match result {
        Ok(t) if !t.text.trim().is_empty() => {
            let text = t.text.trim();
            let text = names.map_or_else(|| text.to_string(), |n| n.correct(text, t.lang).text);
            post(Event::Transcript { text, lang: t.lang });
            after(MicPhase::Idle, MicNote::None);
        }
        Ok(_) => after(MicPhase::Idle, MicNote::NotUnderstood),
        Err(e) => {
            tracing::error!("speech recognition failed: {e}");
            post(Event::Status(format!("Speech recognition failed: {e}")));
            after(MicPhase::Idle, MicNote::Failed);
        }
    }
    listened
}
