// The warehouse as commands drive it (rules version 3; the rules are in
// clearing/warehouse.ts): a payment ready to settle settles, or is warehoused to
// a later business day, or — when the sender's settle_by cannot be met — is
// rejected CUTO; open_day lets the warehoused payments of its date enter
// settlement in arrival order; close_day warehouses what is still queued and
// carries what is held; before every command, payments whose settle_by has
// passed unsettled are rejected CUTO.
//
// A warehoused PvP payment keeps the FX leg priced when it arrived (its rate, its
// quote lock); screening happens on arrival too, so a hit holds it at once. The
// warehouse is bounded by the platform's payments_max: it is a state, not a list.

import { REASON } from '../clearing/reasons.js';
import { closeDisposition, dispositionOf, settleByDetail, type Disposition } from '../clearing/warehouse.js';
import { calendarCloseDisposition, calendarDisposition, currencyState } from '../clearing/currency_day.js';
import type { BusinessDay, Payment } from '../clearing/types.js';
import { withdrawCase } from '../compliance/cases.js';
import { MinHeap } from '../ledger/heap.js';
import type { CommandContext } from './context.js';
import { route } from './settlement.js';
import type { PlatformState } from './state.js';

/** Settles (routes) `p` now, or warehouses it, or rejects it CUTO for its settle_by (clearing/warehouse.ts dispositionOf). */
export function settleOrWarehouse(cx: CommandContext, p: Payment): void {
  const cals = cx.s.calendars;
  const d = cals.size > 0 ? calendarDisposition(p.instruction, cals, cx.s.day, cx.now) : dispositionOf(p.instruction, cx.s.day, cx.now);
  if (d.kind === 'settle') {
    // It settles on the open day, whatever earlier day it was meant for (under calendars: its currency's business date).
    p.instruction.value_date = cals.size > 0 ? businessDateOf(cx, p) : cx.s.day!.date;
    route(cx, p);
  } else if (d.kind === 'warehouse') warehouse(cx, p, d.value_date, d.reason, d.detail);
  else rejectWaiting(cx, p, d.reason, d.detail);
}

/** Under calendars: the business date of the payer's currency now (clearing/currency_day.ts). */
function businessDateOf(cx: CommandContext, p: Payment): string {
  return currencyState(cx.s.calendars, p.instruction.currency, cx.s.day, cx.now)!.business_date;
}

/** The close of `day` for a waiting payment: the platform's rule, or its currency's calendar when the scheme has calendars. */
function closeOf(cx: CommandContext, p: Payment, day: BusinessDay): Disposition {
  return cx.s.calendars.size > 0 ? calendarCloseDisposition(p.instruction, cx.s.calendars, day, cx.now) : closeDisposition(p.instruction, day);
}

export function warehouse(cx: CommandContext, p: Payment, value_date: string, reason: string | undefined, detail: string): void {
  p.instruction.value_date = value_date;
  cx.change(p, 'warehoused', reason, detail);
  const day = cx.s.day;
  if (day !== null) day.warehoused = (day.warehoused ?? 0) + 1;
}

/** Rejects a payment that waits to settle: out of its open window, its compliance case (if any) withdrawn. */
function rejectWaiting(cx: CommandContext, p: Payment, reason: string, detail: string): void {
  const s = cx.s;
  if (p.window_id !== null) {
    const w = s.windows[p.window_id - 1]!;
    if (w.state === 'open') w.uetrs = w.uetrs.filter((u) => u !== p.instruction.uetr);
    p.window_id = null;
  }
  if (p.state === 'held' && p.case_id !== null) s.cases[p.case_id - 1] = withdrawCase(s.cases[p.case_id - 1]!);
  cx.change(p, 'rejected', reason, detail);
}

/**
 * The day `day` has just opened: warehoused payments whose value date is this
 * day or earlier (a day the operator did not open) enter settlement in arrival
 * order, each once (its state leaves `warehoused` for good).
 */
export function releaseWarehouse(cx: CommandContext, day: BusinessDay): number {
  if (cx.s.calendars.size > 0) {
    const n = releaseByCalendar(cx);
    day.released_from_warehouse = (day.released_from_warehouse ?? 0) + n;
    return n;
  }
  const due: Payment[] = [];
  // Live payments, in arrival (seq) order: a warehoused payment is never archived.
  for (const p of cx.s.payments.live()) if (p.state === 'warehoused' && p.instruction.value_date <= day.date) due.push(p);
  for (const p of due) {
    const from = p.instruction.value_date;
    p.instruction.value_date = day.date;
    cx.change(
      p,
      'screened',
      undefined,
      from === day.date ? `out of the warehouse on ${day.date}` : `out of the warehouse on ${day.date} (value date ${from} was not opened)`,
    );
    settleOrWarehouse(cx, p);
  }
  day.released_from_warehouse = (day.released_from_warehouse ?? 0) + due.length;
  return due.length;
}

/**
 * Under calendars: warehoused payments that can settle now (every currency they
 * touch accepts payments, their value date has come) enter settlement in
 * arrival order, each once; the others stay as they are, their history untouched.
 */
export function releaseByCalendar(cx: CommandContext): number {
  const due: Payment[] = [];
  for (const p of cx.s.payments.live())
    if (p.state === 'warehoused' && calendarDisposition(p.instruction, cx.s.calendars, cx.s.day, cx.now).kind === 'settle') due.push(p);
  for (const p of due) {
    cx.change(p, 'screened', undefined, `out of the warehouse: ${p.instruction.currency} open on its business day`);
    settleOrWarehouse(cx, p);
  }
  return due.length;
}

/**
 * At the close of `day`: RTGS payments still queued are warehoused to the next
 * business day, held ones stay held (their case stays open; the value date moves
 * on) — each rejected CUTO instead when its settle_by comes before that day.
 * The detail never names a compliance case: it reaches banks.
 */
export function closeWarehouse(cx: CommandContext, day: BusinessDay): { rejected: number; warehoused: number; held: number } {
  const s = cx.s;
  const out = { rejected: 0, warehoused: 0, held: 0 };
  for (const q of s.queues.values()) {
    for (const p of q.live((x) => x.state === 'queued')) {
      const d = closeOf(cx, p, day);
      if (d.kind === 'warehouse') {
        warehouse(cx, p, d.value_date, d.reason, d.detail);
        out.warehoused++;
      } else if (d.kind === 'reject') {
        rejectWaiting(cx, p, d.reason, d.detail);
        out.rejected++;
      }
    }
    q.clear();
  }
  for (const c of s.cases) {
    const p = s.payments.get(c.uetr)!;
    // A held payment with a later value date is not due yet: nothing to carry.
    if (p.state !== 'held' || p.instruction.value_date > day.date) continue;
    const d = closeOf(cx, p, day);
    if (d.kind === 'reject') {
      rejectWaiting(cx, p, d.reason, d.detail);
      out.rejected++;
    } else if (d.kind === 'warehouse') {
      p.instruction.value_date = d.value_date;
      cx.change(p, 'held', undefined, `still held at the close of ${day.date}: value date moved to ${d.value_date}`);
      out.held++;
    }
  }
  return out;
}

// ---- settle_by ----------------------------------------------------------------------------

/**
 * Payments with a settle_by, earliest first (ties in arrival order): PlatformState.settleByIndex,
 * derived from the payments and never snapshotted. Built on first use after a start
 * or a restore; live payments iterate in arrival order, so a rebuilt heap pops as the live one.
 */
function settleByIndex(s: PlatformState): MinHeap<Payment> {
  if (s.settleByIndex === null) {
    const h = new MinHeap<Payment>();
    for (const p of s.payments.live()) if (p.instruction.settle_by_ns !== undefined && waits(p)) h.push(p.instruction.settle_by_ns, p);
    s.settleByIndex = h;
  }
  return s.settleByIndex;
}

function waits(p: Payment): boolean {
  return p.state === 'queued' || p.state === 'held' || p.state === 'warehoused';
}

/** A payment just submitted with a settle_by joins the index (when it is built). */
export function watchSettleBy(cx: CommandContext, p: Payment): void {
  const ns = p.instruction.settle_by_ns;
  if (ns === undefined || !waits(p)) return;
  cx.s.settleByIndex?.push(ns, p);
}

/** Before a command at cx.now: every waiting payment whose settle_by has passed is rejected CUTO. */
export function expireSettleBy(cx: CommandContext): number {
  const h = settleByIndex(cx.s);
  let n = 0;
  for (let top = h.peek(); top !== undefined && top.key < cx.now; top = h.peek()) {
    h.pop();
    const p = top.value;
    if (!waits(p)) continue;
    rejectWaiting(cx, p, REASON.cut_off, settleByDetail(top.key));
    n++;
  }
  return n;
}
