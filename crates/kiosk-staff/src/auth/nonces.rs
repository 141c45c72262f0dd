//! The console's record of the nonces it has let in, in its SQLite file,
//! so the replay window survives a restart: a signed request captured on
//! the LAN and sent again after the console restarts is still a replay.
//! Entries older than the window are pruned as new ones arrive.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, params};

use crate::error::{Error, Result};

/// Prune the file once per this many new nonces.
const PRUNE_EVERY: u32 = 256;

/// Nonces and their request times, in a table `seen_nonces` of the
/// console's database (its own connection; SQLite's WAL lets it write
/// beside the hub's).
pub struct NonceJournal {
    conn: Mutex<(Connection, u32)>,
}

impl NonceJournal {
    /// Opens (and creates) the table in the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<NonceJournal> {
        // The console's database, or the bundle server's: private, with
        // its -wal and -shm (SQLite gives them the file's mode).
        kiosk_catalog::private_file::create(path).map_err(Error::io("restricting", path))?;
        let conn =
            Connection::open(path).map_err(Error::sqlite(format!("opening {}", path.display())))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS seen_nonces (
                 nonce TEXT PRIMARY KEY,
                 ts INTEGER NOT NULL
             );
             CREATE INDEX IF NOT EXISTS seen_nonces_by_ts ON seen_nonces (ts);",
        )
        .map_err(Error::sqlite("creating the table of seen nonces"))?;
        Ok(NonceJournal {
            conn: Mutex::new((conn, 0)),
        })
    }

    /// Records a nonce; false if the file already had it (a replay).
    /// Every [`PRUNE_EVERY`] records, forgets nonces older than `horizon`.
    pub fn record(&self, nonce: &str, ts: i64, horizon: i64) -> Result<bool> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let (conn, count) = &mut *guard;
        *count += 1;
        if *count >= PRUNE_EVERY {
            *count = 0;
            conn.execute("DELETE FROM seen_nonces WHERE ts < ?1", [horizon])
                .map_err(Error::sqlite("pruning seen nonces"))?;
        }
        let added = conn
            .prepare_cached("INSERT OR IGNORE INTO seen_nonces (nonce, ts) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![nonce, ts]))
            .map_err(Error::sqlite("recording a nonce"))?;
        Ok(added == 1)
    }

    /// The nonces at or after `horizon`.
    pub fn load(&self, horizon: i64) -> Result<Vec<(String, i64)>> {
        let guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = guard
            .0
            .prepare("SELECT nonce, ts FROM seen_nonces WHERE ts >= ?1")
            .map_err(Error::sqlite("reading seen nonces"))?;
        let rows = stmt
            .query_map([horizon], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(Error::sqlite("reading seen nonces"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sqlite("reading seen nonces"))
    }

    /// Forgets the nonces older than `horizon`.
    pub fn prune(&self, horizon: i64) -> Result<usize> {
        let guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .0
            .execute("DELETE FROM seen_nonces WHERE ts < ?1", [horizon])
            .map_err(Error::sqlite("pruning seen nonces"))
    }

    /// How many nonces the file holds (tests, diagnostics).
    pub fn len(&self) -> Result<usize> {
        let guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .0
            .query_row("SELECT COUNT(*) FROM seen_nonces", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(Error::sqlite("counting seen nonces"))
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }
}
