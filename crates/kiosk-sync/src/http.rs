//! The HTTP client for LAN pulls and uploads: synchronous (ureq), with a
//! connect timeout, a per-read timeout (a server that stops sending mid-body
//! is given up on, however large the bundle), a deadline on the whole
//! download (a server trickling a byte just inside the per-read timeout
//! would otherwise hold the sync lock for as long as it likes), and a retry
//! schedule with exponential backoff and jitter.
//!
//! `https://` (the store server, `kiosk serve-bundles`) is spoken only with
//! the server's certificate pinned by its SHA-256 (`[sync]
//! server_cert_sha256`; `http/pinned.rs`): an `https://` URL without a pin
//! is a configuration error, and a server with another certificate is sent
//! nothing. `http://` (any static server; bundles are signed, so the
//! network cannot forge one) goes through ureq and takes no uploads (see
//! `syncer.rs`).

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::state::Validators;

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// The longest wait for any one read (headers or body).
    pub read_timeout: Duration,
    /// Tries per sync (1 = no retry).
    pub attempts: u32,
    /// The wait before the second try; it doubles for each later one.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// The longest one download may take, headers to last byte.
    pub transfer_deadline: Duration,
    /// The SHA-256 of the store server's certificate, which `https://`
    /// needs (`[sync] server_cert_sha256`); no other is trusted.
    pub server_cert_sha256: Option<String>,
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            attempts: 3,
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            transfer_deadline: Duration::from_secs(1800),
            server_cert_sha256: None,
        }
    }
}

impl HttpOptions {
    /// The wait before try number `attempt + 1` (0-based `attempt` failed):
    /// `backoff * 2^attempt`, capped, plus up to a quarter more at random
    /// so kiosks that failed together do not retry together.
    pub fn backoff_after(&self, attempt: u32) -> Duration {
        let base = self
            .backoff
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_backoff);
        let jitter = base.mul_f64(rand::random::<f64>() * 0.25);
        base + jitter
    }
}

pub struct Client {
    agent: ureq::Agent,
    /// The TLS settings pinned to `server_cert_sha256`; `Err` says why
    /// there are none (no pin, or not a fingerprint).
    pinned: std::result::Result<Arc<rustls::ClientConfig>, String>,
    pub options: HttpOptions,
}

mod pinned;

/// A GET's answer.
pub enum Fetched {
    /// 304: the bundle is the one the kiosk already has.
    NotModified,
    Body {
        reader: Box<dyn Read + Send>,
        length: Option<u64>,
        validators: Validators,
    },
}

impl Client {
    pub fn new(options: HttpOptions) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_per_read(Some(options.read_timeout))
            .timeout_per_write(Some(options.read_timeout))
            .timeout_recv_response(Some(options.read_timeout))
            .user_agent(concat!("kiosk/", env!("CARGO_PKG_VERSION")))
            .build();
        let pinned = match options.server_cert_sha256.as_deref() {
            None => Err(
                "set [sync] server_cert_sha256 to the certificate SHA-256 `kiosk serve-bundles` prints (the kiosk trusts no other certificate)".to_string(),
            ),
            Some(pin) => match kiosk_staff::tls::parse_fingerprint(pin) {
                Some(pin) => kiosk_staff::tls::client_config(&pin).map_err(|e| e.to_string()),
                None => Err(format!(
                    "[sync] server_cert_sha256 = {pin:?}: expected 64 hex digits (the certificate SHA-256 `kiosk serve-bundles` prints)"
                )),
            },
        };
        Client {
            agent: ureq::Agent::new_with_config(config),
            pinned,
            options,
        }
    }

    /// The pinned TLS settings for an `https://` URL; `None` for any other.
    fn tls_for(&self, url: &str) -> Result<Option<&Arc<rustls::ClientConfig>>> {
        if !is_https(url) {
            return Ok(None);
        }
        self.pinned
            .as_ref()
            .map(Some)
            .map_err(|why| Error::Invalid(format!("{url}: {why}")))
    }

    /// One exchange over pinned TLS, its failure as a source error.
    fn exchange(
        &self,
        config: &Arc<rustls::ClientConfig>,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<pinned::Reply> {
        pinned::exchange(config, &self.options, method, url, headers, body).map_err(|failure| {
            let (message, retryable) = match failure {
                pinned::Failure::NotPinned(why) => (
                    format!(
                        "{why}: not the store server whose certificate [sync] server_cert_sha256 pins; nothing was sent"
                    ),
                    false,
                ),
                pinned::Failure::Deadline => {
                    (deadline_message(self.options.transfer_deadline), true)
                }
                pinned::Failure::Io(why) => (why, true),
                pinned::Failure::Protocol(why) => (why, false),
            };
            Error::Source {
                location: url.to_string(),
                message,
                retryable,
            }
        })
    }

    /// GETs `url`, conditionally when validators are given. A 5xx or 429
    /// is a retryable source error; any other non-2xx is not.
    pub fn get(&self, url: &str, validators: Option<&Validators>) -> Result<Fetched> {
        if let Some(config) = self.tls_for(url)? {
            let mut headers = Vec::new();
            if let Some(v) = validators {
                if let Some(etag) = &v.etag {
                    headers.push(("If-None-Match", etag.as_str()));
                }
                if let Some(since) = &v.last_modified {
                    headers.push(("If-Modified-Since", since.as_str()));
                }
            }
            let reply = self.exchange(config, "GET", url, &headers, b"")?;
            if reply.status == 304 {
                return Ok(Fetched::NotModified);
            }
            if !(200..300).contains(&reply.status) {
                return Err(status_error(url, reply.status));
            }
            let header = |name: &str| reply.header(name).map(str::to_string);
            let validators = Validators {
                etag: header("etag"),
                last_modified: header("last-modified"),
            };
            let length = header("content-length").and_then(|l| l.parse().ok());
            return Ok(Fetched::Body {
                reader: Box::new(PinnedBody {
                    inner: reply.body,
                    deadline: self.options.transfer_deadline,
                }),
                length,
                validators,
            });
        }
        let mut request = self
            .agent
            .get(url)
            .config()
            .timeout_global(Some(self.options.transfer_deadline))
            .build();
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(since) = &v.last_modified {
                request = request.header("If-Modified-Since", since);
            }
        }
        let response = request
            .call()
            .map_err(|e| transfer(url, e, self.options.transfer_deadline))?;
        let status = response.status().as_u16();
        if status == 304 {
            return Ok(Fetched::NotModified);
        }
        if !(200..300).contains(&status) {
            return Err(status_error(url, status));
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        let length = header("content-length").and_then(|l| l.parse().ok());
        let reader = DeadlineNamed {
            inner: response.into_body().into_reader(),
            deadline: self.options.transfer_deadline,
        };
        Ok(Fetched::Body {
            reader: Box::new(reader),
            length,
            validators,
        })
    }

    /// POSTs `body` (with an `Authorization` value when given, and then
    /// the body's digest, so the server checks the signature before it
    /// reads the body) and returns the status and the start of the answer.
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        authorization: Option<&str>,
        body: &[u8],
    ) -> Result<(u16, String)> {
        let digest = crate::auth::body_sha256(body);
        if let Some(config) = self.tls_for(url)? {
            let mut headers = vec![("Content-Type", content_type)];
            if let Some(value) = authorization {
                headers.push(("Authorization", value));
                headers.push((crate::auth::CONTENT_SHA256, digest.as_str()));
            }
            let mut reply = self.exchange(config, "POST", url, &headers, body)?;
            let mut text = String::new();
            let _ = (&mut reply.body).take(4096).read_to_string(&mut text);
            return Ok((reply.status, text));
        }
        let mut request = self.agent.post(url).header("Content-Type", content_type);
        if let Some(value) = authorization {
            request = request
                .header("Authorization", value)
                .header(crate::auth::CONTENT_SHA256, digest.as_str());
        }
        let response = request
            .send(body)
            .map_err(|e| transfer(url, e, self.options.transfer_deadline))?;
        let status = response.status().as_u16();
        let mut text = String::new();
        let _ = response
            .into_body()
            .into_reader()
            .take(4096)
            .read_to_string(&mut text);
        Ok((status, text))
    }
}

/// A response body whose transfer-deadline error says which setting ran
/// out, rather than ureq's "timeout: global".
struct DeadlineNamed<R> {
    inner: R,
    deadline: Duration,
}

impl<R: Read> Read for DeadlineNamed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            let global = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<ureq::Error>())
                .is_some_and(|u| matches!(u, ureq::Error::Timeout(ureq::Timeout::Global)));
            if global {
                std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    deadline_message(self.deadline),
                )
            } else {
                e
            }
        })
    }
}

/// A pinned reply's body whose deadline error names the setting.
struct PinnedBody {
    inner: pinned::Body,
    deadline: Duration,
}

impl Read for PinnedBody {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if self.inner.past_deadline() {
                std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    deadline_message(self.deadline),
                )
            } else {
                e
            }
        })
    }
}

/// Whether `url` is `https://` (any case).
pub fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

fn deadline_message(deadline: Duration) -> String {
    format!(
        "timed out: the whole transfer took longer than {} s ([sync] transfer_deadline_seconds)",
        deadline.as_secs_f64()
    )
}

fn status_error(url: &str, status: u16) -> Error {
    let (message, retryable) = match status {
        404 => ("404 not found: no bundle at this URL".to_string(), false),
        429 => ("429 too many requests".to_string(), true),
        500..=599 => (format!("server error {status}"), true),
        _ => (format!("HTTP status {status}"), false),
    };
    Error::Source {
        location: url.to_string(),
        message,
        retryable,
    }
}

fn transfer(url: &str, e: ureq::Error, deadline: Duration) -> Error {
    use ureq::Error as E;
    let retryable = matches!(
        e,
        E::Io(_)
            | E::Timeout(_)
            | E::HostNotFound
            | E::ConnectionFailed
            | E::Protocol(_)
            | E::BodyStalled
    );
    let message = match &e {
        E::Timeout(ureq::Timeout::Global) => deadline_message(deadline),
        E::Timeout(t) => format!("timed out ({t})"),
        E::ConnectionFailed => "connection failed (is the store server up?)".to_string(),
        E::TlsRequired | E::Tls(_) => format!("{e}"),
        other => other.to_string(),
    };
    Error::Source {
        location: url.to_string(),
        message,
        retryable,
    }
}

/// The path of a URL (what a signature covers): `/uploads/ID` of
/// `http://host:8080/uploads/ID`.
pub fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/", |at| &rest[at..])
}

/// Where uploads go for a bundle URL: `scheme://host[:port]/uploads/`.
pub fn upload_base(bundle_url: &str) -> Option<String> {
    let (scheme, rest) = bundle_url.split_once("://")?;
    let authority = rest.split('/').next().filter(|a| !a.is_empty())?;
    Some(format!("{scheme}://{authority}/uploads/"))
}

#[cfg(test)]
mod tests;
