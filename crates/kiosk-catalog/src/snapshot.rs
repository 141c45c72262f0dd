//! The live snapshot, opened read-only: products and stock from SQLite,
//! search from Tantivy, store info, FAQ and vocabulary held in memory.
//! Implements the core's `ProductSearch` and `StockLookup`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use kiosk_core::assistant::language;
use kiosk_core::traits::BackendError;
use kiosk_core::{
    Concept, FaqEntry, Filters, Lang, Lexicon, Location, Money, OrderStatus, Product, ProductHit,
    ProductRecord, ProductSearch, SearchRequest, SnapshotInfo, StockLookup, StoreInfo, Variant,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::data_dir::DataDir;
use crate::error::{Error, Result};
use crate::index::{Alt, IndexSearcher, QueryPlan};
use crate::schema::{self, INDEX_DIR, SNAPSHOT_DB, meta};
use crate::store_words::{StoreWords, Translation};
use crate::vectors::{Nearest, VectorIndex};

pub mod hybrid;

use hybrid::QueryEncoder;
pub use kiosk_embed::Embedder;

/// Read connections kept open; a search borrows a free one.
const POOL_SIZE: usize = 4;
/// Weight of a store word that translates a shopper's word the store does
/// not hold: it stands for the shopper's word, as a lexicon concept's word
/// does.
const TRANSLATION_BOOST: f32 = 1.0;
/// A product found only through a translation is kept when it is among
/// this many products nearest the question in meaning.
const TRANSLATION_AGREE: usize = 10;

pub struct Snapshot {
    path: PathBuf,
    pool: Vec<Mutex<Connection>>,
    index: IndexSearcher,
    info: SnapshotInfo,
    store: StoreInfo,
    faq: Vec<FaqEntry>,
    lexicon: Arc<Lexicon>,
    categories: Vec<(String, u64)>,
    locations: HashMap<String, Location>,
    /// Category → where most of its products are.
    category_locations: HashMap<String, String>,
    brands: Vec<String>,
    /// The sizes on sale, most variants first.
    sizes: Vec<String>,
    /// The colours variants have, as the catalog writes them.
    colors: Vec<String>,
    low_stock_threshold: i64,
    has_orders: bool,
    /// Snapshots made before photos existed have no `images` table.
    has_images: bool,
    /// The product vectors, when the import had the embedding model.
    vectors: Option<VectorIndex>,
    /// The model that embeds queries, once attached
    /// ([`Snapshot::attach_embedder`]); without it search is lexical.
    encoder: Option<QueryEncoder>,
    /// The model that weighs a question against a product's description
    /// sentences, once attached, with or without product vectors.
    meaning: Option<QueryEncoder>,
    /// The store's own words, embedded at import with the product vectors.
    store_words: Option<StoreWords>,
    /// Whether a query word foreign to the store is searched as the store
    /// word nearest it in meaning too (on unless turned off, for A/B).
    translate: bool,
    /// The language the catalog's text is written in, when it is one of
    /// the kiosk's and plain to see ([`catalog_language`]): a shopper's
    /// turn in it has no language gap for store words to bridge.
    catalog_lang: Option<Lang>,
}

/// Whether search also goes by meaning, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SemanticState {
    /// Words and meaning, fused.
    Hybrid { products: u64 },
    /// The snapshot was imported without the embedding model.
    NoVectors,
    /// The snapshot has vectors but no model is loaded to embed queries.
    NoModel { products: u64 },
    /// The loaded model is not the one the vectors came from.
    OtherModel { vectors: String, model: String },
}

impl std::fmt::Display for SemanticState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SemanticState::Hybrid { products } => {
                write!(f, "by words and meaning ({products} product vectors)")
            }
            SemanticState::NoVectors => write!(
                f,
                "lexical only: the snapshot was imported without the embedding model"
            ),
            SemanticState::NoModel { products } => write!(
                f,
                "lexical only: {products} product vectors but no embedding model loaded"
            ),
            SemanticState::OtherModel { vectors, model } => write!(
                f,
                "lexical only: the vectors come from model {}, the loaded model is {} (re-import)",
                short(vectors),
                short(model)
            ),
        }
    }
}

fn short(fingerprint: &str) -> &str {
    fingerprint.get(..12).unwrap_or(fingerprint)
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub path: PathBuf,
    pub integrity: String,
    pub n_products: u64,
    pub n_variants: u64,
    pub n_indexed: u64,
    pub ok: bool,
    pub problems: Vec<String>,
}

impl Snapshot {
    /// Opens the data dir's live snapshot.
    pub fn open(data_dir: &DataDir) -> Result<Snapshot> {
        // A publish may retire the snapshot between reading the link and
        // opening its files; then the link has moved on, so follow it again.
        let mut attempts = 0;
        loop {
            let path = data_dir
                .current()?
                .ok_or_else(|| Error::NoSnapshot(data_dir.root().to_path_buf()))?;
            match Snapshot::open_path(&path) {
                Err(e) if attempts < 3 && data_dir.current()?.as_ref() != Some(&path) => {
                    attempts += 1;
                    let _ = e;
                }
                other => return other,
            }
        }
    }

    /// Opens a snapshot directory directly.
    pub fn open_path(path: &Path) -> Result<Snapshot> {
        let db = path.join(SNAPSHOT_DB);
        if !db.exists() {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                reason: format!("{SNAPSHOT_DB} is missing"),
            });
        }
        let mut pool = Vec::with_capacity(POOL_SIZE);
        for _ in 0..POOL_SIZE {
            pool.push(Mutex::new(open_read_only(&db)?));
        }
        let conn = pool[0].lock().expect("a fresh mutex is not poisoned");
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(Error::sqlite("reading the schema version"))?;
        if version != schema::SCHEMA_VERSION {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                reason: format!(
                    "schema version {version}, this kiosk reads {}: re-import the catalog",
                    schema::SCHEMA_VERSION
                ),
            });
        }
        let meta_map: BTreeMap<String, String> = conn
            .prepare("SELECT key, value FROM meta")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(Error::sqlite("reading snapshot metadata"))?;
        let corrupt = |reason: String| Error::Corrupt {
            path: path.to_path_buf(),
            reason,
        };
        let get = |key: &str| -> Result<&String> {
            meta_map
                .get(key)
                .ok_or_else(|| corrupt(format!("metadata {key} is missing")))
        };
        let time = |key: &str| -> Result<jiff::Timestamp> {
            get(key)?
                .parse()
                .map_err(|e| corrupt(format!("metadata {key} is not a time: {e}")))
        };
        let number = |key: &str| -> Result<u64> {
            get(key)?
                .parse()
                .map_err(|e| corrupt(format!("metadata {key} is not a number: {e}")))
        };
        let info = SnapshotInfo {
            id: get(meta::SNAPSHOT_ID)?.clone(),
            source: get(meta::SOURCE)?.clone(),
            format: get(meta::FORMAT)?.clone(),
            created_at: time(meta::CREATED_AT)?,
            stock_as_of: time(meta::STOCK_AS_OF)?,
            store_id: get(meta::STORE_ID)?.clone(),
            n_products: number(meta::N_PRODUCTS)?,
            n_variants: number(meta::N_VARIANTS)?,
        };
        let low_stock_threshold = number(meta::LOW_STOCK_THRESHOLD)? as i64;
        let store_json: String = conn
            .query_row("SELECT json FROM store WHERE id = 1", [], |r| r.get(0))
            .map_err(Error::sqlite("reading store info"))?;
        let store: StoreInfo =
            serde_json::from_str(&store_json).map_err(|e| corrupt(format!("store info: {e}")))?;
        let faq: Vec<FaqEntry> = conn
            .prepare("SELECT json FROM faq ORDER BY rowid")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(Error::sqlite("reading the FAQ"))?
            .iter()
            .map(|j| serde_json::from_str(j).map_err(|e| corrupt(format!("faq: {e}"))))
            .collect::<Result<_>>()?;
        let concepts: Vec<Concept> = conn
            .prepare("SELECT json FROM vocabulary ORDER BY rowid")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(Error::sqlite("reading the vocabulary"))?
            .iter()
            .map(|j| serde_json::from_str(j).map_err(|e| corrupt(format!("vocabulary: {e}"))))
            .collect::<Result<_>>()?;
        let categories: Vec<(String, u64)> = conn
            .prepare(
                "SELECT category, COUNT(*) FROM products WHERE category IS NOT NULL
                 GROUP BY category ORDER BY COUNT(*) DESC, category",
            )
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
                    .collect()
            })
            .map_err(Error::sqlite("reading categories"))?;
        let locations: HashMap<String, Location> = conn
            .prepare("SELECT id, zone, aisle, shelf, description FROM locations")
            .and_then(|mut s| {
                s.query_map([], |r| {
                    Ok(Location {
                        id: r.get(0)?,
                        zone: r.get(1)?,
                        aisle: r.get(2)?,
                        shelf: r.get(3)?,
                        description: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(Error::sqlite("reading locations"))?
            .into_iter()
            .map(|l| (l.id.clone(), l))
            .collect();
        let category_locations: HashMap<String, String> = conn
            .prepare(
                "SELECT category, location_id FROM products
                 WHERE category IS NOT NULL AND location_id IS NOT NULL
                 GROUP BY category, location_id
                 ORDER BY category, COUNT(*) DESC",
            )
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(Error::sqlite("reading category locations"))?
            .into_iter()
            .fold(HashMap::new(), |mut map, (category, location)| {
                map.entry(category).or_insert(location);
                map
            });
        let brands: Vec<String> = conn
            .prepare("SELECT DISTINCT brand FROM products WHERE brand IS NOT NULL ORDER BY brand")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(Error::sqlite("reading brands"))?;
        let sizes: Vec<String> = conn
            .prepare(
                "SELECT size FROM variants WHERE size IS NOT NULL AND size <> ''
                 GROUP BY size ORDER BY COUNT(*) DESC, size",
            )
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(Error::sqlite("reading sizes"))?;
        let colors: Vec<String> = conn
            .prepare(
                "SELECT color FROM variants WHERE color IS NOT NULL AND color <> ''
                 GROUP BY color ORDER BY COUNT(*) DESC, color",
            )
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(Error::sqlite("reading colours"))?;
        let has_orders: bool = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM orders)", [], |r| r.get(0))
            .map_err(Error::sqlite("reading orders"))?;
        let has_images: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'images')",
                [],
                |r| r.get(0),
            )
            .map_err(Error::sqlite("reading the table list"))?;
        let vectors = VectorIndex::load(&conn, path)?;
        let store_words = match &vectors {
            Some(v) => StoreWords::load(&conn, v.dim(), v.model())?,
            None => None,
        };
        let catalog_lang = match &store_words {
            Some(_) => catalog_language(&conn)?,
            None => None,
        };
        drop(conn);
        let lexicon = Arc::new(Lexicon::new(concepts));
        let index = IndexSearcher::open(
            &path.join(INDEX_DIR),
            store.language,
            lexicon.clone(),
            &categories,
        )?;
        if index.num_docs() != info.n_products {
            return Err(corrupt(format!(
                "the index holds {} products, the database {}",
                index.num_docs(),
                info.n_products
            )));
        }
        Ok(Snapshot {
            path: path.to_path_buf(),
            pool,
            index,
            info,
            store,
            faq,
            lexicon,
            categories,
            locations,
            category_locations,
            brands,
            sizes,
            colors,
            low_stock_threshold,
            has_orders,
            has_images,
            vectors,
            encoder: None,
            meaning: None,
            store_words,
            translate: true,
            catalog_lang,
        })
    }

    /// Lets search go by meaning too, with `embedder` embedding queries,
    /// when the snapshot's vectors came from the same model (with or without
    /// them, it weighs a product's description sentences against a question
    /// about the product). Returns the resulting search state.
    pub fn attach_embedder(&mut self, embedder: Arc<Embedder>) -> SemanticState {
        self.meaning = Some(QueryEncoder::new(embedder.clone()));
        if let Some(vectors) = &self.vectors
            && vectors.model() == embedder.fingerprint()
            && vectors.dim() == embedder.dim()
        {
            self.encoder = Some(QueryEncoder::new(embedder));
        }
        self.semantic_state()
    }

    /// For benchmarks: replaces the snapshot's vectors with stand-ins
    /// ([`VectorIndex::stand_ins`], from its first `distinct` products) and
    /// attaches `embedder`, so a catalog imported without the model is
    /// searched as one with vectors would be, at the same cost.
    pub fn use_stand_in_vectors(
        &mut self,
        embedder: Arc<Embedder>,
        distinct: usize,
    ) -> Result<SemanticState> {
        let vectors = VectorIndex::stand_ins(&self.conn(), &embedder, distinct)?;
        self.vectors = Some(vectors);
        Ok(self.attach_embedder(embedder))
    }

    /// Whether search goes by meaning too.
    pub fn semantic_state(&self) -> SemanticState {
        match (&self.vectors, &self.encoder) {
            (None, _) => SemanticState::NoVectors,
            (Some(v), Some(_)) => SemanticState::Hybrid {
                products: v.len() as u64,
            },
            (Some(v), None) => SemanticState::NoModel {
                products: v.len() as u64,
            },
        }
    }

    /// The state as [`attach_embedder`](Self::attach_embedder) would leave
    /// it with `embedder`, without attaching it.
    pub fn semantic_state_with(&self, embedder: &Embedder) -> SemanticState {
        match &self.vectors {
            Some(v) if v.model() != embedder.fingerprint() => SemanticState::OtherModel {
                vectors: v.model().to_string(),
                model: embedder.fingerprint().to_string(),
            },
            Some(v) => SemanticState::Hybrid {
                products: v.len() as u64,
            },
            None => SemanticState::NoVectors,
        }
    }

    /// Forgets the recent query vectors, so the next search embeds its
    /// words afresh (for benchmarks).
    pub fn forget_queries(&self) {
        if let Some(encoder) = &self.encoder {
            encoder.forget();
        }
    }

    /// The product vectors, when the snapshot has them.
    pub fn vectors(&self) -> Option<&VectorIndex> {
        self.vectors.as_ref()
    }

    /// The embedding model attached for queries.
    pub fn embedder(&self) -> Option<&Arc<Embedder>> {
        self.encoder.as_ref().map(QueryEncoder::embedder)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn info(&self) -> &SnapshotInfo {
        &self.info
    }

    pub fn store(&self) -> &StoreInfo {
        &self.store
    }

    pub fn lexicon(&self) -> &Arc<Lexicon> {
        &self.lexicon
    }

    pub fn index(&self) -> &IndexSearcher {
        &self.index
    }

    pub fn low_stock_threshold(&self) -> i64 {
        self.low_stock_threshold
    }

    pub fn location(&self, id: &str) -> Option<&Location> {
        self.locations.get(id)
    }

    /// A product's photo thumbnail (JPEG), if the snapshot has one.
    pub fn image(&self, product_id: &str, size: crate::ImageSize) -> Result<Option<Vec<u8>>> {
        if !self.has_images {
            return Ok(None);
        }
        let sql = match size {
            crate::ImageSize::Card => {
                "SELECT i.card FROM images i JOIN products p ON p.rowid = i.product_rowid WHERE p.id = ?1"
            }
            crate::ImageSize::Detail => {
                "SELECT i.detail FROM images i JOIN products p ON p.rowid = i.product_rowid WHERE p.id = ?1"
            }
        };
        self.conn()
            .prepare_cached(sql)
            .and_then(|mut s| s.query_row([product_id], |r| r.get(0)).optional())
            .map_err(Error::sqlite("reading a product image"))
    }

    /// How many products have a photo.
    pub fn n_images(&self) -> Result<u64> {
        if !self.has_images {
            return Ok(0);
        }
        self.conn()
            .query_row("SELECT COUNT(*) FROM images", [], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .map_err(Error::sqlite("counting product images"))
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        for slot in &self.pool {
            if let Ok(guard) = slot.try_lock() {
                return guard;
            }
        }
        self.pool[0]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How a query would be read, for `kiosk search --explain`.
    pub fn plan(&self, request: &SearchRequest) -> QueryPlan {
        self.plan_of(request)
    }

    /// Turns store-word translation on or off (on by default; off reads
    /// queries as without it, for A/B measurements).
    pub fn set_store_word_translation(&mut self, on: bool) {
        self.translate = on;
    }

    /// Whether the shopper's turn may be in another language than the
    /// catalog's: the catalog's language is not plain from its text, or
    /// the turn's language (the request's, else as detected from its text
    /// when the text tells) is not it.
    pub fn language_gap(&self, request: &SearchRequest) -> bool {
        let Some(catalog) = self.catalog_lang else {
            return true;
        };
        let turn = request.lang.or_else(|| {
            let (lang, confidence) = language::detect(&request.text, &self.lexicon);
            (confidence > 0.0).then_some(lang)
        });
        turn != Some(catalog)
    }

    /// The language the catalog is written in, as estimated when it was
    /// opened ([`catalog_language`]); `None` when not one of the kiosk's or
    /// not plain to see.
    pub fn catalog_language(&self) -> Option<Lang> {
        self.catalog_lang
    }

    /// The store's embedded words, when the snapshot has them.
    pub fn store_words(&self) -> Option<&StoreWords> {
        self.store_words.as_ref()
    }

    /// The store words a shopper's word (or phrase) translates to, when the
    /// snapshot has store words and a model is attached.
    pub fn translations(&self, word: &str) -> Vec<Translation> {
        let (Some(words), Some(encoder)) = (&self.store_words, &self.encoder) else {
            return Vec::new();
        };
        let word = word.trim().to_lowercase();
        let as_passage = encoder.passage_vector(&word);
        words.translate(&word, &encoder.vector(&word), &as_passage)
    }

    /// The lexical plan of a query, with the store words that translate
    /// its foreign words added as alternatives (never replacing them): two
    /// adjacent foreign words are tried as one phrase first ("daging
    /// sapi"), then each alone. Type-ahead is not translated.
    ///
    /// Only across a language gap: a turn in the catalog's own language
    /// ([`Snapshot::language_gap`]) is searched as the shopper said it, as
    /// a word of that language the store does not hold names a thing it
    /// does not sell (`piano` in an English sports shop), not another
    /// language's word for one it does.
    fn plan_of(&self, request: &SearchRequest) -> QueryPlan {
        let (text, prefix) = (request.text.as_str(), request.prefix);
        let mut plan = self.index.plan(text, prefix);
        if prefix
            || plan.stopwords_only
            || !self.translate
            || self.store_words.is_none()
            || !self.language_gap(request)
        {
            return plan;
        }
        let foreign: Vec<bool> = plan
            .groups
            .iter()
            .map(|g| self.index.is_foreign(g))
            .collect();
        let mut found: Vec<Vec<Translation>> = vec![Vec::new(); plan.groups.len()];
        let folded = text.to_lowercase();
        for g in 1..plan.groups.len() {
            let (a, b) = (&plan.groups[g - 1].from, &plan.groups[g].from);
            let phrase = format!("{} {}", a.to_lowercase(), b.to_lowercase());
            if foreign[g - 1] && foreign[g] && found[g - 1].is_empty() && folded.contains(&phrase) {
                let t = self.translations(&phrase);
                if !t.is_empty() {
                    found[g - 1] = t.clone();
                    found[g] = t;
                }
            }
        }
        for (g, group) in plan.groups.iter_mut().enumerate() {
            if foreign[g] && found[g].is_empty() {
                found[g] = self.translations(&group.from);
            }
            for t in &found[g] {
                group.alternatives.push(Alt::Words {
                    text: t.word.clone(),
                    boost: TRANSLATION_BOOST,
                });
            }
        }
        plan
    }

    /// Searches by words and, when the snapshot has vectors and a model is
    /// attached, by meaning, fused ([`hybrid`]). Type-ahead (a prefix
    /// query) and browsing without words stay lexical.
    ///
    /// Ordered by price ([`kiosk_core::Order`]), a browse without words
    /// weighs every product the filters allow; with words, the products
    /// found are put in price order.
    pub fn search(&self, request: &SearchRequest) -> Result<Vec<ProductHit>> {
        let order = request.order;
        let said = self.index.plan(&request.text, request.prefix);
        if order.by_price() && said.groups.is_empty() {
            let dearest_first = order == kiosk_core::Order::PriceHighFirst;
            let hits = self
                .index
                .by_price(&request.filters, dearest_first, request.limit)?;
            let mut records = self.records(hits, None)?;
            order.arrange(&mut records, |h| &h.record);
            return Ok(records);
        }
        let plan = self.plan_of(request);
        let alternatives =
            |p: &QueryPlan| p.groups.iter().map(|g| g.alternatives.len()).sum::<usize>();
        let translated = alternatives(&plan) > alternatives(&said);
        let semantic = !request.prefix && !plan.stopwords_only && !plan.groups.is_empty();
        let near = if semantic {
            self.nearest(
                &request.text,
                &request.filters,
                request.limit.max(hybrid::POOL),
            )?
        } else {
            None
        };
        // The products the shopper's own words find, when a translation
        // added store words: any other product came through a translation
        // (or through meaning alone, beside it).
        let mut own: Option<HashSet<u64>> = None;
        let hits = match near {
            None => self
                .index
                .search_plan(&plan, &request.filters, request.limit)?,
            Some(near) => {
                let mut lexical = self.index.search_plan(
                    &plan,
                    &request.filters,
                    request.limit.max(hybrid::POOL),
                )?;
                if translated {
                    // A product found only through a store word must be
                    // near the shopper's words in meaning too: a store
                    // word can be near the shopper's by spelling or by a
                    // shared part (brendi → bellini, 背心 → heart), its
                    // products then far from the question.
                    let said_hits: HashSet<u64> = self
                        .index
                        .search_plan(&said, &request.filters, request.limit.max(hybrid::POOL))?
                        .into_iter()
                        .map(|(rowid, _, _)| rowid)
                        .collect();
                    let agree: HashSet<u64> = near
                        .hits
                        .iter()
                        .take(TRANSLATION_AGREE)
                        .map(|&(rowid, _)| rowid)
                        .collect();
                    lexical
                        .retain(|(rowid, _, _)| said_hits.contains(rowid) || agree.contains(rowid));
                    own = Some(said_hits);
                }
                hybrid::fuse(&lexical, &near, request.limit)
            }
        };
        let mut records = self.records(hits, own.as_ref())?;
        order.arrange(&mut records, |h| &h.record);
        Ok(records)
    }

    /// How many products a list of all `request`'s matches would hold,
    /// whatever its limit ([`ProductSearch::count`]); counted by the index,
    /// no product read.
    pub fn count(&self, request: &SearchRequest) -> Result<usize> {
        let plan = self.index.plan(&request.text, request.prefix);
        self.index
            .count_plan(&plan, &request.filters, request.order.by_price())
    }

    /// Searches by words alone, as the kiosk does without the model.
    pub fn search_lexical(&self, request: &SearchRequest) -> Result<Vec<ProductHit>> {
        let hits = self.index.search(
            &request.text,
            request.prefix,
            &request.filters,
            request.limit,
        )?;
        self.records(hits, None)
    }

    /// Searches by the meaning of the whole text alone (an open-ended
    /// need, where the shopper's words name no product): the products
    /// nearest it that stand out from the catalog by
    /// [`hybrid::MIN_Z_NEED`] standard deviations (less in a small
    /// catalog, [`Nearest::gate`]), closest first, each scored by its
    /// similarity. `None` without vectors or an attached model.
    pub fn by_meaning(&self, request: &SearchRequest) -> Result<Option<Vec<ProductHit>>> {
        let (Some(vectors), Some(encoder)) = (&self.vectors, &self.encoder) else {
            return Ok(None);
        };
        let allowed = self.index.filtered_rowids(&request.filters)?;
        let query = encoder.need_vector(&request.text);
        let near = vectors.nearest(&query, allowed.as_deref(), request.limit.max(hybrid::POOL));
        let hits: Vec<(u64, f32, bool)> = near
            .stands_out(hybrid::MIN_Z_NEED)
            .take(request.limit)
            .map(|(rowid, similarity)| (rowid, near.z(similarity), false))
            .collect();
        self.records(hits, None).map(Some)
    }

    /// The `k` products nearest `text` in meaning among those `filters`
    /// allow; `None` without vectors or an attached model.
    pub fn nearest(&self, text: &str, filters: &Filters, k: usize) -> Result<Option<Nearest>> {
        let (Some(vectors), Some(encoder)) = (&self.vectors, &self.encoder) else {
            return Ok(None);
        };
        let allowed = self.index.filtered_rowids(filters)?;
        let query = encoder.vector(text);
        Ok(Some(vectors.nearest(&query, allowed.as_deref(), k)))
    }

    /// A product's title by its rowid (for `kiosk search --explain`).
    pub fn title_of(&self, rowid: u64) -> Result<String> {
        title(&self.conn(), rowid)
    }

    /// The products of `hits`, read; with `own` (the products the
    /// shopper's own words found, when a translation was searched too),
    /// any other is marked as found through the translation.
    fn records(
        &self,
        hits: Vec<(u64, f32, bool)>,
        own: Option<&HashSet<u64>>,
    ) -> Result<Vec<ProductHit>> {
        let conn = self.conn();
        let mut out = Vec::with_capacity(hits.len());
        for (rowid, score, full_match) in hits {
            if let Some(record) = self.record_by_rowid(&conn, rowid as i64)? {
                out.push(ProductHit {
                    record,
                    score,
                    full_match,
                    translated: own.is_some_and(|own| !own.contains(&rowid)),
                });
            }
        }
        Ok(out)
    }

    fn record_by_rowid(&self, conn: &Connection, rowid: i64) -> Result<Option<ProductRecord>> {
        let product = conn
            .prepare_cached(
                "SELECT rowid, id, title, brand, category, description, tags, price_minor, location_id, image, goes_with
                 FROM products WHERE rowid = ?1",
            )
            .and_then(|mut s| {
                s.query_row([rowid], |r| {
                    let goes_with: String = r.get(10)?;
                    Ok((Product {
                        id: r.get(1)?,
                        title: r.get(2)?,
                        brand: r.get(3)?,
                        category: r.get(4)?,
                        description: r.get(5)?,
                        tags: r
                            .get::<_, String>(6)?
                            .split(';')
                            .filter(|t| !t.is_empty())
                            .map(str::to_string)
                            .collect(),
                        price: Money::from_minor(r.get::<_, Option<i64>>(7)?.unwrap_or(0)),
                        currency: self.store.currency.clone(),
                        location_id: r.get(8)?,
                        image: r.get(9)?,
                    }, goes_with))
                })
                .optional()
            })
            .map_err(Error::sqlite("reading a product"))?;
        let Some((product, goes_with)) = product else {
            return Ok(None);
        };
        let bundles: Vec<String> = conn
            .prepare_cached(
                "SELECT target FROM product_links WHERE product_rowid = ?1 AND kind = 'bundle'",
            )
            .and_then(|mut s| s.query_map([rowid], |r| r.get(0))?.collect())
            .map_err(Error::sqlite("reading bundles"))?;
        let variants: Vec<(Variant, Option<String>)> = conn
            .prepare_cached(
                "SELECT sku, options, price_minor, quantity, in_stock, barcode, location_id
                 FROM variants WHERE product_rowid = ?1 ORDER BY rowid",
            )
            .and_then(|mut s| {
                s.query_map([rowid], |r| {
                    let options: String = r.get(1)?;
                    Ok((
                        Variant {
                            sku: r.get(0)?,
                            product_id: product.id.clone(),
                            options: serde_json::from_str(&options).unwrap_or_default(),
                            price: Money::from_minor(r.get(2)?),
                            quantity: r.get(3)?,
                            in_stock: r.get(4)?,
                            barcode: r.get(5)?,
                        },
                        r.get(6)?,
                    ))
                })?
                .collect()
            })
            .map_err(Error::sqlite("reading variants"))?;
        let location = product
            .location_id
            .as_deref()
            .or_else(|| variants.iter().find_map(|(_, l)| l.as_deref()))
            .and_then(|id| self.locations.get(id))
            .cloned();
        Ok(Some(ProductRecord {
            product,
            variants: variants.into_iter().map(|(v, _)| v).collect(),
            location,
            goes_with: goes_with
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            bundles,
        }))
    }

    /// A product by id, or by a variant's SKU or barcode.
    pub fn product(&self, id_or_sku: &str) -> Result<Option<ProductRecord>> {
        let conn = self.conn();
        let rowid: Option<i64> = conn
            .prepare_cached(
                "SELECT rowid FROM products WHERE id = ?1
                 UNION ALL SELECT product_rowid FROM variants WHERE sku = ?1
                 UNION ALL SELECT product_rowid FROM variants WHERE barcode = ?1
                 LIMIT 1",
            )
            .and_then(|mut s| s.query_row([id_or_sku], |r| r.get(0)).optional())
            .map_err(Error::sqlite("looking up a product"))?;
        match rowid {
            Some(rowid) => self.record_by_rowid(&conn, rowid),
            None => Ok(None),
        }
    }

    /// How close in meaning `product` is to each of `others` (product ids),
    /// by their stored vectors; `None` for an id without one.
    pub fn closeness(&self, product: &str, others: &[&str]) -> Result<Vec<Option<f32>>> {
        let Some(vectors) = &self.vectors else {
            return Ok(vec![None; others.len()]);
        };
        let conn = self.conn();
        let rowid = |id: &str| -> Result<Option<u64>> {
            conn.prepare_cached("SELECT rowid FROM products WHERE id = ?1")
                .and_then(|mut s| s.query_row([id], |r| r.get::<_, i64>(0)).optional())
                .map(|r| r.map(|r| r as u64))
                .map_err(Error::sqlite("looking up a product"))
        };
        let Some(own) = rowid(product)? else {
            return Ok(vec![None; others.len()]);
        };
        others
            .iter()
            .map(|id| Ok(rowid(id)?.and_then(|other| vectors.similarity(own, other))))
            .collect()
    }

    /// Products linked to this one (bundles from grouped products).
    pub fn links(&self, product_id: &str) -> Result<Vec<(String, String)>> {
        let conn = self.conn();
        conn.prepare_cached(
            "SELECT l.kind, l.target FROM product_links l JOIN products p ON p.rowid = l.product_rowid WHERE p.id = ?1",
        )
        .and_then(|mut s| s.query_map([product_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(Error::sqlite("reading product links"))
    }

    pub fn order(&self, id: &str) -> Result<Option<OrderStatus>> {
        let conn = self.conn();
        conn.prepare_cached("SELECT id, status, updated_at, detail FROM orders WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    Ok(OrderStatus {
                        id: r.get(0)?,
                        status: r.get(1)?,
                        updated_at: r.get(2)?,
                        detail: r.get(3)?,
                    })
                })
                .optional()
            })
            .map_err(Error::sqlite("reading an order"))
    }

    /// The issues the import recorded.
    pub fn import_issues(&self, limit: usize) -> Result<Vec<crate::import::Issue>> {
        let conn = self.conn();
        conn.prepare("SELECT file, line, column, field, rule, message FROM import_issues ORDER BY rowid LIMIT ?1")
            .and_then(|mut s| {
                s.query_map([limit as i64], |r| {
                    let rule: String = r.get(4)?;
                    Ok(crate::import::Issue {
                        file: r.get(0)?,
                        line: r.get::<_, i64>(1)? as u64,
                        column: r.get::<_, Option<i64>>(2)?.map(|c| c as usize),
                        field: r.get(3)?,
                        rule: serde_json::from_value(serde_json::Value::String(rule))
                            .unwrap_or(crate::import::Rule::UnknownColumn),
                        message: r.get(5)?,
                    })
                })?
                .collect()
            })
            .map_err(Error::sqlite("reading import issues"))
    }

    /// Checks the snapshot end to end: SQLite integrity, counts against the
    /// metadata, and the index against the database.
    pub fn verify(&self) -> Result<Verification> {
        let conn = self.conn();
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(Error::sqlite("checking integrity"))?;
        let count = |q: &str| -> Result<u64> {
            conn.query_row(q, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(Error::sqlite("counting"))
        };
        let n_products = count("SELECT COUNT(*) FROM products")?;
        let n_variants = count("SELECT COUNT(*) FROM variants")?;
        let orphans = count(
            "SELECT COUNT(*) FROM variants v WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.rowid = v.product_rowid)",
        )?;
        let n_indexed = self.index.num_docs();
        let mut problems = Vec::new();
        if integrity != "ok" {
            problems.push(format!("sqlite integrity check: {integrity}"));
        }
        if n_products != self.info.n_products {
            problems.push(format!(
                "{n_products} products, metadata says {}",
                self.info.n_products
            ));
        }
        if n_variants != self.info.n_variants {
            problems.push(format!(
                "{n_variants} variants, metadata says {}",
                self.info.n_variants
            ));
        }
        if n_indexed != n_products {
            problems.push(format!(
                "{n_indexed} products indexed, {n_products} in the database"
            ));
        }
        if orphans > 0 {
            problems.push(format!("{orphans} variants belong to no product"));
        }
        Ok(Verification {
            path: self.path.clone(),
            integrity,
            n_products,
            n_variants,
            n_indexed,
            ok: problems.is_empty(),
            problems,
        })
    }
}

/// A product's title by rowid (empty when it has none).
fn title(conn: &Connection, rowid: u64) -> Result<String> {
    conn.prepare_cached("SELECT title FROM products WHERE rowid = ?1")
        .and_then(|mut s| s.query_row([rowid as i64], |r| r.get(0)).optional())
        .map(Option::unwrap_or_default)
        .map_err(Error::sqlite("reading a title"))
}

fn open_read_only(db: &Path) -> Result<Connection> {
    // `immutable`: the file never changes after publish, so SQLite may skip
    // locking and change detection.
    let uri = format!("file:{}?immutable=1", db.display());
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(Error::sqlite(format!("opening {}", db.display())))?;
    Ok(conn)
}

fn backend(e: Error) -> BackendError {
    BackendError(Box::new(e))
}

impl ProductSearch for Snapshot {
    fn search(
        &self,
        request: &SearchRequest,
    ) -> std::result::Result<Vec<ProductHit>, BackendError> {
        Snapshot::search(self, request).map_err(backend)
    }

    fn count(&self, request: &SearchRequest) -> std::result::Result<usize, BackendError> {
        Snapshot::count(self, request).map_err(backend)
    }

    fn by_meaning(
        &self,
        request: &SearchRequest,
    ) -> std::result::Result<Option<Vec<ProductHit>>, BackendError> {
        Snapshot::by_meaning(self, request).map_err(backend)
    }
}

impl StockLookup for Snapshot {
    fn product(&self, id_or_sku: &str) -> std::result::Result<Option<ProductRecord>, BackendError> {
        Snapshot::product(self, id_or_sku).map_err(backend)
    }

    fn store_info(&self) -> &StoreInfo {
        &self.store
    }

    fn faq(&self) -> &[FaqEntry] {
        &self.faq
    }

    fn snapshot_info(&self) -> &SnapshotInfo {
        &self.info
    }

    fn categories(&self) -> &[(String, u64)] {
        &self.categories
    }

    fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    fn category_of_concept(&self, concept: usize) -> Option<&str> {
        self.index.category_of_concept(concept)
    }

    fn meaning(&self) -> Option<&dyn kiosk_core::TextMeaning> {
        self.meaning
            .as_ref()
            .map(|m| m as &dyn kiosk_core::TextMeaning)
    }

    fn closeness(
        &self,
        product: &str,
        others: &[&str],
    ) -> std::result::Result<Vec<Option<f32>>, BackendError> {
        Snapshot::closeness(self, product, others).map_err(backend)
    }

    fn category_location(&self, category: &str) -> Option<&Location> {
        let key = kiosk_core::text::option_key(category);
        self.category_locations
            .iter()
            .find(|(c, _)| kiosk_core::text::option_key(c) == key)
            .and_then(|(_, id)| self.locations.get(id))
    }

    fn low_stock_threshold(&self) -> i64 {
        self.low_stock_threshold
    }

    fn order(&self, id: &str) -> std::result::Result<Option<OrderStatus>, BackendError> {
        Snapshot::order(self, id).map_err(backend)
    }

    fn has_orders(&self) -> bool {
        self.has_orders
    }

    fn brands(&self) -> &[String] {
        &self.brands
    }

    fn sizes(&self) -> &[String] {
        &self.sizes
    }

    fn colors(&self) -> &[String] {
        &self.colors
    }
}

/// Products read to tell the catalog's language.
const LANGUAGE_SAMPLE: i64 = 400;
/// Characters of a description read for it.
const LANGUAGE_SAMPLE_CHARS: i64 = 1500;

/// The language of the catalog's titles, categories and descriptions
/// ([`language::written_in`]), over the first [`LANGUAGE_SAMPLE`] products.
fn catalog_language(conn: &Connection) -> Result<Option<Lang>> {
    let mut stmt = conn
        .prepare(
            "SELECT title, COALESCE(category, ''), substr(description, 1, ?2)
             FROM products ORDER BY rowid LIMIT ?1",
        )
        .map_err(Error::sqlite("reading the catalog's text"))?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map([LANGUAGE_SAMPLE, LANGUAGE_SAMPLE_CHARS], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .and_then(|rows| rows.collect())
        .map_err(Error::sqlite("reading the catalog's text"))?;
    let mut text = String::new();
    for (title, category, description) in rows {
        for part in [title, category, description] {
            text.push_str(&part);
            text.push('\n');
        }
    }
    Ok(language::written_in(&text))
}
