// sco-settle web app (browser ES module, no build step, no third-party code but
// uPlot loaded by index.html). It owns the pages people use to watch and use the
// platform: sign-in with an API key (kept in sessionStorage, sent as a Bearer
// token), the operator dashboard, the central-bank and compliance views, and the
// participant portal (balances, payments, the payment form, statements). What a
// user sees follows the role GET /v1/me reports; the server enforces it anyway.
//
// Live updates: /v1/events is read with fetch() and a stream reader (EventSource
// cannot send the Authorization header); each batch of payment changes refreshes
// the open view. Amounts arrive as integer strings of minor units and are
// formatted with the currency's ISO 4217 minor units (GET /v1/dashboard/currencies)
// without floating point; times arrive as nanoseconds since the epoch (UTC) and
// are shown in the browser's time zone with UTC in the title attribute.

const KEY_STORAGE = 'sco-settle.api-key';
const BIC_RE = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const UETR_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATES = ['received', 'validated', 'screened', 'held', 'queued', 'settled', 'rejected', 'cancelled', 'returned'];
const ROLE_LABEL = { operator: 'Operator', central_bank: 'Central bank', participant: 'Participant', liquidity_provider: 'Liquidity provider', compliance: 'Compliance officer', auditor: 'Auditor' };

const app = {
  key: sessionStorage.getItem(KEY_STORAGE),
  me: null,
  currencies: new Map(),
  view: null,
  events: null,
  activity: [],
  live: 'off',
};

// ---- DOM helpers ------------------------------------------------------------------------------

/** Element builder: attributes (on* are listeners, false/null omitted) and children (strings become text). */
function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of kids.flat(Infinity)) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

function replace(target, ...kids) {
  target.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
}

function announce(text) {
  const a = document.getElementById('announce');
  a.textContent = '';
  setTimeout(() => (a.textContent = text), 50);
}

function errorBox(err, retry) {
  return h('div', { class: 'error', role: 'alert' }, h('span', null, err instanceof ApiErr ? `${err.message} (${err.code})` : String(err?.message ?? err)), retry ? [' ', h('button', { type: 'button', class: 'secondary', onclick: retry }, 'Retry')] : null);
}

function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

/** A table: columns {label, num?, cell(row) -> node|string}; rowAttrs(row) -> attributes of the <tr>. */
function table(columns, rows, opts = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, opts.empty ?? 'Nothing yet.');
  return h(
    'div',
    { class: 'scroll', tabindex: opts.focusable === false ? null : '0', role: 'region', 'aria-label': opts.label ?? 'table' },
    h(
      'table',
      { id: opts.id ?? null },
      opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', null, rows.map((r) => h('tr', opts.rowAttrs ? opts.rowAttrs(r) : null, columns.map((c) => h('td', { class: c.num ? 'num' : c.mono ? 'mono' : null }, c.cell(r)))))),
    ),
  );
}

function card(title, body, opts = {}) {
  return h('section', { class: `card${opts.wide ? ' wide' : ''}${opts.span2 ? ' span2' : ''}`, id: opts.id ?? null, 'aria-labelledby': opts.id ? `${opts.id}-h` : null }, h('h2', { id: opts.id ? `${opts.id}-h` : null }, title), body);
}

function stateBadge(s) {
  return h('span', { class: `state state-${s}` }, s);
}

// ---- formatting -------------------------------------------------------------------------------

const DECIMAL = new Intl.NumberFormat().formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';

function minorUnits(ccy) {
  return app.currencies.get(ccy)?.minor_units ?? 2;
}

/** Minor units (integer string or bigint) as "1,234.50 CNY", exact. */
function fmtAmount(minor, ccy) {
  if (minor === null || minor === undefined || minor === '') return '—';
  let v = BigInt(minor);
  const neg = v < 0n;
  if (neg) v = -v;
  const mu = minorUnits(ccy);
  const scale = 10n ** BigInt(mu);
  const int = (v / scale).toLocaleString();
  const frac = mu > 0 ? DECIMAL + (v % scale).toString().padStart(mu, '0') : '';
  return `${neg ? '−' : ''}${int}${frac}${ccy ? ` ${ccy}` : ''}`;
}

/** A decimal text in major units as minor units, or an error message naming the currency's decimals. */
function parseAmount(text, ccy) {
  const t = String(text ?? '').trim();
  if (t === '') return { error: 'Enter an amount.' };
  if (!/^\d+(\.\d+)?$/.test(t)) return { error: 'Enter digits with at most one decimal point, e.g. 1250.50 (no signs, spaces or separators).' };
  const [int, frac = ''] = t.split('.');
  const mu = minorUnits(ccy);
  if (frac.length > mu) return { error: mu === 0 ? `${ccy} has no minor unit: enter a whole amount.` : `${ccy} has ${mu} decimal places (ISO 4217 minor units): at most ${mu} digits after the point.` };
  if (int.length > 36) return { error: 'The amount is too large.' };
  const minor = BigInt(int + frac.padEnd(mu, '0'));
  if (minor <= 0n) return { error: 'The amount must be greater than zero.' };
  return { minor, text: t };
}

function nsDate(ns) {
  return new Date(Number(BigInt(ns) / 1_000_000n));
}

function utcText(d) {
  return `${d.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** A <time> in the user's zone, UTC on hover. */
function timeEl(ns, opts = {}) {
  if (ns === null || ns === undefined) return '—';
  const d = nsDate(ns);
  const text = opts.timeOnly ? d.toLocaleTimeString() : d.toLocaleString();
  return h('time', { datetime: d.toISOString(), title: utcText(d) }, text);
}

function localDate(ns) {
  const d = nsDate(ns);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function shortUetr(u) {
  return u ? `${u.slice(0, 8)}…` : '—';
}

function uetrLink(u) {
  return h('a', { href: `#/payments/${u}`, class: 'mono', title: u }, shortUetr(u));
}

function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// ---- API ----------------------------------------------------------------------------------------

class ApiErr extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? 'error';
    this.path = body?.path ?? '';
  }
}

async function api(path, opts = {}) {
  const headers = { accept: opts.accept ?? 'application/json', authorization: `Bearer ${opts.key ?? app.key}` };
  let body;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (opts.idempotent) headers['idempotency-key'] = uuid();
  let res;
  try {
    res = await fetch(path, { method: opts.method ?? 'GET', headers, body, cache: 'no-store' });
  } catch (err) {
    throw new ApiErr(0, { code: 'network', message: `The server cannot be reached (${err.message}).` });
  }
  if (opts.raw && res.ok) return res;
  const text = await res.text();
  let data = null;
  try {
    data = text === '' ? null : JSON.parse(text);
  } catch {
    data = { code: 'bad_response', message: text.slice(0, 200) };
  }
  if (!res.ok) {
    const e = new ApiErr(res.status, data);
    if (res.status === 401 && opts.key === undefined) signOut('Your API key was not accepted any more; sign in again.');
    throw e;
  }
  return data;
}

function download(name, text, type = 'application/xml') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, class: 'sr-only' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- live events --------------------------------------------------------------------------------

function setLive(state) {
  app.live = state;
  const el = document.getElementById('live');
  if (el) {
    el.className = `live ${state}`;
    el.textContent = state === 'on' ? 'live' : state === 'connecting' ? 'connecting…' : 'offline';
    el.title = state === 'on' ? 'Receiving payment events' : 'Not receiving events; retrying';
  }
}

function startEvents() {
  stopEvents();
  const ctl = new AbortController();
  app.events = ctl;
  (async () => {
    let wait = 1000;
    while (!ctl.signal.aborted) {
      setLive('connecting');
      try {
        const res = await fetch('/v1/events', { headers: { authorization: `Bearer ${app.key}`, accept: 'text/event-stream' }, signal: ctl.signal, cache: 'no-store' });
        if (res.status === 401) {
          signOut('Your API key was not accepted any more; sign in again.');
          return;
        }
        if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
        setLive('on');
        wait = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            onSseBlock(block);
          }
        }
      } catch {
        if (ctl.signal.aborted) return;
      }
      if (ctl.signal.aborted) return;
      setLive('off');
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 30_000);
    }
  })();
}

function stopEvents() {
  if (app.events) app.events.abort();
  app.events = null;
}

function onSseBlock(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (event !== 'payments' || data.length === 0) return;
  let changes;
  try {
    changes = JSON.parse(data.join('\n'));
  } catch {
    return;
  }
  for (const c of changes) app.activity.unshift(c);
  app.activity.length = Math.min(app.activity.length, 100);
  app.view?.onEvents?.(changes);
}

/** Calls fn at most once per `ms`, trailing. */
function debounce(fn, ms) {
  let t = null;
  return () => {
    if (t !== null) return;
    t = setTimeout(() => {
      t = null;
      fn();
    }, ms);
  };
}

// ---- charts ------------------------------------------------------------------------------------

const PALETTE = ['#0b5cad', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#1e3a8a'];

/** A uPlot line chart that follows its container's width; update(data) keeps it. */
function lineChart(container, series, opts = {}) {
  if (typeof uPlot !== 'function') {
    replace(container, h('p', { class: 'error' }, 'Charts are unavailable (uPlot did not load).'));
    return { update() {}, destroy() {} };
  }
  const width = () => Math.max(260, container.clientWidth || 600);
  const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 2 });
  const ticks = (_u, vals) => vals.map((v) => (v === null ? '' : compact.format(v)));
  const axes = [{}, { label: opts.yLabel ?? '', size: 64, values: ticks }];
  // A day that has just begun has samples seconds apart: show at least ten minutes around them.
  // The x range always follows the data (no zoom): uPlot widens a single instant to 1,000 days.
  const xRange = (u) => {
    const xs = u.data[0];
    if (!xs || xs.length === 0) return [0, 1];
    const lo = xs[0];
    const hi = xs[xs.length - 1];
    return hi - lo < 600 ? [lo - 300, hi + 300] : [lo, hi];
  };
  const scales = { x: { time: true, range: xRange } };
  if (opts.y2Label) {
    axes.push({ side: 1, scale: 'y2', label: opts.y2Label, size: 64, values: ticks, grid: { show: false } });
    scales.y2 = {};
  }
  const plot = new uPlot(
    {
      width: width(),
      height: opts.height ?? 220,
      scales,
      axes,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [{ label: 'time' }, ...series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, scale: s.scale ?? 'y', spanGaps: true, paths: uPlot.paths?.stepped?.({ align: 1 }), points: { show: true, size: 4 } }))],
    },
    opts.data,
    container,
  );
  const ro = new ResizeObserver(() => plot.setSize({ width: width(), height: opts.height ?? 220 }));
  ro.observe(container);
  return {
    update(data) {
      plot.setData(data);
    },
    destroy() {
      ro.disconnect();
      plot.destroy();
    },
  };
}

/** Minor-unit strings as numbers of major units (for drawing only; never for figures shown as text). */
function major(minor, ccy) {
  return minor === null ? null : Number(minor) / 10 ** minorUnits(ccy);
}

// ---- session -------------------------------------------------------------------------------------

async function signIn(key) {
  const me = await api('/v1/me', { key });
  app.key = key;
  sessionStorage.setItem(KEY_STORAGE, key);
  app.me = me;
  await loadCurrencies();
  renderHeader();
  startEvents();
}

async function loadCurrencies() {
  const { currencies } = await api('/v1/dashboard/currencies');
  app.currencies = new Map(currencies.map((c) => [c.code, c]));
}

function signOut(message) {
  stopEvents();
  app.key = null;
  app.me = null;
  app.activity = [];
  sessionStorage.removeItem(KEY_STORAGE);
  renderHeader();
  app.signOutMessage = message ?? null;
  if (location.hash !== '#/signin') location.hash = '#/signin';
  else route();
}

function navFor(role) {
  switch (role) {
    case 'operator':
    case 'auditor':
      return [['#/operator', 'Overview'], ['#/payments', 'Payments'], ['#/compliance', 'Compliance']];
    case 'central_bank':
      return [['#/central-bank', 'Central bank'], ['#/operator', 'Currency overview'], ['#/payments', 'Payments']];
    case 'compliance':
      return [['#/compliance', 'Compliance queue'], ['#/payments', 'Payments']];
    default:
      return [['#/account', 'Account'], ['#/payments', 'Payments'], ['#/send', 'Send payment']];
  }
}

function homeOf(role) {
  return navFor(role)[0][0];
}

function renderHeader() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!app.me) {
    replace(nav);
    replace(who);
    return;
  }
  const here = location.hash.split('?')[0];
  replace(nav, navFor(app.me.role).map(([href, label]) => h('a', { href, 'aria-current': here === href || (href === '#/payments' && here.startsWith('#/payments/')) ? 'page' : null }, label)));
  replace(
    who,
    h('span', { id: 'live', class: `live ${app.live}` }, app.live === 'on' ? 'live' : 'connecting…'),
    h('span', { id: 'whoami', 'data-role': app.me.role }, `${app.me.name} · ${ROLE_LABEL[app.me.role] ?? app.me.role}${app.me.participant ? ` · ${app.me.participant}` : ''}`),
    h('button', { type: 'button', class: 'secondary', id: 'signout', onclick: () => signOut('Signed out.') }, 'Sign out'),
  );
}

// ---- router -------------------------------------------------------------------------------------

const ROUTES = [
  [/^#\/signin$/, () => viewSignIn()],
  [/^#\/operator$/, () => viewOverview(false), ['operator', 'auditor', 'central_bank']],
  [/^#\/central-bank$/, () => viewOverview(true), ['central_bank', 'operator', 'auditor']],
  [/^#\/account$/, () => viewAccount(), ['participant', 'liquidity_provider']],
  [/^#\/send$/, () => viewSend(), ['participant', 'liquidity_provider']],
  [/^#\/payments$/, () => viewPayments()],
  [/^#\/payments\/([^/?]+)$/, (m) => viewPayment(decodeURIComponent(m[1]))],
  [/^#\/compliance$/, () => viewCompliance(), ['compliance', 'operator', 'auditor']],
];

async function route() {
  app.view?.dispose?.();
  app.view = null;
  const main = document.getElementById('main');
  const hash = location.hash.split('?')[0] || '#/';
  if (!app.key) {
    if (hash !== '#/signin') {
      location.replace('#/signin');
      return;
    }
  } else if (!app.me) {
    replace(main, loading('Signing in…'));
    try {
      await signIn(app.key);
    } catch (err) {
      app.key = null;
      sessionStorage.removeItem(KEY_STORAGE);
      app.signOutMessage = err.message;
      location.replace('#/signin');
      return;
    }
  }
  if (app.me && (hash === '#/' || hash === '#/signin')) {
    location.replace(homeOf(app.me.role));
    return;
  }
  renderHeader();
  for (const [re, make, roles] of ROUTES) {
    const m = re.exec(hash);
    if (m === null) continue;
    if (roles && app.me && !roles.includes(app.me.role)) {
      replace(main, h('h1', null, 'Not available'), h('p', null, `This page is not part of the ${ROLE_LABEL[app.me.role]} view.`), h('a', { href: homeOf(app.me.role) }, 'Go to your start page'));
      return;
    }
    const view = make(m);
    app.view = view;
    replace(main, view.el);
    document.title = `${view.title} · sco-settle`;
    if (!view.keepFocus) main.focus({ preventScroll: true });
    return;
  }
  replace(main, h('h1', null, 'Not found'), h('p', null, 'There is no such page.'));
}

// ---- views: sign-in ----------------------------------------------------------------------------------

function viewSignIn() {
  const msg = h('p', { class: 'msg', id: 'key-msg' });
  const input = h('input', { id: 'key', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'key-hint key-msg', required: true });
  const note = app.signOutMessage ? h('p', { class: 'notice', role: 'status' }, app.signOutMessage) : null;
  app.signOutMessage = null;
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const key = input.value.trim();
        msg.textContent = '';
        input.removeAttribute('aria-invalid');
        if (!/^sco_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(key)) {
          msg.textContent = 'An API key looks like sco_<16 hex digits>_<43 characters>.';
          input.setAttribute('aria-invalid', 'true');
          input.focus();
          return;
        }
        button.disabled = true;
        try {
          await signIn(key);
          location.hash = homeOf(app.me.role);
        } catch (err) {
          msg.textContent = err.status === 401 ? 'This key is unknown, revoked or wrong.' : err.message;
          input.setAttribute('aria-invalid', 'true');
          input.focus();
        } finally {
          button.disabled = false;
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'key' }, 'API key'), input, h('span', { class: 'hint', id: 'key-hint' }, 'Created with `sco-settle keys create --user NAME`. Kept in this browser tab only.'), msg),
    h('div', null, button),
  );
  setTimeout(() => input.focus(), 0);
  return { title: 'Sign in', el: h('div', { class: 'card signin' }, h('h1', null, 'Sign in to sco-settle'), note, form), keepFocus: true };
}

// ---- views: operator / central bank overview -----------------------------------------------------------

function viewOverview(centralBank) {
  const role = app.me.role;
  const slots = {};
  const slot = (id) => (slots[id] = h('div', { id: `${id}-body` }, loading()));
  const liqSelect = h('select', { id: 'liq-currency', 'aria-label': 'Currency of the liquidity chart' });
  const queueSelect = h('select', { id: 'queue-currency', 'aria-label': 'Currency of the queue chart' });
  const liqChart = h('div', { class: 'chart', id: 'liq-chart' });
  const queueChart = h('div', { class: 'chart', id: 'queue-chart' });
  const charts = {};
  let latest = null;
  let history = null;
  let rates = null;
  const status = h('div', { id: 'overview-status' });
  const title = centralBank ? 'Central bank' : role === 'central_bank' ? 'Currency overview' : 'Business day at a glance';

  const cbCards = centralBank
    ? [card('Issued on the platform', slot('issued'), { id: 'issued', span2: true }), card('Swap lines', slot('swaps'), { id: 'swaps', span2: true })]
    : [];
  const el = h(
    'div',
    null,
    h('h1', null, title),
    status,
    h('div', { id: 'day-body', class: 'card', style: null }, loading()),
    h('div', { class: 'grid', style: null },
      cbCards,
      card('Settled today by currency', slot('settled-currency'), { id: 'settled-currency' }),
      card('Settled today by corridor', slot('settled-corridor'), { id: 'settled-corridor' }),
      card('Liquidity over the day', [h('div', { class: 'chart-controls' }, h('label', { for: 'liq-currency' }, 'Currency'), liqSelect), liqChart], { id: 'liquidity-chart', wide: true }),
      card('Liquidity now', slot('liquidity'), { id: 'liquidity', span2: true }),
      card('RTGS queue', [slot('queue-kpis'), h('div', { class: 'chart-controls' }, h('label', { for: 'queue-currency' }, 'Currency'), queueSelect), queueChart], { id: 'queue' }),
      card('Oldest queued payments', slot('queue-oldest'), { id: 'queue-oldest-card', wide: true }),
      card('Live activity', slot('activity'), { id: 'activity-card' }),
      card('LSM runs', slot('lsm'), { id: 'lsm' }),
      card('Settlement windows and net positions', slot('windows'), { id: 'windows' }),
      card('FX rates in force', slot('rates'), { id: 'rates' }),
      card('FX quote activity (PvP settled today)', slot('quotes'), { id: 'quotes' }),
      card('Financing drawn', slot('financing'), { id: 'financing' }),
      card('Rejections by reason (today)', slot('rejections'), { id: 'rejections' }),
      card('Open compliance cases', slot('cases'), { id: 'cases' }),
      centralBank ? null : [card('Issued on the platform', slot('issued'), { id: 'issued', span2: true }), card('Swap lines', slot('swaps'), { id: 'swaps', span2: true })],
    ),
  );

  function fill(id, node) {
    if (slots[id]) replace(slots[id], node);
  }

  function renderDay(o) {
    const d = o.day;
    const body = el.querySelector('#day-body');
    if (d === null) {
      replace(body, h('p', { class: 'empty' }, 'No business day has been opened yet.'));
      return;
    }
    const cut = Object.entries(d.cutoffs ?? {});
    replace(
      body,
      h('div', { class: 'kpis' },
        h('div', { class: 'kpi' }, h('b', null, d.date), h('span', null, `business day, ${d.state}`)),
        h('div', { class: 'kpi' }, h('b', null, timeEl(d.opened_at_ns)), h('span', null, 'opened')),
        d.closed_at_ns ? h('div', { class: 'kpi' }, h('b', null, timeEl(d.closed_at_ns)), h('span', null, 'closed')) : null,
        h('div', { class: 'kpi' }, h('b', { id: 'kpi-settled' }, String(o.states.settled ?? 0)), h('span', null, 'payments settled')),
        h('div', { class: 'kpi' }, h('b', { id: 'kpi-queued' }, String(o.queue.depth)), h('span', null, 'queued (RTGS)')),
        h('div', { class: 'kpi' }, h('b', null, String(o.states.rejected ?? 0)), h('span', null, 'rejected')),
        h('div', { class: 'kpi' }, h('b', null, String(o.cases.open)), h('span', null, 'open cases')),
        cut.length > 0 ? h('div', { class: 'kpi' }, h('b', null, cut.map(([c, ns], i) => [i ? ', ' : '', `${c} `, timeEl(ns, { timeOnly: true })])), h('span', null, 'cut-offs')) : null,
      ),
    );
  }

  function renderAll() {
    const o = latest;
    renderDay(o);
    fill('settled-currency', table([
      { label: 'Currency', cell: (r) => r.currency },
      { label: 'Payments', num: true, cell: (r) => String(r.count) },
      { label: 'Value', num: true, cell: (r) => fmtAmount(r.value_minor, r.currency) },
    ], o.settled_by_currency, { empty: 'Nothing settled today yet.', label: 'Settled by currency' }));
    fill('settled-corridor', table([
      { label: 'Corridor', cell: (r) => `${r.from} → ${r.to}` },
      { label: 'Currency', cell: (r) => r.currency },
      { label: 'Payments', num: true, cell: (r) => String(r.count) },
      { label: 'Value', num: true, cell: (r) => fmtAmount(r.value_minor, r.currency) },
    ], o.settled_by_corridor, { empty: 'Nothing settled today yet.', label: 'Settled by corridor' }));
    fill('liquidity', table([
      { label: 'Participant', cell: (r) => h('span', { title: r.name }, r.participant) },
      { label: 'Available', num: true, cell: (r) => fmtAmount(r.available_minor, r.currency) },
      { label: 'Reserved', num: true, cell: (r) => fmtAmount(r.pending_minor, r.currency) },
      { label: 'Credit drawn / line', num: true, cell: (r) => (BigInt(r.credit_line_minor) > 0n ? `${fmtAmount(r.credit_outstanding_minor, r.currency)} / ${fmtAmount(r.credit_line_minor, r.currency)}` : '—') },
    ], o.liquidity, { empty: 'No participant accounts.', label: 'Liquidity now', id: 'liquidity-table' }));
    fill('queue-kpis', o.queue.by_currency.length === 0 ? h('p', { class: 'empty', id: 'queue-empty' }, 'The queue is empty.') : h('div', { class: 'kpis' }, o.queue.by_currency.map((q) => h('div', { class: 'kpi' }, h('b', null, fmtAmount(q.value_minor, q.currency)), h('span', null, `${q.count} queued in ${q.currency}`)))));
    fill('queue-oldest', table([
      { label: 'Queued since', cell: (r) => timeEl(r.queued_at_ns) },
      { label: 'UETR', cell: (r) => uetrLink(r.uetr) },
      { label: 'Payer → payee', cell: (r) => `${r.payer} → ${r.payee}` },
      { label: 'Priority', cell: (r) => r.priority },
      { label: 'Amount', num: true, cell: (r) => fmtAmount(r.amount_minor, r.currency) },
    ], o.queue.oldest, { empty: 'No payment waits for liquidity.', id: 'queue-oldest', label: 'Oldest queued payments', rowAttrs: (r) => ({ 'data-uetr': r.uetr }) }));
    fill('lsm', table([
      { label: 'Run at', cell: (r) => timeEl(r.at_ns) },
      { label: 'Currency', cell: (r) => r.currency },
      { label: 'Considered', num: true, cell: (r) => String(r.queued) },
      { label: 'Released', num: true, cell: (r) => String(r.released) },
      { label: 'Value released', num: true, cell: (r) => fmtAmount(r.value_minor, r.currency) },
    ], o.lsm_runs, { empty: 'No LSM run yet.', label: 'LSM runs' }));
    fill('windows', o.windows.length === 0 ? h('p', { class: 'empty' }, 'No settlement window yet.') : h('div', { class: 'scroll-y', tabindex: '0', role: 'region', 'aria-label': 'Settlement windows' }, o.windows.map((w) => h('div', { class: 'window' },
      h('p', null, h('b', null, `Window ${w.id} · ${w.currency} `), stateBadge(w.state), ` · ${w.payments} payments · opened `, timeEl(w.opened_at_ns), w.closed_at_ns ? [' · closed ', timeEl(w.closed_at_ns)] : null, w.defaulters.length ? ` · defaulters: ${w.defaulters.join(', ')}` : null),
      table([
        { label: 'Participant', cell: (r) => r.participant },
        { label: 'Net position', num: true, cell: (r) => fmtAmount(r.net_minor, w.currency) },
      ], w.net_positions, { empty: w.state === 'open' ? 'Net positions are computed at settlement.' : 'No positions.', label: `Net positions of window ${w.id}` }),
    ))));
    fill('quotes', table([
      { label: 'Provider', cell: (r) => r.provider },
      { label: 'Pair', cell: (r) => `${r.from} → ${r.to}` },
      { label: 'Conversions', num: true, cell: (r) => String(r.count) },
      { label: 'Value', num: true, cell: (r) => fmtAmount(r.value_minor, r.from) },
    ], o.fx_quotes, { empty: 'No PvP conversion settled today.', label: 'FX quote activity' }));
    const drawn = o.facilities.filter((f) => BigInt(f.outstanding_minor) > 0n || BigInt(f.line_minor) > 0n);
    fill('financing', h('div', null,
      h('h3', { class: 'sr-only' }, 'Intraday credit'),
      table([
        { label: 'Participant', cell: (r) => r.participant },
        { label: 'Drawn', num: true, cell: (r) => fmtAmount(r.outstanding_minor, r.currency) },
        { label: 'Line', num: true, cell: (r) => fmtAmount(r.line_minor, r.currency) },
        { label: 'Draws', num: true, cell: (r) => String(r.drawdowns) },
      ], drawn, { empty: 'No intraday credit line.', label: 'Intraday credit' }),
      o.swap_lines.some((l) => BigInt(l.drawn_minor) > 0n) ? h('p', null, `Swap lines drawn: ${o.swap_lines.filter((l) => BigInt(l.drawn_minor) > 0n).map((l) => `${l.id} ${fmtAmount(l.drawn_minor, l.provider_currency)}`).join('; ')}`) : null,
    ));
    fill('rejections', table([
      { label: 'Reason', cell: (r) => h('span', { class: 'mono' }, r.reason) },
      { label: 'Payments', num: true, cell: (r) => String(r.count) },
    ], o.rejections_by_reason, { empty: 'No rejection today.', label: 'Rejections by reason' }));
    fill('cases', table([
      { label: 'Case', cell: (r) => (role === 'compliance' || role === 'operator' || role === 'auditor' ? h('a', { href: '#/compliance' }, `#${r.id}`) : `#${r.id}`) },
      { label: 'Opened', cell: (r) => timeEl(r.opened_at_ns) },
      { label: 'Payment', cell: (r) => uetrLink(r.uetr) },
      { label: 'Amount', num: true, cell: (r) => fmtAmount(r.amount_minor, r.currency) },
      { label: 'Score', num: true, cell: (r) => Number(r.score).toFixed(2) },
      { label: 'Status', cell: (r) => stateBadge(r.status) },
    ], o.cases.list, { empty: 'No open case.', label: 'Open compliance cases' }));
    fill('issued', table([
      { label: 'Currency', cell: (r) => r.currency },
      { label: 'Issued (central bank)', num: true, cell: (r) => fmtAmount(r.issued_minor, r.currency) },
      { label: 'Held by participants', num: true, cell: (r) => fmtAmount(r.held_minor, r.currency) },
    ], o.issued, { empty: 'This user\'s central bank issues no currency on the platform.', label: 'Issued balances', id: 'issued-table' }));
    fill('swaps', table([
      { label: 'Line', cell: (r) => r.id },
      { label: 'Provider → drawer', cell: (r) => `${r.provider} → ${r.drawer}` },
      { label: 'Limit', num: true, cell: (r) => fmtAmount(r.limit_minor, r.provider_currency) },
      { label: 'Drawn', num: true, cell: (r) => fmtAmount(r.drawn_minor, r.provider_currency) },
      { label: 'Used', num: true, cell: (r) => (BigInt(r.limit_minor) > 0n ? `${((Number(BigInt(r.drawn_minor) * 10000n / BigInt(r.limit_minor))) / 100).toFixed(2)} %` : '—') },
      { label: 'Matures', cell: (r) => r.maturity_date },
      { label: 'Status', cell: (r) => r.status },
    ], o.swap_lines, { empty: 'No swap line.', label: 'Swap lines' }));
    renderActivity();
    renderRates();
    renderCharts();
  }

  function renderActivity() {
    fill('activity', table([
      { label: 'Time', cell: (r) => timeEl(r.at_ns, { timeOnly: true }) },
      { label: 'UETR', cell: (r) => uetrLink(r.uetr) },
      { label: 'State', cell: (r) => stateBadge(r.state) },
      { label: 'Reason', cell: (r) => r.reason ?? '' },
    ], app.activity.slice(0, 30), { empty: 'Waiting for payment events…', id: 'activity', label: 'Live activity', rowAttrs: (r) => ({ 'data-uetr': r.uetr, 'data-state': r.state }) }));
  }

  function renderRates() {
    if (rates === null) return;
    fill('rates', h('div', null,
      h('p', { class: 'muted' }, `Reference rates for ${rates.date} (units per USD)`),
      table([
        { label: 'Currency', cell: (r) => r.currency },
        { label: 'Per USD', num: true, cell: (r) => r.units_per_usd ?? r.error },
        { label: 'Date', cell: (r) => r.date ?? '' },
        { label: 'Source', cell: (r) => r.source ?? '' },
      ], rates.rates, { empty: 'No rate in force.', label: 'FX rates' }),
    ));
  }

  function options(select, values, label) {
    const cur = select.value;
    replace(select, values.map((v) => h('option', { value: v }, label ? label(v) : v)));
    if (values.includes(cur)) select.value = cur;
  }

  function renderCharts() {
    if (history === null) return;
    const xs = history.times.map((t) => t / 1000);
    const liqCurrencies = [...new Set(Object.keys(history.liquidity).map((k) => k.split(':')[1]))].sort();
    options(liqSelect, liqCurrencies);
    const lc = liqSelect.value;
    const liqKeys = Object.keys(history.liquidity).filter((k) => k.endsWith(`:${lc}`)).slice(0, 10);
    const liqData = [xs, ...liqKeys.map((k) => history.liquidity[k].map((v) => major(v, lc)))];
    const liqSig = `${lc}|${liqKeys.join(',')}`;
    if (liqKeys.length === 0) {
      charts.liq?.destroy();
      charts.liq = null;
      replace(liqChart, h('p', { class: 'empty' }, 'No liquidity samples yet.'));
    } else if (charts.liqSig !== liqSig || !charts.liq) {
      charts.liq?.destroy();
      replace(liqChart);
      charts.liq = lineChart(liqChart, liqKeys.map((k) => ({ label: k.split(':')[0] })), { data: liqData, yLabel: `available (${lc})` });
      charts.liqSig = liqSig;
    } else charts.liq.update(liqData);

    const qCurrencies = Object.keys(history.queue).sort();
    options(queueSelect, ['all', ...qCurrencies], (v) => (v === 'all' ? 'All (depth)' : v));
    const qc = queueSelect.value || 'all';
    let qData;
    let qSeries;
    if (qc === 'all') {
      qSeries = [{ label: 'queued payments' }];
      qData = [xs, xs.map((_, i) => Object.values(history.queue).reduce((s, q) => s + q.depth[i], 0))];
    } else {
      qSeries = [{ label: 'queued payments' }, { label: `value (${qc})`, scale: 'y2' }];
      qData = [xs, history.queue[qc].depth, history.queue[qc].value_minor.map((v) => major(v, qc))];
    }
    const qSig = qc;
    if (charts.qSig !== qSig || !charts.q) {
      charts.q?.destroy();
      replace(queueChart);
      charts.q = lineChart(queueChart, qSeries, { data: qData, yLabel: 'payments', y2Label: qc === 'all' ? undefined : `value (${qc})`, height: 200 });
      charts.qSig = qSig;
    } else charts.q.update(qData);
  }
  liqSelect.addEventListener('change', renderCharts);
  queueSelect.addEventListener('change', renderCharts);

  let alive = true;
  async function load() {
    try {
      const [o, hst] = await Promise.all([api('/v1/dashboard/overview'), api('/v1/dashboard/history')]);
      if (!alive) return;
      latest = o;
      history = hst;
      replace(status);
      renderAll();
    } catch (err) {
      if (!alive) return;
      replace(status, errorBox(err, load));
    }
  }
  async function loadRates() {
    try {
      rates = await api('/v1/rates');
      if (alive && latest) renderRates();
    } catch (err) {
      if (alive) fill('rates', errorBox(err, loadRates));
    }
  }
  load();
  loadRates();
  const soon = debounce(load, 250);
  const later = debounce(load, 1300);
  const poll = setInterval(load, 15_000);
  return {
    title,
    el,
    onEvents() {
      renderActivity();
      soon();
      later();
    },
    dispose() {
      alive = false;
      clearInterval(poll);
      charts.liq?.destroy();
      charts.q?.destroy();
    },
  };
}

// ---- views: payments ---------------------------------------------------------------------------------

function field(id, label, control, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null, h('span', { class: 'msg', id: `${id}-msg`, role: 'alert' }));
}

function setFieldError(form, name, message) {
  const input = form.querySelector(`#${CSS.escape(name)}`);
  const msg = form.querySelector(`#${CSS.escape(name)}-msg`);
  if (msg) msg.textContent = message ?? '';
  if (input) {
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    const described = [`${name}-msg`];
    if (form.querySelector(`#${CSS.escape(name)}-hint`)) described.unshift(`${name}-hint`);
    input.setAttribute('aria-describedby', described.join(' '));
  }
  return Boolean(msg);
}

function currencyOptions(codes, withAny) {
  return [withAny ? h('option', { value: '' }, 'Any') : null, ...codes.map((c) => h('option', { value: c }, c))];
}

function viewPayments() {
  const results = h('div', { id: 'payments-results' }, loading());
  const memberCodes = [...app.currencies.values()].filter((c) => c.sco_member).map((c) => c.code);
  const f = {
    uetr: h('input', { id: 'q-uetr', name: 'uetr', autocomplete: 'off', spellcheck: 'false', placeholder: '8-4-4-4-12 hex' }),
    e2e: h('input', { id: 'q-e2e', name: 'end_to_end_id', autocomplete: 'off' }),
    counterparty: h('input', { id: 'q-counterparty', name: 'counterparty', autocomplete: 'off', placeholder: 'BIC' }),
    amount: h('input', { id: 'q-amount', name: 'amount', inputmode: 'decimal', autocomplete: 'off' }),
    currency: h('select', { id: 'q-currency', name: 'currency' }, currencyOptions(memberCodes, true)),
    date: h('input', { id: 'q-date', name: 'date', type: 'date' }),
    state: h('select', { id: 'q-state', name: 'state' }, h('option', { value: '' }, 'Any'), STATES.map((s) => h('option', { value: s }, s))),
  };
  const form = h(
    'form',
    { class: 'inline', id: 'payment-search', role: 'search', novalidate: true, onsubmit: (e) => (e.preventDefault(), search()) },
    field('q-uetr', 'UETR', f.uetr),
    field('q-e2e', 'End-to-end id', f.e2e),
    field('q-counterparty', 'Counterparty', f.counterparty),
    field('q-amount', 'Amount', f.amount),
    field('q-currency', 'Currency', f.currency),
    field('q-date', 'Date', f.date),
    field('q-state', 'State', f.state),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search'), h('button', { type: 'button', class: 'secondary', onclick: () => (form.reset(), clearMsgs(), search()) }, 'Clear')),
  );
  const clearMsgs = () => ['q-uetr', 'q-counterparty', 'q-amount', 'q-e2e'].forEach((n) => setFieldError(form, n, null));
  let alive = true;
  let seq = 0;

  async function search() {
    clearMsgs();
    const uetr = f.uetr.value.trim().toLowerCase();
    const cp = f.counterparty.value.trim().toUpperCase();
    const amountText = f.amount.value.trim();
    let bad = false;
    if (uetr !== '' && !UETR_RE.test(uetr)) bad = setFieldError(form, 'q-uetr', 'A UETR is 36 characters: 8-4-4-4-12 hexadecimal digits.');
    if (cp !== '' && !BIC_RE.test(cp)) bad = setFieldError(form, 'q-counterparty', 'A BIC has 8 or 11 letters and digits.');
    if (amountText !== '' && !/^\d+(\.\d+)?$/.test(amountText)) bad = setFieldError(form, 'q-amount', 'Enter digits with at most one decimal point.');
    if (bad) return;
    if (uetr !== '') {
      location.hash = `#/payments/${uetr}`;
      return;
    }
    const q = new URLSearchParams({ limit: '1000' });
    if (f.e2e.value.trim()) q.set('end_to_end_id', f.e2e.value.trim());
    if (cp) q.set('counterparty', cp);
    if (f.currency.value) q.set('currency', f.currency.value);
    if (f.state.value) q.set('state', f.state.value);
    const my = ++seq;
    if (results.childElementCount === 0) replace(results, loading());
    try {
      const { payments } = await api(`/v1/payments?${q}`);
      if (!alive || my !== seq) return;
      let list = payments;
      if (amountText !== '') {
        list = list.filter((p) => {
          const a = parseAmount(amountText, p.currency);
          return a.minor !== undefined && BigInt(p.amount_minor) === a.minor;
        });
      }
      const date = f.date.value;
      if (date) list = list.filter((p) => p.value_date === date || (p.history[0] && localDate(p.history[0].at_ns) === date));
      renderList(list, payments.length >= 1000);
    } catch (err) {
      if (alive && my === seq) replace(results, errorBox(err, search));
    }
  }

  function renderList(list, capped) {
    const own = app.me.participant;
    replace(
      results,
      h('p', { class: 'muted', role: 'status' }, `${list.length} payment${list.length === 1 ? '' : 's'}${capped ? ' (the newest 1,000 searched; narrow the search for older ones)' : ''}`),
      table([
        { label: 'Received', cell: (p) => (p.history[0] ? timeEl(p.history[0].at_ns) : '—') },
        { label: 'UETR', cell: (p) => uetrLink(p.uetr) },
        { label: 'End-to-end id', cell: (p) => p.end_to_end_id },
        { label: own ? 'Counterparty' : 'Payer → payee', cell: (p) => (own ? (p.payer === own ? `to ${p.payee}` : `from ${p.payer}`) : `${p.payer} → ${p.payee}`) },
        { label: 'Amount', num: true, cell: (p) => fmtAmount(p.amount_minor, p.currency) },
        { label: 'Value date', cell: (p) => p.value_date },
        { label: 'State', cell: (p) => stateBadge(p.state) },
      ], list, { empty: 'No payment matches.', id: 'payments-table', label: 'Payments', rowAttrs: (p) => ({ 'data-uetr': p.uetr, 'data-state': p.state }) }),
    );
  }
  search();
  const refresh = debounce(search, 400);
  return {
    title: 'Payments',
    el: h('div', null, h('h1', null, app.me.participant ? `Payments of ${app.me.participant}` : 'Payments'), h('div', { class: 'card' }, form), h('div', { class: 'card', style: null }, results)),
    onEvents: refresh,
    dispose() {
      alive = false;
    },
  };
}

function viewPayment(uetr) {
  const body = h('div', null, loading());
  let alive = true;
  async function load() {
    try {
      const p = await api(`/v1/payments/${encodeURIComponent(uetr)}`);
      if (alive) render(p);
    } catch (err) {
      if (!alive) return;
      if (err.status === 404 || err.status === 400) {
        replace(body, h('h1', { id: 'not-found' }, 'Payment not found'), h('p', null, `No payment with UETR ${uetr} that you may see.`), h('a', { href: '#/payments' }, 'Back to payments'));
      } else replace(body, errorBox(err, load));
    }
  }
  function render(p) {
    const own = app.me.participant;
    const canCancel = (app.me.role === 'operator' || (own && p.payer === own)) && (p.state === 'queued' || p.state === 'held') && app.me.role !== 'central_bank';
    const msgArea = h('div', { id: 'messages' });
    const actionMsg = h('p', { class: 'msg', role: 'alert', id: 'action-msg' });
    replace(
      body,
      h('h1', null, 'Payment ', h('span', { class: 'mono' }, p.uetr)),
      h('div', { class: 'grid' },
        card('Instruction', h('dl', { class: 'props', id: 'payment-props' },
          h('dt', null, 'State'), h('dd', { id: 'payment-state' }, stateBadge(p.state)),
          h('dt', null, 'UETR'), h('dd', { class: 'mono' }, p.uetr),
          h('dt', null, 'End-to-end id'), h('dd', null, p.end_to_end_id),
          h('dt', null, 'Payer'), h('dd', null, p.payer, p.debtor?.name ? ` (${p.debtor.name})` : ''),
          h('dt', null, 'Payee'), h('dd', null, p.payee, p.creditor?.name ? ` (${p.creditor.name})` : ''),
          h('dt', null, 'Amount'), h('dd', null, fmtAmount(p.amount_minor, p.currency)),
          p.payee_currency !== p.currency ? [h('dt', null, 'Payee receives'), h('dd', null, fmtAmount(p.payee_amount_minor, p.payee_currency), p.fx ? ` (rate ${p.fx.rate} from ${p.fx.provider})` : '')] : null,
          h('dt', null, 'Value date'), h('dd', null, p.value_date),
          h('dt', null, 'Priority / settlement'), h('dd', null, `${p.priority} / ${p.settlement}`),
          p.remittance ? [h('dt', null, 'Remittance'), h('dd', null, p.remittance)] : null,
          p.case_id !== null ? [h('dt', null, 'Compliance case'), h('dd', null, `#${p.case_id}`)] : null,
          h('dt', null, 'Submitted by'), h('dd', null, p.submitted_by),
        )),
        card('Status history', table([
          { label: 'Time', cell: (s) => timeEl(s.at_ns) },
          { label: 'State', cell: (s) => stateBadge(s.state) },
          { label: 'Reason', cell: (s) => s.reason ?? '' },
          { label: 'Detail', cell: (s) => s.detail ?? '' },
        ], p.history, { id: 'history', label: 'Status history' })),
        card('Messages', [
          h('p', { class: 'muted' }, 'The payment as a pacs.008 and the pacs.002 status reports it was answered with.'),
          h('button', { type: 'button', id: 'load-messages', onclick: () => loadMessages(msgArea) }, 'Show messages'),
          msgArea,
        ]),
        canCancel ? card('Actions', [h('button', { type: 'button', class: 'danger', id: 'cancel', onclick: () => cancel(p, actionMsg) }, 'Cancel payment'), actionMsg]) : null,
      ),
      h('p', null, h('a', { href: '#/payments' }, 'Back to payments')),
    );
  }
  async function loadMessages(area) {
    replace(area, loading());
    try {
      const { messages } = await api(`/v1/payments/${encodeURIComponent(uetr)}/messages`);
      replace(area, h('ul', null, messages.map((m) => h('li', null, h('button', { type: 'button', class: 'secondary', 'data-file': m.file, onclick: () => download(m.file, m.xml) }, `Download ${m.name}`)))));
    } catch (err) {
      replace(area, errorBox(err, () => loadMessages(area)));
    }
  }
  async function cancel(p, msg) {
    msg.textContent = '';
    try {
      await api(`/v1/payments/${p.uetr}/cancel`, { method: 'POST', body: {}, idempotent: true });
      announce('Payment cancelled');
      load();
    } catch (err) {
      msg.textContent = err.message;
    }
  }
  load();
  return {
    title: 'Payment',
    el: body,
    onEvents(changes) {
      if (changes.some((c) => c.uetr === uetr)) load();
    },
    dispose() {
      alive = false;
    },
  };
}

// ---- views: participant ----------------------------------------------------------------------------

async function participantContext() {
  const id = app.me.participant;
  const [bal, fac, day] = await Promise.all([
    api(`/v1/participants/${id}/balances`),
    api(`/v1/participants/${id}/facilities`),
    api('/v1/day').catch((err) => (err.status === 404 ? null : Promise.reject(err))),
  ]);
  return { id, balances: bal.balances, facilities: fac.facilities, day };
}

function viewAccount() {
  const body = h('div', null, loading());
  let alive = true;
  async function load() {
    try {
      const ctx = await participantContext();
      if (alive) render(ctx);
    } catch (err) {
      if (alive) replace(body, errorBox(err, load));
    }
  }
  function render(ctx) {
    const ccy = h('select', { id: 'st-currency', name: 'currency' }, currencyOptions(ctx.balances.map((b) => b.currency)));
    const date = h('input', { id: 'st-date', name: 'date', type: 'date', value: ctx.day?.date ?? new Date().toISOString().slice(0, 10), required: true });
    const stForm = h(
      'form',
      {
        class: 'inline',
        id: 'statement-form',
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          setFieldError(stForm, 'st-date', null);
          if (!/^\d{4}-\d{2}-\d{2}$/.test(date.value)) {
            setFieldError(stForm, 'st-date', 'Choose a date.');
            return;
          }
          try {
            const res = await api(`/v1/participants/${ctx.id}/statement?currency=${ccy.value}&date=${date.value}`, { raw: true, accept: 'application/xml' });
            download(`camt.053-${ctx.id}-${ccy.value}-${date.value}.xml`, await res.text());
            announce('Statement downloaded');
          } catch (err) {
            if (!setFieldError(stForm, err.path === 'query.currency' ? 'st-currency' : 'st-date', err.message)) replace(body, errorBox(err, load));
          }
        },
      },
      field('st-currency', 'Currency', ccy),
      field('st-date', 'Business day', date),
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'download-statement' }, 'Download camt.053')),
    );
    replace(
      body,
      h('div', { class: 'grid' },
        card('Balances and limits', table([
          { label: 'Currency', cell: (b) => b.currency },
          { label: 'Available', num: true, cell: (b) => fmtAmount(b.available_minor, b.currency) },
          { label: 'Reserved', num: true, cell: (b) => fmtAmount(b.debits_pending_minor, b.currency) },
          { label: 'Credit line', num: true, cell: (b) => fmtAmount(b.credit_line_minor, b.currency) },
          { label: 'Credit drawn', num: true, cell: (b) => fmtAmount(b.credit_outstanding_minor, b.currency) },
          { label: 'Booked in / out', num: true, cell: (b) => `${fmtAmount(b.credits_posted_minor, '')} / ${fmtAmount(b.debits_posted_minor, '')}` },
        ], ctx.balances, { id: 'balances', label: 'Balances', rowAttrs: (b) => ({ 'data-currency': b.currency }) }), { id: 'balances-card', wide: true }),
        card('Intraday credit and collateral', table([
          { label: 'Currency', cell: (f) => f.currency },
          { label: 'Line', num: true, cell: (f) => fmtAmount(f.line_minor, f.currency) },
          { label: 'Drawn', num: true, cell: (f) => fmtAmount(f.outstanding_minor, f.currency) },
          { label: 'Auto-draw', cell: (f) => (f.auto_draw ? 'yes' : 'no') },
          { label: 'Collateral', cell: (f) => f.collateral.map((c) => `${c.id} (${c.kind}, ${fmtAmount(c.market_value_minor, c.currency)}, haircut ${(c.haircut_bp / 100).toFixed(2)} %)`).join('; ') || '—' },
        ], ctx.facilities, { empty: 'No credit facility.', label: 'Facilities' })),
        card('Statements', [h('p', { class: 'muted' }, 'End-of-day account statement (ISO 20022 camt.053) of one business day.'), stForm]),
      ),
    );
  }
  load();
  const refresh = debounce(load, 500);
  return {
    title: 'Account',
    el: h('div', null, h('h1', null, `Account of ${app.me.participant}`), body),
    onEvents: refresh,
    dispose() {
      alive = false;
    },
  };
}

const SEND_FIELDS = ['payee', 'currency', 'amount', 'end_to_end_id', 'priority', 'settlement', 'value_date', 'payee_currency', 'remittance'];

function viewSend() {
  const body = h('div', null, loading());
  let alive = true;
  async function load() {
    try {
      const ctx = await participantContext();
      if (alive) render(ctx);
    } catch (err) {
      if (alive) replace(body, errorBox(err, load));
    }
  }
  function render(ctx) {
    const own = ctx.balances.map((b) => b.currency);
    const members = [...app.currencies.values()].filter((c) => c.sco_member).map((c) => c.code);
    const c = {
      payee: h('input', { id: 'payee', name: 'payee', autocomplete: 'off', spellcheck: 'false', maxlength: '11', required: true }),
      currency: h('select', { id: 'currency', name: 'currency' }, currencyOptions(own)),
      amount: h('input', { id: 'amount', name: 'amount', inputmode: 'decimal', autocomplete: 'off', required: true }),
      end_to_end_id: h('input', { id: 'end_to_end_id', name: 'end_to_end_id', autocomplete: 'off', maxlength: '35', value: `E2E-${Date.now().toString(36).toUpperCase()}` }),
      priority: h('select', { id: 'priority', name: 'priority' }, h('option', { value: 'normal' }, 'normal'), h('option', { value: 'urgent' }, 'urgent')),
      settlement: h('select', { id: 'settlement', name: 'settlement' }, h('option', { value: 'rtgs' }, 'RTGS (gross, now)'), h('option', { value: 'dns' }, 'Deferred net (window)')),
      value_date: h('input', { id: 'value_date', name: 'value_date', type: 'date', value: ctx.day?.state === 'open' ? ctx.day.date : '' }),
      payee_currency: h('select', { id: 'payee_currency', name: 'payee_currency' }, h('option', { value: '' }, 'Same as paid'), members.map((m) => h('option', { value: m }, m))),
      remittance: h('textarea', { id: 'remittance', name: 'remittance', rows: '2', maxlength: '1000' }),
    };
    const hint = () => `${c.currency.value} has ${minorUnits(c.currency.value)} decimal places (ISO 4217 minor units).`;
    const result = h('div', { id: 'send-result', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', id: 'send' }, 'Send payment');
    const form = h(
      'form',
      { class: 'stack', id: 'send-form', novalidate: true, onsubmit: (e) => (e.preventDefault(), send()) },
      field('payee', 'Payee (BIC)', c.payee, 'The receiving participant, e.g. ICBKCNBJ.'),
      field('currency', 'Currency', c.currency),
      field('amount', 'Amount', c.amount, hint()),
      field('end_to_end_id', 'End-to-end id', c.end_to_end_id, 'Your reference, up to 35 characters.'),
      field('priority', 'Priority', c.priority),
      field('settlement', 'Settlement', c.settlement),
      field('value_date', 'Value date', c.value_date, 'Empty: the current business day.'),
      field('payee_currency', 'Payee receives in', c.payee_currency, 'Another currency settles payment-versus-payment through a liquidity provider.'),
      field('remittance', 'Remittance information', c.remittance),
      h('div', { class: 'actions' }, submit),
      result,
    );
    c.currency.addEventListener('change', () => {
      form.querySelector('#amount-hint').textContent = hint();
      if (c.amount.value.trim() !== '') validate(['amount']);
    });
    // Checked when leaving a field, except towards the submit button (which checks everything;
    // a message appearing under the pointer between mousedown and mouseup would swallow the click).
    c.amount.addEventListener('blur', (e) => e.relatedTarget !== submit && c.amount.value.trim() !== '' && validate(['amount']));
    c.payee.addEventListener('blur', (e) => e.relatedTarget !== submit && c.payee.value.trim() !== '' && validate(['payee']));

    function validate(only) {
      const errs = {};
      const payee = c.payee.value.trim().toUpperCase();
      if (payee === '') errs.payee = 'Enter the payee\'s BIC.';
      else if (!BIC_RE.test(payee)) errs.payee = 'A BIC has 8 or 11 characters: 4 letters or digits, a 2-letter country, 2 letters or digits, optionally 3 more.';
      else if (payee === ctx.id) errs.payee = 'The payee must be another participant.';
      const a = parseAmount(c.amount.value, c.currency.value);
      if (a.error) errs.amount = a.error;
      const e2e = c.end_to_end_id.value.trim();
      if (e2e === '') errs.end_to_end_id = 'Enter a reference (or NOTPROVIDED).';
      else if ([...e2e].length > 35) errs.end_to_end_id = 'At most 35 characters.';
      if (c.value_date.value !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(c.value_date.value)) errs.value_date = 'Enter a date as YYYY-MM-DD.';
      for (const name of only ?? SEND_FIELDS) setFieldError(form, name, errs[name] ?? null);
      return only ? Object.keys(errs).filter((k) => only.includes(k)).length === 0 : Object.keys(errs).length === 0;
    }

    async function send() {
      replace(result);
      if (!validate()) {
        const first = form.querySelector('[aria-invalid="true"]');
        first?.focus();
        announce('The payment has errors; see the messages next to the fields.');
        return;
      }
      const body = {
        uetr: uuid(),
        end_to_end_id: c.end_to_end_id.value.trim(),
        payer: ctx.id,
        payee: c.payee.value.trim().toUpperCase(),
        currency: c.currency.value,
        amount: c.amount.value.trim(),
        priority: c.priority.value,
        settlement: c.settlement.value,
      };
      if (c.value_date.value) body.value_date = c.value_date.value;
      if (c.payee_currency.value && c.payee_currency.value !== c.currency.value) body.payee_currency = c.payee_currency.value;
      if (c.remittance.value.trim()) body.remittance = c.remittance.value.trim();
      submit.disabled = true;
      try {
        const out = await api('/v1/payments', { method: 'POST', body, idempotent: true });
        const r = out.payments[0];
        if (r.state === 'rejected') {
          const name = (r.field ?? '').replace(/^payments\[\d+\]/, '').replace(/^\./, '');
          const text = `Rejected (${r.reason}): ${r.detail ?? ''}`.trim();
          const atField = SEND_FIELDS.includes(name) && setFieldError(form, name, text);
          if (atField) form.querySelector(`#${name}`)?.focus();
          replace(result, h('p', { class: 'error', role: 'alert', id: 'send-rejected' }, atField ? 'The platform rejected the payment (see the message next to the field): ' : `${text} `, r.uetr ? h('a', { href: `#/payments/${r.uetr}` }, 'its record') : null));
          return;
        }
        replace(result, h('p', { class: 'notice', role: 'status', id: 'send-ok', 'data-uetr': r.uetr }, `Payment ${r.state}: `, h('a', { href: `#/payments/${r.uetr}` }, r.uetr)));
        announce(`Payment ${r.state}`);
        c.amount.value = '';
        c.end_to_end_id.value = `E2E-${Date.now().toString(36).toUpperCase()}`;
      } catch (err) {
        const name = (err.path ?? '').replace(/^payments\[\d+\]/, '').replace(/^\./, '');
        if (SEND_FIELDS.includes(name) && setFieldError(form, name, err.message)) form.querySelector(`#${name}`)?.focus();
        else if (name === 'payer') replace(result, errorBox(err));
        else replace(result, errorBox(err));
      } finally {
        submit.disabled = false;
      }
    }
    replace(body, h('div', { class: 'card' }, h('p', { class: 'muted' }, `Paying from ${ctx.id}. Available: `, ctx.balances.map((b, i) => [i ? ', ' : '', fmtAmount(b.available_minor, b.currency)])), form));
  }
  load();
  return {
    title: 'Send payment',
    el: h('div', null, h('h1', null, 'Send a payment'), body),
    dispose() {
      alive = false;
    },
  };
}

// ---- views: compliance --------------------------------------------------------------------------------

function viewCompliance() {
  const body = h('div', null, loading());
  const mayDecide = app.me.role === 'compliance';
  let alive = true;
  async function load() {
    try {
      const { cases } = await api('/v1/cases?limit=500');
      const open = cases.filter((c) => c.status === 'open' || c.status === 'proposed');
      const done = cases.filter((c) => c.status !== 'open' && c.status !== 'proposed').slice(0, 50);
      const pays = new Map();
      await Promise.all(open.slice(0, 50).map(async (c) => {
        try {
          pays.set(c.uetr, await api(`/v1/payments/${c.uetr}`));
        } catch {
          // shown without the payment's figures
        }
      }));
      if (alive) render(open, done, pays);
    } catch (err) {
      if (alive) replace(body, errorBox(err, load));
    }
  }
  function decisionCell(c) {
    if (!mayDecide) return c.proposal ? `${c.proposal.decision} proposed by ${c.proposal.officer}` : '—';
    const note = h('input', { id: `note-${c.id}`, 'aria-label': `Note for case ${c.id}`, placeholder: 'note', maxlength: '500' });
    const msg = h('p', { class: 'msg', role: 'alert', id: `case-msg-${c.id}` });
    const act = (decision) => async (e) => {
      const btn = e.currentTarget;
      btn.disabled = true;
      msg.textContent = '';
      try {
        await api(`/v1/cases/${c.id}/decision`, { method: 'POST', body: { decision, ...(note.value.trim() ? { note: note.value.trim() } : {}) } });
        announce(`Case ${c.id}: ${decision} recorded`);
        await load();
      } catch (err) {
        msg.textContent = err.code === 'four_eyes' ? `Four eyes: ${err.message}` : err.message;
        btn.disabled = false;
      }
    };
    if (c.proposal && c.proposal.officer === app.me.name) {
      return h('p', { class: 'muted', id: `case-own-${c.id}` }, `You proposed to ${c.proposal.decision} this payment. Four eyes: another compliance officer must confirm it.`);
    }
    const proposed = c.proposal ? h('p', { class: 'muted' }, `${c.proposal.decision} proposed by ${c.proposal.officer} — confirm, or decide otherwise.`) : h('p', { class: 'muted' }, 'Held. A first decision is a proposal; a second officer confirms it.');
    return h('div', null, proposed, h('div', { class: 'actions' }, note, h('button', { type: 'button', 'data-action': 'release', onclick: act('release') }, c.proposal?.decision === 'release' ? 'Confirm release' : 'Release'), h('button', { type: 'button', class: 'danger', 'data-action': 'reject', onclick: act('reject') }, c.proposal?.decision === 'reject' ? 'Confirm reject' : 'Reject')), msg);
  }
  function render(open, done, pays) {
    replace(
      body,
      card(`Queue (${open.length} held)`, table([
        { label: 'Case', cell: (c) => `#${c.id}` },
        { label: 'Opened', cell: (c) => timeEl(c.opened_at_ns) },
        { label: 'Payment', cell: (c) => uetrLink(c.uetr) },
        { label: 'Payer → payee', cell: (c) => (pays.get(c.uetr) ? `${pays.get(c.uetr).payer} → ${pays.get(c.uetr).payee}` : '—') },
        { label: 'Amount', num: true, cell: (c) => (pays.get(c.uetr) ? fmtAmount(pays.get(c.uetr).amount_minor, pays.get(c.uetr).currency) : '—') },
        { label: 'Screening', cell: (c) => `score ${Number(c.screening.score).toFixed(2)}${c.screening.detail ? ` — ${c.screening.detail}` : ''} (list ${c.screening.list_version})` },
        { label: 'Status', cell: (c) => stateBadge(c.status) },
        { label: 'Decision', cell: decisionCell },
      ], open, { empty: 'No held payment waits for a decision.', id: 'cases-open', label: 'Open cases', rowAttrs: (c) => ({ 'data-case': c.id, 'data-status': c.status }) }), { id: 'queue-card', wide: true }),
      card('Decided', table([
        { label: 'Case', cell: (c) => `#${c.id}` },
        { label: 'Payment', cell: (c) => uetrLink(c.uetr) },
        { label: 'Outcome', cell: (c) => stateBadge(c.status) },
        { label: 'Officers', cell: (c) => c.decided_by.join(', ') },
        { label: 'Decided', cell: (c) => timeEl(c.decided_at_ns) },
      ], done, { empty: 'No decided case.', id: 'cases-done', label: 'Decided cases', rowAttrs: (c) => ({ 'data-case': c.id, 'data-status': c.status }) }), { wide: true }),
    );
  }
  load();
  const refresh = debounce(load, 500);
  return {
    title: 'Compliance',
    el: h('div', null, h('h1', null, mayDecide ? 'Compliance queue' : 'Compliance cases (read-only)'), h('div', { class: 'grid' }, body)),
    onEvents: refresh,
    dispose() {
      alive = false;
    },
  };
}

// ---- start ----------------------------------------------------------------------------------------

window.addEventListener('hashchange', route);
// The skip link moves focus without touching the hash (the hash is the router's).
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('unhandledrejection', (e) => {
  const main = document.getElementById('main');
  main.prepend(errorBox(e.reason));
});
route();
