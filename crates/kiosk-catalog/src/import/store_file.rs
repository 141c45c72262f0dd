//! `store.toml`: the store's name, hours and policies. Native catalogs must
//! have one; Shopify and WooCommerce exports may have one beside them.

use std::collections::BTreeMap;
use std::path::Path;

use kiosk_core::{Lang, Localized, OpeningHours, Policy, PolicyKind, StoreInfo};
use serde::Deserialize;

use super::{Issue, Issues, Rule};
use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreFile {
    id: String,
    name: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_currency")]
    currency: String,
    #[serde(default = "default_timezone")]
    timezone: String,
    address: Option<String>,
    phone: Option<String>,
    #[serde(default = "default_low_stock")]
    low_stock_threshold: i64,
    stock_as_of: Option<String>,
    #[serde(default)]
    hours: BTreeMap<String, String>,
    #[serde(default)]
    policies: BTreeMap<String, PolicyFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    text: BTreeMap<String, String>,
    #[serde(default)]
    steps: BTreeMap<String, Vec<String>>,
}

fn default_language() -> String {
    "en".into()
}
fn default_currency() -> String {
    "EUR".into()
}
fn default_timezone() -> String {
    "UTC".into()
}
fn default_low_stock() -> i64 {
    3
}

pub struct Store {
    pub info: StoreInfo,
    pub low_stock_threshold: i64,
    pub stock_as_of: Option<jiff::Timestamp>,
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn read(path: &Path) -> Result<Store> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(Error::io("reading", path))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let raw: StoreFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        Error::Input {
            file: name.clone(),
            line,
            column: Some(column),
            message: e.message().to_string(),
        }
    })?;
    let at = |needle: &str| -> (u64, usize) {
        text.find(needle).map_or((1, 1), |pos| line_col(text, pos))
    };
    let reject = |needle: &str, message: String| {
        let (line, column) = at(needle);
        Error::Input {
            file: name.clone(),
            line,
            column: Some(column),
            message,
        }
    };
    let language: Lang = raw
        .language
        .parse()
        .map_err(|e: kiosk_core::lang::UnknownLang| reject("language", e.to_string()))?;
    if raw.currency.len() != 3 || !raw.currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(reject(
            "currency",
            format!(
                "currency: expected an ISO 4217 code like EUR, found {:?}",
                raw.currency
            ),
        ));
    }
    let mut hours = Vec::new();
    for (day, spec) in &raw.hours {
        if !DAYS.contains(&day.as_str()) && !is_date(day) {
            return Err(reject(
                &format!("{day} ="),
                format!(
                    "hours: expected a weekday (mon..sun) or a date (2026-12-25), found {day:?}"
                ),
            ));
        }
        let (open, close) = parse_hours(spec).ok_or_else(|| {
            reject(
                &format!("{day} ="),
                format!("hours.{day}: expected \"09:30-18:00\" or \"closed\", found {spec:?}"),
            )
        })?;
        hours.push(OpeningHours {
            day: day.clone(),
            open,
            close,
        });
    }
    hours.sort_by_key(|h| DAYS.iter().position(|d| *d == h.day).unwrap_or(DAYS.len()));
    let mut policies = Vec::new();
    for (kind, p) in raw.policies {
        let kind = match kind.as_str() {
            "returns" => PolicyKind::Returns,
            "exchanges" => PolicyKind::Exchanges,
            "payment" => PolicyKind::Payment,
            "loyalty" => PolicyKind::Loyalty,
            _ => PolicyKind::Other,
        };
        let text = localized(&p.text).map_err(|l| reject("[policies", format!("policies: {l}")))?;
        let mut steps: Vec<Localized> = Vec::new();
        for (lang, list) in &p.steps {
            let lang: Lang = lang
                .parse()
                .map_err(|e: kiosk_core::lang::UnknownLang| reject("steps", e.to_string()))?;
            for (i, step) in list.iter().enumerate() {
                if steps.len() <= i {
                    steps.push(Localized::default());
                }
                steps[i].0.insert(lang, step.clone());
            }
        }
        policies.push(Policy { kind, text, steps });
    }
    let stock_as_of = raw
        .stock_as_of
        .as_deref()
        .map(|s| {
            s.parse::<jiff::Timestamp>().map_err(|e| {
                reject(
                    "stock_as_of",
                    format!(
                        "stock_as_of: expected an RFC 3339 time like 2026-11-22T22:00:00Z ({e})"
                    ),
                )
            })
        })
        .transpose()?;
    Ok(Store {
        info: StoreInfo {
            id: raw.id,
            name: raw.name,
            language,
            currency: raw.currency,
            timezone: raw.timezone,
            address: raw.address,
            phone: raw.phone,
            hours,
            policies,
        },
        low_stock_threshold: raw.low_stock_threshold,
        stock_as_of,
    })
}

/// The store file beside an export, or defaults (reported) when there is
/// none.
pub fn read_or_default(
    dir: Option<&Path>,
    source_name: &str,
    issues: &mut Issues,
) -> Result<Store> {
    if let Some(path) = dir.map(|d| d.join("store.toml"))
        && path.exists()
    {
        return read(&path);
    }
    let store = Store {
        info: StoreInfo {
            id: "store".into(),
            name: "Store".into(),
            language: Lang::En,
            currency: default_currency(),
            timezone: "UTC".into(),
            address: None,
            phone: None,
            hours: Vec::new(),
            policies: Vec::new(),
        },
        low_stock_threshold: default_low_stock(),
        stock_as_of: None,
    };
    issues.push(Issue::file_note(
        source_name,
        Rule::StoreDefaults,
        format!(
            "no store.toml beside the export: expected one with the store's name, currency, time zone, hours and policies (catalog/README.md); until then the store is named {:?}, prices are shown in {}, times in {}, and shoppers asking for hours or policies are referred to staff",
            store.info.name, store.info.currency, store.info.timezone
        ),
    ));
    Ok(store)
}

/// Why a policy's text is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum PolicyTextError {
    #[error(transparent)]
    Language(#[from] kiosk_core::lang::UnknownLang),
    #[error("a policy needs text in at least one language")]
    Empty,
}

fn localized(map: &BTreeMap<String, String>) -> std::result::Result<Localized, PolicyTextError> {
    let mut out = Localized::default();
    for (lang, text) in map {
        let lang: Lang = lang.parse()?;
        out.0.insert(lang, text.clone());
    }
    if out.is_empty() {
        return Err(PolicyTextError::Empty);
    }
    Ok(out)
}

fn is_date(s: &str) -> bool {
    s.parse::<jiff::civil::Date>().is_ok()
}

fn parse_hours(spec: &str) -> Option<(Option<String>, Option<String>)> {
    let spec = spec.trim();
    if spec.eq_ignore_ascii_case("closed") {
        return Some((None, None));
    }
    let (open, close) = spec.split_once('-')?;
    let valid = |t: &str| t.trim().parse::<jiff::civil::Time>().is_ok();
    (valid(open) && valid(close)).then(|| {
        (
            Some(open.trim().to_string()),
            Some(close.trim().to_string()),
        )
    })
}

pub fn line_col(text: &str, offset: usize) -> (u64, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_without_a_store_file_says_which_defaults_it_uses() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut issues = Issues::default();
        let store =
            read_or_default(Some(dir.path()), "products.csv", &mut issues).expect("defaults");
        let note = issues
            .kept
            .iter()
            .find(|i| i.rule == Rule::StoreDefaults)
            .expect("the defaults are reported");
        assert_eq!(note.file, "products.csv");
        for stated in [&store.info.currency, &store.info.timezone, &store.info.name] {
            assert!(
                note.message.contains(stated.as_str()),
                "{stated} not named in: {}",
                note.message
            );
        }
        assert!(note.message.contains("store.toml"), "{}", note.message);
    }
}
