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

fn shows(minor: i64, currency: &str, lang: crate::Lang, expected: &str) {
    assert_eq!(
        Money::from_minor(minor).display(currency, lang),
        expected,
        "{minor} {currency} in {lang:?}"
    );
}

#[test]
fn formats_per_language() {
    use crate::Lang::{En, Id, Nl, Zh};
    let m = Money::from_minor(1250);
    assert_eq!(m.to_string(), "12.50");
    shows(1250, "EUR", En, "€ 12.50");
    shows(1250, "EUR", Nl, "€ 12,50");
    shows(2400, "EUR", Nl, "€ 24,00");
    shows(2400, "EUR", Id, "€ 24,00");
    shows(2400, "EUR", Zh, "€ 24.00");
    // Thousands are grouped in each language's way.
    shows(129_900, "EUR", En, "€ 1,299.00");
    shows(129_900, "EUR", Nl, "€ 1.299,00");
    shows(123_456_789, "USD", Zh, "$ 1,234,567.89");
    shows(0, "GBP", En, "£ 0.00");
}

// Issue 18: rupiah used to read "Rp 150000,00": no grouping, and decimals
// Indonesians do not use.
#[test]
fn whole_unit_currencies_show_no_decimals() {
    use crate::Lang::{En, Id, Nl, Zh};
    shows(15_000_000, "IDR", Id, "Rp 150.000");
    shows(15_000_000, "IDR", En, "Rp 150,000");
    shows(149_999_950, "IDR", Id, "Rp 1.500.000");
    shows(120_000, "TWD", Zh, "NT$ 1,200");
    shows(120_000, "TWD", Nl, "NT$ 1.200");
    shows(99_900, "JPY", En, "¥ 999");
}

#[test]
fn an_unknown_currency_is_named_by_its_code() {
    shows(177_000, "RSD", crate::Lang::En, "RSD 1,770.00");
    shows(500, "ZZZZ", crate::Lang::Nl, "5,00 ZZZZ");
}

#[test]
fn json_prices_are_decimals_and_read_back_exactly() {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct P {
        #[serde(with = "decimal")]
        price: Money,
        #[serde(with = "decimal::option", default)]
        max: Option<Money>,
    }
    for minor in [0, 1, 995, 9995, 199_999_999, 15_000_000] {
        let p = P {
            price: Money::from_minor(minor),
            max: Some(Money::from_minor(minor + 1)),
        };
        let json = serde_json::to_string(&p).expect("json");
        assert_eq!(
            serde_json::from_str::<P>(&json).expect("parse"),
            p,
            "{json}"
        );
    }
    let json = serde_json::to_string(&P {
        price: Money::from_minor(9995),
        max: None,
    })
    .expect("json");
    assert_eq!(json, r#"{"price":99.95,"max":null}"#);
}
