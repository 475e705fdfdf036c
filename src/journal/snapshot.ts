// Snapshots: the whole state machine at one journal position, so that start-up
// replays only the journal after it. The encoding is deterministic (same state,
// same bytes), which lets `verify` compare a stored snapshot with a replay.

import { createHash } from 'node:crypto';
import { decodeAccount, decodeTransfer, encodeAccount, encodeTransfer, RECORD_SIZE } from '../ledger/codec.js';
import { LedgerStateMachine, type LedgerLimits, type PendingEntry } from '../ledger/state_machine.js';
import type { TransferSpill } from '../ledger/transfer_log.js';
import type { Account, PendingStatus, Transfer } from '../ledger/types.js';
import { HASH_SIZE } from './entry.js';

const MAGIC = Buffer.from('SCOSNAP2');
/** magic, seq, last timestamp, hash, five counts (the fifth: bytes of the command executor's state). */
const HEADER = 8 + 8 + 8 + HASH_SIZE + 5 * 4;
const PENDING_ROW = 16 + 1 + 8;
const EMPTY = Buffer.alloc(0);
const STATUS: readonly PendingStatus[] = ['pending', 'posted', 'voided', 'expired'];

export interface SnapshotState {
  seq: number;
  /** The hash of journal entry `seq`, to continue the chain check after it. */
  hash: Buffer;
  machine: LedgerStateMachine;
  /** The command executor's state at `seq` (empty when there is none). */
  extension: Buffer;
}

export function encodeSnapshot(seq: number, hash: Buffer, sm: LedgerStateMachine, extension: Buffer = EMPTY): Buffer {
  const accounts = sm.accountLog;
  const transferCount = sm.transferCount;
  const pending = [...sm.pending.entries()];
  const submitted = sm.submittedTransfers();
  const size = HEADER + (accounts.length + transferCount + submitted.length) * RECORD_SIZE + pending.length * PENDING_ROW + extension.length + HASH_SIZE;
  const buf = Buffer.alloc(size);
  MAGIC.copy(buf, 0);
  buf.writeBigUInt64LE(BigInt(seq), 8);
  buf.writeBigUInt64LE(sm.last_timestamp, 16);
  hash.copy(buf, 24);
  let off = 24 + HASH_SIZE;
  for (const n of [accounts.length, transferCount, pending.length, submitted.length, extension.length]) {
    buf.writeUInt32LE(n, off);
    off += 4;
  }
  for (const a of accounts) {
    encodeAccount(a, buf, off);
    off += RECORD_SIZE;
  }
  for (const t of sm.transfersInOrder()) {
    encodeTransfer(t, buf, off);
    off += RECORD_SIZE;
  }
  for (const [id, entry] of pending) {
    buf.writeBigUInt64LE(id & ((1n << 64n) - 1n), off);
    buf.writeBigUInt64LE(id >> 64n, off + 8);
    buf.writeUInt8(STATUS.indexOf(entry.status), off + 16);
    buf.writeBigUInt64LE(entry.expires_at, off + 17);
    off += PENDING_ROW;
  }
  // Submitted forms are kept by id; sort so equal states encode to equal bytes.
  submitted.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  for (const t of submitted) {
    encodeTransfer(t, buf, off);
    off += RECORD_SIZE;
  }
  extension.copy(buf, off);
  off += extension.length;
  createHash('sha256').update(buf.subarray(0, off)).digest().copy(buf, off);
  return buf;
}

/** Why the bytes are not an intact snapshot (magic, checksum), or null. */
function snapshotProblem(buf: Buffer): string | null {
  if (buf.length < HEADER + HASH_SIZE || !buf.subarray(0, 8).equals(MAGIC)) return 'snapshot: not a snapshot';
  const digest = createHash('sha256')
    .update(buf.subarray(0, buf.length - HASH_SIZE))
    .digest();
  return digest.equals(buf.subarray(buf.length - HASH_SIZE)) ? null : 'snapshot: checksum mismatch';
}

/**
 * The command executor's state held in an intact snapshot, read from the header
 * without decoding the ledger part; null when the bytes are not an intact snapshot.
 */
export function snapshotExtension(buf: Buffer): Buffer | null {
  if (snapshotProblem(buf) !== null) return null;
  const length = buf.readUInt32LE(24 + HASH_SIZE + 16);
  const end = buf.length - HASH_SIZE;
  return length > end - HEADER ? null : buf.subarray(end - length, end);
}

/** `transfer_spill`: where the decoded ledger may keep old transfers (see ledger/transfer_log.ts). */
export function decodeSnapshot(buf: Buffer, limits?: LedgerLimits, transfer_spill?: TransferSpill): SnapshotState {
  const problem = snapshotProblem(buf);
  if (problem !== null) throw new Error(problem);
  const seq = Number(buf.readBigUInt64LE(8));
  const lastTimestamp = buf.readBigUInt64LE(16);
  const hash = Buffer.from(buf.subarray(24, 24 + HASH_SIZE));
  let off = 24 + HASH_SIZE;
  const counts: number[] = [];
  for (let i = 0; i < 5; i++) {
    counts.push(buf.readUInt32LE(off));
    off += 4;
  }
  const [nAccounts, nTransfers, nPending, nSubmitted, nExtension] = counts as [number, number, number, number, number];
  const accounts: Account[] = [];
  for (let i = 0; i < nAccounts; i++, off += RECORD_SIZE) accounts.push(decodeAccount(buf, off));
  const transfers: Transfer[] = [];
  for (let i = 0; i < nTransfers; i++, off += RECORD_SIZE) transfers.push(decodeTransfer(buf, off));
  const pending: Array<[bigint, PendingEntry]> = [];
  for (let i = 0; i < nPending; i++, off += PENDING_ROW) {
    const id = (buf.readBigUInt64LE(off + 8) << 64n) | buf.readBigUInt64LE(off);
    const status = STATUS[buf.readUInt8(off + 16)];
    if (status === undefined) throw new Error('snapshot: bad pending status');
    pending.push([id, { status, expires_at: buf.readBigUInt64LE(off + 17) }]);
  }
  const submitted: Transfer[] = [];
  for (let i = 0; i < nSubmitted; i++, off += RECORD_SIZE) submitted.push(decodeTransfer(buf, off));
  if (off + nExtension > buf.length - HASH_SIZE) throw new Error('snapshot: length does not match its counts');
  const extension = Buffer.from(buf.subarray(off, off + nExtension));
  off += nExtension;
  if (off !== buf.length - HASH_SIZE) throw new Error('snapshot: length does not match its counts');
  const machine = new LedgerStateMachine(limits, transfer_spill);
  machine.restore(accounts, transfers, pending, submitted, lastTimestamp);
  return { seq, hash, machine, extension };
}
