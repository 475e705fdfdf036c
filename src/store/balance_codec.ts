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
  const values = [b.debits_pending, b.debits_posted, b.credits_pending, b.credits_posted];
  for (let i = 0; i < 4; i++) {
    buf.writeBigUInt64LE(values[i]! & MASK64, off + i * 16);
    buf.writeBigUInt64LE(values[i]! >> 64n, off + i * 16 + 8);
  }
  buf.writeBigUInt64LE(b.timestamp, off + 64);
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
