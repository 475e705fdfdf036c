// The LSM release under rules version 18 (issue 16): after rules 17's phase,
// on runs with a two-leg item (PvP trades), regions induced by a set of
// participants (the trades among them only), grown around each unsettled
// trade, heaviest first, each re-chosen exactly (lsm_region_exact.ts's
// exactInduced); rules 17's choice is kept unless that finds strictly more.
// Checked:
//  - the gate: from rules version 18 only, on top of rules 17;
//  - rules 17 unchanged: on generated PvP, hub and gridlock runs, the release
//    under rules version 17 is what the base build (fdf447b, rules 17
//    current) released, pinned as the settled weights and the settled ids'
//    count; runs of one-leg payments release under 18 what they did under 17;
//  - every rules-18 release is feasible leg by leg in bigint (independent of
//    the solver), settles whole items only, conserves money, weighs what it
//    settled, and never releases less than rules 17;
//  - exactInduced from any feasible start stays feasible and never loses
//    weight, and settles trades whose room comes round a ring of five
//    participants, which no two-participant region can.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileLinked, exactWeight, type LinkedProblem, linkedViolation, solveLinked } from '../src/clearing/lsm_linked.js';
import { novelInstances } from '../src/bench/gridlock_novel.js';
import { lsmRules17RegionRounds, lsmRules18RegionInduced } from '../src/clearing/lsm_release.js';
import { exactInduced, exactPairs, participantsOf } from '../src/clearing/lsm_region_exact.js';
import { assertPhaseNeverLess, gridlockRunArb, hubRunArb, pvpRunArb, type RawRun, releaseDigest, runsSettlingMore, toRunProblem } from './support/lsm_runs.js';
import { compileRun, runParticipants, weakStart } from './support/lsm_start.js';

const LIMITS = { units_max: 12, items_max: 100, seeds_max: 300, region_steps_max: 500_000 } as const;

test('rules 18: the induced regions are on from rules version 18 only, on top of rules 17', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((v) => lsmRules18RegionInduced(v)),
    [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, true],
  );
  assert.equal(lsmRules17RegionRounds(18), true);
});

/** Settled weight and count of every run `arb` gives under `rules`, this file's seed. */
function digest(arb: fc.Arbitrary<RawRun>, n: number, rules: number): string {
  return releaseDigest(arb, n, rules, 18);
}

// `digest(ARB, 12, 17)` under the base build (fdf447b, rules 17 current).
const PVP_RULES17 = '1076521/107 46180/14 15629/2 591025/65 786128/85 616317/92 869000/91 40175/19 277840/38 1003553/99 883878/85 595840/55';
const HUB_RULES17 = '144766/32 250952/35 157923/22 116014/21 597019/69 634222/64 478135/47 269613/27 666857/69 560155/54 143420/25 674608/62';
const GRID_RULES17 = '307679/24 325405/35 0/0 165238/18 241108/25 1/1 183261/24 0/0 307930/34 251820/25 240429/20 115340/13';

test('rules 17 releases what it released before rules 18 (pinned from the base build, fdf447b)', () => {
  assert.equal(digest(pvpRunArb, 12, 17), PVP_RULES17);
  assert.equal(digest(hubRunArb, 12, 17), HUB_RULES17);
  assert.equal(digest(gridlockRunArb, 12, 17), GRID_RULES17);
});

test('rules 18 releases what rules 17 did on runs of one-leg payments, and never less on PvP runs', () => {
  assert.equal(digest(hubRunArb, 12, 18), HUB_RULES17);
  assert.equal(digest(gridlockRunArb, 12, 18), GRID_RULES17);
  runsSettlingMore(digest(pvpRunArb, 12, 18), PVP_RULES17, { later: '18', earlier: '17' });
});

test('rules 18: on PvP gridlocks every release is feasible, settles both legs of a trade or neither, and never less than rules 17', () => {
  assertPhaseNeverLess(pvpRunArb, {}, { region_induced: false }, { min: 20_000, max: 200_000 }, 25, 18);
});

test('rules 18: exactInduced from any feasible start stays feasible and never loses weight', () => {
  let gained = 0;
  fc.assert(
    fc.property(pvpRunArb, fc.integer({ min: 1, max: 5 }), (raw, every) => {
      const run = toRunProblem(raw);
      const net = compileRun(run);
      const units = runParticipants(net, run);
      const sel = weakStart(net, every);
      const before = exactWeight(net, sel);
      exactInduced(net, units, sel, { ...LIMITS, steps_max: 2e7 }, { steps: 0, max: 2e7 });
      assert.equal(linkedViolation(net, sel), null);
      const after = exactWeight(net, sel);
      assert.ok(after >= before, `${after} < ${before}`);
      if (after > before) gained++;
    }),
    { numRuns: 40, seed: 18 },
  );
  // Few weak starts leave room a ring can take (2 of 40 here); the ring test below pins a gain.
  assert.ok(gained > 0, `runs the search improved: ${gained}`);
});

/** A PvP trade between participants s and t (nodes 2p: currency A, 2p + 1: currency B): s pays a in A, t pays b in B. */
function trade(id: string, s: number, t: number, a: bigint, b: bigint, weight: bigint): LinkedProblem['items'][number] {
  return {
    id,
    legs: [
      { from: 2 * s, to: 2 * t, amount: a },
      { from: 2 * t + 1, to: 2 * s + 1, amount: b },
    ],
    weight,
    urgent: false,
  };
}

test('rules 18: a ring of five trades settles in an induced region, which no pair of participants can settle', () => {
  // Participants 0 to 4 hold nothing; a ring 0 -> 1 -> 2 -> 3 -> 4 -> 0 of trades of 100 in both currencies nets to
  // zero at every node, and any four of the five leave a node short. A pair's region (every trade of its two
  // participants) holds at most four of the five, the fifth fixed at 0, so it settles none; the region induced by
  // the five participants settles all five.
  const problem: LinkedProblem = {
    capacities: new Array<bigint>(10).fill(0n),
    items: [0, 1, 2, 3, 4].map((s) => trade(`t${s}`, s, (s + 1) % 5, 100n, 100n, 100n)),
    fifo: false,
  };
  const net = compileLinked(problem);
  const units = participantsOf(
    net.nodes,
    problem.items.map((it) => it.legs),
  );
  const pairs = new Uint8Array(net.m);
  exactPairs(net, units, pairs, { steps_max: 1e6, region_steps_max: 1e6 }, { steps: 0, max: 1e6 });
  assert.deepEqual([...pairs], [0, 0, 0, 0, 0], 'no pair region settles a trade of the ring');
  const sel = new Uint8Array(net.m);
  exactInduced(net, units, sel, { ...LIMITS, steps_max: 1e6 }, { steps: 0, max: 1e6 });
  assert.deepEqual([...sel], [1, 1, 1, 1, 1]);
  assert.equal(linkedViolation(net, sel), null);
  // With regions of four participants at most, the ring stays unsettled.
  const four = new Uint8Array(net.m);
  exactInduced(net, units, four, { ...LIMITS, units_max: 4, steps_max: 1e6 }, { steps: 0, max: 1e6 });
  assert.deepEqual([...four], [0, 0, 0, 0, 0]);
});

test('rules 18 settles more than rules 17 on a bench PvP gridlock (novel bipartite_pvp, run seed 7), feasibly', () => {
  const inst = novelInstances(7, 1, ['bipartite_pvp'])[0]!;
  const net = compileLinked(inst.problem);
  const weightOf = (ids: readonly string[]): Uint8Array => {
    const set = new Set(ids);
    return Uint8Array.from(inst.problem.items, (it) => (set.has(it.id) ? 1 : 0));
  };
  const r17 = weightOf(solveLinked(inst.problem, { region_induced: false }).settled);
  const r18 = weightOf(solveLinked(inst.problem).settled);
  assert.equal(linkedViolation(net, r18), null);
  assert.ok(exactWeight(net, r18) > exactWeight(net, r17), `${exactWeight(net, r18)} under 18, ${exactWeight(net, r17)} under 17`);
});
