// @ts-check
// The overview's two charts, drawn from GET /v1/dashboard/history: liquidity
// available per participant in a chosen currency, and the RTGS queue (depth of
// all currencies, or depth and value of one). A chart is rebuilt only when its
// series change; otherwise new samples are set on it.

import { h, replace } from '../lib/dom.js';
import { major } from '../lib/money.js';
import { lineChart } from '../lib/chart.js';

/** @typedef {import('../lib/types.js').History} History */
/** @typedef {import('../lib/chart.js').Chart} Chart */
/** @typedef {import('../lib/chart.js').ChartData} ChartData */
/** @typedef {import('../lib/chart.js').SeriesSpec} SeriesSpec */

/**
 * A select's options, keeping the chosen value when it is still offered.
 * @param {HTMLSelectElement} select
 * @param {string[]} values
 * @param {(v: string) => string} [label]
 */
function options(select, values, label) {
  const cur = select.value;
  replace(
    select,
    values.map((v) => h('option', { value: v }, label ? label(v) : v)),
  );
  if (values.includes(cur)) select.value = cur;
}

/** One chart slot: rebuilt when its signature (its series) changes. @param {HTMLElement} container */
function chartSlot(container) {
  /** @type {Chart | null} */
  let chart = null;
  let sig = '';
  return {
    /** @param {string} nextSig @param {SeriesSpec[]} series @param {{ data: ChartData, yLabel?: string, y2Label?: string, height?: number }} opts */
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
      replace(container, h('p', { class: 'empty' }, text));
    },
    destroy() {
      chart?.destroy();
    },
  };
}

/**
 * @param {{ liqSelect: HTMLSelectElement, queueSelect: HTMLSelectElement, liqChart: HTMLElement, queueChart: HTMLElement }} parts
 */
export function overviewCharts(parts) {
  const liq = chartSlot(parts.liqChart);
  const queue = chartSlot(parts.queueChart);

  /** @param {History} history @param {number[]} xs */
  function drawLiquidity(history, xs) {
    const liqCurrencies = [...new Set(Object.keys(history.liquidity).map((k) => k.split(':')[1] ?? ''))].sort();
    options(parts.liqSelect, liqCurrencies);
    const lc = parts.liqSelect.value;
    const liqKeys = Object.keys(history.liquidity)
      .filter((k) => k.endsWith(`:${lc}`))
      .slice(0, 10);
    /** @type {ChartData} */
    const liqData = [xs, ...liqKeys.map((k) => (history.liquidity[k] ?? []).map((v) => major(v, lc)))];
    if (liqKeys.length === 0) liq.empty('No liquidity samples yet.');
    else
      liq.draw(
        `${lc}|${liqKeys.join(',')}`,
        liqKeys.map((k) => ({ label: k.split(':')[0] ?? k })),
        { data: liqData, yLabel: `available (${lc})` },
      );
  }

  /** @param {History} history @param {number[]} xs */
  function drawQueue(history, xs) {
    const qCurrencies = Object.keys(history.queue).sort();
    options(parts.queueSelect, ['all', ...qCurrencies], (v) => (v === 'all' ? 'All (depth)' : v));
    const qc = parts.queueSelect.value || 'all';
    const one = history.queue[qc];
    /** @type {ChartData} */
    let qData;
    /** @type {SeriesSpec[]} */
    let qSeries;
    if (qc === 'all' || one === undefined) {
      qSeries = [{ label: 'queued payments' }];
      qData = [xs, xs.map((_, i) => Object.values(history.queue).reduce((s, q) => s + (q.depth[i] ?? 0), 0))];
    } else {
      qSeries = [{ label: 'queued payments' }, { label: `value (${qc})`, scale: 'y2' }];
      qData = [xs, one.depth, one.value_minor.map((v) => major(v, qc))];
    }
    queue.draw(qc, qSeries, { data: qData, yLabel: 'payments', y2Label: qc === 'all' ? undefined : `value (${qc})`, height: 200 });
  }

  return {
    /** @param {History} history */
    render(history) {
      const xs = history.times.map((t) => t / 1000);
      drawLiquidity(history, xs);
      drawQueue(history, xs);
    },
    destroy() {
      liq.destroy();
      queue.destroy();
    },
  };
}
