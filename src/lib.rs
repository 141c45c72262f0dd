//! The `kiosk` binary's parts, as a library so the integration tests can
//! drive the app and the commands directly. `main.rs` only parses flags and
//! maps the result to an exit code.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod logging;
pub mod output;
pub mod services;
pub mod store_bench;
pub mod turn;
