//! The app's one event handler. It owns the UI models and the workers, and
//! turns every [`Event`] into model updates and requests.

use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use kiosk_core::Lang;
use kiosk_core::assistant::{Action, ActionStatus, QuickReply, Reply, phrasebook::say};
use slint::{ComponentHandle, Model, ModelRc, VecModel};

use super::AppOptions;
use super::adapters::pickup::{PickupEntry, pickup_code};
use super::adapters::{
    self, app_state, chat, detail, feedback, mic, pickup, staff_call, staff_panel,
};
use super::convert::CardData;
use super::events::{Event, post};
use super::model::ModelSlot;
use super::pin::{PinCheck, PinGuard};
use super::speak::Speaker;
use super::speech::{MicPhase, SpeechRequest, SpeechWorker};
use super::ui;
use super::worker::{CallPhase, Links, Request, StaffInfo, Worker};
use crate::config::Config;

pub struct Controller {
    window: ui::App,
    messages: Rc<VecModel<ui::Message>>,
    pickup: Vec<PickupEntry>,
    /// The cards of the answers on screen, for pickup and detail.
    cards: Vec<CardData>,
    lang: Lang,
    worker: Option<Worker>,
    speech: Option<SpeechWorker>,
    model: Arc<ModelSlot>,
    /// The shopper picked a language (rather than the kiosk guessing it).
    lang_chosen: bool,
    /// When the stock shown was counted, in the store's time: the banner
    /// is said again in each language the screen switches to.
    stock_as_of: Option<String>,
    turn: u64,
    streaming: Option<(u64, usize)>,
    speaker: Speaker,
    /// Checked on its own thread (Argon2 is slow on purpose); the result
    /// comes back as [`Event::PinChecked`].
    pin: Arc<Mutex<PinGuard>>,
    /// A PIN is being checked: further submits wait for its result.
    pin_checking: bool,
    last_touch: Instant,
    countdown_started: Option<Instant>,
    idle: Duration,
    countdown: Duration,
    /// The sync agent's last report, for the staff panel.
    last_sync: Option<super::worker::SyncFacts>,
    /// This kiosk's name and place, as staff see them with a call.
    kiosk: (String, String),
    _ticker: slint::Timer,
}

impl Controller {
    pub fn start(
        window: &ui::App,
        config: &Config,
        options: &AppOptions,
    ) -> anyhow::Result<Controller> {
        let messages = Rc::new(VecModel::<ui::Message>::default());
        adapters::connect(window);
        chat::set_messages(window, ModelRc::from(messages.clone()));
        let speech = config
            .speech
            .enabled
            .then(|| SpeechWorker::spawn(config, &options.data_dir));

        let ticker = slint::Timer::default();
        ticker.start(slint::TimerMode::Repeated, Duration::from_secs(1), || {
            post(Event::Tick)
        });

        let model = ModelSlot::load_in_background(config);
        let links = links(config, options, window, model.clone());
        let worker = Worker::spawn(options.data_dir.clone(), config.assistant(), links);
        let mut controller = Controller {
            window: window.clone_strong(),
            messages,
            pickup: Vec::new(),
            cards: Vec::new(),
            lang: Lang::En,
            worker: Some(worker),
            speech,
            model,
            lang_chosen: false,
            stock_as_of: None,
            turn: 0,
            streaming: None,
            speaker: Speaker::default(),
            pin: Arc::new(Mutex::new(PinGuard::new(
                config.app.staff_pin_file(&options.data_dir),
            ))),
            pin_checking: false,
            last_touch: Instant::now(),
            countdown_started: None,
            idle: Duration::from_secs(config.app.idle_seconds),
            countdown: Duration::from_secs(config.app.countdown_seconds),
            last_sync: None,
            kiosk: (config.kiosk.name.clone(), config.kiosk.location.clone()),
            _ticker: ticker,
        };
        controller.set_language(Lang::En);
        let problems = app_state::status(window);
        let model = controller.model.status();
        controller.status(&if problems.is_empty() {
            model
        } else {
            format!("{problems}; {model}")
        });
        Ok(controller)
    }

    pub fn shutdown(mut self) {
        self.speaker.stop();
        if let Some(speech) = self.speech.take() {
            speech.shutdown();
        }
        if let Some(worker) = self.worker.take() {
            worker.shutdown();
        }
    }

    fn send(&self, request: Request) {
        if let Some(worker) = &self.worker {
            worker.send(request);
        }
    }

    pub fn handle(&mut self, event: Event) {
        match event {
            Event::Send(text) => self.ask(text),
            Event::Start => {
                self.touch();
                self.set_page(ui::Page::Conversation);
            }
            Event::Typed(text) => {
                self.touch();
                // Keys typed before the conversation shows (a fast typist)
                // arrive here too: each one extends the draft.
                if let Some(typed) = typed_text(&text) {
                    let draft = chat::draft(&self.window);
                    if !(draft.is_empty() && typed.trim().is_empty()) {
                        chat::set_draft(&self.window, &format!("{draft}{typed}"));
                    }
                }
                self.set_page(ui::Page::Conversation);
            }
            Event::SelectLanguage(lang) => {
                self.touch();
                self.lang_chosen = true;
                self.set_language(lang);
            }
            Event::MicToggle => {
                self.touch();
                let request = match mic::phase(&self.window) {
                    MicPhase::Idle => {
                        self.speaker.stop();
                        self.set_page(ui::Page::Conversation);
                        SpeechRequest::Start {
                            lang: self.lang_chosen.then_some(self.lang),
                        }
                    }
                    MicPhase::Listening => SpeechRequest::Stop,
                    _ => return,
                };
                if let Some(speech) = &self.speech {
                    speech.send(request);
                }
            }
            Event::Mic { phase, note } => mic::show(&self.window, phase, note),
            Event::MicLevel(level) => mic::set_level(&self.window, level),
            Event::Transcript { text, lang } => {
                // The shopper's words become their turn, in the language
                // they chose, else the one Whisper heard.
                let hint = if self.lang_chosen {
                    Some(self.lang)
                } else {
                    lang
                };
                self.ask_in(text, hint);
            }
            Event::Touched => self.touch(),
            Event::NewCustomer => {
                // Ask how it went, if there was a conversation at all.
                if self.messages.iter().any(|m| m.from_shopper) {
                    feedback::set_visible(&self.window, true);
                } else {
                    self.wipe();
                }
            }
            Event::Feedback(answer) => {
                if let Some(up) = answer {
                    self.send(Request::Feedback { up });
                }
                self.wipe();
            }
            Event::StillHere => self.touch(),
            Event::AddToPickup { product_id, sku } => self.add_to_pickup(&product_id, &sku),
            Event::NotifyMe { product_id, sku } => {
                // "Notify me" about the product and variant on that card.
                self.send(Request::Pick { product_id, sku });
                self.ask_in(say(self.lang, "chip_notify", &[]), Some(self.lang));
            }
            Event::OpenProduct(id) => self.send(Request::Detail {
                id,
                lang: self.lang,
            }),
            Event::Detail(card) => {
                if let Some(card) = *card {
                    detail::show(&self.window, &card);
                }
            }
            Event::CloseDetail => detail::hide(&self.window),
            Event::RemovePickup(i) => {
                if i < self.pickup.len() {
                    self.pickup.remove(i);
                    self.show_pickup();
                }
            }
            Event::CallStaff => {
                self.ask_in(say(self.lang, "chip_call_staff", &[]), Some(self.lang))
            }
            Event::DismissHandoff => staff_call::hide_handoff(&self.window, false),
            Event::OpenStaff => {
                // Every visit asks for the PIN: the panel never stays
                // unlocked behind the attract screen.
                self.lock_staff();
                self.touch();
                self.set_page(ui::Page::Staff);
                self.send(Request::StaffInfo);
            }
            Event::SubmitPin(pin) => {
                self.touch();
                self.submit_pin(pin);
            }
            Event::PinChecked(result) => self.pin_checked(result),
            Event::LockStaff => self.lock_staff(),
            Event::SyncNow => {
                self.touch();
                if staff_panel::unlocked(&self.window) {
                    self.send(Request::SyncNow);
                }
            }
            Event::Sync {
                text,
                finished,
                switched,
            } => {
                self.status(&text);
                if finished.is_some() {
                    self.last_sync = finished;
                }
                if switched {
                    self.send(Request::Freshness);
                }
                if staff_panel::unlocked(&self.window) {
                    self.send(Request::StaffInfo);
                }
            }
            Event::Call { phase, message } => self.call_changed(phase, &message),
            Event::ExitKiosk => {
                if staff_panel::unlocked(&self.window) {
                    let _ = slint::quit_event_loop();
                }
            }
            Event::ReadAloud(on) => {
                if on && !self.speaker.available() {
                    app_state::set_read_aloud(&self.window, false);
                    self.status("Read-aloud needs espeak-ng, which is not installed.");
                } else if !on {
                    self.speaker.stop();
                }
            }
            Event::Token { turn, text } => self.token(turn, &text),
            Event::Reply { turn, reply, cards } => self.reply(turn, *reply, cards),
            Event::TurnFailed { turn, notice } => {
                if self.turn == turn {
                    self.finish_streaming(notice.text(self.lang), &[], &[]);
                }
            }
            Event::Notice(notice) => self.tell_shopper(notice.text(self.lang)),
            Event::Status(text) => {
                self.status(&text);
                // The panel's model line follows the model's progress.
                if staff_panel::unlocked(&self.window) {
                    self.send(Request::StaffInfo);
                }
            }
            Event::Freshness {
                stale,
                as_of,
                store_name,
            } => {
                app_state::set_store_name(&self.window, &store_name);
                app_state::set_stale(&self.window, stale);
                self.stock_as_of = Some(as_of);
                self.show_stock_as_of();
            }
            Event::StaffInfo(info) => self.show_staff_info(*info),
            Event::Tick => self.tick(),
        }
    }

    fn touch(&mut self) {
        self.last_touch = Instant::now();
        if self.countdown_started.take().is_some() {
            app_state::set_countdown(&self.window, None);
        }
    }

    fn set_page(&self, page: ui::Page) {
        app_state::set_page(&self.window, page);
    }

    fn set_language(&mut self, lang: Lang) {
        self.lang = lang;
        app_state::set_language(&self.window, lang);
        self.show_stock_as_of();
    }

    /// The stock banner in the screen's language.
    fn show_stock_as_of(&self) {
        if let Some(as_of) = &self.stock_as_of {
            app_state::set_stock_as_of(&self.window, self.lang, as_of);
        }
    }

    fn status(&self, text: &str) {
        app_state::set_status(&self.window, text);
    }

    fn ask(&mut self, text: String) {
        let hint = self.lang_chosen.then_some(self.lang);
        self.ask_in(text, hint);
    }

    /// Sends a turn; `hint` is the language to answer in, when known (else
    /// the assistant reads it from the words).
    fn ask_in(&mut self, text: String, hint: Option<Lang>) {
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        self.touch();
        self.set_page(ui::Page::Conversation);
        self.speaker.stop();
        // A model still writing the last answer stops; the worker falls
        // back to that turn's template and moves on to this one.
        self.model.cancel();
        self.turn += 1;
        self.messages.push(chat::map_question(&text));
        self.messages.push(ui::Message {
            streaming: true,
            ..chat::map_line("")
        });
        self.streaming = Some((self.turn, self.messages.row_count() - 1));
        chat::set_busy(&self.window, true);
        self.send(Request::Ask {
            turn: self.turn,
            text,
            lang: hint,
        });
    }

    fn token(&mut self, turn: u64, text: &str) {
        let Some((current, row)) = self.streaming else {
            return;
        };
        if current != turn {
            return;
        }
        if let Some(mut m) = self.messages.row_data(row) {
            m.text = format!("{}{}", m.text, text).into();
            self.messages.set_row_data(row, m);
        }
    }

    fn finish_streaming(&mut self, text: &str, cards: &[CardData], chips: &[QuickReply]) {
        if let Some((_, row)) = self.streaming.take()
            && row < self.messages.row_count()
        {
            self.messages
                .set_row_data(row, chat::map_answer(text, cards, chips));
        }
        chat::set_busy(&self.window, false);
    }

    fn reply(&mut self, turn: u64, reply: Reply, cards: Vec<CardData>) {
        if turn != self.turn {
            return; // a newer question replaced this one
        }
        // The shopper's language, as the assistant read it, becomes the UI's.
        if reply.language != self.lang {
            self.set_language(reply.language);
        }
        self.finish_streaming(&reply.answer, &cards, &reply.quick_replies);
        self.cards.extend(cards);
        for action in &reply.actions {
            if let Action::AddToPickupList {
                status: ActionStatus::Done,
                product_id,
                sku: Some(sku),
                ..
            } = action
            {
                self.add_to_pickup(product_id, sku);
            }
        }
        if let Some(handoff) = &reply.handoff {
            // The worker sends the call; its states follow as events.
            if !staff_call::in_progress(&self.window) {
                let calling = say(self.lang, "staff_called", &[]);
                staff_call::show_phase(&self.window, CallPhase::Calling, &calling);
            }
            let summary = super::convert::handoff_summary(handoff, &self.kiosk.0, &self.kiosk.1);
            staff_call::show_handoff(&self.window, &summary);
        }
        if reply
            .actions
            .iter()
            .any(|a| matches!(a, Action::EndSession { .. }))
        {
            feedback::set_visible(&self.window, true);
        }
        if app_state::read_aloud(&self.window) {
            self.speaker.say(&reply.answer, reply.language);
        }
    }

    fn add_to_pickup(&mut self, product_id: &str, sku: &str) {
        self.touch();
        let Some(card) = self.cards.iter().rev().find(|c| c.id == product_id) else {
            return;
        };
        let Some(variant) = card.variants.iter().find(|v| v.sku == sku) else {
            return;
        };
        if self.pickup.iter().any(|p| p.sku == sku) {
            return;
        }
        self.pickup.push(PickupEntry {
            photo: card.photo.clone(),
            pictogram: card.pictogram,
            title: card.title.clone(),
            options: variant.label.clone(),
            location: card.location.clone(),
            sku: sku.to_string(),
        });
        self.show_pickup();
    }

    fn show_pickup(&self) {
        let code = pickup_code(self.pickup.iter().map(|p| p.sku.as_str()));
        pickup::show(&self.window, &self.pickup, &code);
    }

    /// Starts checking a PIN off the UI thread.
    fn submit_pin(&mut self, pin: String) {
        if self.pin_checking {
            return;
        }
        self.pin_checking = true;
        let guard = self.pin.clone();
        let spawned = std::thread::Builder::new()
            .name("pin-check".into())
            .spawn(move || {
                let result = guard
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .check(&pin);
                post(Event::PinChecked(result));
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the PIN check: {e}");
            self.pin_checking = false;
            staff_panel::set_message(
                &self.window,
                "The PIN cannot be checked right now; try again.",
                false,
            );
        }
    }

    fn pin_checked(&mut self, result: PinCheck) {
        self.pin_checking = false;
        let window = &self.window;
        match result {
            PinCheck::Ok => {
                staff_panel::unlock(window);
                self.send(Request::StaffInfo);
            }
            PinCheck::Wrong { tries_left } => staff_panel::set_message(
                window,
                &format!("Wrong PIN ({tries_left} tries left before a lockout)."),
                false,
            ),
            PinCheck::LockedOut { seconds } => {
                staff_panel::set_message(
                    window,
                    &format!("Too many wrong tries: locked for {seconds} s."),
                    true,
                );
                slint::Timer::single_shot(Duration::from_secs(seconds), || post(Event::LockStaff));
            }
            PinCheck::NotSet => staff_panel::set_message(
                window,
                "No staff PIN is set: run `kiosk staff-pin set` on this kiosk.",
                false,
            ),
        }
    }

    /// A staff call moved on: the button, the handoff dialog, and at
    /// "resolved" the handback in the conversation.
    fn call_changed(&mut self, phase: CallPhase, message: &str) {
        staff_call::show_phase(&self.window, phase, message);
        if phase == CallPhase::Resolved {
            staff_call::hide_handoff(&self.window, true);
            self.tell_shopper(message);
        }
    }

    /// A line from the kiosk in the conversation, read aloud when asked.
    fn tell_shopper(&mut self, text: &str) {
        self.messages.push(chat::map_line(text));
        if app_state::read_aloud(&self.window) {
            self.speaker.say(text, self.lang);
        }
    }

    fn show_staff_info(&self, info: StaffInfo) {
        staff_panel::show_info(
            &self.window,
            info.catalog.as_ref(),
            self.last_sync.as_ref(),
            &info.staff_link,
            &info.model,
            &info.stats,
        );
    }

    /// Forgets everything about the shopper: conversation, lists, the
    /// assistant's session, what is being read aloud.
    fn wipe(&mut self) {
        self.speaker.stop();
        self.messages.set_vec(Vec::new());
        self.pickup.clear();
        self.cards.clear();
        self.show_pickup();
        self.streaming = None;
        self.turn += 1;
        self.model.cancel();
        self.send(Request::Reset);
        if let Some(speech) = &self.speech {
            speech.send(SpeechRequest::Cancel);
        }
        self.lang_chosen = false;
        adapters::reset(&self.window);
        self.countdown_started = None;
        self.set_language(Lang::En);
        self.set_page(ui::Page::Attract);
        self.last_touch = Instant::now();
    }

    /// Locks the panel; the pad takes keys again (a lockout still in
    /// force answers the next PIN with its time left).
    fn lock_staff(&self) {
        staff_panel::lock(&self.window);
    }

    fn tick(&mut self) {
        let page = app_state::page(&self.window);
        let now = Instant::now();
        if page == ui::Page::Staff {
            // Staff who walk away leave the panel locked and the attract
            // screen showing, after the same idle time as a shopper.
            if now.duration_since(self.last_touch) >= self.idle {
                self.lock_staff();
                self.set_page(ui::Page::Attract);
                self.last_touch = now;
            }
            return;
        }
        if page == ui::Page::Attract {
            return;
        }
        match self.countdown_started {
            None if now.duration_since(self.last_touch) >= self.idle => {
                self.countdown_started = Some(now);
                app_state::set_countdown(&self.window, Some(self.countdown.as_secs() as i32));
            }
            Some(started) => {
                let left = self.countdown.saturating_sub(now.duration_since(started));
                if left.is_zero() {
                    self.wipe();
                } else {
                    let seconds = left.as_secs_f64().ceil() as i32;
                    app_state::set_countdown(&self.window, Some(seconds));
                }
            }
            None => {}
        }
    }
}

/// The staff console and sync agent the worker runs, from the config. A
/// link that is set up but broken (a missing key file, say) is reported in
/// the status line; the kiosk runs on without it.
fn links(config: &Config, options: &AppOptions, window: &ui::App, model: Arc<ModelSlot>) -> Links {
    let mut problems = Vec::new();
    let staff = if config.staff.console_url.is_some() {
        match crate::services::staff::link_config(config, None, None) {
            Ok(link) => Some(link),
            Err(e) => {
                problems.push(format!("Staff console: {e:#}"));
                None
            }
        }
    } else {
        None
    };
    let sync = match crate::services::sync::agent_parts(config, &options.data_dir) {
        Ok(parts) => Some(parts),
        Err(e) => {
            problems.push(format!("Sync: {e:#}"));
            None
        }
    };
    if !problems.is_empty() {
        app_state::set_status(window, &problems.join("; "));
    }
    Links {
        staff,
        sync,
        model,
        retention: config.privacy.retention(),
        embed_model: match crate::services::embed::product_model(config) {
            Ok(path) => Some((path, config.embed.threads)),
            Err(why) => {
                if config.embed.enabled {
                    tracing::warn!("search is lexical only: no embedding model ({why})");
                }
                None
            }
        },
    }
}

/// The text a key adds to a question: printable characters only. Slint
/// gives control keys (Return, Backspace, Escape, arrows, function keys)
/// as control characters or in the private use area U+F700..U+F8FF.
pub fn typed_text(key: &str) -> Option<&str> {
    let printable = !key.is_empty()
        && key
            .chars()
            .all(|c| !c.is_control() && !('\u{f700}'..='\u{f8ff}').contains(&c));
    printable.then_some(key)
}
