// The LSM release under rules version 5 (issue 16): the solver's chain-removal
// start, cycle and exact neighbourhood moves also run on runs of at most 64
// queued items (before the exact search), so a small gridlock whose exact search
// runs out of budget releases more than under rules 4 (and, after chain removal,
// the removal rule weighs the cascade it starts); a run under rules 4
// still releases exactly what it released before (journals replay the run).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/clearing/lsm.js';
import { EXACT_ITEMS_MAX, linkedWorkBudget, solveLinked } from '../src/clearing/lsm_linked.js';
import { lsmRules5Search } from '../src/clearing/lsm_release.js';
import { novelInstances } from '../src/bench/gridlock_novel.js';
import { zeroLiquidityLsmRun } from './support/lsm_harness.js';
import { BANKS, LP } from './support/platform.js';

const [A, B, S, , K] = BANKS;
const CNY_HOLDERS = [A, B, S, K, LP];
const PAYMENTS = 60;

/** 60 seeded CNY payments (1 to 253 CNY, skewed) among five participants that hold nothing. */
function gridlock(): Array<{ from: number; to: number; major: number }> {
  const rng = new Rng(15);
  return Array.from({ length: PAYMENTS }, () => {
    const from = rng.below(5);
    let to = rng.below(4);
    if (to >= from) to++;
    return { from, to, major: 1 + Math.floor(40 ** (rng.float() * 1.5)) };
  });
}

function lsmRun(version: number): { released: number; value: bigint } {
  return zeroLiquidityLsmRun(version, CNY_HOLDERS, gridlock());
}

test('rules 5: a small run uses the moves and releases more of a zero-liquidity gridlock than rules 4', () => {
  assert.ok(PAYMENTS <= EXACT_ITEMS_MAX, 'a run within the exact search size');
  const v4 = lsmRun(4);
  const v5 = lsmRun(5);
  // What the rules-4 solver settles on the same problem (solveLinked without the small moves).
  const items = gridlock().map((p, k) => ({
    id: `u${k}`,
    legs: [{ from: p.from, to: p.to, amount: BigInt(p.major * 100) }],
    weight: BigInt(p.major * 100),
    urgent: false,
  }));
  const problem = { capacities: [0n, 0n, 0n, 0n, 0n], items, fifo: false };
  const budget = linkedWorkBudget(5, PAYMENTS);
  const off = solveLinked(problem, { work_budget: budget, small_moves: false, chain_repair_weights: false, short_repair: false });
  const on = solveLinked(problem, { work_budget: budget, short_repair: false });
  assert.ok(on.settled_weight > off.settled_weight, `with the moves ${on.settled_weight}, without ${off.settled_weight}`);
  assert.ok(v5.value > v4.value, `rules 5 released ${v5.value}, rules 4 ${v4.value}`);
  // Rules 4 as it always released (its journals replay this run): pinned, from the build before rules 5.
  assert.deepEqual([v4.released, v4.value], [26, 32_800n]);
});

test('rules 5: the small moves and the repair weights are on from rules version 5 only', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((v) => lsmRules5Search(v)),
    [false, false, false, false, true],
  );
});

test('rules 5: under FIFO the new search changes nothing', () => {
  const items = gridlock().map((p, k) => ({
    id: `u${k}`,
    legs: [{ from: p.from, to: p.to, amount: BigInt(p.major * 100) }],
    weight: BigInt(p.major * 100),
    urgent: false,
  }));
  const problem = { capacities: [5_000n, 0n, 12_000n, 0n, 3_000n], items, fifo: true };
  const off = solveLinked(problem, { small_moves: false, chain_repair_weights: false, short_repair: false });
  const on = solveLinked(problem, { short_repair: false });
  assert.deepEqual(on.settled, off.settled);
});

test('rules 5: after chain removal, weighing the cascade keeps more of a gridlock of crossing cycles', () => {
  // The bench's novel tangled_cycles generator (50 banks, cycles of 6-30 crossing at 8 busy banks, 60% hold nothing).
  const inst = novelInstances(42, 3, ['tangled_cycles'])[2]!;
  const off = solveLinked(inst.problem, { chain_repair_weights: false, short_repair: false });
  const on = solveLinked(inst.problem, { short_repair: false });
  assert.ok(on.settled_weight > off.settled_weight, `with the weights ${on.settled_weight}, with weight 1 alone ${off.settled_weight}`);
});
