//! Each intent's answer: one file per kind of question, each an
//! `impl Assistant` block called from the router in `assistant/mod.rs`.

mod availability;
mod compare;
mod details;
mod handoff;
mod location;
mod orders;
mod overview;
mod pickup;
mod price;
mod recommend;
mod store_info;
mod waitlist;
