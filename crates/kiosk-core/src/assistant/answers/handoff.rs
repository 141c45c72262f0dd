//! The handoff: what staff receive when the assistant hands over.

use crate::assistant::Assistant;
use crate::assistant::EscalationReason;
use crate::assistant::Handoff;
use crate::assistant::HandoffProduct;
use crate::assistant::Session;
use crate::assistant::understand::Reading;

impl Assistant<'_> {
    pub(in crate::assistant) fn handoff(
        &self,
        session: &Session,
        reading: &Reading,
        reason: EscalationReason,
    ) -> Handoff {
        let store_lang = self.stock.store_info().language;
        let lexicon = self.stock.lexicon();
        let mut wants = Vec::new();
        for c in reading.categories.iter().chain(&reading.product_types) {
            wants.push(lexicon.concept(*c).name(store_lang).to_string());
        }
        let size = reading.size.clone().or_else(|| session.size.clone());
        let color = reading
            .color
            .or(session.color)
            .map(|c| lexicon.concept(c).name(store_lang).to_string());
        if let Some(s) = &size {
            wants.push(format!("size {s}"));
        }
        if let Some(c) = &color {
            wants.push(c.clone());
        }
        let reason_text = match reason {
            EscalationReason::Requested => "asked for a staff member",
            EscalationReason::LowConfidence => "the kiosk did not understand twice",
            EscalationReason::Discount => "asks about a discount or price match",
            EscalationReason::Complaint => "has a complaint",
            EscalationReason::DamagedOrFraud => {
                "reports a damaged item, fraud or a payment problem"
            }
            EscalationReason::SafetyOrMedical => "has a health or safety question",
            EscalationReason::StaleStock => "needs a stock check (kiosk stock data is old)",
        };
        let mut summary = format!("Shopper {reason_text}");
        if !wants.is_empty() {
            summary.push_str(&format!("; looking for: {}", wants.join(", ")));
        }
        let products = session
            .shown
            .iter()
            .take(3)
            .chain(session.focus.iter())
            .filter_map(|id| self.stock.product(id).ok().flatten())
            .map(|r| HandoffProduct {
                id: r.product.id.clone(),
                title: r.product.title.clone(),
                size: size.clone(),
                color: color.clone(),
            })
            .fold(Vec::<HandoffProduct>::new(), |mut acc, p| {
                if !acc.iter().any(|x| x.id == p.id) {
                    acc.push(p);
                }
                acc
            });
        Handoff {
            language: session.lang.unwrap_or(store_lang),
            reason,
            wants: summary,
            products,
            checked: session
                .checked
                .iter()
                .rev()
                .take(6)
                .rev()
                .cloned()
                .collect(),
            last_messages: session
                .messages
                .iter()
                .rev()
                .take(3)
                .rev()
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
