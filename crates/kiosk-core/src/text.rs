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
    if let Some(key) = age_size_key(value) {
        return key;
    }
    let key = option_key(value);
    LETTER_SIZES
        .iter()
        .find(|(letter, words)| *letter == key || words.contains(&key.as_str()))
        .map_or(key, |(letter, _)| (*letter).to_string())
}

/// Words for "months" that follow an age in baby and toddler sizes, in the
/// kiosk's languages and the stores' export languages, folded.
const MONTH_WORDS: &[&str] = &[
    "m", "mo", "mos", "mth", "mths", "month", "months", "mnd", "mnden", "maand", "maanden", "bln",
    "bulan", "mes", "meses", "mese", "mesi", "mois", "monat", "monate", "monaten", "個月", "月",
];

/// Words for "years" that follow a child's age in kids' sizes, folded.
const YEAR_WORDS: &[&str] = &[
    "y", "yr", "yrs", "year", "years", "jaar", "j", "thn", "tahun", "ano", "anos", "an", "ans",
    "jahr", "jahre", "anni", "anno", "歲",
];

/// Words for a newborn size, folded.
const NEWBORN_WORDS: &[&str] = &[
    "nb",
    "newborn",
    "new born",
    "recien nacido",
    "recien nacida",
    "pasgeboren",
    "baru lahir",
    "bayi baru lahir",
    "nouveau-ne",
    "neugeboren",
    "neonato",
    "recem-nascido",
    "新生兒",
    "新生",
];

/// The key of a size given as a baby's or toddler's age, so a store's
/// "3-6M", "3-6 meses" and "3-6-meses" and a shopper's "3-6 months",
/// "3-6 maanden" or "3-6 bulan" are one size: `3-6m`; "6 months" is `6m`,
/// "NB" and "newborn" are `nb`, a child's "7Y" and "7 años" are `7y`, and a
/// toddler's "2T" is `2t`. `None` for a value that is no such size (a bare
/// "3-6", "42", "M").
pub fn age_size_key(value: &str) -> Option<String> {
    let folded = fold(value.trim());
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    if NEWBORN_WORDS.contains(&folded.as_str()) {
        return Some("nb".into());
    }
    // The figures first ("3-6", "12 - 18", "6"), then the unit.
    let bytes: Vec<char> = folded.chars().collect();
    let mut i = 0;
    let mut figures: Vec<u32> = Vec::new();
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i - start > 2 {
            return None;
        }
        let n: u32 = bytes[start..i].iter().collect::<String>().parse().ok()?;
        figures.push(n);
        let mut j = i;
        while j < bytes.len() && bytes[j] == ' ' {
            j += 1;
        }
        if figures.len() < 2
            && j < bytes.len()
            && matches!(bytes[j], '-' | '–' | '/')
            && bytes[j + 1..]
                .iter()
                .find(|c| **c != ' ')
                .is_some_and(char::is_ascii_digit)
        {
            i = j + 1;
            while i < bytes.len() && bytes[i] == ' ' {
                i += 1;
            }
            continue;
        }
        break;
    }
    let unit: String = bytes[i..]
        .iter()
        .collect::<String>()
        .trim_start_matches([' ', '-', '.'])
        .trim_end_matches('.')
        .to_string();
    let range = match figures.as_slice() {
        [n] => n.to_string(),
        [a, b] if a < b => format!("{a}-{b}"),
        _ => return None,
    };
    if MONTH_WORDS.contains(&unit.as_str()) && figures.iter().all(|n| *n <= 48) {
        return Some(format!("{range}m"));
    }
    if YEAR_WORDS.contains(&unit.as_str()) && figures.iter().all(|n| *n <= 16) {
        return Some(format!("{range}y"));
    }
    // Toddler sizes: "2T", "4T".
    if unit == "t" && figures.len() == 1 && (1..=6).contains(&figures[0]) {
        return Some(format!("{range}t"));
    }
    None
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

/// What a function word does in a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionWord {
    /// Carries no product meaning in any of the four languages: question
    /// words, articles, "do you have", "size", currency names. Left out of
    /// the search words.
    Stop,
    /// A word a shopper wraps a product in ("laat me … zien", "lihat …",
    /// "can I see …"): verbs of showing, seeing and looking for. It names
    /// no product in any store, so it leaves the search words (and the text
    /// the embedder reads) unless the wrappers are all the turn holds.
    Wrapper,
}

/// What `word` (folded) is as a function word, if it is one.
pub fn function_word(word: &str) -> Option<FunctionWord> {
    FUNCTION_WORDS
        .binary_search_by(|(w, _)| (*w).cmp(word))
        .ok()
        .map(|i| FUNCTION_WORDS[i].1)
}

/// Words that carry no product meaning in any of the four languages:
/// question words, articles, "do you have", "size", currency names.
pub fn is_stopword(word: &str) -> bool {
    function_word(word) == Some(FunctionWord::Stop)
}

/// Words a shopper wraps a product in (see [`FunctionWord::Wrapper`]).
pub fn is_wrapper(word: &str) -> bool {
    function_word(word) == Some(FunctionWord::Wrapper)
}

/// The function words of the four languages, sorted for binary search.
const FUNCTION_WORDS: &[(&str, FunctionWord)] = {
    use FunctionWord::{Stop, Wrapper};
    &[
        ("a", Stop),
        ("aan", Stop),
        ("about", Stop),
        ("achter", Stop),
        ("ada", Stop),
        ("adakah", Stop),
        ("aja", Stop),
        ("akan", Stop),
        ("aku", Wrapper),
        ("al", Stop),
        ("als", Stop),
        ("also", Stop),
        ("am", Stop),
        ("an", Stop),
        ("and", Stop),
        ("anda", Stop),
        ("any", Stop),
        ("anything", Stop),
        ("apa", Stop),
        ("apakah", Stop),
        ("are", Stop),
        ("at", Stop),
        ("available", Stop),
        ("bagaimana", Stop),
        ("barang", Stop),
        ("be", Stop),
        ("been", Stop),
        ("beide", Stop),
        ("being", Stop),
        ("bekijken", Wrapper),
        ("belum", Stop),
        ("ben", Stop),
        ("bent", Stop),
        ("bisa", Stop),
        ("boleh", Stop),
        ("both", Stop),
        ("buy", Stop),
        ("can", Stop),
        (
            "can
/// I see …",
            Wrapper,
        ),
        ("cari", Stop),
        ("cariin", Wrapper),
        ("carikan", Wrapper),
        ("color", Stop),
        ("colors", Stop),
        ("colour", Stop),
        ("colours", Stop),
        ("could", Stop),
        ("daar", Stop),
        ("dan", Stop),
        ("dat", Stop),
        ("de", Stop),
        ("deh", Stop),
        ("deze", Stop),
        ("di", Stop),
        ("dia", Stop),
        ("did", Stop),
        ("die", Stop),
        ("dit", Stop),
        ("do", Stop),
        ("do you have", Stop),
        ("does", Stop),
        ("dong", Stop),
        ("dont", Stop),
        ("dua", Stop),
        ("dus", Stop),
        ("een", Stop),
        ("eens", Stop),
        ("en", Stop),
        ("er", Stop),
        ("eur", Stop),
        ("euro", Stop),
        ("euros", Stop),
        ("even", Stop),
        ("find", Stop),
        ("for", Stop),
        ("from", Stop),
        ("get", Stop),
        ("gewoon", Stop),
        ("give", Stop),
        ("got", Stop),
        ("graag", Stop),
        ("had", Stop),
        ("harus", Stop),
        ("has", Stop),
        ("have", Stop),
        ("heb", Wrapper),
        ("hebben", Stop),
        ("hebt", Stop),
        ("heeft", Stop),
        ("hem", Stop),
        ("hen", Stop),
        ("here", Stop),
        ("het", Stop),
        ("hi", Stop),
        ("hier", Stop),
        ("hij", Stop),
        ("hoor", Stop),
        ("how", Stop),
        ("hows", Stop),
        ("hun", Stop),
        ("i", Stop),
        ("ia", Stop),
        ("iets", Stop),
        ("ik", Stop),
        ("ill", Stop),
        ("im", Stop),
        ("in", Stop),
        ("ingin", Wrapper),
        ("ini", Stop),
        ("instead", Stop),
        ("is", Stop),
        ("it", Stop),
        ("its", Stop),
        ("itu", Stop),
        ("ive", Stop),
        ("je", Stop),
        ("jij", Stop),
        ("jou", Stop),
        ("jouw", Stop),
        ("juga", Stop),
        ("jullie", Stop),
        ("just", Stop),
        ("kak", Stop),
        ("kalau", Stop),
        ("kami", Stop),
        ("kamu", Stop),
        ("kan", Stop),
        ("kapan", Stop),
        ("kasih", Wrapper),
        ("ke", Stop),
        ("keduanya", Stop),
        ("kenapa", Stop),
        ("kijken", Wrapper),
        ("kita", Stop),
        ("kleur", Stop),
        ("kleuren", Stop),
        ("know", Stop),
        ("kun", Stop),
        ("kunnen", Stop),
        ("laat", Wrapper),
        ("laat me … zien", Wrapper),
        ("lagi", Stop),
        ("let", Stop),
        ("lets", Stop),
        ("liat", Wrapper),
        ("liggen", Stop),
        ("ligt", Stop),
        ("lihat", Wrapper),
        ("lihat …", Wrapper),
        ("lihatin", Wrapper),
        ("like", Stop),
        ("looking", Stop),
        ("maar", Stop),
        ("maat", Stop),
        ("mag", Stop),
        ("many", Stop),
        ("masih", Stop),
        ("mau", Stop),
        ("may", Stop),
        ("maybe", Stop),
        ("me", Stop),
        ("mencari", Stop),
        ("mengapa", Stop),
        ("mereka", Stop),
        ("met", Stop),
        ("might", Stop),
        ("mij", Stop),
        ("mijn", Stop),
        ("minta", Stop),
        ("misschien", Stop),
        ("moet", Stop),
        ("more", Stop),
        ("most", Stop),
        ("much", Stop),
        ("mungkin", Stop),
        ("must", Stop),
        ("my", Stop),
        ("naar", Stop),
        ("naast", Stop),
        ("need", Stop),
        ("net", Stop),
        ("nih", Stop),
        ("nog", Stop),
        ("nomor", Stop),
        ("of", Stop),
        ("ok", Stop),
        ("on", Stop),
        ("one", Stop),
        ("ons", Stop),
        ("onze", Stop),
        ("ook", Stop),
        ("op", Stop),
        ("or", Stop),
        ("other", Stop),
        ("our", Stop),
        ("para", Stop),
        ("pengen", Wrapper),
        ("perlihatkan", Wrapper),
        ("please", Stop),
        ("punya", Stop),
        ("really", Stop),
        ("rp", Stop),
        ("rupiah", Stop),
        ("saja", Stop),
        ("sangat", Stop),
        ("satu", Stop),
        ("saya", Stop),
        ("sebuah", Stop),
        ("sedang", Stop),
        ("see", Wrapper),
        ("sell", Stop),
        ("selling", Stop),
        ("sesuatu", Stop),
        ("shall", Stop),
        ("should", Stop),
        ("show", Stop),
        ("siapa", Stop),
        ("sih", Stop),
        ("sinds", Stop),
        ("size", Stop),
        ("sizes", Stop),
        ("so", Stop),
        ("some", Stop),
        ("something", Stop),
        ("staan", Stop),
        ("staat", Stop),
        ("such", Stop),
        ("sudah", Stop),
        ("tegen", Stop),
        ("tell", Stop),
        ("thats", Stop),
        ("the", Stop),
        ("their", Stop),
        ("them", Stop),
        ("then", Stop),
        ("there", Stop),
        ("theres", Stop),
        ("these", Stop),
        ("they", Stop),
        ("this", Stop),
        ("those", Stop),
        ("tijdens", Stop),
        ("to", Stop),
        ("toch", Stop),
        ("tolong", Stop),
        ("tonen", Wrapper),
        ("too", Stop),
        ("toon", Wrapper),
        ("tunjukin", Wrapper),
        ("tunjukkan", Wrapper),
        ("tussen", Stop),
        ("twee", Stop),
        ("two", Stop),
        ("u", Stop),
        ("ukuran", Stop),
        ("untuk", Stop),
        ("us", Stop),
        ("uw", Stop),
        ("van", Stop),
        ("very", Stop),
        ("voor", Stop),
        ("waar", Stop),
        ("want", Stop),
        ("warna", Stop),
        ("wat", Stop),
        ("we", Stop),
        ("wel", Stop),
        ("welke", Stop),
        ("what", Stop),
        ("whats", Stop),
        ("when", Stop),
        ("where", Stop),
        ("wheres", Stop),
        ("which", Stop),
        ("who", Stop),
        ("whom", Stop),
        ("whose", Stop),
        ("why", Stop),
        ("wij", Stop),
        ("wil", Stop),
        ("will", Stop),
        ("willen", Stop),
        ("with", Stop),
        ("word", Stop),
        ("worden", Stop),
        ("wordt", Stop),
        ("would", Stop),
        ("ya", Stop),
        ("yang", Stop),
        ("you", Stop),
        ("your", Stop),
        ("youre", Stop),
        ("zal", Stop),
        ("ze", Stop),
        ("zien", Wrapper),
        ("zij", Stop),
        ("zijn", Stop),
        ("zo", Stop),
        ("zoek", Stop),
        ("zoeken", Stop),
        ("zonder", Stop),
        ("zou", Stop),
    ]
};

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

/// The value of one Chinese digit: 零/〇 → 0, 一 → 1, 二/两/兩 → 2, … 九 → 9.
/// 十 and 百 are place words, not digits (see [`zh_number`]).
pub fn zh_digit(c: char) -> Option<u32> {
    match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' | '兩' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// True for a character that can be part of a Chinese whole number read by
/// [`zh_number`]: a digit or the place words 十 and 百.
pub fn is_zh_numeral(c: char) -> bool {
    zh_digit(c).is_some() || zh_place(c).is_some()
}

fn zh_place(c: char) -> Option<u32> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        _ => None,
    }
}

/// A Chinese whole number below 1000, written with digits and the place
/// words 十 and 百: "九" → 9, "十二" → 12, "二十" → 20, "四十二" → 42,
/// "一百零五" → 105, "两百" → 200. Places must fall (百 before 十) and a
/// digit stands alone or before a place, so "十十", "一二" and "" are none.
pub fn zh_number(chars: &[char]) -> Option<u32> {
    let mut value = 0;
    let mut digit: Option<u32> = None;
    let mut last_place = u32::MAX;
    for &c in chars {
        if let Some(place) = zh_place(c) {
            if place >= last_place {
                return None;
            }
            value += digit.take().unwrap_or(1) * place;
            last_place = place;
            continue;
        }
        let d = zh_digit(c)?;
        // 一百零五: 零 only holds the empty tens place.
        if d == 0 && value > 0 && digit.is_none() {
            continue;
        }
        if digit.is_some() {
            return None;
        }
        digit = Some(d);
    }
    if chars.is_empty() {
        return None;
    }
    Some(value + digit.unwrap_or(0))
}

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
