//! Uploads to the store server are signed with the store's shared key, in
//! the scheme the staff link uses, so one key serves both:
//!
//! ```text
//! Authorization: Kiosk-HMAC-SHA256 ts=…,nonce=…,sig=…
//! sig = hex HMAC-SHA256(key, METHOD \n PATH \n TS \n NONCE \n hex(SHA-256(body)))
//! ```
//!
//! There is one implementation of the scheme, `kiosk_staff::auth`; this
//! module names what sync uses of it. `kiosk serve-bundles` refuses an
//! upload whose signature is missing or wrong, whose `ts` is further from
//! its clock than the skew limit, or whose nonce it already saw inside that
//! window (a replay), each with 401, before the upload touches the disk.
//! The nonces are kept in a SQLite file beside the served bundles
//! ([`NonceJournal`]), so a replay is refused after a restart too. The key
//! itself never crosses the network.

pub use kiosk_staff::auth::{
    CONTENT_SHA256, NonceJournal, Refusal, SCHEME, StoreKey, Verifier, authorization, body_sha256,
};

/// Signed requests whose time differs more from the server's are refused.
pub const DEFAULT_MAX_SKEW_SECS: u64 = 300;

/// What `serve-bundles` answers for a refused upload: the shared message,
/// told in terms of the kiosk's settings where they are the cause.
pub fn refusal_message(refusal: &Refusal) -> String {
    match refusal {
        Refusal::Missing => format!(
            "uploads must be signed with the store key ({SCHEME}): set [staff] key_file on the kiosk"
        ),
        Refusal::BadSignature => {
            "the signature does not match: the kiosk's store key differs from the server's".into()
        }
        Refusal::Stale { now } => {
            format!("the request's time is too far from the server's clock (server time {now})")
        }
        other => other.message(),
    }
}

#[cfg(test)]
mod tests;
