// Cross-currency liquidity optimiser: when a currency's queue is gridlocked and
// the stuck payers hold money in other currencies, which conversions (a PvP
// trade with a liquidity provider at its price, or a central-bank swap-line
// drawing) would release the most queued value per unit of liquidity moved.
//
// Method. Solve the run's LSM problem (./lsm_release.ts) as it stands: W0. A
// stuck payer is a node of the target currency paying the first leg of an item
// the solution leaves queued. For each stuck payer, candidate amounts to buy
// are its shortfall for its first 1, 2, ... unsettled items (up to
// CANDIDATE_PREFIXES), net of the slack the baseline solution leaves it; for
// each source that can sell it the target currency (its caller-listed
// offers), the price of that amount gives what it sells. The problem is re-solved
// with the capacities the conversion changes (the buyer's target node gains the
// amount, a provider's target node loses it, the sold currency's nodes move the
// other way): W1. The proposal releases W1 - W0 (in micro-USD at the reference
// rates, rounded down). It is kept only when that is positive and at least the
// USD equivalent of what it moves (the amount bought, rounded UP): the
// optimiser never proposes moving more than it releases. Proposals are ranked
// by released value per unit moved (exact cross-multiplication), then by
// released value, then by their order of evaluation; at most PROPOSALS_MAX.
//
// Bounds: at most EVALUATIONS_MAX re-solves, each with the caller's work budget
// (deterministic: no clock). Pure: prices, offers and rates come in as inputs.

import { memberCurrency } from '../fx/iso4217.js';
import type { Rational } from '../fx/rational.js';
import { netOutflows, solveRunProblem, usdMicro, type LsmRunProblem } from './lsm_release.js';

export const OPTIMISER_LIMITS = Object.freeze({
  /** Re-solves of the LSM one optimisation may make. */
  evaluations_max: 64,
  proposals_max: 10,
  /** Shortfall amounts tried per stuck payer: its first 1..n unsettled items. */
  candidate_prefixes: 3,
  stuck_payers_max: 16,
});

/** Someone that can sell `buy_currency` to a stuck payer against `sell_currency`. */
export interface LiquidityOffer {
  readonly kind: 'pvp' | 'swap';
  /** The liquidity provider (pvp) or the swap line id (swap). */
  readonly via: string;
  /** For pvp: the provider's participant id (its nodes move the other way); null for a swap line (central-bank money is created, not moved). */
  readonly counterparty: string | null;
  readonly buyer: string;
  readonly buy_currency: string;
  readonly sell_currency: string;
  /** The most the offer can deliver, minor units of buy_currency. */
  readonly buy_max_minor: bigint;
  /** The most the buyer can sell, minor units of sell_currency. */
  readonly sell_max_minor: bigint;
  /** What buying `buy_minor` costs in sell_currency minor units (rounded up by the caller), with where the price came from; null when it cannot be priced. */
  price(buy_minor: bigint): { sell_minor: bigint; source: string } | null;
}

export interface LiquidityProposal {
  readonly kind: 'pvp' | 'swap';
  readonly via: string;
  readonly participant: string;
  readonly sell_currency: string;
  readonly sell_minor: bigint;
  readonly buy_currency: string;
  readonly buy_minor: bigint;
  readonly price_source: string;
  /** USD equivalent of buy_minor, micro-USD, rounded up. */
  readonly moved_usd_micro: bigint;
  /** Queued value the LSM then settles beyond what it settles now, micro-USD, rounded down. */
  readonly released_usd_micro: bigint;
  /** Payments the re-solved LSM settles that the baseline leaves queued. */
  readonly released_payments: number;
}

export interface OptimiserInput {
  readonly currency: string;
  readonly problem: LsmRunProblem;
  readonly offers: readonly LiquidityOffer[];
  readonly unitsPerUsd: (currency: string) => Rational | null;
  readonly work_budget: number;
}

export interface OptimiserResult {
  readonly currency: string;
  readonly queued_items: number;
  /** What the LSM settles now, micro-USD. */
  readonly baseline_usd_micro: bigint;
  readonly evaluations: number;
  readonly proposals: LiquidityProposal[];
  /** Why there is nothing to propose, when so. */
  readonly note: string | null;
}

/** USD equivalent rounded up (what a proposal moves is never understated). */
function usdMicroUp(amount_minor: bigint, currency: string, r: Rational): bigint {
  const scale = 10n ** BigInt(memberCurrency(currency).minor_units);
  const num = amount_minor * 1_000_000n * r.den;
  const den = scale * r.num;
  return (num + den - 1n) / den;
}

interface Baseline {
  chosen: Set<string>;
  weight: bigint;
  toUsd: (weight: bigint) => bigint;
}

/** Stuck payers of the target currency with the amounts they would need to settle their first unsettled items. */
function stuckNeeds(problem: LsmRunProblem, currency: string, base: Baseline): Array<{ participant: string; needs: bigint[] }> {
  const net = netOutflows(problem, base.chosen);
  const byNode = new Map<number, bigint[]>();
  for (const it of problem.items) {
    if (base.chosen.has(it.id)) continue;
    const first = it.legs[0]!;
    const node = problem.nodes[first.from]!;
    if (node.currency !== currency) continue;
    const list = byNode.get(first.from) ?? [];
    if (list.length < OPTIMISER_LIMITS.candidate_prefixes) list.push((list.at(-1) ?? 0n) + first.amount);
    byNode.set(first.from, list);
  }
  const out: Array<{ participant: string; needs: bigint[] }> = [];
  for (const [i, sums] of byNode) {
    const n = problem.nodes[i]!;
    const slack = n.balance + n.headroom - net[i]!;
    const needs = sums.map((s) => s - slack).filter((x) => x > 0n);
    if (needs.length > 0) out.push({ participant: n.participant, needs });
    if (out.length >= OPTIMISER_LIMITS.stuck_payers_max) break;
  }
  return out;
}

function nodeIndex(problem: LsmRunProblem): Map<string, number> {
  const m = new Map<string, number>();
  problem.nodes.forEach((n, i) => {
    m.set(`${n.participant}:${n.currency}`, i);
  });
  return m;
}

/** The capacity changes of a conversion: the buyer gains what it buys and gives what it sells; a provider the reverse. */
function capacityDelta(index: Map<string, number>, offer: LiquidityOffer, buy: bigint, sell: bigint): Map<number, bigint> {
  const d = new Map<number, bigint>();
  const add = (who: string | null, c: string, v: bigint): void => {
    if (who === null) return;
    const i = index.get(`${who}:${c}`);
    if (i !== undefined) d.set(i, (d.get(i) ?? 0n) + v);
  };
  add(offer.buyer, offer.buy_currency, buy);
  add(offer.buyer, offer.sell_currency, -sell);
  add(offer.counterparty, offer.buy_currency, -buy);
  add(offer.counterparty, offer.sell_currency, sell);
  return d;
}

function better(a: LiquidityProposal, b: LiquidityProposal): number {
  // a before b when released/moved is larger: a.r * b.m > b.r * a.m.
  const x = a.released_usd_micro * b.moved_usd_micro;
  const y = b.released_usd_micro * a.moved_usd_micro;
  if (x !== y) return x > y ? -1 : 1;
  return a.released_usd_micro === b.released_usd_micro ? 0 : a.released_usd_micro > b.released_usd_micro ? -1 : 1;
}

/** Proposals for the gridlocked queue of `input.currency`, best first. */
export function optimiseLiquidity(input: OptimiserInput): OptimiserResult {
  const { problem, currency } = input;
  const rate = input.unitsPerUsd(currency);
  const empty = (note: string, baseline = 0n, evaluations = 0): OptimiserResult => ({
    currency,
    queued_items: problem.items.length,
    baseline_usd_micro: baseline,
    evaluations,
    proposals: [],
    note,
  });
  if (rate === null) return empty(`no reference rate for ${currency}: released value cannot be weighed in USD`);
  if (problem.items.length === 0) return empty('nothing is queued');
  const toUsd = (w: bigint): bigint => (problem.weight_unit === 'usd_micro' ? w : usdMicro(w, currency, rate));
  const solved = solveRunProblem(problem, input.work_budget);
  const base: Baseline = { chosen: new Set(solved.settled), weight: solved.settled_weight, toUsd };
  const stuck = stuckNeeds(problem, currency, base);
  if (stuck.length === 0) return empty('no payer is short in this currency', toUsd(base.weight));
  const index = nodeIndex(problem);
  const proposals: LiquidityProposal[] = [];
  let evaluations = 0;
  for (const { participant, needs } of stuck) {
    for (const offer of input.offers) {
      if (offer.buyer !== participant || offer.buy_currency !== currency) continue;
      for (const need of needs) {
        if (evaluations >= OPTIMISER_LIMITS.evaluations_max) break;
        const p = evaluate(input, index, base, offer, need, rate);
        evaluations += p.evaluated ? 1 : 0;
        if (p.proposal !== null) proposals.push(p.proposal);
      }
    }
  }
  proposals.sort(better);
  const kept = proposals.slice(0, OPTIMISER_LIMITS.proposals_max);
  return {
    currency,
    queued_items: problem.items.length,
    baseline_usd_micro: toUsd(base.weight),
    evaluations,
    proposals: kept,
    note: kept.length === 0 ? 'no conversion releases at least the value it moves' : null,
  };
}

function evaluate(
  input: OptimiserInput,
  index: Map<string, number>,
  base: Baseline,
  offer: LiquidityOffer,
  buy: bigint,
  rate: Rational,
): { evaluated: boolean; proposal: LiquidityProposal | null } {
  if (buy > offer.buy_max_minor) return { evaluated: false, proposal: null };
  const priced = offer.price(buy);
  if (priced === null || priced.sell_minor > offer.sell_max_minor) return { evaluated: false, proposal: null };
  const extra = capacityDelta(index, offer, buy, priced.sell_minor);
  const s = solveRunProblem(input.problem, input.work_budget, extra);
  const released = base.toUsd(s.settled_weight) - base.toUsd(base.weight);
  const moved = usdMicroUp(buy, input.currency, rate);
  if (released <= 0n || released < moved) return { evaluated: true, proposal: null };
  const newly = s.settled.filter((id) => !base.chosen.has(id)).length;
  return {
    evaluated: true,
    proposal: {
      kind: offer.kind,
      via: offer.via,
      participant: offer.buyer,
      sell_currency: offer.sell_currency,
      sell_minor: priced.sell_minor,
      buy_currency: offer.buy_currency,
      buy_minor: buy,
      price_source: priced.source,
      moved_usd_micro: moved,
      released_usd_micro: released,
      released_payments: newly,
    },
  };
}
