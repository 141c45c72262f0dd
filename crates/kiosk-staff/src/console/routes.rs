//! The console's routes: the staff page (three static files, no data, no
//! authentication) and the API under `/api/`, where every request is
//! authenticated — signed with the store key (kiosks, scripts, the page's
//! sign-in) or carrying the session cookie the sign-in set (the page).
//! A request is authenticated before its body is read. Every reply to a
//! request whose signature was checked is signed in turn (`auth.rs`), so
//! the kiosk knows it comes from the console.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Shared;
use super::hub::StateError;
use crate::auth::{
    CONTENT_SHA256, REPLY_SIGNATURE, Refusal, SignedHeader, body_sha256, sha256_hex, sign_reply,
};
use crate::call::{AnalyticsPush, CallId, NewCall, StateChange, WatchRequest};
use crate::lan::{Conn, Reply, Request};

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

/// Who is asking.
enum Caller {
    /// A request signed with the store key (a kiosk, a script, the page's
    /// sign-in).
    Signed,
    /// A staff page with a session cookie.
    Staff { name: String, token: String },
}

/// What is left to check of a signed request once its body is read.
enum BodyCheck {
    /// Nothing: a session, or a signature over an empty body.
    None,
    /// The body must hash to the digest the signature covered.
    Digest(String),
    /// The signature itself (a client that did not name its digest).
    Signature(String),
}

pub(crate) fn handle(shared: &Shared, conn: Conn, request: Request) {
    let method = request.method.clone();
    let url = request.target.clone();
    let path = url.split('?').next().unwrap_or_default().to_string();
    let reply = match (method.as_str(), path.as_str()) {
        ("GET", "/") | ("GET", "/index.html") => page(PAGE_HTML, "text/html; charset=utf-8"),
        ("GET", "/console.js") => page(PAGE_JS, "text/javascript; charset=utf-8"),
        ("GET", "/console.css") => page(PAGE_CSS, "text/css; charset=utf-8"),
        (_, p) if p.starts_with("/api/") => {
            return api(shared, conn, request, &method, &url, &path);
        }
        _ => error(404, "not found"),
    };
    respond(conn, &request, reply);
}

/// Sends a reply; a body the route never read is left unread.
fn respond(mut conn: Conn, request: &Request, reply: Reply) {
    conn.expect_body(request.body_length().unwrap_or(1));
    conn.respond(reply);
}

fn api(shared: &Shared, mut conn: Conn, request: Request, method: &str, url: &str, path: &str) {
    let length = match request.body_length() {
        Ok(length) => length,
        Err(reply) => return respond(conn, &request, reply),
    };
    let now = jiff::Timestamp::now();
    // The request's nonce and time, once its signature is known good: the
    // reply is signed over them.
    let header = request
        .header("Authorization")
        .and_then(|v| SignedHeader::parse(v).ok());
    let checked_early = request.header(CONTENT_SHA256).is_some() || length == 0;
    let (caller, check) = match authenticate(shared, &request, method, url, length, now) {
        Ok(found) => found,
        Err(refusal) => {
            // A stale or replayed request had its signature checked first
            // (on this path), so the console vouches for the refusal.
            let mut reply = refused(&refusal);
            if checked_early
                && matches!(refusal, Refusal::Stale { .. } | Refusal::Replayed)
                && let Some(header) = &header
            {
                reply = signed(shared, reply, method, url, header);
            }
            return respond(conn, &request, reply);
        }
    };
    let signer = match (&caller, &check) {
        (Caller::Signed, BodyCheck::Digest(_)) => header.as_ref(),
        _ => None,
    };
    let sign = |reply: Reply| match signer {
        Some(header) => signed(shared, reply, method, url, header),
        None => reply,
    };
    if length > MAX_BODY {
        return respond(conn, &request, sign(error(413, "request body too large")));
    }
    if matches!(caller, Caller::Staff { .. })
        && method != "GET"
        && request.header(CSRF_HEADER).is_none()
    {
        return respond(conn, &request, error(403, "missing X-Kiosk-Console header"));
    }
    conn.expect_body(length);
    conn.continue_if_expected(&request);
    let body = match conn.read_body(length) {
        Ok(body) => body,
        Err(reply) => return conn.respond(reply),
    };
    let checked = match check {
        BodyCheck::None => Ok(()),
        BodyCheck::Digest(digest) if body_sha256(&body) == digest => Ok(()),
        BodyCheck::Digest(_) => Err(Refusal::BadSignature),
        BodyCheck::Signature(header) => {
            shared
                .verifier
                .verify(Some(&header), method, url, &body, now.as_second())
        }
    };
    if let Err(refusal) = checked {
        return conn.respond(refused(&refusal));
    }
    // A signature checked only now, with the body, vouches for the reply
    // too.
    let signer = match (&caller, signer) {
        (Caller::Signed, None) => header.as_ref(),
        (_, signer) => signer,
    };
    let sign = |reply: Reply| match signer {
        Some(header) => signed(shared, reply, method, url, header),
        None => reply,
    };
    let segments: Vec<&str> = path
        .trim_start_matches("/api/")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let reply = match (method, segments.as_slice()) {
        ("GET", ["events"]) => return events(shared, conn),
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
    conn.respond(sign(reply));
}

/// Adds the console's signature over `reply`, for the signed request
/// `method url` with `header`.
fn signed(shared: &Shared, reply: Reply, method: &str, url: &str, header: &SignedHeader) -> Reply {
    let signature = sign_reply(
        shared.verifier.key(),
        reply.status(),
        method,
        url,
        header,
        reply.body(),
    );
    reply.with_header(REPLY_SIGNATURE, &signature)
}

/// Authenticates from the head alone. A signed request whose body is empty,
/// or which names its body's digest, has its signature checked here; one
/// that does not name it is checked as far as possible (well formed,
/// fresh, not a replay) and its signature once the capped body is read.
fn authenticate(
    shared: &Shared,
    request: &Request,
    method: &str,
    url: &str,
    length: u64,
    now: jiff::Timestamp,
) -> Result<(Caller, BodyCheck), Refusal> {
    if let Some(value) = request.header("Authorization") {
        let named = request.header(CONTENT_SHA256).map(str::to_ascii_lowercase);
        let digest = match named {
            Some(digest) => {
                if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Refusal::Malformed(
                        "the content digest must be 64 hex digits",
                    ));
                }
                digest
            }
            None if length == 0 => body_sha256(b""),
            None => {
                shared.verifier.precheck(value, now.as_second())?;
                return Ok((Caller::Signed, BodyCheck::Signature(value.to_string())));
            }
        };
        shared
            .verifier
            .verify_digest(Some(value), method, url, &digest, now.as_second())?;
        return Ok((Caller::Signed, BodyCheck::Digest(digest)));
    }
    let Some(token) = cookie(request, COOKIE) else {
        return Err(Refusal::Missing);
    };
    match shared.hub.session(&sha256_hex(&token), now.as_second()) {
        Ok(Some(name)) => Ok((Caller::Staff { name, token }, BodyCheck::None)),
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
    let expires = now.as_second().saturating_add(shared.session_secs);
    if let Err(e) = shared
        .hub
        .add_session(&sha256_hex(&token), &name, now, expires)
    {
        return error(500, &e.to_string());
    }
    json(200, &serde_json::json!({ "staff": name })).with_header(
        "Set-Cookie",
        &format!(
            "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}; Max-Age={}",
            secure(shared),
            shared.session_secs
        ),
    )
}

fn sign_out(shared: &Shared, caller: &Caller, now: jiff::Timestamp) -> Reply {
    if let Caller::Staff { token, .. } = caller
        && let Err(e) = shared.hub.end_session(&sha256_hex(token), now.as_second())
    {
        return error(500, &e.to_string());
    }
    json(200, &serde_json::json!({ "staff": null })).with_header(
        "Set-Cookie",
        &format!(
            "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict{}; Max-Age=0",
            secure(shared)
        ),
    )
}

/// `; Secure` when the console serves HTTPS: the session cookie then never
/// travels in clear.
fn secure(shared: &Shared) -> &'static str {
    if shared.tls.is_some() { "; Secure" } else { "" }
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

/// A staff page's live stream: written piece by piece, since each event
/// must leave at once.
fn events(shared: &Shared, mut conn: Conn) {
    let rx = shared.hub.subscribe();
    let head = "HTTP/1.1 200 OK\r\n\
                Content-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\n\
                Connection: close\r\n\r\n\
                retry: 1000\n\n";
    if conn.send(head.as_bytes()).is_err() {
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
        if conn.send(chunk.as_bytes()).is_err() {
            return;
        }
    }
}

pub(crate) fn busy() -> Reply {
    error(503, "the console is busy; try again").with_header("Retry-After", "1")
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

fn cookie(request: &Request, name: &str) -> Option<String> {
    let cookies = request.header("Cookie")?;
    cookies.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_string())
    })
}

fn with_common_headers(reply: Reply) -> Reply {
    reply
        .with_header("Cache-Control", "no-store")
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("Referrer-Policy", "no-referrer")
        .with_header("X-Frame-Options", "DENY")
}

fn page(text: &'static str, content_type: &str) -> Reply {
    with_common_headers(Reply::new(200, text.as_bytes().to_vec()))
        .with_header("Content-Type", content_type)
        .with_header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        )
}

fn json<T: Serialize>(status: u16, value: &T) -> Reply {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
    with_common_headers(Reply::new(status, body))
        .with_header("Content-Type", "application/json; charset=utf-8")
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
    json(401, &body).with_header("WWW-Authenticate", crate::auth::SCHEME)
}
