//! Issue 12: the app used as a shopper and staff use it, by touch and by a
//! physical keyboard, through the real window at the kiosk's screen size.
//! Every tap is a pointer press and release at the centre of a control
//! where it is laid out, so the window's own hit testing decides what is
//! hit: a control that covers another (the staff corner once filled the
//! whole attract screen) takes the tap and the test fails. Labels only say
//! where to tap.

mod app_support;

use std::time::Duration;

use app_support::{
    SCREEN, button_layout_problems, centre_of, demo_data, pump_until, set_screen_size, start_app,
    tap, tap_at, type_keys,
};
use kiosk::app::events;
use kiosk::app::ui::{
    App, AppState, ChatAdapter, KeyboardAdapter, Page, PickupAdapter, StaffPanelAdapter, Theme,
};
use kiosk::config::Config;
use slint::{ComponentHandle, Model};

fn page(app: &App) -> Page {
    app.global::<AppState>().get_page()
}

fn wait_for_page(app: &App, want: Page, what: &str) {
    assert!(
        pump_until(Duration::from_secs(3), || page(app) == want),
        "{what}: expected {want:?}, the window shows {:?}",
        page(app)
    );
}

/// Back to the attract screen, as the "New customer" button does when
/// nothing was asked yet.
fn back_to_attract(app: &App) {
    tap(app, "New customer");
    wait_for_page(app, Page::Attract, "\"New customer\" with nothing asked");
}

fn answers(app: &App) -> usize {
    app.global::<ChatAdapter>()
        .get_messages()
        .iter()
        .filter(|m| !m.from_shopper && !m.streaming)
        .count()
}

/// The centre of the lowest of the controls labelled `label`.
fn lowest(app: &App, label: &str) -> (f32, f32) {
    i_slint_backend_testing::ElementHandle::find_by_accessible_label(app, label)
        .map(|e| {
            let (pos, size) = (e.absolute_position(), e.size());
            (pos.x + size.width / 2.0, pos.y + size.height / 2.0)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or_else(|| panic!("no control labelled {label:?}"))
}

#[test]
fn the_screens_work_by_touch_and_by_keyboard() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = demo_data(tmp.path());
    let config = Config::default();
    kiosk::app::set_staff_pin(&config.app.staff_pin_file(&data), "2468").expect("set pin");
    let app = start_app(&config, &data);
    set_screen_size(&app);
    pump_until(Duration::from_millis(100), || false);
    let mut problems = Vec::new();

    // The attract screen: the staff corner is a small button in the corner.
    assert_eq!(page(&app), Page::Attract);
    problems.extend(button_layout_problems(&app, "attract"));
    let (sx, sy) = centre_of(&app, "Staff panel");
    assert!(
        sx > SCREEN.0 * 0.8 && sy > SCREEN.1 * 0.8,
        "the staff corner sits in the bottom-right corner, its centre is at ({sx}, {sy})"
    );

    // A tap anywhere but on a control starts the conversation: the corners,
    // the middle of the headline, the space between the language buttons
    // and the microphone.
    let (_, lang_y) = centre_of(&app, "English");
    // The microphone is labelled by its state (ready, or unavailable while
    // speech starts or without a microphone).
    let mic_label = ["Speak", "Microphone unavailable"]
        .into_iter()
        .find(|l| app_support::has_label(&app, l))
        .expect("the microphone button");
    let (_, mic_y) = centre_of(&app, mic_label);
    for (x, y) in [
        (20.0, 20.0),
        (SCREEN.0 - 20.0, 20.0),
        (20.0, SCREEN.1 - 20.0),
        (SCREEN.0 / 2.0, SCREEN.1 * 0.3),
        (40.0, lang_y),
        (SCREEN.0 / 2.0 + 200.0, mic_y),
    ] {
        tap_at(&app, x, y);
        wait_for_page(
            &app,
            Page::Conversation,
            &format!("a tap at ({x}, {y}) on the attract screen"),
        );
        assert_eq!(
            app.global::<ChatAdapter>().get_draft(),
            "",
            "a tap starts with nothing typed"
        );
        back_to_attract(&app);
    }

    // Each language button starts the conversation in its language.
    for (label, code, staff_label) in [
        ("Nederlands", "nl", "Medewerker roepen"),
        ("Bahasa Indonesia", "id", "Panggil staf"),
        ("中文", "zh", "呼叫店員"),
        ("English", "en", "Call staff"),
    ] {
        tap(&app, label);
        wait_for_page(&app, Page::Conversation, label);
        assert_eq!(app.global::<AppState>().get_lang(), code);
        // The top bar is in that language: its staff button is found by
        // its translated label, and its "new customer" is tapped by place.
        centre_of(&app, staff_label);
        let new_customer = match code {
            "nl" => "Nieuwe klant",
            "id" => "Pelanggan baru",
            "zh" => "新顧客",
            _ => "New customer",
        };
        tap(&app, new_customer);
        wait_for_page(&app, Page::Attract, new_customer);
    }

    // Only the staff corner opens the PIN pad; its digits are tapped where
    // they are.
    tap(&app, "Staff panel");
    wait_for_page(&app, Page::Staff, "the staff corner");
    problems.extend(button_layout_problems(&app, "staff (locked)"));
    for key in ["2", "4", "6", "8", "Unlock"] {
        tap(&app, key);
    }
    assert!(
        pump_until(Duration::from_secs(5), || app
            .global::<StaffPanelAdapter>()
            .get_unlocked()),
        "the PIN typed on the pad unlocks the panel"
    );
    problems.extend(button_layout_problems(&app, "staff"));
    tap(&app, "Back");
    wait_for_page(&app, Page::Attract, "the staff panel's Back");

    // Typing on a physical keyboard starts the conversation with the typed
    // text; the rest of the question goes into the question field, and
    // Return sends it.
    type_keys(&app, "waar liggen de sokken?");
    wait_for_page(&app, Page::Conversation, "typing on the attract screen");
    assert_eq!(
        app.global::<ChatAdapter>().get_draft(),
        "waar liggen de sokken?",
        "every typed key is in the question, in order"
    );
    type_keys(&app, "\n");
    assert!(
        pump_until(Duration::from_secs(10), || answers(&app) == 1),
        "Return sends the typed question and an answer arrives"
    );
    assert_eq!(app.global::<AppState>().get_lang(), "nl");
    problems.extend(button_layout_problems(&app, "conversation"));

    // The conversation's controls, each tapped at its centre.
    tap(&app, "Toetsenbord");
    assert!(
        pump_until(Duration::from_secs(2), || app
            .global::<KeyboardAdapter>()
            .get_visible()),
        "the keyboard button opens the on-screen keyboard"
    );
    problems.extend(button_layout_problems(&app, "keyboard"));
    for key in ["s", "h", "i", "r", "t", "s"] {
        tap(&app, key);
    }
    pump_until(Duration::from_millis(100), || false);
    assert_eq!(app.global::<ChatAdapter>().get_draft(), "shirts");
    // The keyboard's own send key, below the input row's send button.
    let (kx, ky) = lowest(&app, "Versturen");
    tap_at(&app, kx, ky);
    assert!(
        pump_until(Duration::from_secs(10), || answers(&app) == 2),
        "the keyboard's send key sends"
    );
    tap(&app, "Verbergen");
    assert!(pump_until(Duration::from_secs(2), || !app
        .global::<KeyboardAdapter>()
        .get_visible()));

    tap(&app, "Hoog contrast");
    assert!(
        pump_until(Duration::from_secs(2), || app
            .global::<Theme>()
            .get_high_contrast()),
        "the high-contrast toggle"
    );
    tap(&app, "Hoog contrast");
    assert!(pump_until(Duration::from_secs(2), || !app
        .global::<Theme>()
        .get_high_contrast()));

    tap(&app, "Ophaallijst");
    wait_for_page(&app, Page::Pickup, "the pickup list button");
    assert_eq!(app.global::<PickupAdapter>().get_items().row_count(), 0);
    problems.extend(button_layout_problems(&app, "pickup"));
    tap(&app, "Terug");
    wait_for_page(&app, Page::Conversation, "the pickup list's Back");

    assert!(problems.is_empty(), "{}", problems.join("\n"));
    events::shutdown();
}
