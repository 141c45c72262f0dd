//! The store's own vocabulary, read from its index when a snapshot opens:
//! every stemmed word of its product text and every size/colour option
//! term, all derived from the store's export at import. Search reads the
//! built-in lexicon through it, so a concept reaches products only through
//! words this store uses, and a spelling correction is tried only for a
//! word this store does not hold.

use std::collections::HashSet;

use tantivy::Searcher;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;

use super::{Fields, analyzer};

#[derive(Debug, Default)]
pub struct StoreVocabulary {
    /// Stemmed words of titles, brands, categories, tags, colours and
    /// descriptions.
    stems: HashSet<String>,
    /// `s:…`, `c:…` option terms of any variant.
    options: HashSet<String>,
}

impl StoreVocabulary {
    pub fn read(searcher: &Searcher, fields: &Fields) -> tantivy::Result<StoreVocabulary> {
        let text_fields = [
            fields.title,
            fields.brand,
            fields.category,
            fields.tags,
            fields.colors,
            fields.description,
        ];
        let mut stems = HashSet::new();
        // The parts of the short fields' words are in a field of their
        // own, in an index that has one.
        for field in text_fields.into_iter().chain(fields.parts) {
            collect(searcher, field, &mut stems)?;
        }
        let mut options = HashSet::new();
        collect(searcher, fields.opt, &mut options)?;
        Ok(StoreVocabulary { stems, options })
    }

    /// Whether every word of `text`, read by `stemmed`, is in the store's
    /// product text.
    pub fn holds(&self, stemmed: &mut TextAnalyzer, text: &str) -> bool {
        let terms = analyzer::terms(stemmed, text);
        !terms.is_empty() && terms.iter().all(|t| self.stems.contains(t))
    }

    /// Whether the store's product text has this stemmed word.
    pub fn holds_stem(&self, stem: &str) -> bool {
        self.stems.contains(stem)
    }

    /// Whether some variant has this option term (`s:l`, `c:black`).
    pub fn has_option(&self, term: &str) -> bool {
        self.options.contains(term)
    }
}

fn collect(searcher: &Searcher, field: Field, into: &mut HashSet<String>) -> tantivy::Result<()> {
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            if let Ok(word) = std::str::from_utf8(stream.key())
                && !into.contains(word)
            {
                into.insert(word.to_string());
            }
        }
    }
    Ok(())
}
