//! Measurements for `kiosk bench llm`: load time, prompt and generation
//! speed (the same shape of test as llama.cpp's `llama-bench`: pp = a batch
//! of N prompt tokens from an empty cache, tg = N tokens generated one at a
//! time), time to first token of a typical phrased answer with and without
//! the prefix cache, and memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kiosk_core::Lang;
use kiosk_core::assistant::generator::FactSheet;
use serde::Serialize;

use kiosk_llm::Result;
use kiosk_llm::engine::{CancelToken, Engine, EngineConfig, GenerateOptions};
use kiosk_llm::generator::{GeneratorSettings, LlmGenerator, phrase_turn};
use kiosk_llm::gguf::Gguf;
use kiosk_llm::model::Logits;

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub model_path: PathBuf,
    pub threads: usize,
    pub context_length: usize,
    pub prompt_tokens: usize,
    pub gen_tokens: usize,
    /// Times each test runs; the report keeps the mean.
    pub repetitions: usize,
}

/// The figures, for the terminal and `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub model_path: PathBuf,
    pub threads: usize,
    /// Tensor types in the file, with counts.
    pub file_types: BTreeMap<String, usize>,
    /// Formats the kernels run, with counts (after load-time repacking).
    pub run_formats: BTreeMap<String, usize>,
    pub load_seconds: f64,
    pub prompt_tokens: usize,
    pub prompt_tokens_per_second: f64,
    pub gen_tokens: usize,
    pub gen_tokens_per_second: f64,
    /// Prompt tokens of the typical phrased answer (prefix + turn).
    pub ttft_prefix_tokens: usize,
    pub ttft_turn_tokens: usize,
    pub ttft_without_cache_ms: f64,
    pub ttft_with_cache_ms: f64,
    pub weights_mib: f64,
    pub cache_mib: f64,
    pub peak_rss_mib: f64,
}

/// Peak resident memory of this process so far, in MiB (Linux).
pub fn peak_rss_mib() -> f64 {
    proc_status_kib("VmHWM:").map_or(0.0, |k| k as f64 / 1024.0)
}

/// Current resident memory, in MiB (Linux).
pub fn rss_mib() -> f64 {
    proc_status_kib("VmRSS:").map_or(0.0, |k| k as f64 / 1024.0)
}

fn proc_status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Tensor types of a GGUF file with their counts.
pub fn file_types(path: &Path) -> Result<BTreeMap<String, usize>> {
    let gguf = Gguf::open(path)?;
    let mut out = BTreeMap::new();
    for info in gguf.content.tensor_infos.values() {
        *out.entry(format!("{:?}", info.ggml_dtype)).or_insert(0) += 1;
    }
    Ok(out)
}

/// Pseudo-random token ids below `vocab` (llama-bench also uses random
/// tokens), fixed by `seed`.
fn tokens(n: usize, vocab: usize, seed: u64) -> Vec<u32> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Skip the first ids: they are control tokens in both vocabularies.
            (1000 + x % (vocab as u64 - 1000)) as u32
        })
        .collect()
}

/// A typical phrased answer's fact sheet.
pub fn sample_sheet() -> FactSheet {
    FactSheet {
        template: "Velora Stride 3 Men's Running Shoe (EUR 89.95) is in stock in size 42, black. You'll find it in aisle 4, shoe wall.".to_string(),
        facts: vec![
            "Velora Stride 3 Men's Running Shoe | EUR 89.95 | aisle 4, shoe wall | 42, black: 3 in stock; 43, black: out of stock; 42, white: 1 in stock".to_string(),
        ],
    }
}

/// Runs the measurements.
pub fn run(options: &BenchOptions) -> Result<BenchReport> {
    let file_types = file_types(&options.model_path)?;
    let start = Instant::now();
    let engine = Engine::load(&EngineConfig {
        model_path: options.model_path.clone(),
        threads: options.threads,
        context_length: options.context_length,
    })?;
    let load = start.elapsed();
    let mut run_formats = BTreeMap::new();
    for (_, f) in engine.model.formats() {
        *run_formats.entry(f.to_string()).or_insert(0) += 1;
    }
    let generator = LlmGenerator::new(engine, GeneratorSettings::default())?;
    let reps = options.repetitions.max(1);
    let (pp, tg, ttft_cold, ttft_warm, n_prefix, n_turn, weights, cache) = generator
        .with_engine_for_bench(|e| {
            let vocab = e.model.config.vocab;
            let mut cache = e.model.new_cache();
            let mut logits = Vec::new();
            // Warm-up: page the weights in and spin the threads up.
            e.model
                .forward(&mut cache, &tokens(16, vocab, 7), Logits::Last, &mut logits)?;
            let mut pp = Duration::ZERO;
            let mut tg = Duration::ZERO;
            for r in 0..reps {
                cache.n_past = 0;
                let prompt = tokens(options.prompt_tokens, vocab, 11 + r as u64);
                let t = Instant::now();
                e.model
                    .forward(&mut cache, &prompt, Logits::Last, &mut logits)?;
                pp += t.elapsed();

                cache.n_past = 0;
                let steps = tokens(options.gen_tokens, vocab, 23 + r as u64);
                let t = Instant::now();
                for tok in steps {
                    e.model
                        .forward(&mut cache, &[tok], Logits::Last, &mut logits)?;
                }
                tg += t.elapsed();
            }
            let turn = phrase_turn(&sample_sheet(), Lang::En);
            let one = GenerateOptions {
                max_new_tokens: 1,
                ..GenerateOptions::default()
            };
            let mut cold = Duration::ZERO;
            let mut warm = Duration::ZERO;
            let mut n_prefix = 0;
            let mut n_turn = 0;
            for _ in 0..reps {
                let g =
                    e.generate_uncached("phrase", &turn, &one, &CancelToken::new(), &mut |_| {})?;
                cold += g.time_to_first_token.unwrap_or_default();
                let g = e.generate(
                    Some("phrase"),
                    &turn,
                    &one,
                    &CancelToken::new(),
                    &mut |_| {},
                )?;
                warm += g.time_to_first_token.unwrap_or_default();
                n_prefix = g.n_cached;
                n_turn = g.n_prompt;
            }
            Ok((
                pp,
                tg,
                cold,
                warm,
                n_prefix,
                n_turn,
                e.model.weight_bytes(),
                e.cache_bytes(),
            ))
        })?;
    let per = |d: Duration| d.as_secs_f64() / reps as f64;
    Ok(BenchReport {
        model_path: options.model_path.clone(),
        threads: options.threads,
        file_types,
        run_formats,
        load_seconds: load.as_secs_f64(),
        prompt_tokens: options.prompt_tokens,
        prompt_tokens_per_second: options.prompt_tokens as f64 / per(pp),
        gen_tokens: options.gen_tokens,
        gen_tokens_per_second: options.gen_tokens as f64 / per(tg),
        ttft_prefix_tokens: n_prefix,
        ttft_turn_tokens: n_turn,
        ttft_without_cache_ms: per(ttft_cold) * 1000.0,
        ttft_with_cache_ms: per(ttft_warm) * 1000.0,
        weights_mib: weights as f64 / (1 << 20) as f64,
        cache_mib: cache as f64 / (1 << 20) as f64,
        peak_rss_mib: peak_rss_mib(),
    })
}
