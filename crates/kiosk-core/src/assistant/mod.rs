//! The dialogue engine: one shopper turn in, one grounded reply out.
//!
//! The engine does no IO. It reads the turn by rules (`understand`), looks
//! products and stock up through the core traits, and answers from the
//! phrasebook with facts from the snapshot filled in. Session state (what was
//! shown, what was asked, a pending question) carries across turns and is
//! dropped with [`Session::reset`].
//!
//! This file holds the turn (`turn_streaming`: language, reading, answer,
//! staleness, handoff, the `Reply`) and the router (`respond`: which kind
//! of answer a reading gets). The stages of a reply live beside it:
//! `understand` reads, `resolve` picks the product spoken of, `retrieve`
//! searches, `answers/` holds one file per kind of answer (`quote` picks
//! the description sentences that answer a question about a product),
//! `wording` says
//! options and lists, and `model_hooks` is where a language model may
//! choose a meaning or phrase an answer.

mod answers;
pub mod cues;
mod draft;
pub mod eval;
mod faq;
pub mod generator;
pub mod intents;
pub mod language;
mod model_hooks;
pub mod phrasebook;
mod quote;
pub mod redact;
mod reply;
mod resolve;
mod retrieve;
mod session;
#[cfg(test)]
mod test_store;
pub mod understand;
pub mod verifier;
mod wording;

use std::time::Instant;

use crate::traits::BackendError;
use crate::view::ProductView;
use crate::{Lang, ProductSearch, StockLookup};
use cues::Cue;
use draft::Draft;
use phrasebook::say;
use resolve::Named;
use understand::Reading;

pub use model_hooks::fact_sheet;
pub use reply::{
    Action, ActionStatus, AnalyticsEvent, Consent, EscalationReason, Handoff, HandoffProduct,
    Intent, LostDemand, Phrasing, QuickReply, Reply, Slots, SnapshotAge, Timings,
};
use session::Pending;
pub use session::{Clock, Session, TurnInput};
use wording::format_as_of;

/// The cues of a turn that asks the kiosk something (a price, a place,
/// stock, a policy…): such a turn is never only small talk, and a question
/// about the product itself comes after them.
pub(crate) const ASKING_CUES: &[Cue] = &[
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
    Cue::Overview,
];

#[derive(Debug, Clone)]
pub struct AssistantConfig {
    /// Answers about stock say "as of …" beyond this age.
    pub stale_after_hours: f64,
    /// Stock questions go to staff beyond this age.
    pub hard_stale_after_hours: f64,
    /// Below this, a reading counts as not understood.
    pub low_confidence: f32,
    /// Product cards per answer about one product, and the most products
    /// one answer names (a "which one?" asks among at most this many).
    pub max_products: usize,
    /// Products in a list answer (a browse shows every match, scrolling).
    pub max_list_products: usize,
    /// Let the model phrase answers (when one is loaded).
    pub phrase_with_model: bool,
    /// The languages the model phrases; the others keep the templates.
    pub phrase_languages: Vec<Lang>,
    /// Let the model choose a meaning when the rules are unsure.
    pub understand_with_model: bool,
    /// When the nearest labelled examples (with the e5 model loaded) are
    /// asked what a turn wants.
    pub second_opinion: intents::SecondOpinion,
    /// The share of the nearest examples that must agree before their
    /// intent replaces the rules' default answer.
    pub examples_min_share: f32,
}

impl Default for AssistantConfig {
    fn default() -> AssistantConfig {
        AssistantConfig {
            stale_after_hours: 30.0,
            hard_stale_after_hours: 96.0,
            low_confidence: 0.4,
            max_products: 5,
            max_list_products: 48,
            phrase_with_model: true,
            phrase_languages: Lang::ALL.to_vec(),
            understand_with_model: true,
            second_opinion: intents::SecondOpinion::default(),
            examples_min_share: intents::DEFAULT_MIN_SHARE,
        }
    }
}

pub struct Assistant<'a> {
    pub search: &'a dyn ProductSearch,
    pub stock: &'a dyn StockLookup,
    pub config: &'a AssistantConfig,
    /// The language model, when one is loaded: it reads what the rules
    /// could not, and phrases answers (checked by the verifier).
    pub generator: Option<&'a dyn generator::Generator>,
    /// The labelled example turns, embedded, when the e5 model is loaded:
    /// a second opinion where the rules fell back to a default.
    pub examples: Option<&'a intents::IntentExamples>,
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
            examples: None,
        }
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
        let text = understand::split_glued_options(
            &understand::split_joined_colours(&input.text, lexicon),
            lexicon,
            self.stock.colors(),
            self.stock.sizes(),
        );
        let reading = self.with_category_words(
            understand::with_store_colour(
                self.with_store_words(
                    understand::read_in_store(&text, lexicon, self.stock.sizes()),
                    &text,
                )?,
                self.stock.colors(),
            ),
            &text,
        );
        // "nomor 12" after a list: the twelfth product, unless a size.
        let listed = if session.last_was_list {
            session.shown.len()
        } else {
            0
        };
        let reading = understand::with_list_place(reading, listed, lexicon, self.stock.sizes());
        let understood_at = Instant::now();

        let mut draft = Draft::new(lang);
        // The session as the turn found it, for answering again by the
        // examples' reading.
        let before = self.examples.map(|_| session.clone());
        let answers_pending = session.pending.is_some();
        self.respond(session, &reading, &text, &mut draft, clock)?;
        let mut example_choice = None;
        if let Some(before) = before
            && intents::knows_a_word(&reading, &input.text)
            && let Some(intent) = self.second_opinion(&draft, &input.text, answers_pending)
        {
            let mut retry = Draft::new(lang);
            let mut retry_session = before;
            self.respond_as(
                intent,
                &mut retry_session,
                &reading,
                &text,
                &mut retry,
                clock,
            )?;
            if !retry.parts.is_empty() {
                example_choice = Some(intent);
                retry.confidence = retry.confidence.max(self.config.low_confidence);
                draft = retry;
                *session = retry_session;
            }
        }
        // The rules are unsure: let the model choose among the meanings the
        // kiosk knows, then answer by rules again.
        let mut model_choice = None;
        if draft.confidence < self.config.low_confidence
            && example_choice.is_none()
            && self.config.understand_with_model
            && let Some(generator) = self.generator
            && let Some(intent) = self.choose_intent(generator, &input.text, lang)
        {
            model_choice = Some(format!("{intent:?}"));
            let mut retry = Draft::new(lang);
            self.respond_as(intent, session, &reading, &text, &mut retry, clock)?;
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
        // Stock answers on old data say first how old; too old, staff check.
        let info = self.stock.snapshot_info();
        let age_hours = info.age_hours(clock.now);
        let stale = age_hours > self.config.stale_after_hours;
        if draft.stock_facts
            && age_hours > self.config.hard_stale_after_hours
            && draft.escalation.is_none()
        {
            draft.say_first("stale_hard", &[]);
            draft.escalate(EscalationReason::StaleStock);
        } else if draft.stock_facts && stale {
            let as_of = format_as_of(info.stock_as_of, &self.stock.store_info().timezone);
            draft.say_first("stale_note", &[("as_of", &as_of)]);
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
            .take(self.config.max_list_products)
            .map(|r| ProductView::new(r, lang, threshold))
            .collect();
        let slots = self.slots(draft.effective.as_ref().unwrap_or(&reading), session, lang);
        let template = draft.parts.join(if lang == Lang::Zh { "" } else { " " });
        // A model phrases from the cards an answer is about, not a whole
        // list's.
        let about = &products[..products.len().min(self.config.max_products)];
        // A consent question is shown as the store wrote it, never in a
        // model's words, and recorded as shown.
        let asks_consent = matches!(
            session.pending,
            Some(Pending::WaitlistContact { asked: None, .. })
        );
        // A quote from the catalog is shown as written, never reworded.
        let (answer, phrasing) = if asks_consent || draft.quoted {
            (template.clone(), None)
        } else {
            self.phrase(&template, about, lang, on_token)
        };
        if let Some(Pending::WaitlistContact { asked, .. }) = &mut session.pending
            && asked.is_none()
        {
            *asked = Some(session::ConsentAsked {
                requested: redact::redact(&input.text),
                shown: answer.clone(),
                language: lang,
                at: clock.now,
            });
        }
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
            example_choice,
        })
    }

    /// The intent the nearest examples give a turn the rules answered by
    /// a default (per `second_opinion`), when it is another intent and
    /// enough of them agree.
    fn second_opinion(&self, draft: &Draft, text: &str, answers_pending: bool) -> Option<Intent> {
        let examples = self.examples?;
        let unsure = draft.confidence < self.config.low_confidence;
        let ask = match self.config.second_opinion {
            intents::SecondOpinion::Off => false,
            intents::SecondOpinion::Unsure => unsure,
            intents::SecondOpinion::RulesDefault => unsure || draft.by_default,
            intents::SecondOpinion::Disagree => {
                unsure || draft.by_default || (draft.escalation.is_none() && !answers_pending)
            }
        };
        if !ask {
            return None;
        }
        // A failed embedding leaves the rules' answer.
        let guess = examples.guess(text).ok().flatten()?;
        (guess.share >= self.config.examples_min_share
            && intents::label(guess.intent) != intents::label(draft.intent))
        .then_some(guess.intent)
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
            && self.continue_pending(session, reading, d, pending, text, clock)?
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
                if let Named::One(record) = self.focus_or_named(session, reading, text)? {
                    self.say_price(&record, d);
                    session.focus = Some(record.product.id.clone());
                    d.products.push(*record);
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
            if let Named::One(record) = self.focus_or_named(session, reading, text)? {
                self.say_price(&record, d);
                session.focus = Some(record.product.id.clone());
                d.products.push(*record);
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
            // "Sesuatu yang hangat untuk cuaca berangin": the weather is
            // what the thing asked for is for; answered by meaning when
            // the store can.
            if self.need_on_an_occasion(session, reading, text, d)? {
                return Ok(());
            }
            d.intent = Intent::OutOfScope;
            d.confidence = 0.9;
            d.say("out_of_scope", &[]);
            return Ok(());
        }
        // "What do you have?" with nothing more to go on: what the store
        // sells.
        if reading.has(Cue::Overview)
            && !reading.names_product()
            && reading.leftover_words == 0
            && !reading.has_variant_slot()
            && reading.price_max.is_none()
            && reading.price_min.is_none()
            && reading.ordinal.is_none()
        {
            return self.overview(d);
        }
        // Thanks and goodbyes often come with a few more words ("thank you
        // so much, that's all I needed").
        let social = [
            (Cue::Thanks, "thanks"),
            (Cue::Goodbye, "goodbye"),
            (Cue::Greeting, "greeting"),
        ];
        let asks_something = ASKING_CUES.iter().any(|c| reading.has(*c));
        if !asks_something && reading.categories.is_empty() && !reading.has_variant_slot() {
            for (cue, key) in social {
                if reading.has(cue) && reading.leftover_words <= 4 {
                    return self.social(cue, key, d);
                }
            }
        }
        // "The fifth one" after a list of three: how many were shown, and
        // them again; never another product in its place.
        if self.ordinal_past_shown(session, reading, text)? {
            return self.only_shown(session, d);
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
            return self.pickup(session, reading, text, d);
        }
        // "How much are the necklaces under 20 euro" is a search with a
        // ceiling; "how much is it" asks a price.
        if reading.has(Cue::Price) && reading.price_max.is_none() && reading.price_min.is_none() {
            return self.price(session, reading, text, d);
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
            return self.location(session, reading, text, d);
        }
        // "Is it waterproof?", "what is it made of?": the product's own
        // description answers.
        if let Some(record) = self.details_asked(session, reading, text)? {
            return self.details(session, reading, text, record, d);
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
            // "That one" alone: the product in focus.
            || (reading.has(Cue::RefersBack) && session.focus.is_some())
        {
            // Words nothing else explained are searched for: the rules'
            // default reading.
            d.by_default = !reading.has(Cue::Availability)
                && !reading.has_variant_slot()
                && !reading.names_product()
                && reading.ordinal.is_none()
                && reading.price_max.is_none()
                && reading.price_min.is_none();
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
        d.by_default = true;
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

    /// Answers a turn as if its intent were `intent` (the model's or the
    /// examples' choice).
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
            Intent::Price => self.price(session, reading, text, d),
            Intent::Location => self.location(session, reading, text, d),
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
            Intent::Recommend => self.recommend(session, reading, d),
            Intent::Compare => self.compare(session, reading, text, d),
            Intent::Waitlist => self.waitlist(session, reading, d),
            Intent::ProductInfo => {
                let focus = match &session.focus {
                    Some(id) => self.stock.product(id)?,
                    None => None,
                };
                match focus {
                    Some(record) => self.details(session, reading, text, record, d),
                    None => self.availability(session, reading, text, d),
                }
            }
            Intent::OutOfScope => {
                d.intent = Intent::OutOfScope;
                d.say("out_of_scope", &[]);
                Ok(())
            }
            _ => self.availability(session, reading, text, d),
        }
    }
}
