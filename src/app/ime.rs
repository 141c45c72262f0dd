//! Chinese input for the on-screen keyboard: pinyin (or zhuyin, turned into
//! pinyin first) converted to words, ranked by how often they are used.
//!
//! The dictionary is `assets/ime/pinyin.tsv` (see `assets/ime/SOURCES.md`),
//! compiled in and parsed the first time Chinese input is used. A typed
//! string is read as a lattice: from each letter, every syllable it starts
//! (and, for an initial such as "n" or "zh", or the unfinished last
//! syllable, every syllable it may begin), and over those the dictionary's
//! words. The first candidate is the likeliest reading of the whole input
//! (the words whose counts multiply highest, by dynamic programming); then
//! the words that read its beginning, the longest first, each length by
//! count. Picking one commits its text and leaves the rest of the input to
//! type on.

use std::collections::HashMap;
use std::sync::OnceLock;

mod zhuyin;

pub use zhuyin::to_pinyin as zhuyin_to_pinyin;

/// The compiled-in dictionary, one line per reading and word.
const DATA: &str = include_str!("../../assets/ime/pinyin.tsv");

/// How many candidates a bar offers at most.
const MAX_CANDIDATES: usize = 60;
/// Reading a syllable from its initial alone ("n" for "ni") costs this
/// much, in the same units as a word's cost (−ln of its share of the
/// corpus), so a full reading wins over an abbreviated one.
const ABBREVIATED: f32 = 4.0;
/// The unfinished last syllable ("hei s" while typing "heise") costs this
/// much.
const UNFINISHED: f32 = 1.0;
/// The longest pinyin syllable ("zhuang", "shuang").
const LONGEST_SYLLABLE: usize = 6;

/// Which characters the candidates are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Traditional,
    Simplified,
}

/// Where syllables may break: anywhere the letters allow (pinyin), or only
/// where the input marks it (zhuyin turned into pinyin, where every
/// syllable is known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breaks {
    Free,
    Marked,
}

/// One choice in the candidate bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub text: String,
    /// How much of the typed input (bytes, separators included) picking
    /// this candidate uses up.
    pub consumed: usize,
}

/// A line of the dictionary file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    pub line: usize,
    pub expected: &'static str,
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "assets/ime/pinyin.tsv line {}: expected {}",
            self.line, self.expected
        )
    }
}

impl std::error::Error for DataError {}

struct Word {
    traditional: Box<str>,
    /// `None` where it is the same as the Traditional form.
    simplified: Option<Box<str>>,
    cost: f32,
}

impl Word {
    fn text(&self, script: Script) -> &str {
        match (script, &self.simplified) {
            (Script::Simplified, Some(s)) => s,
            _ => &self.traditional,
        }
    }
}

/// The pinyin dictionary: syllables, words, and a trie from syllable
/// sequences to the words that read so.
pub struct Dictionary {
    syllable_ids: HashMap<Box<str>, u16>,
    /// Every beginning of a syllable ("s", "sh", "sha", "shan"...) to the
    /// syllables it begins, itself included when it is one.
    beginnings: HashMap<Box<str>, Vec<u16>>,
    words: Vec<Word>,
    /// (node, syllable) → child node; node 0 is the root.
    children: HashMap<(u32, u16), u32>,
    /// Per node, the words read by the path to it, cheapest first.
    node_words: Vec<Vec<u32>>,
}

/// The dictionary, parsed on first use.
pub fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(|| {
        Dictionary::parse(DATA).expect("the compiled-in dictionary is checked by the unit tests")
    })
}

/// A stretch of input letters read as one syllable.
struct Token {
    end: usize,
    syllables: Vec<u16>,
    penalty: f32,
}

/// One word found in the input: letters `start..end`.
#[derive(Clone, Copy)]
struct Edge {
    end: usize,
    word: u32,
    cost: f32,
}

impl Dictionary {
    /// Reads the dictionary file (`syllables<TAB>traditional<TAB>simplified
    /// <TAB>count` per line).
    pub fn parse(text: &str) -> Result<Dictionary, DataError> {
        let mut rows = Vec::new();
        let mut total = 0f64;
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let err = |expected| DataError {
                line: line_no,
                expected,
            };
            let mut fields = line.split('\t');
            let (Some(reading), Some(traditional), Some(simplified), Some(count), None) = (
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
            ) else {
                return Err(err("4 tab-separated fields"));
            };
            let syllables: Vec<&str> = reading.split(' ').collect();
            if syllables
                .iter()
                .any(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_lowercase()))
            {
                return Err(err("lowercase pinyin syllables separated by single spaces"));
            }
            if traditional.is_empty() {
                return Err(err("a word in the second field"));
            }
            let count: u64 = count
                .parse()
                .map_err(|_| err("a whole number count in the fourth field"))?;
            total += count as f64;
            rows.push((syllables, traditional, simplified, count));
        }
        if rows.is_empty() {
            return Err(DataError {
                line: 1,
                expected: "at least one entry",
            });
        }

        let mut dictionary = Dictionary {
            syllable_ids: HashMap::new(),
            beginnings: HashMap::new(),
            words: Vec::with_capacity(rows.len()),
            children: HashMap::new(),
            node_words: vec![Vec::new()],
        };
        for (syllables, traditional, simplified, count) in rows {
            let mut node = 0u32;
            for syllable in syllables {
                let id = dictionary.syllable_id(syllable);
                let next = dictionary.node_words.len() as u32;
                node = *dictionary.children.entry((node, id)).or_insert(next);
                if node == next {
                    dictionary.node_words.push(Vec::new());
                }
            }
            let word = dictionary.words.len() as u32;
            dictionary.words.push(Word {
                traditional: traditional.into(),
                simplified: (!simplified.is_empty() && simplified != traditional)
                    .then(|| simplified.into()),
                cost: -((count.max(1) as f64 / total).ln()) as f32,
            });
            dictionary.node_words[node as usize].push(word);
        }
        let words = &dictionary.words;
        for list in &mut dictionary.node_words {
            list.sort_by(|a, b| words[*a as usize].cost.total_cmp(&words[*b as usize].cost));
        }
        Ok(dictionary)
    }

    fn syllable_id(&mut self, syllable: &str) -> u16 {
        if let Some(id) = self.syllable_ids.get(syllable) {
            return *id;
        }
        let id = self.syllable_ids.len() as u16;
        self.syllable_ids.insert(syllable.into(), id);
        for end in 1..=syllable.len() {
            self.beginnings
                .entry(syllable[..end].into())
                .or_default()
                .push(id);
        }
        id
    }

    /// The candidates for the typed pinyin `input` (letters, with `'` or
    /// spaces where the shopper marked a syllable break), best first. The
    /// typed letters themselves come last, so Latin text can be typed too.
    pub fn candidates(&self, input: &str, script: Script, breaks_at: Breaks) -> Vec<Candidate> {
        let (letters, offsets, breaks) = letters_of(input);
        let n = letters.len();
        if n == 0 {
            return Vec::new();
        }
        let tokens: Vec<Vec<Token>> = (0..n)
            .map(|i| self.tokens(&letters, &breaks, breaks_at, i))
            .collect();
        // Every word from the first letter (the bar offers them); from the
        // others only the cheapest per reading, which is all the best path
        // can use.
        let edges: Vec<Vec<Edge>> = (0..n)
            .map(|i| self.edges_from(&tokens, i, i == 0))
            .collect();
        let consumed = |end: usize| {
            if end == n { input.len() } else { offsets[end] }
        };

        let mut out: Vec<Candidate> = Vec::new();
        let push = |out: &mut Vec<Candidate>, text: String, end: usize| {
            if out.len() < MAX_CANDIDATES && !out.iter().any(|c| c.text == text) {
                out.push(Candidate {
                    text,
                    consumed: consumed(end),
                });
            }
        };
        if let Some(path) = best_path(&edges, n).filter(|p| p.len() > 1) {
            let text: String = path
                .iter()
                .map(|w| self.words[*w as usize].text(script))
                .collect();
            push(&mut out, text, n);
        }
        let mut first = edges[0].clone();
        first.sort_by(|a, b| b.end.cmp(&a.end).then(a.cost.total_cmp(&b.cost)));
        for edge in first {
            let text = self.words[edge.word as usize].text(script).to_string();
            push(&mut out, text, edge.end);
        }
        let typed: String = letters.iter().map(|b| char::from(*b)).collect();
        out.truncate(MAX_CANDIDATES - 1);
        push(&mut out, typed, n);
        out
    }

    /// The syllables the letters from `start` can be read as.
    fn tokens(
        &self,
        letters: &[u8],
        breaks: &[bool],
        breaks_at: Breaks,
        start: usize,
    ) -> Vec<Token> {
        let mut tokens = Vec::new();
        let n = letters.len();
        for end in start + 1..=n.min(start + LONGEST_SYLLABLE) {
            if end > start + 1 && breaks[end - 1] {
                break;
            }
            let Ok(text) = std::str::from_utf8(&letters[start..end]) else {
                break;
            };
            let Some(begun) = self.beginnings.get(text) else {
                break;
            };
            let last = end == n;
            if breaks_at == Breaks::Marked && !last && !breaks[end] {
                continue;
            }
            let whole = self.syllable_ids.get(text).copied();
            if let Some(id) = whole {
                tokens.push(Token {
                    end,
                    syllables: vec![id],
                    penalty: 0.0,
                });
            }
            // An initial stands for a syllable only where the next letter
            // cannot go on with it ("nh": n then h; not the s of "se").
            let initial = is_initial(text)
                && (last
                    || breaks[end]
                    || std::str::from_utf8(&letters[start..=end])
                        .is_ok_and(|longer| !self.beginnings.contains_key(longer)));
            if last || initial {
                let others: Vec<u16> = begun
                    .iter()
                    .copied()
                    .filter(|id| Some(*id) != whole)
                    .collect();
                if !others.is_empty() {
                    tokens.push(Token {
                        end,
                        syllables: others,
                        penalty: if initial { ABBREVIATED } else { UNFINISHED },
                    });
                }
            }
        }
        tokens
    }

    /// The words that read the letters from `start` on (every one, or the
    /// cheapest per reading), with where each ends and its cost (its own,
    /// plus any abbreviation's).
    fn edges_from(&self, tokens: &[Vec<Token>], start: usize, every_word: bool) -> Vec<Edge> {
        let mut edges = Vec::new();
        let mut stack = vec![(0u32, start, 0f32)];
        while let Some((node, at, penalty)) = stack.pop() {
            if at >= tokens.len() {
                continue;
            }
            for token in &tokens[at] {
                for syllable in &token.syllables {
                    let Some(child) = self.children.get(&(node, *syllable)) else {
                        continue;
                    };
                    let penalty = penalty + token.penalty;
                    let words = &self.node_words[*child as usize];
                    let words = if every_word {
                        &words[..]
                    } else {
                        &words[..words.len().min(1)]
                    };
                    for word in words {
                        edges.push(Edge {
                            end: token.end,
                            word: *word,
                            cost: self.words[*word as usize].cost + penalty,
                        });
                    }
                    stack.push((*child, token.end, penalty));
                }
            }
        }
        edges
    }
}

/// The candidates for typed zhuyin: read as pinyin, then each pick's
/// extent mapped back to the zhuyin; the last candidate is the zhuyin
/// itself.
pub fn zhuyin_candidates(composition: &str, script: Script) -> Vec<Candidate> {
    let (pinyin, ends) = zhuyin_to_pinyin(composition);
    let mut found = dictionary().candidates(&pinyin, script, Breaks::Marked);
    for candidate in &mut found {
        candidate.consumed = ends
            .iter()
            // A syllable's letters end at `in_pinyin`; the next start one
            // separator later.
            .find(|(_, in_pinyin)| in_pinyin + 1 >= candidate.consumed)
            .map_or(composition.len(), |(in_zhuyin, _)| *in_zhuyin);
    }
    if let Some(last) = found.last_mut() {
        last.text = composition.to_string();
    }
    found
}

/// The cheapest sequence of words over all `n` letters, if any.
fn best_path(edges: &[Vec<Edge>], n: usize) -> Option<Vec<u32>> {
    let mut best: Vec<Option<(f32, usize, u32)>> = vec![None; n + 1];
    best[0] = Some((0.0, 0, 0));
    for start in 0..n {
        let Some((so_far, _, _)) = best[start] else {
            continue;
        };
        for edge in &edges[start] {
            let cost = so_far + edge.cost;
            if best[edge.end].is_none_or(|(c, _, _)| cost < c) {
                best[edge.end] = Some((cost, start, edge.word));
            }
        }
    }
    let mut path = Vec::new();
    let mut at = n;
    while at > 0 {
        let (_, from, word) = best[at]?;
        path.push(word);
        at = from;
    }
    path.reverse();
    Some(path)
}

/// The input's letters (lowercased), each one's byte offset in the input,
/// and whether the shopper marked a syllable break before it.
fn letters_of(input: &str) -> (Vec<u8>, Vec<usize>, Vec<bool>) {
    let mut letters = Vec::new();
    let mut offsets = Vec::new();
    let mut breaks = Vec::new();
    let mut pending_break = false;
    for (offset, c) in input.char_indices() {
        if c.is_ascii_alphabetic() {
            letters.push(c.to_ascii_lowercase() as u8);
            offsets.push(offset);
            breaks.push(pending_break);
            pending_break = false;
        } else {
            pending_break = true;
        }
    }
    (letters, offsets, breaks)
}

/// An initial written alone stands for any syllable it starts ("zh",
/// "n"); a vowel never does.
fn is_initial(text: &str) -> bool {
    matches!(text, "zh" | "ch" | "sh")
        || (text.len() == 1 && !matches!(text, "a" | "e" | "i" | "o" | "u" | "v"))
}

#[cfg(test)]
mod tests;
