// Account ids (src/clearing/accounts.ts): accountId remembers the ids it gave for
// the usual ranges; every answer, first or remembered, in range or out of it,
// must be the layout's participant_no << 48 | ledger << 16 | kind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accountId } from '../src/clearing/accounts.js';

function layout(no: number, ledger: number, kind: number): bigint {
  return (BigInt(no) << 48n) | (BigInt(ledger) << 16n) | BigInt(kind);
}

test('accountId is the layout for any participant, ledger and kind, asked once or again in any order', () => {
  const part = fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(0, 1, 65_535, 65_536));
  const ledger = fc.oneof(fc.integer({ min: 0, max: 1_100 }), fc.constantFrom(156, 643, 840, 1_023, 1_024, 70_000));
  const kind = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(1, 7, 63, 64, 65_535));
  fc.assert(
    fc.property(fc.array(fc.tuple(part, ledger, kind), { minLength: 1, maxLength: 40 }), (ids) => {
      for (let round = 0; round < 2; round++) for (const [n, l, k] of ids) assert.equal(accountId(n, l, k), layout(n, l, k));
    }),
    { numRuns: 500 },
  );
});

test('what BigInt refuses is still refused', () => {
  assert.throws(() => accountId(1.5, 156, 1), RangeError);
  assert.throws(() => accountId(Number.NaN, 156, 1), RangeError);
});
