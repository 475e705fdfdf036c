// The LP repairs' candidate order (lsm_order.ts): KeyedItems.sort gives the
// order of the tuple sort it replaced, `(a, b) => a[0] - b[0] || a[1] - b[1]`,
// on keys with ties, signed zeros and infinities, short lists and long.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KeyedItems } from '../src/clearing/lsm_order.js';

const keyArb = fc.oneof(
  fc.constant(0),
  fc.constant(-0),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant(Number.NEGATIVE_INFINITY),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
);

test('KeyedItems.sort is the tuple sort by key, then item', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(fc.nat(10_000), keyArb, fc.double({ noNaN: true })), { selector: (t) => t[0], maxLength: 120, size: 'max' }),
      fc.nat(4),
      (rows, capacity) => {
        const tuples = rows.map(([item, key, extra]) => [key, item, extra] as [number, number, number]);
        const list = new KeyedItems(capacity);
        for (const [key, item, extra] of tuples) list.push(key, item, extra);
        list.sort();
        tuples.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        assert.equal(list.length, tuples.length);
        for (let i = 0; i < tuples.length; i++) {
          assert.equal(list.items[i], tuples[i]![1]);
          assert.ok(Object.is(list.keys[i], tuples[i]![0]), `key ${i}`);
          assert.ok(Object.is(list.extra[i], tuples[i]![2]), `extra ${i}`);
        }
      },
    ),
    { numRuns: 3000 },
  );
});
