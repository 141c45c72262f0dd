//! The pictogram a product without a photo shows: chosen by the words of its
//! category, then of its title, from the data in
//! `assets/icons/pictograms.toml` (compiled in), so any store in any of the
//! kiosk's languages gets a fitting picture and a neutral one otherwise.

use std::sync::OnceLock;

use kiosk_core::text::fold;
use serde::Deserialize;

const DATA: &str = include_str!("../../assets/icons/pictograms.toml");

#[derive(Debug, Deserialize)]
struct File {
    default: String,
    pictogram: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    icon: String,
    words: Vec<String>,
}

/// The pictograms in the order `ui/widgets/pictogram.slint` lists them:
/// the default first, then each entry's icon.
pub struct Pictograms {
    icons: Vec<String>,
    /// Per entry (index in `icons` minus one), its folded words.
    words: Vec<Vec<String>>,
}

impl Pictograms {
    fn parse(text: &str) -> Result<Pictograms, toml::de::Error> {
        let file: File = toml::from_str(text)?;
        let mut icons = vec![file.default];
        let mut words = Vec::new();
        for entry in file.pictogram {
            icons.push(entry.icon);
            words.push(entry.words.iter().map(|w| fold(w.trim())).collect());
        }
        Ok(Pictograms { icons, words })
    }

    /// The compiled-in mapping.
    pub fn get() -> &'static Pictograms {
        static MAPPING: OnceLock<Pictograms> = OnceLock::new();
        MAPPING.get_or_init(|| {
            Pictograms::parse(DATA).expect("assets/icons/pictograms.toml is checked by its tests")
        })
    }

    /// Icon names, index = what [`Pictograms::pick`] returns.
    pub fn icons(&self) -> &[String] {
        &self.icons
    }

    /// The pictogram for a product: its category's words first, then its
    /// title's; 0 (the default) when none matches.
    pub fn pick(&self, category: Option<&str>, title: &str) -> usize {
        for text in [category.unwrap_or(""), title] {
            if let Some(i) = self.find(text) {
                return i + 1;
            }
        }
        0
    }

    fn find(&self, text: &str) -> Option<usize> {
        let folded = fold(text);
        let tokens: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|t| !t.is_empty())
            .collect();
        self.words
            .iter()
            .position(|words| words.iter().any(|w| matches(w, &folded, &tokens)))
    }
}

/// A word of the mapping against a text: Chinese anywhere; a phrase as
/// whole words; a Latin word as a token, its plural, or a compound's end.
fn matches(word: &str, folded: &str, tokens: &[&str]) -> bool {
    if word.chars().any(is_han) {
        return folded.contains(word);
    }
    if word.contains(' ') {
        return format!(" {} ", tokens.join(" ")).contains(&format!(" {word} "));
    }
    tokens
        .iter()
        .any(|t| stems(t).any(|s| s == word || (word.chars().count() >= 4 && s.ends_with(word))))
}

/// A token and what it is without a plural ending.
fn stems(token: &str) -> impl Iterator<Item = String> + '_ {
    let mut out = vec![token.to_string()];
    for (ending, replace) in [("ies", "y"), ("es", ""), ("s", ""), ("en", "")] {
        if let Some(stem) = token.strip_suffix(ending)
            && stem.chars().count() >= 2
        {
            out.push(format!("{stem}{replace}"));
        }
    }
    out.into_iter()
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x2ffff)
}

#[cfg(test)]
mod tests;
