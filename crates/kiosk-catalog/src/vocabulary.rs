//! The multilingual vocabulary file (`vocabulary.csv`): one concept per row,
//! its words per language separated by `|`. A native catalog carries its own;
//! Shopify and WooCommerce imports use the demo store's, compiled in.

use std::io::Read;

use kiosk_core::{Concept, ConceptKind, Lang};

use crate::error::{Error, Result};

/// The vocabulary compiled into the binary, from `catalog/vocabulary.csv`.
pub const DEFAULT_VOCABULARY: &str = include_str!("../../../catalog/vocabulary.csv");

pub fn default_concepts() -> Vec<Concept> {
    parse(
        DEFAULT_VOCABULARY.as_bytes(),
        "catalog/vocabulary.csv (built in)",
    )
    .expect("the built-in vocabulary is valid (checked by a test)")
}

pub fn parse(reader: impl Read, file: &str) -> Result<Vec<Concept>> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = csv
        .headers()
        .map_err(|e| bad(file, 1, None, format!("not valid CSV: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let concept_col =
        col("concept").ok_or_else(|| bad(file, 1, None, "missing column \"concept\"".into()))?;
    let kind_col =
        col("kind").ok_or_else(|| bad(file, 1, None, "missing column \"kind\"".into()))?;
    let lang_cols: Vec<(Lang, usize)> = Lang::ALL
        .iter()
        .filter_map(|l| col(l.code()).map(|c| (*l, c)))
        .collect();
    if lang_cols.is_empty() {
        return Err(bad(
            file,
            1,
            None,
            "expected at least one language column: en, nl, id, zh".into(),
        ));
    }
    let mut concepts = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            bad(file, line, None, format!("not valid CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let id = record.get(concept_col).unwrap_or("").trim();
        if id.is_empty() {
            continue;
        }
        let kind_raw = record.get(kind_col).unwrap_or("");
        let kind = ConceptKind::parse(kind_raw).ok_or_else(|| {
            bad(
                file,
                line,
                Some(kind_col + 1),
                format!("kind: expected category, product_type, color, size, material or attribute, found {kind_raw:?}"),
            )
        })?;
        let terms = lang_cols
            .iter()
            .map(|(lang, c)| {
                let words: Vec<String> = record
                    .get(*c)
                    .unwrap_or("")
                    .split('|')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
                (*lang, words)
            })
            .filter(|(_, w)| !w.is_empty())
            .collect();
        concepts.push(Concept {
            id: id.to_string(),
            kind,
            terms,
        });
    }
    Ok(concepts)
}

fn bad(file: &str, line: u64, column: Option<usize>, message: String) -> Error {
    Error::Input {
        file: file.to_string(),
        line,
        column,
        message,
    }
}

#[cfg(test)]
mod tests;
