//! Builds the index of a new snapshot from its SQLite tables.
//!
//! Memory stays bounded whatever the number of products: products are read
//! from SQLite a row at a time, and the writer is committed every
//! [`DOCS_PER_COMMIT`] documents. Tantivy queues up to 10,000 documents
//! between `add_document` and its indexing threads, and a product's
//! document (its text several times over, its option terms) is a few KiB,
//! so without the commits that queue alone held tens of MiB. The segments
//! are merged into one at the end, once (no merges while indexing). After
//! each commit the memory its indexing threads freed is handed back to the
//! system (`release_freed_memory`).

use std::path::Path;

use kiosk_core::{Concept, Lang};
use rusqlite::Connection;
use tantivy::indexer::NoMergePolicy;
use tantivy::{Index, IndexWriter, TantivyDocument};

use super::{Fields, analyzer, color_term, option_key, schema, size_color_term, size_term};
use crate::error::{Error, Result};
use crate::import::Progress;

/// Memory for the index writer, per thread: a segment is written out when
/// it reaches this. Tantivy's least is 15 MB.
const WRITER_HEAP_PER_THREAD: usize = 16 << 20;

/// Documents added between commits: what Tantivy's queue and its
/// segments in memory hold at most.
const DOCS_PER_COMMIT: u64 = 2048;

/// Indexes every product in `conn`; returns the number of documents.
pub fn build(
    path: &Path,
    conn: &Connection,
    lang: Lang,
    _vocabulary: &[Concept],
    progress: &mut dyn Progress,
) -> Result<u64> {
    std::fs::create_dir_all(path).map_err(Error::io("creating", path))?;
    let (schema, fields) = schema();
    let index = Index::create_in_dir(path, schema).map_err(Error::index("creating the index"))?;
    analyzer::register(&index, lang);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, WRITER_HEAP_PER_THREAD * threads)
        .map_err(Error::index("opening the index writer"))?;
    // Segments are merged once, at the end.
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let mut stmt = conn
        .prepare(
            "SELECT p.rowid, p.title, p.brand, p.category, p.tags, p.description, p.price_minor,
                    v.size, v.color, v.in_stock
             FROM products p JOIN variants v ON v.product_rowid = p.rowid
             ORDER BY p.rowid, v.rowid",
        )
        .map_err(Error::sqlite("reading products to index"))?;
    let mut rows = stmt
        .query([])
        .map_err(Error::sqlite("reading products to index"))?;
    let mut doc: Option<(i64, DocBuilder)> = None;
    let mut n = 0u64;
    while let Some(row) = rows
        .next()
        .map_err(Error::sqlite("reading products to index"))?
    {
        let rowid: i64 = row.get(0).map_err(Error::sqlite("reading a product"))?;
        if doc.as_ref().is_none_or(|(r, _)| *r != rowid) {
            if let Some((_, d)) = doc.take() {
                writer
                    .add_document(d.finish(&fields))
                    .map_err(Error::index("adding a document"))?;
                n += 1;
                if n.is_multiple_of(DOCS_PER_COMMIT) {
                    writer
                        .commit()
                        .map_err(Error::index("committing the index"))?;
                    release_freed_memory();
                    progress.set(n);
                }
            }
            let get = |i: usize| -> Result<Option<String>> {
                row.get(i).map_err(Error::sqlite("reading a product"))
            };
            doc = Some((
                rowid,
                DocBuilder {
                    rowid: rowid as u64,
                    title: get(1)?.unwrap_or_default(),
                    brand: get(2)?,
                    category: get(3)?,
                    tags: get(4)?.unwrap_or_default(),
                    description: get(5)?.unwrap_or_default(),
                    price: row
                        .get::<_, Option<i64>>(6)
                        .map_err(Error::sqlite("reading a product"))?
                        .unwrap_or(0)
                        .max(0) as u64,
                    colors: Vec::new(),
                    opt: Vec::new(),
                    opt_in: Vec::new(),
                    in_stock: false,
                },
            ));
        }
        let (_, d) = doc.as_mut().expect("set above");
        let size: Option<String> = row.get(7).map_err(Error::sqlite("reading a variant"))?;
        let color: Option<String> = row.get(8).map_err(Error::sqlite("reading a variant"))?;
        let in_stock: bool = row.get(9).map_err(Error::sqlite("reading a variant"))?;
        d.add_variant(size.as_deref(), color.as_deref(), in_stock);
    }
    if let Some((_, d)) = doc.take() {
        writer
            .add_document(d.finish(&fields))
            .map_err(Error::index("adding a document"))?;
        n += 1;
    }
    writer
        .commit()
        .map_err(Error::index("committing the index"))?;
    // One segment searches fastest, and the snapshot is never written again.
    let segments = index
        .searchable_segment_ids()
        .map_err(Error::index("listing segments"))?;
    if segments.len() > 1 {
        writer
            .merge(&segments)
            .wait()
            .map_err(Error::index("merging segments"))?;
    }
    writer
        .wait_merging_threads()
        .map_err(Error::index("finishing merges"))?;
    release_freed_memory();
    progress.set(n);
    Ok(n)
}

/// Hands memory freed by a commit back to the system. Each commit ends
/// Tantivy's indexing threads and starts new ones, and glibc keeps what a
/// thread freed in its own arena (and, once large blocks are freed, serves
/// the next ones from the arenas too): measured, the resident memory then
/// grew with every commit as if nothing were freed.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer; it only returns whole free
    // pages of the allocator's arenas to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

struct DocBuilder {
    rowid: u64,
    title: String,
    brand: Option<String>,
    category: Option<String>,
    tags: String,
    description: String,
    price: u64,
    colors: Vec<String>,
    opt: Vec<String>,
    opt_in: Vec<String>,
    in_stock: bool,
}

impl DocBuilder {
    fn add_variant(&mut self, size: Option<&str>, color: Option<&str>, in_stock: bool) {
        let mut terms = Vec::with_capacity(5);
        // "M - 130 cm - Ø pot 27 cm" is found as size M too.
        // "Extra Large | 980mm x 420mm" is found as Extra Large and as XL.
        let codes: Vec<String> = size
            .and_then(kiosk_core::text::size_code)
            .map(|code| {
                let letter = kiosk_core::text::size_key(&code);
                if letter == code {
                    vec![code]
                } else {
                    vec![code, letter]
                }
            })
            .unwrap_or_default();
        if let Some(s) = size {
            terms.push(size_term(s));
        }
        for code in &codes {
            terms.push(size_term(code));
        }
        if let Some(c) = color {
            terms.push(color_term(c));
            if !self.colors.iter().any(|x| x == c) {
                self.colors.push(c.to_string());
            }
        }
        if let (Some(s), Some(c)) = (size, color) {
            terms.push(size_color_term(s, c));
            for code in &codes {
                terms.push(size_color_term(code, c));
            }
        }
        for t in &terms {
            if !self.opt.contains(t) {
                self.opt.push(t.clone());
            }
        }
        if in_stock {
            self.in_stock = true;
            for t in terms {
                if !self.opt_in.contains(&t) {
                    self.opt_in.push(t);
                }
            }
        }
    }

    fn finish(self, f: &Fields) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.rowid, self.rowid);
        doc.add_text(f.title, &self.title);
        doc.add_text(f.words, &self.title);
        doc.add_text(f.title_words, &self.title);
        if let Some(b) = &self.brand {
            doc.add_text(f.brand, b);
            doc.add_text(f.words, b);
            doc.add_text(f.brand_key, option_key(b));
        }
        if let Some(c) = &self.category {
            doc.add_text(f.category, c);
            doc.add_text(f.words, c);
            doc.add_text(f.category_key, option_key(c));
        }
        for tag in self.tags.split(';').filter(|t| !t.is_empty()) {
            doc.add_text(f.tags, tag);
            doc.add_text(f.words, tag);
        }
        for c in &self.colors {
            doc.add_text(f.colors, c);
            doc.add_text(f.words, c);
        }
        doc.add_text(f.description, &self.description);
        if let Some(parts) = f.parts {
            doc.add_text(parts, &self.title);
            for text in self.brand.iter().chain(&self.category) {
                doc.add_text(parts, text);
            }
            for tag in self.tags.split(';').filter(|t| !t.is_empty()) {
                doc.add_text(parts, tag);
            }
            for c in &self.colors {
                doc.add_text(parts, c);
            }
        }
        if let Some(all_text) = f.all_text {
            // The title thrice: a word in it counts as much as three of the
            // description's, before BM25 saturates the count.
            for _ in 0..3 {
                doc.add_text(all_text, &self.title);
            }
            for text in self.brand.iter().chain(&self.category) {
                doc.add_text(all_text, text);
            }
            for tag in self.tags.split(';').filter(|t| !t.is_empty()) {
                doc.add_text(all_text, tag);
            }
            for c in &self.colors {
                doc.add_text(all_text, c);
            }
            doc.add_text(all_text, &self.description);
        }
        for t in &self.opt {
            doc.add_text(f.opt, t);
        }
        for t in &self.opt_in {
            doc.add_text(f.opt_in, t);
        }
        if self.in_stock {
            doc.add_text(f.opt_in, "any");
        }
        doc.add_u64(f.price, self.price);
        doc.add_u64(f.in_stock, u64::from(self.in_stock));
        doc
    }
}
