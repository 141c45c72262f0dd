//! The four languages the kiosk speaks, and how their codes are parsed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language the kiosk understands and answers in.
///
/// Chinese answers are in Traditional script (`zh-Hant`); Simplified input is
/// accepted and folded to Traditional before lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Nl,
    Id,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Nl, Lang::Id, Lang::Zh];

    /// The short code used in files, flags and JSON (`en`, `nl`, `id`, `zh`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
            Lang::Id => "id",
            Lang::Zh => "zh",
        }
    }

    /// The language's own name, for pickers.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nl => "Nederlands",
            Lang::Id => "Bahasa Indonesia",
            Lang::Zh => "中文（繁體）",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error for a language code the kiosk does not speak.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected one of en, nl, id, zh (zh-Hant, zh-TW, zh-Hans, zh-CN)")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase().replace('_', "-");
        let primary = lower.split('-').next().unwrap_or("");
        match primary {
            "en" | "english" => Ok(Lang::En),
            "nl" | "dutch" | "nederlands" => Ok(Lang::Nl),
            "id" | "in" | "indonesian" | "bahasa" => Ok(Lang::Id),
            "zh" | "chinese" | "cmn" => Ok(Lang::Zh),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}
