//! The token table for the ggml file. CTranslate2 ships the vocabulary as
//! `vocabulary.txt` (one token per line) or `vocabulary.json` (a list), in
//! GPT-2's byte-to-unicode spelling; whisper.cpp wants the raw bytes of the
//! BPE tokens only (those before `<|endoftext|>`) and makes up names for the
//! special tokens itself. `tokenizer.json`, when present, must agree.

use std::collections::HashMap;
use std::path::Path;

use crate::{Error, Result};

/// GPT-2's `bytes_to_unicode`, reversed: the byte each printable stand-in
/// character means.
fn unicode_to_byte() -> HashMap<char, u8> {
    let mut printable: Vec<u32> = (u32::from(b'!')..=u32::from(b'~')).collect();
    printable.extend(0xA1..=0xAC);
    printable.extend(0xAE..=0xFF);
    let mut map = HashMap::with_capacity(256);
    let mut n = 0u32;
    for b in 0u32..256 {
        let ch = if printable.contains(&b) {
            b
        } else {
            n += 1;
            255 + n
        };
        if let Some(c) = char::from_u32(ch) {
            // `b` < 256 by the loop bound.
            map.insert(c, b as u8);
        }
    }
    map
}

/// Reads `vocabulary.txt` or `vocabulary.json` from a CTranslate2 model dir.
pub fn read_vocabulary(dir: &Path) -> Result<Vec<String>> {
    let txt = dir.join("vocabulary.txt");
    if txt.exists() {
        let text = std::fs::read_to_string(&txt).map_err(|e| Error::io(&txt, e))?;
        let body = text.strip_suffix('\n').unwrap_or(&text);
        return Ok(body.split('\n').map(str::to_owned).collect());
    }
    let json = dir.join("vocabulary.json");
    if json.exists() {
        let text = std::fs::read_to_string(&json).map_err(|e| Error::io(&json, e))?;
        return serde_json::from_str(&text)
            .map_err(|e| Error::model(&json, format!("expected a JSON list of tokens: {e}")));
    }
    Err(Error::model(
        dir,
        "no vocabulary.txt or vocabulary.json next to model.bin",
    ))
}

/// The BPE tokens (those before `<|endoftext|>`) as raw bytes.
pub fn bpe_token_bytes(vocabulary: &[String], path: &Path) -> Result<Vec<Vec<u8>>> {
    let eot = vocabulary
        .iter()
        .position(|t| t == "<|endoftext|>")
        .ok_or_else(|| Error::model(path, "the vocabulary has no <|endoftext|> token"))?;
    let decode = unicode_to_byte();
    vocabulary[..eot]
        .iter()
        .enumerate()
        .map(|(id, token)| {
            token
                .chars()
                .map(|c| decode.get(&c).copied())
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| {
                    Error::model(
                        path,
                        format!("token {id} ({token:?}) is not in GPT-2 byte spelling"),
                    )
                })
        })
        .collect()
}

/// Checks `tokenizer.json` (if present) gives every token the same id.
pub fn check_tokenizer_json(dir: &Path, vocabulary: &[String]) -> Result<()> {
    let path = dir.join("tokenizer.json");
    if !path.exists() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::model(&path, format!("not valid JSON: {e}")))?;
    let mut ids: HashMap<&str, u64> = HashMap::new();
    if let Some(vocab) = json.pointer("/model/vocab").and_then(|v| v.as_object()) {
        for (token, id) in vocab {
            if let Some(id) = id.as_u64() {
                ids.insert(token, id);
            }
        }
    }
    if let Some(added) = json.get("added_tokens").and_then(|v| v.as_array()) {
        for token in added {
            if let (Some(content), Some(id)) = (
                token.get("content").and_then(|v| v.as_str()),
                token.get("id").and_then(|v| v.as_u64()),
            ) {
                ids.insert(content, id);
            }
        }
    }
    if ids.is_empty() {
        return Err(Error::model(&path, "no model.vocab in tokenizer.json"));
    }
    for (id, token) in vocabulary.iter().enumerate() {
        if token.is_empty() {
            continue;
        }
        if let Some(&other) = ids.get(token.as_str())
            && other != id as u64
        {
            return Err(Error::model(
                &path,
                format!("token {token:?} has id {other} here but {id} in the vocabulary file"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
