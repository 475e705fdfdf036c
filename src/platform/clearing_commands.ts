// Commands of the clearing cycle: an LSM run, closing (settling) a window, and
// opening and closing the business day. The rules are in clearing/ and
// financing/intraday_credit; this module drives them step by step with the
// ledger's answers and applies what they decide.

import { closedDay, closeRejection, openBusinessDay, type OpenDayInput } from '../clearing/business_day.js';
import { postingPlan, reservationOutcome, reservationPlan, voidPlan, windowPositions, withoutDefaulters } from '../clearing/dns_window.js';
import { ClearingRefusal } from '../clearing/refusal.js';
import { chooseLinkedLsmRelease, type CreditNeed } from '../clearing/lsm_release.js';
import { chooseLsmRelease, lsmReleaseTransfers } from '../clearing/rtgs.js';
import type { BusinessDay, Payment, SettlementWindow } from '../clearing/types.js';
import { atDayOpen, repayment, repaymentOrder } from '../financing/intraday_credit.js';
import { RESULT_CODES } from '../ledger/types.js';
import { PLATFORM_LIMITS, type CommandContext } from './context.js';
import { PlatformError } from './errors.js';
import { drainDirty, lsmLiquidity, releaseLinked, settled } from './settlement.js';
import type { LsmRun } from './types.js';
import type { Command } from './commands.js';
import { dayView, windowView } from './views.js';
import { closeWarehouse, releaseWarehouse } from './warehouse_commands.js';

export function runLsm(cx: CommandContext, currency: string): unknown {
  if (cx.rules_version >= 3) return runLinkedLsm(cx, currency, 'timer');
  const s = cx.s;
  const choice = chooseLsmRelease(s.queues, currency, (id) => s.available(s.byId.get(id)!, currency), s.bypass_fifo, {
    payments_max: PLATFORM_LIMITS.lsm_payments_max,
    work_budget: PLATFORM_LIMITS.lsm_work_budget,
  });
  const chosen = choice.settled.map((u) => s.payments.get(u)!);
  let released = 0;
  if (chosen.length > 0) {
    const applied = cx.applyTransfers((ids) => lsmReleaseTransfers(currency, chosen, s, ids));
    if (applied.accepted) {
      const n = chosen.length;
      chosen.forEach((p, i) => {
        settled(cx, p, [applied.plan[i]!.id, applied.plan[n + i]!.id]);
      });
      released = n;
    }
  }
  const run = { at_ns: cx.now, currency, queued: choice.queued.length, released, value_minor: released > 0 ? choice.settled_value : 0n };
  s.lsm_runs.push(run);
  if (s.lsm_runs.length > 10_000) s.lsm_runs.shift();
  return {
    currency,
    queued: choice.queued.length,
    considered: choice.considered.length,
    released,
    released_value_minor: run.value_minor,
    method: choice.method,
  };
}

/**
 * The LSM run of rules version 3 (clearing/lsm_release.ts): queued payments of
 * the currencies linked to `currency` through queued PvP payments, capacities
 * with drawable intraday credit, one linked chain that settles the choice and
 * draws only the credit it needs; from rules version 4 the solver adds its cycle
 * and neighbourhood moves (rules-3 journals replay without them). Recorded per currency it released in (the
 * run's own always), value in that currency's minor units (a PvP payment under
 * its payer's currency).
 */
export function runLinkedLsm(cx: CommandContext, currency: string, trigger: 'timer' | 'event'): LinkedLsmRunResult {
  const s = cx.s;
  const choice = chooseLinkedLsmRelease(
    s.queues,
    currency,
    lsmLiquidity(s),
    s.bypass_fifo,
    {
      payments_max: PLATFORM_LIMITS.lsm_payments_max,
      work_budget: PLATFORM_LIMITS.lsm_work_budget,
    },
    cx.rules_version,
    (problem, budget, rules) => s.lsmMemo.solve(problem, budget, rules),
  );
  const released = choice.chosen.length > 0 && releaseLinked(cx, choice.chosen, choice.credit) ? choice.chosen : [];
  const per = new Map<string, { queued: number; released: number; value_minor: bigint }>(
    choice.problem.currencies.map((c) => [c, { queued: 0, released: 0, value_minor: 0n }]),
  );
  for (const p of choice.queued) {
    const r = per.get(p.instruction.currency);
    if (r !== undefined) r.queued++;
  }
  for (const p of released) {
    const r = per.get(p.instruction.currency)!;
    r.released++;
    r.value_minor += p.instruction.amount_minor;
  }
  for (const [c, r] of per) {
    if (c !== currency && r.released === 0) continue;
    const run: LsmRun = { at_ns: cx.now, currency: c, queued: r.queued, released: r.released, value_minor: r.value_minor };
    if (trigger === 'event') run.trigger = 'event';
    if (c !== currency) run.linked_to = currency;
    s.lsm_runs.push(run);
    if (s.lsm_runs.length > 10_000) s.lsm_runs.shift();
  }
  const own = per.get(currency)!;
  return {
    currency,
    currencies: choice.problem.currencies,
    queued: choice.queued.length,
    considered: choice.problem.items.length,
    released: released.length,
    released_value_minor: own.value_minor,
    released_by_currency: [...per].map(([c, r]) => ({ currency: c, released: r.released, value_minor: r.value_minor })),
    released_weight: released.length > 0 ? choice.settled_weight : 0n,
    weight_unit: choice.problem.weight_unit,
    credit_drawn: released.length > 0 ? choice.credit : [],
    method: choice.method,
  };
}

export interface LinkedLsmRunResult {
  currency: string;
  currencies: readonly string[];
  queued: number;
  considered: number;
  released: number;
  released_value_minor: bigint;
  released_by_currency: Array<{ currency: string; released: number; value_minor: bigint }>;
  released_weight: bigint;
  weight_unit: string;
  credit_drawn: readonly CreditNeed[];
  method: string;
}

/**
 * Rules version 3: liquidity arrived for these currencies in this command
 * (funding, credit drawn, a swap drawing, a settled window). After the queues
 * were re-examined, each currency that still has queued payments gets one LSM
 * run, recorded as an event-triggered run: at most once per command per currency.
 */
export function lsmOnLiquidity(cx: CommandContext, currencies: readonly string[]): void {
  for (const c of [...new Set(currencies)].sort()) {
    drainDirty(cx);
    if (!hasQueued(cx, c)) continue;
    runLinkedLsm(cx, c, 'event');
  }
  drainDirty(cx);
}

/** The currencies a successful command brought liquidity in (the events that trigger an LSM run under rules version 3). */
export function liquidityArrivals(cx: CommandContext, cmd: Command): string[] {
  const s = cx.s;
  let c: string | undefined;
  if (cmd.type === 'fund' || cmd.type === 'draw_credit' || cmd.type === 'close_window') c = cmd.currency.toUpperCase();
  else if (cmd.type === 'draw_swap') c = s.swapLines.get(cmd.line)?.terms.provider_currency;
  return c !== undefined && s.issuer.has(c) ? [c] : [];
}

/** Whether a queued RTGS payment moves `currency` (paid in it, or a PvP payment paying out in it). */
function hasQueued(cx: CommandContext, currency: string): boolean {
  for (const q of cx.s.queues.values()) {
    for (const p of q.live((x) => x.state === 'queued'))
      if (p.instruction.currency === currency || (p.fx !== null && p.instruction.payee_currency === currency)) return true;
  }
  return false;
}

/** Closes the open window of a currency and settles it by the DNS rule (clearing/dns_window.ts). */
export function closeWindow(cx: CommandContext, currency: string): unknown {
  const s = cx.s;
  const w = s.openWindowOf.get(currency);
  if (w === undefined) throw new PlatformError('invalid_state', 'currency', `no open ${currency} window`);
  s.openWindowOf.delete(currency);
  w.state = 'closed';
  w.closed_at_ns = cx.now;
  w.state = 'settling';
  const participant = (id: string) => s.byId.get(id)!;
  const defaulters = new Set<string>();
  let members = w.uetrs.map((u) => s.payments.get(u)!).filter((p) => p.state === 'queued');
  for (let round = 0; ; round++) {
    if (round > s.participants.length + 1) throw new Error('window settlement did not converge');
    const positions = windowPositions(members, currency, participant);
    // Reservation ids count as used whether the ledger holds them or not (the first release's rule).
    const reserved = cx.applyPlan(
      (ids) => reservationPlan(positions, currency, participant, ids),
      (plan) => plan.transfers,
      'always',
    );
    const { failed, held } = reservationOutcome(reserved.plan, reserved.results);
    if (failed.length === 0) {
      const posted = cx.applyTransfers((ids) => postingPlan(held, positions, currency, participant, ids));
      if (!posted.accepted) throw new Error(`window ${w.id}: posting the reserved net positions failed: ${RESULT_CODES[posted.results.find((x) => x !== 0)!]}`);
      finishWindow(cx, w, members, positions, defaulters);
      return windowView(w);
    }
    if (held.length > 0) {
      const voided = cx.applyTransfers((ids) => voidPlan(held, currency, ids));
      if (!voided.accepted) throw new Error(`window ${w.id}: voiding reservations failed`);
    }
    for (const id of failed) defaulters.add(id);
    const step = withoutDefaulters(members, defaulters, w.id);
    for (const r of step.rejected) cx.change(r.payment, 'rejected', r.reason, r.detail);
    members = step.stay;
  }
}

function finishWindow(cx: CommandContext, w: SettlementWindow, members: Payment[], positions: Array<[string, bigint]>, defaulters: Set<string>): void {
  const s = cx.s;
  w.net_positions = positions;
  w.defaulters = [...defaulters];
  w.state = 'settled';
  for (const p of members) {
    settled(cx, p, []);
    cx.markDirty(s.byId.get(p.instruction.payer)!, w.currency);
  }
  for (const [id, v] of positions) if (v > 0n) cx.markDirty(s.byId.get(id)!, w.currency);
}

export function openDay(cx: CommandContext, input: OpenDayInput): unknown {
  const s = cx.s;
  let day: ReturnType<typeof openBusinessDay>;
  try {
    day = openBusinessDay(input, s.days, s.issuer.keys(), cx.now);
  } catch (err) {
    if (err instanceof ClearingRefusal) throw new PlatformError(err.code, err.field, err.message);
    throw err;
  }
  s.day = day;
  s.days.push(day);
  for (const f of s.facilities.values()) s.putFacility(atDayOpen(f));
  if (cx.rules_version >= 3) {
    // Rules 3: the day counts its warehouse, and the payments warehoused for it enter settlement.
    day.warehoused = 0;
    day.released_from_warehouse = 0;
    releaseWarehouse(cx, day);
  }
  return dayView(day);
}

export function closeDay(cx: CommandContext): unknown {
  const s = cx.s;
  const d = s.day;
  if (d === null || d.state !== 'open') throw new PlatformError('no_business_day', '', 'no business day is open');
  const windows: unknown[] = [];
  for (const currency of [...s.openWindowOf.keys()].sort()) windows.push(closeWindow(cx, currency));
  drainDirty(cx);
  if (cx.rules_version >= 3) return closeDayV3(cx, d, windows);
  let rejected = 0;
  for (const q of s.queues.values()) {
    for (const p of q.live((x) => x.state === 'queued')) {
      const why = closeRejection(null);
      cx.change(p, 'rejected', why.reason, why.detail);
      rejected++;
    }
    q.clear();
  }
  for (const c of s.cases) {
    const p = s.payments.get(c.uetr)!;
    if (p.state === 'held') {
      const why = closeRejection(c.id);
      cx.change(p, 'rejected', why.reason, why.detail);
      rejected++;
    }
  }
  const unpaid = repayCredit(cx);
  const closed = closedDay(d, cx.now);
  s.days[s.days.length - 1] = closed;
  s.day = closed;
  return { day: dayView(closed), windows_settled: windows, rejected_at_close: rejected, credit_unrepaid: unpaid, positions: s.positions() };
}

/**
 * Rules 3: what is still queued at the close is warehoused to the next business
 * day, what is held stays held (the case carries over) — both rejected CUTO only
 * for a settle_by that day cannot meet (./warehouse_commands.ts).
 */
function closeDayV3(cx: CommandContext, d: BusinessDay, windows: unknown[]): unknown {
  const s = cx.s;
  const kept = closeWarehouse(cx, d);
  const unpaid = repayCredit(cx);
  const closed = closedDay(d, cx.now);
  s.days[s.days.length - 1] = closed;
  s.day = closed;
  return {
    day: dayView(closed),
    windows_settled: windows,
    rejected_at_close: kept.rejected,
    warehoused_at_close: kept.warehoused,
    held_at_close: kept.held,
    credit_unrepaid: unpaid,
    positions: s.positions(),
  };
}

/** End-of-day repayment of intraday credit, as far as each settlement account allows (financing/intraday_credit.ts). */
function repayCredit(cx: CommandContext): Array<{ participant: string; currency: string; outstanding_minor: bigint }> {
  const s = cx.s;
  const unpaid: Array<{ participant: string; currency: string; outstanding_minor: bigint }> = [];
  for (let f of repaymentOrder(s.facilities.values())) {
    if (f.outstanding_minor === 0n) continue;
    const p = s.byId.get(f.participant)!;
    const accounts = s.creditAccounts(p, f.currency);
    const available = s.available(p, f.currency);
    const applied = cx.applyPlan(
      (ids) => repayment(f, accounts, available, ids()),
      (step) => (step === null ? [] : [step.transfer]),
      'if_accepted',
    );
    if (applied.plan !== null) {
      if (!applied.accepted) throw new Error('intraday repayment refused by the ledger');
      f = applied.plan.facility;
      s.putFacility(f);
    }
    if (f.outstanding_minor > 0n) unpaid.push({ participant: f.participant, currency: f.currency, outstanding_minor: f.outstanding_minor });
  }
  return unpaid;
}
