//! Which of the four languages a short shopper's question is in. General
//! detectors need sentences; kiosk questions are three words long, so this
//! counts each language's function words and the lexicon's own words.

use crate::text::{is_cjk, tokenize};
use crate::{Lang, Lexicon};

const EN: &[&str] = &[
    "a", "an", "and", "any", "anything", "are", "buy", "can", "cheaper", "do", "does", "find",
    "for", "got", "have", "hello", "hi", "how", "i", "in", "is", "it", "looking", "me", "much",
    "my", "need", "of", "one", "open", "please", "return", "shoes", "show", "size", "thank",
    "thanks", "that", "the", "there", "these", "this", "those", "want", "what", "where", "which",
    "with", "you", "your",
];

const NL: &[&str] = &[
    "bedankt",
    "boven",
    "dank",
    "dat",
    "de",
    "deze",
    "die",
    "dit",
    "duur",
    "een",
    "er",
    "goedemorgen",
    "goedkoper",
    "graag",
    "hallo",
    "heb",
    "hebben",
    "hebt",
    "het",
    "hoe",
    "hoeveel",
    "ik",
    "je",
    "jullie",
    "kan",
    "kleur",
    "kost",
    "kunnen",
    "liggen",
    "ligt",
    "maat",
    "met",
    "mijn",
    "niet",
    "nog",
    "onder",
    "ook",
    "prijs",
    "ruilen",
    "schoenen",
    "staan",
    "terugbrengen",
    "u",
    "van",
    "vinden",
    "voor",
    "waar",
    "wat",
    "welke",
    "winkel",
    "zijn",
    "zoek",
    "zoeken",
    "zwart",
    "zwarte",
];

const ID: &[&str] = &[
    "ada", "aku", "apa", "apakah", "baju", "bayar", "berapa", "bisa", "buka", "cari", "celana",
    "dan", "dengan", "di", "dimana", "dong", "harga", "harganya", "hitam", "ini", "itu", "jam",
    "kak", "kaki", "kaos", "kasih", "lebih", "mana", "mau", "murah", "punya", "putih", "saya",
    "sepatu", "stok", "terima", "tidak", "toko", "tukar", "ukuran", "untuk", "warna", "yang",
];

/// The most likely language, and how sure the guess is (0..1).
pub fn detect(text: &str, lexicon: &Lexicon) -> (Lang, f32) {
    let cjk = text.chars().filter(|c| is_cjk(*c)).count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if cjk > 0 && cjk * 3 >= letters {
        return (Lang::Zh, 0.95);
    }
    let mut scores = [0.0f32; 3];
    for token in tokenize(text) {
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

#[cfg(test)]
mod tests;
