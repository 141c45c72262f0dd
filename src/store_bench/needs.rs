//! Questions that do not name a product: a kind of product named in the
//! shopper's language, which need not be the catalog's ("hebben jullie
//! rode wijn?" to a Serbian wine shop), and open-ended needs ("something
//! to put on the barbecue").
//!
//! Which questions a store gets comes from its own export: a kind of
//! product is asked about only where at least two of the store's products
//! are of that kind, by their title or category, in whatever language the
//! export is written. The kinds, their names in the four shopper languages
//! and the terms that mark a product of the kind in the catalog languages
//! (en, es, fr, nl, de, id, sr, zh) are the bench's own small glossary:
//! the kiosk never sees it, so a right answer has to come from the kiosk
//! crossing the languages itself.

use kiosk_core::Lang;
use kiosk_core::text::fold;

use super::truth::{StoreTruth, TruthProduct};

/// A kind of product: how each shopper language names it, and the terms
/// that mark a product of the kind in a title or category. A term is
/// folded words matched whole (a plural "s"/"es" allowed); a word ending in
/// `*` matches as a prefix.
pub struct Concept {
    pub key: &'static str,
    /// en, nl, id, zh.
    pub names: [&'static str; 4],
    pub terms: &'static [&'static str],
}

/// An open-ended need: how each shopper language says it, and the kinds of
/// product that meet it.
pub struct Need {
    pub key: &'static str,
    /// en, nl, id, zh.
    pub says: [&'static str; 4],
    pub fits: &'static [&'static str],
}

pub const CONCEPTS: &[Concept] = &[
    Concept {
        key: "t_shirt",
        names: ["t-shirts", "shirts", "kaos", "T恤"],
        terms: &[
            "camiseta*",
            "t-shirt*",
            "tshirt*",
            "tee",
            "majic*",
            "tee-shirt*",
        ],
    },
    Concept {
        key: "football_shirt",
        names: [
            "football shirts",
            "voetbalshirts",
            "jersey bola",
            "足球球衣",
        ],
        terms: &[
            "jersey*",
            "kit",
            "football shirt*",
            "maillot*",
            "voetbalshirt*",
        ],
    },
    Concept {
        key: "tank_top",
        names: ["tank tops", "hemdjes", "kaos tanpa lengan", "背心"],
        terms: &[
            "tirante*",
            "sin manga*",
            "tank top*",
            "debardeur*",
            "singlet*",
        ],
    },
    Concept {
        key: "leggings",
        names: ["leggings", "leggings", "legging", "緊身褲"],
        terms: &["legging*", "malla*"],
    },
    Concept {
        key: "jacket",
        names: ["jackets", "jassen", "jaket", "外套"],
        terms: &[
            "jacket*",
            "windbreaker*",
            "wind-breaker*",
            "chaqueta*",
            "veste*",
            "jas",
            "jassen",
            "jaket*",
        ],
    },
    Concept {
        key: "hoodie",
        names: ["hoodies", "hoodies", "hoodie", "連帽衫"],
        terms: &["hoodie*", "sudadera*", "sweat a capuche"],
    },
    Concept {
        key: "beanie",
        names: ["beanies", "mutsen", "kupluk", "毛帽"],
        terms: &["gorro*", "beanie*", "bonnet*", "muts*"],
    },
    Concept {
        key: "football_boots",
        names: ["football boots", "voetbalschoenen", "sepatu bola", "足球鞋"],
        terms: &[
            "football boot*",
            "athletic shoe*",
            "fg",
            "crampon*",
            "bota* de futbol",
        ],
    },
    Concept {
        key: "sneakers",
        names: ["sneakers", "sneakers", "sepatu sneakers", "球鞋"],
        terms: &["sneaker*", "zapatilla*", "basket*", "air force", "trainer*"],
    },
    Concept {
        key: "shampoo",
        names: ["shampoo", "shampoo", "sampo", "洗髮精"],
        terms: &["shampoo*", "champu*", "shampooing*"],
    },
    Concept {
        key: "conditioner",
        names: [
            "hair conditioner",
            "conditioner",
            "kondisioner rambut",
            "潤髮乳",
        ],
        terms: &["conditioner*", "acondicionador*", "apres-shampooing*"],
    },
    Concept {
        key: "hair_treatment",
        names: [
            "hair treatments",
            "haarbehandelingen",
            "perawatan rambut",
            "護髮產品",
        ],
        terms: &[
            "hair mask*",
            "hair treatment*",
            "treatment*",
            "masque*",
            "mascarilla*",
        ],
    },
    Concept {
        key: "pot",
        names: ["plant pots", "bloempotten", "pot bunga", "花盆"],
        terms: &["pot", "cache-pot*", "planter*", "maceta*", "bloempot*"],
    },
    Concept {
        key: "plant",
        names: ["plants", "planten", "tanaman", "植物"],
        terms: &["plante*", "plant", "planta*", "houseplant*"],
    },
    Concept {
        key: "necklace",
        names: ["necklaces", "kettingen", "kalung", "項鍊"],
        terms: &["necklace*", "collier*", "collar*", "ketting*", "pendant*"],
    },
    Concept {
        key: "bracelet",
        names: ["bracelets", "armbanden", "gelang", "手鍊"],
        terms: &["bracelet*", "pulsera*", "armband*", "bangle*"],
    },
    Concept {
        key: "earrings",
        names: ["earrings", "oorbellen", "anting", "耳環"],
        terms: &["earring*", "pendiente*", "boucle* d'oreille*", "oorbel*"],
    },
    Concept {
        key: "beef",
        names: ["beef", "rundvlees", "daging sapi", "牛肉"],
        terms: &[
            "beef",
            "steer",
            "ribeye",
            "tenderloin",
            "wagyu",
            "boeuf",
            "res",
            "sirloin*",
        ],
    },
    Concept {
        key: "lamb",
        names: ["lamb", "lamsvlees", "daging domba", "羊肉"],
        terms: &["lamb", "agneau", "cordero", "lam"],
    },
    Concept {
        key: "chicken",
        names: ["chicken", "kip", "daging ayam", "雞肉"],
        terms: &["chicken*", "poulet*", "pollo*", "drumstick*"],
    },
    Concept {
        key: "fries",
        names: ["french fries", "friet", "kentang goreng", "薯條"],
        terms: &[
            "fries",
            "chips",
            "frites",
            "potato*",
            "hash brown*",
            "tater*",
            "wedges",
        ],
    },
    Concept {
        key: "seafood",
        names: ["seafood", "vis en zeevruchten", "makanan laut", "海鮮"],
        terms: &[
            "oyster*", "perch", "fish", "prawn*", "shrimp*", "salmon", "scallop*", "squid",
        ],
    },
    Concept {
        key: "red_wine",
        names: ["red wine", "rode wijn", "anggur merah", "紅酒"],
        terms: &[
            "crveno vino",
            "crveno",
            "red wine*",
            "vin rouge*",
            "vino tinto*",
            "rode wijn*",
        ],
    },
    Concept {
        key: "white_wine",
        names: ["white wine", "witte wijn", "anggur putih", "白葡萄酒"],
        terms: &[
            "belo vino",
            "white wine*",
            "vin blanc*",
            "vino blanco*",
            "witte wijn*",
        ],
    },
    Concept {
        key: "rose_wine",
        names: ["rosé wine", "roséwijn", "anggur rosé", "粉紅酒"],
        terms: &["roze vino", "rose wine*", "vin rose*", "rosado*"],
    },
    Concept {
        key: "sparkling_wine",
        names: [
            "sparkling wine",
            "mousserende wijn",
            "anggur bersoda",
            "氣泡酒",
        ],
        terms: &[
            "penusavo*",
            "sparkling*",
            "champagne*",
            "cava",
            "prosecco*",
            "cremant*",
        ],
    },
    Concept {
        key: "brandy",
        names: [
            "fruit brandy",
            "vruchtenbrandewijn",
            "brendi buah",
            "水果白蘭地",
        ],
        terms: &[
            "rakija*",
            "brandy*",
            "eau-de-vie*",
            "slivovitz*",
            "viljamovka*",
        ],
    },
];

pub const NEEDS: &[Need] = &[
    Need {
        key: "workout",
        says: [
            "something to wear for working out",
            "iets om in te sporten",
            "baju untuk olahraga di gym",
            "健身時穿的衣服",
        ],
        fits: &["t_shirt", "tank_top", "leggings"],
    },
    Need {
        key: "match_day",
        says: [
            "something to wear to a football match",
            "iets om aan te trekken naar een voetbalwedstrijd",
            "baju untuk nonton pertandingan sepak bola",
            "看足球比賽穿的衣服",
        ],
        fits: &["football_shirt"],
    },
    Need {
        key: "windy",
        says: [
            "something to keep me warm when it is windy",
            "iets warms voor als het hard waait",
            "sesuatu yang hangat untuk cuaca berangin",
            "颳風時保暖穿的",
        ],
        fits: &["jacket", "hoodie"],
    },
    Need {
        key: "gift_her",
        says: [
            "a gift for my girlfriend",
            "een cadeau voor mijn vriendin",
            "hadiah untuk pacar",
            "送女朋友的禮物",
        ],
        fits: &["necklace", "bracelet", "earrings"],
    },
    Need {
        key: "wash_hair",
        says: [
            "something to wash my hair with",
            "iets om mijn haar mee te wassen",
            "sesuatu untuk keramas",
            "洗頭髮用的",
        ],
        fits: &["shampoo"],
    },
    Need {
        key: "damaged_hair",
        says: [
            "my hair is dry and damaged, what can help?",
            "mijn haar is droog en beschadigd, wat helpt?",
            "rambut saya kering dan rusak, apa yang bisa membantu?",
            "頭髮又乾又受損，有什麼可以幫忙？",
        ],
        fits: &["hair_treatment", "conditioner", "shampoo"],
    },
    Need {
        key: "green_room",
        says: [
            "something green for my living room",
            "iets groens voor in de woonkamer",
            "sesuatu yang hijau untuk ruang tamu",
            "放在客廳的綠色植物",
        ],
        fits: &["plant"],
    },
    Need {
        key: "put_plant_in",
        says: [
            "something to put my plant in",
            "iets om mijn plant in te zetten",
            "tempat untuk menaruh tanaman saya",
            "種植物用的容器",
        ],
        fits: &["pot"],
    },
    Need {
        key: "barbecue",
        says: [
            "something to put on the barbecue",
            "iets voor op de barbecue",
            "sesuatu untuk dibakar di barbekyu",
            "烤肉要烤的東西",
        ],
        fits: &["beef", "lamb", "chicken", "seafood"],
    },
    Need {
        key: "side_dish",
        says: [
            "a side dish to go with a steak",
            "een bijgerecht bij een biefstuk",
            "makanan pendamping untuk steak",
            "配牛排的配菜",
        ],
        fits: &["fries"],
    },
    Need {
        key: "wine_dinner",
        says: [
            "a bottle to drink with a steak dinner",
            "een fles om bij een biefstuk te drinken",
            "minuman untuk makan malam dengan steak",
            "配牛排晚餐喝的一瓶酒",
        ],
        fits: &["red_wine"],
    },
    Need {
        key: "celebrate",
        says: [
            "something with bubbles to celebrate with",
            "iets met bubbels om te proosten",
            "minuman bersoda untuk merayakan",
            "慶祝時開的氣泡飲料",
        ],
        fits: &["sparkling_wine"],
    },
    Need {
        key: "strong_drink",
        says: [
            "a strong drink",
            "een sterke drank",
            "minuman keras",
            "烈酒",
        ],
        fits: &["brandy"],
    },
    Need {
        key: "cold_head",
        says: [
            "something to keep my head warm in winter",
            "iets om mijn hoofd warm te houden in de winter",
            "sesuatu untuk menghangatkan kepala di musim dingin",
            "冬天戴在頭上保暖的",
        ],
        fits: &["beanie"],
    },
    Need {
        key: "run_around",
        says: [
            "shoes for playing football on grass",
            "schoenen om op gras te voetballen",
            "sepatu untuk main bola di rumput",
            "在草地上踢球穿的鞋",
        ],
        fits: &["football_boots"],
    },
    Need {
        key: "everyday_shoes",
        says: [
            "comfortable shoes for every day",
            "comfortabele schoenen voor elke dag",
            "sepatu yang nyaman untuk sehari-hari",
            "每天穿的舒服鞋子",
        ],
        fits: &["sneakers"],
    },
];

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Nl => 1,
        Lang::Id => 2,
        Lang::Zh => 3,
    }
}

impl Concept {
    pub fn name(&self, lang: Lang) -> &'static str {
        self.names[lang_index(lang)]
    }
}

impl Need {
    pub fn say(&self, lang: Lang) -> &'static str {
        self.says[lang_index(lang)]
    }
}

pub fn concept(key: &str) -> Option<&'static Concept> {
    CONCEPTS.iter().find(|c| c.key == key)
}

/// Folded words: letters and digits, with "'" and "-" kept inside a word.
fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => {
            word == pattern
                || word.strip_suffix('s') == Some(pattern)
                || word.strip_suffix("es") == Some(pattern)
        }
    }
}

/// Whether `text` holds the term, its words in a row.
fn holds(text: &[String], term: &str) -> bool {
    let term =
        words(&term.replace('*', " *"))
            .into_iter()
            .fold(Vec::<String>::new(), |mut acc, w| {
                // "camiseta *" → "camiseta*": the star stays on its word.
                if w == "*" {
                    if let Some(last) = acc.last_mut() {
                        last.push('*');
                    }
                } else {
                    acc.push(w);
                }
                acc
            });
    !term.is_empty()
        && text
            .windows(term.len())
            .any(|w| w.iter().zip(&term).all(|(word, p)| word_matches(p, word)))
}

/// Whether a product is of the kind, by its title or category.
pub fn is_of(product: &TruthProduct, concept: &Concept) -> bool {
    let mut text = words(&product.title);
    text.extend(words(product.category.as_deref().unwrap_or_default()));
    concept.terms.iter().any(|t| holds(&text, t))
}

/// Whether a product meets any of the kinds named by key.
pub fn fits(product: &TruthProduct, kinds: &[String]) -> bool {
    kinds
        .iter()
        .filter_map(|k| concept(k))
        .any(|c| is_of(product, c))
}

/// The kinds this store sells: at least two of its products are of them.
pub fn store_concepts(store: &StoreTruth) -> Vec<&'static Concept> {
    CONCEPTS
        .iter()
        .filter(|c| store.products.iter().filter(|p| is_of(p, c)).count() >= 2)
        .collect()
}

/// The needs this store can meet: with the kinds that fit them here.
pub fn store_needs(store: &StoreTruth) -> Vec<(&'static Need, Vec<String>)> {
    let sold: Vec<&str> = store_concepts(store).iter().map(|c| c.key).collect();
    NEEDS
        .iter()
        .filter_map(|n| {
            let here: Vec<String> = n
                .fits
                .iter()
                .filter(|k| sold.contains(k))
                .map(|k| k.to_string())
                .collect();
            (!here.is_empty()).then_some((n, here))
        })
        .collect()
}
