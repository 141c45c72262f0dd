//! The kiosk's services, built from the config: the language model, the
//! speech engine, the embedding model, the staff link and the sync agent.
//! The app and the commands both build them here, so neither depends on
//! the other for them (the commands start the app; the app never reaches
//! into the commands).

pub mod embed;
pub mod llm;
pub mod speech;
pub mod staff;
pub mod sync;
