//! Push-to-talk capture. A [`Recording`] runs on its own thread: it pulls
//! audio from a [`SampleSource`] (the default microphone through cpal, or a
//! WAV file standing in for it), mixes it to mono, resamples it to 16 kHz,
//! and feeds the [`Endpointer`] until the utterance ends: trailing silence,
//! the length cap, a tap on stop, or the microphone going away. The UI polls
//! [`Recording::meter`] and [`Recording::phase`] and never blocks; without a
//! microphone, opening fails at once with a [`CaptureError`] that says so.
//! Nothing is written to disk unless [`CaptureOptions::debug_wav`] asks.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SizedSample};
use serde::Serialize;

use crate::audio::{Downmixer, SAMPLE_RATE, StreamResampler};
pub use crate::endpoint::{EndReason, EndpointConfig, Phase};
use crate::endpoint::{Endpointer, FRAME};

/// Why audio could not be captured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// No usable microphone: none present, none configured, or it refused.
    #[error("no microphone: {0}")]
    NoMicrophone(String),
    /// A WAV standing in for the microphone could not be read.
    #[error("{0}")]
    Source(String),
    /// The capture thread died (a bug).
    #[error("capture failed: {0}")]
    Internal(String),
}

/// The format a source delivers: interleaved f32 frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SourceFormat {
    pub sample_rate: u32,
    pub channels: u16,
}

/// What a read produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceRead {
    /// Samples were appended.
    Data,
    /// Nothing arrived within the timeout.
    Idle,
    /// The source has no more audio.
    Ended,
}

/// Where audio comes from: the microphone, or anything that behaves like it.
pub trait SampleSource {
    fn format(&self) -> SourceFormat;
    /// A name for status lines ("USB Audio", "file.wav").
    fn name(&self) -> String;
    /// Appends interleaved samples to `out`, waiting at most `timeout`.
    /// `Err` means the device went away; the message says how.
    fn read(&mut self, out: &mut Vec<f32>, timeout: Duration) -> Result<SourceRead, String>;
}

/// How to capture.
#[derive(Debug, Clone)]
pub struct CaptureOptions {
    pub endpoint: EndpointConfig,
    /// With no audio for this long, the microphone counts as lost.
    pub stall_timeout: Duration,
    /// Debug only: write the captured utterance (16 kHz WAV) here.
    pub debug_wav: Option<PathBuf>,
}

impl Default for CaptureOptions {
    fn default() -> CaptureOptions {
        CaptureOptions {
            endpoint: EndpointConfig::default(),
            stall_timeout: Duration::from_millis(1500),
            debug_wav: None,
        }
    }
}

/// A finished utterance.
#[derive(Debug, Clone)]
pub struct Utterance {
    /// 16 kHz mono, trimmed to the speech (with a little margin) when speech
    /// was detected; empty when nobody spoke.
    pub samples: Vec<f32>,
    pub end: EndReason,
    pub heard_speech: bool,
    /// Seconds of audio captured in all.
    pub captured_seconds: f64,
    pub source: String,
    pub format: SourceFormat,
    /// Set when the microphone went away, with what it said.
    pub device_error: Option<String>,
    /// When the utterance ended (for end-of-speech → text latency).
    pub ended_at: Instant,
}

impl Utterance {
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(SAMPLE_RATE)
    }
}

const STATUS_OPENING: u8 = 0;
const STATUS_WAITING: u8 = 1;
const STATUS_SPEAKING: u8 = 2;
const STATUS_DONE: u8 = 3;

/// What the UI can ask while recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordingStatus {
    Opening,
    Listening(Phase),
    Finished,
}

#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    meter_bits: AtomicU32,
    status: AtomicU8,
}

/// A recording in progress. Dropping it stops it.
pub struct Recording {
    shared: Arc<Shared>,
    worker: Option<JoinHandle<Result<Utterance, CaptureError>>>,
    spawn_error: Option<CaptureError>,
}

impl Recording {
    /// Starts recording from whatever `open` returns (called on the capture
    /// thread, so the source need not be `Send`).
    pub fn start<S, F>(open: F, options: CaptureOptions) -> Recording
    where
        S: SampleSource,
        F: FnOnce() -> Result<S, CaptureError> + Send + 'static,
    {
        let shared = Arc::new(Shared::default());
        let thread_shared = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("kiosk-capture".into())
            .spawn(move || {
                let result =
                    open().and_then(|mut source| run(&mut source, &options, &thread_shared));
                thread_shared.status.store(STATUS_DONE, Ordering::Release);
                result
            });
        match worker {
            Ok(worker) => Recording {
                shared,
                worker: Some(worker),
                spawn_error: None,
            },
            Err(e) => {
                shared.status.store(STATUS_DONE, Ordering::Release);
                Recording {
                    shared,
                    worker: None,
                    spawn_error: Some(CaptureError::Internal(format!(
                        "starting the capture thread: {e}"
                    ))),
                }
            }
        }
    }

    /// Records from the default microphone.
    pub fn microphone(options: CaptureOptions) -> Recording {
        Recording::start(MicSource::open_default, options)
    }

    /// Records from a WAV file as if it were the microphone; `realtime`
    /// paces it like a live device.
    pub fn wav(path: &Path, realtime: bool, options: CaptureOptions) -> Recording {
        let path = path.to_path_buf();
        Recording::start(move || WavSource::open(&path, realtime), options)
    }

    /// The tap that stops recording early.
    pub fn stop(&self) {
        self.shared.stop.store(true, Ordering::Release);
    }

    /// The input level for a meter, 0..=1.
    pub fn meter(&self) -> f32 {
        f32::from_bits(self.shared.meter_bits.load(Ordering::Acquire))
    }

    pub fn status(&self) -> RecordingStatus {
        match self.shared.status.load(Ordering::Acquire) {
            STATUS_OPENING => RecordingStatus::Opening,
            STATUS_WAITING => RecordingStatus::Listening(Phase::WaitingForSpeech),
            STATUS_SPEAKING => RecordingStatus::Listening(Phase::Speaking),
            _ => RecordingStatus::Finished,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.worker.as_ref().is_none_or(|w| w.is_finished())
    }

    /// Waits for the utterance.
    pub fn wait(mut self) -> Result<Utterance, CaptureError> {
        if let Some(e) = self.spawn_error.take() {
            return Err(e);
        }
        match self.worker.take() {
            Some(worker) => worker.join().unwrap_or_else(|_| {
                Err(CaptureError::Internal("the capture thread panicked".into()))
            }),
            None => Err(CaptureError::Internal("already waited for".into())),
        }
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        self.stop();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// The capture loop: source → mono → 16 kHz → end-pointer.
fn run<S: SampleSource>(
    source: &mut S,
    options: &CaptureOptions,
    shared: &Shared,
) -> Result<Utterance, CaptureError> {
    let format = source.format();
    let mut downmixer = Downmixer::new(format.channels);
    let mut resampler = StreamResampler::new(format.sample_rate)
        .map_err(|e| CaptureError::Source(e.to_string()))?;
    let mut endpointer = Endpointer::new(options.endpoint);
    let mut chunk = Vec::with_capacity(format.sample_rate as usize);
    let mut mono = Vec::with_capacity(format.sample_rate as usize);
    let mut pcm: Vec<f32> = Vec::with_capacity(SAMPLE_RATE as usize * 16);
    let mut next_frame = 0;
    let mut last_data = Instant::now();
    let mut device_error = None;
    shared.status.store(STATUS_WAITING, Ordering::Release);
    let end = 'capture: loop {
        if shared.stop.load(Ordering::Acquire) {
            break EndReason::Stopped;
        }
        chunk.clear();
        let read = source.read(&mut chunk, Duration::from_millis(50));
        let mut ended = false;
        match read {
            Ok(SourceRead::Data) => last_data = Instant::now(),
            Ok(SourceRead::Idle) => {
                if last_data.elapsed() >= options.stall_timeout {
                    device_error = Some(format!(
                        "no audio from {} for {:.1} s",
                        source.name(),
                        options.stall_timeout.as_secs_f64()
                    ));
                    break EndReason::DeviceLost;
                }
            }
            Ok(SourceRead::Ended) => ended = true,
            Err(message) => {
                device_error = Some(message);
                break EndReason::DeviceLost;
            }
        }
        mono.clear();
        downmixer.push(&chunk, &mut mono);
        let resampled = if ended {
            resampler
                .push(&mono, &mut pcm)
                .and_then(|()| resampler.finish(&mut pcm))
        } else {
            resampler.push(&mono, &mut pcm)
        };
        resampled.map_err(|e| CaptureError::Source(e.to_string()))?;
        while pcm.len() >= next_frame + FRAME {
            let step = endpointer.push_frame(&pcm[next_frame..next_frame + FRAME]);
            next_frame += FRAME;
            shared
                .meter_bits
                .store(step.meter.to_bits(), Ordering::Release);
            let status = match step.phase {
                Phase::WaitingForSpeech => STATUS_WAITING,
                Phase::Speaking => STATUS_SPEAKING,
                Phase::Done => STATUS_DONE,
            };
            shared.status.store(status, Ordering::Release);
            if let Some(end) = step.end {
                break 'capture end;
            }
        }
        if ended {
            break EndReason::SourceEnded;
        }
    };
    let ended_at = Instant::now();
    shared.meter_bits.store(0f32.to_bits(), Ordering::Release);
    let captured_seconds = pcm.len() as f64 / f64::from(SAMPLE_RATE);
    let heard_speech = endpointer.heard_speech();
    let samples = match (endpointer.speech_span(pcm.len()), end) {
        (Some((start, stop)), _) => pcm[start..stop].to_vec(),
        // Nobody spoke: nothing to transcribe.
        (None, EndReason::NoSpeech | EndReason::DeviceLost) => Vec::new(),
        // Stopped by hand or at the end of a file without clear speech:
        // let the recognizer judge (it drops silence and noise).
        (None, _) => pcm,
    };
    if let Some(path) = &options.debug_wav {
        crate::audio::write_wav_16k(path, &samples)
            .map_err(|e| CaptureError::Source(e.to_string()))?;
    }
    Ok(Utterance {
        samples,
        end,
        heard_speech,
        captured_seconds,
        source: source.name(),
        format,
        device_error,
        ended_at,
    })
}

/// A WAV file played into the capture pipeline, in chunks like a device's.
pub struct WavSource {
    name: String,
    samples: Vec<f32>,
    format: SourceFormat,
    position: usize,
    chunk: usize,
    realtime: Option<Instant>,
}

impl WavSource {
    pub fn open(path: &Path, realtime: bool) -> Result<WavSource, CaptureError> {
        let (samples, info) = crate::audio::read_wav_interleaved(path)
            .map_err(|e| CaptureError::Source(e.to_string()))?;
        Ok(WavSource::from_samples(
            path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            samples,
            SourceFormat {
                sample_rate: info.sample_rate,
                channels: info.channels,
            },
            realtime,
        ))
    }

    /// Interleaved samples in `format`, delivered 10 ms at a time.
    pub fn from_samples(
        name: String,
        samples: Vec<f32>,
        format: SourceFormat,
        realtime: bool,
    ) -> WavSource {
        let chunk =
            (format.sample_rate as usize / 100).max(1) * usize::from(format.channels.max(1));
        WavSource {
            name,
            samples,
            format,
            position: 0,
            chunk,
            realtime: realtime.then(Instant::now),
        }
    }
}

impl SampleSource for WavSource {
    fn format(&self) -> SourceFormat {
        self.format
    }

    fn name(&self) -> String {
        self.name.clone()
    }

    fn read(&mut self, out: &mut Vec<f32>, timeout: Duration) -> Result<SourceRead, String> {
        if self.position >= self.samples.len() {
            return Ok(SourceRead::Ended);
        }
        if let Some(started) = self.realtime {
            let per_second =
                self.format.sample_rate as f64 * f64::from(self.format.channels.max(1));
            let due = Duration::from_secs_f64((self.position + self.chunk) as f64 / per_second);
            let now = started.elapsed();
            if due > now {
                let wait = due - now;
                if wait > timeout {
                    std::thread::sleep(timeout);
                    return Ok(SourceRead::Idle);
                }
                std::thread::sleep(wait);
            }
        }
        let end = (self.position + self.chunk).min(self.samples.len());
        out.extend_from_slice(&self.samples[self.position..end]);
        self.position = end;
        Ok(SourceRead::Data)
    }
}

/// How many failures within [`FAILURE_WINDOW`] end a device whose errors
/// cpal does not classify as its disappearance.
const FAILURES_BEFORE_LOST: usize = 3;
const FAILURE_WINDOW: Duration = Duration::from_secs(1);

/// The default input device through cpal. The stream's callback only
/// converts to f32 and pushes into a lock-free ring; everything else happens
/// on the capture thread.
pub struct MicSource {
    _stream: cpal::Stream,
    consumer: rtrb::Consumer<f32>,
    format: SourceFormat,
    name: String,
    lost: Arc<std::sync::Mutex<Option<String>>>,
    lost_flag: Arc<AtomicBool>,
}

impl MicSource {
    /// Opens the default input device, preferring 16 kHz when it offers it.
    pub fn open_default() -> Result<MicSource, CaptureError> {
        quiet_alsa();
        let host = cpal::default_host();
        let device = host.default_input_device().ok_or_else(|| {
            CaptureError::NoMicrophone("this computer has no audio input device".into())
        })?;
        let name = device
            .description()
            .map(|d| d.name().to_string())
            .unwrap_or_else(|_| "the default input device".into());
        let default = device
            .default_input_config()
            .map_err(|e| CaptureError::NoMicrophone(format!("{name}: {e}")))?;
        let supported = pick_config(&device, default);
        let sample_format = supported.sample_format();
        let config = supported.config();
        let format = SourceFormat {
            sample_rate: config.sample_rate,
            channels: config.channels,
        };
        // Two seconds of slack between the callback and the capture thread.
        let capacity = (format.sample_rate as usize * usize::from(format.channels)).max(1) * 2;
        let (producer, consumer) = rtrb::RingBuffer::<f32>::new(capacity);
        let lost = Arc::new(std::sync::Mutex::new(None));
        let lost_flag = Arc::new(AtomicBool::new(false));
        let on_error = {
            let lost = Arc::clone(&lost);
            let lost_flag = Arc::clone(&lost_flag);
            let name = name.clone();
            // Recent failures cpal does not call the end of the device.
            let mut failures: Vec<Instant> = Vec::with_capacity(FAILURES_BEFORE_LOST);
            move |err: cpal::Error| {
                use cpal::ErrorKind::*;
                if lost_flag.load(Ordering::Acquire) {
                    return;
                }
                let gone = match err.kind() {
                    DeviceNotAvailable | StreamInvalidated | HostUnavailable => true,
                    // Overruns are glitches, not the end of the device.
                    Xrun => false,
                    // Other failures (a plugin's I/O error, a sound server
                    // that died) end the device when they keep coming:
                    // cpal retries them forever, and reads that fail lose
                    // audio, so what gets through is broken anyway.
                    _ => {
                        let now = Instant::now();
                        failures.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
                        failures.push(now);
                        failures.len() >= FAILURES_BEFORE_LOST
                    }
                };
                if gone {
                    if let Ok(mut slot) = lost.lock() {
                        *slot = Some(format!("{name} went away: {err}"));
                    }
                    lost_flag.store(true, Ordering::Release);
                }
            }
        };
        let timeout = Some(Duration::from_secs(2));
        use cpal::SampleFormat as F;
        let stream = match sample_format {
            F::F32 => build::<f32, _>(&device, config, producer, on_error, timeout),
            F::I16 => build::<i16, _>(&device, config, producer, on_error, timeout),
            F::I32 => build::<i32, _>(&device, config, producer, on_error, timeout),
            F::U16 => build::<u16, _>(&device, config, producer, on_error, timeout),
            F::U8 => build::<u8, _>(&device, config, producer, on_error, timeout),
            F::I8 => build::<i8, _>(&device, config, producer, on_error, timeout),
            F::F64 => build::<f64, _>(&device, config, producer, on_error, timeout),
            other => {
                return Err(CaptureError::NoMicrophone(format!(
                    "{name}: sample format {other} is not supported"
                )));
            }
        }
        .map_err(|e| CaptureError::NoMicrophone(format!("{name}: {e}")))?;
        stream
            .play()
            .map_err(|e| CaptureError::NoMicrophone(format!("{name}: {e}")))?;
        Ok(MicSource {
            _stream: stream,
            consumer,
            format,
            name,
            lost,
            lost_flag,
        })
    }
}

/// The default config, at 16 kHz instead when the device offers that in the
/// same sample format (saves resampling).
fn pick_config(
    device: &cpal::Device,
    default: cpal::SupportedStreamConfig,
) -> cpal::SupportedStreamConfig {
    let Ok(ranges) = device.supported_input_configs() else {
        return default;
    };
    ranges
        .filter(|r| {
            r.sample_format() == default.sample_format() && r.channels() <= default.channels()
        })
        .filter_map(|r| r.try_with_sample_rate(SAMPLE_RATE))
        .min_by_key(|c| c.channels())
        .unwrap_or(default)
}

fn build<T, E>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut producer: rtrb::Producer<f32>,
    on_error: E,
    timeout: Option<Duration>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
    E: FnMut(cpal::Error) + Send + 'static,
{
    device.build_input_stream(
        config,
        move |data: &[T], _: &cpal::InputCallbackInfo| {
            // Whatever does not fit is dropped: the capture thread is behind.
            let n = data.len().min(producer.slots());
            if let Ok(chunk) = producer.write_chunk_uninit(n) {
                chunk.fill_from_iter(data[..n].iter().map(|s| s.to_sample::<f32>()));
            }
        },
        on_error,
        timeout,
    )
}

impl SampleSource for MicSource {
    fn format(&self) -> SourceFormat {
        self.format
    }

    fn name(&self) -> String {
        self.name.clone()
    }

    fn read(&mut self, out: &mut Vec<f32>, timeout: Duration) -> Result<SourceRead, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.lost_flag.load(Ordering::Acquire) {
                let message = self.lost.lock().ok().and_then(|m| m.clone());
                return Err(message.unwrap_or_else(|| format!("{} went away", self.name)));
            }
            let n = self.consumer.slots();
            if n > 0 {
                if let Ok(chunk) = self.consumer.read_chunk(n) {
                    let (a, b) = chunk.as_slices();
                    out.extend_from_slice(a);
                    out.extend_from_slice(b);
                    chunk.commit_all();
                }
                return Ok(SourceRead::Data);
            }
            if Instant::now() >= deadline {
                return Ok(SourceRead::Idle);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// ALSA prints its own error lines ("ALSA lib confmisc.c:855:(parse_card)
/// cannot find card '0'") on stderr whenever a device is looked for and is
/// not there. The kiosk says what is wrong in its own words, so those lines
/// reach no shopper or terminal unless `KIOSK_ALSA_DEBUG` is set.
#[cfg(target_os = "linux")]
pub fn quiet_alsa() {
    use std::ffi::{c_char, c_int};
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("KIOSK_ALSA_DEBUG").is_some() {
            return;
        }
        unsafe extern "C" fn ignore(
            _file: *const c_char,
            _line: c_int,
            _function: *const c_char,
            _err: c_int,
            _fmt: *const c_char,
        ) {
        }
        type Fixed =
            unsafe extern "C" fn(*const c_char, c_int, *const c_char, c_int, *const c_char);
        type Variadic =
            unsafe extern "C" fn(*const c_char, c_int, *const c_char, c_int, *const c_char, ...);
        // SAFETY: ALSA calls the handler with five fixed arguments and then
        // the format's. On the C calling conventions of Linux targets the
        // fixed ones are passed the same way to a variadic and a plain
        // function, and `ignore` reads none of them; the extra ones are
        // never looked at. Both are plain function pointers of one size.
        unsafe {
            let handler = std::mem::transmute::<Fixed, Variadic>(ignore);
            alsa_sys::snd_lib_error_set_handler(Some(handler));
        }
    });
}

#[cfg(not(target_os = "linux"))]
pub fn quiet_alsa() {}

/// Whether a microphone can be opened now (for status screens): `Ok` with
/// its name, or why not. Opens and closes the device.
pub fn probe_microphone() -> Result<String, CaptureError> {
    MicSource::open_default().map(|m| m.name)
}

#[cfg(test)]
mod tests;
