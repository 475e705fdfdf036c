// Commands on payments: submission (checks, cut-off, PvP pricing, screening
// holds, routing), cancellation, return, and compliance officers' decisions.
// Under rules version 3 a payment that cannot settle today is warehoused instead
// of rejected CUTO (./warehouse_commands.ts, clearing/warehouse.ts).

import { ledgerTransfer, settlementAccountOf, TRANSFER_CODE, uetrBits } from '../clearing/accounts.js';
import { pastCutoff } from '../clearing/business_day.js';
import { pricePayment, type PricingView } from '../clearing/pvp.js';
import type { Payment, PaymentState } from '../clearing/types.js';
import { decideCase as decideCaseRule, holdDetail, openCase, withdrawCase, type CaseDecision, type ScreeningOutcome } from '../compliance/cases.js';
import { CURRENCIES, memberCurrency } from '../fx/iso4217.js';
import { parseScaled } from '../fx/rational.js';
import { RESULT_CODES, U128_MAX } from '../ledger/types.js';
import { PLATFORM_LIMITS, type CommandContext } from './context.js';
import { PlatformError, REASON } from './errors.js';
import { schemePaymentMax, schemePaymentRefusal } from './governance_effect.js';
import { checkInstruction, type CheckRules } from './instruction.js';
import { priceRules3 } from './market_commands.js';
import { route } from './settlement.js';
import { settleOrWarehouse, watchSettleBy } from './warehouse_commands.js';
import { caseView, paymentView } from './views.js';

type SubmitResult = { uetr: string | null; state: PaymentState; reason?: string; field?: string; detail?: string };

export function submitPayments(cx: CommandContext, raws: Record<string, unknown>[], screening: (ScreeningOutcome | null)[], by: string): unknown {
  const st = cx.s;
  // The same for every payment of the command (nothing a submission does opens or closes a day or sets calendars).
  const rules: CheckRules = { rules_version: cx.rules_version, now_ns: cx.now, day: st.day, calendars: st.calendars };
  const results: SubmitResult[] = [];
  for (let i = 0; i < raws.length; i++) {
    results.push(submitOne(cx, raws[i]!, screening[i] ?? null, by, i, rules));
    // The payments just finished become records now, while their objects are in the processor's caches
    // (PaymentBook.archiveFinished: what the command's end would do, in the same order; no rule sees it).
    // Every ARCHIVE_EVERY payments, not after each: a live map emptied at every payment shrinks into a new
    // table at every delete (~300 bytes a payment allocated).
    if (i % ARCHIVE_EVERY === ARCHIVE_EVERY - 1) st.payments.archiveFinished();
  }
  return { payments: results };
}

/** Payments of a batch between two archiving steps: their objects (~1-2 KB each) stay in the processor's caches meanwhile. */
const ARCHIVE_EVERY = 32;

/** Where payment `i` of a batch is, in a refusal's field path (written only for a refusal). */
function fieldOf(i: number): string {
  return `payments[${i}]`;
}

function submitOne(cx: CommandContext, raw: Record<string, unknown>, s: ScreeningOutcome | null, by: string, i: number, rules: CheckRules): SubmitResult {
  const st = cx.s;
  // Checked without the payment's path; a refusal checks again with it (checkInstruction is a function of its
  // arguments), so an accepted payment writes no path it never shows.
  let check = checkInstruction(raw, st, '', rules);
  if (!check.ok) check = checkInstruction(raw, st, fieldOf(i), rules);
  if (!check.ok) {
    const { reason, field: f, detail } = check.rejection;
    const dup = check.uetr !== null && st.payments.has(check.uetr);
    if (check.uetr === null || dup) {
      cx.rememberRejection(check.uetr, reason, f, detail);
    } else {
      const p = newPayment(cx, rawInstruction(raw, check.uetr, cx.rules_version), by);
      cx.change(p, 'rejected', reason, detail);
    }
    return { uetr: check.uetr, state: 'rejected', reason, field: f, detail };
  }
  const ins = check.instruction;
  if (st.payments.has(ins.uetr)) {
    const field = fieldOf(i);
    cx.rememberRejection(ins.uetr, REASON.duplicate, `${field}.uetr`, 'this UETR was already submitted');
    return { uetr: ins.uetr, state: 'rejected', reason: REASON.duplicate, field: `${field}.uetr`, detail: 'duplicate UETR' };
  }
  if (st.payments.size >= PLATFORM_LIMITS.payments_max)
    throw new PlatformError('limit_exceeded', fieldOf(i), `the platform holds at most ${PLATFORM_LIMITS.payments_max} payments`);
  const p = newPayment(cx, ins, by);
  cx.change(p, 'validated');
  if (cx.rules_version >= 3) {
    submitV3(cx, p, s);
  } else if (pastCutoff(st.day, ins.currency, cx.now)) {
    cx.change(p, 'rejected', REASON.cut_off, `after the ${ins.currency} cut-off`);
  } else if (ins.payee_currency !== ins.currency && !price(cx, p)) {
    // price() recorded the rejection.
  } else if (s?.hit) {
    const c = openCase(st.cases.length + 1, ins.uetr, s, cx.now);
    st.cases.push(c);
    p.case_id = c.id;
    cx.change(p, 'held', undefined, holdDetail(c));
  } else {
    cx.change(p, 'screened', undefined, s === null ? 'not screened' : `no hit (list ${s.list_version})`);
    route(cx, p);
  }
  const last = p.history[p.history.length - 1]!;
  const r: SubmitResult = { uetr: ins.uetr, state: p.state };
  if (last.reason !== undefined) r.reason = last.reason;
  return r;
}

/** Rules 3: pricing, screening, then settle, warehouse or (settle_by) reject; the cut-off rejects no more. */
function submitV3(cx: CommandContext, p: Payment, s: ScreeningOutcome | null): void {
  const ins = p.instruction;
  const max = schemePaymentMax(cx.s, ins.currency);
  if (max !== null && ins.amount_minor > max) {
    cx.change(p, 'rejected', REASON.amount_limit, `above the scheme's maximum of ${max} minor units for one ${ins.currency} payment`);
    return;
  }
  const refusal = cx.rules_version >= 4 ? schemePaymentRefusal(cx.s, ins) : null;
  if (refusal !== null) {
    cx.change(p, 'rejected', REASON[refusal.reason], refusal.detail);
    return;
  }
  if (ins.payee_currency !== ins.currency && !price(cx, p)) return;
  if (s?.hit) {
    const c = openCase(cx.s.cases.length + 1, ins.uetr, s, cx.now);
    cx.s.cases.push(c);
    p.case_id = c.id;
    cx.change(p, 'held', undefined, holdDetail(c));
  } else {
    cx.change(p, 'screened', undefined, s === null ? 'not screened' : `no hit (list ${s.list_version})`);
    settleOrWarehouse(cx, p);
  }
  watchSettleBy(cx, p);
}

/** Fixes the PvP leg; false when the payment was rejected instead. */
function price(cx: CommandContext, p: Payment): boolean {
  if (cx.rules_version >= 3) return priceRules3(cx, p);
  const s = cx.s;
  const view: PricingView = {
    participants: s.participants,
    participant: (id) => s.byId.get(id),
    available: (q, currency) => s.available(q, currency),
    crossRate: (from, to, date) => s.rates().crossRate(from, to, date),
    quoteLock: (id) => s.quoteLocks.get(id),
  };
  const pricing = pricePayment(p.instruction, view, cx.now);
  if (pricing.consumed_lock !== null) s.quoteLocks.delete(pricing.consumed_lock);
  if (!pricing.outcome.ok) {
    cx.change(p, 'rejected', pricing.outcome.reason, pricing.outcome.detail);
    return false;
  }
  p.fx = pricing.outcome.fx;
  return true;
}

function newPayment(cx: CommandContext, ins: Payment['instruction'], by: string): Payment {
  const s = cx.s;
  const p: Payment = {
    instruction: ins,
    seq: s.nextSeq++,
    state: 'received',
    history: [],
    window_id: null,
    fx: null,
    transfer_ids: [],
    settled_at_ns: null,
    case_id: null,
    submitted_by: by,
  };
  p.history.push({ state: 'received', at_ns: cx.now });
  cx.changes.push({ uetr: ins.uetr, state: 'received', at_ns: cx.nowDigits });
  s.payments.set(ins.uetr, p);
  return p;
}

function payment(cx: CommandContext, uetr: string): Payment {
  const p = cx.s.payments.get(uetr);
  if (p === undefined) throw new PlatformError('not_found', 'uetr', `no payment ${uetr}`);
  return p;
}

export function cancelPayment(cx: CommandContext, uetr: string, reason: string): unknown {
  const s = cx.s;
  const p = payment(cx, uetr);
  if (p.state !== 'queued' && p.state !== 'held' && p.state !== 'warehoused')
    throw new PlatformError('invalid_state', 'uetr', `a ${p.state} payment cannot be cancelled`);
  if (p.window_id !== null) {
    const w = s.windows[p.window_id - 1]!;
    if (w.state !== 'open') throw new PlatformError('invalid_state', 'uetr', `its window ${w.id} is ${w.state}`);
    w.uetrs = w.uetrs.filter((u) => u !== uetr);
    p.window_id = null;
  }
  if (p.case_id !== null) s.cases[p.case_id - 1] = withdrawCase(s.cases[p.case_id - 1]!);
  cx.change(p, 'cancelled', reason);
  return paymentView(p);
}

export function returnPayment(cx: CommandContext, uetr: string, reason: string): unknown {
  const s = cx.s;
  const p = payment(cx, uetr);
  if (p.state !== 'settled') throw new PlatformError('invalid_state', 'uetr', `only a settled payment can be returned; this one is ${p.state}`);
  if (p.fx !== null) throw new PlatformError('invalid_state', 'uetr', 'a PvP payment is returned by a new payment in the other direction');
  const ins = p.instruction;
  const payer = s.byId.get(ins.payer)!;
  const payee = s.byId.get(ins.payee)!;
  const c = memberCurrency(ins.currency);
  const applied = cx.applyTransfers((ids) => {
    const t = ledgerTransfer(
      ids(),
      settlementAccountOf(payee, c.code),
      settlementAccountOf(payer, c.code),
      ins.amount_minor,
      c.numeric,
      TRANSFER_CODE.return_payment,
      0,
    );
    t.user_data_128 = uetrBits(uetr);
    return [t];
  });
  if (!applied.accepted) throw new PlatformError('insufficient_funds', 'uetr', `${payee.id} cannot fund the return: ${RESULT_CODES[applied.results[0]!]}`);
  p.transfer_ids.push(applied.plan[0]!.id);
  cx.change(p, 'returned', reason);
  cx.markDirty(payer, c.code);
  return paymentView(p);
}

export function decideCase(cx: CommandContext, id: number, officer: string, decision: CaseDecision, note: string): unknown {
  const s = cx.s;
  const step = decideCaseRule(s.cases[id - 1], id, officer, decision, note, cx.now);
  if (step.kind === 'refused') throw new PlatformError(step.refusal.code, step.refusal.field, step.refusal.message);
  const c = step.case;
  s.cases[id - 1] = c;
  if (step.kind === 'proposed') return { case: caseView(c), effective: false, waiting_for: 'a second officer to confirm' };
  const p = payment(cx, c.uetr);
  if (p.state !== 'held') return { case: caseView(c), effective: true, payment_state: p.state };
  if (c.status === 'rejected') {
    cx.change(p, 'rejected', REASON.regulatory, `compliance case ${c.id}: rejected by ${c.decided_by.join(' and ')}`);
  } else {
    cx.change(p, 'screened', undefined, `compliance case ${c.id}: released by ${c.decided_by.join(' and ')}`);
    if (cx.rules_version >= 3) settleOrWarehouse(cx, p);
    else if (pastCutoff(s.day, p.instruction.currency, cx.now)) cx.change(p, 'rejected', REASON.cut_off, `after the ${p.instruction.currency} cut-off`);
    else route(cx, p);
  }
  return { case: caseView(c), effective: true, payment_state: p.state };
}

/** The instruction as far as it could be read, for a payment rejected by its checks. */
/**
 * What a rejected instruction asked, as far as it reads. Rules version 1 kept no
 * amount (0); from version 2 the record keeps the instructed amount whenever it
 * reads in its currency's minor units (any ISO 4217 currency), so a rejection
 * never shows a payment of 0.
 */
function rawInstruction(raw: Record<string, unknown>, uetr: string, rules_version: number): Payment['instruction'] {
  const s = (k: string): string => (typeof raw[k] === 'string' ? (raw[k] as string).slice(0, 140) : '');
  return {
    uetr,
    end_to_end_id: s('end_to_end_id'),
    payer: s('payer'),
    payee: s('payee'),
    currency: s('currency'),
    amount_minor: rules_version >= 2 ? instructedAmount(s('currency'), raw.amount) : 0n,
    payee_currency: s('payee_currency') || s('currency'),
    value_date: s('value_date'),
    priority: raw.priority === 'urgent' ? 'urgent' : 'normal',
    settlement: raw.settlement === 'dns' ? 'dns' : 'rtgs',
  };
}

/** The instructed amount in minor units of `currency`, or 0 when either does not read. */
function instructedAmount(currency: string, amount: unknown): bigint {
  const info = CURRENCIES.get(currency);
  if (info === undefined || typeof amount !== 'string') return 0n;
  try {
    const v = parseScaled(amount, info.minor_units, 'amount');
    return v > 0n && v <= U128_MAX ? v : 0n;
  } catch {
    return 0n;
  }
}
