//! Retrieval: the catalog searches behind an answer, relaxing colour, size
//! and price in that order when nothing matches, and similar in-stock
//! products to offer instead.

use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Session;
use crate::assistant::phrasebook::{list, say};
use crate::assistant::resolve::{category_words, title_has_colour, title_words};
use crate::assistant::understand::Reading;
use crate::traits::BackendError;
use crate::{Filters, Lang, Money, Order, ProductRecord, SearchRequest};

/// Products found, what was dropped to find them, and the search that
/// found them (none when nothing was searched).
pub(super) type Found = (Vec<ProductRecord>, Vec<&'static str>, Option<SearchRequest>);

/// Which of the products a search finds an answer keeps, and in what order.
#[derive(Debug, Clone, Copy)]
struct Keep {
    /// Only those that match every word, when any do.
    full_only: bool,
    order: Order,
}

impl Assistant<'_> {
    /// Searches the catalog for what the turn names, relaxing colour, size
    /// and price in that order when nothing matches. Returns the products
    /// and what was dropped: "color", "size", "price", and "words" when
    /// every product came through a translation of the shopper's words.
    pub(super) fn find(
        &self,
        reading: &Reading,
        session: &Session,
        in_stock_only: Option<bool>,
    ) -> Result<(Vec<ProductRecord>, Vec<&'static str>), BackendError> {
        self.find_in(
            reading,
            session,
            in_stock_only,
            None,
            self.config.max_products * 2,
        )
    }

    /// `find`, for a list answer: every match, up to the list's length.
    /// Every product a list answer shows: those that match all the words
    /// when any do, not the partial matches a short answer falls back on.
    /// The search that found them comes with them, to count all its
    /// matches when the list is cut at its length.
    pub(super) fn find_all(
        &self,
        reading: &Reading,
        session: &Session,
    ) -> Result<Found, BackendError> {
        self.find_matching(
            reading,
            session,
            None,
            None,
            self.config.max_list_products,
            Keep {
                full_only: true,
                order: Order::Relevance,
            },
        )
    }

    /// `find`, within a category the caller names (e.g. the category of the
    /// product being talked about).
    pub(super) fn find_in(
        &self,
        reading: &Reading,
        session: &Session,
        in_stock_only: Option<bool>,
        category: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<ProductRecord>, Vec<&'static str>), BackendError> {
        let (records, dropped, _) = self.find_ordered(
            reading,
            session,
            in_stock_only,
            category,
            limit,
            Order::Relevance,
        )?;
        Ok((records, dropped))
    }

    /// `find_in`, in `order`: by price, the products found are in price
    /// order, as the search gives them ([`Order::arrange`]), with the
    /// search that found them.
    pub(super) fn find_ordered(
        &self,
        reading: &Reading,
        session: &Session,
        in_stock_only: Option<bool>,
        category: Option<&str>,
        limit: usize,
        order: Order,
    ) -> Result<Found, BackendError> {
        self.find_matching(
            reading,
            session,
            in_stock_only,
            category,
            limit,
            Keep {
                full_only: false,
                order,
            },
        )
    }

    /// `find_in`, keeping what `keep` says. Words that say one of the store's
    /// categories whole ("plante d'extérieur", "pot under 69") search that
    /// category, with the rest of the words; when it has nothing for them,
    /// the words are searched everywhere.
    fn find_matching(
        &self,
        reading: &Reading,
        session: &Session,
        in_stock_only: Option<bool>,
        category: Option<&str>,
        limit: usize,
        keep: Keep,
    ) -> Result<Found, BackendError> {
        if category.is_none()
            && reading.categories.len() != 1
            && let Some((said, rest)) = self.category_said(&reading.search_text)
        {
            let find_within = |within: &Reading| {
                self.find_matching_in(within, session, in_stock_only, Some(&said), limit, keep)
            };
            let mut within = reading.clone();
            within.search_text = rest;
            let found = find_within(&within)?;
            if !found.0.is_empty() {
                return Ok(found);
            }
            // The other words are the sentence around the category in
            // another language ("lihat …", "laat me … zien"): no title has
            // any of them, so they name nothing in it.
            let mut sentence_only = true;
            for word in title_words(&within.search_text) {
                if self.a_title_has(std::slice::from_ref(&word))? {
                    sentence_only = false;
                    break;
                }
            }
            if sentence_only && !within.search_text.trim().is_empty() {
                within.search_text.clear();
                let found = find_within(&within)?;
                if !found.0.is_empty() {
                    return Ok(found);
                }
            }
        }
        self.find_matching_in(reading, session, in_stock_only, category, limit, keep)
    }

    /// The store category whose own name the words say whole (the longest
    /// such), and the other words.
    fn category_said(&self, search_text: &str) -> Option<(String, String)> {
        let said = title_words(search_text);
        let (category, words) = self
            .stock
            .categories()
            .iter()
            .map(|(category, _)| (category, category_words(category)))
            .filter(|(_, words)| {
                !words.is_empty()
                    && words.len() <= said.len()
                    && said.windows(words.len()).any(|w| w == words.as_slice())
            })
            .max_by_key(|(_, words)| words.len())?;
        let at = said
            .windows(words.len())
            .position(|w| w == words.as_slice())?;
        let mut rest = said.clone();
        rest.drain(at..at + words.len());
        Some((category.clone(), rest.join(" ")))
    }

    fn find_matching_in(
        &self,
        reading: &Reading,
        session: &Session,
        in_stock_only: Option<bool>,
        category: Option<&str>,
        limit: usize,
        keep: Keep,
    ) -> Result<Found, BackendError> {
        let Keep { full_only, order } = keep;
        let lexicon = self.stock.lexicon();
        let store_lang = self.stock.store_info().language;
        let category =
            category
                .map(str::to_string)
                .or_else(|| match reading.categories.as_slice() {
                    [one] => self.stock.category_of_concept(*one).map(str::to_string),
                    _ => None,
                });
        let color = reading
            .color
            .map(|c| lexicon.concept(c).name(store_lang).to_string())
            .or_else(|| reading.color_value.clone());
        let mut filters = Filters {
            category,
            brand: None,
            size: reading.size.clone(),
            color,
            price_min: reading.price_min,
            price_max: reading.price_max,
            in_stock_only: in_stock_only.unwrap_or(false),
        };
        let mut text = reading.search_text.clone();
        if text.trim().is_empty() && filters.category.is_none() {
            // Only a size or colour: search within what was being talked
            // about.
            if let Some(focus) = session
                .focus
                .as_deref()
                .and_then(|id| self.stock.product(id).ok().flatten())
            {
                text = focus.product.category.clone().unwrap_or_default();
            }
        }
        let mut dropped = Vec::new();
        type Relax = fn(&mut Filters) -> bool;
        let relax: [(&'static str, Relax); 3] = [
            ("color", |f| f.color.take().is_some()),
            ("size", |f| f.size.take().is_some()),
            ("price", |f| {
                f.price_min.take().is_some() | f.price_max.take().is_some()
            }),
        ];
        let mut step = 0;
        loop {
            if text.trim().is_empty() && filters.category.is_none() {
                return Ok((Vec::new(), dropped, None));
            }
            let request = SearchRequest {
                text: text.clone(),
                lang: session.lang,
                filters: filters.clone(),
                limit,
                prefix: false,
                order,
            };
            let mut hits = self.search.search(&request)?;
            if full_only && hits.iter().any(|h| h.full_match) {
                hits.retain(|h| h.full_match);
            }
            // Every product came through a store word standing in for the
            // shopper's (another language's word, translated by meaning),
            // none through the words said: the closest the store has, and
            // said so ("Nothing matched “羊肉”, so here is the closest we
            // have:"), as a near meaning can be a neighbour (mutton → beef).
            let translated = !hits.is_empty() && hits.iter().all(|h| h.translated);
            let mut records: Vec<ProductRecord> = hits.into_iter().map(|h| h.record).collect();
            if filters.color.is_some() {
                // The index knows colours from variant options by one
                // name; a colour only the title names ("Black Varsity
                // Jacket"), or a variant's colour in another of the
                // colour's words ("Gray" for grey), is the product's colour
                // too.
                let want = self.variant_query(reading);
                let mut open = request.clone();
                open.filters.color = None;
                for hit in self.search.search(&open)? {
                    if (title_has_colour(&hit.record.product.title, &want.colors)
                        || hit.record.variants.iter().any(|v| want.color_matches(v)))
                        && !records
                            .iter()
                            .any(|r| r.product.id == hit.record.product.id)
                    {
                        records.push(hit.record);
                    }
                }
            }
            if filters.price_min.is_some() || filters.price_max.is_some() {
                // A price of zero is one the export left unset: such a
                // product has no price to be within a limit.
                records.retain(|r| r.product.price.minor > 0);
            }
            // The products a colour only the title names added keep the
            // order asked for.
            order.arrange(&mut records, |r| r);
            if !records.is_empty() || step >= relax.len() {
                if reading.has_variant_slot() {
                    // Products with the asked-for variant in stock first.
                    let want = self.variant_query(reading);
                    records.sort_by_key(|r| std::cmp::Reverse(want.in_stock_in(r)));
                }
                if translated && !records.is_empty() {
                    dropped.push("words");
                }
                return Ok((records, dropped, Some(request)));
            }
            while step < relax.len() {
                let (name, f) = relax[step];
                step += 1;
                if f(&mut filters) {
                    dropped.push(name);
                    break;
                }
            }
        }
    }

    /// In-stock products like this one: same category, near the price, in
    /// the size asked for.
    pub(super) fn offer_similar(
        &self,
        record: &ProductRecord,
        size: Option<&str>,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        let Some(category) = record.product.category.clone() else {
            return Ok(());
        };
        let price = record.product.price.minor;
        let request = SearchRequest {
            text: String::new(),
            lang: None,
            filters: Filters {
                category: Some(category),
                size: size.map(str::to_string),
                price_min: Some(Money::from_minor(price * 6 / 10)),
                price_max: Some(Money::from_minor(price * 14 / 10)),
                in_stock_only: true,
                ..Filters::default()
            },
            // With no text every candidate scores alike and the index's
            // order is arbitrary (it depends on how the import threads
            // wrote it): take enough to rank them here.
            limit: 64,
            prefix: false,
            order: crate::Order::Relevance,
        };
        let similar: Vec<ProductRecord> = self
            .search
            .search(&request)?
            .into_iter()
            .map(|h| h.record)
            .filter(|r| r.product.id != record.product.id)
            .collect();
        // Closest in meaning first, by the products' own vectors when the
        // store has them; else (and between equals) most alike by name
        // ("Men's Running Shoe" for a men's running shoe); then nearest in
        // price.
        let ids: Vec<&str> = similar.iter().map(|r| r.product.id.as_str()).collect();
        let closeness = self.stock.closeness(&record.product.id, &ids)?;
        let words = |title: &str| -> Vec<String> {
            crate::text::tokenize(title)
                .into_iter()
                .map(|t| t.text)
                .collect()
        };
        let own = words(&record.product.title);
        let mut ranked: Vec<(Option<f32>, usize, i64, ProductRecord)> = similar
            .into_iter()
            .zip(closeness)
            .map(|(r, close)| {
                let shared = words(&r.product.title)
                    .iter()
                    .filter(|w| own.contains(w))
                    .count();
                (close, shared, (r.product.price.minor - price).abs(), r)
            })
            .collect();
        ranked.sort_by(|a, b| {
            // A product with a vector before one without.
            let close = |c: Option<f32>| c.unwrap_or(f32::NEG_INFINITY);
            close(b.0)
                .total_cmp(&close(a.0))
                .then(b.1.cmp(&a.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.product.id.cmp(&b.3.product.id))
        });
        let mut similar: Vec<ProductRecord> = ranked.into_iter().map(|(.., r)| r).collect();
        similar.truncate(3);
        if similar.is_empty() {
            return Ok(());
        }
        let constraint = size
            .map(|s| say(d.lang, "word_in_size", &[("size", s)]))
            .unwrap_or_default();
        // Name them, so the sentence stands on its own when read aloud.
        let names: Vec<String> = similar
            .iter()
            .map(|r| format!("{} ({})", r.product.title, self.price_text(r, d.lang)))
            .collect();
        let lead = say(d.lang, "similar_in_stock", &[("constraint", &constraint)]);
        d.parts.push(match d.lang {
            Lang::Zh => format!("{lead}{}。", list(d.lang, &names)),
            _ => format!("{lead} {}.", list(d.lang, &names)),
        });
        d.products.extend(similar);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
