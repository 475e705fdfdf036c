// `scheme what-if`: a past business day replayed in a scratch copy twice — as it
// was recorded (the "current" side, which must equal what the day really did)
// and with the proposed scheme in force from that day's opening (the
// "proposed" side) — and the day's figures of both. The scratch copy is a fresh
// ledger and platform state machine fed the store's journal from its first
// entry, as `verify` does; nothing is written anywhere. Deterministic: the same
// store and proposal give the same output (no clock, every order fixed).
//
// On the proposed side the operator's timetable follows the proposed scheme:
// when it changes the LSM interval, the recorded LSM runs of the day are
// replaced by runs at the new interval (every currency with queued payments,
// from the day's opening); when it changes the DNS window close, the recorded
// window closes are replaced by closes at the new time. Cut-offs, the FIFO
// bypass, rate staleness and swap caps take effect through the commands as on
// a real day. Other commands replay as recorded, at their recorded times.

import { FINANCING_TRANSFER_CODES } from '../financing/intraday_credit.js';
import { memberCurrency, SCO_MEMBER_CURRENCIES } from '../fx/iso4217.js';
import { applyPatch, type JsonValue } from '../governance/json_patch.js';
import { validateScheme, type SchemeDocument } from '../governance/scheme.js';
import { RecordingLedger } from '../journal/command.js';
import { commandRulesVersion, decodeEvents, isCommand, opName } from '../journal/entry.js';
import { LedgerStateMachine } from '../ledger/state_machine.js';
import type { JournalEntry, Store } from '../store/types.js';
import { PlatformError } from './errors.js';
import { inForce } from './governance_state.js';
import { installScheme } from './governance_effect.js';
import { findProposal } from './governance_views.js';
import { queuedCurrencies } from './liquidity_commands.js';
import type { PlatformState } from './state.js';
import { PlatformStateMachine } from './state_machine.js';
import { asPlatformError } from './governance_commands.js';
import type { Transfer } from '../ledger/types.js';

const PAGE_ENTRIES = 4_096;
const NS_PER_MS = 1_000_000n;

export interface DayFigures {
  settled_count: number;
  /** Per currency, minor units as decimal text. */
  settled_value_minor: Record<string, string>;
  rejections_by_reason: Record<string, number>;
  /** Time from first queued to settled, of payments that queued and settled; nearest rank, whole ms (floored). */
  queue_ms: { count: number; median: number | null; p99: number | null };
  /** Intraday credit drawn during the day, per currency, minor units. */
  liquidity_used_minor: Record<string, string>;
  lsm: { runs: number; released: number; released_value_minor: Record<string, string> };
  /** Per currency: gross value of the windows settled that day less the net debits that settled them. */
  window_savings_minor: Record<string, string>;
}

export interface WhatIfReport {
  proposal: string;
  day: string;
  entries_replayed: number;
  current: DayFigures & { scheme_version: number };
  proposed: DayFigures & { scheme_version: string };
}

interface DayBounds {
  start_seq: number;
  end_seq: number;
  start_ns: bigint;
  end_ns: bigint;
}

function commandOf(e: JournalEntry): { type?: string; date?: string } | null {
  if (!isCommand(e)) return null;
  try {
    return JSON.parse(e.body.toString('utf8')) as { type?: string; date?: string };
  } catch {
    return null;
  }
}

async function readAll(store: Store): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for (;;) {
    const page = await store.readJournal(out.length, PAGE_ENTRIES);
    out.push(...page);
    if (page.length < PAGE_ENTRIES) return out;
  }
}

/** The entries of business day `day`: from its open_day to its close_day (or the next open_day, or the journal's end). */
function boundsOf(entries: readonly JournalEntry[], day: string): DayBounds {
  const start = entries.findIndex((e) => {
    const c = commandOf(e);
    return c?.type === 'open_day' && c.date === day;
  });
  if (start < 0) throw new PlatformError('not_found', 'day', `no business day ${day} in the journal`);
  let end = entries.length - 1;
  for (let i = start + 1; i < entries.length; i++) {
    const t = commandOf(entries[i]!)?.type;
    if (t === 'close_day') {
      end = i;
      break;
    }
    if (t === 'open_day') {
      end = i - 1;
      break;
    }
  }
  return { start_seq: entries[start]!.seq, end_seq: entries[end]!.seq, start_ns: entries[start]!.clock_ns, end_ns: entries[end]!.clock_ns };
}

class Scratch {
  readonly sm = new LedgerStateMachine({ accounts_max: Number.MAX_SAFE_INTEGER, transfers_max: Number.MAX_SAFE_INTEGER });
  readonly state = new PlatformStateMachine();
  constructor() {
    this.state.machine = this.sm;
  }
  entry(e: JournalEntry): void {
    if (isCommand(e)) this.command(e.body, e.clock_ns, commandRulesVersion(e));
    else this.sm.execute(opName(e.op), decodeEvents(e), e.clock_ns);
  }
  command(body: Buffer, clock_ns: bigint, rules_version: number = this.state.rules_versions.current): void {
    this.state.execute(body, clock_ns, new RecordingLedger(this.sm, clock_ns), rules_version);
  }
  run(cmd: Record<string, unknown>, clock_ns: bigint): void {
    this.command(Buffer.from(JSON.stringify({ ...cmd, by: 'what-if' })), clock_ns);
  }
}

function dayNs(day: string, hhmm: string): bigint {
  return BigInt(Date.parse(`${day}T${hhmm}:00Z`)) * NS_PER_MS;
}

/** Replays the day with `doc` in force from its opening, the timetable as `doc` says when it differs from `was`. */
function replayProposed(entries: readonly JournalEntry[], b: DayBounds, day: string, doc: SchemeDocument, was: SchemeDocument | undefined): Scratch {
  const x = new Scratch();
  const retimeLsm = was === undefined || was.lsm.interval_minutes !== doc.lsm.interval_minutes;
  const retimeClose = was === undefined || was.dns_windows.close_at !== doc.dns_windows.close_at;
  const step = BigInt(doc.lsm.interval_minutes) * 60_000n * NS_PER_MS;
  let nextLsm = b.start_ns + step;
  const closeAt = dayNs(day, doc.dns_windows.close_at);
  let closed = false;
  for (const e of entries) {
    if (e.seq > b.end_seq) break;
    if (e.seq === b.start_seq) installScheme(x.state, doc, day, e.clock_ns);
    const inDay = e.seq > b.start_seq;
    if (inDay) {
      for (; retimeLsm && nextLsm <= e.clock_ns; nextLsm += step) for (const c of queuedCurrencies(x.state)) x.run({ type: 'run_lsm', currency: c }, nextLsm);
      if (retimeClose && !closed && closeAt <= e.clock_ns) {
        closed = true;
        for (const c of [...x.state.openWindowOf.keys()].sort()) x.run({ type: 'close_window', currency: c }, closeAt);
      }
      const t = commandOf(e)?.type;
      if ((retimeLsm && t === 'run_lsm') || (retimeClose && t === 'close_window')) continue;
    }
    x.entry(e);
  }
  return x;
}

function add(map: Record<string, bigint>, k: string, v: bigint): void {
  map[k] = (map[k] ?? 0n) + v;
}

function text(map: Record<string, bigint>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, map[k]!.toString()]),
  );
}

/** Nearest-rank percentile of sorted values. */
function rank(sorted: readonly bigint[], pct: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.max(0, Math.ceil((pct / 100) * sorted.length) - 1);
  return Number(sorted[i]! / NS_PER_MS);
}

/** The figures of the day [start_ns, end_ns] from a platform state and its ledger's transfers. */
export function dayFigures(s: PlatformState, transfers: readonly Transfer[], start_ns: bigint, end_ns: bigint): DayFigures {
  const within = (ns: bigint | null | undefined): boolean => ns != null && ns >= start_ns && ns <= end_ns;
  const settledValue: Record<string, bigint> = {};
  const rejections: Record<string, number> = {};
  const waits: bigint[] = [];
  let settled = 0;
  for (const p of s.payments.values()) {
    if (!within(p.history[0]?.at_ns)) continue;
    if (p.state === 'settled' && within(p.settled_at_ns)) {
      settled++;
      add(settledValue, p.instruction.currency, p.instruction.amount_minor);
      const q = p.history.find((h) => h.state === 'queued');
      if (q !== undefined) waits.push(p.settled_at_ns! - q.at_ns);
    }
    if (p.state === 'rejected') {
      const r = p.history[p.history.length - 1]!.reason ?? 'unknown';
      rejections[r] = (rejections[r] ?? 0) + 1;
    }
  }
  for (const a of s.anonymousRejections) if (within(a.at_ns)) rejections[a.reason] = (rejections[a.reason] ?? 0) + 1;
  waits.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const currencyOf = new Map(SCO_MEMBER_CURRENCIES.map((c) => [memberCurrency(c).numeric, c] as const));
  const credit: Record<string, bigint> = {};
  for (const t of transfers)
    if (t.code === FINANCING_TRANSFER_CODES.intraday_drawdown && within(t.timestamp)) add(credit, currencyOf.get(t.ledger) ?? 'XXX', t.amount);
  const lsmValue: Record<string, bigint> = {};
  let runs = 0;
  let released = 0;
  for (const r of s.lsm_runs) {
    if (!within(r.at_ns)) continue;
    if (r.linked_to === undefined) runs++;
    released += r.released;
    add(lsmValue, r.currency, r.value_minor);
  }
  return {
    settled_count: settled,
    settled_value_minor: text(settledValue),
    rejections_by_reason: Object.fromEntries(Object.entries(rejections).sort(([a], [b]) => (a < b ? -1 : 1))),
    queue_ms: { count: waits.length, median: rank(waits, 50), p99: rank(waits, 99) },
    liquidity_used_minor: text(credit),
    lsm: { runs, released, released_value_minor: text(lsmValue) },
    window_savings_minor: text(windowSavings(s, within)),
  };
}

function windowSavings(s: PlatformState, within: (ns: bigint | null) => boolean): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const w of s.windows) {
    if (w.state !== 'settled' || !within(w.closed_at_ns)) continue;
    let gross = 0n;
    for (const u of w.uetrs) {
      const p = s.payments.get(u);
      if (p?.state === 'settled') gross += p.instruction.amount_minor;
    }
    const netDebits = w.net_positions.reduce((sum, [, v]) => (v < 0n ? sum - v : sum), 0n);
    add(out, w.currency, gross - netDebits);
  }
  return out;
}

/** The what-if of proposal `id` on business day `day` of the store. */
export async function schemeWhatIf(store: Store, live: PlatformState, id: string, day: string): Promise<WhatIfReport> {
  const p = findProposal(live.governance, id);
  const current = inForce(live.governance);
  if (current === undefined) throw new PlatformError('no_scheme', '', 'no scheme: scheme init first');
  let proposed: SchemeDocument;
  try {
    proposed = validateScheme(applyPatch(current.document as unknown as JsonValue, p.changes));
  } catch (err) {
    throw asPlatformError(err);
  }
  const entries = await readAll(store);
  const b = boundsOf(entries, day);
  const now = new Scratch();
  for (const e of entries) {
    if (e.seq > b.end_seq) break;
    now.entry(e);
  }
  const wasOnDay = inForce(now.state.governance)?.document;
  const alt = replayProposed(entries, b, day, proposed, wasOnDay);
  return {
    proposal: id,
    day,
    entries_replayed: b.end_seq,
    current: { scheme_version: inForce(now.state.governance)?.version ?? 0, ...dayFigures(now.state, now.sm.transferLog, b.start_ns, b.end_ns) },
    proposed: { scheme_version: `${id} on version ${current.version}`, ...dayFigures(alt.state, alt.sm.transferLog, b.start_ns, b.end_ns) },
  };
}

/** The day's bounds in the journal (for comparing the live state with the replay). */
export async function dayBounds(store: Store, day: string): Promise<{ start_ns: bigint; end_ns: bigint }> {
  const b = boundsOf(await readAll(store), day);
  return { start_ns: b.start_ns, end_ns: b.end_ns };
}
