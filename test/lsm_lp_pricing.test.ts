// The bounded simplex's reduced costs (lsm_lp.ts, BoundedLp): kept between
// pivots and computed again only at the nodes whose dual changed. The dive
// must take exactly the pivots it took when every column was priced afresh
// at every pivot (journaled runs replay it): same point bit for bit, same
// prices, same work, on random runs of payments and linked pairs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ItemEffects } from '../src/clearing/lsm.js';
import { BoundedLp, lpDive, pivotInverse, pivotInverseSparse } from '../src/clearing/lsm_lp.js';

const runArb = fc
  .record({
    nodes: fc.integer({ min: 2, max: 9 }),
    items: fc.array(
      fc.record({
        legs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 900 })), { minLength: 1, maxLength: 2 }),
        weight: fc.integer({ min: 1, max: 1000 }),
      }),
      { minLength: 1, maxLength: 40 },
    ),
    cap: fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 9, maxLength: 9 }),
    start: fc.boolean(),
  })
  .map((r) => {
    const effStart = new Int32Array(r.items.length + 1);
    const effNode: number[] = [];
    const effF: number[] = [];
    r.items.forEach((it, k) => {
      const net = new Map<number, number>();
      for (const [a, b, amount] of it.legs) {
        const from = a % r.nodes;
        const to = b % r.nodes;
        if (from === to) continue;
        net.set(from, (net.get(from) ?? 0) - amount);
        net.set(to, (net.get(to) ?? 0) + amount);
      }
      for (const [node, f] of [...net].sort((x, y) => x[0] - y[0])) {
        if (f === 0) continue;
        effNode.push(node);
        effF.push(f);
      }
      effStart[k + 1] = effNode.length;
    });
    const net: ItemEffects = {
      nodes: r.nodes,
      m: r.items.length,
      effStart,
      effNode: Int32Array.from(effNode),
      effF: Float64Array.from(effF),
      weightF: Float64Array.from(r.items, (it) => it.weight),
    };
    return { net, cap: Float64Array.from(r.cap.slice(0, r.nodes)), start: r.start };
  });

/** The dive's outcome: each item's value, the prices after the first solve, the value, the work. */
function dive(net: ItemEffects, cap: Float64Array, start: boolean, afresh: boolean): { x: number[]; price: number[]; value: number; steps: number } {
  const lp = new BoundedLp(net, cap, start ? new Uint8Array(net.m) : null);
  if (afresh) {
    // Every column priced afresh at every pivot, as before the reduced costs were kept.
    const inner = lp as unknown as { refreshReducedCosts(): void; rcValid: boolean };
    const refresh = inner.refreshReducedCosts.bind(lp);
    inner.refreshReducedCosts = () => {
      inner.rcValid = false;
      refresh();
    };
  }
  const work = { steps: 0, max: 5_000_000 };
  lp.optimise(work);
  const price = [...lp.prices()];
  lpDive(lp, net.m, work);
  return { x: Array.from({ length: net.m }, (_, k) => lp.x(k)), price, value: lp.value(), steps: work.steps };
}

test('the dive with reduced costs kept between pivots is the dive with every column priced afresh, bit for bit', () => {
  fc.assert(
    fc.property(runArb, ({ net, cap, start }) => {
      const kept = dive(net, cap, start, false);
      const afresh = dive(net, cap, start, true);
      assert.deepEqual(kept, afresh);
      for (let k = 0; k < net.m; k++) assert.ok(Object.is(kept.x[k], afresh.x[k]));
    }),
    { numRuns: 1500 },
  );
});

test('the sparse update of the basis inverse gives the values of the dense update (zeros may differ in sign only)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 7 }).chain((n) =>
        fc.record({
          n: fc.constant(n),
          binv: fc.array(fc.oneof(fc.constant(0), fc.constant(-0), fc.integer({ min: -9, max: 9 }), fc.double({ min: -9, max: 9, noNaN: true })), {
            minLength: n * n,
            maxLength: n * n,
          }),
          alpha: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -9, max: 9 }), fc.double({ min: -9, max: 9, noNaN: true })), {
            minLength: n,
            maxLength: n,
          }),
          leave: fc.nat(n - 1),
        }),
      ),
      ({ n, binv, alpha, leave }) => {
        fc.pre(Math.abs(alpha[leave]!) > 1e-12);
        const dense = Float64Array.from(binv);
        const sparse = Float64Array.from(binv);
        pivotInverse(dense, Float64Array.from(alpha), leave, n);
        pivotInverseSparse(sparse, Float64Array.from(alpha), leave, n, new Int32Array(n));
        for (let i = 0; i < n * n; i++)
          assert.ok(dense[i] === sparse[i] || (Number.isNaN(dense[i]!) && Number.isNaN(sparse[i]!)), `entry ${i}: ${dense[i]} vs ${sparse[i]}`);
      },
    ),
    { numRuns: 3000 },
  );
});
