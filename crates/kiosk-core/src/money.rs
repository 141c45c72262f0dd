//! Prices as integer minor units, so no fact the kiosk states is a float
//! rounding artefact.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount in minor units (cents) of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
}

impl Money {
    pub fn from_minor(minor: i64) -> Money {
        Money { minor }
    }

    /// The amount as a decimal number (for JSON and range filters).
    pub fn as_f64(self) -> f64 {
        self.minor as f64 / 100.0
    }

    /// Parses a decimal amount as written in exports: `12`, `12.5`, `12.50`,
    /// `1,299.00`, `12,50`, `€ 12.50`. Returns `None` for anything that is not
    /// unambiguously a price.
    pub fn parse_decimal(raw: &str) -> Option<Money> {
        let mut s: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, '€' | '$' | '£' | '¥' | ' ' | '\u{a0}'))
            .collect();
        for prefix in ["EUR", "USD", "GBP", "IDR", "Rp", "NT", "TWD"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.to_string();
            }
        }
        if s.is_empty() {
            return None;
        }
        let negative = s.starts_with('-');
        if negative {
            return None;
        }
        let (commas, dots) = (s.matches(',').count(), s.matches('.').count());
        let normalized = match (commas, dots) {
            (0, 0) | (0, 1) => s.clone(),
            // `12,50`: a decimal comma.
            (1, 0) if s.rsplit(',').next().is_some_and(|frac| frac.len() <= 2) => {
                s.replace(',', ".")
            }
            // `1,299` or `1,299.00`: thousands separators.
            (_, 0) | (_, 1) if s.find(',') < s.find('.').or(Some(usize::MAX)) => {
                let groups_ok = s
                    .split('.')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .skip(1)
                    .all(|g| g.len() == 3);
                if !groups_ok {
                    return None;
                }
                s.replace(',', "")
            }
            // `1.299,00`: European thousands separators.
            (1, _) if s.find('.') < s.find(',') => {
                let int_part = s.split(',').next().unwrap_or("");
                if !int_part.split('.').skip(1).all(|g| g.len() == 3) {
                    return None;
                }
                s.replace('.', "").replace(',', ".")
            }
            _ => return None,
        };
        let (int_part, frac_part) = match normalized.split_once('.') {
            Some((i, f)) => (i, f),
            None => (normalized.as_str(), ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part.chars().all(|c| c.is_ascii_digit())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
            || frac_part.len() > 4
        {
            return None;
        }
        let whole: i64 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().ok()?
        };
        let mut frac = frac_part.to_string();
        while frac.len() < 2 {
            frac.push('0');
        }
        let cents: i64 = frac[..2].parse().ok()?;
        // Round half up on a third decimal.
        let round_up = frac.as_bytes().get(2).is_some_and(|d| *d >= b'5');
        whole
            .checked_mul(100)?
            .checked_add(cents + i64::from(round_up))
            .map(Money::from_minor)
    }

    /// Formats the amount with a currency, in the house style of a language:
    /// `€ 12.50` in English, `€ 12,50` in Dutch and Indonesian.
    pub fn display(self, currency: &str, lang: crate::Lang) -> String {
        let symbol = match currency {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            "IDR" => "Rp",
            "TWD" => "NT$",
            other => other,
        };
        let whole = self.minor / 100;
        let cents = self.minor % 100;
        let sep = match lang {
            crate::Lang::Nl | crate::Lang::Id => ',',
            crate::Lang::En | crate::Lang::Zh => '.',
        };
        if symbol.len() > 3 {
            format!("{whole}{sep}{cents:02} {symbol}")
        } else {
            format!("{symbol} {whole}{sep}{cents:02}")
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.minor / 100, self.minor % 100)
    }
}

#[cfg(test)]
mod tests;
