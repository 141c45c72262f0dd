//! Compiles the Slint UI (ui/app.slint) with its bundled translations and
//! the fonts and icons it embeds, all from `assets/` (each with its
//! licence there), so the window draws the same on every machine whatever
//! fonts the system has.

use std::path::PathBuf;

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let fonts = root.join("assets").join("fonts");
    let icons = root.join("assets").join("icons");
    println!("cargo:rerun-if-changed=ui");
    println!("cargo:rerun-if-changed=assets");
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("ui/translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_include_paths(vec![fonts, icons])
        // Element ids and accessible labels stay queryable by the UI tests.
        .with_debug_info(true);
    if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
        panic!("the UI does not compile: {e}");
    }
}
