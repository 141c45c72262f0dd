//! The Rust side of the UI's adapter globals (`ui/adapters.slint`, and the
//! keyboard's in `ui/widgets/keyboard.slint`): a module per global, each
//! with `connect`, which wires the global's callbacks to [`Event`]s, and
//! the functions that push the app's state into it, converting domain
//! types to UI structs (`map_*`). The controller and the screenshots fill
//! the globals only through them, so each mapping is written once.
//!
//! [`Event`]: super::Event

pub mod app_state;
pub mod chat;
pub mod detail;
pub mod feedback;
pub mod keyboard;
pub mod mic;
pub mod pickup;
pub mod staff_call;
pub mod staff_panel;

use slint::SharedString;

use super::photos::Photo;
use super::ui;

/// Wires every adapter's callbacks to events.
pub fn connect(window: &ui::App) {
    app_state::connect(window);
    chat::connect(window);
    detail::connect(window);
    feedback::connect(window);
    keyboard::connect(window);
    mic::connect(window);
    pickup::connect(window);
    staff_call::connect(window);
    staff_panel::connect(window);
}

/// Back to what a new shopper finds: no draft, keyboard, detail, staff
/// call, end-of-session question, countdown or reading aloud (the
/// conversation itself is the controller's).
pub fn reset(window: &ui::App) {
    chat::reset(window);
    keyboard::reset(window);
    detail::hide(window);
    staff_call::reset(window);
    feedback::set_visible(window, false);
    app_state::reset(window);
}

pub(crate) fn s(text: impl AsRef<str>) -> SharedString {
    SharedString::from(text.as_ref())
}

/// A decoded photo as a Slint image (the pixels are shared, not copied).
pub fn map_photo(photo: Option<&Photo>) -> slint::Image {
    photo
        .map(|p| slint::Image::from_rgb8(p.pixels.clone()))
        .unwrap_or_default()
}
