// One command's run: its time, its ledger, the rules version it runs under, the
// payment changes it reports, the queues it must re-examine — and applyPlan, the
// one place that numbers platform transfers and submits them to the ledger.

import type { IdSource } from '../clearing/accounts.js';
import { queueKey } from '../clearing/rtgs.js';
import type { Participant, Payment, PaymentState } from '../clearing/types.js';
import type { LedgerAccess } from '../journal/command.js';
import type { Transfer } from '../ledger/types.js';
import type { PlatformState } from './state.js';
import type { ChangeEvent, OperatorAlert } from './types.js';

export const PLATFORM_LIMITS = Object.freeze({
  payments_max: 5_000_000,
  /** Rejections without a usable UETR, kept for the record (oldest dropped first). */
  anonymous_rejections_max: 100_000,
  /** Payments one LSM run considers (two transfers each in one linked chain of at most 8,189). */
  lsm_payments_max: 4_094,
  /** Deterministic work bound of one LSM run (no clock inside the state machine). */
  lsm_work_budget: 2_000_000,
  windows_payments_max: 1_000_000,
  audit_max: 1_000_000,
  /**
   * Rules 3: the state's audit trail keeps the latest 50,000 commands (the journal
   * keeps every one): trimmed by the oldest 5,000 at a time once it reaches
   * 55,000, so memory stays flat and a command does not shift the list each time.
   */
  audit_recent_max: 50_000,
  audit_trim: 5_000,
});

/**
 * When a plan's ids count as used. 'if_accepted': only when the ledger accepts
 * every transfer (a refused plan leaves no gap). 'always': whatever the ledger
 * says — the rule of window reservations since the first release, which
 * journaled stores depend on. 'never': the plan's transfers carry ids of their
 * own (a referenced funding, ./liquidity_transfer_ids.ts), none of the counter's.
 */
export type IdUse = 'if_accepted' | 'always' | 'never';

export interface Applied<P> {
  plan: P;
  results: Uint8Array;
  /** Every transfer accepted (also true for an empty plan). */
  accepted: boolean;
}

const NO_RESULTS = new Uint8Array(0);

export class CommandContext {
  readonly changes: ChangeEvent[] = [];
  /** Operator alerts raised by this command (rules 3: stale reference rates). */
  readonly alerts: OperatorAlert[] = [];
  /** Queue keys (participant no:currency) that received liquidity. */
  readonly dirty: string[] = [];

  constructor(
    readonly s: PlatformState,
    readonly ledger: LedgerAccess,
    readonly now: bigint,
    /** The rules version this command runs under: rules that change branch on it. */
    readonly rules_version: number,
  ) {}

  /**
   * Builds a plan with the next platform transfer ids, submits its transfers (an
   * empty plan reaches no ledger) and advances the id counter by the plan's
   * size as `use` says. The only writer of nextTransferNo during commands.
   */
  applyPlan<P>(build: (ids: IdSource) => P, transfersOf: (plan: P) => readonly Transfer[], use: IdUse): Applied<P> {
    const first = this.s.nextTransferId;
    let k = 0n;
    const plan = build(() => first + k++);
    const transfers = transfersOf(plan);
    const results = transfers.length === 0 ? NO_RESULTS : this.ledger.createTransfers(transfers);
    const accepted = results.every((r) => r === 0);
    if (use === 'always' || (use === 'if_accepted' && accepted)) this.s.nextTransferNo += BigInt(transfers.length);
    return { plan, results, accepted };
  }

  /** applyPlan for a plan that is just its transfers. */
  applyTransfers(build: (ids: IdSource) => Transfer[], use: IdUse = 'if_accepted'): Applied<Transfer[]> {
    return this.applyPlan(build, (t) => t, use);
  }

  private nowText: string | null = null;

  /** `now` as decimal digits (as change events carry it), written once per command rather than once per change. */
  get nowDigits(): string {
    this.nowText ??= this.now.toString();
    return this.nowText;
  }

  /** A payment's state change: into its history and the command's report. */
  change(p: Payment, state: PaymentState, reason?: string, detail?: string): void {
    p.state = state;
    const h: Payment['history'][number] = { state, at_ns: this.now };
    if (reason !== undefined) h.reason = reason;
    if (detail !== undefined) h.detail = detail;
    p.history.push(h);
    this.s.payments.changed(p);
    const ev: ChangeEvent = { uetr: p.instruction.uetr, state, at_ns: this.nowDigits };
    if (reason !== undefined) ev.reason = reason;
    if (detail !== undefined) ev.detail = detail;
    this.changes.push(ev);
  }

  /** `p` received liquidity in `currency`: its queue, and queues waiting for it as a PvP provider, are re-examined. */
  markDirty(p: Participant, currency: string): void {
    const key = queueKey(p.no, currency);
    if (this.s.queues.has(key)) this.dirty.push(key);
    const watchers = this.s.pvpWatch.get(key);
    if (watchers !== undefined) {
      this.s.pvpWatch.delete(key);
      for (const k of watchers) this.dirty.push(k);
    }
  }

  rememberRejection(uetr: string | null, reason: string, field: string, detail: string): void {
    const list = this.s.anonymousRejections;
    if (list.length >= PLATFORM_LIMITS.anonymous_rejections_max) list.shift();
    list.push({ at_ns: this.now, uetr, reason, field, detail });
    if (uetr !== null) this.changes.push({ uetr, state: 'rejected', at_ns: this.nowDigits, reason, detail });
  }
}
