//! The snapshot's SQLite schema. One file per snapshot; it is written once by
//! the importer and then only read (opened `immutable`).

/// Bumped whenever a table changes shape; readers refuse other versions.
pub const SCHEMA_VERSION: i64 = 1;

pub const SNAPSHOT_DB: &str = "snapshot.sqlite";
pub const INDEX_DIR: &str = "index";

/// Tables created before the bulk load. Only the uniqueness constraints the
/// importer relies on to find duplicates exist during the load; the lookup
/// indexes come after (see [`POST_LOAD`]).
pub const CREATE: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE store (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
CREATE TABLE locations (
    id TEXT PRIMARY KEY,
    zone TEXT NOT NULL,
    aisle TEXT,
    shelf TEXT,
    description TEXT
);
CREATE TABLE products (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    brand TEXT,
    category TEXT,
    description TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    price_minor INTEGER,
    location_id TEXT,
    image TEXT,
    goes_with TEXT NOT NULL DEFAULT '',
    source_line INTEGER
);
CREATE TABLE variants (
    rowid INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    product_rowid INTEGER NOT NULL,
    options TEXT NOT NULL,
    size TEXT,
    color TEXT,
    price_minor INTEGER,
    barcode TEXT,
    quantity INTEGER,
    in_stock INTEGER NOT NULL DEFAULT 0,
    location_id TEXT,
    source_line INTEGER
);
CREATE TABLE product_links (product_rowid INTEGER NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL);
CREATE TABLE faq (id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE vocabulary (rowid INTEGER PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    updated_at TEXT,
    detail TEXT
);
-- Product photos as JPEG thumbnails, card and detail size; a product
-- without a row shows its category's pictogram.
CREATE TABLE images (
    product_rowid INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    card BLOB NOT NULL,
    detail BLOB NOT NULL
);
CREATE TABLE import_issues (
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    column INTEGER,
    field TEXT,
    rule TEXT NOT NULL,
    message TEXT NOT NULL
);
";

/// Built once the rows are in (faster than maintaining them row by row),
/// before the queries that join variants to products.
pub const POST_LOAD: &str = "
CREATE INDEX variants_by_product ON variants(product_rowid);
CREATE INDEX variants_by_barcode ON variants(barcode) WHERE barcode IS NOT NULL;
CREATE INDEX products_by_category ON products(category);
CREATE INDEX links_by_product ON product_links(product_rowid);
";

/// Keys of the `meta` table.
pub mod meta {
    pub const SCHEMA_VERSION: &str = "schema_version";
    pub const SNAPSHOT_ID: &str = "snapshot_id";
    pub const SOURCE: &str = "source";
    pub const FORMAT: &str = "format";
    pub const CREATED_AT: &str = "created_at";
    pub const STOCK_AS_OF: &str = "stock_as_of";
    pub const STORE_ID: &str = "store_id";
    pub const N_PRODUCTS: &str = "n_products";
    pub const N_VARIANTS: &str = "n_variants";
    pub const N_INDEXED: &str = "n_indexed";
    pub const LOW_STOCK_THRESHOLD: &str = "low_stock_threshold";
    pub const N_IMAGES: &str = "n_images";
    /// The sha256 of the embedding model the product vectors came from;
    /// absent when the snapshot has none.
    pub const EMBED_MODEL: &str = "embed_model";
    /// The length of the product vectors.
    pub const EMBED_DIM: &str = "embed_dim";
}
