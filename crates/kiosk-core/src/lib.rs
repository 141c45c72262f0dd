//! The kiosk's domain core: products, stock facts, languages, the multilingual
//! lexicon and the search/stock traits the assistant works through.
//!
//! This crate does no IO. Storage (SQLite, Tantivy), models (Candle, Whisper)
//! and the UI (Slint) live in other crates and plug in through the traits in
//! [`traits`], so the dialogue logic can be tested on plain data.

pub mod assistant;
pub mod lang;
pub mod lexicon;
pub mod model;
pub mod money;
pub mod text;
pub mod traits;
pub mod view;

pub use lang::Lang;
pub use lexicon::{Concept, ConceptKind, Lexicon, Mention};
pub use model::{
    FaqEntry, Localized, Location, OpeningHours, OrderStatus, Policy, PolicyKind, Product,
    ProductRecord, SnapshotInfo, StoreInfo, Variant,
};
pub use money::Money;
pub use traits::{
    Filters, Order, ProductHit, ProductSearch, SearchRequest, StockLookup, TextEncoder,
    TextMeaning, Transcriber, Transcript,
};
