//! Open-ended needs: a turn that says what something is for rather than
//! what it is ("something to keep me warm when it is windy", "iets voor op
//! de barbecue", "hadiah untuk pacar", "冬天戴在頭上保暖的"). Its words name
//! no product the store holds, so a search by words finds nothing, or the
//! wrong things through one word shared by accident; the question as a
//! whole, weighed by the e5 model against the products' passages, finds
//! what fits (`ProductSearch::by_meaning`). Several kinds may meet one
//! need, so the first products shown are of different categories, those
//! in stock before the rest. Without the model (no product vectors) the
//! turn goes the usual way: a search by its words.

use crate::ProductRecord;
use crate::assistant::understand::Reading;
use crate::assistant::{Assistant, Draft, Intent, Session};
use crate::text::{fold, option_key};
use crate::traits::{BackendError, Filters, SearchRequest};

/// Words that ask by purpose, occasion, time or recipient, or leave the
/// thing itself open, in the shopper languages: function words of any
/// store's shoppers, never a kind of product.
const NEED_WORDS: &[&str] = &[
    // en
    "for",
    "to",
    "when",
    "something",
    "gift",
    "present",
    // nl
    "voor",
    "om",
    "als",
    "iets",
    "cadeau",
    "kado",
    // id
    "untuk",
    "buat",
    "saat",
    "ketika",
    "sesuatu",
    "hadiah",
];

/// Of [`NEED_WORDS`] and [`NEED_ZH`], those that ask for a thing itself
/// ("something", a gift), not only say what for or when.
const THING_WORDS: &[&str] = &[
    "something",
    "gift",
    "present",
    "iets",
    "cadeau",
    "kado",
    "sesuatu",
    "hadiah",
];
const THING_ZH: &[&str] = &["禮物", "東西"];

/// The same in Chinese, found inside the folded (Traditional) text: what a
/// thing is used, worn, eaten or drunk for ("…用的", "…穿的"), when ("…時"),
/// for whom ("送…", "給…"), a gift, a thing left open ("東西").
const NEED_ZH: &[&str] = &[
    "用的", "穿的", "戴的", "吃的", "喝的", "時", "送", "給", "禮物", "東西",
];

/// How many products each need weighs by meaning before picking the
/// varied few it shows.
const NEED_POOL: usize = 24;

/// Whether a turn is worded as a need: it holds a word of purpose,
/// occasion, time or recipient, or leaves the thing open.
pub(in crate::assistant) fn worded_as_need(text: &str) -> bool {
    let folded = fold(text);
    if NEED_ZH.iter().any(|m| folded.contains(m)) {
        return true;
    }
    folded
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| NEED_WORDS.contains(&w))
}

/// Whether a turn asks for a thing, left open ("something warm for windy
/// weather", "sesuatu yang hangat untuk cuaca berangin", a gift): then a
/// subject the kiosk does not talk about (the weather, a dinner) is the
/// occasion of a need, not the question.
pub(in crate::assistant) fn asks_for_a_thing(text: &str) -> bool {
    let folded = fold(text);
    THING_ZH.iter().any(|m| folded.contains(m))
        || folded
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| THING_WORDS.contains(&w))
}

/// The products to show for a need, `n` at most: in stock before the
/// rest, and within each, the closest of every category before a second
/// of any (products with no category count as a category each), else in
/// the order given (closest first).
pub(in crate::assistant) fn varied(records: Vec<ProductRecord>, n: usize) -> Vec<ProductRecord> {
    let (in_stock, rest): (Vec<ProductRecord>, Vec<ProductRecord>) =
        records.into_iter().partition(ProductRecord::in_stock);
    let mut out = Vec::new();
    for group in [in_stock, rest] {
        let mut seen: Vec<String> = Vec::new();
        let mut again = Vec::new();
        for record in group {
            match record.product.category.as_deref().map(option_key) {
                Some(key) if seen.contains(&key) => again.push(record),
                Some(key) => {
                    seen.push(key);
                    out.push(record);
                }
                None => out.push(record),
            }
        }
        out.extend(again);
    }
    out.truncate(n);
    out
}

impl Assistant<'_> {
    /// Answers a turn worded as a need whose words find no product whole,
    /// by the meaning of the whole question: a few fitting products of
    /// different kinds. Returns false (nothing said) when the turn is not
    /// such a need, the store cannot search by meaning, or nothing stands
    /// out by meaning; the caller then searches by words.
    pub(in crate::assistant) fn need(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
    ) -> Result<bool, BackendError> {
        if !worded_as_need(text) {
            return Ok(false);
        }
        self.by_meaning(session, reading, text, d)
    }

    /// Answers, like [`need`](Self::need), a turn that names a subject the
    /// kiosk does not talk about (the weather, a dinner) only when it asks
    /// for a thing for it ([`asks_for_a_thing`]).
    pub(in crate::assistant) fn need_on_an_occasion(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
    ) -> Result<bool, BackendError> {
        if !asks_for_a_thing(text) {
            return Ok(false);
        }
        self.need(session, reading, text, d)
    }

    /// Answers a turn that asks for something by what it is for by the
    /// meaning of the whole question, unless its words find a product
    /// whole or say nothing beyond cues and stop words. Returns false
    /// (nothing said) when it does not answer.
    pub(in crate::assistant) fn by_meaning(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
    ) -> Result<bool, BackendError> {
        // "What goes with it?", "something for me": no word says what for.
        if reading.leftover_words == 0 && !reading.names_product() {
            return Ok(false);
        }
        // Words a product holds every one of name it ("shoes for
        // running", "a jacket for the rain"): that is a search by words.
        if !reading.search_text.trim().is_empty() {
            let mut by_words = SearchRequest::new(reading.search_text.clone());
            by_words.lang = Some(d.lang);
            by_words.limit = self.config.max_products.max(1);
            if self.search.search(&by_words)?.iter().any(|h| h.full_match) {
                return Ok(false);
            }
        }
        let mut request = SearchRequest::new(text.trim().to_string());
        request.lang = Some(d.lang);
        request.filters = Filters {
            price_min: reading.price_min,
            price_max: reading.price_max,
            ..Filters::default()
        };
        request.limit = NEED_POOL;
        let Some(hits) = self.search.by_meaning(&request)? else {
            return Ok(false);
        };
        let records: Vec<ProductRecord> = hits.into_iter().map(|h| h.record).collect();
        if records.is_empty() {
            return Ok(false);
        }
        let records = varied(records, self.config.max_products.max(1));
        d.intent = Intent::Search;
        d.confidence = 0.7;
        // The need explained the turn: not a default for a second opinion.
        d.by_default = false;
        d.say("need_ideas", &[]);
        super::show_list(session, reading, records, d);
        d.stock_facts = true;
        d.chip("chip_where");
        d.chip("chip_cheaper");
        Ok(true)
    }
}

#[cfg(test)]
mod tests;
