//! Everything that can wake the app, in one closed enum, and the one way to
//! deliver it: [`post`], callable from any thread.

use std::cell::RefCell;

use kiosk_core::Lang;
use kiosk_core::assistant::Reply;

use super::Controller;

/// A trigger the controller reacts to.
#[derive(Debug)]
pub enum Event {
    // Taps and typing.
    Send(String),
    Start,
    /// A key typed on a physical keyboard on the attract screen (the
    /// key's text, which for control keys is not printable).
    Typed(String),
    SelectLanguage(Lang),
    Touched,
    NewCustomer,
    StillHere,
    AddToPickup {
        product_id: String,
        sku: String,
    },
    NotifyMe {
        product_id: String,
        sku: String,
    },
    OpenProduct(String),
    CloseDetail,
    RemovePickup(usize),
    CallStaff,
    DismissHandoff,
    OpenStaff,
    SubmitPin(String),
    /// The staff PIN's check finished (it runs off the UI thread).
    PinChecked(super::pin::PinCheck),
    LockStaff,
    SyncNow,
    ExitKiosk,
    /// The end-of-session question: thumbs up, down, or skipped.
    Feedback(Option<bool>),
    ReadAloud(bool),
    MicToggle,
    // Workers.
    /// A token of a model's answer as it is written.
    Token {
        turn: u64,
        text: String,
    },
    /// The answer to a turn, with its product cards ready to show.
    Reply {
        turn: u64,
        reply: Box<Reply>,
        cards: Vec<super::convert::CardData>,
    },
    /// A turn failed (the snapshot could not be read); the shopper is told
    /// in their language.
    TurnFailed {
        turn: u64,
        notice: super::notices::Notice,
    },
    /// Something the shopper must hear about after an answer (a request
    /// that was not saved).
    Notice(super::notices::Notice),
    /// A product the detail dialog asked for.
    Detail(Box<Option<super::convert::CardData>>),
    /// A line for the status area (model loading, snapshot switched...).
    Status(String),
    /// The snapshot's freshness and store name, refreshed by the worker
    /// (at start, after each sync).
    Freshness {
        stale: bool,
        as_of: String,
        store_name: String,
    },
    /// A staff call changed (with what to tell the shopper).
    Call {
        phase: super::worker::CallPhase,
        message: String,
    },
    /// The sync agent started or finished: `text` for the status line,
    /// `finished` the facts of a sync that ran to its end, `switched` when
    /// a new snapshot went live.
    Sync {
        text: String,
        finished: Option<super::worker::SyncFacts>,
        switched: bool,
    },
    /// The microphone button's state and the line under it.
    Mic {
        phase: super::speech::MicPhase,
        note: super::speech::MicNote,
    },
    /// The input level while listening, 0..1.
    MicLevel(f32),
    /// What the shopper said, with the language Whisper heard.
    Transcript {
        text: String,
        lang: Option<Lang>,
    },
    /// The figures for the staff panel.
    StaffInfo(Box<super::worker::StaffInfo>),
    // Time.
    Tick,
}

thread_local! {
    static CONTROLLER: RefCell<Option<Controller>> = const { RefCell::new(None) };
}

pub fn install(controller: Controller) {
    CONTROLLER.with(|c| *c.borrow_mut() = Some(controller));
}

pub fn shutdown() {
    CONTROLLER.with(|c| {
        if let Some(controller) = c.borrow_mut().take() {
            controller.shutdown();
        }
    });
}

/// Delivers an event to the controller on the UI thread. From the UI thread
/// itself, it is queued behind the current callback, so handlers never
/// re-enter.
pub fn post(event: Event) {
    let _ = slint::invoke_from_event_loop(move || {
        CONTROLLER.with(|c| {
            if let Some(controller) = c.borrow_mut().as_mut() {
                controller.handle(event);
            }
        });
    });
}
