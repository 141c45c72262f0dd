//! Read-aloud: answers spoken by espeak-ng when it is installed and the
//! shopper turned the toggle on. A new answer (or a new customer) stops the
//! one being spoken. Nothing here waits on the UI thread: whether
//! espeak-ng is installed is found out on a thread at start, and a stopped
//! voice is reaped on a thread.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};

use kiosk_core::Lang;

pub struct Speaker {
    current: Option<Child>,
    installed: Arc<OnceLock<bool>>,
}

impl Default for Speaker {
    fn default() -> Speaker {
        let installed = Arc::new(OnceLock::new());
        let probe = installed.clone();
        let spawned = std::thread::Builder::new()
            .name("espeak-probe".into())
            .spawn(move || {
                let found = Command::new("espeak-ng")
                    .arg("--version")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                let _ = probe.set(found);
            });
        if spawned.is_err() {
            let _ = installed.set(false);
        }
        Speaker {
            current: None,
            installed,
        }
    }
}

impl Speaker {
    /// espeak-ng answered at start (false while the probe still runs).
    pub fn available(&self) -> bool {
        self.installed.get().copied().unwrap_or(false)
    }

    pub fn say(&mut self, text: &str, lang: Lang) {
        self.stop();
        let voice = match lang {
            Lang::En => "en",
            Lang::Nl => "nl",
            Lang::Id => "id",
            Lang::Zh => "cmn",
        };
        self.current = Command::new("espeak-ng")
            .args(["-v", voice, "--", text])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.current.take() {
            // Already finished, or killed now; either way it is reaped off
            // this thread.
            let _ = child.kill();
            let _ = std::thread::Builder::new()
                .name("espeak-reap".into())
                .spawn(move || child.wait());
        }
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        self.stop();
    }
}
