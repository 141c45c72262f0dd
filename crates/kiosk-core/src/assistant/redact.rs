//! Strips personal data from text before it is stored for analytics:
//! e-mail addresses, phone numbers and every other digit.

/// The text with e-mail addresses replaced by `[email]`, phone-like digit
/// runs by `[phone]`, and remaining digits by `#`.
pub fn redact(text: &str) -> String {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
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
    // A phone number written with spaces ("+31 6 1234 5678") survives the
    // word pass as runs of `#`; collapse any run of digit groups.
    let joined = out.join(" ");
    collapse_digit_groups(&joined)
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

fn collapse_digit_groups(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let is_group = |w: &str| {
        !w.is_empty() && w.chars().all(|c| c == '#' || "+-().".contains(c)) && w.contains('#')
    };
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if is_group(words[i]) {
            let mut j = i;
            let mut digits = 0;
            while j < words.len() && is_group(words[j]) {
                digits += words[j].matches('#').count();
                j += 1;
            }
            if digits >= 6 {
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
