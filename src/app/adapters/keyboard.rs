//! The on-screen keyboard's Rust side (`KeyboardAdapter` in
//! `ui/widgets/keyboard.slint`): Latin keys edit the draft in Slint; in a
//! Chinese mode each key comes here, where the composition (the pinyin or
//! zhuyin typed so far) lives in the adapter's `composition` and its
//! candidates are read from [`ime`] on every key. A pick adds the
//! candidate to the question being typed and leaves the rest of the
//! composition. Everything runs on the UI thread: a key takes well under a
//! millisecond once the dictionary is loaded, and the dictionary loads on
//! its own thread when the app starts.

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::app::ime::{self, Breaks, Candidate, Script};
use crate::app::ui;

/// The longest composition kept: more letters than any phrase a shopper
/// types before picking.
const MAX_COMPOSITION: usize = 60;

/// Wires the adapter's callbacks.
pub fn connect(window: &ui::App) {
    // Loaded once at start, on its own thread, so a Chinese shopper's first
    // key never waits for the dictionary on the UI thread.
    preload();
    let adapter = window.global::<ui::KeyboardAdapter>();
    adapter.on_drop_last(|text| {
        let mut t = text.to_string();
        t.pop();
        SharedString::from(t)
    });
    let weak = window.as_weak();
    adapter.on_compose(move |key| {
        if let Some(window) = weak.upgrade() {
            compose(&window, &key);
        }
    });
    let weak = window.as_weak();
    adapter.on_pick(move |index| {
        if let Some(window) = weak.upgrade() {
            pick(&window, usize::try_from(index).unwrap_or(usize::MAX));
        }
    });
    let weak = window.as_weak();
    adapter.on_refresh(move || {
        if let Some(window) = weak.upgrade() {
            if window.global::<ui::KeyboardAdapter>().get_mode() != ui::InputMode::Latin {
                preload();
            }
            show_candidates(&window);
        }
    });
}

/// Back to the keyboard a new shopper finds: Latin letters, Traditional
/// characters, nothing composed.
pub fn reset(window: &ui::App) {
    let adapter = window.global::<ui::KeyboardAdapter>();
    adapter.set_visible(false);
    adapter.set_mode(ui::InputMode::Latin);
    adapter.set_mode_chosen(false);
    adapter.set_simplified(false);
    adapter.set_composition(SharedString::new());
    adapter.set_candidates(ModelRc::default());
}

/// Sets what is composed and shows its candidates (for the screenshots).
pub fn set_composition(window: &ui::App, composition: &str) {
    window
        .global::<ui::KeyboardAdapter>()
        .set_composition(composition.into());
    show_candidates(window);
}

/// Loads the dictionary on its own thread, once.
fn preload() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("ime-load".into())
            .spawn(|| {
                ime::dictionary();
            });
    });
}

fn compose(window: &ui::App, key: &str) {
    let adapter = window.global::<ui::KeyboardAdapter>();
    let zhuyin = adapter.get_mode() == ui::InputMode::Zhuyin;
    let mut composition = adapter.get_composition().to_string();
    match key {
        "backspace" => {
            if composition.pop().is_none() {
                let chat = window.global::<ui::ChatAdapter>();
                let mut draft = chat.get_draft().to_string();
                draft.pop();
                chat.set_draft(draft.into());
                return;
            }
        }
        "enter" => {
            commit_all(window);
            return;
        }
        " " if composition.is_empty() => {
            type_text(window, " ");
            return;
        }
        // A second space (or, in zhuyin, a space after a tone) takes the
        // first candidate, as on a desktop input method; a first one marks
        // a syllable break (zhuyin: the first tone).
        " " if composition.ends_with(|c: char| is_break(c)) => {
            commit_all(window);
            return;
        }
        " " => composition.push(' '),
        "'" if composition.is_empty() || composition.ends_with(|c: char| is_break(c)) => {
            return;
        }
        _ if is_composing_key(key, zhuyin) => {
            if composition.chars().count() >= MAX_COMPOSITION {
                return;
            }
            composition.push_str(key);
        }
        _ => {
            // Punctuation or a digit: what is composed is taken first.
            commit_all(window);
            type_text(window, key);
            return;
        }
    }
    adapter.set_composition(composition.into());
    show_candidates(window);
}

fn is_break(c: char) -> bool {
    matches!(c, ' ' | '\'' | 'ˊ' | 'ˇ' | 'ˋ' | '˙')
}

/// Whether `key` is part of a composition: a Latin letter or a syllable
/// break in pinyin; a zhuyin symbol or tone mark in zhuyin.
fn is_composing_key(key: &str, zhuyin: bool) -> bool {
    let mut chars = key.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    if zhuyin {
        ('\u{3105}'..='\u{3129}').contains(&c) || matches!(c, 'ˊ' | 'ˇ' | 'ˋ' | '˙')
    } else {
        c.is_ascii_alphabetic() || c == '\''
    }
}

/// The candidates for what is composed now, and how much of the
/// composition (bytes) each uses up.
fn candidates(window: &ui::App) -> Vec<Candidate> {
    let adapter = window.global::<ui::KeyboardAdapter>();
    let composition = adapter.get_composition();
    let script = if adapter.get_simplified() {
        Script::Simplified
    } else {
        Script::Traditional
    };
    if composition.is_empty() {
        return Vec::new();
    }
    if adapter.get_mode() != ui::InputMode::Zhuyin {
        return ime::dictionary().candidates(&composition, script, Breaks::Free);
    }
    ime::zhuyin_candidates(&composition, script)
}

fn show_candidates(window: &ui::App) {
    let texts: Vec<SharedString> = candidates(window)
        .into_iter()
        .map(|c| SharedString::from(c.text))
        .collect();
    window
        .global::<ui::KeyboardAdapter>()
        .set_candidates(ModelRc::new(VecModel::from(texts)));
}

/// Adds candidate `index` to the question and keeps the rest of the
/// composition.
fn pick(window: &ui::App, index: usize) {
    let found = candidates(window);
    let Some(candidate) = found.get(index) else {
        return;
    };
    take(window, candidate);
    show_candidates(window);
}

fn take(window: &ui::App, candidate: &Candidate) {
    let adapter = window.global::<ui::KeyboardAdapter>();
    let composition = adapter.get_composition().to_string();
    let rest = composition
        .get(candidate.consumed..)
        .unwrap_or("")
        .trim_start_matches(is_break);
    adapter.set_composition(rest.into());
    type_text(window, &candidate.text);
}

/// Takes the first candidate until nothing is composed (each takes at
/// least one letter, the typed letters all of them).
fn commit_all(window: &ui::App) {
    for _ in 0..=MAX_COMPOSITION {
        let found = candidates(window);
        let Some(first) = found.first() else {
            break;
        };
        take(window, first);
    }
    show_candidates(window);
}

fn type_text(window: &ui::App, text: &str) {
    let chat = window.global::<ui::ChatAdapter>();
    let mut draft = chat.get_draft().to_string();
    draft.push_str(text);
    chat.set_draft(draft.into());
}
