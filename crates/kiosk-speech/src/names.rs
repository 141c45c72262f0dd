//! The store's names in a transcript: a word Whisper misheard ("Vilora",
//! "mass works") is read as the store's name it sounds like ("Velora",
//! "Maasworks") when exactly one name is that close.
//!
//! The names are the store's own (its brands and the words of its product
//! lines, from the snapshot), never a fixed list. A word is only ever
//! replaced by a name, never the other way round, and only when it is not a
//! word the store or the vocabulary knows: "stride" stays "stride". When
//! two names are equally close the words stay as heard, so the assistant
//! searches them and shows what matches or asks, rather than answering
//! about a product the shopper did not name.

use kiosk_core::text::{edit_distance_within, fold, is_stopword, sound_key};
use serde::Serialize;

/// Names shorter than this are never guessed at: four-letter words are too
/// close to each other ("Luma" is one letter from "lima", five).
const MIN_NAME_CHARS: usize = 5;
/// The most words one name may have been heard as ("Maasworks" as "mass
/// works", "Nordkap" as "nord cap").
const MAX_SPAN: usize = 3;

#[derive(Debug, Clone)]
struct Name {
    /// As the store spells it.
    text: String,
    /// Folded, without spaces or hyphens.
    key: String,
    sound: String,
    /// For a product-line word ("Aviator"), its brand's key: the word is
    /// read only right after that brand ("Meridian Aviator").
    brand: Option<String>,
    /// A whole product line, brand and line words ("Luma Ball"): read from
    /// heard words that run them together or split them elsewhere
    /// ("Lumamall", "Nordkapel Pine").
    whole: bool,
}

/// The store's names a transcript is read against.
#[derive(Debug, Clone, Default)]
pub struct StoreNames {
    names: Vec<Name>,
}

/// One word (or run of words) read as a store name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub heard: String,
    pub name: String,
}

/// A transcript with the store's names put back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Corrected {
    pub text: String,
    pub changes: Vec<Change>,
}

/// A word of the transcript and where it lies in the text.
#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    key: String,
}

fn name_key(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

impl StoreNames {
    /// `names`: the store's brands as it spells them. Names under five
    /// letters, and names with digits, are left out.
    pub fn new<I, S>(names: I) -> StoreNames
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        StoreNames::with_lines(names, Vec::<(String, String)>::new())
    }

    /// Brands, and product-line words with their brand ("Meridian",
    /// "Aviator"): a line word is read only right after its brand, so a
    /// word heard elsewhere ("night") never becomes a line ("Light").
    pub fn with_lines<I, S, L, T>(brands: I, lines: L) -> StoreNames
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
        L: IntoIterator<Item = (T, T)>,
        T: AsRef<str>,
    {
        let entries =
            brands
                .into_iter()
                .map(|b| (b.as_ref().to_string(), None))
                .chain(lines.into_iter().map(|(brand, word)| {
                    (word.as_ref().to_string(), Some(name_key(brand.as_ref())))
                }))
                .collect::<Vec<_>>();
        let mut out: Vec<Name> = Vec::new();
        for (name, brand) in entries {
            let text = name.trim();
            let key = name_key(text);
            if key.chars().count() < MIN_NAME_CHARS
                || key.chars().any(|c| c.is_ascii_digit())
                || !key
                    .chars()
                    .all(|c| c.is_alphabetic() && !kiosk_core::text::is_cjk(c))
                || out.iter().any(|n| n.key == key && n.brand == brand)
            {
                continue;
            }
            out.push(Name {
                text: text.to_string(),
                sound: sound_key(&key),
                key,
                brand,
                whole: false,
            });
        }
        StoreNames { names: out }
    }

    /// Adds whole product lines as the store spells them, brand first
    /// ("Luma Ball", "Nordkap Alpine"). Heard words whose letters together
    /// are within the typo budget of exactly one line are read as it, even
    /// where the brand alone is too short to guess at ("Luma") or the
    /// words split in another place. Lines with digits are left out.
    pub fn and_whole_lines<L, T>(mut self, lines: L) -> StoreNames
    where
        L: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for line in lines {
            let text = line.as_ref().trim();
            let key = name_key(text);
            if text.split_whitespace().count() < 2
                || key.chars().count() < MIN_NAME_CHARS
                || !key
                    .chars()
                    .all(|c| c.is_alphabetic() && !kiosk_core::text::is_cjk(c))
                || self.names.iter().any(|n| n.whole && n.key == key)
            {
                continue;
            }
            self.names.push(Name {
                text: text.to_string(),
                sound: sound_key(&key),
                key,
                brand: None,
                whole: true,
            });
        }
        self
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Puts the store's names back into `text`. `known` says whether a
    /// (folded) word is one the store or the vocabulary knows; such a word
    /// is never replaced, nor is a stop word, a word with digits, or a name
    /// already heard right.
    pub fn correct(&self, text: &str, known: &dyn Fn(&str) -> bool) -> Corrected {
        let words = words(text);
        let mut changes = Vec::new();
        let mut out = String::new();
        let mut copied = 0;
        let mut i = 0;
        // The brand the word before was (as heard or read), if any.
        let mut after: Option<String> = None;
        while i < words.len() {
            let mut taken = self.joined_brand(text, &words[i..]);
            for span in (1..=MAX_SPAN.min(words.len() - i)).rev() {
                if taken.is_some() {
                    break;
                }
                let run = &words[i..i + span];
                if !self.can_replace(text, run, known) {
                    continue;
                }
                let heard: String = run.iter().map(|w| w.key.as_str()).collect();
                if let Some(name) = self.closest(&heard, after.as_deref()) {
                    taken = Some((span, name));
                    break;
                }
            }
            let next_to = |a: usize, b: usize| {
                text[words[a].end..words[b].start]
                    .chars()
                    .all(|c| c == ' ' || c == '-')
            };
            let brand_key = |key: &str| {
                self.names
                    .iter()
                    .find(|n| n.brand.is_none() && !n.whole && n.key == key)
                    .map(|n| n.key.clone())
            };
            match taken {
                Some((span, name)) => {
                    let (start, end) = (words[i].start, words[i + span - 1].end);
                    out.push_str(&text[copied..start]);
                    out.push_str(&name.text);
                    copied = end;
                    changes.push(Change {
                        heard: text[start..end].to_string(),
                        name: name.text.clone(),
                    });
                    let last = i + span - 1;
                    after = brand_key(&name.key)
                        .filter(|_| last + 1 < words.len() && next_to(last, last + 1));
                    i += span;
                }
                None => {
                    after = brand_key(&words[i].key)
                        .filter(|_| i + 1 < words.len() && next_to(i, i + 1));
                    i += 1;
                }
            }
        }
        out.push_str(&text[copied..]);
        Corrected { text: out, changes }
    }

    /// A brand heard as words that spell it exactly when joined ("tide
    /// wave" → "Tidewave"), even words the store knows on their own: the
    /// longest such run at the start of `words`, and the brand.
    fn joined_brand(&self, text: &str, words: &[Word]) -> Option<(usize, &Name)> {
        (2..=MAX_SPAN.min(words.len())).rev().find_map(|span| {
            let run = &words[..span];
            let adjacent = run.windows(2).all(|pair| {
                let gap = &text[pair[0].end..pair[1].start];
                !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '-')
            });
            if !adjacent || run.iter().any(|w| is_stopword(&w.key)) {
                return None;
            }
            let heard: String = run.iter().map(|w| w.key.as_str()).collect();
            self.names
                .iter()
                .find(|n| n.brand.is_none() && !n.whole && n.key == heard)
                .map(|n| (span, n))
        })
    }

    /// Whether `run` may be read as a name: words next to each other (a
    /// space or hyphen between), none a stop word, a known word or
    /// a name already, and for a single word, not one with digits.
    fn can_replace(&self, text: &str, run: &[Word], known: &dyn Fn(&str) -> bool) -> bool {
        for pair in run.windows(2) {
            let gap = &text[pair[0].end..pair[1].start];
            if !gap.chars().all(|c| c == ' ' || c == '-') || gap.is_empty() {
                return false;
            }
        }
        run.iter().all(|w| {
            !is_stopword(&w.key)
                && !known(&w.key)
                && !self
                    .names
                    .iter()
                    .any(|n| n.key == w.key && n.brand.is_none() && !n.whole)
                && !w.key.chars().any(|c| c.is_ascii_digit())
        })
    }

    /// The one name `heard` is close to, if exactly one is closest; a
    /// line word only right after its brand (`after`).
    fn closest(&self, heard: &str, after: Option<&str>) -> Option<&Name> {
        let heard_sound = sound_key(heard);
        let heard_len = heard.chars().count();
        let mut best: Option<(usize, &Name)> = None;
        let mut tie = false;
        for name in &self.names {
            if name.brand.is_some() && name.brand.as_deref() != after {
                continue;
            }
            let len = name.key.chars().count();
            // Within a typo budget by spelling; one more edit when it sounds
            // the same ("solen" for "Solenne").
            let budget = if len >= 8 { 2 } else { 1 };
            let sounds_alike = name.sound == heard_sound;
            let max = budget + usize::from(sounds_alike);
            if heard_len + 1 < MIN_NAME_CHARS {
                continue;
            }
            let Some(d) = edit_distance_within(heard, &name.key, max) else {
                continue;
            };
            // Rank: distance, with a sound-alike a half step closer.
            let rank = 2 * d + usize::from(!sounds_alike);
            match best {
                Some((r, _)) if r < rank => {}
                Some((r, other)) if r == rank => {
                    if other.key != name.key {
                        tie = true;
                    }
                }
                _ => {
                    best = Some((rank, name));
                    tie = false;
                }
            }
        }
        if tie {
            return None;
        }
        best.map(|(_, n)| n)
    }
}

/// The alphabetic words of `text` (Latin and other scripts with spaces;
/// CJK characters and digits end a word).
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let is_word_char = |c: char| (c.is_alphanumeric() || c == '\'') && !kiosk_core::text::is_cjk(c);
    for (i, c) in text.char_indices() {
        match (start, is_word_char(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push(word(text, s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(word(text, s, text.len()));
    }
    out.retain(|w| !w.key.is_empty());
    out
}

fn word(text: &str, start: usize, end: usize) -> Word {
    Word {
        start,
        end,
        key: name_key(&text[start..end]),
    }
}

#[cfg(test)]
mod tests;
