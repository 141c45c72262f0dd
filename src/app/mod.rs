//! The touchscreen app (`kiosk` with no subcommand).
//!
//! The UI thread only draws and reacts: every trigger — a tap, a worker's
//! reply, a streamed token, the idle tick, a microphone or staff-call change
//! — is an [`Event`] handled in one place, [`Controller::handle`]. Slow work
//! (search, the assistant, the model, speech, sync) runs on workers that post
//! events back through the Slint event loop.

mod adapters;
mod controller;
mod convert;
pub mod events;
pub(crate) mod ime;
mod model;
mod notices;
mod photos;
pub mod pictogram;
mod pin;
pub mod screenshots;
mod speak;
mod speech;
mod status;
mod worker;

// Slint's generated code unwraps what its own construction guarantees.
#[allow(clippy::unwrap_used, clippy::todo)]
pub mod ui {
    slint::include_modules!();
}

pub use controller::Controller;
pub use events::Event;
pub use pin::set_pin as set_staff_pin;

use std::path::PathBuf;

use slint::ComponentHandle;

use crate::config::Config;

/// How the app starts.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub data_dir: PathBuf,
    pub fullscreen: bool,
}

/// Opens the window and runs until it is closed (or staff exit kiosk mode).
pub fn run(config: &Config, options: AppOptions) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let window = ui::App::new()?;
    window.set_kiosk_mode(options.fullscreen);
    let controller = Controller::start(&window, config, &options)?;
    events::install(controller);
    // The first turn of the event loop: the window is up and takes taps
    // (models may still be loading; the status line says so).
    slint::Timer::single_shot(std::time::Duration::ZERO, move || {
        tracing::info!(
            "window up and interactive after {} ms",
            started.elapsed().as_millis()
        );
    });
    tracing::info!(data_dir = %options.data_dir.display(), "kiosk app starting");
    window.run()?;
    events::shutdown();
    tracing::info!("kiosk app closed");
    Ok(())
}
