//! `AppState`: the page, the language, the store's name, the stock banner,
//! the status line, the idle countdown and reading aloud.

use kiosk_core::Lang;
use kiosk_core::assistant::phrasebook::say;
use slint::ComponentHandle;

use super::s;
use crate::app::events::{Event, post};
use crate::app::ui;

pub fn connect(window: &ui::App) {
    let app = window.global::<ui::AppState>();
    app.on_select_language(|code| {
        if let Ok(lang) = code.parse() {
            post(Event::SelectLanguage(lang));
        }
    });
    app.on_touched(|| post(Event::Touched));
    app.on_new_customer(|| post(Event::NewCustomer));
    app.on_still_here(|| post(Event::StillHere));
    app.on_start(|| post(Event::Start));
    app.on_typed(|text| post(Event::Typed(text.into())));
    app.on_open_staff(|| post(Event::OpenStaff));
    app.on_read_aloud_changed(|on| post(Event::ReadAloud(on)));
}

/// The countdown hidden and reading aloud off.
pub fn reset(window: &ui::App) {
    let app = window.global::<ui::AppState>();
    app.set_countdown_visible(false);
    app.set_read_aloud(false);
}

pub fn set_page(window: &ui::App, page: ui::Page) {
    window.global::<ui::AppState>().set_page(page);
}

pub fn page(window: &ui::App) -> ui::Page {
    window.global::<ui::AppState>().get_page()
}

/// The UI in `lang`: its bundled translation and the language buttons.
pub fn set_language(window: &ui::App, lang: Lang) {
    let code = if lang == Lang::En { "" } else { lang.code() };
    let _ = slint::select_bundled_translation(code);
    window.global::<ui::AppState>().set_lang(s(lang.code()));
}

/// Whether the stock banner shows.
pub fn set_stale(window: &ui::App, stale: bool) {
    window.global::<ui::AppState>().set_stale(stale);
}

/// The stock banner's line in `lang`: when the stock shown was counted.
pub fn set_stock_as_of(window: &ui::App, lang: Lang, as_of: &str) {
    window
        .global::<ui::AppState>()
        .set_stale_text(s(say(lang, "stale_note", &[("as_of", as_of)])));
}

pub fn set_store_name(window: &ui::App, name: &str) {
    window.global::<ui::AppState>().set_store_name(s(name));
}

pub fn status(window: &ui::App) -> String {
    window
        .global::<ui::AppState>()
        .get_status_text()
        .to_string()
}

/// The status line: its English words (for the log and tests) and its
/// kind and detail, which the staff panel words in the screen's language.
pub fn set_status(window: &ui::App, note: &crate::app::status::StatusNote) {
    let app = window.global::<ui::AppState>();
    app.set_status_text(s(note.english()));
    app.set_status(ui::StatusNote {
        kind: s(note.kind.key()),
        detail: s(&note.detail),
    });
}

/// The idle countdown: seconds left, or `None` to hide it.
pub fn set_countdown(window: &ui::App, seconds_left: Option<i32>) {
    let app = window.global::<ui::AppState>();
    match seconds_left {
        Some(seconds) => {
            app.set_countdown(seconds);
            app.set_countdown_visible(true);
        }
        None => app.set_countdown_visible(false),
    }
}

pub fn read_aloud(window: &ui::App) -> bool {
    window.global::<ui::AppState>().get_read_aloud()
}

pub fn set_read_aloud(window: &ui::App, on: bool) {
    window.global::<ui::AppState>().set_read_aloud(on);
}
