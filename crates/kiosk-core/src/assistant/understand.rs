//! Reading one turn: language, cues, and slots (size, colour, category, price
//! range, ordinal, order number, contact), by rules over the lexicon. No
//! model is needed; the result says how sure it is.

use crate::assistant::cues::{self, Cue, Found};
use crate::lexicon::ConceptKind;
use crate::text::{Token, fold, tokenize};
use crate::{Lang, Lexicon, Money};

/// What the rules read in a turn.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub cues: Vec<Found>,
    /// Lexicon concepts named, by kind.
    pub categories: Vec<usize>,
    pub product_types: Vec<usize>,
    pub materials: Vec<usize>,
    pub attributes: Vec<usize>,
    pub color: Option<usize>,
    /// As the catalog writes sizes: `9`, `9.5`, `M`, `One Size`.
    pub size: Option<String>,
    pub price_min: Option<Money>,
    pub price_max: Option<Money>,
    /// 0-based position in the last list shown; `usize::MAX` for "the last".
    pub ordinal: Option<usize>,
    /// Every ordinal, in order ("compare the first and the third").
    pub ordinals: Vec<usize>,
    pub order_id: Option<String>,
    pub contact: Option<String>,
    /// The words to search the catalog with: the text minus cues, sizes,
    /// prices and ordinals.
    pub search_text: String,
    /// Content words left after removing cues and stop words, which may
    /// name a product the lexicon does not know.
    pub leftover_words: usize,
}

impl Reading {
    pub fn has(&self, cue: Cue) -> bool {
        cues::has(&self.cues, cue)
    }

    pub fn names_product(&self) -> bool {
        !self.categories.is_empty() || !self.product_types.is_empty()
    }

    pub fn has_variant_slot(&self) -> bool {
        self.size.is_some() || self.color.is_some()
    }
}

const SIZE_WORDS: &[&str] = &[
    "size", "sizes", "maat", "maten", "ukuran", "nomor", "no", "nr", "sz",
];
const LETTER_SIZES: &[&str] = &[
    "xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl", "2xl", "3xl",
];
const MAX_WORDS: &[&[&str]] = &[
    &["under"],
    &["below"],
    &["less", "than"],
    &["cheaper", "than"],
    &["max"],
    &["maximum"],
    &["up", "to"],
    &["no", "more", "than"],
    &["within"],
    &["onder"],
    &["minder", "dan"],
    &["goedkoper", "dan"],
    &["maximaal"],
    &["tot"],
    &["niet", "meer", "dan"],
    &["beneden"],
    &["di", "bawah"],
    &["dibawah"],
    &["kurang", "dari"],
    &["maksimal"],
    &["sampai"],
    &["tidak", "lebih", "dari"],
    &["budget"],
];
const MIN_WORDS: &[&[&str]] = &[
    &["over"],
    &["above"],
    &["more", "than"],
    &["at", "least"],
    &["boven"],
    &["meer", "dan"],
    &["minstens"],
    &["vanaf"],
    &["di", "atas"],
    &["diatas"],
    &["lebih", "dari"],
    &["minimal"],
];
const CURRENCY_WORDS: &[&str] = &[
    "eur", "euro", "euros", "de", "rp", "rupiah", "dollar", "dollars", "usd",
];
const ORDINALS: &[(&str, usize)] = &[
    ("first", 0),
    ("second", 1),
    ("third", 2),
    ("fourth", 3),
    ("fifth", 4),
    ("1st", 0),
    ("2nd", 1),
    ("3rd", 2),
    ("eerste", 0),
    ("tweede", 1),
    ("derde", 2),
    ("vierde", 3),
    ("vijfde", 4),
    ("pertama", 0),
    ("kedua", 1),
    ("ketiga", 2),
    ("keempat", 3),
    ("kelima", 4),
    ("last", usize::MAX),
    ("laatste", usize::MAX),
    ("terakhir", usize::MAX),
];

pub fn read(text: &str, lexicon: &Lexicon) -> Reading {
    let tokens = tokenize(text);
    let mut reading = Reading {
        cues: cues::find(text, &tokens),
        ..Reading::default()
    };
    // Spans consumed by something other than product words.
    let mut consumed: Vec<(usize, usize)> = reading.cues.iter().map(|f| (f.start, f.end)).collect();

    read_prices(text, &tokens, &mut reading, &mut consumed);
    read_order_and_contact(text, &tokens, &mut reading, &mut consumed);
    read_sizes(text, &tokens, lexicon, &mut reading, &mut consumed);
    read_ordinal(text, &tokens, &mut reading, &mut consumed);

    let analysis = lexicon.analyze(text);
    for m in &analysis.mentions {
        if overlaps(&consumed, m.start, m.end) {
            continue;
        }
        let concept = lexicon.concept(m.concept);
        match concept.kind {
            ConceptKind::Category => push_unique(&mut reading.categories, m.concept),
            ConceptKind::ProductType => push_unique(&mut reading.product_types, m.concept),
            ConceptKind::Material => push_unique(&mut reading.materials, m.concept),
            ConceptKind::Attribute => push_unique(&mut reading.attributes, m.concept),
            ConceptKind::Color => {
                reading.color.get_or_insert(m.concept);
            }
            ConceptKind::Size => {
                if reading.size.is_none() {
                    reading.size = Some(concept.id.clone());
                }
                consumed.push((m.start, m.end));
            }
        }
    }
    // What is left for the catalog search.
    let mut search = String::new();
    let mut leftover = 0;
    let mentioned: Vec<(usize, usize)> =
        analysis.mentions.iter().map(|m| (m.start, m.end)).collect();
    let push = |search: &mut String, piece: &str| {
        if !search.is_empty() {
            search.push(' ');
        }
        search.push_str(piece);
    };
    for t in &tokens {
        if t.cjk {
            // Chinese runs hold cues, concepts and stop words side by side:
            // keep the stretches no cue claimed; count what no concept
            // explains either.
            for (start, end) in free_stretches(text, t.start, t.end, &consumed) {
                push(&mut search, &text[start..end]);
                for (s2, e2) in free_stretches(text, start, end, &mentioned) {
                    leftover +=
                        crate::text::strip_cjk_stopwords(&crate::text::fold(&text[s2..e2])).len();
                }
            }
            continue;
        }
        if overlaps(&consumed, t.start, t.end) {
            continue;
        }
        let in_mention = mentioned.iter().any(|(s, e)| t.start >= *s && t.end <= *e);
        if !in_mention {
            let content =
                !crate::text::is_stopword(&t.text) && !t.text.chars().all(|c| c.is_ascii_digit());
            if !content {
                continue;
            }
            leftover += 1;
        }
        push(&mut search, &text[t.start..t.end]);
    }
    reading.search_text = search;
    reading.leftover_words = leftover;
    reading
}

/// The parts of `text[start..end]` outside every span, by characters.
fn free_stretches(
    text: &str,
    start: usize,
    end: usize,
    spans: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from: Option<usize> = None;
    for (off, ch) in text[start..end].char_indices() {
        let b = start + off;
        let taken = overlaps(spans, b, b + ch.len_utf8());
        match (taken, from) {
            (false, None) => from = Some(b),
            (true, Some(f)) => {
                out.push((f, b));
                from = None;
            }
            _ => {}
        }
    }
    if let Some(f) = from {
        out.push((f, end));
    }
    out
}

fn push_unique(list: &mut Vec<usize>, item: usize) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn overlaps(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    spans.iter().any(|(s, e)| start < *e && *s < end)
}

/// A number as written: `20`, `20.50`, `20,50`, `9½`.
fn number(word: &str) -> Option<f64> {
    let w = word.replace(',', ".");
    w.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

fn matches_at(tokens: &[Token], i: usize, phrase: &[&str]) -> bool {
    i + phrase.len() <= tokens.len()
        && tokens[i..i + phrase.len()]
            .iter()
            .zip(phrase)
            .all(|(t, w)| t.text == *w)
}

fn read_prices(
    text: &str,
    tokens: &[Token],
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    // "under 20 euro", "onder de 20 euro", "di bawah 20 ribu"...
    let mut i = 0;
    while i < tokens.len() {
        let mut hit = None;
        for (list, is_max) in [(MAX_WORDS, true), (MIN_WORDS, false)] {
            if let Some(phrase) = list.iter().find(|p| matches_at(tokens, i, p)) {
                hit = Some((phrase.len(), is_max));
                break;
            }
        }
        if let Some((len, is_max)) = hit {
            let mut j = i + len;
            while j < tokens.len() && CURRENCY_WORDS.contains(&tokens[j].text.as_str()) {
                j += 1;
            }
            if let Some(value) = tokens.get(j).and_then(|t| number(&t.text)) {
                let mut end = tokens[j].end;
                if let Some(next) = tokens.get(j + 1)
                    && CURRENCY_WORDS.contains(&next.text.as_str())
                {
                    end = next.end;
                }
                let money = Money::from_minor((value * 100.0).round() as i64);
                if is_max {
                    reading.price_max = Some(money);
                } else {
                    reading.price_min = Some(money);
                }
                consumed.push((tokens[i].start, end));
                i = j + 1;
                continue;
            }
        }
        // "between 20 and 50", "tussen 20 en 50", "antara 20 dan 50"
        if ["between", "tussen", "antara"].contains(&tokens[i].text.as_str())
            && let (Some(a), Some(b)) = (
                tokens.get(i + 1).and_then(|t| number(&t.text)),
                tokens.get(i + 3).and_then(|t| number(&t.text)),
            )
        {
            reading.price_min = Some(Money::from_minor((a.min(b) * 100.0).round() as i64));
            reading.price_max = Some(Money::from_minor((a.max(b) * 100.0).round() as i64));
            consumed.push((tokens[i].start, tokens[i + 3].end));
            i += 4;
            continue;
        }
        // A bare amount with a currency: "20 euro", "€20" (the € is not a
        // token, so look at the text before the number).
        if let Some(value) = number(&tokens[i].text) {
            let before = text[..tokens[i].start].trim_end();
            let next_is_currency = tokens
                .get(i + 1)
                .is_some_and(|n| ["eur", "euro", "euros"].contains(&n.text.as_str()));
            if before.ends_with('€') || next_is_currency {
                // Without a direction word, an amount is a ceiling.
                let money = Money::from_minor((value * 100.0).round() as i64);
                reading.price_max.get_or_insert(money);
                let end = if next_is_currency {
                    tokens[i + 1].end
                } else {
                    tokens[i].end
                };
                consumed.push((
                    tokens[i]
                        .start
                        .saturating_sub(if before.ends_with('€') { 3 } else { 0 }),
                    end,
                ));
            }
        }
        i += 1;
    }
    // Chinese: "20歐元以下", "低於20歐", "50元以上".
    let folded = fold(text);
    for (marker, is_max, after) in [
        ("以下", true, false),
        ("以內", true, false),
        ("以上", false, false),
        ("低於", true, true),
        ("少於", true, true),
        ("不到", true, true),
        ("不超過", true, true),
        ("超過", false, true),
        ("高於", false, true),
    ] {
        let Some(pos) = folded.find(marker) else {
            continue;
        };
        let digits: String = if after {
            folded[pos + marker.len()..]
                .chars()
                .skip_while(|c| c.is_whitespace())
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect()
        } else {
            let before: String = folded[..pos]
                .chars()
                .rev()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            before.chars().rev().collect()
        };
        if let Some(value) = number(&digits) {
            let money = Money::from_minor((value * 100.0).round() as i64);
            if is_max {
                reading.price_max = Some(money);
            } else {
                reading.price_min = Some(money);
            }
            // Blank the amount so it is not read as a size.
            for t in tokens
                .iter()
                .filter(|t| t.text == digits || t.text.contains(&digits))
            {
                consumed.push((t.start, t.end));
            }
        }
    }
}

fn read_sizes(
    text: &str,
    tokens: &[Token],
    lexicon: &Lexicon,
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    for (i, t) in tokens.iter().enumerate() {
        if overlaps(consumed, t.start, t.end) {
            continue;
        }
        // "size 9", "maat L", "ukuran 42", "size one size"
        if SIZE_WORDS.contains(&t.text.as_str())
            && let Some(next) = tokens.get(i + 1)
        {
            if let Some(v) = number(&next.text) {
                reading.size.get_or_insert(size_number(v));
                consumed.push((t.start, next.end));
                continue;
            }
            if LETTER_SIZES.contains(&next.text.as_str()) {
                reading.size.get_or_insert(next.text.to_ascii_uppercase());
                consumed.push((t.start, next.end));
                continue;
            }
            if let Some(idx) = lexicon.lookup(&text[next.start..next.end])
                && lexicon.concept(idx).kind == ConceptKind::Size
            {
                reading.size.get_or_insert(lexicon.concept(idx).id.clone());
                consumed.push((t.start, next.end));
                continue;
            }
            // The word alone ("which sizes?") is a cue, not a product word.
            consumed.push((t.start, t.end));
            continue;
        }
        if ["xs", "xl", "xxl", "xxxl", "2xl", "3xl", "xxs"].contains(&t.text.as_str()) {
            reading.size.get_or_insert(t.text.to_ascii_uppercase());
            consumed.push((t.start, t.end));
            continue;
        }
        // Chinese: "9號", "九號", "M號", "42碼".
        if t.cjk {
            continue;
        }
        if let Some(next) = tokens.get(i + 1)
            && next.cjk
            && (next.text.starts_with('號')
                || next.text.starts_with('碼')
                || next.text.starts_with('码'))
        {
            if let Some(v) = number(&t.text) {
                reading.size.get_or_insert(size_number(v));
                consumed.push((t.start, t.end));
            } else if LETTER_SIZES.contains(&t.text.as_str()) {
                reading.size.get_or_insert(t.text.to_ascii_uppercase());
                consumed.push((t.start, t.end));
            }
        }
    }
    // Chinese numerals before 號: 九號, 十號.
    if reading.size.is_none() {
        let folded = fold(text);
        let chars: Vec<char> = folded.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if (*c == '號' || *c == '碼') && i > 0 {
                let mut j = i;
                while j > 0 && chinese_digit(chars[j - 1]).is_some() {
                    j -= 1;
                }
                if j < i
                    && let Some(v) = chinese_number(&chars[j..i])
                {
                    reading.size = Some(v.to_string());
                }
            }
        }
    }
    // A bare small number is a size after "in", "and", "een"... ("in 9",
    // "and 10?") or when it is all there is; after a name it is part of the
    // name ("Glide 5", "Stride 3").
    if reading.size.is_none() {
        let content = tokens
            .iter()
            .filter(|t| !overlaps(consumed, t.start, t.end))
            .filter(|t| t.cjk || !crate::text::is_stopword(&t.text))
            .count();
        for (i, t) in tokens.iter().enumerate() {
            if overlaps(consumed, t.start, t.end) || t.cjk {
                continue;
            }
            let Some(v) = number(&t.text) else { continue };
            if !(1.0..=60.0).contains(&v) || t.text.len() > 4 {
                continue;
            }
            let after_size_word = i > 0 && SIZE_PRECEDERS.contains(&tokens[i - 1].text.as_str());
            let after_cjk = i > 0
                && tokens[i - 1].cjk
                && (tokens[i - 1].text.ends_with('那') || tokens[i - 1].text.ends_with('要'));
            if after_size_word || after_cjk || content == 1 {
                reading.size = Some(size_number(v));
                consumed.push((t.start, t.end));
                break;
            }
        }
    }
}

/// Words after which a bare number is a size: "in 9", "and 10", "een 42".
const SIZE_PRECEDERS: &[&str] = &[
    "in", "a", "an", "and", "or", "een", "en", "of", "op", "dan", "atau", "kalau", "yang", "the",
];

fn size_number(v: f64) -> String {
    format!("{v}")
}

fn chinese_digit(c: char) -> Option<u32> {
    "零一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
        .or(match c {
            '兩' => Some(2),
            '十' => Some(10),
            _ => None,
        })
}

/// 九 → 9, 十 → 10, 十二 → 12, 二十 → 20, 四十二 → 42.
fn chinese_number(chars: &[char]) -> Option<u32> {
    let digits: Vec<u32> = chars.iter().filter_map(|c| chinese_digit(*c)).collect();
    match digits.as_slice() {
        [d] => Some(*d),
        [10, d] => Some(10 + d),
        [d, 10] => Some(d * 10),
        [d, 10, e] => Some(d * 10 + e),
        _ => None,
    }
}

fn read_ordinal(
    text: &str,
    tokens: &[Token],
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    for t in tokens {
        if let Some((_, n)) = ORDINALS.iter().find(|(w, _)| *w == t.text) {
            reading.ordinals.push(*n);
            consumed.push((t.start, t.end));
        }
    }
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == '第'
            && let Some(d) = chars
                .get(i + 1)
                .and_then(|c| chinese_digit(*c))
                .or_else(|| chars.get(i + 1).and_then(|c| c.to_digit(10)))
            && d > 0
        {
            reading.ordinals.push(d as usize - 1);
        }
    }
    if folded.contains("最後") {
        reading.ordinals.push(usize::MAX);
    }
    reading.ordinal = reading.ordinals.first().copied();
}

fn read_order_and_contact(
    text: &str,
    tokens: &[Token],
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    for word in text.split_whitespace() {
        let w =
            word.trim_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '.' && c != '+');
        if let Some((local, domain)) = w.split_once('@')
            && !local.is_empty()
            && domain.contains('.')
        {
            reading.contact = Some(w.trim_end_matches('.').to_string());
        }
    }
    // A phone number: 8+ digits in a run of digit groups.
    if reading.contact.is_none() {
        let mut run = String::new();
        let mut run_start = None;
        let mut best: Option<(String, usize, usize)> = None;
        for t in tokens {
            if t.text.chars().all(|c| c.is_ascii_digit()) {
                run_start.get_or_insert(t.start);
                run.push_str(&t.text);
                if run.len() >= 8 {
                    best = Some((run.clone(), run_start.unwrap_or(t.start), t.end));
                }
            } else {
                run.clear();
                run_start = None;
            }
        }
        if let Some((digits, start, end)) = best {
            let written = text[start..end].trim().to_string();
            let plus = text[..start].trim_end().ends_with('+');
            reading.contact = Some(if plus { format!("+{written}") } else { written });
            let _ = digits;
            consumed.push((start, end));
        }
    }
    // An order number: 4 or more digits (or letters with digits) after an
    // order cue, or standing alone.
    for t in tokens {
        let digits = t.text.chars().filter(char::is_ascii_digit).count();
        if digits >= 4
            && t.text.len() <= 14
            && t.text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            if reading
                .contact
                .as_deref()
                .is_some_and(|c| c.contains(&t.text))
            {
                continue;
            }
            reading.order_id = Some(text[t.start..t.end].to_string());
            consumed.push((t.start, t.end));
            break;
        }
    }
}

/// The weekday a text names (0 = Monday), "today" and "tomorrow" included.
pub fn weekday(text: &str, today: usize) -> Option<usize> {
    const NAMES: &[(&str, usize)] = &[
        ("monday", 0),
        ("tuesday", 1),
        ("wednesday", 2),
        ("thursday", 3),
        ("friday", 4),
        ("saturday", 5),
        ("sunday", 6),
        ("maandag", 0),
        ("dinsdag", 1),
        ("woensdag", 2),
        ("donderdag", 3),
        ("vrijdag", 4),
        ("zaterdag", 5),
        ("zondag", 6),
        ("senin", 0),
        ("selasa", 1),
        ("rabu", 2),
        ("kamis", 3),
        ("jumat", 4),
        ("sabtu", 5),
        ("minggu", 6),
    ];
    let folded = fold(text);
    for t in tokenize(text) {
        if let Some((_, d)) = NAMES.iter().find(|(n, _)| *n == t.text) {
            return Some(*d);
        }
        match t.text.as_str() {
            "today" | "vandaag" => return Some(today),
            "tomorrow" | "morgen" | "besok" => return Some((today + 1) % 7),
            _ => {}
        }
    }
    if folded.contains("hari ini") || folded.contains("今天") {
        return Some(today);
    }
    if folded.contains("明天") {
        return Some((today + 1) % 7);
    }
    for prefix in ["星期", "週", "禮拜"] {
        if let Some(pos) = folded.find(prefix) {
            let next = folded[pos + prefix.len()..].chars().next()?;
            return "一二三四五六日天"
                .chars()
                .position(|c| c == next)
                .map(|p| p.min(6));
        }
    }
    None
}

/// Whether a turn speaks of a product already on screen ("it", "that one").
pub fn refers_back(reading: &Reading) -> bool {
    reading.has(Cue::RefersBack) || reading.ordinal.is_some()
}

/// The language a reading most likely uses, given a hint and the session.
pub fn choose_language(
    hint: Option<Lang>,
    detected: (Lang, f32),
    session_lang: Option<Lang>,
) -> Lang {
    if let Some(h) = hint {
        return h;
    }
    let (lang, confidence) = detected;
    match session_lang {
        // A conversation keeps its language unless the words clearly
        // switch ("ok", "9?" and product names say nothing).
        Some(s) if s != lang && confidence < 0.6 => s,
        Some(s) if confidence < 0.35 => s,
        _ => lang,
    }
}

#[cfg(test)]
mod tests;
