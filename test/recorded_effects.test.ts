// A command's effects as RecordingLedger gathers them (src/journal/command.ts):
// its batches run through LedgerStateMachine.executeInto, their transfers kept as
// rows of the transfer log and made into objects only when read. Against the
// same batches run one by one through execute(), whose effects are joined in
// order: the same results, accounts, transfers, expiries and balance rows, and a
// transfer count equal to the transfers made, whenever they are read. Both kinds
// of effects (a command's and execute()'s) write the codec's records of their
// transfers and visit each one's debit then credit account, in order.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { RecordingLedger } from '../src/journal/command.js';
import { RECORD_SIZE, encodeTransfer } from '../src/ledger/codec.js';
import { LedgerStateMachine, type BatchEffects } from '../src/ledger/state_machine.js';
import { AccountFlags, TransferFlags, type Account, type Transfer } from '../src/ledger/types.js';
import { NS, account, arbScenario, materialize, transfer, type ExecutedBatch } from './support/arbitraries.js';

interface Joined {
  accounts_created: Account[];
  transfers_created: Transfer[];
  expired: BatchEffects['expired'];
  history: BatchEffects['history'];
}

function joined(): Joined {
  return { accounts_created: [], transfers_created: [], expired: [], history: [] };
}

function join(into: Joined, e: BatchEffects): void {
  into.accounts_created.push(...e.accounts_created);
  into.transfers_created.push(...e.transfers_created);
  into.expired.push(...e.expired);
  into.history.push(...e.history);
}

/** `effects`' records and account visits against the codec's bytes and the ids of `transfers`. */
function sameTransferWalks(effects: BatchEffects, transfers: readonly Transfer[], where: string): void {
  const stride = RECORD_SIZE + 3;
  const into = Buffer.alloc(1 + transfers.length * stride);
  assert.equal(effects.writeTransferRecords(into, 1, stride), 1 + transfers.length * stride, `${where}: records' end`);
  const rec = Buffer.alloc(RECORD_SIZE);
  transfers.forEach((t, k) => {
    encodeTransfer(t, rec, 0);
    assert.ok(into.subarray(1 + k * stride, 1 + k * stride + RECORD_SIZE).equals(rec), `${where}: record ${k}`);
  });
  const ids: bigint[] = [];
  effects.forEachTransferAccount((id) => ids.push(id));
  assert.deepEqual(
    ids,
    transfers.flatMap((t) => [t.debit_account_id, t.credit_account_id]),
    `${where}: accounts visited`,
  );
}

function sameEffects(recorded: BatchEffects, expected: Joined, where: string): void {
  assert.equal(recorded.transfer_count, expected.transfers_created.length, `${where}: transfer_count`);
  sameTransferWalks(recorded, expected.transfers_created, where);
  assert.deepEqual(recorded.transfers_created, expected.transfers_created, `${where}: transfers`);
  assert.deepEqual(recorded.accounts_created, expected.accounts_created, `${where}: accounts`);
  assert.deepEqual(recorded.expired, expected.expired, `${where}: expiries`);
  assert.deepEqual(recorded.history, expected.history, `${where}: balance rows`);
}

/**
 * Runs `batches` on two machines: one batch at a time through execute() on the
 * first, and as commands of RecordingLedger on the second (a command ends where
 * `cut` says, or at a pulse; its batches all run at its first batch's clock, on
 * both). `peek`: also compare a command's effects after each of its batches.
 */
function compare(batches: readonly ExecutedBatch[], cut: readonly boolean[], peek: boolean): void {
  const a = new LedgerStateMachine();
  const b = new LedgerStateMachine();
  let recorder: RecordingLedger | null = null;
  let expected = joined();
  let clock = 0n;
  const close = (i: number): void => {
    if (recorder !== null) sameEffects(recorder.effects, expected, `command ending before batch ${i}`);
    recorder = null;
    expected = joined();
  };
  batches.forEach((batch, i) => {
    if (batch.op === 'pulse') {
      close(i);
      const ra = a.execute('pulse', [], batch.clock);
      const rb = b.execute('pulse', [], batch.clock);
      assert.deepEqual(rb.effects.expired, ra.effects.expired, `pulse ${i}`);
      return;
    }
    if (recorder === null || cut[i % cut.length] === true) {
      close(i);
      clock = batch.clock;
      recorder = new RecordingLedger(b, clock);
    }
    const run = a.execute(batch.op, batch.events, clock);
    // execute()'s own effects: the count before the transfers are made, then the walks over them.
    const made = a.transfers.slice(a.transfers.size - run.effects.transfer_count, a.transfers.size);
    sameTransferWalks(run.effects, made, `batch ${i}: execute()`);
    assert.deepEqual(run.effects.transfers_created, made, `batch ${i}: execute()'s transfers`);
    join(expected, run.effects);
    const results = batch.op === 'create_accounts' ? recorder.createAccounts(batch.events as Account[]) : recorder.createTransfers(batch.events as Transfer[]);
    assert.deepEqual(results, run.results, `batch ${i}: results`);
    if (peek) sameEffects(recorder.effects, expected, `after batch ${i}`);
  });
  close(batches.length);
  assert.equal(b.transferCount, a.transferCount);
}

describe('RecordingLedger: a command effects as the rows of the transfer log', () => {
  test('many small batches in one command, a linked chain that fails among them, a history account, and an expiry', () => {
    const sm = new LedgerStateMachine();
    const start = 10n * NS;
    const open = new RecordingLedger(sm, start);
    const accounts = [account(1n, 1), account(2n, 1, 1, AccountFlags.history), account(3n, 1)];
    assert.deepEqual([...open.createAccounts(accounts)], [0, 0, 0]);
    assert.equal(open.effects.transfer_count, 0);
    assert.deepEqual(open.effects.transfers_created, []);

    const cmd = new RecordingLedger(sm, start + NS);
    const ok = (id: bigint, amount: bigint, flags = 0, more: Partial<Transfer> = {}): Transfer =>
      transfer({ id, debit_account_id: 1n, credit_account_id: 2n, amount, ledger: 1, code: 1, flags, ...more });
    cmd.createTransfers([ok(1n, 5n)]);
    cmd.createTransfers([ok(2n, 6n), ok(3n, 7n)]);
    // Read between batches: a later batch must show in the next read.
    assert.deepEqual(
      cmd.effects.transfers_created.map((t) => t.id),
      [1n, 2n, 3n],
    );
    // A linked chain whose second event fails (no such account): both taken back, as are their balance rows.
    const chain = cmd.createTransfers([
      ok(4n, 1n, TransferFlags.linked),
      transfer({ id: 5n, debit_account_id: 1n, credit_account_id: 99n, amount: 1n, ledger: 1, code: 1 }),
    ]);
    assert.notEqual(chain[0], 0);
    cmd.createTransfers([ok(6n, 8n, TransferFlags.pending, { timeout: 1 })]);
    cmd.createTransfers([]);
    cmd.createTransfers([ok(7n, 9n)]);
    const e = cmd.effects;
    assert.deepEqual(
      e.transfers_created.map((t) => [t.id, t.amount]),
      [
        [1n, 5n],
        [2n, 6n],
        [3n, 7n],
        [6n, 8n],
        [7n, 9n],
      ],
    );
    assert.equal(e.transfer_count, 5);
    // Account 2 keeps history: one balance row per transfer that credited it.
    assert.deepEqual(
      e.history.map((h) => [h.account_id, h.balance.credits_posted, h.balance.credits_pending]),
      [
        [2n, 5n, 0n],
        [2n, 11n, 0n],
        [2n, 18n, 0n],
        [2n, 18n, 8n],
        [2n, 27n, 8n],
      ],
    );
    assert.deepEqual(e.expired, []);
    assert.deepEqual(e.accounts_created, []);
    // The pending transfer expires in a later command: its expiry in that command's effects, no transfer made.
    const later = new RecordingLedger(sm, start + 10n * NS);
    later.createTransfers([ok(8n, 1n)]);
    assert.deepEqual(
      later.effects.expired.map((x) => x.transfer.id),
      [6n],
    );
    assert.deepEqual(
      later.effects.transfers_created.map((t) => t.id),
      [8n],
    );
    // The records written for the query index: the codec's bytes of the same transfers, at the stride asked.
    const stride = 131;
    const into = Buffer.alloc(5 + 5 * stride);
    assert.equal(e.writeTransferRecords(into, 5, stride), 5 + 5 * stride);
    e.transfers_created.forEach((t, k) => {
      const rec = Buffer.alloc(RECORD_SIZE);
      encodeTransfer(t, rec, 0);
      assert.ok(into.subarray(5 + k * stride, 5 + k * stride + RECORD_SIZE).equals(rec), `record ${k}`);
    });
    const ids: bigint[] = [];
    e.forEachTransferAccount((id) => ids.push(id));
    assert.deepEqual(
      ids,
      e.transfers_created.flatMap((t) => [t.debit_account_id, t.credit_account_id]),
    );
    // The first command's transfers read again later, after more rows: the same.
    assert.deepEqual(
      cmd.effects.transfers_created.map((t) => t.id),
      [1n, 2n, 3n, 6n, 7n],
    );
  });

  test('property: the same effects as execute() batch by batch, read at the end of each command or after every batch', () => {
    fc.assert(
      fc.property(arbScenario({ maxSteps: 16 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.boolean(), (s, cut, peek) => {
        compare(materialize(s), cut, peek);
      }),
      { numRuns: 400 },
    );
  });
});
