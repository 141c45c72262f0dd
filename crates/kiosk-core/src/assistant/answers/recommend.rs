//! Recommendations: in-stock products of a kind, and what goes with a
//! product.

use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Intent;
use crate::assistant::Session;
use crate::assistant::understand::{self, Reading};
use crate::lexicon::ConceptKind;
use crate::traits::BackendError;
use crate::{Filters, ProductRecord, SearchRequest};

impl Assistant<'_> {
    /// "Which running shoes would you recommend in size 8?": in-stock
    /// products of the kind named, honouring size, colour and price.
    pub(in crate::assistant) fn recommend(
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
            self.ask_which_product(d);
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
        super::show_list(session, reading, records, d);
        d.stock_facts = true;
        d.chip("chip_where");
        d.chip("chip_goes_with");
        Ok(())
    }

    /// "Socks to go with these running shoes": what the catalog says goes
    /// with a product, in stock.
    pub(in crate::assistant) fn complement(
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
            // Nothing in the store to go with ("a side dish to go with a
            // steak", "配牛排晚餐喝的一瓶酒"): a need, searched by its meaning
            // when the store can.
            if self.by_meaning(session, reading, &reading.text, d)? {
                return Ok(());
            }
            // Nothing to go with: popular in-stock picks of what was named.
            let (records, _) = self.find(reading, session, Some(true))?;
            if records.is_empty() {
                self.ask_which_product(d);
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
                order: crate::Order::Relevance,
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
}

#[cfg(test)]
mod tests;
