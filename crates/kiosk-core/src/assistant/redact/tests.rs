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

#[test]
fn strips_names_after_a_name_cue_in_each_language() {
    check(
        "my name is Jan de Vries, call me when it's back",
        "my name is [name], call me when it's back",
    );
    check(
        "ik heet Sanne en ik zoek een jas",
        "ik heet [name] en ik zoek een jas",
    );
    check("mijn naam is Pieter", "mijn naam is [name]");
    check(
        "nama saya Budi Santoso tolong kabari",
        "nama saya [name] tolong kabari",
    );
    check("我叫王小明，有貨通知我", "我叫[name]，有貨通知我");
    // No cue, no name taken.
    check("call the staff please", "call the staff please");
    check("is my name on the list?", "is my name on the list?");
}

#[test]
fn strips_spelled_out_emails() {
    check("mail jan at devries dot nl please", "mail [email] please");
    check("jan.jansen at gmail.com", "[email]");
    check("jan@devries dot nl.", "[email].");
    check("budi at yahoo dot co dot id ya", "[email] ya");
    check("jan apenstaartje devries punt nl", "[email]");
    // "at" in a sentence is not an address.
    check("look at the store", "look at the store");
    check("shoes at size nine", "shoes at size nine");
}

#[test]
fn strips_phone_numbers_in_words() {
    check(
        "zero six one two three four five six seven eight",
        "[phone]",
    );
    check("nol delapan satu dua tiga empat lima enam", "[phone]");
    check("電話零九一二三四五六七八", "電話[phone]");
    // A size or a count in words stays.
    check("size nine please", "size nine please");
    check("two pairs of socks", "two pairs of socks");
}
