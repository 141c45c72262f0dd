//! Issue 2: a reader sees the old complete snapshot or the new complete one,
//! never a mix, even when the importer is killed with SIGKILL at any moment.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kiosk_catalog::{DataDir, Snapshot};
use rand::{Rng, SeedableRng};

use crate::common_support::run_ok;
use crate::sync_support::write_catalog;

const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");
const ROUNDS: usize = 20;

fn import(data: &Path, catalog: &Path) -> std::process::Child {
    Command::new(KIOSK)
        .args(["import", "--from"])
        .arg(catalog)
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn kiosk import")
}

#[test]
fn killing_the_importer_at_any_moment_leaves_a_complete_snapshot() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // 12,000 and 14,400 variants: publishes long enough to kill mid-way.
    let (small, large) = (3_000usize, 3_600usize);
    let catalog_a = tmp.path().join("a");
    let catalog_b = tmp.path().join("b");
    write_catalog(&catalog_a, small, "crash-test", "p");
    write_catalog(&catalog_b, large, "crash-test", "p");
    let data = tmp.path().join("data");

    // The first publish, timed, so kills can land anywhere within one.
    let started = Instant::now();
    let status = import(&data, &catalog_a).wait().expect("wait");
    assert!(status.success());
    let full = started.elapsed();

    // A reader opens and checks the live snapshot over and over meanwhile.
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (stop, reads, data) = (stop.clone(), reads.clone(), data.clone());
        std::thread::spawn(move || {
            let dir = DataDir::new(&data);
            while !stop.load(Ordering::Relaxed) {
                let snap = Snapshot::open(&dir).expect("the live snapshot always opens");
                let n = snap.info().n_products as usize;
                assert!(
                    n == small || n == large,
                    "a mixed snapshot with {n} products"
                );
                let v = snap.verify().expect("verify");
                assert!(v.ok, "damaged snapshot seen by a reader: {:?}", v.problems);
                reads.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };

    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut completed = 0;
    for round in 0..ROUNDS {
        let catalog = if round % 2 == 0 {
            &catalog_b
        } else {
            &catalog_a
        };
        let mut child = import(&data, catalog);
        let delay =
            Duration::from_micros(rng.random_range(0..(full.as_micros() as u64 * 12 / 10).max(1)));
        std::thread::sleep(delay);
        let finished_first = child.try_wait().expect("try_wait").is_some();
        child.kill().ok(); // SIGKILL
        child.wait().expect("reap");
        completed += usize::from(finished_first);

        let out = run_ok(
            Command::new(KIOSK)
                .args(["snapshot", "verify", "--json", "--data-dir"])
                .arg(&data),
            &format!("verify after the kill in round {round}"),
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let n = v["n_products"].as_u64().expect("count") as usize;
        assert!(n == small || n == large, "round {round}: {n} products");
        assert_eq!(v["n_variants"].as_u64(), Some(n as u64 * 4));
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().expect("the reader saw no broken snapshot");
    assert!(reads.load(Ordering::Relaxed) > 0);
    // Some kills must have landed mid-import for the test to mean anything.
    assert!(completed < ROUNDS, "every import finished before its kill");

    // A crash leaves no lock behind: the next import succeeds, and old
    // snapshots and staging directories do not pile up.
    assert!(import(&data, &catalog_b).wait().expect("wait").success());
    let kept = std::fs::read_dir(data.join("snapshots"))
        .expect("snapshots")
        .count();
    assert!(kept <= 2, "{kept} snapshots kept");
    let staging = data.join("staging");
    let leftover = std::fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftover, 0);
}
