//! Chat templates, as token ids.
//!
//! A prompt is split in two at a turn boundary: the *prefix* (the fixed
//! system text and any worked examples, ending where the shopper's turn
//! begins) and the *turn* (the shopper's text and the opening of the
//! model's answer). The engine computes the prefix's KV cache once and
//! appends each turn to it. Control tokens are inserted by id, so nothing a
//! shopper types can open or close a turn.
//!
//! - Gemma 3: `<bos><start_of_turn>user\n{system}\n\n{user}<end_of_turn>\n<start_of_turn>model\n`
//!   (no system role: the system text opens the first user turn; BOS once).
//! - ChatML (SmolLM2): `<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n`.

use crate::tokenizer::Tokenizer;
use crate::{Error, Result};

/// The chat formats we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Gemma,
    ChatMl,
}

/// A model's chat template with its control tokens resolved.
#[derive(Debug, Clone)]
pub struct Template {
    pub format: Format,
    bos: Option<u32>,
    /// Opens a turn (`<start_of_turn>`, `<|im_start|>`).
    open: u32,
    /// Closes a turn (`<end_of_turn>`, `<|im_end|>`).
    close: u32,
    /// Tokens that end the model's answer.
    stops: Vec<u32>,
}

/// A worked example for the prefix: what the user said, what the model
/// answered.
#[derive(Debug, Clone)]
pub struct Example {
    pub user: String,
    pub model: String,
}

impl Template {
    /// The template for a tokenizer's model family.
    pub fn for_tokenizer(tok: &Tokenizer) -> Result<Template> {
        let need = |name: &str| {
            tok.control(name)
                .ok_or_else(|| Error::Tokenizer(format!("the vocabulary has no {name} token")))
        };
        if let (Some(open), Some(close)) =
            (tok.control("<start_of_turn>"), tok.control("<end_of_turn>"))
        {
            let mut stops = vec![close, tok.eos()];
            stops.dedup();
            return Ok(Template {
                format: Format::Gemma,
                bos: tok.bos().or_else(|| tok.control("<bos>")),
                open,
                close,
                stops,
            });
        }
        let open = need("<|im_start|>")?;
        let close = need("<|im_end|>")?;
        let mut stops = vec![close, tok.eos()];
        if let Some(eot) = tok.control("<|endoftext|>") {
            stops.push(eot);
        }
        stops.dedup();
        Ok(Template {
            format: Format::ChatMl,
            bos: tok.bos(),
            open,
            close,
            stops,
        })
    }

    /// Tokens that end an answer.
    pub fn stops(&self) -> &[u32] {
        &self.stops
    }

    /// The token that closes a turn (scored after a candidate answer).
    pub fn close(&self) -> u32 {
        self.close
    }

    fn role(&self, user: bool) -> &'static str {
        match (self.format, user) {
            (_, true) => "user\n",
            (Format::Gemma, false) => "model\n",
            (Format::ChatMl, false) => "assistant\n",
        }
    }

    /// Everything before the shopper's text: BOS, the system text, and the
    /// examples as earlier turns, ending with an open user turn.
    pub fn prefix(&self, tok: &Tokenizer, system: &str, examples: &[Example]) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        out.extend(self.bos);
        let mut first_user_lead = String::new();
        match self.format {
            Format::Gemma => first_user_lead = format!("{system}\n\n"),
            Format::ChatMl => {
                out.push(self.open);
                out.extend(tok.encode(&format!("system\n{system}"))?);
                out.push(self.close);
                out.extend(tok.encode("\n")?);
            }
        }
        for ex in examples {
            out.push(self.open);
            out.extend(tok.encode(self.role(true))?);
            out.extend(tok.encode(&format!("{first_user_lead}{}", ex.user))?);
            first_user_lead.clear();
            out.extend(self.turn_end_and_answer_start(tok)?);
            out.extend(tok.encode(&ex.model)?);
            out.push(self.close);
            out.extend(tok.encode("\n")?);
        }
        out.push(self.open);
        out.extend(tok.encode(self.role(true))?);
        if !first_user_lead.is_empty() {
            out.extend(tok.encode(&first_user_lead)?);
        }
        Ok(out)
    }

    /// The shopper's turn after a [`Template::prefix`], up to where the
    /// model's answer begins.
    pub fn turn(&self, tok: &Tokenizer, user: &str) -> Result<Vec<u32>> {
        let mut out = tok.encode(user)?;
        out.extend(self.turn_end_and_answer_start(tok)?);
        Ok(out)
    }

    fn turn_end_and_answer_start(&self, tok: &Tokenizer) -> Result<Vec<u32>> {
        let mut out = vec![self.close];
        out.extend(tok.encode("\n")?);
        out.push(self.open);
        out.extend(tok.encode(self.role(false))?);
        Ok(out)
    }

    /// The whole prompt as text (control tokens spelled out), for display
    /// and tests.
    pub fn render(&self, system: &str, examples: &[Example], user: &str) -> String {
        let (open, close, bos) = match self.format {
            Format::Gemma => ("<start_of_turn>", "<end_of_turn>", "<bos>"),
            Format::ChatMl => ("<|im_start|>", "<|im_end|>", ""),
        };
        let mut s = String::new();
        if self.bos.is_some() {
            s.push_str(bos);
        }
        let mut lead = String::new();
        match self.format {
            Format::Gemma => lead = format!("{system}\n\n"),
            Format::ChatMl => s.push_str(&format!("{open}system\n{system}{close}\n")),
        }
        let answer = self.role(false);
        for ex in examples {
            s.push_str(&format!(
                "{open}user\n{lead}{}{close}\n{open}{answer}{}{close}\n",
                ex.user, ex.model
            ));
            lead.clear();
        }
        s.push_str(&format!("{open}user\n{lead}{user}{close}\n{open}{answer}"));
        s
    }
}

#[cfg(test)]
mod tests;
