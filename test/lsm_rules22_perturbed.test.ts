// The LSM release under rules version 22 on small runs (issue 16, stop 52): after rules 21's triple restart, on the
// same runs (at most 20 participants and 256 items, not FIFO), the triple search restarted from rules 21's choice on
// weights perturbed by a fixed seed, each other local optimum's differences re-chosen exactly under the true
// weights; rules 21's choice is kept unless that finds strictly more. Checked:
//  - the gate: from rules version 22 only;
//  - rules 21 unchanged: on generated PvP, hub and gridlock runs, the release under rules version 21 is what the
//    base build (b76ea09, rules 21 current) released, pinned as the settled weights and the settled ids' count;
//    under 22 no run settles less;
//  - every rules-22 release on small random gridlocks and hub runs is feasible leg by leg in bigint, settles whole
//    items only, conserves money, and never releases less than rules 21 (fast-check);
//  - perturbedTripleRestarts alone: feasible, never lighter than its start, the same output for the same input;
//    perturbedWeights: integers within the per mille band, at least 1.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileLinked, exactWeight, linkedViolation } from '../src/clearing/lsm_linked.js';
import { Rng } from '../src/clearing/lsm.js';
import { perturbedTripleRestarts, perturbedWeights } from '../src/clearing/lsm_perturbed_triples.js';
import { participantsOf } from '../src/clearing/lsm_region_exact.js';
import { lsmRules21TripleRestart, lsmRules22PerturbedRestarts } from '../src/clearing/lsm_release.js';
import { solveLinked } from '../src/clearing/lsm_linked.js';
import { assertPhaseNeverLess, gridlockRunArb, hubRunArb, pvpRunArb, releaseDigest, runsSettlingMore, toRunProblem } from './support/lsm_runs.js';

test('rules 22 (small runs): the perturbed restarts are on from rules version 22 only, on top of rules 21', () => {
  const versions = Array.from({ length: 23 }, (_, i) => i + 1);
  assert.deepEqual(
    versions.map((v) => lsmRules22PerturbedRestarts(v)),
    versions.map((v) => v >= 22),
  );
  assert.equal(lsmRules21TripleRestart(22), true);
});

// releaseDigest(ARB, 6, 21, 22) under the base build (b76ea09, rules 21 current).
const PVP_RULES21 = '864356/88 401156/82 568053/53 19/3 1366/1 0/0';
const HUB_RULES21 = '773222/71 478769/51 25614/17 242813/25 68/10 749916/78';
const GRID_RULES21 = '40006/5 202914/28 0/0 302776/29 0/0 0/0';

test('rules 21 releases what it released before rules 22 (pinned from the base build, b76ea09)', () => {
  assert.equal(releaseDigest(pvpRunArb, 6, 21, 22), PVP_RULES21);
  assert.equal(releaseDigest(hubRunArb, 6, 21, 22), HUB_RULES21);
  assert.equal(releaseDigest(gridlockRunArb, 6, 21, 22), GRID_RULES21);
});

test('rules 22 never releases less than rules 21 on those runs', () => {
  runsSettlingMore(releaseDigest(pvpRunArb, 6, 22, 22), PVP_RULES21, { later: '22', earlier: '21' });
  runsSettlingMore(releaseDigest(hubRunArb, 6, 22, 22), HUB_RULES21, { later: '22', earlier: '21' });
  runsSettlingMore(releaseDigest(gridlockRunArb, 6, 22, 22), GRID_RULES21, { later: '22', earlier: '21' });
});

test('rules 22 (small runs): on small gridlocks and hub runs every release is feasible, settles whole items, and never less than rules 21', () => {
  assertPhaseNeverLess(gridlockRunArb, {}, { perturbed_restarts: false }, { min: 20_000, max: 200_000 }, 10, 22);
  assertPhaseNeverLess(hubRunArb, {}, { perturbed_restarts: false }, { min: 20_000, max: 200_000 }, 4, 22);
});

const LIMITS = {
  rounds: 3,
  amp_permille: 300,
  seed: 7,
  round_steps_max: 2_000_000,
  region_steps_max: 200_000,
  passes_max: 4,
  cross_steps_max: 1_000_000,
};

test('perturbedTripleRestarts: feasible, never lighter than its start or than fewer rounds, deterministic, the start untouched', () => {
  fc.assert(
    fc.property(hubRunArb, (raw) => {
      const run = toRunProblem(raw);
      const problem = { capacities: run.nodes.map((n) => n.balance + n.headroom), items: run.items, fifo: false };
      const net = compileLinked(problem);
      if (!net.floatExact) return;
      const units = participantsOf(
        net.nodes,
        run.items.map((it) => it.legs),
      );
      // A feasible start: rules 21's choice at a small budget (the phase itself off).
      const set = new Set(solveLinked(problem, { work_budget: 20_000, perturbed_restarts: false }).settled);
      const start = Uint8Array.from(run.items, (it) => (set.has(it.id) ? 1 : 0));
      assert.equal(linkedViolation(net, start), null);
      const copy = start.slice();
      const a = perturbedTripleRestarts(net, units, start, LIMITS, { steps: 0, max: 20_000_000 });
      const b = perturbedTripleRestarts(net, units, start, LIMITS, { steps: 0, max: 20_000_000 });
      assert.deepEqual(start, copy, 'the start is not changed');
      assert.deepEqual(a, b, 'the same input, the same output');
      assert.equal(linkedViolation(net, a), null, 'feasible in bigint');
      assert.ok(exactWeight(net, a) >= exactWeight(net, start), `${exactWeight(net, a)} < start ${exactWeight(net, start)}`);
      // More rounds (the same seed: the same first rounds) never weigh less, from rules 21's choice and from nothing.
      for (const from of [start, new Uint8Array(net.m)]) {
        let last = -1n;
        for (const rounds of [1, 2, 3]) {
          const out = perturbedTripleRestarts(net, units, from, { ...LIMITS, rounds }, { steps: 0, max: 20_000_000 });
          assert.equal(linkedViolation(net, out), null);
          const w = exactWeight(net, out);
          assert.ok(w >= last, `${rounds} rounds ${w}, fewer ${last}`);
          last = w;
        }
      }
    }),
    { numRuns: 6, seed: 22 },
  );
});

test('perturbedWeights: integers within (1000 ± amp) / 1000 of each weight, at least 1, the same for the same seed', () => {
  fc.assert(
    fc.property(
      fc.array(fc.bigInt({ min: 1n, max: 10n ** 15n }), { minLength: 1, maxLength: 50 }),
      fc.integer({ min: 0, max: 999 }),
      fc.integer(),
      (w, amp, seed) => {
        const p = perturbedWeights(w, new Rng(seed), amp);
        assert.deepEqual(p, perturbedWeights(w, new Rng(seed), amp));
        p.forEach((x, k) => {
          assert.ok(x >= 1n);
          assert.ok(x * 1000n >= w[k]! * BigInt(1000 - amp) - 1000n && x * 1000n <= w[k]! * BigInt(1000 + amp), `${x} from ${w[k]}`);
        });
      },
    ),
    { numRuns: 200, seed: 22 },
  );
});
