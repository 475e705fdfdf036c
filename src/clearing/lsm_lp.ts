// The LP relaxation of an LSM run, solved exactly (to float tolerance), for the
// gridlock solver (lsm_linked.ts), rules version 7.
//
// This module owns one computation: the optimum of
//     max sum_k w_k x_k   s.t.   for every node n: sum_k x_k * net_k(n) >= -c_n,   0 <= x_k <= 1,
// by a bounded-variable primal simplex (revised, dense basis inverse: one row per
// node, so only for runs of few nodes, LP_NODES_MAX). It returns the primal x
// (which items the relaxation settles, whole or in part) and the duals (a price
// per node). The subgradient prices of lsm_linked.ts approach the same duals but
// stop after 120 steps; measured (issue 16, held-out zero_small, 15 nodes, 120
// payments, balances 0-1% of gross), the exact relaxation settles 69 payments
// whole, 57 of them in the proven optimum, where every start of rules 6 (from
// everything, greedy, the approximate prices) settled a different set of small
// payments and reached 0.63 of the optimum: the optimum's large payments form
// cycles that balance at each node only with several small payments, which no
// move that adds or drops a few items at a time reaches from those starts.
//
// Pure and deterministic: work steps only, Bland's rule (smallest index) for the
// entering and leaving columns, so no cycling and the same pivots on every run.
// Float arithmetic: a guide for the search, never a constraint check (the caller
// re-checks every selection exactly in bigint).

import type { ItemEffects, WorkCounter } from './lsm.js';

/** Nodes (rows) at most: the basis inverse is dense, n x n per pivot. */
export const LP_NODES_MAX = 64;
/** Pivots at most per item and node (a stop on degenerate runs; Bland's rule terminates, but slowly). */
const PIVOTS_PER_COLUMN = 4;

export interface LpRelaxation {
  /** Per item, its value in the relaxation's optimum, in [0, 1]. */
  readonly x: Float64Array;
  /** Per node, its dual price (weight per unit of room), >= 0. */
  readonly price: Float64Array;
  /** The relaxation's optimum (an upper bound on any selection's weight). */
  readonly value: number;
}

/**
 * Solves the relaxation within the work counter; null when the run has more
 * than LP_NODES_MAX nodes or the work (or the pivot limit) ran out first.
 * `cap` is each node's room (>= 0), so x = 0 is a feasible start.
 */
export function solveLpRelaxation(net: ItemEffects, cap: Float64Array, work: WorkCounter): LpRelaxation | null {
  const n = net.nodes;
  const m = net.m;
  if (n === 0 || n > LP_NODES_MAX) return null;
  // Columns 0..m-1 the items (bounds [0, 1]), m..m+n-1 the slacks (bounds [0, inf)). Row n: sum_k -net_k(n) x_k + s_n = c_n.
  const cols = m + n;
  let scale = 0;
  for (let k = 0; k < m; k++) scale = Math.max(scale, net.weightF[k]!);
  for (let e = 0; e < net.effStart[m]!; e++) scale = Math.max(scale, Math.abs(net.effF[e]!));
  const eps = 1e-9 * Math.max(1, scale);
  const atUpper = new Uint8Array(cols);
  const binv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) binv[i * n + i] = 1;
  const basis = Int32Array.from({ length: n }, (_, i) => m + i);
  const where = new Int32Array(cols).fill(-1);
  for (let i = 0; i < n; i++) where[m + i] = i;
  const xb = Float64Array.from(cap);
  const y = new Float64Array(n);
  const alpha = new Float64Array(n);
  const cost = (j: number): number => (j < m ? net.weightF[j]! : 0);
  const column = (j: number, out: Float64Array): void => {
    // out = B^-1 a_j
    out.fill(0);
    if (j >= m) {
      for (let i = 0; i < n; i++) out[i] = binv[i * n + (j - m)]!;
      return;
    }
    for (let e = net.effStart[j]!; e < net.effStart[j + 1]!; e++) {
      const r = net.effNode[e]!;
      const a = -net.effF[e]!;
      for (let i = 0; i < n; i++) out[i]! += binv[i * n + r]! * a;
    }
  };
  const pivotsMax = PIVOTS_PER_COLUMN * cols + 100;
  for (let pivots = 0; ; pivots++) {
    if (pivots > pivotsMax || work.steps > work.max) return null;
    work.steps += n * n + net.effStart[m]! + cols;
    duals(y, binv, basis, cost);
    const { enter, dir } = entering(net, y, where, atUpper, eps);
    if (enter < 0) break;
    column(enter, alpha);
    // The entering column moves by t (dir +1 up from 0, -1 down from 1); basic i changes by -dir * t * alpha_i.
    const { t, leave, leaveToUpper } = ratioTest(alpha, xb, basis, m, dir, enter < m ? 1 : Infinity);
    if (t === Infinity) return null; // unbounded: cannot happen with items in [0, 1]; a numerical failure
    for (let i = 0; i < n; i++) xb[i]! -= dir * t * alpha[i]!;
    if (leave < 0) {
      // The entering item goes from one bound to the other; the basis stays.
      atUpper[enter] = dir > 0 ? 1 : 0;
      continue;
    }
    const out = basis[leave]!;
    const enterValue = (atUpper[enter] === 1 ? 1 : 0) + dir * t;
    where[out] = -1;
    atUpper[out] = leaveToUpper ? 1 : 0;
    basis[leave] = enter;
    where[enter] = leave;
    atUpper[enter] = 0;
    xb[leave] = enterValue;
    pivotInverse(binv, alpha, leave, n);
  }
  const x = new Float64Array(m);
  for (let k = 0; k < m; k++) x[k] = where[k]! >= 0 ? Math.min(1, Math.max(0, xb[where[k]!]!)) : atUpper[k]!;
  let value = 0;
  for (let k = 0; k < m; k++) value += net.weightF[k]! * x[k]!;
  const price = new Float64Array(n);
  for (let r = 0; r < n; r++) price[r] = Math.max(0, y[r]!);
  return { x, price, value };
}

/** The bounded ratio test: how far the entering column can move (`t`) and which basic column leaves (-1: none, the entering one flips bound). */
function ratioTest(
  alpha: Float64Array,
  xb: Float64Array,
  basis: Int32Array,
  m: number,
  dir: number,
  tMax: number,
): { t: number; leave: number; leaveToUpper: boolean } {
  let t = tMax;
  let leave = -1;
  let leaveToUpper = false;
  for (let i = 0; i < alpha.length; i++) {
    const a = dir * alpha[i]!;
    if (Math.abs(a) <= 1e-12) continue;
    const b = basis[i]!;
    const ub = b < m ? 1 : Infinity;
    let ti: number;
    let toUpper: boolean;
    if (a > 0) {
      ti = Math.max(0, xb[i]!) / a;
      toUpper = false;
    } else {
      if (ub === Infinity) continue;
      ti = Math.max(0, ub - xb[i]!) / -a;
      toUpper = true;
    }
    // Ties: the smallest column index leaves (Bland).
    if (ti < t - 1e-12 || (leave >= 0 && Math.abs(ti - t) <= 1e-12 && b < basis[leave]!)) {
      t = ti;
      leave = i;
      leaveToUpper = toUpper;
    }
  }
  return { t, leave, leaveToUpper };
}

/** B^-1 after the pivot on row `leave` of column alpha (= B^-1 a_enter): that row divided by alpha_leave, eliminated from the others. */
function pivotInverse(binv: Float64Array, alpha: Float64Array, leave: number, n: number): void {
  const p = alpha[leave]!;
  for (let r = 0; r < n; r++) binv[leave * n + r]! /= p;
  for (let i = 0; i < n; i++) {
    if (i === leave || alpha[i] === 0) continue;
    const f = alpha[i]!;
    for (let r = 0; r < n; r++) binv[i * n + r]! -= f * binv[leave * n + r]!;
  }
}

/** Duals y = c_B B^-1. */
function duals(y: Float64Array, binv: Float64Array, basis: Int32Array, cost: (j: number) => number): void {
  const n = y.length;
  y.fill(0);
  for (let i = 0; i < n; i++) {
    const c = cost(basis[i]!);
    if (c !== 0) for (let r = 0; r < n; r++) y[r]! += c * binv[i * n + r]!;
  }
}

/** The entering column: the smallest index whose reduced weight improves (Bland); dir +1 from its lower bound, -1 from its upper; -1 at the optimum. */
function entering(net: ItemEffects, y: Float64Array, where: Int32Array, atUpper: Uint8Array, eps: number): { enter: number; dir: number } {
  const m = net.m;
  for (let j = 0; j < where.length; j++) {
    if (where[j]! >= 0) continue;
    let d = j < m ? net.weightF[j]! : 0;
    if (j < m) for (let e = net.effStart[j]!; e < net.effStart[j + 1]!; e++) d += y[net.effNode[e]!]! * net.effF[e]!;
    else d -= y[j - m]!;
    if (atUpper[j] === 0 && d > eps) return { enter: j, dir: 1 };
    if (atUpper[j] === 1 && d < -eps) return { enter: j, dir: -1 };
  }
  return { enter: -1, dir: 0 };
}
