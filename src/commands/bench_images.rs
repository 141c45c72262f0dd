//! `kiosk bench images`: product photos at scale. Generates a store of N
//! products (the demo store scaled up) with a photo per product, then
//! times `bundle create --images` (matching, decoding, thumbnails, hashing,
//! signing) and the kiosk's side, a sync of that bundle (signature, every
//! hash, import with the thumbnails); reports the bundle's size and the
//! peak memory of each phase. Everything happens in a temp dir.
//!
//! The photos are a few distinct JPEGs (1000×750, noisy, like a product
//! shot) hard-linked under every product's name, so the disk holds a few
//! files while every product's photo is still read and decoded on its own.
//!
//! Measured on the 2-core build machine under a load of ~15 (other builds
//! running, so wall times are several times the CPU time), with the
//! snapshot writer's page cache at 16 MiB (2 MiB while thumbnails are
//! stored; it was 64 MiB):
//!
//! | products | create CPU | bundle    | create peak RSS | sync+import CPU | sync+import peak RSS |
//! |---------:|-----------:|----------:|----------------:|----------------:|---------------------:|
//! |    2,000 |     21.0 s |  71.0 MiB |          66 MiB |           3.9 s |               78 MiB |
//! |   10,000 |    113.5 s | 355.8 MiB |          81 MiB |           9.7 s |              112 MiB |
//!
//! With the 64 MiB page cache, 2,000 products peaked at 122 MiB (create)
//! and 135 MiB (sync+import).
//!
//! Since then neither side holds the manifest whole (it is written, signed,
//! verified and read a table at a time, the kiosk looking payload entries
//! up in a SQLite listing). Measured the same way on 7 Dec 2026 (load ~8):
//!
//! | products | create CPU | create wall | create peak RSS | sync+import CPU | sync+import wall | sync+import peak RSS |
//! |---------:|-----------:|------------:|----------------:|----------------:|-----------------:|---------------------:|
//! |    2,000 |     20.7 s |     133.8 s |          68 MiB |           3.8 s |           43.8 s |               79 MiB |
//! |   10,000 |    101.2 s |     538.0 s |         100 MiB |          10.0 s |          100.2 s |              119 MiB |
//!
//! The peak of both is the index build (`indexing`: +28 MiB at 2,000
//! products, +44 MiB at 10,000, over the phase before); those runs had the
//! Tantivy writer at 16 MiB a thread, which did not lower it, and it is
//! back at 48 MiB. The sync's `start` figure is the RSS the process kept
//! from the create before it.
//!
//! 7 Dec 2026, with `--thumbnail-cache` (32 decodes, the rest from the
//! cache: the import's memory, not the decoding, is measured), peak RSS /
//! peak anonymous memory (`RssAnon`) in MiB, under a load of 12–16:
//!
//! | products | create, before | create, after | sync+import, before | sync+import, after |
//! |---------:|---------------:|--------------:|--------------------:|-------------------:|
//! |   10,000 |        87 / 62 |       90 / 60 |            106 / 76 |            92 / 63 |
//! |   20,000 |       101 / 76 |       94 / 60 |            123 / 92 |            96 / 63 |
//! |   50,000 |       122 / 96 |  not measured |           139 / 114 |       not measured |
//!
//! Before, the index build grew with the catalog (Tantivy's queue of up to
//! 10,000 documents, its 48 MiB a thread, and glibc keeping what the
//! indexing threads freed); after, it commits every 2,048 products and
//! hands freed memory back, and the photo listing sits in SQLite. The
//! sync now starts at 51 MiB (25 anonymous) instead of the 79–90 the
//! create left behind. 100,000 products were not measured.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use kiosk_bench::generate::{GenerateOptions, generate};
use kiosk_catalog::{DataDir, ImageOptions};
use kiosk_sync::keys::TrustedKeys;
use serde::Serialize;

use super::ExitCode;
use super::bench::{peak_rss_mib, proc_status_mib, process_cpu_s};
use crate::output::{TerminalProgress, count};

/// Distinct source photos the products share.
const DISTINCT_PHOTOS: usize = 32;

#[derive(Debug, Serialize)]
struct Figures {
    n_products: u64,
    n_images: u64,
    photo_bytes_each: u64,
    bundle_bytes: u64,
    bundle_files: u64,
    bundle_create_s: f64,
    bundle_create_thumbnails_s: f64,
    /// CPU time (user + system, all threads): on a shared machine, what
    /// the work costs whatever else runs.
    bundle_create_cpu_s: f64,
    bundle_create_peak_rss_mib: f64,
    /// The peak of the memory the process holds itself (`RssAnon`: heap
    /// and stacks), without the pages of files it maps (the index's
    /// segments while they merge), which the kernel can drop.
    bundle_create_peak_anon_mib: f64,
    /// The peaks of each phase of bundle create, in order.
    bundle_create_peak_rss_by_phase: Vec<PhasePeak>,
    /// Photos decoded and made into thumbnails, and photos whose
    /// thumbnails came from the thumbnail cache (with `--thumbnail-cache`).
    thumbnails_made: u64,
    thumbnails_cached: u64,
    sync_import_s: f64,
    sync_import_images_s: f64,
    sync_import_cpu_s: f64,
    sync_import_peak_rss_mib: f64,
    sync_import_peak_anon_mib: f64,
    sync_import_peak_rss_by_phase: Vec<PhasePeak>,
    snapshot_bytes: u64,
    /// Threads the thumbnails were made on.
    threads: usize,
    /// `bundle_create_s` scaled linearly to 100k products, when fewer
    /// were measured: an estimate, not a measurement.
    bundle_create_s_per_100k_extrapolated: Option<f64>,
    sync_import_s_per_100k_extrapolated: Option<f64>,
}

pub fn run(
    from: &Path,
    products: usize,
    thumbnail_cache: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let tmp = tempfile::tempdir().context("creating a temp dir")?;
    let catalog = tmp.path().join("catalog");
    let summary = generate(&GenerateOptions {
        from: from.to_path_buf(),
        out: catalog.clone(),
        products,
        variants_per_product: 10,
        seed: 20261123,
    })?;
    let photos = tmp.path().join("photos");
    let photo_bytes_each = write_photos(&catalog, &photos)?;

    let key = kiosk_sync::keys::generate(&tmp.path().join("office.key"), false)?;
    let out = tmp.path().join("bench.kbundle");
    let options = kiosk_sync::bundle::CreateOptions {
        images: ImageOptions {
            folder: Some(photos.clone()),
            fetch: None,
            cache: thumbnail_cache.map(kiosk_catalog::ThumbnailCache::new),
        },
        ..kiosk_sync::bundle::CreateOptions::new(&catalog, &key.secret_path, &out, 1)
    };
    reset_peak_rss();
    let cpu_before = process_cpu_s("self");
    let started = Instant::now();
    let mut progress = TerminalProgress::new();
    let mut phases = PhasePeaks::new(&mut progress);
    let created = kiosk_sync::bundle::create(&options, &mut phases);
    let bundle_create_peak_rss_by_phase = phases.finish();
    progress.finish();
    let created = created.context("bundle create")?;
    let bundle_create_s = started.elapsed().as_secs_f64();
    let bundle_create_cpu_s = process_cpu_s("self") - cpu_before;
    let bundle_create_peak_rss_mib = max_peak(&bundle_create_peak_rss_by_phase, |p| p.rss_mib);
    let bundle_create_peak_anon_mib = max_peak(&bundle_create_peak_rss_by_phase, |p| p.anon_mib);
    std::fs::remove_dir_all(&photos).ok();

    let data_dir = DataDir::new(tmp.path().join("kiosk"));
    let settings = kiosk_sync::syncer::SyncSettings {
        trusted_keys: TrustedKeys::parse([(key.public_key.as_str(), "bench")])?,
        expected_store: Some(created.manifest.head.store_id.clone()),
        max_bundle_age: None,
        http: Default::default(),
        limits: Default::default(),
        upload: None,
    };
    let syncer = kiosk_sync::syncer::Syncer::new(data_dir.clone(), settings);
    reset_peak_rss();
    let cpu_before = process_cpu_s("self");
    let started = Instant::now();
    let mut progress = TerminalProgress::new();
    let mut phases = PhasePeaks::new(&mut progress);
    let report = syncer.sync(&kiosk_sync::source::Source::File(out.clone()), &mut phases);
    let sync_import_peak_rss_by_phase = phases.finish();
    progress.finish();
    let pull = report.context("sync")?.pull.context("sync")?;
    let sync_import_s = started.elapsed().as_secs_f64();
    let sync_import_cpu_s = process_cpu_s("self") - cpu_before;
    let sync_import_peak_rss_mib = max_peak(&sync_import_peak_rss_by_phase, |p| p.rss_mib);
    let sync_import_peak_anon_mib = max_peak(&sync_import_peak_rss_by_phase, |p| p.anon_mib);
    let import = pull.import.as_ref().context("the sync imported nothing")?;
    let snapshot_bytes = std::fs::metadata(
        import
            .snapshot_path
            .join(kiosk_catalog::schema::SNAPSHOT_DB),
    )
    .map(|m| m.len())
    .unwrap_or(0);
    let figures = Figures {
        n_products: summary.n_products,
        n_images: import.n_images,
        photo_bytes_each,
        bundle_bytes: created.bytes,
        bundle_files: created.manifest.n_files,
        bundle_create_s,
        bundle_create_thumbnails_s: created.images_ms as f64 / 1000.0,
        bundle_create_cpu_s,
        bundle_create_peak_rss_mib,
        bundle_create_peak_anon_mib,
        bundle_create_peak_rss_by_phase,
        thumbnails_made: created.n_thumbnails_made,
        thumbnails_cached: created.n_thumbnails_cached,
        sync_import_s,
        sync_import_images_s: import.images_ms as f64 / 1000.0,
        sync_import_cpu_s,
        sync_import_peak_rss_mib,
        sync_import_peak_anon_mib,
        sync_import_peak_rss_by_phase,
        snapshot_bytes,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        bundle_create_s_per_100k_extrapolated: (summary.n_products < 100_000)
            .then(|| bundle_create_s * 100_000.0 / summary.n_products.max(1) as f64),
        sync_import_s_per_100k_extrapolated: (summary.n_products < 100_000)
            .then(|| sync_import_s * 100_000.0 / summary.n_products.max(1) as f64),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
        return Ok(ExitCode::Ok);
    }
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    println!(
        "{} products, {} with photos (source photos {:.0} KiB, 1000×750 JPEG)",
        count(figures.n_products),
        count(figures.n_images),
        figures.photo_bytes_each as f64 / 1024.0
    );
    println!(
        "bundle create: {:.1} s ({:.1} s matching, decoding and thumbnails; {:.1} s CPU); bundle {:.1} MiB, {} files; peak RSS {:.0} MiB ({:.0} MiB anonymous)",
        figures.bundle_create_s,
        figures.bundle_create_thumbnails_s,
        figures.bundle_create_cpu_s,
        mib(figures.bundle_bytes),
        count(figures.bundle_files),
        figures.bundle_create_peak_rss_mib,
        figures.bundle_create_peak_anon_mib
    );
    if thumbnail_cache.is_some() {
        println!(
            "thumbnail cache: {} photos made into thumbnails, {} taken from the cache",
            count(figures.thumbnails_made),
            count(figures.thumbnails_cached)
        );
    }
    println!(
        "  peak RSS (anonymous) by phase, MiB: {}",
        by_phase(&figures.bundle_create_peak_rss_by_phase)
    );
    println!(
        "sync + import on the kiosk: {:.1} s ({:.1} s storing thumbnails; {:.1} s CPU); snapshot {:.1} MiB; peak RSS {:.0} MiB ({:.0} MiB anonymous)",
        figures.sync_import_s,
        figures.sync_import_images_s,
        figures.sync_import_cpu_s,
        mib(figures.snapshot_bytes),
        figures.sync_import_peak_rss_mib,
        figures.sync_import_peak_anon_mib
    );
    println!(
        "  peak RSS (anonymous) by phase, MiB: {}",
        by_phase(&figures.sync_import_peak_rss_by_phase)
    );
    if let (Some(create), Some(import)) = (
        figures.bundle_create_s_per_100k_extrapolated,
        figures.sync_import_s_per_100k_extrapolated,
    ) {
        println!(
            "extrapolated linearly to 100k products (not measured): bundle create {:.0} s, sync + import {:.0} s",
            create, import
        );
    }
    println!(
        "bundle create: {:.1} ms CPU a product; {} threads",
        figures.bundle_create_cpu_s * 1000.0 / figures.n_products.max(1) as f64,
        figures.threads
    );
    Ok(ExitCode::Ok)
}

/// Writes a few distinct photos and links one under every product's id.
fn write_photos(catalog: &Path, photos: &Path) -> anyhow::Result<u64> {
    std::fs::create_dir_all(photos)?;
    let mut sources = Vec::new();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for i in 0..DISTINCT_PHOTOS {
        let image = image::RgbImage::from_fn(1000, 750, |x, y| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state & 31) as u8;
            image::Rgb([
                ((x / 4) as u8).wrapping_add(noise),
                ((y / 3) as u8).wrapping_add((i * 7) as u8),
                (((x + y) / 8) as u8).wrapping_add(noise / 2),
            ])
        });
        let path = photos.join(format!(".source-{i}.jpg"));
        image.save(&path)?;
        sources.push(path);
    }
    let bytes = std::fs::metadata(&sources[0])?.len();
    let mut reader = csv::Reader::from_path(catalog.join("products.csv"))?;
    let id_column = reader
        .headers()?
        .iter()
        .position(|h| h == "id")
        .context("products.csv has no id column")?;
    for (i, record) in reader.records().enumerate() {
        let record = record?;
        let id = record.get(id_column).unwrap_or_default();
        std::fs::hard_link(
            &sources[i % sources.len()],
            photos.join(format!("{id}.jpg")),
        )?;
    }
    Ok(bytes)
}

/// The peaks of one phase, in MiB.
#[derive(Debug, Serialize)]
struct PhasePeak {
    phase: String,
    /// `VmHWM`: resident memory, the pages of mapped files included.
    rss_mib: f64,
    /// `RssAnon` at its highest, sampled every few milliseconds.
    anon_mib: f64,
}

/// Passes progress on, and notes the peaks of each phase (the peak RSS is
/// reset as each phase starts).
struct PhasePeaks<'a> {
    inner: &'a mut dyn kiosk_catalog::Progress,
    current: Option<String>,
    peaks: Vec<PhasePeak>,
    anon: AnonSampler,
}

impl<'a> PhasePeaks<'a> {
    fn new(inner: &'a mut dyn kiosk_catalog::Progress) -> PhasePeaks<'a> {
        reset_peak_rss();
        PhasePeaks {
            inner,
            current: Some("start".into()),
            peaks: Vec::new(),
            anon: AnonSampler::start(),
        }
    }

    fn close(&mut self) {
        let anon_mib = self.anon.take_peak_mib();
        if let Some(phase) = self.current.take() {
            self.peaks.push(PhasePeak {
                phase,
                rss_mib: peak_rss_mib(),
                anon_mib,
            });
        }
        reset_peak_rss();
    }

    fn finish(mut self) -> Vec<PhasePeak> {
        self.close();
        std::mem::take(&mut self.peaks)
    }
}

impl kiosk_catalog::Progress for PhasePeaks<'_> {
    fn phase(&mut self, name: &str, total: u64) {
        self.close();
        self.current = Some(name.to_string());
        self.inner.phase(name, total);
    }

    fn set(&mut self, done: u64) {
        self.inner.set(done);
    }
}

/// Samples the process's `RssAnon` on a thread of its own: the kernel
/// keeps a high-water mark of the whole RSS only, and that counts the pages
/// of every file mapped too.
pub(super) struct AnonSampler {
    peak_kib: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl AnonSampler {
    const EVERY: Duration = Duration::from_millis(10);

    pub(super) fn start() -> AnonSampler {
        let peak_kib = Arc::new(AtomicU64::new(anon_kib()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (peak_kib, stop) = (Arc::clone(&peak_kib), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak_kib.fetch_max(anon_kib(), Ordering::Relaxed);
                    std::thread::sleep(Self::EVERY);
                }
            })
        };
        AnonSampler {
            peak_kib,
            stop,
            thread: Some(thread),
        }
    }

    /// The peak since the last call (or the start), in MiB; the next peak
    /// starts from now.
    pub(super) fn take_peak_mib(&self) -> f64 {
        let now = anon_kib();
        let peak = self.peak_kib.swap(now, Ordering::Relaxed).max(now);
        peak as f64 / 1024.0
    }
}

impl Drop for AnonSampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn anon_kib() -> u64 {
    (proc_status_mib("self", "RssAnon:") * 1024.0) as u64
}

fn max_peak(peaks: &[PhasePeak], of: impl Fn(&PhasePeak) -> f64) -> f64 {
    peaks.iter().map(of).fold(0.0, f64::max)
}

fn by_phase(peaks: &[PhasePeak]) -> String {
    peaks
        .iter()
        .map(|p| format!("{} {:.0} ({:.0})", p.phase, p.rss_mib, p.anon_mib))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resets the process's peak RSS, so the next phase measures its own.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
