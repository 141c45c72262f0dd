//! The grounding verifier: a generated answer may only say what the fact
//! sheet says. Every number (prices, sizes, quantities, days), every colour,
//! every brand or product name and every promise-like word (free, discount,
//! half price, coupon, guarantee, reserved, refund, in/out of stock) in the
//! answer must be backed by the sheet, and a number in the role the sheet
//! gives it: a stock count of 24 does not back a price of € 24.00. What the
//! shopper said, quoted back by a template, backs nothing. Anything else
//! rejects the answer, and the kiosk shows its template answer instead.

use std::collections::BTreeSet;

use serde::Serialize;

use super::generator::FactSheet;
use crate::lexicon::ConceptKind;
use crate::text::{fold, is_zh_numeral, tokenize, zh_number};
use crate::{Lang, Lexicon};

/// Why an answer was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "what", rename_all = "snake_case")]
pub enum Violation {
    /// A number the sheet does not contain.
    Number(String),
    /// A number the sheet has, but in another role: a stock count stated as
    /// a price, a price as an aisle.
    Role(String),
    /// A colour the sheet does not mention.
    Color(String),
    /// A brand or product name the sheet does not mention.
    Name(String),
    /// A claim (free, discount, guarantee, reservation, refund, stock) the
    /// sheet does not make.
    Claim(String),
    /// Empty, or far longer than an answer should be.
    Shape(String),
    /// A number of the template answer (a price, a size, an aisle, an
    /// hour) that the answer left out: rephrasing may not drop a fact.
    Missing(String),
    /// Written in another language than the shopper's.
    Language(String),
}

/// Claims a model must not invent, as (concept, words in any language).
const CLAIMS: &[(&str, &[&str])] = &[
    ("free", &["free", "gratis", "cuma-cuma", "免費", "免费"]),
    (
        "discount",
        &[
            "discount",
            "korting",
            "diskon",
            "potongan",
            "折扣",
            "打折",
            "優惠",
            "% off",
            "sale",
            "uitverkoop",
            "promo",
        ],
    ),
    (
        "half_price",
        &[
            "half price",
            "half off",
            "halve prijs",
            "voor de helft",
            "setengah harga",
            "separuh harga",
            "半價",
        ],
    ),
    (
        "coupon",
        &[
            "coupon",
            "voucher",
            "promo code",
            "kortingsbon",
            "kortingscode",
            "waardebon",
            "kupon",
            "kode promo",
            "優惠券",
            "折價券",
            "折價卷",
            "優惠碼",
        ],
    ),
    (
        "deal",
        &[
            "deal",
            "deals",
            "bargain",
            "koopje",
            "promosi",
            "penawaran khusus",
            "特惠",
        ],
    ),
    (
        "percent_off",
        &[
            "percent off",
            "per cent off",
            "procent korting",
            "% korting",
            "% diskon",
            "折優惠",
        ],
    ),
    (
        "price_match",
        &[
            "price match",
            "price matching",
            "match the price",
            "beat the price",
            "prijsgarantie",
            "laagsteprijsgarantie",
            "prijs matchen",
            "harga termurah",
            "menyamakan harga",
            "比價",
            "保證最低價",
        ],
    ),
    (
        "guarantee",
        &[
            "guarantee",
            "guaranteed",
            "garantie",
            "gegarandeerd",
            "garansi",
            "dijamin",
            "保證",
            "warranty",
        ],
    ),
    ("binding", &["binding", "bindend", "mengikat", "約束"]),
    (
        "reserve",
        &[
            "reserve",
            "reserved",
            "reservation",
            "hold it",
            "gereserveerd",
            "reserveren",
            "apart gelegd",
            "dipesan",
            "disimpan",
            "保留",
            "預訂",
        ],
    ),
    (
        "refund",
        &[
            "refund",
            "money back",
            "terugbetaling",
            "geld terug",
            "pengembalian dana",
            "uang kembali",
            "退款",
            "退錢",
        ],
    ),
    (
        "out_of_stock",
        &[
            "out of stock",
            "sold out",
            "uitverkocht",
            "niet op voorraad",
            "habis",
            "stok kosong",
            "缺貨",
            "售完",
            "沒貨",
        ],
    ),
    (
        "in_stock",
        &[
            "in stock",
            "op voorraad",
            "tersedia",
            "ada stok",
            "有貨",
            "有現貨",
            "現貨",
        ],
    ),
    (
        "offer",
        &[
            "make an offer",
            "special offer",
            "aanbieding",
            "penawaran",
            "tawaran",
            "特價",
            "特价",
        ],
    ),
    (
        "price_change",
        &[
            "change the price",
            "change prices",
            "price change",
            "lower the price",
            "prijs aanpassen",
            "prijzen aanpassen",
            "prijs veranderen",
            "mengubah harga",
            "ubah harga",
            "改價",
            "更改價格",
            "改价",
        ],
    ),
    (
        "delivery",
        &[
            "deliver",
            "delivery",
            "shipping",
            "bezorgen",
            "levering",
            "verzending",
            "kirim",
            "pengiriman",
            "配送",
            "寄送",
        ],
    ),
];

/// Checks `answer` against `sheet`. `names` are the catalog's brands (and
/// any other proper names the kiosk knows), so a name the sheet lacks is
/// caught even when the model spells it right.
pub fn verify(
    answer: &str,
    sheet: &FactSheet,
    lexicon: &Lexicon,
    names: &[String],
    lang: Lang,
) -> Vec<Violation> {
    let mut violations = Vec::new();
    let sheet_text = format!("{}\n{}", sheet.template, sheet.facts.join("\n"));
    let trimmed = answer.trim();
    if trimmed.is_empty() {
        violations.push(Violation::Shape("empty".into()));
        return violations;
    }
    let limit = sheet_text.chars().count().max(200) * 2;
    if trimmed.chars().count() > limit {
        violations.push(Violation::Shape(format!(
            "{} characters",
            trimmed.chars().count()
        )));
    }

    // What the shopper said, quoted back by a template ("nothing matching
    // “size 44 at € 5”"), backs nothing: only the catalog's facts do.
    let backing_text = format!("{}\n{}", unquoted(&sheet.template), sheet.facts.join("\n"));
    let mut allowed = classified_numbers(&unquoted(&sheet.template), false);
    for line in &sheet.facts {
        allowed.extend(classified_numbers(line, true));
    }
    for (raw, value, role) in classified_numbers(trimmed, false) {
        let same = |a: &f64| (a - value).abs() < 0.005;
        if !allowed.iter().any(|(_, a, _)| same(a)) {
            violations.push(Violation::Number(raw));
        } else if role != Role::Other && !allowed.iter().any(|(_, a, r)| same(a) && *r == role) {
            violations.push(Violation::Role(format!("{raw} as {}", role.name())));
        }
    }

    let sheet_concepts: BTreeSet<usize> = concepts(lexicon, &backing_text, ConceptKind::Color);
    for c in concepts(lexicon, trimmed, ConceptKind::Color) {
        if !sheet_concepts.contains(&c) {
            violations.push(Violation::Color(lexicon.concept(c).id.clone()));
        }
    }

    let sheet_folded = fold(&backing_text);
    let answer_folded = fold(trimmed);
    let sheet_words = words(&sheet_folded);
    let answer_words = words(&answer_folded);
    for name in names {
        let key = fold(name);
        if key.chars().count() < 3 {
            continue;
        }
        let in_answer = contains_phrase(&answer_folded, &answer_words, &key);
        if in_answer && !contains_phrase(&sheet_folded, &sheet_words, &key) {
            violations.push(Violation::Name(name.clone()));
        }
    }

    let sheet_sentences = sentences(&sheet_folded);
    let answer_sentences = sentences(&answer_folded);
    for (claim, phrases) in CLAIMS {
        let says = |sentence: &(String, Vec<String>)| {
            phrases
                .iter()
                .any(|p| contains_phrase(&sentence.0, &sentence.1, &fold(p)))
        };
        let in_sheet: Vec<_> = sheet_sentences.iter().filter(|x| says(x)).collect();
        let in_answer: Vec<_> = answer_sentences.iter().filter(|x| says(x)).collect();
        if in_answer.is_empty() {
            continue;
        }
        if in_sheet.is_empty() {
            violations.push(Violation::Claim((*claim).to_string()));
            continue;
        }
        // The sheet only ever denies it ("I can't give discounts"): the
        // answer may only deny it too, not turn it into a promise.
        if in_sheet.iter().all(|x| negated(x)) && in_answer.iter().any(|x| !negated(x)) {
            violations.push(Violation::Claim(format!("{claim} (the sheet denies it)")));
        }
    }
    let all_sheet_words = words(&fold(&sheet_text));
    if let Some(v) = wrong_language(trimmed, &all_sheet_words, lexicon, lang) {
        violations.push(v);
    }
    violations
}

/// [`verify`] for a finished answer: also every number of the template must
/// still be there (a rephrasing that drops the price or the aisle is not an
/// answer). Streamed sentences are checked with [`verify`] alone, since the
/// rest of the answer is still to come.
pub fn verify_complete(
    answer: &str,
    sheet: &FactSheet,
    lexicon: &Lexicon,
    names: &[String],
    lang: Lang,
) -> Vec<Violation> {
    let mut violations = verify(answer, sheet, lexicon, names, lang);
    let said = numbers(answer);
    for (raw, value) in numbers_with_text(&unquoted(&sheet.template)) {
        if !said.iter().any(|a| (a - value).abs() < 0.005) {
            violations.push(Violation::Missing(raw));
        }
    }
    // A rephrasing keeps most of what the template says; a line that
    // shares little of it ("Language: English") says something else.
    let template_words = content_words(&fold(&sheet.template));
    if template_words.len() >= 3 {
        let answer_words = content_words(&fold(answer));
        let kept = template_words
            .iter()
            .filter(|w| answer_words.contains(*w))
            .count();
        if kept * 3 < template_words.len() {
            violations.push(Violation::Missing(format!(
                "{kept} of the template's {} words",
                template_words.len()
            )));
        }
    }
    violations
}

/// The words that carry a text's content: Latin words of four letters or
/// more, and each Han character.
fn content_words(folded: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for w in words(folded) {
        if w.chars().any(crate::text::is_cjk) {
            out.extend(
                w.chars()
                    .filter(|c| crate::text::is_cjk(*c))
                    .map(String::from),
            );
        } else if w.chars().count() >= 4 {
            out.insert(w);
        }
    }
    out
}

/// Han characters in a Latin-script answer (or none in a Chinese one), or
/// the words the answer adds to the sheet's clearly in another of the
/// kiosk's languages.
fn wrong_language(
    answer: &str,
    sheet_words: &[String],
    lexicon: &Lexicon,
    lang: Lang,
) -> Option<Violation> {
    let han = answer.chars().any(crate::text::is_cjk);
    if lang == Lang::Zh {
        return (!han).then(|| Violation::Language("no Chinese".into()));
    }
    if han {
        return Some(Violation::Language("Chinese".into()));
    }
    let added: Vec<String> = words(&fold(answer))
        .into_iter()
        .filter(|w| !sheet_words.contains(w))
        .collect();
    if added.len() < 3 {
        return None;
    }
    let (detected, confidence) = super::language::detect(&added.join(" "), lexicon);
    (detected != lang && confidence >= 0.4)
        .then(|| Violation::Language(detected.code().to_string()))
}

/// Negations in the kiosk's languages, folded.
const NEGATIONS: &[&str] = &[
    "not", "no", "none", "nothing", "nor", "cannot", "can't", "cant", "unable", "don't", "dont",
    "won't", "never", "niet", "geen", "niets", "niks", "nooit", "nergens", "tidak", "tak", "bukan",
    "belum", "tiada", "jangan", "gak", "nggak", "enggak", "tanpa", "不", "沒", "没", "無法",
    "无法", "未", "別", "勿",
];

fn negated(sentence: &(String, Vec<String>)) -> bool {
    if sentence.0.contains("n't") || sentence.0.contains("n\u{2019}t") {
        return true;
    }
    NEGATIONS.iter().any(|n| {
        if n.chars().any(crate::text::is_cjk) {
            sentence.0.contains(n)
        } else {
            sentence.1.iter().any(|w| w == n)
        }
    })
}

/// A folded text's sentences, each with its words.
fn sentences(folded: &str) -> Vec<(String, Vec<String>)> {
    folded
        .split(['.', '!', '?', '。', '！', '？', '\n', ';'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| (x.to_string(), words(x)))
        .collect()
}

fn words(folded: &str) -> Vec<String> {
    tokenize(folded).into_iter().map(|t| t.text).collect()
}

/// Whole-word containment for Latin phrases, substring for CJK ones.
fn contains_phrase(text: &str, text_words: &[String], phrase: &str) -> bool {
    if phrase.chars().any(crate::text::is_cjk) || phrase.contains('%') {
        return text.contains(phrase);
    }
    let p: Vec<String> = tokenize(phrase).into_iter().map(|t| t.text).collect();
    if p.is_empty() || p.len() > text_words.len() {
        return false;
    }
    text_words.windows(p.len()).any(|w| w == p.as_slice())
}

fn concepts(lexicon: &Lexicon, text: &str, kind: ConceptKind) -> BTreeSet<usize> {
    lexicon
        .analyze(text)
        .mentions
        .into_iter()
        .filter(|m| m.exact && lexicon.concept(m.concept).kind == kind)
        .map(|m| m.concept)
        .collect()
}

fn numbers(text: &str) -> Vec<f64> {
    numbers_with_text(text)
        .into_iter()
        .map(|(_, v)| v)
        .collect()
}

/// Every number in a text, with its spelling: `12`, `12.50`, `12,50`,
/// `1.299,00`, times (`10:00`, as minutes), and Chinese numerals before
/// 號/天/件 (`九號`).
fn numbers_with_text(text: &str) -> Vec<(String, f64)> {
    number_spans(text)
        .into_iter()
        .map(|n| (n.raw, n.value))
        .collect()
}

/// A number found in a text, with where it is (in chars).
struct Found {
    raw: String,
    value: f64,
    start: usize,
    end: usize,
    time: bool,
}

fn number_spans(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let digit_at = |k: usize| chars.get(k).is_some_and(|c| c.is_ascii_digit());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || (matches!(chars[i], '.' | ',') && digit_at(i + 1)))
            {
                i += 1;
            }
            let raw: String = chars[start..i].iter().collect();
            // "10:00": an hour, compared as minutes since midnight.
            if chars.get(i) == Some(&':')
                && digit_at(i + 1)
                && digit_at(i + 2)
                && !digit_at(i + 3)
                && raw.chars().all(|c| c.is_ascii_digit())
            {
                let minutes: String = chars[i + 1..i + 3].iter().collect();
                if let (Ok(h), Ok(m)) = (raw.parse::<u32>(), minutes.parse::<u32>()) {
                    out.push(Found {
                        raw: format!("{raw}:{minutes}"),
                        value: f64::from(h * 60 + m),
                        start,
                        end: i + 3,
                        time: true,
                    });
                    i += 3;
                    continue;
                }
            }
            if let Some(value) = parse_number(&raw) {
                out.push(Found {
                    raw,
                    value,
                    start,
                    end: i,
                    time: false,
                });
            }
            continue;
        }
        if is_zh_numeral(chars[i]) {
            let start = i;
            let mut j = i;
            while j < chars.len() && is_zh_numeral(chars[j]) {
                j += 1;
            }
            if chars
                .get(j)
                .is_some_and(|c| matches!(c, '號' | '号' | '天' | '件' | '雙' | '元' | '歐'))
            {
                let raw: String = chars[start..j].iter().collect();
                let value = zh_number(&chars[start..j]);
                if let Some(v) = value {
                    out.push(Found {
                        raw,
                        value: f64::from(v),
                        start,
                        end: j,
                        time: false,
                    });
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// What a number stands for, judged by the words right around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Price,
    Size,
    Quantity,
    Aisle,
    Time,
    /// No cue: a model number ("Stride 3"), a count of days, …
    Other,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Price => "a price",
            Role::Size => "a size",
            Role::Quantity => "a stock count",
            Role::Aisle => "an aisle",
            Role::Time => "a time",
            Role::Other => "a number",
        }
    }
}

/// Words right before a number that give its role (folded: Simplified
/// Chinese is already Traditional here).
const BEFORE: &[(Role, &[&str])] = &[
    (
        Role::Price,
        &[
            "€", "eur", "euro", "rp", "rp.", "$", "nt$", "us$", "usd", "idr", "twd", "ntd", "¥",
        ],
    ),
    (
        Role::Size,
        &[
            "size", "sizes", "maat", "maten", "ukuran", "尺寸", "尺碼", "eu",
        ],
    ),
    (
        Role::Quantity,
        &[
            "nog", "sisa", "tinggal", "stok", "stock", "voorraad", "剩", "剩下", "還有", "庫存",
        ],
    ),
    (Role::Aisle, &["aisle", "gang", "pad", "lorong", "走道"]),
];

/// Words right after a number that give its role.
const AFTER: &[(Role, &[&str])] = &[
    (
        Role::Price,
        &[
            "€", "eur", "euro", "euros", "rupiah", "dollar", "dollars", "元", "歐元", "塊",
        ],
    ),
    (Role::Aisle, &["號走道", "走道"]),
    (Role::Size, &["號", "碼"]),
    (
        Role::Quantity,
        &[
            "left",
            "in stock",
            "remaining",
            "op voorraad",
            "beschikbaar",
            "tersisa",
            "tersedia",
            "di stok",
            "件",
            "雙",
            "pairs",
            "stuks",
            "pasang",
            "buah",
        ],
    ),
];

/// Every number of `text` with its role. In a fact line, a number after a
/// colon is a stock count ("size 9, Grey: 6").
fn classified_numbers(text: &str, fact_line: bool) -> Vec<(String, f64, Role)> {
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    let found = number_spans(&folded);
    let mut roles: Vec<Role> = found
        .iter()
        .map(|n| {
            if n.time {
                return Role::Time;
            }
            let before: String = chars[..n.start].iter().collect();
            let after: String = chars[n.end..].iter().collect();
            role_of(&n.raw, before.trim_end(), after.trim_start(), fact_line)
        })
        .collect();
    // One cue serves a list or a range: "sizes 9 and 10", "10 to 250
    // euros".
    // A comma joins a list only forwards: in "Stride 3, size 9" the 3 is
    // no size.
    let joined = |a: &Found, b: &Found, comma: bool| {
        let between: String = chars[a.end..b.start].iter().collect();
        let between = between.trim();
        JOINERS.contains(&between) || (comma && between == ",")
    };
    for k in 1..found.len() {
        if roles[k] == Role::Other && joined(&found[k - 1], &found[k], true) {
            roles[k] = roles[k - 1];
        }
    }
    for k in (0..found.len().saturating_sub(1)).rev() {
        if roles[k] == Role::Other && joined(&found[k], &found[k + 1], false) {
            roles[k] = roles[k + 1];
        }
    }
    found
        .into_iter()
        .zip(roles)
        .map(|(n, role)| (n.raw, n.value, role))
        .collect()
}

/// What may stand between the numbers of one list or range (folded).
const JOINERS: &[&str] = &[
    "and", "or", "to", "en", "of", "tot", "t/m", "dan", "atau", "sampai", "hingga", "-", "–", "和",
    "或", "到", "至", "、", "/",
];

fn role_of(raw: &str, before: &str, after: &str, fact_line: bool) -> Role {
    let bare = before.trim_end_matches(':').trim_end();
    for (role, cues) in BEFORE {
        if cues.iter().any(|c| ends_with_word(bare, c)) {
            return *role;
        }
    }
    for (role, cues) in AFTER {
        if cues.iter().any(|c| starts_with_word(after, c)) {
            return *role;
        }
    }
    if fact_line && before.ends_with(':') {
        return Role::Quantity;
    }
    // "24.00", "24,00": written as an amount of money.
    let cents = raw
        .rfind(['.', ','])
        .is_some_and(|k| raw.len() - k == 3 && raw.matches(['.', ',']).count() == 1);
    if cents { Role::Price } else { Role::Other }
}

/// `text` ends with the cue, as a whole word when the cue is a word.
fn ends_with_word(text: &str, cue: &str) -> bool {
    text.strip_suffix(cue).is_some_and(|rest| {
        !cue.starts_with(char::is_alphanumeric)
            || cue.chars().any(crate::text::is_cjk)
            || !rest.ends_with(char::is_alphanumeric)
    })
}

/// `text` starts with the cue, as a whole word when the cue is a word.
fn starts_with_word(text: &str, cue: &str) -> bool {
    text.strip_prefix(cue).is_some_and(|rest| {
        !cue.ends_with(char::is_alphanumeric)
            || cue.chars().any(crate::text::is_cjk)
            || !rest.starts_with(char::is_alphanumeric)
    })
}

/// `text` without what it quotes (“…”, "…", 「…」, 『…』): a template quotes
/// the shopper's own words, which are no fact.
fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing: Option<char> = None;
    for c in text.chars() {
        match closing {
            Some(close) if c == close => closing = None,
            Some(_) => {}
            None => match c {
                '“' => closing = Some('”'),
                '「' => closing = Some('」'),
                '『' => closing = Some('』'),
                '"' => closing = Some('"'),
                _ => out.push(c),
            },
        }
    }
    out
}

/// `12,50` and `12.50` are the same amount; `1.299,00` and `1,299.00` too.
fn parse_number(raw: &str) -> Option<f64> {
    let dots = raw.matches('.').count();
    let commas = raw.matches(',').count();
    let normalized = match (dots, commas) {
        (0, 0) => raw.to_string(),
        (1, 0) => raw.to_string(),
        (0, 1) => {
            let frac = raw.rsplit(',').next().unwrap_or("");
            if frac.len() == 3 {
                raw.replace(',', "")
            } else {
                raw.replace(',', ".")
            }
        }
        _ => {
            let last_dot = raw.rfind('.');
            let last_comma = raw.rfind(',');
            if last_comma > last_dot {
                raw.replace('.', "").replace(',', ".")
            } else {
                raw.replace(',', "")
            }
        }
    };
    normalized.parse().ok()
}

#[cfg(test)]
mod tests;
