//! Spelling help built from the index's own word list: which words exist
//! (and how common they are), and which sound alike. Tantivy's fuzzy queries
//! catch typos within an edit distance; the sound key catches spellings that
//! are far in edits but close in sound (`neckless` → `necklace`).

use std::collections::HashMap;

use kiosk_core::text::sound_key;
use tantivy::Searcher;
use tantivy::schema::Field;

#[derive(Debug, Default)]
pub struct SpellIndex {
    doc_freq: HashMap<String, u32>,
    /// Every word, sorted, for prefix lookups.
    sorted: Vec<String>,
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
        Ok(SpellIndex {
            doc_freq,
            sorted,
            by_sound,
        })
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
    pub fn sounds_like(&self, word: &str) -> &[String] {
        if word.len() < 5 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return &[];
        }
        self.by_sound
            .get(&sound_key(word))
            .map_or(&[], Vec::as_slice)
    }
}
