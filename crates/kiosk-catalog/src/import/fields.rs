//! Typed reading of the fields every format has: prices, stock counts,
//! barcodes, option names. Each applies the documented [`Rule`] and records an
//! [`Issue`] when it had to.

use kiosk_core::Money;

use super::csv_input::Row;
use super::{Issues, Rule};

/// Why a row was skipped (already recorded as an issue).
#[derive(Debug)]
pub struct Skipped;

/// A price field: `Ok(None)` when empty, `Err(Skipped)` when unreadable.
pub fn price(row: &Row<'_>, column: &str, issues: &mut Issues) -> Result<Option<Money>, Skipped> {
    let Some(raw) = row.get(column) else {
        return Ok(None);
    };
    let plain =
        raw.chars().all(|c| c.is_ascii_digit() || c == '.') && raw.matches('.').count() <= 1;
    match Money::parse_decimal(&raw) {
        Some(m) => {
            if !plain {
                issues.push(row.issue(
                    column,
                    Rule::PriceRepaired,
                    format!("price {raw:?} read as {m}"),
                ));
            }
            Ok(Some(m))
        }
        None => {
            issues.push(row.issue(
                column,
                Rule::BadPrice,
                format!("expected a price like 12.50, found {raw:?}: row skipped"),
            ));
            Err(Skipped)
        }
    }
}

/// A stock count: negative becomes 0, unreadable becomes 0, both reported.
/// `None` when the field is empty (quantity not tracked).
pub fn quantity(row: &Row<'_>, column: &str, issues: &mut Issues) -> Option<i64> {
    let raw = row.get(column)?;
    let cleaned = raw.trim_end_matches(".0").trim_end_matches(".00");
    match cleaned.parse::<i64>() {
        Ok(q) if q < 0 => {
            issues.push(row.issue(
                column,
                Rule::NegativeStock,
                format!("negative stock {q} counted as 0 (out of stock)"),
            ));
            Some(0)
        }
        Ok(q) => Some(q),
        Err(_) => {
            issues.push(row.issue(
                column,
                Rule::BadStock,
                format!(
                    "expected a whole number of units, found {raw:?}: counted as 0 (out of stock)"
                ),
            ));
            Some(0)
        }
    }
}

/// A barcode (EAN/UPC/GTIN): digits only, 8 to 14 of them. A value a
/// spreadsheet turned into scientific notation has lost digits and is
/// dropped; so is anything else that is not a barcode.
pub fn barcode(row: &Row<'_>, column: &str, issues: &mut Issues) -> Option<String> {
    let raw = row.get(column)?;
    let digits = raw.trim_start_matches('\'');
    if digits.chars().all(|c| c.is_ascii_digit()) && (8..=14).contains(&digits.len()) {
        return Some(digits.to_string());
    }
    let upper = raw.to_ascii_uppercase();
    let scientific = upper.contains("E+")
        && upper.split("E+").next().is_some_and(|m| {
            m.replace([',', '.'], "")
                .chars()
                .all(|c| c.is_ascii_digit())
        });
    if scientific {
        issues.push(row.issue(
            column,
            Rule::ScientificBarcode,
            format!("barcode {raw:?} was turned into scientific notation by a spreadsheet and lost its digits: dropped (re-export with the column formatted as text)"),
        ));
    } else {
        issues.push(row.issue(
            column,
            Rule::BadBarcode,
            format!("expected a barcode of 8 to 14 digits, found {raw:?}: dropped"),
        ));
    }
    None
}

/// Canonical option names: `Colour`/`color`/`Kleur`/`Warna`/`顏色` → `Color`,
/// `Maat`/`Ukuran`/`尺寸` → `Size`. Others keep their spelling.
pub fn option_name(raw: &str) -> String {
    let key = kiosk_core::text::fold(raw.trim());
    match key.as_str() {
        "color" | "colour" | "colors" | "colours" | "kleur" | "warna" | "顏色" | "颜色"
        | "farbe" | "couleur" => "Color".to_string(),
        "size" | "sizes" | "maat" | "ukuran" | "尺寸" | "尺碼" | "grosse" | "taille" => {
            "Size".to_string()
        }
        "material" | "materiaal" | "bahan" | "材質" => "Material".to_string(),
        _ => {
            let mut c = raw.trim().chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        }
    }
}

/// Splits a list cell on `;` (or `,` where the format uses commas), trimming
/// and dropping empties.
pub fn list(raw: Option<&str>, sep: char) -> Vec<String> {
    raw.map(|s| {
        s.split(sep)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

/// HTML from a product body, as plain text.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A SKU for a variant that has none: product id plus option values,
/// `example-shirt-green-s`.
pub fn make_sku(product_id: &str, options: &std::collections::BTreeMap<String, String>) -> String {
    let mut sku = product_id.to_string();
    for value in options.values() {
        sku.push('-');
        sku.extend(
            kiosk_core::text::fold(value)
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' }),
        );
    }
    sku
}
