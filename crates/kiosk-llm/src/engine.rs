//! The engine: a loaded model, its tokenizer and template, the prompt-prefix
//! caches, and generation.
//!
//! - **Prefix cache.** [`Engine::add_prefix`] runs a fixed prefix (system
//!   text and examples) once, at start-up, and keeps a snapshot of its KV
//!   cache; every later turn restores the snapshot and runs only its own
//!   tokens. The result is the same as recomputing the whole prompt (a test
//!   checks the logits).
//! - **Streaming.** Text goes to the caller as tokens come, once it decodes
//!   cleanly (a byte-fallback character split over tokens waits for its
//!   last byte).
//! - **Limits.** A budget of new tokens and of wall time; a
//!   [`CancelToken`] stops generation between tokens (and between prompt
//!   chunks) when the shopper asks something new or walks away.
//! - **Scoring.** [`Engine::score`] gives the log-likelihood of each
//!   candidate answer, for choosing among known options.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::gguf::Gguf;
use crate::model::{KvCache, KvSnapshot, Logits, MAX_BATCH, Model};
use crate::template::{Example, Template};
use crate::tokenizer::Tokenizer;
use crate::{Error, Result};

/// How to load and run a model.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub model_path: PathBuf,
    /// Threads for the forward pass.
    pub threads: usize,
    /// Positions the KV cache holds (prefix + turn + answer).
    pub context_length: usize,
}

/// How the next token is picked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampling {
    /// The most likely token: deterministic, what the kiosk uses.
    Greedy,
    /// Temperature and nucleus sampling with a fixed seed.
    TopP {
        temperature: f32,
        top_p: f32,
        seed: u64,
    },
}

/// Limits and sampling for one generation.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub max_new_tokens: usize,
    /// Wall time from the call to the last token; `None` for no limit.
    pub time_budget: Option<Duration>,
    pub sampling: Sampling,
    /// Penalty (> 1) on tokens already generated, against loops.
    pub repeat_penalty: f32,
    /// End the answer at its first line break (answers of a sentence or
    /// two have none; a model that runs on starts a new "document" there).
    pub stop_at_newline: bool,
}

impl Default for GenerateOptions {
    fn default() -> GenerateOptions {
        GenerateOptions {
            max_new_tokens: 96,
            time_budget: None,
            sampling: Sampling::Greedy,
            repeat_penalty: 1.0,
            stop_at_newline: false,
        }
    }
}

/// Why generation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The model ended its turn.
    EndOfTurn,
    /// The answer reached a line break (with `stop_at_newline`).
    Newline,
    MaxTokens,
    TimeBudget,
    Cancelled,
    ContextFull,
}

/// The outcome of a generation, with its timings.
#[derive(Debug, Clone)]
pub struct Generation {
    pub text: String,
    pub tokens: Vec<u32>,
    pub stop: StopReason,
    /// Prompt tokens run (after the cached prefix).
    pub n_prompt: usize,
    /// Tokens served from the prefix cache.
    pub n_cached: usize,
    pub prompt_time: Duration,
    /// From the call to the first generated token.
    pub time_to_first_token: Option<Duration>,
    /// From the first generated token to the last.
    pub generation_time: Duration,
}

/// Stops a generation from another thread.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A prompt prefix whose KV cache was computed once.
#[derive(Debug, Clone)]
struct Prefix {
    tokens: Vec<u32>,
    snapshot: KvSnapshot,
}

/// A loaded model ready to generate.
#[derive(Debug)]
pub struct Engine {
    pub model: Model,
    pub tokenizer: Tokenizer,
    pub template: Template,
    cache: KvCache,
    prefixes: HashMap<String, Prefix>,
    logits: Vec<f32>,
    pub load_time: Duration,
}

impl Engine {
    /// Loads the model, tokenizer and template from a GGUF file.
    pub fn load(config: &EngineConfig) -> Result<Engine> {
        let start = Instant::now();
        let tokenizer = {
            let gguf = Gguf::open(&config.model_path)?;
            Tokenizer::from_gguf(&gguf)?
        };
        let model = Model::load(&config.model_path, config.context_length, config.threads)?;
        if tokenizer.vocab_size() < model.config.vocab {
            return Err(Error::Corrupt {
                path: config.model_path.clone(),
                what: format!(
                    "the tokenizer has {} tokens but the model {}",
                    tokenizer.vocab_size(),
                    model.config.vocab
                ),
            });
        }
        let template = Template::for_tokenizer(&tokenizer)?;
        let cache = model.new_cache();
        Ok(Engine {
            model,
            tokenizer,
            template,
            cache,
            prefixes: HashMap::new(),
            logits: Vec::new(),
            load_time: start.elapsed(),
        })
    }

    /// Bytes held by the KV cache and the prefix snapshots.
    pub fn cache_bytes(&self) -> usize {
        self.cache.bytes()
            + self
                .prefixes
                .values()
                .map(|p| p.snapshot.bytes())
                .sum::<usize>()
    }

    /// Computes and keeps the KV cache of a fixed prompt prefix under `name`.
    pub fn add_prefix(&mut self, name: &str, system: &str, examples: &[Example]) -> Result<usize> {
        let tokens = self.template.prefix(&self.tokenizer, system, examples)?;
        self.cache.n_past = 0;
        self.model
            .forward(&mut self.cache, &tokens, Logits::None, &mut self.logits)?;
        let snapshot = self.cache.snapshot().ok_or(Error::ContextFull {
            n_tokens: tokens.len(),
            context_length: self.model.config.context_length,
        })?;
        let n = tokens.len();
        self.prefixes
            .insert(name.to_string(), Prefix { tokens, snapshot });
        Ok(n)
    }

    /// Zeroes the working KV cache and the last logits: what the last turn
    /// left there is gone (the prefix snapshots hold only the fixed
    /// prompts).
    pub fn forget_turn(&mut self) {
        self.cache.wipe();
        self.logits.fill(0.0);
    }

    /// The tokens of a named prefix.
    pub fn prefix_tokens(&self, name: &str) -> Option<&[u32]> {
        self.prefixes.get(name).map(|p| p.tokens.as_slice())
    }

    /// Starts a prompt: restores `prefix` (or empties the cache) and returns
    /// how many tokens it covers.
    fn start(&mut self, prefix: Option<&str>) -> Result<usize> {
        match prefix {
            Some(name) => {
                let p = self
                    .prefixes
                    .get(name)
                    .ok_or_else(|| Error::Tokenizer(format!("no prompt prefix named {name:?}")))?;
                self.cache.restore(&p.snapshot);
                Ok(p.tokens.len())
            }
            None => {
                self.cache.n_past = 0;
                Ok(0)
            }
        }
    }

    /// Runs prompt tokens in chunks, checking for cancellation between them;
    /// leaves the last position's logits in `self.logits`. `false` if
    /// cancelled.
    fn prefill(&mut self, tokens: &[u32], cancel: &CancelToken) -> Result<bool> {
        let n_chunks = tokens.len().div_ceil(MAX_BATCH);
        for (i, chunk) in tokens.chunks(MAX_BATCH).enumerate() {
            if cancel.is_cancelled() {
                return Ok(false);
            }
            let mode = if i + 1 == n_chunks {
                Logits::Last
            } else {
                Logits::None
            };
            self.model
                .forward(&mut self.cache, chunk, mode, &mut self.logits)?;
        }
        Ok(true)
    }

    /// The logits after `tokens` run on top of `prefix` (`None`: from an
    /// empty cache). For tests and debugging.
    pub fn logits_after(&mut self, prefix: Option<&str>, tokens: &[u32]) -> Result<Vec<f32>> {
        self.start(prefix)?;
        self.prefill(tokens, &CancelToken::new())?;
        Ok(self.logits.clone())
    }

    /// Generates the model's answer to `user` after the cached `prefix`
    /// (or, with no prefix, to `user` as the whole prompt text in the
    /// template with an empty system text), streaming text to `on_text`.
    pub fn generate(
        &mut self,
        prefix: Option<&str>,
        user: &str,
        options: &GenerateOptions,
        cancel: &CancelToken,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        let started = Instant::now();
        let n_cached = self.start(prefix)?;
        let mut prompt = Vec::new();
        if prefix.is_none() {
            prompt = self.template.prefix(&self.tokenizer, "", &[])?;
        }
        prompt.extend(self.template.turn(&self.tokenizer, user)?);
        self.generate_tokens(started, n_cached, &prompt, options, cancel, on_text)
    }

    /// Like [`Engine::generate`] after the named prefix, but recomputing the
    /// prefix instead of restoring its cache (for measurements and tests).
    pub fn generate_uncached(
        &mut self,
        prefix: &str,
        user: &str,
        options: &GenerateOptions,
        cancel: &CancelToken,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        let started = Instant::now();
        let mut prompt = self
            .prefix_tokens(prefix)
            .ok_or_else(|| Error::Tokenizer(format!("no prompt prefix named {prefix:?}")))?
            .to_vec();
        prompt.extend(self.template.turn(&self.tokenizer, user)?);
        self.start(None)?;
        self.generate_tokens(started, 0, &prompt, options, cancel, on_text)
    }

    /// Generates after `prompt` run from an empty cache: the prompt is taken
    /// as given (for debugging and comparisons with other runtimes).
    pub fn generate_raw(
        &mut self,
        prompt: &[u32],
        options: &GenerateOptions,
        cancel: &CancelToken,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        let started = Instant::now();
        self.start(None)?;
        self.generate_tokens(started, 0, prompt, options, cancel, on_text)
    }

    /// Generation from explicit prompt tokens after whatever `start` set up.
    fn generate_tokens(
        &mut self,
        started: Instant,
        n_cached: usize,
        prompt: &[u32],
        options: &GenerateOptions,
        cancel: &CancelToken,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        let mut result = Generation {
            text: String::new(),
            tokens: Vec::new(),
            stop: StopReason::MaxTokens,
            n_prompt: prompt.len(),
            n_cached,
            prompt_time: Duration::ZERO,
            time_to_first_token: None,
            generation_time: Duration::ZERO,
        };
        if self.cache.n_past + prompt.len() >= self.model.config.context_length {
            result.stop = StopReason::ContextFull;
            return Ok(result);
        }
        if !self.prefill(prompt, cancel)? {
            result.stop = StopReason::Cancelled;
            return Ok(result);
        }
        result.prompt_time = started.elapsed();
        let mut rng = Rng::new(match options.sampling {
            Sampling::TopP { seed, .. } => seed,
            Sampling::Greedy => 0,
        });
        let mut first_at = None;
        let mut emitted = 0usize;
        loop {
            if cancel.is_cancelled() {
                result.stop = StopReason::Cancelled;
                break;
            }
            if options.time_budget.is_some_and(|b| started.elapsed() > b) {
                result.stop = StopReason::TimeBudget;
                break;
            }
            if result.tokens.len() >= options.max_new_tokens {
                result.stop = StopReason::MaxTokens;
                break;
            }
            if self.cache.n_past + 1 >= self.model.config.context_length {
                result.stop = StopReason::ContextFull;
                break;
            }
            penalize(&mut self.logits, &result.tokens, options.repeat_penalty);
            let next = sample(&self.logits, options.sampling, &mut rng);
            if first_at.is_none() {
                first_at = Some(Instant::now());
                result.time_to_first_token = Some(started.elapsed());
            }
            if self.template.stops().contains(&next) {
                result.stop = StopReason::EndOfTurn;
                break;
            }
            result.tokens.push(next);
            let mut text = self.tokenizer.decode(&result.tokens)?;
            let mut newline = false;
            if options.stop_at_newline {
                let lead = text.len() - text.trim_start().len();
                if let Some(at) = text[lead..].find('\n') {
                    text.truncate(lead + at);
                    newline = true;
                }
            }
            if !text.ends_with('\u{FFFD}') && text.len() > emitted && text.is_char_boundary(emitted)
            {
                on_text(&text[emitted..]);
                emitted = text.len();
            }
            result.text = text;
            if newline {
                result.stop = StopReason::Newline;
                break;
            }
            self.model
                .forward(&mut self.cache, &[next], Logits::Last, &mut self.logits)?;
        }
        if let Some(t) = first_at {
            result.generation_time = t.elapsed();
        }
        Ok(result)
    }

    /// The log-likelihood of each candidate answer to `user` after `prefix`:
    /// the sum of its tokens' log-probabilities, closing the turn included
    /// (so "shoe" does not win just by being a prefix of "shoes").
    pub fn score(
        &mut self,
        prefix: Option<&str>,
        user: &str,
        candidates: &[&str],
        cancel: &CancelToken,
    ) -> Result<Option<Vec<f32>>> {
        self.start(prefix)?;
        let mut prompt = Vec::new();
        if prefix.is_none() {
            prompt = self.template.prefix(&self.tokenizer, "", &[])?;
        }
        prompt.extend(self.template.turn(&self.tokenizer, user)?);
        if self.cache.n_past + prompt.len() + MAX_BATCH / 4 >= self.model.config.context_length {
            return Err(Error::ContextFull {
                n_tokens: self.cache.n_past + prompt.len(),
                context_length: self.model.config.context_length,
            });
        }
        if !self.prefill(&prompt, cancel)? {
            return Ok(None);
        }
        let first = log_softmax(&self.logits);
        let at = self.cache.n_past;
        let vocab = self.model.config.vocab;
        let mut scores = Vec::with_capacity(candidates.len());
        let mut all = Vec::new();
        for cand in candidates {
            if cancel.is_cancelled() {
                return Ok(None);
            }
            let mut toks = self.tokenizer.encode(cand)?;
            // A long option only needs its start to tell it apart.
            toks.truncate(MAX_BATCH / 4 - 1);
            toks.push(self.template.close());
            self.cache.truncate(at);
            let mut lp = first[toks[0] as usize];
            if toks.len() > 1 {
                self.model.forward(
                    &mut self.cache,
                    &toks[..toks.len() - 1],
                    Logits::All,
                    &mut all,
                )?;
                for (i, &next) in toks[1..].iter().enumerate() {
                    lp += log_softmax(&all[i * vocab..(i + 1) * vocab])[next as usize];
                }
            }
            scores.push(lp);
        }
        Ok(Some(scores))
    }
}

fn log_softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f64 = logits.iter().map(|&l| ((l - max) as f64).exp()).sum();
    let lse = max + sum.ln() as f32;
    logits.iter().map(|&l| l - lse).collect()
}

/// Divides positive (multiplies negative) logits of seen tokens.
fn penalize(logits: &mut [f32], seen: &[u32], penalty: f32) {
    if penalty == 1.0 {
        return;
    }
    for &t in seen {
        if let Some(l) = logits.get_mut(t as usize) {
            *l = if *l > 0.0 { *l / penalty } else { *l * penalty };
        }
    }
}

/// Picks the next token.
fn sample(logits: &[f32], sampling: Sampling, rng: &mut Rng) -> u32 {
    match sampling {
        Sampling::Greedy => argmax(logits),
        Sampling::TopP {
            temperature, top_p, ..
        } => {
            if temperature <= 0.0 {
                return argmax(logits);
            }
            let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            // Only tokens within reach matter; keep the candidates few.
            let mut cands: Vec<(u32, f32)> = logits
                .iter()
                .enumerate()
                .filter(|(_, l)| (**l - max) / temperature > -20.0)
                .map(|(i, l)| (i as u32, ((l - max) / temperature).exp()))
                .collect();
            cands.sort_by(|a, b| b.1.total_cmp(&a.1));
            let total: f32 = cands.iter().map(|c| c.1).sum();
            let mut kept = 0.0;
            let mut n = 0;
            for c in &cands {
                kept += c.1;
                n += 1;
                if kept >= top_p * total {
                    break;
                }
            }
            let mut r = rng.next_f32() * kept;
            for c in &cands[..n] {
                r -= c.1;
                if r <= 0.0 {
                    return c.0;
                }
            }
            cands[n - 1].0
        }
    }
}

/// The index of the largest logit (the first, on ties).
pub fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    let mut best_v = f32::NEG_INFINITY;
    for (i, &v) in logits.iter().enumerate() {
        if v > best_v {
            best_v = v;
            best = i;
        }
    }
    best as u32
}

/// A small seeded generator (xorshift64*), enough for sampling.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (v >> 40) as f32 / (1u64 << 24) as f32
    }
}

#[cfg(test)]
mod tests;
