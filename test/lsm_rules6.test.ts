// The LSM release under rules version 6 (issue 16): after rules 5's search, the
// solver makes the nodes left short whole by several removals at once (an exact
// re-choice around each, and the cascade one removal at a time with chain
// removal re-run after each), and keeps rules 5's choice unless that finds
// strictly more. Checked here:
//  - the gate: from rules version 6 only;
//  - on generated gridlocks (fast-check; scarce or no liquidity, some two-leg
//    items) every rules-6 release is feasible (no account ends below zero
//    after its balance and credit, written independently of the solver in
//    bigint), its settled weight is the sum of what it settled, money is
//    conserved (the chosen legs' effects sum to zero), and it never releases
//    less value than rules 5 on the same run;
//  - pinned: a zero-liquidity gridlock on the platform where rules 6 releases
//    strictly more, and rules 5 still releases what it released before;
//  - pinned: the bench's tangled_cycles gridlock where rules 5 lost half the value.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Rng } from '../src/clearing/lsm.js';
import { solveLinked, type LinkedItem } from '../src/clearing/lsm_linked.js';
import { lsmRules6ShortRepair, solveRunProblem, type LsmNode, type LsmRunProblem } from '../src/clearing/lsm_release.js';
import { novelInstances } from '../src/bench/gridlock_novel.js';
import { zeroLiquidityLsmRun } from './support/lsm_harness.js';
import { BANKS, LP } from './support/platform.js';

const [A, B, S, , K] = BANKS;
const CNY_HOLDERS = [A, B, S, K, LP];

test('rules 6: the exact repair of short nodes is on from rules version 6 only', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((v) => lsmRules6ShortRepair(v)),
    [false, false, false, false, false, true],
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

test('rules 6: every release is feasible, conserves money, and settles at least what rules 5 settles', () => {
  fc.assert(
    fc.property(runArb, (raw) => {
      const problem = toProblem(raw);
      const v5 = solveRunProblem(problem, 200_000, undefined, 5);
      const v6 = solveRunProblem(problem, 200_000, undefined, 6);
      const chosen = new Set(v6.settled);
      assert.equal(chosen.size, v6.settled.length, 'no item settles twice');
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
      assert.equal(v6.settled_weight, weight);
      assert.ok(v6.settled_weight >= v5.settled_weight, `rules 6 settled ${v6.settled_weight}, rules 5 ${v5.settled_weight}`);
      // Equal value: rules 6 keeps rules 5's choice itself (what a journal of either replays to).
      if (v6.settled_weight === v5.settled_weight) assert.deepEqual(v6.settled, v5.settled);
    }),
    { numRuns: 25, seed: 16 },
  );
});

/** 100 seeded CNY payments (1 to 253 CNY, skewed) among five participants that hold nothing. */
function gridlock(): Array<{ from: number; to: number; major: number }> {
  const rng = new Rng(6);
  return Array.from({ length: 100 }, () => {
    const from = rng.below(5);
    let to = rng.below(4);
    if (to >= from) to++;
    return { from, to, major: 1 + Math.floor(40 ** (rng.float() * 1.5)) };
  });
}

test('rules 6: a zero-liquidity gridlock releases strictly more than under rules 5, and rules 5 replays as it ran', () => {
  const v5 = zeroLiquidityLsmRun(5, CNY_HOLDERS, gridlock());
  const v6 = zeroLiquidityLsmRun(6, CNY_HOLDERS, gridlock());
  // Rules 5 as it always released (its journals replay this run): pinned, from the build before rules 6 (e49591f).
  assert.deepEqual([v5.released, v5.value], [73, 307_200n]);
  assert.ok(v6.value > v5.value, `rules 6 released ${v6.value}, rules 5 ${v5.value}`);
  assert.deepEqual([v6.released, v6.value], [79, 337_100n]);
});

test('rules 6: on a gridlock of crossing cycles the cascade with chain removal keeps most of what the chains kept', () => {
  // The bench's novel tangled_cycles generator (50 banks, cycles of 6-30 crossing at 8 busy banks, 60% hold nothing).
  const inst = novelInstances(42, 2, ['tangled_cycles'])[1]!;
  const off = solveLinked(inst.problem, { short_repair: false });
  const on = solveLinked(inst.problem, { lp_start: false });
  assert.ok(on.settled_weight > (off.settled_weight * 3n) / 2n, `with the repair ${on.settled_weight}, without ${off.settled_weight}`);
});
