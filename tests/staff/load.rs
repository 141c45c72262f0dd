//! 20 simulated kiosks × 100 staff calls on loopback (issue 8): no call
//! lost, none duplicated, every one followed to "Resolved".
//!
//! The kiosks are real `StaffLink`s, each with its own data dir; the
//! console is the real `kiosk staff-console` binary. Between them sits a
//! proxy that cuts some replies short after the console has handled the
//! request (so kiosks retry calls the console already has), and halfway
//! through the console is killed and restarted on the same database. The
//! figures are printed; nothing asserts a time.

use crate::staff_support;

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use kiosk_core::Lang;
use kiosk_core::assistant::{EscalationReason, Handoff};
use kiosk_staff::{CallEvent, CallId, CallState, CallStatus, KioskInfo, LinkConfig, StaffLink};
use staff_support::*;

const KIOSKS: usize = 20;
const CALLS: usize = 100;
const LOAD_DEADLINE: Duration = Duration::from_secs(240);

/// A loopback TCP proxy that cuts every third connection's reply after a
/// few bytes: the request reached the console, the answer did not.
struct FlakyProxy {
    port: u16,
    cuts: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl FlakyProxy {
    fn start(upstream_port: u16) -> FlakyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let cuts = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (cuts2, stop2) = (Arc::clone(&cuts), Arc::clone(&stop));
        std::thread::spawn(move || {
            for (n, client) in listener.incoming().enumerate() {
                if stop2.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(client) = client else { continue };
                let budget = (n % 3 == 1).then_some((n * 37) % 300);
                let cuts = Arc::clone(&cuts2);
                std::thread::spawn(move || relay(client, upstream_port, budget, &cuts));
            }
        });
        FlakyProxy { port, cuts, stop }
    }
}

impl Drop for FlakyProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn relay(client: TcpStream, upstream_port: u16, budget: Option<usize>, cuts: &AtomicU64) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream_port)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let (Ok(mut client_in), Ok(mut server_out)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let upstream = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_in, &mut server_out);
        let _ = server_out.shutdown(Shutdown::Write);
    });
    let (mut server_in, mut client_out) = (server, client);
    let mut sent = 0;
    let mut buf = [0u8; 4096];
    loop {
        let n = match server_in.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(budget) = budget
            && sent + n > budget
        {
            let _ = client_out.write_all(&buf[..budget - sent]);
            cuts.fetch_add(1, Ordering::Relaxed);
            break;
        }
        if client_out.write_all(&buf[..n]).is_err() {
            break;
        }
        sent += n;
    }
    let _ = client_out.shutdown(Shutdown::Both);
    let _ = server_in.shutdown(Shutdown::Both);
    let _ = upstream.join();
}

fn handoff(wants: String) -> Handoff {
    Handoff {
        language: Lang::En,
        reason: EscalationReason::Requested,
        wants,
        products: Vec::new(),
        checked: Vec::new(),
        last_messages: vec!["can someone help me".into()],
    }
}

/// Counts each link's events per call, until told how many to expect.
/// Tallies what the kiosks hear until `missing` finds nothing missing
/// (`None`); fails with what it says is missing once `until` has passed.
fn tally_until(
    receivers: &[Receiver<CallEvent>],
    counts: &mut [HashMap<CallId, (u32, u32)>],
    until: Instant,
    mut missing: impl FnMut(&[HashMap<CallId, (u32, u32)>]) -> Option<String>,
) {
    loop {
        for (rx, c) in receivers.iter().zip(counts.iter_mut()) {
            tally(rx, c);
        }
        let Some(missing) = missing(counts) else {
            return;
        };
        assert!(Instant::now() < until, "{missing}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn tally(rx: &Receiver<CallEvent>, counts: &mut HashMap<CallId, (u32, u32)>) {
    while let Ok(event) = rx.try_recv() {
        let entry = counts.entry(event.call).or_default();
        match event.status {
            CallStatus::Delivered => entry.0 += 1,
            CallStatus::Resolved { .. } => entry.1 += 1,
            _ => {}
        }
    }
}

#[test]
fn twenty_kiosks_a_hundred_calls_each() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = ConsoleHome::new(dir.path());
    let console = home.start();
    let proxy = FlakyProxy::start(home.port);
    let proxy_url = format!("https://127.0.0.1:{}", proxy.port);

    let links: Vec<StaffLink> = (0..KIOSKS)
        .map(|k| {
            let kiosk_dir = dir.path().join(format!("kiosk-{k:02}"));
            let mut config = LinkConfig::new(
                &proxy_url,
                key(),
                KioskInfo::new(None, &format!("Kiosk {k:02}"), "Floor 1"),
            );
            config.console_cert_sha256 = Some(console.cert_sha256.clone());
            config.retry_initial = Duration::from_millis(20);
            config.retry_max = Duration::from_millis(500);
            config.watch_wait = Duration::from_secs(5);
            StaffLink::start(config, &kiosk_dir).expect("link")
        })
        .collect();
    let receivers: Vec<Receiver<CallEvent>> = links.iter().map(StaffLink::events).collect();

    let started = Instant::now();
    let ids: Vec<Vec<CallId>> = std::thread::scope(|s| {
        let handles: Vec<_> = links
            .iter()
            .enumerate()
            .map(|(k, link)| {
                s.spawn(move || {
                    (0..CALLS)
                        .map(|n| {
                            link.call(&handoff(format!("kiosk-{k:02} call-{n:03}")))
                                .expect("saved")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("caller thread"))
            .collect()
    });

    // Halfway, the console dies and comes back on the same database.
    let direct = console.client();
    wait_until("half the calls at the console", || {
        direct
            .calls(true)
            .map(|c| c.len() >= KIOSKS * CALLS / 2)
            .unwrap_or(false)
    });
    console.kill();
    let console = home.start();
    let direct = console.client();

    let mut counts: Vec<HashMap<CallId, (u32, u32)>> = vec![HashMap::new(); KIOSKS];
    let until = Instant::now() + LOAD_DEADLINE;
    tally_until(&receivers, &mut counts, until, |counts| {
        let delivered = counts
            .iter()
            .map(|c| c.values().filter(|v| v.0 > 0).count())
            .sum::<usize>();
        let queued: usize = links.iter().map(|l| l.queued().expect("queued")).sum();
        (delivered < KIOSKS * CALLS || queued > 0).then(|| {
            format!(
                "only {delivered} of {} calls delivered ({queued} queued)",
                KIOSKS * CALLS
            )
        })
    });
    let delivered_in = started.elapsed();

    // The console holds each call exactly once.
    let at_console = direct.calls(true).expect("list");
    let unique: HashSet<&CallId> = at_console.iter().map(|c| &c.id).collect();
    let wants: HashSet<&str> = at_console
        .iter()
        .map(|c| c.handoff.wants.as_str())
        .collect();
    let sent: HashSet<&CallId> = ids.iter().flatten().collect();
    assert_eq!(at_console.len(), KIOSKS * CALLS, "calls at the console");
    assert_eq!(unique.len(), KIOSKS * CALLS, "distinct ids");
    assert_eq!(wants.len(), KIOSKS * CALLS, "distinct calls");
    assert!(
        unique.iter().all(|id| sent.contains(id)),
        "only calls the kiosks made"
    );
    let duplicate_reports: u32 = counts
        .iter()
        .flat_map(|c| c.values())
        .map(|(d, _)| d.saturating_sub(1))
        .sum();
    assert_eq!(
        duplicate_reports, 0,
        "a kiosk reported a call delivered twice"
    );

    // Staff resolve every call; every kiosk hears it for each of its own.
    let resolving = Instant::now();
    for call in &at_console {
        direct
            .set_state(&call.id, CallState::Resolved, Some("Floor team"))
            .expect("resolve");
    }
    tally_until(&receivers, &mut counts, until, |counts| {
        let resolved = counts
            .iter()
            .map(|c| c.values().filter(|v| v.1 > 0).count())
            .sum::<usize>();
        (resolved < KIOSKS * CALLS).then(|| {
            format!(
                "only {resolved} of {} resolutions reached the kiosks",
                KIOSKS * CALLS
            )
        })
    });
    let followed_in = resolving.elapsed();
    for (k, (c, mine)) in counts.iter().zip(&ids).enumerate() {
        let theirs: HashSet<&CallId> = c.keys().collect();
        let mine: HashSet<&CallId> = mine.iter().collect();
        assert_eq!(theirs, mine, "kiosk {k} heard only of its own calls");
        assert!(
            c.values().all(|&(d, r)| d == 1 && r == 1),
            "kiosk {k}: one report each"
        );
    }
    // Calls that needed more than one try (a cut reply, the restart).
    let retried: i64 = (0..KIOSKS)
        .map(|k| {
            let local =
                kiosk_catalog::local::LocalStore::open(&dir.path().join(format!("kiosk-{k:02}")))
                    .expect("local store");
            local
                .connection()
                .query_row(
                    "SELECT COUNT(*) FROM staff_calls WHERE attempts > 0",
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .expect("count")
        })
        .sum();
    println!(
        "{KIOSKS} kiosks × {CALLS} calls: {} delivered, {} duplicates, 0 lost; \
         {retried} calls sent more than once, {} replies cut by the proxy, 1 console restart; \
         all delivered in {:.1} s, all resolutions followed in {:.1} s",
        at_console.len(),
        duplicate_reports,
        proxy.cuts.load(Ordering::Relaxed),
        delivered_in.as_secs_f64(),
        followed_in.as_secs_f64()
    );
    drop(links);
}
