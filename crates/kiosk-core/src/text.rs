//! Text normalization shared by the lexicon, the search index and the
//! assistant, so a word is folded the same way wherever it is compared.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

mod zh_variants;

/// True for characters written without spaces between words (Han, kana,
/// Hangul), which are segmented by the lexicon or by bigrams.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // kana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xAC00..=0xD7AF // Hangul
        | 0x20000..=0x2FA1F)
}

/// Lowercases, strips diacritics (`é` → `e`), folds full-width forms and maps
/// Simplified Chinese characters to Traditional.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            out.push(zh_variants::to_traditional(lower));
        }
    }
    // NFKD splits some CJK compatibility forms; recompose what is left.
    out.nfc().collect()
}

/// How option values (sizes, colours) compare: folded, with numbers in one
/// form, so `Black`, `black` and `BLACK` are one colour and `9.0` and `9,0`
/// are size `9`.
pub fn option_key(value: &str) -> String {
    let folded = fold(value.trim());
    if folded
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && let Ok(v) = folded.replace(',', ".").parse::<f64>()
    {
        return format!("{v}");
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Letter sizes and the words stores write them with, as `option_key`s.
const LETTER_SIZES: &[(&str, &[&str])] = &[
    (
        "xxs",
        &[
            "2xs",
            "xx-small",
            "xxsmall",
            "extra extra small",
            "xx small",
        ],
    ),
    ("xs", &["extra small", "extra-small", "x-small", "xsmall"]),
    ("s", &["small", "sm"]),
    ("m", &["medium", "med", "md"]),
    ("l", &["large", "lg"]),
    ("xl", &["extra large", "extra-large", "x-large", "xlarge"]),
    (
        "xxl",
        &[
            "2xl",
            "xx-large",
            "xxlarge",
            "double extra large",
            "xx large",
        ],
    ),
    ("xxxl", &["3xl", "xxx-large", "xxxlarge"]),
];

/// How sizes compare: as `option_key`, with a letter size and its words one
/// size (`Large`, `large` and `L` are `l`; `X-Large` and `XL` are `xl`), so
/// a shopper's "L" finds a store that writes "Large", and the other way.
/// The size a longer size value starts with: "M - 130 cm - Ø pot 27 cm",
/// "L (EU 42)" and "XL / 44" are sizes M, L and XL described further. The
/// code is at most five characters, before " - ", " – ", " (" or " / ".
pub fn size_code(value: &str) -> Option<String> {
    let value = value.trim();
    let cut = [" - ", " – ", " (", " / "]
        .iter()
        .filter_map(|sep| value.find(sep))
        .min()?;
    let code = value[..cut].trim();
    (!code.is_empty()
        && code.chars().count() <= 5
        && code
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == ','))
    .then(|| option_key(code))
}

pub fn size_key(value: &str) -> String {
    let key = option_key(value);
    LETTER_SIZES
        .iter()
        .find(|(letter, words)| *letter == key || words.contains(&key.as_str()))
        .map_or(key, |(letter, _)| (*letter).to_string())
}

/// A word or a run of CJK characters, with its byte span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The folded form (see [`fold`]).
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub cjk: bool,
}

/// Splits text into folded words and CJK runs. Digits stay inside words, and a
/// decimal point or comma between digits stays inside the number (`9.5`).
pub fn tokenize(s: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if is_cjk(c) {
            let mut j = i;
            while j < chars.len() && is_cjk(chars[j].1) {
                j += 1;
            }
            let end = chars.get(j).map_or(s.len(), |(b, _)| *b);
            tokens.push(Token {
                text: fold(&s[start..end]),
                start,
                end,
                cjk: true,
            });
            i = j;
        } else if c.is_alphanumeric() {
            let mut j = i;
            while j < chars.len() {
                let cj = chars[j].1;
                let joins_number = matches!(cj, '.' | ',')
                    && j > i
                    && chars[j - 1].1.is_ascii_digit()
                    && chars.get(j + 1).is_some_and(|(_, n)| n.is_ascii_digit());
                let joins_word = matches!(cj, '\'' | '’' | '-')
                    && j > i
                    && chars[j - 1].1.is_alphabetic()
                    && chars.get(j + 1).is_some_and(|(_, n)| n.is_alphabetic());
                if (cj.is_alphanumeric() && !is_cjk(cj)) || joins_number || joins_word {
                    j += 1;
                } else {
                    break;
                }
            }
            let end = chars.get(j).map_or(s.len(), |(b, _)| *b);
            let text = fold(&s[start..end]).replace(['’', '\''], "");
            tokens.push(Token {
                text,
                start,
                end,
                cjk: false,
            });
            i = j;
        } else {
            i += 1;
        }
    }
    tokens
}

/// Damerau–Levenshtein distance (optimal string alignment), giving up with
/// `None` as soon as the distance must exceed `max`.
pub fn edit_distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// The edit distance a misspelling of a word of this length may have.
pub fn typo_budget(word: &str) -> usize {
    // Four-letter words are too close to each other to guess at ("geef"
    // is not "geel").
    match word.chars().count() {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// A rough English-spelling sound key: consonant skeleton with common
/// spellings of the same sound merged, so `neckless` finds `necklace` and
/// `jeens` finds `jeans`.
pub fn sound_key(word: &str) -> String {
    let w: Vec<char> = word.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let mut out = String::new();
    let mut last: Option<char> = None;
    let mut i = 0;
    while i < w.len() {
        let c = w[i];
        let next = w.get(i + 1).copied();
        let (code, skip) = match c {
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h' | 'w' => {
                if i == 0 {
                    ('a', 0)
                } else {
                    last = None;
                    i += 1;
                    continue;
                }
            }
            'c' if next == Some('k') => ('k', 1),
            'c' if matches!(next, Some('e' | 'i' | 'y')) => ('s', 0),
            'c' | 'q' | 'k' | 'g' => ('k', 0),
            'p' if next == Some('h') => ('f', 1),
            'x' => ('s', 0),
            's' | 'z' => ('s', 0),
            'b' | 'p' => ('p', 0),
            'd' | 't' => ('t', 0),
            'f' | 'v' => ('f', 0),
            'm' | 'n' => ('n', 0),
            other => (other, 0),
        };
        if last != Some(code) {
            out.push(code);
        }
        last = Some(code);
        i += 1 + skip;
    }
    out
}

/// Words that carry no product meaning in any of the four languages:
/// question words, articles, "do you have", "size", currency names.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// Sorted, for binary search.
const STOPWORDS: &[&str] = &[
    "a",
    "aan",
    "about",
    "achter",
    "ada",
    "adakah",
    "aja",
    "akan",
    "al",
    "als",
    "also",
    "am",
    "an",
    "and",
    "anda",
    "any",
    "anything",
    "apa",
    "apakah",
    "are",
    "at",
    "available",
    "bagaimana",
    "be",
    "been",
    "beide",
    "being",
    "belum",
    "ben",
    "bent",
    "bisa",
    "boleh",
    "both",
    "buy",
    "can",
    "cari",
    "color",
    "colors",
    "colour",
    "colours",
    "could",
    "daar",
    "dan",
    "dat",
    "de",
    "deh",
    "deze",
    "di",
    "dia",
    "did",
    "die",
    "dit",
    "do",
    "does",
    "dong",
    "dont",
    "dua",
    "dus",
    "een",
    "eens",
    "en",
    "er",
    "eur",
    "euro",
    "euros",
    "even",
    "find",
    "for",
    "from",
    "get",
    "gewoon",
    "give",
    "got",
    "graag",
    "had",
    "harus",
    "has",
    "have",
    "hebben",
    "hebt",
    "heeft",
    "hem",
    "hen",
    "here",
    "het",
    "hi",
    "hier",
    "hij",
    "hoor",
    "how",
    "hows",
    "hun",
    "i",
    "ia",
    "ik",
    "ill",
    "im",
    "in",
    "ini",
    "instead",
    "is",
    "it",
    "its",
    "itu",
    "ive",
    "je",
    "jij",
    "jou",
    "jouw",
    "juga",
    "jullie",
    "just",
    "kak",
    "kalau",
    "kami",
    "kamu",
    "kan",
    "kapan",
    "ke",
    "keduanya",
    "kenapa",
    "kita",
    "kleur",
    "kleuren",
    "know",
    "kun",
    "kunnen",
    "lagi",
    "let",
    "lets",
    "liggen",
    "ligt",
    "like",
    "looking",
    "maar",
    "maat",
    "mag",
    "many",
    "masih",
    "mau",
    "may",
    "maybe",
    "me",
    "mencari",
    "mengapa",
    "mereka",
    "met",
    "might",
    "mij",
    "mijn",
    "minta",
    "misschien",
    "moet",
    "more",
    "most",
    "much",
    "mungkin",
    "must",
    "my",
    "naar",
    "naast",
    "need",
    "net",
    "nih",
    "nog",
    "nomor",
    "of",
    "ok",
    "on",
    "one",
    "ons",
    "onze",
    "ook",
    "op",
    "or",
    "other",
    "our",
    "para",
    "please",
    "punya",
    "really",
    "rp",
    "rupiah",
    "saja",
    "sangat",
    "satu",
    "saya",
    "sebuah",
    "sedang",
    "sell",
    "selling",
    "shall",
    "should",
    "show",
    "siapa",
    "sih",
    "sinds",
    "size",
    "sizes",
    "so",
    "some",
    "staan",
    "staat",
    "such",
    "sudah",
    "tegen",
    "tell",
    "thats",
    "the",
    "their",
    "them",
    "then",
    "there",
    "theres",
    "these",
    "they",
    "this",
    "those",
    "tijdens",
    "to",
    "toch",
    "tolong",
    "too",
    "tussen",
    "twee",
    "two",
    "u",
    "ukuran",
    "untuk",
    "us",
    "uw",
    "van",
    "very",
    "voor",
    "waar",
    "want",
    "warna",
    "wat",
    "we",
    "wel",
    "welke",
    "what",
    "whats",
    "when",
    "where",
    "wheres",
    "which",
    "who",
    "whom",
    "whose",
    "why",
    "wij",
    "wil",
    "will",
    "willen",
    "with",
    "word",
    "worden",
    "wordt",
    "would",
    "ya",
    "yang",
    "you",
    "your",
    "youre",
    "zal",
    "ze",
    "zij",
    "zijn",
    "zo",
    "zoek",
    "zoeken",
    "zonder",
    "zou",
];

/// Phrases that carry no product meaning in Chinese; they are cut out of a
/// CJK run before it is searched.
const CJK_STOP: &[&str] = &[
    "歐元",
    "塊錢",
    "以下",
    "以內",
    "以上",
    "東西",
    "用的",
    "兩件",
    "兩雙",
    "兩個",
    "有沒有",
    "請問",
    "哪裡",
    "在哪",
    "多少錢",
    "可以",
    "我想",
    "我要",
    "想要",
    "一下",
    "這個",
    "那個",
    "的",
    "嗎",
    "呢",
    "吧",
    "我",
    "要",
    "找",
    "買",
    "有",
    "沒",
    "在",
    "是",
    "和",
    "跟",
    "嗎",
    "個",
    "些",
    "號",
    "碼",
    "這些",
    "那些",
    "什麼",
    "怎麼",
    "還有",
    "也",
    "請",
    "們",
    "那",
    "還",
    "麼",
    "一點",
    "顏色",
    "比較好",
    "歐",
    "元",
    "練",
    "件",
    "雙",
    "這",
];

/// Cuts stop phrases out of a folded CJK run, returning what is left.
pub fn strip_cjk_stopwords(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    'outer: while i < chars.len() {
        for stop in CJK_STOP {
            let n = stop.chars().count();
            if i + n <= chars.len() && chars[i..i + n].iter().copied().eq(stop.chars()) {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                i += n;
                continue 'outer;
            }
        }
        current.push(chars[i]);
        i += 1;
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests;
