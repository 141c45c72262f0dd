//! `kiosk`: the offline in-store shopping assistant.
//!
//! With no subcommand it starts the kiosk app; the subcommands are for staff
//! and scripts. `main` parses flags, runs the command, and maps the result to
//! an exit code (see `commands::ExitCode`).

mod cli;
mod commands;
mod config;
mod output;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code.into(),
        Err(err) => {
            let code = commands::exit_code_for(&err);
            eprintln!("kiosk: error: {err:#}");
            code.into()
        }
    }
}
