//! Resolution: which product a turn speaks of. An ordinal or "it" points at
//! what was shown; otherwise the words that distinguish a title name it.

use crate::assistant::Assistant;
use crate::assistant::Session;
use crate::assistant::understand::{self, Reading};
use crate::text::option_key;
use crate::traits::BackendError;
use crate::{ProductRecord, Variant};

impl Assistant<'_> {
    /// The product a turn speaks of: "the second one", "it", or one the
    /// words name well.
    pub(super) fn focus_or_named(
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
    pub(super) fn best_named(
        &self,
        reading: &Reading,
        found: Vec<ProductRecord>,
    ) -> Option<ProductRecord> {
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
    pub(super) fn referenced(
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

    /// Whether the words name this product in particular (its model words),
    /// rather than a kind of product.
    pub(super) fn names_one_product(&self, reading: &Reading, record: &ProductRecord) -> bool {
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

    /// Whether the turn's own words find a product that contains them.
    pub(super) fn words_find_a_product(
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
    pub(super) fn shares_words(&self, reading: &Reading, record: &ProductRecord) -> bool {
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

    pub(super) fn variant_query(&self, reading: &Reading) -> VariantQuery {
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
}

/// A size and/or colour to look for among variants.
pub(super) struct VariantQuery {
    pub(super) size: Option<String>,
    /// Every word of the colour concept, folded.
    pub(super) colors: Vec<String>,
}

impl VariantQuery {
    pub(super) fn size_matches(&self, v: &Variant) -> bool {
        match (&self.size, v.size()) {
            (Some(want), Some(have)) => option_key(have) == *want,
            (Some(_), None) => false,
            (None, _) => true,
        }
    }

    pub(super) fn color_matches(&self, v: &Variant) -> bool {
        if self.colors.is_empty() {
            return true;
        }
        v.color()
            .is_some_and(|c| self.colors.contains(&option_key(c)))
    }

    pub(super) fn matches(&self, v: &Variant) -> bool {
        self.size_matches(v) && self.color_matches(v)
    }

    pub(super) fn in_stock_in(&self, r: &ProductRecord) -> bool {
        r.variants.iter().any(|v| v.in_stock && self.matches(v))
    }
}
