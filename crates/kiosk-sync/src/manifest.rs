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
//!
//! [[files]]                        # with `bundle create --vectors`
//! path = "catalog/product_vectors.kvec"
//! size = 404070
//! sha256 = "…"
//! ```
//!
//! The manifest is parsed only after its signature checked out, and the
//! payload is trusted only as far as it matches the manifest's sizes and
//! hashes, every photo included. Paths are `catalog/NAME` or
//! `catalog/images/NAME` with a plain file name, so nothing in a bundle can
//! name a file outside the folder it is copied to.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};

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

/// The manifest's fields before its `[[files]]`: which store, which
/// version, how fresh and for how long. [`Manifest`] and [`Summary`] both
/// hold it, flattened, so the TOML and JSON keep one flat table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub bundle_format: u32,
    pub store_id: String,
    pub version: u64,
    pub created: jiff::Timestamp,
    pub stock_as_of: jiff::Timestamp,
    pub expires: jiff::Timestamp,
    pub catalog_format: String,
}

impl Head {
    pub fn format(&self) -> Format {
        self.catalog_format.parse().unwrap_or(Format::Native)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(flatten)]
    pub head: Head,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
}

/// A manifest as the kiosk and `bundle create` keep it: the head, and a
/// count of its files. The files themselves are read and written one at a
/// time ([`read_written`], [`Writer`]): a bundle may list 500,000 of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub head: Head,
    pub n_files: u64,
    pub total_bytes: u64,
}

impl Summary {
    pub fn format(&self) -> Format {
        self.head.format()
    }

    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }
}

impl Manifest {
    /// The manifest as TOML: the head, then one `[[files]]` table per file,
    /// written line by line (a TOML document of 500,000 tables built in
    /// memory first would cost far more than the text).
    pub fn to_toml(&self) -> Result<String, Rejection> {
        self.validate()?;
        let mut writer = Writer::new(
            self.head.clone(),
            Vec::with_capacity(self.files.len() * 150),
        )?;
        for file in &self.files {
            writer.entry(file)?;
        }
        let (_, bytes) = writer
            .finish()
            .map_err(|e| Rejection::BadManifest(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| Rejection::BadManifest(e.to_string()))
    }

    pub fn summary(&self) -> Summary {
        Summary {
            head: self.head.clone(),
            n_files: self.files.len() as u64,
            total_bytes: self.total_bytes(),
        }
    }

    /// Parses and checks a manifest whose signature was verified.
    ///
    /// A manifest as `bundle create` writes it is read table by table (a
    /// TOML parser would hold a tree of every table, several times the
    /// text); any other TOML, such as a manifest made by hand, is parsed
    /// whole.
    pub fn parse(text: &str) -> Result<Manifest, Rejection> {
        let mut files = Vec::new();
        let read = read_written(text.as_bytes(), |file| {
            files.push(file);
            Ok::<(), Rejection>(())
        })
        .map_err(|e| Rejection::BadManifest(e.to_string()))?;
        let manifest = match read {
            Read::Written(summary) => Manifest {
                head: summary.head,
                files,
            },
            Read::Refused(e) => return Err(e),
            Read::Other => toml::from_str(text).map_err(|e| {
                Rejection::BadManifest(format!("{}: {}", crate::bundle::MANIFEST, e.message()))
            })?,
        };
        manifest.validate()?;
        Ok(manifest)
    }

    /// The rules every manifest keeps; `bundle create` checks them too.
    pub fn validate(&self) -> Result<(), Rejection> {
        check_head(&self.head)?;
        if self.files.is_empty() || self.files.len() > MAX_FILES {
            return Err(Rejection::BadManifest(format!(
                "{} files listed: expected 1 to {MAX_FILES}",
                self.files.len()
            )));
        }
        let mut seen = BTreeSet::new();
        for file in &self.files {
            check_entry(file)?;
            if !seen.insert(file.path.as_str()) {
                return Err(Rejection::BadManifest(format!(
                    "{} is listed twice",
                    file.path
                )));
            }
        }
        Ok(())
    }

    pub fn format(&self) -> Format {
        self.head.format()
    }

    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// The head's rules.
pub fn check_head(head: &Head) -> Result<(), Rejection> {
    let bad = |m: String| Err(Rejection::BadManifest(m));
    let store_id = head.store_id.as_str();
    let catalog_format = head.catalog_format.as_str();
    if head.bundle_format != BUNDLE_FORMAT {
        return bad(format!(
            "bundle_format {}, this kiosk reads format {BUNDLE_FORMAT}",
            head.bundle_format
        ));
    }
    if !is_plain_id(store_id) {
        return bad(format!(
            "store_id {store_id:?}: expected letters, digits, '-', '_' or '.'"
        ));
    }
    if head.version == 0 || i64::try_from(head.version).is_err() {
        return bad(format!(
            "version {}: expected 1 to {} (a TOML integer)",
            head.version,
            i64::MAX
        ));
    }
    if catalog_format.parse::<Format>().is_err() {
        return bad(format!(
            "catalog_format {catalog_format:?}: expected native, shopify or woocommerce"
        ));
    }
    if head.expires <= head.created {
        return bad(format!(
            "expires {} is not after created {}",
            head.expires, head.created
        ));
    }
    Ok(())
}

/// One file entry's rules (a path listed twice is the reader's to find).
pub fn check_entry(file: &FileEntry) -> Result<(), Rejection> {
    if !is_payload_path(&file.path) {
        return Err(Rejection::BadManifest(format!(
            "file path {:?}: expected {PAYLOAD_DIR}/NAME with a plain file name",
            file.path
        )));
    }
    if file.sha256.len() != 64
        || !file
            .sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(Rejection::BadManifest(format!(
            "{}: sha256 {:?} is not 64 lowercase hex digits",
            file.path, file.sha256
        )));
    }
    Ok(())
}

/// Writes a manifest as a stream: the head, then one `[[files]]` table per
/// [`Writer::entry`], line by line (a TOML document of 500,000 tables built
/// in memory first would cost far more than the text), checking each.
pub struct Writer<W: Write> {
    out: W,
    summary: Summary,
}

impl<W: Write> Writer<W> {
    pub fn new(head: Head, mut out: W) -> Result<Writer<W>, Rejection> {
        check_head(&head)?;
        let text = toml::to_string(&head).map_err(|e| Rejection::BadManifest(e.to_string()))?;
        out.write_all(text.as_bytes()).map_err(|e| {
            Rejection::BadManifest(format!("writing {}: {e}", crate::bundle::MANIFEST))
        })?;
        Ok(Writer {
            out,
            summary: Summary {
                head,
                n_files: 0,
                total_bytes: 0,
            },
        })
    }

    pub fn entry(&mut self, file: &FileEntry) -> Result<(), Rejection> {
        check_entry(file)?;
        if self.summary.n_files >= MAX_FILES as u64 {
            return Err(Rejection::BadManifest(format!(
                "more than {MAX_FILES} files listed"
            )));
        }
        // `check_entry` allowed only plain paths and hex digests: nothing
        // to escape.
        write!(
            self.out,
            "\n[[files]]\npath = \"{}\"\nsize = {}\nsha256 = \"{}\"\n",
            file.path, file.size, file.sha256
        )
        .map_err(|e| Rejection::BadManifest(format!("writing {}: {e}", crate::bundle::MANIFEST)))?;
        self.summary.n_files += 1;
        self.summary.total_bytes += file.size;
        Ok(())
    }

    /// The summary and the writer; a manifest lists at least one file.
    pub fn finish(self) -> Result<(Summary, W), Rejection> {
        if self.summary.n_files == 0 {
            return Err(Rejection::BadManifest(format!(
                "0 files listed: expected 1 to {MAX_FILES}"
            )));
        }
        Ok((self.summary, self.out))
    }
}

/// What [`read_written`] found.
#[derive(Debug)]
pub enum Read<T> {
    /// A manifest in the written form, every entry handed on.
    Written(Summary),
    /// Not the written form; entries may have been handed on before that
    /// showed.
    Other,
    /// The manifest is refused (or `on_entry` refused an entry).
    Refused(T),
}

/// Reads a manifest in the form [`Writer`] writes from `input`, one line
/// at a time, handing each file entry (checked) to `on_entry`; nothing is
/// kept but the head and the counts, whatever the manifest's length.
pub fn read_written<R: BufRead, E: From<Rejection>>(
    mut input: R,
    mut on_entry: impl FnMut(FileEntry) -> Result<(), E>,
) -> Result<Read<E>, std::io::Error> {
    const TABLE: &str = "[[files]]";
    // The head: up to the first `[[files]]` line, bounded.
    let mut head_text = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 || head_text.len() > MAX_HEAD_BYTES {
            return Ok(Read::Other);
        }
        if line == "[[files]]\n" {
            break;
        }
        head_text.push_str(&line);
    }
    // A head that also lists files some other way than `[[files]]`
    // tables is not the written form: then the whole text is parsed as
    // TOML.
    let Ok(head_table) = toml::from_str::<toml::Table>(&head_text) else {
        return Ok(Read::Other);
    };
    if head_table.contains_key("files") || !head_text.ends_with("\n\n") {
        return Ok(Read::Other);
    }
    let Ok(head) = toml::Value::Table(head_table).try_into::<Head>() else {
        return Ok(Read::Other);
    };
    if let Err(e) = check_head(&head) {
        return Ok(Read::Refused(e.into()));
    }
    let mut summary = Summary {
        head,
        n_files: 0,
        total_bytes: 0,
    };
    // `Some(true)`: a whole line (its newline removed); `Some(false)`: a
    // last line without a newline; `None`: the end.
    let mut next = |line: &mut String| -> std::io::Result<Option<bool>> {
        line.clear();
        if input.read_line(line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line.pop() == Some('\n')))
    };
    // The `[[files]]` line of the first table was read above.
    let mut at_table = true;
    loop {
        if !at_table {
            match next(&mut line)? {
                None => break,
                Some(true) => {}
                Some(false) => return Ok(Read::Other),
            }
            if line.is_empty() {
                continue;
            }
            if line != TABLE {
                return Ok(Read::Other);
            }
        }
        at_table = false;
        let mut fields = [String::new(), String::new(), String::new()];
        for field in &mut fields {
            if next(field)? != Some(true) {
                return Ok(Read::Other);
            }
        }
        let Some(file) = written_entry(&fields) else {
            return Ok(Read::Other);
        };
        if summary.n_files >= MAX_FILES as u64 {
            return Ok(Read::Refused(
                Rejection::BadManifest(format!("more than {MAX_FILES} files listed")).into(),
            ));
        }
        if let Err(e) = check_entry(&file) {
            return Ok(Read::Refused(e.into()));
        }
        summary.n_files += 1;
        summary.total_bytes += file.size;
        if let Err(e) = on_entry(file) {
            return Ok(Read::Refused(e));
        }
    }
    if summary.n_files == 0 {
        return Ok(Read::Other);
    }
    Ok(Read::Written(summary))
}

/// The head of a written manifest is a few hundred bytes.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// One `[[files]]` table's three lines in the written form.
fn written_entry(lines: &[String; 3]) -> Option<FileEntry> {
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
    let path = plain(&lines[0], "path")?;
    let size = lines[1].strip_prefix("size = ")?;
    if size.is_empty()
        || !size.bytes().all(|b| b.is_ascii_digit())
        || (size.len() > 1 && size.starts_with('0'))
    {
        return None;
    }
    // TOML integers are i64.
    let size = u64::try_from(size.parse::<i64>().ok()?).ok()?;
    let sha256 = plain(&lines[2], "sha256")?;
    Some(FileEntry { path, size, sha256 })
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
