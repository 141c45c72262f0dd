//! Issues 4, 5 and 6 in the app: the real Whisper model hears a real
//! recording (played in place of the microphone through `[speech]
//! input_wav`), its transcript becomes the shopper's turn and is answered;
//! background noise gives no turn; the real language model loads in the
//! background while the window already answers, and its status shows.

mod app_support;
mod common_support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use app_support::{click, demo_data, pump_until, repo, start_app};
use common_support::shared_file;
use kiosk::app::events;
use kiosk::app::ui::{App, AppState, ChatAdapter, MicAdapter, MicNote, MicState};
use kiosk::config::Config;
use slint::{ComponentHandle, Model};

fn recording(name: &str) -> PathBuf {
    shared_file("audio", name)
}

/// The conversation as (from the shopper, text, still streaming).
fn messages(app: &App) -> Vec<(bool, String, bool)> {
    let m = app.global::<ChatAdapter>().get_messages();
    (0..m.row_count())
        .filter_map(|i| m.row_data(i))
        .map(|m| (m.from_shopper, m.text.to_string(), m.streaming))
        .collect()
}

fn answered(app: &App, n_turns: usize) -> bool {
    let m = messages(app);
    m.iter().filter(|(shopper, _, _)| *shopper).count() == n_turns
        && m.last()
            .is_some_and(|(shopper, text, streaming)| !shopper && !streaming && !text.is_empty())
}

fn play(wav: &Path, into: &Path) {
    std::fs::copy(wav, into).expect("copy the recording");
}

#[test]
fn a_spoken_question_is_heard_answered_and_noise_is_ignored() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = demo_data(tmp.path());

    let mic_input = tmp.path().join("mic.wav");
    play(
        &recording("stp_en_add_apples_to_my_shopping_list.wav"),
        &mic_input,
    );
    let mut config = Config::default();
    config.llm.models_dir = repo().join("models");
    config.speech.models_dir = repo().join("models");
    config.speech.input_wav = Some(mic_input.clone());
    // The small English model, phrasing English answers: the path where
    // tokens stream into the conversation.
    config.llm.model = kiosk_llm::ModelKind::Smollm2;
    config.assistant.phrase_languages = Some(vec![kiosk_core::Lang::En]);
    let started = Instant::now();
    let app = start_app(&config, &data);
    let interactive = started.elapsed();
    assert!(
        app.global::<AppState>()
            .get_status_text()
            .contains("Language model: loading"),
        "the model loads in the background: {}",
        app.global::<AppState>().get_status_text()
    );

    // Typing works before any model is ready.
    app.global::<AppState>().invoke_start();
    app.global::<ChatAdapter>()
        .set_draft("how much is the Aerion Flux 3?".into());
    app.global::<ChatAdapter>()
        .invoke_send("how much is the Aerion Flux 3?".into());
    assert!(pump_until(Duration::from_secs(10), || answered(&app, 1)));
    let first = messages(&app).last().expect("answer").1.clone();
    assert!(first.contains("179.95"), "{first}");

    // Both models come up; the mic button becomes usable.
    assert!(
        pump_until(Duration::from_secs(60), || app
            .global::<AppState>()
            .get_status_text()
            .contains("ready")
            && app.global::<MicAdapter>().get_state() == MicState::Idle),
        "models ready: status {:?}, mic {:?}",
        app.global::<AppState>().get_status_text(),
        app.global::<MicAdapter>().get_state()
    );
    eprintln!(
        "window up in {:.0} ms; models ready after {:.1} s",
        interactive.as_secs_f64() * 1000.0,
        started.elapsed().as_secs_f64()
    );

    // With the model, an English answer may stream in; what shows is
    // always grounded: the price stays the snapshot's.
    app.global::<ChatAdapter>()
        .invoke_send("how much is the Aerion Flux 3?".into());
    let mut saw_stream = false;
    assert!(pump_until(Duration::from_secs(30), || {
        saw_stream |= messages(&app)
            .last()
            .is_some_and(|(shopper, text, streaming)| !shopper && *streaming && !text.is_empty());
        answered(&app, 2)
    }));
    let second = messages(&app).last().expect("answer").1.clone();
    assert!(second.contains("179.95"), "{second}");
    eprintln!("model answer (streamed: {saw_stream}): {second}");

    // Speaking: listening, then the transcript as the shopper's turn.
    click(&app, "Speak");
    assert!(pump_until(Duration::from_secs(5), || app
        .global::<MicAdapter>()
        .get_state()
        == MicState::Listening));
    assert!(
        pump_until(Duration::from_secs(30), || answered(&app, 3)),
        "the spoken turn is answered: {:?}",
        messages(&app)
    );
    let said = messages(&app)
        .into_iter()
        .filter(|(shopper, _, _)| *shopper)
        .nth(2)
        .expect("the spoken turn")
        .1
        .to_lowercase();
    // Whisper base hears "add apples to my chocolate list" in this
    // recording (so does `kiosk transcribe`); the pipeline is what is
    // checked here, the model's accuracy in crates/kiosk-speech/tests.
    assert!(
        said.starts_with("add apples to my") && said.contains("list"),
        "{said}"
    );
    assert_eq!(app.global::<MicAdapter>().get_state(), MicState::Idle);

    // Background noise: no turn, and the shopper is told nothing was heard.
    play(&recording("stp_background_noise.wav"), &mic_input);
    click(&app, "Speak");
    assert!(
        pump_until(Duration::from_secs(30), || {
            let mic = app.global::<MicAdapter>();
            mic.get_state() == MicState::Idle
                && matches!(
                    mic.get_note(),
                    MicNote::NothingHeard | MicNote::NotUnderstood
                )
        }),
        "noise ends with a note: {:?}",
        app.global::<MicAdapter>().get_note()
    );
    assert!(!app.global::<MicAdapter>().get_status().is_empty());
    assert_eq!(
        messages(&app).iter().filter(|(s, _, _)| *s).count(),
        3,
        "noise adds no turn"
    );
    events::shutdown();
}
