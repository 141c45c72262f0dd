//! Staff calls (issue 8) with the real binaries: `kiosk staff-console`
//! refusing unauthenticated requests and keeping open calls across a
//! restart, `kiosk call-staff` while the console is down and after it
//! comes back, a handoff taken from `kiosk ask --json`, and `kiosk
//! analytics` over a known event log.

use crate::common_support::run_ok;
use crate::staff_support;

use std::process::Command;

use kiosk_catalog::local::LocalStore;
use kiosk_core::Lang;
use kiosk_core::assistant::{AnalyticsEvent, EscalationReason, Intent, LostDemand};
use kiosk_staff::CallState;
use staff_support::*;

#[test]
fn unauthenticated_requests_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = write_key(dir.path());
    let console = ConsoleProcess::start("127.0.0.1:0", &dir.path().join("c.sqlite"), &key_file);
    let status = |method: &str, path: &str, headers: &[(&str, &str)], body: &str| {
        console.request(method, path, headers, body).0
    };
    assert_eq!(status("GET", "/api/calls", &[], ""), 401);
    assert_eq!(status("GET", "/api/events", &[], ""), 401);
    assert_eq!(
        status(
            "POST",
            "/api/calls",
            &[("Content-Type", "application/json")],
            "{}"
        ),
        401
    );
    assert_eq!(
        status(
            "GET",
            "/api/calls",
            &[("Authorization", "Bearer test-store-key-0123456789")],
            ""
        ),
        401,
        "the key itself is no credential"
    );
    // The calls signed now with a store key: the wrong one is refused.
    let list_calls_signed_with = |key: &kiosk_staff::StoreKey| {
        let auth = kiosk_staff::auth::authorization(
            key,
            "GET",
            "/api/calls",
            b"",
            jiff::Timestamp::now().as_second(),
        );
        status("GET", "/api/calls", &[("Authorization", &auth)], "")
    };
    let wrong = kiosk_staff::StoreKey::new("a-different-store-key").expect("key");
    assert_eq!(list_calls_signed_with(&wrong), 401);
    assert_eq!(list_calls_signed_with(&key()), 200);
    assert_eq!(status("GET", "/", &[], ""), 200, "the page needs no key");
    // Plain HTTP to the console gets nothing: it speaks only TLS.
    let mut plain =
        std::net::TcpStream::connect(console.url.trim_start_matches("https://")).expect("connect");
    plain
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    std::io::Write::write_all(&mut plain, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    let mut reply = Vec::new();
    let _ = std::io::Read::read_to_end(&mut plain, &mut reply);
    assert!(!reply.starts_with(b"HTTP/1.1 200"), "served in clear");
}

#[test]
fn the_console_is_down_then_comes_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let cert = console_cert(&dir.path().join("console.sqlite"));
    let config = kiosk_config(dir.path(), &format!("https://127.0.0.1:{port}"), &cert);
    let call = CallStaff::start(&config, &["--lang", "nl", "ik wil een medewerker spreken"]);
    let queued = call.expect("queued");
    assert!(
        queued["message"]
            .as_str()
            .expect("message")
            .contains("Vraag het gerust aan de balie"),
        "{queued}"
    );

    let console = ConsoleProcess::start(
        &format!("127.0.0.1:{port}"),
        &dir.path().join("console.sqlite"),
        &dir.path().join("store.key"),
    );
    call.expect("delivered");
    let client = console.client();
    let calls = client.calls(true).expect("list");
    assert_eq!(calls.len(), 1, "delivered once");
    assert_eq!(calls[0].kiosk.name, "Kiosk 1");
    assert_eq!(calls[0].kiosk.location, "Entrance, by the fitting rooms");
    assert_eq!(calls[0].handoff.language, Lang::Nl);

    let tapped = std::time::Instant::now();
    client
        .set_state(&calls[0].id, CallState::OnTheWay, Some("Anna"))
        .expect("on the way");
    let otw = call.expect("on_the_way");
    println!(
        "\"On my way\" reached the kiosk {:.0} ms after the tap",
        tapped.elapsed().as_secs_f64() * 1000.0
    );
    assert_eq!(otw["by"], "Anna");
    assert_eq!(otw["message"], "Anna is onderweg.");
    client
        .set_state(&calls[0].id, CallState::Resolved, Some("Anna"))
        .expect("resolved");
    let done = call.expect("resolved");
    assert_eq!(
        done["message"],
        "Bedankt! Kan ik je nog ergens anders mee helpen?"
    );
    assert_eq!(call.finish(), 0);
}

#[test]
fn calls_queued_offline_are_delivered_once_by_the_next_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let cert = console_cert(&dir.path().join("console.sqlite"));
    let config = kiosk_config(dir.path(), &format!("https://127.0.0.1:{port}"), &cert);
    let first = CallStaff::start(&config, &["--no-wait", "first, while offline"]);
    first.expect("queued");
    assert_eq!(first.finish(), 1, "not delivered yet");

    let console = ConsoleProcess::start(
        &format!("127.0.0.1:{port}"),
        &dir.path().join("console.sqlite"),
        &dir.path().join("store.key"),
    );
    let second = CallStaff::start(&config, &["--no-wait", "second, online"]);
    second.expect("delivered");
    assert_eq!(second.finish(), 0);
    let client = console.client();
    wait_until("both calls at the console", || {
        client.calls(true).map(|c| c.len() >= 2).unwrap_or(false)
    });
    let mut wants: Vec<String> = client
        .calls(true)
        .expect("list")
        .into_iter()
        .map(|c| c.handoff.wants)
        .collect();
    wants.sort();
    assert_eq!(wants, ["first, while offline", "second, online"]);
}

#[test]
fn open_calls_survive_a_console_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = ConsoleHome::new(dir.path());
    let console = home.start();
    let config = kiosk_config(dir.path(), &console.url, &console.cert_sha256);
    let call = CallStaff::start(&config, &["--no-wait", "a jacket in size L"]);
    call.expect("delivered");
    assert_eq!(call.finish(), 0);
    console.kill();

    let console = home.start();
    let open = console.client().calls(false).expect("list");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].handoff.wants, "a jacket in size L");
    assert_eq!(open[0].state, CallState::Open);
}

#[test]
fn a_call_from_an_ask_reply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = write_key(dir.path());
    let console = ConsoleProcess::start("127.0.0.1:0", &dir.path().join("c.sqlite"), &key_file);
    let config = kiosk_config(dir.path(), &console.url, &console.cert_sha256);
    let reply = dir.path().join("reply.json");
    std::fs::write(
        &reply,
        r#"{"answer": "Ik roep een medewerker.", "escalate": true, "handoff": {
            "language": "nl", "reason": "requested",
            "wants": "Shopper asked for a staff member; looking for: running shoes, size 9, black",
            "products": [{"id": "velora-stride-3", "title": "Velora Stride 3", "size": "9", "color": "black"}],
            "checked": ["Velora Stride 3 (size 9, black): out of stock"],
            "last_messages": ["hebben jullie deze in maat 9?", "ik wil iemand spreken"]}}"#,
    )
    .expect("write reply");
    let call = CallStaff::start(
        &config,
        &["--no-wait", "--reply", reply.to_str().expect("utf-8 path")],
    );
    call.expect("delivered");
    assert_eq!(call.finish(), 0);
    let calls = console.client().calls(false).expect("list");
    assert_eq!(calls.len(), 1);
    let h = &calls[0].handoff;
    assert_eq!(h.reason, EscalationReason::Requested);
    assert_eq!(h.products[0].size.as_deref(), Some("9"));
    assert_eq!(h.checked.len(), 1);
    assert_eq!(h.last_messages.len(), 2);

    // A reply that did not escalate has nothing to send.
    std::fs::write(&reply, r#"{"escalate": false, "handoff": null}"#).expect("write");
    let out = Command::new(KIOSK)
        .arg("--config")
        .arg(&config)
        .args(["call-staff", "--reply"])
        .arg(&reply)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no handoff"));
}

#[test]
fn a_missing_key_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "[staff]\nconsole_url = \"http://127.0.0.1:9\"\n").expect("write");
    let out = Command::new(KIOSK)
        .arg("--config")
        .arg(&config)
        .args(["call-staff", "help"])
        .env_remove("KIOSK_STORE_KEY_FILE")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no store key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn event(
    intent: Intent,
    lang: Lang,
    text: &str,
    resolved: bool,
    reason: Option<EscalationReason>,
    latency_ms: f64,
) -> AnalyticsEvent {
    AnalyticsEvent {
        intent,
        resolved,
        escalated: reason.is_some(),
        reason,
        language: lang,
        latency_ms,
        text: text.to_string(),
        lost_demand: Vec::new(),
        n_products: 1,
    }
}

#[test]
fn analytics_from_a_known_event_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("kiosk-data");
    let local = LocalStore::open(&data).expect("local store");
    let now = jiff::Timestamp::now();
    let mut shoe = event(
        Intent::Availability,
        Lang::En,
        "running shoes size 9",
        true,
        None,
        10.0,
    );
    shoe.lost_demand = vec![LostDemand {
        product_id: "velora-stride-3".into(),
        size: Some("9".into()),
        color: Some("black".into()),
    }];
    let log = [
        ("s1", shoe.clone()),
        (
            "s1",
            event(
                Intent::Human,
                Lang::En,
                "a person please",
                false,
                Some(EscalationReason::Requested),
                20.0,
            ),
        ),
        ("s2", shoe),
        (
            "s3",
            event(
                Intent::OutOfScope,
                Lang::Nl,
                "mail me at jan@example.com",
                false,
                None,
                30.0,
            ),
        ),
        (
            "s4",
            event(Intent::Search, Lang::Zh, "黑色的外套", true, None, 40.0),
        ),
    ];
    for (session, e) in &log {
        local.record_event(now, session, e).expect("record");
    }
    local.record_feedback(now, "s1", true).expect("feedback");
    local.record_feedback(now, "s2", true).expect("feedback");
    local.record_feedback(now, "s3", false).expect("feedback");
    drop(local);

    let config = kiosk_config(dir.path(), "http://127.0.0.1:9", "");
    let run = |args: &[&str]| {
        let out = run_ok(
            Command::new(KIOSK)
                .arg("--config")
                .arg(&config)
                .arg("analytics")
                .args(args),
            &format!("kiosk analytics {args:?}"),
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let figures: serde_json::Value =
        serde_json::from_str(&run(&["--all", "--json"])).expect("JSON figures");
    assert_eq!(figures["sessions"], 4);
    assert_eq!(figures["turns"], 5);
    assert_eq!(figures["containment_rate"], 0.75);
    assert_eq!(figures["escalation_rate"], 0.25);
    assert_eq!(figures["escalation_reasons"][0]["item"], "requested");
    assert_eq!(figures["latency"]["p50_ms"], 20.0);
    assert_eq!(figures["latency"]["p95_ms"], 40.0);
    assert_eq!(figures["csat"]["up"], 2);
    assert_eq!(figures["csat"]["down"], 1);
    assert_eq!(figures["lost_demand"][0]["count"], 2);
    assert_eq!(figures["lost_demand"][0]["size"], "9");
    assert_eq!(figures["top_searches"][0]["item"], "running shoes size #");
    assert_eq!(figures["top_searches"][0]["count"], 2);
    assert_eq!(figures["unanswered"][0]["item"], "mail me at [email]");
    assert_eq!(figures["languages"][0]["item"], "en");

    let text = run(&["--all"]);
    assert!(text.contains("handled without staff"), "{text}");
    assert!(text.contains("velora-stride-3 · size 9 · black"), "{text}");

    let csv = run(&["--all", "--csv", "-"]);
    assert!(
        csv.starts_with("kiosk,from,to,metric,item,size,colour,value\n"),
        "{csv}"
    );
    assert!(
        csv.contains("kiosk-1,,,lost_demand,velora-stride-3,9,black,2"),
        "{csv}"
    );
    assert!(!csv.contains("jan@example.com"));

    run(&["--export"]);
    let exported: Vec<_> = std::fs::read_dir(data.join("outbox/analytics"))
        .expect("outbox")
        .collect();
    assert_eq!(exported.len(), 1, "today's file");
}
