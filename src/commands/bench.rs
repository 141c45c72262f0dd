//! `kiosk bench`: figures for the closing notes, measured in one run, with
//! the peer measured beside the kiosk on the same data and queries.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use kiosk_bench::fts5::Fts5Baseline;
use kiosk_bench::generate::{GenerateOptions, generate};
use kiosk_bench::{quality, relevance};
use kiosk_catalog::{DataDir, ImportOptions};
use kiosk_core::{Filters, SearchRequest};
use serde::Serialize;

use super::{ExitCode, open_snapshot};
use crate::cli::{BenchCommand, RelevanceArgs};
use crate::config::Config;
use crate::output::{TerminalProgress, count};

pub fn run(config: &Config, cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCommand::Generate {
            from,
            out,
            products,
        } => {
            let started = Instant::now();
            let summary = generate(&GenerateOptions {
                from,
                out,
                products,
                variants_per_product: 10,
                seed: 20261123,
            })?;
            println!(
                "wrote {} products, {} variants ({:.1} MiB) to {} in {:.1} s",
                count(summary.n_products),
                count(summary.n_variants),
                summary.bytes as f64 / (1 << 20) as f64,
                summary.out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::Ok)
        }
        BenchCommand::Import {
            from,
            data_dir,
            reimport,
            json,
        } => bench_import(config, &from, data_dir.data_dir.as_ref(), reimport, json),
        BenchCommand::Assistant {
            data_dir,
            dialogues,
            rounds,
            with_model,
            with_examples,
            json,
        } => bench_assistant(
            config,
            data_dir.data_dir.as_ref(),
            &dialogues,
            rounds,
            (with_model, with_examples),
            json,
        ),
        BenchCommand::Search {
            data_dir,
            queries,
            rounds,
            json,
        } => bench_search(config, data_dir.data_dir.as_ref(), &queries, rounds, json),
        BenchCommand::Relevance(args) => bench_relevance(config, &args),
        BenchCommand::Stores(args) => super::bench_stores::run(config, &args),
        BenchCommand::Images {
            from,
            products,
            thumbnail_cache,
            json,
        } => super::bench_images::run(&from, products, thumbnail_cache.as_deref(), json),
        BenchCommand::Asr(args) => super::speech::bench_asr(config, args),
        BenchCommand::Voice(args) => super::speech::voice::bench_voice(config, args),
        BenchCommand::Llm(args) => super::llm::bench(config, args),
        BenchCommand::Embed(args) => super::embed::bench(config, args),
        BenchCommand::Hybrid(args) => super::bench_hybrid::run(config, args),
        BenchCommand::Ime(args) => super::bench_ime::run(&args),
        BenchCommand::Serve(args) => super::bench_serve::run(&args),
        BenchCommand::Intents(args) => super::bench_intents::run(config, &args),
    }
}

#[derive(Serialize)]
struct ImportFigures {
    source: String,
    n_products: u64,
    n_variants: u64,
    seconds: f64,
    parse_seconds: f64,
    index_seconds: f64,
    peak_rss_mib: f64,
    /// The peak of the memory the import holds itself (`RssAnon`), without
    /// the pages of the files it maps, which the kernel can drop.
    peak_anon_mib: f64,
    sqlite_mib: f64,
    index_mib: f64,
    /// The product vectors: `None` without the embedding model.
    vectors: Option<VectorFigures>,
    /// The same source imported again over the first: only changed
    /// passages are embedded.
    reimport: Option<ReimportFigures>,
}

#[derive(Serialize)]
struct VectorFigures {
    computed: u64,
    reused: u64,
    /// The time embedding added to the import.
    seconds: f64,
    seconds_per_1k: f64,
    /// `seconds_per_1k` × 100, at this machine's load and thread count.
    seconds_per_100k_extrapolated: f64,
    threads: usize,
}

#[derive(Serialize)]
struct ReimportFigures {
    seconds: f64,
    vector_seconds: f64,
    computed: u64,
    reused: u64,
}

fn bench_import(
    config: &Config,
    from: &Path,
    data_dir: Option<&std::path::PathBuf>,
    reimport: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let dir = DataDir::new(config.data_dir(data_dir));
    let mut options = ImportOptions::new(from);
    match crate::services::embed::product_embedder(config) {
        Ok(embedder) => options.embedder = Some(embedder),
        Err(why) => eprintln!("{}: {why}", kiosk_catalog::vectors::NO_MODEL),
    }
    let started = Instant::now();
    let anon = super::bench_images::AnonSampler::start();
    let mut progress = TerminalProgress::new();
    let summary = kiosk_catalog::import::import(&dir, &options, &mut progress);
    progress.finish();
    let peak_anon_mib = anon.take_peak_mib();
    drop(anon);
    let summary = summary.with_context(|| format!("importing {}", from.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let again = if reimport {
        let started = Instant::now();
        let mut progress = TerminalProgress::new();
        let again = kiosk_catalog::import::import(&dir, &options, &mut progress);
        progress.finish();
        let again = again.with_context(|| format!("importing {} again", from.display()))?;
        Some(ReimportFigures {
            seconds: started.elapsed().as_secs_f64(),
            vector_seconds: again
                .vectors
                .as_ref()
                .map_or(0.0, |v| v.elapsed_ms as f64 / 1000.0),
            computed: again.vectors.as_ref().map_or(0, |v| v.computed),
            reused: again.vectors.as_ref().map_or(0, |v| v.reused),
        })
    } else {
        None
    };
    let vectors = summary.vectors.as_ref().map(|v| {
        let seconds = v.elapsed_ms as f64 / 1000.0;
        let per_1k = seconds * 1000.0 / summary.n_products.max(1) as f64;
        VectorFigures {
            computed: v.computed,
            reused: v.reused,
            seconds,
            seconds_per_1k: per_1k,
            seconds_per_100k_extrapolated: per_1k * 100.0,
            threads: config.embed.threads,
        }
    });
    let figures = ImportFigures {
        source: from.display().to_string(),
        n_products: summary.n_products,
        n_variants: summary.n_variants,
        seconds,
        parse_seconds: summary.parse_ms as f64 / 1000.0,
        index_seconds: summary.index_ms as f64 / 1000.0,
        peak_rss_mib: peak_rss_mib(),
        peak_anon_mib,
        sqlite_mib: file_size(
            &summary
                .snapshot_path
                .join(kiosk_catalog::schema::SNAPSHOT_DB),
        ) as f64
            / (1 << 20) as f64,
        index_mib: dir_size(&summary.snapshot_path.join(kiosk_catalog::schema::INDEX_DIR)) as f64
            / (1 << 20) as f64,
        vectors,
        reimport: again,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        println!(
            "import: {} products, {} variants in {:.1} s (rows {:.1} s, index {:.1} s); peak RSS {:.0} MiB ({:.0} MiB anonymous); sqlite {:.1} MiB, index {:.1} MiB",
            count(figures.n_products),
            count(figures.n_variants),
            figures.seconds,
            figures.parse_seconds,
            figures.index_seconds,
            figures.peak_rss_mib,
            figures.peak_anon_mib,
            figures.sqlite_mib,
            figures.index_mib
        );
        match &figures.vectors {
            Some(v) => println!(
                "vectors: {} embedded, {} reused in {:.1} s on {} threads: {:.2} s per 1k products, {:.0} s per 100k (extrapolated)",
                count(v.computed),
                count(v.reused),
                v.seconds,
                v.threads,
                v.seconds_per_1k,
                v.seconds_per_100k_extrapolated
            ),
            None => println!("vectors: none ({})", kiosk_catalog::vectors::NO_MODEL),
        }
        if let Some(r) = &figures.reimport {
            println!(
                "re-import of the same source: {:.1} s, of it vectors {:.1} s ({} embedded, {} reused)",
                r.seconds,
                r.vector_seconds,
                count(r.computed),
                count(r.reused)
            );
        }
    }
    Ok(ExitCode::Ok)
}

#[derive(Default, Serialize)]
struct ClassFigures {
    queries: usize,
    kiosk_recall_at_5: f64,
    fts5_recall_at_5: f64,
    kiosk_p50_ms: f64,
    kiosk_p99_ms: f64,
    fts5_p50_ms: f64,
    fts5_p99_ms: f64,
    #[serde(skip)]
    kiosk_times: Vec<Duration>,
    #[serde(skip)]
    fts5_times: Vec<Duration>,
    #[serde(skip)]
    kiosk_recall_sum: f64,
    #[serde(skip)]
    fts5_recall_sum: f64,
}

#[derive(Serialize)]
struct SearchFigures {
    snapshot: String,
    n_products: u64,
    n_queries: usize,
    rounds: usize,
    classes: BTreeMap<String, ClassFigures>,
    all: ClassFigures,
    /// FTS5 p99 latency over the kiosk's (above 1: the kiosk is faster).
    p99_ratio_fts5_over_kiosk: f64,
    misses: Vec<Miss>,
    /// Search by meaning beside search by words; `None` when the
    /// snapshot has no vectors or the model is missing.
    hybrid: Option<HybridFigures>,
}

/// The vector side's cost and what it changes, over the same queries.
#[derive(Default, Serialize)]
struct HybridFigures {
    n_vectors: usize,
    threads: usize,
    /// The product vectors in memory.
    vectors_mib: f64,
    /// Resident memory the embedding model added when it loaded.
    model_rss_mib: f64,
    /// Embedding the query (never cached here).
    embed_p50_ms: f64,
    embed_p99_ms: f64,
    /// The exact dot products over every allowed product, filters applied.
    scan_p50_ms: f64,
    scan_p99_ms: f64,
    /// A whole hybrid search with its query embedded afresh.
    hybrid_p50_ms: f64,
    hybrid_p99_ms: f64,
    /// The same search by words alone.
    lexical_p50_ms: f64,
    lexical_p99_ms: f64,
    hybrid_recall_at_5: f64,
    lexical_recall_at_5: f64,
}

#[derive(Serialize)]
struct Miss {
    line: u64,
    class: String,
    query: String,
    recall: f64,
    top: Vec<String>,
}

fn bench_search(
    config: &Config,
    data_dir: Option<&std::path::PathBuf>,
    queries_path: &Path,
    rounds: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let mut snapshot = open_snapshot(config, data_dir)?;
    let rss_before = rss_mib();
    let mut hybrid = None;
    if snapshot.vectors().is_some() {
        match crate::services::embed::product_embedder(config) {
            Ok(embedder) => {
                let state = snapshot.attach_embedder(embedder);
                eprintln!("search: {state}");
                hybrid = snapshot.embedder().is_some().then(|| HybridFigures {
                    model_rss_mib: rss_mib() - rss_before,
                    ..HybridFigures::default()
                });
            }
            Err(why) => eprintln!("search: lexical only, no embedding model ({why})"),
        }
    } else {
        eprintln!("search: {}", snapshot.semantic_state());
    }
    let queries = quality::load(queries_path)?;
    let db = quality::open_db(snapshot.path())?;
    let work = config.data_dir(data_dir).join("bench");
    let build_started = Instant::now();
    let fts = Fts5Baseline::build(snapshot.path(), &work)?;
    eprintln!(
        "built the FTS5 baseline in {:.1} s",
        build_started.elapsed().as_secs_f64()
    );
    let mut classes: BTreeMap<String, ClassFigures> = BTreeMap::new();
    let mut all = ClassFigures::default();
    let mut misses = Vec::new();
    let mut times: [Vec<Duration>; 4] = Default::default();
    let (mut hybrid_recall, mut lexical_recall) = (0.0, 0.0);
    for q in &queries {
        let relevant = quality::relevant_ids(&db, q)?;
        let request = q.request(5);
        if let (Some(_), Some(embedder), Some(vectors)) =
            (&hybrid, snapshot.embedder(), snapshot.vectors())
        {
            let ids = |hits: Vec<kiosk_core::ProductHit>| -> Vec<String> {
                hits.into_iter().map(|h| h.record.product.id).collect()
            };
            hybrid_recall += quality::recall_at(5, &ids(snapshot.search(&request)?), &relevant);
            lexical_recall +=
                quality::recall_at(5, &ids(snapshot.search_lexical(&request)?), &relevant);
            for _ in 0..rounds {
                let t = Instant::now();
                let query = embedder.embed(kiosk_embed::TextKind::Query, &q.query);
                times[0].push(t.elapsed());
                let allowed = snapshot.index().filtered_rowids(&request.filters)?;
                let t = Instant::now();
                std::hint::black_box(vectors.nearest(&query, allowed.as_deref(), 40));
                times[1].push(t.elapsed());
                snapshot.forget_queries();
                let t = Instant::now();
                std::hint::black_box(snapshot.search(&request)?);
                times[2].push(t.elapsed());
                let t = Instant::now();
                std::hint::black_box(snapshot.search_lexical(&request)?);
                times[3].push(t.elapsed());
            }
        }
        // Warm both once, then time `rounds` runs each, interleaved.
        let ours: Vec<String> = snapshot
            .search(&request)?
            .into_iter()
            .map(|h| h.record.product.id)
            .collect();
        let theirs = fts.search(&q.query, q.prefix, &q.filters, 5)?;
        let class = classes.entry(q.class.clone()).or_default();
        for _ in 0..rounds {
            let t = Instant::now();
            std::hint::black_box(snapshot.search(&request)?);
            let ours_time = t.elapsed();
            let t = Instant::now();
            std::hint::black_box(fts.search(&q.query, q.prefix, &q.filters, 5)?);
            let theirs_time = t.elapsed();
            for c in [&mut *class, &mut all] {
                c.kiosk_times.push(ours_time);
                c.fts5_times.push(theirs_time);
            }
        }
        let r_ours = quality::recall_at(5, &ours, &relevant);
        let r_theirs = quality::recall_at(5, &theirs, &relevant);
        for c in [&mut *class, &mut all] {
            c.queries += 1;
            c.kiosk_recall_sum += r_ours;
            c.fts5_recall_sum += r_theirs;
        }
        if r_ours < 1.0 {
            misses.push(Miss {
                line: q.line,
                class: q.class.clone(),
                query: q.query.clone(),
                recall: r_ours,
                top: ours,
            });
        }
    }
    for c in classes.values_mut().chain(std::iter::once(&mut all)) {
        c.kiosk_recall_at_5 = c.kiosk_recall_sum / c.queries.max(1) as f64;
        c.fts5_recall_at_5 = c.fts5_recall_sum / c.queries.max(1) as f64;
        (c.kiosk_p50_ms, c.kiosk_p99_ms) = percentiles(&mut c.kiosk_times);
        (c.fts5_p50_ms, c.fts5_p99_ms) = percentiles(&mut c.fts5_times);
    }
    if let (Some(h), Some(vectors)) = (&mut hybrid, snapshot.vectors()) {
        h.n_vectors = vectors.len();
        h.threads = config.embed.threads;
        h.vectors_mib = vectors.memory_bytes() as f64 / (1 << 20) as f64;
        (h.embed_p50_ms, h.embed_p99_ms) = percentiles(&mut times[0]);
        (h.scan_p50_ms, h.scan_p99_ms) = percentiles(&mut times[1]);
        (h.hybrid_p50_ms, h.hybrid_p99_ms) = percentiles(&mut times[2]);
        (h.lexical_p50_ms, h.lexical_p99_ms) = percentiles(&mut times[3]);
        h.hybrid_recall_at_5 = hybrid_recall / queries.len().max(1) as f64;
        h.lexical_recall_at_5 = lexical_recall / queries.len().max(1) as f64;
    }
    let figures = SearchFigures {
        hybrid,
        snapshot: snapshot.info().id.clone(),
        n_products: snapshot.info().n_products,
        n_queries: queries.len(),
        rounds,
        p99_ratio_fts5_over_kiosk: all.fts5_p99_ms / all.kiosk_p99_ms.max(1e-9),
        classes,
        all,
        misses,
    };
    let _ = std::fs::remove_file(fts.path());
    if json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
        return Ok(ExitCode::Ok);
    }
    println!(
        "{} queries × {} rounds on {} products (snapshot {})",
        figures.n_queries,
        rounds,
        count(figures.n_products),
        figures.snapshot
    );
    println!(
        "{:<14} {:>4}  {:>9} {:>9}  {:>8} {:>8}  {:>8} {:>8}",
        "class", "n", "recall@5", "fts5", "p50 ms", "p99 ms", "fts5 p50", "fts5 p99"
    );
    for (name, c) in figures
        .classes
        .iter()
        .chain(std::iter::once((&"all".to_string(), &figures.all)))
    {
        println!(
            "{:<14} {:>4}  {:>9.3} {:>9.3}  {:>8.2} {:>8.2}  {:>8.2} {:>8.2}",
            name,
            c.queries,
            c.kiosk_recall_at_5,
            c.fts5_recall_at_5,
            c.kiosk_p50_ms,
            c.kiosk_p99_ms,
            c.fts5_p50_ms,
            c.fts5_p99_ms
        );
    }
    println!(
        "p99 latency ratio fts5/kiosk: {:.2}",
        figures.p99_ratio_fts5_over_kiosk
    );
    if let Some(h) = &figures.hybrid {
        println!(
            "by meaning: {} vectors ({:.1} MiB) + model ({:.1} MiB RSS) on {} threads",
            count(h.n_vectors as u64),
            h.vectors_mib,
            h.model_rss_mib,
            h.threads
        );
        println!(
            "  p50/p99 ms: embed query {:.2}/{:.2}, vector scan {:.2}/{:.2}, hybrid search {:.2}/{:.2}, lexical only {:.2}/{:.2}",
            h.embed_p50_ms,
            h.embed_p99_ms,
            h.scan_p50_ms,
            h.scan_p99_ms,
            h.hybrid_p50_ms,
            h.hybrid_p99_ms,
            h.lexical_p50_ms,
            h.lexical_p99_ms
        );
        println!(
            "  recall@5: hybrid {:.3}, lexical only {:.3}",
            h.hybrid_recall_at_5, h.lexical_recall_at_5
        );
    }
    for m in figures.misses.iter().take(15) {
        println!(
            "  miss (line {}, {}): {:?} recall {:.2} → {}",
            m.line,
            m.class,
            m.query,
            m.recall,
            m.top.join(", ")
        );
    }
    Ok(ExitCode::Ok)
}

#[derive(Default, Serialize)]
struct SystemFigures {
    ndcg_at_10: f64,
    recall_at_10: f64,
    zero_result_rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    #[serde(skip)]
    times: Vec<Duration>,
    #[serde(skip)]
    ndcg_sum: f64,
    #[serde(skip)]
    recall_sum: f64,
    #[serde(skip)]
    zero: usize,
}

impl SystemFigures {
    fn add(&mut self, ranked: &[String], gains: &std::collections::HashMap<String, u8>) -> f64 {
        let ndcg = relevance::ndcg_at(10, ranked, gains);
        self.ndcg_sum += ndcg;
        self.recall_sum += relevance::recall_at(10, ranked, gains);
        self.zero += usize::from(ranked.is_empty());
        ndcg
    }

    fn finish(&mut self, n: usize) {
        let n = n.max(1) as f64;
        self.ndcg_at_10 = self.ndcg_sum / n;
        self.recall_at_10 = self.recall_sum / n;
        self.zero_result_rate = self.zero as f64 / n;
        (self.p50_ms, self.p99_ms) = percentiles(&mut self.times);
    }
}

#[derive(Serialize)]
struct RelevanceFigures {
    n_products: u64,
    n_queries: usize,
    rounds: usize,
    /// The kiosk searching by words alone.
    kiosk: SystemFigures,
    /// With `--vectors`: the kiosk searching by words and meaning.
    #[serde(skip_serializing_if = "Option::is_none")]
    hybrid: Option<SystemFigures>,
    fts5: SystemFigures,
    /// The queries where the kiosk (by words) ranks furthest below FTS5.
    worst: Vec<QueryDelta>,
}

#[derive(Serialize)]
struct QueryDelta {
    query: String,
    kiosk_ndcg: f64,
    fts5_ndcg: f64,
}

fn bench_relevance(config: &Config, args: &RelevanceArgs) -> anyhow::Result<ExitCode> {
    let set = relevance::RelevanceSet::load_wands(&args.products, &args.queries, &args.labels)?;
    let work = match &args.work_dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("kiosk-relevance-{}", std::process::id())),
    };
    let catalog = work.join("catalog");
    set.write_native_catalog(&catalog)?;
    let data_dir = work.join("data");
    let embedder = if args.vectors {
        Some(crate::services::embed::open_embedder(config, None)?)
    } else {
        None
    };
    let mut options = ImportOptions::new(&catalog);
    options.embedder = embedder.clone();
    let mut progress = TerminalProgress::new();
    let imported = kiosk_catalog::import::import(&DataDir::new(&data_dir), &options, &mut progress);
    progress.finish();
    imported.with_context(|| format!("importing the set from {}", catalog.display()))?;
    let mut snapshot = open_snapshot(config, Some(&data_dir))?;
    if let Some(embedder) = embedder {
        let state = snapshot.attach_embedder(embedder);
        if !matches!(state, kiosk_catalog::snapshot::SemanticState::Hybrid { .. }) {
            anyhow::bail!("--vectors: search by meaning is off ({state})");
        }
    }
    let fts = Fts5Baseline::build(snapshot.path(), &work)?;
    let mut kiosk = SystemFigures::default();
    let mut hybrid = args.vectors.then(SystemFigures::default);
    let mut fts5 = SystemFigures::default();
    let mut deltas = Vec::new();
    let titles: std::collections::HashMap<&str, &str> = set
        .products
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let mut per_query = String::from("query\tkiosk_ndcg\tfts5_ndcg\tkiosk_top\tfts5_top\tjudged\n");
    for q in &set.queries {
        let request = SearchRequest {
            text: q.text.clone(),
            lang: None,
            filters: Filters::default(),
            limit: 10,
            prefix: false,
        };
        let ids = |hits: Vec<kiosk_core::ProductHit>| -> Vec<String> {
            hits.into_iter().map(|h| h.record.product.id).collect()
        };
        let ours = ids(snapshot.search_lexical(&request)?);
        let theirs = fts.search(&q.text, false, &Filters::default(), 10)?;
        if let Some(hybrid) = &mut hybrid {
            let both = ids(snapshot.search(&request)?);
            for _ in 0..args.rounds {
                snapshot.forget_queries();
                let t = Instant::now();
                std::hint::black_box(snapshot.search(&request)?);
                hybrid.times.push(t.elapsed());
            }
            hybrid.add(&both, &q.gains);
        }
        for _ in 0..args.rounds {
            let t = Instant::now();
            std::hint::black_box(snapshot.search_lexical(&request)?);
            kiosk.times.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(fts.search(&q.text, false, &Filters::default(), 10)?);
            fts5.times.push(t.elapsed());
        }
        let kiosk_ndcg = kiosk.add(&ours, &q.gains);
        let fts5_ndcg = fts5.add(&theirs, &q.gains);
        if args.per_query.is_some() {
            let top = |ranked: &[String]| -> String {
                ranked
                    .iter()
                    .map(|id| {
                        let title: String = titles
                            .get(id.as_str())
                            .copied()
                            .unwrap_or("")
                            .chars()
                            .take(90)
                            .collect();
                        format!("{}:{title}", q.gains.get(id).copied().unwrap_or(0))
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            let mut judged: Vec<String> = q
                .gains
                .iter()
                .filter(|(_, g)| **g > 0)
                .map(|(id, _)| id.clone())
                .collect();
            judged.sort_by(|a, b| q.gains[b].cmp(&q.gains[a]).then(a.cmp(b)));
            per_query.push_str(&format!(
                "{}\t{kiosk_ndcg:.3}\t{fts5_ndcg:.3}\t{}\t{}\t{}\n",
                q.text.replace('\t', " "),
                top(&ours),
                top(&theirs),
                top(&judged)
            ));
        }
        deltas.push(QueryDelta {
            query: q.text.clone(),
            kiosk_ndcg,
            fts5_ndcg,
        });
    }
    kiosk.finish(set.queries.len());
    if let Some(hybrid) = &mut hybrid {
        hybrid.finish(set.queries.len());
    }
    fts5.finish(set.queries.len());
    if let Some(path) = &args.per_query {
        std::fs::write(path, &per_query).with_context(|| format!("writing {}", path.display()))?;
    }
    deltas.sort_by(|a, b| {
        (a.kiosk_ndcg - a.fts5_ndcg)
            .partial_cmp(&(b.kiosk_ndcg - b.fts5_ndcg))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    deltas.retain(|d| d.kiosk_ndcg < d.fts5_ndcg);
    deltas.truncate(args.worst);
    let figures = RelevanceFigures {
        n_products: snapshot.info().n_products,
        n_queries: set.queries.len(),
        rounds: args.rounds,
        kiosk,
        hybrid,
        fts5,
        worst: deltas,
    };
    drop(fts);
    if args.work_dir.is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
        return Ok(ExitCode::Ok);
    }
    println!(
        "{} judged queries × {} rounds on {} products",
        figures.n_queries,
        figures.rounds,
        count(figures.n_products)
    );
    println!(
        "{:<7} {:>8} {:>10} {:>12} {:>8} {:>8}",
        "system", "NDCG@10", "recall@10", "zero-result", "p50 ms", "p99 ms"
    );
    let mut rows = vec![("kiosk", &figures.kiosk)];
    if let Some(hybrid) = &figures.hybrid {
        rows.push(("hybrid", hybrid));
    }
    rows.push(("fts5", &figures.fts5));
    for (name, s) in rows {
        println!(
            "{:<7} {:>8.3} {:>10.3} {:>12.3} {:>8.2} {:>8.2}",
            name, s.ndcg_at_10, s.recall_at_10, s.zero_result_rate, s.p50_ms, s.p99_ms
        );
    }
    for d in &figures.worst {
        println!(
            "  behind fts5: {:?} NDCG {:.2} vs {:.2}",
            d.query, d.kiosk_ndcg, d.fts5_ndcg
        );
    }
    Ok(ExitCode::Ok)
}

#[derive(Serialize)]
struct AssistantFigures {
    turns: usize,
    rounds: usize,
    accuracy: f64,
    by_language: BTreeMap<String, LanguageFigures>,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    failures: Vec<String>,
    /// With `--with-model`: what the model did, per language.
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<ModelFigures>,
    /// With `--with-examples`: turns whose intent the nearest labelled
    /// examples chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    example_chose: Option<usize>,
}

/// What the language model contributed over one pass of the set.
#[derive(Serialize, Default)]
struct ModelFigures {
    model: String,
    /// Turns whose intent the model chose (the rules were unsure).
    chosen: usize,
    /// Per language: phrasings written, shown, rejected by the verifier.
    phrasing: std::collections::BTreeMap<String, PhrasingFigures>,
    /// Why phrasings were rejected, by kind.
    violations: std::collections::BTreeMap<String, usize>,
    /// Rejected phrasings, for reading.
    rejected_examples: Vec<String>,
}

#[derive(Serialize, Default)]
struct PhrasingFigures {
    written: usize,
    shown: usize,
    rejected: usize,
}

#[derive(Serialize)]
struct LanguageFigures {
    passed: usize,
    total: usize,
    accuracy: f64,
}

fn bench_assistant(
    config: &Config,
    data_dir: Option<&std::path::PathBuf>,
    dialogues_path: &Path,
    rounds: usize,
    (with_model, with_examples): (bool, bool),
    json: bool,
) -> anyhow::Result<ExitCode> {
    use kiosk_core::assistant::eval;
    use kiosk_core::assistant::{Assistant, Clock};
    let snapshot = open_snapshot(config, data_dir)?;
    let files: Vec<std::path::PathBuf> = if dialogues_path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(dialogues_path)
            .with_context(|| format!("reading {}", dialogues_path.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        files
    } else {
        vec![dialogues_path.to_path_buf()]
    };
    let mut dialogues = Vec::new();
    for f in &files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        dialogues.extend(eval::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?);
    }
    let mut assistant_config = config.assistant();
    if with_model && config.assistant.phrase_languages.is_none() {
        // Measure phrasing in every language: these figures are what the
        // per-model default of [assistant] phrase_languages rests on.
        assistant_config.phrase_languages = kiosk_core::Lang::ALL.to_vec();
    }
    let generator = if with_model {
        Some(crate::services::llm::load_generator(config).context("the language model")?)
    } else {
        None
    };
    let examples = if with_examples {
        let embedder = crate::services::embed::open_embedder(config, None)?;
        let cache = DataDir::new(config.data_dir(data_dir)).vector_cache();
        Some(crate::services::embed::intent_examples(
            embedder,
            Some(&cache),
        )?)
    } else {
        None
    };
    let mut assistant = Assistant::new(&snapshot, &snapshot, &assistant_config);
    assistant.generator = generator
        .as_ref()
        .map(|g| g as &dyn kiosk_core::assistant::generator::Generator);
    assistant.examples = examples.as_ref();
    // The store's clock a little after the stock was counted, so freshness
    // does not change the answers being measured.
    let now = snapshot.info().stock_as_of + jiff::SignedDuration::from_hours(13);
    let clock = match jiff::tz::TimeZone::get(&snapshot.store().timezone) {
        Ok(tz) => Clock {
            now,
            local: now.to_zoned(tz).datetime(),
        },
        Err(_) => Clock::utc(now),
    };
    let mut model = with_model.then(|| ModelFigures {
        model: config.llm.model.to_string(),
        ..ModelFigures::default()
    });
    let mut example_chose = 0;
    let first = eval::run_inspecting(&assistant, &dialogues, clock, &mut |_, reply| {
        example_chose += usize::from(reply.example_choice.is_some());
        let Some(m) = model.as_mut() else { return };
        if reply.model_choice.is_some() {
            m.chosen += 1;
        }
        if let Some(p) = &reply.phrasing {
            let f = m
                .phrasing
                .entry(reply.language.code().to_string())
                .or_default();
            f.written += 1;
            if p.used {
                f.shown += 1;
            } else {
                f.rejected += 1;
                for v in &p.violations {
                    let kind = format!("{v:?}");
                    let kind = kind.split('(').next().unwrap_or_default().to_string();
                    *m.violations.entry(kind).or_default() += 1;
                }
                if m.rejected_examples.len() < 12 {
                    m.rejected_examples.push(format!(
                        "[{}] {:?} → {:?}",
                        reply.language.code(),
                        p.generated.as_deref().unwrap_or_default(),
                        p.violations
                    ));
                }
            }
        }
    });
    let mut times: Vec<Duration> = first.turns.iter().map(|t| t.latency).collect();
    for _ in 1..rounds {
        times.extend(
            eval::run(&assistant, &dialogues, clock)
                .turns
                .iter()
                .map(|t| t.latency),
        );
    }
    let (p50, p99) = percentiles(&mut times);
    let by_language = first
        .by_language()
        .into_iter()
        .map(|(lang, (passed, total))| {
            (
                lang.code().to_string(),
                LanguageFigures {
                    passed,
                    total,
                    accuracy: passed as f64 / total.max(1) as f64,
                },
            )
        })
        .collect();
    let figures = AssistantFigures {
        turns: first.turns.len(),
        rounds,
        accuracy: first.accuracy(),
        by_language,
        p50_ms: p50,
        p99_ms: p99,
        max_ms: times.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        failures: first
            .turns
            .iter()
            .filter(|t| !t.passed)
            .map(|t| format!("[{}] {:?}: {}", t.dialogue, t.say, t.failures.join("; ")))
            .collect(),
        model,
        example_chose: with_examples.then_some(example_chose),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
        return Ok(ExitCode::Ok);
    }
    println!(
        "{} turns × {} rounds: accuracy {:.1}%; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        figures.turns,
        rounds,
        figures.accuracy * 100.0,
        figures.p50_ms,
        figures.p99_ms,
        figures.max_ms
    );
    for (lang, f) in &figures.by_language {
        println!(
            "  {lang}: {}/{} ({:.1}%)",
            f.passed,
            f.total,
            f.accuracy * 100.0
        );
    }
    for f in &figures.failures {
        println!("  FAIL {f}");
    }
    if let Some(n) = figures.example_chose {
        println!("examples: chose the intent of {n} turns");
    }
    if let Some(m) = &figures.model {
        println!("model {}: chose the intent of {} turns", m.model, m.chosen);
        for (lang, p) in &m.phrasing {
            println!(
                "  phrased {lang}: {} written, {} shown, {} rejected by the verifier",
                p.written, p.shown, p.rejected
            );
        }
        for (kind, n) in &m.violations {
            println!("  rejected for {kind}: {n}");
        }
        for e in &m.rejected_examples {
            println!("  REJECTED {e}");
        }
    }
    Ok(ExitCode::Ok)
}

pub(super) fn percentiles(times: &mut [Duration]) -> (f64, f64) {
    if times.is_empty() {
        return (0.0, 0.0);
    }
    times.sort();
    let at = |p: f64| {
        let idx = ((times.len() as f64 - 1.0) * p).round() as usize;
        times[idx].as_secs_f64() * 1000.0
    };
    (at(0.50), at(0.99))
}

/// The process's resident set now (VmRSS), in MiB.
pub(super) fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The process's peak resident set (VmHWM), in MiB.
pub fn peak_rss_mib() -> f64 {
    proc_status_mib("self", "VmHWM:")
}

/// A `/proc/PID/status` line in kB (`VmRSS:`, `VmHWM:`), in MiB; `pid` is
/// a process id or `self`. 0 where it cannot be read.
pub fn proc_status_mib(pid: &str, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The CPU time a process (all its threads) has used so far, from
/// `/proc/PID/stat` (user + system, in Linux's `USER_HZ` ticks of 1/100 s);
/// `pid` is a process id or `self`. 0 where it cannot be read.
pub fn process_cpu_s(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // The fields after the command name (which may hold spaces): state is
    // the first, utime the 12th, stime the 13th.
    let Some((_, rest)) = stat.rsplit_once(") ") else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / 100.0
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        dir_size(&p)
                    } else {
                        file_size(&p)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
