// The LSM release under rules version 21 (issue 16, stop 51): after rules 20's
// phase, on runs of payments only (one leg each) with more than 20
// participants, pairs of participants in rounds and then regions induced by
// sets of participants grown around each unsettled payment are re-chosen
// exactly; rules 20's choice is kept unless that finds strictly more. Checked:
//  - the gate: from rules version 21 only (RULES_VERSION_WIDE_REGIONS), on
//    top of rules 20;
//  - rules 20 unchanged: on generated runs of 24-40 accounts, the release
//    under rules version 20 is what the base build (64ed8e1, rules 20
//    current) released, pinned as the settled weights and the settled ids'
//    count; under 21 no run settles less;
//  - every rules-21 release on those runs is feasible account by account in
//    bigint (independent of the solver), conserves money, weighs what it
//    settled, and never releases less than rules 20 (fast-check);
//  - on the bench's held-out wide (run seed 42, the instance rules 20 did
//    worst on: 300 participants, 6,000 payments), rules 21 settles strictly
//    more than rules 20.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { familyInstances } from '../src/bench/gridlock_families.js';
import { compileLinked, exactWeight, linkedViolation, solveLinked } from '../src/clearing/lsm_linked.js';
import { lsmRules20RegionTriples, lsmRules21WideRegions, RULES_VERSION_WIDE_REGIONS } from '../src/clearing/lsm_release.js';
import { assertPhaseNeverLess, type RawRun, releaseDigest, runsSettlingMore } from './support/lsm_runs.js';

/**
 * Wide payment gridlocks: 24-40 accounts (more than rules 20's 20 participants), 300-500 payments of one leg,
 * heavy-tailed amounts (200 to ~100,000), most accounts holding nothing, a few a little credit.
 */
const manyRunArb: fc.Arbitrary<RawRun> = fc.integer({ min: 24, max: 40 }).chain((n) =>
  fc.record({
    balances: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 20_000 })), { minLength: n, maxLength: n }),
    headrooms: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 10_000 })), { minLength: n, maxLength: n }),
    items: fc.array(
      fc
        .record({ from: fc.integer({ min: 0, max: n - 1 }), d: fc.integer({ min: 1, max: n - 1 }), u: fc.integer({ min: 0, max: 1_000 }) })
        .map(({ from, d, u }) => ({ from, to: (from + d) % n, amount: Math.floor(200 / ((u + 1) / 1001) ** 0.9), second: null })),
      { minLength: 300, maxLength: 500 },
    ),
  }),
);

test('rules 21: the wide regions are on from rules version 21 only, on top of rules 20', () => {
  assert.equal(RULES_VERSION_WIDE_REGIONS, 21);
  const versions = Array.from({ length: 22 }, (_, i) => i + 1);
  assert.deepEqual(
    versions.map((v) => lsmRules21WideRegions(v)),
    versions.map((v) => v >= 21),
  );
  assert.equal(lsmRules20RegionTriples(21), true);
});

// releaseDigest(manyRunArb, 8, 20, 21) under the base build (64ed8e1, rules 20 current).
const MANY_RULES20 = '180760/321 255572/374 258650/324 959556/181 218087/310 192658/302 250114/372 245013/303';

test('rules 20 releases what it released before rules 21 (pinned from the base build, 64ed8e1), and rules 21 never less', () => {
  const r20 = releaseDigest(manyRunArb, 8, 20, 21);
  assert.equal(r20, MANY_RULES20);
  runsSettlingMore(releaseDigest(manyRunArb, 8, 21, 21), r20, { later: '21', earlier: '20' });
});

test('rules 21: on wide payment gridlocks every release is feasible, settles whole items, and never less than rules 20', () => {
  const more = assertPhaseNeverLess(manyRunArb, {}, { wide_regions: false }, { min: 50_000, max: 200_000 }, 12, 21);
  assert.ok(more > 0, 'the wide regions settle more on some run');
});

test('rules 21 on held-out wide (run seed 42): more than rules 20 on the instance rules 20 did worst on', () => {
  const inst = familyInstances('held_out', 42, 3, ['wide']).find((i) => i.seed === 3217412104)!;
  const net = compileLinked(inst.problem);
  const weigh = (options: Parameters<typeof solveLinked>[1]): bigint => {
    const set = new Set(solveLinked(inst.problem, options).settled);
    const sel = Uint8Array.from(inst.problem.items, (it) => (set.has(it.id) ? 1 : 0));
    assert.equal(linkedViolation(net, sel), null);
    return exactWeight(net, sel);
  };
  // Rules 20: 20,555,829, 0.9332 of HiGHS's 60 s incumbent 22,026,600 (scripts/lsm_wide_gap.mjs).
  const w20 = weigh({ wide_regions: false });
  const w21 = weigh({});
  assert.equal(w20, 20_555_829n);
  assert.ok(w21 > w20, `${w21} under 21, ${w20} under 20`);
});
