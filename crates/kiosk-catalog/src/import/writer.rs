//! Streams rows into a new snapshot's SQLite file. The file lives in a staging
//! directory that is thrown away on any failure, so the connection runs with
//! no journal and no fsync: durability comes from the publish step.

use std::collections::BTreeMap;
use std::path::Path;

use kiosk_core::{Concept, FaqEntry, Location, Money, StoreInfo};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Issue, Issues, Rule};
use crate::error::{Error, Result};
use crate::schema;

#[derive(Debug, Clone, Default)]
pub struct ProductRow {
    pub id: String,
    pub title: String,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub description: String,
    pub tags: Vec<String>,
    /// The price variants inherit when they have none of their own.
    pub price: Option<Money>,
    pub location_id: Option<String>,
    pub image: Option<String>,
    pub goes_with: Vec<String>,
    pub file: String,
    pub line: u64,
}

#[derive(Debug, Clone, Default)]
pub struct VariantRow {
    pub sku: String,
    /// Option name → value; names are normalized (`Colour` → `Color`).
    pub options: BTreeMap<String, String>,
    pub price: Option<Money>,
    pub barcode: Option<String>,
    /// `None` when the source does not track a quantity.
    pub quantity: Option<i64>,
    /// Whether the source says the variant can be had; used when `quantity`
    /// is `None`.
    pub available: bool,
    pub location_id: Option<String>,
    pub line: u64,
}

/// Row counts after the load.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub n_products: u64,
    pub n_variants: u64,
    pub n_in_stock: u64,
    pub n_locations: u64,
    pub n_faq: u64,
}

/// What became of a variant row (see [`Writer::insert_variant`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    New,
    /// The same variant as an earlier row (same SKU, product and options):
    /// not inserted.
    Duplicate {
        first_line: u64,
    },
    /// A SKU an earlier row (`first_line`) has, on another variant: kept
    /// as `stored_as`.
    Repeated {
        first_line: u64,
        stored_as: String,
    },
}

impl Inserted {
    /// The import report's rule and message for a row that was not simply
    /// new.
    pub fn report(&self, sku: &str) -> Option<(Rule, String)> {
        match self {
            Inserted::New => None,
            Inserted::Duplicate { first_line } => Some((
                Rule::DuplicateSku,
                format!(
                    "SKU {sku} is also on line {first_line} with the same options: the first row is kept"
                ),
            )),
            Inserted::Repeated {
                first_line,
                stored_as,
            } => Some((
                Rule::RepeatedSku,
                format!(
                    "SKU {sku} is also on line {first_line}, for another variant: both are kept, this one as {stored_as}"
                ),
            )),
        }
    }

    pub fn kept(&self) -> bool {
        !matches!(self, Inserted::Duplicate { .. })
    }
}

pub struct Writer {
    conn: Connection,
}

/// The page cache while rows are loaded, in KiB. SQLite fills its cache up
/// to this as the file grows, so it is part of the import's peak memory:
/// bounded, and small enough that the peak hardly grows with the catalog.
const CACHE_KIB: i64 = 16 << 10;
/// The page cache while photo thumbnails are stored: their pages are
/// written once and not read again during the import.
const BLOB_CACHE_KIB: i64 = 2 << 10;

impl Writer {
    pub fn create(path: &Path) -> Result<Writer> {
        let conn = Connection::open(path)
            .map_err(Error::sqlite(format!("creating {}", path.display())))?;
        // Temporary tables (rows held for later) and sorts (building the
        // lookup indexes over every variant) spill to temporary files past
        // the page cache: in memory, SQLite's sorter never spills, and
        // both grow with the catalog.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA temp_store = FILE;",
        )
        .map_err(Error::sqlite("setting up the new snapshot"))?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)
            .map_err(Error::sqlite("setting up the new snapshot"))?;
        conn.execute_batch(schema::CREATE)
            .map_err(Error::sqlite("creating the snapshot tables"))?;
        conn.pragma_update(None, "user_version", schema::SCHEMA_VERSION)
            .map_err(Error::sqlite("setting the schema version"))?;
        conn.execute_batch("BEGIN")
            .map_err(Error::sqlite("starting the load"))?;
        Ok(Writer { conn })
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs the (cached) statement `sql` with `params`; the rows changed.
    /// `what` names the change in an error.
    fn execute(&self, sql: &str, params: impl rusqlite::Params, what: String) -> Result<usize> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut s| s.execute(params))
            .map_err(Error::sqlite(what))
    }

    /// Inserts a product; `None` when its id was seen before.
    pub fn insert_product(&mut self, p: &ProductRow) -> Result<Option<i64>> {
        let n = self.execute(
            INSERT_PRODUCT,
            params![
                p.id,
                p.title,
                p.brand,
                p.category,
                p.description,
                p.tags.join(";"),
                p.price.map(|m| m.minor),
                p.location_id,
                p.image,
                p.goes_with.join(";"),
                p.line as i64,
            ],
            format!("inserting product {}", p.id),
        )?;
        Ok((n == 1).then(|| self.conn.last_insert_rowid()))
    }

    pub fn product_rowid(&self, id: &str) -> Result<Option<i64>> {
        self.conn
            .prepare_cached("SELECT rowid FROM products WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
            .map_err(Error::sqlite("looking up a product"))
    }

    /// Fills in fields of a product that an earlier row left empty (Shopify
    /// repeats a handle on later rows with only some fields set).
    pub fn update_product_price_if_missing(&mut self, rowid: i64, price: Money) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE products SET price_minor = ?2 WHERE rowid = ?1 AND price_minor IS NULL",
            )
            .and_then(|mut s| s.execute(params![rowid, price.minor]))
            .map_err(Error::sqlite("updating a product price"))?;
        Ok(())
    }

    /// Sizes the page cache for storing thumbnails (`true`) or for rows.
    pub fn storing_blobs(&mut self, blobs: bool) -> Result<()> {
        let kib = if blobs { BLOB_CACHE_KIB } else { CACHE_KIB };
        self.conn
            .pragma_update(None, "cache_size", -kib)
            .map_err(Error::sqlite("sizing the page cache"))
    }

    /// Stores a product's photo thumbnails.
    pub fn insert_image(
        &mut self,
        product_rowid: i64,
        source: &str,
        thumbnails: &super::images::Thumbnails,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO images (product_rowid, source, card, detail) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    product_rowid,
                    source,
                    thumbnails.card,
                    thumbnails.detail
                ])
            })
            .map_err(Error::sqlite("storing a product image"))?;
        Ok(())
    }

    pub fn set_product_image_if_missing(&mut self, rowid: i64, image: &str) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE products SET image = ?2 WHERE rowid = ?1 AND image IS NULL")
            .and_then(|mut s| s.execute(params![rowid, image]))
            .map_err(Error::sqlite("updating a product image"))?;
        Ok(())
    }

    /// Inserts a variant. A SKU seen before on another variant (other
    /// options, or another product) is a second variant the store sells
    /// under a reused code: it is kept, under the SKU with its option
    /// values added. The same SKU with the same product and options is the
    /// same variant twice: the first row is kept.
    pub fn insert_variant(&mut self, product_rowid: i64, v: &VariantRow) -> Result<Inserted> {
        if self.try_insert_variant(product_rowid, v, &v.sku)? {
            return Ok(Inserted::New);
        }
        let options = serde_json::to_string(&v.options).expect("a map of strings serializes");
        let base = super::fields::make_sku(&v.sku, &v.options);
        // The same variant again, under the SKU or as kept before.
        let same: Option<i64> = self
            .conn
            .query_row(
                "SELECT COALESCE(source_line, 0) FROM variants
                 WHERE product_rowid = ?1 AND options = ?2
                   AND (sku = ?3 OR sku = ?4 OR substr(sku, 1, length(?4) + 1) = ?4 || '-')
                 ORDER BY source_line LIMIT 1",
                params![product_rowid, options, v.sku, base],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::sqlite(format!("reading variant {}", v.sku)))?;
        if let Some(line) = same {
            return Ok(Inserted::Duplicate {
                first_line: u64::try_from(line).unwrap_or(0),
            });
        }
        let first_line: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(source_line, 0) FROM variants WHERE sku = ?1",
                params![v.sku],
                |r| r.get(0),
            )
            .map_err(Error::sqlite(format!("reading variant {}", v.sku)))?;
        let first_line = u64::try_from(first_line).unwrap_or(0);
        let mut stored_as = base.clone();
        let mut n = 1;
        while !self.try_insert_variant(product_rowid, v, &stored_as)? {
            n += 1;
            stored_as = format!("{base}-{n}");
        }
        Ok(Inserted::Repeated {
            first_line,
            stored_as,
        })
    }

    /// Inserts a variant under `sku`; `false` when that SKU is taken.
    fn try_insert_variant(
        &mut self,
        product_rowid: i64,
        v: &VariantRow,
        sku: &str,
    ) -> Result<bool> {
        let options = serde_json::to_string(&v.options).expect("a map of strings serializes");
        let in_stock = match v.quantity {
            Some(q) => q > 0,
            None => v.available,
        };
        let n = self.execute(
            INSERT_VARIANT,
            params![
                sku,
                product_rowid,
                options,
                v.options.get("Size"),
                v.options.get("Color"),
                v.price.map(|m| m.minor),
                v.barcode,
                v.quantity,
                in_stock,
                v.location_id,
                v.line as i64,
            ],
            format!("inserting variant {sku}"),
        )?;
        Ok(n == 1)
    }

    /// Sets a variant's stock; `false` when no variant has that SKU.
    pub fn set_stock(&mut self, sku: &str, quantity: i64) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached("UPDATE variants SET quantity = ?2, in_stock = (?2 > 0) WHERE sku = ?1")
            .and_then(|mut s| s.execute(params![sku, quantity]))
            .map_err(Error::sqlite("setting stock"))?;
        Ok(n == 1)
    }

    pub fn insert_location(&mut self, l: &Location) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO locations (id, zone, aisle, shelf, description) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![l.id, l.zone, l.aisle, l.shelf, l.description]))
            .map_err(Error::sqlite("inserting a location"))?;
        Ok(n == 1)
    }

    pub fn location_exists(&self, id: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM locations WHERE id = ?1")
            .and_then(|mut s| s.exists([id]))
            .map_err(Error::sqlite("looking up a location"))
    }

    pub fn insert_faq(&mut self, f: &FaqEntry) -> Result<bool> {
        let json = serde_json::to_string(f).expect("faq serializes");
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO faq (id, json) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![f.id, json]))
            .map_err(Error::sqlite("inserting an faq entry"))?;
        Ok(n == 1)
    }

    pub fn insert_link(&mut self, product_rowid: i64, kind: &str, target: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO product_links (product_rowid, kind, target) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute(params![product_rowid, kind, target]))
            .map_err(Error::sqlite("inserting a product link"))?;
        Ok(())
    }

    pub fn insert_order(
        &mut self,
        id: &str,
        status: &str,
        updated_at: Option<&str>,
        detail: Option<&str>,
    ) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached("INSERT INTO orders (id, status, updated_at, detail) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING")
            .and_then(|mut s| s.execute(params![id, status, updated_at, detail]))
            .map_err(Error::sqlite("inserting an order"))?;
        Ok(n == 1)
    }

    pub fn set_store(&mut self, store: &StoreInfo) -> Result<()> {
        let json = serde_json::to_string(store).expect("store info serializes");
        self.conn
            .execute(
                "INSERT OR REPLACE INTO store (id, json) VALUES (1, ?1)",
                [json],
            )
            .map_err(Error::sqlite("writing store info"))?;
        Ok(())
    }

    pub fn set_vocabulary(&mut self, concepts: &[Concept]) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO vocabulary (json) VALUES (?1)")
            .map_err(Error::sqlite("preparing the vocabulary insert"))?;
        for c in concepts {
            let json = serde_json::to_string(c).expect("a concept serializes");
            stmt.execute([json])
                .map_err(Error::sqlite("writing the vocabulary"))?;
        }
        Ok(())
    }

    /// Derives what depends on all rows: variant prices inherited from their
    /// product, products' "from" prices, default variants, dropped rows that
    /// ended up without a price. Then builds the lookup indexes.
    pub fn finish_rows(&mut self, issues: &mut Issues) -> Result<Counts> {
        let c = &self.conn;
        let sql = |context: &'static str| Error::sqlite(context);
        c.execute_batch(schema::POST_LOAD)
            .map_err(sql("building lookup indexes"))?;
        // Products that ended up with no variant get a default one, so every
        // product has a SKU the kiosk can show stock for.
        let lonely: Vec<(i64, String, i64)> = c
            .prepare(
                "SELECT p.rowid, p.id, COALESCE(p.source_line, 0) FROM products p
                 WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_rowid = p.rowid)",
            )
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect()
            })
            .map_err(sql("finding products without variants"))?;
        for (rowid, id, line) in lonely {
            let inserted = c
                .execute(
                    "INSERT INTO variants (sku, product_rowid, options, quantity, in_stock)
                     VALUES (?1, ?2, '{}', 0, 0) ON CONFLICT (sku) DO NOTHING",
                    params![id, rowid],
                )
                .map_err(sql("adding a default variant"))?;
            if inserted == 1 {
                issues.push(Issue {
                    file: "products".into(),
                    line: line as u64,
                    column: None,
                    field: None,
                    rule: Rule::NoVariants,
                    message: format!("product {id} has no variants: one default variant (SKU {id}, out of stock) was added"),
                });
            }
        }
        c.execute(
            "UPDATE variants SET price_minor = (SELECT p.price_minor FROM products p WHERE p.rowid = variants.product_rowid)
             WHERE price_minor IS NULL",
            [],
        )
        .map_err(sql("inheriting variant prices"))?;
        drop_unpriced(c, issues, "variants", UNPRICED_VARIANTS, |sku| {
            format!("variant {sku} has no price and its product has none: skipped")
        })?;
        drop_unpriced(c, issues, "products", PRODUCTS_WITHOUT_VARIANTS, |id| {
            format!("product {id} has no priced variant: skipped")
        })?;
        c.execute(
            // A zero price is an unset one (`Rule::ZeroPrice`): the product's
            // price is its lowest price set, zero only when none is.
            "UPDATE products SET price_minor = COALESCE(
                (SELECT MIN(v.price_minor) FROM variants v
                 WHERE v.product_rowid = products.rowid AND v.price_minor > 0), 0)",
            [],
        )
        .map_err(sql("computing product prices"))?;
        let count = |q: &str| -> Result<u64> {
            c.query_row(q, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(Error::sqlite("counting rows"))
        };
        Ok(Counts {
            n_products: count("SELECT COUNT(*) FROM products")?,
            n_variants: count("SELECT COUNT(*) FROM variants")?,
            n_in_stock: count("SELECT COUNT(*) FROM variants WHERE in_stock")?,
            n_locations: count("SELECT COUNT(*) FROM locations")?,
            n_faq: count("SELECT COUNT(*) FROM faq")?,
        })
    }

    pub fn set_issues(&mut self, issues: &[Issue]) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO import_issues (file, line, column, field, rule, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(Error::sqlite("preparing the issue insert"))?;
        for i in issues {
            let rule = serde_json::to_value(i.rule)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            stmt.execute(params![
                i.file,
                i.line as i64,
                i.column.map(|c| c as i64),
                i.field,
                rule,
                i.message
            ])
            .map_err(Error::sqlite("writing import issues"))?;
        }
        Ok(())
    }

    pub fn set_meta(&mut self, entries: &[(&str, String)]) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")
            .map_err(Error::sqlite("preparing the meta insert"))?;
        stmt.execute(params![
            schema::meta::SCHEMA_VERSION,
            schema::SCHEMA_VERSION.to_string()
        ])
        .map_err(Error::sqlite("writing snapshot metadata"))?;
        for (k, v) in entries {
            stmt.execute(params![k, v])
                .map_err(Error::sqlite("writing snapshot metadata"))?;
        }
        Ok(())
    }

    /// Commits and closes the file; it is complete on disk after this (the
    /// publish step fsyncs it).
    pub fn close(self) -> Result<()> {
        self.conn
            .execute_batch("COMMIT; PRAGMA optimize; ANALYZE;")
            .map_err(Error::sqlite("committing the snapshot"))?;
        self.conn
            .close()
            .map_err(|(_, e)| Error::sqlite("closing the snapshot")(e))
    }
}

/// Inserts a product; nothing when its id is taken.
const INSERT_PRODUCT: &str = "INSERT INTO products
    (id, title, brand, category, description, tags, price_minor, location_id, image, goes_with, source_line)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
    ON CONFLICT (id) DO NOTHING";

/// Inserts a variant; nothing when its SKU is taken.
const INSERT_VARIANT: &str = "INSERT INTO variants
    (sku, product_rowid, options, size, color, price_minor, barcode, quantity, in_stock, location_id, source_line)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
    ON CONFLICT (sku) DO NOTHING";

/// Variants with no price, theirs or their product's: the query that finds
/// them (SKU and line) and the statement that drops them.
const UNPRICED_VARIANTS: [&str; 2] = [
    "SELECT sku, COALESCE(source_line, 0) FROM variants WHERE price_minor IS NULL",
    "DELETE FROM variants WHERE price_minor IS NULL",
];

/// Products left without a (priced) variant: the query that finds them (id
/// and line) and the statement that drops them.
const PRODUCTS_WITHOUT_VARIANTS: [&str; 2] = [
    "SELECT id, COALESCE(source_line, 0) FROM products p
     WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_rowid = p.rowid)",
    "DELETE FROM products WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_rowid = products.rowid)",
];

/// Drops the rows of `file` that the query of `[select, delete]` finds (an
/// id and a source line each), each with an issue saying it has no price
/// (`message` says it of the id).
fn drop_unpriced(
    c: &Connection,
    issues: &mut Issues,
    file: &str,
    [select, delete]: [&str; 2],
    message: impl Fn(&str) -> String,
) -> Result<()> {
    let unpriced: Vec<(String, i64)> = c
        .prepare(select)
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(Error::sqlite(format!("finding {file} without a price")))?;
    for (id, line) in &unpriced {
        issues.push(Issue {
            file: file.into(),
            line: *line as u64,
            column: None,
            field: Some("price".into()),
            rule: Rule::MissingPrice,
            message: message(id),
        });
    }
    c.execute(delete, [])
        .map_err(Error::sqlite(format!("dropping {file} without a price")))?;
    Ok(())
}
