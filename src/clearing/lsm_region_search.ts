// The exact re-choice over a small region of an LSM run (and the per-node item
// index that regions are grown from): which of a few freed
// items to settle so that every node the region touches stays at or above its
// floor, releasing the most value. Used by the neighbourhood moves (rules 4 and
// later) and by the short-node repair (rules 6). Depth-first branch and bound,
// heaviest item first, settling before skipping; a branch is cut when the
// undecided weight cannot beat the best by a unit, or when a node stays below its
// floor even if every undecided item feeding it settled. Bounded by `steps_max`.
//
// Its arithmetic is the callers' float copies of exact integer amounts; the
// choice is checked in exact integers by the release that follows. The order of
// its operations is part of what a journaled run released: do not reorder them.

import type { ItemEffects, WorkCounter } from './lsm.js';

/** A region: the freed items, the nodes they touch (numbered locally through `local`), each node's room now and its floor. */
export interface Region {
  readonly items: readonly number[];
  /** Local node per global node touched, -1 otherwise. */
  readonly local: Int32Array;
  readonly nodes: readonly number[];
  /** A node's room with every freed item dropped. */
  readonly resid: readonly number[];
  /** The least room a node may end with; null: 0 for every node (whole). */
  readonly lo: readonly number[] | null;
}

export interface RegionSearch {
  /** A choice must release more than this (by at least a unit) to be returned. */
  readonly better_than: number;
  /** Return null at once when a node cannot reach its floor even with every freed item feeding it settled. */
  readonly check_reach: boolean;
  /** Branch-and-bound steps at most. */
  readonly steps_max: number;
}

/** The choice of most value (one flag per freed item) found within the steps, or null. */
export function searchRegion(net: ItemEffects, sub: Region, o: RegionSearch, work: WorkCounter): Uint8Array | null {
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
  // The starting room may be short where the freed items fed a node; the cut sees it at the first item touching it.
  dfs(0, 0);
  work.steps += steps + m;
  return best;
}

/** The nodes short after `slack` (below 0), largest deficit first (ties by node), counting the pass as work. */
export function shortNodesByDeficit(nodes: number, slack: Float64Array, work: WorkCounter): number[] {
  const short: number[] = [];
  for (let n = 0; n < nodes; n++) if (slack[n]! < 0) short.push(n);
  short.sort((a, b) => slack[a]! - slack[b]! || a - b);
  work.steps += nodes;
  return short;
}

/** Per node, the items with an effect there (either sign; with `paidInto`, only the items paying into it), in item order. */
export function itemsAtNodes(net: ItemEffects, paidInto = false): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(net.nodes + 1);
  const total = net.effStart[net.m]!;
  for (let e = 0; e < total; e++) if (!paidInto || net.effF[e]! > 0) start[net.effNode[e]! + 1]!++;
  for (let n = 0; n < net.nodes; n++) start[n + 1]! += start[n]!;
  const fill = start.slice(0, net.nodes);
  const items = new Int32Array(start[net.nodes]!);
  for (let k = 0; k < net.m; k++) {
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (!paidInto || net.effF[e]! > 0) items[fill[net.effNode[e]!]!++] = k;
  }
  return { start, items };
}
