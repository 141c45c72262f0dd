//! One function per subcommand. Each returns the exit code it wants; errors
//! go back to `main`, which maps them with [`exit_code_for`].

mod app_commands;
mod ask;
mod bench;
pub mod bench_hybrid;
mod bench_images;
pub mod bench_ime;
pub mod bench_intents;
pub mod bench_serve;
mod bench_stores;
mod doctor;
pub mod embed;
mod images;
mod import;
pub mod llm;
mod search;
mod snapshot;
pub mod speech;
pub mod staff;
mod stock;
pub mod sync;

use kiosk_catalog::Error as CatalogError;

use crate::cli::{Cli, Command};
use crate::config::Config;

/// The exit codes of every command (documented in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    /// Something failed (IO, a damaged snapshot, a check that did not pass).
    Failure = 1,
    /// An input file was rejected; nothing was published.
    Rejected = 3,
    /// Nothing matched (stock lookup, search with --in-stock...).
    NotFound = 4,
    /// Another import or sync holds the data dir.
    Busy = 5,
    /// The data dir has no snapshot yet.
    NoSnapshot = 6,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

pub fn exit_code_for(err: &anyhow::Error) -> ExitCode {
    if let Some(e) = err.downcast_ref::<kiosk_sync::Error>() {
        return sync::exit_code(e);
    }
    match err.downcast_ref::<CatalogError>() {
        Some(CatalogError::Input { .. } | CatalogError::Limit(_) | CatalogError::Invalid(_)) => {
            ExitCode::Rejected
        }
        Some(CatalogError::Busy(_)) => ExitCode::Busy,
        Some(CatalogError::NoSnapshot(_)) => ExitCode::NoSnapshot,
        _ => ExitCode::Failure,
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    if let Some(flag) = logged_data_dir(&cli) {
        crate::logging::init(&config.log, &config.data_dir(flag))?;
    }
    let result = dispatch(&config, cli);
    if let Err(e) = &result {
        tracing::error!("{e:#}");
    }
    result
}

/// The commands that write the log (the app and what runs on a kiosk
/// unattended or changes its data), with their `--data-dir` flag; the
/// others only print.
fn logged_data_dir(cli: &Cli) -> Option<Option<&std::path::PathBuf>> {
    Some(match &cli.command {
        None => cli.data_dir.as_ref(),
        Some(Command::Import(a)) => a.data_dir.data_dir.as_ref(),
        Some(Command::Ask(a)) => a.turn.data_dir.data_dir.as_ref(),
        Some(Command::Chat(a)) => a.turn.data_dir.data_dir.as_ref(),
        Some(Command::Sync(a)) => a.data_dir.data_dir.as_ref(),
        Some(Command::StaffConsole(a)) => a.data_dir.data_dir.as_ref(),
        Some(Command::CallStaff(a)) => a.data_dir.data_dir.as_ref(),
        _ => return None,
    })
}

fn dispatch(config: &Config, cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => start_app(config, cli.fullscreen, cli.data_dir.as_ref()),
        Some(Command::Import(args)) => import::run(config, args),
        Some(Command::Search(args)) => search::run(config, args),
        Some(Command::Stock(args)) => stock::run(config, args),
        Some(Command::Ask(args)) => ask::ask(config, args),
        Some(Command::Chat(args)) => ask::chat(config, args),
        Some(Command::Snapshot(cmd)) => snapshot::run(config, cmd),
        Some(Command::Bench(cmd)) => bench::run(config, cmd),
        Some(Command::Doctor(args)) => doctor::run(config, args),
        Some(Command::StaffPin(cmd)) => app_commands::staff_pin(config, cmd),
        Some(Command::Screenshots(args)) => app_commands::screenshots(config, args),
        Some(Command::Transcribe(args)) => speech::transcribe(config, args),
        Some(Command::Listen(args)) => speech::listen(config, args),
        Some(Command::Models(speech::ModelsCommand::Fetch(args))) => llm::fetch(config, args),
        Some(Command::Models(cmd)) => speech::models(config, cmd),
        Some(Command::Generate(args)) => llm::generate(config, args),
        Some(Command::Keygen(args)) => sync::keygen(args),
        Some(Command::Bundle(cmd)) => sync::bundle(config, cmd),
        Some(Command::Sync(args)) => sync::run(config, args),
        Some(Command::ServeBundles(args)) => sync::serve(config, args),
        Some(Command::StaffConsole(args)) => staff::staff_console(config, args),
        Some(Command::CallStaff(args)) => staff::call_staff(config, args),
        Some(Command::Analytics(args)) => staff::analytics(config, args),
    }
}

/// The touchscreen app; without a display, the terminal conversation.
fn start_app(
    config: &Config,
    fullscreen: bool,
    data_dir: Option<&std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    let options = crate::app::AppOptions {
        data_dir: config.data_dir(data_dir),
        fullscreen: fullscreen || config.app.fullscreen,
    };
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if !has_display {
        eprintln!(
            "kiosk: no display (DISPLAY is not set): starting the conversation in the terminal instead"
        );
        tracing::warn!("no display: the conversation runs in the terminal");
        return ask::chat(
            config,
            crate::cli::ChatArgs {
                turn: crate::cli::TurnFlags {
                    data_dir: crate::cli::DataDirArg {
                        data_dir: Some(options.data_dir),
                    },
                    no_record: false,
                    model: config.llm.enabled,
                },
                lang: None,
                json: false,
            },
        );
    }
    crate::app::run(config, options)?;
    Ok(ExitCode::Ok)
}

/// Opens the live snapshot of the configured (or flagged) data dir.
pub fn open_snapshot(
    config: &Config,
    flag: Option<&std::path::PathBuf>,
) -> anyhow::Result<kiosk_catalog::Snapshot> {
    let dir = kiosk_catalog::DataDir::new(config.data_dir(flag));
    Ok(kiosk_catalog::Snapshot::open(&dir)?)
}

/// Opens the live snapshot for searching: by words and, when the snapshot
/// has product vectors and the embedding model is there, by meaning.
/// Says on stderr when search is lexical only.
pub fn open_search_snapshot(
    config: &Config,
    flag: Option<&std::path::PathBuf>,
) -> anyhow::Result<kiosk_catalog::Snapshot> {
    let mut snapshot = open_snapshot(config, flag)?;
    if snapshot.vectors().is_none() {
        return Ok(snapshot);
    }
    match crate::services::embed::product_embedder(config) {
        Ok(embedder) => {
            let state = snapshot.attach_embedder(embedder);
            if !matches!(state, kiosk_catalog::snapshot::SemanticState::Hybrid { .. }) {
                eprintln!("search: {state}");
            }
        }
        Err(why) => eprintln!("search: lexical only, no embedding model ({why})"),
    }
    Ok(snapshot)
}

/// Parses a price given on the command line.
/// The 1-minute load average, printed beside a benchmark's figures to show
/// how busy the machine was.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Where a LAN server's self-signed certificate and its key are, said on
/// stderr when it starts.
pub fn print_certificate(cert: &std::path::Path, created: bool, key: &std::path::Path) {
    eprintln!(
        "  certificate: {} ({}), its key {} (0600)",
        cert.display(),
        if created {
            "made now"
        } else {
            "kept from the first start"
        },
        key.display()
    );
}

pub fn parse_price(raw: &str, flag: &str) -> anyhow::Result<kiosk_core::Money> {
    kiosk_core::Money::parse_decimal(raw)
        .ok_or_else(|| anyhow::anyhow!("{flag}: expected a price like 20 or 19.95, found {raw:?}"))
}
