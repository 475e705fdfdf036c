// The LSM release under rules version 12 (issue 16): after rules 11's search,
// where rules 8's dive on the LP relaxation ran out of work, a second
// relaxation and dive from rules 11's choice, the dive fixing at 1 before each
// pick every item its point settles whole, and rules 8-11's phases on its
// points; rules 11's choice is kept unless that finds strictly more. Checked:
//  - the gate: from rules version 12 only;
//  - rules 11 unchanged: on generated PvP and hub gridlocks, the release under
//    rules version 11 is what the base build (809266e, rules 11 current)
//    released, pinned as the settled weights and the settled ids' count;
//  - on generated gridlocks (fast-check; scarce or no liquidity, PvP trades of
//    two legs, hub-and-spoke) every rules-12 release is feasible (bigint,
//    independent of the solver), stays within each account's balance plus
//    credit, conserves money, settles whole items only (both legs or neither),
//    weighs what it settled, and never releases less than rules 11;
//  - the keep-whole dive itself: every item its point settles whole stays
//    whole, whatever the work it is given (rules 8's plain dive does not);
//  - pinned, through the release's solver (solveRunProblem) under rules 11 and
//    12: the bench's worst unseen pvp_legs instance, where rules 11 releases
//    2,508,234 as the base build did and rules 12 strictly more (2,626,232).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { unseenInstances } from '../src/bench/gridlock_unseen.js';
import { compileLinked, type LinkedProblem, linkedViolation } from '../src/clearing/lsm_linked.js';
import { BoundedLp, lpDive } from '../src/clearing/lsm_lp.js';
import { type LsmRunProblem, lsmRules11LpSplit, lsmRules12DiveKeepsWhole, solveRunProblem } from '../src/clearing/lsm_release.js';
import { assertNeverLessThan, assertPhaseNeverLess, endRoom, hubRunArb, pvpRunArb, type RawRun, releaseDigest, toRunProblem } from './support/lsm_runs.js';

test('rules 12: the second dive is on from rules version 12 only, on top of rules 11', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((v) => lsmRules12DiveKeepsWhole(v)),
    [false, false, false, false, false, false, false, false, false, false, false, true, true],
  );
  assert.equal(lsmRules11LpSplit(12), true);
});

/** Settled weight and count of every run `arb` gives under `rules`, this file's seed. */
function digest(arb: fc.Arbitrary<RawRun>, n: number, rules: number): string {
  return releaseDigest(arb, n, rules, 12);
}

test('rules 11 releases what it released before rules 12 (pinned from the base build, 809266e)', () => {
  assert.equal(digest(pvpRunArb, 12, 11), PVP_RULES11);
  assert.equal(digest(hubRunArb, 12, 11), HUB_RULES11);
});

/** Small work budgets, so that rules 8's dive runs out of work and rules 12's phase runs (at the release's budget the dive finishes on runs this small). */
const SMALL_BUDGETS = { min: 2_000, max: 60_000 };

test('rules 12: on PvP gridlocks every release is feasible, settles both legs of a trade or neither, and never less than rules 11', () => {
  const more = assertPhaseNeverLess(pvpRunArb, { region_exact: false }, { dive_keep_whole: false, region_exact: false }, SMALL_BUDGETS, 30, 12);
  assert.ok(more > 0, 'the phase settled more on some run, so the property is not empty');
});

test('rules 12: the same on hub-and-spoke gridlocks of 70-160 payments', () => {
  assertPhaseNeverLess(hubRunArb, { region_exact: false }, { dive_keep_whole: false, region_exact: false }, SMALL_BUDGETS, 20, 12);
});

test('rules 12: at the release budget (solveRunProblem), every release is feasible and never less than rules 11', () => {
  assertNeverLessThan(11, 12, pvpRunArb, 6);
});

test('rules 12: the keep-whole dive keeps every item its point settled whole (the plain dive does not)', () => {
  fc.assert(
    fc.property(fc.oneof(pvpRunArb, hubRunArb), fc.integer({ min: 2_000, max: 400_000 }), (raw, steps) => {
      const problem = toRunProblem(raw);
      const net = compileLinked({ capacities: problem.nodes.map((n) => n.balance + n.headroom), items: problem.items, fifo: false });
      const lp = new BoundedLp(net, net.capF, new Uint8Array(net.m));
      const work = { steps: 0, max: 1e9 };
      if (!lp.optimise(work)) return;
      const whole = Array.from({ length: net.m }, (_, k) => lp.x(k) >= 1 - 1e-9);
      lpDive(lp, net.m, { steps: 0, max: steps }, true);
      for (let k = 0; k < net.m; k++) if (whole[k]) assert.ok(lp.x(k) >= 1 - 1e-9, `item ${k} was whole and is ${lp.x(k)}`);
    }),
    { numRuns: 30, seed: 12 },
  );
});

/** A bench gridlock as a run problem: each node's capacity its balance, no credit; the items as they are. */
function asRun(problem: LinkedProblem): LsmRunProblem {
  const nodes = problem.capacities.map((c, i) => ({ participant: `p${i}`, currency: 'CNY', balance: c, headroom: 0n }));
  return { currencies: ['CNY'], nodes, items: problem.items, payments: [], fifo: problem.fifo, weight_unit: 'minor' };
}

test('rules 12: the bench worst unseen pvp_legs gridlock, where rules 11 kept less; rules 11 releases there what it released before', () => {
  const inst = unseenInstances(42, 1, ['pvp_legs'])[0]!;
  assert.equal(inst.seed, 1344711666);
  const run = asRun(inst.problem);
  // What the base build (809266e, rules 11 current) released, and the bench's figure for it.
  const v11 = solveRunProblem(run, 0, undefined, 11);
  const v12 = solveRunProblem(run, 0, undefined, 12);
  assert.equal(v11.settled_weight, 2_508_234n);
  assert.ok(v12.settled_weight > v11.settled_weight, `rules 12 settled ${v12.settled_weight}, rules 11 ${v11.settled_weight}`);
  assert.equal(v12.settled_weight, 2_626_232n);
  const chosen = new Set(v12.settled);
  assert.equal(
    linkedViolation(
      compileLinked(inst.problem),
      Uint8Array.from(inst.problem.items, (it) => (chosen.has(it.id) ? 1 : 0)),
    ),
    null,
  );
  for (const [n, r] of endRoom(run, chosen).entries()) assert.ok(r >= 0n, `node ${n} ends ${r} below its balance`);
});

// `digest(pvpRunArb, 12, 11)` and `digest(hubRunArb, 12, 11)` under the base build (809266e, rules 11 current).
const PVP_RULES11 = '188487/40 151283/20 877762/113 587029/61 33/5 33891/16 23270/37 688/20 117339/43 332795/47 412598/51 1218469/116';
const HUB_RULES11 = '283345/32 349992/38 309075/35 261580/28 800681/72 34809/5 384726/35 367192/47 591651/53 346306/35 569791/63 419388/47';
