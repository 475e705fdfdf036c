// The clearing bench when HiGHS does not prove its optimum (issue #16): the instance is measured against a valid
// upper bound on the optimum, never dropped from the worst, and listed in `unproven` with the incumbent. The HiGHS
// references are planted through the reference cache, so no MILP is solved here.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lsmVsReference, runClearingBench } from '../src/bench/clearing_bench.js';
import { familyInstances } from '../src/bench/gridlock_families.js';
import { solveLinked } from '../src/clearing/lsm_linked.js';

const ref = (value: bigint, proven: boolean, lp_bound: number, dual_bound: number | null) => ({
  value,
  proven,
  lp_bound,
  repaired: 0,
  status: proven ? 'Optimal' : 'Time limit reached',
  dual_bound,
});

describe('lsmVsReference', () => {
  it('uses the proven optimum as it is', () => {
    assert.equal(lsmVsReference(90n, ref(100n, true, 120, 100)).ratio, 0.9);
  });
  it('measures an unproven instance against min(dual bound, LP bound), not the incumbent', () => {
    // Incumbent 0: the old figure was Infinity.
    const zero = lsmVsReference(80n, ref(0n, false, 120, 100));
    assert.equal(zero.ratio, 0.8);
    assert.equal(zero.vs_incumbent, null);
    // Incumbent below LSM: the old figure was above 1.
    const below = lsmVsReference(80n, ref(40n, false, 100, 160));
    assert.equal(below.ratio, 0.8);
    assert.equal(below.vs_incumbent, 2);
    // No dual bound kept (a cache written before it was): the LP bound.
    assert.equal(lsmVsReference(50n, ref(60n, false, 200, null)).ratio, 0.25);
    // A dual bound under the incumbent (solver tolerance): the incumbent.
    assert.equal(lsmVsReference(50n, ref(100n, false, 200, 99.5)).ratio, 0.5);
  });
  it('gives the ceiling beside the floor: LSM / the best feasible value known', () => {
    assert.equal(lsmVsReference(90n, ref(100n, true, 120, 100)).vs_best_known, 0.9);
    // Incumbent 0 or below LSM: LSM is the best known, so the ceiling is 1 while the floor stays under it.
    assert.equal(lsmVsReference(80n, ref(0n, false, 120, 100)).vs_best_known, 1);
    assert.equal(lsmVsReference(80n, ref(40n, false, 100, 160)).vs_best_known, 1);
    // Incumbent above LSM: LSM / incumbent, above the floor.
    const above = lsmVsReference(50n, ref(80n, false, 200, 100));
    assert.equal(above.vs_best_known, 0.625);
    assert.equal(above.ratio, 0.5);
  });
});

describe('bench clearing with unproven references', () => {
  it('keeps an unproven instance in the worst and lists it', async () => {
    const work_budget = 50_000;
    const insts = familyInstances('tuning', 5, 3, ['small']);
    const lsm = insts.map((i) => solveLinked(i.problem, { work_budget }).settled_weight);
    const key = (k: number) => `tuning/small/${insts[k]!.seed}/${insts[k]!.problem.items.length}/10s`;
    const entry = (value: bigint, proven: boolean, lp_bound: number, dual_bound?: number) => ({
      value: value.toString(),
      proven,
      lp_bound,
      repaired: 0,
      status: proven ? 'Optimal' : 'Time limit reached',
      ...(dual_bound === undefined ? {} : { dual_bound }),
    });
    const w = lsm.map(Number);
    const cache = {
      // Proven: LSM / optimum is 1.
      [key(0)]: entry(lsm[0]!, true, w[0]! * 2, w[0]!),
      // Incumbent 0 (HiGHS found nothing in its limit), dual bound 1.25 x LSM: the instance's figure is 0.8.
      [key(1)]: entry(0n, false, w[1]! * 3, w[1]! * 1.25),
      // Incumbent below LSM, written before the dual bound was kept: the LP bound, 1.1 x LSM.
      [key(2)]: entry(lsm[2]! / 2n, false, w[2]! * 1.1),
    };
    const dir = mkdtempSync(join(tmpdir(), 'sco-bench-unproven-'));
    try {
      const file = join(dir, 'refs.json');
      writeFileSync(file, JSON.stringify(cache));
      const r = await runClearingBench({
        scenarios: 3,
        seed: 5,
        highs_time_limit_s: 10,
        progress: () => {},
        families: ['small'],
        sets: ['tuning'],
        netting: false,
        work_budget,
        reference_cache: file,
      });
      const fam = r.families[0]!;
      assert.equal(fam.highs_proven_optimal, 1);
      assert.equal(fam.lsm_worst_vs_optimal, 0.8);
      assert.equal(r.metrics.lsm_worst_vs_optimal, 0.8);
      // The ceiling: every instance's LSM is the best feasible value known (proven, incumbent 0, incumbent below).
      assert.equal(fam.lsm_worst_vs_best_known, 1);
      assert.equal(r.metrics.lsm_worst_vs_best_known, 1);
      assert.equal(r.metrics.highs_unproven, 2);
      assert.deepEqual(
        r.unproven.map((u) => [u.seed, u.highs_incumbent, u.lsm_weight, u.lsm_vs_bound, u.lsm_vs_incumbent]),
        [
          [insts[1]!.seed, '0', lsm[1]!.toString(), 0.8, null],
          [insts[2]!.seed, (lsm[2]! / 2n).toString(), lsm[2]!.toString(), Math.floor(1e6 / 1.1) / 1e6, Number((lsm[2]! * 1_000_000n) / (lsm[2]! / 2n)) / 1e6],
        ],
      );
      assert.ok(r.unproven.every((u) => u.lsm_vs_bound <= 1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
