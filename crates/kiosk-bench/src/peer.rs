//! The peer `kiosk bench asr` compares against: faster-whisper (CTranslate2)
//! on the same recordings, models (the CTranslate2 originals of ours),
//! threads and beam width, run by a Python the caller names (with
//! `pip install faster-whisper`; it never touches the network). The peer
//! runs as a child process answering one request at a time, so the bench
//! can alternate between it and the kiosk and both see the same machine.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde::Deserialize;

/// The script, run as `python -c SCRIPT`.
pub const FASTER_WHISPER_SCRIPT: &str = include_str!("peer/faster_whisper.py");

/// What the peer says about itself.
#[derive(Debug, Clone, Deserialize)]
pub struct PeerInfo {
    pub version: String,
    pub ctranslate2: String,
    pub load_seconds: f64,
}

/// One timed transcription by the peer.
#[derive(Debug, Clone, Deserialize)]
pub struct PeerRun {
    pub seconds: f64,
    pub text: String,
    pub lang: String,
}

/// Why the faster-whisper peer could not answer.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    #[error("starting {}: {source}", python.display())]
    Start {
        python: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the peer's pipes did not open")]
    Pipes,
    #[error("{source} (is faster-whisper installed in {}?)", python.display())]
    Setup {
        python: PathBuf,
        #[source]
        source: Box<PeerError>,
    },
    #[error("talking to the faster-whisper peer: {0}")]
    Talk(#[source] std::io::Error),
    #[error("the faster-whisper peer exited")]
    Exited,
    #[error("the peer's answer {line:?}: {source}")]
    Answer {
        line: String,
        #[source]
        source: serde_json::Error,
    },
}

/// A running faster-whisper.
pub struct FasterWhisper {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    pub info: PeerInfo,
}

impl FasterWhisper {
    /// Starts `python` on the CTranslate2 model in `model_dir`.
    pub fn start(
        python: &Path,
        model_dir: &Path,
        compute_type: &str,
        threads: usize,
        beam_size: usize,
    ) -> Result<FasterWhisper, PeerError> {
        let mut child = Command::new(python)
            .args(["-c", FASTER_WHISPER_SCRIPT])
            .env("HF_HUB_OFFLINE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|source| PeerError::Start {
                python: python.to_path_buf(),
                source,
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(PeerError::Pipes);
        };
        let mut peer = FasterWhisper {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            info: PeerInfo {
                version: String::new(),
                ctranslate2: String::new(),
                load_seconds: 0.0,
            },
        };
        let setup = serde_json::json!({
            "model_dir": model_dir,
            "compute_type": compute_type,
            "threads": threads,
            "beam_size": beam_size,
        });
        peer.info = peer.ask(&setup).map_err(|e| PeerError::Setup {
            python: python.to_path_buf(),
            source: Box::new(e),
        })?;
        Ok(peer)
    }

    /// Transcribes a file once, timed by the peer itself.
    pub fn transcribe(&mut self, path: &Path, lang: Option<&str>) -> Result<PeerRun, PeerError> {
        self.ask(&serde_json::json!({ "path": path, "lang": lang }))
    }

    fn ask<T: for<'de> Deserialize<'de>>(
        &mut self,
        request: &serde_json::Value,
    ) -> Result<T, PeerError> {
        writeln!(self.stdin, "{request}").map_err(PeerError::Talk)?;
        self.stdin.flush().map_err(PeerError::Talk)?;
        let mut line = String::new();
        self.stdout.read_line(&mut line).map_err(PeerError::Talk)?;
        if line.is_empty() {
            return Err(PeerError::Exited);
        }
        serde_json::from_str(&line).map_err(|source| PeerError::Answer { line, source })
    }
}

impl Drop for FasterWhisper {
    fn drop(&mut self) {
        // Closing stdin ends the script; wait so no zombie is left.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
