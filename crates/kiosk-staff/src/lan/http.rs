//! The LAN servers' own small HTTP/1.1 (the staff console's and
//! `serve-bundles`'): one request per connection, read under hard limits,
//! because they listen on a LAN where anyone can connect. A request line or header line is at most [`MAX_LINE`] bytes,
//! a head at most [`MAX_HEADERS`] headers and [`MAX_HEAD`] bytes, and the
//! whole request (head and body) must arrive within [`READ_DEADLINE`] of
//! the connection being accepted. The body is read only when the route
//! asks for it, after authentication, and never beyond its declared length.
//! Every reply closes the connection.
//!
//! Over TLS the server drives rustls itself, one record read at a time
//! under the same deadline, so the handshake and a trickled record are cut
//! off like a trickled head; the limits above apply to the decrypted bytes.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::{ServerConfig, ServerConnection};

/// The longest request line or header line.
pub const MAX_LINE: usize = 8 * 1024;
/// The most header lines in one request.
pub const MAX_HEADERS: usize = 64;
/// The largest head (request line and headers together).
pub const MAX_HEAD: usize = 32 * 1024;
/// The time a client has to send a whole request, head and body.
pub const READ_DEADLINE: Duration = Duration::from_secs(5);
/// A reply (or a frame of an event stream) the client does not take within
/// this ends the connection.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After refusing a request whose body was not read, the console drains at
/// most this much of it (for at most [`LINGER_TIME`]) so the client can
/// read the refusal before the connection is reset.
const LINGER_BYTES: usize = 256 * 1024;
const LINGER_TIME: Duration = Duration::from_secs(1);

/// A request's head.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    /// A header's value (the first, if repeated); names are case-blind.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The declared body length. Chunked bodies are not accepted: every
    /// client of the console sends a length.
    pub fn body_length(&self) -> Result<u64, Reply> {
        if self.header("Transfer-Encoding").is_some() {
            return Err(Reply::error(
                411,
                "send a Content-Length, not a chunked body",
            ));
        }
        let mut length = None;
        for (_, value) in self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        {
            let parsed = value
                .trim()
                .parse::<u64>()
                .map_err(|_| Reply::error(400, "bad Content-Length"))?;
            if length.is_some_and(|l| l != parsed) {
                return Err(Reply::error(400, "conflicting Content-Length headers"));
            }
            length = Some(parsed);
        }
        Ok(length.unwrap_or(0))
    }
}

/// Why a head was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum HeadError {
    /// The client closed, or the connection failed (or was dropped to make
    /// room); nothing to answer.
    Gone,
    /// Not all of it arrived within the deadline.
    TimedOut,
    /// A line, or the head, is over its limit.
    TooLarge,
    /// More than [`MAX_HEADERS`] headers.
    TooManyHeaders,
    /// Not HTTP/1.x.
    Malformed(&'static str),
}

impl HeadError {
    /// The answer to give, if any.
    pub fn reply(&self) -> Option<Reply> {
        match self {
            HeadError::Gone => None,
            HeadError::TimedOut => Some(Reply::error(408, "the request took too long")),
            HeadError::TooLarge => Some(Reply::error(431, "request line or header too long")),
            HeadError::TooManyHeaders => Some(Reply::error(431, "too many headers")),
            HeadError::Malformed(what) => Some(Reply::error(400, what)),
        }
    }
}

/// One accepted connection, serving one request.
pub struct Conn {
    stream: TcpStream,
    /// The TLS session over `stream`, when the console serves HTTPS.
    tls: Option<Box<ServerConnection>>,
    deadline: Instant,
    /// Bytes read past the head: the start of the body.
    extra: Vec<u8>,
    /// Body bytes declared but not read; a refusal then lingers.
    unread: bool,
    /// Told each time bytes arrive from the client.
    progress: Option<Box<dyn FnMut() + Send>>,
}

impl Conn {
    /// A connection; with `tls`, the handshake happens as the head is
    /// read. `None` if the TLS session cannot be set up.
    pub fn new(stream: TcpStream, tls: Option<&Arc<ServerConfig>>) -> Option<Conn> {
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let tls = match tls {
            Some(config) => Some(Box::new(ServerConnection::new(Arc::clone(config)).ok()?)),
            None => None,
        };
        Some(Conn {
            stream,
            tls,
            deadline: Instant::now() + READ_DEADLINE,
            extra: Vec::new(),
            unread: false,
            progress: None,
        })
    }

    /// Calls `progress` each time bytes arrive from the client (the
    /// server ranks connections still sending their request by it).
    pub fn on_progress(&mut self, progress: impl FnMut() + Send + 'static) {
        self.progress = Some(Box::new(progress));
    }

    /// Stops calling what [`Conn::on_progress`] gave.
    pub fn forget_progress(&mut self) {
        self.progress = None;
    }

    fn progressed(&mut self, n: usize) {
        if n > 0
            && let Some(progress) = self.progress.as_mut()
        {
            progress();
        }
    }

    /// Reads the head, within the limits and the deadline.
    pub fn read_head(&mut self) -> Result<Request, HeadError> {
        let mut buf: Vec<u8> = Vec::with_capacity(1024);
        let mut chunk = [0u8; 4096];
        let mut line_start = 0;
        let mut request_line: Option<(String, String)> = None;
        let mut headers = Vec::new();
        loop {
            while let Some(pos) = buf[line_start..].iter().position(|&b| b == b'\n') {
                let end = line_start + pos;
                let line = buf[line_start..end]
                    .strip_suffix(b"\r")
                    .unwrap_or(&buf[line_start..end]);
                if line.len() > MAX_LINE {
                    return Err(HeadError::TooLarge);
                }
                let line = std::str::from_utf8(line)
                    .map_err(|_| HeadError::Malformed("the head is not UTF-8"))?;
                line_start = end + 1;
                if request_line.is_none() {
                    // Blank lines before the request line are tolerated.
                    if !line.is_empty() {
                        request_line = Some(parse_request_line(line)?);
                    }
                } else if line.is_empty() {
                    let (method, target) = request_line.take().ok_or(HeadError::Gone)?;
                    self.extra = buf[line_start..].to_vec();
                    return Ok(Request {
                        method,
                        target,
                        headers,
                    });
                } else {
                    if headers.len() == MAX_HEADERS {
                        return Err(HeadError::TooManyHeaders);
                    }
                    headers.push(parse_header(line)?);
                }
            }
            if buf.len() - line_start > MAX_LINE || buf.len() > MAX_HEAD {
                return Err(HeadError::TooLarge);
            }
            let n = self.read_some(&mut chunk).map_err(|e| match e.kind() {
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                    HeadError::TimedOut
                }
                _ => HeadError::Gone,
            })?;
            if n == 0 {
                return Err(HeadError::Gone);
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Reads up to `buf.len()` bytes, waiting at most until the deadline.
    /// Over TLS, one record's worth of network bytes is read at a time,
    /// the deadline checked before each.
    fn read_some(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(std::io::ErrorKind::TimedOut.into());
            }
            let Some(tls) = self.tls.as_mut() else {
                self.stream.set_read_timeout(Some(left))?;
                let n = self.stream.read(buf)?;
                self.progressed(n);
                return Ok(n);
            };
            match tls.reader().read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            self.stream.set_read_timeout(Some(left))?;
            let n = tls.read_tls(&mut self.stream)?;
            if n == 0 {
                return Ok(0);
            }
            let processed = tls.process_new_packets();
            // Handshake messages, or the alert for a bad record.
            flush_tls(tls, &mut self.stream)?;
            processed.map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            self.progressed(n);
        }
    }

    /// Writes all of `bytes` (encrypted over TLS) and flushes.
    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let Some(tls) = self.tls.as_mut() else {
            self.stream.write_all(bytes)?;
            return self.stream.flush();
        };
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = tls.writer().write(rest)?;
            rest = &rest[n..];
            if n == 0 && !tls.wants_write() {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            flush_tls(tls, &mut self.stream)?;
        }
        flush_tls(tls, &mut self.stream)
    }

    /// Gives the rest of the request `time` from now instead of what is
    /// left of [`READ_DEADLINE`]: for a large body, once its sender is
    /// authenticated.
    pub fn extend_deadline(&mut self, time: Duration) {
        self.deadline = Instant::now() + time;
    }

    /// Sends `reply`'s head with `length` as its `Content-Length`, then
    /// `length` bytes of `body` (none for a `HEAD`), and closes. A client
    /// that stops taking them is dropped after the write timeout.
    pub fn respond_streaming(mut self, reply: Reply, length: u64, body: Option<&mut dyn Read>) {
        if self.send(&reply.encode_head(length)).is_err() {
            return;
        }
        if let Some(body) = body {
            let mut chunk = vec![0u8; 64 * 1024];
            let mut left = length;
            while left > 0 {
                let want = usize::try_from(left.min(chunk.len() as u64)).unwrap_or(chunk.len());
                match body.read(&mut chunk[..want]) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => {
                        if self.send(&chunk[..n]).is_err() {
                            return;
                        }
                        left -= n as u64;
                    }
                }
            }
        }
        self.close();
    }

    /// Marks a declared body as not (yet) read.
    pub fn expect_body(&mut self, length: u64) {
        self.unread = length > 0;
    }

    /// Answers `Expect: 100-continue`, once the request is let in.
    pub fn continue_if_expected(&mut self, request: &Request) {
        if request
            .header("Expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
        {
            let _ = self.send(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
    }

    /// Reads exactly `length` body bytes (the caller has checked `length`
    /// against its cap), within the request's deadline.
    pub fn read_body(&mut self, length: u64) -> Result<Vec<u8>, Reply> {
        let length = usize::try_from(length).map_err(|_| Reply::error(413, "body too large"))?;
        let mut body = std::mem::take(&mut self.extra);
        body.truncate(length);
        body.reserve_exact(length - body.len());
        let mut chunk = [0u8; 8192];
        while body.len() < length {
            let want = (length - body.len()).min(chunk.len());
            match self.read_some(&mut chunk[..want]) {
                Ok(0) => return Err(Reply::error(400, "the body ended early")),
                Ok(n) => body.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(Reply::error(408, "the request body took too long"));
                }
                Err(_) => return Err(Reply::error(400, "could not read the request body")),
            }
        }
        self.unread = false;
        Ok(body)
    }

    /// Sends a reply and closes the connection.
    pub fn respond(mut self, reply: Reply) {
        let _ = self.send(&reply.encode());
        self.close();
    }

    /// Closes; if a body was left unread, first drains a bounded part of it
    /// so the client sees the reply rather than a reset.
    fn close(mut self) {
        if let Some(tls) = self.tls.as_mut()
            && !tls.is_handshaking()
        {
            tls.send_close_notify();
            let _ = flush_tls(tls, &mut self.stream);
        }
        if !self.unread {
            return;
        }
        let _ = self.stream.shutdown(Shutdown::Write);
        let until = Instant::now() + LINGER_TIME;
        let mut drained = 0;
        let mut chunk = [0u8; 8192];
        while drained < LINGER_BYTES {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stream.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    }
}

/// Sends what rustls has to send (records, handshake messages, alerts).
fn flush_tls(tls: &mut ServerConnection, stream: &mut TcpStream) -> std::io::Result<()> {
    while tls.wants_write() {
        tls.write_tls(stream)?;
    }
    stream.flush()
}

fn parse_request_line(line: &str) -> Result<(String, String), HeadError> {
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed("bad request line"));
    };
    if method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_alphabetic())
        || !target.starts_with('/')
        || !version.starts_with("HTTP/1.")
    {
        return Err(HeadError::Malformed("bad request line"));
    }
    Ok((method.to_ascii_uppercase(), target.to_string()))
}

fn parse_header(line: &str) -> Result<(String, String), HeadError> {
    let (name, value) = line
        .split_once(':')
        .ok_or(HeadError::Malformed("bad header line"))?;
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(HeadError::Malformed("bad header name"));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// A whole reply, sent with a length and `Connection: close`.
#[derive(Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    pub fn new(status: u16, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// `{"error": message}` as JSON.
    pub fn error(status: u16, message: &str) -> Reply {
        let body = serde_json::to_vec(&serde_json::json!({ "error": message }))
            .unwrap_or_else(|_| b"{}".to_vec());
        Reply::new(status, body).with_header("Content-Type", "application/json; charset=utf-8")
    }

    /// Adds a header; names and values here are the console's own ASCII,
    /// and any CR or LF is dropped so none can split the head.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        let clean = |s: &str| s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        self.headers.push((clean(name), clean(value)));
        self
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = self.encode_head(self.body.len() as u64);
        out.extend_from_slice(&self.body);
        out
    }

    /// The status line and headers, with `length` as the body's length.
    fn encode_head(&self, length: u64) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str(&format!(
            "Content-Length: {length}\r\nConnection: close\r\n\r\n"
        ));
        head.into_bytes()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        507 => "Insufficient Storage",
        _ => "",
    }
}
