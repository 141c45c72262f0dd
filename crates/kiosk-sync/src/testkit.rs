//! Helpers for the crate's unit tests: small native catalogs, key pairs and
//! bundles in temp dirs.

#[path = "testkit_catalog.rs"]
mod catalog;

use std::path::{Path, PathBuf};

use kiosk_catalog::import::NoProgress;

use crate::bundle::{self, CreateOptions};
use crate::keys::{self, TrustedKeys};

pub use catalog::write_catalog;

pub struct Keys {
    pub secret: PathBuf,
    pub trusted: TrustedKeys,
}

pub fn keys(dir: &Path, name: &str) -> Keys {
    let generated = keys::generate(&dir.join(name), false).expect("keygen");
    let trusted =
        TrustedKeys::parse([(generated.public_key.as_str(), "test")]).expect("trusted key");
    Keys {
        secret: generated.secret_path,
        trusted,
    }
}

pub fn options(catalog: &Path, key: &Path, out: &Path, version: u64) -> CreateOptions {
    CreateOptions::new(catalog, key, out, version)
}

/// Writes and signs a bundle of `catalog` at `out`.
pub fn bundle(catalog: &Path, key: &Path, out: &Path, version: u64) -> PathBuf {
    bundle::create(&options(catalog, key, out, version), &mut NoProgress).expect("bundle create");
    out.to_path_buf()
}

/// One certificate for the tests' bundle servers (made once).
pub fn cert() -> &'static kiosk_staff::tls::ConsoleCert {
    static CERT: std::sync::OnceLock<kiosk_staff::tls::ConsoleCert> = std::sync::OnceLock::new();
    CERT.get_or_init(|| {
        kiosk_staff::tls::ConsoleCert::generate(&["localhost".into()]).expect("certificate")
    })
}
