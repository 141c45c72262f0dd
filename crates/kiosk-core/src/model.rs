//! Plain data: what the snapshot holds about products, stock, the store and
//! its policies. Everything the kiosk states as a fact is one of these.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Lang, Money};

/// Text in several languages. Lookups fall back to English, then to any
/// language present, so a missing translation never hides a fact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Localized(pub BTreeMap<Lang, String>);

impl Localized {
    pub fn new(en: impl Into<String>) -> Localized {
        let mut map = BTreeMap::new();
        map.insert(Lang::En, en.into());
        Localized(map)
    }

    pub fn with(mut self, lang: Lang, text: impl Into<String>) -> Localized {
        self.0.insert(lang, text.into());
        self
    }

    /// The text in `lang`, or the fallback, and which language it is in.
    pub fn get_with_lang(&self, lang: Lang) -> Option<(Lang, &str)> {
        self.0
            .get(&lang)
            .map(|t| (lang, t.as_str()))
            .or_else(|| self.0.get(&Lang::En).map(|t| (Lang::En, t.as_str())))
            .or_else(|| self.0.iter().next().map(|(l, t)| (*l, t.as_str())))
    }

    pub fn get(&self, lang: Lang) -> &str {
        self.get_with_lang(lang).map_or("", |(_, t)| t)
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|t| t.trim().is_empty())
    }
}

/// A place on the shop floor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub id: String,
    /// A named area, e.g. "Footwear".
    pub zone: String,
    pub aisle: Option<String>,
    pub shelf: Option<String>,
    /// Free text for landmarks ("next to the fitting rooms").
    pub description: Option<String>,
}

impl Location {
    /// "Footwear, aisle 3, shelf B" in the given language.
    pub fn describe(&self, lang: Lang) -> String {
        let (aisle_word, shelf_word) = match lang {
            Lang::En => ("aisle", "shelf"),
            Lang::Nl => ("gang", "schap"),
            Lang::Id => ("lorong", "rak"),
            Lang::Zh => ("走道", "貨架"),
        };
        let mut parts = vec![self.zone.clone()];
        if let Some(a) = &self.aisle {
            parts.push(match lang {
                Lang::Zh => format!("{aisle_word} {a}"),
                _ => format!("{aisle_word} {a}"),
            });
        }
        if let Some(s) = &self.shelf {
            parts.push(format!("{shelf_word} {s}"));
        }
        let sep = if lang == Lang::Zh { "，" } else { ", " };
        parts.join(sep)
    }
}

/// A sellable product (the thing a shopper names); its sizes and colours are
/// [`Variant`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub title: String,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub description: String,
    pub tags: Vec<String>,
    /// The lowest variant price (what "from" prices show).
    pub price: Money,
    pub currency: String,
    pub location_id: Option<String>,
    pub image: Option<String>,
}

/// One size/colour of a product, with its stock in this store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub sku: String,
    pub product_id: String,
    /// Option name → value, e.g. `Size` → `9`, `Color` → `Black`. Names are
    /// normalized: `Colour` becomes `Color`.
    pub options: BTreeMap<String, String>,
    pub price: Money,
    /// Units on hand as of the snapshot; `None` when the source does not
    /// track quantities.
    pub quantity: Option<i64>,
    pub in_stock: bool,
    pub barcode: Option<String>,
}

impl Variant {
    pub fn size(&self) -> Option<&str> {
        self.options.get("Size").map(String::as_str)
    }

    pub fn color(&self) -> Option<&str> {
        self.options.get("Color").map(String::as_str)
    }

    /// In stock, but with few units left.
    pub fn is_low(&self, low_stock_threshold: i64) -> bool {
        self.in_stock && self.quantity.is_some_and(|q| q <= low_stock_threshold)
    }
}

/// A product with its variants and location: the unit of a search hit and of
/// a stock answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductRecord {
    pub product: Product,
    pub variants: Vec<Variant>,
    pub location: Option<Location>,
    /// Categories the store says go with this product (`goes_with`).
    #[serde(default)]
    pub goes_with: Vec<String>,
    /// Sets (grouped products) this product belongs to.
    #[serde(default)]
    pub bundles: Vec<String>,
}

impl ProductRecord {
    pub fn in_stock(&self) -> bool {
        self.variants.iter().any(|v| v.in_stock)
    }

    /// Distinct values of one option, in variant order.
    pub fn option_values(&self, name: &str) -> Vec<&str> {
        let mut seen = Vec::new();
        for v in &self.variants {
            if let Some(value) = v.options.get(name)
                && !seen.contains(&value.as_str())
            {
                seen.push(value.as_str());
            }
        }
        seen
    }
}

/// Opening hours of one weekday (`mon`..`sun`) or a dated exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    pub day: String,
    /// `None` when closed.
    pub open: Option<String>,
    pub close: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    Returns,
    Exchanges,
    Payment,
    Loyalty,
    Other,
}

/// A store policy, in the store's own words per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub kind: PolicyKind,
    pub text: Localized,
    /// Steps for the shopper (e.g. how to return), per language.
    #[serde(default)]
    pub steps: Vec<Localized>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInfo {
    pub id: String,
    pub name: String,
    /// The language the catalog is written in.
    pub language: Lang,
    pub currency: String,
    pub timezone: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub hours: Vec<OpeningHours>,
    pub policies: Vec<Policy>,
}

impl StoreInfo {
    pub fn policy(&self, kind: PolicyKind) -> Option<&Policy> {
        self.policies.iter().find(|p| p.kind == kind)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqEntry {
    pub id: String,
    pub question: Localized,
    pub answer: Localized,
    pub tags: Vec<String>,
}

/// Where a snapshot came from and how fresh it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub id: String,
    /// The path or URL the data was imported from.
    pub source: String,
    /// `native`, `shopify` or `woocommerce`.
    pub format: String,
    pub created_at: jiff::Timestamp,
    /// The moment the stock figures describe.
    pub stock_as_of: jiff::Timestamp,
    pub store_id: String,
    pub n_products: u64,
    pub n_variants: u64,
}

impl SnapshotInfo {
    /// Hours between the stock's "as of" time and `now`.
    pub fn age_hours(&self, now: jiff::Timestamp) -> f64 {
        let secs = now.as_second() - self.stock_as_of.as_second();
        secs as f64 / 3600.0
    }
}

/// An order from the orders export, for "where is my order" questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStatus {
    pub id: String,
    pub status: String,
    pub updated_at: Option<String>,
    pub detail: Option<String>,
}
