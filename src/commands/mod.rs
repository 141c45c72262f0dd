//! One function per subcommand. Each returns the exit code it wants; errors
//! go back to `main`, which maps them with [`exit_code_for`].

mod ask;
mod bench;
mod doctor;
mod import;
mod search;
mod snapshot;
mod stock;

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
    match cli.command {
        None => {
            // Until the touchscreen app exists, the best front end is the
            // conversation in the terminal.
            eprintln!(
                "(the touchscreen app is not built yet: starting `kiosk chat`; `kiosk --help` lists every command)"
            );
            ask::chat(
                &config,
                crate::cli::ChatArgs {
                    data_dir: crate::cli::DataDirArg { data_dir: None },
                    lang: None,
                    json: false,
                    no_record: false,
                },
            )
        }
        Some(Command::Import(args)) => import::run(&config, args),
        Some(Command::Search(args)) => search::run(&config, args),
        Some(Command::Stock(args)) => stock::run(&config, args),
        Some(Command::Ask(args)) => ask::ask(&config, args),
        Some(Command::Chat(args)) => ask::chat(&config, args),
        Some(Command::Snapshot(cmd)) => snapshot::run(&config, cmd),
        Some(Command::Bench(cmd)) => bench::run(&config, cmd),
        Some(Command::Doctor(args)) => doctor::run(&config, args),
    }
}

/// Opens the live snapshot of the configured (or flagged) data dir.
pub fn open_snapshot(
    config: &Config,
    flag: Option<&std::path::PathBuf>,
) -> anyhow::Result<kiosk_catalog::Snapshot> {
    let dir = kiosk_catalog::DataDir::new(config.data_dir(flag));
    Ok(kiosk_catalog::Snapshot::open(&dir)?)
}

/// Parses a price given on the command line.
pub fn parse_price(raw: &str, flag: &str) -> anyhow::Result<kiosk_core::Money> {
    kiosk_core::Money::parse_decimal(raw)
        .ok_or_else(|| anyhow::anyhow!("{flag}: expected a price like 20 or 19.95, found {raw:?}"))
}
