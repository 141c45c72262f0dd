//! Labelled queries for measuring search quality: a query, its class, and a
//! predicate that says which products are relevant. Predicates are evaluated
//! in SQL against the snapshot, so the same file labels the demo store and
//! its 100k-product scaled copy.
//!
//! File format (`catalog/queries.tsv`, tab-separated, `#` comments):
//!
//! ```text
//! class  lang  query  flags  relevant
//! typo   en    sneekers  -   category=Sneakers
//! ```
//!
//! `flags` is `-` or a `;`-list of `prefix`, `in_stock`, `size=9`,
//! `color=black`, `category=…`, `max_price=20`. `relevant` is an `&`-list of
//! `category=X`, `category~X`, `title~X`, `brand=X`, `color=X`, `size=X`,
//! `tag=X`, `desc~X` (`=` exact, `~` contains; case-insensitive).

use std::path::Path;

use kiosk_core::{Filters, Lang, Money, SearchRequest};
use rusqlite::Connection;
use serde::Serialize;

use kiosk_catalog::error::{Error, Result};

#[derive(Debug, Clone, Serialize)]
pub struct LabelledQuery {
    pub line: u64,
    pub class: String,
    pub lang: Lang,
    pub query: String,
    pub prefix: bool,
    pub filters: Filters,
    pub relevant: Vec<Clause>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Clause {
    pub field: String,
    pub contains: bool,
    pub value: String,
}

impl LabelledQuery {
    pub fn request(&self, limit: usize) -> SearchRequest {
        SearchRequest {
            text: self.query.clone(),
            lang: Some(self.lang),
            filters: self.filters.clone(),
            limit,
            prefix: self.prefix,
            order: kiosk_core::Order::Relevance,
        }
    }
}

pub fn load(path: &Path) -> Result<Vec<LabelledQuery>> {
    let text = std::fs::read_to_string(path).map_err(Error::io("reading", path))?;
    let file = path.display().to_string();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let bad = |column: usize, message: String| Error::Input {
            file: file.clone(),
            line: n,
            column: Some(column),
            message,
        };
        if cols.len() != 5 {
            return Err(bad(
                1,
                format!(
                    "expected 5 tab-separated columns (class, lang, query, flags, relevant), found {}",
                    cols.len()
                ),
            ));
        }
        if cols[0] == "class" {
            continue;
        }
        let lang: Lang = cols[1]
            .parse()
            .map_err(|e: kiosk_core::lang::UnknownLang| bad(2, e.to_string()))?;
        let mut filters = Filters::default();
        let mut prefix = false;
        for flag in cols[3]
            .split(';')
            .map(str::trim)
            .filter(|f| !f.is_empty() && *f != "-")
        {
            let (k, v) = flag.split_once('=').unwrap_or((flag, ""));
            match k {
                "prefix" => prefix = true,
                "in_stock" => filters.in_stock_only = true,
                "size" => filters.size = Some(v.to_string()),
                "color" => filters.color = Some(v.to_string()),
                "category" => filters.category = Some(v.to_string()),
                "brand" => filters.brand = Some(v.to_string()),
                "max_price" | "min_price" => {
                    let m = Money::parse_decimal(v)
                        .ok_or_else(|| bad(4, format!("{k}: expected a price, found {v:?}")))?;
                    if k == "max_price" {
                        filters.price_max = Some(m);
                    } else {
                        filters.price_min = Some(m);
                    }
                }
                other => return Err(bad(4, format!("unknown flag {other:?}"))),
            }
        }
        let mut relevant = Vec::new();
        for clause in cols[4].split('&').map(str::trim).filter(|c| !c.is_empty()) {
            let (field, contains, value) = if let Some((f, v)) = clause.split_once('~') {
                (f, true, v)
            } else if let Some((f, v)) = clause.split_once('=') {
                (f, false, v)
            } else {
                return Err(bad(
                    5,
                    format!("expected field=value or field~value, found {clause:?}"),
                ));
            };
            if !matches!(
                field.trim(),
                "category" | "title" | "brand" | "color" | "size" | "tag" | "desc"
            ) {
                return Err(bad(5, format!("unknown field {field:?}")));
            }
            relevant.push(Clause {
                field: field.trim().to_string(),
                contains,
                value: value.trim().to_string(),
            });
        }
        if relevant.is_empty() {
            return Err(bad(
                5,
                "a labelled query needs at least one relevance clause".into(),
            ));
        }
        out.push(LabelledQuery {
            line: n,
            class: cols[0].to_string(),
            lang,
            query: cols[2].to_string(),
            prefix,
            filters,
            relevant,
        });
    }
    Ok(out)
}

/// The product ids relevant to a query: its predicate, and its filters.
pub fn relevant_ids(conn: &Connection, q: &LabelledQuery) -> Result<Vec<String>> {
    let mut sql = String::from("SELECT p.id FROM products p WHERE 1");
    let mut params: Vec<String> = Vec::new();
    let mut push = |sql: &mut String, fragment: &str, value: String| {
        params.push(value);
        sql.push_str(&fragment.replace('?', &format!("?{}", params.len())));
    };
    for c in &q.relevant {
        let value = if c.contains {
            format!("%{}%", c.value.to_lowercase())
        } else {
            c.value.to_lowercase()
        };
        let op = if c.contains { "LIKE" } else { "=" };
        match c.field.as_str() {
            "category" => push(&mut sql, &format!(" AND lower(p.category) {op} ?"), value),
            "title" => push(&mut sql, &format!(" AND lower(p.title) {op} ?"), value),
            "brand" => push(&mut sql, &format!(" AND lower(p.brand) {op} ?"), value),
            "desc" => push(
                &mut sql,
                &format!(" AND lower(p.description) {op} ?"),
                value,
            ),
            "tag" => push(
                &mut sql,
                " AND (';' || lower(p.tags) || ';') LIKE ?",
                format!("%;{};%", c.value.to_lowercase()),
            ),
            "color" => push(
                &mut sql,
                &format!(
                    " AND EXISTS (SELECT 1 FROM variants v WHERE v.product_rowid = p.rowid AND lower(v.color) {op} ?)"
                ),
                value,
            ),
            "size" => push(
                &mut sql,
                &format!(
                    " AND EXISTS (SELECT 1 FROM variants v WHERE v.product_rowid = p.rowid AND lower(v.size) {op} ?)"
                ),
                value,
            ),
            _ => {}
        }
    }
    let f = &q.filters;
    if let Some(max) = f.price_max {
        sql.push_str(&format!(" AND p.price_minor <= {}", max.minor));
    }
    if let Some(min) = f.price_min {
        sql.push_str(&format!(" AND p.price_minor >= {}", min.minor));
    }
    if f.in_stock_only || f.size.is_some() || f.color.is_some() {
        let mut v =
            String::from(" AND EXISTS (SELECT 1 FROM variants v WHERE v.product_rowid = p.rowid");
        if f.in_stock_only {
            v.push_str(" AND v.in_stock");
        }
        if let Some(s) = &f.size {
            push(&mut v, " AND lower(v.size) = ?", s.to_lowercase());
        }
        if let Some(c) = &f.color {
            push(&mut v, " AND lower(v.color) = ?", c.to_lowercase());
        }
        v.push(')');
        sql.push_str(&v);
    }
    let mut stmt = conn
        .prepare(&sql)
        .map_err(Error::sqlite("preparing a relevance query"))?;
    let ids = stmt
        .query_map(rusqlite::params_from_iter(params.iter()), |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::sqlite("evaluating a relevance query"))?;
    Ok(ids)
}

/// recall@k: the share of the top `k` that could be relevant and is.
pub fn recall_at(k: usize, returned: &[String], relevant: &[String]) -> f64 {
    if relevant.is_empty() {
        return if returned.is_empty() { 1.0 } else { 0.0 };
    }
    let hits = returned
        .iter()
        .take(k)
        .filter(|id| relevant.contains(id))
        .count();
    hits as f64 / k.min(relevant.len()) as f64
}

/// Opens a snapshot's SQLite file for evaluation.
pub fn open_db(snapshot_dir: &Path) -> Result<Connection> {
    let db = snapshot_dir.join(kiosk_catalog::schema::SNAPSHOT_DB);
    Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(Error::sqlite(format!("opening {}", db.display())))
}
