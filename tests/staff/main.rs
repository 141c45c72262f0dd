//! The staff tests, one test binary (each binary links the whole kiosk:
//! fewer binaries build faster). Each module is one area, as named.

mod browser;
mod commands;
#[path = "../common_support/mod.rs"]
mod common_support;
mod load;
#[path = "../staff_support/mod.rs"]
mod staff_support;
