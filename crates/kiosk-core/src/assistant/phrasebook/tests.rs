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

const LANGS: [Lang; 4] = [Lang::En, Lang::Nl, Lang::Id, Lang::Zh];

/// Text that shows a placeholder was filled with nothing.
fn looks_unfilled(text: &str) -> bool {
    [
        ": .", ":.", "：。", " in .", " in ,", "  ", "()", "（）", "“”", "„”", "「」", "，。",
        "、。",
    ]
    .iter()
    .any(|bad| text.contains(bad))
        || text.trim_end().ends_with(" in")
}

// Issue 13: every phrase in every language renders with every placeholder
// filled, and no language is missing a key.
#[test]
fn issue_13_every_phrase_renders_in_every_language() {
    let raw: toml::Table = toml::from_str(SOURCE).expect("valid TOML");
    for (key, value) in &raw {
        let entry = value.as_table().expect("a table");
        for lang in LANGS {
            assert!(
                entry.get(lang.code()).and_then(|v| v.as_str()).is_some(),
                "[{key}] has no {}",
                lang.code()
            );
            let template = &table()[key.as_str()][index(lang)];
            let slots = placeholders(template);
            let args: Vec<(&str, &str)> = slots.iter().map(|s| (s.as_str(), "X1")).collect();
            let text =
                render(lang, key, &args).unwrap_or_else(|e| panic!("[{key}] {}: {e}", lang.code()));
            assert!(
                !text.contains('{') && !text.contains('}'),
                "[{key}] {} leaves a placeholder: {text}",
                lang.code()
            );
            assert_eq!(
                text.matches("X1").count(),
                template.matches('{').count(),
                "[{key}] {}: {text}",
                lang.code()
            );
        }
    }
}

// Issue 13: a placeholder left without a value is refused, not said as
// "{options}".
#[test]
fn issue_13_missing_values_are_refused() {
    assert_eq!(
        render(Lang::En, "price_one", &[("title", "Velo Sock")]),
        Err(PhraseError::Unfilled {
            key: "price_one".into(),
            slot: "price".into()
        })
    );
    assert!(matches!(
        render(Lang::En, "no_such_phrase", &[]),
        Err(PhraseError::UnknownKey { .. })
    ));
}

// Issue 13: "It comes in ." and "…可選擇：。" — a phrase with an empty list
// takes its `_none` form or is refused, in every language, for every
// placeholder.
#[test]
fn issue_13_empty_values_never_render_an_empty_list() {
    for key in keys() {
        for lang in LANGS {
            let template = &table()[key][index(lang)];
            let slots = placeholders(template);
            for empty in &slots {
                for blank in ["", " "] {
                    let args: Vec<(&str, &str)> = slots
                        .iter()
                        .map(|s| (s.as_str(), if s == empty { blank } else { "X1" }))
                        .collect();
                    match render(lang, key, &args) {
                        Err(PhraseError::EmptySlot { key: k, slot }) => {
                            assert_eq!((k.as_str(), slot.as_str()), (key, empty.as_str()));
                        }
                        Err(e) => panic!("[{key}] {}: {e}", lang.code()),
                        Ok(text) => {
                            let none = format!("{key}_none");
                            assert_eq!(
                                Some(&text),
                                table()
                                    .get(&none)
                                    .map(|e| {
                                        let mut t = e[index(lang)].clone();
                                        for s in placeholders(&t.clone()) {
                                            t = t.replace(&format!("{{{s}}}"), "X1");
                                        }
                                        t
                                    })
                                    .as_ref(),
                                "[{key}] {} with an empty {{{empty}}}",
                                lang.code()
                            );
                            assert!(
                                !looks_unfilled(&text) && !text.contains('{'),
                                "[{key}] {} with an empty {{{empty}}}: {text:?}",
                                lang.code()
                            );
                        }
                    }
                }
            }
        }
    }
    // The two sentences of the issue.
    let args = [
        ("title", "Velo Tee"),
        ("options", "size M"),
        ("available", ""),
    ];
    assert_eq!(
        render(Lang::En, "not_made_in", &args).as_deref(),
        Ok("Velo Tee doesn't come in size M.")
    );
    let zh = render(
        Lang::Zh,
        "not_made_in",
        &[
            ("title", "Velo Tee"),
            ("options", "尺寸 M"),
            ("available", ""),
        ],
    );
    assert_eq!(zh.as_deref(), Ok("Velo Tee沒有尺寸 M的款式。"));
    assert_eq!(
        render(
            Lang::En,
            "other_sizes_in_stock",
            &[("list", &list(Lang::En, &[]))]
        )
        .as_deref(),
        Ok("No other sizes are in stock.")
    );
}

// Issue 13: each `_none` form belongs to a phrase and drops at least one of
// its placeholders, adding none.
#[test]
fn issue_13_none_forms_drop_a_placeholder() {
    for key in keys().into_iter().filter(|k| k.ends_with("_none")) {
        let base = &key[..key.len() - "_none".len()];
        let Some(base_entry) = table().get(base) else {
            // A phrase of its own whose name ends in "_none" ("cheaper_none").
            continue;
        };
        for lang in LANGS {
            let own = placeholders(&table()[key][index(lang)]);
            let theirs = placeholders(&base_entry[index(lang)]);
            assert!(
                own.is_subset(&theirs),
                "[{key}] {} adds a placeholder",
                lang.code()
            );
            assert!(
                own.len() < theirs.len(),
                "[{key}] {} drops none",
                lang.code()
            );
        }
    }
}

// Issue 13: a list-valued slot given only blank items renders as no list at
// all, in every language, for every phrase that takes a list.
#[test]
fn issue_13_lists_of_blanks_are_empty() {
    let blanks = vec![String::new(), " ".to_string()];
    for lang in LANGS {
        assert_eq!(list(lang, &blanks), "", "{}", lang.code());
        assert_eq!(
            list(lang, &["a".to_string(), String::new()]),
            "a",
            "{}",
            lang.code()
        );
    }
    let list_slots = ["list", "available", "options", "steps"];
    let mut checked = 0;
    for key in keys() {
        for lang in LANGS {
            let template = &table()[key][index(lang)];
            let slots = placeholders(template);
            if !slots.iter().any(|s| list_slots.contains(&s.as_str())) {
                continue;
            }
            let empty = list(lang, &blanks);
            let args: Vec<(&str, &str)> = slots
                .iter()
                .map(|s| {
                    (
                        s.as_str(),
                        if list_slots.contains(&s.as_str()) {
                            empty.as_str()
                        } else {
                            "X1"
                        },
                    )
                })
                .collect();
            if let Ok(text) = render(lang, key, &args) {
                assert!(
                    !looks_unfilled(&text) && !text.contains('{'),
                    "[{key}] {}: {text:?}",
                    lang.code()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} list phrases");
}

#[test]
fn a_bad_phrase_book_says_what_is_wrong() {
    let check = |source: &str, expected: SourceError| {
        assert_eq!(parse(source).expect_err(source), expected);
    };
    check(
        "greeting = 'hello'",
        SourceError::NotATable {
            key: "greeting".into(),
        },
    );
    check(
        "[greeting]\nnl = 'hallo'",
        SourceError::NoEnglish {
            key: "greeting".into(),
        },
    );
    assert!(matches!(parse("[greeting"), Err(SourceError::Toml(_))));
    // A missing translation is English, not an error.
    let table = parse("[greeting]\nen = 'hello'\nnl = 'hallo'").expect("parses");
    assert_eq!(table["greeting"], ["hello", "hallo", "hello", "hello"]);
}
