//! Which of the four languages a short shopper's question is in. General
//! detectors need sentences; kiosk questions are three words long, so this
//! counts each language's function words and the lexicon's own words.

use crate::text::{is_cjk, tokenize};
use crate::{Lang, Lexicon};

const EN: &[&str] = &[
    "a", "about", "above", "also", "am", "an", "and", "any", "anything", "are", "at", "be",
    "below", "between", "buy", "bye", "can", "cheap", "cheaper", "could", "did", "do", "does",
    "find", "for", "from", "get", "give", "got", "had", "has", "have", "hello", "help", "her",
    "here", "hey", "hi", "him", "his", "how", "i", "if", "in", "is", "it", "just", "know", "let",
    "like", "looking", "me", "more", "much", "my", "need", "no", "not", "now", "of", "off", "ok",
    "on", "one", "open", "or", "our", "out", "please", "return", "see", "shoes", "should", "show",
    "size", "so", "some", "sorry", "tell", "than", "thank", "thanks", "that", "the", "their",
    "them", "then", "there", "these", "they", "thing", "think", "this", "those", "to", "too",
    "try", "under", "up", "us", "very", "want", "was", "way", "we", "well", "what", "when",
    "where", "which", "who", "why", "will", "with", "would", "yes", "you", "your",
];

const NL: &[&str] = &[
    "aan",
    "als",
    "alstublieft",
    "bedankt",
    "ben",
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
    "atau",
    "bagaimana",
    "bagian",
    "baju",
    "banyak",
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

/// The most likely language, and how sure the guess is (0..1).
pub fn detect(text: &str, lexicon: &Lexicon) -> (Lang, f32) {
    // No other language the kiosk speaks is written in Han characters, so
    // any Han in the text means Chinese, even around Latin product names.
    if text.chars().any(is_cjk) {
        return (Lang::Zh, 0.95);
    }
    let tokens = tokenize(text);
    let cue_evidence = super::cues::language_evidence(&tokens);
    let mut scores = [cue_evidence[0], cue_evidence[1], cue_evidence[2]];
    for token in &tokens {
        let w = token.text.as_str();
        for (i, list) in [EN, NL, ID].iter().enumerate() {
            if list.binary_search(&w).is_ok() {
                scores[i] += 1.0;
            }
        }
        if w.ends_with("nya") && w.len() > 4 {
            scores[2] += 0.7;
        }
        if w.contains("ij") || w.ends_with("tje") || w.ends_with("en") && w.len() > 6 {
            scores[1] += 0.3;
        }
    }
    for mention in lexicon.analyze(text).mentions {
        // Words shared by several languages ("jeans") say nothing.
        if mention.langs.len() == 1 {
            for lang in mention.langs.iter() {
                match lang {
                    Lang::En => scores[0] += 0.8,
                    Lang::Nl => scores[1] += 0.8,
                    Lang::Id => scores[2] += 0.8,
                    Lang::Zh => {}
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
    let lang = [Lang::En, Lang::Nl, Lang::Id][best];
    (lang, (score / total) * (1.0 - 1.0 / (1.0 + total)))
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
