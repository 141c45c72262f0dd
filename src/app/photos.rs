//! Product photos for the cards, the detail view and the pickup list: read
//! from the snapshot and decoded into pixels on the worker thread, so the UI
//! thread only wraps ready pixels in a `slint::Image`. Recently shown photos
//! are kept decoded (a bounded cache), so a list answered again or a detail
//! opened from a card costs nothing.

use std::collections::HashMap;

use kiosk_catalog::{ImageSize, Snapshot};
use kiosk_core::StockLookup;
use slint::{Rgb8Pixel, SharedPixelBuffer};

use super::convert::CardData;

/// Decoded photos kept; at detail size each is at most 480×480×3 bytes.
const CACHE_ENTRIES: usize = 96;

/// A decoded photo (`SharedPixelBuffer` is reference-counted: clones are
/// cheap and it may cross threads).
#[derive(Clone)]
pub struct Photo {
    pub pixels: SharedPixelBuffer<Rgb8Pixel>,
}

impl std::fmt::Debug for Photo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Photo({}×{})", self.pixels.width(), self.pixels.height())
    }
}

/// Decodes a thumbnail (a JPEG the importer made).
pub fn decode(jpeg: &[u8]) -> Option<Photo> {
    let image = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .ok()?
        .to_rgb8();
    let (w, h) = image.dimensions();
    Some(Photo {
        pixels: SharedPixelBuffer::clone_from_slice(image.as_raw(), w, h),
    })
}

/// Photos decoded lately, by snapshot, product and size.
#[derive(Default)]
pub struct PhotoCache {
    entries: HashMap<(String, String, bool), Option<Photo>>,
}

impl PhotoCache {
    /// The photo of `product_id`, from the cache or the snapshot; `None`
    /// when it has none (a broken thumbnail counts as none).
    pub fn get(&mut self, snapshot: &Snapshot, product_id: &str, size: ImageSize) -> Option<Photo> {
        let key = (
            snapshot.snapshot_info().id.clone(),
            product_id.to_string(),
            size == ImageSize::Detail,
        );
        if let Some(hit) = self.entries.get(&key) {
            return hit.clone();
        }
        let photo = snapshot
            .image(product_id, size)
            .ok()
            .flatten()
            .and_then(|bytes| decode(&bytes));
        if self.entries.len() >= CACHE_ENTRIES {
            self.entries.clear();
        }
        self.entries.insert(key, photo.clone());
        photo
    }

    /// Fills in the photos of `cards`.
    pub fn attach(&mut self, snapshot: &Snapshot, cards: &mut [CardData], size: ImageSize) {
        for card in cards {
            card.photo = self.get(snapshot, &card.id, size);
        }
    }
}
