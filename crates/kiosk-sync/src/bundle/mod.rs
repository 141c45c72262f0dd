//! The bundle: one file, an uncompressed POSIX tar (so it streams from a
//! stick or a socket in one pass, and `tar tvf` can list it), holding in
//! this order:
//!
//! ```text
//! manifest.toml           what the bundle is (see `manifest.rs`)
//! manifest.toml.minisig   minisign signature of manifest.toml
//! catalog/…               the export: a native catalog, or a Shopify or
//!                         WooCommerce CSV with optional store.toml;
//!                         orders.csv for order status (native only)
//! catalog/images/…        product photo thumbnails, NAME.card.jpg and
//!                         NAME.detail.jpg, NAME a product id or SKU
//! catalog/product_vectors.kvec
//!                         with `--vectors`: every product's vector
//!                         (`kiosk_catalog::vectors::carried`)
//! ```
//!
//! The order matters: the reader checks the signature against the trusted
//! keys and the manifest against the kiosk's store, version and clock
//! before it reads a byte of payload, so a foreign, old or expired bundle
//! is refused after a few kilobytes. Each payload file is then copied to
//! local disk while its size and sha256 are checked against the manifest.
//!
//! A bundle can be made by hand too:
//! `minisign -S -s KEY -m manifest.toml && tar cf X.kbundle manifest.toml manifest.toml.minisig catalog/…`.

mod create;
mod guard;
mod listing;
mod read;

pub use create::{CreateOptions, Created, create};
pub use guard::MAX_EXTENSION_BYTES;
pub use read::{
    Decision, Opened, Policy, Verified, check_policy, open, peek, too_old, verify_file,
};

use sha2::{Digest, Sha256};

pub const MANIFEST: &str = "manifest.toml";
pub const SIGNATURE: &str = "manifest.toml.minisig";
/// Bundle files end in `.kbundle`.
pub const EXTENSION: &str = "kbundle";
/// A manifest lists every photo thumbnail (about 150 bytes each), so it may
/// be large: it is spooled to disk under this bound, then its signature is
/// checked and its files listed reading it as a stream.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;
/// A manifest not in the form `bundle create` writes (made by hand) is
/// parsed whole as TOML, which costs many times its size in memory: such a
/// manifest may be at most this large (about 6,000 files).
const MAX_HAND_MADE_MANIFEST_BYTES: u64 = 1 << 20;
const MAX_SIGNATURE_BYTES: u64 = 4096;
const CHUNK: usize = 1 << 16;

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests;
