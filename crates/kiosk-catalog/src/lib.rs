//! The catalog snapshot: what the kiosk knows about products, stock, the store
//! and its policies, as one SQLite file and one Tantivy index published
//! together.
//!
//! - [`import`] reads native, Shopify and WooCommerce exports into a new
//!   snapshot, reporting every row it had to repair or skip.
//! - [`data_dir`] owns the on-disk layout and the atomic publish: readers see
//!   the old complete snapshot or the new complete one, never a mix.
//! - [`snapshot`] opens the live snapshot and implements the core's
//!   `ProductSearch` and `StockLookup` traits.
//! - [`vectors`] embeds products at import and searches them by meaning.
//! - [`store_words`] embeds the store's own words at import, so a shopper's
//!   word in another language is searched as the store's word too.

pub mod data_dir;
pub mod error;
pub mod import;
pub mod index;
pub mod live;
pub mod local;
pub mod private_file;
pub mod schema;
pub mod snapshot;
pub mod store_words;
pub mod vectors;
pub mod vocabulary;

pub use data_dir::DataDir;
pub use error::{Error, Result};
pub use import::thumbnail_cache::ThumbnailCache;
pub use import::{
    Format, ImageOptions, ImageSize, ImportOptions, ImportSummary, Issue, Progress, Rule,
};
pub use kiosk_embed;
pub use snapshot::Snapshot;
