//! The seams between the dialogue logic and the stores behind it. The catalog
//! crate implements them over Tantivy and SQLite; tests may implement them
//! over plain vectors.

use serde::{Deserialize, Serialize};

use crate::{
    FaqEntry, Lang, Lexicon, Location, Money, OrderStatus, ProductRecord, SnapshotInfo, StoreInfo,
};

/// An error from a store behind a trait (a corrupt index, a failed read).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct BackendError(#[from] pub Box<dyn std::error::Error + Send + Sync>);

impl BackendError {
    pub fn msg(message: impl Into<String>) -> BackendError {
        BackendError(message.into().into())
    }
}

/// Hard constraints on a search. Text relevance ranks; filters exclude.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    /// A category name as the catalog spells it (compared case-insensitively).
    pub category: Option<String>,
    pub brand: Option<String>,
    pub size: Option<String>,
    pub color: Option<String>,
    pub price_min: Option<Money>,
    pub price_max: Option<Money>,
    /// Only products with a variant in stock that matches `size` and `color`.
    pub in_stock_only: bool,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub text: String,
    /// The shopper's language, when known; otherwise the query is matched
    /// against every language's vocabulary.
    pub lang: Option<Lang>,
    pub filters: Filters,
    pub limit: usize,
    /// Treat the last word as an unfinished prefix (type-ahead).
    pub prefix: bool,
    /// How the products found are ordered.
    #[serde(default)]
    pub order: Order,
}

/// The order of a search's products.
///
/// By price, products without a price (zero: the export left it unset)
/// are left out, as they have no place in a price order. Without words
/// the products are the cheapest (or dearest) of all the filters allow,
/// not a sample of them; with words, the products the words find, in
/// price order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Order {
    /// Best match first.
    #[default]
    Relevance,
    /// Cheapest first.
    PriceLowFirst,
    /// Dearest first.
    PriceHighFirst,
}

impl Order {
    pub fn by_price(self) -> bool {
        self != Order::Relevance
    }

    /// Puts `items` in this order (by price, then title, then id), leaving
    /// out the unpriced; relevance leaves them as they are. Every search
    /// that orders by price orders through this.
    pub fn arrange<T>(self, items: &mut Vec<T>, record: impl Fn(&T) -> &ProductRecord) {
        if !self.by_price() {
            return;
        }
        items.retain(|i| record(i).product.price.minor > 0);
        items.sort_by(|a, b| {
            let (a, b) = (&record(a).product, &record(b).product);
            let by_price = match self {
                Order::PriceHighFirst => b.price.cmp(&a.price),
                _ => a.price.cmp(&b.price),
            };
            by_price
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.id.cmp(&b.id))
        });
    }
}

impl SearchRequest {
    pub fn new(text: impl Into<String>) -> SearchRequest {
        SearchRequest {
            text: text.into(),
            lang: None,
            filters: Filters::default(),
            limit: 10,
            prefix: false,
            order: Order::Relevance,
        }
    }
}

/// A product that matched, with its live stock facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductHit {
    pub record: ProductRecord,
    pub score: f32,
    /// The product matched every word of the query; false for one added
    /// because too few did, which matched only some.
    pub full_match: bool,
    /// Found only through a store word standing in for one of the
    /// shopper's (a word of another language, translated by meaning), not
    /// through the shopper's own words: the closest the store has, which
    /// the answer says so rather than presenting it as a match.
    #[serde(default)]
    pub translated: bool,
}

pub trait ProductSearch {
    fn search(&self, request: &SearchRequest) -> Result<Vec<ProductHit>, BackendError>;

    /// How many products a list of all `request`'s matches would hold,
    /// whatever its `limit`: those that match every word, when any do,
    /// else those that match some; all within the filters (a product
    /// without a price is within no price limit and in no price order). A
    /// list cut at its limit says this many were found.
    ///
    /// The default runs the search without a limit; a backend that can
    /// count without reading the products should.
    fn count(&self, request: &SearchRequest) -> Result<usize, BackendError> {
        let mut all = request.clone();
        all.limit = usize::MAX;
        let hits = self.search(&all)?;
        let priced = |h: &&ProductHit| {
            h.record.product.price.minor > 0
                || !(request.order.by_price()
                    || request.filters.price_min.is_some()
                    || request.filters.price_max.is_some())
        };
        let full = hits.iter().filter(|h| h.full_match).filter(priced).count();
        if full > 0 {
            return Ok(full);
        }
        Ok(hits.iter().filter(priced).count())
    }

    /// The products nearest the meaning of `request.text` as a whole
    /// (a need: "something warm for a windy day"), within its filters,
    /// closest first, each `score` its similarity; only those that stand
    /// out from the rest of the catalog for that text. `None` when the
    /// store has no product vectors or no model to embed the text: then
    /// search goes by words alone.
    fn by_meaning(&self, request: &SearchRequest) -> Result<Option<Vec<ProductHit>>, BackendError> {
        let _ = request;
        Ok(None)
    }
}

pub trait StockLookup {
    /// A product by id (Shopify handle, WooCommerce SKU, native id) or by any
    /// of its variants' SKUs or barcodes.
    fn product(&self, id_or_sku: &str) -> Result<Option<ProductRecord>, BackendError>;
    fn store_info(&self) -> &StoreInfo;
    fn faq(&self) -> &[FaqEntry];
    fn snapshot_info(&self) -> &SnapshotInfo;
    /// Category names as the catalog spells them, with product counts.
    fn categories(&self) -> &[(String, u64)];
    /// The store's multilingual vocabulary.
    fn lexicon(&self) -> &Lexicon;
    /// The catalog category a lexicon concept names, if the store has it.
    fn category_of_concept(&self, concept: usize) -> Option<&str>;
    /// Where most of a category's products are.
    fn category_location(&self, category: &str) -> Option<&Location>;
    /// At or below this many units, stock counts as low.
    fn low_stock_threshold(&self) -> i64;
    /// An order from the synced orders export.
    fn order(&self, id: &str) -> Result<Option<OrderStatus>, BackendError>;
    /// Whether any orders were synced at all.
    fn has_orders(&self) -> bool;
    /// The catalog's brand names (for the grounding verifier).
    fn brands(&self) -> &[String];
    /// The sizes the store sells, as its catalog spells them: a bare "M"
    /// or "42" is read as a size only if the store has it.
    fn sizes(&self) -> &[String];
    /// The colours the store's variants have, as its catalog spells them.
    fn colors(&self) -> &[String] {
        &[]
    }
    /// A model that weighs text by meaning, when one is loaded; `None`
    /// reads by words alone.
    fn meaning(&self) -> Option<&dyn TextMeaning> {
        None
    }
    /// How close in meaning `product` is to each of `others` (product
    /// ids), from the products' own stored vectors: one value each, higher
    /// is closer, `None` for a product without a vector. A store without
    /// vectors says `None` for all.
    fn closeness(&self, product: &str, others: &[&str]) -> Result<Vec<Option<f32>>, BackendError> {
        let _ = product;
        Ok(vec![None; others.len()])
    }
}

/// Similarity in meaning between a shopper's question and short passages
/// (the sentences of a product's description), across languages.
pub trait TextMeaning {
    /// The similarity of `question` with each of `passages`, in order;
    /// higher is closer. Only the order and the spread between passages
    /// mean anything, not the absolute values.
    fn similarities(&self, question: &str, passages: &[&str]) -> Result<Vec<f32>, BackendError>;
}

/// Turns shoppers' texts into vectors that compare by meaning across
/// languages (unit length, one model for all): the nearest-example reading
/// of a turn's intent (`assistant::intents`) goes through it.
pub trait TextEncoder: Send + Sync {
    /// One vector per text, in order, each embedded as a query.
    fn query_vectors(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, BackendError>;
}

/// What speech recognition heard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// The words, or empty when nothing was said (silence, noise).
    pub text: String,
    /// The language heard (or the one asked for); `None` when the model
    /// detected one the kiosk does not speak.
    pub lang: Option<Lang>,
    /// The model's own language code (`en`, `nl`, `zh`, ...).
    pub lang_code: String,
    /// Seconds of audio.
    pub audio_seconds: f64,
    /// Milliseconds from the end of the audio to the text.
    pub elapsed_ms: f64,
}

/// Speech to text, on 16 kHz mono audio.
pub trait Transcriber: Send + Sync {
    /// `lang` is the shopper's choice in the UI; `None` detects it.
    fn transcribe(
        &self,
        pcm_16k_mono: &[f32],
        lang: Option<Lang>,
    ) -> Result<Transcript, BackendError>;
}
