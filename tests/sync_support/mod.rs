//! Shared by the `sync_*` integration tests (issue 7): a temp world with a
//! signing key, catalogs, bundles made by the real `kiosk bundle create`,
//! and a kiosk.toml whose `[sync]` trusts the key.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

#[path = "../../crates/kiosk-sync/src/testkit_catalog.rs"]
mod catalog;
pub use catalog::write_catalog;

pub const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

/// The store key in `[staff]`: it signs uploads, and `serve-bundles`
/// (run with the same kiosk.toml) checks them with it.
pub const STORE_KEY: &str = "the-store-secret-for-tests";

pub struct World {
    pub tmp: tempfile::TempDir,
    /// The certificate SHA-256 of the store server the tests started
    /// (`[sync] server_cert_sha256`, kept in every config written).
    pub server_pin: std::cell::RefCell<Option<String>>,
}

impl World {
    /// A key pair, catalogs `a` (`n_a` products) and `b` (`n_b`) of store
    /// `store-a`, `other` of store `store-z`, and a config trusting the key.
    pub fn new(n_a: usize, n_b: usize) -> World {
        let world = World {
            tmp: tempfile::tempdir().expect("temp dir"),
            server_pin: Default::default(),
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

    /// Writes kiosk.toml: the store key in `[staff]`, the trusted key, the
    /// store and quick timeouts in `[sync]`,
    /// with `extra` lines added (or replacing a default of the same key).
    pub fn config(&self, extra: &str) {
        let key = |line: &str| line.split('=').next().unwrap_or("").trim().to_string();
        let defaults = [
            "trusted_keys = [\"office.key.pub\"]",
            "store_id = \"store-a\"",
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
        if let Some(pin) = self.server_pin.borrow().as_ref()
            && !extra.lines().any(|l| key(l) == "server_cert_sha256")
        {
            lines.push(format!("server_cert_sha256 = \"{pin}\""));
        }
        std::fs::write(
            self.path("kiosk.toml"),
            format!(
                "data_dir = \"data\"\n[staff]\nkey = \"{STORE_KEY}\"\n[sync]\n{}\n",
                lines.join("\n")
            ),
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

    /// [`World::new`] with 30 products in `a` and `n_b` in `b`, and `a` live
    /// as version 1: its bundle written to `out` and synced from `from`.
    pub fn with_a_live(n_b: usize, out: &str, from: &str) -> World {
        let world = World::new(30, n_b);
        world.bundle("a", 1, out, &[]);
        let synced = world.sync(from);
        assert!(synced.status.success(), "{}", stderr(&synced));
        world
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
