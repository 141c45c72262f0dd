//! A public product-search relevance set for `kiosk bench relevance`: real
//! shoppers' queries, a store's products, and judged (query, product)
//! pairs, in the layout of Wayfair's WANDS (`product.csv`, `query.csv`,
//! `label.csv`, tab-separated). The set's products are written out as a
//! native catalog, so the kiosk imports them the way it imports a store's
//! export; the metrics the bench reports (NDCG@10, recall@10) are here too.

use std::collections::HashMap;
use std::path::Path;

use kiosk_catalog::error::{Error, Result};

/// One product of the set.
#[derive(Debug, Clone)]
pub struct SetProduct {
    pub id: String,
    pub name: String,
    /// The product's class (WANDS `product_class`), used as its category.
    pub class: String,
    /// Category path, `A / B / C`.
    pub hierarchy: String,
    pub description: String,
    /// `key:value|key:value`.
    pub features: String,
}

/// One query with its judgements: product id → gain (2 exact, 1 partial,
/// 0 irrelevant).
#[derive(Debug, Clone)]
pub struct SetQuery {
    pub id: String,
    pub text: String,
    pub gains: HashMap<String, u8>,
}

#[derive(Debug, Clone, Default)]
pub struct RelevanceSet {
    pub products: Vec<SetProduct>,
    pub queries: Vec<SetQuery>,
}

impl RelevanceSet {
    /// Reads the three WANDS files. Queries without a judged relevant
    /// product are dropped: no ranking can score on them.
    pub fn load_wands(products: &Path, queries: &Path, labels: &Path) -> Result<RelevanceSet> {
        let mut set = RelevanceSet::default();
        let mut rows = tsv(products)?;
        let (p_id, p_name) = (rows.column("product_id")?, rows.column("product_name")?);
        let p_class = rows.column("product_class").ok();
        let p_hier = rows.column("category hierarchy").ok();
        let p_desc = rows.column("product_description").ok();
        let p_feat = rows.column("product_features").ok();
        while let Some(r) = rows.next()? {
            let get = |c: Option<usize>| c.and_then(|c| r.get(c)).unwrap_or("").trim();
            let id = get(Some(p_id));
            if id.is_empty() {
                continue;
            }
            set.products.push(SetProduct {
                id: id.to_string(),
                name: get(Some(p_name)).to_string(),
                class: get(p_class).to_string(),
                hierarchy: get(p_hier).to_string(),
                description: get(p_desc).to_string(),
                features: get(p_feat).to_string(),
            });
        }
        let mut rows = tsv(queries)?;
        let (q_id, q_text) = (rows.column("query_id")?, rows.column("query")?);
        let mut by_id: HashMap<String, usize> = HashMap::new();
        while let Some(r) = rows.next()? {
            let id = r.get(q_id).unwrap_or("").trim().to_string();
            let text = r.get(q_text).unwrap_or("").trim().to_string();
            if id.is_empty() || text.is_empty() {
                continue;
            }
            by_id.insert(id.clone(), set.queries.len());
            set.queries.push(SetQuery {
                id,
                text,
                gains: HashMap::new(),
            });
        }
        let mut rows = tsv(labels)?;
        let (l_query, l_product, l_label) = (
            rows.column("query_id")?,
            rows.column("product_id")?,
            rows.column("label")?,
        );
        while let Some(r) = rows.next()? {
            let field = |c: usize| r.get(c).unwrap_or("").trim().to_string();
            let (query, product, label) = (field(l_query), field(l_product), field(l_label));
            let gain = match label.to_ascii_lowercase().as_str() {
                "exact" | "2" => 2,
                "partial" | "1" => 1,
                "irrelevant" | "0" => 0,
                _ => {
                    return Err(rows.bad(format!(
                        "label: expected Exact, Partial or Irrelevant, found {label:?}"
                    )));
                }
            };
            if let Some(&q) = by_id.get(&query) {
                set.queries[q].gains.insert(product, gain);
            }
        }
        set.queries.retain(|q| q.gains.values().any(|g| *g > 0));
        Ok(set)
    }

    /// Writes the products as a native catalog (`products.csv`,
    /// `variants.csv`, `stock.csv`, `store.toml`) in `dir`: the class as
    /// category, the category path as tags, the features after the
    /// description. Every product has one variant, in stock; the set has
    /// no prices, so each costs 1.00.
    pub fn write_native_catalog(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(Error::io("creating", dir))?;
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |e: csv::Error| Error::Invalid(format!("writing {}: {e}", path.display()))
        };
        let products_path = dir.join("products.csv");
        let variants_path = dir.join("variants.csv");
        let stock_path = dir.join("stock.csv");
        let mut products =
            csv::Writer::from_path(&products_path).map_err(write_err(&products_path))?;
        let mut variants =
            csv::Writer::from_path(&variants_path).map_err(write_err(&variants_path))?;
        let mut stock = csv::Writer::from_path(&stock_path).map_err(write_err(&stock_path))?;
        products
            .write_record(["id", "title", "category", "description", "tags", "price"])
            .map_err(write_err(&products_path))?;
        variants
            .write_record(["sku", "product_id"])
            .map_err(write_err(&variants_path))?;
        stock
            .write_record(["sku", "quantity"])
            .map_err(write_err(&stock_path))?;
        for p in &self.products {
            let title = if p.name.is_empty() { &p.id } else { &p.name };
            let category = p.class.split('|').next().unwrap_or("").trim();
            let tags: Vec<&str> = p
                .hierarchy
                .split('/')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect();
            let features: Vec<String> = p
                .features
                .split('|')
                .filter_map(|kv| kv.split_once(':'))
                .map(|(k, v)| format!("{}: {}", k.trim(), v.trim()))
                .collect();
            let mut description = p.description.clone();
            if !features.is_empty() {
                if !description.is_empty() {
                    description.push_str(". ");
                }
                description.push_str(&features.join("; "));
            }
            let sku = format!("{}-1", p.id);
            products
                .write_record([
                    p.id.as_str(),
                    title,
                    category,
                    &description,
                    &tags.join(";"),
                    "1.00",
                ])
                .map_err(write_err(&products_path))?;
            variants
                .write_record([sku.as_str(), p.id.as_str()])
                .map_err(write_err(&variants_path))?;
            stock
                .write_record([sku.as_str(), "1"])
                .map_err(write_err(&stock_path))?;
        }
        for (w, path) in [
            (&mut products, &products_path),
            (&mut variants, &variants_path),
            (&mut stock, &stock_path),
        ] {
            w.flush().map_err(Error::io("writing", path))?;
        }
        let store = dir.join("store.toml");
        std::fs::write(
            &store,
            "id = \"relevance-set\"\nname = \"Relevance set\"\nlanguage = \"en\"\ncurrency = \"USD\"\nstock_as_of = \"2026-01-01T00:00:00Z\"\n",
        )
        .map_err(Error::io("writing", &store))?;
        Ok(())
    }
}

/// NDCG@k of a ranking (product ids, best first) against graded gains,
/// with the exponential gain `2^g - 1`. The ideal ranking is the judged
/// products by gain.
pub fn ndcg_at(k: usize, ranked: &[String], gains: &HashMap<String, u8>) -> f64 {
    let dcg = |gs: &mut dyn Iterator<Item = u8>| -> f64 {
        gs.take(k)
            .enumerate()
            .map(|(i, g)| (f64::from((1u32 << g) - 1)) / ((i + 2) as f64).log2())
            .sum()
    };
    let actual = dcg(&mut ranked.iter().map(|id| gains.get(id).copied().unwrap_or(0)));
    let mut ideal: Vec<u8> = gains.values().copied().filter(|g| *g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(&mut ideal.into_iter());
    if best == 0.0 { 0.0 } else { actual / best }
}

/// recall@k over the exactly matching products (the highest gain judged
/// for the query): the share of them in the top `k`, out of at most `k`.
pub fn recall_at(k: usize, ranked: &[String], gains: &HashMap<String, u8>) -> f64 {
    let Some(top) = gains.values().copied().max().filter(|g| *g > 0) else {
        return 0.0;
    };
    let wanted = gains.values().filter(|g| **g == top).count();
    let found = ranked
        .iter()
        .take(k)
        .filter(|id| gains.get(*id) == Some(&top))
        .count();
    found as f64 / wanted.min(k) as f64
}

/// A tab-separated file with a header row.
struct Tsv {
    reader: csv::Reader<std::fs::File>,
    headers: Vec<String>,
    file: String,
    record: csv::StringRecord,
}

impl Tsv {
    fn column(&self, name: &str) -> Result<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| Error::Input {
                file: self.file.clone(),
                line: 1,
                column: None,
                message: format!("missing column {name:?}"),
            })
    }

    fn next(&mut self) -> Result<Option<&csv::StringRecord>> {
        match self.reader.read_record(&mut self.record) {
            Ok(true) => Ok(Some(&self.record)),
            Ok(false) => Ok(None),
            Err(e) => Err(self.bad(format!("not valid tab-separated text: {e}"))),
        }
    }

    fn bad(&self, message: String) -> Error {
        Error::Input {
            file: self.file.clone(),
            line: self.record.position().map_or(0, |p| p.line()),
            column: None,
            message,
        }
    }
}

fn tsv(path: &Path) -> Result<Tsv> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .flexible(true)
        .quoting(false)
        .from_path(path)
        .map_err(|e| Error::Input {
            file: path.display().to_string(),
            line: 0,
            column: None,
            message: format!("cannot read: {e}"),
        })?;
    let headers = reader
        .headers()
        .map_err(|e| Error::Input {
            file: path.display().to_string(),
            line: 1,
            column: None,
            message: format!("not valid tab-separated text: {e}"),
        })?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok(Tsv {
        reader,
        headers,
        file: path.display().to_string(),
        record: csv::StringRecord::new(),
    })
}

#[cfg(test)]
mod tests;
