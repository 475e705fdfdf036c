// Whole-item paths that repair a rounded LP point for the gridlock solver
// (lsm_linked.ts), rules version 10.
//
// This module owns one repair: from a point of the LP relaxation (rules 8's
// dive, lsm_lp.ts), the items it settles at least a threshold of, and each node
// that leaves short made whole by the cheapest PATH of whole-item changes that
// a best-first search finds: at the short node, drop a selected item it pays
// or settle an unselected item paid to it; what such changes take from ONE
// other node beyond its room, that node must pass on the same way, until the
// changes land where there is room. At each node of a path the search may also
// take changes that land at once (their payees' or payers' room counted), the
// cheapest per unit first, and pass on only the rest; or several changes that
// all take from the same neighbour. A path's cost is the weight it drops less
// the weight it settles. When no path of at most a given number of labels
// carries a node's whole shortfall, a half of it, a quarter, ... (to a
// sixteenth) is carried by each path in turn. Each item changes at most once,
// so the repair ends. What it leaves short the caller repairs (rules 7's
// repairs), and re-checks the result exactly in bigint.
//
// Why (issue 16): rules 9's repair takes one change at a time, by what it
// costs at the short node and its neighbours, and its cascade can go round
// cycles of hubs (novel whales, pvp_legs) until its value floor stops it. A
// search over whole paths sees where a path ends before it takes a first step.
// A min-cost flow over the same arcs (fractional) was tried first: it moved the
// whole shortfall, but through a hundred items in part (the LP's point again),
// and rounding it left the shortfall where it was (docs/benchmarks.md). On
// whales the paths still leave 0.3-0.7 M short at 8-20 nodes (a hub's carry
// must split over many small rooms), and what repairs that loses the rest.
//
// Pure and deterministic (work steps only; labels in a heap by cost, ties by
// label order); float arithmetic on exact integer amounts.

import type { WorkCounter } from './lsm.js';
import type { RepairNet } from './lsm_lp_repair.js';
import { KeyedItems, LabelGroups } from './lsm_order.js';
import { itemsAtNodes } from './lsm_region_search.js';

/** The search's labels: a node with what it must still pass on, the cost so far, the changes that led there. */
class Labels {
  node: number[] = [];
  carry: number[] = [];
  cost: number[] = [];
  items: number[][] = [];
  parent: number[] = [];
  add(node: number, carry: number, cost: number, items: number[], parent: number): number {
    this.node.push(node);
    this.carry.push(carry);
    this.cost.push(cost);
    this.items.push(items);
    this.parent.push(parent);
    return this.node.length - 1;
  }
  /** Whether the path to label l already changes item k, or (node >= 0) passes on from that node. */
  onPath(l: number, k: number, node: number): boolean {
    for (let p = l; p >= 0; p = this.parent[p]!) {
      if (k >= 0 && this.items[p]!.includes(k)) return true;
      if (node >= 0 && this.node[p] === node) return true;
    }
    return false;
  }
}

/** The repair's state: the selection, each node's room, the items it may change. */
interface PathState {
  readonly sel: Uint8Array;
  readonly slack: Float64Array;
  /** 1: may still change; 0: changed once already. */
  readonly open: Uint8Array;
  value: number;
  /** absorb's and movesOn's candidates (reused). */
  readonly cands: KeyedItems;
  readonly moves: MoveEntries;
  readonly groups: LabelGroups;
}

/**
 * The items `x` settles at least `threshold` of, each short node then made
 * whole (as far as paths of at most `labelsMax` labels find) by whole-item
 * paths; returns the selection, some nodes maybe still short. Null when the
 * work ran out or the value fell below `minValue` (`stopped`, when given, is
 * then called with the selection so far, unless the value fell). `cap` is each
 * node's room.
 */
export function repairByPaths(
  net: RepairNet,
  cap: Float64Array,
  x: Float64Array,
  threshold: number,
  labelsMax: number,
  work: WorkCounter,
  minValue: number,
  stopped?: (sel: Uint8Array) => void,
): Uint8Array | null {
  const st: PathState = {
    sel: new Uint8Array(net.m),
    slack: Float64Array.from(cap),
    open: new Uint8Array(net.m),
    value: 0,
    cands: new KeyedItems(),
    moves: new MoveEntries(),
    groups: new LabelGroups(net.nodes),
  };
  for (let k = 0; k < net.m; k++) {
    if (x[k]! >= threshold) {
      st.sel[k] = 1;
      st.value += net.weightF[k]!;
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) st.slack[net.effNode[e]!]! += net.effF[e]!;
    }
  }
  // Every item may change once (settling only the items the point settles in part found nothing on the bench).
  st.open.fill(1);
  work.steps += net.effStart[net.m]!;
  const gains = itemsAtNodes(net, true);
  const queue: number[] = [];
  for (let n = 0; n < net.nodes; n++) if (st.slack[n]! < 0) queue.push(n);
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head]!;
    while (st.slack[n]! < 0) {
      if (work.steps > work.max || st.value < minValue) {
        // Rules 11: the selection where the work ran out, for the split (rules 10 returns nothing).
        if (stopped !== undefined && st.value >= minValue) stopped(st.sel.slice());
        return null;
      }
      // The whole shortfall by one path, else a half, a quarter, ... of it by each (the rest by the next).
      let path: number[] | null = null;
      for (let part = 1; path === null && part <= SPLIT_MAX; part *= 2) path = cheapestPath(net, gains, st, n, -st.slack[n]! / part, labelsMax, work);
      if (path === null) break;
      for (const k of path) applyChange(net, st, k, queue);
    }
  }
  return st.sel;
}

/** Changes item k (drops it when selected, else settles it) for good; queues the nodes it leaves short. */
function applyChange(net: RepairNet, st: PathState, k: number, queue: number[]): void {
  const sign = st.sel[k] === 1 ? -1 : 1;
  st.sel[k] = sign > 0 ? 1 : 0;
  st.open[k] = 0;
  st.value += sign * net.weightF[k]!;
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
    const v = net.effNode[e]!;
    const before = st.slack[v]!;
    st.slack[v] = before + sign * net.effF[e]!;
    if (before >= 0 && st.slack[v]! < 0) queue.push(v);
  }
}

/**
 * The cheapest path of changes from short node s (best first by cost, at most
 * labelsMax labels expanded), as its items in order; null when none lands.
 */
function cheapestPath(
  net: RepairNet,
  gains: { start: Int32Array; items: Int32Array },
  st: PathState,
  s: number,
  carry: number,
  labelsMax: number,
  work: WorkCounter,
): number[] | null {
  const L = new Labels();
  L.add(s, carry, 0, [], -1);
  const heap = new MinHeap();
  heap.push(0, 0);
  let best = -1;
  for (let expanded = 0; heap.size > 0 && expanded < labelsMax; expanded++) {
    const l = heap.pop();
    if (best >= 0 && L.cost[l]! >= L.cost[best]!) break;
    const v = L.node[l]!;
    const tail = absorb(net, gains, st, v, L.carry[l]!, (k) => L.onPath(l, k, -1), work);
    if (tail.left <= 0) {
      if (best < 0 || L.cost[l]! + tail.cost < L.cost[best]!) best = L.add(-1, 0, L.cost[l]! + tail.cost, tail.items, l);
    } else if (tail.items.length > 0 && (l === 0 || L.node[L.parent[l]!] !== v)) {
      // What lands where there is room, the rest passed on from v (once per node on the path).
      heap.push(L.cost[l]! + tail.cost, L.add(v, tail.left, L.cost[l]! + tail.cost, tail.items, l));
    }
    for (const mv of movesOn(net, gains, st, v, L.carry[l]!, (k) => L.onPath(l, k, -1), work)) {
      if (mv.carry <= 0) {
        if (best < 0 || L.cost[l]! + mv.cost < L.cost[best]!) best = L.add(-1, 0, L.cost[l]! + mv.cost, mv.items, l);
        continue;
      }
      if (L.onPath(l, -1, mv.node)) continue;
      heap.push(L.cost[l]! + mv.cost, L.add(mv.node, mv.carry, L.cost[l]! + mv.cost, mv.items, l));
    }
  }
  if (best < 0) return null;
  const path: number[][] = [];
  for (let p = best; p > 0; p = L.parent[p]!) path.push(L.items[p]!);
  return path.reverse().flat();
}

/** A step of a path: the changes at a node, the node that must pass on next and what, and their cost. */
interface MoveOn {
  readonly items: number[];
  readonly node: number;
  readonly carry: number;
  readonly cost: number;
}

/** Calls `visit` with each change open at node v: a selected item drawing on v (to drop), then an unselected item paying into v (to settle). */
export function forEachChangeAt(net: RepairNet, gains: { start: Int32Array; items: Int32Array }, sel: Uint8Array, v: number, visit: (k: number) => void): void {
  for (let j = net.drawStart[v]!; j < net.drawStart[v + 1]!; j++) if (sel[net.drawItems[j]!] === 1) visit(net.drawItems[j]!);
  for (let j = gains.start[v]!; j < gains.start[v + 1]!; j++) if (sel[gains.items[j]!] === 0) visit(gains.items[j]!);
}

/** What changing item k costs: its weight to drop it, minus its weight to settle it. */
export function changeCost(net: RepairNet, sel: Uint8Array, k: number): number {
  return sel[k] === 1 ? net.weightF[k]! : -net.weightF[k]!;
}

/**
 * The ways on from node v with `carry` to pass on: per neighbour u, the changes
 * at v whose takings beyond room fall on u alone, cheapest per unit first,
 * until they cover the carry (u then passes on what they take beyond its
 * room); and each such change that covers the carry alone.
 */
function movesOn(
  net: RepairNet,
  gains: { start: Int32Array; items: Int32Array },
  st: PathState,
  v: number,
  carry: number,
  used: (k: number) => boolean,
  work: WorkCounter,
): MoveOn[] {
  // Per neighbour u (ascending), the changes whose takings beyond room fall on u, cheapest per unit first (ties: item).
  const cands = st.cands;
  cands.length = 0;
  const mv = st.moves;
  let entries = 0;
  const consider = (k: number): void => {
    if (st.open[k] === 0 || used(k)) return;
    const t = taker(net, st, k, v, work);
    if (t === null) return;
    const cost = changeCost(net, st.sel, k);
    mv.reserve(entries + 1);
    mv.node[entries] = t.node;
    mv.gain[entries] = t.gain;
    mv.taken[entries] = t.taken;
    cands.push(cost / t.gain, k, entries++);
  };
  forEachChangeAt(net, gains, st.sel, v, consider);
  cands.sortFrom(0);
  const groups = st.groups;
  groups.group(cands, mv.node);
  const out: MoveOn[] = [];
  for (let g = 0; g < groups.labels.length; g++) {
    const u = groups.labels[g]!;
    const from = g === 0 ? 0 : groups.ends[g - 1]!;
    const to = groups.ends[g]!;
    const room = Math.max(0, st.slack[u]!);
    for (let c = from; c < to; c++) {
      const i = groups.order[c]!;
      const k = cands.items[i]!;
      const e = cands.extra[i]!;
      if (mv.gain[e]! >= carry) out.push({ items: [k], node: u, carry: mv.taken[e]! - room, cost: changeCost(net, st.sel, k) });
    }
    const items: number[] = [];
    let got = 0;
    let took = 0;
    let cost = 0;
    for (let c = from; c < to; c++) {
      if (got >= carry) break;
      const i = groups.order[c]!;
      const k = cands.items[i]!;
      const e = cands.extra[i]!;
      items.push(k);
      got += mv.gain[e]!;
      took += mv.taken[e]!;
      cost += changeCost(net, st.sel, k);
    }
    if (got >= carry && items.length > 1) out.push({ items, node: u, carry: took - room, cost });
  }
  return out;
}

/** movesOn's entries (the neighbour each change takes from, its gain at v, what it takes), reused. */
class MoveEntries {
  node = new Int32Array(16);
  gain = new Float64Array(16);
  taken = new Float64Array(16);

  reserve(n: number): void {
    if (this.node.length >= n) return;
    const c = Math.max(n, 2 * this.node.length);
    const node = new Int32Array(c);
    const gain = new Float64Array(c);
    const taken = new Float64Array(c);
    node.set(this.node);
    gain.set(this.gain);
    taken.set(this.taken);
    this.node = node;
    this.gain = gain;
    this.taken = taken;
  }
}

/**
 * Node v's `carry` covered by changes that each land where there is room (the
 * room each takes counted), cheapest per unit first, as far as they go: the
 * changes, their cost, and what is left to cover (<= 0: all of it).
 */
function absorb(
  net: RepairNet,
  gains: { start: Int32Array; items: Int32Array },
  st: PathState,
  v: number,
  carry: number,
  used: (k: number) => boolean,
  work: WorkCounter,
): { items: number[]; cost: number; left: number } {
  const cands = st.cands;
  cands.length = 0;
  const consider = (k: number): void => {
    if (st.open[k] === 0 || used(k)) return;
    const gain = landingGain(net, st, k, v, work);
    if (gain <= 0) return;
    const cost = changeCost(net, st.sel, k);
    cands.push(cost / gain, k, gain);
  };
  forEachChangeAt(net, gains, st.sel, v, consider);
  cands.sortFrom(0);
  const took = new Map<number, number>();
  const items: number[] = [];
  let cost = 0;
  let left = carry;
  for (let c = 0; c < cands.length; c++) {
    const k = cands.items[c]!;
    const gain = cands.extra[c]!;
    if (left <= 0) break;
    if (!fitsRoom(net, st, k, v, took)) continue;
    items.push(k);
    cost += changeCost(net, st.sel, k);
    left -= gain;
  }
  return { items, cost, left };
}

/** Whether change k's takings from nodes other than v fit their room left after `took`; counts them in. */
function fitsRoom(net: RepairNet, st: PathState, k: number, v: number, took: Map<number, number>): boolean {
  const sign = st.sel[k] === 1 ? -1 : 1;
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
    const u = net.effNode[e]!;
    const d = sign * net.effF[e]!;
    if (u !== v && d < 0 && Math.max(0, st.slack[u]!) - (took.get(u) ?? 0) + d < 0) return false;
  }
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
    const u = net.effNode[e]!;
    const d = sign * net.effF[e]!;
    if (u !== v && d < 0) took.set(u, (took.get(u) ?? 0) - d);
  }
  return true;
}

/** What changing item k gains node v when every other node it takes from has room for it (else 0). */
function landingGain(net: RepairNet, st: PathState, k: number, v: number, work: WorkCounter): number {
  const sign = st.sel[k] === 1 ? -1 : 1;
  let gain = 0;
  work.steps += net.effStart[k + 1]! - net.effStart[k]! + 1;
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
    const u = net.effNode[e]!;
    const d = sign * net.effF[e]!;
    if (u === v) gain = d;
    else if (d < 0 && -d > Math.max(0, st.slack[u]!)) return 0;
  }
  return Math.max(0, gain);
}

/**
 * Changing item k at node v: what v gains, and the one other node that takes
 * from it (the one beyond its room when there are several; null when more than
 * one is, or none, or v gains nothing) and how much.
 */
function taker(net: RepairNet, st: PathState, k: number, v: number, work: WorkCounter): { gain: number; node: number; taken: number } | null {
  const sign = st.sel[k] === 1 ? -1 : 1;
  let gain = 0;
  let node = -1;
  let taken = 0;
  let beyond = 0;
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
    const u = net.effNode[e]!;
    const d = sign * net.effF[e]!;
    if (u === v) gain = d;
    else if (d < 0) {
      const over = -d > Math.max(0, st.slack[u]!);
      if (over) beyond++;
      if (node < 0 || over) {
        node = u;
        taken = -d;
      }
    }
  }
  work.steps += net.effStart[k + 1]! - net.effStart[k]! + 1;
  return gain <= 0 || node < 0 || beyond > 1 ? null : { gain, node, taken };
}

/** A binary heap of labels by cost (ties: the earlier label). */
class MinHeap {
  private readonly keys: number[] = [];
  private readonly vals: number[] = [];
  get size(): number {
    return this.vals.length;
  }
  push(key: number, val: number): void {
    this.keys.push(key);
    this.vals.push(val);
    for (let i = this.vals.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): number {
    const top = this.vals[0]!;
    const last = this.vals.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.vals.pop();
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      let s = i;
      if (l < last && this.less(l, s)) s = l;
      if (l + 1 < last && this.less(l + 1, s)) s = l + 1;
      if (s === i) break;
      this.swap(i, s);
      i = s;
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    return this.keys[a]! < this.keys[b]! || (this.keys[a] === this.keys[b] && this.vals[a]! < this.vals[b]!);
  }
  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.vals[a], this.vals[b]] = [this.vals[b]!, this.vals[a]!];
  }
}

/** A shortfall no one path covers is split in parts of at least 1 / SPLIT_MAX of it. */
const SPLIT_MAX = 16;
