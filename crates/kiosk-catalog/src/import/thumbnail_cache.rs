//! Thumbnails made before, kept by the photo's content: re-creating a
//! bundle where most photos did not change decodes and encodes only the
//! new ones.
//!
//! An entry is keyed by the sha256 of the photo's bytes, under a folder
//! named by the thumbnail parameters (sizes, quality, method version), so
//! a change to how thumbnails are made never serves old ones. One entry is
//! one file, `PARAMS/ab/SHA256.thumbs`: the card thumbnail's length (4
//! bytes, little-endian), the card JPEG, then the detail JPEG. It is
//! written under a temporary name and renamed into place, and checked
//! (both JPEGs, within their sizes) when read: a damaged entry is made
//! again, never served.
//!
//! The cache is bounded: after a run that used it, the least recently
//! used entries (a hit refreshes an entry's modification time) are removed
//! until it holds at most [`ThumbnailCache::max_bytes`].

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::images::{CARD_PX, DETAIL_PX, QUALITY, Thumbnails, check_prepared};

/// Bumped whenever the way thumbnails are made changes (scaling, colour
/// sampling, encoder), so entries made the old way are not used.
const METHOD_VERSION: u32 = 1;
/// The default bound on the cache's size.
pub const DEFAULT_MAX_BYTES: u64 = 4 << 30;
const ENTRY_SUFFIX: &str = ".thumbs";

/// A folder of thumbnails keyed by photo content.
#[derive(Debug, Clone)]
pub struct ThumbnailCache {
    root: PathBuf,
    /// The cache is pruned to this size after a run.
    pub max_bytes: u64,
}

/// What pruning removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub n_removed: u64,
    pub bytes_removed: u64,
    pub bytes_kept: u64,
}

impl ThumbnailCache {
    /// The cache under `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>) -> ThumbnailCache {
        ThumbnailCache {
            root: dir.into(),
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// The folder given to [`ThumbnailCache::new`].
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of the entries made with the current parameters.
    fn params_dir(&self) -> PathBuf {
        self.root.join(format!(
            "card{CARD_PX}-detail{DETAIL_PX}-q{QUALITY}-m{METHOD_VERSION}"
        ))
    }

    /// The key of a photo's bytes.
    pub fn key(photo: &[u8]) -> String {
        let digest = Sha256::digest(photo);
        let mut key = String::with_capacity(64);
        for b in digest {
            key.push_str(&format!("{b:02x}"));
        }
        key
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        self.params_dir()
            .join(&key[..2])
            .join(format!("{key}{ENTRY_SUFFIX}"))
    }

    /// The thumbnails stored for `key`, if a whole, valid entry is there;
    /// a hit marks the entry as just used.
    pub fn get(&self, key: &str) -> Option<Thumbnails> {
        let path = self.entry_path(key);
        let mut file = File::open(&path).ok()?;
        let len = file.metadata().ok()?.len();
        if len > 2 * super::images::MAX_FILE_BYTES {
            return None;
        }
        let mut bytes = Vec::with_capacity(len as usize);
        file.read_to_end(&mut bytes).ok()?;
        let thumbnails = parse_entry(&bytes)?;
        if check_prepared(&thumbnails.card, CARD_PX, None).is_err()
            || check_prepared(&thumbnails.detail, DETAIL_PX, None).is_err()
        {
            return None;
        }
        // Only the least recently used entries are pruned.
        let _ = file.set_modified(SystemTime::now());
        Some(thumbnails)
    }

    /// Stores thumbnails under `key`, replacing any entry there.
    pub fn put(&self, key: &str, thumbnails: &Thumbnails) -> io::Result<()> {
        let path = self.entry_path(key);
        let dir = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir)?;
        let mut tmp = tempfile_in(dir)?;
        let card_len = u32::try_from(thumbnails.card.len())
            .map_err(|_| io::Error::other("a card thumbnail over 4 GiB"))?;
        tmp.1.write_all(&card_len.to_le_bytes())?;
        tmp.1.write_all(&thumbnails.card)?;
        tmp.1.write_all(&thumbnails.detail)?;
        drop(tmp.1);
        fs::rename(&tmp.0, &path).inspect_err(|_| {
            let _ = fs::remove_file(&tmp.0);
        })
    }

    /// Removes the least recently used entries (and any entry made with
    /// other parameters, and leftover temporary files) until the cache
    /// holds at most `max_bytes`.
    pub fn prune(&self) -> io::Result<Pruned> {
        let mut pruned = Pruned::default();
        if !self.root.is_dir() {
            return Ok(pruned);
        }
        let current = self.params_dir();
        for entry in fs::read_dir(&self.root)? {
            let entry = entry?;
            let path = entry.path();
            if path != current && entry.file_type()?.is_dir() && is_params_dir(&path) {
                let (n, bytes) = dir_usage(&path)?;
                fs::remove_dir_all(&path)?;
                pruned.n_removed += n;
                pruned.bytes_removed += bytes;
            }
        }
        let (_, total) = if current.is_dir() {
            dir_usage(&current)?
        } else {
            (0, 0)
        };
        if total <= self.max_bytes {
            pruned.bytes_kept = total;
            return Ok(pruned);
        }
        // Over the bound: list the entries, oldest use first.
        let mut entries: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
        for shard in fs::read_dir(&current)? {
            let shard = shard?;
            if !shard.file_type()?.is_dir() {
                continue;
            }
            for file in fs::read_dir(shard.path())? {
                let file = file?;
                let meta = file.metadata()?;
                if meta.is_file() {
                    let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                    entries.push((used, meta.len(), file.path()));
                }
            }
        }
        entries.sort();
        let mut kept = total;
        for (_, len, path) in entries {
            if kept <= self.max_bytes {
                break;
            }
            match fs::remove_file(&path) {
                Ok(()) => {
                    kept -= len;
                    pruned.n_removed += 1;
                    pruned.bytes_removed += len;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => kept -= len,
                Err(e) => return Err(e),
            }
        }
        pruned.bytes_kept = kept;
        Ok(pruned)
    }
}

/// `card…-detail…-q…-m…`: a folder this cache made.
fn is_params_dir(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("card") && n.contains("-detail") && n.contains("-m"))
}

/// Files and bytes under `dir`, two levels deep (the cache's layout).
fn dir_usage(dir: &Path) -> io::Result<(u64, u64)> {
    let (mut n, mut bytes) = (0, 0);
    for shard in fs::read_dir(dir)? {
        let shard = shard?;
        if !shard.file_type()?.is_dir() {
            continue;
        }
        for file in fs::read_dir(shard.path())? {
            let meta = file?.metadata()?;
            if meta.is_file() {
                n += 1;
                bytes += meta.len();
            }
        }
    }
    Ok((n, bytes))
}

fn parse_entry(bytes: &[u8]) -> Option<Thumbnails> {
    let (len, rest) = bytes.split_first_chunk::<4>()?;
    let card_len = u32::from_le_bytes(*len) as usize;
    if card_len == 0 || card_len >= rest.len() {
        return None;
    }
    let (card, detail) = rest.split_at(card_len);
    Some(Thumbnails {
        card: card.to_vec(),
        detail: detail.to_vec(),
    })
}

/// A new file with a unique temporary name in `dir`.
fn tempfile_in(dir: &Path) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    for attempt in 0u32..100 {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = dir.join(format!(".tmp-{pid}-{nanos}-{attempt}"));
        match File::create_new(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "no free temporary name in {}",
        dir.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thumbs() -> Thumbnails {
        let image = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 10, 10]));
        let detail = super::super::images::encode_jpeg(&image).expect("encodes");
        let card = super::super::images::encode_jpeg(&image::imageops::thumbnail(&image, 20, 15))
            .expect("encodes");
        Thumbnails { card, detail }
    }

    #[test]
    fn an_entry_reads_back_and_a_damaged_one_is_a_miss() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = ThumbnailCache::new(dir.path());
        let key = ThumbnailCache::key(b"a photo");
        assert_eq!(cache.get(&key), None);
        cache.put(&key, &thumbs()).expect("stored");
        assert_eq!(cache.get(&key), Some(thumbs()));
        let path = cache.entry_path(&key);
        let mut bytes = fs::read(&path).expect("entry");
        bytes.truncate(bytes.len() / 2);
        fs::write(&path, &bytes).expect("damaged");
        assert_eq!(cache.get(&key), None);
        fs::write(&path, b"\x05\0\0\0short").expect("damaged");
        assert_eq!(cache.get(&key), None);
    }

    #[test]
    fn pruning_removes_the_least_recently_used_down_to_the_bound() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cache = ThumbnailCache::new(dir.path());
        let keys: Vec<String> = (0..4)
            .map(|i| ThumbnailCache::key(format!("photo {i}").as_bytes()))
            .collect();
        let t = thumbs();
        let entry_len = (4 + t.card.len() + t.detail.len()) as u64;
        for (i, key) in keys.iter().enumerate() {
            cache.put(key, &t).expect("stored");
            let used = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000 + i as u64);
            File::options()
                .write(true)
                .open(cache.entry_path(key))
                .and_then(|f| f.set_modified(used))
                .expect("aged");
        }
        // The oldest, used now, is kept; the next two oldest go.
        assert!(cache.get(&keys[0]).is_some());
        let stale = dir.path().join("card1-detail2-q3-m0");
        fs::create_dir_all(stale.join("ab")).expect("stale dir");
        fs::write(stale.join("ab").join("x.thumbs"), b"old").expect("stale entry");
        cache.max_bytes = 2 * entry_len;
        let pruned = cache.prune().expect("pruned");
        assert_eq!(pruned.n_removed, 3);
        assert_eq!(pruned.bytes_kept, 2 * entry_len);
        assert!(!stale.exists());
        assert!(cache.get(&keys[0]).is_some());
        assert!(cache.get(&keys[1]).is_none());
        assert!(cache.get(&keys[2]).is_none());
        assert!(cache.get(&keys[3]).is_some());
    }
}
