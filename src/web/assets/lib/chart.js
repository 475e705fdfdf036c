// @ts-check
// Line charts over uPlot (loaded by index.html as a classic script, the global
// `uPlot`): stepped series over time that follow their container's width. Values
// drawn are floats of major units; figures shown as text never come from here.

import { h, replace } from './dom.js';

const PALETTE = ['#0b5cad', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#1e3a8a'];

/** @typedef {(number | null)[][]} ChartData x (seconds) then one column per series */
/** @typedef {{ label: string, scale?: string }} SeriesSpec */
/** @typedef {{ update(data: ChartData): void, destroy(): void }} Chart */
/**
 * @typedef {object} ChartOptions
 * @property {ChartData} data
 * @property {string} [yLabel]
 * @property {string} [y2Label]
 * @property {number} [height]
 * @property {string} [xZone] an IANA zone: time ticks read "HH:MM" in it over "HH:MM UTC"
 * @property {[number, number]} [xSpan] the x range in seconds (a business day), else the data's
 */

/**
 * A uPlot line chart that follows its container's width; update(data) keeps it.
 * @param {HTMLElement} container
 * @param {SeriesSpec[]} series
 * @param {ChartOptions} opts
 * @returns {Chart}
 */
export function lineChart(container, series, opts) {
  if (typeof uPlot !== 'function') {
    replace(container, h('p', { class: 'error' }, 'Charts are unavailable (uPlot did not load).'));
    return { update() {}, destroy() {} };
  }
  const width = () => Math.max(260, container.clientWidth || 600);
  const height = opts.height ?? 220;
  const plot = new uPlot(
    {
      width: width(),
      height,
      ...axesAndScales(opts),
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'time' },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length],
          width: 2,
          scale: s.scale ?? 'y',
          spanGaps: true,
          paths: uPlot.paths?.stepped?.({ align: 1 }),
          points: { show: true, size: 4 },
        })),
      ],
    },
    toAligned(opts.data),
    container,
  );
  const ro = new ResizeObserver(() => plot.setSize({ width: width(), height }));
  ro.observe(container);
  return {
    update(data) {
      plot.setData(toAligned(data));
    },
    destroy() {
      ro.disconnect();
      plot.destroy();
    },
  };
}

/** Time ticks in a zone over UTC. @param {string} zone @returns {uPlot.Axis.Values} */
function zoneTicks(zone) {
  const fmt = (/** @type {string} */ tz) => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const home = fmt(zone);
  const utc = fmt('UTC');
  return (_u, vals) => vals.map((v) => (v === null ? '' : `${home.format(new Date(v * 1000))}\n${utc.format(new Date(v * 1000))} UTC`));
}

/** @param {ChartOptions} opts @returns {{ axes: uPlot.Axis[], scales: uPlot.Scales }} */
function axesAndScales(opts) {
  const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 2 });
  /** @type {uPlot.Axis.Values} */
  const ticks = (_u, vals) => vals.map((v) => (v === null ? '' : compact.format(v)));
  /** @type {uPlot.Axis[]} */
  const axes = [opts.xZone ? { values: zoneTicks(opts.xZone), size: 56 } : {}, { label: opts.yLabel ?? '', size: 64, values: ticks }];
  // A day that has just begun has samples seconds apart: show at least ten minutes around them.
  // The x range always follows the data (no zoom): uPlot widens a single instant to 1,000 days.
  /** @type {uPlot.Range.Function} */
  const xRange = (u) => {
    if (opts.xSpan) return opts.xSpan;
    const xs = u.data[0];
    if (!xs || xs.length === 0) return [0, 1];
    const lo = xs[0] ?? 0;
    const hi = xs[xs.length - 1] ?? 0;
    return hi - lo < 600 ? [lo - 300, hi + 300] : [lo, hi];
  };
  /** @type {uPlot.Scales} */
  const scales = { x: { time: true, range: xRange } };
  if (opts.y2Label) {
    axes.push({ side: 1, scale: 'y2', label: opts.y2Label, size: 64, values: ticks, grid: { show: false } });
    scales.y2 = {};
  }
  return { axes, scales };
}

/** uPlot's own type for columns (x never null). @param {ChartData} data @returns {uPlot.AlignedData} */
function toAligned(data) {
  return /** @type {uPlot.AlignedData} */ (data);
}
