use super::*;

#[test]
fn intents_and_actions_have_the_documented_json_shape() {
    assert_eq!(
        serde_json::to_string(&Intent::OrderStatus).expect("json"),
        "\"order_status\""
    );
    let action = Action::CallStaff {
        status: ActionStatus::Offered,
        reason: EscalationReason::StaleStock,
    };
    assert_eq!(
        serde_json::to_value(&action).expect("json"),
        serde_json::json!({"type": "call_staff", "status": "offered", "reason": "stale_stock"})
    );
}

#[test]
fn empty_slots_are_left_out_of_the_json() {
    let slots = Slots {
        size: Some("M".to_string()),
        ..Slots::default()
    };
    assert_eq!(
        serde_json::to_value(&slots).expect("json"),
        serde_json::json!({"size": "M"})
    );
}
