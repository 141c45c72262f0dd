//! The tokenizers against token ids from llama.cpp's `llama-tokenize` on the
//! same GGUF files (parse_special off, no BOS), in the kiosk's four
//! languages, and round trips.

use std::sync::OnceLock;

use super::{Kind, Tokenizer};
use crate::gguf::Gguf;
use crate::models::ModelKind;
use crate::testutil::model_path;

fn tokenizer(kind: ModelKind) -> &'static Tokenizer {
    static GEMMA: OnceLock<Tokenizer> = OnceLock::new();
    static SMOL: OnceLock<Tokenizer> = OnceLock::new();
    let cell = match kind {
        ModelKind::Gemma => &GEMMA,
        ModelKind::Smollm2 => &SMOL,
    };
    cell.get_or_init(|| {
        let gguf = Gguf::open(&model_path(kind)).expect("model opens");
        Tokenizer::from_gguf(&gguf).expect("tokenizer builds")
    })
}

fn check(kind: ModelKind, text: &str, expected: &[u32]) {
    let tok = tokenizer(kind);
    let ids = tok.encode(text).expect("encodes");
    assert_eq!(ids, expected, "{kind} ids of {text:?}");
    assert_eq!(
        tok.decode(&ids).expect("decodes"),
        text,
        "{kind} round trip of {text:?}"
    );
}

const EN: &str = "Do you have these running shoes in size 9?";
const NL: &str = "Waar liggen de regenjassen? Ik zoek een maat 38.";
const ID: &str = "Ada kaos kaki olahraga warna hitam?";
const ZH: &str = "有沒有黑色的外套？價格是多少？";
const SPACES: &str = "  Two  spaces, a tab\tand";
const MIXED: &str = "new lines: 12345 €89.95 <end_of_turn> naïve café";
const LINES: &str = "Line one\n\nLine  two\n";

#[test]
fn gemma_matches_llama_cpp_in_four_languages() {
    let g = ModelKind::Gemma;
    check(
        g,
        EN,
        &[
            6294, 611, 735, 1239, 4710, 11795, 528, 2425, 236743, 236819, 236881,
        ],
    );
    check(
        g,
        NL,
        &[
            232801, 184350, 569, 188004, 236804, 19819, 236881, 26353, 118480, 4831, 128467,
            236743, 236800, 236828, 236761,
        ],
    );
    check(
        g,
        ID,
        &[86658, 166419, 94848, 160742, 59974, 106098, 236881],
    );
    check(
        g,
        ZH,
        &[
            179746, 238786, 40074, 189535, 237536, 101786, 187330, 237536,
        ],
    );
}

#[test]
fn gemma_matches_llama_cpp_on_whitespace_digits_and_control_text() {
    let g = ModelKind::Gemma;
    check(
        g,
        SPACES,
        &[138, 11634, 138, 35220, 236764, 496, 6937, 255968, 624],
    );
    // A control token typed as text stays text (llama.cpp with parse_special off).
    check(
        g,
        MIXED,
        &[
            1951, 4463, 236787, 236743, 236770, 236778, 236800, 236812, 236810, 11361, 236828,
            236819, 236761, 236819, 236810, 655, 643, 236779, 1340, 236779, 887, 236813, 120362,
            33443,
        ],
    );
    check(g, LINES, &[4539, 886, 108, 4539, 138, 13498, 107]);
}

#[test]
fn smollm2_matches_llama_cpp_in_four_languages() {
    let s = ModelKind::Smollm2;
    check(
        s,
        EN,
        &[6248, 346, 457, 623, 4108, 10582, 281, 2203, 216, 41, 47],
    );
    check(
        s,
        NL,
        &[
            39427, 280, 13042, 1639, 367, 15782, 90, 520, 264, 47, 339, 91, 21583, 1846, 297, 264,
            12102, 261, 216, 35, 40, 30,
        ],
    );
    check(
        s,
        ID,
        &[
            4503, 81, 30019, 395, 501, 13555, 9922, 1287, 1808, 81, 7432, 81, 5380, 332, 47,
        ],
    );
    check(
        s,
        ZH,
        &[
            30746, 177, 127, 236, 30746, 180, 136, 235, 179, 227, 127, 11567, 18614, 240, 48392,
            241, 8083, 249, 176, 221, 134, 26519, 137, 27830, 18614, 244, 26986, 235, 8083, 249,
        ],
    );
}

#[test]
fn smollm2_matches_llama_cpp_on_whitespace_digits_and_control_text() {
    let s = ModelKind::Smollm2;
    check(s, SPACES, &[216, 5713, 216, 5600, 28, 253, 10147, 197, 397]);
    check(
        s,
        MIXED,
        &[
            2241, 3204, 42, 216, 33, 34, 35, 36, 37, 24927, 40, 41, 30, 41, 37, 2067, 486, 79,
            1714, 79, 20589, 46, 15486, 46494, 37366,
        ],
    );
    check(s, LINES, &[11907, 582, 198, 198, 11907, 216, 827, 198]);
}

#[test]
fn families_and_control_tokens() {
    let g = tokenizer(ModelKind::Gemma);
    assert_eq!(g.kind(), Kind::SentencePiece);
    assert_eq!(g.bos(), Some(2));
    assert_eq!(g.control("<start_of_turn>"), Some(105));
    assert_eq!(g.control("<end_of_turn>"), Some(106));
    assert!(g.is_control(106));
    let s = tokenizer(ModelKind::Smollm2);
    assert_eq!(s.kind(), Kind::Gpt2);
    assert_eq!(s.bos(), None);
    assert_eq!(s.control("<|im_start|>"), Some(1));
    assert_eq!(s.control("<|im_end|>"), Some(2));
}

#[test]
fn round_trips_in_every_language() {
    for kind in ModelKind::ALL {
        let tok = tokenizer(kind);
        for text in [
            EN,
            NL,
            ID,
            ZH,
            SPACES,
            MIXED,
            LINES,
            "",
            "😀 emoji ✓ ü ß 日本語 ẞ",
            "a\u{00A0}b  \n\t x",
        ] {
            let ids = tok.encode(text).expect("encodes");
            assert_eq!(
                tok.decode(&ids).expect("decodes"),
                text,
                "{kind} round trip of {text:?}"
            );
        }
    }
}
