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

/// The window size the touch tests lay the app out at (the kiosk's
/// 1280×800 screen).
pub const SCREEN: (f32, f32) = (1280.0, 800.0);

/// Lays the app out at the kiosk's screen size.
pub fn set_screen_size(app: &App) {
    app.window()
        .set_size(slint::LogicalSize::new(SCREEN.0, SCREEN.1));
}

/// A tap at a point of the window: the pointer moves there, is pressed and
/// released, as a finger on the touchscreen would. What it hits is decided
/// by the window's own hit testing, so a control drawn over another takes
/// the tap.
pub fn tap_at(app: &App, x: f32, y: f32) {
    use slint::platform::{PointerEventButton, WindowEvent};
    let position = slint::LogicalPosition::new(x, y);
    let window = app.window();
    window.dispatch_event(WindowEvent::PointerMoved { position });
    window.dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerExited);
}

/// The laid-out centre of the (first visible) control labelled `label`.
pub fn centre_of(app: &App, label: &str) -> (f32, f32) {
    let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(app, label)
        .filter(|e| e.size().width > 0.0 && e.size().height > 0.0)
        .collect();
    assert!(!found.is_empty(), "no visible control labelled {label:?}");
    let pos = found[0].absolute_position();
    let size = found[0].size();
    (pos.x + size.width / 2.0, pos.y + size.height / 2.0)
}

/// A tap at the centre of the control labelled `label`, where it is laid
/// out: the label only finds where to tap.
pub fn tap(app: &App, label: &str) {
    let (x, y) = centre_of(app, label);
    tap_at(app, x, y);
}

/// Types `text` on a physical keyboard, one key at a time.
pub fn type_keys(app: &App, text: &str) {
    use slint::platform::WindowEvent;
    for c in text.chars() {
        let text: slint::SharedString = c.to_string().into();
        app.window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        app.window()
            .dispatch_event(WindowEvent::KeyReleased { text });
        // Let the app react, as between a typist's keys.
        pump_until(Duration::from_millis(30), || false);
    }
}

/// Every button visible in the window, with its label and rectangle
/// (x, y, width, height).
pub fn visible_buttons(app: &App) -> Vec<(String, [f32; 4])> {
    use i_slint_backend_testing::{AccessibleRole, ElementQuery};
    ElementQuery::from_root(app)
        .match_accessible_role(AccessibleRole::Button)
        .find_all()
        .into_iter()
        .filter_map(|b| {
            let pos = b.absolute_position();
            let size = b.size();
            let visible = size.width > 0.0
                && size.height > 0.0
                && pos.x < SCREEN.0
                && pos.y < SCREEN.1
                && pos.x + size.width > 0.0
                && pos.y + size.height > 0.0;
            visible.then(|| {
                (
                    b.accessible_label().unwrap_or_default().to_string(),
                    [pos.x, pos.y, size.width, size.height],
                )
            })
        })
        .collect()
}

/// What is wrong with the buttons' layout on the screen showing now: a
/// button that covers a large part of the window (and so takes taps meant
/// for the screen), or two buttons on top of each other.
pub fn button_layout_problems(app: &App, screen: &str) -> Vec<String> {
    let buttons = visible_buttons(app);
    let window_area = SCREEN.0 * SCREEN.1;
    let mut problems = Vec::new();
    for (i, (label, [x, y, w, h])) in buttons.iter().enumerate() {
        if w * h > window_area * 0.15 {
            problems.push(format!(
                "{screen}: button {label:?} covers {:.0}% of the window ({w}×{h} at {x},{y})",
                100.0 * w * h / window_area
            ));
        }
        for (other, [ox, oy, ow, oh]) in &buttons[i + 1..] {
            let overlap_w = (x + w).min(ox + ow) - x.max(*ox);
            let overlap_h = (y + h).min(oy + oh) - y.max(*oy);
            if overlap_w > 1.0 && overlap_h > 1.0 {
                problems.push(format!(
                    "{screen}: buttons {label:?} and {other:?} overlap ({overlap_w}×{overlap_h})"
                ));
            }
        }
    }
    problems
}
