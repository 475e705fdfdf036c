// @ts-check
// The overview's two charts over one currency's business day, drawn from
// GET /v1/dashboard/history?currency=CCY — the store's history, so a reload or a
// server restart draws the same day: settlement-account balances per
// participant, and the RTGS queue (depth and value) with what settled. Time
// ticks read in the currency's home zone over UTC; a caption gives the day's span
// in both, and a table under it holds every charted point (home time, UTC).
// A chart is rebuilt only when its series change; otherwise it is given new data.

import { h, replace } from '../lib/dom.js';
import { fmtAmount, major } from '../lib/money.js';
import { lineChart } from '../lib/chart.js';
import { zoneClock } from '../lib/time.js';
import { table } from '../lib/ui.js';

/** @typedef {import('../lib/types.js').History} History */
/** @typedef {import('../lib/chart.js').Chart} Chart */
/** @typedef {import('../lib/chart.js').ChartData} ChartData */
/** @typedef {import('../lib/chart.js').ChartOptions} ChartOptions */
/** @typedef {import('../lib/chart.js').SeriesSpec} SeriesSpec */

/** Points listed in the table under the charts (the latest). */
const TABLE_POINTS = 200;

/**
 * A select's options, keeping the chosen value when it is still offered.
 * @param {HTMLSelectElement} select
 * @param {string[]} values
 */
function options(select, values) {
  const cur = select.value;
  replace(
    select,
    values.map((v) => h('option', { value: v }, v)),
  );
  if (values.includes(cur)) select.value = cur;
}

/** One chart slot: rebuilt when its signature (its series, zone and span) changes. @param {HTMLElement} container */
function chartSlot(container) {
  /** @type {Chart | null} */
  let chart = null;
  let sig = '';
  return {
    /** @param {string} nextSig @param {SeriesSpec[]} series @param {ChartOptions} opts */
    draw(nextSig, series, opts) {
      if (sig !== nextSig || !chart) {
        chart?.destroy();
        replace(container);
        chart = lineChart(container, series, opts);
        sig = nextSig;
      } else chart.update(opts.data);
    },
    /** @param {string} text */
    empty(text) {
      chart?.destroy();
      chart = null;
      sig = '';
      replace(container, h('p', { class: 'empty' }, text));
    },
    destroy() {
      chart?.destroy();
    },
  };
}

/** "HH:MM zone (HH:MM UTC)" of an instant in ms. @param {number} ms @param {string} zone */
function both(ms, zone) {
  return `${zoneClock(ms, zone)} ${zone} (${zoneClock(ms, 'UTC')} UTC)`;
}

/** The day's span in home time and UTC, and where the figures come from. @param {History} hst */
function caption(hst) {
  const zone = hst.time_zone ?? 'UTC';
  if (hst.from_ns === null || hst.business_date === null) return `${hst.currency ?? ''}: no business day yet.`;
  const from = Number(BigInt(hst.from_ns) / 1_000_000n);
  const to = hst.to_ns === null ? null : Number(BigInt(hst.to_ns) / 1_000_000n);
  const kind = hst.on_calendar ? 'session on its calendar' : 'platform business day';
  return `${hst.currency} business day ${hst.business_date} (${kind}): from ${both(from, zone)} to ${to === null ? 'now (open)' : both(to, zone)} · ${hst.times.length} points from the store`;
}

/** Every charted point, latest first: home time, UTC, queue and settled figures. @param {History} hst */
function pointsTable(hst) {
  const zone = hst.time_zone ?? 'UTC';
  const c = hst.currency ?? '';
  const idx = hst.times
    .map((_, i) => i)
    .reverse()
    .slice(0, TABLE_POINTS);
  return table(
    [
      { label: `Time (${zone})`, cell: (i) => zoneClock(hst.times[i] ?? 0, zone) },
      { label: 'Time (UTC)', cell: (i) => zoneClock(hst.times[i] ?? 0, 'UTC') },
      { label: 'Queued', num: true, cell: (i) => String(hst.queue.depth[i] ?? 0) },
      { label: 'Queued value', num: true, cell: (i) => fmtAmount(hst.queue.value_minor[i], c) },
      { label: 'Settled', num: true, cell: (i) => String(hst.settled.count[i] ?? 0) },
      { label: 'Settled value', num: true, cell: (i) => fmtAmount(hst.settled.value_minor[i], c) },
    ],
    idx,
    { empty: 'No point yet.', id: 'history-points', label: 'Charted points' },
  );
}

/**
 * @param {{ currencySelect: HTMLSelectElement, caption: HTMLElement, points: HTMLElement, liqChart: HTMLElement, queueChart: HTMLElement }} parts
 */
export function overviewCharts(parts) {
  const liq = chartSlot(parts.liqChart);
  const queue = chartSlot(parts.queueChart);

  /** @param {History} hst @param {number[]} xs @param {ChartOptions['xSpan']} xSpan */
  function drawBalances(hst, xs, xSpan) {
    const c = hst.currency ?? '';
    const keys = Object.keys(hst.balances).sort().slice(0, 10);
    if (keys.length === 0 || xs.length === 0) return liq.empty('No settlement account in this currency yet.');
    /** @type {ChartData} */
    const data = [xs, ...keys.map((k) => (hst.balances[k] ?? []).map((v) => major(v, c)))];
    liq.draw(
      `${c}|${hst.time_zone}|${xSpan}|${keys.join(',')}`,
      keys.map((k) => ({ label: k })),
      { data, yLabel: `balance (${c})`, xZone: hst.time_zone ?? 'UTC', xSpan },
    );
  }

  /** @param {History} hst @param {number[]} xs @param {ChartOptions['xSpan']} xSpan */
  function drawQueue(hst, xs, xSpan) {
    const c = hst.currency ?? '';
    if (xs.length === 0) return queue.empty('Nothing to draw yet.');
    /** @type {SeriesSpec[]} */
    const series = [{ label: 'queued payments' }, { label: 'settled payments' }, { label: `queued value (${c})`, scale: 'y2' }];
    /** @type {ChartData} */
    const data = [xs, hst.queue.depth, hst.settled.count, hst.queue.value_minor.map((v) => major(v, c))];
    queue.draw(`${c}|${hst.time_zone}|${xSpan}`, series, {
      data,
      yLabel: 'payments',
      y2Label: `value (${c})`,
      height: 220,
      xZone: hst.time_zone ?? 'UTC',
      xSpan,
    });
  }

  return {
    /** The currency asked for (the select's), or none yet. */
    currency() {
      return parts.currencySelect.value || null;
    },
    /** @param {History} hst */
    render(hst) {
      options(parts.currencySelect, hst.currencies);
      if (hst.currency) parts.currencySelect.value = hst.currency;
      replace(parts.caption, caption(hst));
      replace(parts.points, pointsTable(hst));
      const xs = hst.times.map((t) => t / 1000);
      /** @type {ChartOptions['xSpan']} */
      const xSpan = hst.from_ns === null ? undefined : [Number(BigInt(hst.from_ns) / 1_000_000_000n), Number(BigInt(hst.to_ns ?? hst.now_ns) / 1_000_000_000n)];
      drawBalances(hst, xs, xSpan);
      drawQueue(hst, xs, xSpan);
    },
    destroy() {
      liq.destroy();
      queue.destroy();
    },
  };
}
