//! The `kiosk` binary as scripts see it: exit codes, messages on stderr,
//! JSON on stdout.

use std::path::Path;
use std::process::{Command, Output};

const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

fn kiosk(args: &[&str]) -> Output {
    Command::new(KIOSK)
        .args(args)
        .env_remove("KIOSK_CONFIG")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run kiosk")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A copy of `tests/fixtures/mini-store` (a running shoe in sizes 9, out of
/// stock, and 10, and a pair of socks) at `dir`, for the test to change.
fn mini_catalog(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini-store");
    for entry in std::fs::read_dir(&fixture).expect("the mini store fixture") {
        let from = entry.expect("a fixture file").path();
        std::fs::copy(&from, dir.join(from.file_name().expect("a file name")))
            .unwrap_or_else(|e| panic!("copying {}: {e}", from.display()));
    }
}

/// `kiosk import --from <catalog> --data-dir <data>`.
fn import(catalog: &Path, data: &str) -> Output {
    kiosk(&[
        "import",
        "--from",
        &catalog.display().to_string(),
        "--data-dir",
        data,
    ])
}

/// A temp dir holding the mini catalog in `catalog/`, and the path of its
/// data dir `data/`, not imported yet.
fn mini_store() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().expect("temp dir");
    mini_catalog(&tmp.path().join("catalog"));
    let data = tmp.path().join("data").display().to_string();
    (tmp, data)
}

fn imported() -> (tempfile::TempDir, String) {
    let (tmp, data) = mini_store();
    let out = import(&tmp.path().join("catalog"), &data);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    (tmp, data)
}

/// The snapshot that was live still answers.
fn assert_still_live(data: &str) {
    let out = kiosk(&["stock", "--data-dir", data, "shoe-10-blk"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["import", "--help"],
        vec!["search", "--help"],
        vec!["stock", "--help"],
        vec!["snapshot", "--help"],
        vec!["snapshot", "verify", "--help"],
        vec!["bench", "--help"],
        vec!["bench", "search", "--help"],
        vec!["bench", "relevance", "--help"],
        vec!["doctor", "--help"],
    ] {
        let out = kiosk(&args);
        assert_eq!(code(&out), 0, "{args:?}");
        assert!(stdout(&out).contains("Usage: kiosk"), "{args:?}");
    }
    assert_eq!(code(&kiosk(&["no-such-command"])), 2);
}

#[test]
fn import_off_a_terminal_prints_one_summary_line() {
    let (tmp, data) = mini_store();
    let out = import(&tmp.path().join("catalog"), &data);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("imported 2 products, 3 variants (2 in stock, 1 out)"),
        "{text}"
    );
    assert!(
        stderr(&out).is_empty(),
        "no progress bar off a terminal: {}",
        stderr(&out)
    );
}

#[test]
fn a_rejected_import_exits_3_and_names_the_place() {
    let (tmp, data) = imported();
    let bad = tmp.path().join("bad");
    mini_catalog(&bad);
    std::fs::write(
        bad.join("stock.csv"),
        "sku,qty\n\"shoe-9-blk,1\nshoe-10-blk,2\n",
    )
    .expect("write");
    let out = import(&bad, &data);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("stock.csv:2:1: a quoted field opened here"),
        "{err}"
    );
    assert!(err.contains("the live snapshot in"), "{err}");
    assert_still_live(&data);
}

#[test]
fn commands_without_a_snapshot_exit_6_and_say_what_to_run() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("empty").display().to_string();
    let out = kiosk(&["search", "--data-dir", &data, "shoe"]);
    assert_eq!(code(&out), 6);
    assert!(
        stderr(&out).contains("run `kiosk import --from PATH"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_held_lock_exits_5() {
    let (tmp, data) = imported();
    let _held = kiosk_catalog::DataDir::new(&data)
        .begin()
        .expect("take the lock");
    let out = import(&tmp.path().join("catalog"), &data);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("another import or sync is running"));
}

#[test]
fn search_json_has_the_documented_shape() {
    let (_tmp, data) = imported();
    let out = kiosk(&["search", "--data-dir", &data, "--json", "runing shoes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let p = &v["products"][0];
    assert_eq!(p["id"], "shoe");
    assert_eq!(p["title"], "Velo Stride Running Shoe");
    assert_eq!(p["price"], 99.95);
    assert_eq!(p["currency"], "EUR");
    assert_eq!(p["in_stock"], true);
    assert_eq!(p["location"]["text"], "Footwear, aisle 1, shelf A");
    let variant = &p["variants"][0];
    assert_eq!(variant["sku"], "shoe-9-blk");
    assert_eq!(variant["options"]["Size"], "9");
    assert_eq!(variant["options"]["Color"], "Black");
    assert_eq!(variant["quantity"], 0);
    assert_eq!(variant["in_stock"], false);
    assert!(v["timings_ms"]["search"].is_number());
}

#[test]
fn in_stock_filters_apply_to_the_size_asked_for() {
    let (_tmp, data) = imported();
    let in_stock_shoes_in = |size: &str| {
        kiosk(&[
            "search",
            "--data-dir",
            &data,
            "--json",
            "--size",
            size,
            "--in-stock",
            "shoe",
        ])
    };
    let out = in_stock_shoes_in("9");
    assert_eq!(code(&out), 4, "size 9 is out of stock: nothing matches");
    let out = in_stock_shoes_in("10");
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["products"][0]["id"], "shoe");
}

#[test]
fn stock_reports_the_size_and_exits_4_when_nothing_matches() {
    let (_tmp, data) = imported();
    let out = kiosk(&[
        "stock",
        "--data-dir",
        &data,
        "--size",
        "9",
        "--json",
        "shoe",
    ]);
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["matched_by"], "id");
    assert_eq!(v["matching"][0]["sku"], "shoe-9-blk");
    assert_eq!(v["matching"][0]["in_stock"], false);
    assert_eq!(v["snapshot"]["as_of"], "2026-11-22T22:00:00Z");
    let out = kiosk(&["stock", "--data-dir", &data, "--size", "13", "shoe"]);
    assert_eq!(code(&out), 4);
    let out = kiosk(&["stock", "--data-dir", &data, "--json", "kayak"]);
    assert_eq!(code(&out), 4);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["error"], "not_found");
}

#[test]
fn snapshot_info_records_source_creation_and_stock_time() {
    let (_tmp, data) = imported();
    let out = kiosk(&["snapshot", "info", "--json", "--data-dir", &data]);
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["source"].as_str().is_some_and(|s| s.ends_with("catalog")));
    assert_eq!(v["format"], "native");
    assert_eq!(v["stock_as_of"], "2026-11-22T22:00:00Z");
    assert!(v["created_at"].as_str().is_some());
    assert_eq!(v["n_products"], 2);
}

/// Issue 15: a file of a header and one line of 1.5 billion commas is
/// refused, naming the place, with the import's peak memory under 300 MB
/// (read by `/usr/bin/time -v`, as an operator would).
#[test]
fn a_line_of_a_billion_commas_is_refused_in_bounded_memory() {
    use std::io::Write;
    let (tmp, data) = imported();
    let path = tmp.path().join("products_export.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    file.write_all(b"Handle,Title,Body (HTML),Vendor,Variant Price\n")
        .expect("write");
    let block = vec![b','; 1 << 20];
    let mut left: u64 = 1_500_000_000;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n]).expect("write");
        left -= n as u64;
    }
    file.write_all(b"\n").expect("write");
    file.flush().expect("flush");
    drop(file);

    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(KIOSK)
        .args(["import", "--from", &path.display().to_string()])
        .args(["--data-dir", &data])
        .env_remove("KIOSK_CONFIG")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run /usr/bin/time -v kiosk import");
    std::fs::remove_file(&path).expect("remove the 1.5 GB file");
    let err = stderr(&out);
    assert!(
        err.contains("products_export.csv:2:4097: the row has more than 4096 fields"),
        "{err}"
    );
    let peak_kib: u64 = err
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in /usr/bin/time's report: {err}"));
    println!("peak memory of the refused import: {} MiB", peak_kib / 1024);
    assert!(peak_kib < 300 * 1000, "peak memory {peak_kib} KiB");
    assert_still_live(&data);
}

#[test]
fn bench_relevance_scores_both_systems_on_a_wands_layout_set() {
    // Three files in the WANDS layout, written here: the bench imports the
    // products as a catalog and scores the kiosk and FTS5 on the queries.
    let tmp = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    let products = write(
        "product.csv",
        "product_id\tproduct_name\tproduct_class\tcategory hierarchy\tproduct_description\tproduct_features\n\
         0\tportable bluetooth speaker\tSpeakers\tElectronics / Audio\tpairs with phones\tcolor:black\n\
         1\tcanvas sneakers\tSneakers\tShoes\teveryday shoes\t\n\
         2\tbar-b-q grill tongs\tGrilling Tools\tOutdoor / Grilling\tstainless\t\n",
    );
    let queries = write(
        "query.csv",
        "query_id\tquery\tquery_class\n0\tspeaker\tSpeakers\n1\tbbq tongs\tGrilling\n2\tpatio heater\tHeaters\n",
    );
    let labels = write(
        "label.csv",
        "id\tquery_id\tproduct_id\tlabel\n0\t0\t0\tExact\n1\t0\t1\tIrrelevant\n2\t1\t2\tPartial\n",
    );
    let work = tmp.path().join("work").display().to_string();
    let per_query = tmp.path().join("per-query.tsv");
    let out = kiosk(&[
        "bench",
        "relevance",
        "--products",
        &products,
        "--queries",
        &queries,
        "--labels",
        &labels,
        "--work-dir",
        &work,
        "--rounds",
        "1",
        "--per-query",
        &per_query.display().to_string(),
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["n_products"], 3);
    // One row per scored query: both systems' NDCG, their first results
    // and the judged products, each as gain:title.
    let rows = std::fs::read_to_string(&per_query).expect("per-query file");
    let rows: Vec<Vec<&str>> = rows.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0][0], "query");
    let speaker = rows
        .iter()
        .find(|r| r[0] == "speaker")
        .expect("speaker row");
    assert_eq!(speaker.len(), 6, "{speaker:?}");
    assert!(speaker[1].parse::<f64>().is_ok(), "{speaker:?}");
    assert_eq!(speaker[5], "2:portable bluetooth speaker");
    // The query without a relevant product is not scored.
    assert_eq!(json["n_queries"], 2);
    for system in ["kiosk", "fts5"] {
        let ndcg = json[system]["ndcg_at_10"].as_f64().expect("ndcg");
        assert!((0.0..=1.0).contains(&ndcg), "{system}: {ndcg}");
        assert!(json[system]["zero_result_rate"].as_f64().is_some());
    }
    // "speaker" finds the speaker first, not the sneakers.
    assert!(json["kiosk"]["ndcg_at_10"].as_f64().expect("ndcg") >= 0.5);
}

fn write_config(dir: &Path, data: &str, extra: &str) -> String {
    let path = dir.join("kiosk.toml");
    std::fs::write(
        &path,
        format!("data_dir = {data:?}\n[llm]\nenabled = false\n{extra}"),
    )
    .expect("write config");
    path.display().to_string()
}

fn read_log(data: &str) -> String {
    let dir = Path::new(data).join("logs");
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).expect("the log dir exists") {
        text += &std::fs::read_to_string(entry.expect("entry").path()).expect("read log");
    }
    text
}

// Issue 18: the log holds what staff need, never what a shopper said.
#[test]
fn a_shoppers_words_never_reach_the_log() {
    let (tmp, data) = imported();
    let config = write_config(tmp.path(), &data, "[log]\nlevel = \"trace\"\n");
    let said = "Do you have the Velo Stride in size 10 for Zebulon Quartermaine, 0612345678?";
    let out = kiosk(&["--config", &config, "ask", "--json", said]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = kiosk(&[
        "--config",
        &config,
        "ask",
        "Zebulon wants the quartermaine socks",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let log = read_log(&data);
    assert!(
        log.contains("import published a snapshot"),
        "the import was logged: {log}"
    );
    for word in [
        "Zebulon",
        "Quartermaine",
        "0612345678",
        "Velo Stride in size",
    ] {
        assert!(!log.contains(word), "{word:?} is in the log:\n{log}");
    }
}

#[test]
fn doctor_shows_the_last_errors_of_the_log() {
    let (tmp, data) = imported();
    let config = write_config(tmp.path(), &data, "");
    let missing = tmp.path().join("no-such-stick").display().to_string();
    let out = kiosk(&["--config", &config, "sync", "--from", &missing]);
    assert_ne!(code(&out), 0);
    let out = kiosk(&["--config", &config, "doctor", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let errors = v["last_errors"].as_array().expect("last_errors");
    assert_eq!(errors.len(), 1, "{v}");
    let line = errors[0].as_str().expect("a line");
    assert!(
        line.contains("ERROR") && line.contains("no-such-stick"),
        "{line}"
    );
    let out = kiosk(&["--config", &config, "doctor"]);
    assert!(
        stdout(&out).contains("last errors in the log") && stdout(&out).contains("no-such-stick"),
        "{}",
        stdout(&out)
    );
}

// Issue 17: on a machine without a microphone (here: an ALSA
// configuration that knows of no device), `kiosk doctor` says so as a
// warning that never fails it, since shoppers can type; ALSA's own error
// lines stay out of the terminal.
#[test]
fn doctor_without_a_microphone_warns_and_does_not_fail() {
    let (tmp, data) = imported();
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = write_config(
        tmp.path(),
        &data,
        &format!(
            "[speech]\nmodels_dir = {:?}\n",
            repo.join("models").display().to_string()
        ),
    );
    let alsa = tmp.path().join("asound.conf");
    std::fs::write(&alsa, "").expect("write the ALSA config");
    let run = |json: bool| {
        let mut args = vec!["--config", config.as_str(), "doctor"];
        if json {
            args.push("--json");
        }
        Command::new(KIOSK)
            .args(&args)
            .env_remove("KIOSK_CONFIG")
            .env_remove("KIOSK_ALSA_DEBUG")
            .env("ALSA_CONFIG_PATH", &alsa)
            .current_dir(std::env::temp_dir())
            .output()
            .expect("run kiosk")
    };
    let out = run(false);
    let mic = stdout(&out)
        .lines()
        .find(|l| l.contains("microphone"))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no microphone line:\n{}", stdout(&out)));
    assert!(
        mic.starts_with("[warn]")
            && mic.contains("no microphone")
            && mic.contains("can still type"),
        "{mic}"
    );
    assert!(!stderr(&out).contains("ALSA lib"), "{}", stderr(&out));

    // The exit code and `ok` follow the checks alone: the missing
    // microphone is among the warnings, never among the checks.
    let json = run(true);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let checks = v["checks"].as_array().expect("checks");
    // Search by meaning is off by default: that is how the kiosk is meant
    // to run, not a failure.
    assert!(
        checks
            .iter()
            .any(|c| c["name"] == "search by meaning" && c["ok"] == true),
        "{v}"
    );
    assert!(checks.iter().all(|c| c["name"] != "microphone"), "{v}");
    let all_ok = checks.iter().all(|c| c["ok"] == true);
    assert_eq!(v["ok"], all_ok, "{v}");
    assert_eq!(code(&json) == 0, all_ok, "{v}");
    assert_eq!(code(&out), code(&json));
    let warnings = v["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w["name"] == "microphone" && w["ok"] == false),
        "{v}"
    );
    assert!(!stderr(&json).contains("ALSA lib"), "{}", stderr(&json));
}
