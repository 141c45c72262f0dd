//! `kiosk snapshot info|verify|issues`.

use serde::Serialize;

use super::{ExitCode, open_snapshot};
use crate::cli::SnapshotCommand;
use crate::config::Config;
use crate::output::count;

#[derive(Serialize)]
struct Info<'a> {
    path: &'a std::path::Path,
    #[serde(flatten)]
    info: &'a kiosk_core::SnapshotInfo,
    store_name: &'a str,
    language: kiosk_core::Lang,
    age_hours: f64,
}

pub fn run(config: &Config, cmd: SnapshotCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        SnapshotCommand::Info { data_dir, json } => {
            let snapshot = open_snapshot(config, data_dir.data_dir.as_ref())?;
            let info = snapshot.info();
            let out = Info {
                path: snapshot.path(),
                info,
                store_name: &snapshot.store().name,
                language: snapshot.store().language,
                age_hours: (info.age_hours(jiff::Timestamp::now()) * 10.0).round() / 10.0,
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!("snapshot   {}", info.id);
                println!("path       {}", snapshot.path().display());
                println!("store      {} ({})", out.store_name, info.store_id);
                println!("source     {} [{}]", info.source, info.format);
                println!("created    {}", info.created_at);
                println!(
                    "stock as of {} ({:.1} h ago)",
                    info.stock_as_of, out.age_hours
                );
                println!("products   {}", count(info.n_products));
                println!("variants   {}", count(info.n_variants));
            }
            Ok(ExitCode::Ok)
        }
        SnapshotCommand::Verify { data_dir, json } => {
            let snapshot = open_snapshot(config, data_dir.data_dir.as_ref())?;
            let v = snapshot.verify()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else if v.ok {
                println!(
                    "ok: {} products, {} variants, {} indexed ({})",
                    count(v.n_products),
                    count(v.n_variants),
                    count(v.n_indexed),
                    v.path.display()
                );
            } else {
                println!("DAMAGED: {}", v.problems.join("; "));
            }
            Ok(if v.ok {
                ExitCode::Ok
            } else {
                ExitCode::Failure
            })
        }
        SnapshotCommand::Issues {
            data_dir,
            limit,
            json,
        } => {
            let snapshot = open_snapshot(config, data_dir.data_dir.as_ref())?;
            let issues = snapshot.import_issues(limit)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&issues)?);
            } else if issues.is_empty() {
                println!("the last import had no issues");
            } else {
                for i in &issues {
                    println!("{i}");
                }
            }
            Ok(ExitCode::Ok)
        }
    }
}
