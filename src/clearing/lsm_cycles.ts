// Cycle insertion for the gridlock solver (lsm_linked.ts).
//
// This module owns one improvement move: settle a closed chain of unsettled
// payments at once. From an unsettled payment u -> v it searches, depth first,
// for a path of unsettled payments from v back to u such that every node on it
// can pay its next payment out of its room plus what it just received, and u
// ends with room >= 0; the whole cycle is then settled. Removal and single
// insertions cannot find such a set when no node has the liquidity to start it
// (a long cycle with nearly equal amounts settles only whole), and the exact
// neighbourhood moves see at most two nodes' items at a time.
//
// Only items with one paying node and one receiving node (payments) take part.
// Pure and deterministic (the caller's seeded generator, work steps only); float
// arithmetic, run only where amounts are exact in float64, and the caller
// re-checks the result exactly. It only adds items, so the value never falls.

import type { ItemEffects, Rng, WorkCounter } from './lsm.js';

/** What the move reads of the solver's compiled problem (lsm_linked's Net has these fields). */
export interface CycleNet extends ItemEffects {
  /** Per node, the items that draw on it, by weight, largest first. */
  readonly drawStart: Int32Array;
  readonly drawItems: Int32Array;
}

/** Payments per cycle at most. */
export const CYCLE_LENGTH_MAX = 48;
/** Search steps per starting payment. */
const STEPS_PER_START = 400;

/**
 * For an item with one paying and one receiving node (a payment), the index of
 * its receiving effect (the paying one is the other of its two); else -1. An
 * index, not an object: the search calls this at every step.
 */
export function payeeEffect(net: CycleNet, k: number): number {
  const a = net.effStart[k]!;
  if (net.effStart[k + 1]! - a !== 2) return -1;
  const b = a + 1;
  if (net.effF[a]! < 0 && net.effF[b]! === -net.effF[a]!) return b;
  if (net.effF[b]! < 0 && net.effF[a]! === -net.effF[b]!) return a;
  return -1;
}

/** The paying node of a payment whose receiving effect is `e`. */
export function payerOf(net: CycleNet, k: number, e: number): number {
  return net.effNode[e === net.effStart[k] ? e + 1 : e - 1]!;
}

/**
 * Settles cycles of unsettled payments found from each unsettled payment (in a
 * seeded order), in place on `sel` and its float slacks; repeats while a pass
 * settles something and work is left. Returns whether anything settled.
 */
export function insertCycles(net: CycleNet, sel: Uint8Array, slack: Float64Array, work: WorkCounter, rng: Rng): boolean {
  const onPath = new Uint8Array(net.nodes);
  const path: number[] = [];
  const order = Int32Array.from({ length: net.m }, (_, k) => k);
  let any = false;
  for (let gained = true; gained && work.steps <= work.max; ) {
    gained = false;
    for (let i = net.m - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const p of order) {
      if (work.steps > work.max) break;
      if (sel[p] === 1) continue;
      const e = payeeEffect(net, p);
      if (e < 0) continue;
      const from = payerOf(net, p, e);
      const to = net.effNode[e]!;
      const amount = net.effF[e]!;
      path.length = 0;
      path.push(p);
      onPath[from] = 1;
      onPath[to] = 1;
      const budget = { left: STEPS_PER_START };
      const closed = extend(net, sel, slack, onPath, path, to, slack[to]! + amount, from, slack[from]! - amount, budget);
      work.steps += STEPS_PER_START - budget.left + 1;
      // Every node on the path but the start is the payee of one of its payments.
      onPath[from] = 0;
      for (const k of path) onPath[net.effNode[payeeEffect(net, k)]!] = 0;
      if (!closed) continue;
      for (const k of path) settle(net, sel, slack, k);
      gained = any = true;
    }
  }
  return any;
}

/**
 * Depth first from node `at` holding `avail` (its room plus what it received):
 * pays on with an unsettled payment it can afford, heaviest first, to a node
 * not yet on the path, until one closes at `home` (which then needs `homeRoom`
 * plus the closing payment >= 0). Leaves the cycle in `path` when it succeeds.
 */
function extend(
  net: CycleNet,
  sel: Uint8Array,
  slack: Float64Array,
  onPath: Uint8Array,
  path: number[],
  at: number,
  avail: number,
  home: number,
  homeRoom: number,
  budget: { left: number },
): boolean {
  if (path.length >= CYCLE_LENGTH_MAX) return false;
  for (let j = net.drawStart[at]!; j < net.drawStart[at + 1]!; j++) {
    if (--budget.left < 0) return false;
    const q = net.drawItems[j]!;
    if (sel[q] === 1) continue;
    const e = payeeEffect(net, q);
    if (e < 0 || net.effF[e]! > avail) continue;
    const to = net.effNode[e]!;
    const amount = net.effF[e]!;
    if (to === home) {
      if (homeRoom + amount < 0) continue;
      path.push(q);
      return true;
    }
    if (onPath[to] === 1) continue;
    path.push(q);
    onPath[to] = 1;
    if (extend(net, sel, slack, onPath, path, to, slack[to]! + amount, home, homeRoom, budget)) return true;
    onPath[to] = 0;
    path.pop();
  }
  return false;
}

function settle(net: CycleNet, sel: Uint8Array, slack: Float64Array, k: number): void {
  sel[k] = 1;
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += net.effF[e]!;
}
