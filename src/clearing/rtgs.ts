// RTGS: gross settlement of one payment at a time, with queues and the
// liquidity-saving mechanism's release. Owns the queue order (urgent before
// normal, then arrival order), when a new payment may settle at once instead of
// queueing (bypass), the transfers that settle a payment, how a settlement
// attempt's ledger results read, and the LSM: which queued payments it
// considers and the one linked chain that releases its choice.
//
// The queue rule: a new payment settles at once when covered and nothing of the
// same or higher priority of its payer waits in that currency (unless
// bypass_fifo); otherwise it queues. Every event that adds liquidity to a
// participant re-examines its queue (the platform keeps the list of those).
//
// A payer's queue per currency is an RtgsQueue. Entries leave lazily: a payment
// that settled, was cancelled or rejected elsewhere (an LSM release, a
// cancellation) is skipped and dropped when reached, so removal is O(1) and the
// queue never holds a stale entry at its head for long.
//
// Pure apart from the queue's own bookkeeping: ledger results and balances are
// inputs; the platform submits the transfers and applies the outcome.

import { memberCurrency } from '../fx/iso4217.js';
import { RESULT_CODES, TransferFlags, type Transfer } from '../ledger/types.js';
import { ACCOUNT_KIND, accountId, ledgerTransfer, OPERATOR_NO, settlementAccountOf, TRANSFER_CODE, uetrBits, type IdSource } from './accounts.js';
import { solveLsm, type LsmPayment } from './lsm.js';
import { pvpLegs } from './pvp.js';
import type { Participant, Payment, Priority } from './types.js';

/** Dropped entries a list may carry before it is compacted. */
const COMPACT_MIN = 1_024;

class Lane {
  items: Payment[] = [];
  head = 0;

  skipDead(isLive: (p: Payment) => boolean): void {
    while (this.head < this.items.length && !isLive(this.items[this.head]!)) this.head++;
    if (this.head >= COMPACT_MIN && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

const queuedOnly = (p: Payment): boolean => p.state === 'queued';

export class RtgsQueue {
  private readonly urgent = new Lane();
  private readonly normal = new Lane();

  push(p: Payment): void {
    (p.instruction.priority === 'urgent' ? this.urgent : this.normal).items.push(p);
  }

  /** Whether a queued payment of `priority` or higher waits (a new one may not overtake it under FIFO). */
  hasAtOrAbove(priority: Priority): boolean {
    this.urgent.skipDead(queuedOnly);
    if (this.urgent.head < this.urgent.items.length) return true;
    if (priority === 'urgent') return false;
    this.normal.skipDead(queuedOnly);
    return this.normal.head < this.normal.items.length;
  }

  /**
   * Tries queued payments in queue order. Under FIFO the first one that cannot
   * settle stops the examination (nothing behind it may overtake); with bypass
   * the rest are still tried. `trySettle` returns true when the payment left the
   * queue (settled, or rejected as impossible).
   */
  examine(bypass: boolean, isLive: (p: Payment) => boolean, trySettle: (p: Payment) => boolean): void {
    for (const lane of [this.urgent, this.normal]) {
      lane.skipDead(isLive);
      for (let i = lane.head; i < lane.items.length; i++) {
        const p = lane.items[i]!;
        if (!isLive(p)) continue;
        if (trySettle(p)) continue;
        if (!bypass) {
          lane.skipDead(isLive);
          return;
        }
      }
      lane.skipDead(isLive);
    }
  }

  /** Whether at least `n` live entries wait; counts only when the lanes' lengths (an upper bound) reach `n`, so a short queue answers at once. */
  holdsAtLeast(n: number, isLive: (p: Payment) => boolean): boolean {
    if (this.urgent.items.length - this.urgent.head + this.normal.items.length - this.normal.head < n) return false;
    let live = 0;
    for (const lane of [this.urgent, this.normal]) {
      lane.skipDead(isLive);
      for (let i = lane.head; i < lane.items.length; i++) if (isLive(lane.items[i]!) && ++live >= n) return true;
    }
    return false;
  }

  /** Live entries in queue order. */
  live(isLive: (p: Payment) => boolean): Payment[] {
    const out: Payment[] = [];
    for (const lane of [this.urgent, this.normal]) {
      for (let i = lane.head; i < lane.items.length; i++) if (isLive(lane.items[i]!)) out.push(lane.items[i]!);
    }
    return out;
  }

  /** Calls `fn` with each live entry in queue order (live's entries, without its list). */
  forEachLive(isLive: (p: Payment) => boolean, fn: (p: Payment) => void): void {
    for (const lane of [this.urgent, this.normal]) {
      for (let i = lane.head; i < lane.items.length; i++) if (isLive(lane.items[i]!)) fn(lane.items[i]!);
    }
  }

  clear(): void {
    for (const lane of [this.urgent, this.normal]) {
      lane.items = [];
      lane.head = 0;
    }
  }
}

/** Participant numbers below this have their queue keys kept (QUEUE_KEYS); others are written each time. */
const QUEUE_KEYS_NO_MAX = 1 << 16;
/** Currencies whose queue keys are kept, at most (a query may name any text as a currency). */
const QUEUE_KEYS_CURRENCIES_MAX = 64;
/** Per currency, the queue key of each participant number asked for so far (index: the number). */
const QUEUE_KEYS = new Map<string, string[]>();

/**
 * The key of a payer's queue in a currency: `${participant_no}:${currency}`. Asked twice a
 * settled payment (its payer's queue, its payee's) and then looked up in maps: the same text is
 * given back as the same string, so it is neither written nor hashed again (a string keeps its hash).
 */
export function queueKey(participant_no: number, currency: string): string {
  if (!(participant_no >= 0 && participant_no < QUEUE_KEYS_NO_MAX && Number.isInteger(participant_no))) return `${participant_no}:${currency}`;
  let keys = QUEUE_KEYS.get(currency);
  if (keys === undefined) {
    if (QUEUE_KEYS.size >= QUEUE_KEYS_CURRENCIES_MAX) return `${participant_no}:${currency}`;
    keys = [];
    QUEUE_KEYS.set(currency, keys);
  }
  let key = keys[participant_no];
  if (key === undefined) {
    key = `${participant_no}:${currency}`;
    keys[participant_no] = key;
  }
  return key;
}

/** Whether a new payment may try to settle before queueing: with bypass always, under FIFO only when nothing of its priority or higher waits. */
export function mayOvertake(q: RtgsQueue, priority: Priority, bypass_fifo: boolean): boolean {
  return bypass_fifo || !q.hasAtOrAbove(priority);
}

/** Queue order across queues: urgent first, then arrival. */
export function queueOrder(a: Payment, b: Payment): number {
  return a.instruction.priority === b.instruction.priority ? a.seq - b.seq : a.instruction.priority === 'urgent' ? -1 : 1;
}

/** The read-only view of participants the settlement rules need. */
export interface AccountsView {
  participant(id: string): Participant | undefined;
}

/** The transfers that settle `p` gross: one payment transfer, or the two PvP legs (one linked chain). */
export function settlementTransfers(p: Payment, view: AccountsView, ids: IdSource): Transfer[] {
  if (p.fx !== null) return pvpLegs(p, view, ids);
  const ins = p.instruction;
  const c = memberCurrency(ins.currency);
  const t = ledgerTransfer(
    ids(),
    settlementAccountOf(view.participant(ins.payer)!, c.code),
    settlementAccountOf(view.participant(ins.payee)!, c.code),
    ins.amount_minor,
    c.numeric,
    TRANSFER_CODE.payment,
    0,
  );
  t.user_data_128 = uetrBits(ins.uetr);
  return [t];
}

/** How the ledger answered a settlement attempt. */
export type AttemptOutcome = { kind: 'settled' } | { kind: 'wait' } | { kind: 'impossible'; result: string };

/** A liquidity failure (exceeds_credits, or its chain partner) means wait; any other failure means the payment can never settle. */
export function attemptOutcome(results: Uint8Array): AttemptOutcome {
  for (let i = 0; i < results.length; i++) {
    if (results[i] === 0) continue;
    const name = RESULT_CODES[results[i]!]!;
    if (name === 'exceeds_credits' || name === 'linked_event_failed') continue;
    return { kind: 'impossible', result: name };
  }
  return results.some((x) => x !== 0) ? { kind: 'wait' } : { kind: 'settled' };
}

// ---- liquidity-saving mechanism -----------------------------------------------------------

export interface LsmLimits {
  payments_max: number;
  work_budget: number;
}

export interface LsmChoice {
  /** Queued single-currency payments of the currency, in queue order. */
  queued: Payment[];
  /** The first `payments_max` of them: what the solver saw. */
  considered: Payment[];
  /** Uetrs the solver releases together. */
  settled: string[];
  settled_value: bigint;
  method: string;
}

/** The LSM's choice for one currency: queued payments in queue order, the solver on the participants' balances. */
export function chooseLsmRelease(
  queues: Iterable<[string, RtgsQueue]>,
  currency: string,
  available: (id: string) => bigint,
  bypass_fifo: boolean,
  limits: LsmLimits,
): LsmChoice {
  const queued: Payment[] = [];
  for (const [key, q] of queues) {
    if (!key.endsWith(`:${currency}`)) continue;
    for (const p of q.live((x) => x.state === 'queued')) if (p.fx === null) queued.push(p);
  }
  queued.sort(queueOrder);
  const considered = queued.slice(0, limits.payments_max);
  const ids = new Set<string>();
  for (const p of considered) ids.add(p.instruction.payer).add(p.instruction.payee);
  const participants = [...ids].map((id) => ({ id, balance: available(id), limit: 0n }));
  const payments: LsmPayment[] = considered.map((p) => ({
    id: p.instruction.uetr,
    from: p.instruction.payer,
    to: p.instruction.payee,
    amount: p.instruction.amount_minor,
    priority: p.instruction.priority === 'urgent' ? 1 : 0,
  }));
  const solution =
    considered.length === 0
      ? { settled: [] as string[], settled_value: 0n, method: 'empty' }
      : solveLsm({ participants, payments, fifo: !bypass_fifo }, { work_budget: limits.work_budget });
  return { queued, considered, settled: solution.settled, settled_value: solution.settled_value, method: solution.method };
}

/**
 * The release of `chosen` as one linked chain: every payee is credited from the
 * transit account first, then every payer debited to it, so no intermediate step
 * needs liquidity the final state does not have. Transfer i and n+i belong to
 * payment i.
 */
export function lsmReleaseTransfers(currency: string, chosen: readonly Payment[], view: AccountsView, ids: IdSource): Transfer[] {
  const c = memberCurrency(currency);
  const transit = accountId(OPERATOR_NO, c.numeric, ACCOUNT_KIND.lsm_transit);
  const transfers: Transfer[] = [];
  for (const p of chosen) {
    const t = ledgerTransfer(
      ids(),
      transit,
      settlementAccountOf(view.participant(p.instruction.payee)!, currency),
      p.instruction.amount_minor,
      c.numeric,
      TRANSFER_CODE.lsm_credit,
      TransferFlags.linked,
    );
    t.user_data_128 = uetrBits(p.instruction.uetr);
    transfers.push(t);
  }
  for (const p of chosen) {
    const t = ledgerTransfer(
      ids(),
      settlementAccountOf(view.participant(p.instruction.payer)!, currency),
      transit,
      p.instruction.amount_minor,
      c.numeric,
      TRANSFER_CODE.lsm_debit,
      TransferFlags.linked,
    );
    t.user_data_128 = uetrBits(p.instruction.uetr);
    transfers.push(t);
  }
  transfers[transfers.length - 1]!.flags &= ~TransferFlags.linked;
  return transfers;
}
