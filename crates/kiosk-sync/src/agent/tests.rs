use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().expect("time")
}

fn schedule(server: bool) -> Schedule {
    Schedule {
        nightly_at: Some("03:00".parse().expect("time")),
        jitter: SignedDuration::from_mins(30),
        retry_after: SignedDuration::from_mins(20),
        time_zone: jiff::tz::TimeZone::UTC,
        server: server.then(|| "http://store/b.kbundle".to_string()),
        usb_root: None,
    }
}

fn stick(name: &str, fingerprint: u64) -> Mounted {
    Mounted {
        folder: PathBuf::from("/media/staff").join(name),
        fingerprint,
    }
}

#[test]
fn the_nightly_pull_runs_once_a_night_within_the_jitter() {
    let mut agent = SyncAgent::new(schedule(true), ts("2026-11-23T12:00:00Z"), 7);
    let next = agent.next_nightly().expect("scheduled");
    assert!(
        next >= ts("2026-11-24T03:00:00Z") && next < ts("2026-11-24T03:30:00Z"),
        "{next}"
    );
    assert_eq!(agent.tick(ts("2026-11-24T02:59:00Z"), &[]), None);
    let task = agent.tick(next, &[]).expect("due");
    assert_eq!(task.reason, Reason::Nightly);
    assert_eq!(task.source, Source::Http("http://store/b.kbundle".into()));
    assert_eq!(agent.tick(next, &[]), None, "once");
    let following = agent.next_nightly().expect("next night");
    assert!(following >= ts("2026-11-25T03:00:00Z") && following < ts("2026-11-25T03:30:00Z"));
}

#[test]
fn jitter_spreads_kiosks_over_the_window() {
    let slots: std::collections::BTreeSet<Timestamp> = (0..20)
        .filter_map(|seed| {
            SyncAgent::new(schedule(true), ts("2026-11-23T12:00:00Z"), seed).next_nightly()
        })
        .collect();
    assert!(slots.len() > 10, "{slots:?}");
}

#[test]
fn no_server_or_no_time_means_no_nightly_pull() {
    assert_eq!(
        SyncAgent::new(schedule(false), ts("2026-11-23T12:00:00Z"), 1).next_nightly(),
        None
    );
    let mut s = schedule(true);
    s.nightly_at = None;
    let mut agent = SyncAgent::new(s, ts("2026-11-23T12:00:00Z"), 1);
    assert_eq!(agent.tick(ts("2026-11-30T12:00:00Z"), &[]), None);
}

#[test]
fn a_failed_pull_is_retried_until_it_works() {
    let mut agent = SyncAgent::new(schedule(true), ts("2026-11-23T12:00:00Z"), 7);
    let night = agent.next_nightly().expect("scheduled");
    let task = agent.tick(night, &[]).expect("nightly");
    agent.finished(&task, false, night);
    let retry = agent.retry_at().expect("retry planned");
    assert_eq!(retry, night + SignedDuration::from_mins(20));
    assert_eq!(agent.tick(night + SignedDuration::from_mins(10), &[]), None);
    let task = agent.tick(retry, &[]).expect("retry");
    assert_eq!(task.reason, Reason::Retry);
    agent.finished(&task, true, retry);
    assert_eq!(agent.retry_at(), None);
}

#[test]
fn a_stick_is_synced_once_per_insertion_after_it_settles() {
    let mut agent = SyncAgent::new(schedule(false), ts("2026-11-23T12:00:00Z"), 1);
    let now = ts("2026-11-23T12:00:00Z");
    let s = [stick("STICK", 1)];
    assert_eq!(agent.tick(now, &s), None, "first sight: still settling");
    let task = agent.tick(now, &s).expect("settled");
    assert_eq!(task.reason, Reason::StickInserted);
    assert_eq!(task.source, Source::Folder("/media/staff/STICK".into()));
    agent.finished(&task, false, now);
    assert_eq!(agent.tick(now, &s), None, "not again while it stays in");
    assert_eq!(agent.tick(now, &[]), None, "pulled out");
    assert_eq!(agent.tick(now, &s), None);
    assert!(agent.tick(now, &s).is_some(), "inserted again");
    let changed = [stick("STICK", 2)];
    assert_eq!(agent.tick(now, &changed), None);
    assert!(agent.tick(now, &changed).is_some(), "new bundles on it");
}

#[test]
fn staff_ask_for_the_server_else_a_stick() {
    let now = ts("2026-11-23T12:00:00Z");
    let mut agent = SyncAgent::new(schedule(true), now, 1);
    agent.request_now();
    let task = agent.tick(now, &[]).expect("on demand");
    assert_eq!(task.reason, Reason::OnDemand);
    assert!(matches!(task.source, Source::Http(_)));
    assert_eq!(agent.tick(now, &[]), None, "once per request");

    let mut agent = SyncAgent::new(schedule(false), now, 1);
    agent.request_now();
    let s = [stick("STICK", 1)];
    let task = agent.tick(now, &s).expect("on demand");
    assert_eq!(task.source, Source::Folder("/media/staff/STICK".into()));
    agent.request_now();
    assert_eq!(SyncAgent::new(schedule(false), now, 1).tick(now, &[]), None);
}
