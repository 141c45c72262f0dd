//! Uploads of what the kiosk collected (back-in-stock requests, anonymous
//! analytics and session feedback, `local.sqlite`) on the same sync: written to the
//! stick, or POSTed to the store server.
//!
//! Exactly once, by construction:
//! - A *batch* is a range of row ids of one table, recorded in
//!   `sync_uploads` with a random upload id before anything is sent.
//! - A batch not yet confirmed is re-sent as it is, with the same id, until
//!   the destination confirms; only one batch per table is open at a time,
//!   so rows are never in two batches.
//! - Rows are marked `exported = 1`, and the batch confirmed, in one
//!   transaction after the destination confirmed: a file renamed into place
//!   and fsynced on the stick, a 2xx from the server.
//! - The destination keys batches by upload id (`kiosk-uploads/ID.json` on
//!   a stick, `POST /uploads/ID` on the server), so a batch sent again after
//!   a lost confirmation replaces itself instead of adding a copy.
//!
//! A failure leaves the batch open and the rows unexported: nothing is lost,
//! and the next sync sends the same batch again.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use kiosk_catalog::local::LocalStore;
use rusqlite::{Connection, OptionalExtension, params, types::ValueRef};
use serde::Serialize;

use crate::auth::StoreKey;
use crate::error::{Error, Result};
use crate::http::Client;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sync_uploads (
    upload_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    n_rows INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    destination TEXT
);
CREATE TABLE IF NOT EXISTS sync_identity (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// What can be uploaded: the two tables of `local.sqlite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Anonymous per-turn analytics (`events`).
    Analytics,
    /// Anonymous end-of-session thumbs up or down (`feedback`).
    Feedback,
    /// Back-in-stock requests with the shopper's contact (`waitlist`).
    Waitlist,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Analytics => "events",
            Kind::Feedback => "feedback",
            Kind::Waitlist => "waitlist",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Analytics => "analytics",
            Kind::Feedback => "feedback",
            Kind::Waitlist => "waitlist",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Destination {
    /// `FOLDER/kiosk-uploads/ID.json` (a stick, or the folder a bundle came
    /// from).
    Folder(PathBuf),
    /// `BASE` + ID, POSTed as JSON (`http://server/uploads/`).
    Http(String),
}

impl Destination {
    pub fn describe(&self) -> String {
        match self {
            Destination::Folder(dir) => dir.join(crate::source::UPLOAD_DIR).display().to_string(),
            Destination::Http(base) => base.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct UploadOptions {
    pub kinds: Vec<Kind>,
    /// Rows per batch.
    pub batch_rows: usize,
    pub store_id: Option<String>,
    /// Names this kiosk in uploads; default: a random id made once and kept
    /// in local.sqlite.
    pub kiosk_id: Option<String>,
    /// Signs each HTTP upload; without it nothing goes to a server (it
    /// refuses unsigned uploads).
    pub store_key: Option<StoreKey>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UploadReport {
    pub destination: String,
    pub batches: Vec<BatchReport>,
    pub n_rows: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    pub upload_id: String,
    pub kind: Kind,
    pub n_rows: u64,
    /// Sent before (its confirmation was lost); the destination keeps one.
    pub resent: bool,
}

/// What a batch file / POST body holds.
#[derive(Serialize)]
struct Payload<'a> {
    upload_id: &'a str,
    kind: Kind,
    store_id: Option<&'a str>,
    kiosk_id: &'a str,
    created_at: &'a str,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

struct Batch {
    upload_id: String,
    first_id: i64,
    last_id: i64,
    n_rows: u64,
    created_at: String,
    resent: bool,
}

/// Sends every unexported row of each kind, batch by batch. Stops at the
/// first failure (the rest waits for the next sync).
pub fn upload(
    data_dir: &Path,
    destination: &Destination,
    options: &UploadOptions,
    client: &Client,
) -> Result<UploadReport> {
    let store = LocalStore::open(data_dir)?;
    let conn = store.connection();
    conn.execute_batch(SCHEMA)
        .map_err(Error::local("creating the upload tables"))?;
    let kiosk_id = match &options.kiosk_id {
        Some(id) => sanitize(id),
        None => kiosk_id(conn)?,
    };
    let mut report = UploadReport {
        destination: destination.describe(),
        batches: Vec::new(),
        n_rows: 0,
    };
    for &kind in &options.kinds {
        while let Some(batch) = next_batch(conn, kind, &kiosk_id, options.batch_rows)? {
            let rows = rows(conn, kind, &batch)?;
            let payload = Payload {
                upload_id: &batch.upload_id,
                kind,
                store_id: options.store_id.as_deref(),
                kiosk_id: &kiosk_id,
                created_at: &batch.created_at,
                rows,
            };
            let body = serde_json::to_vec_pretty(&payload)
                .map_err(|e| Error::Invalid(format!("encoding an upload: {e}")))?;
            send(
                destination,
                &batch.upload_id,
                &body,
                options.store_key.as_ref(),
                client,
            )?;
            confirm(conn, kind, &batch, &destination.describe())?;
            report.n_rows += batch.n_rows;
            report.batches.push(BatchReport {
                upload_id: batch.upload_id,
                kind,
                n_rows: batch.n_rows,
                resent: batch.resent,
            });
        }
    }
    Ok(report)
}

/// Rows not yet uploaded, per kind.
pub fn pending(data_dir: &Path) -> Result<Vec<(Kind, u64)>> {
    let store = LocalStore::open(data_dir)?;
    let mut out = Vec::new();
    for kind in [Kind::Analytics, Kind::Feedback, Kind::Waitlist] {
        let n: i64 = store
            .connection()
            .query_row(
                &format!("SELECT COUNT(*) FROM {} WHERE exported = 0", kind.table()),
                [],
                |r| r.get(0),
            )
            .map_err(Error::local("counting rows to upload"))?;
        out.push((kind, n as u64));
    }
    Ok(out)
}

fn kiosk_id(conn: &Connection) -> Result<String> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT value FROM sync_identity WHERE key = 'kiosk_id'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::local("reading the kiosk id"))?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = format!("kiosk-{:08x}", rand::random::<u32>());
    conn.execute(
        "INSERT OR IGNORE INTO sync_identity (key, value) VALUES ('kiosk_id', ?1)",
        [&id],
    )
    .map_err(Error::local("storing the kiosk id"))?;
    conn.query_row(
        "SELECT value FROM sync_identity WHERE key = 'kiosk_id'",
        [],
        |r| r.get(0),
    )
    .map_err(Error::local("reading the kiosk id"))
}

/// The open batch of `kind`, or a new one over the oldest unexported rows,
/// or `None` when there is nothing to send.
fn next_batch(
    conn: &Connection,
    kind: Kind,
    kiosk_id: &str,
    batch_rows: usize,
) -> Result<Option<Batch>> {
    let open = conn
        .query_row(
            "SELECT upload_id, first_id, last_id, n_rows, created_at FROM sync_uploads
             WHERE kind = ?1 AND confirmed_at IS NULL ORDER BY first_id LIMIT 1",
            [kind.name()],
            |r| {
                Ok(Batch {
                    upload_id: r.get(0)?,
                    first_id: r.get(1)?,
                    last_id: r.get(2)?,
                    n_rows: r.get::<_, i64>(3)? as u64,
                    created_at: r.get(4)?,
                    resent: true,
                })
            },
        )
        .optional()
        .map_err(Error::local("reading open uploads"))?;
    if open.is_some() {
        return Ok(open);
    }
    let table = kind.table();
    let range: (Option<i64>, Option<i64>, i64) = conn
        .query_row(
            &format!(
                "SELECT MIN(id), MAX(id), COUNT(*) FROM
                 (SELECT id FROM {table} WHERE exported = 0 ORDER BY id LIMIT ?1)"
            ),
            [batch_rows.max(1) as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(Error::local(format!("reading {table} to upload")))?;
    let (Some(first_id), Some(last_id), n_rows) = range else {
        return Ok(None);
    };
    let created_at = jiff::Timestamp::now().to_string();
    let upload_id = format!(
        "{kiosk_id}-{}-{first_id}-{last_id}-{:08x}",
        kind.name(),
        rand::random::<u32>()
    );
    conn.execute(
        "INSERT INTO sync_uploads (upload_id, kind, first_id, last_id, n_rows, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            upload_id,
            kind.name(),
            first_id,
            last_id,
            n_rows,
            created_at
        ],
    )
    .map_err(Error::local("recording an upload batch"))?;
    Ok(Some(Batch {
        upload_id,
        first_id,
        last_id,
        n_rows: n_rows as u64,
        created_at,
        resent: false,
    }))
}

/// The batch's rows as JSON objects (every column but `exported`).
fn rows(
    conn: &Connection,
    kind: Kind,
    batch: &Batch,
) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
    let table = kind.table();
    let context = format!("reading {table} to upload");
    let mut statement = conn
        .prepare(&format!(
            "SELECT * FROM {table} WHERE id BETWEEN ?1 AND ?2 AND exported = 0 ORDER BY id"
        ))
        .map_err(Error::local(context.clone()))?;
    let names: Vec<String> = statement.column_names().map(|n| n.to_string()).collect();
    let mut query = statement
        .query([batch.first_id, batch.last_id])
        .map_err(Error::local(context.clone()))?;
    let mut out = Vec::new();
    while let Some(row) = query.next().map_err(Error::local(context.clone()))? {
        let mut object = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            if name == "exported" {
                continue;
            }
            let value = match row.get_ref(i).map_err(Error::local(context.clone()))? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(x) => x.into(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(b) => crate::bundle::hex(b).into(),
            };
            object.insert(name.clone(), value);
        }
        out.push(object);
    }
    Ok(out)
}

fn send(
    destination: &Destination,
    upload_id: &str,
    body: &[u8],
    store_key: Option<&StoreKey>,
    client: &Client,
) -> Result<()> {
    match destination {
        Destination::Folder(dir) => write_folder(dir, upload_id, body),
        Destination::Http(base) => {
            let url = format!("{}{upload_id}", ensure_slash(base));
            let Some(key) = store_key else {
                return Err(Error::Upload {
                    destination: url,
                    message: "not sent: uploads to a server are signed with the store key; set [staff] key_file in kiosk.toml".into(),
                });
            };
            let authorization = crate::auth::authorization(
                key,
                "POST",
                crate::http::url_path(&url),
                body,
                jiff::Timestamp::now().as_second(),
            );
            let (status, answer) = client
                .post(&url, "application/json", Some(&authorization), body)
                .map_err(|e| Error::Upload {
                    destination: url.clone(),
                    message: e.to_string(),
                })?;
            if (200..300).contains(&status) {
                Ok(())
            } else {
                Err(Error::Upload {
                    destination: url,
                    message: format!(
                        "HTTP status {status}: {}",
                        answer.lines().next().unwrap_or("")
                    ),
                })
            }
        }
    }
}

fn ensure_slash(base: &str) -> String {
    if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    }
}

/// Writes `FOLDER/kiosk-uploads/ID.json` by renaming a synced temp file
/// into place, then syncs the folder: confirmed once this returns.
///
/// The upload folder must be a real folder on the stick: a symbolic link
/// (which could point anywhere on the kiosk, or at another mount) is
/// refused, and the temp file is made with `create_new`, which does not
/// follow a link either.
fn write_folder(folder: &Path, upload_id: &str, body: &[u8]) -> Result<()> {
    let dir = folder.join(crate::source::UPLOAD_DIR);
    let upload_err = |message: String| Error::Upload {
        destination: dir.display().to_string(),
        message,
    };
    upload_dir(&dir).map_err(upload_err)?;
    let tmp = dir.join(format!(".{upload_id}.json.tmp"));
    let path = dir.join(format!("{upload_id}.json"));
    // A temp file left by a sync that broke off (a link is removed, not
    // followed).
    let _ = fs::remove_file(&tmp);
    let written = File::options()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(body)?;
            f.sync_all()
        })
        .and_then(|()| fs::rename(&tmp, &path))
        .and_then(|()| File::open(&dir)?.sync_all());
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(upload_err(Error::io("writing", &path)(e).to_string()));
    }
    Ok(())
}

/// Makes sure `dir` is a folder of its own, not a link: creates it if
/// missing (its parent, the stick, must exist).
fn upload_dir(dir: &Path) -> std::result::Result<(), String> {
    let check = |meta: fs::Metadata| {
        let kind = meta.file_type();
        if kind.is_symlink() {
            Err(format!(
                "{} is a symbolic link; uploads never follow one",
                dir.display()
            ))
        } else if !kind.is_dir() {
            Err(format!("{} is not a folder", dir.display()))
        } else {
            Ok(())
        }
    };
    match fs::symlink_metadata(dir) {
        Ok(meta) => check(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir(dir).map_err(|e| Error::io("creating", dir)(e).to_string())?;
            // Made by us a moment ago; checked again in case it was swapped.
            check(fs::symlink_metadata(dir).map_err(|e| Error::io("reading", dir)(e).to_string())?)
        }
        Err(e) => Err(Error::io("reading", dir)(e).to_string()),
    }
}

fn confirm(conn: &Connection, kind: Kind, batch: &Batch, destination: &str) -> Result<()> {
    let table = kind.table();
    let tx = conn
        .unchecked_transaction()
        .map_err(Error::local("confirming an upload"))?;
    tx.execute(
        &format!("UPDATE {table} SET exported = 1 WHERE id BETWEEN ?1 AND ?2 AND exported = 0"),
        [batch.first_id, batch.last_id],
    )
    .map_err(Error::local(format!("marking {table} rows exported")))?;
    tx.execute(
        "UPDATE sync_uploads SET confirmed_at = ?1, destination = ?2 WHERE upload_id = ?3",
        params![
            jiff::Timestamp::now().to_string(),
            destination,
            batch.upload_id
        ],
    )
    .map_err(Error::local("confirming an upload"))?;
    tx.commit().map_err(Error::local("confirming an upload"))
}

/// Letters, digits and `-`/`_` only: the id is part of file names and URLs.
fn sanitize(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if s.is_empty() { "kiosk".into() } else { s }
}

#[cfg(test)]
mod tests;
