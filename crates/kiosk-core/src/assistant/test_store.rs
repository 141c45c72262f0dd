//! A small in-memory store for the engine's unit tests: products as plain
//! records, a word-matching `ProductSearch` over titles, categories and
//! tags, and a lexicon of a few concepts. The real index and snapshot
//! (Tantivy, SQLite) are exercised by the root package's tests
//! (`tests/assistant/resolution.rs` and the dialogue sets); this store only
//! lets each stage of a reply be tested on its own, in RAM.

use std::collections::BTreeMap;

use crate::assistant::{Assistant, AssistantConfig, Clock, Reply, Session, TurnInput};
use crate::text::{fold, option_key, tokenize};
use crate::traits::BackendError;
use crate::{
    Concept, ConceptKind, FaqEntry, Filters, Lang, Lexicon, Location, Money, OrderStatus, Product,
    ProductHit, ProductRecord, ProductSearch, SearchRequest, SnapshotInfo, StockLookup, StoreInfo,
    Variant,
};

pub(super) struct TestStore {
    pub(super) records: Vec<ProductRecord>,
    lexicon: Lexicon,
    info: StoreInfo,
    snapshot: SnapshotInfo,
    categories: Vec<(String, u64)>,
    brands: Vec<String>,
    /// Every size a variant has, as the records spell them.
    sizes: Vec<String>,
    /// Stand-ins for product vectors: how close in meaning two products
    /// are (either order); a pair not listed has no vector.
    closeness: Vec<(String, String, f32)>,
    /// Stand-ins for store-word translation: a word the store does not
    /// hold, searched as the store word given, its products marked as
    /// found through it.
    translations: Vec<(String, String)>,
}

pub(super) use crate::lexicon::concept;

/// The demo store vocabulary's rows for waterproof and leather.
pub(super) fn outdoor_concepts() -> Vec<Concept> {
    vec![
        concept(
            "waterproof",
            ConceptKind::Attribute,
            &[
                (
                    Lang::En,
                    &["waterproof", "water-resistant", "water resistant"],
                ),
                (Lang::Nl, &["waterdicht", "waterdichte", "waterafstotend"]),
                (Lang::Id, &["tahan air", "anti air", "kedap air"]),
                (Lang::Zh, &["防水", "防潑水"]),
            ],
        ),
        concept(
            "leather",
            ConceptKind::Material,
            &[
                (Lang::En, &["leather", "suede", "nubuck"]),
                (Lang::Nl, &["leer", "leren", "leder"]),
                (Lang::Id, &["kulit", "kulit asli"]),
                (Lang::Zh, &["皮革", "真皮"]),
            ],
        ),
    ]
}

/// A product with one variant per `(size, colour, quantity)`.
pub(super) fn product(
    id: &str,
    title: &str,
    category: &str,
    price: &str,
    variants: &[(&str, Option<&str>, i64)],
) -> ProductRecord {
    let price = Money::parse_decimal(price).expect("a test price");
    ProductRecord {
        product: Product {
            id: id.to_string(),
            title: title.to_string(),
            brand: Some("Stadium".to_string()),
            category: Some(category.to_string()),
            description: String::new(),
            tags: Vec::new(),
            price,
            currency: "EUR".to_string(),
            location_id: Some("A1".to_string()),
            image: None,
        },
        variants: variants
            .iter()
            .map(|(size, colour, qty)| {
                let mut options = BTreeMap::from([("Size".to_string(), size.to_string())]);
                if let Some(c) = colour {
                    options.insert("Color".to_string(), c.to_string());
                }
                Variant {
                    sku: format!("{id}-{}-{}", size, colour.unwrap_or("")),
                    product_id: id.to_string(),
                    options,
                    price,
                    quantity: Some(*qty),
                    in_stock: *qty > 0,
                    barcode: None,
                }
            })
            .collect(),
        location: Some(Location {
            id: "A1".to_string(),
            zone: "Football".to_string(),
            aisle: Some("1".to_string()),
            shelf: None,
            description: None,
        }),
        goes_with: Vec::new(),
        bundles: Vec::new(),
    }
}

/// A football-shirt shop: Home/Away/Third, two seasons, Player Version
/// and Kids, a jacket whose title says black, and a training top that comes
/// in black and red.
pub(super) fn football_shop() -> TestStore {
    let shirt = |id, title, price, m: i64, l: i64| {
        product(
            id,
            title,
            "Football Shirts",
            price,
            &[("M", None, m), ("L", None, l)],
        )
    };
    TestStore::new(vec![
        shirt("arsenal-home", "Arsenal Home Jersey 2025-26", "89.95", 6, 3),
        shirt(
            "arsenal-away",
            "Arsenal Away Full Sleeves Jersey 2025-26",
            "94.95",
            5,
            1,
        ),
        shirt(
            "arsenal-third",
            "Arsenal Third Jersey 2025-26",
            "89.95",
            0,
            2,
        ),
        shirt(
            "bayern-home-24",
            "Bayern Munich Home Jersey 2024-25",
            "59.95",
            0,
            0,
        ),
        shirt(
            "bayern-home-25",
            "Bayern Munich Home Jersey 2025-26",
            "89.95",
            40,
            96,
        ),
        shirt(
            "bayern-away-25",
            "Bayern Munich Away Jersey 2025-26",
            "89.95",
            8,
            7,
        ),
        shirt(
            "madrid-home",
            "Real Madrid Home Jersey 2025-26",
            "89.95",
            5,
            5,
        ),
        shirt(
            "madrid-player",
            "Real Madrid Home Jersey 2025-26 Player Version",
            "139.95",
            0,
            2,
        ),
        shirt(
            "madrid-kids",
            "Real Madrid Home Jersey 2025-26 Kids",
            "64.95",
            3,
            0,
        ),
        product(
            "united-varsity",
            "Manchester United Black Varsity Jacket 2025-26",
            "Jackets",
            "119.95",
            &[("M", None, 2), ("XL", None, 3)],
        ),
        product(
            "united-training",
            "Manchester United Training Jacket 2025-26",
            "Jackets",
            "79.95",
            &[("M", None, 2), ("XL", None, 3)],
        ),
        product(
            "training-top",
            "Club Training Top",
            "Training",
            "39.95",
            &[("M", Some("Black"), 0), ("M", Some("Red"), 4)],
        ),
    ])
}

/// A variant's options (name, value), price and quantity.
pub(super) type OptionsVariant<'a> = (&'a [(&'a str, &'a str)], &'a str, i64);

/// A product whose variants carry any options, one per
/// `(options, price, quantity)`: colours made of several colours, a weight
/// or a volume, a price of zero where the export set none.
pub(super) fn product_with_options(
    id: &str,
    title: &str,
    category: &str,
    variants: &[OptionsVariant<'_>],
) -> ProductRecord {
    let variants: Vec<Variant> = variants
        .iter()
        .enumerate()
        .map(|(i, (options, price, qty))| Variant {
            sku: format!("{id}-{i}"),
            product_id: id.to_string(),
            options: options
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            price: Money::parse_decimal(price).expect("a test price"),
            quantity: Some(*qty),
            in_stock: *qty > 0,
            barcode: None,
        })
        .collect();
    let mut record = product(id, title, category, "0", &[]);
    record.product.price = variants
        .iter()
        .map(|v| v.price)
        .filter(|p| p.minor > 0)
        .min()
        .unwrap_or(Money::from_minor(0));
    record.variants = variants;
    record
}

/// A tackle shop: colours written as several colours ("Pink & Black",
/// "Purple & White"), a weight option, a variant with no price set (0.00),
/// a product with no options at all, and a volume option.
pub(super) fn tackle_shop() -> TestStore {
    let c = |colour: &'static str| -> Vec<(&'static str, &'static str)> { vec![("Color", colour)] };
    let popper: Vec<Vec<(&str, &str)>> = ["Pink & Black", "Pink Snake", "Yellow & Green", "Black"]
        .into_iter()
        .map(c)
        .collect();
    let crawler: Vec<Vec<(&str, &str)>> = ["Black", "Black & White", "White"]
        .into_iter()
        .map(c)
        .collect();
    let weights = ["1/4 oz", "1/2 oz", "1 1/4 oz"];
    let mut spinner: Vec<Vec<(&str, &str)>> = Vec::new();
    for colour in ["Pink", "Purple & White"] {
        for weight in weights {
            spinner.push(vec![("Color", colour), ("Weight", weight)]);
        }
    }
    let store = TestStore::new(vec![
        product_with_options(
            "toad-popper",
            "Toad Popper",
            "Lures",
            &[
                (&popper[0], "9.99", 4),
                (&popper[1], "9.99", 0),
                (&popper[2], "9.99", 3),
                (&popper[3], "9.99", 2),
            ],
        ),
        product_with_options(
            "night-crawler",
            "Night Crawler",
            "Lures",
            &[
                (&crawler[0], "9.99", 5),
                (&crawler[1], "0.00", 7),
                (&crawler[2], "9.99", 0),
            ],
        ),
        product_with_options(
            "flash-spinner",
            "Flash Spinner",
            "Lures",
            &[
                (&spinner[0], "7.50", 3),
                (&spinner[1], "7.50", 4),
                (&spinner[2], "7.50", 6),
                (&spinner[3], "12.99", 0),
                (&spinner[4], "12.99", 2),
                (&spinner[5], "12.99", 1),
            ],
        ),
        product_with_options(
            "olive-oil",
            "Olive Oil Extra Virgin",
            "Pantry",
            &[
                (&[("Volume", "250 ml")], "6.50", 4),
                (&[("Volume", "750 ml")], "14.00", 0),
            ],
        ),
        product_with_options("plain-float", "Plain Float", "Lures", &[(&[], "2.00", 0)]),
        product_with_options("bare-hook", "Bare Hook", "Lures", &[(&[], "0.00", 9)]),
    ]);
    let colour = |id: &str,
                  en: &'static [&'static str],
                  nl: &'static [&'static str],
                  id_: &'static [&'static str],
                  zh: &'static [&'static str]| {
        concept(
            id,
            ConceptKind::Color,
            &[
                (Lang::En, en),
                (Lang::Nl, nl),
                (Lang::Id, id_),
                (Lang::Zh, zh),
            ],
        )
    };
    store.with_concepts(vec![
        colour(
            "white",
            &["white"],
            &["wit", "witte"],
            &["putih"],
            &["白色", "白"],
        ),
        colour(
            "pink",
            &["pink"],
            &["roze"],
            &["merah muda", "pink"],
            &["粉紅色", "粉紅"],
        ),
        colour(
            "purple",
            &["purple"],
            &["paars", "paarse"],
            &["ungu"],
            &["紫色", "紫"],
        ),
        colour(
            "yellow",
            &["yellow"],
            &["geel", "gele"],
            &["kuning"],
            &["黃色", "黃"],
        ),
        colour(
            "green",
            &["green"],
            &["groen", "groene"],
            &["hijau"],
            &["綠色", "綠"],
        ),
    ])
}

/// A wine shop that sells tees too, its texts in the store's own
/// languages: a category whose name holds a colour word of the kiosk's
/// vocabulary ("Roze vino": "roze" is Dutch for pink), products whose only
/// options are facts of the product (winery, region, country), and a
/// category named in Spanish ("Camisetas de manga corta") beside a
/// category whose titles share its words ("Camisetas sin manga").
pub(super) fn wine_shop() -> TestStore {
    let wine = |id: &str, title: &str, category: &str, winery: &str, price: &str, qty: i64| {
        let options = [
            ("Vinarija", winery),
            ("Region", "Šumadija"),
            ("Zemlja", "Srbija"),
        ];
        product_with_options(id, title, category, &[(&options, price, qty)])
    };
    let tee = |id: &str, title: &str, category: &str| {
        product_with_options(
            id,
            title,
            category,
            &[
                (&[("Size", "M"), ("Corte", "Regular")], "29.00", 3),
                (&[("Size", "L"), ("Corte", "Regular")], "29.00", 2),
            ],
        )
    };
    let store = TestStore::new(vec![
        wine(
            "aleks-roze",
            "Aleksandrović Roze Penušavo",
            "Roze vino",
            "Aleksandrović",
            "20.60",
            4,
        ),
        wine(
            "budimir-rose",
            "Budimir Triada Rose",
            "Roze vino",
            "Budimir",
            "10.80",
            6,
        ),
        wine(
            "magaza-rose",
            "Magaza Rose",
            "Roze vino",
            "Magaza",
            "11.40",
            2,
        ),
        wine(
            "orphe-rose",
            "Kovačević Orphe Rose",
            "Roze vino",
            "Kovačević",
            "2.80",
            9,
        ),
        wine("plavac", "Plavac Mali", "Crno vino", "Zlatan", "15.00", 5),
        tee(
            "tee-crew",
            "Camiseta Crew Hombre",
            "Camisetas de manga corta",
        ),
        tee(
            "tee-logo",
            "Camiseta Logo Mujer",
            "Camisetas de manga corta",
        ),
        tee(
            "tee-basic",
            "Camiseta Basic Hombre",
            "Camisetas de manga corta",
        ),
        tee(
            "tank-neon",
            "Camiseta Sin Manga Neon Hombre",
            "Camisetas sin manga",
        ),
        tee(
            "tank-moon",
            "Camiseta Sin Manga Moon Hombre",
            "Camisetas sin manga",
        ),
    ]);
    store.with_concepts(vec![concept(
        "pink",
        ConceptKind::Color,
        &[
            (Lang::En, &["pink"]),
            (Lang::Nl, &["roze"]),
            (Lang::Id, &["merah muda"]),
            (Lang::Zh, &["粉紅色"]),
        ],
    )])
}

impl TestStore {
    pub(super) fn new(records: Vec<ProductRecord>) -> TestStore {
        let lexicon = Lexicon::new(vec![
            concept(
                "tops",
                ConceptKind::ProductType,
                &[
                    (Lang::En, &["shirt", "shirts", "top"]),
                    (Lang::Nl, &["shirt", "shirts"]),
                    (Lang::Id, &["baju"]),
                    (Lang::Zh, &["上衣"]),
                ],
            ),
            concept(
                "jackets",
                ConceptKind::ProductType,
                &[
                    (Lang::En, &["jacket", "jackets"]),
                    (Lang::Nl, &["jas", "jassen"]),
                    (Lang::Id, &["jaket"]),
                    (Lang::Zh, &["外套"]),
                ],
            ),
            concept(
                "black",
                ConceptKind::Color,
                &[
                    (Lang::En, &["black"]),
                    (Lang::Nl, &["zwart", "zwarte"]),
                    (Lang::Id, &["hitam"]),
                    (Lang::Zh, &["黑色", "黑"]),
                ],
            ),
            concept(
                "red",
                ConceptKind::Color,
                &[
                    (Lang::En, &["red"]),
                    (Lang::Nl, &["rood", "rode"]),
                    (Lang::Id, &["merah"]),
                    (Lang::Zh, &["紅色"]),
                ],
            ),
            concept(
                "kids",
                ConceptKind::Attribute,
                &[
                    (Lang::En, &["kids", "kid"]),
                    (Lang::Nl, &["kinderen", "kids"]),
                    (Lang::Id, &["anak"]),
                    (Lang::Zh, &["兒童"]),
                ],
            ),
        ]);
        let stock_as_of = jiff::Timestamp::from_second(1_800_000_000).expect("a valid time");
        let mut categories: Vec<(String, u64)> = Vec::new();
        for r in &records {
            let c = r.product.category.clone().unwrap_or_default();
            match categories.iter_mut().find(|(name, _)| *name == c) {
                Some((_, n)) => *n += 1,
                None => categories.push((c, 1)),
            }
        }
        let mut sizes: Vec<String> = records
            .iter()
            .flat_map(|r| {
                r.variants
                    .iter()
                    .filter_map(|v| v.size().map(str::to_string))
            })
            .collect();
        sizes.sort();
        sizes.dedup();
        TestStore {
            records,
            lexicon,
            info: StoreInfo {
                id: "stadium".to_string(),
                name: "Stadium Store".to_string(),
                language: Lang::En,
                currency: "EUR".to_string(),
                timezone: "UTC".to_string(),
                address: None,
                phone: None,
                hours: Vec::new(),
                policies: Vec::new(),
            },
            snapshot: SnapshotInfo {
                id: "test".to_string(),
                source: "test".to_string(),
                format: "native".to_string(),
                created_at: stock_as_of,
                stock_as_of,
                store_id: "stadium".to_string(),
                n_products: 0,
                n_variants: 0,
            },
            categories,
            brands: vec!["Stadium".to_string()],
            sizes,
            closeness: Vec::new(),
            translations: Vec::new(),
        }
    }

    /// The store with product vectors, given as the closeness of pairs of
    /// products (ids).
    pub(super) fn with_closeness(mut self, pairs: &[(&str, &str, f32)]) -> TestStore {
        self.closeness = pairs
            .iter()
            .map(|&(a, b, c)| (a.to_string(), b.to_string(), c))
            .collect();
        self
    }

    /// The store with words it does not hold translated to its own, as the
    /// catalog does across a language gap (`("blouson", "jacket")`).
    pub(super) fn with_translations(mut self, pairs: &[(&str, &str)]) -> TestStore {
        self.translations = pairs
            .iter()
            .map(|&(a, b)| (a.to_string(), b.to_string()))
            .collect();
        self
    }

    /// The store with more concepts in its vocabulary.
    pub(super) fn with_concepts(mut self, extra: Vec<Concept>) -> TestStore {
        let mut concepts = self.lexicon.concepts().to_vec();
        concepts.extend(extra);
        self.lexicon = Lexicon::new(concepts);
        self
    }

    /// Asks one turn of `session` with the default configuration.
    pub(super) fn ask(&self, session: &mut Session, text: &str, lang: Lang) -> Reply {
        self.ask_with(&AssistantConfig::default(), session, text, lang)
    }

    /// Asks one turn of `session` with `config`.
    pub(super) fn ask_with(
        &self,
        config: &AssistantConfig,
        session: &mut Session,
        text: &str,
        lang: Lang,
    ) -> Reply {
        let assistant = Assistant::new(self, self, config);
        assistant
            .turn(
                session,
                &TurnInput {
                    text: text.to_string(),
                    lang: Some(lang),
                },
                Clock::utc(self.snapshot.stock_as_of),
            )
            .expect("a turn over an in-memory store")
    }

    fn passes(&self, r: &ProductRecord, f: &Filters) -> bool {
        let fits_variant = |v: &Variant| {
            f.size
                .as_ref()
                .is_none_or(|s| v.size().is_some_and(|x| option_key(x) == option_key(s)))
                && f.color
                    .as_ref()
                    .is_none_or(|c| v.color().is_some_and(|x| option_key(x) == option_key(c)))
        };
        f.category
            .as_ref()
            .is_none_or(|c| r.product.category.as_deref().map(fold) == Some(fold(c)))
            // A price the export left unset (zero) is within no limit.
            && (f.price_min.is_none() && f.price_max.is_none() || r.product.price.minor > 0)
            && f.price_min.is_none_or(|m| r.product.price >= m)
            && f.price_max.is_none_or(|m| r.product.price <= m)
            && r.variants
                .iter()
                .any(|v| fits_variant(v) && (!f.in_stock_only || v.in_stock))
    }
}

impl ProductSearch for TestStore {
    /// Products sharing any of the words (stemmed) with their title,
    /// category or tags, most shared words first; a lexicon word also
    /// matches its concept's other words.
    fn search(&self, request: &SearchRequest) -> Result<Vec<ProductHit>, BackendError> {
        let stem = |s: &str| -> Vec<String> {
            tokenize(s)
                .into_iter()
                .filter(|t| !t.cjk && !crate::text::is_stopword(&t.text))
                .map(|t| crate::lexicon::light_stem(&t.text))
                .collect()
        };
        let mut words = stem(&request.text);
        for m in self.lexicon.analyze(&request.text).mentions {
            for (_, terms) in &self.lexicon.concept(m.concept).terms {
                for t in terms {
                    words.extend(stem(t));
                }
            }
        }
        let mut hits: Vec<ProductHit> = self
            .records
            .iter()
            .filter(|r| self.passes(r, &request.filters))
            .filter_map(|r| {
                let own = stem(&format!(
                    "{} {} {}",
                    r.product.title,
                    r.product.category.as_deref().unwrap_or(""),
                    r.product.tags.join(" ")
                ));
                let shared = words.iter().filter(|w| own.contains(w)).count();
                (words.is_empty() || shared > 0).then(|| ProductHit {
                    record: r.clone(),
                    score: shared as f32,
                    full_match: shared == words.len(),
                    translated: false,
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        // Without words, the cheapest (or dearest) of all; with words,
        // those found, in price order.
        if words.is_empty() {
            request.order.arrange(&mut hits, |h| &h.record);
        }
        hits.truncate(request.limit);
        request.order.arrange(&mut hits, |h| &h.record);
        if hits.is_empty() {
            let folded = request.text.to_lowercase();
            if let Some((_, store_word)) = self.translations.iter().find(|(word, _)| {
                folded
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == word)
            }) {
                let mut translated = request.clone();
                translated.text = store_word.clone();
                let mut hits = self.search(&translated)?;
                for hit in &mut hits {
                    hit.translated = true;
                }
                return Ok(hits);
            }
        }
        Ok(hits)
    }
}

impl StockLookup for TestStore {
    fn product(&self, id_or_sku: &str) -> Result<Option<ProductRecord>, BackendError> {
        Ok(self
            .records
            .iter()
            .find(|r| r.product.id == id_or_sku || r.variants.iter().any(|v| v.sku == id_or_sku))
            .cloned())
    }
    fn store_info(&self) -> &StoreInfo {
        &self.info
    }
    fn faq(&self) -> &[FaqEntry] {
        &[]
    }
    fn snapshot_info(&self) -> &SnapshotInfo {
        &self.snapshot
    }
    fn categories(&self) -> &[(String, u64)] {
        &self.categories
    }
    fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }
    fn category_of_concept(&self, _concept: usize) -> Option<&str> {
        None
    }
    fn category_location(&self, _category: &str) -> Option<&Location> {
        None
    }
    fn low_stock_threshold(&self) -> i64 {
        2
    }
    fn order(&self, _id: &str) -> Result<Option<OrderStatus>, BackendError> {
        Ok(None)
    }
    fn has_orders(&self) -> bool {
        false
    }
    fn brands(&self) -> &[String] {
        &self.brands
    }
    fn sizes(&self) -> &[String] {
        &self.sizes
    }
    fn closeness(&self, product: &str, others: &[&str]) -> Result<Vec<Option<f32>>, BackendError> {
        Ok(others
            .iter()
            .map(|other| {
                self.closeness
                    .iter()
                    .find(|(a, b, _)| (a == product && b == other) || (b == product && a == other))
                    .map(|&(.., c)| c)
            })
            .collect())
    }
}
