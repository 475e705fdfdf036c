// The LSM release under rules version 8 (issue 16): after rules 7's search, on
// runs of at most 256 accounts, the solver also solves the LP relaxation by a
// bounded simplex started from rules 7's choice, dives on it (the item the
// relaxation settles most fixed at 1, or at 0, the rest re-optimised from where
// it stands) and starts from where the dive ends; it keeps rules 7's choice
// unless that finds strictly more. Checked:
//  - the gate: from rules version 8 only;
//  - on generated gridlocks (fast-check; scarce or no liquidity, some two-leg
//    items) every rules-8 release is feasible (bigint, independent of the
//    solver), conserves money, its settled weight is what it settled, and it
//    never releases less than rules 7 on the same run (at equal value, rules
//    7's choice itself);
//  - the dive itself: on a generated gridlock its point keeps every node within
//    its room, and what it fixes is whole;
//  - pinned: the bench's novel chain_big instance (60 banks, 1,401 payments)
//    where rules 7 settles 49,730,246 (its LP start never ran: Bland's rule ran
//    out of pivots) and rules 8 strictly more (56,120,816).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { novelInstances } from '../src/bench/gridlock_novel.js';
import { compileLinked, solveLinked } from '../src/clearing/lsm_linked.js';
import { BoundedLp, lpDive } from '../src/clearing/lsm_lp.js';
import { lsmRules8LpDive } from '../src/clearing/lsm_release.js';
import { assertNeverLessThan } from './support/lsm_runs.js';

test('rules 8: the LP dive is on from rules version 8 only', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map((v) => lsmRules8LpDive(v)),
    [false, false, false, false, false, false, false, true],
  );
});

test('rules 8: every release is feasible, conserves money, and settles at least what rules 7 settles', () => {
  assertNeverLessThan(7, 8);
});

test("rules 8: the dive ends at a point within every node's room, and stays there while it fixes", () => {
  const inst = novelInstances(42, 1, ['chain_big'])[0]!;
  const net = compileLinked(inst.problem);
  const lp = new BoundedLp(net, net.capF, null);
  assert.ok(lp.optimise({ steps: 0, max: 1e9 }));
  const bound = lp.value();
  lpDive(lp, net.m, { steps: 0, max: 5_000_000 });
  const room = Float64Array.from(net.capF);
  for (let k = 0; k < net.m; k++) {
    const x = lp.x(k);
    assert.ok(x >= 0 && x <= 1);
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) room[net.effNode[e]!]! += x * net.effF[e]!;
  }
  // Float tolerance: the amounts are below 10^7 here.
  for (const r of room) assert.ok(r >= -1e-3, `room ${r}`);
  assert.ok(lp.value() <= bound + 1e-6 * bound);
  let fixed = 0;
  for (let k = 0; k < net.m; k++) if (lp.lb[k] === lp.ub[k]) fixed++;
  assert.ok(fixed > 0, 'the dive fixed items');
});

test("rules 8: the novel chain_big gridlock where rules 7's LP start never ran", () => {
  const inst = novelInstances(42, 3, ['chain_big']).find((i) => i.seed === 674944734)!;
  const v7 = solveLinked(inst.problem, { lp_dive: false });
  // Rules 8 as it ran: without rules 9's repair (test/lsm_rules9.test.ts).
  const v8 = solveLinked(inst.problem, { lp_repair: false, dive_keep_whole: false });
  assert.equal(v7.settled_weight, 49_730_246n);
  assert.ok(v8.settled_weight > v7.settled_weight, `rules 8 settled ${v8.settled_weight}, rules 7 ${v7.settled_weight}`);
  // HiGHS's best in 10 s: 58,850,704 (0.845 for rules 7, 0.954 for rules 8).
  assert.equal(v8.settled_weight, 56_120_816n);
});
