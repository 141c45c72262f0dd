//! The staff link, per `[staff]` and `[kiosk]`: the settings the app's
//! worker and `kiosk call-staff` send calls with, and a call's delivery in
//! the log.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use kiosk_staff::{CallStatus, KioskInfo, LinkConfig, StoreKey};

use crate::config::Config;

/// This kiosk as staff see it, from `[kiosk]`.
pub fn kiosk_info(config: &Config) -> KioskInfo {
    KioskInfo::new(
        config.kiosk.id.as_deref(),
        &config.kiosk.name,
        &config.kiosk.location,
    )
}

/// The store key: a flag's file, else `[staff] key_file`, else `[staff] key`.
pub fn store_key(config: &Config, key_file: Option<&Path>) -> anyhow::Result<StoreKey> {
    if let Some(path) = key_file.or(config.staff.key_file.as_deref()) {
        return Ok(StoreKey::from_file(path)?);
    }
    if let Some(key) = &config.staff.key {
        return StoreKey::new(key).context("[staff] key");
    }
    bail!("no store key: set [staff] key_file (or key) in kiosk.toml, or pass --key-file")
}

/// The link settings from `[staff]` and `[kiosk]` .
pub fn link_config(
    config: &Config,
    console: Option<&str>,
    key_file: Option<&Path>,
) -> anyhow::Result<LinkConfig> {
    let Some(url) = console.or(config.staff.console_url.as_deref()) else {
        bail!(
            "no staff console configured: set [staff] console_url in kiosk.toml, or pass --console URL"
        )
    };
    let staff = &config.staff;
    let secs = |s: f64, what: &str| {
        Duration::try_from_secs_f64(s).with_context(|| format!("[staff] {what}: {s} seconds"))
    };
    let mut link = LinkConfig::new(url, store_key(config, key_file)?, kiosk_info(config));
    link.console_cert_sha256 = staff.console_cert_sha256.clone();
    if url.trim().starts_with("https://") && link.console_cert_sha256.is_none() {
        bail!(
            "[staff] console_cert_sha256 is not set: copy the certificate fingerprint `kiosk staff-console` prints"
        )
    }
    link.retry_initial = secs(staff.retry_initial_seconds, "retry_initial_seconds")?;
    link.retry_max = secs(staff.retry_max_seconds, "retry_max_seconds")?;
    link.request_timeout = secs(staff.request_timeout_seconds, "request_timeout_seconds")?;
    link.watch_wait = Duration::from_secs(staff.watch_wait_seconds);
    link.analytics_every = (staff.analytics_every_seconds > 0)
        .then(|| Duration::from_secs(staff.analytics_every_seconds));
    link.expire_after = secs(staff.call_expiry_hours * 3600.0, "call_expiry_hours")?;
    link.forget_words_after = secs(
        staff.forget_words_after_hours * 3600.0,
        "forget_words_after_hours",
    )?;
    // The kiosk keeps its ended calls no longer than the console does.
    link.keep_ended_after = Duration::from_secs(staff.keep_closed_days.saturating_mul(86_400));
    Ok(link)
}

/// A staff call's delivery in the log: queued, delivered, on the way,
/// resolved, cancelled or failed (never the shopper's words).
pub fn log_call_event(event: &kiosk_staff::CallEvent) {
    let call = event.call.as_str();
    match &event.status {
        CallStatus::Queued { error } => {
            tracing::warn!(call, "staff call queued (console not reached): {error}")
        }
        CallStatus::Delivered => tracing::info!(call, "staff call delivered"),
        CallStatus::OnTheWay { .. } => tracing::info!(call, "staff call: staff on the way"),
        CallStatus::Resolved { .. } => tracing::info!(call, "staff call resolved"),
        CallStatus::Cancelled => tracing::info!(call, "staff call cancelled"),
        CallStatus::Failed { error } => {
            tracing::error!(call, "staff call refused by the console: {error}")
        }
    }
}
