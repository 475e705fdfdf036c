// The cross-currency liquidity optimiser on the platform: the offers it may
// use (each liquidity provider's quote for the pair, else the reference cross
// rate, and the active swap lines of a drawer central bank — drawn for the
// central bank itself, or passed on to a bank of its country that is short of
// the line's currency, against the bank's home currency at the line's
// contractual rate: how central banks on-lend swap-line money), the read-only
// proposals, and — where the scheme allows it (`set_liquidity_execution`, off by
// default, operator) — `execute_liquidity_proposal`: the conversion as one PvP
// chain (or a swap drawing), then an LSM run of the currency it was for. The
// rule is clearing/liquidity_optimiser.ts; this module prices and applies.

import { TRANSFER_CODE, ledgerTransfer, settlementAccountOf } from '../clearing/accounts.js';
import { optimiseLiquidity, type LiquidityOffer, type OptimiserResult } from '../clearing/liquidity_optimiser.js';
import { buildRunProblem, linkedCurrencies } from '../clearing/lsm_release.js';
import type { Participant } from '../clearing/types.js';
import { remaining, type SwapLine } from '../financing/swap_lines.js';
import { formatMinor } from '../fx/convert.js';
import { memberCurrency } from '../fx/iso4217.js';
import type { Rational } from '../fx/rational.js';
import { TransferFlags } from '../ledger/types.js';
import { runLinkedLsm } from './clearing_commands.js';
import type { Command } from './commands.js';
import { PLATFORM_LIMITS, type CommandContext } from './context.js';
import { PlatformError } from './errors.js';
import { drawSwapLine } from './financing_commands.js';
import { amount, activeCurrency, need } from './participant_commands.js';
import { drainDirty, lsmLiquidity } from './settlement.js';
import type { PlatformState } from './state.js';

/** Work budget of each LSM re-solve the optimiser makes (deterministic, smaller than a run's: it makes up to 64). */
const OPTIMISER_WORK_BUDGET = 200_000;
const SELL_UNBOUNDED = 1n << 120n;

/** Minor units of `to` for `buy_minor` of `from` at `price` (units of `to` per unit of `from`, major), rounded up. */
function costUp(buy_minor: bigint, from: string, to: string, price: Rational): bigint {
  const ef = 10n ** BigInt(memberCurrency(from).minor_units);
  const et = 10n ** BigInt(memberCurrency(to).minor_units);
  const num = buy_minor * et * price.num;
  const den = ef * price.den;
  return (num + den - 1n) / den;
}

/** The provider's price for selling `buy_minor` of `buy` against `sell`: its live quote tier (the ask, sell per buy), else the reference cross rate. */
function pvpPrice(s: PlatformState, lp: string, buy: string, sell: string, buy_minor: bigint, now_ns: bigint): { sell_minor: bigint; source: string } | null {
  const tiers = s.quotes().pair(buy, sell)?.byProvider.get(lp) ?? [];
  for (const t of tiers) {
    if (t.expires_at_ns > now_ns && t.min_minor <= buy_minor && buy_minor <= t.max_minor)
      return { sell_minor: costUp(buy_minor, buy, sell, t.ask), source: `quote of ${lp}: ask ${t.ask_text} ${sell} per ${buy}` };
  }
  const date = s.business_date ?? s.rates().latestDate();
  if (date === null) return null;
  try {
    const x = s.rates().crossRate(buy, sell, date);
    return { sell_minor: costUp(buy_minor, buy, sell, x.rate), source: `reference cross rate ${buy}->${sell} of ${date}` };
  } catch {
    return null;
  }
}

function isProviderOf(q: Participant, a: string, b: string): boolean {
  return q.kind === 'liquidity_provider' && q.currencies.includes(a) && q.currencies.includes(b);
}

/** What `p` holds in `sell` beyond its own queued payments there, so a conversion never starves another queue. */
function surplusOf(s: PlatformState, p: Participant, sell: string): bigint {
  let have = s.available(p, sell);
  for (const q of s.queueOfParticipant(p.id, sell)) have -= q.instruction.amount_minor;
  return have;
}

/** Every offer a participant of the run could take to buy `currency`. */
export function liquidityOffers(s: PlatformState, currency: string, participants: Iterable<string>, now_ns: bigint): LiquidityOffer[] {
  const offers: LiquidityOffer[] = [];
  for (const id of participants) {
    const p = s.byId.get(id)!;
    for (const sell of p.currencies) {
      if (sell === currency || p.issues === sell) continue;
      const have = surplusOf(s, p, sell);
      if (have <= 0n) continue;
      for (const lp of s.participants) {
        if (lp.id === p.id || !isProviderOf(lp, currency, sell)) continue;
        const stock = s.available(lp, currency);
        if (stock <= 0n) continue;
        offers.push({
          kind: 'pvp',
          via: lp.id,
          counterparty: lp.id,
          buyer: p.id,
          buy_currency: currency,
          sell_currency: sell,
          buy_max_minor: stock,
          sell_max_minor: have,
          price: (b) => pvpPrice(s, lp.id, currency, sell, b, now_ns),
        });
      }
    }
    for (const line of s.swapLines.values()) {
      if (line.terms.provider_currency !== currency || line.status !== 'active' || remaining(line) <= 0n) continue;
      if (line.terms.drawer === p.id) offers.push(swapOffer(line, p.id, SELL_UNBOUNDED));
      else if (onLends(s, line, p)) {
        const have = surplusOf(s, p, line.terms.drawer_currency);
        if (have > 0n) offers.push(swapOffer(line, p.id, have));
      }
    }
  }
  return offers;
}

/** Whether the line's drawer central bank may pass a drawing on to `p`: a bank of its country holding both currencies. */
function onLends(s: PlatformState, line: SwapLine, p: Participant): boolean {
  const drawer = s.byId.get(line.terms.drawer);
  return (
    p.kind === 'bank' &&
    drawer !== undefined &&
    drawer.country === p.country &&
    p.currencies.includes(line.terms.provider_currency) &&
    p.currencies.includes(line.terms.drawer_currency)
  );
}

/** A drawing for `buyer` (the drawer itself, which gives its own currency without limit, or a bank of its country, up to its surplus). */
function swapOffer(line: SwapLine, buyer: string, sell_max_minor: bigint): LiquidityOffer {
  const t = line.terms;
  return {
    kind: 'swap',
    via: t.id,
    // Central-bank money: the drawing creates it, no participant's node gives it up.
    counterparty: null,
    buyer,
    buy_currency: t.provider_currency,
    sell_currency: t.drawer_currency,
    buy_max_minor: remaining(line),
    sell_max_minor,
    price: (b) => ({ sell_minor: costUp(b, t.provider_currency, t.drawer_currency, t.rate), source: `swap line ${t.id} contractual rate` }),
  };
}

/** The optimiser's proposals for one currency's queue (read-only). */
export function liquidityProposals(s: PlatformState, currency: string, now_ns: bigint): OptimiserResult {
  const liquidity = lsmLiquidity(s);
  const { currencies, queued } = linkedCurrencies(s.queues, currency);
  const problem = buildRunProblem(currencies, queued, liquidity, !s.bypass_fifo, {
    payments_max: PLATFORM_LIMITS.lsm_payments_max,
    work_budget: OPTIMISER_WORK_BUDGET,
  });
  const payers = new Set(problem.nodes.filter((n) => n.currency === currency).map((n) => n.participant));
  return optimiseLiquidity({
    currency,
    problem,
    offers: liquidityOffers(s, currency, payers, now_ns),
    unitsPerUsd: liquidity.unitsPerUsd,
    work_budget: OPTIMISER_WORK_BUDGET,
  });
}

/** Currencies with queued RTGS payments, sorted. */
export function queuedCurrencies(s: PlatformState): string[] {
  const out = new Set<string>();
  for (const q of s.queues.values()) for (const p of q.live((x) => x.state === 'queued')) out.add(p.instruction.currency);
  return [...out].sort();
}

type ExecuteCommand = Extract<Command, { type: 'execute_liquidity_proposal' }>;

/** Runs a proposal's conversion (priced again now) and then the LSM of the currency bought; refused unless the scheme allows execution. */
export function executeLiquidityProposal(cx: CommandContext, cmd: ExecuteCommand): unknown {
  const s = cx.s;
  if (cx.rules_version < 3) throw new PlatformError('invalid_command', 'type', 'execute_liquidity_proposal needs rules version 3');
  if (!s.liquidity_execution)
    throw new PlatformError('invalid_state', 'type', 'the scheme does not allow executing liquidity proposals (set_liquidity_execution)');
  const buy = activeCurrency(s, cmd.buy_currency, 'buy_currency');
  const sell = activeCurrency(s, cmd.sell_currency, 'sell_currency');
  const buy_minor = amount(cmd.buy_amount, buy, 'buy_amount', cx.rules_version);
  const from = cx.changes.length;
  let conversion: Record<string, unknown>;
  if (cmd.kind === 'swap') {
    conversion = executeSwap(cx, cmd, buy.code, sell.code, buy_minor);
  } else {
    conversion = convertPvp(cx, cmd, buy.code, sell.code, buy_minor);
  }
  drainDirty(cx);
  const lsm = runLinkedLsm(cx, buy.code, 'event');
  // Released: what settled in this command after the conversion, gross (queues re-examined) or by the LSM.
  const released = cx.changes.slice(from).filter((c) => c.state === 'settled');
  const value = new Map<string, bigint>();
  for (const c of released) {
    const ins = s.payments.get(c.uetr)!.instruction;
    value.set(ins.currency, (value.get(ins.currency) ?? 0n) + ins.amount_minor);
  }
  return {
    conversion,
    lsm,
    released_payments: released.length,
    released_value: [...value].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, value_minor]) => ({ currency, value_minor })),
  };
}

/**
 * A swap-line drawing: for the drawer central bank itself, or passed on to a
 * bank of its country — the drawing, then in one linked chain the bank pays
 * the drawer its home currency at the line's contractual rate (rounded up) and
 * the drawer pays the bank what it drew. Everything is checked before the drawing.
 */
function executeSwap(cx: CommandContext, cmd: ExecuteCommand, buy: string, sell: string, buy_minor: bigint): Record<string, unknown> {
  const s = cx.s;
  const line = s.swapLines.get(cmd.via);
  if (line === undefined || line.terms.provider_currency !== buy || line.terms.drawer_currency !== sell)
    throw new PlatformError('not_found', 'via', `no swap line ${cmd.via} for ${sell}->${buy}`);
  if (line.terms.drawer === cmd.participant) return { kind: 'swap', line: drawSwapLine(cx, cmd.via, formatMinor(buy_minor, memberCurrency(buy))) };
  const p = need(s, cmd.participant, 'participant');
  if (!onLends(s, line, p)) throw new PlatformError('invalid_field', 'participant', `${p.id} is not a bank of the drawer's country holding ${sell} and ${buy}`);
  if (buy_minor > remaining(line))
    throw new PlatformError('limit_exceeded', 'buy_amount', `only ${remaining(line)} minor units of swap line ${line.terms.id} remain`);
  const sell_minor = costUp(buy_minor, buy, sell, line.terms.rate);
  if (s.available(p, sell) < sell_minor)
    throw new PlatformError('insufficient_funds', 'buy_amount', `${p.id} needs ${sell_minor} ${sell} minor units and has ${s.available(p, sell)}`);
  const drawing = drawSwapLine(cx, cmd.via, formatMinor(buy_minor, memberCurrency(buy)));
  const drawer = s.byId.get(line.terms.drawer)!;
  const applied = cx.applyTransfers((ids) => [
    ledgerTransfer(
      ids(),
      settlementAccountOf(p, sell),
      settlementAccountOf(drawer, sell),
      sell_minor,
      memberCurrency(sell).numeric,
      TRANSFER_CODE.pvp_payer_leg,
      TransferFlags.linked,
    ),
    ledgerTransfer(
      ids(),
      settlementAccountOf(drawer, buy),
      settlementAccountOf(p, buy),
      buy_minor,
      memberCurrency(buy).numeric,
      TRANSFER_CODE.pvp_payee_leg,
      0,
    ),
  ]);
  if (!applied.accepted) throw new PlatformError('ledger_refused', 'buy_amount', 'the ledger refused passing the drawing on');
  cx.markDirty(p, buy);
  return {
    kind: 'swap',
    line: drawing,
    participant: p.id,
    sell_currency: sell,
    sell_minor,
    buy_currency: buy,
    buy_minor,
    transfer_ids: applied.plan.map((t) => t.id),
  };
}

function convertPvp(cx: CommandContext, cmd: ExecuteCommand, buy: string, sell: string, buy_minor: bigint): Record<string, unknown> {
  const s = cx.s;
  const p = need(s, cmd.participant, 'participant');
  const lp = need(s, cmd.via, 'via');
  if (!isProviderOf(lp, buy, sell) || lp.id === p.id)
    throw new PlatformError('invalid_field', 'via', `${lp.id} is not a liquidity provider in ${sell} and ${buy}`);
  if (!p.currencies.includes(buy) || !p.currencies.includes(sell))
    throw new PlatformError('invalid_field', 'participant', `${p.id} does not hold both ${sell} and ${buy}`);
  const priced = pvpPrice(s, lp.id, buy, sell, buy_minor, cx.now);
  if (priced === null) throw new PlatformError('rate_unavailable', 'buy_currency', `no price for ${sell}->${buy}`);
  if (s.available(lp, buy) < buy_minor) throw new PlatformError('insufficient_funds', 'buy_amount', `${lp.id} has ${s.available(lp, buy)} ${buy} minor units`);
  if (s.available(p, sell) < priced.sell_minor)
    throw new PlatformError('insufficient_funds', 'buy_amount', `${p.id} needs ${priced.sell_minor} ${sell} minor units and has ${s.available(p, sell)}`);
  const b = memberCurrency(buy);
  const x = memberCurrency(sell);
  const applied = cx.applyTransfers((ids) => [
    ledgerTransfer(
      ids(),
      settlementAccountOf(p, sell),
      settlementAccountOf(lp, sell),
      priced.sell_minor,
      x.numeric,
      TRANSFER_CODE.pvp_payer_leg,
      TransferFlags.linked,
    ),
    ledgerTransfer(ids(), settlementAccountOf(lp, buy), settlementAccountOf(p, buy), buy_minor, b.numeric, TRANSFER_CODE.pvp_payee_leg, 0),
  ]);
  if (!applied.accepted) throw new PlatformError('ledger_refused', 'buy_amount', 'the ledger refused the conversion');
  cx.markDirty(p, buy);
  cx.markDirty(lp, sell);
  return {
    kind: 'pvp',
    participant: p.id,
    provider: lp.id,
    sell_currency: sell,
    sell_minor: priced.sell_minor,
    buy_currency: buy,
    buy_minor,
    price_source: priced.source,
    transfer_ids: applied.plan.map((t) => t.id),
  };
}

/** The scheme setting that allows execute_liquidity_proposal (operator). */
export function setLiquidityExecution(cx: CommandContext, enabled: boolean): unknown {
  cx.s.liquidity_execution = enabled;
  return { liquidity_execution: enabled };
}
