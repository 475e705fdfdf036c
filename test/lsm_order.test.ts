// The LP repairs' candidate order (lsm_order.ts): KeyedItems.sortFrom gives the
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

test('KeyedItems.sortFrom is the tuple sort by key, then item, above a segment it leaves alone', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(fc.nat(10_000), keyArb, fc.double({ noNaN: true })), { selector: (t) => t[0], maxLength: 120, size: 'max' }),
      fc.nat(4),
      fc.nat(40),
      (rows, capacity, below) => {
        const tuples = rows.map(([item, key, extra]) => [key, item, extra] as [number, number, number]);
        const list = new KeyedItems(capacity);
        // A caller's segment below (reversed, so that a sort reaching into it would move it), untouched by the sort above it.
        for (let i = 0; i < below; i++) list.push(below - i, below - i, i);
        for (const [key, item, extra] of tuples) list.push(key, item, extra);
        list.sortFrom(below);
        tuples.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        assert.equal(list.length, below + tuples.length);
        for (let i = 0; i < below; i++) assert.deepEqual([list.keys[i], list.items[i], list.extra[i]], [below - i, below - i, i]);
        for (let i = 0; i < tuples.length; i++) {
          assert.equal(list.items[below + i], tuples[i]![1]);
          assert.ok(Object.is(list.keys[below + i], tuples[i]![0]), `key ${i}`);
          assert.ok(Object.is(list.extra[below + i], tuples[i]![2]), `extra ${i}`);
        }
      },
    ),
    { numRuns: 3000 },
  );
});
