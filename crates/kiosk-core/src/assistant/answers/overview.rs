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
            d.say("which_product", &[]);
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
        let key = crate::text::fold(&name);
        match counted
            .iter_mut()
            .find(|(other, _)| crate::text::fold(other) == key)
        {
            Some((_, total)) => *total += count,
            None => counted.push((name, *count)),
        }
    }
    // Biggest first; equal counts keep the catalog's order.
    counted.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    counted.into_iter().take(n).map(|(name, _)| name).collect()
}

#[cfg(test)]
mod tests;
