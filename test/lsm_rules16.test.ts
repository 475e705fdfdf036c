// The LSM release under rules version 16 (issue 16): after rules 15's phase,
// on runs with a two-leg item (PvP trades), every pair of participants
// re-chosen exactly again from rules 12's choice, in participant order, by
// rules 13's branch and bound with reduced-cost fixing at its nodes
// (lsm_region_exact.ts's exactPairs); rules 15's choice is kept unless that
// finds strictly more.
// Checked:
//  - the gate: from rules version 16 only, on top of rules 15;
//  - rules 15 unchanged: on generated PvP, hub and gridlock runs, the release
//    under rules version 15 is what the base build (76fc044, rules 15
//    current) released, pinned as the settled weights and the settled ids'
//    count; runs of one-leg payments release under 16 what they did under 15;
//  - every rules-16 release is feasible leg by leg in bigint (independent of
//    the solver), settles whole items only, conserves money, weighs what it
//    settled, and never releases less than rules 15;
//  - the search with reduced-cost fixing is exact: over two participants (one
//    pair, whose region is the run), from a weak start, exactPairs reaches
//    the optimum found by enumerating every choice.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type compileLinked, exactWeight, linkedViolation } from '../src/clearing/lsm_linked.js';
import { lsmRules15RegionChunks, lsmRules16RegionPairs } from '../src/clearing/lsm_release.js';
import { exactPairs } from '../src/clearing/lsm_region_exact.js';
import { assertPhaseNeverLess, gridlockRunArb, hubRunArb, pvpRunArb, type RawRun, releaseDigest, toRunProblem } from './support/lsm_runs.js';
import { compileRun, runParticipants, weakStart } from './support/lsm_start.js';

test('rules 16: the pair phase is on from rules version 16 only, on top of rules 15', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17].map((v) => lsmRules16RegionPairs(v)),
    [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, true],
  );
  assert.equal(lsmRules15RegionChunks(16), true);
});

/** Settled weight and count of every run `arb` gives under `rules`, this file's seed. */
function digest(arb: fc.Arbitrary<RawRun>, n: number, rules: number): string {
  return releaseDigest(arb, n, rules, 16);
}

// `digest(ARB, 12, 15)` under the base build (76fc044, rules 15 current).
const PVP_RULES15 = '137/15 586001/75 163313/54 2267/20 168479/38 766518/78 48822/14 125645/12 0/0 994540/92 1130870/122 200031/23';
const HUB_RULES15 = '68207/28 427378/37 405965/41 267732/27 740769/75 188417/19 37673/16 93057/15 687/12 268539/28 420482/57 426717/47';
const GRID_RULES15 = '0/0 0/0 40021/4 0/0 19/4 308709/35 9953/3 11/2 12/1 176/1 310926/30 140355/14';

test('rules 15 releases what it released before rules 16 (pinned from the base build, 76fc044)', () => {
  assert.equal(digest(pvpRunArb, 12, 15), PVP_RULES15);
  assert.equal(digest(hubRunArb, 12, 15), HUB_RULES15);
  assert.equal(digest(gridlockRunArb, 12, 15), GRID_RULES15);
});

test('rules 16 releases what rules 15 did on runs of one-leg payments, and more on some PvP runs', () => {
  assert.equal(digest(hubRunArb, 12, 16), HUB_RULES15);
  assert.equal(digest(gridlockRunArb, 12, 16), GRID_RULES15);
  const b = PVP_RULES15.split(' ');
  const v16 = digest(pvpRunArb, 12, 16).split(' ');
  assert.ok(
    v16.some((x, i) => BigInt(x.split('/')[0]!) > BigInt(b[i]!.split('/')[0]!)),
    'the phase settled more on some pinned run',
  );
});

test('rules 16: on PvP gridlocks every release is feasible, settles both legs of a trade or neither, and never less than rules 15', () => {
  const more = assertPhaseNeverLess(pvpRunArb, {}, { region_pairs: false }, { min: 20_000, max: 200_000 }, 25, 16);
  assert.ok(more > 0, 'the phase settled more on some run, so the property is not empty');
});

/** The heaviest feasible choice of a small run, by enumerating every subset. */
function bruteForce(net: ReturnType<typeof compileLinked>): bigint {
  let best = 0n;
  const sel = new Uint8Array(net.m);
  for (let mask = 0; mask < 1 << net.m; mask++) {
    for (let k = 0; k < net.m; k++) sel[k] = (mask >> k) & 1;
    if (linkedViolation(net, sel) !== null) continue;
    const w = exactWeight(net, sel);
    if (w > best) best = w;
  }
  return best;
}

test('rules 16: exactPairs over one pair from a weak start stays feasible and reaches the enumerated optimum', () => {
  let gained = 0;
  fc.assert(
    fc.property(pvpRunArb, (raw) => {
      // Two PvP counterparties: their four accounts are one pair of participants, whose region is the whole run.
      const run = toRunProblem({
        ...raw,
        balances: raw.balances.slice(0, 4),
        headrooms: raw.headrooms.slice(0, 4),
        items: raw.items.slice(0, 12).map((it) => {
          const s = Math.floor(it.from / 2) % 2;
          const t = 1 - s;
          return { ...it, from: 2 * s, to: 2 * t, second: { from: 2 * t + 1, to: 2 * s + 1, amount: it.second!.amount } };
        }),
      });
      const net = compileRun(run);
      const units = runParticipants(net, run);
      const sel = weakStart(net, 3);
      const before = exactWeight(net, sel);
      exactPairs(net, units, sel, { steps_max: 1e10, region_steps_max: 1e10 }, { steps: 0, max: 1e12 });
      assert.equal(linkedViolation(net, sel), null);
      const after = exactWeight(net, sel);
      assert.ok(after >= before);
      assert.equal(after, bruteForce(net), 'the search finished, so its choice is the optimum');
      if (after > before) gained++;
    }),
    { numRuns: 30, seed: 16 },
  );
  assert.ok(gained > 5, `runs the search improved: ${gained}`);
});
