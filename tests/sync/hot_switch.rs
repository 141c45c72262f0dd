//! Issue 7: a running kiosk switches to a newly synced snapshot without a
//! restart, and no query fails or mixes two snapshots while it does.
//! Shoppers' searches run on several threads through `LiveSnapshot::get()`
//! while the real `kiosk sync` publishes new bundles and a refresher swaps.

use crate::sync_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use kiosk_catalog::DataDir;
use kiosk_catalog::live::LiveSnapshot;
use kiosk_core::SearchRequest;
use sync_support::{World, stderr};

const SYNCS: u64 = 8;

#[test]
fn queries_during_the_swap_never_fail_or_mix_snapshots() {
    // Catalog a has 300 products with ids a…, catalog b 360 with ids b….
    let world = World::new(300, 360);
    for v in 1..=SYNCS + 1 {
        world.bundle(
            if v % 2 == 0 { "b" } else { "a" },
            v,
            &format!("v{v}.kbundle"),
            &[],
        );
    }
    let out = world.sync("v1.kbundle");
    assert!(out.status.success(), "{}", stderr(&out));
    let live = Arc::new(LiveSnapshot::open(DataDir::new(world.path("data"))).expect("open"));
    let stop = Arc::new(AtomicBool::new(false));
    let queries = Arc::new(AtomicUsize::new(0));
    let switches = Arc::new(AtomicUsize::new(0));

    let shoppers: Vec<_> = (0..3)
        .map(|t| {
            let (live, stop, queries) = (live.clone(), stop.clone(), queries.clone());
            std::thread::spawn(move || {
                let words = ["trail runner", "shoe", "running shoes", "brand3"];
                let mut i = t;
                while !stop.load(Ordering::Relaxed) {
                    let snapshot = live.get();
                    let (n, tag) = match snapshot.info().n_products {
                        300 => (300, "a"),
                        360 => (360, "b"),
                        other => panic!("a snapshot with {other} products"),
                    };
                    let request = SearchRequest::new(words[i % words.len()]);
                    let hits = snapshot
                        .search(&request)
                        .unwrap_or_else(|e| panic!("a search failed mid-swap: {e}"));
                    assert!(!hits.is_empty(), "no hits from a {n}-product snapshot");
                    for hit in &hits {
                        let id = &hit.record.product.id;
                        assert!(id.starts_with(tag), "{id} in a result from catalog {tag}");
                        let again = snapshot
                            .product(id)
                            .unwrap_or_else(|e| panic!("a lookup failed mid-swap: {e}"))
                            .expect("the product is in its own snapshot");
                        assert_eq!(again.variants.len(), 4);
                    }
                    queries.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();
    let refresher = {
        let (live, stop, switches) = (live.clone(), stop.clone(), switches.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match live.refresh() {
                    Ok(true) => {
                        switches.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(false) => {}
                    Err(e) => panic!("refresh failed: {e}"),
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };

    for v in 2..=SYNCS + 1 {
        let out = world.sync(&format!("v{v}.kbundle"));
        assert!(out.status.success(), "v{v}: {}", stderr(&out));
        // Let the refresher see this snapshot before the next publish.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while live.get().info().id != world.live().expect("live").0
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    stop.store(true, Ordering::Relaxed);
    for shopper in shoppers {
        shopper.join().expect("no query failed or mixed snapshots");
    }
    refresher.join().expect("every refresh worked");
    assert_eq!(
        switches.load(Ordering::Relaxed) as u64,
        SYNCS,
        "one switch per sync"
    );
    assert!(queries.load(Ordering::Relaxed) > 0);
    assert_eq!(
        live.get().info().n_products,
        300,
        "the last sync (v9, catalog a) is live"
    );
}
