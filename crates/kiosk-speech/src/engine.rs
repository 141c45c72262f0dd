//! Transcription with whisper.cpp (through whisper-rs), and the kiosk's
//! [`Transcriber`].
//!
//! Two things make short utterances fast. The encoder runs over an
//! `audio_ctx` sized to the clip (plus a margin) rather than Whisper's fixed
//! 30 s window: most of the cost of a 3 s request is otherwise spent on 27 s
//! of padding. And one whisper.cpp state is kept and reused, so nothing is
//! allocated per request. whisper.cpp runs language detection with the
//! `audio_ctx` of the state's previous call, so before an auto-detected
//! request of a new size the state is "primed": a call that sets the size
//! and is stopped by the encoder-begin callback before any encoding.
//!
//! Whisper makes text up on silence and noise; see [`crate::filter`].

use std::ffi::c_void;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use kiosk_core::{Lang, Transcriber, Transcript, traits::BackendError};
use serde::{Deserialize, Serialize};
use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
    WhisperSysContext, WhisperSysState,
};

use crate::audio::SAMPLE_RATE;
use crate::convert::ggml::{self, WeightType};
use crate::filter::{self, DropReason, FilterOptions};
use crate::{Error, Result};

/// The encoder window: sized to the clip, the full 30 s, or sized to the
/// clip but never under some seconds (the clip is then followed by that
/// much of the silence whisper.cpp pads every clip with).
///
/// Whisper was trained on 30 s windows; the tighter the window around a
/// short clip, the more it errs, and the full window costs most of a short
/// request's time. `kiosk bench asr --windows` measures the curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Window {
    Clip,
    Full,
    /// Milliseconds.
    AtLeast(u32),
}

impl Window {
    /// The kiosk's window, measured with `kiosk bench asr --windows clip,8
    /// --beams 1,5` beside faster-whisper (base, 1 thread): greedy at 8 s
    /// matches the peer in en and zh and misreads Dutch ("weinig geld" →
    /// "reinegeld"; nl 20.8% vs 12.5%) at 0.51–0.60× its time. Beam 5 at
    /// 8 s reads Dutch better (8.3%) at 0.69–0.76×, but tiny.en then says a
    /// short clip twice ("Add apples to my shopping list. Add apples to my
    /// shopping list."), so [`DEFAULT_BEAM`] stays greedy.
    pub const DEFAULT: Window = Window::AtLeast(8000);
}

impl Default for Window {
    fn default() -> Window {
        Window::DEFAULT
    }
}

impl std::str::FromStr for Window {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Window, String> {
        match s.trim() {
            "clip" => Ok(Window::Clip),
            "full" | "30" | "30s" => Ok(Window::Full),
            other => {
                let secs: f64 = other.trim_end_matches('s').parse().map_err(|_| {
                    format!("window {other:?}: expected clip, full or seconds such as 10")
                })?;
                if !(0.0..=30.0).contains(&secs) {
                    return Err(format!("window {other:?}: seconds must be 0 to 30"));
                }
                Ok(Window::AtLeast((secs * 1000.0).round() as u32))
            }
        }
    }
}

impl TryFrom<String> for Window {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Window, String> {
        s.parse()
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Window::Clip => f.write_str("clip"),
            Window::Full => f.write_str("full"),
            Window::AtLeast(ms) => write!(f, "{}s", f64::from(*ms) / 1000.0),
        }
    }
}

impl Serialize for Window {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The kiosk's beam width: greedy (see [`Window::DEFAULT`]).
pub const DEFAULT_BEAM: usize = 1;

/// How to run Whisper.
#[derive(Debug, Clone, Copy)]
pub struct EngineOptions {
    /// CPU threads for whisper.cpp.
    pub threads: usize,
    /// The encoder window.
    pub window: Window,
    /// Encoder positions (20 ms each) added after the clip when the window
    /// is sized to it.
    pub audio_ctx_margin: usize,
    /// 1 = greedy decoding; more = beam search of that width.
    pub beam_size: usize,
    /// Retry at higher temperatures when a decode looks like a failure.
    pub temperature_fallback: bool,
    /// whisper.cpp's flash attention. With it, a trimmed `audio_ctx` is
    /// rounded up to a multiple of 256: whisper.cpp pads the cross-attention
    /// cache to 256 and, with flash attention, attends to the padding too
    /// (seen here as decoding loops on a 3 s clip at `audio_ctx` 224).
    pub flash_attn: bool,
    /// whisper.cpp's suppress_blank: no blank as the first token.
    pub suppress_blank: bool,
    /// Decode with timestamp tokens, as Whisper was trained to.
    pub timestamps: bool,
    pub filter: FilterOptions,
}

impl Default for EngineOptions {
    fn default() -> EngineOptions {
        EngineOptions {
            threads: 2,
            window: Window::DEFAULT,
            audio_ctx_margin: 64,
            beam_size: DEFAULT_BEAM,
            temperature_fallback: false,
            flash_attn: false,
            suppress_blank: true,
            timestamps: false,
            filter: FilterOptions::default(),
        }
    }
}

/// One decoded segment and whether it was kept.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    pub text: String,
    pub no_speech_prob: f32,
    pub avg_logprob: f32,
    pub dropped: Option<DropReason>,
}

/// A transcription with the details `kiosk transcribe --json` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Transcription {
    /// The kept text; empty for silence and noise.
    pub text: String,
    /// Whisper's language code (asked for, or detected).
    pub lang_code: String,
    /// The kiosk language, when it is one of the four.
    pub lang: Option<Lang>,
    /// Whether the language was detected rather than given.
    pub detected: bool,
    pub audio_seconds: f64,
    /// Wall-clock time of the transcription.
    pub elapsed_ms: f64,
    /// The encoder size used (0 = the full 30 s).
    pub audio_ctx: usize,
    pub segments: Vec<Segment>,
}

impl Transcription {
    pub fn real_time_factor(&self) -> f64 {
        if self.audio_seconds > 0.0 {
            self.elapsed_ms / 1000.0 / self.audio_seconds
        } else {
            0.0
        }
    }
}

/// Facts about the loaded model.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    pub path: PathBuf,
    pub multilingual: bool,
    pub weight_type: WeightType,
    pub n_audio_layer: i32,
    pub n_audio_state: i32,
    pub load_ms: f64,
}

/// A loaded Whisper model with one reusable decoding state.
pub struct WhisperEngine {
    ctx: WhisperContext,
    slot: Mutex<Slot>,
    options: EngineOptions,
    info: ModelInfo,
    n_audio_ctx: usize,
}

/// An initial prompt, tokenized once.
struct Prompt {
    lang: Option<String>,
    text: String,
    tokens: Vec<std::ffi::c_int>,
}

/// At most this many prompt tokens (whisper.cpp keeps half its 448-token
/// text context for the prompt).
const MAX_PROMPT_TOKENS: usize = 200;

struct Slot {
    state: WhisperState,
    /// The `audio_ctx` of the state's last call (whisper.cpp keeps it).
    audio_ctx: usize,
    /// Whisper's initial prompts by language code; `None` is for any
    /// language (see [`WhisperEngine::set_prompt`]).
    prompts: Vec<Prompt>,
}

/// Clips shorter than this are padded with silence: whisper.cpp skips
/// anything under 100 ms, and Whisper does poorly on fragments.
const MIN_SAMPLES: usize = SAMPLE_RATE as usize;
/// Samples per encoder position (two 10 ms mel frames).
const SAMPLES_PER_POSITION: usize = 320;

impl WhisperEngine {
    /// Loads a ggml model, checking the file first so a truncated or
    /// corrupt file is a clear error rather than undefined behaviour.
    pub fn load(path: &Path, options: EngineOptions) -> Result<WhisperEngine> {
        let started = Instant::now();
        whisper_rs::install_logging_hooks();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let file = ggml::inspect(path, &bytes)?;
        let mut params = WhisperContextParameters::default();
        params.flash_attn(options.flash_attn);
        let ctx = WhisperContext::new_from_buffer_with_params(&bytes, params).map_err(|e| {
            Error::model(path, format!("whisper.cpp could not load the model: {e}"))
        })?;
        drop(bytes);
        let state = ctx
            .create_state()
            .map_err(|e| Error::Whisper(format!("creating a decoding state: {e}")))?;
        let info = ModelInfo {
            path: path.to_path_buf(),
            multilingual: ctx.is_multilingual(),
            weight_type: file.weight_type(),
            n_audio_layer: file.hparams.n_audio_layer,
            n_audio_state: file.hparams.n_audio_state,
            load_ms: started.elapsed().as_secs_f64() * 1000.0,
        };
        Ok(WhisperEngine {
            n_audio_ctx: file.hparams.n_audio_ctx as usize,
            ctx,
            slot: Mutex::new(Slot {
                state,
                audio_ctx: 0,
                prompts: Vec::new(),
            }),
            options,
            info,
        })
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    /// Sets the text Whisper is primed with before each clip in `lang` (a
    /// Whisper code; `None`: any language without its own prompt): words
    /// it is then more ready to hear, such as the store's brand names (see
    /// [`crate::prompt`]). `None` or an empty prompt removes it. A prompt
    /// is cut to 200 tokens.
    pub fn set_prompt(&self, lang: Option<&str>, prompt: Option<&str>) -> Result<()> {
        let text = prompt
            .map(|p| p.replace('\0', " ").trim().to_string())
            .filter(|p| !p.is_empty());
        let tokens = match &text {
            // Whisper's prompts start with a space, like the text it writes.
            Some(text) => {
                let mut tokens = self
                    .ctx
                    .tokenize(&format!(" {text}"), 1024)
                    .map_err(|e| Error::Whisper(format!("tokenizing the prompt: {e}")))?;
                tokens.truncate(MAX_PROMPT_TOKENS);
                tokens
            }
            None => Vec::new(),
        };
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let lang = lang.map(str::to_string);
        slot.prompts.retain(|p| p.lang != lang);
        if let Some(text) = text {
            slot.prompts.push(Prompt { lang, text, tokens });
        }
        Ok(())
    }

    /// The prompt a clip in `lang` gets, and its length in tokens.
    pub fn prompt(&self, lang: Option<&str>) -> Option<(String, usize)> {
        let slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        prompt_for(&slot.prompts, lang).map(|p| (p.text.clone(), p.tokens.len()))
    }

    /// The encoder size for a clip of `n_samples` (0 = full).
    pub fn audio_ctx_for(&self, n_samples: usize) -> usize {
        self.audio_ctx_with(n_samples, &self.options)
    }

    fn audio_ctx_with(&self, n_samples: usize, options: &EngineOptions) -> usize {
        let min_ms = match options.window {
            Window::Full => return 0,
            Window::Clip => 0,
            Window::AtLeast(ms) => ms,
        };
        let positions = (n_samples.div_ceil(SAMPLES_PER_POSITION) + options.audio_ctx_margin)
            .max(min_ms as usize / 20);
        // Flash attention is the context's, fixed when the model loaded.
        let step = if self.options.flash_attn { 256 } else { 32 };
        let rounded = positions.div_ceil(step) * step;
        if rounded >= self.n_audio_ctx {
            0
        } else {
            rounded
        }
    }

    /// Transcribes 16 kHz mono audio. `language` is a Whisper code (`en`,
    /// `nl`, `zh`...); `None` detects it (English-only models: English).
    pub fn transcribe(&self, pcm: &[f32], language: Option<&str>) -> Result<Transcription> {
        self.transcribe_with(pcm, language, &self.options)
    }

    /// [`transcribe`](Self::transcribe) with other decoding options (window,
    /// beam, threads...), so one loaded model can be measured under many
    /// settings. Flash attention stays as loaded: it belongs to the model's
    /// context, not to a call.
    pub fn transcribe_with(
        &self,
        pcm: &[f32],
        language: Option<&str>,
        options: &EngineOptions,
    ) -> Result<Transcription> {
        let started = Instant::now();
        let audio_seconds = pcm.len() as f64 / f64::from(SAMPLE_RATE);
        let language = self.check_language(language)?;
        if pcm.is_empty() {
            return Ok(Transcription {
                text: String::new(),
                lang_code: language.unwrap_or("").to_string(),
                lang: language.and_then(lang_from_code),
                detected: false,
                audio_seconds,
                elapsed_ms: 0.0,
                audio_ctx: 0,
                segments: Vec::new(),
            });
        }
        let padded;
        let pcm = if pcm.len() < MIN_SAMPLES {
            padded = [pcm, &vec![0.0; MIN_SAMPLES - pcm.len()]].concat();
            &padded[..]
        } else {
            pcm
        };
        let audio_ctx = self.audio_ctx_with(pcm.len(), options);
        let threads = options.threads.max(1) as i32;
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if language.is_none() && slot.audio_ctx != audio_ctx {
            prime(&mut slot.state, audio_ctx, threads)?;
            slot.audio_ctx = audio_ctx;
        }
        let mut params = if options.beam_size > 1 {
            FullParams::new(SamplingStrategy::BeamSearch {
                beam_size: options.beam_size as i32,
                patience: -1.0,
            })
        } else {
            FullParams::new(SamplingStrategy::Greedy { best_of: 1 })
        };
        params.set_n_threads(threads);
        params.set_language(language);
        params.set_audio_ctx(audio_ctx as i32);
        params.set_no_timestamps(!options.timestamps);
        params.set_single_segment(true);
        params.set_no_context(true);
        params.set_suppress_nst(true);
        params.set_suppress_blank(options.suppress_blank);
        let prompt_tokens = prompt_for(&slot.prompts, language)
            .map(|p| p.tokens.clone())
            .unwrap_or_default();
        if !prompt_tokens.is_empty() {
            params.set_tokens(&prompt_tokens);
        }
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        params.set_temperature_inc(if options.temperature_fallback {
            0.2
        } else {
            0.0
        });
        // A cap on tokens bounds the time a decoding loop can take: ten a
        // second is twice fast speech.
        params.set_max_tokens((16.0 + audio_seconds.max(1.0) * 10.0) as i32);
        params.set_no_speech_thold(options.filter.max_no_speech_prob);
        params.set_logprob_thold(options.filter.min_avg_logprob);
        slot.state.full(params, pcm).map_err(|e| {
            Error::Whisper(format!("transcribing {audio_seconds:.1} s of audio: {e}"))
        })?;
        slot.audio_ctx = audio_ctx;
        let no_speech_prob = self.no_speech_prob(&mut slot.state, threads)?;
        let lang_code = match language {
            Some(code) => code.to_string(),
            None => whisper_rs::get_lang_str(slot.state.full_lang_id_from_state())
                .unwrap_or("")
                .to_string(),
        };
        let eot = self.ctx.token_eot();
        let mut segments = Vec::new();
        for segment in slot.state.as_iter() {
            let text = segment
                .to_str_lossy()
                .map_err(|e| Error::Whisper(format!("reading a segment: {e}")))?
                .into_owned();
            let logprobs: Vec<f32> = (0..segment.n_tokens())
                .filter_map(|i| segment.get_token(i))
                .map(|t| t.token_data())
                .filter(|d| d.id < eot)
                .map(|d| d.plog)
                .collect();
            let avg_logprob = if logprobs.is_empty() {
                0.0
            } else {
                logprobs.iter().sum::<f32>() / logprobs.len() as f32
            };
            let dropped = filter::judge(&text, no_speech_prob, avg_logprob, &options.filter);
            segments.push(Segment {
                text,
                no_speech_prob,
                avg_logprob,
                dropped,
            });
        }
        drop(slot);
        let text = segments
            .iter()
            .filter(|s| s.dropped.is_none())
            .map(|s| s.text.trim())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Transcription {
            text,
            lang: lang_from_code(&lang_code),
            lang_code,
            detected: language.is_none(),
            audio_seconds,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
            audio_ctx,
            segments,
        })
    }

    /// The probability that the clip just transcribed holds no speech:
    /// Whisper's no-speech token after the start-of-transcript token, as
    /// OpenAI's Whisper computes it. whisper.cpp 1.8.3 reports a value read
    /// from the wrong row of its logits (always 1/n_vocab once the decoder
    /// prompt has more than one token), so the kiosk asks the decoder
    /// itself: one token over the encoder output the state still holds.
    fn no_speech_prob(&self, state: &mut WhisperState, threads: i32) -> Result<f32> {
        state
            .decode(&[self.ctx.token_sot()], 0, threads.max(1) as usize)
            .map_err(|e| Error::Whisper(format!("scoring speech against silence: {e}")))?;
        let logits = state
            .get_logits()
            .map_err(|e| Error::Whisper(format!("reading the decoder's logits: {e}")))?;
        Ok(token_probability(logits, self.ctx.token_nosp() as usize))
    }

    /// Runs one short transcription so the first real one is not slowed by
    /// first-use allocation.
    pub fn warm_up(&self) -> Result<()> {
        let language = if self.info.multilingual {
            None
        } else {
            Some("en")
        };
        self.transcribe(&vec![0.0; MIN_SAMPLES], language)
            .map(|_| ())
    }

    fn check_language<'a>(&self, language: Option<&'a str>) -> Result<Option<&'a str>> {
        match language {
            None if self.info.multilingual => Ok(None),
            None => Ok(Some("en")),
            Some(code) => {
                let valid = !code.is_empty()
                    && code.chars().all(|c| c.is_ascii_lowercase())
                    && whisper_rs::get_lang_id(code).is_some();
                if !valid {
                    return Err(Error::Language(format!(
                        "unknown language code {code:?} (Whisper uses codes like en, nl, id, zh)"
                    )));
                }
                if !self.info.multilingual && code != "en" {
                    return Err(Error::Language(format!(
                        "{} is an English-only model; it cannot transcribe {code:?} (use the base model)",
                        self.info.path.display()
                    )));
                }
                Ok(Some(code))
            }
        }
    }
}

/// The softmax probability of `token` over `logits` (0 when out of range).
fn token_probability(logits: &[f32], token: usize) -> f32 {
    let Some(&target) = logits.get(token) else {
        return 0.0;
    };
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return 0.0;
    }
    let sum: f64 = logits.iter().map(|&l| f64::from(l - max).exp()).sum();
    (f64::from(target - max).exp() / sum) as f32
}

fn prompt_for<'a>(prompts: &'a [Prompt], lang: Option<&str>) -> Option<&'a Prompt> {
    let find = |l: Option<&str>| prompts.iter().find(|p| p.lang.as_deref() == l);
    lang.and_then(|l| find(Some(l))).or_else(|| find(None))
}

/// Makes whisper.cpp remember `audio_ctx` for this state without running
/// the encoder: `whisper_full` stores the size, then asks the encoder-begin
/// callback, which says no.
fn prime(state: &mut WhisperState, audio_ctx: usize, threads: i32) -> Result<()> {
    let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    params.set_n_threads(threads);
    params.set_language(Some("en"));
    params.set_audio_ctx(audio_ctx as i32);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    // SAFETY: `refuse_encoder` ignores its arguments and only returns false;
    // it needs no user data, so the null user-data pointer is never read.
    unsafe {
        params.set_start_encoder_callback(Some(refuse_encoder));
    }
    let silence = [0f32; 3200];
    state
        .full(params, &silence)
        .map_err(|e| Error::Whisper(format!("preparing the decoder: {e}")))
}

unsafe extern "C" fn refuse_encoder(
    _ctx: *mut WhisperSysContext,
    _state: *mut WhisperSysState,
    _user_data: *mut c_void,
) -> bool {
    false
}

/// The kiosk language for a Whisper code.
pub fn lang_from_code(code: &str) -> Option<Lang> {
    match code {
        "en" => Some(Lang::En),
        "nl" => Some(Lang::Nl),
        "id" => Some(Lang::Id),
        "zh" | "yue" => Some(Lang::Zh),
        _ => None,
    }
}

impl Transcriber for WhisperEngine {
    fn transcribe(
        &self,
        pcm_16k_mono: &[f32],
        lang: Option<Lang>,
    ) -> Result<Transcript, BackendError> {
        let t = WhisperEngine::transcribe(self, pcm_16k_mono, lang.map(Lang::code))
            .map_err(|e| BackendError(Box::new(e)))?;
        Ok(Transcript {
            text: t.text,
            lang: t.lang,
            lang_code: t.lang_code,
            audio_seconds: t.audio_seconds,
            elapsed_ms: t.elapsed_ms,
        })
    }
}

#[cfg(test)]
mod tests;
