//! "What do you have?": an overview of what the store sells, from the
//! snapshot's own categories, with a chip to browse each.

use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Intent;
use crate::assistant::QuickReply;
use crate::assistant::phrasebook::list;
use crate::traits::BackendError;

/// Categories an overview names (and offers as chips).
const SHOWN: usize = 6;

impl Assistant<'_> {
    pub(in crate::assistant) fn overview(&self, d: &mut Draft) -> Result<(), BackendError> {
        d.intent = Intent::Search;
        d.confidence = 0.9;
        let names = overview_categories(self.stock.categories(), SHOWN);
        if names.is_empty() {
            d.resolved = false;
            self.ask_which_product(d);
            return Ok(());
        }
        d.say("store_overview", &[("list", &list(d.lang, &names))]);
        for name in names {
            if !d.chips.iter().any(|c| c.label == name) {
                d.chips.push(QuickReply {
                    label: name.clone(),
                    text: name,
                });
            }
        }
        Ok(())
    }

    /// "Which product do you mean?", with the store's biggest category as
    /// an example of what to say (the demo's "rain jackets" would name
    /// something another store does not sell); without one when the
    /// catalog has no categories.
    pub(in crate::assistant) fn ask_which_product(&self, d: &mut Draft) {
        match overview_categories(self.stock.categories(), 1).first() {
            Some(example) => d.say("which_product", &[("example", example)]),
            None => d.say("which_product_none", &[]),
        }
    }
}

/// The store's biggest categories by product count, at most `n`, each by
/// its own name (the last step of a path such as "Apparel > Tops >
/// T-Shirts"), without repeats or empty names.
pub(in crate::assistant) fn overview_categories(
    categories: &[(String, u64)],
    n: usize,
) -> Vec<String> {
    let mut counted: Vec<(String, u64)> = Vec::new();
    for (path, count) in categories {
        let name = path
            .rsplit(['>', '/'])
            .next()
            .unwrap_or(path)
            .trim()
            .to_string();
        if name.is_empty() || *count == 0 {
            continue;
        }
        let key = category_key(&name);
        match counted
            .iter_mut()
            .find(|(other, _)| category_key(other) == key)
        {
            Some((_, total)) => *total += count,
            None => counted.push((name, *count)),
        }
    }
    // Biggest first; equal counts keep the catalog's order.
    counted.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    counted.into_iter().take(n).map(|(name, _)| name).collect()
}

/// Category names that differ only in case, accents or a plural ("Concrete
/// Pot" and "Concrete Pots") are one category to a shopper.
fn category_key(name: &str) -> String {
    let words = crate::assistant::resolve::title_words(name);
    if words.is_empty() {
        crate::text::fold(name)
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests;
