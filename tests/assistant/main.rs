//! The assistant tests, one test binary (each binary links the whole kiosk:
//! fewer binaries build faster). Each module is one area, as named.

mod bench_stores;
mod eval;
mod exports;
mod injection_model;
mod resolution;
mod rules;
mod understanding;
