use std::os::unix::fs::PermissionsExt;

use super::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn the_pin_file_is_private_to_the_kiosk_user() {
    // Issue 15: the PIN's hash was written 0644.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("staff-pin");
    set_pin(&path, "2468").expect("set");
    assert_eq!(mode(&path), 0o600);
    assert!(matches!(PinGuard::new(path).check("2468"), PinCheck::Ok));
}

#[test]
fn a_lockout_survives_a_restart() {
    // Issue 15: the lockout lived in memory, so restarting the kiosk reset
    // it and gave five more tries.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("staff-pin");
    set_pin(&path, "2468").expect("set");
    let mut guard = PinGuard::new(path.clone());
    for _ in 0..4 {
        assert!(matches!(guard.check("1111"), PinCheck::Wrong { .. }));
    }
    assert!(matches!(guard.check("1111"), PinCheck::LockedOut { .. }));
    let record = lockout_path(&path);
    assert_eq!(mode(&record), 0o600);

    // A new guard (the kiosk restarted) is still locked out, even for the
    // right PIN.
    let mut restarted = PinGuard::new(path.clone());
    match restarted.check("2468") {
        PinCheck::LockedOut { seconds } => assert!(seconds > 0 && seconds <= 31),
        _ => panic!("the lockout is gone after a restart"),
    }

    // A damaged record still locks out rather than resetting the count.
    std::fs::write(&record, "garbage").expect("write");
    assert!(matches!(
        PinGuard::new(path.clone()).check("2468"),
        PinCheck::LockedOut { .. }
    ));

    // Once the lockout is over, the right PIN clears the record.
    std::fs::write(
        &record,
        "failures = 5\nlocked_until = 2000-01-01T00:00:00Z\n",
    )
    .expect("write");
    let mut after = PinGuard::new(path.clone());
    assert!(matches!(after.check("2468"), PinCheck::Ok));
    assert!(!record.exists());
}

#[test]
fn wrong_tries_count_across_restarts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("staff-pin");
    set_pin(&path, "2468").expect("set");
    for _ in 0..4 {
        assert!(matches!(
            PinGuard::new(path.clone()).check("0000"),
            PinCheck::Wrong { .. }
        ));
    }
    assert!(
        matches!(
            PinGuard::new(path).check("0000"),
            PinCheck::LockedOut { .. }
        ),
        "the fifth wrong try, after four restarts, locks out"
    );
}
