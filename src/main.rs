//! `kiosk`: the offline in-store shopping assistant.
//!
//! With no subcommand it starts the kiosk app; the subcommands are for staff
//! and scripts. `main` parses flags, runs the command, and maps the result to
//! an exit code (see `kiosk::commands::ExitCode`).

use clap::Parser;
use kiosk::{cli, commands};

fn main() -> std::process::ExitCode {
    passive_openmp();
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

/// whisper.cpp runs on OpenMP, whose idle threads spin (and starve the rest
/// of the kiosk on two cores) unless `OMP_WAIT_POLICY=PASSIVE`. libgomp
/// reads the variable before `main`, so without it the kiosk starts itself
/// again, once, with it set.
fn passive_openmp() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("OMP_WAIT_POLICY").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(arg0) = args.next() {
        command.arg0(arg0);
    }
    // `exec` returns only if it failed; the kiosk then runs as it is.
    let _ = command.args(args).env("OMP_WAIT_POLICY", "PASSIVE").exec();
}
