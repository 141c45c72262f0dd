//! Strips personal data from text before it is stored for analytics or
//! shown in lists: names a shopper gives, e-mail addresses (written or
//! spelled out), phone numbers (in digits, number words or Chinese
//! numerals) and every other digit.

/// The text with names a shopper gives ("my name is …", "ik heet …",
/// "nama saya …", "我叫…") replaced by `[name]`, e-mail addresses, written
/// or spelled out ("jan at devries dot nl"), by `[email]`, phone numbers,
/// in digits or in number words, by `[phone]`, and remaining digits by `#`.
pub fn redact(text: &str) -> String {
    let words: Vec<String> = text.split_whitespace().map(redact_cjk).collect();
    let words = redact_names(&words);
    let words = redact_spelled_emails(&words);
    let mut out = Vec::with_capacity(words.len());
    for word in &words {
        let trimmed = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '+');
        if looks_like_email(trimmed) {
            out.push("[email]".to_string());
        } else if trimmed.chars().filter(char::is_ascii_digit).count() >= 6
            && trimmed
                .chars()
                .all(|c| c.is_ascii_digit() || "+-().".contains(c))
        {
            out.push("[phone]".to_string());
        } else {
            out.push(
                word.chars()
                    .map(|c| if c.is_ascii_digit() { '#' } else { c })
                    .collect(),
            );
        }
    }
    // A phone number written with spaces ("+31 6 1234 5678") or in words
    // ("zero six one two …") survives the word pass as runs of `#` and
    // number words; collapse any run of them that holds a phone's digits.
    collapse_digit_groups(&out.join(" "))
}

/// Phrases after which a shopper says their name, as lowercase words.
const NAME_CUES: &[&[&str]] = &[
    &["my", "name", "is"],
    &["my", "name's"],
    &["call", "me"],
    &["mijn", "naam", "is"],
    &["ik", "heet"],
    &["nama", "saya"],
    &["nama", "aku"],
    &["saya", "bernama"],
];

/// Words that end a name: the sentence goes on past them.
const NAME_ENDS: &[&str] = &[
    "and", "en", "dan", "but", "maar", "tapi", "please", "graag", "tolong", "ya", "when", "als",
    "kalau",
];

/// The longest a name after a cue is taken to be, in words.
const MAX_NAME_WORDS: usize = 3;

/// Chinese cues before a name.
const CJK_NAME_CUES: &[&str] = &["我叫", "我的名字是", "我的名字叫"];

/// The longest a Chinese name is taken to be, in characters.
const MAX_CJK_NAME_CHARS: usize = 4;

/// The digits written as Chinese numerals.
const CJK_NUMERALS: &str = "零〇一二三四五六七八九";

/// How many digits make a phone number.
const PHONE_DIGITS: usize = 6;

/// Words that stand for "@" and "." when an address is spelled out.
const AT_WORDS: &[&str] = &["at", "apenstaartje", "@"];
const DOT_WORDS: &[&str] = &["dot", "punt", "titik", "点", "點"];

/// Digits said as words, in the kiosk's languages.
const NUMBER_WORDS: &[&str] = &[
    "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "nul",
    "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "nol", "kosong",
    "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
];

/// A word lowercased, without the punctuation around it.
fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '@')
        .to_lowercase()
}

/// Replaces the words after a name cue, up to a punctuation mark, a
/// connecting word or three words, by one `[name]`.
fn redact_names(words: &[String]) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|w| bare(w)).collect();
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let cue = NAME_CUES.iter().find(|cue| {
            lower.len() - i >= cue.len() && cue.iter().zip(&lower[i..]).all(|(c, w)| c == w)
        });
        let Some(cue) = cue else {
            out.push(words[i].clone());
            i += 1;
            continue;
        };
        out.extend(words[i..i + cue.len()].iter().cloned());
        i += cue.len();
        let mut taken = 0;
        let mut tail = "";
        while i < words.len() && taken < MAX_NAME_WORDS && !NAME_ENDS.contains(&lower[i].as_str()) {
            let word = &words[i];
            taken += 1;
            i += 1;
            if let Some(end) = word.strip_suffix([',', '.', '!', '?', ';', ':']) {
                tail = &word[end.len()..];
                break;
            }
        }
        if taken > 0 {
            out.push(format!("[name]{tail}"));
        }
    }
    out
}

/// "我叫王小明" → "我叫[name]", and a run of six or more Chinese numerals
/// inside the word ("電話零九一二三四五六") → `[phone]`.
fn redact_cjk(word: &str) -> String {
    let word = redact_cjk_name(word);
    let mut out = String::with_capacity(word.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= PHONE_DIGITS {
            out.push_str("[phone]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in word.chars() {
        if CJK_NUMERALS.contains(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The Han characters after a Chinese name cue, at most four, are the name.
fn redact_cjk_name(word: &str) -> String {
    for cue in CJK_NAME_CUES {
        if let Some(at) = word.find(cue) {
            let start = at + cue.len();
            let name_len: usize = word[start..]
                .chars()
                .take_while(|c| crate::text::is_cjk(*c) && !CJK_NUMERALS.contains(*c))
                .take(MAX_CJK_NAME_CHARS)
                .map(char::len_utf8)
                .sum();
            if name_len > 0 {
                return format!("{}[name]{}", &word[..start], &word[start + name_len..]);
            }
        }
    }
    word.to_string()
}

/// "jan at devries dot nl", "jan.jansen at gmail.com", "jan@devries dot nl":
/// the span from the local part to the last label becomes `[email]`.
fn redact_spelled_emails(words: &[String]) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|w| bare(w)).collect();
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        match spelled_email_end(&lower, i) {
            Some(end) => {
                let word = &words[end];
                let trailing = &word[word.trim_end_matches(|c: char| !c.is_alphanumeric()).len()..];
                out.push(format!("[email]{trailing}"));
                i = end + 1;
            }
            None => {
                out.push(words[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// The last word of an address spelled out from word `i` on, if one is.
fn spelled_email_end(lower: &[String], i: usize) -> Option<usize> {
    let label =
        |w: &str| !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || "._-".contains(c));
    let (domain_word, domain) = if let Some((local, domain)) = lower[i].split_once('@') {
        if local.is_empty() {
            return None;
        }
        if domain.is_empty() {
            (i + 1, lower.get(i + 1)?.as_str())
        } else {
            (i, domain)
        }
    } else if label(&lower[i]) && AT_WORDS.contains(&lower.get(i + 1)?.as_str()) {
        (i + 2, lower.get(i + 2)?.as_str())
    } else {
        return None;
    };
    if !label(domain) {
        return None;
    }
    let mut dots = domain.matches('.').count();
    let mut end = domain_word;
    while end + 2 < lower.len()
        && DOT_WORDS.contains(&lower[end + 1].as_str())
        && label(&lower[end + 2])
    {
        end += 2;
        dots += 1;
    }
    // An address written whole in one word is left to the word pass.
    (dots > 0 && end > i).then_some(end)
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

/// How many digits a word stands for in a phone number: `#` marks, a
/// number word, or a run of Chinese numerals.
fn digits_in(word: &str) -> usize {
    if !word.is_empty() && word.chars().all(|c| c == '#' || "+-().".contains(c)) {
        return word.matches('#').count();
    }
    let bare = bare(word);
    if NUMBER_WORDS.contains(&bare.as_str()) {
        return 1;
    }
    if !bare.is_empty() && bare.chars().all(|c| CJK_NUMERALS.contains(c)) {
        return bare.chars().count();
    }
    0
}

fn collapse_digit_groups(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if digits_in(words[i]) > 0 {
            let mut j = i;
            let mut digits = 0;
            while j < words.len() && digits_in(words[j]) > 0 {
                digits += digits_in(words[j]);
                j += 1;
            }
            if digits >= PHONE_DIGITS {
                out.push("[phone]".into());
            } else {
                out.extend(words[i..j].iter().map(|w| w.to_string()));
            }
            i = j;
        } else {
            out.push(words[i].to_string());
            i += 1;
        }
    }
    out.join(" ")
}

/// Shows enough of a contact for the shopper to recognise it:
/// `j***@example.com`, `*** *** 78`.
pub fn mask_contact(contact: &str) -> String {
    if let Some((local, domain)) = contact.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let digits: Vec<char> = contact.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("***{tail}")
}

#[cfg(test)]
mod tests;
