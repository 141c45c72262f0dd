//! Which of the four languages a short shopper's question is in. General
//! detectors need sentences; kiosk questions are three words long, so this
//! counts each language's function words and the lexicon's own words.

use crate::lexicon::Mention;
use crate::text::{is_cjk, tokenize};
use crate::{Lang, Lexicon};

const EN: &[&str] = &[
    "a",
    "about",
    "above",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anything",
    "are",
    "at",
    "be",
    "below",
    "between",
    "buy",
    "bye",
    "can",
    "cheap",
    "cheaper",
    "could",
    "did",
    "do",
    "does",
    "find",
    "for",
    "from",
    "get",
    "give",
    "got",
    "had",
    "has",
    "have",
    "hello",
    "help",
    "her",
    "here",
    "hey",
    "hi",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "is",
    "it",
    "just",
    "know",
    "less",
    "let",
    "like",
    "looking",
    "me",
    "more",
    "much",
    "my",
    "need",
    "no",
    "not",
    "now",
    "of",
    "off",
    "ok",
    "on",
    "one",
    "open",
    "or",
    "our",
    "out",
    "over",
    "please",
    "return",
    "see",
    "shoes",
    "should",
    "show",
    "size",
    "so",
    "some",
    "something",
    "sorry",
    "tell",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "think",
    "this",
    "those",
    "to",
    "too",
    "try",
    "under",
    "up",
    "us",
    "very",
    "want",
    "was",
    "way",
    "we",
    "well",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "would",
    "yes",
    "you",
    "your",
];

const NL: &[&str] = &[
    "aan",
    "als",
    "alstublieft",
    "bedankt",
    "ben",
    "beneden",
    "bij",
    "binnen",
    "boven",
    "daar",
    "dag",
    "dan",
    "dank",
    "dat",
    "de",
    "deze",
    "die",
    "dit",
    "doe",
    "doei",
    "doen",
    "dus",
    "duur",
    "een",
    "eens",
    "en",
    "er",
    "even",
    "gaan",
    "gaat",
    "geen",
    "goed",
    "goedemiddag",
    "goedemorgen",
    "goedenavond",
    "goedkoper",
    "graag",
    "hallo",
    "heb",
    "hebben",
    "hebt",
    "heeft",
    "hem",
    "het",
    "hier",
    "hij",
    "hoe",
    "hoeveel",
    "hoi",
    "hoor",
    "iets",
    "ik",
    "in",
    "is",
    "ja",
    "je",
    "jij",
    "jou",
    "jullie",
    "kan",
    "kijken",
    "kleur",
    "kost",
    "kun",
    "kunnen",
    "laat",
    "laatste",
    "liggen",
    "ligt",
    "maar",
    "maat",
    "mag",
    "me",
    "mee",
    "meer",
    "met",
    "mij",
    "mijn",
    "misschien",
    "moet",
    "mogelijk",
    "morgen",
    "na",
    "naar",
    "nee",
    "niet",
    "nog",
    "nu",
    "of",
    "ok",
    "onder",
    "ons",
    "ook",
    "op",
    "over",
    "prijs",
    "ruilen",
    "schoenen",
    "staan",
    "te",
    "terugbrengen",
    "tot",
    "u",
    "uw",
    "van",
    "vandaag",
    "veel",
    "vind",
    "vinden",
    "voor",
    "waar",
    "wanneer",
    "want",
    "wat",
    "weer",
    "wel",
    "welke",
    "weten",
    "wil",
    "willen",
    "winkel",
    "zal",
    "ze",
    "zeker",
    "zelf",
    "zien",
    "zijn",
    "zit",
    "zo",
    "zoek",
    "zoeken",
    "zou",
    "zwart",
    "zwarte",
];

const ID: &[&str] = &[
    "ada",
    "adakah",
    "aku",
    "apa",
    "apakah",
    "atas",
    "atau",
    "bagaimana",
    "bagian",
    "baju",
    "banyak",
    "bawah",
    "bayar",
    "belum",
    "berapa",
    "besar",
    "besok",
    "bisa",
    "boleh",
    "buka",
    "cara",
    "cari",
    "celana",
    "cuma",
    "dadah",
    "dan",
    "dari",
    "deh",
    "dengan",
    "di",
    "diatas",
    "dibawah",
    "dimana",
    "dong",
    "harga",
    "harganya",
    "hari",
    "hitam",
    "ini",
    "itu",
    "jadi",
    "jalan",
    "jam",
    "jual",
    "juga",
    "jumpa",
    "kak",
    "kaki",
    "kalau",
    "kami",
    "kamu",
    "kaos",
    "kapan",
    "kasih",
    "ke",
    "kecil",
    "kenapa",
    "ketika",
    "kok",
    // Suitcase; Dutch "koper" is copper, which the vocabulary knows.
    "koper",
    "kurang",
    "lagi",
    "lain",
    "lebih",
    "lihat",
    "mana",
    "masih",
    "mau",
    "membeli",
    "mencari",
    "minta",
    "murah",
    "nya",
    "pagi",
    "pakai",
    "perlu",
    "pesan",
    "punya",
    "putih",
    "saja",
    "sama",
    "sampai",
    "satu",
    "saya",
    "selamat",
    "sepatu",
    "sesuatu",
    "siang",
    "sih",
    "silakan",
    "stok",
    "sudah",
    "tanya",
    "tapi",
    "terima",
    "tidak",
    "toko",
    "tolong",
    "tukar",
    "ukuran",
    "untuk",
    "warna",
    "ya",
    "yang",
];

/// Function words of the stores' other export languages (Spanish,
/// Portuguese, French, German, Italian), folded. One of the kiosk's words
/// that is also one of these ("de", "in", "en", "je", "di") says less: in
/// "Paquete de 5 Bodies in 3-6 meses" it is no Dutch.
const OTHER: &[&str] = &[
    "a", "al", "ao", "au", "auf", "aux", "avec", "ce", "che", "com", "con", "da", "dans", "das",
    "de", "del", "della", "dem", "den", "der", "des", "di", "die", "do", "dos", "du", "e", "el",
    "em", "en", "es", "est", "et", "il", "im", "in", "je", "la", "las", "le", "les", "lo", "los",
    "me", "mit", "na", "no", "o", "os", "para", "per", "por", "que", "se", "si", "sin", "su", "te",
    "un", "una", "und", "une", "uno", "y", "zu",
];

/// How much a function word of the kiosk's languages that is also one of
/// `OTHER` counts.
const SHARED_WEIGHT: f32 = 0.5;

/// The most likely language, and how sure the guess is (0..1). A turn whose
/// words the likeliest language explains only with words it shares (with
/// another of the kiosk's languages, or with `OTHER`), while some words no
/// language explains, is no evidence: `(En, 0.0)`, so the conversation's
/// language (or English) holds. "Paquete de 5 Bodies in 3-6 meses" is not
/// Dutch on the strength of "de" and "in".
pub fn detect(text: &str, lexicon: &Lexicon) -> (Lang, f32) {
    // No other language the kiosk speaks is written in Han characters, so
    // any Han in the text means Chinese, even around Latin product names.
    if text.chars().any(is_cjk) {
        return (Lang::Zh, 0.95);
    }
    let tokens = tokenize(text);
    let cue_evidence = super::cues::language_evidence(&tokens);
    let mut scores = [cue_evidence[0], cue_evidence[1], cue_evidence[2]];
    let mentions = lexicon.analyze(text).mentions;
    let words = tokens
        .iter()
        .filter(|t| t.text.chars().any(char::is_alphabetic))
        .count();
    if words <= SHORT_TURN_WORDS {
        // A short turn has a word or two to go by: a word only one
        // language has ("merah") outweighs one several share ("koper",
        // copper in Dutch and a suitcase in Indonesian), which would
        // otherwise tie with it.
        for claims in word_claims(&tokens, &mentions) {
            let claimed = claims.iter().filter(|c| c.is_some()).count();
            for (score, claim) in scores.iter_mut().zip(claims) {
                *score += claim.unwrap_or(0.0) / claimed.max(1) as f32;
            }
        }
    } else {
        for token in &tokens {
            for (score, claim) in scores.iter_mut().zip(word_evidence(&token.text)) {
                *score += claim;
            }
        }
        for mention in &mentions {
            // Words shared by several languages ("jeans") say nothing.
            if mention.langs.len() == 1 {
                for lang in mention.langs.iter() {
                    if let Some(i) = latin_index(lang) {
                        scores[i] += MENTION_WEIGHT;
                    }
                }
            }
        }
    }
    let total: f32 = scores.iter().sum();
    if total == 0.0 {
        return (Lang::En, 0.0);
    }
    let (best, score) =
        scores.iter().enumerate().fold(
            (0, f32::MIN),
            |acc, (i, s)| if *s > acc.1 { (i, *s) } else { acc },
        );
    if !surely_speaks(best, &tokens, &mentions, &cue_evidence)
        && has_unexplained(&tokens, &mentions)
    {
        return (Lang::En, 0.0);
    }
    let lang = [Lang::En, Lang::Nl, Lang::Id][best];
    (lang, (score / total) * (1.0 - 1.0 / (1.0 + total)))
}

/// The language a long text is written in (a catalog's titles and
/// descriptions, not a shopper's turn), when it is one of the kiosk's and
/// the text shows it plainly: mostly Han characters for Chinese; for
/// English, Dutch or Indonesian, many distinct function words of that
/// language making up a good share of the words, well ahead of the others.
/// `None` for another language (a French or Spanish text shares "de", "en"
/// and "a" with them, but few other words) and for too little running text
/// to tell (titles alone).
pub fn written_in(text: &str) -> Option<Lang> {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        return None;
    }
    let han = text.chars().filter(|&c| is_cjk(c)).count();
    if han * 2 >= letters {
        return Some(Lang::Zh);
    }
    let mut hits = [0usize; 3];
    let mut distinct: [std::collections::HashSet<&str>; 3] = Default::default();
    let mut words = 0usize;
    for token in tokenize(text) {
        if token.cjk || !token.text.chars().any(char::is_alphabetic) {
            continue;
        }
        words += 1;
        for (i, list) in [EN, NL, ID].iter().enumerate() {
            if let Ok(k) = list.binary_search(&token.text.as_str()) {
                hits[i] += 1;
                distinct[i].insert(list[k]);
            }
        }
    }
    let best = (0..3).max_by_key(|&i| hits[i])?;
    let second = (0..3).filter(|&i| i != best).map(|i| hits[i]).max()?;
    let share = hits[best] as f32 / words.max(1) as f32;
    (share >= WRITTEN_SHARE && distinct[best].len() >= WRITTEN_DISTINCT && hits[best] >= 2 * second)
        .then_some([Lang::En, Lang::Nl, Lang::Id][best])
}

/// A text is in a language when at least this share of its words are that
/// language's function words (running English has a third or more) ...
const WRITTEN_SHARE: f32 = 0.12;
/// ... and at least this many different ones.
const WRITTEN_DISTINCT: usize = 8;

/// Whether a word of the turn speaks for the language at `index` of
/// `[en, nl, id]` alone: a cue phrase of it, a vocabulary term of it and of
/// no other language, a function word only it has (and no export language
/// shares), or Indonesian's "-nya".
fn surely_speaks(
    index: usize,
    tokens: &[crate::text::Token],
    mentions: &[Mention],
    cue_evidence: &[f32; 4],
) -> bool {
    if cue_evidence[index] > 0.0 {
        return true;
    }
    if mentions
        .iter()
        .any(|m| m.langs.len() == 1 && m.langs.iter().any(|l| latin_index(l) == Some(index)))
    {
        return true;
    }
    tokens.iter().any(|t| {
        let w = t.text.as_str();
        let claimed: Vec<bool> = [EN, NL, ID]
            .iter()
            .map(|list| list.binary_search(&w).is_ok())
            .collect();
        let own = claimed[index]
            && claimed.iter().filter(|c| **c).count() == 1
            && OTHER.binary_search(&w).is_err();
        own || (index == 2 && w.ends_with("nya") && w.len() > 4)
    })
}

/// Whether some word of letters (not a size, no figure in it) is claimed by
/// no language: no function word, no vocabulary term.
fn has_unexplained(tokens: &[crate::text::Token], mentions: &[Mention]) -> bool {
    tokens.iter().any(|t| {
        t.text.chars().any(char::is_alphabetic)
            && !t.text.chars().any(|c| c.is_ascii_digit())
            && !SIZE_LETTERS.contains(&t.text.as_str())
            && word_evidence(&t.text).iter().all(|w| *w == 0.0)
            && !mentions
                .iter()
                .any(|m| t.start >= m.start && t.end <= m.end)
    })
}

/// Turns of at most this many words are weighed word by word (see
/// `word_claims`).
const SHORT_TURN_WORDS: usize = 3;

/// How much a vocabulary term of one language says.
const MENTION_WEIGHT: f32 = 0.8;

/// The index in `[en, nl, id]` of a language written in Latin letters.
fn latin_index(lang: Lang) -> Option<usize> {
    match lang {
        Lang::En => Some(0),
        Lang::Nl => Some(1),
        Lang::Id => Some(2),
        Lang::Zh => None,
    }
}

/// What one word says by itself, for `[en, nl, id]`: each language's
/// function words, and spellings typical of Indonesian ("-nya") and Dutch
/// ("ij", "-tje", long words in "-en").
fn word_evidence(w: &str) -> [f32; 3] {
    let mut out = [0.0; 3];
    let weight = if OTHER.binary_search(&w).is_ok() {
        SHARED_WEIGHT
    } else {
        1.0
    };
    for (i, list) in [EN, NL, ID].iter().enumerate() {
        if list.binary_search(&w).is_ok() {
            out[i] += weight;
        }
    }
    if w.ends_with("nya") && w.len() > 4 {
        out[2] += 0.7;
    }
    if w.contains("ij") || w.ends_with("tje") || w.ends_with("en") && w.len() > 6 {
        out[1] += 0.3;
    }
    out
}

/// For each word of a turn, what each of `[en, nl, id]` claims of it: the
/// word's own evidence and the vocabulary terms it is part of (a term's
/// weight shared among its words). A language claims a word when either
/// does, with no weight for a term several languages share ("tas" is a bag
/// in Dutch and Indonesian): such a word is ambiguous.
fn word_claims(tokens: &[crate::text::Token], mentions: &[Mention]) -> Vec<[Option<f32>; 3]> {
    tokens
        .iter()
        .map(|token| {
            let mut claims: [Option<f32>; 3] = [None; 3];
            for (claim, weight) in claims.iter_mut().zip(word_evidence(&token.text)) {
                if weight > 0.0 {
                    *claim = Some(weight);
                }
            }
            for m in mentions {
                if token.start < m.start || token.end > m.end {
                    continue;
                }
                let covered = tokens
                    .iter()
                    .filter(|t| t.start >= m.start && t.end <= m.end)
                    .count()
                    .max(1);
                let weight = if m.langs.len() == 1 {
                    MENTION_WEIGHT / covered as f32
                } else {
                    0.0
                };
                for i in m.langs.iter().filter_map(latin_index) {
                    *claims[i].get_or_insert(0.0) += weight;
                }
            }
            claims
        })
        .collect()
}

/// The language to answer a turn in. Each turn is detected afresh; the
/// conversation's language holds only for a turn too short to tell (a
/// number, a size, "ok", a product name with no word of any language), so
/// "something warm for hiking" after a Chinese turn is answered in English.
/// `hint` is the shopper's own choice in the UI, which always wins.
pub fn choose(hint: Option<Lang>, text: &str, lexicon: &Lexicon, session: Option<Lang>) -> Lang {
    if let Some(h) = hint {
        return h;
    }
    let (lang, confidence) = detect(text, lexicon);
    match session {
        Some(s) if confidence == 0.0 || too_short_to_tell(text) => s,
        _ => lang,
    }
}

/// Letter sizes, which say nothing about a language.
const SIZE_LETTERS: &[&str] = &[
    "xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl", "2xl", "3xl",
];

/// Fewer than two words of letters (numbers and letter sizes aside), and no
/// Chinese: "ok", "9?", "M", "42 please".
fn too_short_to_tell(text: &str) -> bool {
    if text.chars().any(is_cjk) {
        return false;
    }
    tokenize(text)
        .iter()
        .filter(|t| {
            t.text.chars().any(char::is_alphabetic)
                && !t.text.chars().any(|c| c.is_ascii_digit())
                && !SIZE_LETTERS.contains(&t.text.as_str())
        })
        .count()
        < 2
}

#[cfg(test)]
mod tests;
