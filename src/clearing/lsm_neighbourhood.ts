// Exact neighbourhood search for the gridlock solver (lsm_linked.ts).
//
// This module owns one improvement phase: large-neighbourhood search whose moves
// are solved exactly. A move frees every item that touches one or two nodes (a
// node and a neighbour it shares an unsettled item with), keeps the rest of the
// selection fixed, and finds by branch and bound the best choice of the freed
// items against the room the fixed items leave each node. It is made for
// gridlocks where value hides behind a node that must balance nearly to the
// unit (a hub with no liquidity: settling one more cycle through it needs a
// second one that pays it back), which removal rules and single insertions
// cannot reach, and which an exact choice among a few dozen items finds.
//
// Pure and deterministic: the node order comes from the caller's seeded
// generator, the search stops on work steps only. Float arithmetic, so the
// caller runs it only when amounts are exact in float64 and re-checks the result
// exactly; it never returns a selection worse than it was given (a move is
// applied only when its exact sub-optimum is strictly better than what it frees).

import type { ItemEffects, Rng, WorkCounter } from './lsm.js';
import { itemsAtNodes, searchRegion } from './lsm_region_search.js';

/** What the phase reads of the solver's compiled problem (lsm_linked's Net has these fields). */
export interface NeighbourhoodNet extends ItemEffects {
  readonly capF: Float64Array;
}

/** Items freed per move at most (the exact sub-search is exponential in them, bounded by its step share). */
export const NEIGHBOURHOOD_ITEMS_MAX = 40;
/** A pass over the nodes that gains less than this share of the value is the last. */
const PASS_GAIN_MIN = 0.003;
/** Work steps one sub-search may take. */
const SUB_STEPS_MAX = 4_000;

/** The freed items of one move, in a local numbering, with the room the fixed items leave. */
interface Sub {
  items: number[];
  /** Local node per global node touched, -1 otherwise (reset after each move). */
  local: Int32Array;
  nodes: number[];
  resid: number[];
  floor: number;
}

/**
 * Improves `sel` in place (its float slacks in `slack`) by exact moves until a
 * whole pass over the nodes finds nothing or the work runs out. Returns whether
 * it improved anything.
 */
export function exactNeighbourhoods(net: NeighbourhoodNet, sel: Uint8Array, slack: Float64Array, work: WorkCounter, rng: Rng): boolean {
  if (net.m === 0 || net.nodes < 2) return false;
  const at = itemsAtNodes(net);
  const local = new Int32Array(net.nodes).fill(-1);
  const mark = new Uint8Array(net.m);
  const order = Int32Array.from({ length: net.nodes }, (_, n) => n);
  let improved = false;
  let value = 0;
  for (let k = 0; k < net.m; k++) if (sel[k] === 1) value += net.weightF[k]!;
  // Passes over the nodes until one finds nothing (each applied move gains at least a unit, so this ends).
  while (work.steps <= work.max) {
    for (let i = net.nodes - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let gained = 0;
    for (const a of order) {
      if (work.steps > work.max) break;
      const b = partner(net, at, sel, a, rng);
      if (b < 0) continue;
      const sub = freeItems(net, at, sel, slack, a, b, local, mark, rng);
      const best = searchRegion(net, { ...sub, lo: null }, { better_than: sub.floor, check_reach: false, steps_max: SUB_STEPS_MAX }, work);
      if (best !== null) gained += applyMove(net, sub, best, sel, slack);
      for (const n of sub.nodes) local[n] = -1;
    }
    if (gained > 0) improved = true;
    value += gained;
    // A pass that adds less than PASS_GAIN_MIN of the value ends the phase: later passes cost as much and gain less.
    if (gained <= PASS_GAIN_MIN * value) break;
  }
  return improved;
}

/** A neighbour of node a across one of its unsettled items (chosen at random), or a itself when none; -1 if a has nothing unsettled. */
function partner(net: NeighbourhoodNet, at: { start: Int32Array; items: Int32Array }, sel: Uint8Array, a: number, rng: Rng): number {
  let count = 0;
  let pick = -1;
  for (let j = at.start[a]!; j < at.start[a + 1]!; j++) {
    const k = at.items[j]!;
    if (sel[k] === 1) continue;
    // Reservoir sampling: one unsettled item, uniformly.
    if (rng.below(++count) === 0) pick = k;
  }
  if (pick < 0) return -1;
  const others: number[] = [];
  for (let e = net.effStart[pick]!; e < net.effStart[pick + 1]!; e++) if (net.effNode[e] !== a) others.push(net.effNode[e]!);
  return others.length === 0 ? a : others[rng.below(others.length)]!;
}

/** The items touching a or b (those touching both first, then the rest at random), at most NEIGHBOURHOOD_ITEMS_MAX. */
function freeItems(
  net: NeighbourhoodNet,
  at: { start: Int32Array; items: Int32Array },
  sel: Uint8Array,
  slack: Float64Array,
  a: number,
  b: number,
  local: Int32Array,
  mark: Uint8Array,
  rng: Rng,
): Sub {
  const both: number[] = [];
  const either: number[] = [];
  for (const n of a === b ? [a] : [a, b]) {
    for (let j = at.start[n]!; j < at.start[n + 1]!; j++) {
      const k = at.items[j]!;
      if (mark[k] === 1) {
        // Seen at a already: it joins a and b.
        if (n === b) both.push(k);
        continue;
      }
      mark[k] = 1;
      either.push(k);
    }
  }
  for (const k of either) mark[k] = 0;
  const bothSet = new Set(both);
  const rest = either.filter((k) => !bothSet.has(k));
  for (let i = rest.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  const items = [...both, ...rest].slice(0, NEIGHBOURHOOD_ITEMS_MAX);
  return buildSub(net, items, sel, slack, local);
}

/** Local nodes, the room each keeps without the freed items, and the weight they settle now. */
function buildSub(net: NeighbourhoodNet, items: number[], sel: Uint8Array, slack: Float64Array, local: Int32Array): Sub {
  const nodes: number[] = [];
  const resid: number[] = [];
  let floor = 0;
  for (const k of items) {
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const n = net.effNode[e]!;
      if (local[n] === -1) {
        local[n] = nodes.length;
        nodes.push(n);
        resid.push(slack[n]!);
      }
      if (sel[k] === 1) resid[local[n]!]! -= net.effF[e]!;
    }
    if (sel[k] === 1) floor += net.weightF[k]!;
  }
  return { items, local, nodes, resid, floor };
}

/** Writes the sub-search's choice into the selection and the slacks; returns the weight gained. */
function applyMove(net: NeighbourhoodNet, sub: Sub, choice: Uint8Array, sel: Uint8Array, slack: Float64Array): number {
  let gain = 0;
  sub.items.forEach((k, i) => {
    const want = choice[i]!;
    if (sel[k] === want) return;
    const sign = want === 1 ? 1 : -1;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += sign * net.effF[e]!;
    sel[k] = want;
    gain += sign * net.weightF[k]!;
  });
  return gain;
}
