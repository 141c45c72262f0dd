//! `kiosk ask` and `kiosk chat`: the assistant on the command line.

use std::io::{BufRead, IsTerminal, Write};

use kiosk_catalog::Snapshot;
use kiosk_catalog::local::LocalStore;
use kiosk_core::Lang;
use kiosk_core::assistant::intents::IntentExamples;
use kiosk_core::assistant::{AssistantConfig, Reply, Session, TurnInput};
use serde::Deserialize;

use super::ExitCode;
use crate::cli::{AskArgs, ChatArgs, TurnFlags};
use crate::config::Config;
use crate::turn;

/// The assistant over the live snapshot, recording turns locally.
struct Kiosk {
    snapshot: Snapshot,
    config: AssistantConfig,
    local: Option<LocalStore>,
    session_tag: String,
    /// The language model, with `--model`.
    generator: Option<kiosk_llm::generator::LlmGenerator>,
    /// The labelled example turns, embedded, with `[embed]` on.
    examples: Option<IntentExamples>,
}

impl Kiosk {
    fn open(config: &Config, flags: &TurnFlags) -> anyhow::Result<Kiosk> {
        let (record, with_model) = (!flags.no_record, flags.model);
        let dir = config.data_dir(flags.data_dir.data_dir.as_ref());
        let snapshot = super::open_search_snapshot(config, Some(&dir))?;
        // Without the e5 model turns are read by the rules alone, as on a
        // kiosk without it.
        let examples = if config.embed.enabled {
            crate::services::embed::configured_intent_examples(
                config,
                snapshot.embedder(),
                Some(&kiosk_catalog::DataDir::new(&dir).vector_cache()),
            )
            .inspect_err(|why| eprintln!("intents by rules alone ({why})"))
            .ok()
        } else {
            None
        };
        let local = if record {
            Some(LocalStore::open(&dir)?)
        } else {
            None
        };
        Ok(Kiosk {
            snapshot,
            config: config.assistant(),
            local,
            session_tag: turn::new_session_tag(),
            generator: with_model.then(|| load_model(config)).flatten(),
            examples,
        })
    }

    fn turn(
        &mut self,
        session: &mut Session,
        text: &str,
        lang: Option<Lang>,
    ) -> anyhow::Result<Reply> {
        let generator = self
            .generator
            .as_ref()
            .map(|g| g as &dyn kiosk_core::assistant::generator::Generator);
        let input = TurnInput {
            text: text.to_string(),
            lang,
        };
        let (reply, clock) = turn::take(
            &self.snapshot,
            &self.config,
            generator,
            self.examples.as_ref(),
            session,
            &input,
            &mut |_| {},
        );
        let reply = reply?;
        // Without recording (`--no-record`) nothing is meant to be kept.
        if self.local.is_some()
            && turn::record(self.local.as_ref(), clock, &self.session_tag, &reply)
                == turn::Recorded::WaitlistLost
        {
            anyhow::bail!("the back-in-stock request was not saved (see the log)");
        }
        Ok(reply)
    }

    fn reset(&mut self, session: &mut Session) {
        session.reset();
        if let Some(g) = &self.generator {
            g.forget();
        }
        self.session_tag = turn::new_session_tag();
    }
}

/// The configured model, or `None` with the reason on stderr (the answers
/// then come from the templates, as on a kiosk without a model).
fn load_model(config: &Config) -> Option<kiosk_llm::generator::LlmGenerator> {
    match crate::services::llm::load_generator(config) {
        Ok(g) => Some(g),
        Err(e) => {
            tracing::warn!("no language model ({e:#}): answering from templates");
            eprintln!("no language model ({e:#}): answering from templates");
            None
        }
    }
}

pub fn ask(config: &Config, args: AskArgs) -> anyhow::Result<ExitCode> {
    let mut kiosk = Kiosk::open(config, &args.turn)?;
    let mut session = Session::default();
    let reply = kiosk.turn(&mut session, &args.text, args.lang)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reply)?);
    } else {
        print_reply(&reply);
    }
    Ok(ExitCode::Ok)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChatLine {
    #[serde(default)]
    text: String,
    #[serde(default)]
    lang: Option<Lang>,
    #[serde(default)]
    reset: bool,
}

pub fn chat(config: &Config, args: ChatArgs) -> anyhow::Result<ExitCode> {
    let mut kiosk = Kiosk::open(config, &args.turn)?;
    let mut session = Session::default();
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal() && !args.json;
    if interactive {
        println!(
            "{} — ask anything (\"/reset\" starts over, Ctrl-D quits).",
            kiosk.snapshot.store().name
        );
    }
    let mut out = std::io::stdout().lock();
    loop {
        if interactive {
            print!("> ");
            std::io::stdout().flush()?;
        }
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if args.json {
            let parsed: ChatLine = match serde_json::from_str(line) {
                Ok(p) => p,
                Err(e) => {
                    writeln!(
                        out,
                        "{}",
                        serde_json::json!({"error": format!("expected {{\"text\": \"...\", \"lang\": \"nl\"}}: {e}")})
                    )?;
                    continue;
                }
            };
            if parsed.reset {
                kiosk.reset(&mut session);
                writeln!(out, "{}", serde_json::json!({"reset": true}))?;
                continue;
            }
            let reply = kiosk.turn(&mut session, &parsed.text, parsed.lang.or(args.lang))?;
            writeln!(out, "{}", serde_json::to_string(&reply)?)?;
            out.flush()?;
        } else {
            if line == "/reset" {
                kiosk.reset(&mut session);
                println!("(new customer: the conversation was forgotten)");
                continue;
            }
            let reply = kiosk.turn(&mut session, line, args.lang)?;
            print_reply(&reply);
        }
    }
    Ok(ExitCode::Ok)
}

fn print_reply(reply: &Reply) {
    println!("{}", reply.answer);
    for (i, p) in reply.products.iter().enumerate() {
        let stock = if p.in_stock {
            "in stock"
        } else {
            "out of stock"
        };
        let place = p
            .location
            .as_ref()
            .map(|l| format!(" — {}", l.text))
            .unwrap_or_default();
        println!(
            "  {}. {}  {}  [{stock}]{place}",
            i + 1,
            p.title,
            crate::output::money(p.price, &p.currency)
        );
    }
    if let Some(h) = &reply.handoff {
        println!("  → staff called: {}", h.wants);
    }
    if !reply.quick_replies.is_empty() {
        let chips: Vec<String> = reply
            .quick_replies
            .iter()
            .map(|c| format!("[{}]", c.label))
            .collect();
        println!("  {}", chips.join(" "));
    }
}
