use super::*;

fn check(raw: &str, expected: Option<i64>) {
    assert_eq!(
        Money::parse_decimal(raw).map(|m| m.minor),
        expected,
        "parsing {raw:?}"
    );
}

#[test]
fn parses_the_price_shapes_found_in_exports() {
    check("12", Some(1200));
    check("12.5", Some(1250));
    check("12.50", Some(1250));
    check("12,50", Some(1250));
    check("€ 12.50", Some(1250));
    check("EUR 7,99", Some(799));
    check("1,299.00", Some(129_900));
    check("1.299,00", Some(129_900));
    check(".5", Some(50));
    check("9.999", Some(1000));
    check("abc", None);
    check("", None);
    check("-3", None);
    check("12,5,0", None);
    check("1,29.00", None);
}

#[test]
fn formats_per_language() {
    let m = Money::from_minor(1250);
    assert_eq!(m.display("EUR", crate::Lang::En), "€ 12.50");
    assert_eq!(m.display("EUR", crate::Lang::Nl), "€ 12,50");
    assert_eq!(m.to_string(), "12.50");
}
