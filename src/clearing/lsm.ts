// Liquidity-saving mechanism (LSM): which queued payments can settle together.
//
// This module owns the gridlock-resolution algorithm and its baselines, nothing
// else: it takes participants (balance, credit limit) and queued payments and
// returns the set of WHOLE payments to settle simultaneously. It is pure and
// deterministic: no I/O, no randomness from outside (a fixed-seed generator), and
// no clock unless the caller passes one with a time budget. Queues, ledger
// transfers and atomic posting belong to the RTGS layer that calls it.
//
// Problem (an integer programme). Participant i has capacity c_i = balance_i +
// limit_i >= 0. Choose x_p in {0,1} for every queued payment p (from -> to,
// amount a_p > 0) so that for every i
//     c_i + sum_{p to i} a_p x_p - sum_{p from i} a_p x_p >= 0        (slack_i >= 0)
// maximising sum_p a_p x_p. With `fifo`, each payer's chosen payments must be a
// prefix of its queue (list order; the caller sorts urgent before normal).
//
// Baselines (exact, all feasible by construction; they run on float64 copies of
// the amounts when that is exact, see below, and in bigint otherwise, making the
// same choices either way):
//  - solveFifoRtgs: plain RTGS, strict FIFO per payer, no simultaneity; a payer's
//    head settles when covered, re-examined whenever it receives. O((n + m) log)
//    with a worklist; its result is the same whatever order the worklist runs.
//  - solveBilateral: bilateral offsetting alone: for each pair, the opposing
//    queued payments settle together when the net fits, the short side dropping
//    payments from the end of its queue until it does; repeated to a fixed point.
//    What settles of a pair direction is always a prefix of its list (under FIFO
//    of the payer's queue), so a visit works on index ranges, allocation-free.
//  - solveBechSoramaki: iterative removal (Bech & Soramaki 2001): start from all
//    queued payments; every participant beyond its limit drops payments from the
//    end of its queue until it is not; recompute; repeat. O(rounds * (m + n)).
//
// solveLsm (the mechanism), in phases, all within one work budget:
//  1. The three baselines above, exact; the result is never worth less than any.
//  2. Removal from "everything queued" with a value-aware rule: a short
//     participant drops the payment with the least cost per unit of deficit
//     covered, cost = amount + w * the deficit it pushes onto its payee; then
//     greedy re-insertion (any unsettled payment its payer can now cover,
//     largest first, to a fixed point).
//  3. LP guidance (up to 400 participants): the LP relaxation (payments
//     divisible) is a min-cost flow on the pair graph, solved primal-dual: a
//     dense Dijkstra with potentials (O(m^2)) augments one shortest path, then a
//     blocking flow (current-arc pointers, dead ends, Dinic-style) pushes along
//     every residual arc of reduced cost 0 before the next search. Costs are +-1
//     and potentials integers, so "reduced cost 0" is an exact test. On the
//     benchmark this takes some 7 shortest-path phases instead of ~200 (with
//     its two rounded starts ~1 ms, a few ms at most, where single augmenting
//     paths took up to ~30 ms under load). It
//     may use at most 60% of the time budget (past it the search runs unguided).
//     The fraction of each pair the LP settles weighs the removal rule (keep what
//     the LP keeps) and gives two more starts: the LP flow rounded down and up per
//     pair, each repaired and re-filled.
//  4. Local search from the best start, in rounds: (a) ejection moves (not under
//     FIFO): settle a random unsettled payment, let its payer and anyone pushed
//     short drop payments by the randomised removal rule, re-insert where payers
//     gained room; keep if the value did not fall, else undo; (b) a kick: re-queue
//     the unsettled payments of a random set of payers on top of the best
//     solution (its payments protected, a few not), re-run removal, re-fill and
//     1-for-1 swaps (settle p instead of a smaller q of the same payer). It stops
//     after 40 rounds without progress, on the work budget, or on the time budget.
// The generator has a fixed seed, so the result is a function of the input as
// long as the search stops on its work budget or by stalling; only a time budget
// that cuts the search makes it depend on machine speed (`stopped: time_limit`).
// Under `fifo` removal is always from the end of a payer's queue, insertion only
// at its head, and the search is the kicks alone (re-queued whole suffixes).
//
// The search runs on float64 copies of amounts. It is exact whenever twice the
// sum of all amounts is below 2^53 (capacities are clamped to each payer's total
// outflow, which changes nothing: beyond that a payer can never be short). Above
// that the floats only steer the search: its result is re-checked and repaired
// in exact bigint arithmetic. Every returned set is checked exactly against every
// limit (and the FIFO rule) before it is returned; a violation throws.
//
// Engine bookkeeping: the selection, every participant's slack, the value, and
// per payer the list of its selected payments (a block of a flat array, with each
// payment's position in it, so add and remove are O(1) swap-removes). Removal
// scoring and swaps touch only selected payments; a move costs O(degree).
// Removal scores a short payer's selected payments once (the generator inlined,
// the cheapest found in the same pass) and removes the cheapest in turn until
// the deficit is covered or has halved, then re-scores (the cost per unit of
// deficit depends on the deficit), so a large deficit costs O(deg *
// log(deficit)) rather than one scan per removal. Re-insertion skips, by
// bisection, a payer's payments larger than its room; a swap bisects the payer's
// by-amount list for the range d <= a_q < a_p and walks it from the small end to
// the first fit. The inner loops allocate nothing (typed arrays and scratch
// buffers reused across moves and kicks); the clock is read at most once per
// 2,000 work steps.
//
// Complexity (deg = a payer's queue length, s = its selected count): a removal
// scan is O(s) (then O(s) per further pick); a removal run O(n * deg + m);
// re-insertion O(n * deg) per pass; a swap pass O(n log deg + range walks); the
// LP O(m^2) per phase (shortest path plus blocking flow, the latter O(m^2 +
// paths * m)), phases bounded by the work budget; an ejection move O(s *
// cascade length). Memory O(n + m^2).
//
// Limits (what it does not find): it is a heuristic for an NP-hard problem and
// proves nothing about optimality. On the benchmark's 2,000-payment gridlocks it
// reaches a median of about 0.992 of HiGHS's best (10 s) in its 40 ms budget (see
// bench/clearing_bench.ts), some 0.94 of the LP bound; the search is the limit,
// not its starts, and the time-cut result depends on machine speed and load
// (measured on a shared 2-core machine). Fixed costs before the search, some
// 4-6 ms: compiling the input (~1.5 ms), the exact baselines, the LP. It does no
// exact subset-sum: when a deficit needs a particular combination of several
// payments it may drop more than necessary; on tiny heavy-tailed instances
// (4 participants, 14 payments) it misses the brute-force optimum in about 1
// case in 8 even with ample work budget (test/clearing_lsm). Swaps are 1-for-1
// within one payer; longer exchange chains and cycles of unsettled payments are
// found only through ejection cascades and kicks, not systematically. Under
// FIFO the LP ignores queue order and there are no ejection moves, so FIFO runs
// rely on removal orders and kicks. Priority does not enter the objective (value
// does); it is carried for the caller.

import { ClearingInputError } from './input_error.js';

export const LSM_PARTICIPANTS_MAX = 10_000;
export const LSM_PAYMENTS_MAX = 100_000;
/** Default search effort, in inner-loop steps; some 100+ ms at 2,000 payments, so with a clock the time budget binds first. */
export const LSM_WORK_BUDGET_DEFAULT = 6_000_000;
export const LSM_TIME_BUDGET_MS_DEFAULT = 40;
/** Above this many participants the dense LP-relaxation solver is skipped. */
const LP_PARTICIPANTS_MAX = 400;
/** Share of the time budget the LP relaxation may use (with a clock). */
const LP_TIME_SHARE = 0.6;
/** Ejection moves per local-search round, and rounds without progress before stopping. */
const EJECT_BURST = 400;
const STALL_ROUNDS = 40;
/** Work steps between clock readings (some microseconds of search). */
const CLOCK_STRIDE = 2_000;

export interface LsmParticipant {
  readonly id: string;
  readonly balance: bigint;
  /** Credit the participant may use, >= 0. */
  readonly limit: bigint;
}

export interface LsmPayment {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly priority: number;
}

export interface LsmProblem {
  readonly participants: readonly LsmParticipant[];
  /** In queue order: a payer's payments queue in the order they appear here. */
  readonly payments: readonly LsmPayment[];
  readonly fifo: boolean;
}

export interface LsmOptions {
  /** Inner-loop steps the search may take (deterministic bound). */
  work_budget?: number;
  /** Milliseconds; applies only with `clock`. */
  time_budget_ms?: number;
  /** A monotonic millisecond clock, e.g. () => performance.now(). Without it there is no time limit. */
  clock?: () => number;
  /** Seed of the internal generator; the default is fixed. */
  seed?: number;
}

export type LsmStop = 'all_settled' | 'stalled' | 'work_limit' | 'time_limit' | 'baseline';

export interface LsmSolution {
  /** Settled payment ids, in input order. */
  settled: string[];
  settled_value: bigint;
  /** Which candidate the result came from. */
  method: string;
  stopped: LsmStop;
}

/** Bad input to this module (kept as a name of its own for callers' readability). */
export const LsmInputError = ClearingInputError;
export type LsmInputError = ClearingInputError;

// ---------------------------------------------------------------------------
// Compiled form: integer indices, per-payer queues, exact and float amounts.

interface Compiled {
  readonly n: number;
  readonly m: number;
  readonly fifo: boolean;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly amount: readonly bigint[];
  readonly amountF: Float64Array;
  /** balance + limit, exact. */
  readonly cap: readonly bigint[];
  /** min(cap, payer's total outflow) as float: the same constraint, smaller numbers. */
  readonly capF: Float64Array;
  /** Per payer, its payment indices in queue order. */
  readonly out: readonly Int32Array[];
  /** Per payer, where its block starts in flat per-payer arrays of length n (payer i owns [outStart[i], outStart[i+1])). */
  readonly outStart: Int32Array;
  /** Per payer, its payment indices by amount, largest first. */
  readonly outByAmount: readonly Int32Array[];
  /** All payments by amount, largest first (ties: queue order). */
  readonly byAmount: Int32Array;
  /** True when float arithmetic on amounts and slacks is exact. */
  readonly floatExact: boolean;
  readonly total: bigint;
}

function paymentField(i: number, p: LsmPayment | undefined, field: string): string {
  const id = p !== undefined && typeof p.id === 'string' ? ` (id ${JSON.stringify(p.id)})` : '';
  return `payments[${i}]${id}.${field}`;
}

/** Participant id -> index, and each one's capacity (balance + limit), checking each participant. */
function indexParticipants(participants: LsmProblem['participants']): { index: Map<string, number>; cap: bigint[] } {
  const index = new Map<string, number>();
  const cap: bigint[] = new Array<bigint>(participants.length);
  participants.forEach((pt, i) => {
    if (typeof pt.id !== 'string' || pt.id.length === 0) throw new LsmInputError(`participants[${i}].id`, 'must be a non-empty string');
    if (index.has(pt.id)) throw new LsmInputError(`participants[${i}].id`, `duplicate participant id ${JSON.stringify(pt.id)}`);
    if (typeof pt.balance !== 'bigint') throw new LsmInputError(`participants[${i}].balance`, 'must be a bigint');
    if (typeof pt.limit !== 'bigint' || pt.limit < 0n) throw new LsmInputError(`participants[${i}].limit`, 'must be a bigint >= 0');
    if (pt.balance + pt.limit < 0n) {
      throw new LsmInputError(`participants[${i}].balance`, `balance ${pt.balance} is already beyond the limit ${pt.limit}`);
    }
    index.set(pt.id, i);
    cap[i] = pt.balance + pt.limit;
  });
  return { index, cap };
}

function compile(problem: LsmProblem): Compiled {
  const { participants, payments } = problem;
  if (participants.length > LSM_PARTICIPANTS_MAX) {
    throw new LsmInputError('participants', `at most ${LSM_PARTICIPANTS_MAX} participants per run, got ${participants.length}`);
  }
  if (payments.length > LSM_PAYMENTS_MAX) {
    throw new LsmInputError('payments', `at most ${LSM_PAYMENTS_MAX} payments per run, got ${payments.length}`);
  }
  const m = participants.length;
  const n = payments.length;
  const { index, cap } = indexParticipants(participants);
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const amount: bigint[] = new Array<bigint>(n);
  const ids = new Set<string>();
  const outTotal: bigint[] = new Array<bigint>(m).fill(0n);
  const outCount = new Int32Array(m);
  let total = 0n;
  payments.forEach((p, k) => {
    if (typeof p.id !== 'string' || p.id.length === 0) throw new LsmInputError(paymentField(k, p, 'id'), 'must be a non-empty string');
    if (ids.has(p.id)) throw new LsmInputError(paymentField(k, p, 'id'), `duplicate payment id ${JSON.stringify(p.id)}`);
    ids.add(p.id);
    const f = index.get(p.from);
    if (f === undefined) throw new LsmInputError(paymentField(k, p, 'from'), `unknown participant ${JSON.stringify(p.from)}`);
    const t = index.get(p.to);
    if (t === undefined) throw new LsmInputError(paymentField(k, p, 'to'), `unknown participant ${JSON.stringify(p.to)}`);
    if (f === t) throw new LsmInputError(paymentField(k, p, 'to'), 'a payment to oneself');
    if (typeof p.amount !== 'bigint' || p.amount <= 0n) throw new LsmInputError(paymentField(k, p, 'amount'), 'must be a bigint > 0');
    if (!Number.isInteger(p.priority)) throw new LsmInputError(paymentField(k, p, 'priority'), 'must be an integer');
    from[k] = f;
    to[k] = t;
    amount[k] = p.amount;
    outTotal[f] = outTotal[f]! + p.amount;
    outCount[f]!++;
    total += p.amount;
  });

  const out: Int32Array[] = [];
  const outStart = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) {
    out.push(new Int32Array(outCount[i]!));
    outStart[i + 1] = outStart[i]! + outCount[i]!;
  }
  const fill = new Int32Array(m);
  for (let k = 0; k < n; k++) out[from[k]!]![fill[from[k]!]!++] = k;

  // Twice the total bounds every |slack| once capacities are clamped (see header).
  const floatExact = 2n * total <= BigInt(Number.MAX_SAFE_INTEGER);
  const amountF = new Float64Array(n);
  for (let k = 0; k < n; k++) amountF[k] = Number(amount[k]!);
  const capF = new Float64Array(m);
  for (let i = 0; i < m; i++) capF[i] = Number(cap[i]! < outTotal[i]! ? cap[i]! : outTotal[i]!);

  // By float amount (monotone in the exact amount, so consistent with it; ties by queue order).
  const byAmountDesc = (a: number, b: number): number => amountF[b]! - amountF[a]! || a - b;
  const outByAmount = out.map((q) => Int32Array.from([...q].sort(byAmountDesc)));
  const byAmount = Int32Array.from(Array.from({ length: n }, (_, k) => k).sort(byAmountDesc));
  return { n, m, fifo: problem.fifo, from, to, amount, amountF, cap, capF, out, outStart, outByAmount, byAmount, floatExact, total };
}

// ---------------------------------------------------------------------------
// Exact (bigint) checks and baselines.

function exactSlack(c: Compiled, sel: Uint8Array): bigint[] {
  const s = c.cap.slice();
  for (let k = 0; k < c.n; k++) {
    if (sel[k] === 1) {
      s[c.from[k]!] = s[c.from[k]!]! - c.amount[k]!;
      s[c.to[k]!] = s[c.to[k]!]! + c.amount[k]!;
    }
  }
  return s;
}

function exactValue(c: Compiled, sel: Uint8Array): bigint {
  let v = 0n;
  for (let k = 0; k < c.n; k++) if (sel[k] === 1) v += c.amount[k]!;
  return v;
}

/** Why `sel` is not a valid settlement, or null. */
function violation(c: Compiled, sel: Uint8Array, ids: (i: number) => string): string | null {
  const s = exactSlack(c, sel);
  for (let i = 0; i < c.m; i++) {
    if (s[i]! < 0n) return `participant ${JSON.stringify(ids(i))} ends ${-s[i]!} beyond its limit`;
  }
  if (c.fifo) {
    for (let i = 0; i < c.m; i++) {
      const q = c.out[i]!;
      for (let j = 1; j < q.length; j++) {
        if (sel[q[j]!] === 1 && sel[q[j - 1]!] !== 1) return `participant ${JSON.stringify(ids(i))} settles out of queue order`;
      }
    }
  }
  return null;
}

/** Drops payments from the end of each short payer's queue until every slack is >= 0 (exact). */
function exactRemovalFromEnd(c: Compiled, sel: Uint8Array): void {
  const s = exactSlack(c, sel);
  const stack: number[] = [];
  const queued = new Uint8Array(c.m);
  for (let i = 0; i < c.m; i++) {
    if (s[i]! < 0n) {
      stack.push(i);
      queued[i] = 1;
    }
  }
  const tail = new Int32Array(c.m);
  for (let i = 0; i < c.m; i++) tail[i] = c.out[i]!.length - 1;
  while (stack.length > 0) {
    const i = stack.pop()!;
    queued[i] = 0;
    const q = c.out[i]!;
    while (s[i]! < 0n) {
      while (tail[i]! >= 0 && sel[q[tail[i]!]!] !== 1) tail[i]!--;
      if (tail[i]! < 0) throw new Error('lsm: internal error: a payer with nothing queued is short');
      const k = q[tail[i]!]!;
      sel[k] = 0;
      s[i] = s[i]! + c.amount[k]!;
      const t = c.to[k]!;
      s[t] = s[t]! - c.amount[k]!;
      if (s[t]! < 0n && queued[t] === 0) {
        stack.push(t);
        queued[t] = 1;
      }
    }
  }
}

/** Iterative removal; in float arithmetic when that is exact (see compile), else in bigint. */
function bechSoramaki(c: Compiled): Uint8Array {
  if (c.floatExact) return bechSoramakiF(c);
  const sel = new Uint8Array(c.n).fill(1);
  const s = exactSlack(c, sel);
  const tail = new Int32Array(c.m);
  for (let i = 0; i < c.m; i++) tail[i] = c.out[i]!.length - 1;
  for (;;) {
    // One round: every participant short at the start of the round drops from the end of its queue.
    const short: number[] = [];
    for (let i = 0; i < c.m; i++) if (s[i]! < 0n) short.push(i);
    if (short.length === 0) return sel;
    for (const i of short) {
      const q = c.out[i]!;
      while (s[i]! < 0n) {
        const k = q[tail[i]!--]!;
        sel[k] = 0;
        s[i] = s[i]! + c.amount[k]!;
        s[c.to[k]!] = s[c.to[k]!]! - c.amount[k]!;
      }
    }
  }
}

/** The same as bechSoramaki, in float arithmetic (exact when c.floatExact; clamped capacities change no decision). */
function bechSoramakiF(c: Compiled): Uint8Array {
  const sel = new Uint8Array(c.n).fill(1);
  const s = Float64Array.from(c.capF);
  for (let k = 0; k < c.n; k++) {
    s[c.from[k]!]! -= c.amountF[k]!;
    s[c.to[k]!]! += c.amountF[k]!;
  }
  const tail = new Int32Array(c.m);
  for (let i = 0; i < c.m; i++) tail[i] = c.out[i]!.length - 1;
  const short: number[] = [];
  for (;;) {
    short.length = 0;
    for (let i = 0; i < c.m; i++) if (s[i]! < 0) short.push(i);
    if (short.length === 0) return sel;
    for (const i of short) {
      const q = c.out[i]!;
      while (s[i]! < 0) {
        const k = q[tail[i]!--]!;
        sel[k] = 0;
        s[i]! += c.amountF[k]!;
        s[c.to[k]!]! -= c.amountF[k]!;
      }
    }
  }
}

/** Plain FIFO RTGS; in float arithmetic when that is exact (see compile), else in bigint. */
function fifoRtgs(c: Compiled): Uint8Array {
  if (c.floatExact) return fifoRtgsF(c);
  const sel = new Uint8Array(c.n);
  const s = c.cap.slice();
  const head = new Int32Array(c.m);
  const work: number[] = [];
  const queued = new Uint8Array(c.m).fill(1);
  for (let i = c.m - 1; i >= 0; i--) work.push(i);
  while (work.length > 0) {
    const i = work.pop()!;
    queued[i] = 0;
    const q = c.out[i]!;
    while (head[i]! < q.length) {
      const k = q[head[i]!]!;
      if (s[i]! < c.amount[k]!) break;
      sel[k] = 1;
      head[i]!++;
      s[i] = s[i]! - c.amount[k]!;
      const t = c.to[k]!;
      s[t] = s[t]! + c.amount[k]!;
      if (queued[t] === 0) {
        work.push(t);
        queued[t] = 1;
      }
    }
  }
  return sel;
}

/** The same as fifoRtgs, in float arithmetic (exact when c.floatExact; clamped capacities change no decision). */
function fifoRtgsF(c: Compiled): Uint8Array {
  const sel = new Uint8Array(c.n);
  const s = Float64Array.from(c.capF);
  const head = new Int32Array(c.m);
  const work: number[] = [];
  const queued = new Uint8Array(c.m).fill(1);
  for (let i = c.m - 1; i >= 0; i--) work.push(i);
  while (work.length > 0) {
    const i = work.pop()!;
    queued[i] = 0;
    const q = c.out[i]!;
    while (head[i]! < q.length) {
      const k = q[head[i]!]!;
      if (s[i]! < c.amountF[k]!) break;
      sel[k] = 1;
      head[i]!++;
      s[i]! -= c.amountF[k]!;
      const t = c.to[k]!;
      s[t]! += c.amountF[k]!;
      if (queued[t] === 0) {
        work.push(t);
        queued[t] = 1;
      }
    }
  }
  return sel;
}

/** Bilateral offsetting; in float arithmetic when that is exact (see compile), else in bigint. */
function bilateral(c: Compiled): Uint8Array {
  const { pairs, pairsOf } = bilateralPairs(c);
  const sel = new Uint8Array(c.n);
  const head = new Int32Array(c.m); // FIFO: position of each payer's queue head
  // Non-FIFO: what settles of a pair direction is always a prefix of its list
  // (the open payments are the rest, and the short side drops from their end), so
  // each direction keeps a settled-prefix length and a visit works on index ranges.
  const doneAb = new Int32Array(pairs.length);
  const doneBa = new Int32Array(pairs.length);
  const queued = new Uint8Array(pairs.length).fill(1);
  const work: number[] = [];
  for (let pi = pairs.length - 1; pi >= 0; pi--) work.push(pi);
  /** End of the open run of `payer` to `payee` at the head of its queue (FIFO). */
  const runEnd = (payer: number, payee: number): number => {
    const q = c.out[payer]!;
    let h = head[payer]!;
    while (h < q.length && c.to[q[h]!] === payee) h++;
    return h;
  };
  const sF = c.floatExact ? Float64Array.from(c.capF) : null;
  const sB = c.floatExact ? null : c.cap.slice();
  const o: Offset = { xHi: 0, yHi: 0, gain: 0 };
  while (work.length > 0) {
    const pi = work.pop()!;
    queued[pi] = 0;
    const { a, b, ab, ba } = pairs[pi]!;
    // The open payments: xs[xLo, xHi) from a to b, ys[yLo, yHi) from b to a.
    const xs: ArrayLike<number> = c.fifo ? c.out[a]! : ab;
    const ys: ArrayLike<number> = c.fifo ? c.out[b]! : ba;
    const xLo = c.fifo ? head[a]! : doneAb[pi]!;
    const yLo = c.fifo ? head[b]! : doneBa[pi]!;
    o.xHi = c.fifo ? runEnd(a, b) : ab.length;
    o.yHi = c.fifo ? runEnd(b, a) : ba.length;
    if (o.xHi === xLo && o.yHi === yLo) continue;
    const settles = sF !== null ? offsetFloat(c, sF, a, b, xs, xLo, ys, yLo, o) : offsetExact(c, sB!, a, b, xs, xLo, ys, yLo, o);
    if (!settles) continue;
    const { xHi, yHi, gain } = o;
    for (let h = xLo; h < xHi; h++) sel[xs[h]!] = 1;
    for (let h = yLo; h < yHi; h++) sel[ys[h]!] = 1;
    if (c.fifo) {
      head[a] = xHi;
      head[b] = yHi;
    } else {
      doneAb[pi] = xHi;
      doneBa[pi] = yHi;
    }
    // Only a side that gained can now afford more with third parties; under FIFO
    // both sides may also have a new queue head.
    if (c.fifo || gain > 0) requeuePairs(pairsOf[a]!, queued, work);
    if (c.fifo || gain < 0) requeuePairs(pairsOf[b]!, queued, work);
  }
  return sel;
}

interface BilateralPair {
  a: number;
  b: number;
  ab: number[];
  ba: number[];
}

/** Pairs keyed by the smaller index first, each holding both directions in queue order; and each participant's pairs. */
function bilateralPairs(c: Compiled): { pairs: BilateralPair[]; pairsOf: number[][] } {
  const pairKey = new Map<number, number>();
  const pairs: BilateralPair[] = [];
  const pairsOf: number[][] = Array.from({ length: c.m }, () => []);
  for (let k = 0; k < c.n; k++) {
    const f = c.from[k]!;
    const t = c.to[k]!;
    const a = Math.min(f, t);
    const b = Math.max(f, t);
    const key = a * c.m + b;
    let pi = pairKey.get(key);
    if (pi === undefined) {
      pi = pairs.length;
      pairKey.set(key, pi);
      pairs.push({ a, b, ab: [], ba: [] });
      pairsOf[a]!.push(pi);
      pairsOf[b]!.push(pi);
    }
    (f === a ? pairs[pi]!.ab : pairs[pi]!.ba).push(k);
  }
  return { pairs, pairsOf };
}

function requeuePairs(list: readonly number[], queued: Uint8Array, work: number[]): void {
  for (const pj of list) {
    if (queued[pj] === 0) {
      work.push(pj);
      queued[pj] = 1;
    }
  }
}

/** A bilateral offset in progress: the open ranges' ends, then the sign of what a receives minus what it pays. */
interface Offset {
  xHi: number;
  yHi: number;
  gain: number;
}

/**
 * Offsets xs[xLo, o.xHi) from a to b against ys[yLo, o.yHi) from b to a on float
 * balances s: only one side can be short at a time; it drops from the end of its
 * queue. Books the result into s and o; false when nothing is left to settle.
 */
function offsetFloat(
  c: Compiled,
  s: Float64Array,
  a: number,
  b: number,
  xs: ArrayLike<number>,
  xLo: number,
  ys: ArrayLike<number>,
  yLo: number,
  o: Offset,
): boolean {
  let { xHi, yHi } = o;
  let sx = 0;
  let sy = 0;
  for (let h = xLo; h < xHi; h++) sx += c.amountF[xs[h]!]!;
  for (let h = yLo; h < yHi; h++) sy += c.amountF[ys[h]!]!;
  for (;;) {
    if (s[a]! - sx + sy < 0) sx -= c.amountF[xs[--xHi]!]!;
    else if (s[b]! - sy + sx < 0) sy -= c.amountF[ys[--yHi]!]!;
    else break;
  }
  if (xHi === xLo && yHi === yLo) return false;
  s[a] = s[a]! - sx + sy;
  s[b] = s[b]! - sy + sx;
  o.xHi = xHi;
  o.yHi = yHi;
  o.gain = Math.sign(sy - sx);
  return true;
}

/** offsetFloat on exact balances, for amounts beyond 2^53. */
function offsetExact(
  c: Compiled,
  s: bigint[],
  a: number,
  b: number,
  xs: ArrayLike<number>,
  xLo: number,
  ys: ArrayLike<number>,
  yLo: number,
  o: Offset,
): boolean {
  let { xHi, yHi } = o;
  let sx = 0n;
  let sy = 0n;
  for (let h = xLo; h < xHi; h++) sx += c.amount[xs[h]!]!;
  for (let h = yLo; h < yHi; h++) sy += c.amount[ys[h]!]!;
  for (;;) {
    if (s[a]! - sx + sy < 0n) sx -= c.amount[xs[--xHi]!]!;
    else if (s[b]! - sy + sx < 0n) sy -= c.amount[ys[--yHi]!]!;
    else break;
  }
  if (xHi === xLo && yHi === yLo) return false;
  s[a] = s[a]! - sx + sy;
  s[b] = s[b]! - sy + sx;
  o.xHi = xHi;
  o.yHi = yHi;
  o.gain = sy > sx ? 1 : sy < sx ? -1 : 0;
  return true;
}

// ---------------------------------------------------------------------------
// The search engine (float64 amounts; exact when c.floatExact).

/** xorshift32: a small fixed-seed generator so the search is reproducible. */

/** What the improvement moves (lsm_cycles.ts, lsm_neighbourhood.ts) read of lsm_linked's compiled problem: per item its effects on nodes, as float64. */
export interface ItemEffects {
  readonly nodes: number;
  readonly m: number;
  readonly effStart: Int32Array;
  readonly effNode: Int32Array;
  readonly effF: Float64Array;
  readonly weightF: Float64Array;
}

/** Per item, its exact effects on nodes (lsm_linked's compiled problem, or one region of it) and its exact weight. */
export interface ExactItemEffects {
  readonly m: number;
  readonly effStart: Int32Array;
  readonly effNode: Int32Array;
  readonly effDelta: readonly bigint[];
  readonly weight: readonly bigint[];
}

/** Each node's room once the items `sel` chooses settle, from `base` (its room with none of them), exactly. */
export function exactRoom(eff: ExactItemEffects, base: readonly bigint[], sel: Uint8Array): bigint[] {
  const room = base.slice();
  for (let k = 0; k < eff.m; k++) {
    if (sel[k] !== 1) continue;
    for (let e = eff.effStart[k]!; e < eff.effStart[k + 1]!; e++) room[eff.effNode[e]!] = room[eff.effNode[e]!]! + eff.effDelta[e]!;
  }
  return room;
}

/** The exact weight of the items `sel` chooses. */
export function exactChosenWeight(eff: ExactItemEffects, sel: Uint8Array): bigint {
  let w = 0n;
  for (let k = 0; k < eff.m; k++) if (sel[k] === 1) w += eff.weight[k]!;
  return w;
}

/** A caller's work counter: steps taken, and the most it may take. */
export interface WorkCounter {
  steps: number;
  readonly max: number;
}
export class Rng {
  /** State; read and written directly by hot loops that inline u32(). */
  s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  float(): number {
    return this.u32() / 4294967296;
  }
  below(n: number): number {
    return Math.floor(this.float() * n);
  }
}

class Budget {
  work = 0;
  stop: LsmStop | null = null;
  constructor(
    private readonly workMax: number,
    readonly clock: (() => number) | undefined,
    private readonly deadline: number,
  ) {}
  /** Work at the last clock reading: the clock is read at most once per CLOCK_STRIDE work steps (it is not free). */
  private clockedAt = -Infinity;
  exhausted(): boolean {
    if (this.stop !== null) return true;
    if (this.work > this.workMax) this.stop = 'work_limit';
    else if (this.clock !== undefined && this.work - this.clockedAt >= CLOCK_STRIDE) {
      this.clockedAt = this.work;
      if (this.clock() > this.deadline) this.stop = 'time_limit';
    }
    return this.stop !== null;
  }
}

class Engine {
  readonly sel: Uint8Array;
  readonly slack: Float64Array;
  /** How many of each payer's payments are selected (under FIFO always a prefix of its queue). */
  readonly plen: Int32Array;
  /**
   * Per payer, its selected payments: setList[outStart[i] .. outStart[i] + plen[i]) in
   * no particular order, setPos[k] the position of selected k in its payer's block.
   * Kept by add/remove in O(1), so removal scoring and swaps touch selected payments only.
   */
  readonly setList: Int32Array;
  readonly setPos: Int32Array;
  value = 0;
  /** Per payment, the fraction of its pair's value the LP relaxation settles (0..1). */
  readonly frac: Float64Array;
  /** How strongly removal avoids payments the LP settles; 0 = ignore the LP. */
  beta = 0;
  private readonly stack: number[] = [];
  private readonly onStack: Uint8Array;

  constructor(
    private readonly c: Compiled,
    private readonly budget: Budget,
    private readonly rng: Rng,
  ) {
    this.sel = new Uint8Array(c.n);
    this.slack = new Float64Array(c.m);
    this.plen = new Int32Array(c.m);
    this.setList = new Int32Array(c.n);
    this.setPos = new Int32Array(c.n);
    this.onStack = new Uint8Array(c.m);
    this.frac = new Float64Array(c.n);
    this.lock = new Uint8Array(c.n);
    let deg = 0;
    for (const q of c.out) deg = Math.max(deg, q.length);
    this.candK = new Int32Array(deg);
    this.candCost = new Float64Array(deg);
  }

  load(sel: Uint8Array): void {
    const c = this.c;
    this.sel.set(sel);
    this.slack.set(c.capF);
    this.plen.fill(0);
    this.value = 0;
    for (let i = 0; i < c.m; i++) {
      const q = c.out[i]!;
      const base = c.outStart[i]!;
      let cnt = 0;
      for (let j = 0; j < q.length; j++) {
        const k = q[j]!;
        if (sel[k] !== 1) continue;
        const a = c.amountF[k]!;
        this.slack[i]! -= a;
        this.slack[c.to[k]!]! += a;
        this.value += a;
        this.setList[base + cnt] = k;
        this.setPos[k] = cnt++;
      }
      this.plen[i] = cnt;
    }
  }

  /** While set, add/remove are logged (k, or ~k for a removal) so a move can be undone. */
  private logging = false;
  private readonly log: number[] = [];
  /** Scratch for repair: a short payer's removal candidates and their costs. */
  private readonly candK: Int32Array;
  private readonly candCost: Float64Array;
  /** Scratch for eject: participants that gained room. */
  private readonly gainers: number[] = [];
  /** Index into candK of the cheapest candidate of the last scoring. */
  private candBest = -1;
  /** Payments a move must not remove. */
  private readonly lock: Uint8Array;

  private add(k: number): void {
    if (this.logging) this.log.push(k);
    const c = this.c;
    const a = c.amountF[k]!;
    const i = c.from[k]!;
    this.sel[k] = 1;
    this.slack[i]! -= a;
    this.slack[c.to[k]!]! += a;
    const cnt = this.plen[i]!;
    this.setList[c.outStart[i]! + cnt] = k;
    this.setPos[k] = cnt;
    this.plen[i] = cnt + 1;
    this.value += a;
  }

  private remove(k: number): void {
    if (this.logging) this.log.push(~k);
    const c = this.c;
    const a = c.amountF[k]!;
    const i = c.from[k]!;
    this.sel[k] = 0;
    this.slack[i]! += a;
    this.slack[c.to[k]!]! -= a;
    // Swap-remove from the payer's selected block.
    const cnt = this.plen[i]! - 1;
    const base = c.outStart[i]!;
    const last = this.setList[base + cnt]!;
    const pos = this.setPos[k]!;
    this.setList[base + pos] = last;
    this.setPos[last] = pos;
    this.plen[i] = cnt;
    this.value -= a;
  }

  private push(i: number): void {
    if (this.onStack[i] === 0) {
      this.onStack[i] = 1;
      this.stack.push(i);
    }
  }

  private pop(): number {
    const i = this.stack.pop()!;
    this.onStack[i] = 0;
    return i;
  }

  /**
   * Removes payments until no participant is short. `prot` marks payments to keep
   * if at all possible; `w` weighs the deficit a removal pushes onto the payee;
   * `noise` randomises the choice. Terminates: every step removes a payment, and
   * with nothing selected every slack is >= 0.
   */
  repair(prot: Uint8Array | null, w: number, noise: number, only = -1): void {
    const c = this.c;
    if (only >= 0) this.push(only);
    else for (let i = 0; i < c.m; i++) if (this.slack[i]! < 0) this.push(i);
    while (this.stack.length > 0) {
      const i = this.pop();
      while (this.slack[i]! < 0) {
        let k: number;
        if (c.fifo) {
          if (this.plen[i] === 0) throw new Error('lsm: internal error: a payer with nothing selected is short');
          k = c.out[i]![this.plen[i]! - 1]!;
          this.budget.work++;
        } else {
          // Score the payer's settled payments once, then remove the cheapest in
          // turn until the deficit is covered or has halved (then re-score: the
          // cost per unit of deficit depends on the deficit).
          let cnt = this.scoreRemovals(i, prot, w, noise, true);
          if (cnt === 0) cnt = this.scoreRemovals(i, prot, w, noise, false);
          if (cnt === 0) throw new Error('lsm: internal error: a payer with nothing selected is short');
          const half = -0.5 * this.slack[i]!;
          const ck = this.candK;
          const cc = this.candCost;
          // The first pick was found while scoring.
          let first = true;
          while (this.slack[i]! < 0) {
            let bj = -1;
            if (first) {
              bj = this.candBest;
              first = false;
            } else {
              let bc = Infinity;
              let ba = 0;
              for (let j = 0; j < cnt; j++) {
                const cj = cc[j]!;
                if (cj < bc || (cj === bc && cj !== Infinity && c.amountF[ck[j]!]! > ba)) {
                  bj = j;
                  bc = cj;
                  ba = c.amountF[ck[j]!]!;
                }
              }
              this.budget.work += cnt;
            }
            if (bj < 0) break;
            cc[bj] = Infinity;
            k = ck[bj]!;
            this.remove(k);
            if (this.slack[c.to[k]!]! < 0) this.push(c.to[k]!);
            if (-this.slack[i]! < half) break;
          }
          continue;
        }
        this.remove(k);
        if (this.slack[c.to[k]!]! < 0) this.push(c.to[k]!);
      }
    }
  }

  /** Scores the removal candidates of short payer `i` into candK/candCost; returns their count. */
  private scoreRemovals(i: number, prot: Uint8Array | null, w: number, noise: number, respectProt: boolean): number {
    const c = this.c;
    const base = c.outStart[i]!;
    const end = base + this.plen[i]!;
    const list = this.setList;
    const amountF = c.amountF;
    const slack = this.slack;
    const frac = this.frac;
    const beta = this.beta;
    const candK = this.candK;
    const candCost = this.candCost;
    const d = -slack[i]!;
    let cnt = 0;
    let bj = -1;
    let bc = Infinity;
    let ba = 0;
    let x = this.rng.s; // the generator, inlined (same sequence as rng.float())
    this.budget.work += end - base;
    for (let j = base; j < end; j++) {
      const k = list[j]!;
      if (respectProt && prot !== null && prot[k] === 1) continue;
      const a = amountF[k]!;
      const st = slack[c.to[k]!]!;
      let casc = a - (st > 0 ? st : 0);
      if (casc < 0) casc = 0;
      // Value lost plus the deficit pushed onto the payee, per unit covered, weighted up where the LP settles.
      let cost = ((a + w * casc) / (a < d ? a : d)) * (1 + beta * frac[k]!);
      if (noise > 0) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        cost *= 1 + noise * (x / 4294967296);
      }
      // The cheapest so far (ties: the larger payment, then the first scored).
      if (cost < bc || (cost === bc && cost !== Infinity && a > ba)) {
        bj = cnt;
        bc = cost;
        ba = a;
      }
      candK[cnt] = k;
      candCost[cnt++] = cost;
    }
    if (noise > 0) this.rng.s = x;
    this.candBest = bj;
    return cnt;
  }

  /** Greedy re-insertion to a fixed point: any unselected payment its payer can cover, largest first. */
  fill(from: readonly number[] | null = null): void {
    const c = this.c;
    if (from !== null) for (const i of from) this.push(i);
    else for (let i = c.m - 1; i >= 0; i--) this.push(i);
    while (this.stack.length > 0) {
      const i = this.pop();
      if (c.fifo) {
        const q = c.out[i]!;
        while (this.plen[i]! < q.length && c.amountF[q[this.plen[i]!]!]! <= this.slack[i]!) {
          const k = q[this.plen[i]!]!;
          this.add(k);
          this.push(c.to[k]!);
          this.budget.work++;
        }
      } else {
        // Largest first: skip, by bisection, the payments larger than the room.
        const q = c.outByAmount[i]!;
        let lo = 0;
        let hi = q.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (c.amountF[q[mid]!]! > this.slack[i]!) lo = mid + 1;
          else hi = mid;
        }
        this.budget.work += q.length - lo + 1;
        for (let j = lo; j < q.length; j++) {
          const k = q[j]!;
          if (this.sel[k] === 0 && c.amountF[k]! <= this.slack[i]!) {
            this.add(k);
            this.push(c.to[k]!);
          }
        }
      }
    }
  }

  /** One pass of 1-for-1 swaps (non-FIFO); true if the value grew. */
  swaps(): boolean {
    const c = this.c;
    let improved = false;
    for (let j = 0; j < c.n; j++) {
      const p = c.byAmount[j]!;
      if (this.sel[p] === 1) continue;
      const i = c.from[p]!;
      // A swap needs d <= a_q < a_p, so a payer without room has none.
      if (this.slack[i]! <= 0) continue;
      const a = c.amountF[p]!;
      const d = a - this.slack[i]!;
      if (d <= 0) {
        this.add(p);
        improved = true;
        continue;
      }
      // The smallest selected q of the payer with d <= a_q < a_p whose payee can
      // give a_q back: bisect the payer's by-amount list (largest first) for the
      // range, then walk it from its small end to the first fit.
      const q = c.outByAmount[i]!;
      let lo = 0;
      let hi = q.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (c.amountF[q[mid]!]! >= a) lo = mid + 1;
        else hi = mid;
      }
      const first = lo; // first with a_q < a_p
      hi = q.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (c.amountF[q[mid]!]! >= d) lo = mid + 1;
        else hi = mid;
      }
      let best = -1;
      let h = lo - 1; // last with a_q >= d
      for (; h >= first; h--) {
        const k = q[h]!;
        if (this.sel[k] !== 1) continue;
        const t = c.to[k]!;
        if (t !== c.to[p] && this.slack[t]! < c.amountF[k]!) continue;
        best = k;
        break;
      }
      this.budget.work += lo - h + 1;
      if (best >= 0) {
        this.remove(best);
        this.add(p);
        improved = true;
      }
    }
    return improved;
  }

  /**
   * Ejection move (non-FIFO): settle `p`, let its payer (and any participant the
   * removals push short) drop other payments by the removal rule, then re-insert
   * where payers gained room. Returns the change in value; undo() reverts it.
   */
  eject(p: number, w: number, noise: number): number {
    const c = this.c;
    const v0 = this.value;
    this.log.length = 0;
    this.logging = true;
    this.add(p);
    this.lock[p] = 1;
    this.repair(this.lock, w, noise, c.from[p]!);
    this.lock[p] = 0;
    const gainers = this.gainers;
    gainers.length = 0;
    gainers.push(c.to[p]!);
    for (const e of this.log) if (e < 0) gainers.push(c.from[~e]!);
    this.fill(gainers);
    this.logging = false;
    return this.value - v0;
  }

  undo(): void {
    for (let j = this.log.length - 1; j >= 0; j--) {
      const e = this.log[j]!;
      if (e >= 0) this.remove(e);
      else this.add(~e);
    }
    this.log.length = 0;
  }

  /** Why the incremental bookkeeping disagrees with a recomputation from `sel`, or null (tests). */
  checkInvariants(): string | null {
    const c = this.c;
    const slack = Float64Array.from(c.capF);
    let value = 0;
    for (let k = 0; k < c.n; k++) {
      if (this.sel[k] !== 1) continue;
      slack[c.from[k]!]! -= c.amountF[k]!;
      slack[c.to[k]!]! += c.amountF[k]!;
      value += c.amountF[k]!;
    }
    if (value !== this.value) return `value ${this.value}, recomputed ${value}`;
    for (let i = 0; i < c.m; i++) {
      if (slack[i] !== this.slack[i]) return `participant ${i}: slack ${this.slack[i]}, recomputed ${slack[i]}`;
      const q = c.out[i]!;
      let cnt = 0;
      for (const k of q) if (this.sel[k] === 1) cnt++;
      if (cnt !== this.plen[i]) return `participant ${i}: plen ${this.plen[i]}, ${cnt} selected`;
      const base = c.outStart[i]!;
      if (c.outStart[i + 1]! - base !== q.length) return `participant ${i}: block size ${c.outStart[i + 1]! - base}, queue ${q.length}`;
      for (let j = 0; j < cnt; j++) {
        const k = this.setList[base + j]!;
        if (c.from[k] !== i || this.sel[k] !== 1) return `participant ${i}: list holds ${k}, not a selected payment of its own`;
        if (this.setPos[k] !== j) return `payment ${k}: setPos ${this.setPos[k]}, found at ${j}`;
      }
      if (c.fifo) for (let j = 0; j < q.length; j++) if ((this.sel[q[j]!] === 1) !== j < cnt) return `participant ${i}: selection is not a prefix`;
    }
    return null;
  }

  /** Re-insertion and swaps until neither helps. */
  polish(): void {
    for (let round = 0; round < 4; round++) {
      this.fill();
      if (this.c.fifo || this.budget.exhausted() || !this.swaps()) return;
    }
  }
}

/** FIFO: the largest prefix of each payer's queue that lies within `sel`. */
function prefixClosure(c: Compiled, sel: Uint8Array): Uint8Array {
  const r = new Uint8Array(c.n);
  for (let i = 0; i < c.m; i++) {
    for (const k of c.out[i]!) {
      if (sel[k] !== 1) break;
      r[k] = 1;
    }
  }
  return r;
}

/**
 * The LP relaxation (x_p in [0,1]) as a min-cost flow: all payments start
 * settled; short participants push "un-settlement" along their payment pairs
 * (cost 1 per unit, or -1 to undo an earlier reduction of the opposite pair)
 * to participants with room, by successive shortest paths (dense Dijkstra with
 * potentials, O(m^2) per augmentation). Returns the LP flow per ordered pair and
 * per payment the fraction of its pair that the LP settles. Float arithmetic: a
 * guide for the search, never used for the constraint check. Ignores FIFO.
 */
function lpRelaxation(c: Compiled, budget: Budget, lpDeadline: number): { flow: Float64Array; frac: Float64Array; bound: number } | null {
  const f = new LpFlow(c, budget);
  for (let aug = 0; aug < 20 * c.m * c.m; aug++) {
    if (!f.startRound()) break;
    if (budget.exhausted() || (budget.clock !== undefined && budget.clock() > lpDeadline)) return null;
    budget.work += c.m * c.m;
    const target = f.shortestPath();
    if (target < 0) return null; // cannot happen: reducing everything is feasible
    f.augmentTo(target);
    f.blockingFlow();
  }
  return f.result(c);
}

/**
 * The state of lpRelaxation's min-cost flow: the pair flows A (payer x payee),
 * their reductions r, each node's excess e and potential pi, and the scratch of
 * the path searches. Each method copies the fields it uses into locals, so the
 * inner loops run on locals as before.
 */
class LpFlow {
  readonly m: number;
  readonly A: Float64Array;
  readonly e: Float64Array;
  readonly r: Float64Array; // reduction of each pair's flow
  readonly pi: Float64Array;
  readonly dist: Float64Array;
  readonly prev: Int32Array;
  readonly undo: Uint8Array; // the arc into v undoes a reduction of v -> prev
  readonly done: Uint8Array;
  // Blocking-flow scratch: current-arc pointers, dead ends, the DFS path.
  readonly cur: Int32Array;
  readonly dead: Uint8Array;
  readonly onPath: Uint8Array;
  readonly pathN: Int32Array;
  readonly pathUndo: Uint8Array;
  readonly tol: number;

  constructor(
    c: Compiled,
    private readonly budget: Budget,
  ) {
    const m = c.m;
    this.m = m;
    const A = new Float64Array(m * m);
    const e = Float64Array.from(c.capF);
    for (let k = 0; k < c.n; k++) {
      A[c.from[k]! * m + c.to[k]!]! += c.amountF[k]!;
      e[c.from[k]!]! -= c.amountF[k]!;
      e[c.to[k]!]! += c.amountF[k]!;
    }
    this.A = A;
    this.e = e;
    this.r = new Float64Array(m * m);
    this.pi = new Float64Array(m);
    this.dist = new Float64Array(m);
    this.prev = new Int32Array(m);
    this.undo = new Uint8Array(m);
    this.done = new Uint8Array(m);
    this.cur = new Int32Array(m);
    this.dead = new Uint8Array(m);
    this.onPath = new Uint8Array(m);
    this.pathN = new Int32Array(m + 1);
    this.pathUndo = new Uint8Array(m + 1);
    this.tol = 1e-9 * (1 + c.amountF.reduce((x, y) => x + y, 0));
  }

  /** Resets the search labels; false when no node is short any more. */
  startRound(): boolean {
    const { m, e, dist, prev, done, tol } = this;
    let any = false;
    for (let i = 0; i < m; i++) {
      dist[i] = e[i]! < -tol ? 0 : Infinity;
      if (dist[i] === 0) any = true;
      prev[i] = -1;
      done[i] = 0;
    }
    return any;
  }

  /** Dijkstra on reduced costs from every short node; the first node with surplus it settles, or -1. */
  shortestPath(): number {
    const { m, A, e, r, pi, dist, prev, undo, done, tol } = this;
    for (let round = 0; round < m; round++) {
      let u = -1;
      let du = Infinity;
      for (let v = 0; v < m; v++) {
        if (done[v] === 0 && dist[v]! < du) {
          du = dist[v]!;
          u = v;
        }
      }
      if (u < 0) break;
      done[u] = 1;
      if (e[u]! > tol) return u;
      for (let v = 0; v < m; v++) {
        if (done[v] === 1 || v === u) continue;
        let cost: number;
        let isUndo = 0;
        if (r[v * m + u]! > tol) {
          cost = -1;
          isUndo = 1;
        } else if (A[u * m + v]! - r[u * m + v]! > tol) cost = 1;
        else continue;
        const nd = du + cost + pi[u]! - pi[v]!;
        if (nd < dist[v]!) {
          dist[v] = nd;
          prev[v] = u;
          undo[v] = isUndo;
        }
      }
    }
    return -1;
  }

  /** New potentials, then as much flow as the shortest path to target carries. */
  augmentTo(target: number): void {
    const { m, A, e, r, pi, dist, prev, undo } = this;
    const dt = dist[target]!;
    for (let v = 0; v < m; v++) pi[v]! += Math.min(dist[v]!, dt);
    let delta = e[target]!;
    let v = target;
    while (prev[v]! >= 0) {
      const u = prev[v]!;
      delta = Math.min(delta, undo[v] === 1 ? r[v * m + u]! : A[u * m + v]! - r[u * m + v]!);
      v = u;
    }
    delta = Math.min(delta, -e[v]!);
    const source = v;
    v = target;
    while (prev[v]! >= 0) {
      const u = prev[v]!;
      if (undo[v] === 1) r[v * m + u]! -= delta;
      else r[u * m + v]! += delta;
      v = u;
    }
    e[source]! += delta;
    e[target]! -= delta;
  }

  /**
   * A blocking flow on the admissible graph (residual arcs of reduced cost 0
   * under the new potentials; costs and potentials are integers, so the test is
   * exact): augment from every short node along such arcs, with current-arc
   * pointers and dead-end marks (Dinic-style), until none is left. Augmenting
   * along zero-reduced-cost arcs keeps the potentials valid, so the next
   * shortest-path search stays correct; what this misses, it finds.
   */
  blockingFlow(): void {
    const { m, e, cur, dead, onPath, tol } = this;
    cur.fill(0);
    dead.fill(0);
    for (let s0 = 0; s0 < m; s0++) {
      while (e[s0]! < -tol && dead[s0] === 0) {
        const depth = this.admissiblePath(s0);
        if (depth < 0) {
          onPath[s0] = 0;
          break;
        }
        this.augmentPath(s0, depth);
      }
    }
  }

  /** Depth-first along admissible arcs from s0 to a node with surplus: the path's depth in pathN, or -1. */
  private admissiblePath(s0: number): number {
    const { m, A, e, r, pi, cur, dead, onPath, pathN, pathUndo, tol, budget } = this;
    let depth = 0;
    pathN[0] = s0;
    onPath[s0] = 1;
    while (depth >= 0) {
      const u = pathN[depth]!;
      if (depth > 0 && e[u]! > tol) return depth;
      let next = -1;
      let nextUndo = 0;
      const pu = pi[u]!;
      for (let v = cur[u]!; v < m; v++) {
        if (v === u || dead[v] === 1 || onPath[v] === 1) continue;
        const gap = pu - pi[v]!;
        if (gap === 1 && r[v * m + u]! > tol) {
          next = v;
          nextUndo = 1;
        } else if (gap === -1 && A[u * m + v]! - r[u * m + v]! > tol) next = v;
        if (next >= 0) {
          cur[u] = v;
          break;
        }
      }
      budget.work += m;
      if (next < 0) {
        cur[u] = m;
        dead[u] = 1;
        onPath[u] = 0;
        depth--;
        continue;
      }
      depth++;
      pathN[depth] = next;
      pathUndo[depth] = nextUndo;
      onPath[next] = 1;
    }
    return -1;
  }

  /** Pushes the most the path s0 -> pathN[depth] carries. */
  private augmentPath(s0: number, depth: number): void {
    const { m, A, e, r, onPath, pathN, pathUndo } = this;
    const t = pathN[depth]!;
    let d = Math.min(-e[s0]!, e[t]!);
    for (let h = 1; h <= depth; h++) {
      const u = pathN[h - 1]!;
      const v = pathN[h]!;
      d = Math.min(d, pathUndo[h] === 1 ? r[v * m + u]! : A[u * m + v]! - r[u * m + v]!);
    }
    for (let h = 1; h <= depth; h++) {
      const u = pathN[h - 1]!;
      const v = pathN[h]!;
      if (pathUndo[h] === 1) r[v * m + u]! -= d;
      else r[u * m + v]! += d;
    }
    for (let h = 0; h <= depth; h++) onPath[pathN[h]!] = 0;
    e[s0]! += d;
    e[t]! -= d;
  }

  /** The flow each pair keeps, the LP bound (their sum), and each payment's settled fraction. */
  result(c: Compiled): { flow: Float64Array; frac: Float64Array; bound: number } {
    const { m, A, r } = this;
    const flow = new Float64Array(m * m);
    let bound = 0;
    for (let x = 0; x < m * m; x++) {
      flow[x] = Math.max(0, A[x]! - r[x]!);
      bound += flow[x]!;
    }
    const frac = new Float64Array(c.n);
    for (let k = 0; k < c.n; k++) {
      const key = c.from[k]! * m + c.to[k]!;
      frac[k] = A[key]! > 0 ? flow[key]! / A[key]! : 0;
    }
    return { flow, frac, bound };
  }
}

// ---------------------------------------------------------------------------
// Public entry points.

function toSolution(problem: LsmProblem, c: Compiled, sel: Uint8Array, method: string, stopped: LsmStop): LsmSolution {
  const why = violation(c, sel, (i) => problem.participants[i]!.id);
  if (why !== null) throw new Error(`lsm: postcondition failed (${method}): ${why}`);
  const settled: string[] = [];
  for (let k = 0; k < c.n; k++) if (sel[k] === 1) settled.push(problem.payments[k]!.id);
  return { settled, settled_value: exactValue(c, sel), method, stopped };
}

export function solveFifoRtgs(problem: LsmProblem): LsmSolution {
  const c = compile(problem);
  return toSolution(problem, c, fifoRtgs(c), 'fifo_rtgs', 'baseline');
}

export function solveBilateral(problem: LsmProblem): LsmSolution {
  const c = compile(problem);
  return toSolution(problem, c, bilateral(c), 'bilateral', 'baseline');
}

export function solveBechSoramaki(problem: LsmProblem): LsmSolution {
  const c = compile(problem);
  return toSolution(problem, c, bechSoramaki(c), 'bech_soramaki', 'baseline');
}

/**
 * For tests only: drives the search engine through random loads, ejection moves,
 * undos, repairs, re-insertions and swaps on `problem` (small exact amounts) and
 * checks its incremental bookkeeping (per-payer selected lists and positions,
 * counts, slacks, value) against a recomputation after every step. Returns the
 * first disagreement, or null.
 */
export function engineSelfCheck(problem: LsmProblem, steps: number, seed = 1): string | null {
  const c = compile(problem);
  if (c.n === 0) return null;
  const rng = new Rng(seed);
  const eng = new Engine(c, new Budget(Infinity, undefined, Infinity), rng);
  const sel = new Uint8Array(c.n);
  for (let step = 0; step < steps; step++) {
    const op = rng.below(c.fifo ? 3 : 6);
    if (op === 0) {
      for (let k = 0; k < c.n; k++) sel[k] = rng.float() < 0.6 ? 1 : 0;
      eng.load(c.fifo ? prefixClosure(c, sel) : sel);
    } else if (op === 1) eng.repair(null, 3 * rng.float(), 0.5 * rng.float());
    else if (op === 2) eng.fill();
    else if (op === 3 || op === 4) {
      const p = rng.below(c.n);
      if (eng.sel[p] === 0) {
        eng.repair(null, 1, 0);
        if (eng.eject(p, 0.2 + 2 * rng.float(), 0.3 * rng.float()) < 0 || op === 4) eng.undo();
      }
    } else if (op === 5) {
      eng.repair(null, 1, 0);
      eng.swaps();
    }
    const why = eng.checkInvariants();
    if (why !== null) return `step ${step} (op ${op}): ${why}`;
  }
  return null;
}

/** Why settling `ids` together breaks the problem's rules, or null if it is valid. */
export function settlementViolation(problem: LsmProblem, ids: readonly string[]): string | null {
  const c = compile(problem);
  const pos = new Map<string, number>();
  problem.payments.forEach((p, k) => {
    pos.set(p.id, k);
  });
  const sel = new Uint8Array(c.n);
  for (const id of ids) {
    const k = pos.get(id);
    if (k === undefined) return `unknown payment ${JSON.stringify(id)}`;
    if (sel[k] === 1) return `payment ${JSON.stringify(id)} settled twice`;
    sel[k] = 1;
  }
  return violation(c, sel, (i) => problem.participants[i]!.id);
}

export function solveLsm(problem: LsmProblem, options: LsmOptions = {}): LsmSolution {
  const c = compile(problem);
  const clock = options.clock;
  const budget = new Budget(
    options.work_budget ?? LSM_WORK_BUDGET_DEFAULT,
    clock,
    clock === undefined ? Infinity : clock() + (options.time_budget_ms ?? LSM_TIME_BUDGET_MS_DEFAULT),
  );
  const rng = new Rng(options.seed ?? 0x51ced);
  // The LP may take at most this share of the time budget; past it the search runs unguided.
  const lpDeadline = clock === undefined ? Infinity : clock() + LP_TIME_SHARE * (options.time_budget_ms ?? LSM_TIME_BUDGET_MS_DEFAULT);

  // Exact candidates first: the result is never worse than any of them.
  const candidates: Candidate[] = [
    { sel: bechSoramaki(c), method: 'bech_soramaki' },
    { sel: bilateral(c), method: 'bilateral' },
    { sel: fifoRtgs(c), method: 'fifo_rtgs' },
  ];
  if (candidates[0]!.sel.every((x) => x === 1)) return toSolution(problem, c, candidates[0]!.sel, 'bech_soramaki', 'all_settled');

  const eng = new Engine(c, budget, rng);
  const inc = new Incumbent(c.n);
  const all = new Uint8Array(c.n).fill(1);
  eng.load(all);
  eng.repair(null, 1, 0);
  eng.fill();
  inc.consider(eng, 'removal+fill');
  // The best baseline, polished (the others are kept only as exact floors).
  const top = bestCandidate(c, candidates);
  eng.load(top.sel);
  eng.fill();
  inc.consider(eng, `${top.method}+fill`);

  // LP guidance: the relaxation (payments divisible) is a min-cost flow on the
  // pair graph; its per-pair settled fraction steers removal (keep what the LP
  // settles) and gives two more starts: the LP flow rounded down per pair, and
  // rounded up (every pair the LP touches), each repaired and polished.
  const lp = c.m <= LP_PARTICIPANTS_MAX ? lpRelaxation(c, budget, lpDeadline) : null;
  if (lp !== null) {
    eng.frac.set(lp.frac);
    eng.beta = 2;
    const { down, up } = lpRoundings(c, lp);
    for (const [start, name] of [
      [down, 'lp_round_down'],
      [up, 'lp_round_up'],
    ] as const) {
      eng.load(c.fifo ? prefixClosure(c, start) : start);
      eng.repair(null, 1, 0);
      eng.fill();
      inc.consider(eng, name);
    }
  }
  const stopped = localSearch(c, eng, budget, rng, lp !== null, inc);

  // Exact arbitration: floats only steered; beyond 2^53 the result may need repair.
  if (!c.floatExact) exactRemovalFromEnd(c, inc.best);
  const won = bestCandidate(c, [{ sel: inc.best, method: inc.method }, ...candidates]);
  return toSolution(problem, c, won.sel, won.method, stopped);
}

interface Candidate {
  sel: Uint8Array;
  method: string;
}

/** The candidate of the highest exact value; the first of equals. */
function bestCandidate(c: Compiled, candidates: readonly Candidate[]): Candidate {
  let top = candidates[0]!;
  let topValue = -1n;
  for (const cand of candidates) {
    const v = exactValue(c, cand.sel);
    if (v > topValue) {
      top = cand;
      topValue = v;
    }
  }
  return top;
}

/** The best selection found by the search so far (the engine's float value), and how it was found. */
class Incumbent {
  // Preallocated: the search copies into this rather than allocating per round.
  readonly best: Uint8Array;
  value = -1;
  method = '';

  constructor(n: number) {
    this.best = new Uint8Array(n);
  }

  /** Takes the engine's state if strictly better; true when it did. */
  consider(eng: Engine, method: string): boolean {
    if (eng.value > this.value) {
      this.best.set(eng.sel);
      this.value = eng.value;
      this.method = method;
      return true;
    }
    return false;
  }
}

/** The LP flow rounded down per pair (largest payments first while the pair's flow lasts) and up (every payment the LP touches). */
function lpRoundings(c: Compiled, lp: { flow: Float64Array; frac: Float64Array }): { down: Uint8Array; up: Uint8Array } {
  const down = new Uint8Array(c.n);
  const up = new Uint8Array(c.n);
  const room = new Map<number, number>();
  for (let j = 0; j < c.n; j++) {
    const k = c.byAmount[j]!;
    if (lp.frac[k]! <= 0) continue;
    up[k] = 1;
    const key = c.from[k]! * c.m + c.to[k]!;
    const left = room.get(key) ?? lp.flow[key]!;
    if (c.amountF[k]! <= left * (1 + 1e-12)) {
      down[k] = 1;
      room.set(key, left - c.amountF[k]!);
    } else room.set(key, left);
  }
  return { down, up };
}

/**
 * Local search: bursts of ejection moves (non-FIFO) from the current state,
 * each followed by a large-neighbourhood kick from the best solution: re-queue
 * the unsettled payments of a random set of payers on top of it (its payments
 * protected, a few not), re-run removal with a randomised rule, polish.
 */
function localSearch(c: Compiled, eng: Engine, budget: Budget, rng: Rng, guided: boolean, inc: Incumbent): LsmStop {
  const best = inc.best;
  const prot = new Uint8Array(c.n);
  const requeue = new Uint8Array(c.m);
  const start = new Uint8Array(c.n);
  let sinceImprovement = 0;
  let iter = 0;
  eng.load(best);
  while (sinceImprovement < STALL_ROUNDS) {
    if (budget.exhausted()) return budget.stop!;
    iter++;
    const before = inc.value;
    if (!c.fifo) {
      // Small problems need few picks to try every unsettled payment.
      for (let t = 0, burst = Math.min(EJECT_BURST, 4 * c.n + 8); t < burst && !budget.exhausted(); t++) {
        const p = rng.below(c.n);
        budget.work++;
        if (eng.sel[p] === 1) continue;
        if (guided) eng.beta = rng.float() < 0.3 ? 0 : 3 * rng.float();
        if (eng.eject(p, 0.2 + 2 * rng.float(), 0.3 * rng.float()) < 0) eng.undo();
      }
      if (inc.consider(eng, `ejection(round ${iter})`)) sinceImprovement = 0;
    }
    const share = 0.05 + 0.95 * rng.float() * rng.float();
    for (let i = 0; i < c.m; i++) requeue[i] = rng.float() < share ? 1 : 0;
    const unprotect = c.fifo ? 0 : rng.float() < 0.5 ? 0 : 0.02 + 0.1 * rng.float();
    start.set(best);
    for (let k = 0; k < c.n; k++) {
      prot[k] = best[k] === 1 && (unprotect === 0 || rng.float() >= unprotect) ? 1 : 0;
      if (best[k] === 0 && requeue[c.from[k]!] === 1) start[k] = 1;
    }
    if (c.fifo) {
      // Re-queue whole suffixes only, so the selection stays a prefix.
      for (let i = 0; i < c.m; i++) if (requeue[i] === 1) for (const k of c.out[i]!) start[k] = 1;
    }
    if (guided) eng.beta = rng.float() < 0.2 ? 0 : 4 * rng.float();
    eng.load(start);
    eng.repair(prot, 0.2 + 3 * rng.float(), 0.5 * rng.float());
    eng.polish();
    if (eng.value >= inc.value) {
      const gained = eng.value > inc.value;
      best.set(eng.sel);
      inc.value = eng.value;
      if (gained) inc.method = `kick(round ${iter})`;
    }
    sinceImprovement = inc.value > before ? 0 : sinceImprovement + 1;
  }
  return 'stalled';
}
