// The platform as a running service: one process owns a store, the durable
// ledger on it, and the platform state machine as the ledger's command executor.
// Every change is a journaled command (see ./commands.ts); every read is served
// from the in-memory state (the platform's) or from the ledger's query tables.
// The shells (HTTP API, CLI, demo) use this class and nothing below it.
//
// Commands are decoded here before they are journaled, so a malformed request is
// refused with nothing written; the state machine decodes them again on execution
// and replay (the same pure function). Submitted payments are screened here
// against the store's active sanctions lists (./screening.ts) before journaling.

import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DurableLedger, wallClock, type DurableLedgerOptions } from '../journal/durable_ledger.js';
import { SnapshotPassed, verifyStore, type VerifyOptions, type VerifyReport } from '../journal/verify.js';
import { openStore } from '../store/open.js';
import type { DocumentStore, Store } from '../store/types.js';
import type { Account } from '../ledger/types.js';
import { memberCurrency, SCO_MEMBER_CURRENCIES } from '../fx/iso4217.js';
import { toFixed, toFractionString, type RoundingRule } from '../fx/rational.js';
import { PairConverter } from '../fx/convert.js';
import type { RateBook } from '../fx/rates.js';
import { FINANCING_TRANSFER_CODES } from '../financing/intraday_credit.js';
import type { SwapLine } from '../financing/swap_lines.js';
import { ACCOUNT_KIND, accountId, TRANSFER_CODE } from './accounts.js';
import { decodeCommand, type Command } from './commands.js';
import { API_DIRECTORY_LIMITS, isDirectoryCommand, type ApiKeyRecord, type ApiUser, type DirectoryCommand } from './api_directory.js';
import { checkApiIndex, readUnadopted, rebuildIndexIfBehind, writeIndexVersion, writeRecordsOf } from './api_index.js';
import { PlatformError } from './errors.js';
import { PaymentScreener } from './screening.js';
import { facilityKey } from './state.js';
import { stringify, PlatformStateMachine, type AnonymousRejection, type AuditRecord, type ChangeEvent, type CommandOutput } from './state_machine.js';
import type { BusinessDay, ComplianceCase, Facility, Participant, Payment, PaymentState, SettlementWindow } from './types.js';
import type { AccountBalance, Transfer } from '../ledger/types.js';
import { decideAuthority, type AuthorityDecision, type AuthorityRequest } from './authority.js';
import { LockRateGate } from '../fx/quote_locks.js';
import { admitLockQuote, ratePolicyOf } from './market_commands.js';
import type { RatePolicy } from '../fx/rate_policy.js';
import type { OperatorAlert } from './types.js';
import { liquidityProposals, queuedCurrencies } from './liquidity_commands.js';
import { identify, proposalCommand, type IdentifiedResult } from './liquidity_proposal_ids.js';
import type { OptimiserResult } from '../clearing/liquidity_optimiser.js';
import { publicStatistics, publicStatisticsCsv, usdCentsAt, type PublicStatistics } from './public_statistics.js';
import {
  calendarStates,
  currencyDaySpan,
  localDayBounds,
  overlapsOn,
  prepareCalendars,
  showDays,
  type CalendarDayView,
  type CurrencyDaySpan,
  type CurrencyDayView,
} from './currency_days.js';
import { checkGovernance, dueProposals, isGovernanceCommand, type GovernanceCommand } from './governance_commands.js';
import { findProposal, governanceAudit, proposalView, proposalsView, schemeView, type SchemeView } from './governance_views.js';
import { inForce } from './governance_state.js';
import { dueTimetable, type TimetableCommand } from './timetable.js';
import { schemeListSources } from './governance_effect.js';
import { prepareSchemeZones } from './governance_calendars.js';
import { DAY_FIGURES_TRANSFER_CODES, dayBounds, dayFigures, schemeWhatIf, type DayFigures, type WhatIfReport } from './governance_whatif.js';
import { ClusterNode, type ClusterStatus } from '../replication/cluster_node.js';
import { StreamLog } from '../replication/stream_log.js';
import type { ClusterConfig } from '../replication/cluster_config.js';
import { NotLeaderError } from './errors.js';
import type { PaymentProbe } from './payment_book.js';
import type { CommandGiven } from '../journal/command.js';
import { isOwnJsonCopy, jsonBytes, jsonCopy, NOT_JSON } from './json_copy.js';

// For the HTTP shells: the documents interface, the store's errors and redacted
// location, the views and the JSON replacer they answer with.
export { StoreError, type DocumentStore } from '../store/types.js';
export { redactUrl } from './store_tools.js';
export { bigintJson, caseView, dayView, facilityView, participantView, paymentView, swapView, windowView } from './view_tools.js';
export type { AuditRecord, ChangeEvent } from './state_machine.js';
export { QuoteLockLimitError } from './market_commands.js';
export { DEFAULT_LOCK_SECONDS as DEFAULT_QUOTE_LOCK_SECONDS } from '../fx/quotes.js';
export type { OperatorAlert } from './types.js';
export { answerAct, proposeAct } from './governance_state.js';
export { canonicalBytes } from '../governance/canonical.js';
export type { SchemeView } from './governance_views.js';
export type { ClusterStatus } from '../replication/cluster_node.js';
export { API_ROLES, keyView, roleNeedsParticipant, userView, type ApiKeyRecord, type ApiRole, type ApiUser } from './api_directory.js';

export interface PlatformOptions {
  /** Nanoseconds since the epoch; the platform's only time source (the demo passes a simulated one). */
  clock?: () => bigint;
  onProgress?: (message: string) => void;
  group_batches_max?: number;
  snapshot_min_events?: number;
  /** Cluster mode (src/replication): the journal on a JetStream stream; without it nothing of NATS is used. */
  cluster?: PlatformClusterOptions;
}

export interface PlatformClusterOptions {
  config: ClusterConfig;
  node_id: string;
  /** Where this engine's API answers, told to clients of standbys. */
  address: string;
  /** An engine (standby until it takes the lease) or a member replica (read-only, never active). */
  mode: 'engine' | 'replica';
  /** The engine must stop (lost lease, fenced, diverged): the caller ends the process. */
  onFatal: (reason: string) => void;
  onAlarm?: (alarm: string) => void;
}

/** A command as callers write it: `by` defaults to the caller's identity given to execute(). */
export type CommandInput = Record<string, unknown> & { type: Command['type'] };

export interface BalanceView {
  participant: string;
  currency: string;
  account_id: bigint;
  kind: 'settlement' | 'issuing';
  debits_posted_minor: bigint;
  credits_posted_minor: bigint;
  debits_pending_minor: bigint;
  /** Settlement account: what it can pay now. Issuing account: money issued (net debit). */
  available_minor: bigint;
  credit_line_minor: bigint;
  credit_outstanding_minor: bigint;
}

export interface PaymentFilter {
  participant?: string;
  state?: string;
  currency?: string;
  counterparty?: string;
  end_to_end_id?: string;
  /** Newest first, at most this many (1..10,000). */
  limit?: number;
}

export const PAYMENT_QUERY_MAX = 10_000;
/** The JSON text of commands' results the executor already wrote, by result object (Platform.resultJson). */
const RESULT_TEXTS = new WeakMap<object, string>();
/** Cluster mode: an engine or replica snapshots once this many entries came since its last snapshot (and at most every 30 s). */
const CLUSTER_SNAPSHOT_ENTRIES = 1_000;

/** GET /v1/rates: the reference rates in force and their cross rates, as text. */
export interface ReferenceRatesView {
  date: string;
  rates: Array<{ currency: string; units_per_usd: string; date: string; source: string } | { currency: string; error: string }>;
  cross: Array<{ from: string; to: string; rate: string; approx: string } | { from: string; to: string; error: string }>;
}

/** Reference converters convertAtReferenceRate keeps at most (pairs × dates); then it starts again. */
const REFERENCE_CONVERTERS_MAX = 1_024;

export class Platform {
  private readonly store: Store;
  private readonly ledger: DurableLedger;
  private readonly state: PlatformStateMachine;
  /** 'changes' (ChangeEvent[]) after every committed command; 'feed' ({seq, changes}: the same with its journal sequence, ./change_feed.ts); 'alerts' (OperatorAlert[]) when it raised any; 'command' ({type, by, ok}). */
  readonly events = new EventEmitter();
  private readonly clock: () => bigint;
  /** Quote locks per participant per minute, counted before journaling (market_commands.ts admitLockQuote). */
  private readonly lockGate = new LockRateGate();
  /** Cluster mode: this engine's role and the stream it follows or appends to; null for a single engine. */
  private cluster: ClusterNode | null = null;

  /**
   * The platform's parts, for tests that check it against the ledger independently
   * (conservation, settle-once, journal positions). No shell calls it: the
   * architecture test fails if a file outside src/platform names it.
   */
  static internals(p: Platform): { readonly state: PlatformStateMachine; readonly ledger: DurableLedger; readonly store: Store } {
    return { state: p.state, ledger: p.ledger, store: p.store };
  }

  private constructor(store: Store, ledger: DurableLedger, state: PlatformStateMachine, clock: () => bigint) {
    this.store = store;
    this.ledger = ledger;
    this.state = state;
    this.clock = clock;
    this.events.setMaxListeners(1_000);
  }

  static async open(target: string | Store, opts: PlatformOptions = {}): Promise<Platform> {
    const store = typeof target === 'string' ? await openStore(target) : target;
    const clock = opts.clock ?? wallClock();
    const state = new PlatformStateMachine();
    const lopts: DurableLedgerOptions = { clock, executor: state };
    if (opts.onProgress !== undefined) lopts.onProgress = opts.onProgress;
    if (opts.group_batches_max !== undefined) lopts.group_batches_max = opts.group_batches_max;
    if (opts.snapshot_min_events !== undefined) lopts.snapshot_min_events = opts.snapshot_min_events;
    let ledger: DurableLedger;
    let log: StreamLog | null = null;
    try {
      if (opts.cluster !== undefined) {
        log = await StreamLog.open(opts.cluster.config, opts.cluster.node_id);
        lopts.follower = true;
        // A SIGKILLed engine never snapshots on close: snapshot while running, so a restart replays only the tail.
        lopts.periodic_snapshot_entries = CLUSTER_SNAPSHOT_ENTRIES;
        // The active engine renews its lease on the same event loop: no whole-state work longer than a fraction of it.
        lopts.active_pause_max_ms = Math.floor(opts.cluster.config.lease_ms / 4);
        if (opts.cluster.mode === 'engine') lopts.replicator = log;
      }
      ledger = await DurableLedger.open(store, lopts);
    } catch (err) {
      await log?.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      throw err;
    }
    state.machine = ledger.state;
    const platform = new Platform(store, ledger, state, clock);
    try {
      if (opts.cluster !== undefined) platform.cluster = await platform.startCluster(log!, opts.cluster, opts.onProgress ?? (() => undefined));
      // In cluster mode the directory is the stream's: nothing of an earlier release is adopted into it here.
      else await platform.openApiDirectory(opts.onProgress ?? (() => undefined));
    } catch (err) {
      await platform.close().catch(() => undefined);
      throw err;
    }
    return platform;
  }

  private startCluster(log: StreamLog, c: PlatformClusterOptions, onProgress: (m: string) => void): Promise<ClusterNode> {
    return ClusterNode.start(this.ledger, log, {
      mode: c.mode,
      me: { node_id: c.node_id, address: c.address },
      onProgress,
      onFatal: c.onFatal,
      ...(c.onAlarm !== undefined ? { onAlarm: c.onAlarm } : {}),
    }).catch(async (err: unknown) => {
      await log.close().catch(() => undefined);
      throw err;
    });
  }

  /** Cluster mode: this engine's role, stream position, the active engine's address, alarms; null for a single engine. */
  clusterStatus(): ClusterStatus | null {
    return this.cluster?.status() ?? null;
  }

  /** Cluster mode: where this engine's API answers, told to clients of standbys. */
  advertiseCluster(address: string): void {
    this.cluster?.advertise(address);
  }

  /** Cluster mode, a member replica: re-reads the stream where it verified; the alarm, or null when it agrees. */
  async checkReplicaHistory(): Promise<{ caught_up: boolean; problem: string | null }> {
    if (this.cluster === null) return { caught_up: true, problem: null };
    const problem = await this.cluster.checkHistory();
    return { caught_up: await this.cluster.caughtUp(), problem };
  }

  private screenerLoaded: Promise<PaymentScreener | null> | null = null;
  /** The list sources the loaded screener was built for ('' for every active list). */
  private screenerSources = '';

  /**
   * The screener over the store's active sanctions lists (loaded once; null when none). Under a scheme that names
   * screening.list_sources only the lists of those names screen payments; a version naming others reloads it.
   */
  screener(): Promise<PaymentScreener | null> {
    const only = schemeListSources(this.state);
    const key = only === null ? '' : JSON.stringify(only);
    if (this.screenerLoaded === null || key !== this.screenerSources) {
      this.screenerSources = key;
      this.screenerLoaded = PaymentScreener.fromStore(this.store, only ?? undefined);
    }
    return this.screenerLoaded;
  }

  /** Re-reads the lists after a load (`screen load` runs while the platform is closed, so this is for long-lived processes). */
  reloadLists(): void {
    this.screenerLoaded = null;
  }

  now(): bigint {
    return this.clock();
  }

  /**
   * Journals and executes one command. A malformed command throws PlatformError
   * and nothing is written; a refusal by the state (unknown participant, a limit)
   * comes back as `ok: false` with its error, journaled for the audit trail.
   * `owned`: the caller hands `input`'s members over (values JSON.parse made, which it
   * never changes nor reads changed afterwards): when they are plain JSON data exactly as
   * a copy would be (isOwnJsonCopy), the state machine runs them without a copy.
   */
  async execute(input: Record<string, unknown>, by = 'system', owned = false): Promise<CommandOutput> {
    const refusal = this.cluster?.writeRefusal() ?? null;
    if (refusal !== null)
      throw refusal.code === 'not_leader' ? new NotLeaderError(refusal.message, refusal.leader) : new PlatformError(refusal.code, '', refusal.message);
    let withBy: Record<string, unknown> = { ...input, by: typeof input.by === 'string' ? input.by : by };
    // The zones' UTC offsets are resolved here and journaled with the calendars (platform/currency_days.ts).
    if (withBy.type === 'set_calendars') withBy = prepareCalendars(withBy, this.clock());
    if (withBy.type === 'scheme_init' || withBy.type === 'scheme_propose') withBy = prepareSchemeZones(withBy, this.clock());
    const decoded = decodeCommand(withBy);
    // Decisions fall due with time: each is journaled before the next command runs.
    // (Checked first, so a command on a store without due proposals does not wait on the decision chain.)
    if (decoded.type !== 'scheme_decide' && dueProposals(this.state, this.clock()).length > 0) await this.decideDue();
    // A governance act that would be refused is refused here, with nothing journaled.
    if (isGovernanceCommand(decoded)) checkGovernance(Platform.internals(this).state, decoded as GovernanceCommand, this.clock());
    if (withBy.type === 'lock_quote') withBy = admitLockQuote(this.state, this.lockGate, withBy, this.clock());
    let screened = false;
    if (withBy.type === 'submit_payments' && withBy.screening === undefined) {
      const screener = await this.screener();
      if (screener !== null) withBy.screening = (withBy.payments as Record<string, unknown>[]).map((p) => screener.screen(p));
      screened = screener !== null;
    }
    // A screening the platform added holds the screener's objects: such a command is copied.
    const { bytes, given } = journalText(withBy, owned && !screened);
    const directory = isDirectoryCommand(withBy as { type: string });
    if (directory) this.directoryInFlight++;
    let raw: Awaited<ReturnType<DurableLedger['submitCommand']>>;
    try {
      raw = await this.ledger.submitCommand(bytes, given);
    } catch (err) {
      if (directory) this.directoryInFlight--;
      throw err;
    }
    // The executor hands back its output as a value too; a replayed or foreign one is parsed.
    const out = (raw.value ?? JSON.parse(raw.text)) as CommandOutput;
    const resultText = (raw as { resultText?: string }).resultText;
    if (resultText !== undefined && typeof out.result === 'object' && out.result !== null) RESULT_TEXTS.set(out.result, resultText);
    if (directory) await this.indexDirectory(decodeCommand(withBy) as DirectoryCommand, out.ok);
    if (out.changes.length > 0) this.events.emit('changes', out.changes as ChangeEvent[]);
    if (out.changes.length > 0)
      this.events.emit('feed', { seq: (raw as { journal_seq?: number }).journal_seq ?? this.ledger.journal_seq, changes: out.changes });
    if (out.alerts !== undefined && out.alerts.length > 0) this.events.emit('alerts', out.alerts);
    this.events.emit('command', { type: input.type, by: withBy.by, ok: out.ok });
    if (out.ok && isGovernanceCommand(decoded)) this.emitGovernance(decoded as GovernanceCommand, out.result);
    const inForceNow = out.ok && decoded.type === 'open_day' ? (out.result as { scheme?: unknown }).scheme : undefined;
    if (inForceNow !== undefined)
      this.events.emit('governance', { kind: 'version_in_force', date: (decoded as { date: string }).date, ...(inForceNow as object) });
    return out;
  }

  /**
   * JSON.stringify(result) for the result of a command this platform just executed, when the
   * executor wrote that text already (its output digest: a batch's results); else undefined.
   * It is the text of the result as the command left it: a caller that changes the object
   * afterwards writes its own.
   */
  resultJson(result: unknown): string | undefined {
    return typeof result === 'object' && result !== null ? RESULT_TEXTS.get(result) : undefined;
  }

  // ---- the scheme's governance (./governance_commands.ts) -------------------------------------------

  private deciding: Promise<void> = Promise.resolve();

  /** Journals scheme_decide for every proposal whose window closed (the server's timer calls this too). */
  decideDue(): Promise<void> {
    const run = this.deciding.then(async () => {
      for (const id of dueProposals(this.state, this.clock())) {
        try {
          await this.execute({ type: 'scheme_decide', id }, 'system');
        } catch (err) {
          // Another caller decided it first.
          if (!(err instanceof PlatformError)) throw err;
        }
      }
    });
    this.deciding = run.catch(() => undefined);
    return run;
  }

  /**
   * Journals what the scheme's timetable makes due now (./timetable.ts: LSM runs
   * every lsm.interval_minutes, the DNS windows at their times), one command at a
   * time by `system`; answers the commands that ran. The server's timer calls it
   * when serving with --timetable; it runs after any decisions due, never beside them.
   */
  runTimetable(): Promise<TimetableCommand[]> {
    const run = this.deciding.then(async () => {
      const ran: TimetableCommand[] = [];
      for (const cmd of dueTimetable(this.state, inForce(this.state.governance)?.document ?? null, this.clock())) {
        try {
          await this.execute(cmd, 'system');
          ran.push(cmd);
        } catch (err) {
          // An operator ran it first, or the day closed meanwhile.
          if (!(err instanceof PlatformError)) throw err;
        }
      }
      return ran;
    });
    this.deciding = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** 'governance' events: {kind: proposal_opened | proposal_answered | proposal_decided, proposal}; {kind: version_in_force, date, version, …} from open_day (execute). */
  private emitGovernance(cmd: GovernanceCommand, result: unknown): void {
    if (cmd.type !== 'scheme_propose' && cmd.type !== 'scheme_answer' && cmd.type !== 'scheme_withdraw' && cmd.type !== 'scheme_decide') return;
    const view = result as { state: string };
    if (cmd.type === 'scheme_propose') this.events.emit('governance', { kind: 'proposal_opened', proposal: view });
    if (cmd.type === 'scheme_answer') this.events.emit('governance', { kind: 'proposal_answered', proposal: view });
    if (view.state !== 'open') this.events.emit('governance', { kind: 'proposal_decided', proposal: view });
  }

  /** The scheme version in force, or version N. */
  scheme(version?: number): SchemeView {
    return schemeView(this.state.governance, version);
  }

  /** The number of the version in force (0 before scheme init). */
  schemeVersion(): number {
    return inForce(this.state.governance)?.version ?? 0;
  }

  proposals(state?: string): Array<Record<string, unknown>> {
    return proposalsView(this.state.governance, state);
  }

  proposal(id: string): Record<string, unknown> {
    return proposalView(findProposal(this.state.governance, id));
  }

  /** Replays business day `day` under the version in force and under proposal `id` (./governance_whatif.ts). */
  schemeWhatIf(id: string, day: string): Promise<WhatIfReport> {
    return schemeWhatIf(this.store, this.state, id, day);
  }

  /** The figures what-if reports, of business day `day` as this platform recorded it. */
  async dayFigures(day: string): Promise<DayFigures> {
    const b = await dayBounds(this.store, day);
    return dayFigures(this.state, this.ledger.state.transfersWithCodes(DAY_FIGURES_TRANSFER_CODES), b.start_ns, b.end_ns);
  }

  /** The auditor's view of the scheme's governance and the audit trail. */
  schemeAudit(): Record<string, unknown> {
    return governanceAudit(this.state.governance, this.state.audit);
  }

  /** Like execute (`owned` as there), but a refusal throws PlatformError; returns the result. */
  async run<T = unknown>(input: Record<string, unknown>, by = 'system', owned = false): Promise<T> {
    const out = await this.execute(input, by, owned);
    if (!out.ok) throw new PlatformError(out.error!.code as PlatformError['code'], out.error!.field, out.error!.message);
    return out.result as T;
  }

  // ---- reads ----------------------------------------------------------------------------------

  participant(id: string): Participant | undefined {
    return this.state.participant(id);
  }

  /** Every participant, in registration order. */
  participants(): readonly Participant[] {
    return this.state.participants;
  }

  payment(uetr: string): Payment | undefined {
    return this.state.payments.get(uetr);
  }

  payments(filter: PaymentFilter = {}): Payment[] {
    const limit = filter.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > PAYMENT_QUERY_MAX)
      throw new PlatformError('invalid_field', 'limit', `must be 1..${PAYMENT_QUERY_MAX}`);
    const out: Payment[] = [];
    const book = this.state.payments;
    const probe = probeOf(filter);
    for (let i = book.size - 1; i >= 0 && out.length < limit; i--) {
      if (!book.mayMatch(i, probe)) continue;
      const p = book.at(i)!;
      const ins = p.instruction;
      if (filter.participant !== undefined && ins.payer !== filter.participant && ins.payee !== filter.participant) continue;
      if (filter.state !== undefined && p.state !== filter.state) continue;
      if (filter.currency !== undefined && ins.currency !== filter.currency && ins.payee_currency !== filter.currency) continue;
      if (filter.counterparty !== undefined && ins.payer !== filter.counterparty && ins.payee !== filter.counterparty) continue;
      if (filter.end_to_end_id !== undefined && ins.end_to_end_id !== filter.end_to_end_id) continue;
      out.push(p);
    }
    return out;
  }

  balances(participant: string): BalanceView[] {
    const p = this.state.participant(participant);
    if (p === undefined) throw new PlatformError('unknown_participant', 'participant', `${participant} is not a participant`);
    return p.currencies.map((c) => this.balance(p, c));
  }

  balance(p: Participant, currency: string): BalanceView {
    const info = memberCurrency(currency);
    const issuing = p.issues === currency;
    const id = accountId(p.no, info.numeric, issuing ? ACCOUNT_KIND.issuing : ACCOUNT_KIND.settlement);
    const a = this.ledger.state.lookupAccount(id) as Account;
    const f = this.state.facilityOf(p.id, currency);
    return {
      participant: p.id,
      currency,
      account_id: id,
      kind: issuing ? 'issuing' : 'settlement',
      debits_posted_minor: a.debits_posted,
      credits_posted_minor: a.credits_posted,
      debits_pending_minor: a.debits_pending,
      available_minor: availableOf(a, issuing),
      credit_line_minor: f?.line_minor ?? 0n,
      credit_outstanding_minor: f?.outstanding_minor ?? 0n,
    };
  }

  /** balance(p, currency).available_minor, without the view (the demo reads it for every participant and currency often). */
  availableMinor(p: Participant, currency: string): bigint {
    const issuing = p.issues === currency;
    const id = accountId(p.no, memberCurrency(currency).numeric, issuing ? ACCOUNT_KIND.issuing : ACCOUNT_KIND.settlement);
    return availableOf(this.ledger.state.lookupAccount(id) as Account, issuing);
  }

  /** Per currency: money issued on the platform (central bank net debit) and the sum of all other balances. */
  conservation(): Array<{ currency: string; issued_minor: bigint; held_minor: bigint }> {
    const out: Array<{ currency: string; issued_minor: bigint; held_minor: bigint }> = [];
    for (const p of this.state.participants) {
      if (p.issues === null) continue;
      const info = memberCurrency(p.issues);
      let issued = 0n;
      let held = 0n;
      for (const a of this.ledger.state.accountLog) {
        if (a.ledger !== info.numeric) continue;
        const net = a.credits_posted - a.debits_posted;
        if (a.code === ACCOUNT_KIND.issuing) issued -= net;
        else held += net;
      }
      out.push({ currency: p.issues, issued_minor: issued, held_minor: held });
    }
    return out;
  }

  // ---- queries for the API and the dashboard -----------------------------------------------
  // Typed reads the HTTP shells (src/api, src/web, src/http) use instead of the state
  // machine's fields; each returns the platform's own objects (callers must not mutate
  // them) in the order the state keeps them.

  /** Documents beside the ledger (API users and keys, idempotency records), for the HTTP shells and `users`/`keys`. */
  get documents(): DocumentStore {
    return this.store;
  }

  /** Every payment, oldest first. */
  everyPayment(): IterableIterator<Payment> {
    return this.state.payments.values();
  }

  /** The payment at arrival position `i` (0-based, below paymentCount()); archived ones are read back from their records. */
  paymentAt(i: number): Payment | undefined {
    return this.state.payments.at(i);
  }

  /** The arrival position of the payment with this UETR (below paymentCount()), or -1 when none; it is not read back. */
  paymentPosition(uetr: string): number {
    return this.state.payments.positionOf(uetr);
  }

  /** The state of the payment at arrival position `i` (below paymentCount()), read without reading the payment back. */
  paymentStateAt(i: number): PaymentState | undefined {
    return this.state.payments.stateAt(i);
  }

  /**
   * The payments, oldest first with their arrival positions, whose position and
   * state `wanted` accepts, judged before any is read back: a scan that needs few
   * payments reads only those, and archived ones are read back in the order they
   * were stored (./payment_book.ts select).
   */
  paymentsWhere(wanted: (i: number, state: PaymentState) => boolean): IterableIterator<[number, Payment]> {
    return this.state.payments.select(wanted);
  }

  /** False when the payment at position `i` cannot match the filter (`participant` also as FX provider), judged without reading it back. */
  paymentMayMatch(i: number, filter: PaymentFilter): boolean {
    return this.state.payments.mayMatch(i, probeOf(filter));
  }

  /** How many payments are in each state (states in PAYMENT_STATES order). */
  paymentCountsByState(): Map<string, number> {
    return this.state.payments.countsByState();
  }

  /** Payments waiting in RTGS queues, in queue order across currencies. */
  queuedPayments(): Payment[] {
    return this.state.allQueued();
  }

  /** Instructions refused before they became payments (no usable UETR, a duplicate, …). */
  anonymousRejections(): readonly AnonymousRejection[] {
    return this.state.anonymousRejections;
  }

  /** The current (or last) business day, or null before the first. */
  businessDay(): BusinessDay | null {
    return this.state.day;
  }

  /** Settlement windows, oldest first. */
  windows(): readonly SettlementWindow[] {
    return this.state.windows;
  }

  /** LSM runs, oldest first. */
  lsmRuns(): ReadonlyArray<{ at_ns: bigint; currency: string; queued: number; released: number; value_minor: bigint }> {
    return this.state.lsm_runs;
  }

  /** Intraday credit facilities, in the order they were set up. */
  facilities(): Facility[] {
    return [...this.state.facilities.values()];
  }

  /** The collateral pledged for a participant's facility in a currency (empty when none). */
  collateral(
    participant: string,
    currency: string,
  ): ReadonlyArray<{ id: string; kind: string; currency: string; market_value_minor: bigint; haircut_bp: number }> {
    return this.state.collateral.get(facilityKey(participant, currency)) ?? [];
  }

  /** Central-bank swap lines, in the order they were opened. */
  swapLines(): SwapLine[] {
    return [...this.state.swapLines.values()];
  }

  /** Compliance cases, oldest first. */
  cases(): readonly ComplianceCase[] {
    return this.state.cases;
  }

  /** The audit trail: every command, by whom, oldest first. */
  auditTrail(): readonly AuditRecord[] {
    return this.state.audit;
  }

  /**
   * The reference rates in force on `date` (default: the business date, else the latest
   * date with rates) for the currencies issued on the platform, and every cross rate
   * between them (exact fraction and 10 decimals). A missing rate is an `error` row.
   */
  referenceRates(date?: string): ReferenceRatesView {
    const book = this.state.rates();
    const active = this.state.participants
      .filter((p) => p.issues !== null)
      .map((p) => p.issues!)
      .sort();
    const on = date ?? this.state.business_date ?? book.latestDate(active) ?? book.latestDate() ?? '1970-01-01';
    const rates: ReferenceRatesView['rates'] = [];
    const cross: ReferenceRatesView['cross'] = [];
    for (const c of active) {
      try {
        const r = book.rateAsOf(c, on);
        rates.push({ currency: c, units_per_usd: r.units_per_usd_text, date: r.date, source: r.source });
      } catch (err) {
        rates.push({ currency: c, error: (err as Error).message });
      }
    }
    for (const from of active) {
      for (const to of active) {
        if (from === to) continue;
        try {
          const x = book.crossRate(from, to, on);
          cross.push({ from, to, rate: toFractionString(x.rate), approx: toFixed(x.rate, 10) });
        } catch (err) {
          cross.push({ from, to, error: (err as Error).message });
        }
      }
    }
    return { date: on, rates, cross };
  }

  /** The scheme's staleness rule for reference rates in force (rules 3; set_rate_policy changes it). */
  ratePolicy(): RatePolicy {
    return ratePolicyOf(this.state);
  }

  /** Operator alerts about stale reference rates, oldest first. */
  rateAlerts(): readonly OperatorAlert[] {
    return this.state.rateAlerts;
  }

  /** Re-checks the whole store from its first entry (see journal/verify.ts), replaying commands on a fresh platform state. */
  static async verify(store: Store, onProgress?: (m: string) => void, options: VerifyOptions = {}): Promise<VerifyReport> {
    const fresh = new PlatformStateMachine();
    let report: VerifyReport;
    try {
      report = await verifyStore(store, onProgress, fresh, options);
    } catch (err) {
      // A following verify passed the snapshot's entry before the snapshot was written: again, from the start, on a fresh state.
      if (!(err instanceof SnapshotPassed)) throw err;
      return Platform.verify(store, onProgress, options.expect_head === undefined ? {} : { expect_head: options.expect_head });
    }
    if (!report.ok) return report;
    // API users and keys: the documents table must agree with the journal's directory (./api_index.ts).
    const users = await checkApiIndex(store, fresh.apiDirectory);
    if (users.note !== null) report.notes.push(users.note);
    if (users.problem !== null) Object.assign(report, { ok: false, first_bad_seq: null, problem: users.problem });
    return report;
  }

  async close(): Promise<void> {
    if (this.cluster !== null) {
      await this.cluster.stop();
      // Followed entries change the directory without writing its index documents: bring them up to date.
      if (this.ledger.failed === null) await rebuildIndexIfBehind(this.store, this.state.apiDirectory).catch(() => undefined);
    }
    await this.ledger.close();
    // The payment book's spill file (../store/spill_file.ts): its space goes back now, not at the next collection.
    this.state.payments.close();
  }

  // ---- doors for ISO 20022 ----------------------------------------------------------------------

  /** Whether a participant may cancel or return a payment (./authority.ts), judged on the payment as it is now. */
  authority(request: AuthorityRequest): AuthorityDecision {
    return decideAuthority(this.payment(request.uetr), request);
  }

  /** The date (YYYY-MM-DD) of the current business day; null before the first is opened. */
  businessDate(): string | null {
    return this.state.business_date;
  }

  /** The participant numbered `no` (1-based: the number its account ids carry); undefined for the operator (0) or none. */
  participantByNo(no: number): Participant | undefined {
    return no < 1 ? undefined : this.state.participants[no - 1];
  }

  /** Ledger account `id` as it is now (posted and pending balances); undefined when it does not exist. */
  ledgerAccount(id: bigint): Account | undefined {
    return this.ledger.state.lookupAccount(id);
  }

  /** Every transfer touching `account_id` with a timestamp in [timestamp_min, timestamp_max] (0: no upper bound), oldest first. */
  async accountTransfers(account_id: bigint, timestamp_min: bigint, timestamp_max: bigint): Promise<Transfer[]> {
    const page_max = 8_189;
    const out: Transfer[] = [];
    let from = timestamp_min;
    for (;;) {
      const page = await this.ledger.accountTransfers({
        account_id,
        timestamp_min: from,
        timestamp_max,
        limit: page_max,
        debits: true,
        credits: true,
        reversed: false,
      });
      out.push(...page);
      if (page.length < page_max) return out;
      from = page[page.length - 1]!.timestamp + 1n;
    }
  }

  /** The account's balances after its last booking at or before `at_ns`, from its balance history; null when none is recorded (no history kept, or no booking yet). */
  async accountBalanceAt(account_id: bigint, at_ns: bigint): Promise<AccountBalance | null> {
    const h = await this.ledger.accountBalances({ account_id, timestamp_min: 0n, timestamp_max: at_ns, limit: 1, debits: true, credits: true, reversed: true });
    return h[0] ?? null;
  }

  /** Ledger transfers by id, in the order found; unknown ids are left out. */
  transfers(ids: readonly bigint[]): Promise<Transfer[]> {
    return this.ledger.lookupTransfers(ids);
  }

  // ---- queries for the CLI and demo -------------------------------------------------------------

  paymentCount(): number {
    return this.state.payments.size;
  }

  /** How the payments are held: as objects (every unfinished one and the most recently finished) and as compact records (./payment_book.ts). */
  paymentsHeld(): {
    objects: number;
    records: number;
    record_bytes: number;
    resident_record_bytes: number;
    spilled_bytes: number;
    frozen_positions: number;
    id_index_bytes: number;
    frozen_id_file_bytes: number;
  } {
    const b = this.state.payments;
    return {
      objects: b.size - b.archived,
      records: b.archived,
      record_bytes: b.recordBytes,
      resident_record_bytes: b.residentRecordBytes,
      spilled_bytes: b.spilledBytes,
      // Per-position columns, the UETR table and the frozen runs' filters (./payment_book.ts).
      frozen_positions: b.frozenPositions,
      id_index_bytes: b.indexBytes,
      frozen_id_file_bytes: b.frozenFileBytes,
    };
  }

  /** How the ledger holds its transfers: the newest in memory, older ones in its spill file, and the ids of old ones in sorted runs beside it (../ledger/transfer_log.ts). */
  transfersHeld(): {
    transfers: number;
    resident_bytes: number;
    spilled_bytes: number;
    frozen_ids: number;
    id_index_bytes: number;
    frozen_id_file_bytes: number;
  } {
    const t = this.ledger.state.transfers;
    return {
      transfers: t.size,
      resident_bytes: t.residentBytes,
      spilled_bytes: t.spilledBytes,
      frozen_ids: t.frozenRecords,
      id_index_bytes: t.indexBytes,
      frozen_id_file_bytes: t.frozenFileBytes,
    };
  }

  /**
   * `amount_minor` of `from` in `to` at the reference cross rate of `date` (the
   * platform's imported rates), rounded by `rounding`; throws when no rate applies.
   */
  convertAtReferenceRate(from: string, to: string, amount_minor: bigint, date: string, rounding: RoundingRule): bigint {
    const book = this.state.rates();
    // Three-letter codes only: the key then reads back one way (from, to, date).
    if (from.length !== 3 || to.length !== 3)
      return new PairConverter(from, to, book.crossRate(from, to, date).rate).convert(amount_minor, rounding).amount_minor;
    let memo = this.referenceConverters;
    if (memo === null || memo.book !== book) memo = this.referenceConverters = { book, byKey: new Map() };
    const key = from + to + date;
    let pair = memo.byKey.get(key);
    if (pair === undefined) {
      pair = new PairConverter(from, to, book.crossRate(from, to, date).rate);
      if (memo.byKey.size >= REFERENCE_CONVERTERS_MAX) memo.byKey.clear();
      memo.byKey.set(key, pair);
    }
    return pair.convert(amount_minor, rounding).amount_minor;
  }

  /**
   * convertAtReferenceRate's converters, per pair and date, for one rate book: a
   * RateBook never changes (new rates make a new book), so a pair's rate on a
   * date stays what it was while the book does. The demo converts per payment.
   */
  private referenceConverters: { book: RateBook; byKey: Map<string, PairConverter> } | null = null;

  /**
   * Amounts of the ledger's transfers of one kind, in the order they were made:
   * intraday credit drawdowns, or the payer-side transfers of settled payments
   * (direct, PvP payer legs and LSM debits; payments later returned included).
   * `from`: the ledger's first transfer looked at (transferCount() of an earlier
   * call: only the transfers made since).
   */
  transferAmounts(kind: 'intraday_credit_drawdown' | 'settled_payment', from = 0): Array<{ currency: string; amount_minor: bigint }> {
    const codes: readonly number[] =
      kind === 'intraday_credit_drawdown'
        ? [FINANCING_TRANSFER_CODES.intraday_drawdown]
        : [TRANSFER_CODE.payment, TRANSFER_CODE.pvp_payer_leg, TRANSFER_CODE.lsm_debit];
    const currencyOf = new Map(SCO_MEMBER_CURRENCIES.map((c) => [memberCurrency(c).numeric, c] as const));
    const out: Array<{ currency: string; amount_minor: bigint }> = [];
    for (const t of this.ledger.state.transfersWithCodes(codes, from)) {
      if (codes.includes(t.code)) out.push({ currency: currencyOf.get(t.ledger) ?? 'XXX', amount_minor: t.amount });
    }
    return out;
  }

  /** How many transfers the ledger holds: where transferAmounts starts to read only those made after now. */
  transferCount(): number {
    return this.ledger.state.transferCount;
  }

  /** sha256 (hex) of the encoded platform state: equal digests, equal states (for determinism checks). */
  stateDigest(): string {
    return createHash('sha256').update(this.state.encodeState()).digest('hex');
  }

  /** What an operator watches besides health: the query index's backlog (entries, and events), and a hook on each journal commit's duration. */
  operations(): {
    index_backlog_entries: number;
    index_backlog_events: number;
    observeCommits: (fn: (seconds: number, entries: number) => void) => void;
  } {
    return {
      index_backlog_entries: this.ledger.index_backlog_entries,
      index_backlog_events: this.ledger.backlogSize.events,
      observeCommits: (fn) => {
        this.ledger.commitObserver = fn;
      },
    };
  }

  /** Whether the platform can still write: false (with why) once a journal write failed and the ledger stopped. */
  health(): { writable: true } | { writable: false; reason: string } {
    const failed = this.ledger.failed;
    return failed === null ? { writable: true } : { writable: false, reason: `the ledger stopped after a failed journal write (${failed.message})` };
  }

  /**
   * The receipt for every write acknowledged so far: the journal position and entry
   * hash of the last durable entry (a write's own entry is at or before it once its
   * promise resolved). `sco-settle verify --expect-head SEQ:HASH` checks a store
   * still reaches it. Only durable entries count, never a group still committing.
   */
  journalHead(): { seq: number; head_hash: string } {
    const h = this.ledger.durable_head;
    return { seq: h.seq, head_hash: h.hash.toString('hex') };
  }

  /**
   * Resolves once everything the state shows now is durable in the journal (in
   * cluster mode, in the stream); rejects (ledger_failed) when it never will be:
   * an engine whose append another engine fenced keeps, in memory, payments that
   * are in no journal. An answer read from the state instead of journaled (a keyed
   * retry of payments already held) acknowledges them only after this.
   */
  whenDurable(): Promise<void> {
    return this.ledger.whenDurable();
  }

  // ---- API users and keys (./api_directory.ts, ./user_commands.ts, ./api_index.ts) ---------------
  // Journaled commands change them (create_user, update_user, create_key, revoke_key);
  // these read the directory the journal built. Records are replaced on change, never
  // mutated, so a holder of an old record sees a change by identity.

  private directoryInFlight = 0;
  private directoryIndexWrites: Promise<void> = Promise.resolve();

  apiUser(name: string): ApiUser | undefined {
    return this.state.apiDirectory.users.get(name);
  }

  /** Every API user, by name. */
  apiUsers(): ApiUser[] {
    return [...this.state.apiDirectory.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  apiKey(id: string): ApiKeyRecord | undefined {
    return this.state.apiDirectory.keys.get(id);
  }

  /** Every API key record (with its salt and hash: callers show keyView only), in creation order. */
  apiKeys(): ApiKeyRecord[] {
    return [...this.state.apiDirectory.keys.values()];
  }

  /** After a directory command: its records' documents, then (with none in flight) the index version; in order, one at a time. */
  private indexDirectory(cmd: DirectoryCommand, ok: boolean): Promise<void> {
    const dir = this.state.apiDirectory;
    const write = this.directoryIndexWrites.then(async () => {
      try {
        if (ok) await writeRecordsOf(this.store, dir, cmd);
      } finally {
        this.directoryInFlight--;
      }
      if (this.directoryInFlight === 0) await writeIndexVersion(this.store, dir);
    });
    this.directoryIndexWrites = write.catch(() => undefined);
    return write;
  }

  /**
   * On open: a previous release's users and keys (documents only) are adopted into the
   * journal once, in chunks; an index that lags the journal (an abrupt stop) is rewritten.
   */
  private async openApiDirectory(onProgress: (m: string) => void): Promise<void> {
    const dir = this.state.apiDirectory;
    if (dir.adopted) {
      const n = await rebuildIndexIfBehind(this.store, dir);
      if (n > 0) onProgress(`the API users index lagged the journal; rewrote ${n} user and key documents`);
      return;
    }
    const found = await readUnadopted(this.store);
    for (const name of found.unreadable) onProgress(`warning: document ${name} is not a readable user or key record; not adopted (verify reports it)`);
    if (found.users.length + found.keys.length === 0) return;
    const records = [...found.users.map((u) => ({ u })), ...found.keys.map((k) => ({ k }))];
    const chunk = API_DIRECTORY_LIMITS.adopt_records_max;
    for (let i = 0; i < records.length; i += chunk) {
      const part = records.slice(i, i + chunk);
      await this.run(
        {
          type: 'adopt_api_directory',
          users: part.flatMap((r) => ('u' in r ? [r.u] : [])),
          keys: part.flatMap((r) => ('k' in r ? [r.k] : [])),
          complete: i + chunk >= records.length,
        },
        'system',
      );
    }
    onProgress(`adopted ${found.users.length} API users and ${found.keys.length} keys of an earlier release into the journal`);
  }

  /**
   * The cross-currency liquidity optimiser's proposals (read-only): for `currency`,
   * or for every currency with queued payments. Each says what it would convert
   * (via a provider or a swap line) and the queued value an LSM run then releases.
   */
  liquidityProposals(currency?: string): IdentifiedResult[] {
    return identify(this.unidentifiedProposals(currency), this.journalHead().seq);
  }

  /** The `execute_liquidity_proposal` command of a listed proposal's id, if it is still proposed (./liquidity_proposal_ids.ts). */
  liquidityProposalCommand(id: string): Record<string, unknown> {
    return proposalCommand(id, this.unidentifiedProposals(), this.journalHead().seq);
  }

  private unidentifiedProposals(currency?: string): OptimiserResult[] {
    let list: string[];
    if (currency === undefined) list = queuedCurrencies(this.state);
    else {
      const c = currency.toUpperCase();
      if (!this.state.issuer.has(c)) throw new PlatformError('no_central_bank', 'currency', `${c} has no central bank on the platform`);
      list = [c];
    }
    const now = this.clock();
    return list.map((c) => liquidityProposals(this.state, c, now));
  }

  /** Whether the scheme allows executing liquidity proposals (set_liquidity_execution). */
  /** Rules 3: each currency with a calendar now — accepting payments or why not, its business date, today's hours in home time and UTC. */
  currencyDays(): CurrencyDayView[] {
    return calendarStates(this.state, this.clock());
  }

  /** The open and closed days of a currency's calendar in the store, from..to (inclusive); not_found without one. */
  calendarDays(currency: string, from: string, to: string): CalendarDayView[] {
    const e = this.state.calendars.get(currency);
    if (e === undefined) throw new PlatformError('not_found', 'currency', `${currency} has no calendar in this store`);
    return showDays(e, from, to);
  }

  /** Each pair of currencies with calendars: the UTC windows of `utc_date` in which both accept payments. */
  calendarOverlaps(utc_date: string): Array<{ pair: string; windows_utc: string[] }> {
    return overlapsOn(this.state, utc_date);
  }

  /** The ledger accounts of a currency with their kind (ACCOUNT_KIND numbers), in creation order: for reconciliation reports. */
  ledgerAccountsOf(currency: string): Array<{ id: bigint; kind: number }> {
    const ledger = memberCurrency(currency).numeric;
    return this.ledger.state.accountLog.filter((a) => a.ledger === ledger).map((a) => ({ id: a.id, kind: a.code }));
  }

  /** A currency's current business day: its home zone and the instants it spans (for the dashboard's charts); null before the first day. */
  currencyDaySpan(currency: string): CurrencyDaySpan | null {
    return currencyDaySpan(this.state, currency, this.clock());
  }

  /** `date` as a local day in `currency`'s home zone: its first and last instants (ns, UTC); null when not a date. */
  localDayBounds(currency: string, date: string): { time_zone: string; start_ns: bigint; end_ns: bigint } | null {
    return localDayBounds(this.state, currency, date);
  }

  /** USD cents of an amount at the reference rate of `date` (latest on or before it), rounded down; null without a rate. */
  usdCents(currency: string, minor: bigint, date: string): bigint | null {
    return usdCentsAt(this.state, currency, minor, date);
  }

  /** The public statistics: no participant in them (./public_statistics.ts says what is published). */
  publicStatistics(): PublicStatistics {
    return publicStatistics(this.state);
  }

  publicStatisticsCsv(): string {
    return publicStatisticsCsv(publicStatistics(this.state));
  }

  liquidityExecutionAllowed(): boolean {
    return this.state.liquidity_execution;
  }
}

/** What an account holds available: an issuing account its net debit, any other its net credit less pending debits. */
function availableOf(a: Account, issuing: boolean): bigint {
  return issuing ? a.debits_posted - a.credits_posted : a.credits_posted - a.debits_posted - a.debits_pending;
}

/**
 * The command's journaled bytes, and what the state machine is handed with them (CommandGiven): their text and,
 * for plain JSON data (./json_copy.ts), the copy they were written from, which reads exactly as that text parsed
 * and which no caller holds. Anything else is written as before (bigints as decimal strings) and parsed again.
 */
function journalText(withBy: Record<string, unknown>, owned: boolean): { bytes: Buffer; given: CommandGiven } {
  // A value the caller handed over that is its own copy runs as it is: the same bytes, and no caller holds it.
  const value = owned && isOwnJsonCopy(withBy) ? withBy : jsonCopy(withBy);
  if (value === NOT_JSON) {
    const text = stringify(withBy);
    return { bytes: Buffer.from(text), given: { text } };
  }
  // The bytes written from the copy in pieces (a batch's text is never one string); the executor runs the copy.
  return { bytes: jsonBytes(value as Record<string, unknown>), given: { value } };
}

function probeOf(f: PaymentFilter): PaymentProbe {
  const q: PaymentProbe = {};
  if (f.participant !== undefined) q.involves = f.participant;
  if (f.counterparty !== undefined) q.counterparty = f.counterparty;
  if (f.end_to_end_id !== undefined) q.end_to_end_id = f.end_to_end_id;
  if (f.state !== undefined) q.state = f.state as PaymentProbe['state'];
  return q;
}
