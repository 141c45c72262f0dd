//! Scripted dialogues with expected outcomes, for the evaluation in the test
//! suite and for `kiosk bench assistant`. A file holds dialogues; each turn
//! states what it expects (intent, products, stock facts, escalation,
//! actions), and a turn passes when every expectation holds.
//!
//! ```toml
//! [[dialogue]]
//! name = "size 9 black is out, alternatives offered"
//! lang = "en"            # the language the turns are in (for the report)
//! hint = false           # pass `lang` as the UI's hint (default: detect)
//! [[dialogue.turn]]
//! say = "do you have the Velora Stride 3 in size 9 black?"
//! intent = "availability"
//! first_product = "velora-stride-3-running-shoe"
//! asked_variant = "out"  # the top product's asked-for variant: in, out, none
//! action = ["join_waitlist:offered"]
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Action, ActionStatus, Assistant, Clock, Intent, Reply, Session, TurnInput};
use crate::text::option_key;
use crate::{Lang, Money};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    #[serde(rename = "dialogue")]
    pub dialogues: Vec<Dialogue>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dialogue {
    pub name: String,
    pub lang: Lang,
    #[serde(default)]
    pub hint: bool,
    #[serde(rename = "turn")]
    pub turns: Vec<Expect>,
}

/// One turn and what it must produce. Every field but `say` is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub say: String,
    pub intent: Option<Intent>,
    /// The language the reply must be in.
    pub language: Option<Lang>,
    pub first_product: Option<String>,
    /// Ids that must all be among the products shown.
    #[serde(default)]
    pub products_include: Vec<String>,
    /// Every product shown is in this category.
    pub all_in_category: Option<String>,
    /// Every product shown costs at most this.
    #[serde(with = "crate::money::decimal::option", default)]
    pub all_at_most: Option<Money>,
    /// Every product shown has this size (and colour, if given) in stock.
    pub all_in_stock: Option<String>,
    /// At least this many products shown (0 means none).
    pub min_products: Option<usize>,
    pub no_products: Option<bool>,
    /// The top product's variant for the asked size/colour: `in`, `out`,
    /// or `none` (not made).
    pub asked_variant: Option<String>,
    pub escalate: Option<bool>,
    pub reason: Option<String>,
    /// `type:status` pairs that must be among the actions.
    #[serde(default)]
    pub action: Vec<String>,
    /// Substrings the answer must contain.
    #[serde(default)]
    pub answer_has: Vec<String>,
    /// Substrings the answer must not contain (case-insensitive).
    #[serde(default)]
    pub answer_lacks: Vec<String>,
    pub size: Option<String>,
    pub color: Option<String>,
    pub category: Option<String>,
    #[serde(with = "crate::money::decimal::option", default)]
    pub price_max: Option<Money>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TurnResult {
    pub dialogue: String,
    pub lang: Lang,
    pub say: String,
    pub passed: bool,
    pub failures: Vec<String>,
    pub latency: Duration,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub turns: Vec<TurnResult>,
}

impl Report {
    /// (passed, total) per language.
    pub fn by_language(&self) -> BTreeMap<Lang, (usize, usize)> {
        let mut out: BTreeMap<Lang, (usize, usize)> = BTreeMap::new();
        for t in &self.turns {
            let e = out.entry(t.lang).or_default();
            e.1 += 1;
            if t.passed {
                e.0 += 1;
            }
        }
        out
    }

    pub fn accuracy(&self) -> f64 {
        let passed = self.turns.iter().filter(|t| t.passed).count();
        passed as f64 / self.turns.len().max(1) as f64
    }
}

pub fn parse(text: &str) -> Result<Vec<Dialogue>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.dialogues)
        .map_err(|e| e.to_string())
}

/// Runs every dialogue from a fresh session.
pub fn run(assistant: &Assistant<'_>, dialogues: &[Dialogue], clock: Clock) -> Report {
    run_inspecting(assistant, dialogues, clock, &mut |_, _| {})
}

/// `run`, showing every reply to `inspect` as well.
pub fn run_inspecting(
    assistant: &Assistant<'_>,
    dialogues: &[Dialogue],
    clock: Clock,
    inspect: &mut dyn FnMut(&Expect, &Reply),
) -> Report {
    let mut report = Report::default();
    for d in dialogues {
        let mut session = Session::default();
        for e in &d.turns {
            let input = TurnInput {
                text: e.say.clone(),
                lang: d.hint.then_some(d.lang),
            };
            let started = std::time::Instant::now();
            let result = assistant.turn(&mut session, &input, clock);
            let latency = started.elapsed();
            let failures = match &result {
                Ok(reply) => {
                    inspect(e, reply);
                    check(e, reply)
                }
                Err(err) => vec![format!("error: {err}")],
            };
            report.turns.push(TurnResult {
                dialogue: d.name.clone(),
                lang: d.lang,
                say: e.say.clone(),
                passed: failures.is_empty(),
                failures,
                latency,
            });
        }
    }
    report
}

fn check(e: &Expect, r: &Reply) -> Vec<String> {
    let mut f = Vec::new();
    let ids: Vec<&str> = r.products.iter().map(|p| p.id.as_str()).collect();
    if let Some(intent) = e.intent
        && r.intent != intent
    {
        f.push(format!("intent {:?}, expected {intent:?}", r.intent));
    }
    if let Some(lang) = e.language
        && r.language != lang
    {
        f.push(format!("language {}, expected {lang}", r.language));
    }
    if let Some(first) = &e.first_product
        && ids.first() != Some(&first.as_str())
    {
        f.push(format!("first product {:?}, expected {first}", ids.first()));
    }
    for id in &e.products_include {
        if !ids.contains(&id.as_str()) {
            f.push(format!("{id} not among {ids:?}"));
        }
    }
    if let Some(cat) = &e.all_in_category
        && let Some(p) = r
            .products
            .iter()
            .find(|p| p.category.as_deref().map(option_key) != Some(option_key(cat)))
    {
        f.push(format!("{} is in {:?}, expected {cat}", p.id, p.category));
    }
    if let Some(max) = e.all_at_most
        && let Some(p) = r.products.iter().find(|p| p.price > max)
    {
        f.push(format!("{} costs {}, more than {max}", p.id, p.price));
    }
    if let Some(spec) = &e.all_in_stock {
        let (size, color) = spec
            .split_once('/')
            .map_or((spec.as_str(), None), |(s, c)| (s, Some(c)));
        for p in &r.products {
            let ok = p.variants.iter().any(|v| {
                v.in_stock
                    && v.options.get("Size").map(|s| option_key(s)) == Some(option_key(size))
                    && color.is_none_or(|c| {
                        v.options.get("Color").map(|x| option_key(x)) == Some(option_key(c))
                    })
            });
            if !ok {
                f.push(format!("{} has no {spec} in stock", p.id));
            }
        }
    }
    if let Some(min) = e.min_products
        && r.products.len() < min
    {
        f.push(format!(
            "{} products, expected at least {min}",
            r.products.len()
        ));
    }
    if e.no_products == Some(true) && !r.products.is_empty() {
        f.push(format!("products shown: {ids:?}"));
    }
    if let Some(state) = &e.asked_variant {
        let got = asked_variant_state(r);
        if got.as_deref() != Some(state.as_str()) {
            f.push(format!("asked variant {got:?}, expected {state}"));
        }
    }
    if let Some(esc) = e.escalate
        && r.escalate != esc
    {
        f.push(format!("escalate {}, expected {esc}", r.escalate));
    }
    if let Some(reason) = &e.reason {
        let got = r.escalation_reason.map(|x| {
            serde_json::to_value(x)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        });
        if got.as_deref() != Some(reason.as_str()) {
            f.push(format!("reason {got:?}, expected {reason}"));
        }
    }
    for want in &e.action {
        let (kind, status) = want.split_once(':').unwrap_or((want.as_str(), "offered"));
        let found = r.actions.iter().any(|a| {
            let (k, s) = action_kind(a);
            k == kind && s == status
        });
        if !found {
            let have: Vec<String> = r
                .actions
                .iter()
                .map(|a| format!("{}:{}", action_kind(a).0, action_kind(a).1))
                .collect();
            f.push(format!("no action {want} among {have:?}"));
        }
    }
    for s in &e.answer_has {
        if !r.answer.contains(s.as_str()) {
            f.push(format!("answer lacks {s:?}: {:?}", r.answer));
        }
    }
    for s in &e.answer_lacks {
        if r.answer.to_lowercase().contains(&s.to_lowercase()) {
            f.push(format!("answer has {s:?}: {:?}", r.answer));
        }
    }
    if let Some(size) = &e.size
        && r.slots.size.as_deref().map(option_key) != Some(option_key(size))
    {
        f.push(format!("size slot {:?}, expected {size}", r.slots.size));
    }
    if let Some(color) = &e.color
        && r.slots.color.as_deref().map(option_key) != Some(option_key(color))
    {
        f.push(format!("color slot {:?}, expected {color}", r.slots.color));
    }
    if let Some(cat) = &e.category
        && r.slots.category.as_deref().map(option_key) != Some(option_key(cat))
    {
        f.push(format!(
            "category slot {:?}, expected {cat}",
            r.slots.category
        ));
    }
    if let Some(max) = e.price_max
        && r.slots.price_max != Some(max)
    {
        f.push(format!(
            "price_max slot {:?}, expected {max}",
            r.slots.price_max
        ));
    }
    if !f.is_empty() {
        f.push(format!("(answer: {:?}; products: {ids:?})", r.answer));
    }
    f
}

/// In, out or none for the top product's variant that matches the reply's
/// size/colour slots.
fn asked_variant_state(r: &Reply) -> Option<String> {
    let p = r.products.first()?;
    let size = r.slots.size.as_deref().map(option_key);
    let color = r.slots.color.as_deref().map(option_key);
    let matching: Vec<_> = p
        .variants
        .iter()
        .filter(|v| {
            size.as_ref()
                .is_none_or(|s| v.options.get("Size").map(|x| option_key(x)).as_ref() == Some(s))
                && color.as_ref().is_none_or(|c| {
                    v.options.get("Color").map(|x| option_key(x)).as_ref() == Some(c)
                })
        })
        .collect();
    Some(if matching.is_empty() {
        "none".into()
    } else if matching.iter().any(|v| v.in_stock) {
        "in".into()
    } else {
        "out".into()
    })
}

fn action_kind(a: &Action) -> (&'static str, &'static str) {
    let status = |s: &ActionStatus| match s {
        ActionStatus::Offered => "offered",
        ActionStatus::Done => "done",
    };
    match a {
        Action::AddToPickupList { status: s, .. } => ("add_to_pickup_list", status(s)),
        Action::JoinWaitlist { status: s, .. } => ("join_waitlist", status(s)),
        Action::CallStaff { status: s, .. } => ("call_staff", status(s)),
        Action::EndSession { status: s } => ("end_session", status(s)),
    }
}
