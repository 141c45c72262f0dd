//! `kiosk bundle create`: hash the export, write and sign the manifest, and
//! write the bundle to a temporary name renamed into place, so a static
//! server never hands out half a bundle.
//!
//! With photos (from a folder, or fetched by the export's URLs), the export
//! is first imported into a scratch data dir, which matches photos to
//! products and makes their thumbnails exactly as the kiosk's import
//! would; the thumbnails go into the bundle as `catalog/images/ID.card.jpg`
//! and `ID.detail.jpg`, each listed in the signed manifest with its hash.
//!
//! With the embedding model (`--vectors`), that scratch import embeds every
//! product too, and its vectors go into the bundle as
//! `catalog/product_vectors.kvec` (`kiosk_catalog::vectors::carried`),
//! listed and signed like the rest: a kiosk with the same model takes them
//! instead of embedding the products itself. The vectors of the last
//! bundle of the store are kept in the vector cache
//! ([`CreateOptions::vector_cache`], one file a store,
//! `STORE_ID.kvec` in the carried format) and handed to the scratch
//! import as carried vectors, so a re-create embeds only the products
//! whose passage changed; the cache file is then replaced by the new
//! bundle's vectors.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use kiosk_catalog::kiosk_embed::Embedder;
use kiosk_catalog::vectors::carried;
use kiosk_catalog::{DataDir, Format, ImageOptions, ImportOptions, Issue, Progress};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{CHUNK, MANIFEST, SIGNATURE, hex};
use crate::error::{Error, Result};
use crate::keys;
use crate::manifest::{
    self, BUNDLE_FORMAT, FileEntry, Head, IMAGES_DIR, MAX_IMAGES, PAYLOAD_DIR, Summary,
    is_payload_path,
};

/// The files of a native catalog, in bundle order (catalog/README.md).
const NATIVE_FILES: [&str; 8] = [
    "store.toml",
    "products.csv",
    "variants.csv",
    "stock.csv",
    "locations.csv",
    "faq.csv",
    "vocabulary.csv",
    "orders.csv",
];

#[derive(Debug, Clone)]
pub struct CreateOptions {
    /// A native catalog folder, or a folder holding one Shopify or
    /// WooCommerce export (plus optional store.toml and locations.csv).
    pub from: PathBuf,
    /// The minisign secret key.
    pub key: PathBuf,
    pub out: PathBuf,
    /// Default: store.toml's `id`.
    pub store_id: Option<String>,
    /// Default: the creation time as `YYYYMMDDhhmmss`.
    pub version: Option<u64>,
    /// How long the bundle may be applied after `now`.
    pub valid_for: jiff::SignedDuration,
    /// Overrides `valid_for`.
    pub expires: Option<jiff::Timestamp>,
    /// Default: store.toml's `stock_as_of`, else the stock file's
    /// modification time.
    pub stock_as_of: Option<jiff::Timestamp>,
    /// Default: detected from the files.
    pub format: Option<Format>,
    /// The creation time recorded (normally now).
    pub now: jiff::Timestamp,
    /// Product photos to make thumbnails of; none by default.
    pub images: ImageOptions,
    /// Embeds every product and carries the vectors in the bundle; `None`
    /// by default (each kiosk embeds its products itself).
    pub embedder: Option<Arc<Embedder>>,
    /// With `embedder`: the folder keeping each store's last product
    /// vectors (`STORE_ID.kvec`), read for the products whose passage is
    /// unchanged and written anew; `None`: every product is embedded.
    pub vector_cache: Option<PathBuf>,
}

impl CreateOptions {
    /// Bundle version `version` of the catalog at `from`, signed with the
    /// secret key at `key`, written to `out`: made now, valid for a day,
    /// everything else as the catalog says, without photos.
    pub fn new(from: &Path, key: &Path, out: &Path, version: u64) -> CreateOptions {
        CreateOptions {
            from: from.to_path_buf(),
            key: key.to_path_buf(),
            out: out.to_path_buf(),
            store_id: None,
            version: Some(version),
            valid_for: jiff::SignedDuration::from_hours(24),
            expires: None,
            stock_as_of: None,
            format: None,
            now: jiff::Timestamp::now(),
            images: ImageOptions::default(),
            embedder: None,
            vector_cache: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub path: PathBuf,
    /// The manifest's head and counts; the files it lists are in the
    /// bundle (`kiosk bundle verify` checks them).
    pub manifest: Summary,
    pub bytes: u64,
    pub key_id: String,
    /// Files in the folder that are not part of the export.
    pub skipped: Vec<String>,
    /// Products with a photo in the bundle.
    pub n_images: u64,
    /// Photos that could not be used, and why.
    pub image_issues: Vec<Issue>,
    /// Photos decoded and made into thumbnails.
    pub n_thumbnails_made: u64,
    /// Photos whose thumbnails came from the thumbnail cache unchanged.
    pub n_thumbnails_cached: u64,
    /// Thumbnails that could not be stored in the cache.
    pub n_thumbnail_cache_failed: u64,
    /// Time spent matching photos and making thumbnails (and, with
    /// vectors, embedding the products).
    pub images_ms: u64,
    /// Product vectors the bundle carries (`--vectors`).
    pub n_vectors: u64,
    /// How the scratch import made them: embedded, or taken from the
    /// vector cache (its `carried`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vectors: Option<kiosk_catalog::vectors::VectorSummary>,
    /// The vector cache file read and written (`--vectors` with a cache).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector_cache: Option<PathBuf>,
    /// Why the vector cache could not be written; the bundle is whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector_cache_failed: Option<String>,
    pub elapsed_ms: u64,
}

#[derive(Deserialize)]
struct StoreHead {
    id: Option<String>,
    stock_as_of: Option<jiff::Timestamp>,
}

pub fn create(options: &CreateOptions, progress: &mut dyn Progress) -> Result<Created> {
    let started = Instant::now();
    let key = keys::load_secret_key(&options.key)?;
    let dir = &options.from;
    if !dir.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is not a folder: expected a native catalog, or a folder holding one Shopify or WooCommerce export",
            dir.display()
        )));
    }
    let format = match options.format {
        Some(f) => f,
        None if dir.join("products.csv").exists() => Format::Native,
        None => {
            refuse_orders(dir)?;
            kiosk_catalog::import::detect_format(dir)?
        }
    };
    if format != Format::Native {
        refuse_orders(dir)?;
    }
    let (files, skipped) = payload_files(dir, format)?;
    let store = read_store_head(dir)?;
    let store_id = match (&options.store_id, store.as_ref().and_then(|s| s.id.clone())) {
        (Some(flag), Some(file)) if *flag != file => {
            return Err(Error::Invalid(format!(
                "--store-id {flag} but {} says id = {file:?}",
                dir.join("store.toml").display()
            )));
        }
        (Some(flag), _) => flag.clone(),
        (None, Some(file)) => file,
        (None, None) => {
            return Err(Error::Invalid(format!(
                "no store id: pass --store-id, or put a store.toml with id = \"…\" in {}",
                dir.display()
            )));
        }
    };
    let stock_file = if format == Format::Native {
        dir.join("stock.csv")
    } else {
        files
            .iter()
            .find(|(name, _)| name.ends_with(".csv") && name != "locations.csv")
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| dir.to_path_buf())
    };
    let stock_as_of = options
        .stock_as_of
        .or(store.and_then(|s| s.stock_as_of))
        .or_else(|| mtime(&stock_file))
        .unwrap_or(options.now);
    let version = match options.version {
        Some(v) => v,
        None => options
            .now
            .strftime("%Y%m%d%H%M%S")
            .to_string()
            .parse()
            .map_err(|e| Error::Invalid(format!("making a version from the time: {e}")))?,
    };
    let expires = match options.expires {
        Some(t) => t,
        None => options
            .now
            .checked_add(options.valid_for)
            .map_err(|e| Error::Invalid(format!("expiry {} after now: {e}", options.valid_for)))?,
    };

    // Kept until the bundle is written: the manifest, the list of
    // thumbnails and the thumbnails themselves are read from here.
    let parent = options
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(Error::io("creating", parent))?;
    let scratch = tempfile::Builder::new()
        .prefix(".kbundle-scratch-")
        .tempdir_in(parent)
        .map_err(Error::io("creating a scratch folder in", parent))?;
    let mut n_images = 0;
    let mut image_issues = Vec::new();
    let mut thumbnail_counts = (0, 0, 0);
    let mut image_list = None;
    let mut vectors = None;
    let vector_cache = options
        .vector_cache
        .as_ref()
        .filter(|_| options.embedder.is_some())
        .map(|dir| dir.join(format!("{store_id}.kvec")));
    let mut vector_cache_failed = None;
    let images_started = Instant::now();
    if !options.images.is_empty() || options.embedder.is_some() {
        let made = scratch_import(
            options,
            format,
            stock_as_of,
            scratch.path(),
            vector_cache.as_deref(),
            progress,
        )?;
        n_images = made.n_images;
        image_issues = made.issues;
        thumbnail_counts = (made.n_made, made.n_cached, made.n_cache_failed);
        image_list = made.list;
        vectors = made.vectors;
        if let (Some(cache), Some(_)) = (&vector_cache, &vectors) {
            vector_cache_failed =
                store_vector_cache(&scratch.path().join(carried::FILE_NAME), cache)
                    .err()
                    .map(|e| e.to_string());
        }
    }
    let images_ms = started_ms(images_started);
    let total: u64 = files
        .iter()
        .map(|(_, p)| fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    progress.phase("hashing", total);
    let mut exports = Vec::with_capacity(files.len());
    let mut done = 0;
    let vector_file = vectors.as_ref().map(|_| {
        (
            carried::FILE_NAME.to_string(),
            scratch.path().join(carried::FILE_NAME),
        )
    });
    for (name, path) in files.iter().chain(vector_file.as_ref()) {
        let file = File::open(path).map_err(Error::io("opening", path))?;
        let (size, sha256) = hash_stream(file, path, &mut |n| {
            done += n;
            progress.set(done);
        })?;
        exports.push((
            FileEntry {
                path: format!("{PAYLOAD_DIR}/{name}"),
                size,
                sha256,
            },
            path.clone(),
        ));
    }
    let head = Head {
        bundle_format: BUNDLE_FORMAT,
        store_id: store_id.clone(),
        version,
        created: options.now,
        stock_as_of,
        expires,
        catalog_format: format.name().to_string(),
    };
    // The manifest is written to disk line by line: with photos it lists
    // two files a product.
    let manifest_path = scratch.path().join(MANIFEST);
    let invalid = |e: crate::error::Rejection| Error::Invalid(e.to_string());
    let out = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&manifest_path)
        .map_err(Error::io("creating", &manifest_path))?;
    let mut writer = manifest::Writer::new(head, BufWriter::new(out)).map_err(invalid)?;
    for (entry, _) in &exports {
        writer.entry(entry).map_err(invalid)?;
    }
    if let Some(list) = &image_list {
        for_each_image(list, scratch.path(), |entry, _| {
            writer.entry(&entry).map_err(invalid)
        })?;
    }
    let (manifest, out) = writer.finish().map_err(invalid)?;
    let mut manifest_file = out
        .into_inner()
        .map_err(|e| Error::io("writing", &manifest_path)(e.into_error()))?;
    manifest_file
        .rewind()
        .map_err(Error::io("reading", &manifest_path))?;
    let signature = minisign::sign(
        Some(&key.public),
        &key.secret,
        BufReader::with_capacity(CHUNK, &manifest_file),
        Some(&format!("kiosk bundle {store_id} v{version}")),
        Some("signature of a kiosk bundle manifest"),
    )
    .map_err(|e| Error::Key(format!("signing the manifest: {e}")))?
    .into_string();

    progress.phase("writing", manifest.total_bytes);
    let tmp = partial_path(&options.out);
    let result = write_tar(
        &tmp,
        &manifest,
        &manifest_path,
        &signature,
        &exports,
        image_list.as_deref().map(|list| (list, scratch.path())),
        progress,
    )
    .and_then(|()| {
        fs::rename(&tmp, &options.out).map_err(Error::io("moving the bundle to", &options.out))
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    if let Some(parent) = options.out.parent() {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        File::open(parent)
            .and_then(|d| d.sync_all())
            .map_err(Error::io("syncing", parent))?;
    }
    drop(scratch);
    let bytes = fs::metadata(&options.out)
        .map_err(Error::io("reading", &options.out))?
        .len();
    Ok(Created {
        path: options.out.clone(),
        manifest,
        bytes,
        key_id: key.key_id,
        skipped,
        n_images,
        image_issues,
        n_thumbnails_made: thumbnail_counts.0,
        n_thumbnails_cached: thumbnail_counts.1,
        n_thumbnail_cache_failed: thumbnail_counts.2,
        images_ms,
        n_vectors: vectors.as_ref().map_or(0, |(n, _)| *n),
        vectors: vectors.map(|(_, summary)| summary),
        vector_cache,
        vector_cache_failed,
        elapsed_ms: started_ms(started),
    })
}

fn started_ms(started: Instant) -> u64 {
    started.elapsed().as_millis() as u64
}

/// Thumbnails and vectors made for a bundle, in the scratch folder.
struct Made {
    /// Each thumbnail's name, size and sha256, a line each, in bundle
    /// order (see [`for_each_image`]); `None` without photos.
    list: Option<PathBuf>,
    /// The vectors written to [`carried::FILE_NAME`] and how they were
    /// made; `None` without the model.
    vectors: Option<(u64, kiosk_catalog::vectors::VectorSummary)>,
    n_images: u64,
    n_made: u64,
    n_cached: u64,
    n_cache_failed: u64,
    issues: Vec<Issue>,
}

/// The list of thumbnails in the scratch folder.
const IMAGE_LIST: &str = "images.list";

/// Imports the export into a scratch data dir with its photos and the
/// embedding model, writes each product's thumbnails out as files named
/// by its id, listing each with its size and sha256 as it goes (nothing is
/// kept a product), and the vectors to [`carried::FILE_NAME`], taking
/// those of unchanged products from `vector_cache` when it exists.
fn scratch_import(
    options: &CreateOptions,
    format: Format,
    stock_as_of: jiff::Timestamp,
    scratch: &Path,
    vector_cache: Option<&Path>,
    progress: &mut dyn Progress,
) -> Result<Made> {
    let data_dir = DataDir::new(scratch.join("data"));
    let mut import = ImportOptions::new(options.from.clone());
    import.format = Some(format);
    import.stock_as_of = Some(stock_as_of);
    import.images = options.images.clone();
    import.embedder = options.embedder.clone();
    import.vectors = vector_cache.filter(|p| p.is_file()).map(Path::to_path_buf);
    let summary = kiosk_catalog::import::import(&data_dir, &import, progress)?;
    let db = summary
        .snapshot_path
        .join(kiosk_catalog::schema::SNAPSHOT_DB);
    let conn = rusqlite::Connection::open_with_flags(
        &db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::Invalid(format!("opening {}: {e}", db.display())))?;
    let vectors = match &summary.vectors {
        Some(made) => {
            let n = carried::write(&conn, &scratch.join(carried::FILE_NAME))?;
            Some((n, made.clone()))
        }
        None => None,
    };
    if options.images.is_empty() {
        drop(conn);
        let _ = fs::remove_dir_all(scratch.join("data"));
        return Ok(Made {
            list: None,
            vectors,
            n_images: 0,
            n_made: 0,
            n_cached: 0,
            n_cache_failed: 0,
            issues: Vec::new(),
        });
    }
    let (n_made, n_cached, n_cache_failed) = (
        summary.n_thumbnails_made,
        summary.n_thumbnails_cached,
        summary.n_thumbnail_cache_failed,
    );
    let mut issues: Vec<Issue> = summary
        .issues
        .into_iter()
        .filter(|i| {
            matches!(
                i.rule,
                kiosk_catalog::Rule::BadImage
                    | kiosk_catalog::Rule::UnmatchedImage
                    | kiosk_catalog::Rule::DuplicateImage
            )
        })
        .collect();
    let out_dir = scratch.join(IMAGES_DIR);
    fs::create_dir(&out_dir).map_err(Error::io("creating", &out_dir))?;
    let list_path = scratch.join(IMAGE_LIST);
    let mut list =
        BufWriter::new(File::create(&list_path).map_err(Error::io("creating", &list_path))?);
    let mut stmt = conn
        .prepare(
            "SELECT p.id, i.card, i.detail FROM images i JOIN products p ON p.rowid = i.product_rowid ORDER BY p.rowid",
        )
        .map_err(|e| Error::Invalid(format!("reading thumbnails: {e}")))?;
    let mut rows = stmt
        .query([])
        .map_err(|e| Error::Invalid(format!("reading thumbnails: {e}")))?;
    let mut n_images = 0u64;
    progress.phase("thumbnails", summary.n_images);
    while let Some(row) = rows
        .next()
        .map_err(|e| Error::Invalid(format!("reading thumbnails: {e}")))?
    {
        let read = |i| -> Result<Vec<u8>> {
            row.get(i)
                .map_err(|e| Error::Invalid(format!("reading thumbnails: {e}")))
        };
        let id: String = row
            .get(0)
            .map_err(|e| Error::Invalid(format!("reading thumbnails: {e}")))?;
        let names = [format!("{id}.card.jpg"), format!("{id}.detail.jpg")];
        if !names
            .iter()
            .all(|n| is_payload_path(&format!("{PAYLOAD_DIR}/{IMAGES_DIR}/{n}")))
        {
            issues.push(Issue::file_note(
                &options.from.display().to_string(),
                kiosk_catalog::Rule::BadImage,
                format!(
                    "product id {id:?} cannot name a file in a bundle (letters, digits, '-', '_', '.', up to 90 characters): its photo is left out"
                ),
            ));
            continue;
        }
        if n_images as usize >= MAX_IMAGES {
            return Err(Error::Invalid(format!(
                "more than {MAX_IMAGES} products with photos: a bundle carries at most {MAX_IMAGES}"
            )));
        }
        for (name, column) in names.into_iter().zip([1, 2]) {
            let path = out_dir.join(&name);
            let bytes = read(column)?;
            fs::write(&path, &bytes).map_err(Error::io("writing", &path))?;
            writeln!(
                list,
                "{name}\t{}\t{}",
                bytes.len(),
                super::sha256_hex(&bytes)
            )
            .map_err(Error::io("writing", &list_path))?;
        }
        n_images += 1;
        progress.set(n_images);
    }
    drop(rows);
    drop(stmt);
    drop(conn);
    list.into_inner()
        .map_err(|e| Error::io("writing", &list_path)(e.into_error()))?;
    // The scratch snapshot is no longer needed; its disk space is.
    let _ = fs::remove_dir_all(scratch.join("data"));
    Ok(Made {
        list: Some(list_path),
        vectors,
        n_images,
        n_made,
        n_cached,
        n_cache_failed,
        issues,
    })
}

/// Replaces the vector cache file `cache` by the bundle's vectors at
/// `made`: copied to a temporary name beside it and renamed into place,
/// so a cache file is always one whole bundle's vectors.
fn store_vector_cache(made: &Path, cache: &Path) -> Result<()> {
    let dir = cache
        .parent()
        .ok_or_else(|| Error::Invalid(format!("{} has no folder", cache.display())))?;
    fs::create_dir_all(dir).map_err(Error::io("creating", dir))?;
    let temp = tempfile::Builder::new()
        .prefix(".kvec-")
        .tempfile_in(dir)
        .map_err(Error::io("creating a file in", dir))?;
    fs::copy(made, temp.path()).map_err(Error::io("writing", temp.path()))?;
    temp.persist(cache)
        .map_err(|e| Error::io("writing", cache)(e.error))?;
    Ok(())
}

/// Each thumbnail in the list `thumbnails` wrote, in order, as a manifest
/// entry with its file in the scratch folder; read a line at a time.
fn for_each_image(
    list: &Path,
    scratch: &Path,
    mut f: impl FnMut(FileEntry, PathBuf) -> Result<()>,
) -> Result<()> {
    let file = File::open(list).map_err(Error::io("opening", list))?;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(Error::io("reading", list))?;
        let mut fields = line.split('\t');
        let (Some(name), Some(size), Some(sha256)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(Error::Invalid(format!(
                "{}: a line {line:?}",
                list.display()
            )));
        };
        let size = size
            .parse()
            .map_err(|_| Error::Invalid(format!("{}: a line {line:?}", list.display())))?;
        f(
            FileEntry {
                path: format!("{PAYLOAD_DIR}/{IMAGES_DIR}/{name}"),
                size,
                sha256: sha256.to_string(),
            },
            scratch.join(IMAGES_DIR).join(name),
        )?;
    }
    Ok(())
}

/// The importer reads orders.csv only beside a native catalog.
fn refuse_orders(dir: &Path) -> Result<()> {
    if dir.join("orders.csv").exists() {
        return Err(Error::Invalid(format!(
            "{}: orders are read only with a native catalog (catalog/README.md); convert the export to the native format or leave orders.csv out",
            dir.join("orders.csv").display()
        )));
    }
    Ok(())
}

/// The export's files as (name, path).
type Files = Vec<(String, PathBuf)>;

/// The export's files, and the names of the others.
fn payload_files(dir: &Path, format: Format) -> Result<(Files, Vec<String>)> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(Error::io("reading", dir))?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let wanted = |name: &str| match format {
        Format::Native => NATIVE_FILES.contains(&name),
        Format::Shopify | Format::Woocommerce => {
            name == "store.toml" || name.to_ascii_lowercase().ends_with(".csv")
        }
    };
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for name in names {
        if wanted(&name) && crate::manifest::is_payload_path(&format!("{PAYLOAD_DIR}/{name}")) {
            files.push((name.clone(), dir.join(&name)));
        } else {
            skipped.push(name);
        }
    }
    if format == Format::Native {
        files.sort_by_key(|(name, _)| NATIVE_FILES.iter().position(|n| n == name));
        for required in ["store.toml", "products.csv", "variants.csv", "stock.csv"] {
            if !files.iter().any(|(n, _)| n == required) {
                return Err(Error::Invalid(format!(
                    "{} is missing: a native catalog needs store.toml, products.csv, variants.csv and stock.csv",
                    dir.join(required).display()
                )));
            }
        }
    }
    if files.is_empty() {
        return Err(Error::Invalid(format!(
            "{} holds no export files",
            dir.display()
        )));
    }
    Ok((files, skipped))
}

fn read_store_head(dir: &Path) -> Result<Option<StoreHead>> {
    let path = dir.join("store.toml");
    if !path.exists() {
        return Ok(None);
    }
    let text = fs::read_to_string(&path).map_err(Error::io("reading", &path))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    toml::from_str(text)
        .map(Some)
        .map_err(|e| Error::Invalid(format!("{}: {}", path.display(), e.message())))
}

fn mtime(path: &Path) -> Option<jiff::Timestamp> {
    let modified = fs::metadata(path).ok()?.modified().ok()?;
    jiff::Timestamp::try_from(modified).ok()
}

/// `DIR/.NAME.partial` beside `out`.
fn partial_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    out.with_file_name(format!(".{name}.partial"))
}

fn hash_stream(
    mut reader: impl Read,
    path: &Path,
    on_bytes: &mut dyn FnMut(u64),
) -> Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("reading", path)(e)),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
        on_bytes(n as u64);
    }
    Ok((size, hex(&hasher.finalize())))
}

/// Reads through to a hasher on the way into the tar.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

fn write_tar(
    tmp: &Path,
    manifest: &Summary,
    manifest_path: &Path,
    signature: &str,
    exports: &[(FileEntry, PathBuf)],
    images: Option<(&Path, &Path)>,
    progress: &mut dyn Progress,
) -> Result<()> {
    let file = File::create(tmp).map_err(Error::io("creating", tmp))?;
    let mut builder = tar::Builder::new(BufWriter::with_capacity(1 << 20, file));
    let mtime = manifest.head.created.as_second().max(0) as u64;
    let append = |builder: &mut tar::Builder<BufWriter<File>>,
                  name: &str,
                  size: u64,
                  data: &mut dyn Read|
     -> Result<()> {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(size);
        header.set_mode(0o644);
        header.set_mtime(mtime);
        builder
            .append_data(&mut header, name, data)
            .map_err(Error::io("writing", tmp))
    };
    let manifest_file = File::open(manifest_path).map_err(Error::io("opening", manifest_path))?;
    let manifest_size = manifest_file
        .metadata()
        .map_err(Error::io("reading", manifest_path))?
        .len();
    append(
        &mut builder,
        MANIFEST,
        manifest_size,
        &mut BufReader::with_capacity(CHUNK, manifest_file.take(manifest_size)),
    )?;
    append(
        &mut builder,
        SIGNATURE,
        signature.len() as u64,
        &mut signature.as_bytes(),
    )?;
    let mut done = 0;
    let mut add = |entry: &FileEntry, path: &Path| -> Result<()> {
        let file = File::open(path).map_err(Error::io("opening", path))?;
        let mut reader = Hashing {
            inner: file.take(entry.size),
            hasher: Sha256::new(),
            size: 0,
        };
        append(&mut builder, &entry.path, entry.size, &mut reader)?;
        if reader.size != entry.size || hex(&reader.hasher.finalize()) != entry.sha256 {
            return Err(Error::Invalid(format!(
                "{} changed while the bundle was being made: run bundle create again",
                path.display()
            )));
        }
        done += entry.size;
        progress.set(done);
        Ok(())
    };
    for (entry, path) in exports {
        add(entry, path)?;
    }
    if let Some((list, scratch)) = images {
        for_each_image(list, scratch, |entry, path| add(&entry, &path))?;
    }
    let writer = builder.into_inner().map_err(Error::io("writing", tmp))?;
    let file = writer
        .into_inner()
        .map_err(|e| Error::io("writing", tmp)(e.into_error()))?;
    file.sync_all().map_err(Error::io("syncing", tmp))
}
