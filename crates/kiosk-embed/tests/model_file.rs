//! Issue 14: the embedder reads a damaged model file as an error, never a
//! panic or an out-of-bounds read. Truncated copies of the real model and
//! copies with a corrupted header or directory field are written to a temp
//! dir and opened; each must be an `Error` of kind `Model` that names the
//! file and says what was wrong.

mod common;

use kiosk_embed::{Embedder, ErrorKind};

fn model_bytes() -> Vec<u8> {
    std::fs::read(common::model_path()).expect("model file is readable")
}

/// Writes `bytes` to a temp file, opens it as a model, and checks the error.
fn check_rejected(bytes: &[u8], name: &str, expected_words: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write corrupt copy");
    let error = match Embedder::open(&path) {
        Ok(_) => panic!("{name}: a corrupt model was accepted"),
        Err(error) => error,
    };
    let message = error.to_string();
    assert_eq!(error.kind(), ErrorKind::Model, "{name}: {message}");
    assert!(
        message.contains(name),
        "{name}: the error does not name the file: {message}"
    );
    assert!(
        message.contains(expected_words),
        "{name}: expected {expected_words:?} in {message}"
    );
}

/// Where the directory entry of tensor `name` keeps its element count.
fn entry_field(bytes: &[u8], name: &str) -> usize {
    let mut needle = (name.len() as u16).to_le_bytes().to_vec();
    needle.extend_from_slice(name.as_bytes());
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_slice())
        .expect("tensor in directory");
    at + needle.len() + 1
}

#[test]
fn reads_the_real_model() {
    let embedder = Embedder::open(&common::model_path()).expect("the model reads");
    let config = embedder.config();
    assert_eq!(
        (config.hidden, config.n_layers, config.n_heads, config.ff),
        (384, 12, 12, 1536)
    );
    assert_eq!((config.vocab_rows, config.max_positions), (250_037, 512));
    assert_eq!(embedder.dim(), 384);
    assert_eq!(embedder.max_content_tokens(), 510);
}

#[test]
fn truncated_copies_are_errors() {
    let bytes = model_bytes();
    let len = bytes.len();
    for cut in [0, 3, 7, 100, 5_000, len / 2, len - 1] {
        check_rejected(&bytes[..cut], &format!("cut-{cut}.bin"), "");
    }
    check_rejected(&bytes[..100], "cut-100.bin", "truncated");
    check_rejected(&bytes[..len - 1], "cut-end.bin", "run past the end");
}

#[test]
fn missing_file_is_an_io_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = Embedder::open(&dir.path().join("absent.bin")).expect_err("no file");
    assert_eq!(error.kind(), ErrorKind::Io);
    assert!(error.to_string().contains("absent.bin"));
}

#[test]
fn corrupt_fields_are_errors() {
    let bytes = model_bytes();
    let corrupt = |at: usize, value: &[u8]| {
        let mut copy = bytes.clone();
        copy[at..at + value.len()].copy_from_slice(value);
        copy
    };
    check_rejected(&corrupt(0, b"GGUF"), "magic.bin", "not an E5S1 model");
    check_rejected(&corrupt(4, &2u32.to_le_bytes()), "version.bin", "version 2");
    // Hidden size 385: not a multiple of the heads.
    check_rejected(
        &corrupt(8, &385i32.to_le_bytes()),
        "hidden.bin",
        "hidden size 385",
    );
    // Hidden size 768: every tensor shape disagrees.
    check_rejected(
        &corrupt(8, &768i32.to_le_bytes()),
        "hidden-768.bin",
        "configuration implies",
    );
    check_rejected(
        &corrupt(8, &(-1i32).to_le_bytes()),
        "negative.bin",
        "hidden size",
    );
    // Piece count above the vocabulary rows.
    check_rejected(
        &corrupt(44, &250_038i32.to_le_bytes()),
        "pieces.bin",
        "piece count",
    );
    // A flipped high bit in the length of the piece bytes.
    let mut flipped = bytes.clone();
    flipped[64 + 5] ^= 0x01;
    check_rejected(&flipped, "blob-len.bin", "exceeds the file");
    // A flipped low bit in the length of the piece bytes.
    let mut flipped = bytes.clone();
    flipped[64] ^= 0x01;
    check_rejected(&flipped, "blob-len-low.bin", "");

    let word = entry_field(&bytes, "emb.word");
    // Element count flipped: no longer what the configuration implies.
    let mut flipped = bytes.clone();
    flipped[word + 1] ^= 0x80;
    check_rejected(&flipped, "word-count.bin", "emb.word");
    // Byte length flipped: no longer a whole number of blocks.
    let mut flipped = bytes.clone();
    flipped[word + 4 + 8] ^= 0x04;
    check_rejected(&flipped, "word-bytes.bin", "emb.word");
    // Offset pushed past the end of the file.
    let mut flipped = bytes.clone();
    flipped[word + 4 + 3] ^= 0x40;
    check_rejected(&flipped, "word-offset.bin", "past the end");
    // A Q4_0 tensor whose weights are not whole blocks.
    let fi = entry_field(&bytes, "l3.fi.w");
    check_rejected(
        &corrupt(fi, &589_825u32.to_le_bytes()),
        "blocks.bin",
        "whole number of blocks",
    );
    // A type the format does not have.
    check_rejected(&corrupt(fi - 1, &[7]), "type.bin", "unknown type 7");
    // A renamed tensor is a missing one.
    let name_at = fi - 1 - "l3.fi.w".len();
    check_rejected(
        &corrupt(name_at, b"l3.fx.w"),
        "renamed.bin",
        "tensor l3.fi.w is missing",
    );
}
