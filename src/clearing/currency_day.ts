// A day per currency (rules version 3, once the scheme has calendars): whether a
// currency accepts payments now — the platform's business day is open and the
// currency's own calendar (./calendar.ts) has it inside an operating window and
// before its cut-off in home time —, its business date, where a payment that
// cannot settle now is warehoused to, and the value-date check against the
// currency's open days. A PvP payment settles only while both of its currencies
// accept payments (the overlap of their sessions). A currency without a calendar
// keeps the platform's rule: open with the business day, until its UTC cut-off.
// Pure: calendars, the day and the time are inputs.

import { cutoffOf } from './business_day.js';
import { type CurrencyCalendar, closedReason, isOpenDay, localAt, nextOpenDay, openDaysAfter, statusAt } from './calendar.js';
import { REASON } from './reasons.js';
import type { ZoneOffsets } from './time_zone.js';
import type { BusinessDay } from './types.js';
import { type Disposition, dayStartNs, settleByDetail, WAREHOUSE_LIMITS } from './warehouse.js';

export interface CalendarEntry {
  calendar: CurrencyCalendar;
  zone: ZoneOffsets;
}

export type Calendars = ReadonlyMap<string, CalendarEntry>;

export interface CurrencyState {
  currency: string;
  accepting: boolean;
  /** The business date payments in the currency belong to now (the next open day when today's cut-off has passed). */
  business_date: string;
  /** Why it does not accept payments now, or null. */
  closed_because: string | null;
}

/** The currency's state at `now_ns`; null without a business day (nothing settles before the first). */
export function currencyState(cals: Calendars, currency: string, day: BusinessDay | null, now_ns: bigint): CurrencyState | null {
  if (day === null) return null;
  const dayOpen = day.state === 'open';
  const e = cals.get(currency);
  if (e === undefined) {
    const accepting = dayOpen && now_ns <= cutoffOf(day, currency);
    return {
      currency,
      accepting,
      business_date: day.date,
      closed_because: accepting ? null : dayOpen ? `after the ${currency} cut-off` : 'the business day is closed',
    };
  }
  const st = statusAt(e.calendar, e.zone, now_ns);
  if (st.accepting && dayOpen) return { currency, accepting: true, business_date: st.business_date, closed_because: null };
  const today = localAt(e.zone, Number(now_ns / 1_000_000n)).date;
  const why = !dayOpen ? 'the business day is closed' : closedWhy(e, st.business_date, today === st.business_date);
  return { currency, accepting: false, business_date: st.business_date, closed_because: why };
}

function closedWhy(e: CalendarEntry, business_date: string, sameDay: boolean): string {
  if (!sameDay) return `${e.calendar.currency} is closed until ${business_date}`;
  return `${e.calendar.currency} is outside its operating hours (${e.calendar.time_zone})`;
}

export interface CalendarPayment {
  currency: string;
  payee_currency: string;
  value_date: string;
  settle_by_ns?: bigint;
}

/**
 * What a payment ready to settle does now under calendars: settle when every
 * currency it touches accepts payments and its value date is not after the
 * payer currency's business date; otherwise wait in the warehouse (dated the
 * payer currency's business date or its own later value date) — rejected CUTO
 * instead when its settle_by passes before that date starts.
 */
export function calendarDisposition(p: CalendarPayment, cals: Calendars, day: BusinessDay | null, now_ns: bigint): Disposition {
  const pay = currencyState(cals, p.currency, day, now_ns);
  if (pay === null) return { kind: 'reject', reason: REASON.invalid_date, detail: 'no business day is open' };
  const other = p.payee_currency === p.currency ? pay : currencyState(cals, p.payee_currency, day, now_ns)!;
  if (pay.accepting && other.accepting && p.value_date <= pay.business_date) return { kind: 'settle' };
  const target = p.value_date > pay.business_date ? p.value_date : pay.business_date;
  const why =
    p.value_date > pay.business_date
      ? `value date ${p.value_date}: warehoused until that business day of ${p.currency}`
      : !pay.accepting
        ? `${pay.closed_because}: warehoused to ${p.currency}'s business day ${target}`
        : `${other.closed_because}: PvP settles only while both ${p.currency} and ${p.payee_currency} are open; warehoused`;
  if (p.settle_by_ns !== undefined && p.settle_by_ns < dayStartNs(target)!)
    return { kind: 'reject', reason: REASON.cut_off, detail: settleByDetail(p.settle_by_ns, `it cannot settle before ${target}`) };
  return p.value_date > pay.business_date
    ? { kind: 'warehouse', value_date: target, detail: why }
    : { kind: 'warehouse', value_date: target, reason: REASON.cut_off, detail: why };
}

/** The date a payment still waiting when its currency (or the day) closes is warehoused to: the next business date after `business_date` if it was still accepting, else the business date. */
export function closeTarget(cals: Calendars, currency: string, day: BusinessDay, now_ns: bigint): string {
  const st = currencyState(cals, currency, day, now_ns)!;
  const e = cals.get(currency);
  if (e === undefined || !st.accepting) return st.business_date;
  return nextOpenDay(e.calendar, st.business_date, true);
}

/**
 * The value date of a payment in a currency with a calendar, or why it is
 * refused (DT01): not before the currency's business date, an open day of the
 * currency (a closed one is rolled to the following open day when the calendar
 * says so), at most value_date_business_days_max open days ahead.
 */
export function calendarValueDate(e: CalendarEntry, value_date: string, business_date: string): { value_date: string } | { problem: string } {
  if (dayStartNs(value_date) === null) return { problem: `${value_date} is not a date (YYYY-MM-DD)` };
  if (value_date < business_date) return { problem: `${value_date} is before the ${e.calendar.currency} business day ${business_date}` };
  let d = value_date;
  if (!isOpenDay(e.calendar, d)) {
    const why = closedReason(e.calendar, d)!;
    if (e.calendar.closed_value_date === 'refuse') return { problem: `${d} is a closed day of ${e.calendar.currency} (${why})` };
    d = nextOpenDay(e.calendar, d);
  }
  const max = WAREHOUSE_LIMITS.value_date_business_days_max;
  if (openDaysAfter(e.calendar, business_date, d, max) > max)
    return { problem: `${d} is more than ${max} ${e.calendar.currency} business days after ${business_date}` };
  return { value_date: d };
}

/** A payment still waiting (queued or held) when the business day closes under calendars: warehoused to its currency's next business date, or rejected CUTO for its settle_by. */
export function calendarCloseDisposition(p: CalendarPayment, cals: Calendars, day: BusinessDay, now_ns: bigint): Disposition {
  const target = closeTarget(cals, p.currency, day, now_ns);
  if (p.settle_by_ns !== undefined && p.settle_by_ns < dayStartNs(target)!)
    return { kind: 'reject', reason: REASON.cut_off, detail: settleByDetail(p.settle_by_ns, `it cannot settle before ${target}`) };
  return { kind: 'warehouse', value_date: target, reason: REASON.cut_off, detail: `not settled by the close of ${p.currency}'s day: warehoused to ${target}` };
}
