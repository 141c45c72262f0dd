//! The model's tokenizer, built from the GGUF file's metadata with the
//! `tokenizers` crate (no tokenizer.json ships with the models).
//!
//! - **SentencePiece BPE** (`tokenizer.ggml.model = "llama"`, Gemma 3): the
//!   file has tokens and scores but no merges. SentencePiece merges, at each
//!   step, the adjacent pair whose joined piece has the highest score, so the
//!   merges are derived from the vocabulary: every split of a piece into two
//!   pieces is a merge, ranked by the joined piece's score. Spaces become
//!   "▁" (no dummy prefix: `add_space_prefix` is false), unknown characters
//!   fall back to `<0xXX>` byte pieces, and user-defined pieces (runs of
//!   newlines, spaces, tabs, some HTML tags) are split out first, as
//!   llama.cpp does.
//! - **GPT-2 byte-level BPE** (`"gpt2"`, SmolLM2): vocabulary and merges are
//!   in the file. The pre-tokenizer splits digits one by one, then applies
//!   the GPT-2 pattern without a prefix space (llama.cpp's `smollm`).
//!
//! Control tokens are special: they are never produced from text (a shopper
//! typing `<end_of_turn>` gets ordinary pieces); templates insert them by id.

use std::collections::HashMap;

use tokenizers::decoders::DecoderWrapper;
use tokenizers::decoders::byte_fallback::ByteFallback;
use tokenizers::decoders::fuse::Fuse;
use tokenizers::decoders::sequence::Sequence as DecoderSequence;
use tokenizers::models::bpe::{BPE, Vocab};
use tokenizers::normalizers::replace::Replace;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence as PreSequence;
use tokenizers::{AddedToken, PreTokenizerWrapper};

use crate::gguf::Gguf;
use crate::{Error, Result};

/// llama.cpp's token types, as stored in `tokenizer.ggml.token_type`.
const TYPE_NORMAL: i64 = 1;
const TYPE_CONTROL: i64 = 3;
const TYPE_USER_DEFINED: i64 = 4;

/// Which tokenizer family a model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SentencePiece,
    Gpt2,
}

/// A model's tokenizer.
#[derive(Clone)]
pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
    kind: Kind,
    bos: Option<u32>,
    eos: u32,
    /// Control tokens by text, for templates and stop tokens.
    control: HashMap<String, u32>,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("kind", &self.kind)
            .field("vocab", &self.inner.get_vocab_size(true))
            .finish()
    }
}

fn tok_err(e: impl std::fmt::Display) -> Error {
    Error::Tokenizer(e.to_string())
}

impl Tokenizer {
    /// Builds the tokenizer described by an open GGUF file.
    pub fn from_gguf(gguf: &Gguf) -> Result<Tokenizer> {
        let model = gguf.meta_str("tokenizer.ggml.model")?;
        let tokens = gguf.meta_strings("tokenizer.ggml.tokens")?;
        let types: Vec<i64> = match gguf.meta_numbers("tokenizer.ggml.token_type") {
            Ok(t) => t.into_iter().map(|t| t as i64).collect(),
            Err(_) => vec![TYPE_NORMAL; tokens.len()],
        };
        if types.len() != tokens.len() {
            return Err(Error::Corrupt {
                path: gguf.path.clone(),
                what: format!("{} token types for {} tokens", types.len(), tokens.len()),
            });
        }
        let (inner, kind) = match model {
            "llama" => (sentencepiece(gguf, &tokens, &types)?, Kind::SentencePiece),
            "gpt2" => (gpt2(gguf, &tokens, &types)?, Kind::Gpt2),
            other => {
                return Err(Error::Unsupported {
                    path: gguf.path.clone(),
                    what: format!("tokenizer model {other:?} (expected llama or gpt2)"),
                });
            }
        };
        let control = tokens
            .iter()
            .zip(&types)
            .enumerate()
            .filter(|(_, (_, t))| **t == TYPE_CONTROL)
            .map(|(id, (s, _))| (s.to_string(), id as u32))
            .collect();
        let add_bos = gguf
            .meta_bool("tokenizer.ggml.add_bos_token")
            .unwrap_or(false);
        let bos = gguf
            .meta_u32("tokenizer.ggml.bos_token_id")
            .ok()
            .filter(|_| add_bos);
        let eos = gguf.meta_u32("tokenizer.ggml.eos_token_id")?;
        Ok(Tokenizer {
            inner,
            kind,
            bos,
            eos,
            control,
        })
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The token the model expects first, if it wants one.
    pub fn bos(&self) -> Option<u32> {
        self.bos
    }

    pub fn eos(&self) -> u32 {
        self.eos
    }

    /// The id of a control token such as `<end_of_turn>`.
    pub fn control(&self, text: &str) -> Option<u32> {
        self.control.get(text).copied()
    }

    pub fn is_control(&self, id: u32) -> bool {
        self.inner
            .id_to_token(id)
            .is_some_and(|t| self.control.get(&t) == Some(&id))
    }

    /// Text to token ids. Control-token text is encoded as plain text.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let enc = self.inner.encode_fast(text, false).map_err(tok_err)?;
        Ok(enc.get_ids().to_vec())
    }

    /// Token ids to text, leaving out control tokens.
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        self.inner.decode(ids, true).map_err(tok_err)
    }

    /// The piece of one token as stored (for debugging and tests).
    pub fn piece(&self, id: u32) -> Option<String> {
        self.inner.id_to_token(id)
    }

    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }
}

/// Added tokens for the control and user-defined pieces.
fn added_tokens(tokens: &[&str], types: &[i64]) -> (Vec<AddedToken>, Vec<AddedToken>) {
    let mut special = Vec::new();
    let mut user = Vec::new();
    for (s, t) in tokens.iter().zip(types) {
        match *t {
            TYPE_CONTROL => special.push(AddedToken::from(s.to_string(), true).normalized(false)),
            TYPE_USER_DEFINED => {
                user.push(AddedToken::from(s.to_string(), false).normalized(false))
            }
            _ => {}
        }
    }
    (special, user)
}

fn finish(
    mut tk: tokenizers::Tokenizer,
    tokens: &[&str],
    types: &[i64],
) -> Result<tokenizers::Tokenizer> {
    let (special, user) = added_tokens(tokens, types);
    tk.add_special_tokens(special).map_err(tok_err)?;
    tk.add_tokens(user).map_err(tok_err)?;
    // Special tokens in text are plain text: templates insert them by id.
    tk.set_encode_special_tokens(true);
    Ok(tk)
}

fn sentencepiece(gguf: &Gguf, tokens: &[&str], types: &[i64]) -> Result<tokenizers::Tokenizer> {
    let scores = gguf.meta_numbers("tokenizer.ggml.scores")?;
    if scores.len() != tokens.len() {
        return Err(Error::Corrupt {
            path: gguf.path.clone(),
            what: format!("{} scores for {} tokens", scores.len(), tokens.len()),
        });
    }
    let vocab: Vocab = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.to_string(), i as u32))
        .collect();
    let normal: HashMap<&str, u32> = tokens
        .iter()
        .zip(types)
        .enumerate()
        .filter(|(_, (_, t))| **t == TYPE_NORMAL)
        .map(|(i, (s, _))| (*s, i as u32))
        .collect();
    // Every way to join two pieces into a third, best score first.
    let mut merges: Vec<(f64, u32, &str, &str)> = Vec::new();
    for (&piece, &id) in &normal {
        for (at, _) in piece.char_indices().skip(1) {
            let (left, right) = piece.split_at(at);
            if normal.contains_key(left) && normal.contains_key(right) {
                merges.push((scores[id as usize], id, left, right));
            }
        }
    }
    merges.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.len().cmp(&b.2.len()))
    });
    let merges = merges
        .into_iter()
        .map(|(_, _, l, r)| (l.to_string(), r.to_string()))
        .collect();
    let unk = gguf
        .meta_u32("tokenizer.ggml.unknown_token_id")
        .ok()
        .and_then(|id| tokens.get(id as usize))
        .map(|s| s.to_string());
    let mut builder = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .byte_fallback(true);
    if let Some(unk) = unk {
        builder = builder.unk_token(unk);
    }
    let bpe = builder.build().map_err(tok_err)?;
    let mut tk = tokenizers::Tokenizer::new(bpe);
    tk.with_normalizer(Some(Replace::new(" ", "▁").map_err(tok_err)?))
        .map_err(tok_err)?;
    tk.with_decoder(Some(DecoderSequence::new(vec![
        DecoderWrapper::Replace(Replace::new("▁", " ").map_err(tok_err)?),
        DecoderWrapper::ByteFallback(ByteFallback::new()),
        DecoderWrapper::Fuse(Fuse::new()),
    ])));
    finish(tk, tokens, types)
}

fn gpt2(gguf: &Gguf, tokens: &[&str], types: &[i64]) -> Result<tokenizers::Tokenizer> {
    let vocab: Vocab = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.to_string(), i as u32))
        .collect();
    let merges = gguf
        .meta_strings("tokenizer.ggml.merges")?
        .into_iter()
        .map(|m| {
            m.split_once(' ')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| Error::Corrupt {
                    path: gguf.path.clone(),
                    what: format!("merge {m:?} is not two pieces separated by a space"),
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let bpe = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .build()
        .map_err(tok_err)?;
    let mut tk = tokenizers::Tokenizer::new(bpe);
    let pre = gguf.meta_str("tokenizer.ggml.pre").unwrap_or("gpt2");
    let byte_level = ByteLevel::new(false, true, true);
    let pre_tokenizer: PreTokenizerWrapper = match pre {
        // llama.cpp's SMOLLM: each digit alone, then the GPT-2 pattern.
        "smollm" => PreTokenizerWrapper::Sequence(PreSequence::new(vec![
            PreTokenizerWrapper::Digits(Digits::new(true)),
            PreTokenizerWrapper::ByteLevel(byte_level),
        ])),
        "gpt2" | "default" => PreTokenizerWrapper::ByteLevel(byte_level),
        other => {
            return Err(Error::Unsupported {
                path: gguf.path.clone(),
                what: format!("GPT-2 pre-tokenizer {other:?}"),
            });
        }
    };
    tk.with_pre_tokenizer(Some(pre_tokenizer));
    tk.with_decoder(Some(DecoderWrapper::ByteLevel(byte_level)));
    finish(tk, tokens, types)
}

#[cfg(test)]
mod tests;
