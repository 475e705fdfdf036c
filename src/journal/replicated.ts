// The journal's contract with a replicated log (cluster mode, src/replication):
// the wire form of one entry — exactly the fields of the entry as it is kept on
// disk, hash included — and the two doors the durable ledger opens to it: an
// active engine hands every entry to a JournalReplicator before it acknowledges
// anything, and a standby or replica feeds entries it read back in through
// DurableLedger.applyFollowed. The journal knows no transport: this module owns
// the bytes and the interfaces, src/replication owns NATS.

import { createHash } from 'node:crypto';
import type { JournalEntry } from '../store/types.js';
import { HASH_SIZE } from './entry.js';

const MAGIC = Buffer.from('SCJ1');
/** magic, seq (u64), op (u8), clock_ns (u64), count (u32), body bytes (u32), results bytes (u32). */
const HEADER = 4 + 8 + 1 + 8 + 4 + 4 + 4;
/** An entry on the wire at most: a command of 16 MiB and its digests. */
export const WIRE_ENTRY_BYTES_MAX = 16 * 1024 * 1024 + 4096;

/** One entry with the state digest the active engine computed after it (null: none taken at this entry). */
export interface ReplicatedEntry {
  entry: JournalEntry;
  state_digest: Buffer | null;
}

/** Where an active engine appends: resolves once every entry is durable in the replicated log, in order, after the log's current end. */
export interface JournalReplicator {
  publish(entries: readonly ReplicatedEntry[]): Promise<void>;
}

export function encodeEntryWire(e: JournalEntry): Buffer {
  const buf = Buffer.allocUnsafe(HEADER + e.body.length + e.results.length + 3 * HASH_SIZE);
  MAGIC.copy(buf, 0);
  buf.writeBigUInt64LE(BigInt(e.seq), 4);
  buf.writeUInt8(e.op, 12);
  buf.writeBigUInt64LE(e.clock_ns, 13);
  buf.writeUInt32LE(e.count, 21);
  buf.writeUInt32LE(e.body.length, 25);
  buf.writeUInt32LE(e.results.length, 29);
  let off = HEADER;
  for (const part of [e.body, e.results, e.checksum, e.prev_hash, e.hash]) {
    part.copy(buf, off);
    off += part.length;
  }
  return buf;
}

/** The entry in `buf`; throws naming what is wrong (the caller then checks checksum and chain with checkEntry). */
export function decodeEntryWire(buf: Uint8Array): JournalEntry {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < HEADER + 3 * HASH_SIZE || b.length > WIRE_ENTRY_BYTES_MAX) throw new Error(`wire entry of ${b.length} bytes`);
  if (!b.subarray(0, 4).equals(MAGIC)) throw new Error('wire entry: bad magic');
  const bodyLen = b.readUInt32LE(25);
  const resultsLen = b.readUInt32LE(29);
  if (HEADER + bodyLen + resultsLen + 3 * HASH_SIZE !== b.length) throw new Error('wire entry: lengths do not add up');
  let off = HEADER;
  const take = (n: number): Buffer => {
    const part = Buffer.from(b.subarray(off, off + n));
    off += n;
    return part;
  };
  const seq = b.readBigUInt64LE(4);
  if (seq > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('wire entry: seq out of range');
  return {
    seq: Number(seq),
    op: b.readUInt8(12),
    clock_ns: b.readBigUInt64LE(13),
    count: b.readUInt32LE(21),
    body: take(bodyLen),
    results: take(resultsLen),
    checksum: take(HASH_SIZE),
    prev_hash: take(HASH_SIZE),
    hash: take(HASH_SIZE),
  };
}

/** The state digest of a whole encoded state (a snapshot's bytes): equal digests, equal states. */
export function digestOfState(encoded: Buffer): Buffer {
  return createHash('sha256').update(encoded).digest();
}
