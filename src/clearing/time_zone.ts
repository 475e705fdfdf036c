// Time zones: the one place that asks the runtime's time-zone database (Intl) —
// whether an IANA zone exists, and its UTC offsets over a span of time as a
// table of changes. The table is what calendars compute with (./calendar.ts):
// the platform resolves it before a calendar command is journaled, so replay
// on a binary with another tz database (Asia/Almaty moved from +6 to +5 in
// tzdata 2024a) computes exactly what the journal recorded.

/** UTC offsets of a zone: `initial_min` before the first change, then each change [utc_ms, offset_min]. */
export interface ZoneOffsets {
  time_zone: string;
  initial_min: number;
  changes: Array<[number, number]>;
}

export const TIME_ZONE_LIMITS = Object.freeze({
  /** Length of an IANA zone name (the longest in tzdata is 32). */
  name_length_max: 64,
  /** Offset changes kept per zone (a zone with DST changes twice a year). */
  changes_max: 200,
});

const MS_PER_DAY = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(time_zone: string): Intl.DateTimeFormat {
  let f = formats.get(time_zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: time_zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(time_zone, f);
  }
  return f;
}

/** Whether `name` is an IANA zone the runtime knows, as a Region/City name (offset strings such as "+03:00" are refused). */
export function isKnownTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > TIME_ZONE_LIMITS.name_length_max || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    formatOf(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `utc_ms`, in whole minutes (local = UTC + offset). */
export function offsetMinutesAt(time_zone: string, utc_ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatOf(time_zone).formatToParts(new Date(utc_ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const whole_second = Math.floor(utc_ms / 1000) * 1000;
  return Math.round((local - whole_second) / 60_000);
}

/**
 * The zone's offsets from `from_ms` to `to_ms`: sampled once a day and every
 * change found to the minute by bisection (zones change offset at most a few
 * times a year, never twice within a day).
 */
export function zoneOffsets(time_zone: string, from_ms: number, to_ms: number): ZoneOffsets {
  const initial_min = offsetMinutesAt(time_zone, from_ms);
  const changes: Array<[number, number]> = [];
  let prev = initial_min;
  for (let t = from_ms; t < to_ms; t += MS_PER_DAY) {
    const next_t = Math.min(t + MS_PER_DAY, to_ms);
    const off = offsetMinutesAt(time_zone, next_t);
    if (off === prev) continue;
    let lo = t;
    let hi = next_t;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMinutesAt(time_zone, mid) === prev) lo = mid;
      else hi = mid;
    }
    changes.push([hi, off]);
    if (changes.length > TIME_ZONE_LIMITS.changes_max) throw new Error(`${time_zone}: more than ${TIME_ZONE_LIMITS.changes_max} offset changes`);
    prev = off;
  }
  return { time_zone, initial_min, changes };
}
