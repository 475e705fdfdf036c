// The embedded store: one SQLite file in WAL mode (better-sqlite3).
//
// Durability: journal appends run with synchronous=FULL, so COMMIT returns only
// after the WAL is fsynced; a group of batches shares one COMMIT. The query
// tables are written in their own transactions with synchronous=NORMAL, off the
// commit path: after a power cut they may lag the journal, and the journal layer
// rebuilds them from it on start. The file's format is checked on open. After
// each durable append the writer records the new journal head in PATH.head, a
// file beside the store (./head_record.ts), so a cut journal tail is seen.
//
// Commit thread: by default the durable writes of the commit path (journal
// appends, document puts, checkpoints) and the query index writes run on a worker
// thread with its own connection to the file (./sqlite_worker.ts), so neither the
// fsync of a COMMIT nor the index's inserts block the event loop; a promise
// resolves only after the worker's COMMIT returned. SQLite allows one writer at a
// time, so writes that stay on this thread's connection (snapshots, bulk appends,
// the constructor's schema) first
// wait until the worker has nothing in flight, and then run synchronously: no
// worker request can be posted while they run, so the two connections never
// contend for the write lock (busy_timeout is set on both all the same). Reads on
// this connection see the worker's commits: every statement here runs to
// completion (get/all), so each read starts a new WAL read transaction.
// `inline_commit: true` (or SCO_SETTLE_SQLITE_INLINE_COMMIT=1) keeps every write
// on this thread, as before; ':memory:' always does.

import { Database, type SqliteDatabase } from './sqlite_driver.js';
import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { dirname } from 'node:path';
import { decodeAccount, decodeTransfer, RECORD_SIZE, u128Key } from '../ledger/codec.js';
import type { Account, AccountBalance, Transfer } from '../ledger/types.js';
import { decodeBalance } from './balance_codec.js';
import {
  HEAD_RECORD_CODE,
  indexStatements,
  packEntries,
  packIndex,
  indexedThrough,
  unsynced,
  writePackedIndex,
  WORKER_ROLE,
  type WorkerInit,
  type WorkerReply,
  type WorkerRequest,
} from './sqlite_worker.js';
import {
  StoreError,
  type AccountFilter,
  type AppendOptions,
  type IndexBatch,
  type JournalEntry,
  type RecordedHead,
  type Snapshot,
  type Store,
} from './types.js';
import { migrationsFor, STORE_FORMAT_CURRENT } from './format.js';
import { HEAD_GENESIS, HeadFile, nextHeadRecord } from './head_record.js';

const SNAPSHOT_PART_BYTES = 16 * 1024 * 1024;
const TIMESTAMP_MAX = (1n << 63n) - 1n;
/** How long a new writer waits for the previous one to finish (as the PostgreSQL store does). */
const WRITER_WAIT_MS = 5000;
const WAL_FORCE_CHECKPOINT_BYTES = 512 * 1024 * 1024;
/**
 * After an index write, a checkpoint at most once per this long (or once the
 * bytes written since the last reach CHECKPOINT_AFTER_INDEX_BYTES). One after
 * every index write (a follower writes ~15 a second) copied the same B-tree pages
 * into the main file again and again and fsynced the WAL and the main file each
 * time: ~100 checkpoints, 200 fsyncs and 46,000 pwrites for 20,000 payments
 * followed (strace -f -c, docs/benchmarks.md, #15). A checkpoint is not a
 * durability step: a FULL commit is durable in the WAL, which the next open reads.
 */
const CHECKPOINT_INTERVAL_MS = 1_000;
const CHECKPOINT_AFTER_INDEX_BYTES = 32 * 1024 * 1024;
/**
 * Appends holding a batch at least this large (4,096 events of 128 bytes) commit
 * on this thread even with the worker. Such batches come from bulk loaders, whose
 * next batch waits for this one anyway; their fsync is shared by thousands of
 * events, while the copy into the worker's buffer and the thread hop (about 1 to
 * 3 ms per MiB on a loaded 2-core host) cost them 5 to 30% of their throughput
 * in `bench ledger` (batches of 8,189). Request-sized batches (an HTTP request
 * carries at most 1,000 payments) always go to the worker.
 */
const INLINE_COMMIT_BODY_BYTES = 4096 * RECORD_SIZE;
/**
 * Index batches queued on the worker at most (each about 1,024 events from the
 * durable ledger's index steps): enough to keep the worker busy while the main
 * thread executes the next group, few enough that the worker's queue (whose
 * writes a read waits for) stays a few milliseconds long.
 */
const INDEX_WRITES_QUEUED_MAX = 4;
/** How long either connection waits for SQLite's write lock. */
const BUSY_TIMEOUT_MS = 5000;

export interface SqliteStoreOptions {
  /**
   * Commit on the calling thread's connection instead of the commit worker
   * (default: false, unless SCO_SETTLE_SQLITE_INLINE_COMMIT=1 is set).
   */
  inline_commit?: boolean;
  /** Tests: the commit worker's idle gap and WAL ceiling for held checkpoints (./sqlite_worker.ts). */
  checkpoint_idle_gap_ms?: number;
  checkpoint_ceiling_bytes?: number;
  /** Checkpoint in two steps, the bulk on a thread of its own (default: true, unless SCO_SETTLE_SQLITE_CHECKPOINTER=0). */
  checkpointer?: boolean;
}

/** Checkpoints of the store since it opened: requested, run (on the worker: several held requests may run as one), forced by the WAL ceiling, and their time. */
export interface CheckpointStats {
  requested: number;
  run: number;
  forced: number;
  total_ms: number;
  max_ms: number;
  /** Bulk passes on the checkpointer thread (off the commit thread) and their time. */
  bulk_run: number;
  bulk_total_ms: number;
  bulk_max_ms: number;
}

type WorkerRequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  kind: WorkerRequest['kind'];
  first_seq: number | undefined;
  resolve: () => void;
  reject: (err: Error) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY, op INTEGER NOT NULL, clock_ns INTEGER NOT NULL, count INTEGER NOT NULL,
  body BLOB NOT NULL, results BLOB NOT NULL, checksum BLOB NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot (part INTEGER PRIMARY KEY, seq INTEGER NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (id BLOB PRIMARY KEY, record BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS transfers (
  timestamp INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE,
  debit_account_id BLOB NOT NULL, credit_account_id BLOB NOT NULL, record BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS transfers_debit ON transfers (debit_account_id, timestamp);
CREATE INDEX IF NOT EXISTS transfers_credit ON transfers (credit_account_id, timestamp);
CREATE TABLE IF NOT EXISTS account_balances (
  account_id BLOB NOT NULL, timestamp INTEGER NOT NULL, record BLOB NOT NULL,
  PRIMARY KEY (account_id, timestamp)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, body BLOB NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
`;

interface JournalRow {
  seq: bigint;
  op: bigint;
  clock_ns: bigint;
  count: bigint;
  body: Buffer;
  results: Buffer;
  checksum: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly display: string;
  private readonly db: SqliteDatabase;
  private readonly path: string;
  private lock: SqliteDatabase | null = null;
  private format = STORE_FORMAT_CURRENT;
  /** Journal and index bytes written since the last checkpoint (approximate WAL growth). */
  private walBytes = 0;
  /** When the last checkpoint was requested (performance.now()). */
  private lastCheckpointMs = Number.NEGATIVE_INFINITY;
  private checkpointCount = 0;
  private readonly checkpointRuns = { run: 0, forced: 0, total_ms: 0, max_ms: 0, bulk_run: 0, bulk_total_ms: 0, bulk_max_ms: 0 };
  /** The checkpointer thread (./sqlite_worker.ts runCheckpointer), started with the first checkpoint; null without the worker or when off. */
  private checkpointer: Worker | null = null;
  /** The bulk pass in flight on the checkpointer (at most one), resolved when it answered. */
  private bulk: Promise<void> | null = null;
  private readonly useCheckpointer: boolean;
  private readonly workerTuning: Pick<WorkerInit, 'checkpoint_idle_gap_ms' | 'checkpoint_ceiling_bytes'>;
  private readonly stmt: ReturnType<typeof writeStatements> & ReturnType<typeof queryStatements> & ReturnType<typeof documentStatements>;
  /** Whether commits go to the worker (fixed at construction). */
  readonly commitOnWorker: boolean;
  private worker: Worker | null = null;
  /** Set when the worker died or could not start: every later worker request fails. */
  private workerFailure: Error | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private idleWaiters: Array<() => void> = [];
  private closing = false;
  /** Appends not yet settled: close() lets them record and sync their head before it closes the head file. */
  private readonly appending = new Set<Promise<void>>();
  /** Index writes queued on the worker, not answered yet, oldest first (each resolves, failed or not). */
  private readonly indexQueued: Promise<void>[] = [];
  /** Index batches whose write failed, in order: written again before the next batch or read. */
  private readonly indexRetry: IndexBatch[] = [];
  /** PATH.head: the journal head outside the journal (./head_record.ts); null for ':memory:'. */
  private readonly headFile: HeadFile | null;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    this.display = `sqlite:${path}`;
    const inline = options.inline_commit ?? process.env.SCO_SETTLE_SQLITE_INLINE_COMMIT === '1';
    this.commitOnWorker = !inline && path !== ':memory:';
    this.useCheckpointer = options.checkpointer ?? process.env.SCO_SETTLE_SQLITE_CHECKPOINTER !== '0';
    this.workerTuning = {
      ...(options.checkpoint_idle_gap_ms !== undefined ? { checkpoint_idle_gap_ms: options.checkpoint_idle_gap_ms } : {}),
      ...(options.checkpoint_ceiling_bytes !== undefined ? { checkpoint_ceiling_bytes: options.checkpoint_ceiling_bytes } : {}),
    };
    this.headFile = path === ':memory:' ? null : new HeadFile(path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path);
    } catch (err) {
      throw new StoreError('unreachable', `cannot open ${this.display}: ${(err as Error).message}`);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // Checkpoints copy the WAL into the main file and fsync it: tens of ms that
    // would land on whichever commit crossed the threshold. They run instead after
    // index writes, which are off the commit path (and on close); appends force one
    // only if the WAL grows past WAL_FORCE_CHECKPOINT_BYTES without an index write.
    this.db.pragma('wal_autocheckpoint = 0');
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.migrate();
    this.stmt = { ...writeStatements(this.db), ...queryStatements(this.db), ...documentStatements(this.db) };
  }

  /**
   * The writer holds a write transaction open on a small lock database beside the
   * store for as long as it runs. SQLite's file locks belong to the process, so
   * the operating system releases them when a writer dies, even by SIGKILL. (A
   * second writer would also be caught at its first append, since the journal's
   * seq is a primary key, but only after it had done work.)
   */
  /** Creates the schema of a new file, or brings an older format forward in one transaction; refuses a newer one. */
  private migrate(): void {
    const hasMeta = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).pluck().get() !== undefined;
    const found = hasMeta ? (this.db.prepare(`SELECT value FROM meta WHERE key = 'format'`).pluck().get() as string | undefined) : undefined;
    const steps = migrationsFor(this.display, found);
    this.db
      .transaction(() => {
        this.db.exec(SCHEMA);
        for (const m of steps) for (const sql of m.sql) this.db.exec(sql.replaceAll('{s}', ''));
        this.db
          .prepare(`INSERT INTO meta (key, value) VALUES ('format', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
          .run(String(STORE_FORMAT_CURRENT));
      })
      .immediate();
  }

  async formatVersion(): Promise<number> {
    return this.format;
  }

  async acquireWriter(wait_ms = WRITER_WAIT_MS): Promise<void> {
    if (this.lock !== null || this.path === ':memory:') return;
    const lock = new Database(`${this.path}-writer.lock`);
    lock.pragma(`busy_timeout = ${Math.max(0, Math.floor(wait_ms))}`);
    try {
      lock.exec('BEGIN IMMEDIATE');
    } catch (err) {
      lock.close();
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        throw new StoreError('writer_busy', `another sco-settle process is writing to ${this.display}`);
      }
      throw err;
    }
    this.lock = lock;
    this.beginHead();
    // The writer's commit thread starts now rather than on the first append.
    if (this.commitOnWorker) this.startWorker();
  }

  appendJournal(entries: readonly JournalEntry[], options?: AppendOptions): Promise<void> {
    const run = this.append(entries, options?.sync !== false);
    this.appending.add(run);
    const done = (): void => {
      this.appending.delete(run);
    };
    run.then(done, done);
    return run;
  }

  private async append(entries: readonly JournalEntry[], sync: boolean): Promise<void> {
    if (this.commitOnWorker && !entries.some((e) => e.body.length >= INLINE_COMMIT_BODY_BYTES)) {
      await this.appendOnWorker(entries, sync);
      for (const e of entries) this.walBytes += e.body.length + e.results.length;
      if (this.walBytes > WAL_FORCE_CHECKPOINT_BYTES) this.checkpoint();
      return;
    }
    if (this.commitOnWorker) {
      // A bulk batch: after the worker's earlier appends, on this connection (see INLINE_COMMIT_BODY_BYTES).
      await this.mainThreadWrite(() => this.appendInline(entries, sync));
    } else {
      this.appendInline(entries, sync);
    }
    for (const e of entries) this.walBytes += e.body.length + e.results.length;
    // Unsynced (a follower's): the head record stays behind until a synced append, whose flush covers these entries too.
    if (sync) {
      this.recordHead(entries);
      await this.syncHead(entries);
    }
    if (this.walBytes > WAL_FORCE_CHECKPOINT_BYTES) this.checkpoint();
  }

  /**
   * An append on the worker. The head record goes with it: the worker writes and
   * fdatasyncs it right after the COMMIT, before it replies (the same order as
   * recordHead then syncHead on this thread, without a second trip through the
   * event loop between the two).
   */
  private async appendOnWorker(entries: readonly JournalEntry[], sync: boolean): Promise<void> {
    const last = entries[entries.length - 1];
    const head = sync && this.headFile !== null && last !== undefined && this.lock !== null ? this.headFile.prepare(last.seq, last.hash) : null;
    try {
      await this.request(
        {
          kind: 'append',
          packed: packEntries(entries),
          ...(head !== null ? { head: { fd: head.fd, line: head.line } } : {}),
          ...(sync ? {} : { sync: false as const }),
        },
        entries[0]?.seq,
      );
    } catch (err) {
      if ((err as { code?: string }).code !== HEAD_RECORD_CODE || last === undefined) throw err;
      this.headFile?.close();
      throw new StoreError(
        'unreachable',
        `${this.display}: journal entries to ${last.seq} are durable, but the head record ${this.headFile?.path} could not be written (${(err as Error).message})`,
      );
    }
    if (head !== null) this.headFile!.appended(head);
  }

  /**
   * The writer keeps PATH.head. A store no writer has recorded a head for begins
   * now, at its journal's current head (meta 'head_record' = 'file', 'head_since' =
   * that seq); a head file that is missing or does not read is left as it is, for
   * the durable ledger to refuse (recordedHead says why) and for verify to name.
   */
  private beginHead(): void {
    if (this.headFile === null) return;
    const meta = this.headMeta();
    if (meta.expected) {
      const read = this.headFile.read(true, meta.since_seq);
      if (read.last !== null) this.headFile.begin(read.last);
      return;
    }
    const head = this.stmt.head.get() as { seq: bigint; hash: Buffer } | undefined;
    const seq = head === undefined ? 0 : Number(head.seq);
    this.headFile.begin(nextHeadRecord(null, seq, head?.hash ?? HEAD_GENESIS));
    this.db
      .transaction(() => {
        this.stmt.setMeta.run('head_since', String(seq));
        this.stmt.setMeta.run('head_record', 'file');
      })
      .immediate();
  }

  private headMeta(): { expected: boolean; since_seq: number } {
    const kept = this.stmt.getMeta.get('head_record') as string | undefined;
    const since = this.stmt.getMeta.get('head_since') as string | undefined;
    return { expected: kept !== undefined, since_seq: since === undefined ? 0 : Number(since) };
  }

  /** After a durable append: the new head goes to PATH.head. If that write fails, the append is reported failed (the ledger stops). */
  private recordHead(entries: readonly JournalEntry[]): void {
    const last = entries[entries.length - 1];
    if (this.headFile === null || last === undefined || this.lock === null) return;
    try {
      this.headFile.append(last.seq, last.hash);
    } catch (err) {
      this.headFile.close();
      throw new StoreError(
        'unreachable',
        `${this.display}: journal entries to ${last.seq} are durable, but the head record ${this.headFile.path} could not be written (${(err as Error).message})`,
      );
    }
  }

  /** The head record is durable before the append is acknowledged: one fdatasync per group commit, after the journal's own. */
  private async syncHead(entries: readonly JournalEntry[]): Promise<void> {
    const last = entries[entries.length - 1];
    if (this.headFile === null || last === undefined || this.lock === null) return;
    try {
      await this.headFile.sync();
    } catch (err) {
      this.headFile.close();
      throw new StoreError(
        'unreachable',
        `${this.display}: journal entries to ${last.seq} are durable, but the head record ${this.headFile.path} could not be synced (${(err as Error).message})`,
      );
    }
  }

  async recordedHead(): Promise<RecordedHead> {
    if (this.headFile === null) return { state: 'not_recorded' };
    const meta = this.headMeta();
    return this.headFile.read(meta.expected, meta.since_seq).head;
  }

  private appendInline(entries: readonly JournalEntry[], sync: boolean): void {
    const insert = this.stmt.insertJournal;
    const tx = this.db.transaction((list: readonly JournalEntry[]) => {
      for (const e of list) {
        insert.run(e.seq, e.op, e.clock_ns, e.count, e.body, e.results, e.checksum, e.prev_hash, e.hash);
      }
    });
    try {
      if (sync) tx.immediate(entries);
      else unsynced(this.db, () => tx.immediate(entries));
    } catch (err) {
      throw this.appendError(err as Error, entries[0]?.seq);
    }
  }

  private appendError(err: Error, first_seq: number | undefined): Error {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return new StoreError('journal_conflict', `${this.display}: another writer appended journal entry ${first_seq}`);
    }
    return err;
  }

  async readJournal(after_seq: number, limit: number): Promise<JournalEntry[]> {
    const rows = this.stmt.readJournal.all(after_seq, limit) as JournalRow[];
    return rows.map((r) => ({
      seq: Number(r.seq),
      op: Number(r.op),
      clock_ns: r.clock_ns,
      count: Number(r.count),
      body: r.body,
      results: r.results,
      checksum: r.checksum,
      prev_hash: r.prev_hash,
      hash: r.hash,
    }));
  }

  async journalHead(): Promise<{ seq: number; hash: Buffer } | null> {
    const row = this.stmt.head.get() as { seq: bigint; hash: Buffer } | undefined;
    return row === undefined ? null : { seq: Number(row.seq), hash: row.hash };
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    const tx = this.db.transaction(() => {
      this.stmt.clearSnapshot.run();
      let part = 0;
      for (let off = 0; off < snapshot.body.length || part === 0; off += SNAPSHOT_PART_BYTES) {
        this.stmt.insertSnapshotPart.run(part, snapshot.seq, snapshot.body.subarray(off, off + SNAPSHOT_PART_BYTES));
        part++;
      }
    });
    await this.mainThreadWrite(() => tx.immediate());
  }

  async loadSnapshot(): Promise<Snapshot | null> {
    const rows = this.stmt.snapshotParts.all() as Array<{ seq: bigint; body: Buffer }>;
    if (rows.length === 0) return null;
    return { seq: Number(rows[0]!.seq), body: Buffer.concat(rows.map((r) => r.body)) };
  }

  async indexPosition(): Promise<number> {
    await this.indexWritten();
    const v = this.stmt.indexSeq.get() as string | undefined;
    return v === undefined ? 0 : Number(v);
  }

  /**
   * With the worker, the batch is queued there and this resolves at once: the
   * durable ledger's next group commit does not wait for the index's inserts
   * (and the worker runs appends before queued index writes). At most
   * INDEX_WRITES_QUEUED_MAX batches are queued; reads wait for them (indexWritten).
   */
  async applyIndex(batch: IndexBatch): Promise<void> {
    if (this.indexRetry.length > 0) await this.indexWritten();
    if (!this.workerRuns()) {
      const packed = packIndex(batch);
      await this.mainThreadWrite(() => writePackedIndex(this.db, this.stmt, packed));
      this.checkpointAfterIndex(packed.byteLength);
      return;
    }
    while (this.indexQueued.length >= INDEX_WRITES_QUEUED_MAX) await this.indexQueued[0];
    const packed = packIndex(batch);
    const bytes = packed.byteLength;
    const written = this.request({ kind: 'index', packed }, undefined).catch(() => {
      // The worker refuses the later batches too until this one is written again (no gap in the tables).
      this.indexRetry.push(batch);
    });
    this.indexQueued.push(written);
    void written.then(() => this.indexQueued.splice(this.indexQueued.indexOf(written), 1));
    this.checkpointAfterIndex(bytes);
  }

  /** After an index write: a checkpoint when CHECKPOINT_INTERVAL_MS passed since the last or the WAL grew by CHECKPOINT_AFTER_INDEX_BYTES. */
  private checkpointAfterIndex(bytes: number): void {
    this.walBytes += bytes;
    if (performance.now() - this.lastCheckpointMs >= CHECKPOINT_INTERVAL_MS || this.walBytes >= CHECKPOINT_AFTER_INDEX_BYTES) this.checkpoint();
  }

  /** Checkpoints requested since the store opened (tests). */
  get checkpointsRequested(): number {
    return this.checkpointCount;
  }

  /** Checkpoints requested and run so far (run, forced and times: on the worker only; inline ones are counted as requested). */
  get checkpointStats(): CheckpointStats {
    return { requested: this.checkpointCount, ...this.checkpointRuns };
  }

  private workerRuns(): boolean {
    return this.worker !== null && this.workerFailure === null && !this.closing;
  }

  /**
   * Resolves once every queued index batch is written, writing those that failed
   * again first (in order); rejects when one still fails, the rest kept for later.
   */
  private async indexWritten(): Promise<void> {
    while (this.indexQueued.length > 0) await Promise.all(this.indexQueued);
    while (this.indexRetry.length > 0) {
      const packed = packIndex(this.indexRetry[0]!);
      if (this.workerRuns()) await this.request({ kind: 'index', packed, resume: true }, undefined);
      // Entries the failed write committed before it failed (it may have committed entry by entry) are not written again.
      else await this.mainThreadWrite(() => writePackedIndex(this.db, this.stmt, packed, null, indexedThrough(this.stmt)));
      this.indexRetry.shift();
    }
  }

  /**
   * A PASSIVE checkpoint (it never takes the write lock, so it may run beside a
   * commit). With the worker it runs there, so its fsyncs stay off this thread,
   * and the worker holds it until no append is queued or arrived for a few ms
   * (or the WAL passed its ceiling): an append does not wait behind it
   * (CHECKPOINT_IDLE_GAP_MS in ./sqlite_worker.ts). Its failure only leaves a
   * longer WAL, so it is not reported.
   */
  private checkpoint(): void {
    this.walBytes = 0;
    this.lastCheckpointMs = performance.now();
    this.checkpointCount++;
    if (this.workerRuns() && this.useCheckpointer) {
      // The bulk beside the appends, then the commit worker's short rest (see runCheckpointer); one bulk at a time.
      if (this.bulk !== null) return;
      this.bulk = this.bulkCheckpoint().then(() => {
        this.bulk = null;
        if (this.workerRuns()) this.request({ kind: 'checkpoint' }, undefined).catch(() => undefined);
      });
    } else if (this.workerRuns()) {
      this.request({ kind: 'checkpoint' }, undefined).catch(() => undefined);
    } else if (this.db.open) {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    }
  }

  /** One PASSIVE checkpoint on the checkpointer thread; resolves when it answered (a failure only leaves more for the rest). */
  private bulkCheckpoint(): Promise<void> {
    if (this.checkpointer === null) {
      const init: WorkerInit = { role: WORKER_ROLE, path: this.path, busy_timeout_ms: BUSY_TIMEOUT_MS, checkpointer: true };
      const w = new Worker(new URL('./sqlite_worker.js', import.meta.url), { workerData: init, execArgv: [] });
      w.unref();
      w.on('error', () => {
        if (this.checkpointer === w) this.checkpointer = null;
      });
      w.on('exit', () => {
        if (this.checkpointer === w) this.checkpointer = null;
      });
      this.checkpointer = w;
    }
    const w = this.checkpointer;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        w.off('message', onReply);
        w.off('exit', done);
        w.unref();
        resolve();
      };
      const onReply = (r: WorkerReply): void => {
        if (r.ok && r.checkpoint !== undefined) {
          const c = this.checkpointRuns;
          c.bulk_run++;
          c.bulk_total_ms += r.checkpoint.ms;
          c.bulk_max_ms = Math.max(c.bulk_max_ms, r.checkpoint.ms);
        }
        done();
      };
      w.on('message', onReply);
      w.on('exit', done);
      w.ref();
      w.postMessage({ kind: 'checkpoint', id: 0 } satisfies WorkerRequest);
    });
  }

  /** Waits for a bulk pass in flight, then ends the checkpointer thread. */
  private async stopCheckpointer(): Promise<void> {
    await this.bulk;
    const w = this.checkpointer;
    if (w === null) return;
    this.checkpointer = null;
    w.ref();
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage({ kind: 'close', id: 0 } satisfies WorkerRequest);
    await exited;
  }

  async lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
    await this.indexWritten();
    const out: Account[] = [];
    for (const id of ids) {
      const rec = this.stmt.account.get(u128Key(id)) as Buffer | undefined;
      if (rec !== undefined) out.push(decodeAccount(rec, 0));
    }
    return out;
  }

  async lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
    await this.indexWritten();
    const out: Transfer[] = [];
    for (const id of ids) {
      const rec = this.stmt.transfer.get(u128Key(id)) as Buffer | undefined;
      if (rec !== undefined) out.push(decodeTransfer(rec, 0));
    }
    return out;
  }

  async accountTransfers(f: AccountFilter): Promise<Transfer[]> {
    await this.indexWritten();
    if (!f.debits && !f.credits) return [];
    const set = f.reversed ? this.stmt.transfersDesc : this.stmt.transfersAsc;
    const q = f.debits && f.credits ? set.both : f.debits ? set.debits : set.credits;
    const [min, max] = bounds(f);
    const id = u128Key(f.account_id);
    const rows = (q === set.both ? q.all({ id, min, max, limit: f.limit }) : q.all(id, min, max, f.limit)) as Buffer[];
    return rows.map((r) => decodeTransfer(r, 0));
  }

  async accountBalances(f: AccountFilter): Promise<AccountBalance[]> {
    await this.indexWritten();
    const q = f.reversed ? this.stmt.balancesDesc : this.stmt.balancesAsc;
    const [min, max] = bounds(f);
    const rows = q.all(u128Key(f.account_id), min, max, f.limit) as Buffer[];
    return rows.map(decodeBalance);
  }

  async allAccounts(): Promise<Account[]> {
    await this.indexWritten();
    return (this.stmt.allAccounts.all() as Buffer[]).map((r) => decodeAccount(r, 0));
  }

  async countTransfers(): Promise<number> {
    await this.indexWritten();
    return Number(this.stmt.countTransfers.get());
  }

  async putDocument(name: string, body: Buffer): Promise<void> {
    // One statement in its own durable (synchronous=FULL) transaction: the old body or the new one.
    const updated_at = new Date().toISOString();
    if (this.worker !== null || this.workerFailure !== null) {
      // Documents can be written on a request's path (idempotency records, keys):
      // once the worker runs they go there, in order with the appends (and fail with it).
      await this.request({ kind: 'put', name, body: Uint8Array.from(body), updated_at }, undefined);
      return;
    }
    const tx = this.db.transaction(() => this.stmt.putDocument.run(name, body, updated_at));
    await this.mainThreadWrite(() => tx.immediate());
  }

  async getDocument(name: string): Promise<Buffer | null> {
    const body = this.stmt.getDocument.get(name) as Buffer | undefined;
    return body === undefined ? null : body;
  }

  async listDocuments(prefix: string): Promise<string[]> {
    return this.stmt.listDocuments.all(prefix.length, prefix) as string[];
  }

  async close(): Promise<void> {
    // Appends already posted finish first; then the worker closes its connection and exits.
    this.closing = true;
    await this.stopCheckpointer();
    await this.stopWorker();
    await Promise.allSettled([...this.appending]);
    if (this.db.open) {
      try {
        if (this.walBytes > 0) this.db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // A checkpoint that fails (a full disk) leaves the WAL as it is; the next open reads it.
      }
      this.db.close();
    }
    this.headFile?.close();
    if (this.lock !== null) {
      this.lock.close(); // ends the lock transaction
      this.lock = null;
    }
  }

  // ---- the commit worker ----------------------------------------------------------------

  private startWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const init: WorkerInit = { role: WORKER_ROLE, path: this.path, busy_timeout_ms: BUSY_TIMEOUT_MS, ...this.workerTuning };
    // No Node options: the worker needs none, and a worker refuses some of the
    // process's (per-process V8 heap flags, --input-type).
    const worker = new Worker(new URL('./sqlite_worker.js', import.meta.url), { workerData: init, execArgv: [] });
    // Idle, the worker does not keep the process alive (an unclosed store never
    // did); while a request is in flight it does, so the reply is not lost.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', (err: Error) => this.failWorker(err));
    worker.on('messageerror', (err: Error) => this.failWorker(err));
    worker.on('exit', (code: number) => {
      if (this.worker === worker) this.worker = null;
      if (this.pending.size > 0 || !this.closing) this.failWorker(new Error(`the commit worker exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  /** Posts a request to the worker; resolves after the worker finished it (for writes: after COMMIT returned). */
  private request(body: WorkerRequestBody, first_seq: number | undefined): Promise<void> {
    if (this.workerFailure !== null) return Promise.reject(this.workerFailedError());
    if (this.closing && body.kind !== 'close') {
      return Promise.reject(new StoreError('unreachable', `${this.display} is closed`));
    }
    const worker = this.startWorker();
    const id = this.nextRequestId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { kind: body.kind, first_seq, resolve, reject });
      if (this.pending.size === 1) worker.ref();
      const msg = { ...body, id } as WorkerRequest;
      try {
        // The packed entries and the document's copy are fresh buffers: transferred, not cloned.
        const transfer = msg.kind === 'append' || msg.kind === 'index' ? [msg.packed] : msg.kind === 'put' ? [msg.body.buffer as ArrayBuffer] : [];
        worker.postMessage(msg, transfer);
      } catch (err) {
        this.settle(id);
        reject(err as Error);
      }
    });
  }

  private onReply(reply: WorkerReply): void {
    const p = this.settle(reply.id);
    if (p === undefined) return;
    if (reply.ok && reply.checkpoint !== undefined) {
      const c = this.checkpointRuns;
      c.run++;
      if (reply.checkpoint.forced) c.forced++;
      c.total_ms += reply.checkpoint.ms;
      c.max_ms = Math.max(c.max_ms, reply.checkpoint.ms);
    }
    // Settled on the next turn (check phase), after the I/O callbacks of this
    // poll phase: requests whose bytes arrived during the COMMIT are then queued
    // before the caller's continuation (the durable ledger's drain) takes the next
    // group, so they share its fsync instead of waiting a whole commit more.
    setImmediate(() => {
      if (reply.ok) {
        p.resolve();
        return;
      }
      const err = reply.code !== null ? new Database.SqliteError(reply.message, reply.code) : new Error(reply.message);
      p.reject(p.kind === 'append' ? this.appendError(err, p.first_seq) : err);
    });
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (p === undefined) return undefined;
    this.pending.delete(id);
    // While closing, the worker stays referenced until it has exited.
    if (this.pending.size === 0 && !this.closing) this.worker?.unref();
    // Waiters look again (workerIdle): some wait for no request at all, some only for no write.
    for (const w of this.idleWaiters.splice(0)) w();
    return p;
  }

  /** The worker is gone: its in-flight writes may or may not have committed, so every caller learns of a failure. */
  private failWorker(err: Error): void {
    if (this.workerFailure === null) this.workerFailure = err;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(this.workerFailedError());
  }

  private workerFailedError(): StoreError {
    return new StoreError('unreachable', `${this.display}: the commit worker failed (${this.workerFailure?.message})`);
  }

  /** Resolves once no worker request is in flight (`writesOnly`: none but checkpoints). */
  private async workerIdle(writesOnly = false): Promise<void> {
    const busy = (): boolean => (writesOnly ? [...this.pending.values()].some((p) => p.kind !== 'checkpoint') : this.pending.size > 0);
    while (busy()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Runs a write on this thread's connection once the worker has no write in
   * flight. `fn` is synchronous, so no worker request can start before it returns.
   * A checkpoint held on the worker (up to CHECKPOINT_IDLE_GAP_MS) is not waited
   * for: a PASSIVE checkpoint takes no write lock, so it may run beside this write.
   */
  private async mainThreadWrite(fn: () => void): Promise<void> {
    await this.workerIdle(true);
    fn();
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    await this.workerIdle();
    if (this.workerFailure !== null) {
      await worker.terminate();
      return;
    }
    worker.ref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    try {
      await this.request({ kind: 'close' }, undefined);
    } catch {
      await worker.terminate();
    }
    await exited;
  }
}

function bounds(f: AccountFilter): [bigint, bigint] {
  return [f.timestamp_min, f.timestamp_max === 0n ? TIMESTAMP_MAX : f.timestamp_max];
}

/** Journal, snapshot and index writes, and the point lookups. */
function writeStatements(db: SqliteDatabase) {
  return {
    ...indexStatements(db),
    insertJournal: db.prepare(`INSERT INTO journal (seq, op, clock_ns, count, body, results, checksum, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)`),
    readJournal: db.prepare(`SELECT * FROM journal WHERE seq > ? ORDER BY seq LIMIT ?`).safeIntegers(true),
    head: db.prepare(`SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1`).safeIntegers(true),
    getMeta: db.prepare(`SELECT value FROM meta WHERE key = ?`).pluck(),
    setMeta: db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    account: db.prepare(`SELECT record FROM accounts WHERE id = ?`).pluck(),
    transfer: db.prepare(`SELECT record FROM transfers WHERE id = ?`).pluck(),
    allAccounts: db.prepare(`SELECT record FROM accounts ORDER BY id`).pluck(),
    countTransfers: db.prepare(`SELECT count(*) FROM transfers`).pluck(),
    snapshotParts: db.prepare(`SELECT seq, body FROM snapshot ORDER BY part`).safeIntegers(true),
    clearSnapshot: db.prepare(`DELETE FROM snapshot`),
    insertSnapshotPart: db.prepare(`INSERT INTO snapshot (part, seq, body) VALUES (?,?,?)`),
  };
}

/** Account transfers and balance history, in both orders. */
function queryStatements(db: SqliteDatabase) {
  return {
    transfersAsc: {
      debits: db.prepare(`SELECT record FROM transfers WHERE debit_account_id = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp LIMIT ?`).pluck(),
      credits: db.prepare(`SELECT record FROM transfers WHERE credit_account_id = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp LIMIT ?`).pluck(),
      both: db
        .prepare(
          `SELECT record, timestamp FROM transfers WHERE debit_account_id = @id AND timestamp BETWEEN @min AND @max
         UNION ALL
         SELECT record, timestamp FROM transfers WHERE credit_account_id = @id AND timestamp BETWEEN @min AND @max
         ORDER BY timestamp LIMIT @limit`,
        )
        .pluck(),
    },
    transfersDesc: {
      debits: db.prepare(`SELECT record FROM transfers WHERE debit_account_id = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp DESC LIMIT ?`).pluck(),
      credits: db.prepare(`SELECT record FROM transfers WHERE credit_account_id = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp DESC LIMIT ?`).pluck(),
      both: db
        .prepare(
          `SELECT record, timestamp FROM transfers WHERE debit_account_id = @id AND timestamp BETWEEN @min AND @max
         UNION ALL
         SELECT record, timestamp FROM transfers WHERE credit_account_id = @id AND timestamp BETWEEN @min AND @max
         ORDER BY timestamp DESC LIMIT @limit`,
        )
        .pluck(),
    },
    balancesAsc: db.prepare(`SELECT record FROM account_balances WHERE account_id = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp LIMIT ?`).pluck(),
    balancesDesc: db.prepare(`SELECT record FROM account_balances WHERE account_id = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp DESC LIMIT ?`).pluck(),
  };
}

function documentStatements(db: SqliteDatabase) {
  return {
    putDocument: db.prepare(
      `INSERT INTO documents (name, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
    ),
    getDocument: db.prepare(`SELECT body FROM documents WHERE name = ?`).pluck(),
    listDocuments: db.prepare(`SELECT name FROM documents WHERE substr(name, 1, ?) = ? ORDER BY name`).pluck(),
  };
}
