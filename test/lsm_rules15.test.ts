// The LSM release under rules version 15 (issue 16): after rules 14's phase,
// from its result, the pairs of participants re-chosen exactly on chunks of
// their region (the items the pair's root LP moves most, 128, then 64, then
// 32 at a time; lsm_region_exact.ts's exactChunks); rules 14's choice is kept
// unless that finds strictly more.
// Checked:
//  - the gate: from rules version 15 only, on top of rules 14;
//  - rules 14 unchanged: on generated PvP, hub and wide (few accounts, many
//    payments: every pair over 128 items) gridlocks, the release under rules
//    version 14 is what the base build (023c17f, rules 14 current) released,
//    pinned as the settled weights and the settled ids' count;
//  - every rules-15 release is feasible leg by leg in bigint (independent of
//    the solver), settles whole items only, conserves money, weighs what it
//    settled, and never releases less than rules 14;
//  - a chunk pass from a weak start keeps the selection feasible exactly,
//    only gains, re-chooses at most a chunk's items of a pair, and leaves a
//    pair no larger than a chunk alone (rules 13 and 14 search it whole).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { exactWeight, linkedViolation } from '../src/clearing/lsm_linked.js';
import { lsmRules14RegionGap, lsmRules15RegionChunks } from '../src/clearing/lsm_release.js';
import { exactChunks } from '../src/clearing/lsm_region_exact.js';
import { assertPhaseNeverLess, hubRunArb, pvpRunArb, type RawRun, releaseDigest, toRunProblem, wideRunArb } from './support/lsm_runs.js';
import { compileRun, runParticipants, weakStart } from './support/lsm_start.js';

test('rules 15: the chunk phase is on from rules version 15 only, on top of rules 14', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].map((v) => lsmRules15RegionChunks(v)),
    [false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, true],
  );
  assert.equal(lsmRules14RegionGap(15), true);
});

/** Settled weight and count of every run `arb` gives under `rules`, this file's seed. */
function digest(arb: fc.Arbitrary<RawRun>, n: number, rules: number): string {
  return releaseDigest(arb, n, rules, 15);
}

// `digest(ARB, 12 or 6, 14)` under the base build (023c17f, rules 14 current).
const PVP_RULES14 = '636389/73 662370/69 315662/49 31668/20 625012/63 96811/31 701680/70 988681/97 1096307/95 85277/22 483845/76 630960/59';
const HUB_RULES14 = '568763/59 264181/25 324276/42 25385/26 241851/59 620796/62 466655/39 181990/35 396350/32 360388/38 482576/54 335145/36';
const WIDE_RULES14 = '376407/345 4277257/304 298859/369 3561388/271 3588872/270 257360/327';

test('rules 14 releases what it released before rules 15 (pinned from the base build, 023c17f)', () => {
  assert.equal(digest(pvpRunArb, 12, 14), PVP_RULES14);
  assert.equal(digest(hubRunArb, 12, 14), HUB_RULES14);
  assert.equal(digest(wideRunArb, 6, 14), WIDE_RULES14);
});

test('rules 15 releases more than rules 14 on some of the same runs (so the pins above see the phase)', () => {
  const more = (v15: string, v14: string): boolean => {
    const b = v14.split(' ');
    return v15.split(' ').some((x, i) => BigInt(x.split('/')[0]!) > BigInt(b[i]!.split('/')[0]!));
  };
  assert.ok(more(digest(wideRunArb, 6, 15), WIDE_RULES14));
});

test('rules 15: on PvP gridlocks every release is feasible, settles both legs of a trade or neither, and never less than rules 14', () => {
  const more = assertPhaseNeverLess(pvpRunArb, {}, { region_chunks: false }, { min: 20_000, max: 200_000 }, 20, 15);
  assert.ok(more > 0, 'the phase settled more on some run, so the property is not empty');
});

test('rules 15: the same on hub-and-spoke and on wide gridlocks of one-leg payments', () => {
  const hub = assertPhaseNeverLess(hubRunArb, {}, { region_chunks: false }, { min: 20_000, max: 200_000 }, 15, 15);
  const wide = assertPhaseNeverLess(wideRunArb, {}, { region_chunks: false }, { min: 200_000, max: 400_000 }, 10, 15);
  const more = hub + wide;
  assert.ok(more > 0, 'the phase settled more on some run');
});

test('rules 15: one chunk pass over two accounts from a weak start stays feasible, only gains, changes at most a chunk of items, and leaves a pair no larger than a chunk', () => {
  let changedRuns = 0;
  let oneShortChanged = 0;
  fc.assert(
    fc.property(wideRunArb, fc.constantFrom(8, 16, 32), (raw, size) => {
      // Two accounts and 40 payments: one pair, whose region is the whole run (small enough for a search to finish).
      const run = toRunProblem({
        ...raw,
        balances: raw.balances.slice(0, 2),
        headrooms: raw.headrooms.slice(0, 2),
        items: raw.items.slice(0, 40).map((it) => ({ ...it, from: it.from % 2, to: (it.from + 1) % 2 })),
      });
      const net = compileRun(run);
      const units = runParticipants(net, run);
      const weak = (): Uint8Array => weakStart(net, 3);
      const sel = weak();
      const start = sel.slice();
      const before = exactWeight(net, sel);
      const limits = { steps_max: 5_000_000, region_steps_max: 200_000, root_steps_max: 1_000_000 };
      exactChunks(net, units, sel, { ...limits, chunk_items: size }, { steps: 0, max: 1e12 }, null);
      assert.equal(linkedViolation(net, sel), null);
      assert.ok(exactWeight(net, sel) >= before);
      const moved = start.reduce((s, x, k) => s + (x === sel[k] ? 0 : 1), 0);
      assert.ok(moved <= size, `${moved} items changed, a chunk holds ${size}`);
      if (moved > 0) changedRuns++;
      const whole = weak();
      const touched = exactChunks(net, units, whole, { ...limits, chunk_items: net.m }, { steps: 0, max: 1e12 }, null);
      assert.deepEqual(whole, start, 'a pair within one chunk is left');
      assert.ok(!touched.includes(1));
      // The control: a chunk one item short of the pair is searched.
      const short = weak();
      exactChunks(net, units, short, { ...limits, chunk_items: net.m - 1 }, { steps: 0, max: 1e12 }, null);
      if (!short.every((x, k) => x === start[k])) oneShortChanged++;
    }),
    { numRuns: 20, seed: 15 },
  );
  assert.ok(changedRuns > 5, `runs a chunk changed: ${changedRuns}`);
  assert.ok(oneShortChanged > 5, `runs a chunk one short of the pair changed: ${oneShortChanged}`);
});
