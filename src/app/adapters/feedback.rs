//! `FeedbackAdapter`: "Did I help you today?" at the end of a session.

use slint::ComponentHandle;

use crate::app::events::{Event, post};
use crate::app::ui;

pub fn connect(window: &ui::App) {
    let feedback = window.global::<ui::FeedbackAdapter>();
    feedback.on_answer(|up| post(Event::Feedback(Some(up))));
    feedback.on_skip(|| post(Event::Feedback(None)));
}

pub fn set_visible(window: &ui::App, visible: bool) {
    window.global::<ui::FeedbackAdapter>().set_visible(visible);
}
