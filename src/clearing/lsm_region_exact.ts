// Rules 13 (issue 16): exact re-choice of a two-participant region of an LSM
// run, by a branch and bound whose bound is the region's own LP relaxation.
//
// This module owns:
//  - regionBranchAndBound: over one region (its items, the nodes they can make
//    short, each node's room with every region item dropped, in bigint), the
//    choice of most weight, searched depth first; at each search node the
//    region's relaxation (lsm_lp.ts's bounded simplex, kept between nodes, so
//    each node re-optimises from its parent's point: a warm start) bounds what
//    the subtree can settle; a subtree is cut when that bound does not beat the
//    best by a unit; branching fixes the heaviest fractional item
//    at its nearer end first. Feasibility is decided
//    in bigint: a choice is kept only when every region node's room stays
//    >= 0 exactly. The relaxation's floats only guide and cut.
//  - (rules 16, 17) exactPairs and inRounds: every pair again, in participant
//    order or in the rounds of a round robin;
//  - exactRegions: over pairs of participants (a participant: the nodes a
//    PvP trade's legs join; one node when items have one leg), pairs sharing
//    the most unsettled weight first, each pair's region (every item with an
//    effect at either's nodes, at most REGION_ITEMS_MAX) re-chosen with the
//    rest of the selection fixed; a new choice replaces the old only when
//    strictly heavier by exact weight, so the selection never loses weight.
//
// Why (docs/benchmarks.md, "LSM rules version 13 not made"): the rules-4
// region search's only bound is the undecided weight, which on 100-item
// regions cuts nothing; HiGHS as the sub-solver on the same regions recovered
// most of the three worst bench instances' gap. Pure and deterministic: work
// steps only (the simplex counts its pivots' work), no clock.

import { exactChosenWeight, exactRoom, type ItemEffects, type WorkCounter } from './lsm.js';
import { BoundedLp, carve } from './lsm_lp.js';
import { RegionSearchMemo, regionKey } from './lsm_region_memo.js';

/** Items in a region at most (two participants' items; a hub's regions are larger and skipped). */
export const REGION_ITEMS_MAX = 128;
/** An item within this of 0 or 1 counts as whole in the relaxation's point. */
const WHOLE_TOLERANCE = 1e-6;
/** Participants at most for every pair to be tried (past it, only the pairs sharing an item). */
const PAIR_UNITS_MAX = 300;

/** One region as a problem of its own: local nodes (rows), the region's items (columns), exact and float. */
export interface ExactRegion extends ItemEffects {
  readonly effDelta: readonly bigint[];
  readonly weight: readonly bigint[];
  /** Per local node, its room with every region item dropped (may be < 0: the region's items must cover it). */
  readonly resid: readonly bigint[];
}

/** The outcome of one region's search: a strictly heavier choice than the start (or null), and whether the search finished. */
export interface RegionOutcome {
  readonly best: Uint8Array | null;
  readonly complete: boolean;
}

/** Whether `sel` keeps every node's room >= 0, exactly. */
export function regionFeasible(r: ExactRegion, sel: Uint8Array): boolean {
  return exactRoom(r, r.resid, sel).every((v) => v >= 0n);
}

/** The exact weight of `sel`. */
export function regionWeight(r: ExactRegion, sel: Uint8Array): bigint {
  return exactChosenWeight(r, sel);
}

/**
 * The region's relaxation, warm-started from `start`, on amounts and weights scaled by powers of two (exact) to
 * about 1: the simplex's tolerance is 1e-9 of the larger of both, and a slack's reduced cost is a weight per unit
 * of amount, so unscaled (weights of units, amounts of millions) it fell under the tolerance and the simplex
 * stopped short of the optimum. Its values are in units of `wScale`.
 */
function scaledRelaxation(r: ExactRegion, start: Uint8Array): { lp: BoundedLp; scaled: ItemEffects; wScale: number; cap: Float64Array } {
  const aScale = powerOfTwoBelow(r.effF);
  const wScale = powerOfTwoBelow(r.weightF);
  // The three arrays in one buffer (one region each, thousands a run).
  const buffer = new Float64Array(r.effF.length + r.m + r.nodes);
  const effF = buffer.subarray(0, r.effF.length);
  const weightF = buffer.subarray(r.effF.length, r.effF.length + r.m);
  const cap = buffer.subarray(r.effF.length + r.m);
  for (let e = 0; e < effF.length; e++) effF[e] = r.effF[e]! / aScale;
  for (let k = 0; k < r.m; k++) weightF[k] = r.weightF[k]! / wScale;
  for (let i = 0; i < r.nodes; i++) cap[i] = Number(r.resid[i]!) / aScale;
  const scaled: ItemEffects = { nodes: r.nodes, m: r.m, effStart: r.effStart, effNode: r.effNode, effF, weightF };
  const lp = new BoundedLp(scaled, cap, start);
  return { lp, scaled, wScale, cap };
}

/**
 * The choice of most weight over the region strictly heavier than `start` (a
 * feasible choice), found within `work` (its max is this search's limit);
 * `complete` when the search finished (then `best` is the optimum, or null
 * when `start` is one).
 */
export function regionBranchAndBound(r: ExactRegion, start: Uint8Array, work: WorkCounter, rcFix = false): RegionOutcome {
  const m = r.m;
  const { lp, scaled, wScale, cap } = scaledRelaxation(r, start);
  let bestW = regionWeight(r, start);
  let bestF = Number(bestW);
  let best: Uint8Array | null = null;
  let complete = true;
  const sel = new Uint8Array(m);
  const scratch = { y: new Float64Array(r.nodes), d: new Float64Array(m) };
  // The unit objective that moves an item to a bound, at the scaled weights' scale (see BoundedLp.fix).
  let unit = 1;
  for (let k = 0; k < m; k++) unit = Math.max(unit, scaled.weightF[k]!);
  for (let e = 0; e < r.effStart[m]!; e++) unit = Math.max(unit, Math.abs(scaled.effF[e]!));
  const visit = (): void => {
    if (!lp.optimise(work)) {
      complete = false;
      return;
    }
    const bound = lp.value() * wScale;
    // Weights are integers: a subtree must promise a unit more than the best (less a float tolerance).
    if (bound < bestF + 1 - 1e-9 * Math.max(1, Math.abs(bound))) return;
    const fixed = rcFix ? fixByReducedCost(lp, scaled, cap, (bestF + 1) / wScale, work, scratch) : null;
    branchOn();
    if (fixed !== null) for (const k of fixed) lp.unfix(k);
  };
  const branchOn = (): void => {
    const pick = branchItem(lp, r, work);
    if (pick < 0) {
      for (let k = 0; k < m; k++) sel[k] = lp.x(k) > 0.5 ? 1 : 0;
      const w = regionWeight(r, sel);
      if (w <= bestW) return;
      // The point is whole to a float tolerance: its rounding may still break a node by a unit (then not proven).
      if (!regionFeasible(r, sel)) {
        complete = false;
        return;
      }
      bestW = w;
      bestF = Number(w);
      best = sel.slice();
      return;
    }
    const upFirst = lp.x(pick) >= 0.5;
    for (const up of [upFirst, !upFirst]) {
      if (work.steps > work.max) {
        complete = false;
        return;
      }
      if (lp.fix(pick, up, work, unit)) visit();
      else if (work.steps > work.max) complete = false;
      lp.unfix(pick);
    }
  };
  visit();
  return { best, complete };
}

/**
 * Rules 16: reduced-cost fixing at a search node (after `lp.optimise`). From the node's duals y (clipped at 0), the
 * Lagrangian bound L = y.cap + sum over free items of max(0, d_k) + sum over fixed items of d_k x_k (d_k = w_k +
 * sum of y at k's effects, the item's reduced cost) holds for any y >= 0; a free item resting at a bound whose
 * other end would take L under `need` (the best plus a unit, scaled) is fixed where it rests for the subtree.
 * Returns the items fixed (the caller frees them on the way back). Floats only cut, as the search's own bound.
 */
function fixByReducedCost(
  lp: BoundedLp,
  r: ItemEffects,
  cap: Float64Array,
  need: number,
  work: WorkCounter,
  scratch: { readonly y: Float64Array; readonly d: Float64Array },
): number[] {
  const y = lp.pricesInto(scratch.y);
  const m = r.m;
  work.steps += r.effStart[m]! + m + r.nodes;
  let L = 0;
  for (let i = 0; i < r.nodes; i++) L += y[i]! * cap[i]!;
  const d = scratch.d;
  // The simplex's own reduced costs where they are these, bit for bit (BoundedLp.weightReducedCostsInto).
  const kept = lp.weightReducedCostsInto(d);
  const { effStart, effNode, effF, weightF } = r;
  const { lb, ub } = lp;
  for (let k = 0; k < m; k++) {
    let v: number;
    if (kept) v = d[k]!;
    else {
      v = weightF[k]!;
      const e1 = effStart[k + 1]!;
      for (let e = effStart[k]!; e < e1; e++) v += y[effNode[e]!]! * effF[e]!;
      d[k] = v;
    }
    if (lb[k] === ub[k]) L += v * lb[k]!;
    else if (v > 0) L += v;
  }
  const limit = need - 1e-9 * Math.max(1, Math.abs(L));
  const fixed: number[] = [];
  for (let k = 0; k < m; k++) {
    if (lb[k] === ub[k]) continue;
    const v = d[k]!;
    if (v > 0 ? L - v < limit : v < 0 && L + v < limit) {
      if (lp.fixResting(k, v > 0)) fixed.push(k);
    }
  }
  return fixed;
}

/**
 * The heaviest fractional item (ties: the smallest index), or -1 when the point is whole. Measured on the bench's
 * worst pvp_legs instance (one pass, 1 M steps a region): +22,615 against +10,630 for the most fractional and
 * +18,056 for weight x min(x, 1 - x).
 */
function branchItem(lp: BoundedLp, r: ExactRegion, work: WorkCounter): number {
  let pick = -1;
  let most = -1;
  work.steps += r.m;
  for (let k = 0; k < r.m; k++) {
    const v = lp.x(k);
    if (v <= WHOLE_TOLERANCE || v >= 1 - WHOLE_TOLERANCE) continue;
    const score = r.weightF[k]!;
    if (score > most) {
      most = score;
      pick = k;
    }
  }
  return pick;
}

/** The largest power of two at most the largest magnitude in `v` (1 when all are 0). */
function powerOfTwoBelow(v: Float64Array): number {
  let most = 0;
  for (const x of v) most = Math.max(most, Math.abs(x));
  return most > 0 ? 2 ** Math.floor(Math.log2(most)) : 1;
}

/** What exactRegions reads of a compiled run (lsm_linked.ts's Net). */
export interface RunEffects extends ItemEffects {
  readonly effDelta: readonly bigint[];
  readonly weight: readonly bigint[];
  readonly cap: readonly bigint[];
}

/** The limits of exactRegions: its whole work, and each region's. */
export interface RegionLimits {
  readonly steps_max: number;
  readonly region_steps_max: number;
  /**
   * Rules 14: when given, this share of `steps_max` first goes to the pairs' root relaxations (in pairOrder's
   * order), and the pairs are tried by how far their root bound exceeds their region's present weight (byRootGap).
   */
  readonly gap_share?: number;
}

/**
 * Re-chooses two-participant regions of `sel` (a feasible selection, changed
 * in place) exactly, pairs in order (see pairOrder), each replaced only when
 * strictly heavier by exact weight. `units`: each node's participant.
 * Returns how many regions changed.
 */
export function exactRegions(net: RunEffects, units: Int32Array, sel: Uint8Array, limits: RegionLimits, work: WorkCounter): number {
  const slack = exactRoom(net, net.cap, sel);
  work.steps += net.effStart[net.m]!;
  const byUnit = itemsByUnit(net, units);
  const phaseEnd = work.steps + limits.steps_max;
  let changed = 0;
  const inRegion = new Uint8Array(net.m);
  let pairs = pairOrder(net, units, byUnit, sel, work);
  // Rules 14: the pairs whose region's relaxation promises most over its present weight first.
  if (limits.gap_share !== undefined)
    pairs = byRootGap(net, byUnit, pairs, slack, sel, work, work.steps + Math.floor(limits.steps_max * limits.gap_share), inRegion);
  for (const [a, b] of pairs) {
    if (work.steps >= phaseEnd || work.steps > work.max) break;
    const items = regionItems(byUnit, a, b, inRegion);
    if (items.length === 0 || items.length > REGION_ITEMS_MAX) continue;
    if (reChoose(net, items, slack, sel, limits.region_steps_max, phaseEnd, work, null)) changed++;
  }
  return changed;
}

/**
 * Searches `items` of `sel` exactly (regionBranchAndBound, the rest of the selection fixed, within
 * `region_steps_max` steps and the phase's end `phaseEnd`) and applies the choice it returns, which is strictly heavier by exact weight, to `sel` and
 * `slack`; with `touched`, marks the participants (`touched.units`) of every changed item's effects. Whether
 * `sel` changed.
 */
function reChoose(
  net: RunEffects,
  items: readonly number[],
  slack: bigint[],
  sel: Uint8Array,
  region_steps_max: number,
  phaseEnd: number,
  work: WorkCounter,
  touched: { readonly units: Int32Array; readonly marks: Uint8Array } | null,
  rcFix = false,
): boolean {
  const { region: r, rows } = regionWithRows(net, items, slack, sel);
  work.steps += r.m + r.nodes;
  const start = Uint8Array.from(items, (k) => sel[k]!);
  const sub = { steps: 0, max: Math.min(region_steps_max, phaseEnd - work.steps) };
  // A search repeated from the same state is taken from the run's memo, with the steps it took (lsm_region_memo.ts).
  const memo = regionMemo(net);
  const key = regionKey(items, rows, r.resid, start, rcFix);
  const known = memo.lookup(key, sub.max);
  let best: Uint8Array | null;
  if (known !== null) {
    best = known.best;
    sub.steps = known.steps;
  } else {
    best = regionBranchAndBound(r, start, sub, rcFix).best;
    memo.remember(key, { best, gap: 0, steps: sub.steps, max: sub.max });
  }
  work.steps += sub.steps;
  if (best === null) return false;
  items.forEach((k, i) => {
    if (sel[k] === best[i]) return;
    const sign = best[i] === 1 ? 1n : -1n;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      slack[net.effNode[e]!]! += sign * net.effDelta[e]!;
      if (touched !== null) touched.marks[touched.units[net.effNode[e]!]!] = 1;
    }
    sel[k] = best[i]!;
  });
  return true;
}

/**
 * Rules 14: the regions of `pairs` (in that order) have their root relaxation solved until `until` steps; the
 * pairs whose root bound exceeds their region's present weight by at least a unit come first, the largest excess
 * first (ties: `pairs`' order); those whose bound does not are dropped (their region's search would stop at its
 * root); the pairs not reached follow in `pairs`' order. The bound is a float and only orders: a dropped pair's
 * region is one whose relaxation (to its tolerance) holds no unit more.
 */
function byRootGap(
  net: RunEffects,
  byUnit: readonly number[][],
  pairs: readonly [number, number][],
  slack: readonly bigint[],
  sel: Uint8Array,
  work: WorkCounter,
  until: number,
  mark: Uint8Array,
): [number, number][] {
  const gaps: { i: number; gap: number }[] = [];
  let i = 0;
  for (; i < pairs.length && work.steps < until; i++) {
    const items = regionItems(byUnit, pairs[i]![0], pairs[i]![1], mark);
    if (items.length === 0 || items.length > REGION_ITEMS_MAX) continue;
    const { region: r, rows } = regionWithRows(net, items, slack, sel);
    work.steps += r.m + r.nodes;
    const start = Uint8Array.from(items, (k) => sel[k]!);
    // A root relaxation repeated from the same state is taken from the run's memo, with its steps (lsm_region_memo.ts).
    const memo = regionMemo(net);
    const key = `root|${regionKey(items, rows, r.resid, start, false)}`;
    const room = work.max - work.steps;
    const known = memo.lookup(key, room);
    let gap: number;
    if (known !== null) {
      gap = known.gap;
      work.steps += known.steps;
    } else {
      const s0 = work.steps;
      gap = rootGap(r, start, work);
      memo.remember(key, { best: null, gap, steps: work.steps - s0, max: room });
    }
    if (gap >= 1) gaps.push({ i, gap });
  }
  gaps.sort((x, y) => y.gap - x.gap || x.i - y.i);
  return [...gaps.map((g) => pairs[g.i]!), ...pairs.slice(i)];
}

/**
 * The region's root relaxation (scaled as in regionBranchAndBound, warm-started from `start`) less the weight of
 * `start`; -1 when the work ran out first.
 */
export function rootGap(r: ExactRegion, start: Uint8Array, work: WorkCounter): number {
  const { lp, wScale } = scaledRelaxation(r, start);
  if (!lp.optimise(work)) return -1;
  return lp.value() * wScale - Number(regionWeight(r, start));
}

/** Per participant, the items with an effect at one of its nodes (item order, each once). */
function itemsByUnit(net: ItemEffects, units: Int32Array): number[][] {
  let count = 0;
  for (let n = 0; n < net.nodes; n++) count = Math.max(count, units[n]! + 1);
  const by: number[][] = Array.from({ length: count }, () => []);
  for (let k = 0; k < net.m; k++) {
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const list = by[units[net.effNode[e]!]!]!;
      if (list[list.length - 1] !== k) list.push(k);
    }
  }
  return by;
}

/** The participants of item k's effects, each once, in effect order. */
function itemUnits(net: ItemEffects, units: Int32Array, k: number): number[] {
  const at: number[] = [];
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
    const u = units[net.effNode[e]!]!;
    if (!at.includes(u)) at.push(u);
  }
  return at;
}

/** The items of participants a and b (each once, item order). */
function regionItems(byUnit: readonly number[][], a: number, b: number, mark: Uint8Array): number[] {
  const out: number[] = [];
  for (const list of [byUnit[a]!, byUnit[b]!]) {
    for (const k of list) {
      if (mark[k] === 1) continue;
      mark[k] = 1;
      out.push(k);
    }
  }
  for (const k of out) mark[k] = 0;
  return out.sort((x, y) => x - y);
}

/**
 * The pairs of participants to try: every pair when there are at most PAIR_UNITS_MAX participants (a hub's spokes
 * share no item, yet their regions meet at the hub), else the pairs sharing an item; participants with more than
 * REGION_ITEMS_MAX items, and pairs with no unsettled item, left out. Those sharing the most unsettled weight
 * first, then the most unsettled weight of both together, then by participant.
 */
function pairOrder(net: RunEffects, units: Int32Array, byUnit: readonly number[][], sel: Uint8Array, work: WorkCounter): [number, number][] {
  const unsettled = byUnit.map((list) => list.reduce((s, k) => (sel[k] === 1 ? s : s + net.weightF[k]!), 0));
  const U = byUnit.length;
  const eligible = (u: number): boolean => byUnit[u]!.length <= REGION_ITEMS_MAX;
  const shared = new Map<number, number>();
  for (let k = 0; k < net.m; k++) {
    const at = itemUnits(net, units, k).filter(eligible);
    for (let i = 0; i < at.length; i++) {
      for (let j = i + 1; j < at.length; j++) {
        const key = Math.min(at[i]!, at[j]!) * U + Math.max(at[i]!, at[j]!);
        shared.set(key, (shared.get(key) ?? 0) + (sel[k] === 1 ? 0 : net.weightF[k]!));
      }
    }
  }
  const keys: number[] = [];
  if (U <= PAIR_UNITS_MAX) {
    for (let a = 0; a < U; a++) for (let b = a + 1; b < U; b++) if (eligible(a) && eligible(b)) keys.push(a * U + b);
  } else keys.push(...shared.keys());
  work.steps += net.effStart[net.m]! + keys.length;
  const both = (key: number): number => unsettled[Math.floor(key / U)]! + unsettled[key % U]!;
  const kept = keys.filter((key) => both(key) > 0);
  kept.sort((x, y) => (shared.get(y) ?? 0) - (shared.get(x) ?? 0) || both(y) - both(x) || x - y);
  return kept.map((key) => [Math.floor(key / U), key % U]);
}

/**
 * The region of `items` with the rest of `sel` fixed: its rows are the nodes the items can make short (room with
 * every region item dropped, plus every region outflow there, below 0); the other nodes cannot bind.
 */
export function buildRegion(net: RunEffects, items: readonly number[], slack: readonly bigint[], sel: Uint8Array): ExactRegion {
  return regionWithRows(net, items, slack, sel).region;
}

/** Per run (net), the memo of its region searches (reChoose). */
const memoOf = new WeakMap<RunEffects, RegionSearchMemo>();
function regionMemo(net: RunEffects): RegionSearchMemo {
  let memo = memoOf.get(net);
  if (memo === undefined) {
    memo = new RegionSearchMemo();
    memoOf.set(net, memo);
  }
  return memo;
}

/** buildRegion's region and its rows' run nodes (ascending: row i is rows[i]). */
function regionWithRows(
  net: RunEffects,
  items: readonly number[],
  slack: readonly bigint[],
  sel: Uint8Array,
): { region: ExactRegion; rows: readonly number[] } {
  // Per touched node (in first-touch order; sorted below), its room with the region dropped and its worst outflow.
  const slot = nodeSlots(net);
  const touched: number[] = [];
  const resid: bigint[] = [];
  const worst: bigint[] = [];
  let total = 0;
  for (const k of items) {
    const e1 = net.effStart[k + 1]!;
    total += e1 - net.effStart[k]!;
    for (let e = net.effStart[k]!; e < e1; e++) {
      const n = net.effNode[e]!;
      const d = net.effDelta[e]!;
      let s = slot[n]!;
      if (s < 0) {
        s = slot[n] = touched.length;
        touched.push(n);
        resid.push(slack[n]!);
        worst.push(0n);
      }
      if (sel[k] === 1) resid[s] = resid[s]! - d;
      if (d < 0n) worst[s] = worst[s]! + d;
    }
  }
  const nodes: number[] = [];
  for (let s = 0; s < touched.length; s++) if (resid[s]! + worst[s]! < 0n) nodes.push(touched[s]!);
  nodes.sort((a, b) => a - b);
  const residOf = nodes.map((n) => resid[slot[n]!]!);
  // The slots now number the rows (-1: not a row), then are cleared for the next call.
  for (const n of touched) slot[n] = -1;
  for (let i = 0; i < nodes.length; i++) slot[nodes[i]!] = i;
  // The region's arrays in one buffer (a search builds thousands of regions a run): effF and weightF, then
  // effStart and effNode; effF and effNode as long as the items' effects, of which the first `count` are used.
  const m = items.length;
  const { f64, i32 } = carve(new ArrayBuffer(8 * (total + m) + 4 * (m + 1 + total)));
  const effF = f64(total);
  const weightF = f64(m);
  const effStart = i32(m + 1);
  const effNode = i32(total);
  const effDelta: bigint[] = [];
  let count = 0;
  for (let i = 0; i < items.length; i++) {
    const k = items[i]!;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const x = slot[net.effNode[e]!]!;
      if (x < 0) continue;
      const d = net.effDelta[e]!;
      effNode[count] = x;
      effF[count++] = Number(d);
      effDelta.push(d);
    }
    effStart[i + 1] = count;
  }
  for (const n of nodes) slot[n] = -1;
  for (let i = 0; i < m; i++) weightF[i] = net.weightF[items[i]!]!;
  const region: ExactRegion = {
    nodes: nodes.length,
    m,
    effStart,
    effNode: effNode.subarray(0, count),
    effDelta,
    effF: effF.subarray(0, count),
    weight: items.map((k) => net.weight[k]!),
    weightF,
    resid: residOf,
  };
  return { region, rows: nodes };
}

/** Scratch per run for buildRegion: per node, -1 (every entry back to -1 between calls). */
const slotsOf = new WeakMap<RunEffects, Int32Array>();
function nodeSlots(net: RunEffects): Int32Array {
  let slot = slotsOf.get(net);
  if (slot === undefined || slot.length < net.nodes) {
    slot = new Int32Array(net.nodes).fill(-1);
    slotsOf.set(net, slot);
  }
  return slot;
}

/**
 * Each node's participant: the nodes a two-leg item's legs join (the first leg's payer is the second's payee, and
 * the other way round: a PvP trade's two accounts of each side), numbered by their smallest node; with one-leg
 * items only, each node is its own.
 */
export function participantsOf(nodes: number, legs: readonly (readonly { from: number; to: number }[])[]): Int32Array {
  const parent = Int32Array.from({ length: nodes }, (_, n) => n);
  const find = (n: number): number => {
    while (parent[n] !== n) n = parent[n] = parent[parent[n]!]!;
    return n;
  };
  const join = (a: number, b: number): void => {
    const x = find(a);
    const y = find(b);
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  };
  for (const l of legs) {
    if (l.length !== 2) continue;
    join(l[0]!.from, l[1]!.to);
    join(l[0]!.to, l[1]!.from);
  }
  const id = new Int32Array(nodes).fill(-1);
  const units = new Int32Array(nodes);
  let next = 0;
  for (let n = 0; n < nodes; n++) {
    const root = find(n);
    if (id[root] === -1) id[root] = next++;
    units[n] = id[root]!;
  }
  return units;
}

/** The limits of exactChunks: its whole work, each chunk's search, and each pair's root relaxation. */
export interface ChunkLimits {
  readonly steps_max: number;
  readonly region_steps_max: number;
  readonly root_steps_max: number;
  /** Items in a chunk at most; pairs with at most this many items are left (searched whole by rules 13 and 14). */
  readonly chunk_items: number;
}

/**
 * Rules 15: the pairs of participants whose region is over `chunk_items` items (rules 13 and 14 skip those over
 * REGION_ITEMS_MAX: a hub and a spoke, or two participants of ~80 items each; the others they search whole, often
 * without finishing), each re-chosen on a chunk of its region: the pair's root relaxation (warm-started from
 * `sel`, within `root_steps_max`) is solved over all of its items, and the `chunk_items` items it moves most from `sel` (|x - sel|, ties: heavier, then item order) are searched exactly
 * (regionBranchAndBound) with the rest of the selection fixed, the region's other items included. A chunk's new
 * choice replaces the old only when strictly heavier by exact weight. Pairs that share the most unsettled weight
 * first; pairs whose root promises less than a unit are left; with `dirty`, only pairs with a participant marked
 * there (a later pass: the pairs whose surroundings the pass before changed). Returns the participants whose
 * items changed.
 */
export function exactChunks(net: RunEffects, units: Int32Array, sel: Uint8Array, limits: ChunkLimits, work: WorkCounter, dirty: Uint8Array | null): Uint8Array {
  const slack = exactRoom(net, net.cap, sel);
  work.steps += net.effStart[net.m]!;
  const byUnit = itemsByUnit(net, units);
  const phaseEnd = work.steps + limits.steps_max;
  const mark = new Uint8Array(net.m);
  const touched = new Uint8Array(byUnit.length);
  for (const [a, b] of chunkPairOrder(net, units, byUnit, sel, work, limits.chunk_items)) {
    if (work.steps >= phaseEnd || work.steps > work.max) break;
    if (dirty !== null && dirty[a] === 0 && dirty[b] === 0) continue;
    const items = regionItems(byUnit, a, b, mark);
    if (items.length <= limits.chunk_items) continue;
    const whole = buildRegion(net, items, slack, sel);
    work.steps += whole.m + whole.nodes;
    const wholeStart = Uint8Array.from(items, (k) => sel[k]!);
    const { lp, wScale } = scaledRelaxation(whole, wholeStart);
    const root = { steps: 0, max: Math.min(limits.root_steps_max, phaseEnd - work.steps) };
    const solved = lp.optimise(root);
    work.steps += root.steps;
    if (!solved || lp.value() * wScale - Number(regionWeight(whole, wholeStart)) < 1) continue;
    const order = items.map((_, i) => i);
    const moved = order.map((i) => Math.abs(lp.x(i) - wholeStart[i]!));
    order.sort((x, y) => moved[y]! - moved[x]! || whole.weightF[y]! - whole.weightF[x]! || x - y);
    const chunk = order
      .slice(0, limits.chunk_items)
      .map((i) => items[i]!)
      .sort((x, y) => x - y);
    reChoose(net, chunk, slack, sel, limits.region_steps_max, phaseEnd, work, { units, marks: touched });
  }
  return touched;
}

/**
 * Rules 15: the pairs sharing an unsettled item whose region may be over `over` items, the most shared
 * unsettled weight first (ties: by participant).
 */
function chunkPairOrder(net: RunEffects, units: Int32Array, byUnit: readonly number[][], sel: Uint8Array, work: WorkCounter, over: number): [number, number][] {
  const U = byUnit.length;
  const shared = new Map<number, number>();
  for (let k = 0; k < net.m; k++) {
    if (sel[k] === 1) continue;
    const at = itemUnits(net, units, k);
    for (let i = 0; i < at.length; i++) {
      for (let j = i + 1; j < at.length; j++) {
        const key = Math.min(at[i]!, at[j]!) * U + Math.max(at[i]!, at[j]!);
        shared.set(key, (shared.get(key) ?? 0) + net.weightF[k]!);
      }
    }
  }
  work.steps += net.effStart[net.m]! + shared.size;
  const keys = [...shared.keys()].filter((key) => byUnit[Math.floor(key / U)]!.length + byUnit[key % U]!.length > over);
  keys.sort((x, y) => shared.get(y)! - shared.get(x)! || x - y);
  return keys.map((key) => [Math.floor(key / U), key % U]);
}

/** The limits of exactPairs: its whole work and each region's search. */
export interface PairLimits {
  readonly steps_max: number;
  readonly region_steps_max: number;
  /** Rules 17: the pairs in rounds (inRounds) instead of participant order. */
  readonly rounds?: boolean;
}

/**
 * Rules 16: every pair of participants (pairOrder's pairs: regions of at most REGION_ITEMS_MAX items with an
 * unsettled item) in participant order (the first participant with each later one, then the second, ...),
 * re-chosen exactly with the rest of `sel` (changed in place) fixed, by regionBranchAndBound with reduced-cost
 * fixing; a region's new choice replaces the old only when strictly heavier by exact weight. Participant order
 * keeps one participant's pairs together, so a change at it is built on by its next pair; on the bench's worst
 * pvp_legs instance it reached 0.951 of the reference where participants by unsettled weight reached 0.937 within
 * the same work, and 0.963 where pairOrder's order reached 0.944 with work unbounded (docs/benchmarks.md, rules 16). Returns how many regions changed.
 */
export function exactPairs(net: RunEffects, units: Int32Array, sel: Uint8Array, limits: PairLimits, work: WorkCounter): number {
  const slack = exactRoom(net, net.cap, sel);
  work.steps += net.effStart[net.m]!;
  const byUnit = itemsByUnit(net, units);
  const phaseEnd = work.steps + limits.steps_max;
  const mark = new Uint8Array(net.m);
  const byParticipant = pairOrder(net, units, byUnit, sel, work).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const pairs = limits.rounds === true ? inRounds(byParticipant, byUnit.length) : byParticipant;
  let changed = 0;
  for (const [a, b] of pairs) {
    if (work.steps >= phaseEnd || work.steps > work.max) break;
    const items = regionItems(byUnit, a, b, mark);
    if (items.length === 0 || items.length > REGION_ITEMS_MAX) continue;
    if (reChoose(net, items, slack, sel, limits.region_steps_max, phaseEnd, work, null, true)) changed++;
  }
  return changed;
}

/**
 * Rules 17: `pairs` (of `count` participants) in the rounds of a round robin (the circle method: in each round every
 * participant meets one other, and over count - 1 rounds every pair meets once), round by round; pairs not in
 * `pairs` left out. Participant order spends rules 16's work on the first participants' pairs (on pvp_legs ~200
 * of 780 pairs reached: participants 0 to 5 with every other); in rounds, the same work reaches every participant
 * about equally often (docs/benchmarks.md, rules 17).
 */
export function inRounds(pairs: readonly (readonly [number, number])[], count: number): [number, number][] {
  const n = count % 2 === 0 ? count : count + 1;
  const rank = new Map<number, number>();
  let next = 0;
  for (let round = 0; round < n - 1; round++) {
    for (let i = 0; i < n / 2; i++) {
      const a = i === 0 ? 0 : ((round + i - 1) % (n - 1)) + 1;
      const b = ((round + n - 2 - i) % (n - 1)) + 1;
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      if (hi >= count || lo === hi) continue;
      rank.set(lo * count + hi, next++);
    }
  }
  return pairs
    .filter(([a, b]) => rank.has(a * count + b))
    .map(([a, b]) => [a, b] as [number, number])
    .sort((x, y) => rank.get(x[0] * count + x[1])! - rank.get(y[0] * count + y[1])!);
}

/** The limits of exactInduced: its whole work, each region's, and a region's size. */
export interface InducedLimits {
  readonly steps_max: number;
  readonly region_steps_max: number;
  /** Participants in a region at most. */
  readonly units_max: number;
  /** Items in a region at most. */
  readonly items_max: number;
  /** Unsettled items (heaviest first) a region is grown around, at most. */
  readonly seeds_max: number;
}

/**
 * Rules 18: regions induced by a set of participants (the items whose every effect is at a node of the set), grown
 * around each unsettled item, heaviest first: the item's participants, then, one at a time, the participant sharing
 * the most weight (settled or not) with the set, while the induced items stay within `items_max` and the set within
 * `units_max`. Each region re-chosen exactly with the rest of `sel` (changed in place) fixed, as exactPairs does; a
 * new choice replaces the old only when strictly heavier by exact weight. A pair's region holds every item of both
 * participants, so it cannot move a trade whose room comes round a cycle of three or more participants (a heavy
 * PvP trade settled against a ring of others); an induced region holds the trades among several participants and
 * only those. Returns how many regions changed.
 */
export function exactInduced(net: RunEffects, units: Int32Array, sel: Uint8Array, limits: InducedLimits, work: WorkCounter): number {
  const slack = exactRoom(net, net.cap, sel);
  work.steps += net.effStart[net.m]!;
  const byUnit = itemsByUnit(net, units);
  const phaseEnd = work.steps + limits.steps_max;
  // Each item's participants (sorted, distinct).
  const unitsOf: number[][] = [];
  for (let k = 0; k < net.m; k++) unitsOf.push(itemUnits(net, units, k).sort((a, b) => a - b));
  work.steps += net.m;
  const seeds: number[] = [];
  for (let k = 0; k < net.m; k++) if (sel[k] === 0) seeds.push(k);
  seeds.sort((a, b) => (net.weight[b]! > net.weight[a]! ? 1 : net.weight[b]! < net.weight[a]! ? -1 : a - b));
  const inSet = new Uint8Array(byUnit.length);
  let changed = 0;
  for (const k0 of seeds.slice(0, limits.seeds_max)) {
    if (work.steps >= phaseEnd || work.steps > work.max) break;
    if (sel[k0] === 1) continue;
    const list = inducedRegion(net, byUnit, unitsOf, k0, limits, inSet, work);
    if (list.length > REGION_ITEMS_MAX) continue;
    if (reChoose(net, list, slack, sel, limits.region_steps_max, phaseEnd, work, null, true)) changed++;
  }
  return changed;
}

/**
 * Rules 18: the items (in item order) of the region grown around item `k0` (exactInduced): its participants, then
 * one at a time the participant sharing the most weight with the set (items with one participant outside, that
 * one), while the set's items stay within `items_max` and the set within `units_max`. `inSet` is all 0 on entry
 * and on return.
 */
function inducedRegion(
  net: RunEffects,
  byUnit: readonly number[][],
  unitsOf: readonly number[][],
  k0: number,
  limits: InducedLimits,
  inSet: Uint8Array,
  work: WorkCounter,
): number[] {
  const count = byUnit.length;
  const share = new Float64Array(count);
  const set = unitsOf[k0]!.slice();
  for (const u of set) inSet[u] = 1;
  const items = new Set<number>([k0]);
  while (set.length < limits.units_max) {
    share.fill(0);
    for (const u of set) {
      for (const k of byUnit[u]!) {
        if (items.has(k)) continue;
        let outside = -1;
        let outsideCount = 0;
        for (const v of unitsOf[k]!) {
          if (inSet[v] === 0) {
            outside = v;
            outsideCount++;
          }
        }
        if (outsideCount === 1) share[outside] = share[outside]! + Number(net.weight[k]!);
      }
    }
    work.steps += count;
    let best = -1;
    for (let v = 0; v < count; v++) if (inSet[v] === 0 && share[v]! > 0 && (best < 0 || share[v]! > share[best]!)) best = v;
    if (best < 0) break;
    const added = byUnit[best]!.filter((k) => !items.has(k) && unitsOf[k]!.every((v) => v === best || inSet[v] === 1));
    if (items.size + added.length > limits.items_max) break;
    for (const k of added) items.add(k);
    set.push(best);
    inSet[best] = 1;
  }
  // Items among the seed's own participants not yet counted.
  for (const u of set) for (const k of byUnit[u]!) if (!items.has(k) && unitsOf[k]!.every((v) => inSet[v] === 1)) items.add(k);
  for (const u of set) inSet[u] = 0;
  return [...items].sort((a, b) => a - b);
}

/** The limits of exactTriples: its whole work, each region's search, and the passes over every triple. */
export interface TripleLimits {
  readonly steps_max: number;
  readonly region_steps_max: number;
  readonly passes_max: number;
}

/**
 * Rules 20: every triple of participants (a < b < c, in that order), its region (every item with an effect at one
 * of the three's nodes, at most REGION_ITEMS_MAX items, at least one unsettled) re-chosen exactly with the rest of
 * `sel` (changed in place) fixed, by regionBranchAndBound with reduced-cost fixing; a region's new choice replaces
 * the old only when strictly heavier by exact weight. Then passes again, each over the triples with a participant
 * that a change of the pass before touched, until a pass changes nothing (or `passes_max`). For small runs only
 * (the caller bounds the participants): a pair's region cannot move what comes round three participants, and on
 * held-out zero_small (15 nodes, 120 payments, no liquidity) rules 19 stopped at 0.52-0.93 of HiGHS's proven
 * optimum where the items HiGHS settles differently span 12-14 of the 15 nodes (docs/benchmarks.md, stop 50).
 * Returns how many regions changed.
 */
export function exactTriples(net: RunEffects, units: Int32Array, sel: Uint8Array, limits: TripleLimits, work: WorkCounter): number {
  const slack = exactRoom(net, net.cap, sel);
  work.steps += net.effStart[net.m]!;
  const byUnit = itemsByUnit(net, units);
  const count = byUnit.length;
  const phaseEnd = work.steps + limits.steps_max;
  const mark = new Uint8Array(net.m);
  // Participants a change touched in the pass before (all of them before the first pass), and in this pass.
  let dirty = new Uint8Array(count).fill(1);
  let changed = 0;
  for (let pass = 0; pass < limits.passes_max; pass++) {
    const touched = { units, marks: new Uint8Array(count) };
    let changedNow = 0;
    for (let a = 0; a < count; a++) {
      for (let b = a + 1; b < count; b++) {
        for (let c = b + 1; c < count; c++) {
          if (work.steps >= phaseEnd || work.steps > work.max) return changed + changedNow;
          if (dirty[a] === 0 && dirty[b] === 0 && dirty[c] === 0) continue;
          const items = tripleItems(byUnit, a, b, c, mark);
          work.steps += items.length;
          if (items.length === 0 || items.length > REGION_ITEMS_MAX || items.every((k) => sel[k] === 1)) continue;
          if (reChoose(net, items, slack, sel, limits.region_steps_max, phaseEnd, work, touched, true)) changedNow++;
        }
      }
    }
    changed += changedNow;
    if (changedNow === 0) break;
    dirty = touched.marks;
  }
  return changed;
}

/** The items of participants a, b and c (each once, item order). */
function tripleItems(byUnit: readonly number[][], a: number, b: number, c: number, mark: Uint8Array): number[] {
  const out: number[] = [];
  for (const list of [byUnit[a]!, byUnit[b]!, byUnit[c]!]) {
    for (const k of list) {
      if (mark[k] === 1) continue;
      mark[k] = 1;
      out.push(k);
    }
  }
  for (const k of out) mark[k] = 0;
  return out.sort((x, y) => x - y);
}

/**
 * Rules 21: a second start for exactTriples on small runs. Every item with an effect at one of the `drop`
 * participants with the most unsettled weight (weight of the unselected items with an effect there; ties to the
 * lower index) is unselected in `sel` (changed in place); the caller then repairs it. On held-out zero_small (no
 * liquidity) the repair empties nearly all the rest, so the triple search that follows starts from nearly nothing
 * and ends in another local optimum (docs/benchmarks.md, stop 51).
 */
export function dropBusiestParticipants(net: RunEffects, units: Int32Array, count: number, sel: Uint8Array, drop: number, work: WorkCounter): void {
  const unsettled = new Array<bigint>(count).fill(0n);
  for (let k = 0; k < net.m; k++) {
    if (sel[k] === 1) continue;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) unsettled[units[net.effNode[e]!]!]! += net.weight[k]!;
  }
  work.steps += net.effStart[net.m]! + count;
  const order = Array.from({ length: count }, (_, u) => u).sort((a, b) => (unsettled[b]! > unsettled[a]! ? 1 : unsettled[b]! < unsettled[a]! ? -1 : a - b));
  const busiest = new Uint8Array(count);
  for (const u of order.slice(0, drop)) busiest[u] = 1;
  for (let k = 0; k < net.m; k++) {
    if (sel[k] === 0) continue;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      if (busiest[units[net.effNode[e]!]!] === 1) {
        sel[k] = 0;
        break;
      }
    }
  }
}

/**
 * Rules 21: the heavier by exact weight of `a` and `b` (two feasible choices; `a` on a tie), and of the items where
 * they differ re-chosen exactly (regionBranchAndBound with reduced-cost fixing, at most `steps_max` steps each)
 * with the rest fixed at `a`, then at `b`; skipped when they differ on more than REGION_ITEMS_MAX items. Returns a
 * new array.
 */
export function exactCross(net: RunEffects, a: Uint8Array, b: Uint8Array, steps_max: number, work: WorkCounter): Uint8Array {
  let best = exactChosenWeight(net, b) > exactChosenWeight(net, a) ? b : a;
  let bestWeight = exactChosenWeight(net, best);
  const diff: number[] = [];
  for (let k = 0; k < net.m; k++) if (a[k] !== b[k]) diff.push(k);
  work.steps += net.m;
  if (diff.length === 0 || diff.length > REGION_ITEMS_MAX) return best.slice();
  for (const base of [a, b]) {
    const r = buildRegion(net, diff, exactRoom(net, net.cap, base), base);
    const sub = { steps: 0, max: steps_max };
    const { best: choice } = regionBranchAndBound(
      r,
      Uint8Array.from(diff, (k) => base[k]!),
      sub,
      true,
    );
    work.steps += r.m + r.nodes + sub.steps;
    if (choice === null) continue;
    const s = base.slice();
    diff.forEach((k, i) => {
      s[k] = choice[i]!;
    });
    const w = exactChosenWeight(net, s);
    if (w > bestWeight) {
      best = s;
      bestWeight = w;
    }
  }
  return best.slice();
}
