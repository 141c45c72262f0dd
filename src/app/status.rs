//! The status line: news for staff (a sync started, a link or a model that
//! failed to start) as a kind and its detail. The staff panel words it in
//! the screen's language (`status-line` in ui/views/staff.slint, translated
//! in ui/translations); the English words are for the log and for tests.

/// What a status line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// A sync began; the detail is where from.
    SyncStarted,
    /// A sync ended: the panel's sync line says it, so the status line
    /// does not; the detail is that line in English.
    SyncFinished,
    NothingToSync,
    /// "Sync now" on a kiosk without `[sync]`.
    SyncNotSetUp,
    /// The sync agent was not set up; the detail is why.
    SyncNotStarted,
    CatalogSwitched,
    NoCatalog,
    AssistantNotStarted,
    /// The staff-console link was not started; the detail is why.
    StaffConsoleNotStarted,
    CallNotSaved,
    LocalRecordsUnavailable,
    LocalRecordsFailed,
    ReadAloudMissing,
    SpeechWithoutStoreWords,
    /// The detail is the speech model.
    SpeechReady,
    SpeechUnavailable,
    SpeechFailed,
    MicrophoneUnavailable,
    MicrophoneDisconnected,
    RecordingFailed,
    /// Where the language model stands: the panel's model line says it,
    /// so the status line does not; the detail is that line in English.
    Model,
}

impl StatusKind {
    pub const ALL: [StatusKind; 21] = [
        StatusKind::SyncStarted,
        StatusKind::SyncFinished,
        StatusKind::NothingToSync,
        StatusKind::SyncNotSetUp,
        StatusKind::SyncNotStarted,
        StatusKind::CatalogSwitched,
        StatusKind::NoCatalog,
        StatusKind::AssistantNotStarted,
        StatusKind::StaffConsoleNotStarted,
        StatusKind::CallNotSaved,
        StatusKind::LocalRecordsUnavailable,
        StatusKind::LocalRecordsFailed,
        StatusKind::ReadAloudMissing,
        StatusKind::SpeechWithoutStoreWords,
        StatusKind::SpeechReady,
        StatusKind::SpeechUnavailable,
        StatusKind::SpeechFailed,
        StatusKind::MicrophoneUnavailable,
        StatusKind::MicrophoneDisconnected,
        StatusKind::RecordingFailed,
        StatusKind::Model,
    ];

    /// The name the staff panel words it by.
    pub fn key(self) -> &'static str {
        match self {
            StatusKind::SyncStarted => "sync-started",
            StatusKind::SyncFinished => "sync-finished",
            StatusKind::NothingToSync => "nothing-to-sync",
            StatusKind::SyncNotSetUp => "sync-not-set-up",
            StatusKind::SyncNotStarted => "sync-not-started",
            StatusKind::CatalogSwitched => "catalog-switched",
            StatusKind::NoCatalog => "no-catalog",
            StatusKind::AssistantNotStarted => "assistant-not-started",
            StatusKind::StaffConsoleNotStarted => "staff-console-not-started",
            StatusKind::CallNotSaved => "call-not-saved",
            StatusKind::LocalRecordsUnavailable => "local-records-unavailable",
            StatusKind::LocalRecordsFailed => "local-records-failed",
            StatusKind::ReadAloudMissing => "read-aloud-missing",
            StatusKind::SpeechWithoutStoreWords => "speech-without-store-words",
            StatusKind::SpeechReady => "speech-ready",
            StatusKind::SpeechUnavailable => "speech-unavailable",
            StatusKind::SpeechFailed => "speech-failed",
            StatusKind::MicrophoneUnavailable => "microphone-unavailable",
            StatusKind::MicrophoneDisconnected => "microphone-disconnected",
            StatusKind::RecordingFailed => "recording-failed",
            StatusKind::Model => "model",
        }
    }
}

/// One status line: its kind and the detail the wording takes (a source, a
/// model, an error).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusNote {
    pub kind: StatusKind,
    pub detail: String,
}

impl StatusNote {
    pub fn new(kind: StatusKind, detail: impl std::fmt::Display) -> StatusNote {
        StatusNote {
            kind,
            detail: detail.to_string(),
        }
    }

    /// A note with no detail.
    pub fn plain(kind: StatusKind) -> StatusNote {
        StatusNote::new(kind, "")
    }

    /// The line in English, as the log has it.
    pub fn english(&self) -> String {
        let d = &self.detail;
        match self.kind {
            StatusKind::SyncStarted => format!("Syncing from {d}…"),
            StatusKind::SyncFinished | StatusKind::Model => d.clone(),
            StatusKind::NothingToSync => {
                "Nothing to sync from: no sync server set up and no USB stick found.".into()
            }
            StatusKind::SyncNotSetUp => {
                "Sync is not set up on this kiosk ([sync] in kiosk.toml).".into()
            }
            StatusKind::SyncNotStarted => format!("Sync not started: {d}"),
            StatusKind::CatalogSwitched => "Switched to the newly synced catalog".into(),
            StatusKind::NoCatalog => format!("No catalog: {d}"),
            StatusKind::AssistantNotStarted => format!("The assistant did not start: {d}"),
            StatusKind::StaffConsoleNotStarted => format!("Staff console not started: {d}"),
            StatusKind::CallNotSaved => format!("Staff call not saved: {d}"),
            StatusKind::LocalRecordsUnavailable => {
                format!("Local records unavailable (no analytics, no back-in-stock requests): {d}")
            }
            StatusKind::LocalRecordsFailed => format!("Local records: {d}"),
            StatusKind::ReadAloudMissing => {
                "Read-aloud needs espeak-ng, which is not installed.".into()
            }
            StatusKind::SpeechWithoutStoreWords => {
                format!("Speech runs without the store's words: {d}")
            }
            StatusKind::SpeechReady => format!("Speech recognition ready ({d})"),
            StatusKind::SpeechUnavailable => format!("Speech input unavailable: {d}"),
            StatusKind::SpeechFailed => format!("Speech recognition failed: {d}"),
            StatusKind::MicrophoneUnavailable => format!("Microphone unavailable: {d}"),
            StatusKind::MicrophoneDisconnected => format!("Microphone disconnected: {d}"),
            StatusKind::RecordingFailed => format!("Recording failed: {d}"),
        }
    }
}
