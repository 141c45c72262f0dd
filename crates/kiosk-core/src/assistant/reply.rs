//! What one turn returns: the `Reply` and its parts (intent, slots, actions,
//! quick replies, the staff handoff, analytics, timings). Plain data, with
//! the JSON shape documented in `docs/reply-schema.md`.

use serde::{Deserialize, Serialize};

use crate::assistant::verifier;
use crate::view::ProductView;
use crate::{Lang, Money};

/// What the shopper wants from a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Search,
    Availability,
    Price,
    Location,
    Recommend,
    Compare,
    StoreInfo,
    Returns,
    OrderStatus,
    Waitlist,
    /// A question about a product's own qualities, answered from its
    /// description.
    ProductInfo,
    Human,
    Greeting,
    OutOfScope,
}

/// Why a turn went to staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    /// The shopper asked for a person.
    Requested,
    /// Two turns in a row the assistant did not understand.
    LowConfidence,
    /// A discount or price-match request.
    Discount,
    Complaint,
    DamagedOrFraud,
    SafetyOrMedical,
    /// A stock question while the stock data is older than the hard limit.
    StaleStock,
}

/// Something the kiosk can do for the shopper. `Offered` actions are buttons;
/// `Done` actions happened and the caller must carry them out (store the
/// waitlist entry, send the staff call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    AddToPickupList {
        status: ActionStatus,
        product_id: String,
        sku: Option<String>,
        title: String,
        options: String,
    },
    JoinWaitlist {
        status: ActionStatus,
        product_id: String,
        sku: String,
        title: String,
        options: String,
        /// Set once the shopper gave it, with consent, in this turn.
        #[serde(skip_serializing_if = "Option::is_none")]
        contact: Option<String>,
        /// With the contact: what the shopper was shown and answered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consent: Option<Consent>,
    },
    CallStaff {
        status: ActionStatus,
        reason: EscalationReason,
    },
    EndSession {
        status: ActionStatus,
    },
}

/// The record of a shopper's consent to be contacted, kept with the
/// contact and deleted with it: the question exactly as it was shown, in
/// its language, what the shopper sent in answer, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// The words that asked to be notified, redacted (a tapped quick
    /// reply arrives as its label, e.g. "Notify me").
    pub requested: String,
    /// The whole answer shown with the consent question, word for word
    /// (never a model's phrasing: the kiosk shows the store's text).
    pub shown: String,
    /// The language `shown` is in.
    pub language: Lang,
    pub shown_at: jiff::Timestamp,
    /// What the shopper sent in answer, redacted (the contact itself is
    /// stored beside the record).
    pub answer: String,
    pub answered_at: jiff::Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Offered,
    Done,
}

/// A tap-to-send suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReply {
    pub label: String,
    /// What the kiosk sends as the shopper's next turn when tapped.
    pub text: String,
}

/// What staff receive when the assistant hands over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    pub language: Lang,
    pub reason: EscalationReason,
    /// What the shopper wants, in the store's language.
    pub wants: String,
    pub products: Vec<HandoffProduct>,
    /// What the assistant already checked and told the shopper.
    pub checked: Vec<String>,
    /// The shopper's last words, as typed or spoken.
    pub last_messages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffProduct {
    pub id: String,
    pub title: String,
    pub size: Option<String>,
    pub color: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotAge {
    pub as_of: jiff::Timestamp,
    pub age_hours: f64,
    pub stale: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Timings {
    pub understand: f64,
    pub retrieve: f64,
    pub compose: f64,
    pub total: f64,
}

/// The slots of a turn, as the JSON reply reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Slots {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub material: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal::option",
        default
    )]
    pub price_min: Option<Money>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal::option",
        default
    )]
    pub price_max: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
}

/// One anonymous analytics record per turn: no names, no contacts, no
/// digits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnalyticsEvent {
    pub intent: Intent,
    pub resolved: bool,
    pub escalated: bool,
    pub reason: Option<EscalationReason>,
    pub language: Lang,
    pub latency_ms: f64,
    /// The question with personal data stripped (see `redact`).
    pub text: String,
    /// Sizes and colours asked for while out of stock.
    pub lost_demand: Vec<LostDemand>,
    pub n_products: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostDemand {
    pub product_id: String,
    pub size: Option<String>,
    pub color: Option<String>,
}

/// The reply to one turn. Its JSON form is documented in
/// `docs/reply-schema.md`.
#[derive(Debug, Clone, Serialize)]
pub struct Reply {
    pub language: Lang,
    pub intent: Intent,
    pub confidence: f32,
    pub slots: Slots,
    pub products: Vec<ProductView>,
    pub answer: String,
    pub quick_replies: Vec<QuickReply>,
    pub actions: Vec<Action>,
    pub escalate: bool,
    pub escalation_reason: Option<EscalationReason>,
    pub handoff: Option<Handoff>,
    pub resolved: bool,
    pub snapshot: SnapshotAge,
    pub timings_ms: Timings,
    pub analytics: AnalyticsEvent,
    /// Set when a model phrased (or tried to phrase) the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrasing: Option<Phrasing>,
    /// Set when the rules were unsure and the model chose the meaning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_choice: Option<String>,
    /// Set when the rules fell back to a default and the nearest labelled
    /// examples chose the meaning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example_choice: Option<Intent>,
}

/// What became of the model's phrasing of a turn.
#[derive(Debug, Clone, Serialize)]
pub struct Phrasing {
    /// The model's answer was shown.
    pub used: bool,
    /// Why it was not (empty when used).
    pub violations: Vec<verifier::Violation>,
    /// The model's text, kept for the log even when rejected.
    pub generated: Option<String>,
}

#[cfg(test)]
mod tests;
