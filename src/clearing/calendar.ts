// Operating calendars per currency: the calendar type (IANA time zone, operating
// windows and the payment cut-off in home time, weekend days, holidays,
// half-days, what a value date on a closed day does), its validator with
// field-level errors, and the computations on it — open days, a day's session
// in UTC, whether a currency accepts payments at an instant, its business date,
// and the overlap of two currencies' sessions. Pure: the zone's UTC offsets come
// in as a table (./time_zone.ts resolves them before anything is journaled), so
// the same inputs give the same answers on any runtime.
//
// Times of day are minutes after local midnight; a window is [from, to) within
// one local date (a window past midnight is not modelled: split it). The cut-off
// HH:MM means the end of that minute, as the business day's UTC cut-offs do.

import type { ZoneOffsets } from './time_zone.js';

export interface OperatingWindow {
  from: string;
  to: string;
}

export interface Holiday {
  date: string;
  name: string;
}

/** A day that closes early: a date, or every week on an ISO weekday (1 Monday .. 7 Sunday). */
export interface HalfDay {
  date?: string;
  weekday?: number;
  close: string;
  name?: string;
}

export type ClosedValueDateRule = 'refuse' | 'following';

export interface CurrencyCalendar {
  currency: string;
  time_zone: string;
  /** Operating windows in home time, in order, not overlapping. */
  hours: OperatingWindow[];
  /** Last minute (home time) payments are accepted for settlement that day. */
  cutoff: string;
  /** ISO weekdays the home system is closed (1 Monday .. 7 Sunday). */
  weekend: number[];
  holidays: Holiday[];
  half_days: HalfDay[];
  /** The last date the holiday list covers: later dates are open unless a weekend. */
  holidays_through: string;
  /** The first date the holiday list covers (absent: every date up to holidays_through, as calendars journaled before it had). */
  holidays_from?: string;
  /** A value date on a closed day: refused (DT01) or rolled to the following open day. */
  closed_value_date: ClosedValueDateRule;
  /** Where the holiday list comes from (library and version, or the statute). */
  source: string;
  /** When the currency closes, every settlement account's balance beyond its intraday credit is swept home (defunded to the mirror account). */
  zero_balance_at_close?: boolean;
}

/**
 * The home time zone of each member currency (its central bank's capital): where
 * its day is shown and, without a calendar, the zone its UTC cut-off is read in.
 * A calendar's own `time_zone` wins; these agree with calendars/*.json.
 */
export const HOME_TIME_ZONES: Readonly<Record<string, string>> = Object.freeze({
  BYN: 'Europe/Minsk',
  CNY: 'Asia/Shanghai',
  INR: 'Asia/Kolkata',
  IRR: 'Asia/Tehran',
  KGS: 'Asia/Bishkek',
  KZT: 'Asia/Almaty',
  PKR: 'Asia/Karachi',
  RUB: 'Europe/Moscow',
  TJS: 'Asia/Dushanbe',
  UZS: 'Asia/Tashkent',
});

export const CALENDAR_LIMITS = Object.freeze({
  windows_max: 8,
  holidays_max: 800,
  half_days_max: 100,
  name_max: 140,
  source_max: 1_000,
  /** Days searched for the next open day before the calendar is called closed for good. */
  lookahead_days_max: 400,
  /** Days one `calendar show` lists. */
  show_days_max: 400,
});

export type CalendarErrorCode = 'invalid_field' | 'unknown_currency' | 'unknown_time_zone' | 'invalid_window' | 'overlapping_windows' | 'invalid_holiday';

/** A calendar refused: a stable code, the field (a path into the calendar) and the reason. */
export class CalendarError extends Error {
  readonly code: CalendarErrorCode;
  readonly field: string;
  constructor(code: CalendarErrorCode, field: string, message: string) {
    super(message);
    this.code = code;
    this.field = field;
    this.name = 'CalendarError';
  }
}

const MS_PER_DAY = 86_400_000;
const NS_PER_MS = 1_000_000n;
const NS_PER_MIN = 60_000_000_000n;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Days since 1970-01-01 of a YYYY-MM-DD date; null when it is not a calendar date. */
export function epochDay(date: string): number | null {
  const m = DATE.exec(date);
  if (m === null) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return null;
  return ms / MS_PER_DAY;
}

export function dateOfEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfEpochDay(epochDay(date)! + days);
}

/** ISO weekday of a date: 1 Monday .. 7 Sunday. */
export function isoWeekday(date: string): number {
  const wd = new Date(epochDay(date)! * MS_PER_DAY).getUTCDay();
  return wd === 0 ? 7 : wd;
}

/** Minutes after midnight of HH:MM; `end` allows 24:00 (the end of the day). */
export function minutesOf(hhmm: string, end = false): number | null {
  if (end && hhmm === '24:00') return 1440;
  const m = HHMM.exec(hhmm);
  return m === null ? null : Number(m[1]) * 60 + Number(m[2]);
}

// ---- time zones by table ---------------------------------------------------------------------

/** The zone's offset in minutes at `utc_ms` (local = UTC + offset). */
export function offsetAt(z: ZoneOffsets, utc_ms: number): number {
  let off = z.initial_min;
  for (const [at, o] of z.changes) {
    if (at > utc_ms) break;
    off = o;
  }
  return off;
}

/** The UTC instant (ms) of local `date` + `minutes` in zone `z`; a local time skipped by a change reads with the offset before it. */
export function localToUtcMs(z: ZoneOffsets, date: string, minutes: number): number {
  const local = epochDay(date)! * MS_PER_DAY + minutes * 60_000;
  const first = local - offsetAt(z, local) * 60_000;
  return local - offsetAt(z, first) * 60_000;
}

/** The local date and minute of day at `utc_ms`. */
export function localAt(z: ZoneOffsets, utc_ms: number): { date: string; minutes: number } {
  const local = utc_ms + offsetAt(z, utc_ms) * 60_000;
  const day = Math.floor(local / MS_PER_DAY);
  return { date: dateOfEpochDay(day), minutes: Math.floor((local - day * MS_PER_DAY) / 60_000) };
}

// ---- open days and sessions ------------------------------------------------------------------

/** Why `date` is closed for the calendar's currency ('weekend' or the holiday's name), or null: it is open. */
export function closedReason(cal: CurrencyCalendar, date: string): string | null {
  if (cal.weekend.includes(isoWeekday(date))) return 'weekend';
  for (const h of cal.holidays) if (h.date === date) return h.name;
  return null;
}

export function isOpenDay(cal: CurrencyCalendar, date: string): boolean {
  return closedReason(cal, date) === null;
}

/** The first open day on or after `date` (`after`: strictly after); throws when none within the lookahead. */
export function nextOpenDay(cal: CurrencyCalendar, date: string, after = false): string {
  let d = after ? addDays(date, 1) : date;
  for (let i = 0; i < CALENDAR_LIMITS.lookahead_days_max; i++, d = addDays(d, 1)) if (isOpenDay(cal, d)) return d;
  throw new CalendarError('invalid_holiday', 'holidays', `${cal.currency} has no open day within ${CALENDAR_LIMITS.lookahead_days_max} days of ${date}`);
}

/** Open days of the calendar after `from` up to and including `to`; capped at max + 1. */
export function openDaysAfter(cal: CurrencyCalendar, from: string, to: string, max: number): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to && n <= max; d = addDays(d, 1)) if (isOpenDay(cal, d)) n++;
  return n;
}

/** The half-day rule of `date` (a dated one wins over a weekly one), or undefined. */
function halfDayOf(cal: CurrencyCalendar, date: string): HalfDay | undefined {
  return cal.half_days.find((h) => h.date === date) ?? cal.half_days.find((h) => h.weekday === isoWeekday(date));
}

/** A day's session: its windows and cut-off, ns since the epoch (UTC). */
export interface Session {
  currency: string;
  date: string;
  windows: Array<[bigint, bigint]>;
  /** The end of the cut-off minute: payments up to then are accepted. */
  cutoff_ns: bigint;
  half_day: boolean;
}

/** The session of an open `date` in minutes of home time (half-days cut short), or null: closed. */
export function localHours(cal: CurrencyCalendar, date: string): { windows: Array<[number, number]>; cutoff: number; half_day: boolean } | null {
  if (!isOpenDay(cal, date)) return null;
  const half = halfDayOf(cal, date);
  const close = half === undefined ? 1440 : minutesOf(half.close)!;
  const windows: Array<[number, number]> = [];
  for (const w of cal.hours) {
    const from = minutesOf(w.from)!;
    const to = Math.min(minutesOf(w.to, true)!, close);
    if (from < to) windows.push([from, to]);
  }
  // The cut-off minute ends within the day: on a half-day, the minute before the close at the latest.
  const cutoff = Math.min(minutesOf(cal.cutoff)!, close - 1);
  return { windows, cutoff, half_day: half !== undefined };
}

export function sessionOn(cal: CurrencyCalendar, z: ZoneOffsets, date: string): Session | null {
  const h = localHours(cal, date);
  if (h === null) return null;
  const ns = (min: number): bigint => BigInt(localToUtcMs(z, date, min)) * NS_PER_MS;
  return {
    currency: cal.currency,
    date,
    windows: h.windows.map(([a, b]) => [ns(a), ns(b)]),
    cutoff_ns: ns(h.cutoff) + NS_PER_MIN - 1n,
    half_day: h.half_day,
  };
}

/** Whether payments in the session's currency settle at `now_ns`: inside a window and not past the cut-off. */
export function accepting(session: Session | null, now_ns: bigint): boolean {
  if (session === null || now_ns > session.cutoff_ns) return false;
  return session.windows.some(([a, b]) => now_ns >= a && now_ns < b);
}

export interface CalendarStatus {
  currency: string;
  /** The business date payments belong to now: today's when open and before its cut-off, else the next open day. */
  business_date: string;
  accepting: boolean;
  session: Session | null;
}

/** The currency's state at `now_ns`. */
export function statusAt(cal: CurrencyCalendar, z: ZoneOffsets, now_ns: bigint): CalendarStatus {
  const local = localAt(z, Number(now_ns / NS_PER_MS));
  const today = sessionOn(cal, z, local.date);
  if (today !== null && now_ns <= today.cutoff_ns)
    return { currency: cal.currency, business_date: local.date, accepting: accepting(today, now_ns), session: today };
  const next = nextOpenDay(cal, local.date, true);
  return { currency: cal.currency, business_date: next, accepting: false, session: sessionOn(cal, z, next) };
}

/** Where two sessions both accept payments: the intersection of their windows, each ending at the earlier cut-off. */
export function overlap(a: Session | null, b: Session | null): Array<[bigint, bigint]> {
  if (a === null || b === null) return [];
  const end = a.cutoff_ns < b.cutoff_ns ? a.cutoff_ns + 1n : b.cutoff_ns + 1n;
  const out: Array<[bigint, bigint]> = [];
  for (const [a0, a1] of a.windows) {
    for (const [b0, b1] of b.windows) {
      const from = a0 > b0 ? a0 : b0;
      let to = a1 < b1 ? a1 : b1;
      if (to > end) to = end;
      if (from < to) out.push([from, to]);
    }
  }
  return out.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

/** Sessions of a calendar that touch the UTC date `utc_date` (a zone ahead of UTC can have two). */
export function sessionsTouching(cal: CurrencyCalendar, z: ZoneOffsets, utc_date: string): Session[] {
  const start = BigInt(epochDay(utc_date)! * MS_PER_DAY) * NS_PER_MS;
  const end = start + BigInt(MS_PER_DAY) * NS_PER_MS;
  const out: Session[] = [];
  for (const d of [addDays(utc_date, -1), utc_date, addDays(utc_date, 1)]) {
    const s = sessionOn(cal, z, d);
    if (s?.windows.some(([a, b]) => a < end && b > start)) out.push(s);
  }
  return out;
}

/** The UTC windows on `utc_date` in which both currencies accept payments (PvP settles only then). */
export function overlapOnUtcDate(a: [CurrencyCalendar, ZoneOffsets], b: [CurrencyCalendar, ZoneOffsets], utc_date: string): Array<[bigint, bigint]> {
  const out: Array<[bigint, bigint]> = [];
  for (const sa of sessionsTouching(a[0], a[1], utc_date)) for (const sb of sessionsTouching(b[0], b[1], utc_date)) out.push(...overlap(sa, sb));
  return out.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}
