//! The call's state machine, ids and kiosk names.

use super::*;

#[test]
fn state_moves() {
    use CallState::*;
    let check = |from: CallState, to: CallState, expected: bool| {
        assert_eq!(from.can_become(to), expected, "{from:?} → {to:?}");
    };
    check(Open, OnTheWay, true);
    check(Open, Resolved, true);
    check(OnTheWay, Resolved, true);
    check(Open, Cancelled, true);
    check(OnTheWay, Cancelled, true);
    check(OnTheWay, Open, false);
    check(Resolved, OnTheWay, false);
    check(Resolved, Cancelled, false);
    check(Cancelled, Resolved, false);
    check(Open, Open, false);
}

#[test]
fn state_names_round_trip() {
    for state in [
        CallState::Open,
        CallState::OnTheWay,
        CallState::Resolved,
        CallState::Cancelled,
    ] {
        assert_eq!(CallState::parse(state.name()), Some(state));
        let json = serde_json::to_string(&state).expect("serializes");
        assert_eq!(json, format!("\"{}\"", state.name()));
    }
}

#[test]
fn call_ids() {
    let id = CallId::random();
    assert_eq!(id.as_str().len(), 32);
    assert!(CallId::parse("abc").is_err());
    assert!(CallId::parse("../../etc/passwd").is_err());
    assert!(CallId::parse("kiosk-1_call-0042").is_ok());
    assert!(serde_json::from_str::<CallId>("\"no spaces allowed\"").is_err());
}

#[test]
fn kiosk_ids_default_to_the_name() {
    let check = |id: Option<&str>, name: &str, expected: &str| {
        assert_eq!(KioskInfo::new(id, name, "Entrance").id, expected);
    };
    check(None, "Kiosk 1", "kiosk-1");
    check(None, "  Shoes — Floor 2 ", "shoes-floor-2");
    check(Some("front"), "Kiosk 1", "front");
    check(Some(" "), "", "kiosk");
}
