//! A signed HTTP client of the console's API, used by the kiosk's link, the
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

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

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
    key: StoreKey,
    agent: ureq::Agent,
    timeout: Duration,
    /// Seconds to add to this machine's clock to match the console's.
    clock_offset: AtomicI64,
}

impl ConsoleClient {
    /// A client of the console at `url` (`http://HOST:PORT`); `timeout`
    /// bounds every request but watches, which add their wait to it.
    pub fn new(url: &str, key: StoreKey, timeout: Duration) -> Result<ConsoleClient> {
        let base = url.trim().trim_end_matches('/').to_string();
        let Some(host) = base.strip_prefix("http://") else {
            return Err(Error::Invalid(format!(
                "staff console url {url:?}: expected http://HOST:PORT (the console speaks plain HTTP on the store's LAN; every request is signed)"
            )));
        };
        if host.is_empty() || host.contains('/') {
            return Err(Error::Invalid(format!(
                "staff console url {url:?}: expected http://HOST:PORT with no path"
            )));
        }
        // A fresh connection per request: a pooled one can be silently dead
        // (a restarted console, store Wi-Fi dropping idle connections) and
        // would hang until the timeout instead of failing at once. On a LAN
        // the extra handshake costs nothing a shopper notices.
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(timeout))
            .max_idle_connections(0)
            .max_idle_connections_per_host(0)
            .build()
            .new_agent();
        Ok(ConsoleClient {
            base,
            key,
            agent,
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
        let url = format!("{}{path}", self.base);
        let unreachable = |e: ureq::Error| Error::Unreachable {
            url: self.base.clone(),
            message: e.to_string(),
        };
        let response = if method == "GET" {
            self.agent
                .get(&url)
                .config()
                .timeout_global(Some(timeout))
                .build()
                .header("Authorization", &auth)
                .call()
        } else {
            self.agent
                .post(&url)
                .config()
                .timeout_global(Some(timeout))
                .build()
                .header("Authorization", &auth)
                .header("Content-Type", "application/json")
                .header(CONTENT_SHA256, body_sha256(body))
                .send(body)
        };
        let mut response = response.map_err(unreachable)?;
        let status = response.status().as_u16();
        let signature = response
            .headers()
            .get(REPLY_SIGNATURE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let reply = response
            .body_mut()
            .with_config()
            .limit(16 * 1024 * 1024)
            .read_to_vec()
            .map_err(unreachable)?;
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
