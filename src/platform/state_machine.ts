// The platform state machine: participants and their accounts, payment
// instructions and their lifecycle, the RTGS queue with its liquidity-saving
// mechanism, deferred net settlement windows, payment-versus-payment, intraday
// credit, the business day and compliance cases. It is the journal's
// CommandExecutor: each command runs deterministically against this state and the
// ledger state machine together, in one journal entry, so replay rebuilds both.
//
// Invariants (asserted where cheap, property-tested in test/platform_*.test.ts):
//  - money moves only by ledger transfers, so value is conserved per currency;
//  - a payment settles at most once: `settled` is final except by a return, and
//    its transfers are created in one linked chain (both PvP legs, or a whole LSM
//    release, or a whole window) or not at all;
//  - settlement accounts never go below zero (the ledger's
//    debits_must_not_exceed_credits), intraday credit never beyond its line;
//  - every state change of a payment is in its history with time and reason.
//
// Queue rule: urgent before normal, then arrival order (FIFO). A new payment
// settles at once when covered and nothing of the same or higher priority of its
// payer waits in that currency (unless bypass_fifo); otherwise it queues. Every
// event that adds liquidity to a participant re-examines its queue.

import { add, rational, roundQuotient, sub, type Rational, ZERO } from '../fx/rational.js';
import { memberCurrency, type CurrencyInfo } from '../fx/iso4217.js';
import { PairConverter } from '../fx/convert.js';
import { RateBook } from '../fx/rates.js';
import { DEFAULT_LOCK_SECONDS, QuoteBook, type QuoteInput } from '../fx/quotes.js';
import { REFERENCE_RATES } from '../fx/reference_data.js';
import { creditLine, emptyPool, registerItem, type CollateralKind } from '../financing/collateral.js';
import { FINANCING_TRANSFER_CODES, ledgerTransfer } from '../financing/intraday_credit.js';
import { drawSwap, openSwapLine, unwindAtMaturity, remaining, type DayCount, type SwapLine } from '../financing/swap_lines.js';
import { parseDecimal } from '../fx/rational.js';
import { solveLsm, type LsmPayment } from '../clearing/lsm.js';
import { netPositions } from '../clearing/netting.js';
import type { CommandExecutor, CommandOutput as CommandOutputBytes, LedgerAccess } from '../journal/command.js';
import { AccountFlags, TransferFlags, emptyAccount, RESULT_CODES, type Account, type Transfer } from '../ledger/types.js';
import { ACCOUNT_KIND, accountId, OPERATOR_NO, PARTICIPANTS_MAX, PLATFORM_TRANSFER_ID_BASE, TRANSFER_CODE } from './accounts.js';
import { decodeCommand, type Command } from './commands.js';
import { PlatformError, REASON } from './errors.js';
import { checkInstruction, type SchemeView } from './instruction.js';
import { RtgsQueue } from './rtgs_queue.js';
import { decodePlatformState, encodePlatformState, readsPlatformState, type PlatformStateData } from './state_codec.js';
import type {
  BusinessDay,
  ComplianceCase,
  Facility,
  Participant,
  Payment,
  PaymentState,
  QuoteLockRecord,
  ScreeningOutcome,
  SettlementWindow,
} from './types.js';

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
});

/** One payment's state change, as reported to the shell (events, pacs.002). */
export interface ChangeEvent {
  uetr: string;
  state: PaymentState;
  at_ns: string;
  reason?: string;
  detail?: string;
}

export interface CommandOutput {
  ok: boolean;
  error?: { code: string; field: string; message: string };
  result?: unknown;
  changes: ChangeEvent[];
}

export interface AuditRecord {
  at_ns: bigint;
  by: string;
  action: string;
  target: string;
  ok: boolean;
}

export interface AnonymousRejection {
  at_ns: bigint;
  uetr: string | null;
  reason: string;
  field: string;
  detail: string;
}

const LINKED = TransferFlags.linked;

export class PlatformStateMachine implements CommandExecutor, SchemeView {
  readonly participants: Participant[] = [];
  private readonly byId = new Map<string, Participant>();
  /** currency -> its central bank. */
  private readonly issuer = new Map<string, Participant>();
  readonly payments = new Map<string, Payment>();
  readonly anonymousRejections: AnonymousRejection[] = [];
  private readonly queues = new Map<string, RtgsQueue>();
  /** Provider key (no:currency) -> payer queues holding PvP payments that wait for that provider's liquidity. */
  private readonly pvpWatch = new Map<string, Set<string>>();
  readonly windows: SettlementWindow[] = [];
  private readonly openWindowOf = new Map<string, SettlementWindow>();
  day: BusinessDay | null = null;
  readonly days: BusinessDay[] = [];
  readonly cases: ComplianceCase[] = [];
  readonly facilities = new Map<string, Facility>();
  readonly collateral = new Map<string, Array<{ id: string; kind: string; currency: string; market_value_minor: bigint; haircut_bp: number }>>();
  /** Imported reference-rate rows (the embedded ones apply until an import). */
  rateRows: Array<{ currency: string; units_per_usd: string; date: string; source: string; file: string }> = [];
  private rateBook: RateBook | null = null;
  /** FX rounding residue of settled conversions not yet booked, per "provider:currency" (less than one minor unit once booked). */
  readonly residues = new Map<string, Rational>();
  readonly audit: AuditRecord[] = [];
  readonly swapLines = new Map<string, SwapLine>();
  /** Live quotes as published (replayed into a QuoteBook after a restore). */
  quoteInputs: QuoteInput[] = [];
  private quoteBook: QuoteBook | null = null;
  readonly quoteLocks = new Map<string, QuoteLockRecord>();
  private lockSeq = 0;
  bypass_fifo = false;
  private nextSeq = 1;
  /** Commands executed since genesis. */
  private commands = 0;
  private nextTransferNo = 1n;
  lsm_runs: Array<{ at_ns: bigint; currency: string; queued: number; released: number; value_minor: bigint }> = [];

  // Per-command scratch.
  private now = 0n;
  private ledger: LedgerAccess | null = null;
  private changes: ChangeEvent[] = [];
  private dirty: string[] = [];

  // ---- CommandExecutor --------------------------------------------------------------------

  /** Version 1: the rules of the first platform release (fbfd236); see CHANGELOG.md. */
  readonly rules_versions = Object.freeze({ oldest: 1, current: 1 });

  execute(command: Buffer, clock_ns: bigint, ledger: LedgerAccess, rules_version: number): CommandOutputBytes {
    if (rules_version < this.rules_versions.oldest || rules_version > this.rules_versions.current) {
      throw new Error(`rules version ${rules_version} is not one this binary runs (${this.rules_versions.oldest}..${this.rules_versions.current})`);
    }
    this.commands++;
    this.now = clock_ns;
    this.ledger = ledger;
    this.changes = [];
    this.dirty = [];
    let out: CommandOutput;
    let cmd: Command | null = null;
    try {
      cmd = decodeCommand(JSON.parse(command.toString('utf8')));
      const result = this.run(cmd);
      this.drainDirty();
      out = { ok: true, result, changes: this.changes };
    } catch (err) {
      if (!(err instanceof PlatformError)) throw err;
      // Refusals are checked before anything changes; what changed before a refusal
      // inside a multi-step command (queue releases) is kept and reported.
      this.drainDirty();
      out = { ok: false, error: { code: err.code, field: err.field, message: err.message }, changes: this.changes };
    }
    if (cmd !== null) this.record(cmd, out.ok);
    this.ledger = null;
    // The value handed back must read exactly like the bytes parsed: when the output
    // holds no bigint (the common case, e.g. payment submissions) it is the object
    // itself, otherwise the parsed bytes (bigints as decimal strings).
    let text: string;
    let value: unknown;
    try {
      text = JSON.stringify(out);
      value = out;
    } catch {
      text = JSON.stringify(out, bigintJson);
      value = JSON.parse(text);
    }
    return Object.assign(Buffer.from(text), { value });
  }

  /** Empty until the first command: a ledger-only store snapshots the same with or without a platform. */
  encodeState(): Buffer {
    if (this.commands === 0) return Buffer.alloc(0);
    return encodePlatformState(this.snapshotData());
  }

  readsState(state: Buffer): boolean {
    return readsPlatformState(state);
  }

  restoreState(state: Buffer): void {
    this.loadData(decodePlatformState(state));
  }

  // ---- SchemeView ---------------------------------------------------------------------------

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

  // ---- dispatch -------------------------------------------------------------------------------

  private run(cmd: Command): unknown {
    switch (cmd.type) {
      case 'register_participant':
        return this.registerParticipant(cmd);
      case 'fund':
        return this.fund(cmd.participant, cmd.currency, cmd.amount, true);
      case 'defund':
        return this.fund(cmd.participant, cmd.currency, cmd.amount, false);
      case 'submit_payments':
        return this.submitPayments(cmd.payments, cmd.screening, cmd.by);
      case 'cancel_payment':
        return this.cancelPayment(cmd.uetr, cmd.reason || 'CUST');
      case 'return_payment':
        return this.returnPayment(cmd.uetr, cmd.reason || 'NARR');
      case 'decide_case':
        return this.decideCase(cmd.case_id, cmd.by, cmd.decision, cmd.note);
      case 'run_lsm':
        return this.runLsm(this.activeCurrency(cmd.currency, 'currency').code);
      case 'open_window':
        return windowView(this.openWindow(this.activeCurrency(cmd.currency, 'currency').code));
      case 'close_window':
        return this.closeWindow(this.activeCurrency(cmd.currency, 'currency').code);
      case 'open_day':
        return this.openDay(cmd.date, cmd.cutoffs, cmd.default_cutoff);
      case 'close_day':
        return this.closeDay();
      case 'import_rates':
        return this.importRates(cmd.file, cmd.rows);
      case 'set_collateral':
        return this.setCollateral(cmd);
      case 'draw_credit':
        return this.drawCredit(cmd.participant, cmd.currency, cmd.amount);
      case 'open_swap_line':
        return this.openSwap(cmd);
      case 'draw_swap':
        return this.drawSwapLine(cmd.line, cmd.amount);
      case 'unwind_swap':
        return this.unwindSwapLine(cmd.line);
      case 'publish_quote':
        return this.publishQuote(cmd);
      case 'lock_quote':
        return this.lockQuote(cmd.base, cmd.quote, cmd.amount);
      case 'set_config':
        this.bypass_fifo = cmd.bypass_fifo;
        return { bypass_fifo: this.bypass_fifo };
    }
  }

  private record(cmd: Command, ok: boolean): void {
    const target = 'participant' in cmd ? cmd.participant : 'uetr' in cmd ? cmd.uetr : 'currency' in cmd ? cmd.currency : 'id' in cmd ? cmd.id : cmd.type === 'submit_payments' ? `${cmd.payments.length} payments` : '';
    if (this.audit.length >= PLATFORM_LIMITS.audit_max) this.audit.splice(0, this.audit.length - PLATFORM_LIMITS.audit_max + 1);
    this.audit.push({ at_ns: this.now, by: cmd.by, action: cmd.type, target, ok });
  }

  // ---- participants and accounts ---------------------------------------------------------------

  private activeCurrency(code: string, field: string): CurrencyInfo {
    let c: CurrencyInfo;
    try {
      c = memberCurrency(code, field);
    } catch {
      throw new PlatformError('unknown_currency', field, `${JSON.stringify(code)} is not an SCO member currency`);
    }
    if (!this.issuer.has(c.code)) throw new PlatformError('no_central_bank', field, `${c.code} has no central bank on the platform yet`);
    return c;
  }

  private need(id: string, field: string): Participant {
    const p = this.byId.get(id);
    if (p === undefined) throw new PlatformError('unknown_participant', field, `${JSON.stringify(id)} is not a participant`);
    return p;
  }

  private registerParticipant(cmd: Extract<Command, { type: 'register_participant' }>): unknown {
    if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(cmd.id)) throw new PlatformError('invalid_field', 'id', 'must be a BIC (8 or 11 characters, ISO 9362)');
    if (!/^[A-Z]{2}$/.test(cmd.country)) throw new PlatformError('invalid_field', 'country', 'must be an ISO 3166 alpha-2 code');
    if (this.byId.has(cmd.id)) throw new PlatformError('participant_exists', 'id', `${cmd.id} is already a participant`);
    if (this.participants.length >= PARTICIPANTS_MAX) throw new PlatformError('limit_exceeded', 'id', `at most ${PARTICIPANTS_MAX} participants`);
    if (cmd.currencies.length === 0) throw new PlatformError('invalid_field', 'currencies', 'at least one currency');
    const infos = cmd.currencies.map((c, i) => {
      try {
        return memberCurrency(c, `currencies[${i}]`);
      } catch {
        throw new PlatformError('unknown_currency', `currencies[${i}]`, `${JSON.stringify(c)} is not an SCO member currency`);
      }
    });
    if (new Set(infos.map((c) => c.code)).size !== infos.length) throw new PlatformError('invalid_field', 'currencies', 'a currency is listed twice');
    let issues: string | null = null;
    if (cmd.kind === 'central_bank') {
      issues = infos[0]!.code;
      if (this.issuer.has(issues)) throw new PlatformError('central_bank_exists', 'currencies[0]', `${issues} already has a central bank (${this.issuer.get(issues)!.id})`);
    }
    infos.forEach((c, i) => {
      if (c.code !== issues && !this.issuer.has(c.code)) throw new PlatformError('no_central_bank', `currencies[${i}]`, `${c.code} has no central bank on the platform yet`);
    });
    const p: Participant = { id: cmd.id, no: this.participants.length + 1, kind: cmd.kind, name: cmd.name, country: cmd.country, currencies: infos.map((c) => c.code), issues, suspended: false };
    const accounts: Account[] = [];
    for (const c of infos) {
      if (c.code === issues) {
        accounts.push(emptyAccount(accountId(p.no, c.numeric, ACCOUNT_KIND.issuing), c.numeric, ACCOUNT_KIND.issuing, AccountFlags.history));
        for (const kind of [ACCOUNT_KIND.lsm_transit, ACCOUNT_KIND.dns_settlement, ACCOUNT_KIND.fx_residue]) {
          accounts.push(emptyAccount(accountId(OPERATOR_NO, c.numeric, kind), c.numeric, kind));
        }
      } else {
        accounts.push(emptyAccount(accountId(p.no, c.numeric, ACCOUNT_KIND.settlement), c.numeric, ACCOUNT_KIND.settlement, AccountFlags.debits_must_not_exceed_credits | AccountFlags.history));
        accounts.push(emptyAccount(accountId(p.no, c.numeric, ACCOUNT_KIND.intraday_credit), c.numeric, ACCOUNT_KIND.intraday_credit));
      }
    }
    const results = this.ledger!.createAccounts(accounts);
    const bad = results.findIndex((r) => r !== 0);
    if (bad >= 0) throw new PlatformError('ledger_refused', 'id', `the ledger refused account ${accounts[bad]!.id}: ${RESULT_CODES[results[bad]!]}`);
    this.participants.push(p);
    this.byId.set(p.id, p);
    if (issues !== null) this.issuer.set(issues, p);
    return participantView(p);
  }

  settlementAccount(p: Participant, currency: string): bigint {
    return accountId(p.no, memberCurrency(currency).numeric, p.issues === currency ? ACCOUNT_KIND.issuing : ACCOUNT_KIND.settlement);
  }

  /** Posted credits - posted debits - pending debits of a participant's settlement account. */
  available(p: Participant, currency: string): bigint {
    const a = this.ledger?.machine.lookupAccount(this.settlementAccount(p, currency)) ?? this.machineAccount(p, currency);
    if (a === undefined) return 0n;
    return a.credits_posted - a.debits_posted - a.debits_pending;
  }

  /** Set by the facade for queries outside commands. */
  machine: { lookupAccount(id: bigint): Account | undefined } | null = null;

  private machineAccount(p: Participant, currency: string): Account | undefined {
    return this.machine?.lookupAccount(this.settlementAccount(p, currency));
  }

  private amount(text: string, c: CurrencyInfo, field: string): bigint {
    let v: bigint;
    try {
      v = BigInt(0) + parseScaledChecked(text, c.minor_units);
    } catch {
      throw new PlatformError('invalid_field', field, `${JSON.stringify(text)} is not an amount in ${c.code} (at most ${c.minor_units} decimals)`);
    }
    if (v <= 0n) throw new PlatformError('invalid_field', field, 'must be greater than zero');
    return v;
  }

  private fund(participant: string, currency: string, amountText: string, inward: boolean): unknown {
    const p = this.need(participant, 'participant');
    const c = this.activeCurrency(currency, 'currency');
    if (p.issues === c.code) throw new PlatformError('invalid_state', 'participant', 'a central bank issues its own currency; it is not funded');
    if (!p.currencies.includes(c.code)) throw new PlatformError('unknown_currency', 'currency', `${p.id} holds no ${c.code} account`);
    const amount = this.amount(amountText, c, 'amount');
    const cb = this.issuer.get(c.code)!;
    const issuing = accountId(cb.no, c.numeric, ACCOUNT_KIND.issuing);
    const settlement = this.settlementAccount(p, c.code);
    const t = this.transfer(inward ? issuing : settlement, inward ? settlement : issuing, amount, c.numeric, inward ? TRANSFER_CODE.funding : TRANSFER_CODE.defunding, 0);
    const r = this.ledger!.createTransfers([t]);
    if (r[0] !== 0) {
      const name = RESULT_CODES[r[0]!];
      if (name === 'exceeds_credits') throw new PlatformError('insufficient_funds', 'amount', `${p.id} has ${this.available(p, c.code)} ${c.code} minor units available`);
      throw new PlatformError('ledger_refused', 'amount', `the ledger refused the transfer: ${name}`);
    }
    this.nextTransferNo++;
    if (inward) this.markDirty(p, c.code);
    return { participant: p.id, currency: c.code, available_minor: this.available(p, c.code), transfer_id: t.id };
  }

  /** The next platform transfer (id = base + next number + offset; the number advances only when the ledger accepts). */
  private transfer(debit: bigint, credit: bigint, amount: bigint, ledger: number, code: number, flags: number, offset = 0n): Transfer {
    return ledgerTransfer(PLATFORM_TRANSFER_ID_BASE + this.nextTransferNo + offset, debit, credit, amount, ledger, code, 0n, flags);
  }

  // ---- payments ----------------------------------------------------------------------------------

  private change(p: Payment, state: PaymentState, reason?: string, detail?: string): void {
    p.state = state;
    const h: Payment['history'][number] = { state, at_ns: this.now };
    if (reason !== undefined) h.reason = reason;
    if (detail !== undefined) h.detail = detail;
    p.history.push(h);
    const ev: ChangeEvent = { uetr: p.instruction.uetr, state, at_ns: this.now.toString() };
    if (reason !== undefined) ev.reason = reason;
    if (detail !== undefined) ev.detail = detail;
    this.changes.push(ev);
  }

  private submitPayments(raws: Record<string, unknown>[], screening: (ScreeningOutcome | null)[], by: string): unknown {
    const results: Array<{ uetr: string | null; state: PaymentState; reason?: string; field?: string; detail?: string }> = [];
    raws.forEach((raw, i) => {
      const field = `payments[${i}]`;
      const check = checkInstruction(raw, this, field);
      if (!check.ok) {
        const { reason, field: f, detail } = check.rejection;
        const dup = check.uetr !== null && this.payments.has(check.uetr);
        if (check.uetr === null || dup) {
          this.rememberRejection(check.uetr, reason, f, detail);
        } else {
          const p = this.newPayment(rawInstruction(raw, check.uetr), by);
          this.change(p, 'rejected', reason, detail);
        }
        results.push({ uetr: check.uetr, state: 'rejected', reason, field: f, detail });
        return;
      }
      const ins = check.instruction;
      if (this.payments.has(ins.uetr)) {
        this.rememberRejection(ins.uetr, REASON.duplicate, `${field}.uetr`, 'this UETR was already submitted');
        results.push({ uetr: ins.uetr, state: 'rejected', reason: REASON.duplicate, field: `${field}.uetr`, detail: 'duplicate UETR' });
        return;
      }
      if (this.payments.size >= PLATFORM_LIMITS.payments_max) throw new PlatformError('limit_exceeded', field, `the platform holds at most ${PLATFORM_LIMITS.payments_max} payments`);
      const p = this.newPayment(ins, by);
      this.change(p, 'validated');
      const cutoff = this.cutoffOf(ins.currency);
      if (this.now > cutoff) {
        this.change(p, 'rejected', REASON.cut_off, `after the ${ins.currency} cut-off`);
      } else if (ins.payee_currency !== ins.currency && !this.priceFx(p)) {
        // priceFx recorded the rejection.
      } else {
        const s = screening[i] ?? null;
        if (s !== null && s.hit) {
          const c: ComplianceCase = { id: this.cases.length + 1, uetr: ins.uetr, opened_at_ns: this.now, screening: s, status: 'open', proposal: null, decided_by: [], decided_at_ns: null };
          this.cases.push(c);
          p.case_id = c.id;
          this.change(p, 'held', undefined, `screening hit ${s.score.toFixed(3)} (list ${s.list_version}); case ${c.id}`);
        } else {
          this.change(p, 'screened', undefined, s === null ? 'not screened' : `no hit (list ${s.list_version})`);
          this.route(p);
        }
      }
      const last = p.history[p.history.length - 1]!;
      const r: (typeof results)[number] = { uetr: ins.uetr, state: p.state };
      if (last.reason !== undefined) r.reason = last.reason;
      results.push(r);
    });
    return { payments: results };
  }

  private rememberRejection(uetr: string | null, reason: string, field: string, detail: string): void {
    if (this.anonymousRejections.length >= PLATFORM_LIMITS.anonymous_rejections_max) this.anonymousRejections.shift();
    this.anonymousRejections.push({ at_ns: this.now, uetr, reason, field, detail });
    if (uetr !== null) this.changes.push({ uetr, state: 'rejected', at_ns: this.now.toString(), reason, detail });
  }

  private newPayment(ins: Payment['instruction'], by: string): Payment {
    const p: Payment = { instruction: ins, seq: this.nextSeq++, state: 'received', history: [], window_id: null, fx: null, transfer_ids: [], settled_at_ns: null, case_id: null, submitted_by: by };
    p.history.push({ state: 'received', at_ns: this.now });
    this.changes.push({ uetr: ins.uetr, state: 'received', at_ns: this.now.toString() });
    this.payments.set(ins.uetr, p);
    return p;
  }

  private cutoffOf(currency: string): bigint {
    const d = this.day;
    if (d === null) return 0n;
    for (const [c, ns] of d.cutoffs) if (c === currency) return ns;
    return 0n;
  }

  /** Fixes the PvP leg: provider and rate (reference cross rate of the business day). False = rejected. */
  private priceFx(p: Payment): boolean {
    const ins = p.instruction;
    let rate: Rational;
    let source: string;
    let lockedProvider: string | null = null;
    if (ins.quote_id !== undefined) {
      const lock = this.quoteLocks.get(ins.quote_id);
      const why =
        lock === undefined ? 'was never issued or has been used'
        : this.now >= lock.expires_at_ns ? `expired at ${lock.expires_at_ns}`
        : lock.base !== ins.currency || lock.quote !== ins.payee_currency ? `is for ${lock.base}/${lock.quote}`
        : lock.amount_minor !== ins.amount_minor ? `locks ${lock.amount_minor} minor units, not ${ins.amount_minor}`
        : null;
      if (why !== null) {
        this.change(p, 'rejected', REASON.narrative, `quote ${ins.quote_id} ${why}`);
        return false;
      }
      this.quoteLocks.delete(ins.quote_id);
      rate = { num: lock!.price_num, den: lock!.price_den };
      source = `quote ${lock!.id} of ${lock!.provider}: ${lock!.price_text} ${lock!.quote} per ${lock!.base}`;
      lockedProvider = lock!.provider;
    } else {
      try {
        const x = this.rates().crossRate(ins.currency, ins.payee_currency, ins.value_date);
        rate = x.rate;
        source = x.legs.map((l) => `${l.currency} ${l.units_per_usd_text}/USD ${l.date} (${l.source})`).join('; ');
      } catch (err) {
        this.change(p, 'rejected', REASON.narrative, `no usable rate ${ins.currency}->${ins.payee_currency}: ${(err as Error).message}`);
        return false;
      }
    }
    const conv = new PairConverter(ins.currency, ins.payee_currency, rate).convert(ins.amount_minor, 'half_even');
    if (conv.amount_minor <= 0n) {
      this.change(p, 'rejected', REASON.invalid_amount, 'converts to zero in the payee currency');
      return false;
    }
    let provider: Participant | undefined;
    const named = lockedProvider ?? ins.fx_provider;
    if (named !== undefined) {
      provider = this.byId.get(named);
      if (provider === undefined || provider.kind !== 'liquidity_provider' || !provider.currencies.includes(ins.currency) || !provider.currencies.includes(ins.payee_currency)) {
        this.change(p, 'rejected', REASON.incorrect_agent, `${named} is not a liquidity provider in ${ins.currency} and ${ins.payee_currency}`);
        return false;
      }
    } else {
      // The provider with the most of the payee currency available; ties by registration order.
      let best = -1n;
      for (const q of this.participants) {
        if (q.kind !== 'liquidity_provider' || !q.currencies.includes(ins.currency) || !q.currencies.includes(ins.payee_currency)) continue;
        const a = this.available(q, ins.payee_currency);
        if (a > best) {
          best = a;
          provider = q;
        }
      }
      if (provider === undefined) {
        this.change(p, 'rejected', REASON.incorrect_agent, `no liquidity provider holds both ${ins.currency} and ${ins.payee_currency}`);
        return false;
      }
    }
    p.fx = { provider: provider.id, rate_num: rate.num, rate_den: rate.den, rate_source: source, payee_amount_minor: conv.amount_minor, residue_num: conv.residue.num, residue_den: conv.residue.den };
    return true;
  }

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

  /** Sends a screened (or released) payment to RTGS or to its currency's window. */
  private route(p: Payment): void {
    const ins = p.instruction;
    if (ins.settlement === 'dns') {
      const w = this.openWindowOf.get(ins.currency) ?? this.openWindow(ins.currency);
      if (w.uetrs.length >= PLATFORM_LIMITS.windows_payments_max) {
        this.change(p, 'rejected', REASON.narrative, `window ${w.id} is full`);
        return;
      }
      w.uetrs.push(ins.uetr);
      p.window_id = w.id;
      this.change(p, 'queued', undefined, `in settlement window ${w.id}`);
      return;
    }
    const payer = this.byId.get(ins.payer)!;
    const q = this.queueOf(payer, ins.currency);
    const mayOvertake = this.bypass_fifo || !q.hasAtOrAbove(ins.priority);
    if (mayOvertake && this.trySettle(p)) return;
    q.push(p);
    this.change(p, 'queued', undefined, 'waiting for liquidity');
  }

  private queueOf(p: Participant, currency: string): RtgsQueue {
    const key = `${p.no}:${currency}`;
    let q = this.queues.get(key);
    if (q === undefined) {
      q = new RtgsQueue();
      this.queues.set(key, q);
    }
    return q;
  }

  /** Settles one payment now if covered (drawing intraday credit when allowed). */
  private trySettle(p: Payment): boolean {
    const ins = p.instruction;
    const payer = this.byId.get(ins.payer)!;
    const avail = this.available(payer, ins.currency);
    if (avail < ins.amount_minor && !this.autoDraw(payer, ins.currency, ins.amount_minor - avail)) return false;
    if (p.fx !== null) {
      const lp = this.byId.get(p.fx.provider)!;
      if (this.available(lp, ins.payee_currency) < p.fx.payee_amount_minor) {
        // Re-examine the payer's queue when the provider gets liquidity.
        const watch = `${lp.no}:${ins.payee_currency}`;
        const keys = this.pvpWatch.get(watch) ?? new Set<string>();
        keys.add(`${payer.no}:${ins.currency}`);
        this.pvpWatch.set(watch, keys);
        return false;
      }
    }
    const transfers = this.paymentTransfers(p);
    const r = this.ledger!.createTransfers(transfers);
    for (let i = 0; i < r.length; i++) {
      if (r[i] === 0) continue;
      const name = RESULT_CODES[r[i]!]!;
      if (name === 'exceeds_credits' || name === 'linked_event_failed') continue;
      // Not a liquidity problem: the instruction cannot settle at all.
      this.change(p, 'rejected', REASON.narrative, `the ledger refused it: ${name}`);
      return true;
    }
    if (r.some((x) => x !== 0)) return false;
    this.nextTransferNo += BigInt(transfers.length);
    this.settled(p, transfers.map((t) => t.id));
    return true;
  }

  private paymentTransfers(p: Payment, offset = 0n): Transfer[] {
    const ins = p.instruction;
    const payer = this.byId.get(ins.payer)!;
    const payee = this.byId.get(ins.payee)!;
    const c = memberCurrency(ins.currency);
    if (p.fx === null) {
      const t = this.transfer(this.settlementAccount(payer, c.code), this.settlementAccount(payee, c.code), ins.amount_minor, c.numeric, TRANSFER_CODE.payment, 0, offset);
      t.user_data_128 = uetrBits(ins.uetr);
      return [t];
    }
    const lp = this.byId.get(p.fx.provider)!;
    const d = memberCurrency(ins.payee_currency);
    const a = this.transfer(this.settlementAccount(payer, c.code), this.settlementAccount(lp, c.code), ins.amount_minor, c.numeric, TRANSFER_CODE.pvp_payer_leg, LINKED, offset);
    const b = this.transfer(this.settlementAccount(lp, d.code), this.settlementAccount(payee, d.code), p.fx.payee_amount_minor, d.numeric, TRANSFER_CODE.pvp_payee_leg, 0, offset + 1n);
    a.user_data_128 = uetrBits(ins.uetr);
    b.user_data_128 = a.user_data_128;
    return [a, b];
  }

  private settled(p: Payment, ids: bigint[]): void {
    p.transfer_ids = ids;
    p.settled_at_ns = this.now;
    this.change(p, 'settled');
    const ins = p.instruction;
    this.markDirty(this.byId.get(ins.payee)!, ins.payee_currency);
    if (p.fx !== null) {
      this.markDirty(this.byId.get(p.fx.provider)!, ins.currency);
      // Only a conversion that happened leaves a residue: it is counted when the payment settles.
      const key = `${p.fx.provider}:${ins.payee_currency}`;
      this.residues.set(key, add(this.residues.get(key) ?? ZERO, { num: p.fx.residue_num, den: p.fx.residue_den }));
      this.bookResidue(p.fx.provider, ins.payee_currency);
    }
  }

  /**
   * Whole minor units of rounding residue go between the provider that paid the
   * rounded amount and the operator's residue account; the fraction waits.
   */
  private bookResidue(provider: string, currency: string): void {
    const key = `${provider}:${currency}`;
    const r = this.residues.get(key) ?? ZERO;
    const whole = roundQuotient(r.num, r.den, 'down');
    if (whole === 0n) return;
    const lp = this.byId.get(provider)!;
    const c = memberCurrency(currency);
    const residueAcct = accountId(OPERATOR_NO, c.numeric, ACCOUNT_KIND.fx_residue);
    const lpAcct = this.settlementAccount(lp, currency);
    const t = whole > 0n ? this.transfer(lpAcct, residueAcct, whole, c.numeric, TRANSFER_CODE.fx_residue, 0) : this.transfer(residueAcct, lpAcct, -whole, c.numeric, TRANSFER_CODE.fx_residue, 0);
    if (this.ledger!.createTransfers([t])[0] === 0) {
      this.nextTransferNo++;
      this.residues.set(key, sub(r, rational(whole)));
    }
  }

  private markDirty(p: Participant, currency: string): void {
    const key = `${p.no}:${currency}`;
    if (this.queues.has(key)) this.dirty.push(key);
    const watchers = this.pvpWatch.get(key);
    if (watchers !== undefined) {
      this.pvpWatch.delete(key);
      for (const k of watchers) this.dirty.push(k);
    }
  }

  /** Re-examines the queues of participants that received liquidity, until nothing more settles. */
  private drainDirty(): void {
    if (this.ledger === null) return;
    let guard = 0;
    while (this.dirty.length > 0) {
      const key = this.dirty.pop()!;
      const q = this.queues.get(key);
      if (q === undefined) continue;
      q.examine(this.bypass_fifo, (p) => p.state === 'queued', (p) => this.trySettle(p));
      if (++guard > 10_000_000) throw new Error('queue re-examination did not converge');
    }
  }

  private autoDraw(p: Participant, currency: string, shortfall: bigint): boolean {
    const f = this.facilities.get(`${p.id}:${currency}`);
    if (f === undefined || !f.auto_draw || this.day === null || this.day.state !== 'open') return false;
    if (f.line_minor - f.outstanding_minor < shortfall) return false;
    this.draw(p, f, shortfall);
    return true;
  }

  private draw(p: Participant, f: Facility, amount: bigint): void {
    const c = memberCurrency(f.currency);
    const t = this.transfer(accountId(p.no, c.numeric, ACCOUNT_KIND.intraday_credit), this.settlementAccount(p, c.code), amount, c.numeric, FINANCING_TRANSFER_CODES.intraday_drawdown, 0);
    const r = this.ledger!.createTransfers([t]);
    if (r[0] !== 0) throw new Error(`intraday drawdown refused by the ledger: ${RESULT_CODES[r[0]!]}`);
    this.nextTransferNo++;
    f.outstanding_minor += amount;
    f.drawdowns++;
  }

  // ---- cancellation and return -------------------------------------------------------------------

  private payment(uetr: string): Payment {
    const p = this.payments.get(uetr);
    if (p === undefined) throw new PlatformError('not_found', 'uetr', `no payment ${uetr}`);
    return p;
  }

  private cancelPayment(uetr: string, reason: string): unknown {
    const p = this.payment(uetr);
    if (p.state !== 'queued' && p.state !== 'held') throw new PlatformError('invalid_state', 'uetr', `a ${p.state} payment cannot be cancelled`);
    if (p.window_id !== null) {
      const w = this.windows[p.window_id - 1]!;
      if (w.state !== 'open') throw new PlatformError('invalid_state', 'uetr', `its window ${w.id} is ${w.state}`);
      w.uetrs = w.uetrs.filter((u) => u !== uetr);
      p.window_id = null;
    }
    if (p.case_id !== null) {
      const c = this.cases[p.case_id - 1]!;
      if (c.status === 'open' || c.status === 'proposed') c.status = 'rejected';
    }
    this.change(p, 'cancelled', reason);
    return paymentView(p);
  }

  private returnPayment(uetr: string, reason: string): unknown {
    const p = this.payment(uetr);
    if (p.state !== 'settled') throw new PlatformError('invalid_state', 'uetr', `only a settled payment can be returned; this one is ${p.state}`);
    if (p.fx !== null) throw new PlatformError('invalid_state', 'uetr', 'a PvP payment is returned by a new payment in the other direction');
    const ins = p.instruction;
    const payer = this.byId.get(ins.payer)!;
    const payee = this.byId.get(ins.payee)!;
    const c = memberCurrency(ins.currency);
    const t = this.transfer(this.settlementAccount(payee, c.code), this.settlementAccount(payer, c.code), ins.amount_minor, c.numeric, TRANSFER_CODE.return_payment, 0);
    t.user_data_128 = uetrBits(uetr);
    const r = this.ledger!.createTransfers([t]);
    if (r[0] !== 0) {
      throw new PlatformError('insufficient_funds', 'uetr', `${payee.id} cannot fund the return: ${RESULT_CODES[r[0]!]}`);
    }
    this.nextTransferNo++;
    p.transfer_ids.push(t.id);
    this.change(p, 'returned', reason);
    this.markDirty(payer, c.code);
    return paymentView(p);
  }

  // ---- compliance cases -----------------------------------------------------------------------------

  private decideCase(id: number, officer: string, decision: 'release' | 'reject', note: string): unknown {
    const c = this.cases[id - 1];
    if (c === undefined) throw new PlatformError('not_found', 'case_id', `no case ${id}`);
    if (c.status !== 'open' && c.status !== 'proposed') throw new PlatformError('invalid_state', 'case_id', `case ${id} is ${c.status}`);
    if (c.proposal === null || c.proposal.decision !== decision) {
      if (c.proposal !== null && c.proposal.officer === officer) {
        // The same officer changing their mind: a new proposal.
      }
      c.proposal = { decision, officer, at_ns: this.now };
      if (note !== '') c.proposal.note = note;
      c.status = 'proposed';
      return { case: caseView(c), effective: false, waiting_for: 'a second officer to confirm' };
    }
    if (c.proposal.officer === officer) throw new PlatformError('four_eyes', 'by', `${officer} proposed this decision; a different officer must confirm it`);
    c.decided_by = [c.proposal.officer, officer];
    c.decided_at_ns = this.now;
    const p = this.payment(c.uetr);
    if (p.state !== 'held') {
      c.status = decision === 'release' ? 'released' : 'rejected';
      return { case: caseView(c), effective: true, payment_state: p.state };
    }
    if (decision === 'reject') {
      c.status = 'rejected';
      this.change(p, 'rejected', REASON.regulatory, `compliance case ${c.id}: rejected by ${c.decided_by.join(' and ')}`);
    } else {
      c.status = 'released';
      this.change(p, 'screened', undefined, `compliance case ${c.id}: released by ${c.decided_by.join(' and ')}`);
      if (this.now > this.cutoffOf(p.instruction.currency)) this.change(p, 'rejected', REASON.cut_off, `after the ${p.instruction.currency} cut-off`);
      else this.route(p);
    }
    return { case: caseView(c), effective: true, payment_state: p.state };
  }

  // ---- liquidity-saving mechanism ------------------------------------------------------------------------

  private runLsm(currency: string): unknown {
    const queued: Payment[] = [];
    for (const [key, q] of this.queues) {
      if (!key.endsWith(`:${currency}`)) continue;
      for (const p of q.live((x) => x.state === 'queued')) if (p.fx === null) queued.push(p);
    }
    queued.sort((a, b) => (a.instruction.priority === b.instruction.priority ? a.seq - b.seq : a.instruction.priority === 'urgent' ? -1 : 1));
    const considered = queued.slice(0, PLATFORM_LIMITS.lsm_payments_max);
    const ids = new Set<string>();
    for (const p of considered) ids.add(p.instruction.payer).add(p.instruction.payee);
    const participants = [...ids].map((id) => ({ id, balance: this.available(this.byId.get(id)!, currency), limit: 0n }));
    const payments: LsmPayment[] = considered.map((p) => ({ id: p.instruction.uetr, from: p.instruction.payer, to: p.instruction.payee, amount: p.instruction.amount_minor, priority: p.instruction.priority === 'urgent' ? 1 : 0 }));
    const solution = considered.length === 0 ? { settled: [] as string[], settled_value: 0n, method: 'empty' } : solveLsm({ participants, payments, fifo: !this.bypass_fifo }, { work_budget: PLATFORM_LIMITS.lsm_work_budget });
    const chosen = solution.settled.map((u) => this.payments.get(u)!);
    let released = 0;
    if (chosen.length > 0) released = this.releaseTogether(currency, chosen) ? chosen.length : 0;
    const run = { at_ns: this.now, currency, queued: queued.length, released, value_minor: released > 0 ? solution.settled_value : 0n };
    this.lsm_runs.push(run);
    if (this.lsm_runs.length > 10_000) this.lsm_runs.shift();
    return { currency, queued: queued.length, considered: considered.length, released, released_value_minor: run.value_minor, method: solution.method };
  }

  /**
   * Settles whole payments simultaneously as one linked chain: every payee is
   * credited from the transit account first, then every payer debited to it, so
   * no intermediate step needs liquidity the final state does not have.
   */
  private releaseTogether(currency: string, chosen: Payment[]): boolean {
    const c = memberCurrency(currency);
    const transit = accountId(OPERATOR_NO, c.numeric, ACCOUNT_KIND.lsm_transit);
    const transfers: Transfer[] = [];
    let k = 0n;
    for (const p of chosen) {
      const t = this.transfer(transit, this.settlementAccount(this.byId.get(p.instruction.payee)!, currency), p.instruction.amount_minor, c.numeric, TRANSFER_CODE.lsm_credit, LINKED, k++);
      t.user_data_128 = uetrBits(p.instruction.uetr);
      transfers.push(t);
    }
    for (const p of chosen) {
      const t = this.transfer(this.settlementAccount(this.byId.get(p.instruction.payer)!, currency), transit, p.instruction.amount_minor, c.numeric, TRANSFER_CODE.lsm_debit, LINKED, k++);
      t.user_data_128 = uetrBits(p.instruction.uetr);
      transfers.push(t);
    }
    transfers[transfers.length - 1]!.flags &= ~LINKED;
    const r = this.ledger!.createTransfers(transfers);
    if (r.some((x) => x !== 0)) return false;
    this.nextTransferNo += k;
    const n = chosen.length;
    chosen.forEach((p, i) => this.settled(p, [transfers[i]!.id, transfers[n + i]!.id]));
    return true;
  }

  // ---- deferred net settlement ---------------------------------------------------------------------------

  private openWindow(currency: string): SettlementWindow {
    const existing = this.openWindowOf.get(currency);
    if (existing !== undefined) throw new PlatformError('invalid_state', 'currency', `window ${existing.id} of ${currency} is already open`);
    const w: SettlementWindow = { id: this.windows.length + 1, currency, state: 'open', opened_at_ns: this.now, closed_at_ns: null, uetrs: [], net_positions: [], defaulters: [] };
    this.windows.push(w);
    this.openWindowOf.set(currency, w);
    return w;
  }

  /**
   * Closes the open window of a currency and settles it: net positions; every net
   * debit reserved by a pending transfer to the settlement account; a participant
   * whose reservation fails defaults — its payments of the window (sent and
   * received) are rejected, reservations voided, the rest re-netted; then all
   * reservations are posted and net credits paid in one linked chain.
   */
  private closeWindow(currency: string): unknown {
    const w = this.openWindowOf.get(currency);
    if (w === undefined) throw new PlatformError('invalid_state', 'currency', `no open ${currency} window`);
    this.openWindowOf.delete(currency);
    w.state = 'closed';
    w.closed_at_ns = this.now;
    w.state = 'settling';
    const c = memberCurrency(currency);
    const pool = accountId(OPERATOR_NO, c.numeric, ACCOUNT_KIND.dns_settlement);
    const defaulters = new Set<string>();
    let members = w.uetrs.map((u) => this.payments.get(u)!).filter((p) => p.state === 'queued');
    for (let round = 0; ; round++) {
      if (round > this.participants.length + 1) throw new Error('window settlement did not converge');
      const net = netPositions(members.map((p) => ({ payer: p.instruction.payer, payee: p.instruction.payee, currency, amount: p.instruction.amount_minor })));
      const positions = [...(net.get(currency) ?? new Map<string, bigint>())].sort((a, b) => this.byId.get(a[0])!.no - this.byId.get(b[0])!.no);
      const debtors = positions.filter(([, v]) => v < 0n);
      const reserves = debtors.map(([id, v], i) => this.transfer(this.settlementAccount(this.byId.get(id)!, currency), pool, -v, c.numeric, TRANSFER_CODE.dns_reserve, TransferFlags.pending, BigInt(i)));
      const r = reserves.length === 0 ? new Uint8Array(0) : this.ledger!.createTransfers(reserves);
      const failed = debtors.filter((_, i) => r[i] !== 0).map(([id]) => id);
      const held = reserves.filter((_, i) => r[i] === 0);
      this.nextTransferNo += BigInt(reserves.length);
      if (failed.length === 0) {
        const chain: Transfer[] = [];
        let k = 0n;
        for (const t of held) {
          const post = this.transfer(t.debit_account_id, t.credit_account_id, t.amount, c.numeric, TRANSFER_CODE.dns_reserve, LINKED | TransferFlags.post_pending_transfer, k++);
          post.pending_id = t.id;
          chain.push(post);
        }
        for (const [id, v] of positions) {
          if (v > 0n) chain.push(this.transfer(pool, this.settlementAccount(this.byId.get(id)!, currency), v, c.numeric, TRANSFER_CODE.dns_credit, LINKED, k++));
        }
        if (chain.length > 0) {
          chain[chain.length - 1]!.flags &= ~LINKED;
          const rr = this.ledger!.createTransfers(chain);
          if (rr.some((x) => x !== 0)) throw new Error(`window ${w.id}: posting the reserved net positions failed: ${RESULT_CODES[rr.find((x) => x !== 0)!]}`);
          this.nextTransferNo += k;
        }
        w.net_positions = positions;
        w.defaulters = [...defaulters];
        w.state = 'settled';
        for (const p of members) {
          this.settled(p, []);
          this.markDirty(this.byId.get(p.instruction.payer)!, currency);
        }
        for (const [id, v] of positions) if (v > 0n) this.markDirty(this.byId.get(id)!, currency);
        return windowView(w);
      }
      if (held.length > 0) {
        const voids = held.map((t, i) => {
          const v = this.transfer(t.debit_account_id, t.credit_account_id, 0n, c.numeric, TRANSFER_CODE.dns_reserve, TransferFlags.void_pending_transfer, BigInt(i));
          v.pending_id = t.id;
          return v;
        });
        const rv = this.ledger!.createTransfers(voids);
        if (rv.some((x) => x !== 0)) throw new Error(`window ${w.id}: voiding reservations failed`);
        this.nextTransferNo += BigInt(voids.length);
      }
      for (const id of failed) defaulters.add(id);
      const out: Payment[] = [];
      const stay: Payment[] = [];
      for (const p of members) (defaulters.has(p.instruction.payer) || defaulters.has(p.instruction.payee) ? out : stay).push(p);
      for (const p of out) {
        const who = defaulters.has(p.instruction.payer) ? p.instruction.payer : p.instruction.payee;
        this.change(p, 'rejected', REASON.insufficient_funds, `${who} could not cover its net debit in window ${w.id}`);
      }
      members = stay;
    }
  }

  // ---- business day -----------------------------------------------------------------------------------------

  private openDay(date: string, cutoffs: Record<string, string>, dflt: string): unknown {
    if (this.day !== null && this.day.state === 'open') throw new PlatformError('day_open', 'date', `business day ${this.day.date} is open; close it first`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new PlatformError('invalid_field', 'date', 'must be YYYY-MM-DD');
    if (this.days.length > 0 && this.days[this.days.length - 1]!.date >= date) throw new PlatformError('invalid_field', 'date', `must be after the last business day ${this.days[this.days.length - 1]!.date}`);
    const midnight = BigInt(Date.parse(`${date}T00:00:00Z`)) * 1_000_000n;
    const at = (hhmm: string, field: string): bigint => {
      const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
      if (m === null) throw new PlatformError('invalid_field', field, 'must be HH:MM (UTC)');
      return midnight + (BigInt(Number(m[1]) * 60 + Number(m[2])) * 60n + 59n) * 1_000_000_000n;
    };
    const list: Array<[string, bigint]> = [];
    for (const k of Object.keys(cutoffs)) {
      try {
        memberCurrency(k, `cutoffs.${k}`);
      } catch {
        throw new PlatformError('unknown_currency', `cutoffs.${k}`, `${k} is not an SCO member currency`);
      }
    }
    const fallback = at(dflt, 'default_cutoff');
    for (const c of [...this.issuer.keys()].sort()) list.push([c, cutoffs[c] !== undefined ? at(cutoffs[c]!, `cutoffs.${c}`) : fallback]);
    for (const k of Object.keys(cutoffs)) if (!this.issuer.has(k)) list.push([k, at(cutoffs[k]!, `cutoffs.${k}`)]);
    this.day = { date, state: 'open', opened_at_ns: this.now, closed_at_ns: null, cutoffs: list };
    this.days.push(this.day);
    for (const f of this.facilities.values()) f.drawdowns = 0;
    return dayView(this.day);
  }

  private closeDay(): unknown {
    const d = this.day;
    if (d === null || d.state !== 'open') throw new PlatformError('no_business_day', '', 'no business day is open');
    const windows: unknown[] = [];
    for (const currency of [...this.openWindowOf.keys()].sort()) windows.push(this.closeWindow(currency));
    this.drainDirty();
    let rejected = 0;
    for (const q of this.queues.values()) {
      for (const p of q.live((x) => x.state === 'queued')) {
        this.change(p, 'rejected', REASON.cut_off, 'still queued at the close of the business day');
        rejected++;
      }
      q.clear();
    }
    for (const c of this.cases) {
      const p = this.payments.get(c.uetr)!;
      if (p.state === 'held') {
        this.change(p, 'rejected', REASON.cut_off, `held by compliance case ${c.id} at the close of the business day`);
        rejected++;
      }
    }
    // End-of-day repayment of intraday credit, as far as the settlement account allows.
    const unpaid: Array<{ participant: string; currency: string; outstanding_minor: bigint }> = [];
    for (const f of [...this.facilities.values()].sort((a, b) => (a.participant + a.currency < b.participant + b.currency ? -1 : 1))) {
      if (f.outstanding_minor === 0n) continue;
      const p = this.byId.get(f.participant)!;
      const pay = minBig(f.outstanding_minor, this.available(p, f.currency));
      if (pay > 0n) {
        const c = memberCurrency(f.currency);
        const t = this.transfer(this.settlementAccount(p, c.code), accountId(p.no, c.numeric, ACCOUNT_KIND.intraday_credit), pay, c.numeric, FINANCING_TRANSFER_CODES.intraday_repayment, 0);
        if (this.ledger!.createTransfers([t])[0] !== 0) throw new Error('intraday repayment refused by the ledger');
        this.nextTransferNo++;
        f.outstanding_minor -= pay;
      }
      if (f.outstanding_minor > 0n) unpaid.push({ participant: f.participant, currency: f.currency, outstanding_minor: f.outstanding_minor });
    }
    d.state = 'closed';
    d.closed_at_ns = this.now;
    return { day: dayView(d), windows_settled: windows, rejected_at_close: rejected, credit_unrepaid: unpaid, positions: this.positions() };
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

  // ---- rates and financing ----------------------------------------------------------------------------------

  private importRates(file: string, rows: Extract<Command, { type: 'import_rates' }>['rows']): unknown {
    const merged = [...this.rateRows, ...rows.map((r) => ({ ...r, file }))];
    try {
      RateBook.fromRows(merged.map((r, i) => ({ line: i + 1, row: r })), {}, file);
      // Each row checked on its own too, so the error names the line of this file.
      RateBook.fromRows(rows.map((r, i) => ({ line: i + 2, row: r })), {}, file);
    } catch (err) {
      const e = err as Error & { field?: string };
      throw new PlatformError('invalid_field', e.field ?? 'rows', e.message);
    }
    this.rateRows = merged;
    this.rateBook = null;
    return { file, imported: rows.length, total: merged.length };
  }

  private setCollateral(cmd: Extract<Command, { type: 'set_collateral' }>): unknown {
    const p = this.need(cmd.participant, 'participant');
    const c = this.activeCurrency(cmd.currency, 'currency');
    if (!p.currencies.includes(c.code) || p.issues === c.code) throw new PlatformError('invalid_state', 'currency', `${p.id} holds no ${c.code} settlement account`);
    let pool = emptyPool(p.id);
    const items: Array<{ id: string; kind: string; currency: string; market_value_minor: bigint; haircut_bp: number }> = [];
    try {
      cmd.items.forEach((it, i) => {
        const ic = memberOrAny(it.currency, `items[${i}].currency`);
        const market_value_minor = this.amount(it.market_value, ic, `items[${i}].market_value`);
        pool = registerItem(pool, { id: it.id, kind: it.kind as CollateralKind, currency: ic.code, market_value_minor, haircut_bp: it.haircut_bp });
        items.push({ id: it.id, kind: it.kind, currency: ic.code, market_value_minor, haircut_bp: it.haircut_bp });
      });
    } catch (err) {
      if (err instanceof PlatformError) throw err;
      const e = err as Error & { field?: string };
      throw new PlatformError('financing', e.field ?? 'items', e.message);
    }
    const date = this.day?.date ?? this.days[this.days.length - 1]?.date ?? REFERENCE_RATES[0]!.date;
    let line: bigint;
    try {
      line = creditLine(pool, c.code, (from, to) => this.rates().crossRate(from, to, date).rate).line_minor;
    } catch (err) {
      throw new PlatformError('rate_unavailable', 'items', (err as Error).message);
    }
    const key = `${p.id}:${c.code}`;
    const f = this.facilities.get(key) ?? { participant: p.id, currency: c.code, line_minor: 0n, outstanding_minor: 0n, auto_draw: cmd.auto_draw, drawdowns: 0 };
    if (line < f.outstanding_minor) throw new PlatformError('limit_exceeded', 'items', `the new line ${line} is below the ${f.outstanding_minor} outstanding; repay first`);
    f.line_minor = line;
    f.auto_draw = cmd.auto_draw;
    this.facilities.set(key, f);
    this.collateral.set(key, items);
    this.markDirty(p, c.code);
    return facilityView(f);
  }

  private drawCredit(participant: string, currency: string, amountText: string): unknown {
    const p = this.need(participant, 'participant');
    const c = this.activeCurrency(currency, 'currency');
    const f = this.facilities.get(`${p.id}:${c.code}`);
    if (f === undefined) throw new PlatformError('not_found', 'currency', `${p.id} has no ${c.code} credit facility`);
    if (this.day === null || this.day.state !== 'open') throw new PlatformError('no_business_day', '', 'intraday credit is drawn during an open business day');
    const amount = this.amount(amountText, c, 'amount');
    if (amount > f.line_minor - f.outstanding_minor) throw new PlatformError('limit_exceeded', 'amount', `only ${f.line_minor - f.outstanding_minor} minor units of the line are available`);
    this.draw(p, f, amount);
    this.markDirty(p, c.code);
    return facilityView(f);
  }

  // ---- liquidity providers' quotes ------------------------------------------------------------------------

  private quotes(): QuoteBook {
    if (this.quoteBook === null) {
      const book = new QuoteBook();
      // Re-published at time 0: expiry is checked at selection against the command's time.
      for (const q of this.quoteInputs) book.publish(q, 0n);
      this.quoteBook = book;
    }
    return this.quoteBook;
  }

  private publishQuote(cmd: Extract<Command, { type: 'publish_quote' }>): unknown {
    const lp = this.need(cmd.provider, 'provider');
    if (lp.kind !== 'liquidity_provider') throw new PlatformError('invalid_field', 'provider', `${lp.id} is not a liquidity provider`);
    const b = this.activeCurrency(cmd.base, 'base');
    const q = this.activeCurrency(cmd.quote, 'quote');
    if (!lp.currencies.includes(b.code) || !lp.currencies.includes(q.code)) throw new PlatformError('invalid_field', 'quote', `${lp.id} holds no account in ${lp.currencies.includes(b.code) ? q.code : b.code}`);
    const input: QuoteInput = {
      provider: lp.id,
      base: b.code,
      quote: q.code,
      expires_at_ns: this.now + BigInt(cmd.valid_s) * 1_000_000_000n,
      tiers: cmd.tiers.map((t, i) => ({ min_minor: this.amount(t.min, b, `tiers[${i}].min`), max_minor: this.amount(t.max, b, `tiers[${i}].max`), bid: t.bid, ask: t.ask })),
    };
    try {
      this.quotes().publish(input, this.now);
    } catch (err) {
      const e = err as Error & { field?: string; code?: string };
      throw new PlatformError(e.code === 'limit_exceeded' ? 'limit_exceeded' : 'invalid_field', e.field ?? 'tiers', e.message);
    }
    // Keep one input per provider and pair (a new one replaces it), and drop expired ones.
    this.quoteInputs = this.quoteInputs.filter((x) => !(x.provider === input.provider && x.base === input.base && x.quote === input.quote) && x.expires_at_ns > this.now);
    this.quoteInputs.push(input);
    return { provider: lp.id, base: b.code, quote: q.code, expires_at_ns: input.expires_at_ns, tiers: input.tiers.length };
  }

  /** The best live quote covering a conversion of `amount` of BASE into QUOTE, locked for the quote book's lock time. */
  private lockQuote(base: string, quote: string, amountText: string): unknown {
    const b = this.activeCurrency(base, 'base');
    this.activeCurrency(quote, 'quote');
    const amount = this.amount(amountText, b, 'amount');
    let tier;
    try {
      tier = this.quotes().select(b.code, quote, 'sell', amount, this.now);
    } catch (err) {
      throw new PlatformError('rate_unavailable', 'amount', (err as Error).message);
    }
    const lock: QuoteLockRecord = {
      id: `Q${++this.lockSeq}`,
      provider: tier.provider,
      base: tier.base,
      quote: tier.quote,
      amount_minor: amount,
      price_num: tier.bid.num,
      price_den: tier.bid.den,
      price_text: tier.bid_text,
      expires_at_ns: this.now + BigInt(DEFAULT_LOCK_SECONDS) * 1_000_000_000n,
    };
    for (const [id, l] of this.quoteLocks) if (l.expires_at_ns <= this.now) this.quoteLocks.delete(id);
    if (this.quoteLocks.size >= 100_000) throw new PlatformError('limit_exceeded', 'amount', 'too many live quote locks');
    this.quoteLocks.set(lock.id, lock);
    return { quote_id: lock.id, provider: lock.provider, base: lock.base, quote: lock.quote, amount_minor: amount, price: lock.price_text, expires_at_ns: lock.expires_at_ns };
  }

  // ---- central-bank swap lines -------------------------------------------------------------------------------

  /** Gives a participant an account in a currency it did not hold (swap-line legs). */
  private ensureAccount(p: Participant, currency: string, kind: number): bigint {
    const c = memberCurrency(currency);
    const id = accountId(p.no, c.numeric, kind);
    if (this.ledger!.machine.lookupAccount(id) !== undefined) return id;
    const flags = kind === ACCOUNT_KIND.settlement ? AccountFlags.debits_must_not_exceed_credits | AccountFlags.history : 0;
    const r = this.ledger!.createAccounts([emptyAccount(id, c.numeric, kind, flags)]);
    if (r[0] !== 0) throw new Error(`account ${id} refused: ${RESULT_CODES[r[0]!]}`);
    if (kind === ACCOUNT_KIND.settlement && !p.currencies.includes(currency)) p.currencies.push(currency);
    return id;
  }

  private idGenerator(): { ids: () => bigint; used: () => bigint } {
    let k = 0n;
    return { ids: () => PLATFORM_TRANSFER_ID_BASE + this.nextTransferNo + k++, used: () => k };
  }

  private financing<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof PlatformError) throw err;
      const e = err as Error & { field?: string; code?: string };
      if (e.field === undefined) throw err;
      throw new PlatformError(e.code === 'limit_exceeded' ? 'limit_exceeded' : 'financing', e.field, e.message);
    }
  }

  private openSwap(cmd: Extract<Command, { type: 'open_swap_line' }>): unknown {
    if (this.swapLines.has(cmd.id)) throw new PlatformError('invalid_state', 'id', `swap line ${cmd.id} exists`);
    const provider = this.need(cmd.provider, 'provider');
    const drawer = this.need(cmd.drawer, 'drawer');
    if (provider.kind !== 'central_bank' || drawer.kind !== 'central_bank') throw new PlatformError('invalid_field', provider.kind !== 'central_bank' ? 'provider' : 'drawer', 'swap lines are between central banks');
    const P = provider.issues!;
    const D = drawer.issues!;
    const pc = memberCurrency(P);
    const limit = this.amount(cmd.limit, pc, 'limit');
    let rate: Rational;
    try {
      rate = cmd.rate === '' ? this.rates().crossRate(P, D, cmd.start_date).rate : parseDecimal(cmd.rate, 'rate');
    } catch (err) {
      throw new PlatformError('rate_unavailable', 'rate', (err as Error).message);
    }
    const interest = this.financing(() => parseDecimal(cmd.interest_rate, 'interest_rate'));
    // Validate everything before creating accounts: a refused line leaves nothing behind.
    const probe = (ids: SwapLine['terms']['accounts']): SwapLine =>
      this.financing(() =>
        openSwapLine({ id: cmd.id, provider: provider.id, drawer: drawer.id, provider_currency: P, drawer_currency: D, limit_minor: limit, rate, interest_rate: interest, day_count: cmd.day_count as DayCount, start_date: cmd.start_date, maturity_date: cmd.maturity_date, accounts: ids }),
      );
    const dc = memberCurrency(D);
    const accounts = {
      provider_p_account_id: accountId(provider.no, pc.numeric, ACCOUNT_KIND.issuing),
      drawer_p_account_id: accountId(drawer.no, pc.numeric, ACCOUNT_KIND.settlement),
      provider_p_interest_account_id: accountId(provider.no, pc.numeric, ACCOUNT_KIND.swap_interest),
      drawer_d_account_id: accountId(drawer.no, dc.numeric, ACCOUNT_KIND.issuing),
      provider_d_account_id: accountId(provider.no, dc.numeric, ACCOUNT_KIND.settlement),
    };
    const line = probe(accounts);
    this.ensureAccount(drawer, P, ACCOUNT_KIND.settlement);
    this.ensureAccount(provider, P, ACCOUNT_KIND.swap_interest);
    this.ensureAccount(provider, D, ACCOUNT_KIND.settlement);
    this.swapLines.set(line.terms.id, line);
    return swapView(line);
  }

  private swapLine(id: string): SwapLine {
    const l = this.swapLines.get(id);
    if (l === undefined) throw new PlatformError('not_found', 'line', `no swap line ${id}`);
    return l;
  }

  private businessDate(): string {
    if (this.day === null || this.day.state !== 'open') throw new PlatformError('no_business_day', '', 'no business day is open');
    return this.day.date;
  }

  private drawSwapLine(id: string, amountText: string): unknown {
    const line = this.swapLine(id);
    const date = this.businessDate();
    const amount = this.amount(amountText, memberCurrency(line.terms.provider_currency), 'amount');
    if (amount > remaining(line)) throw new PlatformError('limit_exceeded', 'amount', `only ${remaining(line)} minor units of the ${line.terms.limit_minor} limit remain`);
    const gen = this.idGenerator();
    const step = this.financing(() => drawSwap(line, amount, date, gen.ids));
    const r = this.ledger!.createTransfers(step.transfers);
    const bad = r.findIndex((x) => x !== 0 && RESULT_CODES[x] !== 'linked_event_failed');
    if (bad >= 0) throw new PlatformError(RESULT_CODES[r[bad]!] === 'exceeds_credits' ? 'insufficient_funds' : 'ledger_refused', 'amount', `the ledger refused the drawing: ${RESULT_CODES[r[bad]!]}`);
    this.nextTransferNo += gen.used();
    this.swapLines.set(id, step.line);
    this.markDirty(this.byId.get(line.terms.drawer)!, line.terms.provider_currency);
    return swapView(step.line);
  }

  private unwindSwapLine(id: string): unknown {
    const line = this.swapLine(id);
    const date = this.businessDate();
    const gen = this.idGenerator();
    const step = this.financing(() => unwindAtMaturity(line, date, gen.ids));
    if (step.transfers.length > 0) {
      const r = this.ledger!.createTransfers(step.transfers);
      const bad = r.findIndex((x) => x !== 0 && RESULT_CODES[x] !== 'linked_event_failed');
      if (bad >= 0) throw new PlatformError(RESULT_CODES[r[bad]!] === 'exceeds_credits' ? 'insufficient_funds' : 'ledger_refused', 'line', `the ledger refused the unwind: ${RESULT_CODES[r[bad]!]}; the drawer needs the principal and interest on its account`);
    }
    this.nextTransferNo += gen.used();
    this.swapLines.set(id, step.line);
    return { ...(swapView(step.line) as object), interest_minor: step.interest.interest_minor };
  }

  // ---- state snapshots ------------------------------------------------------------------------------------

  private snapshotData(): PlatformStateData {
    return {
      participants: this.participants,
      payments: [...this.payments.values()],
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
      next_seq: this.nextSeq,
      commands: this.commands,
      next_transfer_no: this.nextTransferNo,
    };
  }

  private loadData(d: PlatformStateData): void {
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
    for (const f of d.facilities) this.facilities.set(`${f.participant}:${f.currency}`, f);
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
    this.nextSeq = d.next_seq;
    this.commands = d.commands;
    this.nextTransferNo = d.next_transfer_no;
  }

  /** Queued payments of a participant in a currency, in queue order (urgent first, then FIFO). */
  queueOfParticipant(id: string, currency: string): Payment[] {
    const p = this.byId.get(id);
    if (p === undefined) return [];
    return this.queues.get(`${p.no}:${currency}`)?.live((x) => x.state === 'queued') ?? [];
  }

  allQueued(): Payment[] {
    const out: Payment[] = [];
    for (const q of this.queues.values()) for (const p of q.live((x) => x.state === 'queued')) out.push(p);
    return out.sort((a, b) => a.seq - b.seq);
  }
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function parseScaledChecked(text: string, scale: number): bigint {
  const m = /^(\d{1,38})(?:\.(\d+))?$/.exec(text);
  if (m === null) throw new Error('not a decimal');
  const frac = m[2] ?? '';
  if (frac.length > scale) throw new Error('too many decimals');
  return BigInt(m[1]! + frac.padEnd(scale, '0'));
}

function memberOrAny(code: string, field: string): CurrencyInfo {
  try {
    return memberCurrency(code, field);
  } catch {
    throw new PlatformError('unknown_currency', field, `${JSON.stringify(code)} is not an SCO member currency`);
  }
}

/** The UETR's 128 bits, kept in the ledger transfer's user_data_128 to tie it to its payment. */
export function uetrBits(uetr: string): bigint {
  return BigInt(`0x${uetr.replace(/-/g, '')}`);
}

function rawInstruction(raw: Record<string, unknown>, uetr: string): Payment['instruction'] {
  const s = (k: string): string => (typeof raw[k] === 'string' ? (raw[k] as string).slice(0, 140) : '');
  return {
    uetr,
    end_to_end_id: s('end_to_end_id'),
    payer: s('payer'),
    payee: s('payee'),
    currency: s('currency'),
    amount_minor: 0n,
    payee_currency: s('payee_currency') || s('currency'),
    value_date: s('value_date'),
    priority: raw.priority === 'urgent' ? 'urgent' : 'normal',
    settlement: raw.settlement === 'dns' ? 'dns' : 'rtgs',
  };
}

export function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * JSON with bigints as decimal strings. Most outputs hold none, and a replacer
 * function costs a call per key, so the plain form is tried first (JSON.stringify
 * throws on a bigint, it never drops one).
 */
export function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify(value, bigintJson);
  }
}

export function participantView(p: Participant): unknown {
  return { id: p.id, kind: p.kind, name: p.name, country: p.country, currencies: p.currencies, issues: p.issues, suspended: p.suspended };
}

export function paymentView(p: Payment): Record<string, unknown> {
  const ins = p.instruction;
  return {
    uetr: ins.uetr,
    end_to_end_id: ins.end_to_end_id,
    payer: ins.payer,
    payee: ins.payee,
    currency: ins.currency,
    amount_minor: ins.amount_minor,
    payee_currency: ins.payee_currency,
    payee_amount_minor: p.fx?.payee_amount_minor ?? ins.amount_minor,
    value_date: ins.value_date,
    priority: ins.priority,
    settlement: ins.settlement,
    state: p.state,
    fx: p.fx === null ? null : { provider: p.fx.provider, rate: `${p.fx.rate_num}/${p.fx.rate_den}`, source: p.fx.rate_source },
    window_id: p.window_id,
    case_id: p.case_id,
    transfer_ids: p.transfer_ids,
    history: p.history,
    submitted_by: p.submitted_by,
    purpose: ins.purpose,
    remittance: ins.remittance,
    debtor: ins.debtor,
    creditor: ins.creditor,
  };
}

export function windowView(w: SettlementWindow): unknown {
  return { id: w.id, currency: w.currency, state: w.state, opened_at_ns: w.opened_at_ns, closed_at_ns: w.closed_at_ns, payments: w.uetrs.length, net_positions: w.net_positions.map(([participant, net_minor]) => ({ participant, net_minor })), defaulters: w.defaulters };
}

export function dayView(d: BusinessDay): unknown {
  return { date: d.date, state: d.state, opened_at_ns: d.opened_at_ns, closed_at_ns: d.closed_at_ns, cutoffs: Object.fromEntries(d.cutoffs.map(([c, ns]) => [c, ns])) };
}

export function caseView(c: ComplianceCase): unknown {
  return { ...c };
}

export function swapView(l: SwapLine): unknown {
  const t = l.terms;
  return {
    id: t.id,
    provider: t.provider,
    drawer: t.drawer,
    provider_currency: t.provider_currency,
    drawer_currency: t.drawer_currency,
    limit_minor: t.limit_minor,
    drawn_minor: l.drawn_minor,
    counter_drawn_minor: l.counter_drawn_minor,
    available_minor: remaining(l),
    rate: `${t.rate.num}/${t.rate.den}`,
    interest_rate: `${t.interest_rate.num}/${t.interest_rate.den}`,
    day_count: t.day_count,
    start_date: t.start_date,
    maturity_date: t.maturity_date,
    drawings: l.drawings.length,
    status: l.status,
  };
}

export function facilityView(f: Facility): unknown {
  return { ...f, available_minor: f.line_minor - f.outstanding_minor };
}
