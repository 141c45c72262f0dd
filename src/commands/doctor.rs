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

/// How many of the log's errors `kiosk doctor` shows.
const LAST_ERRORS: usize = 10;

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
            if !config.embed.enabled {
                // Off by configuration (the default): search is lexical,
                // which is how this kiosk is meant to run.
                checks.push(Check {
                    name: "search by meaning",
                    ok: true,
                    detail: "off ([embed] enabled = false): search is lexical".into(),
                });
            } else {
                // Search by meaning needs the snapshot's vectors and the model
                // they came from; without either it is lexical, which works.
                let state = match crate::services::embed::product_embedder(config) {
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
    // Missing speech parts leave typed questions working: warnings only.
    let warnings = super::speech::doctor_warnings(config);
    checks.extend(super::sync::doctor_checks(config, dir.root()));
    checks.extend(super::staff::doctor_checks(config));
    let all_ok = checks.iter().all(|c| c.ok);
    // Past errors are shown, not judged: the checks above say whether the
    // kiosk is healthy now.
    let last_errors = crate::logging::last_errors(dir.root(), LAST_ERRORS);
    if args.json {
        let errors: Vec<&str> = match &last_errors {
            Ok(errors) => errors.iter().map(|e| e.line.as_str()).collect(),
            Err(_) => Vec::new(),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "ok": all_ok,
                "checks": checks,
                "warnings": warnings,
                "last_errors": errors,
            }))?
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
        for w in &warnings {
            println!("[warn] {:<16} {}", w.name, w.detail);
        }
        let log = crate::logging::log_dir(dir.root());
        match &last_errors {
            Ok(errors) if errors.is_empty() => {
                println!("no errors in the log ({})", log.display())
            }
            Ok(errors) => {
                println!("last errors in the log ({}):", log.display());
                for e in errors {
                    println!("  {}", e.line);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                println!("no log yet ({})", log.display())
            }
            Err(e) => println!("the log in {} cannot be read: {e}", log.display()),
        }
    }
    Ok(if all_ok {
        ExitCode::Ok
    } else {
        ExitCode::Failure
    })
}
