//! `kiosk import`: build and publish a snapshot from an export.

use anyhow::Context;
use kiosk_catalog::import::{self, Limits};
use kiosk_catalog::{DataDir, ImportOptions};

use super::ExitCode;
use crate::cli::ImportArgs;
use crate::config::Config;
use crate::output::{TerminalProgress, count};

pub fn run(config: &Config, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let data_dir = DataDir::new(config.data_dir(args.data_dir.data_dir.as_ref()));
    let mut options = ImportOptions::new(&args.from);
    options.format = args.format;
    options.stock_as_of = args.stock_as_of;
    options.images = super::images::options(&args.images)?;
    options.limits = Limits {
        max_file_bytes: config.import.max_input_mib.saturating_mul(1 << 20),
        ..Limits::default()
    };
    // Products are embedded for search by meaning when the model is there;
    // without it the kiosk searches by words alone.
    let no_model = match crate::services::embed::product_embedder(config) {
        Ok(embedder) => {
            options.embedder = Some(embedder);
            None
        }
        Err(why) => Some(why),
    };
    let mut progress = TerminalProgress::new();
    let result = import::import(&data_dir, &options, &mut progress);
    progress.finish();
    let summary = result.with_context(|| {
        format!(
            "importing {} (the live snapshot in {} is unchanged)",
            args.from.display(),
            data_dir.root().display()
        )
    })?;
    tracing::info!(
        source = %summary.source,
        snapshot = %summary.snapshot_id,
        products = summary.n_products,
        variants = summary.n_variants,
        "import published a snapshot"
    );
    for (rule, n) in &summary.issue_counts {
        tracing::warn!("import issue: {n} × {rule:?} ({:?})", rule.action());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(ExitCode::Ok);
    }
    println!(
        "imported {} products, {} variants ({} in stock, {} out) from {} [{}] in {:.1} s; snapshot {} is live",
        count(summary.n_products),
        count(summary.n_variants),
        count(summary.n_in_stock),
        count(summary.n_out_of_stock),
        summary.source,
        summary.format.name(),
        summary.elapsed_ms as f64 / 1000.0,
        summary.snapshot_id
    );
    if !options.images.is_empty() {
        println!(
            "{} products with photos ({} could not be used) in {:.1} s: {} made into thumbnails, {} from the thumbnail cache",
            count(summary.n_images),
            count(summary.n_bad_images),
            summary.images_ms as f64 / 1000.0,
            count(summary.n_thumbnails_made),
            count(summary.n_thumbnails_cached),
        );
    }
    match (&summary.vectors, &no_model) {
        (Some(v), _) => println!("{v}"),
        // Turned off on purpose is the default and needs no line.
        (None, Some(why)) if config.embed.enabled => {
            println!("{}: {why}", kiosk_catalog::vectors::NO_MODEL)
        }
        (None, _) => {}
    }
    if let Some(w) = &summary.store_words {
        println!(
            "store words: {} ({} embedded, {} reused), in {:.1} s",
            count(w.words),
            count(w.computed),
            count(w.reused),
            w.elapsed_ms as f64 / 1000.0
        );
    }
    if !summary.issue_counts.is_empty() {
        let total: u64 = summary.issue_counts.values().sum();
        let by_rule: Vec<String> = summary
            .issue_counts
            .iter()
            .map(|(rule, n)| format!("{} {:?} ({:?})", n, rule, rule.action()))
            .collect();
        println!("{} issues: {}", count(total), by_rule.join(", "));
        let lines = issue_digest(&summary.issues, args.show_issues);
        for line in &lines.lines {
            println!("  {line}");
        }
        if lines.cut {
            println!("  … see `kiosk snapshot issues` for the rest");
        }
    }
    Ok(ExitCode::Ok)
}

/// Issues listed alike, at most this many of one kind before the rest of
/// that kind are counted on one line.
const ALIKE_SHOWN: usize = 3;

struct Digest {
    lines: Vec<String>,
    /// Some issues are neither listed nor counted in `lines`.
    cut: bool,
}

/// The import's issues as a shopkeeper reads them: grouped by kind (rule,
/// file and column) in the order each kind first appears, the first few of
/// each kind listed and the rest counted, so that one rare problem is not
/// hidden behind a hundred repairs of the same column. At most `max_lines`
/// lines.
fn issue_digest(issues: &[import::Issue], max_lines: usize) -> Digest {
    let mut kinds: Vec<(&import::Issue, Vec<&import::Issue>)> = Vec::new();
    for issue in issues {
        let alike = |first: &&import::Issue| {
            first.rule == issue.rule && first.file == issue.file && first.column == issue.column
        };
        match kinds.iter_mut().find(|(first, _)| alike(first)) {
            Some((_, all)) => all.push(issue),
            None => kinds.push((issue, vec![issue])),
        }
    }
    let mut lines = Vec::new();
    let mut shown = 0;
    for (first, all) in &kinds {
        for issue in all.iter().take(ALIKE_SHOWN) {
            lines.push(issue.to_string());
            shown += 1;
        }
        let rest = all.len().saturating_sub(ALIKE_SHOWN);
        if rest > 0 {
            let column = first
                .column
                .map(|c| format!(", column {c}"))
                .unwrap_or_default();
            lines.push(format!(
                "… and {rest} more {:?} ({:?}) in {}{column}",
                first.rule,
                first.rule.action(),
                first.file
            ));
            shown += rest;
        }
    }
    let cut = lines.len() > max_lines || shown < issues.len();
    lines.truncate(max_lines);
    Digest { lines, cut }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiosk_catalog::import::{Issue, Rule};

    fn issue(line: u64, column: usize, rule: Rule) -> Issue {
        Issue {
            file: "products.csv".into(),
            line,
            column: Some(column),
            field: None,
            rule,
            message: format!("line {line}"),
        }
    }

    #[test]
    fn a_rare_issue_is_listed_past_many_of_one_kind() {
        let mut issues: Vec<Issue> = (2..=132).map(|l| issue(l, 15, Rule::TextMarker)).collect();
        issues.push(issue(200, 3, Rule::OptionName));
        let digest = issue_digest(&issues, 20);
        assert_eq!(digest.lines.len(), 5, "{:?}", digest.lines);
        assert!(digest.lines[0].starts_with("products.csv:2:15: TextMarker"));
        assert!(
            digest.lines[3].contains("and 128 more TextMarker (Repair) in products.csv, column 15"),
            "{:?}",
            digest.lines
        );
        assert!(digest.lines[4].starts_with("products.csv:200:3: OptionName"));
        assert!(!digest.cut);
    }

    #[test]
    fn the_digest_keeps_to_its_length_and_says_when_it_cut() {
        let issues: Vec<Issue> = (0..30).map(|c| issue(2, c, Rule::TextMarker)).collect();
        let digest = issue_digest(&issues, 20);
        assert_eq!(digest.lines.len(), 20);
        assert!(digest.cut);
        let all = issue_digest(&issues, 30);
        assert!(!all.cut);
    }
}
