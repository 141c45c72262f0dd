//! `DetailAdapter`: one product's card, large, over the conversation.

use slint::ComponentHandle;

use super::chat::map_card;
use crate::app::convert::CardData;
use crate::app::events::{Event, post};
use crate::app::ui;

pub fn connect(window: &ui::App) {
    window
        .global::<ui::DetailAdapter>()
        .on_close(|| post(Event::CloseDetail));
}

pub fn show(window: &ui::App, card: &CardData) {
    let detail = window.global::<ui::DetailAdapter>();
    detail.set_product(map_card(card));
    detail.set_visible(true);
}

pub fn hide(window: &ui::App) {
    window.global::<ui::DetailAdapter>().set_visible(false);
}
