//! The model file's normalisation as a `tokenizers` normaliser: each code
//! point replaced through the file's table (by zero, one or several code
//! points), then runs of spaces collapsed to one, in one pass that keeps the
//! alignment to the original text.
//!
//! The table is per code point, not the SentencePiece precompiled charsmap
//! (which matches multi-character sequences), so `Precompiled` does not
//! apply; this is what the reference implementation does.

use std::collections::HashMap;

use tokenizers::{NormalizedString, Normalizer};

/// Per-code-point replacement and space collapse.
#[derive(Debug, Clone)]
pub(crate) struct TableNormalizer {
    replacements: HashMap<char, Box<[char]>>,
}

impl TableNormalizer {
    pub(crate) fn new(table: &[(char, Box<[char]>)]) -> TableNormalizer {
        TableNormalizer {
            replacements: table.iter().cloned().collect(),
        }
    }

    /// The normalised text of `text` with, for each of its characters, the
    /// `NormalizedString::transform` change (0: in place of an original
    /// character, 1: inserted, −n: in place of one and n removed after it)
    /// and how many original characters were removed before the first.
    fn changes(&self, text: &str) -> (Vec<(char, isize)>, usize) {
        let mut out: Vec<(char, isize)> = Vec::with_capacity(text.len());
        let mut removed_at_start = 0;
        for c in text.chars() {
            let replacement = match self.replacements.get(&c) {
                Some(chars) => chars,
                None => std::slice::from_ref(&c),
            };
            let mut kept = 0;
            for &r in replacement {
                if r == ' ' && out.last().is_some_and(|(last, _)| *last == ' ') {
                    continue;
                }
                out.push((r, if kept == 0 { 0 } else { 1 }));
                kept += 1;
            }
            if kept == 0 {
                // Nothing left of this character: it counts as removed after
                // the previous output character, or before the first.
                match out.last_mut() {
                    Some((_, change)) => *change -= 1,
                    None => removed_at_start += 1,
                }
            }
        }
        (out, removed_at_start)
    }
}

impl Normalizer for TableNormalizer {
    fn normalize(&self, normalized: &mut NormalizedString) -> tokenizers::Result<()> {
        let (changes, removed_at_start) = self.changes(normalized.get());
        normalized.transform(changes, removed_at_start);
        Ok(())
    }
}
