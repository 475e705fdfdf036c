// The LSM release under rules version 7 (issue 16): after rules 6's search, on
// runs of at most 64 accounts, the solver also starts from the LP relaxation
// solved exactly (lsm_lp.ts), repairs short accounts by residual chains
// (lsm_residual_chains.ts: drop a payment the short account pays, or settle one
// paid to it, and pass the shortfall on), and tries insertions repaired the
// same way; it keeps rules 6's choice unless that finds strictly more. Checked:
//  - the gate: from rules version 7 only;
//  - on generated gridlocks (fast-check; scarce or no liquidity, some two-leg
//    items) every rules-7 release is feasible (bigint, independent of the
//    solver), conserves money, its settled weight is what it settled, and it
//    never releases less than rules 6 on the same run (at equal value, rules
//    6's choice itself);
//  - pinned: the bench's held-out zero_small instance (15 banks, 120 payments,
//    no liquidity to speak of) whose optimum, proven by HiGHS, is 192,982:
//    rules 6 settles 121,323, rules 7 strictly more.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { familyInstances } from '../src/bench/gridlock_families.js';
import { type LinkedItem, solveLinked } from '../src/clearing/lsm_linked.js';
import { type LsmNode, type LsmRunProblem, lsmRules7LpStart, solveRunProblem } from '../src/clearing/lsm_release.js';

test('rules 7: the LP start is on from rules version 7 only', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((v) => lsmRules7LpStart(v)),
    [false, false, false, false, false, false, true],
  );
});

interface RawRun {
  balances: number[];
  headrooms: number[];
  items: { from: number; to: number; amount: number; second: { from: number; to: number; amount: number } | null }[];
}

const runArb: fc.Arbitrary<RawRun> = fc.integer({ min: 3, max: 8 }).chain((n) =>
  fc.record({
    // Gridlocks: most accounts hold nothing, a few a little.
    balances: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 3_000 })), { minLength: n, maxLength: n }),
    headrooms: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 2_000 })), { minLength: n, maxLength: n }),
    items: fc.array(
      fc.record({
        from: fc.integer({ min: 0, max: n - 1 }),
        to: fc.integer({ min: 0, max: n - 1 }),
        amount: fc.integer({ min: 1, max: 20_000 }),
        second: fc.option(
          fc.record({ from: fc.integer({ min: 0, max: n - 1 }), to: fc.integer({ min: 0, max: n - 1 }), amount: fc.integer({ min: 1, max: 20_000 }) }),
          {
            freq: 6,
          },
        ),
      }),
      { minLength: 20, maxLength: 140 },
    ),
  }),
);

function toProblem(raw: RawRun): LsmRunProblem {
  const nodes: LsmNode[] = raw.balances.map((b, i) => ({ participant: `p${i}`, currency: 'CNY', balance: BigInt(b), headroom: BigInt(raw.headrooms[i]!) }));
  const items: LinkedItem[] = [];
  raw.items.forEach((r, k) => {
    const legs = [r, ...(r.second === null ? [] : [r.second])]
      .filter((l) => l.from !== l.to)
      .map((l) => ({ from: l.from, to: l.to, amount: BigInt(l.amount) }));
    if (legs.length > 0) items.push({ id: `i${k}`, legs, weight: legs[0]!.amount, urgent: false });
  });
  return { currencies: ['CNY'], nodes, items, payments: [], fifo: false, weight_unit: 'minor' };
}

/** Per node, capacity (balance + headroom) plus the chosen legs' effects: bigint, independent of the solver. */
function endRoom(problem: LsmRunProblem, chosen: ReadonlySet<string>): bigint[] {
  const room = problem.nodes.map((n) => n.balance + n.headroom);
  for (const it of problem.items) {
    if (!chosen.has(it.id)) continue;
    for (const l of it.legs) {
      room[l.from] = room[l.from]! - l.amount;
      room[l.to] = room[l.to]! + l.amount;
    }
  }
  return room;
}

test('rules 7: every release is feasible, conserves money, and settles at least what rules 6 settles', () => {
  fc.assert(
    fc.property(runArb, (raw) => {
      const problem = toProblem(raw);
      const v6 = solveRunProblem(problem, 200_000, undefined, 6);
      const v7 = solveRunProblem(problem, 200_000, undefined, 7);
      const chosen = new Set(v7.settled);
      assert.equal(chosen.size, v7.settled.length, 'no item settles twice');
      const room = endRoom(problem, chosen);
      room.forEach((r, n) => {
        assert.ok(r >= 0n, `node ${n} ends ${r} below its capacity`);
      });
      const capacity = problem.nodes.reduce((a, n) => a + n.balance + n.headroom, 0n);
      assert.equal(
        room.reduce((a, r) => a + r, 0n),
        capacity,
        'the chosen legs move money, never make or lose it',
      );
      const weight = problem.items.filter((it) => chosen.has(it.id)).reduce((a, it) => a + it.weight, 0n);
      assert.equal(v7.settled_weight, weight);
      assert.ok(v7.settled_weight >= v6.settled_weight, `rules 7 settled ${v7.settled_weight}, rules 6 ${v6.settled_weight}`);
      if (v7.settled_weight === v6.settled_weight) assert.deepEqual(v7.settled, v6.settled);
    }),
    { numRuns: 25, seed: 16 },
  );
});

test('rules 7: the held-out zero_small gridlock whose optimum is a circulation of large payments', () => {
  const inst = familyInstances('held_out', 42, 3, ['zero_small']).find((i) => i.seed === 2947982252)!;
  const v6 = solveLinked(inst.problem, { lp_start: false });
  const v7 = solveLinked(inst.problem);
  assert.equal(v6.settled_weight, 121_323n);
  assert.ok(v7.settled_weight > v6.settled_weight, `rules 7 settled ${v7.settled_weight}, rules 6 ${v6.settled_weight}`);
  assert.equal(v7.settled_weight, 180_044n);
});
