// The platform's state between commands: participants, payments, queues,
// windows, days, cases, facilities, swap lines, quotes and the audit trail, with
// the read surface the facade and the views use, and the snapshot of it all.
// Commands change it through the command modules (*_commands.ts, settlement.ts),
// which apply the rules' plans through ./context.ts.

import { cutoffOf } from '../clearing/business_day.js';
import { ACCOUNT_KIND, accountId, PLATFORM_TRANSFER_ID_BASE, settlementAccountOf } from '../clearing/accounts.js';
import { LsmSolutionMemo } from '../clearing/lsm_memo.js';
import { RtgsQueue, queueKey } from '../clearing/rtgs.js';
import type { BusinessDay, Participant, Payment, SettlementWindow } from '../clearing/types.js';
import type { CalendarEntry } from '../clearing/currency_day.js';
import type { ComplianceCase } from '../compliance/cases.js';
import type { CreditAccounts, Facility } from '../financing/intraday_credit.js';
import type { SwapLine } from '../financing/swap_lines.js';
import { bookOf, type QuoteLockRecord } from '../fx/quote_locks.js';
import type { QuoteBook, QuoteInput } from '../fx/quotes.js';
import { memberCurrency } from '../fx/iso4217.js';
import type { Rational } from '../fx/rational.js';
import { RateBook } from '../fx/rates.js';
import type { LedgerAccess } from '../journal/command.js';
import type { MinHeap } from '../ledger/heap.js';
import type { Account } from '../ledger/types.js';
import { ApiDirectoryState } from './api_directory.js';
import { PaymentBook } from './payment_book.js';
import type { GovernanceData } from './governance_state.js';
import type { PlatformStateData } from './state_codec.js';
import type { RatePolicy } from '../fx/rate_policy.js';
import type { AnonymousRejection, AuditRecord, CollateralRecord, LsmRun, OperatorAlert, RateRow } from './types.js';

export class PlatformState {
  readonly participants: Participant[] = [];
  readonly byId = new Map<string, Participant>();
  /** currency -> its central bank. */
  readonly issuer = new Map<string, Participant>();
  /** Every payment in arrival order; finished ones are held as compact records (./payment_book.ts), read back as objects. */
  readonly payments = new PaymentBook(() => this.commandLedger !== null);
  readonly anonymousRejections: AnonymousRejection[] = [];
  readonly queues = new Map<string, RtgsQueue>();
  /** Provider key (no:currency) -> payer queues holding PvP payments that wait for that provider's liquidity. */
  readonly pvpWatch = new Map<string, Set<string>>();
  readonly windows: SettlementWindow[] = [];
  readonly openWindowOf = new Map<string, SettlementWindow>();
  day: BusinessDay | null = null;
  readonly days: BusinessDay[] = [];
  readonly cases: ComplianceCase[] = [];
  readonly facilities = new Map<string, Facility>();
  readonly collateral = new Map<string, CollateralRecord[]>();
  /** Imported reference-rate rows (the embedded ones apply until an import). */
  rateRows: RateRow[] = [];
  rateBook: RateBook | null = null;
  /** Rules 3: the scheme's staleness rule as an operator set it (null: DEFAULT_RATE_POLICY). */
  ratePolicy: RatePolicy | null = null;
  /** Rules 3: operator alerts about stale reference rates, oldest first (bounded; see market_commands.ts). */
  rateAlerts: OperatorAlert[] = [];
  /** FX rounding residue of settled conversions not yet booked, per "provider:currency" (less than one minor unit once booked). */
  readonly residues = new Map<string, Rational>();
  readonly audit: AuditRecord[] = [];
  readonly swapLines = new Map<string, SwapLine>();
  /** Live quotes as published (replayed into a QuoteBook after a restore). */
  quoteInputs: QuoteInput[] = [];
  quoteBook: QuoteBook | null = null;
  readonly quoteLocks = new Map<string, QuoteLockRecord>();
  lockSeq = 0;
  bypass_fifo = false;
  /** Whether execute_liquidity_proposal may run (rules version 3; off until an operator sets it). */
  liquidity_execution = false;
  nextSeq = 1;
  /** Commands executed since genesis. */
  commands = 0;
  /** The number of the next platform transfer id (PLATFORM_TRANSFER_ID_BASE + it); only CommandContext.applyPlan (./context.ts) advances it during commands. */
  nextTransferNo = 1n;
  lsm_runs: LsmRun[] = [];
  /** Recent LSM run problems and their solutions (clearing/lsm_memo.ts): not state, only spares solving an equal problem twice; starts empty after a restore (tests swap in one that remembers nothing). */
  lsmMemo = new LsmSolutionMemo();
  /** Payments with a settle_by by that time (rules 3, ./warehouse_commands.ts): derived, rebuilt after a restore. */
  settleByIndex: MinHeap<Payment> | null = null;
  /** Rules 3: operating calendars per currency (./currency_days.ts); empty: one business day for all, as before. */
  readonly calendars = new Map<string, CalendarEntry>();
  /** Whether each currency with a calendar accepted payments at the last command (its openings and closings are found by comparison). */
  readonly calendarAccepting = new Map<string, boolean>();
  /** API users and keys (./api_directory.ts). */
  readonly apiDirectory = new ApiDirectoryState();
  /** The scheme's versions, proposals and signing keys (./governance_state.ts); null until the first governance command. */
  governance: GovernanceData | null = null;
  /** Set by a command whose journaled act cannot be genuine (a signature that does not verify); read by verify, reset per command. */
  integrityProblemText: string | null = null;
  /** The ledger of the command running, null between commands. */
  commandLedger: LedgerAccess | null = null;
  /** Set by the facade for queries outside commands. */
  machine: { lookupAccount(id: bigint): Account | undefined } | null = null;

  // ---- the scheme as instruction checks see it ------------------------------------------------

  participant(id: string): Participant | undefined {
    return this.byId.get(id);
  }

  currencyActive(code: string): boolean {
    return this.issuer.has(code);
  }

  get business_date(): string | null {
    return this.day !== null && this.day.state === 'open' ? this.day.date : null;
  }

  centralBankOf(currency: string): Participant | undefined {
    return this.issuer.get(currency);
  }

  cutoffOf(currency: string): bigint {
    return cutoffOf(this.day, currency);
  }

  // ---- balances -------------------------------------------------------------------------------

  settlementAccount(p: Participant, currency: string): bigint {
    return settlementAccountOf(p, currency);
  }

  /** Posted credits - posted debits - pending debits of a participant's settlement account. */
  available(p: Participant, currency: string): bigint {
    const id = this.settlementAccount(p, currency);
    const a = this.commandLedger?.machine.lookupAccount(id) ?? this.machine?.lookupAccount(id);
    if (a === undefined) return 0n;
    return a.credits_posted - a.debits_posted - a.debits_pending;
  }

  // ---- intraday credit -----------------------------------------------------------------------

  /** A participant's intraday-credit facility in a currency. */
  facilityOf(participant: string, currency: string): Facility | undefined {
    return this.facilities.get(facilityKey(participant, currency));
  }

  /** Stores a facility record (records are replaced, never changed in place). */
  putFacility(f: Facility): void {
    this.facilities.set(facilityKey(f.participant, f.currency), f);
  }

  /** The two ledger accounts a participant's facility in `currency` moves money between. */
  creditAccounts(p: Participant, currency: string): CreditAccounts {
    const c = memberCurrency(currency);
    return {
      credit_account_id: accountId(p.no, c.numeric, ACCOUNT_KIND.intraday_credit),
      settlement_account_id: this.settlementAccount(p, c.code),
      ledger: c.numeric,
    };
  }

  positions(): Array<{ participant: string; currency: string; balance_minor: bigint }> {
    const out: Array<{ participant: string; currency: string; balance_minor: bigint }> = [];
    for (const p of this.participants) {
      for (const c of p.currencies) {
        if (p.issues === c) continue;
        out.push({ participant: p.id, currency: c, balance_minor: this.available(p, c) });
      }
    }
    return out;
  }

  /** The first id the next plan's transfers get. */
  get nextTransferId(): bigint {
    return PLATFORM_TRANSFER_ID_BASE + this.nextTransferNo;
  }

  // ---- rates and quotes -----------------------------------------------------------------------

  rates(): RateBook {
    if (this.rateBook === null) {
      this.rateBook =
        this.rateRows.length === 0
          ? RateBook.reference()
          : RateBook.fromRows(
              this.rateRows.map((r, i) => ({ line: i + 1, row: { currency: r.currency, units_per_usd: r.units_per_usd, date: r.date, source: r.source } })),
              {},
              'platform rates',
            );
    }
    return this.rateBook;
  }

  quotes(): QuoteBook {
    if (this.quoteBook === null) this.quoteBook = bookOf(this.quoteInputs);
    return this.quoteBook;
  }

  // ---- queues ---------------------------------------------------------------------------------

  queueOf(p: Participant, currency: string): RtgsQueue {
    const key = queueKey(p.no, currency);
    let q = this.queues.get(key);
    if (q === undefined) {
      q = new RtgsQueue();
      this.queues.set(key, q);
    }
    return q;
  }

  /** Queued payments of a participant in a currency, in queue order (urgent first, then FIFO). */
  queueOfParticipant(id: string, currency: string): Payment[] {
    const p = this.byId.get(id);
    if (p === undefined) return [];
    return this.queues.get(queueKey(p.no, currency))?.live((x) => x.state === 'queued') ?? [];
  }

  allQueued(): Payment[] {
    const out: Payment[] = [];
    for (const q of this.queues.values()) for (const p of q.live((x) => x.state === 'queued')) out.push(p);
    return out.sort((a, b) => a.seq - b.seq);
  }

  // ---- snapshots --------------------------------------------------------------------------------

  protected snapshotData(): PlatformStateData {
    return {
      participants: this.participants,
      payments: { length: this.payments.size, [Symbol.iterator]: () => this.payments.values() },
      anonymous_rejections: this.anonymousRejections,
      queues: [...this.queues].map(([k, q]) => [k, q.live((p) => p.state === 'queued').map((p) => p.instruction.uetr)]),
      windows: this.windows,
      days: this.days,
      cases: this.cases,
      facilities: [...this.facilities.values()],
      collateral: [...this.collateral],
      rate_rows: this.rateRows,
      residues: [...this.residues].map(([c, r]) => [c, r.num, r.den]),
      audit: this.audit,
      lsm_runs: this.lsm_runs,
      swap_lines: [...this.swapLines.values()],
      quote_inputs: this.quoteInputs,
      quote_locks: [...this.quoteLocks.values()],
      lock_seq: this.lockSeq,
      pvp_watch: [...this.pvpWatch].map(([k, v]) => [k, [...v]]),
      bypass_fifo: this.bypass_fifo,
      liquidity_execution: this.liquidity_execution,
      next_seq: this.nextSeq,
      commands: this.commands,
      next_transfer_no: this.nextTransferNo,
      rate_policy: this.ratePolicy,
      rate_alerts: this.rateAlerts,
      api_directory: this.apiDirectory.data(),
      calendars: [...this.calendars.values()],
      calendar_accepting: [...this.calendarAccepting],
      governance: this.governance,
    };
  }

  protected loadData(d: PlatformStateData): void {
    this.participants.length = 0;
    this.byId.clear();
    this.issuer.clear();
    for (const p of d.participants) {
      this.participants.push(p);
      this.byId.set(p.id, p);
      if (p.issues !== null) this.issuer.set(p.issues, p);
    }
    this.payments.clear();
    for (const p of d.payments) this.payments.set(p.instruction.uetr, p);
    this.settleByIndex = null;
    this.anonymousRejections.splice(0, this.anonymousRejections.length, ...d.anonymous_rejections);
    this.queues.clear();
    for (const [k, uetrs] of d.queues) {
      const q = new RtgsQueue();
      for (const u of uetrs) q.push(this.payments.get(u)!);
      this.queues.set(k, q);
    }
    this.windows.splice(0, this.windows.length, ...d.windows);
    this.openWindowOf.clear();
    for (const w of this.windows) if (w.state === 'open') this.openWindowOf.set(w.currency, w);
    this.days.splice(0, this.days.length, ...d.days);
    this.day = this.days[this.days.length - 1] ?? null;
    this.cases.splice(0, this.cases.length, ...d.cases);
    this.facilities.clear();
    for (const f of d.facilities) this.putFacility(f);
    this.collateral.clear();
    for (const [k, v] of d.collateral) this.collateral.set(k, v);
    this.rateRows = d.rate_rows;
    this.rateBook = null;
    this.residues.clear();
    for (const [c, num, den] of d.residues) this.residues.set(c, { num, den });
    this.audit.splice(0, this.audit.length, ...d.audit);
    this.lsm_runs = d.lsm_runs;
    this.swapLines.clear();
    for (const l of d.swap_lines) this.swapLines.set(l.terms.id, l);
    this.quoteInputs = d.quote_inputs;
    this.quoteBook = null;
    this.quoteLocks.clear();
    for (const l of d.quote_locks) this.quoteLocks.set(l.id, l);
    this.lockSeq = d.lock_seq;
    this.pvpWatch.clear();
    for (const [k, v] of d.pvp_watch) this.pvpWatch.set(k, new Set(v));
    this.bypass_fifo = d.bypass_fifo;
    this.liquidity_execution = d.liquidity_execution;
    this.nextSeq = d.next_seq;
    this.commands = d.commands;
    this.nextTransferNo = d.next_transfer_no;
    this.ratePolicy = d.rate_policy;
    this.rateAlerts = d.rate_alerts;
    this.apiDirectory.load(d.api_directory);
    this.calendars.clear();
    for (const e of d.calendars) this.calendars.set(e.calendar.currency, e);
    this.calendarAccepting.clear();
    for (const [c, a] of d.calendar_accepting) this.calendarAccepting.set(c, a);
    this.governance = d.governance;
    this.payments.compact();
  }
}

/** Facilities and their collateral are kept per participant and currency. */
export function facilityKey(participant: string, currency: string): string {
  return `${participant}:${currency}`;
}
