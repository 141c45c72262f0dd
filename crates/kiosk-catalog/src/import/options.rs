//! Which export option is the size and which the colour, in any language.
//!
//! Shopify and WooCommerce exports name their options freely: `Talla`,
//! `Größe`, `尺码`, or a store's own `Variante`. The kiosk only filters and
//! answers on `Size` and `Color`, so an option it does not recognise loses its
//! sizes. Known names in the supported export languages are mapped by
//! [`super::fields::option_name`]; an option whose name is still unknown after
//! the rows are loaded is decided from its values across the whole catalog
//! (most look like sizes, or most are colour words). Every decision is
//! recorded as a [`Rule::OptionName`] note, so staff can see why an option was
//! read as it was.

use std::collections::{BTreeMap, HashSet};

use kiosk_core::text::{option_key, size_key};
use kiosk_core::{Concept, ConceptKind, Lang};
use rusqlite::params;

use super::csv_input::Row;
use super::{Issue, Issues, Rule, Writer};
use crate::error::{Error, Result};

/// The canonical name of the size option.
pub const SIZE: &str = "Size";
/// The canonical name of the colour option.
pub const COLOR: &str = "Color";

/// Option names as the export spelled them, with where each was first seen.
#[derive(Debug, Default)]
pub struct OptionNames {
    /// Spelling as written (trimmed) → canonical name and a note to fill in.
    seen: BTreeMap<String, (String, Issue)>,
}

impl OptionNames {
    /// The canonical name of an option named `raw` in `column` of `row`,
    /// remembering the spelling for the import report.
    pub fn canonical(&mut self, row: &Row<'_>, column: &str, raw: &str) -> String {
        let name = super::fields::option_name(raw);
        let spelled = raw.trim().to_string();
        self.seen.entry(spelled).or_insert_with(|| {
            (
                name.clone(),
                row.issue(column, Rule::OptionName, String::new()),
            )
        });
        name
    }
}

/// What an unknown option turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Size,
    Color,
    Neither,
}

/// Decides options whose names were not recognised from their values, moves
/// the ones that are sizes or colours to `Size`/`Color`, and records a note
/// per option name saying which rule decided it.
pub fn learn(
    writer: &mut Writer,
    names: OptionNames,
    vocabulary: &[Concept],
    issues: &mut Issues,
) -> Result<()> {
    if names.seen.is_empty() {
        return Ok(());
    }
    let colours = ColourWords::new(vocabulary);
    let mut decided: BTreeMap<String, Kind> = BTreeMap::new();
    for (spelled, (name, mut note)) in names.seen {
        let message = if name == SIZE || name == COLOR {
            let what = if name == SIZE { "size" } else { "colour" };
            format!("option {spelled:?} is read as the {what}: named")
        } else if name == "Material" {
            continue;
        } else {
            let values = distinct_values(writer, &name)?;
            if values.is_empty() {
                continue;
            }
            let n = values.len();
            let n_sizes = values.iter().filter(|v| looks_like_size(v)).count();
            let n_colours = values.iter().filter(|v| colours.contains(v)).count();
            // A name that holds a size or colour word among others
            // ("Tamanho das 3 Camisas (…)", "Frame colour") is read as
            // that option when its values agree.
            if let Some((kind, word, agreeing)) =
                by_name_word(&spelled, &values, n_sizes, n_colours)
            {
                let what = if kind == Kind::Size { "size" } else { "colour" };
                decided.insert(name.clone(), kind);
                note.message = format!(
                    "option {spelled:?} is read as the {what}: its name holds the {what} word {word:?} and values agree: {agreeing} of {n} look like {what}s"
                );
                issues.push(note);
                continue;
            }
            let kind = if 2 * n_sizes > n && n_sizes >= n_colours {
                Kind::Size
            } else if 2 * n_colours > n {
                Kind::Color
            } else {
                Kind::Neither
            };
            decided.insert(name.clone(), kind);
            match kind {
                Kind::Size => format!(
                    "option {spelled:?} is read as the size: values look like sizes: {n_sizes} of {n}"
                ),
                Kind::Color => format!(
                    "option {spelled:?} is read as the colour: values look like colours: {n_colours} of {n}"
                ),
                Kind::Neither => format!(
                    "option {spelled:?} is kept as it is, neither size nor colour: values look like sizes: {n_sizes} of {n}, like colours: {n_colours} of {n}"
                ),
            }
        };
        note.message = message;
        issues.push(note);
    }
    let moves: BTreeMap<String, &'static str> = decided
        .into_iter()
        .filter_map(|(name, kind)| match kind {
            Kind::Size => Some((name, SIZE)),
            Kind::Color => Some((name, COLOR)),
            Kind::Neither => None,
        })
        .collect();
    if !moves.is_empty() {
        move_options(writer, &moves)?;
    }
    Ok(())
}

/// An option whose name holds a size or colour word among other words
/// ([`super::fields::option_word`]), and whose values agree: at least half
/// look like sizes (or measures: "30x40cm", "345mm x 395mm") and more than
/// look like colours, or at least half look like colours and more than look
/// like sizes. Gives the kind, the word, and how many values agree.
fn by_name_word(
    spelled: &str,
    values: &[String],
    n_sizes: usize,
    n_colours: usize,
) -> Option<(Kind, String, usize)> {
    let (canonical, word) = super::fields::option_word(spelled)?;
    let n = values.len();
    if canonical == SIZE {
        let n_like = values
            .iter()
            .filter(|v| looks_like_size(v) || looks_like_measure(v))
            .count()
            .max(n_sizes);
        (2 * n_like >= n && n_like > n_colours).then_some((Kind::Size, word, n_like))
    } else if canonical == COLOR {
        (2 * n_colours >= n && n_colours > n_sizes).then_some((Kind::Color, word, n_colours))
    } else {
        None
    }
}

/// Units a measure is written in, folded.
const MEASURE_UNITS: &[&str] = &["mm", "cm", "m", "in", "inch", "inches", "ft", "x"];

/// Whether a value is a measure, as sizes of things other than clothes are
/// written: figures with units of length or an "x" between them
/// ("30x40cm", "Small | 345mm x 395mm", "120 cm", "6 ft"), where any other
/// word is a size word.
pub fn looks_like_measure(value: &str) -> bool {
    let folded = kiosk_core::text::fold(value.trim());
    if !folded.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut has_unit = false;
    for word in folded
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if MEASURE_UNITS.contains(&word) {
            has_unit = true;
        } else if !SIZE_WORDS.contains(&word) {
            return false;
        }
    }
    has_unit
}

/// The distinct values the variants give in `column` ("size" or "color"),
/// the most used first; `what` names them in an error.
fn variant_values(writer: &Writer, column: &str, what: &str) -> Result<Vec<String>> {
    writer
        .connection()
        .prepare(&format!(
            "SELECT {column} FROM variants WHERE {column} IS NOT NULL AND {column} <> ''
             GROUP BY {column} ORDER BY COUNT(*) DESC, {column}"
        ))
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(Error::sqlite(format!("reading {what}")))
}

/// Gives each vocabulary size the store's own spelling, so a shopper's
/// "large" or "L" finds a store that writes "Large" (the index's size terms
/// and the assistant's size names follow the vocabulary's id). A size the
/// store writes as the vocabulary does ("L") is left alone; every respelled
/// size leaves a note.
pub fn fit_sizes(
    writer: &Writer,
    vocabulary: &mut [Concept],
    file: &str,
    issues: &mut Issues,
) -> Result<()> {
    let values = variant_values(writer, "size", "sizes")?;
    let taken: HashSet<String> = vocabulary
        .iter()
        .filter(|c| c.kind == ConceptKind::Size)
        .map(|c| option_key(&c.id))
        .collect();
    for concept in vocabulary
        .iter_mut()
        .filter(|c| c.kind == ConceptKind::Size)
    {
        let id = option_key(&concept.id);
        if values.iter().any(|v| option_key(v) == id) {
            continue;
        }
        let letter = size_key(&concept.id);
        let terms: HashSet<String> = concept
            .terms
            .iter()
            .flat_map(|(_, ws)| ws.iter().map(|w| option_key(w)))
            .collect();
        let Some(value) = values.iter().find(|v| {
            let key = option_key(v);
            !taken.contains(&key) && (size_key(v) == letter || terms.contains(&key))
        }) else {
            continue;
        };
        issues.push(Issue::file_note(
            file,
            Rule::OptionName,
            format!(
                "size {value:?} is the store's spelling of size {:?}: same {}",
                concept.id,
                if size_key(value) == letter {
                    "letter size"
                } else {
                    "vocabulary word"
                }
            ),
        ));
        concept.id = value.clone();
    }
    Ok(())
}

/// Colour words of the export languages the vocabulary does not speak, by
/// the vocabulary colour they name (folded, as `option_key` writes them).
const FOREIGN_COLOURS: &[(&str, &[&str])] = &[
    (
        "black",
        &[
            "negro", "negra", "schwarz", "noir", "noire", "preto", "preta", "nero", "nera",
        ],
    ),
    (
        "white",
        &[
            "blanco", "blanca", "weiss", "weiß", "blanc", "blanche", "branco", "branca", "bianco",
            "bianca",
        ],
    ),
    ("grey", &["gris", "grau", "cinza", "grigio", "grigia"]),
    (
        "navy",
        &[
            "azul marino",
            "marineblau",
            "bleu marine",
            "azul marinho",
            "blu navy",
        ],
    ),
    (
        "blue",
        &["azul", "blau", "bleu", "blu", "azzurro", "azzurra"],
    ),
    (
        "red",
        &[
            "rojo", "roja", "rot", "rouge", "vermelho", "vermelha", "rosso", "rossa",
        ],
    ),
    ("green", &["verde", "grun", "grün", "vert", "verte"]),
    (
        "yellow",
        &[
            "amarillo", "amarilla", "gelb", "jaune", "amarelo", "amarela", "giallo", "gialla",
        ],
    ),
    ("orange", &["naranja", "laranja", "arancione"]),
    ("pink", &["rosa", "rosado", "rosada", "cor-de-rosa"]),
    (
        "purple",
        &[
            "morado", "morada", "violeta", "violett", "violet", "roxo", "roxa", "viola",
        ],
    ),
    (
        "brown",
        &["marron", "braun", "castanho", "marrom", "marrone"],
    ),
    (
        "silver",
        &[
            "plata", "plateado", "silber", "argent", "argente", "prata", "prateado", "argento",
        ],
    ),
    (
        "gold",
        &["oro", "dorado", "golden", "dore", "ouro", "dourado"],
    ),
    ("khaki", &["caqui"]),
    ("burgundy", &["burdeos", "bordo", "bordeaux"]),
    ("olive", &["oliva", "olivgrun", "verde oliva"]),
];

/// Gives each vocabulary colour the store's own word when the store writes
/// it in a language the vocabulary does not speak ("Azul", "Schwarz"), so
/// "blue" finds the store's "Azul": the word becomes the colour's name in
/// the store's language, which the index's colour terms and filters use.
/// Every colour so read leaves a note.
pub fn fit_colours(
    writer: &Writer,
    vocabulary: &mut [Concept],
    store_lang: Lang,
    file: &str,
    issues: &mut Issues,
) -> Result<()> {
    let values = variant_values(writer, "color", "colours")?;
    let value_keys: HashSet<String> = values.iter().map(|v| option_key(v)).collect();
    let known: HashSet<String> = vocabulary
        .iter()
        .filter(|c| c.kind == ConceptKind::Color)
        .flat_map(|c| {
            c.terms
                .iter()
                .flat_map(|(_, ws)| ws.iter().map(|w| option_key(w)))
        })
        .collect();
    for value in &values {
        let key = option_key(value);
        if known.contains(&key) {
            continue;
        }
        let Some((id, _)) = FOREIGN_COLOURS
            .iter()
            .find(|(_, words)| words.iter().any(|w| option_key(w) == key))
        else {
            continue;
        };
        let Some(concept) = vocabulary
            .iter_mut()
            .find(|c| c.kind == ConceptKind::Color && c.id == *id)
        else {
            continue;
        };
        // The store's word leads, unless the store also uses the
        // vocabulary's own name for the colour.
        let leads = !value_keys.contains(&option_key(concept.name(store_lang)));
        let word = value.trim().to_string();
        match concept.terms.iter_mut().find(|(l, _)| *l == store_lang) {
            Some((_, words)) if leads => words.insert(0, word),
            Some((_, words)) => words.push(word),
            None => concept.terms.push((store_lang, vec![word])),
        }
        issues.push(Issue::file_note(
            file,
            Rule::OptionName,
            format!("colour {value:?} is read as {id:?}: a colour word of the export"),
        ));
    }
    Ok(())
}

/// The distinct values of option `name` across all variants.
fn distinct_values(writer: &Writer, name: &str) -> Result<Vec<String>> {
    writer
        .connection()
        .prepare(
            "SELECT DISTINCT o.value FROM variants v, json_each(v.options) o
             WHERE o.key = ?1 AND o.type = 'text'",
        )
        .and_then(|mut s| s.query_map([name], |r| r.get(0))?.collect())
        .map_err(Error::sqlite("reading option values"))
}

/// Renames learned options to `Size`/`Color` and fills the variants' size and
/// colour. A variant that already has a named size (or colour) keeps it, and
/// the learned option stays beside it under its own name.
fn move_options(writer: &mut Writer, moves: &BTreeMap<String, &'static str>) -> Result<()> {
    // In batches by rowid, so memory stays bounded whatever the export's size.
    const BATCH: i64 = 4096;
    let conn = writer.connection();
    let mut read = conn
        .prepare(
            "SELECT rowid, options FROM variants WHERE rowid > ?1 AND options <> '{}'
             ORDER BY rowid LIMIT ?2",
        )
        .map_err(Error::sqlite("preparing the option read"))?;
    let mut update = conn
        .prepare("UPDATE variants SET options = ?2, size = ?3, color = ?4 WHERE rowid = ?1")
        .map_err(Error::sqlite("preparing the option update"))?;
    let mut after = 0i64;
    loop {
        let rows: Vec<(i64, String)> = read
            .query_map(params![after, BATCH], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(Error::sqlite("reading variant options"))?;
        let Some(&(last, _)) = rows.last() else {
            return Ok(());
        };
        after = last;
        for (rowid, json) in rows {
            let Ok(mut options) = serde_json::from_str::<BTreeMap<String, String>>(&json) else {
                continue;
            };
            if !rename(&mut options, moves) {
                continue;
            }
            let json = serde_json::to_string(&options).expect("a map of strings serializes");
            update
                .execute(params![rowid, json, options.get(SIZE), options.get(COLOR)])
                .map_err(Error::sqlite("updating variant options"))?;
        }
    }
}

/// Moves learned options of one variant to `Size`/`Color`; `true` if any
/// moved.
fn rename(options: &mut BTreeMap<String, String>, moves: &BTreeMap<String, &'static str>) -> bool {
    let mut changed = false;
    for (from, to) in moves {
        if options.contains_key(*to) {
            continue;
        }
        if let Some(value) = options.remove(from) {
            let value = if *to == SIZE {
                super::native::normalize_size(&value)
            } else {
                value
            };
            options.insert((*to).to_string(), value);
            changed = true;
        }
    }
    changed
}

/// Lettered sizes and "one size" in the supported export languages, folded.
const SIZE_WORDS: &[&str] = &[
    "xxxs",
    "xxs",
    "xs",
    "s",
    "m",
    "l",
    "xl",
    "xxl",
    "xxxl",
    "xxxxl",
    "xxxxxl",
    "small",
    "medium",
    "large",
    "x-small",
    "x-large",
    "xx-large",
    "xxx-large",
    "extra small",
    "extra large",
    "one size",
    "onesize",
    "one-size",
    "os",
    "free size",
    "taglia unica",
    "talla unica",
    "taille unique",
    "tamanho unico",
    // Brazilian lettered sizes: PP, P, M, G, GG, XG, XGG, EG, EGG.
    "pp",
    "p",
    "g",
    "gg",
    "xg",
    "xgg",
    "eg",
    "egg",
    "exg",
    "medio",
    "einheitsgroße",
    "einheitsgrosse",
    "een maat",
    "één maat",
    "ukuran bebas",
    "均碼",
    "均码",
    "free",
    "klein",
    "groot",
    "petit",
    "grand",
    "moyen",
    "pequeno",
    "mediano",
    "grande",
    "kecil",
    "sedang",
    "besar",
    "小",
    "中",
    "大",
    "小號",
    "中號",
    "大號",
    "加大",
];

/// Prefixes and suffixes that say which size system a number is in.
const SIZE_SYSTEMS: &[&str] = &["eu", "us", "uk", "fr", "it", "de", "nl", "cn", "jp", "br"];

/// Whether a value reads as a size: `XS`…`XXXL`, `3XL`, `EU 42`, `US 9`,
/// shoe and clothing numbers (1–16 and 20–60, with halves), `One size`,
/// pairs of those (`S/M`, `38-40`, `32/34`, `0-3`), and babies' and
/// children's ages (`0-3M`, `3-6 meses`, `NB`, `2T`, `7Y`; see
/// [`kiosk_core::text::age_size_key`]).
pub fn looks_like_size(value: &str) -> bool {
    let folded = kiosk_core::text::fold(value.trim());
    if one_size(&folded) || kiosk_core::text::age_size_key(&folded).is_some() {
        return true;
    }
    let parts: Vec<&str> = folded
        .split(['/', '|'])
        .flat_map(|p| {
            if p.contains(['-', '–']) && !SIZE_WORDS.contains(&p.trim()) {
                p.split(['-', '–']).collect::<Vec<_>>()
            } else {
                vec![p]
            }
        })
        .map(str::trim)
        .collect();
    // A range of ages or sizes may start at nought: "0-3" (months).
    let from_nought = parts.len() == 2 && parts[0] == "0";
    !parts.is_empty()
        && parts
            .iter()
            .enumerate()
            .all(|(i, p)| one_size(p) || (from_nought && i == 0))
}

fn one_size(part: &str) -> bool {
    let part = part.trim();
    if part.is_empty() {
        return false;
    }
    if SIZE_WORDS.contains(&part) {
        return true;
    }
    // 2XL, 3XL, 4XS
    if let Some(rest) = part.strip_suffix("xl").or_else(|| part.strip_suffix("xs"))
        && let Ok(n) = rest.parse::<u8>()
        && (2..=6).contains(&n)
    {
        return true;
    }
    let mut number = part;
    for system in SIZE_SYSTEMS {
        if let Some(rest) = number.strip_prefix(system) {
            number = rest.trim_start_matches([' ', ':', '.']);
            break;
        }
        if let Some(rest) = number.strip_suffix(system) {
            number = rest.trim_end();
            break;
        }
    }
    size_number(number)
}

/// 1–16 or 20–60, whole or with a half (`9.5`, `9,5`, `9½`).
fn size_number(s: &str) -> bool {
    let s = s.trim().replace(',', ".").replace('½', ".5");
    let s = s
        .strip_suffix(" 1/2")
        .map_or(s.clone(), |w| format!("{w}.5"));
    let Ok(v) = s.parse::<f64>() else {
        return false;
    };
    let whole_or_half = (v * 2.0).fract() == 0.0;
    whole_or_half && ((1.0..=16.0).contains(&v) || (20.0..=60.0).contains(&v))
}

/// Colour words in the export languages beyond the catalog vocabulary, folded.
const COLOUR_WORDS: &[&str] = &[
    // en
    "black",
    "white",
    "grey",
    "gray",
    "blue",
    "red",
    "green",
    "yellow",
    "orange",
    "pink",
    "purple",
    "brown",
    "beige",
    "navy",
    "silver",
    "gold",
    "cream",
    "ivory",
    "khaki",
    "olive",
    "burgundy",
    "maroon",
    "teal",
    "turquoise",
    "violet",
    "lilac",
    "lavender",
    "charcoal",
    "tan",
    "camel",
    "coral",
    "mint",
    "nude",
    "rose",
    "ecru",
    "taupe",
    "indigo",
    "aqua",
    "cyan",
    "magenta",
    "fuchsia",
    "multicolor",
    "multicolour",
    "natural",
    "sand",
    "stone",
    // nl
    "zwart",
    "wit",
    "grijs",
    "blauw",
    "rood",
    "groen",
    "geel",
    "oranje",
    "roze",
    "paars",
    "bruin",
    "zilver",
    "goud",
    "zwarte",
    "witte",
    "grijze",
    "blauwe",
    "rode",
    "groene",
    "gele",
    "paarse",
    "bruine",
    // id
    "hitam",
    "putih",
    "abu-abu",
    "abu",
    "merah",
    "hijau",
    "biru",
    "kuning",
    "oranye",
    "ungu",
    "coklat",
    "cokelat",
    "krem",
    "perak",
    "emas",
    // zh (folded to traditional characters)
    "黑色",
    "白色",
    "灰色",
    "藍色",
    "紅色",
    "綠色",
    "黃色",
    "橙色",
    "粉色",
    "紫色",
    "棕色",
    "米色",
    "金色",
    "銀色",
    "黑",
    "白",
    "灰",
    "藍",
    "紅",
    "綠",
    "黃",
    "紫",
    // es
    "negro",
    "negra",
    "blanco",
    "blanca",
    "gris",
    "azul",
    "rojo",
    "roja",
    "verde",
    "amarillo",
    "amarilla",
    "naranja",
    "rosa",
    "morado",
    "morada",
    "marron",
    "plateado",
    "dorado",
    "celeste",
    "violeta",
    "burdeos",
    "crema",
    "marino",
    // de
    "schwarz",
    "weiß",
    "weiss",
    "grau",
    "blau",
    "rot",
    "grun",
    "gruen",
    "gelb",
    "lila",
    "violett",
    "braun",
    "silber",
    "turkis",
    "tuerkis",
    "creme",
    "marine",
    "dunkelblau",
    "hellblau",
    "dunkelgrun",
    "hellgrau",
    "dunkelgrau",
    // fr
    "noir",
    "noire",
    "blanc",
    "blanche",
    "bleu",
    "bleue",
    "rouge",
    "vert",
    "verte",
    "jaune",
    "marron",
    "brun",
    "argent",
    "or",
    "dore",
    "bordeaux",
    "kaki",
    // pt
    "preto",
    "preta",
    "branco",
    "branca",
    "cinza",
    "cinzento",
    "vermelho",
    "vermelha",
    "amarelo",
    "amarela",
    "laranja",
    "roxo",
    "roxa",
    "marrom",
    "castanho",
    "bege",
    "prata",
    "dourado",
    // it
    "nero",
    "nera",
    "bianco",
    "bianca",
    "grigio",
    "grigia",
    "blu",
    "azzurro",
    "azzurra",
    "rosso",
    "rossa",
    "giallo",
    "gialla",
    "arancione",
    "marrone",
    "argento",
    "oro",
    "dorato",
    "panna",
];

/// Words that only shade a colour: "Light Blue", "Azul claro", "深藍".
const SHADES: &[&str] = &[
    "light", "dark", "bright", "pale", "deep", "licht", "donker", "muda", "tua", "claro", "clara",
    "oscuro", "oscura", "hell", "dunkel", "clair", "claire", "fonce", "foncee", "escuro", "escura",
    "chiaro", "chiara", "scuro", "scura", "淺", "深", "and", "en", "y", "und", "et", "e", "dan",
];

/// The colour words an import knows: the built-in list plus the catalog
/// vocabulary's `color` concepts in every language.
struct ColourWords {
    words: HashSet<String>,
    shades: HashSet<String>,
}

impl ColourWords {
    fn new(vocabulary: &[Concept]) -> ColourWords {
        let mut words: HashSet<String> = COLOUR_WORDS
            .iter()
            .map(|w| kiosk_core::text::fold(w))
            .collect();
        for concept in vocabulary.iter().filter(|c| c.kind == ConceptKind::Color) {
            for (_, terms) in &concept.terms {
                words.extend(terms.iter().map(|t| kiosk_core::text::fold(t.trim())));
            }
        }
        let shades = SHADES.iter().map(|w| kiosk_core::text::fold(w)).collect();
        ColourWords { words, shades }
    }

    /// Whether a value is a colour: a colour word or phrase, or words that are
    /// all colours or shades (`Black/White`, `Azul claro`), at least one a
    /// colour.
    fn contains(&self, value: &str) -> bool {
        let folded = kiosk_core::text::fold(value.trim());
        if self.words.contains(&folded) {
            return true;
        }
        if let Some(rest) = ["淺", "深"].iter().find_map(|s| folded.strip_prefix(s))
            && self.words.contains(rest)
        {
            return true;
        }
        let tokens: Vec<&str> = folded
            .split(|c: char| c.is_whitespace() || matches!(c, '/' | '-' | '&' | '+' | ',' | '|'))
            .filter(|t| !t.is_empty())
            .collect();
        tokens.iter().any(|t| self.words.contains(*t))
            && tokens
                .iter()
                .all(|t| self.words.contains(*t) || self.shades.contains(*t))
    }
}

#[cfg(test)]
mod tests;
