// A targeted repair of a rounded LP point for the gridlock solver
// (lsm_linked.ts), rules version 9.
//
// This module owns one repair: from a point of the LP relaxation (the dive's,
// lsm_lp.ts), the items it settles at least a threshold of, and the nodes that
// leaves short made whole by changes at the short nodes only: drop a selected
// item the short node pays, or settle an item paid to it that the point settles
// in part, each time the one of the least weight lost (or most gained) per unit
// of the shortfall it covers at the short nodes, plus a price on the shortfall
// it pushes onto nodes without room (a dropped item's payees, a settled item's
// payers). Only those nodes can turn short, so the violations are kept in a
// worklist and re-checked there alone. Each item changes at most twice
// (settled, then dropped for good), so the repair ends. Then the items the
// point settles in part, most first, where they fit.
//
// Measured (issue 16): on unseen dealers seed 397738630 the dive's point holds
// 224.5 M whole; rules 8's repair (the removal rule's cascade) kept 205.6 M,
// this one 212.8 M before the fill. It is a cascade all the same: on novel
// whales seed 842476554 (65 accounts short by 1.7 M, the hubs among them) it
// ends far below the point at every price tried, as rules 8's does.
//
// Pure and deterministic (work steps only); float arithmetic on exact integer
// amounts, run only where they are exact in float64; the caller re-checks the
// result exactly in bigint.

import type { ItemEffects, WorkCounter } from './lsm.js';
import { itemsAtNodes } from './lsm_region_search.js';

/** What the repair reads of the solver's compiled problem. */
export interface RepairNet extends ItemEffects {
  /** Per node, the items that draw on it (net < 0 there): drawItems[drawStart[n] .. drawStart[n+1]). */
  readonly drawStart: Int32Array;
  readonly drawItems: Int32Array;
  /** Per item, weight per unit of its largest outflow. */
  readonly wpu: Float64Array;
}

/**
 * The items `x` settles at least `threshold` of, then the short nodes made
 * whole by targeted removals (`payeeWeight` prices the shortfall a removal
 * pushes onto its payees, in the item's own weight per unit); null when the
 * work ran out, or the value fell below `minValue`, before every node was whole. `cap` is each node's room.
 */
export function repairLpPoint(
  net: RepairNet,
  cap: Float64Array,
  x: Float64Array,
  threshold: number,
  payeeWeight: number,
  work: WorkCounter,
  minValue: number,
): Uint8Array | null {
  const sel = new Uint8Array(net.m);
  const slack = Float64Array.from(cap);
  let value = 0;
  for (let k = 0; k < net.m; k++) {
    if (x[k]! < threshold) continue;
    sel[k] = 1;
    value += net.weightF[k]!;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += net.effF[e]!;
  }
  work.steps += net.effStart[net.m]!;
  const gains = itemsAtNodes(net, true);
  // 0: free; 1: settled by the repair (it may still drop it); 2: dropped (final). Each item changes twice at most.
  const state = new Uint8Array(net.m);
  const queued = new Uint8Array(net.nodes);
  const queue: number[] = [];
  // Only the items the point settles in part may be settled by the repair (the point values them).
  for (let k = 0; k < net.m; k++) if (sel[k] === 0 && !(x[k]! > PART_MIN)) state[k] = 2;
  for (let n = 0; n < net.nodes; n++) {
    if (slack[n]! < 0) {
      queued[n] = 1;
      queue.push(n);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head]!;
    queued[n] = 0;
    while (slack[n]! < 0) {
      // Out of work, or the cascade fell below what the caller has already: give up.
      if (work.steps > work.max || value < minValue) return null;
      const k = cheapestCover(net, gains, sel, state, slack, n, payeeWeight, work);
      if (k < 0) return null; // cannot happen: a short node draws on a selected item
      const want = sel[k] === 1 ? 0 : 1;
      state[k] = want === 1 ? 1 : 2;
      sel[k] = want;
      const sign = want === 1 ? 1 : -1;
      value += sign * net.weightF[k]!;
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
        const v = net.effNode[e]!;
        slack[v]! += sign * net.effF[e]!;
        // Only a payee of a dropped item, or a payer of a settled one, can turn short.
        if (slack[v]! < 0 && queued[v] === 0 && v !== n) {
          queued[v] = 1;
          queue.push(v);
        }
      }
    }
  }
  readdParts(net, x, threshold, sel, slack, work);
  return sel;
}

/**
 * At short node n, the change of least cost per unit of shortfall it covers at
 * the short nodes: dropping a selected item drawing on n (cost its weight) or
 * settling a free item paying into n (cost minus its weight), plus payeeWeight
 * x its weight per unit x the shortfall it pushes onto nodes without room;
 * ties: the larger cover, then the first found (drops first, each list
 * heaviest first). -1 when none.
 */
function cheapestCover(
  net: RepairNet,
  gains: { start: Int32Array; items: Int32Array },
  sel: Uint8Array,
  state: Uint8Array,
  slack: Float64Array,
  n: number,
  payeeWeight: number,
  work: WorkCounter,
): number {
  let pick = -1;
  let pickScore = Infinity;
  let pickCover = 0;
  const consider = (k: number, sign: number): void => {
    let cover = 0;
    let pushed = 0;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const s = slack[net.effNode[e]!]!;
      const d = sign * net.effF[e]!;
      if (d > 0 && s < 0) cover += Math.min(-s, d);
      else if (d < 0) pushed += Math.max(0, -d - Math.max(0, s));
    }
    work.steps += net.effStart[k + 1]! - net.effStart[k]! + 1;
    if (cover <= 0) return;
    const score = (sign * -net.weightF[k]! + payeeWeight * net.wpu[k]! * pushed) / cover;
    if (score < pickScore || (score === pickScore && cover > pickCover)) {
      pick = k;
      pickScore = score;
      pickCover = cover;
    }
  };
  for (let j = net.drawStart[n]!; j < net.drawStart[n + 1]!; j++) if (sel[net.drawItems[j]!] === 1) consider(net.drawItems[j]!, -1);
  for (let j = gains.start[n]!; j < gains.start[n + 1]!; j++) if (state[gains.items[j]!] === 0 && sel[gains.items[j]!] === 0) consider(gains.items[j]!, 1);
  return pick;
}

/** The unselected items x settles in part, most first (ties: the smaller index), each settled when every node it draws on covers it. */
function readdParts(net: RepairNet, x: Float64Array, threshold: number, sel: Uint8Array, slack: Float64Array, work: WorkCounter): void {
  const part: number[] = [];
  for (let k = 0; k < net.m; k++) if (sel[k] === 0 && x[k]! > PART_MIN && x[k]! < threshold) part.push(k);
  part.sort((a, b) => x[b]! - x[a]! || a - b);
  for (const k of part) {
    let fits = true;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (slack[net.effNode[e]!]! + net.effF[e]! < 0) fits = false;
    work.steps += net.effStart[k + 1]! - net.effStart[k]!;
    if (!fits) continue;
    sel[k] = 1;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += net.effF[e]!;
  }
}

/** An item settled by less than this counts as not at all. */
const PART_MIN = 1e-6;
