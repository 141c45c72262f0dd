//! WooCommerce product CSV exports: simple, variable (with variation rows),
//! grouped and external products.

use std::collections::BTreeMap;
use std::path::Path;

use super::csv_input::{Column, CsvFile, Limits, Row};
use super::fields::{self, Skipped};
use super::options::OptionNames;
use super::{Issue, Issues, Parsed, ProductRow, Progress, Rule, VariantRow, Writer, store_file};
use crate::error::{Error, Result};

const COLUMNS: &[Column] = &[
    Column::optional("ID"),
    Column::required("Type").localized(&["Soort", "Tipe", "類型"]),
    Column::optional("SKU").localized(&["Artikelnummer", "Kode", "貨號"]),
    Column::required("Name").localized(&["Naam", "Nama", "名稱"]),
    Column::optional("Published").localized(&["Gepubliceerd", "Diterbitkan"]),
    Column::optional("Short description").localized(&["Korte beschrijving", "Deskripsi singkat"]),
    Column::optional("Description").localized(&["Beschrijving", "Deskripsi", "描述"]),
    Column::optional("In stock?").localized(&["Op voorraad?", "Tersedia?"]),
    Column::optional("Stock").localized(&["Voorraad", "Stok", "庫存"]),
    Column::optional("Sale price").localized(&["Actieprijs", "Harga obral", "特價"]),
    Column::optional("Regular price").localized(&["Reguliere prijs", "Harga normal", "原價"]),
    Column::optional("Categories").localized(&["Categorieën", "Kategori", "分類"]),
    Column::optional("Tags").localized(&["Tags", "Label", "標籤"]),
    Column::optional("Images").localized(&["Afbeeldingen", "Gambar", "圖片"]),
    Column::optional("Parent").localized(&["Hoofdproduct", "Induk", "上層"]),
    Column::optional("Grouped products").localized(&["Gegroepeerde producten"]),
    Column::optional("Attribute 1 name"),
    Column::optional("Attribute 1 value(s)"),
    Column::optional("Attribute 2 name"),
    Column::optional("Attribute 2 value(s)"),
    Column::optional("Attribute 3 name"),
    Column::optional("Attribute 3 value(s)"),
];

/// A variation whose parent had not been read yet.
struct Pending {
    parent: String,
    variant: VariantRow,
    file: String,
}

pub(crate) fn read(
    source: &Path,
    limits: Limits,
    writer: &mut Writer,
    issues: &mut Issues,
    progress: &mut dyn Progress,
) -> Result<Parsed> {
    let file_path = if source.is_dir() {
        super::single_csv(source)?
    } else {
        source.to_path_buf()
    };
    let dir = file_path.parent().map(Path::to_path_buf);
    let mut file = CsvFile::open(&file_path, COLUMNS, limits, issues)?;
    let source_name = file.name.clone();
    let store = store_file::read_or_default(dir.as_deref(), &source_name, issues)?;
    writer
        .connection()
        .execute_batch("CREATE TEMP TABLE woo_ids (woo_id TEXT PRIMARY KEY, product_id TEXT NOT NULL) WITHOUT ROWID;
                        CREATE TEMP TABLE woo_pending (parent TEXT NOT NULL, json TEXT NOT NULL, line INTEGER NOT NULL);
                        CREATE TEMP TABLE woo_groups (name TEXT NOT NULL, items TEXT NOT NULL, line INTEGER NOT NULL);")
        .map_err(Error::sqlite("preparing the WooCommerce import"))?;
    progress.phase("products", file.total_bytes());
    let mut option_names = OptionNames::default();
    let mut n = 0u64;
    while let Some(row) = file.next_row(issues)? {
        n += 1;
        if n.is_multiple_of(1024) {
            progress.set(row.bytes_read());
        }
        let kind = row.string("Type").unwrap_or_default().to_ascii_lowercase();
        let kinds: Vec<&str> = kind.split(',').map(str::trim).collect();
        let name = row.string("Name").unwrap_or_default();
        let published = row.get("Published").is_none_or(|p| p.trim() == "1");
        if !published {
            issues.push(row.issue(
                "Published",
                Rule::Inactive,
                format!("{name:?} is not published: row skipped"),
            ));
            continue;
        }
        if kinds
            .iter()
            .any(|k| matches!(*k, "external" | "virtual" | "downloadable"))
        {
            issues.push(row.issue(
                "Type",
                Rule::NotInStore,
                format!("{name:?} ({kind}) is not sold on the shop floor: row skipped"),
            ));
            continue;
        }
        if kinds.contains(&"variation") {
            read_variation(&row, writer, issues, &source_name, &mut option_names)?;
            continue;
        }
        if kinds.contains(&"grouped") {
            let items = fields::list(row.get("Grouped products").as_deref(), ',');
            issues.push(row.issue(
                "Type",
                Rule::Grouped,
                format!("{name:?} groups {} products: they are imported on their own rows and linked as a bundle", items.len()),
            ));
            writer
                .connection()
                .execute(
                    "INSERT INTO woo_groups (name, items, line) VALUES (?1, ?2, ?3)",
                    rusqlite::params![
                        name,
                        serde_json::to_string(&items).expect("strings serialize"),
                        row.line as i64
                    ],
                )
                .map_err(Error::sqlite("holding a grouped product"))?;
            continue;
        }
        if !kinds.iter().any(|k| matches!(*k, "simple" | "variable")) {
            issues.push(row.issue(
                "Type",
                Rule::NotInStore,
                format!("unknown product type {kind:?}: row skipped"),
            ));
            continue;
        }
        read_product(
            &row,
            kinds.contains(&"variable"),
            writer,
            issues,
            &mut option_names,
        )?;
    }
    progress.set(file.total_bytes());
    resolve_pending(writer, issues)?;
    link_groups(writer, issues, &source_name)?;
    Ok(Parsed {
        store: store.info,
        low_stock_threshold: store.low_stock_threshold,
        stock_as_of: store.stock_as_of,
        vocabulary: crate::vocabulary::default_concepts(),
        option_names,
    })
}

fn product_id(row: &Row<'_>, issues: &mut Issues) -> Option<String> {
    fields::sku(row, "SKU", issues).or_else(|| row.string("ID").map(|id| format!("woo-{id}")))
}

fn read_product(
    row: &Row<'_>,
    variable: bool,
    writer: &mut Writer,
    issues: &mut Issues,
    names: &mut OptionNames,
) -> Result<()> {
    let Some(id) = product_id(row, issues) else {
        issues.push(row.issue(
            "SKU",
            Rule::MissingField,
            "a product needs a SKU or an ID: row skipped",
        ));
        return Ok(());
    };
    let Some(title) = row.string("Name") else {
        issues.push(row.issue(
            "Name",
            Rule::MissingField,
            format!("product {id} has no name: row skipped"),
        ));
        return Ok(());
    };
    let price = match price(row, issues) {
        Ok(p) => p,
        Err(Skipped) => return Ok(()),
    };
    if !variable && price.is_none() {
        issues.push(row.issue(
            "Regular price",
            Rule::MissingPrice,
            format!("product {id} has no price: row skipped"),
        ));
        return Ok(());
    }
    let description = row
        .get("Description")
        .or_else(|| row.get("Short description"))
        .map(|d| fields::strip_html(&d))
        .unwrap_or_default();
    let category = row
        .get("Categories")
        .and_then(|c| {
            c.split(',')
                .next()
                .and_then(|path| path.rsplit('>').next())
                .map(|s| s.trim().to_string())
        })
        .filter(|s| !s.is_empty());
    let path = row
        .get("Categories")
        .and_then(|c| c.split(',').next().map(str::to_string));
    let tags = fields::with_path_steps(
        fields::list(row.get("Tags").as_deref(), ','),
        path.as_deref(),
        category.as_deref(),
    );
    let product = ProductRow {
        id: id.clone(),
        title,
        brand: None,
        category,
        description,
        tags,
        price,
        location_id: None,
        image: row
            .get("Images")
            .and_then(|i| i.split(',').next().map(|s| s.trim().to_string())),
        goes_with: Vec::new(),
        file: String::new(),
        line: row.line,
    };
    let Some(rowid) = writer.insert_product(&product)? else {
        issues.push(row.issue(
            "SKU",
            Rule::DuplicateProduct,
            format!("product {id} appears twice: the first row is kept"),
        ));
        return Ok(());
    };
    if let Some(woo_id) = row.string("ID") {
        writer
            .connection()
            .execute(
                "INSERT OR IGNORE INTO woo_ids (woo_id, product_id) VALUES (?1, ?2)",
                [&woo_id, &id],
            )
            .map_err(Error::sqlite("recording a WooCommerce id"))?;
    }
    if !variable {
        // A simple product is its own single variant.
        let variant = variant_row(
            row,
            id.clone(),
            attributes(row, false, names),
            price,
            issues,
        );
        writer.insert_variant(rowid, &variant)?;
    }
    Ok(())
}

fn read_variation(
    row: &Row<'_>,
    writer: &mut Writer,
    issues: &mut Issues,
    file: &str,
    names: &mut OptionNames,
) -> Result<()> {
    let Some(parent) = row.string("Parent") else {
        issues.push(row.issue(
            "Parent",
            Rule::MissingField,
            "a variation needs its Parent: row skipped",
        ));
        return Ok(());
    };
    let Ok(price) = price(row, issues) else {
        return Ok(());
    };
    let options = attributes(row, true, names);
    let sku = fields::sku(row, "SKU", issues).unwrap_or_else(|| {
        let base = row
            .string("ID")
            .map_or_else(|| parent.clone(), |id| format!("woo-{id}"));
        fields::make_sku(&base, &options)
    });
    let variant = variant_row(row, sku, options, price, issues);
    match lookup(writer, &parent)? {
        Some(rowid) => insert_variation(writer, issues, rowid, &variant, file),
        None => {
            let pending = Pending {
                parent,
                variant,
                file: file.to_string(),
            };
            let json = serde_json::json!({
                "sku": pending.variant.sku,
                "options": pending.variant.options,
                "price": pending.variant.price.map(|m| m.minor),
                "quantity": pending.variant.quantity,
                "available": pending.variant.available,
                "file": pending.file,
            });
            writer
                .connection()
                .execute(
                    "INSERT INTO woo_pending (parent, json, line) VALUES (?1, ?2, ?3)",
                    rusqlite::params![pending.parent, json.to_string(), row.line as i64],
                )
                .map_err(Error::sqlite("holding a variation for its parent"))?;
            Ok(())
        }
    }
}

fn insert_variation(
    writer: &mut Writer,
    issues: &mut Issues,
    rowid: i64,
    variant: &VariantRow,
    file: &str,
) -> Result<()> {
    if let Some((rule, message)) = writer.insert_variant(rowid, variant)?.report(&variant.sku) {
        issues.push(Issue {
            file: file.to_string(),
            line: variant.line,
            column: None,
            field: Some("SKU".into()),
            rule,
            message,
        });
    }
    Ok(())
}

/// Variations listed before their parent are inserted once every parent is
/// known.
/// They are read back in batches, so memory stays bounded however many
/// there are.
fn resolve_pending(writer: &mut Writer, issues: &mut Issues) -> Result<()> {
    for_each_held(
        writer,
        "SELECT rowid, parent, json, line FROM woo_pending WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
        |writer, parent, json, line| resolve_variation(writer, issues, &parent, &json, line),
    )
}

/// Runs `each` on every held row `sql` reads (its text, JSON text and
/// line), a batch at a time.
fn for_each_held(
    writer: &mut Writer,
    sql: &str,
    mut each: impl FnMut(&mut Writer, String, String, i64) -> Result<()>,
) -> Result<()> {
    let mut after = 0i64;
    loop {
        let batch = held_batch(writer, sql, after)?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.0;
        for (_, text, json, line) in batch {
            each(writer, text, json, line)?;
        }
    }
}

/// How many held rows are read back at a time.
const HELD_BATCH: i64 = 1024;

/// One batch of held rows: rowid, a text, a JSON text and the line.
fn held_batch(writer: &Writer, sql: &str, after: i64) -> Result<Vec<(i64, String, String, i64)>> {
    writer
        .connection()
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_map(rusqlite::params![after, HELD_BATCH], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect()
        })
        .map_err(Error::sqlite("reading held rows"))
}

/// Grouped products link their items once every product is in.
fn link_groups(writer: &mut Writer, issues: &mut Issues, source_name: &str) -> Result<()> {
    for_each_held(
        writer,
        "SELECT rowid, name, items, line FROM woo_groups WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
        |writer, name, items, line| {
            let items: Vec<String> = serde_json::from_str(&items).expect("written above as JSON");
            for item in items {
                match lookup(writer, &item)? {
                    Some(rowid) => writer.insert_link(rowid, "bundle", &name)?,
                    None => issues.push(Issue {
                        file: source_name.to_string(),
                        line: line as u64,
                        column: None,
                        field: Some("Grouped products".into()),
                        rule: Rule::UnknownReference,
                        message: format!("{name:?} groups {item:?}, which is not in the file"),
                    }),
                }
            }
            Ok(())
        },
    )
}

/// Inserts one held variation under its parent, or notes the parent missing.
fn resolve_variation(
    writer: &mut Writer,
    issues: &mut Issues,
    parent: &str,
    json: &str,
    line: i64,
) -> Result<()> {
    let v: serde_json::Value = serde_json::from_str(json).expect("written above as JSON");
    let file = v["file"].as_str().unwrap_or_default().to_string();
    let variant = VariantRow {
        sku: v["sku"].as_str().unwrap_or_default().to_string(),
        options: serde_json::from_value(v["options"].clone()).unwrap_or_default(),
        price: v["price"].as_i64().map(kiosk_core::Money::from_minor),
        barcode: None,
        quantity: v["quantity"].as_i64(),
        available: v["available"].as_bool().unwrap_or(false),
        location_id: None,
        line: line as u64,
    };
    match lookup(writer, parent)? {
        Some(rowid) => insert_variation(writer, issues, rowid, &variant, &file)?,
        None => issues.push(Issue {
            file,
            line: line as u64,
            column: None,
            field: Some("Parent".into()),
            rule: Rule::UnknownReference,
            message: format!(
                "variation {} names parent {parent:?}, which is not in the file: skipped",
                variant.sku
            ),
        }),
    }
    Ok(())
}

/// A parent reference: `id:44` or a SKU (without a spreadsheet's text
/// marker, as the SKU itself was read).
fn lookup(writer: &Writer, reference: &str) -> Result<Option<i64>> {
    let reference = reference.trim();
    let reference = fields::without_text_marker(reference).map_or(reference, str::trim);
    if let Some(woo_id) = reference.strip_prefix("id:") {
        let id: Option<String> = writer
            .connection()
            .query_row(
                "SELECT product_id FROM woo_ids WHERE woo_id = ?1",
                [woo_id.trim()],
                |r| r.get(0),
            )
            .ok();
        return match id {
            Some(id) => writer.product_rowid(&id),
            None => Ok(None),
        };
    }
    writer.product_rowid(reference)
}

fn price(
    row: &Row<'_>,
    issues: &mut Issues,
) -> std::result::Result<Option<kiosk_core::Money>, Skipped> {
    let sale = fields::price(row, "Sale price", issues)?;
    let regular = fields::price(row, "Regular price", issues)?;
    // A sale price of zero is an unset one: the regular price holds.
    Ok(match (sale, regular) {
        (Some(sale), Some(regular)) if sale.minor == 0 => Some(regular),
        (sale, regular) => sale.or(regular),
    })
}

/// A row's variant: its stock and availability from the row; WooCommerce
/// gives no barcode or location.
fn variant_row(
    row: &Row<'_>,
    sku: String,
    options: BTreeMap<String, String>,
    price: Option<kiosk_core::Money>,
    issues: &mut Issues,
) -> VariantRow {
    VariantRow {
        sku,
        options,
        price,
        barcode: None,
        quantity: fields::quantity(row, "Stock", issues),
        available: available(row),
        location_id: None,
        line: row.line,
    }
}

fn available(row: &Row<'_>) -> bool {
    row.get("In stock?")
        .is_none_or(|v| matches!(v.trim(), "1" | "yes" | "instock" | "true"))
}

/// Attribute columns as variant options. A variation's attribute holds one
/// value; a simple product's single-valued attribute is an option too, while
/// a list (`Blue, Green, Red`) describes the range, not this item.
fn attributes(row: &Row<'_>, variation: bool, names: &mut OptionNames) -> BTreeMap<String, String> {
    let mut options = BTreeMap::new();
    for i in 1..=3 {
        let name_column = format!("Attribute {i} name");
        let (Some(name), Some(value)) = (
            row.string(&name_column),
            row.string(&format!("Attribute {i} value(s)")),
        ) else {
            continue;
        };
        if !variation && value.contains(',') {
            continue;
        }
        let name = names.canonical(row, &name_column, &name);
        let value = if name == "Size" {
            super::native::normalize_size(&value)
        } else {
            value
        };
        options.insert(name, value);
    }
    options
}
