//! Authentication of every staff-console API request with the store's
//! shared key, without ever sending the key.
//!
//! A request carries `Authorization: Kiosk-HMAC-SHA256 ts=…,nonce=…,sig=…`
//! where `sig` is the hex HMAC-SHA256, under the store key, of
//!
//! ```text
//! METHOD \n PATH?QUERY \n TS \n NONCE \n hex(SHA-256(body))
//! ```
//!
//! `ts` is Unix seconds; the console refuses a signature older or newer than
//! its skew limit (offline kiosks' clocks drift, so the refusal tells the
//! console's time and the client corrects once), and a nonce it has already
//! seen in that window (a replay). The staff page computes the same HMAC in
//! its own JavaScript (`console/page.js`: WebCrypto only exists on HTTPS
//! pages, and a self-signed certificate may not count) to sign its login, then uses the
//! session cookie the console issues.
//!
//! Replies are authenticated too: the console answers every request whose
//! signature it checked with `X-Kiosk-Reply-Signature: <hex>`, the
//! HMAC-SHA256 under the same key of
//!
//! ```text
//! kiosk-reply/1 \n STATUS \n METHOD \n PATH?QUERY \n TS \n NONCE \n hex(SHA-256(reply body))
//! ```
//!
//! where `TS` and `NONCE` are the request's. The kiosk acts on a reply only
//! if it verifies ([`verify_reply`]), so a machine posing as the console
//! cannot fake "on my way" or "resolved", and a reply cannot be replayed
//! to another request (each request has a fresh nonce). The first line
//! cannot be a request's (a method has no `-` or `/`).
//!
//! The nonces seen within the window are written to the console's SQLite
//! file ([`NonceJournal`]), so a request captured before a restart is
//! still refused after it.
//!
//! A request with a body may also carry `X-Kiosk-Content-SHA256: <hex>`, the
//! digest it signed. The console then checks the signature against that
//! digest before it reads a byte of the body, and the body against the
//! digest afterwards, so a stranger without the key never gets a body read.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

mod nonces;
pub use nonces::NonceJournal;

/// The `Authorization` scheme name.
pub const SCHEME: &str = "Kiosk-HMAC-SHA256";

/// The header naming the hex SHA-256 of the body a request signed.
pub const CONTENT_SHA256: &str = "X-Kiosk-Content-SHA256";

/// The header carrying the console's signature of its reply.
pub const REPLY_SIGNATURE: &str = "X-Kiosk-Reply-Signature";

type HmacSha256 = Hmac<Sha256>;

/// The store's shared secret. Its `Debug` form never shows it.
#[derive(Clone)]
pub struct StoreKey(Vec<u8>);

impl StoreKey {
    /// Keys shorter than this are refused: staff type it once per device,
    /// so it can afford to be long.
    pub const MIN_CHARS: usize = 16;

    /// A key from its text (surrounding whitespace ignored).
    pub fn new(text: &str) -> Result<StoreKey> {
        let text = text.trim();
        if text.chars().count() < StoreKey::MIN_CHARS {
            return Err(Error::Key(format!(
                "the store key must be at least {} characters (it has {})",
                StoreKey::MIN_CHARS,
                text.chars().count()
            )));
        }
        Ok(StoreKey(text.as_bytes().to_vec()))
    }

    /// Reads the key from a file holding it on its first line.
    pub fn from_file(path: &Path) -> Result<StoreKey> {
        let text = std::fs::read_to_string(path).map_err(Error::io("reading store key", path))?;
        let first = text.lines().next().unwrap_or_default();
        StoreKey::new(first).map_err(|e| Error::Key(format!("{}: {e}", path.display())))
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

/// The text that is signed for one request.
pub fn canonical(method: &str, path: &str, ts: i64, nonce: &str, body: &[u8]) -> String {
    canonical_for_digest(method, path, ts, nonce, &body_sha256(body))
}

/// The signed text, given the body's hex SHA-256 rather than the body.
fn canonical_for_digest(method: &str, path: &str, ts: i64, nonce: &str, digest: &str) -> String {
    format!(
        "{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        path,
        ts,
        nonce,
        digest
    )
}

/// The hex SHA-256 of a body, as signed and as sent in [`CONTENT_SHA256`].
pub fn body_sha256(body: &[u8]) -> String {
    hex(&Sha256::digest(body))
}

/// The hex signature of one request.
pub fn sign(key: &StoreKey, method: &str, path: &str, ts: i64, nonce: &str, body: &[u8]) -> String {
    sign_digest(key, method, path, ts, nonce, &body_sha256(body))
}

/// The hex signature of one request, given its body's hex SHA-256.
pub fn sign_digest(
    key: &StoreKey,
    method: &str,
    path: &str,
    ts: i64,
    nonce: &str,
    digest: &str,
) -> String {
    let mut mac = key.mac();
    mac.update(canonical_for_digest(method, path, ts, nonce, digest).as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The text the console signs for a reply to one signed request.
fn reply_canonical(
    status: u16,
    method: &str,
    path: &str,
    ts: i64,
    nonce: &str,
    body: &[u8],
) -> String {
    format!(
        "kiosk-reply/1\n{status}\n{}\n{path}\n{ts}\n{nonce}\n{}",
        method.to_ascii_uppercase(),
        body_sha256(body)
    )
}

/// The hex signature of a reply (`status`, `body`) to the request
/// `method path` signed at `ts` with `nonce`.
pub fn sign_reply(
    key: &StoreKey,
    status: u16,
    method: &str,
    path: &str,
    request: &SignedHeader,
    body: &[u8],
) -> String {
    let mut mac = key.mac();
    mac.update(reply_canonical(status, method, path, request.ts, &request.nonce, body).as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Whether `signature` (the reply's [`REPLY_SIGNATURE`] header) is the
/// console's for this reply to this request. Compared in constant time.
pub fn verify_reply(
    key: &StoreKey,
    signature: Option<&str>,
    status: u16,
    method: &str,
    path: &str,
    request: &SignedHeader,
    body: &[u8],
) -> bool {
    let Some(expected) = signature.and_then(|s| decode_hex(s.trim())) else {
        return false;
    };
    let mut mac = key.mac();
    mac.update(reply_canonical(status, method, path, request.ts, &request.nonce, body).as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// A fresh header for a request made at `ts` (Unix seconds): its nonce
/// and signature, kept by the client to check the reply.
pub fn signed_request(
    key: &StoreKey,
    method: &str,
    path: &str,
    body: &[u8],
    ts: i64,
) -> SignedHeader {
    let nonce = hex(&rand::random::<[u8; 16]>());
    let sig = sign(key, method, path, ts, &nonce, body);
    SignedHeader { ts, nonce, sig }
}

/// A complete `Authorization` header value for a request made at `ts`
/// (Unix seconds), with a fresh random nonce.
pub fn authorization(key: &StoreKey, method: &str, path: &str, body: &[u8], ts: i64) -> String {
    signed_request(key, method, path, body, ts).value()
}

/// Why a request was not let in. The console answers each with 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No `Authorization` header and no session cookie.
    Missing,
    /// A header that does not follow the scheme.
    Malformed(&'static str),
    /// The signature does not match: a different store key, or a request
    /// changed on the way.
    BadSignature,
    /// The timestamp is outside the allowed skew; `now` is the console's
    /// time, so an honest client can correct its clock offset.
    Stale { now: i64 },
    /// The nonce was already used within the window.
    Replayed,
    /// The session cookie is unknown or expired.
    BadSession,
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::Missing => {
                format!("authentication required: sign the request ({SCHEME}) or sign in")
            }
            Refusal::Malformed(what) => format!("malformed authorization: {what}"),
            Refusal::BadSignature => {
                "the signature does not match: check the store key".to_string()
            }
            Refusal::Stale { .. } => {
                "the request's time is too far from the console's clock".to_string()
            }
            Refusal::Replayed => "this request was already received (replay)".to_string(),
            Refusal::BadSession => "the session has expired: sign in again".to_string(),
        }
    }
}

/// The parts of an `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeader {
    pub ts: i64,
    pub nonce: String,
    pub sig: String,
}

impl SignedHeader {
    /// The `Authorization` header value.
    pub fn value(&self) -> String {
        format!(
            "{SCHEME} ts={},nonce={},sig={}",
            self.ts, self.nonce, self.sig
        )
    }

    pub fn parse(value: &str) -> Result<SignedHeader, Refusal> {
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
        if sig.len() != 64 || !sig.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Refusal::Malformed("sig must be 64 hex digits"));
        }
        Ok(SignedHeader { ts, nonce, sig })
    }
}

/// Checks signed requests: signature, time window, and replays.
pub struct Verifier {
    key: StoreKey,
    max_skew_secs: i64,
    /// Nonces seen, with their timestamps, pruned once outside the window.
    seen: Mutex<HashMap<String, i64>>,
    /// Where the nonces are also written, so a restart keeps them.
    journal: Option<NonceJournal>,
}

impl Verifier {
    pub fn new(key: StoreKey, max_skew_secs: u64) -> Verifier {
        Verifier {
            key,
            max_skew_secs: i64::try_from(max_skew_secs).unwrap_or(i64::MAX / 4),
            seen: Mutex::new(HashMap::new()),
            journal: None,
        }
    }

    /// A verifier whose nonces are kept in `journal` too; the nonces still
    /// inside the window are read back first, so a request seen before a
    /// restart stays a replay after it.
    pub fn with_journal(
        key: StoreKey,
        max_skew_secs: u64,
        journal: NonceJournal,
        now: i64,
    ) -> Result<Verifier> {
        let mut verifier = Verifier::new(key, max_skew_secs);
        let horizon = verifier.horizon(now);
        journal.prune(horizon)?;
        let seen = journal.load(horizon)?;
        verifier.seen = Mutex::new(seen.into_iter().collect());
        verifier.journal = Some(journal);
        Ok(verifier)
    }

    /// Nonces older than this can no longer pass the time window (twice
    /// the skew, so a console clock stepped back does not revive them).
    fn horizon(&self, now: i64) -> i64 {
        now.saturating_sub(self.max_skew_secs.saturating_mul(2))
    }

    /// Verifies one request against its `Authorization` header at time
    /// `now` (Unix seconds).
    pub fn verify(
        &self,
        header: Option<&str>,
        method: &str,
        path: &str,
        body: &[u8],
        now: i64,
    ) -> Result<(), Refusal> {
        self.verify_digest(header, method, path, &body_sha256(body), now)
    }

    /// Verifies one request given the hex SHA-256 of its body, so the
    /// console can check a signature before reading the body (the caller
    /// then checks the body against `digest`).
    pub fn verify_digest(
        &self,
        header: Option<&str>,
        method: &str,
        path: &str,
        digest: &str,
        now: i64,
    ) -> Result<(), Refusal> {
        let header = SignedHeader::parse(header.ok_or(Refusal::Missing)?)?;
        let expected = decode_hex(&header.sig).ok_or(Refusal::Malformed("sig is not hex"))?;
        let mut mac = self.key.mac();
        mac.update(canonical_for_digest(method, path, header.ts, &header.nonce, digest).as_bytes());
        mac.verify_slice(&expected)
            .map_err(|_| Refusal::BadSignature)?;
        self.check_fresh(&header, now)?;
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= 4096 {
            let horizon = self.horizon(now);
            seen.retain(|_, ts| *ts >= horizon);
        }
        if seen.contains_key(&header.nonce) {
            return Err(Refusal::Replayed);
        }
        if let Some(journal) = &self.journal {
            // A nonce the file already has (another process on the same
            // file) is a replay too. A failed write lets the request in:
            // the memory still refuses the replay until a restart.
            if let Ok(false) = journal.record(&header.nonce, header.ts, self.horizon(now)) {
                return Err(Refusal::Replayed);
            }
        }
        seen.insert(header.nonce, header.ts);
        Ok(())
    }

    /// What can be checked of a signed request before its body is read
    /// when it does not name its body's digest: the header is well formed,
    /// its time is within the window and its nonce is unused. The signature
    /// itself waits for the body ([`Verifier::verify`]).
    pub fn precheck(&self, header: &str, now: i64) -> Result<(), Refusal> {
        let header = SignedHeader::parse(header)?;
        self.check_fresh(&header, now)?;
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.contains_key(&header.nonce) {
            return Err(Refusal::Replayed);
        }
        Ok(())
    }

    /// The time window, without arithmetic that a hostile `ts` (such as
    /// `i64::MIN`) could overflow.
    fn check_fresh(&self, header: &SignedHeader, now: i64) -> Result<(), Refusal> {
        if now.abs_diff(header.ts) > self.max_skew_secs.unsigned_abs() {
            return Err(Refusal::Stale { now });
        }
        Ok(())
    }

    pub fn key(&self) -> &StoreKey {
        &self.key
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The hex SHA-256 of a text (session tokens are stored this way).
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests;
