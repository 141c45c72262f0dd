//! Issue 13: the store-export yardstick runs on the corpus in `bench/stores`
//! (real Shopify and WooCommerce exports) and holds what is true today: the
//! corpus is what the issue asks for, every export imports and yields every
//! kind of question in every language, no answer shows an empty list, the
//! deterministic path stays fast, and accuracy does not fall below today's
//! figures (nor do wrong-product answers rise above them). As the engine
//! improves, these floors are raised toward the targets.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kiosk::store_bench::{self, Kind, Plan, Tally, truth};
use kiosk_core::Lang;
use kiosk_core::assistant::AssistantConfig;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/stores")
}

/// `SOURCES.tsv`: file → (platform, language, domain).
fn sources() -> BTreeMap<String, (String, String, String)> {
    let text = std::fs::read_to_string(corpus().join("SOURCES.tsv")).expect("SOURCES.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("SOURCES.tsv has no {name} column"))
    };
    let (file, platform, language, domain) =
        (col("file"), col("platform"), col("language"), col("domain"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            (
                cells[file].to_string(),
                (
                    cells[platform].to_string(),
                    cells[language].to_string(),
                    cells[domain].to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn the_corpus_is_what_the_issue_asks_for() {
    let files = store_bench::exports(&[corpus()]).expect("the corpus folder");
    let listed = sources();
    assert!(files.len() >= 8, "only {} exports", files.len());
    let mut platforms = Vec::new();
    for f in &files {
        let name = f.file_name().expect("a file").to_string_lossy().to_string();
        let (platform, _, _) = listed
            .get(&name)
            .unwrap_or_else(|| panic!("{name} is not in SOURCES.tsv"));
        let t = truth::read(f).expect("an export");
        assert_eq!(
            format!("{:?}", t.platform).to_lowercase(),
            platform.to_lowercase(),
            "{name}"
        );
        assert!(
            t.products.len() >= 5,
            "{name}: {} products",
            t.products.len()
        );
        platforms.push(t.platform);
    }
    assert!(platforms.contains(&truth::Platform::Shopify));
    assert!(platforms.contains(&truth::Platform::WooCommerce));
    let non_english = listed.values().filter(|(_, lang, _)| lang != "en").count();
    assert!(non_english >= 2, "{non_english} exports not in English");
    let mut domains: Vec<&str> = listed.values().map(|(_, _, d)| d.as_str()).collect();
    domains.sort();
    domains.dedup();
    assert!(domains.len() >= 5, "domains: {domains:?}");
}

/// Today's share right of the questions naming a kind of product (all
/// languages, and English alone) and of open-ended needs, by words alone.
const CROSS_LINGUAL_FLOOR: f64 = 0.46;
const CROSS_LINGUAL_EN_FLOOR: f64 = 0.71;
const NEED_FLOOR: f64 = 0.14;

#[test]
fn the_bench_runs_on_every_export_and_holds_todays_floor() {
    let plan = Plan {
        per_kind: 6,
        seed: 20261206,
    };
    let config = AssistantConfig {
        phrase_with_model: false,
        understand_with_model: false,
        ..AssistantConfig::default()
    };
    let mut totals: BTreeMap<Kind, Tally> = BTreeMap::new();
    let mut by_lang: BTreeMap<(Kind, Lang), Tally> = BTreeMap::new();
    let mut times = Vec::new();
    let mut all = Tally::default();
    for file in store_bench::exports(&[corpus()]).expect("the corpus folder") {
        let report = store_bench::run_store(&file, plan, &config, None).expect("the bench runs");
        assert!(report.n_imported > 0, "{}: nothing imported", report.store);
        for kind in [Kind::Stock, Kind::Price] {
            for lang in Lang::ALL {
                let n = report
                    .cells
                    .get(&kind)
                    .and_then(|l| l.get(&lang))
                    .map_or(0, |t| t.n);
                assert!(n > 0, "{}: no {kind:?} questions in {lang:?}", report.store);
            }
        }
        for (kind, langs) in &report.cells {
            for (lang, t) in langs {
                totals.entry(*kind).or_default().merge(t);
                by_lang.entry((*kind, *lang)).or_default().merge(t);
                all.merge(t);
            }
        }
        times.extend(report.latencies.iter().copied());
    }
    let summary: Vec<String> = totals
        .iter()
        .map(|(k, t)| format!("{}: {}/{}", k.name(), t.right, t.n))
        .collect();
    eprintln!("{}", summary.join(", "));
    for ((kind, lang), t) in &by_lang {
        eprintln!("  {} {}: {}/{}", kind.name(), lang.code(), t.right, t.n);
    }
    eprintln!("wrong product: {}", all.wrong_product);
    assert_eq!(all.empty_lists, 0, "an answer showed an empty list");
    let p50 = store_bench::percentile_ms(&mut times, 0.5);
    assert!(p50 <= 20.0, "p50 {p50:.2} ms per turn");
    // Today's floors (the run above: seed 20261206, 6 questions of each
    // kind per language and store). Raise them as the engine improves; the
    // targets are 97% right on stock and 98% on price in every language,
    // and no wrong product.
    for lang in Lang::ALL {
        for (kind, floor) in [(Kind::Stock, 0.97), (Kind::Price, 0.97)] {
            let t = &by_lang[&(kind, lang)];
            assert!(
                t.accuracy() >= floor,
                "{kind:?} in {lang:?}: {}/{} right, below today's {floor}",
                t.right,
                t.n
            );
        }
    }
    for (kind, floor) in [
        (Kind::Browse, 0.90),
        (Kind::PriceLimit, 0.95),
        (Kind::FollowUp, 0.90),
        // Kinds of product named in the shopper's language, and open-ended
        // needs, on search by words alone (the targets, with search by
        // meaning: every language within 3 points of English; a fitting
        // product in the first three for 80% of needs).
        (Kind::CrossLingual, CROSS_LINGUAL_FLOOR),
        (Kind::Need, NEED_FLOOR),
    ] {
        let t = &totals[&kind];
        assert!(
            t.accuracy() >= floor,
            "{kind:?}: {}/{} right, below today's {floor}",
            t.right,
            t.n
        );
    }
    let english = &by_lang[&(Kind::CrossLingual, Lang::En)];
    assert!(
        english.accuracy() >= CROSS_LINGUAL_EN_FLOOR,
        "CrossLingual in English: {}/{} right, below today's {CROSS_LINGUAL_EN_FLOOR}",
        english.right,
        english.n
    );
    assert!(
        all.wrong_product <= 1,
        "{} answers stated a fact about the wrong product (1 today)",
        all.wrong_product
    );
    // Every kind is asked in every language.
    for kind in Kind::ALL {
        for lang in Lang::ALL {
            assert!(
                by_lang.get(&(kind, lang)).is_some_and(|t| t.n > 0),
                "no {kind:?} in {lang:?}"
            );
        }
    }
}
