//! Issue 14: the labelled intent examples' vectors are kept in the data
//! dir's `vector_cache.sqlite` by model and text, so a second `kiosk ask`
//! embeds none of them again (the first took 12–31 s embedding all 528).
//! Runs the real binary with the real e5 model; the counts are read from
//! the kiosk's own log. A missing model fails, never skips.

use std::path::Path;
use std::process::{Command, Output};

use crate::embed_support;

const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

fn kiosk(dir: &Path, args: &[&str]) -> Output {
    Command::new(KIOSK)
        .arg("--config")
        .arg(dir.join("kiosk.toml"))
        .args(args)
        .env_remove("KIOSK_CONFIG")
        .current_dir(dir)
        .output()
        .expect("run kiosk")
}

/// The "intent examples: N embedded, M from the vector cache" lines of the
/// log, as (N, M), in order.
fn cache_lines(dir: &Path) -> Vec<(usize, usize)> {
    let log = std::fs::read_to_string(dir.join("data/logs/kiosk.log")).expect("the kiosk's log");
    log.lines()
        .filter_map(|line| {
            let rest = line.split("intent examples: ").nth(1)?;
            let (embedded, rest) = rest.split_once(" embedded, ")?;
            let cached = rest.split_once(" from the vector cache")?.0;
            Some((embedded.parse().ok()?, cached.parse().ok()?))
        })
        .collect()
}

#[test]
fn a_second_ask_takes_every_intent_example_from_the_cache() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let model = embed_support::e5_model();
    let n_examples = kiosk_core::assistant::intents::examples().len();
    assert!(n_examples > 100, "{n_examples} examples");
    // The catalog is imported without the model (its vectors are not what
    // is measured); the questions are asked with it.
    std::fs::write(dir.join("kiosk.toml"), "data_dir = \"data\"\n").expect("config");
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
    let out = kiosk(
        dir,
        &["import", "--from", catalog.to_str().expect("UTF-8 path")],
    );
    assert!(
        out.status.success(),
        "import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(
        dir.join("kiosk.toml"),
        format!(
            "data_dir = \"data\"\n[embed]\nenabled = true\nthreads = 2\nmodel = {:?}\n",
            model.display().to_string()
        ),
    )
    .expect("config");
    let ask = |text: &str| {
        let out = kiosk(dir, &["ask", "--no-record", "--json", text]);
        assert!(
            out.status.success(),
            "ask {text:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reply: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON reply");
        reply["intent"].clone()
    };
    let first = ask("where do I pay?");
    assert_eq!(cache_lines(dir), vec![(n_examples, 0)]);
    assert!(dir.join("data/vector_cache.sqlite").is_file());
    let second = ask("where do I pay?");
    assert_eq!(
        cache_lines(dir),
        vec![(n_examples, 0), (0, n_examples)],
        "the second ask embedded examples again"
    );
    // The vectors read back are the ones embedded: the same reading.
    assert_eq!(first, second);
}
