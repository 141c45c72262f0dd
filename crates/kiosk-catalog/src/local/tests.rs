use std::os::unix::fs::PermissionsExt;

use kiosk_core::Lang;

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
