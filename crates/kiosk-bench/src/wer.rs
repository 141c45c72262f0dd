//! Word and character error rates, for the quality tests and `kiosk bench
//! asr`. Both sides are folded the same way first (case, accents,
//! punctuation, and Simplified → Traditional Chinese, via
//! `kiosk_core::text::fold`), so only the words count.

use serde::Serialize;

/// Errors (substitutions + insertions + deletions) against a reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    pub errors: usize,
    pub reference_len: usize,
}

impl Score {
    /// Errors per reference unit (0 for an empty reference with no output).
    pub fn rate(&self) -> f64 {
        if self.reference_len == 0 {
            if self.errors == 0 { 0.0 } else { 1.0 }
        } else {
            self.errors as f64 / self.reference_len as f64
        }
    }
}

impl std::ops::Add for Score {
    type Output = Score;

    fn add(self, other: Score) -> Score {
        Score {
            errors: self.errors + other.errors,
            reference_len: self.reference_len + other.reference_len,
        }
    }
}

/// Which unit a language is scored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// Word error rate.
    Wer,
    /// Character error rate, for languages written without spaces.
    Cer,
}

impl Metric {
    pub fn for_lang(code: &str) -> Metric {
        match code {
            "zh" | "ja" | "yue" | "th" | "lo" | "my" => Metric::Cer,
            _ => Metric::Wer,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Metric::Wer => "WER",
            Metric::Cer => "CER",
        }
    }
}

/// Folded words: letters and digits, apostrophes dropped.
pub fn words(text: &str) -> Vec<String> {
    let folded = kiosk_core::text::fold(text);
    let mut cleaned = String::with_capacity(folded.len());
    for ch in folded.chars() {
        if ch.is_alphanumeric() {
            cleaned.push(ch);
        } else if ch != '\'' && ch != '’' {
            cleaned.push(' ');
        }
    }
    cleaned.split_whitespace().map(str::to_owned).collect()
}

/// Folded characters, without spaces or punctuation.
pub fn chars(text: &str) -> Vec<char> {
    kiosk_core::text::fold(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Levenshtein distance.
pub fn edit_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(x != y);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Scores `hypothesis` against `reference` in `metric`'s unit.
pub fn score(metric: Metric, reference: &str, hypothesis: &str) -> Score {
    match metric {
        Metric::Wer => {
            let (r, h) = (words(reference), words(hypothesis));
            Score {
                errors: edit_distance(&r, &h),
                reference_len: r.len(),
            }
        }
        Metric::Cer => {
            let (r, h) = (chars(reference), chars(hypothesis));
            Score {
                errors: edit_distance(&r, &h),
                reference_len: r.len(),
            }
        }
    }
}

#[cfg(test)]
mod tests;
