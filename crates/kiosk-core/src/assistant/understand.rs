//! Reading one turn: language, cues, and slots (size, colour, category, price
//! range, ordinal, order number, contact), by rules over the lexicon. No
//! model is needed; the result says how sure it is.

use crate::assistant::Session;
use crate::assistant::cues::{self, Cue, Found};
use crate::lexicon::ConceptKind;
use crate::text::{Token, fold, option_key, size_key, tokenize};
use crate::{Lexicon, Money};

mod ordinal;

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
    /// Every colour concept the turn names, in order ("black and white",
    /// "zwart-wit", "黑白"); `color` is the first.
    pub colors: Vec<usize>,
    /// A colour the turn names by the store's own option value when the
    /// vocabulary knows no colour in it ("verde-claro", "khaki-oscuro"), as
    /// the store writes it.
    pub color_value: Option<String>,
    /// As the catalog writes sizes: `9`, `9.5`, `M`, `One Size`.
    pub size: Option<String>,
    pub price_min: Option<Money>,
    pub price_max: Option<Money>,
    /// 0-based position in the last list shown; `usize::MAX` for "the last".
    pub ordinal: Option<usize>,
    /// Every ordinal, in order ("compare the first and the third").
    pub ordinals: Vec<usize>,
    /// A figure after a word that says either a place or a size ("nomor
    /// 12", "nr 12"), 0-based; read as a size unless `with_list_place`
    /// makes it a place.
    pub numbered: Option<usize>,
    pub order_id: Option<String>,
    pub contact: Option<String>,
    /// The words to search the catalog with: the text minus cues, sizes,
    /// prices and ordinals.
    pub search_text: String,
    /// Content words left after removing cues and stop words, which may
    /// name a product the lexicon does not know.
    pub leftover_words: usize,
    /// The turn as the shopper typed it, for reading the values of a
    /// product's own options once the product is known ("1/2 oz", "750 ml").
    pub text: String,
    /// The option whose values the turn asks for by its name ("what
    /// colours does it come in?", "welke maten zijn er?", "warna apa
    /// saja?", "有什麼顏色"): set when the turn names one option, not both.
    pub asks_values: Option<OptionAsked>,
}

/// An option a shopper may ask the values of by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionAsked {
    Size,
    Colour,
}

impl Reading {
    pub fn has(&self, cue: Cue) -> bool {
        cues::has(&self.cues, cue)
    }

    pub fn names_product(&self) -> bool {
        !self.categories.is_empty() || !self.product_types.is_empty()
    }

    pub fn has_variant_slot(&self) -> bool {
        self.size.is_some() || self.color.is_some() || self.color_value.is_some()
    }

    /// This reading with the size and colour of the conversation where the
    /// turn names none.
    pub(in crate::assistant) fn with_session_variant(&self, session: &Session) -> Reading {
        let mut r = self.clone();
        if r.size.is_none() {
            r.size.clone_from(&session.size);
        }
        if r.color.is_none() {
            r.color = session.color;
        }
        r
    }

    /// The colours asked for together ("black and white"): every colour
    /// the turn names when `color` is among them, else `color` alone (a
    /// colour carried over from the conversation).
    pub fn colour_concepts(&self) -> Vec<usize> {
        match self.color {
            Some(c) if self.colors.contains(&c) => self.colors.clone(),
            Some(c) => vec![c],
            None => Vec::new(),
        }
    }
}

/// The names of the colour and size options in the kiosk's four languages,
/// as shoppers ask for their values ("which colours", "welke maten",
/// "warna apa", "size apa"), folded; Chinese names are found inside a run.
const COLOUR_NAME_WORDS: &[&str] = &[
    "colour", "colours", "color", "colors", "kleur", "kleuren", "warna", "warnanya",
];
const SIZE_NAME_WORDS: &[&str] = &[
    "size",
    "sizes",
    "maat",
    "maten",
    "ukuran",
    "ukurannya",
    "sizenya",
];
const CJK_COLOUR_NAMES: &[&str] = &["顏色", "色系", "幾色", "幾種色", "什麼色"];
const CJK_SIZE_NAMES: &[&str] = &["尺寸", "尺碼", "號碼", "大小"];

/// The one option the turn names by its name, if only one.
fn asked_option(tokens: &[Token]) -> Option<OptionAsked> {
    let names = |latin: &[&str], cjk: &[&str]| {
        tokens.iter().any(|t| {
            if t.cjk {
                cjk.iter().any(|n| t.text.contains(n))
            } else {
                latin.contains(&t.text.as_str())
            }
        })
    };
    match (
        names(COLOUR_NAME_WORDS, CJK_COLOUR_NAMES),
        names(SIZE_NAME_WORDS, CJK_SIZE_NAMES),
    ) {
        (true, false) => Some(OptionAsked::Colour),
        (false, true) => Some(OptionAsked::Size),
        _ => None,
    }
}

/// Words that say the next word is a size: the kiosk's four languages, and
/// the size words of the stores' own export languages, as shoppers use the
/// store's word ("talla M", "Größe 42", "taille 38").
const SIZE_WORDS: &[&str] = &[
    "size", "sizes", "maat", "maten", "ukuran", "nomor", "no", "nr", "sz", "talla", "tallas",
    "große", "grosse", "groesse", "taille", "tamanho", "taglia", "pointure", "numero",
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
    "eur", "euro", "euros", "de", "rp", "rupiah", "idr", "dollar", "dollars", "usd", "nt", "ntd",
    "twd",
];

/// Reads a turn with no store in mind: every size the words name counts.
pub fn read(text: &str, lexicon: &Lexicon) -> Reading {
    read_with(text, lexicon, None)
}

/// Reads a turn for a store that sells `sizes` (as its catalog spells
/// them): a bare size counts only if the store has it, and sizes come out in
/// the store's spelling.
pub fn read_in_store(text: &str, lexicon: &Lexicon, sizes: &[String]) -> Reading {
    read_with(text, lexicon, Some(sizes))
}

/// Reads a colour the store names only by its own option value: when the
/// vocabulary found no colour, the longest of the store's `colors` that
/// stands in the text as whole words becomes `color_value`, and leaves the
/// search words.
pub fn with_store_colour(mut reading: Reading, colors: &[String]) -> Reading {
    if reading.color.is_some() {
        return reading;
    }
    let words = |s: &str| -> Vec<String> {
        tokenize(s)
            .into_iter()
            .filter(|t| !t.cjk)
            .map(|t| t.text)
            .collect()
    };
    let said = words(&reading.search_text);
    let found = colors
        .iter()
        .filter_map(|c| {
            let value = words(c);
            let at = (!value.is_empty() && value.len() <= said.len())
                .then(|| {
                    said.windows(value.len())
                        .position(|w| w == value.as_slice())
                })
                .flatten()?;
            Some((c, at, value.len()))
        })
        .max_by_key(|(_, _, n)| *n);
    if let Some((color, at, n)) = found {
        let mut rest = said.clone();
        rest.drain(at..at + n);
        reading.search_text = rest.join(" ");
        reading.color_value = Some(color.clone());
    }
    reading
}

fn read_with(text: &str, lexicon: &Lexicon, store_sizes: Option<&[String]>) -> Reading {
    let sizes = SizeRule {
        lexicon,
        store: store_sizes,
    };
    let tokens = tokenize(text);
    let mut reading = Reading {
        cues: cues::find(text, &tokens),
        text: text.to_string(),
        asks_values: asked_option(&tokens),
        ..Reading::default()
    };
    // Spans consumed by something other than product words.
    let mut consumed: Vec<(usize, usize)> = reading.cues.iter().map(|f| (f.start, f.end)).collect();

    read_prices(text, &tokens, &mut reading, &mut consumed);
    read_order_and_contact(text, &tokens, &mut reading, &mut consumed);
    // "3-6 months" before the store's bare "3-6".
    read_age_sizes(text, &tokens, store_sizes, &mut reading, &mut consumed);
    if let Some(store) = store_sizes
        && reading.size.is_none()
    {
        read_store_size_phrases(&tokens, store, &mut reading, &mut consumed);
    }
    // Places before sizes: "#12" and "number 12" are no bare size.
    read_ordinal(text, &tokens, &mut reading, &mut consumed);
    read_sizes(text, &tokens, &sizes, &mut reading, &mut consumed);

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
                push_unique(&mut reading.colors, m.concept);
            }
            ConceptKind::Size => {
                // "large", "groot", "大號": a size if the store sells it,
                // else a word for the search ("large backpack").
                if let Some(size) = sizes.accept(&concept.id, false) {
                    reading.size.get_or_insert(size);
                    consumed.push((m.start, m.end));
                }
            }
        }
    }
    // What is left for the catalog search; `whole` keeps the shopper's
    // wrapper words ("lihat", "有…嗎"), searched when nothing else is left.
    let mut search = String::new();
    let mut whole = String::new();
    let mut leftover = 0;
    let mentioned: Vec<(usize, usize)> =
        analysis.mentions.iter().map(|m| (m.start, m.end)).collect();
    let push = |search: &mut String, piece: &str| {
        if !search.is_empty() {
            search.push(' ');
        }
        search.push_str(piece);
    };
    // Where a term written in Latin and Chinese ("T恤") ends, so it is
    // searched for as one piece.
    let mut taken_until = 0;
    for t in &tokens {
        if t.end <= taken_until {
            continue;
        }
        if t.cjk {
            // Chinese runs hold cues, concepts and stop words side by side:
            // keep the stretches no cue claimed; count what no concept
            // explains either.
            let from = t.start.max(taken_until);
            for (start, end) in free_stretches(text, from, t.end, &consumed) {
                push(&mut whole, &text[start..end]);
                let (start, end) = without_cjk_wrappers(text, start, end, &mentioned);
                if start == end {
                    continue;
                }
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
        if let Some(m) = analysis
            .mentions
            .iter()
            .find(|m| {
                m.start == t.start
                    && m.end > t.end
                    && text[t.end..m.end].starts_with(|c: char| crate::text::is_cjk(c))
            })
            .filter(|m| !overlaps(&consumed, m.start, m.end))
        {
            push(&mut search, &text[m.start..m.end]);
            push(&mut whole, &text[m.start..m.end]);
            taken_until = m.end;
            continue;
        }
        let in_mention = mentioned.iter().any(|(s, e)| t.start >= *s && t.end <= *e);
        if !in_mention {
            if crate::text::is_stopword(&t.text) {
                continue;
            }
            if crate::text::is_wrapper(&t.text) {
                push(&mut whole, &text[t.start..t.end]);
                continue;
            }
            // A number no slot took ("iphone 42", "Stride 3") is searched
            // for, but names nothing on its own.
            if !t.text.chars().all(|c| c.is_ascii_digit()) {
                leftover += 1;
            }
        }
        push(&mut search, &text[t.start..t.end]);
        push(&mut whole, &text[t.start..t.end]);
    }
    // Wrapper words alone ("lihat", "我") are what the shopper said: they
    // are searched rather than nothing.
    reading.search_text = if search.trim().is_empty() {
        whole
    } else {
        search
    };
    reading.leftover_words = leftover;
    reading
}

/// Chinese wrappers a stretch may start with ("請問", "有", "我想看",
/// "給我看"), as folded (traditional) characters, longest first.
const CJK_LEADING: &[&str] = &[
    "給我看看",
    "我想要",
    "我想買",
    "我想看",
    "我想找",
    "我要買",
    "我要看",
    "我要找",
    "我在找",
    "給我看",
    "幫我找",
    "有沒有",
    "請問",
    "我想",
    "我要",
    "想要",
    "想買",
    "想看",
    "我找",
    "看看",
    "給我",
    "請",
    "有",
    "我",
    "找",
];

/// Chinese question particles and tags a stretch may end with ("…嗎",
/// "…呢", "…有嗎").
const CJK_TRAILING: &[&str] = &["有沒有", "有嗎", "嗎", "呢", "吧", "嘛", "啊", "呀", "啦"];

/// Words that begin or end with a wrapper's character but are one word
/// ("有機", "毛呢", "酒吧"): the character stays.
const CJK_WRAPPER_WORDS: &[&str] = &[
    "有機", "有線", "有氧", "有聲", "有色", "有限", "有效", "有益", "毛呢", "花呢", "酒吧", "網吧",
];

/// `text[start..end]`, a Chinese stretch, without the shopper's wrappers
/// at its ends ("請問有牛肉嗎" → "牛肉"): leading requests and "有", and
/// trailing question particles. A wrapper inside a vocabulary term
/// (`mentioned`) or inside a word of `CJK_WRAPPER_WORDS` stays. The result
/// may be empty.
fn without_cjk_wrappers(
    text: &str,
    start: usize,
    end: usize,
    mentioned: &[(usize, usize)],
) -> (usize, usize) {
    // Each character with its byte span, folded (simplified to traditional).
    let chars: Vec<(usize, usize, char)> = text[start..end]
        .char_indices()
        .map(|(off, c)| {
            let folded = fold(&c.to_string()).chars().next().unwrap_or(c);
            (start + off, start + off + c.len_utf8(), folded)
        })
        .collect();
    let folded =
        |from: usize, to: usize| -> String { chars[from..to].iter().map(|c| c.2).collect() };
    let (mut lo, mut hi) = (0usize, chars.len());
    loop {
        let before = (lo, hi);
        if let Some(n) = CJK_LEADING.iter().map(|w| w.chars().count()).find(|&n| {
            lo + n <= hi
                && CJK_LEADING.contains(&folded(lo, lo + n).as_str())
                && !overlaps(mentioned, chars[lo].0, chars[lo + n - 1].1)
                && !CJK_WRAPPER_WORDS
                    .iter()
                    .any(|w| folded(lo, hi).starts_with(w))
        }) {
            lo += n;
        }
        if let Some(n) = CJK_TRAILING.iter().map(|w| w.chars().count()).find(|&n| {
            lo + n <= hi
                && CJK_TRAILING.contains(&folded(hi - n, hi).as_str())
                && !overlaps(mentioned, chars[hi - n].0, chars[hi - 1].1)
                && !CJK_WRAPPER_WORDS
                    .iter()
                    .any(|w| folded(lo, hi).ends_with(w))
        }) {
            hi -= n;
        }
        if (lo, hi) == before {
            break;
        }
    }
    if lo >= hi {
        return (start, start);
    }
    (chars[lo].0, chars[hi - 1].1)
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

/// Words that scale the amount before them: "300 ribu", "2 juta", "50 k".
const MULTIPLIER_WORDS: &[(&str, f64)] = &[
    ("k", 1e3),
    ("rb", 1e3),
    ("ribu", 1e3),
    ("thousand", 1e3),
    ("duizend", 1e3),
    ("jt", 1e6),
    ("juta", 1e6),
];

/// An amount as shoppers write it, in major units: `30`, `19.95`, `12,50`,
/// `300.000` and `1,000` (thousands separators), `300k`, `50rb`, `rp300`.
fn amount_word(word: &str) -> Option<f64> {
    let word = word.strip_prefix("rp").unwrap_or(word);
    for (suffix, factor) in MULTIPLIER_WORDS {
        if let Some(head) = word.strip_suffix(suffix)
            && head.starts_with(|c: char| c.is_ascii_digit())
        {
            return amount_word(head).map(|v| v * factor);
        }
    }
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // `300.000`, `1,250,000`: groups of three after the first are
    // thousands, not decimals.
    let groups: Vec<&str> = word.split(['.', ',']).collect();
    let sep_count = word.matches(['.', ',']).count();
    let one_kind = !(word.contains('.') && word.contains(','));
    if sep_count >= 1
        && one_kind
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
    {
        return groups.concat().parse::<f64>().ok();
    }
    number(word)
}

/// The amount that starts at token `j`, with a multiplier word after it
/// ("300 ribu"), and the index of the last token it used.
fn amount_at(tokens: &[Token], j: usize) -> Option<(f64, usize)> {
    let value = amount_word(&tokens.get(j)?.text)?;
    if let Some(next) = tokens.get(j + 1)
        && let Some((_, factor)) = MULTIPLIER_WORDS.iter().find(|(w, _)| *w == next.text)
    {
        return Some((value * factor, j + 1));
    }
    Some((value, j))
}

/// Whether a bare amount at token `j` names a price by its form alone:
/// "300k", "50rb", "Rp300", or a multiplier word after it.
fn amount_has_unit(tokens: &[Token], j: usize, last: usize) -> bool {
    let word = tokens[j].text.as_str();
    last > j
        || word.starts_with("rp")
        || MULTIPLIER_WORDS
            .iter()
            .any(|(suffix, _)| word.len() > suffix.len() && word.ends_with(suffix))
}

/// Major units to `Money`. Every store currency (EUR, USD, IDR, TWD) is
/// kept in hundredths, as `Money::parse_decimal` and `Money::display` do.
fn major_to_money(value: f64) -> Option<Money> {
    let minor = (value * 100.0).round();
    (minor.is_finite() && (0.0..9.0e15).contains(&minor)).then(|| Money::from_minor(minor as i64))
}

fn read_prices(
    text: &str,
    tokens: &[Token],
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    // "under 20 euro", "onder de 20 euro", "di bawah Rp 300 ribu"...
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
            if let Some((value, last)) = amount_at(tokens, j)
                && let Some(money) = major_to_money(value)
            {
                let mut end = tokens[last].end;
                if let Some(next) = tokens.get(last + 1)
                    && CURRENCY_WORDS.contains(&next.text.as_str())
                {
                    end = next.end;
                }
                if is_max {
                    reading.price_max = Some(money);
                } else {
                    reading.price_min = Some(money);
                }
                consumed.push((tokens[i].start, end));
                i = last + 1;
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
        // A bare amount with a currency: "20 euro", "€20", "$30", "Rp 300
        // ribu", "300k" (symbols are not tokens, so look at the text before
        // the number).
        if let Some((value, last)) = amount_at(tokens, i) {
            let before = text[..tokens[i].start].trim_end();
            let symbol = ['€', '$'].into_iter().find(|c| before.ends_with(*c));
            let after_rp = i > 0 && tokens[i - 1].text == "rp" && tokens[i - 1].end >= before.len();
            let next_is_currency = tokens
                .get(last + 1)
                .is_some_and(|n| ["eur", "euro", "euros", "rupiah"].contains(&n.text.as_str()));
            // "30元", "500歐元", "200塊": the currency written after, in
            // Chinese (folded, so 欧 and 块 are 歐 and 塊).
            let cjk_unit = tokens.get(last + 1).filter(|n| n.cjk).and_then(|n| {
                ["元", "塊", "圓", "歐元", "美元", "台幣", "臺幣"]
                    .into_iter()
                    .find(|u| n.text.starts_with(u))
                    .map(|u| {
                        let chars = u.chars().count();
                        let len: usize = text[n.start..]
                            .chars()
                            .take(chars)
                            .map(char::len_utf8)
                            .sum();
                        n.start + len
                    })
            });
            let followed_by_marker = tokens.get(last + 1).is_some_and(|n| {
                n.cjk && ["以下", "以內", "以上"].iter().any(|m| n.text.contains(m))
            });
            if (symbol.is_some()
                || after_rp
                || next_is_currency
                || cjk_unit.is_some()
                || amount_has_unit(tokens, i, last))
                && !followed_by_marker
                && let Some(money) = major_to_money(value)
            {
                // Without a direction word, an amount is a ceiling.
                reading.price_max.get_or_insert(money);
                let end = if next_is_currency {
                    tokens[last + 1].end
                } else if let Some(end) = cjk_unit {
                    end
                } else {
                    tokens[last].end
                };
                let start = match symbol {
                    Some(c) => before.len() - c.len_utf8(),
                    None if after_rp => tokens[i - 1].start,
                    None => tokens[i].start,
                };
                consumed.push((start, end));
                i = last + 1;
                continue;
            }
        }
        i += 1;
    }
    read_chinese_prices(text, tokens, reading, consumed);
}

/// Chinese: "20歐元以下", "1000以下", "低於 NT$500", "不超過50", "50元以上",
/// "1萬以下".
fn read_chinese_prices(
    text: &str,
    tokens: &[Token],
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    // Longer markers first, so "不超過" is not also read as "超過".
    const MARKERS: &[(&str, bool, bool)] = &[
        ("不超過", true, true),
        ("以下", true, false),
        ("以內", true, false),
        ("以内", true, false),
        ("以上", false, false),
        ("低於", true, true),
        ("低于", true, true),
        ("少於", true, true),
        ("少于", true, true),
        ("不到", true, true),
        ("超過", false, true),
        ("高於", false, true),
        ("高于", false, true),
    ];
    const UNITS: &[char] = &[
        '元', '塊', '歐', '美', '臺', '台', '幣', '币', '圓', '$', '€',
    ];
    let folded: Vec<char> = fold(text).chars().collect();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for (marker, is_max, after) in MARKERS {
        let marker: Vec<char> = marker.chars().collect();
        let Some(pos) = (0..folded.len().saturating_sub(marker.len() - 1))
            .find(|&p| folded[p..p + marker.len()] == marker[..])
        else {
            continue;
        };
        let end = pos + marker.len();
        if overlaps(&taken, pos, end) {
            continue;
        }
        taken.push((pos, end));
        let is_multiplier = |c: char| matches!(c, '萬' | '万' | '千' | 'k');
        let (digits, factor): (String, f64) = if *after {
            let mut k = end;
            // Skip spaces and a currency: "低於 NT$500", "不超過€50".
            while k < folded.len()
                && (folded[k].is_whitespace()
                    || UNITS.contains(&folded[k])
                    || folded[k].is_ascii_alphabetic())
            {
                k += 1;
            }
            let digits: String = folded[k..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
                .collect();
            let rest = folded.get(k + digits.chars().count()).copied();
            (digits, multiplier(rest.filter(|c| is_multiplier(*c))))
        } else {
            let mut k = pos;
            while k > 0 && (folded[k - 1].is_whitespace() || UNITS.contains(&folded[k - 1])) {
                k -= 1;
            }
            let mut factor = 1.0;
            if k > 0 && is_multiplier(folded[k - 1]) {
                factor = multiplier(Some(folded[k - 1]));
                k -= 1;
            }
            let mut start = k;
            while start > 0
                && (folded[start - 1].is_ascii_digit() || matches!(folded[start - 1], '.' | ','))
            {
                start -= 1;
            }
            (folded[start..k].iter().collect(), factor)
        };
        let digits = digits.trim_end_matches(['.', ',']).to_string();
        if let Some(money) = amount_word(&digits).and_then(|v| major_to_money(v * factor)) {
            if *is_max {
                reading.price_max = Some(money);
            } else {
                reading.price_min = Some(money);
            }
            // Blank the amount so it is not read as a size or an order.
            for t in tokens
                .iter()
                .filter(|t| !t.cjk && t.text.contains(digits.as_str()))
            {
                consumed.push((t.start, t.end));
            }
        }
    }
}

fn multiplier(c: Option<char>) -> f64 {
    match c {
        Some('萬' | '万') => 1e4,
        Some('千' | 'k') => 1e3,
        _ => 1.0,
    }
}

/// Reads a size the turn names. With the store's sizes known, a size said
/// bare ("in M", "42", "xl") counts only if the store sells it, and every
/// size is given as the store spells it ("L" in a store of "Large" is
/// "Large"); one asked for with a size word ("size 15", "maat 42", "42號")
/// is kept even when the store lacks it, so the answer can say so.
/// A size the store writes as several words or numbers ("20-22", "6,5 Y",
/// "M/L"), said as the store writes it, is that size: read whole before
/// "20" alone is.
fn read_store_size_phrases(
    tokens: &[Token],
    store: &[String],
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    let mut best: Option<(usize, usize, &String)> = None;
    for value in store {
        let parts: Vec<String> = tokenize(value).into_iter().map(|t| t.text).collect();
        if parts.len() < 2 || best.is_some_and(|(_, n, _)| n >= parts.len()) {
            continue;
        }
        if let Some(at) = tokens
            .windows(parts.len())
            .position(|w| w.iter().zip(&parts).all(|(t, p)| t.text == *p))
        {
            best = Some((at, parts.len(), value));
        }
    }
    if let Some((at, n, value)) = best {
        let (start, end) = (tokens[at].start, tokens[at + n - 1].end);
        if !overlaps(consumed, start, end) {
            reading.size = Some(value.clone());
            consumed.push((start, end));
        }
    }
}

/// Reads a size said as a baby's or child's age, however the store writes
/// it: "3-6 months", "3-6 maanden", "3-6M" and "3-6 bulan" are the store's
/// "3-6 meses" (see [`crate::text::age_size_key`]). With the store's sizes
/// known, only a size the store sells counts.
fn read_age_sizes(
    text: &str,
    tokens: &[Token],
    store: Option<&[String]>,
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    if reading.size.is_some() {
        return;
    }
    // An age is at most three words: "3 - 6 months", "recién nacido".
    const AGE_WORDS: usize = 3;
    for i in 0..tokens.len() {
        for n in (1..=AGE_WORDS.min(tokens.len() - i)).rev() {
            let span = &tokens[i..i + n];
            if span[..n - 1].iter().any(|t| t.cjk) {
                continue;
            }
            let last = &span[n - 1];
            // Chinese writes the unit against what follows: "3-6個月的".
            let end = if last.cjk {
                let run = &text[last.start..last.end];
                match ["個月", "个月", "月"].iter().find(|m| run.starts_with(**m)) {
                    Some(m) if n > 1 => last.start + m.len(),
                    _ => continue,
                }
            } else {
                last.end
            };
            let start = span[0].start;
            if overlaps(consumed, start, end) {
                continue;
            }
            let Some(key) = crate::text::age_size_key(&text[start..end]) else {
                continue;
            };
            // The store's value as typed, else its other spelling of the age.
            let typed = option_key(&text[start..end]);
            let size = match store {
                Some(store) => store
                    .iter()
                    .find(|v| option_key(v) == typed)
                    .or_else(|| {
                        store
                            .iter()
                            .find(|v| crate::text::age_size_key(v).as_deref() == Some(key.as_str()))
                    })
                    .cloned(),
                None => Some(text[start..end].trim().to_string()),
            };
            if let Some(size) = size {
                reading.size = Some(size);
                consumed.push((start, end));
                return;
            }
        }
    }
}

fn read_sizes(
    text: &str,
    tokens: &[Token],
    sizes: &SizeRule<'_>,
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    let lexicon = sizes.lexicon;
    for (i, t) in tokens.iter().enumerate() {
        if overlaps(consumed, t.start, t.end) {
            continue;
        }
        // "size 9", "maat L", "ukuran 42", "size one size"
        if SIZE_WORDS.contains(&t.text.as_str())
            && let Some(next) = tokens.get(i + 1)
            && !next.cjk
        {
            let said = if let Some(v) = number(&next.text) {
                Some(size_number(v))
            } else if LETTER_SIZES.contains(&next.text.as_str()) {
                Some(next.text.to_ascii_uppercase())
            } else {
                lexicon
                    .lookup(&text[next.start..next.end])
                    .map(|idx| lexicon.concept(idx))
                    .filter(|c| c.kind == ConceptKind::Size)
                    .map(|c| c.id.clone())
                    // "size 7y", "talla Única", "size Regular": a value the
                    // store sells as a size, whatever its shape.
                    .or_else(|| sizes.store_value(&next.text))
            };
            if let Some(size) = said.and_then(|s| sizes.accept(&s, true)) {
                reading.size.get_or_insert(size);
                consumed.push((t.start, next.end));
                continue;
            }
            // The word alone ("which sizes?") is a cue, not a product word.
            consumed.push((t.start, t.end));
            continue;
        }
        if SIZE_WORDS.contains(&t.text.as_str()) {
            consumed.push((t.start, t.end));
            continue;
        }
        // "in M", "in L please": a letter size standing alone after "in".
        // Inside a name ("the Glide L Trail") a letter is not a size.
        // So is any other size the store sells ("in 5kg", "in 7y").
        if t.text == "in"
            && let Some(next) = tokens.get(i + 1)
            && stands_alone(text, tokens, i + 1, lexicon)
            && let Some(size) = if LETTER_SIZES.contains(&next.text.as_str()) {
                sizes.accept(&next.text.to_ascii_uppercase(), false)
            } else if next.text.chars().any(|c| c.is_ascii_digit()) {
                sizes.store_value(&next.text)
            } else {
                None
            }
        {
            reading.size.get_or_insert(size);
            consumed.push((t.start, next.end));
            continue;
        }
        // A letter size as the whole turn: "M?", "L".
        if tokens.len() == 1
            && LETTER_SIZES.contains(&t.text.as_str())
            && let Some(size) = sizes.accept(&t.text.to_ascii_uppercase(), false)
        {
            reading.size.get_or_insert(size);
            consumed.push((t.start, t.end));
            continue;
        }
        if ["xs", "xl", "xxl", "xxxl", "2xl", "3xl", "xxs"].contains(&t.text.as_str())
            && let Some(size) = sizes.accept(&t.text.to_ascii_uppercase(), false)
        {
            reading.size.get_or_insert(size);
            consumed.push((t.start, t.end));
            continue;
        }
        if t.cjk {
            continue;
        }
        // Chinese: "9號", "M號", "42碼" (the mark after), "尺寸M", "尺碼 42"
        // (the word before).
        let said = || {
            number(&t.text)
                .map(size_number)
                .or_else(|| {
                    LETTER_SIZES
                        .contains(&t.text.as_str())
                        .then(|| t.text.to_ascii_uppercase())
                })
                .or_else(|| sizes.store_value(&t.text))
        };
        if let Some(next) = tokens.get(i + 1)
            && next.cjk
            && let Some(mark) = ['號', '碼'].into_iter().find(|m| next.text.starts_with(*m))
            && let Some(size) = said().and_then(|s| sizes.accept(&s, true))
        {
            reading.size.get_or_insert(size);
            consumed.push((t.start, t.end));
            let mark_len = text[next.start..]
                .chars()
                .next()
                .map_or(mark.len_utf8(), char::len_utf8);
            consumed.push((next.start, next.start + mark_len));
            continue;
        }
        if i > 0
            && tokens[i - 1].cjk
            && let Some(word) = ["尺寸", "尺碼", "號碼", "大小"]
                .into_iter()
                .find(|w| tokens[i - 1].text.ends_with(*w))
            && let Some(size) = said().and_then(|s| sizes.accept(&s, true))
        {
            reading.size.get_or_insert(size);
            let before = &tokens[i - 1];
            let word_len: usize = text[before.start..before.end]
                .chars()
                .rev()
                .take(word.chars().count())
                .map(char::len_utf8)
                .sum();
            consumed.push((before.end - word_len, t.end));
            continue;
        }
    }
    // Chinese numerals before 號: 九號, 十號.
    if reading.size.is_none() {
        'numerals: for t in tokens.iter().filter(|t| t.cjk) {
            let chars: Vec<(usize, char)> = text[t.start..t.end].char_indices().collect();
            for (i, (off, c)) in chars.iter().enumerate() {
                let mark = crate::text::fold(&c.to_string());
                if (mark == "號" || mark == "碼") && i > 0 {
                    let mut j = i;
                    while j > 0 && crate::text::is_zh_numeral(chars[j - 1].1) {
                        j -= 1;
                    }
                    let digits: Vec<char> = chars[j..i].iter().map(|(_, c)| *c).collect();
                    if j < i
                        && let Some(v) = crate::text::zh_number(&digits)
                        && let Some(size) = sizes.accept(&v.to_string(), true)
                    {
                        reading.size = Some(size);
                        consumed.push((t.start + chars[j].0, t.start + off + c.len_utf8()));
                        break 'numerals;
                    }
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
            if (after_size_word || after_cjk || content == 1)
                && let Some(size) = sizes.accept(&size_number(v), false)
            {
                reading.size = Some(size);
                consumed.push((t.start, t.end));
                break;
            }
        }
    }
}

/// How sizes are read: against the store's own sizes when they are known.
pub struct SizeRule<'a> {
    lexicon: &'a Lexicon,
    /// The sizes the store sells, as its catalog spells them; `None` reads
    /// every size the words name.
    store: Option<&'a [String]>,
}

impl SizeRule<'_> {
    /// The size `said` as the store spells it. One the store does not sell
    /// is kept only when `asked` with a size word.
    fn accept(&self, said: &str, asked: bool) -> Option<String> {
        let Some(store) = self.store else {
            return Some(said.to_string());
        };
        store_spelling(said, self.lexicon, store).or_else(|| asked.then(|| said.to_string()))
    }

    /// The store's size written exactly as `said` (folded), when the store
    /// is known: "7y", "única", "regular".
    fn store_value(&self, said: &str) -> Option<String> {
        let key = option_key(said);
        self.store?.iter().find(|v| option_key(v) == key).cloned()
    }
}

/// The turn with colours joined by a hyphen ("zwart-wit", "black-white")
/// written apart, so each is read as a colour asked for together with the
/// others. A hyphenated word the vocabulary knows whole, or one with a part
/// that is not a colour ("t-shirt"), stays as it is.
pub fn split_joined_colours(text: &str, lexicon: &Lexicon) -> String {
    let is_colour = |word: &str| {
        lexicon
            .lookup(word)
            .is_some_and(|c| lexicon.concept(c).kind == ConceptKind::Color)
    };
    let mut out = text.to_string();
    for t in tokenize(text).iter().rev() {
        if t.cjk || !t.text.contains('-') || lexicon.lookup(&t.text).is_some() {
            continue;
        }
        let parts: Vec<&str> = t.text.split('-').collect();
        if parts.len() >= 2 && parts.iter().all(|p| is_colour(p)) {
            let apart = text[t.start..t.end].replace('-', " ");
            out.replace_range(t.start..t.end, &apart);
        }
    }
    out
}

/// The turn with a space put between a colour and a size typed as one word
/// against Chinese ("splash有blancoxs號嗎" is "blanco xs號"): a word that is
/// neither a size nor a colour of the store, touching a Chinese character,
/// made of one of the store's colours (or a vocabulary colour) followed by
/// one of the store's sizes.
pub fn split_glued_options(
    text: &str,
    lexicon: &Lexicon,
    colors: &[String],
    sizes: &[String],
) -> String {
    let colour_keys: Vec<String> = colors
        .iter()
        .map(|c| option_key(c))
        .filter(|k| !k.contains(' '))
        .collect();
    // Exactly a colour word: "negros" is not one, though the vocabulary
    // reads it as "negro" (and "negros號" is "negro s號").
    let is_colour = |word: &str| {
        colour_keys.iter().any(|k| k == word)
            || lexicon.concepts().iter().any(|c| {
                c.kind == ConceptKind::Color
                    && c.terms
                        .iter()
                        .any(|(_, ws)| ws.iter().any(|w| option_key(w) == word))
            })
    };
    let is_size = |word: &str| {
        let key = size_key(word);
        sizes
            .iter()
            .any(|v| option_key(v) == word || size_key(v) == key)
    };
    let mut cuts: Vec<usize> = Vec::new();
    for t in tokenize(text) {
        if t.cjk {
            continue;
        }
        let typed = &text[t.start..t.end];
        let touches_cjk = text[..t.start]
            .chars()
            .next_back()
            .is_some_and(crate::text::is_cjk)
            || text[t.end..]
                .chars()
                .next()
                .is_some_and(crate::text::is_cjk);
        let chars: Vec<(usize, char)> = typed.char_indices().collect();
        if !touches_cjk
            || fold(typed) != t.text
            || chars.len() != t.text.chars().count()
            || is_size(&t.text)
            || is_colour(&t.text)
        {
            continue;
        }
        // The longest colour that leaves a size.
        let cut = (3..chars.len()).rev().find(|&k| {
            let colour: String = t.text.chars().take(k).collect();
            let size: String = t.text.chars().skip(k).collect();
            size.chars().count() <= 4 && is_colour(&colour) && is_size(&size)
        });
        if let Some(k) = cut {
            cuts.push(t.start + chars[k].0);
        }
    }
    let mut out = text.to_string();
    for at in cuts.into_iter().rev() {
        out.insert(at, ' ');
    }
    out
}

/// The store's spelling of a size a shopper said: the same value (`9,5` is
/// `9.5`), the same letter size (`L` is `Large`), the same size in a size
/// system (`42` is `EU 42`), or the same vocabulary size (`groot` is `L`).
pub fn store_spelling(said: &str, lexicon: &Lexicon, store: &[String]) -> Option<String> {
    let key = option_key(said);
    if let Some(v) = store.iter().find(|v| option_key(v) == key) {
        return Some(v.clone());
    }
    let letter = size_key(said);
    if let Some(v) = store.iter().find(|v| size_key(v) == letter) {
        return Some(v.clone());
    }
    // "M" in a store whose sizes say "M - 130 cm - Ø pot 27 cm": the size
    // as said, which each product's own value starts with.
    if store
        .iter()
        .any(|v| crate::text::size_code(v).is_some_and(|code| size_key(&code) == letter))
    {
        return Some(said.to_string());
    }
    let without_system = |v: &str| {
        let k = option_key(v);
        ["eu", "us", "uk", "fr", "it", "de", "nl", "cn", "jp", "br"]
            .iter()
            .find_map(|s| k.strip_prefix(s).map(|rest| rest.trim().to_string()))
    };
    if let Some(v) = store
        .iter()
        .find(|v| without_system(v) == Some(key.clone()))
    {
        return Some(v.clone());
    }
    // The vocabulary size the words name, or whose words include the same
    // letter size ("L" for the size a Dutch store calls "Groot", which
    // also reads "large").
    let concept = lexicon
        .lookup(said)
        .filter(|c| lexicon.concept(*c).kind == ConceptKind::Size)
        .or_else(|| {
            lexicon.concepts().iter().position(|c| {
                c.kind == ConceptKind::Size
                    && c.terms
                        .iter()
                        .any(|(_, ws)| ws.iter().any(|w| size_key(w) == letter))
            })
        })?;
    let id = size_key(&lexicon.concept(concept).id);
    store
        .iter()
        .find(|v| size_key(v) == id || lexicon.lookup(v) == Some(concept))
        .cloned()
}

/// Whether the word at `j` ends a phrase: nothing follows, or punctuation,
/// a stop word, a Chinese run or a vocabulary word ("in M, black", "in L
/// please", "in M zwart") rather than more of a name ("in L Shape").
fn stands_alone(text: &str, tokens: &[Token], j: usize, lexicon: &Lexicon) -> bool {
    let Some(next) = tokens.get(j + 1) else {
        return true;
    };
    text[tokens[j].end..next.start]
        .chars()
        .any(|c| !c.is_whitespace())
        || next.cjk
        || crate::text::is_stopword(&next.text)
        || lexicon.lookup(&text[next.start..next.end]).is_some()
}

/// Words after which a bare number is a size: "in 9", "and 10", "een 42".
const SIZE_PRECEDERS: &[&str] = &[
    "in", "a", "an", "and", "or", "een", "en", "of", "op", "dan", "atau", "kalau", "yang", "the",
];

fn size_number(v: f64) -> String {
    format!("{v}")
}

/// Reads the places in a list the turn names ("the ninth", "de 12e", "yang
/// ke-12", "第十二個"), in order. A figure after a word that also says a
/// size ("nomor 12", "nr 12") is left to be read as a size too, and kept
/// as `numbered` for `with_list_place` to decide.
fn read_ordinal(
    text: &str,
    tokens: &[Token],
    reading: &mut Reading,
    consumed: &mut Vec<(usize, usize)>,
) {
    let to_index = |n: usize| if n == usize::MAX { n } else { n - 1 };
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if overlaps(consumed, t.start, t.end) {
            i += 1;
            continue;
        }
        if let Some((n, used)) = ordinal::at(text, tokens, i) {
            let last = &tokens[i + used - 1];
            reading.ordinals.push(to_index(n));
            consumed.push((t.start, last.end));
            i += used;
            continue;
        }
        if ordinal::NUMBER_OR_SIZE_WORDS.contains(&t.text.as_str())
            && reading.numbered.is_none()
            && let Some(n) = tokens
                .get(i + 1)
                .filter(|n| !n.cjk)
                .and_then(|n| ordinal::figure(&n.text))
        {
            reading.numbered = Some(n - 1);
        }
        i += 1;
    }
    // "第十二個", "第12個": the place, not search words.
    for (n, start, end) in ordinal::chinese(text) {
        reading.ordinals.push(to_index(n));
        consumed.push((start, end));
    }
    let folded = fold(text);
    if folded.contains("最後") {
        reading.ordinals.push(usize::MAX);
    }
    reading.ordinal = reading.ordinals.first().copied();
}

/// The turn's `numbered` figure ("nomor 12", "nr 12") as a place in the
/// list on screen rather than a size: when a list of `listed` products is
/// on screen (2 or more), the turn names no product, and the store sells
/// no size of that figure (`store_sizes`). A size the store sells stays a
/// size ("nomor 42" in a shoe store).
pub fn with_list_place(
    mut reading: Reading,
    listed: usize,
    lexicon: &Lexicon,
    store_sizes: &[String],
) -> Reading {
    let Some(place) = reading.numbered else {
        return reading;
    };
    let said = (place + 1).to_string();
    if listed < 2
        || reading.names_product()
        || store_spelling(&said, lexicon, store_sizes).is_some()
    {
        return reading;
    }
    if reading.size.as_deref() == Some(said.as_str()) {
        reading.size = None;
    }
    reading.ordinals.insert(0, place);
    reading.ordinal = Some(place);
    reading
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
        // An amount already read as a price ("under 1000 euro") is no order.
        if overlaps(consumed, t.start, t.end) {
            continue;
        }
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

#[cfg(test)]
mod tests;
