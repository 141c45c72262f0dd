//! What a store's export says, read straight from the file and not through
//! the importer, so the bench can hold the kiosk's answers against the
//! store's own columns: option values, `Variant Price` / `Regular price`,
//! `Variant Inventory Qty` / `In stock?` / `Stock`.
//!
//! Stock follows each platform's documented meaning. Shopify: a variant
//! whose `Variant Inventory Tracker` is blank is not counted, so it is for
//! sale whatever the quantity column says; one the shop counts is in stock
//! with more than zero on hand (`Variant Inventory Policy = continue` sells
//! online past zero, but nothing is on the shelf). An export without a
//! quantity column counts nothing: every variant is for sale. WooCommerce:
//! `In stock?` (1/0/backorder) and, when managed, `Stock`. A variant whose
//! columns do not settle it (untracked with nothing on hand, a backorder,
//! `In stock?` against `Stock`) is kept with no stock truth: it is never
//! asked about.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use kiosk_core::Money;
use kiosk_core::text::fold;

/// The platform an export comes from, told by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Shopify,
    WooCommerce,
}

/// One sellable variant, as the export states it.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthVariant {
    pub size: Option<String>,
    pub colour: Option<String>,
    pub price: Money,
    /// `None` when the export's columns do not settle it.
    pub in_stock: Option<bool>,
    /// Which of the export's products sharing this title it came from.
    pub source: usize,
}

/// A product as a shopper sees it: one title. Products of an export that
/// share a title (one row per size, as some shops do) are one product here.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthProduct {
    pub title: String,
    pub category: Option<String>,
    pub variants: Vec<TruthVariant>,
}

impl TruthProduct {
    /// The lowest price set; a price of zero is one the export left unset
    /// (the import's `ZeroPrice`), which the kiosk never states.
    pub fn min_price(&self) -> Money {
        self.set_prices().min().unwrap_or(Money::from_minor(0))
    }

    pub fn max_price(&self) -> Money {
        self.set_prices().max().unwrap_or(Money::from_minor(0))
    }

    /// The variants' prices, leaving out those the export left unset.
    fn set_prices(&self) -> impl Iterator<Item = Money> + '_ {
        self.variants
            .iter()
            .map(|v| v.price)
            .filter(|p| p.minor > 0)
    }

    /// The prices a right answer may state: the range over all variants,
    /// and, where the export has several products of this title, the range
    /// of each of them.
    /// None when no variant has a price set: the right answer then says
    /// the price is not available.
    pub fn price_ranges(&self) -> Vec<(Money, Money)> {
        if self.variants.iter().all(|v| v.price.minor <= 0) {
            return Vec::new();
        }
        let mut ranges = vec![(self.min_price(), self.max_price())];
        let mut sources: Vec<usize> = self.variants.iter().map(|v| v.source).collect();
        sources.sort_unstable();
        sources.dedup();
        if sources.len() > 1 {
            for source in sources {
                let prices = self
                    .variants
                    .iter()
                    .filter(|v| v.source == source)
                    .map(|v| v.price)
                    .filter(|p| p.minor > 0);
                let (min, max) = prices.fold(
                    (None, None),
                    |(lo, hi): (Option<Money>, Option<Money>), p| {
                        (
                            Some(lo.map_or(p, |l| l.min(p))),
                            Some(hi.map_or(p, |h| h.max(p))),
                        )
                    },
                );
                if let (Some(min), Some(max)) = (min, max) {
                    ranges.push((min, max));
                }
            }
        }
        ranges
    }

    /// Whether the store has this product in the given size and colour
    /// (any variant of it when `None`), or `None` when the export does not
    /// settle it or there is no such variant.
    pub fn stock_of(&self, size: Option<&str>, colour: Option<&str>) -> Option<bool> {
        let matching: Vec<&TruthVariant> = self
            .variants
            .iter()
            .filter(|v| size.is_none_or(|s| v.size.as_deref() == Some(s)))
            .filter(|v| colour.is_none_or(|c| v.colour.as_deref() == Some(c)))
            .collect();
        if matching.is_empty() {
            return None;
        }
        if matching.iter().any(|v| v.in_stock == Some(true)) {
            Some(true)
        } else if matching.iter().all(|v| v.in_stock == Some(false)) {
            Some(false)
        } else {
            None
        }
    }
}

/// Everything the bench knows about one export.
#[derive(Debug, Clone)]
pub struct StoreTruth {
    pub name: String,
    pub platform: Platform,
    pub products: Vec<TruthProduct>,
    /// Products the export has but the store does not sell (draft,
    /// archived, unpublished, not on the shop floor).
    pub n_not_sold: usize,
    /// Variants with no stock truth (see the module notes).
    pub n_unsettled: usize,
}

impl StoreTruth {
    /// The product with this title (folded), if the export has one.
    pub fn by_title(&self, title: &str) -> Option<usize> {
        let key = title_key(title);
        self.products
            .iter()
            .position(|p| title_key(&p.title) == key)
    }
}

/// The form of a title used to tell products apart: folded, single-spaced.
pub fn title_key(title: &str) -> String {
    fold(title).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why an export could not be read.
#[derive(Debug)]
pub enum TruthError {
    Read {
        path: String,
        source: std::io::Error,
    },
    Csv {
        path: String,
        source: csv::Error,
    },
    /// Neither a Shopify nor a WooCommerce product export.
    UnknownFormat {
        path: String,
    },
}

impl fmt::Display for TruthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TruthError::Read { path, source } => write!(f, "reading {path}: {source}"),
            TruthError::Csv { path, source } => write!(f, "parsing {path}: {source}"),
            TruthError::UnknownFormat { path } => write!(
                f,
                "{path} is neither a Shopify nor a WooCommerce product export"
            ),
        }
    }
}

impl std::error::Error for TruthError {}

/// Reads an export file.
pub fn read(path: &Path) -> Result<StoreTruth, TruthError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| TruthError::Read {
        path: shown.clone(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| shown.clone());
    parse(&name, &text).map_err(|e| match e {
        ParseError::Csv(source) => TruthError::Csv {
            path: shown.clone(),
            source,
        },
        ParseError::UnknownFormat => TruthError::UnknownFormat { path: shown },
    })
}

#[derive(Debug)]
pub enum ParseError {
    Csv(csv::Error),
    UnknownFormat,
}

/// Reads an export's text (`name` names the store in reports).
pub fn parse(name: &str, text: &str) -> Result<StoreTruth, ParseError> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(ParseError::Csv)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let table = Table::new(&header);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(ParseError::Csv)?;
        rows.push(record.iter().map(str::to_string).collect::<Vec<String>>());
    }
    let (platform, mut truth) = if table.has("Handle") && table.has("Variant Price") {
        (Platform::Shopify, shopify(&table, &rows))
    } else if table.has("Name") && table.has("Type") && table.has("Regular price") {
        (Platform::WooCommerce, woocommerce(&table, &rows))
    } else {
        return Err(ParseError::UnknownFormat);
    };
    truth.name = name.to_string();
    truth.platform = platform;
    Ok(truth)
}

/// Column lookup by name, case-insensitively.
struct Table {
    columns: HashMap<String, usize>,
}

impl Table {
    fn new(header: &[String]) -> Table {
        let mut columns = HashMap::new();
        for (i, h) in header.iter().enumerate() {
            columns.entry(h.to_ascii_lowercase()).or_insert(i);
        }
        Table { columns }
    }

    fn has(&self, name: &str) -> bool {
        self.columns.contains_key(&name.to_ascii_lowercase())
    }

    /// The trimmed cell, `None` when the column is missing or the cell blank.
    fn get<'r>(&self, row: &'r [String], name: &str) -> Option<&'r str> {
        let i = *self.columns.get(&name.to_ascii_lowercase())?;
        row.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

/// What an option name means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Size,
    Colour,
    Other,
}

/// Reads an option name in the languages shops write them in.
pub fn option_kind(name: &str) -> OptionKind {
    let n = fold(name);
    const SIZE: &[&str] = &[
        "size",
        "maat",
        "talla",
        "talle",
        "taille",
        "große",
        "grosse",
        "groesse",
        "ukuran",
        "tamanho",
        "taglia",
        "velicina",
        "rozmiar",
        "尺寸",
        "尺碼",
        "尺码",
        "サイズ",
    ];
    const COLOUR: &[&str] = &[
        "color", "colour", "kleur", "farbe", "couleur", "warna", "cor", "colore", "boja", "kolor",
        "顏色", "颜色", "顔色",
    ];
    if SIZE
        .iter()
        .any(|w| n == *w || n.contains(&format!("{w} ")) || n.ends_with(&format!(" {w}")))
    {
        OptionKind::Size
    } else if COLOUR
        .iter()
        .any(|w| n == *w || n.ends_with(&format!(" {w}")))
    {
        OptionKind::Colour
    } else {
        OptionKind::Other
    }
}

/// Collects products under their titles, merging products that share one.
#[derive(Default)]
struct Builder {
    products: Vec<TruthProduct>,
    by_title: HashMap<String, usize>,
    /// How many export products each title has had so far.
    n_sources: Vec<usize>,
    n_not_sold: usize,
    n_unsettled: usize,
}

impl Builder {
    /// Starts an export product: the index of its title's product, and
    /// which of that title's export products it is.
    fn product(&mut self, title: &str, category: Option<String>) -> (usize, usize) {
        let key = title_key(title);
        if let Some(&i) = self.by_title.get(&key) {
            self.n_sources[i] += 1;
            return (i, self.n_sources[i] - 1);
        }
        self.products.push(TruthProduct {
            title: title.to_string(),
            category,
            variants: Vec::new(),
        });
        self.n_sources.push(1);
        self.by_title.insert(key, self.products.len() - 1);
        (self.products.len() - 1, 0)
    }

    /// Adds a variant, with its size and colour, to the product (and the
    /// export's product of that title) `product` says.
    fn variant(
        &mut self,
        (product, source): (usize, usize),
        (size, colour): (Option<String>, Option<String>),
        price: Money,
        in_stock: Option<bool>,
    ) {
        if in_stock.is_none() {
            self.n_unsettled += 1;
        }
        self.products[product].variants.push(TruthVariant {
            size,
            colour,
            price,
            in_stock,
            source,
        });
    }

    fn finish(mut self) -> StoreTruth {
        // A product none of whose variants could be priced is not for sale.
        let before = self.products.len();
        self.products.retain(|p| !p.variants.is_empty());
        self.n_not_sold += before - self.products.len();
        StoreTruth {
            name: String::new(),
            platform: Platform::Shopify,
            products: self.products,
            n_not_sold: self.n_not_sold,
            n_unsettled: self.n_unsettled,
        }
    }
}

fn quantity(raw: Option<&str>) -> Option<i64> {
    let raw = raw?;
    raw.trim_end_matches(".00")
        .trim_end_matches(".0")
        .parse::<i64>()
        .ok()
}

/// A Shopify handle's product (its title's index and which export product
/// it is) and option names.
type Handle = ((usize, usize), [Option<String>; 3]);

fn shopify(table: &Table, rows: &[Vec<String>]) -> StoreTruth {
    let mut b = Builder::default();
    // `None` for a product not sold.
    let mut handles: HashMap<String, Option<Handle>> = HashMap::new();
    let counts_stock = table.has("Variant Inventory Qty");
    let has_tracker = table.has("Variant Inventory Tracker");
    for row in rows {
        let Some(handle) = table.get(row, "Handle") else {
            continue;
        };
        if !handles.contains_key(handle) {
            let Some(title) = table.get(row, "Title") else {
                continue;
            };
            let active = table
                .get(row, "Status")
                .is_none_or(|s| s.eq_ignore_ascii_case("active"));
            if !active {
                b.n_not_sold += 1;
                handles.insert(handle.to_string(), None);
                continue;
            }
            let category = table
                .get(row, "Type")
                .map(str::to_string)
                .or_else(|| {
                    table
                        .get(row, "Product Category")
                        .and_then(|c| c.rsplit('>').next())
                        .map(|s| s.trim().to_string())
                })
                .filter(|s| !s.is_empty());
            let names = [
                table.get(row, "Option1 Name").map(str::to_string),
                table.get(row, "Option2 Name").map(str::to_string),
                table.get(row, "Option3 Name").map(str::to_string),
            ];
            let index = b.product(title, category);
            handles.insert(handle.to_string(), Some((index, names)));
        }
        let Some(Some((index, names))) = handles.get(handle).cloned() else {
            continue;
        };
        let Some(price) = table
            .get(row, "Variant Price")
            .and_then(Money::parse_decimal)
        else {
            continue; // an image-only row, or a variant without a price
        };
        let mut size = None;
        let mut colour = None;
        for (name, column) in names
            .iter()
            .zip(["Option1 Value", "Option2 Value", "Option3 Value"])
        {
            let (Some(name), Some(value)) = (name, table.get(row, column)) else {
                continue;
            };
            match option_kind(name) {
                OptionKind::Size => size = Some(value.to_string()),
                OptionKind::Colour => colour = Some(value.to_string()),
                OptionKind::Other => {}
            }
        }
        let in_stock = if !counts_stock {
            Some(true)
        } else {
            let tracked = !has_tracker || table.get(row, "Variant Inventory Tracker").is_some();
            match quantity(table.get(row, "Variant Inventory Qty")) {
                Some(q) if q > 0 => Some(true),
                Some(_) if tracked => Some(false),
                // Not counted, so for sale; but nothing on hand says so.
                Some(_) => None,
                None if tracked && has_tracker => None,
                None => Some(true),
            }
        };
        b.variant(index, (size, colour), price, in_stock);
    }
    b.finish()
}

fn woocommerce(table: &Table, rows: &[Vec<String>]) -> StoreTruth {
    let mut b = Builder::default();
    // ID or SKU of a variable product → its index.
    let mut parents: HashMap<String, (usize, usize)> = HashMap::new();
    let mut variations: Vec<&Vec<String>> = Vec::new();
    for row in rows {
        let kind = table.get(row, "Type").unwrap_or("").to_ascii_lowercase();
        let kinds: Vec<&str> = kind.split(',').map(str::trim).collect();
        let published = table.get(row, "Published").is_none_or(|p| p == "1");
        let Some(name) = table.get(row, "Name") else {
            continue;
        };
        let sold = published
            && !kinds
                .iter()
                .any(|k| matches!(*k, "external" | "virtual" | "downloadable" | "grouped"));
        if kinds.contains(&"variation") {
            if sold {
                variations.push(row);
            }
            continue;
        }
        if !sold || !kinds.iter().any(|k| matches!(*k, "simple" | "variable")) {
            b.n_not_sold += 1;
            continue;
        }
        let category = table
            .get(row, "Categories")
            .and_then(|c| c.split(',').next())
            .and_then(|path| path.rsplit('>').next())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if kinds.contains(&"variable") {
            let index = b.product(name, category);
            for key in [
                table.get(row, "ID").map(|id| format!("id:{id}")),
                table.get(row, "SKU").map(str::to_string),
            ]
            .into_iter()
            .flatten()
            {
                parents.insert(key, index);
            }
            continue;
        }
        let Some(price) = woo_price(table, row) else {
            b.n_not_sold += 1;
            continue;
        };
        let (size, colour) = woo_options(table, row, false);
        let index = b.product(name, category);
        b.variant(index, (size, colour), price, woo_stock(table, row));
    }
    for row in variations {
        let Some(parent) = table
            .get(row, "Parent")
            .and_then(|p| parents.get(p).or_else(|| parents.get(&format!("id:{p}"))))
            .copied()
        else {
            continue;
        };
        let Some(price) = woo_price(table, row) else {
            continue;
        };
        let (size, colour) = woo_options(table, row, true);
        b.variant(parent, (size, colour), price, woo_stock(table, row));
    }
    b.finish()
}

fn woo_price(table: &Table, row: &[String]) -> Option<Money> {
    table
        .get(row, "Sale price")
        .and_then(Money::parse_decimal)
        .or_else(|| {
            table
                .get(row, "Regular price")
                .and_then(Money::parse_decimal)
        })
}

fn woo_stock(table: &Table, row: &[String]) -> Option<bool> {
    let status = table
        .get(row, "In stock?")
        .map(|v| match v.to_ascii_lowercase().as_str() {
            "1" | "yes" | "instock" | "true" => Some(true),
            "0" | "no" | "outofstock" | "false" => Some(false),
            _ => None, // backorder
        });
    let counted = quantity(table.get(row, "Stock")).map(|q| q > 0);
    match (status, counted) {
        (Some(None), _) => None,
        (Some(Some(s)), Some(c)) if s != c => None,
        (Some(Some(s)), _) => Some(s),
        (None, Some(c)) => Some(c),
        (None, None) => Some(true),
    }
}

/// Size and colour from the attribute columns. A simple product's attribute
/// listing several values describes the range, not this item.
fn woo_options(table: &Table, row: &[String], variation: bool) -> (Option<String>, Option<String>) {
    let mut size = None;
    let mut colour = None;
    for i in 1..=3 {
        let (Some(name), Some(value)) = (
            table.get(row, &format!("Attribute {i} name")),
            table.get(row, &format!("Attribute {i} value(s)")),
        ) else {
            continue;
        };
        if !variation && value.contains(',') {
            continue;
        }
        match option_kind(name) {
            OptionKind::Size => size = Some(value.to_string()),
            OptionKind::Colour => colour = Some(value.to_string()),
            OptionKind::Other => {}
        }
    }
    (size, colour)
}
