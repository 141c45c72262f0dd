//! What carries from one turn to the next: the `Session` (what was shown,
//! the product in focus, a pending question), the turn's input and its clock.

use crate::Lang;
use crate::assistant::Intent;
use crate::assistant::understand::Reading;

/// The time of a turn: the instant, and the store's local date and time
/// (the caller converts with the store's time zone).
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now: jiff::Timestamp,
    pub local: jiff::civil::DateTime,
}

impl Clock {
    pub fn utc(now: jiff::Timestamp) -> Clock {
        Clock {
            now,
            local: now.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TurnInput {
    pub text: String,
    pub lang: Option<Lang>,
}

/// What a turn is waiting for from the next one.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Pending {
    /// The shopper asked to be notified; waiting for consent and a contact.
    WaitlistContact {
        product_id: String,
        sku: String,
        options: String,
        /// The consent question as shown; filled in once the turn that
        /// asked it has its final text.
        asked: Option<ConsentAsked>,
    },
    /// Waiting for an order number.
    OrderNumber,
    /// The kiosk offered to call staff; "yes" calls them.
    StaffOffer,
}

/// A consent question shown, waiting for the shopper's answer.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ConsentAsked {
    /// The shopper's words that led to it, redacted.
    pub requested: String,
    /// The answer shown, word for word.
    pub shown: String,
    pub language: Lang,
    pub at: jiff::Timestamp,
}

/// One shopper's conversation. Lives in memory only; [`Session::reset`]
/// forgets everything.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub lang: Option<Lang>,
    /// Product ids shown last, best first.
    pub shown: Vec<String>,
    /// The product being talked about.
    pub focus: Option<String>,
    pub last_intent: Option<Intent>,
    pub size: Option<String>,
    pub color: Option<usize>,
    /// The variant last found out of stock, for "notify me".
    pub(super) waitlist_candidate: Option<(String, String, String)>,
    /// The reading behind the last list shown, for "them in black?".
    pub(super) last_list: Option<Reading>,
    /// Whether the last answer was a list (rather than one product).
    pub(super) last_was_list: bool,
    /// The reading behind the last answer that showed what a search found
    /// (a list, or the one product it found), with the turn it answered
    /// (`turns` then): a bare price limit on the next turn narrows it.
    pub(super) last_search: Option<(usize, Reading)>,
    pub(super) pending: Option<Pending>,
    pub(super) low_confidence_streak: u32,
    /// Facts checked this session, for the handoff.
    pub(super) checked: Vec<String>,
    pub(super) messages: Vec<String>,
    pub turns: usize,
}

impl Session {
    pub fn reset(&mut self) {
        *self = Session::default();
    }
}

#[cfg(test)]
mod tests;
