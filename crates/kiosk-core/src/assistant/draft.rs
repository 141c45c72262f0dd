//! The answer being built for one turn: sentences from the phrasebook,
//! products, chips and actions, before the turn wraps it into a `Reply`.

use crate::assistant::Action;
use crate::assistant::EscalationReason;
use crate::assistant::Intent;
use crate::assistant::LostDemand;
use crate::assistant::QuickReply;
use crate::assistant::phrasebook::{self, say};
use crate::assistant::understand::Reading;
use crate::{Lang, ProductRecord};

/// The answer being built for one turn.
pub(super) struct Draft {
    pub(super) lang: Lang,
    pub(super) intent: Intent,
    pub(super) confidence: f32,
    pub(super) parts: Vec<String>,
    pub(super) products: Vec<ProductRecord>,
    pub(super) chips: Vec<QuickReply>,
    pub(super) actions: Vec<Action>,
    pub(super) escalation: Option<EscalationReason>,
    pub(super) resolved: bool,
    pub(super) lost_demand: Vec<LostDemand>,
    pub(super) stock_facts: bool,
    /// The answer quotes the catalog: shown as written, never phrased by a
    /// model.
    pub(super) quoted: bool,
    /// The reading the answer used, when follow-up context changed it
    /// (size and category carried over), for the reply's slots.
    pub(super) effective: Option<Reading>,
    /// The rules answered by their default: a search for words nothing
    /// else explained, or "not understood".
    pub(super) by_default: bool,
}

impl Draft {
    /// An empty answer in `lang`, not yet understood.
    pub(super) fn new(lang: Lang) -> Draft {
        Draft {
            lang,
            intent: Intent::OutOfScope,
            confidence: 0.0,
            parts: Vec::new(),
            products: Vec::new(),
            chips: Vec::new(),
            actions: Vec::new(),
            escalation: None,
            resolved: true,
            lost_demand: Vec::new(),
            stock_facts: false,
            quoted: false,
            effective: None,
            by_default: false,
        }
    }

    /// Adds a sentence; a phrase refused for an empty value (see
    /// `phrasebook::render`) adds nothing rather than "It comes in .".
    pub(super) fn say(&mut self, key: &str, args: &[(&str, &str)]) {
        if let Ok(text) = phrasebook::render(self.lang, key, args) {
            self.parts.push(text);
        }
    }

    /// Like [`Draft::say`], but the sentence opens the answer: a note on
    /// the whole answer must not trail a list's lead-in ("In stock now
    /// (22):").
    pub(super) fn say_first(&mut self, key: &str, args: &[(&str, &str)]) {
        if let Ok(text) = phrasebook::render(self.lang, key, args) {
            self.parts.insert(0, text);
        }
    }

    pub(super) fn chip(&mut self, key: &str) {
        let label = say(self.lang, key, &[]);
        if !self.chips.iter().any(|c| c.label == label) {
            self.chips.push(QuickReply {
                text: label.clone(),
                label,
            });
        }
    }

    pub(super) fn escalate(&mut self, reason: EscalationReason) {
        self.escalation.get_or_insert(reason);
    }
}

#[cfg(test)]
mod tests;
