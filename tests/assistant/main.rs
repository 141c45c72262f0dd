//! The assistant tests, one test binary (each binary links the whole kiosk:
//! fewer binaries build faster). Each module is one area, as named.

mod bench_stores;
#[path = "../common_support/mod.rs"]
mod common_support;
mod demo_store;
#[path = "../embed_support/mod.rs"]
mod embed_support;
mod eval;
mod exports;
mod injection_model;
mod intent_examples;
mod needs;
mod product_questions;
mod resolution;
mod rules;
mod understanding;
