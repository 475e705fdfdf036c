// The LSM release under rules version 13 (issue 16): after rules 12's search,
// pairs of participants have their items re-chosen exactly with the rest fixed,
// by a branch and bound bounded by the region's own LP relaxation
// (lsm_region_exact.ts); rules 12's choice is kept unless that finds strictly
// more. Checked:
//  - the gate: from rules version 13 only;
//  - rules 12 unchanged: on generated PvP and hub gridlocks, the release under
//    rules version 12 is what the base build (5cb7ff0, rules 12 current)
//    released, pinned as the settled weights and the settled ids' count; and
//    solveLinked with region_exact off is rules 12's solver;
//  - on generated gridlocks (fast-check; PvP trades of two legs, hub-and-spoke
//    payments of one leg) every rules-13 release is feasible leg by leg in
//    bigint (independent of the solver), settles whole items only, conserves
//    money, weighs what it settled, and never releases less than rules 12;
//  - the region's branch and bound equals brute force on small random regions
//    (at most 14 items; rooms below 0 the items must cover; effects of both
//    signs), and proves it (complete).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileLinked, exactWeight, linkedViolation } from '../src/clearing/lsm_linked.js';
import { lsmRules12DiveKeepsWhole, lsmRules13RegionExact } from '../src/clearing/lsm_release.js';
import { exactRegions, participantsOf, regionBranchAndBound, regionFeasible, regionWeight } from '../src/clearing/lsm_region_exact.js';
import { bruteForce, regionArb } from './support/lsm_regions.js';
import { assertPhaseNeverLess, hubRunArb, pvpRunArb, type RawRun, releaseDigest, toRunProblem } from './support/lsm_runs.js';

test('rules 13: the region phase is on from rules version 13 only, on top of rules 12', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((v) => lsmRules13RegionExact(v)),
    [false, false, false, false, false, false, false, false, false, false, false, false, true, true],
  );
  assert.equal(lsmRules12DiveKeepsWhole(13), true);
});

/** Settled weight and count of every run `arb` gives under `rules`, this file's seed. */
function digest(arb: fc.Arbitrary<RawRun>, n: number, rules: number): string {
  return releaseDigest(arb, n, rules, 13);
}

// `digest(pvpRunArb, 12, 12)` and `digest(hubRunArb, 12, 12)` under the base build (5cb7ff0, rules 12 current).
const PVP_RULES12 = '174409/26 53/8 578/19 1091045/105 548474/65 225480/35 272795/48 119/14 22915/4 222067/32 841053/84 675068/83';
const HUB_RULES12 = '121654/22 398537/43 572288/60 237410/28 40119/20 194579/42 293941/45 491956/61 214004/23 377957/48 427786/48 692382/75';

test('rules 12 releases what it released before rules 13 (pinned from the base build, 5cb7ff0)', () => {
  assert.equal(digest(pvpRunArb, 12, 12), PVP_RULES12);
  assert.equal(digest(hubRunArb, 12, 12), HUB_RULES12);
});

test('rules 13 releases more than rules 12 on some of the same runs (so the pins above see the phase)', () => {
  const v13 = digest(pvpRunArb, 12, 13).split(' ');
  const v12 = PVP_RULES12.split(' ');
  assert.ok(
    v13.some((x, i) => BigInt(x.split('/')[0]!) > BigInt(v12[i]!.split('/')[0]!)),
    v13.join(' '),
  );
});

test('rules 13: on PvP gridlocks every release is feasible, settles both legs of a trade or neither, and never less than rules 12', () => {
  const more = assertPhaseNeverLess(pvpRunArb, {}, { region_exact: false }, { min: 20_000, max: 200_000 }, 25, 13);
  assert.ok(more > 0, 'the phase settled more on some run, so the property is not empty');
});

test('rules 13: the same on hub-and-spoke gridlocks of one-leg payments', () => {
  const more = assertPhaseNeverLess(hubRunArb, {}, { region_exact: false }, { min: 20_000, max: 200_000 }, 15, 13);
  assert.ok(more > 0, 'the phase settled more on some run');
});

test('rules 13: region after region from a weak start (greedy by queue order), the selection stays feasible exactly and only gains', () => {
  let changed = 0;
  fc.assert(
    fc.property(fc.oneof(pvpRunArb, hubRunArb), (raw) => {
      const run = toRunProblem(raw);
      const net = compileLinked({ capacities: run.nodes.map((n) => n.balance + n.headroom), items: run.items, fifo: false });
      // A start many regions can improve on: items in queue order, each kept where it fits.
      const sel = new Uint8Array(net.m);
      for (let k = 0; k < net.m; k++) {
        sel[k] = 1;
        if (linkedViolation(net, sel) !== null) sel[k] = 0;
      }
      const before = exactWeight(net, sel);
      const units = participantsOf(
        net.nodes,
        run.items.map((it) => it.legs),
      );
      changed += exactRegions(net, units, sel, { steps_max: 20_000_000, region_steps_max: 200_000 }, { steps: 0, max: 1e12 });
      assert.equal(linkedViolation(net, sel), null);
      assert.ok(exactWeight(net, sel) >= before);
    }),
    { numRuns: 12, seed: 13 },
  );
  assert.ok(changed > 12, `regions changed ${changed} times`);
});

test("rules 13: the region's branch and bound equals brute force on small regions, and proves it", () => {
  let improved = 0;
  fc.assert(
    fc.property(regionArb, (r) => {
      const { best, first } = bruteForce(r);
      if (first === null) return;
      const out = regionBranchAndBound(r, first, { steps: 0, max: 1e9 });
      assert.equal(out.complete, true, 'the search finished');
      const got = out.best === null ? regionWeight(r, first) : regionWeight(r, out.best);
      if (out.best !== null) {
        assert.ok(regionFeasible(r, out.best), 'its choice keeps every room >= 0');
        assert.ok(regionWeight(r, out.best) > regionWeight(r, first), 'a returned choice is strictly heavier than the start');
        improved++;
      }
      assert.equal(got, best);
    }),
    { numRuns: 400, seed: 13 },
  );
  assert.ok(improved > 50, `the search improved on the start ${improved} times`);
});

test('rules 13: participants are the nodes a PvP trade joins (the first leg payer with the second leg payee)', () => {
  // Nodes 0/1: participant A's two accounts; 2/3: B's; 4: C's one account (one-leg payments only).
  const units = participantsOf(5, [
    [
      { from: 0, to: 2 },
      { from: 3, to: 1 },
    ],
    [{ from: 4, to: 0 }],
  ]);
  assert.deepEqual([...units], [0, 0, 1, 1, 2]);
});
