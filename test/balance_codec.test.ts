// The 72-byte balance-history row (src/store/balance_codec.ts): every u128
// balance and u64 timestamp round-trips, and the bytes are the plain
// little-endian halves the SQL stores have always kept.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BALANCE_RECORD_SIZE, decodeBalance, encodeBalance, encodeBalanceInto } from '../src/store/balance_codec.js';
import { U128_MAX, U64_MAX, type AccountBalance } from '../src/ledger/types.js';

const u128 = fc.oneof(fc.bigInt({ min: 0n, max: 1n << 50n }), fc.bigInt({ min: 0n, max: U128_MAX }), fc.constantFrom(0n, U64_MAX, U64_MAX + 1n, U128_MAX));
const balance = fc.record({
  debits_pending: u128,
  debits_posted: u128,
  credits_pending: u128,
  credits_posted: u128,
  timestamp: fc.bigInt({ min: 0n, max: U64_MAX }),
});

/** The row as two u64 halves per balance, written the long way. */
function reference(b: AccountBalance): Buffer {
  const buf = Buffer.alloc(BALANCE_RECORD_SIZE);
  [b.debits_pending, b.debits_posted, b.credits_pending, b.credits_posted].forEach((v, i) => {
    buf.writeBigUInt64LE(v & U64_MAX, i * 16);
    buf.writeBigUInt64LE(v >> 64n, i * 16 + 8);
  });
  buf.writeBigUInt64LE(b.timestamp, 64);
  return buf;
}

test('balance rows: the little-endian halves, round-tripping, also written into a dirty buffer', () => {
  fc.assert(
    fc.property(balance, fc.nat({ max: 40 }), (b, off) => {
      const want = reference(b);
      assert.deepEqual(encodeBalance(b), want);
      const into = Buffer.alloc(off + BALANCE_RECORD_SIZE, 0xa5);
      encodeBalanceInto(b, into, off);
      assert.deepEqual(into.subarray(off), want);
      assert.deepEqual(decodeBalance(want), { ...b });
    }),
    { numRuns: 1000 },
  );
});
