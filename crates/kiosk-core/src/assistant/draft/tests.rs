use super::*;

#[test]
fn a_sentence_with_an_empty_value_takes_its_short_form_or_is_left_out() {
    let mut d = Draft::new(Lang::En);
    d.say("found", &[("n", "3")]);
    assert_eq!(d.parts.len(), 1);
    assert!(d.parts[0].contains('3'));
    // `found` has no short form: nothing is said.
    d.say("found", &[("n", "")]);
    assert_eq!(d.parts.len(), 1);
    // `none_found` has one: said without the empty quote.
    d.say("none_found", &[("query", "")]);
    assert_eq!(d.parts.len(), 2);
    assert!(!d.parts[1].contains("“”"), "{}", d.parts[1]);
}

#[test]
fn chips_are_not_repeated_and_the_first_escalation_stays() {
    let mut d = Draft::new(Lang::Nl);
    d.chip("chip_where");
    d.chip("chip_where");
    assert_eq!(d.chips.len(), 1);
    assert_eq!(d.chips[0].label, d.chips[0].text);
    d.escalate(EscalationReason::Complaint);
    d.escalate(EscalationReason::Requested);
    assert_eq!(d.escalation, Some(EscalationReason::Complaint));
}
