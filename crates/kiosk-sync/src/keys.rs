//! Signing keys in minisign's formats, so the back office can use either
//! `kiosk keygen`/`kiosk bundle create` or the `minisign` tool itself.
//!
//! - The secret key file is minisign's (`untrusted comment: …` then one
//!   base64 line). `kiosk keygen` writes it unencrypted with mode 0600; a
//!   password-protected key made by `minisign -G` is read when
//!   `KIOSK_KEY_PASSWORD` holds its password.
//! - The public key is minisign's `RWQ…` base64 line; the `.pub` file is
//!   the two-line box `minisign -G` writes. Kiosks list trusted keys in
//!   kiosk.toml as either the base64 line or a path to a `.pub` file.
//! - A key is named by its 8-byte key id, printed as 16 hex digits as
//!   minisign does.

use std::fs;
use std::path::{Path, PathBuf};

use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox};

use crate::error::{Error, Result};

/// The environment variable holding the password of an encrypted secret key.
pub const PASSWORD_ENV: &str = "KIOSK_KEY_PASSWORD";

/// What `generate` wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GeneratedKey {
    pub secret_path: PathBuf,
    pub public_path: PathBuf,
    pub key_id: String,
    /// The base64 line to put in kiosk.toml's `trusted_keys`.
    pub public_key: String,
}

/// Writes a new key pair: the secret key to `out` (mode 0600) and the
/// public key to `out.pub`. Refuses to overwrite either unless `force`.
pub fn generate(out: &Path, force: bool) -> Result<GeneratedKey> {
    let public_path = public_path_for(out);
    if !force {
        for path in [out, public_path.as_path()] {
            if path.exists() {
                return Err(Error::Key(format!(
                    "{} exists: refusing to overwrite a key (pass --force to replace it)",
                    path.display()
                )));
            }
        }
    }
    let pair = KeyPair::generate_unencrypted_keypair()
        .map_err(|e| Error::Key(format!("generating a key pair: {e}")))?;
    let key_id = key_id(pair.pk.keynum());
    let secret = pair
        .sk
        .to_box(Some(&format!("kiosk bundle signing key {key_id}")))
        .map_err(|e| Error::Key(format!("encoding the secret key: {e}")))?
        .into_string();
    let public_box = pair
        .pk
        .to_box()
        .map_err(|e| Error::Key(format!("encoding the public key: {e}")))?
        .into_string();
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(Error::io("creating", dir))?;
    }
    write_private(out, secret.as_bytes())?;
    fs::write(&public_path, public_box.as_bytes())
        .map_err(Error::io("writing the public key", &public_path))?;
    Ok(GeneratedKey {
        secret_path: out.to_path_buf(),
        public_path,
        key_id,
        public_key: pair.pk.to_base64(),
    })
}

/// `PATH.pub` for a secret key at `PATH`.
pub fn public_path_for(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_os_string();
    name.push(".pub");
    PathBuf::from(name)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    kiosk_catalog::private_file::write(path, bytes)
        .map_err(Error::io("writing the secret key", path))
}

/// A secret key ready to sign, with its public half.
pub struct SigningKey {
    pub secret: SecretKey,
    pub public: PublicKey,
    pub key_id: String,
}

/// Reads a minisign secret key file. An encrypted key needs its password in
/// `KIOSK_KEY_PASSWORD` (never asked for interactively: bundles are made by
/// scripts).
pub fn load_secret_key(path: &Path) -> Result<SigningKey> {
    let text = fs::read_to_string(path).map_err(Error::io("reading the secret key", path))?;
    let boxed = SecretKeyBox::from_string(&text).map_err(|e| {
        Error::Key(format!(
            "{}: not a minisign secret key: {e}",
            path.display()
        ))
    })?;
    let secret = match SecretKey::from_unencrypted_box(boxed.clone()) {
        Ok(secret) => secret,
        Err(plain_err) => match std::env::var(PASSWORD_ENV) {
            Ok(password) => SecretKey::from_box(boxed, Some(password)).map_err(|e| {
                Error::Key(format!(
                    "{}: cannot decrypt with the password in {PASSWORD_ENV}: {e}",
                    path.display()
                ))
            })?,
            Err(_) => {
                return Err(Error::Key(format!(
                    "{}: expected an unencrypted minisign secret key ({plain_err}); for a password-protected key set {PASSWORD_ENV}",
                    path.display()
                )));
            }
        },
    };
    let public = PublicKey::from_secret_key(&secret)
        .map_err(|e| Error::Key(format!("{}: {e}", path.display())))?;
    Ok(SigningKey {
        key_id: key_id(public.keynum()),
        secret,
        public,
    })
}

/// A public key the kiosk accepts bundles from.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub key_id: String,
    /// Where the key came from (kiosk.toml, --trust, a file), for messages.
    pub origin: String,
    key: PublicKey,
}

impl TrustedKey {
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }
}

/// The set of keys whose signatures the kiosk accepts.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: Vec<TrustedKey>,
}

impl TrustedKeys {
    /// Reads each entry as a public key: minisign's base64 line (`RWQ…`), a
    /// whole `.pub` box, or a path to a `.pub` file.
    pub fn parse<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<TrustedKeys> {
        let mut keys = Vec::new();
        for (entry, origin) in entries {
            let key = parse_public_key(entry)
                .map_err(|e| Error::Key(format!("trusted key from {origin}: {e}")))?;
            keys.push(TrustedKey {
                key_id: key_id(key.keynum()),
                origin: origin.to_string(),
                key,
            });
        }
        Ok(TrustedKeys { keys })
    }

    pub fn push(&mut self, key: PublicKey, origin: &str) {
        self.keys.push(TrustedKey {
            key_id: key_id(key.keynum()),
            origin: origin.to_string(),
            key,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The trusted key with this key id.
    pub fn find(&self, keynum: &[u8]) -> Option<&TrustedKey> {
        self.keys.iter().find(|k| k.key.keynum() == keynum)
    }

    pub fn ids(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.key_id.clone()).collect()
    }
}

/// Why an entry is not a public key.
#[derive(Debug, thiserror::Error)]
pub enum PublicKeyError {
    /// A two-line box that minisign does not read.
    #[error("not a minisign public key: {0}")]
    BadBox(String),
    #[error("reading {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A `.pub` file with no key line.
    #[error("{} holds no public key", .0.display())]
    Empty(PathBuf),
    /// A `.pub` file whose key line minisign does not read.
    #[error("{}: not a minisign public key: {message}", path.display())]
    BadFile { path: PathBuf, message: String },
    /// Neither a key nor the path of a file.
    #[error("{0:?} is neither a minisign public key (a base64 line starting RW) nor a .pub file")]
    Unrecognized(String),
}

/// A public key from its base64 line, its two-line box, or a `.pub` file.
pub fn parse_public_key(entry: &str) -> std::result::Result<PublicKey, PublicKeyError> {
    let entry = entry.trim();
    if entry.contains('\n') {
        return PublicKey::from_box(PublicKeyBox::from(entry.to_string()))
            .map_err(|e| PublicKeyError::BadBox(e.to_string()));
    }
    if let Ok(key) = PublicKey::from_base64(entry) {
        return Ok(key);
    }
    let path = Path::new(entry);
    if path.is_file() {
        let text = fs::read_to_string(path).map_err(|source| PublicKeyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .ok_or_else(|| PublicKeyError::Empty(path.to_path_buf()))?;
        return PublicKey::from_base64(line).map_err(|e| PublicKeyError::BadFile {
            path: path.to_path_buf(),
            message: e.to_string(),
        });
    }
    Err(PublicKeyError::Unrecognized(entry.to_string()))
}

/// minisign's key id: the 8-byte key number as a little-endian u64 in hex.
pub fn key_id(keynum: &[u8]) -> String {
    let mut bytes = [0u8; 8];
    for (slot, b) in bytes.iter_mut().zip(keynum) {
        *slot = *b;
    }
    format!("{:016X}", u64::from_le_bytes(bytes))
}

#[cfg(test)]
mod tests;
