// Tests of the ledger state machine (src/ledger/state_machine.ts):
//  (a) one example per result code, plus linked chains, partial post, void, expiry,
//      balancing and timestamps; every example runs against the implementation AND
//      the reference model (test/support/reference_model.ts), with expected values
//      worked out from the rules, not taken from either one's output;
//  (b) fast-check properties over random batch sequences (test/support/arbitraries.ts).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { LedgerStateMachine, type BatchEffects, type LedgerLimits } from '../src/ledger/state_machine.js';
import { AccountFlags, RESULT_CODES, TransferFlags, U128_MAX, U32_MAX, type Account, type ResultCode, type Transfer } from '../src/ledger/types.js';
import { ReferenceLedger, type ModelBatchOutcome } from './support/reference_model.js';
import { HUGE_START_CLOCK, NS, account, arbScenario, materialize, transfer, type ExecutedBatch } from './support/arbitraries.js';

type Op = 'create_accounts' | 'create_transfers' | 'pulse';
type Event = Account | Transfer;

const { linked: LINKED, pending: PENDING, post_pending_transfer: POST, void_pending_transfer: VOID } = TransferFlags;
const { balancing_debit: BAL_D, balancing_credit: BAL_C } = TransferFlags;
const DMNEC = AccountFlags.debits_must_not_exceed_credits;
const CMNED = AccountFlags.credits_must_not_exceed_debits;

// ---- adapters: the same example runs against the implementation and the model --------------

interface Balances {
  dp: bigint;
  dpo: bigint;
  cp: bigint;
  cpo: bigint;
}

interface Ledger {
  name: string;
  run(op: Op, events: Event[], clock: bigint): ResultCode[];
  account(id: bigint): Account | undefined;
  transfer(id: bigint): Transfer | undefined;
  status(id: bigint): string | undefined;
  lastTimestamp(): bigint;
  /** Everything a failed event must leave untouched. */
  snapshot(): unknown;
}

function codesOf(results: Uint8Array): ResultCode[] {
  return Array.from(results, (n) => {
    const code = RESULT_CODES[n];
    if (code === undefined) throw new Error(`unknown result number ${n}`);
    return code;
  });
}

function implLedger(limits?: LedgerLimits): Ledger & { sm: LedgerStateMachine; lastEffects: BatchEffects | undefined } {
  const sm = new LedgerStateMachine(limits);
  const l = {
    name: 'implementation',
    sm,
    lastEffects: undefined as BatchEffects | undefined,
    run(op: Op, events: Event[], clock: bigint): ResultCode[] {
      const { results, effects } = sm.execute(
        op,
        events.map((e) => ({ ...e })),
        clock,
      );
      l.lastEffects = effects;
      return codesOf(results);
    },
    account: (id: bigint) => sm.lookupAccount(id),
    transfer: (id: bigint) => sm.lookupTransfer(id),
    status: (id: bigint) => sm.pendingStatus(id),
    lastTimestamp: () => sm.last_timestamp,
    snapshot: () => implState(sm),
  };
  return l;
}

function modelLedger(limits?: LedgerLimits): Ledger & { model: ReferenceLedger } {
  const model = new ReferenceLedger(limits);
  return {
    name: 'model',
    model,
    run: (op, events, clock) =>
      model.execute(
        op,
        events.map((e) => ({ ...e })),
        clock,
      ).results,
    account: (id) => model.account(id),
    transfer: (id) => model.transfer(id),
    status: (id) => model.pendingOf(id)?.status,
    lastTimestamp: () => model.last_timestamp,
    snapshot: () => modelState(model),
  };
}

const byId = <T extends { id: bigint }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function implState(sm: LedgerStateMachine) {
  return {
    accounts: [...sm.accounts.values()].map((a) => ({ ...a })).sort(byId),
    transfers: [...sm.transfers.values()].map((t) => ({ ...t })).sort(byId),
    pending: [...sm.pending.entries()].map(([id, p]) => ({ id, status: p.status, expires_at: p.expires_at })).sort(byId),
  };
}

function modelState(m: ReferenceLedger) {
  return {
    accounts: m.allAccounts().sort(byId),
    transfers: m.allTransfers().sort(byId),
    pending: m
      .allPending()
      .map(([id, p]) => ({ id, status: p.status, expires_at: p.expires_at }))
      .sort(byId),
  };
}

function bal(l: Ledger, id: bigint): Balances {
  const a = l.account(id);
  assert.ok(a, `account ${id} exists in ${l.name}`);
  return { dp: a.debits_pending, dpo: a.debits_posted, cp: a.credits_pending, cpo: a.credits_posted };
}

function both(fn: (make: (limits?: LedgerLimits) => Ledger) => void): void {
  for (const make of [implLedger, modelLedger] as Array<(limits?: LedgerLimits) => Ledger>) fn(make);
}

function ok(l: Ledger, op: Op, events: Event[], clock: bigint): void {
  const r = l.run(op, events, clock);
  assert.deepEqual(
    r,
    events.map(() => 'ok'),
    `${l.name}: setup batch must succeed`,
  );
}

// ---- standard fixture -------------------------------------------------------------------------

const S = 1_000n * NS; // a base clock: 1000 s
// 1, 2: plain, ledger 1; 3: debits_must_not_exceed_credits; 4: credits_must_not_exceed_debits;
// 5: plain, ledger 2; 6: closed; 7: plain, ledger 1, history.
const FIXTURE: Account[] = [
  account(1n, 1),
  account(2n, 1),
  account(3n, 1, 1, DMNEC),
  account(4n, 1, 1, CMNED),
  account(5n, 2),
  account(6n, 1, 1, AccountFlags.closed),
  account(7n, 1, 1, AccountFlags.history),
];

function fixture(l: Ledger): void {
  ok(l, 'create_accounts', FIXTURE, S);
}

const xfer = (id: bigint, dr: bigint, cr: bigint, amount: bigint, flags = 0, more: Partial<Transfer> = {}): Transfer =>
  transfer({ id, debit_account_id: dr, credit_account_id: cr, amount, ledger: 1, code: 1, flags, ...more });
const post = (id: bigint, pendingId: bigint, amount = 0n, more: Partial<Transfer> = {}): Transfer =>
  transfer({ id, pending_id: pendingId, amount, flags: POST, ...more });
const voidOf = (id: bigint, pendingId: bigint, amount = 0n, more: Partial<Transfer> = {}): Transfer =>
  transfer({ id, pending_id: pendingId, amount, flags: VOID, ...more });

// ---- (a) one example per result code --------------------------------------------------------

interface CodeCase {
  name: string;
  expect: ResultCode;
  op: Op;
  event: Event;
  setup?: (l: Ledger) => void;
  limits?: LedgerLimits;
  clock?: bigint;
  /** Optional extra check after the event (e.g. what was stored on ok). */
  after?: (l: Ledger) => void;
}

const T = 'create_transfers' as const;
const A = 'create_accounts' as const;

const withTransfers =
  (...ts: Transfer[]) =>
  (l: Ledger): void => {
    fixture(l);
    ok(l, T, ts, S + NS);
  };

const CODE_CASES: CodeCase[] = [
  // accounts
  {
    name: 'a new account',
    expect: 'ok',
    op: A,
    event: account(10n, 1, 3, DMNEC, { user_data_32: 9 }),
    after: (l) => {
      const a = l.account(10n)!;
      assert.equal(a.flags, DMNEC);
      assert.equal(a.user_data_32, 9);
      assert.equal(a.timestamp, l.lastTimestamp());
    },
  },
  { name: 'account with a timestamp', expect: 'timestamp_must_be_zero', op: A, event: account(10n, 1, 1, 0, { timestamp: 1n }) },
  { name: 'account with an unknown flag', expect: 'reserved_flag', op: A, event: account(10n, 1, 1, 1 << 5) },
  { name: 'account id 0', expect: 'id_must_not_be_zero', op: A, event: account(0n, 1) },
  { name: 'account id 2^128-1', expect: 'id_must_not_be_int_max', op: A, event: account(U128_MAX, 1) },
  { name: 'account with both limit flags', expect: 'flags_are_mutually_exclusive', op: A, event: account(10n, 1, 1, DMNEC | CMNED) },
  { name: 'account with debits_pending', expect: 'debits_pending_must_be_zero', op: A, event: account(10n, 1, 1, 0, { debits_pending: 1n }) },
  { name: 'account with debits_posted', expect: 'debits_posted_must_be_zero', op: A, event: account(10n, 1, 1, 0, { debits_posted: 1n }) },
  { name: 'account with credits_pending', expect: 'credits_pending_must_be_zero', op: A, event: account(10n, 1, 1, 0, { credits_pending: 1n }) },
  { name: 'account with credits_posted', expect: 'credits_posted_must_be_zero', op: A, event: account(10n, 1, 1, 0, { credits_posted: 1n }) },
  { name: 'account on ledger 0', expect: 'ledger_must_not_be_zero', op: A, event: account(10n, 0) },
  { name: 'account with code 0', expect: 'code_must_not_be_zero', op: A, event: account(10n, 1, 0) },
  { name: 'same account again', expect: 'exists', op: A, event: account(3n, 1, 1, DMNEC), setup: fixture },
  { name: 'same account id, other code', expect: 'exists_with_different_fields', op: A, event: account(1n, 1, 2), setup: fixture },
  { name: 'same account id, other ledger', expect: 'exists_with_different_fields', op: A, event: account(1n, 2), setup: fixture },
  { name: 'same account id, other flags', expect: 'exists_with_different_fields', op: A, event: account(1n, 1, 1, AccountFlags.history), setup: fixture },
  {
    name: 'same account id, other user data',
    expect: 'exists_with_different_fields',
    op: A,
    event: account(1n, 1, 1, 0, { user_data_64: 5n }),
    setup: fixture,
  },
  {
    name: 'account past the limit',
    expect: 'accounts_limit_reached',
    op: A,
    event: account(10n, 1),
    setup: fixture,
    limits: { accounts_max: 7, transfers_max: 100 },
  },
  {
    name: 'existing account at the limit is still recognised',
    expect: 'exists',
    op: A,
    event: account(2n, 1),
    setup: fixture,
    limits: { accounts_max: 7, transfers_max: 100 },
  },

  // transfers: validation of the event itself
  {
    name: 'a single-phase transfer',
    expect: 'ok',
    op: T,
    event: xfer(1n, 1n, 2n, 25n, 0, { user_data_128: 77n }),
    setup: fixture,
    after: (l) => {
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 25n, cp: 0n, cpo: 0n });
      assert.deepEqual(bal(l, 2n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 25n });
      assert.equal(l.transfer(1n)!.user_data_128, 77n);
    },
  },
  { name: 'transfer with a timestamp', expect: 'timestamp_must_be_zero', op: T, event: xfer(1n, 1n, 2n, 1n, 0, { timestamp: 3n }), setup: fixture },
  { name: 'transfer with an unknown flag', expect: 'reserved_flag', op: T, event: xfer(1n, 1n, 2n, 1n, 1 << 6), setup: fixture },
  { name: 'transfer id 0', expect: 'id_must_not_be_zero', op: T, event: xfer(0n, 1n, 2n, 1n), setup: fixture },
  { name: 'transfer id 2^128-1', expect: 'id_must_not_be_int_max', op: T, event: xfer(U128_MAX, 1n, 2n, 1n), setup: fixture },
  {
    name: 'pending + post',
    expect: 'flags_are_mutually_exclusive',
    op: T,
    event: post(2n, 1n, 0n, { flags: POST | PENDING }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'post + void',
    expect: 'flags_are_mutually_exclusive',
    op: T,
    event: post(2n, 1n, 0n, { flags: POST | VOID }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'void + balancing',
    expect: 'flags_are_mutually_exclusive',
    op: T,
    event: voidOf(2n, 1n, 0n, { flags: VOID | BAL_C }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  { name: 'debit account 0', expect: 'debit_account_id_must_not_be_zero', op: T, event: xfer(1n, 0n, 2n, 1n), setup: fixture },
  { name: 'debit account 2^128-1', expect: 'debit_account_id_must_not_be_int_max', op: T, event: xfer(1n, U128_MAX, 2n, 1n), setup: fixture },
  { name: 'credit account 0', expect: 'credit_account_id_must_not_be_zero', op: T, event: xfer(1n, 1n, 0n, 1n), setup: fixture },
  { name: 'credit account 2^128-1', expect: 'credit_account_id_must_not_be_int_max', op: T, event: xfer(1n, 1n, U128_MAX, 1n), setup: fixture },
  { name: 'debit = credit', expect: 'accounts_must_be_different', op: T, event: xfer(1n, 2n, 2n, 1n), setup: fixture },
  {
    name: 'single-phase with a pending id',
    expect: 'pending_id_must_be_zero',
    op: T,
    event: xfer(2n, 1n, 2n, 1n, 0, { pending_id: 1n }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'single-phase with a timeout',
    expect: 'timeout_reserved_for_pending_transfer',
    op: T,
    event: xfer(1n, 1n, 2n, 1n, 0, { timeout: 1 }),
    setup: fixture,
  },
  { name: 'transfer on ledger 0', expect: 'ledger_must_not_be_zero', op: T, event: xfer(1n, 1n, 2n, 1n, 0, { ledger: 0 }), setup: fixture },
  { name: 'transfer with code 0', expect: 'code_must_not_be_zero', op: T, event: xfer(1n, 1n, 2n, 1n, 0, { code: 0 }), setup: fixture },
  { name: 'unknown debit account', expect: 'debit_account_not_found', op: T, event: xfer(1n, 99n, 2n, 1n), setup: fixture },
  { name: 'unknown credit account', expect: 'credit_account_not_found', op: T, event: xfer(1n, 1n, 99n, 1n), setup: fixture },
  { name: 'accounts on different ledgers', expect: 'ledger_must_match', op: T, event: xfer(1n, 1n, 5n, 1n), setup: fixture },
  { name: 'transfer ledger differs from the accounts', expect: 'ledger_must_match', op: T, event: xfer(1n, 1n, 2n, 1n, 0, { ledger: 2 }), setup: fixture },
  { name: 'same transfer again', expect: 'exists', op: T, event: xfer(1n, 1n, 2n, 10n), setup: withTransfers(xfer(1n, 1n, 2n, 10n)) },
  {
    name: 'same transfer id, other amount',
    expect: 'exists_with_different_fields',
    op: T,
    event: xfer(1n, 1n, 2n, 11n),
    setup: withTransfers(xfer(1n, 1n, 2n, 10n)),
  },
  {
    name: 'same transfer id, other accounts',
    expect: 'exists_with_different_fields',
    op: T,
    event: xfer(1n, 2n, 1n, 10n),
    setup: withTransfers(xfer(1n, 1n, 2n, 10n)),
  },
  {
    name: 'same transfer id, now pending',
    expect: 'exists_with_different_fields',
    op: T,
    event: xfer(1n, 1n, 2n, 10n, PENDING),
    setup: withTransfers(xfer(1n, 1n, 2n, 10n)),
  },
  {
    name: 'same transfer id as an existing post',
    expect: 'exists_with_different_fields',
    op: T,
    event: xfer(2n, 1n, 2n, 10n),
    setup: (l) => {
      withTransfers(xfer(1n, 1n, 2n, 10n, PENDING))(l);
      ok(l, T, [post(2n, 1n)], S + 2n * NS);
    },
  },
  { name: 'transfer from a closed account', expect: 'debit_account_already_closed', op: T, event: xfer(1n, 6n, 2n, 1n), setup: fixture },
  { name: 'transfer to a closed account', expect: 'credit_account_already_closed', op: T, event: xfer(1n, 2n, 6n, 1n), setup: fixture },

  // post / void
  { name: 'post without pending id', expect: 'pending_id_must_not_be_zero', op: T, event: post(2n, 0n), setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)) },
  {
    name: 'post of pending id 2^128-1',
    expect: 'pending_id_must_not_be_int_max',
    op: T,
    event: post(2n, U128_MAX),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  { name: 'post of itself', expect: 'pending_id_must_be_different', op: T, event: post(1n, 1n), setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)) },
  {
    name: 'post with a timeout',
    expect: 'timeout_reserved_for_pending_transfer',
    op: T,
    event: post(2n, 1n, 0n, { timeout: 1 }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'post of an unknown transfer',
    expect: 'pending_transfer_not_found',
    op: T,
    event: post(2n, 9n),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  { name: 'post of a single-phase transfer', expect: 'pending_transfer_not_pending', op: T, event: post(2n, 1n), setup: withTransfers(xfer(1n, 1n, 2n, 5n)) },
  {
    name: 'post naming another debit account',
    expect: 'pending_transfer_has_different_debit_account_id',
    op: T,
    event: post(2n, 1n, 0n, { debit_account_id: 7n }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'post naming another credit account',
    expect: 'pending_transfer_has_different_credit_account_id',
    op: T,
    event: post(2n, 1n, 0n, { credit_account_id: 7n }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'post naming another ledger',
    expect: 'pending_transfer_has_different_ledger',
    op: T,
    event: post(2n, 1n, 0n, { ledger: 2 }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'post naming another code',
    expect: 'pending_transfer_has_different_code',
    op: T,
    event: post(2n, 1n, 0n, { code: 2 }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'post naming the same accounts, ledger and code',
    expect: 'ok',
    op: T,
    event: post(2n, 1n, 0n, { debit_account_id: 1n, credit_account_id: 2n, ledger: 1, code: 1 }),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
    after: (l) => assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 5n, cp: 0n, cpo: 0n }),
  },
  {
    name: 'post of more than pending',
    expect: 'exceeds_pending_transfer_amount',
    op: T,
    event: post(2n, 1n, 6n),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  // TigerBeetle: a void's amount above the pending amount exceeds it; below it, differs.
  {
    name: 'void of more than pending',
    expect: 'exceeds_pending_transfer_amount',
    op: T,
    event: voidOf(2n, 1n, 6n),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'void of part of pending',
    expect: 'pending_transfer_has_different_amount',
    op: T,
    event: voidOf(2n, 1n, 4n),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
  },
  {
    name: 'void naming exactly the pending amount',
    expect: 'ok',
    op: T,
    event: voidOf(2n, 1n, 5n),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
    after: (l) => {
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
      assert.equal(l.status(1n), 'voided');
    },
  },
  {
    name: 'post after post',
    expect: 'pending_transfer_already_posted',
    op: T,
    event: post(3n, 1n),
    setup: (l) => {
      withTransfers(xfer(1n, 1n, 2n, 5n, PENDING))(l);
      ok(l, T, [post(2n, 1n, 2n)], S + 2n * NS);
    },
  },
  {
    name: 'void after post',
    expect: 'pending_transfer_already_posted',
    op: T,
    event: voidOf(3n, 1n),
    setup: (l) => {
      withTransfers(xfer(1n, 1n, 2n, 5n, PENDING))(l);
      ok(l, T, [post(2n, 1n)], S + 2n * NS);
    },
  },
  {
    name: 'post after void',
    expect: 'pending_transfer_already_voided',
    op: T,
    event: post(3n, 1n),
    setup: (l) => {
      withTransfers(xfer(1n, 1n, 2n, 5n, PENDING))(l);
      ok(l, T, [voidOf(2n, 1n)], S + 2n * NS);
    },
  },
  {
    name: 'post after expiry',
    expect: 'pending_transfer_expired',
    op: T,
    event: post(2n, 1n),
    clock: S + 10n * NS,
    setup: (l) => {
      fixture(l);
      ok(l, T, [xfer(1n, 1n, 2n, 5n, PENDING, { timeout: 2 })], S + NS); // expires at S + 3 s
    },
    after: (l) => assert.equal(l.status(1n), 'expired'),
  },
  {
    name: 'void after expiry',
    expect: 'pending_transfer_expired',
    op: T,
    event: voidOf(2n, 1n),
    clock: S + 3n * NS,
    setup: (l) => {
      fixture(l);
      ok(l, T, [xfer(1n, 1n, 2n, 5n, PENDING, { timeout: 2 })], S + NS);
    },
  },
  {
    name: 'post of a pending transfer with a timeout, in time',
    expect: 'ok',
    op: T,
    event: post(2n, 1n),
    clock: S + 3n * NS - 1n,
    setup: (l) => {
      fixture(l);
      ok(l, T, [xfer(1n, 1n, 2n, 5n, PENDING, { timeout: 2 })], S + NS);
    },
    after: (l) => assert.equal(l.status(1n), 'posted'),
  },
  { name: 'debit from a closed account', expect: 'debit_account_already_closed', op: T, event: xfer(1n, 6n, 1n, 0n, PENDING), setup: fixture },

  // overflow: 2^128 - 1 is the largest amount a balance can hold.
  {
    name: 'pending debits overflow',
    expect: 'overflows_debits_pending',
    op: T,
    event: xfer(2n, 1n, 7n, 1n, PENDING),
    setup: withTransfers(xfer(1n, 1n, 2n, U128_MAX, PENDING)),
  },
  {
    name: 'pending credits overflow',
    expect: 'overflows_credits_pending',
    op: T,
    event: xfer(2n, 7n, 2n, 1n, PENDING),
    setup: withTransfers(xfer(1n, 1n, 2n, U128_MAX, PENDING)),
  },
  {
    name: 'posted debits overflow',
    expect: 'overflows_debits_posted',
    op: T,
    event: xfer(2n, 1n, 7n, 1n),
    setup: withTransfers(xfer(1n, 1n, 2n, U128_MAX)),
  },
  {
    // TigerBeetle checks the posted balance for a pending transfer too.
    name: 'posted debits overflow, by a pending transfer',
    expect: 'overflows_debits_posted',
    op: T,
    event: xfer(2n, 1n, 7n, 1n, PENDING),
    setup: withTransfers(xfer(1n, 1n, 2n, U128_MAX)),
  },
  {
    name: 'posted credits overflow',
    expect: 'overflows_credits_posted',
    op: T,
    event: xfer(2n, 7n, 2n, 1n),
    setup: withTransfers(xfer(1n, 1n, 2n, U128_MAX)),
  },
  {
    name: 'posted credits overflow, by a pending transfer',
    expect: 'overflows_credits_posted',
    op: T,
    event: xfer(2n, 7n, 2n, 1n, PENDING),
    setup: withTransfers(xfer(1n, 1n, 2n, U128_MAX)),
  },
  {
    name: 'pending + posted debits overflow',
    expect: 'overflows_debits',
    op: T,
    event: xfer(2n, 1n, 7n, 10n),
    setup: withTransfers(xfer(1n, 1n, 2n, U128_MAX - 5n, PENDING)),
  },
  {
    name: 'pending + posted credits overflow',
    expect: 'overflows_credits',
    op: T,
    event: xfer(2n, 7n, 2n, 10n),
    setup: withTransfers(xfer(1n, 1n, 2n, U128_MAX - 5n, PENDING)),
  },
  {
    name: 'timeout past the end of u64 time',
    expect: 'overflows_timeout',
    op: T,
    event: xfer(1n, 1n, 2n, 1n, PENDING, { timeout: U32_MAX }),
    clock: HUGE_START_CLOCK,
    setup: fixture,
  },
  {
    name: 'the largest timeout that fits',
    expect: 'ok',
    op: T,
    event: xfer(1n, 1n, 2n, 1n, PENDING, { timeout: U32_MAX }),
    clock: (1n << 64n) - 1n - BigInt(U32_MAX) * NS,
    setup: fixture,
    after: (l) => assert.equal(l.transfer(1n)!.timeout, U32_MAX),
  },

  // limits
  { name: 'debit past credits', expect: 'exceeds_credits', op: T, event: xfer(2n, 3n, 1n, 4n), setup: withTransfers(xfer(1n, 1n, 3n, 3n)) },
  { name: 'pending debit past credits', expect: 'exceeds_credits', op: T, event: xfer(2n, 3n, 1n, 4n, PENDING), setup: withTransfers(xfer(1n, 1n, 3n, 3n)) },
  {
    name: 'debit up to credits',
    expect: 'ok',
    op: T,
    event: xfer(2n, 3n, 1n, 3n),
    setup: withTransfers(xfer(1n, 1n, 3n, 3n)),
    after: (l) => assert.deepEqual(bal(l, 3n), { dp: 0n, dpo: 3n, cp: 0n, cpo: 3n }),
  },
  {
    name: 'debit against credits that are only pending',
    expect: 'exceeds_credits',
    op: T,
    event: xfer(3n, 3n, 2n, 1n),
    // pending credits do not count as available
    setup: withTransfers(xfer(1n, 1n, 3n, 5n, PENDING)),
  },
  { name: 'credit past debits', expect: 'exceeds_debits', op: T, event: xfer(2n, 1n, 4n, 1n), setup: fixture },
  { name: 'pending credit past debits', expect: 'exceeds_debits', op: T, event: xfer(2n, 2n, 4n, 3n, PENDING), setup: withTransfers(xfer(1n, 4n, 1n, 2n)) },
  {
    name: 'transfer past the limit',
    expect: 'transfers_limit_reached',
    op: T,
    event: xfer(2n, 1n, 2n, 1n),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
    limits: { accounts_max: 100, transfers_max: 1 },
  },
  {
    name: 'post past the limit',
    expect: 'transfers_limit_reached',
    op: T,
    event: post(2n, 1n),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
    limits: { accounts_max: 100, transfers_max: 1 },
  },
  {
    name: 'existing transfer at the limit is still recognised',
    expect: 'exists',
    op: T,
    event: xfer(1n, 1n, 2n, 5n, PENDING),
    setup: withTransfers(xfer(1n, 1n, 2n, 5n, PENDING)),
    limits: { accounts_max: 100, transfers_max: 1 },
  },
];

describe('ledger state machine: one example per result code', () => {
  for (const c of CODE_CASES) {
    test(`${c.expect}: ${c.name}`, () => {
      both((make) => {
        const l = make(c.limits);
        c.setup?.(l);
        const before = l.snapshot();
        const lastBefore = l.lastTimestamp();
        const clock = c.clock ?? S + 5n * NS;
        const r = l.run(c.op, [c.event], clock);
        assert.deepEqual(r, [c.expect], `${l.name}: ${c.name}`);
        assert.ok(l.lastTimestamp() > lastBefore, `${l.name}: the event consumed a timestamp`);
        if (c.expect !== 'ok') {
          const after = l.snapshot() as { accounts: Account[] };
          // Expiry at the start of the batch may legitimately change state; only the
          // cases without timeouts compare the whole state.
          if (c.clock === undefined) assert.deepEqual(after, before, `${l.name}: a failed event changed state`);
          else {
            const b = (before as { accounts: Account[] }).accounts;
            // the only change allowed is an expiry releasing pending amounts
            for (const a of after.accounts) {
              const old = b.find((x) => x.id === a.id)!;
              assert.equal(a.debits_posted, old.debits_posted);
              assert.equal(a.credits_posted, old.credits_posted);
            }
          }
        }
        c.after?.(l);
      });
    });
  }

  test('every result code the state machine can produce has an example', () => {
    const covered = new Set<ResultCode>(CODE_CASES.map((c) => c.expect));
    covered.add('linked_event_failed');
    covered.add('linked_event_chain_open'); // both in the linked chain tests below
    const missing = RESULT_CODES.filter((code) => !covered.has(code));
    assert.deepEqual(missing, []);
  });

  test('result codes are distinct and fit the Uint8Array of results', () => {
    assert.equal(RESULT_CODES[0], 'ok');
    assert.equal(new Set(RESULT_CODES).size, RESULT_CODES.length);
    assert.ok(RESULT_CODES.length < 256, 'results are stored in a Uint8Array');
  });
});

// ---- (a) linked chains, two-phase, expiry, balancing, timestamps ------------------------------

describe('ledger state machine: linked chains', () => {
  test('a chain whose 3rd event fails undoes the 1st and 2nd, which had changed balances', () => {
    both((make) => {
      const l = make();
      fixture(l);
      ok(l, T, [xfer(1n, 1n, 3n, 10n)], S + NS); // account 3 (debits <= credits) gets 10 of credits
      const before = l.snapshot();
      // 4 + 4 fit within 10; the 3rd 4 fails only because the first two were applied.
      const r = l.run(T, [xfer(11n, 3n, 7n, 4n, LINKED), xfer(12n, 3n, 7n, 4n, LINKED | PENDING), xfer(13n, 3n, 7n, 4n), xfer(14n, 1n, 2n, 1n)], S + 2n * NS);
      assert.deepEqual(r, ['linked_event_failed', 'linked_event_failed', 'exceeds_credits', 'ok'], l.name);
      const after = l.snapshot() as ReturnType<typeof implState>;
      const b = before as ReturnType<typeof implState>;
      assert.deepEqual(
        after.accounts.filter((a) => a.id !== 1n && a.id !== 2n),
        b.accounts.filter((a) => a.id !== 1n && a.id !== 2n),
      );
      assert.deepEqual(bal(l, 3n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 10n });
      assert.equal(l.transfer(11n), undefined);
      assert.equal(l.transfer(12n), undefined);
      assert.equal(l.status(12n), undefined);
      assert.equal(l.transfer(13n), undefined);
      assert.ok(l.transfer(14n));
      // Proof the failure came from the chain: the same 3rd event alone now fits.
      assert.deepEqual(l.run(T, [xfer(13n, 3n, 7n, 4n)], S + 3n * NS), ['ok']);
      // And the rolled-back ids are free to be used.
      assert.deepEqual(l.run(T, [xfer(11n, 3n, 7n, 6n)], S + 4n * NS), ['ok']);
      assert.deepEqual(bal(l, 3n), { dp: 0n, dpo: 10n, cp: 0n, cpo: 10n });
    });
  });

  test('the rolled-back chain leaves no history rows, the committed event does', () => {
    const l = implLedger();
    fixture(l);
    l.run(T, [xfer(1n, 1n, 7n, 5n, LINKED), xfer(2n, 7n, 2n, 2n, LINKED), xfer(3n, 7n, 7n, 1n)], S + NS);
    const failed = l.lastEffects!;
    assert.equal(failed.history.length, 0);
    assert.equal(failed.transfers_created.length, 0);
    l.run(T, [xfer(1n, 1n, 7n, 5n, LINKED), xfer(2n, 7n, 2n, 2n)], S + 2n * NS);
    const committed = l.lastEffects!;
    assert.deepEqual(
      committed.history.map((h) => [h.account_id, h.balance.credits_posted, h.balance.debits_posted]),
      [
        [7n, 5n, 0n],
        [7n, 5n, 2n],
      ],
    );
  });

  test('a chain still open at the end of the batch fails: last event linked_event_chain_open', () => {
    both((make) => {
      const l = make();
      fixture(l);
      const before = l.snapshot();
      const r = l.run(T, [xfer(1n, 1n, 2n, 1n), xfer(2n, 1n, 2n, 2n, LINKED), xfer(3n, 1n, 2n, 3n, LINKED)], S + NS);
      assert.deepEqual(r, ['ok', 'linked_event_failed', 'linked_event_chain_open'], l.name);
      const after = l.snapshot() as ReturnType<typeof implState>;
      assert.equal(after.transfers.length, (before as ReturnType<typeof implState>).transfers.length + 1);
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 1n, cp: 0n, cpo: 0n });
    });
  });

  test('a lone linked event at the end is an open chain', () => {
    both((make) => {
      const l = make();
      fixture(l);
      assert.deepEqual(l.run(T, [xfer(1n, 1n, 2n, 1n, LINKED)], S + NS), ['linked_event_chain_open']);
      assert.deepEqual(l.run(A, [account(20n, 1, 1, AccountFlags.linked)], S + 2n * NS), ['linked_event_chain_open']);
      assert.equal(l.account(20n), undefined);
      assert.equal(l.transfer(1n), undefined);
    });
  });

  test('an open chain that already failed keeps the failing code and still ends in linked_event_chain_open', () => {
    both((make) => {
      const l = make();
      fixture(l);
      const r = l.run(T, [xfer(1n, 1n, 2n, 1n, LINKED), xfer(2n, 1n, 99n, 1n, LINKED), xfer(3n, 1n, 2n, 1n, LINKED), xfer(4n, 1n, 2n, 1n, LINKED)], S + NS);
      assert.deepEqual(r, ['linked_event_failed', 'credit_account_not_found', 'linked_event_failed', 'linked_event_chain_open'], l.name);
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
    });
  });

  test('chains around a failed chain are independent', () => {
    both((make) => {
      const l = make();
      fixture(l);
      const r = l.run(
        T,
        [
          xfer(1n, 1n, 2n, 1n, LINKED),
          xfer(2n, 1n, 2n, 2n), // chain 1 closes: ok
          xfer(3n, 1n, 2n, 4n, LINKED),
          xfer(4n, 1n, 1n, 8n), // chain 2 fails
          xfer(5n, 1n, 2n, 16n, LINKED),
          xfer(6n, 1n, 2n, 32n), // chain 3: ok
        ],
        S + NS,
      );
      assert.deepEqual(r, ['ok', 'ok', 'linked_event_failed', 'accounts_must_be_different', 'ok', 'ok'], l.name);
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 1n + 2n + 16n + 32n, cp: 0n, cpo: 0n });
    });
  });

  test('a chain rollback restores a pending transfer posted inside the chain', () => {
    both((make) => {
      const l = make();
      fixture(l);
      ok(l, T, [xfer(1n, 1n, 2n, 10n, PENDING, { timeout: 5 })], S + NS);
      const r = l.run(T, [post(2n, 1n, 4n, { flags: POST | LINKED }), xfer(3n, 1n, 99n, 1n)], S + 2n * NS);
      assert.deepEqual(r, ['linked_event_failed', 'credit_account_not_found']);
      assert.equal(l.status(1n), 'pending');
      assert.deepEqual(bal(l, 1n), { dp: 10n, dpo: 0n, cp: 0n, cpo: 0n });
      // it still expires on time, and it can still be posted before that
      assert.deepEqual(l.run(T, [post(2n, 1n, 4n)], S + 3n * NS), ['ok']);
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 4n, cp: 0n, cpo: 0n });
    });
  });

  test('a pending transfer created in a rolled-back chain never expires', () => {
    const l = implLedger();
    fixture(l);
    l.run(T, [xfer(1n, 1n, 2n, 10n, PENDING | LINKED, { timeout: 1 }), xfer(2n, 1n, 1n, 1n)], S + NS);
    assert.equal(l.sm.nextExpiry(), null);
    l.run('pulse', [], S + 10n * NS);
    assert.deepEqual(l.lastEffects!.expired, []);
    assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
  });

  test('linked accounts: all or nothing', () => {
    both((make) => {
      const l = make();
      const r = l.run(A, [account(1n, 1, 1, AccountFlags.linked), account(2n, 1, 1, AccountFlags.linked), account(3n, 0)], S);
      assert.deepEqual(r, ['linked_event_failed', 'linked_event_failed', 'ledger_must_not_be_zero']);
      assert.equal(l.account(1n), undefined);
      assert.equal(l.account(2n), undefined);
      // a duplicate id inside one chain: the second is `exists`, which breaks the chain
      const r2 = l.run(A, [account(1n, 1, 1, AccountFlags.linked), account(1n, 1, 1, AccountFlags.linked), account(4n, 1)], S);
      assert.deepEqual(r2, ['linked_event_failed', 'exists', 'linked_event_failed']);
      assert.equal(l.account(1n), undefined);
    });
  });
});

describe('ledger state machine: two-phase transfers', () => {
  test('partial post: posts part, releases the whole reservation', () => {
    both((make) => {
      const l = make();
      fixture(l);
      ok(l, T, [xfer(1n, 1n, 2n, 10n, PENDING, { user_data_64: 7n })], S + NS);
      assert.deepEqual(bal(l, 1n), { dp: 10n, dpo: 0n, cp: 0n, cpo: 0n });
      assert.deepEqual(bal(l, 2n), { dp: 0n, dpo: 0n, cp: 10n, cpo: 0n });
      ok(l, T, [post(2n, 1n, 4n)], S + 2n * NS);
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 4n, cp: 0n, cpo: 0n });
      assert.deepEqual(bal(l, 2n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 4n });
      const t = l.transfer(2n)!;
      assert.equal(t.amount, 4n);
      assert.equal(t.pending_id, 1n);
      assert.equal(t.debit_account_id, 1n);
      assert.equal(t.credit_account_id, 2n);
      assert.equal(t.ledger, 1);
      assert.equal(t.code, 1);
      assert.equal(t.user_data_64, 7n, 'user data inherited from the pending transfer');
      assert.equal(l.status(1n), 'posted');
      // the remaining 6 cannot be posted later
      assert.deepEqual(l.run(T, [post(3n, 1n, 6n)], S + 3n * NS), ['pending_transfer_already_posted']);
      // a retry of the same post is recognised
      assert.deepEqual(l.run(T, [post(2n, 1n, 4n)], S + 3n * NS), ['exists']);
      assert.deepEqual(l.run(T, [post(2n, 1n, 5n)], S + 3n * NS), ['exists_with_different_fields']);
    });
  });

  test('full post with amount 0 posts the pending amount', () => {
    both((make) => {
      const l = make();
      fixture(l);
      ok(l, T, [xfer(1n, 1n, 2n, 10n, PENDING)], S + NS);
      ok(l, T, [post(2n, 1n, 0n, { user_data_64: 3n })], S + 2n * NS);
      assert.equal(l.transfer(2n)!.amount, 10n);
      assert.equal(l.transfer(2n)!.user_data_64, 3n, 'own user data wins');
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 10n, cp: 0n, cpo: 0n });
      assert.deepEqual(l.run(T, [post(2n, 1n, 0n, { user_data_64: 3n })], S + 2n * NS), ['exists']);
      assert.deepEqual(l.run(T, [post(2n, 1n, 10n, { user_data_64: 3n })], S + 2n * NS), ['exists_with_different_fields']);
    });
  });

  test('void releases the reservation, posts nothing', () => {
    both((make) => {
      const l = make();
      fixture(l);
      ok(l, T, [xfer(1n, 1n, 2n, 10n, PENDING), xfer(2n, 1n, 2n, 3n)], S + NS);
      ok(l, T, [voidOf(3n, 1n)], S + 2n * NS);
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 3n, cp: 0n, cpo: 0n });
      assert.deepEqual(bal(l, 2n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 3n });
      assert.equal(l.transfer(3n)!.amount, 10n);
      assert.equal(l.status(1n), 'voided');
      assert.deepEqual(l.run(T, [post(4n, 1n)], S + 3n * NS), ['pending_transfer_already_voided']);
      assert.deepEqual(l.run(T, [voidOf(4n, 1n)], S + 3n * NS), ['pending_transfer_already_voided']);
    });
  });

  test('post in the same batch as its pending transfer', () => {
    both((make) => {
      const l = make();
      fixture(l);
      assert.deepEqual(l.run(T, [xfer(1n, 1n, 2n, 10n, PENDING), post(2n, 1n, 7n), voidOf(3n, 1n)], S + NS), ['ok', 'ok', 'pending_transfer_already_posted']);
      assert.deepEqual(bal(l, 2n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 7n });
    });
  });
});

describe('ledger state machine: expiry and timestamps', () => {
  test('a pending transfer expires at its deadline, in a pulse, with its own timestamp', () => {
    for (const make of [implLedger, modelLedger]) {
      const l = make();
      fixture(l);
      const created = S + NS;
      ok(l, T, [xfer(1n, 1n, 2n, 10n, PENDING, { timeout: 2 })], created);
      assert.equal(l.transfer(1n)!.timestamp, created);
      const deadline = created + 2n * NS;
      l.run('pulse', [], deadline - 1n);
      assert.equal(l.status(1n), 'pending', 'one nanosecond early');
      assert.deepEqual(bal(l, 1n), { dp: 10n, dpo: 0n, cp: 0n, cpo: 0n });
      l.run('pulse', [], deadline);
      assert.equal(l.status(1n), 'expired');
      assert.equal(l.lastTimestamp(), deadline, 'the expiry took the pulse timestamp');
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
      assert.deepEqual(bal(l, 2n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
      if ('lastEffects' in l) {
        const eff = (l as ReturnType<typeof implLedger>).lastEffects!;
        assert.deepEqual(
          eff.expired.map((e) => [e.transfer.id, e.timestamp]),
          [[1n, deadline]],
        );
      }
    }
  });

  test('expiries go in deadline order, each takes a timestamp, then the events', () => {
    both((make) => {
      const l = make();
      fixture(l);
      // created at c, c+1, c+2; deadlines c+3s, c+1+1s, c+2+1s
      const c = S + NS;
      ok(
        l,
        T,
        [xfer(1n, 1n, 2n, 1n, PENDING, { timeout: 3 }), xfer(2n, 1n, 2n, 2n, PENDING, { timeout: 1 }), xfer(3n, 1n, 2n, 4n, PENDING, { timeout: 1 })],
        c,
      );
      const clock = c + 10n * NS;
      const r = l.run(T, [xfer(4n, 1n, 2n, 8n), xfer(5n, 1n, 2n, 16n)], clock);
      assert.deepEqual(r, ['ok', 'ok']);
      for (const id of [1n, 2n, 3n]) assert.equal(l.status(id), 'expired');
      // three expiries took clock, clock+1, clock+2; the events come after
      assert.equal(l.transfer(4n)!.timestamp, clock + 3n);
      assert.equal(l.transfer(5n)!.timestamp, clock + 4n);
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 24n, cp: 0n, cpo: 0n });
    });
    const l = implLedger();
    fixture(l);
    const c = S + NS;
    l.run(T, [xfer(1n, 1n, 2n, 1n, PENDING, { timeout: 3 }), xfer(2n, 1n, 2n, 2n, PENDING, { timeout: 1 }), xfer(3n, 1n, 2n, 4n, PENDING, { timeout: 1 })], c);
    l.run('pulse', [], c + 10n * NS);
    assert.deepEqual(
      l.lastEffects!.expired.map((e) => [e.transfer.id, e.timestamp]),
      [
        [2n, c + 10n * NS],
        [3n, c + 10n * NS + 1n],
        [1n, c + 10n * NS + 2n],
      ],
    );
  });

  test('equal deadlines expire in creation order', () => {
    const l = implLedger();
    fixture(l);
    const c = S + NS;
    // P1 at c with 2 s and P2 at c + 1 s with 1 s share the deadline c + 2 s; P0 is due later.
    l.run(T, [xfer(3n, 1n, 2n, 1n, PENDING, { timeout: 4 }), xfer(1n, 1n, 2n, 1n, PENDING, { timeout: 2 })], c - 1n);
    l.run(T, [xfer(2n, 1n, 2n, 1n, PENDING, { timeout: 1 })], c + NS);
    assert.equal(l.transfer(1n)!.timestamp + 2n * NS, l.transfer(2n)!.timestamp + NS, 'same deadline');
    l.run('pulse', [], c + 10n * NS);
    assert.deepEqual(
      l.lastEffects!.expired.map((e) => e.transfer.id),
      [1n, 2n, 3n],
    );
    const m = new ReferenceLedger();
    m.execute(A, FIXTURE, S);
    m.execute(T, [xfer(3n, 1n, 2n, 1n, PENDING, { timeout: 4 }), xfer(1n, 1n, 2n, 1n, PENDING, { timeout: 2 })], c - 1n);
    m.execute(T, [xfer(2n, 1n, 2n, 1n, PENDING, { timeout: 1 })], c + NS);
    assert.deepEqual(
      m.execute('pulse', [], c + 10n * NS).expired.map((e) => e.id),
      [1n, 2n, 3n],
    );
  });

  test('a deadline reached inside a batch: the post fails, the expiry happens next batch', () => {
    both((make) => {
      const l = make();
      fixture(l);
      const c = S + NS;
      ok(l, T, [xfer(1n, 1n, 2n, 10n, PENDING, { timeout: 1 })], c);
      // the batch starts 1 ns before the deadline; event 1 sits exactly on it
      const r = l.run(T, [xfer(2n, 7n, 2n, 1n), post(3n, 1n)], c + NS - 1n);
      assert.deepEqual(r, ['ok', 'pending_transfer_expired']);
      assert.equal(l.status(1n), 'pending');
      assert.deepEqual(bal(l, 1n), { dp: 10n, dpo: 0n, cp: 0n, cpo: 0n });
      l.run('pulse', [], 0n);
      assert.equal(l.status(1n), 'expired');
      assert.deepEqual(bal(l, 1n), { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
    });
  });

  test('timestamps strictly increase when the clock stalls or goes back', () => {
    both((make) => {
      const l = make();
      fixture(l);
      const t0 = l.lastTimestamp();
      assert.equal(t0, S + BigInt(FIXTURE.length) - 1n);
      ok(l, T, [xfer(1n, 1n, 2n, 1n), xfer(2n, 1n, 2n, 1n)], S - 100n * NS);
      assert.equal(l.transfer(1n)!.timestamp, t0 + 1n);
      assert.equal(l.transfer(2n)!.timestamp, t0 + 2n);
      // failed events consume their timestamp too
      assert.deepEqual(l.run(T, [xfer(3n, 1n, 1n, 1n), xfer(4n, 1n, 2n, 1n)], 0n), ['accounts_must_be_different', 'ok']);
      assert.equal(l.transfer(4n)!.timestamp, t0 + 4n);
      // an empty pulse with nothing due changes nothing
      l.run('pulse', [], 0n);
      assert.equal(l.lastTimestamp(), t0 + 4n);
      ok(l, T, [xfer(5n, 1n, 2n, 1n)], S + 50n * NS);
      assert.equal(l.transfer(5n)!.timestamp, S + 50n * NS);
    });
  });
});

describe('ledger state machine: balancing transfers', () => {
  test('balancing_debit moves at most what the debit account has', () => {
    both((make) => {
      const l = make();
      fixture(l);
      ok(l, T, [xfer(1n, 1n, 3n, 10n), xfer(2n, 3n, 2n, 3n, PENDING)], S + NS); // 3: credits 10, pending debits 3
      ok(l, T, [xfer(3n, 3n, 2n, 100n, BAL_D)], S + 2n * NS);
      assert.equal(l.transfer(3n)!.amount, 7n);
      assert.deepEqual(bal(l, 3n), { dp: 3n, dpo: 7n, cp: 0n, cpo: 10n });
      // the same event again is `exists`, although the stored amount differs from the submitted one
      assert.deepEqual(l.run(T, [xfer(3n, 3n, 2n, 100n, BAL_D)], S + 3n * NS), ['exists']);
      assert.deepEqual(l.run(T, [xfer(3n, 3n, 2n, 7n, BAL_D)], S + 3n * NS), ['exists_with_different_fields']);
      // nothing left: moves 0
      ok(l, T, [xfer(4n, 3n, 2n, 100n, BAL_D)], S + 4n * NS);
      assert.equal(l.transfer(4n)!.amount, 0n);
      // the cap never raises an amount
      ok(l, T, [xfer(5n, 1n, 2n, 2n, BAL_D)], S + 5n * NS);
      assert.equal(l.transfer(5n)!.amount, 0n, 'account 1 has no credits, so nothing moves');
      ok(l, T, [xfer(6n, 2n, 1n, 2n, BAL_D)], S + 6n * NS);
      assert.equal(l.transfer(6n)!.amount, 2n);
    });
  });

  test('balancing_credit moves at most what the credit account may take, also as pending', () => {
    both((make) => {
      const l = make();
      fixture(l);
      ok(l, T, [xfer(1n, 4n, 1n, 9n)], S + NS); // 4 (credits <= debits): debits 9
      ok(l, T, [xfer(2n, 2n, 4n, 5n, BAL_C | PENDING), xfer(3n, 2n, 4n, 50n, BAL_C)], S + 2n * NS);
      assert.equal(l.transfer(2n)!.amount, 5n);
      assert.equal(l.transfer(3n)!.amount, 4n);
      assert.deepEqual(bal(l, 4n), { dp: 0n, dpo: 9n, cp: 5n, cpo: 4n });
      // both flags: the smaller cap wins. Account 2 now has 4 posted debits and no credits.
      ok(l, T, [xfer(4n, 1n, 3n, 6n)], S + 3n * NS); // 3 (debits <= credits): credits 6
      ok(l, T, [xfer(5n, 3n, 2n, 1000n, BAL_D | BAL_C)], S + 4n * NS);
      assert.equal(l.transfer(5n)!.amount, 4n, 'capped by the credit side (4), not the debit side (6)');
      ok(l, T, [xfer(6n, 3n, 7n, 1000n, BAL_D | BAL_C)], S + 5n * NS);
      assert.equal(l.transfer(6n)!.amount, 0n, 'account 7 has no debits to balance');
      ok(l, T, [xfer(7n, 3n, 7n, 1000n, BAL_D)], S + 6n * NS);
      assert.equal(l.transfer(7n)!.amount, 2n, "what is left of 3's credits");
      assert.deepEqual(bal(l, 3n), { dp: 0n, dpo: 6n, cp: 0n, cpo: 6n });
    });
  });
});

// ---- (b) properties ------------------------------------------------------------------------------

/** 200 by default; LEDGER_PBT_RUNS=5000 for a deeper search. */
const RUNS = Math.max(200, Number(process.env.LEDGER_PBT_RUNS ?? 200) || 200);

function effectsView(e: BatchEffects) {
  return {
    expired: e.expired.map((x) => ({ id: x.transfer.id, timestamp: x.timestamp })),
    history: e.history.map((h) => ({ account_id: h.account_id, balance: { ...h.balance } })),
    accounts_created: e.accounts_created.map((a) => a.id),
    transfers_created: e.transfers_created.map((t) => t.id),
  };
}

function modelEffectsView(o: ModelBatchOutcome) {
  return {
    expired: o.expired,
    history: o.history,
    accounts_created: o.accounts_created,
    transfers_created: o.transfers_created,
  };
}

function exec(sm: LedgerStateMachine, b: ExecutedBatch): { codes: ResultCode[]; effects: BatchEffects } {
  const { results, effects } = sm.execute(
    b.op,
    b.events.map((e) => ({ ...e })),
    b.clock,
  );
  return { codes: codesOf(results), effects };
}

const arbLimits: fc.Arbitrary<LedgerLimits | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.record({ accounts_max: fc.integer({ min: 3, max: 7 }), transfers_max: fc.integer({ min: 2, max: 8 }) }) },
);

/** Per-ledger conservation, account limits, and balances equal to what the transfers imply. */
function checkInvariants(sm: LedgerStateMachine): void {
  const sums = new Map<number, { dp: bigint; cp: bigint; dpo: bigint; cpo: bigint }>();
  for (const a of sm.accounts.values()) {
    const s = sums.get(a.ledger) ?? { dp: 0n, cp: 0n, dpo: 0n, cpo: 0n };
    s.dp += a.debits_pending;
    s.cp += a.credits_pending;
    s.dpo += a.debits_posted;
    s.cpo += a.credits_posted;
    sums.set(a.ledger, s);
    for (const v of [a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted]) {
      assert.ok(v >= 0n && v <= U128_MAX, `balance of ${a.id} within u128`);
    }
    assert.ok(a.debits_pending + a.debits_posted <= U128_MAX, `total debits of ${a.id} within u128`);
    assert.ok(a.credits_pending + a.credits_posted <= U128_MAX, `total credits of ${a.id} within u128`);
    if ((a.flags & DMNEC) !== 0) {
      assert.ok(a.debits_pending + a.debits_posted <= a.credits_posted, `account ${a.id}: debits exceed credits`);
    }
    if ((a.flags & CMNED) !== 0) {
      assert.ok(a.credits_pending + a.credits_posted <= a.debits_posted, `account ${a.id}: credits exceed debits`);
    }
  }
  for (const [ledger, s] of sums) {
    assert.equal(s.dp, s.cp, `ledger ${ledger}: pending debits = pending credits`);
    assert.equal(s.dpo, s.cpo, `ledger ${ledger}: posted debits = posted credits`);
  }

  const implied = new Map<bigint, Balances>();
  const get = (id: bigint): Balances => {
    let b = implied.get(id);
    if (b === undefined) implied.set(id, (b = { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n }));
    return b;
  };
  let lastTs = 0n;
  for (const t of sm.transfersInOrder()) {
    assert.ok(t.timestamp > lastTs, 'transfer timestamps strictly increase');
    lastTs = t.timestamp;
    assert.ok(sm.accounts.has(t.debit_account_id) && sm.accounts.has(t.credit_account_id), 'transfer accounts exist');
    const dr = get(t.debit_account_id);
    const cr = get(t.credit_account_id);
    if ((t.flags & PENDING) !== 0) {
      const status = sm.pendingStatus(t.id);
      assert.ok(status !== undefined, `pending transfer ${t.id} has a status`);
      if (status === 'pending') {
        dr.dp += t.amount;
        cr.cp += t.amount;
      }
    } else if ((t.flags & VOID) === 0) {
      dr.dpo += t.amount;
      cr.cpo += t.amount;
    }
    if ((t.flags & (POST | VOID)) !== 0) {
      const p = sm.transfers.get(t.pending_id);
      assert.ok(p && (p.flags & PENDING) !== 0, 'post/void references a pending transfer');
      assert.equal(sm.pendingStatus(p.id), (t.flags & POST) !== 0 ? 'posted' : 'voided');
      assert.ok(t.amount <= p.amount);
      assert.ok(t.timestamp > p.timestamp);
    }
  }
  assert.ok(lastTs <= sm.last_timestamp);
  for (const a of sm.accounts.values()) {
    const b = implied.get(a.id) ?? { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n };
    assert.deepEqual(
      { dp: a.debits_pending, dpo: a.debits_posted, cp: a.credits_pending, cpo: a.credits_posted },
      b,
      `account ${a.id}: balances equal what its transfers imply`,
    );
  }
  assert.equal(sm.transfers.size, sm.transferCount);
  assert.equal(sm.accounts.size, sm.accountLog.length);
}

/** Indices of each linked chain in a batch (a run of linked events plus the one ending it). */
function chainsOf(events: readonly Event[]): Array<{ start: number; end: number; open: boolean }> {
  const chains: Array<{ start: number; end: number; open: boolean }> = [];
  let start = -1;
  events.forEach((e, i) => {
    const linked = (e.flags & 1) !== 0;
    if (linked && start < 0) start = i;
    if (start >= 0 && (!linked || i === events.length - 1)) {
      chains.push({ start, end: i, open: linked });
      start = -1;
    }
  });
  return chains;
}

function balancesOf(sm: LedgerStateMachine): Array<[bigint, bigint, bigint, bigint, bigint]> {
  return [...sm.accounts.values()].map((a) => [a.id, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted]);
}

/** Pulses at clock 0 until nothing more expires, so the next batch's start triggers no expiry. */
function settle(sm: LedgerStateMachine, model?: ReferenceLedger): void {
  for (;;) {
    const { effects } = sm.execute('pulse', [], 0n);
    const m = model?.execute('pulse', [], 0n);
    if (m)
      assert.deepEqual(
        m.expired,
        effects.expired.map((x) => ({ id: x.transfer.id, timestamp: x.timestamp })),
      );
    if (effects.expired.length === 0) return;
  }
}

describe('ledger state machine: properties', () => {
  test('agrees exactly with the reference model: results, accounts, transfers, pending status, effects', () => {
    const seen = new Set<ResultCode>();
    fc.assert(
      fc.property(arbScenario(), arbLimits, (scenario, limits) => {
        const sm = new LedgerStateMachine(limits);
        const model = new ReferenceLedger(limits);
        for (const b of materialize(scenario)) {
          const got = exec(sm, b);
          const want = model.execute(
            b.op,
            b.events.map((e) => ({ ...e })),
            b.clock,
          );
          assert.deepEqual(got.codes, want.results, `results of ${b.op} at ${b.clock}`);
          for (const c of got.codes) seen.add(c);
          assert.deepEqual(effectsView(got.effects), modelEffectsView(want), 'batch effects');
          assert.deepEqual(implState(sm), modelState(model), 'state after the batch');
          assert.equal(sm.last_timestamp, model.last_timestamp, 'last timestamp');
        }
      }),
      { numRuns: RUNS },
    );
    // The generators must actually reach the interesting paths, or the property proves little.
    // Only codes that show up dozens of times per 200 runs are required, so this is not flaky.
    const expected: ResultCode[] = [
      'ok',
      'linked_event_failed',
      'linked_event_chain_open',
      'exists',
      'exists_with_different_fields',
      'flags_are_mutually_exclusive',
      'ledger_must_match',
      'debit_account_not_found',
      'pending_transfer_not_found',
      'pending_transfer_has_different_debit_account_id',
      'exceeds_pending_transfer_amount',
      'pending_transfer_has_different_amount',
      'pending_transfer_already_posted',
      'pending_transfer_already_voided',
      'pending_transfer_expired',
      'debit_account_already_closed',
      'credit_account_already_closed',
      'exceeds_credits',
      'exceeds_debits',
      'accounts_limit_reached',
      'transfers_limit_reached',
    ];
    assert.ok(
      [...seen].some((c) => c.startsWith('overflows_')),
      'no overflow was ever reached',
    );
    assert.deepEqual(
      expected.filter((c) => !seen.has(c)),
      [],
      'result codes never produced by the generators',
    );
  });

  test('one-event batches (as the platform settles each payment) agree exactly with the reference model', () => {
    // Every create_transfers batch of a scenario split into batches of one event each, at the batch's clock: the
    // platform settles a payment as such a batch. Lone linked events must still be open chains.
    let ones = 0;
    let loneLinked = 0;
    fc.assert(
      fc.property(arbScenario(), arbLimits, (scenario, limits) => {
        const sm = new LedgerStateMachine(limits);
        const model = new ReferenceLedger(limits);
        for (const whole of materialize(scenario)) {
          const parts = whole.op === 'create_transfers' ? whole.events.map((e) => ({ ...whole, events: [e] })) : [whole];
          for (const b of parts) {
            if (b.op === 'create_transfers') {
              ones++;
              if ((b.events[0]!.flags & LINKED) !== 0) loneLinked++;
            }
            const got = exec(sm, b);
            const want = model.execute(
              b.op,
              b.events.map((e) => ({ ...e })),
              b.clock,
            );
            assert.deepEqual(got.codes, want.results, `results of ${b.op} at ${b.clock}`);
            assert.deepEqual(effectsView(got.effects), modelEffectsView(want), 'batch effects');
            assert.deepEqual(implState(sm), modelState(model), 'state after the batch');
            assert.equal(sm.last_timestamp, model.last_timestamp, 'last timestamp');
          }
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(ones > 100 && loneLinked > 10, `the generators reached ${ones} one-transfer batches, ${loneLinked} of them linked`);
  });

  test('invariants hold after every batch: conservation per ledger, account limits, balances = transfers', () => {
    fc.assert(
      fc.property(arbScenario(), arbLimits, (scenario, limits) => {
        const sm = new LedgerStateMachine(limits);
        for (const b of materialize(scenario)) {
          exec(sm, b);
          checkInvariants(sm);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('re-submitting executed batches: successes become exists, nothing moves twice', () => {
    fc.assert(
      fc.property(arbScenario({ maxSteps: 8 }), (scenario) => {
        const sm = new LedgerStateMachine();
        const model = new ReferenceLedger();
        const executed: Array<{ batch: ExecutedBatch; codes: ResultCode[] }> = [];
        for (const b of materialize(scenario)) {
          const first = exec(sm, b);
          const want = model.execute(
            b.op,
            b.events.map((e) => ({ ...e })),
            b.clock,
          );
          assert.deepEqual(first.codes, want.results);
          if (b.op === 'pulse') continue;
          executed.push({ batch: b, codes: first.codes });
          // 1. The whole batch again, at once: nothing that succeeded succeeds again.
          const again = exec(sm, { ...b, clock: b.clock });
          const wantAgain = model.execute(
            b.op,
            b.events.map((e) => ({ ...e })),
            b.clock,
          );
          assert.deepEqual(again.codes, wantAgain.results, 'model agrees on the resubmission');
          first.codes.forEach((c, i) => {
            if (c === 'ok') {
              assert.notEqual(again.codes[i], 'ok', `event ${i} applied twice`);
              assert.ok(
                ['exists', 'linked_event_failed', 'linked_event_chain_open'].includes(again.codes[i]!),
                `resubmitted success ${i} gave ${again.codes[i]}`,
              );
            }
          });
          const inChain = new Set<number>();
          for (const ch of chainsOf(b.events)) for (let i = ch.start; i <= ch.end; i++) inChain.add(i);
          first.codes.forEach((c, i) => {
            if (c === 'ok' && !inChain.has(i)) assert.equal(again.codes[i], 'exists');
          });
        }
        // 2. Later, any executed batch's successful events again: no balance or record changes.
        settle(sm, model);
        for (const { batch, codes } of executed) {
          const okEvents = batch.events.filter((_, i) => codes[i] === 'ok');
          if (okEvents.length === 0) continue;
          settle(sm, model);
          const before = balancesOf(sm);
          const counts = [sm.accounts.size, sm.transfers.size, [...sm.pending.values()].map((p) => p.status).join()];
          const r = exec(sm, { op: batch.op, events: okEvents, clock: 0n });
          assert.deepEqual(
            r.codes,
            model.execute(
              batch.op,
              okEvents.map((e) => ({ ...e })),
              0n,
            ).results,
          );
          for (const c of r.codes) {
            assert.ok(['exists', 'linked_event_failed', 'linked_event_chain_open'].includes(c), `resubmission gave ${c}`);
          }
          assert.ok(r.codes.includes('exists'), 'at least one event is recognised as existing');
          assert.deepEqual(balancesOf(sm), before, 'a resubmission moved money');
          assert.deepEqual([sm.accounts.size, sm.transfers.size, [...sm.pending.values()].map((p) => p.status).join()], counts);
          assert.deepEqual(r.effects.history, []);
          assert.deepEqual(r.effects.expired, []);
        }
        checkInvariants(sm);
      }),
      { numRuns: RUNS },
    );
  });

  test('a failed linked chain leaves no trace: same state as if its events had been rejected outright', () => {
    let failedChains = 0;
    fc.assert(
      fc.property(arbScenario({ maxSteps: 8 }), arbLimits, (scenario, limits) => {
        const batches = materialize(scenario);
        const sm = new LedgerStateMachine(limits);
        batches.forEach((b, bi) => {
          const accountsBefore = new Set(sm.accounts.keys());
          const transfersBefore = new Set(sm.transfers.keys());
          const got = exec(sm, b);
          const failed = chainsOf(b.events).filter((ch) => got.codes.slice(ch.start, ch.end + 1).some((c) => c !== 'ok'));
          if (failed.length === 0) return;
          failedChains += failed.length;
          const failedIdx = new Set<number>();
          for (const ch of failed) {
            const codes = got.codes.slice(ch.start, ch.end + 1);
            assert.ok(!codes.includes('ok'), 'a failed chain has no ok event');
            const own = codes.filter((c) => c !== 'linked_event_failed');
            if (ch.open) {
              assert.equal(codes[codes.length - 1], 'linked_event_chain_open');
              assert.ok(own.length <= 2);
            } else {
              assert.equal(own.length, 1, 'exactly one event of a failed chain has its own code');
            }
            for (let i = ch.start; i <= ch.end; i++) failedIdx.add(i);
          }
          // Ids of the failed chain were not created (unless another ok event of the batch created them).
          const okIds = new Set(b.events.filter((_, i) => got.codes[i] === 'ok').map((e) => e.id));
          for (const i of failedIdx) {
            const id = b.events[i]!.id;
            const before = b.op === 'create_accounts' ? accountsBefore : transfersBefore;
            const now = b.op === 'create_accounts' ? sm.accounts : sm.transfers;
            if (!before.has(id) && !okIds.has(id)) assert.ok(!now.has(id), `id ${id} of a failed chain survived`);
          }
          // Metamorphic check: replay everything on a fresh ledger, with the failed chains'
          // events replaced by events that fail on their own (a non-zero timestamp) and are
          // unlinked. The two ledgers must end identical.
          const twin = new LedgerStateMachine(limits);
          for (const prev of batches.slice(0, bi)) exec(twin, prev);
          const neutral = b.events.map((e, i) => (failedIdx.has(i) ? { ...e, flags: e.flags & ~1, timestamp: 1n } : e));
          const alt = exec(twin, { ...b, events: neutral });
          got.codes.forEach((c, i) => {
            if (failedIdx.has(i)) assert.equal(alt.codes[i], 'timestamp_must_be_zero');
            else assert.equal(alt.codes[i], c, `event ${i} outside the failed chains`);
          });
          assert.deepEqual(implState(twin), implState(sm), 'state differs from the chain never having run');
          assert.deepEqual(effectsView(alt.effects), effectsView(got.effects));
          assert.equal(twin.last_timestamp, sm.last_timestamp);
        });
      }),
      { numRuns: RUNS },
    );
    assert.ok(failedChains > RUNS / 2, `the generators produced only ${failedChains} failed chains`);
  });
});
