// Chain removal for the gridlock solver (lsm_linked.ts).
//
// This module owns one start of the solver's last phase: from "everything
// settles", make the short nodes whole by removing CHAINS of payments rather
// than single ones. A short node drops one of its payments; its payee, losing
// that inflow, drops one of its own payments of at least what it can no longer
// cover, and so on, until a node absorbs the loss in its room or the chain
// returns to the node it started from. Each step takes, of the payments that
// cover the loss, the one of least weight, and the search backtracks (depth
// first, a step budget per start) when no payment covers it.
//
// It is made for gridlocks of long cycles of nearly equal amounts and little
// liquidity (issue 16's long_cycles family: 0.53 of the optimum), where the
// optimum settles nearly everything: the removal rule, dropping the payment that
// costs least per unit of a node's deficit, starts a cascade along every cycle
// it cuts (each payee then lacks its inflow) and ends with about half the value.
// Dropping a chain that closes on itself costs each node only the difference
// between what it pays and receives on it.
//
// Only payments (items with one paying and one receiving node) take part; a
// node no chain can make whole is left short for the caller's removal rule.
// Pure and deterministic (the caller's seeded generator, work steps only); float
// arithmetic, run only where amounts are exact in float64, and the caller
// re-checks the result exactly.

import type { Rng, WorkCounter } from './lsm.js';
import { payeeEffect, payerOf, type CycleNet } from './lsm_cycles.js';

/** Payments per chain at most. */
const CHAIN_LENGTH_MAX = 48;
/** Search steps per short node and attempt. */
const STEPS_PER_START = 600;

/**
 * Removes chains of selected payments (in place on `sel` and its float slacks)
 * while some short node can be made whole or less short by one; nodes in a
 * seeded order. Returns whether anything was removed.
 */
export function removeChains(net: CycleNet, sel: Uint8Array, slack: Float64Array, work: WorkCounter, rng: Rng): boolean {
  const onPath = new Uint8Array(net.nodes);
  const path: number[] = [];
  const order = Int32Array.from({ length: net.nodes }, (_, n) => n);
  for (let i = net.nodes - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let any = false;
  for (const home of order) {
    while (slack[home]! < 0 && work.steps <= work.max) {
      path.length = 0;
      onPath[home] = 1;
      const budget = { left: STEPS_PER_START };
      const found = firstStep(net, sel, slack, onPath, path, home, budget);
      work.steps += STEPS_PER_START - budget.left + 1;
      onPath[home] = 0;
      for (const k of path) onPath[net.effNode[payeeEffect(net, k)]!] = 0;
      if (!found) break;
      for (const k of path) drop(net, sel, slack, k);
      any = true;
    }
  }
  return any;
}

/** From short node `home`: its selected payments, those covering its deficit first (least weight first), then the largest. */
function firstStep(net: CycleNet, sel: Uint8Array, slack: Float64Array, onPath: Uint8Array, path: number[], home: number, budget: { left: number }): boolean {
  const deficit = -slack[home]!;
  const cands = candidates(net, sel, home, deficit, budget);
  for (const k of cands) {
    const e = payeeEffect(net, k);
    const to = net.effNode[e]!;
    const a = net.effF[e]!;
    if (to === home || onPath[to] === 1) continue;
    path.push(k);
    onPath[to] = 1;
    // home now has slack + a (it pays a less); `to` lacks a.
    if (follow(net, sel, slack, onPath, path, to, a - slack[to]!, home, slack[home]! + a, budget)) return true;
    onPath[to] = 0;
    path.pop();
    if (budget.left < 0) return false;
  }
  return false;
}

/**
 * At node `at`, which must shed `need` (what it lost minus its room): done if
 * need <= 0; else one of its selected payments of at least `need` (least weight
 * first) to a node off the path, or back to `home` if home stays >= 0 or gains.
 */
function follow(
  net: CycleNet,
  sel: Uint8Array,
  slack: Float64Array,
  onPath: Uint8Array,
  path: number[],
  at: number,
  need: number,
  home: number,
  homeRoom: number,
  budget: { left: number },
): boolean {
  if (need <= 0) return true;
  if (path.length >= CHAIN_LENGTH_MAX || --budget.left < 0) return false;
  for (const k of candidates(net, sel, at, need, budget, true)) {
    const e = payeeEffect(net, k);
    const to = net.effNode[e]!;
    const a = net.effF[e]!;
    if (to === home) {
      // Closing the chain: home loses this inflow; worth it only if home ends no worse than before the chain.
      if (homeRoom - a >= Math.min(0, slack[home]! + 1)) {
        path.push(k);
        return true;
      }
      continue;
    }
    if (onPath[to] === 1) continue;
    path.push(k);
    onPath[to] = 1;
    if (follow(net, sel, slack, onPath, path, to, a - slack[to]!, home, homeRoom, budget)) return true;
    onPath[to] = 0;
    path.pop();
    if (budget.left < 0) return false;
  }
  return false;
}

/**
 * The selected payments node n pays, as candidates to drop: those of at least
 * `need` by weight ascending; unless `covering`, then the rest by amount
 * descending. At most a few of each (the search is depth first).
 */
function candidates(net: CycleNet, sel: Uint8Array, n: number, need: number, budget: { left: number }, covering = false): number[] {
  // Only the first CHOICES_MAX of each order are tried: kept as they come instead of sorting all (the same first ones).
  const cover = new FirstFew();
  const rest = new FirstFew();
  budget.left -= net.drawStart[n + 1]! - net.drawStart[n]!;
  for (let j = net.drawStart[n]!; j < net.drawStart[n + 1]!; j++) {
    const k = net.drawItems[j]!;
    if (sel[k] !== 1) continue;
    const e = payeeEffect(net, k);
    if (e < 0 || payerOf(net, k, e) !== n) continue;
    // Least weight first; the rest largest amount first (negated: exact).
    if (net.effF[e]! >= need) cover.offer(net.weightF[k]!, k);
    else if (!covering) rest.offer(-net.effF[e]!, k);
  }
  return [...cover.ks, ...rest.ks];
}

/**
 * The first CHOICES_MAX items by key ascending, ties by item ascending: what a
 * sort by `(x, y) => key(x) - key(y) || x - y` puts first, for keys that are
 * never NaN (weights and amounts: finite), whatever order they are offered in.
 */
export class FirstFew {
  readonly keys: number[] = [];
  readonly ks: number[] = [];

  offer(key: number, k: number): void {
    const { keys, ks } = this;
    let p = keys.length;
    while (p > 0 && (keys[p - 1]! > key || (keys[p - 1] === key && ks[p - 1]! > k))) p--;
    if (p >= CHOICES_MAX) return;
    keys.splice(p, 0, key);
    ks.splice(p, 0, k);
    if (keys.length > CHOICES_MAX) {
      keys.pop();
      ks.pop();
    }
  }
}

/** Candidates tried per node and kind. */
export const CHOICES_MAX = 4;

function drop(net: CycleNet, sel: Uint8Array, slack: Float64Array, k: number): void {
  sel[k] = 0;
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! -= net.effF[e]!;
}
