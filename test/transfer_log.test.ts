// The compact transfer log (src/ledger/transfer_log.ts) against plain objects and
// a Map: every field round-trips through the binary records (u128 values above
// 2^64, 0 and U128_MAX edges, u32/u16 maxima), insertion order holds, LIFO pops
// undo appends exactly (a linked chain's rollback), and lookups keep working as
// the table and the chunks grow.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { TransferLog } from '../src/ledger/transfer_log.js';
import { arbTransferRecord } from './support/arbitraries.js';
import { emptyAccount, RESULT_CODES, type Transfer, TransferFlags, U128_MAX, U16_MAX, U32_MAX, U64_MAX } from '../src/ledger/types.js';

const u128 = fc.oneof(
  fc.constantFrom(0n, 1n, U64_MAX, U64_MAX + 1n, U128_MAX, U128_MAX - 1n, 1n << 127n),
  fc.bigInt({ min: 0n, max: U64_MAX }),
  fc.bigInt({ min: U64_MAX + 1n, max: U128_MAX }),
);
const u64 = fc.oneof(fc.constantFrom(0n, 1n, U64_MAX, 1n << 63n), fc.bigInt({ min: 0n, max: U64_MAX }));
const u32 = fc.oneof(fc.constantFrom(0, 1, U32_MAX, 0x8000_0000), fc.integer({ min: 0, max: U32_MAX }));
const u16 = fc.oneof(fc.constantFrom(0, 1, U16_MAX, 0x8000), fc.integer({ min: 0, max: U16_MAX }));

const idArb = fc.oneof(
  fc.bigInt({ min: 1n, max: 3000n }),
  fc.bigInt({ min: 1n, max: U128_MAX }),
  // Same low 64 bits, different high bits: equal hashes and fingerprints; only the full id tells them apart.
  fc.bigInt({ min: 1n, max: 50n }).map((hi) => (hi << 64n) | 7n),
  // Same low 32 bits (the fingerprint), different bits 32-63.
  fc.bigInt({ min: 0n, max: 50n }).map((mid) => (mid << 32n) | 9n),
  fc.bigInt({ min: -20n, max: 20n }).map((d) => (1n << 64n) + d),
  fc.constantFrom(0n, U128_MAX),
);

function transferArb(id: fc.Arbitrary<bigint> = idArb): fc.Arbitrary<Transfer> {
  return arbTransferRecord({ u128, u64, u32, u16 }, id);
}

test('every field round-trips, including u128 values from 0 to U128_MAX and u32/u16 maxima', () => {
  fc.assert(
    fc.property(fc.array(transferArb(), { maxLength: 200 }), (ts) => {
      const log = new TransferLog();
      const model = new Map<bigint, Transfer>();
      for (const t of ts) {
        if (model.has(t.id)) continue;
        log.insert(t);
        model.set(t.id, { ...t });
      }
      assert.equal(log.size, model.size);
      for (const [id, t] of model) assert.deepEqual(log.get(id), t);
      assert.deepEqual([...log.values()], [...model.values()], 'insertion order');
      assert.deepEqual([...log.keys()], [...model.keys()]);
      assert.deepEqual(log.slice(), [...model.values()]);
      // The field readers verify's tally uses (src/journal/verify.ts) give what read() gives.
      for (let r = 0; r < log.size; r++) {
        const t = log.read(r);
        assert.equal(log.amountAt(r), t.amount);
        assert.equal(log.pendingIdAt(r), t.pending_id);
        assert.equal(log.flagsAt(r), t.flags);
        assert.equal(log.debitAt(r), t.debit_account_id);
        assert.equal(log.creditAt(r), t.credit_account_id);
      }
    }),
  );
});

test('the all-ones and all-zero records hold their fields (no bleed between neighbouring fields)', () => {
  const log = new TransferLog();
  const max: Transfer = {
    id: U128_MAX,
    debit_account_id: U128_MAX,
    credit_account_id: U128_MAX,
    amount: U128_MAX,
    pending_id: U128_MAX,
    user_data_128: U128_MAX,
    user_data_64: U64_MAX,
    user_data_32: U32_MAX,
    timeout: U32_MAX,
    ledger: U32_MAX,
    code: U16_MAX,
    flags: U16_MAX,
    timestamp: U64_MAX,
  };
  const zero: Transfer = {
    ...max,
    id: 5n,
    debit_account_id: 0n,
    credit_account_id: 0n,
    amount: 0n,
    pending_id: 0n,
    user_data_128: 0n,
    user_data_64: 0n,
    user_data_32: 0,
    timeout: 0,
    ledger: 0,
    code: 0,
    flags: 0,
    timestamp: 0n,
  };
  log.insert(zero);
  log.insert(max);
  log.insert({ ...zero, id: 6n });
  assert.deepEqual(log.get(U128_MAX), max);
  assert.deepEqual(log.get(5n), zero);
  assert.deepEqual(log.get(6n), { ...zero, id: 6n });
  assert.equal(log.timestampOf(U128_MAX), U64_MAX);
  assert.equal(log.timestampOf(7n), -1n);
  assert.equal(log.get(7n), undefined);
  // A returned transfer is a copy: changing it changes nothing stored.
  log.get(5n)!.amount = 99n;
  assert.equal(log.get(5n)!.amount, 0n);
});

test('agrees with a Map under appends and LIFO pops, through table and chunk growth', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof({ weight: 4, arbitrary: idArb }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 3000 }), (ops) => {
      const log = new TransferLog();
      const model = new Map<bigint, Transfer>();
      const order: Transfer[] = [];
      ops.forEach((op, n) => {
        if (op === null) {
          const popped = log.popLast();
          const expected = order.pop();
          assert.deepEqual(popped, expected);
          if (expected !== undefined) model.delete(expected.id);
          return;
        }
        const slot = log.find(op);
        const expected = model.get(op);
        assert.deepEqual(log.at(slot), expected);
        assert.equal(log.indexAt(slot) >= 0, expected !== undefined);
        if (expected === undefined) {
          const t: Transfer = {
            id: op,
            debit_account_id: op ^ 1n,
            credit_account_id: BigInt(n),
            amount: (op % 1000n) * 3n,
            pending_id: 0n,
            user_data_128: 0n,
            user_data_64: BigInt(n),
            user_data_32: n,
            timeout: 0,
            ledger: 1,
            code: 2,
            flags: n & 0x3f,
            timestamp: BigInt(n + 1),
          };
          log.insertAt(slot, t);
          model.set(op, t);
          order.push(t);
        }
      });
      assert.equal(log.size, model.size);
      for (const [id, t] of model) assert.deepEqual(log.get(id), t);
      assert.deepEqual([...log.values()], order);
    }),
    { numRuns: 60 },
  );
});

test('lookups after growth past several chunks, and pops back across a chunk boundary', () => {
  const log = new TransferLog();
  const n = 100_000; // the first chunk doubles to 32 768 records, then whole chunks follow
  for (let i = 1; i <= n; i++) {
    const id = i % 2 === 0 ? BigInt(i) : (BigInt(i) << 64n) | BigInt(i);
    const slot = log.find(id);
    assert.equal(log.indexAt(slot), -1);
    log.appendAt(slot, id, BigInt(i), BigInt(i + 1), BigInt(i) * 1000n, 0n, 0n, 0n, i, 0, 156, 1, 0, BigInt(i));
  }
  assert.equal(log.size, n);
  for (let i = 1; i <= n; i += 997) {
    const id = i % 2 === 0 ? BigInt(i) : (BigInt(i) << 64n) | BigInt(i);
    const t = log.get(id)!;
    assert.equal(t.id, id);
    assert.equal(t.amount, BigInt(i) * 1000n);
    assert.equal(t.user_data_32, i);
    assert.equal(log.read(i - 1).id, id);
    assert.equal(log.idAt(i - 1), id);
  }
  // Pop back below two chunk boundaries (65 536 and 32 768), then append again.
  for (let i = n; i > 30_000; i--) assert.equal(log.popLast()!.timestamp, BigInt(i));
  assert.equal(log.size, 30_000);
  assert.equal(log.get(30_001n), undefined);
  assert.equal(log.get((29_999n << 64n) | 29_999n)!.timestamp, 29_999n);
  for (let i = 30_001; i <= 70_000; i++) log.insert({ ...log.read(0), id: BigInt(i) + (1n << 100n), timestamp: BigInt(i) });
  assert.equal(log.size, 70_000);
  assert.equal(log.get(70_000n + (1n << 100n))!.timestamp, 70_000n);
  assert.equal(log.get(2n)!.timestamp, 2n);
});

test('a failed linked chain leaves no transfer behind, and a retry of its ids succeeds', () => {
  const sm = new LedgerStateMachine({ accounts_max: 10, transfers_max: 100 });
  sm.execute('create_accounts', [emptyAccount(1n, 156, 1), emptyAccount(2n, 156, 1)], 1n);
  const t = (id: bigint, flags: number, amount = 10n): Transfer => ({
    id,
    debit_account_id: 1n,
    credit_account_id: 2n,
    amount,
    pending_id: 0n,
    user_data_128: U128_MAX - id,
    user_data_64: 0n,
    user_data_32: 0,
    timeout: 0,
    ledger: 156,
    code: 1,
    flags,
    timestamp: 0n,
  });
  const L = TransferFlags.linked;
  const P = TransferFlags.pending;
  // The chain's third event repeats the first one's id: the chain fails and is rolled back.
  const big = (1n << 64n) + 5n;
  const r1 = sm.execute('create_transfers', [t(1n, 0), t(big, L | P), t(3n, L), t(big, 0)], 2n);
  assert.deepEqual(
    [...r1.results].map((r) => RESULT_CODES[r]),
    ['ok', 'linked_event_failed', 'linked_event_failed', 'exists_with_different_fields'],
  );
  assert.equal(sm.transferCount, 1);
  assert.equal(sm.lookupTransfer(big), undefined);
  assert.equal(sm.lookupTransfer(3n), undefined);
  assert.equal(sm.pendingStatus(big), undefined);
  assert.deepEqual(
    r1.effects.transfers_created.map((x) => x.id),
    [1n],
  );
  const r2 = sm.execute('create_transfers', [t(big, L | P), t(3n, 0)], 3n);
  assert.deepEqual([...r2.results], [0, 0]);
  assert.deepEqual(
    [...sm.transfersInOrder()].map((x) => [x.id, x.user_data_128]),
    [
      [1n, U128_MAX - 1n],
      [big, U128_MAX - big],
      [3n, U128_MAX - 3n],
    ],
  );
  assert.equal(sm.pendingStatus(big), 'pending');
  assert.deepEqual(
    [...sm.transfersWithCodes([1])].map((x) => x.id),
    [1n, big, 3n],
  );
  assert.deepEqual([...sm.transfersWithCodes([2, 3])], []);
});

test('an expiry queued by a rolled-back pending transfer does not expire the one created later under its id', () => {
  const sm = new LedgerStateMachine({ accounts_max: 10, transfers_max: 100 });
  sm.execute('create_accounts', [emptyAccount(1n, 156, 1), emptyAccount(2n, 156, 1)], 1n);
  const pending = (id: bigint, timeout: number, flags: number): Transfer => ({
    id,
    debit_account_id: 1n,
    credit_account_id: 2n,
    amount: 10n,
    pending_id: 0n,
    user_data_128: 0n,
    user_data_64: 0n,
    user_data_32: 0,
    timeout,
    ledger: 156,
    code: 1,
    flags: TransferFlags.pending | flags,
    timestamp: 0n,
  });
  const s = 1_000_000_000n;
  // Pending 7 (1 s timeout) is created and rolled back: its chain's last event fails (id 0).
  const r1 = sm.execute('create_transfers', [pending(7n, 1, TransferFlags.linked), pending(0n, 0, 0)], 10n * s);
  assert.deepEqual(
    [...r1.results].map((r) => RESULT_CODES[r]),
    ['linked_event_failed', 'id_must_not_be_zero'],
  );
  assert.equal(sm.execute('create_transfers', [pending(7n, 100, 0)], 10n * s + 1n).results[0], 0);
  const later = sm.execute('pulse', [], 12n * s);
  assert.deepEqual(later.effects.expired, [], 'the rolled-back transfer’s 1 s expiry is stale');
  assert.equal(sm.pendingStatus(7n), 'pending');
  const due = sm.execute('pulse', [], 111n * s);
  assert.deepEqual(
    due.effects.expired.map((x) => x.transfer.id),
    [7n],
  );
  assert.equal(sm.pendingStatus(7n), 'expired');
  assert.equal(sm.nextExpiry(), null);
});
