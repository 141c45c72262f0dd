//! Wording: how options, sizes, colours, constraints and lists are said in
//! the shopper's language, and the reply's slots.

use crate::assistant::Assistant;
use crate::assistant::Session;
use crate::assistant::Slots;
use crate::assistant::phrasebook::{list, say};
use crate::assistant::resolve::VariantQuery;
use crate::assistant::understand::Reading;
use crate::lexicon::ConceptKind;
use crate::{Lang, Money, ProductRecord, Variant};

impl Assistant<'_> {
    /// "size 9, black" in the shopper's language ("9號黑色" in Chinese).
    pub(super) fn options_text(&self, v: &Variant, lang: Lang) -> String {
        let size = v.size().map(|size| {
            if size.eq_ignore_ascii_case("one size") {
                self.size_name(size, lang)
            } else {
                size_text(size, lang)
            }
        });
        let colour = v.color().map(|color| self.color_name(color, lang));
        let others = v
            .options
            .iter()
            .filter(|(name, _)| *name != "Size" && *name != "Color")
            .map(|(name, value)| format!("{name} {value}"))
            .collect();
        join_options(size, colour, others, lang)
    }

    /// A variant's options as a choice among its product's variants: its
    /// size and colour, and the other options whose values differ between
    /// the variants. An option every variant has alike ("Vinarija
    /// Aleksandrović", "Region Šumadija" of a wine's only variant) is a
    /// fact of the product, not a variant to choose.
    pub(super) fn choice_text(&self, v: &Variant, record: &ProductRecord, lang: Lang) -> String {
        let mut choice = v.clone();
        choice.options.retain(|name, value| {
            name == "Size"
                || name == "Color"
                || record
                    .variants
                    .iter()
                    .any(|other| other.options.get(name) != Some(value))
        });
        self.options_text(&choice, lang)
    }

    pub(super) fn color_name(&self, color: &str, lang: Lang) -> String {
        let lexicon = self.stock.lexicon();
        match lexicon.lookup(color) {
            Some(idx) if lexicon.concept(idx).kind == ConceptKind::Color => {
                lexicon.concept(idx).name(lang).to_string()
            }
            _ => color.to_string(),
        }
    }

    pub(super) fn size_name(&self, size: &str, lang: Lang) -> String {
        let lexicon = self.stock.lexicon();
        lexicon
            .concepts()
            .iter()
            .find(|c| c.kind == ConceptKind::Size && c.id.eq_ignore_ascii_case(size))
            .map_or(size.to_string(), |c| c.name(lang).to_string())
    }

    /// What the shopper asked for, as words: "size 9, black".
    pub(super) fn asked_text(&self, reading: &Reading, lang: Lang) -> String {
        let size = reading.size.as_deref().map(|s| size_text(s, lang));
        let colours: Vec<String> = reading
            .colour_concepts()
            .into_iter()
            .map(|c| self.stock.lexicon().concept(c).name(lang).to_string())
            .chain(reading.color_value.clone())
            .collect();
        join_options(size, Some(list(lang, &colours)), Vec::new(), lang)
    }

    /// The sizes (or colours) a product does come in.
    pub(super) fn available_text(
        &self,
        record: &ProductRecord,
        want: &VariantQuery,
        lang: Lang,
    ) -> String {
        // Size and colour asked, and the size exists: the colours made in
        // that size; the colour exists: the sizes made in that colour.
        if let Some(size) = &want.size
            && want.asks_colour()
        {
            let collect = |pick: &dyn Fn(&Variant) -> Option<String>| {
                let mut values: Vec<String> = Vec::new();
                for v in &record.variants {
                    if let Some(x) = pick(v)
                        && !values.contains(&x)
                    {
                        values.push(x);
                    }
                }
                values
            };
            let in_size: Vec<String> = collect(&|v: &Variant| {
                want.size_matches(v)
                    .then(|| v.color().map(|c| self.color_name(c, lang)))
                    .flatten()
            });
            if !in_size.is_empty() {
                return format!(
                    "{}{}{}",
                    size_text(size, lang),
                    label_separator(lang),
                    shorten(&in_size, lang, 12)
                );
            }
            let in_colour: Vec<String> = collect(&|v: &Variant| {
                want.color_matches(v)
                    .then(|| v.size().map(str::to_string))
                    .flatten()
            });
            if let (false, Some(colour)) = (
                in_colour.is_empty(),
                record
                    .variants
                    .iter()
                    .find(|v| want.color_matches(v))
                    .and_then(Variant::color),
            ) {
                return format!(
                    "{}{}{}",
                    self.color_name(colour, lang),
                    label_separator(lang),
                    shorten(&in_colour, lang, 12)
                );
            }
        }
        let values: Vec<String> = if want.size.is_some() {
            record
                .option_values("Size")
                .iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            record
                .option_values("Color")
                .iter()
                .map(|c| self.color_name(c, lang))
                .collect()
        };
        shorten(&values, lang, 12)
    }

    pub(super) fn constraint_text(
        &self,
        reading: &Reading,
        lang: Lang,
        dropped: &[&str],
    ) -> String {
        let mut parts = Vec::new();
        for what in dropped {
            match *what {
                // The shopper's words, said below, name the colour too.
                "color" if dropped.contains(&"words") => {}
                "color" => {
                    if let Some(c) = reading.color {
                        parts.push(self.stock.lexicon().concept(c).name(lang).to_string());
                    }
                }
                "size" => {
                    if let Some(s) = &reading.size {
                        parts.push(size_text(s, lang));
                    }
                }
                "price" => {
                    let currency = &self.stock.store_info().currency;
                    let shown = |m: Money| m.display(currency, lang);
                    match (reading.price_min, reading.price_max) {
                        (Some(min), Some(max)) => parts.push(say(
                            lang,
                            "word_between_prices",
                            &[("min", &shown(min)), ("max", &shown(max))],
                        )),
                        (None, Some(max)) => {
                            parts.push(say(lang, "word_under_price", &[("price", &shown(max))]))
                        }
                        (Some(min), None) => {
                            parts.push(say(lang, "word_over_price", &[("price", &shown(min))]));
                        }
                        (None, None) => {}
                    }
                }
                // The shopper's words, found only through a store word
                // that stands in for them.
                "words" => {
                    let said = reading.search_text.trim();
                    if !said.is_empty() {
                        parts.push(said.to_string());
                    }
                }
                _ => {}
            }
        }
        if lang == Lang::Zh {
            parts.join("，")
        } else {
            format!("“{}”", parts.join(", "))
        }
    }

    pub(super) fn slots(&self, reading: &Reading, session: &Session, lang: Lang) -> Slots {
        let lexicon = self.stock.lexicon();
        let name = |c: &usize| lexicon.concept(*c).name(lang).to_string();
        Slots {
            category: reading.categories.first().and_then(|c| {
                self.stock
                    .category_of_concept(*c)
                    .map(str::to_string)
                    .or_else(|| Some(name(c)))
            }),
            product_type: reading
                .product_types
                .first()
                .map(|c| lexicon.concept(*c).id.clone()),
            size: reading.size.clone(),
            color: reading.color.map(|c| {
                lexicon
                    .concept(c)
                    .name(self.stock.store_info().language)
                    .to_string()
            }),
            material: reading
                .materials
                .first()
                .map(|c| lexicon.concept(*c).id.clone()),
            price_min: reading.price_min,
            price_max: reading.price_max,
            order_id: reading.order_id.clone(),
            product_id: session.focus.clone(),
        }
    }

    /// A product's price: its lowest price set. A price of zero is how
    /// exports leave a price unset, so it is never said as a price.
    pub(super) fn price_text(&self, record: &ProductRecord, lang: Lang) -> String {
        let price = if record.product.price.minor > 0 {
            Some(record.product.price)
        } else {
            record
                .variants
                .iter()
                .map(|v| v.price)
                .filter(|p| p.minor > 0)
                .min()
        };
        match price {
            Some(price) => price.display(&record.product.currency, lang),
            None => say(lang, "word_no_price", &[]),
        }
    }

    /// A variant's price, or that it has none (a price of zero).
    pub(super) fn variant_price_text(&self, price: Money, currency: &str, lang: Lang) -> String {
        if price.minor > 0 {
            price.display(currency, lang)
        } else {
            say(lang, "word_no_price", &[])
        }
    }
}

/// A size as said among a variant's options: "size 9", "maat 9", "9號". A
/// size already in Chinese ("均碼", "大號") is said as it is.
pub(super) fn size_text(size: &str, lang: Lang) -> String {
    if lang == Lang::Zh && size.chars().any(crate::text::is_cjk) {
        return size.to_string();
    }
    say(lang, "word_size_value", &[("size", size)])
}

/// A variant's options as one phrase: "size 9, black, Weight 1/2 oz" in
/// the languages that write with commas; in Chinese the colour follows the
/// size with nothing between ("9號黑色") and the other options come after
/// "，", so variants listed with "、" read as one list ("XS號黑色、S號黑色").
fn join_options(
    size: Option<String>,
    colour: Option<String>,
    others: Vec<String>,
    lang: Lang,
) -> String {
    let size = size.filter(|s| !s.is_empty());
    let colour = colour.filter(|c| !c.is_empty());
    let parts: Vec<String> = match lang {
        // A size said bare ("均碼") is kept apart from the colour.
        Lang::Zh => match (size, colour) {
            (Some(size), Some(colour)) if size.ends_with('號') => {
                std::iter::once(format!("{size}{colour}"))
                    .chain(others)
                    .collect()
            }
            (size, colour) => size.into_iter().chain(colour).chain(others).collect(),
        },
        _ => size.into_iter().chain(colour).chain(others).collect(),
    };
    let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    let separator = if lang == Lang::Zh { "，" } else { ", " };
    parts.join(separator)
}

/// What sits between a label and the values it names: "size 9: black" and
/// "9號：黑色".
fn label_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "：",
        _ => ": ",
    }
}

/// The first `max` items as a list, ending in how many more there are when
/// cut ("S, M and 3 more"), so a sentence that ends with the list ends as
/// any other does.
pub(super) fn shorten(items: &[String], lang: Lang, max: usize) -> String {
    let mut unique: Vec<String> = Vec::new();
    for i in items {
        if !unique.contains(i) {
            unique.push(i.clone());
        }
    }
    if unique.len() <= max {
        return list(lang, &unique);
    }
    let mut cut: Vec<String> = unique[..max].to_vec();
    let more = (unique.len() - max).to_string();
    cut.push(say(lang, "word_more", &[("n", &more)]));
    list(lang, &cut)
}

/// "22 Nov 22:00" in the store's local time (the caller's clock carries the
/// offset between UTC and local time).
/// The stock time in the store's time zone (IANA name, as in store.toml),
/// with the offset in force at that time, so a DST change between then and
/// now does not shift it. An unknown zone says the time in UTC.
pub(super) fn format_as_of(as_of: jiff::Timestamp, timezone: &str) -> String {
    match jiff::tz::TimeZone::get(timezone) {
        Ok(tz) => as_of.to_zoned(tz).strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => as_of.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

#[cfg(test)]
mod tests;
