// The LSM release under rules version 10 (issue 16): after rules 9's search, the
// dive's point, rounded, has each short account made whole by the cheapest path
// of whole-item changes to the accounts with room (lsm_lp_paths.ts), then the
// repairs of rules 7 for what the paths leave short, re-filled, the moves run
// from the best; rules 9's choice is kept unless that finds strictly more.
// Checked:
//  - the gate: from rules version 10 only (rules 9's repair stays on under 10);
//  - on generated gridlocks (fast-check; scarce or no liquidity, some two-leg
//    items) every rules-10 release is feasible (bigint, independent of the
//    solver), conserves money, stays within each account's balance plus credit,
//    settles whole items only (both legs or neither), weighs what it settled,
//    and never releases less than rules 9 (at equal value, rules 9's choice);
//  - the path repair itself, from any point in [0, 1]^m: it finishes with work
//    to spare, returns whole items, and changes nothing when the rounded point
//    leaves no account short. (It does not promise less shortfall than the
//    rounded point: two labels of one path can count the same room, 1 run in
//    125 probed; what it leaves short the release repairs and checks exactly.)
//  - pinned: the bench's unseen credit_tight instance (2,000 payments) where
//    rules 9 keeps 105,578,830 and rules 10 strictly more (106,620,146).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { unseenInstances } from '../src/bench/gridlock_unseen.js';
import { compileLinked, type LinkedProblem, linkedViolation, type Net, solveLinked } from '../src/clearing/lsm_linked.js';
import { repairByPaths } from '../src/clearing/lsm_lp_paths.js';
import { lsmRules9LpRepair, lsmRules10LpPaths, solveRunProblem } from '../src/clearing/lsm_release.js';
import { assertNeverLessThan, endRoom, gridlockRunArb, toRunProblem } from './support/lsm_runs.js';

test('rules 10: the path repair is on from rules version 10 only, on top of rules 9', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((v) => lsmRules10LpPaths(v)),
    [false, false, false, false, false, false, false, false, false, true, true],
  );
  assert.equal(lsmRules9LpRepair(10), true);
});

test('rules 10: every release is feasible, conserves money, and settles at least what rules 9 settles', () => {
  assertNeverLessThan(9, 10);
});

test('rules 10: a release settles whole items only: both legs of a two-leg item or neither', () => {
  fc.assert(
    fc.property(gridlockRunArb, (raw) => {
      const problem = toRunProblem(raw);
      const out = solveRunProblem(problem, 200_000, undefined, 10);
      const ids = new Set(problem.items.map((it) => it.id));
      for (const id of out.settled) assert.ok(ids.has(id), `${id} is an item, not a leg`);
      // Each chosen item moves every one of its legs: the end room (bigint, leg by leg) is what the item-level net effects give.
      const chosen = new Set(out.settled);
      const net = compileLinked({ capacities: problem.nodes.map((n) => n.balance + n.headroom), items: problem.items, fifo: false });
      const room = endRoom(problem, chosen);
      assert.equal(
        linkedViolation(
          net,
          Uint8Array.from(problem.items, (it) => (chosen.has(it.id) ? 1 : 0)),
        ),
        null,
      );
      room.forEach((r, n) => {
        assert.ok(r >= 0n, `node ${n} ends ${r} below its balance plus credit`);
      });
    }),
    { numRuns: 20, seed: 10 },
  );
});

/** Total shortfall of a selection, exact. */
function shortfall(net: Net, sel: Uint8Array): bigint {
  const room = [...net.cap];
  for (let k = 0; k < net.m; k++) {
    if (sel[k] !== 1) continue;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) room[net.effNode[e]!] = room[net.effNode[e]!]! + net.effDelta[e]!;
  }
  return room.reduce((a, r) => (r < 0n ? a - r : a), 0n);
}

test('rules 10: from any point, the path repair finishes, returns whole items, and leaves a whole point as it is', () => {
  fc.assert(
    fc.property(
      gridlockRunArb,
      fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 140, maxLength: 140 }),
      fc.constantFrom(0.5, 1 - 1e-6),
      (raw, xs, threshold) => {
        const run = toRunProblem(raw);
        const problem: LinkedProblem = { capacities: run.nodes.map((n) => n.balance + n.headroom), items: run.items, fifo: false };
        const net = compileLinked(problem);
        const x = Float64Array.from({ length: net.m }, (_, k) => xs[k]!);
        const start = Uint8Array.from(x, (v) => (v >= threshold ? 1 : 0));
        const sel = repairByPaths(net, net.capF, x, threshold, 200, { steps: 0, max: 50_000_000 }, 0);
        assert.ok(sel !== null, 'with work to spare and no floor the repair finishes');
        assert.ok(sel.every((v) => v === 0 || v === 1));
        if (shortfall(net, start) === 0n) assert.deepEqual([...sel], [...start]);
      },
    ),
    { numRuns: 60, seed: 10 },
  );
});

test('rules 10: the unseen credit_tight gridlock where rules 9 kept less', () => {
  const inst = unseenInstances(42, 3, ['credit_tight']).find((i) => i.seed === 3702587216)!;
  const v9 = solveLinked(inst.problem, { lp_paths: false, dive_keep_whole: false });
  const v10 = solveLinked(inst.problem, { lp_split: false, dive_keep_whole: false });
  assert.equal(v9.settled_weight, 105_578_830n);
  assert.ok(v10.settled_weight > v9.settled_weight, `rules 10 settled ${v10.settled_weight}, rules 9 ${v9.settled_weight}`);
  assert.equal(v10.settled_weight, 106_620_146n);
  assert.equal(
    linkedViolation(
      compileLinked(inst.problem),
      Uint8Array.from(inst.problem.items, (it) => (v10.settled.includes(it.id) ? 1 : 0)),
    ),
    null,
  );
});
