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
import { familyInstances } from '../src/bench/gridlock_families.js';
import { solveLinked } from '../src/clearing/lsm_linked.js';
import { lsmRules7LpStart } from '../src/clearing/lsm_release.js';
import { assertNeverLessThan } from './support/lsm_runs.js';

test('rules 7: the LP start is on from rules version 7 only', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((v) => lsmRules7LpStart(v)),
    [false, false, false, false, false, false, true],
  );
});

test('rules 7: every release is feasible, conserves money, and settles at least what rules 6 settles', () => {
  assertNeverLessThan(6, 7);
});

test('rules 7: the held-out zero_small gridlock whose optimum is a circulation of large payments', () => {
  const inst = familyInstances('held_out', 42, 3, ['zero_small']).find((i) => i.seed === 2947982252)!;
  const v6 = solveLinked(inst.problem, { lp_start: false });
  // Rules 7 itself (rules 8's dive off): its journals replay this run.
  const v7 = solveLinked(inst.problem, { lp_dive: false });
  assert.equal(v6.settled_weight, 121_323n);
  assert.ok(v7.settled_weight > v6.settled_weight, `rules 7 settled ${v7.settled_weight}, rules 6 ${v6.settled_weight}`);
  assert.equal(v7.settled_weight, 180_044n);
});
