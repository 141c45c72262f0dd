//! Issue 17 in the app: the real capture path (cpal on ALSA, no stand-in
//! WAV) with the virtual microphone of tests/mic_support, a 44.1 kHz
//! stereo device. No microphone when the kiosk starts, one plugged in
//! later, and that one pulled out mid-question: each time the window says
//! so in the shopper's language, the microphone button is disabled while
//! there is no microphone, and typed questions are answered throughout.

mod app_support;
mod common_support;
mod mic_support;

use std::path::PathBuf;
use std::time::Duration;

use app_support::{click, demo_data, pump_until, repo, start_app};
use common_support::shared_file;
use i_slint_backend_testing::ElementHandle;
use kiosk::app::events;
use kiosk::app::ui::{App, AppState, ChatAdapter, MicAdapter, MicNote, MicState};
use kiosk::config::Config;
use mic_support::{STEREO_44K, TestMic};
use slint::{ComponentHandle, Model};

fn models_dir() -> PathBuf {
    std::env::var_os("KIOSK_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("models"))
}

/// The shopper's turns and whether the last answer is complete.
fn shopper_turns(app: &App) -> usize {
    let m = app.global::<ChatAdapter>().get_messages();
    (0..m.row_count())
        .filter_map(|i| m.row_data(i))
        .filter(|m| m.from_shopper)
        .count()
}

fn answered(app: &App, n_turns: usize) -> bool {
    let m = app.global::<ChatAdapter>().get_messages();
    let last = m.row_count().checked_sub(1).and_then(|i| m.row_data(i));
    shopper_turns(app) == n_turns
        && last.is_some_and(|m| !m.from_shopper && !m.streaming && !m.text.is_empty())
}

fn ask(app: &App, question: &str) -> String {
    let n = shopper_turns(app) + 1;
    app.global::<ChatAdapter>().invoke_send(question.into());
    assert!(
        pump_until(Duration::from_secs(20), || answered(app, n)),
        "{question:?} is answered"
    );
    let m = app.global::<ChatAdapter>().get_messages();
    m.row_data(m.row_count() - 1)
        .expect("the answer")
        .text
        .to_string()
}

fn mic_shows(app: &App, state: MicState, note: MicNote) -> bool {
    let mic = app.global::<MicAdapter>();
    mic.get_state() == state && mic.get_note() == note
}

fn mic_button(app: &App, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(app, label)
        .next()
        .unwrap_or_else(|| panic!("no control labelled {label:?}"))
}

#[test]
fn the_window_says_when_the_microphone_is_missing_or_lost_and_typing_goes_on() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = demo_data(tmp.path());
    // Pulled out 2.3 s into a recording: half a second of silence, then
    // 1.8 s of the question (a third of it).
    let mic = TestMic::new(
        &shared_file("audio", "dutch_vl-tts_vl12745.wav"),
        STEREO_44K,
        Some(2.3),
    );
    mic.unplug();
    // SAFETY: this binary's only test sets it before the app starts any
    // thread; ALSA reads it when the microphone is first looked for.
    unsafe {
        std::env::set_var("ALSA_CONFIG_PATH", mic.config());
    }

    let mut config = Config::default();
    // Answers from the snapshot alone: what is checked is that they come.
    config.llm.enabled = false;
    config.speech.models_dir = models_dir();
    config.speech.model = kiosk_speech::ModelKind::Base;
    let app = start_app(&config, &data);
    click(&app, "Nederlands");
    assert!(pump_until(Duration::from_secs(5), || app
        .global::<AppState>()
        .get_lang()
        == "nl"));

    // No microphone: said in Dutch, the button disabled; typing works.
    assert!(
        pump_until(Duration::from_secs(60), || mic_shows(
            &app,
            MicState::Unavailable,
            MicNote::NoMicrophone
        )),
        "no microphone: {:?} {:?}",
        app.global::<MicAdapter>().get_state(),
        app.global::<MicAdapter>().get_note()
    );
    assert_eq!(
        app.global::<MicAdapter>().get_status(),
        "Geen microfoon gevonden: typ je vraag."
    );
    let button = mic_button(&app, "Microfoon niet beschikbaar");
    assert_eq!(button.accessible_enabled(), Some(false));
    // A tap on it starts nothing.
    button.invoke_accessible_default_action();
    let answer = ask(&app, "hoeveel kost de Aerion Flux 3?");
    assert!(answer.contains("179"), "{answer}");
    assert_eq!(
        app.global::<MicAdapter>().get_state(),
        MicState::Unavailable
    );

    // Plugged in: the kiosk finds it by itself.
    mic.plug_in();
    assert!(
        pump_until(Duration::from_secs(30), || mic_shows(
            &app,
            MicState::Idle,
            MicNote::None
        )),
        "the microphone is found: {:?}",
        app.global::<MicAdapter>().get_state()
    );
    assert_eq!(app.global::<MicAdapter>().get_status(), "");
    let speak = mic_button(&app, "Spreken");
    assert_eq!(speak.accessible_enabled(), Some(true));

    // Pulled out mid-question: listening ends, the window says so.
    let turns = shopper_turns(&app);
    speak.invoke_accessible_default_action();
    assert!(pump_until(Duration::from_secs(5), || app
        .global::<MicAdapter>()
        .get_state()
        == MicState::Listening));
    assert!(
        pump_until(Duration::from_secs(30), || app
            .global::<MicAdapter>()
            .get_state()
            == MicState::Unavailable),
        "a lost microphone ends listening: {:?}",
        app.global::<MicAdapter>().get_state()
    );
    assert!(mic.is_unplugged(), "the device went away");
    // The line says it was disconnected (not that none was ever found),
    // and what was heard before it went is still the shopper's turn.
    assert_eq!(app.global::<MicAdapter>().get_note(), MicNote::Disconnected);
    assert_eq!(
        app.global::<MicAdapter>().get_status(),
        "De microfoon is losgekoppeld: typ je vraag."
    );
    // 1.8 s of the question is enough to be heard and answered.
    assert!(
        pump_until(Duration::from_secs(20), || answered(&app, turns + 1)),
        "the words heard before the microphone went are a turn: {} turns",
        shopper_turns(&app)
    );

    // It stays gone (the kiosk keeps looking, every 5 s), and so does the
    // line; the button stays disabled, and typing still works.
    pump_until(Duration::from_secs(6), || false);
    assert!(mic_shows(
        &app,
        MicState::Unavailable,
        MicNote::Disconnected
    ));
    assert_eq!(
        mic_button(&app, "Microfoon niet beschikbaar").accessible_enabled(),
        Some(false)
    );
    let answer = ask(&app, "hoeveel kost de Aerion Flux 3?");
    assert!(answer.contains("179"), "{answer}");
    events::shutdown();
}
