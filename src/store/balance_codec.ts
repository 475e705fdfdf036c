// The 72-byte form of one balance-history row: four u128 balances and the u64
// timestamp, little-endian, as the SQL stores keep it.

import type { AccountBalance } from '../ledger/types.js';

const MASK64 = (1n << 64n) - 1n;
export const BALANCE_RECORD_SIZE = 72;

export function encodeBalance(b: AccountBalance): Buffer {
  const buf = Buffer.allocUnsafe(BALANCE_RECORD_SIZE);
  encodeBalanceInto(b, buf, 0);
  return buf;
}

/** The 72-byte form written into `buf` at `off`. */
export function encodeBalanceInto(b: AccountBalance, buf: Buffer, off: number): void {
  writeU128(b.debits_pending, buf, off);
  writeU128(b.debits_posted, buf, off + 16);
  writeU128(b.credits_pending, buf, off + 32);
  writeU128(b.credits_posted, buf, off + 48);
  buf.writeBigUInt64LE(b.timestamp, off + 64);
}

/** A u128 little-endian; a balance below 2^64 (nearly all) spares the two bigint operations and the high half's conversion. */
function writeU128(v: bigint, buf: Buffer, off: number): void {
  if (v <= MASK64) {
    buf.writeBigUInt64LE(v, off);
    buf.fill(0, off + 8, off + 16);
  } else {
    buf.writeBigUInt64LE(v & MASK64, off);
    buf.writeBigUInt64LE(v >> 64n, off + 8);
  }
}

export function decodeBalance(buf: Buffer): AccountBalance {
  const v = (i: number): bigint => (buf.readBigUInt64LE(i * 16 + 8) << 64n) | buf.readBigUInt64LE(i * 16);
  return {
    debits_pending: v(0),
    debits_posted: v(1),
    credits_pending: v(2),
    credits_posted: v(3),
    timestamp: buf.readBigUInt64LE(64),
  };
}
