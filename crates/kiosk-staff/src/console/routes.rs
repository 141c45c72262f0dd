//! The console's routes: the staff page (three static files, no data, no
//! authentication) and the API under `/api/`, where every request is
//! authenticated — signed with the store key (kiosks, scripts, the page's
//! sign-in) or carrying the session cookie the sign-in set (the page).

use std::io::{Read, Write};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tiny_http::{Header, Request, Response};

use super::Shared;
use super::hub::StateError;
use crate::auth::{Refusal, sha256_hex};
use crate::call::{AnalyticsPush, CallId, NewCall, StateChange, WatchRequest};

const PAGE_HTML: &str = include_str!("page.html");
const PAGE_JS: &str = include_str!("page.js");
const PAGE_CSS: &str = include_str!("page.css");

/// The largest request body accepted.
const MAX_BODY: u64 = 256 * 1024;
const COOKIE: &str = "kiosk_staff";
/// Cookie-authenticated writes must carry this header: a cross-site form
/// cannot set it (on top of `SameSite=Strict`).
const CSRF_HEADER: &str = "X-Kiosk-Console";
/// Staff names are shown on kiosks; keep them short.
const MAX_NAME: usize = 40;

type Reply = Response<std::io::Cursor<Vec<u8>>>;

/// Who is asking.
enum Caller {
    /// A request signed with the store key (a kiosk, a script, the page's
    /// sign-in).
    Signed,
    /// A staff page with a session cookie.
    Staff { name: String, token: String },
}

pub(crate) fn handle(shared: &Shared, request: Request) {
    let method = request.method().as_str().to_ascii_uppercase();
    let url = request.url().to_string();
    let path = url.split('?').next().unwrap_or_default().to_string();
    let reply = match (method.as_str(), path.as_str()) {
        ("GET", "/") | ("GET", "/index.html") => page(PAGE_HTML, "text/html; charset=utf-8"),
        ("GET", "/console.js") => page(PAGE_JS, "text/javascript; charset=utf-8"),
        ("GET", "/console.css") => page(PAGE_CSS, "text/css; charset=utf-8"),
        (_, p) if p.starts_with("/api/") => return api(shared, request, &method, &url, &path),
        _ => error(404, "not found"),
    };
    let _ = request.respond(reply);
}

fn api(shared: &Shared, mut request: Request, method: &str, url: &str, path: &str) {
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut body);
    if read.is_err() {
        let _ = request.respond(error(400, "could not read the request body"));
        return;
    }
    if body.len() as u64 > MAX_BODY {
        let _ = request.respond(error(413, "request body too large"));
        return;
    }
    let now = jiff::Timestamp::now();
    let caller = match authenticate(shared, &request, method, url, &body, now) {
        Ok(caller) => caller,
        Err(refusal) => {
            let _ = request.respond(refused(&refusal));
            return;
        }
    };
    if matches!(caller, Caller::Staff { .. })
        && method != "GET"
        && header(&request, CSRF_HEADER).is_none()
    {
        let _ = request.respond(error(403, "missing X-Kiosk-Console header"));
        return;
    }
    let segments: Vec<&str> = path
        .trim_start_matches("/api/")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let reply = match (method, segments.as_slice()) {
        ("GET", ["events"]) => return events(shared, request),
        ("GET", ["session"]) => json(
            200,
            &serde_json::json!({
                "staff": match &caller { Caller::Staff { name, .. } => Some(name.as_str()), Caller::Signed => None },
            }),
        ),
        ("POST", ["session"]) => sign_in(shared, &caller, &body, now),
        ("DELETE", ["session"]) => sign_out(shared, &caller, now),
        ("GET", ["calls"]) => {
            let all = url
                .split_once('?')
                .is_some_and(|(_, q)| q.split('&').any(|p| p == "all=1"));
            json(200, &serde_json::json!({ "calls": shared.hub.list(all) }))
        }
        ("POST", ["calls"]) => match parse::<NewCall>(&body) {
            Ok(new) => match shared.hub.deliver(new, now) {
                Ok(delivered) => json(if delivered.created { 201 } else { 200 }, &delivered),
                Err(e) => error(500, &e.to_string()),
            },
            Err(reply) => reply,
        },
        ("POST", ["calls", "watch"]) => match parse::<WatchRequest>(&body) {
            Ok(watch) => json(200, &shared.hub.watch(&watch)),
            Err(reply) => reply,
        },
        ("GET", ["calls", id]) => match CallId::parse(id).ok().and_then(|id| shared.hub.get(&id)) {
            Some(call) => json(200, &call),
            None => error(404, "no such call"),
        },
        ("POST", ["calls", id, "state"]) => set_state(shared, &caller, id, &body, now),
        ("GET", ["analytics"]) => json(
            200,
            &serde_json::json!({ "kiosks": shared.hub.analytics() }),
        ),
        ("POST", ["analytics"]) => match parse::<AnalyticsPush>(&body) {
            Ok(push) => match shared.hub.put_analytics(push, now) {
                Ok(()) => json(200, &serde_json::json!({ "ok": true })),
                Err(e) => error(500, &e.to_string()),
            },
            Err(reply) => reply,
        },
        _ => error(404, "no such API route"),
    };
    let _ = request.respond(reply);
}

fn authenticate(
    shared: &Shared,
    request: &Request,
    method: &str,
    url: &str,
    body: &[u8],
    now: jiff::Timestamp,
) -> Result<Caller, Refusal> {
    if let Some(value) = header(request, "Authorization") {
        shared
            .verifier
            .verify(Some(&value), method, url, body, now.as_second())?;
        return Ok(Caller::Signed);
    }
    let Some(token) = cookie(request, COOKIE) else {
        return Err(Refusal::Missing);
    };
    match shared.hub.session(&sha256_hex(&token), now.as_second()) {
        Ok(Some(name)) => Ok(Caller::Staff { name, token }),
        _ => Err(Refusal::BadSession),
    }
}

fn sign_in(shared: &Shared, caller: &Caller, body: &[u8], now: jiff::Timestamp) -> Reply {
    if !matches!(caller, Caller::Signed) {
        return error(403, "sign in with a request signed with the store key");
    }
    #[derive(serde::Deserialize)]
    struct SignIn {
        staff: String,
    }
    let name = match parse::<SignIn>(body) {
        Ok(s) => clean_name(&s.staff),
        Err(reply) => return reply,
    };
    if name.is_empty() {
        return error(400, "enter your name");
    }
    let token = crate::auth::hex(&rand::random::<[u8; 32]>());
    let expires = now.as_second() + shared.session_secs;
    if let Err(e) = shared
        .hub
        .add_session(&sha256_hex(&token), &name, now, expires)
    {
        return error(500, &e.to_string());
    }
    json(200, &serde_json::json!({ "staff": name })).with_header(hdr(
        "Set-Cookie",
        &format!(
            "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
            shared.session_secs
        ),
    ))
}

fn sign_out(shared: &Shared, caller: &Caller, now: jiff::Timestamp) -> Reply {
    if let Caller::Staff { token, .. } = caller
        && let Err(e) = shared.hub.end_session(&sha256_hex(token), now.as_second())
    {
        return error(500, &e.to_string());
    }
    json(200, &serde_json::json!({ "staff": null })).with_header(hdr(
        "Set-Cookie",
        &format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    ))
}

fn set_state(
    shared: &Shared,
    caller: &Caller,
    id: &str,
    body: &[u8],
    now: jiff::Timestamp,
) -> Reply {
    let Ok(id) = CallId::parse(id) else {
        return error(404, "no such call");
    };
    let change = match parse::<StateChange>(body) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let by = match caller {
        Caller::Staff { name, .. } => name.clone(),
        Caller::Signed => change
            .by
            .as_deref()
            .map(clean_name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "staff".to_string()),
    };
    match shared.hub.set_state(&id, change.state, &by, now) {
        Ok(call) => json(200, &call),
        Err(StateError::NotFound) => error(404, "no such call"),
        Err(StateError::Invalid { from, to }) => error(
            409,
            &format!("a call that is {} cannot become {}", from.name(), to.name()),
        ),
        Err(StateError::Store(e)) => error(500, &e.to_string()),
    }
}

/// A staff page's live stream: written by hand, since tiny_http buffers
/// chunked bodies and each event must leave at once.
fn events(shared: &Shared, request: Request) {
    let rx = shared.hub.subscribe();
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\n\
                Content-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\n\
                Connection: close\r\n\r\n\
                retry: 1000\n\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(frame) => frame,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if shared.hub.stopping() {
                    return;
                }
                ": keep-alive\n\n".to_string()
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(chunk.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

pub(crate) fn busy() -> Reply {
    error(503, "the console is busy; try again").with_header(hdr("Retry-After", "1"))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Reply> {
    serde_json::from_slice(body).map_err(|e| error(400, &format!("bad JSON: {e}")))
}

fn clean_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(MAX_NAME)
        .collect()
}

fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().to_string())
}

fn cookie(request: &Request, name: &str) -> Option<String> {
    let cookies = header(request, "Cookie")?;
    cookies.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_string())
    })
}

fn hdr(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values here are ASCII without newlines")
}

fn with_common_headers(reply: Reply) -> Reply {
    reply
        .with_header(hdr("Cache-Control", "no-store"))
        .with_header(hdr("X-Content-Type-Options", "nosniff"))
        .with_header(hdr("Referrer-Policy", "no-referrer"))
        .with_header(hdr("X-Frame-Options", "DENY"))
}

fn page(text: &'static str, content_type: &str) -> Reply {
    with_common_headers(Response::from_string(text))
        .with_header(hdr("Content-Type", content_type))
        .with_header(hdr(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ))
}

fn json<T: Serialize>(status: u16, value: &T) -> Reply {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
    with_common_headers(Response::from_data(body))
        .with_status_code(status)
        .with_header(hdr("Content-Type", "application/json; charset=utf-8"))
}

fn error(status: u16, message: &str) -> Reply {
    json(status, &serde_json::json!({ "error": message }))
}

fn refused(refusal: &Refusal) -> Reply {
    let mut body = serde_json::json!({ "error": refusal.message() });
    if let Refusal::Stale { now } = refusal {
        body["stale"] = true.into();
        body["now"] = (*now).into();
    }
    json(401, &body).with_header(hdr("WWW-Authenticate", crate::auth::SCHEME))
}
