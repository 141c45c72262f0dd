//! Typed reading of the fields every format has: prices, stock counts,
//! barcodes, option names. Each applies the documented [`Rule`] and records an
//! [`Issue`] when it had to.

use std::collections::HashMap;
use std::sync::LazyLock;

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
            if m.minor == 0 {
                issues.push(row.issue(
                    column,
                    Rule::ZeroPrice,
                    format!(
                        "expected a price above 0, found {raw:?}: read as no price set; \
                         the kiosk says the price is not available"
                    ),
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

/// A SKU field, without the apostrophe a spreadsheet writes before a value
/// it keeps as text (`'100`): the shop's SKU is `100`.
pub fn sku(row: &Row<'_>, column: &str, issues: &mut Issues) -> Option<String> {
    text_field(row, column, issues)
}

/// A code kept as text (a SKU, a barcode) without its text marker: one
/// leading apostrophe, which spreadsheets add so that `'00123` keeps its
/// zeros. Removing it is recorded. `None` when nothing else is there.
fn text_field(row: &Row<'_>, column: &str, issues: &mut Issues) -> Option<String> {
    let raw = row.get(column)?;
    let Some(rest) = without_text_marker(&raw) else {
        return Some(raw.into_owned());
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    issues.push(row.issue(
        column,
        Rule::TextMarker,
        format!("{raw:?} read as {rest:?}: the leading apostrophe only marks the value as text"),
    ));
    Some(rest.to_string())
}

/// The value after a spreadsheet's text marker (one leading apostrophe), or
/// `None` when it has none.
pub fn without_text_marker(value: &str) -> Option<&str> {
    value.strip_prefix('\'')
}

/// A barcode (EAN/UPC/GTIN): digits only, 8 to 14 of them. A value a
/// spreadsheet turned into scientific notation has lost digits and is
/// dropped; so is anything else that is not a barcode.
pub fn barcode(row: &Row<'_>, column: &str, issues: &mut Issues) -> Option<String> {
    let raw = text_field(row, column, issues)?;
    if raw.chars().all(|c| c.is_ascii_digit()) && (8..=14).contains(&raw.len()) {
        return Some(raw);
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

/// Option names read as the colour, as exports write them (compared
/// folded: any case, no accents, Chinese in traditional characters): en, nl,
/// id, zh, es, de, fr, pt, it, and the Nordic, Slavic, Turkish, Japanese and
/// Korean names a store's export may carry.
const COLOR_NAMES: &[&str] = &[
    "color",
    "colour",
    "colors",
    "colours",
    "kleur",
    "kleuren",
    "warna",
    "顏色",
    "颜色",
    "色",
    "farbe",
    "farben",
    "couleur",
    "couleurs",
    "coloris",
    "cor",
    "cores",
    "colore",
    "colori",
    "colores",
    "färg",
    "farve",
    "farge",
    "väri",
    "kolor",
    "barva",
    "renk",
    "цвет",
    "колір",
    "カラー",
    "色彩",
    "색상",
    "컬러",
];

/// Option names read as the size, compared folded: en, nl, id, zh, es, de,
/// fr, pt, it, with shoe sizes (`Schoenmaat`, `Pointure`, `Numero`), and the
/// Nordic, Slavic, Turkish, Japanese and Korean names.
const SIZE_NAMES: &[&str] = &[
    "size",
    "sizes",
    "shoe size",
    "shoe sizes",
    "clothing size",
    "maat",
    "maten",
    "schoenmaat",
    "kledingmaat",
    "ukuran",
    "ukuran sepatu",
    "尺寸",
    "尺碼",
    "尺码",
    "鞋碼",
    "鞋码",
    "talla",
    "tallas",
    "talla de zapato",
    "große",
    "grosse",
    "groesse",
    "grose",
    "größe",
    "schuhgroße",
    "schuhgrosse",
    "taille",
    "tailles",
    "pointure",
    "tamanho",
    "tamanhos",
    "tamano",
    "tamanos",
    "taglia",
    "taglie",
    "numero",
    "numeracao",
    "storlek",
    "størrelse",
    "storrelse",
    "koko",
    "rozmiar",
    "velikost",
    "beden",
    "размер",
    "розмір",
    "サイズ",
    "사이즈",
    "크기",
];

/// Option names read as the material, folded.
const MATERIAL_NAMES: &[&str] = &[
    "material",
    "materials",
    "materiaal",
    "bahan",
    "材質",
    "stoff",
    "matiere",
    "materiale",
];

/// Every known option name, folded once, to its canonical name.
static KNOWN_NAMES: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let mut known = HashMap::new();
    for (names, canonical) in [
        (MATERIAL_NAMES, "Material"),
        (SIZE_NAMES, "Size"),
        (COLOR_NAMES, "Color"),
    ] {
        for name in names {
            known.insert(kiosk_core::text::fold(name), canonical);
        }
    }
    known
});

/// Canonical option names: a colour name in any export language
/// (`Colour`, `Kleur`, `Farbe`, `顏色`, …) becomes `Color`, a size name
/// (`Maat`, `Talla`, `Größe`, `尺寸`, …) `Size`, a material name `Material`.
/// Case, accents and surrounding spaces or a trailing `:` do not matter.
/// Other names keep their spelling, capitalized; the importer may still read
/// them as size or colour from their values (`options.rs`).
pub fn option_name(raw: &str) -> String {
    let trimmed = raw.trim().trim_end_matches(':').trim();
    if let Some(name) = KNOWN_NAMES.get(&kiosk_core::text::fold(trimmed)) {
        return (*name).to_string();
    }
    let mut c = trimmed.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The size or colour an option name holds among its words when the name
/// itself is not a known one: "Tamanho das 3 Camisas (…)", "Ring size",
/// "Frame colour", "尺寸選擇". Gives the canonical name and the word found;
/// `None` when the words name neither, or both ("Size/Color"). Chinese,
/// Japanese and Korean names are searched for inside the name; a name of
/// one such character ("色") counts only as the whole name, as it is part of
/// too many other words.
pub fn option_word(raw: &str) -> Option<(&'static str, String)> {
    let folded = kiosk_core::text::fold(raw.trim());
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut found: Vec<(&'static str, String)> = Vec::new();
    let mut note = |canonical: &'static str, word: &str| {
        if canonical != "Material" && !found.iter().any(|(c, _)| *c == canonical) {
            found.push((canonical, word.to_string()));
        }
    };
    // Known names of up to three words ("talla de zapato").
    for n in 1..=3 {
        for window in words.windows(n) {
            let phrase = window.join(" ");
            if let Some(canonical) = KNOWN_NAMES.get(&phrase) {
                note(canonical, &phrase);
            }
        }
    }
    let mut wide: Vec<(&String, &&'static str)> = KNOWN_NAMES
        .iter()
        .filter(|(name, _)| name.chars().count() >= 2 && name.chars().all(kiosk_core::text::is_cjk))
        .collect();
    wide.sort();
    for (name, canonical) in wide {
        if folded.contains(name.as_str()) {
            note(canonical, name);
        }
    }
    match found.len() {
        1 => found.pop(),
        _ => None,
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

/// The tags of a product whose category is one step of a taxonomy path
/// ("Apparel & Accessories > Clothing > Baby & Toddler Clothing >
/// Bodysuits"): the store's own `tags`, then the path's other steps. A
/// product is also what the steps above its own category say, so a
/// shopper's broad kind ("clothing", "baby clothes") finds every product
/// under it, not only one whose title happens to share a word.
pub fn with_path_steps(
    mut tags: Vec<String>,
    path: Option<&str>,
    category: Option<&str>,
) -> Vec<String> {
    for step in path.into_iter().flat_map(|p| p.split('>')).map(str::trim) {
        if step.is_empty()
            || Some(step) == category
            || is_placeholder_category(step)
            || tags.iter().any(|t| t == step)
        {
            continue;
        }
        tags.push(step.to_string());
    }
    tags
}

/// Whether a category name is a platform's stand-in for none: Shopify's
/// "Uncategorized" and WooCommerce's default category as it is named in the
/// languages stores export in ("Sin categoría", "Non classé", "Geen
/// categorie", "未分类"…). It is no kind of product, so it is never a
/// product's category, a tag, or a name shown to a shopper.
pub fn is_placeholder_category(name: &str) -> bool {
    let folded = kiosk_core::text::fold(name.trim());
    PLACEHOLDER_CATEGORIES.contains(&folded.as_str())
}

/// The placeholder category names, folded (`kiosk_core::text::fold`).
const PLACEHOLDER_CATEGORIES: &[&str] = &[
    "uncategorized",
    "uncategorised",
    "sin categoria",
    "sin categorizar",
    "non classe",
    "non classifie",
    "unkategorisiert",
    "ohne kategorie",
    "geen categorie",
    "ongecategoriseerd",
    "senza categoria",
    "sem categoria",
    "tanpa kategori",
    "tidak berkategori",
    "未分類",
    "без категории",
    "bez kategorije",
    "bez kategorii",
    "okategoriserad",
    "ukategoriseret",
    "ukategorisert",
    "kategorisiz",
];

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
