// The ledger state machine: accounts and transfers with TigerBeetle's semantics.
//
// Owns: the in-memory state (accounts, transfers, pending-transfer status, the
// expiry queue) and the rules that change it. It is deterministic: the same
// batches with the same clock inputs give the same results and state on every
// replica and every replay. No I/O, no clock, no randomness: time arrives as an
// argument in nanoseconds. Nothing is updated in place except account balances
// and pending status; nothing is deleted; a failed event changes nothing, and a
// failed event inside a linked chain undoes the whole chain.

import {
  ACCOUNT_FLAGS_KNOWN,
  AccountFlags,
  BATCH_EVENTS_MAX,
  NS_PER_S,
  RESULT_NUMBER as R,
  TRANSFER_FLAGS_KNOWN,
  TransferFlags,
  U128_MAX,
  U64_MAX,
  type Account,
  type AccountBalance,
  type PendingStatus,
  type Transfer,
} from './types.js';
import { MinHeap } from './heap.js';
import { IdTable } from './id_table.js';
import { TransferLog, type TransferSpill } from './transfer_log.js';

const A_LINKED = AccountFlags.linked;
const A_DMNEC = AccountFlags.debits_must_not_exceed_credits;
const A_CMNED = AccountFlags.credits_must_not_exceed_debits;
const A_HISTORY = AccountFlags.history;
const A_CLOSED = AccountFlags.closed;

const T_LINKED = TransferFlags.linked;
const T_PENDING = TransferFlags.pending;
const T_POST = TransferFlags.post_pending_transfer;
const T_VOID = TransferFlags.void_pending_transfer;
const T_BAL_D = TransferFlags.balancing_debit;
const T_BAL_C = TransferFlags.balancing_credit;

export interface LedgerLimits {
  /** Accounts the state may hold; creation beyond it fails with `accounts_limit_reached`. */
  accounts_max: number;
  /** Transfers the state may hold; creation beyond it fails with `transfers_limit_reached`. */
  transfers_max: number;
}

export const DEFAULT_LIMITS: LedgerLimits = {
  accounts_max: 1_000_000,
  transfers_max: 20_000_000,
};

export interface PendingEntry {
  status: PendingStatus;
  /** 0n when the pending transfer has no timeout. */
  expires_at: bigint;
}

/** A balance row produced for an account with the `history` flag. */
export interface HistoryRow {
  account_id: bigint;
  balance: AccountBalance;
}

/** An expiry of a pending transfer, with the timestamp the ledger gave it. */
export interface Expiry {
  transfer: Transfer;
  timestamp: bigint;
}

/** What one executed batch changed, for the query index and for checks. */
export interface BatchEffects {
  accounts_created: Account[];
  transfers_created: Transfer[];
  expired: Expiry[];
  history: HistoryRow[];
  /** transfers_created.length, without making the transfers. */
  readonly transfer_count: number;
  /** Calls `fn` with each created transfer's debit account id, then its credit account id, in order. */
  forEachTransferAccount(fn: (id: bigint) => void): void;
  /**
   * Writes the created transfers' records (the codec's layout, ./codec.ts:
   * encodeTransfer), the k-th at `off + k * stride` of `into`. Returns the offset
   * after the last.
   */
  writeTransferRecords(into: Uint8Array, off: number, stride: number): number;
}

/**
 * Effects, batch after batch (one batch's, from execute(); a command's, from
 * executeInto through ../journal/command.ts: RecordingLedger). Its transfers are
 * held as rows of the ledger's transfer log (which keeps them compactly and never
 * changes a row once its batch is done) and made into objects only when
 * `transfers_created` is read: the query index copies the rows' records instead.
 * A 1,000-payment command runs ~1,000 small batches, and their Transfer objects,
 * held until the index took them, were copied by the young generation's
 * collections meanwhile.
 */
export class RecordedEffects implements BatchEffects, EffectsSink {
  readonly accounts_created: Account[] = [];
  readonly expired: Expiry[] = [];
  readonly history: HistoryRow[] = [];
  private readonly log: TransferLog;
  /** Row ranges [from, to) as pairs, in order; adjacent ones merged. */
  private readonly rows: number[] = [];
  private count = 0;
  private made: Transfer[] | null = null;

  constructor(log: TransferLog) {
    this.log = log;
  }

  addTransferRows(from: number, to: number): void {
    if (to <= from) return;
    const rows = this.rows;
    const n = rows.length;
    if (n > 0 && rows[n - 1] === from) rows[n - 1] = to;
    else rows.push(from, to);
    this.count += to - from;
    this.made = null;
  }

  get transfer_count(): number {
    return this.count;
  }

  /** Writes the transfers' records from the log's rows: the k-th at `off + k * stride` (IndexBatch.transfer_records). Returns the offset after the last. */
  writeTransferRecords(into: Uint8Array, off: number, stride: number): number {
    const rows = this.rows;
    for (let i = 0; i < rows.length; i += 2) off = this.log.copyRecords(rows[i]!, rows[i + 1]!, into, off, stride);
    return off;
  }

  /** Calls `fn` with each transfer's debit account id, then its credit account id, in order, making no Transfer. */
  forEachTransferAccount(fn: (id: bigint) => void): void {
    const rows = this.rows;
    for (let i = 0; i < rows.length; i += 2)
      for (let r = rows[i]!; r < rows[i + 1]!; r++) {
        fn(this.log.debitAt(r));
        fn(this.log.creditAt(r));
      }
  }

  get transfers_created(): Transfer[] {
    if (this.made === null) {
      const out: Transfer[] = [];
      const rows = this.rows;
      for (let i = 0; i < rows.length; i += 2) for (let r = rows[i]!; r < rows[i + 1]!; r++) out.push(this.log.read(r));
      this.made = out;
    }
    return this.made;
  }
}

/** Where executeInto adds a batch's effects (RecordingLedger's, ../journal/command.ts). */
export interface EffectsSink {
  readonly accounts_created: Account[];
  readonly expired: Expiry[];
  /** Null: no balance rows are made (verify's replay, which reads none). */
  readonly history: HistoryRow[] | null;
  /** The batch created the transfer log's rows [from, to) (none when equal). */
  addTransferRows(from: number, to: number): void;
}

export type Operation = 'create_accounts' | 'create_transfers' | 'pulse';

interface UndoBalance {
  account: Account;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
}

export class LedgerStateMachine {
  readonly limits: LedgerLimits;
  readonly accounts = new IdTable<Account>();
  /** Every transfer, compactly (see transfer_log.ts): lookups and iteration give copies. */
  readonly transfers: TransferLog;
  /** Status of every transfer created with the `pending` flag. */
  readonly pending = new Map<bigint, PendingEntry>();
  /**
   * The event as submitted, kept only where the stored transfer differs from it
   * (balancing amounts, post/void fields taken from the pending transfer), so a
   * retry of the same event is recognised as `exists`. Kept compactly too, in
   * the order of their transfers.
   */
  private readonly submitted = new TransferLog();
  private readonly expiries = new MinHeap<Transfer>();

  /** Timestamp of the last event or expiry; every new one is strictly greater. */
  private lastTimestamp = 0n;

  // Per-batch effects, reset by each execute().
  private expiredNow: Expiry[] = [];
  private historyNow: HistoryRow[] | null = null;

  // Undo log of the open linked chain.
  private scopeOpen = false;
  private undoBalances: UndoBalance[] = [];
  private undoPending: Array<{ id: bigint; previous: PendingEntry | undefined }> = [];
  private scopeAccountLog = 0;
  private scopeTransferLog = 0;
  private scopeHistory = 0;

  /** `transfer_spill`: where old transfers may go out of memory (none: all stay in memory; see transfer_log.ts). */
  constructor(limits: LedgerLimits = DEFAULT_LIMITS, transfer_spill?: TransferSpill) {
    this.limits = limits;
    this.transfers = new TransferLog(transfer_spill);
  }

  /** All accounts in timestamp order. */
  get accountLog(): readonly Account[] {
    return this.accounts.values_in_order;
  }

  /** How many transfers the state holds. */
  get transferCount(): number {
    return this.transfers.size;
  }

  /** All transfers in timestamp order, as copies made one at a time (the state keeps no Transfer objects). */
  transfersInOrder(): IterableIterator<Transfer> {
    return this.transfers.values();
  }

  /**
   * The transfers whose code is one of `codes`, in timestamp order: only those are
   * made into objects. `from`: the first row looked at (the transfers before it,
   * in order, are left out; a caller that saw them reads only the new ones).
   */
  *transfersWithCodes(codes: readonly number[], from = 0): IterableIterator<Transfer> {
    const log = this.transfers;
    for (let r = from; r < log.size; r++) if (codes.includes(log.codeAt(r))) yield log.read(r);
  }

  get last_timestamp(): bigint {
    return this.lastTimestamp;
  }

  /**
   * Executes one batch at the given clock reading and returns one result number per
   * event (see RESULT_CODES). The clock may stall or go back: the ledger's own
   * timestamps stay strictly increasing.
   */
  execute(op: Operation, events: readonly (Account | Transfer)[], clock_ns: bigint): { results: Uint8Array; effects: BatchEffects } {
    const effects = new RecordedEffects(this.transfers);
    const results = this.executeInto(op, events, clock_ns, effects);
    return { results, effects };
  }

  /**
   * execute, its effects added to `into` instead of returned in objects of their
   * own: accounts, expiries and balance rows appended to its arrays, and the
   * batch's transfers as the rows [from, to) of the transfer log (`transfers`),
   * which `into` may read when it needs them (a command's many small batches
   * then make no Transfer objects until the query index takes them).
   */
  executeInto(op: Operation, events: readonly (Account | Transfer)[], clock_ns: bigint, into: EffectsSink): Uint8Array {
    const accountsBefore = this.accountLog.length;
    const transfersBefore = this.transfers.size;
    const results = this.runOperation(op, events, clock_ns, into.expired, into.history);
    const accounts = this.accountLog;
    for (let i = accountsBefore; i < accounts.length; i++) into.accounts_created.push(accounts[i]!);
    into.addTransferRows(transfersBefore, this.transfers.size);
    return results;
  }

  /** One batch; its expiries and balance rows are appended to `expired` and `history` (a linked chain that fails takes back its own). */
  private runOperation(op: Operation, events: readonly (Account | Transfer)[], clock_ns: bigint, expired: Expiry[], history: HistoryRow[] | null): Uint8Array {
    if (events.length > BATCH_EVENTS_MAX) throw new Error(`batch of ${events.length} events exceeds ${BATCH_EVENTS_MAX}`);
    if (op === 'pulse' && events.length !== 0) throw new Error('a pulse carries no events');
    this.expiredNow = expired;
    this.historyNow = history;

    let ts = clock_ns > this.lastTimestamp ? clock_ns : this.lastTimestamp + 1n;
    ts = this.expireDue(ts);
    let results: Uint8Array;
    if (op === 'create_accounts') {
      results = this.runBatch(events, ts, true);
    } else if (op === 'create_transfers') {
      results = this.runBatch(events, ts, false);
    } else {
      results = new Uint8Array(0);
    }
    if (events.length > 0) this.lastTimestamp = ts + BigInt(events.length - 1);
    if (this.lastTimestamp > U64_MAX) throw new Error('ledger timestamp overflowed u64');
    return results;
  }

  /** The earliest deadline among pending transfers, or null; lets a host decide when to pulse. */
  nextExpiry(): bigint | null {
    for (;;) {
      const top = this.expiries.peek();
      if (top === undefined) return null;
      if (this.isLiveExpiry(top.value)) return top.key;
      this.expiries.pop();
    }
  }

  lookupAccount(id: bigint): Account | undefined {
    return this.accounts.get(id);
  }

  lookupTransfer(id: bigint): Transfer | undefined {
    return this.transfers.get(id);
  }

  pendingStatus(id: bigint): PendingStatus | undefined {
    return this.pending.get(id)?.status;
  }

  // ---- batches and linked chains ---------------------------------------------------------

  /** Direct calls to createAccount / createTransfer (not a callback) keep the call sites inlinable. */
  private runBatch(events: readonly (Account | Transfer)[], ts0: bigint, accounts: boolean): Uint8Array {
    const linkedFlag = accounts ? A_LINKED : T_LINKED;
    const n = events.length;
    const results = new Uint8Array(n);
    let chainStart = -1;
    let chainBroken = false;
    let ts = ts0;
    for (let i = 0; i < n; i++, ts += 1n) {
      const e = events[i]!;
      const linked = (e.flags & linkedFlag) !== 0;
      if (linked && chainStart < 0) {
        chainStart = i;
        this.openScope();
      }
      let r: number;
      if (linked && i === n - 1) r = R.linked_event_chain_open;
      else if (chainBroken) r = R.linked_event_failed;
      else r = accounts ? this.createAccount(e as Account, ts) : this.createTransfer(e as Transfer, ts);
      results[i] = r;
      if (chainStart >= 0) {
        if (r !== R.ok && !chainBroken) {
          chainBroken = true;
          this.rollbackScope();
          for (let j = chainStart; j < i; j++) results[j] = R.linked_event_failed;
        }
        if (!linked || i === n - 1) {
          this.closeScope();
          chainStart = -1;
          chainBroken = false;
        }
      }
    }
    return results;
  }

  private openScope(): void {
    this.scopeOpen = true;
    this.undoBalances.length = 0;
    this.undoPending.length = 0;
    this.scopeAccountLog = this.accountLog.length;
    this.scopeTransferLog = this.transfers.size;
    this.scopeHistory = this.historyNow?.length ?? 0;
  }

  private closeScope(): void {
    this.scopeOpen = false;
    this.undoBalances.length = 0;
    this.undoPending.length = 0;
  }

  private rollbackScope(): void {
    for (let i = this.undoBalances.length - 1; i >= 0; i--) {
      const u = this.undoBalances[i]!;
      u.account.debits_pending = u.debits_pending;
      u.account.debits_posted = u.debits_posted;
      u.account.credits_pending = u.credits_pending;
      u.account.credits_posted = u.credits_posted;
    }
    for (let i = this.undoPending.length - 1; i >= 0; i--) {
      const u = this.undoPending[i]!;
      if (u.previous === undefined) this.pending.delete(u.id);
      else this.pending.set(u.id, u.previous);
    }
    while (this.accounts.size > this.scopeAccountLog) this.accounts.popLast();
    while (this.transfers.size > this.scopeTransferLog) {
      // Submitted forms are appended right after their transfers, so they pop in the same LIFO order.
      const id = this.transfers.popLast()!.id;
      if (this.submitted.size > 0 && this.submitted.idAt(this.submitted.size - 1) === id) this.submitted.popLast();
    }
    if (this.historyNow !== null) this.historyNow.length = this.scopeHistory;
    this.undoBalances.length = 0;
    this.undoPending.length = 0;
  }

  private saveBalance(a: Account): void {
    this.undoBalances.push({
      account: a,
      debits_pending: a.debits_pending,
      debits_posted: a.debits_posted,
      credits_pending: a.credits_pending,
      credits_posted: a.credits_posted,
    });
  }

  /** Both sides' balances, for the undo log of an open scope. */
  private saveBalances(dr: Account, cr: Account): void {
    if (!this.scopeOpen) return;
    this.saveBalance(dr);
    this.saveBalance(cr);
  }

  private setPending(id: bigint, entry: PendingEntry): void {
    if (this.scopeOpen) this.undoPending.push({ id, previous: this.pending.get(id) });
    this.pending.set(id, entry);
  }

  private recordHistory(a: Account, timestamp: bigint): void {
    if (this.historyNow === null) return;
    this.historyNow.push({
      account_id: a.id,
      balance: {
        debits_pending: a.debits_pending,
        debits_posted: a.debits_posted,
        credits_pending: a.credits_pending,
        credits_posted: a.credits_posted,
        timestamp,
      },
    });
  }

  /** History of both sides, for the accounts that keep it. */
  private recordHistories(dr: Account, cr: Account, timestamp: bigint): void {
    if ((dr.flags & A_HISTORY) !== 0) this.recordHistory(dr, timestamp);
    if ((cr.flags & A_HISTORY) !== 0) this.recordHistory(cr, timestamp);
  }

  // ---- accounts --------------------------------------------------------------------------

  private createAccount(a: Account, ts: bigint): number {
    if (a.timestamp !== 0n) return R.timestamp_must_be_zero;
    if ((a.flags & ~ACCOUNT_FLAGS_KNOWN) !== 0) return R.reserved_flag;
    if (a.id === 0n) return R.id_must_not_be_zero;
    if (a.id === U128_MAX) return R.id_must_not_be_int_max;
    if ((a.flags & A_DMNEC) !== 0 && (a.flags & A_CMNED) !== 0) return R.flags_are_mutually_exclusive;
    if (a.debits_pending !== 0n) return R.debits_pending_must_be_zero;
    if (a.debits_posted !== 0n) return R.debits_posted_must_be_zero;
    if (a.credits_pending !== 0n) return R.credits_pending_must_be_zero;
    if (a.credits_posted !== 0n) return R.credits_posted_must_be_zero;
    if (a.ledger === 0) return R.ledger_must_not_be_zero;
    if (a.code === 0) return R.code_must_not_be_zero;
    const slot = this.accounts.find(a.id);
    const existing = this.accounts.at(slot);
    if (existing !== undefined) {
      const same =
        existing.flags === a.flags &&
        existing.user_data_128 === a.user_data_128 &&
        existing.user_data_64 === a.user_data_64 &&
        existing.user_data_32 === a.user_data_32 &&
        existing.ledger === a.ledger &&
        existing.code === a.code;
      return same ? R.exists : R.exists_with_different_fields;
    }
    if (this.accountLog.length >= this.limits.accounts_max) return R.accounts_limit_reached;

    const stored: Account = {
      id: a.id,
      debits_pending: 0n,
      debits_posted: 0n,
      credits_pending: 0n,
      credits_posted: 0n,
      user_data_128: a.user_data_128,
      user_data_64: a.user_data_64,
      user_data_32: a.user_data_32,
      ledger: a.ledger,
      code: a.code,
      flags: a.flags,
      timestamp: ts,
    };
    this.accounts.insertAt(slot, stored);
    return R.ok;
  }

  // ---- transfers -------------------------------------------------------------------------

  private createTransfer(t: Transfer, ts: bigint): number {
    const header = checkTransferHeader(t);
    if (header !== R.ok) return header;
    const f = t.flags;
    const isPending = (f & T_PENDING) !== 0;
    const isPost = (f & T_POST) !== 0;
    if (isPost || (f & T_VOID) !== 0) return this.postOrVoid(t, ts, isPost);
    const fields = checkNewTransferFields(t, isPending);
    if (fields !== R.ok) return fields;

    const dr = this.accounts.get(t.debit_account_id);
    if (dr === undefined) return R.debit_account_not_found;
    const cr = this.accounts.get(t.credit_account_id);
    if (cr === undefined) return R.credit_account_not_found;
    if (dr.ledger !== cr.ledger || t.ledger !== dr.ledger) return R.ledger_must_match;

    const slot = this.transfers.find(t.id);
    if (this.transfers.indexAt(slot) >= 0) return this.transferExists(t, this.transfers.at(slot)!);

    const closed = checkOpen(dr, cr);
    if (closed !== R.ok) return closed;

    const balancing = (f & (T_BAL_D | T_BAL_C)) !== 0;
    const amount = balancing ? balancedAmount(t, dr, cr) : t.amount;

    // Each sum is computed once and reused when applying: bigint arithmetic allocates.
    let drPending = dr.debits_pending;
    let drPosted = dr.debits_posted;
    let crPending = cr.credits_pending;
    let crPosted = cr.credits_posted;
    if (isPending) {
      drPending += amount;
      if (drPending > U128_MAX) return R.overflows_debits_pending;
      crPending += amount;
      if (crPending > U128_MAX) return R.overflows_credits_pending;
      // As in TigerBeetle, a pending transfer is checked against the posted balances too.
      if (drPosted + amount > U128_MAX) return R.overflows_debits_posted;
      if (crPosted + amount > U128_MAX) return R.overflows_credits_posted;
    } else {
      drPosted += amount;
      if (drPosted > U128_MAX) return R.overflows_debits_posted;
      crPosted += amount;
      if (crPosted > U128_MAX) return R.overflows_credits_posted;
    }
    const totals = checkTotals(drPending, drPosted, crPending, crPosted);
    if (totals !== R.ok) return totals;
    const expiresAt = isPending && t.timeout !== 0 ? ts + BigInt(t.timeout) * NS_PER_S : 0n;
    if (isPending && expiresAt > U64_MAX) return R.overflows_timeout;
    if ((dr.flags & A_DMNEC) !== 0 && drPending + drPosted > dr.credits_posted) return R.exceeds_credits;
    if ((cr.flags & A_CMNED) !== 0 && crPending + crPosted > cr.debits_posted) return R.exceeds_debits;
    if (this.transfers.size >= this.limits.transfers_max) return R.transfers_limit_reached;

    this.saveBalances(dr, cr);
    dr.debits_pending = drPending;
    dr.debits_posted = drPosted;
    cr.credits_pending = crPending;
    cr.credits_posted = crPosted;
    if (isPending) {
      this.setPending(t.id, { status: 'pending', expires_at: expiresAt });
      if (expiresAt !== 0n) this.expiries.push(expiresAt, newTransfer(t, amount, ts));
    }
    this.storeNew(slot, t, amount, ts);
    if (balancing && amount !== t.amount) this.submitted.insert(t);
    this.recordHistories(dr, cr, ts);
    return R.ok;
  }

  private postOrVoid(t: Transfer, ts: bigint, isPost: boolean): number {
    if (t.pending_id === 0n) return R.pending_id_must_not_be_zero;
    if (t.pending_id === U128_MAX) return R.pending_id_must_not_be_int_max;
    if (t.pending_id === t.id) return R.pending_id_must_be_different;
    if (t.timeout !== 0) return R.timeout_reserved_for_pending_transfer;

    const p = this.transfers.get(t.pending_id);
    if (p === undefined) return R.pending_transfer_not_found;
    if ((p.flags & T_PENDING) === 0) return R.pending_transfer_not_pending;
    const dr = this.accounts.get(p.debit_account_id);
    const cr = this.accounts.get(p.credit_account_id);
    if (dr === undefined || cr === undefined) throw new Error('invariant: a pending transfer references missing accounts');

    if (t.debit_account_id !== 0n && t.debit_account_id !== p.debit_account_id) {
      return R.pending_transfer_has_different_debit_account_id;
    }
    if (t.credit_account_id !== 0n && t.credit_account_id !== p.credit_account_id) {
      return R.pending_transfer_has_different_credit_account_id;
    }
    if (t.ledger !== 0 && t.ledger !== p.ledger) return R.pending_transfer_has_different_ledger;
    if (t.code !== 0 && t.code !== p.code) return R.pending_transfer_has_different_code;

    // Amount 0 means "the full pending amount"; a post may settle less (partial post).
    let amount: bigint;
    if (isPost) {
      amount = t.amount === 0n ? p.amount : t.amount;
      if (amount > p.amount) return R.exceeds_pending_transfer_amount;
    } else {
      if (t.amount > p.amount) return R.exceeds_pending_transfer_amount;
      if (t.amount !== 0n && t.amount !== p.amount) return R.pending_transfer_has_different_amount;
      amount = p.amount;
    }

    const slot = this.transfers.find(t.id);
    if (this.transfers.indexAt(slot) >= 0) return this.transferExists(t, this.transfers.at(slot)!);

    const entry = this.pending.get(p.id);
    if (entry === undefined) throw new Error('invariant: a pending transfer has no status');
    if (entry.status === 'posted') return R.pending_transfer_already_posted;
    if (entry.status === 'voided') return R.pending_transfer_already_voided;
    if (entry.status === 'expired') return R.pending_transfer_expired;
    if (entry.expires_at !== 0n && entry.expires_at <= ts) return R.pending_transfer_expired;

    const closed = checkOpen(dr, cr);
    if (closed !== R.ok) return closed;
    if (this.transfers.size >= this.limits.transfers_max) return R.transfers_limit_reached;

    this.saveBalances(dr, cr);
    dr.debits_pending -= p.amount;
    cr.credits_pending -= p.amount;
    if (isPost) {
      // Moving value from pending to posted cannot overflow: the pending amount
      // was counted in debits_pending + debits_posted when it was reserved.
      dr.debits_posted += amount;
      cr.credits_posted += amount;
    }
    this.setPending(p.id, { status: isPost ? 'posted' : 'voided', expires_at: entry.expires_at });
    this.storeResolving(slot, t, p, amount, ts);
    this.submitted.insert(t);
    this.recordHistories(dr, cr, ts);
    return R.ok;
  }

  /**
   * Stores a new (single-phase or pending) transfer: the event with the ledger's amount
   * and timestamp, written field by field (no Transfer object). `slot` comes from
   * transfers.find(t.id) with no insert since.
   */
  private storeNew(slot: number, t: Transfer, amount: bigint, ts: bigint): void {
    this.transfers.appendAt(
      slot,
      t.id,
      t.debit_account_id,
      t.credit_account_id,
      amount,
      0n,
      t.user_data_128,
      t.user_data_64,
      t.user_data_32,
      t.timeout,
      t.ledger,
      t.code,
      t.flags,
      ts,
    );
  }

  /** Stores a post or void of pending transfer p: p's accounts, ledger and code; t's user data where given. */
  private storeResolving(slot: number, t: Transfer, p: Transfer, amount: bigint, ts: bigint): void {
    const ud128 = t.user_data_128 === 0n ? p.user_data_128 : t.user_data_128;
    const ud64 = t.user_data_64 === 0n ? p.user_data_64 : t.user_data_64;
    const ud32 = t.user_data_32 === 0 ? p.user_data_32 : t.user_data_32;
    this.transfers.appendAt(slot, t.id, p.debit_account_id, p.credit_account_id, amount, p.id, ud128, ud64, ud32, 0, p.ledger, p.code, t.flags, ts);
  }

  private transferExists(t: Transfer, existing: Transfer): number {
    const e = this.submitted.get(existing.id) ?? existing;
    const same =
      e.flags === t.flags &&
      e.debit_account_id === t.debit_account_id &&
      e.credit_account_id === t.credit_account_id &&
      e.amount === t.amount &&
      e.pending_id === t.pending_id &&
      e.user_data_128 === t.user_data_128 &&
      e.user_data_64 === t.user_data_64 &&
      e.user_data_32 === t.user_data_32 &&
      e.timeout === t.timeout &&
      e.ledger === t.ledger &&
      e.code === t.code;
    return same ? R.exists : R.exists_with_different_fields;
  }

  // ---- expiry ----------------------------------------------------------------------------

  /** Whether t (as pushed on the expiry queue) is still held and pending: a rolled-back one is not, nor one created again under its id (timestamps are unique). */
  private isLiveExpiry(t: Transfer): boolean {
    return this.transfers.timestampOf(t.id) === t.timestamp && this.pending.get(t.id)?.status === 'pending';
  }

  /** Expires every pending transfer due at `now`; each expiry takes a timestamp. Returns the next free one. */
  private expireDue(now: bigint): bigint {
    let ts = now;
    for (;;) {
      const top = this.expiries.peek();
      if (top === undefined || top.key > now) break;
      this.expiries.pop();
      const p = top.value;
      if (!this.isLiveExpiry(p)) continue;
      const dr = this.accounts.get(p.debit_account_id)!;
      const cr = this.accounts.get(p.credit_account_id)!;
      dr.debits_pending -= p.amount;
      cr.credits_pending -= p.amount;
      this.pending.set(p.id, { status: 'expired', expires_at: top.key });
      this.expiredNow.push({ transfer: p, timestamp: ts });
      if ((dr.flags & A_HISTORY) !== 0) this.recordHistory(dr, ts);
      if ((cr.flags & A_HISTORY) !== 0) this.recordHistory(cr, ts);
      this.lastTimestamp = ts;
      ts += 1n;
    }
    return ts;
  }

  // ---- snapshot support ------------------------------------------------------------------

  /** Rebuilds state from a snapshot's parts (see journal/snapshot.ts). */
  restore(accounts: Account[], transfers: Transfer[], pending: Array<[bigint, PendingEntry]>, submitted: Transfer[], lastTimestamp: bigint): void {
    if (this.accountLog.length !== 0 || this.transfers.size !== 0) throw new Error('restore needs an empty state machine');
    for (const a of accounts) this.accounts.insert(a);
    for (const t of transfers) this.transfers.insert(t);
    for (const [id, entry] of pending) {
      this.pending.set(id, entry);
      if (entry.status === 'pending' && entry.expires_at !== 0n) {
        this.expiries.push(entry.expires_at, this.transfers.get(id)!);
      }
    }
    for (const s of submitted) this.submitted.insert(s);
    this.lastTimestamp = lastTimestamp;
  }

  submittedTransfers(): Transfer[] {
    return this.submitted.slice();
  }
}

/** The checks every transfer passes first (timestamp, flags, id); R.ok when they pass. */
function checkTransferHeader(t: Transfer): number {
  if (t.timestamp !== 0n) return R.timestamp_must_be_zero;
  const f = t.flags;
  if ((f & ~TRANSFER_FLAGS_KNOWN) !== 0) return R.reserved_flag;
  if (t.id === 0n) return R.id_must_not_be_zero;
  if (t.id === U128_MAX) return R.id_must_not_be_int_max;
  const isPending = (f & T_PENDING) !== 0;
  const isPost = (f & T_POST) !== 0;
  const isVoid = (f & T_VOID) !== 0;
  const isBalancing = (f & (T_BAL_D | T_BAL_C)) !== 0;
  if ((isPending && (isPost || isVoid)) || (isPost && isVoid) || (isBalancing && (isPost || isVoid))) {
    return R.flags_are_mutually_exclusive;
  }
  return R.ok;
}

/** The field checks of a transfer that is neither a post nor a void, before any lookup; R.ok when they pass. */
function checkNewTransferFields(t: Transfer, isPending: boolean): number {
  if (t.debit_account_id === 0n) return R.debit_account_id_must_not_be_zero;
  if (t.debit_account_id === U128_MAX) return R.debit_account_id_must_not_be_int_max;
  if (t.credit_account_id === 0n) return R.credit_account_id_must_not_be_zero;
  if (t.credit_account_id === U128_MAX) return R.credit_account_id_must_not_be_int_max;
  if (t.debit_account_id === t.credit_account_id) return R.accounts_must_be_different;
  if (t.pending_id !== 0n) return R.pending_id_must_be_zero;
  if (!isPending && t.timeout !== 0) return R.timeout_reserved_for_pending_transfer;
  if (t.ledger === 0) return R.ledger_must_not_be_zero;
  if (t.code === 0) return R.code_must_not_be_zero;
  return R.ok;
}

/**
 * overflows_debits / overflows_credits for a new transfer's totals (pending + posted), R.ok when both fit.
 * A side with nothing pending totals its posted sum, already checked: no bigint work for it.
 */
function checkTotals(drPending: bigint, drPosted: bigint, crPending: bigint, crPosted: bigint): number {
  if (drPending !== 0n && drPending + drPosted > U128_MAX) return R.overflows_debits;
  if (crPending !== 0n && crPending + crPosted > U128_MAX) return R.overflows_credits;
  return R.ok;
}

/** R.ok when neither side of a transfer is closed. */
function checkOpen(dr: Account, cr: Account): number {
  if ((dr.flags & A_CLOSED) !== 0) return R.debit_account_already_closed;
  if ((cr.flags & A_CLOSED) !== 0) return R.credit_account_already_closed;
  return R.ok;
}

/** A balancing transfer's amount: capped at what the flagged side(s) can take, never below zero. */
function balancedAmount(t: Transfer, dr: Account, cr: Account): bigint {
  let amount = t.amount;
  if ((t.flags & T_BAL_D) !== 0) {
    const available = dr.credits_posted - dr.debits_pending - dr.debits_posted;
    const cap = available > 0n ? available : 0n;
    if (amount > cap) amount = cap;
  }
  if ((t.flags & T_BAL_C) !== 0) {
    const available = cr.debits_posted - cr.credits_pending - cr.credits_posted;
    const cap = available > 0n ? available : 0n;
    if (amount > cap) amount = cap;
  }
  return amount;
}

/** The stored form of a new (single-phase or pending) transfer. */
function newTransfer(t: Transfer, amount: bigint, ts: bigint): Transfer {
  return {
    id: t.id,
    debit_account_id: t.debit_account_id,
    credit_account_id: t.credit_account_id,
    amount,
    pending_id: 0n,
    user_data_128: t.user_data_128,
    user_data_64: t.user_data_64,
    user_data_32: t.user_data_32,
    timeout: t.timeout,
    ledger: t.ledger,
    code: t.code,
    flags: t.flags,
    timestamp: ts,
  };
}
