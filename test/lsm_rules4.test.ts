// The LSM release under rules version 4 (issue 16): the solver's cycle and exact
// neighbourhood moves join the platform's run, so a gridlock among participants
// without liquidity (where only whole cycles settle) releases more than under
// rules 3; a run under rules 3 still releases exactly what it released before
// (journals written under it replay the run).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/clearing/lsm.js';
import { solveLinked } from '../src/clearing/lsm_linked.js';
import { lsmNeighbourhoodMoves } from '../src/clearing/lsm_release.js';
import { zeroLiquidityLsmRun } from './support/lsm_harness.js';
import { BANKS, LP } from './support/platform.js';

const [A, B, S, , K] = BANKS;
const CNY_HOLDERS = [A, B, S, K, LP];

/** 70 seeded CNY payments among five participants that hold nothing: each settles only in a set that nets to zero at every payer. */
function gridlock(): Array<{ from: number; to: number; major: number }> {
  const rng = new Rng(3);
  return Array.from({ length: 70 }, () => {
    const from = rng.below(5);
    let to = rng.below(4);
    if (to >= from) to++;
    return { from, to, major: 1 + rng.below(40) };
  });
}

function lsmRun(version: number): { released: number; value: bigint; queued_after: number } {
  return zeroLiquidityLsmRun(version, CNY_HOLDERS, gridlock());
}

test('rules 4: the LSM run uses the cycle and neighbourhood moves and releases more of a zero-liquidity gridlock than rules 3', () => {
  const v3 = lsmRun(3);
  const v4 = lsmRun(4);
  // Rules 3 as it always released (its journals replay this run): pinned.
  assert.deepEqual([v3.released, v3.value], [15, 31_200n]);
  assert.ok(v4.value > v3.value, `rules 4 released ${v4.value}, rules 3 ${v3.value}`);
  assert.ok(v4.released > v3.released);
});

test('rules 4: the moves are on from rules version 4 only', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((v) => lsmNeighbourhoodMoves(v)),
    [false, false, false, true, true],
  );
  // solveLinked without the moves is the rules-3 solver: on the same gridlock it settles what the rules-3 run did.
  const items = gridlock().map((p, k) => ({
    id: `u${k}`,
    legs: [{ from: p.from, to: p.to, amount: BigInt(p.major * 100) }],
    weight: BigInt(p.major * 100),
    urgent: false,
  }));
  const off = solveLinked({ capacities: [0n, 0n, 0n, 0n, 0n], items, fifo: false }, { neighbourhood_moves: false });
  const on = solveLinked({ capacities: [0n, 0n, 0n, 0n, 0n], items, fifo: false });
  assert.ok(on.settled_weight > off.settled_weight);
});
