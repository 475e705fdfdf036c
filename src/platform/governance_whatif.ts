// `scheme what-if`: a past business day replayed in a scratch copy twice — as it
// was recorded (the "current" side, which must equal what the day really did)
// and with the proposed scheme in force from that day's opening (the
// "proposed" side) — and the day's figures of both. Each scratch copy is a
// ledger and platform state machine fed the store's journal up to the day's
// end, from its first entry as `verify` does or from the store's snapshot when
// that precedes the day and skips more journal than it weighs; nothing is
// written anywhere. Deterministic: the same store and proposal give the same
// output (no clock, every order fixed), from the snapshot or not.
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
import { decodeSnapshot, snapshotExtension } from '../journal/snapshot.js';
import { LedgerStateMachine } from '../ledger/state_machine.js';
import type { JournalEntry, Store } from '../store/types.js';
import { PlatformError } from './errors.js';
import { inForce } from './governance_state.js';
import { installScheme, versionForDay } from './governance_effect.js';
import { findProposal } from './governance_views.js';
import { queuedCurrencies } from './liquidity_commands.js';
import type { PlatformState } from './state.js';
import { PlatformStateMachine } from './state_machine.js';
import { asPlatformError } from './governance_commands.js';
import type { Transfer } from '../ledger/types.js';

const PAGE_ENTRIES = 4_096;
const SCRATCH_LIMITS = { accounts_max: Number.MAX_SAFE_INTEGER, transfers_max: Number.MAX_SAFE_INTEGER };
const OPEN_DAY = Buffer.from('"open_day"');
const CLOSE_DAY = Buffer.from('"close_day"');
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

/** The journal's entries after `after_seq`, in order. */
async function readFrom(store: Store, after_seq: number): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for (;;) {
    const page = await store.readJournal(after_seq + out.length, PAGE_ENTRIES);
    out.push(...page);
    if (page.length < PAGE_ENTRIES) return out;
  }
}

/** The command of a day boundary (open_day, close_day), or null; other entries are not parsed. */
function boundaryOf(e: JournalEntry): { type?: string; date?: string } | null {
  if (!isCommand(e) || (!e.body.includes(OPEN_DAY) && !e.body.includes(CLOSE_DAY))) return null;
  return commandOf(e);
}

/** The bounds of business day `day` among `entries` (indexes too): from its open_day to its close_day (or the next open_day, or the end); null when it is not there. */
function boundsOf(entries: readonly JournalEntry[], day: string): (DayBounds & { start: number; end: number }) | null {
  const start = entries.findIndex((e) => {
    const c = boundaryOf(e);
    return c?.type === 'open_day' && c.date === day;
  });
  if (start < 0) return null;
  let end = entries.length - 1;
  for (let i = start + 1; i < entries.length; i++) {
    const t = boundaryOf(entries[i]!)?.type;
    if (t === 'close_day') {
      end = i;
      break;
    }
    if (t === 'open_day') {
      end = i - 1;
      break;
    }
  }
  const [a, z] = [entries[start]!, entries[end]!];
  return { start, end, start_seq: a.seq, end_seq: z.seq, start_ns: a.clock_ns, end_ns: z.clock_ns };
}

class Scratch {
  readonly state = new PlatformStateMachine();
  constructor(readonly sm = new LedgerStateMachine(SCRATCH_LIMITS)) {
    this.state.machine = this.sm;
  }
  /** A scratch copy starting from a store's snapshot. */
  static fromSnapshot(bytes: Buffer): Scratch {
    const snap = decodeSnapshot(bytes, SCRATCH_LIMITS);
    const x = new Scratch(snap.machine);
    if (snap.extension.length > 0) x.state.restoreState(snap.extension);
    return x;
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

/** Replays the day (`day` = its entries, open_day first) on `x` with `doc` in force from its opening, the timetable as `doc` says when it differs from `was`. */
function replayProposed(x: Scratch, day: readonly JournalEntry[], b: DayBounds, date: string, doc: SchemeDocument, was: SchemeDocument | undefined): Scratch {
  const retimeLsm = was === undefined || was.lsm.interval_minutes !== doc.lsm.interval_minutes;
  const retimeClose = was === undefined || was.dns_windows.close_at !== doc.dns_windows.close_at;
  const step = BigInt(doc.lsm.interval_minutes) * 60_000n * NS_PER_MS;
  let nextLsm = b.start_ns + step;
  const closeAt = dayNs(date, doc.dns_windows.close_at);
  let closed = false;
  installScheme(x.state, doc, date, b.start_ns);
  for (const e of day) {
    if (e.seq > b.start_seq) {
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

/** The transfer codes dayFigures reads: a caller may pass only the transfers with these codes. */
export const DAY_FIGURES_TRANSFER_CODES: readonly number[] = [FINANCING_TRANSFER_CODES.intraday_drawdown];

/** The figures of the day [start_ns, end_ns] from a platform state and its ledger's transfers (at least those with DAY_FIGURES_TRANSFER_CODES). */
export function dayFigures(s: PlatformState, transfers: Iterable<Transfer>, start_ns: bigint, end_ns: bigint): DayFigures {
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

/** Whether a replay may start from the store's snapshot: when it saves work ('auto'), whenever it precedes the day (tests), or never. */
export type SnapshotUse = 'auto' | 'always' | 'never';

/** Bytes of journal a replay reads per byte of snapshot it decodes instead: decoding a state costs about as much as executing that much journal. */
const SNAPSHOT_WORTH = 1;

/**
 * The journal and where a replay of business day `day` starts: from the store's
 * snapshot when it precedes the day's opening and skips more journal than it
 * weighs (decoding a state is not free), else from the first entry (`skip` 0).
 */
async function journalForDay(
  store: Store,
  day: string,
  snapshot: SnapshotUse,
): Promise<{ from: Buffer | null; skip: number; entries: JournalEntry[]; b: DayBounds & { start: number; end: number } }> {
  const entries = await readFrom(store, 0);
  const b = boundsOf(entries, day);
  if (b === null) throw new PlatformError('not_found', 'day', `no business day ${day} in the journal`);
  const snap = await store.loadSnapshot();
  if (snapshot === 'never' || snap === null || snap.seq >= b.start_seq) return { from: null, skip: 0, entries, b };
  const skip = entries.findIndex((e) => e.seq > snap.seq);
  let skipped = 0;
  for (let i = 0; i < skip; i++) skipped += entries[i]!.body.length;
  const ext = snapshotExtension(snap.body);
  // A snapshot in another release's state format cannot start a replay: from the first entry then.
  const readable = ext !== null && (ext.length === 0 || new PlatformStateMachine().readsState(ext));
  if (!readable || skip < 0 || (snapshot === 'auto' && skipped < SNAPSHOT_WORTH * snap.body.length)) return { from: null, skip: 0, entries, b };
  return { from: snap.body, skip, entries, b };
}

/**
 * The what-if of proposal `id` on business day `day` of the store: two scratch
 * replays up to the day's opening (from the store's snapshot when that saves
 * work), then the current side replays the day as recorded, the proposed side
 * with the proposal applied to the version that was in force that day.
 */
export async function schemeWhatIf(store: Store, live: PlatformState, id: string, day: string, snapshot: SnapshotUse = 'auto'): Promise<WhatIfReport> {
  const p = findProposal(live.governance, id);
  const current = inForce(live.governance);
  if (current === undefined) throw new PlatformError('no_scheme', '', 'no scheme: scheme init first');
  const { from, skip, entries, b } = await journalForDay(store, day, snapshot);
  const opening = (): Scratch => {
    const x = from === null ? new Scratch() : Scratch.fromSnapshot(from);
    for (let i = skip; i < b.start; i++) x.entry(entries[i]!);
    return x;
  };
  const now = opening();
  // The version the day's opening brings (or keeps) in force: the proposal is weighed against it (a day that opened before scheme_init: against the version in force now).
  const dayVersion = versionForDay(now.state, day) ?? current;
  let proposed: SchemeDocument;
  try {
    proposed = validateScheme(applyPatch(dayVersion.document as unknown as JsonValue, p.changes));
  } catch (err) {
    throw asPlatformError(err);
  }
  const dayEntries = entries.slice(b.start, b.end + 1);
  for (const e of dayEntries) now.entry(e);
  const alt = replayProposed(opening(), dayEntries, b, day, proposed, dayVersion.document);
  return {
    proposal: id,
    day,
    entries_replayed: b.end_seq,
    current: {
      scheme_version: inForce(now.state.governance)?.version ?? 0,
      ...dayFigures(now.state, now.sm.transfersWithCodes(DAY_FIGURES_TRANSFER_CODES), b.start_ns, b.end_ns),
    },
    proposed: {
      scheme_version: `${id} on version ${dayVersion.version}`,
      ...dayFigures(alt.state, alt.sm.transfersWithCodes(DAY_FIGURES_TRANSFER_CODES), b.start_ns, b.end_ns),
    },
  };
}

/** The day's bounds in the journal (for comparing the live state with the replay). */
export async function dayBounds(store: Store, day: string): Promise<{ start_ns: bigint; end_ns: bigint }> {
  const b = (await journalForDay(store, day, 'never')).b;
  return { start_ns: b.start_ns, end_ns: b.end_ns };
}
