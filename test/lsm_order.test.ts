// The LP repairs' candidate order (lsm_order.ts): KeyedItems.sortFrom gives the
// order of the tuple sort it replaced, `(a, b) => a[0] - b[0] || a[1] - b[1]`,
// on keys with ties, signed zeros and infinities, short lists and long; and
// LabelGroups the per-label groups of the tuple sort movesOn used.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KeyedItems, LabelGroups } from '../src/clearing/lsm_order.js';

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

test('LabelGroups orders by label, then key, then item: the per-neighbour groups of the tuple sort it replaced', () => {
  const groups = new LabelGroups(12);
  const list = new KeyedItems(2);
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(fc.nat(5_000), keyArb, fc.nat(11)), { selector: (t) => t[0], maxLength: 120, size: 'max' }), (rows) => {
      // As movesOn did: a Map of groups by label, labels ascending, each group sorted by key, then item.
      const byLabel = new Map<number, Array<[number, number]>>();
      for (const [item, key, label] of rows) {
        if (!byLabel.has(label)) byLabel.set(label, []);
        byLabel.get(label)!.push([key, item]);
      }
      const expected: Array<[number, number[]]> = [...byLabel]
        .sort((a, b) => a[0] - b[0])
        .map(([label, g]) => [label, g.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((t) => t[1])]);
      // Reused across runs, as a repair reuses them.
      list.length = 0;
      const labelOf = Int32Array.from(rows, (r) => r[2]);
      for (let e = 0; e < rows.length; e++) list.push(rows[e]![1], rows[e]![0], e);
      list.sortFrom(0);
      groups.group(list, labelOf);
      const got: Array<[number, number[]]> = [];
      for (let g = 0; g < groups.labels.length; g++) {
        const ks: number[] = [];
        for (let c = g === 0 ? 0 : groups.ends[g - 1]!; c < groups.ends[g]!; c++) ks.push(list.items[groups.order[c]!]!);
        got.push([groups.labels[g]!, ks]);
      }
      assert.deepEqual(got, expected);
    }),
    { numRuns: 3000 },
  );
});
