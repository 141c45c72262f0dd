use super::*;

fn check(input: &str, expected: &str) {
    assert_eq!(redact(input), expected, "redacting {input:?}");
}

#[test]
fn strips_emails_phones_and_digits() {
    check(
        "mail me at jan.jansen@example.nl please",
        "mail me at [email] please",
    );
    check("call +31 6 1234 5678 now", "call [phone] now");
    check("my number is 0612345678", "my number is [phone]");
    check("where is my order 10234?", "where is my order #####?");
    check("running shoes size 9", "running shoes size #");
    check("ketting onder de 20 euro", "ketting onder de ## euro");
}

#[test]
fn masks_contacts_for_display() {
    assert_eq!(mask_contact("jan@example.nl"), "j***@example.nl");
    assert_eq!(mask_contact("+31 6 1234 5678"), "***78");
}
