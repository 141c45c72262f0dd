//! `manifest.toml`: what a bundle holds and for whom, signed as a whole.
//!
//! ```toml
//! bundle_format = 1
//! store_id = "stride-rotterdam"
//! version = 20261123020000        # only goes up; default: the creation time
//! created = "2026-11-23T02:00:00Z"
//! stock_as_of = "2026-11-23T01:55:00Z"
//! expires = "2026-11-30T02:00:00Z"
//! catalog_format = "native"        # native | shopify | woocommerce
//!
//! [[files]]
//! path = "catalog/products.csv"
//! size = 123456
//! sha256 = "…64 hex digits…"
//!
//! [[files]]                        # one per product photo thumbnail
//! path = "catalog/images/velora-stride-3.card.jpg"
//! size = 6012
//! sha256 = "…"
//! ```
//!
//! The manifest is parsed only after its signature checked out, and the
//! payload is trusted only as far as it matches the manifest's sizes and
//! hashes, every photo included. Paths are `catalog/NAME` or
//! `catalog/images/NAME` with a plain file name, so nothing in a bundle can
//! name a file outside the folder it is copied to.

use std::collections::BTreeSet;

use kiosk_catalog::Format;
use serde::{Deserialize, Serialize};

use crate::error::Rejection;

/// The bundle layout this kiosk reads.
pub const BUNDLE_FORMAT: u32 = 1;
/// The folder inside a bundle that holds the export.
pub const PAYLOAD_DIR: &str = "catalog";
/// The folder inside [`PAYLOAD_DIR`] that holds the photo thumbnails.
pub const IMAGES_DIR: &str = "images";
/// The export's own files, more than any export has.
pub const MAX_EXPORT_FILES: usize = 64;
/// Photos a bundle may carry (a card and a detail thumbnail each).
pub const MAX_IMAGES: usize = 250_000;
/// A bound on what a manifest may list.
pub const MAX_FILES: usize = MAX_EXPORT_FILES + 2 * MAX_IMAGES;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub bundle_format: u32,
    pub store_id: String,
    pub version: u64,
    pub created: jiff::Timestamp,
    pub stock_as_of: jiff::Timestamp,
    pub expires: jiff::Timestamp,
    pub catalog_format: String,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
}

/// The manifest's fields before its `[[files]]`.
#[derive(Serialize, Deserialize)]
struct Head<S> {
    bundle_format: u32,
    store_id: S,
    version: u64,
    created: jiff::Timestamp,
    stock_as_of: jiff::Timestamp,
    expires: jiff::Timestamp,
    catalog_format: S,
    /// Present only when a manifest lists its files some other way than
    /// `[[files]]` tables; then the whole text is parsed as TOML.
    #[serde(default, skip_serializing)]
    files: Option<toml::Value>,
}

impl Manifest {
    /// The manifest as TOML: the head, then one `[[files]]` table per file,
    /// written line by line (a TOML document of 500,000 tables built in
    /// memory first would cost far more than the text).
    pub fn to_toml(&self) -> Result<String, Rejection> {
        self.validate()?;
        let head = Head {
            bundle_format: self.bundle_format,
            store_id: self.store_id.as_str(),
            version: self.version,
            created: self.created,
            stock_as_of: self.stock_as_of,
            expires: self.expires,
            catalog_format: self.catalog_format.as_str(),
            files: None,
        };
        let mut text = toml::to_string(&head).map_err(|e| Rejection::BadManifest(e.to_string()))?;
        text.reserve(self.files.len() * 150);
        for file in &self.files {
            // `validate` allowed only plain paths and hex digests: nothing
            // to escape.
            text.push_str("\n[[files]]\npath = \"");
            text.push_str(&file.path);
            text.push_str("\"\nsize = ");
            text.push_str(&file.size.to_string());
            text.push_str("\nsha256 = \"");
            text.push_str(&file.sha256);
            text.push_str("\"\n");
        }
        Ok(text)
    }

    /// Parses and checks a manifest whose signature was verified.
    ///
    /// A manifest as `bundle create` writes it is read table by table (a
    /// TOML parser would hold a tree of every table, several times the
    /// text); any other TOML, such as a manifest made by hand, is parsed
    /// whole.
    pub fn parse(text: &str) -> Result<Manifest, Rejection> {
        let manifest = match parse_written(text) {
            Some(manifest) => manifest,
            None => toml::from_str(text).map_err(|e| {
                Rejection::BadManifest(format!("{}: {}", crate::bundle::MANIFEST, e.message()))
            })?,
        };
        manifest.validate()?;
        Ok(manifest)
    }

    /// The rules every manifest keeps; `bundle create` checks them too.
    pub fn validate(&self) -> Result<(), Rejection> {
        let bad = |m: String| Err(Rejection::BadManifest(m));
        if self.bundle_format != BUNDLE_FORMAT {
            return bad(format!(
                "bundle_format {}, this kiosk reads format {BUNDLE_FORMAT}",
                self.bundle_format
            ));
        }
        if !is_plain_id(&self.store_id) {
            return bad(format!(
                "store_id {:?}: expected letters, digits, '-', '_' or '.'",
                self.store_id
            ));
        }
        if self.version == 0 || i64::try_from(self.version).is_err() {
            return bad(format!(
                "version {}: expected 1 to {} (a TOML integer)",
                self.version,
                i64::MAX
            ));
        }
        if self.catalog_format.parse::<Format>().is_err() {
            return bad(format!(
                "catalog_format {:?}: expected native, shopify or woocommerce",
                self.catalog_format
            ));
        }
        if self.expires <= self.created {
            return bad(format!(
                "expires {} is not after created {}",
                self.expires, self.created
            ));
        }
        if self.files.is_empty() || self.files.len() > MAX_FILES {
            return bad(format!(
                "{} files listed: expected 1 to {MAX_FILES}",
                self.files.len()
            ));
        }
        let mut seen = BTreeSet::new();
        for file in &self.files {
            if !is_payload_path(&file.path) {
                return bad(format!(
                    "file path {:?}: expected {PAYLOAD_DIR}/NAME with a plain file name",
                    file.path
                ));
            }
            if !seen.insert(file.path.as_str()) {
                return bad(format!("{} is listed twice", file.path));
            }
            if file.sha256.len() != 64
                || !file
                    .sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return bad(format!(
                    "{}: sha256 {:?} is not 64 lowercase hex digits",
                    file.path, file.sha256
                ));
            }
        }
        Ok(())
    }

    pub fn format(&self) -> Format {
        self.catalog_format.parse().unwrap_or(Format::Native)
    }

    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// A manifest in exactly the form [`Manifest::to_toml`] writes: a head
/// TOML reads, then `[[files]]` tables of `path`, `size` and `sha256` in
/// that order, each a plain string or a decimal integer. `None` for
/// anything else (comments, other keys or order, escapes), which is then
/// parsed as TOML: this reads nothing TOML would read differently.
fn parse_written(text: &str) -> Option<Manifest> {
    const TABLE: &str = "[[files]]";
    let at = text.find("\n[[files]]\n")?;
    let (head, rest) = text.split_at(at + 1);
    let head: Head<String> = toml::from_str(head).ok()?;
    if head.files.is_some() {
        return None;
    }
    let plain = |line: &str, key: &str| -> Option<String> {
        let value = line
            .strip_prefix(key)?
            .strip_prefix(" = \"")?
            .strip_suffix('"')?;
        value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_'))
            .then(|| value.to_string())
    };
    let mut files = Vec::new();
    let mut lines = rest.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if line != TABLE {
            return None;
        }
        let path = plain(lines.next()?, "path")?;
        let size = lines.next()?.strip_prefix("size = ")?;
        if size.is_empty()
            || !size.bytes().all(|b| b.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return None;
        }
        // TOML integers are i64.
        let size = u64::try_from(size.parse::<i64>().ok()?).ok()?;
        let sha256 = plain(lines.next()?, "sha256")?;
        files.push(FileEntry { path, size, sha256 });
    }
    Some(Manifest {
        bundle_format: head.bundle_format,
        store_id: head.store_id,
        version: head.version,
        created: head.created,
        stock_as_of: head.stock_as_of,
        expires: head.expires,
        catalog_format: head.catalog_format,
        files,
    })
}

/// `catalog/NAME` or `catalog/images/NAME`, NAME made of letters, digits,
/// `.`, `-`, `_`, not starting with a dot.
pub fn is_payload_path(path: &str) -> bool {
    let Some(name) = path
        .strip_prefix(PAYLOAD_DIR)
        .and_then(|p| p.strip_prefix('/'))
    else {
        return false;
    };
    let name = name
        .strip_prefix(IMAGES_DIR)
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or(name);
    !name.is_empty() && name.len() <= 100 && !name.starts_with('.') && is_plain_id(name)
}

/// Whether a payload path is a photo thumbnail.
pub fn is_image_path(path: &str) -> bool {
    path.strip_prefix(PAYLOAD_DIR)
        .and_then(|p| p.strip_prefix('/'))
        .and_then(|p| p.strip_prefix(IMAGES_DIR))
        .is_some_and(|p| p.starts_with('/'))
}

fn is_plain_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests;
