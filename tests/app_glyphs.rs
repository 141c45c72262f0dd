//! Issue 6: Chinese text is drawn with real glyphs from the bundled font,
//! not boxes. A missing glyph draws as the same box whatever the character,
//! so different characters must give different pixels.

use kiosk::app::screenshots;
use kiosk::app::ui::GlyphProbe;
use slint::ComponentHandle;

#[test]
fn chinese_is_drawn_with_glyphs_not_boxes() {
    let window = screenshots::headless(240, 80).expect("software renderer");
    let probe = GlyphProbe::new().expect("probe");
    probe.show().expect("shown");
    let render = |text: &str| {
        probe.set_text(text.into());
        screenshots::render(&window, 240, 80).rgb
    };
    let blank = render("");
    let a = render("黑色");
    let b = render("雨衣");
    let c = render("跑鞋");
    let tofu = render("\u{e000}\u{e001}");
    assert_ne!(a, blank, "黑色 draws nothing");
    assert_ne!(a, b);
    assert_ne!(b, c);
    assert_ne!(a, c);
    // Private-use characters have no glyph: they are boxes (or nothing),
    // and real characters must not look like them.
    assert_ne!(a, tofu);
}
