//! Which connection makes room when a burst of new ones arrives.

use std::io::Read;
use std::net::{TcpListener, TcpStream};

use super::*;
use crate::lan::test_net::connect_from;

/// Registers a connection as `admit` does; returns its guard and the
/// client's end.
fn admit_one(slots: &SharedSlots, listener: &TcpListener) -> (SlotGuard, TcpStream) {
    admit_from(slots, listener, std::net::Ipv4Addr::LOCALHOST)
}

/// As [`admit_one`], for a client at `from`.
fn admit_from(
    slots: &SharedSlots,
    listener: &TcpListener,
    from: std::net::Ipv4Addr,
) -> (SlotGuard, TcpStream) {
    let client = connect_from(from, listener.local_addr().expect("addr"));
    let (server, _) = listener.accept().expect("accept");
    let mut s = lock(slots);
    s.make_room();
    let id = s.tick();
    let source = Source::of(server.peer_addr().expect("peer").ip());
    s.reading.insert(
        id,
        Reading {
            heard: id,
            source,
            stream: server,
        },
    );
    s.open += 1;
    drop(s);
    let guard = SlotGuard {
        slots: Arc::clone(slots),
        id,
    };
    (guard, client)
}

/// Whether the server closed the connection whose client end is `client`.
fn closed(client: &mut TcpStream) -> bool {
    client
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .expect("timeout");
    matches!(client.read(&mut [0u8; 1]), Ok(0))
}

/// Whether the connection whose client end is `client` is still open,
/// nothing having come from the server.
fn still_open(client: &mut TcpStream) -> bool {
    client.set_nonblocking(true).expect("nonblocking");
    let open =
        matches!(client.read(&mut [0u8; 1]), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    client.set_nonblocking(false).expect("blocking");
    open
}

#[test]
fn a_client_still_sending_is_not_dropped_for_a_burst_behind_it() {
    // A kiosk connects, then a burst of connections that stall arrives
    // while the kiosk's handshake is under way: its bytes keep arriving,
    // so the stalled ones make room, not the kiosk.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let slots = SharedSlots::default();
    let (kiosk, mut kiosk_client) = admit_one(&slots, &listener);
    let mut stallers = Vec::new();
    for _ in 1..MAX_READING {
        stallers.push(admit_one(&slots, &listener));
    }
    let mut heard = kiosk.heard();
    heard();
    // As many again arrive: each drops the most silent staller.
    let mut late = Vec::new();
    for _ in 0..MAX_READING - 1 {
        late.push(admit_one(&slots, &listener));
    }
    assert!(
        lock(&slots).reading.contains_key(&kiosk.id),
        "the kiosk was dropped"
    );
    assert!(still_open(&mut kiosk_client));
    for (guard, client) in &mut stallers {
        assert!(!lock(&slots).reading.contains_key(&guard.id));
        assert!(closed(client), "a stalled connection was kept");
    }
    // Once the kiosk is the most silent, it goes next.
    late.push(admit_one(&slots, &listener));
    assert!(!lock(&slots).reading.contains_key(&kiosk.id));
    assert!(closed(&mut kiosk_client));
}

#[test]
fn a_flood_from_one_machine_never_drops_another_machines_client() {
    // Before, a kiosk was dropped once 127 connections arrived between two
    // of its reads (its TLS handshake's round trip, say), whatever their
    // source. Now a flood from one machine makes room from its own
    // connections, however silent the kiosk.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let slots = SharedSlots::default();
    let kiosk_at = std::net::Ipv4Addr::new(127, 0, 0, 2);
    let (kiosk, mut kiosk_client) = admit_from(&slots, &listener, kiosk_at);
    let mut flood = Vec::new();
    for _ in 0..4 * MAX_READING {
        flood.push(admit_one(&slots, &listener));
    }
    assert!(
        lock(&slots).reading.contains_key(&kiosk.id),
        "the kiosk was dropped for a flood from another machine"
    );
    assert!(still_open(&mut kiosk_client));
    assert_eq!(lock(&slots).reading.len(), MAX_READING);
    // The flood's oldest went, its newest are still being read.
    for (guard, client) in &mut flood[..3 * MAX_READING + 1] {
        assert!(!lock(&slots).reading.contains_key(&guard.id));
        assert!(closed(client), "a flooding connection was kept");
    }
    for (guard, _) in &flood[3 * MAX_READING + 1..] {
        assert!(lock(&slots).reading.contains_key(&guard.id));
    }

    // A second kiosk from a third machine, heard, then silent: neither
    // kiosk goes while the flood continues.
    let (other, mut other_client) =
        admit_from(&slots, &listener, std::net::Ipv4Addr::new(127, 0, 0, 3));
    other.heard()();
    for _ in 0..2 * MAX_READING {
        flood.push(admit_one(&slots, &listener));
    }
    for (guard, client) in [(&kiosk, &mut kiosk_client), (&other, &mut other_client)] {
        assert!(lock(&slots).reading.contains_key(&guard.id));
        assert!(still_open(client));
    }
}

#[test]
fn with_one_connection_per_machine_the_most_silent_goes() {
    // The limit that remains: connections from as many machines as there
    // are slots (one each) fall back to the most silent first.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let slots = SharedSlots::default();
    let mut clients = Vec::new();
    for i in 0..MAX_READING {
        let at = std::net::Ipv4Addr::new(127, 0, 1 + (i / 200) as u8, 2 + (i % 200) as u8);
        clients.push(admit_from(&slots, &listener, at));
    }
    // The first one is heard again; the second is now the most silent.
    clients[0].0.heard()();
    let late = admit_from(&slots, &listener, std::net::Ipv4Addr::new(127, 0, 9, 9));
    assert!(lock(&slots).reading.contains_key(&clients[0].0.id));
    assert!(!lock(&slots).reading.contains_key(&clients[1].0.id));
    assert!(closed(&mut clients[1].1));
    assert!(lock(&slots).reading.contains_key(&late.0.id));
}

#[test]
fn sources_are_machines_ipv4_addresses_and_ipv6_64s() {
    let v6 = |s: &str| Source::of(s.parse::<IpAddr>().expect("address"));
    assert_eq!(v6("2001:db8:1:2::1"), v6("2001:db8:1:2:ffff:1:2:3"));
    assert_ne!(v6("2001:db8:1:2::1"), v6("2001:db8:1:3::1"));
    assert_eq!(v6("::ffff:192.0.2.7"), v6("192.0.2.7"));
    assert_ne!(v6("192.0.2.7"), v6("192.0.2.8"));
}

/// Answers every request with its target; stops when told.
struct Echo(std::sync::atomic::AtomicBool);

impl Service for Echo {
    fn handle(&self, conn: Conn, request: Request) {
        conn.respond(Reply::new(200, request.target.into_bytes()));
    }
    fn stopping(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
    fn tls(&self) -> Option<&Arc<ServerConfig>> {
        None
    }
}

#[test]
fn a_kiosk_silent_mid_request_is_answered_through_a_flood_from_another_machine() {
    // Through the real accept loop: a kiosk at 127.0.0.2 sends part of its
    // request and falls silent (as between two round trips of a TLS
    // handshake); 3 × 128 connections from 127.0.0.1 arrive and stall.
    // Before, the kiosk was dropped once 127 arrived after it; now the
    // flood makes room from its own connections and the kiosk, finishing
    // its request, gets its answer.
    use std::io::Write;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let echo = Arc::new(Echo(Default::default()));
    let server = {
        let echo = Arc::clone(&echo);
        std::thread::spawn(move || accept_loop(listener, echo))
    };
    let mut kiosk = connect_from(std::net::Ipv4Addr::new(127, 0, 0, 2), addr);
    kiosk
        .write_all(b"GET /call HTTP/1.1\r\nHost: console\r\n")
        .expect("the head's start");
    let mut flood: Vec<TcpStream> = (0..3 * MAX_READING)
        .map(|_| TcpStream::connect(addr).expect("connect"))
        .collect();
    // The flood's first connection is dropped only once the accept loop
    // has taken 128 more: by then the old rule had dropped the kiosk too.
    assert!(closed(&mut flood[0]), "the flood's oldest was kept");
    let last = 2 * MAX_READING;
    assert!(
        closed(&mut flood[last]),
        "the flood's connection {last} was kept"
    );
    kiosk
        .write_all(b"X-Kiosk: 1\r\n\r\n")
        .expect("the head's end: the kiosk's connection is open");
    let mut reply = String::new();
    kiosk.read_to_string(&mut reply).expect("the reply");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply:?}");
    assert!(reply.ends_with("/call"), "{reply:?}");
    echo.0.store(true, std::sync::atomic::Ordering::SeqCst);
    wake(addr);
    server.join().expect("the accept loop ends");
}
