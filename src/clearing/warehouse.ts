// The warehouse (rules version 3): a payment that cannot settle on the current
// business day — it arrived after its currency's cut-off, it was still queued at
// the close, or its value date is a later business day — waits here for the
// business day of its value date instead of being rejected. This module owns the
// business-day calendar (one function, `isBusinessDay`, for a later per-currency
// calendar to replace), the sender's reject-if-not-settled time (`settle_by`),
// and the decision what happens to a payment that is ready to settle. Pure: the
// day, the time and the payment are inputs.

import { cutoffOf } from './business_day.js';
import { REASON } from './reasons.js';
import type { BusinessDay } from './types.js';

export const WAREHOUSE_LIMITS = Object.freeze({
  /** A value date at most this many business days after the current one is warehoused; later is DT01. */
  value_date_business_days_max: 10,
  /** settle_by at most this many calendar days after the end of the value date. */
  settle_by_days_max: 10,
  /** Length of a settle_by text (ISO 8601 date-time with nanoseconds and an offset is 35). */
  settle_by_length_max: 35,
});

const NS_PER_DAY = 86_400_000_000_000n;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a YYYY-MM-DD date, in ns since the epoch; null when it is not a date. */
export function dayStartNs(date: string): bigint | null {
  const m = DATE.exec(date);
  if (m === null) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) return null;
  return BigInt(ms) * 1_000_000n;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Whether payments in `currency` settle on `date`. For now every Monday to Friday
 * (UTC) of every currency; per-currency calendars (holidays) replace this one
 * function.
 */
export function isBusinessDay(date: string, _currency: string): boolean {
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
}

/** The first business day of `currency` after `date`. */
export function nextBusinessDay(date: string, currency: string): string {
  let d = addDays(date, 1);
  while (!isBusinessDay(d, currency)) d = addDays(d, 1);
  return d;
}

/** How many business days of `currency` `to` is after `from` (0 when not after), counting `to`; capped at max + 1. */
export function businessDaysAfter(from: string, to: string, currency: string, max: number): number {
  let n = 0;
  for (let d = from; d < to && n <= max; ) {
    d = nextBusinessDay(d, currency);
    if (d <= to) n++;
    else break;
  }
  return n;
}

const SETTLE_BY = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?(Z|([+-])([01]\d|2[0-3]):([0-5]\d))$/;

/** A settle_by time (ISO 8601 date-time with Z or an offset, seconds and up to 9 decimals optional) in ns since the epoch; null when it does not read. */
export function parseSettleBy(text: string): bigint | null {
  if (text.length > WAREHOUSE_LIMITS.settle_by_length_max) return null;
  const m = SETTLE_BY.exec(text);
  if (m === null) return null;
  const midnight = dayStartNs(m[1]!);
  if (midnight === null) return null;
  const seconds = BigInt(Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? '0'));
  const fraction = BigInt((m[5] ?? '').padEnd(9, '0'));
  const offset = m[6] === 'Z' ? 0n : (m[7] === '-' ? -1n : 1n) * BigInt(Number(m[8]) * 3600 + Number(m[9]) * 60);
  return midnight + (seconds - offset) * 1_000_000_000n + fraction;
}

/** ns since the epoch as ISO 8601 UTC with nanoseconds trimmed to what is set. */
export function settleByText(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac === '' ? '' : `.${frac}`}Z`;
}

/** Why a settle_by does not fit the payment's value date, or null (it fits). */
export function settleByProblem(settle_by_ns: bigint, value_date: string, now_ns: bigint): string | null {
  if (settle_by_ns <= now_ns) return `${settleByText(settle_by_ns)} is in the past`;
  const start = dayStartNs(value_date);
  if (start === null) return null; // the value date's own check answers
  if (settle_by_ns < start) return `${settleByText(settle_by_ns)} is before the value date ${value_date}`;
  const bound = start + BigInt(WAREHOUSE_LIMITS.settle_by_days_max + 1) * NS_PER_DAY;
  if (settle_by_ns >= bound)
    return `${settleByText(settle_by_ns)} is more than ${WAREHOUSE_LIMITS.settle_by_days_max} days after the end of the value date ${value_date}`;
  return null;
}

/** The business date payments are checked against: the open day, else the last one (closed); null before the first. */
export function currentDate(day: BusinessDay | null): string | null {
  return day === null ? null : day.date;
}

/** Why a value date other than the current business date is not accepted into the warehouse, or null (it is). */
export function futureValueDateProblem(value_date: string, today: string, currency: string): string | null {
  if (dayStartNs(value_date) === null) return `${value_date} is not a date (YYYY-MM-DD)`;
  if (value_date < today) return `${value_date} is before the business day ${today}`;
  if (!isBusinessDay(value_date, currency)) return `${value_date} is not a business day of ${currency}`;
  const max = WAREHOUSE_LIMITS.value_date_business_days_max;
  if (businessDaysAfter(today, value_date, currency, max) > max) return `${value_date} is more than ${max} business days after ${today}`;
  return null;
}

/** What a payment ready to settle does now. */
export type Disposition =
  | { kind: 'settle' }
  | { kind: 'warehouse'; value_date: string; reason?: string; detail: string }
  | { kind: 'reject'; reason: string; detail: string };

export interface ReadyPayment {
  currency: string;
  value_date: string;
  settle_by_ns?: bigint;
}

/**
 * A payment that passed its checks (and screening) asks to settle at `now_ns`:
 * it settles when its value date is the open business day and its currency's
 * cut-off has not passed; otherwise it is warehoused to its value date when that
 * is later, else to the next business day — reason CUTO, the pending status of
 * a late arrival — unless its settle_by comes before that day starts: the
 * sender chose rejection then (CUTO).
 */
export function dispositionOf(p: ReadyPayment, day: BusinessDay | null, now_ns: bigint): Disposition {
  const today = currentDate(day);
  if (today === null) return { kind: 'reject', reason: REASON.invalid_date, detail: 'no business day is open' };
  const open = day !== null && day.state === 'open';
  // A value date before today: a held payment released after a day the operator did not open; it is due.
  if (open && p.value_date <= today && now_ns <= cutoffOf(day, p.currency)) return { kind: 'settle' };
  const future = p.value_date > today;
  const target = future ? p.value_date : nextBusinessDay(today, p.currency);
  const why = future
    ? `value date ${p.value_date}: warehoused until that business day`
    : open
      ? `after the ${p.currency} cut-off: warehoused to the next business day ${target}`
      : `the business day ${today} is closed: warehoused to the next business day ${target}`;
  const refused = settleByRefusal(p, target);
  if (refused !== null) return refused;
  return future ? { kind: 'warehouse', value_date: target, detail: why } : { kind: 'warehouse', value_date: target, reason: REASON.cut_off, detail: why };
}

/** The rejection of a payment still waiting at the close (queued or held), or null: it is warehoused to the next business day. */
export function closeDisposition(p: ReadyPayment, day: BusinessDay): Disposition {
  const target = nextBusinessDay(day.date, p.currency);
  return (
    settleByRefusal(p, target) ?? {
      kind: 'warehouse',
      value_date: target,
      reason: REASON.cut_off,
      detail: `not settled by the close of ${day.date}: warehoused to the next business day ${target}`,
    }
  );
}

function settleByRefusal(p: ReadyPayment, target: string): Disposition | null {
  if (p.settle_by_ns === undefined) return null;
  const start = dayStartNs(target)!;
  if (p.settle_by_ns >= start) return null;
  return { kind: 'reject', reason: REASON.cut_off, detail: settleByDetail(p.settle_by_ns, `it cannot settle before ${target}`) };
}

/** The detail of a reject-if-not-settled rejection (CUTO). */
export function settleByDetail(settle_by_ns: bigint, why = 'not settled by then'): string {
  return `settle_by ${settleByText(settle_by_ns)} (reject if not settled): ${why}`;
}
