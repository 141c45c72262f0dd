// The staff console page's script. Staff sign in once with their name and
// the store key: the key signs the sign-in request here (HMAC-SHA256, the
// same scheme kiosks use; WebCrypto exists only in secure contexts, which a
// self-signed certificate may not give, hence the small SHA-256 below) and
// is then forgotten;
// the console answers with a session cookie. Calls arrive live over
// server-sent events; a new call beeps and vibrates where the browser
// allows. All text from kiosks is shown with textContent, never as HTML.
'use strict';

// --- sha256 begin (kept self-contained: checked against Rust's HMAC) ---
const SHA256_K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

function sha256(bytes) {
  const ror = (x, n) => (x >>> n) | (x << (32 - n));
  const n = bytes.length;
  const padded = new Uint8Array((((n + 9) + 63) >> 6) << 6);
  padded.set(bytes);
  padded[n] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(n / 0x20000000));
  view.setUint32(padded.length - 4, (n << 3) >>> 0);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i]) | 0;
      const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(4 * i, h[i]);
  return out;
}

function hmacSha256(key, message) {
  let k = key.length > 64 ? sha256(key) : key;
  const block = new Uint8Array(64);
  block.set(k);
  const inner = new Uint8Array(64 + message.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i] ^ 0x36;
    outer[i] = block[i] ^ 0x5c;
  }
  inner.set(message, 64);
  outer.set(sha256(inner), 64);
  return sha256(outer);
}

function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
// --- sha256 end ---

const $ = (id) => document.getElementById(id);
const utf8 = new TextEncoder();
const REASONS = {
  requested: 'Asked for staff',
  low_confidence: 'Kiosk did not understand',
  discount: 'Discount or price match',
  complaint: 'Complaint',
  damaged_or_fraud: 'Damaged item or fraud',
  safety_or_medical: 'Safety or medical',
  stale_stock: 'Stock data too old',
};
const URGENT = new Set(['safety_or_medical', 'damaged_or_fraud']);
const LANGUAGES = { en: 'English', nl: 'Nederlands', id: 'Bahasa Indonesia', zh: '中文' };

// Exposed for tests and curious staff: `alerts` counts new-call alerts.
const state = {
  me: null,
  calls: new Map(),
  analytics: new Map(),
  events: null,
  audio: null,
  alerts: 0,
  synced: false,
  clockOffset: 0,
};
window.kioskConsole = state;

// Sends a request signed with the store key (only the sign-in does).
async function signedFetch(key, method, path, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  for (let attempt = 0; attempt < 2; attempt++) {
    const ts = Math.floor(Date.now() / 1000) + state.clockOffset;
    const nonce = toHex(crypto.getRandomValues(new Uint8Array(16)));
    const digest = toHex(sha256(utf8.encode(text)));
    const canonical = [method, path, ts, nonce, digest].join('\n');
    const sig = toHex(hmacSha256(utf8.encode(key), utf8.encode(canonical)));
    const res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Authorization: `Kiosk-HMAC-SHA256 ts=${ts},nonce=${nonce},sig=${sig}`,
        'Content-Type': 'application/json',
        // Lets the console check the signature before reading the body.
        'X-Kiosk-Content-SHA256': digest,
      },
      body: text || undefined,
    });
    const json = await res.json().catch(() => ({}));
    if (res.status === 401 && json.stale && attempt === 0) {
      state.clockOffset = json.now - Math.floor(Date.now() / 1000);
      continue;
    }
    return { res, json };
  }
  return { res: { ok: false, status: 401 }, json: {} };
}

// Sends a request with the session cookie.
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Kiosk-Console': '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (res.status === 401) showLogin('Your session has ended: sign in again.');
  return { res, json };
}

function showLogin(message) {
  state.me = null;
  if (state.events) state.events.close();
  state.events = null;
  $('login').hidden = false;
  $('calls').hidden = true;
  $('analytics').hidden = true;
  $('tabs').hidden = true;
  $('sign-out').hidden = true;
  $('who').textContent = '';
  $('login-error').textContent = message || '';
  setLive(null);
}

function showConsole(name) {
  state.me = name;
  $('login').hidden = true;
  $('tabs').hidden = false;
  $('sign-out').hidden = false;
  $('who').textContent = name;
  showTab('calls');
  connect();
}

function showTab(tab) {
  $('calls').hidden = tab !== 'calls';
  $('analytics').hidden = tab !== 'analytics';
  $('tab-calls').classList.toggle('active', tab === 'calls');
  $('tab-analytics').classList.toggle('active', tab === 'analytics');
}

function setLive(on) {
  const live = $('live');
  live.classList.toggle('on', on === true);
  live.classList.toggle('off', on === false);
  live.textContent = on === true ? 'live' : on === false ? 'reconnecting…' : 'signed out';
}

function connect() {
  if (state.events) state.events.close();
  const events = new EventSource('/api/events');
  state.events = events;
  events.addEventListener('open', () => setLive(true));
  events.addEventListener('snapshot', (e) => {
    const snapshot = JSON.parse(e.data);
    const known = state.calls;
    state.calls = new Map(snapshot.calls.map((c) => [c.id, c]));
    // Calls that arrived while this page was away still get their alert.
    if (state.synced) {
      for (const c of state.calls.values()) {
        if (c.state === 'open' && !known.has(c.id)) alertNewCall();
      }
    }
    state.synced = true;
    state.analytics = new Map(snapshot.analytics.map((f) => [f.kiosk.id, f]));
    render();
  });
  events.addEventListener('call', (e) => {
    const call = JSON.parse(e.data);
    const before = state.calls.get(call.id);
    state.calls.set(call.id, call);
    if (!before && call.state === 'open') alertNewCall();
    render();
  });
  events.addEventListener('analytics', (e) => {
    const figures = JSON.parse(e.data);
    state.analytics.set(figures.kiosk.id, figures);
    renderAnalytics();
  });
  events.addEventListener('error', () => {
    setLive(false);
    if (events.readyState === EventSource.CLOSED) {
      // Refused (signed out) rather than unreachable: ask the console.
      setTimeout(checkSession, 1000);
    }
  });
}

async function checkSession() {
  try {
    const res = await fetch('/api/session', { credentials: 'same-origin' });
    if (res.status === 401) return showLogin();
    const json = await res.json();
    if (json.staff) showConsole(json.staff);
    else showLogin();
  } catch (_) {
    setLive(false);
    setTimeout(checkSession, 2000);
  }
}

function alertNewCall() {
  state.alerts += 1;
  if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
  beep();
  if (document.hidden) document.title = '● New call — Staff calls';
}

function ensureAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  if (!state.audio) state.audio = new Context();
  if (state.audio.state !== 'running') state.audio.resume().catch(() => {});
  setTimeout(updateSoundBanner, 200);
}

function updateSoundBanner() {
  const off = !state.audio || state.audio.state !== 'running';
  $('enable-sound').hidden = !off || !state.me;
}

function beep() {
  const ctx = state.audio;
  if (!ctx || ctx.state !== 'running') return;
  const t = ctx.currentTime;
  [[880, 0], [660, 0.25]].forEach(([freq, at]) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t + at);
    gain.gain.exponentialRampToValueAtTime(0.4, t + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + at + 0.22);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t + at);
    osc.stop(t + at + 0.24);
  });
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function ago(iso) {
  const secs = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (secs < 60) return 'just now';
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago`;
  if (secs < 86400) return `${Math.floor(secs / 3600)} h ago`;
  return new Date(iso).toLocaleString();
}

function statusText(call) {
  switch (call.state) {
    case 'open': return 'Waiting for staff';
    case 'on_the_way': return `${call.on_the_way ? call.on_the_way.by : 'Staff'} is on the way`;
    case 'resolved': return `Resolved by ${call.closed ? call.closed.by : 'staff'}`;
    case 'cancelled': return 'Withdrawn by the kiosk (the shopper left)';
    default: return call.state;
  }
}

function callCard(call) {
  const h = call.handoff;
  const card = el('article', `card call state-${call.state}`);
  card.dataset.callId = call.id;
  card.dataset.state = call.state;
  if (URGENT.has(h.reason)) card.classList.add('urgent');

  const head = el('div', 'head');
  head.append(el('span', 'kiosk', call.kiosk.name), el('span', 'where', call.kiosk.location));
  const time = el('time', '', ago(call.received_at));
  time.dateTime = call.received_at;
  head.append(time);
  card.append(head);

  card.append(el('p', 'wants', h.wants));
  const tags = el('div', 'tags');
  tags.append(el('span', `tag${URGENT.has(h.reason) ? ' urgent' : ''}`, REASONS[h.reason] || h.reason));
  tags.append(el('span', 'tag', `Speaks ${LANGUAGES[h.language] || h.language}`));
  card.append(tags);

  if (h.products.length) {
    const list = el('ul', 'products');
    for (const p of h.products) {
      const options = [p.size && `size ${p.size}`, p.color].filter(Boolean).join(', ');
      list.append(el('li', '', options ? `${p.title} — ${options}` : p.title));
    }
    card.append(list);
  }
  for (const [label, items] of [['Already checked', h.checked], ['The shopper said', h.last_messages]]) {
    if (!items.length) continue;
    const details = el('details');
    details.append(el('summary', '', `${label} (${items.length})`));
    const list = el('ul');
    for (const item of items) list.append(el('li', '', item));
    details.append(list);
    card.append(details);
  }

  card.append(el('p', 'status', statusText(call)));
  if (call.state === 'open' || call.state === 'on_the_way') {
    const actions = el('div', 'actions');
    const problem = el('p', 'problem');
    problem.setAttribute('role', 'alert');
    const buttons = [];
    if (call.state === 'open') {
      const go = el('button', 'on-my-way', 'On my way');
      go.setAttribute('aria-label', `On my way to ${call.kiosk.name}`);
      go.addEventListener('click', () => change(call, 'on_the_way', buttons, problem));
      buttons.push(go);
    }
    const done = el('button', 'resolve', 'Resolved');
    done.setAttribute('aria-label', `Resolved at ${call.kiosk.name}`);
    done.addEventListener('click', () => change(call, 'resolved', buttons, problem));
    buttons.push(done);
    actions.append(...buttons);
    card.append(actions, problem);
  }
  return card;
}

async function change(call, to, buttons, problem) {
  ensureAudio();
  buttons.forEach((b) => { b.disabled = true; });
  problem.textContent = '';
  try {
    const { res, json } = await api('POST', `/api/calls/${encodeURIComponent(call.id)}/state`, { state: to });
    if (res.ok) {
      state.calls.set(json.id, json);
      render();
      return;
    }
    problem.textContent = json.error || `The console answered ${res.status}`;
  } catch (_) {
    problem.textContent = 'The console cannot be reached; try again.';
  }
  buttons.forEach((b) => { b.disabled = false; });
}

function render() {
  const calls = [...state.calls.values()];
  const open = calls.filter((c) => c.state === 'open' || c.state === 'on_the_way')
    .sort((a, b) => a.version - b.version);
  const closed = calls.filter((c) => c.state === 'resolved' || c.state === 'cancelled')
    .sort((a, b) => b.version - a.version).slice(0, 20);
  $('open-calls').replaceChildren(...open.map(callCard));
  $('closed-calls').replaceChildren(...closed.map(callCard));
  $('no-calls').hidden = open.length > 0;
  $('closed').hidden = closed.length === 0;
  const waiting = open.filter((c) => c.state === 'open').length;
  $('open-count').textContent = waiting ? String(waiting) : '';
  if (!document.hidden) document.title = waiting ? `(${waiting}) Staff calls` : 'Staff calls';
  updateSoundBanner();
  renderAnalytics();
}

// --- analytics: a few tiles and bar charts per kiosk ---

function percent(rate) {
  return rate === null || rate === undefined ? '–' : `${Math.round(rate * 100)}%`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function periodText(period) {
  if (!period || !period.from) return 'All time';
  const from = new Date(period.from);
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  if (from.getTime() === midnight.getTime()) return 'Today';
  return `Since ${from.toLocaleDateString()}`;
}

function tile(value, label) {
  const t = el('div', 'tile');
  t.append(el('div', 'value', value), el('div', 'label', label));
  return t;
}

function chart(title, rows) {
  const box = el('div', 'chart');
  box.append(el('h4', '', title));
  if (!rows.length) {
    box.append(el('p', 'hint', 'nothing yet'));
    return box;
  }
  const max = Math.max(...rows.map((r) => r.count), 1);
  for (const r of rows) {
    const row = el('div', 'row');
    const label = el('span', 'label', r.label);
    label.title = r.label;
    const track = el('span', 'track');
    const fill = el('span', 'fill');
    fill.style.display = 'block';
    fill.style.width = `${(100 * r.count) / max}%`;
    track.append(fill);
    row.append(label, track, el('span', 'n', String(r.count)));
    box.append(row);
  }
  return box;
}

function figuresCard(entry) {
  const f = entry.figures;
  const card = el('article', 'card figures');
  card.dataset.kiosk = entry.kiosk.id;
  card.append(el('h3', '', `${entry.kiosk.name} — ${entry.kiosk.location}`));
  card.append(el('p', 'sub', `${periodText(f.period)} · updated ${ago(entry.received_at)}`));
  const tiles = el('div', 'tiles');
  tiles.append(
    tile(String(f.sessions), 'shoppers helped'),
    tile(percent(f.containment_rate), 'handled without staff'),
    tile(percent(f.escalation_rate), 'called staff'),
    tile(percent(f.csat.rate), `thumbs up (${plural(f.csat.up + f.csat.down, 'answer')})`),
    tile(f.latency.p50_ms === null ? '–' : `${f.latency.p50_ms} ms`, `typical answer (p95 ${f.latency.p95_ms ?? '–'} ms)`),
  );
  card.append(tiles);
  const counts = (list) => list.map((c) => ({ label: c.item, count: c.count }));
  card.append(
    chart('Why staff were called', f.escalation_reasons.map((c) => ({ label: REASONS[c.item] || c.item, count: c.count }))),
    chart('Languages', f.languages.map((c) => ({ label: LANGUAGES[c.item] || c.item, count: c.count }))),
    chart('Top searches', counts(f.top_searches)),
    chart('Asked for while out of stock', f.lost_demand.map((d) => ({
      label: [d.product_id, d.size && `size ${d.size}`, d.color].filter(Boolean).join(' · '),
      count: d.count,
    }))),
    chart('Unanswered questions', counts(f.unanswered)),
  );
  return card;
}

function renderAnalytics() {
  const entries = [...state.analytics.values()].sort((a, b) => a.kiosk.name.localeCompare(b.kiosk.name));
  $('kiosk-figures').replaceChildren(...entries.map(figuresCard));
  $('no-figures').hidden = entries.length > 0;
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    ensureAudio();
    const name = $('staff-name').value.trim();
    const keyInput = $('store-key');
    const button = $('sign-in');
    button.disabled = true;
    $('login-error').textContent = '';
    try {
      const { res, json } = await signedFetch(keyInput.value.trim(), 'POST', '/api/session', { staff: name });
      if (res.ok) {
        keyInput.value = '';
        showConsole(json.staff);
      } else if (res.status === 401) {
        $('login-error').textContent = 'That store key is not right.';
      } else {
        $('login-error').textContent = json.error || `The console answered ${res.status}`;
      }
    } catch (_) {
      $('login-error').textContent = 'The console cannot be reached.';
    }
    button.disabled = false;
  });
  $('sign-out').addEventListener('click', async () => {
    await api('DELETE', '/api/session');
    showLogin();
  });
  $('tab-calls').addEventListener('click', () => showTab('calls'));
  $('tab-analytics').addEventListener('click', () => showTab('analytics'));
  $('enable-sound').addEventListener('click', ensureAudio);
  document.addEventListener('click', () => {
    if (!state.audio || state.audio.state !== 'running') ensureAudio();
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) render(); });
  setInterval(render, 30000);
  checkSession();
});
