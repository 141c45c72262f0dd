//! Reading a bundle as a stream: signature first, then the kiosk's policy
//! (store, version, expiry), then each payload file copied to local disk
//! while its size and sha256 are checked.
//!
//! A read that breaks off is told apart from a bad bundle by watching the
//! source: an IO error from the source (a stick pulled, a dropped
//! connection) is an [`Error::Source`]; running out of bytes early is a
//! truncated bundle; anything else the tar reader objects to is not a
//! bundle at all.
//!
//! Every bundle is read here (`open`, `peek`, `verify_file`), and always
//! through [`HeaderGuard`], which bounds the tar records the tar crate
//! would otherwise read whole into memory before the signature is checked.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::Path;
use std::rc::Rc;

use kiosk_catalog::Progress;
use minisign::SignatureBox;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::guard::{HeaderGuard, Refusal};
use super::{CHUNK, MANIFEST, MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES, SIGNATURE, hex, sha256_hex};
use crate::error::{Error, Rejection, Result};
use crate::keys::TrustedKeys;
use crate::manifest::{IMAGES_DIR, Manifest, PAYLOAD_DIR, is_image_path};

/// What the kiosk requires of a bundle besides a trusted signature.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    pub trusted: &'a TrustedKeys,
    /// Bundles for any other store are refused; `None` accepts any store
    /// (the first sync of a kiosk with no store configured).
    pub expected_store: Option<&'a str>,
    /// The highest version accepted so far: older is refused, equal is
    /// already installed.
    pub installed_version: Option<u64>,
    pub now: jiff::Timestamp,
    /// A new bundle made longer than this before `now` is refused: data
    /// is judged fresh by when the back office made it, not by when a
    /// server last answered. `None`: no limit.
    pub max_age: Option<jiff::SignedDuration>,
}

/// Whether a bundle made at `created` is older than `max_age` at `now`.
pub fn too_old(
    created: jiff::Timestamp,
    max_age: Option<jiff::SignedDuration>,
    now: jiff::Timestamp,
) -> bool {
    max_age.is_some_and(|age| now.duration_since(created) > age)
}

/// A manifest whose signature checked out.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub manifest: Manifest,
    pub manifest_sha256: String,
    pub key_id: String,
    /// minisign's trusted comment.
    pub comment: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Newer than what the kiosk has: apply it.
    Apply,
    /// The version the kiosk already accepted.
    UpToDate,
}

#[derive(Debug)]
pub enum Opened {
    /// The kiosk already has this version; the payload was not read.
    UpToDate(Verified),
    /// Every payload file was copied and matched the manifest.
    Extracted(Verified),
}

/// Checks a verified manifest against the kiosk: store, version, expiry.
pub fn check_policy(
    manifest: &Manifest,
    policy: &Policy<'_>,
) -> std::result::Result<Decision, Rejection> {
    if let Some(expected) = policy.expected_store
        && expected != manifest.store_id
    {
        return Err(Rejection::WrongStore {
            expected: expected.to_string(),
            found: manifest.store_id.clone(),
        });
    }
    match policy.installed_version {
        Some(installed) if manifest.version < installed => {
            return Err(Rejection::Older {
                version: manifest.version,
                installed,
            });
        }
        Some(installed) if manifest.version == installed => return Ok(Decision::UpToDate),
        _ => {}
    }
    if manifest.expires <= policy.now {
        return Err(Rejection::Expired {
            expires: manifest.expires,
            now: policy.now,
        });
    }
    if let Some(max_age) = policy.max_age
        && too_old(manifest.created, Some(max_age), policy.now)
    {
        return Err(Rejection::TooOld {
            created: manifest.created,
            max_age_hours: max_age.as_hours(),
            now: policy.now,
        });
    }
    Ok(Decision::Apply)
}

/// Reads a bundle from `reader`: verifies it, checks it against `policy`,
/// and copies its payload under `dest` (`dest/catalog/…`). `location` names
/// the source in messages; `retryable` says whether a source error is worth
/// retrying (a network read) or not (a file).
pub fn open<R: Read>(
    reader: R,
    location: &str,
    retryable: bool,
    policy: &Policy<'_>,
    dest: &Path,
    phase: &str,
    progress: &mut dyn Progress,
) -> Result<Opened> {
    let (verified, decision) = read_bundle(
        reader,
        location,
        retryable,
        policy.trusted,
        Some(policy),
        Some((Some(dest), phase)),
        progress,
    )?;
    Ok(match decision {
        Some(Decision::UpToDate) => Opened::UpToDate(verified),
        _ => Opened::Extracted(verified),
    })
}

/// Reads only the signed header of a bundle file: for choosing among the
/// bundles on a stick without copying them.
pub fn peek(path: &Path, trusted: &TrustedKeys) -> Result<Verified> {
    let file = File::open(path).map_err(Error::io("opening the bundle", path))?;
    let location = path.display().to_string();
    let mut quiet = kiosk_catalog::import::NoProgress;
    read_bundle(file, &location, false, trusted, None, None, &mut quiet).map(|(v, _)| v)
}

/// Checks a whole bundle file (signature and every payload hash) without
/// keeping anything: `kiosk bundle verify`.
pub fn verify_file(
    path: &Path,
    trusted: &TrustedKeys,
    progress: &mut dyn Progress,
) -> Result<Verified> {
    let file = File::open(path).map_err(Error::io("opening the bundle", path))?;
    let location = path.display().to_string();
    read_bundle(
        file,
        &location,
        false,
        trusted,
        None,
        Some((None, "checking")),
        progress,
    )
    .map(|(v, _)| v)
}

/// What the source did, seen from under the tar reader.
#[derive(Default)]
struct TapState {
    bytes: u64,
    eof: bool,
    failure: Option<String>,
}

struct Tap<R> {
    inner: R,
    state: Rc<RefCell<TapState>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(0) if !buf.is_empty() => {
                self.state.borrow_mut().eof = true;
                Ok(0)
            }
            Ok(n) => {
                self.state.borrow_mut().bytes += n as u64;
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                self.state.borrow_mut().failure = Some(e.to_string());
                Err(e)
            }
        }
    }
}

/// Turns errors from the tar reader into what really happened at the
/// source.
struct Classifier {
    state: Rc<RefCell<TapState>>,
    refusal: Refusal,
    location: String,
    retryable: bool,
}

impl Classifier {
    fn error(&self, err: &io::Error, context: &str) -> Error {
        if let Some(reason) = self.refusal.borrow().as_ref() {
            return Rejection::NotABundle(format!("{context}: {reason}")).into();
        }
        let state = self.state.borrow();
        if let Some(failure) = &state.failure {
            Error::Source {
                location: self.location.clone(),
                message: format!("{failure} (after {} bytes, {context})", state.bytes),
                retryable: self.retryable,
            }
        } else if state.eof {
            Rejection::Truncated(format!("it ends after {} bytes, {context}", state.bytes)).into()
        } else {
            Rejection::NotABundle(format!("{context}: {err}")).into()
        }
    }
}

type Entries<'a, R> = tar::Entries<'a, HeaderGuard<Tap<R>>>;

/// One pass over the bundle: the signed header, then (when the policy
/// says apply, or there is no policy) the payload, copied to `dest` or
/// only checked.
fn read_bundle<R: Read>(
    reader: R,
    location: &str,
    retryable: bool,
    trusted: &TrustedKeys,
    policy: Option<&Policy<'_>>,
    payload: Option<(Option<&Path>, &str)>,
    progress: &mut dyn Progress,
) -> Result<(Verified, Option<Decision>)> {
    if trusted.is_empty() {
        return Err(Rejection::NoTrustedKeys.into());
    }
    let state = Rc::new(RefCell::new(TapState::default()));
    let refusal = Refusal::default();
    let classifier = Classifier {
        state: state.clone(),
        refusal: refusal.clone(),
        location: location.to_string(),
        retryable,
    };
    let mut archive = tar::Archive::new(HeaderGuard::new(
        Tap {
            inner: reader,
            state,
        },
        refusal,
    ));
    let mut entries = archive
        .entries()
        .map_err(|e| classifier.error(&e, "reading the first entry"))?;
    let verified = header(&mut entries, trusted, &classifier)?;
    let decision = match policy {
        Some(policy) => Some(check_policy(&verified.manifest, policy)?),
        None => None,
    };
    if decision == Some(Decision::UpToDate) {
        return Ok((verified, decision));
    }
    if let Some((dest, phase)) = payload {
        copy_payload(
            &mut entries,
            &verified.manifest,
            dest,
            phase,
            &classifier,
            progress,
        )?;
    }
    Ok((verified, decision))
}

/// Reads manifest.toml and its signature, and checks the signature with a
/// trusted key. Nothing in the manifest is looked at before that.
fn header<R: Read>(
    entries: &mut Entries<'_, R>,
    trusted: &TrustedKeys,
    classifier: &Classifier,
) -> Result<Verified> {
    let mut first = match entries.next() {
        Some(Ok(entry)) => entry,
        Some(Err(e)) => return Err(classifier.error(&e, "reading the first entry")),
        None => {
            let empty = classifier.state.borrow().bytes == 0;
            return Err(Rejection::NotABundle(
                if empty {
                    "the file is empty"
                } else {
                    "it holds no files"
                }
                .into(),
            )
            .into());
        }
    };
    let name = entry_name(&first)?;
    if name != MANIFEST {
        return Err(Rejection::NotABundle(format!(
            "the first entry is {name:?}, expected {MANIFEST}"
        ))
        .into());
    }
    let manifest_bytes = read_small(&mut first, MAX_MANIFEST_BYTES, MANIFEST, classifier)?;
    drop(first);
    let mut second = match entries.next() {
        Some(Ok(entry)) => entry,
        Some(Err(e)) => return Err(classifier.error(&e, "reading the signature")),
        None => return Err(Rejection::Unsigned.into()),
    };
    if entry_name(&second)? != SIGNATURE {
        return Err(Rejection::Unsigned.into());
    }
    let signature = read_small(&mut second, MAX_SIGNATURE_BYTES, SIGNATURE, classifier)?;
    drop(second);
    verify_signature(&manifest_bytes, &signature, trusted)
}

/// Copies (or, with no `dest`, only checks) every payload file.
fn copy_payload<R: Read>(
    entries: &mut Entries<'_, R>,
    manifest: &Manifest,
    dest: Option<&Path>,
    phase: &str,
    classifier: &Classifier,
    progress: &mut dyn Progress,
) -> Result<()> {
    let mut remaining: BTreeMap<&str, &crate::manifest::FileEntry> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    if let Some(dest) = dest {
        let dir = dest.join(PAYLOAD_DIR);
        fs::create_dir_all(&dir).map_err(Error::io("creating", &dir))?;
        if manifest.files.iter().any(|f| is_image_path(&f.path)) {
            let images = dir.join(IMAGES_DIR);
            fs::create_dir_all(&images).map_err(Error::io("creating", &images))?;
        }
    }
    progress.phase(phase, manifest.total_bytes());
    let mut done = 0u64;
    while let Some(&next) = remaining.keys().next() {
        let mut entry = match entries.next() {
            Some(Ok(entry)) => entry,
            Some(Err(e)) => return Err(classifier.error(&e, &format!("before {next}"))),
            None => {
                return Err(Rejection::Truncated(format!(
                    "it ends before {next}, which the signed manifest lists"
                ))
                .into());
            }
        };
        let name = entry_name(&entry)?;
        let kind = entry.header().entry_type();
        if kind.is_dir()
            && (name.trim_end_matches('/') == PAYLOAD_DIR
                || name.trim_end_matches('/') == format!("{PAYLOAD_DIR}/{IMAGES_DIR}"))
        {
            continue;
        }
        let Some(expected) = remaining.remove(name.as_str()) else {
            return Err(if manifest.file(&name).is_some() {
                Rejection::NotABundle(format!("{name} appears twice")).into()
            } else {
                Rejection::UnexpectedFile(name).into()
            });
        };
        if !kind.is_file() {
            return Err(Rejection::NotABundle(format!(
                "{name} is a {kind:?} entry, expected a regular file"
            ))
            .into());
        }
        let size = entry.size();
        if size != expected.size {
            return Err(Rejection::SizeMismatch {
                file: name,
                expected: expected.size,
                found: size,
            }
            .into());
        }
        let mut out = match dest {
            Some(dest) => {
                let path = dest.join(&name);
                let file = File::create_new(&path).map_err(Error::io("creating", &path))?;
                Some((file, path))
            }
            None => None,
        };
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; CHUNK];
        let mut copied = 0u64;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(classifier.error(&e, &format!("in {name}"))),
            };
            hasher.update(&buf[..n]);
            if let Some((file, path)) = out.as_mut() {
                file.write_all(&buf[..n])
                    .map_err(Error::io("writing", path.as_path()))?;
            }
            copied += n as u64;
            progress.set(done + copied);
        }
        if copied < size {
            return Err(Rejection::Truncated(format!(
                "{name} ends after {copied} of {size} bytes"
            ))
            .into());
        }
        let found = hex(&hasher.finalize());
        if found != expected.sha256 {
            return Err(Rejection::Tampered {
                file: name,
                expected: expected.sha256.clone(),
                found,
            }
            .into());
        }
        if let Some((file, path)) = out {
            file.sync_all().map_err(Error::io("syncing", &path))?;
        }
        done += size;
    }
    if let Some(dest) = dest {
        let images = dest.join(PAYLOAD_DIR).join(IMAGES_DIR);
        let dirs = [images, dest.join(PAYLOAD_DIR), dest.to_path_buf()];
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(Error::io("syncing", dir))?;
        }
    }
    Ok(())
}

/// An entry's name, with a leading `./` (GNU tar's habit) removed.
fn entry_name<R: Read>(entry: &tar::Entry<'_, R>) -> Result<String> {
    let bytes = entry.path_bytes();
    let name = std::str::from_utf8(&bytes)
        .map_err(|_| Rejection::NotABundle("an entry name is not UTF-8".into()))?;
    Ok(name.strip_prefix("./").unwrap_or(name).to_string())
}

fn read_small<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    max: u64,
    name: &str,
    classifier: &Classifier,
) -> Result<Vec<u8>> {
    let size = entry.size();
    if size > max {
        return Err(Rejection::NotABundle(format!(
            "{name} is {size} bytes, expected at most {max}"
        ))
        .into());
    }
    let mut bytes = Vec::with_capacity(size as usize);
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| classifier.error(&e, &format!("in {name}")))?;
    if (bytes.len() as u64) < size {
        return Err(Rejection::Truncated(format!(
            "{name} ends after {} of {size} bytes",
            bytes.len()
        ))
        .into());
    }
    Ok(bytes)
}

fn verify_signature(manifest: &[u8], signature: &[u8], trusted: &TrustedKeys) -> Result<Verified> {
    let text = std::str::from_utf8(signature)
        .map_err(|_| Rejection::NotABundle(format!("{SIGNATURE} is not text")))?;
    let sig = SignatureBox::from_string(text).map_err(|e| {
        Rejection::NotABundle(format!("{SIGNATURE} is not a minisign signature: {e}"))
    })?;
    let key_id = crate::keys::key_id(sig.keynum());
    let Some(key) = trusted.find(sig.keynum()) else {
        return Err(Rejection::UntrustedKey {
            key_id,
            trusted: trusted.ids(),
        }
        .into());
    };
    minisign::verify(
        key.public_key(),
        &sig,
        io::Cursor::new(manifest),
        true,
        false,
        false,
    )
    .map_err(|e| Rejection::BadSignature {
        key_id: key_id.clone(),
        reason: e.to_string(),
    })?;
    let text = std::str::from_utf8(manifest)
        .map_err(|_| Rejection::BadManifest(format!("{MANIFEST} is not UTF-8")))?;
    let manifest_parsed = Manifest::parse(text)?;
    Ok(Verified {
        manifest: manifest_parsed,
        manifest_sha256: sha256_hex(manifest),
        key_id,
        comment: sig.trusted_comment().unwrap_or_default(),
    })
}
