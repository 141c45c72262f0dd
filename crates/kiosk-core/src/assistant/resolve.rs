//! Resolution: which product a turn speaks of. An ordinal or "it" points at
//! what was shown; otherwise the words that tell the store's titles apart
//! name it ("Arsenal *Third*", "Bayern home *24-25*", "*Player Version*").
//!
//! Words shared by many candidate titles ("jersey") weigh little; a word
//! only some titles have ("third", "2024-25", "kids") weighs a lot. A word
//! the shopper said that some candidate titles have and others lack decides
//! between them: a title without it is not what was asked for, so its stock
//! is never stated for the question. When several titles fit equally well
//! the answer shows them and asks which one.

use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Session;
use crate::assistant::cues::Cue;
use crate::assistant::understand::{self, Reading};
use crate::text::{age_size_key, option_key, size_code, size_key};
use crate::traits::BackendError;
use crate::{ProductRecord, SearchRequest, Variant};

/// What the words of a turn name among the store's products.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Named {
    /// No product in particular: a kind of product, or no words at all.
    Nothing,
    /// One product, clearly.
    One(Box<ProductRecord>),
    /// Several products fit the words equally well, in search order.
    Several(Vec<ProductRecord>),
    /// The turn's own words rule out every product the search found
    /// ("the Bayern third shirt" in a store with Bayern home and Arsenal
    /// third ones): the words of the turn that titles use, as typed.
    NoneFits(String),
}

/// A word of the turn, and whether it decides between titles: a word the
/// store's vocabulary does not know (a model, a season, "third", "player")
/// must be in the title of the product asked about.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct QueryWord {
    pub(super) text: String,
    pub(super) decisive: bool,
}

/// How many extra searches a turn may run for its words that the first
/// search's titles lack.
const EXTRA_SEARCHES: usize = 3;

impl Assistant<'_> {
    /// The product a turn speaks of: "the second one", "it", or what the
    /// words name.
    pub(super) fn focus_or_named(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
    ) -> Result<Named, BackendError> {
        let reading = &self.without_title_ordinal(text, reading, session)?;
        if let Some(record) = self.referenced(session, reading)? {
            return Ok(Named::One(Box::new(record)));
        }
        if reading.names_product() || reading.leftover_words > 0 {
            let named = self.named(text, reading, session)?;
            if named != Named::Nothing {
                return Ok(named);
            }
            // A kind of product ("how much are the rain jackets"): the best
            // match.
            let (found, _) = self.find(reading, session, None)?;
            return Ok(found
                .into_iter()
                .next()
                .map_or(Named::Nothing, |r| Named::One(Box::new(r))));
        }
        // Only words the vocabulary reads as a colour or size ("the white
        // grey"), with nothing in focus: a title that has them as a phrase.
        if session.focus.is_none() && !reading.search_text.trim().is_empty() {
            let named = self.named(text, reading, session)?;
            if matches!(named, Named::One(_)) {
                return Ok(named);
            }
        }
        Ok(match &session.focus {
            Some(id) => match self.stock.product(id)? {
                Some(record) => Named::One(Box::new(self.with_namesakes(record)?)),
                None => Named::Nothing,
            },
            None => Named::Nothing,
        })
    }

    /// The turn's words that the store's own titles hold keep their own
    /// meaning:
    /// - a cue word that is also a word of the store's titles ("Train" of
    ///   "Superoversize Train or Die", "Taxi" of "Jordan 12 Taxi") names a
    ///   product rather than a topic the kiosk leaves to others: the cue is
    ///   dropped and its words are searched;
    /// - a word the vocabulary read only as a misspelling ("block" as
    ///   black, "pourple" as purple) is the title's word, not the concept.
    pub(super) fn with_store_words(
        &self,
        mut reading: Reading,
        text: &str,
    ) -> Result<Reading, BackendError> {
        let lexicon = self.stock.lexicon();
        let analysis = lexicon.analyze(text);
        let mut dropped: Vec<usize> = Vec::new();
        for m in analysis.mentions.iter().filter(|m| !m.exact) {
            let words = title_words(&text[m.start..m.end]);
            let said_exactly = analysis
                .mentions
                .iter()
                .any(|o| o.exact && o.concept == m.concept);
            if words.is_empty() || said_exactly || !self.a_title_has(&words)? {
                continue;
            }
            dropped.push(m.concept);
            reading.leftover_words += 1;
        }
        if !dropped.is_empty() {
            for list in [
                &mut reading.categories,
                &mut reading.product_types,
                &mut reading.materials,
                &mut reading.attributes,
            ] {
                list.retain(|c| !dropped.contains(c));
            }
            reading.colors.retain(|c| !dropped.contains(c));
            if reading.color.is_some_and(|c| dropped.contains(&c)) {
                // The next colour the turn names, if any.
                reading.color = analysis.mentions.iter().map(|m| m.concept).find(|c| {
                    !dropped.contains(c)
                        && lexicon.concept(*c).kind == crate::lexicon::ConceptKind::Color
                });
            }
        }
        let mut freed: Vec<String> = Vec::new();
        let mut kept = Vec::with_capacity(reading.cues.len());
        for found in std::mem::take(&mut reading.cues) {
            if found.cue == Cue::OffTopic {
                let piece = &text[found.start..found.end];
                let words = title_words(piece);
                if !words.is_empty() && self.a_title_has(&words)? {
                    freed.push(piece.to_string());
                    continue;
                }
            }
            kept.push(found);
        }
        reading.cues = kept;
        for piece in freed {
            if !reading.search_text.is_empty() {
                reading.search_text.push(' ');
            }
            reading.search_text.push_str(&piece);
            reading.leftover_words += title_words(&piece).len();
        }
        Ok(reading)
    }

    /// Colour words inside a store category's name, said whole, name the
    /// category: "roze" of "roze vino" (a category "Roze vino"), "white"
    /// of "white wine". They are the category's words, searched with it,
    /// not a colour the products must come in; a colour said beside the
    /// category ("zwarte camisetas de manga corta") stays a colour.
    pub(super) fn with_category_words(&self, mut reading: Reading, text: &str) -> Reading {
        if reading.color.is_none() && reading.color_value.is_none() {
            return reading;
        }
        let said = title_words(text);
        let runs: Vec<Vec<String>> = self
            .stock
            .categories()
            .iter()
            .map(|(category, _)| category_words(category))
            .filter(|words| words.len() >= 2 && has_run(&said, words))
            .collect();
        if runs.is_empty() {
            return reading;
        }
        // A colour word is the category's when the category has it and
        // other words besides.
        let in_a_run = |words: &[String]| {
            !words.is_empty()
                && runs
                    .iter()
                    .any(|run| run.len() > words.len() && has_run(run, words))
        };
        let lexicon = self.stock.lexicon();
        let mut freed: Vec<String> = Vec::new();
        let mut dropped: Vec<usize> = Vec::new();
        for m in lexicon.analyze(text).mentions {
            if lexicon.concept(m.concept).kind != crate::lexicon::ConceptKind::Color {
                continue;
            }
            let piece = &text[m.start..m.end];
            if in_a_run(&title_words(piece)) {
                dropped.push(m.concept);
                freed.push(piece.to_string());
            }
        }
        if let Some(value) = &reading.color_value
            && in_a_run(&title_words(value))
        {
            freed.push(value.clone());
            reading.color_value = None;
        }
        if freed.is_empty() {
            return reading;
        }
        reading.colors.retain(|c| !dropped.contains(c));
        if reading.color.is_some_and(|c| dropped.contains(&c)) {
            reading.color = reading.colors.first().copied();
        }
        // The freed words go back among the searched words, in the order
        // they were said.
        let folded = crate::text::fold(text);
        let mut pieces: Vec<String> = reading
            .search_text
            .split_whitespace()
            .map(str::to_string)
            .collect();
        for piece in freed {
            if !title_words(&reading.search_text)
                .contains(&crate::lexicon::light_stem(&crate::text::fold(&piece)))
            {
                pieces.push(piece);
                reading.leftover_words += 1;
            }
        }
        let at = |piece: &String| folded.find(&crate::text::fold(piece)).unwrap_or(usize::MAX);
        pieces.sort_by_key(at);
        reading.search_text = pieces.join(" ");
        reading
    }

    /// Whether some product's title has all of `words` (as `title_words`).
    pub(super) fn a_title_has(&self, words: &[String]) -> Result<bool, BackendError> {
        let mut request = SearchRequest::new(words.join(" "));
        request.limit = self.config.max_list_products;
        Ok(self.search.search(&request)?.iter().any(|hit| {
            let title = title_words(&hit.record.product.title);
            words.iter().all(|w| title.contains(w))
        }))
    }

    /// The product with the other products the catalog lists under the
    /// same title ("LW CrissCut Fries" and "LW Crisscut Fries"): to a
    /// shopper they are one product, so their variants are answered
    /// together.
    pub(super) fn with_namesakes(
        &self,
        record: ProductRecord,
    ) -> Result<ProductRecord, BackendError> {
        let mut request = SearchRequest::new(record.product.title.clone());
        request.limit = self.config.max_products * 2;
        let key = title_key(&record.product.title);
        let mut all = vec![record];
        for hit in self.search.search(&request)? {
            if title_key(&hit.record.product.title) == key
                && !all.iter().any(|r| r.product.id == hit.record.product.id)
            {
                all.push(hit.record);
            }
        }
        Ok(merge_namesakes(all).remove(0))
    }

    /// The one product a question about a product (its price, where it is)
    /// is about; otherwise the draft says why not (several fit: which one?
    /// none fits: nothing matches; no product named: which product?) and
    /// this returns `None`.
    pub(super) fn product_spoken_of(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        d: &mut Draft,
    ) -> Result<Option<ProductRecord>, BackendError> {
        match self.focus_or_named(session, reading, text)? {
            Named::One(record) => Ok(Some(*record)),
            Named::Several(several) => {
                self.ask_which(session, reading, several, d)?;
                Ok(None)
            }
            Named::NoneFits(words) => {
                d.confidence = 0.7;
                self.none_fits(&words, d);
                Ok(None)
            }
            Named::Nothing => {
                d.confidence = 0.5;
                d.resolved = false;
                d.say("which_product", &[]);
                Ok(None)
            }
        }
    }

    /// The turn without its ordinal when the ordinal's word is part of the
    /// name of the product the words name ("the Arsenal *third* shirt" is
    /// not the third product shown).
    pub(super) fn without_title_ordinal(
        &self,
        text: &str,
        reading: &Reading,
        session: &Session,
    ) -> Result<Reading, BackendError> {
        let mut reading = reading.clone();
        if reading.ordinal.is_none() || reading.leftover_words == 0 {
            return Ok(reading);
        }
        let searched = title_words(&reading.search_text);
        let taken: Vec<String> = self
            .query_words(text, &reading)
            .into_iter()
            .filter(|q| q.decisive && !searched.contains(&q.text))
            .map(|q| q.text)
            .collect();
        let named = match self.named(text, &reading, session)? {
            Named::One(record) => vec![*record],
            Named::Several(records) => records,
            Named::Nothing | Named::NoneFits(_) => Vec::new(),
        };
        if named.iter().any(|r| {
            title_words(&r.product.title)
                .iter()
                .any(|w| taken.contains(w))
        }) {
            reading.ordinal = None;
            reading.ordinals.clear();
        }
        Ok(reading)
    }

    /// The turn's words, as `title_words` reads titles, without the size it
    /// asks for and the figures it gave as prices or positions ("under 50",
    /// "2nd"). A word is decisive unless the vocabulary knows it or it is
    /// part of the store's own name.
    pub(super) fn query_words(&self, text: &str, reading: &Reading) -> Vec<QueryWord> {
        let lexicon = self.stock.lexicon();
        let size = reading.size.as_deref().map(option_key);
        let searched = title_words(&reading.search_text);
        let words = title_words(text);
        // The store's name, or two words of it in a row ("Stride & Style"
        // for "Stride & Style Rotterdam"), names the store.
        let store_name = title_words(&self.stock.store_info().name);
        let in_store_name = |i: usize| {
            store_name.iter().enumerate().any(|(j, name_word)| {
                *name_word == words[i]
                    && (store_name.len() == 1
                        || (j + 1 < store_name.len()
                            && words.get(i + 1) == Some(&store_name[j + 1]))
                        || (i > 0 && j > 0 && words[i - 1] == store_name[j - 1]))
            })
        };
        let mut out: Vec<QueryWord> = Vec::new();
        for (i, word) in words.iter().cloned().enumerate() {
            let figure_taken =
                word.chars().all(|c| c.is_ascii_digit()) && !searched.contains(&word);
            if size.as_deref() == Some(word.as_str())
                || figure_taken
                || out.iter().any(|q| q.text == word)
            {
                continue;
            }
            // A word the reading took for a slot or a cue ("under" of
            // "under 27", "how much") left the search words, and says nothing
            // about which product; an ordinal's word may still be a title's
            // ("Third").
            let read_as_words = searched.contains(&word) || reading.ordinal.is_some();
            let decisive = read_as_words && lexicon.lookup(&word).is_none() && !in_store_name(i);
            out.push(QueryWord {
                text: word,
                decisive,
            });
        }
        out
    }

    /// What the turn's words name: the search's candidates (without the
    /// size, colour and price asked for, which are about variants), plus
    /// products with a decisive word no candidate title has, ranked by
    /// `best_fits`. Only a product named by a decisive word other than its
    /// brand counts as named.
    pub(super) fn named(
        &self,
        text: &str,
        reading: &Reading,
        session: &Session,
    ) -> Result<Named, BackendError> {
        let query = self.query_words(text, reading);
        if !query.iter().any(|q| q.decisive) {
            return self.named_by_phrase(reading, session);
        }
        // Words that say one of the store's categories whole ("camisetas
        // de manga corta", "jersey set") ask for the category, not for the
        // products whose titles share one of them. The turn's other words
        // may be the sentence around it in another language ("lihat …",
        // "laat me … zien"): a word no title has names no product.
        if self.says_a_category(&query)? {
            return Ok(Named::Nothing);
        }
        let mut plain = reading.clone();
        plain.size = None;
        plain.color = None;
        plain.colors.clear();
        plain.price_min = None;
        plain.price_max = None;
        let (mut candidates, _) = self.find_all(&plain, session)?;
        let mut titles: Vec<Vec<String>> = candidates
            .iter()
            .map(|r| title_words(&r.product.title))
            .collect();
        let unseen: Vec<&QueryWord> = query
            .iter()
            .filter(|q| q.decisive && !titles.iter().any(|t| t.contains(&q.text)))
            .take(EXTRA_SEARCHES)
            .collect();
        for word in unseen {
            let mut request = SearchRequest::new(word.text.clone());
            request.limit = self.config.max_list_products;
            for hit in self.search.search(&request)? {
                let words = title_words(&hit.record.product.title);
                if words.contains(&word.text)
                    && !candidates
                        .iter()
                        .any(|c| c.product.id == hit.record.product.id)
                {
                    candidates.push(hit.record);
                    titles.push(words);
                }
            }
        }
        let mut fits = best_fits(&query, &titles);
        // A price limit the shopper stated holds over the words that name
        // products ("armchairs under 1000" in a store whose titles say
        // "Teak Armchair"): of the titles that fit the words equally, those
        // within the limit. Only when none is within does the answer speak
        // of products outside it, and says so.
        if has_price_limit(reading)
            && !fits
                .iter()
                .all(|i| within_price_limit(reading, &candidates[*i]))
        {
            let within: Vec<usize> = equal_fits(&query, &titles)
                .into_iter()
                .filter(|i| within_price_limit(reading, &candidates[*i]))
                .collect();
            if !within.is_empty() {
                fits = within;
            }
        }
        if fits.is_empty() {
            let said = query
                .iter()
                .any(|q| q.decisive && titles.iter().any(|t| t.contains(&q.text)));
            return Ok(if said {
                Named::NoneFits(words_as_typed(text, &titles))
            } else {
                Named::Nothing
            });
        }
        // The brand alone names a maker, not a product.
        let names_it = |i: usize| {
            let brand = candidates[i]
                .product
                .brand
                .as_deref()
                .map(title_words)
                .unwrap_or_default();
            query
                .iter()
                .any(|q| q.decisive && titles[i].contains(&q.text) && !brand.contains(&q.text))
        };
        if !fits.iter().all(|i| names_it(*i)) {
            return Ok(Named::Nothing);
        }
        let mut picked: Vec<ProductRecord> = Vec::with_capacity(fits.len());
        for (i, record) in candidates.into_iter().enumerate() {
            if fits.contains(&i) {
                picked.push(record);
            }
        }
        let mut picked = merge_namesakes(picked);
        if picked.len() > 1
            && let Some(i) = most_typed(&reading.search_text, &picked)
        {
            return Ok(Named::One(Box::new(picked.swap_remove(i))));
        }
        Ok(if picked.len() == 1 {
            Named::One(Box::new(picked.remove(0)))
        } else {
            Named::Several(picked)
        })
    }

    /// Whether the turn's words say one of the store's categories whole,
    /// with no other decisive word that a title has.
    fn says_a_category(&self, query: &[QueryWord]) -> Result<bool, BackendError> {
        for (category, _) in self.stock.categories() {
            let words = category_words(category);
            if words.is_empty() || !words.iter().all(|c| query.iter().any(|q| q.text == *c)) {
                continue;
            }
            let mut named_by_other = false;
            for q in query
                .iter()
                .filter(|q| q.decisive && !words.contains(&q.text))
            {
                if self.a_title_has(std::slice::from_ref(&q.text))? {
                    named_by_other = true;
                    break;
                }
            }
            if !named_by_other {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A turn whose words the vocabulary all knows ("the white grey", "the
    /// cotton shirt", "t-shirt") names a product only through a title that
    /// has them as a phrase, in order: the one such title, when they are
    /// two words or more, or the one title that is exactly the words
    /// typed. Otherwise the words name a kind of product.
    fn named_by_phrase(&self, reading: &Reading, session: &Session) -> Result<Named, BackendError> {
        let said = title_words(&reading.search_text);
        if said.is_empty() {
            return Ok(Named::Nothing);
        }
        if self.stock.categories().iter().any(|(category, _)| {
            let words = category_words(category);
            !words.is_empty()
                && words.iter().all(|c| said.contains(c))
                && said.iter().all(|w| words.contains(w))
        }) {
            return Ok(Named::Nothing);
        }
        let mut plain = reading.clone();
        plain.size = None;
        plain.color = None;
        plain.colors.clear();
        plain.color_value = None;
        plain.price_min = None;
        plain.price_max = None;
        let (candidates, _) = self.find_all(&plain, session)?;
        let fits: Vec<ProductRecord> = candidates
            .into_iter()
            .filter(|r| has_run(&title_words(&r.product.title), &said))
            .collect();
        let mut fits = merge_namesakes(fits);
        if fits.len() == 1 && said.len() >= 2 {
            return Ok(Named::One(Box::new(fits.remove(0))));
        }
        let typed = typed_words(&reading.search_text);
        let whole: Vec<usize> = (0..fits.len())
            .filter(|i| typed_words(&fits[*i].product.title) == typed)
            .collect();
        Ok(match whole.as_slice() {
            [i] => Named::One(Box::new(fits.swap_remove(*i))),
            _ => Named::Nothing,
        })
    }

    /// A product already on screen that the turn points at.
    pub(super) fn referenced(
        &self,
        session: &mut Session,
        reading: &Reading,
    ) -> Result<Option<ProductRecord>, BackendError> {
        if let Some(n) = reading.ordinal {
            let id = if n == usize::MAX {
                session.shown.last()
            } else {
                session.shown.get(n)
            };
            if let Some(id) = id.cloned() {
                session.focus = Some(id.clone());
                return self.product_as_shopper_sees(&id);
            }
            return Ok(None);
        }
        let follow_up = understand::refers_back(reading)
            || (!reading.names_product() && reading.leftover_words == 0);
        if follow_up
            && !reading.names_product()
            && let Some(id) = session.focus.clone()
        {
            return self.product_as_shopper_sees(&id);
        }
        Ok(None)
    }

    /// Whether the turn points past the end of what was shown ("the fifth
    /// one" after three): an ordinal no product on screen has, that is not
    /// a word of the title the turn names ("the Arsenal *third* shirt").
    pub(super) fn ordinal_past_shown(
        &self,
        session: &Session,
        reading: &Reading,
        text: &str,
    ) -> Result<bool, BackendError> {
        let past = |reading: &Reading| {
            !session.shown.is_empty()
                && reading
                    .ordinals
                    .iter()
                    .any(|n| *n != usize::MAX && *n >= session.shown.len())
        };
        if !past(reading) {
            return Ok(false);
        }
        Ok(past(&self.without_title_ordinal(text, reading, session)?))
    }

    /// A product by id, with its namesakes (see `with_namesakes`).
    fn product_as_shopper_sees(&self, id: &str) -> Result<Option<ProductRecord>, BackendError> {
        match self.stock.product(id)? {
            Some(record) => Ok(Some(self.with_namesakes(record)?)),
            None => Ok(None),
        }
    }

    /// Whether the turn's own words find a product that contains them.
    pub(super) fn words_find_a_product(
        &self,
        reading: &Reading,
        session: &Session,
    ) -> Result<bool, BackendError> {
        if reading.leftover_words == 0 {
            return Ok(false);
        }
        let (found, _) = self.find(reading, session, None)?;
        Ok(found.first().is_some_and(|r| self.shares_words(reading, r)))
    }

    /// Whether a product's own words contain any of the turn's content
    /// words (as opposed to a match only through a typo).
    pub(super) fn shares_words(&self, reading: &Reading, record: &ProductRecord) -> bool {
        let text = crate::text::fold(&format!(
            "{} {} {} {}",
            record.product.title,
            record.product.brand.as_deref().unwrap_or(""),
            record.product.category.as_deref().unwrap_or(""),
            record.product.tags.join(" ")
        ));
        let own: Vec<String> = crate::text::tokenize(&text)
            .into_iter()
            .map(|t| crate::lexicon::light_stem(&t.text))
            .collect();
        crate::text::tokenize(&reading.search_text)
            .into_iter()
            .filter(|t| !t.cjk && !crate::text::is_stopword(&t.text))
            .any(|t| own.contains(&crate::lexicon::light_stem(&t.text)))
    }

    pub(super) fn variant_query(&self, reading: &Reading) -> VariantQuery {
        let lexicon = self.stock.lexicon();
        let groups: Vec<Vec<String>> = match &reading.color_value {
            Some(value) => vec![vec![option_key(value)]],
            None => reading
                .colour_concepts()
                .into_iter()
                .map(|c| {
                    let mut words: Vec<String> = Vec::new();
                    for w in lexicon.concept(c).terms.iter().flat_map(|(_, ws)| ws) {
                        let key = option_key(w);
                        if !key.is_empty() && !words.contains(&key) {
                            words.push(key);
                        }
                    }
                    words
                })
                .filter(|words| !words.is_empty())
                .collect(),
        };
        VariantQuery {
            size: reading.size.as_deref().map(option_key),
            colors: groups.iter().flatten().cloned().collect(),
            groups,
            values: None,
            others: Vec::new(),
        }
    }

    /// What the turn asks for among one product's own variants, read
    /// against that product's option values:
    /// - colours: the colour value that holds every colour asked for
    ///   ("black and white" is "Black & White", not "Black"), exactly
    ///   first; a word of the turn that is part of one of the product's
    ///   colour values ("camo" of "Pink camo") counts as asked; when
    ///   several values hold the colour and none is it exactly ("pink":
    ///   "Pink & Black", "Pink Snake"), they are the `colour_choices`;
    /// - every other option ("Weight", "Volume", "Capacity"): the value the
    ///   turn names, the longest first, numbers and units compared as
    ///   written or glued ("1/2oz", "½ oz"); a value the turn gives in the
    ///   option's unit that the product lacks is `missing`.
    pub(super) fn variant_choice(
        &self,
        reading: &Reading,
        record: &ProductRecord,
    ) -> VariantChoice {
        let mut want = self.variant_query(reading).within(record);
        let title = title_words(&record.product.title);
        let mut colour_values: Vec<&str> = Vec::new();
        for v in &record.variants {
            if let Some(c) = v.color()
                && !colour_values.contains(&c)
            {
                colour_values.push(c);
            }
        }
        // The turn's other words that some colour value of this product
        // has ("camo"), beyond the colours the vocabulary read.
        let said = measure_tokens(&reading.text);
        for word in &said {
            if word.chars().any(|c| c.is_ascii_digit())
                || crate::text::is_stopword(word)
                || title.contains(&crate::lexicon::light_stem(word))
                || want.groups.iter().flatten().any(|g| g == word)
                || (reading.size.as_deref().map(option_key).as_deref() == Some(word.as_str()))
            {
                continue;
            }
            if colour_values
                .iter()
                .any(|c| value_words(c).iter().any(|w| w == word))
            {
                want.groups.push(vec![word.clone()]);
            }
        }
        let mut colour_choices = Vec::new();
        if !want.groups.is_empty() && !colour_values.is_empty() {
            let fits: Vec<&str> = colour_values
                .iter()
                .copied()
                .filter(|c| colour_holds(c, &want.groups))
                .collect();
            let exact: Vec<&str> = fits
                .iter()
                .copied()
                .filter(|c| colour_exact(c, &want.groups))
                .collect();
            let chosen = if exact.is_empty() { fits } else { exact };
            if chosen.len() > 1 {
                colour_choices = chosen.iter().map(|c| c.to_string()).collect();
            }
            want.values = Some(chosen.iter().map(|c| option_key(c)).collect());
        }
        let mut missing = None;
        let mut taken = vec![false; said.len()];
        for name in other_option_names(record) {
            let mut values: Vec<&str> = Vec::new();
            for v in &record.variants {
                if let Some(x) = v.options.get(&name)
                    && !values.contains(&x.as_str())
                {
                    values.push(x);
                }
            }
            match pick_value(&said, &mut taken, &values) {
                Some(value) => want.others.push((name, value.to_string())),
                None => {
                    if missing.is_none()
                        && let Some(asked) = asked_measure(&said, &taken, &values)
                    {
                        missing = Some(MissingValue {
                            asked,
                            values: values.iter().map(|v| v.to_string()).collect(),
                        });
                    }
                }
            }
        }
        VariantChoice {
            want,
            colour_choices,
            missing,
        }
    }
}

/// What a turn asks for among one product's variants (`variant_choice`).
pub(super) struct VariantChoice {
    pub(super) want: VariantQuery,
    /// Colour values that each hold the colour asked for, none exactly it,
    /// as the store writes them: the shopper is asked which.
    pub(super) colour_choices: Vec<String>,
    /// A value the product does not come in.
    pub(super) missing: Option<MissingValue>,
}

/// A value of an option ("2 oz") that the product does not come in, and
/// the values it does come in.
pub(super) struct MissingValue {
    pub(super) asked: String,
    pub(super) values: Vec<String>,
}

/// A size, colours and other option values to look for among variants.
#[derive(Debug, Clone, Default)]
pub(super) struct VariantQuery {
    pub(super) size: Option<String>,
    /// Every word of the colours asked for, folded.
    pub(super) colors: Vec<String>,
    /// The colours asked for, one group of folded words each: a variant's
    /// colour value fits when it holds a word of every group ("Purple &
    /// White" for purple and white).
    pub(super) groups: Vec<Vec<String>>,
    /// Within one product: the colour values chosen (`option_key`s).
    pub(super) values: Option<Vec<String>>,
    /// Within one product: values of its other options the turn names,
    /// (option name, value as the store writes it).
    pub(super) others: Vec<(String, String)>,
}

impl VariantQuery {
    pub(super) fn size_matches(&self, v: &Variant) -> bool {
        match (&self.size, v.size()) {
            (Some(want), Some(have)) => {
                option_key(have) == *want
                    || size_code(have).is_some_and(|code| size_key(&code) == size_key(want))
                    // One age written two ways: "3-6M" and "3-6 meses".
                    || age_size_key(have).is_some_and(|k| Some(k) == age_size_key(want))
            }
            (Some(_), None) => false,
            (None, _) => true,
        }
    }

    /// Whether a colour is asked for at all.
    pub(super) fn asks_colour(&self) -> bool {
        self.values.is_some() || !self.groups.is_empty()
    }

    /// Whether nothing about the variant is asked: no size, colour or
    /// other option value.
    pub(super) fn asks_nothing(&self) -> bool {
        self.size.is_none() && !self.asks_colour() && self.others.is_empty()
    }

    pub(super) fn color_matches(&self, v: &Variant) -> bool {
        if let Some(values) = &self.values {
            return v.color().is_some_and(|c| values.contains(&option_key(c)));
        }
        if self.groups.is_empty() {
            return true;
        }
        v.color().is_some_and(|c| colour_holds(c, &self.groups))
    }

    pub(super) fn others_match(&self, v: &Variant) -> bool {
        self.others
            .iter()
            .all(|(name, value)| v.options.get(name) == Some(value))
    }

    pub(super) fn matches(&self, v: &Variant) -> bool {
        self.size_matches(v) && self.color_matches(v) && self.others_match(v)
    }

    pub(super) fn in_stock_in(&self, r: &ProductRecord) -> bool {
        let want = self.within(r);
        r.variants.iter().any(|v| v.in_stock && want.matches(v))
    }

    /// The query for one product: a colour its title names ("Black Varsity
    /// Jacket") is the colour of every variant, so asking for it never
    /// excludes the product.
    pub(super) fn within(&self, record: &ProductRecord) -> VariantQuery {
        let mut out = self.clone();
        if title_has_colour(&record.product.title, &self.colors) {
            out.groups
                .retain(|g| !title_has_colour(&record.product.title, g));
            out.colors = out.groups.iter().flatten().cloned().collect();
        }
        out
    }
}

/// The words of an option value or a turn, folded, with measures written
/// one way: a number glued to its unit ("1/2 oz", "1/2oz" and "½ oz" are
/// all `1/2oz`; "750 ml" is `750ml`).
pub(super) fn measure_tokens(text: &str) -> Vec<String> {
    // Fraction glyphs as written out ("1½" is "1 1/2"), before folding
    // would write them with a fraction slash.
    let mut written = text.to_string();
    for (glyph, out) in [
        ('½', " 1/2"),
        ('¼', " 1/4"),
        ('¾', " 3/4"),
        ('⅓', " 1/3"),
        ('⅔', " 2/3"),
        ('⅛', " 1/8"),
        ('⅜', " 3/8"),
        ('⅝', " 5/8"),
        ('⅞', " 7/8"),
    ] {
        written = written.replace(glyph, out);
    }
    let folded = crate::text::fold(&written).replace('\u{2044}', "/");
    let pieces: Vec<String> = folded
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '/' | '.' | ',')))
        .map(|p| p.trim_matches(|c: char| matches!(c, '/' | '.' | ',')))
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let is_unit = piece.chars().all(char::is_alphabetic) && piece.chars().count() <= 3;
        match out.last_mut() {
            Some(last)
                if is_unit
                    && last.chars().last().is_some_and(|c| c.is_ascii_digit())
                    && last
                        .chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | ',')) =>
            {
                last.push_str(&piece);
            }
            _ => out.push(piece),
        }
    }
    out
}

/// The words of a colour value ("Pink & Black" → pink, black), folded.
fn value_words(value: &str) -> Vec<String> {
    crate::text::fold(value)
        .split(|c: char| !c.is_alphanumeric() || crate::text::is_cjk(c))
        .filter(|w| !w.is_empty() && !crate::text::is_stopword(w))
        .map(str::to_string)
        .collect()
}

/// Whether a colour value holds one of the words, whole: the value itself,
/// a run of its words ("light blue" of "Light Blue & White"), or, in
/// Chinese, a part of it ("黑" of "黑白").
fn value_has(value: &str, word: &str) -> bool {
    let key = option_key(value);
    if key == word {
        return true;
    }
    if word.chars().any(crate::text::is_cjk) {
        return crate::text::fold(value).contains(word);
    }
    let words = value_words(value);
    let wanted = value_words(word);
    has_run(&words, &wanted)
}

/// Whether a colour value holds every colour asked for.
pub(super) fn colour_holds(value: &str, groups: &[Vec<String>]) -> bool {
    groups.iter().all(|g| g.iter().any(|w| value_has(value, w)))
}

/// Whether a colour value is exactly the colours asked for, with nothing
/// else: "Black & White" for black and white, "Pink" for pink, but not
/// "Pink Snake".
fn colour_exact(value: &str, groups: &[Vec<String>]) -> bool {
    if !colour_holds(value, groups) {
        return false;
    }
    let words = value_words(value);
    let covered = |w: &String| groups.iter().flatten().any(|g| value_words(g).contains(w));
    if !words.is_empty() {
        return words.iter().all(covered);
    }
    // Chinese: what is left once the colours' words are taken out.
    let mut rest = crate::text::fold(value);
    let mut words: Vec<&String> = groups.iter().flatten().collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    for w in words {
        rest = rest.replace(w.as_str(), "");
    }
    rest.chars().all(|c| !c.is_alphanumeric() || c == '色')
}

/// The names of a product's options other than size and colour.
fn other_option_names(record: &ProductRecord) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for v in &record.variants {
        for name in v.options.keys() {
            if name != "Size" && name != "Color" && !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// The value of `values` the turn's words (`said`, as `measure_tokens`)
/// name, the longest first: a value whose words stand in the turn one
/// after another, else one whose measure ("1/2oz" of "Around 1/2 oz")
/// does and no other value shares. The words it took are marked.
fn pick_value<'a>(said: &[String], taken: &mut [bool], values: &[&'a str]) -> Option<&'a str> {
    let mut by_length: Vec<(&'a str, Vec<String>)> = values
        .iter()
        .map(|v| (*v, measure_tokens(v)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    by_length.sort_by_key(|(v, t)| std::cmp::Reverse((t.len(), v.len())));
    let free_run = |taken: &[bool], words: &[String]| -> Option<usize> {
        (!words.is_empty() && words.len() <= said.len())
            .then(|| {
                (0..=said.len() - words.len()).find(|&i| {
                    said[i..i + words.len()] == *words
                        && taken[i..i + words.len()].iter().all(|t| !t)
                })
            })
            .flatten()
    };
    for (value, words) in &by_length {
        if let Some(at) = free_run(taken, words) {
            taken[at..at + words.len()]
                .iter_mut()
                .for_each(|t| *t = true);
            return Some(value);
        }
    }
    // A measure alone: the words of the value with a digit in them.
    let measures: Vec<(&'a str, Vec<String>)> = by_length
        .iter()
        .map(|(v, t)| {
            let m: Vec<String> = t
                .iter()
                .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
                .cloned()
                .collect();
            (*v, m)
        })
        .filter(|(_, m)| !m.is_empty())
        .collect();
    for (value, m) in &measures {
        if measures.iter().filter(|(_, o)| o == m).count() == 1
            && let Some(at) = free_run(taken, m)
        {
            taken[at..at + m.len()].iter_mut().for_each(|t| *t = true);
            return Some(value);
        }
    }
    None
}

/// A measure the turn gives in the unit all of an option's values share
/// ("2oz" when the values are "1/4 oz", "1 oz"…) that no value took: a
/// value the product does not come in, as the turn wrote it.
fn asked_measure(said: &[String], taken: &[bool], values: &[&str]) -> Option<String> {
    let unit_of = |w: &str| -> Option<String> {
        let at = w.find(|c: char| c.is_alphabetic())?;
        let (number, unit) = w.split_at(at);
        (!number.is_empty()
            && number.chars().any(|c| c.is_ascii_digit())
            && number
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | ','))
            && unit.chars().all(char::is_alphabetic))
        .then(|| unit.to_string())
    };
    let mut unit: Option<String> = None;
    for value in values {
        let units: Vec<String> = measure_tokens(value)
            .iter()
            .filter_map(|w| unit_of(w))
            .collect();
        match (units.as_slice(), &unit) {
            ([u], None) => unit = Some(u.clone()),
            ([u], Some(seen)) if u == seen => {}
            _ => return None,
        }
    }
    let unit = unit?;
    let at = said
        .iter()
        .enumerate()
        .position(|(i, w)| !taken[i] && unit_of(w).as_deref() == Some(unit.as_str()))?;
    let word = &said[at];
    let number = &word[..word.len() - unit.len()];
    // "1 1/2oz": a whole number before a fraction belongs to it.
    let whole = if at > 0
        && !taken[at - 1]
        && number.contains('/')
        && said[at - 1].chars().all(|c| c.is_ascii_digit())
    {
        format!("{} ", said[at - 1])
    } else {
        String::new()
    };
    Some(format!("{whole}{number} {unit}"))
}

/// The words of a title (or a turn) that can tell products apart: folded,
/// light-stemmed, without stop words or CJK runs; a season in any spelling
/// ("24-25", "24/25", "2024-25", "2024/2025") is one word.
pub(super) fn title_words(text: &str) -> Vec<String> {
    let folded = crate::text::fold(text);
    let mut out = Vec::new();
    for chunk in folded.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '|')) {
        if let Some(season) = season(chunk.trim_matches(|c: char| !c.is_alphanumeric())) {
            out.push(season);
            continue;
        }
        for token in crate::text::tokenize(chunk) {
            if token.cjk || crate::text::is_stopword(&token.text) {
                continue;
            }
            out.push(crate::lexicon::light_stem(&token.text));
        }
    }
    out
}

/// The pieces of `text`, as typed, whose words some title has ("Bayern
/// Third" of "Is the Bayern Third shirt in M?").
fn words_as_typed(text: &str, titles: &[Vec<String>]) -> String {
    text.split_whitespace()
        .map(|piece| piece.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|piece| {
            let words = title_words(piece);
            !words.is_empty() && words.iter().all(|w| titles.iter().any(|t| t.contains(w)))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "24-25", "2024/25", "2024-2025" as one spelling ("24/25"): two years of
/// two or four digits, the second following the first.
fn season(chunk: &str) -> Option<String> {
    let (a, b) = chunk.split_once(['-', '/'])?;
    let year = |s: &str| {
        (matches!(s.len(), 2 | 4) && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s[s.len() - 2..].parse::<u32>().ok())
            .flatten()
    };
    let (a, b) = (year(a)?, year(b)?);
    ((a + 1) % 100 == b).then(|| format!("{a:02}/{b:02}"))
}

/// Which of `titles` (each as `title_words`) the turn's words fit best:
/// the indices of the equal best, in order; empty when none fits.
///
/// A word counts only if some title has it, weighted by how few do
/// (`ln(1 + n / df)`). A title that lacks a decisive word another title
/// has is out: it is another product than the one asked for.
pub(super) fn best_fits(query: &[QueryWord], titles: &[Vec<String>]) -> Vec<usize> {
    let best = equal_fits(query, titles);
    // Among equal fits, the one title with no word beyond what was said is
    // the one named: "LW Chips" beside "LW Lattice Chips", "Jordan 3 Black"
    // beside "Jordan 3 Black Cat".
    let said_whole: Vec<usize> = best
        .iter()
        .copied()
        .filter(|i| {
            titles[*i]
                .iter()
                .all(|w| query.iter().any(|q| q.text == *w))
        })
        .collect();
    if best.len() > 1 && said_whole.len() == 1 {
        return said_whole;
    }
    best
}

/// The titles that fit the turn's words equally best, as `best_fits`
/// scores them, before a title said whole is preferred.
fn equal_fits(query: &[QueryWord], titles: &[Vec<String>]) -> Vec<usize> {
    let n = titles.len() as f64;
    let used: Vec<(&QueryWord, f64)> = query
        .iter()
        .filter_map(|q| {
            let df = titles.iter().filter(|t| t.contains(&q.text)).count();
            (df > 0).then(|| (q, (1.0 + n / df as f64).ln()))
        })
        .collect();
    let mut fits: Vec<(usize, f64)> = Vec::new();
    for (i, title) in titles.iter().enumerate() {
        if used
            .iter()
            .any(|(q, _)| q.decisive && !title.contains(&q.text))
        {
            continue;
        }
        let score: f64 = used
            .iter()
            .filter(|(q, _)| title.contains(&q.text))
            .map(|(_, w)| w)
            .sum();
        if score > 0.0 {
            fits.push((i, score));
        }
    }
    let best = fits.iter().map(|(_, s)| *s).fold(0.0, f64::max);
    fits.into_iter()
        .filter(|(_, s)| *s >= best - 1e-9)
        .map(|(i, _)| i)
        .collect()
}

/// Whether the turn states a price limit ("under 1000", "boven de 50",
/// "between 200 and 500", "1000以下").
pub(super) fn has_price_limit(reading: &Reading) -> bool {
    reading.price_max.is_some() || reading.price_min.is_some()
}

/// Whether a product's price is within the turn's price limits, as the
/// catalog search filters them: a product without a price (zero, unset in
/// the export) is within no limit.
pub(super) fn within_price_limit(reading: &Reading, record: &ProductRecord) -> bool {
    let price = record.product.price;
    if !has_price_limit(reading) {
        return true;
    }
    price.minor > 0
        && reading.price_max.is_none_or(|max| price <= max)
        && reading.price_min.is_none_or(|min| price >= min)
}

/// Whether a title names one of the colour words (each a whole word or
/// phrase of the title).
pub(super) fn title_has_colour(title: &str, colours: &[String]) -> bool {
    let title = format!(" {} ", title_words(title).join(" "));
    colours.iter().any(|c| {
        let colour = title_words(c).join(" ");
        !colour.is_empty() && title.contains(&format!(" {colour} "))
    })
}

/// The words of a category's own name: the last step of a path such as
/// "Hair Care > Shampoo & Conditioner > Conditioners".
pub(super) fn category_words(category: &str) -> Vec<String> {
    title_words(category.rsplit('>').next().unwrap_or(category))
}

/// A title as a shopper reads it: folded, spaces collapsed.
fn title_key(title: &str) -> String {
    crate::text::fold(title)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Products the catalog lists under one title, as one product: the first
/// keeps its place, id and details, and takes the others' variants; its
/// price is the lowest.
pub(super) fn merge_namesakes(records: Vec<ProductRecord>) -> Vec<ProductRecord> {
    let mut out: Vec<ProductRecord> = Vec::with_capacity(records.len());
    for record in records {
        let key = title_key(&record.product.title);
        match out.iter_mut().find(|r| title_key(&r.product.title) == key) {
            Some(first) => {
                if first.product.id == record.product.id {
                    continue;
                }
                first.product.price = first.product.price.min(record.product.price);
                first.variants.extend(record.variants);
            }
            None => out.push(record),
        }
    }
    out
}

/// The words of a text as typed: folded, not stemmed, without stop words
/// or CJK runs.
fn typed_words(text: &str) -> Vec<String> {
    crate::text::tokenize(&crate::text::fold(text))
        .into_iter()
        .filter(|t| !t.cjk && !crate::text::is_stopword(&t.text))
        .map(|t| t.text)
        .collect()
}

/// Among products that fit equally, the one whose title has the most of
/// the turn's words exactly as typed ("full sleeves" is "Full Sleeves
/// Jersey" rather than "Full Sleeve Jersey"), when one has more than all
/// the others.
fn most_typed(search_text: &str, records: &[ProductRecord]) -> Option<usize> {
    let said = typed_words(search_text);
    let counts: Vec<usize> = records
        .iter()
        .map(|r| {
            let title = typed_words(&r.product.title);
            said.iter()
                .enumerate()
                .filter(|(i, w)| title.contains(w) && !said[..*i].contains(w))
                .count()
        })
        .collect();
    let best = *counts.iter().max()?;
    let mut at_best = counts.iter().enumerate().filter(|(_, c)| **c == best);
    let (i, _) = at_best.next()?;
    (best > 0 && at_best.next().is_none()).then_some(i)
}

/// Whether `words` stand in `title` one after another.
fn has_run(title: &[String], words: &[String]) -> bool {
    !words.is_empty()
        && words.len() <= title.len()
        && title.windows(words.len()).any(|w| w == words)
}

#[cfg(test)]
mod tests;
