//! Product photos: found in a folder by the product's handle or a SKU, or
//! fetched by the export's image URLs through a fetcher the caller gives
//! (the catalog crate itself has no network code, and the kiosk never
//! fetches). Each photo is decoded (JPEG, PNG, WebP) and made into two JPEG
//! thumbnails, card and detail size, stored in the snapshot's `images`
//! table, so they are published with it atomically.
//!
//! A folder may also hold thumbnails made before (`NAME.card.jpg` beside
//! `NAME.detail.jpg`, as `kiosk bundle create` writes them); those are
//! checked and stored as they are.
//!
//! Memory stays bounded whatever the number of photos: the jobs (a file or
//! URL a product) are listed in a scratch SQLite file (`image_jobs.rs`)
//! and read back one at a time, a few workers decode one photo each, and
//! the channels between them hold a few photos at a time.

use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};

use image::{DynamicImage, ImageFormat, ImageReader, RgbImage};

use super::image_jobs::{Job, JobList};
use super::thumbnail_cache::ThumbnailCache;
use super::{Issue, Issues, Progress, Rule, Writer};
use crate::error::Result;

/// The longest side of a card thumbnail, in pixels.
pub const CARD_PX: u32 = 160;
/// The longest side of a detail thumbnail, in pixels.
pub const DETAIL_PX: u32 = 480;
/// JPEG quality of both thumbnails.
pub(crate) const QUALITY: u8 = 82;
/// A photo wider or taller than this is refused before it is decoded.
const MAX_SIDE: u32 = 12_000;
/// What decoding one photo may allocate.
const MAX_DECODE_BYTES: u64 = 400 << 20;
/// A file or download larger than this is not read.
pub const MAX_FILE_BYTES: u64 = 40 << 20;
/// The file name endings read as photos.
pub const EXTENSIONS: [&str; 4] = ["jpg", "jpeg", "png", "webp"];
pub(crate) const CARD_SUFFIX: &str = ".card.jpg";
pub(crate) const DETAIL_SUFFIX: &str = ".detail.jpg";

/// Fetches an image URL's bytes; an error is a sentence for the import's
/// issues.
pub type FetchFn = dyn Fn(&str) -> std::result::Result<Vec<u8>, String> + Send + Sync;

/// Where an import takes product photos from.
#[derive(Clone, Default)]
pub struct ImageOptions {
    /// A folder of photos named by product handle (id) or SKU, or of
    /// thumbnail pairs made before.
    pub folder: Option<PathBuf>,
    /// Fetches the export's image URLs for products the folder has no photo
    /// for.
    pub fetch: Option<Arc<FetchFn>>,
    /// Thumbnails made before, by photo content: a photo found there is
    /// not decoded again.
    pub cache: Option<ThumbnailCache>,
}

impl ImageOptions {
    pub fn is_empty(&self) -> bool {
        self.folder.is_none() && self.fetch.is_none()
    }
}

impl fmt::Debug for ImageOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageOptions")
            .field("folder", &self.folder)
            .field("fetch", &self.fetch.is_some())
            .field("cache", &self.cache.as_ref().map(ThumbnailCache::root))
            .finish()
    }
}

/// A card and a detail thumbnail, JPEG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnails {
    pub card: Vec<u8>,
    pub detail: Vec<u8>,
}

/// Which thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageSize {
    Card,
    Detail,
}

/// Why one photo gave no thumbnails. It becomes an import issue on the
/// photo's line; the import goes on without it.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("reading it: {0}")]
    Read(#[source] std::io::Error),
    #[error("{0} bytes: larger than the {MAX_FILE_BYTES} an image may be")]
    TooLarge(u64),
    #[error("downloading it: {0}")]
    Download(String),
    #[error("reading the image: {0}")]
    Guess(#[source] std::io::Error),
    #[error("a {0:?} image: expected JPEG, PNG or WebP")]
    Format(ImageFormat),
    #[error("not an image: expected JPEG, PNG or WebP")]
    NotAnImage,
    #[error("cannot decode it: {0}")]
    Decode(#[source] image::ImageError),
    #[error("encoding a thumbnail: {0}")]
    Encode(#[source] jpeg_encoder::EncodingError),
    #[error("a thumbnail of {width}×{height} pixels is too large to encode")]
    ThumbnailTooLarge { width: u32, height: u32 },
    #[error("{}not a JPEG thumbnail: {source}", file_prefix(.file))]
    NotJpeg {
        file: Option<PathBuf>,
        #[source]
        source: image::ImageError,
    },
    #[error("{}{width}×{height}: expected at most {max}×{max}", file_prefix(.file))]
    Oversized {
        file: Option<PathBuf>,
        width: u32,
        height: u32,
        max: u32,
    },
}

fn file_prefix(file: &Option<PathBuf>) -> String {
    file.as_ref()
        .map(|f| format!("{}: ", f.display()))
        .unwrap_or_default()
}

/// Decodes a photo and makes its thumbnails.
pub fn thumbnails(bytes: &[u8]) -> std::result::Result<Thumbnails, ImageError> {
    let detail = fit(decode(bytes)?, DETAIL_PX);
    let card = fit(DynamicImage::ImageRgb8(detail.clone()), CARD_PX);
    Ok(Thumbnails {
        card: encode_jpeg(&card)?,
        detail: encode_jpeg(&detail)?,
    })
}

/// Decodes a JPEG, PNG or WebP image within the size limits.
pub fn decode(bytes: &[u8]) -> std::result::Result<DynamicImage, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(ImageError::Guess)?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        Some(other) => return Err(ImageError::Format(other)),
        None => return Err(ImageError::NotAnImage),
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader.decode().map_err(ImageError::Decode)
}

/// The image flattened onto white (a transparent PNG's background) and
/// scaled down (never up) to fit `max` × `max`: halved by averaging 2×2
/// pixels while that still leaves `max` or more, then the rest of the way
/// by `image`'s thumbnail filter, which costs by the pixels it reads.
fn fit(image: DynamicImage, max: u32) -> RgbImage {
    let (w, h) = (image.width(), image.height());
    let mut rgb = flatten(image);
    if w <= max && h <= max {
        return rgb;
    }
    let ratio = f64::from(max) / f64::from(w.max(h));
    let to_w = ((f64::from(w) * ratio).round() as u32).clamp(1, max);
    let to_h = ((f64::from(h) * ratio).round() as u32).clamp(1, max);
    while rgb.width() / 2 >= to_w && rgb.height() / 2 >= to_h {
        rgb = halve(&rgb);
    }
    if (rgb.width(), rgb.height()) == (to_w, to_h) {
        rgb
    } else {
        image::imageops::thumbnail(&rgb, to_w, to_h)
    }
}

fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, p) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(p[3]);
        for c in 0..3 {
            out[c] = ((u16::from(p[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    rgb
}

/// Each 2×2 block of pixels averaged into one (an odd last row or column
/// is dropped).
fn halve(image: &RgbImage) -> RgbImage {
    let (w, h) = (image.width() as usize / 2, image.height() as usize / 2);
    let stride = image.width() as usize * 3;
    let raw = image.as_raw();
    let mut out = vec![0u8; w * h * 3];
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        let top = &raw[2 * y * stride..][..stride];
        let bottom = &raw[(2 * y + 1) * stride..][..stride];
        for ((px, t), b) in row
            .chunks_exact_mut(3)
            .zip(top.chunks_exact(6))
            .zip(bottom.chunks_exact(6))
        {
            for c in 0..3 {
                let sum =
                    u16::from(t[c]) + u16::from(t[c + 3]) + u16::from(b[c]) + u16::from(b[c + 3]);
                px[c] = ((sum + 2) / 4) as u8;
            }
        }
    }
    RgbImage::from_raw(w as u32, h as u32, out).unwrap_or_default()
}

pub(crate) fn encode_jpeg(image: &RgbImage) -> std::result::Result<Vec<u8>, ImageError> {
    let (Ok(w), Ok(h)) = (u16::try_from(image.width()), u16::try_from(image.height())) else {
        return Err(ImageError::ThumbnailTooLarge {
            width: image.width(),
            height: image.height(),
        });
    };
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    // Full colour resolution (4:4:4): the encoder's default halves it,
    // which blurs the colour of small print and thin edges on a product.
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, QUALITY);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    encoder
        .encode(image.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(ImageError::Encode)?;
    Ok(out)
}

/// Checks a thumbnail made before: a JPEG no larger than `max` on a side.
/// `file` is named in the error when the job has more than one file.
pub(crate) fn check_prepared(
    bytes: &[u8],
    max: u32,
    file: Option<&Path>,
) -> std::result::Result<(), ImageError> {
    let file = || file.map(Path::to_path_buf);
    let reader = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Jpeg);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|source| ImageError::NotJpeg {
            file: file(),
            source,
        })?;
    if width == 0 || height == 0 || width > max || height > max {
        return Err(ImageError::Oversized {
            file: file(),
            width,
            height,
            max,
        });
    }
    Ok(())
}

/// What the images stage did.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImageCounts {
    pub n_images: u64,
    pub n_failed: u64,
    /// Photos decoded and made into thumbnails.
    pub n_made: u64,
    /// Photos whose thumbnails came from the cache.
    pub n_cached: u64,
    /// Thumbnails that could not be stored in the cache (they are made
    /// again next time).
    pub n_cache_failed: u64,
}

/// Where a product's thumbnails came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Decoded and scaled here.
    Made { cache_failed: bool },
    /// From the thumbnail cache.
    Cached,
    /// Thumbnails in the folder, made before.
    Prepared,
}

/// Finds, thumbnails and stores the photos of the products `writer` holds.
pub(crate) fn attach(
    writer: &mut Writer,
    options: &ImageOptions,
    issues: &mut Issues,
    progress: &mut dyn Progress,
) -> Result<ImageCounts> {
    // The list sits beside the new snapshot (or in the temp dir for one
    // in memory).
    let dir = writer
        .connection()
        .path()
        .filter(|p| !p.is_empty())
        .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
        .unwrap_or_else(std::env::temp_dir);
    let jobs = JobList::create(&dir, options.folder.as_deref())?;
    jobs.add_folder(writer, issues)?;
    if options.fetch.is_some() {
        jobs.add_urls(writer)?;
    }
    progress.phase("images", jobs.len()?);
    let mut counts = ImageCounts::default();
    let n_workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let fetch = options.fetch.clone();
    let cache = options.cache.as_ref();
    writer.storing_blobs(true)?;
    std::thread::scope(|scope| -> Result<()> {
        let (job_tx, job_rx) = sync_channel::<(i64, Job)>(n_workers * 2);
        let (done_tx, done_rx) = sync_channel(n_workers * 2);
        let job_rx: Arc<Mutex<Receiver<(i64, Job)>>> = Arc::new(Mutex::new(job_rx));
        let feeder =
            scope.spawn(move || jobs.for_each(|rowid, job| job_tx.send((rowid, job)).is_ok()));
        for _ in 0..n_workers {
            let job_rx = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            let fetch = fetch.clone();
            scope.spawn(move || {
                loop {
                    let next = job_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((rowid, job))) = next else { break };
                    let label = job.label();
                    let made = make(&job, fetch.as_deref(), cache);
                    if done_tx.send((rowid, label, made)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut done = 0;
        for (rowid, label, made) in done_rx {
            match made {
                Ok((thumbs, origin)) => {
                    writer.insert_image(rowid, &label, &thumbs)?;
                    counts.n_images += 1;
                    match origin {
                        Origin::Made { cache_failed } => {
                            counts.n_made += 1;
                            counts.n_cache_failed += u64::from(cache_failed);
                        }
                        Origin::Cached => counts.n_cached += 1,
                        Origin::Prepared => {}
                    }
                }
                Err(error) => {
                    counts.n_failed += 1;
                    // Decoder messages may span lines; an issue is one.
                    let message = error
                        .to_string()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    issues.push(Issue::file_note(
                        &label,
                        Rule::BadImage,
                        format!("{message}; the product shows its category's pictogram"),
                    ));
                }
            }
            done += 1;
            progress.set(done);
        }
        feeder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    writer.storing_blobs(false)?;
    if let Some(cache) = cache {
        // The cache stays within its bound; failing to prune it costs disk,
        // not the import.
        let _ = cache.prune();
    }
    Ok(counts)
}

fn make(
    job: &Job,
    fetch: Option<&FetchFn>,
    cache: Option<&ThumbnailCache>,
) -> std::result::Result<(Thumbnails, Origin), ImageError> {
    match job {
        Job::File(path) => made_or_cached(&read_limited(path)?, cache),
        Job::Prepared { card, detail } => {
            let card_bytes = read_limited(card)?;
            let detail_bytes = read_limited(detail)?;
            check_prepared(&card_bytes, CARD_PX, Some(card))?;
            check_prepared(&detail_bytes, DETAIL_PX, None)?;
            Ok((
                Thumbnails {
                    card: card_bytes,
                    detail: detail_bytes,
                },
                Origin::Prepared,
            ))
        }
        Job::Url(url) => {
            let fetch = fetch.ok_or_else(|| ImageError::Download("no fetcher was given".into()))?;
            let bytes = fetch(url).map_err(ImageError::Download)?;
            if bytes.len() as u64 > MAX_FILE_BYTES {
                return Err(ImageError::TooLarge(bytes.len() as u64));
            }
            made_or_cached(&bytes, cache)
        }
    }
}

/// A photo's thumbnails from the cache, else made (and cached).
fn made_or_cached(
    photo: &[u8],
    cache: Option<&ThumbnailCache>,
) -> std::result::Result<(Thumbnails, Origin), ImageError> {
    let Some(cache) = cache else {
        return Ok((
            thumbnails(photo)?,
            Origin::Made {
                cache_failed: false,
            },
        ));
    };
    let key = ThumbnailCache::key(photo);
    if let Some(cached) = cache.get(&key) {
        return Ok((cached, Origin::Cached));
    }
    let made = thumbnails(photo)?;
    let cache_failed = cache.put(&key, &made).is_err();
    Ok((made, Origin::Made { cache_failed }))
}

fn read_limited(path: &Path) -> std::result::Result<Vec<u8>, ImageError> {
    let len = std::fs::metadata(path).map_err(ImageError::Read)?.len();
    if len > MAX_FILE_BYTES {
        return Err(ImageError::TooLarge(len));
    }
    std::fs::read(path).map_err(ImageError::Read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_averages_each_two_by_two_block() {
        let image = RgbImage::from_raw(
            5,
            2,
            vec![
                0, 10, 20, 4, 10, 20, 100, 0, 255, 200, 0, 255, 9, 9, 9, //
                0, 10, 21, 4, 10, 21, 100, 0, 255, 200, 0, 254, 9, 9, 9,
            ],
        )
        .expect("5×2");
        let half = halve(&image);
        assert_eq!((half.width(), half.height()), (2, 1));
        assert_eq!(half.as_raw(), &vec![2, 10, 21, 150, 0, 255]);
    }

    #[test]
    fn fit_reaches_the_size_asked_and_never_scales_up() {
        let image = DynamicImage::ImageRgb8(RgbImage::new(2048, 1536));
        let fitted = fit(image, DETAIL_PX);
        assert_eq!((fitted.width(), fitted.height()), (480, 360));
        let small = DynamicImage::ImageRgb8(RgbImage::new(100, 30));
        let fitted = fit(small, DETAIL_PX);
        assert_eq!((fitted.width(), fitted.height()), (100, 30));
        let tall = DynamicImage::ImageRgb8(RgbImage::new(999, 4001));
        let fitted = fit(tall, CARD_PX);
        assert_eq!((fitted.width(), fitted.height()), (40, 160));
    }
}
