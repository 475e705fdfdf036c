// The LSM release under rules version 14 (issue 16): after rules 13's phase,
// from its result, the pairs of participants once more, those whose region's
// root LP bound exceeds its present weight most first (lsm_region_exact.ts's
// gap_share); rules 13's choice is kept unless that finds strictly more.
// Checked:
//  - the gate: from rules version 14 only, on top of rules 13;
//  - rules 13 unchanged: on generated PvP and hub gridlocks, the release under
//    rules version 13 is what the base build (22e71e8, rules 13 current)
//    released, pinned as the settled weights and the settled ids' count;
//  - on generated gridlocks every rules-14 release is feasible leg by leg in
//    bigint (independent of the solver), settles whole items only, conserves
//    money, weighs what it settled, and never releases less than rules 13;
//  - the pairs re-chosen in root-gap order from a weak start keep the
//    selection feasible exactly and only gain;
//  - the root gap bounds what a region can gain: the root relaxation's value
//    is at least the region's optimum (brute force), so no pair with
//    something to gain is left out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileLinked, exactWeight, linkedViolation } from '../src/clearing/lsm_linked.js';
import { lsmRules13RegionExact, lsmRules14RegionGap } from '../src/clearing/lsm_release.js';
import { exactRegions, participantsOf, regionWeight, rootGap } from '../src/clearing/lsm_region_exact.js';
import { bruteForce, regionArb } from './support/lsm_regions.js';
import { assertPhaseNeverLess, hubRunArb, pvpRunArb, type RawRun, releaseDigest, toRunProblem } from './support/lsm_runs.js';

test('rules 14: the root-gap phase is on from rules version 14 only, on top of rules 13', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((v) => lsmRules14RegionGap(v)),
    [false, false, false, false, false, false, false, false, false, false, false, false, false, true, true],
  );
  assert.equal(lsmRules13RegionExact(14), true);
});

/** Settled weight and count of every run `arb` gives under `rules`, this file's seed. */
function digest(arb: fc.Arbitrary<RawRun>, n: number, rules: number): string {
  return releaseDigest(arb, n, rules, 14);
}

// `digest(pvpRunArb, 12, 13)` and `digest(hubRunArb, 12, 13)` under the base build (22e71e8, rules 13 current).
const PVP_RULES13 = '353708/45 225887/39 383997/55 648962/70 731754/78 299226/64 186/13 207/26 771982/99 819264/81 288245/26 968629/98';
const HUB_RULES13 = '128290/31 540494/54 276842/38 28956/18 251641/35 187381/36 674446/65 112908/32 500622/63 364772/38 466052/44 468005/50';

test('rules 13 releases what it released before rules 14 (pinned from the base build, 22e71e8)', () => {
  assert.equal(digest(pvpRunArb, 12, 13), PVP_RULES13);
  assert.equal(digest(hubRunArb, 12, 13), HUB_RULES13);
});

test('rules 14 releases more than rules 13 on some of the same runs (so the pins above see the phase)', () => {
  const more = (v14: string, v13: string): boolean => {
    const b = v13.split(' ');
    return v14.split(' ').some((x, i) => BigInt(x.split('/')[0]!) > BigInt(b[i]!.split('/')[0]!));
  };
  assert.ok(more(digest(pvpRunArb, 12, 14), PVP_RULES13) || more(digest(hubRunArb, 12, 14), HUB_RULES13));
});

test('rules 14: on PvP gridlocks every release is feasible, settles both legs of a trade or neither, and never less than rules 13', () => {
  const more = assertPhaseNeverLess(pvpRunArb, {}, { region_gap: false }, { min: 20_000, max: 200_000 }, 25, 14);
  assert.ok(more > 0, 'the phase settled more on some run, so the property is not empty');
});

test('rules 14: the same on hub-and-spoke gridlocks of one-leg payments', () => {
  const more = assertPhaseNeverLess(hubRunArb, {}, { region_gap: false }, { min: 20_000, max: 200_000 }, 15, 14);
  assert.ok(more > 0, 'the phase settled more on some run');
});

test('rules 14: pairs in root-gap order from a weak start (greedy by queue order): the selection stays feasible exactly and only gains', () => {
  let changed = 0;
  fc.assert(
    fc.property(fc.oneof(pvpRunArb, hubRunArb), fc.constantFrom(0.05, 0.3, 1), (raw, share) => {
      const run = toRunProblem(raw);
      const net = compileLinked({ capacities: run.nodes.map((n) => n.balance + n.headroom), items: run.items, fifo: false });
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
      changed += exactRegions(net, units, sel, { steps_max: 20_000_000, region_steps_max: 200_000, gap_share: share }, { steps: 0, max: 1e12 });
      assert.equal(linkedViolation(net, sel), null);
      assert.ok(exactWeight(net, sel) >= before);
    }),
    { numRuns: 12, seed: 14 },
  );
  assert.ok(changed > 12, `regions changed ${changed} times`);
});

test("rules 14: a region's root gap is at least what its best choice gains over the start (brute force)", () => {
  let gaining = 0;
  fc.assert(
    fc.property(regionArb, (r) => {
      const { best, first } = bruteForce(r);
      if (first === null) return;
      const gap = rootGap(r, first, { steps: 0, max: 1e9 });
      const gain = Number(best - regionWeight(r, first));
      assert.ok(gap >= gain - 1e-6 * Math.max(1, gain), `root gap ${gap}, the optimum gains ${gain}`);
      if (gain >= 1) gaining++;
    }),
    { numRuns: 400, seed: 14 },
  );
  assert.ok(gaining > 50, `regions with a gain: ${gaining}`);
});
