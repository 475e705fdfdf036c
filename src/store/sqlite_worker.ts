// The SQLite store's commit thread: a worker (node:worker_threads) that owns a
// second better-sqlite3 connection to the store's file and performs the durable
// writes of the commit path on it — journal appends, document puts, checkpoints.
//
// Why: better-sqlite3 is synchronous, so a COMMIT with synchronous=FULL blocks
// the thread that runs it for the whole fsync. On the main thread that stalls
// the HTTP server, and group commits stay small. Here the fsync blocks only this
// thread; the main thread posts the rows and awaits the reply, which is sent only
// after COMMIT returned. The query index (accounts, transfers, balance history)
// is written here too: its B-tree inserts cost the main thread about as much CPU
// as the payments it indexes, and there they delayed every HTTP request queued
// behind them; here they overlap with the main thread's work (on another core).
//
// This module owns the message protocol between ./sqlite.ts and the worker (the
// packed form of journal entries, requests, replies) and the worker's body. The
// body runs only when the module is started as the store's worker, so
// ./sqlite.ts can import the packing helpers without side effects.
//
// Requests are handled one at a time, each in its own transaction. The durable
// ones (appends, document puts, close) run in the order they were posted; index
// writes and checkpoints wait while a durable request is queued, so a commit
// never waits behind a backlog of index work that was posted before it (index
// rows are of entries already durable, so their order against later appends
// does not matter; among themselves they keep theirs). A running index write of
// several journal entries is not preempted, but between two of its entries it lets
// the appends and puts posted meanwhile run, committing its rows so far with the
// index position at that entry (writePackedIndex). An append may carry the
// line of the store's head record (./head_record.ts): written and fdatasynced
// here right after the COMMIT, so the acknowledgement takes no second trip
// through the main thread's event loop. Errors are sent back with SQLite's error
// code; ./sqlite.ts turns them into the same errors as an inline commit would throw.

import { Database, type SqliteDatabase, type SqliteStatement } from './sqlite_driver.js';
import { fdatasyncSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { isMainThread, parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { RECORD_SIZE, encodeAccount, encodeTransfer } from '../ledger/codec.js';
import { BALANCE_RECORD_SIZE, encodeBalanceInto } from './balance_codec.js';
import type { IndexBatch, IndexPart, JournalEntry } from './types.js';

/** The error code of an append whose COMMIT returned but whose head record could not be written or synced. */
export const HEAD_RECORD_CODE = 'SCO_SETTLE_HEAD_RECORD';

/** workerData marker: the body runs only under it. */
export const WORKER_ROLE = 'sco-settle-sqlite-commit';

export interface WorkerInit {
  role: typeof WORKER_ROLE;
  path: string;
  busy_timeout_ms: number;
  /** Tests: CHECKPOINT_IDLE_GAP_MS and CHECKPOINT_CEILING_BYTES of this worker. */
  checkpoint_idle_gap_ms?: number;
  checkpoint_ceiling_bytes?: number;
  /** Run as the checkpointer (runCheckpointer) rather than the commit worker. */
  checkpointer?: boolean;
}

/**
 * A requested checkpoint is held until no durable request (append, put) is queued
 * and none finished for this long. A PASSIVE checkpoint takes 25 to 70 ms on this
 * thread (it copies the WAL's pages into the main file and fsyncs both), and every
 * append that arrived meanwhile waited behind it: 6 of the 6 to 7 appends that
 * waited over 10 ms in a caught-up 2,000/s paced run (docs/benchmarks.md, #18).
 * 5 ms gaps come every second at 2,000/s (the main thread's own pauses) and the
 * appends resumed inside the checkpoint; 50 ms means the stream really stopped.
 * Under a steady stream the checkpointer thread does the copying (./sqlite.ts),
 * and this one runs only at the ceiling, to let the WAL start over.
 */
export const CHECKPOINT_IDLE_GAP_MS = 50;
/**
 * Bytes written on this connection (packed appends, index batches, documents) since
 * the last checkpoint past which a held checkpoint runs at once, appends queued or
 * not: the WAL's bound when the appends leave no idle gap. 64 MiB is about 15 s of
 * a 2,000/s stream with its index rows, twice the 32 MiB after which ./sqlite.ts
 * asks for a checkpoint regardless of the interval.
 */
export const CHECKPOINT_CEILING_BYTES = 64 * 1024 * 1024;

export type WorkerRequest =
  /** Journal entries packed by `packEntries` into one transferred buffer; `head`: the head record to append to that file after the COMMIT. */
  | { kind: 'append'; id: number; packed: ArrayBuffer; head?: { fd: number; line: string }; sync?: false }
  | { kind: 'put'; id: number; name: string; body: Uint8Array; updated_at: string }
  /**
   * A query index batch packed by `packIndex` into one transferred buffer. After
   * an index write failed, later ones are refused (so the tables never skip a
   * batch) until one comes with `resume` (the failed batch, written again).
   */
  | { kind: 'index'; id: number; packed: ArrayBuffer; resume?: boolean }
  | { kind: 'checkpoint'; id: number }
  | { kind: 'close'; id: number };

export type WorkerReply =
  /** `checkpoint`: on the reply of a checkpoint request that ran one (not on those it covered while held). */
  | { id: number; ok: true; checkpoint?: CheckpointRun }
  /** `code` is SQLite's extended error code name (e.g. SQLITE_CONSTRAINT_PRIMARYKEY), HEAD_RECORD_CODE, or null for other errors. */
  | { id: number; ok: false; code: string | null; message: string };

/** One checkpoint the worker ran: how long it took, whether the ceiling forced it, the bytes it covered. */
export interface CheckpointRun {
  ms: number;
  forced: boolean;
  bytes: number;
}

// ---- packed journal entries ------------------------------------------------------------
//
// One ArrayBuffer holds every entry of an append, so it crosses to the worker by
// transfer (no structured-clone copy, and never the whole backing store of a
// Buffer that happens to be a slice of a larger one). Per entry: a 48-byte header
//   0 seq f64 | 8 op u32 | 12 count u32 | 16 clock_ns i64 |
//   24 lengths u32 × 5 (body, results, checksum, prev_hash, hash) | 44 pad
// then the five byte strings in that order.

const HEADER_BYTES = 48;

export function packEntries(entries: readonly JournalEntry[]): ArrayBuffer {
  let total = 4;
  for (const e of entries) {
    total += HEADER_BYTES + e.body.length + e.results.length + e.checksum.length + e.prev_hash.length + e.hash.length;
  }
  const buf = new ArrayBuffer(total);
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  view.setUint32(0, entries.length, true);
  let off = 4;
  for (const e of entries) {
    view.setFloat64(off, e.seq, true);
    view.setUint32(off + 8, e.op, true);
    view.setUint32(off + 12, e.count, true);
    view.setBigInt64(off + 16, e.clock_ns, true);
    const parts = [e.body, e.results, e.checksum, e.prev_hash, e.hash];
    parts.forEach((p, i) => {
      view.setUint32(off + 24 + 4 * i, p.length, true);
    });
    off += HEADER_BYTES;
    for (const p of parts) {
      bytes.set(p, off);
      off += p.length;
    }
  }
  return buf;
}

/** The entries of a packed buffer; the byte strings are views into it (no copy). */
export function unpackEntries(buf: ArrayBuffer): JournalEntry[] {
  const view = new DataView(buf);
  const n = view.getUint32(0, true);
  const out: JournalEntry[] = [];
  let off = 4;
  for (let k = 0; k < n; k++) {
    const lengths = [0, 1, 2, 3, 4].map((i) => view.getUint32(off + 24 + 4 * i, true));
    const header = off;
    off += HEADER_BYTES;
    const parts = lengths.map((len) => {
      const b = Buffer.from(buf, off, len);
      off += len;
      return b;
    });
    out.push({
      seq: view.getFloat64(header, true),
      op: view.getUint32(header + 8, true),
      count: view.getUint32(header + 12, true),
      clock_ns: view.getBigInt64(header + 16, true),
      body: parts[0]!,
      results: parts[1]!,
      checksum: parts[2]!,
      prev_hash: parts[3]!,
      hash: parts[4]!,
    });
  }
  return out;
}

// ---- packed query index batches -------------------------------------------------------
//
// Header (24 bytes): accounts u32 | transfers u32 | balances u32 | parts u32 |
// through_seq f64; then per account its 16-byte key and 128-byte record, per
// transfer its timestamp (u64 LE), id, debit and credit keys (16 bytes each) and
// record, per balance row its account key, timestamp (u64 LE) and 72-byte record;
// then per part (IndexBatch.parts: a journal entry) its seq f64 | transfers u32 |
// balances u32. The keys and records are the same bytes the main thread's inline
// write binds.

const INDEX_HEADER_BYTES = 24;
const ACCOUNT_ROW = 16 + RECORD_SIZE;
const TRANSFER_ROW = 8 + 48 + RECORD_SIZE;
const BALANCE_ROW = 16 + 8 + BALANCE_RECORD_SIZE;
const PART_ROW = 16;

const MASK64 = (1n << 64n) - 1n;
const LITTLE_ENDIAN = endianness() === 'LE';

/** A u128 as its 16-byte big-endian key (as u128Key gives it), written in place: no Buffer per key. */
function putKey(b: Buffer, v: bigint, off: number): void {
  b.writeBigUInt64BE(v >> 64n, off);
  b.writeBigUInt64BE(v & MASK64, off + 8);
}

/** The 16 bytes at `from` (a u128 little-endian) reversed at `to`: its big-endian key, with no bigint operation. */
function keyFromRecord(b: Uint8Array, from: number, to: number): void {
  for (let j = 0; j < 16; j++) b[to + j] = b[from + 15 - j]!;
}

/**
 * The query index batch in one transferable buffer (layout above). Every row is
 * 8-byte aligned (24, 144, 184 and 96 bytes), so on a little-endian host the
 * records and numbers are stored through typed-array views and each big-endian
 * key is the reversed bytes of the same u128 little-endian (in its record, or
 * stored first in the key's place): `Buffer.writeBigUInt64*` costs ~100 ns a call
 * and each key took two of them and two bigint operations. The bytes are the same
 * as the portable writes give (test: store_sqlite_worker against those writes).
 */
export function packIndex(batch: IndexBatch): ArrayBuffer {
  if (!LITTLE_ENDIAN) return packIndexPortable(batch);
  const { accounts, balances } = batch;
  const { buf, b } = indexBuffer(batch);
  const v64 = new BigUint64Array(buf);
  let off = INDEX_HEADER_BYTES;
  for (const a of accounts) {
    encodeAccount(a, b, off + 16);
    keyFromRecord(b, off + 16, off);
    off += ACCOUNT_ROW;
  }
  // The transfers' records placed first (copied from the producer's, or encoded from the
  // Transfer objects when the batch has no records), then one pass over the rows sets
  // each row's timestamp (its record's last 8 bytes) and keys from its record.
  const count = placeTransferRecords(batch, b, off + 56);
  for (let k = 0; k < count; k++) {
    v64[off >>> 3] = v64[(off + 56 + 120) >>> 3]!;
    keyFromRecord(b, off + 56, off + 8);
    keyFromRecord(b, off + 72, off + 24);
    keyFromRecord(b, off + 88, off + 40);
    off += TRANSFER_ROW;
  }
  for (const h of balances) {
    const i = off >>> 3;
    const bal = h.balance;
    // The account id little-endian in the row's last 16 bytes (scratch, written over below), reversed into the key.
    put128(v64, i + 10, h.account_id);
    keyFromRecord(b, off + 80, off);
    v64[i + 2] = bal.timestamp;
    put128(v64, i + 3, bal.debits_pending);
    put128(v64, i + 5, bal.debits_posted);
    put128(v64, i + 7, bal.credits_pending);
    put128(v64, i + 9, bal.credits_posted);
    v64[i + 11] = bal.timestamp;
    off += BALANCE_ROW;
  }
  return buf;
}

/**
 * Writes the batch's transfer records, the k-th at `off + k * TRANSFER_ROW` of `b`, and
 * returns how many: from `transfer_records` when the batch has them (then `transfers`,
 * which the producer may make only on demand, is not read), else encoded from `transfers`.
 */
function placeTransferRecords(batch: IndexBatch, b: Buffer, off: number): number {
  const records = batch.transfer_records;
  if (records !== undefined) {
    records.writeTo(b, off, TRANSFER_ROW);
    return records.count;
  }
  const transfers = batch.transfers;
  for (const t of transfers) {
    encodeTransfer(t, b, off);
    off += TRANSFER_ROW;
  }
  return transfers.length;
}

/** A u128 little-endian at element `i` (a BigUint64Array store keeps the value modulo 2^64: the low half as is). */
function put128(v64: BigUint64Array, i: number, v: bigint): void {
  v64[i] = v;
  v64[i + 1] = v <= MASK64 ? 0n : v >> 64n;
}

/** A new ArrayBuffer of the batch's size and a Buffer over it, the header written (layout above). */
function indexBuffer(batch: IndexBatch): { buf: ArrayBuffer; b: Buffer } {
  const { accounts, balances } = batch;
  const transfers = batch.transfer_records?.count ?? batch.transfers.length;
  const parts = packableParts(batch, transfers);
  const rows = INDEX_HEADER_BYTES + accounts.length * ACCOUNT_ROW + transfers * TRANSFER_ROW + balances.length * BALANCE_ROW;
  const buf = new ArrayBuffer(rows + parts.length * PART_ROW);
  const b = Buffer.from(buf);
  b.writeUInt32LE(accounts.length, 0);
  b.writeUInt32LE(transfers, 4);
  b.writeUInt32LE(balances.length, 8);
  b.writeUInt32LE(parts.length, 12);
  b.writeDoubleLE(batch.through_seq, 16);
  let off = rows;
  for (const p of parts) {
    b.writeDoubleLE(p.seq, off);
    b.writeUInt32LE(p.transfers, off + 8);
    b.writeUInt32LE(p.balances, off + 12);
    off += PART_ROW;
  }
  return { buf, b };
}

/** The batch's parts when they describe its rows exactly (counts summing to its rows', seqs rising to through_seq); else none. */
function packableParts(batch: IndexBatch, transfers: number): readonly IndexPart[] {
  const parts = batch.parts;
  if (parts === undefined || parts.length < 2) return [];
  let t = 0;
  let bal = 0;
  let prev = Number.NEGATIVE_INFINITY;
  for (const p of parts) {
    if (!(p.seq > prev) || !Number.isSafeInteger(p.transfers) || !Number.isSafeInteger(p.balances) || p.transfers < 0 || p.balances < 0) return [];
    prev = p.seq;
    t += p.transfers;
    bal += p.balances;
  }
  return t === transfers && bal === batch.balances.length && prev === batch.through_seq ? parts : [];
}

/** `packIndex` with Buffer's byte-order writes, on any host. */
export function packIndexPortable(batch: IndexBatch): ArrayBuffer {
  const { accounts, transfers, balances } = batch;
  const { buf, b } = indexBuffer(batch);
  let off = INDEX_HEADER_BYTES;
  for (const a of accounts) {
    putKey(b, a.id, off);
    encodeAccount(a, b, off + 16);
    off += ACCOUNT_ROW;
  }
  for (const t of transfers) {
    b.writeBigUInt64LE(t.timestamp, off);
    putKey(b, t.id, off + 8);
    putKey(b, t.debit_account_id, off + 24);
    putKey(b, t.credit_account_id, off + 40);
    encodeTransfer(t, b, off + 56);
    off += TRANSFER_ROW;
  }
  for (const h of balances) {
    putKey(b, h.account_id, off);
    b.writeBigUInt64LE(h.balance.timestamp, off + 16);
    encodeBalanceInto(h.balance, b, off + 24);
    off += BALANCE_ROW;
  }
  return buf;
}

/** The index statements of a connection (the same SQL as the main thread's inline index write). */
export function indexStatements(db: SqliteDatabase) {
  return {
    setIndexSeq: db.prepare(`INSERT INTO meta (key, value) VALUES ('index_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    indexSeq: db.prepare(`SELECT value FROM meta WHERE key = 'index_seq'`).pluck(),
    upsertAccount: db.prepare(`INSERT INTO accounts (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record`),
    insertTransfer: db.prepare(`INSERT INTO transfers (timestamp, id, debit_account_id, credit_account_id, record) VALUES (?,?,?,?,?)`),
    insertBalance: db.prepare(`INSERT INTO account_balances (account_id, timestamp, record) VALUES (?,?,?)`),
  };
}

/**
 * Runs a write transaction with synchronous=NORMAL (in WAL mode: the commit is not
 * flushed; the next FULL commit's fsync of the WAL flushes it too, and a power cut
 * can only lose a tail of such commits), then puts the connection back to FULL.
 */
export function unsynced(db: SqliteDatabase, run: () => void): void {
  db.pragma('synchronous = NORMAL');
  try {
    run();
  } finally {
    db.pragma('synchronous = FULL');
  }
}

/**
 * Between the entries of an index batch: whether a durable request (an append, a
 * document put) is waiting, and running those that are. Given to writePackedIndex
 * by the commit worker only.
 */
export interface IndexYield {
  waiting(): boolean;
  run(): void;
}

/**
 * Writes a packed index batch with synchronous=NORMAL (the query tables are rebuilt
 * from the journal after a power cut, so they need no fsync of their own), then puts
 * the connection back to FULL for the appends. In one transaction, unless `yieldTo`
 * is given and the batch holds several entries (parts): then, at each boundary
 * between two entries where `yieldTo.waiting()`, the rows so far are committed with
 * the index position at that entry (`index_seq`, as a batch ending there would leave
 * it: accounts are upserts of their latest state, so the tables are those of a
 * batch cut there), the waiting durable requests run (`yieldTo.run()`, with
 * synchronous=FULL), and the rest goes on in a new transaction. An append then waits
 * for at most one entry's rows, not for the batch: at 2,000 requests/s an index
 * write of two 1,000-payment entries held every append posted meanwhile for 18–32 ms
 * (docs/benchmarks.md, #18). A boundary costs a commit only when someone waits.
 * Entries at or below `skipThrough` are not written again (a batch written again
 * after a failure that came after some of its entries were committed). Returns the
 * seq of the batch's last entry.
 */
export function writePackedIndex(
  db: SqliteDatabase,
  s: ReturnType<typeof indexStatements>,
  buf: ArrayBuffer,
  yieldTo: IndexYield | null = null,
  skipThrough = Number.NEGATIVE_INFINITY,
): number {
  const rows = new PackedIndexRows(buf, s);
  const { np, through } = rows;
  if (np < 2 || (yieldTo === null && skipThrough === Number.NEGATIVE_INFINITY)) {
    const tx = db.transaction(() => {
      rows.accounts();
      rows.transfers(rows.nt);
      rows.balances(rows.nb);
      s.setIndexSeq.run(String(through));
    });
    unsynced(db, () => tx.immediate());
    return through;
  }
  db.pragma('synchronous = NORMAL');
  try {
    db.exec('BEGIN IMMEDIATE');
    rows.accounts();
    for (let k = 0; k < np; k++) {
      const { seq, transfers, balances } = rows.part(k);
      if (seq <= skipThrough) {
        rows.skip(transfers, balances);
        continue;
      }
      rows.transfers(transfers);
      rows.balances(balances);
      if (k < np - 1 && yieldTo !== null && yieldTo.waiting()) {
        s.setIndexSeq.run(String(seq));
        db.exec('COMMIT');
        db.pragma('synchronous = FULL');
        yieldTo.run();
        db.pragma('synchronous = NORMAL');
        db.exec('BEGIN IMMEDIATE');
      }
    }
    s.setIndexSeq.run(String(through));
    db.exec('COMMIT');
    return through;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  } finally {
    db.pragma('synchronous = FULL');
  }
}

/** A packed index batch read in order: its accounts, then transfers and balance rows a given count at a time, and its parts. */
class PackedIndexRows {
  readonly na: number;
  readonly nt: number;
  readonly nb: number;
  readonly np: number;
  readonly through: number;
  private readonly b: Buffer;
  private readonly s: ReturnType<typeof indexStatements>;
  private tOff: number;
  private bOff: number;
  private readonly partsOff: number;

  constructor(buf: ArrayBuffer, s: ReturnType<typeof indexStatements>) {
    const b = (this.b = Buffer.from(buf));
    this.s = s;
    this.na = b.readUInt32LE(0);
    this.nt = b.readUInt32LE(4);
    this.nb = b.readUInt32LE(8);
    this.np = b.readUInt32LE(12);
    this.through = b.readDoubleLE(16);
    this.tOff = INDEX_HEADER_BYTES + this.na * ACCOUNT_ROW;
    this.bOff = this.tOff + this.nt * TRANSFER_ROW;
    this.partsOff = this.bOff + this.nb * BALANCE_ROW;
  }

  accounts(): void {
    const { b, s } = this;
    for (let i = 0, off = INDEX_HEADER_BYTES; i < this.na; i++, off += ACCOUNT_ROW)
      s.upsertAccount.run(b.subarray(off, off + 16), b.subarray(off + 16, off + ACCOUNT_ROW));
  }

  transfers(n: number): void {
    const { b, s } = this;
    for (let i = 0, off = this.tOff; i < n; i++, off += TRANSFER_ROW)
      s.insertTransfer.run(
        b.readBigUInt64LE(off),
        b.subarray(off + 8, off + 24),
        b.subarray(off + 24, off + 40),
        b.subarray(off + 40, off + 56),
        b.subarray(off + 56, off + TRANSFER_ROW),
      );
    this.tOff += n * TRANSFER_ROW;
  }

  balances(n: number): void {
    const { b, s } = this;
    for (let i = 0, off = this.bOff; i < n; i++, off += BALANCE_ROW)
      s.insertBalance.run(b.subarray(off, off + 16), b.readBigUInt64LE(off + 16), b.subarray(off + 24, off + BALANCE_ROW));
    this.bOff += n * BALANCE_ROW;
  }

  skip(transfers: number, balances: number): void {
    this.tOff += transfers * TRANSFER_ROW;
    this.bOff += balances * BALANCE_ROW;
  }

  part(k: number): IndexPart {
    const off = this.partsOff + k * PART_ROW;
    return { seq: this.b.readDoubleLE(off), transfers: this.b.readUInt32LE(off + 8), balances: this.b.readUInt32LE(off + 12) };
  }
}

// ---- the worker's body ----------------------------------------------------------------

/** The worker's connection and its two write statements. */
interface WorkerConnection {
  db: SqliteDatabase;
  insert: SqliteStatement;
  put: SqliteStatement;
  index: ReturnType<typeof indexStatements>;
}

/**
 * The query tables' position (meta index_seq), below which a batch written again
 * skips its entries: a batch whose write failed after some of its entries were
 * committed (writePackedIndex with a yield) holds those rows already.
 */
export function indexedThrough(s: ReturnType<typeof indexStatements>): number {
  const v = s.indexSeq.get() as string | undefined;
  return v === undefined ? Number.NEGATIVE_INFINITY : Number(v);
}

function openConnection(init: WorkerInit): WorkerConnection {
  const db = new Database(init.path, { fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${init.busy_timeout_ms}`);
    db.pragma('journal_mode = WAL');
    // After journal_mode: better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1 (NORMAL).
    db.pragma('synchronous = FULL');
    // Checkpoints are requested explicitly by ./sqlite.ts, never as a side effect of a commit.
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare(`INSERT INTO journal (seq, op, clock_ns, count, body, results, checksum, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)`);
    const put = db.prepare(
      `INSERT INTO documents (name, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
    );
    return { db, insert, put, index: indexStatements(db) };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The head record after a COMMIT: an error tagged HEAD_RECORD_CODE, so the caller reports the journal durable but the head not. */
function writeHead(head: { fd: number; line: string }): void {
  try {
    writeSync(head.fd, head.line);
    fdatasyncSync(head.fd);
  } catch (err) {
    throw Object.assign(new Error((err as Error).message), { code: HEAD_RECORD_CODE });
  }
}

function handle(req: WorkerRequest, open: () => WorkerConnection, yieldTo: IndexYield | null = null): void {
  switch (req.kind) {
    case 'append': {
      const { db, insert } = open();
      const entries = unpackEntries(req.packed);
      const tx = db.transaction(() => {
        for (const e of entries) insert.run(e.seq, e.op, e.clock_ns, e.count, e.body, e.results, e.checksum, e.prev_hash, e.hash);
      });
      if (req.sync === false) unsynced(db, () => tx.immediate());
      else tx.immediate();
      if (req.head !== undefined) writeHead(req.head);
      return;
    }
    case 'put': {
      const { db, put } = open();
      db.transaction(() => put.run(req.name, Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength), req.updated_at)).immediate();
      return;
    }
    case 'index': {
      const { db, index } = open();
      writePackedIndex(db, index, req.packed, yieldTo, req.resume === true ? indexedThrough(index) : Number.NEGATIVE_INFINITY);
      return;
    }
    case 'checkpoint':
      open().db.pragma('wal_checkpoint(PASSIVE)');
      return;
    case 'close':
      return;
  }
}

function reply(req: WorkerRequest, run: () => void): WorkerReply {
  try {
    run();
    return { id: req.id, ok: true };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { id: req.id, ok: false, code: typeof code === 'string' ? code : null, message: (err as Error).message ?? String(err) };
  }
}

/** The commit worker's held checkpoints: when they are due, and running them as one. */
class CheckpointHold {
  readonly held: WorkerRequest[] = [];
  private readonly gapMs: number;
  private readonly ceilingBytes: number;
  /** When the last durable request finished or arrived (performance.now()). */
  private lastDurableMs = Number.NEGATIVE_INFINITY;
  /** Bytes written since the last checkpoint ran (approximate WAL growth). */
  private walBytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(init: WorkerInit) {
    this.gapMs = init.checkpoint_idle_gap_ms ?? CHECKPOINT_IDLE_GAP_MS;
    this.ceilingBytes = init.checkpoint_ceiling_bytes ?? CHECKPOINT_CEILING_BYTES;
  }

  count(req: WorkerRequest): void {
    if (req.kind === 'append' || req.kind === 'index') this.walBytes += req.packed.byteLength;
    else if (req.kind === 'put') this.walBytes += req.body.byteLength;
  }

  durableAt(): void {
    this.lastDurableMs = performance.now();
  }

  /** 'forced' past the ceiling, 'idle' in an idle gap (`noDurable`: no durable request queued), else null. */
  due(noDurable: boolean): 'forced' | 'idle' | null {
    if (this.held.length === 0) return null;
    if (this.walBytes >= this.ceilingBytes) return 'forced';
    return noDurable && performance.now() - this.lastDurableMs >= this.gapMs ? 'idle' : null;
  }

  /** With held checkpoints and nothing else queued: look again when the gap will have passed (an append posted meanwhile wakes the step first). */
  wakeAfterGap(schedule: () => void): void {
    if (this.held.length > 0) this.timer = setTimeout(schedule, Math.max(0, this.lastDurableMs + this.gapMs - performance.now()));
  }

  clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Runs one checkpoint for every held request (`runOne` the first); the replies, the first with its figures. */
  run(forced: boolean, runOne: (req: WorkerRequest) => WorkerReply): WorkerReply[] {
    const reqs = this.held.splice(0);
    const bytes = this.walBytes;
    const t0 = performance.now();
    const plain = runOne(reqs[0]!);
    this.walBytes = 0;
    const first: WorkerReply = plain.ok ? { ...plain, checkpoint: { ms: performance.now() - t0, forced, bytes } } : plain;
    return [first, ...reqs.slice(1).map((r) => ({ ...plain, id: r.id }))];
  }
}

/** Index writes that, after one failed, refuse the later ones until one comes with `resume` (no gap in the tables). */
function indexWriter(open: () => WorkerConnection, yieldTo: IndexYield): (req: WorkerRequest & { kind: 'index' }) => void {
  let indexFailure: Error | null = null;
  return (req) => {
    if (indexFailure !== null && req.resume !== true) throw new Error(`an earlier index write failed (${indexFailure.message})`);
    try {
      handle(req, open, yieldTo);
      indexFailure = null;
    } catch (err) {
      indexFailure = err as Error;
      throw err;
    }
  };
}

/**
 * Between an index write's entries (writePackedIndex): whether an append or document
 * put was posted meanwhile (read off the port into the worker's queues), and running
 * those first, in order, each answered as it ends. A close waits for the index write.
 */
function durableBetween(
  port: MessagePort,
  queue: { durable: WorkerRequest[]; take: (req: WorkerRequest) => void; hold: CheckpointHold },
  runOne: (req: WorkerRequest) => WorkerReply,
): IndexYield {
  const { durable, take, hold } = queue;
  const interleavable = (): boolean => durable.length > 0 && durable[0]!.kind !== 'close';
  return {
    waiting: () => {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) take(m.message as WorkerRequest);
      return interleavable();
    },
    run: () => {
      while (interleavable()) {
        port.postMessage(runOne(durable.shift()!));
        hold.durableAt();
      }
    },
  };
}

function runWorker(init: WorkerInit): void {
  const port = parentPort! as MessagePort;
  let conn: WorkerConnection | null = null;
  // Opened on the first request, so an open failure is reported to a caller
  // (as the reply to that request) instead of killing the thread.
  const open = (): WorkerConnection => (conn ??= openConnection(init));
  // Durable requests first (in order), then index writes (in order); checkpoints are
  // held (several requests run as one) until an idle gap or the ceiling (see CHECKPOINT_IDLE_GAP_MS).
  const durable: WorkerRequest[] = [];
  const deferred: WorkerRequest[] = [];
  const hold = new CheckpointHold(init);
  const take = (req: WorkerRequest): void => {
    hold.count(req);
    if (req.kind === 'checkpoint') hold.held.push(req);
    else if (req.kind === 'index') deferred.push(req);
    else {
      durable.push(req);
      hold.durableAt();
    }
  };
  const runHeld = (forced: boolean): void => {
    for (const r of hold.run(forced, (req) => reply(req, () => handle(req, open)))) port.postMessage(r);
  };
  const indexWrite = indexWriter(
    open,
    durableBetween(port, { durable, take, hold }, (d) => reply(d, () => handle(d, open))),
  );
  let scheduled = false;
  const step = (): void => {
    scheduled = false;
    // Whatever else was posted meanwhile is queued now, so a waiting append goes before index work.
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) take(m.message as WorkerRequest);
    hold.clearTimer();
    const due = durable[0]?.kind === 'close' ? null : hold.due(durable.length === 0);
    if (due !== null) {
      // Past the ceiling at once; otherwise in an idle gap, before queued index writes (which do not end the gap).
      runHeld(due === 'forced');
      schedule();
      return;
    }
    const req = durable.length > 0 ? durable.shift()! : deferred.shift();
    if (req === undefined) {
      hold.wakeAfterGap(schedule);
      return;
    }
    if (req.kind === 'close') {
      // Index writes and checkpoints posted before the close are done first (the store waits for every reply before it closes).
      for (const d of deferred.splice(0)) port.postMessage(reply(d, () => (d.kind === 'index' ? indexWrite(d) : handle(d, open))));
      if (hold.held.length > 0) runHeld(false);
      conn?.db.close();
      conn = null;
      port.postMessage({ id: req.id, ok: true } satisfies WorkerReply);
      port.close();
      return;
    }
    port.postMessage(reply(req, () => (req.kind === 'index' ? indexWrite(req) : handle(req, open))));
    if (req.kind !== 'index') hold.durableAt();
    if (durable.length + deferred.length + hold.held.length > 0) schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(step);
  };
  port.on('message', (req: WorkerRequest) => {
    take(req);
    schedule();
  });
}

/**
 * The checkpointer: a third connection on its own thread that runs the bulk of a
 * checkpoint (copying the WAL's pages into the main file and fsyncing it) beside
 * the commit worker's appends, which a PASSIVE checkpoint does not block. It
 * cannot leave the WAL empty under a steady stream (the frames appended meanwhile
 * stay), so ./sqlite.ts then asks the commit worker for a checkpoint of those few
 * frames: short, after which the next append starts the WAL from its beginning.
 * Requests: 'checkpoint' and 'close' only.
 */
function runCheckpointer(init: WorkerInit): void {
  const port = parentPort! as MessagePort;
  let db: SqliteDatabase | null = null;
  port.on('message', (req: WorkerRequest) => {
    if (req.kind === 'close') {
      db?.close();
      db = null;
      port.postMessage({ id: req.id, ok: true } satisfies WorkerReply);
      port.close();
      return;
    }
    const t0 = performance.now();
    const r = reply(req, () => {
      if (db === null) {
        db = new Database(init.path, { fileMustExist: true });
        db.pragma(`busy_timeout = ${init.busy_timeout_ms}`);
        db.pragma('synchronous = FULL');
        db.pragma('wal_autocheckpoint = 0');
      }
      db.pragma('wal_checkpoint(PASSIVE)');
    });
    port.postMessage(r.ok ? { ...r, checkpoint: { ms: performance.now() - t0, forced: false, bytes: 0 } } : r);
  });
}

const init = workerData as Partial<WorkerInit> | null | undefined;
if (!isMainThread && parentPort !== null && init?.role === WORKER_ROLE && typeof init.path === 'string') {
  if (init.checkpointer === true) runCheckpointer(init as WorkerInit);
  else runWorker(init as WorkerInit);
}
