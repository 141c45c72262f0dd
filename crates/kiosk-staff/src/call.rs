//! A staff call as it travels between kiosk and console: the JSON shapes of
//! the console's API (`docs/staff-console.md`), and the call's state
//! machine.

use kiosk_core::assistant::Handoff;
use serde::{Deserialize, Serialize};

use crate::analytics::Figures;
use crate::error::{Error, Result};

/// A call's identity, chosen by the kiosk when it saves the call, before
/// any network: delivering the same id twice creates one call (the
/// idempotency key of `POST /api/calls`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CallId(String);

impl CallId {
    /// A fresh random id (128 bits, hex).
    pub fn random() -> CallId {
        CallId(crate::auth::hex(&rand::random::<[u8; 16]>()))
    }

    /// An id from text: 8 to 64 characters of `[A-Za-z0-9_-]`.
    pub fn parse(text: &str) -> Result<CallId> {
        let ok = (8..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(CallId(text.to_string()))
        } else {
            Err(Error::Invalid(format!(
                "call id {text:?}: expected 8 to 64 letters, digits, '-' or '_'"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CallId {
    type Error = Error;

    fn try_from(text: String) -> Result<CallId> {
        CallId::parse(&text)
    }
}

impl From<CallId> for String {
    fn from(id: CallId) -> String {
        id.0
    }
}

impl std::fmt::Display for CallId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which kiosk called, and where it stands (from `[kiosk]` in the config).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskInfo {
    /// Stable and unique in the store; the console groups by it.
    pub id: String,
    pub name: String,
    pub location: String,
}

impl KioskInfo {
    /// A kiosk's identity; `id` defaults to the name in lowercase with
    /// dashes.
    pub fn new(id: Option<&str>, name: &str, location: &str) -> KioskInfo {
        let id = match id {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            _ => slug(name),
        };
        KioskInfo {
            id,
            name: name.trim().to_string(),
            location: location.trim().to_string(),
        }
    }
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "kiosk".to_string()
    } else {
        out
    }
}

/// Where a call stands at the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    /// Received; nobody has taken it yet.
    Open,
    /// A staff member tapped "On my way".
    OnTheWay,
    /// A staff member tapped "Resolved".
    Resolved,
    /// The kiosk withdrew it (the shopper left before staff came).
    Cancelled,
}

impl CallState {
    pub fn name(self) -> &'static str {
        match self {
            CallState::Open => "open",
            CallState::OnTheWay => "on_the_way",
            CallState::Resolved => "resolved",
            CallState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<CallState> {
        match text {
            "open" => Some(CallState::Open),
            "on_the_way" => Some(CallState::OnTheWay),
            "resolved" => Some(CallState::Resolved),
            "cancelled" => Some(CallState::Cancelled),
            _ => None,
        }
    }

    /// Resolved and cancelled calls never change again.
    pub fn is_closed(self) -> bool {
        matches!(self, CallState::Resolved | CallState::Cancelled)
    }

    /// The allowed moves: open → on the way → resolved, open → resolved,
    /// and open or on the way → cancelled.
    pub fn can_become(self, next: CallState) -> bool {
        use CallState::*;
        matches!(
            (self, next),
            (Open, OnTheWay)
                | (Open, Resolved)
                | (OnTheWay, Resolved)
                | (Open | OnTheWay, Cancelled)
        )
    }

    /// How far along a call is, to ignore stale news.
    pub fn rank(self) -> u8 {
        match self {
            CallState::Open => 0,
            CallState::OnTheWay => 1,
            CallState::Resolved | CallState::Cancelled => 2,
        }
    }
}

/// Who did something, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub by: String,
    pub at: jiff::Timestamp,
}

/// `POST /api/calls`: the kiosk delivers a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCall {
    pub id: CallId,
    pub kiosk: KioskInfo,
    /// When the shopper asked, by the kiosk's clock.
    pub created_at: jiff::Timestamp,
    pub handoff: Handoff,
}

/// A call as the console keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    pub id: CallId,
    pub kiosk: KioskInfo,
    pub handoff: Handoff,
    pub created_at: jiff::Timestamp,
    /// When the console received it.
    pub received_at: jiff::Timestamp,
    pub state: CallState,
    pub on_the_way: Option<Stamp>,
    /// Resolved or cancelled: by whom and when.
    pub closed: Option<Stamp>,
    /// The console's change counter at this call's last change.
    pub version: u64,
}

/// The reply to `POST /api/calls`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivered {
    /// False when the console already had this id (a retry).
    pub created: bool,
    pub call: CallRecord,
}

/// `POST /api/calls/{id}/state`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateChange {
    pub state: CallState,
    /// Who did it; a signed-in staff member's own name wins.
    #[serde(default)]
    pub by: Option<String>,
}

/// `POST /api/calls/watch`: a kiosk follows its calls. The console answers
/// as soon as one of `ids`, or any call of `kiosk`, changed after `since`
/// (or an id is unknown), else after `wait_ms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WatchRequest {
    pub kiosk: String,
    pub ids: Vec<CallId>,
    pub since: u64,
    pub wait_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WatchReply {
    /// The console's change counter now: the next `since`.
    pub version: u64,
    pub calls: Vec<CallRecord>,
    /// Ids the console does not know (its database was replaced): the
    /// kiosk delivers them again.
    pub missing: Vec<CallId>,
}

/// `POST /api/analytics`: a kiosk's figures for today, shown on the
/// console.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnalyticsPush {
    pub kiosk: KioskInfo,
    pub figures: Figures,
}

/// One kiosk's last figures, as the console lists them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KioskFigures {
    pub kiosk: KioskInfo,
    pub received_at: jiff::Timestamp,
    pub figures: Figures,
}

#[cfg(test)]
mod tests;
