// The journal head recorded outside the journal table, so that cutting the
// journal's tail (deleting its last rows, with the snapshot and query tables
// that would betray it) does not leave a store that checks out.
//
// Every record holds a journal position (seq), the entry hash at it, and a
// checksum chain: chain = sha256(tag || prev_chain || seq || hash), where
// prev_chain is the previous record's chain (32 zero bytes for the first). The
// chain catches a record that was altered, torn or reordered; it has no secret,
// so whoever can rewrite both the journal and this record can still cut (a
// receipt kept by a member, `verify --expect-head`, closes that).
//
// This module owns the checksum and the SQLite store's head file, PATH.head:
//   line 1  "sco-settle journal head 1"
//   then    "<seq> <hash hex> <prev_chain hex> <chain hex>" per record, appended
//           after each durable journal commit and fdatasynced (off the event loop,
//           one per group commit) before the append is acknowledged: it never
//           leads the journal, and lags it only by commits nobody was told of.
// The file is rewritten (temporary file, fsync, rename) to its last record when the
// writer opens it and when it grows past HEAD_FILE_BYTES_MAX. PostgreSQL keeps the
// same record as one row of the journal_head table (./postgres.ts).

import { createHash } from 'node:crypto';
import { closeSync, fdatasync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RecordedHead } from './types.js';

export const HEAD_HASH_SIZE = 32;
export const HEAD_GENESIS = Buffer.alloc(HEAD_HASH_SIZE);
const TAG = Buffer.from('sco-settle journal head 1\0');
const FILE_HEADER = 'sco-settle journal head 1\n';
/** The head file is cut back to its last record past this size (about 4,800 records). */
export const HEAD_FILE_BYTES_MAX = 1024 * 1024;
/** A head file larger than this is not read (it is never legitimately larger than the cap plus one record). */
const HEAD_FILE_READ_MAX = 4 * HEAD_FILE_BYTES_MAX;
const SEQ_MAX = Number.MAX_SAFE_INTEGER;

export interface HeadRecord {
  seq: number;
  hash: Buffer;
  prev_chain: Buffer;
  chain: Buffer;
}

export function headChain(prev_chain: Buffer, seq: number, hash: Buffer): Buffer {
  const s = Buffer.alloc(8);
  s.writeBigUInt64LE(BigInt(seq));
  return createHash('sha256').update(TAG).update(prev_chain).update(s).update(hash).digest();
}

/** The record that follows `prev` (null: the first) at journal position `seq` with entry hash `hash`. */
export function nextHeadRecord(prev: HeadRecord | null, seq: number, hash: Buffer): HeadRecord {
  const prev_chain = prev === null ? HEAD_GENESIS : prev.chain;
  return { seq, hash: Buffer.from(hash), prev_chain, chain: headChain(prev_chain, seq, hash) };
}

/** Why a record read back does not hold together, or null. */
export function headRecordProblem(r: HeadRecord): string | null {
  if (!Number.isSafeInteger(r.seq) || r.seq < 0) return `journal position ${r.seq} is not a whole number`;
  if (r.hash.length !== HEAD_HASH_SIZE || r.prev_chain.length !== HEAD_HASH_SIZE || r.chain.length !== HEAD_HASH_SIZE) return 'a hash is not 32 bytes';
  if (!headChain(r.prev_chain, r.seq, r.hash).equals(r.chain)) return `the record at journal position ${r.seq} fails its checksum`;
  return null;
}

function formatRecord(r: HeadRecord): string {
  return `${r.seq} ${r.hash.toString('hex')} ${r.prev_chain.toString('hex')} ${r.chain.toString('hex')}\n`;
}

const RECORD_LINE = /^(0|[1-9][0-9]{0,15}) ([0-9a-f]{64}) ([0-9a-f]{64}) ([0-9a-f]{64})$/;

function parseRecord(line: string): HeadRecord | null {
  const m = RECORD_LINE.exec(line);
  if (m === null || Number(m[1]) > SEQ_MAX) return null;
  return { seq: Number(m[1]), hash: Buffer.from(m[2]!, 'hex'), prev_chain: Buffer.from(m[3]!, 'hex'), chain: Buffer.from(m[4]!, 'hex') };
}

/** What a head file or row says, and its last good record (to continue the chain from). */
export interface HeadRead {
  head: RecordedHead;
  last: HeadRecord | null;
}

function corrupt(where: string, problem: string): HeadRead {
  return { head: { state: 'corrupt', where, problem }, last: null };
}

/** The records of a head file's text; a torn last line (a crash mid-write) is left out and noted. */
export function parseHeadFile(text: string, where: string, since_seq: number): HeadRead {
  if (!text.startsWith(FILE_HEADER)) return corrupt(where, 'it does not start with the head file header');
  const notes: string[] = [];
  const lines = text.slice(FILE_HEADER.length).split('\n');
  // The text after the last newline is a record being written when the process stopped.
  const torn = lines.pop()!;
  if (torn.length > 0) notes.push(`${where}: a torn last record (${torn.length} bytes) was left out`);
  let last: HeadRecord | null = null;
  for (const [i, line] of lines.entries()) {
    const r = parseRecord(line);
    const problem = r === null ? 'it does not read' : headRecordProblem(r);
    if (r === null || problem !== null) {
      // Only the last line may be torn (a crash between write and flush can leave zeros).
      if (i === lines.length - 1 && notes.length === 0 && last !== null) {
        notes.push(`${where}: a torn last record was left out`);
        break;
      }
      return corrupt(where, `line ${i + 2}: ${problem}`);
    }
    if (last !== null && (!r.prev_chain.equals(last.chain) || r.seq < last.seq))
      return corrupt(where, `line ${i + 2}: the checksum chain is broken (the record does not follow the one before it)`);
    last = r;
  }
  if (last === null) return corrupt(where, 'it holds no record');
  return { head: { state: 'recorded', where, seq: last.seq, hash: last.hash, since_seq, notes }, last };
}

/** The head file of a SQLite store: read by anyone, appended to by the writer only. */
export class HeadFile {
  readonly path: string;
  private fd: number | null = null;
  private bytes = 0;
  private last: HeadRecord | null = null;
  /** Records appended since the last fdatasync. */
  private unsynced = false;

  constructor(store_path: string) {
    this.path = `${store_path}.head`;
  }

  /** What the file says (`expected`: the store's meta says it keeps one). */
  read(expected: boolean, since_seq: number): HeadRead {
    if (!expected) return { head: { state: 'not_recorded' }, last: null };
    let buf: Buffer;
    try {
      buf = readFileSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { head: { state: 'missing', where: this.path }, last: null };
      return corrupt(this.path, `cannot read it: ${(err as Error).message}`);
    }
    if (buf.length > HEAD_FILE_READ_MAX) return corrupt(this.path, `${buf.length} bytes, more than a head file ever holds`);
    return parseHeadFile(buf.toString('latin1'), this.path, since_seq);
  }

  /**
   * Takes the file for writing, starting from `start` (the last good record read
   * back, or a first record): rewritten to that record alone, durably.
   */
  begin(start: HeadRecord): void {
    this.last = start;
    this.rewrite();
  }

  /** Appends the record for a durable journal head; durable once sync() resolves (a rewrite is durable at once). */
  append(seq: number, hash: Buffer): void {
    const next = this.prepare(seq, hash);
    if (next === null) return;
    writeSync(next.fd, next.line);
    this.unsynced = true;
    this.appended(next);
  }

  /**
   * The record for `seq` and its line, for another thread (the SQLite commit
   * worker) to write and fdatasync at `fd` once the journal's COMMIT returned;
   * `appended` then takes it as the last record. Null when no file is open.
   */
  prepare(seq: number, hash: Buffer): { fd: number; line: string; record: HeadRecord } | null {
    if (this.fd === null) return null;
    const record = nextHeadRecord(this.last, seq, hash);
    return { fd: this.fd, line: formatRecord(record), record };
  }

  /** A prepared record was written (and, by the worker, synced): it is the last one now. */
  appended(next: { line: string; record: HeadRecord }): void {
    this.bytes += next.line.length;
    this.last = next.record;
    if (this.bytes > HEAD_FILE_BYTES_MAX) this.rewrite();
  }

  /** fdatasync of what append() wrote, on the thread pool so the event loop keeps serving; nothing to do after a rewrite. */
  sync(): Promise<void> {
    const fd = this.fd;
    if (fd === null || !this.unsynced) return Promise.resolve();
    this.unsynced = false;
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err === null ? resolve() : reject(err))));
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Replaces the file by one holding only the last record: a temporary file, fsynced, renamed over it, the folder fsynced. */
  private rewrite(): void {
    this.close();
    const text = FILE_HEADER + formatRecord(this.last!);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    syncFolder(dirname(this.path));
    this.fd = openSync(this.path, 'a');
    this.bytes = text.length;
    this.unsynced = false;
  }
}

function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a folder; the rename is then as durable as they make it.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Every well-formed record line of a head file's text, in order (for a backup that picks the one matching its copy). */
export function headRecordsIn(text: string): HeadRecord[] {
  if (!text.startsWith(FILE_HEADER)) return [];
  const out: HeadRecord[] = [];
  for (const line of text.slice(FILE_HEADER.length).split('\n')) {
    const r = parseRecord(line);
    if (r !== null && headRecordProblem(r) === null) out.push(r);
  }
  return out;
}
