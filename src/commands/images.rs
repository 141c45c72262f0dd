//! `--images DIR` and `--fetch-images` for `kiosk import` and `kiosk bundle
//! create`: where product photos come from. Fetching is the back office's
//! job (a network is needed); the kiosk imports photos only from a folder or
//! a bundle and never downloads at run time.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use kiosk_catalog::import::images::MAX_FILE_BYTES;
use kiosk_catalog::{ImageOptions, ThumbnailCache};

use crate::cli::ImageArgs;

/// How long one image download may take, connect to last byte.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

pub fn options(args: &ImageArgs) -> anyhow::Result<ImageOptions> {
    if let Some(dir) = &args.images
        && !dir.is_dir()
    {
        bail!(
            "--images {}: not a folder (expected photos named by product handle or SKU)",
            dir.display()
        );
    }
    let photos = args.images.is_some() || args.fetch_images;
    let cache = if args.no_thumbnail_cache || !photos {
        None
    } else {
        args.thumbnail_cache
            .clone()
            .or_else(|| default_cache_dir("thumbnails"))
            .map(ThumbnailCache::new)
    };
    Ok(ImageOptions {
        cache,
        folder: args.images.clone(),
        fetch: args.fetch_images.then(|| {
            let agent = agent();
            Arc::new(move |url: &str| fetch(&agent, url))
                as Arc<kiosk_catalog::import::images::FetchFn>
        }),
    })
}

/// The back office's cache `name` (thumbnails, vectors):
/// `$XDG_CACHE_HOME/kiosk/NAME`, else `~/.cache/kiosk/NAME`; none when
/// neither is set.
pub fn default_cache_dir(name: &str) -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    std::env::var_os("XDG_CACHE_HOME")
        .and_then(absolute)
        .or_else(|| {
            std::env::var_os("HOME")
                .and_then(absolute)
                .map(|h| h.join(".cache"))
        })
        .map(|c| c.join("kiosk").join(name))
}

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(FETCH_TIMEOUT))
        .http_status_as_error(true)
        .user_agent("kiosk-import")
        .build();
    ureq::Agent::new_with_config(config)
}

/// One URL's bytes, refused past [`MAX_FILE_BYTES`].
pub fn fetch(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, String> {
    let response = agent.get(url).call().map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading the body: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("larger than {MAX_FILE_BYTES} bytes"));
    }
    Ok(bytes)
}
