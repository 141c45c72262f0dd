//! `kiosk keygen`, `kiosk bundle create|verify`, `kiosk sync` and
//! `kiosk serve-bundles`: nightly sync from the back office to the kiosk.
//! The work is in `kiosk-sync` and its settings come from `[sync]`
//! through `services::sync`; this file adds the flags and prints what
//! happened.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use kiosk_catalog::DataDir;
use kiosk_sync::agent::{AgentEvent, Control, SyncAgent};
use kiosk_sync::keys;
use kiosk_sync::serve::BundleServer;
use kiosk_sync::source::scan_mounts;
use kiosk_sync::state::Outcome;
use kiosk_sync::syncer::{PullReport, SyncReport};
use kiosk_sync::{Error as SyncError, Source, Syncer};
use serde_json::json;

use super::ExitCode;
use super::bench::peak_rss_mib;
use super::doctor::DoctorCheck;
use crate::cli::DataDirArg;
use crate::config::Config;
use crate::output::{TerminalProgress, count};
use crate::services::sync::{log_outcome, schedule, settings, trusted_keys, upload_key};

#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Where to write the secret key; the public key goes to PATH.pub.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Replace existing key files.
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum BundleCommand {
    /// Build and sign a bundle from an export folder.
    Create(Box<BundleCreateArgs>),
    /// Check a bundle's signature and every file's hash.
    Verify(BundleVerifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct BundleCreateArgs {
    /// A native catalog folder, or a folder holding one Shopify or
    /// WooCommerce export (with optional store.toml and locations.csv).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// The minisign secret key (`kiosk keygen`).
    #[arg(long, value_name = "PATH")]
    pub key: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The store the bundle is for (default: store.toml's id).
    #[arg(long)]
    pub store_id: Option<String>,
    /// The bundle's version; each must be higher than the last (default:
    /// the time as YYYYMMDDhhmmss).
    #[arg(long)]
    pub version: Option<u64>,
    /// Kiosks refuse the bundle this many hours after it was made.
    #[arg(long, default_value_t = 168, value_name = "HOURS")]
    pub valid_hours: u32,
    /// The exact expiry (RFC 3339); overrides --valid-hours.
    #[arg(long, value_name = "TIME")]
    pub expires: Option<jiff::Timestamp>,
    /// When the stock was counted (default: store.toml, else the stock
    /// file's modification time).
    #[arg(long, value_name = "TIME")]
    pub stock_as_of: Option<jiff::Timestamp>,
    /// The export's format; detected when omitted.
    #[arg(long, value_parser = clap::value_parser!(kiosk_catalog::Format))]
    pub format: Option<kiosk_catalog::Format>,
    /// The creation time to record (RFC 3339; default: now), e.g. when
    /// re-signing an old export.
    #[arg(long, value_name = "TIME")]
    pub created: Option<jiff::Timestamp>,
    #[command(flatten)]
    pub images: crate::cli::ImageArgs,
    /// Embed every product with the `[embed]` model (its file: `[embed]
    /// model`, else the models dir's e5 model, whether or not `[embed]
    /// enabled` is on) and carry the vectors in the bundle, signed with
    /// the rest: a kiosk with the same model then embeds none of them.
    #[arg(long)]
    pub vectors: bool,
    /// With --vectors: where each store's last vectors are kept
    /// (STORE_ID.kvec), so only products whose text changed are embedded
    /// again (default: $XDG_CACHE_HOME/kiosk/vectors, else
    /// ~/.cache/kiosk/vectors).
    #[arg(long, value_name = "DIR", requires = "vectors")]
    pub vectors_cache: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct BundleVerifyArgs {
    /// A public key to check against (base64 line or .pub file); default:
    /// kiosk.toml's [sync] trusted_keys. Repeatable.
    #[arg(long = "trust", value_name = "KEY")]
    pub trust: Vec<String>,
    #[arg(long)]
    pub json: bool,
    pub bundle: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    /// A bundle file, a folder or USB mount, or a URL:
    /// https://server:8443/NAME.kbundle (with [sync] server_cert_sha256) or
    /// http://… (default: [sync] server_url, else a stick under [sync]
    /// usb_root).
    #[arg(long, value_name = "SRC")]
    pub from: Option<String>,
    /// Also trust this public key (base64 line or .pub file). Repeatable.
    #[arg(long = "trust", value_name = "KEY")]
    pub trust: Vec<String>,
    /// Make the previous snapshot live again (one step; again to undo).
    #[arg(long, conflicts_with_all = ["from", "watch", "status"])]
    pub rollback: bool,
    /// Keep running: the nightly pull, sticks mounted under [sync] usb_root
    /// (or --from FOLDER), and a sync for each line on stdin.
    #[arg(long, conflicts_with = "status")]
    pub watch: bool,
    /// Show the live bundle, its freshness, the last sync and what waits
    /// to be uploaded.
    #[arg(long)]
    pub status: bool,
    /// Do not upload this time, even when [sync] enables it.
    #[arg(long)]
    pub no_upload: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ServeBundlesArgs {
    /// The folder holding the bundles; uploads are stored in DIR/uploads/.
    pub dir: PathBuf,
    /// The address to listen on (HTTPS only).
    #[arg(long, default_value = "0.0.0.0:8443", value_name = "ADDR")]
    pub listen: String,
    /// The folder of the server's certificate and key (made on the first
    /// start; the key 0600). Default: the data dir. Never the served folder.
    #[arg(long, value_name = "DIR")]
    pub cert_dir: Option<PathBuf>,
    #[command(flatten)]
    pub data_dir: DataDirArg,
    /// Do not log each request.
    #[arg(long)]
    pub quiet: bool,
    /// The store key uploads must be signed with (default: [staff]
    /// key_file or key); without one, no uploads are taken.
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
}

/// The exit code for a sync error (README, "Exit codes").
pub fn exit_code(err: &SyncError) -> ExitCode {
    match err {
        e if e.is_rejection() => ExitCode::Rejected,
        e if e.is_busy() => ExitCode::Busy,
        SyncError::NoBundle(_) => ExitCode::NotFound,
        SyncError::Catalog(kiosk_catalog::Error::NoSnapshot(_)) => ExitCode::NoSnapshot,
        _ => ExitCode::Failure,
    }
}

/// Sync's lines for `kiosk doctor`: the trusted keys, and the last sync
/// with the live bundle's freshness.
pub fn doctor_checks(config: &Config, data_dir: &std::path::Path) -> Vec<DoctorCheck> {
    let mut checks = Vec::new();
    let keys = trusted_keys(config, &[]);
    checks.push(match &keys {
        Ok(keys) if keys.is_empty() => DoctorCheck {
            name: "sync keys",
            ok: false,
            detail: "no [sync] trusted_keys: every bundle will be refused".into(),
        },
        Ok(keys) => DoctorCheck {
            name: "sync keys",
            ok: true,
            detail: format!("trusts {}", keys.ids().join(", ")),
        },
        Err(e) => DoctorCheck {
            name: "sync keys",
            ok: false,
            detail: format!("{e:#}"),
        },
    });
    let syncer = match settings(config, &[], true) {
        Ok(settings) => Syncer::new(DataDir::new(data_dir), settings),
        Err(_) => return checks,
    };
    checks.push(match syncer.status() {
        Ok(status) => DoctorCheck {
            name: "sync",
            ok: !status.expired
                && !status.stale
                && status
                    .last_attempt
                    .as_ref()
                    .is_none_or(|a| a.outcome.is_success()),
            detail: status.summary(),
        },
        Err(e) => DoctorCheck {
            name: "sync",
            ok: false,
            detail: e.to_string(),
        },
    });
    checks
}

pub fn keygen(args: KeygenArgs) -> anyhow::Result<ExitCode> {
    let key = keys::generate(&args.out, args.force)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&key)?);
        return Ok(ExitCode::Ok);
    }
    println!(
        "secret key  {} (keep it on the back office machine only)",
        key.secret_path.display()
    );
    println!("public key  {}", key.public_path.display());
    println!("key id      {}", key.key_id);
    println!("trust it on each kiosk, in kiosk.toml:");
    println!("  [sync]");
    println!("  trusted_keys = [\"{}\"]", key.public_key);
    Ok(ExitCode::Ok)
}

pub fn bundle(config: &Config, cmd: BundleCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BundleCommand::Create(args) => {
            let options = kiosk_sync::bundle::CreateOptions {
                from: args.from.clone(),
                key: args.key,
                out: args.out,
                store_id: args.store_id,
                version: args.version,
                valid_for: jiff::SignedDuration::from_hours(i64::from(args.valid_hours)),
                expires: args.expires,
                stock_as_of: args.stock_as_of,
                format: args.format,
                now: args.created.unwrap_or_else(jiff::Timestamp::now),
                images: super::images::options(&args.images)?,
                embedder: if args.vectors {
                    Some(crate::services::embed::open_embedder(config, None)?)
                } else {
                    None
                },
                vector_cache: args
                    .vectors_cache
                    .or_else(|| super::images::default_cache_dir("vectors")),
            };
            let mut progress = TerminalProgress::new();
            let result = kiosk_sync::bundle::create(&options, &mut progress);
            progress.finish();
            let created = result.with_context(|| format!("bundling {}", args.from.display()))?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&created)?);
                return Ok(ExitCode::Ok);
            }
            let m = &created.manifest;
            println!(
                "bundle {} written: store {} version {}, {} files, {} bytes, signed with key {} in {:.1} s",
                created.path.display(),
                m.head.store_id,
                m.head.version,
                m.n_files,
                count(created.bytes),
                created.key_id,
                created.elapsed_ms as f64 / 1000.0
            );
            println!(
                "stock as of {}; expires {}; format {}",
                m.head.stock_as_of, m.head.expires, m.head.catalog_format
            );
            if let Some(vectors) = &created.vectors {
                println!(
                    "{} product vectors carried (model {}): {} embedded, {} from the vector cache, in {:.1} s",
                    count(created.n_vectors),
                    vectors.model,
                    count(vectors.computed),
                    count(vectors.carried),
                    vectors.elapsed_ms as f64 / 1000.0
                );
                if let Some(why) = &vectors.carried_unused {
                    println!("the vector cache was not used: {why}");
                }
                if let Some(cache) = &created.vector_cache {
                    println!("vector cache: {}", cache.display());
                }
                if let Some(why) = &created.vector_cache_failed {
                    println!("warning: the vector cache could not be written: {why}");
                }
            }
            if !created.skipped.is_empty() {
                println!("not bundled: {}", created.skipped.join(", "));
            }
            if !options.images.is_empty() {
                println!(
                    "{} products with photos in {:.1} s: {} photos made into thumbnails, {} taken from the thumbnail cache",
                    count(created.n_images),
                    created.images_ms as f64 / 1000.0,
                    count(created.n_thumbnails_made),
                    count(created.n_thumbnails_cached),
                );
                if let Some(cache) = &options.images.cache {
                    println!("thumbnail cache: {}", cache.root().display());
                }
                if created.n_thumbnail_cache_failed > 0 {
                    println!(
                        "warning: {} thumbnails could not be stored in the thumbnail cache",
                        count(created.n_thumbnail_cache_failed)
                    );
                }
                for issue in &created.image_issues {
                    println!("  {issue}");
                }
            }
            Ok(ExitCode::Ok)
        }
        BundleCommand::Verify(args) => {
            let trusted = trusted_keys(config, &args.trust)?;
            let mut progress = TerminalProgress::new();
            let result = kiosk_sync::bundle::verify_file(&args.bundle, &trusted, &mut progress);
            progress.finish();
            let verified = result.with_context(|| format!("checking {}", args.bundle.display()))?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&verified)?);
            } else {
                let m = &verified.manifest;
                println!(
                    "ok: signed by {}, store {} version {}, {} files match the manifest; expires {}",
                    verified.key_id, m.head.store_id, m.head.version, m.n_files, m.head.expires
                );
            }
            Ok(ExitCode::Ok)
        }
    }
}

pub fn run(config: &Config, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let data_dir = DataDir::new(config.data_dir(args.data_dir.data_dir.as_ref()));
    let syncer = Syncer::new(data_dir, settings(config, &args.trust, args.no_upload)?);
    if args.status {
        return status(&syncer, args.json);
    }
    if args.rollback {
        return rollback(&syncer, args.json);
    }
    // An imported bundle's products are embedded for search by meaning
    // when the model is there.
    let syncer = syncer.with_embedder(match crate::services::embed::product_embedder(config) {
        Ok(embedder) => Some(embedder),
        Err(why) => {
            eprintln!("{}: {why}", kiosk_catalog::vectors::NO_MODEL);
            None
        }
    });
    if args.watch {
        return watch(config, &syncer, args.from.as_deref());
    }
    let source = match &args.from {
        Some(from) => Source::parse(from),
        None => default_source(config)?,
    };
    let mut progress = TerminalProgress::new();
    let report = syncer.sync(&source, &mut progress);
    progress.finish();
    let report = report?;
    log_report(&report);
    let code = match &report.pull {
        Ok(pull) if pull.outcome == Outcome::Stale => ExitCode::Failure,
        Ok(_) => ExitCode::Ok,
        Err(e) => exit_code(e),
    };
    let upload_failed = matches!(report.upload, Some(Err(_)));
    if args.json {
        // Without --json a failed pull is returned, and logged, as the
        // command's error.
        if let Err(e) = &report.pull {
            log_pull_error(e, &source);
        }
        println!("{}", serde_json::to_string_pretty(&report_json(&report))?);
        return Ok(if code == ExitCode::Ok && upload_failed {
            ExitCode::Failure
        } else {
            code
        });
    }
    print_upload(&report);
    match report.pull {
        Ok(pull) => {
            print_pull(&pull);
            Ok(if upload_failed || pull.outcome == Outcome::Stale {
                ExitCode::Failure
            } else {
                ExitCode::Ok
            })
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!(
            "syncing from {} (the live snapshot is unchanged)",
            source.describe()
        ))),
    }
}

/// Without --from: the store server, else the first stick with a bundle.
fn default_source(config: &Config) -> anyhow::Result<Source> {
    if let Some(url) = &config.sync.server_url {
        return Ok(Source::Http(url.clone()));
    }
    if let Some(root) = &config.sync.usb_root
        && let Some(mounted) = scan_mounts(root).into_iter().next()
    {
        return Ok(Source::Folder(mounted.folder));
    }
    Err(SyncError::NoBundle(
        "nothing to sync from: pass --from (a bundle, a folder or an https:// or http:// URL), or set [sync] server_url or usb_root in kiosk.toml".into(),
    )
    .into())
}

/// Writes a sync's result to the log: applied, refused (and why), failed,
/// and the upload's.
fn log_report(report: &SyncReport) {
    // A failed pull is logged by the caller (see `log_pull_error`).
    if let Ok(pull) = &report.pull {
        let what = match &pull.bundle {
            Some(b) => format!("{} v{} from {}", b.store_id, b.version, pull.source),
            None => pull.source.clone(),
        };
        log_outcome(pull.outcome, &what);
    }
    match &report.upload {
        None => {}
        Some(Ok(u)) => tracing::info!(
            rows = u.n_rows,
            destination = %u.destination,
            "sync upload done"
        ),
        Some(Err(e)) => tracing::warn!("sync upload failed (the rows stay queued): {e}"),
    }
}

fn log_pull_error(e: &SyncError, source: &Source) {
    if e.is_rejection() {
        tracing::warn!(source = %source.describe(), "sync refused a bundle: {e}")
    } else {
        tracing::error!(source = %source.describe(), "sync failed: {e}")
    }
}

fn print_pull(pull: &PullReport) {
    match (&pull.outcome, &pull.bundle, &pull.import) {
        (Outcome::Applied, Some(b), Some(import)) => {
            println!(
                "applied bundle {} v{} from {}: {} products, {} variants, stock as of {}",
                b.store_id,
                b.version,
                pull.source,
                count(import.n_products),
                count(import.n_variants),
                b.stock_as_of
            );
            println!(
                "snapshot {} is live (copy and verify {:.1} s, import {:.1} s, {} bytes); `kiosk sync --rollback` returns to the previous one",
                import.snapshot_id,
                pull.copy_ms as f64 / 1000.0,
                pull.import_ms as f64 / 1000.0,
                count(pull.bytes)
            );
            if let Some(vectors) = &import.vectors {
                println!("{vectors}");
            }
        }
        (Outcome::UpToDate, Some(b), _) => println!(
            "up to date: {} holds version {}, which this kiosk already has",
            pull.source, b.version
        ),
        (Outcome::NotModified, _, _) => {
            println!(
                "up to date: {} has not changed since the last sync",
                pull.source
            )
        }
        (outcome, _, _) => println!("{}: {}", outcome.name(), pull.source),
    }
}

fn print_upload(report: &SyncReport) {
    match &report.upload {
        None => {}
        Some(Ok(u)) if u.n_rows == 0 => println!("upload: nothing new for {}", u.destination),
        Some(Ok(u)) => println!(
            "upload: {} rows in {} batches to {}",
            count(u.n_rows),
            u.batches.len(),
            u.destination
        ),
        Some(Err(e)) => eprintln!("kiosk: warning: {e}; the rows stay queued for the next sync"),
    }
}

fn report_json(report: &SyncReport) -> serde_json::Value {
    let error = |e: &SyncError| json!({"error": e.to_string(), "rejected": e.is_rejection()});
    json!({
        "outcome": report.outcome(),
        "pull": match &report.pull {
            Ok(pull) => serde_json::to_value(pull).unwrap_or_default(),
            Err(e) => error(e),
        },
        "upload": match &report.upload {
            None => serde_json::Value::Null,
            Some(Ok(u)) => serde_json::to_value(u).unwrap_or_default(),
            Some(Err(e)) => error(e),
        },
        "peak_rss_mib": (peak_rss_mib() * 10.0).round() / 10.0,
    })
}

fn status(syncer: &Syncer, as_json: bool) -> anyhow::Result<ExitCode> {
    let status = syncer.status()?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(ExitCode::Ok);
    }
    println!("{}", status.summary());
    if let Some(b) = &status.current {
        println!(
            "live bundle  {} v{} from {}, created {}, stock as of {}, expires {}{}",
            b.store_id,
            b.version,
            b.source,
            b.created,
            b.stock_as_of,
            b.expires,
            if status.expired { " (EXPIRED)" } else { "" }
        );
    }
    if let Some(b) = &status.previous {
        println!(
            "previous     {} v{} (kiosk sync --rollback)",
            b.store_id, b.version
        );
    }
    if let Some(v) = status.highest_version {
        println!("accepts      versions above {v}");
    }
    if let Some(a) = &status.last_attempt {
        println!("last attempt {} {}: {}", a.at, a.outcome.name(), a.message);
    }
    if let Some(a) = &status.last_success {
        println!("last success {} from {}", a.at, a.source);
    }
    for (kind, n) in &status.pending_uploads {
        println!("to upload    {} {}", count(*n), kind.name());
    }
    Ok(ExitCode::Ok)
}

fn rollback(syncer: &Syncer, as_json: bool) -> anyhow::Result<ExitCode> {
    let report = syncer.rollback().context("rolling back")?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::Ok);
    }
    match &report.current {
        Some(b) => println!(
            "rolled back: bundle {} v{} is live again ({})",
            b.store_id,
            b.version,
            report.snapshot_path.display()
        ),
        None => println!(
            "rolled back: {} is live again",
            report.snapshot_path.display()
        ),
    }
    if let Some(v) = report.highest_version {
        println!(
            "bundles up to version {v} will not be applied again; run --rollback again to undo"
        );
    }
    Ok(ExitCode::Ok)
}

/// `kiosk sync --watch`: the agent in the foreground. A line on stdin asks
/// for a sync now.
fn watch(config: &Config, syncer: &Syncer, from: Option<&str>) -> anyhow::Result<ExitCode> {
    let sync = &config.sync;
    let schedule = schedule(config, from)?;
    let mut agent = SyncAgent::new(schedule.clone(), jiff::Timestamp::now(), rand::random());
    println!(
        "watching {}: nightly pull {}, sticks under {}; a line on stdin syncs now, Ctrl-C stops",
        syncer.data_dir().root().display(),
        match (&schedule.server, agent.next_nightly()) {
            (Some(url), Some(at)) => format!("from {url} next at {at}"),
            (Some(url), None) => format!("from {url} off (no [sync] nightly_at)"),
            (None, _) => "off (no [sync] server_url)".into(),
        },
        schedule
            .usb_root
            .as_ref()
            .map_or("nowhere (no [sync] usb_root)".into(), |r: &PathBuf| r
                .display()
                .to_string()),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let stdin_tx = tx.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
            line.clear();
            if stdin_tx.send(Control::SyncNow).is_err() {
                break;
            }
        }
    });
    let poll = Duration::from_secs(sync.poll_seconds.max(1));
    let stamp = || {
        jiff::Timestamp::now()
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    kiosk_sync::agent::run(
        syncer,
        &mut agent,
        None,
        &rx,
        poll,
        &mut |event| match event {
            AgentEvent::Started(task) => println!(
                "{} sync started ({:?}) from {}",
                stamp(),
                task.reason,
                task.source.describe()
            ),
            AgentEvent::Finished {
                outcome, summary, ..
            } => {
                log_outcome(outcome, &summary);
                println!("{} sync {}: {summary}", stamp(), outcome.name())
            }
            AgentEvent::NothingToSync => println!(
                "{} nothing to sync from: no [sync] server_url and no stick",
                stamp()
            ),
        },
    );
    drop(tx);
    Ok(ExitCode::Ok)
}

pub fn serve(config: &Config, args: ServeBundlesArgs) -> anyhow::Result<ExitCode> {
    let cert_dir = args
        .cert_dir
        .clone()
        .unwrap_or_else(|| config.data_dir(args.data_dir.data_dir.as_ref()));
    let same = |a: &std::path::Path, b: &std::path::Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if b.starts_with(&a) || a.starts_with(&b));
    if same(&args.dir, &cert_dir) {
        anyhow::bail!(
            "the certificate's folder {} is (in) the served folder {}: its key would sit beside the bundles; pass --cert-dir elsewhere",
            cert_dir.display(),
            args.dir.display()
        );
    }
    std::fs::create_dir_all(&cert_dir)
        .with_context(|| format!("creating {}", cert_dir.display()))?;
    let (cert, created, [cert_path, key_path]) =
        kiosk_sync::serve::server_cert(&cert_dir, &super::staff::cert_names(&args.listen))?;
    let mut server = BundleServer::bind(&args.dir, &args.listen, &cert)?;
    let key = upload_key(config, args.key_file.as_deref())?;
    let uploads = match &key {
        Some(_) => format!(
            "signed uploads go to {}",
            args.dir.join(kiosk_sync::serve::UPLOADS).display()
        ),
        None => "no uploads taken: no store key ([staff] key_file or --key-file)".into(),
    };
    if let Some(key) = key {
        server = server.with_store_key(key, config.staff.max_clock_skew_seconds)?;
    }
    if !args.quiet {
        server = server.with_log(|line| eprintln!("{line}"));
    }
    // The first lines say where and which certificate: scripts and tests
    // read the port and the fingerprint from them.
    println!(
        "serving {} on https://{}/ ({uploads}); Ctrl-C stops",
        args.dir.display(),
        server.addr(),
    );
    println!("certificate sha256 {}", cert.fingerprint());
    std::io::Write::flush(&mut std::io::stdout())?;
    super::print_certificate(&cert_path, created, &key_path);
    eprintln!(
        "  kiosks: [sync] server_url = \"https://<this machine's address>:{}/NAME.kbundle\", server_cert_sha256 = \"{}\"",
        server.addr().port(),
        cert.fingerprint()
    );
    server.run();
    Ok(ExitCode::Ok)
}
