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

    /// Formats the amount with a currency for a shopper of `lang`: the
    /// digits, grouping and decimal separator from CLDR's locale data (ICU4X),
    /// as many decimals as the currency is shown with: `€ 1,299.00` in
    /// English, `€ 1.299,00` in Dutch, `Rp 150.000` in Indonesian.
    pub fn display(self, currency: &str, lang: crate::Lang) -> String {
        let symbol = match currency {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            "IDR" => "Rp",
            "TWD" => "NT$",
            "JPY" => "¥",
            other => other,
        };
        let amount = self.format_number(shown_decimals(currency), lang);
        if symbol.len() > 3 {
            format!("{amount} {symbol}")
        } else {
            format!("{symbol} {amount}")
        }
    }

    /// The amount with `decimals` decimals (rounded half away from zero),
    /// in `lang`'s number style.
    fn format_number(self, decimals: i16, lang: crate::Lang) -> String {
        let mut decimal = icu_decimal::input::Decimal::from(self.minor);
        decimal.multiply_pow10(-2);
        decimal.round(-decimals);
        decimal.pad_end(-decimals);
        with_formatter(lang, &decimal)
    }
}

/// The decimals a currency is shown with at a till: ISO 4217's minor
/// units, except where shoppers never see them (the rupiah and the New
/// Taiwan dollar are priced in whole units).
fn shown_decimals(currency: &str) -> i16 {
    match currency {
        "IDR" | "TWD" | "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" | "PYG" => 0,
        _ => 2,
    }
}

/// Formats with the decimal formatter of `lang`, made once per thread
/// (ICU4X formatters are not `Sync`).
fn with_formatter(lang: crate::Lang, decimal: &icu_decimal::input::Decimal) -> String {
    use std::cell::OnceCell;
    thread_local! {
        static FORMATTERS: [OnceCell<icu_decimal::DecimalFormatter>; 4] =
            const { [const { OnceCell::new() }; 4] };
    }
    let (slot, tag) = match lang {
        crate::Lang::En => (0, "en"),
        crate::Lang::Nl => (1, "nl"),
        crate::Lang::Id => (2, "id"),
        crate::Lang::Zh => (3, "zh-Hant-TW"),
    };
    FORMATTERS.with(|formatters| {
        formatters[slot]
            .get_or_init(|| {
                let locale: icu_locale_core::Locale = tag.parse().expect("a valid BCP 47 tag");
                icu_decimal::DecimalFormatter::try_new((&locale).into(), Default::default())
                    .expect("compiled CLDR data holds the kiosk's languages")
            })
            .format(decimal)
            .to_string()
    })
}

/// Serde for a [`Money`] written as a decimal number (`99.95`), the shape
/// of prices in the kiosk's JSON (docs/reply-schema.md); the value stays
/// whole minor units in Rust.
pub mod decimal {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Money;

    pub fn serialize<S: Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(m.as_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let v = f64::deserialize(d)?;
        from_f64(v).ok_or_else(|| serde::de::Error::custom(format!("not a price: {v}")))
    }

    pub(super) fn from_f64(v: f64) -> Option<Money> {
        let minor = (v * 100.0).round();
        (minor.is_finite() && minor.abs() < 9.0e15).then(|| Money::from_minor(minor as i64))
    }

    /// The same for an optional price (`null` when absent).
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        use super::super::Money;

        pub fn serialize<S: Serializer>(m: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
            match m {
                Some(m) => s.serialize_f64(m.as_f64()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
            match Option::<f64>::deserialize(d)? {
                None => Ok(None),
                Some(v) => super::from_f64(v)
                    .map(Some)
                    .ok_or_else(|| serde::de::Error::custom(format!("not a price: {v}"))),
            }
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
