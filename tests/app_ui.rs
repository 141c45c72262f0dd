//! Issue 6: the app's logic through its real UI, with Slint's testing
//! backend: controls found by their accessible labels, clicked and typed
//! into, and what is shown checked. One scripted run per process (the
//! testing backend and the app's controller are per process).

mod app_support;

use std::time::Duration;

use app_support::{click, demo_data, has_label, pump_until, start_app};
use i_slint_backend_testing::{AccessibleRole, ElementQuery};
use kiosk::app::events;
use kiosk::app::ui::{
    App, AppState, ChatAdapter, Page, PickupAdapter, ProductCard, StaffPanelAdapter,
};
use kiosk::config::Config;
use slint::{ComponentHandle, Model};

fn last_answer(app: &App) -> Option<(String, usize)> {
    let messages = app.global::<ChatAdapter>().get_messages();
    let n = messages.row_count();
    let m = messages.row_data(n.checked_sub(1)?)?;
    (!m.from_shopper && !m.streaming).then(|| (m.text.to_string(), m.products.row_count()))
}

/// The first product card of the last message.
fn first_card(app: &App) -> ProductCard {
    let messages = app.global::<ChatAdapter>().get_messages();
    messages
        .row_data(messages.row_count() - 1)
        .expect("reply")
        .products
        .row_data(0)
        .expect("card")
}

#[test]
fn a_shopper_asks_buys_calls_and_walks_away() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = demo_data(tmp.path());
    let mut config = Config::default();
    config.app.idle_seconds = 2;
    config.app.countdown_seconds = 2;
    kiosk::app::set_staff_pin(&config.app.staff_pin_file(&data), "2468").expect("set pin");
    let app = start_app(&config, &data);

    // The attract screen says what to do in four languages, under the
    // name of the store the snapshot holds (the window has no name of its
    // own: any store's kiosk shows its own).
    assert_eq!(app.global::<AppState>().get_page(), Page::Attract);
    assert!(has_label(&app, "Tap or speak"));
    assert!(
        pump_until(Duration::from_secs(10), || app
            .global::<AppState>()
            .get_store_name()
            == "Stride & Style Rotterdam"),
        "store name shown: {:?}",
        app.global::<AppState>().get_store_name()
    );
    // Every control has a label, and touch targets are at least 48 px.
    for button in ElementQuery::from_root(&app)
        .match_accessible_role(AccessibleRole::Button)
        .find_all()
    {
        let label = button.accessible_label().unwrap_or_default();
        assert!(!label.is_empty(), "a button without a label");
        let size = button.size();
        assert!(
            size.height >= 48.0 && size.width >= 48.0,
            "{label}: {size:?}"
        );
    }

    // Choosing Dutch starts the conversation in Dutch.
    click(&app, "Nederlands");
    assert!(pump_until(Duration::from_secs(2), || app
        .global::<AppState>()
        .get_page()
        == Page::Conversation));
    assert_eq!(app.global::<AppState>().get_lang(), "nl");
    // The UI strings switched language too.
    assert!(
        has_label(&app, "Medewerker roepen"),
        "the staff button is translated"
    );

    // Typing a question shows a product card with the right stock.
    let input = ElementQuery::from_root(&app)
        .match_accessible_role(AccessibleRole::TextInput)
        .find_first()
        .expect("the question field");
    input.set_accessible_value("hebben jullie de Velora Stride 3 in maat 9 in het zwart?");
    assert_eq!(
        app.global::<ChatAdapter>().get_draft(),
        "hebben jullie de Velora Stride 3 in maat 9 in het zwart?"
    );
    click(&app, "Versturen");
    assert!(
        pump_until(Duration::from_secs(10), || last_answer(&app).is_some()),
        "an answer arrives"
    );
    let (answer, n_cards) = last_answer(&app).expect("answer");
    assert!(answer.contains("Velora Stride 3"), "{answer}");
    assert!(
        answer.contains("uitverkocht"),
        "size 9 black is out of stock: {answer}"
    );
    assert!(n_cards >= 1);
    let card = first_card(&app);
    assert_eq!(card.id, "velora-stride-3-mens-running-shoe");
    assert!(
        !card.in_stock,
        "the card shows size 9 black as out of stock"
    );
    assert!(
        card.stock_text.contains("niet op voorraad") || card.stock_text.contains("uitverkocht"),
        "{}",
        card.stock_text
    );
    assert_eq!(
        card.notify_sku, "VEL-STR3-BLK-9",
        "the card offers the waitlist for the asked variant"
    );

    // Asking for size 10 offers it for the pickup list, and adding it works.
    app.global::<ChatAdapter>().set_draft("en maat 10?".into());
    click(&app, "Versturen");
    assert!(pump_until(Duration::from_secs(10), || last_answer(&app)
        .is_some_and(|(a, _)| a.contains("op voorraad"))));
    let card = first_card(&app);
    assert!(card.in_stock);
    assert!(!card.pickup_sku.is_empty());
    // The card's own button, labelled with the product for screen readers.
    click(
        &app,
        "Op ophaallijst zetten: Velora Stride 3 Men's Running Shoe",
    );
    assert!(pump_until(Duration::from_secs(2), || app
        .global::<PickupAdapter>()
        .get_items()
        .row_count()
        == 1));
    assert_eq!(app.global::<PickupAdapter>().get_code().len(), 5);

    // The staff panel needs the PIN; a wrong one is refused.
    app.global::<AppState>().set_page(Page::Staff);
    for digit in ["1", "1", "1", "1", "Ontgrendelen"] {
        click(&app, digit);
    }
    assert!(pump_until(Duration::from_secs(3), || !app
        .global::<StaffPanelAdapter>()
        .get_message()
        .is_empty()));
    assert!(!app.global::<StaffPanelAdapter>().get_unlocked());
    for digit in ["2", "4", "6", "8", "Ontgrendelen"] {
        click(&app, digit);
    }
    assert!(pump_until(Duration::from_secs(5), || app
        .global::<StaffPanelAdapter>()
        .get_unlocked()));
    // The panel's figures and catalog line are in the screen's language
    // (Dutch here): they were English in every language.
    let texts = || -> Vec<String> {
        ElementQuery::from_root(&app)
            .match_accessible_role(AccessibleRole::Text)
            .find_all()
            .into_iter()
            .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
            .collect()
    };
    assert!(
        pump_until(Duration::from_secs(5), || {
            let shown = texts();
            shown.iter().any(|l| l.starts_with("Klanten: "))
                && shown.iter().any(|l| l.starts_with("Vragen: "))
                && shown.iter().any(|l| l.starts_with("Catalogus: "))
        }),
        "the staff panel in Dutch: {:?}",
        texts()
    );
    assert!(
        !texts()
            .iter()
            .any(|l| l.starts_with("Shoppers") || l.starts_with("Catalog:")),
        "{:?}",
        texts()
    );
    // Issue 15: staff who walk away leave the panel locked. After the idle
    // time the panel locks itself and the attract screen returns.
    assert!(
        pump_until(Duration::from_secs(8), || !app
            .global::<StaffPanelAdapter>()
            .get_unlocked()
            && app.global::<AppState>().get_page() == Page::Attract),
        "the unlocked staff panel locks itself after the idle time"
    );
    app.global::<AppState>().set_page(Page::Conversation);

    // Walking away: the countdown, then everything is wiped.
    assert!(
        pump_until(Duration::from_secs(8), || app
            .global::<AppState>()
            .get_countdown_visible()),
        "\"are you still there?\" shows after the idle time"
    );
    assert!(
        pump_until(Duration::from_secs(8), || app
            .global::<AppState>()
            .get_page()
            == Page::Attract),
        "the attract screen returns"
    );
    assert_eq!(
        app.global::<ChatAdapter>().get_messages().row_count(),
        0,
        "the conversation is gone"
    );
    assert_eq!(
        app.global::<PickupAdapter>().get_items().row_count(),
        0,
        "the pickup list is gone"
    );
    assert_eq!(app.global::<ChatAdapter>().get_draft(), "");
    assert_eq!(app.global::<AppState>().get_lang(), "en");
    events::shutdown();
}
