// The region search (lsm_region_search.ts) and the residual chains' candidate
// order (lsm_residual_chains.ts) against the computations they replaced: the
// search ran recursively over the items' effects read through the net, and the
// candidates were [item, next, value, covers] tuples sorted by value then item.
// Both must choose exactly what those chose (journaled runs replay them), on
// random regions, including step limits that cut the search part way.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ItemEffects, WorkCounter } from '../src/clearing/lsm.js';
import { type Region, type RegionSearch, searchRegion } from '../src/clearing/lsm_region_search.js';
import { KeyedItems } from '../src/clearing/lsm_order.js';
import { sortCandidates } from '../src/clearing/lsm_residual_chains.js';

/** The recursive search as it was (the reference). */
function searchRegionRecursive(net: ItemEffects, sub: Region, o: RegionSearch, work: WorkCounter): Uint8Array | null {
  const m = sub.items.length;
  const local = sub.local;
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => net.weightF[sub.items[y]!]! - net.weightF[sub.items[x]!]! || x - y);
  const room = Float64Array.from(sub.resid);
  const lo = sub.lo ?? new Float64Array(sub.nodes.length);
  const pot = new Float64Array(sub.nodes.length);
  let remW = 0;
  for (const k of sub.items) {
    remW += net.weightF[k]!;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (net.effF[e]! > 0) pot[local[net.effNode[e]!]!]! += net.effF[e]!;
  }
  if (o.check_reach) for (let x = 0; x < sub.nodes.length; x++) if (room[x]! + pot[x]! < lo[x]!) return null;
  const cur = new Uint8Array(m);
  let best: Uint8Array | null = null;
  let bestValue = o.better_than;
  let steps = 0;
  const ok = (k: number, sign: number): boolean => {
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const x = local[net.effNode[e]!]!;
      if (sign * net.effF[e]! < 0 && room[x]! + pot[x]! < lo[x]!) return false;
    }
    return true;
  };
  const shift = (k: number, sign: number, which: Float64Array, positiveOnly: boolean): void => {
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (!positiveOnly || net.effF[e]! > 0) which[local[net.effNode[e]!]!]! += sign * net.effF[e]!;
  };
  const dfs = (i: number, value: number): void => {
    if (steps > o.steps_max || value + remW < bestValue + 1) return;
    steps++;
    if (i === m) {
      bestValue = value;
      best = cur.slice();
      return;
    }
    const li = order[i]!;
    const k = sub.items[li]!;
    shift(k, -1, pot, true);
    remW -= net.weightF[k]!;
    shift(k, 1, room, false);
    cur[li] = 1;
    if (ok(k, 1)) dfs(i + 1, value + net.weightF[k]!);
    cur[li] = 0;
    shift(k, -1, room, false);
    if (ok(k, -1)) dfs(i + 1, value);
    remW += net.weightF[k]!;
    shift(k, 1, pot, true);
  };
  dfs(0, 0);
  work.steps += steps + m;
  return best;
}

/** Random items of one to four effects over a few nodes (amounts may be fractional: the search must match bit for bit anyway), a region of some of them. */
const regionArb = fc
  .record({
    nodes: fc.integer({ min: 1, max: 7 }),
    items: fc.array(
      fc.record({
        weight: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1000, noNaN: true })),
        effects: fc.array(fc.tuple(fc.nat(), fc.oneof(fc.integer({ min: -500, max: 500 }), fc.double({ min: -500, max: 500, noNaN: true }))), {
          minLength: 1,
          maxLength: 4,
        }),
      }),
      { minLength: 1, maxLength: 14 },
    ),
    pick: fc.array(fc.boolean(), { minLength: 14, maxLength: 14 }),
    room: fc.array(fc.integer({ min: -600, max: 600 }), { minLength: 7, maxLength: 7 }),
    floor: fc.array(fc.integer({ min: -300, max: 0 }), { minLength: 7, maxLength: 7 }),
    withFloor: fc.boolean(),
    checkReach: fc.boolean(),
    betterThan: fc.oneof(fc.constant(Number.NEGATIVE_INFINITY), fc.integer({ min: -10, max: 3000 })),
    stepsMax: fc.oneof(fc.constant(1_000_000), fc.integer({ min: 0, max: 60 })),
  })
  .map((r) => {
    const effStart = new Int32Array(r.items.length + 1);
    const effNode: number[] = [];
    const effF: number[] = [];
    r.items.forEach((it, k) => {
      // One effect per node per item, as the nets are built.
      const seen = new Set<number>();
      for (const [node, a] of it.effects) {
        if (seen.has(node % r.nodes)) continue;
        seen.add(node % r.nodes);
        effNode.push(node % r.nodes);
        effF.push(a);
      }
      effStart[k + 1] = effNode.length;
    });
    const net: ItemEffects = {
      nodes: r.nodes,
      m: r.items.length,
      effStart,
      effNode: Int32Array.from(effNode),
      effF: Float64Array.from(effF),
      weightF: Float64Array.from(r.items, (it) => it.weight),
    };
    const items = r.items.map((_, k) => k).filter((k) => r.pick[k]);
    const local = new Int32Array(r.nodes).fill(-1);
    const nodes: number[] = [];
    for (const k of items)
      for (let e = effStart[k]!; e < effStart[k + 1]!; e++)
        if (local[effNode[e]!] === -1) {
          local[effNode[e]!] = nodes.length;
          nodes.push(effNode[e]!);
        }
    const sub: Region = {
      items,
      local,
      nodes,
      resid: nodes.map((x) => r.room[x]!),
      lo: r.withFloor ? nodes.map((x) => r.floor[x]!) : null,
    };
    const o: RegionSearch = { better_than: r.betterThan, check_reach: r.checkReach, steps_max: r.stepsMax };
    return { net, sub, o };
  });

test('the region search chooses what the recursive search chose, and counts the same work', () => {
  fc.assert(
    fc.property(regionArb, ({ net, sub, o }) => {
      const wa = { steps: 0, max: Infinity };
      const wb = { steps: 0, max: Infinity };
      const a = searchRegionRecursive(net, sub, o, wa);
      const b = searchRegion(net, sub, o, wb);
      assert.deepEqual(b === null ? null : [...b], a === null ? null : [...a]);
      assert.equal(wb.steps, wa.steps);
    }),
    { numRuns: 3000 },
  );
});

/** Sort buffers shared by every run of the property below. */
const shared = new KeyedItems();

test('residual chain candidates are ordered as the sorted tuples were: by value (drops negative), largest first, ties by item', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ w: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 50, noNaN: true })), sel: fc.boolean() }), {
        minLength: 1,
        maxLength: 120,
        size: 'max',
      }),
      // Up to 120 candidates: past 24 the sort is a merge sort.
      fc.array(fc.nat(), { maxLength: 160, size: 'max' }),
      fc.nat(5),
      (items, picks, pad) => {
        const weightF = Float64Array.from(items, (i) => i.w);
        const sel = Uint8Array.from(items, (i) => (i.sel ? 1 : 0));
        const ks = [...new Set(picks.map((p) => p % items.length))];
        const tuples = ks.map((k) => [k, sel[k] === 1 ? -weightF[k]! : weightF[k]!] as const);
        const expected = [...tuples].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((t) => t[0]);
        const cand = new Int32Array(pad + ks.length + 3).fill(-7);
        cand.set(ks, pad);
        sortCandidates(cand, pad, pad + ks.length, sel, weightF);
        assert.deepEqual([...cand.subarray(pad, pad + ks.length)], expected);
        // Again with buffers kept from earlier (larger) sorts, as ResidualChains keeps them.
        cand.fill(-7);
        cand.set(ks, pad);
        sortCandidates(cand, pad, pad + ks.length, sel, weightF, shared);
        assert.deepEqual([...cand.subarray(pad, pad + ks.length)], expected);
        assert.ok(cand.subarray(0, pad).every((v) => v === -7) && cand.subarray(pad + ks.length).every((v) => v === -7));
      },
    ),
    { numRuns: 2000 },
  );
});
