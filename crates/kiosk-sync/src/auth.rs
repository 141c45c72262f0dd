//! Uploads to the store server are signed with the store's shared key, in
//! the scheme the staff link uses (`kiosk-staff`'s `auth.rs`), so one key
//! serves both and a console or server can check either:
//!
//! ```text
//! Authorization: Kiosk-HMAC-SHA256 ts=…,nonce=…,sig=…
//! sig = hex HMAC-SHA256(key, METHOD \n PATH \n TS \n NONCE \n hex(SHA-256(body)))
//! ```
//!
//! `kiosk serve-bundles` refuses an upload whose signature is missing or
//! wrong, whose `ts` is further from its clock than the skew limit, or
//! whose nonce it already saw inside that window (a replay), each with 401,
//! before the upload touches the disk. The key itself never crosses the
//! network. (Copied rather than shared: kiosk-staff does not depend on this
//! crate, nor this crate on it, and the scheme is a few lines.)

use std::collections::HashMap;
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::bundle::hex;
use crate::error::{Error, Result};

/// The `Authorization` scheme name.
pub const SCHEME: &str = "Kiosk-HMAC-SHA256";

/// Signed requests whose time differs more from the server's are refused.
pub const DEFAULT_MAX_SKEW_SECS: u64 = 300;

type HmacSha256 = Hmac<Sha256>;

/// The store's shared secret. Its `Debug` form never shows it.
#[derive(Clone)]
pub struct StoreKey(Vec<u8>);

impl StoreKey {
    /// As for the staff link: at least this many characters.
    pub const MIN_CHARS: usize = 16;

    /// A key from its text (surrounding whitespace ignored).
    pub fn new(text: &str) -> Result<StoreKey> {
        let text = text.trim();
        let n = text.chars().count();
        if n < StoreKey::MIN_CHARS {
            return Err(Error::Key(format!(
                "the store key must be at least {} characters (it has {n})",
                StoreKey::MIN_CHARS
            )));
        }
        Ok(StoreKey(text.as_bytes().to_vec()))
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC accepts keys of any length")
    }
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(<hidden>)")
    }
}

/// The hex signature of one request.
pub fn sign(key: &StoreKey, method: &str, path: &str, ts: i64, nonce: &str, body: &[u8]) -> String {
    let mut mac = key.mac();
    mac.update(canonical(method, path, ts, nonce, body).as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn canonical(method: &str, path: &str, ts: i64, nonce: &str, body: &[u8]) -> String {
    format!(
        "{}\n{path}\n{ts}\n{nonce}\n{}",
        method.to_ascii_uppercase(),
        hex(&Sha256::digest(body))
    )
}

/// A complete `Authorization` value for a request made at `ts` (Unix
/// seconds), with a fresh random nonce.
pub fn authorization(key: &StoreKey, method: &str, path: &str, body: &[u8], ts: i64) -> String {
    let nonce = hex(&rand::random::<[u8; 16]>());
    let sig = sign(key, method, path, ts, &nonce, body);
    format!("{SCHEME} ts={ts},nonce={nonce},sig={sig}")
}

/// Why a signed request was refused (401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Malformed(&'static str),
    BadSignature,
    /// `now` is the server's clock, so an honest kiosk can tell.
    Stale {
        now: i64,
    },
    Replayed,
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::Missing => format!(
                "uploads must be signed with the store key ({SCHEME}): set [staff] key_file on the kiosk"
            ),
            Refusal::Malformed(what) => format!("malformed authorization: {what}"),
            Refusal::BadSignature => {
                "the signature does not match: the kiosk's store key differs from the server's"
                    .into()
            }
            Refusal::Stale { now } => {
                format!("the request's time is too far from the server's clock (server time {now})")
            }
            Refusal::Replayed => "this request was already received (replay)".into(),
        }
    }
}

/// Checks signed requests: signature, time window, replays.
pub struct Verifier {
    key: StoreKey,
    max_skew_secs: u64,
    /// Nonces seen with their timestamps, pruned once outside the window.
    seen: Mutex<HashMap<String, i64>>,
}

impl Verifier {
    pub fn new(key: StoreKey, max_skew_secs: u64) -> Verifier {
        Verifier {
            key,
            max_skew_secs,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Verifies one request against its `Authorization` value at `now`
    /// (Unix seconds).
    pub fn verify(
        &self,
        header: Option<&str>,
        method: &str,
        path: &str,
        body: &[u8],
        now: i64,
    ) -> std::result::Result<(), Refusal> {
        let (ts, nonce, sig) = parse(header.ok_or(Refusal::Missing)?)?;
        let mut mac = self.key.mac();
        mac.update(canonical(method, path, ts, &nonce, body).as_bytes());
        mac.verify_slice(&sig).map_err(|_| Refusal::BadSignature)?;
        if now.abs_diff(ts) > self.max_skew_secs {
            return Err(Refusal::Stale { now });
        }
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let horizon = now.saturating_sub(i64::try_from(self.max_skew_secs).unwrap_or(i64::MAX));
        seen.retain(|_, at| *at >= horizon);
        if seen.insert(nonce, ts).is_some() {
            return Err(Refusal::Replayed);
        }
        Ok(())
    }

    /// What can be checked before the body is read: the header is well
    /// formed, its time within the window, its nonce unused. A stranger
    /// without a fresh signed header never gets a body read.
    pub fn precheck(&self, header: Option<&str>, now: i64) -> std::result::Result<(), Refusal> {
        let (ts, nonce, _) = parse(header.ok_or(Refusal::Missing)?)?;
        if now.abs_diff(ts) > self.max_skew_secs {
            return Err(Refusal::Stale { now });
        }
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.contains_key(&nonce) {
            return Err(Refusal::Replayed);
        }
        Ok(())
    }
}

fn parse(value: &str) -> std::result::Result<(i64, String, Vec<u8>), Refusal> {
    let rest = value
        .trim()
        .strip_prefix(SCHEME)
        .ok_or(Refusal::Malformed("unknown scheme"))?;
    let (mut ts, mut nonce, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (name, val) = part
            .trim()
            .split_once('=')
            .ok_or(Refusal::Malformed("expected name=value pairs"))?;
        match name.trim() {
            "ts" => ts = val.trim().parse::<i64>().ok(),
            "nonce" => nonce = Some(val.trim().to_string()),
            "sig" => sig = Some(val.trim().to_ascii_lowercase()),
            _ => return Err(Refusal::Malformed("unknown field")),
        }
    }
    let ts = ts.ok_or(Refusal::Malformed("missing or bad ts"))?;
    let nonce = nonce.ok_or(Refusal::Malformed("missing nonce"))?;
    let sig = sig.ok_or(Refusal::Malformed("missing sig"))?;
    if !(16..=64).contains(&nonce.len()) || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::Malformed("nonce must be 16 to 64 hex digits"));
    }
    if sig.len() != 64 {
        return Err(Refusal::Malformed("sig must be 64 hex digits"));
    }
    let sig = (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&sig[i..i + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()
        .ok_or(Refusal::Malformed("sig is not hex"))?;
    Ok((ts, nonce, sig))
}

#[cfg(test)]
mod tests;
