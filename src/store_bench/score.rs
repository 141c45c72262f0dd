//! Reading the kiosk's reply against the export: which facts the answer
//! states, about which product, and whether they hold.
//!
//! The answer is read with the phrasebook's own templates (each sentence's
//! literal text, its placeholders captured), so "Yes, {title} in {options}
//! is in stock" tells the bench the product and the claim without a second
//! set of patterns that could drift from the one the kiosk speaks with.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use kiosk_core::assistant::Reply;
use kiosk_core::assistant::phrasebook;
use kiosk_core::text::fold;
use kiosk_core::{Lang, Money};

use super::needs;
use super::questions::Expect;
use super::truth::{StoreTruth, TruthProduct, title_key};

/// What became of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The expected product, and the fact the export states.
    Right,
    /// The expected product, with a fact the export contradicts (or a list
    /// with products that do not fit).
    WrongFact,
    /// A stock or price fact stated about another product, without asking
    /// which one was meant.
    WrongProduct,
    /// A question back (which product, which size) or a list that holds the
    /// expected product: not wrong, not an answer.
    AskedWhich,
    /// No fact about the expected product, and none about another.
    Missed,
}

/// Phrasebook keys whose sentence says a product is for sale.
const STOCK_YES: &[&str] = &[
    "in_stock",
    "in_stock_none",
    "in_stock_untracked",
    "in_stock_untracked_none",
    "in_stock_low",
    "in_stock_low_none",
    "stock_overview",
    "stock_overview_none",
    "stock_overview_untracked",
    "stock_overview_untracked_none",
];
/// ...that it is not, in the asked-for size or colour or at all.
const STOCK_NO: &[&str] = &[
    "out_of_stock",
    "out_of_stock_none",
    "nothing_in_stock",
    "not_made_in",
    "not_made_in_none",
];
/// ...that it does not come in the asked-for size or colour: never true of
/// a variant the export has, and the bench only asks about those.
const NOT_MADE: &[&str] = &["not_made_in", "not_made_in_none"];
const PRICE: &[&str] = &["price_one", "price_range"];
/// ...that it has no price set (the export's price is zero).
const NO_PRICE: &[&str] = &["price_unavailable"];
/// Questions back to the shopper.
const ASK: &[&str] = &[
    "which_product",
    "which_product_none",
    "which_size",
    "ordinal_missing",
    "waitlist_pick_variant",
    "pickup_pick_variant",
];
/// The heads of product lists: the cards that follow are the list.
const LIST_IN_STOCK: &[&str] = &["found_in_stock", "found_in_stock_more"];
const LIST: &[&str] = &[
    "found",
    "found_more",
    "closest_instead",
    "closest_instead_none",
];

/// The placeholder names the phrasebook uses; a key with another one is
/// left out of the reading (and shows up as never matched).
const SLOTS: &[&str] = &[
    "title",
    "options",
    "qty",
    "price",
    "min",
    "max",
    "available",
    "list",
    "colour",
    "size",
    "constraint",
    "example",
    "n",
    "shown",
    "query",
    "what",
    "location",
    "bundle",
    "stock",
    "contact",
    "order",
    "status",
    "updated",
    "open",
    "close",
    "day",
    "steps",
    "as_of",
];

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Slot(String),
}

struct Template {
    key: &'static str,
    pieces: Vec<Piece>,
}

const OPEN: char = '\u{1}';
const CLOSE: char = '\u{2}';

fn template(lang: Lang, key: &'static str) -> Option<Template> {
    let markers: Vec<(String, String)> = SLOTS
        .iter()
        .map(|s| (s.to_string(), format!("{OPEN}{s}{CLOSE}")))
        .collect();
    let args: Vec<(&str, &str)> = markers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let rendered = phrasebook::render(lang, key, &args).ok()?;
    let mut pieces = Vec::new();
    let mut rest = rendered.as_str();
    while let Some(open) = rest.find(OPEN) {
        if open > 0 {
            pieces.push(Piece::Text(rest[..open].to_string()));
        }
        let after = &rest[open + OPEN.len_utf8()..];
        let close = after.find(CLOSE)?;
        pieces.push(Piece::Slot(after[..close].to_string()));
        rest = &after[close + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    Some(Template { key, pieces })
}

fn templates(lang: Lang) -> &'static [Template] {
    static TABLES: OnceLock<[Vec<Template>; 4]> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        Lang::ALL.map(|lang| {
            let known = phrasebook::keys();
            [
                STOCK_YES,
                STOCK_NO,
                PRICE,
                NO_PRICE,
                ASK,
                LIST_IN_STOCK,
                LIST,
            ]
            .concat()
            .into_iter()
            .filter(|k| known.contains(k))
            .filter_map(|k| template(lang, k))
            .collect()
        })
    });
    &tables[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)]
}

/// One sentence of the answer, read: its phrasebook key and the ways its
/// placeholders can be filled ("Made in Italy bag in size M" reads two
/// ways against "{title} in {options}").
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub key: &'static str,
    pub readings: Vec<BTreeMap<String, String>>,
}

impl Statement {
    /// The reading whose title names the product, if one does.
    pub fn about(&self, title: &str) -> Option<&BTreeMap<String, String>> {
        self.readings
            .iter()
            .find(|r| r.get("title").is_some_and(|t| names(t, title)))
    }
}

const MAX_READINGS: usize = 16;

/// Whether a sentence may end before `rest`: at the end of the answer,
/// before a space, or after full-width punctuation (Chinese sentences are
/// joined without spaces).
fn ends_sentence(rest: &str, before: &str) -> bool {
    rest.is_empty()
        || rest.starts_with(char::is_whitespace)
        || before.ends_with(['。', '！', '？', '：', '）', '」'])
}

/// Every way `pieces` match at the start of `text` and end a sentence
/// (placeholders never empty, never across lines).
fn match_at(
    pieces: &[Piece],
    text: &str,
    before: &str,
    slots: &mut BTreeMap<String, String>,
    out: &mut Vec<BTreeMap<String, String>>,
) {
    if out.len() >= MAX_READINGS {
        return;
    }
    match pieces.split_first() {
        None => {
            if ends_sentence(text, before) {
                out.push(slots.clone());
            }
        }
        Some((Piece::Text(t), rest)) => {
            if text.starts_with(t.as_str()) {
                match_at(rest, &text[t.len()..], t, slots, out);
            }
        }
        Some((Piece::Slot(name), rest)) => {
            let mut ends: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).collect();
            ends.push(text.len());
            for end in ends {
                let value = &text[..end];
                if value.contains('\n') {
                    break;
                }
                slots.insert(name.clone(), value.to_string());
                match_at(rest, &text[end..], value, slots, out);
                slots.remove(name);
            }
        }
    }
}

fn readings(pieces: &[Piece], text: &str) -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    match_at(pieces, text, "", &mut BTreeMap::new(), &mut out);
    out
}

fn literal_len(lang: Lang, key: &str) -> usize {
    templates(lang)
        .iter()
        .find(|t| t.key == key)
        .map_or(0, |t| {
            t.pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => t.chars().count(),
                    Piece::Slot(_) => 0,
                })
                .sum()
        })
}

/// Where sentences may start: the beginning, and after a sentence mark.
fn sentence_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if matches!(c, '.' | '!' | '?' | ':' | '。' | '！' | '？' | '：' | '\n') {
            while let Some(&(j, next)) = chars.peek() {
                if next == ' ' {
                    chars.next();
                } else {
                    starts.push(j);
                    break;
                }
            }
        }
    }
    starts.dedup();
    starts
}

/// The sentences of an answer that the phrasebook's templates account for,
/// in the order they appear.
pub fn statements(answer: &str, lang: Lang) -> Vec<Statement> {
    let mut found: Vec<(usize, Statement)> = Vec::new();
    for start in sentence_starts(answer) {
        for t in templates(lang) {
            let readings = readings(&t.pieces, &answer[start..]);
            if !readings.is_empty() {
                found.push((
                    start,
                    Statement {
                        key: t.key,
                        readings,
                    },
                ));
            }
        }
    }
    // At one place, the template with the most literal text first: "costs
    // {min} to {max}" before "costs {price}".
    found.sort_by_key(|(start, s)| (*start, std::cmp::Reverse(literal_len(lang, s.key))));
    found.into_iter().map(|(_, s)| s).collect()
}

/// Whether the answer shows an empty list or slot: "It comes in .",
/// "choose from: .", ", ,", "：。", "()".
pub fn empty_list(answer: &str, lang: Lang) -> bool {
    let text: String = answer.split_whitespace().collect::<Vec<_>>().join(" ");
    const MARKS: &[&str] = &[
        " .", " ,", ",,", ", ,", ",.", ":.", ": .", ": ,", "()", "( )", "：。", "：，", "，。",
        "、。", "（）", "「」", "“”", "„”", "：）", "（，",
    ];
    if MARKS.iter().any(|m| text.contains(m)) {
        return true;
    }
    // A list head with nothing after it, or counting nothing.
    for t in templates(lang) {
        if ![LIST_IN_STOCK, LIST].concat().contains(&t.key) {
            continue;
        }
        for start in sentence_starts(&text) {
            if readings(&t.pieces, &text[start..])
                .iter()
                .any(|r| r.get("n").is_some_and(|n| n.trim() == "0"))
            {
                return true;
            }
        }
    }
    false
}

/// The amount in a placeholder's text ("€ 29,00", "1770.00 RSD").
pub fn amount(text: &str) -> Option<Money> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let run: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let run = run.trim_end_matches(['.', ',']);
    // A whole-unit price ("Rp 150.000", "NT$ 1,200"): every separator
    // groups thousands (no price is said to three decimals).
    let grouped = run
        .rsplit(['.', ','])
        .next()
        .is_some_and(|last| last.len() == 3 && last.len() < run.len());
    if grouped {
        return Money::parse_decimal(&run.replace(['.', ','], ""));
    }
    Money::parse_decimal(run)
}

/// Whether a stated title names the product: the same title, or the title
/// with the variant in brackets after it ("Shirt (size M)").
fn names(stated: &str, expected: &str) -> bool {
    let want = title_key(expected);
    let got = title_key(stated);
    if got == want {
        return true;
    }
    for (open, _close) in [(" (", ')'), ("（", '）')] {
        if let Some(i) = stated.rfind(open)
            && title_key(&stated[..i]) == want
        {
            return true;
        }
    }
    false
}

fn is(key: &str, set: &[&str]) -> bool {
    set.contains(&key)
}

/// Scores the last reply of a case. `listed_first` is what the first turn
/// listed (for follow-ups on a list).
pub fn score(
    store: &StoreTruth,
    expect: &Expect,
    reply: &Reply,
    first_reply: Option<&Reply>,
) -> Outcome {
    let said = statements(&reply.answer, reply.language);
    match expect {
        Expect::Stock {
            product,
            in_stock,
            size,
            colour,
        } => score_stock(
            &store.products[*product],
            (size.as_deref(), colour.as_deref()),
            *in_stock,
            &said,
            reply,
        ),
        Expect::Price { product } => {
            let p = &store.products[*product];
            score_price(&p.title, &p.price_ranges(), &said, reply)
        }
        Expect::SecondListedPrice => {
            let Some(second) = first_reply.and_then(|r| r.products.get(1)) else {
                return Outcome::Missed;
            };
            let Some(index) = store.by_title(&second.title) else {
                return Outcome::Missed;
            };
            let p = &store.products[index];
            score_price(&p.title, &p.price_ranges(), &said, reply)
        }
        Expect::Browse { category } => score_list(store, category, None, reply),
        Expect::PriceLimit { category, limit } => score_list(store, category, Some(*limit), reply),
        Expect::OfKind { kinds } => score_kinds(store, kinds, &said, reply, false),
        Expect::Meets { kinds } => score_kinds(store, kinds, &said, reply, true),
    }
}

/// The heads that say the list is not a match but the closest the store
/// has ("Nothing matched “羊肉”, so here is the closest we have:").
const CLOSEST: &[&str] = &["closest_instead", "closest_instead_none"];

/// A kind of product or a need: the first three products shown, read
/// against the export. With `one_will_do`, right when any of them fits (an
/// open-ended need); else when most of them do, the first among them. A
/// list that does not fit, said to be only the closest the store has, is
/// no answer but states nothing false: missed, never right.
fn score_kinds(
    store: &StoreTruth,
    kinds: &[String],
    said: &[Statement],
    reply: &Reply,
    one_will_do: bool,
) -> Outcome {
    let shown: Vec<bool> = reply
        .products
        .iter()
        .take(3)
        .map(|p| {
            store
                .by_title(&p.title)
                .is_some_and(|i| needs::fits(&store.products[i], kinds))
        })
        .collect();
    if shown.is_empty() {
        return Outcome::Missed;
    }
    let fitting = shown.iter().filter(|f| **f).count();
    let right = if one_will_do {
        fitting >= 1
    } else {
        shown[0] && fitting * 2 > shown.len()
    };
    if !right && said.iter().any(|s| is(s.key, CLOSEST)) {
        return Outcome::Missed;
    }
    right_or_wrong(right)
}

/// Right when the fact stated is the truth, else a wrong fact.
fn right_or_wrong(right: bool) -> Outcome {
    if right {
        Outcome::Right
    } else {
        Outcome::WrongFact
    }
}

/// The outcome of a reply that states no fact about the expected product:
/// a wrong product when it states one about another product shown, a
/// question back when it asks or lists, else missed.
fn no_fact_stated(said: &[Statement], title: &str, reply: &Reply) -> Outcome {
    if fact_about_other(said, title, reply) {
        return Outcome::WrongProduct;
    }
    if asked_or_listed(said, title, reply) {
        return Outcome::AskedWhich;
    }
    Outcome::Missed
}

/// Whether a stock or price sentence is about a product the reply shows
/// that is not the expected one.
fn fact_about_other(said: &[Statement], title: &str, reply: &Reply) -> bool {
    let others: Vec<&str> = reply
        .products
        .iter()
        .map(|p| p.title.as_str())
        .filter(|t| !names(t, title))
        .collect();
    said.iter()
        .filter(|s| is(s.key, STOCK_YES) || is(s.key, STOCK_NO) || is(s.key, PRICE))
        .filter(|s| s.about(title).is_none())
        .any(|s| others.iter().any(|o| s.about(o).is_some()))
}

/// A question back, or a list of several products with the expected one
/// among them: the shopper is asked to choose.
fn asked_or_listed(said: &[Statement], title: &str, reply: &Reply) -> bool {
    let asks = said.iter().any(|s| is(s.key, ASK));
    let listed = said
        .iter()
        .any(|s| is(s.key, &["found", "found_more"]) || is(s.key, LIST_IN_STOCK))
        && reply.products.len() > 1
        && reply.products.iter().any(|p| names(&p.title, title));
    asks || listed
}

/// The words of an option text or a size: folded, "10,5" read as "10.5",
/// split at spaces, list marks and the 號 that ends a size in Chinese.
fn size_words(text: &str) -> Vec<String> {
    let chars: Vec<char> = fold(text).chars().collect();
    let mut joined = String::new();
    for (i, c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        joined.push(if *c == ',' && between_digits { '.' } else { *c });
    }
    joined
        .split(|c: char| {
            // "9號黑色": a size said in Chinese ends at 號.
            c.is_whitespace()
                || matches!(c, ',' | '，' | '、' | '(' | ')' | '（' | '）' | '號' | ';')
        })
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether the variant a sentence names ("size 2XL, black") is the asked
/// size; a sentence that names none passes.
fn same_size(slots: &BTreeMap<String, String>, size: Option<&str>) -> bool {
    let (Some(options), Some(size)) = (slots.get("options"), size) else {
        return true;
    };
    let (stated, asked) = (size_words(options), size_words(size));
    !asked.is_empty() && stated.windows(asked.len()).any(|w| w == asked.as_slice())
}

/// Whether the variant a sentence names is the asked colour: it names the
/// asked colour, or none of the product's other colours (a colour the
/// kiosk translated cannot be told apart, and passes).
fn same_colour(
    slots: &BTreeMap<String, String>,
    colour: Option<&str>,
    product: &TruthProduct,
) -> bool {
    let (Some(options), Some(colour)) = (slots.get("options"), colour) else {
        return true;
    };
    let stated = size_words(options);
    let names = |value: &str| {
        let words = size_words(value);
        !words.is_empty() && stated.windows(words.len()).any(|w| w == words.as_slice())
    };
    if names(colour) {
        return true;
    }
    !product
        .variants
        .iter()
        .filter_map(|v| v.colour.as_deref())
        .filter(|c| *c != colour)
        .any(names)
}

fn score_stock(
    product: &TruthProduct,
    (size, colour): (Option<&str>, Option<&str>),
    in_stock: bool,
    said: &[Statement],
    reply: &Reply,
) -> Outcome {
    let title = product.title.as_str();
    let about = said.iter().find_map(|s| {
        if is(s.key, STOCK_YES) || is(s.key, STOCK_NO) {
            s.about(title).map(|r| (s.key, r))
        } else {
            None
        }
    });
    if let Some((key, slots)) = about {
        let right = !is(key, NOT_MADE)
            && is(key, STOCK_YES) == in_stock
            && same_size(slots, size)
            && same_colour(slots, colour, product);
        return right_or_wrong(right);
    }
    // "In stock now (3):" with the product among the cards says it is.
    if said.iter().any(|s| is(s.key, LIST_IN_STOCK))
        && reply.products.iter().any(|p| names(&p.title, title))
    {
        return right_or_wrong(in_stock);
    }
    no_fact_stated(said, title, reply)
}

fn score_price(
    title: &str,
    ranges: &[(Money, Money)],
    said: &[Statement],
    reply: &Reply,
) -> Outcome {
    // "How much" answered with "X (€ 29.00) is in stock in: ..." or "Yes,
    // X is in stock, € 29.00" still states the price.
    let about = said
        .iter()
        .filter(|s| is(s.key, PRICE))
        .chain(said.iter().filter(|s| is(s.key, STOCK_YES)))
        .find_map(|s| {
            s.about(title)
                .filter(|r| is(s.key, PRICE) || r.get("price").and_then(|p| amount(p)).is_some())
                .map(|r| (s.key, r))
        });
    if ranges.is_empty() {
        // No price set: right only when the reply says so; any price
        // stated is wrong.
        if about.is_some() {
            return Outcome::WrongFact;
        }
        if said
            .iter()
            .any(|s| is(s.key, NO_PRICE) && s.about(title).is_some())
        {
            return Outcome::Right;
        }
    }
    if let Some((key, slots)) = about {
        let stated = match key {
            "price_range" => (
                slots.get("min").and_then(|m| amount(m)),
                slots.get("max").and_then(|m| amount(m)),
            ),
            _ => {
                let one = slots.get("price").and_then(|p| amount(p));
                (one, one)
            }
        };
        let right = ranges
            .iter()
            .any(|(min, max)| stated == (Some(*min), Some(*max)));
        return right_or_wrong(right);
    }
    no_fact_stated(said, title, reply)
}

/// A list answer: right when most of the products shown are of the
/// category (and all are within the limit); wrong when they are not.
fn score_list(store: &StoreTruth, category: &str, limit: Option<Money>, reply: &Reply) -> Outcome {
    if reply.products.is_empty() {
        return Outcome::Missed;
    }
    let want = title_key(category);
    let mut in_category = 0;
    let mut over_limit = 0;
    for p in &reply.products {
        let Some(index) = store.by_title(&p.title) else {
            continue;
        };
        let truth = &store.products[index];
        if truth.category.as_deref().map(title_key) == Some(want.clone()) {
            in_category += 1;
        }
        if limit.is_some_and(|l| truth.min_price() > l) {
            over_limit += 1;
        }
    }
    right_or_wrong(over_limit == 0 && in_category >= 1 && in_category * 2 >= reply.products.len())
}
