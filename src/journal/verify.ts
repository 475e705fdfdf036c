// `verify`: re-checks a store from its first journal entry without trusting it.
// For every entry: checksum and hash chain; a replay on a fresh state machine
// must give the recorded results; per ledger, debits equal credits (pending and
// posted); and an independent tally, built only from the transfer records in
// timestamp order, must agree with every account's balances and show every
// balance-constraint flag held after every single transfer. The snapshot must
// equal the replayed state at its position, and the query tables the final state.
// It stops at the first bad entry and names it.
//
// The journal's end is then held against heads kept elsewhere: the head the store
// recorded outside the journal table (store/head_record.ts), and a receipt a
// member kept (`--expect-head SEQ:HASH`). A journal that ends before such a head
// has lost acknowledged entries (journal_truncated); one whose entry at that
// position has another hash was rewritten (head_mismatch).

import { LedgerStateMachine, type EffectsSink, type Expiry } from '../ledger/state_machine.js';
import { AccountFlags, TransferFlags, type Account } from '../ledger/types.js';
import type { JournalEntry, RecordedHead, Store } from '../store/types.js';
import { checkEntry, commandOutputDigest, commandRulesVersion, decodeEvents, decodeResults, GENESIS_HASH, isCommand, opName } from './entry.js';
import { outputDigest, RecordingLedger, rulesVersionProblem, type CommandExecutor, type CommandOutput } from './command.js';
import { encodeSnapshot, snapshotExtension } from './snapshot.js';

/** Why verification failed: the head checks have codes of their own; every other failure is verify_failed. */
export type VerifyCode = 'verify_failed' | 'journal_truncated' | 'head_mismatch' | 'head_record_missing' | 'head_record_corrupt';

/** A journal position and the hash of its entry: what a write's receipt holds ("SEQ:HASH" in hex). */
export interface JournalHead {
  seq: number;
  hash: Buffer;
}

export interface VerifyOptions {
  /** A receipt: the journal must reach this position with this entry hash. */
  expect_head?: JournalHead;
  /**
   * Follows a journal still being written (the demo verifies its day while the day
   * runs): called whenever a read finds no entry past the last one replayed;
   * resolves true to read again, false once the writer has closed the store and a
   * read after the close found nothing more. The snapshot, the head record and the
   * query index are read only then, so every check is the one a verify after the
   * close makes, on the same journal. A snapshot the replay has already passed
   * when it is read cannot be compared at its position: that throws
   * SnapshotPassed, and the caller verifies again without following.
   */
  follow?: () => Promise<boolean>;
}

/** A following verify found the store's snapshot behind the journal's end (VerifyOptions.follow): verify again from the start without following. */
export class SnapshotPassed extends Error {
  constructor(readonly snapshot_seq: number) {
    super(`the snapshot at entry ${snapshot_seq} was written after a following verify passed that entry`);
  }
}

export interface VerifyReport {
  ok: boolean;
  /** null when ok. */
  code: VerifyCode | null;
  entries: number;
  events: number;
  accounts: number;
  transfers: number;
  snapshot_seq: number | null;
  index_seq: number;
  /** The first journal entry that failed a check, or null. */
  first_bad_seq: number | null;
  problem: string | null;
  notes: string[];
  /** The store's format (store/format.ts). */
  store_format: number;
  /** Command entries per rules version they ran under ("1": 296, …). */
  rules_versions: Record<string, number>;
  /** The journal's end as verified, "SEQ:HASH" (the hash of entry SEQ; 64 zeros for an empty journal). */
  head: string;
  /** What the store keeps outside the journal: recorded, not_recorded (an older store), missing, corrupt. */
  head_record: RecordedHead['state'];
  /** The head recorded outside the journal, "SEQ:HASH", or null. */
  recorded_head: string | null;
  /** The receipt given with --expect-head, or null. */
  expected_head: string | null;
}

export function formatHead(h: JournalHead): string {
  return `${h.seq}:${h.hash.toString('hex')}`;
}

const HEAD_TEXT = /^(0|[1-9][0-9]{0,14}):([0-9a-fA-F]{64})$/;

/** Parses "SEQ:HASH" (a receipt); null when it does not read. */
export function parseHead(text: string): JournalHead | null {
  const m = HEAD_TEXT.exec(text.trim());
  return m === null ? null : { seq: Number(m[1]), hash: Buffer.from(m[2]!, 'hex') };
}

interface Tally {
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  flags: number;
}

const PAGE_ENTRIES = 32;

/** Where verification failed: the entry (null: the query index) and why. */
interface Failure {
  seq: number | null;
  problem: string;
  code?: VerifyCode;
}

/** The store parts verification reads. */
export type VerifiableStore = Pick<
  Store,
  'loadSnapshot' | 'indexPosition' | 'readJournal' | 'allAccounts' | 'countTransfers' | 'formatVersion' | 'recordedHead'
>;

/**
 * `executor` is a fresh command executor (the platform's) for stores that hold
 * commands; without one, a command entry is reported as unverifiable.
 */
export async function verifyStore(
  store: VerifiableStore,
  onProgress: (message: string) => void = () => {},
  executor: CommandExecutor | null = null,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const following = options.follow !== undefined;
  // Following, these are read once the writer has closed the store (below).
  let snapshot = following ? null : await store.loadSnapshot();
  let recorded: RecordedHead = following ? { state: 'not_recorded' } : await store.recordedHead();
  const report = await newReport(store, snapshot, recorded, options);
  const fail = (f: Failure): VerifyReport => {
    report.ok = false;
    report.code = f.code ?? 'verify_failed';
    report.first_bad_seq = f.seq;
    report.problem = f.problem;
    return report;
  };
  // The entry hashes at the positions the heads name, collected on the way.
  // Following, every entry's hash is kept: the recorded head is known only at the end.
  const wanted = new Map<number, Buffer | null>();
  if (recorded.state === 'recorded') wanted.set(recorded.seq, null);
  if (options.expect_head !== undefined) wanted.set(options.expect_head.seq, null);
  const end = await verifyJournal(store, snapshot, executor, report, wanted, onProgress, options.follow ?? null);
  if ('problem' in end) return fail(end);
  if (following) {
    snapshot = await store.loadSnapshot();
    recorded = await store.recordedHead();
    // The same fields, in the same order, as a report begun after the close.
    Object.assign(report, storeFields(await newReport(store, snapshot, recorded, options)));
    if (snapshot !== null && snapshot.seq < end.seq) throw new SnapshotPassed(snapshot.seq);
    const comparable = snapshotIsComparable(snapshot, executor, report);
    if (
      snapshot !== null &&
      snapshot.seq === end.seq &&
      comparable &&
      !encodeSnapshot(end.seq, end.hash, end.sm, executor?.encodeState()).equals(snapshot.body)
    ) {
      // As the replay stopping at the snapshot's entry reports it: no totals.
      report.accounts = 0;
      report.transfers = 0;
      return fail({ seq: end.seq, problem: `the snapshot at entry ${end.seq} differs from the replayed state` });
    }
  }
  report.head = formatHead(end);
  const headProblem = checkHeads(end, recorded, options.expect_head, wanted, report);
  if (headProblem !== null) return fail(headProblem);
  const seq = end.seq;
  if (snapshot !== null && snapshot.seq > seq)
    return fail({ seq: snapshot.seq, problem: `the snapshot is at entry ${snapshot.seq}, past the journal's end at ${seq}` });
  if (report.index_seq > seq)
    return fail({ seq: report.index_seq, problem: `the query index claims entry ${report.index_seq}, past the journal's end at ${seq}` });
  if (report.index_seq < seq) {
    report.notes.push(`query index lags the journal (entry ${report.index_seq} of ${seq}); it is rebuilt from the journal on the next open`);
    return report;
  }
  const indexProblem = await checkIndex(store, end.sm);
  return indexProblem === null ? report : fail({ seq: null, problem: indexProblem });
}

/** The report's fields read from the store rather than found by the replay. */
function storeFields(r: VerifyReport): Partial<VerifyReport> {
  return {
    snapshot_seq: r.snapshot_seq,
    index_seq: r.index_seq,
    store_format: r.store_format,
    head_record: r.head_record,
    recorded_head: r.recorded_head,
  };
}

async function newReport(store: VerifiableStore, snapshot: { seq: number } | null, recorded: RecordedHead, options: VerifyOptions): Promise<VerifyReport> {
  return {
    ok: true,
    code: null,
    entries: 0,
    events: 0,
    accounts: 0,
    transfers: 0,
    snapshot_seq: snapshot?.seq ?? null,
    index_seq: await store.indexPosition(),
    first_bad_seq: null,
    problem: null,
    notes: [],
    store_format: await store.formatVersion(),
    rules_versions: {},
    head: formatHead({ seq: 0, hash: GENESIS_HASH }),
    head_record: recorded.state,
    recorded_head: recorded.state === 'recorded' ? formatHead(recorded) : null,
    expected_head: options.expect_head === undefined ? null : formatHead(options.expect_head),
  };
}

/**
 * Every entry from the first: checks, replay, tallies, the snapshot at its
 * position. Returns the journal's end (and the replayed state), or the failure.
 */
async function verifyJournal(
  store: VerifiableStore,
  snapshot: { seq: number; body: Buffer } | null,
  executor: CommandExecutor | null,
  report: VerifyReport,
  wanted: Map<number, Buffer | null>,
  onProgress: (message: string) => void,
  follow: (() => Promise<boolean>) | null = null,
): Promise<(JournalHead & { sm: LedgerStateMachine }) | Failure> {
  const sm = new LedgerStateMachine({ accounts_max: Number.MAX_SAFE_INTEGER, transfers_max: Number.MAX_SAFE_INTEGER });
  const tally = new Map<bigint, Tally>();
  const sums = new LedgerSums();
  /** The accounts each entry's transfers touched, debit then credit per transfer (applyTally fills it for compareTally). */
  const touched: bigint[] = [];
  const snapshotComparable = snapshotIsComparable(snapshot, executor, report);
  let seq = 0;
  let hash: Buffer = GENESIS_HASH;
  if (follow !== null || wanted.has(0)) wanted.set(0, GENESIS_HASH);
  for (;;) {
    const page = await store.readJournal(seq, PAGE_ENTRIES);
    if (page.length === 0) {
      if (follow !== null && (await follow())) continue;
      break;
    }
    for (const entry of page) {
      const bad = checkEntry(entry, seq + 1, hash);
      if (bad !== null) return { seq: seq + 1, problem: bad };
      const replayed = replayEntry(entry, sm, executor, report);
      if ('problem' in replayed) return replayed;
      const problem = applyTally(tally, sm, replayed, touched) ?? sums.check(sm.accountLog) ?? compareTally(tally, sm, replayed, touched);
      if (problem !== null) return { seq: entry.seq, problem };
      seq = entry.seq;
      hash = entry.hash;
      if (follow !== null || wanted.has(seq)) wanted.set(seq, hash);
      report.entries++;
      report.events += entry.count;
      if (snapshot !== null && snapshot.seq === seq && snapshotComparable && !encodeSnapshot(seq, hash, sm, executor?.encodeState()).equals(snapshot.body)) {
        return { seq, problem: `the snapshot at entry ${seq} differs from the replayed state` };
      }
    }
    onProgress(`verified journal to entry ${seq} (${report.events} events)`);
  }
  report.accounts = sm.accountLog.length;
  report.transfers = sm.transferCount;
  return { seq, hash, sm };
}

/** The journal's end against the head recorded outside it and the receipt given; notes what cannot be checked. */
function checkHeads(
  end: JournalHead,
  recorded: RecordedHead,
  expected: JournalHead | undefined,
  wanted: Map<number, Buffer | null>,
  report: VerifyReport,
): Failure | null {
  if (expected !== undefined) {
    const f = headAgainst(end, expected, wanted, 'the receipt given (--expect-head)');
    if (f !== null) return f;
  }
  switch (recorded.state) {
    case 'not_recorded':
      report.notes.push('head not recorded: no writer of this release has opened the store yet, so a cut journal tail cannot be seen (only --expect-head can)');
      return null;
    case 'missing':
      return { seq: null, code: 'head_record_missing', problem: `the journal head record ${recorded.where} is missing, though the store says it keeps one` };
    case 'corrupt':
      return { seq: null, code: 'head_record_corrupt', problem: `the journal head record ${recorded.where} does not read: ${recorded.problem}` };
  }
  report.notes.push(...recorded.notes);
  const f = headAgainst(end, recorded, wanted, `the head recorded in ${recorded.where}`);
  if (f !== null) return f;
  if (recorded.seq < end.seq)
    report.notes.push(`the recorded head (entry ${recorded.seq}) lags the journal's end (entry ${end.seq}): a crash between a commit and its head record`);
  return null;
}

function headAgainst(end: JournalHead, head: JournalHead, wanted: Map<number, Buffer | null>, what: string): Failure | null {
  if (head.seq > end.seq) {
    return {
      seq: end.seq + 1,
      code: 'journal_truncated',
      problem: `the journal ends at entry ${end.seq} (${formatHead(end)}), but ${what} is entry ${head.seq} (${formatHead(head)}): entries ${end.seq + 1} to ${head.seq} are missing`,
    };
  }
  const found = wanted.get(head.seq) ?? null;
  if (found === null || !found.equals(head.hash)) {
    return {
      seq: head.seq,
      code: 'head_mismatch',
      problem: `expected entry ${formatHead(head)} (${what}), found ${found === null ? 'none' : formatHead({ seq: head.seq, hash: found })}: the journal diverges`,
    };
  }
  return null;
}

/** False when the snapshot's platform state is in another release's format (noted in the report). */
function snapshotIsComparable(snapshot: { seq: number; body: Buffer } | null, executor: CommandExecutor | null, report: VerifyReport): boolean {
  if (snapshot === null || executor === null) return true;
  // An unreadable snapshot is left to the byte comparison at its entry, which names it.
  const extension = snapshotExtension(snapshot.body);
  if (extension === null || extension.length === 0 || executor.readsState(extension)) return true;
  report.notes.push(
    `the snapshot at entry ${snapshot.seq} holds the platform state in another release's format; it is not compared byte for byte and is replaced by the next snapshot`,
  );
  return false;
}

/**
 * What the tally reads of an entry's ledger batches: the accounts made, the expiries, and the
 * transfers as rows [from, to) of the ledger's transfer log, read field by field (no Transfer
 * object per transfer). No balance rows: they feed the query index, which verify does not take
 * from the replay (it compares the index's accounts with the replayed state's).
 */
export class TallyEffects implements EffectsSink {
  readonly accounts_created: Account[] = [];
  readonly expired: Expiry[] = [];
  readonly history = null;
  /** Row ranges [from, to) as pairs, in the order made. */
  readonly rows: number[] = [];

  addTransferRows(from: number, to: number): void {
    if (to > from) this.rows.push(from, to);
  }
}

/** Replays one entry on `sm`: a command under the rules version it recorded, a batch against its recorded results. */
function replayEntry(entry: JournalEntry, sm: LedgerStateMachine, executor: CommandExecutor | null, report: VerifyReport): TallyEffects | Failure {
  if (isCommand(entry)) {
    if (executor === null) return { seq: entry.seq, problem: 'a command entry, and no command executor was given to replay it' };
    const rules_version = commandRulesVersion(entry);
    const unrunnable = rulesVersionProblem(executor, rules_version);
    if (unrunnable !== null) return { seq: entry.seq, problem: unrunnable };
    report.rules_versions[String(rules_version)] = (report.rules_versions[String(rules_version)] ?? 0) + 1;
    const recorder = new RecordingLedger(sm, entry.clock_ns, new TallyEffects());
    let output: CommandOutput;
    try {
      output = executor.execute(entry.body, entry.clock_ns, recorder, rules_version);
    } catch (err) {
      return { seq: entry.seq, problem: `replay of the command failed: ${(err as Error).message}` };
    }
    if (!outputDigest(output).equals(commandOutputDigest(entry)))
      return { seq: entry.seq, problem: `replay of the command under rules version ${rules_version} gives a different output than recorded` };
    // An entry can replay as recorded and still not be genuine (a forged signature journaled as a refusal).
    const forged = executor.integrityProblem?.() ?? null;
    if (forged !== null) return { seq: entry.seq, problem: forged };
    return recorder.effects;
  }
  let results: Uint8Array;
  const effects = new TallyEffects();
  try {
    results = sm.executeInto(opName(entry.op), decodeEvents(entry), entry.clock_ns, effects);
  } catch (err) {
    return { seq: entry.seq, problem: `replay failed: ${(err as Error).message}` };
  }
  const recorded = decodeResults(entry.results, entry.count);
  for (let i = 0; i < results.length; i++) {
    if (results[i] !== recorded[i]) return { seq: entry.seq, problem: `event ${i}: replay gives result ${results[i]}, journal recorded ${recorded[i]}` };
  }
  return effects;
}

/** The query tables against the replayed state: every account, and the number of transfers. */
async function checkIndex(store: VerifiableStore, sm: LedgerStateMachine): Promise<string | null> {
  const indexed = await store.allAccounts();
  if (indexed.length !== sm.accountLog.length) return `query index holds ${indexed.length} accounts, journal replay gives ${sm.accountLog.length}`;
  for (const a of indexed) {
    const live = sm.lookupAccount(a.id);
    if (live === undefined || !sameAccount(a, live)) return `query index disagrees with the journal on account ${a.id}`;
  }
  const indexedTransfers = await store.countTransfers();
  if (indexedTransfers !== sm.transferCount) return `query index holds ${indexedTransfers} transfers, journal replay gives ${sm.transferCount}`;
  return null;
}

function applyTally(tally: Map<bigint, Tally>, sm: LedgerStateMachine, effects: TallyEffects, touched: bigint[]): string | null {
  for (const a of effects.accounts_created) {
    tally.set(a.id, { debits_pending: 0n, debits_posted: 0n, credits_pending: 0n, credits_posted: 0n, flags: a.flags });
  }
  // Expiries come first in a batch: they take the batch's first timestamps.
  for (const x of effects.expired) {
    const dr = tally.get(x.transfer.debit_account_id);
    const cr = tally.get(x.transfer.credit_account_id);
    if (dr === undefined || cr === undefined) return `expired transfer ${x.transfer.id} names an unknown account`;
    dr.debits_pending -= x.transfer.amount;
    cr.credits_pending -= x.transfer.amount;
  }
  touched.length = 0;
  const log = sm.transfers;
  const rows = effects.rows;
  for (let i = 0; i < rows.length; i += 2) {
    for (let r = rows[i]!, end = rows[i + 1]!; r < end; r++) {
      const debit = log.debitAt(r);
      const credit = log.creditAt(r);
      touched.push(debit, credit);
      const dr = tally.get(debit);
      const cr = tally.get(credit);
      if (dr === undefined || cr === undefined) return `transfer ${log.idAt(r)} names an unknown account`;
      const flags = log.flagsAt(r);
      const amount = log.amountAt(r);
      if ((flags & (TransferFlags.post_pending_transfer | TransferFlags.void_pending_transfer)) !== 0) {
        const pendingId = log.pendingIdAt(r);
        const p = sm.lookupTransfer(pendingId);
        if (p === undefined) return `transfer ${log.idAt(r)} resolves unknown pending transfer ${pendingId}`;
        if (amount > p.amount) return `transfer ${log.idAt(r)} posts more than pending transfer ${p.id} reserved`;
        dr.debits_pending -= p.amount;
        cr.credits_pending -= p.amount;
        if ((flags & TransferFlags.post_pending_transfer) !== 0) {
          dr.debits_posted += amount;
          cr.credits_posted += amount;
        }
      } else if ((flags & TransferFlags.pending) !== 0) {
        dr.debits_pending += amount;
        cr.credits_pending += amount;
      } else {
        dr.debits_posted += amount;
        cr.credits_posted += amount;
      }
      // The debit side first, then the credit side (no list of the two made per transfer).
      const drWhy = constraintBroken(dr);
      if (drWhy !== null) return `after transfer ${log.idAt(r)} the debit account ${debit} ${drWhy}`;
      const crWhy = constraintBroken(cr);
      if (crWhy !== null) return `after transfer ${log.idAt(r)} the credit account ${credit} ${crWhy}`;
    }
  }
  return null;
}

function constraintBroken(a: Tally): string | null {
  if (a.debits_pending < 0n || a.credits_pending < 0n) return 'has a negative pending balance';
  if ((a.flags & AccountFlags.debits_must_not_exceed_credits) !== 0 && a.debits_pending + a.debits_posted > a.credits_posted) {
    return 'has debits exceeding credits despite debits_must_not_exceed_credits';
  }
  if ((a.flags & AccountFlags.credits_must_not_exceed_debits) !== 0 && a.credits_pending + a.credits_posted > a.debits_posted) {
    return 'has credits exceeding debits despite credits_must_not_exceed_debits';
  }
  return null;
}

/** Every account the entry's transfers (`touched`, from applyTally) and expiries touched: its balances against its tally. */
function compareTally(tally: Map<bigint, Tally>, sm: LedgerStateMachine, effects: TallyEffects, touched: readonly bigint[]): string | null {
  const ids = new Set<bigint>(touched);
  for (const x of effects.expired) ids.add(x.transfer.debit_account_id).add(x.transfer.credit_account_id);
  for (const id of ids) {
    const a = sm.lookupAccount(id)!;
    const t = tally.get(id)!;
    if (
      a.debits_pending !== t.debits_pending ||
      a.debits_posted !== t.debits_posted ||
      a.credits_pending !== t.credits_pending ||
      a.credits_posted !== t.credits_posted
    ) {
      return `account ${id}: balances differ from the sum of its transfers`;
    }
  }
  return null;
}

/** Per ledger: pending debits, pending credits, posted debits, posted credits, summed over its accounts. */
interface LedgerSum {
  dp: bigint;
  cp: bigint;
  dpo: bigint;
  cpo: bigint;
}

/**
 * Per ledger, debits equal credits (pending and posted), summed over every
 * account, checked after every entry. The sums are kept from entry to entry: each
 * check reads every account's four balances and compares them with those it read
 * last time, and only a balance that changed moves its ledger's sums (by the
 * difference, exact in bigint). So the sums are those of a pass adding up every
 * account afresh, without its four new bigints per account per entry (a 100k demo
 * day: ~1,000 accounts, ~1,400 entries). The ledgers are checked in the order of
 * their first account, the first failing one named. Should an account's ledger
 * change or the list shrink (neither happens: accounts are only appended, a ledger
 * is fixed), the sums are added up afresh from the list.
 */
export class LedgerSums {
  private readonly sums = new Map<number, LedgerSum>();
  /** Per account seen, by position: its ledger and the four balances last read. */
  private readonly ledgers: number[] = [];
  private readonly dp: bigint[] = [];
  private readonly cp: bigint[] = [];
  private readonly dpo: bigint[] = [];
  private readonly cpo: bigint[] = [];

  check(accounts: readonly Account[]): string | null {
    if (!this.update(accounts)) this.rebuild(accounts);
    for (const [ledger, s] of this.sums) {
      if (s.dp !== s.cp) return `ledger ${ledger}: pending debits ${s.dp} != pending credits ${s.cp}`;
      if (s.dpo !== s.cpo) return `ledger ${ledger}: posted debits ${s.dpo} != posted credits ${s.cpo}`;
    }
    return null;
  }

  /** Moves the sums by what changed since the last check; false when they must be added up afresh. */
  private update(accounts: readonly Account[]): boolean {
    const seen = this.ledgers.length;
    if (accounts.length < seen) return false;
    for (let i = 0; i < seen; i++) {
      const a = accounts[i]!;
      if (a.ledger !== this.ledgers[i]) return false;
      if (a.debits_pending === this.dp[i] && a.credits_pending === this.cp[i] && a.debits_posted === this.dpo[i] && a.credits_posted === this.cpo[i]) continue;
      const s = this.sums.get(a.ledger)!;
      s.dp += a.debits_pending - this.dp[i]!;
      s.cp += a.credits_pending - this.cp[i]!;
      s.dpo += a.debits_posted - this.dpo[i]!;
      s.cpo += a.credits_posted - this.cpo[i]!;
      this.take(i, a);
    }
    for (let i = seen; i < accounts.length; i++) this.add(i, accounts[i]!);
    return true;
  }

  private rebuild(accounts: readonly Account[]): void {
    this.sums.clear();
    this.ledgers.length = 0;
    this.dp.length = 0;
    this.cp.length = 0;
    this.dpo.length = 0;
    this.cpo.length = 0;
    for (let i = 0; i < accounts.length; i++) this.add(i, accounts[i]!);
  }

  private add(i: number, a: Account): void {
    let s = this.sums.get(a.ledger);
    if (s === undefined) {
      s = { dp: 0n, cp: 0n, dpo: 0n, cpo: 0n };
      this.sums.set(a.ledger, s);
    }
    s.dp += a.debits_pending;
    s.cp += a.credits_pending;
    s.dpo += a.debits_posted;
    s.cpo += a.credits_posted;
    this.ledgers[i] = a.ledger;
    this.take(i, a);
  }

  private take(i: number, a: Account): void {
    this.dp[i] = a.debits_pending;
    this.cp[i] = a.credits_pending;
    this.dpo[i] = a.debits_posted;
    this.cpo[i] = a.credits_posted;
  }
}

function sameAccount(a: Account, b: Account): boolean {
  return (
    a.id === b.id &&
    a.debits_pending === b.debits_pending &&
    a.debits_posted === b.debits_posted &&
    a.credits_pending === b.credits_pending &&
    a.credits_posted === b.credits_posted &&
    a.user_data_128 === b.user_data_128 &&
    a.user_data_64 === b.user_data_64 &&
    a.user_data_32 === b.user_data_32 &&
    a.ledger === b.ledger &&
    a.code === b.code &&
    a.flags === b.flags &&
    a.timestamp === b.timestamp
  );
}
