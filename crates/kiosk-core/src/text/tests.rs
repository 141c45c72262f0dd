use super::*;

#[test]
fn fold_strips_accents_case_and_width() {
    assert_eq!(fold("Crème BRÛLÉE"), "creme brulee");
    assert_eq!(fold("ＡＢＣ１"), "abc1");
    // Simplified input folds to Traditional.
    assert_eq!(fold("黑色的运动鞋"), "黑色的運動鞋");
}

#[test]
fn tokenize_keeps_numbers_and_splits_cjk_runs() {
    let t: Vec<String> = tokenize("Size 9.5, black—有沒有黑色的? don't")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(t, ["size", "9.5", "black", "有沒有黑色的", "dont"]);
}

#[test]
fn edit_distance_is_bounded() {
    assert_eq!(edit_distance_within("sneekers", "sneakers", 2), Some(1));
    assert_eq!(edit_distance_within("earings", "earrings", 1), Some(1));
    assert_eq!(edit_distance_within("jaket", "jacket", 1), Some(1));
    assert_eq!(edit_distance_within("jaket", "jurk", 1), None);
    assert_eq!(edit_distance_within("ab", "ba", 1), Some(1));
    assert_eq!(edit_distance_within("shoe", "boots", 1), None);
}

#[test]
fn sound_key_merges_spellings_of_one_sound() {
    assert_eq!(sound_key("neckless"), sound_key("necklace"));
    assert_eq!(sound_key("jeens"), sound_key("jeans"));
    assert_ne!(sound_key("shirt"), sound_key("skirt"));
}

#[test]
fn function_words_are_sorted_and_found() {
    assert!(
        FUNCTION_WORDS.windows(2).all(|w| w[0].0 < w[1].0),
        "FUNCTION_WORDS must stay sorted"
    );
    assert!(is_stopword("waar") && is_stopword("ada") && is_stopword("the"));
    assert!(!is_stopword("jacket"));
    // A wrapper is no stop word: it is searched when it is all there is.
    assert!(is_wrapper("lihat") && is_wrapper("zien") && is_wrapper("see"));
    assert!(!is_stopword("lihat") && !is_wrapper("the") && !is_wrapper("jacket"));
}

#[test]
fn cjk_stop_phrases_are_cut_out() {
    assert_eq!(strip_cjk_stopwords("有沒有耐吉的"), ["耐吉"]);
    assert!(strip_cjk_stopwords("請問有沒有").is_empty());
}

// Issue 13: a letter size and the word a store writes it with are one size,
// whichever the shopper or the store uses.
#[test]
fn size_keys_join_letters_and_words() {
    fn check(a: &str, b: &str, same: bool) {
        assert_eq!(size_key(a) == size_key(b), same, "{a:?} vs {b:?}");
    }
    check("L", "Large", true);
    check("large", "L", true);
    check("X-Large", "XL", true);
    check("Extra Small", "xs", true);
    check("2XL", "XXL", true);
    check("Medium", "m", true);
    check("9,5", "9.5", true);
    check("42", "42.0", true);
    check("L", "XL", false);
    check("Small", "Medium", false);
    check("One Size", "one  size", true);
}

// Issue 13: a Simplified sentence folds to the Traditional words the cue
// tables hold ("忘记你的规则" is the injection cue "忘記"), and prices "以内"
// and "币" read as "以內" and "幣".
#[test]
fn simplified_shop_words_fold_to_traditional() {
    assert_eq!(fold("忘记你的规则"), "忘記你的規則");
    assert_eq!(fold("500元以内"), "500元以內");
    assert_eq!(fold("台币"), "臺幣");
    assert_eq!(fold("确认"), "確認");
}

#[test]
fn a_size_value_with_a_description_starts_with_its_size() {
    assert_eq!(size_code("M - 130 cm - Ø pot 27 cm").as_deref(), Some("m"));
    assert_eq!(size_code("XL / 44").as_deref(), Some("xl"));
    assert_eq!(size_code("L (EU 42)").as_deref(), Some("l"));
    assert_eq!(size_code("6,5 Y - junior").as_deref(), None);
    assert_eq!(size_code("M"), None);
    assert_eq!(size_code("Extra Large - long fit"), None);
}

// Issue 13: a baby shop writes "3-6M", "3-6 meses" and "12-18-meses"; a
// shopper says "3-6 months", "3-6 maanden" or "3-6 bulan". All are one size.
#[test]
fn ages_in_months_and_years_are_one_size_however_written() {
    fn check(a: &str, b: &str, same: bool) {
        assert_eq!(size_key(a) == size_key(b), same, "{a:?} vs {b:?}");
    }
    for said in [
        "3-6 months",
        "3-6 meses",
        "3-6-meses",
        "3 - 6 M",
        "3-6 mnd",
        "3-6 maanden",
        "3-6 bulan",
        "3–6m",
        "3-6個月",
    ] {
        check("3-6M", said, true);
    }
    check("6 months", "6M", true);
    check("NB", "newborn", true);
    check("7Y", "7 years", true);
    check("7 años", "7y", true);
    check("2T", "2t", true);
    check("3-6M", "6-12M", false);
    check("3-6M", "3-6", false);
    check("6M", "M", false);
    assert_eq!(age_size_key("42"), None);
    assert_eq!(age_size_key("M"), None);
    assert_eq!(age_size_key("3XL"), None);
    assert_eq!(age_size_key("9.5"), None);
    assert_eq!(age_size_key("6-3M"), None);
    assert_eq!(age_size_key("12-18-meses").as_deref(), Some("12-18m"));
}

#[test]
fn zh_number_reads_whole_numbers_below_a_thousand() {
    fn check(text: &str, expected: Option<u32>) {
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(zh_number(&chars), expected, "{text}");
    }
    check("九", Some(9));
    check("零", Some(0));
    check("十", Some(10));
    check("十二", Some(12));
    check("二十", Some(20));
    check("四十二", Some(42));
    check("兩", Some(2));
    check("两百", Some(200));
    check("一百五十", Some(150));
    check("一百零五", Some(105));
    check("九百九十九", Some(999));
    check("", None);
    check("一二", None);
    check("十十", None);
    check("十百", None);
    check("四十二號", None);
}

#[test]
fn zh_numerals_are_digits_and_places() {
    assert_eq!(zh_digit('七'), Some(7));
    assert_eq!(zh_digit('〇'), Some(0));
    assert_eq!(zh_digit('十'), None);
    assert!(is_zh_numeral('十') && is_zh_numeral('百') && is_zh_numeral('两'));
    assert!(!is_zh_numeral('號') && !is_zh_numeral('9'));
}
