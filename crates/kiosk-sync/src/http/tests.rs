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
