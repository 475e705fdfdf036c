// Small random regions of an LSM run (lsm_region_exact.ts's ExactRegion) and
// their optimum by enumeration, for the rules 13 and 14 tests.

import fc from 'fast-check';
import { type ExactRegion, regionFeasible, regionWeight } from '../../src/clearing/lsm_region_exact.js';

/**
 * A random region: 1-5 nodes, 1-14 items of 1-3 effects each (either sign), rooms from -40 to 60, amounts in units
 * or in millions of units (weights stay small: the simplex's tolerance scales with the largest of both).
 */
export const regionArb: fc.Arbitrary<ExactRegion> = fc.integer({ min: 1, max: 5 }).chain((nodes) =>
  fc
    .record({
      scale: fc.constantFrom(1n, 1_000_000n),
      resid: fc.array(fc.integer({ min: -40, max: 60 }), { minLength: nodes, maxLength: nodes }),
      items: fc.array(
        fc.record({
          weight: fc.integer({ min: 0, max: 1_000 }),
          effs: fc.uniqueArray(fc.record({ node: fc.integer({ min: 0, max: nodes - 1 }), delta: fc.integer({ min: -50, max: 50 }) }), {
            minLength: 1,
            maxLength: 3,
            selector: (e) => e.node,
          }),
        }),
        { minLength: 1, maxLength: 14 },
      ),
    })
    .map(({ scale, resid, items }) => {
      const effStart = new Int32Array(items.length + 1);
      const effNode: number[] = [];
      const effDelta: bigint[] = [];
      items.forEach((it, k) => {
        for (const e of [...it.effs].sort((a, b) => a.node - b.node)) {
          if (e.delta === 0) continue;
          effNode.push(e.node);
          effDelta.push(BigInt(e.delta) * scale);
        }
        effStart[k + 1] = effNode.length;
      });
      return {
        nodes,
        m: items.length,
        effStart,
        effNode: Int32Array.from(effNode),
        effDelta,
        effF: Float64Array.from(effDelta, Number),
        weight: items.map((it) => BigInt(it.weight)),
        weightF: Float64Array.from(items, (it) => it.weight),
        resid: resid.map((v) => BigInt(v) * scale),
      };
    }),
);

/** The best weight over every choice, and the first feasible choice in enumeration order (null: none). */
export function bruteForce(r: ExactRegion): { best: bigint; first: Uint8Array | null } {
  let best = -1n;
  let first: Uint8Array | null = null;
  const sel = new Uint8Array(r.m);
  for (let mask = 0; mask < 1 << r.m; mask++) {
    for (let k = 0; k < r.m; k++) sel[k] = (mask >> k) & 1;
    if (!regionFeasible(r, sel)) continue;
    first ??= sel.slice();
    const w = regionWeight(r, sel);
    if (w > best) best = w;
  }
  return { best, first };
}
