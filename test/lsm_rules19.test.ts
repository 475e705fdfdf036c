// The LSM release under rules version 19 (issue 16): after rules 18's phase,
// on runs with a two-leg item (PvP trades), the run solved again on weights
// perturbed by a fixed seed (restartWeights), then the trades where that
// choice and rules 18's differ re-chosen exactly from the heavier of the two;
// rules 18's choice is kept unless that finds strictly more. Checked:
//  - the gate: from rules version 19 only, on top of rules 18;
//  - rules 18 unchanged: on generated PvP, hub and gridlock runs, the release
//    under rules version 18 is what the base build (639a2fd, rules 18
//    current) released, pinned as the settled weights and the settled ids'
//    count; runs of one-leg payments release under 19 what they did under 18
//    (runs with a two-leg item never less);
//  - every rules-19 release is feasible leg by leg in bigint (independent of
//    the solver), settles whole items only (both legs of a trade or
//    neither), conserves money, weighs what it settled, and never releases
//    less than rules 18;
//  - the perturbed weights are a pure function of the items (replay), within
//    80-120 % and at least 1;
//  - on a bench PvP gridlock whose choice rules 18 cannot improve (unseen
//    pvp_legs, run seed 7: a heavy trade's room comes round rings of other
//    trades), rules 19 settles strictly more, feasibly.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileLinked, exactWeight, linkedViolation, restartWeights, solveLinked } from '../src/clearing/lsm_linked.js';
import { unseenInstances } from '../src/bench/gridlock_unseen.js';
import { lsmRules18RegionInduced, lsmRules19RegionRestart } from '../src/clearing/lsm_release.js';
import { assertPhaseNeverLess, gridlockRunArb, hubRunArb, pvpRunArb, type RawRun, releaseDigest, runsSettlingMore, toRunProblem } from './support/lsm_runs.js';

test('rules 19: the restart is on from rules version 19 only, on top of rules 18', () => {
  const versions = Array.from({ length: 20 }, (_, i) => i + 1);
  assert.deepEqual(
    versions.map((v) => lsmRules19RegionRestart(v)),
    versions.map((v) => v >= 19),
  );
  assert.equal(lsmRules18RegionInduced(19), true);
});

/** Settled weight and count of every run `arb` gives under `rules`, this file's seed. */
function digest(arb: fc.Arbitrary<RawRun>, n: number, rules: number): string {
  return releaseDigest(arb, n, rules, 19);
}

// `digest(ARB, 12, 18)` under the base build (639a2fd, rules 18 current).
const PVP_RULES18 = '651135/59 493792/68 395168/46 422617/40 560166/59 541496/62 640319/74 214/24 428166/46 520001/62 714146/68 242321/25';
const HUB_RULES18 = '392067/71 134462/16 130287/20 262363/35 665347/61 40110/21 282957/30 208659/23 134441/25 731686/73 257482/39 363685/55';
const GRID_RULES18 = '201469/21 81686/12 17/2 201213/21 288662/29 27/3 351650/33 132442/19 35866/10 172565/16 39996/5 0/0';

test('rules 18 releases what it released before rules 19 (pinned from the base build, 639a2fd)', () => {
  assert.equal(digest(pvpRunArb, 12, 18), PVP_RULES18);
  assert.equal(digest(hubRunArb, 12, 18), HUB_RULES18);
  assert.equal(digest(gridlockRunArb, 12, 18), GRID_RULES18);
});

test('rules 19 releases what rules 18 did on runs of one-leg payments, and never less on runs with a PvP trade', () => {
  // The hub runs hold one-leg payments only; the gridlock runs mix in two-leg items (the phase may run there).
  const twoLeg = (arb: fc.Arbitrary<RawRun>): boolean[] =>
    fc.sample(arb, { numRuns: 12, seed: 19 }).map((raw) => toRunProblem(raw).items.some((it) => it.legs.length === 2));
  assert.ok(twoLeg(hubRunArb).every((x) => !x));
  assert.equal(digest(hubRunArb, 12, 19), HUB_RULES18);
  const grid = digest(gridlockRunArb, 12, 19).split(' ');
  const gridTwo = twoLeg(gridlockRunArb);
  GRID_RULES18.split(' ').forEach((x, i) => {
    if (!gridTwo[i]) assert.equal(grid[i], x, `one-leg run ${i}`);
  });
  runsSettlingMore(grid.join(' '), GRID_RULES18, { later: '19', earlier: '18' });
  runsSettlingMore(digest(pvpRunArb, 12, 19), PVP_RULES18, { later: '19', earlier: '18' });
});

test('rules 19: on PvP gridlocks every release is feasible, settles both legs of a trade or neither, and never less than rules 18', () => {
  assertPhaseNeverLess(pvpRunArb, {}, { region_restart: false }, { min: 20_000, max: 200_000 }, 20, 19);
});

test('rules 19: the restart weights are a pure function of the items, within 80-120 % and at least 1', () => {
  fc.assert(
    fc.property(pvpRunArb, (raw) => {
      const items = toRunProblem(raw).items;
      const a = restartWeights(items);
      assert.deepEqual(
        restartWeights(items).map((it) => it.weight),
        a.map((it) => it.weight),
      );
      a.forEach((it, k) => {
        const w = items[k]!.weight;
        assert.equal(it.id, items[k]!.id);
        assert.deepEqual(it.legs, items[k]!.legs);
        assert.ok(it.weight >= 1n && it.weight * 100n >= w * 80n - 100n && it.weight * 100n <= w * 120n, `${w} -> ${it.weight}`);
      });
    }),
    { numRuns: 30, seed: 19 },
  );
});

test('rules 19 settles more than rules 18 on a bench PvP gridlock (unseen pvp_legs, run seed 7), feasibly', () => {
  const inst = unseenInstances(7, 1, ['pvp_legs'])[0]!;
  const net = compileLinked(inst.problem);
  const selOf = (ids: readonly string[]): Uint8Array => {
    const set = new Set(ids);
    return Uint8Array.from(inst.problem.items, (it) => (set.has(it.id) ? 1 : 0));
  };
  const r18 = selOf(solveLinked(inst.problem, { region_restart: false }).settled);
  const r19 = selOf(solveLinked(inst.problem).settled);
  assert.equal(linkedViolation(net, r19), null);
  assert.ok(exactWeight(net, r19) > exactWeight(net, r18), `${exactWeight(net, r19)} under 19, ${exactWeight(net, r18)} under 18`);
});
