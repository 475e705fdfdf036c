// The ledger state machine against the reference model with ids and amounts at
// the edges of the representations the implementation uses for speed: ids that
// agree in their low 32 or low 64 bits (the id table compares those words first
// and must fall back to the whole u128), ids of 2^64 and above, and amounts
// around 2^53, 2^63, 2^64, 2^127 and 2^128, where an implementation on doubles or
// 64-bit words would round or wrap. Any such shortcut must agree exactly with the
// reference model, which does everything in plain bigints.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LedgerStateMachine, type BatchEffects } from '../src/ledger/state_machine.js';
import { AccountFlags, RESULT_CODES, TransferFlags, U128_MAX, type Account, type ResultCode, type Transfer } from '../src/ledger/types.js';
import { ReferenceLedger, type ModelBatchOutcome } from './support/reference_model.js';
import { account, transfer } from './support/arbitraries.js';

const P64 = 1n << 64n;
/** Distinct ids; 1, 2^64 + 1 and 2^127 + 1 share their low 64 bits, 1 and 2^32 + 1 their low 32. */
const ACCOUNT_IDS: readonly bigint[] = [1n, (1n << 32n) + 1n, P64 - 1n, P64, P64 + 1n, (1n << 127n) + 1n, U128_MAX - 1n];
const TRANSFER_IDS: readonly bigint[] = [1n, 2n, (1n << 32n) + 1n, P64 - 1n, P64, P64 + 1n, P64 + 2n, (1n << 127n) + 1n, U128_MAX - 1n];
const EDGES: readonly bigint[] = [1n << 53n, 1n << 63n, P64, 1n << 127n, U128_MAX];

const arbAmount: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt(0n, 20n) },
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...EDGES), fc.bigInt(-3n, 3n)).map(([e, d]) => (e + d < 0n ? 0n : e + d > U128_MAX ? U128_MAX : e + d)) },
  // Half an edge: two of them add up to just below, at or just above it.
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...EDGES), fc.bigInt(-2n, 2n)).map(([e, d]) => (e >> 1n) + d) },
);

const arbAccountId = fc.constantFrom(...ACCOUNT_IDS);
const arbTransferId = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...TRANSFER_IDS) }, { weight: 1, arbitrary: fc.constantFrom(0n, U128_MAX) });

const arbAccountFlags = fc.constantFrom(
  0,
  0,
  0,
  AccountFlags.debits_must_not_exceed_credits,
  AccountFlags.credits_must_not_exceed_debits,
  AccountFlags.history,
  AccountFlags.linked,
);

const arbAccounts: fc.Arbitrary<Account[]> = fc.array(
  fc.record({ id: arbAccountId, flags: arbAccountFlags, ledger: fc.constantFrom(1, 1, 1, 2) }).map((r) => account(r.id, r.ledger, 1, r.flags)),
  { minLength: 1, maxLength: 8 },
);

const T = TransferFlags;
const arbTransferFlags = fc.constantFrom(
  0,
  0,
  0,
  0,
  T.pending,
  T.pending,
  T.linked,
  T.balancing_debit,
  T.balancing_credit,
  T.post_pending_transfer,
  T.void_pending_transfer,
);

const arbTransfer: fc.Arbitrary<Transfer> = fc
  .record({
    id: arbTransferId,
    dr: arbAccountId,
    cr: arbAccountId,
    amount: arbAmount,
    flags: arbTransferFlags,
    pending_id: fc.constantFrom(...TRANSFER_IDS),
    timeout: fc.constantFrom(0, 0, 1, 0xffff_ffff),
    ledger: fc.constantFrom(1, 1, 1, 2),
  })
  .map((r) => {
    const resolving = (r.flags & (T.post_pending_transfer | T.void_pending_transfer)) !== 0;
    return transfer({
      id: r.id,
      debit_account_id: resolving ? 0n : r.dr,
      credit_account_id: resolving ? 0n : r.cr,
      amount: r.amount,
      pending_id: resolving ? r.pending_id : 0n,
      timeout: (r.flags & T.pending) !== 0 ? r.timeout : 0,
      ledger: resolving ? 0 : r.ledger,
      code: resolving ? 0 : 1,
      flags: r.flags,
    });
  });

type Batch = { op: 'create_accounts' | 'create_transfers' | 'pulse'; events: Array<Account | Transfer>; dt: bigint };

const arbBatch: fc.Arbitrary<Batch> = fc.oneof(
  { weight: 1, arbitrary: arbAccounts.map((events) => ({ op: 'create_accounts' as const, events, dt: 1n })) },
  { weight: 6, arbitrary: fc.array(arbTransfer, { minLength: 1, maxLength: 10 }).map((events) => ({ op: 'create_transfers' as const, events, dt: 1n })) },
  { weight: 1, arbitrary: fc.constantFrom(1n, 2_000_000_000n).map((dt) => ({ op: 'pulse' as const, events: [], dt })) },
);

function view(e: BatchEffects) {
  return {
    expired: e.expired.map((x) => ({ id: x.transfer.id, timestamp: x.timestamp })),
    history: e.history.map((h) => ({ account_id: h.account_id, balance: { ...h.balance } })),
    accounts_created: e.accounts_created.map((a) => a.id),
    transfers_created: e.transfers_created.map((t) => t.id),
  };
}

function modelView(o: ModelBatchOutcome) {
  return { expired: o.expired, history: o.history, accounts_created: o.accounts_created, transfers_created: o.transfers_created };
}

const byId = <X extends { id: bigint }>(a: X, b: X): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Replays the batches on both and checks results, effects, state and lookups agree after each. */
function agree(opening: Account[], batches: Batch[]): Set<ResultCode> {
  const sm = new LedgerStateMachine();
  const model = new ReferenceLedger();
  const seen = new Set<ResultCode>();
  let clock = 1_000_000_000n;
  for (const b of [{ op: 'create_accounts' as const, events: opening, dt: 0n }, ...batches]) {
    clock += b.dt;
    const got = sm.execute(
      b.op,
      b.events.map((e) => ({ ...e })),
      clock,
    );
    const want = model.execute(
      b.op,
      b.events.map((e) => ({ ...e })),
      clock,
    );
    const codes = [...got.results].map((r) => RESULT_CODES[r]!);
    for (const c of codes) seen.add(c);
    assert.deepEqual(codes, want.results, `results of ${b.op}`);
    assert.deepEqual(view(got.effects), modelView(want), 'effects');
    assert.deepEqual([...sm.accounts.values()].map((a) => ({ ...a })).sort(byId), model.allAccounts().sort(byId), 'accounts');
    assert.deepEqual([...sm.transfers.values()].map((t) => ({ ...t })).sort(byId), model.allTransfers().sort(byId), 'transfers');
    for (const id of ACCOUNT_IDS) assert.deepEqual(sm.lookupAccount(id) && { ...sm.lookupAccount(id) }, model.account(id), `lookup of account ${id}`);
    for (const id of TRANSFER_IDS) assert.deepEqual(sm.lookupTransfer(id) && { ...sm.lookupTransfer(id) }, model.transfer(id), `lookup of transfer ${id}`);
  }
  return seen;
}

describe('ledger state machine at the edges of its number representations', () => {
  test('agrees with the reference model for ids sharing low words and amounts around 2^53, 2^63, 2^64, 2^127, 2^128', () => {
    const seen = new Set<ResultCode>();
    const property = fc.property(arbAccounts, fc.array(arbBatch, { minLength: 1, maxLength: 10 }), (opening, batches) => {
      for (const c of agree(opening, batches)) seen.add(c);
    });
    const numRuns = Math.max(300, Number(process.env.LEDGER_PBT_RUNS ?? 300) || 300);
    fc.assert(property, { numRuns });
    // The same property on a fixed seed besides the random one: a random run now and then reaches no overflow
    // (CI, 2026-12-07), so the edges below are reached on every run by this one, and the random run still explores.
    fc.assert(property, { numRuns, seed: 52 });
    // The edges must actually be reached, or the property proves little.
    for (const c of ['ok', 'exists', 'overflows_debits_posted', 'exceeds_credits', 'linked_event_failed'] as ResultCode[]) {
      assert.ok(seen.has(c), `the generators never produced ${c}`);
    }
  });

  test('ids equal in their low 64 bits are different accounts, also after a rolled-back chain', () => {
    const ids = [1n, P64 + 1n, (1n << 127n) + 1n];
    const sm = new LedgerStateMachine();
    const r = sm.execute('create_accounts', [account(ids[0]!, 1), account(ids[1]!, 1, 1, AccountFlags.linked), account(ids[2]!, 1, 0)], 10n);
    // The chain of ids[1] and ids[2] fails (code 0): ids[1] is inserted, then removed again.
    assert.deepEqual(
      [...r.results].map((x) => RESULT_CODES[x]),
      ['ok', 'linked_event_failed', 'code_must_not_be_zero'],
    );
    assert.equal(sm.lookupAccount(ids[1]!), undefined);
    assert.equal(sm.lookupAccount(ids[0]!)?.id, ids[0]);
    const again = sm.execute('create_accounts', [account(ids[2]!, 1), account(ids[1]!, 1)], 20n);
    assert.deepEqual([...again.results], [0, 0]);
    for (const id of ids) assert.equal(sm.lookupAccount(id)?.id, id);
    const t = sm.execute(
      'create_transfers',
      [transfer({ id: P64 + 1n, debit_account_id: ids[1]!, credit_account_id: ids[2]!, amount: U128_MAX, ledger: 1, code: 1 })],
      30n,
    );
    assert.deepEqual([...t.results], [0]);
    assert.equal(sm.lookupAccount(ids[1]!)?.debits_posted, U128_MAX);
    assert.equal(sm.lookupAccount(ids[0]!)?.debits_posted, 0n);
    assert.equal(sm.lookupTransfer(1n), undefined, 'transfer 2^64 + 1 is not transfer 1');
  });
});
