//! TLS against a real console on loopback: the certificate made once and
//! kept (its key 0600), a kiosk pinned to it gets through and one pinned to
//! another certificate or speaking plain HTTP gets nothing, the session
//! cookie is `Secure`, and the console's limits (stalled handshakes and
//! requests, endless lines, trickled requests) hold over TLS.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use super::*;
use crate::auth::authorization;
use crate::client::ConsoleClient;
use crate::console::tests::{key, new_call, pinned_client};
use crate::console::{Console, ConsoleConfig};

fn cert() -> ConsoleCert {
    ConsoleCert::generate(&["localhost".into(), "127.0.0.1".into()]).expect("certificate")
}

fn start(db: &Path, cert: &ConsoleCert) -> Console {
    let mut config = ConsoleConfig::new("127.0.0.1:0", db, key());
    config.tls = Some(cert.clone());
    Console::start(config).expect("console starts")
}

/// A TLS connection to the console, trusting `cert` only.
fn connect(
    console: &Console,
    cert: &ConsoleCert,
) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    let config = client_config(&cert.fingerprint()).expect("client config");
    let conn =
        rustls::ClientConnection::new(config, ServerName::try_from("localhost").expect("name"))
            .expect("client");
    let tcp = TcpStream::connect(console.addr()).expect("connect");
    rustls::StreamOwned::new(conn, tcp)
}

/// Sends `request` over TLS and reads the reply's head (up to the blank
/// line), waiting at most `within`.
fn ask(console: &Console, cert: &ConsoleCert, request: &[u8], within: Duration) -> String {
    let mut stream = connect(console, cert);
    stream.sock.set_read_timeout(Some(within)).expect("timeout");
    stream.write_all(request).expect("send");
    read_head(&mut stream)
}

/// The console's page comes over TLS.
fn assert_page_answers(console: &Console, cert: &ConsoleCert) {
    let head = ask(
        console,
        cert,
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        Duration::from_secs(5),
    );
    assert_eq!(status(&head), Some(200), "{head}");
}

fn read_head(stream: &mut impl Read) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn status(head: &str) -> Option<u16> {
    head.split_whitespace().nth(1).and_then(|s| s.parse().ok())
}

#[test]
fn the_certificate_is_made_once_and_its_key_kept_private() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert_path, key_path) = (dir.path().join("c.cert.pem"), dir.path().join("c.key.pem"));
    let names = vec!["localhost".to_string()];
    let (first, created) =
        ConsoleCert::load_or_create(&cert_path, &key_path, &names).expect("made");
    assert!(created);
    let mode = std::fs::metadata(&key_path)
        .expect("key")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the key is the console user's only");
    let (again, created) =
        ConsoleCert::load_or_create(&cert_path, &key_path, &names).expect("read");
    assert!(!created);
    assert_eq!(first.fingerprint(), again.fingerprint());
    assert_ne!(first.fingerprint(), cert().fingerprint());
    // The fingerprint as openssl prints it is accepted too.
    let colons = first
        .fingerprint()
        .to_ascii_uppercase()
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":");
    assert_eq!(parse_fingerprint(&colons), Some(first.fingerprint()));
    assert_eq!(parse_fingerprint("abc"), None);
    // One file without the other is an error, not a silent new identity.
    std::fs::remove_file(&key_path).expect("remove");
    assert!(ConsoleCert::load_or_create(&cert_path, &key_path, &names).is_err());
}

#[test]
fn only_a_kiosk_pinned_to_the_console_gets_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = cert();
    let console = start(&dir.path().join("console.sqlite"), &cert);
    assert!(console.url().starts_with("https://"));
    let timeout = Duration::from_secs(5);
    let pinned = pinned_client(&console, &cert);
    let call = new_call("over TLS");
    assert!(pinned.deliver(&call).expect("delivered").created);

    // Pinned to another certificate: refused at the handshake, nothing sent.
    let impostor = self::cert().fingerprint();
    let other =
        ConsoleClient::pinned(&console.url(), key(), timeout, Some(&impostor)).expect("client");
    match other.deliver(&new_call("to an impostor")) {
        Err(crate::Error::Unreachable { message, .. }) => {
            assert!(message.contains("pinned"), "{message}")
        }
        other => panic!("expected a refused certificate, got {other:?}"),
    }
    // Plain HTTP to the TLS port gets no reply either.
    let plain =
        ConsoleClient::new(&format!("http://{}", console.addr()), key(), timeout).expect("client");
    assert!(plain.calls(false).is_err());
    // An https:// console without a fingerprint is a configuration error.
    assert!(ConsoleClient::new(&console.url(), key(), timeout).is_err());
    assert_eq!(pinned.calls(true).expect("list").len(), 1);
}

#[test]
fn the_session_cookie_is_secure_over_tls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = cert();
    let console = start(&dir.path().join("console.sqlite"), &cert);
    let body = r#"{"staff":"Anna"}"#;
    let auth = authorization(
        &key(),
        "POST",
        "/api/session",
        body.as_bytes(),
        jiff::Timestamp::now().as_second(),
    );
    let request = format!(
        "POST /api/session HTTP/1.1\r\nHost: localhost\r\nAuthorization: {auth}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let head = ask(&console, &cert, request.as_bytes(), Duration::from_secs(5));
    assert_eq!(status(&head), Some(200), "{head}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: "))
        .expect("a session cookie");
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    // The page itself comes over TLS too.
    assert_page_answers(&console, &cert);
}

#[test]
fn the_limits_hold_over_tls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = cert();
    let console = start(&dir.path().join("console.sqlite"), &cert);
    // The console's read deadline (`console/http.rs`).
    let deadline = Duration::from_secs(5);

    // An endless header line inside TLS: cut off with 431.
    let mut stream = connect(&console, &cert);
    stream
        .sock
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
        .write_all(b"GET /api/calls HTTP/1.1\r\nX-Long: ")
        .expect("send");
    let line = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    let mut cut = false;
    while sent < 16 * 1024 * 1024 {
        if stream.write_all(&line).is_err() {
            cut = true;
            break;
        }
        sent += line.len();
    }
    // Cut off (the 431 may be lost to the reset that unread bytes cause).
    assert!(cut, "the console kept reading over TLS: {sent} bytes sent");
    let head = read_head(&mut stream);
    assert!(head.is_empty() || status(&head) == Some(431), "{head}");
    eprintln!("endless line over TLS cut off after {sent} bytes");
    // The console still answers.
    assert_page_answers(&console, &cert);

    // One TLS record holding a request, its bytes trickled over TCP one
    // at a time: the console's deadline covers the record, not only each
    // read (a reader that waits for whole records would wait for ever).
    let mut stream = connect(&console, &cert);
    while stream.conn.is_handshaking() {
        stream
            .conn
            .complete_io(&mut stream.sock)
            .expect("handshake");
    }
    stream
        .conn
        .writer()
        .write_all(b"GET /api/calls HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("buffer");
    let mut record = Vec::new();
    while stream.conn.wants_write() {
        stream.conn.write_tls(&mut record).expect("encrypt");
    }
    let started = Instant::now();
    stream
        .sock
        .set_read_timeout(Some(Duration::from_millis(150)))
        .expect("timeout");
    for byte in record.iter().take(record.len() - 1) {
        if stream.sock.write_all(&[*byte]).is_err() {
            break;
        }
        // The console answered or closed: stop. (Session tickets after
        // the handshake are read and ignored.)
        match stream.conn.read_tls(&mut stream.sock) {
            Ok(0) => break,
            Ok(_) => match stream.conn.process_new_packets() {
                Ok(state) if state.plaintext_bytes_to_read() == 0 && !state.peer_has_closed() => {}
                _ => break,
            },
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
        assert!(
            started.elapsed() < deadline * 3,
            "a trickled record holds its connection"
        );
    }
    let answered = started.elapsed();
    assert!(
        answered >= deadline - Duration::from_millis(500) && answered < deadline * 2,
        "cut at the deadline: {answered:?}"
    );

    // A handshake that never comes (TCP only) and one that stops half way
    // are dropped at the deadline, and meanwhile a kiosk gets through.
    let mut silent = TcpStream::connect(console.addr()).expect("connect");
    let mut half = TcpStream::connect(console.addr()).expect("connect");
    // The first bytes of a ClientHello record.
    half.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .expect("send");
    let kiosk = pinned_client(&console, &cert);
    let asked = Instant::now();
    kiosk
        .deliver(&new_call("during stalled handshakes"))
        .expect("a kiosk's call gets through");
    assert!(asked.elapsed() < Duration::from_secs(1));
    for stream in [&mut silent, &mut half] {
        stream
            .set_read_timeout(Some(deadline * 3))
            .expect("timeout");
        let waited = Instant::now();
        let mut byte = [0u8; 1];
        // Closed (or reset) by the console, not by this read's timeout.
        loop {
            match stream.read(&mut byte) {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
        assert!(
            waited.elapsed() < deadline * 2,
            "a stalled handshake holds its connection for {:?}",
            waited.elapsed()
        );
    }
}

#[test]
fn a_server_trickling_its_handshake_does_not_hold_the_kiosk() {
    // Not the console: it cannot finish a handshake with the pinned
    // certificate, but it could keep the kiosk's deliverer waiting by
    // sending a record's bytes one at a time.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let trickler = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            // A handshake record announcing 16 000 bytes, then a byte at a
            // time for 20 s.
            let _ = stream.write_all(&[0x16, 0x03, 0x03, 0x3e, 0x80]);
            for _ in 0..100 {
                if stream.write_all(&[0x02]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    });
    let kiosk = ConsoleClient::pinned(
        &format!("https://{addr}"),
        key(),
        Duration::from_secs(2),
        Some(&cert().fingerprint()),
    )
    .expect("client");
    let asked = Instant::now();
    assert!(kiosk.calls(false).is_err());
    let waited = asked.elapsed();
    assert!(
        waited < Duration::from_secs(4),
        "held for {waited:?} (timeout 2 s)"
    );
    drop(trickler);
}
