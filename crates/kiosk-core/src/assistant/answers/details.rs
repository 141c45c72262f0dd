//! Questions about one product ("is it waterproof?", "apakah ini tahan
//! air?", "這件防水嗎?", "what is it made of?") answered from the catalog's
//! own words: the sentences of its description that answer it, quoted as
//! written in the catalog's language, introduced in the shopper's. Nothing
//! else is claimed; when no sentence answers, the kiosk says so and offers
//! staff (`quote` picks the sentences).

use crate::ProductRecord;
use crate::assistant::Assistant;
use crate::assistant::Draft;
use crate::assistant::Intent;
use crate::assistant::Session;
use crate::assistant::cues::Cue;
use crate::assistant::quote::{self, Terms};
use crate::assistant::resolve::Named;
use crate::assistant::understand::{self, Reading};
use crate::text::{fold, tokenize};
use crate::traits::BackendError;

/// Cues that ask something other than a question about the product
/// itself, beyond the questions every turn may ask
/// ([`crate::assistant::ASKING_CUES`]): those answers come first.
const OTHER_QUESTIONS: &[Cue] = &[
    Cue::Human,
    Cue::Discount,
    Cue::Complaint,
    Cue::Damaged,
    Cue::Safety,
    Cue::Injection,
    Cue::RefersToList,
];

/// Words that open a yes/no question ("is it …", "heeft hij …", "apakah …").
const OPENERS: &[&str] = &[
    "is", "are", "does", "can", "will", "would", "could", "has", "zijn", "heeft", "kan", "kun",
    "wordt", "gaat", "apakah", "apa", "bisakah",
];
/// Words that ask what or how, a question about the product when the turn
/// also points at it ("how do I wash it?", "ini bagaimana?").
const WH_WORDS: &[&str] = &[
    "what",
    "how",
    "wat",
    "hoe",
    "bagaimana",
    "gimana",
    "seperti",
    "kenapa",
];
/// Chinese question forms.
const CJK_FORMS: &[&str] = &[
    "嗎",
    "吗",
    "是不是",
    "會不會",
    "能不能",
    "可不可以",
    "什麼",
    "怎麼",
    "如何",
];

impl Assistant<'_> {
    /// The product a turn asks a question about, when the turn is such a
    /// question: "is it waterproof?" or "what is it made of?" about the
    /// product in focus, the one an ordinal points at, or the one the turn
    /// names ("is the Velora Stride 3 waterproof?").
    pub(in crate::assistant) fn details_asked(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
    ) -> Result<Option<ProductRecord>, BackendError> {
        if !asks_about_a_product(reading, text) {
            return Ok(None);
        }
        if reading.ordinal.is_some() {
            return self.referenced(session, reading);
        }
        let focus = |assistant: &Self, session: &Session| match &session.focus {
            Some(id) => assistant.stock.product(id),
            None => Ok(None),
        };
        if understand::refers_back(reading) {
            return focus(self, session);
        }
        match self.named(text, reading, session)? {
            Named::One(record) => Ok(Some(*record)),
            Named::Several(..) => Ok(None),
            Named::Nothing | Named::NoneFits(_) => focus(self, session),
        }
    }

    /// Answers a question about `record` with the sentences of its
    /// description that answer it, or says the description does not and
    /// offers staff.
    pub(in crate::assistant) fn details(
        &self,
        session: &mut Session,
        reading: &Reading,
        text: &str,
        record: ProductRecord,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::ProductInfo;
        d.confidence = 0.85;
        session.focus = Some(record.product.id.clone());
        session.last_was_list = false;
        let lexicon = self.stock.lexicon();
        let title = record.product.title.clone();
        let terms = Terms::new(&reading.search_text, reading.has(Cue::MadeOf), lexicon)
            .without(&title, lexicon);
        let sentences = quote::sentences(&record.product.description);
        let shared: Vec<usize> = sentences.iter().map(|s| terms.shared(s, lexicon)).collect();
        // The title goes last, weighed with the sentences.
        let sims = match self.stock.meaning() {
            Some(model) if !sentences.is_empty() => {
                let mut passages = sentences.clone();
                passages.push(&title);
                Some(model.similarities(text, &passages)?)
            }
            _ => None,
        };
        let meaning = sims
            .as_deref()
            .filter(|s| s.len() == sentences.len() + 1)
            .map(|s| quote::Meaning {
                sentences: &s[..sentences.len()],
                title: s[sentences.len()],
            });
        let picked = quote::pick(&shared, meaning);
        if picked.is_empty() {
            d.say("details_unknown", &[("title", &title)]);
            d.resolved = false;
            self.offer_staff(session, d);
        } else {
            let mut quoted = String::new();
            for &i in &picked {
                let sentence = sentences[i];
                if !quoted.is_empty() && !quoted.ends_with(is_cjk_stop) {
                    quoted.push(' ');
                }
                quoted.push_str(sentence);
            }
            d.say("details_quote", &[("title", &title), ("quote", &quoted)]);
            d.quoted = true;
        }
        d.products.push(record);
        Ok(())
    }
}

fn is_cjk_stop(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；')
}

/// Whether the turn asks a question about a product's own qualities: no
/// other kind of question, a size, colour or price to look up, and either
/// the material asked for or a question form with something to look for.
fn asks_about_a_product(reading: &Reading, text: &str) -> bool {
    if crate::assistant::ASKING_CUES
        .iter()
        .chain(OTHER_QUESTIONS)
        .any(|c| reading.has(*c))
        || reading.has_variant_slot()
        || reading.price_min.is_some()
        || reading.price_max.is_some()
        || reading.order_id.is_some()
    {
        return false;
    }
    let made_of = reading.has(Cue::MadeOf);
    let something = made_of
        || !reading.attributes.is_empty()
        || !reading.materials.is_empty()
        || reading.leftover_words > 0;
    something && (made_of || question_form(reading, text))
}

/// A yes/no question ("is it …?", "apakah …", "…嗎"), or a what/how
/// question or a bare question mark about the product pointed at.
fn question_form(reading: &Reading, text: &str) -> bool {
    let tokens = tokenize(text);
    if tokens
        .first()
        .is_some_and(|t| !t.cjk && OPENERS.contains(&t.text.as_str()))
    {
        return true;
    }
    // A Chinese question form ("…嗎") asks about the product only when the
    // turn points at it ("這件…嗎"): "X M號可以買嗎" asks for stock.
    let folded = fold(text);
    let points = understand::refers_back(reading);
    let asks = tokens
        .iter()
        .any(|t| !t.cjk && WH_WORDS.contains(&t.text.as_str()))
        || CJK_FORMS.iter().any(|f| folded.contains(&fold(f)))
        || text.trim_end().ends_with(['?', '？']);
    points && asks
}

#[cfg(test)]
mod tests;
