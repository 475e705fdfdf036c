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

/** Nodes (rows) at most under rules 7 (Bland's rule from nothing): the basis inverse is dense, n x n per pivot. */
export const LP_NODES_MAX = 64;
/**
 * Nodes at most under rules 8 (BoundedLp: largest reduced cost first, from a
 * feasible selection): a run of 60-85 nodes and 1,000-2,000 items then needs a
 * few hundred pivots where Bland's rule from nothing ran out of its pivot limit
 * (issue 16: novel chain_big, 60 nodes, 1,400 items, stopped after 5,900
 * pivots and 47 M steps, so rules 7's LP start never ran there).
 */
export const LP_NODES_MAX_V8 = 256;
/** Rules 8: degenerate pivots in a row after which the largest-reduced-cost rule gives way to Bland's until one moves (no cycling). */
const DEGENERATE_RUN_MAX = 50;
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
  const cost = new Float64Array(cols);
  cost.set(net.weightF.subarray(0, m));
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
export function pivotInverse(binv: Float64Array, alpha: Float64Array, leave: number, n: number): void {
  const p = alpha[leave]!;
  for (let r = 0; r < n; r++) binv[leave * n + r]! /= p;
  for (let i = 0; i < n; i++) {
    if (i === leave || alpha[i] === 0) continue;
    const f = alpha[i]!;
    for (let r = 0; r < n; r++) binv[i * n + r]! -= f * binv[leave * n + r]!;
  }
}

/**
 * pivotInverse for BoundedLp, over the pivot row's nonzero entries only (`nz`: scratch of n). A skipped entry
 * would subtract f * (+-0): that leaves every value as it is and can change only the sign of a zero in `binv`;
 * BoundedLp reads such zeros only where the sign cannot matter (sums started at +0, Math.max(0, .), tests
 * `=== 0`, |a| <= 1e-12), so its pivots, point and duals are those of the dense update, bit for bit
 * (test/lsm_lp_pricing).
 */
export function pivotInverseSparse(binv: Float64Array, alpha: Float64Array, leave: number, n: number, nz: Int32Array): void {
  const p = alpha[leave]!;
  const row = leave * n;
  let count = 0;
  for (let r = 0; r < n; r++) {
    binv[row + r]! /= p;
    if (binv[row + r] !== 0) nz[count++] = r;
  }
  for (let i = 0; i < n; i++) {
    if (i === leave || alpha[i] === 0) continue;
    const f = alpha[i]!;
    const at = i * n;
    for (let c = 0; c < count; c++) {
      const r = nz[c]!;
      binv[at + r]! -= f * binv[row + r]!;
    }
  }
}

/** Duals y = c_B B^-1. */
function duals(y: Float64Array, binv: Float64Array, basis: Int32Array, cost: Float64Array): void {
  const n = y.length;
  y.fill(0);
  for (let i = 0; i < n; i++) {
    const c = cost[basis[i]!]!;
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

/** Puts the items of `start` at their upper bound and the slacks at the room they leave; false (nothing changed) when a room would be negative. */
function warmStart(net: ItemEffects, start: Uint8Array, atUpper: Uint8Array, xb: Float64Array): boolean {
  const room = Float64Array.from(xb);
  for (let k = 0; k < net.m; k++) if (start[k] === 1) for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) room[net.effNode[e]!]! += net.effF[e]!;
  if (room.some((r) => r < 0)) return false;
  xb.set(room);
  for (let k = 0; k < net.m; k++) atUpper[k] = start[k]!;
  return true;
}

/** Adds column j to a candidate list (`inCand` its members) unless there; the list's new length. */
function addCandidate(cand: Int32Array, inCand: Uint8Array, count: number, j: number): number {
  if (inCand[j] === 1) return count;
  inCand[j] = 1;
  cand[count] = j;
  return count + 1;
}

/** Consecutive typed arrays over one buffer, each at the next offset (the caller orders them by element size). */
export function carve(buffer: ArrayBuffer) {
  let at = 0;
  const view =
    <T>(make: new (b: ArrayBuffer, offset: number, length: number) => T, size: number) =>
    (length: number): T => {
      const a = new make(buffer, at, length);
      at += size * length;
      return a;
    };
  return {
    f64: view(Float64Array, 8),
    i32: view(Int32Array, 4),
    u32: view(Uint32Array, 4),
    u8: view(Uint8Array, 1),
    i8: view(Int8Array, 1),
  };
}

/** Per node, the item columns with an effect there (item order): colItems[colStart[i]..colStart[i + 1]). */
function columnsByNode(net: ItemEffects, colStart: Int32Array, colItems: Int32Array): void {
  const total = net.effStart[net.m]!;
  for (let e = 0; e < total; e++) colStart[net.effNode[e]! + 1]!++;
  for (let i = 0; i < net.nodes; i++) colStart[i + 1]! += colStart[i]!;
  const fill = colStart.slice(0, net.nodes);
  for (let k = 0; k < net.m; k++) for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) colItems[fill[net.effNode[e]!]!++] = k;
}

/**
 * Rules 8: the relaxation as a bounded simplex kept between solves, so that a
 * dive can fix items one at a time and re-optimise from where it stands (a few
 * pivots each) instead of solving from nothing. Every column has bounds
 * [lb, ub]: items [0, 1] until fixed (lb = ub), slacks [0, inf). Fixing a
 * fractional item keeps the point feasible throughout: the simplex first
 * maximises (or minimises) that item alone from the current basis, and the
 * bound is set only when it reaches 1 (or 0); so only primal simplex steps are
 * needed. Entering column: the largest improving reduced cost (ties: smallest
 * index), Bland's rule after DEGENERATE_RUN_MAX degenerate pivots in a row.
 */
export class BoundedLp {
  private readonly n: number;
  private readonly m: number;
  readonly lb: Float64Array;
  readonly ub: Float64Array;
  private readonly atUpper: Uint8Array;
  private readonly binv: Float64Array;
  private readonly basis: Int32Array;
  private readonly where: Int32Array;
  private readonly xb: Float64Array;
  private readonly y: Float64Array;
  private readonly alpha: Float64Array;
  /** Scratch for pivotInverseSparse. */
  private readonly nz: Int32Array;
  private readonly eps: number;
  /** The objective: the weights (`optimise`) or one item's +-1 (`fix`). */
  private cost: Float64Array;
  private readonly weightCost: Float64Array;
  /** Zero but at `unitK`. */
  private readonly unitCost: Float64Array;
  private unitK = -1;
  /**
   * Per column, its reduced cost under `cost` and the duals `y`, computed as entering computed it (the same
   * operations in the same order, so the same bits); column j's depends only on cost[j] and the duals at j's
   * nodes, so after a pivot only the columns at a node whose dual changed are computed again (a pivot changes
   * the duals on the leaving row of the inverse only). Valid for `yAt`. One such pair per objective (weights,
   * unit), kept while the other runs: a dive alternates them, and each comes back to duals that changed at a
   * few nodes only; `fix` of another item changes two columns' costs (`unitForced`).
   */
  private rc: Float64Array;
  private yAt: Float64Array;
  private rcValid = false;
  private readonly rcWeight: Float64Array;
  private readonly yAtWeight: Float64Array;
  private weightValid = false;
  private readonly rcUnit: Float64Array;
  private readonly yAtUnit: Float64Array;
  private unitValid = false;
  /**
   * Whether `y` holds c_B B^-1 for the current cost and basis but at the nodes in `dualDirty`: the nodes where
   * the last pivot's row of the inverse was nonzero before it. Elsewhere no term of the dual's sum changed but
   * the leaving row's, from c_out * (+-0) to c_enter * (+-0), and a sum started at +0 never is -0, so adding a
   * zero leaves it as it was; `updateDuals` computes the dirty nodes again by the same sum in the same order.
   */
  private yValid = false;
  private readonly dualDirty: Int32Array;
  private dualDirtyCount = 0;
  /** Columns whose unit cost changed since `rcUnit` was last brought up to date (kept while the weights run). */
  private readonly unitForced: number[] = [];
  /** Per column, the refresh that last computed it (each column once a refresh). */
  private readonly mark: Uint32Array;
  private stamp = 0;
  /** Per node, the item columns with an effect there. */
  private readonly colStart: Int32Array;
  private readonly colItems: Int32Array;
  /**
   * Per column, how it may enter: 0 never (basic, or fixed: lb = ub), 1 up from its lower bound, -1 down from
   * its upper; kept with `where`, `atUpper`, `lb` and `ub` (setDir), so that `entering` reads one array.
   */
  private readonly dirOf: Int8Array;
  /** The run's effects (net's arrays, read in the inner loops). */
  private readonly effStart: Int32Array;
  private readonly effNode: Int32Array;
  private readonly effF: Float64Array;
  /**
   * Per column, whether its entry in `rc` may be out of date (one array per objective, swapped with `rc`): a
   * column that cannot enter is not computed when the duals at its nodes change, only marked; `entering`
   * computes a marked column when it can enter again, from the same cost and duals and by the same operations
   * as the eager refresh would have, so the same bits (a pure speed-up: the pivots are those of computing every
   * column at once).
   */
  private stale: Uint8Array;
  private readonly staleWeight: Uint8Array;
  private readonly staleUnit: Uint8Array;
  /** Scratch for updateDuals: the basic rows with a nonzero cost, and those costs. */
  private readonly costRows: Int32Array;
  private readonly costOfRow: Float64Array;
  /**
   * Per objective, the entering candidates: a list (any order, no repeats; `inCand` marks the members) holding
   * at least every column that can enter (dirOf != 0) and is marked stale or improves (gain > eps) under that
   * objective's reduced costs. A column's gain changes only when its reduced cost is computed again (refresh,
   * `entering`) or its direction changes (setDir): each adds the column where it may improve, and `entering`
   * drops the members that do not. So `entering` reads a few columns (2-4 improve at a pivot, measured on the
   * held-out ring, one_huge and zero_small runs) instead of every one, and picks the column the scan over all
   * of them picked (the largest gain, ties the smallest index; Bland's: the smallest improving index).
   */
  private cand: Int32Array;
  private inCand: Uint8Array;
  private candCount = 0;
  private readonly candWeight: Int32Array;
  private readonly inCandWeight: Uint8Array;
  private candWeightCount = 0;
  private readonly candUnit: Int32Array;
  private readonly inCandUnit: Uint8Array;
  private candUnitCount = 0;

  /** From the slack basis with the items of `start` (a feasible selection, or null) at their upper bound. */
  constructor(
    private readonly net: ItemEffects,
    cap: Float64Array,
    start: Uint8Array | null,
  ) {
    const n = (this.n = net.nodes);
    const m = (this.m = net.m);
    const cols = m + n;
    const total = net.effStart[m]!;
    // Every array of the solver in one buffer (a search builds one solver per region, thousands a run): the
    // 8-byte arrays first, then the 4-byte, then the bytes, each at an offset its element size divides.
    const floats = 6 * cols + n * n + 6 * n;
    const ints = 3 * n + cols + (n + 1) + total + n + cols + 2 * cols;
    const { f64, i32, u32, u8, i8 } = carve(new ArrayBuffer(8 * floats + 4 * ints + 6 * cols));
    this.lb = f64(cols);
    this.ub = f64(cols).fill(Infinity);
    this.ub.fill(1, 0, m);
    this.binv = f64(n * n);
    for (let i = 0; i < n; i++) this.binv[i * n + i] = 1;
    this.xb = f64(n);
    this.xb.set(cap);
    this.y = f64(n);
    this.alpha = f64(n);
    this.weightCost = f64(cols);
    this.weightCost.set(net.weightF.subarray(0, m));
    this.unitCost = f64(cols);
    this.rcWeight = f64(cols);
    this.yAtWeight = f64(n);
    this.rcUnit = f64(cols);
    this.yAtUnit = f64(n);
    this.costOfRow = f64(n);
    this.basis = i32(n);
    for (let i = 0; i < n; i++) this.basis[i] = m + i;
    this.where = i32(cols).fill(-1);
    for (let i = 0; i < n; i++) this.where[m + i] = i;
    this.nz = i32(n);
    this.dualDirty = i32(n);
    this.costRows = i32(n);
    this.colStart = i32(n + 1);
    this.colItems = i32(total);
    this.candWeight = i32(cols);
    this.candUnit = i32(cols);
    columnsByNode(net, this.colStart, this.colItems);
    this.mark = u32(cols);
    this.atUpper = u8(cols);
    this.staleWeight = u8(cols);
    this.staleUnit = u8(cols);
    this.dirOf = i8(cols);
    this.inCandWeight = u8(cols);
    this.inCandUnit = u8(cols);
    if (start !== null) warmStart(net, start, this.atUpper, this.xb);
    let scale = 0;
    for (let k = 0; k < m; k++) scale = Math.max(scale, net.weightF[k]!);
    for (let e = 0; e < total; e++) scale = Math.max(scale, Math.abs(net.effF[e]!));
    this.eps = 1e-9 * Math.max(1, scale);
    this.cost = this.weightCost;
    this.rc = this.rcWeight;
    this.yAt = this.yAtWeight;
    this.stale = this.staleWeight;
    this.cand = this.candWeight;
    this.inCand = this.inCandWeight;
    this.effStart = net.effStart;
    this.effNode = net.effNode;
    this.effF = net.effF;
    for (let j = 0; j < cols; j++) this.setDir(j);
  }

  /** dirOf[j] from where column j stands now. */
  private setDir(j: number): void {
    const dir = this.where[j]! >= 0 || this.lb[j] === this.ub[j] ? 0 : this.atUpper[j] === 0 ? 1 : -1;
    this.dirOf[j] = dir;
    if (dir === 0) return;
    // A column that can enter (again, or the other way) may improve under either objective: a candidate of both.
    if (this.cand === this.candWeight) {
      this.candCount = addCandidate(this.candWeight, this.inCandWeight, this.candCount, j);
      this.candUnitCount = addCandidate(this.candUnit, this.inCandUnit, this.candUnitCount, j);
    } else {
      this.candWeightCount = addCandidate(this.candWeight, this.inCandWeight, this.candWeightCount, j);
      this.candCount = addCandidate(this.candUnit, this.inCandUnit, this.candCount, j);
    }
  }

  /** Item k's value at the current point. */
  x(k: number): number {
    const i = this.where[k]!;
    if (i >= 0) return Math.min(1, Math.max(0, this.xb[i]!));
    return this.atUpper[k] === 1 ? this.ub[k]! : this.lb[k]!;
  }

  /** The objective's value at the current point (the weights). */
  value(): number {
    let v = 0;
    for (let k = 0; k < this.m; k++) v += this.net.weightF[k]! * this.x(k);
    return v;
  }

  /** Per node, its dual price under the weights (after `optimise`). */
  prices(): Float64Array {
    return Float64Array.from(this.y, (v) => Math.max(0, v));
  }

  /** Rules 16: prices() written into `out` (length: the nodes). */
  pricesInto(out: Float64Array): Float64Array {
    for (let i = 0; i < this.n; i++) out[i] = Math.max(0, this.y[i]!);
    return out;
  }

  /**
   * Rules 16's item reduced costs (lsm_region_exact.ts's fixByReducedCost: weight_k + sum of max(0, y) * effF at
   * k's effects, in effect order) written into `out`, when they are the simplex's own bit for bit: the weights
   * the objective, the duals and reduced costs up to date (as after `optimise`), and no dual < 0 (a -0 dual clipped to +0 adds a zero of the other
   * sign to a sum that is never -0, which leaves it as it is). Kept columns are read, the others (basic, fixed)
   * computed as fixByReducedCost would. False, and `out` untouched, otherwise (the caller computes them all).
   */
  weightReducedCostsInto(out: Float64Array): boolean {
    // The duals brought up to the last pivot (as after `optimise`), and the reduced costs to them.
    if (this.cost !== this.weightCost || !this.rcValid || !this.yValid || this.dualDirtyCount !== 0) return false;
    const { n, m, y, rc, stale } = this;
    for (let i = 0; i < n; i++) if (y[i]! < 0) return false;
    for (let k = 0; k < m; k++) out[k] = stale[k] === 1 ? this.reducedCost(k) : rc[k]!;
    return true;
  }

  /** Maximises the weights from the current point; false when the work or the pivot limit ran out (the point stays feasible). */
  optimise(work: WorkCounter): boolean {
    this.useWeights();
    return this.run(work);
  }

  /** The weights as the objective, with their reduced costs as last kept. */
  private useWeights(): void {
    if (this.cost === this.weightCost) return;
    this.yValid = false;
    this.unitValid = this.rcValid;
    this.cost = this.weightCost;
    this.rc = this.rcWeight;
    this.stale = this.staleWeight;
    this.yAt = this.yAtWeight;
    this.rcValid = this.weightValid;
    this.candUnitCount = this.candCount;
    this.cand = this.candWeight;
    this.inCand = this.inCandWeight;
    this.candCount = this.candWeightCount;
  }

  /** Item k's +-1 as the objective, with the unit objective's reduced costs as last kept (two columns' costs changed). */
  private useUnit(k: number, c: number): void {
    this.yValid = false;
    if (this.cost === this.weightCost) {
      this.weightValid = this.rcValid;
      this.rc = this.rcUnit;
      this.stale = this.staleUnit;
      this.yAt = this.yAtUnit;
      this.rcValid = this.unitValid;
      this.candWeightCount = this.candCount;
      this.cand = this.candUnit;
      this.inCand = this.inCandUnit;
      this.candCount = this.candUnitCount;
    }
    this.cost = this.unitCost;
    if (this.unitK >= 0) {
      this.unitCost[this.unitK] = 0;
      this.unitForced.push(this.unitK);
    }
    this.unitCost[k] = c;
    this.unitK = k;
    this.unitForced.push(k);
  }

  /**
   * Fixes item k at 1 (up) or 0: moves it there by the simplex, the rest free,
   * and sets both bounds there when it gets there; false (bounds unchanged,
   * the point moved but feasible) when it cannot, or the work ran out.
   * `unit` is the item's cost while it moves (rules 13: the weights' scale,
   * so that moves through a slack, whose reduced costs are unit / amount,
   * clear the weights' tolerance; rules 8-12's dives use 1).
   */
  fix(k: number, up: boolean, work: WorkCounter, unit = 1): boolean {
    this.useUnit(k, up ? unit : -unit);
    if (!this.run(work)) return false;
    const v = this.x(k);
    if (up ? v < 1 - 1e-9 : v > 1e-9) return false;
    this.lb[k] = this.ub[k] = up ? 1 : 0;
    const i = this.where[k]!;
    if (i >= 0) this.xb[i] = up ? 1 : 0;
    else this.atUpper[k] = up ? 1 : 0;
    this.setDir(k);
    return true;
  }

  /**
   * Rules 16: fixes item k at 1 (up) or 0 when it rests there off the basis (bounds only, the point unchanged);
   * false, and nothing changed, otherwise. `unfix` frees it again.
   */
  fixResting(k: number, up: boolean): boolean {
    if (this.where[k]! >= 0 || this.lb[k] === this.ub[k] || this.atUpper[k] !== (up ? 1 : 0)) return false;
    this.lb[k] = this.ub[k] = up ? 1 : 0;
    this.setDir(k);
    return true;
  }

  /**
   * Rules 12: fixes at 1 every item the point settles whole (within 1e-9, as
   * `fix` does) that is not fixed yet; later re-optimisations then move only
   * the items not yet whole. Counts a step per item.
   */
  fixWhole(work: WorkCounter): void {
    work.steps += this.m;
    for (let k = 0; k < this.m; k++) {
      if (this.lb[k] === this.ub[k] || this.x(k) < 1 - 1e-9) continue;
      this.lb[k] = this.ub[k] = 1;
      const i = this.where[k]!;
      if (i >= 0) this.xb[i] = 1;
      else this.atUpper[k] = 1;
      this.setDir(k);
    }
  }

  /**
   * Frees a fixed item again (bounds [0, 1]; where it stands is feasible for them). A non-basic item keeps its
   * value: fixed at 1 it may rest at its lower bound (a degenerate pivot leaves it there), which is 0 once freed.
   */
  unfix(k: number): void {
    if (this.where[k]! < 0) this.atUpper[k] = (this.atUpper[k] === 1 ? this.ub[k]! : this.lb[k]!) >= 1 ? 1 : 0;
    this.lb[k] = 0;
    this.ub[k] = 1;
    this.setDir(k);
  }

  private run(work: WorkCounter): boolean {
    const { n, m, net } = this;
    const pivotsMax = PIVOTS_PER_COLUMN * (m + n) + 100;
    let degenerate = 0;
    for (let pivots = 0; ; pivots++) {
      if (pivots > pivotsMax || work.steps > work.max) return false;
      work.steps += n * n + net.effStart[m]! + m + n;
      this.updateDuals();
      this.refreshReducedCosts();
      const { enter, dir } = this.entering(degenerate >= DEGENERATE_RUN_MAX);
      if (enter < 0) return true;
      this.columnOf(enter);
      const { t, leave, leaveToUpper } = this.ratio(dir, this.ub[enter]! - this.lb[enter]!);
      if (t === Infinity) return false;
      degenerate = t <= 1e-12 ? degenerate + 1 : 0;
      for (let i = 0; i < n; i++) this.xb[i]! -= dir * t * this.alpha[i]!;
      if (leave < 0) {
        this.atUpper[enter] = dir > 0 ? 1 : 0;
        this.setDir(enter);
        continue;
      }
      const out = this.basis[leave]!;
      const enterValue = (this.atUpper[enter] === 1 ? this.ub[enter]! : this.lb[enter]!) + dir * t;
      this.where[out] = -1;
      this.atUpper[out] = leaveToUpper ? 1 : 0;
      this.basis[leave] = enter;
      this.where[enter] = leave;
      this.atUpper[enter] = 0;
      this.setDir(out);
      this.dirOf[enter] = 0;
      this.xb[leave] = enterValue;
      // The duals that this pivot can change (see yValid).
      const row = leave * n;
      for (let r = 0; r < n; r++) if (this.binv[row + r] !== 0) this.dualDirty[this.dualDirtyCount++] = r;
      pivotInverseSparse(this.binv, this.alpha, leave, n, this.nz);
    }
  }

  /** y = c_B B^-1: all of it after a cost change, else the nodes the last pivot made dirty (bit for bit). */
  private updateDuals(): void {
    const { n, y, binv, basis, cost, dualDirty } = this;
    if (!this.yValid) {
      duals(y, binv, basis, cost);
      this.yValid = true;
      this.dualDirtyCount = 0;
      return;
    }
    if (this.dualDirtyCount === 0) return;
    // The rows with a nonzero cost, in order: the sums below skip the others, as duals() does.
    const { costRows, costOfRow } = this;
    let rows = 0;
    for (let i = 0; i < n; i++) {
      const ci = cost[basis[i]!]!;
      if (ci !== 0) {
        costRows[rows] = i * n;
        costOfRow[rows++] = ci;
      }
    }
    for (let c = 0; c < this.dualDirtyCount; c++) {
      const r = dualDirty[c]!;
      let s = 0;
      for (let q = 0; q < rows; q++) s += costOfRow[q]! * binv[costRows[q]! + r]!;
      y[r] = s;
    }
    this.dualDirtyCount = 0;
  }

  /** Column j's reduced cost under the current cost and duals. */
  private reducedCost(j: number): number {
    const { m, y } = this;
    let d = this.cost[j]!;
    if (j < m) {
      const { effStart, effNode, effF } = this;
      const e1 = effStart[j + 1]!;
      for (let e = effStart[j]!; e < e1; e++) d += y[effNode[e]!]! * effF[e]!;
    } else d -= y[j - m]!;
    return d;
  }

  /** Brings `rc` up to the current duals: every column after a cost change, else the columns at the nodes whose dual changed (bit for bit). */
  private refreshReducedCosts(): void {
    if (!this.rcValid) {
      this.refreshAllReducedCosts();
      return;
    }
    const { m, n, y, yAt, rc, dirOf, stale, cand, inCand, eps } = this;
    let count = this.candCount;
    const { mark, colStart, colItems } = this;
    // Stamps wrap after 2^32 refreshes: then every mark is cleared once.
    if (++this.stamp === 0x100000000) {
      mark.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    for (let i = 0; i < n; i++) {
      const a = y[i]!;
      const b = yAt[i]!;
      // Changed: a different value, or a zero of the other sign (Object.is would say so too).
      if (a === b && (a !== 0 || 1 / a === 1 / b)) continue;
      yAt[i] = a;
      const si = dirOf[m + i]!;
      if (si === 0) stale[m + i] = 1;
      else {
        const d = this.reducedCost(m + i);
        rc[m + i] = d;
        stale[m + i] = 0;
        if ((si === 1 ? d : -d) > eps) count = addCandidate(cand, inCand, count, m + i);
      }
      const c1 = colStart[i + 1]!;
      for (let c = colStart[i]!; c < c1; c++) {
        const j = colItems[c]!;
        const s = dirOf[j]!;
        if (s === 0) {
          stale[j] = 1;
          continue;
        }
        if (mark[j] === stamp) continue;
        mark[j] = stamp;
        const d = this.reducedCost(j);
        rc[j] = d;
        stale[j] = 0;
        if ((s === 1 ? d : -d) > eps) count = addCandidate(cand, inCand, count, j);
      }
    }
    if (this.cost === this.unitCost) {
      for (const j of this.unitForced) {
        stale[j] = 1;
        count = addCandidate(cand, inCand, count, j);
      }
      this.unitForced.length = 0;
    }
    this.candCount = count;
  }

  /** Every column's reduced cost after a cost change (marked stale where it cannot enter), and the candidates afresh. */
  private refreshAllReducedCosts(): void {
    const { m, n, y, yAt, rc, dirOf, stale, cand, inCand, eps } = this;
    let count = this.candCount;
    for (let q = 0; q < count; q++) inCand[cand[q]!] = 0;
    count = 0;
    for (let j = 0; j < m + n; j++) {
      const s = dirOf[j]!;
      if (s === 0) stale[j] = 1;
      else {
        const d = this.reducedCost(j);
        rc[j] = d;
        stale[j] = 0;
        if ((s === 1 ? d : -d) > eps) {
          inCand[j] = 1;
          cand[count++] = j;
        }
      }
    }
    this.candCount = count;
    yAt.set(y);
    this.rcValid = true;
    if (this.cost === this.unitCost) this.unitForced.length = 0;
  }

  /** The improving column of the largest reduced cost (Bland's smallest index when `bland`); fixed columns never enter. */
  private entering(bland: boolean): { enter: number; dir: number } {
    const { dirOf, rc, stale, cand, inCand, eps } = this;
    let enter = -1;
    let dir = 0;
    let bestGain = eps;
    // Over the candidates (see `cand`), dropping those that cannot enter or do not improve; the choice is the
    // scan's over every column in index order: the largest gain, ties (and Bland's rule) the smallest index.
    const count = this.candCount;
    let kept = 0;
    for (let q = 0; q < count; q++) {
      const j = cand[q]!;
      const s = dirOf[j]!;
      if (s === 0) {
        inCand[j] = 0;
        continue;
      }
      if (stale[j] === 1) {
        rc[j] = this.reducedCost(j);
        stale[j] = 0;
      }
      const d = rc[j]!;
      const gain = s === 1 ? d : -d;
      if (!(gain > eps)) {
        inCand[j] = 0;
        continue;
      }
      cand[kept++] = j;
      if (bland ? enter < 0 || j < enter : gain > bestGain || (gain === bestGain && j < enter)) {
        bestGain = gain;
        enter = j;
        dir = s;
      }
    }
    this.candCount = kept;
    return { enter, dir };
  }

  /** alpha = B^-1 a_j. */
  private columnOf(j: number): void {
    const { n, m, net, binv, alpha } = this;
    alpha.fill(0);
    if (j >= m) {
      for (let i = 0; i < n; i++) alpha[i] = binv[i * n + (j - m)]!;
      return;
    }
    for (let e = net.effStart[j]!; e < net.effStart[j + 1]!; e++) {
      const r = net.effNode[e]!;
      const a = -net.effF[e]!;
      for (let i = 0; i < n; i++) alpha[i]! += binv[i * n + r]! * a;
    }
  }

  /** The bounded ratio test over the basic columns' own bounds (ties: the smallest column index leaves). */
  private ratio(dir: number, tMax: number): { t: number; leave: number; leaveToUpper: boolean } {
    let t = tMax;
    let leave = -1;
    let leaveToUpper = false;
    for (let i = 0; i < this.n; i++) {
      const a = dir * this.alpha[i]!;
      if (Math.abs(a) <= 1e-12) continue;
      const b = this.basis[i]!;
      let ti: number;
      let toUpper: boolean;
      if (a > 0) {
        ti = Math.max(0, this.xb[i]! - this.lb[b]!) / a;
        toUpper = false;
      } else {
        if (this.ub[b] === Infinity) continue;
        ti = Math.max(0, this.ub[b]! - this.xb[i]!) / -a;
        toUpper = true;
      }
      if (ti < t - 1e-12 || (leave >= 0 && Math.abs(ti - t) <= 1e-12 && b < this.basis[leave]!)) {
        t = ti;
        leave = i;
        leaveToUpper = toUpper;
      }
    }
    return { t, leave, leaveToUpper };
  }
}

/**
 * Rules 8: a dive on the relaxation: while an item is fractional, the one the
 * relaxation settles most of (ties: the smallest index) is fixed at 1, or at 0
 * when it cannot get to 1, or left free when it can get to neither (the
 * fixings so far exclude both), and the rest re-optimised. The point stays
 * feasible throughout; at the end (or when the work runs out) the items at 1
 * are what it settles whole, and the few left free are fractional (the caller
 * rounds and repairs, and re-checks exactly). Measured (issue 16, novel
 * chain_big, 60 nodes, 1,400 items): the relaxation settles 55.9 M, rules 7
 * 45.6 M, HiGHS 52.6 M; the items the dive leaves at 1 are worth 50.7 M: its
 * fixings keep the large closing payments of the chains that a rounding of the
 * relaxation drops. Fixing the item nearest a whole value first instead
 * (often one near 0) ended at 49.3 M with more items left free.
 *
 * Returns whether the dive got to its end (false: the work ran out first).
 *
 * Rules 12 (`keepWhole`, a second dive where rules 8's ran out of work):
 * before each pick, every item the point settles whole is fixed at 1 too, so
 * a re-optimisation after a fixing moves only the items not yet whole.
 * Without it the re-optimisations took items the point had settled whole
 * back into part and the dive fixed them again one by one (issue 16, novel
 * whales seed 842476554, 153 nodes, 2,000 items, from rules 7's choice:
 * 1,721 fixings and 406 M steps to the end; 459 fixings and 101 M with it).
 */
export function lpDive(lp: BoundedLp, m: number, work: WorkCounter, keepWhole = false): boolean {
  // An item that could be fixed at neither end stays free (it is rounded down at the end).
  const stuck = new Uint8Array(m);
  for (;;) {
    // Rules 12: what the point settles whole stays settled (see lpDive's comment).
    if (keepWhole) lp.fixWhole(work);
    // The fractional item the relaxation settles most of, fixed at 1 where it can get there (else at 0).
    let pick = -1;
    let most = DIVE_WHOLE_TOLERANCE;
    for (let k = 0; k < m; k++) {
      const v = lp.x(k);
      if (stuck[k] === 0 && v < 1 - DIVE_WHOLE_TOLERANCE && v > most) {
        most = v;
        pick = k;
      }
    }
    work.steps += m;
    if (pick < 0) return true;
    if (!lp.fix(pick, true, work) && !lp.fix(pick, false, work)) stuck[pick] = 1;
    // Out of work: the point as it stands (the caller repairs what it leaves short).
    if (!lp.optimise(work)) return false;
  }
}

/** Rules 8: an item within this of 0 or 1 counts as whole in the dive. */
const DIVE_WHOLE_TOLERANCE = 1e-6;
