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
    pub llm: LlmSection,
    pub speech: SpeechSection,
    pub app: AppSection,
    pub sync: SyncSection,
    pub kiosk: KioskSection,
    pub staff: StaffSection,
    pub privacy: PrivacySection,
    pub log: LogSection,
    pub embed: EmbedSection,
}

/// `[log]`: the kiosk's log, `logs/kiosk.log` in the data dir (see
/// `crate::logging`). It never holds what a shopper said.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSection {
    /// "error", "warn", "info", "debug" or "trace", or per-target levels
    /// ("info,tantivy=warn").
    pub level: String,
    /// A log file rolls over before it passes this size.
    pub max_file_kib: u64,
    /// Log files kept, the current one included: the log never takes more
    /// than max_files × max_file_kib.
    pub max_files: u32,
}

impl Default for LogSection {
    fn default() -> LogSection {
        LogSection {
            level: "info".into(),
            max_file_kib: 1024,
            max_files: 5,
        }
    }
}

/// `[embed]`: the multilingual sentence model that lets search go by
/// meaning. Without its file the kiosk searches by words alone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmbedSection {
    /// `false`: imports store no product vectors and search is lexical.
    pub enabled: bool,
    /// The model file; default: multilingual-e5-small-q4 under the
    /// `[llm] models_dir` hub.
    pub model: Option<PathBuf>,
    /// Threads the model runs on (import and queries).
    pub threads: usize,
}

impl Default for EmbedSection {
    fn default() -> EmbedSection {
        EmbedSection {
            enabled: false,
            model: None,
            threads: 2,
        }
    }
}

/// `[privacy]`: how long the kiosk keeps what it stores in `local.sqlite`.
/// The kiosk deletes the rest when it starts and whenever a shopper leaves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrivacySection {
    /// A back-in-stock contact is deleted after this many days, or as soon
    /// as its item is back in stock and the request was sent on by a sync.
    pub contact_days: u32,
    /// The (redacted) question text of analytics events is blanked after
    /// this many days.
    pub analytics_text_days: u32,
    /// Analytics events and feedback are deleted after this many days.
    pub event_days: u32,
}

impl Default for PrivacySection {
    fn default() -> PrivacySection {
        let r = kiosk_catalog::local::Retention::default();
        PrivacySection {
            contact_days: r.contact_days,
            analytics_text_days: r.analytics_text_days,
            event_days: r.event_days,
        }
    }
}

impl PrivacySection {
    pub fn retention(&self) -> kiosk_catalog::local::Retention {
        kiosk_catalog::local::Retention {
            contact_days: self.contact_days,
            analytics_text_days: self.analytics_text_days,
            event_days: self.event_days,
        }
    }
}

/// `[llm]`: the local language model that phrases answers and reads what
/// the rules could not. Without it the assistant answers from templates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LlmSection {
    /// Load a model at all.
    pub enabled: bool,
    /// "gemma" (multilingual) or "smollm2" (smaller, English only).
    pub model: kiosk_llm::ModelKind,
    /// The folder holding manifest.toml and hub/ (relative to this file).
    pub models_dir: PathBuf,
    /// CPU threads for the model.
    pub threads: usize,
    /// Tokens the model's memory holds (prompt prefix, turn and answer).
    pub context_length: usize,
    /// Longest phrased answer, in tokens.
    pub max_new_tokens: usize,
    /// Wall time for one phrased answer; past it the template answer is used.
    pub time_budget_ms: u64,
    /// Wall time for one understanding choice.
    pub choose_budget_ms: u64,
}

impl Default for LlmSection {
    fn default() -> LlmSection {
        LlmSection {
            enabled: true,
            model: kiosk_llm::ModelKind::Gemma,
            models_dir: PathBuf::from("models"),
            threads: 2,
            context_length: 2048,
            max_new_tokens: 80,
            time_budget_ms: 4000,
            choose_budget_ms: 2000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpeechSection {
    /// Speech input in the app (false: the microphone button is off).
    pub enabled: bool,
    /// The folder holding manifest.toml and hub/ (relative to this file).
    pub models_dir: PathBuf,
    /// The Whisper model: "base" (multilingual) or "tiny.en".
    pub model: kiosk_speech::ModelKind,
    /// CPU threads for whisper.cpp.
    pub threads: usize,
    /// Whisper's encoder window: "clip" (sized to the clip), "full" (30 s),
    /// or seconds ("8s": sized to the clip, but at least that).
    pub window: kiosk_speech::Window,
    /// Whisper's beam width (1: greedy).
    pub beam: usize,
    /// Trailing silence that ends an utterance.
    pub end_silence_ms: u32,
    /// The longest utterance.
    pub max_seconds: f32,
    /// Stop listening when nobody has started speaking by then.
    pub no_speech_timeout_ms: u32,
    /// Demos and tests: play this WAV file, in real time, in place of the
    /// microphone.
    pub input_wav: Option<PathBuf>,
}

impl Default for SpeechSection {
    fn default() -> SpeechSection {
        SpeechSection {
            enabled: true,
            models_dir: PathBuf::from("models"),
            model: kiosk_speech::ModelKind::Base,
            threads: 2,
            window: kiosk_speech::Window::DEFAULT,
            beam: kiosk_speech::engine::DEFAULT_BEAM,
            end_silence_ms: 700,
            max_seconds: 15.0,
            no_speech_timeout_ms: 6000,
            input_wav: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppSection {
    /// Full screen, no frame (on the kiosk); a window otherwise.
    pub fullscreen: bool,
    /// Idle time before "Are you still there?".
    pub idle_seconds: u64,
    /// The countdown before the conversation is wiped.
    pub countdown_seconds: u64,
    /// The staff PIN's hash (Argon2id); relative to the data dir.
    pub staff_pin_file: PathBuf,
}

impl Default for AppSection {
    fn default() -> AppSection {
        AppSection {
            fullscreen: false,
            idle_seconds: 60,
            countdown_seconds: 10,
            staff_pin_file: PathBuf::from("staff-pin"),
        }
    }
}

impl AppSection {
    pub fn staff_pin_file(&self, data_dir: &std::path::Path) -> PathBuf {
        if self.staff_pin_file.is_absolute() {
            self.staff_pin_file.clone()
        } else {
            data_dir.join(&self.staff_pin_file)
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AssistantSection {
    /// Readings less sure than this count as not understood; two in a row
    /// call staff.
    pub low_confidence: f32,
    /// Product cards per answer about one product.
    pub max_products: usize,
    /// Products in a list answer (a browse shows every match).
    pub max_list_products: usize,
    /// Let the language model phrase answers (each is checked against the
    /// facts; a failed check shows the template answer).
    pub phrase_with_model: bool,
    /// The languages the model phrases in ("en", "nl", "id", "zh"); answers
    /// in the others keep the templates. Unset: the languages the
    /// configured model was measured to phrase acceptably in
    /// (`kiosk bench assistant --with-model`; see README).
    pub phrase_languages: Option<Vec<kiosk_core::Lang>>,
    /// Let the language model choose a meaning when the rules are unsure.
    pub understand_with_model: bool,
    /// With the e5 model loaded (`[embed]`), when a turn is read by its
    /// nearest labelled example turns too: "off", "unsure",
    /// "rules_default" (where the rules answered by their default) or
    /// "disagree" (`kiosk bench intents` measures them).
    pub understand_with_examples: kiosk_core::assistant::intents::SecondOpinion,
    /// The share of the nearest examples that must agree.
    pub examples_min_share: f32,
}

impl Default for AssistantSection {
    fn default() -> AssistantSection {
        AssistantSection {
            low_confidence: 0.4,
            max_products: 5,
            max_list_products: 48,
            phrase_with_model: true,
            phrase_languages: None,
            understand_with_model: true,
            understand_with_examples: Default::default(),
            examples_min_share: kiosk_core::assistant::intents::DEFAULT_MIN_SHARE,
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
            llm: LlmSection::default(),
            speech: SpeechSection::default(),
            app: AppSection::default(),
            sync: SyncSection::default(),
            kiosk: KioskSection::default(),
            staff: StaffSection::default(),
            privacy: PrivacySection::default(),
            log: LogSection::default(),
            embed: EmbedSection::default(),
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

/// The environment variable naming the models dir (overrides the config).
pub const MODELS_ENV: &str = "KIOSK_MODELS";

impl Config {
    /// Loads `path`, or `./kiosk.toml` when it exists, or the defaults.
    /// Relative paths in the file are taken relative to the file.
    /// `$KIOSK_MODELS`, when set, is the models dir of every model user (the
    /// LLM, Whisper, the e5 embedder): the one place it is read.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let mut config = Config::load_file(path)?;
        if let Some(dir) = std::env::var_os(MODELS_ENV).filter(|d| !d.is_empty()) {
            config.set_models_dir(PathBuf::from(dir));
        }
        Ok(config)
    }

    /// Points every model user at one models dir (manifest.toml and hub/).
    pub fn set_models_dir(&mut self, dir: PathBuf) {
        self.llm.models_dir = dir.clone();
        self.speech.models_dir = dir;
    }

    /// The model store of the LLM and the e5 embedder (`[llm] models_dir`).
    pub fn llm_models(&self) -> kiosk_models::ModelStore {
        kiosk_models::ModelStore::new(&self.llm.models_dir)
    }

    /// The model store of Whisper (`[speech] models_dir`).
    pub fn speech_models(&self) -> kiosk_models::ModelStore {
        kiosk_models::ModelStore::new(&self.speech.models_dir)
    }

    fn load_file(path: Option<&Path>) -> anyhow::Result<Config> {
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
        if config.llm.models_dir.is_relative()
            && let Some(dir) = path.parent()
        {
            config.llm.models_dir = dir.join(&config.llm.models_dir);
        }
        if config.speech.models_dir.is_relative()
            && let Some(dir) = path.parent()
        {
            config.speech.models_dir = dir.join(&config.speech.models_dir);
        }
        if let Some(model) = &config.embed.model
            && model.is_relative()
            && let Some(dir) = path.parent()
        {
            config.embed.model = Some(dir.join(model));
        }
        if let Some(dir) = path.parent() {
            config.sync.resolve_paths(dir);
            config.staff.resolve_paths(dir);
        }
        Ok(config)
    }

    pub fn assistant(&self) -> kiosk_core::assistant::AssistantConfig {
        kiosk_core::assistant::AssistantConfig {
            stale_after_hours: self.stock.stale_after_hours,
            hard_stale_after_hours: self.stock.hard_stale_after_hours,
            low_confidence: self.assistant.low_confidence,
            max_products: self.assistant.max_products,
            max_list_products: self.assistant.max_list_products,
            phrase_with_model: self.assistant.phrase_with_model,
            phrase_languages: self
                .assistant
                .phrase_languages
                .clone()
                .unwrap_or_else(|| default_phrase_languages(self.llm.model)),
            understand_with_model: self.assistant.understand_with_model,
            second_opinion: self.assistant.understand_with_examples,
            examples_min_share: self.assistant.examples_min_share,
        }
    }

    pub fn data_dir(&self, flag: Option<&PathBuf>) -> PathBuf {
        flag.cloned().unwrap_or_else(|| self.data_dir.clone())
    }
}

/// `[sync]`: where bundles come from, whom to trust, when to pull, what to
/// upload (README, "Nightly sync").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncSection {
    /// Public keys whose bundles are accepted: minisign's base64 line
    /// ("RWQ…") or a path to a .pub file (relative to this file).
    pub trusted_keys: Vec<String>,
    /// The store this kiosk serves; bundles for another are refused. Unset:
    /// the store of the bundles accepted so far (or of the live snapshot);
    /// a kiosk with neither refuses to sync.
    pub store_id: Option<String>,
    /// Data older than this (by the bundle's own creation time) is stale:
    /// a new bundle that old is refused, and finding nothing newer than a
    /// live bundle that old is a failed sync (0: no limit).
    pub max_bundle_age_hours: f64,
    /// The longest one download may take, whatever the per-read timeout.
    pub transfer_deadline_seconds: f64,
    /// Sticks mounted under this folder are checked for bundles.
    pub usb_root: Option<PathBuf>,
    /// The store server's bundle, e.g.
    /// "https://store-server:8443/kiosk.kbundle".
    pub server_url: Option<String>,
    /// The SHA-256 of the store server's certificate (`kiosk serve-bundles`
    /// prints it); `https://` needs it, and no other certificate is
    /// trusted.
    pub server_cert_sha256: Option<String>,
    /// Local time of the nightly pull from server_url ("03:00"; "" for none).
    pub nightly_at: Option<String>,
    /// The nightly pull starts at a random moment up to this much later.
    pub jitter_minutes: u32,
    /// A failed nightly pull is tried again after this long.
    pub retry_minutes: u32,
    /// How often `kiosk sync --watch` and the app look for sticks.
    pub poll_seconds: u64,
    pub connect_timeout_seconds: f64,
    /// The longest wait for any one read from the server.
    pub read_timeout_seconds: f64,
    /// Tries per pull or upload (1 = no retry).
    pub attempts: u32,
    /// The wait before the second try; it doubles for each later one.
    pub retry_backoff_seconds: f64,
    /// Upload anonymous analytics (per-turn events, session feedback) on
    /// each sync.
    pub upload_analytics: bool,
    /// Upload back-in-stock requests (with the shopper's contact) on each
    /// sync.
    pub upload_waitlist: bool,
    /// Where uploads go over HTTPS; default: /uploads/ on the bundle's
    /// server.
    pub upload_url: Option<String>,
}

impl Default for SyncSection {
    fn default() -> SyncSection {
        SyncSection {
            trusted_keys: Vec::new(),
            store_id: None,
            max_bundle_age_hours: 72.0,
            transfer_deadline_seconds: 1800.0,
            usb_root: None,
            server_url: None,
            server_cert_sha256: None,
            nightly_at: Some("03:00".into()),
            jitter_minutes: 30,
            retry_minutes: 30,
            poll_seconds: 5,
            connect_timeout_seconds: 10.0,
            read_timeout_seconds: 30.0,
            attempts: 3,
            retry_backoff_seconds: 2.0,
            upload_analytics: false,
            upload_waitlist: false,
            upload_url: None,
        }
    }
}

impl SyncSection {
    /// Makes the USB root and key file paths relative to the config file.
    fn resolve_paths(&mut self, dir: &Path) {
        if let Some(root) = self.usb_root.as_mut()
            && root.is_relative()
        {
            *root = dir.join(&*root);
        }
        for key in &mut self.trusted_keys {
            let path = Path::new(key.as_str());
            if key.ends_with(".pub") && path.is_relative() {
                *key = dir.join(path).display().to_string();
            }
        }
    }
}

/// `[kiosk]`: this kiosk, as staff see it with every call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KioskSection {
    /// Unique in the store; default: the name in lowercase with dashes.
    pub id: Option<String>,
    pub name: String,
    /// Where it stands, in words staff know ("Entrance, by the fitting
    /// rooms").
    pub location: String,
}

impl Default for KioskSection {
    fn default() -> KioskSection {
        KioskSection {
            id: None,
            name: "Kiosk".into(),
            location: String::new(),
        }
    }
}

/// `[staff]`: staff calls over the LAN (docs/staff-console.md), for the
/// kiosk (`console_url`, the key, retries) and for `kiosk staff-console`
/// (`listen`, `console_db`, sessions).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StaffSection {
    /// The staff console, "https://HOST:PORT"; unset: calls wait in the
    /// outbox.
    pub console_url: Option<String>,
    /// The SHA-256 of the console's certificate, as `kiosk staff-console`
    /// prints it: the kiosk talks to no server with another.
    pub console_cert_sha256: Option<String>,
    /// A file holding the shared store key on its first line (relative to
    /// this file).
    pub key_file: Option<PathBuf>,
    /// The store key itself; prefer key_file.
    pub key: Option<String>,
    /// The wait after a failed delivery; it doubles up to retry_max_seconds.
    pub retry_initial_seconds: f64,
    pub retry_max_seconds: f64,
    /// Bounds each request to the console.
    pub request_timeout_seconds: f64,
    /// How long one wait for news of a call may hang at the console.
    pub watch_wait_seconds: u64,
    /// Send today's figures to the console this often (0: never).
    pub analytics_every_seconds: u64,
    /// A call the console could not be reached for within this long is
    /// dropped (the shopper has gone).
    pub call_expiry_hours: f64,
    /// `kiosk staff-console`: the address to listen on.
    pub listen: String,
    /// `kiosk staff-console`: its database (relative to this file);
    /// default: staff-console.sqlite in the data dir.
    pub console_db: Option<PathBuf>,
    /// Signed requests whose clock differs more are refused.
    pub max_clock_skew_seconds: u64,
    /// How long a staff phone stays signed in.
    pub session_days: u64,
    /// Resolved calls are forgotten after this, on the console and on the
    /// kiosk (its outbox deletes calls that ended this long ago).
    pub keep_closed_days: u64,
    /// `kiosk staff-console`: calls still open after this are closed as
    /// cancelled, without the shopper's words.
    pub max_open_hours: u64,
    /// The kiosk forgets the shopper's words of a call that failed,
    /// expired or ended after this.
    pub forget_words_after_hours: f64,
}

impl Default for StaffSection {
    fn default() -> StaffSection {
        StaffSection {
            console_url: None,
            console_cert_sha256: None,
            key_file: None,
            key: None,
            retry_initial_seconds: 0.5,
            retry_max_seconds: 30.0,
            request_timeout_seconds: 5.0,
            watch_wait_seconds: 20,
            analytics_every_seconds: 300,
            call_expiry_hours: 12.0,
            listen: "0.0.0.0:8770".into(),
            console_db: None,
            max_clock_skew_seconds: 300,
            session_days: 30,
            keep_closed_days: 30,
            max_open_hours: 12,
            forget_words_after_hours: 24.0,
        }
    }
}

impl StaffSection {
    /// Makes the key file and console database relative to the config
    /// file.
    fn resolve_paths(&mut self, dir: &Path) {
        for path in [self.key_file.as_mut(), self.console_db.as_mut()]
            .into_iter()
            .flatten()
        {
            if path.is_relative() {
                *path = dir.join(&*path);
            }
        }
    }
}

/// Where each model's phrasing passed the grounding checks often enough to
/// be worth its time, measured with `kiosk bench assistant --with-model`
/// (README, "The language model"). The Gemma 3 270M file shipped on PyPI
/// writes like a base model (no chat template; answers in the wrong
/// language, trailing fragments), so it only helps understand.
fn default_phrase_languages(model: kiosk_llm::ModelKind) -> Vec<kiosk_core::Lang> {
    match model {
        kiosk_llm::ModelKind::Gemma => Vec::new(),
        kiosk_llm::ModelKind::Smollm2 => vec![kiosk_core::Lang::En],
    }
}

#[cfg(test)]
mod tests;
