//! `kiosk bench serve`: what `kiosk serve-bundles` holds when a store's
//! kiosks pull their bundle at once. Starts the real server (this binary's
//! `serve-bundles`, in its own process, so its CPU time and peak memory are
//! its own) over HTTPS on loopback, then N kiosks, each on its own thread
//! with the kiosk's own HTTP client pinned to the server's certificate,
//! pull the bundle P times each, all starting together. Reports the
//! throughput, the time per pull (p50, p99, max), the server's CPU time
//! and peak RSS, and the load average before and after (the machine may be
//! shared: a busy machine makes every figure worse).
//!
//! The bundle is made from the demo store scaled to `--products` (a real
//! signed bundle, no photos), or `--bundle FILE` is served as it is (a
//! bundle with photos from `kiosk bench images`, say). The kiosks check
//! each pull's length against the file; they do not verify or import it
//! (that is the kiosk's own cost, measured by `kiosk bench images`).

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use kiosk_bench::generate::{GenerateOptions, generate};
use kiosk_sync::http::{Client, Fetched, HttpOptions};
use serde::Serialize;

use super::ExitCode;
use super::bench::{proc_status_mib, process_cpu_s};

#[derive(Debug, clap::Args)]
pub struct BenchServeArgs {
    /// Kiosks pulling at once, each on its own connection.
    #[arg(long, default_value_t = 20)]
    pub kiosks: usize,
    /// Pulls each kiosk makes, one after another.
    #[arg(long, default_value_t = 5)]
    pub pulls: usize,
    /// Serve this file instead of making a bundle.
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    /// The native catalog the bundle is made from, scaled up.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub from: PathBuf,
    /// Products in the bundle made (without `--bundle`).
    #[arg(long, default_value_t = 20_000)]
    pub products: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct Figures {
    kiosks: usize,
    pulls_per_kiosk: usize,
    bundle_bytes: u64,
    pulls_ok: usize,
    pulls_failed: usize,
    /// The first failure's message, if any.
    first_failure: Option<String>,
    wall_s: f64,
    throughput_mib_s: f64,
    pulls_per_s: f64,
    pull_p50_ms: f64,
    pull_p99_ms: f64,
    pull_max_ms: f64,
    /// The server's CPU time (user + system) during the pulls.
    server_cpu_s: f64,
    /// `server_cpu_s` over the wall time: 1.0 is one core busy.
    server_cores_busy: f64,
    server_rss_idle_mib: f64,
    server_peak_rss_mib: f64,
    load_average_before: String,
    load_average_after: String,
    cores: usize,
}

/// The server's process: killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(args: &BenchServeArgs) -> anyhow::Result<ExitCode> {
    if args.kiosks == 0 || args.pulls == 0 {
        bail!("--kiosks and --pulls must be at least 1");
    }
    let tmp = tempfile::tempdir().context("creating a temp dir")?;
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served)?;
    let bundle = served.join("store.kbundle");
    match &args.bundle {
        Some(file) => {
            std::fs::copy(file, &bundle)
                .with_context(|| format!("copying {} to serve it", file.display()))?;
        }
        None => make_bundle(tmp.path(), &args.from, args.products, &bundle)?,
    }
    let bundle_bytes = std::fs::metadata(&bundle)?.len();

    let empty_config = tmp.path().join("empty.toml");
    std::fs::write(&empty_config, "")?;
    let mut child = Command::new(std::env::current_exe().context("finding this binary")?)
        .arg("--config")
        .arg(&empty_config)
        .arg("serve-bundles")
        .arg(&served)
        .args(["--listen", "127.0.0.1:0", "--quiet", "--cert-dir"])
        .arg(tmp.path().join("cert"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting kiosk serve-bundles")?;
    let stdout = child.stdout.take().context("the server's output")?;
    let server = Server(child);
    let (addr, fingerprint) = read_banner(stdout)?;
    let pid = server.0.id();
    let url = format!("https://{addr}/store.kbundle");
    let options = HttpOptions {
        attempts: 1,
        server_cert_sha256: Some(fingerprint),
        ..HttpOptions::default()
    };
    // One pull first: the server is up, and the file is in the page cache
    // for every pull alike.
    pull(&Client::new(options.clone()), &url, bundle_bytes)?;

    let load_average_before = load_average();
    let server_pid = pid.to_string();
    let server_rss_idle_mib = proc_status_mib(&server_pid, "VmRSS:");
    let cpu_before = process_cpu_s(&server_pid);
    let barrier = Arc::new(Barrier::new(args.kiosks + 1));
    let kiosks: Vec<_> = (0..args.kiosks)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            let client = Client::new(options.clone());
            let url = url.clone();
            let pulls = args.pulls;
            std::thread::spawn(move || {
                barrier.wait();
                (0..pulls)
                    .map(|_| {
                        let started = Instant::now();
                        pull(&client, &url, bundle_bytes)
                            .map(|()| started.elapsed())
                            .map_err(|e| format!("{e:#}"))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut times = Vec::new();
    let mut failures = Vec::new();
    for kiosk in kiosks {
        for result in kiosk
            .join()
            .map_err(|_| anyhow::anyhow!("a kiosk thread panicked"))?
        {
            match result {
                Ok(t) => times.push(t),
                Err(e) => failures.push(e),
            }
        }
    }
    let wall_s = started.elapsed().as_secs_f64();
    let server_cpu_s = process_cpu_s(&server_pid) - cpu_before;
    let server_peak_rss_mib = proc_status_mib(&server_pid, "VmHWM:");
    let load_average_after = load_average();
    drop(server);

    times.sort();
    let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let at = |q: f64| {
        let i = ((times.len() as f64 * q).ceil() as usize).saturating_sub(1);
        ms(times.get(i))
    };
    let figures = Figures {
        kiosks: args.kiosks,
        pulls_per_kiosk: args.pulls,
        bundle_bytes,
        pulls_ok: times.len(),
        pulls_failed: failures.len(),
        first_failure: failures.first().cloned(),
        wall_s,
        throughput_mib_s: (times.len() as u64 * bundle_bytes) as f64
            / (1 << 20) as f64
            / wall_s.max(1e-9),
        pulls_per_s: times.len() as f64 / wall_s.max(1e-9),
        pull_p50_ms: at(0.50),
        pull_p99_ms: at(0.99),
        pull_max_ms: ms(times.last()),
        server_cpu_s,
        server_cores_busy: server_cpu_s / wall_s.max(1e-9),
        server_rss_idle_mib,
        server_peak_rss_mib,
        load_average_before,
        load_average_after,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        print(&figures);
    }
    Ok(if figures.pulls_failed == 0 {
        ExitCode::Ok
    } else {
        ExitCode::Failure
    })
}

fn print(f: &Figures) {
    let mib = f.bundle_bytes as f64 / (1 << 20) as f64;
    println!(
        "{} kiosks × {} pulls of a {mib:.1} MiB bundle over pinned HTTPS on loopback: {} ok, {} failed{}",
        f.kiosks,
        f.pulls_per_kiosk,
        f.pulls_ok,
        f.pulls_failed,
        f.first_failure
            .as_deref()
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default()
    );
    println!(
        "throughput {:.1} MiB/s, {:.2} pulls/s over {:.1} s; per pull p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        f.throughput_mib_s, f.pulls_per_s, f.wall_s, f.pull_p50_ms, f.pull_p99_ms, f.pull_max_ms
    );
    println!(
        "server: {:.1} s CPU ({:.2} cores busy), RSS {:.1} MiB idle, peak {:.1} MiB",
        f.server_cpu_s, f.server_cores_busy, f.server_rss_idle_mib, f.server_peak_rss_mib
    );
    println!(
        "load average before {}, after {} ({} cores; the kiosks run on the same machine)",
        f.load_average_before, f.load_average_after, f.cores
    );
}

/// A signed bundle of the demo store scaled to `products`, without photos.
fn make_bundle(tmp: &Path, from: &Path, products: usize, out: &Path) -> anyhow::Result<()> {
    let catalog = tmp.join("catalog");
    generate(&GenerateOptions {
        from: from.to_path_buf(),
        out: catalog.clone(),
        products,
        variants_per_product: 10,
        seed: 20261123,
    })
    .with_context(|| format!("scaling up {}", from.display()))?;
    let key = kiosk_sync::keys::generate(&tmp.join("office.key"), false)?;
    kiosk_sync::bundle::create(
        &kiosk_sync::bundle::CreateOptions::new(&catalog, &key.secret_path, out, 1),
        &mut kiosk_catalog::import::NoProgress,
    )
    .context("bundle create")?;
    Ok(())
}

/// The address and certificate fingerprint `serve-bundles` prints first.
fn read_banner(stdout: impl Read) -> anyhow::Result<(String, String)> {
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut addr = None;
    for line in lines.by_ref() {
        let line = line.context("reading the server's output")?;
        if let Some(rest) = line.split_once("https://").map(|(_, r)| r) {
            addr = rest.split('/').next().map(str::to_string);
        }
        if let Some(fp) = line.strip_prefix("certificate sha256 ") {
            let addr = addr.context("the server printed no address")?;
            return Ok((addr, fp.trim().to_string()));
        }
    }
    bail!("kiosk serve-bundles ended before it printed its address and certificate")
}

/// One pull to the end of the body; its length must be the file's.
fn pull(client: &Client, url: &str, expected: u64) -> anyhow::Result<()> {
    match client.get(url, None)? {
        Fetched::NotModified => bail!("304 to an unconditional GET"),
        Fetched::Body { mut reader, .. } => {
            let n = std::io::copy(&mut reader, &mut std::io::sink())?;
            if n != expected {
                bail!("{n} bytes received, the bundle has {expected}");
            }
            Ok(())
        }
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
