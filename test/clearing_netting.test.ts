// Multilateral net positions: exact against a naive bigint computation, the
// sum-zero invariant, amounts beyond 2^53 and near 2^64, and bad input.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NettingInputError, netPositions, netPositionsIndexed, type IndexedPayments } from '../src/clearing/netting.js';

function naive(
  b: { participants: number; currencies: number; payer: ArrayLike<number>; payee: ArrayLike<number>; currency: ArrayLike<number> },
  amounts: readonly bigint[],
): bigint[][] {
  const net = Array.from({ length: b.currencies }, () => new Array<bigint>(b.participants).fill(0n));
  for (let k = 0; k < amounts.length; k++) {
    net[b.currency[k]!]![b.payer[k]!]! -= amounts[k]!;
    net[b.currency[k]!]![b.payee[k]!]! += amounts[k]!;
  }
  return net;
}

const U64_MAX = (1n << 64n) - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const arbBatch = (amount: fc.Arbitrary<bigint>) =>
  fc.record({ participants: fc.integer({ min: 2, max: 6 }), currencies: fc.integer({ min: 1, max: 3 }) }).chain(({ participants, currencies }) =>
    fc.array(fc.tuple(fc.nat(participants - 1), fc.nat(participants - 2), fc.nat(currencies - 1), amount), { maxLength: 60 }).map((rows) => ({
      participants,
      currencies,
      payer: rows.map((r) => r[0]),
      payee: rows.map((r) => (r[1] >= r[0] ? r[1] + 1 : r[1])),
      currency: rows.map((r) => r[2]),
      amounts: rows.map((r) => r[3]),
    })),
  );

function sumsToZero(net: bigint[][]): void {
  for (const row of net)
    assert.equal(
      row.reduce((a, b) => a + b, 0n),
      0n,
    );
}

describe('netting: exactness', () => {
  it('bigint[] amounts of any size equal the naive computation', () => {
    // Mixes small, near-2^53 and beyond-2^64 amounts so every path (float cell, flush, bigint cell) runs.
    const amount = fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: SAFE - 1000n, max: SAFE + 1000n }), fc.bigInt({ min: 1n, max: 1n << 100n }));
    fc.assert(
      fc.property(arbBatch(amount), (b) => {
        const r = netPositionsIndexed({ ...b, amount: b.amounts });
        assert.deepEqual(r.net, naive(b, b.amounts));
        sumsToZero(r.net);
      }),
      { numRuns: 300, seed: 1 },
    );
  });

  it('BigUint64Array amounts up to 2^64 - 1 equal the naive computation', () => {
    const amount = fc.oneof(
      fc.bigInt({ min: 1n, max: 1n << 32n }),
      fc.bigInt({ min: (1n << 63n) - 1000n, max: U64_MAX }),
      fc.bigInt({ min: 1n, max: U64_MAX }),
    );
    fc.assert(
      fc.property(arbBatch(amount), (b) => {
        const r = netPositionsIndexed({ ...b, amount: BigUint64Array.from(b.amounts) });
        assert.deepEqual(r.net, naive(b, b.amounts));
        sumsToZero(r.net);
      }),
      { numRuns: 300, seed: 2 },
    );
  });

  it('Float64Array amounts near 2^53 are exact (the cells flush to bigint)', () => {
    const amount = fc.oneof(fc.bigInt({ min: 1n, max: 100n }), fc.bigInt({ min: SAFE - 100n, max: SAFE }));
    fc.assert(
      fc.property(arbBatch(amount), (b) => {
        const r = netPositionsIndexed({ ...b, amount: Float64Array.from(b.amounts.map(Number)) });
        assert.deepEqual(r.net, naive(b, b.amounts));
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('many payments of 2^63 between two participants', () => {
    const n = 10_000;
    const a = 1n << 63n;
    const b = { participants: 2, currencies: 1, payer: new Uint32Array(n), payee: new Uint32Array(n).fill(1), currency: new Uint32Array(n) };
    const r = netPositionsIndexed({ ...b, amount: new BigUint64Array(n).fill(a) });
    assert.deepEqual(r.net, [[-a * BigInt(n), a * BigInt(n)]]);
    const r2 = netPositionsIndexed({ ...b, amount: new Array<bigint>(n).fill(a) });
    assert.deepEqual(r2.net, r.net);
  });

  it('a float sum that would pass 2^53 stays exact', () => {
    // 2^53 - 1 then 2: a float64 sum would round to 2^53 + 0 or lose the 1.
    const b = { participants: 2, currencies: 1, payer: [0, 0, 0], payee: [1, 1, 1], currency: [0, 0, 0] };
    const amounts = [SAFE, 2n, 1n];
    const r = netPositionsIndexed({ ...b, amount: Float64Array.from(amounts.map(Number)) });
    assert.deepEqual(r.net, [[-(SAFE + 3n), SAFE + 3n]]);
  });

  it('string-keyed positions', () => {
    const m = netPositions([
      { payer: 'A', payee: 'B', currency: 'CNY', amount: 100n },
      { payer: 'B', payee: 'C', currency: 'CNY', amount: 30n },
      { payer: 'C', payee: 'A', currency: 'RUB', amount: 5n },
    ]);
    assert.deepEqual(
      [...m.get('CNY')!],
      [
        ['A', -100n],
        ['B', 70n],
        ['C', 30n],
      ],
    );
    assert.deepEqual(
      [...m.get('RUB')!],
      [
        ['A', 5n],
        ['C', -5n],
      ],
    );
  });
});

describe('netting: bad input', () => {
  const base: IndexedPayments = { participants: 3, currencies: 2, payer: [0], payee: [1], currency: [0], amount: [5n] };
  const bad = (b: Partial<IndexedPayments>, re: RegExp): void => {
    assert.throws(
      () => netPositionsIndexed({ ...base, ...b }),
      (e: unknown) => e instanceof NettingInputError && re.test(e.message),
    );
  };
  it('names the payment and field', () => {
    bad({ payee: [0] }, /payments\[0\]\.payee: a payment to oneself/);
    bad({ payer: [3] }, /payments\[0\]\.payer: participant index 3 out of range/);
    bad({ currency: [2] }, /payments\[0\]\.currency: currency index 2 out of range/);
    bad({ payer: [-1] }, /payments\[0\]\.payer/);
    bad({ amount: [0n] }, /payments\[0\]\.amount: must be a bigint greater than zero/);
    bad({ amount: new BigUint64Array([0n]) }, /payments\[0\]\.amount: must be greater than zero/);
    bad({ amount: new Float64Array([2 ** 53]) }, /payments\[0\]\.amount: must be an integer from 1 to 2\^53-1/);
    bad({ amount: new Float64Array([1.5]) }, /payments\[0\]\.amount/);
    bad({ payer: [0, 1] }, /columns differ in length/);
    bad({ participants: 2_000_000 }, /participants: must be an integer/);
  });
});
