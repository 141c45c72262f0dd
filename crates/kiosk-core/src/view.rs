//! The JSON shape of a product as the kiosk reports it (`kiosk search`,
//! `kiosk stock`, `kiosk ask`): facts only, straight from the snapshot.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Lang, Location, Money, ProductRecord};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductView {
    pub id: String,
    pub title: String,
    pub brand: Option<String>,
    pub category: Option<String>,
    /// The lowest variant price (a decimal number in JSON).
    #[serde(with = "crate::money::decimal")]
    pub price: Money,
    pub currency: String,
    pub in_stock: bool,
    pub location: Option<LocationView>,
    pub variants: Vec<VariantView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantView {
    pub sku: String,
    pub options: BTreeMap<String, String>,
    #[serde(with = "crate::money::decimal")]
    pub price: Money,
    /// Units on hand; `null` when the store does not count them.
    pub quantity: Option<i64>,
    pub in_stock: bool,
    /// In stock with few left (at or under the store's threshold).
    pub low_stock: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationView {
    pub id: String,
    pub zone: String,
    pub aisle: Option<String>,
    pub shelf: Option<String>,
    /// "Footwear, aisle 1, shelf A" in the requested language.
    pub text: String,
}

impl LocationView {
    pub fn new(location: &Location, lang: Lang) -> LocationView {
        LocationView {
            id: location.id.clone(),
            zone: location.zone.clone(),
            aisle: location.aisle.clone(),
            shelf: location.shelf.clone(),
            text: location.describe(lang),
        }
    }
}

impl ProductView {
    pub fn new(record: &ProductRecord, lang: Lang, low_stock_threshold: i64) -> ProductView {
        ProductView {
            id: record.product.id.clone(),
            title: record.product.title.clone(),
            brand: record.product.brand.clone(),
            category: record.product.category.clone(),
            price: record.product.price,
            currency: record.product.currency.clone(),
            in_stock: record.in_stock(),
            location: record.location.as_ref().map(|l| LocationView::new(l, lang)),
            variants: record
                .variants
                .iter()
                .map(|v| VariantView {
                    sku: v.sku.clone(),
                    options: v.options.clone(),
                    price: v.price,
                    quantity: v.quantity,
                    in_stock: v.in_stock,
                    low_stock: v.is_low(low_stock_threshold),
                })
                .collect(),
        }
    }
}
