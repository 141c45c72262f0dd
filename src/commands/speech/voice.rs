//! `kiosk bench voice`: shopper questions spoken by espeak-ng, clean and
//! with background noise, through the app's path (the capture pipeline fed
//! from a WAV, Whisper with the store prompt, the assistant), each answer
//! compared with the answer to the same question typed.
//!
//! The questions are made from the snapshot: products of each brand, their
//! sizes and colours (colour words from the store's vocabulary), put into a
//! few question patterns per language. Nothing is fixed to one catalog.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use clap::Args;
use kiosk_bench::wer::{self, Metric};
use kiosk_catalog::{DataDir, Snapshot};
use kiosk_core::Lang;
use kiosk_core::assistant::{Assistant, Clock, Reply, Session, TurnInput};
use kiosk_core::lexicon::ConceptKind;
use kiosk_core::model::ProductRecord;
use kiosk_core::traits::{SearchRequest, StockLookup};
use kiosk_speech::capture::{CaptureOptions, Recording};
use kiosk_speech::{WhisperEngine, prompt};
use serde::Serialize;

use super::{ModelArgs, capture_options, load_engine, store_prompts};
use crate::commands::ExitCode;
use crate::config::Config;
use crate::services::speech::HeardNames;

#[derive(Debug, Args)]
pub struct BenchVoiceArgs {
    #[command(flatten)]
    pub data_dir: crate::cli::DataDirArg,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Languages (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = Lang::ALL)]
    pub langs: Vec<Lang>,
    /// Questions per language.
    #[arg(long, default_value_t = 40)]
    pub per_lang: usize,
    /// The background noise mixed in (and heard alone). Default:
    /// $KIOSK_SHARED_DATA/audio/stp_background_noise.wav.
    #[arg(long, value_name = "WAV")]
    pub noise: Option<PathBuf>,
    /// Speech-to-noise ratio of the noisy condition.
    #[arg(long, default_value_t = 10.0)]
    pub snr_db: f64,
    /// Transcribe without the store prompt (to measure what it brings).
    #[arg(long)]
    pub no_prompt: bool,
    /// Give the assistant the transcript as heard, without putting the
    /// store's names back (to measure what that brings).
    #[arg(long)]
    pub no_names: bool,
    /// Only the clean condition.
    #[arg(long)]
    pub clean_only: bool,
    /// The espeak-ng program.
    #[arg(long, default_value = "espeak-ng")]
    pub espeak: PathBuf,
    #[arg(long)]
    pub json: bool,
}

/// One generated question.
#[derive(Debug, Clone, Serialize)]
struct Question {
    lang: Lang,
    text: String,
    product_id: String,
    voice: String,
    speed: u32,
}

#[derive(Debug, Clone, Serialize)]
struct VoiceRow {
    lang: Lang,
    condition: &'static str,
    question: String,
    voice: String,
    speed: u32,
    transcript: String,
    /// The transcript with the store's names put back: the assistant's
    /// turn.
    read_as: String,
    error_rate: f64,
    /// The error of `read_as` against the spoken text.
    read_error_rate: f64,
    /// The typed question's answer names the product asked about.
    typed_names_product: bool,
    /// The spoken question got the same products and stock as the typed.
    same_answer: bool,
    /// ... and the same kind of answer (price, place, availability).
    same_intent: bool,
    /// The products and stock of the typed question's answer, and of the
    /// spoken one's (as compared).
    typed_facts: String,
    spoken_facts: String,
    transcribe_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
struct LangSummary {
    lang: Lang,
    condition: &'static str,
    questions: usize,
    metric: Metric,
    error_rate: f64,
    read_error_rate: f64,
    same_answer: f64,
    same_answer_and_intent: f64,
    typed_names_product: f64,
    median_transcribe_ms: f64,
}

/// Question patterns per language: {name} is the product line as a
/// shopper says it, {size} and {color} one of its variants'.
fn patterns(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Do you have the {name} in size {size}?",
            "How much is the {name}?",
            "Do you have the {name} in {color}?",
            "Where can I find the {name}?",
        ],
        Lang::Nl => &[
            "Hebben jullie de {name} in maat {size}?",
            "Hoeveel kost de {name}?",
            "Hebben jullie de {name} in het {color}?",
            "Waar vind ik de {name}?",
        ],
        Lang::Id => &[
            "Apakah ada {name} ukuran {size}?",
            "Berapa harga {name}?",
            "Apakah ada {name} warna {color}?",
            "Di mana saya bisa menemukan {name}?",
        ],
        Lang::Zh => &[
            "{name}有{size}号吗？",
            "{name}多少钱？",
            "{name}有{color}的吗？",
            "{name}在哪里？",
        ],
    }
}

/// espeak-ng voices per language.
fn voices(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &["en-us", "en-gb-x-rp", "en-us+f3"],
        Lang::Nl => &["nl", "nl+f3"],
        Lang::Id => &["id", "id+f3"],
        // Not "cmn": espeak-ng 1.51 (Debian 12) turns Chinese into
        // pinyin and reads its tone digits aloud in English ("you3" as
        // "you three"); "cmn-latn-pinyin" says the syllables in Mandarin.
        Lang::Zh => &["cmn-latn-pinyin", "cmn-latn-pinyin+f3"],
    }
}

const SPEEDS: [u32; 2] = [150, 175];

/// The store's products, a few per brand, in a fixed order: brand by
/// brand, taking each brand's next product in turn.
fn products(snapshot: &Snapshot, max: usize) -> anyhow::Result<Vec<ProductRecord>> {
    let mut per_brand: Vec<Vec<ProductRecord>> = Vec::new();
    for brand in snapshot.brands() {
        let mut request = SearchRequest::new(brand.clone());
        request.limit = 50;
        let mut hits: Vec<ProductRecord> = snapshot
            .search(&request)
            .with_context(|| format!("searching for {brand}"))?
            .into_iter()
            .map(|h| h.record)
            .filter(|r| r.product.brand.as_deref() == Some(brand.as_str()))
            .filter(|r| prompt::line_name(&r.product.title, snapshot.brands()).is_some())
            .collect();
        hits.sort_by(|a, b| a.product.id.cmp(&b.product.id));
        // One product per line name: two of one line sound the same.
        let mut seen: Vec<String> = Vec::new();
        hits.retain(|r| {
            let name = prompt::line_name(&r.product.title, snapshot.brands()).unwrap_or_default();
            let new = !seen.contains(&name);
            seen.push(name);
            new
        });
        per_brand.push(hits);
    }
    let mut out = Vec::new();
    for round in 0.. {
        let mut any = false;
        for hits in &per_brand {
            if let Some(r) = hits.get(round) {
                any = true;
                if out.len() < max {
                    out.push(r.clone());
                }
            }
        }
        if !any || out.len() >= max {
            break;
        }
    }
    Ok(out)
}

/// The store's colour (as its variants spell it) in `lang`, from the
/// store's vocabulary; the store's spelling when it has no translation.
fn color_word(snapshot: &Snapshot, color: &str, lang: Lang) -> String {
    let key = color.to_lowercase();
    snapshot
        .lexicon()
        .concepts()
        .iter()
        .filter(|c| c.kind == ConceptKind::Color)
        .find(|c| {
            c.terms(Lang::En).iter().any(|t| t.to_lowercase() == key) || c.id.to_lowercase() == key
        })
        .and_then(|c| c.terms(lang).first().cloned())
        .unwrap_or_else(|| {
            if lang == Lang::En {
                key
            } else {
                color.to_string()
            }
        })
}

fn questions(snapshot: &Snapshot, lang: Lang, n: usize) -> anyhow::Result<Vec<Question>> {
    let products = products(snapshot, n.max(1))?;
    if products.is_empty() {
        bail!("the snapshot has no branded products to ask about");
    }
    let pats = patterns(lang);
    let voices = voices(lang);
    let mut out = Vec::new();
    for i in 0..n {
        let record = &products[i % products.len()];
        let name = prompt::line_name(&record.product.title, snapshot.brands())
            .unwrap_or_else(|| record.product.title.clone());
        let variant = &record.variants[i % record.variants.len().max(1)];
        let size = variant.size();
        let color = variant.color();
        // A pattern the variant can fill: the size or colour ones need one.
        let pattern = (0..pats.len())
            .map(|k| pats[(i + k) % pats.len()])
            .find(|p| {
                (!p.contains("{size}") || size.is_some())
                    && (!p.contains("{color}") || color.is_some())
            })
            .unwrap_or(pats[1]);
        let text = pattern
            .replace("{name}", &name)
            .replace("{size}", size.unwrap_or(""))
            .replace(
                "{color}",
                &color
                    .map(|c| color_word(snapshot, c, lang))
                    .unwrap_or_default(),
            );
        out.push(Question {
            lang,
            text: without_repeats(&text),
            product_id: record.product.id.clone(),
            voice: voices[i % voices.len()].to_string(),
            speed: SPEEDS[(i / voices.len()) % SPEEDS.len()],
        });
    }
    Ok(out)
}

/// `text` with a word said twice in a row said once: a colour term that
/// starts with the pattern's own word ("warna {color}" with "warna perak").
fn without_repeats(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for word in text.split(' ') {
        if out
            .last()
            .is_some_and(|last| last.eq_ignore_ascii_case(word))
        {
            continue;
        }
        out.push(word);
    }
    out.join(" ")
}

fn speak(espeak: &Path, q: &Question, out: &Path) -> anyhow::Result<Vec<f32>> {
    let status = Command::new(espeak)
        .args(["-v", &q.voice, "-s", &q.speed.to_string(), "-w"])
        .arg(out)
        .arg(&q.text)
        .status()
        .with_context(|| format!("running {} (Debian: espeak-ng)", espeak.display()))?;
    if !status.success() {
        bail!("{} -v {} failed: {status}", espeak.display(), q.voice);
    }
    Ok(kiosk_speech::audio::read_wav(out)?.samples)
}

/// `speech` with `noise` (looped) added at `snr_db`, with half a second of
/// noise before and after, as a shopper's question in a busy shop.
pub fn mix(speech: &[f32], noise: &[f32], snr_db: f64) -> Vec<f32> {
    let pad = 8_000;
    let power = |x: &[f32]| {
        x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len().max(1) as f64
    };
    let speech_power = power(speech);
    let noise_power = power(noise);
    let gain = if noise_power > 0.0 {
        (speech_power / noise_power / 10f64.powf(snr_db / 10.0)).sqrt()
    } else {
        0.0
    };
    let len = speech.len() + 2 * pad;
    (0..len)
        .map(|i| {
            let s = if i >= pad && i < pad + speech.len() {
                speech[i - pad]
            } else {
                0.0
            };
            let n = if noise.is_empty() {
                0.0
            } else {
                noise[i % noise.len()]
            };
            (f64::from(s) + gain * f64::from(n)).clamp(-1.0, 1.0) as f32
        })
        .collect()
}

/// The products and stock a reply shows: what must not change between the
/// typed and the spoken question. (The kind of answer is compared apart:
/// a question whose "where" was misheard still shows the shopper the
/// product and its stock.)
fn facts(reply: &Reply) -> String {
    let products: Vec<_> = reply
        .products
        .iter()
        .map(|p| {
            let stock: Vec<_> = p
                .variants
                .iter()
                .map(|v| (v.sku.as_str(), v.quantity, v.in_stock))
                .collect();
            (p.id.as_str(), p.in_stock, stock)
        })
        .collect();
    serde_json::to_string(&products).unwrap_or_default()
}

/// Records `samples` through the capture pipeline (as the app does with
/// `[speech] input_wav`) and transcribes the utterance.
fn hear(
    engine: &WhisperEngine,
    samples: &[f32],
    wav: &Path,
    options: &CaptureOptions,
    lang: Lang,
) -> anyhow::Result<(String, Option<Lang>, f64)> {
    kiosk_speech::audio::write_wav_16k(wav, samples)?;
    let utterance = Recording::wav(wav, false, options.clone()).wait()?;
    if !utterance.heard_speech || utterance.samples.is_empty() {
        return Ok((String::new(), Some(lang), 0.0));
    }
    let t = engine.transcribe(&utterance.samples, Some(lang.code()))?;
    Ok((t.text.trim().to_string(), t.lang, t.elapsed_ms))
}

pub fn bench_voice(config: &Config, args: BenchVoiceArgs) -> anyhow::Result<ExitCode> {
    let dir = config.data_dir(args.data_dir.data_dir.as_ref());
    let snapshot = Snapshot::open(&DataDir::new(&dir))?;
    let (kind, engine) = load_engine(config, &args.model)?;
    if !args.no_prompt {
        for (lang, text) in store_prompts(&snapshot) {
            engine.set_prompt(lang.map(Lang::code), Some(&text))?;
        }
    }
    let names = (!args.no_names).then(|| HeardNames::from_snapshot(&snapshot));
    engine.warm_up()?;
    let noise_path = args.noise.clone().unwrap_or_else(|| {
        std::env::var_os("KIOSK_SHARED_DATA")
            .map(|d| PathBuf::from(d).join("audio"))
            .unwrap_or_else(|| PathBuf::from("../shared/data/audio"))
            .join("stp_background_noise.wav")
    });
    let noise = kiosk_speech::audio::read_wav(&noise_path)
        .with_context(|| format!("reading the noise {}", noise_path.display()))?
        .samples;
    let tmp = tempfile::tempdir()?;
    let options = capture_options(config);
    let assistant_config = config.assistant();
    let clock = Clock::utc(jiff::Timestamp::now());
    let answer = |text: &str, lang: Option<Lang>| -> anyhow::Result<Reply> {
        let assistant = Assistant::new(&snapshot, &snapshot, &assistant_config);
        let mut session = Session::default();
        Ok(assistant.turn(
            &mut session,
            &TurnInput {
                text: text.to_string(),
                lang,
            },
            clock,
        )?)
    };
    let mut rows = Vec::new();
    for &lang in &args.langs {
        let qs = questions(&snapshot, lang, args.per_lang)?;
        eprintln!("{lang}: {} questions", qs.len());
        for (i, q) in qs.iter().enumerate() {
            let spoken = tmp.path().join(format!("{lang}-{i}.wav"));
            let speech = speak(&args.espeak, q, &spoken)?;
            let typed = answer(&q.text, Some(lang))?;
            let typed_facts = facts(&typed);
            let typed_names_product = typed.products.iter().any(|p| p.id == q.product_id);
            let conditions: &[&'static str] = if args.clean_only {
                &["clean"]
            } else {
                &["clean", "noisy"]
            };
            for &condition in conditions {
                let samples = match condition {
                    "clean" => mix(&speech, &[], 0.0),
                    _ => mix(&speech, &noise, args.snr_db),
                };
                let wav = tmp.path().join("heard.wav");
                let (transcript, heard_lang, ms) = hear(&engine, &samples, &wav, &options, lang)?;
                let read_as = match &names {
                    Some(n) => n.correct(&transcript, heard_lang.or(Some(lang))).text,
                    None => transcript.clone(),
                };
                let reply = answer(&read_as, heard_lang.or(Some(lang)))?;
                let spoken_facts = facts(&reply);
                let same_answer = !transcript.is_empty() && spoken_facts == typed_facts;
                let metric = Metric::for_lang(lang.code());
                rows.push(VoiceRow {
                    lang,
                    condition,
                    question: q.text.clone(),
                    voice: q.voice.clone(),
                    speed: q.speed,
                    error_rate: wer::score(metric, &q.text, &transcript).rate(),
                    read_error_rate: wer::score(metric, &q.text, &read_as).rate(),
                    same_answer,
                    same_intent: same_answer && reply.intent == typed.intent,
                    typed_facts: typed_facts.clone(),
                    spoken_facts,
                    transcript,
                    read_as,
                    typed_names_product,
                    transcribe_ms: ms,
                });
            }
        }
    }
    // Noise alone, at three levels: no text may come of it.
    let mut noise_only = Vec::new();
    for gain in [0.5f32, 1.0, 2.0] {
        let samples: Vec<f32> = noise.iter().map(|v| (v * gain).clamp(-1.0, 1.0)).collect();
        let wav = tmp.path().join("noise.wav");
        let (text, _, _) = hear(&engine, &samples, &wav, &options, Lang::En)?;
        noise_only.push(serde_json::json!({ "gain": gain, "text": text }));
    }
    let summary = summarize(&rows);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "model": kind,
                "threads": engine.options().threads,
                "prompt": !args.no_prompt,
                "names": !args.no_names,
                "snr_db": args.snr_db,
                "summary": summary,
                "noise_only": noise_only,
                "rows": rows,
            }))?
        );
        return Ok(ExitCode::Ok);
    }
    for r in &rows {
        println!(
            "{} {:<5} {} {:?} → {:?} ({:.0}%){}",
            r.lang,
            r.condition,
            if r.same_answer { "same" } else { "DIFF" },
            r.question,
            r.transcript,
            r.error_rate * 100.0,
            if r.read_as == r.transcript {
                String::new()
            } else {
                format!(" read as {:?}", r.read_as)
            }
        );
        if !r.same_answer {
            println!("    typed:  {}", r.typed_facts);
            println!("    spoken: {}", r.spoken_facts);
        }
    }
    println!();
    println!(
        "{:<4} {:<6} {:>5} {:>7} {:>7} {:>12} {:>12} {:>13} {:>9}",
        "lang",
        "cond",
        "n",
        "err %",
        "read %",
        "same answer",
        "+ same kind",
        "typed names",
        "median ms"
    );
    for s in &summary {
        println!(
            "{:<4} {:<6} {:>5} {:>7.1} {:>7.1} {:>11.1}% {:>11.1}% {:>12.1}% {:>9.0}",
            s.lang,
            s.condition,
            s.questions,
            s.error_rate * 100.0,
            s.read_error_rate * 100.0,
            s.same_answer * 100.0,
            s.same_answer_and_intent * 100.0,
            s.typed_names_product * 100.0,
            s.median_transcribe_ms
        );
    }
    for n in &noise_only {
        println!("noise alone ×{}: {:?}", n["gain"], n["text"]);
    }
    println!(
        "model {kind}, {} threads, store prompt {}, store names {}, noise at {} dB SNR; err: WER (CER for zh) of the transcript against the spoken text; read: of the turn the assistant got; same answer: the same products and stock as the typed question's answer (+ same kind: and the same kind of answer)",
        engine.options().threads,
        if args.no_prompt { "off" } else { "on" },
        if args.no_names { "off" } else { "on" },
        args.snr_db
    );
    Ok(ExitCode::Ok)
}

fn summarize(rows: &[VoiceRow]) -> Vec<LangSummary> {
    let mut keys: Vec<(Lang, &'static str)> = Vec::new();
    for r in rows {
        if !keys.contains(&(r.lang, r.condition)) {
            keys.push((r.lang, r.condition));
        }
    }
    keys.into_iter()
        .map(|(lang, condition)| {
            let rs: Vec<&VoiceRow> = rows
                .iter()
                .filter(|r| r.lang == lang && r.condition == condition)
                .collect();
            let n = rs.len().max(1) as f64;
            let mut ms: Vec<f64> = rs.iter().map(|r| r.transcribe_ms).collect();
            ms.sort_by(f64::total_cmp);
            LangSummary {
                lang,
                condition,
                questions: rs.len(),
                metric: Metric::for_lang(lang.code()),
                error_rate: rs.iter().map(|r| r.error_rate).sum::<f64>() / n,
                read_error_rate: rs.iter().map(|r| r.read_error_rate).sum::<f64>() / n,
                same_answer: rs.iter().filter(|r| r.same_answer).count() as f64 / n,
                same_answer_and_intent: rs.iter().filter(|r| r.same_intent).count() as f64 / n,
                typed_names_product: rs.iter().filter(|r| r.typed_names_product).count() as f64 / n,
                median_transcribe_ms: ms.get(ms.len() / 2).copied().unwrap_or(0.0),
            }
        })
        .collect()
}
