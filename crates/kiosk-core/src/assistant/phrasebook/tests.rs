use std::collections::BTreeSet;

use super::*;

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.insert(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

#[test]
fn every_phrase_has_four_languages_with_the_same_placeholders() {
    let raw: toml::Table = toml::from_str(SOURCE).expect("valid TOML");
    assert!(raw.len() > 80);
    for (key, value) in &raw {
        let entry = value.as_table().expect("a table");
        let en = entry
            .get("en")
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("[{key}] has no en"));
        for lang in ["nl", "id", "zh"] {
            let text = entry
                .get(lang)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("[{key}] has no {lang}"));
            assert_eq!(placeholders(text), placeholders(en), "[{key}] {lang}");
            assert!(
                !text.trim().is_empty() || en.trim().is_empty(),
                "[{key}] {lang} is empty"
            );
        }
    }
}

#[test]
fn say_fills_placeholders() {
    let s = say(
        Lang::En,
        "price_one",
        &[("title", "Velo Sock"), ("price", "€ 9.95")],
    );
    assert_eq!(s, "Velo Sock costs € 9.95.");
    let nl = say(
        Lang::Nl,
        "price_one",
        &[("title", "Velo Sock"), ("price", "€ 9,95")],
    );
    assert!(
        nl.contains("Velo Sock") && nl.contains("€ 9,95") && !nl.contains('{'),
        "{nl}"
    );
}

#[test]
fn lists_join_in_each_language() {
    let items = vec!["a".to_string(), "b".to_string(), "c".to_string()];
    assert_eq!(list(Lang::En, &items), "a, b and c");
    assert_eq!(list(Lang::Zh, &items), "a、b和c");
    assert!(list(Lang::Nl, &items).ends_with(" c"));
}
