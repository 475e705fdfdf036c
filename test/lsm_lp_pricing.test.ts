// The bounded simplex's duals and reduced costs (lsm_lp.ts, BoundedLp): kept
// between pivots, and per objective (weights, one item's) across the dive's
// switches, and computed again only at the nodes a pivot or a change touched. The dive
// must take exactly the pivots it took when every column was priced afresh
// at every pivot (journaled runs replay it): same point bit for bit, same
// prices, same work, on random runs of payments and linked pairs. The entering
// column is picked from a list of candidates, not a scan of every column
// (issue 16, stop 53): the same oracle checks that pick, and assertCandidates
// the list's invariant after every step.

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

/**
 * Every dual and every column priced afresh at every pivot, as before the duals and reduced costs were kept: the
 * entering column chosen from the bounds and the basis themselves (not BoundedLp's kept directions, nor its
 * reduced costs, kept or marked out of date), each column's reduced cost computed from the duals at that pivot.
 */
function priceAfresh(lp: BoundedLp): void {
  const inner = lp as unknown as {
    updateDuals(): void;
    yValid: boolean;
    entering(bland: boolean): { enter: number; dir: number };
    reducedCost(j: number): number;
    where: Int32Array;
    atUpper: Uint8Array;
    eps: number;
  };
  const update = inner.updateDuals.bind(lp);
  inner.updateDuals = () => {
    inner.yValid = false;
    update();
  };
  const reducedCost = inner.reducedCost.bind(lp);
  inner.entering = (bland: boolean) => {
    let enter = -1;
    let dir = 0;
    let bestGain = inner.eps;
    for (let j = 0; j < inner.where.length; j++) {
      if (inner.where[j]! >= 0 || lp.lb[j] === lp.ub[j]) continue;
      const d = reducedCost(j);
      const gain = inner.atUpper[j] === 0 ? d : -d;
      if (gain > bestGain) {
        bestGain = gain;
        enter = j;
        dir = inner.atUpper[j] === 0 ? 1 : -1;
        if (bland) break;
      }
    }
    return { enter, dir };
  };
}

/** BoundedLp's kept direction of every column agrees with its bounds and basis (0: cannot enter). */
function assertDirections(lp: BoundedLp): void {
  const inner = lp as unknown as { dirOf: Int8Array; where: Int32Array; atUpper: Uint8Array };
  for (let j = 0; j < inner.where.length; j++) {
    const want = inner.where[j]! >= 0 || lp.lb[j] === lp.ub[j] ? 0 : inner.atUpper[j] === 0 ? 1 : -1;
    assert.equal(inner.dirOf[j], want, `column ${j}`);
  }
}

/**
 * BoundedLp's entering candidates, per objective whose reduced costs are kept: no column twice, `inCand` marks
 * exactly the members, and every column that can enter and is marked stale or improves by more than eps is one.
 */
function assertCandidates(lp: BoundedLp): void {
  const inner = lp as unknown as {
    dirOf: Int8Array;
    eps: number;
    cost: Float64Array;
    weightCost: Float64Array;
    rcValid: boolean;
    weightValid: boolean;
    unitValid: boolean;
    candCount: number;
    candWeightCount: number;
    candUnitCount: number;
    candWeight: Int32Array;
    candUnit: Int32Array;
    inCandWeight: Uint8Array;
    inCandUnit: Uint8Array;
    rcWeight: Float64Array;
    rcUnit: Float64Array;
    staleWeight: Uint8Array;
    staleUnit: Uint8Array;
  };
  const weights = inner.cost === inner.weightCost;
  const objectives = [
    {
      valid: weights ? inner.rcValid : inner.weightValid,
      count: weights ? inner.candCount : inner.candWeightCount,
      cand: inner.candWeight,
      inCand: inner.inCandWeight,
      rc: inner.rcWeight,
      stale: inner.staleWeight,
    },
    {
      valid: weights ? inner.unitValid : inner.rcValid,
      count: weights ? inner.candUnitCount : inner.candCount,
      cand: inner.candUnit,
      inCand: inner.inCandUnit,
      rc: inner.rcUnit,
      stale: inner.staleUnit,
    },
  ];
  for (const o of objectives) {
    if (!o.valid) continue;
    const members = new Set<number>();
    for (let q = 0; q < o.count; q++) {
      assert.ok(!members.has(o.cand[q]!), `column ${o.cand[q]} twice`);
      members.add(o.cand[q]!);
    }
    for (let j = 0; j < inner.dirOf.length; j++) {
      assert.equal(o.inCand[j] === 1, members.has(j), `column ${j}'s mark`);
      const s = inner.dirOf[j]!;
      if (s !== 0 && (o.stale[j] === 1 || (s === 1 ? o.rc[j]! : -o.rc[j]!) > inner.eps)) assert.ok(members.has(j), `column ${j} may enter`);
    }
  }
}

/**
 * BoundedLp's entering pick, by the largest gain and by Bland's rule, is the scan over every column's reduced cost
 * at the current duals (brought up to date first, as the simplex's next pivot would).
 */
function assertEntering(lp: BoundedLp): void {
  const inner = lp as unknown as {
    updateDuals(): void;
    refreshReducedCosts(): void;
    entering(bland: boolean): { enter: number; dir: number };
    reducedCost(j: number): number;
    dirOf: Int8Array;
    eps: number;
  };
  inner.updateDuals();
  inner.refreshReducedCosts();
  for (const bland of [true, false]) assert.deepEqual(inner.entering(bland), scanPick(inner, bland), bland ? "Bland's rule" : 'largest gain');
}

/** The reference pick: a scan over every column's reduced cost (the largest gain, ties to the smallest index; Bland's: the first improving). */
function scanPick(inner: { reducedCost(j: number): number; dirOf: Int8Array; eps: number }, bland: boolean): { enter: number; dir: number } {
  let enter = -1;
  let dir = 0;
  let bestGain = inner.eps;
  for (let j = 0; j < inner.dirOf.length; j++) {
    const s = inner.dirOf[j]!;
    if (s === 0) continue;
    const d = inner.reducedCost(j);
    const gain = s === 1 ? d : -d;
    if (gain > bestGain) {
      bestGain = gain;
      enter = j;
      dir = s;
      if (bland) break;
    }
  }
  return { enter, dir };
}

/**
 * Checks BoundedLp's every entering pick inside the simplex (both rules: the largest gain, then Bland's, the
 * rule the simplex asked for last) against the scan over every column's reduced cost.
 */
function checkEveryPick(lp: BoundedLp): void {
  const inner = lp as unknown as {
    entering(bland: boolean): { enter: number; dir: number };
    reducedCost(j: number): number;
    dirOf: Int8Array;
    eps: number;
  };
  const entering = inner.entering.bind(lp);
  inner.entering = (bland: boolean) => {
    for (const rule of [!bland, bland]) assert.deepEqual(entering(rule), scanPick(inner, rule), rule ? "Bland's rule" : 'largest gain');
    return entering(bland);
  };
}

/**
 * BoundedLp.weightReducedCostsInto, where it answers, is rules 16's reduced costs (weights plus the clipped duals
 * at each item's effects, in effect order) bit for bit; it answers at least wherever the weights were optimised
 * and no dual is < 0.
 */
function assertWeightReducedCosts(lp: BoundedLp, net: ItemEffects, optimised: boolean): void {
  const d = new Float64Array(net.m).fill(Number.NaN);
  const y = lp.prices();
  const answered = lp.weightReducedCostsInto(d);
  const raw = (lp as unknown as { y: Float64Array }).y;
  if (optimised && raw.every((v) => !(v < 0))) assert.ok(answered, 'answers after optimise');
  if (!answered) return;
  // A dual < 0 would be clipped in rules 16's sums and not in the simplex's: then it must not answer.
  const i = net.m % net.nodes;
  const kept = raw[i]!;
  raw[i] = -1;
  assert.equal(lp.weightReducedCostsInto(new Float64Array(net.m)), false, 'a dual < 0');
  raw[i] = kept;
  for (let k = 0; k < net.m; k++) {
    let v = net.weightF[k]!;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) v += y[net.effNode[e]!]! * net.effF[e]!;
    assert.ok(Object.is(d[k], v), `item ${k}: ${d[k]} vs ${v}`);
  }
}

/** The dive's outcome: each item's value, the prices after the first solve, the value, the work. */
function dive(
  net: ItemEffects,
  cap: Float64Array,
  start: boolean,
  keepWhole: boolean,
  afresh: boolean,
): { x: number[]; price: number[]; value: number; steps: number } {
  const lp = new BoundedLp(net, cap, start ? new Uint8Array(net.m) : null);
  if (afresh) priceAfresh(lp);
  const work = { steps: 0, max: 5_000_000 };
  lp.optimise(work);
  const price = [...lp.prices()];
  lpDive(lp, net.m, work, keepWhole);
  return { x: Array.from({ length: net.m }, (_, k) => lp.x(k)), price, value: lp.value(), steps: work.steps };
}

test('the dive with duals and reduced costs kept between pivots (and objectives) is the dive with every column priced afresh, bit for bit', () => {
  fc.assert(
    fc.property(runArb, fc.boolean(), ({ net, cap, start }, keepWhole) => {
      const kept = dive(net, cap, start, keepWhole, false);
      const afresh = dive(net, cap, start, keepWhole, true);
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

/** Fixings, unfixings and re-optimisations in any order (as the dive and its callers may): per step the point, the prices, the work. */
function sequence(net: ItemEffects, cap: Float64Array, ops: readonly [number, number][], afresh: boolean): unknown[] {
  const lp = new BoundedLp(net, cap, null);
  if (afresh) priceAfresh(lp);
  const work = { steps: 0, max: 5_000_000 };
  if (!afresh) checkEveryPick(lp);
  const out: unknown[] = [lp.optimise(work)];
  for (const [op, at] of ops) {
    const k = at % net.m;
    if (op === 0) out.push(lp.fix(k, true, work));
    else if (op === 1) out.push(lp.fix(k, false, work));
    else if (op === 2) lp.unfix(k);
    else if (op === 3) lp.fixWhole(work);
    else if (op === 5) out.push(lp.fixResting(k, at % 2 === 0));
    else out.push(lp.optimise(work), [...lp.prices()]);
    if (!afresh) {
      assertWeightReducedCosts(lp, net, op === 4);
      assertDirections(lp);
      assertCandidates(lp);
      assertEntering(lp);
      assertCandidates(lp);
    }
    out.push(
      Array.from({ length: net.m }, (_, j) => lp.x(j)),
      work.steps,
    );
  }
  return out;
}

test('fixings, unfixings and re-optimisations in any order take the pivots of pricing afresh, bit for bit', () => {
  fc.assert(
    fc.property(runArb, fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.nat()), { maxLength: 30 }), ({ net, cap }, ops) => {
      assert.deepEqual(sequence(net, cap, ops, false), sequence(net, cap, ops, true));
    }),
    { numRuns: 1500 },
  );
});
