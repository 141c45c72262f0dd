use std::path::{Path, PathBuf};

use super::oracle::Oracle;
use super::pipeline::Pipeline;
use super::*;

/// A toy vocabulary: the four specials, `▁`, `▁a`, `b`, `▁ab`, `c`, and an
/// empty piece no text may match.
fn toy_vocab() -> Vocab {
    let pieces = [
        "<s>", "<pad>", "</s>", "<unk>", "▁", "▁a", "b", "▁ab", "c", "",
    ];
    let scores = [0.0, 0.0, 0.0, 0.0, -2.0, -1.0, -1.0, -1.5, -3.0, -1.0];
    Vocab {
        pieces: pieces.iter().map(|p| Box::from(p.as_bytes())).collect(),
        scores: scores.to_vec(),
        bos: 0,
        eos: 2,
        unk: 3,
        normalization: vec![
            ('\t', Box::from([' '])),
            ('\u{200b}', Box::from([])),
            ('Ａ', Box::from(['a'])),
            ('ﬀ', Box::from(['b', ' ', 'b'])),
        ],
    }
}

/// The tokenizer, the oracle and the `tokenizers` pipeline all give
/// `expected` for `text`.
fn check(text: &str, expected: &[u32]) {
    check_with(&toy_vocab(), text, expected);
}

fn check_with(vocab: &Vocab, text: &str, expected: &[u32]) {
    let tokenizer = Tokenizer::new(vocab).expect("the vocabulary builds");
    assert_eq!(tokenizer.encode(text), expected, "tokenizer, {text:?}");
    assert_eq!(
        Oracle::new(vocab).encode(text),
        expected,
        "oracle, {text:?}"
    );
    let pipeline = Pipeline::new(vocab).expect("the pipeline builds");
    assert_eq!(pipeline.encode(text), expected, "pipeline, {text:?}");
}

#[test]
fn best_segmentation_wins() {
    // ▁ab (-1.5) beats ▁a + b (-2).
    check("ab", &[7]);
    check("abc", &[7, 8]);
}

/// Issue 14: where two segmentations score the same, the tokenizer keeps
/// the one the reference keeps: the first found, scanning start positions
/// left to right and, from each, pieces short to long.
#[test]
fn ties_keep_the_segmentation_found_first() {
    let pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", "ab", "▁a", "b", "▁ab"];
    let check_tie = |ab_score: f32, text: &str, expected: &[u32]| {
        let mut scores = vec![0.0, 0.0, 0.0, 0.0, -1.0, -1.0, -1.0, -1.0];
        scores.push(ab_score);
        let vocab = Vocab {
            pieces: pieces.iter().map(|p| Box::from(p.as_bytes())).collect(),
            scores,
            bos: 0,
            eos: 2,
            unk: 3,
            normalization: Vec::new(),
        };
        check_with(&vocab, text, expected);
    };
    // ▁ab, ▁ + ab and ▁a + b all score -2: ▁ab ends at `b` first (from
    // position 0), and the later equal candidates do not replace it.
    check_tie(-2.0, "ab", &[8]);
    // Without ▁ab, ▁ + ab (from position 1) is found before ▁a + b (from
    // position 2).
    check_tie(-5.0, "ab", &[4, 5]);
}

#[test]
fn spaces_collapse_and_become_word_boundaries() {
    check("a  b", &[5, 4, 6]);
    check("a\t \tb", &[5, 4, 6]);
    // A leading space is the boundary itself; no second one is added.
    check(" ab", &[7]);
    check("\t\tab", &[7]);
    check("", &[4]);
    check("ab ", &[7, 4]);
}

#[test]
fn normalisation_replaces_and_drops() {
    check("Ａb", &[7]);
    check("a\u{200b}b", &[7]);
    check("\u{200b}\u{200b}ab\u{200b}", &[7]);
    // One code point to several, the space among them collapsing with the
    // one before it.
    check("a ﬀ", &[5, 4, 6, 4, 6]);
}

#[test]
fn uncovered_characters_are_unknown_one_per_character() {
    check("x", &[4, 3]);
    check("a语b", &[5, 3, 6]);
    // `tokenizers` fuses these into one <unk>; the reference does not.
    check("a语言b", &[5, 3, 3, 6]);
    check("xyz", &[4, 3, 3, 3]);
}

#[test]
fn the_text_unk_is_not_the_unknown_piece() {
    // Not one <unk> at score 0: the characters, each unknown but `b`.
    check("<unk>", &[4, 3, 3, 3, 3, 3]);
}

#[test]
fn framing_adds_bos_and_eos() {
    let tokenizer = Tokenizer::new(&toy_vocab()).expect("the toy vocabulary builds");
    assert_eq!(tokenizer.encode_framed("ab"), [0, 7, 2]);
    assert_eq!(tokenizer.encode_framed("x y"), [0, 4, 3, 4, 3, 2]);
    let pipeline = Pipeline::new(&toy_vocab()).expect("the pipeline builds");
    assert_eq!(pipeline.encode_framed("x y"), [0, 4, 3, 4, 3, 2]);
}

#[test]
fn specials_are_exposed() {
    let tokenizer = Tokenizer::new(&toy_vocab()).expect("the toy vocabulary builds");
    assert_eq!(
        (tokenizer.bos(), tokenizer.eos(), tokenizer.unk()),
        (0, 2, 3)
    );
}

/// The real model file, found as the integration tests find it.
fn model_path() -> PathBuf {
    if let Some(path) = std::env::var_os("KIOSK_E5_MODEL") {
        return PathBuf::from(path);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../models/hub/models--kiosk--multilingual-e5-small-q4/snapshots/kiosk")
        .join("e5-small-q4.bin")
}

/// Every line and every comma-separated field of the repository's demo
/// catalog and the shared real-world exports, plus hand-picked hard cases.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = std::env::var_os("KIOSK_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/data"));
    let mut files = Vec::new();
    for dir in [root.join("catalog"), shared.join("catalogs")] {
        let entries =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path
                .extension()
                .is_some_and(|ext| ext == "csv" || ext == "tsv")
            {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 5, "catalog files: {files:?}");
    let mut texts: Vec<String> = [
        "ik zoek een boormachine voor beton",
        "apakah ada sepatu lari ukuran 42?",
        "有没有防水的外套",
        "¿Tienen mallas de deporte talla M?",
        "  leading and  double   spaces\t\tand tabs\n",
        "ﬁne ligatures, full-width ＡＢＣ１２３, and ½ fractions",
        "emoji 👍🏽 and ZWJ 👩‍👩‍👧 and flags 🇳🇱",
        "combining e\u{301} vs é, Å vs A\u{30a}",
        "<s> <unk> </s> <pad> literal specials",
        "control\u{1}\u{7}chars\u{200b}zero width",
        "\u{2581}already a word boundary",
        "ꙮ 𓀀 ᚠᛇᚻ rare scripts",
        "",
        " ",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for file in files {
        let bytes = std::fs::read(&file).expect("a catalog file");
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines() {
            texts.push(line.to_string());
            texts.extend(line.split(',').map(str::to_string));
        }
    }
    texts
}

/// Issue 14: the tokenizer gives the reference algorithm's ids, and the
/// `tokenizers` crate's `Unigram` pipeline's, on every text of the
/// catalogs, not just the fixtures.
#[test]
fn matches_the_reference_algorithm_on_the_catalogs() {
    let path = model_path();
    assert!(
        path.is_file(),
        "no e5 model at {}: set KIOSK_E5_MODEL or run scripts/fetch-models",
        path.display()
    );
    let (file, _) = crate::format::read(&path).expect("the model file reads");
    let tokenizer = Tokenizer::new(&file.vocab).expect("the tokenizer builds");
    let oracle = Oracle::new(&file.vocab);
    let pipeline = Pipeline::new(&file.vocab).expect("the pipeline builds");
    let texts = corpus();
    let mut mismatches = Vec::new();
    let mut n_tokens = 0;
    for text in &texts {
        let ours = tokenizer.encode(text);
        let expected = oracle.encode(text);
        let theirs = pipeline.encode(text);
        n_tokens += expected.len();
        if ours != expected || theirs != expected {
            mismatches.push(format!(
                "{text:?}\n  ours:     {ours:?}\n  oracle:   {expected:?}\n  pipeline: {theirs:?}"
            ));
        }
    }
    println!("{} texts, {n_tokens} tokens compared", texts.len());
    assert!(texts.len() > 1000, "only {} texts", texts.len());
    assert!(
        mismatches.is_empty(),
        "{} of {} texts differ:\n{}",
        mismatches.len(),
        texts.len(),
        mismatches.join("\n")
    );
}
