//! Places in a list as shoppers say them, of any size, in the kiosk's four
//! languages: ordinal words ("ninth", "twenty-first", "eenentwintigste",
//! "kedua belas"), figures with an ordinal ending ("12th", "12e"), a figure
//! after a word for "number" ("number 12", "#12", "ke-12"), and Chinese
//! "第十二個". A list can be as long as the store's search returns, so no
//! table stops at the demo's lengths: words are built from their parts.

use crate::text::Token;

/// English ordinal words below twenty, from "first".
const EN_ORDINALS: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];
/// English tens from twenty, as cardinals and as ordinals.
const EN_TENS: &[(&str, &str, usize)] = &[
    ("twenty", "twentieth", 20),
    ("thirty", "thirtieth", 30),
    ("forty", "fortieth", 40),
    ("fifty", "fiftieth", 50),
    ("sixty", "sixtieth", 60),
    ("seventy", "seventieth", 70),
    ("eighty", "eightieth", 80),
    ("ninety", "ninetieth", 90),
];
/// Dutch ordinal words below twenty, from "eerste".
const NL_ORDINALS: &[&str] = &[
    "eerste",
    "tweede",
    "derde",
    "vierde",
    "vijfde",
    "zesde",
    "zevende",
    "achtste",
    "negende",
    "tiende",
    "elfde",
    "twaalfde",
    "dertiende",
    "veertiende",
    "vijftiende",
    "zestiende",
    "zeventiende",
    "achttiende",
    "negentiende",
];
/// Dutch cardinal units, which come first in a compound ("eenentwintigste").
const NL_UNITS: &[&str] = &[
    "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
];
/// Dutch tens from twenty, as ordinals.
const NL_TENS: &[(&str, usize)] = &[
    ("twintigste", 20),
    ("dertigste", 30),
    ("veertigste", 40),
    ("vijftigste", 50),
    ("zestigste", 60),
    ("zeventigste", 70),
    ("tachtigste", 80),
    ("negentigste", 90),
];
/// Indonesian cardinals that take "ke-" to make an ordinal ("kedua",
/// "kesepuluh", "kesebelas").
const ID_CARDINALS: &[(&str, usize)] = &[
    ("satu", 1),
    ("dua", 2),
    ("tiga", 3),
    ("empat", 4),
    ("lima", 5),
    ("enam", 6),
    ("tujuh", 7),
    ("delapan", 8),
    ("sembilan", 9),
    ("sepuluh", 10),
    ("sebelas", 11),
    ("seratus", 100),
];
/// Words for "the last".
const LAST: &[&str] = &["last", "laatste", "terakhir"];
/// Words after which a figure is a place in the list and nothing else.
const NUMBER_WORDS: &[&str] = &["number", "nummer", "ke"];
/// Words after which a figure is a place in the list or a size ("nomor
/// 42" is a shoe size in Indonesian): which one depends on what is on
/// screen and what the store sells (see `understand::with_list_place`).
pub(super) const NUMBER_OR_SIZE_WORDS: &[&str] = &["nomor", "nr"];

/// The place (1-based, or `usize::MAX` for "the last") the tokens from
/// `i` name, and how many tokens it takes. `text` is the turn, for a
/// "#" before a figure (not a token).
pub(super) fn at(text: &str, tokens: &[Token], i: usize) -> Option<(usize, usize)> {
    let t = tokens.get(i)?;
    if t.cjk {
        return None;
    }
    let w = t.text.as_str();
    if LAST.contains(&w) {
        return Some((usize::MAX, 1));
    }
    // "twenty first", "kedua belas", "ketiga puluh lima" (before "kedua"
    // alone).
    if let Some((n, used)) = english_tens_apart(tokens, i).or_else(|| indonesian(tokens, i)) {
        return Some((n, used));
    }
    if let Some(n) = word(w) {
        return Some((n, 1));
    }
    // "#12"
    if text[..t.start].ends_with('#')
        && let Some(n) = figure(w)
    {
        return Some((n, 1));
    }
    // "number 12", "nummer 12", "ke-12", "yang ke 12".
    if NUMBER_WORDS.contains(&w)
        && let Some(n) = tokens
            .get(i + 1)
            .filter(|n| !n.cjk)
            .and_then(|n| figure(&n.text))
    {
        return Some((n, 2));
    }
    None
}

/// A whole figure of a place: "12", not "12.5" nor "0".
pub(super) fn figure(word: &str) -> Option<usize> {
    if word.is_empty() || word.len() > 4 || !word.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    word.parse::<usize>().ok().filter(|n| *n > 0)
}

/// One word that is an ordinal: "ninth", "twenty-first", "12th", "12e",
/// "twintigste", "eenentwintigste", "pertama", "kesepuluh".
fn word(w: &str) -> Option<usize> {
    let position = |list: &[&str]| list.iter().position(|o| *o == w).map(|p| p + 1);
    if let Some(n) = position(EN_ORDINALS).or_else(|| position(NL_ORDINALS)) {
        return Some(n);
    }
    if let Some((_, _, n)) = EN_TENS.iter().find(|(_, ord, _)| *ord == w) {
        return Some(*n);
    }
    if let Some((tens, unit)) = w.split_once('-')
        && let Some((_, _, n)) = EN_TENS.iter().find(|(card, _, _)| *card == tens)
        && let Some(u) = EN_ORDINALS[..9].iter().position(|o| *o == unit)
    {
        return Some(n + u + 1);
    }
    if let Some((_, n)) = NL_TENS.iter().find(|(ord, _)| *ord == w) {
        return Some(*n);
    }
    // "eenentwintigste", "tweeëntwintigste" (folded "tweeentwintigste").
    for (u, unit) in NL_UNITS.iter().enumerate() {
        if let Some(rest) = w.strip_prefix(unit).and_then(|r| r.strip_prefix("en"))
            && let Some((_, n)) = NL_TENS.iter().find(|(ord, _)| *ord == rest)
        {
            return Some(n + u + 1);
        }
    }
    if w == "pertama" {
        return Some(1);
    }
    if let Some(n) = w
        .strip_prefix("ke")
        .and_then(|rest| ID_CARDINALS.iter().find(|(c, _)| *c == rest))
    {
        return Some(n.1);
    }
    // "12th", "21st", "2nd", "3rd"; Dutch "12e", "12de", "8ste".
    let digits = w.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && ["st", "nd", "rd", "th", "e", "de", "ste"].contains(&&w[digits..]) {
        return figure(&w[..digits]);
    }
    None
}

/// "twenty first": English tens and an ordinal unit as two words.
fn english_tens_apart(tokens: &[Token], i: usize) -> Option<(usize, usize)> {
    let (_, _, tens) = EN_TENS
        .iter()
        .find(|(card, _, _)| *card == tokens[i].text)?;
    let next = tokens.get(i + 1).filter(|t| !t.cjk)?;
    let unit = EN_ORDINALS[..9].iter().position(|o| *o == next.text)?;
    Some((tens + unit + 1, 2))
}

/// Indonesian ordinals written in several words: "kedua belas" (12),
/// "kedua puluh" (20), "ketiga puluh lima" (35).
fn indonesian(tokens: &[Token], i: usize) -> Option<(usize, usize)> {
    let rest = tokens[i].text.strip_prefix("ke")?;
    let (_, first) = ID_CARDINALS.iter().find(|(c, n)| *c == rest && *n < 10)?;
    let next = |k: usize| tokens.get(k).filter(|t| !t.cjk).map(|t| t.text.as_str());
    match next(i + 1)? {
        "belas" => Some((first + 10, 2)),
        "puluh" => {
            let unit = next(i + 2)
                .and_then(|w| ID_CARDINALS.iter().find(|(c, n)| *c == w && *n < 10))
                .map(|(_, n)| *n);
            Some((
                first * 10 + unit.unwrap_or(0),
                if unit.is_some() { 3 } else { 2 },
            ))
        }
        _ => None,
    }
}

/// Measure words after a Chinese ordinal ("第二個", "第三款").
const CJK_MEASURES: &[char] = &['個', '款', '件', '項', '樣', '只', '隻', '雙', '條'];

/// The places (1-based) Chinese "第…" names in `text` ("第九個", "第十二款",
/// "第二十一件", "第12個"), each with the byte span it takes, its measure
/// word included.
pub(super) fn chinese(text: &str) -> Vec<(usize, usize, usize)> {
    // Each character folded (simplified to traditional), with its span.
    let chars: Vec<(usize, usize, char)> = text
        .char_indices()
        .map(|(at, c)| {
            let folded = crate::text::fold(&c.to_string())
                .chars()
                .next()
                .unwrap_or(c);
            (at, at + c.len_utf8(), folded)
        })
        .collect();
    let mut out = Vec::new();
    for (i, &(start, _, c)) in chars.iter().enumerate() {
        if c != '第' {
            continue;
        }
        let mut k = i + 1;
        while chars.get(k).is_some_and(|c| c.2.is_whitespace()) {
            k += 1;
        }
        let from = k;
        let n = if chars.get(k).is_some_and(|c| c.2.is_ascii_digit()) {
            while chars.get(k).is_some_and(|c| c.2.is_ascii_digit()) {
                k += 1;
            }
            figure(&text[chars[from].0..chars[k - 1].1])
        } else {
            while chars
                .get(k)
                .is_some_and(|c| crate::text::is_zh_numeral(c.2))
            {
                k += 1;
            }
            let numeral: Vec<char> = chars[from..k].iter().map(|c| c.2).collect();
            crate::text::zh_number(&numeral).map(|n| n as usize)
        };
        let Some(n) = n.filter(|n| *n > 0) else {
            continue;
        };
        if chars.get(k).is_some_and(|c| CJK_MEASURES.contains(&c.2)) {
            k += 1;
        }
        out.push((n, start, chars[k - 1].1));
    }
    out
}
