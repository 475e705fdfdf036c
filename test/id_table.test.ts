// The state machine's id table against a Map: random inserts and LIFO removals,
// with ids that collide in the table's hash (equal low bits) as well as random ones.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { IdTable } from '../src/ledger/id_table.js';

interface Rec {
  id: bigint;
  n: number;
}

const idArb = fc.oneof(
  fc.bigInt({ min: 1n, max: 3000n }),
  fc.bigInt({ min: 1n, max: (1n << 128n) - 1n }),
  // Same low 52 bits, different high bits: equal hashes, so long probe runs.
  fc.bigInt({ min: 1n, max: 50n }).map((hi) => (hi << 64n) | 7n),
);

test('IdTable agrees with a Map under inserts and LIFO pops', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof({ weight: 3, arbitrary: idArb }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 3000 }), (ops) => {
      const table = new IdTable<Rec>();
      const model = new Map<bigint, Rec>();
      const order: Rec[] = [];
      ops.forEach((op, n) => {
        if (op === null) {
          const popped = table.popLast();
          const expected = order.pop();
          assert.equal(popped, expected);
          if (expected !== undefined) model.delete(expected.id);
          return;
        }
        const slot = table.find(op);
        assert.equal(table.at(slot), model.get(op));
        if (!model.has(op)) {
          const rec = { id: op, n };
          table.insertAt(slot, rec);
          model.set(op, rec);
          order.push(rec);
        }
      });
      assert.equal(table.size, model.size);
      assert.deepEqual([...table.values()], order);
      for (const [id, rec] of model) assert.equal(table.get(id), rec);
      for (const id of [0n, 999_999n, 1n << 127n]) assert.equal(table.has(id), model.has(id));
    }),
    { numRuns: 150 },
  );
});

test('IdTable refuses a duplicate insert', () => {
  const table = new IdTable<Rec>();
  table.insert({ id: 5n, n: 0 });
  assert.throws(() => table.insert({ id: 5n, n: 1 }), /present/);
});
