//! The questions the bench asks a store, generated from its export with a
//! seed, so a run is repeatable and every store gets the same kinds of
//! question: stock of a product in a size (and colour), its price, a
//! category, a category under a price, and follow-ups that lean on the
//! conversation. Products are named the way shoppers name them: by a short
//! run of words from the title that no other product's title shares.

use kiosk_core::text::{fold, is_stopword};
use kiosk_core::{Lang, Money};

use super::needs;
use super::truth::{StoreTruth, TruthProduct, title_key};

/// What a question is about; the report's categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Stock,
    Price,
    Browse,
    PriceLimit,
    FollowUp,
    /// A kind of product the store sells, named in the shopper's language
    /// (which need not be the catalog's): "hebben jullie rode wijn?".
    CrossLingual,
    /// An open-ended need: "something to put on the barbecue".
    Need,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Stock,
        Kind::Price,
        Kind::Browse,
        Kind::PriceLimit,
        Kind::FollowUp,
        Kind::CrossLingual,
        Kind::Need,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Stock => "stock",
            Kind::Price => "price",
            Kind::Browse => "browse",
            Kind::PriceLimit => "price_limit",
            Kind::FollowUp => "follow_up",
            Kind::CrossLingual => "cross_lingual",
            Kind::Need => "need",
        }
    }
}

/// What the last turn of a case should get as an answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Expect {
    /// The product (an index into the store's products) in that size and
    /// colour is, or is not, in stock.
    Stock {
        product: usize,
        size: Option<String>,
        colour: Option<String>,
        in_stock: bool,
    },
    /// The product's price: one amount, or the range over its variants.
    Price { product: usize },
    /// Products of the category.
    Browse { category: String },
    /// Products of the category at or under the limit.
    PriceLimit { category: String, limit: Money },
    /// The price of the second product the first turn listed.
    SecondListedPrice,
    /// Products of these kinds ([`super::needs::CONCEPTS`] keys): most of
    /// the first three shown.
    OfKind { kinds: Vec<String> },
    /// A product of these kinds among the first three shown.
    Meets { kinds: Vec<String> },
}

/// One scripted exchange: its turns, and what the last answer should say.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Case {
    pub kind: Kind,
    pub lang: Lang,
    pub turns: Vec<String>,
    pub expect: Expect,
}

/// How many questions of each kind, per language.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub per_kind: usize,
    pub seed: u64,
}

/// A small, stable generator (splitmix64), so the questions do not change
/// with a dependency's version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// `k` distinct items of `items`, in a seeded order.
    pub fn sample<T: Clone>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool: Vec<T> = items.to_vec();
        let mut out = Vec::new();
        while out.len() < k && !pool.is_empty() {
            let i = self.below(pool.len());
            out.push(pool.swap_remove(i));
        }
        out
    }
}

/// The words of a title as shown, with their folded forms.
fn title_words(title: &str) -> Vec<(String, String)> {
    title
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| {
                matches!(
                    c,
                    ',' | '(' | ')' | '[' | ']' | '|' | '"' | '“' | '”' | ':' | ';'
                )
            })
        })
        .filter(|w| !w.is_empty() && *w != "-" && *w != "/" && *w != "&")
        .map(|w| (w.to_string(), fold(w)))
        .collect()
}

/// Whether a folded word can carry a name on its own: not a stop word, not a
/// bare number, more than one letter.
fn telling(word: &str) -> bool {
    word.chars().count() > 1
        && !is_stopword(word)
        && !word
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
}

/// A short run of the product's title words that no other title contains
/// all of, lower-cased: "arsenal terrace", "twister original". Falls back to
/// the whole title when no shorter run tells it apart.
pub fn shopper_name(store: &StoreTruth, product: usize, rng: &mut Rng) -> String {
    let words = title_words(&store.products[product].title);
    let others: Vec<Vec<String>> = store
        .products
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != product)
        .map(|(_, p)| title_words(&p.title).into_iter().map(|(_, f)| f).collect())
        .collect();
    let unique = |window: &[(String, String)]| {
        !others
            .iter()
            .any(|o| window.iter().all(|(_, f)| o.contains(f)))
    };
    for len in [2usize, 3, 1, 4] {
        if len > words.len() {
            continue;
        }
        let candidates: Vec<&[(String, String)]> = words
            .windows(len)
            .filter(|w| {
                telling(&w[0].1)
                    && telling(&w[len - 1].1)
                    && (len > 1 || w[0].1.chars().count() >= 4)
                    && unique(w)
            })
            .collect();
        if !candidates.is_empty() {
            let pick = candidates[rng.below(candidates.len())];
            return pick
                .iter()
                .map(|(w, _)| w.to_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    store.products[product].title.to_lowercase()
}

/// A size as a shopper says it: "S" for "S - Ø 30 cm - hauteur 28 cm",
/// when that is still one of the product's sizes alone.
pub fn spoken_size(product: &TruthProduct, size: &str) -> String {
    let words: Vec<&str> = size.split_whitespace().collect();
    if words.len() <= 3 {
        return size.to_string();
    }
    let short = size
        .split(|c: char| c == '-' || c.is_whitespace())
        .find(|s| !s.is_empty())
        .unwrap_or(size)
        .to_string();
    let clashes = product
        .variants
        .iter()
        .filter_map(|v| v.size.as_deref())
        .filter(|s| *s != size)
        .any(|s| {
            s.split(|c: char| c == '-' || c.is_whitespace())
                .find(|p| !p.is_empty())
                .is_some_and(|p| p.eq_ignore_ascii_case(&short))
        });
    if clashes { size.to_string() } else { short }
}

fn stock_phrasings(
    lang: Lang,
    name: &str,
    size: Option<&str>,
    colour: Option<&str>,
) -> Vec<String> {
    match (lang, size, colour) {
        (Lang::En, Some(s), Some(c)) => vec![
            format!("do you have the {name} in {c} in size {s}?"),
            format!("is the {name} in {c} available in {s}?"),
            format!("{name} {c} size {s} in stock?"),
        ],
        (Lang::En, Some(s), None) => vec![
            format!("do you have the {name} in size {s}?"),
            format!("is the {name} available in {s}?"),
            format!("{name} size {s} in stock?"),
        ],
        (Lang::En, None, Some(c)) => vec![
            format!("do you have the {name} in {c}?"),
            format!("is the {name} in {c} in stock?"),
        ],
        (Lang::En, None, None) => vec![
            format!("do you have the {name}?"),
            format!("is the {name} in stock?"),
        ],
        (Lang::Nl, Some(s), Some(c)) => vec![
            format!("heb je de {name} in {c} in maat {s}?"),
            format!("is de {name} in {c} maat {s} op voorraad?"),
            format!("hebben jullie {name} {c} maat {s}?"),
        ],
        (Lang::Nl, Some(s), None) => vec![
            format!("heb je de {name} in maat {s}?"),
            format!("is de {name} in maat {s} op voorraad?"),
            format!("hebben jullie {name} maat {s}?"),
        ],
        (Lang::Nl, None, Some(c)) => vec![
            format!("heb je de {name} in {c}?"),
            format!("is de {name} in {c} op voorraad?"),
        ],
        (Lang::Nl, None, None) => vec![
            format!("hebben jullie de {name}?"),
            format!("is de {name} op voorraad?"),
        ],
        (Lang::Id, Some(s), Some(c)) => vec![
            format!("ada {name} warna {c} ukuran {s}?"),
            format!("apakah {name} {c} ukuran {s} masih ada?"),
            format!("{name} {c} ukuran {s} ada stok?"),
        ],
        (Lang::Id, Some(s), None) => vec![
            format!("ada {name} ukuran {s}?"),
            format!("apakah {name} ukuran {s} masih ada?"),
            format!("{name} ukuran {s} ada stok?"),
        ],
        (Lang::Id, None, Some(c)) => vec![
            format!("ada {name} warna {c}?"),
            format!("{name} warna {c} masih ada?"),
        ],
        (Lang::Id, None, None) => vec![format!("ada {name}?"), format!("{name} masih ada stok?")],
        (Lang::Zh, Some(s), Some(c)) => vec![
            format!("{name}有{c}{s}號嗎?"),
            format!("{name} {c} {s}號還有貨嗎?"),
            format!("請問{name}有沒有{c}的{s}號?"),
        ],
        (Lang::Zh, Some(s), None) => vec![
            format!("{name}有{s}號嗎?"),
            format!("{name} {s}號還有貨嗎?"),
            format!("請問{name}有沒有{s}號?"),
        ],
        (Lang::Zh, None, Some(c)) => {
            vec![format!("{name}有{c}嗎?"), format!("{name} {c}還有貨嗎?")]
        }
        (Lang::Zh, None, None) => vec![format!("有{name}嗎?"), format!("{name}還有貨嗎?")],
    }
}

fn price_phrasings(lang: Lang, name: &str) -> Vec<String> {
    match lang {
        Lang::En => vec![
            format!("how much is the {name}?"),
            format!("what does the {name} cost?"),
            format!("price of the {name}?"),
        ],
        Lang::Nl => vec![
            format!("wat kost de {name}?"),
            format!("hoeveel kost de {name}?"),
            format!("wat is de prijs van de {name}?"),
        ],
        Lang::Id => vec![
            format!("berapa harga {name}?"),
            format!("{name} harganya berapa?"),
            format!("harga {name} berapa?"),
        ],
        Lang::Zh => vec![
            format!("{name}多少錢?"),
            format!("{name}的價格是多少?"),
            format!("請問{name}賣多少?"),
        ],
    }
}

fn browse_phrasings(lang: Lang, category: &str) -> Vec<String> {
    match lang {
        Lang::En => vec![
            format!("do you have {category}?"),
            format!("show me {category}"),
        ],
        Lang::Nl => vec![
            format!("hebben jullie {category}?"),
            format!("laat me {category} zien"),
        ],
        Lang::Id => vec![format!("ada {category}?"), format!("lihat {category}")],
        Lang::Zh => vec![format!("有{category}嗎?"), format!("我想看{category}")],
    }
}

fn limit_phrasings(lang: Lang, category: &str, amount: &str) -> Vec<String> {
    match lang {
        Lang::En => vec![
            format!("{category} under {amount}"),
            format!("any {category} below {amount}?"),
        ],
        Lang::Nl => vec![
            format!("{category} onder de {amount}"),
            format!("hebben jullie {category} onder {amount}?"),
        ],
        Lang::Id => vec![
            format!("{category} di bawah {amount}"),
            format!("ada {category} di bawah {amount}?"),
        ],
        Lang::Zh => vec![
            format!("{amount}以下的{category}"),
            format!("有{amount}以下的{category}嗎?"),
        ],
    }
}

fn second_one(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "the second one",
        Lang::Nl => "de tweede",
        Lang::Id => "yang kedua",
        Lang::Zh => "第二個",
    }
}

fn how_much_is_it(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "how much is it?",
        Lang::Nl => "wat kost die?",
        Lang::Id => "berapa harganya?",
        Lang::Zh => "多少錢?",
    }
}

fn and_in_size(lang: Lang, size: &str) -> String {
    match lang {
        Lang::En => format!("and in size {size}?"),
        Lang::Nl => format!("en in maat {size}?"),
        Lang::Id => format!("kalau ukuran {size}?"),
        Lang::Zh => format!("那{size}號呢?"),
    }
}

/// A stock question the export settles: a product, a size and colour it
/// comes in (or none), and the answer.
#[derive(Debug, Clone)]
struct StockFact {
    product: usize,
    size: Option<String>,
    colour: Option<String>,
    in_stock: bool,
}

fn stock_facts(store: &StoreTruth) -> Vec<StockFact> {
    let mut facts = Vec::new();
    for (i, p) in store.products.iter().enumerate() {
        let mut seen: Vec<(Option<String>, Option<String>)> = Vec::new();
        for v in &p.variants {
            let key = (v.size.clone(), v.colour.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            // Without a size or colour, the question is about the product.
            if key.0.is_none() && key.1.is_none() {
                if let Some(in_stock) = p.stock_of(None, None) {
                    facts.push(StockFact {
                        product: i,
                        size: None,
                        colour: None,
                        in_stock,
                    });
                }
                break;
            }
            if let Some(in_stock) = p.stock_of(key.0.as_deref(), key.1.as_deref()) {
                facts.push(StockFact {
                    product: i,
                    size: key.0,
                    colour: key.1,
                    in_stock,
                });
            }
        }
    }
    facts
}

/// Categories with at least two products, and their products.
fn categories(store: &StoreTruth) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, p) in store.products.iter().enumerate() {
        let Some(c) = &p.category else { continue };
        match out
            .iter_mut()
            .find(|(name, _)| title_key(name) == title_key(c))
        {
            Some((_, members)) => members.push(i),
            None => out.push((c.clone(), vec![i])),
        }
    }
    out.retain(|(_, members)| members.len() >= 2);
    out
}

/// Every case for one store: `plan.per_kind` of each kind per language
/// where the export has the material for it.
pub fn generate(store: &StoreTruth, plan: Plan) -> Vec<Case> {
    let mut rng = Rng::new(plan.seed ^ fnv(&store.name));
    let names: Vec<String> = (0..store.products.len())
        .map(|i| shopper_name(store, i, &mut rng))
        .collect();
    let facts = stock_facts(store);
    let (out_of_stock, in_stock): (Vec<StockFact>, Vec<StockFact>) =
        facts.into_iter().partition(|f| !f.in_stock);
    let categories = categories(store);
    let mut cases = Vec::new();
    for lang in Lang::ALL {
        // Stock: as many out-of-stock as in-stock questions where the
        // export allows, so a kiosk that always says yes scores half.
        let n_out = out_of_stock.len().min(plan.per_kind / 2);
        let mut picked = rng.sample(&out_of_stock, n_out);
        picked.extend(rng.sample(&in_stock, plan.per_kind - n_out));
        for (k, f) in picked.into_iter().enumerate() {
            let product = &store.products[f.product];
            let size = f.size.as_deref().map(|s| spoken_size(product, s));
            let phrasings = stock_phrasings(
                lang,
                &names[f.product],
                size.as_deref(),
                f.colour.as_deref(),
            );
            cases.push(Case {
                kind: Kind::Stock,
                lang,
                turns: vec![phrasings[k % phrasings.len()].clone()],
                expect: Expect::Stock {
                    product: f.product,
                    size: f.size,
                    colour: f.colour,
                    in_stock: f.in_stock,
                },
            });
        }
        // Price.
        let all: Vec<usize> = (0..store.products.len()).collect();
        for (k, p) in rng.sample(&all, plan.per_kind).into_iter().enumerate() {
            let phrasings = price_phrasings(lang, &names[p]);
            cases.push(Case {
                kind: Kind::Price,
                lang,
                turns: vec![phrasings[k % phrasings.len()].clone()],
                expect: Expect::Price { product: p },
            });
        }
        // Browsing a category, and a category under a price.
        for (k, (category, members)) in rng
            .sample(&categories, plan.per_kind)
            .into_iter()
            .enumerate()
        {
            let spoken = category.to_lowercase();
            let phrasings = browse_phrasings(lang, &spoken);
            cases.push(Case {
                kind: Kind::Browse,
                lang,
                turns: vec![phrasings[k % phrasings.len()].clone()],
                expect: Expect::Browse {
                    category: category.clone(),
                },
            });
            // A limit some of the category's products are under and some
            // over: the median price, in whole units.
            let mut prices: Vec<Money> = members
                .iter()
                .map(|&i| store.products[i].min_price())
                .collect();
            prices.sort();
            let median = prices[prices.len() / 2];
            let limit = Money::from_minor((median.minor + 99) / 100 * 100);
            let amount = (limit.minor / 100).to_string();
            let phrasings = limit_phrasings(lang, &spoken, &amount);
            cases.push(Case {
                kind: Kind::PriceLimit,
                lang,
                turns: vec![phrasings[k % phrasings.len()].clone()],
                expect: Expect::PriceLimit { category, limit },
            });
        }
        // Follow-ups: a list, "the second one", "how much is it?"; and a
        // product, then "and in size L?".
        let n_list = plan.per_kind / 2;
        for (category, _) in rng.sample(&categories, n_list) {
            let spoken = category.to_lowercase();
            cases.push(Case {
                kind: Kind::FollowUp,
                lang,
                turns: vec![
                    browse_phrasings(lang, &spoken)[0].clone(),
                    second_one(lang).to_string(),
                    how_much_is_it(lang).to_string(),
                ],
                expect: Expect::SecondListedPrice,
            });
        }
        let sized: Vec<StockFact> = out_of_stock
            .iter()
            .chain(in_stock.iter())
            .filter(|f| f.size.is_some() && f.colour.is_none())
            .cloned()
            .collect();
        for f in rng.sample(&sized, plan.per_kind - n_list) {
            let product = &store.products[f.product];
            let size = spoken_size(product, f.size.as_deref().unwrap_or_default());
            cases.push(Case {
                kind: Kind::FollowUp,
                lang,
                turns: vec![
                    stock_phrasings(lang, &names[f.product], None, None)[0].clone(),
                    and_in_size(lang, &size),
                ],
                expect: Expect::Stock {
                    product: f.product,
                    size: f.size.clone(),
                    colour: None,
                    in_stock: f.in_stock,
                },
            });
        }
    }
    // Kinds of product named in the shopper's language, and open-ended
    // needs, from what this store sells. Their own generator, so adding
    // them leaves the other questions as they were.
    let mut rng = Rng::new(plan.seed ^ fnv(&store.name) ^ 0x6b69_6e64);
    let concepts = needs::store_concepts(store);
    let store_needs = needs::store_needs(store);
    for lang in Lang::ALL {
        for (k, concept) in rng.sample(&concepts, plan.per_kind).into_iter().enumerate() {
            let phrasings = browse_phrasings(lang, concept.name(lang));
            cases.push(Case {
                kind: Kind::CrossLingual,
                lang,
                turns: vec![phrasings[k % phrasings.len()].clone()],
                expect: Expect::OfKind {
                    kinds: vec![concept.key.to_string()],
                },
            });
        }
        for (need, kinds) in rng.sample(&store_needs, plan.per_kind) {
            cases.push(Case {
                kind: Kind::Need,
                lang,
                turns: vec![need.say(lang).to_string()],
                expect: Expect::Meets { kinds },
            });
        }
    }
    cases
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
