//! Each intent's answer: one file per kind of question, each an
//! `impl Assistant` block called from the router in `assistant/mod.rs`.

mod availability;
mod compare;
mod details;
mod handoff;
mod location;
mod need;
mod orders;
mod overview;
mod pickup;
mod price;
mod recommend;
mod store_info;
mod waitlist;

use crate::ProductRecord;
use crate::assistant::understand::Reading;
use crate::assistant::{Draft, Session};

/// Shows `records` as a list, the first in focus: a next turn may narrow
/// the same search or pick one by its place.
fn show_list(session: &mut Session, reading: &Reading, records: Vec<ProductRecord>, d: &mut Draft) {
    session.focus = records.first().map(|r| r.product.id.clone());
    session.last_list = Some(reading.clone());
    session.last_was_list = true;
    d.products = records;
}

/// The short word for variants that are for sale: "in stock" only when
/// the store counts every one of them; stock it does not count is
/// "available", as `in_stock_untracked` says it (and the product card).
fn stock_word(for_sale: &[&crate::Variant]) -> &'static str {
    if for_sale.iter().any(|v| v.quantity.is_none()) {
        "word_available_short"
    } else {
        "word_in_stock_short"
    }
}
