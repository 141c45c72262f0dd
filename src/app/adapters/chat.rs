//! `ChatAdapter`: the conversation, the draft being typed, the quick picks,
//! and the product cards inside the answers.

use kiosk_core::Lang;
use kiosk_core::assistant::QuickReply;
use slint::{ComponentHandle, ModelRc, VecModel};

use super::{map_photo, s};
use crate::app::convert::CardData;
use crate::app::events::{Event, post};
use crate::app::ui;

/// Wires the callbacks; the conversation shows `messages`.
pub fn connect(window: &ui::App) {
    let chat = window.global::<ui::ChatAdapter>();
    chat.on_send(|text| post(Event::Send(text.to_string())));
    chat.on_add_to_pickup(|id, sku| {
        post(Event::AddToPickup {
            product_id: id.to_string(),
            sku: sku.to_string(),
        })
    });
    chat.on_notify_me(|id, sku| {
        post(Event::NotifyMe {
            product_id: id.to_string(),
            sku: sku.to_string(),
        })
    });
    chat.on_open_product(|id| post(Event::OpenProduct(id.to_string())));
    chat.set_quick_picks(ModelRc::new(VecModel::from(quick_picks(Lang::Zh))));
}

/// The conversation shown: `messages`, which the caller keeps and edits.
pub fn set_messages(window: &ui::App, messages: ModelRc<ui::Message>) {
    window.global::<ui::ChatAdapter>().set_messages(messages);
}

/// No draft, not waiting for an answer.
pub fn reset(window: &ui::App) {
    let chat = window.global::<ui::ChatAdapter>();
    chat.set_draft(s(""));
    chat.set_busy(false);
}

pub fn set_busy(window: &ui::App, busy: bool) {
    window.global::<ui::ChatAdapter>().set_busy(busy);
}

pub fn draft(window: &ui::App) -> String {
    window.global::<ui::ChatAdapter>().get_draft().to_string()
}

pub fn set_draft(window: &ui::App, text: &str) {
    window.global::<ui::ChatAdapter>().set_draft(s(text));
}

/// The shopper's turn as the conversation shows it.
pub fn map_question(text: &str) -> ui::Message {
    ui::Message {
        from_shopper: true,
        text: s(text),
        ..Default::default()
    }
}

/// The kiosk's answer: its text, its products' cards and its chips.
pub fn map_answer(text: &str, cards: &[CardData], chips: &[QuickReply]) -> ui::Message {
    ui::Message {
        from_shopper: false,
        text: s(text),
        products: ModelRc::new(VecModel::from(
            cards.iter().map(map_card).collect::<Vec<_>>(),
        )),
        chips: ModelRc::new(VecModel::from(
            chips
                .iter()
                .map(|q| ui::QuickReply {
                    label: s(&q.label),
                    text: s(&q.text),
                })
                .collect::<Vec<_>>(),
        )),
        streaming: false,
    }
}

/// A line from the kiosk with no products (a notice, the handback).
pub fn map_line(text: &str) -> ui::Message {
    ui::Message {
        from_shopper: false,
        text: s(text),
        ..Default::default()
    }
}

/// A product card, with its variant chips.
pub fn map_card(c: &CardData) -> ui::ProductCard {
    ui::ProductCard {
        id: s(&c.id),
        title: s(&c.title),
        price: s(&c.price),
        photo: map_photo(c.photo.as_ref()),
        has_photo: c.photo.is_some(),
        pictogram: c.pictogram as i32,
        in_stock: c.in_stock,
        stock_text: s(&c.stock_text),
        location: s(&c.location),
        variants: ModelRc::new(VecModel::from(
            c.variants
                .iter()
                .map(|v| ui::VariantChip {
                    label: s(&v.label),
                    in_stock: v.in_stock,
                    low: v.low,
                    sku: s(&v.sku),
                })
                .collect::<Vec<_>>(),
        )),
        notify_sku: s(&c.notify_sku),
        pickup_sku: s(&c.pickup_sku),
    }
}

/// Quick questions for shoppers without a keyboard in their script.
fn quick_picks(lang: Lang) -> Vec<ui::QuickReply> {
    let picks: &[&str] = match lang {
        Lang::Zh => &[
            "有沒有跑鞋？",
            "雨衣在哪裡？",
            "有沒有黑色的？",
            "營業時間？",
            "怎麼退貨？",
            "請店員來",
        ],
        _ => &[],
    };
    picks
        .iter()
        .map(|p| ui::QuickReply {
            label: s(p),
            text: s(p),
        })
        .collect()
}
