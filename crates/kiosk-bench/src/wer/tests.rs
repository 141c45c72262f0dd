//! Error rates, table-driven.

use super::*;

fn check(metric: Metric, reference: &str, hypothesis: &str, errors: usize, len: usize) {
    let got = score(metric, reference, hypothesis);
    assert_eq!(
        (got.errors, got.reference_len),
        (errors, len),
        "{reference:?} vs {hypothesis:?}"
    );
}

#[test]
fn word_error_rate_ignores_case_and_punctuation() {
    check(
        Metric::Wer,
        "And so, my fellow Americans",
        " and so my fellow americans.",
        0,
        5,
    );
    check(
        Metric::Wer,
        "add apples to my list",
        "add apple to my list",
        1,
        5,
    );
    check(
        Metric::Wer,
        "add apples to my list",
        "add apples to list please",
        2,
        5,
    );
    check(
        Metric::Wer,
        "Dat kan met betrekkelijk weinig geld.",
        "",
        6,
        6,
    );
    check(Metric::Wer, "don't stop", "dont stop", 0, 2);
}

#[test]
fn character_error_rate_folds_chinese_scripts() {
    check(Metric::Cer, "换一首歌", "換一首歌。", 0, 4);
    check(
        Metric::Cer,
        "甚至出现交易几乎停滞的情况",
        "甚至出现交易几乎停制的情况",
        1,
        13,
    );
}

#[test]
fn picks_the_unit_by_language() {
    assert_eq!(Metric::for_lang("zh"), Metric::Cer);
    assert_eq!(Metric::for_lang("nl"), Metric::Wer);
    assert_eq!(
        Score {
            errors: 1,
            reference_len: 4
        }
        .rate(),
        0.25
    );
}
