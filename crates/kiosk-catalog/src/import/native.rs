//! The native catalog: a directory of CSV files plus `store.toml`, as
//! documented in `catalog/README.md`.

use std::path::Path;

use kiosk_core::{FaqEntry, Lang, Localized, Location};

use super::csv_input::{Column, CsvFile, Limits};
use super::fields::{self, Skipped};
use super::{Issue, Issues, Parsed, ProductRow, Progress, Rule, VariantRow, Writer, store_file};
use crate::error::{Error, Result};

const LOCATIONS: &[Column] = &[
    Column::required("id").localized(&["locatie", "lokasi", "位置編號"]),
    Column::required("zone").localized(&["zone", "zona", "區域", "afdeling"]),
    Column::optional("aisle").localized(&["gang", "lorong", "走道"]),
    Column::optional("shelf").localized(&["schap", "rak", "貨架"]),
    Column::optional("description").localized(&["omschrijving", "keterangan", "說明"]),
];

const PRODUCTS: &[Column] = &[
    Column::required("id")
        .aka(&["product_id", "handle"])
        .localized(&["artikel", "produk_id", "商品編號"]),
    Column::required("title").aka(&["name"]).localized(&[
        "titel",
        "naam",
        "nama",
        "judul",
        "名稱",
        "商品名稱",
    ]),
    Column::optional("brand")
        .aka(&["vendor"])
        .localized(&["merk", "品牌"]),
    Column::optional("category")
        .aka(&["type", "product_type"])
        .localized(&["categorie", "kategori", "類別", "分類"]),
    Column::optional("description").aka(&["body"]).localized(&[
        "omschrijving",
        "beschrijving",
        "deskripsi",
        "描述",
        "說明",
    ]),
    Column::optional("tags").localized(&["labels", "label", "標籤"]),
    Column::required("price").localized(&["prijs", "harga", "價格", "售價"]),
    Column::optional("location").localized(&["locatie", "lokasi", "位置"]),
    Column::optional("image").localized(&["afbeelding", "gambar", "圖片"]),
    Column::optional("goes_with").aka(&["complements"]),
];

const VARIANTS: &[Column] = &[
    Column::required("sku").localized(&["artikelnummer", "kode", "貨號"]),
    Column::required("product_id")
        .aka(&["product"])
        .localized(&["artikel", "produk", "商品編號"]),
    Column::optional("size").localized(&["maat", "ukuran", "尺寸", "尺碼"]),
    Column::optional("color")
        .aka(&["colour"])
        .localized(&["kleur", "warna", "顏色"]),
    Column::optional("price").localized(&["prijs", "harga", "價格", "售價"]),
    Column::optional("barcode")
        .aka(&["ean", "gtin", "upc"])
        .localized(&["streepjescode", "kode batang", "條碼"]),
    Column::optional("location").localized(&["locatie", "lokasi", "位置"]),
];

const STOCK: &[Column] = &[
    Column::required("sku").localized(&["artikelnummer", "kode", "貨號"]),
    Column::required("quantity")
        .aka(&["qty", "stock", "on_hand"])
        .localized(&["voorraad", "aantal", "stok", "jumlah", "庫存", "數量"]),
];

const FAQ: &[Column] = &[
    Column::required("id"),
    Column::optional("tags"),
    Column::required("question_en"),
    Column::required("answer_en"),
    Column::optional("question_nl"),
    Column::optional("answer_nl"),
    Column::optional("question_id"),
    Column::optional("answer_id"),
    Column::optional("question_zh"),
    Column::optional("answer_zh"),
];

const ORDERS: &[Column] = &[
    Column::required("order_id").aka(&["id", "order"]),
    Column::required("status"),
    Column::optional("updated_at"),
    Column::optional("detail"),
];

pub(crate) fn read(
    dir: &Path,
    limits: Limits,
    writer: &mut Writer,
    issues: &mut Issues,
    progress: &mut dyn Progress,
) -> Result<Parsed> {
    if !dir.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is not a directory: a native catalog is a directory with store.toml, products.csv, variants.csv and stock.csv",
            dir.display()
        )));
    }
    let store_path = dir.join("store.toml");
    if !store_path.exists() {
        return Err(Error::Invalid(format!(
            "{} is missing: a native catalog needs the store's id, name and language (see catalog/README.md)",
            store_path.display()
        )));
    }
    let store = store_file::read(&store_path)?;
    let locations = dir.join("locations.csv");
    if locations.exists() {
        read_locations(&locations, limits, writer, issues)?;
    }
    read_products(
        &require(dir, "products.csv")?,
        limits,
        writer,
        issues,
        progress,
    )?;
    read_variants(
        &require(dir, "variants.csv")?,
        limits,
        writer,
        issues,
        progress,
    )?;
    read_stock(
        &require(dir, "stock.csv")?,
        limits,
        writer,
        issues,
        progress,
    )?;
    let faq = dir.join("faq.csv");
    if faq.exists() {
        read_faq(&faq, limits, writer, issues)?;
    }
    let orders = dir.join("orders.csv");
    if orders.exists() {
        read_orders(&orders, limits, writer, issues)?;
    }
    let vocabulary_path = dir.join("vocabulary.csv");
    let vocabulary = if vocabulary_path.exists() {
        let file = std::fs::File::open(&vocabulary_path)
            .map_err(Error::io("opening", &vocabulary_path))?;
        crate::vocabulary::parse(
            std::io::BufReader::new(file),
            &vocabulary_path.display().to_string(),
        )?
    } else {
        crate::vocabulary::default_concepts()
    };
    Ok(Parsed {
        store: store.info,
        low_stock_threshold: store.low_stock_threshold,
        stock_as_of: store
            .stock_as_of
            .or_else(|| super::file_mtime(&dir.join("stock.csv"))),
        vocabulary,
        option_names: Default::default(),
    })
}

fn require(dir: &Path, name: &str) -> Result<std::path::PathBuf> {
    let path = dir.join(name);
    if path.exists() {
        Ok(path)
    } else {
        Err(Error::Invalid(format!(
            "{} is missing: a native catalog needs store.toml, products.csv, variants.csv and stock.csv (see catalog/README.md)",
            path.display()
        )))
    }
}

fn read_locations(
    path: &Path,
    limits: Limits,
    writer: &mut Writer,
    issues: &mut Issues,
) -> Result<()> {
    let mut file = CsvFile::open(path, LOCATIONS, limits, issues)?;
    while let Some(row) = file.next_row(issues)? {
        let (Some(id), Some(zone)) = (row.string("id"), row.string("zone")) else {
            issues.push(row.issue(
                "id",
                Rule::MissingField,
                "a location needs an id and a zone: row skipped",
            ));
            continue;
        };
        let location = Location {
            id,
            zone,
            aisle: row.string("aisle"),
            shelf: row.string("shelf"),
            description: row.string("description"),
        };
        if !writer.insert_location(&location)? {
            issues.push(row.issue(
                "id",
                Rule::DuplicateProduct,
                format!("location {} appears twice: the first is kept", location.id),
            ));
        }
    }
    Ok(())
}

fn read_products(
    path: &Path,
    limits: Limits,
    writer: &mut Writer,
    issues: &mut Issues,
    progress: &mut dyn Progress,
) -> Result<()> {
    let mut file = CsvFile::open(path, PRODUCTS, limits, issues)?;
    progress.phase("products", file.total_bytes());
    let mut n = 0u64;
    while let Some(row) = file.next_row(issues)? {
        let Some(id) = row.string("id") else {
            issues.push(row.issue(
                "id",
                Rule::MissingField,
                "expected a product id: row skipped",
            ));
            continue;
        };
        let Some(title) = row.string("title") else {
            issues.push(row.issue(
                "title",
                Rule::MissingField,
                format!("product {id} has no title: row skipped"),
            ));
            continue;
        };
        let price = match fields::price(&row, "price", issues) {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                issues.push(row.issue(
                    "price",
                    Rule::MissingPrice,
                    format!("product {id} has no price: row skipped"),
                ));
                continue;
            }
            Err(Skipped) => continue,
        };
        let location_id = checked_location(&row, writer, issues)?;
        let product = ProductRow {
            id: id.clone(),
            title,
            brand: row.string("brand"),
            category: row.string("category"),
            description: row.string("description").unwrap_or_default(),
            tags: fields::list(row.get("tags").as_deref(), ';'),
            price,
            location_id,
            image: row.string("image"),
            goes_with: fields::list(row.get("goes_with").as_deref(), ';'),
            file: file_name(path),
            line: row.line,
        };
        if writer.insert_product(&product)?.is_none() {
            issues.push(row.issue(
                "id",
                Rule::DuplicateProduct,
                format!("product id {id} appears twice: the first row is kept"),
            ));
        }
        n += 1;
        if n.is_multiple_of(1024) {
            progress.set(row.bytes_read());
        }
    }
    progress.set(file.total_bytes());
    Ok(())
}

fn read_variants(
    path: &Path,
    limits: Limits,
    writer: &mut Writer,
    issues: &mut Issues,
    progress: &mut dyn Progress,
) -> Result<()> {
    let mut file = CsvFile::open(path, VARIANTS, limits, issues)?;
    progress.phase("variants", file.total_bytes());
    let mut n = 0u64;
    // Variants of one product are usually consecutive: remember the last.
    let mut last_product: Option<(String, i64)> = None;
    while let Some(row) = file.next_row(issues)? {
        n += 1;
        if n.is_multiple_of(4096) {
            progress.set(row.bytes_read());
        }
        let Some(product_id) = row.string("product_id") else {
            issues.push(row.issue(
                "product_id",
                Rule::MissingField,
                "expected the product id this variant belongs to: row skipped",
            ));
            continue;
        };
        let product_rowid = match &last_product {
            Some((id, rowid)) if *id == product_id => *rowid,
            _ => match writer.product_rowid(&product_id)? {
                Some(rowid) => {
                    last_product = Some((product_id.clone(), rowid));
                    rowid
                }
                None => {
                    issues.push(row.issue(
                        "product_id",
                        Rule::UnknownReference,
                        format!("no product {product_id} in products.csv (or it was skipped): row skipped"),
                    ));
                    continue;
                }
            },
        };
        let Ok(price) = fields::price(&row, "price", issues) else {
            continue;
        };
        let mut options = std::collections::BTreeMap::new();
        if let Some(size) = row.string("size") {
            options.insert("Size".to_string(), normalize_size(&size));
        }
        if let Some(color) = row.string("color") {
            options.insert("Color".to_string(), color);
        }
        let sku = match fields::sku(&row, "sku", issues) {
            Some(s) => s,
            None => {
                let sku = fields::make_sku(&product_id, &options);
                issues.push(row.issue(
                    "sku",
                    Rule::MissingSku,
                    format!("no SKU: {sku} was made from the product and options"),
                ));
                sku
            }
        };
        let location_id = checked_location(&row, writer, issues)?;
        let variant = VariantRow {
            sku: sku.clone(),
            options,
            price,
            barcode: fields::barcode(&row, "barcode", issues),
            quantity: None,
            available: false,
            location_id,
            line: row.line,
        };
        if let Some((rule, message)) = writer.insert_variant(product_rowid, &variant)?.report(&sku)
        {
            issues.push(row.issue("sku", rule, message));
        }
    }
    progress.set(file.total_bytes());
    Ok(())
}

fn read_stock(
    path: &Path,
    limits: Limits,
    writer: &mut Writer,
    issues: &mut Issues,
    progress: &mut dyn Progress,
) -> Result<()> {
    let mut file = CsvFile::open(path, STOCK, limits, issues)?;
    progress.phase("stock", file.total_bytes());
    let mut n = 0u64;
    while let Some(row) = file.next_row(issues)? {
        n += 1;
        if n.is_multiple_of(4096) {
            progress.set(row.bytes_read());
        }
        let Some(sku) = fields::sku(&row, "sku", issues) else {
            issues.push(row.issue("sku", Rule::MissingField, "expected a SKU: row skipped"));
            continue;
        };
        let quantity = fields::quantity(&row, "quantity", issues).unwrap_or_else(|| {
            issues.push(row.issue(
                "quantity",
                Rule::BadStock,
                format!("no quantity for {sku}: counted as 0 (out of stock)"),
            ));
            0
        });
        if !writer.set_stock(&sku, quantity)? {
            issues.push(row.issue(
                "sku",
                Rule::UnknownReference,
                format!("no variant with SKU {sku} in variants.csv: row skipped"),
            ));
        }
    }
    progress.set(file.total_bytes());
    // Variants the stock file did not mention count as out of stock.
    let missing: Vec<(String, i64)> = writer
        .connection()
        .prepare("SELECT sku, COALESCE(source_line, 0) FROM variants WHERE quantity IS NULL")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(Error::sqlite("finding variants without stock"))?;
    for (sku, line) in &missing {
        issues.push(Issue {
            file: path.display().to_string(),
            line: *line as u64,
            column: None,
            field: Some("sku".into()),
            rule: Rule::NoStockRow,
            message: format!("variant {sku} has no stock row: counted as 0 (out of stock)"),
        });
    }
    writer
        .connection()
        .execute(
            "UPDATE variants SET quantity = 0, in_stock = 0 WHERE quantity IS NULL",
            [],
        )
        .map_err(Error::sqlite("zeroing variants without stock"))?;
    Ok(())
}

fn read_faq(path: &Path, limits: Limits, writer: &mut Writer, issues: &mut Issues) -> Result<()> {
    let mut file = CsvFile::open(path, FAQ, limits, issues)?;
    while let Some(row) = file.next_row(issues)? {
        let Some(id) = row.string("id") else {
            issues.push(row.issue("id", Rule::MissingField, "expected an FAQ id: row skipped"));
            continue;
        };
        let mut question = Localized::default();
        let mut answer = Localized::default();
        for lang in Lang::ALL {
            if let Some(q) = row.string(&format!("question_{}", lang.code())) {
                question.0.insert(lang, q);
            }
            if let Some(a) = row.string(&format!("answer_{}", lang.code())) {
                answer.0.insert(lang, a);
            }
        }
        if question.is_empty() || answer.is_empty() {
            issues.push(row.issue(
                "answer_en",
                Rule::MissingField,
                format!("FAQ {id} needs a question and an answer: row skipped"),
            ));
            continue;
        }
        let entry = FaqEntry {
            id: id.clone(),
            question,
            answer,
            tags: fields::list(row.get("tags").as_deref(), ';'),
        };
        if !writer.insert_faq(&entry)? {
            issues.push(row.issue(
                "id",
                Rule::DuplicateProduct,
                format!("FAQ id {id} appears twice: the first is kept"),
            ));
        }
    }
    Ok(())
}

fn read_orders(
    path: &Path,
    limits: Limits,
    writer: &mut Writer,
    issues: &mut Issues,
) -> Result<()> {
    let mut file = CsvFile::open(path, ORDERS, limits, issues)?;
    while let Some(row) = file.next_row(issues)? {
        let (Some(id), Some(status)) = (row.string("order_id"), row.string("status")) else {
            issues.push(row.issue(
                "order_id",
                Rule::MissingField,
                "an order needs an id and a status: row skipped",
            ));
            continue;
        };
        if !writer.insert_order(
            &id,
            &status,
            row.get("updated_at").as_deref(),
            row.get("detail").as_deref(),
        )? {
            issues.push(row.issue(
                "order_id",
                Rule::DuplicateProduct,
                format!("order {id} appears twice: the first is kept"),
            ));
        }
    }
    Ok(())
}

fn checked_location(
    row: &super::csv_input::Row<'_>,
    writer: &Writer,
    issues: &mut Issues,
) -> Result<Option<String>> {
    let Some(id) = row.string("location") else {
        return Ok(None);
    };
    if writer.location_exists(&id)? {
        Ok(Some(id))
    } else {
        issues.push(row.issue(
            "location",
            Rule::UnknownLocation,
            format!("no location {id} in locations.csv: dropped"),
        ));
        Ok(None)
    }
}

/// `9,5` and `9.50` are the same shoe size as `9.5`.
pub fn normalize_size(raw: &str) -> String {
    let s = raw.trim();
    if s.chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && s.chars().any(|c| c.is_ascii_digit())
    {
        let dotted = s.replace(',', ".");
        if let Ok(v) = dotted.parse::<f64>() {
            let text = format!("{v}");
            return text;
        }
    }
    s.to_string()
}

fn file_name(path: &Path) -> String {
    path.display().to_string()
}
