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

/** HH:MM of an instant in an IANA zone (24-hour). @param {string | number | bigint} nsOrMs ns as text/bigint, or ms as a number @param {string} zone */
export function zoneClock(nsOrMs, zone) {
  const ms = typeof nsOrMs === 'number' ? nsOrMs : Number(BigInt(nsOrMs) / 1_000_000n);
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

/**
 * A <time> of an instant in a currency's home zone, with UTC beside it: "14:30 Asia/Shanghai (06:30 UTC)".
 * @param {string} ns
 * @param {string} zone
 */
export function zoneTimeEl(ns, zone) {
  const d = nsDate(ns);
  return h('time', { datetime: d.toISOString(), title: utcText(d) }, `${zoneClock(ns, zone)} ${zone} (${zoneClock(ns, 'UTC')} UTC)`);
}
