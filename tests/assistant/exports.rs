//! Issue 3: questions about the products of real Shopify and WooCommerce
//! exports (from `../shared/data/catalogs`) find them, after import, in the
//! four languages the kiosk speaks.

use std::path::PathBuf;

use crate::common_support::shared_file;
use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, ImportOptions, Snapshot};
use kiosk_core::Lang;
use kiosk_core::assistant::{Assistant, AssistantConfig, Clock, Intent, Session, TurnInput};

fn fixture(name: &str) -> PathBuf {
    shared_file("catalogs", name)
}

fn snapshot(name: &str) -> (tempfile::TempDir, Snapshot) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(dir.path().join("data"));
    import::import(&data, &ImportOptions::new(fixture(name)), &mut NoProgress).expect("import");
    (dir, Snapshot::open(&data).expect("open"))
}

/// Asks each question in a fresh session; the first product must be the
/// expected one, and the intent a product intent.
fn check(file: &str, cases: &[(&str, Option<Lang>, &str)]) {
    let (_dir, snap) = snapshot(file);
    let config = AssistantConfig::default();
    let assistant = Assistant::new(&snap, &snap, &config);
    let clock = Clock::utc(snap.info().stock_as_of);
    let mut failures = Vec::new();
    for (text, lang, expected) in cases {
        let mut session = Session::default();
        let reply = assistant
            .turn(
                &mut session,
                &TurnInput {
                    text: text.to_string(),
                    lang: *lang,
                },
                clock,
            )
            .expect("turn");
        let first = reply.products.first().map(|p| p.id.as_str());
        let product_intent = matches!(
            reply.intent,
            Intent::Search | Intent::Availability | Intent::Price | Intent::Location
        );
        if first != Some(*expected) || !product_intent {
            failures.push(format!(
                "{text:?}: {:?} {first:?}, expected {expected} ({})",
                reply.intent, reply.answer
            ));
        }
    }
    assert!(failures.is_empty(), "{file}:\n{}", failures.join("\n"));
}

#[test]
fn shopify_apparel_products_are_found() {
    check(
        "shopify_apparel.csv",
        &[
            (
                "do you have the ocean blue shirt?",
                None,
                "ocean-blue-shirt",
            ),
            (
                "how much is the yellow wool jumper?",
                None,
                "yellow-wool-jumper",
            ),
            (
                "is the classic varsity top available in medium?",
                None,
                "classic-varsity-top",
            ),
            (
                "hebben jullie een leren jas?",
                Some(Lang::Nl),
                "classic-leather-jacket",
            ),
            ("LED high tops", None, "led-high-tops"),
            ("silk blouse", None, "striped-silk-blouse"),
        ],
    );
}

#[test]
fn shopify_home_and_garden_products_are_found() {
    check(
        "shopify_home-and-garden.csv",
        &[
            ("clay plant pot", None, "clay-plant-pot"),
            ("where is the copper light?", None, "copper-light"),
            (
                "berapa harga clay plant pot?",
                Some(Lang::Id),
                "clay-plant-pot",
            ),
        ],
    );
}

#[test]
fn the_mangled_shopify_template_is_searchable() {
    check(
        "shopify_product_template_excel-mangled_kcohen.csv",
        &[
            ("example t-shirt in purple size M", None, "example-shirt"),
            ("t-shirt", None, "example-shirt"),
        ],
    );
}

#[test]
fn woocommerce_products_are_found() {
    check(
        "woocommerce_sample_products_reconstructed.csv",
        &[
            (
                "do you have a hoodie with a zipper?",
                None,
                "woo-hoodie-with-zipper",
            ),
            ("how much are the sunglasses?", None, "woo-sunglasses"),
            ("v-neck t-shirt", None, "woo-vneck-tee"),
            ("ada beanie?", Some(Lang::Id), "woo-beanie"),
            ("有沒有 belt", Some(Lang::Zh), "woo-belt"),
        ],
    );
}
