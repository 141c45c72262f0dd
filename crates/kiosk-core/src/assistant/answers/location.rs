//! Where a product or a category is in the store.

use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Intent;
use crate::assistant::Session;
use crate::assistant::understand::{self, Reading};
use crate::traits::BackendError;

impl Assistant<'_> {
    pub(in crate::assistant) fn location(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
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
        let Some(record) = self.product_spoken_of(session, reading, text, d)? else {
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
}

#[cfg(test)]
mod tests;
