use std::os::unix::fs::PermissionsExt;

use kiosk_core::Lang;
use kiosk_core::assistant::{AnalyticsEvent, Consent};

use super::*;

fn at(text: &str) -> jiff::Timestamp {
    text.parse().expect("timestamp")
}

fn entry(when: &str, sku: &str) -> WaitlistEntry {
    WaitlistEntry {
        at: at(when),
        product_id: "p1".into(),
        sku: sku.into(),
        title: "Rain Jacket".into(),
        options: "M".into(),
        contact: "jan@example.nl".into(),
        language: Lang::Nl,
        consent: Consent {
            requested: "Laat het me weten".into(),
            shown: format!("Ik kan je laten weten wanneer Rain Jacket ({sku}) weer binnen is."),
            language: Lang::Nl,
            shown_at: at(when),
            answer: "[e-mail]".into(),
            answered_at: at(when),
        },
    }
}

fn event(text: &str) -> AnalyticsEvent {
    serde_json::from_value(serde_json::json!({
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
    .expect("an analytics event")
}

fn contacts(store: &LocalStore) -> Vec<String> {
    store
        .connection()
        .prepare("SELECT sku FROM waitlist ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn the_file_and_its_journal_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    store
        .add_waitlist(&entry("2026-12-01T10:00:00Z", "a"))
        .unwrap();
    for name in ["local.sqlite", "local.sqlite-wal", "local.sqlite-shm"] {
        let path = dir.path().join(name);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name} is {mode:o}");
    }
    // A file made 0644 by an older kiosk is restricted when opened.
    drop(store);
    let path = dir.path().join("local.sqlite");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    LocalStore::open(dir.path()).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn purge_follows_the_retention_policy() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let now = at("2026-12-06T12:00:00Z");
    // Old, recent-and-sent-and-back, recent-and-sent-but-still-out,
    // recent-and-back-but-not-sent.
    store
        .add_waitlist(&entry("2026-08-01T10:00:00Z", "old"))
        .unwrap();
    store
        .add_waitlist(&entry("2026-12-01T10:00:00Z", "back"))
        .unwrap();
    store
        .add_waitlist(&entry("2026-12-01T10:00:00Z", "out"))
        .unwrap();
    store
        .add_waitlist(&entry("2026-12-02T10:00:00Z", "unsent"))
        .unwrap();
    store
        .connection()
        .execute(
            "UPDATE waitlist SET exported = 1 WHERE sku IN ('back', 'out')",
            [],
        )
        .unwrap();
    store
        .record_event(at("2025-10-01T10:00:00Z"), "s0", &event("ancient"))
        .unwrap();
    store
        .record_event(at("2026-10-01T10:00:00Z"), "s1", &event("rain jacket"))
        .unwrap();
    store
        .record_event(at("2026-12-05T10:00:00Z"), "s2", &event("red socks"))
        .unwrap();
    store
        .record_feedback(at("2025-10-01T10:00:00Z"), "s0", true)
        .unwrap();
    store
        .record_feedback(at("2026-12-05T10:00:00Z"), "s2", true)
        .unwrap();

    let in_stock = |sku: &str| matches!(sku, "back" | "unsent");
    let purged = store.purge(now, &Retention::default(), &in_stock).unwrap();
    assert_eq!(
        purged,
        Purged {
            contacts: 2,
            texts: 1,
            events: 2
        }
    );
    assert_eq!(contacts(&store), ["out", "unsent"]);
    let texts: Vec<String> = store
        .connection()
        .prepare("SELECT text FROM events ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(texts, ["", "red socks"]);
    assert_eq!(store.count("feedback").unwrap(), 1);
    // A second run finds nothing more.
    let again = store.purge(now, &Retention::default(), &in_stock).unwrap();
    assert_eq!(again, Purged::default());
}

/// Every consent value of the waitlist's rows, in row order.
fn consents(store: &LocalStore) -> Vec<[String; 6]> {
    store
        .connection()
        .prepare(
            "SELECT consent_requested, consent_shown, consent_language, consent_shown_at,
                    consent_answer, consent_at FROM waitlist ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok([
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ])
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_contact_is_stored_with_the_consent_shown_and_given() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let mut e = entry("2026-12-01T10:00:00Z", "a");
    e.consent.answered_at = at("2026-12-01T10:00:40Z");
    store.add_waitlist(&e).unwrap();
    assert_eq!(
        consents(&store),
        [[
            "Laat het me weten".to_string(),
            "Ik kan je laten weten wanneer Rain Jacket (a) weer binnen is.".to_string(),
            "nl".to_string(),
            "2026-12-01T10:00:00Z".to_string(),
            "[e-mail]".to_string(),
            "2026-12-01T10:00:40Z".to_string(),
        ]]
    );
}

#[test]
fn only_a_done_join_with_consent_becomes_an_entry() {
    use kiosk_core::assistant::{Action, ActionStatus};
    let e = entry("2026-12-01T10:00:00Z", "a");
    let join = |status, contact: Option<&str>, consent: Option<Consent>| Action::JoinWaitlist {
        status,
        product_id: "p1".into(),
        sku: "a".into(),
        title: "Rain Jacket".into(),
        options: "M".into(),
        contact: contact.map(str::to_string),
        consent,
    };
    let now = at("2026-12-01T10:00:00Z");
    let done = join(
        ActionStatus::Done,
        Some("jan@example.nl"),
        Some(e.consent.clone()),
    );
    let stored = WaitlistEntry::from_action(&done, now, Lang::Nl).expect("an entry");
    assert_eq!(stored.consent, e.consent);
    assert_eq!(stored.contact, "jan@example.nl");
    for no in [
        join(ActionStatus::Done, Some("jan@example.nl"), None),
        join(ActionStatus::Done, None, Some(e.consent.clone())),
        join(
            ActionStatus::Offered,
            Some("jan@example.nl"),
            Some(e.consent.clone()),
        ),
    ] {
        assert!(
            WaitlistEntry::from_action(&no, now, Lang::Nl).is_none(),
            "{no:?}"
        );
    }
}

#[test]
fn a_file_from_before_consent_records_is_migrated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.sqlite");
    // The shape of the waitlist before the consent columns, with a row.
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE waitlist (
                id INTEGER PRIMARY KEY, at TEXT NOT NULL, product_id TEXT NOT NULL,
                sku TEXT NOT NULL, title TEXT NOT NULL, options TEXT NOT NULL,
                contact TEXT NOT NULL, language TEXT NOT NULL, consent TEXT NOT NULL,
                exported INTEGER NOT NULL DEFAULT 0);
             INSERT INTO waitlist (at, product_id, sku, title, options, contact, language, consent)
             VALUES ('2026-11-01T10:00:00Z', 'p1', 'old', 'Rain Jacket', 'M', 'jan@example.nl',
                     'nl', 'given at the kiosk for this notification only');",
        )
        .unwrap();
    }
    let store = LocalStore::open(dir.path()).unwrap();
    let version: i64 = store
        .connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    store
        .add_waitlist(&entry("2026-12-01T10:00:00Z", "new"))
        .unwrap();
    assert_eq!(contacts(&store), ["old", "new"]);
    let rows = consents(&store);
    assert_eq!(
        rows[0],
        <[String; 6]>::default(),
        "the old row keeps its own record"
    );
    assert_eq!(rows[1][2], "nl");
    // Opening again is a no-op, and retention deletes the consent with
    // its contact.
    drop(store);
    let store = LocalStore::open(dir.path()).unwrap();
    let purged = store
        .purge(at("2027-06-01T00:00:00Z"), &Retention::default(), &|_| {
            false
        })
        .unwrap();
    assert_eq!(purged.contacts, 2);
    assert!(consents(&store).is_empty());
}

#[test]
fn a_file_from_a_newer_kiosk_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.sqlite");
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let err = LocalStore::open(dir.path())
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("local.sqlite") && err.contains("99"), "{err}");
}

#[test]
fn a_version_1_file_keeps_every_row_when_migrated() {
    // Issue 18: `local.sqlite` has one owner; the tables other crates used
    // to create come under its migrations without losing a row. The file
    // was made by the kiosk before this change (`kiosk ask`, `chat` with a
    // consented back-in-stock request, `call-staff` with the console down,
    // `sync` uploading three events to a stick, then one more `ask`).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.sqlite");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/local-v1.sqlite"
        ),
        &path,
    )
    .unwrap();
    let version = |store: &LocalStore| -> i64 {
        store
            .connection()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    {
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1, "the fixture is a version 1 file");
    }
    let store = LocalStore::open(dir.path()).unwrap();
    assert_eq!(version(&store), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 2);

    // The records and what was uploaded of them.
    assert_eq!(store.count("events").unwrap(), 8);
    assert_eq!(store.count("waitlist").unwrap(), 1);
    assert_eq!(store.pending_uploads(UploadKind::Analytics).unwrap(), 5);
    assert_eq!(store.pending_uploads(UploadKind::Waitlist).unwrap(), 1);
    let events = store.events_between(None, None).unwrap();
    assert_eq!(events.len(), 8);
    assert_eq!(events[0].intent, "availability");

    // The confirmed batch holds: the next one starts after it.
    let batch = store
        .next_upload_batch(UploadKind::Analytics, "kiosk-1", 100)
        .unwrap()
        .expect("a batch");
    assert!(!batch.resent);
    assert_eq!(batch.n_rows, 5);
    assert!(batch.first_id > 3, "{batch:?}");
    let UploadRows::Analytics(rows) = store.upload_rows(&batch).unwrap() else {
        panic!("analytics rows");
    };
    assert_eq!(rows.len(), 5);
    let waitlist = store
        .next_upload_batch(UploadKind::Waitlist, "kiosk-1", 100)
        .unwrap()
        .expect("a waitlist batch");
    let UploadRows::Waitlist(contacts) = store.upload_rows(&waitlist).unwrap() else {
        panic!("waitlist rows");
    };
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].contact, "jan@example.nl");
    assert_eq!(contacts[0].consent_language, "en");
    assert!(!contacts[0].consent_shown.is_empty());

    // The staff call saved while the console was down is still queued.
    let calls = store.staff_calls();
    assert_eq!(calls.queued_count().unwrap(), 1);
    let due = calls.due(i64::MAX, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert!(
        due[0].call.contains("need help with size"),
        "{}",
        due[0].call
    );
    let row = calls.row(&due[0].id).unwrap().expect("the call");
    assert_eq!(row.status, "queued");
    assert!(row.attempts >= 1, "{row:?}");

    // New rows go in, and opening again changes nothing.
    store
        .add_waitlist(&entry("2026-12-07T10:00:00Z", "new"))
        .unwrap();
    store
        .record_feedback(at("2026-12-07T10:00:00Z"), "s", true)
        .unwrap();
    drop(store);
    let store = LocalStore::open(dir.path()).unwrap();
    assert_eq!(version(&store), SCHEMA_VERSION);
    assert_eq!(store.count("waitlist").unwrap(), 2);
    assert_eq!(store.count("feedback").unwrap(), 1);
}

#[test]
fn a_new_file_has_every_table_at_the_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let tables: Vec<String> = store
        .connection()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        tables,
        [
            "analytics_exports",
            "events",
            "feedback",
            "staff_calls",
            "sync_identity",
            "sync_uploads",
            "waitlist"
        ]
    );
    let id = store.kiosk_id().unwrap();
    assert!(id.starts_with("kiosk-"), "{id}");
    assert_eq!(store.kiosk_id().unwrap(), id, "made once and kept");
}

#[test]
fn uploads_carry_the_documented_fields_only() {
    // Issue 18: uploads had whatever columns the table happened to have
    // (`SELECT *`); now each kind has a fixed set of fields.
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    store
        .record_event(at("2026-12-01T10:00:00Z"), "s1", &event("rain jacket"))
        .unwrap();
    store
        .record_feedback(at("2026-12-01T10:01:00Z"), "s1", false)
        .unwrap();
    store
        .add_waitlist(&entry("2026-12-01T10:02:00Z", "a"))
        .unwrap();
    // A column a later version might add is not sent.
    store
        .connection()
        .execute_batch("ALTER TABLE events ADD COLUMN internal TEXT NOT NULL DEFAULT 'x'")
        .unwrap();
    let fields = |kind| {
        let batch = store
            .next_upload_batch(kind, "k", 10)
            .unwrap()
            .expect("a batch");
        let rows = serde_json::to_value(store.upload_rows(&batch).unwrap()).unwrap();
        let row = rows[0].as_object().expect("an object").clone();
        (row.keys().cloned().collect::<Vec<_>>(), row)
    };
    let (keys, row) = fields(UploadKind::Analytics);
    assert_eq!(
        keys,
        [
            "at",
            "escalated",
            "id",
            "intent",
            "language",
            "latency_ms",
            "lost_demand",
            "n_products",
            "reason",
            "resolved",
            "session",
            "text"
        ]
    );
    assert_eq!(row["resolved"], 1);
    assert_eq!(row["lost_demand"], "[]");
    let (keys, row) = fields(UploadKind::Feedback);
    assert_eq!(keys, ["at", "id", "session", "up"]);
    assert_eq!(row["up"], 0);
    let (keys, _) = fields(UploadKind::Waitlist);
    assert_eq!(
        keys,
        [
            "at",
            "consent",
            "consent_answer",
            "consent_at",
            "consent_language",
            "consent_requested",
            "consent_shown",
            "consent_shown_at",
            "contact",
            "id",
            "language",
            "options",
            "product_id",
            "sku",
            "title"
        ]
    );
}
