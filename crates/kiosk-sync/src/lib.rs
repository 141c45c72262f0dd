//! Nightly sync: signed snapshot bundles from a USB stick or the store
//! server, verified, imported and swapped in atomically, with rollback and
//! uploads of what the kiosk collected.
//!
//! - [`bundle`] is the file format: a tar of a signed `manifest.toml` and
//!   the export; [`manifest`] its fields; [`keys`] minisign key files.
//! - [`syncer`] is one sync: from a [`source::Source`] (a bundle file, a
//!   folder or stick, or an HTTP URL) through verification to
//!   `kiosk_catalog::import`, recorded in [`state`] (`DATA/sync-state.toml`).
//! - [`upload`] sends waitlist requests and analytics to the stick or the
//!   server, once each.
//! - [`agent`] decides when to sync (nightly with jitter, a stick mounted,
//!   staff asking) and runs syncs on a worker thread.
//! - [`http`] is the small client; [`serve`] the `kiosk serve-bundles`
//!   server.

pub mod agent;
pub mod auth;
pub mod bundle;
pub mod error;
pub mod http;
pub mod keys;
pub mod manifest;
pub mod serve;
pub mod source;
pub mod state;
pub mod syncer;
pub mod upload;

#[cfg(test)]
mod testkit;

pub use error::{Error, Rejection, Result};
pub use source::Source;
pub use syncer::{SyncSettings, Syncer};

/// Held (flock) by the one sync running in a data dir.
pub const SYNC_LOCK: &str = "sync.lock";
