// Operating calendars inside the scheme document (rules 3). The scheme's
// `calendars` ({CCY: calendar file}) are what the platform enforces: when a
// version comes into force (scheme_init, or an adopted change at its business
// day's opening) each of its calendars replaces that currency's; a currency
// whose calendar the version in force holds cannot be changed by set_calendars
// (propose a change instead); set_calendars stays for the currencies the scheme
// leaves out and for stores without a scheme.
//
// Replay must not depend on the tz database of the binary that replays, so the
// facade resolves the UTC offsets of every zone a scheme_init document or a
// scheme_propose change names (prepareSchemeZones) and they are journaled with
// the act; the governance state keeps them by zone name.

import { CalendarError } from '../clearing/calendar.js';
import { validateCalendar, validateZoneOffsets } from '../clearing/calendar_validate.js';
import { isKnownTimeZone, zoneOffsets, type ZoneOffsets } from '../clearing/time_zone.js';
import { GovernanceError } from '../governance/errors.js';
import type { CalendarCheck, SchemeDocument } from '../governance/scheme.js';
import { PlatformError } from './errors.js';
import { inForce, type GovernanceData } from './governance_state.js';
import type { PlatformState } from './state.js';

type Obj = Record<string, unknown>;

/** Zone tables one act may carry. */
const ZONES_PER_ACT_MAX = 10;

/** Every string under a `time_zone` key in a JSON value (a document, or a patch's values). */
function zoneNames(v: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > 8 || v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) for (const x of v) zoneNames(x, out, depth + 1);
  else
    for (const [k, x] of Object.entries(v as Obj)) {
      if (k === 'time_zone' && typeof x === 'string') out.add(x);
      else zoneNames(x, out, depth + 1);
    }
  return out;
}

/** The facade's step before journaling scheme_init or scheme_propose: the offsets of the zones it names (none named: the act unchanged). */
export function prepareSchemeZones(input: Obj, now_ns: bigint): Obj {
  if (input.zones !== undefined) return input;
  const names = [...zoneNames(input.type === 'scheme_init' ? input.document : input.changes, new Set())].sort();
  if (names.length === 0) return input;
  // As set_calendars journals them (./currency_days.ts prepareCalendars): the year before to thirty years on; unknown names are left for the validator to name.
  const year = new Date(Number(now_ns / 1_000_000n)).getUTCFullYear();
  const zones = names.filter(isKnownTimeZone).map((n) => zoneOffsets(n, Date.UTC(year - 1, 0, 1), Date.UTC(year + 30, 0, 1)));
  return zones.length === 0 ? input : { ...input, zones };
}

/** An act's `zones`, each checked; undefined when it carries none. */
export function decodeZones(o: Obj): Obj[] | undefined {
  if (o.zones === undefined) return undefined;
  if (!Array.isArray(o.zones) || o.zones.length > ZONES_PER_ACT_MAX)
    throw new PlatformError('invalid_field', 'zones', `must be an array of at most ${ZONES_PER_ACT_MAX} zone tables`);
  return o.zones.map((z, i) => {
    try {
      validateZoneOffsets(z, `zones[${i}]`);
    } catch (err) {
      if (err instanceof CalendarError) throw new PlatformError(err.code, err.field, err.message);
      throw err;
    }
    return z as Obj;
  });
}

/** The zone tables known: the governance state's, then the act's (which win). */
function knownZones(g: GovernanceData | null, zones: Obj[] | undefined): Map<string, ZoneOffsets> {
  const m = new Map<string, ZoneOffsets>((g?.zones ?? []).map((z) => [z.time_zone, z]));
  for (const [i, z] of (zones ?? []).entries()) {
    const t = validateZoneOffsets(z, `zones[${i}]`);
    m.set(t.time_zone, t);
  }
  return m;
}

/** The scheme validator's calendar hook: each calendar is a calendar file of its currency, in a zone whose table is known. */
export function calendarCheck(g: GovernanceData | null, zones: Obj[] | undefined): CalendarCheck {
  const known = knownZones(g, zones);
  return (currency, calendar, pointer) => {
    try {
      const cal = validateCalendar(calendar, pointer, (name) => known.has(name));
      if (cal.currency !== currency) throw new GovernanceError('scheme_invalid', `${pointer}/currency`, `must be ${currency}, the calendar's key`);
    } catch (err) {
      if (!(err instanceof CalendarError)) throw err;
      // The calendar module names fields "a.b[0].c" after the pointer it was given: as a JSON Pointer.
      const rest = err.field.startsWith(pointer)
        ? err.field
            .slice(pointer.length)
            .replace(/\[(\d+)\]/g, '.$1')
            .replace(/\./g, '/')
        : '';
      throw new GovernanceError('scheme_invalid', pointer + rest, err.message);
    }
  };
}

/** Keeps an act's zone tables in the governance state (by zone name; a newer table replaces an older). */
export function keepZones(g: GovernanceData, zones: Obj[] | undefined): void {
  if (zones === undefined || zones.length === 0) return;
  g.zones = [...knownZones(g, zones).values()].sort((a, b) => (a.time_zone < b.time_zone ? -1 : 1));
}

/**
 * A version comes into force: its calendars become the platform's (each with its
 * zone's journaled table). A currency whose calendar the version before held and
 * this one drops loses its calendar: it follows the platform's business day and
 * UTC cut-off again (what it waits for in the warehouse is released at the next
 * opening), and `set_calendars` may give it one again.
 */
export function applySchemeCalendars(s: PlatformState, doc: SchemeDocument, was?: SchemeDocument): string[] {
  const dropped = Object.keys(was?.calendars ?? {})
    .filter((c) => doc.calendars?.[c] === undefined)
    .sort();
  for (const c of dropped) {
    s.calendars.delete(c);
    s.calendarAccepting.delete(c);
  }
  if (doc.calendars === undefined) return dropped;
  const known = knownZones(s.governance, undefined);
  for (const [c, raw] of Object.entries(doc.calendars).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const calendar = validateCalendar(raw, `calendars.${c}`, (name) => known.has(name));
    s.calendars.set(c, { calendar, zone: known.get(calendar.time_zone)! });
  }
  return dropped;
}

/** set_calendars under a scheme: refused for a currency whose calendar the version in force holds. */
export function checkNotSchemeCalendar(s: PlatformState, currencies: readonly string[]): void {
  const cals = inForce(s.governance)?.document.calendars;
  if (cals === undefined) return;
  for (const [i, c] of currencies.entries())
    if (cals[c] !== undefined)
      throw new PlatformError('invalid_state', `calendars[${i}]`, `the scheme holds ${c}'s calendar: change it by proposal (scheme propose)`);
}
