//! Availability and search: is it in stock, in this size or colour, and
//! what the store has of a kind of product.

use crate::assistant::Action;
use crate::assistant::ActionStatus;
use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Intent;
use crate::assistant::LostDemand;
use crate::assistant::Session;
use crate::assistant::cues::Cue;
use crate::assistant::phrasebook::say;
use crate::assistant::resolve::{Named, VariantQuery, has_price_limit, within_price_limit};
use crate::assistant::understand::{OptionAsked, Reading};
use crate::assistant::wording::shorten;
use crate::traits::{BackendError, Filters, Order, SearchRequest};
use crate::{ProductRecord, Variant};

/// How many times the shown list's length a browse by price alone reads
/// before picking the cheapest.
pub(in crate::assistant) const BROWSE_POOL: usize = 20;

impl Assistant<'_> {
    pub(in crate::assistant) fn availability(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Availability;
        if !reading.has(Cue::Availability)
            && !reading.has_variant_slot()
            && reading.ordinal.is_none()
        {
            d.intent = Intent::Search;
        }
        // Carry the size and colour of the conversation into a follow-up.
        let mut reading = self.without_title_ordinal(text, reading, session)?;
        // "Do you have them in black?", "and size 10?" after a list: the
        // same search, narrowed.
        let only_slots = !reading.names_product()
            && reading.leftover_words == 0
            && (reading.has_variant_slot() || reading.price_max.is_some());
        // "Something under 30", "onder de 30" right after "show me X": the
        // same search within the limit, also when it found one product.
        let after_search = session
            .last_search
            .as_ref()
            .filter(|(turn, _)| turn + 1 == session.turns)
            .map(|(_, last)| last.clone());
        let price_only =
            only_slots && !reading.has_variant_slot() && !has_product_words(&reading.search_text);
        let list_follow_up = (session.last_was_list || (after_search.is_some() && price_only))
            && reading.ordinal.is_none()
            && !reading.names_product()
            && ((reading.has(Cue::RefersToList) && reading.leftover_words == 0)
                || (only_slots && !reading.has(Cue::RefersBack)));
        let last = if session.last_was_list {
            session.last_list.clone()
        } else {
            after_search
        };
        if list_follow_up && let Some(last) = last {
            let mut merged = last;
            merged.cues = reading.cues.clone();
            if reading.size.is_some() {
                merged.size.clone_from(&reading.size);
            }
            if reading.color.is_some() {
                merged.color = reading.color;
                merged.colors.clone_from(&reading.colors);
            }
            if reading.price_max.is_some() {
                merged.price_max = reading.price_max;
            }
            reading = merged;
            d.intent = Intent::Availability;
        }
        // "Something under 30", "iets onder de 30", "30元以下的東西": a price
        // limit, no word for a product and nothing pointed back at ("is it
        // under 30?"): what is in stock within the limit, cheapest first,
        // whatever product was in focus before.
        if !list_follow_up
            && has_price_limit(&reading)
            && !reading.has(Cue::RefersBack)
            && !reading.has_variant_slot()
            && !reading.names_product()
            && reading.ordinal.is_none()
            && !has_product_words(&reading.search_text)
        {
            return self.within_limit(session, &reading, d);
        }
        let referenced = if list_follow_up {
            None
        } else {
            self.referenced(session, &reading)?
        };
        if referenced.is_some() {
            if reading.size.is_none() && reading.color.is_some() {
                reading.size.clone_from(&session.size);
            }
            if reading.color.is_none() && reading.size.is_some() {
                reading.color = session.color;
            }
        }
        d.effective = Some(reading.clone());
        if reading.size.is_some() {
            session.size.clone_from(&reading.size);
        }
        if reading.color.is_some() {
            session.color = reading.color;
        }
        if let Some(record) = referenced {
            d.confidence = 0.9;
            d.intent = Intent::Availability;
            self.stock_answer(session, &reading, record, d)?;
            return Ok(());
        }
        // "Do you have size M?" with no product named, in focus or shown:
        // ask which product.
        if only_slots
            && !list_follow_up
            && session.focus.is_none()
            && !has_product_words(&reading.search_text)
        {
            d.confidence = 0.6;
            d.resolved = false;
            let asked = self.asked_text(&reading, d.lang);
            d.say("which_product_for", &[("options", &asked)]);
            return Ok(());
        }
        // "Something to keep me warm when it is windy": a need, whose
        // words name no product, is searched by the meaning of the whole
        // question when the store can.
        if !list_follow_up
            && reading.ordinal.is_none()
            && !reading.has_variant_slot()
            && self.need(session, &reading, text, d)?
        {
            return Ok(());
        }
        // "In black?", "under 50?" after a list: the products shown,
        // narrowed, when some of them fit.
        if list_follow_up {
            let narrowed = self.narrow_shown(session, &reading)?;
            if !narrowed.is_empty() {
                d.confidence = 0.85;
                return self.list_answer(session, &reading, narrowed, &[], FoundBy::Shown, d);
            }
        }
        let named = if list_follow_up {
            Named::Nothing
        } else {
            self.named(text, &reading, session)?
        };
        let (records, dropped, request) = self.find_all(&reading, session)?;
        d.confidence = if reading.names_product() || matches!(named, Named::One(_)) {
            0.85
        } else if records
            .first()
            .is_some_and(|r| self.shares_words(&reading, r))
        {
            0.7
        } else if !records.is_empty() {
            // Found only through typo or sound-alike matching.
            0.5
        } else {
            0.3
        };
        let asks_a_fact = reading.has(Cue::Availability) || reading.has_variant_slot();
        match named {
            // A product named by the words that tell it apart ("the
            // Velora Stride 3", "the Arsenal third shirt") is answered
            // about, whatever its stock.
            // Outside the price limit the turn states, its price and the
            // limit are said first.
            Named::One(record) => {
                let outside = !within_price_limit(&reading, &record);
                let dropped: Vec<&str> = dropped
                    .into_iter()
                    .filter(|x| !(outside && *x == "price"))
                    .collect();
                if !dropped.is_empty() {
                    let constraint = self.constraint_text(&reading, d.lang, &dropped);
                    d.say("closest_instead", &[("constraint", &constraint)]);
                }
                if outside {
                    self.say_outside_limit(&reading, &record, d);
                }
                d.intent = Intent::Availability;
                return self.stock_answer(session, &reading, *record, d);
            }
            // A few products fit equally well ("the Bayern home shirt": two
            // seasons): show them and ask, stating no stock for either.
            // Products the words name are within the turn's price limit
            // when any is (`named`); when none is, the list says so first.
            Named::Several(several, found_by) => {
                let outside: &[&str] = if several.iter().all(|r| within_price_limit(&reading, r)) {
                    &[]
                } else {
                    &["price"]
                };
                if asks_a_fact && several.len() <= self.config.max_products {
                    if !outside.is_empty() {
                        let constraint = self.constraint_text(&reading, d.lang, outside);
                        d.say("closest_instead", &[("constraint", &constraint)]);
                    }
                    return self.ask_which(session, &reading, several, d);
                }
                // A browse ("retro jerseys"): every product that fits.
                let found_by = found_by.as_ref().map_or(FoundBy::Shown, FoundBy::Search);
                return self.list_answer(session, &reading, several, outside, found_by, d);
            }
            // The words rule out every product found: say so, and show the
            // nearest without stating stock for any of them.
            Named::NoneFits(words) => {
                d.confidence = d.confidence.max(0.7);
                self.none_fits(&words, d);
                if !records.is_empty() {
                    super::show_list(session, &reading, records, d);
                }
                return Ok(());
            }
            Named::Nothing => {}
        }
        if records.is_empty() {
            d.resolved = false;
            self.nothing_found(&reading, text, d);
            return Ok(());
        }
        let found_by = request.as_ref().map_or(FoundBy::Shown, FoundBy::Search);
        self.list_answer(session, &reading, records, &dropped, found_by, d)
    }

    /// The products in stock within the turn's price limit, whatever they
    /// are, cheapest first: the answer to a limit with no product word.
    fn within_limit(
        &self,
        session: &mut Session,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Search;
        d.confidence = 0.8;
        let mut request = SearchRequest::new(String::new());
        request.lang = Some(d.lang);
        request.filters = Filters {
            price_min: reading.price_min,
            price_max: reading.price_max,
            in_stock_only: true,
            ..Filters::default()
        };
        request.order = Order::PriceLowFirst;
        request.limit = self.config.max_list_products;
        let records: Vec<ProductRecord> = self
            .search
            .search(&request)?
            .into_iter()
            .map(|hit| hit.record)
            .filter(|r| within_price_limit(reading, r))
            .collect();
        if records.is_empty() {
            d.resolved = false;
            d.confidence = 0.6;
            let limit = self.constraint_text(reading, d.lang, &["price"]);
            d.say("none_found", &[("query", limit.trim_matches(['“', '”']))]);
            d.say("try_other_words", &[]);
            d.chip("chip_call_staff");
            return Ok(());
        }
        self.list_answer(session, reading, records, &[], FoundBy::Search(&request), d)
    }

    /// The products found for a kind of product, narrowed to those with
    /// the asked-for variant in stock; one product is answered about.
    /// `found_by` says what the products are the first of: when the list
    /// is cut at its length, the head says how many were found in all.
    pub(in crate::assistant) fn list_answer(
        &self,
        session: &mut Session,
        reading: &Reading,
        records: Vec<ProductRecord>,
        dropped: &[&str],
        found_by: FoundBy<'_>,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        // Counted only when the list was cut, so a short list costs no
        // count; a count below the list shown (products a colour only the
        // title names) is the list.
        session.last_search = Some((session.turns, reading.clone()));
        let cap = self.config.max_list_products.max(1);
        let n_records = records.len();
        let cut = n_records >= cap;
        let total = |shown: usize, in_stock: bool| -> Result<usize, BackendError> {
            match found_by {
                FoundBy::Search(request) if cut => {
                    let mut request = request.clone();
                    request.filters.in_stock_only |= in_stock;
                    Ok(self.search.count(&request)?.max(shown))
                }
                // A count made of these very products holds for the list
                // only while none of them was left out.
                FoundBy::Counted(n) if cut && shown == n_records => Ok(n.max(shown)),
                _ => Ok(shown),
            }
        };
        // "…so here is the closest we have:" introduces the list itself.
        let introduced = !dropped.is_empty();
        if introduced {
            let constraint = self.constraint_text(reading, d.lang, dropped);
            d.say("closest_instead", &[("constraint", &constraint)]);
        }
        if reading.has_variant_slot() && !dropped.iter().any(|x| *x == "size" || *x == "color") {
            let want = self.variant_query(reading);
            let in_stock: Vec<ProductRecord> = records
                .iter()
                .filter(|r| want.in_stock_in(r))
                .cloned()
                .collect();
            if in_stock.is_empty() {
                // None has it: explain for the best match, offer others.
                let top = records[0].clone();
                return self.stock_answer(session, reading, top, d);
            }
            if in_stock.len() == 1 {
                return self.stock_answer(session, reading, in_stock[0].clone(), d);
            }
            if !introduced {
                let n = total(in_stock.len(), true)?;
                say_found(d, "found_in_stock", n, in_stock.len().min(cap));
            }
            super::show_list(session, reading, in_stock, d);
            d.stock_facts = true;
            d.chip("chip_where");
            d.chip("chip_cheaper");
            return Ok(());
        }
        if records.len() == 1 {
            return self.stock_answer(session, reading, records[0].clone(), d);
        }
        if !introduced {
            let n = total(records.len(), false)?;
            say_found(d, "found", n, records.len().min(cap));
        }
        super::show_list(session, reading, records, d);
        d.stock_facts = true;
        d.chip("chip_where");
        d.chip("chip_cheaper");
        Ok(())
    }

    /// The products shown last that fit a follow-up's size, colour and
    /// price ceiling, in the order shown.
    fn narrow_shown(
        &self,
        session: &Session,
        reading: &Reading,
    ) -> Result<Vec<ProductRecord>, BackendError> {
        if session.shown.len() < 2 {
            return Ok(Vec::new());
        }
        let want = self.variant_query(reading);
        let mut out = Vec::new();
        for id in &session.shown {
            let Some(record) = self.stock.product(id)? else {
                continue;
            };
            let fits_variant = !reading.has_variant_slot() || want.in_stock_in(&record);
            let fits_price = reading
                .price_max
                .is_none_or(|max| record.product.price <= max)
                && reading
                    .price_min
                    .is_none_or(|min| record.product.price >= min);
            if fits_variant && fits_price {
                out.push(record);
            }
        }
        Ok(out)
    }

    /// The one product the turn names is outside the price limit it
    /// states: its price, and which side of the limit it is on.
    fn say_outside_limit(&self, reading: &Reading, record: &ProductRecord, d: &mut Draft) {
        let lang = d.lang;
        let currency = &self.stock.store_info().currency;
        let own = record.product.price;
        if own.minor == 0 {
            // A price the export left unset is within no limit, and never
            // said.
            d.say("price_unavailable", &[("title", &record.product.title)]);
            return;
        }
        let (key, limit) = if let Some(max) = reading.price_max.filter(|max| own > *max) {
            ("price_above_limit", max)
        } else if let Some(min) = reading.price_min.filter(|min| own < *min) {
            ("price_below_minimum", min)
        } else {
            return;
        };
        let price = self.price_text(record, lang);
        d.say(
            key,
            &[
                ("title", &record.product.title),
                ("price", &price),
                ("limit", &limit.display(currency, lang)),
            ],
        );
    }

    /// The turn picks a place past the end of what was shown ("the fifth
    /// one" after three): say how many were shown and show them again, in
    /// the same order, so the shopper picks among them. No other product is
    /// taken for it.
    pub(in crate::assistant) fn only_shown(
        &self,
        session: &Session,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Search;
        d.confidence = 0.8;
        let mut shown = Vec::with_capacity(session.shown.len());
        for id in &session.shown {
            if let Some(record) = self.stock.product(id)? {
                shown.push(record);
            }
        }
        if shown.is_empty() {
            // What was shown left the catalog since.
            d.resolved = false;
            self.ask_which_product(d);
            return Ok(());
        }
        d.say("only_shown", &[("n", &shown.len().to_string())]);
        d.products = shown;
        Ok(())
    }

    /// No product has all the words that tell the store's titles apart:
    /// say so, quoting them, and state no product's stock.
    pub(in crate::assistant) fn none_fits(&self, words: &str, d: &mut Draft) {
        d.resolved = false;
        d.say("none_found", &[("query", words)]);
        d.say("try_other_words", &[]);
        d.chip("chip_call_staff");
    }

    /// Several products fit the question equally well: show them and ask
    /// which one is meant. No stock is stated until the shopper says.
    pub(in crate::assistant) fn ask_which(
        &self,
        session: &mut Session,
        reading: &Reading,
        several: Vec<ProductRecord>,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.confidence = d.confidence.max(0.8);
        d.say("which_one", &[("n", &several.len().to_string())]);
        super::show_list(session, reading, several, d);
        Ok(())
    }

    /// What the store has of one product, for the asked-for size/colour.
    pub(in crate::assistant) fn stock_answer(
        &self,
        session: &mut Session,
        reading: &Reading,
        record: ProductRecord,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        session.last_was_list = false;
        session.focus = Some(record.product.id.clone());
        d.stock_facts = true;
        let lang = d.lang;
        let title = record.product.title.clone();
        let choice = self.variant_choice(reading, &record);
        let want = choice.want;
        let currency = record.product.currency.clone();
        // A value of another option the product does not come in ("2 oz"):
        // say so and list the values it has, never another value's stock.
        if let Some(missing) = &choice.missing {
            d.say(
                "not_made_in",
                &[
                    ("title", &title),
                    ("options", &missing.asked),
                    ("available", &shorten(&missing.values, lang, 12)),
                ],
            );
            session
                .checked
                .push(format!("{title}: not made in {}", missing.asked));
            d.products.push(record);
            return Ok(());
        }
        // Several colour values hold the colour asked for ("pink": "Pink &
        // Black", "Pink Snake"): list them with their stock and ask.
        if choice.colour_choices.len() > 1 {
            self.colour_choices(&record, &want, &choice.colour_choices, reading, d);
            session.checked.push(format!(
                "{title}: {} colours hold the colour asked for",
                choice.colour_choices.len()
            ));
            d.products.push(record);
            return Ok(());
        }
        // "What colours does it come in?", "welke maten zijn er?": the
        // distinct values of that option (of the variants that fit what
        // else the turn asks), each with its stock, not every combination
        // of options.
        if let Some(asked) = reading.asks_values
            && let Some(n) = self.option_values(&record, &want, asked, d)
        {
            session.checked.push(format!(
                "{title}: {n} values of the {} option",
                match asked {
                    OptionAsked::Size => "size",
                    OptionAsked::Colour => "colour",
                }
            ));
            d.products.insert(0, record);
            return Ok(());
        }
        if want.asks_nothing() {
            let in_stock: Vec<&Variant> = record.variants.iter().filter(|v| v.in_stock).collect();
            if in_stock.is_empty() {
                // "in every size and colour" only of a product that has
                // sizes or colours.
                let has_options = record
                    .variants
                    .iter()
                    .any(|v| v.size().is_some() || v.color().is_some());
                if has_options {
                    d.say("nothing_in_stock", &[("title", &title)]);
                } else {
                    d.say("out_of_stock", &[("title", &title), ("options", "")]);
                }
                self.offer_similar(&record, None, d)?;
                d.resolved = true;
            } else {
                let listed: Vec<String> = in_stock
                    .iter()
                    .map(|v| self.choice_text(v, &record, lang))
                    .filter(|s| !s.is_empty())
                    .collect();
                let price = self.price_text(&record, lang);
                if listed.is_empty() {
                    // One variant without options ("Default Title"): its
                    // stock as the variant answer words it, without "in".
                    let v = in_stock[0];
                    let key = match v.quantity {
                        Some(_) if v.is_low(self.stock.low_stock_threshold()) => "in_stock_low",
                        Some(_) => "in_stock",
                        None => "in_stock_untracked",
                    };
                    let qty = v.quantity.map(|q| q.to_string()).unwrap_or_default();
                    d.say(
                        key,
                        &[
                            ("title", &title),
                            ("options", ""),
                            ("qty", &qty),
                            ("price", &price),
                        ],
                    );
                } else {
                    // Stock the store does not count is for sale, not
                    // "in stock": said as the variant answer says it.
                    let key = if in_stock.iter().any(|v| v.quantity.is_none()) {
                        "stock_overview_untracked"
                    } else {
                        "stock_overview"
                    };
                    d.say(
                        key,
                        &[
                            ("title", &title),
                            ("price", &price),
                            ("list", &shorten(&listed, lang, 8)),
                        ],
                    );
                }
                d.chip("chip_where");
                d.chip("chip_add_pickup");
            }
            session.checked.push(format!(
                "{title}: {} of {} variants in stock",
                in_stock.len(),
                record.variants.len()
            ));
            // The product asked about comes first, before similar ones.
            d.products.insert(0, record);
            return Ok(());
        }
        let matching: Vec<&Variant> = record.variants.iter().filter(|v| want.matches(v)).collect();
        let asked = {
            let mut parts = vec![self.asked_text(reading, lang)];
            parts.extend(want.others.iter().map(|(_, value)| value.clone()));
            parts.retain(|p| !p.is_empty());
            parts.join(", ")
        };
        if matching.is_empty() {
            let available = self.available_text(&record, &want, lang);
            d.say(
                "not_made_in",
                &[
                    ("title", &title),
                    ("options", &asked),
                    ("available", &available),
                ],
            );
            session.checked.push(format!(
                "{title}: not made in {}",
                self.asked_text(reading, self.stock.store_info().language)
            ));
            d.products.push(record.clone());
            self.offer_similar(&record, reading.size.as_deref(), d)?;
            return Ok(());
        }
        if let Some(v) = matching.iter().find(|v| v.in_stock) {
            let options = self.choice_text(v, &record, lang);
            let price = self.variant_price_text(v.price, &currency, lang);
            match v.quantity {
                Some(q) if v.is_low(self.stock.low_stock_threshold()) => d.say(
                    "in_stock_low",
                    &[
                        ("title", &title),
                        ("options", &options),
                        ("qty", &q.to_string()),
                        ("price", &price),
                    ],
                ),
                Some(q) => d.say(
                    "in_stock",
                    &[
                        ("title", &title),
                        ("options", &options),
                        ("qty", &q.to_string()),
                        ("price", &price),
                    ],
                ),
                None => d.say(
                    "in_stock_untracked",
                    &[("title", &title), ("options", &options), ("price", &price)],
                ),
            }
            if let Some(loc) = &record.location {
                d.say(
                    "location_product",
                    &[("title", &title), ("location", &loc.describe(lang))],
                );
            }
            d.actions.push(Action::AddToPickupList {
                status: ActionStatus::Offered,
                product_id: record.product.id.clone(),
                sku: Some(v.sku.clone()),
                title: title.clone(),
                options: options.clone(),
            });
            d.chip("chip_add_pickup");
            d.chip("chip_goes_with");
            session.checked.push(format!(
                "{title} ({}): {} in stock",
                self.options_text(v, self.stock.store_info().language),
                v.quantity.map_or("some".to_string(), |q| q.to_string())
            ));
            d.products.push(record);
            return Ok(());
        }
        // Asked-for variant out of stock: the same product in other
        // sizes/colours, similar products, and the waitlist.
        let v = matching[0];
        let options = self.choice_text(v, &record, lang);
        d.say("out_of_stock", &[("title", &title), ("options", &options)]);
        d.lost_demand.push(LostDemand {
            product_id: record.product.id.clone(),
            size: v.size().map(str::to_string),
            color: v.color().map(str::to_string),
        });
        session.checked.push(format!(
            "{title} ({}): out of stock",
            self.options_text(v, self.stock.store_info().language)
        ));
        self.say_other_variants(&record, v, &want, d);
        d.products.push(record.clone());
        self.offer_similar(&record, reading.size.as_deref(), d)?;
        session.waitlist_candidate =
            Some((record.product.id.clone(), v.sku.clone(), options.clone()));
        d.actions.push(Action::JoinWaitlist {
            status: ActionStatus::Offered,
            product_id: record.product.id.clone(),
            sku: v.sku.clone(),
            title,
            options,
            contact: None,
            consent: None,
        });
        d.say("waitlist_offer", &[]);
        d.chip("chip_notify");
        d.chip("chip_other_sizes");
        Ok(())
    }

    /// The values of the option the turn asks about by name, among the
    /// variants that fit the rest of what it asks ("which sizes in
    /// black?"), in the store's order, each with whether it is for sale:
    /// said, and how many values; `None` (nothing said) when the turn
    /// already names a value of that option or the product has none.
    fn option_values(
        &self,
        record: &ProductRecord,
        want: &VariantQuery,
        asked: OptionAsked,
        d: &mut Draft,
    ) -> Option<usize> {
        let lang = d.lang;
        let (value_of, key): (fn(&Variant) -> Option<&str>, &str) = match asked {
            OptionAsked::Size if want.size.is_none() => (Variant::size, "sizes_of"),
            OptionAsked::Colour if !want.asks_colour() => (Variant::color, "colours_of"),
            _ => return None,
        };
        let fitting: Vec<&Variant> = record.variants.iter().filter(|v| want.matches(v)).collect();
        let mut values: Vec<(String, Vec<&Variant>)> = Vec::new();
        for v in &fitting {
            let Some(value) = value_of(v).map(str::trim).filter(|x| !x.is_empty()) else {
                continue;
            };
            let key = crate::text::option_key(value);
            match values
                .iter_mut()
                .find(|(seen, _)| crate::text::option_key(seen) == key)
            {
                Some((_, vs)) => vs.push(v),
                None => values.push((value.to_string(), vec![v])),
            }
        }
        if values.is_empty() {
            return None;
        }
        let items: Vec<String> = values
            .iter()
            .map(|(value, vs)| {
                let for_sale: Vec<&Variant> = vs.iter().copied().filter(|v| v.in_stock).collect();
                let status = if for_sale.is_empty() {
                    say(lang, "word_out_of_stock_short", &[])
                } else {
                    say(lang, super::stock_word(&for_sale), &[])
                };
                let name = match asked {
                    OptionAsked::Colour => self.color_name(value, lang),
                    OptionAsked::Size => value.clone(),
                };
                format!("{name} ({status})")
            })
            .collect();
        let price = self.price_text(record, lang);
        d.say(
            key,
            &[
                ("title", &record.product.title),
                ("price", &price),
                ("list", &shorten(&items, lang, 12)),
            ],
        );
        d.chip("chip_where");
        d.chip("chip_add_pickup");
        Some(values.len())
    }

    /// Several colour values of one product hold the colour asked for and
    /// none is exactly it: each, with whether it is in stock (in the size
    /// and other values asked for), and the question which one.
    pub(in crate::assistant) fn colour_choices(
        &self,
        record: &ProductRecord,
        want: &VariantQuery,
        values: &[String],
        reading: &Reading,
        d: &mut Draft,
    ) {
        let lang = d.lang;
        let items: Vec<String> = values
            .iter()
            .map(|value| {
                let key = crate::text::option_key(value);
                let for_sale: Vec<&Variant> = record
                    .variants
                    .iter()
                    .filter(|v| {
                        v.in_stock
                            && v.color().map(crate::text::option_key).as_deref()
                                == Some(key.as_str())
                            && want.size_matches(v)
                            && want.others_match(v)
                    })
                    .collect();
                let status = if for_sale.is_empty() {
                    say(lang, "word_out_of_stock_short", &[])
                } else {
                    say(lang, super::stock_word(&for_sale), &[])
                };
                format!("{} ({status})", self.color_name(value, lang))
            })
            .collect();
        d.say(
            "colour_choices",
            &[
                ("title", &record.product.title),
                ("colour", &self.asked_text(reading, lang)),
                ("list", &shorten(&items, lang, 12)),
            ],
        );
        d.resolved = false;
        d.confidence = d.confidence.max(0.8);
    }

    /// After "X in size 9, black is out of stock": what the same product
    /// has in stock instead, grouped the way the shopper asked — the sizes
    /// in the colour asked for, the colours in the size asked for, else the
    /// other sizes or colours at all.
    pub(in crate::assistant) fn say_other_variants(
        &self,
        record: &ProductRecord,
        missing: &Variant,
        want: &VariantQuery,
        d: &mut Draft,
    ) {
        let lang = d.lang;
        let in_stock: Vec<&Variant> = record.variants.iter().filter(|o| o.in_stock).collect();
        let distinct = |values: Vec<String>| {
            let mut seen = Vec::new();
            for v in values {
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
            seen
        };
        let sizes_of = |pick: &dyn Fn(&Variant) -> bool| {
            distinct(
                in_stock
                    .iter()
                    .filter(|o| pick(o))
                    .filter_map(|o| o.size().map(str::to_string))
                    .collect(),
            )
        };
        let colours_of = |pick: &dyn Fn(&Variant) -> bool| {
            distinct(
                in_stock
                    .iter()
                    .filter(|o| pick(o))
                    .filter_map(|o| o.color().map(|c| self.color_name(c, lang)))
                    .collect(),
            )
        };
        let size_asked = want.size.is_some();
        let colour_asked = want.asks_colour();
        // A value of another option asked for ("1/2 oz"): its other values
        // in stock in the size and colour asked for ("Weight 5/8 oz").
        if !want.others.is_empty() {
            let items: Vec<String> = in_stock
                .iter()
                .filter(|o| want.size_matches(o) && want.color_matches(o))
                .map(|o| {
                    want.others
                        .iter()
                        .filter_map(|(name, _)| o.options.get(name).map(|v| format!("{name} {v}")))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|t| !t.is_empty())
                .collect();
            if !items.is_empty() {
                d.say(
                    "other_values_in_stock",
                    &[("list", &shorten(&items, lang, 8))],
                );
                return;
            }
        }
        let mut said = false;
        if let (true, Some(colour)) = (colour_asked, missing.color()) {
            let sizes = sizes_of(&|o: &Variant| o.color() == Some(colour));
            if !sizes.is_empty() {
                d.say(
                    "other_sizes_in_colour",
                    &[
                        ("colour", &self.color_name(colour, lang)),
                        ("list", &shorten(&sizes, lang, 10)),
                    ],
                );
                said = true;
            }
        }
        if let (true, Some(size)) = (size_asked, missing.size()) {
            let colours = colours_of(&|o: &Variant| o.size() == Some(size));
            if !colours.is_empty() {
                d.say(
                    "other_colours_in_size",
                    &[("size", size), ("list", &shorten(&colours, lang, 8))],
                );
                said = true;
            }
        }
        if said {
            return;
        }
        let (key, values) = if size_asked {
            ("other_sizes_in_stock", sizes_of(&|_| true))
        } else {
            ("other_colours_in_stock", colours_of(&|_| true))
        };
        if !values.is_empty() {
            d.say(key, &[("list", &shorten(&values, lang, 10))]);
        }
    }

    pub(in crate::assistant) fn nothing_found(&self, reading: &Reading, text: &str, d: &mut Draft) {
        let lexicon = self.stock.lexicon();
        let named: Vec<String> = reading
            .categories
            .iter()
            .chain(&reading.product_types)
            .map(|c| lexicon.concept(*c).name(d.lang).to_string())
            .collect();
        if let Some(what) = named.first() {
            d.say("none_found_category", &[("what", what)]);
        } else {
            let query = if reading.search_text.trim().is_empty() {
                text.trim()
            } else {
                reading.search_text.trim()
            };
            d.say("none_found", &[("query", query)]);
        }
        d.say("try_other_words", &[]);
        d.chip("chip_call_staff");
    }
}

/// What the products of a list answer are the first of, for its head's
/// count when the list is cut at its length.
#[derive(Debug, Clone, Copy)]
pub(in crate::assistant) enum FoundBy<'r> {
    /// Nothing beyond the products given.
    Shown,
    /// What this search finds, counted by the search.
    Search(&'r SearchRequest),
    /// This many, counted by the caller.
    Counted(usize),
}

/// The head of a list: how many were found, and when more were found than
/// are shown, how many are shown ("I found 212; here are the first 48:").
fn say_found(d: &mut Draft, key: &str, found: usize, shown: usize) {
    if found > shown {
        d.say(
            &format!("{key}_more"),
            &[("n", &found.to_string()), ("shown", &shown.to_string())],
        );
    } else {
        d.say(key, &[("n", &found.to_string())]);
    }
}

/// Whether a turn's search words hold anything beyond stop words (in
/// either script): "有 嗎" of "有M號嗎" does not.
pub(in crate::assistant) fn has_product_words(search_text: &str) -> bool {
    crate::text::tokenize(search_text).into_iter().any(|t| {
        if t.cjk {
            !crate::text::strip_cjk_stopwords(&t.text).is_empty()
        } else {
            !crate::text::is_stopword(&t.text)
        }
    })
}

#[cfg(test)]
mod tests;
