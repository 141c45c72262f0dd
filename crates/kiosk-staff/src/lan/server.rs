//! Accepting connections without letting anyone on the LAN take a server
//! (the staff console, `serve-bundles`) down. Each connection gets a thread (kiosks' watches and staff pages'
//! streams hang by design), but at most [`MAX_READING`] of them may still be
//! sending their request and at most [`MAX_CONNECTIONS`] may be open: a new
//! connection beyond either drops one of those still sending their request.
//! The one dropped comes from the source holding the most of them (an IPv4
//! address, or an IPv6 /64, which one machine can fill with addresses),
//! and of that source's, the one whose client has been silent longest
//! (the oldest, among those that sent nothing since they connected). A
//! client that connects and stalls therefore holds a slot for at most the
//! read deadline, and only until newer clients need it, so a burst of
//! stalled connections cannot keep a kiosk's call out. A flood from one
//! machine makes room from its own connections: a kiosk part way through
//! its TLS handshake or its request is not dropped for it, however long
//! the kiosk waits between two reads, and among connections from one
//! source the one still sending keeps its place over the silent ones.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rustls::ServerConfig;

use super::http::{Conn, Reply, Request};

/// What a server built on [`accept_loop`] does with its requests.
pub trait Service: Send + Sync + 'static {
    /// Answers one request whose head has been read (the body is not).
    fn handle(&self, conn: Conn, request: Request);
    /// True once the server is stopping: the loop then ends.
    fn stopping(&self) -> bool;
    /// The TLS settings, when serving HTTPS.
    fn tls(&self) -> Option<&Arc<ServerConfig>>;
    /// The answer when too many connections are open (plain HTTP only).
    fn busy(&self) -> Reply {
        Reply::error(503, "the server is busy; try again").with_header("Retry-After", "1")
    }
}

/// Connections still sending their request.
pub const MAX_READING: usize = 128;
/// Open connections, counting long polls and event streams.
pub const MAX_CONNECTIONS: usize = 512;

#[derive(Default)]
struct Slots {
    /// Counts connections and the arrivals of their bytes: it orders both.
    clock: u64,
    /// Connections still sending their request, by id.
    reading: HashMap<u64, Reading>,
    open: usize,
}

/// A connection still sending its request.
struct Reading {
    /// When its client was last heard from (on `clock`).
    heard: u64,
    /// Where it comes from (see [`Source`]).
    source: Source,
    /// A handle to drop it.
    stream: TcpStream,
}

/// What counts as one client machine when room is made: an IPv4 address,
/// or an IPv6 address's /64 (a machine on a LAN can take any number of
/// addresses in its /64, and usually a single /64 at that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Source {
    V4(Ipv4Addr),
    V6Prefix(u64),
}

impl Source {
    fn of(ip: IpAddr) -> Source {
        match ip {
            IpAddr::V4(v4) => Source::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Source::V4(v4),
                None => Source::V6Prefix((v6.to_bits() >> 64) as u64),
            },
        }
    }
}

impl Slots {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// At a cap, drops a connection still sending its request: of the
    /// source holding the most of them, the one whose client has been
    /// silent longest.
    fn make_room(&mut self) {
        if self.reading.len() < MAX_READING && self.open < MAX_CONNECTIONS {
            return;
        }
        let mut held: HashMap<Source, usize> = HashMap::new();
        for r in self.reading.values() {
            *held.entry(r.source).or_default() += 1;
        }
        let Some(id) = self
            .reading
            .iter()
            .max_by_key(|(_, r)| (held[&r.source], std::cmp::Reverse(r.heard)))
            .map(|(id, _)| *id)
        else {
            return;
        };
        if let Some(r) = self.reading.remove(&id) {
            // Its thread sees the read fail and ends, freeing the slot.
            let _ = r.stream.shutdown(Shutdown::Both);
        }
    }
}

type SharedSlots = Arc<Mutex<Slots>>;

fn lock(slots: &SharedSlots) -> MutexGuard<'_, Slots> {
    slots.lock().unwrap_or_else(|p| p.into_inner())
}

/// Frees a connection's slot when its thread ends (or never starts).
struct SlotGuard {
    slots: SharedSlots,
    id: u64,
}

impl SlotGuard {
    /// The request is in: the connection no longer counts as sending.
    fn done_reading(&self) {
        lock(&self.slots).reading.remove(&self.id);
    }

    /// What to call as the client's bytes arrive.
    fn heard(&self) -> impl FnMut() + Send + 'static {
        let slots = Arc::clone(&self.slots);
        let id = self.id;
        move || {
            let mut slots = lock(&slots);
            let now = slots.tick();
            if let Some(r) = slots.reading.get_mut(&id) {
                r.heard = now;
            }
        }
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        let mut slots = lock(&self.slots);
        slots.reading.remove(&self.id);
        slots.open = slots.open.saturating_sub(1);
    }
}

/// Connections the kernel may hold for a server before it accepts them.
/// A burst of connections (a flood, or every kiosk after an outage) beyond
/// the queue makes the kernel drop SYNs, and a dropped SYN costs the
/// client a full second before it retries.
const LISTEN_BACKLOG: i32 = 1024;

/// Widens the listen queue of a bound listener (on Linux, calling `listen`
/// again on a listening socket resizes its queue; the kernel caps it at
/// `net.core.somaxconn`). On failure the queue stays as it was.
pub fn widen_backlog(listener: &TcpListener) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: `listen` takes a socket descriptor and an integer and
        // touches no memory of ours; the descriptor is the listener's own,
        // open for as long as `listener` is borrowed here.
        let _ = unsafe { libc::listen(listener.as_raw_fd(), LISTEN_BACKLOG) };
    }
    #[cfg(not(unix))]
    let _ = listener;
}

/// Accepts until the service stops; [`wake`] unblocks it after the stop.
pub fn accept_loop<S: Service>(listener: TcpListener, shared: Arc<S>) {
    let slots = SharedSlots::default();
    while !shared.stopping() {
        match listener.accept() {
            Ok((stream, _)) => {
                if !shared.stopping() {
                    admit(stream, &slots, &shared);
                }
            }
            // An accept error (out of file descriptors...): the listener
            // stays; try again shortly.
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Connects once to the server's own address so a blocked accept returns
/// and sees the stop.
pub fn wake(addr: SocketAddr) {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
        });
    }
    let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
}

fn admit<S: Service>(stream: TcpStream, slots: &SharedSlots, shared: &Arc<S>) {
    if stream.set_nonblocking(false).is_err() {
        return;
    }
    let id = {
        let mut slots = lock(slots);
        slots.make_room();
        // Dropped connections' threads are still winding down; past twice
        // the cap (all of it long polls and streams), answer busy.
        if slots.open >= 2 * MAX_CONNECTIONS {
            drop(slots);
            // Over TLS a reply needs a handshake, which the accept thread
            // must not wait for: the connection is closed instead, and the
            // kiosk retries as for any unreachable console.
            if shared.tls().is_some() {
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            if let Some(conn) = Conn::new(stream, None) {
                conn.respond(shared.busy());
            }
            return;
        }
        let id = slots.tick();
        if let (Ok(stream), Ok(peer)) = (stream.try_clone(), stream.peer_addr()) {
            let source = Source::of(peer.ip());
            slots.reading.insert(
                id,
                Reading {
                    heard: id,
                    source,
                    stream,
                },
            );
        }
        slots.open += 1;
        id
    };
    let guard = SlotGuard {
        slots: Arc::clone(slots),
        id,
    };
    let shared = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name("lan-conn".into())
        .spawn(move || serve(&*shared, stream, guard));
    if spawned.is_err() {
        // The closure, and with it the stream and the slot, were dropped.
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn serve<S: Service>(shared: &S, stream: TcpStream, guard: SlotGuard) {
    let Some(mut conn) = Conn::new(stream, shared.tls()) else {
        return;
    };
    conn.on_progress(guard.heard());
    let request = conn.read_head();
    guard.done_reading();
    conn.forget_progress();
    match request {
        Ok(request) => shared.handle(conn, request),
        Err(e) => {
            if let Some(reply) = e.reply() {
                conn.expect_body(1);
                conn.respond(reply);
            }
        }
    }
}

#[cfg(test)]
mod tests;
