//! The kiosk's link against a real console on loopback: a call delivered
//! and followed to the handback, the console down and back, calls saved by
//! an earlier run, withdrawal, a replaced console database, a wrong key and
//! a drifted clock. Waits poll with a deadline; nothing asserts a time.

use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::*;
use crate::console::tests::handoff;
use crate::console::{Console, ConsoleConfig};

const KEY: &str = "store-key-for-tests-0123";
const DEADLINE: Duration = Duration::from_secs(30);

fn key() -> StoreKey {
    StoreKey::new(KEY).expect("test key")
}

fn console_at(listen: &str, db: &Path) -> Console {
    Console::start(ConsoleConfig::new(listen, db, key())).expect("console starts")
}

fn link_config(url: &str) -> LinkConfig {
    let mut config = LinkConfig::new(url, key(), KioskInfo::new(None, "Kiosk 1", "Entrance"));
    config.retry_initial = Duration::from_millis(50);
    config.retry_max = Duration::from_millis(300);
    config.request_timeout = Duration::from_secs(2);
    config.watch_wait = Duration::from_secs(5);
    config
}

/// A loopback port nobody listens on (yet).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The next event about each of `calls` (in any order), within the
/// deadline.
fn next_each(rx: &Receiver<CallEvent>, calls: &[CallId]) -> Vec<CallStatus> {
    let until = Instant::now() + DEADLINE;
    let mut seen: Vec<Option<CallStatus>> = vec![None; calls.len()];
    while seen.iter().any(Option::is_none) {
        let left = until.saturating_duration_since(Instant::now());
        let event = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no news of every call within {DEADLINE:?}: {seen:?}"));
        if let Some(i) = calls.iter().position(|c| c == &event.call)
            && seen[i].is_none()
        {
            seen[i] = Some(event.status);
        }
    }
    seen.into_iter().flatten().collect()
}

/// The next event about `call`, within the deadline.
fn next(rx: &Receiver<CallEvent>, call: &CallId) -> CallStatus {
    let until = Instant::now() + DEADLINE;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(event) if &event.call == call => return event.status,
            Ok(_) => continue,
            Err(_) => panic!("no event for call {call} within {DEADLINE:?}"),
        }
    }
}

fn console_client(console: &Console) -> ConsoleClient {
    ConsoleClient::new(&console.url(), key(), Duration::from_secs(5)).expect("client")
}

/// A link to a console address where nothing listens yet, and that
/// address (for starting the console later).
fn link_to_free_port(dir: &Path) -> (String, StaffLink) {
    let listen = format!("127.0.0.1:{}", free_port());
    let link = StaffLink::start(link_config(&format!("http://{listen}")), dir).expect("link");
    (listen, link)
}

#[test]
fn a_call_is_delivered_followed_and_handed_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = console_at("127.0.0.1:0", &dir.path().join("console.sqlite"));
    let link = StaffLink::start(link_config(&console.url()), dir.path()).expect("link");
    let rx = link.events();
    let id = link.call(&handoff("running shoes, size 9")).expect("call");
    assert_eq!(next(&rx, &id), CallStatus::Delivered);

    let staff = console_client(&console);
    let at_console = staff.call(&id).expect("the console has it");
    assert_eq!(at_console.kiosk.location, "Entrance");
    staff
        .set_state(&id, CallState::OnTheWay, Some("Anna"))
        .expect("on the way");
    let status = next(&rx, &id);
    assert_eq!(status, CallStatus::OnTheWay { by: "Anna".into() });
    assert_eq!(status.message(Lang::Nl), "Anna is onderweg.");
    staff
        .set_state(&id, CallState::Resolved, Some("Anna"))
        .expect("resolved");
    let status = next(&rx, &id);
    assert_eq!(status, CallStatus::Resolved { by: "Anna".into() });
    assert_eq!(
        status.message(Lang::En),
        "Thank you! Is there anything else I can help you with?"
    );
    assert_eq!(
        link.status(&id).expect("status"),
        Some(CallStatus::Resolved { by: "Anna".into() })
    );
    assert_eq!(link.queued().expect("queued"), 0);
}

#[test]
fn the_console_is_down_then_comes_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (listen, link) = link_to_free_port(dir.path());
    let rx = link.events();
    let ids: Vec<CallId> = (0..3)
        .map(|i| link.call(&handoff(&format!("call {i}"))).expect("call"))
        .collect();
    for status in next_each(&rx, &ids) {
        match status {
            CallStatus::Queued { error } => assert!(error.contains("unreachable"), "{error}"),
            other => panic!("expected queued, got {other:?}"),
        }
    }
    assert_eq!(link.queued().expect("queued"), 3);
    assert_eq!(
        CallStatus::Queued {
            error: String::new()
        }
        .message(Lang::En),
        "I can't reach the staff right now. Please ask at the counter; staff will be notified as soon as the connection returns."
    );

    let console = console_at(&listen, &dir.path().join("console.sqlite"));
    assert_eq!(next_each(&rx, &ids), vec![CallStatus::Delivered; 3]);
    let calls = console_client(&console).calls(true).expect("list");
    assert_eq!(calls.len(), 3, "each call delivered once");
    assert_eq!(link.queued().expect("queued"), 0);
}

#[test]
fn calls_saved_by_an_earlier_run_are_delivered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let listen = format!("127.0.0.1:{}", free_port());
    let url = format!("http://{listen}");
    let link = StaffLink::start(link_config(&url), dir.path()).expect("link");
    let rx = link.events();
    let id = link.call(&handoff("saved")).expect("call");
    assert!(matches!(next(&rx, &id), CallStatus::Queued { .. }));
    link.shutdown();

    let console = console_at(&listen, &dir.path().join("console.sqlite"));
    let link = StaffLink::start(link_config(&url), dir.path()).expect("link again");
    let rx = link.events();
    assert_eq!(next(&rx, &id), CallStatus::Delivered);
    assert_eq!(
        console_client(&console).calls(false).expect("list").len(),
        1
    );
}

#[test]
fn a_call_can_be_withdrawn() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (listen, link) = link_to_free_port(dir.path());
    let rx = link.events();
    // Withdrawn while queued: never sent.
    let queued = link.call(&handoff("never mind")).expect("call");
    assert!(matches!(next(&rx, &queued), CallStatus::Queued { .. }));
    link.cancel(&queued).expect("cancel");
    assert_eq!(next(&rx, &queued), CallStatus::Cancelled);

    let console = console_at(&listen, &dir.path().join("console.sqlite"));
    let sent = link.call(&handoff("help")).expect("call");
    assert_eq!(next(&rx, &sent), CallStatus::Delivered);
    link.cancel(&sent).expect("cancel");
    assert_eq!(next(&rx, &sent), CallStatus::Cancelled);
    let calls = console_client(&console).calls(true).expect("list");
    assert_eq!(calls.len(), 1, "the queued call never reached the console");
    assert_eq!(calls[0].state, CallState::Cancelled);
}

#[test]
fn a_replaced_console_database_gets_open_calls_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let listen = format!("127.0.0.1:{}", free_port());
    let console = console_at(&listen, &dir.path().join("first.sqlite"));
    let link =
        StaffLink::start(link_config(&format!("http://{listen}")), dir.path()).expect("link");
    let rx = link.events();
    let id = link.call(&handoff("still waiting")).expect("call");
    assert_eq!(next(&rx, &id), CallStatus::Delivered);
    console.stop();

    let console = console_at(&listen, &dir.path().join("second.sqlite"));
    assert_eq!(next(&rx, &id), CallStatus::Delivered);
    let calls = console_client(&console).calls(false).expect("list");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].id, id);
}

#[test]
fn a_wrong_key_keeps_the_call_queued() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = console_at("127.0.0.1:0", &dir.path().join("console.sqlite"));
    let mut config = link_config(&console.url());
    config.key = StoreKey::new("some-other-store-key").expect("key");
    let link = StaffLink::start(config, dir.path()).expect("link");
    let rx = link.events();
    let id = link.call(&handoff("help")).expect("call");
    match next(&rx, &id) {
        CallStatus::Queued { error } => assert!(error.contains("refused"), "{error}"),
        other => panic!("expected queued, got {other:?}"),
    }
    assert!(
        console_client(&console)
            .calls(true)
            .expect("list")
            .is_empty()
    );
}

/// A machine on the LAN posing as the console: it answers every delivery
/// and every watch with the call "resolved" by Mallory, either unsigned or
/// signed with a key that is not the store's. Returns its address and a
/// flag that stops it.
fn spoofed_console(
    sign_with: Option<StoreKey>,
) -> (String, Arc<std::sync::atomic::AtomicBool>, JoinHandle<()>) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicBool, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = Arc::clone(&stop);
    let known: Mutex<Vec<crate::call::NewCall>> = Mutex::new(Vec::new());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stopping.load(Ordering::SeqCst) {
                return;
            }
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let mut data = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head, body) = loop {
                let Ok(n) = stream.read(&mut chunk) else {
                    break (String::new(), Vec::new());
                };
                if n == 0 {
                    break (String::new(), Vec::new());
                }
                data.extend_from_slice(&chunk[..n]);
                if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&data[..end]).to_string();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            let (n, v) = l.split_once(':')?;
                            n.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    let mut body = data[end + 4..].to_vec();
                    while body.len() < length {
                        match stream.read(&mut chunk) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => body.extend_from_slice(&chunk[..n]),
                        }
                    }
                    break (head, body);
                }
            };
            let mut lines = head.lines();
            let mut first = lines.next().unwrap_or_default().split(' ');
            let (method, path) = (
                first.next().unwrap_or_default().to_string(),
                first.next().unwrap_or_default().to_string(),
            );
            let auth = lines.find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case("authorization")
                    .then(|| v.trim().to_string())
            });
            if let Ok(call) = serde_json::from_slice::<crate::call::NewCall>(&body) {
                known.lock().expect("lock").push(call);
            }
            let resolved = |call: &crate::call::NewCall| crate::call::CallRecord {
                id: call.id.clone(),
                kiosk: call.kiosk.clone(),
                handoff: call.handoff.clone(),
                created_at: call.created_at,
                received_at: jiff::Timestamp::now(),
                state: CallState::Resolved,
                on_the_way: None,
                closed: Some(crate::call::Stamp {
                    by: "Mallory".into(),
                    at: jiff::Timestamp::now(),
                }),
                version: 7,
            };
            let calls: Vec<_> = known.lock().expect("lock").iter().map(resolved).collect();
            let (status, reply) = if path == "/api/calls" {
                let call = calls.last().cloned().expect("a delivered call");
                (
                    201,
                    serde_json::to_vec(&crate::call::Delivered {
                        created: true,
                        call,
                    }),
                )
            } else {
                (
                    200,
                    serde_json::to_vec(&crate::call::WatchReply {
                        version: 7,
                        calls,
                        missing: Vec::new(),
                    }),
                )
            };
            let reply = reply.expect("json");
            let mut head = format!(
                "HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                reply.len()
            );
            if let (Some(key), Some(header)) = (
                &sign_with,
                auth.as_deref()
                    .and_then(|a| crate::auth::SignedHeader::parse(a).ok()),
            ) {
                let sig = crate::auth::sign_reply(key, status, &method, &path, &header, &reply);
                head.push_str(&format!("X-Kiosk-Reply-Signature: {sig}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&reply);
        }
    });
    (addr, stop, handle)
}

#[test]
fn a_spoofed_console_cannot_fake_resolved() {
    for sign_with in [
        None,
        Some(StoreKey::new("the-spoofers-own-key-42").expect("key")),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (addr, stop, spoof) = spoofed_console(sign_with.clone());
        let link =
            StaffLink::start(link_config(&format!("http://{addr}")), dir.path()).expect("link");
        let rx = link.events();
        let id = link.call(&handoff("help")).expect("call");
        // The spoof's "resolved" is not the console's: the call waits.
        match next(&rx, &id) {
            CallStatus::Queued { error } => {
                assert!(error.contains("signature"), "{error}")
            }
            other => panic!("a spoofed reply was believed ({sign_with:?}): {other:?}"),
        }
        std::thread::sleep(Duration::from_millis(500));
        while let Ok(event) = rx.try_recv() {
            assert!(
                !matches!(
                    event.status,
                    CallStatus::Resolved { .. }
                        | CallStatus::OnTheWay { .. }
                        | CallStatus::Delivered
                ),
                "{event:?}"
            );
        }
        assert!(matches!(
            link.status(&id).expect("status"),
            Some(CallStatus::Queued { .. })
        ));
        assert_eq!(link.queued().expect("queued"), 1);
        // The real console takes the address: the call arrives, open.
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(&addr);
        spoof.join().expect("spoof ends");
        let console = console_at(&addr, &dir.path().join("console.sqlite"));
        assert_eq!(next(&rx, &id), CallStatus::Delivered);
        let at_console = console_client(&console)
            .call(&id)
            .expect("the console has it");
        assert_eq!(at_console.state, CallState::Open);
    }
}

#[test]
fn a_drifted_clock_is_corrected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = console_at("127.0.0.1:0", &dir.path().join("console.sqlite"));
    let client = console_client(&console);
    client.set_clock_offset(-3600);
    assert!(client.calls(false).expect("corrected").is_empty());
}

#[test]
fn events_before_anyone_listens_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = console_at("127.0.0.1:0", &dir.path().join("console.sqlite"));
    let link = StaffLink::start(link_config(&console.url()), dir.path()).expect("link");
    let id = link.call(&handoff("early")).expect("call");
    let until = Instant::now() + DEADLINE;
    while link.status(&id).expect("status") != Some(CallStatus::Delivered) {
        assert!(Instant::now() < until, "not delivered in time");
        std::thread::sleep(Duration::from_millis(20));
    }
    let rx = link.events();
    assert_eq!(next(&rx, &id), CallStatus::Delivered);
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = link_config("http://127.0.0.1:9");
    config.retry_initial = Duration::from_millis(100);
    config.retry_max = Duration::from_millis(1000);
    let link = StaffLink::start(config, dir.path()).expect("link");
    let check = |attempts: u32, base_ms: f64| {
        let ms = link.shared.backoff(attempts).as_secs_f64() * 1000.0;
        assert!(
            (base_ms * 0.8 - 1.0..=base_ms * 1.2 + 1.0).contains(&ms),
            "attempt {attempts}: {ms} ms"
        );
    };
    check(1, 100.0);
    check(2, 200.0);
    check(4, 800.0);
    check(5, 1000.0);
    check(40, 1000.0);
}

#[test]
fn a_call_never_delivered_expires() {
    let dir = tempfile::tempdir().expect("tempdir");
    let listen = format!("127.0.0.1:{}", free_port());
    let mut config = link_config(&format!("http://{listen}"));
    config.expire_after = Duration::from_millis(300);
    let link = StaffLink::start(config, dir.path()).expect("link");
    let rx = link.events();
    let id = link.call(&handoff("long ago")).expect("call");
    assert!(matches!(next(&rx, &id), CallStatus::Queued { .. }));
    match next(&rx, &id) {
        CallStatus::Failed { error } => assert!(error.contains("expired"), "{error}"),
        other => panic!("expected failed, got {other:?}"),
    }
    let console = console_at(&listen, &dir.path().join("console.sqlite"));
    let fresh = link.call(&handoff("now")).expect("call");
    assert_eq!(next(&rx, &fresh), CallStatus::Delivered);
    assert_eq!(console_client(&console).calls(true).expect("list").len(), 1);
}

#[test]
fn failed_calls_forget_the_shoppers_words_after_the_retention() {
    // Issue 15: the outbox kept the last messages of calls that failed or
    // expired for ever; they are dropped once `forget_words_after` passes.
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = outbox::Outbox::open(dir.path()).expect("outbox");
    let now = jiff::Timestamp::now();
    let call = |words: &str| crate::call::NewCall {
        id: CallId::random(),
        kiosk: KioskInfo::new(None, "Kiosk 1", "Entrance"),
        created_at: now,
        handoff: handoff(words),
    };
    let old_failed = call("old failed");
    let new_failed = call("new failed");
    let queued = call("still queued");
    for c in [&old_failed, &new_failed, &queued] {
        outbox.add(c).expect("add");
    }
    outbox.failed(&old_failed.id, "expired").expect("fail");
    outbox.failed(&new_failed.id, "expired").expect("fail");
    let two_days_ago = now
        .checked_sub(jiff::SignedDuration::from_hours(48))
        .expect("in range");
    outbox
        .connection()
        .execute(
            "UPDATE staff_calls SET status_at = ?2 WHERE id = ?1",
            rusqlite::params![old_failed.id.as_str(), two_days_ago.to_string()],
        )
        .expect("age the call");
    let words = |id: &CallId| -> Vec<String> {
        let json: String = outbox
            .connection()
            .query_row(
                "SELECT call FROM staff_calls WHERE id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .expect("row");
        serde_json::from_str::<crate::call::NewCall>(&json)
            .expect("json")
            .handoff
            .last_messages
    };
    let cutoff = now
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .expect("in range");
    let made_cutoff = now
        .checked_sub(jiff::SignedDuration::from_hours(36))
        .expect("in range");
    assert_eq!(outbox.forget_words(cutoff, made_cutoff).expect("forget"), 1);
    assert!(words(&old_failed.id).is_empty(), "old failed call scrubbed");
    assert!(!words(&new_failed.id).is_empty(), "recent failure kept");
    assert!(!words(&queued.id).is_empty(), "queued call untouched");
    // Nothing left to forget: a second pass changes nothing.
    assert_eq!(outbox.forget_words(cutoff, made_cutoff).expect("forget"), 0);
    // With no retention at all, every ended call is scrubbed.
    assert_eq!(
        outbox
            .forget_words(now + jiff::SignedDuration::from_secs(1), made_cutoff)
            .expect("forget"),
        1
    );
    assert!(words(&new_failed.id).is_empty());
    assert!(!words(&queued.id).is_empty());
}

#[test]
fn no_call_keeps_the_shoppers_words_or_its_row_beyond_the_policy() {
    // Issue 15: a call delivered to a console that then went away for good
    // stayed "open" on the kiosk, its last messages kept for ever; and
    // ended calls were never deleted.
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = outbox::Outbox::open(dir.path()).expect("outbox");
    let now = jiff::Timestamp::now();
    let ago = |hours: i64| {
        now.checked_sub(jiff::SignedDuration::from_hours(hours))
            .expect("in range")
    };
    let call = |words: &str, made: jiff::Timestamp| crate::call::NewCall {
        id: CallId::random(),
        kiosk: KioskInfo::new(None, "Kiosk 1", "Entrance"),
        created_at: made,
        handoff: handoff(words),
    };
    let stranded = call("console gone", ago(72));
    let open_now = call("console has it", ago(1));
    let long_failed = call("failed long ago", ago(24 * 40));
    let recent_failed = call("failed lately", ago(30));
    for c in [&stranded, &open_now, &long_failed, &recent_failed] {
        outbox.add(c).expect("add");
    }
    let set = |id: &CallId, status: &str, at: jiff::Timestamp| {
        outbox
            .connection()
            .execute(
                "UPDATE staff_calls SET status = ?2, status_at = ?3 WHERE id = ?1",
                rusqlite::params![id.as_str(), status, at.to_string()],
            )
            .expect("set status");
    };
    set(&stranded.id, "open", ago(71));
    set(&open_now.id, "open", ago(1));
    set(&long_failed.id, "failed", ago(24 * 39));
    set(&recent_failed.id, "failed", ago(29));
    let count = || -> i64 {
        outbox
            .connection()
            .query_row("SELECT COUNT(*) FROM staff_calls", [], |r| r.get(0))
            .expect("count")
    };
    let words = |id: &CallId| -> Option<Vec<String>> {
        let json: Option<String> = outbox
            .connection()
            .query_row(
                "SELECT call FROM staff_calls WHERE id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .ok();
        json.map(|j| {
            serde_json::from_str::<crate::call::NewCall>(&j)
                .expect("json")
                .handoff
                .last_messages
        })
    };
    // The defaults: words 24 h after the end, or 12 h + 24 h after the call
    // was made while it is still under way; rows 30 days after the end.
    let config = LinkConfig::new(
        "http://127.0.0.1:9",
        StoreKey::new("the-store-secret-for-tests").expect("key"),
        KioskInfo::new(None, "Kiosk 1", "Entrance"),
    );
    let before = |d: Duration| {
        now.checked_sub(jiff::SignedDuration::try_from(d).unwrap())
            .unwrap()
    };
    let forgotten = outbox
        .forget_words(
            before(config.forget_words_after),
            before(config.expire_after + config.forget_words_after),
        )
        .expect("forget");
    assert_eq!(forgotten, 3, "stranded, long failed, recent failed");
    assert_eq!(words(&stranded.id), Some(Vec::new()));
    assert_eq!(words(&recent_failed.id), Some(Vec::new()));
    assert_eq!(
        words(&open_now.id).map(|w| w.len()),
        Some(1),
        "a call under way at a live console keeps what staff need"
    );
    let deleted = outbox
        .delete_ended(before(config.keep_ended_after))
        .expect("delete");
    assert_eq!(deleted, 1);
    assert_eq!(words(&long_failed.id), None, "the row is gone");
    assert_eq!(count(), 3);
    assert_eq!(
        outbox
            .delete_ended(before(config.keep_ended_after))
            .expect("again"),
        0
    );
}
