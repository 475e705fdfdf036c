// The platform state as snapshot bytes: JSON lines (bigints as tagged strings),
// one section header line then its records, so a large state never has to be one
// string. Deterministic: the same state gives the same bytes (arrays in their
// order, maps as arrays in insertion order).

import type { SwapLine } from '../financing/swap_lines.js';
import type { ApiDirectoryData } from './api_directory.js';
import type { GovernanceData } from './governance_state.js';
import type { QuoteInput } from '../fx/quotes.js';
import type { RatePolicy } from '../fx/rate_policy.js';
import type { CalendarEntry } from '../clearing/currency_day.js';
import type {
  AnonymousRejection,
  AuditRecord,
  BusinessDay,
  CollateralRecord,
  ComplianceCase,
  Facility,
  LsmRun,
  OperatorAlert,
  Participant,
  Payment,
  QuoteLockRecord,
  RateRow,
  SettlementWindow,
} from './types.js';

/** A list the encoder walks once: the payments are read back from their records one at a time, never all as objects. */
export type PaymentList = Iterable<Payment> & { readonly length: number };

export interface PlatformStateData {
  participants: Participant[];
  payments: PaymentList;
  anonymous_rejections: AnonymousRejection[];
  queues: Array<[string, string[]]>;
  windows: SettlementWindow[];
  days: BusinessDay[];
  cases: ComplianceCase[];
  facilities: Facility[];
  collateral: Array<[string, CollateralRecord[]]>;
  rate_rows: RateRow[];
  residues: Array<[string, bigint, bigint]>;
  audit: AuditRecord[];
  lsm_runs: LsmRun[];
  pvp_watch: Array<[string, string[]]>;
  swap_lines: SwapLine[];
  quote_inputs: QuoteInput[];
  quote_locks: QuoteLockRecord[];
  lock_seq: number;
  bypass_fifo: boolean;
  /** Written to the header only when true, so states that never set it keep their bytes. */
  liquidity_execution: boolean;
  next_seq: number;
  commands: number;
  next_transfer_no: bigint;
  /** Rules 3; written in the header line only when set, so a state without them encodes as before. */
  rate_policy: RatePolicy | null;
  rate_alerts: OperatorAlert[];
  /** API users and keys; null (and no section written) until the first directory command, so older states read and compare as before. */
  api_directory: ApiDirectoryData | null;
  /** Rules 3: calendars per currency; written in the header line only when set, so a state without them encodes as before. */
  calendars: CalendarEntry[];
  calendar_accepting: Array<[string, boolean]>;
  /** The scheme's governance; written in the header line only when set, so states without it encode as before. */
  governance: GovernanceData | null;
}

const MAGIC = 'sco-settle platform state 1';
const LISTS = [
  'participants',
  'payments',
  'anonymous_rejections',
  'queues',
  'windows',
  'days',
  'cases',
  'facilities',
  'collateral',
  'rate_rows',
  'residues',
  'audit',
  'lsm_runs',
  'pvp_watch',
  'swap_lines',
  'quote_inputs',
  'quote_locks',
] as const;
/** Lines joined into one Buffer chunk at a time. */
const CHUNK_LINES = 10_000;
const CHUNK_CHARS = 32 * 1024 * 1024;
const NEWLINE = 0x0a;

// A bigint is written as {"$n":"123"}: no platform record has a "$n" key (input
// objects with unknown keys are refused), so the tag cannot clash with data.
function replacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? { $n: v.toString() } : v;
}

function reviver(_k: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.$n === 'string' && Object.keys(o).length === 1) return BigInt(o.$n);
  }
  return v;
}

export function encodePlatformState(d: PlatformStateData): Buffer {
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  let chars = 0;
  // A chunk ends at CHUNK_LINES lines or CHUNK_CHARS characters: its text must stay far below V8's longest string.
  const emit = (line: string): void => {
    lines.push(line);
    chars += line.length + 1;
    if (lines.length >= CHUNK_LINES || chars >= CHUNK_CHARS) {
      chunks.push(Buffer.from(lines.join('\n') + '\n'));
      lines = [];
      chars = 0;
    }
  };
  const head: Record<string, unknown> = {
    magic: MAGIC,
    bypass_fifo: d.bypass_fifo,
    next_seq: d.next_seq,
    commands: d.commands,
    lock_seq: d.lock_seq,
    next_transfer_no: d.next_transfer_no,
  };
  if (d.rate_policy !== null) head.rate_policy = d.rate_policy;
  if (d.rate_alerts.length > 0) head.rate_alerts = d.rate_alerts;
  if (d.liquidity_execution) head.liquidity_execution = true;
  if (d.calendars.length > 0) {
    head.calendars = d.calendars;
    head.calendar_accepting = d.calendar_accepting;
  }
  if (d.governance !== null) head.governance = d.governance;
  emit(JSON.stringify(head, replacer));
  for (const name of LISTS) {
    const list = d[name] as Iterable<unknown> & { readonly length: number };
    emit(JSON.stringify({ section: name, count: list.length }));
    for (const item of list) emit(JSON.stringify(item, replacer));
  }
  const dir = d.api_directory;
  if (dir !== null) {
    emit(JSON.stringify({ section: 'api_directory', adopted: dir.adopted, version: dir.version, users: dir.users.length, keys: dir.keys.length }));
    for (const item of [...dir.users, ...dir.keys]) emit(JSON.stringify(item));
  }
  chunks.push(Buffer.from(lines.join('\n') + '\n'));
  return Buffer.concat(chunks);
}

/** Whether the state is in this codec's format: its first line names the format. */
export function readsPlatformState(buf: Buffer): boolean {
  const prefix = `{"magic":${JSON.stringify(MAGIC)},`;
  return buf.length > prefix.length && buf.subarray(0, prefix.length).toString('utf8') === prefix;
}

export function decodePlatformState(buf: Buffer): PlatformStateData {
  // Line by line from the bytes, never the whole state as one string: a state
  // over V8's longest string (~512 MiB, a few million payments) must still open.
  // A newline byte never occurs inside a UTF-8 sequence, so lines split as text.
  let pos = 0;
  const next = (): unknown => {
    const end = buf.indexOf(NEWLINE, pos);
    if (end < 0) throw new Error('platform state: truncated');
    const line = buf.toString('utf8', pos, end);
    pos = end + 1;
    return JSON.parse(line, reviver);
  };
  const head = next() as {
    magic: string;
    bypass_fifo: boolean;
    liquidity_execution?: boolean;
    next_seq: number;
    commands: number;
    next_transfer_no: bigint;
    lock_seq: number;
    rate_policy?: RatePolicy;
    rate_alerts?: OperatorAlert[];
    calendars?: CalendarEntry[];
    calendar_accepting?: Array<[string, boolean]>;
    governance?: GovernanceData;
  };
  if (head.magic !== MAGIC) throw new Error('platform state: unknown format');
  const out: Record<string, unknown[]> = {};
  for (const name of LISTS) {
    const h = next() as { section: string; count: number };
    if (h.section !== name) throw new Error(`platform state: expected section ${name}, found ${h.section}`);
    const list: unknown[] = [];
    for (let i = 0; i < h.count; i++) list.push(next());
    out[name] = list;
  }
  let api_directory: ApiDirectoryData | null = null;
  if (pos < buf.length) {
    const h = next() as { section: string; adopted: boolean; version: number; users: number; keys: number };
    if (h.section !== 'api_directory') throw new Error(`platform state: expected section api_directory, found ${h.section}`);
    api_directory = { adopted: h.adopted, version: h.version, users: [], keys: [] };
    for (let i = 0; i < h.users; i++) api_directory.users.push(next() as ApiDirectoryData['users'][number]);
    for (let i = 0; i < h.keys; i++) api_directory.keys.push(next() as ApiDirectoryData['keys'][number]);
  }
  if (pos !== buf.length) throw new Error('platform state: trailing bytes');
  return {
    api_directory,
    ...(out as unknown as Omit<
      PlatformStateData,
      'bypass_fifo' | 'liquidity_execution' | 'next_seq' | 'commands' | 'next_transfer_no' | 'lock_seq' | 'rate_policy' | 'rate_alerts' | 'api_directory'
    >),
    calendars: head.calendars ?? [],
    calendar_accepting: head.calendar_accepting ?? [],
    rate_policy: head.rate_policy ?? null,
    rate_alerts: head.rate_alerts ?? [],
    governance: head.governance ?? null,
    liquidity_execution: head.liquidity_execution === true,
    commands: head.commands,
    lock_seq: head.lock_seq,
    bypass_fifo: head.bypass_fifo,
    next_seq: head.next_seq,
    next_transfer_no: head.next_transfer_no,
  };
}
