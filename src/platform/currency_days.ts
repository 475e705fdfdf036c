// Operating calendars on the platform (rules version 3, opt-in): the
// set_calendars command, its decoding, the check before every command that
// finds which currencies opened or closed since the last one — a currency that
// closed has its queued payments warehoused to its next business date, one that
// opened lets its warehoused payments settle —, and the views (calendar show,
// today's overlaps per pair). A store without calendars never runs any of it.
//
// The zone's UTC offsets are resolved by the facade (prepareCalendars, with the
// runtime's tz database) and journaled with the command, so replay does not
// depend on the tz database of the binary that replays.

import {
  CALENDAR_LIMITS,
  CalendarError,
  HOME_TIME_ZONES,
  addDays,
  closedReason,
  epochDay,
  localHours,
  localToUtcMs,
  overlapOnUtcDate,
  sessionOn,
  type CurrencyCalendar,
} from '../clearing/calendar.js';
import { validateCalendar, validateZoneOffsets } from '../clearing/calendar_validate.js';
import { currencyState, type CalendarEntry } from '../clearing/currency_day.js';
import { isKnownTimeZone, zoneOffsets, type ZoneOffsets } from '../clearing/time_zone.js';
import { ACCOUNT_KIND, accountId, ledgerTransfer, TRANSFER_CODE } from '../clearing/accounts.js';
import { memberCurrency } from '../fx/iso4217.js';
import { settleByText } from '../clearing/warehouse.js';
import type { CommandContext } from './context.js';
import { PlatformError } from './errors.js';
import { checkNotSchemeCalendar } from './governance_calendars.js';
import type { PlatformState } from './state.js';
import { releaseByCalendar, warehouse } from './warehouse_commands.js';

export interface SetCalendarsCommand {
  type: 'set_calendars';
  by: string;
  calendars: Record<string, unknown>[];
  zones: Record<string, unknown>[];
}

type Obj = Record<string, unknown>;

/** Zone tables journaled per command: one per calendar at most. */
const CALENDARS_PER_COMMAND_MAX = 10;

function calendarRefusal(err: unknown): never {
  if (err instanceof CalendarError) throw new PlatformError(err.code, err.field, err.message);
  throw err;
}

function objects(o: Obj, k: string): Record<string, unknown>[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new PlatformError('invalid_field', k, 'must be an array');
  if (v.length > CALENDARS_PER_COMMAND_MAX) throw new PlatformError('limit_exceeded', k, `at most ${CALENDARS_PER_COMMAND_MAX} items, got ${v.length}`);
  return v.map((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) throw new PlatformError('invalid_field', `${k}[${i}]`, 'must be an object');
    return x as Obj;
  });
}

/** The calendars and their zone tables of a set_calendars command, each checked (field-level errors). */
export function readCalendars(cmd: Pick<SetCalendarsCommand, 'calendars' | 'zones'>): CalendarEntry[] {
  try {
    const zones = cmd.zones.map((z, i) => validateZoneOffsets(z, `zones[${i}]`));
    const byName = new Map(zones.map((z) => [z.time_zone, z]));
    const seen = new Set<string>();
    return cmd.calendars.map((raw, i) => {
      const calendar = validateCalendar(raw, `calendars[${i}]`, (name) => byName.has(name));
      if (seen.has(calendar.currency)) throw new PlatformError('invalid_field', `calendars[${i}].currency`, `${calendar.currency} is given twice`);
      seen.add(calendar.currency);
      return { calendar, zone: byName.get(calendar.time_zone)! };
    });
  } catch (err) {
    return calendarRefusal(err);
  }
}

export function decodeSetCalendars(o: Obj, by: string): SetCalendarsCommand {
  for (const k of Object.keys(o)) if (!['type', 'by', 'calendars', 'zones'].includes(k)) throw new PlatformError('invalid_field', k, 'unknown field');
  const cmd: SetCalendarsCommand = { type: 'set_calendars', by, calendars: objects(o, 'calendars'), zones: objects(o, 'zones') };
  if (cmd.calendars.length === 0) throw new PlatformError('invalid_field', 'calendars', 'at least one calendar');
  readCalendars(cmd);
  return cmd;
}

/** The facade's step before journaling: the UTC offsets of each calendar's zone, resolved with the runtime's tz database (unknown zones are left out: the decoder names them). */
export function prepareCalendars(input: Record<string, unknown>, now_ns: bigint): Record<string, unknown> {
  if (input.zones !== undefined || !Array.isArray(input.calendars)) return input;
  const year = new Date(Number(now_ns / 1_000_000n)).getUTCFullYear();
  const zones: ZoneOffsets[] = [];
  for (const c of input.calendars as unknown[]) {
    const o = (c ?? {}) as Obj;
    const tz = o.time_zone;
    if (typeof tz !== 'string' || !isKnownTimeZone(tz) || zones.some((z) => z.time_zone === tz)) continue;
    const through = typeof o.holidays_through === 'string' ? Number(o.holidays_through.slice(0, 4)) || year : year;
    zones.push(zoneOffsets(tz, Date.UTC(year - 1, 0, 1), Date.UTC(Math.min(Math.max(through, year) + 2, year + 30), 0, 1)));
  }
  return { ...input, zones };
}

/** set_calendars (rules 3): the calendars given replace those of their currencies; the others stay. */
export function setCalendars(cx: CommandContext, cmd: SetCalendarsCommand): unknown {
  if (cx.rules_version < 3) throw new PlatformError('invalid_state', 'type', 'calendars need rules version 3 (the warehouse)');
  const entries = readCalendars(cmd);
  checkNotSchemeCalendar(
    cx.s,
    entries.map((e) => e.calendar.currency),
  );
  for (const e of entries) cx.s.calendars.set(e.calendar.currency, e);
  calendarTick(cx);
  return { calendars: calendarStates(cx.s, cx.now) };
}

/** Before every command once the scheme has calendars: currencies that closed warehouse what they queued, currencies that opened release what waits for them. */
export function calendarTick(cx: CommandContext): void {
  const s = cx.s;
  if (s.calendars.size === 0) return;
  let opened = false;
  const closed = new Set<string>();
  for (const c of [...s.calendars.keys()].sort()) {
    const now = currencyState(s.calendars, c, s.day, cx.now)?.accepting ?? false;
    const before = s.calendarAccepting.get(c) ?? false;
    if (before && !now) closed.add(c);
    if (!before && now) opened = true;
    s.calendarAccepting.set(c, now);
  }
  if (closed.size > 0) warehouseClosed(cx, closed);
  for (const c of [...closed].sort()) if (s.calendars.get(c)!.calendar.zero_balance_at_close === true) sweepHome(cx, c);
  if (opened) releaseByCalendar(cx);
}

/**
 * Zero balance at the close: each participant's settlement account in `currency`,
 * beyond the intraday credit it still owes, goes back to the currency's mirror
 * account (a defunding: a pacs.009 to the home RTGS in the bank's name).
 */
function sweepHome(cx: CommandContext, currency: string): void {
  const s = cx.s;
  const cb = s.issuer.get(currency);
  if (cb === undefined) return;
  const c = memberCurrency(currency);
  const issuing = accountId(cb.no, c.numeric, ACCOUNT_KIND.issuing);
  for (const p of s.participants) {
    if (p.issues === currency || !p.currencies.includes(currency)) continue;
    const owed = s.facilityOf(p.id, currency)?.outstanding_minor ?? 0n;
    const amount = s.available(p, currency) - owed;
    if (amount <= 0n) continue;
    const applied = cx.applyTransfers((ids) => [
      ledgerTransfer(ids(), s.settlementAccount(p, currency), issuing, amount, c.numeric, TRANSFER_CODE.defunding, 0),
    ]);
    if (!applied.accepted) throw new Error(`zero-balance sweep of ${p.id} ${currency} refused by the ledger`);
  }
}

/** Queued payments touching a currency that closed go to the warehouse, dated its next business date. */
function warehouseClosed(cx: CommandContext, closed: Set<string>): void {
  const s = cx.s;
  for (const q of s.queues.values()) {
    for (const p of q.live((x) => x.state === 'queued')) {
      const ins = p.instruction;
      const c = closed.has(ins.currency) ? ins.currency : closed.has(ins.payee_currency) ? ins.payee_currency : null;
      if (c === null) continue;
      const st = currencyState(s.calendars, ins.currency, s.day, cx.now)!;
      warehouse(cx, p, st.business_date, 'CUTO', `${c} closed with the payment still queued: warehoused to ${ins.currency}'s business day ${st.business_date}`);
    }
  }
}

// ---- views ----------------------------------------------------------------------------------

export interface CurrencyDayView {
  currency: string;
  time_zone: string;
  accepting: boolean;
  business_date: string;
  closed_because: string | null;
  /** Today's session (the business date's) in home time and UTC, null when that date is closed. */
  hours_local: string[];
  hours_utc: string[];
  cutoff_local: string | null;
  cutoff_utc: string | null;
}

export function calendarStates(s: PlatformState, now_ns: bigint): CurrencyDayView[] {
  const out: CurrencyDayView[] = [];
  for (const [c, e] of [...s.calendars].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const st = currencyState(s.calendars, c, s.day, now_ns);
    const date = st?.business_date ?? e.calendar.holidays_through;
    const d = dayView(e, date);
    out.push({
      currency: c,
      time_zone: e.calendar.time_zone,
      accepting: st?.accepting ?? false,
      business_date: date,
      closed_because: st === null ? 'no business day yet' : st.closed_because,
      hours_local: d.hours_local,
      hours_utc: d.hours_utc,
      cutoff_local: d.cutoff_local,
      cutoff_utc: d.cutoff_utc,
    });
  }
  return out;
}

export interface CalendarDayView {
  date: string;
  weekday: string;
  open: boolean;
  closed_because: string | null;
  half_day: boolean;
  hours_local: string[];
  hours_utc: string[];
  cutoff_local: string | null;
  cutoff_utc: string | null;
  /** false outside holidays_from..holidays_through: the day is open unless a weekend, but holidays are not known. */
  holidays_known: boolean;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function hhmm(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}

function utcText(ns: bigint): string {
  return settleByText((ns / 60_000_000_000n) * 60_000_000_000n).replace(':00Z', 'Z');
}

export function dayView(e: CalendarEntry, date: string): CalendarDayView {
  const h = localHours(e.calendar, date);
  const s = sessionOn(e.calendar, e.zone, date);
  return {
    date,
    weekday: WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!,
    open: h !== null,
    closed_because: closedReason(e.calendar, date),
    half_day: h?.half_day ?? false,
    hours_local: h === null ? [] : h.windows.map(([a, b]) => `${hhmm(a)}-${hhmm(b)}`),
    hours_utc: s === null ? [] : s.windows.map(([a, b]) => `${utcText(a)}/${utcText(b)}`),
    cutoff_local: h === null ? null : hhmm(h.cutoff),
    cutoff_utc: s === null ? null : utcText(s.cutoff_ns),
    holidays_known: date <= e.calendar.holidays_through && (e.calendar.holidays_from === undefined || date >= e.calendar.holidays_from),
  };
}

/** The days from `from` to `to` (inclusive) of a calendar; throws PlatformError on a bad range. */
export function showDays(e: CalendarEntry, from: string, to: string): CalendarDayView[] {
  const a = epochDay(from);
  const b = epochDay(to);
  if (a === null) throw new PlatformError('invalid_field', 'from', 'must be a date YYYY-MM-DD');
  if (b === null) throw new PlatformError('invalid_field', 'to', 'must be a date YYYY-MM-DD');
  if (b < a) throw new PlatformError('invalid_field', 'to', `${to} is before ${from}`);
  if (b - a + 1 > CALENDAR_LIMITS.show_days_max) throw new PlatformError('limit_exceeded', 'to', `at most ${CALENDAR_LIMITS.show_days_max} days`);
  const out: CalendarDayView[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(dayView(e, d));
  return out;
}

/** A calendar file read and resolved outside any store (calendar show without --store). */
export function calendarFromFile(raw: unknown, now_ns: bigint): CalendarEntry {
  const prepared = prepareCalendars({ calendars: [raw] }, now_ns) as { calendars: Obj[]; zones: Obj[] };
  const [e] = readCalendars(prepared);
  return e!;
}

/** Each pair of currencies with calendars: the UTC windows of `utc_date` in which both accept payments (PvP settles only then). */
export function overlapsOn(s: PlatformState, utc_date: string): Array<{ pair: string; windows_utc: string[] }> {
  const cs = [...s.calendars.keys()].sort();
  const out: Array<{ pair: string; windows_utc: string[] }> = [];
  for (let i = 0; i < cs.length; i++) {
    for (let j = i + 1; j < cs.length; j++) {
      const a = s.calendars.get(cs[i]!)!;
      const b = s.calendars.get(cs[j]!)!;
      const w = overlapOnUtcDate([a.calendar, a.zone], [b.calendar, b.zone], utc_date);
      out.push({ pair: `${cs[i]}/${cs[j]}`, windows_utc: w.map(([x, y]) => `${utcText(x)}/${utcText(y)}`) });
    }
  }
  return out;
}

/**
 * A currency's business day as the dashboard draws it: its home zone and the
 * instants the day spans. With a calendar: the session of its business date
 * (first window's opening to last window's end). Without: the platform's
 * business day (opened to closed, or still open: to_ns null).
 */
export interface CurrencyDaySpan {
  currency: string;
  time_zone: string;
  business_date: string;
  from_ns: bigint;
  to_ns: bigint | null;
  on_calendar: boolean;
}

/** The span of `currency`'s current business day; null before the first business day. */
export function currencyDaySpan(s: PlatformState, currency: string, now_ns: bigint): CurrencyDaySpan | null {
  const st = currencyState(s.calendars, currency, s.day, now_ns);
  if (st === null || s.day === null) return null;
  const e = s.calendars.get(currency);
  if (e !== undefined) {
    // After the cut-off the business date is the next open day, not begun yet: the span is the latest session begun (two weeks back at most).
    let date = st.business_date;
    let session = sessionOn(e.calendar, e.zone, date);
    for (let i = 0; i < 14 && (session === null || session.windows[0]![0] > now_ns); i++) {
      date = addDays(date, -1);
      session = sessionOn(e.calendar, e.zone, date);
    }
    if (session !== null && session.windows.length > 0 && session.windows[0]![0] <= now_ns)
      return {
        currency,
        time_zone: e.calendar.time_zone,
        business_date: date,
        from_ns: session.windows[0]![0],
        to_ns: session.windows[session.windows.length - 1]![1],
        on_calendar: true,
      };
  }
  return {
    currency,
    time_zone: e?.calendar.time_zone ?? HOME_TIME_ZONES[currency] ?? 'UTC',
    business_date: s.day.date,
    from_ns: s.day.opened_at_ns,
    to_ns: s.day.closed_at_ns,
    on_calendar: false,
  };
}

/**
 * The instants of `date` as a local day in `currency`'s home zone (its calendar's,
 * or its central bank's capital): local midnight to the last nanosecond before the
 * next. For reports by home business day (reconciliation), not journaled: without
 * a calendar the zone's offsets come from the runtime's tz database. Null when
 * `date` is not a date.
 */
export function localDayBounds(s: PlatformState, currency: string, date: string): { time_zone: string; start_ns: bigint; end_ns: bigint } | null {
  const day = epochDay(date);
  if (day === null) return null;
  const e = s.calendars.get(currency);
  const time_zone = e?.calendar.time_zone ?? HOME_TIME_ZONES[currency] ?? 'UTC';
  const ms = day * 86_400_000;
  const z = e?.zone ?? zoneOffsets(time_zone, ms - 2 * 86_400_000, ms + 3 * 86_400_000);
  const start_ns = BigInt(localToUtcMs(z, date, 0)) * 1_000_000n;
  const end_ns = BigInt(localToUtcMs(z, addDays(date, 1), 0)) * 1_000_000n - 1n;
  return { time_zone, start_ns, end_ns };
}

export type { CurrencyCalendar };
