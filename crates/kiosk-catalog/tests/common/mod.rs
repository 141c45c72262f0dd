//! Set-up shared by the import tests.

/// A native export's `store.toml`: an English store pricing in euros.
pub const STORE: &str = r#"
id = "test-store"
name = "Test Store"
language = "en"
currency = "EUR"
stock_as_of = "2026-11-22T22:00:00Z"
"#;
