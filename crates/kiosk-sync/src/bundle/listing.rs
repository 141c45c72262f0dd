//! The files a verified manifest lists, kept on disk while the payload is
//! read: a bundle may list 500,000 files, in any order its tar has them,
//! and the kiosk looks each entry up as it arrives. A small SQLite table
//! (its page cache bounded) finds a path listed twice, an entry the
//! manifest does not list, one that appears twice, and what never came,
//! in memory that does not grow with the number of files.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Rejection, Result};
use crate::manifest::FileEntry;

/// SQLite's page cache for the listing, in KiB.
const CACHE_KIB: i64 = 2048;

pub(crate) struct Listing {
    conn: Connection,
}

/// What the listing says of a payload entry.
pub(crate) enum Lookup {
    Expected {
        size: u64,
        sha256: String,
    },
    /// Listed, and already read once.
    Twice,
    Unlisted,
}

fn sqlite(context: &'static str) -> impl Fn(rusqlite::Error) -> Error {
    move |e| Error::Invalid(format!("the manifest's file listing, {context}: {e}"))
}

impl Listing {
    /// A new, empty listing in `dir`.
    pub(crate) fn create(dir: &Path) -> Result<Listing> {
        let path = dir.join("manifest-files.sqlite");
        if path.exists() {
            std::fs::remove_file(&path).map_err(Error::io("removing", &path))?;
        }
        let conn = Connection::open(&path).map_err(sqlite("creating it"))?;
        conn.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             PRAGMA temp_store = FILE;
             CREATE TABLE files (
                 path TEXT PRIMARY KEY NOT NULL,
                 size INTEGER NOT NULL,
                 sha256 TEXT NOT NULL,
                 read INTEGER NOT NULL DEFAULT 0
             ) WITHOUT ROWID;
             BEGIN;",
        )
        .map_err(sqlite("creating it"))?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)
            .map_err(sqlite("creating it"))?;
        Ok(Listing { conn })
    }

    /// Adds a file entry; a path listed before is refused.
    pub(crate) fn add(&self, file: &FileEntry) -> Result<()> {
        let added = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO files (path, size, sha256) VALUES (?1, ?2, ?3)")
            .and_then(|mut s| s.execute(params![file.path, file.size as i64, file.sha256]))
            .map_err(sqlite("adding a file"))?;
        if added == 0 {
            return Err(Rejection::BadManifest(format!("{} is listed twice", file.path)).into());
        }
        Ok(())
    }

    /// Empties the listing (a manifest read again another way).
    pub(crate) fn clear(&self) -> Result<()> {
        self.conn
            .execute("DELETE FROM files", [])
            .map(drop)
            .map_err(sqlite("clearing it"))
    }

    /// Ends the adding.
    pub(crate) fn seal(&self) -> Result<()> {
        self.conn
            .execute_batch("COMMIT")
            .map_err(sqlite("writing it"))
    }

    /// Looks up a payload entry, and marks it read.
    pub(crate) fn take(&self, path: &str) -> Result<Lookup> {
        let found: Option<(i64, String, bool)> = self
            .conn
            .prepare_cached("SELECT size, sha256, read FROM files WHERE path = ?1")
            .and_then(|mut s| {
                s.query_row([path], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .map_err(sqlite("looking up a file"))?;
        Ok(match found {
            None => Lookup::Unlisted,
            Some((_, _, true)) => Lookup::Twice,
            Some((size, sha256, false)) => {
                self.conn
                    .prepare_cached("UPDATE files SET read = 1 WHERE path = ?1")
                    .and_then(|mut s| s.execute([path]))
                    .map_err(sqlite("marking a file read"))?;
                Lookup::Expected {
                    size: size as u64,
                    sha256,
                }
            }
        })
    }

    /// The first listed file not read yet, by path.
    pub(crate) fn first_unread(&self) -> Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT path FROM files WHERE read = 0 ORDER BY path LIMIT 1")
            .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
            .map_err(sqlite("finding the files still to read"))
    }
}
