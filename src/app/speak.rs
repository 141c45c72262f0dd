//! Read-aloud: answers spoken by espeak-ng when it is installed and the
//! shopper turned the toggle on. A new answer (or a new customer) stops the
//! one being spoken.

use std::process::{Child, Command, Stdio};

use kiosk_core::Lang;

#[derive(Default)]
pub struct Speaker {
    current: Option<Child>,
}

impl Speaker {
    pub fn available() -> bool {
        Command::new("espeak-ng")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
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
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        self.stop();
    }
}
