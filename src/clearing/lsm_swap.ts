// Rules 17 (issue 16): a swap search over a whole LSM run's selection, after the
// exact pair phase.
//
// This module owns swapSearch: from a feasible selection (changed in place),
// each unsettled item, heaviest first, is put in when it fits; else in place of
// one or two settled items lighter than it together, drawn from the nodes it
// would leave short; after each swap the unsettled items that now fit are put
// in, heaviest first. Every move is checked in bigint on every node it touches
// and strictly gains exact weight, so the selection never loses weight and
// stays feasible. Why: rules 16's exact pair phase reaches a few participants'
// pairs within its work (on pvp_legs ~200 of 780, the first participants'),
// so the other participants' items are never re-chosen; a swap touches any
// participant for a few steps (docs/benchmarks.md, rules 17). Pure and
// deterministic: work steps only, no clock.

import { exactRoom, type WorkCounter } from './lsm.js';
import type { RunEffects } from './lsm_region_exact.js';

/** Settled items at most considered for removal per move (the lightest drawing on the short nodes). */
export const SWAP_CANDIDATES_MAX = 48;
/** Passes over the unsettled items at most (a pass ends early when nothing changed). */
export const SWAP_PASSES_MAX = 8;

/**
 * Swaps into `sel` (a feasible selection, changed in place) within `work`: see the module header. Returns the
 * exact weight gained (>= 0).
 */
export function swapSearch(net: RunEffects, sel: Uint8Array, work: WorkCounter): bigint {
  const st = new SwapState(net, sel, work);
  let gained = st.refill();
  for (let pass = 0; pass < SWAP_PASSES_MAX; pass++) {
    let changed = false;
    for (const k of st.order) {
      if (work.steps > work.max) return gained;
      if (sel[k] === 1) continue;
      st.apply(k, 1n);
      const out = st.swapOut(k, st.candidates(k));
      if (out === null) {
        st.apply(k, -1n);
        continue;
      }
      sel[k] = 1;
      for (const j of out) sel[j] = 0;
      gained += net.weight[k]!;
      for (const j of out) gained -= net.weight[j]!;
      gained += st.refill();
      changed = true;
    }
    if (!changed) break;
  }
  return gained;
}

/** swapSearch's state: the selection, each node's exact room under it, and per node the items drawing on it. */
class SwapState {
  readonly slack: bigint[];
  /** Per node, the items that draw on it (net effect < 0): drawItems[drawStart[n] .. drawStart[n + 1]). */
  readonly drawStart: Int32Array;
  readonly drawItems: Int32Array;
  /** Items, heaviest first (ties: item order). */
  readonly order: number[];
  private readonly mark: Uint8Array;

  constructor(
    readonly net: RunEffects,
    readonly sel: Uint8Array,
    readonly work: WorkCounter,
  ) {
    const m = net.m;
    this.slack = exactRoom(net, net.cap, sel);
    work.steps += net.effStart[m]!;
    const drawStart = new Int32Array(net.nodes + 1);
    for (let e = 0; e < net.effStart[m]!; e++) if (net.effDelta[e]! < 0n) drawStart[net.effNode[e]! + 1]!++;
    for (let n = 0; n < net.nodes; n++) drawStart[n + 1]! += drawStart[n]!;
    const drawItems = new Int32Array(drawStart[net.nodes]!);
    const fillAt = drawStart.slice(0, net.nodes);
    for (let k = 0; k < m; k++) {
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (net.effDelta[e]! < 0n) drawItems[fillAt[net.effNode[e]!]!++] = k;
    }
    this.drawStart = drawStart;
    this.drawItems = drawItems;
    this.order = Array.from({ length: m }, (_, k) => k).sort((x, y) => net.weightF[y]! - net.weightF[x]! || x - y);
    work.steps += m * 4;
    this.mark = new Uint8Array(m);
  }

  /** Adds (sign 1) or removes (sign -1) item k's effects to the rooms. */
  apply(k: number, sign: bigint): void {
    const net = this.net;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) this.slack[net.effNode[e]!]! += sign * net.effDelta[e]!;
  }

  /** Whether item k fits as the rooms stand. */
  fits(k: number): boolean {
    const net = this.net;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (this.slack[net.effNode[e]!]! + net.effDelta[e]! < 0n) return false;
    return true;
  }

  /** Whether every node `ks` touch has room >= 0 (the moves applied to the rooms). */
  allOk(ks: readonly number[]): boolean {
    const net = this.net;
    for (const k of ks) for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (this.slack[net.effNode[e]!]! < 0n) return false;
    return true;
  }

  /** Every unsettled item that fits put in, heaviest first; the weight added. */
  refill(): bigint {
    const net = this.net;
    let got = 0n;
    for (const k of this.order) {
      this.work.steps += 1 + net.effStart[k + 1]! - net.effStart[k]!;
      if (this.sel[k] === 1 || !this.fits(k)) continue;
      this.apply(k, 1n);
      this.sel[k] = 1;
      got += net.weight[k]!;
    }
    return got;
  }

  /**
   * With k applied to the rooms: the settled items lighter than k drawing on a node k leaves short, lightest first
   * (ties: item order), at most SWAP_CANDIDATES_MAX.
   */
  candidates(k: number): number[] {
    const net = this.net;
    const wk = net.weight[k]!;
    const cands: number[] = [];
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const n = net.effNode[e]!;
      if (this.slack[n]! >= 0n) continue;
      this.work.steps += this.drawStart[n + 1]! - this.drawStart[n]!;
      for (let i = this.drawStart[n]!; i < this.drawStart[n + 1]!; i++) {
        const j = this.drawItems[i]!;
        if (this.sel[j] !== 1 || this.mark[j] === 1 || net.weight[j]! >= wk) continue;
        this.mark[j] = 1;
        cands.push(j);
      }
    }
    for (const j of cands) this.mark[j] = 0;
    cands.sort((x, y) => (net.weight[x]! < net.weight[y]! ? -1 : net.weight[x]! > net.weight[y]! ? 1 : x - y));
    if (cands.length > SWAP_CANDIDATES_MAX) cands.length = SWAP_CANDIDATES_MAX;
    return cands;
  }

  /**
   * With k applied to the rooms: the lightest one, else the lightest two, of `cands` (lightest first) whose removal
   * leaves every node k and they touch >= 0 and who weigh less than k together; removed from the rooms when found,
   * else the rooms as they were.
   */
  swapOut(k: number, cands: readonly number[]): number[] | null {
    const wk = this.net.weight[k]!;
    for (const j of cands) {
      this.work.steps += 8;
      this.apply(j, -1n);
      if (this.allOk([k, j])) return [j];
      this.apply(j, 1n);
    }
    for (let a = 0; a < cands.length; a++) {
      const ja = cands[a]!;
      this.apply(ja, -1n);
      for (let b = a + 1; b < cands.length; b++) {
        const jb = cands[b]!;
        if (this.net.weight[ja]! + this.net.weight[jb]! >= wk) break;
        this.work.steps += 12;
        this.apply(jb, -1n);
        if (this.allOk([k, ja, jb])) return [ja, jb];
        this.apply(jb, 1n);
      }
      this.apply(ja, 1n);
    }
    return null;
  }
}
