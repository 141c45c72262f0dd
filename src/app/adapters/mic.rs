//! `MicAdapter`: the push-to-talk button, its line and the input level.

use slint::ComponentHandle;

use crate::app::events::{Event, post};
use crate::app::speech::{MicNote, MicPhase};
use crate::app::ui;

/// Wires the button; speech is unavailable until its worker says otherwise.
pub fn connect(window: &ui::App) {
    let mic = window.global::<ui::MicAdapter>();
    mic.on_toggle(|| post(Event::MicToggle));
    show(window, MicPhase::Unavailable, MicNote::NoModel);
}

pub fn phase(window: &ui::App) -> MicPhase {
    match window.global::<ui::MicAdapter>().get_state() {
        ui::MicState::Idle => MicPhase::Idle,
        ui::MicState::Listening => MicPhase::Listening,
        ui::MicState::Processing => MicPhase::Processing,
        ui::MicState::Unavailable => MicPhase::Unavailable,
    }
}

pub fn show(window: &ui::App, phase: MicPhase, note: MicNote) {
    let mic = window.global::<ui::MicAdapter>();
    mic.set_state(map_phase(phase));
    mic.set_note(map_note(note));
}

pub fn set_level(window: &ui::App, level: f32) {
    window.global::<ui::MicAdapter>().set_level(level);
}

fn map_phase(phase: MicPhase) -> ui::MicState {
    match phase {
        MicPhase::Idle => ui::MicState::Idle,
        MicPhase::Listening => ui::MicState::Listening,
        MicPhase::Processing => ui::MicState::Processing,
        MicPhase::Unavailable => ui::MicState::Unavailable,
    }
}

fn map_note(note: MicNote) -> ui::MicNote {
    match note {
        MicNote::None => ui::MicNote::None,
        MicNote::Loading => ui::MicNote::Loading,
        MicNote::NoModel => ui::MicNote::NoModel,
        MicNote::NoMicrophone => ui::MicNote::NoMicrophone,
        MicNote::Disconnected => ui::MicNote::Disconnected,
        MicNote::NothingHeard => ui::MicNote::NothingHeard,
        MicNote::NotUnderstood => ui::MicNote::NotUnderstood,
        MicNote::Failed => ui::MicNote::Failed,
    }
}
