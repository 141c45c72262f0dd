//! Comparing two products side by side: price and stock.

use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Intent;
use crate::assistant::Session;
use crate::assistant::phrasebook::say;
use crate::assistant::understand::{self, Reading};
use crate::assistant::wording::shorten;
use crate::traits::BackendError;

impl Assistant<'_> {
    pub(in crate::assistant) fn compare(
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
            let for_sale: Vec<&crate::Variant> =
                record.variants.iter().filter(|v| v.in_stock).collect();
            let in_stock: Vec<String> = for_sale
                .iter()
                .map(|v| self.options_text(v, lang))
                .filter(|s| !s.is_empty())
                .collect();
            let stock = if record.in_stock() {
                let word = say(lang, super::stock_word(&for_sale), &[]);
                if in_stock.is_empty() {
                    word
                } else {
                    format!("{word}: {}", shorten(&in_stock, lang, 5))
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
}

/// The two sides of "A and B", "A vs B", "A of B", "A和B".
pub(super) fn split_pair(text: &str) -> Vec<String> {
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

#[cfg(test)]
mod tests;
