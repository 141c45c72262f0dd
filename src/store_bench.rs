//! The yardstick for "any store": real Shopify and WooCommerce exports
//! (`bench/stores/`), questions generated from each export's own data, and
//! the kiosk's answers scored against the export's columns, per store ×
//! kind of question × language, with the two defects that must never
//! happen counted apart: a fact stated about the wrong product, and an
//! empty list rendered. `kiosk bench stores` prints it; `tests/assistant/bench_stores.rs`
//! holds today's floor.
//!
//! - `truth.rs` reads an export into what it says (products, sizes,
//!   colours, prices, stock), without the importer.
//! - `questions.rs` generates the cases from that truth, with a seed.
//! - `needs.rs` holds the kinds of product and open-ended needs asked
//!   about where a store sells them, named in each shopper language.
//! - `score.rs` reads a reply with the phrasebook's templates and scores it.

pub mod needs;
pub mod questions;
pub mod score;
pub mod truth;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::kiosk_embed::Embedder;
use kiosk_catalog::{DataDir, ImportOptions, Snapshot};
use kiosk_core::Lang;
use kiosk_core::assistant::{Assistant, AssistantConfig, Clock, Session, TurnInput};
use serde::Serialize;

pub use questions::{Case, Expect, Kind, Plan};
pub use score::Outcome;
pub use truth::StoreTruth;

/// Counts for one cell of the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    pub n: usize,
    pub right: usize,
    pub wrong_fact: usize,
    pub wrong_product: usize,
    pub asked_which: usize,
    pub missed: usize,
    /// Turns whose answer showed an empty list or slot.
    pub empty_lists: usize,
}

impl Tally {
    pub fn add(&mut self, outcome: Outcome, empty_lists: usize) {
        self.n += 1;
        match outcome {
            Outcome::Right => self.right += 1,
            Outcome::WrongFact => self.wrong_fact += 1,
            Outcome::WrongProduct => self.wrong_product += 1,
            Outcome::AskedWhich => self.asked_which += 1,
            Outcome::Missed => self.missed += 1,
        }
        self.empty_lists += empty_lists;
    }

    pub fn merge(&mut self, other: &Tally) {
        self.n += other.n;
        self.right += other.right;
        self.wrong_fact += other.wrong_fact;
        self.wrong_product += other.wrong_product;
        self.asked_which += other.asked_which;
        self.missed += other.missed;
        self.empty_lists += other.empty_lists;
    }

    pub fn accuracy(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.right as f64 / self.n as f64
        }
    }
}

/// One case as it went, for reading the failures.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub kind: Kind,
    pub lang: Lang,
    pub turns: Vec<String>,
    pub expected: String,
    /// The answer to each turn.
    pub answers: Vec<String>,
    /// The titles of the first products the last answer shows.
    pub shown: Vec<String>,
    pub outcome: Outcome,
    pub empty_list: bool,
}

/// What one export gave.
#[derive(Debug, Clone, Serialize)]
pub struct StoreReport {
    pub store: String,
    pub file: String,
    pub platform: truth::Platform,
    pub n_products: usize,
    pub n_not_sold: usize,
    pub n_unsettled: usize,
    pub n_imported: u64,
    /// Kind → language → counts.
    pub cells: BTreeMap<Kind, BTreeMap<Lang, Tally>>,
    pub cases: Vec<CaseResult>,
    #[serde(skip)]
    pub latencies: Vec<Duration>,
}

impl StoreReport {
    pub fn total(&self) -> Tally {
        let mut t = Tally::default();
        for by_lang in self.cells.values() {
            for cell in by_lang.values() {
                t.merge(cell);
            }
        }
        t
    }
}

/// The export files a path stands for: the file, or the `.csv` files of a
/// folder, sorted.
pub fn exports(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("reading {}", path.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Imports one export into a scratch data folder, generates its cases and
/// asks them, each case in a fresh session, on the deterministic path (no
/// language model). With `embedder`, products are embedded at import and
/// search goes by meaning as well as by words, as with `[embed]` on.
pub fn run_store(
    export: &Path,
    plan: Plan,
    config: &AssistantConfig,
    embedder: Option<Arc<Embedder>>,
) -> anyhow::Result<StoreReport> {
    let truth = truth::read(export)?;
    let scratch = tempfile::tempdir().context("creating a scratch data folder")?;
    let data = DataDir::new(scratch.path().join("data"));
    let mut options = ImportOptions::new(export);
    options.embedder = embedder.clone();
    let summary = import::import(&data, &options, &mut NoProgress)
        .with_context(|| format!("importing {}", export.display()))?;
    let mut snapshot = Snapshot::open(&data).context("opening the imported snapshot")?;
    if let Some(embedder) = embedder {
        let state = snapshot.attach_embedder(embedder);
        anyhow::ensure!(
            matches!(state, kiosk_catalog::snapshot::SemanticState::Hybrid { .. }),
            "{}: search by meaning did not start ({state:?})",
            export.display()
        );
    }
    let assistant = Assistant::new(&snapshot, &snapshot, config);
    // A little after the stock was counted, so freshness notes do not
    // change the answers being measured.
    let clock = Clock::utc(snapshot.info().stock_as_of + jiff::SignedDuration::from_hours(13));
    let cases = questions::generate(&truth, plan);
    let mut report = StoreReport {
        store: truth.name.clone(),
        file: export.display().to_string(),
        platform: truth.platform,
        n_products: truth.products.len(),
        n_not_sold: truth.n_not_sold,
        n_unsettled: truth.n_unsettled,
        n_imported: summary.n_products,
        cells: BTreeMap::new(),
        cases: Vec::new(),
        latencies: Vec::new(),
    };
    for case in cases {
        let mut session = Session::default();
        let mut replies = Vec::new();
        let mut empty = 0;
        for text in &case.turns {
            let started = Instant::now();
            let reply = assistant
                .turn(
                    &mut session,
                    &TurnInput {
                        text: text.clone(),
                        lang: Some(case.lang),
                    },
                    clock,
                )
                .with_context(|| format!("asking {text:?}"))?;
            report.latencies.push(started.elapsed());
            if score::empty_list(&reply.answer, reply.language) {
                empty += 1;
            }
            replies.push(reply);
        }
        let last = replies.last().context("a case has at least one turn")?;
        let outcome = score::score(&truth, &case.expect, last, replies.first());
        report
            .cells
            .entry(case.kind)
            .or_default()
            .entry(case.lang)
            .or_default()
            .add(outcome, empty);
        report.cases.push(CaseResult {
            kind: case.kind,
            lang: case.lang,
            expected: describe(&truth, &case.expect, replies.first()),
            answers: replies.iter().map(|r| r.answer.clone()).collect(),
            shown: last
                .products
                .iter()
                .take(3)
                .map(|p| p.title.clone())
                .collect(),
            turns: case.turns,
            outcome,
            empty_list: empty > 0,
        });
    }
    Ok(report)
}

/// The expected answer in words, for the report.
fn describe(
    truth: &StoreTruth,
    expect: &Expect,
    first: Option<&kiosk_core::assistant::Reply>,
) -> String {
    match expect {
        Expect::Stock {
            product,
            size,
            colour,
            in_stock,
        } => format!(
            "{}{}{}: {}",
            truth.products[*product].title,
            size.as_deref()
                .map(|s| format!(" size {s}"))
                .unwrap_or_default(),
            colour
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default(),
            if *in_stock {
                "in stock"
            } else {
                "out of stock"
            }
        ),
        Expect::Price { product } => {
            let p = &truth.products[*product];
            let ranges: Vec<String> = p
                .price_ranges()
                .iter()
                .map(|(min, max)| {
                    if min == max {
                        min.to_string()
                    } else {
                        format!("{min}–{max}")
                    }
                })
                .collect();
            format!("{}: {}", p.title, ranges.join(" or "))
        }
        Expect::Browse { category } => format!("products of {category}"),
        Expect::PriceLimit { category, limit } => format!("{category} at or under {limit}"),
        Expect::OfKind { kinds } => format!("mostly {} in the first three", kinds.join(" or ")),
        Expect::Meets { kinds } => {
            format!("a product of {} in the first three", kinds.join(" or "))
        }
        Expect::SecondListedPrice => match first.and_then(|r| r.products.get(1)) {
            Some(p) => format!("the price of {} (second listed)", p.title),
            None => "a price for the second product listed (none was)".to_string(),
        },
    }
}

/// The p-th percentile of the durations, in milliseconds.
pub fn percentile_ms(times: &mut [Duration], p: f64) -> f64 {
    if times.is_empty() {
        return 0.0;
    }
    times.sort();
    let idx = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[idx].as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests;
