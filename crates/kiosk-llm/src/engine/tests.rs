//! The engine on the real models: greedy determinism, the prefix cache,
//! streaming, limits and cancellation, scoring.

use std::sync::OnceLock;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::{CancelToken, Engine, GenerateOptions, Sampling, StopReason, argmax};
use crate::models::ModelKind;
use crate::template::Example;
use crate::testutil::engine;

/// One engine per model for all tests (loading is the slow part).
fn shared(kind: ModelKind) -> MutexGuard<'static, Engine> {
    static GEMMA: OnceLock<Mutex<Engine>> = OnceLock::new();
    static SMOL: OnceLock<Mutex<Engine>> = OnceLock::new();
    let cell = match kind {
        ModelKind::Gemma => &GEMMA,
        ModelKind::Smollm2 => &SMOL,
    };
    let m = cell.get_or_init(|| {
        let mut e = engine(kind, 2);
        e.add_prefix(
            "test",
            "You are a shop assistant. Answer in one short sentence.",
            &[Example {
                user: "Do you sell socks?".into(),
                model: "Yes, socks are in aisle 2.".into(),
            }],
        )
        .expect("prefix");
        Mutex::new(e)
    });
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn greedy(n: usize) -> GenerateOptions {
    GenerateOptions {
        max_new_tokens: n,
        ..GenerateOptions::default()
    }
}

#[test]
fn prefix_cache_gives_identical_logits_to_full_recomputation() {
    for kind in ModelKind::ALL {
        let mut e = shared(kind);
        let turn = e
            .template
            .turn(&e.tokenizer, "Where are the rain jackets?")
            .expect("turn");
        let mut full = e.prefix_tokens("test").expect("prefix").to_vec();
        full.extend(&turn);
        let recomputed = e.logits_after(None, &full).expect("runs");
        let cached = e.logits_after(Some("test"), &turn).expect("runs");
        assert_eq!(cached, recomputed, "{kind}");
        // And again after other work in between.
        e.logits_after(None, &full[..10]).expect("runs");
        assert_eq!(
            e.logits_after(Some("test"), &turn).expect("runs"),
            recomputed,
            "{kind}"
        );
    }
}

#[test]
fn greedy_generation_is_deterministic_and_streams() {
    for kind in ModelKind::ALL {
        let mut e = shared(kind);
        let mut streamed = String::new();
        let a = e
            .generate(
                Some("test"),
                "Where are the rain jackets?",
                &greedy(24),
                &CancelToken::new(),
                &mut |t| streamed.push_str(t),
            )
            .expect("generates");
        assert!(!a.text.trim().is_empty(), "{kind}: empty answer");
        assert_eq!(streamed, a.text, "{kind}: the stream is the text");
        let b = e
            .generate(
                Some("test"),
                "Where are the rain jackets?",
                &greedy(24),
                &CancelToken::new(),
                &mut |_| {},
            )
            .expect("generates");
        assert_eq!(a.tokens, b.tokens, "{kind}");
        // Without the prefix cache: the same tokens.
        let c = e
            .generate_uncached(
                "test",
                "Where are the rain jackets?",
                &greedy(24),
                &CancelToken::new(),
                &mut |_| {},
            )
            .expect("generates");
        assert_eq!(a.tokens, c.tokens, "{kind}");
        eprintln!("{kind}: {:?} ({:?})", a.text, a.stop);
    }
}

#[test]
fn seeded_sampling_is_reproducible() {
    let mut e = shared(ModelKind::Smollm2);
    let opts = GenerateOptions {
        max_new_tokens: 12,
        sampling: Sampling::TopP {
            temperature: 0.8,
            top_p: 0.9,
            seed: 42,
        },
        ..GenerateOptions::default()
    };
    let run = |e: &mut Engine| {
        e.generate(
            Some("test"),
            "Say something nice.",
            &opts,
            &CancelToken::new(),
            &mut |_| {},
        )
        .expect("generates")
        .tokens
    };
    let a = run(&mut e);
    assert_eq!(a, run(&mut e));
}

#[test]
fn limits_stop_generation() {
    let mut e = shared(ModelKind::Gemma);
    let g = e
        .generate(
            Some("test"),
            "Tell me a long story about shoes.",
            &greedy(3),
            &CancelToken::new(),
            &mut |_| {},
        )
        .expect("runs");
    assert_eq!(g.stop, StopReason::MaxTokens);
    assert_eq!(g.tokens.len(), 3);
    let g = e
        .generate(
            Some("test"),
            "Tell me a long story about shoes.",
            &GenerateOptions {
                max_new_tokens: 500,
                time_budget: Some(Duration::ZERO),
                ..GenerateOptions::default()
            },
            &CancelToken::new(),
            &mut |_| {},
        )
        .expect("runs");
    assert_eq!(g.stop, StopReason::TimeBudget);
}

#[test]
fn cancellation_stops_between_tokens() {
    let mut e = shared(ModelKind::Smollm2);
    let cancel = CancelToken::new();
    let mut seen = 0;
    let c = cancel.clone();
    let g = e
        .generate(
            Some("test"),
            "Tell me a long story about shoes.",
            &greedy(200),
            &cancel,
            &mut |_| {
                seen += 1;
                if seen == 3 {
                    // The shopper walked away.
                    c.cancel();
                }
            },
        )
        .expect("runs");
    assert_eq!(g.stop, StopReason::Cancelled);
    assert!(
        g.tokens.len() <= 4,
        "{} tokens after cancelling",
        g.tokens.len()
    );
    // Cancelled before it starts: nothing runs.
    let g = e
        .generate(Some("test"), "Hello", &greedy(20), &cancel, &mut |_| {})
        .expect("runs");
    assert_eq!(g.stop, StopReason::Cancelled);
    assert!(g.tokens.is_empty());
}

#[test]
fn scores_are_log_likelihoods_of_whole_answers() {
    let mut e = shared(ModelKind::Smollm2);
    let scores = e
        .score(
            Some("test"),
            "Answer with one word, yes or no: is the sky blue?",
            &["yes", "no", "yes yes yes yes yes yes"],
            &CancelToken::new(),
        )
        .expect("runs")
        .expect("not cancelled");
    assert_eq!(scores.len(), 3);
    assert!(
        scores.iter().all(|s| s.is_finite() && *s < 0.0),
        "{scores:?}"
    );
    // The closing token is scored, so a long ramble is far less likely.
    assert!(scores[2] < scores[0] - 5.0, "{scores:?}");
    assert_eq!(argmax(&scores[..2]), 0, "{scores:?}");
}

/// The raw chat prompt llama.cpp's `llama-simple` ran (BOS, control
/// tokens parsed).
fn raw_prompt(e: &Engine, kind: ModelKind, user: &str) -> Vec<u32> {
    let tok = &e.tokenizer;
    let (open, close, answer) = match kind {
        ModelKind::Gemma => (105, 106, "model\n"),
        ModelKind::Smollm2 => (1, 2, "assistant\n"),
    };
    let mut toks: Vec<u32> = tok.bos().into_iter().collect();
    toks.push(open);
    toks.extend(tok.encode(&format!("user\n{user}")).expect("encodes"));
    toks.push(close);
    toks.extend(tok.encode("\n").expect("encodes"));
    toks.push(open);
    toks.extend(tok.encode(answer).expect("encodes"));
    toks
}

// The greedy continuation starts as llama.cpp's does on the same file
// (llama-simple -n 40, built from the llama-cpp-python 0.3.36 sources).
// Only the start is compared: later near-ties may fall either way between
// two runtimes that round differently.
#[test]
fn greedy_text_agrees_with_llama_cpp() {
    let cases = [
        (
            ModelKind::Smollm2,
            "1. Choose a brand that supports sustainable",
        ),
        // The Gemma file echoes the question (see the report on this file).
        (
            ModelKind::Gemma,
            "Give me three tips for buying running shoes. mendatang\nYou can buy running shoes from",
        ),
    ];
    for (kind, want) in cases {
        let mut e = shared(kind);
        let prompt = raw_prompt(&e, kind, "Give me three tips for buying running shoes.");
        let g = e
            .generate_raw(&prompt, &greedy(24), &CancelToken::new(), &mut |_| {})
            .expect("generates");
        assert!(
            g.text.starts_with(want),
            "{kind}: {:?} does not start with llama.cpp's {want:?}",
            g.text
        );
    }
}

// Issue 4: candle's Gemma 3 gave single-token steps no sliding-window mask
// and never trimmed the cache. After a 1,157-token prompt (past the 512
// window and the 768-row ring of the local layers) the greedy continuation
// starts as llama.cpp's does on the same file (llama-simple -n 16).
#[test]
fn long_prompt_continues_as_llama_cpp_does() {
    let mut e = shared(ModelKind::Gemma);
    let text = include_str!("long_prompt.txt");
    let mut prompt: Vec<u32> = e.tokenizer.bos().into_iter().collect();
    prompt.extend(e.tokenizer.encode(text).expect("encodes"));
    assert_eq!(prompt.len(), 1157);
    let g = e
        .generate_raw(&prompt, &greedy(8), &CancelToken::new(), &mut |_| {})
        .expect("generates");
    assert!(
        g.text.starts_with("-mail address of the user."),
        "{:?}",
        g.text
    );
}
