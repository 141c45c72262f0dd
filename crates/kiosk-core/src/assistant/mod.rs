//! The dialogue engine: one shopper turn in, one grounded reply out.
//!
//! The engine does no IO. It reads the turn by rules (`understand`), looks
//! products and stock up through the core traits, and answers from the
//! phrasebook with facts from the snapshot filled in. Session state (what was
//! shown, what was asked, a pending question) carries across turns and is
//! dropped with [`Session::reset`].

pub mod cues;
pub mod eval;
mod faq;
pub mod generator;
pub mod language;
pub mod phrasebook;
pub mod redact;
pub mod understand;
pub mod verifier;

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::lexicon::ConceptKind;
use crate::text::option_key;
use crate::traits::BackendError;
use crate::view::ProductView;
use crate::{
    Filters, Lang, Money, PolicyKind, ProductRecord, ProductSearch, SearchRequest, StockLookup,
    Variant,
};
use cues::Cue;
use phrasebook::{list, say};
use understand::Reading;

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
    },
    CallStaff {
        status: ActionStatus,
        reason: EscalationReason,
    },
    EndSession {
        status: ActionStatus,
    },
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_max: Option<f64>,
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
}

#[derive(Debug, Clone)]
pub struct AssistantConfig {
    /// Answers about stock say "as of …" beyond this age.
    pub stale_after_hours: f64,
    /// Stock questions go to staff beyond this age.
    pub hard_stale_after_hours: f64,
    /// Below this, a reading counts as not understood.
    pub low_confidence: f32,
    /// Product cards per answer.
    pub max_products: usize,
    /// Let the model phrase answers (when one is loaded).
    pub phrase_with_model: bool,
    /// The languages the model phrases; the others keep the templates.
    pub phrase_languages: Vec<Lang>,
    /// Let the model choose a meaning when the rules are unsure.
    pub understand_with_model: bool,
}

impl Default for AssistantConfig {
    fn default() -> AssistantConfig {
        AssistantConfig {
            stale_after_hours: 30.0,
            hard_stale_after_hours: 96.0,
            low_confidence: 0.4,
            max_products: 5,
            phrase_with_model: true,
            phrase_languages: Lang::ALL.to_vec(),
            understand_with_model: true,
        }
    }
}

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
enum Pending {
    /// The shopper asked to be notified; waiting for consent and a contact.
    WaitlistContact {
        product_id: String,
        sku: String,
        options: String,
    },
    /// Waiting for an order number.
    OrderNumber,
    /// The kiosk offered to call staff; "yes" calls them.
    StaffOffer,
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
    waitlist_candidate: Option<(String, String, String)>,
    /// The reading behind the last list shown, for "them in black?".
    last_list: Option<Reading>,
    /// Whether the last answer was a list (rather than one product).
    last_was_list: bool,
    pending: Option<Pending>,
    low_confidence_streak: u32,
    /// Facts checked this session, for the handoff.
    checked: Vec<String>,
    messages: Vec<String>,
    pub turns: usize,
}

impl Session {
    pub fn reset(&mut self) {
        *self = Session::default();
    }
}

pub struct Assistant<'a> {
    pub search: &'a dyn ProductSearch,
    pub stock: &'a dyn StockLookup,
    pub config: &'a AssistantConfig,
    /// The language model, when one is loaded: it reads what the rules
    /// could not, and phrases answers (checked by the verifier).
    pub generator: Option<&'a dyn generator::Generator>,
}

impl<'a> Assistant<'a> {
    /// The assistant without a language model: rules and templates only.
    pub fn new(
        search: &'a dyn ProductSearch,
        stock: &'a dyn StockLookup,
        config: &'a AssistantConfig,
    ) -> Assistant<'a> {
        Assistant {
            search,
            stock,
            config,
            generator: None,
        }
    }
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

/// The answer being built for one turn.
struct Draft {
    lang: Lang,
    intent: Intent,
    confidence: f32,
    parts: Vec<String>,
    products: Vec<ProductRecord>,
    chips: Vec<QuickReply>,
    actions: Vec<Action>,
    escalation: Option<EscalationReason>,
    resolved: bool,
    lost_demand: Vec<LostDemand>,
    stock_facts: bool,
    /// Size and colour carried over from earlier turns, for the reply's
    /// slots.
    /// The reading the answer used, when follow-up context changed it
    /// (size and category carried over), for the reply's slots.
    effective: Option<Reading>,
}

impl Draft {
    /// Adds a sentence; a phrase refused for an empty value (see
    /// `phrasebook::render`) adds nothing rather than "It comes in .".
    fn say(&mut self, key: &str, args: &[(&str, &str)]) {
        if let Ok(text) = phrasebook::render(self.lang, key, args) {
            self.parts.push(text);
        }
    }

    fn chip(&mut self, key: &str) {
        let label = say(self.lang, key, &[]);
        if !self.chips.iter().any(|c| c.label == label) {
            self.chips.push(QuickReply {
                text: label.clone(),
                label,
            });
        }
    }

    fn escalate(&mut self, reason: EscalationReason) {
        self.escalation.get_or_insert(reason);
    }
}

impl Assistant<'_> {
    /// The shopper tapped a product (a card's "notify me", say): it becomes
    /// the product in focus, and `sku`, when it names one of its variants
    /// that is out of stock, the variant a "notify me" turn is about.
    pub fn pick(
        &self,
        session: &mut Session,
        product_id: &str,
        sku: Option<&str>,
    ) -> Result<(), BackendError> {
        let Some(record) = self.stock.product(product_id)? else {
            return Ok(());
        };
        session.focus = Some(record.product.id.clone());
        session.last_was_list = false;
        let lang = session.lang.unwrap_or(self.stock.store_info().language);
        session.waitlist_candidate = sku
            .and_then(|sku| record.variants.iter().find(|v| v.sku == sku && !v.in_stock))
            .map(|v| {
                (
                    record.product.id.clone(),
                    v.sku.clone(),
                    self.options_text(v, lang),
                )
            });
        Ok(())
    }

    /// Answers one turn, updating the session.
    pub fn turn(
        &self,
        session: &mut Session,
        input: &TurnInput,
        clock: Clock,
    ) -> Result<Reply, BackendError> {
        self.turn_streaming(session, input, clock, &mut |_| {})
    }

    /// Answers one turn; a model's phrasing streams to `on_token` as it is
    /// written (the final `answer` is what to show: the model's text if it
    /// passed the verifier, else the template).
    pub fn turn_streaming(
        &self,
        session: &mut Session,
        input: &TurnInput,
        clock: Clock,
        on_token: &mut dyn FnMut(&str),
    ) -> Result<Reply, BackendError> {
        let started = Instant::now();
        let lexicon = self.stock.lexicon();
        let lang = language::choose(input.lang, &input.text, lexicon, session.lang);
        session.lang = Some(lang);
        session.turns += 1;
        session.messages.push(input.text.clone());
        if session.messages.len() > 6 {
            session.messages.remove(0);
        }
        let reading = understand::read_in_store(&input.text, lexicon, self.stock.sizes());
        let understood_at = Instant::now();

        let mut draft = Draft {
            lang,
            intent: Intent::OutOfScope,
            confidence: 0.0,
            parts: Vec::new(),
            products: Vec::new(),
            chips: Vec::new(),
            actions: Vec::new(),
            escalation: None,
            resolved: true,
            lost_demand: Vec::new(),
            stock_facts: false,
            effective: None,
        };
        self.respond(session, &reading, &input.text, &mut draft, clock)?;
        // The rules are unsure: let the model choose among the meanings the
        // kiosk knows, then answer by rules again.
        let mut model_choice = None;
        if draft.confidence < self.config.low_confidence
            && self.config.understand_with_model
            && let Some(generator) = self.generator
            && let Some(intent) = self.choose_intent(generator, &input.text, lang)
        {
            model_choice = Some(format!("{intent:?}"));
            let mut retry = Draft {
                lang,
                intent: Intent::OutOfScope,
                confidence: 0.0,
                parts: Vec::new(),
                products: Vec::new(),
                chips: Vec::new(),
                actions: Vec::new(),
                escalation: None,
                resolved: true,
                lost_demand: Vec::new(),
                stock_facts: false,
                effective: None,
            };
            self.respond_as(intent, session, &reading, &input.text, &mut retry, clock)?;
            if !retry.parts.is_empty() {
                retry.confidence = retry.confidence.max(self.config.low_confidence);
                draft = retry;
            }
        }
        let retrieved_at = Instant::now();

        // Two turns in a row not understood: a person helps better.
        if draft.confidence < self.config.low_confidence {
            session.low_confidence_streak += 1;
            if session.low_confidence_streak >= 2 && draft.escalation.is_none() {
                draft.parts.clear();
                draft.say("escalate_confused", &[]);
                draft.escalate(EscalationReason::LowConfidence);
            }
        } else {
            session.low_confidence_streak = 0;
        }
        // Stock answers on old data say how old; too old, staff check.
        let info = self.stock.snapshot_info();
        let age_hours = info.age_hours(clock.now);
        let stale = age_hours > self.config.stale_after_hours;
        if draft.stock_facts
            && age_hours > self.config.hard_stale_after_hours
            && draft.escalation.is_none()
        {
            draft.say("stale_hard", &[]);
            draft.escalate(EscalationReason::StaleStock);
        } else if draft.stock_facts && stale {
            let as_of = format_as_of(info.stock_as_of, clock);
            draft.say("stale_note", &[("as_of", &as_of)]);
        }
        let handoff = draft.escalation.map(|reason| {
            if !draft
                .actions
                .iter()
                .any(|a| matches!(a, Action::CallStaff { .. }))
            {
                draft.actions.push(Action::CallStaff {
                    status: ActionStatus::Done,
                    reason,
                });
            }
            draft.resolved = false;
            self.handoff(session, &reading, reason)
        });
        if draft.escalation.is_none()
            && !draft
                .chips
                .iter()
                .any(|c| c.label == say(lang, "chip_call_staff", &[]))
        {
            draft.chip("chip_call_staff");
        }
        session.last_intent = Some(draft.intent);
        if !draft.products.is_empty() {
            session.shown = draft
                .products
                .iter()
                .map(|r| r.product.id.clone())
                .collect();
        }
        let threshold = self.stock.low_stock_threshold();
        let products: Vec<ProductView> = draft
            .products
            .iter()
            .take(self.config.max_products)
            .map(|r| ProductView::new(r, lang, threshold))
            .collect();
        let slots = self.slots(draft.effective.as_ref().unwrap_or(&reading), session, lang);
        let template = draft.parts.join(if lang == Lang::Zh { "" } else { " " });
        let (answer, phrasing) = self.phrase(&template, &products, lang, on_token);
        let finished = Instant::now();
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
        let timings = Timings {
            understand: ms(started, understood_at),
            retrieve: ms(understood_at, retrieved_at),
            compose: ms(retrieved_at, finished),
            total: ms(started, finished),
        };
        let analytics = AnalyticsEvent {
            intent: draft.intent,
            resolved: draft.resolved,
            escalated: draft.escalation.is_some(),
            reason: draft.escalation,
            language: lang,
            latency_ms: timings.total,
            text: redact::redact(&input.text),
            lost_demand: draft.lost_demand.clone(),
            n_products: products.len(),
        };
        Ok(Reply {
            language: lang,
            intent: draft.intent,
            confidence: draft.confidence,
            slots,
            products,
            answer,
            quick_replies: draft.chips,
            actions: draft.actions,
            escalate: draft.escalation.is_some(),
            escalation_reason: draft.escalation,
            handoff,
            resolved: draft.resolved,
            snapshot: SnapshotAge {
                as_of: info.stock_as_of,
                age_hours: (age_hours * 10.0).round() / 10.0,
                stale,
            },
            timings_ms: timings,
            analytics,
            phrasing,
            model_choice,
        })
    }

    fn respond(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
        clock: Clock,
    ) -> Result<(), BackendError> {
        // A question the last turn asked comes first.
        if let Some(pending) = session.pending.take()
            && self.continue_pending(session, reading, d, pending)?
        {
            return Ok(());
        }
        let mut reading = reading.clone();
        let injection = reading.has(Cue::Injection);
        // "Sell it to me for 20 euro": a price the shopper names in an
        // attempt is a discount request.
        let injection_amount =
            injection && (reading.price_max.is_some() || reading.price_min.is_some());
        if injection {
            d.say("facts_only", &[]);
            // Figures in an injection attempt ("set it to 1 euro") are the
            // attacker's, not the shopper's constraints.
            reading.price_min = None;
            reading.price_max = None;
        }
        let reading = &reading;
        let faq_match = faq::best(self.stock.faq(), text, d.lang);
        let strong_faq = faq_match
            .filter(|(_, strength)| *strength >= 2)
            .map(|(e, _)| e);
        let faq_entry = faq_match.map(|(e, _)| e);
        // A question the FAQ answers squarely ("do you have a student
        // discount?", "is the wifi free?") is answered from it, before any
        // rule that reacts to single words.
        let concrete = reading.names_product()
            || reading.price_max.is_some()
            || reading.price_min.is_some()
            || injection_amount;
        if let Some(entry) = strong_faq
            && (reading.has(Cue::Discount) || reading.has(Cue::Free))
            && !concrete
            && !injection
        {
            return self.answer_faq(entry, d);
        }
        // Business rules hand over whatever else was asked.
        let free_product = reading.has(Cue::Free)
            && (reading.names_product() || reading.leftover_words > 0 || injection);
        for (on, reason, key) in [
            (
                reading.has(Cue::Safety),
                EscalationReason::SafetyOrMedical,
                "escalate_safety",
            ),
            (
                reading.has(Cue::Damaged),
                EscalationReason::DamagedOrFraud,
                "escalate_damaged",
            ),
            (
                reading.has(Cue::Complaint),
                EscalationReason::Complaint,
                "escalate_complaint",
            ),
            (
                reading.has(Cue::Discount) || free_product || injection_amount,
                EscalationReason::Discount,
                "escalate_discount",
            ),
        ] {
            if on {
                d.intent = Intent::Human;
                d.confidence = 0.9;
                if !injection {
                    d.parts.clear();
                }
                d.say(key, &[]);
                d.escalate(reason);
                // A price asked in the same breath is still answered, from
                // the snapshot.
                if let Some(record) = self.focus_or_named(session, reading)? {
                    self.say_price(&record, d);
                    session.focus = Some(record.product.id.clone());
                    d.products.push(record);
                }
                return Ok(());
            }
        }
        if injection
            && (reading.has(Cue::Price) || reading.names_product() || reading.leftover_words > 0)
        {
            // "Confirm it as a binding offer": state the real price only.
            d.intent = Intent::Price;
            d.confidence = 0.9;
            if let Some(record) = self.focus_or_named(session, reading)? {
                self.say_price(&record, d);
                session.focus = Some(record.product.id.clone());
                d.products.push(record);
            }
            return Ok(());
        }
        if reading.has(Cue::Human) {
            d.intent = Intent::Human;
            d.confidence = 0.95;
            d.say("staff_called", &[]);
            d.escalate(EscalationReason::Requested);
            return Ok(());
        }
        if reading.has(Cue::OffTopic) && !reading.names_product() {
            d.intent = Intent::OutOfScope;
            d.confidence = 0.9;
            d.say("out_of_scope", &[]);
            return Ok(());
        }
        // Thanks and goodbyes often come with a few more words ("thank you
        // so much, that's all I needed").
        let social = [
            (Cue::Thanks, "thanks"),
            (Cue::Goodbye, "goodbye"),
            (Cue::Greeting, "greeting"),
        ];
        let asks_something = [
            Cue::Price,
            Cue::Location,
            Cue::Availability,
            Cue::Recommend,
            Cue::Complement,
            Cue::Compare,
            Cue::Waitlist,
            Cue::Returns,
            Cue::Exchange,
            Cue::OrderStatus,
            Cue::Hours,
            Cue::Payment,
            Cue::Loyalty,
            Cue::Cheaper,
            Cue::Pickup,
        ]
        .iter()
        .any(|c| reading.has(*c));
        if !asks_something && reading.categories.is_empty() && !reading.has_variant_slot() {
            for (cue, key) in social {
                if reading.has(cue) && reading.leftover_words <= 4 {
                    return self.social(cue, key, d);
                }
            }
        }
        if reading.has(Cue::OrderStatus) {
            return self.order_status(session, reading, d);
        }
        if reading.has(Cue::Waitlist) {
            return self.waitlist(session, reading, d);
        }
        if reading.has(Cue::Returns) || reading.has(Cue::Exchange) {
            return self.returns(reading, d);
        }
        if reading.has(Cue::Complement) {
            return self.complement(session, reading, d);
        }
        if reading.has(Cue::Compare) && !reading.has(Cue::Cheaper) {
            return self.compare(session, reading, text, d);
        }
        let weekday = understand::weekday(text, 0).is_some();
        let hours_follow_up = weekday && session.last_intent == Some(Intent::StoreInfo);
        // "Do you sell gift cards?" is the gift card FAQ, not the payment
        // policy.
        if reading.has(Cue::Payment)
            && !reading.has(Cue::Hours)
            && let Some(entry) = strong_faq
        {
            return self.answer_faq(entry, d);
        }
        if !reading.names_product()
            && (reading.has(Cue::Hours)
                || reading.has(Cue::Payment)
                || reading.has(Cue::Loyalty)
                || hours_follow_up)
        {
            return self.store_info(reading, text, hours_follow_up, d, clock);
        }
        if reading.has(Cue::Recommend) {
            return self.recommend(session, reading, d);
        }
        if reading.has(Cue::Cheaper) {
            return self.cheaper(session, reading, d);
        }
        if reading.has(Cue::Pickup) {
            return self.pickup(session, reading, d);
        }
        // "How much are the necklaces under 20 euro" is a search with a
        // ceiling; "how much is it" asks a price.
        if reading.has(Cue::Price) && reading.price_max.is_none() && reading.price_min.is_none() {
            return self.price(session, reading, d);
        }
        if reading.has(Cue::Location) {
            // "Where are the toilets?" is for the FAQ, not the catalog.
            if !reading.names_product()
                && reading.ordinal.is_none()
                && reading.leftover_words > 0
                && !understand::refers_back(reading)
                && let Some(entry) = faq_entry
            {
                return self.answer_faq(entry, d);
            }
            return self.location(session, reading, d);
        }
        // A question with no product concept may still name a product
        // ("show me the Velora Stride 3"): the FAQ answers it only when it
        // matches squarely, or when no product shares its words.
        if !reading.names_product()
            && !reading.has_variant_slot()
            && reading.ordinal.is_none()
            && let Some((entry, strength)) = faq_match
            && (strength >= 2 || !self.words_find_a_product(reading, session)?)
        {
            return self.answer_faq(entry, d);
        }
        if reading.has(Cue::Availability)
            || reading.has_variant_slot()
            || reading.names_product()
            || reading.ordinal.is_some()
            || reading.leftover_words > 0
            || reading.price_max.is_some()
        {
            return self.availability(session, reading, text, d);
        }
        if reading.has(Cue::Hours) || reading.has(Cue::Payment) || reading.has(Cue::Loyalty) {
            return self.store_info(reading, text, false, d, clock);
        }
        for (cue, key) in social {
            if reading.has(cue) {
                return self.social(cue, key, d);
            }
        }
        if reading.has(Cue::Help) {
            d.intent = Intent::Greeting;
            d.confidence = 0.8;
            d.say("greeting", &[]);
            return Ok(());
        }
        if injection {
            d.intent = Intent::OutOfScope;
            d.confidence = 0.8;
            return Ok(());
        }
        // Nothing this kiosk knows about.
        d.intent = Intent::OutOfScope;
        d.confidence = if reading.cues.is_empty() { 0.2 } else { 0.5 };
        d.resolved = false;
        if d.confidence < self.config.low_confidence {
            d.say("not_understood", &[]);
        } else {
            d.say("out_of_scope", &[]);
        }
        Ok(())
    }

    fn social(&self, cue: Cue, key: &str, d: &mut Draft) -> Result<(), BackendError> {
        d.intent = Intent::Greeting;
        d.confidence = 0.95;
        d.say(key, &[]);
        if cue == Cue::Goodbye {
            d.actions.push(Action::EndSession {
                status: ActionStatus::Offered,
            });
        }
        Ok(())
    }

    // ----- products ---------------------------------------------------

    /// The product a turn speaks of: "the second one", "it", or one the
    /// words name well.
    fn focus_or_named(
        &self,
        session: &mut Session,
        reading: &Reading,
    ) -> Result<Option<ProductRecord>, BackendError> {
        if let Some(record) = self.referenced(session, reading)? {
            return Ok(Some(record));
        }
        if reading.names_product() || reading.leftover_words > 0 {
            let (found, _) = self.find(reading, session, None)?;
            return Ok(self.best_named(reading, found));
        }
        match &session.focus {
            Some(id) => self.stock.product(id),
            None => Ok(None),
        }
    }

    /// Among search results, the one whose title holds most of the turn's
    /// own words ("the Polaris Tundra donsjas" among down jackets), else the
    /// first.
    fn best_named(&self, reading: &Reading, found: Vec<ProductRecord>) -> Option<ProductRecord> {
        let words: Vec<String> = crate::text::tokenize(&reading.search_text)
            .into_iter()
            .filter(|t| !t.cjk && !crate::text::is_stopword(&t.text))
            .map(|t| t.text)
            .collect();
        let score = |r: &ProductRecord| {
            let title: Vec<String> = crate::text::tokenize(&r.product.title)
                .into_iter()
                .map(|t| t.text)
                .collect();
            words.iter().filter(|w| title.contains(w)).count()
        };
        let best = found
            .iter()
            .enumerate()
            .max_by_key(|(i, r)| (score(r), std::cmp::Reverse(*i)));
        let idx = best.map_or(0, |(i, _)| i);
        found.into_iter().nth(idx)
    }

    /// A product already on screen that the turn points at.
    fn referenced(
        &self,
        session: &mut Session,
        reading: &Reading,
    ) -> Result<Option<ProductRecord>, BackendError> {
        if let Some(n) = reading.ordinal {
            let id = if n == usize::MAX {
                session.shown.last()
            } else {
                session.shown.get(n)
            };
            if let Some(id) = id.cloned() {
                session.focus = Some(id.clone());
                return self.stock.product(&id);
            }
            return Ok(None);
        }
        let follow_up = understand::refers_back(reading)
            || (!reading.names_product() && reading.leftover_words == 0);
        if follow_up
            && !reading.names_product()
            && let Some(id) = session.focus.clone()
        {
            return self.stock.product(&id);
        }
        Ok(None)
    }

    /// Searches the catalog for what the turn names, relaxing colour, size
    /// and price in that order when nothing matches. Returns the products
    /// and what was dropped.
    fn find(
        &self,
        reading: &Reading,
        session: &Session,
        in_stock_only: Option<bool>,
    ) -> Result<(Vec<ProductRecord>, Vec<&'static str>), BackendError> {
        self.find_in(reading, session, in_stock_only, None)
    }

    /// `find`, within a category the caller names (e.g. the category of the
    /// product being talked about).
    fn find_in(
        &self,
        reading: &Reading,
        session: &Session,
        in_stock_only: Option<bool>,
        category: Option<&str>,
    ) -> Result<(Vec<ProductRecord>, Vec<&'static str>), BackendError> {
        let lexicon = self.stock.lexicon();
        let store_lang = self.stock.store_info().language;
        let category =
            category
                .map(str::to_string)
                .or_else(|| match reading.categories.as_slice() {
                    [one] => self.stock.category_of_concept(*one).map(str::to_string),
                    _ => None,
                });
        let color = reading
            .color
            .map(|c| lexicon.concept(c).name(store_lang).to_string());
        let mut filters = Filters {
            category,
            brand: None,
            size: reading.size.clone(),
            color,
            price_min: reading.price_min,
            price_max: reading.price_max,
            in_stock_only: in_stock_only.unwrap_or(false),
        };
        let mut text = reading.search_text.clone();
        if text.trim().is_empty() && filters.category.is_none() {
            // Only a size or colour: search within what was being talked
            // about.
            if let Some(focus) = session
                .focus
                .as_deref()
                .and_then(|id| self.stock.product(id).ok().flatten())
            {
                text = focus.product.category.clone().unwrap_or_default();
            }
        }
        let mut dropped = Vec::new();
        type Relax = fn(&mut Filters) -> bool;
        let relax: [(&'static str, Relax); 3] = [
            ("color", |f| f.color.take().is_some()),
            ("size", |f| f.size.take().is_some()),
            ("price", |f| {
                f.price_min.take().is_some() | f.price_max.take().is_some()
            }),
        ];
        let mut step = 0;
        loop {
            if text.trim().is_empty() && filters.category.is_none() {
                return Ok((Vec::new(), dropped));
            }
            let request = SearchRequest {
                text: text.clone(),
                lang: None,
                filters: filters.clone(),
                limit: self.config.max_products * 2,
                prefix: false,
            };
            let hits = self.search.search(&request)?;
            if !hits.is_empty() || step >= relax.len() {
                let mut records: Vec<ProductRecord> = hits.into_iter().map(|h| h.record).collect();
                if reading.has_variant_slot() {
                    // Products with the asked-for variant in stock first.
                    let want = self.variant_query(reading);
                    records.sort_by_key(|r| std::cmp::Reverse(want.in_stock_in(r)));
                }
                return Ok((records, dropped));
            }
            while step < relax.len() {
                let (name, f) = relax[step];
                step += 1;
                if f(&mut filters) {
                    dropped.push(name);
                    break;
                }
            }
        }
    }

    /// Like `find`, and also the most relevant product before products with
    /// the asked-for variant in stock were moved up.
    fn find_ranked(
        &self,
        reading: &Reading,
        session: &Session,
        in_stock_only: Option<bool>,
    ) -> Result<Ranked, BackendError> {
        let named = if reading.has_variant_slot() && reading.leftover_words > 0 {
            let mut plain = reading.clone();
            plain.size = None;
            plain.color = None;
            self.best_named(reading, self.find(&plain, session, in_stock_only)?.0)
        } else {
            None
        };
        let (records, dropped) = self.find(reading, session, in_stock_only)?;
        let named = named.or_else(|| self.best_named(reading, records.clone()));
        Ok((records, dropped, named))
    }

    /// Whether the turn's own words find a product that contains them.
    fn words_find_a_product(
        &self,
        reading: &Reading,
        session: &Session,
    ) -> Result<bool, BackendError> {
        if reading.leftover_words == 0 {
            return Ok(false);
        }
        let (found, _) = self.find(reading, session, None)?;
        Ok(found.first().is_some_and(|r| self.shares_words(reading, r)))
    }

    /// Whether a product's own words contain any of the turn's content
    /// words (as opposed to a match only through a typo).
    fn shares_words(&self, reading: &Reading, record: &ProductRecord) -> bool {
        let text = crate::text::fold(&format!(
            "{} {} {} {}",
            record.product.title,
            record.product.brand.as_deref().unwrap_or(""),
            record.product.category.as_deref().unwrap_or(""),
            record.product.tags.join(" ")
        ));
        let own: Vec<String> = crate::text::tokenize(&text)
            .into_iter()
            .map(|t| crate::lexicon::light_stem(&t.text))
            .collect();
        crate::text::tokenize(&reading.search_text)
            .into_iter()
            .filter(|t| !t.cjk && !crate::text::is_stopword(&t.text))
            .any(|t| own.contains(&crate::lexicon::light_stem(&t.text)))
    }

    fn variant_query(&self, reading: &Reading) -> VariantQuery {
        let lexicon = self.stock.lexicon();
        VariantQuery {
            size: reading.size.as_deref().map(option_key),
            colors: reading
                .color
                .map(|c| {
                    let concept = lexicon.concept(c);
                    concept
                        .terms
                        .iter()
                        .flat_map(|(_, ws)| ws.iter().map(|w| option_key(w)))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn availability(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Availability;
        if !reading.has(Cue::Availability)
            && !reading.has_variant_slot()
            && reading.ordinal.is_none()
        {
            d.intent = Intent::Search;
        }
        // Carry the size and colour of the conversation into a follow-up.
        let mut reading = reading.clone();
        // "Do you have them in black?", "and size 10?" after a list: the
        // same search, narrowed.
        let only_slots = !reading.names_product()
            && reading.leftover_words == 0
            && (reading.has_variant_slot() || reading.price_max.is_some());
        let list_follow_up = session.last_was_list
            && reading.ordinal.is_none()
            && !reading.names_product()
            && ((reading.has(Cue::RefersToList) && reading.leftover_words == 0)
                || (only_slots && !reading.has(Cue::RefersBack)));
        if list_follow_up && let Some(last) = session.last_list.clone() {
            let mut merged = last;
            merged.cues = reading.cues.clone();
            if reading.size.is_some() {
                merged.size.clone_from(&reading.size);
            }
            if reading.color.is_some() {
                merged.color = reading.color;
            }
            if reading.price_max.is_some() {
                merged.price_max = reading.price_max;
            }
            reading = merged;
            d.intent = Intent::Availability;
        }
        let referenced = if list_follow_up {
            None
        } else {
            self.referenced(session, &reading)?
        };
        if referenced.is_some() {
            if reading.size.is_none() && reading.color.is_some() {
                reading.size.clone_from(&session.size);
            }
            if reading.color.is_none() && reading.size.is_some() {
                reading.color = session.color;
            }
        }
        d.effective = Some(reading.clone());
        if reading.size.is_some() {
            session.size.clone_from(&reading.size);
        }
        if reading.color.is_some() {
            session.color = reading.color;
        }
        if let Some(record) = referenced {
            d.confidence = 0.9;
            d.intent = Intent::Availability;
            self.stock_answer(session, &reading, record, d)?;
            return Ok(());
        }
        let (records, dropped, named) = self.find_ranked(&reading, session, None)?;
        d.confidence = if reading.names_product() {
            0.85
        } else if records
            .first()
            .is_some_and(|r| self.shares_words(&reading, r))
        {
            0.7
        } else if !records.is_empty() {
            // Found only through typo or sound-alike matching.
            0.5
        } else {
            0.3
        };
        if records.is_empty() {
            d.resolved = false;
            self.nothing_found(&reading, text, d);
            return Ok(());
        }
        if !dropped.is_empty() {
            let constraint = self.constraint_text(&reading, d.lang, &dropped);
            d.say("closest_instead", &[("constraint", &constraint)]);
        }
        // A product named by its model ("the Velora Stride 3") is answered
        // about, whatever its stock.
        if let Some(named) = &named
            && reading.leftover_words > 0
            && self.names_one_product(&reading, named)
        {
            return self.stock_answer(session, &reading, named.clone(), d);
        }
        if reading.has_variant_slot() && !dropped.iter().any(|x| *x == "size" || *x == "color") {
            let want = self.variant_query(&reading);
            let in_stock: Vec<ProductRecord> = records
                .iter()
                .filter(|r| want.in_stock_in(r))
                .cloned()
                .collect();
            if in_stock.is_empty() {
                // None has it: explain for the best match, offer others.
                let top = records[0].clone();
                return self.stock_answer(session, &reading, top, d);
            }
            if in_stock.len() == 1 {
                return self.stock_answer(session, &reading, in_stock[0].clone(), d);
            }
            d.say("found_in_stock", &[("n", &in_stock.len().to_string())]);
            session.focus = Some(in_stock[0].product.id.clone());
            session.last_list = Some(reading.clone());
            session.last_was_list = true;
            d.products = in_stock;
            d.stock_facts = true;
            d.chip("chip_where");
            d.chip("chip_cheaper");
            return Ok(());
        }
        if records.len() == 1 {
            return self.stock_answer(session, &reading, records[0].clone(), d);
        }
        d.say(
            "found",
            &[(
                "n",
                &records.len().min(self.config.max_products).to_string(),
            )],
        );
        session.focus = Some(records[0].product.id.clone());
        session.last_list = Some(reading.clone());
        session.last_was_list = true;
        d.products = records;
        d.stock_facts = true;
        d.chip("chip_where");
        d.chip("chip_cheaper");
        Ok(())
    }

    /// Whether the words name this product in particular (its model words),
    /// rather than a kind of product.
    fn names_one_product(&self, reading: &Reading, record: &ProductRecord) -> bool {
        let title = crate::text::fold(&record.product.title);
        let words: Vec<String> = crate::text::tokenize(&reading.search_text)
            .into_iter()
            .filter(|t| !t.cjk && !crate::text::is_stopword(&t.text))
            .map(|t| t.text)
            .collect();
        let brand = record
            .product
            .brand
            .as_deref()
            .map(crate::text::fold)
            .unwrap_or_default();
        let model_words = words
            .iter()
            .filter(|w| {
                title
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|t| t == w.as_str())
            })
            .filter(|w| **w != brand && self.stock.lexicon().lookup(w).is_none())
            .count();
        model_words >= 1
    }

    /// What the store has of one product, for the asked-for size/colour.
    fn stock_answer(
        &self,
        session: &mut Session,
        reading: &Reading,
        record: ProductRecord,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        session.last_was_list = false;
        session.focus = Some(record.product.id.clone());
        d.stock_facts = true;
        let lang = d.lang;
        let title = record.product.title.clone();
        let want = self.variant_query(reading);
        let currency = record.product.currency.clone();
        if want.size.is_none() && want.colors.is_empty() {
            let in_stock: Vec<&Variant> = record.variants.iter().filter(|v| v.in_stock).collect();
            if in_stock.is_empty() {
                d.say("nothing_in_stock", &[("title", &title)]);
                self.offer_similar(&record, None, d)?;
                d.resolved = true;
            } else {
                let listed: Vec<String> = in_stock
                    .iter()
                    .map(|v| self.options_text(v, lang))
                    .filter(|s| !s.is_empty())
                    .collect();
                let price = self.price_text(&record, lang);
                if listed.is_empty() {
                    let v = in_stock[0];
                    match v.quantity {
                        Some(q) if v.is_low(self.stock.low_stock_threshold()) => d.say(
                            "in_stock_low",
                            &[
                                ("title", &title),
                                ("options", &self.options_text(v, lang)),
                                ("qty", &q.to_string()),
                                ("price", &price),
                            ],
                        ),
                        _ => d.say(
                            "stock_overview",
                            &[
                                ("title", &title),
                                ("price", &price),
                                ("list", &say(lang, "word_in_stock_short", &[])),
                            ],
                        ),
                    }
                } else {
                    d.say(
                        "stock_overview",
                        &[
                            ("title", &title),
                            ("price", &price),
                            ("list", &shorten(&listed, lang, 8)),
                        ],
                    );
                }
                d.chip("chip_where");
                d.chip("chip_add_pickup");
            }
            session.checked.push(format!(
                "{title}: {} of {} variants in stock",
                in_stock.len(),
                record.variants.len()
            ));
            d.products.push(record);
            return Ok(());
        }
        let matching: Vec<&Variant> = record.variants.iter().filter(|v| want.matches(v)).collect();
        let asked = self.asked_text(reading, lang);
        if matching.is_empty() {
            let available = self.available_text(&record, &want, lang);
            d.say(
                "not_made_in",
                &[
                    ("title", &title),
                    ("options", &asked),
                    ("available", &available),
                ],
            );
            session.checked.push(format!(
                "{title}: not made in {}",
                self.asked_text(reading, self.stock.store_info().language)
            ));
            d.products.push(record.clone());
            self.offer_similar(&record, reading.size.as_deref(), d)?;
            return Ok(());
        }
        if let Some(v) = matching.iter().find(|v| v.in_stock) {
            let options = self.options_text(v, lang);
            let price = Money::display(v.price, &currency, lang);
            match v.quantity {
                Some(q) if v.is_low(self.stock.low_stock_threshold()) => d.say(
                    "in_stock_low",
                    &[
                        ("title", &title),
                        ("options", &options),
                        ("qty", &q.to_string()),
                        ("price", &price),
                    ],
                ),
                Some(q) => d.say(
                    "in_stock",
                    &[
                        ("title", &title),
                        ("options", &options),
                        ("qty", &q.to_string()),
                        ("price", &price),
                    ],
                ),
                None => d.say(
                    "in_stock_untracked",
                    &[("title", &title), ("options", &options), ("price", &price)],
                ),
            }
            if let Some(loc) = &record.location {
                d.say(
                    "location_product",
                    &[("title", &title), ("location", &loc.describe(lang))],
                );
            }
            d.actions.push(Action::AddToPickupList {
                status: ActionStatus::Offered,
                product_id: record.product.id.clone(),
                sku: Some(v.sku.clone()),
                title: title.clone(),
                options: options.clone(),
            });
            d.chip("chip_add_pickup");
            d.chip("chip_goes_with");
            session.checked.push(format!(
                "{title} ({}): {} in stock",
                self.options_text(v, self.stock.store_info().language),
                v.quantity.map_or("some".to_string(), |q| q.to_string())
            ));
            d.products.push(record);
            return Ok(());
        }
        // Asked-for variant out of stock: the same product in other
        // sizes/colours, similar products, and the waitlist.
        let v = matching[0];
        let options = self.options_text(v, lang);
        d.say("out_of_stock", &[("title", &title), ("options", &options)]);
        d.lost_demand.push(LostDemand {
            product_id: record.product.id.clone(),
            size: v.size().map(str::to_string),
            color: v.color().map(str::to_string),
        });
        session.checked.push(format!(
            "{title} ({}): out of stock",
            self.options_text(v, self.stock.store_info().language)
        ));
        self.say_other_variants(&record, v, &want, d);
        d.products.push(record.clone());
        self.offer_similar(&record, reading.size.as_deref(), d)?;
        session.waitlist_candidate =
            Some((record.product.id.clone(), v.sku.clone(), options.clone()));
        d.actions.push(Action::JoinWaitlist {
            status: ActionStatus::Offered,
            product_id: record.product.id.clone(),
            sku: v.sku.clone(),
            title,
            options,
            contact: None,
        });
        d.say("waitlist_offer", &[]);
        d.chip("chip_notify");
        d.chip("chip_other_sizes");
        Ok(())
    }

    /// After "X in size 9, black is out of stock": what the same product
    /// has in stock instead, grouped the way the shopper asked — the sizes
    /// in the colour asked for, the colours in the size asked for, else the
    /// other sizes or colours at all.
    fn say_other_variants(
        &self,
        record: &ProductRecord,
        missing: &Variant,
        want: &VariantQuery,
        d: &mut Draft,
    ) {
        let lang = d.lang;
        let in_stock: Vec<&Variant> = record.variants.iter().filter(|o| o.in_stock).collect();
        let distinct = |values: Vec<String>| {
            let mut seen = Vec::new();
            for v in values {
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
            seen
        };
        let sizes_of = |pick: &dyn Fn(&Variant) -> bool| {
            distinct(
                in_stock
                    .iter()
                    .filter(|o| pick(o))
                    .filter_map(|o| o.size().map(str::to_string))
                    .collect(),
            )
        };
        let colours_of = |pick: &dyn Fn(&Variant) -> bool| {
            distinct(
                in_stock
                    .iter()
                    .filter(|o| pick(o))
                    .filter_map(|o| o.color().map(|c| self.color_name(c, lang)))
                    .collect(),
            )
        };
        let size_asked = want.size.is_some();
        let colour_asked = !want.colors.is_empty();
        let mut said = false;
        if let (true, Some(colour)) = (colour_asked, missing.color()) {
            let sizes = sizes_of(&|o: &Variant| o.color() == Some(colour));
            if !sizes.is_empty() {
                d.say(
                    "other_sizes_in_colour",
                    &[
                        ("colour", &self.color_name(colour, lang)),
                        ("list", &shorten(&sizes, lang, 10)),
                    ],
                );
                said = true;
            }
        }
        if let (true, Some(size)) = (size_asked, missing.size()) {
            let colours = colours_of(&|o: &Variant| o.size() == Some(size));
            if !colours.is_empty() {
                d.say(
                    "other_colours_in_size",
                    &[("size", size), ("list", &shorten(&colours, lang, 8))],
                );
                said = true;
            }
        }
        if said {
            return;
        }
        let (key, values) = if size_asked {
            ("other_sizes_in_stock", sizes_of(&|_| true))
        } else {
            ("other_colours_in_stock", colours_of(&|_| true))
        };
        if !values.is_empty() {
            d.say(key, &[("list", &shorten(&values, lang, 10))]);
        }
    }

    /// In-stock products like this one: same category, near the price, in
    /// the size asked for.
    fn offer_similar(
        &self,
        record: &ProductRecord,
        size: Option<&str>,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        let Some(category) = record.product.category.clone() else {
            return Ok(());
        };
        let price = record.product.price.minor;
        let request = SearchRequest {
            text: String::new(),
            lang: None,
            filters: Filters {
                category: Some(category),
                size: size.map(str::to_string),
                price_min: Some(Money::from_minor(price * 6 / 10)),
                price_max: Some(Money::from_minor(price * 14 / 10)),
                in_stock_only: true,
                ..Filters::default()
            },
            // With no text every candidate scores alike and the index's
            // order is arbitrary (it depends on how the import threads
            // wrote it): take enough to rank them here.
            limit: 64,
            prefix: false,
        };
        let mut similar: Vec<ProductRecord> = self
            .search
            .search(&request)?
            .into_iter()
            .map(|h| h.record)
            .filter(|r| r.product.id != record.product.id)
            .collect();
        // Most alike by name first ("Men's Running Shoe" for a men's running
        // shoe), then nearest in price.
        let words = |title: &str| -> Vec<String> {
            crate::text::tokenize(title)
                .into_iter()
                .map(|t| t.text)
                .collect()
        };
        let own = words(&record.product.title);
        similar.sort_by_key(|r| {
            let shared = words(&r.product.title)
                .iter()
                .filter(|w| own.contains(w))
                .count();
            (
                std::cmp::Reverse(shared),
                (r.product.price.minor - price).abs(),
                r.product.id.clone(),
            )
        });
        similar.truncate(3);
        if similar.is_empty() {
            return Ok(());
        }
        let constraint = size
            .map(|s| say(d.lang, "word_in_size", &[("size", s)]))
            .unwrap_or_default();
        // Name them, so the sentence stands on its own when read aloud.
        let names: Vec<String> = similar
            .iter()
            .map(|r| format!("{} ({})", r.product.title, self.price_text(r, d.lang)))
            .collect();
        let lead = say(d.lang, "similar_in_stock", &[("constraint", &constraint)]);
        d.parts.push(match d.lang {
            Lang::Zh => format!("{lead}{}。", list(d.lang, &names)),
            _ => format!("{lead} {}.", list(d.lang, &names)),
        });
        d.products.extend(similar);
        Ok(())
    }

    fn nothing_found(&self, reading: &Reading, text: &str, d: &mut Draft) {
        let lexicon = self.stock.lexicon();
        let named: Vec<String> = reading
            .categories
            .iter()
            .chain(&reading.product_types)
            .map(|c| lexicon.concept(*c).name(d.lang).to_string())
            .collect();
        if let Some(what) = named.first() {
            d.say("none_found_category", &[("what", what)]);
        } else {
            let query = if reading.search_text.trim().is_empty() {
                text.trim()
            } else {
                reading.search_text.trim()
            };
            d.say("none_found", &[("query", query)]);
        }
        d.say("try_other_words", &[]);
        d.chip("chip_call_staff");
    }

    // ----- price, location, recommendations, comparison ----------------

    fn price(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Price;
        let Some(record) = self.focus_or_named(session, reading)? else {
            d.confidence = 0.5;
            d.resolved = false;
            d.say("which_product", &[]);
            return Ok(());
        };
        d.confidence = 0.9;
        session.focus = Some(record.product.id.clone());
        if reading.has_variant_slot() {
            let want = self.variant_query(reading);
            if let Some(v) = record.variants.iter().find(|v| want.matches(v)) {
                let price = Money::display(v.price, &record.product.currency, d.lang);
                d.say(
                    "price_one",
                    &[
                        (
                            "title",
                            &format!(
                                "{} ({})",
                                record.product.title,
                                self.options_text(v, d.lang)
                            ),
                        ),
                        ("price", &price),
                    ],
                );
                d.products.push(record);
                return Ok(());
            }
        }
        self.say_price(&record, d);
        d.chip("chip_where");
        d.chip("chip_cheaper");
        d.products.push(record);
        Ok(())
    }

    fn say_price(&self, record: &ProductRecord, d: &mut Draft) {
        let lang = d.lang;
        let prices: Vec<Money> = record.variants.iter().map(|v| v.price).collect();
        let (min, max) = (
            prices.iter().min().copied().unwrap_or(record.product.price),
            prices.iter().max().copied().unwrap_or(record.product.price),
        );
        let currency = &record.product.currency;
        if min == max {
            d.say(
                "price_one",
                &[
                    ("title", &record.product.title),
                    ("price", &min.display(currency, lang)),
                ],
            );
        } else {
            d.say(
                "price_range",
                &[
                    ("title", &record.product.title),
                    ("min", &min.display(currency, lang)),
                    ("max", &max.display(currency, lang)),
                ],
            );
        }
    }

    fn price_text(&self, record: &ProductRecord, lang: Lang) -> String {
        record.product.price.display(&record.product.currency, lang)
    }

    fn location(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Location;
        let lang = d.lang;
        // "Where are the rain jackets?": a category, not a product.
        if reading.leftover_words == 0 && !understand::refers_back(reading) {
            let lexicon = self.stock.lexicon();
            for concept in &reading.categories {
                if let Some(category) = self.stock.category_of_concept(*concept)
                    && let Some(loc) = self.stock.category_location(category)
                {
                    d.confidence = 0.95;
                    let what = lexicon.concept(*concept).name(lang).to_string();
                    d.say(
                        "location_category",
                        &[("what", &what), ("location", &loc.describe(lang))],
                    );
                    let (records, _) = self.find(reading, session, Some(true))?;
                    d.products = records;
                    return Ok(());
                }
            }
        }
        let Some(record) = self.focus_or_named(session, reading)? else {
            d.confidence = 0.5;
            d.resolved = false;
            d.say("which_product", &[]);
            return Ok(());
        };
        d.confidence = 0.9;
        session.focus = Some(record.product.id.clone());
        match &record.location {
            Some(loc) => d.say(
                "location_product",
                &[
                    ("title", &record.product.title),
                    ("location", &loc.describe(lang)),
                ],
            ),
            None => {
                d.say("location_unknown", &[("title", &record.product.title)]);
                d.chip("chip_call_staff");
            }
        }
        d.products.push(record);
        Ok(())
    }

    /// "Which running shoes would you recommend in size 8?": in-stock
    /// products of the kind named, honouring size, colour and price.
    fn recommend(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Recommend;
        let describes = reading.names_product()
            || reading.leftover_words > 0
            || !reading.attributes.is_empty()
            || !reading.materials.is_empty();
        if !describes {
            // "What do you recommend?" about what is on screen.
            if session.focus.is_some() {
                return self.complement(session, reading, d);
            }
            d.confidence = 0.5;
            d.resolved = false;
            d.say("which_product", &[]);
            return Ok(());
        }
        d.confidence = 0.85;
        let (records, dropped) = self.find(reading, session, Some(true))?;
        if records.is_empty() {
            d.resolved = false;
            self.nothing_found(reading, &reading.search_text, d);
            return Ok(());
        }
        if !dropped.is_empty() {
            let constraint = self.constraint_text(reading, d.lang, &dropped);
            d.say("closest_instead", &[("constraint", &constraint)]);
        } else {
            d.say("recommend_general", &[]);
        }
        if reading.size.is_some() {
            session.size.clone_from(&reading.size);
        }
        session.focus = Some(records[0].product.id.clone());
        session.last_list = Some(reading.clone());
        session.last_was_list = true;
        d.products = records;
        d.stock_facts = true;
        d.chip("chip_where");
        d.chip("chip_goes_with");
        Ok(())
    }

    /// "Socks to go with these running shoes": what the catalog says goes
    /// with a product, in stock.
    fn complement(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Recommend;
        d.confidence = 0.85;
        let lexicon = self.stock.lexicon();
        // "socks to go with running shoes": the first kind named is wanted,
        // the last is what it goes with.
        let mut named: Vec<usize> = reading
            .categories
            .iter()
            .chain(&reading.product_types)
            .copied()
            .collect();
        let text_lower = crate::text::fold(&reading.search_text);
        named.sort_by_key(|c| {
            lexicon
                .concept(*c)
                .terms
                .iter()
                .flat_map(|(_, ws)| ws.iter())
                .filter_map(|w| text_lower.find(&crate::text::fold(w)))
                .min()
                .unwrap_or(usize::MAX)
        });
        let context_of = |c: usize| -> Result<Option<ProductRecord>, BackendError> {
            let is_category = lexicon.concept(c).kind == ConceptKind::Category;
            let r = Reading {
                categories: if is_category { vec![c] } else { vec![] },
                product_types: if is_category { vec![] } else { vec![c] },
                search_text: lexicon
                    .concept(c)
                    .name(self.stock.store_info().language)
                    .to_string(),
                ..Reading::default()
            };
            Ok(self.find(&r, session, None)?.0.into_iter().next())
        };
        // Which of two kinds is the one the shopper has? The one whose
        // products the catalog pairs with the other ("running shoes" go
        // with "sports socks"), whatever the word order.
        let goes_with_concept = |context: &ProductRecord, wanted: usize| {
            let words: Vec<String> = lexicon
                .concept(wanted)
                .terms
                .iter()
                .flat_map(|(_, ws)| {
                    ws.iter()
                        .map(|x| crate::lexicon::light_stem(&crate::text::fold(x)))
                })
                .collect();
            context.goes_with.iter().any(|g| {
                let g = crate::lexicon::light_stem(&crate::text::fold(g));
                words.iter().any(|w| g.contains(w.as_str()))
            })
        };
        let (wanted, context) = match named.as_slice() {
            [a, .., b] => {
                let (a, b) = (*a, *b);
                let ctx_b = context_of(b)?;
                if ctx_b.as_ref().is_some_and(|c| goes_with_concept(c, a)) {
                    (Some(a), ctx_b)
                } else {
                    let ctx_a = context_of(a)?;
                    if ctx_a.as_ref().is_some_and(|c| goes_with_concept(c, b)) {
                        (Some(b), ctx_a)
                    } else {
                        (Some(a), ctx_b)
                    }
                }
            }
            [one] if session.focus.is_some() && !understand::refers_back(reading) => {
                let focus = match session.focus.clone() {
                    Some(id) => self.stock.product(&id)?,
                    None => None,
                };
                (Some(*one), focus)
            }
            [one] => (None, context_of(*one)?),
            [] => (
                None,
                match session.focus.clone() {
                    Some(id) => self.stock.product(&id)?,
                    None => None,
                },
            ),
        };
        let Some(context) = context else {
            // Nothing to go with: popular in-stock picks of what was named.
            let (records, _) = self.find(reading, session, Some(true))?;
            if records.is_empty() {
                d.say("which_product", &[]);
                d.resolved = false;
                d.confidence = 0.5;
            } else {
                d.say("recommend_general", &[]);
                d.products = records;
            }
            return Ok(());
        };
        let wanted_words: Vec<String> = wanted
            .map(|w| {
                lexicon
                    .concept(w)
                    .terms
                    .iter()
                    .flat_map(|(_, ws)| ws.iter().map(|x| crate::text::fold(x)))
                    .collect()
            })
            .unwrap_or_default();
        let mut picks: Vec<ProductRecord> = Vec::new();
        for category in &context.goes_with {
            let folded = crate::text::fold(category);
            let fits = wanted_words.is_empty()
                || wanted_words.iter().any(|w| {
                    folded.contains(w.as_str())
                        || crate::lexicon::light_stem(&folded)
                            .contains(&crate::lexicon::light_stem(w))
                })
                || wanted.is_some_and(|c| {
                    self.stock
                        .category_of_concept(c)
                        .is_some_and(|cat| crate::text::fold(cat) == folded)
                });
            if !fits {
                continue;
            }
            let request = SearchRequest {
                text: String::new(),
                lang: None,
                filters: Filters {
                    category: Some(category.clone()),
                    in_stock_only: true,
                    ..Filters::default()
                },
                limit: 2,
                prefix: false,
            };
            picks.extend(self.search.search(&request)?.into_iter().map(|h| h.record));
        }
        if picks.is_empty()
            && let Some(w) = wanted
        {
            // The store names no match: in-stock products of the kind asked.
            let r = Reading {
                search_text: lexicon
                    .concept(w)
                    .name(self.stock.store_info().language)
                    .to_string(),
                ..Reading::default()
            };
            picks = self.find(&r, session, Some(true))?.0;
        }
        session.focus = Some(context.product.id.clone());
        if picks.is_empty() {
            d.say("recommend_none", &[("title", &context.product.title)]);
            d.products.push(context);
            return Ok(());
        }
        d.say("recommend_for", &[("title", &context.product.title)]);
        for b in &context.bundles {
            d.say(
                "bundle",
                &[("title", &context.product.title), ("bundle", b)],
            );
        }
        d.products = picks;
        d.chip("chip_add_pickup");
        Ok(())
    }

    fn cheaper(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Search;
        let lang = d.lang;
        // "The cheaper one" after a comparison: the cheaper of the two.
        if !reading.names_product()
            && reading.leftover_words == 0
            && session.shown.len() >= 2
            && session.last_intent == Some(Intent::Compare)
        {
            let mut shown = Vec::new();
            for id in session.shown.iter().take(2) {
                if let Some(r) = self.stock.product(id)? {
                    shown.push(r);
                }
            }
            if let Some(cheapest) = shown.into_iter().min_by_key(|r| r.product.price) {
                d.confidence = 0.85;
                return self.stock_answer(session, reading, cheapest, d);
            }
        }
        let base = match self.referenced(session, reading)? {
            Some(r) => Some(r),
            None => match &session.focus {
                Some(id) if !reading.names_product() => self.stock.product(id)?,
                _ => None,
            },
        };
        let mut r = reading.clone();
        if r.size.is_none() {
            r.size.clone_from(&session.size);
        }
        let (category, price, what) = match &base {
            Some(record) => {
                // Cheaper than this, of the same kind.
                r.search_text.clear();
                let what = record
                    .product
                    .category
                    .clone()
                    .unwrap_or_else(|| record.product.title.clone());
                (record.product.category.clone(), record.product.price, what)
            }
            None => {
                let (records, _) = self.find(reading, session, None)?;
                let Some(cheapest) = records.iter().map(|r| r.product.price).min() else {
                    d.say("which_product", &[]);
                    d.confidence = 0.5;
                    d.resolved = false;
                    return Ok(());
                };
                (None, cheapest, reading.search_text.clone())
            }
        };
        r.price_max = Some(Money::from_minor(price.minor - 1));
        d.confidence = 0.85;
        let (mut records, dropped) = self.find_in(&r, session, Some(true), category.as_deref())?;
        records.retain(|x| x.product.price < price);
        if records.is_empty() || dropped.contains(&"price") {
            d.say("cheaper_none", &[("what", &what.to_lowercase())]);
            return Ok(());
        }
        records.sort_by_key(|x| std::cmp::Reverse(x.product.price));
        d.say(
            "cheaper_found",
            &[(
                "price",
                &price.display(&self.stock.store_info().currency, lang),
            )],
        );
        session.focus = Some(records[0].product.id.clone());
        d.products = records;
        d.stock_facts = true;
        Ok(())
    }

    fn compare(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Compare;
        let lang = d.lang;
        let ids: Vec<String> = if reading.ordinals.len() >= 2 {
            reading
                .ordinals
                .iter()
                .filter_map(|n| {
                    if *n == usize::MAX {
                        session.shown.last()
                    } else {
                        session.shown.get(*n)
                    }
                    .cloned()
                })
                .collect()
        } else if reading.names_product() || reading.leftover_words > 0 {
            // "the Aerion Surge and the Velora Vantage": each side on its own.
            let mut ids = Vec::new();
            for part in split_pair(text) {
                let part_reading =
                    understand::read_in_store(&part, self.stock.lexicon(), self.stock.sizes());
                if let Some(r) = self
                    .find(&part_reading, session, None)?
                    .0
                    .into_iter()
                    .next()
                    && !ids.contains(&r.product.id)
                {
                    ids.push(r.product.id);
                }
            }
            if ids.len() < 2 && session.shown.len() >= 2 && !reading.names_product() {
                // "Compare these two": what is on screen.
                ids = session.shown.iter().take(2).cloned().collect();
            }
            if ids.len() < 2 {
                ids = self
                    .find(reading, session, None)?
                    .0
                    .iter()
                    .take(2)
                    .map(|r| r.product.id.clone())
                    .collect();
            }
            ids
        } else {
            session.shown.iter().take(2).cloned().collect()
        };
        if ids.len() < 2 {
            d.confidence = 0.6;
            d.resolved = false;
            d.say("compare_need_two", &[]);
            return Ok(());
        }
        d.confidence = 0.85;
        d.say("compare_intro", &[]);
        for id in ids.iter().take(2) {
            let Some(record) = self.stock.product(id)? else {
                continue;
            };
            let in_stock: Vec<String> = record
                .variants
                .iter()
                .filter(|v| v.in_stock)
                .map(|v| self.options_text(v, lang))
                .filter(|s| !s.is_empty())
                .collect();
            let stock = if record.in_stock() {
                if in_stock.is_empty() {
                    say(lang, "word_in_stock_short", &[])
                } else {
                    format!(
                        "{}: {}",
                        say(lang, "word_in_stock_short", &[]),
                        shorten(&in_stock, lang, 5)
                    )
                }
            } else {
                say(lang, "word_out_of_stock_short", &[])
            };
            let price = self.price_text(&record, lang);
            d.say(
                "compare_line",
                &[
                    ("title", &record.product.title),
                    ("price", &price),
                    ("stock", &stock),
                ],
            );
            d.products.push(record);
        }
        d.stock_facts = true;
        Ok(())
    }

    fn pickup(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Availability;
        let Some(record) = self.focus_or_named(session, reading)? else {
            d.confidence = 0.5;
            d.say("which_product", &[]);
            return Ok(());
        };
        d.confidence = 0.9;
        let mut r = reading.clone();
        if r.size.is_none() {
            r.size.clone_from(&session.size);
        }
        if r.color.is_none() {
            r.color = session.color;
        }
        let want = self.variant_query(&r);
        let variant = if record.variants.len() == 1 {
            record.variants.first()
        } else if want.size.is_some() || !want.colors.is_empty() {
            record
                .variants
                .iter()
                .find(|v| want.matches(v) && v.in_stock)
        } else {
            None
        };
        match variant {
            Some(v) => {
                let options = self.options_text(v, d.lang);
                d.say(
                    "pickup_added",
                    &[("title", &record.product.title), ("options", &options)],
                );
                d.actions.push(Action::AddToPickupList {
                    status: ActionStatus::Done,
                    product_id: record.product.id.clone(),
                    sku: Some(v.sku.clone()),
                    title: record.product.title.clone(),
                    options,
                });
            }
            None => d.say("pickup_pick_variant", &[]),
        }
        d.products.push(record);
        Ok(())
    }

    // ----- waitlist ----------------------------------------------------

    fn waitlist(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Waitlist;
        d.confidence = 0.9;
        let referenced = self.referenced(session, reading)?;
        let candidate = match (session.waitlist_candidate.clone(), referenced) {
            (Some(c), None) => Some(c),
            // "Notify me" about the variant just found out of stock.
            (Some(c), Some(record)) if c.0 == record.product.id && !reading.has_variant_slot() => {
                Some(c)
            }
            (_, Some(record)) => {
                // The size and colour of the conversation, unless the turn
                // names others.
                let mut r = reading.clone();
                if r.size.is_none() {
                    r.size.clone_from(&session.size);
                }
                if r.color.is_none() {
                    r.color = session.color;
                }
                let want = self.variant_query(&r);
                record
                    .variants
                    .iter()
                    .find(|v| {
                        !v.in_stock
                            && (want.matches(v) || want.size.is_none() && want.colors.is_empty())
                    })
                    .map(|v| {
                        (
                            record.product.id.clone(),
                            v.sku.clone(),
                            self.options_text(v, d.lang),
                        )
                    })
            }
            (None, None) => None,
        };
        let Some((product_id, sku, options)) = candidate else {
            d.say("waitlist_pick_variant", &[]);
            d.resolved = false;
            return Ok(());
        };
        let title = self
            .stock
            .product(&product_id)?
            .map(|r| r.product.title)
            .unwrap_or_default();
        d.say(
            "waitlist_ask_contact",
            &[("title", &title), ("options", &options)],
        );
        d.chip("chip_no");
        session.pending = Some(Pending::WaitlistContact {
            product_id,
            sku,
            options,
        });
        Ok(())
    }

    /// Handles the answer to a question the last turn asked. Returns false
    /// when the turn is about something else.
    fn continue_pending(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
        pending: Pending,
    ) -> Result<bool, BackendError> {
        match pending {
            Pending::WaitlistContact {
                product_id,
                sku,
                options,
            } => {
                if let Some(contact) = &reading.contact {
                    let title = self
                        .stock
                        .product(&product_id)?
                        .map(|r| r.product.title)
                        .unwrap_or_default();
                    d.intent = Intent::Waitlist;
                    d.confidence = 0.95;
                    let masked = redact::mask_contact(contact);
                    d.say(
                        "waitlist_joined",
                        &[
                            ("contact", &masked),
                            ("title", &title),
                            ("options", &options),
                        ],
                    );
                    d.actions.push(Action::JoinWaitlist {
                        status: ActionStatus::Done,
                        product_id,
                        sku,
                        title,
                        options,
                        contact: Some(contact.clone()),
                    });
                    session.waitlist_candidate = None;
                    return Ok(true);
                }
                if reading.has(Cue::Deny) && !reading.names_product() {
                    d.intent = Intent::Waitlist;
                    d.confidence = 0.9;
                    d.say("waitlist_declined", &[]);
                    return Ok(true);
                }
                if reading.has(Cue::Affirm) && !reading.names_product() {
                    d.intent = Intent::Waitlist;
                    d.confidence = 0.9;
                    d.say("waitlist_bad_contact", &[]);
                    d.chip("chip_no");
                    session.pending = Some(Pending::WaitlistContact {
                        product_id,
                        sku,
                        options,
                    });
                    return Ok(true);
                }
                Ok(false)
            }
            Pending::OrderNumber => {
                if reading.order_id.is_some() {
                    self.order_status(session, reading, d)?;
                    return Ok(true);
                }
                Ok(false)
            }
            Pending::StaffOffer => {
                if reading.has(Cue::Affirm) && !reading.names_product() && !reading.has(Cue::Deny) {
                    d.intent = Intent::Human;
                    d.confidence = 0.95;
                    d.say("staff_called", &[]);
                    d.escalate(EscalationReason::Requested);
                    return Ok(true);
                }
                if reading.has(Cue::Deny) && !reading.names_product() {
                    d.intent = Intent::Greeting;
                    d.confidence = 0.9;
                    d.say("waitlist_declined", &[]);
                    return Ok(true);
                }
                Ok(false)
            }
        }
    }

    // ----- store information ---------------------------------------------

    fn store_info(
        &self,
        reading: &Reading,
        text: &str,
        hours_follow_up: bool,
        d: &mut Draft,
        clock: Clock,
    ) -> Result<(), BackendError> {
        d.intent = Intent::StoreInfo;
        d.confidence = 0.9;
        let store = self.stock.store_info();
        let lang = d.lang;
        if reading.has(Cue::Hours) || hours_follow_up {
            if store.hours.is_empty() {
                d.say("hours_unknown", &[]);
                d.resolved = false;
            } else {
                const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                let today_idx = clock.local.weekday().to_monday_zero_offset() as usize;
                let asked = understand::weekday(text, today_idx);
                match asked {
                    Some(day) if day != today_idx => {
                        let name = say(lang, &format!("dayname_{}", DAYS[day]), &[]);
                        match store.hours.iter().find(|h| h.day == DAYS[day]) {
                            Some(h) => match (&h.open, &h.close) {
                                (Some(o), Some(c)) => {
                                    d.say("hours_day", &[("day", &name), ("open", o), ("close", c)])
                                }
                                _ => d.say("hours_day_closed", &[("day", &name)]),
                            },
                            None => d.say("hours_unknown", &[]),
                        }
                    }
                    _ => {
                        let date = clock.local.date().to_string();
                        let entry = store
                            .hours
                            .iter()
                            .find(|h| h.day == date)
                            .or_else(|| store.hours.iter().find(|h| h.day == DAYS[today_idx]));
                        if let Some(h) = entry {
                            match (&h.open, &h.close) {
                                (Some(o), Some(c)) => {
                                    d.say("hours_today", &[("open", o), ("close", c)])
                                }
                                _ => d.say("hours_today_closed", &[]),
                            }
                        }
                    }
                }
                let week: Vec<String> = store
                    .hours
                    .iter()
                    .filter(|h| h.day.len() == 3)
                    .map(|h| {
                        let day = say(lang, &format!("day_{}", h.day), &[]);
                        match (&h.open, &h.close) {
                            (Some(o), Some(c)) => format!("{day} {o}–{c}"),
                            _ => format!("{day} {}", say(lang, "word_closed", &[])),
                        }
                    })
                    .collect();
                d.say(
                    "hours_week",
                    &[(
                        "list",
                        &week.join(if lang == Lang::Zh { "、" } else { ", " }),
                    )],
                );
            }
        }
        for (cue, kind) in [
            (Cue::Payment, PolicyKind::Payment),
            (Cue::Loyalty, PolicyKind::Loyalty),
        ] {
            if reading.has(cue) {
                match store.policy(kind) {
                    Some(p) => d.parts.push(p.text.get(lang).to_string()),
                    None => {
                        d.say("policy_unknown", &[]);
                        d.resolved = false;
                    }
                }
            }
        }
        Ok(())
    }

    fn returns(&self, reading: &Reading, d: &mut Draft) -> Result<(), BackendError> {
        d.intent = Intent::Returns;
        d.confidence = 0.9;
        let store = self.stock.store_info();
        let lang = d.lang;
        let kind = if reading.has(Cue::Exchange) && !reading.has(Cue::Returns) {
            PolicyKind::Exchanges
        } else {
            PolicyKind::Returns
        };
        let Some(policy) = store
            .policy(kind)
            .or_else(|| store.policy(PolicyKind::Returns))
        else {
            d.say("policy_unknown", &[]);
            d.chip("chip_call_staff");
            d.resolved = false;
            return Ok(());
        };
        d.parts.push(policy.text.get(lang).to_string());
        if !policy.steps.is_empty() {
            let steps: Vec<String> = policy
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {}", i + 1, s.get(lang)))
                .collect();
            d.say("return_steps", &[("steps", &steps.join(" "))]);
        }
        Ok(())
    }

    fn answer_faq(&self, entry: &crate::FaqEntry, d: &mut Draft) -> Result<(), BackendError> {
        d.intent = Intent::StoreInfo;
        d.confidence = 0.8;
        d.parts.push(entry.answer.get(d.lang).to_string());
        Ok(())
    }

    fn order_status(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::OrderStatus;
        d.confidence = 0.9;
        if !self.stock.has_orders() {
            // Nothing to look in, whatever the number: say so, and offer a
            // person who can.
            d.say("order_no_data", &[]);
            self.offer_staff(session, d);
            d.resolved = false;
            return Ok(());
        }
        let Some(id) = reading.order_id.as_deref() else {
            d.say("order_need_number", &[]);
            session.pending = Some(Pending::OrderNumber);
            return Ok(());
        };
        let id = id.trim_start_matches('#');
        match self.stock.order(id)? {
            Some(order) => match &order.updated_at {
                Some(updated) => d.say(
                    "order_status",
                    &[
                        ("order", &order.id),
                        ("status", &order.status),
                        ("updated", updated),
                    ],
                ),
                None => d.say(
                    "order_status_no_date",
                    &[("order", &order.id), ("status", &order.status)],
                ),
            },
            None => {
                d.say("order_not_found", &[("order", id)]);
                self.offer_staff(session, d);
                d.resolved = false;
            }
        }
        Ok(())
    }

    /// "Shall I call a staff member?", with the button, waiting for a yes.
    fn offer_staff(&self, session: &mut Session, d: &mut Draft) {
        d.say("staff_offer", &[]);
        d.chip("chip_call_staff");
        d.actions.push(Action::CallStaff {
            status: ActionStatus::Offered,
            reason: EscalationReason::Requested,
        });
        session.pending = Some(Pending::StaffOffer);
    }

    // ----- wording helpers -------------------------------------------------

    /// "size 9, black" in the shopper's language.
    fn options_text(&self, v: &Variant, lang: Lang) -> String {
        let mut parts = Vec::new();
        if let Some(size) = v.size() {
            if size.eq_ignore_ascii_case("one size") {
                parts.push(self.size_name(size, lang));
            } else {
                parts.push(format!("{} {}", say(lang, "word_size", &[]), size));
            }
        }
        if let Some(color) = v.color() {
            parts.push(self.color_name(color, lang));
        }
        for (name, value) in &v.options {
            if name != "Size" && name != "Color" {
                parts.push(format!("{name} {value}"));
            }
        }
        parts.join(", ")
    }

    fn color_name(&self, color: &str, lang: Lang) -> String {
        let lexicon = self.stock.lexicon();
        match lexicon.lookup(color) {
            Some(idx) if lexicon.concept(idx).kind == ConceptKind::Color => {
                lexicon.concept(idx).name(lang).to_string()
            }
            _ => color.to_string(),
        }
    }

    fn size_name(&self, size: &str, lang: Lang) -> String {
        let lexicon = self.stock.lexicon();
        lexicon
            .concepts()
            .iter()
            .find(|c| c.kind == ConceptKind::Size && c.id.eq_ignore_ascii_case(size))
            .map_or(size.to_string(), |c| c.name(lang).to_string())
    }

    /// What the shopper asked for, as words: "size 9, black".
    fn asked_text(&self, reading: &Reading, lang: Lang) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &reading.size {
            parts.push(format!("{} {}", say(lang, "word_size", &[]), s));
        }
        if let Some(c) = reading.color {
            parts.push(self.stock.lexicon().concept(c).name(lang).to_string());
        }
        parts.join(", ")
    }

    /// The sizes (or colours) a product does come in.
    fn available_text(&self, record: &ProductRecord, want: &VariantQuery, lang: Lang) -> String {
        // Size and colour asked, and the size exists: the colours made in
        // that size; the colour exists: the sizes made in that colour.
        if let Some(size) = &want.size
            && !want.colors.is_empty()
        {
            let collect = |pick: &dyn Fn(&Variant) -> Option<String>| {
                let mut values: Vec<String> = Vec::new();
                for v in &record.variants {
                    if let Some(x) = pick(v)
                        && !values.contains(&x)
                    {
                        values.push(x);
                    }
                }
                values
            };
            let in_size: Vec<String> = collect(&|v: &Variant| {
                want.size_matches(v)
                    .then(|| v.color().map(|c| self.color_name(c, lang)))
                    .flatten()
            });
            if !in_size.is_empty() {
                let size_text = format!("{} {}", say(lang, "word_size", &[]), size);
                return format!("{size_text}: {}", shorten(&in_size, lang, 12));
            }
            let in_colour: Vec<String> = collect(&|v: &Variant| {
                want.color_matches(v)
                    .then(|| v.size().map(str::to_string))
                    .flatten()
            });
            if let (false, Some(colour)) = (
                in_colour.is_empty(),
                record
                    .variants
                    .iter()
                    .find(|v| want.color_matches(v))
                    .and_then(Variant::color),
            ) {
                return format!(
                    "{}: {}",
                    self.color_name(colour, lang),
                    shorten(&in_colour, lang, 12)
                );
            }
        }
        let values: Vec<String> = if want.size.is_some() {
            record
                .option_values("Size")
                .iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            record
                .option_values("Color")
                .iter()
                .map(|c| self.color_name(c, lang))
                .collect()
        };
        shorten(&values, lang, 12)
    }

    fn constraint_text(&self, reading: &Reading, lang: Lang, dropped: &[&str]) -> String {
        let mut parts = Vec::new();
        for what in dropped {
            match *what {
                "color" => {
                    if let Some(c) = reading.color {
                        parts.push(self.stock.lexicon().concept(c).name(lang).to_string());
                    }
                }
                "size" => {
                    if let Some(s) = &reading.size {
                        parts.push(format!("{} {}", say(lang, "word_size", &[]), s));
                    }
                }
                "price" => {
                    if let Some(max) = reading.price_max {
                        let price = max.display(&self.stock.store_info().currency, lang);
                        parts.push(say(lang, "word_under_price", &[("price", &price)]));
                    }
                }
                _ => {}
            }
        }
        let joined = parts.join(", ");
        if lang == Lang::Zh {
            joined
        } else {
            format!("“{joined}”")
        }
    }

    fn slots(&self, reading: &Reading, session: &Session, lang: Lang) -> Slots {
        let lexicon = self.stock.lexicon();
        let name = |c: &usize| lexicon.concept(*c).name(lang).to_string();
        Slots {
            category: reading.categories.first().and_then(|c| {
                self.stock
                    .category_of_concept(*c)
                    .map(str::to_string)
                    .or_else(|| Some(name(c)))
            }),
            product_type: reading
                .product_types
                .first()
                .map(|c| lexicon.concept(*c).id.clone()),
            size: reading.size.clone(),
            color: reading.color.map(|c| {
                lexicon
                    .concept(c)
                    .name(self.stock.store_info().language)
                    .to_string()
            }),
            material: reading
                .materials
                .first()
                .map(|c| lexicon.concept(*c).id.clone()),
            price_min: reading.price_min.map(Money::as_f64),
            price_max: reading.price_max.map(Money::as_f64),
            order_id: reading.order_id.clone(),
            product_id: session.focus.clone(),
        }
    }

    /// The model's reading of an unclear turn, among the intents the rules
    /// can answer; `None` unless it is fairly sure.
    fn choose_intent(
        &self,
        generator: &dyn generator::Generator,
        text: &str,
        lang: Lang,
    ) -> Option<Intent> {
        const OPTIONS: [(&str, Intent); 9] = [
            (
                "looking for a product or asking if it is in stock",
                Intent::Availability,
            ),
            ("asking the price of a product", Intent::Price),
            ("asking where something is in the store", Intent::Location),
            (
                "asking about opening hours, payment or the loyalty card",
                Intent::StoreInfo,
            ),
            (
                "asking how to return or exchange something",
                Intent::Returns,
            ),
            ("asking about an online order", Intent::OrderStatus),
            ("wanting to talk to a member of staff", Intent::Human),
            ("saying hello, thanks or goodbye", Intent::Greeting),
            (
                "something a shop kiosk cannot help with",
                Intent::OutOfScope,
            ),
        ];
        let labels: Vec<&str> = OPTIONS.iter().map(|(l, _)| *l).collect();
        let (idx, p) = generator.choose(&generator::Choice {
            text,
            lang,
            options: &labels,
        })?;
        (p >= 0.5)
            .then(|| OPTIONS.get(idx).map(|(_, i)| *i))
            .flatten()
    }

    /// Answers a turn as if its intent were `intent` (the model's choice).
    fn respond_as(
        &self,
        intent: Intent,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
        clock: Clock,
    ) -> Result<(), BackendError> {
        match intent {
            Intent::Price => self.price(session, reading, d),
            Intent::Location => self.location(session, reading, d),
            Intent::StoreInfo => self.store_info(reading, text, true, d, clock),
            Intent::Returns => self.returns(reading, d),
            Intent::OrderStatus => self.order_status(session, reading, d),
            Intent::Human => {
                d.intent = Intent::Human;
                d.say("staff_called", &[]);
                d.escalate(EscalationReason::Requested);
                Ok(())
            }
            Intent::Greeting => self.social(Cue::Greeting, "greeting", d),
            Intent::OutOfScope => {
                d.intent = Intent::OutOfScope;
                d.say("out_of_scope", &[]);
                Ok(())
            }
            _ => self.availability(session, reading, text, d),
        }
    }

    /// The model's phrasing of the template answer, if it passes the
    /// verifier; else the template.
    fn phrase(
        &self,
        template: &str,
        products: &[ProductView],
        lang: Lang,
        on_token: &mut dyn FnMut(&str),
    ) -> (String, Option<Phrasing>) {
        let Some(generator) = self.generator.filter(|_| {
            self.config.phrase_with_model && self.config.phrase_languages.contains(&lang)
        }) else {
            return (template.to_string(), None);
        };
        if template.trim().is_empty() {
            return (template.to_string(), None);
        }
        let sheet = fact_sheet(template, products);
        // Stream only what has been checked: text is held back until a
        // sentence ends, and the sentences so far are verified before they
        // are shown. After a violation nothing more is shown (the template
        // replaces the answer).
        let lexicon = self.stock.lexicon();
        let brands = self.stock.brands();
        let mut written = String::new();
        let mut shown = 0;
        let mut clean = true;
        let mut gate = |token: &str| {
            written.push_str(token);
            if !clean {
                return;
            }
            let Some(end) = written.rfind(['.', '!', '?', '。', '！', '？', '\n']) else {
                return;
            };
            let end = end + written[end..].chars().next().map_or(1, char::len_utf8);
            if end <= shown {
                return;
            }
            if verifier::verify(&written[..end], &sheet, lexicon, brands, lang).is_empty() {
                on_token(&written[shown..end]);
                shown = end;
            } else {
                clean = false;
            }
        };
        let Some(generated) = generator.phrase(&sheet, lang, &mut gate) else {
            return (template.to_string(), None);
        };
        // Text after the last full stop is an unfinished sentence (the
        // token budget ran out, or the model trailed off): it is dropped,
        // as it was never shown.
        let generated = complete_sentences(&generated).to_string();
        let violations = verifier::verify_complete(
            &generated,
            &sheet,
            self.stock.lexicon(),
            self.stock.brands(),
            lang,
        );
        if violations.is_empty() {
            (
                generated.clone(),
                Some(Phrasing {
                    used: true,
                    violations,
                    generated: Some(generated),
                }),
            )
        } else {
            (
                template.to_string(),
                Some(Phrasing {
                    used: false,
                    violations,
                    generated: Some(generated),
                }),
            )
        }
    }

    fn handoff(&self, session: &Session, reading: &Reading, reason: EscalationReason) -> Handoff {
        let store_lang = self.stock.store_info().language;
        let lexicon = self.stock.lexicon();
        let mut wants = Vec::new();
        for c in reading.categories.iter().chain(&reading.product_types) {
            wants.push(lexicon.concept(*c).name(store_lang).to_string());
        }
        let size = reading.size.clone().or_else(|| session.size.clone());
        let color = reading
            .color
            .or(session.color)
            .map(|c| lexicon.concept(c).name(store_lang).to_string());
        if let Some(s) = &size {
            wants.push(format!("size {s}"));
        }
        if let Some(c) = &color {
            wants.push(c.clone());
        }
        let reason_text = match reason {
            EscalationReason::Requested => "asked for a staff member",
            EscalationReason::LowConfidence => "the kiosk did not understand twice",
            EscalationReason::Discount => "asks about a discount or price match",
            EscalationReason::Complaint => "has a complaint",
            EscalationReason::DamagedOrFraud => {
                "reports a damaged item, fraud or a payment problem"
            }
            EscalationReason::SafetyOrMedical => "has a health or safety question",
            EscalationReason::StaleStock => "needs a stock check (kiosk stock data is old)",
        };
        let mut summary = format!("Shopper {reason_text}");
        if !wants.is_empty() {
            summary.push_str(&format!("; looking for: {}", wants.join(", ")));
        }
        let products = session
            .shown
            .iter()
            .take(3)
            .chain(session.focus.iter())
            .filter_map(|id| self.stock.product(id).ok().flatten())
            .map(|r| HandoffProduct {
                id: r.product.id.clone(),
                title: r.product.title.clone(),
                size: size.clone(),
                color: color.clone(),
            })
            .fold(Vec::<HandoffProduct>::new(), |mut acc, p| {
                if !acc.iter().any(|x| x.id == p.id) {
                    acc.push(p);
                }
                acc
            });
        Handoff {
            language: session.lang.unwrap_or(store_lang),
            reason,
            wants: summary,
            products,
            checked: session
                .checked
                .iter()
                .rev()
                .take(6)
                .rev()
                .cloned()
                .collect(),
            last_messages: session
                .messages
                .iter()
                .rev()
                .take(3)
                .rev()
                .cloned()
                .collect(),
        }
    }
}

/// `text` up to its last sentence end, or all of it when it has none.
fn complete_sentences(text: &str) -> &str {
    let text = text.trim();
    match text.rfind(['.', '!', '?', '。', '！', '？']) {
        Some(end) => {
            let end = end + text[end..].chars().next().map_or(1, char::len_utf8);
            // A decimal point is not a sentence end ("EUR 24.95").
            if text[end..].starts_with(|c: char| c.is_ascii_digit()) {
                text
            } else {
                &text[..end]
            }
        }
        None => text,
    }
}

/// The facts a model may state when phrasing: the template answer, and the
/// shown products' cards. A template may quote the shopper's own words
/// (“{query}”); the verifier leaves quoted text out of what backs an answer.
pub fn fact_sheet(template: &str, products: &[ProductView]) -> generator::FactSheet {
    let facts = products
        .iter()
        .map(|p| {
            let variants: Vec<String> = p
                .variants
                .iter()
                .map(|v| {
                    let options: Vec<String> =
                        v.options.iter().map(|(k, x)| format!("{k} {x}")).collect();
                    let stock = match (v.in_stock, v.quantity) {
                        (true, Some(q)) => format!("{q} in stock"),
                        (true, None) => "in stock".to_string(),
                        (false, _) => "out of stock".to_string(),
                    };
                    format!("{}: {stock}", options.join(", "))
                })
                .collect();
            format!(
                "{} | {} {:.2} | {} | {}",
                p.title,
                p.currency,
                p.price,
                p.location.as_ref().map_or("", |l| l.text.as_str()),
                variants.join("; ")
            )
        })
        .collect();
    generator::FactSheet {
        template: template.to_string(),
        facts,
    }
}

/// Search results, the constraints dropped to get them, and the product the
/// words name (if any).
type Ranked = (Vec<ProductRecord>, Vec<&'static str>, Option<ProductRecord>);

/// A size and/or colour to look for among variants.
struct VariantQuery {
    size: Option<String>,
    /// Every word of the colour concept, folded.
    colors: Vec<String>,
}

impl VariantQuery {
    fn size_matches(&self, v: &Variant) -> bool {
        match (&self.size, v.size()) {
            (Some(want), Some(have)) => option_key(have) == *want,
            (Some(_), None) => false,
            (None, _) => true,
        }
    }

    fn color_matches(&self, v: &Variant) -> bool {
        if self.colors.is_empty() {
            return true;
        }
        v.color()
            .is_some_and(|c| self.colors.contains(&option_key(c)))
    }

    fn matches(&self, v: &Variant) -> bool {
        self.size_matches(v) && self.color_matches(v)
    }

    fn in_stock_in(&self, r: &ProductRecord) -> bool {
        r.variants.iter().any(|v| v.in_stock && self.matches(v))
    }
}

/// The two sides of "A and B", "A vs B", "A of B", "A和B".
fn split_pair(text: &str) -> Vec<String> {
    let folded = crate::text::fold(text);
    for sep in [
        " and ", " vs ", " versus ", " or ", " with ", " en ", " of ", " met ", " dan ", " atau ",
        " dengan ", " sama ", "和", "跟", "與", "与", "还是", "還是",
    ] {
        if let Some((a, b)) = folded.split_once(sep) {
            return vec![a.to_string(), b.to_string()];
        }
    }
    Vec::new()
}

/// The first `max` items as a list, with "…" when cut.
fn shorten(items: &[String], lang: Lang, max: usize) -> String {
    let mut unique: Vec<String> = Vec::new();
    for i in items {
        if !unique.contains(i) {
            unique.push(i.clone());
        }
    }
    if unique.len() <= max {
        return list(lang, &unique);
    }
    let mut cut: Vec<String> = unique[..max].to_vec();
    cut.push("…".into());
    cut.join(if lang == Lang::Zh { "、" } else { ", " })
}

/// "22 Nov 22:00" in the store's local time (the caller's clock carries the
/// offset between UTC and local time).
fn format_as_of(as_of: jiff::Timestamp, clock: Clock) -> String {
    let offset_secs = clock
        .local
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map_or(0, |z| z.timestamp().as_second() - clock.now.as_second());
    let local = jiff::Timestamp::from_second(as_of.as_second() + offset_secs).unwrap_or(as_of);
    local.strftime("%Y-%m-%d %H:%M").to_string()
}
