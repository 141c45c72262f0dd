//! Issue 16: a Chinese shopper types on the on-screen keyboard. The
//! keyboard switches to 中文, pinyin typed key by key fills the candidate
//! bar, a tap on a candidate puts its characters in the question, a word
//! for the first syllables leaves the rest to type on, and 繁/简 and 注音
//! work the same way. Every tap is a pointer press at a control's centre
//! in the real window at the kiosk's screen size.

mod app_support;

use std::time::Duration;

use app_support::{demo_data, pump_until, set_screen_size, start_app, tap, tap_at};
use i_slint_backend_testing::ElementHandle;
use kiosk::app::ui::{App, AppState, ChatAdapter, InputMode, KeyboardAdapter, Page};
use kiosk::config::Config;
use slint::{ComponentHandle, Model};

fn draft(app: &App) -> String {
    app.global::<ChatAdapter>().get_draft().to_string()
}

fn composition(app: &App) -> String {
    app.global::<KeyboardAdapter>()
        .get_composition()
        .to_string()
}

fn candidates(app: &App) -> Vec<String> {
    app.global::<KeyboardAdapter>()
        .get_candidates()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// Taps each key, by its label, as a finger would.
/// Starts a conversation in the language labelled `language` and opens
/// the on-screen keyboard by its button, labelled `keyboard` in that
/// language.
fn open_keyboard(app: &App, language: &str, keyboard: &str) {
    tap(app, language);
    assert!(pump_until(Duration::from_secs(3), || app
        .global::<AppState>()
        .get_page()
        == Page::Conversation));
    tap(app, keyboard);
    assert!(pump_until(Duration::from_secs(2), || app
        .global::<KeyboardAdapter>()
        .get_visible()));
}

fn tap_keys(app: &App, keys: &[&str]) {
    for key in keys {
        tap(app, key);
        pump_until(Duration::from_millis(20), || false);
    }
}

/// A tap on the lowest of the controls labelled `label`.
fn tap_lowest(app: &App, label: &str) {
    let found = ElementHandle::find_by_accessible_label(app, label)
        .filter(|e| e.size().width > 0.0)
        .max_by(|a, b| a.absolute_position().y.total_cmp(&b.absolute_position().y))
        .unwrap_or_else(|| panic!("no control labelled {label:?}"));
    let (pos, size) = (found.absolute_position(), found.size());
    tap_at(app, pos.x + size.width / 2.0, pos.y + size.height / 2.0);
}

/// The first (leftmost) candidate shown in the bar, by its place: the
/// label finds the buttons, their positions say which is first.
fn tap_first_candidate(app: &App) {
    let first = candidates(app).first().cloned().expect("a candidate");
    let bar = ElementHandle::find_by_accessible_label(app, "Candidates")
        .next()
        .expect("the candidate bar");
    let bar_x = bar.absolute_position().x;
    let button = ElementHandle::find_by_accessible_label(app, &first)
        .filter(|e| e.size().width > 0.0)
        .min_by(|a, b| a.absolute_position().x.total_cmp(&b.absolute_position().x))
        .expect("the first candidate's button");
    let (pos, size) = (button.absolute_position(), button.size());
    assert!(
        pos.x > bar_x && size.height >= 48.0 && size.width >= 48.0,
        "the first candidate is a touch target inside the bar: {size:?} at {pos:?}"
    );
    tap_at(app, pos.x + size.width / 2.0, pos.y + size.height / 2.0);
    pump_until(Duration::from_millis(20), || false);
}

#[test]
fn chinese_by_pinyin_and_zhuyin_on_the_on_screen_keyboard() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = demo_data(tmp.path());
    let app = start_app(&Config::default(), &data);
    set_screen_size(&app);
    pump_until(Duration::from_millis(100), || false);

    // An English conversation; the keyboard opens in Latin letters.
    open_keyboard(&app, "English", "Keyboard");
    assert_eq!(app.global::<KeyboardAdapter>().get_mode(), InputMode::Latin);

    // 中文: pinyin, h-e-i-s-e, the first candidate is 黑色. (The attract
    // screen's language button of the same name is above it.)
    tap_lowest(&app, "中文");
    pump_until(Duration::from_millis(50), || false);
    assert_eq!(
        app.global::<KeyboardAdapter>().get_mode(),
        InputMode::Pinyin
    );
    tap_keys(&app, &["h", "e", "i", "s", "e"]);
    assert_eq!(composition(&app), "heise");
    assert_eq!(draft(&app), "", "pinyin stays in the bar until picked");
    assert_eq!(candidates(&app).first().map(String::as_str), Some("黑色"));
    tap_first_candidate(&app);
    assert_eq!(draft(&app), "黑色");
    assert_eq!(composition(&app), "");
    assert!(candidates(&app).is_empty());

    // A word for the first syllables leaves the rest: "xiezi duoshao qian",
    // 鞋子 picked, then the rest in one tap.
    tap_keys(
        &app,
        &["x", "i", "e", "z", "i", "d", "u", "o", "s", "h", "a", "o"],
    );
    tap_keys(&app, &["space", "q", "i", "a", "n"]);
    assert_eq!(composition(&app), "xieziduoshao qian");
    tap(&app, "鞋子");
    pump_until(Duration::from_millis(20), || false);
    assert_eq!(draft(&app), "黑色鞋子");
    assert_eq!(composition(&app), "duoshao qian");
    assert_eq!(candidates(&app).first().map(String::as_str), Some("多少錢"));
    tap_first_candidate(&app);
    assert_eq!(draft(&app), "黑色鞋子多少錢");

    // Delete takes a letter of the pinyin first, then a character.
    tap_keys(&app, &["y", "o"]);
    tap_keys(&app, &["Delete"]);
    assert_eq!(composition(&app), "y");
    tap_keys(&app, &["Delete", "Delete"]);
    assert_eq!(composition(&app), "");
    assert_eq!(draft(&app), "黑色鞋子多少");

    // Simplified where the shopper picks it.
    app.global::<ChatAdapter>().set_draft("".into());
    tap(&app, "繁體");
    pump_until(Duration::from_millis(20), || false);
    assert!(app.global::<KeyboardAdapter>().get_simplified());
    tap_keys(&app, &["y", "o", "u", "m", "e", "i", "y", "o", "u"]);
    assert_eq!(candidates(&app).first().map(String::as_str), Some("有没有"));
    tap(&app, "简体");
    pump_until(Duration::from_millis(20), || false);
    assert_eq!(
        candidates(&app).first().map(String::as_str),
        Some("有沒有"),
        "the script key reads the composition again"
    );
    tap_first_candidate(&app);
    assert_eq!(draft(&app), "有沒有");

    // Zhuyin: ㄏㄟ ㄙㄜˋ reads 黑色.
    tap(&app, "注音");
    pump_until(Duration::from_millis(20), || false);
    assert_eq!(
        app.global::<KeyboardAdapter>().get_mode(),
        InputMode::Zhuyin
    );
    tap_keys(&app, &["ㄏ", "ㄟ", "ㄙ", "ㄜ", "ˋ"]);
    assert_eq!(composition(&app), "ㄏㄟㄙㄜˋ");
    assert_eq!(candidates(&app).first().map(String::as_str), Some("黑色"));
    tap_first_candidate(&app);
    assert_eq!(draft(&app), "有沒有黑色");

    // Back to Latin letters (the input row's keyboard button, above, also
    // reads "ABC").
    tap_lowest(&app, "ABC");
    pump_until(Duration::from_millis(20), || false);
    tap_keys(&app, &["x", "l"]);
    assert_eq!(draft(&app), "有沒有黑色xl");

    // A new shopper: the keyboard is back to what a shopper first finds.
    app.global::<ChatAdapter>().set_draft("".into());
    tap(&app, "New customer");
    assert!(pump_until(Duration::from_secs(3), || app
        .global::<AppState>()
        .get_page()
        == Page::Attract));
    let keyboard = app.global::<KeyboardAdapter>();
    assert!(!keyboard.get_visible() && !keyboard.get_simplified());
    assert_eq!(keyboard.get_mode(), InputMode::Latin);

    // A Chinese shopper's keyboard opens in pinyin, and the send key sends
    // what is composed, converted.
    open_keyboard(&app, "中文", "鍵盤");
    assert_eq!(
        app.global::<KeyboardAdapter>().get_mode(),
        InputMode::Pinyin,
        "a Chinese shopper's keyboard opens in pinyin"
    );
    tap_keys(&app, &["p", "a", "o", "x", "i", "e"]);
    // The keyboard's send key (the lowest "送出") sends what is composed,
    // converted.
    tap_lowest(&app, "送出");
    assert!(
        pump_until(Duration::from_secs(10), || {
            app.global::<ChatAdapter>()
                .get_messages()
                .iter()
                .any(|m| m.from_shopper && m.text == "跑鞋")
        }),
        "the question sent is 跑鞋"
    );
    assert_eq!(composition(&app), "");
}
