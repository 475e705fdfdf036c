// Speed-ups of the linked LSM solver (issue #18) that must change no run:
//  - each item's effects are compiled as before: per node its net (in - out),
//    zeros dropped, nodes ascending (now summed in arrays, not a Map copied);
//  - the compiled net carries each draw entry's effect at its node (drawEff), which
//    FIFO truncation read by scanning the item's effects: it must be that effect;
//  - the node prices' subgradient is summed in the pass that computes the reduced
//    weights: prices, reduced weights, bound and work must be those of the two
//    passes it replaced (below, as they were), to the bit.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileLinked, lagrangianPrices, Work, type LinkedProblem, type Net } from '../src/clearing/lsm_linked.js';

const problemArb: fc.Arbitrary<LinkedProblem> = fc
  .record({
    caps: fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 2, maxLength: 9 }),
    items: fc.array(
      fc.record({
        from: fc.nat(8),
        to: fc.nat(8),
        amount: fc.integer({ min: 1, max: 4_000 }),
        second: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4_000 })),
        back: fc.boolean(),
        same: fc.boolean(),
        weight: fc.integer({ min: 0, max: 9_000 }),
      }),
      { minLength: 1, maxLength: 40 },
    ),
    fifo: fc.boolean(),
  })
  .map(({ caps, items, fifo }) => {
    const n = caps.length;
    return {
      capacities: caps.map(BigInt),
      fifo,
      items: items.map((it, k) => {
        const from = it.from % n;
        const to = it.to % n === from ? (from + 1) % n : it.to % n;
        const legs = [{ from, to, amount: BigInt(it.amount) }];
        // A second leg, sometimes back to the first payer (its effects there net out or partly).
        // (for as much as the first, now and then: the item then moves nothing at the middle node).
        if (it.second > 0) legs.push({ from: to, to: it.back ? from : (to + 1) % n, amount: BigInt(it.same ? it.amount : it.second) });
        return { id: `k${k}`, legs, weight: BigInt(it.weight), urgent: false };
      }),
    };
  });

/** Item k's net effect at node n, by scanning its effects (what truncation did). */
function effAt(net: Net, k: number, n: number): number {
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (net.effNode[e] === n) return net.effF[e]!;
  return 0;
}

test("each item's compiled effects are its legs' nets per node, zeros dropped, nodes ascending", () => {
  let cancelled = 0;
  fc.assert(
    fc.property(problemArb, (problem) => {
      const net = compileLinked(problem);
      problem.items.forEach((it, k) => {
        const want = new Map<number, bigint>();
        for (const l of it.legs) {
          want.set(l.from, (want.get(l.from) ?? 0n) - l.amount);
          want.set(l.to, (want.get(l.to) ?? 0n) + l.amount);
        }
        const rows = [...want].filter(([, d]) => d !== 0n).sort((a, b) => a[0] - b[0]);
        if (rows.length < want.size) cancelled++;
        const got: Array<[number, bigint]> = [];
        for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) got.push([net.effNode[e]!, net.effDelta[e]!]);
        assert.deepStrictEqual(got, rows);
      });
    }),
    { numRuns: 300, seed: 0x190 },
  );
  // Some items' legs net out at a node (a second leg back to the payer for as much): the zeros are dropped.
  assert.ok(cancelled > 0, `items with a node netting out: ${cancelled}`);
});

test("each draw entry carries its item's effect at the node it draws on", () => {
  fc.assert(
    fc.property(problemArb, (problem) => {
      const net = compileLinked(problem);
      assert.equal(net.drawEff.length, net.drawItems.length);
      for (let n = 0; n < net.nodes; n++) {
        for (let j = net.drawStart[n]!; j < net.drawStart[n + 1]!; j++) {
          const want = effAt(net, net.drawItems[j]!, n);
          assert.ok(want < 0);
          assert.equal(net.drawEff[j], want);
        }
      }
    }),
    { numRuns: 300, seed: 0x18e },
  );
});

/** lagrangianPrices as it was: the reduced weights in one pass, the subgradient in a second. */
function pricesAsBefore(net: Net, work: Work, lower: number, iterations: number): { price: Float64Array; reduced: Float64Array; bound: number } {
  const reducedAt = (lam: Float64Array, reduced: Float64Array): number => {
    let L = 0;
    for (let n = 0; n < net.nodes; n++) L += lam[n]! * net.capF[n]!;
    for (let k = 0; k < net.m; k++) {
      let r = net.weightF[k]!;
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) r += lam[net.effNode[e]!]! * net.effF[e]!;
      reduced[k] = r;
      if (r > 0) L += r;
    }
    return L;
  };
  const lam = new Float64Array(net.nodes);
  const best = new Float64Array(net.nodes);
  const reduced = new Float64Array(net.m);
  const g = new Float64Array(net.nodes);
  let bestL = Infinity;
  let theta = 2;
  let stale = 0;
  for (let it = 0; it < iterations && !work.exhausted; it++) {
    const L = reducedAt(lam, reduced);
    work.steps += net.effStart[net.m]! + net.m + net.nodes;
    if (bestL === Infinity || L < bestL - 1e-9 * Math.abs(bestL)) {
      bestL = L;
      best.set(lam);
      stale = 0;
    } else if (++stale >= 8) {
      theta /= 2;
      stale = 0;
    }
    g.set(net.capF);
    for (let k = 0; k < net.m; k++) if (reduced[k]! > 0) for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) g[net.effNode[e]!]! += net.effF[e]!;
    let norm = 0;
    for (let n = 0; n < net.nodes; n++) if (g[n]! < 0 || lam[n]! > 0) norm += g[n]! * g[n]!;
    const gap = L - lower;
    if (norm === 0 || gap <= 0 || theta < 1e-4) break;
    const t = (theta * gap) / norm;
    for (let n = 0; n < net.nodes; n++) lam[n] = Math.max(0, lam[n]! - t * g[n]!);
  }
  const bound = reducedAt(best, reduced);
  return { price: best, reduced, bound: Math.min(bound, bestL) };
}

test('the node prices are those of the two passes, to the bit, with the same work', () => {
  let moved = 0;
  fc.assert(
    fc.property(problemArb, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 200 }), (problem, lowerShare, budgetK) => {
      const net = compileLinked(problem);
      const total = net.weightF.reduce((a, w) => a + w, 0);
      const lower = (total * lowerShare) / 4;
      const wa = new Work(budgetK * 50);
      const wb = new Work(budgetK * 50);
      const got = lagrangianPrices(net, wa, lower, 120);
      const want = pricesAsBefore(net, wb, lower, 120);
      assert.equal(wa.steps, wb.steps);
      assert.deepStrictEqual([...got.price], [...want.price]);
      assert.deepStrictEqual([...got.reduced], [...want.reduced]);
      assert.ok(Object.is(got.bound, want.bound), `${got.bound} ${want.bound}`);
      if (got.price.some((p) => p > 0)) moved++;
    }),
    { numRuns: 400, seed: 0x18f },
  );
  // The prices moved off zero on many problems: the subgradient steps were compared, not only the start.
  assert.ok(moved > 100, `problems whose prices moved: ${moved}`);
});
