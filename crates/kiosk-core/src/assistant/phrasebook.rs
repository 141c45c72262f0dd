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

/// Why `phrases.toml` does not read as a phrase book.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SourceError {
    #[error("phrases.toml: {0}")]
    Toml(String),
    #[error("phrases.toml: [{key}] is not a table")]
    NotATable { key: String },
    #[error("phrases.toml: [{key}] has no en")]
    NoEnglish { key: String },
}

pub(crate) fn parse(source: &str) -> Result<Table, SourceError> {
    let raw: toml::Table = toml::from_str(source).map_err(|e| SourceError::Toml(e.to_string()))?;
    let mut out = Table::new();
    for (key, value) in raw {
        let entry = value
            .as_table()
            .ok_or_else(|| SourceError::NotATable { key: key.clone() })?;
        let text = |lang: Lang| -> Option<String> {
            entry
                .get(lang.code())
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let en = text(Lang::En).ok_or_else(|| SourceError::NoEnglish { key: key.clone() })?;
        // A missing translation falls back to English rather than failing
        // at run time; the test suite requires all four.
        let pick = |lang| text(lang).unwrap_or_else(|| en.clone());
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

/// Why a phrase was not rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhraseError {
    /// No such key in `phrases.toml`.
    #[error("phrase {key} is missing from phrases.toml")]
    UnknownKey { key: String },
    /// A placeholder's value is empty and the phrase has no `<key>_none`
    /// form without it.
    #[error("phrase {key} would say an empty {{{slot}}}")]
    EmptySlot { key: String, slot: String },
    /// A placeholder was given no value.
    #[error("phrase {key} has no value for {{{slot}}}")]
    Unfilled { key: String, slot: String },
}

/// The placeholders of a template, in order: `{title}` gives `title`.
pub(crate) fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        out.push(&rest[open + 1..open + len]);
        rest = &rest[open + len + 1..];
    }
    out
}

/// The template for `key` in `lang`, with every `{name}` placeholder filled.
///
/// A sentence is never rendered with an empty value ("It comes in ."): when a
/// placeholder's value is blank, the `<key>_none` form (the same sentence
/// without it) is rendered instead, and without one the phrase is refused.
pub fn render(lang: Lang, key: &str, args: &[(&str, &str)]) -> Result<String, PhraseError> {
    let entry = table().get(key).ok_or_else(|| PhraseError::UnknownKey {
        key: key.to_string(),
    })?;
    let template = &entry[index(lang)];
    let slots = placeholders(template);
    let value = |slot: &str| {
        args.iter()
            .find(|(name, _)| *name == slot)
            .map(|(_, value)| *value)
    };
    if let Some(empty) = slots
        .iter()
        .find(|slot| value(slot).is_some_and(|v| v.trim().is_empty()))
    {
        let none_key = format!("{key}_none");
        if table().contains_key(&none_key) {
            return render(lang, &none_key, args).map_err(|e| match e {
                PhraseError::EmptySlot { slot, .. } => PhraseError::EmptySlot {
                    key: key.to_string(),
                    slot,
                },
                other => other,
            });
        }
        return Err(PhraseError::EmptySlot {
            key: key.to_string(),
            slot: (*empty).to_string(),
        });
    }
    let mut text = template.clone();
    for slot in slots {
        let value = value(slot).ok_or_else(|| PhraseError::Unfilled {
            key: key.to_string(),
            slot: slot.to_string(),
        })?;
        text = text.replace(&format!("{{{slot}}}"), value);
    }
    Ok(text)
}

/// [`render`], or an empty string for a refused phrase: callers building a
/// sentence from pieces pass it on, and the phrase that uses the piece then
/// takes its `_none` form or is refused in turn.
pub fn say(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    render(lang, key, args).unwrap_or_default()
}

/// All keys, for tests.
pub fn keys() -> Vec<&'static str> {
    table().keys().map(String::as_str).collect()
}

/// Joins items as a list in the language: "a, b and c". Blank items are
/// left out, so a list of nothing is empty (and a phrase given it takes its
/// `_none` form) rather than " and ". Items that hold a comma themselves
/// ("size S, black") are set apart with semicolons, so each reads as one.
pub fn list(lang: Lang, items: &[String]) -> String {
    let items: Vec<String> = items
        .iter()
        .filter(|i| !i.trim().is_empty())
        .cloned()
        .collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        _ => {
            let (last, rest) = items.split_last().expect("not empty");
            match lang {
                Lang::Zh => format!("{}和{}", rest.join("、"), last),
                _ => format!(
                    "{} {} {}",
                    rest.join(if items.iter().any(|i| i.contains(", ")) {
                        "; "
                    } else {
                        ", "
                    }),
                    say(lang, "word_and", &[]),
                    last
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests;
