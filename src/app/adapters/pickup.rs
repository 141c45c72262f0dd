//! `PickupAdapter`: the pickup list and the code the counter reads.

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{map_photo, s};
use crate::app::events::{Event, post};
use crate::app::photos::Photo;
use crate::app::ui;

/// One item on the pickup list.
#[derive(Debug, Clone)]
pub struct PickupEntry {
    pub photo: Option<Photo>,
    pub pictogram: usize,
    pub title: String,
    /// The variant's options ("9, black").
    pub options: String,
    pub location: String,
    pub sku: String,
}

pub fn connect(window: &ui::App) {
    window
        .global::<ui::PickupAdapter>()
        .on_remove(|i| post(Event::RemovePickup(i.max(0) as usize)));
}

/// Shows `entries` and the list's `code` (see [`pickup_code`]).
pub fn show(window: &ui::App, entries: &[PickupEntry], code: &str) {
    let items: Vec<ui::PickupItem> = entries.iter().map(map_item).collect();
    let adapter = window.global::<ui::PickupAdapter>();
    adapter.set_items(ModelRc::new(VecModel::from(items)));
    adapter.set_code(s(code));
}

fn map_item(p: &PickupEntry) -> ui::PickupItem {
    ui::PickupItem {
        photo: map_photo(p.photo.as_ref()),
        has_photo: p.photo.is_some(),
        pictogram: p.pictogram as i32,
        title: s(&p.title),
        options: s(&p.options),
        location: s(&p.location),
    }
}

/// A short code for the counter, the same for the same list.
pub fn pickup_code<'a>(skus: impl Iterator<Item = &'a str>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut any = false;
    for sku in skus {
        any = true;
        for b in sku.bytes().chain(std::iter::once(b'|')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    if !any {
        return String::new();
    }
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..5)
        .map(|i| ALPHABET[((h >> (i * 5)) & 31) as usize] as char)
        .collect()
}
