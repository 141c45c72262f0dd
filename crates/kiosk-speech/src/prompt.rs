//! Whisper's initial prompt from the store's own words.
//!
//! Whisper decodes a clip as the continuation of its "initial prompt", so
//! names that appear there come through much more often: "Velora" rather
//! than "Vilora", "Kestrel" rather than "Kestral". The prompt is built from
//! the snapshot (brands, product lines, categories in the shopper's
//! language, colours), never from a fixed list, and is cut to a length
//! limit: whisper.cpp keeps at most half its text context (224 tokens) of
//! prompt, and every prompt token costs decoder time.

use serde::Serialize;

/// The default limit on a prompt, in characters (about 80–120 tokens).
pub const DEFAULT_MAX_CHARS: usize = 360;

/// The store's words, as the snapshot spells them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StoreWords {
    pub brands: Vec<String>,
    /// Product titles; the line name (brand and model, e.g. "Velora
    /// Stride 3") is taken from each.
    pub titles: Vec<String>,
    /// Category names in the prompt's language.
    pub categories: Vec<String>,
    pub colors: Vec<String>,
}

/// The line name of a product title: the title up to and including its
/// first word with a digit ("Velora Stride 3 Men's Running Shoe" → "Velora
/// Stride 3"), else its first two words, if the title starts with one of
/// `brands`; `None` otherwise.
pub fn line_name(title: &str, brands: &[String]) -> Option<String> {
    let words: Vec<&str> = title.split_whitespace().collect();
    let brand = brands
        .iter()
        .filter(|b| !b.trim().is_empty())
        .find(|b| title.to_lowercase().starts_with(&b.to_lowercase()))?;
    let brand_words = brand.split_whitespace().count();
    if words.len() <= brand_words {
        return None;
    }
    let end = words
        .iter()
        .enumerate()
        .skip(brand_words)
        .take(3)
        .find(|(_, w)| w.chars().any(|c| c.is_ascii_digit()))
        .map(|(i, _)| i + 1)
        .unwrap_or(brand_words + 1);
    Some(words[..end].join(" "))
}

/// The prompt: product lines first (one per line name, the most common
/// first, as the store has most of them), then brands not named yet,
/// categories and colours, as a comma-separated list of at most
/// `max_chars` characters. Empty when the store has no words.
pub fn build(words: &StoreWords, max_chars: usize) -> String {
    let mut lines: Vec<(String, usize)> = Vec::new();
    for title in &words.titles {
        if let Some(name) = line_name(title, &words.brands) {
            match lines
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
            {
                Some((_, count)) => *count += 1,
                None => lines.push((name, 1)),
            }
        }
    }
    // Stable: equal counts keep the catalog's order.
    lines.sort_by_key(|l| std::cmp::Reverse(l.1));
    let mut parts: Vec<String> = Vec::new();
    let mut len = 0usize;
    let mut push = |part: &str, parts: &mut Vec<String>| {
        let part = part.trim();
        if part.is_empty() || parts.iter().any(|p| p.eq_ignore_ascii_case(part)) {
            return true;
        }
        let extra = part.chars().count() + if parts.is_empty() { 0 } else { 2 };
        if len + extra > max_chars {
            return false;
        }
        len += extra;
        parts.push(part.to_string());
        true
    };
    // Every brand gets a place before the second product line of any.
    let (first_lines, more_lines): (Vec<_>, Vec<_>) = {
        let mut seen: Vec<String> = Vec::new();
        lines.into_iter().partition(|(name, _)| {
            let brand = words
                .brands
                .iter()
                .find(|b| name.to_lowercase().starts_with(&b.to_lowercase()))
                .map(|b| b.to_lowercase())
                .unwrap_or_default();
            if seen.contains(&brand) {
                false
            } else {
                seen.push(brand);
                true
            }
        })
    };
    let named = |brand: &str, parts: &[String]| {
        parts
            .iter()
            .any(|p| p.to_lowercase().starts_with(&brand.to_lowercase()))
    };
    for (name, _) in &first_lines {
        push(name, &mut parts);
    }
    for brand in &words.brands {
        if !named(brand, &parts) {
            push(brand, &mut parts);
        }
    }
    for category in &words.categories {
        push(category, &mut parts);
    }
    for color in &words.colors {
        push(color, &mut parts);
    }
    for (name, _) in &more_lines {
        if !push(name, &mut parts) {
            break;
        }
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("{}.", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brands() -> Vec<String> {
        vec!["Velora".into(), "Kestrel".into(), "North Peak".into()]
    }

    #[test]
    fn a_line_name_ends_at_its_model_number() {
        let b = brands();
        assert_eq!(
            line_name("Velora Stride 3 Men's Running Shoe", &b).as_deref(),
            Some("Velora Stride 3")
        );
        assert_eq!(
            line_name("North Peak Summit Jacket", &b).as_deref(),
            Some("North Peak Summit")
        );
        assert_eq!(line_name("Plain Socks", &b), None);
        assert_eq!(line_name("Velora", &b), None);
    }

    #[test]
    fn every_brand_comes_before_the_cut() {
        let words = StoreWords {
            brands: brands(),
            titles: vec![
                "Velora Stride 3 Men's Running Shoe".into(),
                "Velora Stride 3 Women's Running Shoe".into(),
                "Velora Tempo 7 Women's Running Shoe".into(),
                "Kestrel Pulse 2 Men's Running Shoe".into(),
            ],
            categories: vec!["running shoes".into(), "socks".into()],
            colors: vec!["Black".into(), "Navy".into()],
        };
        let full = build(&words, 1000);
        assert_eq!(
            full,
            "Velora Stride 3, Kestrel Pulse 2, North Peak, running shoes, socks, Black, Navy, Velora Tempo 7."
        );
        let short = build(&words, 45);
        assert!(short.chars().count() <= 46, "{short}");
        assert!(
            short.contains("Kestrel") && short.contains("North Peak"),
            "{short}"
        );
        assert!(!short.contains("Tempo"), "{short}");
    }

    #[test]
    fn no_words_no_prompt() {
        assert_eq!(build(&StoreWords::default(), 100), "");
    }
}
