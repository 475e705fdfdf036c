// Residual chains for the gridlock solver (lsm_linked.ts), rules version 7.
//
// This module owns one repair: a node left short is made whole by a chain of
// changes that passes its shortfall on until a node with room absorbs it, where
// each change either DROPS a selected payment the short node pays (its payee
// then lacks what it would have received) or SETTLES an unselected payment to the
// short node (its payer then pays it). In the language of flows: an augmenting
// path in the residual graph, forward along unsettled payments, backward along
// settled ones. Chain removal (lsm_chain_removal.ts) uses backward steps only and
// cycle insertion (lsm_cycles.ts) forward ones only; where every node must
// balance nearly to the unit (no liquidity, a circulation of large payments
// patched by small ones), a shortfall passed on by drops alone runs round the
// circulation and removes it (issue 16, held-out zero_small: from the LP
// relaxation's whole items, one node short by 13,466 cascaded to 5,070 of value
// where the optimum is 192,982), while settling the payment that feeds it
// passes the shortfall back to a node that can cover it.
//
// Depth first, each step taking the change that covers the shortfall, largest
// value first (a settle gains its weight, a drop loses it); a node is visited
// once per chain. Only payments (one paying and one receiving node) take part.
// Pure and deterministic (work steps only); float arithmetic on exact integer
// amounts, run only where they are exact in float64; the caller re-checks the
// result exactly.

import type { WorkCounter } from './lsm.js';
import { type CycleNet, payeeEffect, payerOf } from './lsm_cycles.js';
import { KeyedItems } from './lsm_order.js';
import { itemsAtNodes, shortNodesByDeficit } from './lsm_region_search.js';

/** Changes per chain at most. */
export const RESIDUAL_CHAIN_LENGTH_MAX = 24;
/** Search steps per short node. */
const STEPS_PER_NODE = 3000;

export class ResidualChains {
  private readonly at: { start: Int32Array; items: Int32Array };
  private readonly onChain: Uint8Array;
  private readonly scratch = new KeyedItems();
  /** An item no chain may change (the one an insertion just settled), or -1. */
  private lock = -1;
  /** Per item, for a payment: its receiving effect (payeeEffect), paying node and receiving node; -1 for other items. */
  private readonly payeeE: Int32Array;
  private readonly payerN: Int32Array;
  private readonly payeeN: Int32Array;
  /** Search steps left for the node being repaired. */
  private left = 0;
  /** The candidate changes of every extend on the stack, each call's above its caller's (from `top`). */
  private cand = new Int32Array(256);
  private top = 0;

  constructor(private readonly net: CycleNet) {
    this.at = itemsAtNodes(net);
    this.onChain = new Uint8Array(net.nodes);
    this.payeeE = new Int32Array(net.m);
    this.payerN = new Int32Array(net.m);
    this.payeeN = new Int32Array(net.m);
    for (let k = 0; k < net.m; k++) {
      const e = payeeEffect(net, k);
      this.payeeE[k] = e;
      this.payerN[k] = e < 0 ? -1 : payerOf(net, k, e);
      this.payeeN[k] = e < 0 ? -1 : net.effNode[e]!;
    }
  }

  /** Every short node, shortest first, made whole by a chain where one is found; returns how many stay short. */
  repairAll(sel: Uint8Array, slack: Float64Array, work: WorkCounter): number {
    const net = this.net;
    let left = 0;
    for (const n of shortNodesByDeficit(net.nodes, slack, work)) {
      if (slack[n]! >= 0) continue;
      if (work.steps > work.max || !this.repairNode(n, sel, slack, work)) left++;
    }
    return left;
  }

  /** Makes node n whole by one chain (applied to `sel` and `slack`); false (nothing changed) when none is found within the steps. */
  repairNode(n: number, sel: Uint8Array, slack: Float64Array, work: WorkCounter, chain: number[] = [], lock = -1): boolean {
    this.lock = lock;
    this.left = STEPS_PER_NODE;
    this.top = 0;
    this.onChain[n] = 1;
    const found = this.extend(n, sel, slack, chain);
    this.onChain[n] = 0;
    work.steps += STEPS_PER_NODE - this.left + 1;
    return found;
  }

  /** Undoes a chain that repairNode applied (newest change first). */
  undo(chain: readonly number[], sel: Uint8Array, slack: Float64Array): void {
    for (let i = chain.length - 1; i >= 0; i--) this.flip(chain[i]!, sel, slack);
  }

  /**
   * The insertion move: each unsettled payment in `order` settles, and its payer,
   * if that leaves it short, is made whole by a chain; kept when the value rose
   * by at least a unit, else undone. Passes until one gains nothing or the work
   * runs out. In place; returns whether anything was kept.
   */
  insertAll(order: ArrayLike<number>, sel: Uint8Array, slack: Float64Array, work: WorkCounter): boolean {
    const net = this.net;
    const chain: number[] = [];
    let any = false;
    for (let gained = true; gained && work.steps <= work.max; ) {
      gained = false;
      for (let i = 0; i < order.length && work.steps <= work.max; i++) {
        const p = order[i]!;
        work.steps++;
        if (sel[p] === 1) continue;
        const e = payeeEffect(net, p);
        if (e < 0) continue;
        const payer = payerOf(net, p, e);
        this.flip(p, sel, slack);
        chain.length = 0;
        if (slack[payer]! < 0 && !this.repairNode(payer, sel, slack, work, chain, p)) {
          this.flip(p, sel, slack);
          continue;
        }
        let delta = net.weightF[p]!;
        for (const k of chain) delta += sel[k] === 1 ? net.weightF[k]! : -net.weightF[k]!;
        if (delta < 1) {
          this.undo(chain, sel, slack);
          this.flip(p, sel, slack);
          continue;
        }
        gained = any = true;
      }
    }
    return any;
  }

  private flip(k: number, sel: Uint8Array, slack: Float64Array): void {
    const net = this.net;
    const sign = sel[k] === 1 ? -1 : 1;
    sel[k] = sel[k] === 1 ? 0 : 1;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += sign * net.effF[e]!;
  }

  /**
   * From short node x: tries each change at x (a settled payment x pays,
   * dropped; an unsettled one to x, settled), those covering the whole shortfall
   * first, best value first; the node it passes the shortfall to is made whole
   * next, then x again if it is still short. On success the changes stay applied
   * (and listed in `chain`); on failure everything is as it was.
   */
  private extend(x: number, sel: Uint8Array, slack: Float64Array, chain: number[]): boolean {
    if (slack[x]! >= 0) return true;
    if (chain.length >= RESIDUAL_CHAIN_LENGTH_MAX) return false;
    const net = this.net;
    const need = -slack[x]!;
    const { payeeE, payerN, payeeN } = this;
    const base = this.top;
    const atStart = this.at.start[x]!;
    const atEnd = this.at.start[x + 1]!;
    if (this.cand.length < base + atEnd - atStart) {
      const grown = new Int32Array(Math.max(2 * this.cand.length, base + atEnd - atStart));
      grown.set(this.cand.subarray(0, base));
      this.cand = grown;
    }
    const cand = this.cand;
    let count = 0;
    let anyCovers = false;
    for (let j = atStart; j < atEnd; j++) {
      if (--this.left < 0) return false;
      const k = this.at.items[j]!;
      const e = payeeE[k]!;
      if (e < 0 || k === this.lock) continue;
      // Dropping a payment x pays passes the loss to its payee; settling one to x charges its payer.
      if ((sel[k] === 1 && payerN[k] === x) || (sel[k] === 0 && payeeN[k] === x)) {
        cand[base + count++] = k;
        if (net.effF[e]! >= need) anyCovers = true;
      }
    }
    // Best value first (a settle gains its weight, a drop loses it), ties by item: a total order, so the order is the
    // one the sort of [item, next, value, covers] tuples this replaced gave. `sel` stays as it is here for every
    // candidate's turn below (a failed change is undone before the next).
    sortCandidates(cand, base, base + count, sel, net.weightF, this.scratch);
    this.top = base + count;
    // Changes that cover the whole shortfall, when there are any; else smaller ones, each leaving x short, to be
    // covered by a further change (tried only then: they branch the search, and budget spent there is lost to the rest).
    for (let c = base; c < base + count; c++) {
      const k = this.cand[c]!;
      const amount = net.effF[payeeE[k]!]!;
      if (anyCovers && !(amount >= need)) continue;
      if (--this.left < 0) {
        this.top = base;
        return false;
      }
      const next = sel[k] === 1 ? payeeN[k]! : payerN[k]!;
      // A node already on the chain takes the change only when it has room for it (the chain then ends there).
      if (this.onChain[next] === 1 && slack[next]! < amount) continue;
      chain.push(k);
      const mark = chain.length;
      this.flip(k, sel, slack);
      this.onChain[next] = 1;
      const ok = this.extend(next, sel, slack, chain) && this.extend(x, sel, slack, chain);
      this.onChain[next] = 0;
      // Success leaves the chain applied; failure undoes this step's flips and the recursion's, newest first.
      if (ok) {
        this.top = base;
        return true;
      }
      for (let i = chain.length - 1; i >= mark - 1; i--) this.flip(chain[i]!, sel, slack);
      chain.length = mark - 1;
    }
    this.top = base;
    return false;
  }
}

/** Sorts cand[from, to) by value (the weight of an unselected item, minus that of a selected one), largest first, ties by item. */
export function sortCandidates(cand: Int32Array, from: number, to: number, sel: Uint8Array, weightF: Float64Array, scratch = new KeyedItems()): void {
  if (to - from > 24) {
    // The repairs' order on the value negated (exact): key ascending is value descending, ties by item either way.
    scratch.length = 0;
    for (let i = from; i < to; i++) {
      const k = cand[i]!;
      scratch.push(sel[k] === 1 ? weightF[k]! : -weightF[k]!, k);
    }
    scratch.sortFrom(0);
    cand.set(scratch.items.subarray(0, to - from), from);
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const k = cand[i]!;
    const v = sel[k] === 1 ? -weightF[k]! : weightF[k]!;
    let j = i - 1;
    for (; j >= from; j--) {
      const c = cand[j]!;
      const vc = sel[c] === 1 ? -weightF[c]! : weightF[c]!;
      if (!(vc < v || (vc === v && c > k))) break;
      cand[j + 1] = c;
    }
    cand[j + 1] = k;
  }
}
