// Chain removal's candidates (lsm_chain_removal.ts): FirstFew keeps, of the
// items offered in any order, the first CHOICES_MAX of the sort it replaced,
// `(x, y) => key(x) - key(y) || x - y`, ties and signed zeros included.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CHOICES_MAX, FirstFew } from '../src/clearing/lsm_chain_removal.js';

test('FirstFew keeps the first CHOICES_MAX of the sort by key, then item', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(
        fc.tuple(fc.nat(5_000), fc.oneof(fc.constant(0), fc.constant(-0), fc.integer({ min: -6, max: 6 }), fc.double({ min: -1e9, max: 1e9, noNaN: true }))),
        { selector: (t) => t[0], maxLength: 60 },
      ),
      (rows) => {
        const few = new FirstFew();
        for (const [k, key] of rows) few.offer(key, k);
        const key = new Map(rows.map(([k, v]) => [k, v]));
        const sorted = rows.map(([k]) => k).sort((x, y) => key.get(x)! - key.get(y)! || x - y);
        assert.deepEqual(few.ks, sorted.slice(0, CHOICES_MAX));
      },
    ),
    { numRuns: 3000 },
  );
});
