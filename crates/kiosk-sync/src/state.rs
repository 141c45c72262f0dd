//! `DATA/sync-state.toml`: what the kiosk accepted and when it last tried.
//!
//! - `highest_version` only goes up, even across `kiosk sync --rollback`,
//!   so a bundle rolled back from is not applied again from the same stick;
//!   only a newer one is. It does not live in this file alone: each
//!   snapshot a bundle made records the bundle's store and version in its
//!   own metadata (its source label), and [`SyncState::reconcile`] takes
//!   the highest of those of `current` and `previous`. A lost or damaged
//!   state file therefore does not reopen the door to older bundles.
//! - `current`/`previous` describe the bundles behind the data dir's
//!   `current`/`previous` snapshots, matched by snapshot id.
//! - `pending` is written just before an import starts. The import records
//!   the bundle's label as the snapshot's source, so if the process dies
//!   after the publish but before this file is updated, the next load sees
//!   the label on the live snapshot and promotes `pending` (see
//!   [`SyncState::reconcile`]).
//! - `http` keeps the ETag and Last-Modified of each server URL's last
//!   accepted bundle, for conditional requests.
//!
//! The file is replaced atomically (temp file, fsync, rename), and only
//! while the sync lock is held.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use kiosk_catalog::schema::{SNAPSHOT_DB, meta};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::bundle::Verified;
use crate::error::{Error, Result};

pub const STATE_FILE: &str = "sync-state.toml";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncState {
    /// The highest bundle version ever accepted; older bundles are refused.
    pub highest_version: Option<u64>,
    /// The store of the bundles accepted so far.
    pub store_id: Option<String>,
    pub last_attempt: Option<Attempt>,
    pub last_success: Option<Attempt>,
    pub current: Option<BundleRecord>,
    pub previous: Option<BundleRecord>,
    pub pending: Option<BundleRecord>,
    /// Conditional-request validators per bundle URL.
    pub http: BTreeMap<String, Validators>,
}

/// A bundle the kiosk accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRecord {
    pub store_id: String,
    pub version: u64,
    pub created: jiff::Timestamp,
    pub stock_as_of: jiff::Timestamp,
    pub expires: jiff::Timestamp,
    pub key_id: String,
    pub manifest_sha256: String,
    /// Where it came from (a path or URL).
    pub source: String,
    /// The source recorded in the snapshot: `SOURCE [bundle STORE vN SHA]`.
    pub label: String,
    pub snapshot_id: Option<String>,
    pub accepted_at: Option<jiff::Timestamp>,
}

impl BundleRecord {
    pub fn new(verified: &Verified, source: &str) -> BundleRecord {
        let m = &verified.manifest;
        BundleRecord {
            store_id: m.head.store_id.clone(),
            version: m.head.version,
            created: m.head.created,
            stock_as_of: m.head.stock_as_of,
            expires: m.head.expires,
            key_id: verified.key_id.clone(),
            manifest_sha256: verified.manifest_sha256.clone(),
            source: source.to_string(),
            label: format!(
                "{source} [bundle {} v{} {}]",
                m.head.store_id,
                m.head.version,
                &verified.manifest_sha256[..12]
            ),
            snapshot_id: None,
            accepted_at: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A newer bundle was verified, imported and is live.
    Applied,
    /// The source holds the version the kiosk already has.
    UpToDate,
    /// The server said the bundle has not changed (HTTP 304).
    NotModified,
    Rejected,
    Failed,
    RolledBack,
    /// The source offers nothing newer (up to date, or not modified) but
    /// the live bundle was made longer ago than the kiosk's max bundle
    /// age: not a success, however often the server answers.
    Stale,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::UpToDate => "up to date",
            Outcome::NotModified => "not modified",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
            Outcome::RolledBack => "rolled back",
            Outcome::Stale => "stale",
        }
    }

    pub fn is_success(self) -> bool {
        matches!(
            self,
            Outcome::Applied | Outcome::UpToDate | Outcome::NotModified | Outcome::RolledBack
        )
    }
}

/// One sync attempt, for `kiosk sync --status` and the staff panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: jiff::Timestamp,
    pub source: String,
    pub outcome: Outcome,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl SyncState {
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(STATE_FILE)
    }

    /// The state in `data_dir`, or an empty one before the first sync.
    pub fn load(data_dir: &Path) -> Result<SyncState> {
        let path = SyncState::path(data_dir);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SyncState::default()),
            Err(e) => return Err(Error::io("reading", &path)(e)),
        };
        toml::from_str(&text).map_err(|e| {
            Error::Invalid(format!(
                "{} is damaged: {} (the next sync sets it aside and rebuilds it from the snapshots, which keep the highest accepted version)",
                path.display(),
                e.message()
            ))
        })
    }

    /// The state, or, when the file is damaged, an empty one after the
    /// damaged file is kept aside as `sync-state.toml.damaged`;
    /// [`SyncState::reconcile`] then restores the store and the highest
    /// version from the snapshots. Only under the sync lock.
    pub fn load_or_rebuild(data_dir: &Path) -> Result<SyncState> {
        match SyncState::load(data_dir) {
            Err(Error::Invalid(_)) => {
                let path = SyncState::path(data_dir);
                let aside = data_dir.join(format!("{STATE_FILE}.damaged"));
                fs::rename(&path, &aside).map_err(Error::io("setting aside", &path))?;
                Ok(SyncState::default())
            }
            other => other,
        }
    }

    /// Writes the state atomically.
    pub fn save(&self, data_dir: &Path) -> Result<()> {
        let path = SyncState::path(data_dir);
        let tmp = data_dir.join(format!(".{STATE_FILE}.tmp"));
        let text = toml::to_string(self)
            .map_err(|e| Error::Invalid(format!("encoding {}: {e}", path.display())))?;
        let mut file = File::create(&tmp).map_err(Error::io("creating", &tmp))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(Error::io("writing", &tmp))?;
        fs::rename(&tmp, &path).map_err(Error::io("replacing", &path))?;
        File::open(data_dir)
            .and_then(|d| d.sync_all())
            .map_err(Error::io("syncing", data_dir))
    }

    /// Brings `current`/`previous` in line with the data dir's links: after
    /// a crash between publish and save, after a rollback, or after a
    /// manual `kiosk import` (whose snapshot came from no bundle).
    pub fn reconcile(&mut self, links: &Links) {
        let mut known: Vec<BundleRecord> = [
            self.current.take(),
            self.previous.take(),
            self.pending.take(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(current) = &links.current
            && let Some(pending) = known
                .iter_mut()
                .find(|r| r.snapshot_id.is_none() && Some(&r.label) == current.source.as_ref())
        {
            pending.snapshot_id = Some(current.id.clone());
            pending.accepted_at = pending.accepted_at.or(Some(jiff::Timestamp::now()));
            let version = pending.version;
            self.highest_version = Some(self.highest_version.map_or(version, |v| v.max(version)));
            self.store_id = Some(pending.store_id.clone());
        }
        for link in [&links.current, &links.previous].into_iter().flatten() {
            if let Some((store, version)) = link.source.as_deref().and_then(parse_label) {
                self.highest_version =
                    Some(self.highest_version.map_or(version, |v| v.max(version)));
                if self.store_id.is_none() {
                    self.store_id = Some(store.to_string());
                }
            }
        }
        let take = |known: &mut Vec<BundleRecord>, link: &Option<LinkInfo>| {
            let id = link.as_ref().map(|l| l.id.as_str())?;
            let at = known
                .iter()
                .position(|r| r.snapshot_id.as_deref() == Some(id))?;
            Some(known.remove(at))
        };
        self.current = take(&mut known, &links.current);
        self.previous = take(&mut known, &links.previous);
    }

    /// Records an attempt, and the last success when it was one.
    pub fn record(&mut self, attempt: Attempt) {
        if attempt.outcome.is_success() {
            self.last_success = Some(attempt.clone());
        }
        self.last_attempt = Some(attempt);
    }
}

/// The store and version a snapshot's source label records (`SOURCE
/// [bundle STORE vN SHA]`, see [`BundleRecord::new`]); `None` for a
/// snapshot that came from no bundle.
pub fn parse_label(label: &str) -> Option<(&str, u64)> {
    let at = label.rfind(" [bundle ").map_or_else(
        || label.starts_with("[bundle ").then_some(0),
        |at| Some(at + 1),
    )?;
    let inner = label[at..].strip_prefix("[bundle ")?.strip_suffix(']')?;
    let mut parts = inner.split(' ');
    let store = parts.next().filter(|s| !s.is_empty())?;
    let version = parts.next()?.strip_prefix('v')?.parse().ok()?;
    let sha = parts.next()?;
    (parts.next().is_none() && sha.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some((store, version))
}

/// The snapshots the data dir's `current` and `previous` links name.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub current: Option<LinkInfo>,
    pub previous: Option<LinkInfo>,
}

#[derive(Debug, Clone)]
pub struct LinkInfo {
    pub id: String,
    pub path: PathBuf,
    /// The snapshot's recorded source (`meta.source`).
    pub source: Option<String>,
    pub store_id: Option<String>,
}

impl Links {
    pub fn read(data_dir: &kiosk_catalog::DataDir) -> Result<Links> {
        Ok(Links {
            current: data_dir.current()?.map(|p| LinkInfo::read(&p)),
            previous: data_dir.previous()?.map(|p| LinkInfo::read(&p)),
        })
    }
}

impl LinkInfo {
    /// Reads a snapshot's id from its folder name and its source and store
    /// from its metadata (missing when the snapshot cannot be read).
    fn read(path: &Path) -> LinkInfo {
        let id = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (source, store_id) = read_meta(&path.join(SNAPSHOT_DB)).unwrap_or_default();
        LinkInfo {
            id,
            path: path.to_path_buf(),
            source,
            store_id,
        }
    }
}

fn read_meta(db: &Path) -> Option<(Option<String>, Option<String>)> {
    if !db.exists() {
        return None;
    }
    let uri = format!("file:{}?immutable=1", db.display());
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .ok()?;
    let get = |key: &str| -> Option<String> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    };
    Some((get(meta::SOURCE), get(meta::STORE_ID)))
}

#[cfg(test)]
mod tests;
