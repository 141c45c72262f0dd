//! Issues 6 and 8 in the app: the shopper taps "Call staff" on the real
//! window (Slint's testing backend), the call reaches a real `kiosk
//! staff-console` over loopback HTTPS (its certificate pinned) with the handoff summary, and each
//! change staff make shows on the kiosk; "Resolved" hands the shopper back
//! with the conversation kept. With the console down the kiosk says so and
//! the call arrives, once, when it is back.

mod app_support;
mod staff_support;

use std::time::{Duration, Instant};

use app_support::{click, demo_data, pump_until, start_app};
use kiosk::app::events;
use kiosk::app::ui::{App, AppState, CallState, ChatAdapter, StaffCallAdapter};
use kiosk::config::Config;
use kiosk_core::Lang;
use kiosk_staff::CallState as ConsoleState;
use kiosk_staff::{CallId, ConsoleClient};
use slint::{ComponentHandle, Model};
use staff_support::ConsoleHome;

fn call_state(app: &App) -> CallState {
    app.global::<StaffCallAdapter>().get_state()
}

fn texts(app: &App) -> Vec<String> {
    let m = app.global::<ChatAdapter>().get_messages();
    (0..m.row_count())
        .filter_map(|i| m.row_data(i))
        .map(|m| m.text.to_string())
        .collect()
}

/// Staff (Sam) set the call to `state` on the console; returns how long
/// the window took to show it as `shown`.
fn staff_taps(
    staff: &ConsoleClient,
    app: &App,
    id: &CallId,
    state: ConsoleState,
    shown: CallState,
) -> Duration {
    let tapped = Instant::now();
    staff
        .set_state(id, state, Some("Sam"))
        .unwrap_or_else(|e| panic!("set to {state:?}: {e}"));
    assert!(pump_until(Duration::from_secs(10), || call_state(app) == shown));
    tapped.elapsed()
}

#[test]
fn a_call_from_the_window_reaches_the_console_and_comes_back() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = demo_data(tmp.path());

    let home = ConsoleHome::new(tmp.path());
    let console = home.start();
    let staff = console.client();

    let mut config = Config::default();
    config.llm.enabled = false;
    config.speech.enabled = false;
    config.kiosk.name = "Kiosk 2".into();
    config.kiosk.location = "Shoe wall".into();
    config.staff.console_url = Some(console.url.clone());
    // The kiosk trusts only the console's own certificate.
    config.staff.console_cert_sha256 = Some(console.cert_sha256.clone());
    config.staff.key_file = Some(home.key_file.clone());
    config.staff.retry_initial_seconds = 0.1;
    config.staff.retry_max_seconds = 0.5;
    config.staff.watch_wait_seconds = 5;
    config.staff.analytics_every_seconds = 0;
    let app = start_app(&config, &data);

    // A Dutch shopper asks about a shoe, then calls staff.
    click(&app, "Nederlands");
    let question = "hebben jullie de Velora Stride 3 in maat 9 in het zwart?";
    app.global::<ChatAdapter>().invoke_send(question.into());
    assert!(pump_until(Duration::from_secs(10), || texts(&app).len()
        == 2
        && !texts(&app)[1].is_empty()));
    click(&app, "Medewerker roepen");
    assert!(
        pump_until(Duration::from_secs(10), || call_state(&app)
            == CallState::Acknowledged),
        "the console has the call: {:?}",
        call_state(&app)
    );
    assert!(app.global::<StaffCallAdapter>().get_handoff_visible());
    let calls = staff.calls(false).expect("the console's open calls");
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(call.kiosk.name, "Kiosk 2");
    assert_eq!(call.kiosk.location, "Shoe wall");
    assert_eq!(call.handoff.language, Lang::Nl);
    let product = call.handoff.products.first().expect("a product discussed");
    assert_eq!(product.id, "velora-stride-3-mens-running-shoe");
    assert_eq!(product.size.as_deref(), Some("9"));
    assert!(
        call.handoff.last_messages.iter().any(|m| m == question),
        "{:?}",
        call.handoff.last_messages
    );
    assert!(!call.handoff.checked.is_empty());
    // The shopper sees what staff received.
    assert!(
        app.global::<StaffCallAdapter>()
            .get_summary()
            .contains("Velora Stride 3")
    );

    // "On my way" on the console shows on the kiosk.
    let on_the_way = staff_taps(
        &staff,
        &app,
        &call.id,
        ConsoleState::OnTheWay,
        CallState::OnTheWay,
    );
    assert!(
        app.global::<StaffCallAdapter>()
            .get_status_text()
            .contains("Sam")
    );

    // "Resolved": the handback, in Dutch, and the conversation goes on.
    let resolved = staff_taps(
        &staff,
        &app,
        &call.id,
        ConsoleState::Resolved,
        CallState::Resolved,
    );
    let handback = texts(&app).last().cloned().unwrap_or_default();
    assert_eq!(handback, kiosk_staff::messages::handback(Lang::Nl));
    assert!(texts(&app).iter().any(|t| t == question), "session kept");
    assert_eq!(app.global::<AppState>().get_lang(), "nl");
    eprintln!(
        "on my way shown after {:.0} ms, resolved after {:.0} ms",
        on_the_way.as_secs_f64() * 1000.0,
        resolved.as_secs_f64() * 1000.0
    );

    // The console goes down: the next call is queued, and the shopper is
    // told to ask at the counter.
    console.kill();
    app.global::<ChatAdapter>()
        .invoke_send("ik wil een medewerker spreken".into());
    assert!(
        pump_until(Duration::from_secs(15), || call_state(&app)
            == CallState::Queued),
        "queued while the console is down: {:?}",
        call_state(&app)
    );
    assert_eq!(
        app.global::<StaffCallAdapter>().get_status_text(),
        kiosk_staff::messages::offline(Lang::Nl)
    );
    // Back on the same address: the queued call arrives, once.
    let console = home.start();
    assert!(
        pump_until(Duration::from_secs(15), || call_state(&app)
            == CallState::Acknowledged),
        "delivered when the console is back: {:?}",
        call_state(&app)
    );
    let open = console.client().calls(false).expect("open calls");
    assert_eq!(open.len(), 1, "delivered once: {open:?}");
    assert_ne!(open[0].id, call.id);
    events::shutdown();
}
