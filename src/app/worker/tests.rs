use kiosk_catalog::import::{ImportOptions, NoProgress, import};
use kiosk_catalog::{DataDir, Snapshot};
use kiosk_core::assistant::{Action, ActionStatus, Assistant, Reply};

use super::*;
use crate::turn::{Recorded, record};
use kiosk_core::assistant::Clock;

/// A copy of `tests/fixtures/mini-store` (a running shoe in sizes 9, out of
/// stock, and 10, and a pair of socks) at `dir`.
fn mini_catalog(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini-store");
    for entry in std::fs::read_dir(&fixture).expect("the mini store fixture") {
        let from = entry.expect("a fixture file").path();
        std::fs::copy(&from, dir.join(from.file_name().expect("a file name")))
            .unwrap_or_else(|e| panic!("copying {}: {e}", from.display()));
    }
}

/// A real conversation that ends with the shopper's consented
/// back-in-stock request.
fn waitlist_reply(tmp: &std::path::Path) -> (Reply, Clock) {
    let catalog = tmp.join("catalog");
    mini_catalog(&catalog);
    let data = DataDir::new(tmp.join("data"));
    import(&data, &ImportOptions::new(&catalog), &mut NoProgress).expect("import");
    let snapshot = Snapshot::open(&data).expect("open");
    let config = AssistantConfig::default();
    let assistant = Assistant::new(&snapshot, &snapshot, &config);
    let mut session = Session::default();
    let clock = Clock::utc(jiff::Timestamp::now());
    let mut reply = None;
    for text in [
        "Velo Stride Running Shoe in size 9?",
        "notify me when it's back",
        "my email is fan@example.com",
    ] {
        let input = TurnInput {
            text: text.into(),
            lang: Some(Lang::En),
        };
        reply = Some(assistant.turn(&mut session, &input, clock).expect("turn"));
    }
    let reply = reply.expect("three turns");
    assert!(
        reply.actions.iter().any(|a| matches!(
            a,
            Action::JoinWaitlist {
                status: ActionStatus::Done,
                contact: Some(_),
                ..
            }
        )),
        "the conversation ends with a consented request: {} {:?}",
        reply.answer,
        reply.actions
    );
    (reply, clock)
}

#[test]
fn a_consented_waitlist_request_is_saved() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (reply, clock) = waitlist_reply(tmp.path());
    let local = LocalStore::open(&tmp.path().join("data")).expect("local store");
    assert_eq!(record(Some(&local), clock, "s1", &reply), Recorded::Kept);
    assert_eq!(local.count("waitlist").expect("count"), 1);
}

// Issue 18: a database error used to drop a consented request silently.
#[test]
fn a_waitlist_request_the_database_refuses_is_reported() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (reply, clock) = waitlist_reply(tmp.path());
    let local = LocalStore::open(&tmp.path().join("data")).expect("local store");
    local
        .connection()
        .execute_batch("DROP TABLE waitlist")
        .expect("break the store");
    assert_eq!(
        record(Some(&local), clock, "s1", &reply),
        Recorded::WaitlistLost
    );
}

// Issue 18: a local store that did not open used to turn the waitlist off
// without a word.
#[test]
fn a_waitlist_request_without_a_local_store_is_reported() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (reply, clock) = waitlist_reply(tmp.path());
    assert_eq!(record(None, clock, "s1", &reply), Recorded::WaitlistLost);
}

#[test]
fn shopper_notices_are_in_each_language_and_name_no_cause() {
    use super::super::notices::Notice;
    for notice in [
        Notice::CatalogUnavailable,
        Notice::CatalogError,
        Notice::WaitlistNotSaved,
    ] {
        let texts: Vec<&str> = [Lang::En, Lang::Nl, Lang::Id, Lang::Zh]
            .into_iter()
            .map(|lang| notice.text(lang))
            .collect();
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i + 1..] {
                assert_ne!(a, b, "{notice:?} is translated");
            }
        }
    }
}

/// A back-in-stock contact made `days` ago for `sku`.
fn contact(days: i64, sku: &str) -> kiosk_catalog::local::WaitlistEntry {
    let at = ago(days);
    kiosk_catalog::local::WaitlistEntry {
        at,
        product_id: "shoe".into(),
        sku: sku.into(),
        title: "Velo Stride Running Shoe".into(),
        options: "9 / Black".into(),
        contact: format!("{sku}@example.com"),
        language: Lang::En,
        consent: kiosk_core::assistant::Consent {
            requested: "Notify me".into(),
            shown: "I can let you know when it is back.".into(),
            language: Lang::En,
            shown_at: at,
            answer: "[email]".into(),
            answered_at: at,
        },
    }
}

fn ago(days: i64) -> jiff::Timestamp {
    jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days)
}

fn add_event(local: &LocalStore, days: i64, text: &str) {
    let event: kiosk_core::assistant::AnalyticsEvent = serde_json::from_value(serde_json::json!({
        "intent": "search",
        "resolved": true,
        "escalated": false,
        "reason": null,
        "language": "en",
        "latency_ms": 3.0,
        "text": text,
        "lost_demand": [],
        "n_products": 1
    }))
    .expect("an analytics event");
    local
        .record_event(ago(days), "s", &event)
        .expect("record event");
}

/// The contacts' e-mail addresses and the events' texts, in row order.
fn kept(local: &LocalStore) -> (Vec<String>, Vec<String>) {
    let column = |sql: &str| -> Vec<String> {
        local
            .connection()
            .prepare(sql)
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    (
        column("SELECT contact FROM waitlist ORDER BY id"),
        column("SELECT text FROM events ORDER BY id"),
    )
}

// Issue 15: the app runs the retention purge when it starts and each time
// a shopper leaves. This drives the worker the window starts
// (`Worker::spawn`, with the retention `Controller::start` reads from
// `[privacy]`), and the `Request::Reset` the controller sends when it
// wipes a shopper's session; the live snapshot decides what is back in
// stock.
#[test]
fn the_worker_purges_by_the_retention_at_start_and_when_a_shopper_leaves() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let catalog = tmp.path().join("catalog");
    mini_catalog(&catalog);
    let data = tmp.path().join("data");
    import(
        &DataDir::new(&data),
        &ImportOptions::new(&catalog),
        &mut NoProgress,
    )
    .expect("import");
    let config_file = tmp.path().join("kiosk.toml");
    std::fs::write(
        &config_file,
        "[privacy]\ncontact_days = 20\nanalytics_text_days = 5\nevent_days = 60\n",
    )
    .expect("write config");
    let config = crate::config::Config::load(Some(&config_file)).expect("config");
    let links = || Links {
        retention: config.privacy.retention(),
        ..Links::default()
    };

    // Before the kiosk starts: shoe-9-blk is out of stock, shoe-10-blk in.
    let local = LocalStore::open(&data).expect("local store");
    local.add_waitlist(&contact(30, "old")).expect("add");
    let mut back = contact(2, "shoe-10-blk");
    back.contact = "back@example.com".into();
    local.add_waitlist(&back).expect("add");
    let mut out = contact(2, "shoe-9-blk");
    out.contact = "out@example.com".into();
    local.add_waitlist(&out).expect("add");
    let mut unsent = contact(2, "shoe-10-blk");
    unsent.contact = "unsent@example.com".into();
    local.add_waitlist(&unsent).expect("add");
    local
        .connection()
        .execute(
            "UPDATE waitlist SET exported = 1 WHERE contact IN ('back@example.com', 'out@example.com')",
            [],
        )
        .expect("mark exported");
    add_event(&local, 90, "ancient");
    add_event(&local, 10, "rain jacket");
    add_event(&local, 1, "red socks");
    local
        .record_feedback(ago(90), "s0", true)
        .expect("feedback");
    local
        .record_feedback(ago(1), "s1", false)
        .expect("feedback");

    let last_feedback = || -> i64 {
        local
            .connection()
            .query_row("SELECT COALESCE(MAX(rowid), 0) FROM feedback", [], |r| {
                r.get(0)
            })
            .expect("feedback rows")
    };
    let before = last_feedback();

    // The kiosk starts: the worker purges before its first request.
    let worker = Worker::spawn(data.clone(), AssistantConfig::default(), links());
    // Feedback is recorded in order after the start's purge: once its row
    // is in, the purge has run.
    worker.send(Request::Feedback { up: true });
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while last_feedback() == before && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(last_feedback() > before, "the worker recorded the feedback");
    assert_eq!(
        local.count("feedback").expect("count"),
        2,
        "the 90-day-old feedback went and the new one came"
    );
    assert_eq!(
        kept(&local),
        (
            vec!["out@example.com".into(), "unsent@example.com".into()],
            vec!["".into(), "red socks".into()]
        ),
        "at start: the 30-day-old contact and the exported one back in stock went, \
         the 90-day-old event went, the 10-day-old one lost its text"
    );

    // While shoppers come and go, records age past the policy (written
    // here with old times); the next shopper leaving purges them.
    local.add_waitlist(&contact(25, "aged")).expect("add");
    add_event(&local, 70, "aged event");
    add_event(&local, 8, "aged text");
    local
        .record_feedback(ago(70), "s2", true)
        .expect("feedback");
    let mut fresh = contact(0, "shoe-9-blk");
    fresh.contact = "fresh@example.com".into();
    local.add_waitlist(&fresh).expect("add");
    add_event(&local, 0, "blue cap");
    assert_eq!(kept(&local).0.len(), 4);
    worker.send(Request::Reset);
    // Shutting down waits for the worker, which answers requests in order.
    worker.shutdown();
    assert_eq!(
        kept(&local),
        (
            vec![
                "out@example.com".into(),
                "unsent@example.com".into(),
                "fresh@example.com".into()
            ],
            vec!["".into(), "red socks".into(), "".into(), "blue cap".into()]
        ),
        "when the shopper left: the 25-day-old contact and the 70-day-old event went, \
         the 8-day-old text was blanked, the new records stayed"
    );
    assert_eq!(local.count("feedback").expect("count"), 2);
}

// The staff panel showed its figures in English in every language: each
// figure now goes to the panel by its kind, which the panel words with
// `@tr` (translated in ui/translations). Every kind must be worded there.
#[test]
fn every_figure_is_worded_by_the_staff_panel() {
    let view = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/views/staff.slint"),
    )
    .expect("the staff panel's view");
    for kind in FigureKind::ALL {
        let branch = format!("stat.kind == \"{}\" ? @tr(", kind.key());
        assert!(view.contains(&branch), "{kind:?} has no wording: {branch}");
    }
    // And the figures of a day come with their kinds, no English label.
    let day = kiosk_staff::Figures {
        sessions: 3,
        turns: 7,
        languages: vec![kiosk_staff::analytics::Count {
            item: "nl".into(),
            count: 3,
        }],
        ..kiosk_staff::Figures::default()
    };
    let shown = figures(&day);
    assert_eq!(shown[0].kind, FigureKind::Shoppers);
    assert_eq!(shown[0].value, "3");
    assert_eq!(shown[1].kind, FigureKind::Questions);
    let language = shown
        .iter()
        .find(|f| f.kind == FigureKind::Language)
        .expect("a language figure");
    assert_eq!(
        (language.detail.as_str(), language.value.as_str()),
        ("Nederlands", "3")
    );
    for f in &shown {
        assert!(
            !f.detail.contains("Shoppers") && !f.detail.contains("Language"),
            "{f:?}"
        );
    }
}

// Review finding: the staff panel's "Last sync: …" and "Language model: …"
// lines stayed English on nl, id and zh screens. The panel now words them
// from their facts with `@tr`; each state and outcome must be worded there
// and translated.
#[test]
fn the_sync_and_model_lines_are_worded_by_the_staff_panel() {
    use kiosk_sync::state::Outcome;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let view = std::fs::read_to_string(root.join("ui/views/staff.slint")).expect("the view");
    let outcomes = [
        Outcome::Applied,
        Outcome::UpToDate,
        Outcome::NotModified,
        Outcome::Rejected,
        Outcome::Failed,
        Outcome::RolledBack,
        Outcome::Stale,
    ];
    let mut worded = Vec::new();
    for outcome in outcomes {
        let branch = format!(
            "f.outcome == \"{}\" ? @tr(\"{}\")",
            outcome_key(outcome),
            outcome.name()
        );
        assert!(
            view.contains(&branch),
            "{outcome:?} has no wording: {branch}"
        );
        worded.push(outcome.name().to_string());
    }
    for state in super::super::model::ModelState::ALL {
        let branch = format!("m.state == \"{}\" ? @tr(", state.key());
        assert!(view.contains(&branch), "{state:?} has no wording: {branch}");
    }
    worded.extend(
        [
            "Last sync: none since the kiosk started",
            "Last sync ({}): {} — {}",
            "Language model: {} ready",
        ]
        .map(String::from),
    );
    for lang in ["nl", "id", "zh"] {
        let po = std::fs::read_to_string(
            root.join(format!("ui/translations/{lang}/LC_MESSAGES/kiosk.po")),
        )
        .expect("the translations");
        for msgid in &worded {
            let entry = format!("msgid \"{msgid}\"\nmsgstr \"");
            assert!(po.contains(&entry), "{lang}: {msgid} has no entry");
            assert!(
                !po.contains(&format!("{entry}\"")),
                "{lang}: {msgid} is empty"
            );
        }
    }
}
