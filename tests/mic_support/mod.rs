//! A virtual microphone for the tests that run the kiosk's real capture
//! path (cpal on ALSA) where the machine has no sound card and no
//! `snd-aloop`: `test_mic.c`, built here with gcc into an ALSA PCM plugin,
//! plays a recording at the pace of real time in exactly one format (say
//! 44.1 kHz stereo S16, as a USB interface would), and can be unplugged,
//! before the kiosk starts or mid-utterance. Each test points ALSA at the
//! configuration this writes (`ALSA_CONFIG_PATH`), where the plugin is the
//! default device. The recording is converted with sox (Debian's `sox`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Half a second of room silence before the recording, as when a shopper
/// taps and then speaks.
pub const LEAD_SECONDS: f64 = 0.5;

/// What the device offers: its one rate and channel count.
#[derive(Debug, Clone, Copy)]
pub struct DeviceFormat {
    pub rate: u32,
    pub channels: u16,
}

pub const MONO_16K: DeviceFormat = DeviceFormat {
    rate: 16_000,
    channels: 1,
};
pub const STEREO_44K: DeviceFormat = DeviceFormat {
    rate: 44_100,
    channels: 2,
};

pub struct TestMic {
    dir: tempfile::TempDir,
}

impl TestMic {
    /// A device playing `clip` in `format` after [`LEAD_SECONDS`] of
    /// silence, then silence for as long as it is read. With two or more
    /// channels the voice is on the last one only and the others are
    /// silent (a headset on a stereo interface), so a capture path that
    /// read one channel instead of mixing all would hear nothing.
    /// `vanish_after` unplugs it that many seconds into each recording.
    pub fn new(clip: &Path, format: DeviceFormat, vanish_after: Option<f64>) -> TestMic {
        let dir = tempfile::tempdir().expect("temp dir");
        let plugin = dir.path().join("libasound_module_pcm_kiosk_test_mic.so");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mic_support/test_mic.c");
        run(Command::new("gcc")
            .args(["-shared", "-fPIC", "-DPIC", "-O2", "-Wall", "-o"])
            .arg(&plugin)
            .arg(&source)
            .arg("-lasound"));

        let raw = dir.path().join("mic.raw");
        let mut remix: Vec<String> = vec!["0".into(); usize::from(format.channels - 1)];
        remix.push("-".into());
        run(Command::new("sox")
            .arg(clip)
            .args(["-D", "-t", "raw", "-e", "signed-integer", "-b", "16", "-L"])
            .arg(&raw)
            .arg("remix")
            .args(&remix)
            .args(["rate", "-v", &format.rate.to_string()])
            .args(["pad", &LEAD_SECONDS.to_string(), "0"]));

        let vanish = vanish_after.map_or_else(String::new, |seconds| {
            format!(
                "  vanish_after {}\n",
                (seconds * f64::from(format.rate)) as u64
            )
        });
        let conf = format!(
            "pcm_type.kiosk_test_mic {{ lib \"{}\" }}\n\
             pcm.!default {{\n  type kiosk_test_mic\n  infile \"{}\"\n  rate {}\n  channels {}\n{vanish}  gone_marker \"{}\"\n}}\n",
            plugin.display(),
            raw.display(),
            format.rate,
            format.channels,
            dir.path().join("unplugged").display(),
        );
        std::fs::write(dir.path().join("asound.conf"), conf).expect("write the ALSA config");
        TestMic { dir }
    }

    /// The ALSA configuration to run with (`ALSA_CONFIG_PATH`).
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("asound.conf")
    }

    /// Unplugs it: opening the device fails until [`TestMic::plug_in`].
    pub fn unplug(&self) {
        std::fs::write(self.dir.path().join("unplugged"), b"").expect("unplug");
    }

    pub fn plug_in(&self) {
        let _ = std::fs::remove_file(self.dir.path().join("unplugged"));
    }

    /// Whether it is unplugged (by [`TestMic::unplug`] or by vanishing).
    pub fn is_unplugged(&self) -> bool {
        self.dir.path().join("unplugged").exists()
    }
}

fn run(command: &mut Command) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("running {command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
