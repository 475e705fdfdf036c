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
  const lo = sub.lo === null ? new Float64Array(sub.nodes.length) : Float64Array.from(sub.lo);
  const pot = new Float64Array(sub.nodes.length);
  let remW = 0;
  for (const k of sub.items) {
    remW += net.weightF[k]!;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (net.effF[e]! > 0) pot[local[net.effNode[e]!]!]! += net.effF[e]!;
  }
  if (o.check_reach) for (let x = 0; x < sub.nodes.length; x++) if (room[x]! + pot[x]! < lo[x]!) return null;
  const { best, steps } = branchAndBound(regionPlan(net, sub, order), room, pot, lo, remW, o);
  work.steps += steps + m;
  return best;
}

/**
 * The branch and bound of searchRegion over a plan, from the rooms with every freed item dropped, the potential
 * each node could still receive, and the undecided weight: the best choice (by region index) and the steps taken.
 */
function branchAndBound(
  p: RegionPlan,
  room: Float64Array,
  pot: Float64Array,
  lo: Float64Array,
  remW0: number,
  o: RegionSearch,
): { best: Uint8Array | null; steps: number } {
  const m = p.w.length;
  const cur = new Uint8Array(m);
  let best: Uint8Array | null = null;
  let bestValue = o.better_than;
  const stepsMax = o.steps_max;
  let remW = remW0;
  let steps = 0;
  // Depth-first over the search order without recursion: value[i] is the value settled above depth i; phase[i] 0 on
  // entering depth i, 1 once its item settled (the skip next), 2 once it was skipped (restore, then back up). The
  // float operations and their order are those of the recursive search this replaced (pinned by test/lsm_region_search).
  const value = new Float64Array(m + 1);
  const phase = new Uint8Array(m + 1);
  const { at, effX, effA, w, li } = p;
  for (let i = 0; i >= 0; ) {
    const ph = phase[i]!;
    if (ph === 0) {
      if (steps > stepsMax || value[i]! + remW < bestValue + 1) {
        i--;
        continue;
      }
      steps++;
      if (i === m) {
        bestValue = value[i]!;
        best = cur.slice();
        i--;
        continue;
      }
      const e0 = at[i]!;
      const e1 = at[i + 1]!;
      for (let e = e0; e < e1; e++) if (effA[e]! > 0) pot[effX[e]!]! -= effA[e]!;
      remW -= w[i]!;
      for (let e = e0; e < e1; e++) room[effX[e]!]! += effA[e]!;
      cur[li[i]!] = 1;
      phase[i] = 1;
      // Settling is allowed unless a node it pays from cannot reach its floor.
      if (reaches(p, i, -1, room, pot, lo)) {
        value[i + 1] = value[i]! + w[i]!;
        phase[i + 1] = 0;
        i++;
      }
    } else if (ph === 1) {
      const e0 = at[i]!;
      const e1 = at[i + 1]!;
      cur[li[i]!] = 0;
      for (let e = e0; e < e1; e++) room[effX[e]!]! -= effA[e]!;
      phase[i] = 2;
      // Skipping is allowed unless a node it would have fed cannot reach its floor.
      if (reaches(p, i, 1, room, pot, lo)) {
        value[i + 1] = value[i]!;
        phase[i + 1] = 0;
        i++;
      }
    } else {
      remW += w[i]!;
      for (let e = at[i]!; e < at[i + 1]!; e++) if (effA[e]! > 0) pot[effX[e]!]! += effA[e]!;
      i--;
    }
  }
  return { best, steps };
}

/** Whether every node where item i of the plan has an effect of this sign (-1: pays, 1: is paid) can still reach its floor. */
function reaches(p: RegionPlan, i: number, sign: number, room: Float64Array, pot: Float64Array, lo: Float64Array): boolean {
  for (let e = p.at[i]!; e < p.at[i + 1]!; e++) {
    const x = p.effX[e]!;
    if ((sign < 0 ? p.effA[e]! < 0 : p.effA[e]! > 0) && room[x]! + pot[x]! < lo[x]!) return false;
  }
  return true;
}

/** Per position of the search order: its item's weight and index in the region, and its effects (local node, amount) in effect order. */
export interface RegionPlan {
  readonly at: Int32Array;
  readonly effX: Int32Array;
  readonly effA: Float64Array;
  readonly w: Float64Array;
  readonly li: Int32Array;
}

/** The region's items in search order with their effects copied out flat, so the search reads one array per quantity. */
export function regionPlan(net: ItemEffects, sub: Region, order: readonly number[]): RegionPlan {
  const m = order.length;
  const at = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) {
    const k = sub.items[order[i]!]!;
    at[i + 1] = at[i]! + net.effStart[k + 1]! - net.effStart[k]!;
  }
  const effX = new Int32Array(at[m]!);
  const effA = new Float64Array(at[m]!);
  const w = new Float64Array(m);
  const li = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const k = sub.items[order[i]!]!;
    li[i] = order[i]!;
    w[i] = net.weightF[k]!;
    for (let e = net.effStart[k]!, f = at[i]!; e < net.effStart[k + 1]!; e++, f++) {
      effX[f] = sub.local[net.effNode[e]!]!;
      effA[f] = net.effF[e]!;
    }
  }
  return { at, effX, effA, w, li };
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
