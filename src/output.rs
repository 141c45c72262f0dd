//! Printing for people and for scripts: progress bars on a terminal, plain
//! lines otherwise, and the readable form of products and stock.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use kiosk_core::view::ProductView;

/// Progress on stderr: a bar on a terminal, nothing otherwise (the command
/// prints one summary line when done).
#[derive(Default)]
pub struct TerminalProgress {
    bar: Option<ProgressBar>,
}

impl TerminalProgress {
    pub fn new() -> TerminalProgress {
        TerminalProgress { bar: None }
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl kiosk_catalog::Progress for TerminalProgress {
    fn phase(&mut self, name: &str, total: u64) {
        if !std::io::stderr().is_terminal() {
            return;
        }
        self.finish();
        let bytes = name != "indexing";
        let template = if bytes {
            "{msg:>10} [{bar:40}] {bytes}/{total_bytes} ({eta})"
        } else {
            "{msg:>10} [{bar:40}] {pos}/{len} ({eta})"
        };
        let bar = ProgressBar::new(total).with_message(name.to_string());
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        self.bar = Some(bar);
    }

    fn set(&mut self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }
}

/// A price for a terminal (the English number style).
pub fn money(amount: kiosk_core::Money, currency: &str) -> String {
    amount.display(currency, kiosk_core::Lang::En)
}

/// One product with its stock, for a terminal.
pub fn print_product(p: &ProductView, rank: Option<usize>) {
    let prefix = rank.map(|r| format!("{r:>2}. ")).unwrap_or_default();
    let stock = if p.in_stock {
        "in stock"
    } else {
        "OUT OF STOCK"
    };
    println!(
        "{prefix}{}  {}  [{}]  ({})",
        p.title,
        money(p.price, &p.currency),
        stock,
        p.id
    );
    let indent = " ".repeat(prefix.len() + 4);
    if let Some(loc) = &p.location {
        println!("{indent}where: {}", loc.text);
    }
    let parts: Vec<String> = p
        .variants
        .iter()
        .map(|v| {
            let label = if v.options.is_empty() {
                v.sku.clone()
            } else {
                v.options.values().cloned().collect::<Vec<_>>().join("/")
            };
            let qty = match (v.quantity, v.in_stock) {
                (Some(q), _) if v.low_stock => format!("{q} left"),
                (Some(q), _) => q.to_string(),
                (None, true) => "yes".into(),
                (None, false) => "no".into(),
            };
            format!("{label}:{qty}")
        })
        .collect();
    println!("{indent}stock: {}", parts.join("  "));
}

/// Thousands separators for counts in summaries.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
