//! Search by words and by meaning together.
//!
//! The lexical plan (Tantivy) and the nearest product vectors are fused by
//! reciprocal rank: a product's score is the sum of `1 / (RRF_K + rank)`
//! over the lists it is in. Both sides see the same filters. Products the
//! shopper named (every word of the query in the title, and a full lexical
//! match) come first, in the lexical order, whatever the vectors say.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use kiosk_core::TextMeaning;
use kiosk_core::text::{fold, is_cjk, is_stopword};
use kiosk_core::traits::BackendError;
use kiosk_embed::{Embedder, TextKind};

use crate::vectors::Nearest;

/// Reciprocal rank fusion's damping constant (the usual 60).
pub const RRF_K: f32 = 60.0;
/// How many products each side ranks for the fusion, at least.
pub const POOL: usize = 40;
/// A product is near a query when its similarity stands this many standard
/// deviations above the query's mean similarity over the allowed products.
pub const MIN_Z: f32 = 3.0;
/// ... and this many when no word of the query matched any product: then
/// the vectors alone decide whether the store has anything, and a thing
/// the store does not sell ("piano" in a sports shop) still has nearest
/// products a little above the rest.
pub const MIN_Z_ALONE: f32 = 3.5;
/// Query vectors kept, so the searches of one turn (relaxing a filter,
/// counting, listing) embed its words once.
const CACHED_QUERIES: usize = 8;

/// The query side of the vector search: the model and its recent queries.
pub struct QueryEncoder {
    embedder: Arc<Embedder>,
    cache: Mutex<VecDeque<(String, Arc<Vec<f32>>)>>,
}

impl QueryEncoder {
    pub fn new(embedder: Arc<Embedder>) -> QueryEncoder {
        QueryEncoder {
            embedder,
            cache: Mutex::new(VecDeque::new()),
        }
    }

    pub fn embedder(&self) -> &Arc<Embedder> {
        &self.embedder
    }

    /// Drops the recent query vectors (so a benchmark times each query's
    /// embedding).
    pub fn forget(&self) {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// The query vector of `text`, computed once for recent texts.
    pub fn vector(&self, text: &str) -> Arc<Vec<f32>> {
        let lock = || {
            self.cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some((_, v)) = lock().iter().find(|(t, _)| t == text) {
            return v.clone();
        }
        let vector = Arc::new(self.embedder.embed(TextKind::Query, text));
        let mut cache = lock();
        if cache.len() >= CACHED_QUERIES {
            cache.pop_front();
        }
        cache.push_back((text.to_string(), vector.clone()));
        vector
    }
}

/// A question weighed against passages (a description's sentences), as a
/// query against passages, by cosine similarity.
impl TextMeaning for QueryEncoder {
    fn similarities(&self, question: &str, passages: &[&str]) -> Result<Vec<f32>, BackendError> {
        let query = self.vector(question);
        Ok(self
            .embedder
            .embed_batch(TextKind::Passage, passages)
            .iter()
            .map(|passage| kiosk_embed::cosine(&query, passage))
            .collect())
    }
}

/// Whether `title` holds every word the shopper said (`words`: the query's
/// own words, stop words dropped), so the query names the product.
pub fn title_names(words: &[String], title: &str) -> bool {
    let title = fold(title);
    let title_words: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut any = false;
    for word in words {
        for w in fold(word)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !is_stopword(w))
        {
            any = true;
            let found = if w.chars().any(is_cjk) {
                title.contains(w)
            } else {
                title_words.iter().any(|t| {
                    *t == w
                        || (w.len() >= 4 && t.starts_with(w))
                        || (t.len() >= 4 && w.starts_with(t))
                })
            };
            if !found {
                return false;
            }
        }
    }
    any
}

/// Fuses the lexical hits (rowid, score, full match; best first) with the
/// vector hits that stand out (rowid, similarity; best first). `exact`
/// says which lexical hits the shopper named: they lead, in lexical order.
/// Returns (rowid, fused score, full match), best first, at most `limit`.
pub fn fuse(
    lexical: &[(u64, f32, bool)],
    exact: &[bool],
    near: &Nearest,
    limit: usize,
) -> Vec<(u64, f32, bool)> {
    let mut out: Vec<(u64, f32, bool)> = Vec::new();
    let mut named: Vec<u64> = Vec::new();
    for (i, &(rowid, _, full)) in lexical.iter().enumerate() {
        if exact.get(i).copied().unwrap_or(false) {
            out.push((rowid, 2.0 + 1.0 / (RRF_K + i as f32 + 1.0), full));
            named.push(rowid);
        }
    }
    // (fused score, full match, best vector similarity for ties)
    let mut rest: HashMap<u64, (f32, bool, f32)> = HashMap::new();
    let mut rank = 0;
    for &(rowid, _, full) in lexical {
        if named.contains(&rowid) {
            continue;
        }
        rank += 1;
        let entry = rest.entry(rowid).or_insert((0.0, full, f32::MIN));
        entry.0 += 1.0 / (RRF_K + rank as f32);
    }
    let min_z = if lexical.is_empty() {
        MIN_Z_ALONE
    } else {
        MIN_Z
    };
    let mut rank = 0;
    for (rowid, similarity) in near.stands_out(min_z) {
        if named.contains(&rowid) {
            continue;
        }
        rank += 1;
        let entry = rest.entry(rowid).or_insert((0.0, false, f32::MIN));
        entry.0 += 1.0 / (RRF_K + rank as f32);
        entry.2 = entry.2.max(similarity);
    }
    let mut rest: Vec<(u64, (f32, bool, f32))> = rest.into_iter().collect();
    rest.sort_by(|a, b| {
        b.1.0
            .total_cmp(&a.1.0)
            .then(b.1.2.total_cmp(&a.1.2))
            .then(a.0.cmp(&b.0))
    });
    out.extend(
        rest.into_iter()
            .map(|(rowid, (score, full, _))| (rowid, score, full)),
    );
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_title_names_the_product_when_it_has_every_word() {
        assert!(title_names(
            &words(&["rain", "jackets"]),
            "Rain Jacket Navy"
        ));
        assert!(title_names(&words(&["the", "rain jacket"]), "Rain Jacket"));
        assert!(!title_names(&words(&["rain", "boots"]), "Rain Jacket"));
        assert!(title_names(&words(&["雨衣"]), "防水雨衣，帶帽"));
        assert!(
            !title_names(&words(&["the"]), "The Jacket"),
            "stop words name nothing"
        );
    }

    fn near(hits: &[(u64, f32)]) -> Nearest {
        Nearest {
            hits: hits.to_vec(),
            mean: 0.5,
            std_dev: 0.01,
        }
    }

    #[test]
    fn named_products_lead_and_the_rest_is_fused_by_rank() {
        let lexical = [(1, 9.0, true), (2, 8.0, true), (3, 1.0, false)];
        let exact = [false, true, false];
        let fused = fuse(&lexical, &exact, &near(&[(4, 0.9), (3, 0.8), (2, 0.7)]), 10);
        let ids: Vec<u64> = fused.iter().map(|h| h.0).collect();
        // 2 is named; 3 is second on both sides; 1 and 4 are first on one.
        assert_eq!(ids, [2, 3, 4, 1]);
        assert!(
            fused[0].2 && !fused[1].2,
            "full match flags are the lexical side's"
        );
    }

    #[test]
    fn without_lexical_hits_the_vectors_must_stand_out_further() {
        let fused = fuse(&[], &[], &near(&[(4, 0.54), (5, 0.532)]), 10);
        let ids: Vec<u64> = fused.iter().map(|h| h.0).collect();
        assert_eq!(ids, [4]);
    }

    #[test]
    fn vector_hits_that_do_not_stand_out_are_left_out() {
        let lexical = [(1, 9.0, false)];
        // 0.52 is two standard deviations above the mean: not near.
        let fused = fuse(&lexical, &[false], &near(&[(4, 0.6), (5, 0.52)]), 10);
        let ids: Vec<u64> = fused.iter().map(|h| h.0).collect();
        assert_eq!(ids, [4, 1], "ties go to the better vector similarity");
    }
}
