// Journal entries: the on-disk form of one accepted batch, with its checksum and
// its link in the hash chain. An entry records the events as submitted and the
// clock reading they ran at; since the state machine is deterministic, replaying
// entries in order rebuilds the state, and the stored results let a replay prove
// that it got the same answers.

import { createHash, hash } from 'node:crypto';
import { decodeAccounts, decodeTransfers, encodeAccounts, encodeTransfers, RECORD_SIZE } from '../ledger/codec.js';
import type { Operation } from '../ledger/state_machine.js';
import { RESULT_CODES, type Account, type Transfer } from '../ledger/types.js';
import { OP_COMMAND, OP_COMMAND_VERSIONED, OP_CREATE_ACCOUNTS, OP_CREATE_TRANSFERS, OP_PULSE, type JournalEntry } from '../store/types.js';
import { COMMAND_BYTES_MAX, OUTPUT_DIGEST_SIZE } from './command.js';

export const HASH_SIZE = 32;
export const GENESIS_HASH = Buffer.alloc(HASH_SIZE);
const RESULT_ROW = 5;

export function opNumber(op: Operation): number {
  return op === 'create_accounts' ? OP_CREATE_ACCOUNTS : op === 'create_transfers' ? OP_CREATE_TRANSFERS : OP_PULSE;
}

export function opName(op: number): Operation {
  if (op === OP_CREATE_ACCOUNTS) return 'create_accounts';
  if (op === OP_CREATE_TRANSFERS) return 'create_transfers';
  if (op === OP_PULSE) return 'pulse';
  throw new Error(`unknown journal op ${op}`);
}

/** Only the non-ok results are kept: most events succeed. */
export function encodeResults(results: Uint8Array): Buffer {
  let failures = 0;
  for (let i = 0; i < results.length; i++) if (results[i] !== 0) failures++;
  const buf = Buffer.allocUnsafe(failures * RESULT_ROW);
  let off = 0;
  for (let i = 0; i < results.length; i++) {
    if (results[i] === 0) continue;
    buf.writeUInt32LE(i, off);
    buf.writeUInt8(results[i]!, off + 4);
    off += RESULT_ROW;
  }
  return buf;
}

export function decodeResults(buf: Buffer, count: number): Uint8Array {
  if (buf.length % RESULT_ROW !== 0) throw new Error(`results: ${buf.length} bytes is not a multiple of ${RESULT_ROW}`);
  const results = new Uint8Array(count);
  for (let off = 0; off < buf.length; off += RESULT_ROW) {
    const index = buf.readUInt32LE(off);
    const code = buf.readUInt8(off + 4);
    if (index >= count || code === 0 || code >= RESULT_CODES.length) throw new Error(`results: bad row at byte ${off}`);
    results[index] = code;
  }
  return results;
}

/** Entry bodies up to this many bytes are checksummed in one shot (checksumOf). */
const CHECKSUM_ONE_SHOT_MAX = 4096;

function checksumOf(seq: number, op: number, clock_ns: bigint, count: number, body: Buffer, results: Buffer): Buffer {
  const header = Buffer.allocUnsafe(8 + 1 + 8 + 4 + 4);
  header.writeBigUInt64LE(BigInt(seq), 0);
  header.writeUInt8(op, 8);
  header.writeBigUInt64LE(clock_ns, 9);
  header.writeUInt32LE(count, 17);
  header.writeUInt32LE(body.length, 21);
  // A small entry (a command of one payment) one-shot over its bytes together; a large body is not copied for that.
  if (body.length <= CHECKSUM_ONE_SHOT_MAX) return hash('sha256', Buffer.concat([header, body, results]), 'buffer');
  return createHash('sha256').update(header).update(body).update(results).digest();
}

/** sha256(prev_hash ‖ checksum), one-shot over the 64 bytes: one a journal entry, no Hash object. */
function linkOf(prev_hash: Buffer, checksum: Buffer): Buffer {
  return hash('sha256', Buffer.concat([prev_hash, checksum], prev_hash.length + checksum.length), 'buffer');
}

export function buildEntry(
  seq: number,
  op: Operation,
  clock_ns: bigint,
  events: readonly (Account | Transfer)[],
  results: Uint8Array,
  prev_hash: Buffer,
): JournalEntry {
  const body =
    op === 'create_accounts'
      ? encodeAccounts(events as readonly Account[])
      : op === 'create_transfers'
        ? encodeTransfers(events as readonly Transfer[])
        : Buffer.alloc(0);
  const resultBytes = encodeResults(results);
  const opNum = opNumber(op);
  const checksum = checksumOf(seq, opNum, clock_ns, events.length, body, resultBytes);
  return {
    seq,
    op: opNum,
    clock_ns,
    count: events.length,
    body,
    results: resultBytes,
    checksum,
    prev_hash,
    hash: linkOf(prev_hash, checksum),
  };
}

/** Bytes after the output digest of a versioned command entry: the rules version, u32 LE. */
const RULES_VERSION_SIZE = 4;
/** Rules version of every op-4 command entry (store format 1). */
export const LEGACY_COMMAND_RULES_VERSION = 1;

/**
 * A command entry: the command's bytes as submitted, the digest of the output it
 * gave, and the rules version it ran under (replay runs it under that version).
 */
export function buildCommandEntry(
  seq: number,
  clock_ns: bigint,
  command: Buffer,
  output_digest: Buffer,
  rules_version: number,
  prev_hash: Buffer,
): JournalEntry {
  if (!Number.isInteger(rules_version) || rules_version < 1 || rules_version > 0xffff_ffff)
    throw new Error(`rules version ${rules_version} is not a u32 above 0`);
  const results = Buffer.alloc(OUTPUT_DIGEST_SIZE + RULES_VERSION_SIZE);
  output_digest.copy(results, 0);
  results.writeUInt32LE(rules_version, OUTPUT_DIGEST_SIZE);
  const checksum = checksumOf(seq, OP_COMMAND_VERSIONED, clock_ns, 1, command, results);
  return {
    seq,
    op: OP_COMMAND_VERSIONED,
    clock_ns,
    count: 1,
    body: command,
    results,
    checksum,
    prev_hash,
    hash: linkOf(prev_hash, checksum),
  };
}

export function isCommand(e: JournalEntry): boolean {
  return e.op === OP_COMMAND || e.op === OP_COMMAND_VERSIONED;
}

/** The rules version a command entry ran under (op 4 entries: version 1). */
export function commandRulesVersion(e: JournalEntry): number {
  return e.op === OP_COMMAND_VERSIONED ? e.results.readUInt32LE(OUTPUT_DIGEST_SIZE) : LEGACY_COMMAND_RULES_VERSION;
}

/** The digest of the output a command entry recorded. */
export function commandOutputDigest(e: JournalEntry): Buffer {
  return e.results.subarray(0, OUTPUT_DIGEST_SIZE);
}

/** Why the entry cannot be trusted after `expected_prev`, or null if it checks out. */
export function checkEntry(e: JournalEntry, expected_seq: number, expected_prev: Buffer): string | null {
  if (e.seq !== expected_seq) return `expected journal entry ${expected_seq}, found ${e.seq}`;
  if (isCommand(e)) {
    if (e.count !== 1 || e.body.length > COMMAND_BYTES_MAX) return `command entry holds ${e.count} commands of ${e.body.length} bytes`;
    const size = e.op === OP_COMMAND ? OUTPUT_DIGEST_SIZE : OUTPUT_DIGEST_SIZE + RULES_VERSION_SIZE;
    if (e.results.length !== size) return `command entry has ${e.results.length} bytes of output digest and rules version, not ${size}`;
  } else if (e.body.length !== e.count * RECORD_SIZE) return `body is ${e.body.length} bytes for ${e.count} events`;
  const checksum = checksumOf(e.seq, e.op, e.clock_ns, e.count, e.body, e.results);
  if (!checksum.equals(e.checksum)) return 'checksum mismatch: the entry was altered or torn';
  if (!e.prev_hash.equals(expected_prev)) return 'hash chain broken: prev_hash does not match the previous entry';
  if (!linkOf(e.prev_hash, e.checksum).equals(e.hash)) return 'hash chain broken: hash does not match prev_hash and checksum';
  return null;
}

export function decodeEvents(e: JournalEntry): Account[] | Transfer[] {
  if (e.op === OP_CREATE_ACCOUNTS) return decodeAccounts(e.body);
  if (e.op === OP_CREATE_TRANSFERS) return decodeTransfers(e.body);
  return [];
}
