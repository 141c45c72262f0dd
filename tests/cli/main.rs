//! The cli tests, one test binary (each binary links the whole kiosk:
//! fewer binaries build faster). Each module is one area, as named.

mod commands;
#[path = "../common_support/mod.rs"]
mod common_support;
mod embed;
#[path = "../embed_support/mod.rs"]
mod embed_support;
mod hybrid_search;
mod images;
mod intent_cache;
#[path = "../mic_support/mod.rs"]
mod mic_support;
mod models;
mod speech;
mod system_packages;
mod voice_e2e;
