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
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Seek, Write};
use std::path::Path;
use std::rc::Rc;

use kiosk_catalog::Progress;
use minisign::SignatureBox;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::guard::{HeaderGuard, Refusal};
use super::listing::{Listing, Lookup};
use super::{
    CHUNK, MANIFEST, MAX_HAND_MADE_MANIFEST_BYTES, MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES,
    SIGNATURE, hex,
};
use crate::error::{Error, Rejection, Result};
use crate::keys::TrustedKeys;
use crate::manifest::{self, Head, IMAGES_DIR, Manifest, PAYLOAD_DIR, Summary, is_image_path};

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

/// A manifest whose signature checked out: its head and counts (the files
/// it lists are kept on disk while the payload is read, see `listing.rs`).
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub manifest: Summary,
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
    manifest: &Head,
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
    // The manifest and its listing are kept on disk while the bundle is
    // read: beside `dest` when the payload goes there (the kiosk's data
    // disk), else in the temp folder.
    let dest = payload.and_then(|(dest, _)| dest);
    let work = match dest
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
    {
        Some(parent) => {
            fs::create_dir_all(parent).map_err(Error::io("creating", parent))?;
            tempfile::Builder::new()
                .prefix(".manifest-")
                .tempdir_in(parent)
                .map_err(Error::io("creating a folder in", parent))?
        }
        None => tempfile::Builder::new()
            .prefix("kiosk-bundle-")
            .tempdir()
            .map_err(Error::io(
                "creating a temp folder in",
                &std::env::temp_dir(),
            ))?,
    };
    let (verified, listing) = header(&mut entries, trusted, &classifier, work.path())?;
    let decision = match policy {
        Some(policy) => Some(check_policy(&verified.manifest.head, policy)?),
        None => None,
    };
    if decision == Some(Decision::UpToDate) {
        return Ok((verified, decision));
    }
    if let Some((dest, phase)) = payload {
        copy_payload(
            &mut entries,
            &verified.manifest,
            &listing,
            dest,
            phase,
            &classifier,
            progress,
        )?;
    }
    Ok((verified, decision))
}

/// Reads manifest.toml and its signature, and checks the signature with a
/// trusted key. Nothing in the manifest is looked at before that. The
/// manifest is spooled to `work` as it is read, its signature checked and
/// its files listed from there in one pass each: it may be tens of MiB.
fn header<R: Read>(
    entries: &mut Entries<'_, R>,
    trusted: &TrustedKeys,
    classifier: &Classifier,
    work: &Path,
) -> Result<(Verified, Listing)> {
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
    let spooled = work.join(MANIFEST);
    let mut manifest_file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&spooled)
        .map_err(Error::io("creating", &spooled))?;
    let (manifest_bytes, manifest_sha256) = spool(
        &mut first,
        MAX_MANIFEST_BYTES,
        &mut manifest_file,
        &spooled,
        classifier,
    )?;
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
    let (key_id, comment) = verify_signature(&mut manifest_file, &spooled, &signature, trusted)?;
    let listing = Listing::create(work)?;
    let summary = list_files(&mut manifest_file, &spooled, manifest_bytes, &listing)?;
    listing.seal()?;
    Ok((
        Verified {
            manifest: summary,
            manifest_sha256,
            key_id,
            comment,
        },
        listing,
    ))
}

/// Copies a tar entry of at most `max` bytes to `out`; its size and
/// sha256.
fn spool<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    max: u64,
    out: &mut File,
    path: &Path,
    classifier: &Classifier,
) -> Result<(u64, String)> {
    let size = entry.size();
    if size > max {
        return Err(Rejection::NotABundle(format!(
            "{MANIFEST} is {size} bytes, expected at most {max}"
        ))
        .into());
    }
    copy_entry(entry, MANIFEST, size, Some((out, path)), classifier, |_| {})
}

/// Copies a tar entry named `name`, which its header says is `size` bytes
/// long, to `out` when there is one, telling `copied_so_far` the bytes copied so
/// far; the bytes copied and their sha256. An entry that ends early is
/// truncated.
fn copy_entry<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    name: &str,
    size: u64,
    mut out: Option<(&mut File, &Path)>,
    classifier: &Classifier,
    mut copied_so_far: impl FnMut(u64),
) -> Result<(u64, String)> {
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
                .map_err(Error::io("writing", *path))?;
        }
        copied += n as u64;
        copied_so_far(copied);
    }
    if copied < size {
        return Err(
            Rejection::Truncated(format!("{name} ends after {copied} of {size} bytes")).into(),
        );
    }
    Ok((copied, hex(&hasher.finalize())))
}

/// Reads a verified manifest's files into `listing`, one at a time; the
/// head and counts. A manifest in the form `bundle create` writes is read
/// line by line; any other (made by hand) is parsed whole as TOML, so it
/// may be at most [`MAX_HAND_MADE_MANIFEST_BYTES`].
fn list_files(file: &mut File, path: &Path, size: u64, listing: &Listing) -> Result<Summary> {
    file.rewind().map_err(Error::io("reading", path))?;
    let bad_text = |e: io::Error| -> Error {
        if e.kind() == io::ErrorKind::InvalidData {
            Rejection::BadManifest(format!("{MANIFEST} is not UTF-8")).into()
        } else {
            Error::io("reading", path)(e)
        }
    };
    let read = manifest::read_written(BufReader::with_capacity(CHUNK, &mut *file), |entry| {
        listing.add(&entry)
    })
    .map_err(bad_text)?;
    match read {
        manifest::Read::Written(summary) => return Ok(summary),
        manifest::Read::Refused(e) => return Err(e),
        manifest::Read::Other => {}
    }
    if size > MAX_HAND_MADE_MANIFEST_BYTES {
        return Err(Rejection::BadManifest(format!(
            "{MANIFEST} is {size} bytes and not in the form `kiosk bundle create` writes: such a manifest may be at most {MAX_HAND_MADE_MANIFEST_BYTES} bytes"
        ))
        .into());
    }
    listing.clear()?;
    file.rewind().map_err(Error::io("reading", path))?;
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(bad_text)?;
    let manifest = Manifest::parse(&text)?;
    for entry in &manifest.files {
        listing.add(entry)?;
    }
    Ok(manifest.summary())
}

/// Copies (or, with no `dest`, only checks) every payload file.
fn copy_payload<R: Read>(
    entries: &mut Entries<'_, R>,
    manifest: &Summary,
    listing: &Listing,
    dest: Option<&Path>,
    phase: &str,
    classifier: &Classifier,
    progress: &mut dyn Progress,
) -> Result<()> {
    if let Some(dest) = dest {
        let dir = dest.join(PAYLOAD_DIR);
        fs::create_dir_all(&dir).map_err(Error::io("creating", &dir))?;
        let images = dir.join(IMAGES_DIR);
        fs::create_dir_all(&images).map_err(Error::io("creating", &images))?;
    }
    progress.phase(phase, manifest.total_bytes());
    let mut done = 0u64;
    let mut n_read = 0u64;
    let mut has_images = false;
    while n_read < manifest.n_files {
        let mut entry = match entries.next() {
            Some(Ok(entry)) => entry,
            Some(Err(e)) => {
                let next = listing.first_unread()?.unwrap_or_default();
                return Err(classifier.error(&e, &format!("before {next}")));
            }
            None => {
                let next = listing.first_unread()?.unwrap_or_default();
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
        let (expected_size, expected_sha256) = match listing.take(&name)? {
            Lookup::Expected { size, sha256 } => (size, sha256),
            Lookup::Twice => {
                return Err(Rejection::NotABundle(format!("{name} appears twice")).into());
            }
            Lookup::Unlisted => return Err(Rejection::UnexpectedFile(name).into()),
        };
        n_read += 1;
        has_images |= is_image_path(&name);
        if !kind.is_file() {
            return Err(Rejection::NotABundle(format!(
                "{name} is a {kind:?} entry, expected a regular file"
            ))
            .into());
        }
        let size = entry.size();
        if size != expected_size {
            return Err(Rejection::SizeMismatch {
                file: name,
                expected: expected_size,
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
        let (_, found) = copy_entry(
            &mut entry,
            &name,
            size,
            out.as_mut().map(|(file, path)| (file, path.as_path())),
            classifier,
            |copied| progress.set(done + copied),
        )?;
        if found != expected_sha256 {
            return Err(Rejection::Tampered {
                file: name,
                expected: expected_sha256,
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
        if !has_images {
            // The importer takes photos from this folder only when the
            // bundle carries some.
            fs::remove_dir(&images).map_err(Error::io("removing", &images))?;
        }
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

/// Checks the spooled manifest's signature, reading it as a stream
/// (minisign signs a BLAKE2b hash of the text); the key id and trusted
/// comment.
fn verify_signature(
    manifest: &mut File,
    path: &Path,
    signature: &[u8],
    trusted: &TrustedKeys,
) -> Result<(String, String)> {
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
    if !sig.is_prehashed() {
        // A legacy signature covers the whole text, which would have to be
        // read into memory to check it.
        return Err(Rejection::BadSignature {
            key_id,
            reason: "a legacy minisign signature (made without -H); sign with a current minisign"
                .into(),
        }
        .into());
    }
    manifest.rewind().map_err(Error::io("reading", path))?;
    minisign::verify(
        key.public_key(),
        &sig,
        BufReader::with_capacity(CHUNK, &mut *manifest),
        true,
        false,
        false,
    )
    .map_err(|e| Rejection::BadSignature {
        key_id: key_id.clone(),
        reason: e.to_string(),
    })?;
    Ok((key_id, sig.trusted_comment().unwrap_or_default()))
}
