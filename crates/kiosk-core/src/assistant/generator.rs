//! The seam for a language model. The assistant works without one; with
//! one, it asks it to choose among known meanings when the rules are unsure,
//! and to phrase answers from a fact sheet. Whatever the model writes is
//! checked against the facts before a shopper sees it.

use serde::Serialize;

use crate::Lang;

/// A closed choice: which of `options` the shopper's words mean.
#[derive(Debug, Clone, Serialize)]
pub struct Choice<'a> {
    pub text: &'a str,
    pub lang: Lang,
    pub options: &'a [&'a str],
}

/// The facts an answer may state, for phrasing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FactSheet {
    /// The template answer: correct, if plain.
    pub template: String,
    /// Every fact the answer may mention, as short lines.
    pub facts: Vec<String>,
}

pub trait Generator: Send + Sync {
    /// The index of the option the text most likely means, with its
    /// probability, or `None` when the model cannot run.
    fn choose(&self, choice: &Choice<'_>) -> Option<(usize, f32)>;

    /// A short answer in `lang` stating only the sheet's facts; tokens go to
    /// `on_token` as they come. `None` when the model cannot run or gave up.
    fn phrase(
        &self,
        sheet: &FactSheet,
        lang: Lang,
        on_token: &mut dyn FnMut(&str),
    ) -> Option<String>;
}
