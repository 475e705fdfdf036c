// @ts-check
// Times: the API sends nanoseconds since the epoch (UTC) as integer strings; they
// are shown in the browser's time zone, with UTC in the title attribute.

import { h } from './dom.js';

/** @param {string | bigint} ns */
function nsDate(ns) {
  return new Date(Number(BigInt(ns) / 1_000_000n));
}

/** @param {Date} d */
function utcText(d) {
  return `${d.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/**
 * A <time> in the user's zone, UTC on hover.
 * @param {string | null | undefined} ns
 * @param {{ timeOnly?: boolean }} [opts]
 */
export function timeEl(ns, opts = {}) {
  if (ns === null || ns === undefined) return '—';
  const d = nsDate(ns);
  const text = opts.timeOnly ? d.toLocaleTimeString() : d.toLocaleString();
  return h('time', { datetime: d.toISOString(), title: utcText(d) }, text);
}

/** The local calendar date (YYYY-MM-DD) of an instant. @param {string} ns */
export function localDate(ns) {
  const d = nsDate(ns);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
