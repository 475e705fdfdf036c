// The durable ledger: the single writer that owns the state machine, journals
// every batch before acknowledging it, and keeps the store's query tables in step.
//
// Commit path: batches queue; one group at a time is executed on the state
// machine and appended to the journal in one durable transaction (group commit);
// only then do the callers' promises resolve. Requests arriving while a group
// commits execute meanwhile and are appended together after it (drain). If an
// append fails, the in-memory state is ahead of the disk, so the ledger fails stop: every later call is
// refused and the process must reopen the store, which recovers from disk.
//
// Query tables are maintained off the commit path: effects of committed batches
// wait in a backlog that is written when a query needs it, when the ledger is
// idle, when its oldest batch has waited index_lag_max_ms (a short slice after a
// group commit, so a server under steady load holds about a second of it, not
// every batch since it started), when the backlog is large, and on close.
//
// Start-up: load the snapshot (if any), replay the journal after it checking
// checksums, the hash chain and that every batch gives its recorded results; then
// compare the journal's end with the head the store recorded outside it
// (store/head_record.ts): a journal that ends before that head, or differs at it,
// lost acknowledged entries, and the ledger refuses to write after it.
//
// Commands (./command.ts): with a CommandExecutor, `submitCommand` journals a
// command of a higher layer in the same sequence as ledger batches; the executor
// runs it against the state machine inside the commit step, so ledger batches and
// commands are totally ordered and replay rebuilds both.
//
// Cluster mode (./replicated.ts): with a JournalReplicator, every group is
// published to the replicated log before the local append and before any caller
// hears of it; an engine opened as a follower refuses writes and takes entries
// read back from the log through applyFollowed (checked and replayed exactly as
// at start-up, with the active engine's sampled state digests compared) until
// activate() makes it the writer.

import { LedgerStateMachine, type BatchEffects, type LedgerLimits, type Operation } from '../ledger/state_machine.js';
import { BATCH_EVENTS_MAX, type Account, type AccountBalance, type Transfer } from '../ledger/types.js';
import type { AccountFilter, HistoryRecord, IndexBatch, IndexPart, JournalEntry, LedgerStore, TransferRecords } from '../store/types.js';
import {
  buildCommandEntry,
  buildEntry,
  checkEntry,
  commandOutputDigest,
  commandRulesVersion,
  decodeEvents,
  decodeResults,
  GENESIS_HASH,
  isCommand,
  opName,
} from './entry.js';
import {
  COMMAND_BYTES_MAX,
  outputDigest,
  RecordingLedger,
  rulesVersionProblem,
  type CommandExecutor,
  type CommandGiven,
  type CommandOutput,
} from './command.js';
import { ledgerSpill } from './ledger_spill.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';
import { digestOfState, type JournalReplicator, type ReplicatedEntry } from './replicated.js';
import { WholeStateCost } from './whole_state_cost.js';

export type LedgerErrorCode =
  | 'batch_empty'
  | 'batch_too_large'
  | 'ledger_failed'
  | 'ledger_closed'
  | 'journal_corrupt'
  | 'query_limit'
  | 'command_too_large'
  | 'no_executor'
  | 'rules_too_new'
  | 'rules_too_old'
  | 'journal_truncated'
  | 'head_mismatch'
  | 'head_record_missing'
  | 'head_record_corrupt'
  | 'not_active'
  | 'replication_diverged';

export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  constructor(code: LedgerErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'LedgerError';
  }
}

export interface DurableLedgerOptions {
  /** Nanoseconds; the only source of time. Tests pass a fake one. */
  clock: () => bigint;
  limits?: LedgerLimits;
  /** Batches committed together at most (group commit). */
  group_batches_max?: number;
  /** Backlog of unindexed events that forces an index write on the commit path. */
  index_backlog_max_events?: number;
  /** Index the backlog after this long without commits. */
  index_idle_ms?: number;
  /**
   * Index on the commit path, a time slice at a time, once the oldest unindexed
   * batch has waited this long: under steady load the ledger is never idle, and
   * the backlog (every batch's effects) would otherwise grow until close.
   */
  index_lag_max_ms?: number;
  /** On close, snapshot if at least this many events were journaled since the last snapshot. */
  snapshot_min_events?: number;
  /** Progress of long work (replay, indexing), for a CLI's stderr. */
  onProgress?: (message: string) => void;
  /** Executes journaled commands (the platform); without it commands are refused. */
  executor?: CommandExecutor;
  /** Cluster mode: where every group is published before it is appended locally and acknowledged. */
  replicator?: JournalReplicator;
  /** Cluster mode: the active engine attaches a state digest to an entry at most this often (and never more than 1/DIGEST_COST_SHARE of its time). */
  state_digest_interval_ms?: number;
  /**
   * Cluster mode: snapshot while running, once this many entries came since the
   * last snapshot and periodic_snapshot_ms passed (0: only on close, as a single
   * engine does). A SIGKILLed engine never reaches close; with these it restarts
   * from a recent snapshot and replays only the tail.
   */
  periodic_snapshot_entries?: number;
  periodic_snapshot_ms?: number;
  /** Queued work from which requests execute while a commit is in flight (RUN_AHEAD_BYTES, the default). */
  run_ahead_bytes?: number;
  /**
   * Cluster mode: the longest the active engine may hold its event loop for a
   * digest or a periodic snapshot (both grow with the state); one that last took
   * longer is skipped while active, since the engine must renew its lease
   * meanwhile (a fraction of the lease). Followers, which hold no lease, take them.
   */
  active_pause_max_ms?: number;
  /** Opened as a follower: writes are refused ('not_active') until activate(); entries come in through applyFollowed. */
  follower?: boolean;
}

const REPLAY_PAGE_ENTRIES = 32;
/**
 * Queued work (command bytes; a ledger batch EVENT_BYTES an event) from which the
 * drain loop executes while a commit is in flight rather than after it: a
 * 1,000-payment submission (~190 kB) runs ahead at once; single payments (~200 B
 * each) wait for the commit and execute together, as a group commit did.
 */
const RUN_AHEAD_BYTES = 32 * 1024;
const EVENT_BYTES = 128;
/** Replays shorter than this are not worth a progress line. */
const REPLAY_QUIET_EVENTS = 100_000;
const QUERY_LIMIT_MAX = BATCH_EVENTS_MAX;
const INDEX_CHUNK_EVENTS = 65_536;
/**
 * Catching the index up goes in steps of this many events (one store transaction
 * each), in time slices that are each one turn in the store lane, so commits
 * interleave with it: a large backlog never holds the next commit for long.
 */
const INDEX_STEP_EVENTS = 1_024;
/** Background indexing holds the lane (and, on SQLite, the event loop) at most about this long at a time. */
const INDEX_SLICE_MS = 10;
/**
 * Under steady load the index takes only entries that waited index_lag_max_ms
 * (at most INDEX_STEP_EVENTS a step), once about this many events of them are
 * there (lagStepDue). Taking the whole backlog behind the first entry that came
 * of age made one 1,024-event write every half second at 2,000 requests/s, which
 * held the commit thread for 10 to 120 ms on a loaded 2-core host while every
 * append posted meanwhile waited behind it; a write per commit of the few entries
 * that just came of age cost as much again in messages and transactions.
 */
const INDEX_LAG_STEP_EVENTS = 128;
/**
 * A follower's lag path waits for this many aged events (one whole step) instead: its
 * appends wait on nothing but its own 100 ms timer (the stream holds the entries), so
 * a longer write on its commit thread delays no one, and each index transaction rewrites
 * the B-tree pages it touches (the transfers' random-id index, the per-account ones'
 * last pages) whatever the rows it adds: steps of ~1,000 events instead of ~130 took
 * about a third off a follower's commit thread (docs/benchmarks.md); steps of up to
 * 8,192 (written as one transaction) took a further fifth to a third off (issue #15).
 */
const FOLLOWER_INDEX_LAG_STEP_EVENTS = 8_192;
/**
 * A follower's entries wait this many times index_lag_max_ms (1 s by default; the
 * oldest at most twice that) before its lag path indexes them, in steps of up to
 * FOLLOWER_INDEX_LAG_STEP_EVENTS. Its index is written only for reads (a member
 * replica's queries, which catch the index up first, so they see every entry the
 * follower applied) and for the day it becomes active (it then indexes its backlog
 * in the writer's short steps, off the failover path: activate() waits only for its
 * local appends). At `bench ha`'s rate (~1,200 payments/s) the writer's lag bound
 * cut a follower's steps at a few hundred events, whatever the step size; each index
 * transaction costs the commit thread ~6-12 ms however few its rows (it rewrites
 * every B-tree page it touches), ~2/3 of that thread (issue #15, docs/benchmarks.md).
 * The backlog's effects live that much longer: at that rate ~2,400 payments' worth.
 */
const FOLLOWER_INDEX_LAG_FACTOR = 4;
/**
 * A standby's index (FollowerIndexing 'deferred'): nobody reads it until it becomes
 * active, so its entries wait STANDBY_INDEX_LAG_MS (the oldest at most twice that)
 * and go in steps of up to STANDBY_INDEX_STEP_EVENTS, one store transaction each
 * (a periodic snapshot, at most every 30 s, writes the rest first, as it does for
 * every ledger). Each transaction rewrites every B-tree page it touches whatever
 * its rows, so a few large ones cost the commit thread less than a step every
 * ~2 s (issue #15, docs/benchmarks.md). The bound is also what a read on a standby
 * just made active waits for (readyForQuery indexes the backlog first): its
 * answers are never stale, at worst later, by about that many events' index write.
 * The effects live that long: at `bench ha`'s ~2,000 payments/s about 30,000
 * payments' worth.
 */
const STANDBY_INDEX_LAG_MS = 5_000;
const STANDBY_INDEX_STEP_EVENTS = 32_768;
/**
 * index_lag_max_ms by default. Short: a batch's effects (transfer and balance objects) wait this long
 * for the index, and what lives longer than the gap between two young-generation collections (~0.7 s
 * at 2,000 requests/s with the bench's 64 MB semi-space) is copied by one, then promoted and copied
 * again; at 1 s they were about a quarter of what single-payment requests left alive
 * (scripts/api_retained_bytes.mjs). Under steady load a step still waits for INDEX_LAG_STEP_EVENTS
 * aged events, so the commit thread writes as many steps either way (issue #18, docs/benchmarks.md).
 */
const INDEX_LAG_MAX_MS = 250;
/**
 * A state digest and a snapshot encode the whole state (it grows with the day's
 * payments: about 2 s for 20,000 payments on a loaded 2-core host), holding the
 * event loop meanwhile: each is taken at most once per this many times its last
 * cost, so neither takes more than about 0.5 % of an engine's time, nor delays
 * more than about 0.5 % of the entries a follower applies, however large the state.
 */
const DIGEST_COST_SHARE = 200;
/**
 * A state this small (records) may be digested or snapshotted by an active engine
 * that has not yet timed a pass: about 0.2 s at the ~90 µs a record a loaded 2-core
 * host took. Above it an engine with no timing takes none while active (an engine
 * that restarted and took the lease at once digested a grown state for 4 s and lost
 * its lease); at that rate a timed engine's budget (a quarter of a 1.5 s lease)
 * allows about 4,000 records anyway, so timing one at open would buy little.
 */
const UNMEASURED_WEIGHT_MAX = 2_000;
/**
 * A follower's local appends are flushed (fsync, head record) at most once per
 * this long: its entries are durable in the replicated log before it reads them,
 * and its store is a copy it rebuilds from there, so a flush per entry bought
 * nothing but disk waits on the follower's path (and a member replica's lag).
 * The writer (single or active engine) flushes every group: in cluster mode its
 * local copy then keeps every acknowledged entry on disk even if every NATS node
 * lost power at once (NATS flushes on its own interval). Flushing the writer's
 * copy only once a second as well was measured and bought no replicated
 * throughput on a quiet machine (docs/benchmarks.md).
 */
const FOLLOWER_SYNC_MS = 1_000;

/**
 * A follower gathers the entries it applied and appends them to its local store
 * at most this long after the first of them (or at FOLLOWER_APPEND_ENTRIES_MAX,
 * or before an index write or snapshot, which must not pass the local journal,
 * or before it becomes active). An append per batch arriving (about one per
 * group the active engine commits) cost a message to the commit thread and a
 * transaction each, a tenth of a follower's busy main thread. Its durable head
 * is its store's: it trails the entries applied by at most this much, which the
 * replicated log holds meanwhile (a follower that stops re-reads them from it).
 */
const FOLLOWER_APPEND_MS = 100;
const FOLLOWER_APPEND_ENTRIES_MAX = 1_024;

/** A group executed on the state machine, with its journal entries (and, per entry, its output and effects). */
interface BuiltGroup {
  entries: JournalEntry[];
  replicated: ReplicatedEntry[];
  outputs: Array<Uint8Array | CommandOutput>;
  effects: BatchEffects[];
  events: number;
}

/** Executed groups handed to the store as one append (DurableLedger.launch): `done` settles, never rejects, once it is durable or failed. */
interface Flight {
  group: Request[];
  built: BuiltGroup;
  settled: boolean;
  error: Error | null;
  done: Promise<void>;
}

interface Request {
  op: Operation | 'command';
  events: readonly (Account | Transfer)[];
  command: Buffer | null;
  /** What the submitter holds of the command besides its bytes (CommandGiven), for the executor. */
  given?: CommandGiven;
  /** A batch's results, or a command's output. */
  resolve: (results: Uint8Array | CommandOutput) => void;
  reject: (err: Error) => void;
}

/** How much of a follower's time whole-state work may take: each kind at most once per `share` times its last cost. */
export interface FollowerBudget {
  /** Comparing a state digest the active engine sent (one not due is passed over). */
  digest_share: number;
  /** A periodic snapshot (its cost estimated from a digest's until one was taken). */
  snapshot_share: number;
}

/**
 * How a follower writes its query index: 'lagging' as soon as a step of aged entries
 * is there (a member replica, whose index serves queries), 'deferred' in large steps
 * (a standby, whose index is read only once it is active: STANDBY_INDEX_STEP_EVENTS).
 */
export type FollowerIndexing = 'lagging' | 'deferred';

/** The query index's rows of a batch's effects: the events the backlog counts. */
function indexEvents(effects: BatchEffects): number {
  return effects.accounts_created.length + effects.transfer_count + effects.expired.length;
}

interface Backlog {
  seq: number;
  effects: BatchEffects;
  /** performance.now() when it was committed, for index_lag_max_ms. */
  at_ms: number;
}

/** Wall-clock nanoseconds that never go backwards within the process. */
export function wallClock(): () => bigint {
  const wall0 = BigInt(Date.now()) * 1_000_000n;
  const hr0 = process.hrtime.bigint();
  return () => wall0 + (process.hrtime.bigint() - hr0);
}

export class DurableLedger {
  readonly store: LedgerStore;
  private readonly sm: LedgerStateMachine;
  private readonly clock: () => bigint;
  private readonly opts: Required<Omit<DurableLedgerOptions, 'limits' | 'onProgress' | 'executor' | 'replicator' | 'follower'>>;
  private readonly executor: CommandExecutor | null;
  private readonly progress: (message: string) => void;
  private readonly replicator: JournalReplicator | null;
  private writable: boolean;
  private lastDigestMs = Number.NEGATIVE_INFINITY;
  private readonly digestCost = new WholeStateCost(UNMEASURED_WEIGHT_MAX);
  private lastSnapshotMs = Number.NEGATIVE_INFINITY;
  private readonly snapshotCost = new WholeStateCost(UNMEASURED_WEIGHT_MAX);
  /** A follower: its whole-state work budget (setFollowerBudget), when it last compared a digest, and how many it compared and passed over. */
  private followerBudget: FollowerBudget = { digest_share: DIGEST_COST_SHARE, snapshot_share: DIGEST_COST_SHARE };
  private lastFollowedDigestMs = Number.NEGATIVE_INFINITY;
  /** A follower: when its last synced local append was (FOLLOWER_SYNC_MS). */
  private lastFollowerSyncMs = Number.NEGATIVE_INFINITY;
  /** A follower: entries applied, not yet appended to the local store (FOLLOWER_APPEND_MS), since when, and the timer that appends them. */
  private followedPending: JournalEntry[] = [];
  private followedPendingSinceMs = 0;
  private followedTimer: NodeJS.Timeout | null = null;
  private readonly followedDigests = { compared: 0, passed_over: 0 };
  /** A follower: how it writes its query index (setFollowerIndexing). */
  private followerIndexing: FollowerIndexing = 'lagging';

  private seq: number;
  private headHash: Buffer;
  /** The last entry whose append the store confirmed durable (seq and headHash run ahead of it during a commit). */
  private durableSeq: number;
  private durableHash: Buffer;
  private snapshotSeq: number;
  private eventsSinceSnapshot = 0;

  private readonly queue: Request[] = [];
  private draining = false;
  /** While the drain loop waits for a commit: wakes it when run_ahead_bytes of requests are queued. */
  private wake: (() => void) | null = null;
  /** The queue's command bytes (a ledger batch counted EVENT_BYTES an event). */
  private queuedBytes = 0;
  /** Serialises store writes: commit groups and index writes never interleave. */
  private lane: Promise<unknown> = Promise.resolve();
  private failure: Error | null = null;
  private closed = false;
  /** Callers of whenDurable() waiting for an entry to become durable, in seq order. */
  private durableWaiters: Array<{ seq: number; resolve: () => void; reject: (err: Error) => void }> = [];

  private backlog: Backlog[] = [];
  private backlogEvents = 0;
  private indexedSeq: number;
  private idleTimer: NodeJS.Timeout | null = null;

  private constructor(
    store: LedgerStore,
    sm: LedgerStateMachine,
    opts: DurableLedgerOptions,
    seq: number,
    hash: Buffer,
    indexedSeq: number,
    snapshotSeq: number,
  ) {
    this.store = store;
    this.sm = sm;
    this.clock = opts.clock;
    this.opts = {
      clock: opts.clock,
      group_batches_max: opts.group_batches_max ?? 16,
      index_backlog_max_events: opts.index_backlog_max_events ?? 2_000_000,
      index_idle_ms: opts.index_idle_ms ?? 200,
      index_lag_max_ms: opts.index_lag_max_ms ?? INDEX_LAG_MAX_MS,
      snapshot_min_events: opts.snapshot_min_events ?? 10_000,
      state_digest_interval_ms: opts.state_digest_interval_ms ?? 1_000,
      periodic_snapshot_entries: opts.periodic_snapshot_entries ?? 0,
      periodic_snapshot_ms: opts.periodic_snapshot_ms ?? 30_000,
      run_ahead_bytes: opts.run_ahead_bytes ?? RUN_AHEAD_BYTES,
      active_pause_max_ms: opts.active_pause_max_ms ?? Number.POSITIVE_INFINITY,
    };
    this.replicator = opts.replicator ?? null;
    this.writable = opts.follower !== true;
    this.progress = opts.onProgress ?? (() => {});
    this.executor = opts.executor ?? null;
    this.seq = seq;
    this.headHash = hash;
    this.durableSeq = seq;
    this.durableHash = hash;
    this.indexedSeq = indexedSeq;
    this.snapshotSeq = snapshotSeq;
  }

  /** Opens the ledger on a store: becomes its writer and recovers the state. */
  static async open(store: LedgerStore, opts: DurableLedgerOptions): Promise<DurableLedger> {
    const progress = opts.onProgress ?? (() => {});
    await store.acquireWriter();
    const spill = ledgerSpill();
    let sm = new LedgerStateMachine(opts.limits, spill);
    let seq = 0;
    let hash: Buffer = GENESIS_HASH;
    const snapshot = await store.loadSnapshot();
    if (snapshot !== null) {
      let state: ReturnType<typeof decodeSnapshot>;
      try {
        state = decodeSnapshot(snapshot.body, opts.limits, spill);
      } catch (err) {
        throw new LedgerError('journal_corrupt', `snapshot at journal entry ${snapshot.seq}: ${(err as Error).message.replace(/^snapshot: /, '')}`);
      }
      if (state.seq !== snapshot.seq) throw new LedgerError('journal_corrupt', `snapshot says seq ${state.seq}, store says ${snapshot.seq}`);
      const executor = opts.executor;
      if (executor !== undefined && state.extension.length > 0 && !executor.readsState(state.extension)) {
        // Written by another release in a state format this one does not read: the
        // journal is complete, so replay it from the start instead.
        progress(`snapshot at journal entry ${state.seq} is in another release's state format; replaying the journal from its start`);
      } else {
        sm = state.machine;
        seq = state.seq;
        if (executor !== undefined && state.extension.length > 0) executor.restoreState(state.extension);
        hash = state.hash;
        progress(`recovered snapshot at journal entry ${seq} (${sm.accountLog.length} accounts, ${sm.transferCount} transfers)`);
      }
    }
    const indexedSeq = await store.indexPosition();
    if (indexedSeq < seq) {
      throw new LedgerError('journal_corrupt', `query index is at entry ${indexedSeq}, behind the snapshot at ${seq}`);
    }
    const ledger = new DurableLedger(store, sm, opts, seq, hash, indexedSeq, seq);
    await ledger.replay();
    ledger.durableSeq = ledger.seq;
    ledger.durableHash = ledger.headHash;
    await ledger.checkRecordedHead();
    return ledger;
  }

  /** Refuses a journal that ends before, or differs at, the head the store recorded outside it. */
  private async checkRecordedHead(): Promise<void> {
    const rec = await this.store.recordedHead();
    const fix = 'restore the journal from a replica or backup that reaches it; nothing was written';
    if (rec.state === 'not_recorded') return;
    if (rec.state === 'missing') throw new LedgerError('head_record_missing', `the journal head record ${rec.where} is missing; ${fix}`);
    if (rec.state === 'corrupt') throw new LedgerError('head_record_corrupt', `the journal head record ${rec.where} does not read: ${rec.problem}`);
    for (const note of rec.notes) this.progress(note);
    if (rec.seq > this.seq) {
      throw new LedgerError(
        'journal_truncated',
        `the journal ends at entry ${this.seq}, but ${rec.where} records entry ${rec.seq} as acknowledged: entries ${this.seq + 1} to ${rec.seq} are missing; ${fix}`,
      );
    }
    const at = rec.seq === this.seq ? this.headHash : rec.seq === 0 ? GENESIS_HASH : (await this.store.readJournal(rec.seq - 1, 1))[0]?.hash;
    if (at === undefined || !at.equals(rec.hash)) {
      throw new LedgerError(
        'head_mismatch',
        `journal entry ${rec.seq} has hash ${at?.toString('hex') ?? 'none'}, but ${rec.where} records ${rec.hash.toString('hex')}: the journal was rewritten`,
      );
    }
  }

  private async replay(): Promise<void> {
    let replayed = 0;
    for (;;) {
      const page = await this.store.readJournal(this.seq, REPLAY_PAGE_ENTRIES);
      if (page.length === 0) break;
      for (const entry of page) {
        const bad = checkEntry(entry, this.seq + 1, this.headHash);
        if (bad !== null) throw new LedgerError('journal_corrupt', `journal entry ${entry.seq}: ${bad}`);
        const effects = this.applyEntry(entry);
        this.seq = entry.seq;
        this.headHash = entry.hash;
        this.eventsSinceSnapshot += entry.count;
        if (entry.seq > this.indexedSeq) this.addBacklog(entry.seq, effects);
        replayed += entry.count;
      }
      if (replayed >= REPLAY_QUIET_EVENTS) this.progress(`replayed journal to entry ${this.seq} (${replayed} events)`);
    }
  }

  /** Runs one checked entry on the state machine as recorded; throws naming the entry when it gives another answer. */
  private applyEntry(entry: JournalEntry): BatchEffects {
    if (isCommand(entry)) {
      if (this.executor === null) throw new LedgerError('no_executor', `journal entry ${entry.seq} is a command; open the store through the platform`);
      const rules_version = commandRulesVersion(entry);
      const problem = rulesVersionProblem(this.executor, rules_version);
      if (problem !== null)
        throw new LedgerError(
          rules_version > this.executor.rules_versions.current ? 'rules_too_new' : 'rules_too_old',
          `journal entry ${entry.seq}: ${problem}`,
        );
      const recorder = new RecordingLedger(this.sm, entry.clock_ns);
      const output = this.executor.execute(entry.body, entry.clock_ns, recorder, rules_version);
      if (!outputDigest(output).equals(commandOutputDigest(entry))) {
        throw new LedgerError('journal_corrupt', `journal entry ${entry.seq}: replay of the command gave a different output than recorded`);
      }
      return recorder.effects;
    }
    const run = this.sm.execute(opName(entry.op), decodeEvents(entry), entry.clock_ns);
    if (!sameResults(run.results, decodeResults(entry.results, entry.count))) {
      throw new LedgerError('journal_corrupt', `journal entry ${entry.seq}: replay gave different results than recorded`);
    }
    return run.effects;
  }

  get journal_seq(): number {
    return this.seq;
  }

  /** The journal position and hash of the last durable entry: a receipt for every write acknowledged so far. */
  get durable_head(): { seq: number; hash: Buffer } {
    return { seq: this.durableSeq, hash: this.durableHash };
  }

  /** Called after each durable journal commit with its duration in seconds and its entry count (for metrics). */
  commitObserver: ((seconds: number, entries: number) => void) | null = null;

  /** Durable journal entries whose effects the query index does not hold yet. */
  get index_backlog_entries(): number {
    return Math.max(0, this.durableSeq - this.indexedSeq);
  }

  /** The journal write that stopped the ledger (every write refused since), or null while it writes. */
  get failed(): Error | null {
    return this.failure;
  }

  get state(): LedgerStateMachine {
    return this.sm;
  }

  createAccounts(accounts: readonly Account[]): Promise<Uint8Array> {
    return this.submit('create_accounts', accounts);
  }

  createTransfers(transfers: readonly Transfer[]): Promise<Uint8Array> {
    return this.submit('create_transfers', transfers);
  }

  /** Journals the expiry of every pending transfer whose timeout has passed. */
  async pulse(): Promise<void> {
    if (!this.writable) return;
    const next = this.sm.nextExpiry();
    if (next !== null && next <= this.clock()) await this.submit('pulse', []);
  }

  private submit(op: Operation, events: readonly (Account | Transfer)[]): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new LedgerError('ledger_closed', 'the ledger is closed'));
    if (this.failure !== null) return Promise.reject(this.failedError());
    if (!this.writable) return Promise.reject(notActive());
    if (op !== 'pulse' && events.length === 0) return Promise.reject(new LedgerError('batch_empty', 'a batch needs at least one event'));
    if (events.length > BATCH_EVENTS_MAX) {
      return Promise.reject(new LedgerError('batch_too_large', `a batch holds at most ${BATCH_EVENTS_MAX} events, got ${events.length}`));
    }
    return this.enqueue({ op, events, command: null }) as Promise<Uint8Array>;
  }

  /**
   * Journals one command and executes it with the executor; resolves with its
   * output once the entry is durable. Commands and ledger batches share one order.
   * `given`: what the caller holds of the command besides its bytes (CommandGiven),
   * handed to the executor with them.
   */
  submitCommand(command: Buffer, given?: CommandGiven): Promise<CommandOutput> {
    if (this.closed) return Promise.reject(new LedgerError('ledger_closed', 'the ledger is closed'));
    if (this.failure !== null) return Promise.reject(this.failedError());
    if (!this.writable) return Promise.reject(notActive());
    if (this.executor === null) return Promise.reject(new LedgerError('no_executor', 'this ledger was opened without a command executor'));
    if (command.length > COMMAND_BYTES_MAX) {
      return Promise.reject(new LedgerError('command_too_large', `a command holds at most ${COMMAND_BYTES_MAX} bytes, got ${command.length}`));
    }
    // The executor's output itself (with its `value`, when it set one) is what resolves.
    const req: Omit<Request, 'resolve' | 'reject'> = { op: 'command', events: [], command };
    if (given !== undefined) req.given = given;
    return this.enqueue(req) as Promise<CommandOutput>;
  }

  private enqueue(req: Omit<Request, 'resolve' | 'reject'>): Promise<Uint8Array | CommandOutput> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...req, resolve, reject });
      this.queuedBytes += req.command?.length ?? req.events.length * EVENT_BYTES;
      if (this.wake !== null && this.queuedBytes >= this.opts.run_ahead_bytes) {
        // The drain loop waits on a commit and enough work queued: it runs ahead, on the next turn (as below,
        // so that requests arriving in the same I/O phase join it).
        setImmediate(this.wake);
        this.wake = null;
      }
      if (!this.draining) {
        this.draining = true;
        // Start on the next turn of the event loop, not in this microtask: requests
        // that arrived in the same I/O phase (other sockets) then join this group
        // commit instead of each paying for an fsync of its own.
        setImmediate(() => void this.exclusive(() => this.drain()));
      }
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn);
    this.lane = run.catch(() => undefined);
    return run;
  }

  /**
   * Executes queued groups and commits them, two stages deep: while one append is
   * in flight (the commit thread writes and fsyncs it), requests that arrive
   * already execute on the state machine (`ahead`) once run_ahead_bytes of them
   * are queued, and everything executed
   * meanwhile is handed to the store as the next append, in one durable
   * transaction, once the one before it is durable (so never a gap in the journal,
   * even when an append fails). Nobody hears of an entry before its own append is
   * durable (land). Index work that is due (entries older than index_lag_max_ms)
   * and a periodic snapshot that is due stop the running ahead until the state and
   * the journal meet again: they get their turn as before, a snapshot of durable
   * state only.
   */
  private async drain(): Promise<void> {
    this.cancelIdle();
    let flight: Flight | null = null;
    let ahead: Array<{ group: Request[]; built: BuiltGroup }> = [];
    let landed = false;
    for (;;) {
      if (flight?.settled === true) {
        const ok = await this.land(flight);
        flight = null;
        if (!ok) {
          for (const a of ahead) this.rejectAll(a.group);
          ahead = [];
          break;
        }
        landed = true;
      }
      if (flight === null) {
        if (ahead.length > 0) {
          flight = this.launch(ahead);
          ahead = [];
          continue;
        }
        // The state and the journal meet: the index's and the snapshots' turn.
        if (landed) await this.afterCommit();
        landed = false;
        if (this.queue.length === 0 || this.failure !== null) break;
        const group = this.takeGroup();
        const built = this.executeGroup(group);
        if (built === null) {
          this.rejectAll(group);
          break;
        }
        flight = this.launch([{ group, built }]);
        continue;
      }
      if (this.failure !== null || this.indexDue() || this.snapshotDue()) {
        await flight.done;
        continue;
      }
      if (this.queuedBytes < this.opts.run_ahead_bytes) {
        // Until enough work is queued to run ahead, or the commit ends. Single small requests wait for the
        // commit as they did (running each ahead alone costs more than it saves); large batches run ahead.
        await Promise.race([flight.done, new Promise<void>((resolve) => (this.wake = resolve))]);
        this.wake = null;
        continue;
      }
      const group = this.takeGroup();
      const built = this.executeGroup(group);
      if (built === null) {
        // What ran before the executor threw is still answered once durable; what ran ahead after it is not.
        this.rejectAll(group);
        for (const a of ahead) this.rejectAll(a.group);
        ahead = [];
        await this.land(flight);
        flight = null;
        break;
      }
      ahead.push({ group, built });
    }
    this.draining = false;
    this.scheduleIdle();
  }

  /**
   * Appends to the local store: flushed every time by the writer; by a follower,
   * whose entries the replicated log holds durably already, only about once per
   * FOLLOWER_SYNC_MS (a power cut costs at most a re-read of that tail).
   */
  private async appendLocal(entries: readonly JournalEntry[]): Promise<void> {
    const now = performance.now();
    const sync = this.writable || now - this.lastFollowerSyncMs >= FOLLOWER_SYNC_MS;
    await this.store.appendJournal(entries, { sync });
    if (sync && !this.writable) this.lastFollowerSyncMs = now;
  }

  /** The next group off the queue (at most group_batches_max requests). */
  private takeGroup(): Request[] {
    const group = this.queue.splice(0, this.opts.group_batches_max);
    for (const req of group) this.queuedBytes -= req.command?.length ?? req.events.length * EVENT_BYTES;
    return group;
  }

  /** Hands executed groups to the replicated log and the store as one append (one durable transaction). */
  private launch(parts: ReadonlyArray<{ group: Request[]; built: BuiltGroup }>): Flight {
    let group: Request[];
    let built: BuiltGroup;
    if (parts.length === 1) ({ group, built } = parts[0]!);
    else {
      group = [];
      built = { entries: [], replicated: [], outputs: [], effects: [], events: 0 };
      for (const p of parts) {
        group.push(...p.group);
        built.entries.push(...p.built.entries);
        built.replicated.push(...p.built.replicated);
        built.outputs.push(...p.built.outputs);
        built.effects.push(...p.built.effects);
        built.events += p.built.events;
      }
    }
    const flight: Flight = { group, built, settled: false, error: null, done: Promise.resolve() };
    const commit = async (): Promise<void> => {
      const t0 = performance.now();
      // Cluster mode: the replicated log first (it fences a stale engine), then the local store.
      if (this.replicator !== null) await this.replicator.publish(built.replicated);
      await this.appendLocal(built.entries);
      this.commitObserver?.((performance.now() - t0) / 1000, built.entries.length);
    };
    flight.done = commit().then(
      () => {
        flight.settled = true;
      },
      (err: Error) => {
        flight.error = err;
        flight.settled = true;
      },
    );
    return flight;
  }

  /**
   * Waits for a group's append; durable: the head moves to its last entry, its
   * effects join the index backlog and its callers are answered (true). Failed:
   * the ledger fails stop and the group and the queue are refused (false).
   */
  private async land(flight: Flight): Promise<boolean> {
    await flight.done;
    if (flight.error !== null) {
      this.failure ??= flight.error;
      this.rejectAll(flight.group);
      return false;
    }
    const { built } = flight;
    const last = built.entries[built.entries.length - 1]!;
    this.eventsSinceSnapshot += built.events;
    this.durableSeq = last.seq;
    this.durableHash = last.hash;
    // The query index holds durable entries only.
    for (let i = 0; i < built.entries.length; i++) this.addBacklog(built.entries[i]!.seq, built.effects[i]!);
    this.settleDurableWaiters();
    flight.group.forEach((req, i) => {
      req.resolve(built.outputs[i]!);
    });
    return true;
  }

  /** Between commits: the query index's share of the time, and a periodic snapshot when one is due. */
  private async afterCommit(): Promise<void> {
    // The query tables are rebuilt from the journal: a failed index write (a full disk) leaves
    // the backlog to the next attempt, and must not stop the drain loop with `draining` still set.
    if (this.backlogEvents >= this.opts.index_backlog_max_events) await this.writeIndex().catch(() => undefined);
    else await this.indexLagging().catch(() => undefined);
    await this.snapshotIfDue().catch(() => undefined);
  }

  private rejectAll(group: readonly Request[]): void {
    for (const req of group) req.reject(this.failedError());
    for (const req of this.queue.splice(0)) req.reject(this.failedError());
    this.queuedBytes = 0;
    this.settleDurableWaiters();
  }

  /**
   * Resolves once every entry executed so far is durable (in cluster mode: in the
   * replicated log, which takes it before the local store); rejects when the ledger
   * fails first. The state in memory runs ahead of the journal while a group
   * commits, and an engine fenced by another ends with state that never reaches
   * it: an answer drawn from that state (a keyed retry answered with what the
   * state already holds) waits for this before it acknowledges anything.
   */
  whenDurable(): Promise<void> {
    const seq = this.seq;
    if (this.durableSeq >= seq) return Promise.resolve();
    // A follower's state holds only entries read from the replicated log, durable there before it applied them
    // (its own store trails by up to FOLLOWER_APPEND_MS): a read on it does not wait for its local append.
    if (!this.writable && this.failure === null) return Promise.resolve();
    if (this.failure !== null) return Promise.reject(this.failedError());
    return new Promise((resolve, reject) => this.durableWaiters.push({ seq, resolve, reject }));
  }

  private settleDurableWaiters(): void {
    if (this.durableWaiters.length === 0) return;
    const waiting = this.durableWaiters;
    this.durableWaiters = [];
    for (const w of waiting) {
      if (this.durableSeq >= w.seq) w.resolve();
      else if (this.failure !== null) w.reject(this.failedError());
      else this.durableWaiters.push(w);
    }
  }

  /** Executes a group on the state machine and builds its entries; null (and `failure` set) when the executor threw. */
  private executeGroup(group: readonly Request[]): BuiltGroup | null {
    const entries: JournalEntry[] = [];
    const replicated: ReplicatedEntry[] = [];
    const outputs: Array<Uint8Array | CommandOutput> = [];
    const effectsOf: BatchEffects[] = [];
    let events = 0;
    for (const req of group) {
      const clock_ns = this.clock();
      let entry: JournalEntry;
      let results: Uint8Array | CommandOutput;
      let effects: BatchEffects;
      if (req.op === 'command') {
        const recorder = new RecordingLedger(this.sm, clock_ns);
        const rules_version = this.executor!.rules_versions.current;
        try {
          results = this.executor!.execute(req.command!, clock_ns, recorder, rules_version, req.given);
          // Spent: the submitter's copy of the command (a batch's thousand payment objects) need not live on until
          // the append is durable, through the young generation's collections meanwhile, which copy what is alive.
          req.given = undefined;
        } catch (err) {
          // A throwing executor may have changed the state half-way: fail stop.
          this.failure = err as Error;
          return null;
        }
        effects = recorder.effects;
        entry = buildCommandEntry(this.seq + 1, clock_ns, req.command!, outputDigest(results), rules_version, this.headHash);
        // The caller learns its entry's position (the platform's change feed numbers changes by it).
        (results as { journal_seq?: number }).journal_seq = this.seq + 1;
      } else {
        const run = this.sm.execute(req.op, req.events, clock_ns);
        ({ results, effects } = run);
        entry = buildEntry(this.seq + 1, req.op, clock_ns, req.events, run.results, this.headHash);
      }
      this.seq = entry.seq;
      this.headHash = entry.hash;
      entries.push(entry);
      if (this.replicator !== null) replicated.push({ entry, state_digest: this.sampleDigest() });
      outputs.push(results);
      effectsOf.push(effects);
      events += req.events.length;
    }
    return { entries, replicated, outputs, effects: effectsOf, events };
  }

  /** The state digest after the entry just executed, when one is due (at most every state_digest_interval_ms). */
  private sampleDigest(): Buffer | null {
    const now = performance.now();
    if (now - this.lastDigestMs < Math.max(this.opts.state_digest_interval_ms, DIGEST_COST_SHARE * this.digestCost.lastMs)) return null;
    const weight = this.stateWeight();
    if (!this.digestCost.fits(weight, this.opts.active_pause_max_ms)) return null;
    const digest = this.stateDigest();
    this.lastDigestMs = performance.now();
    this.digestCost.measured(this.lastDigestMs - now, weight);
    return digest;
  }

  /** The state digest to compare with one the active engine sent; its cost is remembered for when this engine is active. */
  private followedDigest(): Buffer {
    const t0 = performance.now();
    const weight = this.stateWeight();
    const digest = this.stateDigest();
    this.lastFollowedDigestMs = performance.now();
    this.digestCost.measured(this.lastFollowedDigestMs - t0, weight);
    return digest;
  }

  /**
   * How much state a whole-state pass covers: the ledger's accounts and transfers
   * and the executor's records. Its cost grows with this (./whole_state_cost.ts).
   */
  private stateWeight(): number {
    return this.sm.accounts.size + this.sm.transfers.size + (this.executor?.stateWeight?.() ?? 0);
  }

  /**
   * Whether a follower compares the digest the active engine sent now: a whole-state
   * digest holds the event loop for time that grows with the state, and every entry
   * arriving meanwhile waits, so it is taken at most once per digest_share times its
   * last cost. Every entry is still checked (checksum, chain) and replayed against
   * its recorded results; only the whole-state cross-check is sampled.
   */
  private followedDigestDue(): boolean {
    const due = performance.now() - this.lastFollowedDigestMs >= this.followerBudget.digest_share * this.digestCost.lastMs;
    if (due) this.followedDigests.compared++;
    else this.followedDigests.passed_over++;
    return due;
  }

  /** Cluster mode, a follower: how much of its time digests and periodic snapshots may take (FollowerBudget). */
  setFollowerBudget(budget: FollowerBudget): void {
    this.followerBudget = { ...budget };
    // Its periodic snapshots are timed from now, not due at once (a catch-up just replayed is in the stream anyway).
    if (this.lastSnapshotMs === Number.NEGATIVE_INFINITY) this.lastSnapshotMs = performance.now();
  }

  /** Cluster mode, a follower: how it writes its query index (FollowerIndexing; 'lagging' until told). */
  setFollowerIndexing(indexing: FollowerIndexing): void {
    this.followerIndexing = indexing;
  }

  /** A standby's index now: written in large steps only (FollowerIndexing 'deferred'); false once it is active. */
  private standbyIndexDeferred(): boolean {
    return !this.writable && this.followerIndexing === 'deferred';
  }

  /** What a whole-state digest is expected to take now (ms), or null while this engine has timed none. */
  get whole_state_digest_ms(): number | null {
    return this.digestCost.estimate(this.stateWeight());
  }

  /** Digests the active engine sent that this follower compared, and passed over (over its budget). */
  get followed_digests(): { compared: number; passed_over: number } {
    return { ...this.followedDigests };
  }

  /** sha256 of the whole state at the current position (ledger and executor, as a snapshot encodes it). */
  stateDigest(): Buffer {
    return digestOfState(encodeSnapshot(this.seq, this.headHash, this.sm, this.executorState()));
  }

  // ---- cluster mode: following the replicated log -----------------------------------------

  /** Whether this ledger writes (false: a follower until activate()). */
  get active(): boolean {
    return this.writable;
  }

  /** Makes a follower the writer: it must have applied the replicated log to its end first. Its applied entries reach its store first. */
  async activate(): Promise<void> {
    await this.flushFollowed();
    if (this.failure !== null) throw this.failedError();
    this.writable = true;
    // Its first entries (the fencing entry) carry no digest: the clock of digests starts now, at the cost followed digests took.
    this.lastDigestMs = performance.now();
  }

  /** Journals an entry with no events (a pulse), so that the replicated log moves past any stale writer's position. */
  fence(): Promise<void> {
    if (!this.writable) return Promise.reject(notActive());
    return this.enqueue({ op: 'pulse', events: [], command: null }).then(() => undefined);
  }

  /**
   * A follower applies entries read back from the replicated log: each is checked
   * (checksum, chain, the next seq), replayed as recorded, its state digest
   * compared when the active engine sent one, and the lot appended to the local
   * store. Any mismatch stops the ledger with an error naming the entry.
   */
  applyFollowed(items: readonly ReplicatedEntry[]): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failedError());
    if (this.writable) return Promise.reject(new LedgerError('not_active', 'the active engine does not follow the replicated log'));
    const run = this.exclusive(async () => {
      for (const { entry, state_digest } of items) {
        const bad = checkEntry(entry, this.seq + 1, this.headHash);
        if (bad !== null) throw new LedgerError('journal_corrupt', `replicated journal entry ${entry.seq}: ${bad}`);
        const effects = this.applyEntry(entry);
        this.seq = entry.seq;
        this.headHash = entry.hash;
        this.eventsSinceSnapshot += entry.count;
        this.addBacklog(entry.seq, effects);
        if (this.followedPending.length === 0) this.followedPendingSinceMs = performance.now();
        this.followedPending.push(entry);
        if (state_digest !== null && this.followedDigestDue() && !state_digest.equals(this.followedDigest()))
          throw new LedgerError('replication_diverged', `journal entry ${entry.seq}: the state digest after it differs from the active engine's`);
      }
      // The stream holds these durably already: they reach the local store a few batches at a time.
      if (this.followedPending.length >= FOLLOWER_APPEND_ENTRIES_MAX || performance.now() - this.followedPendingSinceMs >= FOLLOWER_APPEND_MS)
        await this.appendFollowed();
      else this.scheduleFollowedAppend();
      // Entries arrive without pause under load, so the idle timer never fires: index as the active engine does.
      if (this.backlogEvents >= this.opts.index_backlog_max_events) await this.writeIndex();
      else await this.indexLagging();
      await this.snapshotIfDue().catch(() => undefined);
      this.scheduleIdle();
    });
    return run.catch((err: Error) => {
      // The state in memory may be ahead of the store or wrong: fail stop.
      this.failure ??= err;
      this.settleDurableWaiters();
      throw err;
    });
  }

  /** A follower: appends the entries it applied to its local store (at most FOLLOWER_APPEND_MS after the first). Runs inside the lane. */
  private async appendFollowed(): Promise<void> {
    this.cancelFollowedAppend();
    const entries = this.followedPending;
    if (entries.length === 0 || this.failure !== null) return;
    this.followedPending = [];
    try {
      await this.appendLocal(entries);
    } catch (err) {
      // Applied in memory and not in the store: fail stop (the store is rebuilt from the replicated log).
      this.failure ??= err as Error;
      this.settleDurableWaiters();
      throw err;
    }
    const last = entries[entries.length - 1]!;
    this.durableSeq = last.seq;
    this.durableHash = last.hash;
    this.settleDurableWaiters();
  }

  /** A follower: appends what it applied to its local store now (it trails by at most FOLLOWER_APPEND_MS otherwise). */
  flushFollowed(): Promise<void> {
    if (this.followedPending.length === 0) return Promise.resolve();
    return this.exclusive(() => this.appendFollowed());
  }

  private scheduleFollowedAppend(): void {
    if (this.followedTimer !== null || this.followedPending.length === 0) return;
    const wait = Math.max(0, FOLLOWER_APPEND_MS - (performance.now() - this.followedPendingSinceMs));
    this.followedTimer = setTimeout(() => {
      this.followedTimer = null;
      void this.flushFollowed().catch(() => undefined);
    }, wait);
    this.followedTimer.unref();
  }

  private cancelFollowedAppend(): void {
    if (this.followedTimer !== null) {
      clearTimeout(this.followedTimer);
      this.followedTimer = null;
    }
  }

  private failedError(): LedgerError {
    return new LedgerError('ledger_failed', `the ledger stopped after a failed journal write (${this.failure?.message}); reopen the store to recover`);
  }

  // ---- query index ----------------------------------------------------------------------

  private addBacklog(seq: number, effects: BatchEffects): void {
    this.backlog.push({ seq, effects, at_ms: performance.now() });
    this.backlogEvents += indexEvents(effects);
  }

  /** Whether indexLagging has a step to write now (lagStepDue), or the backlog is over its bound. */
  private indexDue(): boolean {
    return this.backlogEvents >= this.opts.index_backlog_max_events || this.lagStepDue(performance.now());
  }

  /**
   * Whether the lag path has a step to write at `now`: its due events (lagPath) of
   * entries that waited its wait, or an oldest entry that waited twice that. A step per commit of the few entries
   * that just came of age cost about as much again per payment in messages and
   * transactions as the rows did.
   */
  private lagStepDue(now: number): boolean {
    const first = this.backlog[0];
    const { lag_ms, due_events } = this.lagPath();
    if (first === undefined || first.at_ms > now - lag_ms) return false;
    if (first.at_ms <= now - 2 * lag_ms) return true;
    let events = 0;
    for (const b of this.backlog) {
      if (b.at_ms > now - lag_ms) return false;
      events += indexEvents(b.effects);
      if (events >= due_events) return true;
    }
    return false;
  }

  /** Indexes, for at most INDEX_SLICE_MS, the backlog entries older than the lag path's wait, a step at a time while one is due. Runs inside the lane. */
  private async indexLagging(): Promise<void> {
    const t0 = performance.now();
    const { lag_ms, step_events } = this.lagPath();
    const before = t0 - lag_ms;
    while (this.lagStepDue(t0) && performance.now() - t0 < INDEX_SLICE_MS) await this.writeIndexStep(step_events, before);
  }

  /**
   * The lag path's settings for this ledger's role, chosen here only: how long a committed entry waits for the
   * index, how many events of waiting entries make a step due, and a step's events at most. The writer:
   * index_lag_max_ms, INDEX_LAG_STEP_EVENTS, INDEX_STEP_EVENTS; a follower: FOLLOWER_INDEX_LAG_FACTOR times
   * index_lag_max_ms, and FOLLOWER_INDEX_LAG_STEP_EVENTS for both counts.
   */
  private lagPath(): { lag_ms: number; due_events: number; step_events: number } {
    if (this.writable) return { lag_ms: this.opts.index_lag_max_ms, due_events: INDEX_LAG_STEP_EVENTS, step_events: INDEX_STEP_EVENTS };
    if (this.standbyIndexDeferred()) return { lag_ms: STANDBY_INDEX_LAG_MS, due_events: STANDBY_INDEX_STEP_EVENTS, step_events: STANDBY_INDEX_STEP_EVENTS };
    return {
      lag_ms: FOLLOWER_INDEX_LAG_FACTOR * this.opts.index_lag_max_ms,
      due_events: FOLLOWER_INDEX_LAG_STEP_EVENTS,
      step_events: FOLLOWER_INDEX_LAG_STEP_EVENTS,
    };
  }

  /** Committed batches not yet in the query tables (bounded under steady load by index_lag_max_ms). */
  get backlogSize(): { batches: number; events: number } {
    return { batches: this.backlog.length, events: this.backlogEvents };
  }

  private scheduleIdle(): void {
    if (this.backlog.length === 0 || this.closed || this.failure !== null) return;
    // A standby's index waits for its large steps (or its activation, or a query): a quiet stream is most
    // often a failover, when the standby taking over needs the cores and the lane for its tail.
    if (this.standbyIndexDeferred()) return;
    this.cancelIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      void this.catchUpIndex().catch(() => undefined);
    }, this.opts.index_idle_ms);
    this.idleTimer.unref();
  }

  private cancelIdle(): void {
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }

  /**
   * Brings the query tables up to the batches committed when it was called, a
   * step per lane turn, so commits arriving meanwhile are not held up.
   */
  async catchUpIndex(): Promise<void> {
    const target = this.seq;
    while (this.indexedSeq < target && this.backlog.length > 0) {
      if (this.failure !== null) throw this.failedError();
      await this.exclusive(async () => {
        const t0 = performance.now();
        do await this.writeIndexStep(INDEX_STEP_EVENTS);
        while (this.backlog.length > 0 && this.indexedSeq < target && performance.now() - t0 < INDEX_SLICE_MS);
      });
      // A store may index synchronously (SQLite): after each time slice yield a full
      // event-loop turn, so requests that arrived meanwhile are read and commit first.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** All of the backlog, in chunks of INDEX_CHUNK_EVENTS (close, snapshot, an over-full backlog). Runs inside the lane. */
  private async writeIndex(): Promise<void> {
    const total = this.backlogEvents;
    let written = 0;
    while (this.backlog.length > 0) {
      written += await this.writeIndexStep(INDEX_CHUNK_EVENTS);
      if (total > INDEX_CHUNK_EVENTS) this.progress(`indexed ${written}/${total} events`);
    }
  }

  /**
   * Indexes the oldest backlog entries, about `max_events` events (at least one
   * entry), and none committed after `before_ms` but the first, in one store
   * transaction; returns the events written. Runs inside the lane, so the state
   * machine holds exactly the committed batches.
   */
  private async writeIndexStep(max_events: number, before_ms = Number.POSITIVE_INFINITY): Promise<number> {
    if (this.backlog.length === 0) return 0;
    // The query tables never get ahead of the local journal (a reopened store would index those entries twice).
    if (this.followedPending.length > 0) await this.appendFollowed();
    let n = 0;
    let events = 0;
    while (n < this.backlog.length && (n === 0 || (events < max_events && this.backlog[n]!.at_ms <= before_ms))) {
      events += indexEvents(this.backlog[n]!.effects);
      n++;
    }
    const chunk = this.backlog.slice(0, n);
    await this.store.applyIndex(this.indexBatch(chunk, chunk[chunk.length - 1]!.seq));
    this.backlog.splice(0, n);
    this.backlogEvents -= events;
    this.indexedSeq = chunk[chunk.length - 1]!.seq;
    return events;
  }

  /**
   * The index rows of `chunk`. A batch's transfers are still rows of the
   * transfer log (RecordedEffects): the batch offers them as records, copied
   * from the log into a store's buffer, and makes Transfer objects only if a
   * store reads `transfers`.
   */
  private indexBatch(chunk: readonly Backlog[], through_seq: number): IndexBatch {
    const touched = new Map<bigint, Account>();
    const balances: HistoryRecord[] = [];
    const touch = (id: bigint): void => {
      if (!touched.has(id)) touched.set(id, this.sm.lookupAccount(id)!);
    };
    let count = 0;
    // The active engine's entries, so its store may let a waiting append run between them (IndexBatch.parts); a
    // follower's appends wait on nothing but its own timer, and its steps are large to save transactions.
    const parts: IndexPart[] | null = this.writable ? [] : null;
    for (const { seq, effects } of chunk) {
      parts?.push({ seq, transfers: effects.transfer_count, balances: effects.history.length });
      for (const a of effects.accounts_created) touch(a.id);
      effects.forEachTransferAccount(touch);
      count += effects.transfer_count;
      for (const x of effects.expired) {
        touch(x.transfer.debit_account_id);
        touch(x.transfer.credit_account_id);
      }
      for (const h of effects.history) balances.push(h);
    }
    // Account objects are live; the store gets copies of their balances as of now.
    const accounts = [...touched.values()].map((a) => ({ ...a }));
    let made: Transfer[] | null = null;
    const transfer_records: TransferRecords = {
      count,
      writeTo(into: Uint8Array, off: number, stride: number): void {
        for (const { effects } of chunk) off = effects.writeTransferRecords(into, off, stride);
      },
    };
    return {
      through_seq,
      accounts,
      get transfers(): Transfer[] {
        made ??= chunk.flatMap((b) => b.effects.transfers_created);
        return made;
      },
      balances,
      transfer_records,
      ...(parts !== null ? { parts } : {}),
    };
  }

  // ---- queries (served from the store) --------------------------------------------------

  private async readyForQuery(): Promise<void> {
    if (this.failure !== null) throw this.failedError();
    await this.pulse();
    await this.catchUpIndex();
  }

  async lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
    checkQueryLimit(ids.length);
    await this.readyForQuery();
    return this.store.lookupAccounts(ids);
  }

  async lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
    checkQueryLimit(ids.length);
    await this.readyForQuery();
    return this.store.lookupTransfers(ids);
  }

  async accountTransfers(filter: AccountFilter): Promise<Transfer[]> {
    checkQueryLimit(filter.limit);
    await this.readyForQuery();
    return this.store.accountTransfers(filter);
  }

  async accountBalances(filter: AccountFilter): Promise<AccountBalance[]> {
    checkQueryLimit(filter.limit);
    await this.readyForQuery();
    return this.store.accountBalances(filter);
  }

  // ---- snapshots and shutdown -----------------------------------------------------------

  private executorState(): Buffer | undefined {
    return this.executor === null ? undefined : this.executor.encodeState();
  }

  /** Writes a snapshot at the current journal position (after indexing, which it must not pass). */
  snapshot(): Promise<void> {
    return this.exclusive(async () => {
      await this.appendFollowed();
      await this.writeIndex();
      if (this.snapshotSeq === this.seq) return;
      this.progress(`writing snapshot at journal entry ${this.seq}`);
      await this.store.saveSnapshot({ seq: this.seq, body: encodeSnapshot(this.seq, this.headHash, this.sm, this.executorState()) });
      this.snapshotSeq = this.seq;
      this.eventsSinceSnapshot = 0;
    });
  }

  /** Cluster mode: a snapshot at the current (durable) position when one is due. Runs inside the lane. */
  /** Whether a periodic snapshot is due now (entries and time since the last, its cost), wherever the durable head is. */
  private snapshotDue(): boolean {
    const every = this.opts.periodic_snapshot_entries;
    if (every === 0 || this.seq - this.snapshotSeq < every) return false;
    // A snapshot costs at least a digest: until this engine took one, that is its estimate (an engine that
    // became active without ever snapshotting would otherwise pay a whole-state pause while holding the lease).
    const share = this.writable ? DIGEST_COST_SHARE : this.followerBudget.snapshot_share;
    const cost = Math.max(this.snapshotCost.lastMs, this.digestCost.lastMs);
    if (performance.now() - this.lastSnapshotMs < Math.max(this.opts.periodic_snapshot_ms, share * cost)) return false;
    return !this.writable || WholeStateCost.fitsAll([this.snapshotCost, this.digestCost], this.stateWeight(), this.opts.active_pause_max_ms);
  }

  private async snapshotIfDue(): Promise<void> {
    // A follower's snapshot must not pass its local journal.
    if (this.followedPending.length > 0 && this.snapshotDue()) await this.appendFollowed();
    // Of durable state only: the drain loop stops running ahead while one is due.
    if (this.seq !== this.durableSeq || !this.snapshotDue()) return;
    // A standby's deferred index (up to STANDBY_INDEX_STEP_EVENTS and more) is written first and not timed: it
    // holds no lease, and timing it would space its snapshots by its index's size rather than the state's, so a
    // restart would replay a longer tail; as active, the same engine's snapshot has only a short backlog before it.
    if (this.standbyIndexDeferred()) await this.writeIndex();
    const t0 = performance.now();
    const weight = this.stateWeight();
    await this.writeIndex();
    await this.store.saveSnapshot({ seq: this.seq, body: encodeSnapshot(this.seq, this.headHash, this.sm, this.executorState()) });
    this.snapshotSeq = this.seq;
    this.eventsSinceSnapshot = 0;
    this.lastSnapshotMs = performance.now();
    // Timed with the index write before it, as the pause it is (and as followers space their snapshots by it).
    this.snapshotCost.measured(this.lastSnapshotMs - t0, weight);
  }

  /** Waits for queued batches, indexes them, snapshots if worthwhile, and closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.lane;
    this.closed = true;
    this.cancelIdle();
    this.cancelFollowedAppend();
    if (this.failure === null) await this.exclusive(() => this.appendFollowed()).catch(() => undefined);
    if (this.failure === null) {
      await this.exclusive(() => this.writeIndex());
      if (this.eventsSinceSnapshot >= this.opts.snapshot_min_events) {
        await this.exclusive(async () => {
          await this.store.saveSnapshot({ seq: this.seq, body: encodeSnapshot(this.seq, this.headHash, this.sm, this.executorState()) });
        });
      }
    }
    await this.store.close();
  }
}

function notActive(): LedgerError {
  return new LedgerError('not_active', 'this engine is not the active one: it follows the replicated journal and takes no writes');
}

function sameResults(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkQueryLimit(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > QUERY_LIMIT_MAX) {
    throw new LedgerError('query_limit', `a query takes 1 to ${QUERY_LIMIT_MAX} ids or rows, got ${n}`);
  }
}
