//! The sync agent and its settings, per `[sync]` (and the store key of
//! `[staff]`, which signs uploads): what `kiosk sync` runs once or
//! watching, and what the app's worker runs in the background.

use std::time::Duration;

use anyhow::Context;
use kiosk_catalog::DataDir;
use kiosk_catalog::import::Limits;
use kiosk_sync::agent::Schedule;
use kiosk_sync::http::HttpOptions;
use kiosk_sync::keys::TrustedKeys;
use kiosk_sync::state::Outcome;
use kiosk_sync::syncer::UploadSettings;
use kiosk_sync::upload::Kind;
use kiosk_sync::{Source, SyncSettings, Syncer};

use crate::config::Config;

/// The trusted keys: `[sync] trusted_keys` and `extra` (`--trust`).
pub fn trusted_keys(config: &Config, extra: &[String]) -> anyhow::Result<TrustedKeys> {
    let entries = config
        .sync
        .trusted_keys
        .iter()
        .map(|k| (k.as_str(), "kiosk.toml [sync] trusted_keys"))
        .chain(extra.iter().map(|k| (k.as_str(), "--trust")));
    Ok(TrustedKeys::parse(entries)?)
}

fn seconds(value: f64, key: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .with_context(|| format!("[sync] {key} = {value}: expected a number of seconds"))
}

/// The syncer's settings from `[sync]`; `trust` adds keys, and
/// `no_upload` leaves uploads out.
pub fn settings(
    config: &Config,
    trust: &[String],
    no_upload: bool,
) -> anyhow::Result<SyncSettings> {
    let sync = &config.sync;
    let mut kinds = Vec::new();
    if sync.upload_analytics {
        kinds.extend([Kind::Analytics, Kind::Feedback]);
    }
    if sync.upload_waitlist {
        kinds.push(Kind::Waitlist);
    }
    let max_bundle_age = seconds(sync.max_bundle_age_hours * 3600.0, "max_bundle_age_hours")?;
    let store_key = if kinds.is_empty() || no_upload {
        None
    } else {
        upload_key(config, None)?
    };
    Ok(SyncSettings {
        trusted_keys: trusted_keys(config, trust)?,
        expected_store: sync.store_id.clone(),
        max_bundle_age: (!max_bundle_age.is_zero())
            .then(|| jiff::SignedDuration::try_from(max_bundle_age))
            .transpose()
            .context("[sync] max_bundle_age_hours")?,
        http: HttpOptions {
            connect_timeout: seconds(sync.connect_timeout_seconds, "connect_timeout_seconds")?,
            read_timeout: seconds(sync.read_timeout_seconds, "read_timeout_seconds")?,
            attempts: sync.attempts.max(1),
            backoff: seconds(sync.retry_backoff_seconds, "retry_backoff_seconds")?,
            max_backoff: Duration::from_secs(60),
            transfer_deadline: seconds(
                sync.transfer_deadline_seconds,
                "transfer_deadline_seconds",
            )?,
            server_cert_sha256: sync.server_cert_sha256.clone(),
        },
        limits: Limits {
            max_file_bytes: config.import.max_input_mib.saturating_mul(1 << 20),
            ..Limits::default()
        },
        upload: (!no_upload && !kinds.is_empty()).then(|| UploadSettings {
            kinds,
            url: sync.upload_url.clone(),
            // Uploads name the kiosk as staff calls do ([kiosk]).
            kiosk_id: Some(
                config
                    .kiosk
                    .id
                    .clone()
                    .unwrap_or_else(|| config.kiosk.name.to_lowercase().replace(' ', "-")),
            ),
            batch_rows: 5_000,
            store_key,
        }),
    })
}

/// The store key that signs uploads to the server and that
/// `serve-bundles` checks them with: `key_file`, else `[staff] key_file`,
/// else `[staff] key` (the staff link's key). `None` when none is set.
pub fn upload_key(
    config: &Config,
    key_file: Option<&std::path::Path>,
) -> anyhow::Result<Option<kiosk_sync::auth::StoreKey>> {
    if let Some(path) = key_file.or(config.staff.key_file.as_deref()) {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the store key {}", path.display()))?;
        let first = text.lines().next().unwrap_or_default();
        return kiosk_sync::auth::StoreKey::new(first)
            .map(Some)
            .with_context(|| format!("store key {}", path.display()));
    }
    match &config.staff.key {
        Some(key) => Ok(Some(
            kiosk_sync::auth::StoreKey::new(key).context("[staff] key")?,
        )),
        None => Ok(None),
    }
}

/// The schedule from `[sync]`, with `--from` standing in for the server
/// (an `http://` URL) or the stick root (a folder).
pub fn schedule(config: &Config, from: Option<&str>) -> anyhow::Result<Schedule> {
    let sync = &config.sync;
    let (mut server, mut usb_root) = (sync.server_url.clone(), sync.usb_root.clone());
    match from.map(Source::parse) {
        Some(Source::Http(url)) => server = Some(url),
        Some(Source::Folder(dir)) => usb_root = Some(dir),
        Some(Source::File(path)) => {
            anyhow::bail!(
                "--watch --from {}: expected an http:// URL or a folder to watch for sticks",
                path.display()
            )
        }
        None => {}
    }
    let nightly_at = match sync.nightly_at.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(text.parse::<jiff::civil::Time>().with_context(|| {
            format!("[sync] nightly_at = {text:?}: expected a local time like \"03:00\"")
        })?),
        None => None,
    };
    Ok(Schedule {
        nightly_at,
        jitter: jiff::SignedDuration::from_mins(i64::from(sync.jitter_minutes)),
        retry_after: jiff::SignedDuration::from_mins(i64::from(sync.retry_minutes.max(1))),
        time_zone: jiff::tz::TimeZone::system(),
        server,
        usb_root,
    })
}

/// What the app's background agent runs with: the syncer, the schedule and
/// how often it looks for a stick, all from `[sync]`.
pub fn agent_parts(
    config: &Config,
    data_dir: &std::path::Path,
) -> anyhow::Result<(Syncer, Schedule, Duration)> {
    let syncer = Syncer::new(DataDir::new(data_dir), settings(config, &[], false)?);
    let poll = Duration::from_secs(config.sync.poll_seconds.max(1));
    Ok((syncer, schedule(config, None)?, poll))
}

/// One sync outcome in the log, at the level it deserves.
pub fn log_outcome(outcome: Outcome, summary: &str) {
    match outcome {
        Outcome::Applied | Outcome::RolledBack | Outcome::UpToDate | Outcome::NotModified => {
            tracing::info!("sync {}: {summary}", outcome.name())
        }
        Outcome::Rejected | Outcome::Stale => {
            tracing::warn!("sync {}: {summary}", outcome.name())
        }
        Outcome::Failed => tracing::error!("sync failed: {summary}"),
    }
}
