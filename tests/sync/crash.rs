//! Issue 7: `kiosk sync` killed with SIGKILL at any moment, over and over,
//! leaves a complete snapshot live (the old or the new), no lock behind,
//! and a state file that still refuses older bundles.

use crate::sync_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use sync_support::{World, stderr};

const ROUNDS: u64 = 16;

#[test]
fn killing_sync_at_any_moment_leaves_a_complete_snapshot() {
    let (small, large) = (1_200u64, 1_500u64);
    let world = World::new(small as usize, large as usize);
    // Versions only go up, so each round gets its own bundle.
    for round in 1..=ROUNDS + 1 {
        let cat = if round % 2 == 0 { "b" } else { "a" };
        world.bundle(cat, round, &format!("v{round}.kbundle"), &[]);
    }
    let started = Instant::now();
    let out = world.sync("v1.kbundle");
    assert!(out.status.success(), "{}", stderr(&out));
    let full = started.elapsed();

    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut completed = 0;
    for round in 2..=ROUNDS {
        let mut child = world
            .command(&["sync", "--from", &format!("v{round}.kbundle")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sync");
        let delay = rng.random_range(0..(full.as_micros() as u64 * 12 / 10).max(1));
        std::thread::sleep(Duration::from_micros(delay));
        let finished_first = child.try_wait().expect("try_wait").is_some();
        child.kill().ok(); // SIGKILL
        child.wait().expect("reap");
        completed += u32::from(finished_first);

        let out = world.kiosk(&["snapshot", "verify", "--json"]);
        assert!(out.status.success(), "round {round}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let n = v["n_products"].as_u64().expect("count");
        assert!(n == small || n == large, "round {round}: {n} products");
        assert_eq!(v["n_variants"].as_u64(), Some(n * 4));
        let status = world.kiosk(&["sync", "--status", "--json"]);
        assert!(
            status.status.success(),
            "round {round}: {}",
            stderr(&status)
        );
    }
    assert!(
        completed < ROUNDS as u32 - 1,
        "every sync finished before its kill"
    );

    // Nothing was left holding a lock, and the newest bundle applies.
    let last = format!("v{}.kbundle", ROUNDS + 1);
    let out = world.sync(&last);
    assert!(out.status.success(), "{}", stderr(&out));
    let status = world.kiosk(&["sync", "--status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(status["highest_version"], ROUNDS + 1);
    // An old bundle is still refused after all that.
    let out = world.sync("v1.kbundle");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let kept = std::fs::read_dir(world.path("data/snapshots"))
        .expect("snapshots")
        .count();
    assert!(kept <= 2, "{kept} snapshots kept");
    assert!(!world.path("data/incoming").exists());
}
