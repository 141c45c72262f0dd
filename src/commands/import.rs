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
        (Some(v), _) => println!(
            "product vectors: {} embedded, {} reused from the previous snapshot, in {:.1} s",
            count(v.computed),
            count(v.reused),
            v.elapsed_ms as f64 / 1000.0
        ),
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
        for issue in summary.issues.iter().take(args.show_issues) {
            println!("  {issue}");
        }
        if summary.issues.len() > args.show_issues {
            println!("  … see `kiosk snapshot issues` for the rest");
        }
    }
    Ok(ExitCode::Ok)
}
