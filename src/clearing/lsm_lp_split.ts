// The last shortfalls of a rounded LP point split over many neighbours at once,
// for the gridlock solver (lsm_linked.ts), rules version 11.
//
// This module owns one repair: from a selection that rules 10's paths left
// with some nodes still short (lsm_lp_paths.ts), each short node made whole
// by a SET of whole-item changes (drop a selected item it pays, settle an
// unselected item paid to it) that together cover its shortfall, each change
// taking from its own neighbour's room; a change that takes more than its
// neighbour's room has that neighbour make room the same way, a level deeper
// (at most `depth` levels), never taking from a node above it in the tree.
// Changes are taken cheapest per unit of shortfall covered first; at each node
// the tree is undone whole when it cannot cover its shortfall. Each item
// changes at most once. The result is whole only when no node is left short;
// the caller checks it exactly in bigint before use.
//
// Why (issue 16): on novel whales the paths leave a hub whose carry of
// 100-250 k must be split over many spokes with a few thousand of room each.
// A path passes a shortfall on from one node to one node; the repairs of
// rules 7 after it (the removal rule's cascade) then dropped 43-45 M of 49 M.
// A cover at the hub takes a little from every spoke with room, and a spoke
// with too little makes the rest by its own changes.
//
// Pure and deterministic (work steps only; ties by item index); float
// arithmetic on exact integer amounts.

import type { WorkCounter } from './lsm.js';
import type { RepairNet } from './lsm_lp_repair.js';
import { changeCost, forEachChangeAt } from './lsm_lp_paths.js';
import { KeyedItems } from './lsm_order.js';
import { itemsAtNodes } from './lsm_region_search.js';

/** The repair's state: the selection, each node's room, the items still open to change, the changes so far (undo log). */
interface SplitState {
  readonly sel: Uint8Array;
  readonly slack: Float64Array;
  readonly open: Uint8Array;
  readonly log: number[];
  /** Rules 11, second try: a level may take back from the node just above it (see `cover`). */
  readonly takeBack: boolean;
  value: number;
  /** The candidates of the covers under way, one segment per level. */
  readonly cands: KeyedItems;
}

/**
 * `sel` (a whole selection) with each node it leaves short covered by a tree
 * of whole-item changes, largest shortfall first, each node by the fewest
 * levels of `depths` that cover it within a share of the work (NODE_SHARE);
 * the nodes no tree covered are tried once more at the deepest with all the
 * work left. Returns the new selection when no node is left short, else null
 * (also when the work ran out or the value fell below `minValue`). `cap` is
 * each node's room. With `takeBack`, a level may also take from the node just
 * above it beyond that node's room, as long as the change it makes whole
 * leaves that node better off than before (see `cover`).
 */
export function repairBySplit(
  net: RepairNet,
  cap: Float64Array,
  sel: Uint8Array,
  depths: readonly number[],
  work: WorkCounter,
  minValue: number,
  takeBack = false,
): Uint8Array | null {
  const st: SplitState = {
    sel: sel.slice(),
    slack: Float64Array.from(cap),
    open: new Uint8Array(net.m).fill(1),
    log: [],
    takeBack,
    value: 0,
    cands: new KeyedItems(),
  };
  for (let k = 0; k < net.m; k++) {
    if (st.sel[k] !== 1) continue;
    st.value += net.weightF[k]!;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) st.slack[net.effNode[e]!]! += net.effF[e]!;
  }
  work.steps += net.effStart[net.m]! + net.nodes;
  const gains = itemsAtNodes(net, true);
  const above = new Uint8Array(net.nodes);
  // The largest shortfall first: it needs the most of its neighbours' room.
  const short: number[] = [];
  for (let n = 0; n < net.nodes; n++) if (st.slack[n]! < 0) short.push(n);
  short.sort((a, b) => st.slack[a]! - st.slack[b]! || a - b);
  const failed: number[] = [];
  for (const n of short) {
    if (st.slack[n]! >= 0) continue;
    above[n] = 1;
    // The fewest levels first: most nodes need one or two, and a deeper tree costs far more work.
    // Each node's trees get at most a share of the work, so that one node no tree covers leaves the rest some.
    let ok = false;
    const mine = { steps: work.steps, max: Math.min(work.max, work.steps + Math.ceil(work.max * NODE_SHARE)) };
    for (const depth of depths) if (!ok && mine.steps <= mine.max) ok = cover(net, gains, st, n, depth, above, mine);
    work.steps = mine.steps;
    above[n] = 0;
    if (!ok) failed.push(n);
    if (work.steps > work.max || st.value < minValue) return null;
  }
  // The nodes that failed within their share, once more with all the work left (the deepest tree only).
  for (const n of failed) {
    above[n] = 1;
    const ok = cover(net, gains, st, n, depths[depths.length - 1]!, above, work);
    above[n] = 0;
    if (!ok || work.steps > work.max || st.value < minValue) return null;
  }
  return st.sel;
}

/** Changes item k (drops it when selected, else settles it), closes it and logs it. */
function flip(net: RepairNet, st: SplitState, k: number): void {
  const sign = st.sel[k] === 1 ? -1 : 1;
  st.sel[k] = sign > 0 ? 1 : 0;
  st.open[k] = st.open[k] === 1 ? 0 : 1;
  st.value += sign * net.weightF[k]!;
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) st.slack[net.effNode[e]!]! += sign * net.effF[e]!;
  st.log.push(k);
}

/** Undoes the changes logged after `mark`, last first. */
function undoTo(net: RepairNet, st: SplitState, mark: number): void {
  while (st.log.length > mark) {
    const k = st.log.pop()!;
    flip(net, st, k);
    st.log.pop();
  }
}

/**
 * Node v made whole (slack >= 0) by changes at v, cheapest per unit first; a
 * change that leaves another node short has that node covered a level deeper
 * (when `depth` allows and the node is not above v), else it is undone. Nodes
 * marked in `above` are never taken from beyond their room, except `parent`
 * (the node just above v; -1: none) on the second try (`takeBack`): on a PvP
 * trade a change at one account also takes from the same participant's other
 * account, whose every change takes from the first again, so that level may
 * take back from its parent, and the parent keeps the change only when it is
 * left better off than before it. On failure everything is undone.
 */
function cover(
  net: RepairNet,
  gains: { start: Int32Array; items: Int32Array },
  st: SplitState,
  v: number,
  depth: number,
  above: Uint8Array,
  work: WorkCounter,
  parent = -1,
): boolean {
  const start = st.log.length;
  // This call's candidates: a segment of the shared stack, above its caller's, below its callees'.
  const cands = st.cands;
  const base = cands.length;
  const consider = (k: number): void => {
    if (st.open[k] === 0) return;
    const sign = st.sel[k] === 1 ? -1 : 1;
    let gain = 0;
    let bad = false;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const u = net.effNode[e]!;
      const d = sign * net.effF[e]!;
      if (u === v) gain = d;
      else if (d < 0 && above[u] === 1 && u !== parent && -d > Math.max(0, st.slack[u]!)) bad = true;
    }
    work.steps += net.effStart[k + 1]! - net.effStart[k]! + 1;
    if (bad || gain <= 0) return;
    cands.push(changeCost(net, st.sel, k) / gain, k);
  };
  forEachChangeAt(net, gains, st.sel, v, consider);
  cands.sortFrom(base);
  const top = cands.length;
  // First the changes that land where there is room, then those that need a level deeper.
  for (const deeper of [false, true]) {
    if (deeper && depth <= 1) break;
    for (let c = base; c < top; c++) {
      const k = cands.items[c]!;
      if (st.slack[v]! >= 0 || work.steps > work.max) break;
      if (st.open[k] === 0) continue;
      const mark = st.log.length;
      const before = st.slack[v]!;
      flip(net, st, k);
      let ok = true;
      for (let e = net.effStart[k]!; ok && e < net.effStart[k + 1]!; e++) {
        const u = net.effNode[e]!;
        if (u === v || u === parent || st.slack[u]! >= 0) continue;
        // A node above v left short, or any node on the first pass: the change is undone.
        if (!deeper || above[u] === 1) {
          ok = false;
          break;
        }
        above[u] = 1;
        ok = cover(net, gains, st, u, depth - 1, above, work, st.takeBack ? v : -1);
        above[u] = 0;
      }
      // What the levels below took back from v must leave v better off than before the change.
      if (ok && st.takeBack && st.slack[v]! <= before) ok = false;
      if (!ok) undoTo(net, st, mark);
    }
  }
  cands.length = base;
  if (st.slack[v]! >= 0) return true;
  undoTo(net, st, start);
  return false;
}

/** A short node's trees take at most this share of the repair's work. */
const NODE_SHARE = 1 / 8;
