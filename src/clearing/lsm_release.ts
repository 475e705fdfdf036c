// The liquidity-saving mechanism's release under rules version 3 (rules 1 and 2
// keep chooseLsmRelease/lsmReleaseTransfers of ./rtgs.ts unchanged). Owns:
//  - which currencies one run spans: the run's currency and every currency
//    linked to it through queued PvP payments (a PvP payment joins its payer's
//    and its payee's currency), transitively;
//  - the problem the solver sees: nodes are accounts (participant x currency)
//    whose capacity is the available balance (never below 0) plus the intraday
//    credit the run may draw; items are queued payments in queue order
//    (single-currency ones first, then PvP ones: see lsmOrder), a
//    single-currency payment one leg, a PvP payment two (payer -> provider in
//    the payer's currency, provider -> payee in the payee's);
//  - the weight that makes a choice comparable across currencies: the amount for
//    a single-currency run, else the USD equivalent of the payer's amount in
//    micro-USD, floor(amount_minor * 10^6 / (10^minor_units * units_per_usd)),
//    exact bigint arithmetic, rounded down (a run whose currencies lack a rate
//    falls back to its own currency alone);
//  - the credit a chosen set needs, per node max(0, outflow - inflow - balance),
//    never more than the node's headroom (checked: a violation throws);
//  - the transfers of a release: every leg's credit half from its currency's
//    transit account first, then the caller's credit drawings, then every
//    leg's debit half, all one linked chain across the ledgers involved.
//
// Solver: solveLinked (./lsm_linked.ts) with capacity = balance + undrawn
// credit per account; on one-leg problems it runs solveLsm (./lsm.ts) as one of
// its candidates. Under rules version 3 without its cycle and neighbourhood
// moves (journals written before them replay the run and must settle what they
// settled); from rules version 4 with them; rules 5 and 6 add to the search
// (lsmRules5Search, lsmRules6ShortRepair, lsmRules7LpStart, lsmRules8LpDive,
// lsmRules9LpRepair, lsmRules10LpPaths, lsmRules11LpSplit, lsmRules12DiveKeepsWhole,
// lsmRules13RegionExact). Pure: balances, credit and rates
// come in through LsmLiquidity.

import { memberCurrency } from '../fx/iso4217.js';
import type { Rational } from '../fx/rational.js';
import { BATCH_EVENTS_MAX, TransferFlags, type Transfer } from '../ledger/types.js';
import { ACCOUNT_KIND, accountId, ledgerTransfer, OPERATOR_NO, settlementAccountOf, TRANSFER_CODE, uetrBits } from './accounts.js';
import { LINKED_ITEMS_MAX, LINKED_NODES_MAX, linkedWorkBudget, solveLinked, type LinkedItem, type LinkedLeg } from './lsm_linked.js';
import { queueOrder, type AccountsView, type LsmLimits, type RtgsQueue } from './rtgs.js';
import type { Payment } from './types.js';

/** What the run reads of the participants' liquidity and the scheme's rates. */
export interface LsmLiquidity {
  /** Available balance of a settlement account (may be negative for an issuing account; read as 0). */
  available(participant: string, currency: string): bigint;
  /** Intraday credit the run may draw on the account (0 when none). */
  headroom(participant: string, currency: string): bigint;
  /** Major units of `currency` per 1 USD, or null when the platform has none. */
  unitsPerUsd(currency: string): Rational | null;
}

export interface LsmNode {
  readonly participant: string;
  readonly currency: string;
  /** max(0, available). */
  readonly balance: bigint;
  readonly headroom: bigint;
}

export interface ReleaseLeg {
  readonly from: string;
  readonly to: string;
  readonly currency: string;
  readonly amount: bigint;
  /** A PvP payment's second leg (its liquidity provider pays the payee): booked under its own codes. */
  readonly provider_leg?: true;
}

/** A run's problem: nodes (accounts), and items in queue order with their legs as node indices. */
export interface LsmRunProblem {
  readonly currencies: readonly string[];
  readonly nodes: readonly LsmNode[];
  readonly items: readonly LinkedItem[];
  /** The payments behind `items`, same order. */
  readonly payments: readonly Payment[];
  readonly fifo: boolean;
  readonly weight_unit: 'minor' | 'usd_micro';
}

export interface CreditNeed {
  readonly participant: string;
  readonly currency: string;
  readonly amount_minor: bigint;
}

export interface LinkedLsmChoice {
  readonly problem: LsmRunProblem;
  /** Every queued payment of the run's currencies, queue order. */
  readonly queued: readonly Payment[];
  /** The chosen payments, in queue order. */
  readonly chosen: readonly Payment[];
  readonly settled_weight: bigint;
  readonly method: string;
  readonly credit: readonly CreditNeed[];
}

const MICRO_PER_USD = 1_000_000n;

/** The legs of a queued payment: one, or a PvP payment's two. */
export function paymentLegs(p: Payment): ReleaseLeg[] {
  const ins = p.instruction;
  if (p.fx === null) return [{ from: ins.payer, to: ins.payee, currency: ins.currency, amount: ins.amount_minor }];
  return [
    { from: ins.payer, to: p.fx.provider, currency: ins.currency, amount: ins.amount_minor },
    { from: p.fx.provider, to: ins.payee, currency: ins.payee_currency, amount: p.fx.payee_amount_minor, provider_leg: true },
  ];
}

/** USD equivalent in micro-USD, rounded down: floor(amount * 10^6 * den / (10^minor_units * num)) for units_per_usd = num/den. */
export function usdMicro(amount_minor: bigint, currency: string, units_per_usd: Rational): bigint {
  const scale = 10n ** BigInt(memberCurrency(currency).minor_units);
  return (amount_minor * MICRO_PER_USD * units_per_usd.den) / (scale * units_per_usd.num);
}

const queuedOnly = (p: Payment): boolean => p.state === 'queued';

/** Queued payments per currency they move (a PvP payment under both of its currencies). */
function queuedByCurrency(queues: Iterable<[string, RtgsQueue]>): Map<string, Payment[]> {
  const by = new Map<string, Payment[]>();
  const add = (c: string, p: Payment): void => {
    const list = by.get(c);
    if (list === undefined) by.set(c, [p]);
    else list.push(p);
  };
  // Each queue's live entries handed over one by one: live() would list them first (a run reads every queued payment).
  const each = (p: Payment): void => {
    add(p.instruction.currency, p);
    if (p.fx !== null) add(p.instruction.payee_currency, p);
  };
  for (const [, q] of queues) q.forEachLive(queuedOnly, each);
  return by;
}

/**
 * The order a run lists payments in: single-currency payments in queue order,
 * then PvP payments in queue order. Under FIFO a PvP payment stuck at the head
 * of a payer's queue (its provider short of the other currency) would otherwise
 * block every payment behind it, which the LSM of rules 1 and 2 (it left PvP
 * payments out) released; listed last, a PvP payment settles only together with
 * its payer's single-currency payments, and takes nothing from them.
 */
export function lsmOrder(a: Payment, b: Payment): number {
  if ((a.fx === null) !== (b.fx === null)) return a.fx === null ? -1 : 1;
  return queueOrder(a, b);
}

/** The run's currency and those linked to it through queued PvP payments, sorted; with the queued payments they move. */
export function linkedCurrencies(queues: Iterable<[string, RtgsQueue]>, currency: string): { currencies: string[]; queued: Payment[] } {
  const by = queuedByCurrency(queues);
  const seen = new Set<string>([currency]);
  const todo = [currency];
  while (todo.length > 0) {
    for (const p of by.get(todo.pop()!) ?? []) {
      if (p.fx === null) continue;
      for (const c of [p.instruction.currency, p.instruction.payee_currency]) {
        if (!seen.has(c)) {
          seen.add(c);
          todo.push(c);
        }
      }
    }
  }
  const queued = new Set<Payment>();
  for (const c of seen) for (const p of by.get(c) ?? []) queued.add(p);
  return { currencies: [...seen].sort(), queued: sortedInLsmOrder([...queued]) };
}

/** Sequence numbers below this (and lists shorter than LSM_SORT_POSITIONS) sort on packed numeric keys. */
const LSM_SORT_SEQ_LIMIT = 2 ** 26;
const LSM_SORT_POSITIONS = 2 ** 21;

/**
 * `list` sorted by lsmOrder, stably (ties keep their order in `list`): the order
 * of `list.sort(lsmOrder)`. A run sorts every queued payment of its currencies
 * (tens of thousands on a million-payment day), so the order is packed into one
 * exact number per payment, ((class * 2^26) + seq) * 2^21 + position with class
 * 0..3 = (PvP, normal), below 2^49, and sorted natively without a call per
 * comparison; the position makes every key distinct and keeps ties stable.
 * Sequence numbers out of range or a longer list take the comparison sort.
 */
export function sortedInLsmOrder(list: Payment[]): Payment[] {
  const n = list.length;
  if (n >= LSM_SORT_POSITIONS) return list.sort(lsmOrder);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = list[i]!;
    const seq = p.seq;
    if (!(Number.isInteger(seq) && seq >= 0 && seq < LSM_SORT_SEQ_LIMIT)) return list.sort(lsmOrder);
    const cls = (p.fx === null ? 0 : 2) + (p.instruction.priority === 'urgent' ? 0 : 1);
    keys[i] = (cls * LSM_SORT_SEQ_LIMIT + seq) * LSM_SORT_POSITIONS + i;
  }
  keys.sort();
  const out = new Array<Payment>(n);
  for (let j = 0; j < n; j++) out[j] = list[keys[j]! % LSM_SORT_POSITIONS]!;
  return out;
}

/**
 * A queued payment's legs in a run (paymentLegs' legs, a leg from an account to
 * itself left out), with their nodes made by `nodeOf` in the order those legs give
 * them: from, then to, leg by leg; null when no leg moves anything. The list is a
 * literal of its length: `[]` then push gave it room for 17 legs (~150 bytes an item a run).
 */
function runLegs(ins: Payment['instruction'], fx: Payment['fx'], nodeOf: (participant: string, currency: string) => number): LinkedLeg[] | null {
  if (fx === null) {
    if (ins.payer === ins.payee) return null;
    return [{ from: nodeOf(ins.payer, ins.currency), to: nodeOf(ins.payee, ins.currency), amount: ins.amount_minor }];
  }
  const first = ins.payer !== fx.provider ? { from: nodeOf(ins.payer, ins.currency), to: nodeOf(fx.provider, ins.currency), amount: ins.amount_minor } : null;
  const second =
    fx.provider !== ins.payee
      ? { from: nodeOf(fx.provider, ins.payee_currency), to: nodeOf(ins.payee, ins.payee_currency), amount: fx.payee_amount_minor }
      : null;
  if (first === null) return second === null ? null : [second];
  return second === null ? [first] : [first, second];
}

/**
 * Builds the run's problem from payments in queue order, taking a prefix that
 * fits one linked chain (two transfers a leg plus one credit drawing per paying
 * node) and the solver's bounds.
 */
export function buildRunProblem(
  currencies: readonly string[],
  queued: readonly Payment[],
  liquidity: LsmLiquidity,
  fifo: boolean,
  limits: LsmLimits,
): LsmRunProblem {
  const rates = new Map<string, Rational>();
  let usd = currencies.length > 1;
  for (const c of currencies) {
    const r = liquidity.unitsPerUsd(c);
    if (r === null) usd = false;
    else rates.set(c, r);
  }
  // Per currency, usdMicro's factors multiplied once (on its first item, as usdMicro would first look the currency up):
  // floor(amount * (10^6 * den) / (10^minor_units * num)) is the same integer (bigint products are exact), without
  // two products and a power per item.
  const usdFactors = new Map<string, { times: bigint; over: bigint }>();
  const usdWeight = (amount: bigint, currency: string): bigint => {
    let f = usdFactors.get(currency);
    if (f === undefined) {
      const r = rates.get(currency)!;
      f = { times: MICRO_PER_USD * r.den, over: 10n ** BigInt(memberCurrency(currency).minor_units) * r.num };
      usdFactors.set(currency, f);
    }
    return (amount * f.times) / f.over;
  };
  const nodes: LsmNode[] = [];
  // Node index by currency, then participant (no key text built per leg: a run looks up every leg of every queued payment).
  const index = new Map<string, Map<string, number>>();
  const payingNodes = new Set<number>();
  const nodeOf = (participant: string, currency: string): number => {
    let byParticipant = index.get(currency);
    if (byParticipant === undefined) index.set(currency, (byParticipant = new Map()));
    let i = byParticipant.get(participant);
    if (i === undefined) {
      const a = liquidity.available(participant, currency);
      i = nodes.length;
      nodes.push({ participant, currency, balance: a > 0n ? a : 0n, headroom: liquidity.headroom(participant, currency) });
      byParticipant.set(participant, i);
    }
    return i;
  };
  const items: LinkedItem[] = [];
  const payments: Payment[] = [];
  let transfers = 0;
  const items_max = Math.min(limits.payments_max, LINKED_ITEMS_MAX);
  for (const p of queued) {
    // paymentLegs(p) read in place, without its leg objects and the arrays filtered from them (a run reads up
    // to 4,094 payments): one leg payer -> payee, or for PvP payer -> provider then provider -> payee.
    const ins = p.instruction;
    const fx = p.fx;
    if (items.length >= items_max || nodes.length + 2 * (fx === null ? 1 : 2) > LINKED_NODES_MAX) break;
    // A leg from an account to itself (a PvP payment to its own provider) moves nothing the solver weighs.
    // Nodes are made in the order paymentLegs' legs give them: from, then to, leg by leg.
    const ls = runLegs(ins, fx, nodeOf);
    if (ls === null) continue;
    let newPaying = 0;
    for (const l of ls) if (nodes[l.from]!.headroom > 0n && !payingNodes.has(l.from)) newPaying++;
    if (transfers + 2 * ls.length + payingNodes.size + newPaying > BATCH_EVENTS_MAX) break;
    for (const l of ls) if (nodes[l.from]!.headroom > 0n) payingNodes.add(l.from);
    transfers += 2 * ls.length;
    // The first leg's amount and currency: the payer's, whether or not that leg moves anything.
    const weight = usd ? usdWeight(ins.amount_minor, ins.currency) : ins.amount_minor;
    items.push({ id: ins.uetr, legs: ls, weight, urgent: ins.priority === 'urgent' });
    payments.push(p);
  }
  return { currencies, nodes, items, payments, fifo, weight_unit: usd ? 'usd_micro' : 'minor' };
}

/**
 * The solver's moves per rules version: the cycle and exact neighbourhood moves
 * change which payments a run settles, so they join from rules version 4 only.
 */
export function lsmNeighbourhoodMoves(rules_version: number): boolean {
  return rules_version >= 4;
}

/**
 * Rules version 5's solver: the same moves on runs within the exact search's
 * size (at most 64 queued items), before it, and, after chain removal, the
 * removal rule with several weights on the deficit it pushes onto payees. Both
 * change which payments a non-FIFO run settles, so they join from rules 5 only.
 */
export function lsmRules5Search(rules_version: number): boolean {
  return rules_version >= 5;
}

/**
 * Rules version 6's solver: after the search of rules 5, nodes left short are
 * made whole by an exact re-choice of several payments at once (the exact repair
 * of short nodes, lsm_short_repair.ts), as a start and as a move from the best;
 * the run releases what rules 5 releases unless this finds strictly more value.
 * Only non-FIFO runs can release differently.
 */
export function lsmRules6ShortRepair(rules_version: number): boolean {
  return rules_version >= 6;
}

/**
 * Rules version 7's solver: after the search of rules 6, on runs of at most
 * LP_NODES_MAX accounts, starts from the LP relaxation solved exactly
 * (lsm_lp.ts) and repairs by residual chains (lsm_residual_chains.ts: a short
 * node passes its shortfall on by dropping a payment it pays or settling one
 * paid to it), plus an insertion move repaired the same way (on larger runs
 * that move alone); the run releases
 * what rules 6 releases unless this finds strictly more value. Only non-FIFO
 * runs can release differently.
 */
export function lsmRules7LpStart(rules_version: number): boolean {
  return rules_version >= 7;
}

/** What solveRunProblem returns: the chosen item ids in item order, their weight, the candidate they came from. */
export interface RunSolution {
  readonly settled: readonly string[];
  readonly settled_weight: bigint;
  readonly method: string;
}

/**
 * Rules version 8's solver: after the search of rules 7, on runs of at most
 * LP_NODES_MAX_V8 accounts, the LP relaxation by a bounded simplex started from
 * rules 7's choice (largest reduced cost first: it finishes on runs of a
 * thousand payments and more, where rules 7's from nothing ran out), and a dive
 * on it (the item settled most fixed at 1, or at 0, the rest re-optimised; the
 * point stays feasible), whose point is a start repaired as rules 7's are; the
 * run releases what rules 7 releases unless this finds strictly more value.
 * Only non-FIFO runs can release differently.
 */
export function lsmRules8LpDive(rules_version: number): boolean {
  return rules_version >= 8;
}

/**
 * Rules version 9's solver: after the search of rules 8, the dive's point and
 * the relaxation's, rounded, are made whole by targeted changes at the short
 * accounts only (drop a payment the short account pays, or settle one paid to
 * it that the point settles in part; lsm_lp_repair.ts), re-filled, and the
 * moves run from the best; the run releases what rules 8 releases unless this
 * finds strictly more value. Only non-FIFO runs can release differently.
 */
export function lsmRules9LpRepair(rules_version: number): boolean {
  return rules_version >= 9;
}

/**
 * Rules version 10's solver: after the search of rules 9, the dive's point,
 * rounded, has each short account made whole by the cheapest path of
 * whole-payment changes to the accounts with room (drop a payment the short
 * account pays, or settle one paid to it; what that takes from the next
 * account beyond its room it passes on the same way; lsm_lp_paths.ts), then
 * the repairs of rules 7 for what is left, re-filled, and the moves run from
 * the best; the run releases what rules 9 releases unless this finds strictly
 * more value. Only non-FIFO runs can release differently.
 */
export function lsmRules10LpPaths(rules_version: number): boolean {
  return rules_version >= 10;
}

/**
 * Rules version 11's solver: after the search of rules 10, each selection
 * rules 10's paths left with accounts short has each of those accounts
 * covered by a set of whole-payment changes over many neighbours at once (a
 * neighbour without the room making it a level deeper), used only when no
 * account is left short, re-filled, and the moves run from the best; the run
 * releases what rules 10 releases unless this finds strictly more value. Only
 * non-FIFO runs can release differently.
 */
export function lsmRules11LpSplit(rules_version: number): boolean {
  return rules_version >= 11;
}

/**
 * Rules version 12's solver: after the search of rules 11, on runs where rules
 * 8's dive on the LP relaxation ran out of work, a second relaxation and dive
 * from rules 11's choice, the dive fixing at 1 before each of its picks every
 * payment its point settles whole (its re-optimisations then move only the
 * payments not yet whole, so it gets further within the same work), and rules
 * 8-11's phases on its points; the run releases what rules 11 releases unless
 * this finds strictly more value. Only non-FIFO runs can release differently.
 */
export function lsmRules12DiveKeepsWhole(rules_version: number): boolean {
  return rules_version >= 12;
}

/**
 * Rules version 13's solver: after the search of rules 12, pairs of
 * participants (those sharing the most unsettled value first) each have the
 * payments at their accounts re-chosen exactly with the rest fixed, by a
 * branch and bound bounded by the pair's own LP relaxation
 * (lsm_region_exact.ts), a pair's new choice kept only when strictly more
 * value; the run releases what rules 12 releases unless this finds strictly
 * more. Only non-FIFO runs can release differently.
 */
export function lsmRules13RegionExact(rules_version: number): boolean {
  return rules_version >= 13;
}

/**
 * Rules version 14's solver: after rules 13's phase, from its result, the
 * pairs of participants again, those whose pair's LP relaxation promises the
 * most over what the pair settles now first (pairs promising nothing left
 * out), each re-chosen exactly as in rules 13 and kept only when strictly more
 * value; the run releases what rules 13 releases unless this finds strictly
 * more. Only non-FIFO runs can release differently.
 */
export function lsmRules14RegionGap(rules_version: number): boolean {
  return rules_version >= 14;
}

/**
 * Rules version 15's solver: after rules 14's phase, from its result, the
 * pairs of participants re-chosen exactly on chunks (64, then 32 items: those
 * the pair's LP relaxation moves most), the rest fixed, kept only when
 * strictly more value; rules 13 and 14 skip pairs over 128 items and search
 * the others whole; the run releases
 * what rules 14 releases unless this finds strictly more. Only non-FIFO runs
 * can release differently.
 */
export function lsmRules15RegionChunks(rules_version: number): boolean {
  return rules_version >= 15;
}

/**
 * Rules version 16's solver: after rules 15's phase, every pair of
 * participants re-chosen exactly again, by a branch and bound that also fixes
 * payments by their reduced cost, from rules 12's choice (rules 13-15's
 * unfinished searches lead elsewhere), kept only when strictly more value
 * than rules 15's; the run releases what rules 15 releases unless this finds
 * strictly more. Only non-FIFO runs can release differently.
 */
export function lsmRules16RegionPairs(rules_version: number): boolean {
  return rules_version >= 16;
}

/**
 * Rules version 17's solver: on runs with PvP trades, after rules 16's
 * phase, every pair of participants re-chosen exactly again from rules 16's
 * choice, in the rounds of a round robin (every participant once a round)
 * instead of participant order, then an unsettled payment swapped in for one
 * or two lighter settled ones; kept only when strictly more value than rules
 * 16's; the run releases what rules 16 releases unless this finds strictly
 * more. Only non-FIFO runs can release differently.
 */
export function lsmRules17RegionRounds(rules_version: number): boolean {
  return rules_version >= 17;
}

/**
 * Rules version 18's solver: on runs with PvP trades, after rules 17's
 * phase, the trades among a set of participants (grown around each unsettled
 * trade, heaviest first) re-chosen exactly, so that a heavy trade whose room
 * comes round a ring of three or more participants can settle; kept only
 * when strictly more value than rules 17's; the run releases what rules 17
 * releases unless this finds strictly more. Only non-FIFO runs can release
 * differently.
 */
export function lsmRules18RegionInduced(rules_version: number): boolean {
  return rules_version >= 18;
}

/**
 * Rules version 19's solver: on runs with PvP trades, after rules 18's
 * phase, the run solved again on weights perturbed by a fixed seed, and the
 * trades where that choice and rules 18's differ re-chosen exactly; kept
 * only when strictly more value than rules 18's; the run releases what rules
 * 18 releases unless this finds strictly more. Only non-FIFO runs can release
 * differently.
 */
export function lsmRules19RegionRestart(rules_version: number): boolean {
  return rules_version >= 19;
}

/**
 * Rules version 20's solver: on runs of at most 20 participants and 256
 * items, after rules 19's phase, every triple of participants re-chosen
 * exactly, then the triples a change touched, until a pass changes nothing;
 * kept only when strictly more value than rules 19's; the run releases what
 * rules 19 releases unless this finds strictly more. Only non-FIFO runs can
 * release differently.
 */
export function lsmRules20RegionTriples(rules_version: number): boolean {
  return rules_version >= 20;
}

/** The first rules version with lsmRules21WideRegions' phase. */
export const RULES_VERSION_WIDE_REGIONS = 21;

/**
 * Rules version 21 (issue 16, stop 51): after rules 20's phase, on runs of
 * payments only with more than 20 participants, every pair of participants
 * (in the rounds of a round robin) and then regions induced by sets of
 * participants grown around each unsettled payment are re-chosen exactly,
 * kept only when strictly more value than rules 20's; the run releases what
 * rules 20 releases unless this finds strictly more. Only non-FIFO runs can
 * release differently.
 */
export function lsmRules21WideRegions(rules_version: number): boolean {
  return rules_version >= RULES_VERSION_WIDE_REGIONS;
}

/**
 * Rules version 21's solver on small runs (the gate of the phase for runs of at most 20 participants and 256 items,
 * issue #16's zero_small): after rules 20's triples, a second triple search from another start and the two local
 * optima's differences re-chosen exactly; kept only when strictly more value than rules 20's. Only non-FIFO runs
 * within rules 20's limits can release differently.
 */
export function lsmRules21TripleRestart(rules_version: number): boolean {
  return rules_version >= 21;
}

/**
 * Rules version 22's solver on small runs (issue #16, stop 52; the gate of the phase for runs of at most 20
 * participants and 256 items): after rules 21's triple restart, the triple search restarted on weights perturbed
 * by a fixed seed, and each other local optimum's differences re-chosen exactly (clearing/lsm_perturbed_triples.ts);
 * kept only when strictly more value than rules 21's. Only non-FIFO runs within rules 20's limits can release
 * differently.
 */
export function lsmRules22PerturbedRestarts(rules_version: number): boolean {
  return rules_version >= 22;
}

/**
 * Solves a run problem; `extra` adds capacity per node (the liquidity optimiser's what-if). Returns chosen item ids.
 * `rules_version` picks the solver's moves (lsmNeighbourhoodMoves, lsmRules5Search, lsmRules6ShortRepair, lsmRules7LpStart, lsmRules8LpDive, lsmRules9LpRepair, lsmRules10LpPaths, lsmRules11LpSplit, lsmRules12DiveKeepsWhole, lsmRules13RegionExact, lsmRules14RegionGap, lsmRules15RegionChunks, lsmRules16RegionPairs, lsmRules17RegionRounds, lsmRules18RegionInduced, lsmRules19RegionRestart, lsmRules20RegionTriples, lsmRules21TripleRestart, lsmRules21WideRegions, lsmRules22PerturbedRestarts); 3 when not given.
 */
export function solveRunProblem(problem: LsmRunProblem, work_budget: number, extra?: ReadonlyMap<number, bigint>, rules_version = 3): RunSolution {
  if (problem.items.length === 0) return { settled: [], settled_weight: 0n, method: 'empty' };
  const capacity = (i: number): bigint => {
    const c = problem.nodes[i]!.balance + problem.nodes[i]!.headroom + (extra?.get(i) ?? 0n);
    return c > 0n ? c : 0n;
  };
  // solveLinked runs solveLsm itself when every item has one leg, and searches further within a budget
  // that grows with the problem (a function of the input only, so replay stays exact); a what-if of the
  // optimiser keeps the budget it was given.
  const budget = extra === undefined ? Math.max(work_budget, linkedWorkBudget(problem.nodes.length, problem.items.length)) : work_budget;
  const capacities = problem.nodes.map((_, i) => capacity(i));
  const s = solveLinked(
    { capacities, items: problem.items, fifo: problem.fifo },
    {
      work_budget: budget,
      neighbourhood_moves: lsmNeighbourhoodMoves(rules_version),
      small_moves: lsmRules5Search(rules_version),
      chain_repair_weights: lsmRules5Search(rules_version),
      short_repair: lsmRules6ShortRepair(rules_version),
      lp_start: lsmRules7LpStart(rules_version),
      lp_dive: lsmRules8LpDive(rules_version),
      lp_repair: lsmRules9LpRepair(rules_version),
      lp_paths: lsmRules10LpPaths(rules_version),
      lp_split: lsmRules11LpSplit(rules_version),
      dive_keep_whole: lsmRules12DiveKeepsWhole(rules_version),
      region_exact: lsmRules13RegionExact(rules_version),
      region_gap: lsmRules14RegionGap(rules_version),
      region_chunks: lsmRules15RegionChunks(rules_version),
      region_pairs: lsmRules16RegionPairs(rules_version),
      region_rounds: lsmRules17RegionRounds(rules_version),
      region_induced: lsmRules18RegionInduced(rules_version),
      region_restart: lsmRules19RegionRestart(rules_version),
      region_triples: lsmRules20RegionTriples(rules_version),
      triple_restart: lsmRules21TripleRestart(rules_version),
      wide_regions: lsmRules21WideRegions(rules_version),
      perturbed_restarts: lsmRules22PerturbedRestarts(rules_version),
    },
  );
  return { settled: s.settled, settled_weight: s.settled_weight, method: s.method };
}

/** Per node: what a chosen set pays out minus what it receives. */
export function netOutflows(problem: LsmRunProblem, chosen: ReadonlySet<string>): bigint[] {
  const net = problem.nodes.map(() => 0n);
  for (const it of problem.items) {
    if (!chosen.has(it.id)) continue;
    for (const l of it.legs) {
      net[l.from]! += l.amount;
      net[l.to]! -= l.amount;
    }
  }
  return net;
}

/** The credit a chosen set needs per node, max(0, outflow - inflow - balance); throws if any exceeds the node's headroom. */
export function creditNeeds(problem: LsmRunProblem, chosen: ReadonlySet<string>): CreditNeed[] {
  const net = netOutflows(problem, chosen);
  const out: CreditNeed[] = [];
  problem.nodes.forEach((n, i) => {
    const need = net[i]! - n.balance;
    if (need <= 0n) return;
    if (need > n.headroom) throw new Error(`LSM choice needs ${need} of credit on ${n.participant} ${n.currency}; only ${n.headroom} is drawable`);
    out.push({ participant: n.participant, currency: n.currency, amount_minor: need });
  });
  return out;
}

/** Solves a run's problem under a rules version: solveRunProblem, or a memo of it (./lsm_memo.ts). */
export type RunSolver = (problem: LsmRunProblem, work_budget: number, rules_version: number) => RunSolution;

const solveDirectly: RunSolver = (problem, work_budget, rules_version) => solveRunProblem(problem, work_budget, undefined, rules_version);

/** The LSM choice of rules version 3 and later for a run of `currency`, under `rules_version` (>= 3). */
export function chooseLinkedLsmRelease(
  queues: Iterable<[string, RtgsQueue]>,
  currency: string,
  liquidity: LsmLiquidity,
  bypass_fifo: boolean,
  limits: LsmLimits,
  rules_version: number,
  solve: RunSolver = solveDirectly,
): LinkedLsmChoice {
  let { currencies, queued } = linkedCurrencies(queues, currency);
  if (currencies.some((c) => liquidity.unitsPerUsd(c) === null)) {
    // Without a common unit the run cannot weigh currencies against each other: its own currency alone.
    currencies = [currency];
    queued = queued.filter((p) => p.fx === null && p.instruction.currency === currency);
  }
  const problem = buildRunProblem(currencies, queued, liquidity, !bypass_fifo, limits);
  const solution = solve(problem, limits.work_budget, rules_version);
  const ids = new Set(solution.settled);
  const chosen = problem.payments.filter((p) => ids.has(p.instruction.uetr));
  return { problem, queued, chosen, settled_weight: solution.settled_weight, method: solution.method, credit: creditNeeds(problem, ids) };
}

/** One half of a leg of an LSM release: 'credit' pays the receiver from the transit account, 'debit' takes the payer's to it. */
export function releaseHalf(leg: ReleaseLeg, half: 'credit' | 'debit', uetr: string, view: AccountsView, id: bigint): Transfer {
  const c = memberCurrency(leg.currency);
  const transit = accountId(OPERATOR_NO, c.numeric, ACCOUNT_KIND.lsm_transit);
  const t =
    half === 'credit'
      ? ledgerTransfer(
          id,
          transit,
          settlementAccountOf(view.participant(leg.to)!, c.code),
          leg.amount,
          c.numeric,
          leg.provider_leg === true ? TRANSFER_CODE.lsm_provider_credit : TRANSFER_CODE.lsm_credit,
          TransferFlags.linked,
        )
      : ledgerTransfer(
          id,
          settlementAccountOf(view.participant(leg.from)!, c.code),
          transit,
          leg.amount,
          c.numeric,
          leg.provider_leg === true ? TRANSFER_CODE.lsm_provider_debit : TRANSFER_CODE.lsm_debit,
          TransferFlags.linked,
        );
  t.user_data_128 = uetrBits(uetr);
  return t;
}
