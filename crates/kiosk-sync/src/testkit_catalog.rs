//! A small native catalog for tests, std only: the crate's unit tests and
//! the binary's sync tests (`tests/sync_support`) both include this file.

use std::io::Write;
use std::path::Path;

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
