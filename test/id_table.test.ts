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
  // Same low 64 bits, different high bits: equal hashes and fingerprints, so long probe
  // runs where only the full bigint comparison tells the ids apart.
  fc.bigInt({ min: 1n, max: 50n }).map((hi) => (hi << 64n) | 7n),
  // Same low 32 bits (the slot fingerprint), different bits 32-63: equal fingerprints, different hashes.
  fc.bigInt({ min: 0n, max: 50n }).map((mid) => (mid << 32n) | 9n),
  // Strides of 8 and 1024: the hash keeps bits 0-2 unmixed, so these all land on block starts.
  fc.integer({ min: 1, max: 400 }).map((k) => BigInt(k) * 8n),
  fc.integer({ min: 1, max: 400 }).map((k) => BigInt(k) * 1024n),
  // Around 2^53 and 2^64, where a double or a 64-bit truncation would lose or wrap bits.
  fc.bigInt({ min: -20n, max: 20n }).map((d) => (1n << 53n) + d),
  fc.bigInt({ min: -20n, max: 20n }).map((d) => (1n << 64n) + d),
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

test('IdTable finds every id of a long sequential run and of a strided one after growth', () => {
  const table = new IdTable<Rec>();
  const ids: bigint[] = [];
  for (let i = 1; i <= 200_000; i++) ids.push(BigInt(i), BigInt(i) * 4096n + (1n << 70n));
  for (const [n, id] of ids.entries()) table.insert({ id, n });
  for (const [n, id] of ids.entries()) assert.equal(table.get(id)?.n, n);
  for (const id of [0n, 200_001n, 200_001n * 4096n + (1n << 70n), (1n << 70n) + 1n]) assert.equal(table.has(id), false);
  for (let k = 0; k < 1000; k++) table.popLast();
  assert.equal(table.size, ids.length - 1000);
  assert.equal(table.has(ids[ids.length - 1]!), false);
  assert.equal(table.get(ids[ids.length - 1001]!)?.n, ids.length - 1001);
});
