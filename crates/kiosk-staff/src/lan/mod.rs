//! The small HTTP/1.1 server the staff console and `serve-bundles` share,
//! for a LAN where anyone can connect: [`http`] reads each request under
//! hard limits and a deadline, over rustls when the server has a
//! certificate ([`crate::tls::ConsoleCert`]); [`server`] accepts
//! connections, a thread each, capped so that stalled connections cannot
//! keep real clients out.

pub mod http;
pub mod server;
#[cfg(test)]
pub(crate) mod test_net;

pub use http::{Conn, HeadError, Reply, Request};
pub use server::Service;
