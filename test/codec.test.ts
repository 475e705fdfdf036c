// The 128-byte record codec: every field round-trips, and the typed-array fast
// path writes exactly the bytes of the portable Buffer path.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeAccount, decodeTransfer, encodeAccount, encodeAccounts, encodeTransfer, encodeTransfers, RECORD_SIZE } from '../src/ledger/codec.js';
import { U128_MAX, U64_MAX } from '../src/ledger/types.js';
import { arbAccountRecord, arbTransferRecord } from './support/arbitraries.js';

const u128 = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: U128_MAX }), fc.constant(U128_MAX), fc.constant(1n << 64n));
const u64 = fc.bigInt({ min: 0n, max: U64_MAX });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u16 = fc.integer({ min: 0, max: 0xffff });

const fields = { u128, u64, u32, u16 };
const transferArb = arbTransferRecord(fields);
const accountArb = arbAccountRecord(fields);

test('transfers round-trip, and aligned and unaligned encodings agree byte for byte', () => {
  fc.assert(
    fc.property(fc.array(transferArb, { minLength: 1, maxLength: 5 }), (ts) => {
      const aligned = encodeTransfers(ts);
      const unaligned = Buffer.alloc(ts.length * RECORD_SIZE + 3);
      ts.forEach((t, i) => {
        encodeTransfer(t, unaligned, 3 + i * RECORD_SIZE);
      });
      assert.ok(aligned.equals(unaligned.subarray(3)));
      ts.forEach((t, i) => {
        assert.deepEqual(decodeTransfer(aligned, i * RECORD_SIZE), t);
      });
    }),
  );
});

test('accounts round-trip, and aligned and unaligned encodings agree byte for byte', () => {
  fc.assert(
    fc.property(fc.array(accountArb, { minLength: 1, maxLength: 5 }), (as) => {
      const aligned = encodeAccounts(as);
      const unaligned = Buffer.alloc(as.length * RECORD_SIZE + 5);
      as.forEach((a, i) => {
        encodeAccount(a, unaligned, 5 + i * RECORD_SIZE);
      });
      assert.ok(aligned.equals(unaligned.subarray(5)));
      as.forEach((a, i) => {
        assert.deepEqual(decodeAccount(aligned, i * RECORD_SIZE), a);
      });
    }),
  );
});
