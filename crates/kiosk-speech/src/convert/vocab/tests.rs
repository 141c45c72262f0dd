//! GPT-2 byte spelling, decoded.

use super::*;

#[test]
fn byte_spelling_round_trips_every_byte() {
    let map = unicode_to_byte();
    assert_eq!(map.len(), 256);
    let mut bytes: Vec<u8> = map.values().copied().collect();
    bytes.sort_unstable();
    bytes.dedup();
    assert_eq!(bytes.len(), 256);
}

#[test]
fn decodes_gpt2_spelling() {
    let vocab: Vec<String> = ["Hello", "Ġworld", "Ċ", "ä½ł", "", "<|endoftext|>", "<|en|>"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let tokens = bpe_token_bytes(&vocab, Path::new("vocabulary.txt")).expect("decodes");
    assert_eq!(tokens.len(), 5);
    assert_eq!(tokens[0], b"Hello");
    assert_eq!(tokens[1], b" world");
    assert_eq!(tokens[2], b"\n");
    assert_eq!(tokens[3], "你".as_bytes());
    assert!(tokens[4].is_empty());
}

#[test]
fn a_vocabulary_without_end_of_text_is_an_error() {
    let vocab = vec!["a".to_string()];
    let err = bpe_token_bytes(&vocab, Path::new("vocabulary.txt")).expect_err("no eot");
    assert!(err.to_string().contains("<|endoftext|>"), "{err}");
}
