//! Price answers: one product's price or price range, and cheaper
//! alternatives of the same kind.

use super::availability::FoundBy;
use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Intent;
use crate::assistant::Session;
use crate::assistant::resolve::title_words;
use crate::assistant::understand::{self, Reading};
use crate::assistant::wording::shorten;
use crate::traits::BackendError;
use crate::{Money, Order, ProductRecord};

impl Assistant<'_> {
    pub(in crate::assistant) fn price(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Price;
        // "How much?" after a list: what the products shown cost.
        if session.last_was_list
            && session.shown.len() > 1
            && reading.ordinal.is_none()
            && !reading.names_product()
            && reading.leftover_words == 0
            && !reading.has_variant_slot()
            && !understand::refers_back(reading)
        {
            return self.list_prices(session, d);
        }
        let Some(record) = self.product_spoken_of(session, reading, text, d)? else {
            return Ok(());
        };
        d.confidence = 0.9;
        session.focus = Some(record.product.id.clone());
        let choice = self.variant_choice(reading, &record);
        if let Some(missing) = &choice.missing {
            d.say(
                "not_made_in",
                &[
                    ("title", &record.product.title),
                    ("options", &missing.asked),
                    ("available", &shorten(&missing.values, d.lang, 12)),
                ],
            );
            d.products.push(record);
            return Ok(());
        }
        if choice.colour_choices.len() > 1 {
            self.colour_choices(&record, &choice.want, &choice.colour_choices, reading, d);
            d.products.push(record);
            return Ok(());
        }
        if !choice.want.asks_nothing() {
            let want = &choice.want;
            if let Some(v) = record.variants.iter().find(|v| want.matches(v)) {
                // A variant with no options of its own (the colour asked for
                // is in the title) is named by the title alone.
                let options = self.options_text(v, d.lang);
                let title = if options.is_empty() {
                    record.product.title.clone()
                } else {
                    format!("{} ({options})", record.product.title)
                };
                if v.price.minor > 0 {
                    let price = Money::display(v.price, &record.product.currency, d.lang);
                    d.say("price_one", &[("title", &title), ("price", &price)]);
                } else {
                    d.say("price_unavailable", &[("title", &title)]);
                    d.chip("chip_call_staff");
                }
                d.products.push(record);
                return Ok(());
            }
        }
        self.say_price(&record, d);
        d.chip("chip_where");
        d.chip("chip_cheaper");
        d.products.push(record);
        Ok(())
    }

    /// The prices of the products shown last: one price, or the range.
    fn list_prices(&self, session: &Session, d: &mut Draft) -> Result<(), BackendError> {
        let mut shown = Vec::new();
        for id in &session.shown {
            if let Some(record) = self.stock.product(id)? {
                shown.push(record);
            }
        }
        let prices: Vec<Money> = shown
            .iter()
            .flat_map(|r| r.variants.iter().map(|v| v.price))
            .filter(|p| p.minor > 0)
            .collect();
        let (Some(min), Some(max)) = (prices.iter().min(), prices.iter().max()) else {
            d.confidence = 0.5;
            self.ask_which_product(d);
            return Ok(());
        };
        d.confidence = 0.85;
        let currency = &shown[0].product.currency;
        let n = shown.len().to_string();
        if min == max {
            d.say(
                "list_price_one",
                &[("n", &n), ("price", &min.display(currency, d.lang))],
            );
        } else {
            d.say(
                "list_price_range",
                &[
                    ("n", &n),
                    ("min", &min.display(currency, d.lang)),
                    ("max", &max.display(currency, d.lang)),
                ],
            );
        }
        d.products = shown;
        d.chip("chip_cheaper");
        Ok(())
    }

    pub(in crate::assistant) fn say_price(&self, record: &ProductRecord, d: &mut Draft) {
        let lang = d.lang;
        // A price of zero is a price the export left unset: never said.
        let prices: Vec<Money> = record
            .variants
            .iter()
            .map(|v| v.price)
            .chain(std::iter::once(record.product.price))
            .filter(|p| p.minor > 0)
            .collect();
        let (Some(min), Some(max)) = (prices.iter().min().copied(), prices.iter().max().copied())
        else {
            d.say("price_unavailable", &[("title", &record.product.title)]);
            d.chip("chip_call_staff");
            return;
        };
        let currency = &record.product.currency;
        if min == max {
            d.say(
                "price_one",
                &[
                    ("title", &record.product.title),
                    ("price", &min.display(currency, lang)),
                ],
            );
        } else {
            d.say(
                "price_range",
                &[
                    ("title", &record.product.title),
                    ("min", &min.display(currency, lang)),
                    ("max", &max.display(currency, lang)),
                ],
            );
        }
    }

    pub(in crate::assistant) fn cheaper(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Search;
        let lang = d.lang;
        // "The cheaper one" after a comparison: the cheaper of the two.
        if !reading.names_product()
            && reading.leftover_words == 0
            && session.shown.len() >= 2
            && session.last_intent == Some(Intent::Compare)
        {
            let mut shown = Vec::new();
            for id in session.shown.iter().take(2) {
                if let Some(r) = self.stock.product(id)? {
                    shown.push(r);
                }
            }
            if let Some(cheapest) = shown.into_iter().min_by_key(|r| r.product.price) {
                d.confidence = 0.85;
                return self.stock_answer(session, reading, cheapest, d);
            }
        }
        // Words of a product ("the cheapest drone") ask afresh, whatever
        // was shown before.
        let names_something =
            reading.names_product() || super::availability::has_product_words(&reading.search_text);
        let base = match self.referenced(session, reading)? {
            Some(r) => Some(r),
            None => match &session.focus {
                Some(id) if !names_something => self.stock.product(id)?,
                _ => None,
            },
        };
        let mut r = reading.clone();
        if r.size.is_none() {
            r.size.clone_from(&session.size);
        }
        let (category, price, what) = match &base {
            Some(record) => {
                // Cheaper than this, of the same kind.
                r.search_text.clear();
                let what = record
                    .product
                    .category
                    .clone()
                    .unwrap_or_else(|| record.product.title.clone());
                (record.product.category.clone(), record.product.price, what)
            }
            None if names_something => return self.cheapest(session, reading, d),
            None => {
                self.ask_which_product(d);
                d.confidence = 0.5;
                d.resolved = false;
                return Ok(());
            }
        };
        r.price_max = Some(Money::from_minor(price.minor - 1));
        d.confidence = 0.85;
        // The nearest below the price first, as the search orders them.
        let (mut records, dropped, _) = self.find_ordered(
            &r,
            session,
            Some(true),
            category.as_deref(),
            self.config.max_products * 2,
            Order::PriceHighFirst,
        )?;
        records.retain(|x| x.product.price < price);
        if records.is_empty() || dropped.contains(&"price") {
            d.say("cheaper_none", &[("what", &what.to_lowercase())]);
            return Ok(());
        }
        d.say(
            "cheaper_found",
            &[(
                "price",
                &price.display(&self.stock.store_info().currency, lang),
            )],
        );
        session.focus = Some(records[0].product.id.clone());
        d.products = records;
        d.stock_facts = true;
        Ok(())
    }

    /// "The cheapest drone", with nothing shown to be cheaper than: the
    /// products in stock that match, cheapest first. When some of them have
    /// the shopper's words in their titles, only those: a product tagged
    /// with the word but of another kind is not put first by its price.
    fn cheapest(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        // All that match, not the best few: the cheapest may rank low. The
        // search puts them in price order and leaves out the unpriced.
        let pool = self.config.max_list_products.max(1) * super::availability::BROWSE_POOL;
        let (mut records, dropped, request) = self.find_ordered(
            reading,
            session,
            Some(true),
            None,
            pool,
            Order::PriceLowFirst,
        )?;
        if records.is_empty() {
            d.resolved = false;
            d.confidence = 0.6;
            self.nothing_found(reading, &reading.search_text, d);
            return Ok(());
        }
        // Every match fits in the pool unless it is full: then the search
        // counts them.
        let whole = records.len() < pool;
        let words = title_words(&reading.search_text);
        let mut titled_only = false;
        if !words.is_empty() {
            let titled: Vec<ProductRecord> = records
                .iter()
                .filter(|r| {
                    let title = title_words(&r.product.title);
                    words.iter().all(|w| title.contains(w))
                })
                .cloned()
                .collect();
            if !titled.is_empty() && titled.len() < records.len() {
                records = titled;
                titled_only = true;
            }
        }
        let found = records.len();
        records.truncate(self.config.max_list_products);
        let found_by = match &request {
            _ if whole => FoundBy::Counted(found),
            // The search's count holds for every match it found, not for
            // the ones with the words in their titles.
            Some(request) if !titled_only => FoundBy::Search(request),
            _ => FoundBy::Counted(found),
        };
        self.list_answer(session, reading, records, &dropped, found_by, d)
    }
}

#[cfg(test)]
mod tests;
