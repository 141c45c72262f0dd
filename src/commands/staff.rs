//! `kiosk staff-console`, `kiosk call-staff` and `kiosk analytics`: staff
//! calls over the store's LAN and what the kiosk did for the store. The
//! work is in `kiosk-staff` and the link's settings come from `[kiosk]`
//! and `[staff]` through `services::staff`; this file adds the flags and
//! prints what happened.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use kiosk_catalog::local::LocalStore;
use kiosk_core::Lang;
use kiosk_core::assistant::{EscalationReason, Handoff};
use kiosk_staff::analytics::{Count, Figures};
use kiosk_staff::call::AnalyticsPush;
use kiosk_staff::{
    Analytics, CallStatus, Console, ConsoleCert, ConsoleClient, ConsoleConfig, KioskInfo, Period,
    StaffLink,
};

use super::ExitCode;
use crate::cli::DataDirArg;
use crate::config::Config;
use crate::services::staff::{kiosk_info, link_config, log_call_event, store_key};

#[derive(Debug, clap::Args)]
pub struct StaffConsoleArgs {
    /// HOST:PORT to listen on (default: [staff] listen, 0.0.0.0:8770); port
    /// 0 picks a free one, printed on the first line.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// The console's database of calls and sessions (default: [staff]
    /// console_db, else staff-console.sqlite in the data dir).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// A file holding the store key on its first line (default: [staff]
    /// key_file or key).
    #[arg(long, env = "KIOSK_STORE_KEY_FILE", value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    #[command(flatten)]
    pub data_dir: DataDirArg,
}

#[derive(Debug, clap::Args)]
pub struct CallStaffArgs {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    /// The staff console, https://HOST:PORT (default: [staff] console_url).
    #[arg(long, value_name = "URL")]
    pub console: Option<String>,
    /// A file holding the store key (default: [staff] key_file or key).
    #[arg(long, env = "KIOSK_STORE_KEY_FILE", value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// Take the handoff from a reply of `kiosk ask --json` (a file, or -
    /// for stdin) instead of TEXT.
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    pub reply: Option<PathBuf>,
    /// The shopper's language, for TEXT.
    #[arg(long, default_value = "en")]
    pub lang: Lang,
    /// Why staff are called, for TEXT: requested, low_confidence, discount,
    /// complaint, damaged_or_fraud, safety_or_medical, stale_stock.
    #[arg(long, default_value = "requested", value_parser = parse_reason)]
    pub reason: EscalationReason,
    /// Return once the call is delivered, or saved while the console is
    /// unreachable, instead of following it to "Resolved".
    #[arg(long)]
    pub no_wait: bool,
    /// Stop following after this many seconds (the call stays saved and
    /// followed by the next kiosk process).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// One JSON object per change on stdout: {call, language, status, by?,
    /// error?, message}.
    #[arg(long)]
    pub json: bool,
    /// What the shopper wants, in the store's language.
    pub text: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AnalyticsArgs {
    #[command(flatten)]
    pub data_dir: DataDirArg,
    /// The last N days, today included.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub days: u32,
    /// Everything recorded.
    #[arg(long, conflicts_with = "days")]
    pub all: bool,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write the figures as CSV to FILE (- for stdout).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write one CSV per day not yet exported to outbox/analytics/ in the
    /// data dir, for the next sync.
    #[arg(long)]
    pub export: bool,
    /// Send the figures to the staff console now (the app does every few
    /// minutes).
    #[arg(long)]
    pub push: bool,
    /// The staff console for --push (default: [staff] console_url).
    #[arg(long, value_name = "URL")]
    pub console: Option<String>,
    /// A file holding the store key, for --push.
    #[arg(long, env = "KIOSK_STORE_KEY_FILE", value_name = "PATH")]
    pub key_file: Option<PathBuf>,
}

fn parse_reason(text: &str) -> Result<EscalationReason, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|_| {
        format!("unknown reason {text:?}: expected requested, low_confidence, discount, complaint, damaged_or_fraud, safety_or_medical or stale_stock")
    })
}

/// The staff link's line for `kiosk doctor`.
pub fn doctor_checks(config: &Config) -> Vec<super::doctor::DoctorCheck> {
    use super::doctor::DoctorCheck;
    let check = match (&config.staff.console_url, link_config(config, None, None)) {
        (None, _) => DoctorCheck {
            name: "staff console",
            ok: true,
            detail: "not set up ([staff] console_url): \"Call staff\" asks shoppers to go to the counter".into(),
        },
        (Some(url), Ok(_)) => DoctorCheck {
            name: "staff console",
            ok: true,
            detail: format!("calls go to {url}"),
        },
        (Some(_), Err(e)) => DoctorCheck {
            name: "staff console",
            ok: false,
            detail: format!("{e:#}"),
        },
    };
    vec![check]
}

pub fn staff_console(config: &Config, args: StaffConsoleArgs) -> anyhow::Result<ExitCode> {
    let key = store_key(config, args.key_file.as_deref())?;
    let db = args
        .db
        .or_else(|| config.staff.console_db.clone())
        .unwrap_or_else(|| {
            config
                .data_dir(args.data_dir.data_dir.as_ref())
                .join("staff-console.sqlite")
        });
    let listen = args.listen.unwrap_or_else(|| config.staff.listen.clone());
    let (cert, created, [cert_path, key_path]) =
        ConsoleCert::for_console_db(&db, &cert_names(&listen))
            .with_context(|| format!("the console's certificate beside {}", db.display()))?;
    let mut settings = ConsoleConfig::new(&listen, &db, key);
    settings.tls = Some(cert.clone());
    settings.max_clock_skew_secs = config.staff.max_clock_skew_seconds;
    settings.session_days = config.staff.session_days;
    settings.keep_closed_days = config.staff.keep_closed_days;
    settings.max_open_hours = config.staff.max_open_hours;
    let console = Console::start(settings)
        .with_context(|| format!("starting the staff console ({})", db.display()))?;
    let fingerprint = cert.fingerprint();
    println!("staff console listening on {}", console.url());
    println!("certificate sha256 {fingerprint}");
    std::io::stdout().flush()?;
    let port = console.addr().port();
    eprintln!("  calls and sessions: {}", db.display());
    super::print_certificate(&cert_path, created, &key_path);
    eprintln!(
        "  staff: open https://<this machine's address>:{port}/ on a phone or tablet; the browser warns once about the self-signed certificate: accept it if its SHA-256 is {fingerprint}; then sign in once with the store key"
    );
    eprintln!(
        "  kiosks: [staff] console_url = \"https://<this machine's address>:{port}\", console_cert_sha256 = \"{fingerprint}\" and the same store key"
    );
    console.wait();
    Ok(ExitCode::Ok)
}

/// The names the certificate carries (browsers show them; kiosks check
/// only the fingerprint): localhost, this machine's host name, and the
/// address listened on when it is a specific one.
pub(crate) fn cert_names(listen: &str) -> Vec<String> {
    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    if let Ok(host) = std::fs::read_to_string("/etc/hostname") {
        let host = host.trim();
        if !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            names.push(host.to_string());
        }
    }
    if let Ok(addr) = listen.parse::<std::net::SocketAddr>()
        && !addr.ip().is_unspecified()
        && !addr.ip().is_loopback()
    {
        names.push(addr.ip().to_string());
    }
    names
}

pub fn call_staff(config: &Config, args: CallStaffArgs) -> anyhow::Result<ExitCode> {
    let data_dir = config.data_dir(args.data_dir.data_dir.as_ref());
    let handoff = match (&args.reply, &args.text) {
        (Some(path), _) => handoff_from_reply(path)?,
        (None, Some(text)) if !text.trim().is_empty() => Handoff {
            language: args.lang,
            reason: args.reason,
            wants: text.trim().to_string(),
            products: Vec::new(),
            checked: Vec::new(),
            last_messages: Vec::new(),
        },
        _ => bail!(
            "say what the shopper wants (TEXT), or pass --reply FILE with a reply of `kiosk ask --json`"
        ),
    };
    let settings = link_config(config, args.console.as_deref(), args.key_file.as_deref())?;
    let kiosk = settings.kiosk.clone();
    let link = StaffLink::start(settings, &data_dir)
        .with_context(|| format!("starting the staff link in {}", data_dir.display()))?;
    let events = link.events();
    let id = link.call(&handoff)?;
    if !args.json {
        println!(
            "calling staff to {} ({}): {}",
            kiosk.name, kiosk.location, handoff.wants
        );
    }
    let deadline = args
        .timeout
        .map(|s| Instant::now() + Duration::from_secs_f64(s.max(0.0)));
    let mut last: Option<CallStatus> = None;
    loop {
        let wait = deadline.map_or(Duration::from_secs(3600), |d| {
            d.saturating_duration_since(Instant::now())
        });
        match events.recv_timeout(wait) {
            Ok(event) if event.call == id => {
                log_call_event(&event);
                print_event(&event, args.json)?;
                let status = event.status;
                let settled = status.is_final()
                    || (args.no_wait
                        && matches!(status, CallStatus::Delivered | CallStatus::Queued { .. }));
                last = Some(status);
                if settled {
                    break;
                }
            }
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    break;
                }
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    if matches!(
        last,
        Some(CallStatus::Delivered | CallStatus::OnTheWay { .. } | CallStatus::Resolved { .. })
    ) {
        // The console answers: hand over calls saved by earlier runs too.
        let left = link.flush(Duration::from_secs(5))?;
        if left > 0 {
            eprintln!("kiosk: {left} earlier call(s) still queued in the outbox");
        }
    }
    link.shutdown();
    match last {
        Some(CallStatus::Queued { error }) => {
            eprintln!(
                "kiosk: the call is saved in {} and will be delivered once the console answers ({error})",
                data_dir.join("local.sqlite").display()
            );
            Ok(ExitCode::Failure)
        }
        Some(CallStatus::Failed { error }) => {
            eprintln!("kiosk: the console refused the call: {error}");
            Ok(ExitCode::Failure)
        }
        None => {
            eprintln!("kiosk: no news of the call yet; it is saved and will be delivered");
            Ok(ExitCode::Failure)
        }
        Some(_) => Ok(ExitCode::Ok),
    }
}

fn print_event(event: &kiosk_staff::CallEvent, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let mut value = serde_json::to_value(event)?;
        value["message"] = event.message().into();
        writeln!(out, "{value}")?;
    } else {
        let name = match &event.status {
            CallStatus::Queued { .. } => "console unreachable, queued",
            CallStatus::Delivered => "delivered",
            CallStatus::OnTheWay { .. } => "on the way",
            CallStatus::Resolved { .. } => "resolved",
            CallStatus::Cancelled => "cancelled",
            CallStatus::Failed { .. } => "refused",
        };
        writeln!(out, "{name}: {}", event.message())?;
    }
    out.flush()?;
    Ok(())
}

/// The handoff of a `kiosk ask --json` reply (or a bare handoff object).
fn handoff_from_reply(path: &Path) -> anyhow::Result<Handoff> {
    let mut text = String::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the reply from stdin")?;
    } else {
        text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the reply {}", path.display()))?;
    }
    let value: serde_json::Value =
        serde_json::from_str(&text).context("the reply is not JSON from `kiosk ask --json`")?;
    let handoff = match value.get("handoff") {
        Some(serde_json::Value::Null) => bail!(
            "the reply has no handoff: the assistant did not call staff (\"escalate\": false)"
        ),
        Some(handoff) => handoff.clone(),
        None => value,
    };
    serde_json::from_value(handoff).context("reading the reply's handoff")
}

pub fn analytics(config: &Config, args: AnalyticsArgs) -> anyhow::Result<ExitCode> {
    let data_dir = config.data_dir(args.data_dir.data_dir.as_ref());
    let local = LocalStore::open(&data_dir)?;
    let tz = jiff::tz::TimeZone::system();
    let now = jiff::Timestamp::now();
    let period = if args.all {
        Period::all()
    } else {
        Period::last_days(args.days, &tz, now)
    };
    let figures = Analytics::for_period(&local, period)?;
    let kiosk = kiosk_info(config);
    let mut csv_on_stdout = false;
    if let Some(path) = &args.csv {
        if path == Path::new("-") {
            csv_on_stdout = true;
            kiosk_staff::csv::write_figures(&figures, &kiosk.id, std::io::stdout().lock())?;
        } else {
            let file = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            kiosk_staff::csv::write_figures(&figures, &kiosk.id, std::io::BufWriter::new(file))?;
            eprintln!("wrote {}", path.display());
        }
    }
    if args.export {
        let outbox = data_dir.join("outbox");
        let files = kiosk_staff::csv::export_pending(&local, &kiosk, &outbox, &tz, now)?;
        eprintln!(
            "exported {} day(s) for the next sync to {}",
            files.len(),
            outbox.join("analytics").display()
        );
    }
    if args.push {
        let settings = link_config(config, args.console.as_deref(), args.key_file.as_deref())?;
        let client = ConsoleClient::pinned(
            &settings.console_url,
            settings.key.clone(),
            settings.request_timeout,
            settings.console_cert_sha256.as_deref(),
        )?;
        client
            .push_analytics(&AnalyticsPush {
                kiosk: kiosk.clone(),
                figures: figures.clone(),
            })
            .context("sending the figures to the staff console")?;
        eprintln!("sent the figures to {}", client.url());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else if !csv_on_stdout {
        print_figures(&figures, &kiosk);
    }
    Ok(ExitCode::Ok)
}

fn print_figures(f: &Figures, kiosk: &KioskInfo) {
    let since = f
        .period
        .from
        .map(|t| {
            format!(
                "since {}",
                t.to_zoned(jiff::tz::TimeZone::system())
                    .strftime("%Y-%m-%d %H:%M")
            )
        })
        .unwrap_or_else(|| "everything recorded".to_string());
    println!(
        "{} — {since}: {} shoppers, {} turns",
        kiosk.name, f.sessions, f.turns
    );
    if f.sessions == 0 {
        println!("  nothing recorded in this period");
        return;
    }
    let pct = |r: Option<f64>| r.map_or("–".to_string(), |r| format!("{:.0}%", r * 100.0));
    println!(
        "  handled without staff {:>5}  {}",
        pct(f.containment_rate),
        bar(f.containment_rate.unwrap_or(0.0), 20)
    );
    println!(
        "  called staff          {:>5}  {}  ({} shoppers)",
        pct(f.escalation_rate),
        bar(f.escalation_rate.unwrap_or(0.0), 20),
        f.escalated_sessions
    );
    let ms = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v} ms"));
    println!(
        "  response time         p50 {} · p95 {}",
        ms(f.latency.p50_ms),
        ms(f.latency.p95_ms)
    );
    println!(
        "  satisfaction          {} up · {} down ({})",
        f.csat.up,
        f.csat.down,
        pct(f.csat.rate)
    );
    chart("why staff were called", &f.escalation_reasons);
    chart("languages (shoppers)", &f.languages);
    chart("top searches", &f.top_searches);
    let lost: Vec<Count> = f
        .lost_demand
        .iter()
        .map(|d| Count {
            item: [
                Some(d.product_id.clone()),
                d.size.as_ref().map(|s| format!("size {s}")),
                d.color.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            count: d.count,
        })
        .collect();
    chart("asked for while out of stock", &lost);
    chart("unanswered questions", &f.unanswered);
}

fn chart(title: &str, rows: &[Count]) {
    if rows.is_empty() {
        return;
    }
    println!("  {title}");
    let max = rows.iter().map(|r| r.count).max().unwrap_or(1).max(1);
    for r in rows {
        let label: String = r.item.chars().take(36).collect();
        println!(
            "    {label:<36} {:>4}  {}",
            r.count,
            bar(r.count as f64 / max as f64, 20)
        );
    }
}

fn bar(fraction: f64, width: usize) -> String {
    let filled = (fraction.clamp(0.0, 1.0) * width as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}
