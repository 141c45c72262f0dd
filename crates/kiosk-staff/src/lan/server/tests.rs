//! Which connection makes room when a burst of new ones arrives.

use std::io::Read;
use std::net::{TcpListener, TcpStream};

use super::*;

/// A connected pair on loopback: the server's end and the client's.
fn pair(listener: &TcpListener) -> (TcpStream, TcpStream) {
    let client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
    let (server, _) = listener.accept().expect("accept");
    (server, client)
}

/// Registers a connection as `admit` does; returns its guard and the
/// client's end.
fn admit_one(slots: &SharedSlots, listener: &TcpListener) -> (SlotGuard, TcpStream) {
    let (server, client) = pair(listener);
    let mut s = lock(slots);
    s.make_room();
    let id = s.tick();
    s.reading.insert(id, (id, server));
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
