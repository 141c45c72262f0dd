//! `kiosk bench intents`: how well the kiosk reads what a turn wants, on
//! held-out shopper turns in the four languages (`bench/intents/`), by the
//! rules alone, by the nearest labelled examples alone (the e5 model over
//! `intent_examples.toml`), and by both as the turn combines them.
//!
//! Each turn is asked afresh over a snapshot (the demo store, or any), with
//! one product in focus, as when a shopper has tapped a card: a question
//! about "it" then has something to be about. The rules' intent is the
//! reply's; a search counts as an availability question. The same turns
//! and sessions serve every reading, so the figures compare.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use kiosk_catalog::snapshot::hybrid::QueryEncoder;
use kiosk_core::assistant::intents::{self, Example, IntentExamples, SecondOpinion};
use kiosk_core::assistant::{Assistant, AssistantConfig, Clock, Intent, Session, TurnInput};
use kiosk_core::{Lang, SearchRequest, StockLookup, TextEncoder};
use serde::Serialize;

use super::{ExitCode, open_snapshot};
use crate::cli::DataDirArg;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct BenchIntentsArgs {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    /// The held-out turns: a table per intent, an array per language.
    #[arg(
        long,
        default_value = "bench/intents/heldout.toml",
        value_name = "FILE"
    )]
    pub heldout: PathBuf,
    /// The E5S1 model file (default: `[embed] model`, else the manifest's
    /// multilingual-e5-small-q4). Loaded whether or not `[embed]` is
    /// enabled.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Wrongly read turns to print per reading.
    #[arg(long, default_value_t = 12, value_name = "N")]
    pub examples: usize,
    #[arg(long)]
    pub json: bool,
}

/// The nearest-example counts reported for the examples alone.
const KS: [usize; 5] = [1, 3, 5, 7, 9];
/// The agreement the combined readings are measured at.
const SHARES: [f32; 3] = [0.6, 0.8, 1.0];

#[derive(Debug, Default, Clone, Serialize)]
struct Tally {
    right: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.total += 1;
        self.right += usize::from(right);
    }

    fn accuracy(&self) -> f64 {
        self.right as f64 / self.total.max(1) as f64
    }
}

/// One way of reading turns, scored.
#[derive(Debug, Default, Serialize)]
struct Reading {
    name: String,
    all: Tally,
    by_language: BTreeMap<String, Tally>,
    by_intent: BTreeMap<String, Tally>,
    /// Turns read wrongly: "[lang] expected ← read: text".
    wrong: Vec<String>,
}

impl Reading {
    fn new(name: impl Into<String>) -> Reading {
        Reading {
            name: name.into(),
            ..Reading::default()
        }
    }

    fn add(&mut self, case: &Example, read: Intent) {
        let right = intents::label(read) == case.intent;
        self.all.add(right);
        self.by_language
            .entry(case.lang.code().to_string())
            .or_default()
            .add(right);
        self.by_intent
            .entry(intent_name(case.intent))
            .or_default()
            .add(right);
        if !right {
            self.wrong.push(format!(
                "[{}] {} ← {}: {}",
                case.lang.code(),
                intent_name(case.intent),
                intent_name(intents::label(read)),
                case.text
            ));
        }
    }
}

#[derive(Serialize)]
struct Figures {
    heldout: String,
    turns: usize,
    examples: usize,
    /// Seconds to embed the example set once (what start-up adds).
    embed_examples_s: f64,
    readings: Vec<Reading>,
}

fn intent_name(intent: Intent) -> String {
    serde_json::to_value(intent)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{intent:?}"))
}

pub fn run(config: &Config, args: &BenchIntentsArgs) -> anyhow::Result<ExitCode> {
    let source = std::fs::read_to_string(&args.heldout)
        .with_context(|| format!("reading {}", args.heldout.display()))?;
    let cases =
        intents::parse(&source).map_err(|e| anyhow::anyhow!("{}: {e}", args.heldout.display()))?;
    anyhow::ensure!(!cases.is_empty(), "{}: no turns", args.heldout.display());
    let snapshot = open_snapshot(config, args.data_dir.data_dir.as_ref())?;
    let embedder = crate::services::embed::open_embedder(config, args.model.as_deref())?;
    let encoder = Arc::new(QueryEncoder::new(embedder));
    let started = Instant::now();
    let examples = IntentExamples::build(encoder.clone())
        .map_err(|e| anyhow::anyhow!("embedding the intent examples: {e}"))?;
    let embed_examples_s = started.elapsed().as_secs_f64();
    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let vectors = encoder
        .query_vectors(&texts)
        .map_err(|e| anyhow::anyhow!("embedding the held-out turns: {e}"))?;

    let mut rules_config = config.assistant();
    rules_config.phrase_with_model = false;
    rules_config.understand_with_model = false;
    rules_config.second_opinion = SecondOpinion::Off;
    let combined: Vec<(String, AssistantConfig)> = [
        SecondOpinion::Unsure,
        SecondOpinion::RulesDefault,
        SecondOpinion::Disagree,
    ]
    .into_iter()
    .flat_map(|policy| SHARES.map(|share| (policy, share)))
    .map(|(policy, share)| {
        let name = match policy {
            SecondOpinion::Unsure => format!("rules, examples when unsure (≥{share:.1})"),
            SecondOpinion::Disagree => {
                format!("rules, examples when they differ (≥{share:.1})")
            }
            _ => format!("rules, examples on a default (≥{share:.1})"),
        };
        let mut c = rules_config.clone();
        c.second_opinion = policy;
        c.examples_min_share = share;
        (name, c)
    })
    .collect();

    let focus = product_in_focus(&snapshot)?;
    let now = snapshot.info().stock_as_of + jiff::SignedDuration::from_hours(13);
    let clock = Clock::utc(now);
    let session = || -> anyhow::Result<Session> {
        let mut session = Session::default();
        if let Some(id) = &focus {
            Assistant::new(&snapshot, &snapshot, &rules_config).pick(&mut session, id, None)?;
        }
        Ok(session)
    };

    let mut rules = Reading::new("rules alone");
    let mut nearest: Vec<Reading> = KS
        .iter()
        .map(|k| Reading::new(format!("examples alone (k={k})")))
        .collect();
    let mut both: Vec<Reading> = combined.iter().map(|(n, _)| Reading::new(n)).collect();
    for (case, vector) in cases.iter().zip(&vectors) {
        let input = TurnInput {
            text: case.text.clone(),
            lang: None,
        };
        let assistant = Assistant::new(&snapshot, &snapshot, &rules_config);
        let reply = assistant.turn(&mut session()?, &input, clock)?;
        rules.add(case, reply.intent);
        for (k, reading) in KS.iter().zip(&mut nearest) {
            let read = examples
                .nearest(vector, *k)
                .map_or(Intent::OutOfScope, |g| g.intent);
            reading.add(case, read);
        }
        for ((_, c), reading) in combined.iter().zip(&mut both) {
            let mut assistant = Assistant::new(&snapshot, &snapshot, c);
            assistant.examples = Some(&examples);
            let reply = assistant.turn(&mut session()?, &input, clock)?;
            reading.add(case, reply.intent);
        }
    }
    let mut readings = vec![rules];
    readings.extend(nearest);
    readings.extend(both);
    for r in &mut readings {
        r.wrong.truncate(args.examples);
    }
    let figures = Figures {
        heldout: args.heldout.display().to_string(),
        turns: cases.len(),
        examples: examples.len(),
        embed_examples_s,
        readings,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
        return Ok(ExitCode::Ok);
    }
    print_table(&figures);
    Ok(ExitCode::Ok)
}

/// A product of the store's largest category, for the turns to be about.
fn product_in_focus(snapshot: &kiosk_catalog::Snapshot) -> anyhow::Result<Option<String>> {
    let Some((category, _)) = snapshot.categories().iter().max_by_key(|(_, n)| *n) else {
        return Ok(None);
    };
    let mut request = SearchRequest::new(category.clone());
    request.filters.category = Some(category.clone());
    request.limit = 1;
    Ok(snapshot
        .search(&request)?
        .into_iter()
        .next()
        .map(|hit| hit.record.product.id))
}

fn print_table(f: &Figures) {
    println!(
        "{} held-out turns ({}); {} labelled examples, embedded in {:.1} s",
        f.turns, f.heldout, f.examples, f.embed_examples_s
    );
    print!("{:<46}", "reading");
    for lang in Lang::ALL {
        print!(" {:>7}", lang.code());
    }
    println!(" {:>7}", "all");
    for r in &f.readings {
        print!("{:<46}", r.name);
        for lang in Lang::ALL {
            let t = r.by_language.get(lang.code()).cloned().unwrap_or_default();
            print!(" {:>6.1}%", t.accuracy() * 100.0);
        }
        println!(" {:>6.1}%", r.all.accuracy() * 100.0);
    }
    for r in &f.readings {
        if r.name.contains("k=3") || r.name.contains("k=7") || r.name.contains("k=9") {
            continue;
        }
        println!("{}: by intent", r.name);
        for (intent, t) in &r.by_intent {
            println!("  {intent:<14} {:>3}/{:<3}", t.right, t.total);
        }
        for w in &r.wrong {
            println!("  WRONG {w}");
        }
    }
}
