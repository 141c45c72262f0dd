//! Which Whisper models the kiosk runs and where their files are in the
//! model store's hub ([`kiosk_models::Hub`]). Nothing here touches the
//! network or reads the environment: the caller passes the hub.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

pub use kiosk_models::Hub;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The Whisper models the kiosk ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModelKind {
    /// Whisper tiny, English only: fastest.
    #[serde(rename = "tiny.en")]
    TinyEn,
    /// Whisper base, multilingual: the kiosk's default.
    #[serde(rename = "base")]
    Base,
}

impl ModelKind {
    pub const ALL: [ModelKind; 2] = [ModelKind::TinyEn, ModelKind::Base];

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::TinyEn => "tiny.en",
            ModelKind::Base => "base",
        }
    }

    /// The hub repo of the converted (ggml) model.
    pub fn ggml_repo(self) -> &'static str {
        match self {
            ModelKind::TinyEn => "kiosk/whisper-tiny.en-ggml",
            ModelKind::Base => "kiosk/whisper-base-ggml",
        }
    }

    /// The ggml file in [`ggml_repo`](Self::ggml_repo).
    pub fn ggml_file(self) -> &'static str {
        match self {
            ModelKind::TinyEn => "ggml-tiny.en.bin",
            ModelKind::Base => "ggml-base.bin",
        }
    }

    /// The hub repo of the CTranslate2 model it is converted from.
    pub fn ct2_repo(self) -> &'static str {
        match self {
            ModelKind::TinyEn => "kiosk/whisper-tiny.en-ct2",
            ModelKind::Base => "kiosk/whisper-base-ct2",
        }
    }

    /// The converted ggml file in `hub`, or an error saying how to get it.
    pub fn ggml_path(self, hub: &Hub) -> Result<PathBuf> {
        hub.file(self.ggml_repo(), self.ggml_file())
            .ok_or_else(|| Error::MissingModel {
                message: format!(
                    "{} of {} is not in {} (run scripts/fetch-models, then `kiosk models convert-whisper`)",
                    self.ggml_file(),
                    self.ggml_repo(),
                    hub.root().display()
                ),
            })
    }

    pub fn is_multilingual(self) -> bool {
        self == ModelKind::Base
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ModelKind {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tiny.en" | "tiny-en" | "tiny" => Ok(ModelKind::TinyEn),
            "base" => Ok(ModelKind::Base),
            _ => Err(format!(
                "unknown Whisper model {s:?}: expected tiny.en or base"
            )),
        }
    }
}

#[cfg(test)]
mod tests;
