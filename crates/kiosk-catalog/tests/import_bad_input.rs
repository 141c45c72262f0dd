//! Bad input never panics, is reported with file, line and column, and never
//! replaces the live snapshot when a file is rejected. Each case names the
//! rule from `catalog/README.md` it checks.

use std::path::{Path, PathBuf};

use kiosk_catalog::import::{self, Limits, NoProgress};
use kiosk_catalog::{DataDir, Error, ImportOptions, ImportSummary, Rule, Snapshot};

mod common;
use common::STORE;

const PRODUCTS: &str = "id,title,brand,category,description,tags,price,location,image,goes_with\n\
p1,Trail Runner Shoe,Velo,Running Shoes,Grippy,running;trail,99.95,,,\n\
p2,Wool Socks,Velo,Sports Socks,Warm,socks,9.95,,,\n";

const VARIANTS: &str = "sku,product_id,size,color,price,barcode\n\
p1-9-blk,p1,9,Black,,4006381333931\n\
p1-10-blk,p1,10,Black,,\n\
p2-m,p2,M,Grey,,\n";

const STOCK: &str = "sku,quantity\np1-9-blk,0\np1-10-blk,4\np2-m,12\n";

struct Catalog {
    dir: tempfile::TempDir,
}

impl Catalog {
    fn new() -> Catalog {
        let dir = tempfile::tempdir().expect("temp dir");
        let c = Catalog { dir };
        c.write("store.toml", STORE.as_bytes());
        c.write("products.csv", PRODUCTS.as_bytes());
        c.write("variants.csv", VARIANTS.as_bytes());
        c.write("stock.csv", STOCK.as_bytes());
        c
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.dir.path().join(name), bytes).expect("write fixture");
    }
}

fn import_to(data: &Path, catalog: &Path) -> Result<ImportSummary, Error> {
    import::import(
        &DataDir::new(data),
        &ImportOptions::new(catalog),
        &mut NoProgress,
    )
}

fn data_dir() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().expect("temp dir");
    let p = d.path().join("data");
    (d, p)
}

fn issues_of(summary: &ImportSummary, rule: Rule) -> Vec<&kiosk_catalog::Issue> {
    summary.issues.iter().filter(|i| i.rule == rule).collect()
}

#[test]
fn a_clean_catalog_imports_without_issues() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    let s = import_to(&data, c.path()).expect("import");
    assert_eq!((s.n_products, s.n_variants, s.n_in_stock), (2, 3, 2));
    assert!(s.issues.is_empty(), "{:?}", s.issues);
    assert_eq!(s.stock_as_of.to_string(), "2026-11-22T22:00:00Z");
}

#[test]
fn negative_stock_is_repaired_to_zero() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write(
        "stock.csv",
        b"sku,quantity\np1-9-blk,-3\np1-10-blk,4\np2-m,12\n",
    );
    let s = import_to(&data, c.path()).expect("import");
    let found = issues_of(&s, Rule::NegativeStock);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].line, found[0].column), (2, Some(2)));
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    let p1 = snap.product("p1-9-blk").expect("lookup").expect("found");
    let v = p1
        .variants
        .iter()
        .find(|v| v.sku == "p1-9-blk")
        .expect("variant");
    assert_eq!((v.quantity, v.in_stock), (Some(0), false));
}

#[test]
fn a_non_numeric_price_skips_the_row_and_a_decimal_comma_is_read() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write(
        "products.csv",
        "id,title,brand,category,description,tags,price,location,image,goes_with\n\
         p1,Trail Runner Shoe,Velo,Running Shoes,Grippy,,ninety,,,\n\
         p2,Wool Socks,Velo,Sports Socks,Warm,,\"9,95\",,,\n"
            .as_bytes(),
    );
    let s = import_to(&data, c.path()).expect("import");
    let bad = issues_of(&s, Rule::BadPrice);
    assert_eq!(bad.len(), 1);
    assert_eq!((bad[0].line, bad[0].column), (2, Some(7)));
    assert!(bad[0].message.contains("ninety"), "{}", bad[0].message);
    assert_eq!(issues_of(&s, Rule::PriceRepaired).len(), 1);
    assert_eq!(s.n_products, 1);
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    assert_eq!(
        snap.product("p2")
            .expect("lookup")
            .expect("found")
            .product
            .price
            .minor,
        995
    );
}

#[test]
fn a_missing_price_skips_the_product() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write(
        "products.csv",
        "id,title,brand,category,description,tags,price,location,image,goes_with\n\
         p1,Trail Runner Shoe,Velo,Running Shoes,Grippy,,,,,\n\
         p2,Wool Socks,Velo,Sports Socks,Warm,,9.95,,,\n"
            .as_bytes(),
    );
    let s = import_to(&data, c.path()).expect("import");
    assert_eq!(issues_of(&s, Rule::MissingPrice).len(), 1);
    // p1's two variants name a product that was skipped, and so do their
    // two stock rows.
    assert_eq!(issues_of(&s, Rule::UnknownReference).len(), 4);
    assert_eq!(s.n_products, 1);
}

#[test]
fn scientific_barcodes_are_dropped_and_reported() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write(
        "variants.csv",
        b"sku,product_id,size,color,price,barcode\np1-9-blk,p1,9,Black,,3.65275E+11\np1-10-blk,p1,10,Black,,\np2-m,p2,M,Grey,,\n",
    );
    let s = import_to(&data, c.path()).expect("import");
    let found = issues_of(&s, Rule::ScientificBarcode);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].line, found[0].column), (2, Some(6)));
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    let p1 = snap.product("p1").expect("lookup").expect("found");
    assert!(p1.variants.iter().all(|v| v.barcode.is_none()));
}

#[test]
fn a_sku_repeated_with_the_same_options_keeps_the_first_row() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write(
        "variants.csv",
        b"sku,product_id,size,color,price,barcode\np1-9-blk,p1,9,Black,,\np1-9-blk,p1,9,Black,,\np2-m,p2,M,Grey,,\n",
    );
    let s = import_to(&data, c.path()).expect("import");
    let found = issues_of(&s, Rule::DuplicateSku);
    assert_eq!(found.len(), 1);
    assert!(found[0].file.ends_with("variants.csv"), "{}", found[0].file);
    assert_eq!(found[0].line, 3);
    assert!(found[0].message.contains("line 2"), "{}", found[0].message);
    assert!(issues_of(&s, Rule::RepeatedSku).is_empty());
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    let p1 = snap.product("p1").expect("lookup").expect("found");
    assert_eq!(p1.variants.len(), 1);
    assert_eq!(p1.variants[0].options["Size"], "9");
}

#[test]
fn a_sku_repeated_with_other_options_keeps_both_variants() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write(
        "variants.csv",
        b"sku,product_id,size,color,price,barcode\np1-9-blk,p1,9,Black,,\np1-9-blk,p1,10,Black,,\np2-m,p2,M,Grey,,\n",
    );
    let s = import_to(&data, c.path()).expect("import");
    assert!(issues_of(&s, Rule::DuplicateSku).is_empty());
    let found = issues_of(&s, Rule::RepeatedSku);
    assert_eq!(found.len(), 1);
    assert!(found[0].file.ends_with("variants.csv"), "{}", found[0].file);
    assert_eq!(found[0].line, 3);
    assert!(found[0].message.contains("line 2"), "{}", found[0].message);
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    let p1 = snap.product("p1").expect("lookup").expect("found");
    let mut sizes: Vec<&str> = p1
        .variants
        .iter()
        .map(|v| v.options["Size"].as_str())
        .collect();
    sizes.sort_unstable();
    assert_eq!(sizes, ["10", "9"]);
}

#[test]
fn a_shopify_sku_repeated_with_another_colour_keeps_both_colours() {
    // A lure store's export: one SKU on two rows of one product, one
    // "Black", one "Pink camo"; each row carries its own stock.
    let (_d, data) = data_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Qty,Variant Price,Status\n\
               big-back,Big Back,Topwater lure,Lures Co,Lure,bass,true,Color,Black,BB-14,25,9.99,active\n\
               big-back,,,,,,,,Pink camo,BB-14,6,9.99,active\n\
               big-back,,,,,,,,Pink camo,BB-14,6,9.99,active\n";
    let path = dir.path().join("products_export.csv");
    std::fs::write(&path, csv).expect("write the export");
    let s = import_to(&data, &path).expect("import");
    let repeated = issues_of(&s, Rule::RepeatedSku);
    assert_eq!(repeated.len(), 1, "{:?}", s.issues);
    assert!(
        repeated[0].file.ends_with("products_export.csv"),
        "{}",
        repeated[0].file
    );
    assert_eq!(repeated[0].line, 3);
    assert!(
        repeated[0].message.contains("BB-14"),
        "{}",
        repeated[0].message
    );
    // The third row repeats the second exactly: the same variant twice.
    let duplicate = issues_of(&s, Rule::DuplicateSku);
    assert_eq!(duplicate.len(), 1, "{:?}", s.issues);
    assert_eq!(duplicate[0].line, 4);
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    let lure = snap.product("big-back").expect("lookup").expect("found");
    let mut colours: Vec<(&str, Option<i64>)> = lure
        .variants
        .iter()
        .map(|v| (v.options["Color"].as_str(), v.quantity))
        .collect();
    colours.sort_unstable();
    assert_eq!(colours, [("Black", Some(25)), ("Pink camo", Some(6))]);
}

#[test]
fn a_bom_crlf_and_multiline_cells_are_read_with_true_line_numbers() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(
        b"id,title,brand,category,description,tags,price,location,image,goes_with\r\n\
          p1,Trail Runner Shoe,Velo,Running Shoes,\"Grippy.\r\nTwo lines.\r\nThree.\",,99.95,,,\r\n\
          p2,Wool Socks,Velo,Sports Socks,Warm,,abc,,,\r\n",
    );
    c.write("products.csv", &bytes);
    let s = import_to(&data, c.path()).expect("import");
    assert_eq!(issues_of(&s, Rule::BomStripped).len(), 1);
    let bad = issues_of(&s, Rule::BadPrice);
    // p2 starts on line 5: the description of p1 spans lines 2-4.
    assert_eq!(bad[0].line, 5);
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    let p1 = snap.product("p1").expect("lookup").expect("found");
    assert_eq!(p1.product.description, "Grippy.\nTwo lines.\nThree.");
}

#[test]
fn windows_1252_bytes_are_decoded_and_reported() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    let mut bytes =
        b"id,title,brand,category,description,tags,price,location,image,goes_with\n".to_vec();
    bytes.extend_from_slice(b"p1,Caf\xe9 Runner Shoe,Velo,Running Shoes,Grippy,,99.95,,,\n");
    bytes.extend_from_slice(b"p2,Wool Socks,Velo,Sports Socks,Warm,,9.95,,,\n");
    c.write("products.csv", &bytes);
    let s = import_to(&data, c.path()).expect("import");
    assert_eq!(issues_of(&s, Rule::Encoding).len(), 1);
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    assert_eq!(
        snap.product("p1")
            .expect("lookup")
            .expect("found")
            .product
            .title,
        "Café Runner Shoe"
    );
}

#[test]
fn utf16_files_are_transcoded() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "sku,quantity\r\np1-9-blk,1\r\np1-10-blk,4\r\np2-m,12\r\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    c.write("stock.csv", &bytes);
    let s = import_to(&data, c.path()).expect("import");
    assert_eq!(issues_of(&s, Rule::Transcoded).len(), 1);
    assert_eq!(s.n_in_stock, 3);
}

#[test]
fn localized_headers_and_semicolons_are_mapped() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write(
        "stock.csv",
        "SKU;Voorraad\np1-9-blk;2\np1-10-blk;4\np2-m;12\n".as_bytes(),
    );
    let s = import_to(&data, c.path()).expect("import");
    assert_eq!(issues_of(&s, Rule::Delimiter).len(), 1);
    let mapped = issues_of(&s, Rule::LocalizedHeader);
    assert_eq!(mapped.len(), 1);
    assert_eq!(mapped[0].column, Some(2));
    assert_eq!(s.n_in_stock, 3);
}

#[test]
fn variants_without_stock_rows_count_as_out_of_stock() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write("stock.csv", b"sku,quantity\np1-10-blk,4\nnope,3\n");
    let s = import_to(&data, c.path()).expect("import");
    assert_eq!(issues_of(&s, Rule::NoStockRow).len(), 2);
    assert_eq!(issues_of(&s, Rule::UnknownReference).len(), 1);
    assert_eq!(s.n_in_stock, 1);
}

/// A rejected file names the place and what was expected, and the snapshot
/// that was live stays live.
fn assert_rejected_and_old_snapshot_kept(mutate: impl FnOnce(&Catalog), expect_in_message: &str) {
    let (_d, data) = data_dir();
    let good = Catalog::new();
    let first = import_to(&data, good.path()).expect("first import");
    let bad = Catalog::new();
    mutate(&bad);
    let err = import_to(&data, bad.path()).expect_err("the bad catalog must be rejected");
    let message = err.to_string();
    assert!(message.contains(expect_in_message), "{message}");
    let snap = Snapshot::open(&DataDir::new(&data)).expect("old snapshot still opens");
    assert_eq!(snap.info().id, first.snapshot_id);
    assert!(snap.verify().expect("verify").ok);
}

#[test]
fn a_missing_required_column_rejects_the_file() {
    assert_rejected_and_old_snapshot_kept(
        |c| c.write("products.csv", b"id,title,brand\np1,Shoe,Velo\n"),
        "products.csv:1: missing required column \"price\"",
    );
}

#[test]
fn an_unclosed_quote_rejects_the_file() {
    assert_rejected_and_old_snapshot_kept(
        |c| {
            let mut s = String::from(
                "id,title,brand,category,description,tags,price,location,image,goes_with\n",
            );
            s.push_str("p1,\"Shoe,Velo,Running Shoes,x,,10,,,\n");
            s.push_str(&"filler line\n".repeat(5));
            c.write("products.csv", s.as_bytes());
        },
        "products.csv:2:2: a quoted field opened here runs over 7 lines",
    );
}

#[test]
fn a_binary_file_rejects_the_import() {
    assert_rejected_and_old_snapshot_kept(
        |c| c.write("variants.csv", b"PK\x03\x04\x00\x00\x00binary"),
        "variants.csv:1: the file holds NUL bytes",
    );
}

#[test]
fn a_bad_store_file_names_line_and_column() {
    assert_rejected_and_old_snapshot_kept(
        |c| {
            c.write(
                "store.toml",
                b"id = \"x\"\nname = \"X\"\nlanguage = \"fr\"\n",
            )
        },
        "store.toml:3:",
    );
}

#[test]
fn an_empty_file_rejects_the_import() {
    assert_rejected_and_old_snapshot_kept(
        |c| c.write("stock.csv", b""),
        "stock.csv:1: the file is empty",
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_with_the_limit() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    let mut options = ImportOptions::new(c.path());
    options.limits = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    let err = import::import(&DataDir::new(&data), &options, &mut NoProgress).expect_err("refused");
    let message = err.to_string();
    assert!(message.contains("the import limit is 100 B"), "{message}");
    assert!(matches!(err, Error::Limit(_)));
    assert!(DataDir::new(&data).current().expect("read link").is_none());
}

#[test]
fn a_huge_field_from_an_unclosed_quote_is_refused_not_buffered() {
    let (_d, data) = data_dir();
    let c = Catalog::new();
    let mut s =
        String::from("id,title,brand,category,description,tags,price,location,image,goes_with\n");
    s.push_str("p1,\"Shoe");
    s.push_str(&"x".repeat(2000));
    c.write("products.csv", s.as_bytes());
    let mut options = ImportOptions::new(c.path());
    options.limits = Limits {
        max_file_bytes: 1 << 30,
        max_field_bytes: 1000,
        ..Limits::default()
    };
    let err = import::import(&DataDir::new(&data), &options, &mut NoProgress).expect_err("refused");
    assert!(
        err.to_string().contains("products.csv:2:2: a field of"),
        "{err}"
    );
}

#[test]
fn a_zero_price_is_reported_as_no_price_and_is_not_the_products_price() {
    // Rule ZeroPrice: an export's 0.00 means no price was set.
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write(
        "variants.csv",
        "sku,product_id,size,color,price,barcode\n\
         p1-9-blk,p1,9,Black,0.00,\n\
         p1-10-blk,p1,10,Black,,\n\
         p2-m,p2,M,Grey,0,\n"
            .as_bytes(),
    );
    c.write(
        "products.csv",
        "id,title,brand,category,description,tags,price,location,image,goes_with\n\
         p1,Trail Runner Shoe,Velo,Running Shoes,Grippy,running;trail,99.95,,,\n\
         p2,Wool Socks,Velo,Sports Socks,Warm,socks,0.00,,,\n"
            .as_bytes(),
    );
    let s = import_to(&data, c.path()).expect("import");
    let zero = issues_of(&s, Rule::ZeroPrice);
    let at: Vec<(String, u64)> = zero
        .iter()
        .map(|i| (i.file.rsplit('/').next().unwrap_or("").to_string(), i.line))
        .collect();
    assert!(at.contains(&("variants.csv".to_string(), 2)), "{at:?}");
    assert!(at.contains(&("variants.csv".to_string(), 4)), "{at:?}");
    assert!(at.contains(&("products.csv".to_string(), 3)), "{at:?}");
    assert!(
        zero[0].message.contains("expected a price above 0"),
        "{}",
        zero[0].message
    );
    assert_eq!(Rule::ZeroPrice.action(), import::Action::Note);
    // The variants are kept; the product's price is the lowest price set,
    // zero only when none is.
    assert_eq!(s.n_variants, 3);
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    let p1 = snap.product("p1").expect("lookup").expect("found");
    assert_eq!(p1.product.price.minor, 9995);
    let p2 = snap.product("p2").expect("lookup").expect("found");
    assert_eq!(p2.product.price.minor, 0);
}

#[test]
fn a_shopify_export_without_stock_counts_says_so_once() {
    // Exported without inventory: the variants are counted by Shopify, but
    // no column gives the count.
    let (_d, data) = data_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Tracker,Variant Price,Status\n\
               bell,Bell,Color,Black,B-BLK,shopify,299.00,active\n\
               bell,,,Copper,B-COP,shopify,299.00,active\n\
               lock,Lock,Title,Default Title,L-1,,539.00,active\n";
    let path = dir.path().join("products_export.csv");
    std::fs::write(&path, csv).expect("write the export");
    let s = import_to(&data, &path).expect("import");
    let found = issues_of(&s, Rule::NoStockCounts);
    assert_eq!(found.len(), 1, "{:?}", s.issues);
    assert_eq!(found[0].line, 2);
    assert!(
        found[0].message.starts_with("2 variants"),
        "{}",
        found[0].message
    );

    // With the count column, nothing to note.
    let (_d2, data2) = data_dir();
    let with_counts = csv
        .replace(
            "Variant Inventory Tracker,",
            "Variant Inventory Tracker,Variant Inventory Qty,",
        )
        .replace("shopify,", "shopify,3,")
        .replace("L-1,,", "L-1,,4,");
    std::fs::write(&path, with_counts).expect("write the export");
    let s = import_to(&data2, &path).expect("import");
    assert!(
        issues_of(&s, Rule::NoStockCounts).is_empty(),
        "{:?}",
        s.issues
    );
}

// Issue 13: spreadsheet exports write SKUs as `'100` to keep them text; the
// shop's SKU is `100`.
#[test]
fn a_spreadsheets_text_marker_is_taken_off_skus_and_barcodes() {
    // Native: the marker on the variant's SKU, its barcode and the stock
    // row's SKU.
    let (_d, data) = data_dir();
    let c = Catalog::new();
    c.write(
        "variants.csv",
        b"sku,product_id,size,color,price,barcode\n\
          '100,p1,9,Black,,'4006381333931\n\
          p1-10-blk,p1,10,Black,,\n\
          p2-m,p2,M,Grey,,\n",
    );
    c.write("stock.csv", b"sku,quantity\n'100,3\np1-10-blk,4\np2-m,12\n");
    let s = import_to(&data, c.path()).expect("import");
    let found = issues_of(&s, Rule::TextMarker);
    let at: Vec<(&str, u64, Option<usize>)> = found
        .iter()
        .map(|i| {
            let name = Path::new(&i.file).file_name().and_then(|n| n.to_str());
            (name.unwrap_or_default(), i.line, i.column)
        })
        .collect();
    assert_eq!(
        at,
        [
            ("variants.csv", 2, Some(1)),
            ("variants.csv", 2, Some(6)),
            ("stock.csv", 2, Some(1)),
        ],
        "{:?}",
        s.issues
    );
    assert_eq!(s.issues.len(), found.len(), "{:?}", s.issues);
    let snap = Snapshot::open(&DataDir::new(&data)).expect("open");
    let p1 = snap.product("100").expect("lookup").expect("found by SKU");
    let v = p1
        .variants
        .iter()
        .find(|v| v.size() == Some("9"))
        .expect("size 9");
    assert_eq!(v.sku, "100");
    assert_eq!(v.barcode.as_deref(), Some("4006381333931"));
    assert_eq!((v.quantity, v.in_stock), (Some(3), true));
    assert!(snap.product("'100").expect("lookup").is_none());

    // Shopify: the marker on `Variant SKU`; only one apostrophe is a marker,
    // and one inside a SKU is the SKU's own.
    let (_d2, data2) = data_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Qty,Variant Price,Status\n\
               bell,Bell,Color,Black,'100,2,299.00,active\n\
               bell,,,Copper,B'COP,1,299.00,active\n";
    let path = dir.path().join("products_export.csv");
    std::fs::write(&path, csv).expect("write the export");
    let s = import_to(&data2, &path).expect("import");
    assert_eq!(issues_of(&s, Rule::TextMarker).len(), 1, "{:?}", s.issues);
    let snap = Snapshot::open(&DataDir::new(&data2)).expect("open");
    let bell = snap.product("bell").expect("lookup").expect("found");
    let mut skus: Vec<&str> = bell.variants.iter().map(|v| v.sku.as_str()).collect();
    skus.sort_unstable();
    assert_eq!(skus, ["100", "B'COP"]);
}
