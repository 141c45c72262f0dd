//! From the assistant's reply to what a product card shows, in the
//! shopper's language. Runs on the worker (it needs the vocabulary), and
//! produces plain data the UI thread turns into Slint structs.

use kiosk_core::assistant::{Action, ActionStatus, Reply, phrasebook::say};
use kiosk_core::lexicon::ConceptKind;
use kiosk_core::text::option_key;
use kiosk_core::view::{ProductView, VariantView};
use kiosk_core::{Lang, Lexicon};

#[derive(Debug, Clone, Default)]
pub struct CardData {
    pub id: String,
    pub title: String,
    pub price: String,
    /// The product's photo, decoded on the worker (see `photos.rs`).
    pub photo: Option<super::photos::Photo>,
    /// Shown when there is no photo: an index into
    /// `pictogram::Pictograms::icons`.
    pub pictogram: usize,
    pub in_stock: bool,
    pub stock_text: String,
    pub location: String,
    pub variants: Vec<VariantData>,
    pub notify_sku: String,
    pub pickup_sku: String,
}

#[derive(Debug, Clone, Default)]
pub struct VariantData {
    pub label: String,
    pub in_stock: bool,
    pub low: bool,
    pub sku: String,
}

pub fn cards(reply: &Reply, lexicon: &Lexicon) -> Vec<CardData> {
    let lang = reply.language;
    let notify: Vec<&str> = reply
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::JoinWaitlist {
                status: ActionStatus::Offered,
                sku,
                ..
            } => Some(sku.as_str()),
            _ => None,
        })
        .collect();
    let size = reply.slots.size.as_deref().map(option_key);
    let color = reply.slots.color.as_deref().map(option_key);
    reply
        .products
        .iter()
        .map(|p| card(p, lang, lexicon, size.as_deref(), color.as_deref(), &notify))
        .collect()
}

pub fn card(
    p: &ProductView,
    lang: Lang,
    lexicon: &Lexicon,
    size: Option<&str>,
    color: Option<&str>,
    notify: &[&str],
) -> CardData {
    let matches = |v: &VariantView| {
        size.is_none_or(|s| v.options.get("Size").map(|x| option_key(x)).as_deref() == Some(s))
            && color
                .is_none_or(|c| v.options.get("Color").map(|x| option_key(x)).as_deref() == Some(c))
    };
    let asked: Vec<&VariantView> = if size.is_some() || color.is_some() {
        p.variants.iter().filter(|v| matches(v)).collect()
    } else {
        Vec::new()
    };
    let in_stock_variants: Vec<&VariantView> = p.variants.iter().filter(|v| v.in_stock).collect();
    let stock_text = if let Some(v) = asked.iter().find(|v| v.in_stock) {
        match v.quantity {
            Some(q) => format!(
                "{}: {}",
                label(v, lang, lexicon),
                say(lang, "word_left", &[("qty", &q.to_string())])
            ),
            // Not counted by the store: for sale, with no count to state,
            // as the answer says it ("is available").
            None => format!(
                "{}: {}",
                label(v, lang, lexicon),
                say(lang, "word_available_short", &[])
            ),
        }
    } else if let Some(v) = asked.first() {
        format!(
            "{}: {}",
            label(v, lang, lexicon),
            say(lang, "word_out_of_stock_short", &[])
        )
    } else if p.in_stock
        && !in_stock_variants.is_empty()
        && in_stock_variants.iter().all(|v| v.quantity.is_none())
    {
        // Every variant for sale is one the store does not count.
        say(lang, "word_available_short", &[])
    } else if p.in_stock {
        say(lang, "word_in_stock_short", &[])
    } else {
        say(lang, "word_out_of_stock_short", &[])
    };
    let pickup = asked
        .iter()
        .find(|v| v.in_stock)
        .copied()
        .or(if in_stock_variants.len() == 1 {
            Some(in_stock_variants[0])
        } else {
            None
        });
    CardData {
        id: p.id.clone(),
        title: p.title.clone(),
        price: card_price(p, lang),
        photo: None,
        pictogram: super::pictogram::Pictograms::get().pick(p.category.as_deref(), &p.title),
        in_stock: asked
            .first()
            .map_or(p.in_stock, |_| asked.iter().any(|v| v.in_stock)),
        stock_text,
        location: p
            .location
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default(),
        // One variant without options ("Default Title") has nothing to
        // choose: no chip, rather than its SKU.
        variants: p
            .variants
            .iter()
            .filter(|_| p.variants.len() > 1 || p.variants.iter().any(|v| !v.options.is_empty()))
            .map(|v| VariantData {
                label: label(v, lang, lexicon),
                in_stock: v.in_stock,
                low: v.low_stock,
                sku: v.sku.clone(),
            })
            .collect(),
        notify_sku: p
            .variants
            .iter()
            .find(|v| notify.contains(&v.sku.as_str()))
            .map(|v| v.sku.clone())
            .unwrap_or_default(),
        pickup_sku: pickup.map(|v| v.sku.clone()).unwrap_or_default(),
    }
}

/// The price a card shows: the product's lowest price. A price of zero
/// is no price set in the export, so the lowest price above zero is shown,
/// and with none the card says the price is not available, never "€ 0.00".
fn card_price(p: &ProductView, lang: Lang) -> String {
    let set = |price: kiosk_core::Money| (price.minor > 0).then_some(price);
    match set(p.price).or_else(|| p.variants.iter().filter_map(|v| set(v.price)).min()) {
        Some(price) => price.display(&p.currency, lang),
        None => say(lang, "word_no_price", &[]),
    }
}

/// "9 · zwart": the size and the colour in the shopper's language.
fn label(v: &VariantView, lang: Lang, lexicon: &Lexicon) -> String {
    let mut parts = Vec::new();
    if let Some(size) = v.options.get("Size") {
        parts.push(size.clone());
    }
    if let Some(color) = v.options.get("Color") {
        let name = match lexicon.lookup(color) {
            Some(idx) if lexicon.concept(idx).kind == ConceptKind::Color => {
                lexicon.concept(idx).name(lang).to_string()
            }
            _ => color.clone(),
        };
        parts.push(name);
    }
    for (k, x) in &v.options {
        if k != "Size" && k != "Color" {
            parts.push(x.clone());
        }
    }
    if parts.is_empty() {
        v.sku.clone()
    } else {
        parts.join(" · ")
    }
}

/// The handoff as staff receive it (their console shows the same fields),
/// for the shopper's handoff screen.
pub fn handoff_summary(h: &kiosk_core::assistant::Handoff, kiosk: &str, location: &str) -> String {
    let place = [kiosk, location]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let mut lines = vec![
        format!("{} · {place}", h.language.native_name()),
        h.wants.clone(),
    ];
    for p in &h.products {
        let options: Vec<&str> = [p.size.as_deref(), p.color.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if options.is_empty() {
            lines.push(format!("• {}", p.title));
        } else {
            lines.push(format!("• {} ({})", p.title, options.join(", ")));
        }
    }
    if !h.checked.is_empty() {
        lines.push(format!("Checked: {}", h.checked.join("; ")));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests;
