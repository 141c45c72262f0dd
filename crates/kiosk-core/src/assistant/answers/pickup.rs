//! The pickup list: adding the variant talked about.

use crate::assistant::Action;
use crate::assistant::ActionStatus;
use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Intent;
use crate::assistant::Session;
use crate::assistant::understand::Reading;
use crate::traits::BackendError;

impl Assistant<'_> {
    pub(in crate::assistant) fn pickup(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Availability;
        let Some(record) = self.product_spoken_of(session, reading, text, d)? else {
            return Ok(());
        };
        d.confidence = 0.9;
        let want = self
            .variant_choice(&reading.with_session_variant(session), &record)
            .want;
        let variant = if record.variants.len() == 1 {
            record.variants.first()
        } else if !want.asks_nothing() {
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
}

#[cfg(test)]
mod tests;
