//! `kiosk serve-bundles DIR`: a laptop as the store server, over HTTPS only.
//!
//! - It speaks HTTPS with a self-signed store certificate made on its first
//!   start (kept with its key, 0600, outside the served folder); kiosks pin
//!   the certificate's SHA-256 (`[sync] server_cert_sha256`), as they pin
//!   the staff console's. Plain HTTP gets no page. The HTTP and TLS are the
//!   console's own ([`kiosk_staff::lan`]): every request is read under hard
//!   limits and a deadline, handshake included, and stalled connections
//!   cannot keep kiosks out.
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
use std::net::{SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use kiosk_staff::auth::CONTENT_SHA256;
use kiosk_staff::lan::{self, Conn, Reply, Request, server};
use kiosk_staff::tls::ConsoleCert;

use crate::auth::{NonceJournal, Refusal, StoreKey, Verifier};
use crate::error::{Error, Result};

/// Served uploads live here, under the served folder.
pub const UPLOADS: &str = "uploads";
/// The SQLite file, in the served folder, of the upload nonces seen.
pub const NONCES: &str = ".kiosk-serve-nonces.sqlite";
/// The largest upload accepted (a batch of 5 000 rows is a few MiB).
pub const MAX_UPLOAD_BYTES: u64 = 16 << 20;
/// The time an upload whose signature was checked before its body (it
/// names the body's digest) has to send that body. Other requests have
/// [`lan::http::READ_DEADLINE`] in all.
pub const UPLOAD_BODY_TIME: Duration = Duration::from_secs(60);
/// Upload bodies read at once; more get 503 and are retried.
const MAX_BODIES: usize = 4;

/// Bounds on what uploads may store.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    /// The largest body.
    pub max_bytes: u64,
    /// How many uploads `uploads/` may hold.
    pub max_files: usize,
    /// How many bytes `uploads/` may hold. Concurrent uploads may pass it
    /// by at most one body per upload read at once.
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

/// The store server's certificate for `dir`'s server, kept in `cert_dir`
/// (`serve-bundles.cert.pem` and its key `serve-bundles.key.pem`, 0600),
/// made on the first start for `names`. Returns it, whether it is new, and
/// the two paths. `cert_dir` must not be the served folder.
pub fn server_cert(cert_dir: &Path, names: &[String]) -> Result<(ConsoleCert, bool, [PathBuf; 2])> {
    let cert_path = cert_dir.join("serve-bundles.cert.pem");
    let key_path = cert_dir.join("serve-bundles.key.pem");
    let (cert, created) =
        ConsoleCert::load_or_create(&cert_path, &key_path, names).map_err(|e| {
            Error::Invalid(format!(
                "the server's certificate in {}: {e}",
                cert_dir.display()
            ))
        })?;
    Ok((cert, created, [cert_path, key_path]))
}

pub struct BundleServer {
    listener: TcpListener,
    addr: SocketAddr,
    served: Served,
}

/// What every connection's thread shares.
struct Served {
    dir: PathBuf,
    limits: UploadLimits,
    verifier: Option<Verifier>,
    tls: Arc<rustls::ServerConfig>,
    stop: AtomicBool,
    /// Upload bodies being read.
    bodies: AtomicUsize,
    log: Box<dyn Fn(String) + Send + Sync>,
}

/// A server running on a background thread (tests, the app). Dropping it
/// stops it.
pub struct RunningServer {
    pub addr: SocketAddr,
    served: Arc<Served>,
    accept: Option<JoinHandle<()>>,
}

impl RunningServer {
    pub fn url(&self) -> String {
        format!("https://{}/", self.addr)
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.served.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            server::wake(self.addr);
            let _ = accept.join();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl BundleServer {
    /// Binds `addr` (`0.0.0.0:8443`; port 0 picks a free one) to serve
    /// `dir` over HTTPS with `cert` (see [`server_cert`]).
    pub fn bind(dir: &Path, addr: &str, cert: &ConsoleCert) -> Result<BundleServer> {
        if !dir.is_dir() {
            return Err(Error::Invalid(format!(
                "{} is not a folder: expected the folder holding the bundles",
                dir.display()
            )));
        }
        let tls = cert
            .server_config()
            .map_err(|e| Error::Invalid(format!("the server's certificate: {e}")))?;
        let listener = TcpListener::bind(addr)
            .map_err(|e| Error::Invalid(format!("listening on {addr}: {e}")))?;
        server::widen_backlog(&listener);
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Invalid(format!("listening on {addr}: {e}")))?;
        Ok(BundleServer {
            listener,
            addr,
            served: Served {
                dir: dir.to_path_buf(),
                limits: UploadLimits::default(),
                verifier: None,
                tls,
                stop: AtomicBool::new(false),
                bodies: AtomicUsize::new(0),
                log: Box::new(|_| {}),
            },
        })
    }

    /// Takes uploads signed with `key`, within `max_skew_secs` of this
    /// machine's clock. Without a key no upload is taken. The nonces seen
    /// are kept in [`NONCES`] in the served folder (never served: its name
    /// is hidden), so a request captured before a restart is still refused
    /// as a replay after it.
    pub fn with_store_key(mut self, key: StoreKey, max_skew_secs: u64) -> Result<BundleServer> {
        let path = self.served.dir.join(NONCES);
        let journal = NonceJournal::open(&path)
            .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
        let now = jiff::Timestamp::now().as_second();
        let verifier = Verifier::with_journal(key, max_skew_secs, journal, now)
            .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
        self.served.verifier = Some(verifier);
        Ok(self)
    }

    /// Other bounds on uploads than the defaults.
    pub fn with_upload_limits(mut self, limits: UploadLimits) -> BundleServer {
        self.served.limits = limits;
        self
    }

    /// `log` gets one line per request.
    pub fn with_log(mut self, log: impl Fn(String) + Send + Sync + 'static) -> BundleServer {
        self.served.log = Box::new(log);
        self
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the process ends.
    pub fn run(self) {
        server::accept_loop(self.listener, Arc::new(self.served));
    }

    /// Serves on background threads until the handle is stopped or
    /// dropped.
    pub fn spawn(self) -> RunningServer {
        let served = Arc::new(self.served);
        let shared = Arc::clone(&served);
        let listener = self.listener;
        let accept = std::thread::Builder::new()
            .name("serve-bundles".into())
            .spawn(move || server::accept_loop(listener, shared))
            .ok();
        RunningServer {
            addr: self.addr,
            served,
            accept,
        }
    }
}

impl lan::Service for Served {
    fn handle(&self, conn: Conn, request: Request) {
        let line = handle(self, conn, &request);
        (self.log)(line);
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn tls(&self) -> Option<&Arc<rustls::ServerConfig>> {
        Some(&self.tls)
    }
}

/// Answers one request; returns a log line.
fn handle(served: &Served, conn: Conn, request: &Request) -> String {
    let method = request.method.as_str();
    let url = request.target.as_str();
    let path = url.split('?').next().unwrap_or("");
    let (status, note) = match (method, path) {
        ("GET" | "HEAD", "/") => respond(conn, request, index(&served.dir)),
        ("GET" | "HEAD", _) => serve_file(&served.dir, path, conn, request),
        ("POST", p) if p.starts_with("/uploads/") => {
            let id = p.trim_start_matches("/uploads/");
            store_upload(served, id, path, conn, request)
        }
        _ => respond(
            conn,
            request,
            text(405, "expected GET or HEAD of a file, or POST /uploads/ID\n"),
        ),
    };
    format!("{method} {url} {status}{note}")
}

/// What was answered, for the log: the status and a note.
type Answer = (u16, String);

/// Sends `reply` (a request's unread body is drained a little first, so
/// the client sees the reply).
fn respond(conn: Conn, request: &Request, reply: Reply) -> Answer {
    respond_noted(conn, request, reply, String::new())
}

fn respond_noted(mut conn: Conn, request: &Request, reply: Reply, note: String) -> Answer {
    conn.expect_body(request.body_length().unwrap_or(1));
    let status = reply.status();
    conn.respond(reply);
    (status, note)
}

fn text(status: u16, body: &str) -> Reply {
    Reply::new(status, body.as_bytes().to_vec())
        .with_header("Content-Type", "text/plain; charset=utf-8")
}

fn json(status: u16, body: serde_json::Value) -> Reply {
    Reply::new(status, body.to_string().into_bytes())
        .with_header("Content-Type", "application/json")
}

fn index(dir: &Path) -> Reply {
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

fn serve_file(dir: &Path, url_path: &str, conn: Conn, request: &Request) -> Answer {
    let Some(path) = resolve(dir, url_path) else {
        return respond(conn, request, text(404, "no such bundle\n"));
    };
    let Ok(mut file) = File::open(&path) else {
        return respond(conn, request, text(404, "no such bundle\n"));
    };
    let Ok(meta) = file.metadata() else {
        return respond(conn, request, text(500, "cannot read the file\n"));
    };
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let nanos = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let etag = format!("\"{:x}-{:x}\"", meta.len(), nanos);
    let last_modified = httpdate::fmt_http_date(modified);
    let not_modified = match request.header("If-None-Match") {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => request
            .header("If-Modified-Since")
            .and_then(|since| httpdate::parse_http_date(since).ok())
            .is_some_and(|since| {
                modified
                    .duration_since(since)
                    .map_or(true, |d| d.as_secs() == 0)
            }),
    };
    if not_modified {
        let reply = Reply::new(304, Vec::new())
            .with_header("ETag", &etag)
            .with_header("Last-Modified", &last_modified);
        return respond(conn, request, reply);
    }
    let reply = Reply::new(200, Vec::new())
        .with_header("Content-Type", "application/octet-stream")
        .with_header("ETag", &etag)
        .with_header("Last-Modified", &last_modified);
    let body: Option<&mut dyn std::io::Read> = if request.method == "HEAD" {
        None
    } else {
        Some(&mut file)
    };
    conn.respond_streaming(reply, meta.len(), body);
    (200, format!(" {} bytes", meta.len()))
}

fn valid_upload_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Counts an upload body being read; dropped when it is done.
struct BodySlot<'a>(&'a AtomicUsize);

impl Drop for BodySlot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Stores an upload under its id, once: the first copy wins, a repeat is
/// acknowledged as a duplicate. The signature is checked before the body
/// is read when the request names the body's digest (the kiosk always
/// does); otherwise what can be is checked first and the signature after
/// the body, which then has only the request's short deadline.
fn store_upload(
    served: &Served,
    id: &str,
    url_path: &str,
    mut conn: Conn,
    request: &Request,
) -> Answer {
    let Some(verifier) = served.verifier.as_ref() else {
        return unauthorized(
            conn,
            request,
            "this server takes no uploads: start serve-bundles with the store key ([staff] key_file)",
        );
    };
    let authorization = request.header("Authorization");
    let now = jiff::Timestamp::now().as_second();
    let Some(signed) = authorization else {
        return refused(conn, request, &Refusal::Missing);
    };
    let digest = request
        .header(CONTENT_SHA256)
        .map(|d| d.trim().to_ascii_lowercase());
    let early = match &digest {
        Some(digest) => verifier.verify_digest(Some(signed), "POST", url_path, digest, now),
        None => verifier.precheck(signed, now),
    };
    if let Err(refusal) = early {
        return refused(conn, request, &refusal);
    }
    if !valid_upload_id(id) {
        return respond(
            conn,
            request,
            text(
                400,
                "expected /uploads/ID with letters, digits, '-', '_', '.'\n",
            ),
        );
    }
    let max_bytes = served.limits.max_bytes;
    let length = match request.body_length() {
        Ok(length) => length,
        Err(reply) => return respond(conn, request, reply),
    };
    if length > max_bytes {
        return respond(
            conn,
            request,
            text(413, &format!("uploads are limited to {max_bytes} bytes\n")),
        );
    }
    if served.bodies.fetch_add(1, Ordering::SeqCst) >= MAX_BODIES {
        served.bodies.fetch_sub(1, Ordering::SeqCst);
        return respond(
            conn,
            request,
            text(503, "busy with other uploads; try again\n").with_header("Retry-After", "1"),
        );
    }
    let slot = BodySlot(&served.bodies);
    conn.expect_body(length);
    if digest.is_some() {
        conn.extend_deadline(UPLOAD_BODY_TIME);
    }
    conn.continue_if_expected(request);
    let body = match conn.read_body(length) {
        Ok(body) => body,
        Err(reply) => {
            let status = reply.status();
            conn.respond(reply);
            return (status, " the upload broke off".into());
        }
    };
    drop(slot);
    let checked = match &digest {
        Some(digest) if crate::auth::body_sha256(&body) == *digest => Ok(()),
        Some(_) => Err(Refusal::BadSignature),
        None => verifier.verify(authorization, "POST", url_path, &body, now),
    };
    if let Err(refusal) = checked {
        return refused(conn, request, &refusal);
    }
    let (_, note, reply) = store(&served.dir, id, &served.limits, &body);
    respond_noted(conn, request, reply, note)
}

/// Writes an authenticated upload's body, within the folder's limits.
fn store(dir: &Path, id: &str, limits: &UploadLimits, body: &[u8]) -> (u16, String, Reply) {
    let uploads = dir.join(UPLOADS);
    if fs::create_dir_all(&uploads).is_err() {
        return (
            500,
            String::new(),
            text(500, "cannot create the uploads folder\n"),
        );
    }
    let path = uploads.join(format!("{id}.json"));
    let duplicate = || {
        (
            200,
            " duplicate".to_string(),
            json(
                200,
                serde_json::json!({"stored": false, "duplicate": true, "upload_id": id}),
            ),
        )
    };
    if path.exists() {
        return duplicate();
    }
    let Some(kiosk_id) = serde_json::from_slice::<serde_json::Value>(body)
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
    // Uploads hold shoppers' contacts: readable by the server's user only.
    let written = crate::upload::write_private_new(&tmp, body);
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
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => duplicate(),
        Err(_) => (500, String::new(), text(500, "cannot store the upload\n")),
    }
}

/// The uploads folder is full: 507, and the kiosk keeps its rows queued.
fn full(why: &str) -> (u16, String, Reply) {
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

fn unauthorized(conn: Conn, request: &Request, why: &str) -> Answer {
    let reply = text(401, &format!("{why}\n")).with_header("WWW-Authenticate", crate::auth::SCHEME);
    respond_noted(conn, request, reply, format!(" refused: {why}"))
}

fn refused(conn: Conn, request: &Request, refusal: &Refusal) -> Answer {
    unauthorized(conn, request, &crate::auth::refusal_message(refusal))
}

#[cfg(test)]
mod tests;
