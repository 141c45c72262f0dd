//! One turn of the assistant, taken the same way by the app's worker and by
//! `kiosk ask`/`kiosk chat`: the store's clock, the assistant over a
//! snapshot with the language model when one is loaded, and what the turn
//! leaves in the local store.

use kiosk_catalog::Snapshot;
use kiosk_catalog::local::{LocalStore, WaitlistEntry};
use kiosk_core::assistant::generator::Generator;
use kiosk_core::assistant::intents::IntentExamples;
use kiosk_core::assistant::{Assistant, AssistantConfig, Clock, Reply, Session, TurnInput};
use kiosk_core::traits::BackendError;

/// Now, in the store's time zone (UTC when the zone is unknown).
pub fn clock_for(timezone: &str) -> Clock {
    let now = jiff::Timestamp::now();
    match jiff::tz::TimeZone::get(timezone) {
        Ok(tz) => Clock {
            now,
            local: now.to_zoned(tz).datetime(),
        },
        Err(_) => Clock::utc(now),
    }
}

/// A random tag that groups one shopper's turns in the anonymous analytics.
pub fn new_session_tag() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Answers `input` over `snapshot`, streaming the model's tokens to
/// `on_token`, at the store's current time (returned, for [`record`]).
/// `examples` (with the e5 model) read what the rules answered by default.
pub fn take(
    snapshot: &Snapshot,
    config: &AssistantConfig,
    generator: Option<&dyn Generator>,
    examples: Option<&IntentExamples>,
    session: &mut Session,
    input: &TurnInput,
    on_token: &mut dyn FnMut(&str),
) -> (Result<Reply, BackendError>, Clock) {
    let mut assistant = Assistant::new(snapshot, snapshot, config);
    assistant.generator = generator;
    assistant.examples = examples;
    let clock = clock_for(&snapshot.store().timezone);
    (
        assistant.turn_streaming(session, input, clock, on_token),
        clock,
    )
}

/// What [`record`] kept of a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Everything the turn asked to keep (or there was nothing to keep).
    Kept,
    /// A back-in-stock request the shopper consented to was not saved: the
    /// shopper must be told.
    WaitlistLost,
}

/// The turn's anonymous event, and a waitlist request the shopper
/// consented to. A lost analytics event is only logged; a lost waitlist
/// request is logged and returned, for the shopper to hear about.
pub fn record(
    local: Option<&LocalStore>,
    clock: Clock,
    tag: &str,
    reply: &kiosk_core::assistant::Reply,
) -> Recorded {
    if let Some(local) = local
        && let Err(e) = local.record_event(clock.now, tag, &reply.analytics)
    {
        tracing::error!("analytics event not recorded: {e}");
    }
    let mut recorded = Recorded::Kept;
    for action in &reply.actions {
        if let Some(entry) = WaitlistEntry::from_action(action, clock.now, reply.language) {
            let Some(local) = local else {
                tracing::error!(sku = %entry.sku, "back-in-stock request lost: no local store");
                recorded = Recorded::WaitlistLost;
                continue;
            };
            if let Err(e) = local.add_waitlist(&entry) {
                tracing::error!(sku = %entry.sku, "back-in-stock request not saved: {e}");
                recorded = Recorded::WaitlistLost;
            }
        }
    }
    recorded
}
