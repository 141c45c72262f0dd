use super::*;

fn record(version: u64, snapshot: Option<&str>) -> BundleRecord {
    let at: jiff::Timestamp = "2026-11-23T02:00:00Z".parse().expect("time");
    BundleRecord {
        store_id: "s".into(),
        version,
        created: at,
        stock_as_of: at,
        expires: at,
        key_id: "K".into(),
        manifest_sha256: "0".repeat(64),
        source: "/media/usb/b.kbundle".into(),
        label: format!("/media/usb/b.kbundle [bundle s v{version} 000000000000]"),
        snapshot_id: snapshot.map(str::to_string),
        accepted_at: None,
    }
}

fn link(id: &str, source: Option<&str>) -> Option<LinkInfo> {
    Some(LinkInfo {
        id: id.into(),
        path: PathBuf::from("snapshots").join(id),
        source: source.map(str::to_string),
        store_id: Some("s".into()),
    })
}

#[test]
fn the_state_file_round_trips_and_is_replaced_atomically() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(
        SyncState::load(tmp.path()).expect("empty"),
        SyncState::default()
    );
    let mut state = SyncState {
        highest_version: Some(7),
        store_id: Some("s".into()),
        current: Some(record(7, Some("snap7"))),
        ..SyncState::default()
    };
    state.http.insert(
        "http://server/b.kbundle".into(),
        Validators {
            etag: Some("\"abc\"".into()),
            last_modified: None,
        },
    );
    state.record(Attempt {
        at: jiff::Timestamp::now(),
        source: "x".into(),
        outcome: Outcome::Applied,
        message: "ok".into(),
    });
    state.save(tmp.path()).expect("save");
    assert_eq!(SyncState::load(tmp.path()).expect("load"), state);
    assert!(!tmp.path().join(format!(".{STATE_FILE}.tmp")).exists());
    std::fs::write(SyncState::path(tmp.path()), "highest_version = \"x\"").expect("write");
    let err = SyncState::load(tmp.path()).expect_err("damaged");
    assert!(err.to_string().contains(STATE_FILE), "{err}");
}

#[test]
fn a_pending_bundle_whose_snapshot_went_live_is_promoted() {
    // Issue 7: killed between the publish and the state write.
    let pending = record(8, None);
    let mut state = SyncState {
        highest_version: Some(7),
        current: Some(record(7, Some("snap7"))),
        pending: Some(pending.clone()),
        ..SyncState::default()
    };
    state.reconcile(&Links {
        current: link("snap8", Some(&pending.label)),
        previous: link("snap7", None),
    });
    assert_eq!(state.highest_version, Some(8));
    assert_eq!(state.current.as_ref().map(|c| c.version), Some(8));
    assert_eq!(
        state
            .current
            .as_ref()
            .and_then(|c| c.snapshot_id.as_deref()),
        Some("snap8")
    );
    assert_eq!(state.previous.as_ref().map(|c| c.version), Some(7));
    assert_eq!(state.pending, None);
}

#[test]
fn a_pending_bundle_that_never_went_live_is_dropped() {
    let mut state = SyncState {
        highest_version: Some(7),
        current: Some(record(7, Some("snap7"))),
        pending: Some(record(8, None)),
        ..SyncState::default()
    };
    state.reconcile(&Links {
        current: link("snap7", None),
        previous: None,
    });
    assert_eq!(state.highest_version, Some(7));
    assert_eq!(state.current.as_ref().map(|c| c.version), Some(7));
    assert_eq!(state.pending, None);
}

#[test]
fn reconcile_follows_a_rollback_and_forgets_manual_imports() {
    let mut state = SyncState {
        highest_version: Some(8),
        current: Some(record(8, Some("snap8"))),
        previous: Some(record(7, Some("snap7"))),
        ..SyncState::default()
    };
    state.reconcile(&Links {
        current: link("snap7", None),
        previous: link("snap8", None),
    });
    assert_eq!(state.current.as_ref().map(|c| c.version), Some(7));
    assert_eq!(state.previous.as_ref().map(|c| c.version), Some(8));
    assert_eq!(state.highest_version, Some(8), "rollback keeps the floor");

    state.reconcile(&Links {
        current: link("manual", None),
        previous: link("snap7", None),
    });
    assert_eq!(state.current, None);
    assert_eq!(state.previous.as_ref().map(|c| c.version), Some(7));
}
