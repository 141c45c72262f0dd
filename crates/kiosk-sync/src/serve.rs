//! `kiosk serve-bundles DIR`: a laptop as the store server. Any static
//! HTTP server works for pulls; this one adds the upload endpoint.
//!
//! - `GET`/`HEAD /NAME` serves a file of DIR (subfolders allowed, no `..`,
//!   no hidden names, nothing under `uploads/`), with `ETag` and
//!   `Last-Modified`, answering `If-None-Match`/`If-Modified-Since` with 304.
//! - `GET /` lists the bundles.
//! - `POST /uploads/ID` stores the body as `DIR/uploads/ID.json` unless
//!   that upload id was stored before (then 200 with `"duplicate": true`):
//!   a kiosk re-sending a batch whose confirmation it lost adds nothing.
//!   Uploads are never served back: they hold shoppers' contacts.
//! - Uploads are signed with the store key ([`crate::auth`]): without a
//!   valid, fresh, unreplayed signature the answer is 401 and nothing is
//!   read past the headers or the bounded body. A server started without
//!   a key takes no uploads at all.
//! - Even signed uploads are bounded: each body, the number of uploads
//!   stored, their total size and the number of distinct kiosks
//!   ([`UploadLimits`]); a body must name its kiosk, and its upload id
//!   must start with that kiosk id. A full folder answers 507 and the
//!   kiosks keep their rows queued; a leaked key or a kiosk gone wrong
//!   cannot fill the laptop's disk.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use tiny_http::{Header, Method, Request, Response, Server};

use crate::auth::{NonceJournal, Refusal, StoreKey, Verifier};
use crate::error::{Error, Result};

/// Served uploads live here, under the served folder.
pub const UPLOADS: &str = "uploads";
/// The SQLite file, in the served folder, of the upload nonces seen.
pub const NONCES: &str = ".kiosk-serve-nonces.sqlite";
/// The largest upload accepted (a batch of 5 000 rows is a few MiB).
pub const MAX_UPLOAD_BYTES: u64 = 16 << 20;

/// Bounds on what uploads may store.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    /// The largest body.
    pub max_bytes: u64,
    /// How many uploads `uploads/` may hold.
    pub max_files: usize,
    /// How many bytes `uploads/` may hold. Concurrent uploads may pass it
    /// by at most one body per worker thread.
    pub max_total_bytes: u64,
    /// How many distinct kiosk ids `uploads/` may hold uploads from.
    pub max_kiosks: usize,
}

impl Default for UploadLimits {
    fn default() -> UploadLimits {
        UploadLimits {
            max_bytes: MAX_UPLOAD_BYTES,
            max_files: 10_000,
            max_total_bytes: 1 << 30,
            max_kiosks: 64,
        }
    }
}

pub struct BundleServer {
    server: Arc<Server>,
    dir: PathBuf,
    addr: SocketAddr,
    limits: UploadLimits,
    verifier: Option<Arc<Verifier>>,
}

/// A server running on background threads (tests, the app).
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    server: Arc<Server>,
    threads: Vec<JoinHandle<()>>,
}

impl RunningServer {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for _ in &self.threads {
            self.server.unblock();
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl BundleServer {
    /// Binds `addr` (`0.0.0.0:8080`; port 0 picks a free one) to serve
    /// `dir`.
    pub fn bind(dir: &Path, addr: &str) -> Result<BundleServer> {
        if !dir.is_dir() {
            return Err(Error::Invalid(format!(
                "{} is not a folder: expected the folder holding the bundles",
                dir.display()
            )));
        }
        let server =
            Server::http(addr).map_err(|e| Error::Invalid(format!("listening on {addr}: {e}")))?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| Error::Invalid(format!("{addr} is not an IP address")))?;
        Ok(BundleServer {
            server: Arc::new(server),
            dir: dir.to_path_buf(),
            addr,
            limits: UploadLimits::default(),
            verifier: None,
        })
    }

    /// Takes uploads signed with `key`, within `max_skew_secs` of this
    /// machine's clock. Without a key no upload is taken. The nonces seen
    /// are kept in [`NONCES`] in the served folder (never served: its name
    /// is hidden), so a request captured before a restart is still refused
    /// as a replay after it.
    pub fn with_store_key(mut self, key: StoreKey, max_skew_secs: u64) -> Result<BundleServer> {
        let path = self.dir.join(NONCES);
        let journal = NonceJournal::open(&path)
            .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
        let now = jiff::Timestamp::now().as_second();
        let verifier = Verifier::with_journal(key, max_skew_secs, journal, now)
            .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
        self.verifier = Some(Arc::new(verifier));
        Ok(self)
    }

    /// Other bounds on uploads than the defaults.
    pub fn with_upload_limits(mut self, limits: UploadLimits) -> BundleServer {
        self.limits = limits;
        self
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves on `workers` threads until `stop` is set; `log` gets one line
    /// per request.
    pub fn run(&self, workers: usize, stop: &AtomicBool, log: &(dyn Fn(String) + Sync)) {
        std::thread::scope(|scope| {
            for _ in 0..workers.max(1) {
                scope.spawn(|| {
                    while !stop.load(Ordering::SeqCst) {
                        match self.server.recv_timeout(Duration::from_millis(200)) {
                            Ok(Some(request)) => log(handle(
                                &self.dir,
                                &self.limits,
                                self.verifier.as_deref(),
                                request,
                            )),
                            Ok(None) => {}
                            // An accept error (e.g. out of file handles):
                            // keep serving after a pause.
                            Err(_) => std::thread::sleep(Duration::from_millis(100)),
                        }
                    }
                });
            }
        });
    }

    /// Serves on background threads until the handle is stopped or
    /// dropped.
    pub fn spawn(self, workers: usize) -> RunningServer {
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for _ in 0..workers.max(1) {
            let (server, dir, stop) = (self.server.clone(), self.dir.clone(), stop.clone());
            let limits = self.limits;
            let verifier = self.verifier.clone();
            threads.push(std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match server.recv() {
                        Ok(request) => {
                            handle(&dir, &limits, verifier.as_deref(), request);
                        }
                        // Unblocked by `stop`, or an accept error.
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            }));
        }
        RunningServer {
            addr: self.addr,
            stop,
            server: self.server,
            threads,
        }
    }
}

/// Answers one request; returns a log line.
fn handle(
    dir: &Path,
    limits: &UploadLimits,
    verifier: Option<&Verifier>,
    mut request: Request,
) -> String {
    let method = request.method().clone();
    let url = request.url().to_string();
    let path = url.split('?').next().unwrap_or("").to_string();
    let (status, note, response) = match (&method, path.as_str()) {
        (Method::Get | Method::Head, "/") => (200, String::new(), index(dir)),
        (Method::Get | Method::Head, _) => serve_file(dir, &path, &request),
        (Method::Post, p) if p.starts_with("/uploads/") => {
            let id = p.trim_start_matches("/uploads/").to_string();
            store_upload(dir, &id, &path, limits, verifier, &mut request)
        }
        _ => (
            405,
            String::new(),
            text(405, "expected GET or HEAD of a file, or POST /uploads/ID\n"),
        ),
    };
    let _ = request.respond(response);
    format!("{method} {url} {status}{note}")
}

type Answer = (u16, String, tiny_http::ResponseBox);

fn text(status: u16, body: &str) -> tiny_http::ResponseBox {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .boxed()
}

fn json(status: u16, body: serde_json::Value) -> tiny_http::ResponseBox {
    Response::from_string(body.to_string())
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json"))
        .boxed()
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values here are ASCII")
}

fn index(dir: &Path) -> tiny_http::ResponseBox {
    let mut body = String::from("kiosk bundles:\n");
    for bundle in crate::source::find_bundles(dir, 2) {
        if let Ok(rel) = bundle.strip_prefix(dir) {
            body.push_str(&format!("/{}\n", rel.display()));
        }
    }
    text(200, &body)
}

/// A file under `dir` named by a URL path, if it is one we serve.
fn resolve(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path.trim_start_matches('/'))?;
    let rel = Path::new(&decoded);
    let mut parts = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(part) => {
                let part = part.to_str()?;
                if part.starts_with('.') {
                    return None;
                }
                parts.push(part);
            }
            _ => return None,
        }
    }
    if parts.is_empty() || parts[0] == UPLOADS {
        return None;
    }
    let path = dir.join(parts.join("/"));
    path.is_file().then_some(path)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn serve_file(dir: &Path, url_path: &str, request: &Request) -> Answer {
    let Some(path) = resolve(dir, url_path) else {
        return (404, String::new(), text(404, "no such bundle\n"));
    };
    let Ok(file) = File::open(&path) else {
        return (404, String::new(), text(404, "no such bundle\n"));
    };
    let Ok(meta) = file.metadata() else {
        return (500, String::new(), text(500, "cannot read the file\n"));
    };
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let nanos = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let etag = format!("\"{:x}-{:x}\"", meta.len(), nanos);
    let last_modified = httpdate::fmt_http_date(modified);
    let request_header = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_string())
    };
    let not_modified = match request_header("If-None-Match") {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => request_header("If-Modified-Since")
            .and_then(|since| httpdate::parse_http_date(&since).ok())
            .is_some_and(|since| {
                modified
                    .duration_since(since)
                    .map_or(true, |d| d.as_secs() == 0)
            }),
    };
    if not_modified {
        let response = Response::empty(304)
            .with_header(header("ETag", &etag))
            .with_header(header("Last-Modified", &last_modified))
            .boxed();
        return (304, String::new(), response);
    }
    let response = Response::from_file(file)
        .with_header(header("Content-Type", "application/octet-stream"))
        .with_header(header("ETag", &etag))
        .with_header(header("Last-Modified", &last_modified))
        .boxed();
    (200, format!(" {} bytes", meta.len()), response)
}

fn valid_upload_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Stores an upload under its id, once: the first copy wins, a repeat is
/// acknowledged as a duplicate.
fn store_upload(
    dir: &Path,
    id: &str,
    url_path: &str,
    limits: &UploadLimits,
    verifier: Option<&Verifier>,
    request: &mut Request,
) -> Answer {
    let Some(verifier) = verifier else {
        return unauthorized(
            "this server takes no uploads: start serve-bundles with the store key ([staff] key_file)",
        );
    };
    let authorization = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.as_str().to_string());
    let now = jiff::Timestamp::now().as_second();
    let Some(signed) = authorization.as_deref() else {
        return refused(&Refusal::Missing);
    };
    if let Err(refusal) = verifier.precheck(signed, now) {
        return refused(&refusal);
    }
    if !valid_upload_id(id) {
        return (
            400,
            String::new(),
            text(
                400,
                "expected /uploads/ID with letters, digits, '-', '_', '.'\n",
            ),
        );
    }
    let uploads = dir.join(UPLOADS);
    if fs::create_dir_all(&uploads).is_err() {
        return (
            500,
            String::new(),
            text(500, "cannot create the uploads folder\n"),
        );
    }
    let path = uploads.join(format!("{id}.json"));
    let max_bytes = limits.max_bytes;
    if request.body_length().is_some_and(|n| n as u64 > max_bytes) {
        return too_large(max_bytes);
    }
    let mut body = Vec::new();
    match request
        .as_reader()
        .take(max_bytes + 1)
        .read_to_end(&mut body)
    {
        Ok(n) if n as u64 > max_bytes => return too_large(max_bytes),
        Ok(_) => {}
        Err(_) => return (400, String::new(), text(400, "the upload broke off\n")),
    }
    if let Err(refusal) = verifier.verify(authorization.as_deref(), "POST", url_path, &body, now) {
        return refused(&refusal);
    }
    if path.exists() {
        return (
            200,
            " duplicate".into(),
            json(
                200,
                serde_json::json!({"stored": false, "duplicate": true, "upload_id": id}),
            ),
        );
    }
    let Some(kiosk_id) = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|doc| doc.get("kiosk_id")?.as_str().map(str::to_string))
    else {
        return (
            400,
            String::new(),
            text(400, "expected a JSON body naming its kiosk_id\n"),
        );
    };
    if kiosk_of(id) != Some(kiosk_id.as_str()) {
        return (
            400,
            String::new(),
            text(
                400,
                "the upload id must be KIOSK-KIND-FIRST-LAST-NONCE for the body's kiosk_id\n",
            ),
        );
    }
    let held = stored(&uploads);
    if held.n_files >= limits.max_files {
        return full(&format!("it holds {} uploads", held.n_files));
    }
    if held.bytes + body.len() as u64 > limits.max_total_bytes {
        return full(&format!(
            "it holds {} bytes and this upload is {}",
            held.bytes,
            body.len()
        ));
    }
    if !held.kiosks.contains(&kiosk_id) && held.kiosks.len() >= limits.max_kiosks {
        return full(&format!(
            "it holds uploads from {} kiosks, the most it takes",
            held.kiosks.len()
        ));
    }
    let tmp = uploads.join(format!(".{id}.{:08x}.tmp", rand::random::<u32>()));
    let written = File::create(&tmp).and_then(|mut f| {
        f.write_all(&body)?;
        f.sync_all()
    });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
        return (500, String::new(), text(500, "cannot store the upload\n"));
    }
    // A hard link never replaces an existing file: of two racing copies of
    // one upload, exactly one is stored.
    let linked = fs::hard_link(&tmp, &path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            let _ = File::open(&uploads).and_then(|d| d.sync_all());
            (
                201,
                format!(" stored {} bytes", body.len()),
                json(201, serde_json::json!({"stored": true, "upload_id": id})),
            )
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => (
            200,
            " duplicate".into(),
            json(
                200,
                serde_json::json!({"stored": false, "duplicate": true, "upload_id": id}),
            ),
        ),
        Err(_) => (500, String::new(), text(500, "cannot store the upload\n")),
    }
}

fn too_large(max_bytes: u64) -> Answer {
    (
        413,
        String::new(),
        text(413, &format!("uploads are limited to {max_bytes} bytes\n")),
    )
}

/// The uploads folder is full: 507, and the kiosk keeps its rows queued.
fn full(why: &str) -> Answer {
    (
        507,
        format!(" refused: uploads folder full, {why}"),
        text(
            507,
            &format!("the uploads folder is full ({why}); collect the uploads, then retry\n"),
        ),
    )
}

/// What `uploads/` holds: files (temp files included: they are bodies
/// being written), bytes, and the kiosks the uploads came from.
struct Held {
    n_files: usize,
    bytes: u64,
    kiosks: std::collections::BTreeSet<String>,
}

fn stored(uploads: &Path) -> Held {
    let mut held = Held {
        n_files: 0,
        bytes: 0,
        kiosks: Default::default(),
    };
    let Ok(entries) = fs::read_dir(uploads) else {
        return held;
    };
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        held.n_files += 1;
        held.bytes += meta.len();
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(kiosk) = name.strip_suffix(".json").and_then(kiosk_of) {
            held.kiosks.insert(kiosk.to_string());
        }
    }
    held
}

/// The kiosk an upload id names: ids are `KIOSK-KIND-FIRST-LAST-NONCE`
/// (see `upload.rs`), and the kiosk id may itself hold dashes.
fn kiosk_of(upload_id: &str) -> Option<&str> {
    let mut parts = upload_id.rsplitn(5, '-');
    let _nonce = parts.next()?;
    let _last = parts.next()?;
    let _first = parts.next()?;
    let _kind = parts.next()?;
    parts.next().filter(|k| !k.is_empty())
}

fn unauthorized(why: &str) -> Answer {
    let response = Response::from_string(format!("{why}\n"))
        .with_status_code(401)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("WWW-Authenticate", crate::auth::SCHEME))
        .boxed();
    (401, format!(" refused: {why}"), response)
}

fn refused(refusal: &Refusal) -> Answer {
    unauthorized(&crate::auth::refusal_message(refusal))
}

#[cfg(test)]
mod tests;
