// The scheme's timetable on a running server: the version in force says how
// often the liquidity-saving mechanism runs (lsm.interval_minutes) and when the
// deferred net windows open and close (dns_windows.open_at / close_at, HH:MM UTC
// on the open business day, like the platform's cut-offs, for the currencies in
// dns_windows.currencies). This module only says which commands are due at a
// time; the server's timer journals them as ordinary commands by `system`, so
// replay and verify never depend on the timer.

import type { SchemeDocument } from '../governance/scheme.js';
import { queuedCurrencies } from './liquidity_commands.js';
import type { PlatformState } from './state.js';

export type TimetableCommand = { type: 'run_lsm' | 'open_window' | 'close_window'; currency: string };

const NS_PER_MINUTE = 60_000_000_000n;

/** ns since the epoch of `HH:MM` UTC on the ISO date `date`. */
export function utcTimeOn(date: string, hhmm: string): bigint {
  const ms = Date.parse(`${date}T${hhmm}:00Z`);
  if (!Number.isFinite(ms)) throw new Error(`timetable: ${date} ${hhmm} is not a time`);
  return BigInt(ms) * 1_000_000n;
}

/** The commands the scheme's timetable makes due at `now_ns`: none without a scheme or an open business day. */
export function dueTimetable(s: PlatformState, doc: SchemeDocument | null, now_ns: bigint): TimetableCommand[] {
  const day = s.day;
  if (doc === null || day === null || day.state !== 'open') return [];
  return [...dueWindows(s, doc, day.date, day.opened_at_ns, now_ns), ...dueLsmRuns(s, doc, day.opened_at_ns, now_ns)];
}

/** Opens each scheme window currency's window once a day in [open_at, close_at); closes an open one from close_at. */
function dueWindows(s: PlatformState, doc: SchemeDocument, date: string, day_opened_ns: bigint, now_ns: bigint): TimetableCommand[] {
  const open_ns = utcTimeOn(date, doc.dns_windows.open_at);
  const close_ns = utcTimeOn(date, doc.dns_windows.close_at);
  const out: TimetableCommand[] = [];
  for (const currency of doc.dns_windows.currencies) {
    const isOpen = s.openWindowOf.has(currency);
    if (isOpen && now_ns >= close_ns) out.push({ type: 'close_window', currency });
    if (isOpen || now_ns < open_ns || now_ns >= close_ns) continue;
    // A window the timetable (or an operator) already ran today is not opened again.
    const ranToday = s.windows.some((w) => w.currency === currency && w.opened_at_ns >= day_opened_ns);
    if (!ranToday) out.push({ type: 'open_window', currency });
  }
  return out;
}

/** An LSM run for each currency with queued payments whose last run (or the day's opening) is interval_minutes old. */
function dueLsmRuns(s: PlatformState, doc: SchemeDocument, day_opened_ns: bigint, now_ns: bigint): TimetableCommand[] {
  const interval_ns = BigInt(doc.lsm.interval_minutes) * NS_PER_MINUTE;
  if (interval_ns <= 0n || now_ns - day_opened_ns < interval_ns) return [];
  const last = lastRunByCurrency(s, day_opened_ns);
  const due = (currency: string): boolean => now_ns - (last.get(currency) ?? day_opened_ns) >= interval_ns;
  return queuedCurrencies(s)
    .filter(due)
    .map((currency) => ({ type: 'run_lsm', currency }));
}

/** When each currency's LSM last ran since the day opened (the newest runs are last in lsm_runs). */
function lastRunByCurrency(s: PlatformState, day_opened_ns: bigint): Map<string, bigint> {
  const last = new Map<string, bigint>();
  for (let i = s.lsm_runs.length - 1; i >= 0; i--) {
    const run = s.lsm_runs[i]!;
    if (run.at_ns < day_opened_ns) break;
    if (!last.has(run.currency)) last.set(run.currency, run.at_ns);
  }
  return last;
}
