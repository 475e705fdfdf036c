// Reading a currency calendar from JSON (a calendar file, a command) into a
// CurrencyCalendar, field by field: every refusal names the field and the rule
// broken with a stable code (./calendar.ts CalendarError). A file may carry
// `overrides` — holidays added and seeded ones removed — which are applied here,
// so what is returned is the calendar in force. Also the check of a journaled
// zone-offset table. Pure: whether a zone name exists is asked of the caller.

import { memberCurrency } from '../fx/iso4217.js';
import { CALENDAR_LIMITS, CalendarError, epochDay, minutesOf, type CurrencyCalendar, type HalfDay, type Holiday, type OperatingWindow } from './calendar.js';
import { TIME_ZONE_LIMITS, type ZoneOffsets } from './time_zone.js';

type Obj = Record<string, unknown>;

const FIELDS = [
  'currency',
  'time_zone',
  'hours',
  'cutoff',
  'weekend',
  'holidays',
  'half_days',
  'holidays_through',
  'holidays_from',
  'closed_value_date',
  'source',
  'overrides',
  'zero_balance_at_close',
];

function obj(v: unknown, field: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CalendarError('invalid_field', field, 'must be an object');
  const o = v as Obj;
  return o;
}

function only(o: Obj, allowed: readonly string[], field: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new CalendarError('invalid_field', join(field, k), 'unknown field');
}

function join(field: string, k: string): string {
  return field === '' ? k : `${field}.${k}`;
}

function text(o: Obj, k: string, field: string, max: number): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0) throw new CalendarError('invalid_field', join(field, k), 'must be a non-empty string');
  if (v.length > max) throw new CalendarError('invalid_field', join(field, k), `at most ${max} characters`);
  if (/[\u0000-\u001f]/.test(v)) throw new CalendarError('invalid_field', join(field, k), 'control characters are not allowed');
  return v;
}

function list(o: Obj, k: string, field: string, max: number, optional = false): unknown[] {
  const v = o[k];
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) throw new CalendarError('invalid_field', join(field, k), 'must be an array');
  if (v.length > max) throw new CalendarError('invalid_field', join(field, k), `at most ${max} items, got ${v.length}`);
  return v;
}

function date(v: unknown, field: string): string {
  if (typeof v !== 'string' || epochDay(v) === null) throw new CalendarError('invalid_holiday', field, `${JSON.stringify(v)} is not a date (YYYY-MM-DD)`);
  return v;
}

function time(v: unknown, field: string, end = false): string {
  if (typeof v !== 'string' || minutesOf(v, end) === null)
    throw new CalendarError('invalid_window', field, `${JSON.stringify(v)} is not a time HH:MM${end ? ' (24:00 allowed)' : ''}`);
  return v;
}

function windows(o: Obj, field: string): OperatingWindow[] {
  const raw = list(o, 'hours', field, CALENDAR_LIMITS.windows_max);
  if (raw.length === 0) throw new CalendarError('invalid_window', join(field, 'hours'), 'at least one operating window');
  const out: OperatingWindow[] = [];
  raw.forEach((w, i) => {
    const f = `${join(field, 'hours')}[${i}]`;
    const wo = obj(w, f);
    only(wo, ['from', 'to'], f);
    const from = time(wo.from, `${f}.from`);
    const to = time(wo.to, `${f}.to`, true);
    if (minutesOf(from)! >= minutesOf(to, true)!) throw new CalendarError('invalid_window', f, `${from}-${to} is inverted or empty: from must be before to`);
    const prev = out[out.length - 1];
    if (prev !== undefined && minutesOf(from)! < minutesOf(prev.to, true)!)
      throw new CalendarError('overlapping_windows', f, `${from}-${to} overlaps or precedes ${prev.from}-${prev.to}: windows are in order and apart`);
    out.push({ from, to });
  });
  return out;
}

function weekend(o: Obj, field: string): number[] {
  const raw = list(o, 'weekend', field, 6);
  const out: number[] = [];
  raw.forEach((d, i) => {
    if (!Number.isInteger(d) || (d as number) < 1 || (d as number) > 7 || out.includes(d as number))
      throw new CalendarError('invalid_field', `${join(field, 'weekend')}[${i}]`, 'an ISO weekday 1 (Monday) .. 7 (Sunday), each once');
    out.push(d as number);
  });
  return out.sort((a, b) => a - b);
}

function holidays(raw: unknown[], field: string): Holiday[] {
  return raw.map((h, i) => {
    const f = `${field}[${i}]`;
    const ho = obj(h, f);
    only(ho, ['date', 'name'], f);
    return { date: date(ho.date, `${f}.date`), name: text(ho, 'name', f, CALENDAR_LIMITS.name_max) };
  });
}

/** Seeded holidays with the overrides applied: removals name a seeded date, additions a date not already a holiday. */
function holidaysInForce(o: Obj, field: string): Holiday[] {
  const seeded = holidays(list(o, 'holidays', field, CALENDAR_LIMITS.holidays_max), join(field, 'holidays'));
  if (o.overrides === undefined) return seeded;
  const f = join(field, 'overrides');
  const ov = obj(o.overrides, f);
  only(ov, ['add', 'remove'], f);
  const remove = list(ov, 'remove', f, CALENDAR_LIMITS.holidays_max, true).map((d, i) => date(d, `${f}.remove[${i}]`));
  remove.forEach((d, i) => {
    if (!seeded.some((h) => h.date === d)) throw new CalendarError('invalid_holiday', `${f}.remove[${i}]`, `${d} is not a seeded holiday`);
  });
  const kept = seeded.filter((h) => !remove.includes(h.date));
  const add = holidays(list(ov, 'add', f, CALENDAR_LIMITS.holidays_max, true), `${f}.add`);
  return [...kept, ...add];
}

function checkHolidays(hs: Holiday[], from: string | undefined, through: string, field: string): Holiday[] {
  const seen = new Set<string>();
  hs.forEach((h, i) => {
    if (seen.has(h.date)) throw new CalendarError('invalid_holiday', `${join(field, 'holidays')}[${i}].date`, `${h.date} is listed twice`);
    if (h.date > through) throw new CalendarError('invalid_holiday', `${join(field, 'holidays')}[${i}].date`, `${h.date} is after holidays_through ${through}`);
    if (from !== undefined && h.date < from)
      throw new CalendarError('invalid_holiday', `${join(field, 'holidays')}[${i}].date`, `${h.date} is before holidays_from ${from}`);
    seen.add(h.date);
  });
  if (hs.length > CALENDAR_LIMITS.holidays_max)
    throw new CalendarError('invalid_field', join(field, 'holidays'), `at most ${CALENDAR_LIMITS.holidays_max} holidays`);
  return [...hs].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function halfDays(o: Obj, field: string, hours: OperatingWindow[], weekendDays: number[]): HalfDay[] {
  const open = minutesOf(hours[0]!.from)!;
  return list(o, 'half_days', field, CALENDAR_LIMITS.half_days_max, true).map((h, i) => {
    const f = `${join(field, 'half_days')}[${i}]`;
    const ho = obj(h, f);
    only(ho, ['date', 'weekday', 'close', 'name'], f);
    if ((ho.date === undefined) === (ho.weekday === undefined)) throw new CalendarError('invalid_field', f, 'give a date or a weekday, not both');
    const out: HalfDay = { close: time(ho.close, `${f}.close`) };
    if (minutesOf(out.close)! <= open) throw new CalendarError('invalid_window', `${f}.close`, `${out.close} is not after the opening ${hours[0]!.from}`);
    if (ho.date !== undefined) out.date = date(ho.date, `${f}.date`);
    else {
      const wd = ho.weekday;
      if (!Number.isInteger(wd) || (wd as number) < 1 || (wd as number) > 7) throw new CalendarError('invalid_field', `${f}.weekday`, 'an ISO weekday 1..7');
      if (weekendDays.includes(wd as number)) throw new CalendarError('invalid_field', `${f}.weekday`, `${wd} is a weekend day`);
      out.weekday = wd as number;
    }
    if (ho.name !== undefined) out.name = text(ho, 'name', f, CALENDAR_LIMITS.name_max);
    return out;
  });
}

/** Reads a calendar (with overrides applied); throws CalendarError naming the field. `zoneKnown` says whether an IANA zone exists. */
export function validateCalendar(raw: unknown, field: string, zoneKnown: (name: string) => boolean): CurrencyCalendar {
  const o = obj(raw, field);
  only(o, FIELDS, field);
  const currency = text(o, 'currency', field, 3);
  try {
    memberCurrency(currency);
  } catch {
    throw new CalendarError('unknown_currency', join(field, 'currency'), `${currency} is not an SCO member currency`);
  }
  const time_zone = text(o, 'time_zone', field, TIME_ZONE_LIMITS.name_length_max);
  if (!zoneKnown(time_zone)) throw new CalendarError('unknown_time_zone', join(field, 'time_zone'), `${time_zone} is not an IANA time zone (Region/City)`);
  const hours = windows(o, field);
  const cutoff = time(o.cutoff, join(field, 'cutoff'));
  const c = minutesOf(cutoff)!;
  if (!hours.some((w) => c >= minutesOf(w.from)! && c < minutesOf(w.to, true)!))
    throw new CalendarError('invalid_window', join(field, 'cutoff'), `${cutoff} is outside the operating windows`);
  const wk = weekend(o, field);
  const through = date(o.holidays_through, join(field, 'holidays_through'));
  const from = o.holidays_from === undefined ? undefined : date(o.holidays_from, join(field, 'holidays_from'));
  if (from !== undefined && from > through)
    throw new CalendarError('invalid_field', join(field, 'holidays_from'), `${from} is after holidays_through ${through}`);
  const rule = o.closed_value_date ?? 'refuse';
  if (rule !== 'refuse' && rule !== 'following') throw new CalendarError('invalid_field', join(field, 'closed_value_date'), 'must be refuse or following');
  const sweep = o.zero_balance_at_close;
  if (sweep !== undefined && typeof sweep !== 'boolean')
    throw new CalendarError('invalid_field', join(field, 'zero_balance_at_close'), 'must be true or false');
  return {
    ...(sweep === true ? { zero_balance_at_close: true } : {}),
    currency,
    time_zone,
    hours,
    cutoff,
    weekend: wk,
    holidays: checkHolidays(holidaysInForce(o, field), from, through, field),
    half_days: halfDays(o, field, hours, wk),
    holidays_through: through,
    ...(from !== undefined ? { holidays_from: from } : {}),
    closed_value_date: rule,
    source: text(o, 'source', field, CALENDAR_LIMITS.source_max),
  };
}

/** Checks a journaled offset table: its zone, whole minutes within ±14 h, changes in time order. */
export function validateZoneOffsets(raw: unknown, field: string): ZoneOffsets {
  const o = obj(raw, field);
  only(o, ['time_zone', 'initial_min', 'changes'], field);
  const time_zone = text(o, 'time_zone', field, TIME_ZONE_LIMITS.name_length_max);
  const offset = (v: unknown, f: string): number => {
    if (!Number.isInteger(v) || Math.abs(v as number) > 14 * 60) throw new CalendarError('invalid_field', f, 'whole minutes within ±14 hours');
    return v as number;
  };
  const initial_min = offset(o.initial_min, join(field, 'initial_min'));
  let last = Number.NEGATIVE_INFINITY;
  const changes = list(o, 'changes', field, TIME_ZONE_LIMITS.changes_max).map((c, i): [number, number] => {
    const f = `${join(field, 'changes')}[${i}]`;
    if (!Array.isArray(c) || c.length !== 2 || !Number.isSafeInteger(c[0]) || (c[0] as number) <= last)
      throw new CalendarError('invalid_field', f, '[utc_ms, offset_min] in time order');
    last = c[0] as number;
    return [last, offset(c[1], `${f}[1]`)];
  });
  return { time_zone, initial_min, changes };
}
