//! `StaffPanelAdapter`: the staff panel behind its PIN, with the snapshot,
//! sync and model lines and today's figures.

use slint::{ComponentHandle, ModelRc, VecModel};

use super::s;
use crate::app::events::{Event, post};
use crate::app::model::ModelFacts;
use crate::app::ui;
use crate::app::worker::{CatalogFacts, Figure, SyncFacts};

pub fn connect(window: &ui::App) {
    let panel = window.global::<ui::StaffPanelAdapter>();
    panel.on_submit_pin(|pin| post(Event::SubmitPin(pin.to_string())));
    panel.on_sync_now(|| post(Event::SyncNow));
    panel.on_exit_kiosk(|| post(Event::ExitKiosk));
    panel.on_lock(|| post(Event::LockStaff));
    panel.on_mask(|pin| s("●".repeat(pin.chars().count())));
}

/// Locks the panel; the pad takes keys again.
pub fn lock(window: &ui::App) {
    let panel = window.global::<ui::StaffPanelAdapter>();
    panel.set_unlocked(false);
    panel.set_locked_out(false);
    panel.set_message(s(""));
}

/// Opens the panel after the right PIN.
pub fn unlock(window: &ui::App) {
    let panel = window.global::<ui::StaffPanelAdapter>();
    panel.set_unlocked(true);
    panel.set_locked_out(false);
    panel.set_message(s(""));
}

pub fn unlocked(window: &ui::App) -> bool {
    window.global::<ui::StaffPanelAdapter>().get_unlocked()
}

/// The line under the PIN pad; with `locked_out`, the pad takes no keys.
pub fn set_message(window: &ui::App, message: &str, locked_out: bool) {
    let panel = window.global::<ui::StaffPanelAdapter>();
    if locked_out {
        panel.set_locked_out(true);
    }
    panel.set_message(s(message));
}

/// The panel's lines and figures. The catalog line and the figures' names
/// are worded by the panel in the screen's language (`@tr`), like the rest
/// of the UI.
pub fn show_info(
    window: &ui::App,
    catalog: Option<&CatalogFacts>,
    sync: Option<&SyncFacts>,
    staff_link: &str,
    model: &ModelFacts,
    stats: &[Figure],
) {
    let panel = window.global::<ui::StaffPanelAdapter>();
    panel.set_catalog(map_catalog(catalog));
    panel.set_sync(map_sync(sync));
    panel.set_staff_link(s(staff_link));
    panel.set_model(map_model(model));
    let stats: Vec<ui::Stat> = stats.iter().map(map_stat).collect();
    panel.set_stats(ModelRc::new(VecModel::from(stats)));
}

fn map_catalog(catalog: Option<&CatalogFacts>) -> ui::CatalogFacts {
    match catalog {
        Some(c) => ui::CatalogFacts {
            known: true,
            products: s(c.products.to_string()),
            variants: s(c.variants.to_string()),
            source: s(&c.source),
            as_of: s(&c.as_of),
            age_hours: s(format!("{:.1}", c.age_hours)),
        },
        None => ui::CatalogFacts::default(),
    }
}

fn map_sync(sync: Option<&SyncFacts>) -> ui::SyncFacts {
    match sync {
        Some(f) => ui::SyncFacts {
            outcome: s(&f.outcome),
            time: s(&f.time),
            summary: s(&f.summary),
            status_line: s(&f.status_line),
        },
        None => ui::SyncFacts::default(),
    }
}

fn map_model(model: &ModelFacts) -> ui::ModelFacts {
    ui::ModelFacts {
        state: s(model.state.key()),
        name: s(&model.name),
        detail: s(&model.detail),
        status_line: s(model.status_line()),
    }
}

fn map_stat(figure: &Figure) -> ui::Stat {
    ui::Stat {
        kind: s(figure.kind.key()),
        detail: s(&figure.detail),
        value: s(&figure.value),
        fraction: figure.fraction,
    }
}
