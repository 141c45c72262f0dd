//! The peer the search is measured against: SQLite FTS5 with the porter
//! stemmer over the same products, queried with the same words and filters,
//! returning the same records. It knows no typos, synonyms or languages
//! beyond what its tokenizer does, which is the point of the comparison.

use std::path::{Path, PathBuf};

use kiosk_core::Filters;
use rusqlite::{Connection, params_from_iter};

use kiosk_catalog::error::{Error, Result};
use kiosk_catalog::schema::SNAPSHOT_DB;

pub struct Fts5Baseline {
    conn: Connection,
    path: PathBuf,
}

impl Fts5Baseline {
    /// Copies the snapshot's database into `work_dir` and adds an FTS5
    /// table over product text.
    pub fn build(snapshot_dir: &Path, work_dir: &Path) -> Result<Fts5Baseline> {
        std::fs::create_dir_all(work_dir).map_err(Error::io("creating", work_dir))?;
        let path = work_dir.join("fts5-baseline.sqlite");
        let _ = std::fs::remove_file(&path);
        std::fs::copy(snapshot_dir.join(SNAPSHOT_DB), &path)
            .map_err(Error::io("copying the snapshot to", &path))?;
        let conn = Connection::open(&path).map_err(Error::sqlite("opening the FTS5 baseline"))?;
        conn.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             CREATE VIRTUAL TABLE fts USING fts5(
                 title, brand, category, tags, colors, description,
                 tokenize = 'porter unicode61 remove_diacritics 2'
             );
             INSERT INTO fts (rowid, title, brand, category, tags, colors, description)
             SELECT p.rowid, p.title, coalesce(p.brand, ''), coalesce(p.category, ''),
                    replace(p.tags, ';', ' '),
                    coalesce((SELECT group_concat(DISTINCT v.color) FROM variants v WHERE v.product_rowid = p.rowid), ''),
                    p.description
             FROM products p;
             INSERT INTO fts (fts) VALUES ('optimize');",
        )
        .map_err(Error::sqlite("building the FTS5 baseline"))?;
        Ok(Fts5Baseline { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The `limit` best products for a query: ids, with each product's
    /// variants read as the kiosk's search reads them.
    pub fn search(
        &self,
        text: &str,
        prefix: bool,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<String>> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut sql = String::from("SELECT p.rowid, p.id FROM products p");
        let mut params: Vec<String> = Vec::new();
        let mut conditions: Vec<String> = Vec::new();
        if !words.is_empty() {
            let n = words.len();
            let expr: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let quoted = format!("\"{}\"", w.replace('"', ""));
                    if prefix && i + 1 == n {
                        format!("{quoted}*")
                    } else {
                        quoted
                    }
                })
                .collect();
            sql.push_str(" JOIN fts ON fts.rowid = p.rowid");
            params.push(expr.join(" OR "));
            conditions.push(format!("fts MATCH ?{}", params.len()));
        }
        if let Some(c) = &filters.category {
            params.push(c.to_lowercase());
            conditions.push(format!("lower(p.category) = ?{}", params.len()));
        }
        if let Some(b) = &filters.brand {
            params.push(b.to_lowercase());
            conditions.push(format!("lower(p.brand) = ?{}", params.len()));
        }
        if let Some(max) = filters.price_max {
            conditions.push(format!("p.price_minor <= {}", max.minor));
        }
        if let Some(min) = filters.price_min {
            conditions.push(format!("p.price_minor >= {}", min.minor));
        }
        if filters.in_stock_only || filters.size.is_some() || filters.color.is_some() {
            let mut v =
                String::from("EXISTS (SELECT 1 FROM variants v WHERE v.product_rowid = p.rowid");
            if filters.in_stock_only {
                v.push_str(" AND v.in_stock");
            }
            if let Some(s) = &filters.size {
                params.push(s.to_lowercase());
                v.push_str(&format!(" AND lower(v.size) = ?{}", params.len()));
            }
            if let Some(c) = &filters.color {
                params.push(c.to_lowercase());
                v.push_str(&format!(" AND lower(v.color) = ?{}", params.len()));
            }
            v.push(')');
            conditions.push(v);
        }
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        if !words.is_empty() {
            sql.push_str(" ORDER BY bm25(fts, 3.0, 2.0, 2.5, 1.2, 1.5, 0.3)");
        }
        sql.push_str(&format!(" LIMIT {limit}"));
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(Error::sqlite("preparing an FTS5 query"))?;
        let hits: Vec<(i64, String)> = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .and_then(|rows| rows.collect())
            .map_err(Error::sqlite("running an FTS5 query"))?;
        // Read the records, as a kiosk answer needs them.
        let mut variants = self
            .conn
            .prepare_cached(
                "SELECT sku, options, price_minor, quantity, in_stock FROM variants WHERE product_rowid = ?1 ORDER BY rowid",
            )
            .map_err(Error::sqlite("preparing a variant read"))?;
        let mut product = self
            .conn
            .prepare_cached("SELECT title, brand, category, description, tags, price_minor, location_id FROM products WHERE rowid = ?1")
            .map_err(Error::sqlite("preparing a product read"))?;
        for (rowid, _) in &hits {
            let _: (String, Option<String>) = product
                .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(Error::sqlite("reading a product"))?;
            let n = variants
                .query_map([rowid], |r| r.get::<_, String>(0))
                .map_err(Error::sqlite("reading variants"))?
                .count();
            std::hint::black_box(n);
        }
        Ok(hits.into_iter().map(|(_, id)| id).collect())
    }
}
