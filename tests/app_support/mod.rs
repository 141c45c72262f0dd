//! Shared by the `tests/app_*.rs` tests that drive the real window through
//! Slint's testing backend: the demo store imported fresh, the app started
//! on it, and the event loop pumped until something shows (with a
//! deadline; nothing asserts a time).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use i_slint_backend_testing::ElementHandle;
use kiosk::app::ui::App;
use kiosk::app::{AppOptions, Controller, events};
use kiosk::config::Config;
use kiosk_catalog::import::{self, NoProgress};
use kiosk_catalog::{DataDir, ImportOptions};
use slint::ComponentHandle;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The demo store imported into `dir/data`, its stock counted now (so
/// answers carry no staleness note).
pub fn demo_data(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    let mut options = ImportOptions::new(repo().join("catalog"));
    options.stock_as_of = Some(jiff::Timestamp::now());
    import::import(&DataDir::new(&data), &options, &mut NoProgress).expect("import demo");
    data
}

/// The app's window with its controller installed, shown.
pub fn start_app(config: &Config, data: &Path) -> App {
    let app = App::new().expect("the window is created");
    let controller = Controller::start(
        &app,
        config,
        &AppOptions {
            data_dir: data.to_path_buf(),
            fullscreen: false,
        },
    )
    .expect("the controller starts");
    events::install(controller);
    app.show().expect("shown");
    app
}

/// Runs the event loop until `done` holds or `limit` passes.
pub fn pump_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        slint::Timer::single_shot(Duration::from_millis(20), || {
            let _ = slint::quit_event_loop();
        });
        slint::run_event_loop().expect("the event loop runs");
        if done() {
            return true;
        }
    }
    done()
}

pub fn click(app: &App, label: &str) {
    let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(app, label).collect();
    assert!(!found.is_empty(), "no control labelled {label:?}");
    found[0].invoke_accessible_default_action();
}

pub fn has_label(app: &App, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app, label)
        .next()
        .is_some()
}
