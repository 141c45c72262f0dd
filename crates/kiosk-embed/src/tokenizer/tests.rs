use super::*;

/// A toy vocabulary: the four specials, `▁`, `▁a`, `b`, `▁ab`, `c`.
fn toy() -> Tokenizer {
    let pieces = [
        "<s>", "<pad>", "</s>", "<unk>", "▁", "▁a", "b", "▁ab", "c", "",
    ];
    let scores = [0.0, 0.0, 0.0, 0.0, -2.0, -1.0, -1.0, -1.5, -3.0, -1.0];
    Tokenizer::new(Vocab {
        pieces: pieces.iter().map(|p| Box::from(p.as_bytes())).collect(),
        scores: scores.to_vec(),
        bos: 0,
        eos: 2,
        unk: 3,
        normalization: vec![
            ('\t', Box::from([' '])),
            ('\u{200b}', Box::from([])),
            ('Ａ', Box::from(['a'])),
        ],
    })
}

fn check(text: &str, expected: &[u32]) {
    assert_eq!(toy().encode(text), expected, "{text:?}");
}

#[test]
fn best_segmentation_wins() {
    // ▁ab (-1.5) beats ▁a + b (-2).
    check("ab", &[7]);
    check("abc", &[7, 8]);
}

#[test]
fn spaces_collapse_and_become_word_boundaries() {
    check("a  b", &[5, 4, 6]);
    check("a\t \tb", &[5, 4, 6]);
    // A leading space is the boundary itself; no second one is added.
    check(" ab", &[7]);
    check("", &[4]);
}

#[test]
fn normalisation_replaces_and_drops() {
    check("Ａb", &[7]);
    check("a\u{200b}b", &[7]);
}

#[test]
fn uncovered_characters_are_unknown() {
    check("x", &[4, 3]);
    check("a语b", &[5, 3, 6]);
}

#[test]
fn specials_are_exposed() {
    let tokenizer = toy();
    assert_eq!(
        (tokenizer.bos(), tokenizer.eos(), tokenizer.unk()),
        (0, 2, 3)
    );
}
