// The ledger's binary form: fixed 128-byte little-endian records for accounts and
// transfers, laid out as TigerBeetle lays them out. The journal, snapshots and the
// query index store these bytes, so the layout is part of the on-disk format:
// change it only with a format version bump.
//
// Encoding is on the commit path. Buffer.writeBigUInt64LE costs ~100 ns a call,
// a BigUint64Array element store a few ns, so 8-aligned records are written
// through typed-array views of the buffer (cached for the last buffer seen, as
// callers encode many records into one buffer). Reads use Buffer's methods, which
// are fast enough and need no alignment.

import { endianness } from 'node:os';
import type { Account, Transfer } from './types.js';

export const RECORD_SIZE = 128;
const MASK64 = (1n << 64n) - 1n;
const LITTLE_ENDIAN = endianness() === 'LE';

let viewBuf: Buffer | null = null;
let v64: BigUint64Array<ArrayBufferLike> = new BigUint64Array(0);
let v32: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
let v16: Uint16Array<ArrayBufferLike> = new Uint16Array(0);

/** True when `buf` at `off` can be written through the cached typed-array views. */
function fastViews(buf: Buffer, off: number): boolean {
  if (!LITTLE_ENDIAN || (off & 7) !== 0 || (buf.byteOffset & 7) !== 0) return false;
  if (buf !== viewBuf) {
    viewBuf = buf;
    v64 = new BigUint64Array(buf.buffer, buf.byteOffset, buf.length >>> 3);
    v32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
    v16 = new Uint16Array(buf.buffer, buf.byteOffset, buf.length >>> 1);
  }
  return off + RECORD_SIZE <= buf.length;
}

function put128(i: number, v: bigint): void {
  // A BigUint64Array store keeps the value modulo 2^64: the low half as is.
  v64[i] = v;
  v64[i + 1] = v <= MASK64 ? 0n : v >> 64n;
}

function writeU128(buf: Buffer, off: number, v: bigint): void {
  buf.writeBigUInt64LE(v & MASK64, off);
  buf.writeBigUInt64LE(v >> 64n, off + 8);
}

function readU128(buf: Buffer, off: number): bigint {
  const lo = buf.readBigUInt64LE(off);
  const hi = buf.readBigUInt64LE(off + 8);
  return hi === 0n ? lo : (hi << 64n) | lo;
}

// Account: id 0, debits_pending 16, debits_posted 32, credits_pending 48,
// credits_posted 64, user_data_128 80, user_data_64 96, user_data_32 104,
// reserved 108, ledger 112, code 116, flags 118, timestamp 120.
export function encodeAccount(a: Account, buf: Buffer, off: number): void {
  if (fastViews(buf, off)) {
    const i = off >>> 3;
    put128(i, a.id);
    put128(i + 2, a.debits_pending);
    put128(i + 4, a.debits_posted);
    put128(i + 6, a.credits_pending);
    put128(i + 8, a.credits_posted);
    put128(i + 10, a.user_data_128);
    v64[i + 12] = a.user_data_64;
    const j = off >>> 2;
    v32[j + 26] = a.user_data_32;
    v32[j + 27] = 0;
    v32[j + 28] = a.ledger;
    const k = off >>> 1;
    v16[k + 58] = a.code;
    v16[k + 59] = a.flags;
    v64[i + 15] = a.timestamp;
    return;
  }
  writeU128(buf, off, a.id);
  writeU128(buf, off + 16, a.debits_pending);
  writeU128(buf, off + 32, a.debits_posted);
  writeU128(buf, off + 48, a.credits_pending);
  writeU128(buf, off + 64, a.credits_posted);
  writeU128(buf, off + 80, a.user_data_128);
  buf.writeBigUInt64LE(a.user_data_64, off + 96);
  buf.writeUInt32LE(a.user_data_32, off + 104);
  buf.writeUInt32LE(0, off + 108);
  buf.writeUInt32LE(a.ledger, off + 112);
  buf.writeUInt16LE(a.code, off + 116);
  buf.writeUInt16LE(a.flags, off + 118);
  buf.writeBigUInt64LE(a.timestamp, off + 120);
}

export function decodeAccount(buf: Buffer, off: number): Account {
  return {
    id: readU128(buf, off),
    debits_pending: readU128(buf, off + 16),
    debits_posted: readU128(buf, off + 32),
    credits_pending: readU128(buf, off + 48),
    credits_posted: readU128(buf, off + 64),
    user_data_128: readU128(buf, off + 80),
    user_data_64: buf.readBigUInt64LE(off + 96),
    user_data_32: buf.readUInt32LE(off + 104),
    ledger: buf.readUInt32LE(off + 112),
    code: buf.readUInt16LE(off + 116),
    flags: buf.readUInt16LE(off + 118),
    timestamp: buf.readBigUInt64LE(off + 120),
  };
}

// Transfer: id 0, debit_account_id 16, credit_account_id 32, amount 48,
// pending_id 64, user_data_128 80, user_data_64 96, user_data_32 104,
// timeout 108, ledger 112, code 116, flags 118, timestamp 120.
export function encodeTransfer(t: Transfer, buf: Buffer, off: number): void {
  if (fastViews(buf, off)) {
    const i = off >>> 3;
    put128(i, t.id);
    put128(i + 2, t.debit_account_id);
    put128(i + 4, t.credit_account_id);
    put128(i + 6, t.amount);
    put128(i + 8, t.pending_id);
    put128(i + 10, t.user_data_128);
    v64[i + 12] = t.user_data_64;
    const j = off >>> 2;
    v32[j + 26] = t.user_data_32;
    v32[j + 27] = t.timeout;
    v32[j + 28] = t.ledger;
    const k = off >>> 1;
    v16[k + 58] = t.code;
    v16[k + 59] = t.flags;
    v64[i + 15] = t.timestamp;
    return;
  }
  writeU128(buf, off, t.id);
  writeU128(buf, off + 16, t.debit_account_id);
  writeU128(buf, off + 32, t.credit_account_id);
  writeU128(buf, off + 48, t.amount);
  writeU128(buf, off + 64, t.pending_id);
  writeU128(buf, off + 80, t.user_data_128);
  buf.writeBigUInt64LE(t.user_data_64, off + 96);
  buf.writeUInt32LE(t.user_data_32, off + 104);
  buf.writeUInt32LE(t.timeout, off + 108);
  buf.writeUInt32LE(t.ledger, off + 112);
  buf.writeUInt16LE(t.code, off + 116);
  buf.writeUInt16LE(t.flags, off + 118);
  buf.writeBigUInt64LE(t.timestamp, off + 120);
}

export function decodeTransfer(buf: Buffer, off: number): Transfer {
  return {
    id: readU128(buf, off),
    debit_account_id: readU128(buf, off + 16),
    credit_account_id: readU128(buf, off + 32),
    amount: readU128(buf, off + 48),
    pending_id: readU128(buf, off + 64),
    user_data_128: readU128(buf, off + 80),
    user_data_64: buf.readBigUInt64LE(off + 96),
    user_data_32: buf.readUInt32LE(off + 104),
    timeout: buf.readUInt32LE(off + 108),
    ledger: buf.readUInt32LE(off + 112),
    code: buf.readUInt16LE(off + 116),
    flags: buf.readUInt16LE(off + 118),
    timestamp: buf.readBigUInt64LE(off + 120),
  };
}

export function encodeAccounts(accounts: readonly Account[]): Buffer {
  const buf = Buffer.alloc(accounts.length * RECORD_SIZE);
  for (let i = 0; i < accounts.length; i++) encodeAccount(accounts[i]!, buf, i * RECORD_SIZE);
  return buf;
}

export function decodeAccounts(buf: Buffer): Account[] {
  if (buf.length % RECORD_SIZE !== 0) throw new Error(`account records: ${buf.length} bytes is not a multiple of ${RECORD_SIZE}`);
  const out: Account[] = new Array(buf.length / RECORD_SIZE);
  for (let i = 0; i < out.length; i++) out[i] = decodeAccount(buf, i * RECORD_SIZE);
  return out;
}

export function encodeTransfers(transfers: readonly Transfer[]): Buffer {
  const buf = Buffer.alloc(transfers.length * RECORD_SIZE);
  for (let i = 0; i < transfers.length; i++) encodeTransfer(transfers[i]!, buf, i * RECORD_SIZE);
  return buf;
}

export function decodeTransfers(buf: Buffer): Transfer[] {
  if (buf.length % RECORD_SIZE !== 0) throw new Error(`transfer records: ${buf.length} bytes is not a multiple of ${RECORD_SIZE}`);
  const out: Transfer[] = new Array(buf.length / RECORD_SIZE);
  for (let i = 0; i < out.length; i++) out[i] = decodeTransfer(buf, i * RECORD_SIZE);
  return out;
}

/** A u128 as 16 big-endian bytes: the key form in stores, where byte order must sort numerically. */
export function u128Key(v: bigint): Buffer {
  const buf = Buffer.allocUnsafe(16);
  buf.writeBigUInt64BE(v >> 64n, 0);
  buf.writeBigUInt64BE(v & MASK64, 8);
  return buf;
}

export function u128FromKey(buf: Buffer): bigint {
  return (buf.readBigUInt64BE(0) << 64n) | buf.readBigUInt64BE(8);
}
