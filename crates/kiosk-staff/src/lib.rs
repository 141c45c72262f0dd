//! Staff calls over the store's LAN, and the store's analytics.
//!
//! - [`console`]: the staff console (`kiosk staff-console`), a small HTTP
//!   server with a page for staff phones; calls arrive, staff tap "On my
//!   way" and "Resolved", and every change reaches the kiosk at once.
//! - [`client`]: the kiosk's side, [`StaffLink`]: a call is saved first
//!   (so nothing is lost offline), delivered with retries, and followed;
//!   the app gets each change as a [`CallEvent`].
//! - [`auth`]: HMAC-SHA256 signatures with the store's shared key.
//! - [`analytics`] and [`csv`]: what the kiosk did for the store, from its
//!   anonymous event log.
//! - [`tls`]: the console's self-signed certificate, pinned by kiosks.
//! - [`lan`]: the bounded HTTP/1.1 (and HTTPS) server of the console,
//!   shared with the bundle server (`kiosk serve-bundles`).
//! - [`messages`]: what the kiosk tells the shopper, in four languages.

pub mod analytics;
pub mod auth;
pub mod call;
pub mod client;
pub mod console;
pub mod csv;
pub mod error;
pub mod lan;
pub mod messages;
pub mod tls;

pub use analytics::{Analytics, Figures, Period};
pub use auth::StoreKey;
pub use call::{CallId, CallRecord, CallState, KioskInfo};
pub use client::{CallEvent, CallStatus, ConsoleClient, LinkConfig, StaffLink};
pub use console::{Console, ConsoleConfig};
pub use error::{Error, Result};
pub use tls::ConsoleCert;
