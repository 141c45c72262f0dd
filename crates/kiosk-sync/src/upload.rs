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
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use kiosk_catalog::local::{LocalStore, UploadRows};
use serde::Serialize;

use crate::auth::StoreKey;
use crate::error::{Error, Result};
use crate::http::Client;

/// What can be uploaded: the three record tables of `local.sqlite`.
pub use kiosk_catalog::local::UploadKind as Kind;

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

/// What a batch file / POST body holds (`docs/upload-format.md`).
#[derive(Serialize)]
struct Payload<'a> {
    upload_id: &'a str,
    kind: Kind,
    store_id: Option<&'a str>,
    kiosk_id: &'a str,
    created_at: &'a str,
    rows: UploadRows,
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
    let kiosk_id = match &options.kiosk_id {
        Some(id) => sanitize(id),
        None => store.kiosk_id()?,
    };
    let mut report = UploadReport {
        destination: destination.describe(),
        batches: Vec::new(),
        n_rows: 0,
    };
    for &kind in &options.kinds {
        while let Some(batch) = store.next_upload_batch(kind, &kiosk_id, options.batch_rows)? {
            let rows = store.upload_rows(&batch)?;
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
            store.confirm_upload(&batch, &destination.describe())?;
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
    Kind::ALL
        .into_iter()
        .map(|kind| Ok((kind, store.pending_uploads(kind)?)))
        .collect()
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
/// follow a link either. The file holds shoppers' contacts: it is made
/// 0600 (on a stick whose file system keeps modes).
fn write_folder(folder: &Path, upload_id: &str, body: &[u8]) -> Result<()> {
    let dir = folder.join(crate::source::UPLOAD_DIR);
    let upload_err = |message: String| Error::Upload {
        destination: dir.display().to_string(),
        message,
    };
    upload_dir(&dir)?;
    let tmp = dir.join(format!(".{upload_id}.json.tmp"));
    let path = dir.join(format!("{upload_id}.json"));
    // A temp file left by a sync that broke off (a link is removed, not
    // followed).
    let _ = fs::remove_file(&tmp);
    let written = write_private_new(&tmp, body)
        .and_then(|()| fs::rename(&tmp, &path))
        .and_then(|()| File::open(&dir)?.sync_all());
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(upload_err(Error::io("writing", &path)(e).to_string()));
    }
    Ok(())
}

/// Creates `path`, which must not exist yet, readable and writable by this
/// user only (uploads hold shoppers' contacts), and writes `body` to disk.
pub(crate) fn write_private_new(path: &Path, body: &[u8]) -> std::io::Result<()> {
    let mut file = File::options()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(body)?;
    file.sync_all()
}

/// Makes sure `dir` is a folder of its own, not a link: creates it if
/// missing (its parent, the stick, must exist). Every refusal is an
/// [`Error::Upload`] naming the folder.
fn upload_dir(dir: &Path) -> Result<()> {
    let refuse = |message: String| Error::Upload {
        destination: dir.display().to_string(),
        message,
    };
    let io = |context: &'static str| {
        move |e: std::io::Error| refuse(Error::io(context, dir)(e).to_string())
    };
    let check = |meta: fs::Metadata| {
        let kind = meta.file_type();
        if kind.is_symlink() {
            Err(refuse(format!(
                "{} is a symbolic link; uploads never follow one",
                dir.display()
            )))
        } else if !kind.is_dir() {
            Err(refuse(format!("{} is not a folder", dir.display())))
        } else {
            Ok(())
        }
    };
    match fs::symlink_metadata(dir) {
        Ok(meta) => check(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir(dir).map_err(io("creating"))?;
            // Made by us a moment ago; checked again in case it was swapped.
            check(fs::symlink_metadata(dir).map_err(io("reading"))?)
        }
        Err(e) => Err(io("reading")(e)),
    }
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
