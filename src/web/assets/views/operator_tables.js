// @ts-check
// The overview's tables, each from one part of GET /v1/dashboard/overview: what
// settled today (by currency, corridor and FX quote), liquidity now, the RTGS
// queue, LSM runs, settlement windows with their net positions, financing drawn,
// rejections and open compliance cases.

import { h } from '../lib/dom.js';
import { fmtAmount } from '../lib/money.js';
import { timeEl } from '../lib/time.js';
import { stateBadge, table, uetrLink } from '../lib/ui.js';

/** @typedef {import('../lib/types.js').Overview} Overview */
/** @typedef {import('../lib/types.js').Role} Role */

/**
 * The USD-equivalent column (the server's exact figure: the business date's reference rate, rounded down to the cent); the rows come sorted by it.
 * @param {Overview} o
 * @returns {{ label: string, num: boolean, cell: (r: { usd_cents: string | null }) => string }}
 */
function usdColumn(o) {
  return {
    label: `USD equivalent${o.day ? ` (rates of ${o.day.date})` : ''}`,
    num: true,
    cell: (r) => (r.usd_cents === null ? 'no rate' : fmtAmount(r.usd_cents, 'USD')),
  };
}

/** @param {Overview} o */
export function settledTables(o) {
  return {
    'settled-currency': table(
      [
        { label: 'Currency', cell: (r) => r.currency },
        { label: 'Payments', num: true, cell: (r) => String(r.count) },
        { label: 'Value', num: true, cell: (r) => fmtAmount(r.value_minor, r.currency) },
        usdColumn(o),
      ],
      o.settled_by_currency,
      { empty: 'Nothing settled today yet.', label: 'Settled by currency' },
    ),
    'settled-corridor': table(
      [
        { label: 'Corridor', cell: (r) => `${r.from} → ${r.to}` },
        { label: 'Currency', cell: (r) => r.currency },
        { label: 'Payments', num: true, cell: (r) => String(r.count) },
        { label: 'Value', num: true, cell: (r) => fmtAmount(r.value_minor, r.currency) },
        usdColumn(o),
      ],
      o.settled_by_corridor,
      { empty: 'Nothing settled today yet.', label: 'Settled by corridor' },
    ),
    quotes: table(
      [
        { label: 'Provider', cell: (r) => r.provider },
        { label: 'Pair', cell: (r) => `${r.from} → ${r.to}` },
        { label: 'Conversions', num: true, cell: (r) => String(r.count) },
        { label: 'Value', num: true, cell: (r) => fmtAmount(r.value_minor, r.from) },
      ],
      o.fx_quotes,
      { empty: 'No PvP conversion settled today.', label: 'FX quote activity' },
    ),
  };
}

/** @param {Overview} o */
export function liquidityTable(o) {
  return table(
    [
      { label: 'Participant', cell: (r) => h('span', { title: r.name }, r.participant) },
      { label: 'Available', num: true, cell: (r) => fmtAmount(r.available_minor, r.currency) },
      { label: 'Reserved', num: true, cell: (r) => fmtAmount(r.pending_minor, r.currency) },
      {
        label: 'Credit drawn / line',
        num: true,
        cell: (r) =>
          BigInt(r.credit_line_minor) > 0n ? `${fmtAmount(r.credit_outstanding_minor, r.currency)} / ${fmtAmount(r.credit_line_minor, r.currency)}` : '—',
      },
    ],
    o.liquidity,
    { empty: 'No participant accounts.', label: 'Liquidity now', id: 'liquidity-table' },
  );
}

/** @param {Overview} o */
export function queueParts(o) {
  return {
    'queue-kpis':
      o.queue.by_currency.length === 0
        ? h('p', { class: 'empty', id: 'queue-empty' }, 'The queue is empty.')
        : h(
            'div',
            { class: 'kpis' },
            o.queue.by_currency.map((q) =>
              h('div', { class: 'kpi' }, h('b', null, fmtAmount(q.value_minor, q.currency)), h('span', null, `${q.count} queued in ${q.currency}`)),
            ),
          ),
    'queue-oldest': table(
      [
        { label: 'Queued since', cell: (r) => timeEl(r.queued_at_ns) },
        { label: 'UETR', cell: (r) => uetrLink(r.uetr) },
        { label: 'Payer → payee', cell: (r) => `${r.payer} → ${r.payee}` },
        { label: 'Priority', cell: (r) => r.priority },
        { label: 'Amount', num: true, cell: (r) => fmtAmount(r.amount_minor, r.currency) },
      ],
      o.queue.oldest,
      { empty: 'No payment waits for liquidity.', id: 'queue-oldest', label: 'Oldest queued payments', rowAttrs: (r) => ({ 'data-uetr': r.uetr }) },
    ),
    lsm: table(
      [
        { label: 'Run at', cell: (r) => timeEl(r.at_ns) },
        { label: 'Currency', cell: (r) => r.currency },
        { label: 'Considered', num: true, cell: (r) => String(r.queued) },
        { label: 'Released', num: true, cell: (r) => String(r.released) },
        { label: 'Value released', num: true, cell: (r) => fmtAmount(r.value_minor, r.currency) },
      ],
      o.lsm_runs,
      { empty: 'No LSM run yet.', label: 'LSM runs' },
    ),
  };
}

/** @param {Overview} o */
export function windowsList(o) {
  if (o.windows.length === 0) return h('p', { class: 'empty' }, 'No settlement window yet.');
  return h(
    'div',
    { class: 'scroll-y', tabindex: '0', role: 'region', 'aria-label': 'Settlement windows' },
    o.windows.map((w) =>
      h(
        'div',
        { class: 'window' },
        h(
          'p',
          null,
          h('b', null, `Window ${w.id} · ${w.currency} `),
          stateBadge(w.state),
          ` · ${w.payments} payments · opened `,
          timeEl(w.opened_at_ns),
          w.closed_at_ns ? [' · closed ', timeEl(w.closed_at_ns)] : null,
          w.defaulters.length ? ` · defaulters: ${w.defaulters.join(', ')}` : null,
        ),
        table(
          [
            { label: 'Participant', cell: (r) => r.participant },
            { label: 'Net position', num: true, cell: (r) => fmtAmount(r.net_minor, w.currency) },
          ],
          w.net_positions,
          { empty: w.state === 'open' ? 'Net positions are computed at settlement.' : 'No positions.', label: `Net positions of window ${w.id}` },
        ),
      ),
    ),
  );
}

/** @param {Overview} o */
export function financing(o) {
  const drawn = o.facilities.filter((f) => BigInt(f.outstanding_minor) > 0n || BigInt(f.line_minor) > 0n);
  const swapsDrawn = o.swap_lines.filter((l) => BigInt(l.drawn_minor) > 0n);
  return h(
    'div',
    null,
    h('h3', { class: 'sr-only' }, 'Intraday credit'),
    table(
      [
        { label: 'Participant', cell: (r) => r.participant },
        { label: 'Drawn', num: true, cell: (r) => fmtAmount(r.outstanding_minor, r.currency) },
        { label: 'Line', num: true, cell: (r) => fmtAmount(r.line_minor, r.currency) },
        { label: 'Draws', num: true, cell: (r) => String(r.drawdowns) },
      ],
      drawn,
      { empty: 'No intraday credit line.', label: 'Intraday credit' },
    ),
    swapsDrawn.length > 0
      ? h('p', null, `Swap lines drawn: ${swapsDrawn.map((l) => `${l.id} ${fmtAmount(l.drawn_minor, l.provider_currency)}`).join('; ')}`)
      : null,
  );
}

/** @param {Overview} o */
export function rejectionsTable(o) {
  return table(
    [
      { label: 'Reason', cell: (r) => h('span', { class: 'mono' }, r.reason) },
      { label: 'Payments', num: true, cell: (r) => String(r.count) },
    ],
    o.rejections_by_reason,
    { empty: 'No rejection today.', label: 'Rejections by reason' },
  );
}

/** Open cases; a link to the compliance page for the roles that have it. @param {Overview} o @param {Role} role */
export function casesTable(o, role) {
  const linked = role === 'compliance' || role === 'operator' || role === 'auditor';
  return table(
    [
      { label: 'Case', cell: (r) => (linked ? h('a', { href: '#/compliance' }, `#${r.id}`) : `#${r.id}`) },
      { label: 'Opened', cell: (r) => timeEl(r.opened_at_ns) },
      { label: 'Payment', cell: (r) => uetrLink(r.uetr) },
      { label: 'Amount', num: true, cell: (r) => fmtAmount(r.amount_minor, r.currency) },
      { label: 'Score', num: true, cell: (r) => Number(r.score).toFixed(2) },
      { label: 'Status', cell: (r) => stateBadge(r.status) },
    ],
    o.cases.list,
    { empty: 'No open case.', label: 'Open compliance cases' },
  );
}
