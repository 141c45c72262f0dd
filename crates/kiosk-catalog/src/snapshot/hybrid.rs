//! Search by words and by meaning together.
//!
//! The lexical plan (Tantivy) and the nearest product vectors are fused by
//! reciprocal rank: a product's score is the sum of `1 / (RRF_K + rank)`
//! over the lists it is in. Both sides see the same filters. The products
//! every word of the query matched (by itself, or a synonym or translation
//! the store's index holds) come first, in the lexical order, whatever the
//! vectors say: a product the shopper named stays where search by words
//! puts it, and "ketting" lists necklaces before a kettlebell near it in
//! meaning. So does the lexical first hit, full match or not, unless it is
//! a partial match the meaning does not back while another product stands
//! out by meaning: words matched by accident ("te" in a model name, "cat"
//! in a brand) then do not outrank what the shopper meant. Partial
//! matches and products found by meaning alone follow, fused. How far a
//! product must stand out is relative to the catalog, and in a catalog too
//! small to reach the usual gate, to its size ([`Nearest::gate`]).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use kiosk_core::traits::BackendError;
use kiosk_core::{TextEncoder, TextMeaning};
use kiosk_embed::{Embedder, TextKind};

use crate::vectors::Nearest;

/// Reciprocal rank fusion's damping constant (the usual 60).
pub const RRF_K: f32 = 60.0;
/// The lexical search's first hits that lead whatever the vectors say: its
/// best match is the product with most of the shopper's words where they
/// weigh most, and the vectors' strength is finding what the words miss,
/// not ordering close lexical matches (on the known-item relevance set,
/// fusing the first hit too cost 0.014 NDCG@10).
pub const LEXICAL_LEAD: usize = 1;
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
/// ... and this many for an open-ended need searched by its meaning alone
/// (`Snapshot::by_meaning`): the question says what the product is for,
/// not what it is, so in a store of one kind of thing ("a gift for my
/// girlfriend" at a jeweller's) every product fits about as well and the
/// best stand only a little above the mean (1.2 standard deviations over
/// a jeweller's 40 products); the best of any catalog reach this, so the
/// gate bounds how many are suggested rather than whether any is.
pub const MIN_Z_NEED: f32 = 1.0;
/// What a shopper says when they leave the thing open, in the shopper
/// languages: read as queries, their mean is the part of any need's
/// vector that says "something" rather than what for. Short, generic
/// products (a "Belt", "Sunglasses") lie near every query and so near this
/// one too; a need's vector is weighed with it taken away
/// ([`QueryEncoder::need_vector`]), so a product is found by the need's
/// own words rather than by being near everything.
pub const OPEN_THING: &[&str] = &["something", "iets", "sesuatu", "東西"];
/// How much of [`OPEN_THING`]'s vector a need's loses: half, so the
/// need's own words still weigh with the products of its kind (all of it
/// taken away, "iets om mijn hoofd warm te houden in de winter" finds the
/// demo store's slippers before its beanies).
pub const OPEN_THING_WEIGHT: f32 = 0.5;
/// Query vectors kept, so the searches of one turn (relaxing a filter,
/// counting, listing) embed its words once, and its single words
/// (store-word translation) too, read as queries and as passages.
const CACHED_QUERIES: usize = 64;

/// A text embedded before, read as a query or as a passage, and its vector.
type Cached = (TextKind, String, Arc<Vec<f32>>);

/// The query side of the vector search: the model and its recent queries.
pub struct QueryEncoder {
    embedder: Arc<Embedder>,
    cache: Mutex<VecDeque<Cached>>,
    /// The mean query vector of [`OPEN_THING`], once needed.
    open_thing: OnceLock<Vec<f32>>,
}

impl QueryEncoder {
    pub fn new(embedder: Arc<Embedder>) -> QueryEncoder {
        QueryEncoder {
            embedder,
            cache: Mutex::new(VecDeque::new()),
            open_thing: OnceLock::new(),
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
        self.cached(TextKind::Query, text)
    }

    /// The query vector of an open-ended need, less [`OPEN_THING_WEIGHT`]
    /// of the mean vector of [`OPEN_THING`]: not a unit vector, but only
    /// its direction counts for ranking and standing out.
    pub fn need_vector(&self, text: &str) -> Vec<f32> {
        let open = self.open_thing.get_or_init(|| {
            let vectors = self.embedder.embed_batch(TextKind::Query, OPEN_THING);
            let share = 1.0 / vectors.len().max(1) as f32;
            let mut mean = vec![0.0; self.embedder.dim()];
            for v in &vectors {
                for (m, x) in mean.iter_mut().zip(v) {
                    *m += share * x;
                }
            }
            mean
        });
        let mut out = self.vector(text).to_vec();
        for (o, x) in out.iter_mut().zip(open) {
            *o -= OPEN_THING_WEIGHT * x;
        }
        out
    }

    /// The passage vector of `text` (a shopper's word read as a passage,
    /// for store-word translation), computed once for recent texts.
    pub fn passage_vector(&self, text: &str) -> Arc<Vec<f32>> {
        self.cached(TextKind::Passage, text)
    }

    fn cached(&self, kind: TextKind, text: &str) -> Arc<Vec<f32>> {
        let lock = || {
            self.cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some((_, _, v)) = lock().iter().find(|(k, t, _)| *k == kind && t == text) {
            return v.clone();
        }
        let vector = Arc::new(self.embedder.embed(kind, text));
        let mut cache = lock();
        if cache.len() >= CACHED_QUERIES {
            cache.pop_front();
        }
        cache.push_back((kind, text.to_string(), vector.clone()));
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

/// Shoppers' turns as query vectors, for reading their intent by the
/// nearest labelled examples (`kiosk_core::assistant::intents`).
impl TextEncoder for QueryEncoder {
    fn query_vectors(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, BackendError> {
        Ok(match texts {
            [text] => vec![self.vector(text).to_vec()],
            _ => self.embedder.embed_batch(TextKind::Query, texts),
        })
    }
}

/// Fuses the lexical hits (rowid, score, full match; best first) with the
/// vector hits that stand out (rowid, similarity; best first). The full
/// matches and the lexical first hit ([`LEXICAL_LEAD`]; a partial one only
/// when the meaning backs it or stands out nowhere else) lead, in the
/// lexical order; the partial ones and the products found by meaning alone
/// follow, by reciprocal rank.
/// Returns (rowid, fused score, full match), best first, at most `limit`.
pub fn fuse(lexical: &[(u64, f32, bool)], near: &Nearest, limit: usize) -> Vec<(u64, f32, bool)> {
    let min_z = if lexical.is_empty() {
        MIN_Z_ALONE
    } else {
        MIN_Z
    };
    let near_ids: Vec<u64> = near.stands_out(min_z).map(|(rowid, _)| rowid).collect();
    // A partial lexical first hit leads when the meaning backs it, or when
    // nothing but full matches stands out by meaning; else its words
    // matched by accident as likely as not, and it is fused like the rest.
    let lead_partial = |rowid: u64| {
        near_ids.is_empty()
            || near_ids.contains(&rowid)
            || near_ids.iter().all(|id| {
                lexical
                    .iter()
                    .any(|&(other, _, is_full)| other == *id && is_full)
            })
    };
    let mut out: Vec<(u64, f32, bool)> = Vec::new();
    let mut full: Vec<u64> = Vec::new();
    for (i, &(rowid, _, is_full)) in lexical.iter().enumerate() {
        if is_full || (i < LEXICAL_LEAD && lead_partial(rowid)) {
            out.push((rowid, 2.0 + 1.0 / (RRF_K + i as f32 + 1.0), is_full));
            full.push(rowid);
        }
    }
    // (fused score, best vector similarity for ties)
    let mut rest: HashMap<u64, (f32, f32)> = HashMap::new();
    let mut rank = 0;
    for &(rowid, _, _) in lexical {
        if full.contains(&rowid) {
            continue;
        }
        rank += 1;
        let entry = rest.entry(rowid).or_insert((0.0, f32::MIN));
        entry.0 += 1.0 / (RRF_K + rank as f32);
    }
    let mut rank = 0;
    for (rowid, similarity) in near.stands_out(min_z) {
        if full.contains(&rowid) {
            continue;
        }
        rank += 1;
        let entry = rest.entry(rowid).or_insert((0.0, f32::MIN));
        entry.0 += 1.0 / (RRF_K + rank as f32);
        entry.1 = entry.1.max(similarity);
    }
    let mut rest: Vec<(u64, (f32, f32))> = rest.into_iter().collect();
    rest.sort_by(|a, b| {
        b.1.0
            .total_cmp(&a.1.0)
            .then(b.1.1.total_cmp(&a.1.1))
            .then(a.0.cmp(&b.0))
    });
    out.extend(
        rest.into_iter()
            .map(|(rowid, (score, _))| (rowid, score, false)),
    );
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(hits: &[(u64, f32)]) -> Nearest {
        Nearest {
            hits: hits.to_vec(),
            mean: 0.5,
            std_dev: 0.01,
            compared: 1000,
        }
    }

    #[test]
    fn full_matches_lead_in_lexical_order_and_the_rest_is_fused_by_rank() {
        // "ketting": necklaces by translation (full matches), a partial
        // match, and a kettlebell first by meaning.
        let lexical = [(1, 9.0, true), (2, 8.0, true), (3, 1.0, false)];
        let fused = fuse(&lexical, &near(&[(9, 0.9), (3, 0.8), (2, 0.7)]), 10);
        let ids: Vec<u64> = fused.iter().map(|h| h.0).collect();
        // Meaning never lifts anything over the full matches nor reorders
        // them; 3 is on both sides, above 9, first by meaning alone.
        assert_eq!(ids, [1, 2, 3, 9]);
        assert_eq!(
            fused.iter().map(|h| h.2).collect::<Vec<_>>(),
            [true, true, false, false]
        );
    }

    #[test]
    fn without_lexical_hits_the_vectors_must_stand_out_further() {
        let fused = fuse(&[], &near(&[(4, 0.54), (5, 0.532)]), 10);
        let ids: Vec<u64> = fused.iter().map(|h| h.0).collect();
        assert_eq!(ids, [4]);
    }

    #[test]
    fn vector_hits_that_do_not_stand_out_are_left_out() {
        let lexical = [(1, 9.0, false), (6, 8.0, false)];
        // 0.52 is two standard deviations above the mean: not near.
        let fused = fuse(&lexical, &near(&[(1, 0.6), (5, 0.52)]), 10);
        let ids: Vec<u64> = fused.iter().map(|h| h.0).collect();
        // 1 leads as the lexical first, backed by meaning; 5 is left out.
        assert_eq!(ids, [1, 6]);
    }

    // Issue 14: a partial lexical match of words the shopper did not mean
    // ("ik zoek een boormachine" finding a drill's model name "TE") must
    // not lead over the product that stands out by meaning.
    #[test]
    fn a_partial_first_hit_the_meaning_does_not_back_is_fused() {
        let lexical = [(1, 9.0, false), (6, 8.0, false)];
        let fused = fuse(&lexical, &near(&[(4, 0.6), (5, 0.52)]), 10);
        let ids: Vec<u64> = fused.iter().map(|h| h.0).collect();
        // 1 and 4 are each first on their side; ties go to the better
        // vector similarity.
        assert_eq!(ids, [4, 1, 6]);
        // A full match leads whatever the meaning says.
        let fused = fuse(&[(1, 9.0, true)], &near(&[(4, 0.6)]), 10);
        assert_eq!(fused.iter().map(|h| h.0).collect::<Vec<_>>(), [1, 4]);
    }

    // Issue 14: 3.5 standard deviations cannot be reached among fewer than
    // 14 products; a small store's gate is a share of what it can reach.
    #[test]
    fn a_small_catalog_has_a_gate_it_can_reach() {
        let small = |hits: &[(u64, f32)], compared: usize| Nearest {
            hits: hits.to_vec(),
            mean: 0.5,
            std_dev: 0.1,
            compared,
        };
        assert!((Nearest::max_z(7) - 6.0 / 7f32.sqrt()).abs() < 1e-6);
        let seven = small(&[(4, 0.72), (5, 0.6)], 7);
        assert!(seven.gate(MIN_Z_ALONE) < Nearest::max_z(7));
        let fused = fuse(&[], &seven, 10);
        assert_eq!(fused.iter().map(|h| h.0).collect::<Vec<_>>(), [4]);
        // A large catalog keeps the full gate: 2.2 σ is not near.
        let fused = fuse(&[], &small(&[(4, 0.72)], 1000), 10);
        assert!(fused.is_empty(), "{fused:?}");
        // Two products: nothing stands out by meaning.
        let fused = fuse(&[], &small(&[(4, 0.9)], 2), 10);
        assert!(fused.is_empty(), "{fused:?}");
    }
}
