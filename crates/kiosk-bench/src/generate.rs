//! A scaled copy of a native catalog, for benchmarks: `N` products made from
//! the source's products with new model names, prices and stock, about ten
//! variants each. Deterministic for a given seed. Generated on demand, never
//! committed.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use kiosk_catalog::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub from: PathBuf,
    pub out: PathBuf,
    pub products: usize,
    /// Average variants per product to aim for.
    pub variants_per_product: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GenerateSummary {
    pub out: PathBuf,
    pub n_products: u64,
    pub n_variants: u64,
    pub bytes: u64,
}

struct Base {
    record: csv::StringRecord,
    brand: String,
    title: String,
    price: f64,
    sizes: Vec<String>,
    colors: Vec<String>,
}

const SYLLABLES: &[&str] = &[
    "aero", "vel", "kin", "tor", "zen", "mar", "lu", "fen", "ro", "sta", "vi", "dra", "no", "pix",
    "cor", "ul", "tri", "hal", "mo", "rex", "sol", "ta", "ber", "qui", "lo", "nim", "sky", "fal",
    "gre", "ox",
];

pub fn generate(options: &GenerateOptions) -> Result<GenerateSummary> {
    let from = &options.from;
    let out = &options.out;
    std::fs::create_dir_all(out).map_err(Error::io("creating", out))?;
    for name in ["store.toml", "locations.csv", "faq.csv", "vocabulary.csv"] {
        let src = from.join(name);
        if src.exists() {
            std::fs::copy(&src, out.join(name)).map_err(Error::io("copying", &src))?;
        }
    }
    let mut products_csv = reader(&from.join("products.csv"))?;
    let headers = products_csv
        .headers()
        .map_err(|e| csv_err(&from.join("products.csv"), e))?
        .clone();
    let col = |name: &str| -> Result<usize> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::Invalid(format!("products.csv has no {name} column")))
    };
    let (id_col, title_col, brand_col, price_col) =
        (col("id")?, col("title")?, col("brand")?, col("price")?);
    let mut by_product: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut variants_csv = reader(&from.join("variants.csv"))?;
    let vh = variants_csv
        .headers()
        .map_err(|e| csv_err(&from.join("variants.csv"), e))?
        .clone();
    let vcol = |name: &str| vh.iter().position(|h| h == name);
    let (pid, size, color) = (vcol("product_id"), vcol("size"), vcol("color"));
    let mut palette: Vec<String> = Vec::new();
    for rec in variants_csv.records() {
        let rec = rec.map_err(|e| csv_err(&from.join("variants.csv"), e))?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").to_string();
        let entry = by_product.entry(get(pid)).or_default();
        let (s, c) = (get(size), get(color));
        if !entry.0.contains(&s) {
            entry.0.push(s);
        }
        if !c.is_empty() && !entry.1.contains(&c) {
            entry.1.push(c.clone());
        }
        if !c.is_empty() && !palette.contains(&c) {
            palette.push(c);
        }
    }
    let mut bases = Vec::new();
    for rec in products_csv.records() {
        let rec = rec.map_err(|e| csv_err(&from.join("products.csv"), e))?;
        let id = rec.get(id_col).unwrap_or("").to_string();
        let (sizes, colors) = by_product.get(&id).cloned().unwrap_or_default();
        bases.push(Base {
            brand: rec.get(brand_col).unwrap_or("").to_string(),
            title: rec.get(title_col).unwrap_or("").to_string(),
            price: rec
                .get(price_col)
                .and_then(|p| p.parse().ok())
                .unwrap_or(10.0),
            sizes,
            colors,
            record: rec,
        });
    }
    if bases.is_empty() {
        return Err(Error::Invalid(format!(
            "{} has no products to scale",
            from.display()
        )));
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut products = writer(&out.join("products.csv"))?;
    let mut variants = writer(&out.join("variants.csv"))?;
    let mut stock = writer(&out.join("stock.csv"))?;
    products
        .write_record(&headers)
        .map_err(|e| csv_err(out, e))?;
    variants
        .write_record(["sku", "product_id", "size", "color", "price", "barcode"])
        .map_err(|e| csv_err(out, e))?;
    stock
        .write_record(["sku", "quantity"])
        .map_err(|e| csv_err(out, e))?;
    let mut n_variants = 0u64;
    let mut barcode = 200_000_000_000u64;
    for i in 0..options.products {
        let base = &bases[i % bases.len()];
        let copy = i / bases.len();
        let id = if copy == 0 {
            base.record.get(id_col).unwrap_or("").to_string()
        } else {
            format!("{}-{copy}", base.record.get(id_col).unwrap_or(""))
        };
        let title = if copy == 0 {
            base.title.clone()
        } else {
            let model = model_name(copy, &mut rng);
            match base.title.strip_prefix(&base.brand) {
                Some(rest) if !base.brand.is_empty() => format!("{} {model}{rest}", base.brand),
                _ => format!("{model} {}", base.title),
            }
        };
        let price = if copy == 0 {
            base.price
        } else {
            let p = base.price * rng.random_range(0.8..1.25);
            (p.floor() + 0.95).max(1.95)
        };
        let mut record: Vec<String> = base.record.iter().map(str::to_string).collect();
        record[id_col] = id.clone();
        record[title_col] = title;
        record[price_col] = format!("{price:.2}");
        products
            .write_record(&record)
            .map_err(|e| csv_err(out, e))?;
        let sizes = if base.sizes.is_empty() {
            vec![String::new()]
        } else {
            base.sizes.clone()
        };
        let want_colors =
            (options.variants_per_product as f64 / sizes.len() as f64).round() as usize;
        let want_colors = (want_colors + rng.random_range(0..2)).clamp(1, 8);
        let mut colors = base.colors.clone();
        if copy > 0 && !palette.is_empty() {
            while colors.len() < want_colors && colors.len() < palette.len() {
                let c = &palette[rng.random_range(0..palette.len())];
                if !colors.contains(c) {
                    colors.push(c.clone());
                }
            }
        }
        if colors.is_empty() {
            colors.push(String::new());
        }
        for color in &colors {
            for size in &sizes {
                let sku = format!("{id}-{}-{}", slug(color), slug(size));
                barcode += 1;
                variants
                    .write_record([sku.as_str(), &id, size, color, "", &ean13(barcode)])
                    .map_err(|e| csv_err(out, e))?;
                let roll: f64 = rng.random();
                let qty = if roll < 0.12 {
                    0
                } else if roll < 0.22 {
                    rng.random_range(1..=3)
                } else {
                    rng.random_range(4..=40)
                };
                stock
                    .write_record([sku.as_str(), &qty.to_string()])
                    .map_err(|e| csv_err(out, e))?;
                n_variants += 1;
            }
        }
    }
    for w in [&mut products, &mut variants, &mut stock] {
        w.flush().map_err(Error::io("writing", out))?;
    }
    let bytes = ["products.csv", "variants.csv", "stock.csv"]
        .iter()
        .filter_map(|n| std::fs::metadata(out.join(n)).ok())
        .map(|m| m.len())
        .sum();
    Ok(GenerateSummary {
        out: out.clone(),
        n_products: options.products as u64,
        n_variants,
        bytes,
    })
}

fn model_name(copy: usize, rng: &mut StdRng) -> String {
    let a = SYLLABLES[rng.random_range(0..SYLLABLES.len())];
    let b = SYLLABLES[rng.random_range(0..SYLLABLES.len())];
    let mut name = format!("{a}{b}");
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    format!("{name} {}", copy % 9 + 1)
}

fn slug(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() { "OS".into() } else { s }
}

/// A valid EAN-13 for a 12-digit number.
fn ean13(n: u64) -> String {
    let body = format!("{:012}", n % 1_000_000_000_000);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i.is_multiple_of(2) { 1 } else { 3 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn reader(path: &Path) -> Result<csv::Reader<File>> {
    csv::Reader::from_path(path).map_err(|e| csv_err(path, e))
}

fn writer(path: &Path) -> Result<csv::Writer<BufWriter<File>>> {
    let f = File::create(path).map_err(Error::io("creating", path))?;
    Ok(csv::Writer::from_writer(BufWriter::with_capacity(
        1 << 20,
        f,
    )))
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    Error::Invalid(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests;
