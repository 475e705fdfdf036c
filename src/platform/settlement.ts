// Settling payments: routes a screened payment to RTGS or to its window, tries a
// gross settlement (drawing intraday credit when the rule allows), records a
// settlement and its FX residue, and re-examines queues that received liquidity.
// The rules decide (clearing/rtgs, clearing/pvp, financing/intraday_credit); this
// module asks the ledger and applies the answers.

import { isOpen } from '../clearing/business_day.js';
import { newWindow } from '../clearing/dns_window.js';
import { residueBooking, residueKey, withResidue } from '../clearing/pvp.js';
import { QUEUE_FULL_REASON, REASON } from '../clearing/reasons.js';
import { paymentLegs, releaseHalf, type CreditNeed, type LsmLiquidity } from '../clearing/lsm_release.js';
import { attemptOutcome, mayOvertake, queueKey, settlementTransfers } from '../clearing/rtgs.js';
import type { Facility } from '../financing/intraday_credit.js';
import { autoDrawAmount, drawdown, headroom } from '../financing/intraday_credit.js';
import type { Rational } from '../fx/rational.js';
import { RESULT_CODES, TransferFlags, type Transfer } from '../ledger/types.js';
import type { Participant, Payment, SettlementWindow } from '../clearing/types.js';
import { PLATFORM_LIMITS, type CommandContext } from './context.js';
import { PlatformError } from './errors.js';
import { schemeQueueMax } from './governance_effect.js';
import type { PlatformState } from './state.js';

export function openWindow(cx: CommandContext, currency: string): SettlementWindow {
  const s = cx.s;
  const existing = s.openWindowOf.get(currency);
  if (existing !== undefined) throw new PlatformError('invalid_state', 'currency', `window ${existing.id} of ${currency} is already open`);
  const w = newWindow(s.windows.length + 1, currency, cx.now);
  s.windows.push(w);
  s.openWindowOf.set(currency, w);
  return w;
}

/** Sends a screened (or released) payment to RTGS or to its currency's window. */
export function route(cx: CommandContext, p: Payment): void {
  const s = cx.s;
  const ins = p.instruction;
  if (ins.settlement === 'dns') {
    const w = s.openWindowOf.get(ins.currency) ?? openWindow(cx, ins.currency);
    if (w.uetrs.length >= PLATFORM_LIMITS.windows_payments_max) {
      cx.change(p, 'rejected', REASON.narrative, `window ${w.id} is full`);
      return;
    }
    w.uetrs.push(ins.uetr);
    p.window_id = w.id;
    cx.change(p, 'queued', undefined, `in settlement window ${w.id}`);
    return;
  }
  const q = s.queueOf(s.byId.get(ins.payer)!, ins.currency);
  if (mayOvertake(q, ins.priority, s.bypass_fifo) && trySettle(cx, p)) return;
  // Rules 3 under a scheme: a payer's queue in a currency holds at most limits.queue_length_max payments.
  const max = cx.rules_version >= 3 ? schemeQueueMax(s) : null;
  if (max !== null && q.holdsAtLeast(max, (x) => x.state === 'queued')) {
    cx.change(p, 'rejected', QUEUE_FULL_REASON, `${ins.payer} has ${max} ${ins.currency} payments queued, the most the scheme allows`);
    return;
  }
  q.push(p);
  cx.change(p, 'queued', undefined, 'waiting for liquidity');
}

/** Settles one payment now if covered (drawing intraday credit when allowed); true when it left the queue. */
export function trySettle(cx: CommandContext, p: Payment): boolean {
  const s = cx.s;
  const ins = p.instruction;
  const payer = s.byId.get(ins.payer)!;
  const avail = s.available(payer, ins.currency);
  if (avail < ins.amount_minor && !autoDraw(cx, payer, ins.currency, ins.amount_minor - avail)) return false;
  if (p.fx !== null) {
    const lp = s.byId.get(p.fx.provider)!;
    if (s.available(lp, ins.payee_currency) < p.fx.payee_amount_minor) {
      // Re-examine the payer's queue when the provider gets liquidity.
      const watch = queueKey(lp.no, ins.payee_currency);
      const keys = s.pvpWatch.get(watch) ?? new Set<string>();
      keys.add(queueKey(payer.no, ins.currency));
      s.pvpWatch.set(watch, keys);
      return false;
    }
  }
  const applied = cx.applyTransfers((ids) => settlementTransfers(p, s, ids));
  const outcome = attemptOutcome(applied.results);
  if (outcome.kind === 'impossible') {
    // Not a liquidity problem: the instruction cannot settle at all.
    cx.change(p, 'rejected', REASON.narrative, `the ledger refused it: ${outcome.result}`);
    return true;
  }
  if (outcome.kind === 'wait') return false;
  settled(
    cx,
    p,
    applied.plan.map((t) => t.id),
  );
  return true;
}

/** Records a settlement: ids, state, liquidity for the payee (and provider), and a conversion's residue. */
export function settled(cx: CommandContext, p: Payment, ids: bigint[]): void {
  const s = cx.s;
  p.transfer_ids = ids;
  p.settled_at_ns = cx.now;
  cx.change(p, 'settled');
  const ins = p.instruction;
  cx.markDirty(s.byId.get(ins.payee)!, ins.payee_currency);
  if (p.fx !== null) {
    cx.markDirty(s.byId.get(p.fx.provider)!, ins.currency);
    // Only a conversion that happened leaves a residue: it is counted when the payment settles.
    const key = residueKey(p.fx.provider, ins.payee_currency);
    s.residues.set(key, withResidue(s.residues.get(key), p.fx));
    bookResidue(cx, p.fx.provider, ins.payee_currency);
  }
}

/** Whole minor units of a provider's residue go to (or from) the residue account; the fraction waits. */
function bookResidue(cx: CommandContext, provider: string, currency: string): void {
  const s = cx.s;
  const key = residueKey(provider, currency);
  const residue = s.residues.get(key);
  if (residue === undefined) return;
  const lp = s.byId.get(provider)!;
  const applied = cx.applyPlan(
    (ids) => residueBooking(lp, currency, residue, ids()),
    (b) => (b === null ? [] : [b.transfer]),
    'if_accepted',
  );
  if (applied.plan !== null && applied.accepted) s.residues.set(key, applied.plan.rest);
}

/** Re-examines the queues of participants that received liquidity, until nothing more settles. */
export function drainDirty(cx: CommandContext): void {
  let guard = 0;
  while (cx.dirty.length > 0) {
    const key = cx.dirty.pop()!;
    const q = cx.s.queues.get(key);
    if (q === undefined) continue;
    q.examine(
      cx.s.bypass_fifo,
      (p) => p.state === 'queued',
      (p) => trySettle(cx, p),
    );
    if (++guard > 10_000_000) throw new Error('queue re-examination did not converge');
  }
}

function autoDraw(cx: CommandContext, p: Participant, currency: string, shortfall: bigint): boolean {
  const f = cx.s.facilityOf(p.id, currency);
  const amount = autoDrawAmount(f, shortfall, isOpen(cx.s.day));
  if (amount === null) return false;
  drawCredit(cx, p, f!, amount);
  return true;
}

/** Draws intraday credit on a facility (the caller checked the line). */
export function drawCredit(cx: CommandContext, p: Participant, f: Facility, amount: bigint): void {
  const accounts = cx.s.creditAccounts(p, f.currency);
  const applied = cx.applyPlan(
    (ids) => drawdown(f, accounts, amount, ids()),
    (step) => [step.transfer],
    'if_accepted',
  );
  if (!applied.accepted) throw new Error(`intraday drawdown refused by the ledger: ${RESULT_CODES[applied.results[0]!]}`);
  cx.s.putFacility(applied.plan.facility);
}

// ---- the LSM's liquidity and release (rules version 3) ----------------------------------------

/**
 * What an LSM run may use: available balances, plus the unused line of a
 * facility that allows automatic drawing while the business day is open (the
 * same conditions as a gross settlement's automatic drawdown), and reference
 * rates of the business date (or the latest rate date) to weigh currencies.
 */
export function lsmLiquidity(s: PlatformState): LsmLiquidity {
  const open = isOpen(s.day);
  const date = s.business_date ?? s.rates().latestDate();
  const rates = new Map<string, Rational | null>();
  return {
    available: (participant, currency) => s.available(s.byId.get(participant)!, currency),
    headroom: (participant, currency) => {
      const f = s.facilityOf(participant, currency);
      return open && f?.auto_draw ? headroom(f) : 0n;
    },
    unitsPerUsd: (currency) => {
      if (!rates.has(currency)) {
        let r: Rational | null = null;
        try {
          if (date !== null) r = s.rates().rateAsOf(currency, date).units_per_usd;
        } catch {
          r = null;
        }
        rates.set(currency, r);
      }
      return rates.get(currency)!;
    },
  };
}

/**
 * Releases an LSM choice as ONE linked chain across the ledgers it touches:
 * every leg's credit half, then the intraday credit the set needs, then every
 * leg's debit half. On acceptance the payments settle and the facilities take
 * their drawings; on refusal nothing moved. Returns whether it was accepted.
 */
export function releaseLinked(cx: CommandContext, chosen: readonly Payment[], credit: readonly CreditNeed[]): boolean {
  const s = cx.s;
  const applied = cx.applyPlan(
    (ids) => {
      const credits = chosen.flatMap((p) => paymentLegs(p).map((l) => releaseHalf(l, 'credit', p.instruction.uetr, s, ids())));
      const draws = credit.map((c) => {
        const f = s.facilityOf(c.participant, c.currency)!;
        return drawdown(f, s.creditAccounts(s.byId.get(c.participant)!, c.currency), c.amount_minor, ids());
      });
      const debits = chosen.flatMap((p) => paymentLegs(p).map((l) => releaseHalf(l, 'debit', p.instruction.uetr, s, ids())));
      const transfers: Transfer[] = [...credits, ...draws.map((d) => d.transfer), ...debits];
      for (const t of transfers) t.flags |= TransferFlags.linked;
      transfers[transfers.length - 1]!.flags &= ~TransferFlags.linked;
      return { credits, draws, debits, transfers };
    },
    (plan) => plan.transfers,
    'if_accepted',
  );
  if (!applied.accepted) return false;
  for (const d of applied.plan.draws) s.putFacility(d.facility);
  let k = 0;
  for (const p of chosen) {
    const ids: bigint[] = [];
    for (let j = 0; j < paymentLegs(p).length; j++, k++) ids.push(applied.plan.credits[k]!.id, applied.plan.debits[k]!.id);
    settled(cx, p, ids);
  }
  return true;
}
