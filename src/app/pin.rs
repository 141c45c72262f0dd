//! The staff PIN: stored only as an Argon2id hash (a slow hash, so a copied
//! file does not give the PIN away), checked with a lockout that doubles
//! after every five wrong tries. The count of wrong tries and the lockout
//! are kept in a file beside the PIN's (`<pin file>.lockout`), so
//! restarting the kiosk does not reset them. Both files are private to the
//! kiosk's user (mode 0600) and written atomically (fsync, then rename).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub struct PinGuard {
    path: PathBuf,
    failures: u32,
    locked_until: Option<jiff::Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinCheck {
    Ok,
    Wrong { tries_left: u32 },
    LockedOut { seconds: u64 },
    NotSet,
}

const TRIES: u32 = 5;
const FIRST_LOCKOUT: Duration = Duration::from_secs(30);

impl PinGuard {
    /// The guard of the PIN in `path`, with the wrong tries and lockout
    /// recorded before (an unreadable record counts as a lockout of the
    /// first length: a damaged file must not reset the count).
    pub fn new(path: PathBuf) -> PinGuard {
        let (failures, locked_until) = match std::fs::read_to_string(lockout_path(&path)) {
            Err(_) => (0, None),
            Ok(text) => parse_lockout(&text)
                .unwrap_or((TRIES, Some(jiff::Timestamp::now() + FIRST_LOCKOUT))),
        };
        PinGuard {
            path,
            failures,
            locked_until,
        }
    }

    pub fn check(&mut self, pin: &str) -> PinCheck {
        if let Some(until) = self.locked_until {
            let now = jiff::Timestamp::now();
            if now < until {
                let left = until.duration_since(now).as_secs().max(0) as u64;
                return PinCheck::LockedOut { seconds: left + 1 };
            }
        }
        let Ok(stored) = std::fs::read_to_string(&self.path) else {
            return PinCheck::NotSet;
        };
        let ok = PasswordHash::new(stored.trim())
            .map(|hash| {
                Argon2::default()
                    .verify_password(pin.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false);
        if ok {
            self.failures = 0;
            self.locked_until = None;
            let _ = std::fs::remove_file(lockout_path(&self.path));
            return PinCheck::Ok;
        }
        self.failures = self.failures.saturating_add(1);
        let result = if self.failures.is_multiple_of(TRIES) {
            // 30 s after five wrong tries, 60 s after ten, and so on.
            let rounds = self.failures / TRIES;
            let wait = FIRST_LOCKOUT * 2u32.saturating_pow(rounds - 1).min(64);
            self.locked_until = Some(jiff::Timestamp::now() + wait);
            PinCheck::LockedOut {
                seconds: wait.as_secs(),
            }
        } else {
            PinCheck::Wrong {
                tries_left: TRIES - self.failures % TRIES,
            }
        };
        // Best effort: a kiosk whose disk refuses the record still locks
        // out in memory.
        let record = format!(
            "failures = {}\nlocked_until = {}\n",
            self.failures,
            self.locked_until
                .map_or(String::from("none"), |t| t.to_string())
        );
        let _ = kiosk_catalog::private_file::write(&lockout_path(&self.path), record.as_bytes());
        result
    }
}

fn lockout_path(pin_path: &Path) -> PathBuf {
    let mut name = pin_path.as_os_str().to_owned();
    name.push(".lockout");
    PathBuf::from(name)
}

/// `failures = N` and `locked_until = <RFC 3339 time or none>`.
fn parse_lockout(text: &str) -> Option<(u32, Option<jiff::Timestamp>)> {
    let mut failures = None;
    let mut locked_until = None;
    for line in text.lines() {
        let (key, value) = line.split_once('=')?;
        match (key.trim(), value.trim()) {
            ("failures", n) => failures = Some(n.parse().ok()?),
            ("locked_until", "none") => locked_until = Some(None),
            ("locked_until", t) => locked_until = Some(Some(t.parse().ok()?)),
            _ => return None,
        }
    }
    Some((failures?, locked_until?))
}

/// Writes a new PIN's hash (digits only, 4 to 12 of them).
pub fn set_pin(path: &Path, pin: &str) -> anyhow::Result<()> {
    if pin.len() < 4 || pin.len() > 12 || !pin.chars().all(|c| c.is_ascii_digit()) {
        anyhow::bail!("a staff PIN is 4 to 12 digits");
    }
    let salt_bytes: [u8; 16] = rand::random();
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("making a salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing the PIN: {e}"))?
        .to_string();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    kiosk_catalog::private_file::write(path, hash.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    // A new PIN starts with no wrong tries.
    let _ = std::fs::remove_file(lockout_path(path));
    Ok(())
}

#[cfg(test)]
mod tests;
