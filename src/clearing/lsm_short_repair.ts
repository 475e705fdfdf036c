// Exact repair of short nodes for the gridlock solver (lsm_linked.ts), rules version 6.
//
// This module owns one rule: how a node left short is made whole by SEVERAL
// removals (and insertions) at once, chosen exactly. The removal rule of
// lsm_linked.ts drops one item at a time, the cheapest per unit of deficit; where
// every item a short node could drop feeds a node without room, each drop makes
// another node short and the cascade runs round the cycles it cuts (issue 16:
// after a start that keeps nearly everything, a few nodes short, and any single
// removal starts a cascade). Here the items at the short node (the selected ones
// that draw on it, the unselected ones that feed it) are freed, the rest of the
// selection stays fixed, and a branch and bound chooses among the freed items the
// set of most value such that the short node ends at or above zero and no other
// node it touches ends below where it is now (a node with room stays at or above
// zero; a node already short gets no shorter). When no such set exists (every
// removal there would push a payee short), the region grows by the payees the
// freed items feed most, whose own items are then freed too: the cascade is
// chosen exactly, a few steps deep, instead of greedily.
//
// Two uses (lsm_linked.ts, option short_repair): a start (the chain-removal
// start's selection, or everything, made whole here before the removal rule
// sees it), and a move from the best selection: settle one unsettled item and
// make the nodes it leaves short whole exactly, kept when the value rose.
//
// Measured (issue 16): after chain removal the few nodes left short on the
// bench's gridlocks of crossing cycles could seldom be made whole within a
// region (their payees, and theirs, had no room: the cascade runs deeper than
// forty items reach). For those, cascadeWithChains: the cascade taken one
// removal at a time with chain removal run again after each, which closes
// chains the first pass could not (tangled_cycles, one instance: 2.22 M of
// value under rules 5, 4.32 M).
//
// Pure and deterministic (work steps only; no generator needed). Float
// arithmetic: the caller runs it only where amounts are exact in float64 and
// re-checks the result exactly. A repair never leaves a node it touched below
// where it stood (or below zero), so it never adds a short node.

import type { ItemEffects, Rng, WorkCounter } from './lsm.js';
import { removeChains } from './lsm_chain_removal.js';
import type { CycleNet } from './lsm_cycles.js';
import { itemsAtNodes, searchRegion, shortNodesByDeficit } from './lsm_region_search.js';

/** What the rule reads of the solver's compiled problem (lsm_linked's Net has these fields). */
export interface ShortRepairNet extends CycleNet {
  readonly capF: Float64Array;
  /** Weight per unit of the item's largest outflow. */
  readonly wpu: Float64Array;
}

/** Items freed per repair at most (the branch and bound is exponential in them, bounded by SUB_STEPS_MAX). */
export const SHORT_REPAIR_ITEMS_MAX = 40;
/** Of them, per node: the short node's drawers and feeders, then each payee's the region grew by. */
const FIRST_DRAWERS = 14;
const FIRST_FEEDERS = 4;
const GROWN_DRAWERS = 5;
const GROWN_FEEDERS = 1;
/** Times a region grows by the payees its removals would push short (the default of repairNode). */
export const GROW_MAX = 3;
/** Payees added per growth. */
const GROW_NODES = 3;
/** Work steps one branch and bound may take. */
const SUB_STEPS_MAX = 12_000;

/** A change the repair made to the selection: item k settled (k) or dropped (~k); undone in reverse. */
export type RepairLog = number[];

export class ShortRepair {
  private readonly at: { start: Int32Array; items: Int32Array };
  private readonly local: Int32Array;
  private readonly mark: Uint8Array;
  private readonly inRegion: Uint8Array;

  constructor(private readonly net: ShortRepairNet) {
    this.at = itemsAtNodes(net);
    this.local = new Int32Array(net.nodes).fill(-1);
    this.mark = new Uint8Array(net.m);
    this.inRegion = new Uint8Array(net.nodes);
  }

  /** Makes every short node whole where an exact re-choice can (largest deficit first); returns how many stay short. */
  repairAll(sel: Uint8Array, slack: Float64Array, work: WorkCounter, lock: Uint8Array | null, log: RepairLog | null): number {
    const net = this.net;
    let left = 0;
    for (const n of shortNodesByDeficit(net.nodes, slack, work)) {
      if (slack[n]! >= 0) continue;
      if (work.steps > work.max || !this.repairNode(n, sel, slack, work, lock, log)) left++;
    }
    return left;
  }

  /**
   * Makes node n whole by the exact re-choice of the items at n (growing to the
   * payees they feed when it must); true when n ends at or above zero. Changes
   * `sel` and `slack` in place (each change logged when `log` is given); the
   * region grows at most `growMax` times.
   */
  repairNode(n: number, sel: Uint8Array, slack: Float64Array, work: WorkCounter, lock: Uint8Array | null, log: RepairLog | null, growMax = GROW_MAX): boolean {
    const region = [n];
    this.inRegion[n] = 1;
    let done = false;
    for (let grow = 0; grow <= growMax && !done && work.steps <= work.max; grow++) {
      const items = this.freeItems(region, sel, lock, work);
      const sub = this.buildSub(items, sel, slack);
      const choice = this.search(sub, work);
      let grown = false;
      if (choice !== null) {
        this.apply(sub, choice, sel, slack, log);
        done = true;
      } else if (grow < growMax) grown = this.growRegion(region, sub, sel);
      for (const x of sub.nodes) this.local[x] = -1;
      if (!done && !grown) break;
    }
    for (const x of region) this.inRegion[x] = 0;
    return done && slack[n]! >= 0;
  }

  /**
   * The region's items: per node in region order, the selected items drawing on
   * it (cheapest per unit first), then the unselected ones feeding it (heaviest
   * first), a quota of each per node (the short node's larger); at most
   * SHORT_REPAIR_ITEMS_MAX.
   */
  private freeItems(region: readonly number[], sel: Uint8Array, lock: Uint8Array | null, work: WorkCounter): number[] {
    const net = this.net;
    const out: number[] = [];
    for (const x of region) {
      const drawers: Array<[number, number]> = [];
      const feeders: number[] = [];
      for (let j = this.at.start[x]!; j < this.at.start[x + 1]!; j++) {
        const k = this.at.items[j]!;
        if (this.mark[k] === 1 || (lock !== null && lock[k] === 1)) continue;
        const d = effectAt(net, k, x);
        if (sel[k] === 1 && d < 0) drawers.push([k, net.weightF[k]! / -d]);
        else if (sel[k] === 0 && d > 0) feeders.push(k);
      }
      work.steps += this.at.start[x + 1]! - this.at.start[x]!;
      drawers.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      feeders.sort((a, b) => net.weightF[b]! - net.weightF[a]! || a - b);
      const first = x === region[0];
      const dq = first ? FIRST_DRAWERS : GROWN_DRAWERS;
      const fq = first ? FIRST_FEEDERS : GROWN_FEEDERS;
      for (let j = 0; j < drawers.length && j < dq && out.length < SHORT_REPAIR_ITEMS_MAX; j++)
        if (this.mark[drawers[j]![0]] === 0) this.take(drawers[j]![0], out);
      for (let j = 0; j < feeders.length && j < fq && out.length < SHORT_REPAIR_ITEMS_MAX; j++) if (this.mark[feeders[j]!] === 0) this.take(feeders[j]!, out);
    }
    for (const k of out) this.mark[k] = 0;
    return out;
  }

  private take(k: number, out: number[]): void {
    this.mark[k] = 1;
    out.push(k);
  }

  /** Local nodes of the freed items, the room each keeps without the selected ones, and the least it may end at. */
  private buildSub(items: number[], sel: Uint8Array, slack: Float64Array): Sub {
    const net = this.net;
    const nodes: number[] = [];
    const resid: number[] = [];
    const lo: number[] = [];
    for (const k of items) {
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
        const x = net.effNode[e]!;
        if (this.local[x] === -1) {
          this.local[x] = nodes.length;
          nodes.push(x);
          resid.push(slack[x]!);
          // The region ends whole; any other node no worse than it is now (at or above zero when it has room).
          lo.push(this.inRegion[x] === 1 ? 0 : Math.min(0, slack[x]!));
        }
        if (sel[k] === 1) resid[this.local[x]!]! -= net.effF[e]!;
      }
    }
    return { items, nodes, resid, lo };
  }

  /**
   * Depth-first branch and bound over the freed items, heaviest first, settling
   * before skipping: cut when the undecided weight cannot beat the best by a
   * unit, or when a node stays below its floor even if every undecided item
   * feeding it settled. Returns the choice of most value (one flag per freed
   * item) that keeps every node at or above its floor, or null (none, or none
   * found within SUB_STEPS_MAX steps).
   */
  private search(sub: Sub, work: WorkCounter): Uint8Array | null {
    return searchRegion(this.net, { ...sub, local: this.local }, { better_than: Number.NEGATIVE_INFINITY, check_reach: true, steps_max: SUB_STEPS_MAX }, work);
  }

  /** Grows the region by the payees (not yet in it) its selected freed items feed most; false when there are none. */
  private growRegion(region: number[], sub: Sub, sel: Uint8Array): boolean {
    const net = this.net;
    const fed = new Map<number, number>();
    for (const k of sub.items) {
      if (sel[k] !== 1) continue;
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
        const x = net.effNode[e]!;
        if (net.effF[e]! > 0 && this.inRegion[x] === 0) fed.set(x, (fed.get(x) ?? 0) + net.effF[e]!);
      }
    }
    const add = [...fed].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, GROW_NODES);
    for (const [x] of add) {
      region.push(x);
      this.inRegion[x] = 1;
    }
    return add.length > 0;
  }

  /** Writes the choice into the selection and the slacks. */
  private apply(sub: Sub, choice: Uint8Array, sel: Uint8Array, slack: Float64Array, log: RepairLog | null): void {
    const net = this.net;
    sub.items.forEach((k, i) => {
      const want = choice[i]!;
      if (sel[k] === want) return;
      flip(net, k, want, sel, slack);
      if (log !== null) log.push(want === 1 ? k : ~k);
    });
  }
}

interface Sub {
  items: number[];
  nodes: number[];
  resid: number[];
  lo: number[];
}

/** Settles (want 1) or drops (want 0) item k, keeping the slacks. */
export function flip(net: ItemEffects, k: number, want: number, sel: Uint8Array, slack: Float64Array): void {
  const sign = want === 1 ? 1 : -1;
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += sign * net.effF[e]!;
  sel[k] = want;
}

/** Undoes the logged changes, latest first. */
export function undoLog(net: ItemEffects, log: RepairLog, sel: Uint8Array, slack: Float64Array): void {
  for (let j = log.length - 1; j >= 0; j--) {
    const x = log[j]!;
    if (x >= 0) flip(net, x, 0, sel, slack);
    else flip(net, ~x, 1, sel, slack);
  }
  log.length = 0;
}

function effectAt(net: ItemEffects, k: number, n: number): number {
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (net.effNode[e] === n) return net.effF[e]!;
  return 0;
}

/**
 * Where no exact re-choice near a short node exists (every payee it could drop
 * a payment to is without room, and so are theirs: the cascade is deeper than a
 * region can hold), the cascade is taken one removal at a time, and after each,
 * chain removal (lsm_chain_removal.ts) runs again: the node the removal left
 * short may now close a chain that the first pass could not. The removal is the
 * removal rule's, at the node shortest of all: the selected item drawing on it
 * of least (weight + w x weight per unit x the deficit it pushes onto a node
 * without room) per unit of deficit covered. In place on `sel` and `slack`;
 * stops when no node is short or the work runs out (the caller's removal rule
 * then makes the rest whole).
 */
export function cascadeWithChains(net: ShortRepairNet, sel: Uint8Array, slack: Float64Array, work: WorkCounter, rng: Rng, w: number): void {
  for (;;) {
    removeChains(net, sel, slack, work, rng);
    let n = -1;
    for (let x = 0; x < net.nodes; x++) if (slack[x]! < 0 && (n < 0 || slack[x]! < slack[n]!)) n = x;
    work.steps += net.nodes;
    if (n < 0 || work.steps > work.max) return;
    const d = -slack[n]!;
    let pick = -1;
    let best = Infinity;
    for (let j = net.drawStart[n]!; j < net.drawStart[n + 1]!; j++) {
      const k = net.drawItems[j]!;
      if (sel[k] !== 1) continue;
      let covers = 0;
      let casc = 0;
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
        const x = net.effNode[e]!;
        const dx = net.effF[e]!;
        if (x === n) covers = -dx;
        else if (dx > 0) {
          const room = slack[x]! > 0 ? slack[x]! : 0;
          if (dx > room) casc += dx - room;
        }
      }
      const cost = (net.weightF[k]! + net.wpu[k]! * w * casc) / (covers < d ? covers : d);
      if (cost < best) {
        best = cost;
        pick = k;
      }
    }
    work.steps += net.drawStart[n + 1]! - net.drawStart[n]!;
    if (pick < 0) return;
    flip(net, pick, 0, sel, slack);
  }
}
