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
import { Rng } from '../src/clearing/lsm.js';
import { solveLinked } from '../src/clearing/lsm_linked.js';
import { lsmRules6ShortRepair } from '../src/clearing/lsm_release.js';
import { assertNeverLessThan } from './support/lsm_runs.js';
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

test('rules 6: every release is feasible, conserves money, and settles at least what rules 5 settles', () => {
  assertNeverLessThan(5, 6);
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
