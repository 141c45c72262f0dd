//! What Whisper says when nobody speaks. On silence and noise it tends to
//! produce the closing lines of the videos it was trained on ("Thanks for
//! watching!", subtitle credits) or tags like "[Music]", or loops on a
//! phrase ("the way of the way of..."). A segment is dropped when
//! whisper.cpp itself thinks there was no speech, when the decoder was unsure
//! of its words, when it repeats itself, or when its text is one of those
//! known lines.

use std::collections::HashSet;

use serde::Serialize;

/// Thresholds for dropping a segment.
#[derive(Debug, Clone, Copy)]
pub struct FilterOptions {
    /// Drop a segment whose no-speech probability is above this.
    pub max_no_speech_prob: f32,
    /// Drop a segment whose mean token log-probability is below this when
    /// its no-speech probability is above `unsure_no_speech_prob`: the
    /// decoder was unsure of its words and may have heard only noise. An
    /// accent or a brand name Whisper does not know also lowers the
    /// log-probability, with speech clearly there (no-speech 0.1–0.4 on
    /// spoken questions, about 0.57 on the shared background noise).
    pub min_avg_logprob: f32,
    /// See `min_avg_logprob`.
    pub unsure_no_speech_prob: f32,
    /// Drop a segment whose mean token log-probability is below this,
    /// whatever the no-speech probability: words made up from noise
    /// (-2.1 to -4.4 on the shared background noise; spoken questions
    /// -0.4 to -1.5).
    pub min_avg_logprob_any: f32,
    /// A known hallucination is dropped when its no-speech probability is
    /// above this (a shopper may really say "thank you").
    pub phrase_no_speech_prob: f32,
}

impl Default for FilterOptions {
    fn default() -> FilterOptions {
        FilterOptions {
            max_no_speech_prob: 0.6,
            min_avg_logprob: -1.0,
            unsure_no_speech_prob: 0.5,
            min_avg_logprob_any: -1.8,
            phrase_no_speech_prob: 0.05,
        }
    }
}

/// Why a segment was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// whisper.cpp's no-speech probability was high.
    NoSpeech,
    /// The decoder was unsure of the words.
    LowConfidence,
    /// A line Whisper is known to invent on silence.
    Hallucination,
    /// Only punctuation, a sound tag or a music symbol.
    NotWords,
    /// The same few words over and over (a decoding loop).
    Repetitive,
}

/// Lines Whisper invents on silence, folded (lowercase, no punctuation).
/// Matched against a whole segment, or its start for the credit lines.
const ALWAYS: &[&str] = &[
    "thanks for watching",
    "thank you for watching",
    "thank you so much for watching",
    "thank you very much for watching",
    "thanks for watching and ill see you next time",
    "please subscribe",
    "please like and subscribe",
    "dont forget to like and subscribe",
    "subscribe to my channel",
    "bedankt voor het kijken",
    "dank je wel voor het kijken",
    "bedankt om te kijken",
    "terima kasih telah menonton",
    "terima kasih sudah menonton",
    "谢谢观看",
    "謝謝觀看",
    "感谢观看",
    "感謝觀看",
    "请不吝点赞订阅转发打赏支持明镜与点点栏目",
    "請不吝點贊訂閱轉發打賞支持明鏡與點點欄目",
    "ご視聴ありがとうございました",
];

/// Credit lines: dropped when the segment starts with one of these.
const PREFIXES: &[&str] = &[
    "subtitles by",
    "subtitled by",
    "captions by",
    "transcribed by",
    "transcription by",
    "translated by",
    "ondertiteling",
    "ondertiteld door",
    "ondertitels ingediend door",
    "ondertitels door",
    "sous-titres",
    "untertitel",
    "subtitulado por",
    "字幕由",
    "字幕by",
    "字幕提供",
    "amaraorg",
];

/// Short replies Whisper also invents on silence, but which a shopper may
/// say: dropped only with some doubt about speech.
const DOUBTFUL: &[&str] = &[
    "you",
    "thank you",
    "thanks",
    "bye",
    "so",
    "okay",
    "oh",
    "uh",
    "um",
    "music",
    "muziek",
    "musik",
];

/// Lowercase letters and digits only (spaces kept between words; CJK kept).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if ch.is_whitespace() && !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        } else if ch == '-' && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end().trim_end_matches('-').to_string()
}

/// Whether `text` is only a sound tag ("[Music]", "(applause)", "♪ ♪",
/// "*sigh*") or punctuation.
fn is_not_words(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || !t.chars().any(char::is_alphanumeric) {
        return true;
    }
    let bracketed = |open: char, close: char| t.starts_with(open) && t.ends_with(close);
    bracketed('[', ']') || bracketed('(', ')') || bracketed('*', '*') || t.starts_with('♪')
}

/// Whether the text loops: fewer than half of its word trigrams (character
/// trigrams for Chinese and Japanese) are distinct. OpenAI's Whisper uses a
/// gzip compression ratio for the same purpose.
pub fn is_repetitive(text: &str) -> bool {
    let folded = fold(text);
    let cjk = folded
        .chars()
        .filter(|&c| kiosk_core::text::is_cjk(c))
        .count();
    let units: Vec<String> = if cjk * 2 > folded.chars().filter(|c| !c.is_whitespace()).count() {
        folded
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(String::from)
            .collect()
    } else {
        folded.split_whitespace().map(str::to_owned).collect()
    };
    if units.len() < 12 {
        return false;
    }
    let grams: Vec<&[String]> = units.windows(3).collect();
    let distinct: HashSet<&[String]> = grams.iter().copied().collect();
    distinct.len() * 2 < grams.len()
}

/// Decides whether to drop one segment; `None` keeps it.
pub fn judge(
    text: &str,
    no_speech_prob: f32,
    avg_logprob: f32,
    options: &FilterOptions,
) -> Option<DropReason> {
    if is_not_words(text) {
        return Some(DropReason::NotWords);
    }
    if no_speech_prob > options.max_no_speech_prob {
        return Some(DropReason::NoSpeech);
    }
    if avg_logprob < options.min_avg_logprob_any
        || (avg_logprob < options.min_avg_logprob && no_speech_prob > options.unsure_no_speech_prob)
    {
        return Some(DropReason::LowConfidence);
    }
    if is_repetitive(text) {
        return Some(DropReason::Repetitive);
    }
    let folded = fold(text);
    let squashed: String = folded
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let matches = |list: &[&str]| {
        list.iter().any(|p| {
            let p_squashed: String = p.chars().filter(|c| !c.is_whitespace()).collect();
            folded == *p || squashed == p_squashed
        })
    };
    let starts = PREFIXES.iter().any(|p| {
        let p_squashed: String = p
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        folded.starts_with(p) || squashed.starts_with(&p_squashed)
    });
    if matches(ALWAYS) || starts {
        return Some(DropReason::Hallucination);
    }
    if matches(DOUBTFUL) && no_speech_prob > options.phrase_no_speech_prob {
        return Some(DropReason::Hallucination);
    }
    None
}

#[cfg(test)]
mod tests;
