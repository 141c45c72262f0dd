//! The app's one event handler. It owns the UI models and the workers, and
//! turns every [`Event`] into model updates and requests.

use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use kiosk_core::Lang;
use kiosk_core::assistant::{Action, ActionStatus, Reply, phrasebook::say};
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

use super::AppOptions;
use super::convert::CardData;
use super::events::{Event, post};
use super::model::ModelSlot;
use super::pin::{PinCheck, PinGuard};
use super::speak::Speaker;
use super::speech::{MicNote, MicPhase, SpeechRequest, SpeechWorker};
use super::ui;
use super::worker::{CallPhase, Links, Request, StaffInfo, Worker};
use crate::config::Config;

struct PickupEntry {
    photo: Option<super::photos::Photo>,
    pictogram: usize,
    title: String,
    options: String,
    location: String,
    sku: String,
}

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
    last_sync: String,
    /// This kiosk's name and place, as staff see them with a call.
    kiosk: (String, String),
    _ticker: slint::Timer,
}

fn s(text: impl AsRef<str>) -> SharedString {
    SharedString::from(text.as_ref())
}

impl Controller {
    pub fn start(
        window: &ui::App,
        config: &Config,
        options: &AppOptions,
    ) -> anyhow::Result<Controller> {
        let messages = Rc::new(VecModel::<ui::Message>::default());
        let chat = window.global::<ui::ChatAdapter>();
        chat.set_messages(ModelRc::from(messages.clone()));
        chat.on_send(|text| post(Event::Send(text.to_string())));
        chat.on_add_to_pickup(|id, sku| {
            post(Event::AddToPickup {
                product_id: id.to_string(),
                sku: sku.to_string(),
            })
        });
        chat.on_notify_me(|id, sku| {
            post(Event::NotifyMe {
                product_id: id.to_string(),
                sku: sku.to_string(),
            })
        });
        chat.on_open_product(|id| post(Event::OpenProduct(id.to_string())));
        chat.set_quick_picks(ModelRc::new(VecModel::from(quick_picks(Lang::Zh))));

        let app = window.global::<ui::AppState>();
        app.on_select_language(|code| {
            if let Ok(lang) = code.parse() {
                post(Event::SelectLanguage(lang));
            }
        });
        app.on_touched(|| post(Event::Touched));
        app.on_new_customer(|| post(Event::NewCustomer));
        app.on_still_here(|| post(Event::StillHere));
        app.on_start(|| post(Event::Start));
        app.on_typed(|text| post(Event::Typed(text.into())));
        app.on_open_staff(|| post(Event::OpenStaff));
        app.on_read_aloud_changed(|on| post(Event::ReadAloud(on)));

        window
            .global::<ui::DetailAdapter>()
            .on_close(|| post(Event::CloseDetail));
        let staff_call = window.global::<ui::StaffCallAdapter>();
        staff_call.on_call(|| post(Event::CallStaff));
        staff_call.on_dismiss(|| post(Event::DismissHandoff));
        window
            .global::<ui::PickupAdapter>()
            .on_remove(|i| post(Event::RemovePickup(i.max(0) as usize)));
        let panel = window.global::<ui::StaffPanelAdapter>();
        panel.on_submit_pin(|pin| post(Event::SubmitPin(pin.to_string())));
        panel.on_sync_now(|| post(Event::SyncNow));
        panel.on_exit_kiosk(|| post(Event::ExitKiosk));
        panel.on_lock(|| post(Event::LockStaff));
        panel.on_mask(|pin| s("●".repeat(pin.chars().count())));
        let feedback = window.global::<ui::FeedbackAdapter>();
        feedback.on_answer(|up| post(Event::Feedback(Some(up))));
        feedback.on_skip(|| post(Event::Feedback(None)));
        super::keyboard::connect(window);
        let mic = window.global::<ui::MicAdapter>();
        mic.on_toggle(|| post(Event::MicToggle));
        mic.set_state(ui::MicState::Unavailable);
        mic.set_note(ui::MicNote::NoModel);
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
            last_sync: "Last sync: none since the kiosk started".into(),
            kiosk: (config.kiosk.name.clone(), config.kiosk.location.clone()),
            _ticker: ticker,
        };
        controller.set_language(Lang::En);
        let app = window.global::<ui::AppState>();
        let problems = app.get_status_text();
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
                    let chat = self.window.global::<ui::ChatAdapter>();
                    let draft = chat.get_draft();
                    if !(draft.is_empty() && typed.trim().is_empty()) {
                        chat.set_draft(s(format!("{draft}{typed}")));
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
                let mic = self.window.global::<ui::MicAdapter>();
                let request = match mic.get_state() {
                    ui::MicState::Idle => {
                        self.speaker.stop();
                        self.set_page(ui::Page::Conversation);
                        SpeechRequest::Start {
                            lang: self.lang_chosen.then_some(self.lang),
                        }
                    }
                    ui::MicState::Listening => SpeechRequest::Stop,
                    _ => return,
                };
                if let Some(speech) = &self.speech {
                    speech.send(request);
                }
            }
            Event::Mic { phase, note } => {
                let mic = self.window.global::<ui::MicAdapter>();
                mic.set_state(match phase {
                    MicPhase::Idle => ui::MicState::Idle,
                    MicPhase::Listening => ui::MicState::Listening,
                    MicPhase::Processing => ui::MicState::Processing,
                    MicPhase::Unavailable => ui::MicState::Unavailable,
                });
                mic.set_note(match note {
                    MicNote::None => ui::MicNote::None,
                    MicNote::Loading => ui::MicNote::Loading,
                    MicNote::NoModel => ui::MicNote::NoModel,
                    MicNote::NoMicrophone => ui::MicNote::NoMicrophone,
                    MicNote::Disconnected => ui::MicNote::Disconnected,
                    MicNote::NothingHeard => ui::MicNote::NothingHeard,
                    MicNote::NotUnderstood => ui::MicNote::NotUnderstood,
                    MicNote::Failed => ui::MicNote::Failed,
                });
            }
            Event::MicLevel(level) => self.window.global::<ui::MicAdapter>().set_level(level),
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
                    self.window
                        .global::<ui::FeedbackAdapter>()
                        .set_visible(true);
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
                    let detail = self.window.global::<ui::DetailAdapter>();
                    detail.set_product(to_ui_card(&card));
                    detail.set_visible(true);
                }
            }
            Event::CloseDetail => self.window.global::<ui::DetailAdapter>().set_visible(false),
            Event::RemovePickup(i) => {
                if i < self.pickup.len() {
                    self.pickup.remove(i);
                    self.show_pickup();
                }
            }
            Event::CallStaff => {
                self.ask_in(say(self.lang, "chip_call_staff", &[]), Some(self.lang))
            }
            Event::DismissHandoff => {
                self.window
                    .global::<ui::StaffCallAdapter>()
                    .set_handoff_visible(false);
            }
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
                if self.window.global::<ui::StaffPanelAdapter>().get_unlocked() {
                    self.send(Request::SyncNow);
                }
            }
            Event::Sync { text, switched } => {
                self.status(&text);
                if text.starts_with("Last sync") {
                    self.last_sync = text;
                }
                if switched {
                    self.send(Request::Freshness);
                }
                if self.window.global::<ui::StaffPanelAdapter>().get_unlocked() {
                    self.send(Request::StaffInfo);
                }
            }
            Event::Call { phase, message } => self.call_changed(phase, &message),
            Event::ExitKiosk => {
                if self.window.global::<ui::StaffPanelAdapter>().get_unlocked() {
                    let _ = slint::quit_event_loop();
                }
            }
            Event::ReadAloud(on) => {
                if on && !self.speaker.available() {
                    self.window.global::<ui::AppState>().set_read_aloud(false);
                    self.status("Read-aloud needs espeak-ng, which is not installed.");
                } else if !on {
                    self.speaker.stop();
                }
            }
            Event::Token { turn, text } => self.token(turn, &text),
            Event::Reply { turn, reply, cards } => self.reply(turn, *reply, cards),
            Event::TurnFailed { turn, notice } => {
                if self.turn == turn {
                    self.finish_streaming(notice.text(self.lang), Vec::new(), Vec::new());
                }
            }
            Event::Notice(notice) => self.tell_shopper(notice.text(self.lang)),
            Event::Status(text) => self.status(&text),
            Event::Freshness { stale, as_of } => {
                self.window.global::<ui::AppState>().set_stale(stale);
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
            self.window
                .global::<ui::AppState>()
                .set_countdown_visible(false);
        }
    }

    fn set_page(&self, page: ui::Page) {
        self.window.global::<ui::AppState>().set_page(page);
    }

    fn set_language(&mut self, lang: Lang) {
        self.lang = lang;
        let code = if lang == Lang::En { "" } else { lang.code() };
        let _ = slint::select_bundled_translation(code);
        self.window
            .global::<ui::AppState>()
            .set_lang(s(lang.code()));
        self.show_stock_as_of();
    }

    /// The stock banner in the screen's language.
    fn show_stock_as_of(&self) {
        if let Some(as_of) = &self.stock_as_of {
            self.window.global::<ui::AppState>().set_stale_text(s(say(
                self.lang,
                "stale_note",
                &[("as_of", as_of)],
            )));
        }
    }

    fn status(&self, text: &str) {
        self.window
            .global::<ui::AppState>()
            .set_status_text(s(text));
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
        self.messages.push(ui::Message {
            from_shopper: true,
            text: s(&text),
            ..Default::default()
        });
        self.messages.push(ui::Message {
            from_shopper: false,
            streaming: true,
            ..Default::default()
        });
        self.streaming = Some((self.turn, self.messages.row_count() - 1));
        self.window.global::<ui::ChatAdapter>().set_busy(true);
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
            m.text = s(format!("{}{}", m.text, text));
            self.messages.set_row_data(row, m);
        }
    }

    fn finish_streaming(
        &mut self,
        text: &str,
        cards: Vec<ui::ProductCard>,
        chips: Vec<ui::QuickReply>,
    ) {
        if let Some((_, row)) = self.streaming.take()
            && row < self.messages.row_count()
        {
            self.messages.set_row_data(
                row,
                ui::Message {
                    from_shopper: false,
                    text: s(text),
                    products: ModelRc::new(VecModel::from(cards)),
                    chips: ModelRc::new(VecModel::from(chips)),
                    streaming: false,
                },
            );
        }
        self.window.global::<ui::ChatAdapter>().set_busy(false);
    }

    fn reply(&mut self, turn: u64, reply: Reply, cards: Vec<CardData>) {
        if turn != self.turn {
            return; // a newer question replaced this one
        }
        // The shopper's language, as the assistant read it, becomes the UI's.
        if reply.language != self.lang {
            self.set_language(reply.language);
        }
        let ui_cards: Vec<ui::ProductCard> = cards.iter().map(to_ui_card).collect();
        self.cards.extend(cards);
        let chips: Vec<ui::QuickReply> = reply
            .quick_replies
            .iter()
            .map(|q| ui::QuickReply {
                label: s(&q.label),
                text: s(&q.text),
            })
            .collect();
        self.finish_streaming(&reply.answer, ui_cards, chips);
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
            let call = self.window.global::<ui::StaffCallAdapter>();
            call.set_summary(s(super::convert::handoff_summary(
                handoff,
                &self.kiosk.0,
                &self.kiosk.1,
            )));
            if matches!(
                call.get_state(),
                ui::CallState::None | ui::CallState::Resolved | ui::CallState::Unavailable
            ) {
                call.set_state(ui::CallState::Calling);
                call.set_status_text(s(say(self.lang, "staff_called", &[])));
            }
            call.set_handoff_visible(true);
        }
        if reply
            .actions
            .iter()
            .any(|a| matches!(a, Action::EndSession { .. }))
        {
            self.window
                .global::<ui::FeedbackAdapter>()
                .set_visible(true);
        }
        if self.window.global::<ui::AppState>().get_read_aloud() {
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
        let items: Vec<ui::PickupItem> = self
            .pickup
            .iter()
            .map(|p| ui::PickupItem {
                photo: ui_photo(p.photo.as_ref()),
                has_photo: p.photo.is_some(),
                pictogram: p.pictogram as i32,
                title: s(&p.title),
                options: s(&p.options),
                location: s(&p.location),
            })
            .collect();
        let adapter = self.window.global::<ui::PickupAdapter>();
        adapter.set_items(ModelRc::new(VecModel::from(items)));
        adapter.set_code(s(pickup_code(self.pickup.iter().map(|p| p.sku.as_str()))));
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
            self.window
                .global::<ui::StaffPanelAdapter>()
                .set_message(s("The PIN cannot be checked right now; try again."));
        }
    }

    fn pin_checked(&mut self, result: PinCheck) {
        self.pin_checking = false;
        let panel = self.window.global::<ui::StaffPanelAdapter>();
        match result {
            PinCheck::Ok => {
                panel.set_unlocked(true);
                panel.set_locked_out(false);
                panel.set_message(s(""));
                self.send(Request::StaffInfo);
            }
            PinCheck::Wrong { tries_left } => {
                panel.set_message(s(format!(
                    "Wrong PIN ({tries_left} tries left before a lockout)."
                )));
            }
            PinCheck::LockedOut { seconds } => {
                panel.set_locked_out(true);
                panel.set_message(s(format!("Too many wrong tries: locked for {seconds} s.")));
                slint::Timer::single_shot(Duration::from_secs(seconds), || post(Event::LockStaff));
            }
            PinCheck::NotSet => {
                panel.set_message(s(
                    "No staff PIN is set: run `kiosk staff-pin set` on this kiosk.",
                ));
            }
        }
    }

    /// A staff call moved on: the button, the handoff dialog, and at
    /// "resolved" the handback in the conversation.
    fn call_changed(&mut self, phase: CallPhase, message: &str) {
        let call = self.window.global::<ui::StaffCallAdapter>();
        call.set_state(match phase {
            CallPhase::Calling => ui::CallState::Calling,
            CallPhase::Queued => ui::CallState::Queued,
            CallPhase::Delivered => ui::CallState::Acknowledged,
            CallPhase::OnTheWay => ui::CallState::OnTheWay,
            CallPhase::Resolved => ui::CallState::Resolved,
            CallPhase::Unavailable => ui::CallState::Unavailable,
        });
        if !message.is_empty() {
            call.set_status_text(s(message));
        }
        if phase == CallPhase::Resolved {
            call.set_handoff_visible(false);
            call.set_summary(s(""));
            self.tell_shopper(message);
        }
    }

    /// A line from the kiosk in the conversation, read aloud when asked.
    fn tell_shopper(&mut self, text: &str) {
        self.messages.push(ui::Message {
            from_shopper: false,
            text: s(text),
            ..Default::default()
        });
        if self.window.global::<ui::AppState>().get_read_aloud() {
            self.speaker.say(text, self.lang);
        }
    }

    fn show_staff_info(&self, info: StaffInfo) {
        let panel = self.window.global::<ui::StaffPanelAdapter>();
        panel.set_snapshot_text(s(&info.snapshot));
        panel.set_sync_text(s(format!("{}\n{}", self.last_sync, info.staff_link)));
        panel.set_model_text(s(&info.model));
        let stats: Vec<ui::Stat> = info
            .stats
            .iter()
            .map(|(label, value, fraction)| ui::Stat {
                label: s(label),
                value: s(value),
                fraction: *fraction,
            })
            .collect();
        panel.set_stats(ModelRc::new(VecModel::from(stats)));
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
        let chat = self.window.global::<ui::ChatAdapter>();
        chat.set_draft(s(""));
        chat.set_busy(false);
        super::keyboard::reset(&self.window);
        self.window.global::<ui::DetailAdapter>().set_visible(false);
        let call = self.window.global::<ui::StaffCallAdapter>();
        call.set_handoff_visible(false);
        call.set_state(ui::CallState::None);
        call.set_summary(s(""));
        call.set_status_text(s(""));
        self.window
            .global::<ui::FeedbackAdapter>()
            .set_visible(false);
        let app = self.window.global::<ui::AppState>();
        app.set_countdown_visible(false);
        app.set_read_aloud(false);
        self.countdown_started = None;
        self.set_language(Lang::En);
        self.set_page(ui::Page::Attract);
        self.last_touch = Instant::now();
    }

    /// Locks the panel; the pad takes keys again (a lockout still in
    /// force answers the next PIN with its time left).
    fn lock_staff(&self) {
        let panel = self.window.global::<ui::StaffPanelAdapter>();
        panel.set_unlocked(false);
        panel.set_locked_out(false);
        panel.set_message(s(""));
    }

    fn tick(&mut self) {
        let page = self.window.global::<ui::AppState>().get_page();
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
                let app = self.window.global::<ui::AppState>();
                app.set_countdown(self.countdown.as_secs() as i32);
                app.set_countdown_visible(true);
            }
            Some(started) => {
                let left = self.countdown.saturating_sub(now.duration_since(started));
                if left.is_zero() {
                    self.wipe();
                } else {
                    self.window
                        .global::<ui::AppState>()
                        .set_countdown(left.as_secs_f64().ceil() as i32);
                }
            }
            None => {}
        }
    }
}

pub fn to_ui_card(c: &CardData) -> ui::ProductCard {
    ui::ProductCard {
        id: s(&c.id),
        title: s(&c.title),
        price: s(&c.price),
        photo: ui_photo(c.photo.as_ref()),
        has_photo: c.photo.is_some(),
        pictogram: c.pictogram as i32,
        in_stock: c.in_stock,
        stock_text: s(&c.stock_text),
        location: s(&c.location),
        variants: ModelRc::new(VecModel::from(
            c.variants
                .iter()
                .map(|v| ui::VariantChip {
                    label: s(&v.label),
                    in_stock: v.in_stock,
                    low: v.low,
                    sku: s(&v.sku),
                })
                .collect::<Vec<_>>(),
        )),
        notify_sku: s(&c.notify_sku),
        pickup_sku: s(&c.pickup_sku),
    }
}

/// A decoded photo as a Slint image (the pixels are shared, not copied).
pub fn ui_photo(photo: Option<&super::photos::Photo>) -> slint::Image {
    photo
        .map(|p| slint::Image::from_rgb8(p.pixels.clone()))
        .unwrap_or_default()
}

/// A short code for the counter, the same for the same list.
pub fn pickup_code<'a>(skus: impl Iterator<Item = &'a str>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut any = false;
    for sku in skus {
        any = true;
        for b in sku.bytes().chain(std::iter::once(b'|')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    if !any {
        return String::new();
    }
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..5)
        .map(|i| ALPHABET[((h >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// Quick questions for shoppers without a keyboard in their script.
fn quick_picks(lang: Lang) -> Vec<ui::QuickReply> {
    let picks: &[&str] = match lang {
        Lang::Zh => &[
            "有沒有跑鞋？",
            "雨衣在哪裡？",
            "有沒有黑色的？",
            "營業時間？",
            "怎麼退貨？",
            "請店員來",
        ],
        _ => &[],
    };
    picks
        .iter()
        .map(|p| ui::QuickReply {
            label: s(p),
            text: s(p),
        })
        .collect()
}

/// The staff console and sync agent the worker runs, from the config. A
/// link that is set up but broken (a missing key file, say) is reported in
/// the status line; the kiosk runs on without it.
fn links(config: &Config, options: &AppOptions, window: &ui::App, model: Arc<ModelSlot>) -> Links {
    let mut problems = Vec::new();
    let staff = if config.staff.console_url.is_some() {
        match crate::commands::staff::link_config(config, None, None) {
            Ok(link) => Some(link),
            Err(e) => {
                problems.push(format!("Staff console: {e:#}"));
                None
            }
        }
    } else {
        None
    };
    let sync = match crate::commands::sync::agent_parts(config, &options.data_dir) {
        Ok(parts) => Some(parts),
        Err(e) => {
            problems.push(format!("Sync: {e:#}"));
            None
        }
    };
    if !problems.is_empty() {
        window
            .global::<ui::AppState>()
            .set_status_text(s(problems.join("; ")));
    }
    Links {
        staff,
        sync,
        model,
        retention: config.privacy.retention(),
        embed_model: match crate::commands::embed::product_model(config) {
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
