//! `https://` to the store server with its certificate pinned by its
//! SHA-256 (`[sync] server_cert_sha256`), as kiosks pin the staff
//! console's: a small HTTP/1.1 client over `kiosk_staff::tls::ClientStream`,
//! which drives rustls one network read at a time, so the handshake and
//! every read of the body keep to the per-read timeout and the transfer
//! deadline, however the server trickles its records. A server that cannot
//! prove it holds the pinned certificate's key is sent nothing: the
//! handshake fails before the request is written.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Instant;

use kiosk_staff::tls::ClientStream;
use rustls::pki_types::ServerName;

use super::HttpOptions;

/// The largest reply head read.
const MAX_HEAD: usize = 64 * 1024;

/// Why an exchange failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The server's certificate is not the pinned one (or it could not
    /// prove it holds its key): not retryable, nothing was sent.
    NotPinned(String),
    /// The transfer deadline passed.
    Deadline,
    /// Anything else on the network (retryable).
    Io(String),
    /// The reply is not one this client reads.
    Protocol(String),
}

/// A reply whose head has been read; `body` reads the rest.
pub(crate) struct Reply {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: Body,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `https://HOST[:PORT]/PATH` split up.
struct Target {
    /// `HOST:PORT`, to connect to and to send as `Host`.
    authority: String,
    host: String,
    path: String,
}

fn target(url: &str) -> Result<Target, String> {
    let rest = url
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..])
        .ok_or_else(|| format!("{url}: expected an https:// URL"))?;
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(format!("{url}: no host"));
    }
    let port = authority.rsplit_once(':').filter(|(host, port)| {
        !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
            && (host.ends_with(']') || !host.contains(':'))
    });
    let (host, authority) = match port {
        Some((host, _)) => (host, authority.to_string()),
        None => (authority, format!("{authority}:443")),
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    Ok(Target {
        authority,
        host,
        path: path.to_string(),
    })
}

/// Sends one request on a fresh connection and reads the reply's head;
/// everything, body included, ends by the transfer deadline.
pub(crate) fn exchange(
    config: &Arc<rustls::ClientConfig>,
    options: &HttpOptions,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Reply, Failure> {
    let deadline = Instant::now() + options.transfer_deadline;
    let target = target(url).map_err(Failure::Protocol)?;
    let name = ServerName::try_from(target.host.clone())
        .map_err(|e| Failure::Protocol(format!("{url}: {e}")))?;
    let mut last = "the host name gave no address".to_string();
    let mut tcp = None;
    let addrs = target
        .authority
        .to_socket_addrs()
        .map_err(|e| Failure::Io(format!("looking up {}: {e}", target.authority)))?;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, options.connect_timeout) {
            Ok(stream) => {
                tcp = Some(stream);
                break;
            }
            Err(e) => last = format!("connection failed (is the store server up?): {e}"),
        }
    }
    let tcp = tcp.ok_or(Failure::Io(last))?;
    let _ = tcp.set_nodelay(true);
    let io = |e: std::io::Error| {
        if Instant::now() >= deadline {
            Failure::Deadline
        } else {
            Failure::Io(e.to_string())
        }
    };
    let mut stream = ClientStream::connect(
        tcp,
        Arc::clone(config),
        name,
        deadline,
        options.read_timeout,
    )
    .map_err(|e| {
        let text = e.to_string();
        if text.contains("not the pinned one") {
            Failure::NotPinned(text)
        } else if e.kind() == std::io::ErrorKind::InvalidData {
            Failure::NotPinned(format!("the TLS handshake failed: {text}"))
        } else {
            io(e)
        }
    })?;
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: kiosk/{}\r\nConnection: close\r\n",
        target.path,
        target.authority,
        env!("CARGO_PKG_VERSION")
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method != "GET" && method != "HEAD" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(io)?;
    stream.write_all(body).map_err(io)?;
    stream.flush().map_err(io)?;

    let mut data = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let end = loop {
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if data.len() > MAX_HEAD {
            return Err(Failure::Protocol("the reply's head is too large".into()));
        }
        let n = stream.read(&mut chunk).map_err(io)?;
        if n == 0 {
            return Err(Failure::Io(
                "the server closed the connection before replying".into(),
            ));
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&data[..end])
        .map_err(|_| Failure::Protocol("the reply's head is not UTF-8".into()))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.strip_prefix("HTTP/1."))
        .and_then(|rest| rest.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| Failure::Protocol("not an HTTP reply".into()))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (n, v) = line.split_once(':')?;
            Some((n.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let mut reply = Reply {
        status,
        headers,
        body: Body {
            buffered: data[end + 4..].to_vec(),
            at: 0,
            stream: Some(stream),
            left: None,
            deadline,
        },
    };
    let bodiless = method == "HEAD" || status == 304 || status == 204 || status < 200;
    if bodiless {
        reply.body.left = Some(0);
    } else if reply
        .header("Transfer-Encoding")
        .is_some_and(|v| !v.eq_ignore_ascii_case("identity"))
    {
        return Err(Failure::Protocol(
            "the server sent a chunked body; expected one with a Content-Length".into(),
        ));
    } else if let Some(length) = reply.header("Content-Length") {
        reply.body.left = Some(
            length
                .parse::<u64>()
                .map_err(|_| Failure::Protocol(format!("bad Content-Length {length:?}")))?,
        );
    }
    Ok(reply)
}

/// A reply's body: its declared length (or up to the close), read under
/// the exchange's deadline.
pub(crate) struct Body {
    buffered: Vec<u8>,
    at: usize,
    stream: Option<ClientStream>,
    /// Bytes still to come; `None`: until the server closes.
    left: Option<u64>,
    deadline: Instant,
}

impl Body {
    /// Whether the deadline has passed (to name it in an error).
    pub fn past_deadline(&self) -> bool {
        Instant::now() >= self.deadline
    }
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = match self.left {
            Some(0) => return Ok(0),
            Some(left) => buf.len().min(usize::try_from(left).unwrap_or(usize::MAX)),
            None => buf.len(),
        };
        let n = if self.at < self.buffered.len() {
            let n = want.min(self.buffered.len() - self.at);
            buf[..n].copy_from_slice(&self.buffered[self.at..self.at + n]);
            self.at += n;
            n
        } else {
            let Some(stream) = self.stream.as_mut() else {
                return Ok(0);
            };
            match stream.read(&mut buf[..want]) {
                Ok(n) => n,
                // A body read to its length needs no close_notify.
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && self.left.is_none() => 0,
                Err(e) => return Err(e),
            }
        };
        if n == 0 && self.left.is_some() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the server closed the connection before the end of the body",
            ));
        }
        if let Some(left) = self.left.as_mut() {
            *left -= n as u64;
        }
        Ok(n)
    }
}
