//! The sync tests, one test binary (each binary links the whole kiosk:
//! fewer binaries build faster). Each module is one area, as named.

#[path = "../common_support/mod.rs"]
mod common_support;
mod crash;
mod hot_switch;
mod http;
mod publish_crash;
mod reject;
#[path = "../sync_support/mod.rs"]
mod sync_support;
