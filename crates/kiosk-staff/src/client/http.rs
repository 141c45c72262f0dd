//! A signed HTTPS (or HTTP) client of the console's API, over rustls with
//! the console's certificate pinned by its SHA-256 (`tls.rs`), a fresh
//! connection per request, used by the kiosk's link, the
//! `kiosk` commands and the tests. Every request is signed with the store
//! key; a refusal for clock skew is corrected once from the console's
//! clock (an offline kiosk's clock drifts) and the request sent again.
//!
//! Every reply must carry the console's signature over its status, its
//! body and the request's nonce and time (`auth.rs`); a reply without it
//! is treated as no reply at all (the console unreachable), so a machine
//! posing as the console cannot make the kiosk say "on my way" or
//! "resolved", nor fail a call. Only a refusal (401) may come unsigned: a
//! console with another key cannot sign, and a refusal only keeps a call
//! queued; its clock is adopted only from a signed one.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::{
    CONTENT_SHA256, REPLY_SIGNATURE, StoreKey, body_sha256, signed_request, verify_reply,
};
use crate::call::{
    AnalyticsPush, CallId, CallRecord, CallState, Delivered, KioskFigures, NewCall, StateChange,
    WatchReply, WatchRequest,
};
use crate::error::{Error, Result};

pub struct ConsoleClient {
    base: String,
    /// `HOST:PORT`, to connect to and to send as `Host`.
    authority: String,
    /// The pinned TLS settings and the name to send, for `https://`.
    tls: Option<(Arc<rustls::ClientConfig>, ServerName<'static>)>,
    key: StoreKey,
    timeout: Duration,
    /// Seconds to add to this machine's clock to match the console's.
    clock_offset: AtomicI64,
}

/// The largest reply read.
const MAX_REPLY: usize = 16 * 1024 * 1024;
/// The largest reply head read.
const MAX_REPLY_HEAD: usize = 64 * 1024;

impl ConsoleClient {
    /// A client of the console at `url` (`http://HOST:PORT`); `timeout`
    /// bounds every request but watches, which add their wait to it. An
    /// `https://` console needs its certificate's fingerprint:
    /// [`ConsoleClient::pinned`].
    pub fn new(url: &str, key: StoreKey, timeout: Duration) -> Result<ConsoleClient> {
        ConsoleClient::pinned(url, key, timeout, None)
    }

    /// A client of the console at `url`, `https://HOST:PORT` with the
    /// SHA-256 of its certificate (`[staff] console_cert_sha256`; no other
    /// certificate is accepted), or `http://HOST:PORT`.
    pub fn pinned(
        url: &str,
        key: StoreKey,
        timeout: Duration,
        cert_sha256: Option<&str>,
    ) -> Result<ConsoleClient> {
        let base = url.trim().trim_end_matches('/').to_string();
        let (authority, https) = if let Some(host) = base.strip_prefix("https://") {
            (host.to_string(), true)
        } else if let Some(host) = base.strip_prefix("http://") {
            (host.to_string(), false)
        } else {
            return Err(Error::Invalid(format!(
                "staff console url {url:?}: expected https://HOST:PORT (or http://HOST:PORT)"
            )));
        };
        if authority.is_empty() || authority.contains('/') {
            return Err(Error::Invalid(format!(
                "staff console url {url:?}: expected https://HOST:PORT with no path"
            )));
        }
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => authority.as_str(),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let authority = if authority.rsplit_once(':').is_some_and(|(h, p)| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':')
        }) {
            authority.clone()
        } else {
            format!("{authority}:{}", if https { 443 } else { 80 })
        };
        let tls = match (https, cert_sha256) {
            (true, Some(pin)) => {
                let name = ServerName::try_from(host.to_string())
                    .map_err(|e| Error::Invalid(format!("staff console url {url:?}: {e}")))?;
                Some((crate::tls::client_config(pin)?, name))
            }
            (true, None) => {
                return Err(Error::Invalid(format!(
                    "staff console {url}: set [staff] console_cert_sha256 to the fingerprint `kiosk staff-console` prints (the kiosk trusts no other certificate)"
                )));
            }
            (false, _) => None,
        };
        Ok(ConsoleClient {
            base,
            authority,
            tls,
            key,
            timeout,
            clock_offset: AtomicI64::new(0),
        })
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    /// Pretends this machine's clock is off by `secs` (tests).
    #[cfg(test)]
    pub(crate) fn set_clock_offset(&self, secs: i64) {
        self.clock_offset.store(secs, Ordering::Relaxed);
    }

    /// Delivers a call (idempotent by its id).
    pub fn deliver(&self, call: &NewCall) -> Result<Delivered> {
        self.post("/api/calls", call, self.timeout)
    }

    /// Waits for changes to a kiosk's calls (see [`WatchRequest`]).
    pub fn watch(&self, request: &WatchRequest) -> Result<WatchReply> {
        let timeout = self.timeout + Duration::from_millis(request.wait_ms);
        self.post("/api/calls/watch", request, timeout)
    }

    pub fn set_state(&self, id: &CallId, state: CallState, by: Option<&str>) -> Result<CallRecord> {
        let change = StateChange {
            state,
            by: by.map(str::to_string),
        };
        self.post(&format!("/api/calls/{id}/state"), &change, self.timeout)
    }

    pub fn call(&self, id: &CallId) -> Result<CallRecord> {
        self.get(&format!("/api/calls/{id}"))
    }

    /// Open calls, or every call the console keeps with `all`.
    pub fn calls(&self, all: bool) -> Result<Vec<CallRecord>> {
        #[derive(serde::Deserialize)]
        struct Calls {
            calls: Vec<CallRecord>,
        }
        let path = if all {
            "/api/calls?all=1"
        } else {
            "/api/calls"
        };
        Ok(self.get::<Calls>(path)?.calls)
    }

    pub fn push_analytics(&self, push: &AnalyticsPush) -> Result<()> {
        self.post::<_, serde_json::Value>("/api/analytics", push, self.timeout)
            .map(|_| ())
    }

    pub fn analytics(&self) -> Result<Vec<KioskFigures>> {
        #[derive(serde::Deserialize)]
        struct Kiosks {
            kiosks: Vec<KioskFigures>,
        }
        Ok(self.get::<Kiosks>("/api/analytics")?.kiosks)
    }

    fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<R> {
        let body = serde_json::to_vec(body).map_err(Error::json("encoding a request"))?;
        let (status, reply) = self.send("POST", path, &body, timeout)?;
        self.decode(status, &reply)
    }

    fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R> {
        let (status, reply) = self.send("GET", path, b"", self.timeout)?;
        self.decode(status, &reply)
    }

    /// Sends a signed request; a refusal for clock skew adopts the
    /// console's clock and tries once more.
    fn send(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        timeout: Duration,
    ) -> Result<(u16, Vec<u8>)> {
        let mut corrected = false;
        loop {
            let (status, reply, authentic) = self.send_once(method, path, body, timeout)?;
            if !authentic && status != 401 {
                return Err(Error::Unreachable {
                    url: self.base.clone(),
                    message: format!(
                        "HTTP {status} without the console's signature: not the console, or a console with another store key"
                    ),
                });
            }
            if status == 401 && authentic && !corrected {
                #[derive(serde::Deserialize)]
                struct Stale {
                    #[serde(default)]
                    stale: bool,
                    now: Option<i64>,
                }
                if let Ok(Stale {
                    stale: true,
                    now: Some(now),
                }) = serde_json::from_slice::<Stale>(&reply)
                {
                    self.clock_offset.store(
                        now.saturating_sub(jiff::Timestamp::now().as_second()),
                        Ordering::Relaxed,
                    );
                    corrected = true;
                    continue;
                }
            }
            return Ok((status, reply));
        }
    }

    fn send_once(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        timeout: Duration,
    ) -> Result<(u16, Vec<u8>, bool)> {
        let ts = jiff::Timestamp::now()
            .as_second()
            .saturating_add(self.clock_offset.load(Ordering::Relaxed));
        let signed = signed_request(&self.key, method, path, body, ts);
        let auth = signed.value();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAuthorization: {auth}\r\nContent-Length: {}\r\n",
            self.authority,
            body.len()
        );
        if method != "GET" {
            head.push_str(&format!(
                "Content-Type: application/json\r\n{CONTENT_SHA256}: {}\r\n",
                body_sha256(body)
            ));
        }
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        let (status, signature, reply) =
            self.exchange(&request, timeout)
                .map_err(|e| Error::Unreachable {
                    url: self.base.clone(),
                    message: e.to_string(),
                })?;
        let authentic = verify_reply(
            &self.key,
            signature.as_deref(),
            status,
            method,
            path,
            &signed,
            &reply,
        );
        Ok((status, reply, authentic))
    }

    /// One request on a fresh connection (a pooled one can be silently
    /// dead after a console restart or a Wi-Fi drop), all of it within
    /// `timeout`: the status, the reply's signature header and its body.
    fn exchange(
        &self,
        request: &[u8],
        timeout: Duration,
    ) -> std::io::Result<(u16, Option<String>, Vec<u8>)> {
        let deadline = Instant::now() + timeout;
        let connect_within = self.timeout.min(timeout);
        let mut last = std::io::Error::other("no address");
        let mut tcp = None;
        for addr in self.authority.to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, connect_within) {
                Ok(stream) => {
                    tcp = Some(stream);
                    break;
                }
                Err(e) => last = e,
            }
        }
        let tcp = tcp.ok_or(last)?;
        tcp.set_nodelay(true)?;
        let timer = tcp.try_clone()?;
        let left = || {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the console did not answer in time",
                ))
            } else {
                Ok(left)
            }
        };
        timer.set_write_timeout(Some(left()?))?;
        let mut stream: Box<dyn ReadWrite> = match &self.tls {
            // The handshake and every read under the deadline, one network
            // read at a time: a server that is not the console (it cannot
            // finish the handshake), or one trickling a record a byte at a
            // time, cannot hold the kiosk past it.
            Some((config, name)) => Box::new(crate::tls::ClientStream::connect(
                tcp,
                Arc::clone(config),
                name.clone(),
                deadline,
                timeout,
            )?),
            None => Box::new(tcp),
        };
        timer.set_read_timeout(Some(left()?))?;
        stream.write_all(request)?;
        stream.flush()?;
        let mut data = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        let mut head_end = None;
        let mut length = None;
        loop {
            if let (Some(end), Some(length)) = (head_end, length)
                && data.len() >= end + length
            {
                data.truncate(end + length);
                break;
            }
            timer.set_read_timeout(Some(left()?))?;
            let n = match stream.read(&mut chunk) {
                Ok(n) => n,
                // A reply read to its length needs no close_notify.
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && length.is_none() => 0,
                Err(e) => return Err(e),
            };
            if n == 0 {
                if head_end.is_some() && length.is_none() {
                    break;
                }
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the console closed the connection mid-reply",
                ));
            }
            data.extend_from_slice(&chunk[..n]);
            if data.len() > MAX_REPLY + MAX_REPLY_HEAD {
                return Err(std::io::Error::other("the reply is too large"));
            }
            if head_end.is_none() {
                if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    head_end = Some(pos + 4);
                    length = reply_header(&data[..pos], "Content-Length")
                        .and_then(|v| v.trim().parse::<usize>().ok());
                    if length.is_some_and(|l| l > MAX_REPLY) {
                        return Err(std::io::Error::other("the reply is too large"));
                    }
                } else if data.len() > MAX_REPLY_HEAD {
                    return Err(std::io::Error::other("the reply's head is too large"));
                }
            }
        }
        let end = head_end.unwrap_or(data.len());
        let head = std::str::from_utf8(&data[..end])
            .map_err(|_| std::io::Error::other("the reply's head is not UTF-8"))?;
        let status = head
            .split("\r\n")
            .next()
            .and_then(|line| line.strip_prefix("HTTP/1."))
            .and_then(|rest| rest.split(' ').nth(1))
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or_else(|| std::io::Error::other("not an HTTP reply"))?;
        let signature = reply_header(&data[..end], REPLY_SIGNATURE).map(|v| v.trim().to_string());
        Ok((status, signature, data[end..].to_vec()))
    }

    fn decode<R: DeserializeOwned>(&self, status: u16, reply: &[u8]) -> Result<R> {
        let message = || {
            serde_json::from_slice::<serde_json::Value>(reply)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(reply).chars().take(200).collect())
        };
        match status {
            200..=299 => serde_json::from_slice(reply).map_err(|e| Error::Unreachable {
                url: self.base.clone(),
                message: format!("unexpected reply: {e}"),
            }),
            408 | 429 => Err(Error::Unreachable {
                url: self.base.clone(),
                message: format!("HTTP {status}: {}", message()),
            }),
            401 | 403 => Err(Error::Refused {
                url: self.base.clone(),
                status,
                message: message(),
            }),
            400..=499 => Err(Error::Rejected {
                url: self.base.clone(),
                status,
                message: message(),
            }),
            _ => Err(Error::Unreachable {
                url: self.base.clone(),
                message: format!("HTTP {status}: {}", message()),
            }),
        }
    }
}

/// A plain or TLS connection.
trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// A header's value in a reply head (names are case-blind).
fn reply_header<'a>(head: &'a [u8], name: &str) -> Option<&'a str> {
    std::str::from_utf8(head)
        .ok()?
        .split("\r\n")
        .skip(1)
        .find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then_some(v)
        })
}
