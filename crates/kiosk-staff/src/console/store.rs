//! The console's SQLite file: calls (so open calls survive a restart),
//! staff sessions (so phones stay signed in), and each kiosk's last
//! analytics figures. Only the hub writes it, under its lock.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::call::{CallRecord, KioskFigures};
use crate::error::{Error, Result};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS calls (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_by_version ON calls (version);
CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 TEXT PRIMARY KEY,
    staff TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_unix INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS analytics (
    kiosk_id TEXT PRIMARY KEY,
    record TEXT NOT NULL
);
";

pub(crate) struct Store {
    conn: Connection,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(Error::io("creating", dir))?;
        }
        // Shoppers' words and staff sessions: the console's user only, and
        // so its -wal and -shm too, which SQLite creates with this mode.
        kiosk_catalog::private_file::create(path).map_err(Error::io("restricting", path))?;
        let conn =
            Connection::open(path).map_err(Error::sqlite(format!("opening {}", path.display())))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
        )
        .map_err(Error::sqlite("setting up the console database"))?;
        conn.execute_batch(SCHEMA)
            .map_err(Error::sqlite("creating the console database"))?;
        Ok(Store { conn })
    }

    pub fn calls(&self) -> Result<Vec<CallRecord>> {
        let mut stmt = self
            .conn
            .prepare("SELECT record FROM calls ORDER BY version")
            .map_err(Error::sqlite("reading calls"))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(Error::sqlite("reading calls"))?;
        let mut out = Vec::new();
        for row in rows {
            let text = row.map_err(Error::sqlite("reading calls"))?;
            out.push(serde_json::from_str(&text).map_err(Error::json("a stored call"))?);
        }
        Ok(out)
    }

    /// Inserts or replaces a call.
    pub fn put_call(&self, call: &CallRecord) -> Result<()> {
        let record = serde_json::to_string(call).map_err(Error::json("storing a call"))?;
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO calls (id, kiosk_id, state, version, record) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    call.id.as_str(),
                    call.kiosk.id,
                    call.state.name(),
                    i64::try_from(call.version).unwrap_or(i64::MAX),
                    record
                ])
            })
            .map_err(Error::sqlite("storing a call"))?;
        Ok(())
    }

    pub fn delete_calls(&self, ids: &[&str]) -> Result<()> {
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(Error::sqlite("pruning calls"))?;
        for id in ids {
            tx.execute("DELETE FROM calls WHERE id = ?1", [id])
                .map_err(Error::sqlite("pruning calls"))?;
        }
        tx.commit().map_err(Error::sqlite("pruning calls"))
    }

    pub fn add_session(
        &self,
        token_sha256: &str,
        staff: &str,
        now: jiff::Timestamp,
        expires_unix: i64,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO sessions (token_sha256, staff, created_at, expires_unix) VALUES (?1, ?2, ?3, ?4)",
                params![token_sha256, staff, now.to_string(), expires_unix],
            )
            .map_err(Error::sqlite("storing a staff session"))?;
        Ok(())
    }

    /// The staff name of a live session.
    pub fn session(&self, token_sha256: &str, now_unix: i64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT staff FROM sessions WHERE token_sha256 = ?1 AND expires_unix > ?2",
                params![token_sha256, now_unix],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::sqlite("reading a staff session"))
    }

    pub fn end_session(&self, token_sha256: &str, now_unix: i64) -> Result<()> {
        self.conn
            .execute(
                "DELETE FROM sessions WHERE token_sha256 = ?1 OR expires_unix <= ?2",
                params![token_sha256, now_unix],
            )
            .map_err(Error::sqlite("ending a staff session"))?;
        Ok(())
    }

    /// Forgets expired staff sessions.
    pub fn purge_sessions(&self, now_unix: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM sessions WHERE expires_unix <= ?1", [now_unix])
            .map_err(Error::sqlite("purging staff sessions"))?;
        Ok(())
    }

    pub fn put_analytics(&self, figures: &KioskFigures) -> Result<()> {
        let record = serde_json::to_string(figures).map_err(Error::json("storing analytics"))?;
        self.conn
            .execute(
                "INSERT OR REPLACE INTO analytics (kiosk_id, record) VALUES (?1, ?2)",
                params![figures.kiosk.id, record],
            )
            .map_err(Error::sqlite("storing analytics"))?;
        Ok(())
    }

    pub fn analytics(&self) -> Result<Vec<KioskFigures>> {
        let mut stmt = self
            .conn
            .prepare("SELECT record FROM analytics ORDER BY kiosk_id")
            .map_err(Error::sqlite("reading analytics"))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(Error::sqlite("reading analytics"))?;
        let mut out = Vec::new();
        for row in rows {
            let text = row.map_err(Error::sqlite("reading analytics"))?;
            if let Ok(figures) = serde_json::from_str(&text) {
                out.push(figures);
            }
        }
        Ok(out)
    }
}
