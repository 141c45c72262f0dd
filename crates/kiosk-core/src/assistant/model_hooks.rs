//! The model hooks: where a language model may choose a meaning the rules
//! could not, and phrase an answer that the verifier then checks against
//! the facts. Without a model the rules and templates answer alone.

use crate::Lang;
use crate::assistant::Assistant;
use crate::assistant::Intent;
use crate::assistant::Phrasing;
use crate::assistant::generator;
use crate::assistant::verifier;
use crate::view::ProductView;

impl Assistant<'_> {
    /// The model's reading of an unclear turn, among the intents the rules
    /// can answer; `None` unless it is fairly sure.
    pub(super) fn choose_intent(
        &self,
        generator: &dyn generator::Generator,
        text: &str,
        lang: Lang,
    ) -> Option<Intent> {
        const OPTIONS: [(&str, Intent); 9] = [
            (
                "looking for a product or asking if it is in stock",
                Intent::Availability,
            ),
            ("asking the price of a product", Intent::Price),
            ("asking where something is in the store", Intent::Location),
            (
                "asking about opening hours, payment or the loyalty card",
                Intent::StoreInfo,
            ),
            (
                "asking how to return or exchange something",
                Intent::Returns,
            ),
            ("asking about an online order", Intent::OrderStatus),
            ("wanting to talk to a member of staff", Intent::Human),
            ("saying hello, thanks or goodbye", Intent::Greeting),
            (
                "something a shop kiosk cannot help with",
                Intent::OutOfScope,
            ),
        ];
        let labels: Vec<&str> = OPTIONS.iter().map(|(l, _)| *l).collect();
        let (idx, p) = generator.choose(&generator::Choice {
            text,
            lang,
            options: &labels,
        })?;
        (p >= 0.5)
            .then(|| OPTIONS.get(idx).map(|(_, i)| *i))
            .flatten()
    }

    /// The model's phrasing of the template answer, if it passes the
    /// verifier; else the template.
    pub(super) fn phrase(
        &self,
        template: &str,
        products: &[ProductView],
        lang: Lang,
        on_token: &mut dyn FnMut(&str),
    ) -> (String, Option<Phrasing>) {
        let Some(generator) = self.generator.filter(|_| {
            self.config.phrase_with_model && self.config.phrase_languages.contains(&lang)
        }) else {
            return (template.to_string(), None);
        };
        if template.trim().is_empty() {
            return (template.to_string(), None);
        }
        let sheet = fact_sheet(template, products);
        // Stream only what has been checked: text is held back until a
        // sentence ends, and the sentences so far are verified before they
        // are shown. After a violation nothing more is shown (the template
        // replaces the answer).
        let lexicon = self.stock.lexicon();
        let brands = self.stock.brands();
        let mut written = String::new();
        let mut shown = 0;
        let mut clean = true;
        let mut gate = |token: &str| {
            written.push_str(token);
            if !clean {
                return;
            }
            let Some(end) = written.rfind(['.', '!', '?', '。', '！', '？', '\n']) else {
                return;
            };
            let end = end + written[end..].chars().next().map_or(1, char::len_utf8);
            if end <= shown {
                return;
            }
            if verifier::verify(&written[..end], &sheet, lexicon, brands, lang).is_empty() {
                on_token(&written[shown..end]);
                shown = end;
            } else {
                clean = false;
            }
        };
        let Some(generated) = generator.phrase(&sheet, lang, &mut gate) else {
            return (template.to_string(), None);
        };
        // Text after the last full stop is an unfinished sentence (the
        // token budget ran out, or the model trailed off): it is dropped,
        // as it was never shown.
        let generated = complete_sentences(&generated).to_string();
        let violations = verifier::verify_complete(
            &generated,
            &sheet,
            self.stock.lexicon(),
            self.stock.brands(),
            lang,
        );
        if violations.is_empty() {
            (
                generated.clone(),
                Some(Phrasing {
                    used: true,
                    violations,
                    generated: Some(generated),
                }),
            )
        } else {
            (
                template.to_string(),
                Some(Phrasing {
                    used: false,
                    violations,
                    generated: Some(generated),
                }),
            )
        }
    }
}

/// `text` up to its last sentence end, or all of it when it has none.
pub(super) fn complete_sentences(text: &str) -> &str {
    let text = text.trim();
    match text.rfind(['.', '!', '?', '。', '！', '？']) {
        Some(end) => {
            let end = end + text[end..].chars().next().map_or(1, char::len_utf8);
            // A decimal point is not a sentence end ("EUR 24.95").
            if text[end..].starts_with(|c: char| c.is_ascii_digit()) {
                text
            } else {
                &text[..end]
            }
        }
        None => text,
    }
}

/// The facts a model may state when phrasing: the template answer, and the
/// shown products' cards. A template may quote the shopper's own words
/// (“{query}”); the verifier leaves quoted text out of what backs an answer.
pub fn fact_sheet(template: &str, products: &[ProductView]) -> generator::FactSheet {
    let facts = products
        .iter()
        .map(|p| {
            let variants: Vec<String> = p
                .variants
                .iter()
                .map(|v| {
                    let options: Vec<String> =
                        v.options.iter().map(|(k, x)| format!("{k} {x}")).collect();
                    let stock = match (v.in_stock, v.quantity) {
                        (true, Some(q)) => format!("{q} in stock"),
                        (true, None) => "in stock".to_string(),
                        (false, _) => "out of stock".to_string(),
                    };
                    format!("{}: {stock}", options.join(", "))
                })
                .collect();
            format!(
                "{} | {} {} | {} | {}",
                p.title,
                p.currency,
                p.price,
                p.location.as_ref().map_or("", |l| l.text.as_str()),
                variants.join("; ")
            )
        })
        .collect();
    generator::FactSheet {
        template: template.to_string(),
        facts,
    }
}

#[cfg(test)]
mod tests;
