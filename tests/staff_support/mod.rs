//! Shared by the `tests/staff_*.rs` tests: the real `kiosk staff-console`
//! as a child process, a kiosk config pointing at it, `kiosk call-staff`
//! with its JSON lines read as they come, and waiting with a deadline
//! (nothing asserts a time).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use kiosk_staff::{ConsoleClient, StoreKey};

pub const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");
pub const KEY: &str = "test-store-key-0123456789";
pub const DEADLINE: Duration = Duration::from_secs(30);

pub fn key() -> StoreKey {
    StoreKey::new(KEY).expect("test key")
}

/// Writes the store key file into `dir`.
pub fn write_key(dir: &Path) -> PathBuf {
    let path = dir.join("store.key");
    std::fs::write(&path, format!("{KEY}\n")).expect("write key");
    path
}

/// A loopback port nobody listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until `ready` holds, or panics naming `what`.
pub fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let until = Instant::now() + DEADLINE;
    while !ready() {
        assert!(Instant::now() < until, "{what}: not within {DEADLINE:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `kiosk staff-console` running in the background; killed on drop.
pub struct ConsoleProcess {
    child: Child,
    pub url: String,
}

impl ConsoleProcess {
    pub fn start(listen: &str, db: &Path, key_file: &Path) -> ConsoleProcess {
        let mut child = Command::new(KIOSK)
            .args(["staff-console", "--listen", listen, "--db"])
            .arg(db)
            .arg("--key-file")
            .arg(key_file)
            .env_remove("KIOSK_CONFIG")
            .env_remove("KIOSK_STORE_KEY_FILE")
            .current_dir(std::env::temp_dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kiosk staff-console");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("the console's first line");
        let url = first
            .trim()
            .strip_prefix("staff console listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        ConsoleProcess { child, url }
    }

    pub fn client(&self) -> ConsoleClient {
        ConsoleClient::new(&self.url, key(), Duration::from_secs(5)).expect("client")
    }

    /// Kills it hard, as a crash or a pulled plug would.
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ConsoleProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A kiosk.toml in `dir` for a kiosk calling the console at `url` (fast
/// retries, so tests do not wait out long backoffs).
pub fn kiosk_config(dir: &Path, url: &str) -> PathBuf {
    write_key(dir);
    let path = dir.join("kiosk.toml");
    std::fs::write(
        &path,
        format!(
            r#"data_dir = "kiosk-data"

[kiosk]
name = "Kiosk 1"
location = "Entrance, by the fitting rooms"

[staff]
console_url = "{url}"
key_file = "store.key"
retry_initial_seconds = 0.1
retry_max_seconds = 0.5
watch_wait_seconds = 5
analytics_every_seconds = 0
"#
        ),
    )
    .expect("write kiosk.toml");
    path
}

/// `kiosk call-staff --json`, its status lines arriving on a channel.
pub struct CallStaff {
    pub child: Child,
    lines: Receiver<serde_json::Value>,
}

impl CallStaff {
    pub fn start(config: &Path, extra: &[&str]) -> CallStaff {
        let mut child = Command::new(KIOSK)
            .arg("--config")
            .arg(config)
            .args(["call-staff", "--json"])
            .args(extra)
            .env_remove("KIOSK_CONFIG")
            .env_remove("KIOSK_STORE_KEY_FILE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kiosk call-staff");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not JSON from call-staff: {line:?}: {e}"));
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        CallStaff { child, lines }
    }

    /// The next status line, which must be `status`.
    pub fn expect(&self, status: &str) -> serde_json::Value {
        let line = self.lines.recv_timeout(DEADLINE).unwrap_or_else(|_| {
            panic!("call-staff said nothing within {DEADLINE:?} (waiting for {status})")
        });
        assert_eq!(line["status"], status, "{line}");
        line
    }

    /// Waits for the process to end; returns its exit code.
    pub fn finish(mut self) -> i32 {
        let until = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().expect("exited normally");
            }
            assert!(Instant::now() < until, "call-staff did not end");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for CallStaff {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
