//! Spoken numbers in a transcript as digits, where they are a size or a
//! price: "size nine" → "size 9", "under forty-two euros" → "under 42
//! euros", "maat negenenhalf" → "maat 9,5", "ukuran sembilan" → "ukuran
//! 9", "九号" → "9号".
//!
//! Whisper writes a number in words as often as in digits, and the
//! assistant reads sizes and prices from digits (a store's sizes are "9",
//! "7.5", "42"). A number word is only turned into digits next to a word
//! that makes it a size or a price (a size word or a price limit before
//! it, a currency after it) or when it has a decimal part ("seven point
//! five"); elsewhere "one" and "een" are often no number at all ("the one
//! in black", "een jas") and stay as heard. The words are the languages'
//! own, never a store's.

use kiosk_core::Lang;
use kiosk_core::text::{fold, is_zh_numeral, zh_digit, zh_number};

/// A number read from words: its integer part, and its decimal digits.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Number {
    int: u64,
    decimals: String,
}

impl Number {
    fn render(&self, lang: Lang) -> String {
        if self.decimals.is_empty() {
            return self.int.to_string();
        }
        // Dutch and Indonesian write a decimal comma.
        let point = if matches!(lang, Lang::Nl | Lang::Id) {
            ','
        } else {
            '.'
        };
        format!("{}{point}{}", self.int, self.decimals)
    }
}

/// `text` with its spoken sizes and prices in digits, read as `lang`.
pub fn to_digits(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => zh_to_digits(text),
        _ => spaced_to_digits(text, lang),
    }
}

/// A word of the text and where it lies.
#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    key: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (start, c.is_alphabetic()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push(Word {
                    start: s,
                    end: i,
                    key: fold(&text[s..i]),
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Word {
            start: s,
            end: text.len(),
            key: fold(&text[s..]),
        });
    }
    out
}

/// Words before a number that make it a size or a price.
fn cue_before(lang: Lang, word: &str) -> bool {
    let cues: &[&str] = match lang {
        Lang::En => &[
            "size", "sizes", "under", "below", "over", "above", "between", "than", "around",
            "about", "from", "to", "max", "maximum", "budget",
        ],
        Lang::Nl => &[
            "maat", "maten", "onder", "beneden", "boven", "tussen", "dan", "rond", "ongeveer",
            "van", "tot", "maximaal", "budget",
        ],
        Lang::Id => &[
            "ukuran", "nomor", "size", "bawah", "atas", "antara", "dari", "sampai", "hingga",
            "sekitar", "maksimal", "harga",
        ],
        Lang::Zh => &[],
    };
    cues.contains(&word)
}

/// The word for a size ("size 9", and "one size").
fn size_word(lang: Lang, word: &str) -> bool {
    matches!(
        (lang, word),
        (Lang::En, "size") | (Lang::Nl, "maat") | (Lang::Id, "ukuran")
    )
}

/// Words after a number that make it a price.
fn cue_after(lang: Lang, word: &str) -> bool {
    let cues: &[&str] = match lang {
        Lang::En => &[
            "euro", "euros", "dollar", "dollars", "bucks", "pound", "pounds", "cents", "rupiah",
        ],
        Lang::Nl => &["euro", "euros", "cent", "dollar"],
        Lang::Id => &["rupiah", "euro", "dolar", "ribu"],
        Lang::Zh => &[],
    };
    cues.contains(&word)
}

/// The "and" between two numbers of a range ("between ten and twenty").
fn is_and(lang: Lang, word: &str) -> bool {
    matches!(
        (lang, word),
        (Lang::En, "and") | (Lang::Nl, "en") | (Lang::Id, "dan")
    )
}

fn digit(lang: Lang, word: &str) -> Option<u64> {
    let table: &[&str] = match lang {
        Lang::En => &[
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        ],
        Lang::Nl => &[
            "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
        ],
        Lang::Id => &[
            "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
        ],
        Lang::Zh => &[],
    };
    table.iter().position(|w| *w == word).map(|i| i as u64)
}

/// English and Dutch words for 10–19, and the tens.
fn teen(lang: Lang, word: &str) -> Option<u64> {
    let table: &[&str] = match lang {
        Lang::En => &[
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ],
        Lang::Nl => &[
            "tien",
            "elf",
            "twaalf",
            "dertien",
            "veertien",
            "vijftien",
            "zestien",
            "zeventien",
            "achttien",
            "negentien",
        ],
        _ => &[],
    };
    table.iter().position(|w| *w == word).map(|i| 10 + i as u64)
}

fn tens(lang: Lang, word: &str) -> Option<u64> {
    let table: &[&str] = match lang {
        Lang::En => &[
            "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        ],
        Lang::Nl => &[
            "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig",
        ],
        _ => &[],
    };
    table
        .iter()
        .position(|w| *w == word)
        .map(|i| 20 + 10 * i as u64)
}

/// One word that is a whole number below 100: "nine", "forty",
/// "tweeenveertig" (Dutch puts the unit first, joined by "en").
fn small_word(lang: Lang, word: &str) -> Option<u64> {
    if let Some(v) = digit(lang, word)
        .or_else(|| teen(lang, word))
        .or_else(|| tens(lang, word))
    {
        return Some(v);
    }
    match lang {
        Lang::Nl => {
            // "eenentwintig", "tweeenveertig" (the diaeresis folded away).
            (1..=9).find_map(|unit| {
                let name = [
                    "", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
                ][unit];
                let rest = word.strip_prefix(name)?.strip_prefix("en")?;
                tens(lang, rest).map(|t| t + unit as u64)
            })
        }
        Lang::Id => match word {
            "sepuluh" => Some(10),
            "sebelas" => Some(11),
            _ => None,
        },
        _ => None,
    }
}

/// Reads a whole number from the start of `keys`: its value and the words
/// it took.
fn read_int(lang: Lang, keys: &[&str]) -> Option<(u64, usize)> {
    let (mut value, mut used) = read_below_100(lang, keys)?;
    // Hundreds: "one hundred (and) fifty", "honderd", "dua ratus".
    let hundred = |w: &str| matches!((lang, w), (Lang::En, "hundred") | (Lang::Id, "ratus"));
    if keys.get(used).is_some_and(|w| hundred(w)) && value < 10 {
        value *= 100;
        used += 1;
        let skip = usize::from(
            keys.get(used) == Some(&"and") && lang == Lang::En && keys.len() > used + 1,
        );
        if let Some((rest, n)) = read_below_100(lang, &keys[used + skip..]) {
            value += rest;
            used += skip + n;
        }
    }
    if lang == Lang::Id && keys.get(used) == Some(&"ribu") {
        value *= 1000;
        used += 1;
    }
    Some((value, used))
}

fn read_below_100(lang: Lang, keys: &[&str]) -> Option<(u64, usize)> {
    let first = *keys.first()?;
    if lang == Lang::Id {
        // "seratus", "sepuluh", "dua belas", "empat puluh dua".
        if first == "seratus" {
            return Some((100, 1));
        }
        if let Some(unit) = digit(lang, first).filter(|d| *d > 0) {
            match keys.get(1).copied() {
                Some("belas") => return Some((10 + unit, 2)),
                Some("puluh") => {
                    let extra = keys.get(2).and_then(|w| digit(lang, w)).filter(|d| *d > 0);
                    return Some((
                        10 * unit + extra.unwrap_or(0),
                        2 + usize::from(extra.is_some()),
                    ));
                }
                _ => return Some((unit, 1)),
            }
        }
        return small_word(lang, first).map(|v| (v, 1));
    }
    if lang == Lang::Nl && first == "honderd" {
        return Some((100, 1));
    }
    let value = small_word(lang, first)?;
    // "forty two", "forty-two".
    if lang == Lang::En
        && tens(lang, first).is_some()
        && let Some(unit) = keys.get(1).and_then(|w| digit(lang, w)).filter(|d| *d > 0)
    {
        return Some((value + unit, 2));
    }
    Some((value, 1))
}

/// Reads a number from the start of `keys`: a whole number and, if said,
/// its decimal part ("point five", "komma vijf", "and a half",
/// "negenenhalf", "setengah").
fn read_number(lang: Lang, keys: &[&str]) -> Option<(Number, usize)> {
    // Dutch runs "and a half" into the number: "negenenhalf".
    if lang == Lang::Nl
        && let Some(whole) = keys.first().and_then(|w| w.strip_suffix("enhalf"))
        && let Some(int) = small_word(lang, whole)
    {
        return Some((
            Number {
                int,
                decimals: "5".into(),
            },
            1,
        ));
    }
    let (int, mut used) = read_int(lang, keys)?;
    let mut decimals = String::new();
    let point = |w: &str| {
        matches!(
            (lang, w),
            (Lang::En, "point") | (Lang::Nl, "komma") | (Lang::Id, "koma")
        )
    };
    let half: &[&str] = match lang {
        Lang::En => &["and", "a", "half"],
        Lang::Nl => &["en", "een", "half"],
        Lang::Id => &["setengah"],
        Lang::Zh => &[],
    };
    if keys.get(used).is_some_and(|w| point(w)) {
        for w in &keys[used + 1..] {
            match digit(lang, w) {
                Some(d) => decimals.push(char::from(b'0' + d as u8)),
                None => break,
            }
        }
        if !decimals.is_empty() {
            used += 1 + decimals.len();
        }
    } else if keys.len() >= used + half.len() && keys[used..used + half.len()] == *half {
        decimals.push('5');
        used += half.len();
    }
    Some((Number { int, decimals }, used))
}

fn spaced_to_digits(text: &str, lang: Lang) -> String {
    let words = words(text);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    // The word before, and whether it ended a number we wrote in digits.
    let mut before: Option<&str> = None;
    let mut after_number = false;
    while i < words.len() {
        // A number's words follow each other with a space or hyphen between.
        let mut run = vec![words[i].key.as_str()];
        for pair in words[i..].windows(2) {
            let gap = &text[pair[0].end..pair[1].start];
            if gap.is_empty() || !gap.chars().all(|c| c == ' ' || c == '-') {
                break;
            }
            run.push(pair[1].key.as_str());
        }
        let read = read_number(lang, &run).filter(|(number, used)| {
            let next = words.get(i + used).filter(|w| {
                text[words[i + used - 1].end..w.start]
                    .chars()
                    .all(char::is_whitespace)
            });
            // "one size" is a size's name, not size 1.
            let names_a_size = next.is_some_and(|w| size_word(lang, &w.key));
            !names_a_size
                && (!number.decimals.is_empty()
                    || before.is_some_and(|w| cue_before(lang, w))
                    || (after_number && before.is_some_and(|w| is_and(lang, w)))
                    || next.is_some_and(|w| cue_after(lang, &w.key)))
        });
        match read {
            Some((number, used)) => {
                out.push_str(&text[copied..words[i].start]);
                out.push_str(&number.render(lang));
                copied = words[i + used - 1].end;
                before = Some(words[i + used - 1].key.as_str());
                after_number = true;
                i += used;
            }
            None => {
                before = Some(words[i].key.as_str());
                after_number = after_number && is_and(lang, &words[i].key);
                i += 1;
            }
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Chinese numbers before a size or price unit (号, 码, 块, 元, 欧), with
/// a decimal part after 点 or a half after the unit (九号半 → 9.5号).
fn zh_to_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !is_zh_numeral(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_zh_numeral(chars[i]) {
            i += 1;
        }
        let whole = &chars[start..i];
        let mut decimals = String::new();
        let mut end = i;
        if chars.get(i) == Some(&'点') {
            let mut j = i + 1;
            while let Some(d) = chars.get(j).and_then(|&c| zh_digit(c)) {
                decimals.extend(char::from_digit(d, 10));
                j += 1;
            }
            if !decimals.is_empty() {
                end = j;
            }
        }
        let unit = chars.get(end).copied();
        let is_unit = matches!(
            unit,
            Some('号' | '號' | '码' | '碼' | '块' | '塊' | '元' | '欧' | '歐')
        );
        match zh_number(whole).map(u64::from).filter(|_| is_unit) {
            Some(int) => {
                // 九号半: nine and a half.
                let half = decimals.is_empty() && chars.get(end + 1) == Some(&'半');
                if half {
                    decimals.push('5');
                }
                out.push_str(&Number { int, decimals }.render(Lang::Zh));
                if let Some(u) = unit {
                    out.push(u);
                }
                i = end + 1 + usize::from(half);
            }
            None => {
                out.extend(&chars[start..i]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
