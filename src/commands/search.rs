//! `kiosk search`: what a shopper's words find.

use std::time::Instant;

use kiosk_core::view::ProductView;
use kiosk_core::{Filters, SearchRequest};
use serde::Serialize;

use super::{ExitCode, open_search_snapshot, open_snapshot, parse_price};
use crate::cli::{FilterArgs, SearchArgs};
use crate::config::Config;
use crate::output::print_product;

#[derive(Serialize)]
struct SearchOutput<'a> {
    query: &'a str,
    filters: &'a Filters,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<kiosk_catalog::index::QueryPlan>,
    products: Vec<ProductView>,
    timings_ms: Timings,
}

#[derive(Serialize)]
struct Timings {
    search: f64,
}

pub fn filters(args: &FilterArgs) -> anyhow::Result<Filters> {
    Ok(Filters {
        category: args.category.clone(),
        brand: args.brand.clone(),
        size: args.size.clone(),
        color: args.colour.clone(),
        price_min: args
            .min_price
            .as_deref()
            .map(|p| parse_price(p, "--min-price"))
            .transpose()?,
        price_max: args
            .max_price
            .as_deref()
            .map(|p| parse_price(p, "--max-price"))
            .transpose()?,
        in_stock_only: args.in_stock,
    })
}

pub fn run(config: &Config, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let snapshot = if args.lexical {
        open_snapshot(config, args.data_dir.data_dir.as_ref())?
    } else {
        open_search_snapshot(config, args.data_dir.data_dir.as_ref())?
    };
    let lang = args.lang.unwrap_or(snapshot.store().language);
    let request = SearchRequest {
        text: args.query.clone(),
        lang: args.lang,
        filters: filters(&args.filters)?,
        limit: args.limit,
        prefix: args.prefix,
        order: kiosk_core::Order::Relevance,
    };
    let started = Instant::now();
    let hits = snapshot.search(&request)?;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let views: Vec<ProductView> = hits
        .iter()
        .map(|h| ProductView::new(&h.record, lang, snapshot.low_stock_threshold()))
        .collect();
    let plan = args.explain.then(|| snapshot.plan(&request));
    if args.json {
        let out = SearchOutput {
            query: &args.query,
            filters: &request.filters,
            plan,
            products: views,
            timings_ms: Timings { search: elapsed },
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        if let Some(plan) = &plan {
            print_plan(plan);
            print_store_words(
                &snapshot,
                &snapshot.index().plan(&request.text, request.prefix),
            );
            if let Some(near) = snapshot.nearest(&request.text, &request.filters, 5)? {
                println!(
                    "nearest in meaning (similarity, standard deviations above the mean {:.3}; near from {:.1}):",
                    near.mean,
                    near.gate(kiosk_catalog::snapshot::hybrid::MIN_Z)
                );
                for (rowid, similarity) in &near.hits {
                    println!(
                        "  {:.3} {:+.1}σ {}",
                        similarity,
                        near.z(*similarity),
                        snapshot.title_of(*rowid)?
                    );
                }
            }
        }
        if views.is_empty() {
            println!("nothing matches {:?}", args.query);
        }
        for (i, p) in views.iter().enumerate() {
            print_product(p, Some(i + 1));
        }
        println!("({} results in {elapsed:.1} ms)", views.len());
    }
    Ok(if hits.is_empty() {
        ExitCode::NotFound
    } else {
        ExitCode::Ok
    })
}

fn print_plan(plan: &kiosk_catalog::index::QueryPlan) {
    println!("read as:");
    for g in &plan.groups {
        let alts: Vec<String> = g
            .alternatives
            .iter()
            .map(|a| serde_json::to_string(a).unwrap_or_default())
            .collect();
        println!("  {:?} → {}", g.from, alts.join(" | "));
    }
    if !plan.ignored.is_empty() {
        println!("  ignored: {}", plan.ignored.join(", "));
    }
}

/// The store words nearest each word of the query the store does not hold,
/// and each two such words in a row, with how far each stands out
/// (store-word translation's evidence).
fn print_store_words(snapshot: &kiosk_catalog::Snapshot, plan: &kiosk_catalog::index::QueryPlan) {
    use kiosk_catalog::kiosk_embed::TextKind;
    let (Some(words), Some(embedder)) = (snapshot.store_words(), snapshot.embedder()) else {
        return;
    };
    let near = |kind: TextKind, text: &str| -> String {
        words
            .nearest(&embedder.embed(kind, text), 5)
            .iter()
            .map(|(w, s, z)| format!("{w} {s:.3} {z:+.1}σ"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let foreign: Vec<bool> = plan
        .groups
        .iter()
        .map(|g| snapshot.index().is_foreign(g))
        .collect();
    let mut texts: Vec<String> = Vec::new();
    for (g, group) in plan.groups.iter().enumerate() {
        if g > 0 && foreign[g - 1] && foreign[g] {
            texts.push(format!("{} {}", plan.groups[g - 1].from, group.from).to_lowercase());
        }
        if foreign[g] {
            texts.push(group.from.to_lowercase());
        }
    }
    for text in texts {
        println!(
            "  store words near {text:?}: {}",
            near(TextKind::Query, &text)
        );
        println!("    read as a passage: {}", near(TextKind::Passage, &text));
    }
}
