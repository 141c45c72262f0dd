//! The staff PIN: stored only as an Argon2id hash (a slow hash, so a copied
//! file does not give the PIN away), checked with a lockout that doubles
//! after every five wrong tries.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub struct PinGuard {
    path: PathBuf,
    failures: u32,
    locked_until: Option<Instant>,
}

pub enum PinCheck {
    Ok,
    Wrong { tries_left: u32 },
    LockedOut { seconds: u64 },
    NotSet,
}

const TRIES: u32 = 5;
const FIRST_LOCKOUT: Duration = Duration::from_secs(30);

impl PinGuard {
    pub fn new(path: PathBuf) -> PinGuard {
        PinGuard {
            path,
            failures: 0,
            locked_until: None,
        }
    }

    pub fn check(&mut self, pin: &str) -> PinCheck {
        if let Some(until) = self.locked_until {
            let now = Instant::now();
            if now < until {
                return PinCheck::LockedOut {
                    seconds: (until - now).as_secs() + 1,
                };
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
            return PinCheck::Ok;
        }
        self.failures += 1;
        if self.failures.is_multiple_of(TRIES) {
            // 30 s after five wrong tries, 60 s after ten, and so on.
            let rounds = self.failures / TRIES;
            let wait = FIRST_LOCKOUT * 2u32.saturating_pow(rounds - 1).min(64);
            self.locked_until = Some(Instant::now() + wait);
            return PinCheck::LockedOut {
                seconds: wait.as_secs(),
            };
        }
        PinCheck::Wrong {
            tries_left: TRIES - self.failures % TRIES,
        }
    }
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
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, hash).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
