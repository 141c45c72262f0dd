//! The shipped kiosk.toml agrees with the Rust defaults where a setting was
//! chosen from measurements, and `[speech] window` reads as documented.

use super::*;

#[test]
fn the_shipped_speech_settings_are_the_defaults() {
    let shipped: Config =
        toml::from_str(include_str!("../../kiosk.toml")).expect("kiosk.toml parses");
    let default = SpeechSection::default();
    assert_eq!(shipped.speech.window, default.window);
    assert_eq!(shipped.speech.window, kiosk_speech::Window::DEFAULT);
    assert_eq!(shipped.speech.beam, default.beam);
    assert_eq!(shipped.speech.beam, kiosk_speech::engine::DEFAULT_BEAM);
    assert_eq!(shipped.speech.model, default.model);
    assert_eq!(shipped.speech.threads, default.threads);
}

#[test]
fn a_speech_window_is_clip_full_or_seconds() {
    use kiosk_speech::Window;
    let read = |value: &str| {
        toml::from_str::<Config>(&format!("[speech]\nwindow = {value:?}\n"))
            .map(|c| c.speech.window)
    };
    assert_eq!(read("clip").expect("clip"), Window::Clip);
    assert_eq!(read("full").expect("full"), Window::Full);
    assert_eq!(read("8s").expect("8s"), Window::AtLeast(8000));
    assert_eq!(read("2.5").expect("2.5"), Window::AtLeast(2500));
    assert!(read("soon").is_err());
    assert!(read("45s").is_err());
}
