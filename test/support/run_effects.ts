// A run's net effects (lsm_region_exact.ts's RunEffects) built from items given as legs between nodes, for the
// region tests' generators: each item's legs netted per node (node ids taken modulo `nodes`, a leg to itself
// dropped), in ascending node order, zero nets left out.

import type { RunEffects } from '../../src/clearing/lsm_region_exact.js';

/** One generated item: its legs (from, to, amount) and its weight. */
export interface LegItem {
  readonly legs: ReadonlyArray<readonly [number, number, bigint]>;
  readonly weight: bigint;
}

/** The run of `items` over `nodes` nodes with capacities `cap` (one per node). */
export function runEffectsOf(nodes: number, items: readonly LegItem[], cap: readonly bigint[]): RunEffects {
  const effStart = new Int32Array(items.length + 1);
  const effNode: number[] = [];
  const effDelta: bigint[] = [];
  items.forEach((it, k) => {
    const net = new Map<number, bigint>();
    for (const [a, b, amount] of it.legs) {
      const from = a % nodes;
      const to = b % nodes;
      if (from === to) continue;
      net.set(from, (net.get(from) ?? 0n) - amount);
      net.set(to, (net.get(to) ?? 0n) + amount);
    }
    for (const [node, d] of [...net].sort((x, y) => x[0] - y[0])) {
      if (d === 0n) continue;
      effNode.push(node);
      effDelta.push(d);
    }
    effStart[k + 1] = effNode.length;
  });
  return {
    nodes,
    m: items.length,
    effStart,
    effNode: Int32Array.from(effNode),
    effDelta,
    effF: Float64Array.from(effDelta, (d) => Number(d)),
    weight: items.map((it) => it.weight),
    weightF: Float64Array.from(items, (it) => Number(it.weight)),
    cap: cap.slice(0, nodes),
  };
}
