//! The list of product photos an import makes thumbnails of: which file or
//! URL, a product each. It is kept in a scratch SQLite file beside the new
//! snapshot, not in memory: a photo folder holds a file per product (two,
//! of thumbnails made before), so the listing of 100,000 products' photos
//! held as paths took tens of MiB. The folder is read an entry at a time
//! into the scratch file and matched in name order from there, so which of
//! two photos of a product is used does not depend on the order the file
//! system lists them in.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::images::{CARD_SUFFIX, DETAIL_SUFFIX, EXTENSIONS};
use super::{Issue, Issues, Rule, Writer};
use crate::error::{Error, Result};

/// The scratch file's page cache, in KiB.
const CACHE_KIB: i64 = 2 << 10;

/// Where one product's photo comes from.
pub(crate) enum Job {
    File(PathBuf),
    Prepared { card: PathBuf, detail: PathBuf },
    Url(String),
}

impl Job {
    pub(crate) fn label(&self) -> String {
        match self {
            Job::File(p) => p.display().to_string(),
            Job::Prepared { detail, .. } => detail.display().to_string(),
            Job::Url(u) => u.clone(),
        }
    }
}

/// How a job is stored: its kind, then one or two strings (file names in
/// the folder, or a URL).
const FILE: i64 = 0;
const PREPARED: i64 = 1;
const URL: i64 = 2;

/// The jobs, a product at most once, in a scratch SQLite file that is
/// removed when the list is dropped.
pub(crate) struct JobList {
    conn: Connection,
    folder: Option<PathBuf>,
    /// Dropped after `conn`, so the file is closed when it is removed.
    _file: ScratchFile,
}

/// A file removed when this is dropped: the scratch file is no part of the
/// snapshot.
struct ScratchFile(PathBuf);

impl Drop for ScratchFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl JobList {
    /// An empty list in `dir`, for photos from `folder`.
    pub(crate) fn create(dir: &Path, folder: Option<&Path>) -> Result<JobList> {
        let path = dir.join("image-jobs.sqlite");
        if path.exists() {
            std::fs::remove_file(&path).map_err(Error::io("removing", &path))?;
        }
        let conn = Connection::open(&path)
            .map_err(Error::sqlite(format!("creating {}", path.display())))?;
        let list = JobList {
            conn,
            folder: folder.map(Path::to_path_buf),
            _file: ScratchFile(path),
        };
        list.conn
            .execute_batch(
                "PRAGMA journal_mode = OFF;
                 PRAGMA synchronous = OFF;
                 PRAGMA locking_mode = EXCLUSIVE;
                 PRAGMA temp_store = FILE;
                 CREATE TABLE files (name TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                 CREATE TABLE jobs (
                     product_rowid INTEGER PRIMARY KEY,
                     kind INTEGER NOT NULL,
                     a TEXT NOT NULL,
                     b TEXT
                 );
                 BEGIN;",
            )
            .map_err(Error::sqlite("creating the photo list"))?;
        list.conn
            .pragma_update(None, "cache_size", -CACHE_KIB)
            .map_err(Error::sqlite("creating the photo list"))?;
        Ok(list)
    }

    /// Adds the photos in the list's folder, matched to products by file
    /// stem: a product id first, else a SKU. Files that match nothing, and
    /// a second photo for a product, are noted.
    pub(crate) fn add_folder(&self, writer: &Writer, issues: &mut Issues) -> Result<()> {
        let Some(folder) = &self.folder else {
            return Ok(());
        };
        let sql = |what: &'static str| Error::sqlite(what);
        {
            let mut insert = self
                .conn
                .prepare("INSERT OR IGNORE INTO files (name) VALUES (?1)")
                .map_err(sql("listing the image folder"))?;
            for entry in std::fs::read_dir(folder)
                .map_err(Error::io("reading the image folder", folder))?
                .flatten()
            {
                if !entry
                    .file_type()
                    .is_ok_and(|t| t.is_file() || t.is_symlink())
                {
                    continue;
                }
                let Ok(name) = entry.file_name().into_string() else {
                    continue;
                };
                if !name.starts_with('.') {
                    insert
                        .execute([&name])
                        .map_err(sql("listing the image folder"))?;
                }
            }
        }
        let conn = writer.connection();
        let mut by_id = conn
            .prepare("SELECT rowid FROM products WHERE id = ?1")
            .map_err(sql("looking up image names"))?;
        let mut by_sku = conn
            .prepare("SELECT product_rowid FROM variants WHERE sku = ?1")
            .map_err(sql("looking up image names"))?;
        let mut find = |stem: &str| -> Result<Option<i64>> {
            if let Some(rowid) = by_id
                .query_row([stem], |r| r.get(0))
                .optional()
                .map_err(sql("looking up an image name"))?
            {
                return Ok(Some(rowid));
            }
            by_sku
                .query_row([stem], |r| r.get(0))
                .optional()
                .map_err(sql("looking up an image name"))
        };
        let mut names = self
            .conn
            .prepare("SELECT name FROM files ORDER BY name")
            .map_err(sql("reading the image folder's list"))?;
        let mut names = names
            .query([])
            .map_err(sql("reading the image folder's list"))?;
        while let Some(row) = names
            .next()
            .map_err(sql("reading the image folder's list"))?
        {
            let name: String = row.get(0).map_err(sql("reading the image folder's list"))?;
            let path = folder.join(&name);
            let (stem, kind, a, b) = if let Some(stem) = name.strip_suffix(CARD_SUFFIX) {
                let detail = format!("{stem}{DETAIL_SUFFIX}");
                if !folder.join(&detail).exists() {
                    issues.push(Issue::file_note(
                        &path.display().to_string(),
                        Rule::UnmatchedImage,
                        format!("a card thumbnail without its {detail}: not used"),
                    ));
                    continue;
                }
                (stem, PREPARED, name.as_str(), Some(detail))
            } else if let Some(stem) = name.strip_suffix(DETAIL_SUFFIX) {
                if self.has_file(&format!("{stem}{CARD_SUFFIX}"))? {
                    continue; // taken with its card thumbnail
                }
                (stem, FILE, name.as_str(), None)
            } else {
                let Some((stem, ext)) = name.rsplit_once('.') else {
                    continue;
                };
                if !EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)) {
                    continue;
                }
                (stem, FILE, name.as_str(), None)
            };
            let Some(rowid) = find(stem)? else {
                issues.push(Issue::file_note(
                    &path.display().to_string(),
                    Rule::UnmatchedImage,
                    format!("{stem:?} is no product id (handle) or SKU in the catalog: not used"),
                ));
                continue;
            };
            if let Some(first) = self.get(rowid)? {
                issues.push(Issue::file_note(
                    &path.display().to_string(),
                    Rule::DuplicateImage,
                    format!(
                        "the product already has a photo ({}): not used",
                        first.label()
                    ),
                ));
                continue;
            }
            self.insert(rowid, kind, a, b.as_deref())?;
        }
        Ok(())
    }

    /// Adds the export's image URLs of the products that have no photo yet.
    pub(crate) fn add_urls(&self, writer: &Writer) -> Result<()> {
        let sql = |what: &'static str| Error::sqlite(what);
        let mut stmt = writer
            .connection()
            .prepare("SELECT rowid, image FROM products WHERE image IS NOT NULL AND image <> ''")
            .map_err(sql("reading image URLs"))?;
        let mut rows = stmt.query([]).map_err(sql("reading image URLs"))?;
        while let Some(row) = rows.next().map_err(sql("reading image URLs"))? {
            let rowid: i64 = row.get(0).map_err(sql("reading image URLs"))?;
            let url: String = row.get(1).map_err(sql("reading image URLs"))?;
            let url = url.trim();
            if url.starts_with("http://") || url.starts_with("https://") {
                self.insert(rowid, URL, url, None)?;
            }
        }
        Ok(())
    }

    /// How many products have a job.
    pub(crate) fn len(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM jobs", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(Error::sqlite("counting photos"))
    }

    /// Calls `f` with each job, in product order, until it returns false.
    pub(crate) fn for_each(&self, mut f: impl FnMut(i64, Job) -> bool) -> Result<()> {
        let sql = |what: &'static str| Error::sqlite(what);
        let mut stmt = self
            .conn
            .prepare("SELECT product_rowid, kind, a, b FROM jobs ORDER BY product_rowid")
            .map_err(sql("reading the photo list"))?;
        let mut rows = stmt.query([]).map_err(sql("reading the photo list"))?;
        while let Some(row) = rows.next().map_err(sql("reading the photo list"))? {
            let rowid: i64 = row.get(0).map_err(sql("reading the photo list"))?;
            let job = self.job(row).map_err(sql("reading the photo list"))?;
            if !f(rowid, job) {
                break;
            }
        }
        Ok(())
    }

    fn insert(&self, rowid: i64, kind: i64, a: &str, b: Option<&str>) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO jobs (product_rowid, kind, a, b) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (product_rowid) DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![rowid, kind, a, b]))
            .map_err(Error::sqlite("listing a photo"))?;
        Ok(())
    }

    fn get(&self, rowid: i64) -> Result<Option<Job>> {
        self.conn
            .prepare_cached("SELECT product_rowid, kind, a, b FROM jobs WHERE product_rowid = ?1")
            .and_then(|mut s| s.query_row([rowid], |row| self.job(row)).optional())
            .map_err(Error::sqlite("looking up a photo"))
    }

    fn has_file(&self, name: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM files WHERE name = ?1")
            .and_then(|mut s| s.exists([name]))
            .map_err(Error::sqlite("looking up a file in the image folder"))
    }

    /// The job of a `jobs` row (`product_rowid, kind, a, b`).
    fn job(&self, row: &rusqlite::Row<'_>) -> rusqlite::Result<Job> {
        let kind: i64 = row.get(1)?;
        let a: String = row.get(2)?;
        let b: Option<String> = row.get(3)?;
        let in_folder = |name: &str| {
            self.folder
                .as_deref()
                .map_or_else(|| PathBuf::from(name), |f| f.join(name))
        };
        Ok(match (kind, b) {
            (PREPARED, Some(detail)) => Job::Prepared {
                card: in_folder(&a),
                detail: in_folder(&detail),
            },
            (URL, _) => Job::Url(a),
            _ => Job::File(in_folder(&a)),
        })
    }
}
