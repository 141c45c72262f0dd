use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use super::*;

fn options() -> HttpOptions {
    HttpOptions {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_millis(300),
        attempts: 1,
        backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        transfer_deadline: Duration::from_secs(60),
        server_cert_sha256: None,
    }
}

/// A loopback server that hands its first `n` connections to `serve`.
fn server(n: usize, serve: impl Fn(TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n).flatten() {
            serve(stream);
        }
    });
    format!("http://{addr}/b.kbundle")
}

fn read_request(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = std::io::Read::read(stream, &mut buf);
}

fn source_error(result: Result<Fetched>) -> (String, bool) {
    match result {
        Err(Error::Source {
            message, retryable, ..
        }) => (message, retryable),
        Err(other) => panic!("expected a source error, got {other}"),
        Ok(_) => panic!("expected a source error, got a response"),
    }
}

#[test]
fn a_server_that_hangs_times_out_as_retryable() {
    let url = server(1, |mut s| {
        read_request(&mut s);
        std::thread::sleep(Duration::from_secs(2));
    });
    let (message, retryable) = source_error(Client::new(options()).get(&url, None));
    assert!(retryable);
    assert!(message.contains("timed out"), "{message}");
}

#[test]
fn a_body_that_stops_mid_way_errors_on_read() {
    let url = server(1, |mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        let _ = s.write_all(&[b'x'; 100]);
    });
    let Ok(Fetched::Body {
        mut reader, length, ..
    }) = Client::new(options()).get(&url, None)
    else {
        panic!("expected a body");
    };
    assert_eq!(length, Some(1000));
    let mut body = Vec::new();
    assert!(
        reader.read_to_end(&mut body).is_err(),
        "read {} bytes",
        body.len()
    );
}

#[test]
fn garbage_instead_of_http_is_a_retryable_failure() {
    let url = server(1, |mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"\x00\x01garbage that is not http\r\n\r\n");
    });
    let (_, retryable) = source_error(Client::new(options()).get(&url, None));
    assert!(retryable);
}

#[test]
fn statuses_say_whether_to_retry() {
    for (status, retry) in [(404, false), (403, false), (503, true), (429, true)] {
        let url = server(1, move |mut s| {
            read_request(&mut s);
            let _ = write!(s, "HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n");
        });
        let (message, retryable) = source_error(Client::new(options()).get(&url, None));
        assert_eq!(retryable, retry, "{status}: {message}");
        assert!(message.contains(&status.to_string()), "{message}");
    }
}

#[test]
fn nobody_listening_is_a_retryable_connection_failure() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}/b.kbundle");
    let (_, retryable) = source_error(Client::new(options()).get(&url, None));
    assert!(retryable);
}

#[test]
fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
    let o = options();
    for attempt in 0..8 {
        let wait = o.backoff_after(attempt);
        let base = (o.backoff * 2u32.pow(attempt)).min(o.max_backoff);
        assert!(
            wait >= base && wait <= base + base / 4,
            "{attempt}: {wait:?}"
        );
    }
}

#[test]
fn uploads_go_to_the_bundle_servers_uploads_folder() {
    assert_eq!(
        upload_base("http://store:8080/kiosk/b.kbundle").as_deref(),
        Some("http://store:8080/uploads/")
    );
    assert_eq!(upload_base("not a url"), None);
}

#[test]
fn a_server_trickling_bytes_is_cut_off_at_the_transfer_deadline() {
    // Issue 15: a server sending one byte just inside the per-read timeout
    // held the download, and the sync lock, for as long as it liked. Here
    // a byte every 100 ms (the per-read timeout is 300 ms) of a 10 000-byte
    // body would take 1 000 s; the 1.5 s deadline ends it.
    let url = server(1, |mut s| {
        read_request(&mut s);
        let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n");
        for _ in 0..10_000 {
            if s.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let client = Client::new(HttpOptions {
        transfer_deadline: Duration::from_millis(1500),
        ..options()
    });
    let started = std::time::Instant::now();
    let Fetched::Body { mut reader, .. } = client.get(&url, None).expect("headers arrive") else {
        panic!("expected a body");
    };
    let mut body = Vec::new();
    let err = std::io::Read::read_to_end(&mut reader, &mut body).expect_err("cut off");
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(3),
        "cut off after {elapsed:?} ({} bytes): {err}",
        body.len()
    );
    assert!(
        body.len() < 40,
        "{} bytes arrived before the deadline",
        body.len()
    );
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut, "{err}");
    assert!(
        err.to_string().contains("transfer_deadline_seconds"),
        "{err}"
    );
}

/// A loopback HTTPS server with a new self-signed certificate; its first
/// connection's TCP stream goes to `serve`. Returns the URL and the pin.
fn tls_server(
    serve: impl FnOnce(TcpStream, std::sync::Arc<rustls::ServerConfig>) + Send + 'static,
) -> (String, String) {
    let cert = kiosk_staff::tls::ConsoleCert::generate(&["localhost".into()]).expect("certificate");
    let config = cert.server_config().expect("server config");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        if let Some(Ok(stream)) = listener.incoming().next() {
            serve(stream, config);
        }
    });
    (format!("https://{addr}/b.kbundle"), cert.fingerprint())
}

#[test]
fn a_server_trickling_the_body_over_tls_is_cut_off_at_the_transfer_deadline() {
    // The deadline holds over TLS: the server proves its certificate, then
    // sends a byte every 100 ms (a record each) of a 10 000-byte body.
    let (url, pin) = tls_server(|stream, config| {
        let Some(mut conn) = kiosk_staff::lan::Conn::new(stream, Some(&config)) else {
            return;
        };
        if conn.read_head().is_err() {
            return;
        }
        let _ = conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n");
        for _ in 0..10_000 {
            if conn.send(b"x").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let client = Client::new(HttpOptions {
        transfer_deadline: Duration::from_millis(1500),
        server_cert_sha256: Some(pin),
        ..options()
    });
    let started = std::time::Instant::now();
    let Fetched::Body { mut reader, .. } = client.get(&url, None).expect("headers arrive") else {
        panic!("expected a body");
    };
    let mut body = Vec::new();
    let err = std::io::Read::read_to_end(&mut reader, &mut body).expect_err("cut off");
    let elapsed = started.elapsed();
    // The trickle would last 1 000 s.
    assert!(
        elapsed < Duration::from_secs(10),
        "cut off after {elapsed:?} ({} bytes): {err}",
        body.len()
    );
    assert!(body.len() < 40, "{} bytes arrived", body.len());
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut, "{err}");
    assert!(
        err.to_string().contains("transfer_deadline_seconds"),
        "{err}"
    );
}

#[test]
fn a_server_trickling_a_tls_record_is_cut_off_at_the_transfer_deadline() {
    // A record header announcing 16 KiB, then a byte every 100 ms: a reader
    // that waits for whole records (each socket read getting the whole
    // per-read timeout again) would wait 1 600 s.
    let (url, pin) = tls_server(|mut stream, _| {
        read_request(&mut stream);
        let _ = stream.write_all(&[0x16, 0x03, 0x03, 0x40, 0x00]);
        for _ in 0..16_384 {
            if stream.write_all(&[0x02]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let client = Client::new(HttpOptions {
        transfer_deadline: Duration::from_millis(1500),
        server_cert_sha256: Some(pin),
        ..options()
    });
    let started = std::time::Instant::now();
    let (message, retryable) = source_error(client.get(&url, None));
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}: {message}");
    assert!(retryable, "{message}");
    assert!(message.contains("transfer_deadline_seconds"), "{message}");
}
