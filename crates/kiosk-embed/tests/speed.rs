//! Issue 14: how fast the embedder runs here, printed and never asserted
//! (see it with `--nocapture`): load time, the time for one short query,
//! tokens per second for a 64-token passage, and product lines per second
//! when embedded in batches.

mod common;

use std::time::Instant;

use kiosk_embed::{Embedder, TextKind};

#[test]
fn report_speed() {
    let start = Instant::now();
    let embedder = Embedder::open(&common::model_path()).expect("the model loads");
    println!("load: {:.0} ms", start.elapsed().as_secs_f64() * 1e3);

    let query = "ik zoek een boormachine voor beton";
    let n_query = embedder.token_ids(TextKind::Query, query).len();
    let per_query = time_per_call(&embedder, TextKind::Query, query, 30);
    println!(
        "short query ({n_query} tokens): {:.1} ms per embedding",
        per_query * 1e3
    );

    let passage = passage_of(&embedder, 64);
    let n_passage = embedder.token_ids(TextKind::Passage, &passage).len();
    let per_passage = time_per_call(&embedder, TextKind::Passage, &passage, 10);
    println!(
        "passage ({n_passage} tokens): {:.1} ms per embedding, {:.0} tokens/s",
        per_passage * 1e3,
        n_passage as f64 / per_passage
    );

    let lines = common::PRODUCTS;
    let lines: Vec<&str> = lines.iter().cycle().take(80).copied().collect();
    embedder.embed_batch(TextKind::Passage, &lines[..10]);
    let start = Instant::now();
    std::hint::black_box(embedder.embed_batch(TextKind::Passage, &lines));
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "batch of {} product lines: {:.1} ms per line, {:.0} lines/s",
        lines.len(),
        seconds * 1e3 / lines.len() as f64,
        lines.len() as f64 / seconds
    );
}

/// Mean seconds per `embed` call after one warm-up call.
fn time_per_call(embedder: &Embedder, kind: TextKind, text: &str, n: u32) -> f64 {
    embedder.embed(kind, text);
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(embedder.embed(kind, text));
    }
    start.elapsed().as_secs_f64() / f64::from(n)
}

/// A product description cut to `n_tokens` tokens with BOS and EOS.
fn passage_of(embedder: &Embedder, n_tokens: usize) -> String {
    let words = "Cordless drill 18V with two lithium batteries, a fast charger and a \
                 sturdy carrying case; two speeds, a 13 mm keyless chuck, LED work light, \
                 twenty torque settings and a belt clip for work on wood, metal and masonry \
                 around the house and garden";
    let mut text = String::new();
    for word in words.split(' ') {
        let longer = if text.is_empty() {
            word.to_string()
        } else {
            format!("{text} {word}")
        };
        if embedder.token_ids(TextKind::Passage, &longer).len() > n_tokens {
            break;
        }
        text = longer;
    }
    text
}
