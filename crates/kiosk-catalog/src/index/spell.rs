//! Spelling help built from the index's own word list: which words exist
//! (and how common they are), and which sound alike. Tantivy's fuzzy queries
//! catch typos within an edit distance; the sound key catches spellings that
//! are far in edits but close in sound (`neckless` → `necklace`).

use std::collections::HashMap;

use kiosk_core::text::{edit_distance_within, sound_key};
use tantivy::Searcher;
use tantivy::schema::Field;

#[derive(Debug, Default)]
pub struct SpellIndex {
    doc_freq: HashMap<String, u32>,
    /// Every word, sorted, for prefix lookups.
    sorted: Vec<String>,
    /// Alphabetic words by first letter, for typo lookups.
    by_initial: HashMap<char, Vec<String>>,
    by_sound: HashMap<String, Vec<String>>,
}

impl SpellIndex {
    pub fn build(searcher: &Searcher, field: Field) -> tantivy::Result<SpellIndex> {
        let mut doc_freq: HashMap<String, u32> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                if let Ok(word) = std::str::from_utf8(stream.key()) {
                    *doc_freq.entry(word.to_string()).or_default() += stream.value().doc_freq;
                }
            }
        }
        let mut by_sound: HashMap<String, Vec<String>> = HashMap::new();
        for word in doc_freq.keys() {
            if word.len() >= 4 && word.chars().all(|c| c.is_ascii_alphabetic()) {
                by_sound
                    .entry(sound_key(word))
                    .or_default()
                    .push(word.clone());
            }
        }
        for words in by_sound.values_mut() {
            words.sort_by(|a, b| doc_freq[b].cmp(&doc_freq[a]).then(a.cmp(b)));
            words.truncate(4);
        }
        let mut sorted: Vec<String> = doc_freq.keys().cloned().collect();
        sorted.sort();
        let mut by_initial: HashMap<char, Vec<String>> = HashMap::new();
        for word in &sorted {
            if word.chars().count() >= 3
                && word.chars().all(char::is_alphabetic)
                && let Some(c) = word.chars().next()
            {
                by_initial.entry(c).or_default().push(word.clone());
            }
        }
        Ok(SpellIndex {
            doc_freq,
            sorted,
            by_initial,
            by_sound,
        })
    }

    /// Index words within `max` edits of `word` (transpositions count one)
    /// that start with the same letter, closest and most common first.
    /// Typos rarely hit the first letter, and requiring it keeps nonsense
    /// from matching something by chance.
    pub fn near(&self, word: &str, max: usize) -> Vec<String> {
        let Some(initial) = word.chars().next() else {
            return Vec::new();
        };
        let Some(candidates) = self.by_initial.get(&initial) else {
            return Vec::new();
        };
        let mut found: Vec<(usize, u32, &String)> = candidates
            .iter()
            .filter_map(|c| edit_distance_within(word, c, max).map(|d| (d, self.doc_freq[c], c)))
            .filter(|(d, _, _)| *d > 0)
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        found
            .into_iter()
            .take(5)
            .map(|(_, _, w)| w.clone())
            .collect()
    }

    /// Whether some word in the index starts with `prefix`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        let idx = self.sorted.partition_point(|w| w.as_str() < prefix);
        self.sorted.get(idx).is_some_and(|w| w.starts_with(prefix))
    }

    pub fn contains(&self, word: &str) -> bool {
        self.doc_freq.contains_key(word)
    }

    /// Words in the index that sound like `word`, most common first. Only
    /// for alphabetic words long enough for the key to mean something.
    pub fn sounds_like(&self, word: &str) -> Vec<String> {
        if word.len() < 5 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return Vec::new();
        }
        // Same sound, same first letter, and not too far in spelling: the
        // sound key alone lets nonsense find something.
        self.by_sound
            .get(&sound_key(word))
            .map(|words| {
                words
                    .iter()
                    .filter(|w| w.chars().next() == word.chars().next())
                    .filter(|w| edit_distance_within(word, w, 3).is_some())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}
