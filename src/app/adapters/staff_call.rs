//! `StaffCallAdapter`: the call-staff button, and the handoff dialog with
//! what staff receive.

use slint::ComponentHandle;

use super::s;
use crate::app::events::{Event, post};
use crate::app::ui;
use crate::app::worker::CallPhase;

pub fn connect(window: &ui::App) {
    let call = window.global::<ui::StaffCallAdapter>();
    call.on_call(|| post(Event::CallStaff));
    call.on_dismiss(|| post(Event::DismissHandoff));
}

/// No call: the button says "Call staff" and the dialog is closed.
pub fn reset(window: &ui::App) {
    let call = window.global::<ui::StaffCallAdapter>();
    call.set_handoff_visible(false);
    call.set_state(ui::CallState::None);
    call.set_summary(s(""));
    call.set_status_text(s(""));
}

/// Whether a call is under way (so a new handoff does not restart it).
pub fn in_progress(window: &ui::App) -> bool {
    !matches!(
        window.global::<ui::StaffCallAdapter>().get_state(),
        ui::CallState::None | ui::CallState::Resolved | ui::CallState::Unavailable
    )
}

/// The call's phase, and the line under it when `message` is not empty.
pub fn show_phase(window: &ui::App, phase: CallPhase, message: &str) {
    let call = window.global::<ui::StaffCallAdapter>();
    call.set_state(map_phase(phase));
    if !message.is_empty() {
        call.set_status_text(s(message));
    }
}

/// Opens the dialog with `summary`, what staff receive.
pub fn show_handoff(window: &ui::App, summary: &str) {
    let call = window.global::<ui::StaffCallAdapter>();
    call.set_summary(s(summary));
    call.set_handoff_visible(true);
}

/// Closes the dialog; with `forget`, its summary goes too.
pub fn hide_handoff(window: &ui::App, forget: bool) {
    let call = window.global::<ui::StaffCallAdapter>();
    call.set_handoff_visible(false);
    if forget {
        call.set_summary(s(""));
    }
}

fn map_phase(phase: CallPhase) -> ui::CallState {
    match phase {
        CallPhase::Calling => ui::CallState::Calling,
        CallPhase::Queued => ui::CallState::Queued,
        CallPhase::Delivered => ui::CallState::Acknowledged,
        CallPhase::OnTheWay => ui::CallState::OnTheWay,
        CallPhase::Resolved => ui::CallState::Resolved,
        CallPhase::Unavailable => ui::CallState::Unavailable,
    }
}
