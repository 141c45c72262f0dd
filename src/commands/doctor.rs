//! `kiosk doctor`: what the kiosk has and what it lacks, in one look.

use serde::Serialize;

use super::ExitCode;
use crate::cli::DoctorArgs;
use crate::config::Config;

/// One line of `kiosk doctor`.
#[derive(Debug, Serialize)]
pub struct DoctorCheck {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

type Check = DoctorCheck;

pub fn run(config: &Config, args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let mut checks = Vec::new();
    let dir = kiosk_catalog::DataDir::new(config.data_dir(args.data_dir.data_dir.as_ref()));
    match kiosk_catalog::Snapshot::open(&dir) {
        Ok(snapshot) => {
            let info = snapshot.info();
            let age = info.age_hours(jiff::Timestamp::now());
            checks.push(Check {
                name: "snapshot",
                ok: true,
                detail: format!(
                    "{} products, {} variants from {} ({})",
                    info.n_products, info.n_variants, info.source, info.id
                ),
            });
            // Search by meaning needs the snapshot's vectors and the model
            // they came from; without either it is lexical, which works.
            let state = match super::embed::product_embedder(config) {
                Ok(embedder) => snapshot.semantic_state_with(&embedder),
                Err(why) => match snapshot.semantic_state() {
                    kiosk_catalog::snapshot::SemanticState::NoVectors => {
                        kiosk_catalog::snapshot::SemanticState::NoVectors
                    }
                    _ => {
                        checks.push(Check {
                            name: "search by meaning",
                            ok: false,
                            detail: format!("lexical only: no embedding model ({why})"),
                        });
                        kiosk_catalog::snapshot::SemanticState::NoModel { products: 0 }
                    }
                },
            };
            match &state {
                kiosk_catalog::snapshot::SemanticState::NoModel { .. } => {}
                state => checks.push(Check {
                    name: "search by meaning",
                    ok: matches!(state, kiosk_catalog::snapshot::SemanticState::Hybrid { .. }),
                    detail: state.to_string(),
                }),
            }
            checks.push(Check {
                name: "stock freshness",
                ok: age <= config.stock.stale_after_hours,
                detail: format!(
                    "stock as of {} ({age:.1} h ago; stale after {} h)",
                    info.stock_as_of, config.stock.stale_after_hours
                ),
            });
        }
        Err(e) => checks.push(Check {
            name: "snapshot",
            ok: false,
            detail: e.to_string(),
        }),
    }
    checks.extend(super::llm::doctor_checks(config));
    checks.extend(super::speech::doctor_checks(config));
    checks.extend(super::sync::doctor_checks(config, dir.root()));
    checks.extend(super::staff::doctor_checks(config));
    let all_ok = checks.iter().all(|c| c.ok);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "ok": all_ok, "checks": checks }))?
        );
    } else {
        for c in &checks {
            println!(
                "[{}] {:<16} {}",
                if c.ok { " ok " } else { "FAIL" },
                c.name,
                c.detail
            );
        }
    }
    Ok(if all_ok {
        ExitCode::Ok
    } else {
        ExitCode::Failure
    })
}
