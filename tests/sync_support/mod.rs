//! Shared by the `sync_*` integration tests (issue 7): a temp world with a
//! signing key, catalogs, bundles made by the real `kiosk bundle create`,
//! and a kiosk.toml whose `[sync]` trusts the key.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

pub struct World {
    pub tmp: tempfile::TempDir,
}

impl World {
    /// A key pair, catalogs `a` (`n_a` products) and `b` (`n_b`) of store
    /// `store-a`, `other` of store `store-z`, and a config trusting the key.
    pub fn new(n_a: usize, n_b: usize) -> World {
        let world = World {
            tmp: tempfile::tempdir().expect("temp dir"),
        };
        write_catalog(&world.path("a"), n_a, "store-a", "a");
        write_catalog(&world.path("b"), n_b, "store-a", "b");
        write_catalog(&world.path("other"), 5, "store-z", "z");
        world.config("");
        let out = world.kiosk(&["keygen", "--out", "office.key"]);
        assert!(out.status.success(), "keygen: {}", stderr(&out));
        world
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// Writes kiosk.toml: the trusted key and quick timeouts in `[sync]`,
    /// with `extra` lines added (or replacing a default of the same key).
    pub fn config(&self, extra: &str) {
        let key = |line: &str| line.split('=').next().unwrap_or("").trim().to_string();
        let defaults = [
            "trusted_keys = [\"office.key.pub\"]",
            "attempts = 2",
            "retry_backoff_seconds = 0.05",
            "connect_timeout_seconds = 2",
            "read_timeout_seconds = 1",
            "poll_seconds = 1",
        ];
        let mut lines: Vec<String> = defaults
            .iter()
            .filter(|d| !extra.lines().any(|l| key(l) == key(d)))
            .map(|d| d.to_string())
            .collect();
        lines.extend(extra.lines().map(str::to_string));
        std::fs::write(
            self.path("kiosk.toml"),
            format!("data_dir = \"data\"\n[sync]\n{}\n", lines.join("\n")),
        )
        .expect("write kiosk.toml");
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(KIOSK);
        command
            .current_dir(self.tmp.path())
            .env_remove("KIOSK_CONFIG")
            .arg("--config")
            .arg(self.path("kiosk.toml"))
            .args(args)
            .stdin(Stdio::null());
        command
    }

    pub fn kiosk(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run kiosk")
    }

    /// `kiosk bundle create` of catalog `cat` with version `version` to
    /// `out`, plus `extra` flags.
    pub fn bundle(&self, cat: &str, version: u64, out: &str, extra: &[&str]) -> PathBuf {
        let version = version.to_string();
        let mut args = vec![
            "bundle",
            "create",
            "--from",
            cat,
            "--key",
            "office.key",
            "--out",
            out,
            "--version",
            &version,
        ];
        args.extend_from_slice(extra);
        let result = self.kiosk(&args);
        assert!(
            result.status.success(),
            "bundle create: {}",
            stderr(&result)
        );
        self.path(out)
    }

    /// `kiosk sync --from SRC`.
    pub fn sync(&self, from: &str) -> Output {
        self.kiosk(&["sync", "--from", from])
    }

    /// The live snapshot's id and product count, if any.
    pub fn live(&self) -> Option<(String, u64)> {
        let snapshot =
            kiosk_catalog::Snapshot::open(&kiosk_catalog::DataDir::new(self.path("data"))).ok()?;
        Some((snapshot.info().id.clone(), snapshot.info().n_products))
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A native catalog of `n` products (ids `TAG0…`), 4 variants each.
pub fn write_catalog(dir: &Path, n: usize, store_id: &str, tag: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(
        dir.join("store.toml"),
        format!(
            "id = \"{store_id}\"\nname = \"Sync Test\"\nlanguage = \"en\"\ncurrency = \"EUR\"\n"
        ),
    )
    .expect("store");
    let mut products = std::fs::File::create(dir.join("products.csv")).expect("products");
    let mut variants = std::fs::File::create(dir.join("variants.csv")).expect("variants");
    let mut stock = std::fs::File::create(dir.join("stock.csv")).expect("stock");
    writeln!(products, "id,title,brand,category,description,tags,price").expect("write");
    writeln!(variants, "sku,product_id,size,color").expect("write");
    writeln!(stock, "sku,quantity").expect("write");
    for i in 0..n {
        writeln!(
            products,
            "{tag}{i},Trail Runner {i} Shoe,Brand{},Running Shoes,A shoe for trails number {i},running;trail,{}.95",
            i % 7,
            50 + i % 40
        )
        .expect("write");
        for size in ["8", "9"] {
            for color in ["Black", "Blue"] {
                writeln!(variants, "{tag}{i}-{size}-{color},{tag}{i},{size},{color}")
                    .expect("write");
                writeln!(stock, "{tag}{i}-{size}-{color},{}", i % 4).expect("write");
            }
        }
    }
}
