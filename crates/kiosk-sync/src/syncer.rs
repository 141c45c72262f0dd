//! One sync: pull a bundle from a source, verify it, import it, record it;
//! then upload what the kiosk collected, but only to a source that proved
//! itself in that same sync (see [`Syncer::sync`]).
//!
//! ```text
//! source ──stream──► verify signature ─► check store/version/expiry
//!                     (trusted keys)        │ older, foreign, expired: rejected
//!                                           ▼
//!        DATA/incoming/<n>/catalog/… ◄── copy, checking each size + sha256
//!                                           │
//!                    kiosk_catalog::import ─┴─► staging/ ─► publish (atomic)
//! ```
//!
//! Nothing is imported from the source in place: the payload is copied to
//! `DATA/incoming/` first and the importer reads only that copy. Any error
//! before the publish leaves the current snapshot live; `incoming/` is
//! cleared at the start of the next sync. One sync runs per data dir at a
//! time (`sync.lock`, flock, released if the process dies), and a download
//! has a whole-transfer deadline, so no server can hold the lock for long.
//!
//! Against rollback and freeze attacks (TUF's threat model): the kiosk
//! refuses to sync without knowing its store; the highest version accepted
//! survives a lost state file (the snapshots record it, see `state.rs`);
//! and freshness counts from the bundle's own `created`, so a server that
//! keeps answering "not modified" or replaying the live version cannot make
//! old data look current (`Outcome::Stale`).

use std::fs::{self, File};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use kiosk_catalog::import::{self, ImportSummary, Limits};
use kiosk_catalog::{DataDir, ImportOptions, Progress};
use serde::Serialize;

use crate::bundle::{self, Opened, Policy, Verified};
use crate::error::{Error, Rejection, Result};
use crate::http::{Client, Fetched, HttpOptions};
use crate::keys::TrustedKeys;
use crate::source::{Source, find_bundles};
use crate::state::{Attempt, BundleRecord, Links, Outcome, SyncState, Validators};
use crate::upload::{self, Destination, Kind, UploadOptions, UploadReport};

/// Payload copies being verified live here, one folder per sync.
pub const INCOMING: &str = "incoming";

#[derive(Debug, Clone)]
pub struct SyncSettings {
    pub trusted_keys: TrustedKeys,
    /// The store this kiosk serves. `None`: the store of the bundles
    /// accepted so far, else of the live snapshot; a kiosk with neither
    /// refuses to sync (a bundle for any store would do otherwise).
    pub expected_store: Option<String>,
    /// Data older than this (by the bundle's own `created`) is stale: a
    /// new bundle that old is refused, and a sync that finds nothing newer
    /// than a live bundle that old is not a success. `None`: no limit.
    pub max_bundle_age: Option<jiff::SignedDuration>,
    pub http: HttpOptions,
    pub limits: Limits,
    /// `None`: nothing is uploaded.
    pub upload: Option<UploadSettings>,
}

#[derive(Debug, Clone)]
pub struct UploadSettings {
    pub kinds: Vec<Kind>,
    /// Where HTTP uploads go; default: `/uploads/` on the bundle's server.
    pub url: Option<String>,
    pub kiosk_id: Option<String>,
    pub batch_rows: usize,
    /// Signs HTTP uploads ([`crate::auth`]); without it they are not sent.
    pub store_key: Option<crate::auth::StoreKey>,
}

pub struct Syncer {
    data_dir: DataDir,
    settings: SyncSettings,
    client: Client,
    /// Embeds the products of an imported bundle; `None`: lexical only.
    embedder: Option<Arc<kiosk_catalog::kiosk_embed::Embedder>>,
}

/// How a pull ended, when it did not fail.
#[derive(Debug, Clone, Serialize)]
pub struct PullReport {
    pub outcome: Outcome,
    /// The bundle file or URL used.
    pub source: String,
    /// The bundle now live (applied), or the one found (up to date).
    pub bundle: Option<BundleRecord>,
    pub import: Option<ImportSummary>,
    /// Payload bytes copied.
    pub bytes: u64,
    /// HTTP tries (1 when the first worked).
    pub attempts: u32,
    pub copy_ms: u64,
    pub import_ms: u64,
    pub elapsed_ms: u64,
}

/// A whole sync: the pull and, when enabled, the upload.
pub struct SyncReport {
    pub pull: Result<PullReport>,
    pub upload: Option<Result<UploadReport>>,
}

impl SyncReport {
    /// The outcome to record and show: the pull's.
    pub fn outcome(&self) -> Outcome {
        match &self.pull {
            Ok(report) => report.outcome,
            Err(e) if e.is_rejection() => Outcome::Rejected,
            Err(_) => Outcome::Failed,
        }
    }

    /// One line for a log or the staff panel.
    pub fn summary(&self) -> String {
        let pull = match &self.pull {
            Ok(r) => describe_pull(r),
            Err(e) => format!("{e}; the current snapshot stays live"),
        };
        match &self.upload {
            None => pull,
            Some(Ok(u)) if u.n_rows == 0 => format!("{pull}; nothing to upload"),
            Some(Ok(u)) => format!(
                "{pull}; uploaded {} rows in {} batches to {}",
                u.n_rows,
                u.batches.len(),
                u.destination
            ),
            Some(Err(e)) => format!("{pull}; {e} (kept for the next sync)"),
        }
    }
}

fn describe_pull(r: &PullReport) -> String {
    match (&r.outcome, &r.bundle) {
        (Outcome::Applied, Some(b)) => format!(
            "applied bundle {} v{} from {} (stock as of {}); snapshot {} is live",
            b.store_id,
            b.version,
            r.source,
            b.stock_as_of,
            b.snapshot_id.as_deref().unwrap_or("?")
        ),
        (Outcome::UpToDate, Some(b)) => {
            format!(
                "up to date: {} holds version {}, already accepted",
                r.source, b.version
            )
        }
        (Outcome::NotModified, _) => format!("up to date: {} has not changed", r.source),
        (Outcome::Stale, Some(b)) => format!(
            "stale: {} offers nothing newer than bundle {} v{}, made at {}, longer ago than [sync] max_bundle_age_hours allows",
            r.source, b.store_id, b.version, b.created
        ),
        (Outcome::Stale, None) => format!(
            "stale: {} offers nothing newer, and the live snapshot came from no bundle",
            r.source
        ),
        (outcome, _) => format!("{}: {}", outcome.name(), r.source),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RollbackReport {
    pub snapshot_path: PathBuf,
    pub current: Option<BundleRecord>,
    pub previous: Option<BundleRecord>,
    /// Bundles up to this version are not applied again.
    pub highest_version: Option<u64>,
}

/// What `kiosk sync --status` and the staff panel show.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub data_dir: PathBuf,
    pub snapshot_id: Option<String>,
    pub snapshot_source: Option<String>,
    pub store_id: Option<String>,
    pub current: Option<BundleRecord>,
    pub previous: Option<BundleRecord>,
    pub highest_version: Option<u64>,
    pub last_attempt: Option<Attempt>,
    pub last_success: Option<Attempt>,
    /// The live bundle's expiry has passed: the data is older than the
    /// back office meant it to be used.
    pub expired: bool,
    /// The live bundle was made longer ago than the max bundle age: no
    /// newer data arrived in time, whatever the server said.
    pub stale: bool,
    pub stock_age_hours: Option<f64>,
    pub pending_uploads: Vec<(Kind, u64)>,
    /// Another process holds the sync lock right now.
    pub sync_running: bool,
}

impl Status {
    /// One line for the staff panel.
    pub fn summary(&self) -> String {
        let data = match &self.current {
            Some(b) => format!(
                "bundle {} v{}{}",
                b.store_id,
                b.version,
                if self.expired {
                    " (EXPIRED)"
                } else if self.stale {
                    " (STALE)"
                } else {
                    ""
                }
            ),
            None => match &self.snapshot_id {
                Some(id) => format!("snapshot {id} (not from a bundle)"),
                None => "no snapshot".into(),
            },
        };
        let age = self
            .stock_age_hours
            .map(|h| format!(", stock {h:.0} h old"))
            .unwrap_or_default();
        let last = match &self.last_attempt {
            Some(a) => format!(
                "; last sync {}: {}",
                a.at.strftime("%Y-%m-%d %H:%M"),
                a.outcome.name()
            ),
            None => "; never synced".into(),
        };
        format!("{data}{age}{last}")
    }
}

/// How a source answered, before import.
enum Fetch {
    NotModified,
    Opened {
        opened: Box<Opened>,
        source: String,
        validators: Option<Validators>,
        attempts: u32,
    },
}

impl Syncer {
    pub fn new(data_dir: DataDir, settings: SyncSettings) -> Syncer {
        let client = Client::new(settings.http.clone());
        Syncer {
            data_dir,
            settings,
            client,
            embedder: None,
        }
    }

    /// Embeds every imported snapshot's products with `embedder`, so the
    /// kiosk searches them by meaning too.
    pub fn with_embedder(
        mut self,
        embedder: Option<Arc<kiosk_catalog::kiosk_embed::Embedder>>,
    ) -> Syncer {
        self.embedder = embedder;
        self
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    fn root(&self) -> &Path {
        self.data_dir.root()
    }

    /// Takes the sync lock for the life of the returned file.
    fn lock(&self) -> Result<File> {
        let root = self.root();
        fs::create_dir_all(root).map_err(Error::io("creating the data dir", root))?;
        let path = root.join(crate::SYNC_LOCK);
        kiosk_catalog::data_dir::try_lock_file(&path)
            .map_err(Error::io("locking", &path))?
            .ok_or_else(|| Error::Busy(root.to_path_buf()))
    }

    /// Pulls from `source` and, when enabled, uploads to it. Fails as a
    /// whole only when another sync holds the data dir.
    ///
    /// The upload goes only to a source that proved itself in this same
    /// sync: a bundle from it verified under a trusted key and is not
    /// expired. Anyone can put a `*.kbundle` on a stick or answer on the
    /// store LAN; the shoppers' contacts must not go to them. Waitlist
    /// requests never go over HTTP: there is no TLS with an authenticated
    /// server yet, and on plain HTTP the contacts would cross the network
    /// in clear.
    pub fn sync(&self, source: &Source, progress: &mut dyn Progress) -> Result<SyncReport> {
        let _lock = self.lock()?;
        let pull = self.pull_locked(source, progress);
        let upload = self
            .settings
            .upload
            .as_ref()
            .filter(|u| !u.kinds.is_empty())
            .map(|settings| self.upload_locked(source, &pull, settings));
        Ok(SyncReport { pull, upload })
    }

    /// Only the pull.
    pub fn pull(&self, source: &Source, progress: &mut dyn Progress) -> Result<PullReport> {
        let _lock = self.lock()?;
        self.pull_locked(source, progress)
    }

    fn pull_locked(&self, source: &Source, progress: &mut dyn Progress) -> Result<PullReport> {
        let started = Instant::now();
        let mut state = SyncState::load_or_rebuild(self.root())?;
        let links = Links::read(&self.data_dir)?;
        state.reconcile(&links);
        let incoming = self.root().join(INCOMING);
        if incoming.exists() {
            fs::remove_dir_all(&incoming).map_err(Error::io("clearing", &incoming))?;
        }
        let dest = incoming.join(format!("{:08x}", rand::random::<u32>()));
        let result = self.pull_inner(source, &mut state, &links, &dest, started, progress);
        let _ = fs::remove_dir_all(&incoming);
        let (outcome, message) = match &result {
            Ok(report) => (report.outcome, describe_pull(report)),
            Err(e) if e.is_rejection() => (Outcome::Rejected, e.to_string()),
            Err(e) => (Outcome::Failed, e.to_string()),
        };
        if outcome != Outcome::Applied {
            state.pending = None;
        }
        state.record(Attempt {
            at: jiff::Timestamp::now(),
            source: source.describe(),
            outcome,
            message,
        });
        state.save(self.root())?;
        result
    }

    fn pull_inner(
        &self,
        source: &Source,
        state: &mut SyncState,
        links: &Links,
        dest: &Path,
        started: Instant,
        progress: &mut dyn Progress,
    ) -> Result<PullReport> {
        let expected_store = self
            .settings
            .expected_store
            .clone()
            .or_else(|| state.store_id.clone())
            .or_else(|| links.current.as_ref().and_then(|c| c.store_id.clone()))
            .ok_or_else(|| {
                Error::Invalid(
                    "this kiosk does not know its store: set [sync] store_id in kiosk.toml (without it a bundle signed for any store would be accepted)".into(),
                )
            })?;
        let now = jiff::Timestamp::now();
        let policy = Policy {
            trusted: &self.settings.trusted_keys,
            expected_store: Some(&expected_store),
            installed_version: state.highest_version,
            now,
            max_age: self.settings.max_bundle_age,
        };
        // Nothing newer from the source: a success only while the live
        // bundle itself is fresh enough.
        let unchanged =
            |live: Option<&BundleRecord>, outcome| match (live, self.settings.max_bundle_age) {
                (_, None) => outcome,
                (Some(b), max_age) if !bundle::too_old(b.created, max_age, now) => outcome,
                _ => Outcome::Stale,
            };
        let fetch = match source {
            Source::File(path) => self.pull_file(path, &policy, dest, progress)?,
            Source::Folder(dir) => {
                let path = self.choose(dir, &policy)?;
                self.pull_file(&path, &policy, dest, progress)?
            }
            Source::Http(url) => {
                // Conditional requests only while the kiosk has a snapshot
                // to fall back on.
                let validators = links.current.as_ref().and(state.http.get(url));
                self.pull_http(url, validators, &policy, dest, progress)?
            }
        };
        let copy_ms = started.elapsed().as_millis() as u64;
        let report = |outcome, source: String, bundle, attempts| PullReport {
            outcome,
            source,
            bundle,
            import: None,
            bytes: 0,
            attempts,
            copy_ms,
            import_ms: 0,
            elapsed_ms: started.elapsed().as_millis() as u64,
        };
        let (opened, source_name, validators, attempts) = match fetch {
            Fetch::NotModified => {
                return Ok(report(
                    unchanged(state.current.as_ref(), Outcome::NotModified),
                    source.describe(),
                    state.current.clone(),
                    1,
                ));
            }
            Fetch::Opened {
                opened,
                source,
                validators,
                attempts,
            } => (opened, source, validators, attempts),
        };
        let verified = match *opened {
            Opened::UpToDate(verified) => {
                if let (Source::Http(url), Some(v)) = (source, validators) {
                    state.http.insert(url.clone(), v);
                }
                let record = state
                    .current
                    .clone()
                    .filter(|c| c.version == verified.manifest.head.version)
                    .unwrap_or_else(|| BundleRecord::new(&verified, &source_name));
                return Ok(report(
                    unchanged(Some(&record), Outcome::UpToDate),
                    source_name,
                    Some(record),
                    attempts,
                ));
            }
            Opened::Extracted(verified) => verified,
        };
        let import_started = Instant::now();
        let (record, summary) = self.apply(&verified, &source_name, state, dest, progress)?;
        if let (Source::Http(url), Some(v)) = (source, validators) {
            state.http.insert(url.clone(), v);
        }
        Ok(PullReport {
            outcome: Outcome::Applied,
            source: source_name,
            bundle: Some(record),
            import: Some(summary),
            bytes: verified.manifest.total_bytes(),
            attempts,
            copy_ms,
            import_ms: import_started.elapsed().as_millis() as u64,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Imports a verified payload and records the bundle as current.
    fn apply(
        &self,
        verified: &Verified,
        source: &str,
        state: &mut SyncState,
        dest: &Path,
        progress: &mut dyn Progress,
    ) -> Result<(BundleRecord, ImportSummary)> {
        let manifest = &verified.manifest;
        let catalog = dest.join(crate::manifest::PAYLOAD_DIR);
        check_store_file(&catalog, &manifest.head.store_id)?;
        let mut record = BundleRecord::new(verified, source);
        state.pending = Some(record.clone());
        state.save(self.root())?;
        let options = ImportOptions {
            source: catalog.clone(),
            format: Some(manifest.format()),
            stock_as_of: Some(manifest.head.stock_as_of),
            limits: self.settings.limits,
            source_label: Some(record.label.clone()),
            images: kiosk_catalog::ImageOptions {
                folder: Some(catalog.join(crate::manifest::IMAGES_DIR)).filter(|d| d.is_dir()),
                fetch: None,
                cache: None,
            },
            embedder: self.embedder.clone(),
            // Vectors the back office computed and signed with the rest.
            vectors: Some(catalog.join(kiosk_catalog::vectors::carried::FILE_NAME))
                .filter(|p| p.is_file()),
        };
        let summary = import::import(&self.data_dir, &options, progress)?;
        record.snapshot_id = Some(summary.snapshot_id.clone());
        record.accepted_at = Some(jiff::Timestamp::now());
        state.previous = state.current.take();
        state.current = Some(record.clone());
        state.pending = None;
        state.highest_version = Some(
            state
                .highest_version
                .map_or(manifest.head.version, |v| v.max(manifest.head.version)),
        );
        state.store_id = Some(manifest.head.store_id.clone());
        Ok((record, summary))
    }

    fn pull_file(
        &self,
        path: &Path,
        policy: &Policy<'_>,
        dest: &Path,
        progress: &mut dyn Progress,
    ) -> Result<Fetch> {
        let file = File::open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::NoBundle(format!("{} does not exist", path.display()))
            } else {
                Error::io("opening the bundle", path)(e)
            }
        })?;
        let location = path.display().to_string();
        let opened = bundle::open(
            BufReader::with_capacity(1 << 20, file),
            &location,
            false,
            policy,
            dest,
            "copying",
            progress,
        )?;
        Ok(Fetch::Opened {
            opened: Box::new(opened),
            source: location,
            validators: None,
            attempts: 1,
        })
    }

    /// The newest acceptable bundle in a folder, judged by the signed
    /// headers alone.
    fn choose(&self, dir: &Path, policy: &Policy<'_>) -> Result<PathBuf> {
        let bundles = find_bundles(dir, 2);
        if bundles.is_empty() {
            return Err(Error::NoBundle(format!(
                "no *.{} file in {} (searched two folder levels)",
                bundle::EXTENSION,
                dir.display()
            )));
        }
        let mut best: Option<(PathBuf, u64)> = None;
        let mut failures: Vec<(PathBuf, Error)> = Vec::new();
        for path in bundles {
            let verdict = bundle::peek(&path, policy.trusted).and_then(|v| {
                bundle::check_policy(&v.manifest.head, policy)?;
                Ok(v.manifest.head.version)
            });
            match verdict {
                Ok(version) if best.as_ref().is_none_or(|(_, v)| version > *v) => {
                    best = Some((path, version));
                }
                Ok(_) => {}
                Err(e) => failures.push((path, e)),
            }
        }
        if let Some((path, _)) = best {
            return Ok(path);
        }
        if failures.len() == 1 {
            return Err(failures.remove(0).1);
        }
        if let Some(at) = failures.iter().position(|(_, e)| !e.is_rejection()) {
            return Err(failures.remove(at).1);
        }
        let reasons = failures
            .iter()
            .map(|(path, e)| {
                let name = path.strip_prefix(dir).unwrap_or(path).display();
                format!(
                    "{name}: {}",
                    e.to_string().trim_start_matches("bundle rejected: ")
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        Err(Rejection::NoneAcceptable {
            folder: dir.display().to_string(),
            reasons,
        }
        .into())
    }

    fn pull_http(
        &self,
        url: &str,
        validators: Option<&Validators>,
        policy: &Policy<'_>,
        dest: &Path,
        progress: &mut dyn Progress,
    ) -> Result<Fetch> {
        let attempts = self.settings.http.attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = (|| -> Result<Fetch> {
                match self.client.get(url, validators)? {
                    Fetched::NotModified => Ok(Fetch::NotModified),
                    Fetched::Body {
                        reader, validators, ..
                    } => {
                        if dest.exists() {
                            fs::remove_dir_all(dest).map_err(Error::io("clearing", dest))?;
                        }
                        let opened =
                            bundle::open(reader, url, true, policy, dest, "downloading", progress)?;
                        Ok(Fetch::Opened {
                            opened: Box::new(opened),
                            source: url.to_string(),
                            validators: Some(validators),
                            attempts: attempt,
                        })
                    }
                }
            })();
            match result {
                Err(e) if e.is_retryable() && attempt < attempts => {
                    std::thread::sleep(self.settings.http.backoff_after(attempt - 1));
                }
                other => return other,
            }
        }
    }

    fn upload_locked(
        &self,
        source: &Source,
        pull: &Result<PullReport>,
        settings: &UploadSettings,
    ) -> Result<UploadReport> {
        let destination = match source {
            Source::File(path) => Destination::Folder(
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf(),
            ),
            Source::Folder(dir) => Destination::Folder(dir.clone()),
            Source::Http(url) => Destination::Http(
                settings
                    .url
                    .clone()
                    .or_else(|| crate::http::upload_base(url))
                    .ok_or_else(|| {
                        Error::Invalid(format!("cannot tell where to upload for {url}"))
                    })?,
            ),
        };
        let refused = |message: String| Error::Upload {
            destination: destination.describe(),
            message,
        };
        proven(source, &destination, pull, jiff::Timestamp::now())
            .map_err(|why| refused(format!("not sent: {why}")))?;
        if let Destination::Http(url) = &destination
            && !crate::http::is_https(url)
        {
            return Err(refused(format!(
                "not sent: {url} is plain HTTP, where shoppers' contacts and the kiosk's figures would cross the network in clear; uploads go only over HTTPS to the store server whose certificate [sync] server_cert_sha256 pins, or on a stick whose bundle verifies"
            )));
        }
        let kinds = settings.kinds.clone();
        if matches!(destination, Destination::Http(_)) && settings.store_key.is_none() {
            return Err(refused(
                "not sent: the server takes only uploads signed with the store key; set [staff] key_file in kiosk.toml".into(),
            ));
        }
        let state = SyncState::load(self.root())?;
        let options = UploadOptions {
            kinds,
            batch_rows: settings.batch_rows,
            store_id: state
                .store_id
                .or_else(|| self.settings.expected_store.clone()),
            kiosk_id: settings.kiosk_id.clone(),
            store_key: settings.store_key.clone(),
        };
        let tries = match destination {
            Destination::Http(_) => self.settings.http.attempts.max(1),
            Destination::Folder(_) => 1,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            match upload::upload(self.root(), &destination, &options, &self.client) {
                Err(Error::Upload { .. }) if attempt < tries => {
                    std::thread::sleep(self.settings.http.backoff_after(attempt - 1));
                }
                other => return other,
            }
        }
    }

    /// Makes the previous snapshot live again (and the current one
    /// previous). Bundles up to the highest version accepted stay refused,
    /// so the stick that brought the bad data does not bring it back.
    pub fn rollback(&self) -> Result<RollbackReport> {
        let _lock = self.lock()?;
        let mut state = SyncState::load_or_rebuild(self.root())?;
        state.reconcile(&Links::read(&self.data_dir)?);
        let snapshot_path = self.data_dir.rollback().map_err(|e| match e {
            kiosk_catalog::Error::Invalid(message) => Error::Invalid(message),
            other => Error::Catalog(other),
        })?;
        state.reconcile(&Links::read(&self.data_dir)?);
        let message = match &state.current {
            Some(b) => format!("rolled back to bundle {} v{}", b.store_id, b.version),
            None => format!("rolled back to {}", snapshot_path.display()),
        };
        state.record(Attempt {
            at: jiff::Timestamp::now(),
            source: "rollback".into(),
            outcome: Outcome::RolledBack,
            message,
        });
        state.save(self.root())?;
        Ok(RollbackReport {
            snapshot_path,
            current: state.current,
            previous: state.previous,
            highest_version: state.highest_version,
        })
    }

    /// The sync state as it stands, reconciled with the links (read-only).
    pub fn status(&self) -> Result<Status> {
        let mut state = SyncState::load(self.root())?;
        let links = Links::read(&self.data_dir)?;
        state.reconcile(&links);
        let now = jiff::Timestamp::now();
        let sync_running = self.root().is_dir() && matches!(self.lock(), Err(Error::Busy(_)));
        let pending_uploads = if self.root().join("local.sqlite").exists() {
            upload::pending(self.root())?
        } else {
            Vec::new()
        };
        let stock_age_hours = state
            .current
            .as_ref()
            .map(|b| now.duration_since(b.stock_as_of).as_secs_f64() / 3600.0);
        Ok(Status {
            data_dir: self.root().to_path_buf(),
            snapshot_id: links.current.as_ref().map(|c| c.id.clone()),
            snapshot_source: links.current.as_ref().and_then(|c| c.source.clone()),
            store_id: state
                .store_id
                .clone()
                .or_else(|| links.current.as_ref().and_then(|c| c.store_id.clone())),
            expired: state.current.as_ref().is_some_and(|b| b.expires <= now),
            stale: state
                .current
                .as_ref()
                .is_some_and(|b| bundle::too_old(b.created, self.settings.max_bundle_age, now)),
            current: state.current,
            previous: state.previous,
            highest_version: state.highest_version,
            last_attempt: state.last_attempt,
            last_success: state.last_success,
            stock_age_hours,
            pending_uploads,
            sync_running,
        })
    }
}

/// Whether `destination` proved itself in this sync: the pull from it
/// verified a bundle under a trusted key (applied, or the version already
/// live), and that bundle has not expired. Over HTTP the upload must also
/// go to the server the bundle came from. `Err` says why not.
fn proven(
    source: &Source,
    destination: &Destination,
    pull: &Result<PullReport>,
    now: jiff::Timestamp,
) -> std::result::Result<(), Unproven> {
    let from = source.describe();
    let report = match pull {
        Ok(report) => report,
        Err(_) => return Err(Unproven::NoBundle { from }),
    };
    match (report.outcome, &report.bundle) {
        (Outcome::Applied | Outcome::UpToDate, Some(bundle)) if bundle.expires > now => {}
        (Outcome::Applied | Outcome::UpToDate, Some(bundle)) => {
            return Err(Unproven::Expired {
                from,
                at: bundle.expires,
            });
        }
        (Outcome::NotModified, _) => return Err(Unproven::NotModified { from }),
        _ => return Err(Unproven::NoBundle { from }),
    }
    if let (Source::Http(bundle_url), Destination::Http(upload_url)) = (source, destination)
        && crate::http::upload_base(bundle_url) != crate::http::upload_base(upload_url)
    {
        return Err(Unproven::OtherServer {
            upload_url: upload_url.clone(),
            bundle_url: bundle_url.clone(),
        });
    }
    Ok(())
}

/// Why a destination is not proven to be the store's in this sync.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum Unproven {
    #[error("no bundle from {from} verified under a trusted key in this sync")]
    NoBundle { from: String },
    #[error("the bundle from {from} expired at {at}")]
    Expired { from: String, at: jiff::Timestamp },
    #[error("{from} answered \"not modified\", so no bundle from it was verified in this sync")]
    NotModified { from: String },
    #[error("{upload_url} is not on the server whose bundle verified ({bundle_url})")]
    OtherServer {
        upload_url: String,
        bundle_url: String,
    },
}

/// A native payload's store.toml must name the manifest's store.
fn check_store_file(catalog: &Path, store_id: &str) -> Result<()> {
    #[derive(serde::Deserialize)]
    struct Head {
        id: Option<String>,
    }
    let path = catalog.join("store.toml");
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(());
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if let Ok(Head { id: Some(id) }) = toml::from_str::<Head>(text)
        && id != store_id
    {
        return Err(Rejection::BadManifest(format!(
            "catalog/store.toml says store {id:?}, the manifest says {store_id:?}"
        ))
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
