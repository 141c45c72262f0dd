//! Store information: opening hours, payment, loyalty, returns and FAQ
//! answers.

use crate::assistant::Assistant;
use crate::assistant::Clock;
use crate::assistant::Draft;
use crate::assistant::Intent;
use crate::assistant::cues::Cue;
use crate::assistant::phrasebook::say;
use crate::assistant::understand::{self, Reading};
use crate::traits::BackendError;
use crate::{Lang, PolicyKind};

impl Assistant<'_> {
    pub(in crate::assistant) fn store_info(
        &self,
        reading: &Reading,
        text: &str,
        hours_follow_up: bool,
        d: &mut Draft,
        clock: Clock,
    ) -> Result<(), BackendError> {
        d.intent = Intent::StoreInfo;
        d.confidence = 0.9;
        let store = self.stock.store_info();
        let lang = d.lang;
        if reading.has(Cue::Hours) || hours_follow_up {
            if store.hours.is_empty() {
                d.say("hours_unknown", &[]);
                d.resolved = false;
            } else {
                const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                let today_idx = clock.local.weekday().to_monday_zero_offset() as usize;
                let asked = understand::weekday(text, today_idx);
                match asked {
                    Some(day) if day != today_idx => {
                        let name = say(lang, &format!("dayname_{}", DAYS[day]), &[]);
                        match store.hours.iter().find(|h| h.day == DAYS[day]) {
                            Some(h) => match (&h.open, &h.close) {
                                (Some(o), Some(c)) => {
                                    d.say("hours_day", &[("day", &name), ("open", o), ("close", c)])
                                }
                                _ => d.say("hours_day_closed", &[("day", &name)]),
                            },
                            None => d.say("hours_unknown", &[]),
                        }
                    }
                    _ => {
                        let date = clock.local.date().to_string();
                        let entry = store
                            .hours
                            .iter()
                            .find(|h| h.day == date)
                            .or_else(|| store.hours.iter().find(|h| h.day == DAYS[today_idx]));
                        if let Some(h) = entry {
                            match (&h.open, &h.close) {
                                (Some(o), Some(c)) => {
                                    d.say("hours_today", &[("open", o), ("close", c)])
                                }
                                _ => d.say("hours_today_closed", &[]),
                            }
                        }
                    }
                }
                let week: Vec<String> = store
                    .hours
                    .iter()
                    .filter(|h| h.day.len() == 3)
                    .map(|h| {
                        let day = say(lang, &format!("day_{}", h.day), &[]);
                        match (&h.open, &h.close) {
                            (Some(o), Some(c)) => format!("{day} {o}–{c}"),
                            _ => format!("{day} {}", say(lang, "word_closed", &[])),
                        }
                    })
                    .collect();
                d.say(
                    "hours_week",
                    &[(
                        "list",
                        &week.join(if lang == Lang::Zh { "、" } else { ", " }),
                    )],
                );
            }
        }
        for (cue, kind) in [
            (Cue::Payment, PolicyKind::Payment),
            (Cue::Loyalty, PolicyKind::Loyalty),
        ] {
            if reading.has(cue) {
                match store.policy(kind) {
                    Some(p) => d.parts.push(p.text.get(lang).to_string()),
                    None => {
                        d.say("policy_unknown", &[]);
                        d.resolved = false;
                    }
                }
            }
        }
        Ok(())
    }

    pub(in crate::assistant) fn returns(
        &self,
        reading: &Reading,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::Returns;
        d.confidence = 0.9;
        let store = self.stock.store_info();
        let lang = d.lang;
        let kind = if reading.has(Cue::Exchange) && !reading.has(Cue::Returns) {
            PolicyKind::Exchanges
        } else {
            PolicyKind::Returns
        };
        let Some(policy) = store
            .policy(kind)
            .or_else(|| store.policy(PolicyKind::Returns))
        else {
            d.say("policy_unknown", &[]);
            d.chip("chip_call_staff");
            d.resolved = false;
            return Ok(());
        };
        d.parts.push(policy.text.get(lang).to_string());
        if !policy.steps.is_empty() {
            let steps: Vec<String> = policy
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {}", i + 1, s.get(lang)))
                .collect();
            d.say("return_steps", &[("steps", &steps.join(" "))]);
        }
        Ok(())
    }

    pub(in crate::assistant) fn answer_faq(
        &self,
        entry: &crate::FaqEntry,
        d: &mut Draft,
    ) -> Result<(), BackendError> {
        d.intent = Intent::StoreInfo;
        d.confidence = 0.8;
        d.parts.push(entry.answer.get(d.lang).to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests;
