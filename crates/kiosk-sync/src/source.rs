//! Where a bundle comes from: a bundle file, a folder (a mounted USB stick
//! or any directory) holding bundles, or a URL on the store server.
//!
//! A folder is searched two levels deep for `*.kbundle` files, so a stick
//! may hold the bundle at its top or in a folder of its own. Sticks are
//! found by scanning a mount root (`/media`, say) for folders that hold
//! bundles; [`scan_mounts`] fingerprints each by its bundles' names, sizes
//! and modification times, so the agent acts once per stick and again only
//! when it is re-inserted or its bundles change.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::bundle::EXTENSION;

/// Uploads go into this folder on a stick.
pub const UPLOAD_DIR: &str = "kiosk-uploads";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One bundle file.
    File(PathBuf),
    /// A folder or USB mount: the best bundle in it is used.
    Folder(PathBuf),
    /// `http://…` (or `https://…` with the `tls` feature): one bundle.
    Http(String),
}

impl Source {
    /// A URL, or a path: a folder when it is one, otherwise a bundle file.
    pub fn parse(text: &str) -> Source {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return Source::Http(text.to_string());
        }
        let path = PathBuf::from(text);
        if path.is_dir() {
            Source::Folder(path)
        } else {
            Source::File(path)
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Source::File(p) | Source::Folder(p) => p.display().to_string(),
            Source::Http(url) => url.clone(),
        }
    }

    pub fn is_network(&self) -> bool {
        matches!(self, Source::Http(_))
    }
}

/// The `*.kbundle` files in `dir` and its subfolders, `depth` levels down,
/// sorted. Hidden entries and the upload folder are skipped; unreadable
/// folders (a stick being pulled) are passed over.
pub fn find_bundles(dir: &Path, depth: usize) -> Vec<PathBuf> {
    let mut found = Vec::new();
    walk(dir, depth, &mut |path| {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION))
        {
            found.push(path.to_path_buf());
        }
    });
    found.sort();
    found
}

fn walk(dir: &Path, depth: usize, on_file: &mut dyn FnMut(&Path)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == UPLOAD_DIR {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_file() {
            on_file(&path);
        } else if kind.is_dir() && depth > 0 {
            walk(&path, depth - 1, on_file);
        }
    }
}

/// A folder under the mount root that holds bundles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mounted {
    pub folder: PathBuf,
    /// Changes when a bundle in it is added, removed or rewritten.
    pub fingerprint: u64,
}

/// The folders under `root` (up to three levels: `/media/USER/LABEL/…`)
/// that directly hold bundles, each once, outermost first.
pub fn scan_mounts(root: &Path) -> Vec<Mounted> {
    let mut folders: Vec<PathBuf> = Vec::new();
    for bundle in find_bundles(root, 3) {
        if let Some(parent) = bundle.parent()
            && !folders.iter().any(|f| f == parent)
        {
            folders.push(parent.to_path_buf());
        }
    }
    folders
        .into_iter()
        .map(|folder| {
            let mut hasher = DefaultHasher::new();
            for bundle in find_bundles(&folder, 0) {
                bundle.hash(&mut hasher);
                if let Ok(meta) = fs::metadata(&bundle) {
                    meta.len().hash(&mut hasher);
                    meta.modified().ok().hash(&mut hasher);
                }
            }
            Mounted {
                fingerprint: hasher.finish(),
                folder,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
