// A region of the exact phases (lsm_region_exact.ts, buildRegion): its rows are the nodes its items can make
// short, with their exact room, and its items' effects on those rows. buildRegion keeps per-run scratch (a slot
// per node) between calls; it must give what the plain per-call construction below gives, call after call on
// the same run, on random runs of payments and linked pairs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildRegion, type RunEffects } from '../src/clearing/lsm_region_exact.js';
import { runEffectsOf } from './support/run_effects.js';

/** The region as built with per-call maps (the construction buildRegion had before its scratch). */
function reference(net: RunEffects, items: readonly number[], slack: readonly bigint[], sel: Uint8Array) {
  const resid = new Map<number, bigint>();
  const worst = new Map<number, bigint>();
  for (const k of items) {
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const n = net.effNode[e]!;
      const d = net.effDelta[e]!;
      if (!resid.has(n)) resid.set(n, slack[n]!);
      if (sel[k] === 1) resid.set(n, resid.get(n)! - d);
      if (d < 0n) worst.set(n, (worst.get(n) ?? 0n) + d);
    }
  }
  const nodes = [...resid.keys()].filter((n) => resid.get(n)! + (worst.get(n) ?? 0n) < 0n).sort((a, b) => a - b);
  const local = new Map(nodes.map((n, i) => [n, i]));
  const effStart = new Int32Array(items.length + 1);
  const effNode: number[] = [];
  const effDelta: bigint[] = [];
  items.forEach((k, i) => {
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const x = local.get(net.effNode[e]!);
      if (x === undefined) continue;
      effNode.push(x);
      effDelta.push(net.effDelta[e]!);
    }
    effStart[i + 1] = effNode.length;
  });
  return {
    nodes: nodes.length,
    m: items.length,
    effStart,
    effNode: Int32Array.from(effNode),
    effDelta,
    effF: Float64Array.from(effDelta, (d) => Number(d)),
    weight: items.map((k) => net.weight[k]!),
    weightF: Float64Array.from(items, (k) => net.weightF[k]!),
    resid: nodes.map((n) => resid.get(n)!),
  };
}

const runArb = fc
  .record({
    nodes: fc.integer({ min: 2, max: 12 }),
    items: fc.array(
      fc.record({
        legs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.bigInt({ min: 1n, max: 10n ** 15n })), { minLength: 1, maxLength: 2 }),
        weight: fc.bigInt({ min: 1n, max: 10n ** 12n }),
        settled: fc.boolean(),
      }),
      { minLength: 1, maxLength: 30 },
    ),
    slack: fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { minLength: 12, maxLength: 12 }),
    regions: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 }),
  })
  .map((r) => {
    const net = runEffectsOf(r.nodes, r.items, r.slack);
    const sel = Uint8Array.from(r.items, (it) => (it.settled ? 1 : 0));
    // Each region: distinct items in increasing order (as regionItems gives them).
    const regions = r.regions.map((ks) => [...new Set(ks.map((k) => k % r.items.length))].sort((a, b) => a - b));
    return { net, slack: r.slack.slice(0, r.nodes), sel, regions };
  });

test('buildRegion gives the per-call construction, call after call on one run (its scratch left clean)', () => {
  fc.assert(
    fc.property(runArb, ({ net, slack, sel, regions }) => {
      for (const items of regions) assert.deepEqual(buildRegion(net, items, slack, sel), reference(net, items, slack, sel));
    }),
    { numRuns: 2000 },
  );
});
