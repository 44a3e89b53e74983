import { createHash } from 'node:crypto';

// The page's script, run in the browser. Plain ES2020 in a string: it never runs in Node, and
// the page must work without any build step or external asset. It reads the same JSON answers
// any client does, with the token the login form keeps in sessionStorage (this tab only).
const SCRIPT = String.raw`
'use strict';
var TOKEN_KEY = 'vigil-api-token';
var REFRESH_MS = 2000;
var previous = null;
var timer = null;

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
}

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  for (var k in attrs || {}) {
    if (k === 'text') node.textContent = attrs[k];
    else node.setAttribute(k, attrs[k]);
  }
  (children || []).forEach(function (c) { if (c) node.appendChild(c); });
  return node;
}

function svg(tag, attrs) {
  var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (var k in attrs) node.setAttribute(k, attrs[k]);
  return node;
}

async function get(path) {
  var headers = {};
  var token = storedToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  var res = await fetch(path, { headers: headers, cache: 'no-store' });
  if (res.status === 401) { var e = new Error('the token was not accepted'); e.unauthorized = true; throw e; }
  if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
  return res.json();
}

function perSecond(now, before, dt) {
  if (before === undefined || dt <= 0 || now < before) return null;
  return (now - before) / dt;
}

function formatRate(r) {
  if (r === null) return '…';
  return r >= 100 ? Math.round(r).toString() : r.toFixed(1);
}

function ago(iso) {
  if (!iso) return 'never';
  var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  return Math.floor(s / 3600) + ' h ago';
}

function duration(s) {
  var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + m + 'm ' + Math.floor(s % 60) + 's';
}

function sparkline(values, max, label) {
  var w = 120, h = 28;
  var box = svg('svg', { viewBox: '0 0 ' + w + ' ' + h, width: w, height: h, class: 'spark', role: 'img', 'aria-label': label });
  box.appendChild(svg('rect', { x: 0, y: 0, width: w, height: h, class: 'spark-bg' }));
  if (values.length > 0) {
    var top = Math.max(max, 1e-9);
    var step = values.length > 1 ? w / (values.length - 1) : 0;
    var points = values.map(function (v, i) {
      return (values.length > 1 ? i * step : w).toFixed(1) + ',' + (h - 2 - (Math.min(v, top) / top) * (h - 4)).toFixed(1);
    });
    if (values.length === 1) {
      var only = points[0].split(',');
      box.appendChild(svg('circle', { cx: only[0] - 2, cy: only[1], r: 2, class: 'spark-dot' }));
    } else box.appendChild(svg('polyline', { points: points.join(' '), class: 'spark-line' }));
  }
  return box;
}

function badge(state) {
  return el('span', { class: 'state state-' + state, text: state });
}

function stat(label, value) {
  return el('div', { class: 'stat' }, [el('span', { class: 'label', text: label }), el('span', { class: 'value', text: value })]);
}

function renderOutputs(doc, history, rates) {
  var list = document.getElementById('outputs');
  list.replaceChildren();
  if (doc.outputs.length === 0) list.appendChild(el('p', { class: 'empty', text: 'No outputs configured.' }));
  doc.outputs.forEach(function (o) {
    var h = (history.outputs || {})[o.id] || { written: [], fill: [] };
    var r = rates[o.id] || {};
    var card = el('article', { class: 'card state-border-' + o.state, 'data-output-id': o.id, 'data-state': o.state }, [
      el('header', {}, [el('h3', { text: o.id }), badge(o.state)]),
      o.reasons.length ? el('ul', { class: 'reasons' }, o.reasons.map(function (t) { return el('li', { text: t }); })) : null,
      el('div', { class: 'stats' }, [
        stat('in/s', formatRate(r.in)),
        stat('out/s', formatRate(r.out)),
        stat('errors', String(o.errors)),
        stat('buffer of ' + o.buffer.limit, o.buffer.items + ' · ' + Math.floor(o.buffer.fill * 100) + '%'),
        stat('written', String(o.written)),
        stat('dropped', String(o.dropped)),
        stat('last success', ago(o.lastSuccessAt)),
        stat('retry', o.retryAt ? 'in ' + Math.max(0, Math.round((Date.parse(o.retryAt) - Date.now()) / 1000)) + ' s' : '—'),
      ]),
      el('div', { class: 'sparks' }, [
        el('figure', {}, [sparkline(h.written, Math.max.apply(null, h.written.concat([1])), 'items written, last 10 minutes'), el('figcaption', { text: 'written / ' + history.intervalSeconds + ' s, 10 min' })]),
        el('figure', {}, [sparkline(h.fill, 1, 'buffer fill, last 10 minutes'), el('figcaption', { text: 'buffer fill, 10 min' })]),
      ]),
      o.lastError ? el('p', { class: 'last-error', text: 'last error (' + ago(o.lastErrorAt) + '): ' + o.lastError }) : null,
    ]);
    list.appendChild(card);
  });
}

function renderInputs(doc, rates) {
  var body = document.getElementById('inputs');
  body.replaceChildren();
  doc.inputs.forEach(function (i) {
    var r = rates[i.id] || {};
    body.appendChild(el('tr', { 'data-input-id': i.id, 'data-state': i.state }, [
      el('td', { text: i.id }),
      el('td', {}, [badge(i.state)]),
      el('td', { class: 'num', text: formatRate(r.in) }),
      el('td', { class: 'num', text: String(i.errors) }),
      el('td', { text: ago(i.lastGatherAt) }),
      el('td', { class: 'msg', text: i.lastError || '' }),
    ]));
  });
}

function renderLogs(logs) {
  var list = document.getElementById('logs');
  list.replaceChildren();
  var entries = logs.entries.slice(-20).reverse();
  if (entries.length === 0) list.appendChild(el('li', { class: 'empty', text: 'No warnings or errors.' }));
  entries.forEach(function (e) {
    list.appendChild(el('li', { class: 'log-' + e.level }, [
      el('time', { text: e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z') }),
      el('span', { class: 'level', text: e.level }),
      el('span', { class: 'source', text: e.source }),
      el('span', { class: 'msg', text: e.message }),
    ]));
  });
}

function rates(doc, now) {
  var out = {};
  var dt = previous ? (now - previous.at) / 1000 : 0;
  var before = {};
  if (previous) {
    previous.doc.outputs.forEach(function (o) { before[o.id] = { in: o.added, out: o.written }; });
    previous.doc.inputs.forEach(function (i) { before[i.id] = { in: i.gathered }; });
  }
  doc.outputs.forEach(function (o) { var b = before[o.id] || {}; out[o.id] = { in: perSecond(o.added, b.in, dt), out: perSecond(o.written, b.out, dt) }; });
  doc.inputs.forEach(function (i) { var b = before[i.id] || {}; out[i.id] = { in: perSecond(i.gathered, b.in, dt) }; });
  return out;
}

function render(doc, history, logs) {
  var now = Date.now();
  var r = rates(doc, now);
  previous = { at: now, doc: doc };
  document.getElementById('login').hidden = true;
  document.getElementById('main').hidden = false;
  var status = document.getElementById('status');
  status.textContent = doc.status;
  status.className = 'state state-' + doc.status;
  document.body.dataset.status = doc.status;
  document.getElementById('phase').textContent = doc.state;
  document.getElementById('phase').className = 'phase phase-' + doc.state;
  document.getElementById('host').textContent = doc.hostname;
  document.getElementById('meta').textContent = 'vigil ' + doc.version + ' · up ' + duration(doc.uptimeSeconds) + ' · ' + doc.agent.written + ' written · ' + doc.agent.dropped + ' dropped';
  var reasons = document.getElementById('reasons');
  reasons.replaceChildren.apply(reasons, doc.reasons.map(function (t) { return el('li', { text: t }); }));
  renderOutputs(doc, history, r);
  renderInputs(doc, r);
  renderLogs(logs);
  document.getElementById('updated').textContent = 'updated ' + new Date(now).toLocaleTimeString();
  document.getElementById('problem').textContent = '';
}

function showLogin(message) {
  document.getElementById('login').hidden = false;
  document.getElementById('main').hidden = true;
  document.getElementById('login-message').textContent = message;
}

async function refresh() {
  clearTimeout(timer);
  try {
    // Relative, so the page also works behind a proxy that serves it under a path of its own.
    var answers = await Promise.all([get('./.well-known/engine-status'), get('./history'), get('./logs?level=warn')]);
    render(answers[0], answers[1], answers[2]);
  } catch (err) {
    if (err.unauthorized) {
      showLogin(storedToken() ? 'The token was not accepted.' : 'This agent needs its API token.');
      return;
    }
    document.getElementById('problem').textContent = 'cannot reach the agent: ' + err.message;
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

document.getElementById('login-form').addEventListener('submit', function (event) {
  event.preventDefault();
  var field = document.getElementById('token');
  try { sessionStorage.setItem(TOKEN_KEY, field.value); } catch (e) {}
  field.value = '';
  refresh();
});
document.getElementById('forget').addEventListener('click', function () {
  try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) {}
  previous = null;
  refresh();
});
refresh();
`;

const STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --degraded: #b26b00; --failing: #cf222e; --muted: #6e7781; --card: rgba(127,127,127,.08); }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; padding: .8rem 1rem; border-bottom: 1px solid rgba(127,127,127,.3); }
header.top h1 { font-size: 1.2rem; margin: 0; }
main, #login { padding: .5rem 1rem 2rem; max-width: 72rem; margin: 0 auto; }
h2 { font-size: 1rem; margin: 1.2rem 0 .5rem; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.state { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; color: #fff; font-weight: 600; font-size: .85rem; }
.state-ok { background: var(--ok); } .state-degraded { background: var(--degraded); } .state-failing { background: var(--failing); }
.phase { color: var(--muted); } .phase-reloading, .phase-stopping, .phase-starting { color: var(--degraded); font-weight: 600; }
#meta, #updated { color: var(--muted); font-size: .85rem; }
#reasons { margin: .3rem 0 0; padding-left: 1.2rem; color: var(--failing); }
#problem { color: var(--failing); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); gap: .8rem; }
.card { background: var(--card); border-radius: .5rem; padding: .7rem .9rem; border-left: 4px solid var(--muted); }
.state-border-ok { border-left-color: var(--ok); } .state-border-degraded { border-left-color: var(--degraded); } .state-border-failing { border-left-color: var(--failing); }
.card header { display: flex; justify-content: space-between; align-items: center; gap: .5rem; }
.card h3 { margin: 0; font-size: 1rem; overflow-wrap: anywhere; }
.reasons { margin: .4rem 0; padding-left: 1.1rem; font-size: .85rem; }
.stats { display: grid; grid-template-columns: repeat(4, 1fr); gap: .3rem .6rem; margin: .5rem 0; }
.stat .label { display: block; color: var(--muted); font-size: .75rem; }
.stat .value { font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.sparks { display: flex; flex-wrap: wrap; gap: .8rem; }
figure { margin: 0; } figcaption { color: var(--muted); font-size: .75rem; }
.spark-bg { fill: rgba(127,127,127,.12); } .spark-line { fill: none; stroke: currentColor; stroke-width: 1.5; } .spark-dot { fill: currentColor; }
.last-error { font-size: .85rem; color: var(--failing); overflow-wrap: anywhere; margin: .4rem 0 0; }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid rgba(127,127,127,.2); vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.msg { overflow-wrap: anywhere; }
#logs { list-style: none; padding: 0; margin: 0; font: .8rem/1.4 ui-monospace, monospace; }
#logs li { padding: .2rem 0; border-bottom: 1px solid rgba(127,127,127,.15); overflow-wrap: anywhere; }
#logs .level { font-weight: 700; margin: 0 .4rem; } .log-warn .level { color: var(--degraded); } .log-error .level, .log-fatal .level { color: var(--failing); }
#logs .source { color: var(--muted); margin-right: .4rem; }
.empty { color: var(--muted); }
form { display: flex; flex-wrap: wrap; gap: .5rem; max-width: 28rem; }
input[type=password] { flex: 1; min-width: 12rem; padding: .45rem; font: inherit; }
button { padding: .45rem .9rem; font: inherit; cursor: pointer; }
button.link { background: none; border: 0; color: var(--muted); text-decoration: underline; padding: 0; }
@media (max-width: 40rem) {
  .stats { grid-template-columns: repeat(2, 1fr); }
  .cards { grid-template-columns: 1fr; }
  th:nth-child(5), td:nth-child(5) { display: none; }
}
`;

/** The CSP lets only this page's own script and style run, and lets it fetch from this host alone. */
const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
const styleHash = createHash('sha256').update(STYLE).digest('base64');
export const STATUS_PAGE_CSP = `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'sha256-${styleHash}'; connect-src 'self'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`;

/** `GET /`: one self-contained page, no data in it; everything shown is fetched with the token. */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vigil status</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top">
  <h1>vigil <span id="host"></span></h1>
  <span id="status" class="state">…</span>
  <span id="phase" class="phase"></span>
  <span id="meta"></span>
  <span id="updated"></span>
  <button id="forget" class="link" type="button">forget token</button>
</header>
<section id="login" hidden>
  <h2>Sign in</h2>
  <p id="login-message"></p>
  <form id="login-form">
    <input id="token" type="password" autocomplete="current-password" placeholder="API token" aria-label="API token" required>
    <button type="submit">Show status</button>
  </form>
  <p class="empty">The token is kept in this tab only (sessionStorage) and sent as "Authorization: Bearer".</p>
</section>
<main id="main">
  <ul id="reasons"></ul>
  <p id="problem"></p>
  <h2>Outputs</h2>
  <div id="outputs" class="cards"></div>
  <h2>Inputs</h2>
  <table>
    <thead><tr><th>input</th><th>state</th><th class="num">items/s</th><th class="num">errors</th><th>last gather</th><th>last error</th></tr></thead>
    <tbody id="inputs"></tbody>
  </table>
  <h2>Recent warnings and errors</h2>
  <ul id="logs"></ul>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
