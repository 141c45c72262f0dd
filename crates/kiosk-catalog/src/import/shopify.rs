//! Shopify product CSV exports (the 46–48 column layouts). Rows are keyed by
//! `Handle`: the first row of a handle carries the product, later rows carry
//! more variants or only an image.

use std::collections::BTreeMap;
use std::path::Path;

use super::csv_input::{Column, CsvFile, Limits, Row};
use super::fields::{self, Skipped};
use super::options::OptionNames;
use super::{Issues, Parsed, ProductRow, Progress, Rule, VariantRow, Writer, store_file};
use crate::error::Result;

const COLUMNS: &[Column] = &[
    Column::required("Handle"),
    Column::optional("Title").localized(&["Titel", "Judul", "標題"]),
    Column::optional("Body (HTML)").aka(&["Body HTML", "Body"]),
    Column::optional("Vendor").localized(&["Leverancier", "Merk", "Vendor", "廠商"]),
    Column::optional("Product Category").aka(&["Standard Product Type"]),
    Column::optional("Type")
        .aka(&["Product Type", "Custom Product Type"])
        .localized(&["Producttype", "Tipe", "類型"]),
    Column::optional("Tags").localized(&["Labels", "標籤"]),
    Column::optional("Option1 Name"),
    Column::optional("Option1 Value"),
    Column::optional("Option2 Name"),
    Column::optional("Option2 Value"),
    Column::optional("Option3 Name"),
    Column::optional("Option3 Value"),
    Column::optional("Variant SKU").aka(&["SKU"]),
    Column::optional("Variant Inventory Qty")
        .aka(&["Inventory Quantity", "Variant Inventory Quantity"])
        .localized(&["Voorraad", "Stok", "庫存"]),
    Column::optional("Variant Inventory Policy"),
    Column::optional("Variant Inventory Tracker"),
    Column::required("Variant Price")
        .aka(&["Price"])
        .localized(&["Variantprijs", "Prijs", "Harga", "價格"]),
    Column::optional("Variant Barcode").aka(&["Barcode"]),
    Column::optional("Image Src").aka(&["Image URL"]),
    Column::optional("Variant Image"),
    Column::optional("Status"),
];

struct Current {
    handle: String,
    rowid: Option<i64>,
    option_names: [Option<String>; 3],
    n_variants: usize,
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
    progress.phase("products", file.total_bytes());
    let mut current: Option<Current> = None;
    let mut option_names = OptionNames::default();
    // Exports made without inventory still say which variants Shopify
    // counts; then no row has a count to give.
    let counts_missing = !file.has_column("Variant Inventory Qty");
    let mut tracked_without_count: Option<(u64, usize)> = None;
    let mut n = 0u64;
    while let Some(row) = file.next_row(issues)? {
        n += 1;
        if n.is_multiple_of(1024) {
            progress.set(row.bytes_read());
        }
        let Some(handle) = row.string("Handle") else {
            issues.push(row.issue(
                "Handle",
                Rule::MissingField,
                "expected a Handle: row skipped",
            ));
            continue;
        };
        let is_new = current.as_ref().is_none_or(|c| c.handle != handle);
        if is_new {
            current = Some(start_product(
                &row,
                &handle,
                writer,
                issues,
                &mut option_names,
            )?);
        }
        let cur = current.as_mut().expect("set above");
        let Some(rowid) = cur.rowid else {
            continue; // the product was skipped; its later rows go with it
        };
        let has_variant = [
            "Option1 Value",
            "Option2 Value",
            "Option3 Value",
            "Variant SKU",
            "Variant Price",
        ]
        .iter()
        .any(|c| row.get(c).is_some());
        if let Some(image) = row.get("Image Src").or_else(|| row.get("Variant Image")) {
            writer.set_product_image_if_missing(rowid, &image)?;
        }
        if !has_variant {
            continue; // an image-only row
        }
        let price = match fields::price(&row, "Variant Price", issues) {
            Ok(Some(p)) => p,
            Ok(None) => {
                issues.push(row.issue(
                    "Variant Price",
                    Rule::MissingPrice,
                    format!("variant of {handle} has no price: row skipped"),
                ));
                continue;
            }
            Err(Skipped) => continue,
        };
        writer.update_product_price_if_missing(rowid, price)?;
        let mut options = BTreeMap::new();
        for (i, value_col) in ["Option1 Value", "Option2 Value", "Option3 Value"]
            .iter()
            .enumerate()
        {
            let (Some(name), Some(value)) = (cur.option_names[i].as_ref(), row.string(value_col))
            else {
                continue;
            };
            if name == "Title" && value == "Default Title" {
                continue;
            }
            let value = if name == "Size" {
                super::native::normalize_size(&value)
            } else {
                value
            };
            options.insert(name.clone(), value);
        }
        let sku = match fields::sku(&row, "Variant SKU", issues) {
            Some(s) => s,
            None => fields::make_sku(&handle, &options),
        };
        let quantity = fields::quantity(&row, "Variant Inventory Qty", issues);
        if counts_missing && row.get("Variant Inventory Tracker").is_some() {
            let (_, n_tracked) = tracked_without_count.get_or_insert((row.line, 0));
            *n_tracked += 1;
        }
        let variant = VariantRow {
            sku: sku.clone(),
            options,
            price: Some(price),
            barcode: fields::barcode(&row, "Variant Barcode", issues),
            quantity,
            available: true,
            location_id: None,
            line: row.line,
        };
        let inserted = writer.insert_variant(rowid, &variant)?;
        if inserted.kept() {
            cur.n_variants += 1;
        }
        if let Some((rule, message)) = inserted.report(&sku) {
            issues.push(row.issue("Variant SKU", rule, message));
        }
    }
    progress.set(file.total_bytes());
    if let Some((line, n_tracked)) = tracked_without_count {
        issues.push(super::Issue {
            line,
            ..super::Issue::file_note(
                &source_name,
                Rule::NoStockCounts,
                format!(
                    "{n_tracked} variants are counted by Shopify (Variant Inventory Tracker) but the export has no Variant Inventory Qty column: the kiosk cannot say how many are left and calls them available; export with inventory quantities for stock answers"
                ),
            )
        });
    }
    let vocabulary = crate::vocabulary::default_concepts();
    Ok(Parsed {
        store: store.info,
        low_stock_threshold: store.low_stock_threshold,
        stock_as_of: store.stock_as_of,
        vocabulary,
        option_names,
    })
}

fn start_product(
    row: &Row<'_>,
    handle: &str,
    writer: &mut Writer,
    issues: &mut Issues,
    names: &mut OptionNames,
) -> Result<Current> {
    let mut option_names = [None, None, None];
    for (slot, column) in
        option_names
            .iter_mut()
            .zip(["Option1 Name", "Option2 Name", "Option3 Name"])
    {
        *slot = row
            .string(column)
            .map(|raw| names.canonical(row, column, &raw));
    }
    let mut current = Current {
        handle: handle.to_string(),
        rowid: None,
        option_names,
        n_variants: 0,
    };
    if let Some(status) = row.string("Status")
        && !status.eq_ignore_ascii_case("active")
    {
        issues.push(row.issue(
            "Status",
            Rule::Inactive,
            format!("product {handle} is {status}, not active: skipped with its variants"),
        ));
        return Ok(current);
    }
    let Some(title) = row.string("Title") else {
        // A handle whose first row has no title either continues a product
        // seen earlier in the file, or is broken.
        match writer.product_rowid(handle)? {
            Some(rowid) => current.rowid = Some(rowid),
            None => issues.push(row.issue(
                "Title",
                Rule::MissingField,
                format!("the first row of {handle} has no Title: rows skipped"),
            )),
        }
        return Ok(current);
    };
    let category = row.string("Type").or_else(|| {
        row.get("Product Category")
            .and_then(|c| c.rsplit('>').next().map(|s| s.trim().to_string()))
            .filter(|s| !s.is_empty())
    });
    let tags = fields::with_path_steps(
        fields::list(row.get("Tags").as_deref(), ','),
        row.get("Product Category").as_deref(),
        category.as_deref(),
    );
    let product = ProductRow {
        id: handle.to_string(),
        title,
        brand: row.string("Vendor"),
        category,
        description: row
            .get("Body (HTML)")
            .map(|b| fields::strip_html(&b))
            .unwrap_or_default(),
        tags,
        price: None,
        location_id: None,
        image: row.string("Image Src"),
        goes_with: Vec::new(),
        file: String::new(),
        line: row.line,
    };
    match writer.insert_product(&product)? {
        Some(rowid) => current.rowid = Some(rowid),
        None => issues.push(row.issue(
            "Handle",
            Rule::DuplicateProduct,
            format!("handle {handle} starts a second product: its rows are skipped (keep one handle's rows together)"),
        )),
    }
    Ok(current)
}
