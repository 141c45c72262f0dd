//! `kiosk staff-pin set` and `kiosk screenshots`.

use std::io::BufRead;

use anyhow::Context;

use super::ExitCode;
use crate::cli::{ScreenshotArgs, StaffPinCommand};
use crate::config::Config;

pub fn staff_pin(config: &Config, cmd: StaffPinCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        StaffPinCommand::Set { data_dir, pin } => {
            let pin = match pin {
                Some(p) => p,
                None => {
                    eprintln!("new staff PIN (4 to 12 digits):");
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .context("reading the PIN")?;
                    line.trim().to_string()
                }
            };
            let path = config
                .app
                .staff_pin_file(&config.data_dir(data_dir.data_dir.as_ref()));
            crate::app::set_staff_pin(&path, &pin)?;
            println!("staff PIN set ({})", path.display());
            Ok(ExitCode::Ok)
        }
    }
}

pub fn screenshots(config: &Config, args: ScreenshotArgs) -> anyhow::Result<ExitCode> {
    let files = crate::app::screenshots::render_all(
        config,
        &config.data_dir(args.data_dir.data_dir.as_ref()),
        &args.out,
        args.width,
        args.height,
    )?;
    for f in &files {
        println!("{}", f.display());
    }
    Ok(ExitCode::Ok)
}
