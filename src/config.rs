//! The kiosk's configuration: one TOML file, read once at start and passed
//! down. Every path, limit and timeout lives here; flags override it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where snapshots live (see README, "The data dir").
    pub data_dir: PathBuf,
    pub import: ImportConfig,
    pub stock: StockConfig,
    pub assistant: AssistantSection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AssistantSection {
    /// Readings less sure than this count as not understood; two in a row
    /// call staff.
    pub low_confidence: f32,
    /// Product cards per answer.
    pub max_products: usize,
    /// Let the language model phrase answers (each is checked against the
    /// facts; a failed check shows the template answer).
    pub phrase_with_model: bool,
    /// Let the language model choose a meaning when the rules are unsure.
    pub understand_with_model: bool,
}

impl Default for AssistantSection {
    fn default() -> AssistantSection {
        AssistantSection {
            low_confidence: 0.4,
            max_products: 5,
            phrase_with_model: true,
            understand_with_model: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    /// Files larger than this are refused.
    pub max_input_mib: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StockConfig {
    /// Answers say "as of the last sync" once the stock is older than this.
    pub stale_after_hours: f64,
    /// Stock questions go to staff once the stock is older than this.
    pub hard_stale_after_hours: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            data_dir: PathBuf::from("data"),
            import: ImportConfig::default(),
            stock: StockConfig::default(),
            assistant: AssistantSection::default(),
        }
    }
}

impl Default for ImportConfig {
    fn default() -> ImportConfig {
        ImportConfig {
            max_input_mib: 2048,
        }
    }
}

impl Default for StockConfig {
    fn default() -> StockConfig {
        StockConfig {
            stale_after_hours: 30.0,
            hard_stale_after_hours: 96.0,
        }
    }
}

impl Config {
    /// Loads `path`, or `./kiosk.toml` when it exists, or the defaults.
    /// Relative paths in the file are taken relative to the file.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => {
                let default = PathBuf::from("kiosk.toml");
                if !default.exists() {
                    return Ok(Config::default());
                }
                default
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading config {}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).with_context(|| format!("reading config {}", path.display()))?;
        if config.data_dir.is_relative()
            && let Some(dir) = path.parent()
        {
            config.data_dir = dir.join(&config.data_dir);
        }
        Ok(config)
    }

    pub fn assistant(&self) -> kiosk_core::assistant::AssistantConfig {
        kiosk_core::assistant::AssistantConfig {
            stale_after_hours: self.stock.stale_after_hours,
            hard_stale_after_hours: self.stock.hard_stale_after_hours,
            low_confidence: self.assistant.low_confidence,
            max_products: self.assistant.max_products,
            phrase_with_model: self.assistant.phrase_with_model,
            understand_with_model: self.assistant.understand_with_model,
        }
    }

    pub fn data_dir(&self, flag: Option<&PathBuf>) -> PathBuf {
        flag.cloned().unwrap_or_else(|| self.data_dir.clone())
    }
}
