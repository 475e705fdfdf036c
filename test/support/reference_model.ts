// A deliberately simple reference model of the ledger's semantics, written from the
// rules (TigerBeetle's, as adopted by src/ledger) and NOT from LedgerStateMachine:
// it shares only the data types and constants of src/ledger/types.ts.
//
// Simplicity over speed: a linked chain is made all-or-nothing by deep-copying the
// whole state when the chain starts and putting the copy back if the chain fails;
// expiry scans every pending transfer instead of keeping a queue.
//
// Rules modelled:
// - A batch executed at clock c gets ts = max(c, last + 1). First every pending
//   transfer that is due (expires_at <= ts) expires, in deadline order (ties by
//   creation order), each taking the next timestamp; then event i takes the next
//   timestamps in order, whether it succeeds or not.
// - Linked chains: a run of events with the linked flag plus the event that ends it.
//   If any event fails, the chain is undone; the failing event keeps its own code,
//   the others get linked_event_failed. A chain still open at the end of the batch
//   always fails, its last event getting linked_event_chain_open.
// - Idempotency: an id that already exists gives `exists` when the event carries the
//   same fields as the event that created it, else `exists_with_different_fields`.
// - Post (amount 0 = the full pending amount, or a smaller partial amount), void
//   (amount 0 or exactly the pending amount), balancing (amount capped so the
//   account does not go past its limit), limits and overflow checks.

import {
  AccountFlags,
  NS_PER_S,
  TransferFlags,
  U128_MAX,
  U64_MAX,
  type Account,
  type AccountBalance,
  type PendingStatus,
  type ResultCode,
  type Transfer,
} from '../../src/ledger/types.js';

export type ModelOperation = 'create_accounts' | 'create_transfers' | 'pulse';

export interface ModelLimits {
  accounts_max: number;
  transfers_max: number;
}

export interface ModelPending {
  status: PendingStatus;
  /** 0n when the pending transfer has no timeout. */
  expires_at: bigint;
}

export interface ModelHistoryRow {
  account_id: bigint;
  balance: AccountBalance;
}

export interface ModelExpiry {
  id: bigint;
  timestamp: bigint;
}

export interface ModelBatchOutcome {
  results: ResultCode[];
  expired: ModelExpiry[];
  history: ModelHistoryRow[];
  accounts_created: bigint[];
  transfers_created: bigint[];
}

interface State {
  accounts: Map<bigint, Account>;
  transfers: Map<bigint, Transfer>;
  /** The event exactly as submitted, for every stored transfer (idempotency checks). */
  submitted: Map<bigint, Transfer>;
  pending: Map<bigint, ModelPending>;
  /** Rows for accounts with the history flag, for the batch being executed. */
  history: ModelHistoryRow[];
  accountsCreated: bigint[];
  transfersCreated: bigint[];
}

const LINKED = 1; // the linked flag is bit 0 for both accounts and transfers

function has(flags: number, bit: number): boolean {
  return (flags & bit) === bit;
}

function sameAccountFields(a: Account, b: Account): boolean {
  return (
    a.flags === b.flags &&
    a.user_data_128 === b.user_data_128 &&
    a.user_data_64 === b.user_data_64 &&
    a.user_data_32 === b.user_data_32 &&
    a.ledger === b.ledger &&
    a.code === b.code
  );
}

function sameTransferFields(a: Transfer, b: Transfer): boolean {
  return (
    a.debit_account_id === b.debit_account_id &&
    a.credit_account_id === b.credit_account_id &&
    a.amount === b.amount &&
    a.pending_id === b.pending_id &&
    a.user_data_128 === b.user_data_128 &&
    a.user_data_64 === b.user_data_64 &&
    a.user_data_32 === b.user_data_32 &&
    a.timeout === b.timeout &&
    a.ledger === b.ledger &&
    a.code === b.code &&
    a.flags === b.flags
  );
}

const ACCOUNT_FLAG_BITS =
  AccountFlags.linked | AccountFlags.debits_must_not_exceed_credits | AccountFlags.credits_must_not_exceed_debits | AccountFlags.history | AccountFlags.closed;
const TRANSFER_FLAG_BITS =
  TransferFlags.linked |
  TransferFlags.pending |
  TransferFlags.post_pending_transfer |
  TransferFlags.void_pending_transfer |
  TransferFlags.balancing_debit |
  TransferFlags.balancing_credit;

export class ReferenceLedger {
  private state: State = {
    accounts: new Map(),
    transfers: new Map(),
    submitted: new Map(),
    pending: new Map(),
    history: [],
    accountsCreated: [],
    transfersCreated: [],
  };
  private last = 0n;

  constructor(readonly limits: ModelLimits = { accounts_max: 1_000_000, transfers_max: 20_000_000 }) {}

  get last_timestamp(): bigint {
    return this.last;
  }

  account(id: bigint): Account | undefined {
    const a = this.state.accounts.get(id);
    return a === undefined ? undefined : { ...a };
  }

  transfer(id: bigint): Transfer | undefined {
    const t = this.state.transfers.get(id);
    return t === undefined ? undefined : { ...t };
  }

  pendingOf(id: bigint): ModelPending | undefined {
    const p = this.state.pending.get(id);
    return p === undefined ? undefined : { ...p };
  }

  allAccounts(): Account[] {
    return [...this.state.accounts.values()].map((a) => ({ ...a }));
  }

  allTransfers(): Transfer[] {
    return [...this.state.transfers.values()].map((t) => ({ ...t }));
  }

  allPending(): Array<[bigint, ModelPending]> {
    return [...this.state.pending.entries()].map(([id, p]) => [id, { ...p }]);
  }

  /** An independent deep copy (the model's own state only). */
  clone(): ReferenceLedger {
    const copy = new ReferenceLedger(this.limits);
    copy.state = structuredClone(this.state);
    copy.last = this.last;
    return copy;
  }

  execute(op: ModelOperation, events: readonly (Account | Transfer)[], clock: bigint): ModelBatchOutcome {
    this.state.history = [];
    this.state.accountsCreated = [];
    this.state.transfersCreated = [];

    let ts = clock > this.last ? clock : this.last + 1n;
    const expired = this.expire(ts);
    if (expired.length > 0) {
      this.last = expired[expired.length - 1]!.timestamp;
      ts = this.last + 1n;
    }

    const results: ResultCode[] = [];
    if (op !== 'pulse') {
      const apply = (e: Account | Transfer, eventTs: bigint): ResultCode =>
        op === 'create_accounts' ? this.createAccount(e as Account, eventTs) : this.createTransfer(e as Transfer, eventTs);
      let i = 0;
      while (i < events.length) {
        // The group starting at i: a single unlinked event, or a chain up to and
        // including the first unlinked event (or to the end of the batch).
        let end = i;
        while (end < events.length - 1 && has(events[end]!.flags, LINKED)) end++;
        const isChain = has(events[i]!.flags, LINKED);
        if (!isChain) {
          results[i] = apply(events[i]!, ts + BigInt(i));
        } else {
          const open = has(events[end]!.flags, LINKED); // only possible when end is the last event
          const saved = structuredClone(this.state);
          let failedAt = -1;
          let failure: ResultCode = 'ok';
          for (let k = i; k <= end; k++) {
            const r = open && k === end ? 'linked_event_chain_open' : apply(events[k]!, ts + BigInt(k));
            if (r !== 'ok') {
              failedAt = k;
              failure = r;
              break;
            }
          }
          for (let k = i; k <= end; k++) results[k] = 'ok';
          if (failedAt >= 0) {
            this.state = saved;
            for (let k = i; k <= end; k++) results[k] = 'linked_event_failed';
            results[failedAt] = failure;
            if (open) results[end] = 'linked_event_chain_open';
          }
        }
        i = end + 1;
      }
      if (events.length > 0) this.last = ts + BigInt(events.length - 1);
    }

    return {
      results,
      expired,
      history: this.state.history,
      accounts_created: this.state.accountsCreated,
      transfers_created: this.state.transfersCreated,
    };
  }

  // ---- expiry -----------------------------------------------------------------------------

  private expire(ts: bigint): ModelExpiry[] {
    const due: Array<{ id: bigint; at: bigint; created: bigint }> = [];
    for (const [id, p] of this.state.pending) {
      if (p.status === 'pending' && p.expires_at !== 0n && p.expires_at <= ts) {
        due.push({ id, at: p.expires_at, created: this.state.transfers.get(id)!.timestamp });
      }
    }
    due.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
    const out: ModelExpiry[] = [];
    let now = ts;
    for (const d of due) {
      const t = this.state.transfers.get(d.id)!;
      const dr = this.state.accounts.get(t.debit_account_id)!;
      const cr = this.state.accounts.get(t.credit_account_id)!;
      dr.debits_pending -= t.amount;
      cr.credits_pending -= t.amount;
      this.state.pending.get(d.id)!.status = 'expired';
      out.push({ id: d.id, timestamp: now });
      this.noteHistory(dr, now);
      this.noteHistory(cr, now);
      now += 1n;
    }
    return out;
  }

  private noteHistory(a: Account, ts: bigint): void {
    if (!has(a.flags, AccountFlags.history)) return;
    this.state.history.push({
      account_id: a.id,
      balance: {
        debits_pending: a.debits_pending,
        debits_posted: a.debits_posted,
        credits_pending: a.credits_pending,
        credits_posted: a.credits_posted,
        timestamp: ts,
      },
    });
  }

  // ---- accounts ---------------------------------------------------------------------------

  private createAccount(a: Account, ts: bigint): ResultCode {
    if (a.timestamp !== 0n) return 'timestamp_must_be_zero';
    if ((a.flags | ACCOUNT_FLAG_BITS) !== ACCOUNT_FLAG_BITS) return 'reserved_flag';
    if (a.id === 0n) return 'id_must_not_be_zero';
    if (a.id === U128_MAX) return 'id_must_not_be_int_max';
    if (has(a.flags, AccountFlags.debits_must_not_exceed_credits) && has(a.flags, AccountFlags.credits_must_not_exceed_debits)) {
      return 'flags_are_mutually_exclusive';
    }
    if (a.debits_pending !== 0n) return 'debits_pending_must_be_zero';
    if (a.debits_posted !== 0n) return 'debits_posted_must_be_zero';
    if (a.credits_pending !== 0n) return 'credits_pending_must_be_zero';
    if (a.credits_posted !== 0n) return 'credits_posted_must_be_zero';
    if (a.ledger === 0) return 'ledger_must_not_be_zero';
    if (a.code === 0) return 'code_must_not_be_zero';
    const old = this.state.accounts.get(a.id);
    if (old !== undefined) return sameAccountFields(old, a) ? 'exists' : 'exists_with_different_fields';
    if (this.state.accounts.size >= this.limits.accounts_max) return 'accounts_limit_reached';
    this.state.accounts.set(a.id, {
      ...a,
      debits_pending: 0n,
      debits_posted: 0n,
      credits_pending: 0n,
      credits_posted: 0n,
      timestamp: ts,
    });
    this.state.accountsCreated.push(a.id);
    return 'ok';
  }

  // ---- transfers --------------------------------------------------------------------------

  private createTransfer(t: Transfer, ts: bigint): ResultCode {
    if (t.timestamp !== 0n) return 'timestamp_must_be_zero';
    if ((t.flags | TRANSFER_FLAG_BITS) !== TRANSFER_FLAG_BITS) return 'reserved_flag';
    if (t.id === 0n) return 'id_must_not_be_zero';
    if (t.id === U128_MAX) return 'id_must_not_be_int_max';
    const pending = has(t.flags, TransferFlags.pending);
    const post = has(t.flags, TransferFlags.post_pending_transfer);
    const voided = has(t.flags, TransferFlags.void_pending_transfer);
    const balD = has(t.flags, TransferFlags.balancing_debit);
    const balC = has(t.flags, TransferFlags.balancing_credit);
    if (post && voided) return 'flags_are_mutually_exclusive';
    if ((post || voided) && (pending || balD || balC)) return 'flags_are_mutually_exclusive';
    if (post || voided) return this.resolvePending(t, ts, post);

    if (t.debit_account_id === 0n) return 'debit_account_id_must_not_be_zero';
    if (t.debit_account_id === U128_MAX) return 'debit_account_id_must_not_be_int_max';
    if (t.credit_account_id === 0n) return 'credit_account_id_must_not_be_zero';
    if (t.credit_account_id === U128_MAX) return 'credit_account_id_must_not_be_int_max';
    if (t.debit_account_id === t.credit_account_id) return 'accounts_must_be_different';
    if (t.pending_id !== 0n) return 'pending_id_must_be_zero';
    if (!pending && t.timeout !== 0) return 'timeout_reserved_for_pending_transfer';
    if (t.ledger === 0) return 'ledger_must_not_be_zero';
    if (t.code === 0) return 'code_must_not_be_zero';
    const dr = this.state.accounts.get(t.debit_account_id);
    if (dr === undefined) return 'debit_account_not_found';
    const cr = this.state.accounts.get(t.credit_account_id);
    if (cr === undefined) return 'credit_account_not_found';
    if (dr.ledger !== cr.ledger || t.ledger !== dr.ledger) return 'ledger_must_match';
    const old = this.state.submitted.get(t.id);
    if (old !== undefined) return sameTransferFields(old, t) ? 'exists' : 'exists_with_different_fields';
    if (has(dr.flags, AccountFlags.closed)) return 'debit_account_already_closed';
    if (has(cr.flags, AccountFlags.closed)) return 'credit_account_already_closed';

    let amount = t.amount;
    if (balD) {
      const room = dr.credits_posted - dr.debits_posted - dr.debits_pending;
      amount = min(amount, room < 0n ? 0n : room);
    }
    if (balC) {
      const room = cr.debits_posted - cr.credits_posted - cr.credits_pending;
      amount = min(amount, room < 0n ? 0n : room);
    }

    if (pending && dr.debits_pending + amount > U128_MAX) return 'overflows_debits_pending';
    if (pending && cr.credits_pending + amount > U128_MAX) return 'overflows_credits_pending';
    if (dr.debits_posted + amount > U128_MAX) return 'overflows_debits_posted';
    if (cr.credits_posted + amount > U128_MAX) return 'overflows_credits_posted';
    if (dr.debits_pending + dr.debits_posted + amount > U128_MAX) return 'overflows_debits';
    if (cr.credits_pending + cr.credits_posted + amount > U128_MAX) return 'overflows_credits';
    const timeoutNs = BigInt(t.timeout) * NS_PER_S;
    if (ts + timeoutNs > U64_MAX) return 'overflows_timeout';
    if (has(dr.flags, AccountFlags.debits_must_not_exceed_credits) && dr.debits_pending + dr.debits_posted + amount > dr.credits_posted) {
      return 'exceeds_credits';
    }
    if (has(cr.flags, AccountFlags.credits_must_not_exceed_debits) && cr.credits_pending + cr.credits_posted + amount > cr.debits_posted) {
      return 'exceeds_debits';
    }
    if (this.state.transfers.size >= this.limits.transfers_max) return 'transfers_limit_reached';

    if (pending) {
      dr.debits_pending += amount;
      cr.credits_pending += amount;
      this.state.pending.set(t.id, { status: 'pending', expires_at: t.timeout === 0 ? 0n : ts + timeoutNs });
    } else {
      dr.debits_posted += amount;
      cr.credits_posted += amount;
    }
    this.store({ ...t, amount, timestamp: ts }, t);
    this.noteHistory(dr, ts);
    this.noteHistory(cr, ts);
    return 'ok';
  }

  private resolvePending(t: Transfer, ts: bigint, post: boolean): ResultCode {
    if (t.pending_id === 0n) return 'pending_id_must_not_be_zero';
    if (t.pending_id === U128_MAX) return 'pending_id_must_not_be_int_max';
    if (t.pending_id === t.id) return 'pending_id_must_be_different';
    if (t.timeout !== 0) return 'timeout_reserved_for_pending_transfer';
    const p = this.state.transfers.get(t.pending_id);
    if (p === undefined) return 'pending_transfer_not_found';
    if (!has(p.flags, TransferFlags.pending)) return 'pending_transfer_not_pending';
    if (t.debit_account_id !== 0n && t.debit_account_id !== p.debit_account_id) return 'pending_transfer_has_different_debit_account_id';
    if (t.credit_account_id !== 0n && t.credit_account_id !== p.credit_account_id) return 'pending_transfer_has_different_credit_account_id';
    if (t.ledger !== 0 && t.ledger !== p.ledger) return 'pending_transfer_has_different_ledger';
    if (t.code !== 0 && t.code !== p.code) return 'pending_transfer_has_different_code';
    const amount = t.amount === 0n ? p.amount : t.amount;
    if (amount > p.amount) return 'exceeds_pending_transfer_amount';
    if (!post && amount !== p.amount) return 'pending_transfer_has_different_amount';
    const old = this.state.submitted.get(t.id);
    if (old !== undefined) return sameTransferFields(old, t) ? 'exists' : 'exists_with_different_fields';
    const status = this.state.pending.get(p.id)!;
    if (status.status === 'posted') return 'pending_transfer_already_posted';
    if (status.status === 'voided') return 'pending_transfer_already_voided';
    if (status.status === 'expired') return 'pending_transfer_expired';
    if (status.expires_at !== 0n && status.expires_at <= ts) return 'pending_transfer_expired';
    const dr = this.state.accounts.get(p.debit_account_id)!;
    const cr = this.state.accounts.get(p.credit_account_id)!;
    // TigerBeetle lets a void through on a closed account; a post is refused.
    if (post && has(dr.flags, AccountFlags.closed)) return 'debit_account_already_closed';
    if (post && has(cr.flags, AccountFlags.closed)) return 'credit_account_already_closed';
    if (this.state.transfers.size >= this.limits.transfers_max) return 'transfers_limit_reached';

    dr.debits_pending -= p.amount;
    cr.credits_pending -= p.amount;
    if (post) {
      dr.debits_posted += amount;
      cr.credits_posted += amount;
    }
    status.status = post ? 'posted' : 'voided';
    this.store(
      {
        id: t.id,
        debit_account_id: p.debit_account_id,
        credit_account_id: p.credit_account_id,
        amount,
        pending_id: p.id,
        user_data_128: t.user_data_128 !== 0n ? t.user_data_128 : p.user_data_128,
        user_data_64: t.user_data_64 !== 0n ? t.user_data_64 : p.user_data_64,
        user_data_32: t.user_data_32 !== 0 ? t.user_data_32 : p.user_data_32,
        timeout: 0,
        ledger: p.ledger,
        code: p.code,
        flags: t.flags,
        timestamp: ts,
      },
      t,
    );
    this.noteHistory(dr, ts);
    this.noteHistory(cr, ts);
    return 'ok';
  }

  private store(stored: Transfer, asSubmitted: Transfer): void {
    this.state.transfers.set(stored.id, stored);
    this.state.submitted.set(stored.id, { ...asSubmitted });
    this.state.transfersCreated.push(stored.id);
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
