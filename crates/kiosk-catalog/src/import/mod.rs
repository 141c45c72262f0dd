//! Building a new snapshot from an export: native, Shopify or WooCommerce.
//!
//! The importers stream rows into SQLite (bounded memory whatever the file
//! size), then the index is built from SQLite and the pair is published
//! atomically through [`DataDir`]. A file that must be rejected stops the
//! import before anything is published, so the previous snapshot stays live.
//!
//! What happens to each kind of bad row is decided by its [`Rule`]; the
//! rules are documented in `catalog/README.md`.

mod csv_input;
mod fields;
mod image_jobs;
pub mod images;
mod native;
mod options;
mod shopify;
mod store_file;
pub mod thumbnail_cache;
mod woocommerce;
mod writer;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiosk_embed::Embedder;

use serde::Serialize;

pub use csv_input::{Limits, human_bytes};
pub use images::{ImageError, ImageOptions, ImageSize, Thumbnails};
pub use writer::{ProductRow, VariantRow, Writer};

use crate::data_dir::DataDir;
use crate::error::{Error, Result};
use crate::index;
use crate::schema::{SNAPSHOT_DB, meta};
use crate::store_words::{self, StoreWordSummary};
use crate::vectors::{self, VectorSummary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Native,
    Shopify,
    Woocommerce,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
            Format::Shopify => "shopify",
            Format::Woocommerce => "woocommerce",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "native" => Ok(Format::Native),
            "shopify" => Ok(Format::Shopify),
            "woocommerce" | "woo" => Ok(Format::Woocommerce),
            other => Err(format!(
                "unknown format {other:?}: expected native, shopify or woocommerce"
            )),
        }
    }
}

/// What the importer does with a kind of problem. Each problem an import meets
/// is one of these; `catalog/README.md` lists the action of each.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Repair: a UTF-8 byte-order mark was removed.
    BomStripped,
    /// Repair: a UTF-16 file was decoded.
    Transcoded,
    /// Repair: bytes that were not UTF-8 were decoded as Windows-1252.
    Encoding,
    /// Note: the file uses `;` or tabs between fields.
    Delimiter,
    /// Repair: a localized header was mapped to its column.
    LocalizedHeader,
    /// Note: a column appears twice; the first is used.
    UnknownColumn,
    /// Note: a row has more fields than the header; extras are ignored.
    RowWidth,
    /// Repair: a negative stock count was set to 0.
    NegativeStock,
    /// Repair: a stock count that is not a whole number was set to 0.
    BadStock,
    /// Repair: a price written with a currency sign or decimal comma was read.
    PriceRepaired,
    /// Skip row: the price is not a number.
    BadPrice,
    /// Skip row: no price for the variant or its product.
    MissingPrice,
    /// Note: a price of zero, which in an export means no price was set;
    /// the kiosk says the price is not available rather than stating it,
    /// and leaves the item out of price limits.
    ZeroPrice,
    /// Repair: a barcode mangled into scientific notation (`3.65275E+11`)
    /// by a spreadsheet lost its digits and was dropped.
    ScientificBarcode,
    /// Repair: a barcode that is not 8–14 digits was dropped.
    BadBarcode,
    /// Repair: the apostrophe a spreadsheet puts before a SKU or barcode to
    /// keep it text (`'100`) was removed.
    TextMarker,
    /// Skip row: a SKU seen before in the file with the same product and
    /// options; the first row is kept.
    DuplicateSku,
    /// Note: a SKU seen before on another variant (other options): both
    /// variants are kept, the later one under the SKU with its option
    /// values added.
    RepeatedSku,
    /// Skip row: a product id seen before; the first row is kept.
    DuplicateProduct,
    /// Repair: a variant without a SKU got one made from its product and
    /// options.
    MissingSku,
    /// Skip row: a required field (id, title, product) is empty.
    MissingField,
    /// Skip row: a variant or stock row names a product or SKU that does not
    /// exist.
    UnknownReference,
    /// Repair: a location id not in `locations.csv` was dropped.
    UnknownLocation,
    /// Repair: a variant without a stock row counts as out of stock (0).
    NoStockRow,
    /// Note: the export says its variants' stock is counted but has no
    /// count column (a Shopify export without inventory quantities); the
    /// kiosk calls them available without a number.
    NoStockCounts,
    /// Skip row: a draft or archived product is not for sale.
    Inactive,
    /// Skip row: an external, virtual or downloadable product is not on the
    /// shop floor.
    NotInStore,
    /// Note: a grouped product's items are imported as products of their own
    /// and linked as a bundle.
    Grouped,
    /// Repair: a product without variants got one default variant.
    NoVariants,
    /// Repair: store info was missing or incomplete; defaults were used.
    StoreDefaults,
    /// Note: how an export option was read: as the size or the colour by its
    /// name or from its values, or kept as it is.
    OptionName,
    /// Repair: a product photo could not be read, decoded or downloaded; the
    /// product shows its category's pictogram.
    BadImage,
    /// Note: a file in the image folder names no product id or SKU.
    UnmatchedImage,
    /// Note: a second photo for a product was left out; the first is used.
    DuplicateImage,
}

impl Rule {
    pub fn action(self) -> Action {
        use Rule::*;
        match self {
            BadPrice | MissingPrice | DuplicateSku | DuplicateProduct | MissingField
            | UnknownReference | Inactive | NotInStore => Action::SkipRow,
            Delimiter | UnknownColumn | RowWidth | Grouped | OptionName | UnmatchedImage
            | DuplicateImage | ZeroPrice | RepeatedSku | NoStockCounts => Action::Note,
            _ => Action::Repair,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Repair,
    SkipRow,
    Note,
}

/// One problem with a row or a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub file: String,
    pub line: u64,
    pub column: Option<usize>,
    pub field: Option<String>,
    pub rule: Rule,
    pub message: String,
}

impl Issue {
    pub fn file_note(file: &str, rule: Rule, message: impl Into<String>) -> Issue {
        Issue {
            file: file.to_string(),
            line: 1,
            column: None,
            field: None,
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(c) = self.column {
            write!(f, ":{c}")?;
        }
        write!(
            f,
            ": {:?} ({:?}): {}",
            self.rule,
            self.rule.action(),
            self.message
        )
    }
}

/// Collects issues: every one is counted, the first [`Issues::KEPT`] are kept
/// for the summary and the snapshot's `import_issues` table.
#[derive(Debug, Default)]
pub struct Issues {
    kept: Vec<Issue>,
    counts: BTreeMap<Rule, u64>,
}

impl Issues {
    pub const KEPT: usize = 10_000;

    pub fn push(&mut self, issue: Issue) {
        *self.counts.entry(issue.rule).or_default() += 1;
        if self.kept.len() < Self::KEPT {
            self.kept.push(issue);
        }
    }

    pub fn count(&self, rule: Rule) -> u64 {
        self.counts.get(&rule).copied().unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }
}

/// Reports progress of a long import: a phase with a total, then positions.
pub trait Progress {
    fn phase(&mut self, name: &str, total: u64);
    fn set(&mut self, done: u64);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn phase(&mut self, _: &str, _: u64) {}
    fn set(&mut self, _: u64) {}
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// A native catalog directory, or an export file (or a directory holding
    /// one export file plus optional `store.toml` and `locations.csv`).
    pub source: PathBuf,
    pub format: Option<Format>,
    /// Overrides the "as of" time of the stock figures.
    pub stock_as_of: Option<jiff::Timestamp>,
    pub limits: Limits,
    /// Overrides the source recorded in the snapshot (e.g. a bundle's URL).
    pub source_label: Option<String>,
    /// Where product photos come from; none by default.
    pub images: ImageOptions,
    /// Embeds every product for search by meaning; `None`: the snapshot
    /// has no vectors and search is lexical only.
    pub embedder: Option<Arc<Embedder>>,
    /// Product vectors computed elsewhere (a bundle's
    /// `catalog/product_vectors.kvec`, `vectors::carried`): with
    /// `embedder`, the products they cover for its model are not
    /// embedded again; the rest are.
    pub vectors: Option<PathBuf>,
}

impl ImportOptions {
    pub fn new(source: impl Into<PathBuf>) -> ImportOptions {
        ImportOptions {
            source: source.into(),
            format: None,
            stock_as_of: None,
            limits: Limits::default(),
            source_label: None,
            images: ImageOptions::default(),
            embedder: None,
            vectors: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub snapshot_id: String,
    pub snapshot_path: PathBuf,
    pub source: String,
    pub format: Format,
    pub store_id: String,
    pub stock_as_of: jiff::Timestamp,
    pub n_products: u64,
    pub n_variants: u64,
    pub n_in_stock: u64,
    pub n_out_of_stock: u64,
    pub n_locations: u64,
    pub n_faq: u64,
    pub n_concepts: u64,
    /// Products with a photo.
    pub n_images: u64,
    /// Photos that could not be used (each is an issue).
    pub n_bad_images: u64,
    /// Photos decoded and made into thumbnails by this import.
    pub n_thumbnails_made: u64,
    /// Photos whose thumbnails came from the thumbnail cache.
    pub n_thumbnails_cached: u64,
    /// Thumbnails that could not be stored in the cache.
    pub n_thumbnail_cache_failed: u64,
    pub issue_counts: BTreeMap<Rule, u64>,
    /// The first issues, in file order.
    pub issues: Vec<Issue>,
    pub elapsed_ms: u64,
    pub parse_ms: u64,
    pub index_ms: u64,
    pub images_ms: u64,
    /// The product vectors; `None` when no embedding model was given.
    pub vectors: Option<VectorSummary>,
    /// The store words embedded for translation; `None` without the model.
    pub store_words: Option<StoreWordSummary>,
}

/// What the format readers hand back besides the rows they wrote.
pub(crate) struct Parsed {
    pub store: kiosk_core::StoreInfo,
    pub low_stock_threshold: i64,
    pub stock_as_of: Option<jiff::Timestamp>,
    pub vocabulary: Vec<kiosk_core::Concept>,
    /// Option names as the export spelled them, for [`options::learn`].
    pub option_names: options::OptionNames,
}

/// Decides the format of a source from its files and header row.
pub fn detect_format(source: &Path) -> Result<Format> {
    if source.is_dir() {
        if source.join("products.csv").exists() {
            return Ok(Format::Native);
        }
        let csv = single_csv(source)?;
        return detect_format(&csv);
    }
    let mut head = vec![0u8; 8192];
    let n = std::io::Read::read(
        &mut std::fs::File::open(source).map_err(Error::io("opening", source))?,
        &mut head,
    )
    .map_err(Error::io("reading", source))?;
    let text = String::from_utf8_lossy(&head[..n]).to_lowercase();
    let first = text.lines().next().unwrap_or("");
    if first.contains("handle")
        && (first.contains("variant price") || first.contains("option1 name"))
    {
        Ok(Format::Shopify)
    } else if first.contains("regular price")
        || (first.contains("parent") && first.contains("type"))
    {
        Ok(Format::Woocommerce)
    } else {
        Err(Error::Input {
            file: source.display().to_string(),
            line: 1,
            column: None,
            message: "cannot tell the format from the header: expected a Shopify export (Handle, Variant Price, …), a WooCommerce export (ID, Type, Regular price, …), or a native catalog directory with products.csv; pass --format".into(),
        })
    }
}

/// The one export file in a directory given as a source.
fn single_csv(dir: &Path) -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(Error::io("reading", dir))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
                && p.file_name()
                    .is_some_and(|n| n != "locations.csv" && n != "placements.csv")
        })
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::Invalid(format!(
            "{} holds no products.csv and no export .csv file",
            dir.display()
        ))),
        _ => Err(Error::Invalid(format!(
            "{} holds {} .csv files; name the export file itself with --from",
            dir.display(),
            found.len()
        ))),
    }
}

/// Imports `options.source` into a new snapshot and publishes it.
pub fn import(
    data_dir: &DataDir,
    options: &ImportOptions,
    progress: &mut dyn Progress,
) -> Result<ImportSummary> {
    let started = Instant::now();
    let format = match options.format {
        Some(f) => f,
        None => detect_format(&options.source)?,
    };
    let staging = data_dir.begin()?;
    let mut writer = Writer::create(&staging.db_path())?;
    let mut issues = Issues::default();
    let read = match format {
        Format::Native => native::read,
        Format::Shopify => shopify::read,
        Format::Woocommerce => woocommerce::read,
    };
    let mut parsed = read(
        &options.source,
        options.limits,
        &mut writer,
        &mut issues,
        progress,
    )?;
    // Exports without a stated time describe the stock when they were
    // written.
    let stock_as_of = options
        .stock_as_of
        .or(parsed.stock_as_of)
        .or_else(|| file_mtime(&options.source))
        .unwrap_or_else(jiff::Timestamp::now);
    // Options the export names in a way the importer does not know are
    // decided from their values across the catalog.
    options::learn(
        &mut writer,
        std::mem::take(&mut parsed.option_names),
        &parsed.vocabulary,
        &mut issues,
    )?;
    // The vocabulary's sizes and colours take the store's own words
    // ("Large" for L, "Azul" for blue).
    options::fit_sizes(
        &writer,
        &mut parsed.vocabulary,
        &options.source.display().to_string(),
        &mut issues,
    )?;
    options::fit_colours(
        &writer,
        &mut parsed.vocabulary,
        parsed.store.language,
        &options.source.display().to_string(),
        &mut issues,
    )?;
    writer.set_store(&parsed.store)?;
    writer.set_vocabulary(&parsed.vocabulary)?;
    let counts = writer.finish_rows(&mut issues)?;
    if counts.n_products == 0 {
        let worst = issues
            .kept
            .iter()
            .find(|i| i.rule.action() == Action::SkipRow)
            .or(issues.kept.first())
            .map_or("none".to_string(), ToString::to_string);
        return Err(Error::Invalid(format!(
            "{} holds no product that can be sold in the store ({} issues; the first skipped row: {worst})",
            options.source.display(),
            issues.total(),
        )));
    }
    let parse_ms = started.elapsed().as_millis() as u64;
    let images_started = Instant::now();
    let image_counts = if options.images.is_empty() {
        images::ImageCounts::default()
    } else {
        images::attach(&mut writer, &options.images, &mut issues, progress)?
    };
    let images_ms = duration_ms(images_started.elapsed());
    let index_started = Instant::now();
    progress.phase("indexing", counts.n_products);
    let n_indexed = index::build(
        &staging.index_path(),
        writer.connection(),
        parsed.store.language,
        &parsed.vocabulary,
        progress,
    )?;
    let index_ms = index_started.elapsed().as_millis() as u64;
    // Vectors the live snapshot holds for unchanged passages are copied.
    let vectors = match &options.embedder {
        Some(embedder) => {
            let previous = data_dir.current()?.map(|p| p.join(SNAPSHOT_DB));
            Some(vectors::build(
                writer.connection(),
                previous.as_deref(),
                options.vectors.as_deref(),
                embedder,
                progress,
            )?)
        }
        None => None,
    };
    let store_words = match &options.embedder {
        Some(embedder) => {
            let previous = data_dir.current()?.map(|p| p.join(SNAPSHOT_DB));
            Some(store_words::build(
                writer.connection(),
                previous.as_deref(),
                embedder,
                progress,
            )?)
        }
        None => None,
    };
    let created_at = jiff::Timestamp::now();
    let source = options
        .source_label
        .clone()
        .unwrap_or_else(|| options.source.display().to_string());
    writer.set_issues(&issues.kept)?;
    let mut entries = vec![
        (meta::SNAPSHOT_ID, staging.id.clone()),
        (meta::SOURCE, source.clone()),
        (meta::FORMAT, format.name().to_string()),
        (meta::CREATED_AT, created_at.to_string()),
        (meta::STOCK_AS_OF, stock_as_of.to_string()),
        (meta::STORE_ID, parsed.store.id.clone()),
        (meta::N_PRODUCTS, counts.n_products.to_string()),
        (meta::N_VARIANTS, counts.n_variants.to_string()),
        (meta::N_INDEXED, n_indexed.to_string()),
        (meta::N_IMAGES, image_counts.n_images.to_string()),
        (
            meta::LOW_STOCK_THRESHOLD,
            parsed.low_stock_threshold.to_string(),
        ),
    ];
    if let (Some(summary), Some(embedder)) = (&vectors, &options.embedder) {
        entries.push((meta::EMBED_MODEL, summary.model.clone()));
        entries.push((meta::EMBED_DIM, embedder.dim().to_string()));
    }
    writer.set_meta(&entries)?;
    writer.close()?;
    let snapshot_id = staging.id.clone();
    let snapshot_path = data_dir.publish(staging)?;
    Ok(ImportSummary {
        snapshot_id,
        snapshot_path,
        source,
        format,
        store_id: parsed.store.id,
        stock_as_of,
        n_products: counts.n_products,
        n_variants: counts.n_variants,
        n_in_stock: counts.n_in_stock,
        n_out_of_stock: counts.n_variants - counts.n_in_stock,
        n_locations: counts.n_locations,
        n_faq: counts.n_faq,
        n_concepts: parsed.vocabulary.len() as u64,
        n_images: image_counts.n_images,
        n_bad_images: image_counts.n_failed,
        n_thumbnails_made: image_counts.n_made,
        n_thumbnails_cached: image_counts.n_cached,
        n_thumbnail_cache_failed: image_counts.n_cache_failed,
        issue_counts: issues.counts,
        issues: issues.kept,
        elapsed_ms: duration_ms(started.elapsed()),
        parse_ms,
        index_ms,
        images_ms,
        vectors,
        store_words,
    })
}

pub(crate) fn file_mtime(path: &Path) -> Option<jiff::Timestamp> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    jiff::Timestamp::try_from(modified).ok()
}

fn duration_ms(d: Duration) -> u64 {
    d.as_millis() as u64
}
