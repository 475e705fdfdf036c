// @ts-check
// The overview: the business day at a glance for the operator and the auditor,
// a central bank's view of its own currency, and — with the issued balances and
// swap lines first — the central-bank page. It loads GET /v1/dashboard/overview
// and /history (one currency's business day from the store, the one chosen for
// the charts), reloads on payment events (soon, and again a little later) and
// every 15 s, and shows live activity.

import { h, loading, replace } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { debounce } from '../lib/events.js';
import { me, session } from '../lib/session.js';
import { timeEl, zoneTimeEl } from '../lib/time.js';
import { card, errorBox, stateBadge, table, uetrLink } from '../lib/ui.js';
import { issuedTable, swapLinesTable } from './central_bank.js';
import { overviewCharts } from './operator_charts.js';
import { casesTable, financing, liquidityTable, queueParts, rejectionsTable, settledTables, windowsList } from './operator_tables.js';

/** @typedef {import('../lib/types.js').Overview} Overview */
/** @typedef {import('../lib/types.js').History} History */
/** @typedef {import('../lib/types.js').Rates} Rates */
/** @typedef {import('../lib/types.js').View} View */
/** @typedef {import('../lib/dom.js').Kids} Kids */

/** @param {Overview} o */
function dayKpis(o) {
  const d = o.day;
  if (d === null) return h('p', { class: 'empty' }, 'No business day has been opened yet.');
  const cut = Object.entries(d.cutoffs ?? {});
  return h(
    'div',
    { class: 'kpis' },
    h('div', { class: 'kpi' }, h('b', null, d.date), h('span', null, `business day, ${d.state}`)),
    h('div', { class: 'kpi' }, h('b', null, timeEl(d.opened_at_ns)), h('span', null, 'opened')),
    d.closed_at_ns ? h('div', { class: 'kpi' }, h('b', null, timeEl(d.closed_at_ns)), h('span', null, 'closed')) : null,
    h('div', { class: 'kpi' }, h('b', { id: 'kpi-settled' }, String(o.states.settled ?? 0)), h('span', null, 'payments settled')),
    h('div', { class: 'kpi' }, h('b', { id: 'kpi-queued' }, String(o.queue.depth)), h('span', null, 'queued (RTGS)')),
    h('div', { class: 'kpi' }, h('b', null, String(o.states.rejected ?? 0)), h('span', null, 'rejected')),
    h('div', { class: 'kpi' }, h('b', null, String(o.cases.open)), h('span', null, 'open cases')),
    cut.length > 0
      ? h(
          'div',
          { class: 'kpi' },
          h(
            'b',
            { id: 'kpi-cutoffs' },
            cut.map(([c, ns], i) => [i ? h('br', null) : '', `${c} `, zoneTimeEl(ns, d.cutoff_zones?.[c] ?? 'UTC')]),
          ),
          h('span', null, 'cut-offs, each in its home time'),
        )
      : null,
  );
}

/** Each currency on its own calendar: open or why not, hours and cut-off in home time and UTC; today's PvP overlaps. @param {Overview} o */
function calendarsCard(o) {
  const cals = o.calendars ?? [];
  if (cals.length === 0) return h('p', { class: 'empty' }, 'No operating calendars: one business day (UTC cut-offs) for every currency.');
  return h(
    'div',
    null,
    table(
      [
        { label: 'Currency', cell: (r) => r.currency },
        { label: 'Time zone', cell: (r) => r.time_zone },
        { label: 'Now', cell: (r) => (r.accepting ? 'open' : `closed: ${r.closed_because ?? ''}`) },
        { label: 'Business date', cell: (r) => r.business_date },
        { label: 'Hours (home)', cell: (r) => r.hours_local.join(', ') },
        { label: 'Cut-off (home)', cell: (r) => r.cutoff_local ?? '' },
        { label: 'Cut-off (UTC)', cell: (r) => r.cutoff_utc ?? '' },
      ],
      cals,
      { empty: 'No calendars.', id: 'calendars-table', label: 'Currencies on their calendars' },
    ),
    table(
      [
        { label: 'Pair', cell: (r) => r.pair },
        { label: 'PvP overlap today (UTC)', cell: (r) => (r.windows_utc.length === 0 ? 'none' : r.windows_utc.join(', ')) },
      ],
      o.overlaps ?? [],
      { empty: 'No pairs.', id: 'overlaps-table', label: 'PvP overlap windows' },
    ),
  );
}

function activityTable() {
  return table(
    [
      { label: 'Time', cell: (r) => timeEl(r.at_ns, { timeOnly: true }) },
      { label: 'UETR', cell: (r) => uetrLink(r.uetr) },
      { label: 'State', cell: (r) => stateBadge(r.state) },
      { label: 'Reason', cell: (r) => r.reason ?? '' },
    ],
    session.activity.slice(0, 30),
    { empty: 'Waiting for payment events…', id: 'activity', label: 'Live activity', rowAttrs: (r) => ({ 'data-uetr': r.uetr, 'data-state': r.state }) },
  );
}

/** @param {Rates} rates */
function ratesTable(rates) {
  return h(
    'div',
    null,
    h('p', { class: 'muted' }, `Reference rates for ${rates.date} (units per USD)`),
    table(
      [
        { label: 'Currency', cell: (r) => r.currency },
        { label: 'Per USD', num: true, cell: (r) => r.units_per_usd ?? r.error },
        { label: 'Date', cell: (r) => r.date ?? '' },
        { label: 'Source', cell: (r) => r.source ?? '' },
      ],
      rates.rates,
      { empty: 'No rate in force.', label: 'FX rates' },
    ),
  );
}

/** The page's layout: cards with empty slots the renderers fill by id. @param {boolean} centralBank @param {string} title */
function layout(centralBank, title) {
  /** @type {Record<string, HTMLElement>} */
  const slots = {};
  /** @param {string} id */
  const slot = (id) => (slots[id] = h('div', { id: `${id}-body` }, loading()));
  const parts = {
    currencySelect: h('select', { id: 'history-currency', 'aria-label': 'Currency of the charts' }),
    caption: h('p', { id: 'history-caption', class: 'muted' }),
    points: h('div', { id: 'history-points-body' }),
    liqChart: h('div', { class: 'chart', id: 'liq-chart' }),
    queueChart: h('div', { class: 'chart', id: 'queue-chart' }),
  };
  const status = h('div', { id: 'overview-status' });
  const day = h('div', { id: 'day-body', class: 'card', style: null }, loading());
  const cbCards = () => [
    card('Issued on the platform', slot('issued'), { id: 'issued', span2: true }),
    card('Swap lines', slot('swaps'), { id: 'swaps', span2: true }),
  ];
  const first = centralBank ? cbCards() : [];
  const el = h(
    'div',
    null,
    h('h1', null, title),
    status,
    day,
    h(
      'div',
      { class: 'grid', style: null },
      first,
      card('Currencies: hours and PvP overlaps', slot('calendars'), { id: 'calendars', wide: true }),
      card('Settled today by currency', slot('settled-currency'), { id: 'settled-currency' }),
      card('Settled today by corridor', slot('settled-corridor'), { id: 'settled-corridor' }),
      card(
        "The currency's business day (from the store)",
        [
          h('div', { class: 'chart-controls' }, h('label', { for: 'history-currency' }, 'Currency'), parts.currencySelect),
          parts.caption,
          h('h3', null, 'Settlement-account balances'),
          parts.liqChart,
          h('h3', null, 'RTGS queue and settled payments'),
          parts.queueChart,
          h('details', { id: 'history-details' }, h('summary', null, 'Charted points (home time and UTC)'), parts.points),
        ],
        { id: 'liquidity-chart', wide: true },
      ),
      card('Liquidity now', slot('liquidity'), { id: 'liquidity', span2: true }),
      card('RTGS queue', slot('queue-kpis'), { id: 'queue' }),
      card('Oldest queued payments', slot('queue-oldest'), { id: 'queue-oldest-card', wide: true }),
      card('Live activity', slot('activity'), { id: 'activity-card' }),
      card('LSM runs', slot('lsm'), { id: 'lsm' }),
      card('Settlement windows and net positions', slot('windows'), { id: 'windows' }),
      card('FX rates in force', slot('rates'), { id: 'rates' }),
      card('FX quote activity (PvP settled today)', slot('quotes'), { id: 'quotes' }),
      card('Financing drawn', slot('financing'), { id: 'financing' }),
      card('Rejections by reason (today)', slot('rejections'), { id: 'rejections' }),
      card('Open compliance cases', slot('cases'), { id: 'cases' }),
      centralBank ? null : cbCards(),
    ),
  );
  /** @param {string} id @param {Kids} node */
  const fill = (id, node) => {
    const s = slots[id];
    if (s) replace(s, node);
  };
  return { el, status, day, parts, fill };
}

/** @param {boolean} centralBank the central-bank page (its cards first) @returns {View} */
export function viewOverview(centralBank) {
  const role = me().role;
  const title = centralBank ? 'Central bank' : role === 'central_bank' ? 'Currency overview' : 'Business day at a glance';
  const page = layout(centralBank, title);
  const charts = overviewCharts(page.parts);
  /** @type {Overview | null} */
  let latest = null;
  /** @type {History | null} */
  let history = null;
  /** @type {Rates | null} */
  let rates = null;

  /** @param {Overview} o */
  function renderAll(o) {
    replace(page.day, dayKpis(o));
    const sections = {
      ...settledTables(o),
      ...queueParts(o),
      liquidity: liquidityTable(o),
      windows: windowsList(o),
      financing: financing(o),
      rejections: rejectionsTable(o),
      cases: casesTable(o, role),
      issued: issuedTable(o),
      swaps: swapLinesTable(o),
      calendars: calendarsCard(o),
    };
    for (const [id, node] of Object.entries(sections)) page.fill(id, node);
    page.fill('activity', activityTable());
    if (rates !== null) page.fill('rates', ratesTable(rates));
    if (history !== null) charts.render(history);
  }
  page.parts.currencySelect.addEventListener('change', () => load());

  let alive = true;
  async function load() {
    try {
      const c = charts.currency();
      const path = c === null ? '/v1/dashboard/history' : `/v1/dashboard/history?currency=${encodeURIComponent(c)}`;
      const [o, hst] = /** @type {[Overview, History]} */ (await Promise.all([api('/v1/dashboard/overview'), api(path)]));
      if (!alive) return;
      latest = o;
      history = hst;
      replace(page.status);
      renderAll(o);
    } catch (err) {
      if (!alive) return;
      replace(page.status, errorBox(err, load));
    }
  }
  async function loadRates() {
    try {
      rates = /** @type {Rates} */ (await api('/v1/rates'));
      if (alive && latest) page.fill('rates', ratesTable(rates));
    } catch (err) {
      if (alive) page.fill('rates', errorBox(err, loadRates));
    }
  }
  load();
  loadRates();
  const soon = debounce(load, 250);
  const later = debounce(load, 1300);
  const poll = setInterval(load, 15_000);
  return {
    title,
    el: page.el,
    onEvents() {
      page.fill('activity', activityTable());
      soon();
      later();
    },
    dispose() {
      alive = false;
      clearInterval(poll);
      charts.destroy();
    },
  };
}
