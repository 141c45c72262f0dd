//! The staff console in a real browser (issue 8): Debian's Chromium,
//! headless, driven over the W3C WebDriver protocol through chromedriver.
//! A staff member signs in (a wrong key first), a call sent by `kiosk
//! call-staff` appears with an alert, "On my way" and "Resolved" are tapped
//! and the kiosk follows each; the console is killed and restarted and the
//! page reconnects with the open call; a kiosk's figures show on the
//! analytics tab. Screenshots land in target/staff-console-*.png.

use crate::common_support::run_ok;
use crate::staff_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use kiosk_catalog::local::LocalStore;
use kiosk_core::Lang;
use kiosk_core::assistant::{AnalyticsEvent, Intent};
use serde_json::{Value, json};
use staff_support::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver and one browser session; both end on drop.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Browser {
    fn start(profile: &Path) -> Browser {
        for tool in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(tool).exists(),
                "{tool} is missing: this test needs Debian's chromium and chromium-driver; \
                 run ./scripts/test (it installs them) or `apt-get install -y chromium chromium-driver`"
            );
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        let mut browser = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            agent,
        };
        wait_until("chromedriver ready", || {
            browser
                .agent
                .get(format!("{}/status", browser.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .is_some_and(|body| body.contains("\"ready\":true"))
        });
        let session = browser.send(
            "POST",
            "/session",
            json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
                        "--window-size=430,1000",
                        // The console's self-signed certificate, accepted
                        // as a staff phone's browser accepts it once.
                        "--ignore-certificate-errors",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                },
            }}}),
        );
        browser.session = session["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        browser
    }

    /// One WebDriver command; panics with the driver's message on error.
    fn send(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let response = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        };
        let mut response = response.unwrap_or_else(|e| panic!("chromedriver {method} {path}: {e}"));
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().expect("driver reply");
        let value: Value = serde_json::from_str(&text).expect("driver JSON");
        assert_eq!(status, 200, "chromedriver {method} {path}: {text}");
        value["value"].clone()
    }

    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        self.send(method, &format!("/session/{}{path}", self.session), body)
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "/url", json!({ "url": url }));
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        self.cmd(
            "POST",
            "/elements",
            json!({"using": "css selector", "value": css}),
        )
        .as_array()
        .expect("a list of elements")
        .iter()
        .map(|e| e[ELEMENT].as_str().expect("element id").to_string())
        .collect()
    }

    /// The first element matching `css` whose text contains `text`,
    /// waiting for it.
    fn wait_for(&self, css: &str, text: &str) -> String {
        let mut found = None;
        wait_until(&format!("{css} with {text:?}"), || {
            found = self
                .find_all(css)
                .into_iter()
                .find(|id| self.text(id).contains(text));
            found.is_some()
        });
        found.expect("found")
    }

    fn text(&self, element: &str) -> String {
        // A re-rendered list drops old elements; treat them as empty.
        let url = format!(
            "{}/session/{}/element/{element}/text",
            self.base, self.session
        );
        self.agent
            .get(&url)
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["value"].as_str().map(str::to_string))
            .unwrap_or_default()
    }

    fn click(&self, element: &str) {
        self.cmd("POST", &format!("/element/{element}/click"), json!({}));
    }

    fn type_into(&self, css: &str, text: &str) {
        let field = self.wait_for(css, "");
        self.cmd("POST", &format!("/element/{field}/clear"), json!({}));
        self.cmd(
            "POST",
            &format!("/element/{field}/value"),
            json!({ "text": text }),
        );
    }

    fn script(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
    }

    fn screenshot(&self, name: &str) {
        let data = self.cmd("GET", "/screenshot", Value::Null);
        let Some(png) = data.as_str().and_then(base64_decode) else {
            return;
        };
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
        let _ = std::fs::write(dir.join(format!("staff-console-{name}.png")), png);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        acc = (acc << 6) | u32::from(value(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[test]
fn a_call_is_taken_in_a_real_browser_and_the_kiosk_follows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = ConsoleHome::new(dir.path());
    let console = home.start();
    let config = kiosk_config(dir.path(), &console.url, &console.cert_sha256);
    let browser = Browser::start(&dir.path().join("chromium-profile"));

    // Sign in: a wrong key is refused on the page, the right one lets in.
    browser.goto(&format!("{}/", console.url));
    browser.type_into("#staff-name", "Anna");
    browser.type_into("#store-key", "this-is-not-the-store-key");
    browser.click(&browser.wait_for("#sign-in", "Sign in"));
    browser.wait_for("#login-error", "not right");
    browser.type_into("#store-key", KEY);
    browser.click(&browser.wait_for("#sign-in", "Sign in"));
    browser.wait_for("#live", "live");
    browser.wait_for("#no-calls", "No open calls");

    // A kiosk calls; the call appears with its summary and an alert.
    let call = CallStaff::start(&config, &["--lang", "en", "running shoes in size 9, black"]);
    call.expect("delivered");
    let card = browser.wait_for(
        "article.call[data-state='open']",
        "running shoes in size 9, black",
    );
    let text = browser.text(&card);
    assert!(text.contains("Kiosk 1"), "{text}");
    assert!(text.contains("Entrance, by the fitting rooms"), "{text}");
    assert!(text.contains("Speaks English"), "{text}");
    wait_until("the new-call alert", || {
        browser
            .script("return window.kioskConsole.alerts")
            .as_u64()
            .is_some_and(|n| n >= 1)
    });
    browser.screenshot("call");

    // "On my way": the kiosk hears it, with the staff member's name.
    let go = browser.wait_for(
        "article.call[data-state='open'] button.on-my-way",
        "On my way",
    );
    browser.click(&go);
    let otw = call.expect("on_the_way");
    assert_eq!(otw["by"], "Anna");
    assert_eq!(otw["message"], "Anna is on the way.");
    browser.wait_for(
        "article.call[data-state='on_the_way']",
        "Anna is on the way",
    );

    // "Resolved": the kiosk thanks the shopper and offers more help.
    let done = browser.wait_for(
        "article.call[data-state='on_the_way'] button.resolve",
        "Resolved",
    );
    browser.click(&done);
    let resolved = call.expect("resolved");
    assert_eq!(
        resolved["message"],
        "Thank you! Is there anything else I can help you with?"
    );
    assert_eq!(call.finish(), 0);
    browser.wait_for("#no-calls", "No open calls");

    // The console goes down and comes back: the page reconnects and the
    // open call is still there.
    let second = CallStaff::start(&config, &["--no-wait", "--lang", "nl", "een regenjas in L"]);
    second.expect("delivered");
    assert_eq!(second.finish(), 0);
    browser.wait_for("article.call[data-state='open']", "een regenjas in L");
    console.kill();
    browser.wait_for("#live", "reconnecting");
    let console = home.start();
    browser.wait_for("#live", "live");
    let card = browser.wait_for("article.call[data-state='open']", "een regenjas in L");
    assert!(browser.text(&card).contains("Speaks Nederlands"));
    browser.click(&browser.wait_for("article.call[data-state='open'] button.resolve", "Resolved"));
    let client = console.client();
    wait_until("the call resolved by Anna", || {
        client.calls(true).is_ok_and(|calls| {
            calls.iter().any(|c| {
                c.handoff.wants == "een regenjas in L"
                    && c.closed.as_ref().is_some_and(|s| s.by == "Anna")
            })
        })
    });

    // A kiosk's figures show on the analytics tab.
    let local = LocalStore::open(&dir.path().join("kiosk-data")).expect("local store");
    for (session, lang, text) in [
        ("s1", Lang::En, "running shoes"),
        ("s2", Lang::Nl, "regenjas"),
        ("s3", Lang::En, "running shoes"),
    ] {
        let event = AnalyticsEvent {
            intent: Intent::Search,
            resolved: true,
            escalated: false,
            reason: None,
            language: lang,
            latency_ms: 12.0,
            text: text.into(),
            lost_demand: Vec::new(),
            n_products: 3,
        };
        local
            .record_event(jiff::Timestamp::now(), session, &event)
            .expect("record");
    }
    local
        .record_feedback(jiff::Timestamp::now(), "s1", true)
        .expect("feedback");
    run_ok(
        Command::new(KIOSK)
            .arg("--config")
            .arg(&config)
            .args(["analytics", "--push"]),
        "kiosk analytics --push",
    );
    browser.click(&browser.wait_for("#tab-analytics", "Analytics"));
    let figures = browser.wait_for("article.figures[data-kiosk='kiosk-1']", "Top searches");
    let text = browser.text(&figures);
    assert!(text.contains("shoppers helped"), "{text}");
    assert!(text.contains("running shoes"), "{text}");
    assert!(text.contains("Nederlands"), "{text}");
    browser.screenshot("analytics");

    // The session cookie is the only credential the page kept.
    let kept = browser.script(
        "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie",
    );
    assert!(!kept.as_str().unwrap_or_default().contains(KEY));
}
