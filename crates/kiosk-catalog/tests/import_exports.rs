//! The importers on the real Shopify and WooCommerce exports in
//! `../shared/data/catalogs` (read from there, never copied into the repo).

#[path = "../../../tests/common_support/mod.rs"]
mod common_support;

use std::path::PathBuf;

use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, Format, ImportOptions, ImportSummary, Rule, Snapshot};
use kiosk_core::SearchRequest;

/// The shared fixtures: `$KIOSK_SHARED_DATA/catalogs`, or `../shared/data`
/// beside the repository.
fn fixture(name: &str) -> PathBuf {
    common_support::shared_file("catalogs", name)
}

fn import(name: &str) -> (tempfile::TempDir, ImportSummary, Snapshot) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(dir.path().join("data"));
    let summary =
        import::import(&data, &ImportOptions::new(fixture(name)), &mut NoProgress).expect("import");
    let snapshot = Snapshot::open(&data).expect("open");
    assert!(snapshot.verify().expect("verify").ok);
    (dir, summary, snapshot)
}

fn top_id(snapshot: &Snapshot, query: &str) -> String {
    snapshot
        .search(&SearchRequest::new(query))
        .expect("search")
        .first()
        .map(|h| h.record.product.id.clone())
        .unwrap_or_default()
}

#[test]
fn shopify_apparel_products_are_keyed_by_handle() {
    let (_d, s, snap) = import("shopify_apparel.csv");
    assert_eq!(s.format, Format::Shopify);
    assert_eq!((s.n_products, s.n_variants), (20, 22));
    // Three rows of one handle are one product with three sizes.
    let top = snap
        .product("classic-varsity-top")
        .expect("lookup")
        .expect("found");
    assert_eq!(top.option_values("Size"), ["Small", "Medium", "Large"]);
    // "Title: Default Title" is no option at all.
    let shirt = snap
        .product("ocean-blue-shirt")
        .expect("lookup")
        .expect("found");
    assert!(shirt.variants[0].options.is_empty());
    assert_eq!(top_id(&snap, "varsity top"), "classic-varsity-top");
    assert_eq!(top_id(&snap, "leather jacket"), "classic-leather-jacket");
}

#[test]
fn shopify_home_and_garden_strips_html_and_attaches_image_rows() {
    let (_d, s, snap) = import("shopify_home-and-garden.csv");
    assert_eq!((s.n_products, s.n_variants), (20, 21));
    assert_eq!(s.n_out_of_stock, 2);
    let pot = snap
        .product("clay-plant-pot")
        .expect("lookup")
        .expect("found");
    assert_eq!(pot.product.description, "Classic blown clay pot for plants");
    assert_eq!(pot.option_values("Size"), ["Regular", "Large"]);
    assert!(
        pot.product
            .image
            .as_deref()
            .is_some_and(|i| i.contains("single-sprout"))
    );
    assert_eq!(top_id(&snap, "copper light"), "copper-light");
}

#[test]
fn the_spreadsheet_mangled_template_drops_barcodes_and_skips_drafts() {
    let (_d, s, snap) = import("shopify_product_template_excel-mangled_kcohen.csv");
    assert_eq!(s.issue_counts.get(&Rule::ScientificBarcode), Some(&12));
    assert_eq!(s.issue_counts.get(&Rule::Inactive), Some(&2));
    assert_eq!(s.n_products, 1);
    let shirt = snap.product("SRT_COT_222").expect("lookup").expect("found");
    assert_eq!(shirt.product.id, "example-shirt");
    assert_eq!(
        shirt.option_values("Color"),
        ["Green", "Blue", "Gray", "Purple"]
    );
    assert_eq!(shirt.option_values("Size"), ["S", "M", "L"]);
    // The image-only row at the end of example-pants belongs to a skipped
    // product, so nothing of the jeans is imported.
    assert!(snap.product("example-pants").expect("lookup").is_none());
}

#[test]
fn woocommerce_variable_products_get_their_variations() {
    let (_d, s, snap) = import("woocommerce_sample_products_reconstructed.csv");
    assert_eq!(s.format, Format::Woocommerce);
    assert_eq!((s.n_products, s.n_variants), (14, 19));
    let hoodie = snap.product("woo-hoodie").expect("lookup").expect("found");
    assert_eq!(hoodie.variants.len(), 4);
    assert_eq!(hoodie.option_values("Color"), ["Red", "Green", "Blue"]);
    assert_eq!(
        hoodie.variants[0].price.minor, 4200,
        "the sale price applies"
    );
    // Simple products are their own variant; external and virtual ones are
    // not on the shop floor.
    assert!(snap.product("woo-beanie").expect("lookup").is_some());
    assert!(snap.product("wp-pennant").expect("lookup").is_none());
    assert!(snap.product("woo-album").expect("lookup").is_none());
    assert_eq!(s.issue_counts.get(&Rule::NotInStore), Some(&3));
    // The grouped product links its items as a bundle.
    let links = snap.links("woo-tshirt").expect("links");
    assert_eq!(
        links,
        [("bundle".to_string(), "Logo Collection".to_string())]
    );
    assert_eq!(top_id(&snap, "sunglasses"), "woo-sunglasses");
}

// Issue 13: on the real exports every size and colour the export names is
// still read, and each option name leaves one note saying how it was read
// (and each size written as a word, "Small" or "Large", one note saying
// which vocabulary size it spells).
#[test]
fn real_exports_keep_their_sizes_and_colours_and_note_each_option() {
    for (name, sizes, colours, notes) in [
        ("shopify_apparel.csv", 3, 0, 1 + 3),
        ("shopify_home-and-garden.csv", 2, 0, 1 + 1),
        (
            "shopify_product_template_excel-mangled_kcohen.csv",
            12,
            12,
            2,
        ),
        ("woocommerce_sample_products_reconstructed.csv", 0, 16, 2),
    ] {
        let (_d, s, _snap) = import(name);
        let db =
            rusqlite::Connection::open(s.snapshot_path.join("snapshot.sqlite")).expect("open db");
        let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).expect("count") };
        assert_eq!(
            (
                count("SELECT COUNT(*) FROM variants WHERE size IS NOT NULL"),
                count("SELECT COUNT(*) FROM variants WHERE color IS NOT NULL"),
                s.issue_counts.get(&Rule::OptionName).copied().unwrap_or(0),
            ),
            (sizes, colours, notes),
            "{name}"
        );
    }
}
