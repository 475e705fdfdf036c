// The LSM release under rules version 17 (issue 16): after rules 16's phase,
// on runs with a two-leg item (PvP trades), every pair of participants
// re-chosen exactly again from rules 16's choice, in the rounds of a round
// robin (lsm_region_exact.ts's inRounds), then a swap search over the run
// (lsm_swap.ts); rules 16's choice is kept unless that finds strictly more.
// Checked:
//  - the gate: from rules version 17 only, on top of rules 16;
//  - rules 16 unchanged: on generated PvP, hub and gridlock runs, the release
//    under rules version 16 is what the base build (634bfce, rules 16
//    current) released, pinned as the settled weights and the settled ids'
//    count; runs of one-leg payments release under 17 what they did under 16;
//  - every rules-17 release is feasible leg by leg in bigint (independent of
//    the solver), settles whole items only, conserves money, weighs what it
//    settled, and never releases less than rules 16;
//  - inRounds orders every pair once, each round meeting every participant once;
//  - swapSearch stays feasible, gains what it says, and finds a one-for-one and
//    a two-for-one swap.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileLinked, exactWeight, type LinkedProblem, linkedViolation } from '../src/clearing/lsm_linked.js';
import { lsmRules16RegionPairs, lsmRules17RegionRounds } from '../src/clearing/lsm_release.js';
import { inRounds } from '../src/clearing/lsm_region_exact.js';
import { swapSearch } from '../src/clearing/lsm_swap.js';
import { assertPhaseNeverLess, gridlockRunArb, hubRunArb, pvpRunArb, type RawRun, releaseDigest, runsSettlingMore, toRunProblem } from './support/lsm_runs.js';
import { compileRun, weakStart } from './support/lsm_start.js';

test('rules 17: the rounds phase is on from rules version 17 only, on top of rules 16', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map((v) => lsmRules17RegionRounds(v)),
    [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, true],
  );
  assert.equal(lsmRules16RegionPairs(17), true);
});

/** Settled weight and count of every run `arb` gives under `rules`, this file's seed. */
function digest(arb: fc.Arbitrary<RawRun>, n: number, rules: number): string {
  return releaseDigest(arb, n, rules, 17);
}

// `digest(ARB, 12, 16)` under the base build (634bfce, rules 16 current).
const PVP_RULES16 = '1004458/103 374264/50 447053/67 94525/26 730646/75 693351/64 555031/65 98/16 735089/64 1108002/117 241243/26 1027797/109';
const HUB_RULES16 = '224153/23 433011/53 77739/18 230623/29 144406/17 278818/39 189181/25 774802/78 280517/33 299967/36 426928/47 473547/58';
const GRID_RULES16 = '7/1 128404/19 0/0 0/0 197128/17 0/0 178528/15 0/0 138645/15 1205/3 1522/1 0/0';

test('rules 16 releases what it released before rules 17 (pinned from the base build, 634bfce)', () => {
  assert.equal(digest(pvpRunArb, 12, 16), PVP_RULES16);
  assert.equal(digest(hubRunArb, 12, 16), HUB_RULES16);
  assert.equal(digest(gridlockRunArb, 12, 16), GRID_RULES16);
});

test('rules 17 releases what rules 16 did on runs of one-leg payments, and more on some PvP runs', () => {
  assert.equal(digest(hubRunArb, 12, 17), HUB_RULES16);
  assert.equal(digest(gridlockRunArb, 12, 17), GRID_RULES16);
  const more = runsSettlingMore(digest(pvpRunArb, 12, 17), PVP_RULES16, { later: '17', earlier: '16' });
  assert.ok(more > 0, 'the phase settled more on some pinned run');
});

test('rules 17: on PvP gridlocks every release is feasible, settles both legs of a trade or neither, and never less than rules 16', () => {
  const more = assertPhaseNeverLess(pvpRunArb, {}, { region_rounds: false }, { min: 20_000, max: 200_000 }, 25, 17);
  assert.ok(more > 0, 'the phase settled more on some run, so the property is not empty');
});

test('rules 17: inRounds orders every pair once, and each round meets every participant once', () => {
  for (const count of [2, 3, 7, 8, 40]) {
    const pairs: [number, number][] = [];
    for (let a = 0; a < count; a++) for (let b = a + 1; b < count; b++) pairs.push([a, b]);
    const out = inRounds(pairs, count);
    assert.equal(out.length, pairs.length, `${count} participants: every pair`);
    assert.equal(new Set(out.map(([a, b]) => a * count + b)).size, pairs.length, `${count} participants: each pair once`);
    for (const [a, b] of out) assert.ok(a < b && b < count);
    // Rounds of floor(count / 2) pairs: in each, no participant twice.
    const per = Math.floor(count / 2);
    for (let r = 0; r + per <= out.length; r += per) {
      const seen = new Set(out.slice(r, r + per).flat());
      assert.equal(seen.size, 2 * per, `${count} participants: round at ${r} meets each once`);
    }
  }
  // Pairs left out of the input stay out; the order of the rest is the rounds'.
  assert.deepEqual(
    inRounds(
      [
        [0, 1],
        [2, 3],
        [0, 2],
      ],
      4,
    ),
    [
      [0, 1],
      [2, 3],
      [0, 2],
    ],
  );
});

/** A one-leg item. */
function pay(id: string, from: number, to: number, amount: bigint, weight: bigint): LinkedProblem['items'][number] {
  return { id, legs: [{ from, to, amount }], weight, urgent: false };
}

test('rules 17: swapSearch swaps an unsettled item in for one lighter item, or for two lighter together', () => {
  // Node 0 holds 100: a (100, weight 90) settled; b (100, weight 95) fits only in a's place.
  const one = compileLinked({
    capacities: [100n, 0n, 0n],
    items: [pay('a', 0, 1, 100n, 90n), pay('b', 0, 2, 100n, 95n)],
    fifo: false,
  });
  const sel1 = Uint8Array.from([1, 0]);
  assert.equal(swapSearch(one, sel1, { steps: 0, max: 1e6 }), 5n);
  assert.deepEqual([...sel1], [0, 1]);
  // Two of 50 (weights 40 and 45) settled; c (100, weight 90) only in both's place; not for weight 85.
  for (const [wc, gain] of [
    [90n, 5n],
    [85n, 0n],
  ] as const) {
    const two = compileLinked({
      capacities: [100n, 0n, 0n],
      items: [pay('a', 0, 1, 50n, 40n), pay('b', 0, 1, 50n, 45n), pay('c', 0, 2, 100n, wc)],
      fifo: false,
    });
    const sel2 = Uint8Array.from([1, 1, 0]);
    assert.equal(swapSearch(two, sel2, { steps: 0, max: 1e6 }), gain);
    assert.deepEqual([...sel2], gain > 0n ? [0, 0, 1] : [1, 1, 0]);
  }
});

test('rules 17: swapSearch from any feasible start stays feasible and gains exactly what it says', () => {
  let gained = 0;
  fc.assert(
    fc.property(pvpRunArb, fc.integer({ min: 1, max: 5 }), (raw, every) => {
      const run = toRunProblem(raw);
      const net = compileRun(run);
      const sel = weakStart(net, every);
      const before = exactWeight(net, sel);
      const gain = swapSearch(net, sel, { steps: 0, max: 1e7 });
      assert.equal(linkedViolation(net, sel), null);
      assert.equal(exactWeight(net, sel), before + gain);
      assert.ok(gain >= 0n);
      if (gain > 0n) gained++;
    }),
    { numRuns: 40, seed: 17 },
  );
  assert.ok(gained > 5, `runs the search improved: ${gained}`);
});
