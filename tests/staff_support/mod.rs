//! Shared by the `tests/staff_*.rs` tests: the real `kiosk staff-console`
//! as a child process, a kiosk config pointing at it, `kiosk call-staff`
//! with its JSON lines read as they come, and waiting with a deadline
//! (nothing asserts a time). The console serves HTTPS; its certificate is
//! made beforehand ([`console_cert`]) where the console keeps it, so a
//! kiosk can be configured with its fingerprint before the console starts.

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

/// The fingerprint of the certificate the console on `db` will serve
/// (made now if it does not exist yet).
pub fn console_cert(db: &Path) -> String {
    kiosk_staff::ConsoleCert::for_console_db(db, &["localhost".to_string()])
        .expect("the console's certificate")
        .0
        .fingerprint()
}

/// The console's next line of output, which must start with `prefix`;
/// what follows it.
fn line_after(reader: &mut impl BufRead, prefix: &str) -> String {
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("the console's line {prefix:?}…: {e}"));
    line.trim()
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("expected {prefix:?}…, got {line:?}"))
        .to_string()
}

/// Where a console lives between restarts: its key file and database in a
/// test's folder, and a free port it listens on each time.
pub struct ConsoleHome {
    pub key_file: PathBuf,
    pub db: PathBuf,
    pub port: u16,
    pub listen: String,
}

impl ConsoleHome {
    pub fn new(dir: &Path) -> ConsoleHome {
        let port = free_port();
        ConsoleHome {
            key_file: write_key(dir),
            db: dir.join("console.sqlite"),
            port,
            listen: format!("127.0.0.1:{port}"),
        }
    }

    /// Starts (or starts again) the console on the same port and database.
    pub fn start(&self) -> ConsoleProcess {
        ConsoleProcess::start(&self.listen, &self.db, &self.key_file)
    }
}

/// `kiosk staff-console` running in the background; killed on drop.
pub struct ConsoleProcess {
    child: Child,
    pub url: String,
    /// The SHA-256 of its certificate, from its second line.
    pub cert_sha256: String,
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
        let mut reader = BufReader::new(stdout);
        let url = line_after(&mut reader, "staff console listening on ");
        assert!(url.starts_with("https://"), "{url}");
        let cert_sha256 = line_after(&mut reader, "certificate sha256 ");
        assert_eq!(
            console_cert(db),
            cert_sha256,
            "the certificate kept beside the database"
        );
        ConsoleProcess {
            child,
            url,
            cert_sha256,
        }
    }

    pub fn client(&self) -> ConsoleClient {
        ConsoleClient::pinned(
            &self.url,
            key(),
            Duration::from_secs(5),
            Some(&self.cert_sha256),
        )
        .expect("client")
    }

    /// One raw request over TLS (the certificate pinned): the status, the
    /// head and the body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String, String) {
        use std::io::{Read, Write};
        let config = kiosk_staff::tls::client_config(&self.cert_sha256).expect("tls config");
        let conn = rustls::ClientConnection::new(
            config,
            rustls::pki_types::ServerName::try_from("localhost").expect("name"),
        )
        .expect("tls client");
        let addr = self.url.trim_start_matches("https://");
        let tcp = std::net::TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(DEADLINE)).expect("timeout");
        let mut stream = rustls::StreamOwned::new(conn, tcp);
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).expect("send");
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        let reply = String::from_utf8_lossy(&reply).into_owned();
        let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        (status, head.to_string(), body.to_string())
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

/// A kiosk.toml in `dir` for a kiosk calling the console at `url`, whose
/// certificate is `cert_sha256` (fast retries, so tests do not wait out
/// long backoffs).
pub fn kiosk_config(dir: &Path, url: &str, cert_sha256: &str) -> PathBuf {
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
console_cert_sha256 = "{cert_sha256}"
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
