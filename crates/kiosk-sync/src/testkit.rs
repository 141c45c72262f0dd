//! Helpers for the crate's unit tests: small native catalogs, key pairs and
//! bundles in temp dirs.

use std::io::Write;
use std::path::{Path, PathBuf};

use kiosk_catalog::import::NoProgress;

use crate::bundle::{self, CreateOptions};
use crate::keys::{self, TrustedKeys};

/// A native catalog of `n` products (ids `TAG0…`), 4 variants each.
pub fn write_catalog(dir: &Path, n: usize, store_id: &str, tag: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(
        dir.join("store.toml"),
        format!(
            "id = \"{store_id}\"\nname = \"Test Store\"\nlanguage = \"en\"\ncurrency = \"EUR\"\n"
        ),
    )
    .expect("store");
    let mut products = std::fs::File::create(dir.join("products.csv")).expect("products");
    let mut variants = std::fs::File::create(dir.join("variants.csv")).expect("variants");
    let mut stock = std::fs::File::create(dir.join("stock.csv")).expect("stock");
    writeln!(products, "id,title,brand,category,description,tags,price").expect("write");
    writeln!(variants, "sku,product_id,size,color").expect("write");
    writeln!(stock, "sku,quantity").expect("write");
    for i in 0..n {
        writeln!(
            products,
            "{tag}{i},Trail Runner {i} Shoe,Brand{},Running Shoes,A shoe for trails number {i},running;trail,{}.95",
            i % 7,
            50 + i % 40
        )
        .expect("write");
        for size in ["8", "9"] {
            for color in ["Black", "Blue"] {
                writeln!(variants, "{tag}{i}-{size}-{color},{tag}{i},{size},{color}")
                    .expect("write");
                writeln!(stock, "{tag}{i}-{size}-{color},{}", i % 4).expect("write");
            }
        }
    }
}

pub struct Keys {
    pub secret: PathBuf,
    pub trusted: TrustedKeys,
}

pub fn keys(dir: &Path, name: &str) -> Keys {
    let generated = keys::generate(&dir.join(name), false).expect("keygen");
    let trusted =
        TrustedKeys::parse([(generated.public_key.as_str(), "test")]).expect("trusted key");
    Keys {
        secret: generated.secret_path,
        trusted,
    }
}

pub fn options(catalog: &Path, key: &Path, out: &Path, version: u64) -> CreateOptions {
    CreateOptions {
        from: catalog.to_path_buf(),
        key: key.to_path_buf(),
        out: out.to_path_buf(),
        store_id: None,
        version: Some(version),
        valid_for: jiff::SignedDuration::from_hours(24),
        expires: None,
        stock_as_of: None,
        format: None,
        now: jiff::Timestamp::now(),
    }
}

/// Writes and signs a bundle of `catalog` at `out`.
pub fn bundle(catalog: &Path, key: &Path, out: &Path, version: u64) -> PathBuf {
    bundle::create(&options(catalog, key, out, version), &mut NoProgress).expect("bundle create");
    out.to_path_buf()
}
