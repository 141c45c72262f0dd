//! The kiosk's log: `tracing` events written to `logs/kiosk.log` in the data
//! dir, one line each, by a writer that rolls the file over at a size limit
//! and keeps a fixed number of old files, so an unattended kiosk cannot fill
//! its disk. Records of libraries that use the `log` crate (tantivy) are
//! bridged in.
//!
//! What goes in: syncs applied or refused, import issues, model loads,
//! staff-call delivery, errors. What never goes in: what a shopper said or
//! typed (the assistant's turns are not logged).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use anyhow::Context;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;

/// The current log file's name; older ones are `kiosk.log.1` (newest) to
/// `kiosk.log.<files - 1>`.
pub const LOG_FILE: &str = "kiosk.log";

/// Where the log lives in a data dir.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// A file that rolls over before it would pass `max_file_bytes`, keeping at
/// most `max_files` files in all (the current one included): the log never
/// takes more than `max_files × max_file_bytes` (plus one line, when a
/// single line is longer than the limit).
#[derive(Debug)]
pub struct RollingFile {
    dir: PathBuf,
    max_file_bytes: u64,
    max_files: u32,
    file: Option<File>,
    len: u64,
}

impl RollingFile {
    pub fn open(dir: &Path, max_file_bytes: u64, max_files: u32) -> io::Result<RollingFile> {
        std::fs::create_dir_all(dir)?;
        let mut rolling = RollingFile {
            dir: dir.to_path_buf(),
            max_file_bytes: max_file_bytes.max(1),
            max_files: max_files.max(1),
            file: None,
            len: 0,
        };
        rolling.reopen()?;
        Ok(rolling)
    }

    fn path(&self, n: u32) -> PathBuf {
        if n == 0 {
            self.dir.join(LOG_FILE)
        } else {
            self.dir.join(format!("{LOG_FILE}.{n}"))
        }
    }

    fn reopen(&mut self) -> io::Result<()> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path(0))?;
        self.len = file.metadata()?.len();
        self.file = Some(file);
        Ok(())
    }

    /// `kiosk.log` becomes `kiosk.log.1`, `.1` becomes `.2`, and so on;
    /// the oldest is deleted.
    fn roll(&mut self) -> io::Result<()> {
        self.file = None;
        let last = self.max_files - 1;
        if last == 0 {
            std::fs::remove_file(self.path(0)).or_else(not_found_ok)?;
        } else {
            std::fs::remove_file(self.path(last)).or_else(not_found_ok)?;
            for n in (0..last).rev() {
                std::fs::rename(self.path(n), self.path(n + 1)).or_else(not_found_ok)?;
            }
        }
        self.reopen()
    }
}

fn not_found_ok(e: io::Error) -> io::Result<()> {
    if e.kind() == io::ErrorKind::NotFound {
        Ok(())
    } else {
        Err(e)
    }
}

impl Write for RollingFile {
    /// Takes whole records (the formatter writes one line at a time): a
    /// record that would pass the limit starts the next file.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.len > 0 && self.len + buf.len() as u64 > self.max_file_bytes {
            self.roll()?;
        }
        if self.file.is_none() {
            self.reopen()?;
        }
        let file = self.file.as_mut().expect("reopened above");
        file.write_all(buf)?;
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// Hands the formatter the shared file for one record at a time.
#[derive(Clone)]
struct SharedFile(Arc<Mutex<RollingFile>>);

struct Locked<'a>(MutexGuard<'a, RollingFile>);

impl Write for Locked<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<'a> MakeWriter<'a> for SharedFile {
    type Writer = Locked<'a>;
    fn make_writer(&'a self) -> Locked<'a> {
        Locked(self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Parses the `[log] level` setting: a level ("info") or per-target
/// levels ("info,tantivy=warn").
pub fn parse_level(level: &str) -> anyhow::Result<Targets> {
    let expected = || {
        format!(
            "[log] level: expected a level (off, error, warn, info, debug, trace) or \
             target=level pairs separated by commas, found {level:?}"
        )
    };
    // `Targets` would take a lone word that is no level as a target name
    // (and log everything from it): each part must name a level.
    for part in level.split(',') {
        let lvl = part.rsplit('=').next().unwrap_or(part).trim();
        if lvl
            .parse::<tracing_subscriber::filter::LevelFilter>()
            .is_err()
        {
            anyhow::bail!(expected());
        }
    }
    level.parse::<Targets>().with_context(expected)
}

/// Starts logging to `logs/` in `data_dir` (made if missing), for the rest
/// of the process. A logger already installed (tests driving several
/// commands in one process) is kept.
pub fn init(config: &crate::config::LogSection, data_dir: &Path) -> anyhow::Result<()> {
    let filter = parse_level(&config.level)?;
    let dir = log_dir(data_dir);
    let file = RollingFile::open(
        &dir,
        config.max_file_kib.saturating_mul(1024),
        config.max_files,
    )
    .with_context(|| format!("opening the log in {}", dir.display()))?;
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(SharedFile(Arc::new(Mutex::new(file))));
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
    Ok(())
}

/// One error line of the log: when, where from, what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoggedError {
    pub line: String,
}

/// The last `n` ERROR records in the log of `data_dir`, oldest first
/// (the current file and the rolled ones).
pub fn last_errors(data_dir: &Path, n: usize) -> io::Result<Vec<LoggedError>> {
    let dir = log_dir(data_dir);
    let mut files: Vec<(u32, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let rank = if name == LOG_FILE {
            Some(0)
        } else {
            name.strip_prefix(LOG_FILE)
                .and_then(|rest| rest.strip_prefix('.'))
                .and_then(|k| k.parse::<u32>().ok())
        };
        if let Some(rank) = rank {
            files.push((rank, entry.path()));
        }
    }
    // Oldest (highest number) first.
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    let mut errors = Vec::new();
    for (_, path) in files {
        let bytes = std::fs::read(&path)?;
        for line in String::from_utf8_lossy(&bytes).lines() {
            if is_error_line(line) {
                errors.push(LoggedError {
                    line: line.to_string(),
                });
            }
        }
    }
    let skip = errors.len().saturating_sub(n);
    Ok(errors.split_off(skip))
}

/// The formatter writes `<time> <LEVEL> <target>: <message>`, the level
/// padded to five characters.
fn is_error_line(line: &str) -> bool {
    line.split_whitespace().nth(1) == Some("ERROR")
}

#[cfg(test)]
mod tests;
