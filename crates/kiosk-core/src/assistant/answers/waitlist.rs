//! The waitlist: "notify me" for a variant out of stock, and the answers
//! to questions a turn left pending (a contact, an order number, a yes).

use crate::assistant::Action;
use crate::assistant::ActionStatus;
use crate::assistant::Assistant;
use crate::assistant::Clock;
use crate::assistant::Consent;
use crate::assistant::Draft;
use crate::assistant::EscalationReason;
use crate::assistant::Intent;
use crate::assistant::Pending;
use crate::assistant::Session;
use crate::assistant::cues::Cue;
use crate::assistant::redact;
use crate::assistant::understand::Reading;
use crate::traits::BackendError;

impl Assistant<'_> {
    pub(in crate::assistant) fn waitlist(
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
                let want = self
                    .variant_choice(&reading.with_session_variant(session), &record)
                    .want;
                record
                    .variants
                    .iter()
                    .find(|v| !v.in_stock && (want.matches(v) || want.asks_nothing()))
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
            asked: None,
        });
        Ok(())
    }

    /// Handles the answer to a question the last turn asked. Returns false
    /// when the turn is about something else.
    pub(in crate::assistant) fn continue_pending(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
        pending: Pending,
        text: &str,
        clock: Clock,
    ) -> Result<bool, BackendError> {
        match pending {
            Pending::WaitlistContact {
                product_id,
                sku,
                options,
                asked,
            } => {
                // A contact counts only as the answer to a consent question
                // the shopper was shown.
                if let (Some(contact), Some(asked)) = (&reading.contact, &asked) {
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
                        consent: Some(Consent {
                            requested: asked.requested.clone(),
                            shown: asked.shown.clone(),
                            language: asked.language,
                            shown_at: asked.at,
                            answer: redact::redact(text),
                            answered_at: clock.now,
                        }),
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
                    // The question agreed to is still the first one shown.
                    session.pending = Some(Pending::WaitlistContact {
                        product_id,
                        sku,
                        options,
                        asked,
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
}

#[cfg(test)]
mod tests;
