//! `kiosk bench ime`: the on-screen keyboard's Chinese input measured on a
//! list of everyday shopping words and questions (`bench/ime/`, written by
//! hand, not taken from the dictionary): for each word typed in full
//! pinyin, in pinyin initials and in zhuyin, where the intended word stands
//! in the candidate bar (top-1, top-5, anywhere), in Traditional and in
//! Simplified characters; and the time the bar takes per keystroke, typing
//! every word letter by letter as a shopper would.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use super::ExitCode;
use crate::app::ime::{self, Breaks, Candidate, Script};

#[derive(Debug, clap::Args)]
pub struct BenchImeArgs {
    /// The words: `kind<TAB>simplified<TAB>traditional<TAB>pinyin
    /// syllables<TAB>zhuyin` per line, `#` comments.
    #[arg(
        long,
        default_value = "bench/ime/shopping-words.tsv",
        value_name = "FILE"
    )]
    pub words: PathBuf,
    /// Print every word not first in the bar, with what came first.
    #[arg(long)]
    pub misses: bool,
    #[arg(long)]
    pub json: bool,
}

/// One line of the word list.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: String,
    pub simplified: String,
    pub traditional: String,
    /// Toneless syllables.
    pub syllables: Vec<String>,
    pub zhuyin: String,
}

/// How the word is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    Pinyin,
    Initials,
    Zhuyin,
}

impl Way {
    fn label(self) -> &'static str {
        match self {
            Way::Pinyin => "full pinyin",
            Way::Initials => "pinyin initials",
            Way::Zhuyin => "zhuyin",
        }
    }

    /// What the shopper types for `entry` this way; `None` where this way
    /// does not apply (initials of a one-syllable word).
    pub fn input(self, entry: &Entry) -> Option<String> {
        match self {
            Way::Pinyin => Some(entry.syllables.concat()),
            Way::Initials => (entry.syllables.len() > 1).then(|| {
                entry
                    .syllables
                    .iter()
                    .map(|s| initial(s))
                    .collect::<String>()
            }),
            Way::Zhuyin => Some(entry.zhuyin.clone()),
        }
    }
}

/// A syllable's initial as typed for an abbreviation: "zh", "ch", "sh", or
/// its first letter.
fn initial(syllable: &str) -> &str {
    for two in ["zh", "ch", "sh"] {
        if syllable.starts_with(two) {
            return two;
        }
    }
    &syllable[..1]
}

/// The bar for `input` typed `way`.
fn bar(input: &str, way: Way, script: Script) -> Vec<Candidate> {
    match way {
        Way::Pinyin | Way::Initials => ime::dictionary().candidates(input, script, Breaks::Free),
        Way::Zhuyin => ime::zhuyin_candidates(input, script),
    }
}

/// Where `target` stands in `bar` as a pick of the whole input (0 is
/// first).
pub fn rank(bar: &[Candidate], input: &str, target: &str) -> Option<usize> {
    bar.iter()
        .position(|c| c.text == target && c.consumed == input.len())
}

pub fn parse(text: &str, path: &Path) -> anyhow::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [kind, simplified, traditional, pinyin, zhuyin] = fields[..] else {
            bail!(
                "{} line {}: expected 5 tab-separated fields (kind, simplified, traditional, pinyin, zhuyin), found {}",
                path.display(),
                i + 1,
                fields.len()
            );
        };
        let syllables: Vec<String> = pinyin.split(' ').map(str::to_string).collect();
        if syllables
            .iter()
            .any(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_lowercase()))
        {
            bail!(
                "{} line {}: expected lowercase pinyin syllables separated by single spaces, found {pinyin:?}",
                path.display(),
                i + 1
            );
        }
        if simplified.is_empty() || traditional.is_empty() || zhuyin.trim().is_empty() {
            bail!(
                "{} line {}: expected a simplified word, a traditional word and its zhuyin",
                path.display(),
                i + 1
            );
        }
        entries.push(Entry {
            kind: kind.to_string(),
            simplified: simplified.to_string(),
            traditional: traditional.to_string(),
            syllables,
            zhuyin: zhuyin.to_string(),
        });
    }
    if entries.is_empty() {
        bail!("{}: no words", path.display());
    }
    Ok(entries)
}

#[derive(Debug, Default, Serialize)]
struct Row {
    way: Option<Way>,
    script: &'static str,
    kind: String,
    n: usize,
    top1: usize,
    top5: usize,
    in_bar: usize,
}

#[derive(Debug, Serialize)]
struct Latency {
    way: Way,
    keystrokes: usize,
    p50_us: f64,
    p95_us: f64,
    max_us: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    words: usize,
    dictionary_load_ms: f64,
    rows: Vec<Row>,
    latency: Vec<Latency>,
}

pub fn run(args: &BenchImeArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.words)
        .with_context(|| format!("reading {}", args.words.display()))?;
    let entries = parse(&text, &args.words)?;

    let started = Instant::now();
    ime::dictionary();
    let dictionary_load_ms = started.elapsed().as_secs_f64() * 1000.0;

    let ways = [Way::Pinyin, Way::Initials, Way::Zhuyin];
    let mut rows = Vec::new();
    let mut misses = Vec::new();
    for way in ways {
        for (script, script_name) in [
            (Script::Traditional, "traditional"),
            (Script::Simplified, "simplified"),
        ] {
            for kind in ["word", "phrase"] {
                let mut row = Row {
                    way: Some(way),
                    script: script_name,
                    kind: kind.to_string(),
                    ..Row::default()
                };
                for entry in entries.iter().filter(|e| e.kind == kind) {
                    let Some(input) = way.input(entry) else {
                        continue;
                    };
                    let target = match script {
                        Script::Traditional => &entry.traditional,
                        Script::Simplified => &entry.simplified,
                    };
                    let found = bar(&input, way, script);
                    let at = rank(&found, &input, target);
                    row.n += 1;
                    row.top1 += usize::from(at == Some(0));
                    row.top5 += usize::from(at.is_some_and(|r| r < 5));
                    row.in_bar += usize::from(at.is_some());
                    if at != Some(0) && script == Script::Traditional {
                        let first: Vec<&str> =
                            found.iter().take(3).map(|c| c.text.as_str()).collect();
                        misses.push(format!(
                            "{:<15} {:<24} {target}: {}; first {}",
                            way.label(),
                            input,
                            at.map_or("not in the bar".to_string(), |r| format!("#{}", r + 1)),
                            first.join(" ")
                        ));
                    }
                }
                if row.n > 0 {
                    rows.push(row);
                }
            }
        }
    }

    let mut latency = Vec::new();
    for way in ways {
        let mut times = Vec::new();
        for entry in &entries {
            let Some(input) = way.input(entry) else {
                continue;
            };
            // Each keystroke: the composition so far, the bar made anew.
            for (end, c) in input.char_indices() {
                let typed = &input[..end + c.len_utf8()];
                let started = Instant::now();
                let found = bar(typed, way, Script::Traditional);
                times.push(started.elapsed());
                std::hint::black_box(found);
            }
        }
        latency.push(Latency {
            way,
            keystrokes: times.len(),
            p50_us: micros(percentile(&mut times, 0.50)),
            p95_us: micros(percentile(&mut times, 0.95)),
            max_us: micros(times.iter().copied().max().unwrap_or_default()),
        });
    }

    let report = Report {
        words: entries.len(),
        dictionary_load_ms,
        rows,
        latency,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::Ok);
    }
    println!(
        "{} words and questions from {}; dictionary loaded in {:.0} ms",
        report.words,
        args.words.display(),
        report.dictionary_load_ms
    );
    println!(
        "{:<16} {:<12} {:<7} {:>4} {:>7} {:>7} {:>7}",
        "typed as", "characters", "kind", "n", "top-1", "top-5", "in bar"
    );
    for row in &report.rows {
        let pct = |k: usize| format!("{:.0}%", 100.0 * k as f64 / row.n as f64);
        println!(
            "{:<16} {:<12} {:<7} {:>4} {:>7} {:>7} {:>7}",
            row.way.map_or("", Way::label),
            row.script,
            row.kind,
            row.n,
            pct(row.top1),
            pct(row.top5),
            pct(row.in_bar)
        );
    }
    println!("per keystroke (the bar made anew, Traditional):");
    for l in &report.latency {
        println!(
            "  {:<16} {:>5} keystrokes  p50 {:.0} µs  p95 {:.0} µs  max {:.0} µs",
            l.way.label(),
            l.keystrokes,
            l.p50_us,
            l.p95_us,
            l.max_us
        );
    }
    if args.misses {
        println!("not first (Traditional):");
        for miss in &misses {
            println!("  {miss}");
        }
    }
    Ok(ExitCode::Ok)
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    times.sort();
    let at = ((times.len() - 1) as f64 * p).round() as usize;
    times[at]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(line: &str) -> Entry {
        parse(line, Path::new("t.tsv")).unwrap().remove(0)
    }

    #[test]
    fn inputs_per_way() {
        let e = entry("word\t运动鞋\t運動鞋\tyun dong xie\tㄩㄣˋㄉㄨㄥˋㄒㄧㄝˊ");
        assert_eq!(Way::Pinyin.input(&e).as_deref(), Some("yundongxie"));
        assert_eq!(Way::Initials.input(&e).as_deref(), Some("ydx"));
        let e = entry("word\t手机\t手機\tshou ji\tㄕㄡˇㄐㄧ ");
        assert_eq!(Way::Initials.input(&e).as_deref(), Some("shj"));
        let e = entry("word\t灯\t燈\tdeng\tㄉㄥ ");
        assert_eq!(Way::Initials.input(&e), None);
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = parse("# c\nword\t鞋\txie\n", Path::new("w.tsv")).unwrap_err();
        assert!(err.to_string().contains("w.tsv line 2"), "{err}");
        let err = parse("word\t鞋\t鞋\tXie\tㄒㄧㄝˊ", Path::new("w.tsv")).unwrap_err();
        assert!(err.to_string().contains("lowercase pinyin"), "{err}");
    }

    #[test]
    fn rank_counts_only_a_pick_of_the_whole_input() {
        let bar = vec![
            Candidate {
                text: "手".into(),
                consumed: 4,
            },
            Candidate {
                text: "手機".into(),
                consumed: 6,
            },
        ];
        assert_eq!(rank(&bar, "shouji", "手機"), Some(1));
        assert_eq!(rank(&bar, "shouji", "手"), None);
    }

    /// The shipped list reads, and its words are found by the real
    /// dictionary: a word typed in full pinyin is in the bar.
    #[test]
    fn the_shipped_list_reads_and_common_words_are_first() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/ime/shopping-words.tsv");
        let entries = parse(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
        assert!(entries.len() >= 100, "{}", entries.len());
        let shoes = entries.iter().find(|e| e.simplified == "鞋子").unwrap();
        let input = Way::Pinyin.input(shoes).unwrap();
        let found = bar(&input, Way::Pinyin, Script::Traditional);
        assert_eq!(rank(&found, &input, "鞋子"), Some(0), "{found:?}");
        let input = Way::Zhuyin.input(shoes).unwrap();
        let found = bar(&input, Way::Zhuyin, Script::Simplified);
        assert_eq!(rank(&found, &input, "鞋子"), Some(0), "{found:?}");
    }
}
