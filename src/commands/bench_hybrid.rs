//! `kiosk bench hybrid`: what search by meaning costs at a store's scale.
//! The memory the embedding model and the product vectors add to the
//! process, and the latency of a shopper's query on `[embed] threads`
//! threads: its embedding, the scan over the product vectors, the whole
//! hybrid search (query embedded afresh each time) and the same search by
//! words alone.
//!
//! A snapshot imported without the model (a generated 100k catalog: no
//! machine here embeds 100k products in a bench's time) gets stand-in
//! vectors: the real embeddings of some of its products, repeated over the
//! rest. They hold the same memory and cost the same per query; which
//! products they find means nothing, so no recall is reported.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use kiosk_bench::quality;
use kiosk_embed::TextKind;
use serde::Serialize;

use super::bench::{percentiles, rss_mib};
use super::{ExitCode, open_snapshot};
use crate::cli::DataDirArg;
use crate::config::Config;
use crate::output::count;

/// The targets at 100k products on 2 threads.
const TARGET_P50_MS: f64 = 30.0;
const TARGET_P99_MS: f64 = 80.0;
const TARGET_MEMORY_MB: f64 = 120.0;

#[derive(Debug, Args)]
pub struct BenchHybridArgs {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    /// Queries to time (a labelled queries file; only the queries and
    /// their filters are used).
    #[arg(long, default_value = "catalog/queries.tsv", value_name = "FILE")]
    pub queries: PathBuf,
    /// Timed runs of each query, after one warm-up.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// The E5S1 model file (default: `[embed] model`, else the manifest's
    /// multilingual-e5-small-q4). Loaded whether or not `[embed]` is
    /// enabled.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// When the snapshot has no vectors: how many of its products to embed
    /// for the stand-in vectors repeated over all of them.
    #[arg(long, default_value_t = 512, value_name = "N")]
    pub stand_ins: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Default, Serialize)]
struct Latency {
    p50_ms: f64,
    p99_ms: f64,
}

impl Latency {
    fn of(times: &mut [Duration]) -> Latency {
        let (p50_ms, p99_ms) = percentiles(times);
        Latency { p50_ms, p99_ms }
    }
}

#[derive(Debug, Serialize)]
struct Report {
    snapshot: String,
    n_products: u64,
    n_vectors: usize,
    /// `real`: the snapshot's own vectors; `stand-in`: see the module doc.
    vectors_kind: &'static str,
    threads: usize,
    n_queries: usize,
    rounds: usize,
    load_before: Option<f64>,
    load_after: Option<f64>,
    /// Resident memory the model added when it loaded (VmRSS).
    model_mib: f64,
    /// The product vectors' bytes in memory.
    vectors_mib: f64,
    /// Model, vectors and the searches' working memory: resident memory
    /// after every timed query less before the model loaded (search by
    /// words alone having run every query), plus the snapshot's own
    /// vectors, which load with it, less what building stand-ins left.
    added_mib: f64,
    added_mb: f64,
    /// Heap that embedding the stand-ins' passages left resident: not
    /// counted in `added_mib` (a kiosk embeds only queries).
    stand_in_leftover_mib: f64,
    embed: Latency,
    scan: Latency,
    hybrid: Latency,
    lexical: Latency,
    /// CPU seconds the process used per hybrid search (all threads).
    hybrid_cpu_ms: f64,
}

pub fn run(config: &Config, args: BenchHybridArgs) -> anyhow::Result<ExitCode> {
    let mut snapshot = open_snapshot(config, args.data_dir.data_dir.as_ref())?;
    let own_vectors_mib = snapshot
        .vectors()
        .map_or(0.0, |v| v.memory_bytes() as f64 / (1 << 20) as f64);
    let queries = quality::load(&args.queries)?;
    let rounds = args.rounds.max(1);
    // Search by words alone first, so what it holds is not counted.
    for q in &queries {
        std::hint::black_box(snapshot.search_lexical(&q.request(5))?);
    }
    let rss_before = rss_mib();
    let embedder = crate::services::embed::open_embedder(config, args.model.as_deref())?;
    let model_mib = rss_mib() - rss_before;
    let state = snapshot.attach_embedder(embedder.clone());
    let (vectors_kind, stand_in_leftover_mib) = if snapshot.embedder().is_some() {
        ("real", 0.0)
    } else {
        eprintln!(
            "{state}: embedding {} products for stand-in vectors",
            args.stand_ins
        );
        let before = rss_mib();
        snapshot
            .use_stand_in_vectors(embedder.clone(), args.stand_ins)
            .context("building stand-in vectors")?;
        let vectors_mib = snapshot
            .vectors()
            .map_or(0.0, |v| v.memory_bytes() as f64 / (1 << 20) as f64);
        ("stand-in", (rss_mib() - before - vectors_mib).max(0.0))
    };
    let Some(vectors) = snapshot.vectors() else {
        anyhow::bail!("the snapshot has no products to search");
    };
    let load_before = super::load_average();
    let mut times: [Vec<Duration>; 4] = Default::default();
    let mut hybrid_cpu = Duration::ZERO;
    for q in &queries {
        let request = q.request(5);
        snapshot.forget_queries();
        std::hint::black_box(snapshot.search(&request)?);
        for _ in 0..rounds {
            let t = Instant::now();
            let query = embedder.embed(TextKind::Query, &q.query);
            times[0].push(t.elapsed());
            let allowed = snapshot.index().filtered_rowids(&request.filters)?;
            let t = Instant::now();
            std::hint::black_box(vectors.nearest(&query, allowed.as_deref(), 40));
            times[1].push(t.elapsed());
            snapshot.forget_queries();
            let (t, cpu) = (Instant::now(), cpu_time());
            std::hint::black_box(snapshot.search(&request)?);
            times[2].push(t.elapsed());
            hybrid_cpu += cpu_time().saturating_sub(cpu);
            let t = Instant::now();
            std::hint::black_box(snapshot.search_lexical(&request)?);
            times[3].push(t.elapsed());
        }
    }
    let added_mib = rss_mib() - rss_before + own_vectors_mib - stand_in_leftover_mib;
    let [embed, scan, hybrid, lexical] = &mut times;
    let report = Report {
        snapshot: snapshot.info().id.clone(),
        n_products: snapshot.info().n_products,
        n_vectors: vectors.len(),
        vectors_kind,
        threads: embedder.threads(),
        n_queries: queries.len(),
        rounds,
        load_before,
        load_after: super::load_average(),
        model_mib,
        vectors_mib: vectors.memory_bytes() as f64 / (1 << 20) as f64,
        added_mib,
        added_mb: added_mib * (1 << 20) as f64 / 1e6,
        stand_in_leftover_mib,
        embed: Latency::of(embed),
        scan: Latency::of(scan),
        hybrid: Latency::of(hybrid),
        lexical: Latency::of(lexical),
        hybrid_cpu_ms: hybrid_cpu.as_secs_f64() * 1e3 / (queries.len() * rounds).max(1) as f64,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(ExitCode::Ok)
}

fn print_report(r: &Report) {
    let load = |l: Option<f64>| l.map_or("?".to_string(), |l| format!("{l:.1}"));
    println!(
        "{} products (snapshot {}), {} {} vectors; {} queries × {} rounds on {} threads; load average {} before, {} after",
        count(r.n_products),
        r.snapshot,
        count(r.n_vectors as u64),
        r.vectors_kind,
        r.n_queries,
        r.rounds,
        r.threads,
        load(r.load_before),
        load(r.load_after)
    );
    println!(
        "memory added: {:.1} MiB ({:.1} MB): model {:.1} MiB, vectors {:.1} MiB, the rest the searches' working memory",
        r.added_mib, r.added_mb, r.model_mib, r.vectors_mib
    );
    println!(
        "p50/p99 ms: embed query {:.2}/{:.2}, vector scan {:.2}/{:.2}, hybrid search {:.2}/{:.2} ({:.1} ms CPU each), lexical only {:.2}/{:.2}",
        r.embed.p50_ms,
        r.embed.p99_ms,
        r.scan.p50_ms,
        r.scan.p99_ms,
        r.hybrid.p50_ms,
        r.hybrid.p99_ms,
        r.hybrid_cpu_ms,
        r.lexical.p50_ms,
        r.lexical.p99_ms
    );
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "targets: hybrid p50 ≤ {TARGET_P50_MS} ms {}, p99 ≤ {TARGET_P99_MS} ms {}, memory added ≤ {TARGET_MEMORY_MB} MB {}",
        met(r.hybrid.p50_ms <= TARGET_P50_MS),
        met(r.hybrid.p99_ms <= TARGET_P99_MS),
        met(r.added_mb <= TARGET_MEMORY_MB)
    );
    if r.vectors_kind == "stand-in" {
        println!(
            "stand-in vectors: the real embeddings of a few of the products repeated over all; memory and latency as real, relevance not measured; building them left {:.1} MiB of heap, not counted",
            r.stand_in_leftover_mib
        );
    }
}

/// CPU time the process has used (all threads), from /proc/self/stat.
fn cpu_time() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            let fields: Vec<u64> = stat
                .rsplit(')')
                .next()?
                .split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|f| f.parse().ok())
                .collect();
            Some(fields.iter().sum::<u64>())
        })
        .unwrap_or(0);
    // The kernel counts in USER_HZ, 100 per second on Linux.
    Duration::from_millis(ticks * 10)
}
