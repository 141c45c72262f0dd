use super::*;

fn texts(input: &str, script: Script) -> Vec<String> {
    dictionary()
        .candidates(input, script, Breaks::Free)
        .into_iter()
        .map(|c| c.text)
        .collect()
}

/// `expected` is among the first `within` candidates for `input`.
fn check(input: &str, script: Script, expected: &str, within: usize) {
    let found = texts(input, script);
    let at = found.iter().position(|t| t == expected);
    assert!(
        at.is_some_and(|i| i < within),
        "{input:?} ({script:?}): expected {expected:?} in the first {within}, got {:?}",
        &found[..found.len().min(10)]
    );
}

#[test]
fn what_shoppers_type_comes_first_in_traditional() {
    check("heise", Script::Traditional, "黑色", 1);
    check("you mei you", Script::Traditional, "有沒有", 1);
    check("youmeiyou", Script::Traditional, "有沒有", 1);
    check("xiezi", Script::Traditional, "鞋子", 1);
    check("duoshao qian", Script::Traditional, "多少錢", 1);
    check("duoshaoqian", Script::Traditional, "多少錢", 1);
    check("yundongxie", Script::Traditional, "運動鞋", 3);
    check("nihao", Script::Traditional, "你好", 1);
}

#[test]
fn simplified_where_the_shopper_picked_it() {
    check("heise", Script::Simplified, "黑色", 1);
    check("you mei you", Script::Simplified, "有没有", 1);
    check("duoshao qian", Script::Simplified, "多少钱", 1);
    check("tou fa", Script::Simplified, "头发", 1);
    check("tou fa", Script::Traditional, "頭髮", 1);
    assert!(!texts("you mei you", Script::Traditional).contains(&"有没有".to_string()));
}

#[test]
fn abbreviations_and_unfinished_syllables() {
    // Initials alone.
    check("nh", Script::Traditional, "你好", 10);
    check("bj", Script::Traditional, "北京", 3);
    check("zhongw", Script::Traditional, "中文", 3);
    // While typing: the last syllable is not finished yet.
    check("heis", Script::Traditional, "黑色", 3);
    check("xiez", Script::Traditional, "鞋子", 5);
}

#[test]
fn candidates_are_ranked_by_frequency() {
    let found = texts("shi", Script::Traditional);
    let at = |t: &str| found.iter().position(|f| f == t).expect(t);
    assert!(at("是") < at("市"), "{found:?}");
    assert!(at("市") < at("屍"), "{found:?}");
    // Longer readings of the whole input come before single characters.
    let found = texts("xiezi", Script::Traditional);
    let words = found.iter().position(|t| t == "鞋子").expect("鞋子");
    let single = found.iter().position(|t| t == "鞋").expect("鞋");
    assert!(words < single, "{found:?}");
}

#[test]
fn segmentation_reads_every_split() {
    // "xian" is one syllable (先) or two (西安); a mark splits it.
    let found = texts("xian", Script::Traditional);
    assert!(found.contains(&"先".to_string()), "{found:?}");
    assert!(found.contains(&"西安".to_string()), "{found:?}");
    check("xi'an", Script::Traditional, "西安", 1);
    let found = texts("xi'an", Script::Traditional);
    assert!(!found.contains(&"先".to_string()), "{found:?}");
}

#[test]
fn a_word_for_the_first_syllables_leaves_the_rest() {
    let input = "heise xiezi";
    let candidates = dictionary().candidates(input, Script::Traditional, Breaks::Free);
    assert_eq!(candidates[0].text, "黑色鞋子");
    assert_eq!(candidates[0].consumed, input.len());
    let first = candidates
        .iter()
        .find(|c| c.text == "黑色")
        .expect("黑色 for the first two syllables");
    assert_eq!(&input[first.consumed..], "xiezi");
}

#[test]
fn the_typed_letters_come_last() {
    let found = texts("nike", Script::Traditional);
    assert_eq!(found.last().map(String::as_str), Some("nike"));
    // Letters no syllable starts with still give the letters.
    assert_eq!(texts("vvv", Script::Traditional), vec!["vvv".to_string()]);
    assert!(texts("", Script::Traditional).is_empty());
    assert!(texts("  ", Script::Traditional).is_empty());
}

#[test]
fn zhuyin_reads_as_pinyin() {
    fn check(zhuyin: &str, pinyin: &str) {
        assert_eq!(zhuyin_to_pinyin(zhuyin).0, pinyin, "{zhuyin}");
    }
    check("ㄏㄟㄙㄜˋ", "hei'se");
    check("ㄒㄧㄝˊㄗ˙", "xie'zi");
    check("ㄧㄡˇㄇㄟˊㄧㄡˇ", "you'mei'you");
    check("ㄉㄨㄛㄕㄠˇㄑㄧㄢˊ", "duo'shao'qian");
    check("ㄋㄧˇㄏㄠˇ", "ni'hao");
    check("ㄩㄝˋ", "yue");
    check("ㄋㄩˇ", "nv");
    check("ㄌㄩㄝˋ", "lve");
    check("ㄐㄩㄥ", "jiong");
    check("ㄩㄥ", "yong");
    check("ㄨㄥ", "weng");
    check("ㄓ", "zhi");
    check("ㄏ", "h");
    check("ㄓㄨㄥ", "zhong");
    check("ㄨㄣˊ", "wen");
    check("ㄍㄨㄟˋ", "gui");
    check("ㄧ", "yi");
    check("ㄧㄣ", "yin");
    check("ㄒㄧㄡ", "xiu");
    check("ㄦˊ", "er");
    // Each syllable's end in the zhuyin and in the pinyin.
    let (pinyin, ends) = zhuyin_to_pinyin("ㄏㄟㄙㄜˋ");
    assert_eq!(
        ends,
        vec![("ㄏㄟ".len(), 3), ("ㄏㄟㄙㄜˋ".len(), pinyin.len())]
    );
}

#[test]
fn zhuyin_syllables_are_not_split() {
    // ㄒㄧㄢ is one syllable: never 西安.
    let (pinyin, _) = zhuyin_to_pinyin("ㄒㄧㄢ");
    let found: Vec<String> = dictionary()
        .candidates(&pinyin, Script::Traditional, Breaks::Marked)
        .into_iter()
        .map(|c| c.text)
        .collect();
    assert!(found.contains(&"先".to_string()), "{found:?}");
    assert!(!found.contains(&"西安".to_string()), "{found:?}");
    let (pinyin, _) = zhuyin_to_pinyin("ㄏㄟㄙㄜˋ");
    let first = dictionary().candidates(&pinyin, Script::Traditional, Breaks::Marked);
    assert_eq!(first[0].text, "黑色");
}

#[test]
fn bad_data_names_the_line() {
    let err = |text: &str| Dictionary::parse(text).err().map(|e| e.to_string());
    assert_eq!(
        err("hei\t黑\t\t10\nhei se\t黑色\t\tmany\n"),
        Some(
            "assets/ime/pinyin.tsv line 2: expected a whole number count in the fourth field"
                .to_string()
        )
    );
    assert!(err("hei\t黑\t10\n").is_some_and(|e| e.contains("line 1")));
    assert!(err("Hei\t黑\t\t10\n").is_some_and(|e| e.contains("pinyin")));
    assert!(err("").is_some());
    assert!(Dictionary::parse("hei\t黑\t\t10\n").is_ok());
}

#[test]
fn the_compiled_in_data_reads() {
    Dictionary::parse(DATA).expect("assets/ime/pinyin.tsv");
}
