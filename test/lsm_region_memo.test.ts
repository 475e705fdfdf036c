// The memo of exact region searches (lsm_region_memo.ts, used by lsm_region_exact.ts's reChoose) must be a pure
// speed-up: a remembered outcome is handed back only where searching again would give the same choice in the same
// steps, and the phases that search pairs of participants end with the same selection and the same step count
// whether their searches come from the memo or not.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildRegion, exactPairs, exactRegions, regionBranchAndBound, type RunEffects } from '../src/clearing/lsm_region_exact.js';
import { runEffectsOf } from './support/run_effects.js';
import { REGION_MEMO_ENTRIES_MAX, RegionSearchMemo, regionKey } from '../src/clearing/lsm_region_memo.js';

/** A random run: nodes, one- and two-leg items with net effects per node, capacities; nothing settled. */
const runArb = fc
  .record({
    nodes: fc.integer({ min: 2, max: 8 }),
    items: fc.array(
      fc.record({
        legs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.bigInt({ min: 1n, max: 1000n })), { minLength: 1, maxLength: 2 }),
        weight: fc.bigInt({ min: 1n, max: 1000n }),
      }),
      { minLength: 1, maxLength: 24 },
    ),
    cap: fc.array(fc.bigInt({ min: 0n, max: 1500n }), { minLength: 8, maxLength: 8 }),
  })
  .map((r): RunEffects => runEffectsOf(r.nodes, r.items, r.cap));

/** The same run as a new object: its memo starts empty (the memo is per net object). */
const copyOf = (net: RunEffects): RunEffects => ({ ...net });

test('lookup hands back a search only where searching again under the new limit repeats it (choice and steps)', () => {
  fc.assert(
    fc.property(runArb, fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 4000 }), (net, max1, max2) => {
      const items = Array.from({ length: net.m }, (_, k) => k);
      const sel = new Uint8Array(net.m);
      const r = buildRegion(net, items, net.cap, sel);
      const start = new Uint8Array(net.m);
      const first = { steps: 0, max: max1 };
      const memo = new RegionSearchMemo();
      const key = regionKey(items, [], r.resid, start, true);
      memo.remember(key, { best: regionBranchAndBound(r, start, first, true).best, gap: 0, steps: first.steps, max: max1 });
      const known = memo.lookup(key, max2);
      if (known === null) return;
      const again = { steps: 0, max: max2 };
      const best = regionBranchAndBound(r, start, again, true).best;
      assert.equal(again.steps, known.steps);
      assert.deepEqual(best, known.best);
    }),
    { numRuns: 1500 },
  );
});

test('exactPairs twice on one run (the second from the memo) ends as on fresh copies: same selection, same steps', () => {
  fc.assert(
    fc.property(runArb, fc.integer({ min: 50, max: 20000 }), (net, stepsMax) => {
      const units = Int32Array.from({ length: net.nodes }, (_, n) => n);
      const limits = { steps_max: stepsMax, region_steps_max: Math.max(1, Math.floor(stepsMax / 3)) };
      const selA = new Uint8Array(net.m);
      const workA = { steps: 0, max: 1e12 };
      exactPairs(net, units, selA, limits, workA);
      const afterFirst = workA.steps;
      exactPairs(net, units, selA, limits, workA);
      const selB = new Uint8Array(net.m);
      const workB = { steps: 0, max: 1e12 };
      exactPairs(copyOf(net), units, selB, limits, workB);
      assert.equal(workB.steps, afterFirst);
      exactPairs(copyOf(net), units, selB, limits, workB);
      assert.deepEqual(selA, selB);
      assert.equal(workA.steps, workB.steps);
    }),
    { numRuns: 500 },
  );
});

test('exactRegions by root gap (rules 14) twice on one run ends as on fresh copies: same selection, same steps', () => {
  fc.assert(
    fc.property(runArb, fc.integer({ min: 50, max: 20000 }), fc.integer({ min: 1, max: 20000 }), (net, stepsMax, total) => {
      const units = Int32Array.from({ length: net.nodes }, (_, n) => n);
      const limits = { steps_max: stepsMax, region_steps_max: Math.max(1, Math.floor(stepsMax / 3)), gap_share: 0.3 };
      const run = (fresh: boolean) => {
        const sel = new Uint8Array(net.m);
        const work = { steps: 0, max: total };
        exactRegions(fresh ? copyOf(net) : net, units, sel, limits, work);
        exactRegions(fresh ? copyOf(net) : net, units, sel, limits, work);
        work.max += total;
        exactRegions(fresh ? copyOf(net) : net, units, sel, limits, work);
        return { sel, steps: work.steps };
      };
      const fresh = run(true);
      const memoised = run(false);
      assert.deepEqual(memoised.sel, fresh.sel);
      assert.equal(memoised.steps, fresh.steps);
    }),
    { numRuns: 500 },
  );
});

test('the memo stops remembering new searches at REGION_MEMO_ENTRIES_MAX and still answers what it holds', () => {
  const memo = new RegionSearchMemo();
  const entry = { best: null, gap: 0, steps: 5, max: 10 };
  for (let i = 0; i < REGION_MEMO_ENTRIES_MAX; i++) memo.remember(`k${i}`, entry);
  memo.remember('one more', entry);
  assert.equal(memo.lookup('one more', 10), null, 'a new key past the cap is not kept');
  assert.equal(memo.lookup('k0', 10), entry, 'the first key is still answered');
  const later = { best: null, gap: 0, steps: 7, max: 12 };
  memo.remember('k0', later);
  assert.equal(memo.lookup('k0', 12), later, 'a held key is still updated');
});
