use std::io::Write;

use tracing_subscriber::prelude::*;

use super::*;

fn log_files(dir: &Path) -> Vec<(String, u64)> {
    let mut files: Vec<(String, u64)> = std::fs::read_dir(dir)
        .expect("read log dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().expect("metadata").len(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_log_never_takes_more_than_its_files_times_their_size() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("logs");
    let mut file = RollingFile::open(&dir, 1000, 3).expect("open");
    for i in 0..2000 {
        writeln!(file, "2026-12-06T10:00:00Z  INFO kiosk: line number {i:05}").expect("write");
    }
    file.flush().expect("flush");
    let files = log_files(&dir);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]);
    for (name, len) in &files {
        assert!(*len <= 1000, "{name} holds {len} bytes");
    }
    // The newest lines are kept, the oldest dropped.
    let current = std::fs::read_to_string(dir.join("kiosk.log")).expect("read");
    assert!(current.ends_with("line number 01999\n"), "{current}");
    let all: String = ["kiosk.log.2", "kiosk.log.1", "kiosk.log"]
        .iter()
        .map(|n| std::fs::read_to_string(dir.join(n)).expect("read"))
        .collect();
    assert!(!all.contains("line number 00000"));
    // The files hold an unbroken run of the last lines.
    let numbers: Vec<u32> = all
        .lines()
        .map(|l| l.rsplit(' ').next().expect("number").parse().expect("n"))
        .collect();
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "{numbers:?}");
}

#[test]
fn a_reopened_log_counts_what_is_already_there() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("logs");
    for run in 0..10 {
        let mut file = RollingFile::open(&dir, 300, 2).expect("open");
        for i in 0..5 {
            writeln!(file, "run {run} line {i} of the log").expect("write");
        }
    }
    let files = log_files(&dir);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().all(|(_, len)| *len <= 300), "{files:?}");
}

#[test]
fn one_file_only_starts_over() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("logs");
    let mut file = RollingFile::open(&dir, 100, 1).expect("open");
    for i in 0..50 {
        writeln!(file, "line {i:03} ........").expect("write");
    }
    let files = log_files(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].1 <= 100);
}

#[test]
fn the_last_errors_are_read_back_across_rolled_files() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path();
    let file = RollingFile::open(&log_dir(data), 400, 4).expect("open");
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(SharedFile(Arc::new(Mutex::new(file)))),
    );
    tracing::subscriber::with_default(subscriber, || {
        for i in 0..12 {
            tracing::info!("all is well {i}");
            tracing::error!("sync failed: attempt {i}");
            tracing::warn!("a warning {i}");
        }
    });
    assert!(log_files(&log_dir(data)).len() > 1, "the log rolled over");
    let errors = last_errors(data, 3).expect("read the log");
    let messages: Vec<&str> = errors
        .iter()
        .map(|e| {
            e.line
                .rsplit("kiosk::logging::tests: ")
                .next()
                .expect("msg")
        })
        .collect();
    assert_eq!(
        messages,
        [
            "sync failed: attempt 9",
            "sync failed: attempt 10",
            "sync failed: attempt 11"
        ]
    );
}

#[test]
fn no_log_yet_reads_as_not_found() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let err = last_errors(tmp.path(), 5).expect_err("no log dir");
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
}

#[test]
fn levels_parse_or_name_the_setting() {
    assert!(parse_level("info").is_ok());
    assert!(parse_level("warn,tantivy=error").is_ok());
    let err = parse_level("loud").expect_err("not a level");
    assert!(format!("{err:#}").contains("[log] level"), "{err:#}");
}
