//! Compiles the Slint UI (ui/app.slint) with its bundled translations and
//! the CJK font, which comes from Debian's fonts-droid-fallback (installed
//! by the set-up scripts) or from $KIOSK_CJK_FONT_DIR.

use std::path::PathBuf;

fn main() {
    let font_dir = std::env::var("KIOSK_CJK_FONT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/usr/share/fonts/truetype/droid"));
    let font = font_dir.join("DroidSansFallbackFull.ttf");
    if !font.exists() {
        panic!(
            "the CJK font {} is missing: install Debian's fonts-droid-fallback (./scripts/run-demo does), \
             or point KIOSK_CJK_FONT_DIR at a folder holding DroidSansFallbackFull.ttf",
            font.display()
        );
    }
    println!("cargo:rerun-if-env-changed=KIOSK_CJK_FONT_DIR");
    println!("cargo:rerun-if-changed=ui");
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("ui/translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_include_paths(vec![font_dir])
        // Element ids and accessible labels stay queryable by the UI tests.
        .with_debug_info(true);
    if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
        panic!("the UI does not compile: {e}");
    }
}
