//! `kiosk bench stores`: the assistant measured on real store exports (see
//! `crate::store_bench`): a table per store × kind of question × language,
//! the totals, the wrong-product and empty-list counts, and turn latency.

use std::collections::BTreeMap;

use kiosk_core::Lang;
use serde::Serialize;

use super::ExitCode;
use crate::cli::BenchStoresArgs;
use crate::config::Config;
use crate::store_bench::{self, Kind, Outcome, Plan, StoreReport, Tally};

#[derive(Serialize)]
struct Figures {
    /// "hybrid" (words and meaning) or "lexical".
    search: &'static str,
    seed: u64,
    per_kind: usize,
    turns: usize,
    p50_ms: f64,
    p95_ms: f64,
    /// Kind → language → counts, over every store.
    totals: BTreeMap<Kind, BTreeMap<Lang, Tally>>,
    all: Tally,
    wrong_product: usize,
    empty_lists: usize,
    stores: Vec<StoreReport>,
}

pub fn run(config: &Config, args: &BenchStoresArgs) -> anyhow::Result<ExitCode> {
    let files = store_bench::exports(&args.exports)?;
    anyhow::ensure!(!files.is_empty(), "no export files in the given paths");
    let plan = Plan {
        per_kind: args.per_kind,
        seed: args.seed,
    };
    let mut assistant_config = config.assistant();
    // The deterministic path: no model is loaded, so none phrases.
    assistant_config.phrase_with_model = false;
    assistant_config.understand_with_model = false;
    let embedder = if args.lexical {
        None
    } else {
        match crate::services::embed::product_embedder(config) {
            Ok(embedder) => Some(embedder),
            Err(why) => {
                eprintln!("search by words alone: no embedding model ({why})");
                None
            }
        }
    };
    let search = if embedder.is_some() {
        "hybrid"
    } else {
        "lexical"
    };
    let mut stores = Vec::new();
    for file in &files {
        if !args.json {
            eprintln!("asking {} ({search})", file.display());
        }
        stores.push(store_bench::run_store(
            file,
            plan,
            &assistant_config,
            embedder.clone(),
        )?);
    }
    let mut totals: BTreeMap<Kind, BTreeMap<Lang, Tally>> = BTreeMap::new();
    let mut all = Tally::default();
    let mut times = Vec::new();
    for s in &stores {
        for (kind, by_lang) in &s.cells {
            for (lang, cell) in by_lang {
                totals
                    .entry(*kind)
                    .or_default()
                    .entry(*lang)
                    .or_default()
                    .merge(cell);
                all.merge(cell);
            }
        }
        times.extend(s.latencies.iter().copied());
    }
    let figures = Figures {
        search,
        seed: args.seed,
        per_kind: args.per_kind,
        turns: times.len(),
        p50_ms: store_bench::percentile_ms(&mut times, 0.50),
        p95_ms: store_bench::percentile_ms(&mut times, 0.95),
        wrong_product: all.wrong_product,
        empty_lists: all.empty_lists,
        totals,
        all,
        stores,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
        return Ok(ExitCode::Ok);
    }
    print_table(&figures, args.examples);
    Ok(ExitCode::Ok)
}

fn cell(t: Option<&Tally>) -> String {
    match t {
        Some(t) if t.n > 0 => format!("{:>3}/{:<3}{:>4.0}%", t.right, t.n, t.accuracy() * 100.0),
        _ => format!("{:>12}", "-"),
    }
}

fn print_rows(cells: &BTreeMap<Kind, BTreeMap<Lang, Tally>>) {
    for kind in Kind::ALL {
        let Some(by_lang) = cells.get(&kind) else {
            continue;
        };
        let mut sum = Tally::default();
        for t in by_lang.values() {
            sum.merge(t);
        }
        let langs: Vec<String> = Lang::ALL.iter().map(|l| cell(by_lang.get(l))).collect();
        println!(
            "  {:<13} {}   wrong {:>3}  wrong product {:>3}  asked {:>3}  missed {:>3}  empty {:>3}",
            kind.name(),
            langs.join(" "),
            sum.wrong_fact,
            sum.wrong_product,
            sum.asked_which,
            sum.missed,
            sum.empty_lists
        );
    }
}

fn print_table(f: &Figures, examples: usize) {
    let header: Vec<String> = Lang::ALL
        .iter()
        .map(|l| format!("{:>12}", l.code()))
        .collect();
    for s in &f.stores {
        println!(
            "\n{} ({:?}): {} products asked about ({} imported, {} not sold, {} variants with unsettled stock)",
            s.store, s.platform, s.n_products, s.n_imported, s.n_not_sold, s.n_unsettled
        );
        println!("  {:<13} {}", "kind", header.join(" "));
        print_rows(&s.cells);
        for c in s
            .cases
            .iter()
            .filter(|c| c.outcome != Outcome::Right || c.empty_list)
            .take(examples)
        {
            println!(
                "    [{} {} {:?}{}] {} | expected {} | got {:?}",
                c.kind.name(),
                c.lang.code(),
                c.outcome,
                if c.empty_list { ", empty list" } else { "" },
                c.turns.join(" → "),
                c.expected,
                c.answers.join(" → ")
            );
        }
    }
    println!("\nall stores (search: {})", f.search);
    println!("  {:<13} {}", "kind", header.join(" "));
    print_rows(&f.totals);
    println!(
        "\n{} cases, {} turns: {:.1}% right; wrong product stated as fact: {}; empty lists rendered: {}; latency p50 {:.2} ms, p95 {:.2} ms",
        f.all.n,
        f.turns,
        f.all.accuracy() * 100.0,
        f.wrong_product,
        f.empty_lists,
        f.p50_ms,
        f.p95_ms
    );
}
