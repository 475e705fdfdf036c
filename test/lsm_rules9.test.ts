// The LSM release under rules version 9 (issue 16): after rules 8's search, the
// dive's point and the relaxation's, rounded, are made whole by targeted changes
// at the short nodes only (lsm_lp_repair.ts), re-filled, the moves run from the
// best; rules 8's choice is kept unless that finds strictly more. Checked:
//  - the gate: from rules version 9 only;
//  - on generated gridlocks (fast-check; scarce or no liquidity, some two-leg
//    items) every rules-9 release is feasible (bigint, independent of the
//    solver), conserves money, stays within each account's balance plus credit,
//    settles whole items only (both legs or neither), weighs what it settled,
//    and never releases less than rules 8 (at equal value, rules 8's choice);
//  - the repair itself, from any point in [0, 1]^m: what it returns is a
//    selection every node covers, exactly in bigint;
//  - pinned: the bench's unseen dealers instance (85 banks, 2,000 payments)
//    where rules 8 keeps 205,591,779 and rules 9 strictly more (220,980,736).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { unseenInstances } from '../src/bench/gridlock_unseen.js';
import { compileLinked, type LinkedProblem, linkedViolation, solveLinked } from '../src/clearing/lsm_linked.js';
import { repairLpPoint } from '../src/clearing/lsm_lp_repair.js';
import { lsmRules9LpRepair } from '../src/clearing/lsm_release.js';
import { assertNeverLessThan, gridlockRunArb, toRunProblem } from './support/lsm_runs.js';

test('rules 9: the targeted repair is on from rules version 9 only', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => lsmRules9LpRepair(v)),
    [false, false, false, false, false, false, false, false, true],
  );
});

test('rules 9: every release is feasible, conserves money, and settles at least what rules 8 settles', () => {
  assertNeverLessThan(8, 9);
});

test('rules 9: from any point, the repair returns a selection every node covers (exact, bigint)', () => {
  fc.assert(
    fc.property(
      gridlockRunArb,
      fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 140, maxLength: 140 }),
      fc.constantFrom(0.5, 1 - 1e-6),
      fc.constantFrom(0, 2, 16),
      (raw, xs, threshold, price) => {
        const run = toRunProblem(raw);
        const problem: LinkedProblem = { capacities: run.nodes.map((n) => n.balance + n.headroom), items: run.items, fifo: false };
        const net = compileLinked(problem);
        const x = Float64Array.from({ length: net.m }, (_, k) => xs[k]!);
        const sel = repairLpPoint(net, net.capF, x, threshold, price, { steps: 0, max: 10_000_000 }, 0);
        assert.ok(sel !== null, 'with work to spare and no floor the repair finishes');
        assert.equal(linkedViolation(net, sel), null);
      },
    ),
    { numRuns: 60, seed: 9 },
  );
});

test('rules 9: the unseen dealers gridlock where rules 8 threw the dive away', () => {
  const inst = unseenInstances(42, 3, ['dealers']).find((i) => i.seed === 397738630)!;
  const v8 = solveLinked(inst.problem, { lp_repair: false, dive_keep_whole: false });
  const v9 = solveLinked(inst.problem, { lp_paths: false, dive_keep_whole: false });
  assert.equal(v8.settled_weight, 205_591_779n);
  assert.ok(v9.settled_weight > v8.settled_weight, `rules 9 settled ${v9.settled_weight}, rules 8 ${v8.settled_weight}`);
  assert.equal(v9.settled_weight, 220_980_736n);
  assert.equal(
    linkedViolation(
      compileLinked(inst.problem),
      Uint8Array.from(inst.problem.items, (it) => (v9.settled.includes(it.id) ? 1 : 0)),
    ),
    null,
  );
});
