//! The staff console: a small synchronous HTTP server on the store's LAN
//! (`kiosk staff-console --listen ADDR`). Kiosks deliver calls and follow
//! them; staff phones and tablets open the page, sign in once with the
//! store key, see open calls live (server-sent events) and tap "On my way"
//! and "Resolved". Calls, sessions and analytics live in one SQLite file,
//! so a restart loses nothing open; so do the nonces of signed requests
//! within the clock-skew window, so a restart does not reopen a replay.
//!
//! One thread accepts connections and hands each to a thread of its own
//! (capped, see `lan/server.rs`), because two kinds of request hang by design:
//! kiosks' watches (long polls) and staff pages' event streams. The HTTP is
//! shared with `serve-bundles` ([`crate::lan`]), so every limit on what a stranger can
//! send is enforced here. With a certificate ([`ConsoleConfig::tls`],
//! `kiosk staff-console` always has one) it serves HTTPS: rustls over each
//! accepted connection, driven by `lan/http.rs` under the same read deadline,
//! and the session cookie is `Secure`. The API is described in `docs/staff-console.md`.

mod hub;
mod routes;
mod store;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::auth::{NonceJournal, StoreKey, Verifier};
use crate::error::{Error, Result};
#[cfg(test)]
use crate::lan::http;
use crate::lan::{self, Conn, Reply, Request, server};
use crate::tls::ConsoleCert;
use hub::Hub;

#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    /// `HOST:PORT`; port 0 picks a free one (see [`Console::addr`]).
    pub listen: String,
    /// The SQLite file of calls, sessions and analytics.
    pub db: PathBuf,
    pub key: StoreKey,
    /// Signed requests whose time differs more than this are refused.
    pub max_clock_skew_secs: u64,
    /// How long a staff device stays signed in.
    pub session_days: u64,
    /// Resolved and cancelled calls are forgotten after this.
    pub keep_closed_days: u64,
    /// A call still open (or on the way) this long after it arrived is
    /// closed as cancelled: the shopper has long gone, and its words go.
    pub max_open_hours: u64,
    /// Serve HTTPS with this certificate (kiosks pin its fingerprint);
    /// `None`: plain HTTP.
    pub tls: Option<ConsoleCert>,
}

impl ConsoleConfig {
    pub fn new(listen: impl Into<String>, db: impl Into<PathBuf>, key: StoreKey) -> ConsoleConfig {
        ConsoleConfig {
            listen: listen.into(),
            db: db.into(),
            key,
            max_clock_skew_secs: 300,
            session_days: 30,
            keep_closed_days: 30,
            max_open_hours: 12,
            tls: None,
        }
    }
}

/// State shared by every request thread.
pub(crate) struct Shared {
    hub: Hub,
    verifier: Verifier,
    session_secs: i64,
    /// The TLS settings, when serving HTTPS.
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl lan::Service for Shared {
    fn handle(&self, conn: Conn, request: Request) {
        routes::handle(self, conn, request);
    }

    fn stopping(&self) -> bool {
        self.hub.stopping()
    }

    fn tls(&self) -> Option<&Arc<rustls::ServerConfig>> {
        self.tls.as_ref()
    }

    fn busy(&self) -> Reply {
        routes::busy()
    }
}

/// A running console. Dropping it stops it.
pub struct Console {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Console {
    /// Opens the database and starts listening.
    pub fn start(config: ConsoleConfig) -> Result<Console> {
        let hub = Hub::open(&config.db, config.keep_closed_days, config.max_open_hours)?;
        let listener = TcpListener::bind(config.listen.as_str()).map_err(|e| Error::Listen {
            addr: config.listen.clone(),
            message: e.to_string(),
        })?;
        server::widen_backlog(&listener);
        let verifier = Verifier::with_journal(
            config.key,
            config.max_clock_skew_secs,
            NonceJournal::open(&config.db)?,
            jiff::Timestamp::now().as_second(),
        )?;
        let addr = listener.local_addr().map_err(|e| Error::Listen {
            addr: config.listen.clone(),
            message: e.to_string(),
        })?;
        let tls = config
            .tls
            .as_ref()
            .map(ConsoleCert::server_config)
            .transpose()?;
        let shared = Arc::new(Shared {
            tls,
            hub,
            verifier,
            session_secs: i64::try_from(config.session_days)
                .unwrap_or(i64::MAX)
                .saturating_mul(86_400),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("console-accept".into())
            .spawn(move || server::accept_loop(listener, accept_shared))
            .map_err(|e| Error::Listen {
                addr: config.listen.clone(),
                message: format!("starting the accept thread: {e}"),
            })?;
        Ok(Console {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://ADDR` (or `http://ADDR` without TLS), for kiosks and
    /// tests.
    pub fn url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }

    /// Stops listening, wakes every waiting request and ends every stream.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.hub.stop();
        if let Some(accept) = self.accept.take() {
            server::wake(self.addr);
            let _ = accept.join();
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
pub(crate) mod tests;
