//! The assistant's sentences, from `phrases.toml` (compiled in). A sentence is
//! a template whose only facts are the placeholders the caller fills from the
//! snapshot.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::Lang;

const SOURCE: &str = include_str!("phrases.toml");

type Table = HashMap<String, [String; 4]>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| parse(SOURCE).expect("phrases.toml is valid (checked by a test)"))
}

pub(crate) fn parse(source: &str) -> Result<Table, String> {
    let raw: toml::Table = toml::from_str(source).map_err(|e| e.to_string())?;
    let mut out = Table::new();
    for (key, value) in raw {
        let entry = value
            .as_table()
            .ok_or_else(|| format!("[{key}] is not a table"))?;
        let text = |lang: Lang| -> Result<String, String> {
            entry
                .get(lang.code())
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| format!("[{key}] has no {}", lang.code()))
        };
        let en = text(Lang::En)?;
        // A missing translation falls back to English rather than failing
        // at run time; the test suite requires all four.
        let pick = |lang| text(lang).unwrap_or_else(|_| en.clone());
        out.insert(
            key.clone(),
            [en.clone(), pick(Lang::Nl), pick(Lang::Id), pick(Lang::Zh)],
        );
    }
    Ok(out)
}

fn index(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Nl => 1,
        Lang::Id => 2,
        Lang::Zh => 3,
    }
}

/// The template for `key` in `lang`, with `{name}` placeholders filled.
pub fn say(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let Some(entry) = table().get(key) else {
        debug_assert!(false, "phrase {key} is missing from phrases.toml");
        return String::new();
    };
    let mut text = entry[index(lang)].clone();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// All keys, for tests.
pub fn keys() -> Vec<&'static str> {
    table().keys().map(String::as_str).collect()
}

/// Joins items as a list in the language: "a, b and c".
pub fn list(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        _ => {
            let (last, rest) = items.split_last().expect("not empty");
            match lang {
                Lang::Zh => format!("{}和{}", rest.join("、"), last),
                _ => format!(
                    "{} {} {}",
                    rest.join(", "),
                    say(lang, "word_and", &[]),
                    last
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests;
