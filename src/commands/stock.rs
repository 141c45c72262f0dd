//! `kiosk stock`: what the store has of a product, per size and colour.

use kiosk_core::view::ProductView;
use kiosk_core::{ConceptKind, SearchRequest};
use serde::Serialize;

use super::{ExitCode, open_snapshot};
use crate::cli::StockArgs;
use crate::config::Config;
use crate::output::print_product;

#[derive(Serialize)]
struct StockOutput {
    /// How the product was found: `id`, `sku`, `barcode` or `search`.
    matched_by: &'static str,
    product: ProductView,
    /// Variants matching --size/--colour (all when neither is given).
    matching: Vec<kiosk_core::view::VariantView>,
    snapshot: SnapshotAge,
}

#[derive(Serialize)]
pub struct SnapshotAge {
    pub as_of: jiff::Timestamp,
    pub age_hours: f64,
}

pub fn run(config: &Config, args: StockArgs) -> anyhow::Result<ExitCode> {
    let snapshot = open_snapshot(config, args.data_dir.data_dir.as_ref())?;
    let lang = args.lang.unwrap_or(snapshot.store().language);
    let (record, matched_by) = match snapshot.product(&args.product_or_query)? {
        Some(r) => {
            let by = if r.product.id == args.product_or_query {
                "id"
            } else if r.variants.iter().any(|v| v.sku == args.product_or_query) {
                "sku"
            } else {
                "barcode"
            };
            (r, by)
        }
        None => {
            let mut request = SearchRequest::new(&args.product_or_query);
            request.limit = 1;
            request.filters.size = args.size.clone();
            request.filters.color = args.colour.clone();
            match snapshot.search(&request)?.into_iter().next() {
                Some(hit) => (hit.record, "search"),
                None => {
                    if args.json {
                        println!(
                            "{}",
                            serde_json::json!({ "error": "not_found", "query": args.product_or_query })
                        );
                    } else {
                        println!("no product matches {:?}", args.product_or_query);
                    }
                    return Ok(ExitCode::NotFound);
                }
            }
        }
    };
    let view = ProductView::new(&record, lang, snapshot.low_stock_threshold());
    let index = snapshot.index();
    let want_size = args
        .size
        .as_deref()
        .map(|s| index.normalize_option(s, ConceptKind::Size));
    let want_color = args
        .colour
        .as_deref()
        .map(|c| index.normalize_option(c, ConceptKind::Color));
    let matching: Vec<_> = view
        .variants
        .iter()
        .filter(|v| {
            let key = |name: &str| {
                v.options
                    .get(name)
                    .map(|x| kiosk_catalog::index::option_key(x))
            };
            want_size
                .as_ref()
                .is_none_or(|s| key("Size").as_ref() == Some(s))
                && want_color
                    .as_ref()
                    .is_none_or(|c| key("Color").as_ref() == Some(c))
        })
        .cloned()
        .collect();
    let found = !matching.is_empty();
    let info = snapshot.info();
    let age = SnapshotAge {
        as_of: info.stock_as_of,
        age_hours: (info.age_hours(jiff::Timestamp::now()) * 10.0).round() / 10.0,
    };
    if args.json {
        let out = StockOutput {
            matched_by,
            product: view,
            matching,
            snapshot: age,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_product(&view, None);
        if args.size.is_some() || args.colour.is_some() {
            if matching.is_empty() {
                println!("    no variant in that size/colour");
            }
            for v in &matching {
                let label: Vec<&str> = v.options.values().map(String::as_str).collect();
                let state = match (v.in_stock, v.quantity) {
                    (true, Some(q)) => format!("{q} in stock"),
                    (true, None) => "in stock".into(),
                    (false, _) => "out of stock".into(),
                };
                println!("    {} ({}): {state}", label.join("/"), v.sku);
            }
        }
        println!("    stock as of {} ({:.1} h ago)", age.as_of, age.age_hours);
    }
    Ok(if found {
        ExitCode::Ok
    } else {
        ExitCode::NotFound
    })
}
