//! The console over real HTTP on loopback: authentication, idempotent
//! delivery, the state machine, kiosks' watches, staff sessions and their
//! event stream, analytics, and a restart that keeps open calls.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use kiosk_core::Lang;
use kiosk_core::assistant::{EscalationReason, Handoff, HandoffProduct};

use super::*;
use crate::analytics::Figures;
use crate::call::{AnalyticsPush, CallId, CallState, KioskInfo, NewCall, WatchRequest};
use crate::client::ConsoleClient;

const KEY: &str = "store-key-for-tests-0123";

fn key() -> StoreKey {
    StoreKey::new(KEY).expect("test key")
}

fn start(db: &std::path::Path) -> Console {
    Console::start(ConsoleConfig::new("127.0.0.1:0", db, key())).expect("console starts")
}

fn client(console: &Console) -> ConsoleClient {
    ConsoleClient::new(&console.url(), key(), Duration::from_secs(5)).expect("client")
}

pub(crate) fn handoff(wants: &str) -> Handoff {
    Handoff {
        language: Lang::Nl,
        reason: EscalationReason::Requested,
        wants: wants.to_string(),
        products: vec![HandoffProduct {
            id: "velora-stride-3".into(),
            title: "Velora Stride 3".into(),
            size: Some("9".into()),
            color: Some("black".into()),
        }],
        checked: vec!["Velora Stride 3 (size 9, black): out of stock".into()],
        last_messages: vec!["hebben jullie deze in maat 9?".into()],
    }
}

fn new_call(wants: &str) -> NewCall {
    NewCall {
        id: CallId::random(),
        kiosk: KioskInfo::new(None, "Kiosk 1", "Entrance"),
        created_at: jiff::Timestamp::now(),
        handoff: handoff(wants),
    }
}

/// A plain HTTP request; returns status, headers and body.
fn raw(
    console: &Console,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(console.addr()).expect("connect");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("send");
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut reader, &mut rest);
    (status, head, rest)
}

fn signed_header(method: &str, path: &str, body: &str) -> String {
    crate::auth::authorization(
        &key(),
        method,
        path,
        body.as_bytes(),
        jiff::Timestamp::now().as_second(),
    )
}

/// Signs in as `name`; returns the session cookie.
fn sign_in(console: &Console, name: &str) -> String {
    let body = format!(r#"{{"staff":"{name}"}}"#);
    let auth = signed_header("POST", "/api/session", &body);
    let (status, head, _) = raw(
        console,
        "POST",
        "/api/session",
        &[("Authorization", &auth)],
        &body,
    );
    assert_eq!(status, 200);
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: "))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    cookie.split(';').next().expect("name=value").to_string()
}

#[test]
fn unauthenticated_requests_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = start(&dir.path().join("console.sqlite"));
    let body = serde_json::to_string(&new_call("hello")).expect("json");
    for (method, path, body) in [
        ("GET", "/api/calls", ""),
        ("POST", "/api/calls", body.as_str()),
        ("GET", "/api/events", ""),
        ("POST", "/api/session", r#"{"staff":"Mallory"}"#),
        ("GET", "/api/analytics", ""),
    ] {
        let (status, head, _) = raw(&console, method, path, &[], body);
        assert_eq!(status, 401, "{method} {path}");
        assert!(head.contains("WWW-Authenticate: Kiosk-HMAC-SHA256"));
        let other = StoreKey::new("not-the-store-key-at-all").expect("key");
        let forged = crate::auth::authorization(
            &other,
            method,
            path,
            body.as_bytes(),
            jiff::Timestamp::now().as_second(),
        );
        let (status, _, _) = raw(&console, method, path, &[("Authorization", &forged)], body);
        assert_eq!(status, 401, "{method} {path} with another key");
        let (status, _, _) = raw(
            &console,
            method,
            path,
            &[("Cookie", "kiosk_staff=0123456789abcdef")],
            body,
        );
        assert_eq!(status, 401, "{method} {path} with a made-up session");
    }
    // A replayed request is refused too.
    let auth = signed_header("GET", "/api/calls", "");
    assert_eq!(
        raw(
            &console,
            "GET",
            "/api/calls",
            &[("Authorization", &auth)],
            ""
        )
        .0,
        200
    );
    assert_eq!(
        raw(
            &console,
            "GET",
            "/api/calls",
            &[("Authorization", &auth)],
            ""
        )
        .0,
        401
    );
    // A stale one says the console's time.
    let old = crate::auth::authorization(
        &key(),
        "GET",
        "/api/calls",
        b"",
        jiff::Timestamp::now().as_second() - 3600,
    );
    let (status, _, body) = raw(
        &console,
        "GET",
        "/api/calls",
        &[("Authorization", &old)],
        "",
    );
    assert_eq!(status, 401);
    assert!(body.contains(r#""stale":true"#), "{body}");
    // Nothing was created by any of it.
    assert!(client(&console).calls(true).expect("list").is_empty());
    // The page itself carries no data and needs no key.
    let (status, head, page) = raw(&console, "GET", "/", &[], "");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Security-Policy"));
    assert!(page.contains("Staff calls"));
}

#[test]
fn delivery_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = start(&dir.path().join("console.sqlite"));
    let client = client(&console);
    let call = new_call("running shoes, size 9");
    let first = client.deliver(&call).expect("deliver");
    assert!(first.created);
    assert_eq!(first.call.state, CallState::Open);
    let again = client.deliver(&call).expect("deliver again");
    assert!(!again.created);
    assert_eq!(again.call, first.call);
    let calls = client.calls(false).expect("list");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].kiosk.name, "Kiosk 1");
    assert_eq!(calls[0].handoff.products[0].size.as_deref(), Some("9"));
}

#[test]
fn calls_move_open_on_the_way_resolved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = start(&dir.path().join("console.sqlite"));
    let client = client(&console);
    let call = new_call("a rain jacket in L");
    client.deliver(&call).expect("deliver");
    let otw = client
        .set_state(&call.id, CallState::OnTheWay, Some("Anna"))
        .expect("on the way");
    assert_eq!(otw.state, CallState::OnTheWay);
    assert_eq!(otw.on_the_way.as_ref().map(|s| s.by.as_str()), Some("Anna"));
    // A double tap changes nothing.
    let twice = client
        .set_state(&call.id, CallState::OnTheWay, Some("Ben"))
        .expect("again");
    assert_eq!(twice.version, otw.version);
    let done = client
        .set_state(&call.id, CallState::Resolved, Some("Anna"))
        .expect("resolved");
    assert_eq!(done.closed.as_ref().map(|s| s.by.as_str()), Some("Anna"));
    assert!(
        done.handoff.last_messages.is_empty(),
        "shopper's words dropped once closed"
    );
    let back = client.set_state(&call.id, CallState::OnTheWay, None);
    assert!(
        matches!(back, Err(Error::Rejected { status: 409, .. })),
        "{back:?}"
    );
    assert!(client.calls(false).expect("open calls").is_empty());
    assert_eq!(client.calls(true).expect("all calls").len(), 1);
    let unknown = client.set_state(&CallId::random(), CallState::Resolved, None);
    assert!(matches!(unknown, Err(Error::Rejected { status: 404, .. })));
}

#[test]
fn a_watch_wakes_when_a_call_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = start(&dir.path().join("console.sqlite"));
    let client = client(&console);
    let call = new_call("help");
    let delivered = client.deliver(&call).expect("deliver");
    let request = |since| WatchRequest {
        kiosk: call.kiosk.id.clone(),
        ids: vec![call.id.clone()],
        since,
        wait_ms: 20_000,
    };
    // Nothing seen yet: answered at once.
    let first = client.watch(&request(0)).expect("watch");
    assert_eq!(first.version, delivered.call.version);
    let url = console.url();
    let id = call.id.clone();
    let staff = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let client = ConsoleClient::new(&url, key(), Duration::from_secs(5)).expect("client");
        client
            .set_state(&id, CallState::OnTheWay, Some("Anna"))
            .expect("on the way");
    });
    let news = client.watch(&request(first.version)).expect("watch");
    staff.join().expect("staff thread");
    assert_eq!(news.calls.len(), 1);
    assert_eq!(news.calls[0].state, CallState::OnTheWay);
    // An id the console never saw is reported missing.
    let mut unknown = request(news.version);
    unknown.ids.push(CallId::random());
    assert_eq!(client.watch(&unknown).expect("watch").missing.len(), 1);
}

#[test]
fn open_calls_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("console.sqlite");
    let console = start(&db);
    let first = new_call("first");
    let second = new_call("second");
    let c = client(&console);
    c.deliver(&first).expect("deliver");
    c.deliver(&second).expect("deliver");
    let resolved = c
        .set_state(&second.id, CallState::Resolved, None)
        .expect("resolve");
    console.stop();

    let console = start(&db);
    let c = client(&console);
    let open = c.calls(false).expect("open calls");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].id, first.id);
    // The change counter carries on; a retried delivery is still known.
    assert!(!c.deliver(&first).expect("redeliver").created);
    let later = c
        .set_state(&first.id, CallState::OnTheWay, None)
        .expect("on the way");
    assert!(later.version > resolved.version);
}

#[test]
fn staff_pages_sign_in_and_follow_the_stream() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = start(&dir.path().join("console.sqlite"));
    let cookie = sign_in(&console, "Anna");
    let (status, _, body) = raw(&console, "GET", "/api/session", &[("Cookie", &cookie)], "");
    assert_eq!(status, 200);
    assert!(body.contains(r#""staff":"Anna""#), "{body}");

    let mut stream = TcpStream::connect(console.addr()).expect("connect");
    write!(
        stream,
        "GET /api/events HTTP/1.1\r\nHost: test\r\nCookie: {cookie}\r\n\r\n"
    )
    .expect("send");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut events = BufReader::new(stream);
    let mut next_event = || {
        let mut name = String::new();
        let mut data = String::new();
        loop {
            let mut line = String::new();
            events.read_line(&mut line).expect("a line of the stream");
            let line = line.trim_end();
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d.to_string();
            } else if line.is_empty() && !name.is_empty() {
                return (name, data);
            }
        }
    };
    let (name, data) = next_event();
    assert_eq!(name, "snapshot");
    assert!(data.contains(r#""calls":[]"#), "{data}");

    let call = new_call("socks in M");
    client(&console).deliver(&call).expect("deliver");
    let (name, data) = next_event();
    assert_eq!(name, "call");
    assert!(data.contains("socks in M"));

    // A staff member's tap, with the page's header, is stamped with their
    // name; without it (a cross-site form) it is refused.
    let path = format!("/api/calls/{}/state", call.id);
    let body = r#"{"state":"on_the_way","by":"someone else"}"#;
    let (status, _, _) = raw(&console, "POST", &path, &[("Cookie", &cookie)], body);
    assert_eq!(status, 403);
    let (status, _, reply) = raw(
        &console,
        "POST",
        &path,
        &[("Cookie", &cookie), ("X-Kiosk-Console", "1")],
        body,
    );
    assert_eq!(status, 200, "{reply}");
    let (name, data) = next_event();
    assert_eq!(name, "call");
    assert!(data.contains(r#""by":"Anna""#), "{data}");

    // Signing out ends the session.
    let (status, _, _) = raw(
        &console,
        "DELETE",
        "/api/session",
        &[("Cookie", &cookie), ("X-Kiosk-Console", "1")],
        "",
    );
    assert_eq!(status, 200);
    let (status, _, _) = raw(&console, "GET", "/api/calls", &[("Cookie", &cookie)], "");
    assert_eq!(status, 401);
}

#[test]
fn kiosks_send_their_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("console.sqlite");
    let console = start(&db);
    let push = AnalyticsPush {
        kiosk: KioskInfo::new(None, "Kiosk 2", "Shoes"),
        figures: Figures {
            sessions: 12,
            ..Figures::default()
        },
    };
    client(&console).push_analytics(&push).expect("push");
    console.stop();
    let console = start(&db);
    let kiosks = client(&console).analytics().expect("list");
    assert_eq!(kiosks.len(), 1);
    assert_eq!(kiosks[0].kiosk.id, "kiosk-2");
    assert_eq!(kiosks[0].figures.sessions, 12);
}

#[test]
fn bad_requests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = start(&dir.path().join("console.sqlite"));
    let body = r#"{"id":"not valid!"}"#;
    let auth = signed_header("POST", "/api/calls", body);
    let (status, _, _) = raw(
        &console,
        "POST",
        "/api/calls",
        &[("Authorization", &auth)],
        body,
    );
    assert_eq!(status, 400);
    let big = "x".repeat(260 * 1024);
    let auth = signed_header("POST", "/api/calls", &big);
    let (status, _, _) = raw(
        &console,
        "POST",
        "/api/calls",
        &[("Authorization", &auth)],
        &big,
    );
    assert_eq!(status, 413);
    let (status, _, _) = raw(&console, "GET", "/nothing-here", &[], "");
    assert_eq!(status, 404);
}
